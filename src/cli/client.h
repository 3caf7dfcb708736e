/*
 * The CLI as an API client (client.c), private to src/cli: where the server
 * and the token come from, the session file, HTTPS with libcurl, prompts,
 * and API errors turned into one line and an exit code (see cli.h).
 */
#ifndef SKYDD_CLI_CLIENT_H
#define SKYDD_CLI_CLIENT_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "cli/cli.h"

/* The long options every client command takes, and their getopt codes. */
enum { CLIENT_OPT_URL = 0x100, CLIENT_OPT_CACERT, CLIENT_OPT_INSECURE };

#define CLIENT_LONG_OPTS                                                                           \
	{"url", required_argument, NULL, CLIENT_OPT_URL},                                          \
	        {"cacert", required_argument, NULL, CLIENT_OPT_CACERT},                            \
	{                                                                                          \
		"insecure", no_argument, NULL, CLIENT_OPT_INSECURE                                 \
	}

#define CLIENT_OPTS_HELP                                                                           \
	"  --url URL        the server (default: $SKYDD_URL, else the stored session)\n"           \
	"  --cacert FILE    trust this CA certificate too (default: $SKYDD_CACERT)\n"              \
	"  --insecure       do not verify the TLS certificate (loopback URLs only)\n"

/*
 * Ends a getopt_long table built at run time: appends --json ('j'), --help
 * ('h'), --url, --cacert, --insecure and the terminator at opts[n]; opts has
 * room for n + CLIENT_STD_OPTS. Returns the index of the terminator.
 */
#define CLIENT_STD_OPTS 6
size_t client_std_opts(struct option *opts, size_t n);

struct client_opts {
	const char *url;
	const char *cacert;
	bool insecure;
};

/* Records a client option; false when c is not one of CLIENT_OPT_*. */
bool client_opt(struct client_opts *o, int c, const char *arg);

/* Prints "skydd: <cmd>: unknown or incomplete option '<arg>'"; returns CLI_USAGE. */
int client_bad_option(const char *cmd, char **argv);

/*
 * The arguments of a subcommand: client options, --json (code 'j'), --help
 * ('h'), at most one positional ID, and named values: an option whose getopt
 * code is CLIENT_VALUE(n) stores its argument in values[n].
 */
#define CLIENT_MAX_VALUES 10
#define CLIENT_VALUE(n)   (0x200 + (n))

struct client_args {
	struct client_opts co;
	bool json;
	const char *id;
	const char *values[CLIENT_MAX_VALUES];
};

/* Parses argv with opts; returns CLI_OK, -1 after printing usage for --help, or CLI_USAGE. */
int client_parse_args(int argc, char **argv, const struct option *opts, const char *cmd,
                      const char *usage, struct client_args *a);

/* Opens the client, makes one call, prints the JSON (--json) or hands it to show. */
int client_call_show(const char *cmd, const struct client_args *a, const char *method,
                     const char *path, json_t *body, void (*show)(json_t *reply));

/* A subcommand of a command group (user, grant). */
struct client_sub {
	const char *name;
	int (*run)(int argc, char **argv); /* argv[0] is the subcommand */
};

/*
 * Runs argv[1] of a group from subs (n entries); --help prints usage.
 * No or an unknown subcommand: one line and CLI_USAGE.
 */
int client_dispatch(const char *group, const char *usage, const struct client_sub *subs, size_t n,
                    int argc, char **argv);

struct client;

/*
 * Resolves the server (--url, else $SKYDD_URL, else the session file) and
 * the token ($SKYDD_TOKEN, else the session file, which must be for the same
 * server), checks the URL (http only on loopback, --insecure only on
 * loopback) and prepares libcurl. need_token: fail when there is no token.
 * cmd prefixes every error line. Returns CLI_OK, or an exit code after one
 * line on stderr: CLI_FAIL when not logged in, CLI_USAGE otherwise.
 */
int client_open(const char *cmd, const struct client_opts *o, bool need_token, struct client **out);
void client_free(struct client *c); /* zeroes the token; NULL is a no-op */

const char *client_url(const struct client *c);
/* True when the token came from the session file (not $SKYDD_TOKEN). */
bool client_token_from_session(const struct client *c);
/* Uses token from now on (copied). Returns CLI_OK or CLI_USAGE (not a token). */
int client_set_token(struct client *c, const char *token);

/* One answer from the server. */
struct client_reply {
	long status;       /* HTTP status */
	json_t *json;      /* the parsed body; NULL for 204 or a body that is not JSON */
	const char *code;  /* error.code, or "" */
	const char *field; /* error.field, or "" */
	const char *message;
	long retry_after; /* seconds from Retry-After, or 0 */
};

/*
 * Sends method path (e.g. "/api/v1/me") with body (NULL: none), the bearer
 * token when there is one. The serialised body is zeroed after sending.
 * Returns CLI_OK when the server answered (any status; *r filled, release it
 * with client_reply_release), else CLI_USAGE after one line (network, TLS,
 * timeout, an answer over 16 MiB).
 */
int client_send(struct client *c, const char *method, const char *path, json_t *body,
                struct client_reply *r);
void client_reply_release(struct client_reply *r);

/*
 * GETs path and hands back the raw body of a 2xx answer (a download that is
 * not JSON): *out is malloc'd, NUL-terminated after *len bytes; the caller
 * frees it. Other answers as client_refused. Returns CLI_OK or the exit code.
 */
int client_get_bytes(struct client *c, const char *path, char **out, size_t *len);

/*
 * An export's download: opens the client for cmd, GETs path and writes the
 * body to output (created 0600, fsync'd; "wrote N bytes [(kind)] to FILE")
 * or, with output NULL, to standard output. kind may be NULL. Returns CLI_OK
 * or the exit code after one line.
 */
int client_download(const char *cmd, const struct client_opts *co, const char *path,
                    const char *output, const char *kind);

/*
 * For a reply that is not 2xx: prints "skydd: <cmd>: <message> (<field>)"
 * and returns CLI_USAGE for malformed requests (400, 405, 413, 415) and
 * server errors (5xx), CLI_FAIL for a refusal (other 4xx).
 */
int client_refused(const struct client *c, const struct client_reply *r);

/*
 * client_send, then client_refused unless 2xx. On success *out owns the
 * body (NULL for 204). Returns CLI_OK or the exit code.
 */
int client_call(struct client *c, const char *method, const char *path, json_t *body, json_t **out);

/* ---- the session file: $XDG_CONFIG_HOME/skydd/session, {"url", "token"}, mode 0600 ---- */

/* Writes path (cap bytes). Returns CLI_OK or CLI_USAGE after a message. */
int client_session_path(const char *cmd, char *path, size_t cap);
/* Stores url and token (dirs 0700, file 0600, no symlinks). CLI_OK or CLI_USAGE. */
int client_session_save(const char *cmd, const char *url, const char *token);
/* Removes the session file; a missing file is fine. CLI_OK or CLI_USAGE. */
int client_session_remove(const char *cmd);

/* ---- prompts ---- */

/* True when prompts go to the terminal (stdin is one). */
bool client_interactive(void);

/*
 * Reads one line into out (at most cap - 1 bytes, without the newline).
 * Interactive: prompts on /dev/tty, without echo when secret (the terminal
 * is restored on SIGINT/SIGTERM too). Otherwise reads a line of stdin
 * silently (scripts, tests). Returns CLI_OK or CLI_USAGE after a message
 * (end of input, line too long). The caller zeroes out after use.
 */
int client_prompt(const char *cmd, const char *prompt, bool secret, char *out, size_t cap);

/* Sets body[key] to the string value when value is not NULL (an option given). */
void client_body_str(json_t *body, const char *key, const char *value);

/* ---- query strings ---- */

struct buf;

/*
 * Appends key=value to the path or query in b ('?' before the first, '&'
 * after), value percent-encoded but for RFC 3986 unreserved characters
 * (A-Z a-z 0-9 - . _ ~). value NULL: nothing.
 */
void client_query_add(struct buf *b, const char *key, const char *value);

/* ---- output ---- */

/* Parses a positive identity/grant id (< 2^53). */
bool client_parse_id(const char *s, int64_t *out);

/*
 * Formats o[key] for people: strings as they are, integers, yes/no, "-" for
 * null or missing, arrays of strings joined with ", ". Returns out.
 */
const char *client_field(json_t *o, const char *key, char *out, size_t cap);

/* Prints s with control characters replaced by '?' (the server is not trusted). */
void client_puts_safe(const char *s);
/* The same on stderr, at most 300 bytes. */
void client_eputs_safe(const char *s);

/* Prints "<key>  <value>" lines with the keys aligned. */
void client_kv(const char *key, const char *value);

/* An aligned text table; row 0 is the header. */
struct client_table {
	size_t ncols, nrows, cap;
	char **cells;
	int err;
};

void client_table_init(struct client_table *t, size_t ncols);
void client_table_row(struct client_table *t, const char *const *cells);
void client_table_print(const struct client_table *t);
void client_table_release(struct client_table *t);

/*
 * Prints the objects of arr as a table: head is row 0, column k shows
 * client_field(object, keys[k]) in at most cell_cap - 1 bytes. ncols is at
 * most 16 and cell_cap at most 512.
 */
void client_table_json(json_t *arr, size_t ncols, const char *const *head, const char *const *keys,
                       size_t cell_cap);

#endif
