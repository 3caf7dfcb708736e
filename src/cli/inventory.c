/*
 * skydd inventory: inventory campaigns (3 kap. 21 § PMFS 2022:1) through the
 * API — start, list, show (paged, by place or holder), check, close, report,
 * overdue — and the lost cases they open (lost list, lost resolve).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/client.h"

static const char inventory_usage[] =
        "usage: skydd inventory start --name NAME [--scope SCOPES] [--json]\n"
        "       skydd inventory list [--state open|closed] [--json]\n"
        "       skydd inventory show ID [--unchecked] [--sort item|space|holder]\n"
        "                               [--limit N] [--after CURSOR] [--json]\n"
        "       skydd inventory check ID (--copy N | --medium N) (--found | --not-found)\n"
        "                                [--note TEXT] [--json]\n"
        "       skydd inventory close ID [--note TEXT] [--json]\n"
        "       skydd inventory report ID [--json]\n"
        "       skydd inventory overdue [--before DATE] [--limit N] [--json]\n"
        "       skydd inventory lost list [--state open|found|confirmed_lost] [--json]\n"
        "       skydd inventory lost resolve ID (--found | --confirmed-lost --note TEXT)\n"
        "                                       [--json]\n\n"
        "Inventories (inventering, 3 kap. 21 § PMFS 2022:1), at least yearly, of\n"
        "copies of KH documents, copies of K and H physical documents and storage\n"
        "media of class K and higher. Starting one lists what should be there; each\n"
        "item is checked by someone who does not hold it; closing needs every item\n"
        "checked and opens a lost case for each item not found. Registrar or ssc\n"
        "writes; auditors read. Every command also takes --url URL, --cacert FILE\n"
        "and --insecure (see 'skydd login --help').\n";

static const char start_usage[] =
        "usage: skydd inventory start --name NAME [--scope SCOPES] [--json]\n\n"
        "Starts a campaign: every copy and medium of the scope that should exist is\n"
        "listed with its holder and place now.\n\n"
        "  --name NAME      e.g. \"Årlig inventering 2026\"\n"
        "  --scope SCOPES   space-separated: kh_documents physical_k_h media\n"
        "                   (default: all three)\n"
        "  --json           print the API's JSON\n" CLIENT_OPTS_HELP;

static const char list_usage[] = "usage: skydd inventory list [--state open|closed] [--json]\n\n"
                                 "Lists the campaigns with their counts, newest first.\n\n"
                                 "  --state STATE    open or closed\n"
                                 "  --json           print the API's JSON\n" CLIENT_OPTS_HELP;

static const char show_usage[] =
        "usage: skydd inventory show ID [--unchecked] [--sort item|space|holder]\n"
        "                               [--limit N] [--after CURSOR] [--json]\n\n"
        "Shows a campaign and a page of its items (those within your clearance).\n\n"
        "  --unchecked      only items not checked yet\n"
        "  --sort ORDER     item (default), space (by place) or holder\n"
        "  --limit N        items per page (1..1000, default 100)\n"
        "  --after CURSOR   the page after this one (printed as 'next')\n"
        "  --json           print the API's JSON\n" CLIENT_OPTS_HELP;

static const char check_usage[] =
        "usage: skydd inventory check ID (--copy N | --medium N) (--found | --not-found)\n"
        "                                [--note TEXT] [--json]\n\n"
        "Records that an item was found or not. A later check of the same item\n"
        "replaces it until the campaign closes. Nobody checks a copy or medium they\n"
        "hold themselves (four eyes).\n\n"
        "  --copy N         the copy's id\n"
        "  --medium N       the storage medium's id\n"
        "  --found          it is there\n"
        "  --not-found      it is not there\n"
        "  --note TEXT      where it was, or what is known\n"
        "  --json           print the API's JSON\n" CLIENT_OPTS_HELP;

static const char close_usage[] =
        "usage: skydd inventory close ID [--note TEXT] [--json]\n\n"
        "Closes a campaign when every item is checked, and prints its report. Each\n"
        "item not found becomes a lost case and its state 'lost'.\n\n"
        "  --note TEXT      a closing remark for the report\n"
        "  --json           print the API's JSON\n" CLIENT_OPTS_HELP;

static const char report_usage[] =
        "usage: skydd inventory report ID [--json]\n\n"
        "Prints the report of a closed campaign: counts per scope, the items not\n"
        "found, the inspectors and the dates.\n\n"
        "  --json           print the API's JSON\n" CLIENT_OPTS_HELP;

static const char overdue_usage[] =
        "usage: skydd inventory overdue [--before DATE] [--limit N] [--json]\n\n"
        "Lists the copies and media due for inventory: not inventoried in the last\n"
        "12 months (3 kap. 21 §).\n\n"
        "  --before DATE    last inventoried before this day (default: a year ago)\n"
        "  --limit N        at most N copies and N media (default 1000)\n"
        "  --json           print the API's JSON\n" CLIENT_OPTS_HELP;

static const char lost_usage[] =
        "usage: skydd inventory lost list [--state open|found|confirmed_lost] [--json]\n"
        "       skydd inventory lost resolve ID (--found | --confirmed-lost --note TEXT)\n"
        "                                       [--json]\n\n"
        "Lost cases: copies and media not found in an inventory or reported lost.\n";

static const char lost_list_usage[] =
        "usage: skydd inventory lost list [--state open|found|confirmed_lost] [--json]\n\n"
        "Lists the lost cases, newest first.\n\n"
        "  --state STATE    open, found or confirmed_lost\n"
        "  --json           print the API's JSON\n" CLIENT_OPTS_HELP;

static const char resolve_usage[] =
        "usage: skydd inventory lost resolve ID (--found | --confirmed-lost --note TEXT)\n"
        "                                       [--json]\n\n"
        "Resolves a lost case: found (the item is back where it was and counts as\n"
        "inventoried today) or confirmed lost (say what is known; it is to be\n"
        "reported as a security incident).\n\n"
        "  --found            the item is back\n"
        "  --confirmed-lost   the item is lost\n"
        "  --note TEXT        what happened\n"
        "  --json             print the API's JSON\n" CLIENT_OPTS_HELP;

/* Where each option's value lands in struct client_args.values (per command). */
enum { V_NAME, V_SCOPE, V_STATE, V_SORT, V_LIMIT, V_AFTER, V_NOTE };
enum { V_COPY = V_NAME, V_MEDIUM = V_SCOPE, V_BEFORE = V_NAME };

#define STD_OPTS                                                                                   \
	{"json", no_argument, NULL, 'j'}, {"help", no_argument, NULL, 'h'}, CLIENT_LONG_OPTS,      \
	{                                                                                          \
		NULL, 0, NULL, 0                                                                   \
	}

/*
 * Takes the flag options (no value) out of argv before getopt sees them:
 * flags[i] is set when argv holds names[i]. Returns the new argc.
 */
static int take_flags(int argc, char **argv, const char *const *names, bool *flags, size_t n)
{
	int out = 1;

	for (int i = 1; i < argc; i++) {
		bool taken = false;

		if (strcmp(argv[i], "--") == 0) {
			while (i < argc)
				argv[out++] = argv[i++];
			break;
		}
		for (size_t k = 0; k < n; k++) {
			if (strcmp(argv[i], names[k]) == 0) {
				flags[k] = true;
				taken = true;
			}
		}
		/* The value of an option is not a flag ("--note --found" notes "--found"). */
		if (!taken) {
			argv[out++] = argv[i];
			if (strncmp(argv[i], "--", 2) == 0 && !strchr(argv[i], '=') &&
			    strcmp(argv[i], "--json") != 0 && strcmp(argv[i], "--help") != 0 &&
			    strcmp(argv[i], "--insecure") != 0 && i + 1 < argc)
				argv[out++] = argv[++i];
		}
	}
	argv[out] = NULL;
	return out;
}

/* Adds "note" when given (a missing note is no member, not null); false on bad text. */
static bool add_note(json_t **body, const char *note)
{
	json_t *s;

	if (!*body)
		return false;
	if (!note)
		return true;
	s = json_string(note);
	if (!s || json_object_set_new(*body, "note", s)) {
		json_decref(*body);
		*body = NULL;
		return false;
	}
	return true;
}

/* A positive number from an option, or CLI_USAGE after one line. */
static int need_id(const char *cmd, const char *what, const char *s, int64_t *out)
{
	if (!s || !client_parse_id(s, out))
		return cli_error(CLI_USAGE,
		                 "%s: %s must be a positive number (see 'skydd %s --help')", cmd,
		                 what, cmd);
	return CLI_OK;
}

static const char *counts_of(json_t *o, const char *key, char *out, size_t cap)
{
	return client_field(json_object_get(o, "counts"), key, out, cap);
}

/* ---- output ---- */

static void show_campaigns(json_t *o)
{
	static const char *const head[] = {"ID",    "NAME",    "SCOPE", "STATE",
	                                   "ITEMS", "CHECKED", "FOUND", "NOT FOUND"};
	char v[8][256];
	const char *row[8];
	struct client_table t;
	json_t *x;
	size_t i;

	client_table_init(&t, 8);
	client_table_row(&t, head);
	json_array_foreach(json_object_get(o, "inventories"), i, x)
	{
		row[0] = client_field(x, "id", v[0], sizeof(v[0]));
		row[1] = client_field(x, "name", v[1], sizeof(v[1]));
		row[2] = client_field(x, "scope", v[2], sizeof(v[2]));
		row[3] = client_field(x, "state", v[3], sizeof(v[3]));
		row[4] = counts_of(x, "items", v[4], sizeof(v[4]));
		row[5] = counts_of(x, "checked", v[5], sizeof(v[5]));
		row[6] = counts_of(x, "found", v[6], sizeof(v[6]));
		row[7] = counts_of(x, "not_found", v[7], sizeof(v[7]));
		client_table_row(&t, row);
	}
	client_table_print(&t);
	client_table_release(&t);
}

static void show_campaign(json_t *reply)
{
	static const char *const head[] = {"TYPE",  "ID",     "ITEM",   "CLASS",
	                                   "SPACE", "HOLDER", "RESULT", "CHECKED BY"};
	static const char *const keys[] = {"item_type",  "item_id",     "label",  "class",
	                                   "space_name", "holder_name", "result", "checked_by"};
	json_t *o = json_object_get(reply, "inventory"), *x;
	char v[8][256], line[128];
	const char *row[8];
	struct client_table t;
	size_t i;

	client_kv("id", client_field(o, "id", v[0], sizeof(v[0])));
	client_kv("name", client_field(o, "name", v[0], sizeof(v[0])));
	client_kv("scope", client_field(o, "scope", v[0], sizeof(v[0])));
	client_kv("state", client_field(o, "state", v[0], sizeof(v[0])));
	client_kv("started", client_field(o, "started_at", v[0], sizeof(v[0])));
	if (json_is_string(json_object_get(o, "closed_at")))
		client_kv("closed", client_field(o, "closed_at", v[0], sizeof(v[0])));
	snprintf(line, sizeof(line), "%s items, %s checked (%s found, %s not found), %s unchecked",
	         counts_of(o, "items", v[1], 32), counts_of(o, "checked", v[2], 32),
	         counts_of(o, "found", v[3], 32), counts_of(o, "not_found", v[4], 32),
	         counts_of(o, "unchecked", v[5], 32));
	client_kv("counts", line);
	fputs("\n", stdout);
	client_table_init(&t, 8);
	client_table_row(&t, head);
	json_array_foreach(json_object_get(o, "items"), i, x)
	{
		for (size_t k = 0; k < 8; k++)
			row[k] = client_field(x, keys[k], v[k], sizeof(v[k]));
		client_table_row(&t, row);
	}
	client_table_print(&t);
	client_table_release(&t);
	if (json_is_string(json_object_get(o, "next"))) {
		fputs("next: ", stdout);
		client_puts_safe(json_string_value(json_object_get(o, "next")));
		fputs("\n", stdout);
	}
}

static void show_check(json_t *reply)
{
	json_t *o = json_object_get(reply, "check");
	char type[32], id[32], inv[32], res[32];

	printf("inventory %s: %s %s ", client_field(o, "inventory_id", inv, sizeof(inv)),
	       client_field(o, "item_type", type, sizeof(type)),
	       client_field(o, "item_id", id, sizeof(id)));
	client_puts_safe(client_field(o, "result", res, sizeof(res)));
	fputs("\n", stdout);
}

static void show_report(json_t *reply)
{
	json_t *r = json_object_get(reply, "report"), *x, *s;
	const char *scope;
	char v[512], a[64], b[64], c[64];
	size_t i;

	client_kv("inventory", client_field(r, "inventory_id", v, sizeof(v)));
	client_kv("name", client_field(r, "name", v, sizeof(v)));
	client_kv("scope", client_field(r, "scope", v, sizeof(v)));
	client_kv("started", client_field(r, "started_at", v, sizeof(v)));
	client_kv("closed", client_field(r, "closed_on", v, sizeof(v)));
	if (json_object_get(r, "note"))
		client_kv("note", client_field(r, "note", v, sizeof(v)));
	json_object_foreach(json_object_get(r, "counts"), scope, s)
	{
		snprintf(v, sizeof(v), "%s items, %s found, %s not found",
		         client_field(s, "items", a, sizeof(a)),
		         client_field(s, "found", b, sizeof(b)),
		         client_field(s, "not_found", c, sizeof(c)));
		client_kv(scope, v);
	}
	s = json_object_get(r, "totals");
	snprintf(v, sizeof(v), "%s items, %s found, %s not found",
	         client_field(s, "items", a, sizeof(a)), client_field(s, "found", b, sizeof(b)),
	         client_field(s, "not_found", c, sizeof(c)));
	client_kv("total", v);
	json_array_foreach(json_object_get(r, "inspectors"), i, x)
	{
		char name[256];

		snprintf(v, sizeof(v), "%s (identity %s): %s checked",
		         client_field(x, "name", name, sizeof(name)),
		         client_field(x, "identity_id", a, sizeof(a)),
		         client_field(x, "checked", b, sizeof(b)));
		client_kv("inspector", v);
	}
	json_array_foreach(json_object_get(r, "not_found"), i, x)
	{
		char what[300];

		if (json_object_get(x, "designation"))
			snprintf(what, sizeof(what), "%s ex %s",
			         client_field(x, "designation", v, 200),
			         client_field(x, "copy_number", a, sizeof(a)));
		else if (json_object_get(x, "identifier"))
			snprintf(what, sizeof(what), "%s", client_field(x, "identifier", v, 200));
		else
			snprintf(what, sizeof(what), "(above your clearance)");
		snprintf(v, sizeof(v), "%s %s %s, lost case %s",
		         client_field(x, "item_type", a, sizeof(a)),
		         client_field(x, "item_id", b, sizeof(b)), what,
		         client_field(x, "lost_case_id", c, sizeof(c)));
		client_kv("not found", v);
	}
}

static void show_overdue(json_t *reply)
{
	json_t *o = json_object_get(reply, "overdue"), *x;
	char v[5][256];
	const char *row[5];
	struct client_table t;
	size_t i;

	client_kv("before", client_field(o, "before", v[0], sizeof(v[0])));
	client_kv("copies", client_field(o, "copies_total", v[0], sizeof(v[0])));
	client_kv("media", client_field(o, "media_total", v[0], sizeof(v[0])));
	fputs("\n", stdout);
	client_table_init(&t, 5);
	row[0] = "TYPE", row[1] = "ID", row[2] = "ITEM", row[3] = "CLASS", row[4] = "LAST";
	client_table_row(&t, row);
	for (int k = 0; k < 2; k++) {
		json_array_foreach(json_object_get(o, k ? "media" : "copies"), i, x)
		{
			row[0] = k ? "medium" : "copy";
			row[1] = client_field(x, "id", v[1], sizeof(v[1]));
			if (k) {
				row[2] = client_field(x, "identifier", v[2], sizeof(v[2]));
			} else {
				char d[200], n[32];

				snprintf(v[2], sizeof(v[2]), "%s ex %s",
				         client_field(x, "designation", d, sizeof(d)),
				         client_field(x, "copy_number", n, sizeof(n)));
				row[2] = v[2];
			}
			row[3] = client_field(x, "class", v[3], sizeof(v[3]));
			row[4] = client_field(x, "last_inventoried_on", v[4], sizeof(v[4]));
			client_table_row(&t, row);
		}
	}
	client_table_print(&t);
	client_table_release(&t);
}

static void lost_label(json_t *x, char *out, size_t cap)
{
	char d[200], n[32];

	if (json_object_get(x, "designation"))
		snprintf(out, cap, "%s ex %s", client_field(x, "designation", d, sizeof(d)),
		         client_field(x, "copy_number", n, sizeof(n)));
	else
		client_field(x, "identifier", out, cap);
}

static void show_lost_list(json_t *reply)
{
	static const char *const head[] = {"ID",    "TYPE",  "ITEM ID",   "ITEM",
	                                   "CLASS", "STATE", "INVENTORY", "OPENED"};
	char v[8][256];
	const char *row[8];
	struct client_table t;
	json_t *x;
	size_t i;

	client_table_init(&t, 8);
	client_table_row(&t, head);
	json_array_foreach(json_object_get(reply, "lost_cases"), i, x)
	{
		row[0] = client_field(x, "id", v[0], sizeof(v[0]));
		row[1] = client_field(x, "item_type", v[1], sizeof(v[1]));
		row[2] = client_field(x, "item_id", v[2], sizeof(v[2]));
		lost_label(x, v[3], sizeof(v[3]));
		row[3] = v[3];
		row[4] = client_field(x, "class", v[4], sizeof(v[4]));
		row[5] = client_field(x, "state", v[5], sizeof(v[5]));
		row[6] = client_field(x, "inventory_id", v[6], sizeof(v[6]));
		row[7] = client_field(x, "opened_at", v[7], sizeof(v[7]));
		client_table_row(&t, row);
	}
	client_table_print(&t);
	client_table_release(&t);
}

static void show_lost(json_t *reply)
{
	json_t *x = json_object_get(reply, "lost_case");
	char v[1100];

	client_kv("id", client_field(x, "id", v, sizeof(v)));
	client_kv("item", (lost_label(x, v, sizeof(v)), v));
	client_kv("state", client_field(x, "state", v, sizeof(v)));
	client_kv("opened", client_field(x, "opened_at", v, sizeof(v)));
	client_kv("closed", client_field(x, "closed_at", v, sizeof(v)));
	client_kv("note", client_field(x, "resolution_note", v, sizeof(v)));
	if (json_is_true(json_object_get(x, "incident_report_due")))
		client_kv("incident", "to be reported as a security incident");
}

/* ---- commands ---- */

static int inv_start(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"name", required_argument, NULL, CLIENT_VALUE(V_NAME)},
	        {"scope", required_argument, NULL, CLIENT_VALUE(V_SCOPE)},
	        STD_OPTS};
	struct client_args a;
	json_t *body;
	int rc = client_parse_args(argc, argv, opts, "inventory start", start_usage, &a);

	if (rc)
		return rc < 0 ? CLI_OK : rc;
	if (a.id)
		return cli_error(CLI_USAGE, "inventory start: unexpected argument '%s'", a.id);
	if (!a.values[V_NAME])
		return cli_error(CLI_USAGE, "inventory start: --name is required");
	body = json_pack("{s:s}", "name", a.values[V_NAME]);
	if (body && a.values[V_SCOPE] &&
	    json_object_set_new(body, "scope", json_string(a.values[V_SCOPE]))) {
		json_decref(body);
		body = NULL;
	}
	if (!body)
		return cli_error(CLI_USAGE, "inventory start: the arguments must be UTF-8 text");
	rc = client_call_show("inventory start", &a, "POST", "/api/v1/inventories", body,
	                      show_campaign);
	json_decref(body);
	return rc;
}

static int inv_list(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"state", required_argument, NULL, CLIENT_VALUE(V_STATE)}, STD_OPTS};
	struct client_args a;
	char path[96] = "/api/v1/inventories";
	int rc = client_parse_args(argc, argv, opts, "inventory list", list_usage, &a);

	if (rc)
		return rc < 0 ? CLI_OK : rc;
	if (a.id)
		return cli_error(CLI_USAGE, "inventory list: unexpected argument '%s'", a.id);
	if (a.values[V_STATE]) {
		if (strcmp(a.values[V_STATE], "open") != 0 &&
		    strcmp(a.values[V_STATE], "closed") != 0)
			return cli_error(CLI_USAGE, "inventory list: --state is open or closed");
		snprintf(path, sizeof(path), "/api/v1/inventories?state=%s", a.values[V_STATE]);
	}
	return client_call_show("inventory list", &a, "GET", path, NULL, show_campaigns);
}

/* Appends "&key=value" (value URL-safe: [A-Za-z0-9._-]) or fails. */
static bool query_add(char *path, size_t cap, const char *key, const char *value)
{
	size_t len = strlen(path);

	for (const char *p = value; *p; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' || *p == '_'))
			return false;
	}
	return (size_t)snprintf(path + len, cap - len, "%c%s=%s", strchr(path, '?') ? '&' : '?',
	                        key, value) < cap - len;
}

static int inv_show(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"sort", required_argument, NULL, CLIENT_VALUE(V_SORT)},
	        {"limit", required_argument, NULL, CLIENT_VALUE(V_LIMIT)},
	        {"after", required_argument, NULL, CLIENT_VALUE(V_AFTER)},
	        STD_OPTS};
	static const char *const flag_names[] = {"--unchecked"};
	bool flags[1] = {false};
	struct client_args a;
	char path[512];
	int64_t id;
	int rc;

	argc = take_flags(argc, argv, flag_names, flags, 1);
	rc = client_parse_args(argc, argv, opts, "inventory show", show_usage, &a);
	if (rc)
		return rc < 0 ? CLI_OK : rc;
	rc = need_id("inventory show", "the inventory's ID", a.id, &id);
	if (rc)
		return rc;
	snprintf(path, sizeof(path), "/api/v1/inventories/%lld", (long long)id);
	if ((flags[0] && !query_add(path, sizeof(path), "unchecked", "true")) ||
	    (a.values[V_SORT] && !query_add(path, sizeof(path), "sort", a.values[V_SORT])) ||
	    (a.values[V_LIMIT] && !query_add(path, sizeof(path), "limit", a.values[V_LIMIT])) ||
	    (a.values[V_AFTER] && !query_add(path, sizeof(path), "after", a.values[V_AFTER])))
		return cli_error(CLI_USAGE, "inventory show: --sort, --limit and --after take "
		                            "letters, digits, '.', '-' or '_'");
	return client_call_show("inventory show", &a, "GET", path, NULL, show_campaign);
}

static int inv_check(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"copy", required_argument, NULL, CLIENT_VALUE(V_COPY)},
	        {"medium", required_argument, NULL, CLIENT_VALUE(V_MEDIUM)},
	        {"note", required_argument, NULL, CLIENT_VALUE(V_NOTE)},
	        STD_OPTS};
	static const char *const flag_names[] = {"--found", "--not-found"};
	bool flags[2] = {false, false};
	struct client_args a;
	const char *type;
	char path[96];
	json_t *body;
	int64_t id, item;
	int rc;

	argc = take_flags(argc, argv, flag_names, flags, 2);
	rc = client_parse_args(argc, argv, opts, "inventory check", check_usage, &a);
	if (rc)
		return rc < 0 ? CLI_OK : rc;
	rc = need_id("inventory check", "the inventory's ID", a.id, &id);
	if (rc)
		return rc;
	if (!!a.values[V_COPY] == !!a.values[V_MEDIUM])
		return cli_error(CLI_USAGE, "inventory check: give either --copy N or --medium N");
	if (flags[0] == flags[1])
		return cli_error(CLI_USAGE, "inventory check: give either --found or --not-found");
	type = a.values[V_COPY] ? "copy" : "medium";
	rc = need_id("inventory check", a.values[V_COPY] ? "--copy" : "--medium",
	             a.values[V_COPY] ? a.values[V_COPY] : a.values[V_MEDIUM], &item);
	if (rc)
		return rc;
	body = json_pack("{s:s, s:I, s:s}", "item_type", type, "item_id", (json_int_t)item,
	                 "result", flags[0] ? "found" : "not_found");
	if (!add_note(&body, a.values[V_NOTE]))
		body = NULL;
	if (!body)
		return cli_error(CLI_USAGE, "inventory check: the note must be UTF-8 text");
	snprintf(path, sizeof(path), "/api/v1/inventories/%lld/check", (long long)id);
	rc = client_call_show("inventory check", &a, "POST", path, body, show_check);
	json_decref(body);
	return rc;
}

static int inv_close(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"note", required_argument, NULL, CLIENT_VALUE(V_NOTE)}, STD_OPTS};
	struct client_args a;
	char path[96];
	json_t *body;
	int64_t id;
	int rc = client_parse_args(argc, argv, opts, "inventory close", close_usage, &a);

	if (rc)
		return rc < 0 ? CLI_OK : rc;
	rc = need_id("inventory close", "the inventory's ID", a.id, &id);
	if (rc)
		return rc;
	body = a.values[V_NOTE] ? json_pack("{s:s}", "note", a.values[V_NOTE]) : json_object();
	if (!body)
		return cli_error(CLI_USAGE, "inventory close: the note must be UTF-8 text");
	snprintf(path, sizeof(path), "/api/v1/inventories/%lld/close", (long long)id);
	rc = client_call_show("inventory close", &a, "POST", path, body, show_report);
	json_decref(body);
	return rc;
}

static int inv_report(int argc, char **argv)
{
	static const struct option opts[] = {STD_OPTS};
	struct client_args a;
	char path[96];
	int64_t id;
	int rc = client_parse_args(argc, argv, opts, "inventory report", report_usage, &a);

	if (rc)
		return rc < 0 ? CLI_OK : rc;
	rc = need_id("inventory report", "the inventory's ID", a.id, &id);
	if (rc)
		return rc;
	snprintf(path, sizeof(path), "/api/v1/inventories/%lld/report", (long long)id);
	return client_call_show("inventory report", &a, "GET", path, NULL, show_report);
}

static int inv_overdue(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"before", required_argument, NULL, CLIENT_VALUE(V_BEFORE)},
	        {"limit", required_argument, NULL, CLIENT_VALUE(V_LIMIT)},
	        STD_OPTS};
	struct client_args a;
	char path[256] = "/api/v1/inventories/overdue";
	int rc = client_parse_args(argc, argv, opts, "inventory overdue", overdue_usage, &a);

	if (rc)
		return rc < 0 ? CLI_OK : rc;
	if (a.id)
		return cli_error(CLI_USAGE, "inventory overdue: unexpected argument '%s'", a.id);
	if ((a.values[V_BEFORE] && !query_add(path, sizeof(path), "before", a.values[V_BEFORE])) ||
	    (a.values[V_LIMIT] && !query_add(path, sizeof(path), "limit", a.values[V_LIMIT])))
		return cli_error(CLI_USAGE,
		                 "inventory overdue: --before is YYYY-MM-DD, --limit a number");
	return client_call_show("inventory overdue", &a, "GET", path, NULL, show_overdue);
}

static int lost_list(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"state", required_argument, NULL, CLIENT_VALUE(V_STATE)}, STD_OPTS};
	struct client_args a;
	char path[128] = "/api/v1/lost-cases";
	int rc = client_parse_args(argc, argv, opts, "inventory lost list", lost_list_usage, &a);

	if (rc)
		return rc < 0 ? CLI_OK : rc;
	if (a.id)
		return cli_error(CLI_USAGE, "inventory lost list: unexpected argument '%s'", a.id);
	if (a.values[V_STATE] && !query_add(path, sizeof(path), "state", a.values[V_STATE]))
		return cli_error(CLI_USAGE,
		                 "inventory lost list: --state is open, found or confirmed_lost");
	return client_call_show("inventory lost list", &a, "GET", path, NULL, show_lost_list);
}

static int lost_resolve(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"note", required_argument, NULL, CLIENT_VALUE(V_NOTE)}, STD_OPTS};
	static const char *const flag_names[] = {"--found", "--confirmed-lost"};
	bool flags[2] = {false, false};
	struct client_args a;
	char path[96];
	json_t *body;
	int64_t id;
	int rc;

	argc = take_flags(argc, argv, flag_names, flags, 2);
	rc = client_parse_args(argc, argv, opts, "inventory lost resolve", resolve_usage, &a);
	if (rc)
		return rc < 0 ? CLI_OK : rc;
	rc = need_id("inventory lost resolve", "the lost case's ID", a.id, &id);
	if (rc)
		return rc;
	if (flags[0] == flags[1])
		return cli_error(CLI_USAGE,
		                 "inventory lost resolve: give either --found or --confirmed-lost");
	if (flags[1] && !a.values[V_NOTE])
		return cli_error(CLI_USAGE, "inventory lost resolve: --confirmed-lost needs --note "
		                            "TEXT (what is known)");
	body = json_pack("{s:s}", "resolution", flags[0] ? "found" : "confirmed_lost");
	if (!add_note(&body, a.values[V_NOTE]))
		body = NULL;
	if (!body)
		return cli_error(CLI_USAGE, "inventory lost resolve: the note must be UTF-8 text");
	snprintf(path, sizeof(path), "/api/v1/lost-cases/%lld/resolve", (long long)id);
	rc = client_call_show("inventory lost resolve", &a, "POST", path, body, show_lost);
	json_decref(body);
	return rc;
}

static int inv_lost(int argc, char **argv)
{
	static const struct client_sub subs[] = {
	        {"list", lost_list},
	        {"resolve", lost_resolve},
	};

	return client_dispatch("inventory lost", lost_usage, subs, sizeof(subs) / sizeof(subs[0]),
	                       argc, argv);
}

int cmd_inventory(int argc, char **argv)
{
	static const struct client_sub subs[] = {
	        {"start", inv_start},     {"list", inv_list},   {"show", inv_show},
	        {"check", inv_check},     {"close", inv_close}, {"report", inv_report},
	        {"overdue", inv_overdue}, {"lost", inv_lost},
	};

	return client_dispatch("inventory", inventory_usage, subs, sizeof(subs) / sizeof(subs[0]),
	                       argc, argv);
}
