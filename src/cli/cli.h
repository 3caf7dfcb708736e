/*
 * cli: one file per command group, dispatched from the table in main.c
 * (git's builtin/ shape). Exit codes: 0 success, 1 the check or request
 * failed (verification, refused), 2 usage or I/O error.
 */
#ifndef SKYDD_CLI_H
#define SKYDD_CLI_H

#include <stdbool.h>

#include "util/util.h"

#define CLI_OK 0
#define CLI_FAIL 1
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

int cmd_init(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_log(int argc, char **argv);
int cmd_checkpoint(int argc, char **argv);
int cmd_demo(int argc, char **argv);

#endif
