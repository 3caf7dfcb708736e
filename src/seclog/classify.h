/*
 * seclog classifier: what a stored security-log message says about logins
 * and privileged use (4 kap. 27 §, 30 § PMFS), read from its APP-NAME, text
 * and structured data. Pure and bounded: no allocation, no I/O; used by the
 * monitor (monitor.c) and fuzzed alone. See docs/internals/seclog.md,
 * "Monitoring", for the table of what is recognised and what is trusted.
 */
#ifndef SKYDD_SECLOG_CLASSIFY_H
#define SKYDD_SECLOG_CLASSIFY_H

#include <stddef.h>
#include <stdint.h>

#include "seclog/store.h"

#define SECLOG_ACCOUNT_MAX 64          /* bytes of an account name kept (longer: cut, marked) */
#define SECLOG_REMOTE_MAX  64          /* bytes of a remote host or address kept */
#define SECLOG_SEQ_MAX     2147483647u /* RFC 5424 §7.3.1 sequenceId wraps after it */

enum seclog_ev_kind {
	SECLOG_EV_NONE = 0,
	SECLOG_EV_LOGIN_FAILED = 1, /* a failed login or a refused privilege request */
	SECLOG_EV_LOGIN_OK = 2,     /* a successful login */
	SECLOG_EV_PRIV_USE = 3, /* use of an account's privileges (sudo, su, 4672, root session) */
};

/*
 * What one message says. Strings are NUL-terminated UTF-8 without control
 * characters (a control byte or invalid UTF-8 becomes '?'); "" = not given.
 */
struct seclog_event {
	enum seclog_ev_kind kind;
	const char *pattern; /* stable token: "sshd.failed", "sudo", "win.4625" … */
	char account[SECLOG_ACCOUNT_MAX + 1]; /* the account logged into or used ("root") */
	char by[SECLOG_ACCOUNT_MAX + 1];      /* who used it (sudo's invoker, su's caller) */
	char remote[SECLOG_REMOTE_MAX + 1];   /* the remote host or address, "" when local */
	unsigned repeat; /* 1, or N for rsyslog's "message repeated N times: [ … ]" */
};

/*
 * Classifies m into *ev (kind SECLOG_EV_NONE when nothing is recognised).
 * Any bytes in any field are safe: lengths are honoured, nothing is read
 * past them.
 */
void seclog_classify(const struct seclog_msg *m, struct seclog_event *ev);

/*
 * The RFC 5424 §7.3.1 sequenceId of m's structured data ([meta
 * sequenceId="N"]): 1..SECLOG_SEQ_MAX, or 0 when absent or malformed.
 */
uint32_t seclog_sequence_id(const char *sd, size_t sd_len);

/*
 * The unescaped value of parameter name (compared case-insensitively) of
 * the first SD-ELEMENT carrying it, into out (NUL-terminated, cut at
 * out_cap - 1). Returns its full length, or -1 when absent or sd malformed.
 * sd_id NULL = any element.
 */
long seclog_sd_param(const char *sd, size_t sd_len, const char *sd_id, const char *name, char *out,
                     size_t out_cap);

#endif
