/*
 * util: the bottom layer every other module may use. Error codes, bounded
 * buffers, checked size arithmetic, UTC time and RFC 8785 canonical JSON.
 * Nothing here knows about the ledger, SQL or HTTP.
 */
#ifndef SKYDD_UTIL_H
#define SKYDD_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "banned.h"

/*
 * One error type for the whole program. 0 is success; every failure is a
 * negative value so that functions returning a count can share the space.
 */
enum sk_err {
	SK_OK = 0,
	SK_ENOMEM = -1,     /* allocation failed */
	SK_EINVAL = -2,     /* bad input: malformed, out of range, wrong type */
	SK_ERANGE = -3,     /* a number or size outside its allowed range */
	SK_ETOOBIG = -4,    /* input larger than its limit */
	SK_EIO = -5,        /* file or database I/O failed */
	SK_ENOTFOUND = -6,  /* the thing asked for does not exist */
	SK_EEXIST = -7,     /* refusing to overwrite or duplicate */
	SK_EVERIFY = -8,    /* a hash, proof or signature did not verify */
	SK_ECORRUPT = -9,   /* stored data is inconsistent with itself */
	SK_EVERSION = -10,  /* data written by a newer version */
	SK_EBUSY = -11,     /* resource busy or shutting down */
	SK_EPERM = -12,     /* not allowed */
	SK_EINTERNAL = -13, /* a bug: an invariant did not hold */
	SK_ERULE = -14,     /* refused by a PMFS rule (the message cites it) */
	SK_EAUTH = -15,     /* not authenticated, or bad credentials */
	SK_ETHROTTLED = -16 /* too many failures; try again later */
};

/* A short English description of an error code; never NULL. */
const char *sk_strerror(int err);

/* ---- checked size arithmetic (git's st_add/st_mult) ---- */

/* Sets *out = a + b; returns false (leaving *out alone) on overflow. */
static inline bool sk_add_ok(size_t a, size_t b, size_t *out)
{
	if (a > SIZE_MAX - b)
		return false;
	*out = a + b;
	return true;
}

/* Sets *out = a * b; returns false (leaving *out alone) on overflow. */
static inline bool sk_mul_ok(size_t a, size_t b, size_t *out)
{
	if (a != 0 && b > SIZE_MAX / a)
		return false;
	*out = a * b;
	return true;
}

/* ---- bounded, always-terminated byte buffer (curl dynbuf, git strbuf) ---- */

/*
 * Invariants: ptr is NULL or points at cap bytes with ptr[len] == '\0';
 * len < cap; len never exceeds max. Once an append fails, err is set and
 * every later append is a no-op returning that error (SQLite StrAccum).
 */
struct buf {
	char *ptr;
	size_t len;
	size_t cap;
	size_t max; /* the largest len allowed */
	int err;
};

/*
 * Room for one more element in a malloc'd array of n elements of size elem
 * whose capacity is *cap: returns the array (moved if it grew, capacity
 * doubled from 16), or NULL on overflow or out of memory (arr untouched).
 */
void *sk_array_room(void *arr, size_t *cap, size_t n, size_t elem);

void buf_init(struct buf *b, size_t max);
void buf_release(struct buf *b); /* frees memory; b may be reused after buf_init */
void buf_reset(struct buf *b);   /* len = 0, keeps memory, clears err */
int buf_append(struct buf *b, const void *data, size_t len);
int buf_puts(struct buf *b, const char *s);
int buf_putc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hands the memory to the caller (NUL-terminated, may be NULL if empty) and resets b. */
char *buf_detach(struct buf *b, size_t *len);

/* ---- time ---- */

/* Microseconds since the Unix epoch, from CLOCK_REALTIME. */
int64_t sk_now_us(void);
/* Shifts sk_now_us() by offset_us (tests; also $SKYDD_CLOCK_OFFSET in seconds). */
void sk_clock_set_offset(int64_t offset_us);

/*
 * Formats t (µs since the epoch) as RFC 3339 UTC with microseconds,
 * "2026-11-25T13:01:02.123456Z", into out (at least SK_TIME_LEN + 1 bytes).
 */
#define SK_TIME_LEN 27
int sk_time_format(int64_t t, char out[SK_TIME_LEN + 1]);

/*
 * Parses RFC 3339 with a "Z" or numeric offset, optional fraction up to 6
 * digits, years 1970..9999. Returns SK_OK or SK_EINVAL.
 */
int sk_time_parse(const char *s, size_t len, int64_t *out);

/*
 * Formats t (µs since the epoch) as Swedish local time (Europe/Stockholm)
 * with its offset, "2026-12-06 22:15:03+01:00" (SK_STHLM_LEN bytes + NUL):
 * CET (+01:00), and CEST (+02:00) from the last Sunday of March 01:00 UTC to
 * the last Sunday of October 01:00 UTC (September until 1995, from 6 April
 * in 1980, none before). For what people read and export; the model keeps UTC.
 */
#define SK_STHLM_LEN 25
int sk_time_stockholm(int64_t t, char out[SK_STHLM_LEN + 1]);

/* ---- encodings (thin wrappers over libsodium) ---- */

/* Standard base64 with padding. out_cap must allow 4*ceil(n/3)+1. */
int sk_base64_encode(const uint8_t *in, size_t n, char *out, size_t out_cap);
/* Strict standard base64 with padding; exact output length required unless out_len given. */
int sk_base64_decode(const char *in, size_t len, uint8_t *out, size_t out_cap, size_t *out_len);
int sk_hex_encode(const uint8_t *in, size_t n, char *out, size_t out_cap);
int sk_hex_decode(const char *in, size_t len, uint8_t *out, size_t out_cap, size_t *out_len);

/* ---- canonical JSON (RFC 8785, restricted to integers within ±2^53) ---- */

#define SK_JSON_MAX_INT 9007199254740992LL /* 2^53 */

/*
 * Parses text strictly: valid UTF-8, no duplicate keys, no NUL in strings,
 * depth <= max_depth, numbers only integers within ±2^53 (no fraction, no
 * exponent). On failure returns NULL and, if err_field is given, writes the
 * JSON path of the offending value ("data.items[3]") or "" when unknown;
 * err_msg gets a short English reason.
 */
json_t *sk_json_parse(const char *text, size_t len, int max_depth, char *err_field,
                      size_t err_field_cap, char *err_msg, size_t err_msg_cap);

/*
 * Appends the RFC 8785 canonical form of v to out: object members sorted by
 * UTF-16 code units of their names, no whitespace, JCS string escaping.
 * Returns SK_OK, SK_EINVAL (a real number, an integer outside ±2^53, NUL in
 * a string) or the buffer's error.
 */
int sk_json_canonical(const json_t *v, struct buf *out);

/* Checks that a JSON value's nesting depth is at most max_depth. */
bool sk_json_depth_ok(const json_t *v, int max_depth);

/*
 * Decodes the UTF-8 sequence at s into *cp and returns its length, or 0 when
 * it is not well formed (overlongs, surrogates, > U+10FFFF, truncated).
 */
size_t sk_utf8_next(const unsigned char *s, size_t len, uint32_t *cp);

/* Is s (len bytes) well-formed UTF-8 without overlongs or surrogates? */
bool sk_utf8_valid(const char *s, size_t len);

/* ---- file descriptors (fd.c) ---- */

/*
 * Writes all n bytes of buf to fd, through short writes and EINTR; false
 * (errno set) when a write fails. A writer to sockets ignores SIGPIPE first,
 * so that a peer's close is EPIPE here and not the end of the process.
 */
bool sk_write_all(int fd, const void *buf, size_t n);

/* ---- text hygiene (text.c) ---- */

/*
 * Code points never stored in text: C0 controls (the callers allow '\n',
 * '\r', '\t' where lines are meant), DEL, C1 (U+0080..U+009F), the bidi
 * embeddings and overrides U+202A..U+202E and isolates U+2066..U+2069.
 */
bool sk_cp_forbidden(uint32_t cp);
/* White space, ASCII and Unicode (NBSP, U+2000..U+200B, U+3000, BOM …). */
bool sk_cp_space(uint32_t cp);
/* Is s (len bytes) nothing but white space (sk_cp_space)? "" is blank. */
bool sk_text_blank(const char *s, size_t len);
/* The number of bytes of white space (sk_cp_space) s starts with. */
size_t sk_text_skip_space(const char *s, size_t len);
/*
 * Copies untrusted one-line text (a User-Agent) into out: at most max bytes
 * (and cap - 1), cut at a UTF-8 boundary, each forbidden code point
 * (sk_cp_forbidden, including line breaks) as a space and each byte that is
 * not UTF-8 as '?'. Always terminates out; returns its length.
 */
size_t sk_text_sanitize_line(const char *in, size_t in_len, size_t max, char *out, size_t cap);
/* A session's client (User-Agent) is stored sanitised and at most this many bytes. */
#define SK_CLIENT_MAX 256
/* client (may be NULL) sanitised for storage into out: at most SK_CLIENT_MAX bytes. */
void sk_client_sanitize(const char *client, char out[SK_CLIENT_MAX + 1]);

#endif
