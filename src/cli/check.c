/*
 * skydd check: evaluate the compliance rules against an instance, locally and
 * read-only (like skydd verify); skydd rules: the rule table, or the
 * traceability document; skydd exemption: exemptions (8 kap. 2 §) through
 * the API.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/client.h"
#include "model/model.h"
#include "rules/rules.h"
#include "store/store.h"

static const char check_usage[] =
        "usage: skydd check --data DIR [--json] [--rule ID] [--ref C[:S]] [--severity S]\n"
        "                   [--open]\n\n"
        "Evaluates every compliance rule (see 'skydd rules') over the registers of the\n"
        "instance in DIR and lists the findings: what PMFS 2022:1 requires that is\n"
        "missing, wrong or overdue, citing the paragraph. A finding covered by an\n"
        "exemption (8 kap. 2 §) is listed as covered. Read-only.\n\n"
        "  --data DIR       the instance\n"
        "  --rule ID        only this rule\n"
        "  --ref C[:S]      only chapter C (and section S), e.g. 3:21\n"
        "  --severity S     low, medium or high: this severity and above\n"
        "  --open           leave covered findings out\n"
        "  --json           print the result as JSON\n\n"
        "Exit status: 0 no open finding of severity high; 1 at least one; 2 usage or\n"
        "I/O error.\n";

static const char rules_usage[] =
        "usage: skydd rules [--json | --markdown]\n\n"
        "Lists the compliance rules: id, paragraph, severity, title.\n\n"
        "  --json           the rule table as JSON (as GET /api/v1/rules)\n"
        "  --markdown       the traceability document (docs/pmfs-traceability.md):\n"
        "                   every paragraph of PMFS 2022:1, the rules and the tests\n";

static int parse_ref(const char *s, struct rules_filter *f)
{
	char *end;
	long ch = strtol(s, &end, 10), sec = 0;

	if (*end == ':')
		sec = strtol(end + 1, &end, 10);
	if (*end || ch < 1 || ch > 8 || sec < 0 || sec > 99)
		return -1;
	f->chapter = (int)ch;
	f->section = (int)sec;
	return 0;
}

static void show_findings(const json_t *res)
{
	const json_t *v;
	size_t i;

	json_array_foreach(json_object_get(res, "findings"), i, v)
	{
		const json_t *o = json_object_get(v, "object");
		const char *due = json_string_value(json_object_get(v, "due"));
		const json_t *e = json_object_get(v, "exemption");
		char line[1024];

		snprintf(line, sizeof(line), "%-6s %-14s %-28s %s/%lld  %s%s%s",
		         json_string_value(json_object_get(v, "severity")),
		         json_string_value(json_object_get(v, "ref")),
		         json_string_value(json_object_get(v, "rule")),
		         json_string_value(json_object_get(o, "type")),
		         (long long)json_integer_value(json_object_get(o, "id")),
		         json_string_value(json_object_get(json_object_get(v, "message"), "en")),
		         due ? " (due " : "", due ? due : "");
		fputs(line, stdout);
		if (due)
			fputs(")", stdout);
		if (e)
			printf("  [covered by exemption %lld, %s, until %s]",
			       (long long)json_integer_value(json_object_get(e, "id")),
			       json_string_value(json_object_get(e, "reference")),
			       json_string_value(json_object_get(e, "valid_until")));
		fputs("\n", stdout);
	}
	v = json_object_get(res, "counts");
	printf("%lld open (%lld high), %lld covered\n",
	       (long long)json_integer_value(json_object_get(v, "open")),
	       (long long)json_integer_value(json_object_get(v, "open_high")),
	       (long long)json_integer_value(json_object_get(v, "covered")));
	json_array_foreach(json_object_get(res, "errors"), i, v)
	{
		fprintf(stderr, "skydd: check: rule %s could not run: %s\n",
		        json_string_value(json_object_get(v, "rule")),
		        json_string_value(json_object_get(v, "error")));
	}
}

int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"data", required_argument, NULL, 'd'},     {"json", no_argument, NULL, 'j'},
	        {"rule", required_argument, NULL, 'r'},     {"ref", required_argument, NULL, 'f'},
	        {"severity", required_argument, NULL, 's'}, {"open", no_argument, NULL, 'o'},
	        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0}};
	struct rules_filter f = {.min_severity = -1, .clearance = CLEAR_KH};
	struct store_reader *r;
	const char *dir = NULL;
	bool json = false;
	char today[11];
	json_t *res;
	int c, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "d:jr:f:s:oh", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dir = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'r':
			if (!rules_find(optarg))
				return cli_error(CLI_USAGE,
				                 "check: no rule '%s' (see 'skydd rules')", optarg);
			f.rule = optarg;
			break;
		case 'f':
			if (parse_ref(optarg, &f))
				return cli_error(
				        CLI_USAGE,
				        "check: --ref is a chapter or chapter:section, e.g. 3:21");
			break;
		case 's':
			f.min_severity = rules_severity_parse(optarg);
			if (f.min_severity < 0)
				return cli_error(CLI_USAGE,
				                 "check: --severity is low, medium or high");
			break;
		case 'o':
			f.open_only = true;
			break;
		case 'h':
			fputs(check_usage, stdout);
			return CLI_OK;
		default:
			return cli_error(CLI_USAGE, "check: unknown or incomplete option '%s'",
			                 argv[optind - 1]);
		}
	}
	if (!dir || optind != argc)
		return cli_error(CLI_USAGE,
		                 "check: --data DIR is required (see 'skydd check --help')");
	rc = store_reader_open(dir, &r);
	if (rc)
		return cli_error(CLI_USAGE, "check: cannot open %s: %s", dir, sk_strerror(rc));
	model_today(today);
	res = rules_evaluate(r, today, &f);
	store_reader_close(r);
	if (!res)
		return cli_error(CLI_USAGE, "check: out of memory");
	if (json)
		cli_print_json(res);
	else
		show_findings(res);
	rc = json_integer_value(json_object_get(json_object_get(res, "counts"), "open_high")) > 0
	             ? CLI_FAIL
	             : CLI_OK;
	if (json_array_size(json_object_get(res, "errors")) > 0 && rc == CLI_OK)
		rc = CLI_USAGE; /* a rule that could not run proves nothing */
	json_decref(res);
	return rc;
}

int cmd_rules(int argc, char **argv)
{
	static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
	                                     {"markdown", no_argument, NULL, 'm'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	bool json = false, md = false;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "jmh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'm':
			md = true;
			break;
		case 'h':
			fputs(rules_usage, stdout);
			return CLI_OK;
		default:
			return cli_error(CLI_USAGE, "rules: unknown or incomplete option '%s'",
			                 argv[optind - 1]);
		}
	}
	if (optind != argc || (json && md))
		return cli_error(CLI_USAGE,
		                 "rules: takes --json or --markdown (see 'skydd rules --help')");
	if (md) {
		struct buf b;
		int rc;

		buf_init(&b, 4 * 1024 * 1024);
		rc = rules_markdown(&b);
		if (!rc)
			fwrite(b.ptr, 1, b.len, stdout);
		buf_release(&b);
		return rc ? cli_error(CLI_USAGE, "rules: %s", sk_strerror(rc)) : CLI_OK;
	}
	if (json) {
		json_t *t = rules_table_json();

		cli_print_json(t);
		json_decref(t);
		return CLI_OK;
	}
	{
		size_t n;
		const struct rule *t = rules_table(&n);

		for (size_t i = 0; i < n; i++) {
			char ref[48];

			rules_ref(&t[i], ref, sizeof(ref));
			printf("%-28s %-14s %-6s %s\n", t[i].id, ref,
			       rules_severity_name(t[i].severity), t[i].title_en);
		}
	}
	return CLI_OK;
}

/* ---- skydd exemption (API client) ---- */

static const char ex_usage[] =
        "usage: skydd exemption list [--json]\n"
        "       skydd exemption create --reference REF --granted-by WHO --granted-on DATE\n"
        "                              --rules 'ID …' [--objects 'type/ID …'] --until DATE\n"
        "                              [--note TEXT] [--json]\n"
        "       skydd exemption revoke ID --reason TEXT [--json]\n\n"
        "Exemptions granted by Säkerhetspolisen or the supervisory authority (8 kap.\n"
        "2 § PMFS 2022:1), recorded by the säkerhetsskyddschef. An exemption covers\n"
        "the findings of its rules (only the objects given, if any) until its last\n"
        "day; covered findings are still listed, as covered. Every command also\n"
        "takes --url URL, --cacert FILE and --insecure (see 'skydd login --help').\n";

enum { E_REF, E_BY, E_ON, E_RULES, E_OBJECTS, E_UNTIL, E_NOTE, E_REASON };

static void show_ex_list(json_t *o)
{
	static const char *const head[] = {"ID",    "STATE", "REFERENCE", "GRANTED BY",
	                                   "UNTIL", "RULES", "OBJECTS"};
	static const char *const keys[] = {"id",           "state",       "reference",
	                                   "granted_by",   "valid_until", "scope_rules",
	                                   "scope_objects"};
	client_table_json(json_object_get(o, "exemptions"), 7, head, keys, 512);
}

static void show_ex(json_t *o)
{
	static const char *const keys[] = {"id",          "state",         "reference",
	                                   "granted_by",  "granted_on",    "valid_until",
	                                   "scope_rules", "scope_objects", "note"};
	char v[1024];

	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
		client_kv(keys[k], client_field(o, keys[k], v, sizeof(v)));
}

static int ex_list(int argc, char **argv)
{
	static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     CLIENT_LONG_OPTS,
	                                     {NULL, 0, NULL, 0}};
	struct client_args a;
	int rc = client_parse_args(argc, argv, opts, "exemption list", ex_usage, &a);

	if (rc)
		return rc < 0 ? CLI_OK : rc;
	if (a.id)
		return cli_error(CLI_USAGE, "exemption list: unexpected argument '%s'", a.id);
	return client_call_show("exemption list", &a, "GET", "/api/v1/exemptions", NULL,
	                        show_ex_list);
}

static int ex_create(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"reference", required_argument, NULL, CLIENT_VALUE(E_REF)},
	        {"granted-by", required_argument, NULL, CLIENT_VALUE(E_BY)},
	        {"granted-on", required_argument, NULL, CLIENT_VALUE(E_ON)},
	        {"rules", required_argument, NULL, CLIENT_VALUE(E_RULES)},
	        {"objects", required_argument, NULL, CLIENT_VALUE(E_OBJECTS)},
	        {"until", required_argument, NULL, CLIENT_VALUE(E_UNTIL)},
	        {"note", required_argument, NULL, CLIENT_VALUE(E_NOTE)},
	        {"json", no_argument, NULL, 'j'},
	        {"help", no_argument, NULL, 'h'},
	        CLIENT_LONG_OPTS,
	        {NULL, 0, NULL, 0}};
	struct client_args a;
	json_t *body;
	int rc = client_parse_args(argc, argv, opts, "exemption create", ex_usage, &a);

	if (rc)
		return rc < 0 ? CLI_OK : rc;
	if (a.id)
		return cli_error(CLI_USAGE, "exemption create: unexpected argument '%s'", a.id);
	if (!a.values[E_REF] || !a.values[E_BY] || !a.values[E_ON] || !a.values[E_RULES] ||
	    !a.values[E_UNTIL])
		return cli_error(CLI_USAGE, "exemption create: --reference, --granted-by, "
		                            "--granted-on, --rules and --until are required");
	body = json_pack("{s:s, s:s, s:s, s:s, s:s}", "reference", a.values[E_REF], "granted_by",
	                 a.values[E_BY], "granted_on", a.values[E_ON], "scope_rules",
	                 a.values[E_RULES], "valid_until", a.values[E_UNTIL]);
	if (body && a.values[E_OBJECTS] &&
	    json_object_set_new(body, "scope_objects", json_string(a.values[E_OBJECTS]))) {
		json_decref(body);
		body = NULL;
	}
	if (body && a.values[E_NOTE] &&
	    json_object_set_new(body, "note", json_string(a.values[E_NOTE]))) {
		json_decref(body);
		body = NULL;
	}
	if (!body)
		return cli_error(CLI_USAGE, "exemption create: the arguments must be UTF-8 text");
	rc = client_call_show("exemption create", &a, "POST", "/api/v1/exemptions", body, show_ex);
	json_decref(body);
	return rc;
}

static int ex_revoke(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"reason", required_argument, NULL, CLIENT_VALUE(E_REASON)},
	        {"json", no_argument, NULL, 'j'},
	        {"help", no_argument, NULL, 'h'},
	        CLIENT_LONG_OPTS,
	        {NULL, 0, NULL, 0}};
	struct client_args a;
	char path[96];
	json_t *body;
	int64_t id;
	int rc = client_parse_args(argc, argv, opts, "exemption revoke", ex_usage, &a);

	if (rc)
		return rc < 0 ? CLI_OK : rc;
	if (!a.id || !client_parse_id(a.id, &id) || !a.values[E_REASON])
		return cli_error(CLI_USAGE, "exemption revoke: ID and --reason are required");
	snprintf(path, sizeof(path), "/api/v1/exemptions/%lld/revoke", (long long)id);
	body = json_pack("{s:s}", "reason", a.values[E_REASON]);
	if (!body)
		return cli_error(CLI_USAGE, "exemption revoke: the reason must be UTF-8 text");
	rc = client_call_show("exemption revoke", &a, "POST", path, body, show_ex);
	json_decref(body);
	return rc;
}

int cmd_exemption(int argc, char **argv)
{
	static const struct client_sub subs[] = {
	        {"list", ex_list}, {"create", ex_create}, {"revoke", ex_revoke}};

	return client_dispatch("exemption", ex_usage, subs, sizeof(subs) / sizeof(subs[0]), argc,
	                       argv);
}
