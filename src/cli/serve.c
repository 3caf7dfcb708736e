/* skydd serve: the HTTPS server with the JSON API and the web UI. */
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <sodium.h>

#include "cli/cli.h"
#include "http/api.h"
#include "model/model.h"
#include "model/remind.h"
#include "rules/rules.h"
#include "store/store.h"

static const char serve_usage[] =
        "usage: skydd serve --data DIR --listen ADDR:PORT [--tls-cert FILE --tls-key FILE]\n"
        "                   [--access-log FILE|-] [--threads N] [--session-idle SECS]\n"
        "                   [--session-max SECS] [--password-min N] [--user NAME]\n"
        "                   [--max-conns N] [--max-conns-per-ip N] [--header-timeout SECS]\n"
        "                   [--body-timeout SECS] [--public-url URL]\n"
        "                   [--smtp URL --smtp-from ADDR [--smtp-user NAME\n"
        "                   --smtp-password-file FILE] [--remind-hour H]]\n\n"
        "Serves the JSON API (/api/v1) and the web UI. Refuses to listen on a\n"
        "non-loopback address without TLS. SIGTERM or SIGINT: refuse new requests\n"
        "(503), answer every request already being handled, drain the writer\n"
        "queue, sign a final checkpoint, exit 0.\n\n"
        "  --listen ADDR:PORT   e.g. 127.0.0.1:8443, [::1]:8443, 0.0.0.0:443\n"
        "  --tls-cert FILE      PEM certificate chain (with --tls-key)\n"
        "  --tls-key FILE       PEM private key\n"
        "  --access-log FILE    one line per request ('-' = stderr, default none)\n"
        "  --threads N          worker threads (default: number of CPUs)\n"
        "  --session-idle SECS  idle timeout (default 1800)\n"
        "  --session-max SECS   absolute session lifetime (default 43200)\n"
        "  --password-min N     minimum password length (default 12)\n"
        "  --max-conns N        connections at once, from all clients (default 1024)\n"
        "  --max-conns-per-ip N connections at once from one address (default 128)\n"
        "  --header-timeout SECS  a request head must arrive within SECS of the\n"
        "                       connection or of the previous answer (default 10)\n"
        "  --body-timeout SECS  a request body must arrive within SECS (default 60)\n"
        "  --user NAME          once the port is bound and the keys read, become NAME for\n"
        "                       good (no root, no new privileges); DIR must belong to NAME\n"
        "  --public-url URL     the address people use to reach this server (named in\n"
        "                       the reminder mails)\n"
        "  --smtp URL           send reminders of Att göra by e-mail through this server:\n"
        "                       smtp://HOST[:PORT] (STARTTLS required unless HOST is\n"
        "                       loopback) or smtps://HOST[:PORT]; counts only, never\n"
        "                       what a document is called\n"
        "  --smtp-from ADDR     the sender's address (required with --smtp)\n"
        "  --smtp-user NAME     SMTP AUTH user name\n"
        "  --smtp-password-file FILE  SMTP AUTH password (first line; not readable by others)\n"
        "  --remind-hour H      the daily reminders go after this hour, local time\n"
        "                       (0..23, default 7)\n"
        "\nSecurity logs of the organisation's systems (4 kap. 25-31 §§), each listener off\n"
        "unless given; a source must be registered ('skydd log-source') to be heard:\n"
        "  --syslog-tls ADDR:PORT  syslog over TLS (RFC 5425, port 6514 by convention);\n"
        "                       the client certificate names the source\n"
        "  --relp-tls ADDR:PORT    RELP over TLS, the same certificate binding\n"
        "  --relp ADDR:PORT     RELP in clear; the source is found by its address\n"
        "  --syslog-tcp ADDR:PORT  syslog over TCP in clear (octet counting)\n"
        "  --syslog-tcp-lf      also accept LF-framed messages there\n"
        "  --syslog-udp ADDR:PORT  syslog over UDP: lossy, only if you must\n"
        "  --seclog-cert FILE, --seclog-key FILE  the receiver's TLS certificate and key\n"
        "                       (default: --tls-cert and --tls-key)\n"
        "  --seclog-verify SECS verify the security logs every SECS (default 86400)\n";

/*
 * Least privilege: the instance directory must belong to the user we become
 * (the writer appends to checkpoints.log as that user), checked before
 * anything is opened.
 */
static int check_owner(const char *dir, const char *user, struct passwd **pw)
{
	struct stat st;

	*pw = getpwnam(user);
	if (!*pw)
		return cli_error(CLI_USAGE, "serve: --user %s: no such user", user);
	if ((*pw)->pw_uid == 0)
		return cli_error(CLI_USAGE,
		                 "serve: --user %s: that is root; choose an unprivileged "
		                 "user",
		                 user);
	if (stat(dir, &st) != 0 || st.st_uid != (*pw)->pw_uid)
		return cli_error(CLI_USAGE,
		                 "serve: --user %s: %s must belong to %s (chown -R %s %s)", user,
		                 dir, user, user, dir);
	return CLI_OK;
}

/*
 * After the port is bound and the keys are read: drop every privilege for
 * good. glibc applies set*id to every thread of the process.
 */
static int drop_privileges(const struct passwd *pw)
{
	if (setgroups(0, NULL) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0)
		return SK_EPERM;
	if (setuid(0) == 0 || getuid() != pw->pw_uid || geteuid() != pw->pw_uid)
		return SK_EPERM; /* the drop must be irreversible */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return SK_EPERM;
	return SK_OK;
}

/*
 * Start-up checks of the ledger (store_open_report): a database older than
 * checkpoints.log, a fork, an unsealed tail or another process writing the
 * instance refuse to start (exit 1) with one line; a repaired torn checkpoints.log is said on one
 * line.
 */
static int open_checked(const char *dir, struct store **s)
{
	char msg[512];
	int rc = store_open_report(dir, NULL, s, msg, sizeof(msg));

	/* SK_EBUSY: another skydd process writes this instance (the store's lock). */
	if (rc == SK_EVERIFY || rc == SK_ECORRUPT || rc == SK_EBUSY)
		return cli_error(CLI_FAIL, "serve: refusing to start: %s",
		                 msg[0] ? msg : sk_strerror(rc));
	if (rc)
		return cli_error(CLI_USAGE, "serve: cannot open %s: %s", dir,
		                 msg[0] ? msg : sk_strerror(rc));
	if (msg[0])
		fprintf(stderr, "skydd: serve: %s\n", msg);
	return CLI_OK;
}

/*
 * The SMTP password: the first line of a file nobody else may read, read
 * before privileges are dropped (like the TLS key).
 */
static int read_password(const char *path, char *out, size_t cap)
{
	struct stat st;
	FILE *f;
	size_t n;

	if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return cli_error(CLI_USAGE, "serve: cannot read %s", path);
	if (st.st_mode & 077)
		return cli_error(CLI_USAGE, "serve: %s is readable by others: chmod 600 it first",
		                 path);
	f = fopen(path, "r");
	if (!f)
		return cli_error(CLI_USAGE, "serve: cannot read %s", path);
	if (!fgets(out, (int)cap, f))
		out[0] = '\0';
	fclose(f);
	n = strcspn(out, "\r\n");
	out[n] = '\0';
	if (n == 0)
		return cli_error(CLI_USAGE, "serve: %s: the first line is empty", path);
	return CLI_OK;
}

static bool parse_uint(const char *s, unsigned lo, unsigned hi, unsigned *out)
{
	uint64_t v;

	if (!cli_parse_u64(s, &v) || v < lo || v > hi)
		return false;
	*out = (unsigned)v;
	return true;
}

int cli_serve_run(const struct cli_serve_opts *o)
{
	struct http_server_opts ho = {0};
	struct passwd *pw = NULL;
	struct model_config mc = {o->idle_s, o->absolute_s, o->pw_min};
	struct http_server *srv = NULL;
	struct store *s = NULL;
	struct model *m = NULL;
	struct api *a = NULL;
	struct remind *rem = NULL;
	struct serve_seclog *sl = NULL;
	struct remind_config rc_remind = o->remind;
	char smtp_pw[257] = "";
	FILE *log = NULL;
	sigset_t set;
	char why[256] = "";
	int rc, sig = 0;

	/* Every thread started from here on inherits the blocked signals; main waits. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (o->user && check_owner(o->dir, o->user, &pw) != CLI_OK)
		return CLI_USAGE;
	if (o->smtp_password_file) {
		if (read_password(o->smtp_password_file, smtp_pw, sizeof(smtp_pw)) != CLI_OK)
			return CLI_USAGE;
		rc_remind.password = smtp_pw;
	}
	if (remind_config_check(&rc_remind, why, sizeof(why)))
		return cli_error(CLI_USAGE, "serve: %s", why);
	model_register();
	rules_register();
	rc = open_checked(o->dir, &s);
	if (rc)
		return rc;
	rc = model_open(s, o->dir, &mc, &m);
	/* an older release's clearances on logins become decisions on persons (6 kap.) */
	if (!rc)
		rc = model_clearance_migrate(m);
	/* its own thread: a slow or refusing mail server never holds a request */
	if (!rc)
		rc = remind_start(m, &rc_remind, &rem);
	sodium_memzero(smtp_pw, sizeof(smtp_pw));
	/* before the privileges are dropped: the receiver's ports may be privileged (514) */
	if (!rc && serve_seclog_start(o->dir, &o->seclog, m, &sl, why, sizeof(why)) != SK_OK) {
		rc = cli_error(CLI_USAGE, "serve: %s", why);
		goto out;
	}
	if (!rc)
		rc = api_new(s, m,
		             &(struct api_opts){.dir = o->dir,
		                                .tls = o->tls_cert != NULL,
		                                .remind = rem,
		                                .recv = serve_seclog_recv(sl),
		                                .index = serve_seclog_index(sl),
		                                .seclog = serve_seclog_store(sl)},
		             &a);
	if (rc) {
		cli_error(CLI_USAGE, "serve: cannot start: %s", sk_strerror(rc));
		goto out;
	}
	if (o->access_log) {
		log = strcmp(o->access_log, "-") == 0 ? stderr : fopen(o->access_log, "a");
		if (!log) {
			rc = cli_error(CLI_USAGE, "serve: cannot open %s", o->access_log);
			goto out;
		}
	}
	ho.listen = o->listen;
	ho.tls_cert = o->tls_cert;
	ho.tls_key = o->tls_key;
	ho.threads = o->threads;
	ho.max_conns = o->max_conns;
	ho.max_conns_per_ip = o->max_conns_per_ip;
	ho.head_timeout_s = o->head_s;
	ho.body_timeout_s = o->body_s;
	ho.access_log = log;
	ho.handler = api_handle;
	ho.body_limit = api_body_limit;
	ho.ctx = a;
	rc = http_server_start(&ho, &srv, why, sizeof(why));
	if (rc) {
		rc = cli_error(CLI_USAGE, "serve: %s", why[0] ? why : sk_strerror(rc));
		goto out;
	}
	if (pw && drop_privileges(pw) != SK_OK) {
		rc = cli_error(CLI_USAGE, "serve: cannot become %s", o->user);
		goto out;
	}
	if (!pw && geteuid() == 0)
		fprintf(stderr, "skydd: serving as root; --user NAME drops to an unprivileged user "
		                "once the port is bound\n");
	if (o->ready)
		o->ready(o->ready_ctx, http_server_port(srv));
	else
		fprintf(stderr, "skydd: serving %s on %s%s%s\n", o->dir, o->listen,
		        o->tls_cert ? " (TLS)" : "", rem ? ", reminders by e-mail" : "");
	serve_seclog_announce(sl, &o->seclog);
	fflush(stdout);
	sigwait(&set, &sig);
	fprintf(stderr, "skydd: %s: finishing requests in flight, signing a final checkpoint\n",
	        strsignal(sig));
	rc = CLI_OK;
out:
	http_server_stop(srv);
	serve_seclog_stop(sl);
	remind_stop(rem);
	api_free(a);
	model_close(m);
	store_close(s);
	if (log && log != stderr)
		fclose(log);
	return rc;
}

int cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {{"data", required_argument, NULL, 'd'},
	                                     {"listen", required_argument, NULL, 'l'},
	                                     {"tls-cert", required_argument, NULL, 'c'},
	                                     {"tls-key", required_argument, NULL, 'k'},
	                                     {"access-log", required_argument, NULL, 'a'},
	                                     {"threads", required_argument, NULL, 't'},
	                                     {"session-idle", required_argument, NULL, 'i'},
	                                     {"session-max", required_argument, NULL, 'x'},
	                                     {"password-min", required_argument, NULL, 'p'},
	                                     {"user", required_argument, NULL, 'u'},
	                                     {"max-conns", required_argument, NULL, 'M'},
	                                     {"max-conns-per-ip", required_argument, NULL, 'P'},
	                                     {"header-timeout", required_argument, NULL, 'H'},
	                                     {"body-timeout", required_argument, NULL, 'B'},
	                                     {"public-url", required_argument, NULL, 1001},
	                                     {"smtp", required_argument, NULL, 1002},
	                                     {"smtp-from", required_argument, NULL, 1003},
	                                     {"smtp-user", required_argument, NULL, 1004},
	                                     {"smtp-password-file", required_argument, NULL, 1005},
	                                     {"remind-hour", required_argument, NULL, 1006},
	                                     {"syslog-tls", required_argument, NULL, 1101},
	                                     {"relp-tls", required_argument, NULL, 1102},
	                                     {"relp", required_argument, NULL, 1103},
	                                     {"syslog-tcp", required_argument, NULL, 1104},
	                                     {"syslog-tcp-lf", no_argument, NULL, 1105},
	                                     {"syslog-udp", required_argument, NULL, 1106},
	                                     {"seclog-cert", required_argument, NULL, 1107},
	                                     {"seclog-key", required_argument, NULL, 1108},
	                                     {"seclog-verify", required_argument, NULL, 1109},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	struct cli_serve_opts o = {.remind = {.hour = 7}};
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "d:l:c:k:a:t:i:x:p:u:M:P:H:B:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			o.dir = optarg;
			break;
		case 'l':
			o.listen = optarg;
			break;
		case 'c':
			o.tls_cert = optarg;
			break;
		case 'k':
			o.tls_key = optarg;
			break;
		case 'a':
			o.access_log = optarg;
			break;
		case 't':
			if (!parse_uint(optarg, 1, 256, &o.threads))
				return cli_error(CLI_USAGE, "serve: --threads must be 1..256");
			break;
		case 'i':
			if (!parse_uint(optarg, 60, 86400, &o.idle_s))
				return cli_error(CLI_USAGE,
				                 "serve: --session-idle must be 60..86400");
			break;
		case 'x':
			if (!parse_uint(optarg, 300, 7 * 86400, &o.absolute_s))
				return cli_error(CLI_USAGE,
				                 "serve: --session-max must be 300..604800");
			break;
		case 'p':
			if (!parse_uint(optarg, 12, 128, &o.pw_min))
				return cli_error(CLI_USAGE,
				                 "serve: --password-min must be 12..128");
			break;
		case 'u':
			o.user = optarg;
			break;
		case 'M':
			if (!parse_uint(optarg, 4, 65536, &o.max_conns))
				return cli_error(CLI_USAGE, "serve: --max-conns must be 4..65536");
			break;
		case 'P':
			if (!parse_uint(optarg, 1, 65536, &o.max_conns_per_ip))
				return cli_error(CLI_USAGE,
				                 "serve: --max-conns-per-ip must be 1..65536");
			break;
		case 'H':
			if (!parse_uint(optarg, 1, 300, &o.head_s))
				return cli_error(CLI_USAGE,
				                 "serve: --header-timeout must be 1..300");
			break;
		case 'B':
			if (!parse_uint(optarg, 1, 3600, &o.body_s))
				return cli_error(CLI_USAGE,
				                 "serve: --body-timeout must be 1..3600");
			break;
		case 1001:
			o.remind.public_url = optarg;
			break;
		case 1002:
			o.remind.smtp_url = optarg;
			break;
		case 1003:
			o.remind.from = optarg;
			break;
		case 1004:
			o.remind.user = optarg;
			break;
		case 1005:
			o.smtp_password_file = optarg;
			break;
		case 1006:
			if (!parse_uint(optarg, 0, 23, &o.remind.hour))
				return cli_error(CLI_USAGE, "serve: --remind-hour must be 0..23");
			break;
		case 1101:
			o.seclog.tls = optarg;
			break;
		case 1102:
			o.seclog.relp_tls = optarg;
			break;
		case 1103:
			o.seclog.relp = optarg;
			break;
		case 1104:
			o.seclog.tcp = optarg;
			break;
		case 1105:
			o.seclog.tcp_lf = true;
			break;
		case 1106:
			o.seclog.udp = optarg;
			break;
		case 1107:
			o.seclog.cert = optarg;
			break;
		case 1108:
			o.seclog.key = optarg;
			break;
		case 1109:
			if (!parse_uint(optarg, 10, 7 * 86400, &o.seclog.verify_s))
				return cli_error(CLI_USAGE,
				                 "serve: --seclog-verify must be 10..604800");
			break;
		case 'h':
			fputs(serve_usage, stdout);
			return CLI_OK;
		default:
			return cli_error(CLI_USAGE, "serve: unknown or incomplete option '%s'",
			                 argv[optind - 1]);
		}
	}
	if (!o.dir || !o.listen || optind != argc)
		return cli_error(
		        CLI_USAGE,
		        "serve: --data DIR and --listen ADDR:PORT are required (see 'skydd "
		        "serve --help')");
	if (!o.remind.smtp_url && (o.remind.from || o.remind.user || o.smtp_password_file))
		return cli_error(CLI_USAGE, "serve: --smtp-from, --smtp-user and "
		                            "--smtp-password-file need --smtp URL");
	if (!o.remind.user != !o.smtp_password_file)
		return cli_error(
		        CLI_USAGE,
		        "serve: give both --smtp-user and --smtp-password-file, or neither");
	if (!o.tls_cert != !o.tls_key)
		return cli_error(CLI_USAGE,
		                 "serve: give both --tls-cert and --tls-key, or neither");
	if (!o.seclog.cert != !o.seclog.key)
		return cli_error(CLI_USAGE,
		                 "serve: give both --seclog-cert and --seclog-key, or neither");
	if (o.seclog.tcp_lf && !o.seclog.tcp)
		return cli_error(CLI_USAGE, "serve: --syslog-tcp-lf needs --syslog-tcp");
	if (!o.seclog.cert) {
		o.seclog.cert = o.tls_cert;
		o.seclog.key = o.tls_key;
	}
	if ((o.seclog.tls || o.seclog.relp_tls) && !o.seclog.cert)
		return cli_error(CLI_USAGE, "serve: --syslog-tls and --relp-tls need a certificate "
		                            "(--seclog-cert/--seclog-key or --tls-cert/--tls-key)");
	if (o.seclog.key && o.seclog.key != o.tls_key) {
		struct stat st;

		if (lstat(o.seclog.key, &st) != 0 || !S_ISREG(st.st_mode))
			return cli_error(CLI_USAGE, "serve: cannot read %s", o.seclog.key);
		if (st.st_mode & 077)
			return cli_error(CLI_USAGE,
			                 "serve: %s is readable by others: chmod 600 it first",
			                 o.seclog.key);
	}
	if (o.tls_key) {
		struct stat st;

		if (lstat(o.tls_key, &st) != 0 || !S_ISREG(st.st_mode))
			return cli_error(CLI_USAGE, "serve: cannot read %s", o.tls_key);
		if (st.st_mode & 077)
			return cli_error(CLI_USAGE,
			                 "serve: %s is readable by others: chmod 600 it first",
			                 o.tls_key);
	}
	return cli_serve_run(&o);
}

/* skydd routes: the route table, as text or as the OpenAPI document. */
int cmd_routes(int argc, char **argv)
{
	const struct api_route *r;
	struct buf b;
	int rc;

	if (cli_wants_help(argc, argv)) {
		fputs("usage: skydd routes [--openapi]\n\nLists every API route with the roles it "
		      "needs, or prints\nthe OpenAPI 3.1 document generated from the route "
		      "table.\n",
		      stdout);
		return CLI_OK;
	}
	if (argc == 2 && strcmp(argv[1], "--openapi") == 0) {
		buf_init(&b, 4 * 1024 * 1024);
		rc = api_openapi(&b);
		if (!rc)
			fputs(b.ptr, stdout);
		buf_release(&b);
		return rc ? cli_error(CLI_USAGE, "routes: %s", sk_strerror(rc)) : CLI_OK;
	}
	if (argc != 1)
		return cli_error(CLI_USAGE, "routes: unknown argument '%s'", argv[1]);
	for (r = api_routes(NULL); r->method; r++) {
		printf("%-6s %-32s ", r->method, r->pattern);
		if (r->flags & API_PUBLIC) {
			fputs("public", stdout);
		} else if (r->roles == ROLES_ANY) {
			fputs("any", stdout);
		} else {
			for (int i = 0; i < ROLE_COUNT; i++)
				if (r->roles & ROLE_BIT(i))
					printf("%s ", role_name((enum role)i));
		}
		putchar('\n');
	}
	return CLI_OK;
}
