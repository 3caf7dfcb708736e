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
        "                            [--json]\n\n"
        "Identities (4 kap. 7 § PMFS 2022:1) on the server of the session (see 'skydd\n"
        "login'). Clearance (säkerhetsskyddsklass) is none, BH, K, H or KH; only the\n"
        "ssc may change it. 'create' prints the new account's one-time password once;\n"
        "its first login sets a new password and enrols TOTP. Usernames are never\n"
        "reused, not even after an account is disabled. Every command also takes\n"
        "--url URL, --cacert FILE and --insecure (see 'skydd login --help').\n";

static const char list_usage[] = "usage: skydd user list [--json]\n\n"
                                 "Lists every identity with its clearance, status and roles.\n\n"
                                 "  --json           print the API's JSON\n" CLIENT_OPTS_HELP;

static const char show_usage[] = "usage: skydd user show ID [--json]\n\n"
                                 "Shows one identity.\n\n"
                                 "  --json           print the API's JSON\n" CLIENT_OPTS_HELP;

static const char create_usage[] =
        "usage: skydd user create --username NAME --name TEXT --clearance C [--json]\n\n"
        "Creates an identity (admin or ssc) and prints its one-time password once.\n\n"
        "  --username NAME  3..64 of a-z 0-9 . _ -, starting with a letter; never reused\n"
        "  --name TEXT      the person's name\n"
        "  --clearance C    none, BH, K, H or KH\n"
        "  --json           print the API's JSON (with one_time_password)\n" CLIENT_OPTS_HELP;

static const char update_usage[] =
        "usage: skydd user update ID [--name TEXT] [--clearance C] [--status active|disabled]\n"
        "                            [--json]\n\n"
        "Changes an identity's name or status (admin, ssc) or clearance (ssc only).\n"
        "A disabled account cannot log in; its username stays taken.\n\n"
        "  --name TEXT      the person's name\n"
        "  --clearance C    none, BH, K, H or KH\n"
        "  --status S       active or disabled\n"
        "  --json           print the API's JSON\n" CLIENT_OPTS_HELP;

struct user_args {
	struct client_opts co;
	bool json;
	const char *username, *name, *clearance, *status;
	const char *id; /* the one positional argument */
};

/* Parses a subcommand's options (those in opts) and at most one ID. -1: --help was printed. */
static int parse(int argc, char **argv, const struct option *opts, const char *cmd,
                 const char *usage, struct user_args *a)
{
	int c;

	memset(a, 0, sizeof(*a));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (client_opt(&a->co, c, optarg))
			continue;
		switch (c) {
		case 'j':
			a->json = true;
			break;
		case 'U':
			a->username = optarg;
			break;
		case 'n':
			a->name = optarg;
			break;
		case 'c':
			a->clearance = optarg;
			break;
		case 's':
			a->status = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return -1;
		default:
			return client_bad_option(cmd, argv);
		}
	}
	for (; optind < argc; optind++) {
		if (a->id)
			return cli_error(CLI_USAGE, "%s: unexpected argument '%s'", cmd,
			                 argv[optind]);
		a->id = argv[optind];
	}
	return CLI_OK;
}

/* The path of one identity, from the ID argument. */
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
	client_kv("created", client_field(ident, "created_at", v, sizeof(v)));
}

/* Opens the client, makes one call, prints the JSON or hands it to show. */
static int call(const char *cmd, const struct user_args *a, const char *method, const char *path,
                json_t *body, void (*show)(json_t *reply))
{
	struct client *cl = NULL;
	json_t *o = NULL;
	int rc;

	rc = client_open(cmd, &a->co, true, &cl);
	if (!rc)
		rc = client_call(cl, method, path, body, &o);
	if (!rc && a->json)
		cli_print_json(o);
	else if (!rc)
		show(o);
	json_decref(o);
	client_free(cl);
	return rc;
}

static void show_list(json_t *o)
{
	static const char *const head[] = {"ID",     "USERNAME", "NAME", "CLEARANCE",
	                                   "STATUS", "ENROLLED", "ROLES"};
	static const char *const keys[] = {"id",     "username", "display_name", "clearance",
	                                   "status", "enrolled", "roles"};
	char v[7][256];
	const char *row[7];
	struct client_table t;
	json_t *x;
	size_t i;

	client_table_init(&t, 7);
	client_table_row(&t, head);
	json_array_foreach(json_object_get(o, "identities"), i, x)
	{
		for (size_t k = 0; k < 7; k++)
			row[k] = client_field(x, keys[k], v[k], sizeof(v[k]));
		client_table_row(&t, row);
	}
	client_table_print(&t);
	client_table_release(&t);
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
	struct user_args a;
	int rc = parse(argc, argv, opts, "user list", list_usage, &a);

	if (rc)
		return rc < 0 ? CLI_OK : rc;
	if (a.id)
		return cli_error(CLI_USAGE, "user list: unexpected argument '%s'", a.id);
	return call("user list", &a, "GET", "/api/v1/identities", NULL, show_list);
}

static int user_show(int argc, char **argv)
{
	static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     CLIENT_LONG_OPTS,
	                                     {NULL, 0, NULL, 0}};
	struct user_args a;
	char path[64];
	int rc = parse(argc, argv, opts, "user show", show_usage, &a);

	if (rc)
		return rc < 0 ? CLI_OK : rc;
	if (id_path("user show", a.id, path, sizeof(path)))
		return CLI_USAGE;
	return call("user show", &a, "GET", path, NULL, show_one);
}

static int user_create(int argc, char **argv)
{
	static const struct option opts[] = {{"username", required_argument, NULL, 'U'},
	                                     {"name", required_argument, NULL, 'n'},
	                                     {"clearance", required_argument, NULL, 'c'},
	                                     {"json", no_argument, NULL, 'j'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     CLIENT_LONG_OPTS,
	                                     {NULL, 0, NULL, 0}};
	struct user_args a;
	json_t *body;
	int rc = parse(argc, argv, opts, "user create", create_usage, &a);

	if (rc)
		return rc < 0 ? CLI_OK : rc;
	if (a.id)
		return cli_error(CLI_USAGE, "user create: unexpected argument '%s'", a.id);
	if (!a.username || !a.name || !a.clearance)
		return cli_error(CLI_USAGE, "user create: --username, --name and --clearance are "
		                            "required (see 'skydd user create --help')");
	body = json_pack("{s:s, s:s, s:s}", "username", a.username, "display_name", a.name,
	                 "clearance", a.clearance);
	if (!body)
		return cli_error(CLI_USAGE, "user create: the arguments must be UTF-8 text");
	rc = call("user create", &a, "POST", "/api/v1/identities", body, show_created);
	json_decref(body);
	return rc;
}

static int user_update(int argc, char **argv)
{
	static const struct option opts[] = {{"name", required_argument, NULL, 'n'},
	                                     {"clearance", required_argument, NULL, 'c'},
	                                     {"status", required_argument, NULL, 's'},
	                                     {"json", no_argument, NULL, 'j'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     CLIENT_LONG_OPTS,
	                                     {NULL, 0, NULL, 0}};
	struct user_args a;
	json_t *body;
	char path[64];
	int rc = parse(argc, argv, opts, "user update", update_usage, &a);

	if (rc)
		return rc < 0 ? CLI_OK : rc;
	if (id_path("user update", a.id, path, sizeof(path)))
		return CLI_USAGE;
	if (!a.name && !a.clearance && !a.status)
		return cli_error(CLI_USAGE, "user update: give --name, --clearance or --status");
	if (a.status && strcmp(a.status, "active") != 0 && strcmp(a.status, "disabled") != 0)
		return cli_error(CLI_USAGE, "user update: --status must be active or disabled");
	body = json_object();
	if (body && a.name && json_object_set_new(body, "display_name", json_string(a.name)))
		goto bad;
	if (body && a.clearance && json_object_set_new(body, "clearance", json_string(a.clearance)))
		goto bad;
	if (body && a.status && json_object_set_new(body, "status", json_string(a.status)))
		goto bad;
	if (!body)
		goto bad;
	rc = call("user update", &a, "PATCH", path, body, show_one);
	json_decref(body);
	return rc;
bad:
	json_decref(body);
	return cli_error(CLI_USAGE, "user update: the arguments must be UTF-8 text");
}

int cmd_user(int argc, char **argv)
{
	static const struct client_sub subs[] = {
	        {"list", user_list},
	        {"show", user_show},
	        {"create", user_create},
	        {"update", user_update},
	};

	return client_dispatch("user", user_usage, subs, sizeof(subs) / sizeof(subs[0]), argc,
	                       argv);
}
