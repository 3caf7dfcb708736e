/*
 * The records register (3 kap. PMFS 2022:1 and 5 kap. 8–10 §§): persons,
 * approved spaces, information systems and approved distributors. Storage
 * media are in media.c. Writer commands check the caller's roles as they
 * stand in the writer's transaction, validate against the current state and
 * append one entry each; the projections below apply them.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/access_int.h"
#include "model/records.h"
#include "model/records_int.h"
#include "model/reg_int.h"

/* ---- shared helpers (records_int.h) ---- */

int rec_bad(struct model_err *err, const char *field, const char *fmt, ...)
{
	va_list ap;

	snprintf(err->field, sizeof(err->field), "%s", field ? field : "");
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return SK_EINVAL;
}

int rec_check_text(struct model_err *err, const char *field, const char *s, size_t min, size_t max,
                   bool required)
{
	if (!s)
		return required ? rec_bad(err, field, "%s is required", field) : SK_OK;
	if (!model_text_valid(s, min, max, 0))
		return rec_bad(err, field, "%s: %zu..%zu bytes of text without control characters",
		               field, min, max);
	return SK_OK;
}

int rec_check_date(struct model_err *err, const char *field, const char *s)
{
	char today[11];

	if (!s)
		return SK_OK;
	if (!model_date_valid(s))
		return rec_bad(err, field, "%s: a date YYYY-MM-DD", field);
	model_today(today);
	if (strcmp(s, today) > 0)
		return rec_bad(err, field, "%s: %s is in the future", field, s);
	return SK_OK;
}

int rec_check_class(struct model_err *err, const char *field, int class, bool required)
{
	if (class == 0 && !required)
		return SK_OK;
	if (class < CLEAR_BH || class > CLEAR_KH)
		return rec_bad(err, field, "%s: one of BH, K, H, KH", field);
	return SK_OK;
}

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

/* ---- persons ---- */

#define PERSON_WRITERS (ROLE_BIT(ROLE_REGISTRAR) | ROLE_BIT(ROLE_SSC) | ROLE_BIT(ROLE_ADMIN))
#define PERSON_FULL    (ROLE_BIT(ROLE_REGISTRAR) | ROLE_BIT(ROLE_SSC))

struct person_cmd {
	const struct principal *p;
	int64_t id;
	const struct records_person *n;
	const char *ended_on;
};

static int person_rights(struct store_tx *tx, const struct principal *p, bool has_identity)
{
	unsigned roles = model_tx_caller_roles(tx, p);

	if (!(roles & PERSON_WRITERS))
		return store_tx_fail(tx, NULL,
		                     "persons are recorded by the registrar, the "
		                     "säkerhetsskyddschef or a systemadministratör"),
		       SK_EPERM;
	if (!(roles & PERSON_FULL) && !has_identity)
		return store_tx_fail(tx, "identity_id",
		                     "a systemadministratör records only persons who have a login "
		                     "(give identity_id)"),
		       SK_EPERM;
	return SK_OK;
}

/* The identity exists and is not another person's. */
static int identity_free(struct store_tx *tx, int64_t identity_id, int64_t self)
{
	int64_t n = 0, other;
	int rc = store_tx_int(tx, &n, "SELECT count(*) FROM identity WHERE id = ?1", "i",
	                      identity_id);

	if (rc)
		return rc;
	if (!n)
		return store_tx_fail(tx, "identity_id", "no identity %lld", (long long)identity_id),
		       SK_ENOTFOUND;
	other = records_tx_person_of_identity(tx, identity_id);
	if (other && other != self)
		return store_tx_fail(tx, "identity_id", "identity %lld is already person %lld",
		                     (long long)identity_id, (long long)other),
		       SK_EEXIST;
	return SK_OK;
}

static int person_create_fn(struct store_tx *tx, void *arg)
{
	struct person_cmd *c = arg;
	const struct records_person *n = c->n;
	int rc = person_rights(tx, c->p, n->identity_id > 0);

	if (rc)
		return rc;
	if (n->identity_id > 0 && (rc = identity_free(tx, n->identity_id, 0)))
		return rc;
	rc = store_tx_int(tx, &c->id, "SELECT coalesce(max(id), 0) + 1 FROM person", "");
	if (rc)
		return rc;
	return rec_log(tx, c->p, "person.created", "person", c->id,
	               json_pack("{s:I, s:s, s:s, s:o}", "id", (json_int_t)c->id, "name", n->name,
	                         "unit", n->unit ? n->unit : "", "identity_id",
	                         n->identity_id > 0 ? json_integer(n->identity_id) : json_null()));
}

int records_person_create(struct model *m, const struct principal *p,
                          const struct records_person *n, int64_t *id, struct model_err *err)
{
	struct person_cmd c = {p, 0, n, NULL};
	int rc;

	if ((rc = rec_check_text(err, "name", n->name, 1, 128, true)) ||
	    (rc = rec_check_text(err, "unit", n->unit, 0, 128, false)))
		return rc;
	if (n->identity_id < 0)
		return rec_bad(err, "identity_id", "identity_id: a positive number");
	rc = model_submit(m, person_create_fn, &c, err);
	if (!rc && id)
		*id = c.id;
	return rc;
}

/* Reads a person's status and identity; SK_ENOTFOUND (failing on field "id"). */
static int person_read(struct store_tx *tx, int64_t id, char *status, size_t cap,
                       int64_t *identity_id)
{
	char ident[24];
	int rc = tx_row(tx, "SELECT status, coalesce(identity_id, 0) FROM person WHERE id = ?1", id,
	                status, cap, ident, sizeof(ident), NULL, 0);

	if (rc == SK_ENOTFOUND)
		return store_tx_fail(tx, "id", "no person %lld", (long long)id), SK_ENOTFOUND;
	if (!rc)
		*identity_id = strtoll(ident, NULL, 10);
	return rc;
}

static int person_update_fn(struct store_tx *tx, void *arg)
{
	struct person_cmd *c = arg;
	const struct records_person *n = c->n;
	char status[16];
	int64_t ident = 0;
	json_t *d;
	int rc;

	if ((rc = person_read(tx, c->id, status, sizeof(status), &ident)))
		return rc;
	/* An admin manages only persons with a login, and cannot unlink them. */
	rc = person_rights(tx, c->p, ident > 0 && n->identity_id != 0);
	if (rc)
		return rc;
	if (!n->name && !n->unit && n->identity_id < 0)
		return store_tx_fail(tx, NULL, "nothing to change: give name, unit or identity_id"),
		       SK_EINVAL;
	if (n->identity_id > 0 && (rc = identity_free(tx, n->identity_id, c->id)))
		return rc;
	d = json_pack("{s:I}", "id", (json_int_t)c->id);
	if (d && n->name)
		json_object_set_new(d, "name", json_string(n->name));
	if (d && n->unit)
		json_object_set_new(d, "unit", json_string(n->unit));
	if (d && n->identity_id >= 0)
		json_object_set_new(d, "identity_id",
		                    n->identity_id ? json_integer(n->identity_id) : json_null());
	return rec_log(tx, c->p, "person.updated", "person", c->id, d);
}

int records_person_update(struct model *m, const struct principal *p, int64_t id,
                          const struct records_person *patch, struct model_err *err)
{
	struct person_cmd c = {p, id, patch, NULL};
	int rc;

	if ((rc = rec_check_text(err, "name", patch->name, 1, 128, false)) ||
	    (rc = rec_check_text(err, "unit", patch->unit, 0, 128, false)))
		return rc;
	return model_submit(m, person_update_fn, &c, err);
}

/* A copy with a person: issued, or made straight into their hands (not lost, gone or away). */
#define COPY_HELD "state NOT IN ('lost', 'destroyed', 'shipped', 'archived')"

/* Appends "copies 3, 5" style lists of what is still held to b. */
static void held_list(struct store_tx *tx, const char *sql, int64_t id, int64_t arg2,
                      const char *what, struct buf *b)
{
	struct store_q *q;
	int n = 0;

	if (store_tx_query(tx, sql, &q))
		return;
	store_q_bind_int(q, 1, id);
	if (arg2)
		store_q_bind_int(q, 2, arg2);
	while (store_q_step(q) == SK_OK) {
		if (n == 10) {
			buf_printf(b, ", …");
			break;
		}
		buf_printf(b, "%s%s %lld", n ? "," : (b->len ? "; " : ""), n ? "" : what,
		           (long long)store_q_int(q, 0));
		n++;
	}
	store_q_done(q);
}

static int person_end_fn(struct store_tx *tx, void *arg)
{
	struct person_cmd *c = arg;
	char status[16], today[11];
	int64_t ident = 0;
	struct buf b;
	int rc;

	if ((rc = person_read(tx, c->id, status, sizeof(status), &ident)))
		return rc;
	if ((rc = person_rights(tx, c->p, ident > 0)))
		return rc;
	if (strcmp(status, "active") != 0)
		return store_tx_fail(tx, "id", "person %lld has already ended", (long long)c->id),
		       SK_EEXIST;
	buf_init(&b, 4096);
	held_list(tx,
	          "SELECT id FROM copy WHERE holder_person_id = ?1 AND " COPY_HELD " ORDER BY "
	          "id",
	          c->id, 0, "copy", &b);
	held_list(tx,
	          "SELECT id FROM medium WHERE holder_person_id = ?1 AND state = 'in_use' ORDER "
	          "BY id",
	          c->id, 0, "medium", &b);
	if (b.len) {
		store_tx_fail(tx, "id", "person %lld still holds %s: return them first",
		              (long long)c->id, b.ptr);
		buf_release(&b);
		return SK_EEXIST;
	}
	buf_release(&b);
	model_today(today);
	return rec_log(tx, c->p, "person.ended", "person", c->id,
	               json_pack("{s:I, s:s}", "id", (json_int_t)c->id, "ended_on",
	                         c->ended_on ? c->ended_on : today));
}

int records_person_end(struct model *m, const struct principal *p, int64_t id, const char *ended_on,
                       struct model_err *err)
{
	struct person_cmd c = {p, id, NULL, ended_on};
	int rc = rec_check_date(err, "ended_on", ended_on);

	if (rc)
		return rc;
	return model_submit(m, person_end_fn, &c, err);
}

#define PERSON_COLS                                                                                \
	"SELECT id, name, unit, identity_id, status, ended_on, created_at, created_by, "           \
	"updated_at, (SELECT count(*) FROM copy WHERE holder_person_id = person.id AND " COPY_HELD \
	"), (SELECT count(*) FROM medium WHERE holder_person_id = person.id AND state = "          \
	"'in_use') FROM person "

static json_t *person_row(struct store_q *q)
{
	return json_pack("{s:I, s:s, s:s, s:o, s:s, s:s?, s:s, s:I, s:s, s:{s:I, s:I}}", "id",
	                 (json_int_t)store_q_int(q, 0), "name", store_q_text(q, 1), "unit",
	                 store_q_text(q, 2), "identity_id",
	                 store_q_is_null(q, 3) ? json_null() : json_integer(store_q_int(q, 3)),
	                 "status", store_q_text(q, 4), "ended_on",
	                 store_q_is_null(q, 5) ? NULL : store_q_text(q, 5), "created_at",
	                 store_q_text(q, 6), "created_by", (json_int_t)store_q_int(q, 7),
	                 "updated_at", store_q_text(q, 8), "holds", "copies",
	                 (json_int_t)store_q_int(q, 9), "media", (json_int_t)store_q_int(q, 10));
}

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

json_t *records_person_get(struct model *m, int64_t id)
{
	return rec_query_one(m, PERSON_COLS "WHERE id = ?1", person_row, id);
}

json_t *records_person_list(struct model *m, const char *status)
{
	return rec_query(m, PERSON_COLS "WHERE (?1 IS NULL OR status = ?1) ORDER BY id", person_row,
	                 status, NULL, 0);
}

/* ---- approved spaces (5 kap. 8–10 §§) ---- */

static const char *const space_kinds[] = {"conversation", "processing", "container", NULL};

static bool in_list(const char *s, const char *const *list)
{
	for (; s && *list; list++) {
		if (strcmp(s, *list) == 0)
			return true;
	}
	return false;
}

struct space_cmd {
	const struct principal *p;
	int64_t id;
	const struct records_space *n;
	const char *on, *reason;
};

/*
 * ssc or chief; a storage container for KH (before or after the change) only
 * by the head (5 kap. 10 §).
 */
static int space_rights(struct store_tx *tx, const struct principal *p, const char *kind,
                        int old_class, int new_class)
{
	unsigned roles = model_tx_caller_roles(tx, p);

	if (!(roles & (ROLE_BIT(ROLE_SSC) | ROLE_BIT(ROLE_CHIEF))))
		return store_tx_fail(tx, NULL,
		                     "5 kap. 8–10 §§: spaces are approved by the "
		                     "säkerhetsskyddschef or the head"),
		       SK_EPERM;
	if (strcmp(kind, "container") == 0 && (old_class == CLEAR_KH || new_class == CLEAR_KH) &&
	    !(roles & ROLE_BIT(ROLE_CHIEF)))
		return store_tx_fail(tx, "max_class",
		                     "5 kap. 10 §: a storage container for KH is approved by the "
		                     "head (högsta chef)"),
		       SK_EPERM;
	return SK_OK;
}

/*
 * The day of the decision (decided_on, when given): the decider — the caller —
 * held the deciding role on that day too, as document decisions require
 * (decision.c, decider()): a role granted later does not reach back.
 */
static int space_decided_on(struct store_tx *tx, const struct principal *p, const char *kind,
                            int old_class, int new_class, const char *on)
{
	unsigned roles;

	if (!on)
		return SK_OK;
	roles = model_tx_roles_of(tx, p->id, on);
	if (p->token_id)
		roles &= p->roles;
	if (!(roles & (ROLE_BIT(ROLE_SSC) | ROLE_BIT(ROLE_CHIEF))))
		return store_tx_fail(tx, "decided_on",
		                     "5 kap. 8–10 §§: on %s you were neither säkerhetsskyddschef "
		                     "nor head, so the decision cannot be yours",
		                     on),
		       SK_ERULE;
	if (strcmp(kind, "container") == 0 && (old_class == CLEAR_KH || new_class == CLEAR_KH) &&
	    !(roles & ROLE_BIT(ROLE_CHIEF)))
		return store_tx_fail(tx, "decided_on",
		                     "5 kap. 10 §: on %s you were not the head (högsta chef), who "
		                     "approves a storage container for KH",
		                     on),
		       SK_ERULE;
	return SK_OK;
}

static int space_create_fn(struct store_tx *tx, void *arg)
{
	struct space_cmd *c = arg;
	const struct records_space *n = c->n;
	char today[11];
	int rc = space_rights(tx, c->p, n->kind, 0, n->max_class);

	if (!rc)
		rc = space_decided_on(tx, c->p, n->kind, 0, n->max_class, n->decided_on);
	if (rc)
		return rc;
	rc = store_tx_int(tx, &c->id, "SELECT coalesce(max(id), 0) + 1 FROM space", "");
	if (rc)
		return rc;
	model_today(today);
	return rec_log(
	        tx, c->p, "space.approved", "space", c->id,
	        json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)c->id, "kind",
	                  n->kind, "name", n->name, "location", n->location ? n->location : "",
	                  "max_class", clearance_name((enum clearance)n->max_class), "decided_on",
	                  n->decided_on ? n->decided_on : today, "decision_ref", n->decision_ref));
}

static int space_check_fields(const struct records_space *n, bool create, struct model_err *err)
{
	int rc;

	if (create && !in_list(n->kind, space_kinds))
		return rec_bad(err, "kind", "kind: conversation, processing or container");
	if ((rc = rec_check_text(err, "name", n->name, 1, 128, create)) ||
	    (rc = rec_check_text(err, "location", n->location, 0, 200, false)) ||
	    (rc = rec_check_class(err, "max_class", n->max_class, create)) ||
	    (rc = rec_check_date(err, "decided_on", n->decided_on)) ||
	    (rc = rec_check_text(err, "decision_ref", n->decision_ref, 1, 128, create)))
		return rc;
	return SK_OK;
}

int records_space_create(struct model *m, const struct principal *p, const struct records_space *n,
                         int64_t *id, struct model_err *err)
{
	struct space_cmd c = {p, 0, n, NULL, NULL};
	int rc = space_check_fields(n, true, err);

	if (rc)
		return rc;
	rc = model_submit(m, space_create_fn, &c, err);
	if (!rc && id)
		*id = c.id;
	return rc;
}

/* The space's kind, class and status; SK_ENOTFOUND fails on "id". */
static int space_read(struct store_tx *tx, int64_t id, char kind[16], int *class, char status[16])
{
	char max[4];
	int rc = tx_row(tx, "SELECT kind, max_class, status FROM space WHERE id = ?1", id, kind, 16,
	                max, sizeof(max), status, 16);

	if (rc == SK_ENOTFOUND)
		return store_tx_fail(tx, "id", "no space %lld", (long long)id), SK_ENOTFOUND;
	*class = rec_class_rank(max);
	return rc;
}

#define RANK(col)                                                                                  \
	"(CASE " col " WHEN 'BH' THEN 1 WHEN 'K' THEN 2 WHEN 'H' THEN 3 WHEN 'KH' THEN 4 ELSE 5 "  \
	"END)"

/* Copies kept in a space: neither with a person, nor gone. */
#define COPY_IN_SPACE "c.space_id = ?1 AND c.state IN ('in_register', 'returned', 'archived')"

/*
 * Refuses (SK_EEXIST on field) while the space holds copies or media in use;
 * above > 0: only those of a class above it.
 */
static int space_held(struct store_tx *tx, int64_t id, int above, const char *field,
                      const char *why)
{
	struct buf b;

	buf_init(&b, 4096);
	held_list(tx,
	          "SELECT c.id FROM copy c JOIN document d ON d.id = c.document_id WHERE "
	          "" COPY_IN_SPACE " AND " RANK("d.class") " > coalesce(?2, 0) ORDER BY c.id",
	          id, above, "copy", &b);
	held_list(tx,
	          "SELECT id FROM medium WHERE space_id = ?1 AND state = 'in_use' AND "
	          "" RANK("class") " > coalesce(?2, 0) ORDER BY id",
	          id, above, "medium", &b);
	if (b.len) {
		store_tx_fail(tx, field, "space %lld still holds %s: %s", (long long)id, b.ptr,
		              why);
		buf_release(&b);
		return SK_EEXIST;
	}
	buf_release(&b);
	return SK_OK;
}

static int space_update_fn(struct store_tx *tx, void *arg)
{
	struct space_cmd *c = arg;
	const struct records_space *n = c->n;
	char kind[16], status[16];
	int class, rc;
	json_t *d;

	if ((rc = space_read(tx, c->id, kind, &class, status)))
		return rc;
	if ((rc = space_rights(tx, c->p, kind, class, n->max_class)) ||
	    (rc = space_decided_on(tx, c->p, kind, class, n->max_class, n->decided_on)))
		return rc;
	if (strcmp(status, "approved") != 0)
		return store_tx_fail(tx, "id", "space %lld is withdrawn", (long long)c->id),
		       SK_EEXIST;
	if (!n->name && !n->location && !n->max_class && !n->decided_on && !n->decision_ref)
		return store_tx_fail(tx, NULL,
		                     "nothing to change: give name, location, max_class, "
		                     "decided_on or decision_ref"),
		       SK_EINVAL;
	if (n->max_class && n->max_class != class && !n->decision_ref)
		return store_tx_fail(tx, "decision_ref",
		                     "a new max_class is a new decision: give its decision_ref"),
		       SK_EINVAL;
	if (n->max_class && n->max_class < class &&
	    (rc = space_held(tx, c->id, n->max_class, "max_class",
	                     "move them before lowering the class")))
		return rc;
	d = json_pack("{s:I}", "id", (json_int_t)c->id);
	if (d && n->name)
		json_object_set_new(d, "name", json_string(n->name));
	if (d && n->location)
		json_object_set_new(d, "location", json_string(n->location));
	if (d && n->max_class)
		json_object_set_new(d, "max_class",
		                    json_string(clearance_name((enum clearance)n->max_class)));
	if (d && n->decided_on)
		json_object_set_new(d, "decided_on", json_string(n->decided_on));
	if (d && n->decision_ref)
		json_object_set_new(d, "decision_ref", json_string(n->decision_ref));
	return rec_log(tx, c->p, "space.updated", "space", c->id, d);
}

int records_space_update(struct model *m, const struct principal *p, int64_t id,
                         const struct records_space *patch, struct model_err *err)
{
	struct space_cmd c = {p, id, patch, NULL, NULL};
	int rc = space_check_fields(patch, false, err);

	if (rc)
		return rc;
	return model_submit(m, space_update_fn, &c, err);
}

static int space_withdraw_fn(struct store_tx *tx, void *arg)
{
	struct space_cmd *c = arg;
	char kind[16], status[16], today[11];
	int class, rc;

	if ((rc = space_read(tx, c->id, kind, &class, status)))
		return rc;
	if ((rc = space_rights(tx, c->p, kind, class, 0)))
		return rc;
	if (strcmp(status, "approved") != 0)
		return store_tx_fail(tx, "id", "space %lld is already withdrawn", (long long)c->id),
		       SK_EEXIST;
	if ((rc = space_held(tx, c->id, 0, "id", "move them before withdrawing the approval")))
		return rc;
	model_today(today);
	return rec_log(tx, c->p, "space.withdrawn", "space", c->id,
	               json_pack("{s:I, s:s, s:s}", "id", (json_int_t)c->id, "withdrawn_on",
	                         c->on ? c->on : today, "reason", c->reason));
}

int records_space_withdraw(struct model *m, const struct principal *p, int64_t id,
                           const char *withdrawn_on, const char *reason, struct model_err *err)
{
	struct space_cmd c = {p, id, NULL, withdrawn_on, reason};
	int rc;

	if ((rc = rec_check_date(err, "withdrawn_on", withdrawn_on)) ||
	    (rc = rec_check_text(err, "reason", reason, 1, 500, true)))
		return rc;
	return model_submit(m, space_withdraw_fn, &c, err);
}

#define SPACE_COLS                                                                                 \
	"SELECT id, kind, name, location, max_class, decided_by, decided_on, decision_ref, "       \
	"status, withdrawn_on, created_at, updated_at, (SELECT count(*) FROM copy c WHERE "        \
	"c.space_id = space.id AND c.state IN ('in_register', 'returned', 'archived')), (SELECT "  \
	"count(*) FROM medium WHERE space_id = space.id AND state = 'in_use') FROM space "

static json_t *space_row(struct store_q *q)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s?, s:s, s:s, "
	                 "s:{s:I, s:I}}",
	                 "id", (json_int_t)store_q_int(q, 0), "kind", store_q_text(q, 1), "name",
	                 store_q_text(q, 2), "location", store_q_text(q, 3), "max_class",
	                 store_q_text(q, 4), "decided_by", (json_int_t)store_q_int(q, 5),
	                 "decided_on", store_q_text(q, 6), "decision_ref", store_q_text(q, 7),
	                 "status", store_q_text(q, 8), "withdrawn_on",
	                 store_q_is_null(q, 9) ? NULL : store_q_text(q, 9), "created_at",
	                 store_q_text(q, 10), "updated_at", store_q_text(q, 11), "holds", "copies",
	                 (json_int_t)store_q_int(q, 12), "media", (json_int_t)store_q_int(q, 13));
}

json_t *records_space_get(struct model *m, int64_t id)
{
	return rec_query_one(m, SPACE_COLS "WHERE id = ?1", space_row, id);
}

json_t *records_space_list(struct model *m, const char *kind, const char *status)
{
	return rec_query(m,
	                 SPACE_COLS "WHERE (?1 IS NULL OR kind = ?1) AND (?2 IS NULL OR status = "
	                            "?2) ORDER BY id",
	                 space_row, kind, status, 0);
}

/* ---- information systems and approved distributors (both written by the ssc) ---- */

static const char *const approval_states[] = {"approved", "withdrawn", NULL};

struct simple_cmd {
	const struct principal *p;
	int64_t id;
	bool system; /* else a distributor */
	const char *name, *contact, *decision_ref, *status;
	int max_class;
};

static int ssc_only(struct store_tx *tx, const struct principal *p, const char *what)
{
	if (!(model_tx_caller_roles(tx, p) & ROLE_BIT(ROLE_SSC)))
		return store_tx_fail(tx, NULL, "%s are approved by the säkerhetsskyddschef", what),
		       SK_EPERM;
	return SK_OK;
}

static int name_taken(struct store_tx *tx, bool system, const char *name, int64_t self)
{
	int64_t other = 0;
	int rc =
	        store_tx_int(tx, &other,
	                     system ? "SELECT coalesce(max(id), 0) FROM info_system WHERE name = ?1"
	                            : "SELECT coalesce(max(id), 0) FROM distributor WHERE name = "
	                              "?1",
	                     "t", name);

	if (rc)
		return rc;
	if (other && other != self)
		return store_tx_fail(tx, "name", "%s %lld already has the name '%s'",
		                     system ? "system" : "distributor", (long long)other, name),
		       SK_EEXIST;
	return SK_OK;
}

static int simple_create_fn(struct store_tx *tx, void *arg)
{
	struct simple_cmd *c = arg;
	int rc = ssc_only(tx, c->p, c->system ? "information systems" : "distributors");
	json_t *d;

	if (rc || (rc = name_taken(tx, c->system, c->name, 0)))
		return rc;
	rc = store_tx_int(tx, &c->id,
	                  c->system ? "SELECT coalesce(max(id), 0) + 1 FROM info_system"
	                            : "SELECT coalesce(max(id), 0) + 1 FROM distributor",
	                  "");
	if (rc)
		return rc;
	d = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)c->id, "name", c->name, "decision_ref",
	              c->decision_ref ? c->decision_ref : "");
	if (d && c->system)
		json_object_set_new(d, "max_class",
		                    json_string(clearance_name((enum clearance)c->max_class)));
	else if (d)
		json_object_set_new(d, "contact", json_string(c->contact ? c->contact : ""));
	return rec_log(tx, c->p, c->system ? "system.approved" : "distributor.approved",
	               c->system ? "system" : "distributor", c->id, d);
}

/*
 * 3 kap. 12 §: an approved distributor is approved by a decision. The
 * distributor as the update leaves it must name one while approved (a blank
 * reference was once stored as approved: distributor.decision flags those).
 */
static int distributor_decided(struct store_tx *tx, const struct simple_cmd *c)
{
	char status[16] = "", ref[160] = "";
	int rc = tx_row(tx, "SELECT status, decision_ref FROM distributor WHERE id = ?1", c->id,
	                status, sizeof(status), ref, sizeof(ref), NULL, 0);

	if (rc)
		return rc;
	if (c->status)
		snprintf(status, sizeof(status), "%s", c->status);
	if (c->decision_ref)
		snprintf(ref, sizeof(ref), "%s", c->decision_ref);
	if (strcmp(status, "approved") == 0 && !rec_blank_free(ref))
		return store_tx_fail(tx, "decision_ref",
		                     "3 kap. 12 §: an approved distributor needs the reference of "
		                     "the decision that approved it"),
		       SK_EINVAL;
	return SK_OK;
}

static int simple_update_fn(struct store_tx *tx, void *arg)
{
	struct simple_cmd *c = arg;
	const char *what = c->system ? "system" : "distributor";
	int64_t n = 0;
	int rc;
	json_t *d;

	rc = store_tx_int(tx, &n,
	                  c->system ? "SELECT count(*) FROM info_system WHERE id = ?1"
	                            : "SELECT count(*) FROM distributor WHERE id = ?1",
	                  "i", c->id);
	if (rc)
		return rc;
	if (!n)
		return store_tx_fail(tx, "id", "no %s %lld", what, (long long)c->id), SK_ENOTFOUND;
	if ((rc = ssc_only(tx, c->p, c->system ? "information systems" : "distributors")))
		return rc;
	if (!c->name && !c->contact && !c->decision_ref && !c->status && !c->max_class)
		return store_tx_fail(tx, NULL, "nothing to change"), SK_EINVAL;
	if (!c->system && (rc = distributor_decided(tx, c)))
		return rc;
	if (c->name && (rc = name_taken(tx, c->system, c->name, c->id)))
		return rc;
	d = json_pack("{s:I}", "id", (json_int_t)c->id);
	if (d && c->name)
		json_object_set_new(d, "name", json_string(c->name));
	if (d && c->contact)
		json_object_set_new(d, "contact", json_string(c->contact));
	if (d && c->decision_ref)
		json_object_set_new(d, "decision_ref", json_string(c->decision_ref));
	if (d && c->status)
		json_object_set_new(d, "status", json_string(c->status));
	if (d && c->max_class)
		json_object_set_new(d, "max_class",
		                    json_string(clearance_name((enum clearance)c->max_class)));
	return rec_log(tx, c->p, c->system ? "system.updated" : "distributor.updated", what, c->id,
	               d);
}

static int simple_check(struct simple_cmd *c, bool create, struct model_err *err)
{
	int rc;

	if ((rc = rec_check_text(err, "name", c->name, 1, 128, create)) ||
	    (rc = rec_check_text(err, "contact", c->contact, 0, 200, false)) ||
	    (rc = rec_check_text(err, "decision_ref", c->decision_ref, 0, 128, false)) ||
	    (c->system && (rc = rec_check_class(err, "max_class", c->max_class, create))))
		return rc;
	if (c->status && !in_list(c->status, approval_states))
		return rec_bad(err, "status", "status: approved or withdrawn");
	return SK_OK;
}

int records_system_create(struct model *m, const struct principal *p,
                          const struct records_system *n, int64_t *id, struct model_err *err)
{
	struct simple_cmd c = {p, 0, true, n->name, NULL, n->decision_ref, NULL, n->max_class};
	int rc = simple_check(&c, true, err);

	if (rc)
		return rc;
	rc = model_submit(m, simple_create_fn, &c, err);
	if (!rc && id)
		*id = c.id;
	return rc;
}

int records_system_update(struct model *m, const struct principal *p, int64_t id,
                          const struct records_system *n, struct model_err *err)
{
	struct simple_cmd c = {p,         id,          true, n->name, NULL, n->decision_ref,
	                       n->status, n->max_class};
	int rc = simple_check(&c, false, err);

	if (rc)
		return rc;
	return model_submit(m, simple_update_fn, &c, err);
}

int records_distributor_create(struct model *m, const struct principal *p,
                               const struct records_distributor *n, int64_t *id,
                               struct model_err *err)
{
	struct simple_cmd c = {p, 0, false, n->name, n->contact, n->decision_ref, NULL, 0};
	int rc = simple_check(&c, true, err);

	if (rc)
		return rc;
	/* 3 kap. 12 §: approving a distributor is a decision; it is stored approved with it */
	if (!n->decision_ref || !rec_blank_free(n->decision_ref))
		return rec_bad(err, "decision_ref",
		               "3 kap. 12 §: a distributor is approved by a decision: give its "
		               "reference (decision_ref)");
	rc = model_submit(m, simple_create_fn, &c, err);
	if (!rc && id)
		*id = c.id;
	return rc;
}

int records_distributor_update(struct model *m, const struct principal *p, int64_t id,
                               const struct records_distributor *n, struct model_err *err)
{
	struct simple_cmd c = {p, id, false, n->name, n->contact, n->decision_ref, n->status, 0};
	int rc = simple_check(&c, false, err);

	if (rc)
		return rc;
	return model_submit(m, simple_update_fn, &c, err);
}

#define SYSTEM_COLS                                                                                \
	"SELECT id, name, max_class, decision_ref, status, created_at, updated_at FROM "           \
	"info_system "
#define DISTRIBUTOR_COLS                                                                           \
	"SELECT id, name, contact, decision_ref, status, created_at, updated_at FROM distributor "

static json_t *system_row(struct store_q *q)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)store_q_int(q, 0),
	                 "name", store_q_text(q, 1), "max_class", store_q_text(q, 2),
	                 "decision_ref", store_q_text(q, 3), "status", store_q_text(q, 4),
	                 "created_at", store_q_text(q, 5), "updated_at", store_q_text(q, 6));
}

static json_t *distributor_row(struct store_q *q)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)store_q_int(q, 0),
	                 "name", store_q_text(q, 1), "contact", store_q_text(q, 2), "decision_ref",
	                 store_q_text(q, 3), "status", store_q_text(q, 4), "created_at",
	                 store_q_text(q, 5), "updated_at", store_q_text(q, 6));
}

json_t *records_system_get(struct model *m, int64_t id)
{
	return rec_query_one(m, SYSTEM_COLS "WHERE id = ?1", system_row, id);
}

json_t *records_system_list(struct model *m)
{
	return rec_query(m, SYSTEM_COLS "ORDER BY id", system_row, NULL, NULL, 0);
}

json_t *records_distributor_get(struct model *m, int64_t id)
{
	return rec_query_one(m, DISTRIBUTOR_COLS "WHERE id = ?1", distributor_row, id);
}

json_t *records_distributor_list(struct model *m)
{
	return rec_query(m, DISTRIBUTOR_COLS "ORDER BY id", distributor_row, NULL, NULL, 0);
}

/* ---- projections ---- */

static int apply_person(struct store_tx *tx, const struct ledger_entry *e)
{
	const json_t *d = e->data;
	char t[SK_TIME_LEN + 1];
	json_t *ident = json_object_get(d, "identity_id");

	model_time(e->time_us, t);
	if (strcmp(e->kind, "person.created") == 0) {
		if (json_is_integer(ident))
			return store_tx_run(
			        tx,
			        "INSERT INTO person (id, name, unit, identity_id, status, "
			        "created_at, created_by, updated_at) VALUES (?1, ?2, ?3, "
			        "?4, 'active', ?5, ?6, ?5)",
			        "ittiti", model_json_int(d, "id"), model_json_str0(d, "name"),
			        model_json_str0(d, "unit"), (int64_t)json_integer_value(ident), t,
			        e->actor);
		return store_tx_run(tx,
		                    "INSERT INTO person (id, name, unit, identity_id, status, "
		                    "created_at, created_by, updated_at) VALUES (?1, ?2, ?3, NULL, "
		                    "'active', ?4, ?5, ?4)",
		                    "ittti", model_json_int(d, "id"), model_json_str0(d, "name"),
		                    model_json_str0(d, "unit"), t, e->actor);
	}
	if (strcmp(e->kind, "person.updated") == 0)
		return store_tx_run(
		        tx,
		        "UPDATE person SET name = coalesce(?2, name), unit = "
		        "coalesce(?3, unit), identity_id = CASE WHEN ?4 THEN nullif(?5, 0) ELSE "
		        "identity_id END, updated_at = ?6 WHERE id = ?1",
		        "ittiit", model_json_int(d, "id"), model_json_str(d, "name"),
		        model_json_str(d, "unit"), (int64_t)(ident != NULL),
		        (int64_t)json_integer_value(ident), t);
	if (strcmp(e->kind, "person.ended") == 0)
		return store_tx_run(tx,
		                    "UPDATE person SET status = 'ended', ended_on = ?2, updated_at "
		                    "= ?3 WHERE id = ?1",
		                    "itt", model_json_int(d, "id"), model_json_str0(d, "ended_on"),
		                    t);
	return SK_OK;
}

static int apply_space(struct store_tx *tx, const struct ledger_entry *e)
{
	const json_t *d = e->data;
	char t[SK_TIME_LEN + 1];

	model_time(e->time_us, t);
	if (strcmp(e->kind, "space.approved") == 0)
		return store_tx_run(
		        tx,
		        "INSERT INTO space (id, kind, name, location, max_class, "
		        "decided_by, decided_on, decision_ref, status, created_at, "
		        "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'approved', "
		        "?9, ?9)",
		        "ittttittt", model_json_int(d, "id"), model_json_str0(d, "kind"),
		        model_json_str0(d, "name"), model_json_str0(d, "location"),
		        model_json_str0(d, "max_class"), e->actor, model_json_str0(d, "decided_on"),
		        model_json_str0(d, "decision_ref"), t);
	if (strcmp(e->kind, "space.updated") == 0) {
		/* A new class, date or reference is a new decision: its decider is the actor. */
		bool decision = rec_has(d, "max_class") || rec_has(d, "decided_on") ||
		                rec_has(d, "decision_ref");

		return store_tx_run(tx,
		                    "UPDATE space SET name = coalesce(?2, name), location = "
		                    "coalesce(?3, location), max_class = coalesce(?4, max_class), "
		                    "decided_on = coalesce(?5, decided_on), decision_ref = "
		                    "coalesce(?6, decision_ref), decided_by = CASE WHEN ?7 THEN ?8 "
		                    "ELSE decided_by END, updated_at = ?9 WHERE id = ?1",
		                    "itttttiit", model_json_int(d, "id"), model_json_str(d, "name"),
		                    model_json_str(d, "location"), model_json_str(d, "max_class"),
		                    model_json_str(d, "decided_on"),
		                    model_json_str(d, "decision_ref"), (int64_t)decision, e->actor,
		                    t);
	}
	if (strcmp(e->kind, "space.withdrawn") == 0)
		return store_tx_run(tx,
		                    "UPDATE space SET status = 'withdrawn', withdrawn_on = ?2, "
		                    "updated_at = ?3 WHERE id = ?1",
		                    "itt", model_json_int(d, "id"),
		                    model_json_str0(d, "withdrawn_on"), t);
	return SK_OK;
}

static int apply_system(struct store_tx *tx, const struct ledger_entry *e)
{
	const json_t *d = e->data;
	char t[SK_TIME_LEN + 1];

	model_time(e->time_us, t);
	if (strcmp(e->kind, "system.approved") == 0)
		return store_tx_run(tx,
		                    "INSERT INTO info_system (id, name, max_class, decision_ref, "
		                    "status, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, "
		                    "'approved', ?5, ?5)",
		                    "itttt", model_json_int(d, "id"), model_json_str0(d, "name"),
		                    model_json_str0(d, "max_class"),
		                    model_json_str0(d, "decision_ref"), t);
	if (strcmp(e->kind, "system.updated") == 0)
		return store_tx_run(tx,
		                    "UPDATE info_system SET name = coalesce(?2, name), max_class = "
		                    "coalesce(?3, max_class), decision_ref = coalesce(?4, "
		                    "decision_ref), status = coalesce(?5, status), updated_at = ?6 "
		                    "WHERE id = ?1",
		                    "ittttt", model_json_int(d, "id"), model_json_str(d, "name"),
		                    model_json_str(d, "max_class"),
		                    model_json_str(d, "decision_ref"), model_json_str(d, "status"),
		                    t);
	return SK_OK;
}

static int apply_distributor(struct store_tx *tx, const struct ledger_entry *e)
{
	const json_t *d = e->data;
	char t[SK_TIME_LEN + 1];

	model_time(e->time_us, t);
	if (strcmp(e->kind, "distributor.approved") == 0)
		return store_tx_run(tx,
		                    "INSERT INTO distributor (id, name, contact, decision_ref, "
		                    "status, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, "
		                    "'approved', ?5, ?5)",
		                    "itttt", model_json_int(d, "id"), model_json_str0(d, "name"),
		                    model_json_str0(d, "contact"),
		                    model_json_str0(d, "decision_ref"), t);
	if (strcmp(e->kind, "distributor.updated") == 0)
		return store_tx_run(tx,
		                    "UPDATE distributor SET name = coalesce(?2, name), contact = "
		                    "coalesce(?3, contact), decision_ref = coalesce(?4, "
		                    "decision_ref), status = coalesce(?5, status), updated_at = ?6 "
		                    "WHERE id = ?1",
		                    "ittttt", model_json_int(d, "id"), model_json_str(d, "name"),
		                    model_json_str(d, "contact"), model_json_str(d, "decision_ref"),
		                    model_json_str(d, "status"), t);
	return SK_OK;
}

static const char *const person_tables[] = {"person", NULL};
static const char *const space_tables[] = {"space", NULL};
static const char *const system_tables[] = {"info_system", NULL};
static const char *const distributor_tables[] = {"distributor", NULL};
static const char *const medium_tables[] = {"medium", NULL};

static const struct store_projection proj_person = {
        .name = "persons",
        .kind_prefix = "person.",
        .tables = person_tables,
        .apply = apply_person,
};
static const struct store_projection proj_space = {
        .name = "approved spaces",
        .kind_prefix = "space.",
        .tables = space_tables,
        .apply = apply_space,
};
static const struct store_projection proj_system = {
        .name = "information systems",
        .kind_prefix = "system.",
        .tables = system_tables,
        .apply = apply_system,
};
static const struct store_projection proj_distributor = {
        .name = "distributors",
        .kind_prefix = "distributor.",
        .tables = distributor_tables,
        .apply = apply_distributor,
};
static const struct store_projection proj_medium = {
        .name = "storage media",
        .kind_prefix = "medium.",
        .tables = medium_tables,
        .apply = rec_apply_medium,
};

void model_register_records(void)
{
	store_register_projection(&proj_person);
	store_register_projection(&proj_space);
	store_register_projection(&proj_system);
	store_register_projection(&proj_distributor);
	store_register_projection(&proj_medium);
}
