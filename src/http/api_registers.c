/*
 * The routes of the registers defined as data (model/register.h): for each,
 * GET /api/v1/<name> (the list, its filters as query fields), GET
 * /api/v1/<name>/{id}, and one route per command, all answered by the
 * generic handlers below. Their field tables are made from the definition, so
 * the router's checks, the OpenAPI document and the authorisation matrix test
 * see them like any other route.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/api.h"
#include "model/register.h"
#include "model/register_io.h"

#include <sodium.h>

static enum api_type api_type_of(const struct reg_field *f)
{
	switch (f->type) {
	case REG_TEXT:
		return API_TEXT;
	case REG_INT:
	case REG_REF:
		return API_INT;
	case REG_BOOL:
		return API_BOOL;
	case REG_DATE:
		return API_DATE;
	case REG_CLASS:
		return API_CLASS;
	case REG_IDS:
		return API_IDS;
	case REG_ENUM:
		return API_ENUM;
	case REG_STRING:
		break;
	}
	return API_STRING;
}

/* The field table of a command's arguments (static lifetime: made once). */
static struct api_field *body_fields(const struct register_def *d, const struct reg_cmd *c)
{
	size_t n = 0, i = 0;
	struct api_field *t;

	while (c->args[n].field)
		n++;
	t = calloc(n + 1, sizeof(*t));
	if (!t)
		abort(); /* at start, before serving: nothing to save */
	for (const struct reg_arg *a = c->args; a->field; a++, i++) {
		const struct reg_field *f = reg_arg_field(d, a);

		t[i] = (struct api_field){
		        .name = a->field,
		        .type = api_type_of(f),
		        .required = (a->flags & REG_A_REQUIRED) != 0,
		        .min = f->min,
		        .max = f->max,
		        .doc = a->doc ? a->doc : f->doc,
		        .values = f->values,
		};
		if (f->type == REG_REF) {
			t[i].min = c->verb != REG_CREATE && (a->flags & REG_A_CLEAR) ? 0 : 1;
			t[i].max = SK_JSON_MAX_INT;
		}
	}
	return t;
}

/* The list's query fields: the filters. */
static struct api_field *query_fields(const struct register_def *d)
{
	size_t n = 0, i = 0;
	struct api_field *t;

	for (const struct reg_field *f = d->fields; f->name; f++)
		n += (f->flags & REG_F_FILTER) != 0;
	t = calloc(n + 1, sizeof(*t));
	if (!t)
		abort();
	for (const struct reg_field *f = d->fields; f->name; f++) {
		if (!(f->flags & REG_F_FILTER))
			continue;
		t[i] = (struct api_field){.name = f->name,
		                          .type = f->values ? API_ENUM : API_STRING,
		                          .max = f->values ? 0 : 200,
		                          .doc = f->doc,
		                          .values = f->values};
		/* a reference or a number is filtered as one: ?parent_id=3 */
		if (f->type == REG_REF || f->type == REG_INT)
			t[i] = (struct api_field){.name = f->name,
			                          .type = API_INT,
			                          .min = 1,
			                          .max = SK_JSON_MAX_INT,
			                          .doc = f->doc};
		if (f->type == REG_CLASS)
			t[i] = (struct api_field){
			        .name = f->name, .type = API_CLASS, .doc = f->doc};
		i++;
	}
	return t;
}

static const struct api_field no_fields[] = {API_FIELDS_END};

static const char *const v_formats[] = {"csv", "xlsx", NULL};
static const struct api_field q_export[] = {
        {"format", API_ENUM, false, 0, 0, "csv (default; ';', UTF-8 with BOM) or xlsx", v_formats},
        API_FIELDS_END};
/* base64 of REG_IO_MAX_BYTES */
#define XLSX_B64_MAX (((REG_IO_MAX_BYTES + 2) / 3) * 4)
static const struct api_field f_import[] = {
        {"csv", API_TEXT, false, 1, REG_IO_MAX_BYTES,
         "the file as UTF-8 text: a header of the create command's argument names (or CLI "
         "options), then one row per record; ',' or ';'",
         NULL},
        {"xlsx", API_STRING, false, 1, XLSX_B64_MAX,
         "or an Excel workbook in base64 (its first sheet, the same columns)", NULL},
        {"dry_run", API_BOOL, false, 0, 0, "true: check every row, import nothing", NULL},
        API_FIELDS_END};

/* Which register and command each made route serves (the routes do not move once made). */
#define MADE_MAX 256
static struct made {
	const struct api_route *route;
	const struct register_def *def;
	const struct reg_cmd *cmd;
} made[MADE_MAX];
static size_t made_n;

static const struct made *made_of(const struct api_route *r)
{
	for (size_t i = 0; i < made_n; i++) {
		if (made[i].route == r)
			return &made[i];
	}
	abort(); /* only the made routes have these handlers */
}

static void add(struct api_route *out, size_t *n, struct api_route r, const struct register_def *d,
                const struct reg_cmd *c)
{
	if (made_n == MADE_MAX)
		abort(); /* a build-time limit: raise MADE_MAX */
	out[*n] = r;
	made[made_n++] = (struct made){&out[*n], d, c};
	(*n)++;
}

static void h_list(struct api_ctx *c);
static void h_get(struct api_ctx *c);
static void h_cmd(struct api_ctx *c);
static void h_export(struct api_ctx *c);
static void h_import(struct api_ctx *c);

/* a, b, c and d joined, for paths and summaries that live as long as the routes. */
static char *cat4(const char *a, const char *b, const char *c, const char *d)
{
	size_t n = strlen(a) + strlen(b) + strlen(c) + strlen(d) + 1;
	char *p = malloc(n);

	if (!p)
		abort(); /* at start, before serving */
	snprintf(p, n, "%s%s%s%s", a, b, c, d);
	return p;
}

static char *cat3(const char *a, const char *b, const char *c)
{
	return cat4(a, b, c, "");
}

size_t api_register_routes(struct api_route *out, size_t cap)
{
	size_t n = 0;

	for (size_t i = 0; reg_all[i]; i++) {
		const struct register_def *d = reg_all[i];

		if (n + 2 > cap)
			abort(); /* a build-time limit: raise ROUTES_MAX */
		add(out, &n,
		    (struct api_route){
		            "GET", cat3("/api/v1/", d->name, ""), d->read_roles, 0, NULL,
		            query_fields(d), h_list,
		            cat3("list ", d->title, d->class_col ? " within your clearance" : "")},
		    d, NULL);
		add(out, &n,
		    (struct api_route){"GET", cat3("/api/v1/", d->name, "/{id}"), d->read_roles, 0,
		                       NULL, no_fields, h_get, cat3("one ", d->one, "")},
		    d, NULL);
		if (n + 2 > cap)
			abort();
		add(out, &n,
		    (struct api_route){"GET", cat3("/api/v1/", d->name, "/export"), d->read_roles,
		                       0, NULL, q_export, h_export,
		                       cat3("export ", d->title,
		                            " as CSV or XLSX (the rows you may read); logged as "
		                            "export.made")},
		    d, NULL);
		if (d->import) {
			const struct reg_cmd *ic = reg_cmd_find(d, d->import);

			add(out, &n,
			    (struct api_route){"POST", cat3("/api/v1/", d->name, "/import"),
			                       ic->roles, 0, f_import, no_fields, h_import,
			                       cat3("import ", d->title,
			                            " from CSV or XLSX: each row is the create "
			                            "command's arguments; all or nothing; at most "
			                            "2000 rows and 512 KiB; dry_run checks only")},
			    d, ic);
		}
		for (const struct reg_cmd *c = d->cmds; c->name; c++) {
			const char *path;

			if (n + 1 > cap)
				abort();
			if (c->verb == REG_CREATE)
				path = cat3("/api/v1/", d->name, "");
			else if (c->verb == REG_UPDATE)
				path = cat3("/api/v1/", d->name, "/{id}");
			else
				path = cat4("/api/v1/", d->name, "/{id}/", c->path);
			add(out, &n,
			    (struct api_route){c->verb == REG_UPDATE ? "PATCH" : "POST", path,
			                       c->roles, 0, body_fields(d, c), no_fields, h_cmd,
			                       c->summary},
			    d, c);
		}
	}
	return n;
}

/* ---- the handlers ---- */

static void reply_one(struct api_ctx *c, unsigned status, json_t *obj)
{
	const struct register_def *d = made_of(c->route)->def;

	if (obj && d->reply)
		obj = d->reply(api_model(c->api), &c->p, obj);
	else if (obj)
		obj = json_pack("{s:o}", d->one, obj);
	if (!obj) {
		api_errorr(c, 404, "not_found", "id", "record.not_found",
		           json_pack("{s:s}", "register", d->name), "no %s %lld", d->one,
		           (long long)c->id);
		return;
	}
	api_reply(c, status, obj);
}

static void h_list(struct api_ctx *c)
{
	const struct register_def *d = made_of(c->route)->def;
	json_t *arr = reg_list(api_model(c->api), &c->p, d, c->query);

	if (!arr) {
		api_fail(c, SK_EIO, NULL);
		return;
	}
	api_reply(c, 200, json_pack("{s:o}", d->name, arr));
}

static void h_get(struct api_ctx *c)
{
	reply_one(c, 200, reg_get(api_model(c->api), &c->p, made_of(c->route)->def, c->id));
}

static void h_cmd(struct api_ctx *c)
{
	const struct register_def *d = made_of(c->route)->def;
	const struct reg_cmd *cmd = made_of(c->route)->cmd;
	struct model_err err = {0};
	int64_t id = c->id;
	int rc = reg_exec(api_model(c->api), &c->p, d, cmd, c->body, &id, &err);

	if (rc) {
		api_fail(c, rc, &err);
		return;
	}
	c->id = id;
	reply_one(c, cmd->verb == REG_CREATE ? 201 : 200, reg_get(api_model(c->api), &c->p, d, id));
}

static void h_export(struct api_ctx *c)
{
	const struct register_def *d = made_of(c->route)->def;
	const char *f = json_string_value(json_object_get(c->query, "format"));
	bool xlsx = f && !strcmp(f, "xlsx");
	struct model_err err = {0};
	char today[11], disp[160];
	int rc;

	rc = reg_export(api_model(c->api), &c->p, d, xlsx ? REG_IO_XLSX : REG_IO_CSV,
	                &c->resp->body, &err);
	if (rc) {
		buf_reset(&c->resp->body);
		api_fail(c, rc, &err);
		return;
	}
	model_today(today);
	snprintf(disp, sizeof(disp), "attachment; filename=\"%s-%s.%s\"", d->name, today,
	         xlsx ? "xlsx" : "csv");
	c->resp->status = 200;
	c->resp->content_type =
	        xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	             : "text/csv; charset=utf-8";
	http_resp_header(c->resp, "Content-Disposition", disp);
	http_resp_header(c->resp, "Cache-Control", "no-store");
}

static void h_import(struct api_ctx *c)
{
	const struct register_def *d = made_of(c->route)->def;
	json_t *csv = json_object_get(c->body, "csv"), *xlsx = json_object_get(c->body, "xlsx");
	bool dry = json_is_true(json_object_get(c->body, "dry_run"));
	struct model_err err = {0};
	json_t *report = NULL, *o;
	unsigned char *bin = NULL;
	const char *data;
	size_t len;
	int rc;

	if (!csv == !xlsx) {
		api_errorr(c, 400, "invalid_field", "csv", "regio.one_file", NULL,
		           "give the file as csv or as xlsx (base64), one of them");
		return;
	}
	if (xlsx) {
		size_t cap = json_string_length(xlsx) / 4 * 3 + 3;

		bin = malloc(cap);
		if (!bin) {
			api_fail(c, SK_ENOMEM, NULL);
			return;
		}
		if (sodium_base642bin(bin, cap, json_string_value(xlsx), json_string_length(xlsx),
		                      "\r\n", &len, NULL, sodium_base64_VARIANT_ORIGINAL)) {
			free(bin);
			api_errorr(c, 400, "invalid_field", "xlsx", "regio.base64", NULL,
			           "xlsx: the workbook in base64");
			return;
		}
		data = (const char *)bin;
	} else {
		data = json_string_value(csv);
		len = json_string_length(csv);
	}
	rc = reg_import(api_model(c->api), &c->p, d, data, len, dry, &report, &err);
	free(bin);
	if (rc == SK_OK) {
		api_reply(c, dry ? 200 : 201, report);
		return;
	}
	if (!report) {
		api_fail(c, rc, &err);
		return;
	}
	/* a bad row: the error names the first; "results" says every row */
	o = json_pack("{s:{s:s, s:s, s:s?, s:s, s:s}, s:O, s:O}", "error", "code", "invalid_field",
	              "message", err.msg, "field", err.field[0] ? err.field : NULL, "reason",
	              "import.refused", "params", err.params[0] ? err.params : "{}", "results",
	              json_object_get(report, "results"), "errors",
	              json_object_get(report, "errors"));
	json_decref(report);
	if (o)
		json_object_set_new(json_object_get(o, "error"), "params",
		                    json_loads(err.params[0] ? err.params : "{}", 0, NULL));
	if (!o) {
		api_fail(c, rc, &err);
		return;
	}
	api_reply(c, 400, o);
}

void api_h_registers(struct api_ctx *c)
{
	json_t *arr = reg_describe(api_model(c->api), &c->p);

	if (!arr) {
		api_fail(c, SK_EIO, NULL);
		return;
	}
	api_reply(c, 200, json_pack("{s:o}", "registers", arr));
}
