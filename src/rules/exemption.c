/*
 * Exemptions (undantag, 8 kap. 2 § PMFS 2022:1) granted by Säkerhetspolisen
 * or the supervisory authority: recorded by the säkerhetsskyddschef as
 * exemption.* ledger entries about object exemption/ID, projected into the
 * exemption table. An exemption covers the findings of the rules (and, if
 * given, only the objects) in its scope until valid_until; covered findings
 * are still listed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "model/model.h"
#include "rules/rules.h"

static const char *str(const json_t *d, const char *k)
{
	const char *s = json_string_value(json_object_get(d, k));

	return s ? s : "";
}

static int apply_exemption(struct store_tx *tx, const struct ledger_entry *e)
{
	char t[SK_TIME_LEN + 1];

	model_time(e->time_us, t);
	if (strcmp(e->kind, "exemption.created") == 0)
		return store_tx_run(tx,
		                    "INSERT INTO exemption (id, reference, granted_by, granted_on, "
		                    "scope_rules, scope_objects, valid_until, note, recorded_at, "
		                    "recorded_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
		                    "itttttttti",
		                    json_integer_value(json_object_get(e->data, "id")),
		                    str(e->data, "reference"), str(e->data, "granted_by"),
		                    str(e->data, "granted_on"), str(e->data, "scope_rules"),
		                    str(e->data, "scope_objects"), str(e->data, "valid_until"),
		                    str(e->data, "note"), t, e->actor);
	if (strcmp(e->kind, "exemption.revoked") == 0)
		return store_tx_run(tx,
		                    "UPDATE exemption SET revoked_at = ?2, revoked_by = ?3, "
		                    "revoke_reason = ?4 WHERE id = ?1",
		                    "itit", json_integer_value(json_object_get(e->data, "id")), t,
		                    e->actor, str(e->data, "reason"));
	return SK_OK;
}

static const char *const exemption_tables[] = {"exemption", NULL};

static const struct store_projection proj_exemption = {
        .name = "exemptions",
        .kind_prefix = "exemption.",
        .tables = exemption_tables,
        .apply = apply_exemption,
};

void rules_register(void)
{
	store_register_projection(&proj_exemption);
}

/* ---- writing ---- */

/* A refusal before the writer: the field, a reason the UI says, its params (taken over) and the
 * English message. Returns SK_EINVAL. */
static int ex_fail(struct model_err *err, const char *field, const char *reason, json_t *params,
                   const char *msg)
{
	char *text = params ? json_dumps(params, JSON_COMPACT | JSON_SORT_KEYS) : NULL;

	snprintf(err->field, sizeof(err->field), "%s", field);
	snprintf(err->reason, sizeof(err->reason), "%s", reason);
	snprintf(err->msg, sizeof(err->msg), "%s", msg);
	err->params[0] = '\0';
	if (text && strlen(text) < sizeof(err->params))
		snprintf(err->params, sizeof(err->params), "%s", text);
	free(text);
	json_decref(params);
	return SK_EINVAL;
}

/* The params of a text of min..max bytes. */
static json_t *size(int min, int max)
{
	return json_pack("{s:i,s:i}", "min", min, "max", max);
}

static bool text_ok(const char *s, size_t min, size_t max)
{
	size_t n = s ? strlen(s) : 0;

	if (n < min || n > max || (n && !sk_utf8_valid(s, n)))
		return false;
	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)s[i] < 0x20 && s[i] != '\n')
			return false;
	}
	return true;
}

/* Every token a known rule id? */
static bool scope_rules_ok(const char *s)
{
	int count = 0;

	for (const char *p = s; *p;) {
		size_t k = strcspn(p, " ");
		char id[64];

		if (k) {
			if (k >= sizeof(id))
				return false;
			memcpy(id, p, k);
			id[k] = '\0';
			if (!rules_find(id))
				return false;
			count++;
		}
		p += k;
		p += *p == ' ';
	}
	return count > 0;
}

/* Every token "type/positive-id"? */
static bool scope_objects_ok(const char *s)
{
	for (const char *p = s; *p;) {
		size_t k = strcspn(p, " "), slash = 0, i;

		if (k) {
			for (i = 0; i < k && p[i] != '/'; i++) {
				if (!(p[i] >= 'a' && p[i] <= 'z') && p[i] != '_')
					return false;
			}
			slash = i;
			if (slash == 0 || slash + 1 >= k || p[slash + 1] == '0')
				return false;
			for (i = slash + 1; i < k; i++) {
				if (p[i] < '0' || p[i] > '9')
					return false;
			}
			if (k - slash > 16)
				return false;
		}
		p += k;
		p += *p == ' ';
	}
	return true;
}

struct ex_cmd {
	const struct principal *p;
	const struct rules_new_exemption *e;
	int64_t id;
	const char *reason;
};

static bool may_record(struct store_tx *tx, int64_t actor, const char *today)
{
	unsigned roles = model_tx_roles_of(tx, actor, today);

	/* the säkerhetsskyddschef; the head when there is none (2 kap. 20 §) */
	return (roles & ROLE_BIT(ROLE_SSC)) ||
	       ((roles & ROLE_BIT(ROLE_CHIEF)) && !model_tx_someone_has(tx, ROLE_SSC, today));
}

static int create_fn(struct store_tx *tx, void *arg)
{
	struct ex_cmd *c = arg;
	const struct rules_new_exemption *e = c->e;
	char today[11];
	json_t *d;
	int rc;

	model_today(today);
	if (!may_record(tx, c->p->id, today))
		return store_tx_failr(
		        tx, SK_EPERM, NULL, "exemption.recorder", NULL,
		        "exemptions are recorded by the säkerhetsskyddschef (8 kap. 2 §)");
	if (strcmp(e->granted_on, today) > 0)
		return store_tx_failr(tx, SK_EINVAL, "granted_on", "field.future",
		                      json_pack("{s:s}", "date", e->granted_on),
		                      "granted_on is in the future");
	rc = store_tx_int(tx, &c->id, "SELECT coalesce(max(id), 0) + 1 FROM exemption", "");
	if (rc)
		return rc;
	d = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)c->id,
	              "reference", e->reference, "granted_by", e->granted_by, "granted_on",
	              e->granted_on, "scope_rules", e->scope_rules, "scope_objects",
	              e->scope_objects ? e->scope_objects : "", "valid_until", e->valid_until,
	              "note", e->note ? e->note : "");
	if (d && c->p->token_id)
		json_object_set_new(d, "token_id", json_integer(c->p->token_id));
	return model_tx_log(tx, c->p->id, "exemption.created", "exemption", c->id, d);
}

int rules_exemption_create(struct model *m, const struct principal *p,
                           const struct rules_new_exemption *e, int64_t *id, struct model_err *err)
{
	struct ex_cmd c = {p, e, 0, NULL};
	int rc;

	if (!text_ok(e->reference, 1, 128))
		return ex_fail(err, "reference", "field.text_size", size(1, 128),
		               "reference: 1..128 bytes of text");
	if (!text_ok(e->granted_by, 1, 128))
		return ex_fail(err, "granted_by", "field.text_size", size(1, 128),
		               "granted_by: the authority, 1..128 bytes");
	if (!e->granted_on || !model_date_valid(e->granted_on))
		return ex_fail(err, "granted_on", "field.date", NULL,
		               "granted_on: a date YYYY-MM-DD");
	if (!e->valid_until || !model_date_valid(e->valid_until))
		return ex_fail(err, "valid_until", "field.date", NULL,
		               "valid_until: a date YYYY-MM-DD");
	if (strcmp(e->valid_until, e->granted_on) < 0)
		return ex_fail(err, "valid_until", "exemption.until_before_granted",
		               json_pack("{s:s}", "date", e->granted_on),
		               "valid_until is before granted_on");
	if (!text_ok(e->scope_rules, 1, 2000) || !scope_rules_ok(e->scope_rules))
		return ex_fail(
		        err, "scope_rules", "exemption.scope_rules", NULL,
		        "scope_rules: one or more rule ids (GET /api/v1/rules), space-separated");
	if (e->scope_objects &&
	    (!text_ok(e->scope_objects, 0, 2000) || !scope_objects_ok(e->scope_objects)))
		return ex_fail(err, "scope_objects", "exemption.scope_objects", NULL,
		               "scope_objects: objects like document/12, space-separated");
	if (e->note && !text_ok(e->note, 0, 1000))
		return ex_fail(err, "note", "field.text_size", size(0, 1000),
		               "note: at most 1000 bytes of text");
	rc = model_submit(m, create_fn, &c, err);
	if (!rc)
		*id = c.id;
	return rc;
}

static int revoke_fn(struct store_tx *tx, void *arg)
{
	struct ex_cmd *c = arg;
	char today[11];
	int64_t revoked;
	json_t *d;
	int rc;

	model_today(today);
	if (!may_record(tx, c->p->id, today))
		return store_tx_failr(
		        tx, SK_EPERM, NULL, "exemption.recorder", NULL,
		        "exemptions are recorded by the säkerhetsskyddschef (8 kap. 2 §)");
	rc = store_tx_int(tx, &revoked,
	                  "SELECT revoked_at IS NOT NULL FROM exemption WHERE id = ?1", "i", c->id);
	if (rc == SK_ENOTFOUND)
		return store_tx_failr(tx, SK_ENOTFOUND, "id", "exemption.not_found", NULL,
		                      "no exemption %lld", (long long)c->id);
	if (rc)
		return rc;
	if (revoked)
		return store_tx_failr(tx, SK_ERULE, "id", "exemption.revoked", NULL,
		                      "the exemption is already revoked");
	d = json_pack("{s:I, s:s}", "id", (json_int_t)c->id, "reason", c->reason);
	if (d && c->p->token_id)
		json_object_set_new(d, "token_id", json_integer(c->p->token_id));
	return model_tx_log(tx, c->p->id, "exemption.revoked", "exemption", c->id, d);
}

int rules_exemption_revoke(struct model *m, const struct principal *p, int64_t id,
                           const char *reason, struct model_err *err)
{
	struct ex_cmd c = {p, NULL, id, reason};

	if (!text_ok(reason, 1, 500))
		return ex_fail(err, "reason", "field.text_size", size(1, 500),
		               "reason: 1..500 bytes of text");
	return model_submit(m, revoke_fn, &c, err);
}

/* ---- reading ---- */

/* The store's statement cache keeps the SQL's pointer: only static text here. */
#define EX_COLUMNS                                                                                 \
	"SELECT id, reference, granted_by, granted_on, scope_rules, scope_objects, valid_until, "  \
	"note, recorded_at, recorded_by, revoked_at, revoked_by, revoke_reason FROM exemption"

static json_t *ex_row(struct store_q *q, const char *today)
{
	const char *until = store_q_text(q, 6);
	bool revoked = !store_q_is_null(q, 10);
	const char *state = revoked ? "revoked" : strcmp(until, today) < 0 ? "expired" : "active";
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s}", "id",
	                      (json_int_t)store_q_int(q, 0), "reference", store_q_text(q, 1),
	                      "granted_by", store_q_text(q, 2), "granted_on", store_q_text(q, 3),
	                      "scope_rules", store_q_text(q, 4), "scope_objects",
	                      store_q_text(q, 5), "valid_until", until, "note", store_q_text(q, 7),
	                      "recorded_at", store_q_text(q, 8), "recorded_by",
	                      (json_int_t)store_q_int(q, 9), "state", state);

	if (o && revoked)
		json_object_set_new(o, "revoked",
		                    json_pack("{s:s, s:I, s:s}", "at", store_q_text(q, 10), "by",
		                              (json_int_t)store_q_int(q, 11), "reason",
		                              store_q_text(q, 12)));
	return o;
}

json_t *rules_exemption_list(struct store_reader *r, const char *today)
{
	json_t *a = json_array();
	struct store_q *q;

	if (store_reader_query(r, EX_COLUMNS " ORDER BY id", &q))
		return a;
	while (store_q_step(q) == SK_OK)
		json_array_append_new(a, ex_row(q, today));
	store_q_done(q);
	return a;
}

json_t *rules_exemption_get(struct store_reader *r, int64_t id, const char *today)
{
	struct store_q *q;
	json_t *o = NULL;

	if (store_reader_query(r, EX_COLUMNS " WHERE id = ?1", &q))
		return NULL;
	store_q_bind_int(q, 1, id);
	if (store_q_step(q) == SK_OK)
		o = ex_row(q, today);
	store_q_done(q);
	return o;
}
