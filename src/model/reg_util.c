/*
 * Small helpers shared by the registers (reg_int.h): one definition instead of
 * a static copy in every register file.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/access_int.h"
#include "model/reg_int.h"
#include "model/register.h"

const char *model_json_str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

const char *model_json_str0(const json_t *o, const char *key)
{
	const char *s = model_json_str(o, key);

	return s ? s : "";
}

int64_t model_json_int(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

bool model_text_ok(const char *s, unsigned allow)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), i = 0;

	while (i < len) {
		uint32_t cp;
		size_t n = sk_utf8_next(p + i, len - i, &cp);

		if (n == 0)
			return false;
		i += n;
		if (!sk_cp_forbidden(cp) && cp != 0x7f)
			continue;
		if (!((cp == '\n' && (allow & MODEL_TEXT_NL)) ||
		      (cp == '\r' && (allow & MODEL_TEXT_CR)) ||
		      (cp == '\t' && (allow & MODEL_TEXT_TAB)) ||
		      (cp == 0x7f && (allow & MODEL_TEXT_DEL))))
			return false;
	}
	/* Text is empty or says something: "   " as a name or reference is no value at all. */
	return len == 0 || !sk_text_blank(s, len);
}

bool model_text_valid(const char *s, size_t min, size_t max, unsigned allow)
{
	size_t n;

	if (!s)
		return min == 0;
	n = strlen(s);
	if (n < min || n > max || !sk_utf8_valid(s, n))
		return false;
	return model_text_ok(s, allow);
}

bool model_date_not_future(const char *s, const char *today)
{
	return s && today && model_date_valid(s) && strcmp(s, today) <= 0;
}

int model_tx_get_text(struct store_tx *tx, const json_t *body, const char *key, size_t min,
                      size_t max, unsigned allow, bool required, const char **out)
{
	json_t *v = json_object_get(body, key);
	size_t n;

	*out = NULL;
	if (!v || json_is_null(v)) {
		if (required)
			return store_tx_failr(tx, SK_EINVAL, key, "field.required", NULL,
			                      "%s: required", key);
		return SK_OK;
	}
	if (!json_is_string(v))
		return store_tx_failr(tx, SK_EINVAL, key, "field.type",
		                      json_pack("{s:s}", "type", "string"), "%s: must be a string",
		                      key);
	n = json_string_length(v);
	if (n < min || n > max || strlen(json_string_value(v)) != n ||
	    !model_text_ok(json_string_value(v), allow))
		return store_tx_failr(
		        tx, SK_EINVAL, key, "field.text_size",
		        json_pack("{s:I, s:I}", "min", (json_int_t)min, "max", (json_int_t)max),
		        "%s: %zu..%zu bytes of text", key, min, max);
	*out = json_string_value(v);
	return SK_OK;
}

json_t *model_q_json_text(struct store_q *q, int col)
{
	return store_q_is_null(q, col) ? json_null() : json_string(store_q_text(q, col));
}

json_t *model_q_json_int(struct store_q *q, int col)
{
	return store_q_is_null(q, col) ? json_null() : json_integer(store_q_int(q, col));
}

int model_fail(struct model_err *err, int rc, const char *field, const char *reason, json_t *params,
               const char *fmt, ...)
{
	char *text = NULL;
	va_list ap;

	if (!err)
		goto out;
	snprintf(err->field, sizeof(err->field), "%s", field ? field : "");
	snprintf(err->reason, sizeof(err->reason), "%s", reason ? reason : "");
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	err->params[0] = '\0';
	if (params)
		text = json_dumps(params, JSON_COMPACT | JSON_SORT_KEYS);
	if (text && strlen(text) < sizeof(err->params))
		snprintf(err->params, sizeof(err->params), "%s", text);
	free(text);
out:
	json_decref(params);
	return rc;
}

json_t *model_tx_name(struct store_tx *tx, const char *what, int64_t id)
{
	/* What the user sees for a row: a person's, space's, system's or distributor's name. */
	static const struct {
		const char *what, *sql;
	} names[] = {
	        {"person", "SELECT name FROM person WHERE id = ?1"},
	        {"space", "SELECT name FROM space WHERE id = ?1"},
	        {"system", "SELECT name FROM info_system WHERE id = ?1"},
	        {"distributor", "SELECT name FROM distributor WHERE id = ?1"},
	        {"document", "SELECT designation FROM document WHERE id = ?1"},
	        {"identity", "SELECT display_name FROM identity WHERE id = ?1"},
	        {"inventory", "SELECT name FROM inventory WHERE id = ?1"},
	};
	struct store_q *q = NULL;
	json_t *v = NULL;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]) && !v; i++) {
		if (strcmp(names[i].what, what) != 0 || store_tx_query(tx, names[i].sql, &q))
			continue;
		store_q_bind_int(q, 1, id);
		if (store_q_step(q) == SK_OK && store_q_text(q, 0))
			v = json_string(store_q_text(q, 0));
		store_q_done(q);
	}
	return v ? v : json_string("?");
}

int64_t model_actor_of(const struct principal *p)
{
	return p ? p->id : 0;
}

json_t *model_with_token(json_t *data, const struct principal *p)
{
	if (data && p && p->token_id)
		json_object_set_new(data, "token_id", json_integer(p->token_id));
	return data;
}

unsigned model_tx_caller_roles(struct store_tx *tx, const struct principal *p)
{
	char today[11];

	if (!p)
		return ROLES_ALL;
	if (p->token_id)
		return p->roles;
	model_today(today);
	return model_tx_roles_of(tx, p->id, today);
}

int model_tx_need_roles(struct store_tx *tx, const struct principal *p, unsigned need,
                        const char *why)
{
	if (model_tx_caller_roles(tx, p) & need)
		return SK_OK;
	/* every caller today asks for the ssc or the head; why stays the English message */
	return store_tx_failr(tx, SK_EPERM, NULL,
	                      need == MODEL_ROLES_SSC_CHIEF ? "access.ssc_or_chief" : "access.role",
	                      NULL, "%s", why);
}

const char *reg_now_str(const struct reg_call *c, const char *key)
{
	const json_t *v = json_object_get(c->data, key);

	if (v)
		return json_string_value(v);
	return model_json_str(c->old, key);
}
