/*
 * The router: match the route, authenticate (cookie or bearer), check the
 * role and the CSRF token, validate the body and the query against the
 * route's field tables, call the handler, map errors to JSON.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "http/api.h"
#include "rules/rules.h"

#define COOKIE "__Host-skydd"

struct api {
	struct store *store;
	struct model *model;
	struct api_opts opts;
	char dir[4096];
};

int api_new(struct store *s, struct model *m, const struct api_opts *o, struct api **out)
{
	struct api *a = calloc(1, sizeof(*a));

	if (!a)
		return SK_ENOMEM;
	a->store = s;
	a->model = m;
	if (o)
		a->opts = *o;
	snprintf(a->dir, sizeof(a->dir), "%s", o && o->dir ? o->dir : ".");
	*out = a;
	return SK_OK;
}

void api_free(struct api *a)
{
	free(a);
}

struct remind *api_remind(struct api *a)
{
	return a->opts.remind;
}

struct seclog_recv *api_seclog_recv(struct api *a)
{
	return a->opts.recv;
}

struct seclog_index *api_seclog_index(struct api *a)
{
	return a->opts.index;
}

struct seclog *api_seclog_store(struct api *a)
{
	return a->opts.seclog;
}

struct model *api_model(struct api *a)
{
	return a->model;
}

struct store *api_store(struct api *a)
{
	return a->store;
}

const char *api_dir(struct api *a)
{
	return a->dir;
}

/* ---- replies ---- */

void api_reply(struct api_ctx *c, unsigned status, json_t *v)
{
	char *s = NULL;

	c->resp->status = status;
	if (v)
		s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(v);
	if (v && !s) {
		c->resp->status = 500;
		buf_puts(&c->resp->body, "{\"error\":{\"code\":\"internal\",\"message\":\"out of "
		                         "memory\",\"field\":null}}");
		return;
	}
	if (s) {
		buf_puts(&c->resp->body, s);
		free(s);
	}
}

/*
 * The one error body: {"error":{"code","message","field"[,"reason"][,"params"]}}.
 * params is taken over; the English message is for API and CLI users, the
 * UI says reason and params in its own language.
 */
static void error_reply(struct api_ctx *c, unsigned status, const char *code, const char *field,
                        const char *reason, json_t *params, char *msg)
{
	size_t n = strlen(msg);
	json_t *v, *e;

	/* A message cut short may end inside a UTF-8 sequence, which jansson refuses. */
	while (n > 0 && !sk_utf8_valid(msg, n))
		msg[--n] = '\0';
	buf_reset(&c->resp->body);
	v = json_pack("{s:{s:s, s:s, s:s?}}", "error", "code", code, "message", msg, "field",
	              field && *field ? field : NULL);
	e = json_object_get(v, "error");
	if (e && reason && *reason)
		json_object_set_new(e, "reason", json_string(reason));
	if (e && reason && *reason && json_is_object(params) && json_object_size(params))
		json_object_set(e, "params", params);
	json_decref(params);
	if (!v) /* still an error in JSON, never an empty body */
		v = json_pack("{s:{s:s, s:s, s:n}}", "error", "code", code, "message",
		              "the request had text that is not UTF-8", "field");
	api_reply(c, status, v);
}

void api_error(struct api_ctx *c, unsigned status, const char *code, const char *field,
               const char *fmt, ...)
{
	char msg[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	error_reply(c, status, code, field, NULL, NULL, msg);
}

void api_errorr(struct api_ctx *c, unsigned status, const char *code, const char *field,
                const char *reason, json_t *params, const char *fmt, ...)
{
	char msg[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	error_reply(c, status, code, field, reason, params, msg);
}

/* How each error code answers (docs/api.md lists the same). */
static const struct {
	int rc;
	unsigned status;
	const char *code;
	bool field; /* the model's field is meaningful */
} failures[] = {
        {SK_EINVAL, 400, "invalid_field", true},  {SK_ERANGE, 400, "invalid_field", true},
        {SK_ETOOBIG, 413, "too_large", true},     {SK_EAUTH, 401, "bad_credentials", true},
        {SK_EPERM, 403, "forbidden", true},       {SK_ENOTFOUND, 404, "not_found", true},
        {SK_EEXIST, 409, "conflict", true},       {SK_ERULE, 422, "rule", true},
        {SK_ETHROTTLED, 429, "throttled", false}, {SK_EBUSY, 503, "unavailable", false},
};

void api_fail(struct api_ctx *c, int rc, const struct model_err *err)
{
	char msg[300], ra[16];

	snprintf(msg, sizeof(msg), "%s", err && err->msg[0] ? err->msg : sk_strerror(rc));
	if (rc == SK_ETHROTTLED || rc == SK_EBUSY) {
		snprintf(ra, sizeof(ra), "%d", err && err->retry_after > 0 ? err->retry_after : 1);
		http_resp_header(c->resp, "Retry-After", ra);
	}
	if (rc == SK_EBUSY)
		snprintf(msg, sizeof(msg), "the server is shutting down or busy");
	for (size_t i = 0; i < sizeof(failures) / sizeof(failures[0]); i++) {
		if (failures[i].rc == rc) {
			/* Parameters that do not parse are left out, the reason still goes. */
			error_reply(c, failures[i].status, failures[i].code,
			            failures[i].field && err ? err->field : NULL,
			            err ? err->reason : NULL,
			            err && err->params[0] ? json_loads(err->params, 0, NULL) : NULL,
			            msg);
			return;
		}
	}
	api_error(c, 500, "internal", NULL, "internal error: %s (nothing was changed)",
	          sk_strerror(rc));
}

/* ---- matching ---- */

/*
 * Matches path against pattern; {id} takes a positive decimal integer, {ref}
 * 1..API_REF_MAX digits and dots (a measure's number like 1.1.17, or an id).
 */
static bool match(const char *pattern, const char *path, int64_t *id, char *ref)
{
	while (*pattern && *path) {
		if (strncmp(pattern, "{ref}", 5) == 0) {
			size_t n = 0;

			while ((*path >= '0' && *path <= '9') || *path == '.') {
				if (n >= API_REF_MAX)
					return false;
				ref[n++] = *path++;
			}
			if (n == 0)
				return false;
			ref[n] = '\0';
			pattern += 5;
			continue;
		}
		if (strncmp(pattern, "{id}", 4) == 0) {
			int64_t v = 0;
			int digits = 0;

			if (*path < '1' || *path > '9')
				return false;
			while (*path >= '0' && *path <= '9') {
				if (++digits > 16)
					return false;
				v = v * 10 + (*path++ - '0');
			}
			if (v >= SK_JSON_MAX_INT)
				return false;
			*id = v;
			pattern += 4;
			continue;
		}
		if (*pattern++ != *path++)
			return false;
	}
	return *pattern == '\0' && *path == '\0';
}

/* ---- validation ---- */

static bool has_control(const char *s, bool newlines)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if ((ch < 0x20 && !(newlines && (ch == '\n' || ch == '\r' || ch == '\t'))) ||
		    ch == 0x7f)
			return true;
	}
	return false;
}

/* Why a value failed its field: the English message, the UI's reason and its params. */
struct field_err {
	char msg[200];
	const char *reason;
	json_t *params;
};

static bool bad(struct field_err *fe, const char *reason, json_t *params, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

static bool bad(struct field_err *fe, const char *reason, json_t *params, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(fe->msg, sizeof(fe->msg), fmt, ap);
	va_end(ap);
	fe->reason = reason;
	json_decref(fe->params);
	fe->params = params;
	return false;
}

static json_t *range_params(int64_t min, int64_t max)
{
	return json_pack("{s:I, s:I}", "min", (json_int_t)min, "max", (json_int_t)max);
}

#define ROLE_VALUES      "chief, ssc, registrar, admin, staff, auditor"
#define CLEARANCE_VALUES "none, BH, K, H, KH"

/* Checks one value against its field; on failure fills fe. */
static bool field_ok(const struct api_field *f, json_t *v, struct field_err *fe)
{
	const char *s;
	size_t n;

	switch (f->type) {
	case API_STRING:
	case API_TEXT:
	case API_SECRET:
		if (!json_is_string(v))
			return bad(fe, "field.type", json_pack("{s:s}", "type", "string"),
			           "%s: must be a string", f->name);
		n = json_string_length(v);
		if ((int64_t)n < f->min || (int64_t)n > f->max)
			return bad(fe, (int64_t)n < f->min ? "field.too_short" : "field.too_long",
			           (int64_t)n < f->min
			                   ? json_pack("{s:I}", "min", (json_int_t)f->min)
			                   : json_pack("{s:I}", "max", (json_int_t)f->max),
			           "%s: must be %lld..%lld bytes", f->name, (long long)f->min,
			           (long long)f->max);
		if (f->type != API_SECRET && has_control(json_string_value(v), f->type == API_TEXT))
			return bad(fe, "field.text", NULL,
			           "%s: must not contain control characters", f->name);
		return true;
	case API_INT:
		if (!json_is_integer(v))
			return bad(fe, "field.type", json_pack("{s:s}", "type", "integer"),
			           "%s: must be an integer %lld..%lld", f->name, (long long)f->min,
			           (long long)f->max);
		if (json_integer_value(v) < f->min || json_integer_value(v) > f->max)
			return bad(fe, "field.range", range_params(f->min, f->max),
			           "%s: must be an integer %lld..%lld", f->name, (long long)f->min,
			           (long long)f->max);
		return true;
	case API_BOOL:
		if (!json_is_boolean(v))
			return bad(fe, "field.type", json_pack("{s:s}", "type", "boolean"),
			           "%s: must be true or false", f->name);
		return true;
	case API_DATE:
		if (!json_is_string(v) || !model_date_valid(json_string_value(v)))
			return bad(fe, "field.date", NULL, "%s: must be a date YYYY-MM-DD",
			           f->name);
		return true;
	case API_TIME: {
		int64_t t;

		s = json_string_value(v);
		if (!s || sk_time_parse(s, strlen(s), &t) != SK_OK)
			return bad(fe, "field.time", NULL, "%s: must be an RFC 3339 time", f->name);
		return true;
	}
	case API_ROLE:
		if (!json_is_string(v) || role_parse(json_string_value(v)) < 0)
			return bad(fe, "field.enum", json_pack("{s:s}", "values", ROLE_VALUES),
			           "%s: must be one of " ROLE_VALUES, f->name);
		return true;
	case API_ROLES: {
		size_t i;
		json_t *x;

		if (!json_is_array(v))
			return bad(fe, "field.type", json_pack("{s:s}", "type", "list"),
			           "%s: must be a list of 1..%d roles", f->name, ROLE_COUNT);
		if (json_array_size(v) == 0 || json_array_size(v) > ROLE_COUNT)
			return bad(fe, "field.range", range_params(1, ROLE_COUNT),
			           "%s: must be a list of 1..%d roles", f->name, ROLE_COUNT);
		json_array_foreach(v, i, x)
		{
			if (!json_is_string(x) || role_parse(json_string_value(x)) < 0)
				return bad(fe, "field.enum",
				           json_pack("{s:s}", "values", ROLE_VALUES),
				           "%s[%zu]: not a role", f->name, i);
		}
		return true;
	}
	case API_CLEARANCE:
		if (!json_is_string(v) || clearance_parse(json_string_value(v)) < 0)
			return bad(fe, "field.enum", json_pack("{s:s}", "values", CLEARANCE_VALUES),
			           "%s: must be one of " CLEARANCE_VALUES, f->name);
		return true;
	case API_CLASS:
		if (!json_is_string(v) || clearance_parse(json_string_value(v)) <= CLEAR_NONE)
			return bad(fe, "field.class", NULL, "%s: must be one of BH, K, H, KH",
			           f->name);
		return true;
	case API_ENUM:
		s = json_string_value(v);
		for (const char *const *e = f->values; s && e && *e; e++) {
			if (strcmp(s, *e) == 0)
				return true;
		}
		return bad(fe, "field.enum", json_pack("{s:s}", "values", f->doc ? f->doc : ""),
		           "%s: must be one of %s", f->name, f->doc ? f->doc : "");
	case API_IDS: {
		size_t i, j;
		json_t *x;

		if (!json_is_array(v))
			return bad(fe, "field.type", json_pack("{s:s}", "type", "list"),
			           "%s: must be a list of %lld..%lld ids", f->name,
			           (long long)f->min, (long long)f->max);
		if ((int64_t)json_array_size(v) < f->min || (int64_t)json_array_size(v) > f->max)
			return bad(fe, "field.range", range_params(f->min, f->max),
			           "%s: must be a list of %lld..%lld ids", f->name,
			           (long long)f->min, (long long)f->max);
		json_array_foreach(v, i, x)
		{
			if (!json_is_integer(x) || json_integer_value(x) < 1 ||
			    json_integer_value(x) >= SK_JSON_MAX_INT)
				return bad(fe, "field.type", json_pack("{s:s}", "type", "integer"),
				           "%s[%zu]: must be a positive integer", f->name, i);
			for (j = 0; j < i; j++) {
				if (json_integer_value(json_array_get(v, j)) ==
				    json_integer_value(x))
					return bad(fe, "field.duplicate", NULL,
					           "%s[%zu]: a duplicate", f->name, i);
			}
		}
		return true;
	}
	case API_JSON:
		if (json_is_array(v))
			n = json_array_size(v);
		else if (json_is_object(v))
			n = json_object_size(v);
		else
			return bad(fe, "field.type", json_pack("{s:s}", "type", "list"),
			           "%s: must be a JSON array or object", f->name);
		if ((int64_t)n < f->min || (int64_t)n > f->max)
			return bad(fe, "field.range", range_params(f->min, f->max),
			           "%s: must have %lld..%lld items", f->name, (long long)f->min,
			           (long long)f->max);
		return true;
	}
	return bad(fe, "field.type", NULL, "%s: not a known type", f->name);
}

static const struct api_field *field_find(const struct api_field *fs, const char *name)
{
	for (; fs && fs->name; fs++) {
		if (strcmp(fs->name, name) == 0)
			return fs;
	}
	return NULL;
}

/* Validates obj against fields: unknown, missing, wrong. Returns false after replying. */
static bool validate_object(struct api_ctx *c, json_t *obj, const struct api_field *fields,
                            const char *what)
{
	const struct api_field *f;
	struct field_err fe = {"", NULL, NULL};
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v)
	{
		f = field_find(fields, key);
		if (!f) {
			api_errorr(c, 400, "invalid_field", key, "field.unknown", NULL,
			           "%s: unknown %s field", key, what);
			return false;
		}
		if (!field_ok(f, v, &fe)) {
			api_errorr(c, 400, "invalid_field", key, fe.reason, fe.params, "%s",
			           fe.msg);
			return false;
		}
	}
	for (f = fields; f && f->name; f++) {
		if (f->required && !json_object_get(obj, f->name)) {
			api_errorr(c, 400, "missing_field", f->name, "field.required", NULL,
			           "%s: required", f->name);
			return false;
		}
	}
	return true;
}

struct query_conv {
	struct api_ctx *c;
	json_t *obj;
	bool failed;
};

/* Turns query strings into typed JSON values (integers, booleans) before validation. */
static int query_one(void *ctx, const char *key, const char *value)
{
	struct query_conv *q = ctx;
	const struct api_field *f = field_find(q->c->route->query, key);
	json_t *v;

	if (q->failed)
		return 1;
	if (!sk_utf8_valid(key, strlen(key))) {
		api_errorr(q->c, 400, "invalid_field", NULL, "field.text", NULL,
		           "a query parameter name must be UTF-8");
		q->failed = true;
		return 1;
	}
	if (!f) {
		api_errorr(q->c, 400, "invalid_field", key, "field.unknown", NULL,
		           "%s: unknown query parameter", key);
		q->failed = true;
		return 1;
	}
	if (!value || !sk_utf8_valid(value, strlen(value))) {
		api_errorr(q->c, 400, "invalid_field", key, "field.text", NULL,
		           "%s: must be UTF-8 text", key);
		q->failed = true;
		return 1;
	}
	if (f->type == API_INT) {
		char *end = NULL;
		long long n;

		errno = 0;
		n = strtoll(value, &end, 10);
		if (errno || !*value || *end || (*value < '0' || *value > '9'))
			v = json_string(value); /* fails validation with the right message */
		else
			v = json_integer(n);
	} else {
		v = json_string(value);
	}
	if (!v || json_object_get(q->obj, key)) {
		json_decref(v);
		api_errorr(q->c, 400, "invalid_field", key, "field.duplicate", NULL,
		           "%s: given twice", key);
		q->failed = true;
		return 1;
	}
	json_object_set_new(q->obj, key, v);
	return 0;
}

static bool parse_query(struct api_ctx *c)
{
	struct query_conv q = {c, json_object(), false};

	if (!q.obj)
		return api_fail(c, SK_ENOMEM, NULL), false;
	http_req_query_each(c->req, query_one, &q);
	c->query = q.obj;
	if (q.failed)
		return false;
	return validate_object(c, q.obj, c->route->query, "query");
}

static bool parse_body(struct api_ctx *c)
{
	const char *ct = http_req_header(c->req, "Content-Type");
	char field[64] = "", msg[160] = "";
	json_t *v;

	if (!c->route->body) {
		if (c->req->body_len) {
			api_errorr(c, 400, "invalid_field", NULL, "body.none", NULL,
			           "this request takes no body");
			return false;
		}
		return true;
	}
	if (c->req->body_len == 0) {
		c->body = json_object();
		return validate_object(c, c->body, c->route->body, "body");
	}
	if (!ct || strncmp(ct, "application/json", 16) != 0 || (ct[16] && ct[16] != ';')) {
		api_errorr(c, 415, "unsupported_media_type", NULL, "body.media_type", NULL,
		           "send the body as application/json");
		return false;
	}
	v = sk_json_parse(c->req->body, c->req->body_len, HTTP_MAX_DEPTH, field, sizeof(field), msg,
	                  sizeof(msg));
	if (!v) {
		api_errorr(c, 400, field[0] ? "invalid_field" : "bad_json", field, "body.json",
		           NULL, "%s%s%s", field[0] ? field : "", field[0] ? ": " : "", msg);
		return false;
	}
	if (!json_is_object(v)) {
		json_decref(v);
		api_errorr(c, 400, "bad_json", NULL, "body.json", NULL,
		           "the body must be a JSON object");
		return false;
	}
	c->body = v;
	return validate_object(c, v, c->route->body, "body");
}

/* ---- authentication ---- */

static const char *bearer_of(const struct http_req *req)
{
	const char *h = http_req_header(req, "Authorization");

	/* the scheme is case-insensitive (RFC 9110 11.1) */
	if (h && strncasecmp(h, "Bearer ", 7) == 0)
		return h + 7;
	return NULL;
}

static int authenticate(struct api *a, const struct http_req *req, struct principal *p)
{
	const char *bearer = bearer_of(req);

	if (bearer)
		return model_authenticate(a->model, bearer, false, p);
	return model_authenticate(a->model, http_req_cookie(req, COOKIE), true, p);
}

size_t api_body_limit(void *ctx, const struct http_req *req)
{
	struct api *a = ctx;
	struct principal p;

	size_t limit;

	if (!bearer_of(req) && !http_req_cookie(req, COOKIE))
		return HTTP_MAX_BODY_ANON;
	/*
	 * Without Content-Length or Transfer-Encoding a request has no body
	 * (RFC 9112 6.3), so the limit is moot: skip authenticating it here,
	 * which would double the cost of every GET (api_handle does it anyway).
	 */
	if (!http_req_header(req, "Content-Length") && !http_req_header(req, "Transfer-Encoding"))
		return HTTP_MAX_BODY_ANON;
	limit = authenticate(a, req, &p) == SK_OK ? HTTP_MAX_BODY : HTTP_MAX_BODY_ANON;
	sodium_memzero(&p, sizeof(p));
	return limit;
}

static bool state_changing(const char *method)
{
	return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

/*
 * Did this request's access rest on a privileged role alone (4 kap. 27 §)?
 * An identity that holds the route through another role too is not using
 * its privileged right.
 */
static bool privileged_use(const struct api_route *r, const struct principal *p)
{
	unsigned priv = model_privileged_roles();

	if ((r->flags & API_PUBLIC) || r->roles == ROLES_ANY)
		return false;
	return (r->roles & p->roles & priv) && !(r->roles & p->roles & ~priv);
}

/* ---- static files ---- */

static void serve_static(struct http_req *req, struct http_resp *resp)
{
	const unsigned char *data;
	const char *type;
	size_t len;

	if (http_static_lookup(req->path, &data, &len, &type) != SK_OK) {
		resp->status = 404;
		buf_puts(&resp->body, "{\"error\":{\"code\":\"not_found\",\"message\":\"no such "
		                      "page\",\"field\":null}}");
		return;
	}
	resp->status = 200;
	resp->content_type = type;
	resp->static_body = data;
	resp->static_len = len;
}

/* ---- dispatch ---- */

/* The methods the table has for path, for a 405's Allow (HEAD goes with GET). */
static void allow_of(const char *path, char *out, size_t cap)
{
	const struct api_route *r;
	size_t n = 0;
	int64_t id;
	char ref[API_REF_MAX + 1];

	out[0] = '\0';
	for (r = api_routes(NULL); r->method; r++) {
		if (!match(r->pattern, path, &id, ref))
			continue;
		n += (size_t)snprintf(out + n, cap - n, "%s%s%s", n ? ", " : "", r->method,
		                      strcmp(r->method, "GET") == 0 ? ", HEAD" : "");
		if (n >= cap) {
			out[0] = '\0';
			return;
		}
	}
}

void api_handle(void *ctx, struct http_req *req, struct http_resp *resp)
{
	struct api *a = ctx;
	const struct api_route *r, *path_match = NULL;
	struct api_ctx c;
	bool is_api = strncmp(req->path, "/api/", 5) == 0 || strcmp(req->path, "/healthz") == 0;
	const char *method = strcmp(req->method, "HEAD") == 0 ? "GET" : req->method;
	int rc;

	memset(&c, 0, sizeof(c));
	c.api = a;
	c.req = req;
	c.resp = resp;
	for (r = api_routes(NULL); r->method; r++) {
		int64_t id = 0;
		char ref[API_REF_MAX + 1] = "";

		if (!match(r->pattern, req->path, &id, ref))
			continue;
		path_match = r;
		if (strcmp(r->method, method) == 0) {
			c.route = r;
			c.id = id;
			memcpy(c.ref, ref, sizeof(c.ref));
			break;
		}
	}
	if (!c.route) {
		if (!is_api && strcmp(method, "GET") == 0) {
			serve_static(req, resp);
		} else if (path_match) {
			char allow[128];

			allow_of(req->path, allow, sizeof(allow));
			http_resp_header(resp, "Allow", allow);
			api_errorr(&c, 405, "method_not_allowed", NULL, "request.method", NULL,
			           "%s is not allowed here", req->method);
		} else {
			api_errorr(&c, 404, "not_found", NULL, "request.route", NULL,
			           "no such route");
		}
		return;
	}

	if (!(c.route->flags & API_PUBLIC) || bearer_of(req) || http_req_cookie(req, COOKIE)) {
		rc = authenticate(a, req, &c.p);
		if (rc && !(c.route->flags & API_PUBLIC)) {
			api_errorr(&c, 401, "unauthenticated", NULL, "session.none", NULL,
			           "log in first (the session may have expired)");
			goto out;
		}
		if (rc)
			memset(&c.p, 0, sizeof(c.p));
	}
	req->actor = c.p.id ? c.p.id : -1; /* 0 would read as the system */
	req->token = c.p.token_id;
	if (!(c.route->flags & API_PUBLIC) && c.route->roles != ROLES_ANY &&
	    !(c.p.roles & c.route->roles)) {
		api_errorr(&c, 403, "forbidden", NULL, "access.role", NULL,
		           "your roles do not allow this");
		goto out;
	}
	if (c.p.id && c.p.cookie && state_changing(req->method) &&
	    !model_csrf_ok(a->model, &c.p, http_req_header(req, "X-CSRF-Token"))) {
		api_errorr(&c, 403, "csrf", NULL, "session.csrf", NULL,
		           "missing or wrong X-CSRF-Token");
		goto out;
	}
	if (!parse_query(&c) || !parse_body(&c))
		goto out;
	c.route->handler(&c);
	if (c.p.touch && resp->status < 400)
		model_session_touch(a->model, &c.p);
	if (resp->status < 400 && privileged_use(c.route, &c.p))
		model_log_privileged_use(a->model, &c.p, req->method, c.route->pattern,
		                         resp->status ? resp->status : 200);
	/*
	 * A write may have made a finding disappear: the deviations made from it are
	 * marked done now, before the reply, so that no read ever has to write.
	 */
	if (resp->status < 400 && state_changing(req->method))
		rules_sync_deviations(a->model, NULL);
out:
	json_decref(c.body);
	json_decref(c.query);
	sodium_memzero(&c.p, sizeof(c.p));
}
