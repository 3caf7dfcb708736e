/*
 * skydd login, logout and whoami: the CLI's own session. A login is the
 * password and then a TOTP code (4 kap. 9 § PMFS 2022:1); the first login of
 * an account also sets a new password and enrols the authenticator.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "auth/auth.h"
#include "cli/cli.h"
#include "cli/client.h"

#define PW_CAP    512 /* the server takes at most 256 bytes and says so */
#define CODE_CAP  64
#define USER_CAP  72
#define ATTEMPTS  3 /* interactive retries of a wrong code or a refused password */
#define LOGIN_CMD "login"

static const char login_usage[] =
        "usage: skydd login [--url URL] [--user NAME] [--code CODE] [--cacert FILE] "
        "[--insecure]\n\n"
        "Logs in with the password and a TOTP code (4 kap. 9 § PMFS 2022:1) and stores\n"
        "the session in $XDG_CONFIG_HOME/skydd/session (default ~/.config/skydd/session,\n"
        "mode 0600) for the other commands. The first login of an account sets a new\n"
        "password and adds the authenticator app: it shows the TOTP secret and its QR\n"
        "code, then the 10 recovery codes, once.\n\n"
        "Passwords are read from the terminal without echo, or from lines of standard\n"
        "input when it is not a terminal; never from the command line.\n\n"
        "  --user NAME      the username (default: asked)\n"
        "  --code CODE      the 6-digit TOTP code, or a recovery code (default:\n"
        "                   $SKYDD_TOTP_CODE, else asked)\n" CLIENT_OPTS_HELP;

static const char logout_usage[] =
        "usage: skydd logout [--url URL] [--cacert FILE] [--insecure]\n\n"
        "Ends the session on the server and removes the session file.\n\n" CLIENT_OPTS_HELP;

static const char whoami_usage[] =
        "usage: skydd whoami [--json] [--url URL] [--cacert FILE] [--insecure]\n\n"
        "Shows who the session or $SKYDD_TOKEN belongs to: username, name, roles and\n"
        "clearance (säkerhetsskyddsklass).\n\n"
        "  --json           print the API's JSON\n" CLIENT_OPTS_HELP;

struct login {
	struct client *c;
	const char *code_arg; /* --code or $SKYDD_TOTP_CODE; used once */
	char user[USER_CAP];
	char challenge[128];
	char pw[PW_CAP];
	char code[CODE_CAP];
};

static bool six_digits(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++) {
		if (s[n] < '0' || s[n] > '9')
			return false;
	}
	return n == 6;
}

/* A recovery code: xxxx-xxxx-xxxx style, letters, digits and dashes. */
static bool recovery_like(const char *s)
{
	size_t n = strlen(s);

	if (n < 12 || n > 32 || !strchr(s, '-'))
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];

		if (!(ch == '-' || (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
		      (ch >= 'A' && ch <= 'Z')))
			return false;
	}
	return true;
}

/* Fills l->code from --code/$SKYDD_TOTP_CODE the first time, else asks. */
static int read_code(struct login *l, const char *prompt, bool recovery_ok)
{
	int rc = CLI_OK;

	if (l->code_arg) {
		if (snprintf(l->code, sizeof(l->code), "%s", l->code_arg) >= (int)sizeof(l->code))
			l->code[0] = '\0';
		l->code_arg = NULL;
	} else {
		rc = client_prompt(LOGIN_CMD, prompt, false, l->code, sizeof(l->code));
	}
	if (rc)
		return rc;
	if (!six_digits(l->code) && !(recovery_ok && recovery_like(l->code)))
		return cli_error(CLI_USAGE, "login: the code must be 6 digits%s",
		                 recovery_ok ? " (or a recovery code)" : "");
	return CLI_OK;
}

/* A reply worth another try at the terminal: a wrong code, a refused new password. */
static bool retry_on(const struct client_reply *r, const char *field)
{
	return client_interactive() && (r->status == 400 || r->status == 401 || r->status == 422) &&
	       strcmp(r->field, field) == 0;
}

/* Prints the server's complaint about one attempt, before asking again. */
static void note(const struct client_reply *r)
{
	fputs("skydd: login: ", stderr);
	client_eputs_safe(r->message ? r->message : "refused");
	fputs(" — try again\n", stderr);
}

/* Stores the session from a successful second step and says who is logged in. */
static int finish(struct login *l, json_t *o)
{
	json_t *ident = json_object_get(o, "identity");
	const char *token = json_string_value(json_object_get(o, "token"));
	char path[4096], name[160];
	int rc;

	if (!token)
		return cli_error(CLI_USAGE, "login: the server sent no token");
	rc = client_set_token(l->c, token);
	if (!rc)
		rc = client_session_save(LOGIN_CMD, client_url(l->c), token);
	if (!rc)
		rc = client_session_path(LOGIN_CMD, path, sizeof(path));
	if (rc)
		return rc;
	fputs("Logged in to ", stdout);
	client_puts_safe(client_url(l->c));
	fputs(" as ", stdout);
	client_puts_safe(l->user);
	fputs(" (", stdout);
	client_puts_safe(client_field(ident, "display_name", name, sizeof(name)));
	fputs("); the session is stored in ", stdout);
	client_puts_safe(path);
	puts(".");
	return CLI_OK;
}

static json_t *second_step_body(struct login *l, bool enroll)
{
	json_t *o = json_pack("{s:s, s:b}", "challenge", l->challenge, "bearer", 1);

	if (!o)
		return NULL;
	if (enroll) {
		json_object_set_new(o, "new_password", json_string(l->pw));
		json_object_set_new(o, "code", json_string(l->code));
	} else {
		json_object_set_new(o, six_digits(l->code) ? "code" : "recovery_code",
		                    json_string(l->code));
	}
	return o;
}

static int step_totp(struct login *l)
{
	struct client_reply r = {0};
	json_t *body;
	int rc;

	for (int attempt = 1;; attempt++) {
		rc = read_code(l, "TOTP code (or a recovery code): ", true);
		if (rc)
			return rc;
		body = second_step_body(l, false);
		rc = body ? client_send(l->c, "POST", "/api/v1/login/totp", body, &r)
		          : cli_error(CLI_USAGE, "login: out of memory");
		json_decref(body);
		if (rc)
			return rc;
		if (r.status == 200)
			break;
		if (attempt < ATTEMPTS && (retry_on(&r, "code") || retry_on(&r, "recovery_code"))) {
			note(&r);
			client_reply_release(&r);
			continue;
		}
		rc = client_refused(l->c, &r);
		client_reply_release(&r);
		return rc;
	}
	rc = finish(l, r.json);
	client_reply_release(&r);
	return rc;
}

/* Shows the TOTP secret, its URI and the QR code of the URI on the terminal. */
static void show_enrolment(json_t *totp)
{
	const char *secret = json_string_value(json_object_get(totp, "secret"));
	const char *uri = json_string_value(json_object_get(totp, "uri"));
	struct buf qr;

	puts("This is the first login of this account: choose a new password and add skydd\n"
	     "to your authenticator app (scan the QR code, or type the secret).\n");
	fputs("TOTP secret (base32): ", stdout);
	client_puts_safe(secret ? secret : "-");
	putchar('\n');
	if (!uri)
		return;
	client_puts_safe(uri);
	putchar('\n');
	buf_init(&qr, 256 * 1024);
	if (auth_qr_utf8(uri, &qr) == SK_OK)
		fputs(qr.ptr, stdout);
	buf_release(&qr);
	fflush(stdout);
}

/* Asks for the new password twice until both agree. */
static int read_new_password(struct login *l)
{
	char again[PW_CAP];
	int rc;

	for (int attempt = 1;; attempt++) {
		rc = client_prompt(LOGIN_CMD, "New password (at least 12 characters): ", true,
		                   l->pw, sizeof(l->pw));
		if (!rc)
			rc = client_prompt(LOGIN_CMD, "The new password again: ", true, again,
			                   sizeof(again));
		if (!rc && (strlen(l->pw) != strlen(again) ||
		            sodium_memcmp(l->pw, again, strlen(again)) != 0))
			rc = CLI_FAIL;
		sodium_memzero(again, sizeof(again));
		if (rc != CLI_FAIL)
			return rc;
		if (attempt >= ATTEMPTS || !client_interactive())
			return cli_error(CLI_USAGE, "login: the two new passwords differ");
		fputs("skydd: login: the two new passwords differ — try again\n", stderr);
	}
}

static void show_recovery(json_t *codes)
{
	size_t i;
	json_t *v;

	puts("\nRecovery codes: each works once instead of a TOTP code. Keep them somewhere "
	     "safe;\nthey are not shown again.");
	json_array_foreach(codes, i, v)
	{
		fputs("  ", stdout);
		client_puts_safe(json_is_string(v) ? json_string_value(v) : "?");
		putchar('\n');
	}
	putchar('\n');
}

static int step_enroll(struct login *l, json_t *totp)
{
	struct client_reply r = {0};
	bool need_pw = true;
	json_t *body;
	int rc;

	show_enrolment(totp);
	for (int attempt = 1;; attempt++) {
		rc = need_pw ? read_new_password(l) : CLI_OK;
		if (!rc)
			rc = read_code(l, "Code from the authenticator app: ", false);
		if (rc)
			return rc;
		body = second_step_body(l, true);
		rc = body ? client_send(l->c, "POST", "/api/v1/login/enroll", body, &r)
		          : cli_error(CLI_USAGE, "login: out of memory");
		json_decref(body);
		if (rc)
			return rc;
		if (r.status == 200)
			break;
		if (attempt < ATTEMPTS && (retry_on(&r, "new_password") || retry_on(&r, "code"))) {
			need_pw = strcmp(r.field, "new_password") == 0;
			note(&r);
			client_reply_release(&r);
			continue;
		}
		rc = client_refused(l->c, &r);
		client_reply_release(&r);
		return rc;
	}
	sodium_memzero(l->pw, sizeof(l->pw));
	show_recovery(json_object_get(r.json, "recovery_codes"));
	rc = finish(l, r.json);
	client_reply_release(&r);
	return rc;
}

/* Step 1: the password. On success l->challenge is set and r holds the reply ("next"). */
static int step_password(struct login *l, struct client_reply *r)
{
	char prompt[USER_CAP + 32];
	const char *ch;
	json_t *body;
	int rc;

	snprintf(prompt, sizeof(prompt), "Password for %s: ", l->user);
	rc = client_prompt(LOGIN_CMD, prompt, true, l->pw, sizeof(l->pw));
	if (rc)
		return rc;
	body = json_pack("{s:s, s:s}", "username", l->user, "password", l->pw);
	sodium_memzero(l->pw, sizeof(l->pw));
	rc = body ? client_send(l->c, "POST", "/api/v1/login", body, r)
	          : cli_error(CLI_USAGE, "login: out of memory");
	json_decref(body);
	if (rc)
		return rc;
	if (r->status != 200) {
		rc = client_refused(l->c, r);
		client_reply_release(r);
		return rc;
	}
	ch = json_string_value(json_object_get(r->json, "challenge"));
	if (!ch ||
	    snprintf(l->challenge, sizeof(l->challenge), "%s", ch) >= (int)sizeof(l->challenge)) {
		client_reply_release(r);
		return cli_error(CLI_USAGE, "login: the server sent no usable challenge");
	}
	return CLI_OK;
}

static int login_run(struct login *l)
{
	struct client_reply r;
	const char *next;
	int rc;

	if (!l->user[0]) {
		rc = client_prompt(LOGIN_CMD, "Username: ", false, l->user, sizeof(l->user));
		if (rc)
			return rc;
		if (!l->user[0])
			return cli_error(CLI_USAGE, "login: no username given");
	}
	rc = step_password(l, &r);
	if (rc)
		return rc;
	next = json_string_value(json_object_get(r.json, "next"));
	if (next && strcmp(next, "totp") == 0)
		rc = step_totp(l);
	else if (next && strcmp(next, "enroll") == 0)
		rc = step_enroll(l, json_object_get(r.json, "totp"));
	else
		rc = cli_error(CLI_USAGE, "login: the server asked for an unknown next step");
	client_reply_release(&r);
	return rc;
}

int cmd_login(int argc, char **argv)
{
	static const struct option opts[] = {{"user", required_argument, NULL, 'u'},
	                                     {"code", required_argument, NULL, 'c'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     CLIENT_LONG_OPTS,
	                                     {NULL, 0, NULL, 0}};
	struct client_opts co = {0};
	struct login l;
	int c, rc;

	memset(&l, 0, sizeof(l));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (client_opt(&co, c, optarg))
			continue;
		switch (c) {
		case 'u':
			if (snprintf(l.user, sizeof(l.user), "%s", optarg) >= (int)sizeof(l.user))
				return cli_error(CLI_USAGE, "login: --user is too long");
			break;
		case 'c':
			l.code_arg = optarg;
			break;
		case 'h':
			fputs(login_usage, stdout);
			return CLI_OK;
		default:
			return client_bad_option(LOGIN_CMD, argv);
		}
	}
	if (optind != argc)
		return cli_error(CLI_USAGE,
		                 "login: unexpected argument '%s' (the password is never an "
		                 "argument; see 'skydd login --help')",
		                 argv[optind]);
	if (!l.code_arg)
		l.code_arg = getenv("SKYDD_TOTP_CODE");
	if (l.code_arg && !*l.code_arg)
		l.code_arg = NULL;
	if (l.code_arg && !six_digits(l.code_arg) && !recovery_like(l.code_arg))
		return cli_error(CLI_USAGE,
		                 "login: the code must be 6 digits (or a recovery code)");
	rc = client_open(LOGIN_CMD, &co, false, &l.c);
	if (rc)
		return rc;
	client_set_token(l.c, NULL); /* a login sends no old token along */
	rc = login_run(&l);
	client_free(l.c);
	sodium_memzero(&l, sizeof(l));
	return rc;
}

int cmd_logout(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"help", no_argument, NULL, 'h'}, CLIENT_LONG_OPTS, {NULL, 0, NULL, 0}};
	struct client_opts co = {0};
	struct client_reply r;
	struct client *cl = NULL;
	bool mine;
	int c, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (client_opt(&co, c, optarg))
			continue;
		if (c == 'h') {
			fputs(logout_usage, stdout);
			return CLI_OK;
		}
		return client_bad_option("logout", argv);
	}
	if (optind != argc)
		return cli_error(CLI_USAGE, "logout: unexpected argument '%s'", argv[optind]);
	rc = client_open("logout", &co, true, &cl);
	if (rc)
		return rc;
	mine = client_token_from_session(cl);
	rc = client_send(cl, "POST", "/api/v1/logout", NULL, &r);
	if (rc) /* the server was not reached: keep the file so that logout can be retried */
		goto out;
	/* 401: the session had ended already (expired or revoked) — nothing left to end. */
	if ((r.status < 200 || r.status > 299) && r.status != 401)
		rc = client_refused(cl, &r);
	client_reply_release(&r);
	if (mine && rc != CLI_USAGE) {
		int rm = client_session_remove("logout");

		rc = rc ? rc : rm;
	}
	if (!rc)
		printf("Logged out of %s.\n", client_url(cl));
out:
	client_free(cl);
	return rc;
}

int cmd_whoami(int argc, char **argv)
{
	static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     CLIENT_LONG_OPTS,
	                                     {NULL, 0, NULL, 0}};
	struct client_opts co = {0};
	struct client *cl = NULL;
	json_t *o = NULL, *ident;
	bool json = false;
	char v[512], id[32];
	int c, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (client_opt(&co, c, optarg))
			continue;
		if (c == 'j') {
			json = true;
			continue;
		}
		if (c == 'h') {
			fputs(whoami_usage, stdout);
			return CLI_OK;
		}
		return client_bad_option("whoami", argv);
	}
	if (optind != argc)
		return cli_error(CLI_USAGE, "whoami: unexpected argument '%s'", argv[optind]);
	rc = client_open("whoami", &co, true, &cl);
	if (!rc)
		rc = client_call(cl, "GET", "/api/v1/me", NULL, &o);
	if (rc)
		goto out;
	if (json) {
		cli_print_json(o);
		goto out;
	}
	ident = json_object_get(o, "identity");
	client_kv("username", client_field(ident, "username", v, sizeof(v)));
	if (json_object_get(ident, "id")) {
		client_kv("id", client_field(ident, "id", id, sizeof(id)));
		client_kv("name", client_field(ident, "display_name", v, sizeof(v)));
	}
	client_kv("roles", client_field(o, "roles", v, sizeof(v)));
	client_kv("clearance", client_field(o, "clearance", v, sizeof(v)));
	if (json_integer_value(json_object_get(json_object_get(o, "session"), "token_id")))
		client_kv("token",
		          client_field(json_object_get(o, "session"), "token_id", v, sizeof(v)));
	client_kv("server", client_url(cl));
out:
	json_decref(o);
	client_free(cl);
	return rc;
}
