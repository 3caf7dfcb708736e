/*
 * Storage media (lagringsmedier), 3 kap. 11, 21, 22–24 §§: registered with
 * class and marking, kept in an approved space or by a person, possibly in
 * an approved information system; decommissioned, reused, destroyed (with a
 * destruction record) or lost (opening a lost case). Entries medium.*.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/inventory.h"
#include "model/records_int.h"
#include "model/reg_int.h"

#define MEDIA_WRITERS (ROLE_BIT(ROLE_REGISTRAR) | ROLE_BIT(ROLE_SSC))

static const char *const media_types[] = {"usb",     "disk",  "laptop", "phone",
                                          "optical", "other", NULL};

static bool in_list(const char *s, const char *const *list)
{
	for (; s && *list; list++) {
		if (strcmp(s, *list) == 0)
			return true;
	}
	return false;
}

struct medium_row {
	int class;
	char state[16];
	int64_t space_id, holder_id, system_id;
};

/* Reads medium id as p may see it: SK_ENOTFOUND (on "id") when missing or above p's clearance. */
static int medium_read(struct store_tx *tx, const struct principal *p, int64_t id,
                       struct medium_row *r)
{
	struct store_q *q;
	int rc = store_tx_query(tx,
	                        "SELECT class, state, coalesce(space_id, 0), "
	                        "coalesce(holder_person_id, 0), coalesce(system_id, 0) FROM "
	                        "medium WHERE id = ?1",
	                        &q);

	if (rc)
		return rc;
	store_q_bind_int(q, 1, id);
	rc = store_q_step(q);
	if (!rc) {
		r->class = rec_class_rank(store_q_text(q, 0));
		snprintf(r->state, sizeof(r->state), "%s", store_q_text(q, 1));
		r->space_id = store_q_int(q, 2);
		r->holder_id = store_q_int(q, 3);
		r->system_id = store_q_int(q, 4);
	}
	store_q_done(q);
	if (rc == SK_ENOTFOUND || (!rc && r->class > (int)p->clearance))
		return store_tx_fail(tx, "id", "no medium %lld", (long long)id), SK_ENOTFOUND;
	return rc;
}

static int media_rights(struct store_tx *tx, const struct principal *p)
{
	if (!(model_tx_caller_roles(tx, p) & MEDIA_WRITERS))
		return store_tx_fail(tx, NULL,
		                     "storage media are recorded by the registrar or the "
		                     "säkerhetsskyddschef"),
		       SK_EPERM;
	return SK_OK;
}

/* A person who exists and is active, for field. */
static int person_ok(struct store_tx *tx, int64_t id, const char *field)
{
	int rc = records_tx_person_active(tx, id);

	if (rc == SK_ENOTFOUND)
		return store_tx_fail(tx, field, "no person %lld", (long long)id), SK_ENOTFOUND;
	if (rc == SK_ERULE)
		return store_tx_fail(tx, field, "person %lld has ended", (long long)id), SK_ERULE;
	return rc;
}

/* Where a medium of class may be: an approved room for processing or container. */
static int placement_ok(struct store_tx *tx, int64_t space_id, int64_t holder_id, int class)
{
	struct store_q *q;
	char kind[16] = "", status[16] = "";
	int max = 0, rc;

	if (holder_id)
		return person_ok(tx, holder_id, "holder_id");
	rc = store_tx_query(tx, "SELECT kind, max_class, status FROM space WHERE id = ?1", &q);
	if (rc)
		return rc;
	store_q_bind_int(q, 1, space_id);
	rc = store_q_step(q);
	if (!rc) {
		snprintf(kind, sizeof(kind), "%s", store_q_text(q, 0));
		max = rec_class_rank(store_q_text(q, 1));
		snprintf(status, sizeof(status), "%s", store_q_text(q, 2));
	}
	store_q_done(q);
	if (rc == SK_ENOTFOUND)
		return store_tx_fail(tx, "space_id", "no space %lld", (long long)space_id),
		       SK_ENOTFOUND;
	if (rc)
		return rc;
	if (strcmp(status, "approved") != 0)
		return store_tx_fail(tx, "space_id", "space %lld is withdrawn",
		                     (long long)space_id),
		       SK_ERULE;
	if (strcmp(kind, "conversation") == 0)
		return store_tx_fail(tx, "space_id",
		                     "space %lld is a room for conversations: keep media in a "
		                     "storage container or a room for processing",
		                     (long long)space_id),
		       SK_ERULE;
	if (max < class)
		return store_tx_fail(tx, "space_id",
		                     "3 kap. 9 §, 5 kap. 9–10 §§: space %lld is approved up to %s, "
		                     "the medium is %s",
		                     (long long)space_id, clearance_name((enum clearance)max),
		                     clearance_name((enum clearance) class)),
		       SK_ERULE;
	return SK_OK;
}

static int system_ok(struct store_tx *tx, int64_t system_id, int class)
{
	int rc = records_tx_system_holds(tx, system_id, class);

	if (rc == SK_ENOTFOUND)
		return store_tx_fail(tx, "system_id", "no system %lld", (long long)system_id),
		       SK_ENOTFOUND;
	if (rc == SK_ERULE)
		return store_tx_fail(tx, "system_id",
		                     "3 kap. 1 §: system %lld is not approved for %s",
		                     (long long)system_id, clearance_name((enum clearance) class)),
		       SK_ERULE;
	return rc;
}

struct medium_cmd {
	const struct principal *p;
	int64_t id;
	const struct records_medium *n;
	const char *kind; /* end: decommission, reuse, destroy, lost */
	const struct records_medium_end *e;
	int64_t out_id;
};

static int medium_create_fn(struct store_tx *tx, void *arg)
{
	struct medium_cmd *c = arg;
	const struct records_medium *n = c->n;
	char marking[160];
	int64_t other = 0;
	json_t *d;
	int rc;

	if ((rc = media_rights(tx, c->p)))
		return rc;
	if (n->class > (int)c->p->clearance)
		return store_tx_fail(tx, "class", "%s is above your clearance (%s)",
		                     clearance_name((enum clearance)n->class),
		                     clearance_name(c->p->clearance)),
		       SK_EPERM;
	rc = store_tx_int(tx, &other,
	                  "SELECT coalesce(max(id), 0) FROM medium WHERE identifier = ?1", "t",
	                  n->identifier);
	if (rc)
		return rc;
	if (other)
		return store_tx_fail(tx, "identifier",
		                     "medium %lld already has the identifier '%s'",
		                     (long long)other, n->identifier),
		       SK_EEXIST;
	if ((rc = placement_ok(tx, n->space_id, n->holder_id, n->class)))
		return rc;
	if (n->system_id > 0 && (rc = system_ok(tx, n->system_id, n->class)))
		return rc;
	rc = store_tx_int(tx, &c->id, "SELECT coalesce(max(id), 0) + 1 FROM medium", "");
	if (rc)
		return rc;
	/* 3 kap. 11 §: marked with class and identifier. */
	snprintf(marking, sizeof(marking), "%s %s", clearance_name((enum clearance)n->class),
	         n->identifier);
	d = json_pack("{s:I, s:s, s:s, s:s, s:s, s:b, s:o, s:o, s:o}", "id", (json_int_t)c->id,
	              "identifier", n->identifier, "type", n->type, "class",
	              clearance_name((enum clearance)n->class), "marking",
	              n->marking ? n->marking : marking, "fixed", n->fixed > 0, "space_id",
	              n->space_id ? json_integer(n->space_id) : json_null(), "holder_id",
	              n->holder_id ? json_integer(n->holder_id) : json_null(), "system_id",
	              n->system_id > 0 ? json_integer(n->system_id) : json_null());
	return rec_log(tx, c->p, "medium.registered", "medium", c->id, d);
}

static int medium_check(const struct records_medium *n, bool create, struct model_err *err)
{
	int rc;

	if (create && (rc = rec_check_text(err, "identifier", n->identifier, 1, 64, true)))
		return rc;
	if ((create || n->type) && !in_list(n->type, media_types))
		return rec_bad(err, "type", "type: usb, disk, laptop, phone, optical or other");
	if ((rc = rec_check_class(err, "class", n->class, create)) ||
	    (rc = rec_check_text(err, "marking", n->marking, 1, 128, false)))
		return rc;
	if (n->space_id < 0)
		return rec_bad(err, "space_id", "space_id: a positive number");
	if (n->holder_id < 0)
		return rec_bad(err, "holder_id", "holder_id: a positive number");
	if (n->space_id && n->holder_id)
		return rec_bad(err, "space_id",
		               "a medium is in a space or with a person: give space_id or "
		               "holder_id, not both");
	if (create && !n->space_id && !n->holder_id)
		return rec_bad(err, "space_id",
		               "3 kap. 9 §: give where the medium is kept (space_id) or who holds "
		               "it (holder_id)");
	return SK_OK;
}

int records_medium_create(struct model *m, const struct principal *p,
                          const struct records_medium *n, int64_t *id, struct model_err *err)
{
	struct medium_cmd c = {p, 0, n, NULL, NULL, 0};
	int rc = medium_check(n, true, err);

	if (rc)
		return rc;
	rc = model_submit(m, medium_create_fn, &c, err);
	if (!rc && id)
		*id = c.id;
	return rc;
}

static int medium_update_fn(struct store_tx *tx, void *arg)
{
	struct medium_cmd *c = arg;
	const struct records_medium *n = c->n;
	struct medium_row r;
	bool moved = n->space_id || n->holder_id;
	int64_t space, holder, system;
	int class, rc;
	json_t *d;

	if ((rc = medium_read(tx, c->p, c->id, &r)))
		return rc;
	if ((rc = media_rights(tx, c->p)))
		return rc;
	if (strcmp(r.state, "in_use") != 0)
		return store_tx_fail(tx, "id", "medium %lld is %s, not in use", (long long)c->id,
		                     r.state),
		       SK_EEXIST;
	if (!n->type && !n->class && !n->marking && n->fixed < 0 && !moved && !n->system_id)
		return store_tx_fail(tx, NULL, "nothing to change"), SK_EINVAL;
	class = n->class ? n->class : r.class;
	if (class > (int)c->p->clearance)
		return store_tx_fail(tx, "class", "%s is above your clearance (%s)",
		                     clearance_name((enum clearance) class),
		                     clearance_name(c->p->clearance)),
		       SK_EPERM;
	space = moved ? n->space_id : r.space_id;
	holder = moved ? n->holder_id : r.holder_id;
	system = n->system_id > 0 ? n->system_id : n->system_id < 0 ? 0 : r.system_id;
	if ((moved || class != r.class) && (space || holder) &&
	    (rc = placement_ok(tx, space, holder, class)))
		return rc;
	if ((n->system_id > 0 || class != r.class) && system && (rc = system_ok(tx, system, class)))
		return rc;
	d = json_pack("{s:I}", "id", (json_int_t)c->id);
	if (d && n->type)
		json_object_set_new(d, "type", json_string(n->type));
	if (d && n->class)
		json_object_set_new(d, "class",
		                    json_string(clearance_name((enum clearance)n->class)));
	if (d && n->marking)
		json_object_set_new(d, "marking", json_string(n->marking));
	if (d && n->fixed >= 0)
		json_object_set_new(d, "fixed", json_boolean(n->fixed > 0));
	if (d && moved) {
		json_object_set_new(d, "space_id", space ? json_integer(space) : json_null());
		json_object_set_new(d, "holder_id", holder ? json_integer(holder) : json_null());
	}
	if (d && n->system_id)
		json_object_set_new(d, "system_id", system ? json_integer(system) : json_null());
	return rec_log(tx, c->p, "medium.updated", "medium", c->id, d);
}

int records_medium_update(struct model *m, const struct principal *p, int64_t id,
                          const struct records_medium *patch, struct model_err *err)
{
	struct medium_cmd c = {p, id, patch, NULL, NULL, 0};
	int rc = medium_check(patch, false, err);

	if (rc)
		return rc;
	return model_submit(m, medium_update_fn, &c, err);
}

static int medium_end_fn(struct store_tx *tx, void *arg)
{
	struct medium_cmd *c = arg;
	const struct records_medium_end *e = c->e;
	bool destroy = strcmp(c->kind, "destroy") == 0, lost = strcmp(c->kind, "lost") == 0;
	bool reuse = strcmp(c->kind, "reuse") == 0;
	struct medium_row r;
	char today[11];
	const char *on;
	json_t *d;
	int rc;

	if ((rc = medium_read(tx, c->p, c->id, &r)))
		return rc;
	if ((rc = media_rights(tx, c->p)))
		return rc;
	/* in use → any end; decommissioned → reused or destroyed (3 kap. 24 §). */
	if (!(strcmp(r.state, "in_use") == 0 ||
	      (strcmp(r.state, "decommissioned") == 0 && (destroy || reuse))))
		return store_tx_fail(tx, "id", "medium %lld is %s: it cannot be %s",
		                     (long long)c->id, r.state,
		                     destroy ? "destroyed"
		                     : lost  ? "reported lost"
		                     : reuse ? "reused"
		                             : "decommissioned"),
		       SK_EEXIST;
	model_today(today);
	on = e->on ? e->on : today;
	if (destroy) {
		if ((rc = person_ok(tx, e->performer_id, "performer_id")))
			return rc;
		if (e->witness_id && (rc = person_ok(tx, e->witness_id, "witness_id")))
			return rc;
		if (e->witness_id == e->performer_id)
			return store_tx_fail(tx, "witness_id",
			                     "the witness is someone other than the performer"),
			       SK_EINVAL;
		rc = store_tx_int(tx, &c->out_id,
		                  "SELECT coalesce(max(id), 0) + 1 FROM destruction", "");
		if (rc)
			return rc;
		d = json_pack("{s:I, s:I, s:s, s:s, s:I, s:o}", "id", (json_int_t)c->id,
		              "destruction_id", (json_int_t)c->out_id, "method", e->method,
		              "destroyed_on", on, "performer_id", (json_int_t)e->performer_id,
		              "witness_id",
		              e->witness_id ? json_integer(e->witness_id) : json_null());
		return rec_log(tx, c->p, "medium.destroyed", "medium", c->id, d);
	}
	if (lost) {
		/*
		 * The inventory slice owns lost cases: lost.opened (its projection
		 * inserts the case, remembers the state before the loss and sets the
		 * medium lost); medium.lost keeps the act in the medium's own history.
		 */
		rc = inventory_tx_lost_open(tx, c->p->id, c->p->token_id, "medium", c->id, 0,
		                            r.state, e->note, &c->out_id);
		if (rc)
			return rc;
		d = json_pack("{s:I, s:I, s:s, s:s}", "id", (json_int_t)c->id, "lost_case_id",
		              (json_int_t)c->out_id, "lost_on", on, "note", e->note);
		return rec_log(tx, c->p, "medium.lost", "medium", c->id, d);
	}
	d = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)c->id, "method", e->method, "on", on);
	return rec_log(tx, c->p, reuse ? "medium.reused" : "medium.decommissioned", "medium", c->id,
	               d);
}

int records_medium_end(struct model *m, const struct principal *p, int64_t id, const char *kind,
                       const struct records_medium_end *e, int64_t *out_id, struct model_err *err)
{
	static const char *const kinds[] = {"decommission", "reuse", "destroy", "lost", NULL};
	struct medium_cmd c = {p, id, NULL, kind, e, 0};
	int rc;

	if (!in_list(kind, kinds))
		return rec_bad(err, NULL, "decommission, reuse, destroy or lost");
	if ((rc = rec_check_date(err, strcmp(kind, "destroy") == 0 ? "destroyed_on" : "on", e->on)))
		return rc;
	if (strcmp(kind, "lost") == 0) {
		if ((rc = rec_check_text(err, "note", e->note, 1, 500, true)))
			return rc;
	} else if ((rc = rec_check_text(err, "method", e->method, 1, 200, true))) {
		return rc;
	}
	if (strcmp(kind, "destroy") == 0 && e->performer_id <= 0)
		return rec_bad(err, "performer_id",
		               "3 kap. 22–23 §§: give who destroyed it (performer_id)");
	if (e->witness_id < 0)
		return rec_bad(err, "witness_id", "witness_id: a positive number");
	rc = model_submit(m, medium_end_fn, &c, err);
	if (!rc && out_id)
		*out_id = c.out_id;
	return rc;
}

/* ---- the projection ---- */

int rec_apply_medium(struct store_tx *tx, const struct ledger_entry *e)
{
	const json_t *d = e->data;
	char t[SK_TIME_LEN + 1];
	int rc;

	model_time(e->time_us, t);
	if (strcmp(e->kind, "medium.registered") == 0)
		return store_tx_run(tx,
		                    "INSERT INTO medium (id, identifier, type, class, marking, "
		                    "fixed, space_id, holder_person_id, system_id, state, "
		                    "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
		                    "nullif(?7, 0), nullif(?8, 0), nullif(?9, 0), 'in_use', ?10, "
		                    "?10)",
		                    "ittttiiiit", model_json_int(d, "id"),
		                    model_json_str0(d, "identifier"), model_json_str0(d, "type"),
		                    model_json_str0(d, "class"), model_json_str0(d, "marking"),
		                    (int64_t)json_is_true(json_object_get(d, "fixed")),
		                    model_json_int(d, "space_id"), model_json_int(d, "holder_id"),
		                    model_json_int(d, "system_id"), t);
	if (strcmp(e->kind, "medium.updated") == 0) {
		json_t *fixed = json_object_get(d, "fixed");

		return store_tx_run(
		        tx,
		        "UPDATE medium SET type = coalesce(?2, type), class = coalesce(?3, class), "
		        "marking = coalesce(?4, marking), fixed = CASE WHEN ?5 >= 0 THEN ?5 ELSE "
		        "fixed END, space_id = CASE WHEN ?6 THEN nullif(?7, 0) ELSE space_id END, "
		        "holder_person_id = CASE WHEN ?6 THEN nullif(?8, 0) ELSE holder_person_id "
		        "END, system_id = CASE WHEN ?9 THEN nullif(?10, 0) ELSE system_id END, "
		        "updated_at = ?11 WHERE id = ?1",
		        "itttiiiiiit", model_json_int(d, "id"), model_json_str(d, "type"),
		        model_json_str(d, "class"), model_json_str(d, "marking"),
		        (int64_t)(fixed ? json_is_true(fixed) : -1),
		        (int64_t)(rec_has(d, "space_id") || rec_has(d, "holder_id")),
		        model_json_int(d, "space_id"), model_json_int(d, "holder_id"),
		        (int64_t)rec_has(d, "system_id"), model_json_int(d, "system_id"), t);
	}
	if (strcmp(e->kind, "medium.decommissioned") == 0 || strcmp(e->kind, "medium.reused") == 0)
		return store_tx_run(
		        tx,
		        "UPDATE medium SET state = ?2, ended_on = ?3, end_method = ?4, "
		        "ended_by = ?5, updated_at = ?6 WHERE id = ?1",
		        "ittti"
		        "t",
		        model_json_int(d, "id"),
		        strcmp(e->kind, "medium.reused") == 0 ? "reused" : "decommissioned",
		        model_json_str0(d, "on"), model_json_str0(d, "method"), e->actor, t);
	if (strcmp(e->kind, "medium.destroyed") == 0) {
		rc = store_tx_run(tx,
		                  "INSERT INTO destruction (id, medium_id, method, destroyed_on, "
		                  "performer_id, witness_id, recorded_at, recorded_by) VALUES (?1, "
		                  "?2, ?3, ?4, ?5, nullif(?6, 0), ?7, ?8)",
		                  "iittiiti", model_json_int(d, "destruction_id"),
		                  model_json_int(d, "id"), model_json_str0(d, "method"),
		                  model_json_str0(d, "destroyed_on"),
		                  model_json_int(d, "performer_id"),
		                  model_json_int(d, "witness_id"), t, e->actor);
		if (!rc)
			rc = store_tx_run(
			        tx,
			        "UPDATE medium SET state = 'destroyed', ended_on = ?2, "
			        "end_method = ?3, ended_by = ?4, updated_at = ?5 WHERE id = "
			        "?1",
			        "ittit", model_json_int(d, "id"),
			        model_json_str0(d, "destroyed_on"), model_json_str0(d, "method"),
			        e->actor, t);
		return rc;
	}
	/* medium.lost: the lost case and the state come from lost.opened (inventory.c). */
	return SK_OK;
}

/* ---- queries ---- */

#define MEDIUM_COLS                                                                                \
	"SELECT id, identifier, type, class, marking, fixed, holder_person_id, space_id, "         \
	"system_id, state, last_inventoried_on, ended_on, end_method, ended_by, created_at, "      \
	"updated_at FROM medium "

#define RANK_CLASS                                                                                 \
	"(CASE class WHEN 'BH' THEN 1 WHEN 'K' THEN 2 WHEN 'H' THEN 3 WHEN 'KH' THEN 4 ELSE 5 "    \
	"END)"

static const char *text_or_null(struct store_q *q, int col)
{
	return store_q_is_null(q, col) ? NULL : store_q_text(q, col);
}

static json_t *medium_row(struct store_q *q)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:b, s:o, s:o, s:o, s:s, s:s?, s:s?, s:s?, "
	                 "s:o, s:s, s:s}",
	                 "id", (json_int_t)store_q_int(q, 0), "identifier", store_q_text(q, 1),
	                 "type", store_q_text(q, 2), "class", store_q_text(q, 3), "marking",
	                 store_q_text(q, 4), "fixed", store_q_int(q, 5) != 0, "holder_id",
	                 model_q_json_int(q, 6), "space_id", model_q_json_int(q, 7), "system_id",
	                 model_q_json_int(q, 8), "state", store_q_text(q, 9), "last_inventoried_on",
	                 text_or_null(q, 10), "ended_on", text_or_null(q, 11), "end_method",
	                 text_or_null(q, 12), "ended_by", model_q_json_int(q, 13), "created_at",
	                 store_q_text(q, 14), "updated_at", store_q_text(q, 15));
}

static json_t *destruction_row(struct store_q *q)
{
	return json_pack("{s:I, s:s, s:s, s:I, s:o, s:s, s:I}", "id", (json_int_t)store_q_int(q, 0),
	                 "method", store_q_text(q, 1), "destroyed_on", store_q_text(q, 2),
	                 "performer_id", (json_int_t)store_q_int(q, 3), "witness_id",
	                 model_q_json_int(q, 4), "recorded_at", store_q_text(q, 5), "recorded_by",
	                 (json_int_t)store_q_int(q, 6));
}

static json_t *lost_row(struct store_q *q)
{
	return json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)store_q_int(q, 0), "state",
	                 store_q_text(q, 1), "opened_at", store_q_text(q, 2), "note",
	                 store_q_text(q, 3));
}

json_t *records_medium_get(struct model *m, const struct principal *p, int64_t id)
{
	json_t *o = rec_query_one(m, MEDIUM_COLS "WHERE id = ?1", medium_row, id), *x;

	if (!o)
		return NULL;
	if (rec_class_rank(json_string_value(json_object_get(o, "class"))) > (int)p->clearance) {
		json_decref(o);
		return NULL;
	}
	x = rec_query(m,
	              "SELECT id, method, destroyed_on, performer_id, witness_id, recorded_at, "
	              "recorded_by FROM destruction WHERE medium_id = ?3 ORDER BY id",
	              destruction_row, NULL, NULL, id);
	json_object_set_new(o, "destruction",
	                    x && json_array_size(x) ? json_incref(json_array_get(x, 0))
	                                            : json_null());
	json_decref(x);
	x = rec_query(m,
	              "SELECT id, state, opened_at, note FROM lost_case WHERE item_type = 'medium' "
	              "AND item_id = ?3 ORDER BY id",
	              lost_row, NULL, NULL, id);
	json_object_set_new(o, "lost_cases", x ? x : json_array());
	return o;
}

json_t *records_medium_list(struct model *m, const struct principal *p, const char *state)
{
	return rec_query(m,
	                 MEDIUM_COLS "WHERE (?1 IS NULL OR state = ?1) AND " RANK_CLASS
	                             " <= ?3 ORDER BY id",
	                 medium_row, state, NULL, (int64_t)p->clearance);
}
