/* skydd init: create a new instance and its first identity. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "auth/auth.h"
#include "cli/cli.h"
#include "model/model.h"
#include "rules/rules.h"
#include "store/store.h"

static const char init_usage[] =
        "usage: skydd init --data DIR [--origin NAME] [--user NAME] [--name TEXT]\n"
        "                  [--clearance none|BH|K|H|KH] [--admin NAME [--admin-name TEXT]]\n"
        "                  [--json]\n\n"
        "Creates DIR/skydd.db, DIR/signing.key (mode 0600), DIR/verifier.key,\n"
        "DIR/secrets.key (0600) and DIR/checkpoints.log, writes the first ledger\n"
        "entries, signs the first checkpoint, and creates the first identity with\n"
        "the role säkerhetsskyddschef (ssc) and a 12-month systemadministratör\n"
        "(admin) grant. Prints its one-time password and TOTP enrolment: the first\n"
        "login sets a new password and confirms the TOTP code. Refuses to overwrite\n"
        "an existing instance or key. Keep the verifier key outside this machine.\n\n"
        "  --data DIR        the instance directory (created if missing)\n"
        "  --origin NAME     the checkpoint origin line (default skydd/<hostname>)\n"
        "  --user NAME       the first identity's username (default ssc)\n"
        "  --name TEXT       its display name (default Säkerhetsskyddschef)\n"
        "  --clearance C     its säkerhetsskyddsklass (default H)\n"
        "  --admin NAME      also create a systemadministratör NAME (clearance none,\n"
        "                    admin for 12 months): whoever creates an account never\n"
        "                    decides its clearance or roles, so the ssc needs someone\n"
        "                    else to create accounts (docs/internals/auth.md)\n"
        "  --admin-name TEXT its display name (default Systemadministratör)\n"
        "  --json            print the result as JSON\n";

/*
 * Creates the identity ni in dir's register with the bootstrap grants, which
 * the system decides (there is no ssc yet to decide them): ssc from today
 * when with_ssc, and admin for 12 months. Fills out with its id, one-time
 * password and TOTP secret, or out->why. The projections must be registered.
 */
static int first_identity(const char *dir, const struct model_new_identity *ni, bool with_ssc,
                          struct cli_first *out)
{
	struct model_new_grant g = {0};
	struct model_err err = {0};
	struct store *s = NULL;
	struct model *m = NULL;
	char today[11], until[11];
	int64_t gid;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = store_open(dir, NULL, &s);
	if (!rc)
		rc = model_open(s, dir, NULL, &m);
	if (!rc)
		rc = model_identity_create(m, 0, ni, &out->id, out->otp, sizeof(out->otp), &err);
	if (!rc) {
		model_today(today);
		model_plus_year(today, until);
		g.identity_id = out->id;
		g.decision_ref = "skydd init (initial configuration)";
		g.valid_from = today;
		if (with_ssc) {
			g.role = ROLE_SSC;
			rc = model_grant_create(m, 0, &g, &gid, &err);
		}
	}
	if (!rc) {
		g.role = ROLE_ADMIN;
		g.valid_until = until;
		rc = model_grant_create(m, 0, &g, &gid, &err);
	}
	if (!rc)
		rc = model_identity_totp_secret(m, out->id, out->secret, sizeof(out->secret));
	if (rc)
		snprintf(out->why, sizeof(out->why), "%s", err.msg[0] ? err.msg : sk_strerror(rc));
	model_close(m);
	store_close(s);
	return rc;
}

int cli_first_identity(const char *dir, const char *user, const char *name, int clearance,
                       struct cli_first *out)
{
	struct model_new_identity ni = {user, name, (enum clearance)clearance};

	model_register();
	rules_register();
	return first_identity(dir, &ni, true, out);
}

int cli_first_admin(const char *dir, const char *user, const char *name, struct cli_first *out)
{
	struct model_new_identity ni = {user, name, CLEAR_NONE};

	return first_identity(dir, &ni, false, out);
}

static void print_enrolment(const char *user, const struct cli_first *f)
{
	struct buf uri, qr;

	buf_init(&uri, 1024);
	buf_init(&qr, 256 * 1024);
	buf_printf(&uri,
	           "otpauth://totp/skydd:%s?secret=%s&issuer=skydd&algorithm=SHA1&digits=6"
	           "&period=30",
	           user, f->secret);
	printf("First identity: %s (id %lld), roles ssc and admin (12 months)\n"
	       "One-time password: %s\n"
	       "TOTP secret (base32): %s\n%s\n",
	       user, (long long)f->id, f->otp, f->secret, uri.ptr ? uri.ptr : "");
	if (!uri.err && auth_qr_utf8(uri.ptr, &qr) == SK_OK)
		fputs(qr.ptr, stdout);
	puts("Scan the code with an authenticator app, then log in: the first login sets\n"
	     "a new password and confirms a TOTP code.");
	buf_release(&uri);
	buf_release(&qr);
}

int cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {{"data", required_argument, NULL, 'd'},
	                                     {"origin", required_argument, NULL, 'o'},
	                                     {"user", required_argument, NULL, 'u'},
	                                     {"name", required_argument, NULL, 'n'},
	                                     {"clearance", required_argument, NULL, 'c'},
	                                     {"admin", required_argument, NULL, 'a'},
	                                     {"admin-name", required_argument, NULL, 'A'},
	                                     {"json", no_argument, NULL, 'j'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	struct store_init_opts io = {0};
	const char *dir = NULL, *user = "ssc", *name = "Säkerhetsskyddschef";
	const char *admin = NULL, *admin_name = "Systemadministratör";
	struct cli_first second;
	int clearance = CLEAR_H;
	struct cli_first first;
	bool json = false;
	char vkey[256];
	int c, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "d:o:u:n:c:a:A:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dir = optarg;
			break;
		case 'o':
			io.origin = optarg;
			break;
		case 'u':
			user = optarg;
			break;
		case 'n':
			name = optarg;
			break;
		case 'c':
			clearance = clearance_parse(optarg);
			if (clearance < 0)
				return cli_error(CLI_USAGE,
				                 "init: --clearance must be none, BH, K, H or KH");
			break;
		case 'a':
			admin = optarg;
			break;
		case 'A':
			admin_name = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			fputs(init_usage, stdout);
			return CLI_OK;
		default:
			return cli_error(CLI_USAGE, "init: unknown or incomplete option '%s'",
			                 argv[optind - 1]);
		}
	}
	if (!dir || optind != argc)
		return cli_error(CLI_USAGE,
		                 "init: --data DIR is required (see 'skydd init --help')");
	rc = store_init(dir, &io, vkey, sizeof(vkey));
	if (rc == SK_EEXIST)
		return cli_error(CLI_USAGE,
		                 "init: %s already holds an instance or key; refusing to "
		                 "overwrite",
		                 dir);
	if (rc == SK_EBUSY)
		return cli_error(CLI_FAIL,
		                 "init: the instance %s is in use by another skydd process", dir);
	if (rc == SK_EINVAL)
		return cli_error(CLI_USAGE, "init: invalid --origin (no spaces, '+' or control "
		                            "characters, at most 128 bytes)");
	if (rc)
		return cli_error(CLI_USAGE, "init: cannot create an instance in %s: %s", dir,
		                 sk_strerror(rc));
	rc = cli_first_identity(dir, user, name, clearance, &first);
	if (rc)
		return cli_error(CLI_USAGE,
		                 "init: the instance was created but not its first identity: %s "
		                 "(remove %s and run init again)",
		                 first.why, dir);
	memset(&second, 0, sizeof(second));
	if (admin && cli_first_admin(dir, admin, admin_name, &second) != SK_OK) {
		sodium_memzero(&first, sizeof(first));
		return cli_error(CLI_USAGE,
		                 "init: the instance was created but not its administrator: %s "
		                 "(remove %s and run init again)",
		                 second.why, dir);
	}
	if (json) {
		json_t *o = json_pack("{s:s, s:s, s:I, s:s, s:s}", "data", dir, "verifier_key",
		                      vkey, "identity_id", (json_int_t)first.id, "username", user,
		                      "one_time_password", first.otp);

		json_object_set_new(o, "totp_secret", json_string(first.secret));
		if (admin)
			json_object_set_new(o, "admin",
			                    json_pack("{s:I, s:s, s:s, s:s}", "identity_id",
			                              (json_int_t)second.id, "username", admin,
			                              "one_time_password", second.otp,
			                              "totp_secret", second.secret));
		cli_print_json(o);
		json_decref(o);
	} else {
		printf("Created a skydd instance in %s\n", dir);
		printf("Verifier key (keep a copy outside this machine):\n%s\n\n", vkey);
		print_enrolment(user, &first);
		if (admin) {
			printf("\nSecond identity: %s (id %lld), role admin (12 months), clearance "
			       "none\nOne-time password: %s\nTOTP secret (base32): %s\n",
			       admin, (long long)second.id, second.otp, second.secret);
		}
	}
	sodium_memzero(&first, sizeof(first));
	sodium_memzero(&second, sizeof(second));
	return CLI_OK;
}
