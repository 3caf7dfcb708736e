/*
 * RELP (Reliable Event Logging Protocol) server side, our own: a pure,
 * bounded frame parser over a contiguous buffer and the session rules
 * (open, syslog, close). No I/O: the receiver (recv.c) reads, appends to
 * the store and writes the "rsp 200" only after the commit. Why not
 * librelp's server: docs/internals/seclog.md, "Receiving".
 *
 *   RELP-FRAME = TXNR SP COMMAND SP DATALEN [SP DATA] LF
 *   TXNR 1*9DIGIT, COMMAND 1*32ALPHA, DATALEN 1*9DIGIT; DATA present (after
 *   one SP) exactly when DATALEN > 0.
 */
#ifndef SKYDD_SECLOG_RELP_H
#define SKYDD_SECLOG_RELP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "seclog/parse.h"
#include "util/util.h"

#define RELP_TXNR_MAX  999999999u
#define RELP_CMD_MAX   32
#define RELP_DIGITS    9
#define RELP_HEAD_MAX  (RELP_DIGITS + 1 + RELP_CMD_MAX + 1 + RELP_DIGITS + 1) /* before DATA */
#define RELP_RSP_MAX   96   /* one "TXNR rsp LEN CODE reason" line, the longest we write */
#define RELP_OFFER_MAX 4096 /* an open's offers: far more than any client sends */

/* Why a frame was refused: each one ends the session (no resync is safe). */
enum relp_perr {
	RELP_OK = 0,
	RELP_E_TXNR = 1,    /* not 1*9DIGIT, a leading zero, or 0 */
	RELP_E_COMMAND = 2, /* not 1*32ALPHA */
	RELP_E_DATALEN = 3, /* not 1*9DIGIT or a leading zero */
	RELP_E_TOO_BIG = 4, /* DATALEN over the caller's bound */
	RELP_E_SP = 5,      /* a separator that is not one SP */
	RELP_E_TRAILER = 6, /* the byte after DATA is not LF */
};

/* One frame; the slices point into the caller's buffer. */
struct relp_frame {
	uint32_t txnr;
	struct seclog_slice cmd;
	struct seclog_slice data; /* n == 0 when DATALEN is 0 */
};

/*
 * Parses one frame at the start of p[0..len). Returns 1 with *f and *used
 * (the frame's bytes) set, 0 when every byte so far is valid but the frame
 * is incomplete, -1 with *err set (enum relp_perr) when it is malformed or
 * DATALEN exceeds max_data. For RELP_E_TOO_BIG, f->txnr, f->cmd are set,
 * f->data is {NULL, DATALEN} and *used is where DATA starts, so a caller
 * may drop the DATA and its LF and go on. Never reads past len; any split
 * of a stream gives the same result once the bytes are there.
 */
int relp_frame_parse(const char *p, size_t len, size_t max_data, struct relp_frame *f, size_t *used,
                     int *err);

/* A short stable token for an enum relp_perr ("txnr"); "unknown" otherwise. */
const char *relp_perr_name(int err);

/* Session state, one per connection. */
enum relp_state { RELP_S_INIT = 0, RELP_S_OPEN = 1, RELP_S_CLOSED = 2 };

struct relp_session {
	enum relp_state state;
	uint32_t last_txnr; /* the client's previous TXNR (0 before the first) */
};

/* What the caller must do with a frame after relp_session_frame. */
enum relp_action {
	RELP_A_SYSLOG = 1, /* a syslog message in f->data: store it, then relp_rsp_ok */
	RELP_A_REPLIED,    /* a response was written to out; nothing else to do */
	RELP_A_CLOSE,      /* the client closed: relp_write_close after the acks, then close */
	RELP_A_FAIL,       /* protocol violation: out holds a last word; close the connection */
};

/*
 * Applies the session rules to one parsed frame: the first command must be
 * "open" offering relp_version and the "syslog" command (answered with
 * 200 OK and our offers); TXNRs must go up by one (wrapping after
 * RELP_TXNR_MAX to 1); "syslog" only once open; "close" ends the session;
 * an unknown command is answered 500. why (may be NULL) gets a short token
 * on RELP_A_FAIL.
 */
enum relp_action relp_session_frame(struct relp_session *s, const struct relp_frame *f,
                                    struct buf *out, const char **why);

/* Writes "TXNR rsp 6 200 OK\n". */
int relp_rsp_ok(struct buf *out, uint32_t txnr);
/* Writes "TXNR rsp LEN 500 reason\n" (reason: a short token, clipped). */
int relp_rsp_err(struct buf *out, uint32_t txnr, const char *reason);
/* Writes the answer to close ("TXNR rsp 6 200 OK") and "0 serverclose 0". */
int relp_write_close(struct buf *out, uint32_t txnr);

#endif
