/*
 * seclog store: the security logs of other systems (4 kap. 25-31 §§ PMFS),
 * kept in their own append-only database seclog.db beside skydd.db, hashed
 * into an RFC 6962 tree (src/ledger) with signed checkpoints of the origin
 * "<instance origin>/seclog", in monthly segments that may be culled once
 * their retention has ended. See docs/internals/seclog.md.
 */
#ifndef SKYDD_SECLOG_STORE_H
#define SKYDD_SECLOG_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ledger/ledger.h"

#define SECLOG_DB_FILE     "seclog.db"
#define SECLOG_ORIGIN_SFX  "/seclog"
#define SECLOG_HOST_MAX    255   /* RFC 5424 HOSTNAME */
#define SECLOG_APP_MAX     48    /* RFC 5424 APP-NAME */
#define SECLOG_PROCID_MAX  128   /* RFC 5424 PROCID */
#define SECLOG_MSGID_MAX   32    /* RFC 5424 MSGID */
#define SECLOG_SD_MAX      16384 /* structured data, as received */
#define SECLOG_TEXT_MAX    65536 /* the message text */
#define SECLOG_RAW_MAX     65536 /* the raw bytes, kept as they came */
#define SECLOG_BATCH_MAX   65536 /* messages in one seclog_append */
#define SECLOG_TS_NONE     INT64_MIN
#define SECLOG_RETAIN_MIN  10 /* 4 kap. 28 §: at least ten years */
#define SECLOG_RETAIN_MAX  100
#define SECLOG_WHO_MAX     128
#define SECLOG_WHY_MAX     512
#define SECLOG_PROBLEM_MAX 256

/*
 * One message as the receiver parsed it. Strings are NUL-free UTF-8 given
 * with their lengths (NULL with length 0 for "none"); raw may hold any bytes.
 */
struct seclog_msg {
	int64_t recv_us;          /* when received; 0 = now; within a day behind, a minute ahead */
	int64_t source;           /* the source system's id (systems register), >= 0 */
	unsigned retention_years; /* SECLOG_RETAIN_MIN..SECLOG_RETAIN_MAX */
	unsigned facility;        /* 0..23 */
	unsigned severity;        /* 0..7 */
	int64_t timestamp_us;     /* the message's own time, or SECLOG_TS_NONE */
	const char *hostname, *app, *procid, *msgid, *sd, *text;
	size_t hostname_len, app_len, procid_len, msgid_len, sd_len, text_len;
	const uint8_t *raw;
	size_t raw_len;
};

/*
 * The hashed form of a message (leaf = SHA-256(0x00 || these bytes)), big
 * endian: u8 version 1, i64 recv_us, i64 source, u8 retention_years,
 * u8 facility, u8 severity, i64 timestamp_us, then hostname, app, procid,
 * msgid, sd, text, raw each as u32 length + bytes. Validates every field
 * first; appends nothing on error. Returns SK_OK, SK_EINVAL (a field out of
 * range, invalid UTF-8, a NUL or control byte where none belongs; *field
 * names it), SK_ETOOBIG (a field over its limit) or out's error.
 */
int seclog_msg_encode(const struct seclog_msg *m, struct buf *out, const char **field);

/*
 * Strict decode of stored bytes; strings point into bytes. Returns SK_OK or
 * SK_EINVAL (not exactly what seclog_msg_encode writes).
 */
int seclog_msg_decode(const uint8_t *bytes, size_t len, struct seclog_msg *out);

struct seclog;

struct seclog_opts {
	unsigned batch_max;     /* messages per transaction; 0 = 16384 */
	unsigned checkpoint_ms; /* minimum interval between checkpoints; 0 = 60000 */
};

/*
 * Opens (creating if missing) DIR/seclog.db with the instance's signing key
 * and starts the writer thread. Takes DIR/seclog.lock (one writer). Returns
 * SK_OK, SK_ENOTFOUND (no signing.key: not an instance), SK_EPERM (key
 * readable by others), SK_EBUSY (another writer), SK_ECORRUPT (the stored
 * tree disagrees with its last checkpoint or seal, or another key's
 * database), SK_EVERSION, SK_EIO.
 */
int seclog_open(const char *dir, const struct seclog_opts *opts, struct seclog **out);

/* Signs a final checkpoint, stops the writer, closes. NULL is a no-op. */
void seclog_close(struct seclog *s);

/*
 * Appends n messages (1..SECLOG_BATCH_MAX) from any thread and returns only
 * once they are durably committed (ack after commit). *first gets the index
 * of the first; the batch takes the consecutive indices first..first+n-1.
 * On a bad message nothing is appended: *bad (may be NULL) gets its position
 * and *field (may be NULL) the field. Returns SK_OK, SK_EINVAL, SK_ETOOBIG,
 * SK_ERANGE (n), SK_EBUSY (closing), SK_ENOMEM, SK_EIO.
 */
int seclog_append(struct seclog *s, const struct seclog_msg *msgs, size_t n, uint64_t *first,
                  size_t *bad, const char **field);

/* Signs a checkpoint of everything committed now (if anything is unsigned). */
int seclog_checkpoint_now(struct seclog *s);

/* The number of committed messages. */
uint64_t seclog_size(struct seclog *s);

/*
 * Culls segment seg of DIR's seclog.db: records the decision (who, why,
 * both required one-line UTF-8) as a signed note in the cull table and
 * removes the message bodies of the segment, keeping its tree hashes. Works
 * beside a running writer (its own transaction). Refused with SK_ERULE when
 * the retention of any message in the segment has not ended now (sk_now_us:
 * the clock, never the caller, says when), or
 * the segment is the newest (still open); SK_EEXIST when already culled;
 * SK_ENOTFOUND (no such segment), SK_EINVAL (who/why), SK_EIO. A refusal
 * changes nothing.
 */
int seclog_cull(const char *dir, int64_t seg, const char *who, const char *why);

struct seclog_verify_report {
	uint64_t size;        /* messages */
	uint64_t checkpoints; /* signed checkpoints checked */
	uint64_t segments;
	uint64_t culled; /* messages whose bodies were culled */
	char problem[SECLOG_PROBLEM_MAX];
};

/*
 * Read-only verification of DIR's seclog.db with DIR/verifier.key: every
 * stored message re-encoded and hashed, the tree rebuilt and compared with
 * every stored tile and every signed checkpoint, the batch seal over the
 * tail, segments and signed cull records. Returns SK_OK, SK_ENOTFOUND (no
 * seclog.db), SK_EVERIFY (problem names the first bad message, tile,
 * checkpoint, segment or cull), SK_EVERSION, SK_EIO.
 */
int seclog_verify(const char *dir, struct seclog_verify_report *r);

/*
 * An inclusion proof for message index against the newest signed
 * checkpoint: note is that checkpoint (allocated, free()), body the stored
 * message bytes (allocated; NULL if culled), proof/n the RFC 6962 audit
 * path. Returns SK_OK, SK_ENOTFOUND, SK_ERANGE (index not yet covered by a
 * checkpoint), SK_EIO, SK_ECORRUPT.
 */
struct seclog_proof {
	uint64_t index, size;
	char *note;
	size_t note_len;
	uint8_t *body;
	size_t body_len;
	uint8_t leaf[LEDGER_HASH_LEN];
	uint8_t path[LEDGER_MAX_PROOF][LEDGER_HASH_LEN];
	size_t n;
};

int seclog_prove(const char *dir, uint64_t index, struct seclog_proof *p);
void seclog_proof_release(struct seclog_proof *p);

/*
 * Verifies a proof with the verifier key text alone: the note is a signed
 * checkpoint of "<key name>/seclog", body (when given) hashes to the leaf,
 * and the path leads from the leaf to the checkpoint's root. Returns SK_OK,
 * SK_EINVAL (key or note malformed) or SK_EVERIFY.
 */
int seclog_proof_verify(const char *vkey, const struct seclog_proof *p);

#endif
