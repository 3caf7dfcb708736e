/*
 * Import and export of the register over the API: a CSV file (as text in
 * JSON) imported all-or-nothing or dry-run, the 3 kap. 10 § register as CSV
 * or XLSX (a download, logged as export.made), and the print view as JSON.
 */
#include <stdio.h>
#include <string.h>

#include "http/api.h"
#include "model/io.h"

#define R(x)      API_ROLE_BIT(x)
#define WRITERS   (R(REGISTRAR) | R(SSC))
#define EXPORTERS (R(REGISTRAR) | R(SSC) | R(AUDITOR) | R(CHIEF))

/* The JSON body is at most 1 MiB: the text, its quotes and the rest of the object. */
#define CSV_MAX (HTTP_MAX_BODY - 576)

static const char *const v_copy_state[] = {"in_register", "issued",   "returned",  "shipped",
                                           "lost",        "archived", "destroyed", NULL};

static const struct api_field f_none[] = {API_FIELDS_END};

static const struct api_field f_import[] = {
        {"csv", API_TEXT, true, 1, CSV_MAX,
         "the file as UTF-8 text (docs/guide/io.md: columns beteckning, titel, klass, form …)",
         NULL},
        {"dry_run", API_BOOL, false, 0, 0, "true: check everything, import nothing", NULL},
        API_FIELDS_END};

/* The register's filters: the export's query, and the print view's before its paging. */
#define FILTER_CLASS                                                                               \
	{                                                                                          \
		"class", API_CLASS, false, 0, 0, "only this class: BH K H KH", NULL                \
	}
#define FILTER_STATE                                                                               \
	{                                                                                          \
		"state", API_ENUM, false, 0, 0,                                                    \
		        "only copies in this state: in_register issued returned shipped lost "     \
		        "archived destroyed",                                                      \
		        v_copy_state                                                               \
	}
#define FILTER_HOLDER                                                                              \
	{                                                                                          \
		"holder", API_INT, false, 1, SK_JSON_MAX_INT - 1,                                  \
		        "only copies held by this person", NULL                                    \
	}

static const struct api_field q_export[] = {FILTER_CLASS, FILTER_STATE, FILTER_HOLDER,
                                            API_FIELDS_END};

/* The print view pages by a keyset cursor: the export's filters plus limit and after. */
static const struct api_field q_register[] = {
        FILTER_CLASS,
        FILTER_STATE,
        FILTER_HOLDER,
        {"limit", API_INT, false, 1, IO_REGISTER_LIMIT_MAX, "documents per page, default 100",
         NULL},
        {"after", API_STRING, false, 1, 64, "the previous page's next value", NULL},
        API_FIELDS_END};

static void filter_of(struct api_ctx *c, struct io_export_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->cls = json_string_value(json_object_get(c->query, "class"));
	f->state = json_string_value(json_object_get(c->query, "state"));
	f->holder = json_integer_value(json_object_get(c->query, "holder"));
}

static void h_import(struct api_ctx *c)
{
	json_t *csv = json_object_get(c->body, "csv"), *report = NULL, *o;
	bool dry = json_is_true(json_object_get(c->body, "dry_run"));
	struct model_err err = {0};
	unsigned status;
	const char *code;
	int rc;

	rc = io_import(api_model(c->api), &c->p, json_string_value(csv), json_string_length(csv),
	               dry, &report, &err);
	if (rc == SK_OK) {
		api_reply(c, dry ? 200 : 201, report);
		return;
	}
	if (!report) {
		api_fail(c, rc, &err);
		return;
	}
	/* The error names the first line and field; "problems" lists every one found. */
	switch (rc) {
	case SK_EEXIST:
		status = 409, code = "conflict";
		break;
	case SK_ERULE:
		status = 422, code = "rule";
		break;
	case SK_EPERM:
		status = 403, code = "forbidden";
		break;
	case SK_ETOOBIG:
		status = 413, code = "too_large";
		break;
	default:
		status = 400, code = "invalid_field";
		break;
	}
	/* the UI says the reason; the rows' own problems are in "problems" */
	o = json_pack("{s:{s:s, s:s, s:s, s:s, s:{s:I}}, s:O, s:O, s:O}", "error", "code", code,
	              "message", err.msg, "field", err.field[0] ? err.field : "csv", "reason",
	              "import.refused", "params", "count",
	              (json_int_t)json_array_size(json_object_get(report, "problems")), "problems",
	              json_object_get(report, "problems"), "errors",
	              json_object_get(report, "errors"), "truncated",
	              json_object_get(report, "truncated"));
	json_decref(report);
	if (!o) {
		api_fail(c, rc, &err);
		return;
	}
	api_reply(c, status, o);
}

static void export_as(struct api_ctx *c, enum io_format fmt)
{
	struct io_export_filter f;
	struct model_err err = {0};
	char today[11], disp[96];
	int rc;

	filter_of(c, &f);
	rc = io_export(api_model(c->api), &c->p, fmt, &f, &c->resp->body, &err);
	if (rc) {
		buf_reset(&c->resp->body);
		api_fail(c, rc, &err);
		return;
	}
	model_today(today);
	snprintf(disp, sizeof(disp), "attachment; filename=\"register-%s.%s\"", today,
	         fmt == IO_XLSX ? "xlsx" : "csv");
	c->resp->status = 200;
	c->resp->content_type =
	        fmt == IO_XLSX ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	                       : "text/csv; charset=utf-8";
	http_resp_header(c->resp, "Content-Disposition", disp);
	http_resp_header(c->resp, "Cache-Control", "no-store");
}

static void h_export_csv(struct api_ctx *c)
{
	export_as(c, IO_CSV);
}

static void h_export_xlsx(struct api_ctx *c)
{
	export_as(c, IO_XLSX);
}

static void h_register(struct api_ctx *c)
{
	struct io_export_filter f;
	json_t *page, *limit = json_object_get(c->query, "limit");
	char now[SK_TIME_LEN + 1];

	filter_of(c, &f);
	page = io_register(api_model(c->api), &c->p, &f,
	                   json_string_value(json_object_get(c->query, "after")),
	                   limit ? (unsigned)json_integer_value(limit) : IO_REGISTER_LIMIT);
	if (!page) {
		api_fail(c, SK_EIO, NULL);
		return;
	}
	if (sk_time_format(sk_now_us(), now) != SK_OK)
		now[0] = '\0';
	json_object_set_new(page, "generated_at", json_string(now));
	api_reply(c, 200, page);
}

const struct api_route api_routes_io[] = {
        {"POST", "/api/v1/documents/import", WRITERS, 0, f_import, f_none, h_import,
         "import documents and copies from CSV (all or nothing; dry_run checks only)"},
        {"GET", "/api/v1/documents/export.csv", EXPORTERS, 0, NULL, q_export, h_export_csv,
         "the register (3 kap. 10 §) as CSV, one row per copy; logged as export.made"},
        {"GET", "/api/v1/documents/export.xlsx", EXPORTERS, 0, NULL, q_export, h_export_xlsx,
         "the register (3 kap. 10 §) as an Excel workbook; logged as export.made"},
        {"GET", "/api/v1/register", EXPORTERS, 0, NULL, q_register, h_register,
         "the register's print view: a page of documents with copies and receipts, "
         "in designation order; follow next"},
        API_ROUTES_END,
};
