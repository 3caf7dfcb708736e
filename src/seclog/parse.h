/*
 * seclog input: the RFC 6587 frame splitter for syslog over TCP/TLS and the
 * RFC 5424 and RFC 3164 message parsers. Pure functions over bytes: no I/O,
 * no SQL, no allocation per message (the framer allocates its one buffer at
 * init). The receiver counts refusals per source by enum seclog_perr.
 */
#ifndef SKYDD_SECLOG_PARSE_H
#define SKYDD_SECLOG_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Why a frame or message was refused. Stable values: a receiver counts them
 * per source and may store the counts, so new codes go at the end only.
 * seclog_perr_name() gives a short stable token, seclog_perr_str() English.
 */
enum seclog_perr {
	SECLOG_OK = 0,
	/* framing (RFC 6587) — every one of these means: drop the connection */
	SECLOG_E_FRAME_PREFIX = 1,    /* MSG-LEN not NONZERO-DIGIT *DIGIT SP */
	SECLOG_E_FRAME_DIGITS = 2,    /* more length digits than the bound allows */
	SECLOG_E_FRAME_TOO_BIG = 3,   /* announced length or LF line over max_frame */
	SECLOG_E_FRAME_TRUNCATED = 4, /* end of stream inside a frame */
	/* both formats */
	SECLOG_E_EMPTY = 10,     /* no bytes at all */
	SECLOG_E_PRI = 11,       /* no "<" 1*3DIGIT ">", or a leading zero */
	SECLOG_E_PRI_RANGE = 12, /* PRIVAL above 191 */
	/* RFC 5424 */
	SECLOG_E_VERSION = 20,      /* VERSION is not "1" */
	SECLOG_E_SP = 21,           /* a header field not followed by exactly one SP */
	SECLOG_E_TIMESTAMP = 22,    /* not RFC 3339 as 5424 §6.2.3 restricts it, nor "-" */
	SECLOG_E_HOSTNAME_LEN = 23, /* over 255 octets */
	SECLOG_E_HOSTNAME_CHAR = 24,
	SECLOG_E_APPNAME_LEN = 25, /* over 48 */
	SECLOG_E_APPNAME_CHAR = 26,
	SECLOG_E_PROCID_LEN = 27, /* over 128 */
	SECLOG_E_PROCID_CHAR = 28,
	SECLOG_E_MSGID_LEN = 29, /* over 32 */
	SECLOG_E_MSGID_CHAR = 30,
	SECLOG_E_SD = 31,          /* STRUCTURED-DATA syntax: brackets, "=", quotes */
	SECLOG_E_SD_NAME = 32,     /* SD-ID or PARAM-NAME empty, over 32, bad character */
	SECLOG_E_SD_VALUE = 33,    /* an unescaped ']' in a PARAM-VALUE */
	SECLOG_E_SD_UTF8 = 34,     /* a PARAM-VALUE that is not UTF-8 */
	SECLOG_E_SD_DUP = 35,      /* the same SD-ID twice (§6.3.2) */
	SECLOG_E_SD_TOO_MANY = 36, /* over SECLOG_MAX_SD elements or SECLOG_MAX_PARAMS params */
	SECLOG_E_MSG_UTF8 = 37,    /* MSG starts with the BOM but is not UTF-8 */
	/* RFC 3164 */
	SECLOG_E_3164_TIMESTAMP = 40, /* not "Mmm dd hh:mm:ss" (day space-padded), or no such day */
	SECLOG_E_3164_HOSTNAME = 41,  /* missing, over 255 octets or a control character */
	SECLOG_E_3164_TAG = 42,       /* TAG over 32 / PID over 128 or bad characters */
	SECLOG_E_YEAR = 43,           /* the caller's year outside 1970..9999 */
	/* parsed, then refused by the store (seclog_msg_encode) */
	SECLOG_E_STORE_TOO_BIG = 44, /* a field over the store's limit (e.g. structured data) */
	SECLOG_E_STORE_FIELD = 45    /* a field the store refuses that no code above names */
};
#define SECLOG_PERR_MAX 46 /* one more than the largest code: size of a counter array */

/* A short stable token ("pri_range"); "unknown" for a value not in the enum. */
const char *seclog_perr_name(int err);
/* One English line describing err; never NULL. */
const char *seclog_perr_str(int err);

/* ---- framing (RFC 6587 §3.4.1 octet counting; §3.4.2 only if enabled) ---- */

#define SECLOG_FRAME_DEFAULT    (64 * 1024)   /* max_frame when 0 is given */
#define SECLOG_FRAME_HARD_MAX   (1024 * 1024) /* no configuration may exceed it */
#define SECLOG_FRAME_MAX_DIGITS 7             /* digits of SECLOG_FRAME_HARD_MAX */

/* Flags for seclog_framer_init. */
#define SECLOG_FRAME_ALLOW_LF 1u /* accept non-transparent (LF-terminated) frames too */

/* A byte range inside someone else's buffer; n == 0 for an absent field. */
struct seclog_slice {
	const char *p;
	size_t n;
};

/*
 * One per connection. Holds at most max_frame bytes of an unfinished frame
 * in buf, allocated once by seclog_framer_init: memory per connection is
 * fixed. After an error the framer stays failed (err set, every call
 * returns -1): RFC 6587 gives no safe way to find the next frame again.
 */
struct seclog_framer {
	size_t max_frame;
	unsigned flags;
	int state; /* private */
	size_t want, have;
	unsigned ndigits;
	char *buf;
	int err;           /* enum seclog_perr once failed */
	uint64_t frames;   /* complete frames delivered */
	uint64_t consumed; /* bytes accepted, for the error's stream offset */
};

/*
 * max_frame 0 means SECLOG_FRAME_DEFAULT. Returns SK_OK, SK_ERANGE when
 * max_frame exceeds SECLOG_FRAME_HARD_MAX, SK_EINVAL for unknown flags,
 * SK_ENOMEM.
 */
int seclog_framer_init(struct seclog_framer *f, size_t max_frame, unsigned flags);
/* Frees the buffer; f may be reused after seclog_framer_init. NULL is a no-op. */
void seclog_framer_release(struct seclog_framer *f);

/*
 * Consumes bytes from data[0..len) up to the end of at most one frame and
 * sets *used to how many. Returns 1 with *frame set when a frame is
 * complete, 0 when every byte was consumed and no frame is complete yet, -1
 * when the stream is malformed (f->err says why; *used counts the bytes
 * before the bad one). *frame points into data when the frame arrived whole
 * in one call and into the framer otherwise: valid until the next call.
 * Call it in a loop until len is used up; any split of the stream, down to
 * one byte per call, yields the same frames.
 */
int seclog_framer_feed(struct seclog_framer *f, const char *data, size_t len, size_t *used,
                       struct seclog_slice *frame);

/*
 * The peer closed the stream. Returns SECLOG_OK between frames and
 * SECLOG_E_FRAME_TRUNCATED inside one (also setting f->err).
 */
int seclog_framer_eof(struct seclog_framer *f);

/* ---- messages ---- */

#define SECLOG_MAX_SD     16 /* SD-ELEMENTs per message */
#define SECLOG_MAX_PARAMS 64 /* SD-PARAMs per message, all elements together */

enum seclog_format { SECLOG_FMT_RFC5424 = 1, SECLOG_FMT_RFC3164 = 2 };

struct seclog_sd_param {
	struct seclog_slice name;
	struct seclog_slice value; /* raw, escapes kept: see seclog_sd_unescape */
};

struct seclog_sd_elem {
	struct seclog_slice id;
	unsigned first, nparams; /* params[first .. first+nparams) */
};

/*
 * A parsed message. Every slice points into the caller's input, which must
 * outlive the struct: nothing is copied and nothing allocated. A header
 * field that is NILVALUE ("-") or absent has n == 0 (present fields are
 * never empty). For RFC 3164, app_name is the TAG, procid the PID, msg the
 * CONTENT; version is 0, msgid and sd are absent and legacy is true.
 */
struct seclog_parsed {
	enum seclog_format format;
	bool legacy;       /* RFC 3164: best effort, weaker guarantees */
	unsigned facility; /* 0..23 */
	unsigned severity; /* 0..7 */
	unsigned version;  /* 1 for RFC 5424 */
	bool has_time;     /* false for NILVALUE */
	int64_t time_us;   /* UTC, µs since the epoch */
	int tz_offset_min; /* the sender's offset (5424), or the caller's (3164) */
	struct seclog_slice timestamp, hostname, app_name, procid, msgid;
	struct seclog_slice sd;  /* the raw STRUCTURED-DATA text; n == 0 for "-" */
	struct seclog_slice msg; /* after the BOM when there was one */
	bool msg_bom;            /* MSG began with the UTF-8 BOM (and so is valid UTF-8) */
	unsigned nsd, nparams;
	struct seclog_sd_elem sd_elems[SECLOG_MAX_SD];
	struct seclog_sd_param params[SECLOG_MAX_PARAMS];
	size_t err_off; /* on failure: offset of the offending byte in the input */
};

/*
 * Parses one RFC 5424 SYSLOG-MSG (a whole frame's payload) strictly.
 * Returns SECLOG_OK or the reason for refusal; m->err_off says where.
 */
int seclog_parse_5424(const char *data, size_t len, struct seclog_parsed *m);

/*
 * Parses one RFC 3164 message: "<PRI>Mmm dd hh:mm:ss HOSTNAME TAG[PID]: CONTENT".
 * The timestamp carries neither year nor zone: year comes from the caller
 * (the receiver's current year, adjusted at New Year by the caller), and the
 * time is taken as local time at utc_offset_min. When the MSG does not start
 * with "TAG:" or "TAG[PID]:" the tag is absent and msg is the whole MSG —
 * reported as such, never guessed. Returns SECLOG_OK or the reason.
 */
int seclog_parse_3164(const char *data, size_t len, int year, int utc_offset_min,
                      struct seclog_parsed *m);

/*
 * Either format: RFC 5424 when the PRI is followed by a digit (its
 * VERSION), RFC 3164 otherwise, unless allow_3164 is false (then
 * SECLOG_E_VERSION). Returns as the two above.
 */
int seclog_parse(const char *data, size_t len, bool allow_3164, int year, int utc_offset_min,
                 struct seclog_parsed *m);

/*
 * Copies a PARAM-VALUE to out with the escapes \" \\ \] undone (any other
 * backslash stays, RFC 5424 §6.3.3) and NUL-terminates it. Returns the
 * length written, or -1 when out_cap is too small (out is then "").
 */
long seclog_sd_unescape(struct seclog_slice v, char *out, size_t out_cap);

#endif
