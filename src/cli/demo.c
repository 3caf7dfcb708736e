/*
 * skydd demo: a demo instance in ./demo-data with sample identities and
 * roles, a self-signed certificate, and the server on https://localhost:8443.
 * The logins (password + TOTP secret) are printed and kept in
 * DIR/DEMO-LOGINS.txt (0600): this is a demo, not a production set-up.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sodium.h>

#include "auth/auth.h"
#include "cli/cli.h"
#include "cli/demo.h"
#include "model/model.h"
#include "store/store.h"

extern char **environ;

static const char demo_usage[] =
        "usage: skydd demo [--data DIR] [--listen ADDR:PORT] [--no-tls] [--setup-only]\n"
        "                  [--no-sample] [--relp ADDR:PORT]\n\n"
        "Creates a demo instance in DIR (default ./demo-data) if absent, with sample\n"
        "identities and roles and a self-signed certificate, then serves it (default\n"
        "https://localhost:8443) and prints the URL and the demo logins with their\n"
        "TOTP secrets. Stop it with Ctrl-C.\n\n"
        "  --no-tls       serve plain http (loopback only)\n"
        "  --setup-only   create the instance and print the logins, do not serve\n"
        "  --no-sample    only the sample people: no sample register, no action plan\n"
        "  --relp ADDR:PORT  where the security-log receiver listens for RELP\n"
        "                 (default 127.0.0.1:2514; 'off' for none)\n";

struct demo_user {
	const char *username, *name;
	enum clearance clearance;
	enum role role;
	bool enrolled; /* false: shows the first-login flow */
};

static const struct demo_user users[] = {
        {"anna", "Anna Lindqvist", CLEAR_KH, ROLE_SSC, true},
        {"david", "David Ek", CLEAR_KH, ROLE_CHIEF, true},
        {"bertil", "Bertil Sjöberg", CLEAR_H, ROLE_REGISTRAR, true},
        {"cecilia", "Cecilia Holm", CLEAR_K, ROLE_AUDITOR, true},
        /* the systemadministratör: creates accounts whose rights Anna decides (4 kap. 8 §) */
        {"frans", "Frans Berg", CLEAR_NONE, ROLE_ADMIN, true},
        /* the reception: visitor permits and check-in, nothing else (5 kap. 3 §) */
        {"rut", "Rut Sandberg", CLEAR_NONE, ROLE_RECEPTION, true},
        /* the personnel-security function: vetting, registerkontroll, training (6 kap.) */
        {"petra", "Petra Holmgren", CLEAR_H, ROLE_PERSONNEL, true},
        /* MSB's contact in the national action plan: its measures only (the plan's agencies) */
        {"karin", "Karin Ström", CLEAR_NONE, ROLE_AGENCY, true},
        {"eva", "Eva Nilsson", CLEAR_K, ROLE_STAFF, false},
};

#define NUSERS (sizeof(users) / sizeof(users[0]))

/* printf pads by bytes; pad a name to 16 characters instead (å, ä, ö are two bytes). */
static const char *pad16(const char *name, char out[64])
{
	size_t chars = 0, len = strlen(name);

	for (size_t i = 0; i < len; i++)
		chars += ((unsigned char)name[i] & 0xc0) != 0x80;
	snprintf(out, 64, "%s%*s", name, chars < 16 ? (int)(16 - chars) : 0, "");
	return out;
}

static void demo_password(char out[24])
{
	static const char alpha[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

	for (int i = 0; i < 19; i++)
		out[i] = (i % 5 == 4) ? '-' : alpha[randombytes_uniform(sizeof(alpha) - 1)];
	out[19] = '\0';
}

static int run(char *const argv[])
{
	int status = 0, fd;
	pid_t pid;
	posix_spawn_file_actions_t fa;

	posix_spawn_file_actions_init(&fa);
	fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		posix_spawn_file_actions_adddup2(&fa, fd, 1);
		posix_spawn_file_actions_adddup2(&fa, fd, 2);
	}
	if (posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	posix_spawn_file_actions_destroy(&fa);
	if (fd >= 0)
		close(fd);
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* A self-signed certificate for localhost, made by the openssl CLI. */
static bool make_cert(const char *dir, char *cert, char *key, size_t cap)
{
	char tls[4200];
	struct stat st;

	snprintf(tls, sizeof(tls), "%s/tls", dir);
	snprintf(cert, cap, "%s/cert.pem", tls);
	snprintf(key, cap, "%s/key.pem", tls);
	if (stat(cert, &st) == 0 && stat(key, &st) == 0)
		return true;
	if (mkdir(tls, 0700) != 0 && errno != EEXIST)
		return false;
	{
		char *argv[] = {"openssl",
		                "req",
		                "-x509",
		                "-newkey",
		                "ec",
		                "-pkeyopt",
		                "ec_paramgen_curve:P-256",
		                "-nodes",
		                "-days",
		                "365",
		                "-subj",
		                "/CN=localhost/O=skydd demo",
		                "-addext",
		                "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1",
		                "-keyout",
		                key,
		                "-out",
		                cert,
		                NULL};

		return run(argv) == 0;
	}
}

static int setup(const char *dir, FILE *logins, bool sample)
{
	struct model_err err = {0};
	struct store *s = NULL;
	struct model *m = NULL;
	struct cli_first first;
	struct demo_ids ids = {0};
	char vkey[256], today[11], until[11];
	int rc;

	rc = store_init(dir, &(struct store_init_opts){.origin = "skydd.demo/ledger"}, vkey,
	                sizeof(vkey));
	if (!rc)
		rc = cli_first_identity(dir, users[0].username, users[0].name, users[0].clearance,
		                        &first);
	if (rc)
		return rc;
	rc = store_open(dir, NULL, &s);
	if (!rc)
		rc = model_open(s, dir, NULL, &m);
	model_today(today);
	model_plus_year(today, until);
	fprintf(logins, "Demo instance %s (verifier key %s)\n\n", dir, vkey);
	for (size_t i = 0; !rc && i < NUSERS; i++) {
		const struct demo_user *u = &users[i];
		uint8_t secret[AUTH_TOTP_SECRET_LEN];
		char pw[24], otp[32], b32[AUTH_TOTP_BASE32_SIZE], padded[64];
		int64_t id = first.id, gid;

		if (i > 0) {
			struct model_new_identity ni = {u->username, u->name, u->clearance};
			/*
			 * The system creates the demo's accounts, as init does the first
			 * one; Anna, the SSC, decides their grants: they read like real
			 * ones, and the creator is never the decider (4 kap. 8 §).
			 */
			struct model_new_grant g = {0, u->role, "Demo: beslut SSC 2026-01", today,
			                            u->role == ROLE_CHIEF ? NULL : until};

			rc = model_identity_create(m, 0, &ni, &id, otp, sizeof(otp), &err);
			g.identity_id = id;
			if (!rc)
				rc = model_grant_create(m, first.id, &g, &gid, &err);
		}
		if (rc)
			break;
		switch (u->role) {
		case ROLE_SSC:
			ids.ssc = id;
			break;
		case ROLE_CHIEF:
			ids.chief = id;
			break;
		case ROLE_REGISTRAR:
			ids.registrar = id;
			break;
		case ROLE_AUDITOR:
			ids.auditor = id;
			break;
		case ROLE_ADMIN:
			/* no part in the sample register: an admin sees nothing classified */
			break;
		case ROLE_RECEPTION:
			ids.reception = id;
			break;
		case ROLE_PERSONNEL:
			ids.personnel = id;
			break;
		case ROLE_AGENCY:
			ids.agency = id;
			break;
		default:
			ids.staff = id;
			break;
		}
		if (!u->enrolled) {
			rc = model_identity_totp_secret(m, id, b32, sizeof(b32));
			fprintf(logins,
			        "  %-8s %s one-time password %s (first login: new password "
			        "+ TOTP enrolment)\n           TOTP secret %s\n",
			        u->username, pad16(u->name, padded), otp, b32);
			continue;
		}
		demo_password(pw);
		auth_totp_secret_new(secret);
		auth_totp_secret_base32(secret, sizeof(secret), b32, sizeof(b32));
		rc = model_identity_set_credentials(m, id, pw, secret, sizeof(secret));
		fprintf(logins, "  %-8s %s password %s  TOTP secret %s  (%s)\n", u->username,
		        pad16(u->name, padded), pw, b32,
		        i == 0 ? "ssc, admin for 12 months" : role_name(u->role));
		sodium_memzero(secret, sizeof(secret));
	}
	if (rc)
		fprintf(stderr, "skydd: demo: %s\n", err.msg[0] ? err.msg : sk_strerror(rc));
	else if (sample)
		rc = demo_register(m, dir, &ids, logins);
	model_close(m);
	store_close(s);
	sodium_memzero(&first, sizeof(first));
	return rc;
}

static void ready(void *ctx, unsigned port)
{
	const char *text = ctx;

	(void)port;
	fputs(text, stdout);
	fflush(stdout);
}

int cmd_demo(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"data", required_argument, NULL, 'd'}, {"listen", required_argument, NULL, 'l'},
	        {"no-tls", no_argument, NULL, 'n'},     {"setup-only", no_argument, NULL, 's'},
	        {"help", no_argument, NULL, 'h'},       {"no-sample", no_argument, NULL, 'S'},
	        {"relp", required_argument, NULL, 'r'}, {NULL, 0, NULL, 0}};
	const char *dir = "./demo-data", *listen = "127.0.0.1:8443", *relp = "127.0.0.1:2514";
	char path[4200], cert[4300], key[4300], *text = NULL;
	struct cli_serve_opts so = {0};
	bool tls = true, serve = true, sample = true;
	struct stat st;
	struct buf out;
	FILE *f;
	int c, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "d:l:nshSr:", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dir = optarg;
			break;
		case 'l':
			listen = optarg;
			break;
		case 'n':
			tls = false;
			break;
		case 's':
			serve = false;
			break;
		case 'S':
			sample = false;
			break;
		case 'r':
			relp = strcmp(optarg, "off") == 0 ? NULL : optarg;
			break;
		case 'h':
			fputs(demo_usage, stdout);
			return CLI_OK;
		default:
			return cli_error(CLI_USAGE, "demo: unknown or incomplete option '%s'",
			                 argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cli_error(CLI_USAGE, "demo: unexpected argument '%s'", argv[optind]);
	snprintf(path, sizeof(path), "%s/DEMO-LOGINS.txt", dir);
	if (stat(dir, &st) != 0) {
		int fd;

		printf("Creating the demo instance %s ...\n", dir);
		if (mkdir(dir, 0700) != 0)
			return cli_error(CLI_USAGE, "demo: cannot create %s", dir);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		f = fd >= 0 ? fdopen(fd, "w") : NULL;
		if (!f)
			return cli_error(CLI_USAGE, "demo: cannot write %s", path);
		rc = setup(dir, f, sample);
		fclose(f);
		if (rc)
			return cli_error(CLI_USAGE, "demo: setting up %s failed: %s", dir,
			                 sk_strerror(rc));
	}
	if (tls && !make_cert(dir, cert, key, sizeof(cert))) {
		fprintf(stderr, "skydd: demo: openssl could not make a certificate; serving plain "
		                "http on loopback\n");
		tls = false;
	}
	buf_init(&out, 64 * 1024);
	f = fopen(path, "r");
	if (f) {
		char line[512];

		while (fgets(line, sizeof(line), f))
			buf_puts(&out, line);
		fclose(f);
	}
	{
		const char *colon = strrchr(listen, ':');
		const char *port = colon ? colon + 1 : "8443";
		char secret[64] = "";
		const char *p = strstr(out.ptr ? out.ptr : "", "TOTP secret ");

		if (p)
			sscanf(p + 12, "%63s", secret);
		buf_printf(&out,
		           "\nOpen %s://localhost:%s/ (the certificate is self-signed: accept it "
		           "once).\nLog in with a username and password above, then the code "
		           "from an\nauthenticator app with the TOTP secret, or from the command "
		           "line:\n  oathtool --totp -b %s\nStop the server with Ctrl-C.\n",
		           tls ? "https" : "http", port, secret[0] ? secret : "SECRET");
		if (relp)
			buf_printf(&out,
			           "Security logs: the receiver takes RELP on %s from this machine "
			           "(log source\nsn1-servrar); an rsyslog here may forward to it "
			           "(docs/guide/sakerhetsloggar.md).\n",
			           relp);
	}
	text = buf_detach(&out, NULL);
	if (!serve) {
		fputs(text ? text : "", stdout);
		free(text);
		return CLI_OK;
	}
	so.dir = dir;
	so.listen = listen;
	so.tls_cert = tls ? cert : NULL;
	so.tls_key = tls ? key : NULL;
	so.seclog.relp = relp;
	so.ready = ready;
	so.ready_ctx = text;
	rc = cli_serve_run(&so);
	free(text);
	return rc;
}
