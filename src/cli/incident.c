/*
 * skydd incident and skydd deviation: security-threatening events (2 kap.
 * 15–19 §§ PMFS 2022:1) and the action plan of deviations (14 §) through the
 * API. Each subcommand is a table of options mapped to the request's JSON
 * fields, so the CLI and the API name the same things.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/client.h"

/* ---- options → JSON ---- */

enum kind { K_STR, K_ID, K_BOOL, K_IDS };

struct optspec {
	const char *opt; /* long option */
	const char *key; /* the JSON field */
	enum kind kind;
};

#define MAX_SPECS 16

struct sub {
	const char *cmd;   /* "incident new" */
	const char *usage; /* the --help text */
	const char *method;
	const char *path; /* printf with the id: "/api/v1/incidents/%lld/report" */
	int positional;   /* 0: none, 1: ID, 2: ID and a word */
	const char *word; /* the JSON field of the word (positional 2) */
	const struct optspec *specs;
	bool query; /* the options go to the query string (GET) */
	void (*show)(json_t *reply);
};

static json_t *ids_of(const char *s)
{
	json_t *arr = json_array();

	while (arr && *s) {
		uint64_t v;
		char part[24];
		size_t n = strcspn(s, ", ");

		if (n > 0) {
			if (n >= sizeof(part))
				return json_decref(arr), NULL;
			memcpy(part, s, n);
			part[n] = '\0';
			if (!cli_parse_u64(part, &v) || v == 0)
				return json_decref(arr), NULL;
			json_array_append_new(arr, json_integer((json_int_t)v));
		}
		s += n;
		s += strspn(s, ", ");
	}
	return arr;
}

static void url_encode(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' || ch == '_') {
			buf_append(b, (const char *)&ch, 1);
		} else {
			char e[3] = {'%', hex[ch >> 4], hex[ch & 15]};

			buf_append(b, e, 3);
		}
	}
}

/* Sets key from the option's text; false (after a message) when it does not parse. */
static bool put_value(const char *cmd, json_t *body, const struct optspec *s, const char *v)
{
	uint64_t n;
	json_t *x = NULL;

	switch (s->kind) {
	case K_STR:
		x = json_string(v);
		break;
	case K_ID:
		if (cli_parse_u64(v, &n) && n > 0)
			x = json_integer((json_int_t)n);
		break;
	case K_BOOL:
		if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0)
			x = json_true();
		else if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0)
			x = json_false();
		break;
	case K_IDS:
		x = ids_of(v);
		break;
	}
	if (!x) {
		cli_error(CLI_USAGE, "%s: --%s: '%s' is not %s", cmd, s->opt, v,
		          s->kind == K_BOOL  ? "yes or no"
		          : s->kind == K_IDS ? "a comma-separated list of ids"
		          : s->kind == K_ID  ? "an id"
		                             : "text");
		return false;
	}
	json_object_set_new(body, s->key, x);
	return true;
}

static int run_sub(const struct sub *sb, int argc, char **argv)
{
	struct option opts[MAX_SPECS + 6];
	const char *pos[2] = {NULL, NULL};
	struct client_opts co = {0};
	struct client *cl = NULL;
	bool json_out = false;
	json_t *body = json_object(), *o = NULL;
	struct buf path;
	size_t n = 0, npos = 0;
	int c, rc = CLI_OK;

	for (const struct optspec *s = sb->specs; s && s->opt; s++, n++)
		opts[n] = (struct option){s->opt, required_argument, NULL, 0x300 + (int)n};
	client_std_opts(opts, n);
	buf_init(&path, 4096);
	optind = 1;
	opterr = 0;
	while (rc == CLI_OK && (c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (client_opt(&co, c, optarg))
			continue;
		if (c >= 0x300 && c < 0x300 + MAX_SPECS) {
			if (!put_value(sb->cmd, body, &sb->specs[c - 0x300], optarg))
				rc = CLI_USAGE;
			continue;
		}
		if (c == 'j') {
			json_out = true;
		} else if (c == 'h') {
			fputs(sb->usage, stdout);
			goto out;
		} else {
			rc = client_bad_option(sb->cmd, argv);
		}
	}
	for (; rc == CLI_OK && optind < argc; optind++) {
		if (npos >= (size_t)sb->positional)
			rc = cli_error(CLI_USAGE, "%s: unexpected argument '%s'", sb->cmd,
			               argv[optind]);
		else
			pos[npos++] = argv[optind];
	}
	if (rc)
		goto out;
	if (npos < (size_t)sb->positional) {
		rc = cli_error(CLI_USAGE, "%s: give the %s (see 'skydd %s --help')", sb->cmd,
		               npos == 0 ? "id" : sb->word, sb->cmd);
		goto out;
	}
	if (sb->positional >= 1) {
		uint64_t id;
		char p[160];

		if (!cli_parse_u64(pos[0], &id) || id == 0) {
			rc = cli_error(CLI_USAGE, "%s: '%s' is not an id", sb->cmd, pos[0]);
			goto out;
		}
		/* the path's "%lld" is the id */
		const char *at = strstr(sb->path, "%lld");

		buf_append(&path, sb->path, (size_t)(at - sb->path));
		snprintf(p, sizeof(p), "%llu", (unsigned long long)id);
		buf_puts(&path, p);
		buf_puts(&path, at + 4);
	} else {
		buf_puts(&path, sb->path);
	}
	if (sb->positional == 2)
		json_object_set_new(body, sb->word, json_string(pos[1]));
	if (sb->query) {
		const char *k;
		json_t *v;
		bool first = true;

		json_object_foreach(body, k, v)
		{
			buf_puts(&path, first ? "?" : "&");
			first = false;
			buf_puts(&path, k);
			buf_puts(&path, "=");
			if (json_is_string(v))
				url_encode(&path, json_string_value(v));
			else
				buf_puts(&path, json_is_true(v) ? "true" : "false");
		}
	}
	if (path.err) {
		rc = cli_error(CLI_USAGE, "%s: the request is too long", sb->cmd);
		goto out;
	}
	rc = client_open(sb->cmd, &co, true, &cl);
	if (!rc)
		rc = client_call(cl, sb->method, path.ptr,
		                 strcmp(sb->method, "GET") == 0 ? NULL : body, &o);
	if (!rc && json_out)
		cli_print_json(o);
	else if (!rc)
		sb->show(o);
out:
	json_decref(o);
	json_decref(body);
	client_free(cl);
	buf_release(&path);
	return rc;
}

/* ---- showing ---- */

static const char *s_or(const json_t *o, const char *key, const char *def)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : def;
}

static void kv(json_t *o, const char *label, const char *key)
{
	char v[4096];

	client_kv(label, client_field(o, key, v, sizeof(v)));
}

static void show_incidents(json_t *o)
{
	static const char *const head[] = {"ID",         "STATE",    "DETECTED",
	                                   "REPORTABLE", "REPORTED", "TITLE"};
	static const char *const keys[] = {"id",         "state",       "detected_on",
	                                   "reportable", "report_date", "title"};
	client_table_json(json_object_get(o, "incidents"), 6, head, keys, 512);
}

static void show_incident(json_t *o)
{
	json_t *x = json_object_get(o, "incident"), *y;
	char line[1024];
	size_t i;

	if (!x) /* a lesson answers with its deviation */
		x = json_object_get(o, "deviation");
	if (json_object_get(o, "deviation")) {
		kv(x, "deviation", "id");
		kv(x, "title", "title");
		kv(x, "status", "status");
		return;
	}
	kv(x, "id", "id");
	kv(x, "title", "title");
	kv(x, "state", "state");
	kv(x, "occurred", "occurred_on");
	kv(x, "detected", "detected_on");
	kv(x, "detected by", "detected_by");
	kv(x, "reportable", "reportable");
	kv(x, "reported", "report_date");
	kv(x, "report ref", "report_ref");
	kv(x, "assessment start", "assessment_started_on");
	kv(x, "assessment end", "assessment_finished_on");
	kv(x, "investigated", "investigated_on");
	kv(x, "closed", "closed_on");
	kv(x, "lost case", "lost_case_id");
	json_array_foreach(json_object_get(x, "links"), i, y)
	{
		snprintf(line, sizeof(line), "%s %lld %s%s%s", s_or(y, "type", ""),
		         (long long)json_integer_value(json_object_get(y, "id")),
		         s_or(y, "label", ""),
		         json_is_string(json_object_get(y, "title")) ? " — " : "",
		         s_or(y, "title", ""));
		client_kv("affects", line);
	}
	json_array_foreach(json_object_get(x, "measures"), i, y)
	{
		snprintf(line, sizeof(line), "%s %s", s_or(y, "taken_on", ""), s_or(y, "text", ""));
		client_kv("measure", line);
	}
	json_array_foreach(json_object_get(x, "deviations"), i, y)
	{
		snprintf(line, sizeof(line), "%lld [%s] %s",
		         (long long)json_integer_value(json_object_get(y, "id")),
		         s_or(y, "status", ""), s_or(y, "title", ""));
		client_kv("deviation", line);
	}
}

static void show_deviations(json_t *o)
{
	static const char *const head[] = {"ID",     "STATUS",    "DUE",  "RESPONSIBLE",
	                                   "SOURCE", "REFERENCE", "TITLE"};
	static const char *const keys[] = {"id",     "status",    "due_on", "responsible",
	                                   "source", "reference", "title"};
	client_table_json(json_object_get(o, "deviations"), 7, head, keys, 512);
}

static void show_deviation(json_t *o)
{
	json_t *x = json_object_get(o, "deviation"), *h;
	char line[256];
	size_t i;

	kv(x, "id", "id");
	kv(x, "title", "title");
	kv(x, "status", "status");
	kv(x, "source", "source");
	kv(x, "reference", "reference");
	kv(x, "finding", "finding");
	kv(x, "object", "finding_object");
	kv(x, "incident", "incident_id");
	kv(x, "responsible", "responsible");
	kv(x, "due", "due_on");
	kv(x, "resolved by", "resolved_by");
	kv(x, "reason", "status_reason");
	json_array_foreach(json_object_get(o, "history"), i, h)
	{
		snprintf(line, sizeof(line), "%s seq %lld %s by %lld", s_or(h, "time", ""),
		         (long long)json_integer_value(json_object_get(h, "seq")),
		         s_or(h, "kind", ""),
		         (long long)json_integer_value(json_object_get(h, "actor")));
		client_kv("history", line);
	}
}

/* ---- the tables ---- */

#define OPTS_HELP "  --json              print the API's JSON\n" CLIENT_OPTS_HELP

#define INCIDENT_OPTS                                                                              \
	{"title", "title", K_STR}, {"description", "description", K_STR},                          \
	        {"occurred", "occurred_on", K_STR}, {"detected", "detected_on", K_STR},            \
	        {"detected-by", "detected_by", K_STR}, {"person", "detected_person_id", K_ID},     \
	        {"reportable", "reportable", K_BOOL}, {"documents", "document_ids", K_IDS},        \
	        {"copies", "copy_ids", K_IDS}, {"media", "medium_ids", K_IDS},                     \
	{                                                                                          \
		"systems", "system_ids", K_IDS                                                     \
	}

#define INCIDENT_HELP                                                                              \
	"  --title TEXT        what happened, in a few words\n"                                    \
	"  --description TEXT  the event\n"                                                        \
	"  --occurred DATE     when it occurred (YYYY-MM-DD)\n"                                    \
	"  --detected DATE     when it was detected (default today)\n"                             \
	"  --detected-by TEXT  who detected it\n"                                                  \
	"  --person ID         or the person (of the register) who detected it\n"                  \
	"  --reportable yes|no to be reported to Säkerhetspolisen (SäkF 2 kap. 4 §)\n"          \
	"  --documents IDS     documents it affects (comma-separated ids)\n"                       \
	"  --copies IDS        copies it affects\n"                                                \
	"  --media IDS         storage media it affects\n"                                         \
	"  --systems IDS       information systems it affects\n"

#define END_SPEC                                                                                   \
	{                                                                                          \
		NULL, NULL, 0                                                                      \
	}

static const struct optspec o_none[] = {END_SPEC};
static const struct optspec o_inc_list[] = {{"state", "state", K_STR}, END_SPEC};
static const struct optspec o_inc_new[] = {
        INCIDENT_OPTS, {"lost-case", "lost_case_id", K_ID}, END_SPEC};
static const struct optspec o_inc_update[] = {INCIDENT_OPTS, END_SPEC};
static const struct optspec o_report[] = {
        {"date", "report_date", K_STR}, {"ref", "report_ref", K_STR}, END_SPEC};
static const struct optspec o_assess[] = {
        {"date", "date", K_STR}, {"content", "content", K_STR}, END_SPEC};
static const struct optspec o_measure[] = {
        {"date", "taken_on", K_STR}, {"text", "text", K_STR}, END_SPEC};
static const struct optspec o_investigate[] = {{"investigation", "investigation", K_STR},
                                               {"evaluation", "evaluation", K_STR},
                                               {"date", "investigated_on", K_STR},
                                               END_SPEC};
static const struct optspec o_close[] = {{"date", "closed_on", K_STR}, END_SPEC};
static const struct optspec o_lesson[] = {
        {"title", "title", K_STR},         {"description", "description", K_STR},
        {"reference", "reference", K_STR}, {"responsible", "responsible", K_STR},
        {"due", "due_on", K_STR},          END_SPEC};
static const struct optspec o_dev_list[] = {
        {"status", "status", K_STR}, {"open", "open", K_BOOL}, END_SPEC};
static const struct optspec o_dev_new[] = {
        {"source", "source", K_STR},           {"title", "title", K_STR},
        {"description", "description", K_STR}, {"reference", "reference", K_STR},
        {"finding", "finding", K_STR},         {"object", "finding_object", K_STR},
        {"responsible", "responsible", K_STR}, {"due", "due_on", K_STR},
        {"incident", "incident_id", K_ID},     END_SPEC};
static const struct optspec o_dev_update[] = {
        {"title", "title", K_STR},         {"description", "description", K_STR},
        {"reference", "reference", K_STR}, {"responsible", "responsible", K_STR},
        {"due", "due_on", K_STR},          END_SPEC};
static const struct optspec o_dev_status[] = {{"reason", "reason", K_STR}, END_SPEC};

static const struct sub incident_subs[] = {
        {"incident list",
         "usage: skydd incident list [--state open|closed] [--json]\n\n"
         "Lists incidents: all of them for the ssc, the head and the auditor; one's own\n"
         "reports for everyone else.\n\n"
         "  --state S           open or closed\n" OPTS_HELP,
         "GET", "/api/v1/incidents", 0, NULL, o_inc_list, true, show_incidents},
        {"incident show",
         "usage: skydd incident show ID [--json]\n\n"
         "Shows an incident: what it affects, the report, the damage assessment,\n"
         "measures, investigation, deviations.\n\n" OPTS_HELP,
         "GET", "/api/v1/incidents/%lld", 1, NULL, o_none, false, show_incident},
        {"incident new",
         "usage: skydd incident new --title TEXT --occurred DATE [options]\n\n"
         "Reports a security-threatening event (säkerhetshotande händelse). Anyone\n"
         "logged in may report.\n\n" INCIDENT_HELP
         "  --lost-case ID      the inventory's lost case it comes from\n" OPTS_HELP,
         "POST", "/api/v1/incidents", 0, NULL, o_inc_new, false, show_incident},
        {"incident update",
         "usage: skydd incident update ID [options]\n\n"
         "Changes an open incident (ssc, chief).\n\n" INCIDENT_HELP OPTS_HELP,
         "PATCH", "/api/v1/incidents/%lld", 1, NULL, o_inc_update, false, show_incident},
        {"incident report",
         "usage: skydd incident report ID --date DATE --ref REF [--json]\n\n"
         "Records the report to Säkerhetspolisen on its form (2 kap. 18 §).\n\n"
         "  --date DATE         the day it was reported\n"
         "  --ref REF           the form's reference\n" OPTS_HELP,
         "POST", "/api/v1/incidents/%lld/report", 1, NULL, o_report, false, show_incident},
        {"incident assess",
         "usage: skydd incident assess ID start|finish --date DATE [--content TEXT] [--json]\n\n"
         "Starts or finishes the damage assessment (skadebedömning). 2 kap. 19 §: it\n"
         "starts no later than the report to Säkerhetspolisen.\n\n"
         "  --date DATE         the day\n"
         "  --content TEXT      the assessment (finish)\n" OPTS_HELP,
         "POST", "/api/v1/incidents/%lld/assessment", 2, "action", o_assess, false, show_incident},
        {"incident measure",
         "usage: skydd incident measure ID --date DATE --text TEXT [--json]\n\n"
         "Records a measure taken to limit harm and return to normal (2 kap. 16 §).\n\n"
         "  --date DATE         the day it was taken\n"
         "  --text TEXT         what was done\n" OPTS_HELP,
         "POST", "/api/v1/incidents/%lld/measures", 1, NULL, o_measure, false, show_incident},
        {"incident investigate",
         "usage: skydd incident investigate ID --investigation TEXT --evaluation TEXT\n"
         "                                     [--date DATE] [--json]\n\n"
         "Records the investigation of the circumstances and the evaluation of the\n"
         "handling (2 kap. 17 §).\n\n"
         "  --investigation T   the circumstances\n"
         "  --evaluation T      how it was handled\n"
         "  --date DATE         default today\n" OPTS_HELP,
         "POST", "/api/v1/incidents/%lld/investigation", 1, NULL, o_investigate, false,
         show_incident},
        {"incident close",
         "usage: skydd incident close ID [--date DATE] [--json]\n\n"
         "Closes an incident (a closed one without investigation and evaluation is a\n"
         "finding of 2 kap. 17 §).\n\n"
         "  --date DATE         default today\n" OPTS_HELP,
         "POST", "/api/v1/incidents/%lld/close", 1, NULL, o_close, false, show_incident},
        {"incident lesson",
         "usage: skydd incident lesson ID --title TEXT [options]\n\n"
         "A lesson of the incident becomes a deviation of the action plan.\n\n"
         "  --title TEXT        the measure\n"
         "  --description TEXT  what is to be done\n"
         "  --reference REF     default incident/ID\n"
         "  --responsible F     the responsible function\n"
         "  --due DATE          when it is due\n" OPTS_HELP,
         "POST", "/api/v1/incidents/%lld/lessons", 1, NULL, o_lesson, false, show_incident},
};

static const struct sub deviation_subs[] = {
        {"deviation list",
         "usage: skydd deviation list [--status S] [--open yes] [--json]\n\n"
         "The action plan (åtgärdsplan, 2 kap. 14 §). Deviations made from a finding\n"
         "that has since disappeared are marked done first.\n\n"
         "  --status S          open, in_progress, done or written_off\n"
         "  --open yes          open and in progress only\n" OPTS_HELP,
         "GET", "/api/v1/deviations", 0, NULL, o_dev_list, true, show_deviations},
        {"deviation show",
         "usage: skydd deviation show ID [--json]\n\n"
         "Shows a deviation with its history.\n\n" OPTS_HELP,
         "GET", "/api/v1/deviations/%lld", 1, NULL, o_none, false, show_deviation},
        {"deviation new",
         "usage: skydd deviation new --source S [--title TEXT] [options]\n\n"
         "Adds a deviation to the action plan (ssc, chief).\n\n"
         "  --source S          finding, control, audit, incident or other\n"
         "  --finding RULE      source finding: the rule id (see skydd check)\n"
         "  --object TYPE/ID    source finding: the finding's object\n"
         "  --title TEXT        the deviation (default for a finding: its message)\n"
         "  --description TEXT  what is to be done\n"
         "  --reference REF     paragraph, control or audit\n"
         "  --responsible F     the responsible function\n"
         "  --due DATE          when it is due\n"
         "  --incident ID       the incident it comes from\n" OPTS_HELP,
         "POST", "/api/v1/deviations", 0, NULL, o_dev_new, false, show_deviation},
        {"deviation update",
         "usage: skydd deviation update ID [options]\n\n"
         "Changes an open or in-progress deviation.\n\n"
         "  --title TEXT        the deviation\n"
         "  --description TEXT  what is to be done\n"
         "  --reference REF     paragraph, control or audit\n"
         "  --responsible F     the responsible function\n"
         "  --due DATE          when it is due\n" OPTS_HELP,
         "PATCH", "/api/v1/deviations/%lld", 1, NULL, o_dev_update, false, show_deviation},
        {"deviation status",
         "usage: skydd deviation status ID open|in_progress|done|written_off [--reason T]\n\n"
         "Sets a deviation's status; done and written off are final.\n\n"
         "  --reason TEXT       why it is written off\n" OPTS_HELP,
         "POST", "/api/v1/deviations/%lld/status", 2, "status", o_dev_status, false,
         show_deviation},
};

static const char incident_usage[] =
        "usage: skydd incident list|show|new|update|report|assess|measure|investigate|close|"
        "lesson ...\n\n"
        "Security-threatening events (säkerhetshotande händelser, 2 kap. 15–19 §§ PMFS\n"
        "2022:1). Anyone logged in reports; the ssc or the head handles. See\n"
        "'skydd incident <sub> --help'.\n";

static const char deviation_usage[] =
        "usage: skydd deviation list|show|new|update|status ...\n\n"
        "The action plan of deviations (åtgärdsplan, 2 kap. 14 §), kept by the ssc or\n"
        "the head. See 'skydd deviation <sub> --help'.\n";

static int group(const char *name, const char *usage, const struct sub *subs, size_t n, int argc,
                 char **argv)
{
	char full[64];

	if (argc < 2)
		return cli_error(CLI_USAGE, "%s: give a subcommand (see 'skydd %s --help')", name,
		                 name);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		fputs(usage, stdout);
		return CLI_OK;
	}
	snprintf(full, sizeof(full), "%s %s", name, argv[1]);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(subs[i].cmd, full) == 0)
			return run_sub(&subs[i], argc - 1, argv + 1);
	}
	return cli_error(CLI_USAGE, "%s: unknown subcommand '%s' (see 'skydd %s --help')", name,
	                 argv[1], name);
}

int cmd_incident(int argc, char **argv)
{
	return group("incident", incident_usage, incident_subs,
	             sizeof(incident_subs) / sizeof(incident_subs[0]), argc, argv);
}

int cmd_deviation(int argc, char **argv)
{
	return group("deviation", deviation_usage, deviation_subs,
	             sizeof(deviation_subs) / sizeof(deviation_subs[0]), argc, argv);
}
