/* skydd user: identities through the API (list, show, create, update; 4 kap. 7 §). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/client.h"

static const char user_usage[] =
        "usage: skydd user list [--json]\n"
        "       skydd user show ID [--json]\n"
        "       skydd user create --username NAME --name TEXT --clearance C [--json]\n"
        "       skydd user update ID [--name TEXT] [--clearance C] [--status active|disabled]\n"
        "                            [--email ADDR] [--reason TEXT] [--json]\n"
        "       skydd user reset request ID --reason TEXT [--json]\n"
        "       skydd user reset confirm ID --reset-id N [--json]\n"
        "       skydd user reset cancel ID --reset-id N [--reason TEXT] [--json]\n\n"
        "Identities (4 kap. 7 § PMFS 2022:1) on the server of the session (see 'skydd\n"
        "login'). Clearance (säkerhetsskyddsklass) is none, BH, K, H or KH; the ssc\n"
        "decides it, never for her own account nor for one she created (the head or\n"
        "another ssc decides the ssc's). 'create' prints the new account's one-time\n"
        "password once; its first login sets a new password and enrols TOTP. Usernames\n"
        "are never reused, not even after an account is disabled. Every command also\n"
        "takes --url URL, --cacert FILE and --insecure (see 'skydd login --help').\n";

static const char list_usage[] = "usage: skydd user list [--json]\n\n"
                                 "Lists every identity with its clearance, status and roles.\n\n"
                                 "  --json           print the API's JSON\n" CLIENT_OPTS_HELP;

static const char show_usage[] = "usage: skydd user show ID [--json]\n\n"
                                 "Shows one identity.\n\n"
                                 "  --json           print the API's JSON\n" CLIENT_OPTS_HELP;

static const char create_usage[] =
        "usage: skydd user create --username NAME --name TEXT --clearance C [--json]\n\n"
        "Creates an identity (admin or ssc) and prints its one-time password once.\n"
        "Whoever creates an account never decides its clearance or roles (4 kap. 8 §):\n"
        "create it with --clearance none; the ssc sets the clearance afterwards.\n\n"
        "  --username NAME  3..64 of a-z 0-9 . _ -, starting with a letter; never reused\n"
        "  --name TEXT      the person's name\n"
        "  --clearance C    none (only the system creates an account with a clearance)\n"
        "  --json           print the API's JSON (with one_time_password)\n" CLIENT_OPTS_HELP;

static const char update_usage[] =
        "usage: skydd user update ID [--name TEXT] [--clearance C] [--status active|disabled]\n"
        "                            [--email ADDR] [--reason TEXT] [--json]\n\n"
        "Changes an identity's name (admin, ssc), status or clearance. The clearance is\n"
        "the ssc's decision; the ssc's or the head's account is decided by the head or\n"
        "another ssc; nobody decides about their own account or, except disabling it,\n"
        "one they created. An admin disables accounts and re-activates those with no\n"
        "clearance and no role but staff. A disabled account cannot log in (nor its\n"
        "service tokens work); its username stays taken.\n\n"
        "  --name TEXT      the person's name\n"
        "  --clearance C    none, BH, K, H or KH\n"
        "  --status S       active or disabled\n"
        "  --email ADDR     the address for reminders of Att göra (admin, ssc); '' removes it\n"
        "  --reason TEXT    why (recorded in the Säkerhetslogg with the change)\n"
        "  --json           print the API's JSON\n" CLIENT_OPTS_HELP;

static const char reset_usage[] =
        "usage: skydd user reset request ID --reason TEXT [--json]\n"
        "       skydd user reset confirm ID --reset-id N [--json]\n"
        "       skydd user reset cancel ID --reset-id N [--reason TEXT] [--json]\n\n"
        "A lost password or authenticator, reset by two people (4 kap. 8 and 9 §§).\n"
        "One person requests the reset with a reason; another with the same authority\n"
        "confirms it within 24 hours and gets the account's new one-time password,\n"
        "shown once. The account then enrols again at its next login (new password,\n"
        "new TOTP, new recovery codes); its sessions end and its service tokens are\n"
        "revoked. Nobody resets their own account, one they created or the one that\n"
        "created theirs; the requester, the account and its creator never confirm.\n"
        "An admin resets only accounts with no clearance and no role but staff; the\n"
        "ssc's and the head's are reset by the head or another ssc. 'skydd user show'\n"
        "shows a waiting request's number. The requester, or anyone who may reset the\n"
        "account, cancels a request.\n\n"
        "  --reason TEXT    why (request: required; cancel: optional)\n"
        "  --reset-id N     the waiting request's number (from 'skydd user show')\n"
        "  --json           print the API's JSON\n" CLIENT_OPTS_HELP;

/* The path of one identity, from the ID argument. */
/* Where each option's value lands in struct client_args.values. */
enum { U_USERNAME, U_NAME, U_CLEARANCE, U_STATUS, U_REASON, U_RESET_ID, U_EMAIL };

static int id_path(const char *cmd, const char *arg, char *path, size_t cap)
{
	int64_t id;

	if (!arg || !client_parse_id(arg, &id))
		return cli_error(CLI_USAGE,
		                 "%s: give the identity's number (see 'skydd %s --help')", cmd,
		                 cmd);
	snprintf(path, cap, "/api/v1/identities/%lld", (long long)id);
	return CLI_OK;
}

static void show_identity(json_t *ident)
{
	char v[512];

	client_kv("id", client_field(ident, "id", v, sizeof(v)));
	client_kv("username", client_field(ident, "username", v, sizeof(v)));
	client_kv("name", client_field(ident, "display_name", v, sizeof(v)));
	client_kv("clearance", client_field(ident, "clearance", v, sizeof(v)));
	client_kv("status", client_field(ident, "status", v, sizeof(v)));
	client_kv("enrolled", client_field(ident, "enrolled", v, sizeof(v)));
	client_kv("roles", client_field(ident, "roles", v, sizeof(v)));
	client_kv("email", client_field(ident, "email", v, sizeof(v)));
	client_kv("created", client_field(ident, "created_at", v, sizeof(v)));
	if (json_is_object(json_object_get(ident, "reset"))) {
		json_t *r = json_object_get(ident, "reset");
		char by[32], until[64];

		client_field(r, "id", v, sizeof(v));
		client_field(r, "requested_by", by, sizeof(by));
		client_field(r, "expires_at", until, sizeof(until));
		printf("reset requested: number %s by identity %s, waits for a second person until "
		       "%s\n",
		       v, by, until);
		client_kv("reset reason", client_field(r, "reason", v, sizeof(v)));
	}
}

static void show_list(json_t *o)
{
	static const char *const head[] = {"ID",     "USERNAME", "NAME", "CLEARANCE",
	                                   "STATUS", "ENROLLED", "ROLES"};
	static const char *const keys[] = {"id",     "username", "display_name", "clearance",
	                                   "status", "enrolled", "roles"};
	client_table_json(json_object_get(o, "identities"), 7, head, keys, 256);
}

static void show_one(json_t *o)
{
	show_identity(json_object_get(o, "identity"));
}

static void show_created(json_t *o)
{
	json_t *ident = json_object_get(o, "identity");
	char id[32], user[128];

	printf("Created identity %s: ", client_field(ident, "id", id, sizeof(id)));
	client_puts_safe(client_field(ident, "username", user, sizeof(user)));
	fputs("\nOne-time password (shown once; the first login replaces it): ", stdout);
	client_puts_safe(json_string_value(json_object_get(o, "one_time_password"))
	                         ? json_string_value(json_object_get(o, "one_time_password"))
	                         : "-");
	putchar('\n');
}

static int user_list(int argc, char **argv)
{
	static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     CLIENT_LONG_OPTS,
	                                     {NULL, 0, NULL, 0}};
	struct client_args a;
	int rc = client_parse_args(argc, argv, opts, "user list", list_usage, &a);

	if (rc)
		return rc < 0 ? CLI_OK : rc;
	if (a.id)
		return cli_error(CLI_USAGE, "user list: unexpected argument '%s'", a.id);
	return client_call_show("user list", &a, "GET", "/api/v1/identities", NULL, show_list);
}

static int user_show(int argc, char **argv)
{
	static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     CLIENT_LONG_OPTS,
	                                     {NULL, 0, NULL, 0}};
	struct client_args a;
	char path[64];
	int rc = client_parse_args(argc, argv, opts, "user show", show_usage, &a);

	if (rc)
		return rc < 0 ? CLI_OK : rc;
	if (id_path("user show", a.id, path, sizeof(path)))
		return CLI_USAGE;
	return client_call_show("user show", &a, "GET", path, NULL, show_one);
}

static int user_create(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"username", required_argument, NULL, CLIENT_VALUE(U_USERNAME)},
	        {"name", required_argument, NULL, CLIENT_VALUE(U_NAME)},
	        {"clearance", required_argument, NULL, CLIENT_VALUE(U_CLEARANCE)},
	        {"json", no_argument, NULL, 'j'},
	        {"help", no_argument, NULL, 'h'},
	        CLIENT_LONG_OPTS,
	        {NULL, 0, NULL, 0}};
	struct client_args a;
	json_t *body;
	int rc = client_parse_args(argc, argv, opts, "user create", create_usage, &a);

	if (rc)
		return rc < 0 ? CLI_OK : rc;
	if (a.id)
		return cli_error(CLI_USAGE, "user create: unexpected argument '%s'", a.id);
	if (!a.values[U_USERNAME] || !a.values[U_NAME] || !a.values[U_CLEARANCE])
		return cli_error(CLI_USAGE, "user create: --username, --name and --clearance are "
		                            "required (see 'skydd user create --help')");
	body = json_pack("{s:s, s:s, s:s}", "username", a.values[U_USERNAME], "display_name",
	                 a.values[U_NAME], "clearance", a.values[U_CLEARANCE]);
	if (!body)
		return cli_error(CLI_USAGE, "user create: the arguments must be UTF-8 text");
	rc = client_call_show("user create", &a, "POST", "/api/v1/identities", body, show_created);
	json_decref(body);
	return rc;
}

static int user_update(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"name", required_argument, NULL, CLIENT_VALUE(U_NAME)},
	        {"clearance", required_argument, NULL, CLIENT_VALUE(U_CLEARANCE)},
	        {"status", required_argument, NULL, CLIENT_VALUE(U_STATUS)},
	        {"reason", required_argument, NULL, CLIENT_VALUE(U_REASON)},
	        {"email", required_argument, NULL, CLIENT_VALUE(U_EMAIL)},
	        {"json", no_argument, NULL, 'j'},
	        {"help", no_argument, NULL, 'h'},
	        CLIENT_LONG_OPTS,
	        {NULL, 0, NULL, 0}};
	struct client_args a;
	json_t *body;
	char path[64];
	int rc = client_parse_args(argc, argv, opts, "user update", update_usage, &a);

	if (rc)
		return rc < 0 ? CLI_OK : rc;
	if (id_path("user update", a.id, path, sizeof(path)))
		return CLI_USAGE;
	if (!a.values[U_NAME] && !a.values[U_CLEARANCE] && !a.values[U_STATUS] &&
	    !a.values[U_EMAIL])
		return cli_error(CLI_USAGE,
		                 "user update: give --name, --clearance, --status or --email");
	if (a.values[U_STATUS] && strcmp(a.values[U_STATUS], "active") != 0 &&
	    strcmp(a.values[U_STATUS], "disabled") != 0)
		return cli_error(CLI_USAGE, "user update: --status must be active or disabled");
	body = json_object();
	if (body && a.values[U_NAME] &&
	    json_object_set_new(body, "display_name", json_string(a.values[U_NAME])))
		goto bad;
	if (body && a.values[U_CLEARANCE] &&
	    json_object_set_new(body, "clearance", json_string(a.values[U_CLEARANCE])))
		goto bad;
	if (body && a.values[U_STATUS] &&
	    json_object_set_new(body, "status", json_string(a.values[U_STATUS])))
		goto bad;
	if (body && a.values[U_REASON] &&
	    json_object_set_new(body, "reason", json_string(a.values[U_REASON])))
		goto bad;
	if (body && a.values[U_EMAIL] &&
	    json_object_set_new(body, "email", json_string(a.values[U_EMAIL])))
		goto bad;
	if (!body)
		goto bad;
	rc = client_call_show("user update", &a, "PATCH", path, body, show_one);
	json_decref(body);
	return rc;
bad:
	json_decref(body);
	return cli_error(CLI_USAGE, "user update: the arguments must be UTF-8 text");
}

static void show_reset(json_t *o)
{
	json_t *r = json_object_get(o, "reset");
	char id[32], until[64];

	printf("Reset requested: number %s, waits for a second person until %s\n",
	       client_field(r, "id", id, sizeof(id)),
	       client_field(r, "expires_at", until, sizeof(until)));
}

static void show_reset_done(json_t *o)
{
	json_t *ident = json_object_get(o, "identity");
	char user[128];

	fputs("Reset confirmed for ", stdout);
	client_puts_safe(client_field(ident, "username", user, sizeof(user)));
	fputs(": its sessions and service tokens have ended.\nOne-time password (shown once; "
	      "the next login enrols again): ",
	      stdout);
	client_puts_safe(json_string_value(json_object_get(o, "one_time_password"))
	                         ? json_string_value(json_object_get(o, "one_time_password"))
	                         : "-");
	putchar('\n');
}

/* skydd user reset request|confirm|cancel ID … */
static int user_reset(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"reason", required_argument, NULL, CLIENT_VALUE(U_REASON)},
	        {"reset-id", required_argument, NULL, CLIENT_VALUE(U_RESET_ID)},
	        {"json", no_argument, NULL, 'j'},
	        {"help", no_argument, NULL, 'h'},
	        CLIENT_LONG_OPTS,
	        {NULL, 0, NULL, 0}};
	const char *what = argc >= 2 ? argv[1] : "";
	char path[96], cmd[32];
	struct client_args a;
	json_t *body = NULL;
	int64_t rid = 0;
	int rc;

	if (argc >= 2 &&
	    (strcmp(what, "--help") == 0 || strcmp(what, "-h") == 0 || strcmp(what, "help") == 0)) {
		fputs(reset_usage, stdout);
		return CLI_OK;
	}
	if (strcmp(what, "request") != 0 && strcmp(what, "confirm") != 0 &&
	    strcmp(what, "cancel") != 0)
		return cli_error(CLI_USAGE,
		                 "user reset: give request, confirm or cancel (see 'skydd user "
		                 "reset --help')");
	snprintf(cmd, sizeof(cmd), "user reset %s", what);
	rc = client_parse_args(argc - 1, argv + 1, opts, cmd, reset_usage, &a);
	if (rc)
		return rc < 0 ? CLI_OK : rc;
	if (id_path("user reset", a.id, path, sizeof(path)))
		return CLI_USAGE;
	if (what[0] != 'r' &&
	    (!a.values[U_RESET_ID] || !client_parse_id(a.values[U_RESET_ID], &rid)))
		return cli_error(CLI_USAGE, "%s: --reset-id N is required (see 'skydd user show')",
		                 cmd);
	if (what[0] == 'r' && !a.values[U_REASON])
		return cli_error(CLI_USAGE, "%s: --reason TEXT is required", cmd);
	if (what[0] == 'r') {
		body = json_pack("{s:s}", "reason", a.values[U_REASON]);
		snprintf(path + strlen(path), sizeof(path) - strlen(path), "/reset");
	} else {
		body = json_pack("{s:I}", "reset_id", (json_int_t)rid);
		if (body && what[1] == 'a' && a.values[U_REASON] &&
		    json_object_set_new(body, "reason", json_string(a.values[U_REASON]))) {
			json_decref(body);
			body = NULL;
		}
		snprintf(path + strlen(path), sizeof(path) - strlen(path), "/reset/%s", what);
	}
	if (!body)
		return cli_error(CLI_USAGE, "%s: the arguments must be UTF-8 text", cmd);
	rc = client_call_show(cmd, &a, "POST", path, body,
	                      what[0] == 'r'   ? show_reset
	                      : what[1] == 'o' ? show_reset_done
	                                       : show_one);
	json_decref(body);
	return rc;
}

int cmd_user(int argc, char **argv)
{
	static const struct client_sub subs[] = {
	        {"list", user_list},     {"show", user_show},   {"create", user_create},
	        {"update", user_update}, {"reset", user_reset},
	};

	return client_dispatch("user", user_usage, subs, sizeof(subs) / sizeof(subs[0]), argc,
	                       argv);
}
