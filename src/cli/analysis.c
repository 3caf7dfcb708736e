/*
 * skydd analysis / skydd assessment: the security protection analysis
 * (säkerhetsskyddsanalys, PMFS 2022:1 2 kap. 1–11 §§) in versions, its
 * security plan (12 §) and special assessments (13 §) through the API.
 * Content sections come from a JSON file (--file) with the API's fields.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/client.h"

static const char analysis_usage[] =
        "usage: skydd analysis list [--json]\n"
        "       skydd analysis show ID [--json]\n"
        "       skydd analysis new --title TEXT [--class BH|K|H|KH] [--file FILE] [--json]\n"
        "       skydd analysis update ID [--title TEXT] [--class BH|K|H|KH|none]\n"
        "                             [--description TEXT] [--file FILE]\n"
        "       skydd analysis submit ID [--json]\n"
        "       skydd analysis return ID --reason TEXT [--json]\n"
        "       skydd analysis approve ID [--json]\n"
        "       skydd analysis revise ID [--json]\n"
        "       skydd analysis report ID [--json]\n"
        "       skydd analysis export ID --recipient WHO [--reason TEXT] [--output FILE]\n"
        "       skydd analysis deadlines [--json]\n"
        "       skydd analysis plan list|show|new|update|approve …\n\n"
        "The security protection analysis (säkerhetsskyddsanalys, PMFS 2022:1 2 kap.\n"
        "1–11 §§): each ID is a version. The ssc or the head writes; only the head\n"
        "(chief) approves (fastställer, 10 §): the ssc sends a complete draft to the\n"
        "head ('submit', frozen while there), the head approves it or sends it back\n"
        "with a reason ('return'). An approved version is frozen and\n"
        "'revise' makes a new draft from it. The review is due two years after\n"
        "approval. 'export' hands the analysis over (11 §) and is recorded in the\n"
        "ledger. --file FILE holds a JSON object with any of the sections\n"
        "description, parts, assets, sapo, threats, vulnerabilities, measures (see\n"
        "docs/guide/analysis.md). --class gives the analysis's class: it and its plan\n"
        "are shown only to those cleared for it. Every command also takes --url,\n"
        "--cacert, --insecure.\n";

static const char plan_usage[] =
        "usage: skydd analysis plan list [--json]\n"
        "       skydd analysis plan show PLAN [--json]\n"
        "       skydd analysis plan new --analysis ID [--title TEXT] [--json]\n"
        "       skydd analysis plan update PLAN --measure N [--due DATE] [--responsible WHO]\n"
        "                                  [--note TEXT] [--title TEXT] [--json]\n"
        "       skydd analysis plan approve PLAN [--json]\n\n"
        "The security plan (säkerhetsskyddsplan, 2 kap. 12 §): made from an approved\n"
        "analysis, each measure with when (--due) and the responsible function;\n"
        "approved by the ssc (the head when there is none). Items without due date\n"
        "or responsible are refused at approval.\n";

static const char assessment_usage[] =
        "usage: skydd assessment list [--json]\n"
        "       skydd assessment show ID [--json]\n"
        "       skydd assessment new --title TEXT --kind KIND --ref TEXT [--file FILE]\n"
        "       skydd assessment update ID [--title TEXT] [--kind KIND] [--ref TEXT]\n"
        "                                [--file FILE] [--json]\n"
        "       skydd assessment approve ID [--json]\n\n"
        "Special assessments (särskild säkerhetsskyddsbedömning, PMFS 2022:1 2 kap.\n"
        "13 §) before a procedure. KIND: supplier_agreement, outsourcing, transfer or\n"
        "other. --file FILE holds a JSON object with affected [{asset_id, how}],\n"
        "threats [{description}], vulnerabilities [{description, change}], measures\n"
        "[{description}]. Approved by the ssc or the head; refused while parts are\n"
        "missing.\n";

enum { V_A, V_B, V_C, V_D, V_E };

#define COMMON_OPTS                                                                                \
	{"json", no_argument, NULL, 'j'}, {"help", no_argument, NULL, 'h'}, CLIENT_LONG_OPTS,      \
	{                                                                                          \
		NULL, 0, NULL, 0                                                                   \
	}

/* ---- helpers ---- */

static const char *s_or(const json_t *o, const char *key, const char *def)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : def;
}

static bool need_id(const char *cmd, const struct client_args *a, int64_t *id)
{
	if (!a->id || !client_parse_id(a->id, id)) {
		cli_error(CLI_USAGE, "%s: give the id (see 'skydd %s --help')", cmd, cmd);
		return false;
	}
	return true;
}

/* Reads a JSON object from path; NULL after a message. */
static json_t *read_json(const char *cmd, const char *path)
{
	char field[64] = "", msg[160] = "", chunk[8192];
	struct buf b;
	json_t *doc;
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f) {
		cli_error(CLI_USAGE, "%s: cannot open %s", cmd, path);
		return NULL;
	}
	buf_init(&b, 4 * 1024 * 1024);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&b, chunk, n);
	fclose(f);
	if (b.err) {
		buf_release(&b);
		cli_error(CLI_USAGE, "%s: %s is larger than 4 MiB", cmd, path);
		return NULL;
	}
	doc = sk_json_parse(b.ptr ? b.ptr : "", b.len, 32, field, sizeof(field), msg, sizeof(msg));
	buf_release(&b);
	if (!doc || !json_is_object(doc)) {
		cli_error(CLI_USAGE, "%s: %s: %s%s%s", cmd, path, field, field[0] ? ": " : "",
		          doc ? "must be a JSON object" : msg);
		json_decref(doc);
		return NULL;
	}
	return doc;
}

static void put_line(const char *s)
{
	client_puts_safe(s);
	putchar('\n');
}

/* ---- show functions ---- */

static void show_list(json_t *o)
{
	static const char *const head[] = {"ID",   "VERSION",  "STATE",      "CLASS",
	                                   "SENT", "APPROVED", "REVIEW DUE", "TITLE"};
	static const char *const keys[] = {
	        "id",           "version",     "state",           "class",
	        "submitted_at", "approved_on", "next_review_due", "title"};
	json_t *x;
	size_t i;

	/* a version above the reader's clearance has no title: say why */
	json_array_foreach(json_object_get(o, "analyses"), i, x)
	{
		if (json_is_true(json_object_get(x, "hidden")))
			json_object_set_new(x, "title", json_string("(hidden: need-to-know)"));
	}
	client_table_json(json_object_get(o, "analyses"), 8, head, keys, 512);
}

static void show_section(const char *title, json_t *arr, const char *key)
{
	char line[1200];
	json_t *x;
	size_t i;

	snprintf(line, sizeof(line), "\n%s (%zu)", title, json_array_size(arr));
	put_line(line);
	json_array_foreach(arr, i, x)
	{
		snprintf(line, sizeof(line), "  %lld. %s",
		         (long long)json_integer_value(json_object_get(x, "id")), s_or(x, key, ""));
		put_line(line);
	}
}

static void show_analysis(json_t *o)
{
	json_t *a = json_object_get(o, "analysis"), *c = json_object_get(a, "content"), *x;
	char v[2048], line[1200];
	size_t i;

	client_kv("id", client_field(a, "id", v, sizeof(v)));
	if (json_is_true(json_object_get(a, "hidden"))) {
		client_kv("class", client_field(a, "class", v, sizeof(v)));
		client_kv("state", client_field(a, "state", v, sizeof(v)));
		put_line("(contents hidden: need-to-know, the class is above your clearance)");
		return;
	}
	client_kv("title", client_field(a, "title", v, sizeof(v)));
	client_kv("version", client_field(a, "version", v, sizeof(v)));
	client_kv("class", client_field(a, "class", v, sizeof(v)));
	client_kv("state", client_field(a, "state", v, sizeof(v)));
	client_kv("sent to the head", client_field(a, "submitted_at", v, sizeof(v)));
	client_kv("sent by", client_field(a, "submitted_by_name", v, sizeof(v)));
	client_kv("sent back", client_field(a, "returned_at", v, sizeof(v)));
	client_kv("sent back by", client_field(a, "returned_by_name", v, sizeof(v)));
	client_kv("to change", client_field(a, "return_reason", v, sizeof(v)));
	client_kv("approved on", client_field(a, "approved_on", v, sizeof(v)));
	client_kv("approved by", client_field(a, "approved_by_name", v, sizeof(v)));
	client_kv("review due", client_field(a, "next_review_due", v, sizeof(v)));
	client_kv("description", client_field(c, "description", v, sizeof(v)));
	show_section("Parts (2 §)", json_object_get(c, "parts"), "name");
	put_line("\nProtected assets (3–5 §§)");
	json_array_foreach(json_object_get(c, "assets"), i, x)
	{
		char p[128];

		snprintf(line, sizeof(line), "  %lld. [kind %lld%s%s] %s — %s",
		         (long long)json_integer_value(json_object_get(x, "id")),
		         (long long)json_integer_value(json_object_get(x, "kind")),
		         json_is_string(json_object_get(x, "level")) ? ", level " : "",
		         s_or(x, "level", s_or(x, "class", "")), s_or(x, "name", ""),
		         client_field(x, "perspectives", p, sizeof(p)));
		put_line(line);
	}
	show_section("Threats (6 §)", json_object_get(c, "threats"), "description");
	show_section("Vulnerabilities (8 §)", json_object_get(c, "vulnerabilities"), "description");
	show_section("Measures (9 §)", json_object_get(c, "measures"), "description");
	if (json_array_size(json_object_get(a, "missing")) > 0) {
		put_line("\nMissing before approval:");
		json_array_foreach(json_object_get(a, "missing"), i, x)
		{
			snprintf(line, sizeof(line), "  %s: %s", s_or(x, "field", ""),
			         s_or(x, "message", ""));
			put_line(line);
		}
	}
}

static void show_report(json_t *o)
{
	json_t *r = json_object_get(o, "report"), *x;
	char v[1024], line[1200];
	size_t i;

	client_kv("analysis", client_field(r, "title", v, sizeof(v)));
	client_kv("version", client_field(r, "version", v, sizeof(v)));
	client_kv("approved on", client_field(r, "approved_on", v, sizeof(v)));
	client_kv("approved by", client_field(r, "approved_by_name", v, sizeof(v)));
	client_kv("review due", client_field(r, "next_review_due", v, sizeof(v)));
	put_line("\nASSET                          C  I  A");
	json_array_foreach(json_object_get(r, "matrix"), i, x)
	{
		snprintf(line, sizeof(line), "%-30.30s %s  %s  %s", s_or(x, "name", ""),
		         json_is_true(json_object_get(x, "confidentiality")) ? "x" : "-",
		         json_is_true(json_object_get(x, "integrity")) ? "x" : "-",
		         json_is_true(json_object_get(x, "availability")) ? "x" : "-");
		put_line(line);
	}
}

static void show_deadlines(json_t *o)
{
	json_t *x;
	size_t i;

	json_array_foreach(json_object_get(o, "deadlines"), i, x)
	{
		char line[900];

		snprintf(line, sizeof(line), "%s  %-16s %-14s (%lld days)  %s", s_or(x, "due", ""),
		         s_or(x, "kind", ""), s_or(x, "object", ""),
		         (long long)json_integer_value(json_object_get(x, "days_left")),
		         s_or(x, "title", s_or(x, "what", "")));
		put_line(line);
	}
}

static void show_plans(json_t *o)
{
	static const char *const head[] = {"ID", "ANALYSIS", "STATE", "ITEMS", "APPROVED", "TITLE"};
	static const char *const keys[] = {"id",         "analysis_id", "state",
	                                   "item_count", "approved_on", "title"};
	client_table_json(json_object_get(o, "plans"), 6, head, keys, 512);
}

static void show_plan(json_t *o)
{
	json_t *p = json_object_get(o, "plan"), *x;
	char v[1024], line[1400];
	size_t i;

	client_kv("id", client_field(p, "id", v, sizeof(v)));
	client_kv("title", client_field(p, "title", v, sizeof(v)));
	client_kv("analysis", client_field(p, "analysis_title", v, sizeof(v)));
	client_kv("state", client_field(p, "state", v, sizeof(v)));
	client_kv("approved on", client_field(p, "approved_on", v, sizeof(v)));
	put_line("");
	json_array_foreach(json_object_get(p, "items"), i, x)
	{
		snprintf(line, sizeof(line), "  %lld. %s — due %s, %s",
		         (long long)json_integer_value(json_object_get(x, "measure_id")),
		         s_or(x, "description", ""), s_or(x, "due", "-"),
		         s_or(x, "responsible", "")[0] ? s_or(x, "responsible", "") : "-");
		put_line(line);
	}
}

static void show_assessments(json_t *o)
{
	static const char *const head[] = {"ID", "KIND", "REFERENCE", "STATE", "APPROVED", "TITLE"};
	static const char *const keys[] = {"id",    "procedure_kind", "procedure_ref",
	                                   "state", "approved_on",    "title"};
	client_table_json(json_object_get(o, "assessments"), 6, head, keys, 512);
}

static void show_assessment(json_t *o)
{
	json_t *a = json_object_get(o, "assessment"), *c = json_object_get(a, "content"), *x;
	char v[1024], line[1200];
	size_t i;

	client_kv("id", client_field(a, "id", v, sizeof(v)));
	client_kv("title", client_field(a, "title", v, sizeof(v)));
	client_kv("procedure", client_field(a, "procedure_kind", v, sizeof(v)));
	client_kv("reference", client_field(a, "procedure_ref", v, sizeof(v)));
	client_kv("state", client_field(a, "state", v, sizeof(v)));
	client_kv("approved on", client_field(a, "approved_on", v, sizeof(v)));
	snprintf(line, sizeof(line), "affected %zu, threats %zu, vulnerabilities %zu, measures %zu",
	         json_array_size(json_object_get(c, "affected")),
	         json_array_size(json_object_get(c, "threats")),
	         json_array_size(json_object_get(c, "vulnerabilities")),
	         json_array_size(json_object_get(c, "measures")));
	put_line(line);
	json_array_foreach(json_object_get(a, "missing"), i, x)
	{
		snprintf(line, sizeof(line), "missing  %s: %s", s_or(x, "field", ""),
		         s_or(x, "message", ""));
		put_line(line);
	}
}

static void show_ok(json_t *o)
{
	json_t *x = json_object_get(o, "analysis");

	if (!x)
		x = json_object_get(o, "plan");
	if (!x)
		x = json_object_get(o, "assessment");
	printf("%lld %s\n", (long long)json_integer_value(json_object_get(x, "id")),
	       s_or(x, "state", ""));
}

/* ---- a generic subcommand ---- */

struct sub {
	const char *cmd, *usage;
	const char *method, *path; /* path with %lld for the id, or none */
	bool id;
	void (*show)(json_t *);
};

static int run_simple(const struct sub *s, int argc, char **argv)
{
	static const struct option opts[] = {COMMON_OPTS};
	struct client_args a;
	char path[128];
	int64_t id = 0;
	int rc = client_parse_args(argc, argv, opts, s->cmd, s->usage, &a);

	if (rc)
		return rc < 0 ? CLI_OK : rc;
	if (s->id && !need_id(s->cmd, &a, &id))
		return CLI_USAGE;
	if (!s->id && a.id)
		return cli_error(CLI_USAGE, "%s: unexpected argument '%s'", s->cmd, a.id);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	snprintf(path, sizeof(path), s->path, (long long)id); /* paths from the table below */
#pragma GCC diagnostic pop
	return client_call_show(s->cmd, &a, s->method, path, NULL, s->show);
}

#define SIMPLE(fn, name, usage, method, path, id, show)                                            \
	static int fn(int argc, char **argv)                                                       \
	{                                                                                          \
		static const struct sub s = {name, usage, method, path, id, show};                 \
		return run_simple(&s, argc, argv);                                                 \
	}

SIMPLE(an_list, "analysis list", analysis_usage, "GET", "/api/v1/analyses", false, show_list)
SIMPLE(an_show, "analysis show", analysis_usage, "GET", "/api/v1/analyses/%lld", true,
       show_analysis)
SIMPLE(an_approve, "analysis approve", analysis_usage, "POST", "/api/v1/analyses/%lld/approve",
       true, show_ok)
SIMPLE(an_submit, "analysis submit", analysis_usage, "POST", "/api/v1/analyses/%lld/submit", true,
       show_ok)
SIMPLE(an_revise, "analysis revise", analysis_usage, "POST", "/api/v1/analyses/%lld/revise", true,
       show_ok)
SIMPLE(an_report, "analysis report", analysis_usage, "GET", "/api/v1/analyses/%lld/report", true,
       show_report)
SIMPLE(an_deadlines, "analysis deadlines", analysis_usage, "GET", "/api/v1/analyses/deadlines",
       false, show_deadlines)
SIMPLE(sp_list, "analysis plan list", plan_usage, "GET", "/api/v1/security-plans", false,
       show_plans)
SIMPLE(sp_show, "analysis plan show", plan_usage, "GET", "/api/v1/security-plans/%lld", true,
       show_plan)
SIMPLE(sp_approve, "analysis plan approve", plan_usage, "POST",
       "/api/v1/security-plans/%lld/approve", true, show_ok)
SIMPLE(as_list, "assessment list", assessment_usage, "GET", "/api/v1/assessments", false,
       show_assessments)
SIMPLE(as_show, "assessment show", assessment_usage, "GET", "/api/v1/assessments/%lld", true,
       show_assessment)
SIMPLE(as_approve, "assessment approve", assessment_usage, "POST",
       "/api/v1/assessments/%lld/approve", true, show_ok)

/* ---- writes with options ---- */

/* new/update of an analysis: --title, --description, --file. */
static int an_write(int argc, char **argv, bool create)
{
	static const struct option opts[] = {
	        {"title", required_argument, NULL, CLIENT_VALUE(V_A)},
	        {"description", required_argument, NULL, CLIENT_VALUE(V_B)},
	        {"file", required_argument, NULL, CLIENT_VALUE(V_C)},
	        {"class", required_argument, NULL, CLIENT_VALUE(V_D)},
	        COMMON_OPTS};
	const char *cmd = create ? "analysis new" : "analysis update";
	struct client_args a;
	json_t *body;
	char path[96];
	int64_t id = 0;
	int rc = client_parse_args(argc, argv, opts, cmd, analysis_usage, &a);

	if (rc)
		return rc < 0 ? CLI_OK : rc;
	if (create && a.id)
		return cli_error(CLI_USAGE, "%s: unexpected argument '%s'", cmd, a.id);
	if (!create && !need_id(cmd, &a, &id))
		return CLI_USAGE;
	if (create && !a.values[V_A])
		return cli_error(CLI_USAGE, "%s: give --title", cmd);
	body = a.values[V_C] ? read_json(cmd, a.values[V_C]) : json_object();
	if (!body)
		return CLI_USAGE;
	client_body_str(body, "title", a.values[V_A]);
	client_body_str(body, "description", a.values[V_B]);
	if (a.values[V_D]) {
		const char *cl = a.values[V_D];

		if (strcmp(cl, "none") != 0 && strcmp(cl, "BH") != 0 && strcmp(cl, "K") != 0 &&
		    strcmp(cl, "H") != 0 && strcmp(cl, "KH") != 0) {
			json_decref(body);
			return cli_error(CLI_USAGE, "%s: --class is BH, K, H, KH or none", cmd);
		}
		json_object_set_new(body, "class", json_string(strcmp(cl, "none") ? cl : ""));
	}
	if (json_object_size(body) == 0) {
		json_decref(body);
		return cli_error(CLI_USAGE, "%s: nothing to change", cmd);
	}
	if (create)
		snprintf(path, sizeof(path), "/api/v1/analyses");
	else
		snprintf(path, sizeof(path), "/api/v1/analyses/%lld", (long long)id);
	rc = client_call_show(cmd, &a, create ? "POST" : "PATCH", path, body, show_ok);
	json_decref(body);
	return rc;
}

static int an_new(int argc, char **argv)
{
	return an_write(argc, argv, true);
}

static int an_update(int argc, char **argv)
{
	return an_write(argc, argv, false);
}

/* The head sends a sent draft back: --reason is required. */
static int an_return(int argc, char **argv)
{
	static const struct option opts[] = {{"reason", required_argument, NULL, CLIENT_VALUE(V_A)},
	                                     COMMON_OPTS};
	struct client_args a;
	json_t *body;
	char path[96];
	int64_t id;
	int rc = client_parse_args(argc, argv, opts, "analysis return", analysis_usage, &a);

	if (rc)
		return rc < 0 ? CLI_OK : rc;
	if (!need_id("analysis return", &a, &id))
		return CLI_USAGE;
	if (!a.values[V_A] || !a.values[V_A][0])
		return cli_error(CLI_USAGE, "analysis return: give --reason (what to change)");
	body = json_pack("{s:s}", "reason", a.values[V_A]);
	snprintf(path, sizeof(path), "/api/v1/analyses/%lld/return", (long long)id);
	rc = client_call_show("analysis return", &a, "POST", path, body, show_ok);
	json_decref(body);
	return rc;
}

static int an_export(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"recipient", required_argument, NULL, CLIENT_VALUE(V_A)},
	        {"reason", required_argument, NULL, CLIENT_VALUE(V_B)},
	        {"output", required_argument, NULL, CLIENT_VALUE(V_C)},
	        COMMON_OPTS};
	struct client_args a;
	struct client *cl = NULL;
	json_t *body, *o = NULL;
	char path[96], *text;
	int64_t id;
	int rc = client_parse_args(argc, argv, opts, "analysis export", analysis_usage, &a);

	if (rc)
		return rc < 0 ? CLI_OK : rc;
	if (!need_id("analysis export", &a, &id))
		return CLI_USAGE;
	if (!a.values[V_A])
		return cli_error(CLI_USAGE, "analysis export: give --recipient (to whom)");
	body = json_pack("{s:s}", "recipient", a.values[V_A]);
	client_body_str(body, "reason", a.values[V_B]);
	snprintf(path, sizeof(path), "/api/v1/analyses/%lld/export", (long long)id);
	rc = client_open("analysis export", &a.co, true, &cl);
	if (!rc)
		rc = client_call(cl, "POST", path, body, &o);
	client_free(cl);
	json_decref(body);
	if (rc)
		return rc;
	text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!text)
		return cli_error(CLI_USAGE, "analysis export: out of memory");
	if (a.values[V_C]) {
		FILE *f = fopen(a.values[V_C], "wb");

		if (!f || fprintf(f, "%s\n", text) < 0 || fclose(f) != 0) {
			free(text);
			return cli_error(CLI_USAGE, "analysis export: cannot write %s",
			                 a.values[V_C]);
		}
		fprintf(stderr, "exported analysis %lld to %s (recorded in the ledger)\n",
		        (long long)id, a.values[V_C]);
	} else {
		printf("%s\n", text);
	}
	free(text);
	return CLI_OK;
}

/* ---- plans ---- */

static int sp_new(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"analysis", required_argument, NULL, CLIENT_VALUE(V_A)},
	        {"title", required_argument, NULL, CLIENT_VALUE(V_B)},
	        COMMON_OPTS};
	struct client_args a;
	json_t *body;
	int64_t aid;
	int rc = client_parse_args(argc, argv, opts, "analysis plan new", plan_usage, &a);

	if (rc)
		return rc < 0 ? CLI_OK : rc;
	if (!a.values[V_A] || !client_parse_id(a.values[V_A], &aid))
		return cli_error(CLI_USAGE, "analysis plan new: give --analysis ID (an approved "
		                            "version)");
	body = json_pack("{s:I}", "analysis_id", (json_int_t)aid);
	client_body_str(body, "title", a.values[V_B]);
	rc = client_call_show("analysis plan new", &a, "POST", "/api/v1/security-plans", body,
	                      show_ok);
	json_decref(body);
	return rc;
}

static int sp_update(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"measure", required_argument, NULL, CLIENT_VALUE(V_A)},
	        {"due", required_argument, NULL, CLIENT_VALUE(V_B)},
	        {"responsible", required_argument, NULL, CLIENT_VALUE(V_C)},
	        {"note", required_argument, NULL, CLIENT_VALUE(V_D)},
	        {"title", required_argument, NULL, CLIENT_VALUE(V_E)},
	        COMMON_OPTS};
	struct client_args a;
	json_t *body;
	char path[96];
	int64_t id, mid;
	int rc = client_parse_args(argc, argv, opts, "analysis plan update", plan_usage, &a);

	if (rc)
		return rc < 0 ? CLI_OK : rc;
	if (!need_id("analysis plan update", &a, &id))
		return CLI_USAGE;
	body = json_object();
	client_body_str(body, "title", a.values[V_E]);
	if (a.values[V_A]) {
		json_t *item;

		if (!client_parse_id(a.values[V_A], &mid)) {
			json_decref(body);
			return cli_error(CLI_USAGE, "analysis plan update: --measure takes the "
			                            "measure's id");
		}
		item = json_pack("{s:I}", "measure_id", (json_int_t)mid);
		if (a.values[V_B])
			json_object_set_new(item, "due", json_string(a.values[V_B]));
		if (a.values[V_C])
			json_object_set_new(item, "responsible", json_string(a.values[V_C]));
		if (a.values[V_D])
			json_object_set_new(item, "note", json_string(a.values[V_D]));
		json_object_set_new(body, "items", json_pack("[o]", item));
	} else if (a.values[V_B] || a.values[V_C] || a.values[V_D]) {
		json_decref(body);
		return cli_error(CLI_USAGE, "analysis plan update: --due, --responsible and --note "
		                            "need --measure N");
	}
	if (json_object_size(body) == 0) {
		json_decref(body);
		return cli_error(CLI_USAGE, "analysis plan update: nothing to change");
	}
	snprintf(path, sizeof(path), "/api/v1/security-plans/%lld", (long long)id);
	rc = client_call_show("analysis plan update", &a, "PATCH", path, body, show_ok);
	json_decref(body);
	return rc;
}

static int an_plan(int argc, char **argv)
{
	static const struct client_sub subs[] = {
	        {"list", sp_list},     {"show", sp_show},       {"new", sp_new},
	        {"update", sp_update}, {"approve", sp_approve},
	};

	return client_dispatch("analysis plan", plan_usage, subs, sizeof(subs) / sizeof(subs[0]),
	                       argc, argv);
}

int cmd_analysis(int argc, char **argv)
{
	static const struct client_sub subs[] = {
	        {"list", an_list},     {"show", an_show},           {"new", an_new},
	        {"update", an_update}, {"approve", an_approve},     {"revise", an_revise},
	        {"submit", an_submit}, {"return", an_return},       {"report", an_report},
	        {"export", an_export}, {"deadlines", an_deadlines}, {"plan", an_plan},
	};

	return client_dispatch("analysis", analysis_usage, subs, sizeof(subs) / sizeof(subs[0]),
	                       argc, argv);
}

/* ---- special assessments ---- */

static int as_write(int argc, char **argv, bool create)
{
	static const struct option opts[] = {{"title", required_argument, NULL, CLIENT_VALUE(V_A)},
	                                     {"kind", required_argument, NULL, CLIENT_VALUE(V_B)},
	                                     {"ref", required_argument, NULL, CLIENT_VALUE(V_C)},
	                                     {"file", required_argument, NULL, CLIENT_VALUE(V_D)},
	                                     COMMON_OPTS};
	const char *cmd = create ? "assessment new" : "assessment update";
	struct client_args a;
	json_t *body;
	char path[96];
	int64_t id = 0;
	int rc = client_parse_args(argc, argv, opts, cmd, assessment_usage, &a);

	if (rc)
		return rc < 0 ? CLI_OK : rc;
	if (create && a.id)
		return cli_error(CLI_USAGE, "%s: unexpected argument '%s'", cmd, a.id);
	if (!create && !need_id(cmd, &a, &id))
		return CLI_USAGE;
	if (create && (!a.values[V_A] || !a.values[V_B] || !a.values[V_C]))
		return cli_error(CLI_USAGE, "%s: give --title, --kind and --ref", cmd);
	body = a.values[V_D] ? read_json(cmd, a.values[V_D]) : json_object();
	if (!body)
		return CLI_USAGE;
	client_body_str(body, "title", a.values[V_A]);
	client_body_str(body, "procedure_kind", a.values[V_B]);
	client_body_str(body, "procedure_ref", a.values[V_C]);
	if (json_object_size(body) == 0) {
		json_decref(body);
		return cli_error(CLI_USAGE, "%s: nothing to change", cmd);
	}
	if (create)
		snprintf(path, sizeof(path), "/api/v1/assessments");
	else
		snprintf(path, sizeof(path), "/api/v1/assessments/%lld", (long long)id);
	rc = client_call_show(cmd, &a, create ? "POST" : "PATCH", path, body, show_ok);
	json_decref(body);
	return rc;
}

static int as_new(int argc, char **argv)
{
	return as_write(argc, argv, true);
}

static int as_update(int argc, char **argv)
{
	return as_write(argc, argv, false);
}

int cmd_assessment(int argc, char **argv)
{
	static const struct client_sub subs[] = {
	        {"list", as_list},     {"show", as_show},       {"new", as_new},
	        {"update", as_update}, {"approve", as_approve},
	};

	return client_dispatch("assessment", assessment_usage, subs, sizeof(subs) / sizeof(subs[0]),
	                       argc, argv);
}
