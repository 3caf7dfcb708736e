/*
 * cli: one file per command group, dispatched from the table in main.c
 * (git's builtin/ shape). Exit codes: 0 success, 1 the check or request
 * failed (verification, refused), 2 usage or I/O error.
 */
#ifndef SKYDD_CLI_H
#define SKYDD_CLI_H

#include <stdbool.h>

#include <stdint.h>

#include "cli/serve_seclog.h"
#include "model/remind.h"
#include "util/util.h"

#define CLI_OK    0
#define CLI_FAIL  1
#define CLI_USAGE 2

struct cli_cmd {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

/* Prints "skydd: <message>" on stderr (one line) and returns code. */
int cli_error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Parses a decimal unsigned integer (no sign, no leading garbage) into *out. */
bool cli_parse_u64(const char *s, uint64_t *out);

/* True when argv holds -h or --help before any "--". */
bool cli_wants_help(int argc, char **argv);

/* Prints a JSON value on stdout followed by a newline (compact, sorted keys). */
void cli_print_json(json_t *v);

/* Runs the server until SIGTERM/SIGINT (serve.c); used by serve and demo. */
struct cli_serve_opts {
	const char *dir;
	const char *listen;
	const char *tls_cert, *tls_key;
	const char *access_log;
	const char *user; /* drop to this user once listening; NULL = stay */
	unsigned threads, idle_s, absolute_s, pw_min;
	/* connection caps and request deadlines; 0 = the http.h defaults */
	unsigned max_conns, max_conns_per_ip, head_s, body_s;
	/* e-mail reminders (model/remind.h); remind.smtp_url NULL = none */
	struct remind_config remind;
	const char *smtp_password_file;
	struct cli_seclog_opts seclog;           /* security-log receiver (serve_seclog.h) */
	void (*ready)(void *ctx, unsigned port); /* called once listening */
	void *ready_ctx;
};
int cli_serve_run(const struct cli_serve_opts *o);

/* The first identity of an instance (init.c), with ssc and a 12-month admin grant. */
struct cli_first {
	int64_t id;
	char otp[32];
	char secret[128];
	char why[200];
};
int cli_first_identity(const char *dir, const char *user, const char *name, int clearance,
                       struct cli_first *out);
/*
 * skydd init --admin: a second identity (clearance none) with a 12-month admin
 * grant, both decided by the system, so that creating accounts and deciding
 * their rights are two people's work from the start (4 kap. 8 §).
 */
int cli_first_admin(const char *dir, const char *user, const char *name, struct cli_first *out);

int cmd_init(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_routes(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_log(int argc, char **argv);
int cmd_checkpoint(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_login(int argc, char **argv);
int cmd_logout(int argc, char **argv);
int cmd_whoami(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_grant(int argc, char **argv);
int cmd_doc(int argc, char **argv);            /* doc.c */
int cmd_doc_import(int argc, char **argv);     /* doc_io.c: `doc import` */
int cmd_doc_export(int argc, char **argv);     /* doc_io.c: `doc export` */
int cmd_doc_reclassify(int argc, char **argv); /* doc_decide.c: `doc reclassify` */
int cmd_doc_disclose(int argc, char **argv);   /* doc_decide.c: `doc disclose` */
int cmd_doc_decide(int argc, char **argv);     /* doc_decide.c: `doc decide` */
int cmd_inventory(int argc, char **argv);      /* inventory.c */
/* A register defined as data (model/register.h) by its CLI name: argv[0]. */
bool cli_is_register(const char *name);    /* register.c */
int cmd_register(int argc, char **argv);   /* register.c */
int cmd_check(int argc, char **argv);      /* check.c */
int cmd_rules(int argc, char **argv);      /* check.c */
int cmd_exemption(int argc, char **argv);  /* check.c */
int cmd_analysis(int argc, char **argv);   /* analysis.c */
int cmd_assessment(int argc, char **argv); /* analysis.c */
int cmd_incident(int argc, char **argv);   /* incident.c */
int cmd_deviation(int argc, char **argv);  /* incident.c */
int cmd_plan(int argc, char **argv);       /* plan.c */
int cmd_seclog(int argc, char **argv);     /* seclog.c */

#endif
