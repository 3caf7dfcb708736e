/*
 * skydd plan: coordinated action plans (samlad handlingsplan) through the
 * API: import and export in the file format, the plan's tree, measures with
 * filters, editing (ssc or the head), a measure's history, the yearly report
 * (redovisning) as text, JSON or XLSX (built locally from the report's JSON),
 * and the report deadlines.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/client.h"
#include "model/plan.h"

static const char plan_usage[] =
        "usage: skydd plan list [--json]\n"
        "       skydd plan show PLAN [--json]\n"
        "       skydd plan import FILE [--json]\n"
        "       skydd plan export [PLAN] [--output FILE]\n"
        "       skydd plan measures PLAN [--status S] [--org ORG] [--objective N] [--json]\n"
        "       skydd plan add PLAN --objective N --title TEXT [--number N] [options]\n"
        "       skydd plan update MEASURE [--title TEXT] [options]\n"
        "       skydd plan complete MEASURE --year YEAR [--json]\n"
        "       skydd plan write-off MEASURE --year YEAR --reason TEXT [--json]\n"
        "       skydd plan reopen MEASURE --reason TEXT [--json]\n"
        "       skydd plan continue MEASURE --reason TEXT [--json]\n"
        "       skydd plan history MEASURE [--json]\n"
        "       skydd plan report PLAN [--year YEAR] [--org ORG] [--xlsx FILE | --odt FILE]\n"
        "                         [--json]\n"
        "       skydd plan report-text PLAN --year YEAR --file FILE [--json]\n"
        "       skydd plan submit PLAN --year YEAR [--json]\n"
        "       skydd plan year PLAN --to YEAR [--json]\n"
        "       skydd plan deadlines [--json]\n"
        "       skydd plan agencies PLAN [--json]\n"
        "       skydd plan contact PLAN --identity ID (--agency ORG | --remove) [--json]\n"
        "       skydd plan assign PLAN --agency ORG --deadline YYYY-MM-DD [--json]\n"
        "       skydd plan status PLAN --agency ORG --status S [--json]\n"
        "       skydd plan approve PLAN --agency ORG [--json]\n"
        "       skydd plan propose MEASURE [--title TEXT] [options] [--note TEXT] [--json]\n"
        "       skydd plan accept PROPOSAL [--json]\n"
        "       skydd plan reject PROPOSAL --reason TEXT [--json]\n\n"
        "Coordinated action plans (handlingsplaner): strategic priorities, objectives\n"
        "(målsättningar) and measures (åtgärder) with their status and markers. PLAN\n"
        "is the plan's id (see 'plan list'); MEASURE is the measure's number, e.g.\n"
        "1.1.17 (PLAN:1.1.17 when several plans have it). A measure number is never\n"
        "reused. A plan reports one year at a time: submit freezes the year's report,\n"
        "year moves the plan on. Changes need the role ssc or chief; every logged-in user\n"
        "may read. An agency's contact (role agency, bound to one authority by 'plan\n"
        "contact') sees its agency's measures, proposes changes to them, sets its status\n"
        "and approves its part; the report is submitted when every assigned agency has\n"
        "approved. Every command also takes --url URL, --cacert FILE and --insecure.\n";

static const char list_usage[] = "usage: skydd plan list [--json]\n\n"
                                 "Lists the plans with their counts of measures.\n\n"
                                 "  --json           print the API's JSON\n" CLIENT_OPTS_HELP;

static const char show_usage[] =
        "usage: skydd plan show PLAN [--json]\n\n"
        "Shows a plan: its priorities, objectives and measures with status and marker.\n\n"
        "  --json           print the API's JSON\n" CLIENT_OPTS_HELP;

static const char import_usage[] =
        "usage: skydd plan import FILE [--json]\n\n"
        "Imports a plan from a JSON file in the format of handlingsplan-2021.json\n"
        "(title, report_year, period, source, authorities, strategic_priorities,\n"
        "measures). All or nothing: a refusal names the JSON path, e.g.\n"
        "measures[3].objective, and nothing is written.\n\n"
        "  --json           print the API's JSON\n" CLIENT_OPTS_HELP;

static const char export_usage[] =
        "usage: skydd plan export [PLAN] [--output FILE]\n\n"
        "Writes a plan (default: the newest) in the import format: the same bytes as\n"
        "an imported file when nothing changed.\n\n"
        "  --output FILE    write to FILE instead of standard output\n" CLIENT_OPTS_HELP;

static const char measures_usage[] =
        "usage: skydd plan measures PLAN [--status S] [--org ORG] [--objective N] [--json]\n\n"
        "Lists a plan's measures.\n\n"
        "  --status S       current, completed or written_off\n"
        "  --org ORG        an authority's short name (responsible or participant)\n"
        "  --objective N    an objective's number, e.g. 1.1\n"
        "  --json           print the API's JSON\n" CLIENT_OPTS_HELP;

static const char add_usage[] =
        "usage: skydd plan add PLAN --objective N --title TEXT [--number N] [options]\n\n"
        "Adds a measure under an objective: the next free number, or --number (one\n"
        "never used in the plan).\n\n"
        "  --objective N        the objective, e.g. 1.1\n"
        "  --title TEXT         the title\n"
        "  --number N           an explicit number, e.g. 1.1.25\n"
        "  --description TEXT   what is done\n"
        "  --responsible LIST   authorities, comma-separated (short names)\n"
        "  --participants LIST  authorities taking part, comma-separated\n"
        "  --period TEXT        2019–2022, 2021 or '2019 och tills vidare'\n"
        "  --marker M           new, updated or none\n"
        "  --json               print the API's JSON\n" CLIENT_OPTS_HELP;

static const char update_usage[] =
        "usage: skydd plan update MEASURE [--title TEXT] [options]\n\n"
        "Changes a current measure.\n\n"
        "  --title TEXT             the title\n"
        "  --description TEXT       what is done\n"
        "  --responsible LIST       authorities, comma-separated\n"
        "  --participants LIST      authorities taking part, comma-separated\n"
        "  --responsible-text TEXT  the responsible line as written\n"
        "  --period TEXT            2019–2022, 2021 or '2019 och tills vidare'\n"
        "  --marker M               new, updated or none\n"
        "  --json                   print the API's JSON\n" CLIENT_OPTS_HELP;

static const char complete_usage[] = "usage: skydd plan complete MEASURE --year YEAR [--json]\n\n"
                                     "Marks a current measure completed in YEAR.\n\n"
                                     "  --year YEAR      e.g. 2021\n"
                                     "  --json           print the API's JSON\n" CLIENT_OPTS_HELP;

static const char write_off_usage[] =
        "usage: skydd plan write-off MEASURE --year YEAR --reason TEXT [--json]\n\n"
        "Writes a current measure off in YEAR; its number stays used.\n\n"
        "  --year YEAR      e.g. 2021\n"
        "  --reason TEXT    why\n"
        "  --json           print the API's JSON\n" CLIENT_OPTS_HELP;

static const char history_usage[] =
        "usage: skydd plan history MEASURE [--json]\n\n"
        "Shows a measure's ledger entries: its import or addition and every change.\n\n"
        "  --json           print the API's JSON\n" CLIENT_OPTS_HELP;

static const char report_usage[] =
        "usage: skydd plan report PLAN [--year YEAR] [--org ORG] [--xlsx FILE | --odt FILE]\n"
        "                         [--json]\n\n"
        "The yearly report (redovisning, due 1 March for the previous year): the\n"
        "current measures per priority and objective with their markers, and the\n"
        "appendix of current, completed and written-off measures.\n\n"
        "  --year YEAR      the reporting year (default: the plan's)\n"
        "  --org ORG        only this authority's measures\n"
        "  --xlsx FILE      write the report as an XLSX workbook to FILE\n"
        "  --odt FILE       write it as an OpenDocument text (ODT) to FILE, to edit\n"
        "  --lang sv|en     the text report's language (default: sv when LC_ALL,\n"
        "                   LC_MESSAGES or LANG starts with sv, else en)\n"
        "  --json           print the API's JSON\n" CLIENT_OPTS_HELP;

static const char reopen_usage[] =
        "usage: skydd plan reopen MEASURE --reason TEXT [--json]\n\n"
        "Reopens a completed or written-off measure (a correction: its year or reason\n"
        "was wrong); complete or write it off again with the right values.\n\n"
        "  --reason TEXT    what was wrong\n"
        "  --json           print the API's JSON\n" CLIENT_OPTS_HELP;

static const char continue_usage[] =
        "usage: skydd plan continue MEASURE --reason TEXT [--json]\n\n"
        "The final report's closing decision for a measure that stays current: it goes\n"
        "on after the plan (e.g. in its successor). Only in the plan's last reporting\n"
        "year; the final report needs a decision (complete, write off or continue) for\n"
        "every current measure.\n\n"
        "  --reason TEXT    why and where it goes on\n"
        "  --json           print the API's JSON\n" CLIENT_OPTS_HELP;

static const char report_text_usage[] =
        "usage: skydd plan report-text PLAN --year YEAR --file FILE [--json]\n\n"
        "Sets the report's own text for the plan's reporting year from a JSON file:\n"
        "{\"summary\": TEXT, \"priorities\": [{\"number\": \"1\", \"text\": TEXT}],\n"
        "\"sections\": [{\"title\": TEXT, \"text\": TEXT}]} (each optional; replaces the\n"
        "year's text). It is part of the report and frozen with it.\n\n"
        "  --year YEAR      the plan's reporting year\n"
        "  --file FILE      the JSON file\n"
        "  --json           print the API's JSON\n" CLIENT_OPTS_HELP;

static const char submit_usage[] =
        "usage: skydd plan submit PLAN --year YEAR [--json]\n\n"
        "Submits the report for the plan's reporting year: its bytes are frozen and\n"
        "their SHA-256 is an entry in the ledger; 'plan report --year' gives the same\n"
        "bytes ever after. The year's measures cannot change afterwards.\n\n"
        "  --year YEAR      the plan's reporting year\n"
        "  --json           print the API's JSON\n" CLIENT_OPTS_HELP;

static const char year_usage[] =
        "usage: skydd plan year PLAN --to YEAR [--json]\n\n"
        "Moves the plan to its next reporting year, after the current year's report is\n"
        "submitted and not beyond the plan's period. Changes made from then on are\n"
        "marked with the new year.\n\n"
        "  --to YEAR        the next reporting year\n"
        "  --json           print the API's JSON\n" CLIENT_OPTS_HELP;

static const char deadlines_usage[] = "usage: skydd plan deadlines [--json]\n\n"
                                      "The next yearly report deadline of every plan.\n\n"
                                      "  --json           print the API's JSON\n" CLIENT_OPTS_HELP;

static const char agencies_usage[] =
        "usage: skydd plan agencies PLAN [--json]\n\n"
        "The per-agency work on the plan's reporting year: contacts, assignments with\n"
        "deadline, status and approval, and proposals.\n\n"
        "  --json           print the API's JSON\n" CLIENT_OPTS_HELP;

static const char contact_usage[] =
        "usage: skydd plan contact PLAN --identity ID (--agency ORG | --remove) [--json]\n\n"
        "Makes a user holding the role agency the contact of one authority of the plan\n"
        "(or ends it, --remove). The ssc or the head decides; nobody about themselves.\n\n"
        "  --identity ID    the user's id\n"
        "  --agency ORG     the authority's short name in the plan\n"
        "  --remove         end the binding\n"
        "  --json           print the API's JSON\n" CLIENT_OPTS_HELP;

static const char assign_usage[] =
        "usage: skydd plan assign PLAN --agency ORG --deadline YYYY-MM-DD [--json]\n\n"
        "Gives an agency its part of the reporting year's report, due on the deadline\n"
        "(in the year or before 1 March after it, when the report is due).\n\n"
        "  --agency ORG     the authority's short name in the plan\n"
        "  --deadline DATE  YYYY-MM-DD\n"
        "  --json           print the API's JSON\n" CLIENT_OPTS_HELP;

static const char status_usage[] =
        "usage: skydd plan status PLAN --agency ORG --status S [--json]\n\n"
        "The agency's status (by its contact): not_started, in_progress or ready. A\n"
        "change withdraws an approval.\n\n"
        "  --agency ORG     your agency\n"
        "  --status S       not_started, in_progress or ready\n"
        "  --json           print the API's JSON\n" CLIENT_OPTS_HELP;

static const char approve_usage[] =
        "usage: skydd plan approve PLAN --agency ORG [--json]\n\n"
        "Approves the agency's part of the report (by its contact): the status is ready\n"
        "and none of its proposals awaits the coordinator.\n\n"
        "  --agency ORG     your agency\n"
        "  --json           print the API's JSON\n" CLIENT_OPTS_HELP;

static const char propose_usage[] =
        "usage: skydd plan propose MEASURE [--title TEXT] [--description TEXT]\n"
        "                          [--responsible-text TEXT] [--responsible A,B]\n"
        "                          [--participants A,B] [--period TEXT]\n"
        "                          [--marker new|updated|none] [--note TEXT] [--json]\n\n"
        "Proposes a change to a measure your agency is responsible for (its contact);\n"
        "the coordinator accepts or rejects it.\n\n"
        "  --note TEXT      why (for the coordinator)\n"
        "  --json           print the API's JSON\n" CLIENT_OPTS_HELP;

static const char accept_usage[] =
        "usage: skydd plan accept PROPOSAL [--json]\n\n"
        "Accepts an agency's proposal: the measure changes (ssc or head, not the one\n"
        "who proposed it).\n\n"
        "  --json           print the API's JSON\n" CLIENT_OPTS_HELP;

static const char reject_usage[] =
        "usage: skydd plan reject PROPOSAL --reason TEXT [--json]\n\n"
        "Rejects an agency's proposal with the reason (ssc or head, not the one who\n"
        "proposed it).\n\n"
        "  --reason TEXT    why\n"
        "  --json           print the API's JSON\n" CLIENT_OPTS_HELP;

enum { V_A, V_B, V_C, V_D, V_E, V_F, V_G, V_H, V_I };

#define COMMON_OPTS                                                                                \
	{"json", no_argument, NULL, 'j'}, {"help", no_argument, NULL, 'h'}, CLIENT_LONG_OPTS,      \
	{                                                                                          \
		NULL, 0, NULL, 0                                                                   \
	}

/* ---- helpers ---- */

static bool parse_year(const char *s, int64_t *out)
{
	uint64_t v;

	if (!s || !cli_parse_u64(s, &v) || v < PLAN_YEAR_MIN || v > PLAN_YEAR_MAX)
		return false;
	*out = (int64_t)v;
	return true;
}

/* "A,B , C" → ["A","B","C"] (empty items dropped). */
static json_t *list_of(const char *s)
{
	json_t *arr = json_array();
	const char *p = s;

	while (arr && *p) {
		size_t n = strcspn(p, ",");
		const char *a = p, *e = p + n;

		while (a < e && *a == ' ')
			a++;
		while (e > a && e[-1] == ' ')
			e--;
		if (e > a)
			json_array_append_new(arr, json_stringn(a, (size_t)(e - a)));
		p += n;
		p += *p == ',';
	}
	return arr;
}

static bool need_id(const char *cmd, const char *what, const struct client_args *a, int64_t *id)
{
	if (!a->id || !client_parse_id(a->id, id)) {
		cli_error(CLI_USAGE, "%s: give the %s's id (see 'skydd %s --help')", cmd, what,
		          cmd);
		return false;
	}
	return true;
}

/*
 * The API path of a measure named by its number ("1.1.17"), "PLAN:NUMBER"
 * when the number is in several plans, or its id; then suffix.
 */
static bool measure_path(const char *cmd, const struct client_args *a, const char *suffix,
                         char *out, size_t cap)
{
	const char *ref = a->id, *colon = ref ? strchr(ref, ':') : NULL;
	char plan[24] = "";
	size_t n;
	int64_t pid;

	if (colon) {
		n = (size_t)(colon - ref);
		if (n == 0 || n >= sizeof(plan)) {
			cli_error(CLI_USAGE, "%s: MEASURE is NUMBER (1.1.17) or PLAN:NUMBER", cmd);
			return false;
		}
		memcpy(plan, ref, n);
		plan[n] = '\0';
		if (!client_parse_id(plan, &pid)) {
			cli_error(CLI_USAGE, "%s: '%s' is not a plan id", cmd, plan);
			return false;
		}
		ref = colon + 1;
	}
	n = ref ? strspn(ref, "0123456789.") : 0;
	if (!ref || n == 0 || n > 32 || ref[n] != '\0') {
		cli_error(CLI_USAGE,
		          "%s: give the measure's number, e.g. 1.1.17 (see 'skydd %s --help')", cmd,
		          cmd);
		return false;
	}
	if (colon)
		snprintf(out, cap, "/api/v1/measures/%s%s?plan=%lld", ref, suffix, (long long)pid);
	else
		snprintf(out, cap, "/api/v1/measures/%s%s", ref, suffix);
	return true;
}

static const char *s_or(const json_t *o, const char *key, const char *def)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : def;
}

/* ---- show functions ---- */

static void show_list(json_t *o)
{
	static const char *const head[] = {"ID",        "YEAR",        "MEASURES", "CURRENT",
	                                   "COMPLETED", "WRITTEN OFF", "TITLE"};
	char v[7][512];
	const char *row[7];
	struct client_table t;
	json_t *x;
	size_t i;

	client_table_init(&t, 7);
	client_table_row(&t, head);
	json_array_foreach(json_object_get(o, "plans"), i, x)
	{
		json_t *c = json_object_get(x, "counts");

		row[0] = client_field(x, "id", v[0], sizeof(v[0]));
		row[1] = client_field(x, "report_year", v[1], sizeof(v[1]));
		row[2] = client_field(c, "measures", v[2], sizeof(v[2]));
		row[3] = client_field(c, "current", v[3], sizeof(v[3]));
		row[4] = client_field(c, "completed", v[4], sizeof(v[4]));
		row[5] = client_field(c, "written_off", v[5], sizeof(v[5]));
		row[6] = client_field(x, "title", v[6], sizeof(v[6]));
		client_table_row(&t, row);
	}
	client_table_print(&t);
	client_table_release(&t);
}

/*
 * Prints text whose newlines come from our own format strings; each piece
 * between them goes through client_puts_safe (control characters become '?').
 */
static void put_text(const char *s)
{
	char piece[1400];

	while (*s) {
		size_t n = strcspn(s, "\n");

		snprintf(piece, sizeof(piece), "%.*s", (int)n, s);
		client_puts_safe(piece);
		s += n;
		if (*s == '\n') {
			putchar('\n');
			s++;
		}
	}
}

/* The text report in Swedish only (plan report --lang sv), else English. */
static bool g_sv;

static const char *status_word(const char *status)
{
	if (!g_sv)
		return status;
	if (strcmp(status, "completed") == 0)
		return "avslutad";
	return strcmp(status, "written_off") == 0 ? "avskriven" : "pågående";
}

static const char *marker_word(const char *marker)
{
	if (!g_sv || !marker[0])
		return marker;
	return strcmp(marker, "new") == 0 ? "ny" : "uppdaterad";
}

/* One measure: number, [status and its year, marker], title, responsible, period; the reason. */
static void print_measure_line(json_t *x, const char *indent)
{
	char line[1400], year[16] = "";
	const char *marker = s_or(x, "marker", "");
	const char *status = s_or(x, "status", "current");

	if (json_is_integer(json_object_get(x, "status_year")))
		snprintf(year, sizeof(year), " %lld",
		         (long long)json_integer_value(json_object_get(x, "status_year")));
	snprintf(line, sizeof(line), "%s%s  [%s%s%s%s] %s — %s (%s)", indent, s_or(x, "number", ""),
	         status_word(status), year, marker[0] ? ", " : "", marker_word(marker),
	         s_or(x, "title", ""), s_or(x, "responsible_text", ""),
	         s_or(x, "period_text", "-"));
	client_puts_safe(line);
	putchar('\n');
	if (json_is_string(json_object_get(x, "status_reason"))) {
		snprintf(line, sizeof(line), "%s    %s %s", indent,
		         g_sv ? "Skäl:" : "Reason:", s_or(x, "status_reason", ""));
		client_puts_safe(line);
		putchar('\n');
	}
}

static void show_plan(json_t *o)
{
	json_t *p = json_object_get(o, "plan"), *pr, *ob, *x;
	char v[512], line[1200];
	size_t i, j, k;

	client_kv("id", client_field(p, "id", v, sizeof(v)));
	client_kv("title", client_field(p, "title", v, sizeof(v)));
	client_kv("period", client_field(p, "period", v, sizeof(v)));
	client_kv("report year", client_field(p, "report_year", v, sizeof(v)));
	json_array_foreach(json_object_get(p, "strategic_priorities"), i, pr)
	{
		snprintf(line, sizeof(line), "\n%s %s\n", s_or(pr, "number", ""),
		         s_or(pr, "title", ""));
		put_text(line);
		json_array_foreach(json_object_get(pr, "objectives"), j, ob)
		{
			snprintf(line, sizeof(line), "  %s %s\n", s_or(ob, "number", ""),
			         s_or(ob, "title", ""));
			put_text(line);
			json_array_foreach(json_object_get(ob, "measures"), k, x)
			        print_measure_line(x, "    ");
		}
	}
}

static void show_measures(json_t *o)
{
	static const char *const head[] = {"NUMBER", "STATUS",      "YEAR", "MARKER",
	                                   "PERIOD", "RESPONSIBLE", "TITLE"};
	static const char *const keys[] = {"number", "status",      "status_year",
	                                   "marker", "period_text", "responsible_text",
	                                   "title"};
	client_table_json(json_object_get(o, "measures"), 7, head, keys, 512);
}

static void show_measure(json_t *o)
{
	json_t *m = json_object_get(o, "measure");
	char v[2048];

	client_kv("number", client_field(m, "number", v, sizeof(v)));
	client_kv("objective", client_field(m, "objective", v, sizeof(v)));
	client_kv("title", client_field(m, "title", v, sizeof(v)));
	client_kv("responsible", client_field(m, "responsible_text", v, sizeof(v)));
	client_kv("period", client_field(m, "period_text", v, sizeof(v)));
	client_kv("marker", client_field(m, "marker", v, sizeof(v)));
	client_kv("status", client_field(m, "status", v, sizeof(v)));
	if (json_is_integer(json_object_get(m, "status_year")))
		client_kv("year", client_field(m, "status_year", v, sizeof(v)));
	if (json_is_string(json_object_get(m, "status_reason")))
		client_kv("reason", client_field(m, "status_reason", v, sizeof(v)));
	if (json_is_string(json_object_get(m, "continues")))
		client_kv("continues", client_field(m, "continues", v, sizeof(v)));
}

static void show_history(json_t *o)
{
	json_t *x;
	size_t i;

	show_measure(o);
	json_array_foreach(json_object_get(o, "history"), i, x)
	{
		char line[256];

		snprintf(line, sizeof(line), "%s  seq %lld  %s  by %lld\n", s_or(x, "time", ""),
		         (long long)json_integer_value(json_object_get(x, "seq")),
		         s_or(x, "kind", ""),
		         (long long)json_integer_value(json_object_get(x, "actor")));
		put_text(line);
	}
}

/* Changes since last year, and current measures whose period has ended. */
static void show_changes(const json_t *r)
{
	static const char *const kinds[] = {"added", "completed", "written_off", "reopened",
	                                    "changed"};
	static const char *const names[] = {
	        "Added (tillkomna)", "Completed (avslutade)", "Written off (avskrivna)",
	        "Reopened (återöppnade, rättelser)", "Changed (ändrade)"};
	static const char *const names_sv[] = {"Tillkomna", "Avslutade", "Avskrivna",
	                                       "Återöppnade (rättelser)", "Ändrade"};
	const json_t *ch = json_object_get(r, "changes");
	char line[1200], what[64];
	size_t i, j;
	json_t *x;

	snprintf(line, sizeof(line),
	         g_sv ? "\nFörändringar sedan föregående år (%lld)\n"
	              : "\nChanges in %lld (förändringar sedan föregående år)\n",
	         (long long)json_integer_value(json_object_get(r, "year")));
	put_text(line);
	for (i = 0; i < 5; i++) {
		if (json_array_size(json_object_get(ch, kinds[i])) == 0)
			continue;
		snprintf(line, sizeof(line), "  %s\n", g_sv ? names_sv[i] : names[i]);
		put_text(line);
		json_array_foreach(json_object_get(ch, kinds[i]), j, x)
		{
			what[0] = '\0';
			if (i == 4)
				snprintf(what, sizeof(what), " [%s%s%s]",
				         json_is_true(json_object_get(x, "text"))
				                 ? (g_sv ? "innehåll " : "text ")
				                 : "",
				         json_is_true(json_object_get(x, "agencies"))
				                 ? (g_sv ? "myndigheter " : "agencies ")
				                 : "",
				         json_is_true(json_object_get(x, "timetable"))
				                 ? (g_sv ? "tidplan" : "timetable")
				                 : "");
			else if ((i == 1 || i == 2) && json_is_integer(json_object_get(x, "year")))
				snprintf(what, sizeof(what), " (%lld)",
				         (long long)json_integer_value(json_object_get(x, "year")));
			snprintf(line, sizeof(line), "    %s %s%s%s%s\n", s_or(x, "number", ""),
			         s_or(x, "title", ""), what,
			         json_is_string(json_object_get(x, "reason")) ? " — " : "",
			         s_or(x, "reason", ""));
			put_text(line);
		}
	}
	if (json_array_size(json_object_get(r, "period_ended")) > 0) {
		put_text(g_sv ? "\nPågående åtgärder vars tidsperiod har löpt ut\n"
		              : "\nPeriod ended, still current (tidsperioden har löpt ut)\n");
		json_array_foreach(json_object_get(r, "period_ended"), j, x)
		{
			snprintf(line, sizeof(line), "  %s %s (%s)\n", s_or(x, "number", ""),
			         s_or(x, "title", ""), s_or(x, "period_text", ""));
			put_text(line);
		}
	}
}

/* Is the user's language Swedish (the first of LC_ALL, LC_MESSAGES, LANG that is set)? */
static bool locale_sv(void)
{
	static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};

	for (size_t i = 0; i < 3; i++) {
		const char *v = getenv(vars[i]);

		if (v && *v)
			return strncmp(v, "sv", 2) == 0;
	}
	return false;
}

/* The report in Swedish only, laid out as the seed's report and its Bilaga 1. */
static void show_report_sv(json_t *o)
{
	static const char *const sect[] = {"current", "completed", "written_off"};
	static const char *const sect_name[] = {"Pågående åtgärder", "Avslutade åtgärder",
	                                        "Avskrivna åtgärder"};
	json_t *r = json_object_get(o, "report"), *text = json_object_get(r, "text"), *pr, *ob, *x,
	       *t, *tot = json_object_get(r, "totals");
	char line[1400];
	size_t i, j, k;

	snprintf(line, sizeof(line), "%s — %s %lld%s%s (ska lämnas senast %s)\n",
	         s_or(json_object_get(r, "plan"), "title", ""),
	         json_is_true(json_object_get(r, "final")) ? "slutredovisning" : "redovisning",
	         (long long)json_integer_value(json_object_get(r, "year")),
	         json_is_string(json_object_get(r, "org")) ? ", myndighet " : "",
	         s_or(r, "org", ""), s_or(r, "due", ""));
	put_text(line);
	snprintf(line, sizeof(line),
	         "Åtgärder: %lld, varav pågående %lld (nya %lld, uppdaterade %lld), avslutade "
	         "%lld, avskrivna %lld\n",
	         (long long)json_integer_value(json_object_get(tot, "measures")),
	         (long long)json_integer_value(json_object_get(tot, "current")),
	         (long long)json_integer_value(json_object_get(tot, "new")),
	         (long long)json_integer_value(json_object_get(tot, "updated")),
	         (long long)json_integer_value(json_object_get(tot, "completed")),
	         (long long)json_integer_value(json_object_get(tot, "written_off")));
	put_text(line);
	if (json_is_string(json_object_get(text, "summary"))) {
		put_text("\nSammanfattning\n");
		put_text(s_or(text, "summary", ""));
		put_text("\n");
	}
	json_array_foreach(json_object_get(r, "strategic_priorities"), i, pr)
	{
		snprintf(line, sizeof(line), "\nStrategisk prioritering %s: %s\n",
		         s_or(pr, "number", ""), s_or(pr, "title", ""));
		put_text(line);
		json_array_foreach(json_object_get(text, "priorities"), j, t)
		{
			if (strcmp(s_or(t, "number", ""), s_or(pr, "number", "")) == 0) {
				put_text(s_or(t, "text", ""));
				put_text("\n");
			}
		}
		json_array_foreach(json_object_get(pr, "objectives"), j, ob)
		{
			int64_t n = json_integer_value(
			        json_object_get(json_object_get(ob, "counts"), "current"));

			snprintf(line, sizeof(line), "  Målsättning %s: %s\n    %lld %s\n",
			         s_or(ob, "number", ""), s_or(ob, "title", ""), (long long)n,
			         n == 1 ? "pågående åtgärd" : "pågående åtgärder");
			put_text(line);
			json_array_foreach(json_object_get(ob, "measures"), k, x)
			        print_measure_line(x, "    ");
		}
	}
	show_changes(r);
	json_array_foreach(json_object_get(text, "sections"), i, x)
	{
		snprintf(line, sizeof(line), "\n%s\n", s_or(x, "title", ""));
		put_text(line);
		put_text(s_or(x, "text", ""));
		put_text("\n");
	}
	put_text("\nBilaga 1: Åtgärder\n");
	for (i = 0; i < 3; i++) {
		x = json_object_get(json_object_get(r, "appendix"), sect[i]);
		snprintf(line, sizeof(line), "\n  %s (%zu)\n", sect_name[i], json_array_size(x));
		put_text(line);
		json_array_foreach(x, j, t) print_measure_line(t, "    ");
	}
}

static void show_report(json_t *o)
{
	static const char *const sect[] = {"current", "completed", "written_off"};
	static const char *const sect_name[] = {"Current (pågående)", "Completed (avslutade)",
	                                        "Written off (avskrivna)"};
	json_t *r = json_object_get(o, "report"), *pr, *ob, *x, *tot;
	char line[1200];
	size_t i, j, k;

	tot = json_object_get(r, "totals");
	snprintf(line, sizeof(line),
	         "%s — report %lld%s%s (due %s)\nmeasures %lld: current %lld (new %lld, updated "
	         "%lld), completed %lld, written off %lld\n",
	         s_or(json_object_get(r, "plan"), "title", ""),
	         (long long)json_integer_value(json_object_get(r, "year")),
	         json_is_string(json_object_get(r, "org")) ? ", " : "", s_or(r, "org", ""),
	         s_or(r, "due", ""),
	         (long long)json_integer_value(json_object_get(tot, "measures")),
	         (long long)json_integer_value(json_object_get(tot, "current")),
	         (long long)json_integer_value(json_object_get(tot, "new")),
	         (long long)json_integer_value(json_object_get(tot, "updated")),
	         (long long)json_integer_value(json_object_get(tot, "completed")),
	         (long long)json_integer_value(json_object_get(tot, "written_off")));
	put_text(line);
	if (json_is_string(json_object_get(json_object_get(r, "text"), "summary"))) {
		put_text("\nSummary (sammanfattning)\n");
		put_text(s_or(json_object_get(r, "text"), "summary", ""));
		put_text("\n");
	}
	json_array_foreach(json_object_get(r, "strategic_priorities"), i, pr)
	{
		snprintf(line, sizeof(line), "\n%s %s\n", s_or(pr, "number", ""),
		         s_or(pr, "title", ""));
		put_text(line);
		json_array_foreach(json_object_get(pr, "objectives"), j, ob)
		{
			snprintf(line, sizeof(line), "  %s %s\n", s_or(ob, "number", ""),
			         s_or(ob, "title", ""));
			put_text(line);
			json_array_foreach(json_object_get(ob, "measures"), k, x)
			        print_measure_line(x, "    ");
		}
	}
	for (i = 0; i < 3; i++) {
		snprintf(line, sizeof(line), "\nAppendix: %s\n", sect_name[i]);
		put_text(line);
		json_array_foreach(json_object_get(json_object_get(r, "appendix"), sect[i]), j, x)
		        print_measure_line(x, "  ");
	}
	show_changes(r);
	json_array_foreach(json_object_get(json_object_get(r, "text"), "sections"), i, x)
	{
		snprintf(line, sizeof(line), "\n%s\n", s_or(x, "title", ""));
		put_text(line);
		put_text(s_or(x, "text", ""));
		put_text("\n");
	}
}

static void show_deadlines(json_t *o)
{
	json_t *x;
	size_t i;

	json_array_foreach(json_object_get(o, "deadlines"), i, x)
	{
		char line[700];

		snprintf(line, sizeof(line), "%s  plan %lld  report for %lld  (%lld days)  %s\n",
		         s_or(x, "due", ""),
		         (long long)json_integer_value(json_object_get(x, "plan_id")),
		         (long long)json_integer_value(json_object_get(x, "year")),
		         (long long)json_integer_value(json_object_get(x, "days_left")),
		         s_or(x, "plan_title", ""));
		put_text(line);
	}
}

/* ---- subcommands ---- */

static int plan_list_cmd(int argc, char **argv)
{
	static const struct option opts[] = {COMMON_OPTS};
	struct client_args a;
	int rc = client_parse_args(argc, argv, opts, "plan list", list_usage, &a);

	if (rc)
		return rc < 0 ? CLI_OK : rc;
	if (a.id)
		return cli_error(CLI_USAGE, "plan list: unexpected argument '%s'", a.id);
	return client_call_show("plan list", &a, "GET", "/api/v1/plans", NULL, show_list);
}

static int plan_show_cmd(int argc, char **argv)
{
	static const struct option opts[] = {COMMON_OPTS};
	struct client_args a;
	char path[96];
	int64_t id;
	int rc = client_parse_args(argc, argv, opts, "plan show", show_usage, &a);

	if (rc)
		return rc < 0 ? CLI_OK : rc;
	if (!need_id("plan show", "plan", &a, &id))
		return CLI_USAGE;
	snprintf(path, sizeof(path), "/api/v1/plans/%lld", (long long)id);
	return client_call_show("plan show", &a, "GET", path, NULL, show_plan);
}

static void show_imported(json_t *o)
{
	json_t *p = json_object_get(o, "plan");

	printf("imported plan %lld: %lld measures\n",
	       (long long)json_integer_value(json_object_get(p, "id")),
	       (long long)json_integer_value(
	               json_object_get(json_object_get(p, "counts"), "measures")));
}

/* Reads a JSON object from path (at most 1 MiB); NULL after a one-line error. */
static json_t *read_object(const char *cmd, const char *path, int *rc)
{
	char field[64] = "", msg[160] = "", chunk[8192];
	struct buf b;
	json_t *doc;
	size_t n;
	FILE *f = fopen(path, "rb");

	*rc = CLI_USAGE;
	if (!f)
		return cli_error(CLI_USAGE, "%s: cannot open %s", cmd, path), NULL;
	buf_init(&b, 1024 * 1024);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&b, chunk, n);
	fclose(f);
	if (b.err) {
		buf_release(&b);
		return cli_error(CLI_USAGE, "%s: %s is larger than 1 MiB", cmd, path), NULL;
	}
	doc = sk_json_parse(b.ptr ? b.ptr : "", b.len, 32, field, sizeof(field), msg, sizeof(msg));
	buf_release(&b);
	if (!doc)
		return cli_error(CLI_USAGE, "%s: %s: %s%s%s", cmd, path, field,
		                 field[0] ? ": " : "", msg),
		       NULL;
	if (!json_is_object(doc)) {
		json_decref(doc);
		return cli_error(CLI_USAGE, "%s: %s: must be a JSON object", cmd, path), NULL;
	}
	*rc = CLI_OK;
	return doc;
}

static int plan_import_cmd(int argc, char **argv)
{
	static const struct option opts[] = {COMMON_OPTS};
	struct client_args a;
	json_t *doc;
	int rc = client_parse_args(argc, argv, opts, "plan import", import_usage, &a);

	if (rc)
		return rc < 0 ? CLI_OK : rc;
	if (!a.id)
		return cli_error(CLI_USAGE, "plan import: give the JSON file (see 'skydd plan "
		                            "import --help')");
	doc = read_object("plan import", a.id, &rc);
	if (!doc)
		return rc;
	rc = client_call_show("plan import", &a, "POST", "/api/v1/plans", doc, show_imported);
	json_decref(doc);
	return rc;
}

static int plan_export_cmd(int argc, char **argv)
{
	static const struct option opts[] = {{"output", required_argument, NULL, CLIENT_VALUE(V_A)},
	                                     COMMON_OPTS};
	struct client_args a;
	struct client *cl = NULL;
	json_t *o = NULL;
	char path[96];
	int64_t id = 0;
	struct buf b;
	int rc = client_parse_args(argc, argv, opts, "plan export", export_usage, &a);

	if (rc)
		return rc < 0 ? CLI_OK : rc;
	if (a.id && !client_parse_id(a.id, &id))
		return cli_error(CLI_USAGE, "plan export: give the plan's id");
	rc = client_open("plan export", &a.co, true, &cl);
	if (!rc && !id) {
		/* the newest plan */
		rc = client_call(cl, "GET", "/api/v1/plans", NULL, &o);
		if (!rc) {
			json_t *arr = json_object_get(o, "plans");
			size_t n = json_array_size(arr);

			if (n == 0)
				rc = cli_error(CLI_FAIL, "plan export: there is no plan");
			else
				id = json_integer_value(
				        json_object_get(json_array_get(arr, n - 1), "id"));
		}
		json_decref(o);
		o = NULL;
	}
	if (!rc) {
		snprintf(path, sizeof(path), "/api/v1/plans/%lld/export", (long long)id);
		rc = client_call(cl, "GET", path, NULL, &o);
	}
	client_free(cl);
	if (rc)
		return rc;
	buf_init(&b, 16 * 1024 * 1024);
	if (plan_export_text(o, &b) != SK_OK) {
		json_decref(o);
		buf_release(&b);
		return cli_error(CLI_USAGE, "plan export: out of memory");
	}
	json_decref(o);
	if (a.values[V_A]) {
		FILE *f = fopen(a.values[V_A], "wb");

		if (!f || fwrite(b.ptr, 1, b.len, f) != b.len || fclose(f) != 0) {
			buf_release(&b);
			return cli_error(CLI_USAGE, "plan export: cannot write %s", a.values[V_A]);
		}
	} else {
		fwrite(b.ptr, 1, b.len, stdout);
	}
	buf_release(&b);
	return CLI_OK;
}

static int plan_measures_cmd(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"status", required_argument, NULL, CLIENT_VALUE(V_A)},
	        {"org", required_argument, NULL, CLIENT_VALUE(V_B)},
	        {"objective", required_argument, NULL, CLIENT_VALUE(V_C)},
	        COMMON_OPTS};
	struct client_args a;
	struct buf path;
	int64_t id;
	int rc = client_parse_args(argc, argv, opts, "plan measures", measures_usage, &a);

	if (rc)
		return rc < 0 ? CLI_OK : rc;
	if (!need_id("plan measures", "plan", &a, &id))
		return CLI_USAGE;
	buf_init(&path, 4096);
	buf_printf(&path, "/api/v1/plans/%lld/measures", (long long)id);
	client_query_add(&path, "status", a.values[V_A]);
	client_query_add(&path, "org", a.values[V_B]);
	client_query_add(&path, "objective", a.values[V_C]);
	rc = path.err ? cli_error(CLI_USAGE, "plan measures: the options are too long")
	              : client_call_show("plan measures", &a, "GET", path.ptr, NULL, show_measures);
	buf_release(&path);
	return rc;
}

/* The editable fields of add and update from the options (values[B..H]). */
static json_t *edit_body(const struct client_args *a, bool add)
{
	json_t *body = json_object();

	if (!body)
		return NULL;
	if (add && a->values[V_A])
		json_object_set_new(body, "objective", json_string(a->values[V_A]));
	client_body_str(body, "title", a->values[V_B]);
	if (add && a->values[V_C])
		json_object_set_new(body, "number", json_string(a->values[V_C]));
	if (!add && a->values[V_C])
		json_object_set_new(body, "responsible_text", json_string(a->values[V_C]));
	client_body_str(body, "description", a->values[V_D]);
	if (a->values[V_E])
		json_object_set_new(body, "responsible", list_of(a->values[V_E]));
	if (a->values[V_F])
		json_object_set_new(body, "participants", list_of(a->values[V_F]));
	client_body_str(body, "period_text", a->values[V_G]);
	client_body_str(body, "marker", a->values[V_H]);
	return body;
}

static int plan_add_cmd(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"objective", required_argument, NULL, CLIENT_VALUE(V_A)},
	        {"title", required_argument, NULL, CLIENT_VALUE(V_B)},
	        {"number", required_argument, NULL, CLIENT_VALUE(V_C)},
	        {"description", required_argument, NULL, CLIENT_VALUE(V_D)},
	        {"responsible", required_argument, NULL, CLIENT_VALUE(V_E)},
	        {"participants", required_argument, NULL, CLIENT_VALUE(V_F)},
	        {"period", required_argument, NULL, CLIENT_VALUE(V_G)},
	        {"marker", required_argument, NULL, CLIENT_VALUE(V_H)},
	        COMMON_OPTS};
	struct client_args a;
	char path[96];
	json_t *body;
	int64_t id;
	int rc = client_parse_args(argc, argv, opts, "plan add", add_usage, &a);

	if (rc)
		return rc < 0 ? CLI_OK : rc;
	if (!need_id("plan add", "plan", &a, &id))
		return CLI_USAGE;
	if (!a.values[V_A] || !a.values[V_B])
		return cli_error(CLI_USAGE, "plan add: --objective and --title are required");
	body = edit_body(&a, true);
	if (!body || json_object_size(body) == 0) {
		json_decref(body);
		return cli_error(CLI_USAGE, "plan add: the arguments must be UTF-8 text");
	}
	snprintf(path, sizeof(path), "/api/v1/plans/%lld/measures", (long long)id);
	rc = client_call_show("plan add", &a, "POST", path, body, show_measure);
	json_decref(body);
	return rc;
}

static int plan_update_cmd(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"title", required_argument, NULL, CLIENT_VALUE(V_B)},
	        {"responsible-text", required_argument, NULL, CLIENT_VALUE(V_C)},
	        {"description", required_argument, NULL, CLIENT_VALUE(V_D)},
	        {"responsible", required_argument, NULL, CLIENT_VALUE(V_E)},
	        {"participants", required_argument, NULL, CLIENT_VALUE(V_F)},
	        {"period", required_argument, NULL, CLIENT_VALUE(V_G)},
	        {"marker", required_argument, NULL, CLIENT_VALUE(V_H)},
	        COMMON_OPTS};
	struct client_args a;
	char path[128];
	json_t *body;
	int rc = client_parse_args(argc, argv, opts, "plan update", update_usage, &a);

	if (rc)
		return rc < 0 ? CLI_OK : rc;
	if (!measure_path("plan update", &a, "", path, sizeof(path)))
		return CLI_USAGE;
	body = edit_body(&a, false);
	if (!body || json_object_size(body) == 0) {
		json_decref(body);
		return cli_error(CLI_USAGE, "plan update: give at least one field to change");
	}
	rc = client_call_show("plan update", &a, "PATCH", path, body, show_measure);
	json_decref(body);
	return rc;
}

static int close_cmd(int argc, char **argv, bool write_off)
{
	static const struct option opts[] = {{"year", required_argument, NULL, CLIENT_VALUE(V_A)},
	                                     {"reason", required_argument, NULL, CLIENT_VALUE(V_B)},
	                                     COMMON_OPTS};
	const char *cmd = write_off ? "plan write-off" : "plan complete";
	struct client_args a;
	char path[128];
	json_t *body;
	int64_t year;
	int rc = client_parse_args(argc, argv, opts, cmd,
	                           write_off ? write_off_usage : complete_usage, &a);

	if (rc)
		return rc < 0 ? CLI_OK : rc;
	if (!measure_path(cmd, &a, write_off ? "/write-off" : "/complete", path, sizeof(path)))
		return CLI_USAGE;
	if (!parse_year(a.values[V_A], &year))
		return cli_error(CLI_USAGE, "%s: --year YEAR (%d..%d) is required", cmd,
		                 PLAN_YEAR_MIN, PLAN_YEAR_MAX);
	if (write_off && !a.values[V_B])
		return cli_error(CLI_USAGE, "%s: --reason TEXT is required", cmd);
	if (!write_off && a.values[V_B])
		return cli_error(CLI_USAGE, "%s: --reason is for write-off", cmd);
	body = json_pack("{s:I}", "year", (json_int_t)year);
	if (body && write_off && json_object_set_new(body, "reason", json_string(a.values[V_B]))) {
		json_decref(body);
		body = NULL;
	}
	if (!body)
		return cli_error(CLI_USAGE, "%s: the reason must be UTF-8 text", cmd);
	rc = client_call_show(cmd, &a, "POST", path, body, show_measure);
	json_decref(body);
	return rc;
}

static int plan_complete_cmd(int argc, char **argv)
{
	return close_cmd(argc, argv, false);
}

static int plan_write_off_cmd(int argc, char **argv)
{
	return close_cmd(argc, argv, true);
}

static int plan_history_cmd(int argc, char **argv)
{
	static const struct option opts[] = {COMMON_OPTS};
	struct client_args a;
	char path[128];
	int rc = client_parse_args(argc, argv, opts, "plan history", history_usage, &a);

	if (rc)
		return rc < 0 ? CLI_OK : rc;
	if (!measure_path("plan history", &a, "/history", path, sizeof(path)))
		return CLI_USAGE;
	return client_call_show("plan history", &a, "GET", path, NULL, show_history);
}

static int plan_report_cmd(int argc, char **argv)
{
	static const struct option opts[] = {{"year", required_argument, NULL, CLIENT_VALUE(V_A)},
	                                     {"org", required_argument, NULL, CLIENT_VALUE(V_B)},
	                                     {"xlsx", required_argument, NULL, CLIENT_VALUE(V_C)},
	                                     {"odt", required_argument, NULL, CLIENT_VALUE(V_D)},
	                                     {"lang", required_argument, NULL, CLIENT_VALUE(V_E)},
	                                     COMMON_OPTS};
	struct client_args a;
	struct client *cl = NULL;
	struct buf path, x;
	json_t *o = NULL;
	int64_t id, year;
	const char *file;
	int rc = client_parse_args(argc, argv, opts, "plan report", report_usage, &a);

	if (rc)
		return rc < 0 ? CLI_OK : rc;
	if (!need_id("plan report", "plan", &a, &id))
		return CLI_USAGE;
	if (a.values[V_A] && !parse_year(a.values[V_A], &year))
		return cli_error(CLI_USAGE, "plan report: --year must be a year %d..%d",
		                 PLAN_YEAR_MIN, PLAN_YEAR_MAX);
	if (a.values[V_E] && strcmp(a.values[V_E], "sv") != 0 && strcmp(a.values[V_E], "en") != 0)
		return cli_error(CLI_USAGE, "plan report: --lang is sv or en");
	g_sv = a.values[V_E] ? strcmp(a.values[V_E], "sv") == 0 : locale_sv();
	buf_init(&path, 4096);
	buf_printf(&path, "/api/v1/plans/%lld/report", (long long)id);
	client_query_add(&path, "year", a.values[V_A]);
	client_query_add(&path, "org", a.values[V_B]);
	if (path.err) {
		buf_release(&path);
		return cli_error(CLI_USAGE, "plan report: the options are too long");
	}
	if (a.values[V_C] && a.values[V_D]) {
		buf_release(&path);
		return cli_error(CLI_USAGE, "plan report: --xlsx or --odt, not both");
	}
	file = a.values[V_C] ? a.values[V_C] : a.values[V_D];
	if (!file) {
		rc = client_call_show("plan report", &a, "GET", path.ptr, NULL,
		                      g_sv ? show_report_sv : show_report);
		buf_release(&path);
		return rc;
	}
	/* XLSX or ODT: the report's JSON, made into a file here */
	rc = client_open("plan report", &a.co, true, &cl);
	if (!rc)
		rc = client_call(cl, "GET", path.ptr, NULL, &o);
	client_free(cl);
	buf_release(&path);
	if (rc)
		return rc;
	buf_init(&x, 64 * 1024 * 1024);
	rc = a.values[V_C] ? plan_report_xlsx(o, NULL, &x) : plan_report_odt(o, &x);
	json_decref(o);
	if (rc) {
		buf_release(&x);
		return cli_error(CLI_USAGE, "plan report: cannot build the file (%s)",
		                 sk_strerror(rc));
	}
	{
		FILE *f = fopen(file, "wb");

		if (!f || fwrite(x.ptr, 1, x.len, f) != x.len || fclose(f) != 0) {
			if (f)
				fclose(f);
			buf_release(&x);
			return cli_error(CLI_USAGE, "plan report: cannot write %s", file);
		}
	}
	buf_release(&x);
	return CLI_OK;
}

/* plan reopen MEASURE --reason, plan continue MEASURE --reason */
static int reason_cmd(int argc, char **argv, bool cont)
{
	static const struct option opts[] = {{"reason", required_argument, NULL, CLIENT_VALUE(V_A)},
	                                     COMMON_OPTS};
	const char *cmd = cont ? "plan continue" : "plan reopen";
	struct client_args a;
	char path[128];
	json_t *body;
	int rc = client_parse_args(argc, argv, opts, cmd, cont ? continue_usage : reopen_usage, &a);

	if (rc)
		return rc < 0 ? CLI_OK : rc;
	if (!measure_path(cmd, &a, cont ? "/continue" : "/reopen", path, sizeof(path)))
		return CLI_USAGE;
	if (!a.values[V_A])
		return cli_error(CLI_USAGE, "%s: --reason TEXT is required", cmd);
	body = json_pack("{s:s}", "reason", a.values[V_A]);
	if (!body)
		return cli_error(CLI_USAGE, "%s: the reason must be UTF-8 text", cmd);
	rc = client_call_show(cmd, &a, "POST", path, body, show_measure);
	json_decref(body);
	return rc;
}

static int plan_reopen_cmd(int argc, char **argv)
{
	return reason_cmd(argc, argv, false);
}

static int plan_continue_cmd(int argc, char **argv)
{
	return reason_cmd(argc, argv, true);
}

static void show_plan_year(json_t *o)
{
	json_t *p = json_object_get(o, "plan");

	printf("plan %lld: reporting year %lld\n",
	       (long long)json_integer_value(json_object_get(p, "id")),
	       (long long)json_integer_value(json_object_get(p, "report_year")));
}

static void show_submitted(json_t *o)
{
	json_t *s = json_object_get(o, "submitted");

	printf("submitted the report for %lld (sha256 %s)\n",
	       (long long)json_integer_value(json_object_get(s, "year")), s_or(s, "sha256", ""));
}

/* plan year PLAN --to YEAR, plan submit PLAN --year YEAR */
static int year_cmd(int argc, char **argv, bool submit)
{
	static const struct option opts_y[] = {{"to", required_argument, NULL, CLIENT_VALUE(V_A)},
	                                       COMMON_OPTS};
	static const struct option opts_s[] = {{"year", required_argument, NULL, CLIENT_VALUE(V_A)},
	                                       COMMON_OPTS};
	const char *cmd = submit ? "plan submit" : "plan year";
	struct client_args a;
	char path[96];
	json_t *body;
	int64_t id, year;
	int rc = client_parse_args(argc, argv, submit ? opts_s : opts_y, cmd,
	                           submit ? submit_usage : year_usage, &a);

	if (rc)
		return rc < 0 ? CLI_OK : rc;
	if (!need_id(cmd, "plan", &a, &id))
		return CLI_USAGE;
	if (!parse_year(a.values[V_A], &year))
		return cli_error(CLI_USAGE, "%s: %s YEAR (%d..%d) is required", cmd,
		                 submit ? "--year" : "--to", PLAN_YEAR_MIN, PLAN_YEAR_MAX);
	body = json_pack("{s:I}", submit ? "year" : "to", (json_int_t)year);
	snprintf(path, sizeof(path), "/api/v1/plans/%lld/%s", (long long)id,
	         submit ? "report/submit" : "reporting-year");
	rc = client_call_show(cmd, &a, "POST", path, body,
	                      submit ? show_submitted : show_plan_year);
	json_decref(body);
	return rc;
}

static void show_text_set(json_t *o)
{
	(void)o;
	puts("the report's text is saved");
}

/* plan report-text PLAN --year YEAR --file FILE */
static int plan_report_text_cmd(int argc, char **argv)
{
	static const struct option opts[] = {{"year", required_argument, NULL, CLIENT_VALUE(V_A)},
	                                     {"file", required_argument, NULL, CLIENT_VALUE(V_B)},
	                                     COMMON_OPTS};
	struct client_args a;
	char path[96];
	json_t *doc;
	int64_t id, year;
	int rc = client_parse_args(argc, argv, opts, "plan report-text", report_text_usage, &a);

	if (rc)
		return rc < 0 ? CLI_OK : rc;
	if (!need_id("plan report-text", "plan", &a, &id))
		return CLI_USAGE;
	if (!parse_year(a.values[V_A], &year))
		return cli_error(CLI_USAGE, "plan report-text: --year YEAR (%d..%d) is required",
		                 PLAN_YEAR_MIN, PLAN_YEAR_MAX);
	if (!a.values[V_B])
		return cli_error(CLI_USAGE, "plan report-text: --file FILE is required");
	doc = read_object("plan report-text", a.values[V_B], &rc);
	if (!doc)
		return rc;
	json_object_set_new(doc, "year", json_integer(year));
	snprintf(path, sizeof(path), "/api/v1/plans/%lld/report/text", (long long)id);
	rc = client_call_show("plan report-text", &a, "PUT", path, doc, show_text_set);
	json_decref(doc);
	return rc;
}

static int plan_year_cmd(int argc, char **argv)
{
	return year_cmd(argc, argv, false);
}

static int plan_submit_cmd(int argc, char **argv)
{
	return year_cmd(argc, argv, true);
}

static int plan_deadlines_cmd(int argc, char **argv)
{
	static const struct option opts[] = {COMMON_OPTS};
	struct client_args a;
	int rc = client_parse_args(argc, argv, opts, "plan deadlines", deadlines_usage, &a);

	if (rc)
		return rc < 0 ? CLI_OK : rc;
	if (a.id)
		return cli_error(CLI_USAGE, "plan deadlines: unexpected argument '%s'", a.id);
	return client_call_show("plan deadlines", &a, "GET", "/api/v1/plans/deadlines", NULL,
	                        show_deadlines);
}

/* ---- per-agency work ---- */

static void show_agencies(json_t *o)
{
	static const char *const head[] = {"AGENCY", "DEADLINE", "STATUS", "APPROVED", "PROPOSALS"};
	json_t *x;
	size_t i;

	printf("reporting year %lld, due %s\n",
	       (long long)json_integer_value(json_object_get(o, "year")), s_or(o, "due", ""));
	printf("%-20s %-10s %-12s %-20s %s\n", head[0], head[1], head[2], head[3], head[4]);
	json_array_foreach(json_object_get(o, "assignments"), i, x)
	{
		printf("%-20s %-10s %-12s %-20s %lld%s\n", s_or(x, "agency", ""),
		       s_or(x, "deadline", ""), s_or(x, "status", ""),
		       json_is_true(json_object_get(x, "approved")) ? s_or(x, "approved_at", "")
		                                                    : "-",
		       (long long)json_integer_value(json_object_get(x, "open_proposals")),
		       json_is_true(json_object_get(x, "overdue")) ? "  (overdue)" : "");
	}
	if (json_array_size(json_object_get(o, "contacts")) > 0)
		puts("\ncontacts:");
	json_array_foreach(json_object_get(o, "contacts"), i, x)
	{
		printf("  %-20s %s (id %lld)\n", s_or(x, "agency", ""), s_or(x, "name", ""),
		       (long long)json_integer_value(json_object_get(x, "identity_id")));
	}
	if (json_array_size(json_object_get(o, "proposals")) > 0)
		puts("\nproposals:");
	json_array_foreach(json_object_get(o, "proposals"), i, x)
	{
		char *ch = json_dumps(json_object_get(x, "changes"), JSON_COMPACT);

		printf("  %lld  %-8s %-20s %-9s %s\n",
		       (long long)json_integer_value(json_object_get(x, "id")),
		       s_or(x, "number", ""), s_or(x, "agency", ""), s_or(x, "status", ""),
		       ch ? ch : "");
		free(ch);
	}
}

static void show_proposal(json_t *o)
{
	json_t *p = json_object_get(o, "proposal");

	printf("proposal %lld: %s\n", (long long)json_integer_value(json_object_get(p, "id")),
	       s_or(p, "status", ""));
}

/* plan agencies|contact|assign|status|approve PLAN [...] */
static int agency_cmd(int argc, char **argv, const char *cmd, const char *usage)
{
	static const struct option opts[] = {
	        {"identity", required_argument, NULL, CLIENT_VALUE(V_A)},
	        {"agency", required_argument, NULL, CLIENT_VALUE(V_B)},
	        {"deadline", required_argument, NULL, CLIENT_VALUE(V_C)},
	        {"status", required_argument, NULL, CLIENT_VALUE(V_D)},
	        {"remove", no_argument, NULL, CLIENT_VALUE(V_E)},
	        COMMON_OPTS};
	const char *sub = cmd + 5; /* after "plan " */
	struct client_args a;
	json_t *body = NULL;
	char path[128];
	int64_t id, who = 0;
	int rc = client_parse_args(argc, argv, opts, cmd, usage, &a);

	if (rc)
		return rc < 0 ? CLI_OK : rc;
	if (!need_id(cmd, "plan", &a, &id))
		return CLI_USAGE;
	if (strcmp(sub, "agencies") == 0) {
		snprintf(path, sizeof(path), "/api/v1/plans/%lld/agencies", (long long)id);
		return client_call_show(cmd, &a, "GET", path, NULL, show_agencies);
	}
	if (strcmp(sub, "contact") == 0) {
		if (!a.values[V_A] || !client_parse_id(a.values[V_A], &who))
			return cli_error(CLI_USAGE, "%s: --identity ID is required", cmd);
		if (!a.values[V_B] == !a.values[V_E])
			return cli_error(CLI_USAGE, "%s: give --agency ORG or --remove", cmd);
		body = a.values[V_E] ? json_pack("{s:I}", "identity_id", (json_int_t)who)
		                     : json_pack("{s:I, s:s}", "identity_id", (json_int_t)who,
		                                 "agency", a.values[V_B]);
		snprintf(path, sizeof(path), "/api/v1/plans/%lld/contacts%s", (long long)id,
		         a.values[V_E] ? "/remove" : "");
	} else {
		if (!a.values[V_B])
			return cli_error(CLI_USAGE, "%s: --agency ORG is required", cmd);
		if (strcmp(sub, "assign") == 0 && !a.values[V_C])
			return cli_error(CLI_USAGE, "%s: --deadline YYYY-MM-DD is required", cmd);
		if (strcmp(sub, "status") == 0 && !a.values[V_D])
			return cli_error(CLI_USAGE,
			                 "%s: --status not_started|in_progress|ready is required",
			                 cmd);
		body = json_pack("{s:s}", "agency", a.values[V_B]);
		if (strcmp(sub, "assign") == 0)
			client_body_str(body, "deadline", a.values[V_C]);
		if (strcmp(sub, "status") == 0)
			client_body_str(body, "status", a.values[V_D]);
		snprintf(path, sizeof(path), "/api/v1/plans/%lld/assignments%s", (long long)id,
		         strcmp(sub, "assign") == 0   ? ""
		         : strcmp(sub, "status") == 0 ? "/status"
		                                      : "/approve");
	}
	if (!body)
		return cli_error(CLI_USAGE, "%s: the values must be UTF-8 text", cmd);
	rc = client_call_show(cmd, &a, "POST", path, body, show_agencies);
	json_decref(body);
	return rc;
}

static int plan_agencies_cmd(int argc, char **argv)
{
	return agency_cmd(argc, argv, "plan agencies", agencies_usage);
}

static int plan_contact_cmd(int argc, char **argv)
{
	return agency_cmd(argc, argv, "plan contact", contact_usage);
}

static int plan_assign_cmd(int argc, char **argv)
{
	return agency_cmd(argc, argv, "plan assign", assign_usage);
}

static int plan_status_cmd(int argc, char **argv)
{
	return agency_cmd(argc, argv, "plan status", status_usage);
}

static int plan_approve_cmd(int argc, char **argv)
{
	return agency_cmd(argc, argv, "plan approve", approve_usage);
}

static int plan_propose_cmd(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"title", required_argument, NULL, CLIENT_VALUE(V_B)},
	        {"responsible-text", required_argument, NULL, CLIENT_VALUE(V_C)},
	        {"description", required_argument, NULL, CLIENT_VALUE(V_D)},
	        {"responsible", required_argument, NULL, CLIENT_VALUE(V_E)},
	        {"participants", required_argument, NULL, CLIENT_VALUE(V_F)},
	        {"period", required_argument, NULL, CLIENT_VALUE(V_G)},
	        {"marker", required_argument, NULL, CLIENT_VALUE(V_H)},
	        {"note", required_argument, NULL, CLIENT_VALUE(V_I)},
	        COMMON_OPTS};
	struct client_args a;
	char path[128];
	json_t *changes, *body;
	int rc = client_parse_args(argc, argv, opts, "plan propose", propose_usage, &a);

	if (rc)
		return rc < 0 ? CLI_OK : rc;
	if (!measure_path("plan propose", &a, "/proposals", path, sizeof(path)))
		return CLI_USAGE;
	changes = edit_body(&a, false);
	if (!changes || json_object_size(changes) == 0) {
		json_decref(changes);
		return cli_error(CLI_USAGE, "plan propose: give at least one field to change");
	}
	body = json_pack("{s:o}", "changes", changes);
	if (body)
		client_body_str(body, "note", a.values[V_I]);
	rc = client_call_show("plan propose", &a, "POST", path, body, show_proposal);
	json_decref(body);
	return rc;
}

static int decide_cmd(int argc, char **argv, bool accept)
{
	static const struct option opts[] = {{"reason", required_argument, NULL, CLIENT_VALUE(V_A)},
	                                     COMMON_OPTS};
	const char *cmd = accept ? "plan accept" : "plan reject";
	struct client_args a;
	char path[96];
	json_t *body;
	int64_t id;
	int rc = client_parse_args(argc, argv, opts, cmd, accept ? accept_usage : reject_usage, &a);

	if (rc)
		return rc < 0 ? CLI_OK : rc;
	if (!need_id(cmd, "proposal", &a, &id))
		return CLI_USAGE;
	if (accept && a.values[V_A])
		return cli_error(CLI_USAGE, "%s: --reason is for reject", cmd);
	if (!accept && !a.values[V_A])
		return cli_error(CLI_USAGE, "%s: --reason TEXT is required", cmd);
	body = accept ? json_object() : json_pack("{s:s}", "reason", a.values[V_A]);
	if (!body)
		return cli_error(CLI_USAGE, "%s: the reason must be UTF-8 text", cmd);
	snprintf(path, sizeof(path), "/api/v1/proposals/%lld/%s", (long long)id,
	         accept ? "accept" : "reject");
	rc = client_call_show(cmd, &a, "POST", path, body, show_proposal);
	json_decref(body);
	return rc;
}

static int plan_accept_cmd(int argc, char **argv)
{
	return decide_cmd(argc, argv, true);
}

static int plan_reject_cmd(int argc, char **argv)
{
	return decide_cmd(argc, argv, false);
}

int cmd_plan(int argc, char **argv)
{
	static const struct client_sub subs[] = {
	        {"list", plan_list_cmd},
	        {"show", plan_show_cmd},
	        {"import", plan_import_cmd},
	        {"export", plan_export_cmd},
	        {"measures", plan_measures_cmd},
	        {"add", plan_add_cmd},
	        {"update", plan_update_cmd},
	        {"complete", plan_complete_cmd},
	        {"write-off", plan_write_off_cmd},
	        {"history", plan_history_cmd},
	        {"report", plan_report_cmd},
	        {"deadlines", plan_deadlines_cmd},
	        {"reopen", plan_reopen_cmd},
	        {"year", plan_year_cmd},
	        {"submit", plan_submit_cmd},
	        {"continue", plan_continue_cmd},
	        {"report-text", plan_report_text_cmd},
	        {"agencies", plan_agencies_cmd},
	        {"contact", plan_contact_cmd},
	        {"assign", plan_assign_cmd},
	        {"status", plan_status_cmd},
	        {"approve", plan_approve_cmd},
	        {"propose", plan_propose_cmd},
	        {"accept", plan_accept_cmd},
	        {"reject", plan_reject_cmd},
	};

	return client_dispatch("plan", plan_usage, subs, sizeof(subs) / sizeof(subs[0]), argc,
	                       argv);
}
