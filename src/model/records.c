/*
 * What the records registers share with the other slices: checks other
 * commands make inside their transaction (is this person active, does this
 * container hold class H…), and the helpers of media.c. Persons, approved
 * spaces, information systems and distributors are registers defined as
 * data (reg_persons.c, reg_spaces.c, reg_systems.c, reg_distributors.c,
 * reg_media.c).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/access_int.h"
#include "model/records.h"
#include "model/records_int.h"
#include "model/reg_int.h"
#include "model/register.h"

/* ---- shared helpers (records_int.h) ---- */

int rec_log(struct store_tx *tx, const struct principal *p, const char *kind, const char *type,
            int64_t id, json_t *data)
{
	return model_tx_log(tx, p->id, kind, type, id, model_with_token(data, p));
}

int rec_class_rank(const char *s)
{
	int c = clearance_parse(s);

	return c < CLEAR_BH ? 0 : c;
}

bool rec_has(const json_t *data, const char *key)
{
	return json_object_get(data, key) != NULL;
}

/* Reads one row's first column as text into out (""), or SK_ENOTFOUND. */
static int tx_row(struct store_tx *tx, const char *sql, int64_t id, char *a, size_t acap, char *b,
                  size_t bcap, char *c, size_t ccap)
{
	struct store_q *q;
	int rc = store_tx_query(tx, sql, &q);

	if (rc)
		return rc;
	store_q_bind_int(q, 1, id);
	rc = store_q_step(q);
	if (!rc) {
		if (a)
			snprintf(a, acap, "%s", store_q_text(q, 0));
		if (b)
			snprintf(b, bcap, "%s", store_q_text(q, 1));
		if (c)
			snprintf(c, ccap, "%s", store_q_text(q, 2));
	}
	store_q_done(q);
	return rc;
}

/* Does s hold anything but spaces? */
static bool rec_blank_free(const char *s)
{
	for (; s && *s; s++) {
		if (*s != ' ' && *s != '\t')
			return true;
	}
	return false;
}

/* ---- helpers for other slices ---- */

int records_tx_person_active(struct store_tx *tx, int64_t id)
{
	char status[16];
	int rc = tx_row(tx, "SELECT status FROM person WHERE id = ?1", id, status, sizeof(status),
	                NULL, 0, NULL, 0);

	if (rc)
		return rc;
	return strcmp(status, "active") == 0 ? SK_OK : SK_ERULE;
}

static int space_check(struct store_tx *tx, int64_t id, int class, bool container_only)
{
	char kind[16], max[4], status[16];
	int rc = tx_row(tx, "SELECT kind, max_class, status FROM space WHERE id = ?1", id, kind,
	                sizeof(kind), max, sizeof(max), status, sizeof(status));

	if (rc)
		return rc;
	if (strcmp(status, "approved") != 0)
		return SK_ERULE;
	if (container_only && strcmp(kind, "container") != 0)
		return SK_ERULE;
	return rec_class_rank(max) >= class ? SK_OK : SK_ERULE;
}

int records_tx_space_holds(struct store_tx *tx, int64_t space_id, int class)
{
	return space_check(tx, space_id, class, true);
}

int records_tx_space_approved(struct store_tx *tx, int64_t space_id, int class)
{
	return space_check(tx, space_id, class, false);
}

int records_tx_system_holds(struct store_tx *tx, int64_t system_id, int class)
{
	char max[4], status[16];
	int rc = tx_row(tx, "SELECT max_class, status FROM info_system WHERE id = ?1", system_id,
	                max, sizeof(max), status, sizeof(status), NULL, 0);

	if (rc)
		return rc;
	if (strcmp(status, "approved") != 0)
		return SK_ERULE;
	return rec_class_rank(max) >= class ? SK_OK : SK_ERULE;
}

int records_tx_distributor_approved(struct store_tx *tx, int64_t id)
{
	char status[16], ref[160];
	/* a blank decision (stored before 3 kap. 12 § was enforced) approved nothing */
	int rc = tx_row(tx, "SELECT status, decision_ref FROM distributor WHERE id = ?1", id,
	                status, sizeof(status), ref, sizeof(ref), NULL, 0);

	if (rc)
		return rc;
	return strcmp(status, "approved") == 0 && rec_blank_free(ref) ? SK_OK : SK_ERULE;
}

int64_t records_tx_person_of_identity(struct store_tx *tx, int64_t identity_id)
{
	int64_t id = 0;

	if (identity_id <= 0 ||
	    store_tx_int(tx, &id, "SELECT coalesce(max(id), 0) FROM person WHERE identity_id = ?1",
	                 "i", identity_id))
		return 0;
	return id;
}

int64_t records_person_of_identity(struct store_reader *r, int64_t identity_id)
{
	struct store_q *q;
	int64_t id = 0;

	if (!r || identity_id <= 0 ||
	    store_reader_query(r, "SELECT id FROM person WHERE identity_id = ?1", &q))
		return 0;
	store_q_bind_int(q, 1, identity_id);
	if (store_q_step(q) == SK_OK)
		id = store_q_int(q, 0);
	store_q_done(q);
	return id;
}

/* ---- reading (reg_media.c) ---- */

json_t *rec_query(struct model *m, const char *sql, json_t *(*row)(struct store_q *),
                  const char *t1, const char *t2, int64_t i3)
{
	struct store_reader *r = model_reader(m);
	json_t *arr = json_array();
	struct store_q *q;

	if (!r || !arr || store_reader_query(r, sql, &q)) {
		json_decref(arr);
		return NULL;
	}
	if (t1)
		store_q_bind_text(q, 1, t1);
	if (t2)
		store_q_bind_text(q, 2, t2);
	if (i3)
		store_q_bind_int(q, 3, i3);
	while (store_q_step(q) == SK_OK)
		json_array_append_new(arr, row(q));
	store_q_done(q);
	return arr;
}

json_t *rec_query_one(struct model *m, const char *sql, json_t *(*row)(struct store_q *),
                      int64_t id)
{
	struct store_reader *r = model_reader(m);
	struct store_q *q;
	json_t *o = NULL;

	if (!r || store_reader_query(r, sql, &q))
		return NULL;
	store_q_bind_int(q, 1, id);
	if (store_q_step(q) == SK_OK)
		o = row(q);
	store_q_done(q);
	return o;
}

/* ---- projections ---- */

/* Persons, spaces, systems, distributors and media are defined as data (reg_*.c). */
void model_register_records(void)
{
	reg_register_projections();
}
