/*
 * The generic half of "registers as data" (register.h): validation of a
 * command's arguments, the writer command that checks and appends its entry,
 * the projection that applies every register's entries, rows as JSON, and the
 * description the web UI renders pages from. What one register needs beyond
 * this is its definition's check and apply hooks.
 *
 * The SQL built here stays within what SQLite and PostgreSQL share: plain
 * INSERT, UPDATE and SELECT with numbered parameters, CASE, coalesce and
 * count; no upsert, no RETURNING, no SQLite functions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/access_int.h"
#include "model/reg_int.h"
#include "model/register.h"

#define REG_SQL_MAX 4096

/* ---- the registry ---- */

const char *const reg_approval_states[] = {"approved", "withdrawn", NULL};

const struct register_def *reg_find(const char *name)
{
	for (size_t i = 0; name && reg_all[i]; i++) {
		if (strcmp(reg_all[i]->name, name) == 0 || strcmp(reg_all[i]->one, name) == 0)
			return reg_all[i];
	}
	return NULL;
}

const struct reg_cmd *reg_cmd_find(const struct register_def *d, const char *name)
{
	for (const struct reg_cmd *c = d->cmds; name && c->name; c++) {
		if (strcmp(c->name, name) == 0)
			return c;
	}
	return NULL;
}

const struct reg_field *reg_field_find(const struct register_def *d, const char *name)
{
	for (const struct reg_field *f = d->fields; name && f->name; f++) {
		if (strcmp(f->name, name) == 0)
			return f;
	}
	return NULL;
}

const struct reg_field *reg_arg_field(const struct register_def *d, const struct reg_arg *a)
{
	return reg_field_find(d, a->field);
}

const char *reg_col(const struct reg_field *f)
{
	return f->col ? f->col : f->name;
}

static const struct reg_field *state_field(const struct register_def *d)
{
	for (const struct reg_field *f = d->fields; f->name; f++) {
		if (f->src == REG_SRC_STATE)
			return f;
	}
	return NULL;
}

/* Has the field a column of its own (as opposed to computed or ledger-only)? */
static bool has_col(const struct reg_field *f)
{
	return f->src != REG_SRC_SQL && f->src != REG_SRC_LEDGER_ONLY;
}

/* The table a reference points into: a register's, or the identities'. */
static const char *ref_table(const char *ref)
{
	const struct register_def *d;

	if (ref && strcmp(ref, "identities") == 0)
		return "identity";
	d = reg_find(ref);
	return d ? d->table : NULL;
}

const char *reg_type_name(enum reg_type t)
{
	static const char *const names[] = {
	        [REG_STRING] = "string", [REG_TEXT] = "text", [REG_INT] = "int",
	        [REG_BOOL] = "bool",     [REG_DATE] = "date", [REG_CLASS] = "class",
	        [REG_ENUM] = "enum",     [REG_REF] = "ref",   [REG_IDS] = "ids",
	};

	return (unsigned)t < sizeof(names) / sizeof(names[0]) ? names[t] : "string";
}

static const struct reg_arg *cmd_arg(const struct reg_cmd *cmd, const char *name);

int reg_check_defs(char *why, size_t cap)
{
	for (size_t i = 0; reg_all[i]; i++) {
		const struct register_def *d = reg_all[i];

		if (!d->fields[0].name || d->fields[0].src != REG_SRC_ID) {
			snprintf(why, cap, "%s: the first field must be the id", d->name);
			return SK_EINVAL;
		}
		for (const struct reg_field *f = d->fields; f->name; f++) {
			if (f->type == REG_ENUM && !f->values) {
				snprintf(why, cap, "%s.%s: an enum without values", d->name,
				         f->name);
				return SK_EINVAL;
			}
			if (f->type == REG_REF && !ref_table(f->ref)) {
				snprintf(why, cap, "%s.%s: no register %s", d->name, f->name,
				         f->ref ? f->ref : "(null)");
				return SK_EINVAL;
			}
		}
		if (d->import && (!reg_cmd_find(d, d->import) ||
		                  reg_cmd_find(d, d->import)->verb != REG_CREATE)) {
			snprintf(why, cap, "%s: import %s is no create command", d->name,
			         d->import);
			return SK_EINVAL;
		}
		for (const struct reg_cmd *c = d->cmds; c->name; c++) {
			if (strncmp(c->event, d->one, strlen(d->one)) != 0 ||
			    c->event[strlen(d->one)] != '.') {
				snprintf(why, cap, "%s %s: event %s is not %s.*", d->name, c->name,
				         c->event, d->one);
				return SK_EINVAL;
			}
			if (c->second_factor && !cmd_arg(c, "code")) {
				snprintf(why, cap, "%s %s: a second factor needs the argument code",
				         d->name, c->name);
				return SK_EINVAL;
			}
			if ((c->verb == REG_ACT) != (c->path != NULL) || !c->roles) {
				snprintf(why, cap, "%s %s: path or roles", d->name, c->name);
				return SK_EINVAL;
			}
			size_t nargs = 0;

			while (c->args[nargs].field)
				nargs++;
			if (d->cli && nargs > REG_ARGS_MAX) {
				snprintf(why, cap,
				         "%s %s: %zu arguments, at most %d (the CLI's options)",
				         d->name, c->name, nargs, REG_ARGS_MAX);
				return SK_EINVAL;
			}
			for (const struct reg_arg *a = c->args; a->field; a++) {
				const struct reg_field *f = reg_arg_field(d, a);

				if (!f || f->src == REG_SRC_SQL || f->src == REG_SRC_ID ||
				    f->src == REG_SRC_CREATED_AT || f->src == REG_SRC_CREATED_BY ||
				    f->src == REG_SRC_UPDATED_AT) {
					snprintf(why, cap,
					         "%s %s: argument %s is no writable field", d->name,
					         c->name, a->field);
					return SK_EINVAL;
				}
			}
		}
	}
	return SK_OK;
}

/* ---- validation ---- */

static const char *const class_names[] = {"BH", "K", "H", "KH", NULL};

static bool in_values(const char *s, const char *const *v)
{
	for (; s && v && *v; v++) {
		if (strcmp(s, *v) == 0)
			return true;
	}
	return false;
}

/* Joins values with ", " into out (for messages and the params). */
static void join_values(const char *const *v, char *out, size_t cap)
{
	size_t n = 0;

	out[0] = '\0';
	for (; v && *v && n < cap; v++)
		n += (size_t)snprintf(out + n, cap - n, "%s%s", n ? ", " : "", *v);
}

/* Checks one argument's value against its field; SK_OK or SK_EINVAL with err filled. */
static int check_value(const struct reg_field *f, const struct reg_arg *a, const json_t *v,
                       bool update, struct model_err *err)
{
	char today[11], list[200];
	const char *s = json_string_value(v);

	if (json_is_null(v)) {
		if (update ? (a->flags & REG_A_CLEAR) : (a->flags & REG_A_NULL))
			return SK_OK;
		return model_fail(err, SK_EINVAL, f->name, "field.type",
		                  json_pack("{s:s}", "type", reg_type_name(f->type)),
		                  "%s: a value, not null", f->name);
	}
	switch (f->type) {
	case REG_STRING:
	case REG_TEXT:
		if (!s)
			return model_fail(err, SK_EINVAL, f->name, "field.type",
			                  json_pack("{s:s}", "type", "string"), "%s: text",
			                  f->name);
		if (strlen(s) < (size_t)f->min)
			return model_fail(err, SK_EINVAL, f->name,
			                  f->min <= 1 ? "field.required" : "field.too_short",
			                  json_pack("{s:I}", "min", (json_int_t)f->min),
			                  "%s: at least %lld bytes", f->name, (long long)f->min);
		if (strlen(s) > (size_t)f->max)
			return model_fail(err, SK_EINVAL, f->name, "field.too_long",
			                  json_pack("{s:I}", "max", (json_int_t)f->max),
			                  "%s: at most %lld bytes", f->name, (long long)f->max);
		if (!model_text_ok(s, f->type == REG_TEXT ? MODEL_TEXT_LINES : 0))
			return model_fail(
			        err, SK_EINVAL, f->name, *s ? "field.text" : "field.required", NULL,
			        "%s: text without control characters, not only spaces", f->name);
		if ((f->flags & REG_F_NOBLANK) && !*s)
			return model_fail(err, SK_EINVAL, f->name, "field.required", NULL,
			                  "%s is required", f->name);
		return SK_OK;
	case REG_INT:
	case REG_REF: {
		json_int_t n;

		if (!json_is_integer(v))
			return model_fail(err, SK_EINVAL, f->name, "field.type",
			                  json_pack("{s:s}", "type", "integer"), "%s: a number",
			                  f->name);
		n = json_integer_value(v);
		if (f->type == REG_REF && n == 0 && update && (a->flags & REG_A_CLEAR))
			return SK_OK;
		if (n < (f->type == REG_REF ? 1 : f->min) ||
		    n > (f->max ? f->max : SK_JSON_MAX_INT))
			return model_fail(
			        err, SK_EINVAL, f->name, "field.range",
			        json_pack("{s:I, s:I}", "min",
			                  (json_int_t)(f->type == REG_REF ? 1 : f->min), "max",
			                  (json_int_t)(f->max ? f->max : SK_JSON_MAX_INT)),
			        "%s: a number in range", f->name);
		return SK_OK;
	}
	case REG_BOOL:
		if (!json_is_boolean(v))
			return model_fail(err, SK_EINVAL, f->name, "field.type",
			                  json_pack("{s:s}", "type", "boolean"),
			                  "%s: true or false", f->name);
		return SK_OK;
	case REG_DATE:
		if (!s || !model_date_valid(s))
			return model_fail(err, SK_EINVAL, f->name, "field.date", NULL,
			                  "%s: a date YYYY-MM-DD", f->name);
		model_today(today);
		if ((f->flags & REG_F_PAST) && strcmp(s, today) > 0)
			return model_fail(err, SK_EINVAL, f->name, "field.future",
			                  json_pack("{s:s}", "date", s), "%s: %s is in the future",
			                  f->name, s);
		return SK_OK;
	case REG_CLASS:
		if (!in_values(s, class_names))
			return model_fail(err, SK_EINVAL, f->name, "field.class", NULL,
			                  "%s: one of BH, K, H, KH", f->name);
		return SK_OK;
	case REG_IDS: {
		json_t *x;
		size_t i;

		if (!json_is_array(v) || json_array_size(v) > (size_t)f->max)
			return model_fail(err, SK_EINVAL, f->name, "field.range",
			                  json_pack("{s:I, s:I}", "min", (json_int_t)0, "max",
			                            (json_int_t)f->max),
			                  "%s: a list of at most %lld ids", f->name,
			                  (long long)f->max);
		json_array_foreach(v, i, x)
		{
			if (!json_is_integer(x) || json_integer_value(x) < 1 ||
			    json_integer_value(x) > SK_JSON_MAX_INT)
				return model_fail(err, SK_EINVAL, f->name, "field.type",
				                  json_pack("{s:s}", "type", "integer"),
				                  "%s: positive ids", f->name);
			for (size_t j = 0; j < i; j++) {
				if (json_equal(json_array_get(v, j), x))
					return model_fail(err, SK_EINVAL, f->name,
					                  "field.duplicate", NULL,
					                  "%s: %lld is listed twice", f->name,
					                  (long long)json_integer_value(x));
			}
		}
		return SK_OK;
	}
	case REG_ENUM:
		if (!in_values(s, f->values)) {
			join_values(f->values, list, sizeof(list));
			return model_fail(err, SK_EINVAL, f->name, "field.enum",
			                  json_pack("{s:s}", "values", list), "%s: one of %s",
			                  f->name, list);
		}
		return SK_OK;
	}
	return SK_OK;
}

static const struct reg_arg *cmd_arg(const struct reg_cmd *cmd, const char *name)
{
	for (const struct reg_arg *a = cmd->args; a->field; a++) {
		if (strcmp(a->field, name) == 0)
			return a;
	}
	return NULL;
}

int reg_validate(const struct register_def *def, const struct reg_cmd *cmd, json_t *in,
                 struct model_err *err)
{
	const char *key;
	json_t *v;
	int rc;

	if (in && !json_is_object(in))
		return model_fail(err, SK_EINVAL, NULL, "body.json", NULL, "a JSON object");
	json_object_foreach(in, key, v)
	{
		if (!cmd_arg(cmd, key))
			return model_fail(err, SK_EINVAL, key, "field.unknown", NULL,
			                  "%s: not a field of %s %s", key, def->one, cmd->name);
	}
	for (const struct reg_arg *a = cmd->args; a->field; a++) {
		const struct reg_field *f = reg_arg_field(def, a);

		v = json_object_get(in, a->field);
		if (!v) {
			if (a->flags & REG_A_REQUIRED)
				return model_fail(err, SK_EINVAL, a->field, "field.required", NULL,
				                  "%s is required", a->field);
			continue;
		}
		if ((rc = check_value(f, a, v, cmd->verb != REG_CREATE, err)))
			return rc;
	}
	return SK_OK;
}

/* ---- reading rows ---- */

/* SELECT <every readable field> FROM <table> into b (no WHERE). */
static void select_sql(const struct register_def *d, struct buf *b)
{
	bool first = true;

	buf_printf(b, "SELECT ");
	for (const struct reg_field *f = d->fields; f->name; f++) {
		if (f->src == REG_SRC_LEDGER_ONLY)
			continue;
		buf_printf(b, "%s%s", first ? "" : ", ", reg_col(f));
		first = false;
	}
	buf_printf(b, " FROM %s", d->table);
}

/* Sets o[name] where name may be dotted ("holds.copies"); steals v. */
static void set_path(json_t *o, const char *name, json_t *v)
{
	const char *dot = strchr(name, '.');
	char head[64];
	json_t *sub;

	if (!dot || (size_t)(dot - name) >= sizeof(head)) {
		json_object_set_new(o, name, v);
		return;
	}
	snprintf(head, sizeof(head), "%.*s", (int)(dot - name), name);
	sub = json_object_get(o, head);
	if (!json_is_object(sub)) {
		sub = json_object();
		json_object_set_new(o, head, sub);
	}
	set_path(sub, dot + 1, v);
}

/* The current row of q (made by select_sql) as JSON. */
static json_t *row_json(const struct register_def *d, struct store_q *q)
{
	json_t *o = json_object();
	int col = 0;

	for (const struct reg_field *f = d->fields; o && f->name; f++) {
		json_t *v = NULL;

		if (f->src == REG_SRC_LEDGER_ONLY)
			continue;
		if (store_q_is_null(q, col)) {
			/* a missing number is null; a missing text is left out */
			if (f->type == REG_INT || f->type == REG_REF || f->src == REG_SRC_ID ||
			    f->src == REG_SRC_CREATED_BY || (f->flags & REG_F_NULL))
				v = json_null();
		} else if (f->type == REG_BOOL) {
			v = json_boolean(store_q_int(q, col) != 0);
		} else if (f->type == REG_INT || f->type == REG_REF || f->src == REG_SRC_ID ||
		           f->src == REG_SRC_CREATED_BY) {
			v = json_integer(store_q_int(q, col));
		} else {
			v = json_string(store_q_text(q, col));
		}
		if (v)
			set_path(o, f->name, v);
		col++;
	}
	return o;
}

/* The clearance condition for p (an empty string when the register has none). */
static void class_cond(const struct register_def *d, const struct principal *p, struct buf *b,
                       const char *glue)
{
	if (!d->class_col || !p)
		return;
	buf_printf(b,
	           " %s (CASE %s WHEN 'BH' THEN 1 WHEN 'K' THEN 2 WHEN 'H' THEN 3 WHEN 'KH' THEN "
	           "4 ELSE 5 END) <= %d",
	           glue, d->class_col, (int)p->clearance);
}

/* Binds REG_TODAY: a statement with fewer parameters refuses it, which changes nothing. */
static void bind_today(struct store_q *q)
{
	char today[11];

	model_today(today);
	(void)store_q_bind_text(q, REG_TODAY_IDX, today);
}

json_t *reg_get(struct model *m, const struct principal *p, const struct register_def *def,
                int64_t id)
{
	struct store_reader *r = model_reader(m);
	struct store_q *q;
	json_t *o = NULL;
	struct buf b;

	if (!r)
		return NULL;
	buf_init(&b, REG_SQL_MAX);
	select_sql(def, &b);
	buf_printf(&b, " WHERE id = ?1");
	class_cond(def, p, &b, "AND");
	if (b.ptr && store_reader_query(r, b.ptr, &q) == SK_OK) {
		store_q_bind_int(q, 1, id);
		bind_today(q);
		if (store_q_step(q) == SK_OK)
			o = row_json(def, q);
		store_q_done(q);
	}
	buf_release(&b);
	if (o && def->view) {
		json_t *one = json_pack("[O]", o);

		if (!one || def->view(m, p, one) || json_array_size(one) != 1) {
			json_decref(o);
			o = NULL; /* not for p, or the check failed: as if it did not exist */
		}
		json_decref(one);
	}
	if (o && def->detail)
		def->detail(m, p, o);
	return o;
}

json_t *reg_get_reply(struct model *m, const struct principal *p, const struct register_def *def,
                      int64_t id)
{
	json_t *o = reg_get(m, p, def, id);

	if (!o)
		return NULL;
	return def->reply ? def->reply(m, p, o) : json_pack("{s:o}", def->one, o);
}

static void bind_json(struct store_q *q, int idx, const json_t *v);

json_t *reg_list(struct model *m, const struct principal *p, const struct register_def *def,
                 const json_t *filters)
{
	struct store_reader *r = model_reader(m);
	json_t *arr = json_array(), *binds = json_array();
	const char *glue = "WHERE";
	struct store_q *q;
	struct buf b;
	size_t i;
	json_t *v;

	if (!r || !arr || !binds)
		goto fail;
	buf_init(&b, REG_SQL_MAX);
	select_sql(def, &b);
	for (const struct reg_field *f = def->fields; f->name; f++) {
		v = json_object_get(filters, f->name);
		if (!(f->flags & REG_F_FILTER) || !(json_is_string(v) || json_is_integer(v)))
			continue;
		json_array_append(binds, v);
		buf_printf(&b, " %s %s = ?%zu", glue, reg_col(f), json_array_size(binds));
		glue = "AND";
	}
	class_cond(def, p, &b, glue);
	buf_printf(&b, " ORDER BY %s", def->order ? def->order : "id");
	if (!b.ptr || store_reader_query(r, b.ptr, &q)) {
		buf_release(&b);
		goto fail;
	}
	buf_release(&b);
	json_array_foreach(binds, i, v) bind_json(q, (int)i + 1, v);
	bind_today(q);
	while (store_q_step(q) == SK_OK)
		json_array_append_new(arr, row_json(def, q));
	store_q_done(q);
	json_decref(binds);
	if (def->view && def->view(m, p, arr))
		json_array_clear(arr); /* fails closed */
	return arr;
fail:
	json_decref(arr);
	json_decref(binds);
	return NULL;
}

/* The record as the writer's transaction sees it, or NULL. */
static json_t *tx_row(struct store_tx *tx, const struct register_def *d, int64_t id)
{
	struct store_q *q;
	json_t *o = NULL;
	struct buf b;

	buf_init(&b, REG_SQL_MAX);
	select_sql(d, &b);
	buf_printf(&b, " WHERE id = ?1");
	if (b.ptr && store_tx_query(tx, b.ptr, &q) == SK_OK) {
		store_q_bind_int(q, 1, id);
		bind_today(q);
		if (store_q_step(q) == SK_OK)
			o = row_json(d, q);
		store_q_done(q);
	}
	buf_release(&b);
	return o;
}

/* ---- the writer command ---- */

/* Is s one of the space-separated words of list? */
static bool in_words(const char *s, const char *list)
{
	size_t n = s ? strlen(s) : 0;

	for (const char *w = list; n && w && *w;) {
		const char *end = strchr(w, ' ');
		size_t len = end ? (size_t)(end - w) : strlen(w);

		if (len == n && strncmp(w, s, n) == 0)
			return true;
		w = end ? end + 1 : NULL;
	}
	return false;
}

/* Is the row's class above p's clearance (a register with class_col)? */
static bool above_clearance(const struct register_def *d, const struct principal *p,
                            const json_t *row)
{
	const char *cls;
	int rank;

	if (!d->class_col || !p)
		return false;
	cls = json_string_value(json_object_get(row, d->class_col));
	rank = cls ? clearance_parse(cls) : -1;
	return rank < CLEAR_BH || rank > (int)p->clearance;
}

void reg_tx_held_list(struct store_tx *tx, const char *sql, int64_t id, int64_t arg2,
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

struct exec {
	struct model *m;
	const struct principal *p;
	const struct register_def *def;
	const struct reg_cmd *cmd;
	const json_t *in;
	int64_t id;
};

/* The entry's value for an argument given as v: a cleared reference is null. */
static json_t *entry_value(const struct reg_field *f, json_t *v)
{
	if (f->type == REG_REF && json_is_integer(v) && json_integer_value(v) == 0)
		return json_null();
	return json_incref(v);
}

/* The generic checks: uniqueness and references of the given arguments. */
static int check_refs(struct reg_call *c)
{
	for (const struct reg_arg *a = c->cmd->args; a->field; a++) {
		const struct reg_field *f = reg_arg_field(c->def, a);
		json_t *v = json_object_get(c->in, a->field);
		char sql[256];
		int64_t n = 0;
		int rc;

		if (!v || json_is_null(v))
			continue;
		if ((f->flags & REG_F_UNIQUE) && json_is_string(v)) {
			snprintf(sql, sizeof(sql),
			         "SELECT count(*) FROM %s WHERE %s = ?1 AND id <> ?2",
			         c->def->table, reg_col(f));
			if ((rc = store_tx_int(c->tx, &n, sql, "ti", json_string_value(v), c->id)))
				return rc;
			if (n)
				return store_tx_failr(
				        c->tx, SK_EEXIST, f->name, "record.taken",
				        json_pack("{s:s}", "value", json_string_value(v)),
				        "%s %s: another %s has it", f->name, json_string_value(v),
				        c->def->one);
		}
		if (f->type == REG_REF && json_integer_value(v) > 0) {
			snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s WHERE id = ?1",
			         ref_table(f->ref));
			if ((rc = store_tx_int(c->tx, &n, sql, "i",
			                       (int64_t)json_integer_value(v))))
				return rc;
			if (!n)
				return store_tx_failr(c->tx, SK_ENOTFOUND, f->name,
				                      "record.ref_missing", NULL, "%s: no %s %lld",
				                      f->name, f->ref,
				                      (long long)json_integer_value(v));
		}
	}
	return SK_OK;
}

/* The entry's data: {"id": id} and the arguments given (defaults on create). */
static json_t *entry_data(struct reg_call *c)
{
	json_t *d = json_pack("{s:I}", "id", (json_int_t)c->id);
	char today[11];

	model_today(today);
	for (const struct reg_arg *a = c->cmd->args; d && a->field; a++) {
		const struct reg_field *f = reg_arg_field(c->def, a);
		json_t *v = json_object_get(c->in, a->field);

		if (c->cmd->second_factor && strcmp(a->field, "code") == 0)
			continue; /* a second factor is checked, never kept */
		if (v)
			json_object_set_new(d, a->field, entry_value(f, v));
		else if (a->flags & REG_A_TODAY)
			json_object_set_new(d, a->field, json_string(today));
		else if (c->cmd->verb != REG_UPDATE && (a->flags & REG_A_EMPTY))
			json_object_set_new(d, a->field, json_string(""));
		else if (c->cmd->verb != REG_UPDATE && (a->flags & REG_A_NULL))
			json_object_set_new(d, a->field, json_null());
	}
	return d;
}

static int exec_fn(struct store_tx *tx, void *arg)
{
	struct exec *x = arg;
	const struct register_def *d = x->def;
	const struct reg_cmd *cmd = x->cmd;
	struct reg_call c = {
	        .m = x->m, .tx = tx, .p = x->p, .def = d, .cmd = cmd, .id = x->id, .in = x->in};
	const struct reg_field *sf = state_field(d);
	char sql[160];
	int rc;

	c.roles = model_tx_caller_roles(tx, x->p);
	if (cmd->verb != REG_CREATE) {
		c.old = tx_row(tx, d, x->id);
		if (c.old && above_clearance(d, x->p, c.old)) {
			json_decref(c.old);
			c.old = NULL; /* need-to-know: as if it did not exist */
		}
		if (!c.old)
			return store_tx_failr(tx, SK_ENOTFOUND, "id", "record.not_found",
			                      json_pack("{s:s}", "register", d->name), "no %s %lld",
			                      d->one, (long long)x->id);
	}
	if (!(c.roles & cmd->roles)) {
		rc = store_tx_failr(
		        tx, SK_EPERM, NULL, "record.forbidden",
		        json_pack("{s:s, s:s}", "register", d->name, "command", cmd->name),
		        "%s %s: your roles do not allow it", d->one, cmd->name);
		goto out;
	}
	if (cmd->when && sf &&
	    !in_words(json_string_value(json_object_get(c.old, sf->name)), cmd->when)) {
		rc = store_tx_failr(
		        tx, SK_EEXIST, "id", "record.state",
		        json_pack("{s:s, s:s, s:s}", "register", d->name, "state",
		                  json_string_value(json_object_get(c.old, sf->name)) ?: "",
		                  "command", cmd->name),
		        "%s %lld is already %s", d->one, (long long)x->id,
		        json_string_value(json_object_get(c.old, sf->name)) ?: "");
		goto out;
	}
	if (cmd->verb == REG_UPDATE && json_object_size(x->in) == 0) {
		rc = store_tx_failr(tx, SK_EINVAL, NULL, "record.nothing_to_change", NULL,
		                    "nothing to change");
		goto out;
	}
	if (cmd->verb == REG_CREATE) {
		snprintf(sql, sizeof(sql), "SELECT coalesce(max(id), 0) + 1 FROM %s", d->table);
		if ((rc = store_tx_int(tx, &c.id, sql, "")))
			goto out;
	}
	if ((rc = check_refs(&c)))
		goto out;
	c.data = entry_data(&c);
	if (!c.data) {
		rc = SK_ENOMEM;
		goto out;
	}
	if (cmd->check && (rc = cmd->check(&c)))
		goto out;
	/* the code last, as for a copy's receipt: a refused command spends no code */
	if (cmd->second_factor && (!x->m || !x->p)) {
		rc = store_tx_failr(tx, SK_EPERM, "code", "receipt.in_person", NULL,
		                    "a second factor is given in person");
		goto out;
	}
	if (cmd->second_factor &&
	    (rc = model_tx_totp(tx, x->m, x->p->id, model_json_str0(x->in, "code"))))
		goto out;
	x->id = c.id;
	rc = model_tx_log(tx, x->p ? x->p->id : 0, cmd->event, d->one, c.id,
	                  x->p ? model_with_token(c.data, x->p) : c.data);
	c.data = NULL;
out:
	json_decref(c.old);
	json_decref(c.data);
	return rc;
}

int reg_exec(struct model *m, const struct principal *p, const struct register_def *def,
             const struct reg_cmd *cmd, json_t *in, int64_t *id, struct model_err *err)
{
	struct exec x = {.m = m,
	                 .p = p,
	                 .def = def,
	                 .cmd = cmd,
	                 .in = in,
	                 .id = id && cmd->verb != REG_CREATE ? *id : 0};
	json_t *empty = NULL;
	int rc;

	if (!in)
		x.in = in = empty = json_object();
	rc = reg_validate(def, cmd, in, err);
	if (!rc && cmd->second_factor && !p)
		rc = model_fail(err, SK_EPERM, "code", "receipt.in_person", NULL,
		                "a second factor needs a person's login");
	else if (!rc && cmd->second_factor)
		rc = model_submit_reauth(m, p->id, def->one, x.id, exec_fn, &x, err);
	else if (!rc)
		rc = model_submit(m, exec_fn, &x, err);
	if (!rc && id)
		*id = x.id;
	json_decref(empty);
	return rc;
}

int reg_tx_exec(struct store_tx *tx, const struct principal *p, const struct register_def *def,
                const struct reg_cmd *cmd, const json_t *in, int64_t *id)
{
	/* no model here: a second-factor command is run through reg_exec only (exec_fn refuses) */
	struct exec x = {.p = p,
	                 .def = def,
	                 .cmd = cmd,
	                 .in = in,
	                 .id = id && cmd->verb != REG_CREATE ? *id : 0};
	int rc = exec_fn(tx, &x);

	if (!rc && id)
		*id = x.id;
	return rc;
}

int reg_run(struct model *m, const struct principal *p, const char *reg, const char *cmd,
            json_t *in, int64_t *id, struct model_err *err)
{
	const struct register_def *d = reg_find(reg);
	const struct reg_cmd *c = d ? reg_cmd_find(d, cmd) : NULL;

	if (!c)
		return model_fail(err, SK_EINVAL, NULL, "record.no_command", NULL,
		                  "no command %s %s", reg ? reg : "", cmd ? cmd : "");
	return reg_exec(m, p, d, c, in, id, err);
}

/* ---- the projection ---- */

/* The register and command of an entry kind, or NULL. */
static const struct register_def *def_of_kind(const char *kind, const struct reg_cmd **cmd)
{
	for (size_t i = 0; reg_all[i]; i++) {
		const struct register_def *d = reg_all[i];
		size_t n = strlen(d->one);

		if (strncmp(kind, d->one, n) != 0 || kind[n] != '.')
			continue;
		for (const struct reg_cmd *c = d->cmds; c->name; c++) {
			if (strcmp(c->event, kind) == 0) {
				*cmd = c;
				return d;
			}
		}
		*cmd = NULL;
		return d;
	}
	return NULL;
}

/* Binds a JSON value: text, integer, boolean as 0/1, anything else NULL. */
static void bind_json(struct store_q *q, int idx, const json_t *v)
{
	if (json_is_string(v))
		store_q_bind_text(q, idx, json_string_value(v));
	else if (json_is_integer(v))
		store_q_bind_int(q, idx, json_integer_value(v));
	else if (json_is_boolean(v))
		store_q_bind_int(q, idx, json_is_true(v) ? 1 : 0);
	else
		store_q_bind_null(q, idx);
}

/*
 * Builds the INSERT (create) or UPDATE (update, act) of e into b and the
 * values to bind into vals (in order).
 */
static void apply_sql(const struct register_def *d, const struct reg_cmd *cmd,
                      const struct ledger_entry *e, const char *t, struct buf *b, json_t *vals)
{
	bool create = cmd->verb == REG_CREATE;
	struct buf v;

	buf_init(&v, 1024);
	buf_printf(b, create ? "INSERT INTO %s (" : "UPDATE %s SET ", d->table);
	for (const struct reg_field *f = d->fields; f->name; f++) {
		json_t *val = NULL;

		if (!has_col(f))
			continue;
		switch (f->src) {
		case REG_SRC_ID:
			if (create)
				val = json_integer(model_json_int(e->data, "id"));
			break;
		case REG_SRC_STATE:
			if (create || cmd->verb == REG_ACT)
				val = cmd->state ? json_string(cmd->state) : NULL;
			if (!val && json_object_get(e->data, f->name))
				val = json_incref(json_object_get(e->data, f->name));
			break;
		case REG_SRC_CREATED_AT:
			if (create)
				val = json_string(t);
			break;
		case REG_SRC_CREATED_BY:
			if (create)
				val = json_integer(e->actor);
			break;
		case REG_SRC_UPDATED_AT:
			val = json_string(t);
			break;
		default:
			val = json_incref(json_object_get(e->data, f->name));
			break;
		}
		if (!val)
			continue;
		json_array_append_new(vals, val);
		if (create) {
			buf_printf(b, "%s%s", json_array_size(vals) > 1 ? ", " : "", reg_col(f));
			buf_printf(&v, "%s?%zu", json_array_size(vals) > 1 ? ", " : "",
			           json_array_size(vals));
		} else {
			buf_printf(b, "%s%s = ?%zu", json_array_size(vals) > 1 ? ", " : "",
			           reg_col(f), json_array_size(vals));
		}
	}
	if (create) {
		buf_printf(b, ") VALUES (%s)", v.ptr ? v.ptr : "");
	} else {
		json_array_append_new(vals, json_integer(model_json_int(e->data, "id")));
		buf_printf(b, " WHERE id = ?%zu", json_array_size(vals));
	}
	buf_release(&v);
}

static int reg_apply(struct store_tx *tx, const struct ledger_entry *e)
{
	const struct reg_cmd *cmd = NULL;
	const struct register_def *d = def_of_kind(e->kind, &cmd);
	char t[SK_TIME_LEN + 1];
	json_t *vals, *v;
	struct store_q *q;
	struct buf b;
	size_t i;
	int rc;

	if (d && !cmd && d->apply_other)
		return d->apply_other(tx, e); /* a kind a hand-written writer appends */
	if (!d || !cmd)
		return SK_OK; /* a kind no command writes: nothing to apply */
	if (cmd->no_apply)
		return d->apply ? d->apply(tx, e, cmd) : SK_OK;
	model_time(e->time_us, t);
	vals = json_array();
	buf_init(&b, REG_SQL_MAX);
	apply_sql(d, cmd, e, t, &b, vals);
	rc = !vals || !b.ptr ? SK_ENOMEM : store_tx_query(tx, b.ptr, &q);
	if (!rc) {
		json_array_foreach(vals, i, v) bind_json(q, (int)i + 1, v);
		rc = store_q_step(q);
		if (rc == SK_ENOTFOUND)
			rc = SK_OK;
		store_q_done(q);
	}
	buf_release(&b);
	json_decref(vals);
	if (!rc && d->apply)
		rc = d->apply(tx, e, cmd);
	return rc;
}

/*
 * One projection per register. The store keeps the pointers, so they live as
 * long as the program: made once, however many registers there are.
 */
struct reg_proj {
	struct store_projection proj;
	const char *tables[8];
	char prefix[40];
};

void reg_register_projections(void)
{
	static struct reg_proj *projs;
	char why[200];
	size_t n = 0;

	if (reg_check_defs(why, sizeof(why))) {
		fprintf(stderr, "skydd: bad register definition: %s\n", why);
		return;
	}
	while (reg_all[n])
		n++;
	if (!projs && !(projs = calloc(n ? n : 1, sizeof(*projs))))
		abort(); /* at start: nothing to save */
	for (size_t i = 0; i < n; i++) {
		const struct register_def *d = reg_all[i];
		struct reg_proj *rp = &projs[i];
		size_t k = 0;

		rp->tables[k++] = d->table;
		for (size_t x = 0; d->extra_tables && d->extra_tables[x] && k < 7; x++)
			rp->tables[k++] = d->extra_tables[x];
		rp->tables[k] = NULL;
		snprintf(rp->prefix, sizeof(rp->prefix), "%s.", d->one);
		rp->proj = (struct store_projection){
		        .name = d->title,
		        .kind_prefix = rp->prefix,
		        .tables = rp->tables,
		        .touches = d->touches,
		        .apply = reg_apply,
		};
		store_register_projection(&rp->proj);
	}
}

/* ---- the description for the web UI ---- */

/*
 * Who may list the identities (GET /api/v1/identities: SECURITY in
 * src/http/routes.c): a reference to a login is shown by its user name to
 * them, and as a number input in forms to the others.
 */
#define IDENTITY_READERS ROLES_SECURITY /* GET /api/v1/identities's roles (model.h) */

static json_t *describe_field(const struct register_def *d, const struct reg_field *f,
                              const struct principal *p)
{
	/* who recorded a record is a reference to a login, for the UI as any other */
	bool by = f->src == REG_SRC_CREATED_BY;
	const char *ref = by ? "identities" : f->ref;
	char label[128];
	json_t *o;

	snprintf(label, sizeof(label), "regdef.%s.f.%s", d->one, f->name);
	/* output: never an argument; input: an argument only, not in the rows */
	o = json_pack(
	        "{s:s, s:s, s:s, s:b, s:b, s:b, s:b, s:b}", "name", f->name, "type",
	        by ? "ref" : reg_type_name(f->type), "label", label, "list",
	        (f->flags & REG_F_LIST) != 0, "filter", (f->flags & REG_F_FILTER) != 0, "output",
	        f->src != REG_SRC_DATA && f->src != REG_SRC_STATE && f->src != REG_SRC_LEDGER_ONLY,
	        "input", f->src == REG_SRC_LEDGER_ONLY, "state", f->src == REG_SRC_STATE);
	if (!o)
		return NULL;
	if (f->type == REG_STRING || f->type == REG_TEXT || f->type == REG_INT) {
		json_object_set_new(o, "min", json_integer(f->min));
		json_object_set_new(o, "max", json_integer(f->max));
	}
	if (f->type == REG_ENUM) {
		json_t *vals = json_array();

		for (const char *const *v = f->values; v && *v; v++)
			json_array_append_new(vals, json_string(*v));
		json_object_set_new(o, "values", vals);
	}
	if (f->type == REG_CLASS)
		json_object_set_new(o, "value_label",
		                    json_string(f->vlabel ? f->vlabel : "reg.class"));
	else if (f->vlabel)
		json_object_set_new(o, "value_label", json_string(f->vlabel));
	if (f->type == REG_REF || by) {
		/* readable: the UI may fetch the referenced list (else a 403 in its console) */
		bool ident = !strcmp(ref, "identities");
		const struct register_def *r = ident ? NULL : reg_find(ref);
		unsigned readers = ident ? IDENTITY_READERS : r ? r->read_roles : 0;

		json_object_set_new(o, "ref", json_string(ref));
		json_object_set_new(o, "readable", json_boolean(p && (p->roles & readers)));
	}
	if (f->type == REG_DATE)
		json_object_set_new(o, "past", json_boolean((f->flags & REG_F_PAST) != 0));
	/* a yes/no that may be null is an answer not yet given (incident.reportable) */
	if (f->type == REG_BOOL)
		json_object_set_new(o, "null", json_boolean((f->flags & REG_F_NULL) != 0));
	return o;
}

/* {"field": state, "value": the first state, "values": all of them}. */
static json_t *describe_when(const struct reg_field *sf, const char *when)
{
	json_t *vals = json_array(), *o;
	char w[64];

	for (const char *p = when; vals && p && *p;) {
		const char *end = strchr(p, ' ');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		snprintf(w, sizeof(w), "%.*s", (int)len, p);
		json_array_append_new(vals, json_string(w));
		p = end ? end + 1 : NULL;
	}
	o = json_pack("{s:s, s:O?, s:o}", "field", sf->name, "value", json_array_get(vals, 0),
	              "values", vals);
	return o;
}

static json_t *describe_cmd(const struct register_def *d, const struct reg_cmd *c,
                            const struct principal *p)
{
	static const char *const verbs[] = {"create", "update", "act"};
	static const char *const methods[] = {"POST", "PATCH", "POST"};
	const struct reg_field *sf = state_field(d);
	char label[128], done[140], path[160];
	json_t *o, *args = json_array();

	snprintf(label, sizeof(label), "regdef.%s.cmd.%s", d->one, c->name);
	snprintf(done, sizeof(done), "%s.done", label);
	if (c->verb == REG_CREATE)
		snprintf(path, sizeof(path), "/api/v1/%s", d->name);
	else if (c->verb == REG_UPDATE)
		snprintf(path, sizeof(path), "/api/v1/%s/{id}", d->name);
	else
		snprintf(path, sizeof(path), "/api/v1/%s/{id}/%s", d->name, c->path);
	for (const struct reg_arg *a = c->args; args && a->field; a++)
		json_array_append_new(args, json_pack("{s:s, s:b, s:b}", "name", a->field,
		                                      "required", (a->flags & REG_A_REQUIRED) != 0,
		                                      "clear", (a->flags & REG_A_CLEAR) != 0));
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:o}", "name", c->name, "verb",
	              verbs[c->verb], "method", methods[c->verb], "path", path, "label", label,
	              "done", done, "may", p && (p->roles & c->roles) != 0, "danger", c->danger,
	              "args", args);
	if (o)
		json_object_set_new(o, "when",
		                    c->when && sf ? describe_when(sf, c->when) : json_null());
	return o;
}

json_t *reg_describe(struct model *m, const struct principal *p)
{
	json_t *arr = json_array();
	char label[128], intro[128], path[128];

	(void)m;
	for (size_t i = 0; arr && reg_all[i]; i++) {
		const struct register_def *d = reg_all[i];
		json_t *fields, *cmds, *o;

		if (!p || !(p->roles & d->read_roles))
			continue; /* before the arrays: a skipped register leaks nothing */
		fields = json_array();
		cmds = json_array();
		for (const struct reg_field *f = d->fields; fields && f->name; f++)
			json_array_append_new(fields, describe_field(d, f, p));
		for (const struct reg_cmd *c = d->cmds; cmds && c->name; c++)
			json_array_append_new(cmds, describe_cmd(d, c, p));
		snprintf(label, sizeof(label), "regdef.%s.title", d->name);
		snprintf(intro, sizeof(intro), "regdef.%s.intro", d->name);
		snprintf(path, sizeof(path), "/api/v1/%s", d->name);
		o = json_pack("{s:s, s:s, s:s, s:s?, s:s, s:s, s:s, s:s, s:o, s:o}", "name",
		              d->name, "one", d->one, "path", path, "slug", d->slug, "paragraph",
		              d->paragraph ? d->paragraph : "", "display",
		              d->display ? d->display : "id", "label", label, "intro", intro,
		              "fields", fields, "commands", cmds);
		/* the create command an import runs (register_io.h), or null */
		if (o)
			json_object_set_new(o, "import",
			                    d->import ? json_string(d->import) : json_null());
		json_array_append_new(arr, o);
	}
	return arr;
}
