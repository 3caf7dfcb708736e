/*
 * skydd grant: roles and privileged rights through the API (4 kap. 8 §):
 * list, create, review, revoke. The server applies the rules; a refusal
 * cites its paragraph.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/client.h"

static const char grant_usage[] =
        "usage: skydd grant list [--identity ID] [--json]\n"
        "       skydd grant create --identity ID --role ROLE --decision REF --from DATE\n"
        "                          [--until DATE] [--json]\n"
        "       skydd grant review ID --note TEXT [--json]\n"
        "       skydd grant revoke ID --reason TEXT [--json]\n\n"
        "Grants of roles (4 kap. 8 § PMFS 2022:1) on the server of the session (see\n"
        "'skydd login'). Roles: chief, ssc, registrar, admin (privileged), staff,\n"
        "auditor. A privileged grant needs --until at most 12 months after --from,\n"
        "is decided by the ssc, never for oneself, and is reviewed at least yearly.\n"
        "Nobody grants a role to an account they created (4 kap. 8 §).\n"
        "Dates are YYYY-MM-DD (UTC). Every command also takes --url URL, --cacert\n"
        "FILE and --insecure (see 'skydd login --help').\n";

static const char list_usage[] =
        "usage: skydd grant list [--identity ID] [--json]\n\n"
        "Lists grants with their status (active, pending, expired, revoked) and, for\n"
        "privileged ones, when the next review is due.\n\n"
        "  --identity ID    only this identity's grants\n"
        "  --json           print the API's JSON\n" CLIENT_OPTS_HELP;

static const char create_usage[] =
        "usage: skydd grant create --identity ID --role ROLE --decision REF --from DATE\n"
        "                          [--until DATE] [--json]\n\n"
        "Grants a role: ssc and chief by the chief or the ssc; registrar, auditor and\n"
        "admin (privileged, --until at most 12 months after --from) by the ssc (the\n"
        "chief only when there is no ssc); staff also by an admin. Any role of an ssc\n"
        "or the chief by the chief or another ssc. Nobody grants a role to themselves\n"
        "or to an account they created (its creator had its one-time password).\n\n"
        "  --identity ID    who receives the role\n"
        "  --role ROLE      chief, ssc, registrar, admin, staff or auditor\n"
        "  --decision REF   the decision's reference, e.g. SSC-2026-014\n"
        "  --from DATE      first day, YYYY-MM-DD\n"
        "  --until DATE     last day (required for privileged roles)\n"
        "  --json           print the API's JSON\n" CLIENT_OPTS_HELP;

static const char review_usage[] =
        "usage: skydd grant review ID --note TEXT [--json]\n\n"
        "Records a review of a grant (ssc, or the chief); privileged grants are\n"
        "reviewed at least yearly.\n\n"
        "  --note TEXT      what the review found\n"
        "  --json           print the API's JSON\n" CLIENT_OPTS_HELP;

static const char revoke_usage[] =
        "usage: skydd grant revoke ID --reason TEXT [--json]\n\n"
        "Ends a grant now (whoever may grant the role). It stops working on the\n"
        "server's next request.\n\n"
        "  --reason TEXT    why the grant ends\n"
        "  --json           print the API's JSON\n" CLIENT_OPTS_HELP;

#define NCOLS 9

/* Where each option's value lands in struct client_args.values. */
enum { G_IDENTITY, G_ROLE, G_DECISION, G_FROM, G_UNTIL, G_NOTE, G_REASON };

static void show_list(json_t *o)
{
	static const char *const head[NCOLS] = {"ID",         "IDENTITY",   "ROLE",
	                                        "PRIVILEGED", "STATUS",     "FROM",
	                                        "UNTIL",      "REVIEW DUE", "DECISION"};
	static const char *const keys[NCOLS] = {"id",          "identity_id", "role",
	                                        "privileged",  "status",      "valid_from",
	                                        "valid_until", "review_due",  "decision_ref"};
	client_table_json(json_object_get(o, "grants"), NCOLS, head, keys, 256);
}

static void show_grant(json_t *o)
{
	json_t *g = json_object_get(o, "grant"), *rev;
	char v[512];
	size_t i;

	client_kv("id", client_field(g, "id", v, sizeof(v)));
	client_kv("identity", client_field(g, "identity_id", v, sizeof(v)));
	client_kv("role", client_field(g, "role", v, sizeof(v)));
	client_kv("privileged", client_field(g, "privileged", v, sizeof(v)));
	client_kv("status", client_field(g, "status", v, sizeof(v)));
	client_kv("from", client_field(g, "valid_from", v, sizeof(v)));
	client_kv("until", client_field(g, "valid_until", v, sizeof(v)));
	client_kv("decision", client_field(g, "decision_ref", v, sizeof(v)));
	client_kv("decided by", client_field(g, "decided_by", v, sizeof(v)));
	if (json_object_get(g, "review_due"))
		client_kv("review due", client_field(g, "review_due", v, sizeof(v)));
	if (json_is_string(json_object_get(g, "revoked_at"))) {
		client_kv("revoked", client_field(g, "revoked_at", v, sizeof(v)));
		client_kv("reason", client_field(g, "revoke_reason", v, sizeof(v)));
	}
	json_array_foreach(json_object_get(g, "reviews"), i, rev)
	{
		char by[32], at[64], note[512];

		snprintf(v, sizeof(v), "%s by %s: %s", client_field(rev, "at", at, sizeof(at)),
		         client_field(rev, "by", by, sizeof(by)),
		         client_field(rev, "note", note, sizeof(note)));
		client_kv("review", v);
	}
}

static int grant_list(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"identity", required_argument, NULL, CLIENT_VALUE(G_IDENTITY)},
	        {"json", no_argument, NULL, 'j'},
	        {"help", no_argument, NULL, 'h'},
	        CLIENT_LONG_OPTS,
	        {NULL, 0, NULL, 0}};
	struct client_args a;
	char path[96] = "/api/v1/grants";
	int64_t id;
	int rc = client_parse_args(argc, argv, opts, "grant list", list_usage, &a);

	if (rc)
		return rc < 0 ? CLI_OK : rc;
	if (a.id)
		return cli_error(CLI_USAGE, "grant list: unexpected argument '%s'", a.id);
	if (a.values[G_IDENTITY]) {
		if (!client_parse_id(a.values[G_IDENTITY], &id))
			return cli_error(CLI_USAGE, "grant list: --identity must be an identity's "
			                            "number");
		snprintf(path, sizeof(path), "/api/v1/grants?identity_id=%lld", (long long)id);
	}
	return client_call_show("grant list", &a, "GET", path, NULL, show_list);
}

static int grant_create(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"identity", required_argument, NULL, CLIENT_VALUE(G_IDENTITY)},
	        {"role", required_argument, NULL, CLIENT_VALUE(G_ROLE)},
	        {"decision", required_argument, NULL, CLIENT_VALUE(G_DECISION)},
	        {"from", required_argument, NULL, CLIENT_VALUE(G_FROM)},
	        {"until", required_argument, NULL, CLIENT_VALUE(G_UNTIL)},
	        {"json", no_argument, NULL, 'j'},
	        {"help", no_argument, NULL, 'h'},
	        CLIENT_LONG_OPTS,
	        {NULL, 0, NULL, 0}};
	struct client_args a;
	json_t *body;
	int64_t id;
	int rc = client_parse_args(argc, argv, opts, "grant create", create_usage, &a);

	if (rc)
		return rc < 0 ? CLI_OK : rc;
	if (a.id)
		return cli_error(CLI_USAGE, "grant create: unexpected argument '%s'", a.id);
	if (!a.values[G_IDENTITY] || !a.values[G_ROLE] || !a.values[G_DECISION] ||
	    !a.values[G_FROM])
		return cli_error(CLI_USAGE,
		                 "grant create: --identity, --role, --decision and "
		                 "--from are required (see 'skydd grant create --help')");
	if (!client_parse_id(a.values[G_IDENTITY], &id))
		return cli_error(CLI_USAGE,
		                 "grant create: --identity must be an identity's number");
	body = json_pack("{s:I, s:s, s:s, s:s}", "identity_id", (json_int_t)id, "role",
	                 a.values[G_ROLE], "decision_ref", a.values[G_DECISION], "valid_from",
	                 a.values[G_FROM]);
	if (body && a.values[G_UNTIL] &&
	    json_object_set_new(body, "valid_until", json_string(a.values[G_UNTIL]))) {
		json_decref(body);
		body = NULL;
	}
	if (!body)
		return cli_error(CLI_USAGE, "grant create: the arguments must be UTF-8 text");
	rc = client_call_show("grant create", &a, "POST", "/api/v1/grants", body, show_grant);
	json_decref(body);
	return rc;
}

/* review and revoke: POST /api/v1/grants/ID/<what> {note|reason: text}. */
static int grant_change(int argc, char **argv, bool review, const struct option *opts,
                        const char *usage)
{
	const char *cmd = review ? "grant review" : "grant revoke";
	const char *what = review ? "review" : "revoke";
	struct client_args a;
	const char *text;
	char path[96];
	json_t *body;
	int64_t id;
	int rc = client_parse_args(argc, argv, opts, cmd, usage, &a);

	if (rc)
		return rc < 0 ? CLI_OK : rc;
	if (!a.id || !client_parse_id(a.id, &id))
		return cli_error(CLI_USAGE, "%s: give the grant's number (see 'skydd %s --help')",
		                 cmd, cmd);
	text = review ? a.values[G_NOTE] : a.values[G_REASON];
	if (!text)
		return cli_error(CLI_USAGE, "%s: %s TEXT is required", cmd,
		                 review ? "--note" : "--reason");
	snprintf(path, sizeof(path), "/api/v1/grants/%lld/%s", (long long)id, what);
	body = json_pack("{s:s}", review ? "note" : "reason", text);
	if (!body)
		return cli_error(CLI_USAGE, "%s: the text must be UTF-8", cmd);
	rc = client_call_show(cmd, &a, "POST", path, body, show_grant);
	json_decref(body);
	return rc;
}

static int grant_review(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"note", required_argument, NULL, CLIENT_VALUE(G_NOTE)},
	        {"json", no_argument, NULL, 'j'},
	        {"help", no_argument, NULL, 'h'},
	        CLIENT_LONG_OPTS,
	        {NULL, 0, NULL, 0}};

	return grant_change(argc, argv, true, opts, review_usage);
}

static int grant_revoke(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"reason", required_argument, NULL, CLIENT_VALUE(G_REASON)},
	        {"json", no_argument, NULL, 'j'},
	        {"help", no_argument, NULL, 'h'},
	        CLIENT_LONG_OPTS,
	        {NULL, 0, NULL, 0}};

	return grant_change(argc, argv, false, opts, revoke_usage);
}

int cmd_grant(int argc, char **argv)
{
	static const struct client_sub subs[] = {
	        {"list", grant_list},
	        {"create", grant_create},
	        {"review", grant_review},
	        {"revoke", grant_revoke},
	};

	return client_dispatch("grant", grant_usage, subs, sizeof(subs) / sizeof(subs[0]), argc,
	                       argv);
}
