/*
 * Grants of roles (4 kap. 8 §): who decided, with what reference, from when
 * until when, and their reviews. Privileged rights are time-limited (at most
 * 12 months), decided by the säkerhetsskyddschef (or the head when there is
 * none, 2 kap. 20 §), never by the grantee, and reviewed at least yearly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/access_int.h"
#include "model/reg_int.h"

/* YYYY-MM-DD plus one year (Feb 29 becomes Feb 28). */
void model_plus_year(const char *d, char out[11])
{
	int y = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0') + 1;

	/* Dates are validated before they get here: y is 1971..10000, capped to 9999. */
	y = y > 9999 ? 9999 : y;
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	memcpy(out + 4, d + 4, 6);
	out[10] = '\0';
	if (strcmp(out + 4, "-02-29") == 0)
		out[9] = '8';
}

/*
 * May `roles` (of actor) revoke grants of role r? Whoever may grant it (see
 * model_tx_sod): ssc and chief by the head or the ssc; staff by the ssc or an
 * admin; every other role by the ssc (the head only when there is none).
 */
static bool may_decide(struct store_tx *tx, int64_t actor, unsigned roles, enum role r,
                       const char *today, const char **why)
{
	if (actor == 0)
		return true; /* the system, at skydd init */
	if (r == ROLE_SSC || r == ROLE_CHIEF) {
		if (roles & (ROLE_BIT(ROLE_SSC) | ROLE_BIT(ROLE_CHIEF)))
			return true;
		*why = "the roles säkerhetsskyddschef and högsta chef are decided by the head or "
		       "the säkerhetsskyddschef";
		return false;
	}
	if (roles & ROLE_BIT(ROLE_SSC))
		return true;
	if ((roles & ROLE_BIT(ROLE_CHIEF)) && !model_tx_someone_has(tx, ROLE_SSC, today))
		return true;
	if (r == ROLE_STAFF && (roles & ROLE_BIT(ROLE_ADMIN)))
		return true;
	*why = role_privileged(r) ? "4 kap. 8 §: privileged rights are decided by the "
	                            "säkerhetsskyddschef (the head only when there is none, 2 "
	                            "kap. 20 §)"
	                          : "4 kap. 8 §: roles that open classified information are "
	                            "decided by the säkerhetsskyddschef (the head only when "
	                            "there is none, 2 kap. 20 §)";
	return false;
}

struct grant_cmd {
	int64_t actor;
	const struct model_new_grant *g;
	int64_t id;
	struct model_sod sod;
};

static int identity_active(struct store_tx *tx, int64_t id)
{
	struct store_q *q;
	int rc = store_tx_query(tx, "SELECT status FROM identity WHERE id = ?1", &q);

	if (rc)
		return rc;
	store_q_bind_int(q, 1, id);
	rc = store_q_step(q);
	if (!rc && strcmp(store_q_text(q, 0), "active") != 0)
		rc = SK_ERULE;
	store_q_done(q);
	return rc;
}

static int grant_create_fn(struct store_tx *tx, void *arg)
{
	struct grant_cmd *c = arg;
	const struct model_new_grant *g = c->g;
	char today[11], limit[11];
	int rc;

	model_today(today);
	rc = identity_active(tx, g->identity_id);
	if (rc == SK_ENOTFOUND)
		return store_tx_failr(tx, SK_ENOTFOUND, "identity_id", "identity.not_found", NULL,
		                      "no identity %lld", (long long)g->identity_id);
	if (rc == SK_ERULE)
		return store_tx_failr(
		        tx, SK_ERULE, "identity_id", "identity.disabled",
		        json_pack("{s:o}", "name", model_tx_name(tx, "identity", g->identity_id)),
		        "the identity is disabled");
	if (rc)
		return rc;
	/*
	 * Who may decide (self, creator, authority), with the decider's roles as they
	 * stand in this transaction, not at the request's start.
	 */
	if (model_tx_sod(tx, c->actor, g->identity_id, SOD_GRANT, g->role, today, &c->sod))
		return store_tx_fail(tx,
		                     strcmp(c->sod.reason, "self") == 0 ||
		                                     strncmp(c->sod.reason, "creator", 7) == 0
		                             ? "identity_id"
		                             : "role",
		                     "%s", c->sod.why),
		       SK_ERULE;
	if (role_privileged(g->role)) {
		if (!g->valid_until)
			return store_tx_failr(tx, SK_ERULE, "valid_until", "grant.privileged_until",
			                      NULL,
			                      "4 kap. 8 §: a privileged right must be "
			                      "time-limited: give valid_until");
		model_plus_year(today, limit);
		if (strcmp(g->valid_until, limit) > 0)
			return store_tx_failr(tx, SK_ERULE, "valid_until",
			                      "grant.privileged_12_months_ahead",
			                      json_pack("{s:s}", "until", limit),
			                      "4 kap. 8 §: a privileged right may run at most 12 "
			                      "months ahead (until %s)",
			                      limit);
		model_plus_year(g->valid_from, limit);
		if (strcmp(g->valid_until, limit) > 0)
			return store_tx_failr(tx, SK_ERULE, "valid_until",
			                      "grant.privileged_12_months",
			                      json_pack("{s:s}", "until", limit),
			                      "4 kap. 8 §: a privileged right may last at most 12 "
			                      "months (until %s)",
			                      limit);
	}
	if (g->valid_until && strcmp(g->valid_until, today) < 0)
		return store_tx_failr(tx, SK_EINVAL, "valid_until", "grant.until_past", NULL,
		                      "valid_until is in the past: a grant that has already ended "
		                      "cannot be decided");
	if (g->valid_until && strcmp(g->valid_until, g->valid_from) < 0)
		return store_tx_failr(tx, SK_EINVAL, "valid_until", "grant.until_before_from", NULL,
		                      "valid_until is before valid_from");
	rc = store_tx_int(tx, &c->id, "SELECT coalesce(max(id), 0) + 1 FROM role_grant", "");
	if (rc)
		return rc;
	return model_tx_log(tx, c->actor, "grant.created", "grant", c->id,
	                    json_pack("{s:I, s:I, s:s, s:b, s:s, s:s, s:s?}", "id",
	                              (json_int_t)c->id, "identity_id", (json_int_t)g->identity_id,
	                              "role", role_name(g->role), "privileged",
	                              role_privileged(g->role), "decision_ref", g->decision_ref,
	                              "valid_from", g->valid_from, "valid_until", g->valid_until));
}

int model_grant_create(struct model *m, int64_t actor, const struct model_new_grant *g, int64_t *id,
                       struct model_err *err)
{
	struct grant_cmd c = {actor, g, 0, {NULL, NULL}};
	int rc;

	if ((unsigned)g->role >= ROLE_COUNT) {
		return model_fail(err, SK_EINVAL, "role", "field.enum", NULL,
		                  "role: one of chief, ssc, registrar, admin, staff, auditor");
	}
	if (!model_text_valid(g->decision_ref, 1, 128, MODEL_TEXT_NL | MODEL_TEXT_DEL)) {
		return model_fail(err, SK_EINVAL, "decision_ref", "field.text_size",
		                  json_pack("{s:i, s:i}", "min", 1, "max", 128),
		                  "decision_ref: 1..128 bytes of text");
	}
	if (!model_date_valid(g->valid_from)) {
		return model_fail(err, SK_EINVAL, "valid_from", "field.date", NULL,
		                  "valid_from: a date YYYY-MM-DD");
	}
	if (g->valid_until && !model_date_valid(g->valid_until)) {
		return model_fail(err, SK_EINVAL, "valid_until", "field.date", NULL,
		                  "valid_until: a date YYYY-MM-DD");
	}
	rc = model_submit(m, grant_create_fn, &c, err);
	if (!rc)
		*id = c.id;
	else if (c.sod.reason)
		snprintf(err->reason, sizeof(err->reason), "%s", c.sod.reason);
	return rc;
}

struct change_cmd {
	const struct principal *p;
	int64_t id;
	const char *text;
	bool revoke;
};

static int grant_change_fn(struct store_tx *tx, void *arg)
{
	struct change_cmd *c = arg;
	char today[11];
	const char *why = NULL;
	struct store_q *q;
	int64_t holder;
	unsigned roles;
	int role, rc;
	bool revoked;

	model_today(today);
	roles = model_tx_roles_of(tx, c->p->id, today);
	rc = store_tx_query(
	        tx,
	        "SELECT role, revoked_at IS NOT NULL, identity_id FROM role_grant WHERE "
	        "id = ?1",
	        &q);
	if (rc)
		return rc;
	store_q_bind_int(q, 1, c->id);
	rc = store_q_step(q);
	role = rc ? -1 : role_parse(store_q_text(q, 0));
	revoked = rc ? false : store_q_int(q, 1) != 0;
	holder = rc ? 0 : store_q_int(q, 2);
	store_q_done(q);
	if (rc == SK_ENOTFOUND || role < 0)
		return store_tx_failr(tx, SK_ENOTFOUND, "id", "grant.not_found", NULL,
		                      "no grant %lld", (long long)c->id);
	if (rc)
		return rc;
	if (revoked)
		return store_tx_failr(tx, SK_ERULE, "id", "grant.revoked", NULL,
		                      "the grant is already revoked");
	if (!c->revoke && holder == c->p->id)
		return store_tx_failr(tx, SK_ERULE, "id", "grant.own_review", NULL,
		                      "4 kap. 8 §: nobody reviews their own rights");
	if (c->revoke) {
		if (!may_decide(tx, c->p->id, roles, (enum role)role, today, &why))
			return store_tx_failr(
			        tx, SK_ERULE, "id",
			        role == ROLE_SSC || role == ROLE_CHIEF ? "grant.top_roles"
			        : role_privileged((enum role)role)     ? "grant.privileged_by_ssc"
			                                               : "grant.classified_by_ssc",
			        NULL, "%s", why);
	} else if (!(roles & ROLE_BIT(ROLE_SSC)) && !((roles & ROLE_BIT(ROLE_CHIEF)) &&
	                                              !model_tx_someone_has(tx, ROLE_SSC, today))) {
		return store_tx_failr(tx, SK_ERULE, "id", "grant.review_by_ssc", NULL,
		                      "4 kap. 8 §: grants are reviewed by the säkerhetsskyddschef");
	}
	return model_tx_log(tx, c->p->id, c->revoke ? "grant.revoked" : "grant.reviewed", "grant",
	                    c->id,
	                    json_pack("{s:I, s:s}", "id", (json_int_t)c->id,
	                              c->revoke ? "reason" : "note", c->text));
}

static int grant_change(struct model *m, const struct principal *p, int64_t id, const char *text,
                        bool revoke, struct model_err *err)
{
	struct change_cmd c = {p, id, text, revoke};

	if (!model_text_valid(text, 1, 500, MODEL_TEXT_NL | MODEL_TEXT_DEL)) {
		return model_fail(err, SK_EINVAL, revoke ? "reason" : "note", "field.text_size",
		                  json_pack("{s:i, s:i}", "min", 1, "max", 500),
		                  "%s: 1..500 bytes of text", revoke ? "reason" : "note");
	}
	return model_submit(m, grant_change_fn, &c, err);
}

int model_grant_review(struct model *m, const struct principal *p, int64_t id, const char *note,
                       struct model_err *err)
{
	return grant_change(m, p, id, note, false, err);
}

int model_grant_revoke(struct model *m, const struct principal *p, int64_t id, const char *reason,
                       struct model_err *err)
{
	return grant_change(m, p, id, reason, true, err);
}

/* ---- queries ---- */

#define GRANT_COLS                                                                                 \
	"SELECT id, identity_id, role, privileged, decided_by, decision_ref, valid_from, "         \
	"valid_until, created_at, last_review_at, revoked_at, revoked_by, revoke_reason FROM "     \
	"role_grant "

static json_t *grant_row(struct store_q *q)
{
	char today[11], due[11];
	const char *from = store_q_text(q, 6), *until = store_q_text(q, 7);
	const char *status;
	bool privileged = store_q_int(q, 3) != 0;
	json_t *o;

	model_today(today);
	if (!store_q_is_null(q, 10))
		status = "revoked";
	else if (strcmp(from, today) > 0)
		status = "pending";
	else if (!store_q_is_null(q, 7) && strcmp(until, today) < 0)
		status = "expired";
	else
		status = "active";
	o = json_pack("{s:I, s:I, s:s, s:b, s:I, s:s, s:s, s:s?, s:s, s:s?, s:s, s:s?, s:o, s:s?}",
	              "id", (json_int_t)store_q_int(q, 0), "identity_id",
	              (json_int_t)store_q_int(q, 1), "role", store_q_text(q, 2), "privileged",
	              privileged, "decided_by", (json_int_t)store_q_int(q, 4), "decision_ref",
	              store_q_text(q, 5), "valid_from", from, "valid_until",
	              store_q_is_null(q, 7) ? NULL : until, "created_at", store_q_text(q, 8),
	              "last_review_at", store_q_is_null(q, 9) ? NULL : store_q_text(q, 9), "status",
	              status, "revoked_at", store_q_is_null(q, 10) ? NULL : store_q_text(q, 10),
	              "reviews", json_array(), "revoke_reason",
	              store_q_is_null(q, 12) ? NULL : store_q_text(q, 12));
	if (o && privileged) {
		/* Reviewed at least yearly: due a year after the last review or the decision. */
		const char *base = store_q_is_null(q, 9) ? store_q_text(q, 8) : store_q_text(q, 9);

		model_plus_year(base, due);
		json_object_set_new(o, "review_due", json_string(due));
	}
	return o;
}

static void add_reviews(struct store_reader *r, json_t *grants)
{
	static const char sql[] = "SELECT reviewed_by, reviewed_at, note FROM grant_review WHERE "
	                          "grant_id = ?1 ORDER BY seq";
	size_t i;
	json_t *g;

	json_array_foreach(grants, i, g)
	{
		struct store_q *q;

		if (store_reader_query(r, sql, &q))
			return;
		store_q_bind_int(q, 1, json_integer_value(json_object_get(g, "id")));
		while (store_q_step(q) == SK_OK)
			json_array_append_new(
			        json_object_get(g, "reviews"),
			        json_pack("{s:I, s:s, s:s}", "by", (json_int_t)store_q_int(q, 0),
			                  "at", store_q_text(q, 1), "note", store_q_text(q, 2)));
		store_q_done(q);
	}
}

json_t *model_grant_list(struct model *m, int64_t identity_id)
{
	static const char sql_all[] = GRANT_COLS "ORDER BY id";
	static const char sql_one[] = GRANT_COLS "WHERE identity_id = ?1 ORDER BY id";
	struct store_reader *r = model_reader(m);
	json_t *arr = json_array();
	struct store_q *q;

	if (!r || !arr || store_reader_query(r, identity_id ? sql_one : sql_all, &q)) {
		json_decref(arr);
		return NULL;
	}
	if (identity_id)
		store_q_bind_int(q, 1, identity_id);
	while (store_q_step(q) == SK_OK)
		json_array_append_new(arr, grant_row(q));
	store_q_done(q);
	add_reviews(r, arr);
	return arr;
}

json_t *model_grant_get(struct model *m, int64_t id)
{
	static const char sql[] = GRANT_COLS "WHERE id = ?1";
	struct store_reader *r = model_reader(m);
	json_t *arr, *o = NULL;
	struct store_q *q;

	if (!r || store_reader_query(r, sql, &q))
		return NULL;
	store_q_bind_int(q, 1, id);
	if (store_q_step(q) == SK_OK)
		o = grant_row(q);
	store_q_done(q);
	if (!o)
		return NULL;
	arr = json_array();
	json_array_append_new(arr, o);
	add_reviews(r, arr);
	json_incref(o);
	json_decref(arr);
	return o;
}
