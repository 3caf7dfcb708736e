/*
 * store: the only code that speaks SQL. It owns the instance directory
 * (skydd.db, signing.key, verifier.key, checkpoints.log), schema migrations,
 * the single writer thread with group commit, tree tiles, checkpoints,
 * read-only connections, verification and projection replay.
 */
#ifndef SKYDD_STORE_H
#define SKYDD_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "ledger/ledger.h"
#include "util/util.h"

struct store;
struct store_tx;
struct store_reader;
struct store_q;

/* ---- instance lifecycle ---- */

struct store_init_opts {
	const char *origin; /* checkpoint origin line; default "skydd/<hostname>" */
};

/*
 * Creates a new instance in dir (created if missing): skydd.db with the
 * schema and a first entry "ledger.init", signing.key (0600, refuses to
 * overwrite), verifier.key and checkpoints.log with the first checkpoint,
 * all under the instance lock. vkey receives the verifier key text (cap >=
 * 256). Returns SK_OK, SK_EEXIST (an instance or key already there),
 * SK_EBUSY (another process holds the instance lock), SK_EIO, SK_EINVAL
 * (origin).
 */
int store_init(const char *dir, const struct store_init_opts *opts, char *vkey, size_t vkey_cap);

struct store_opts {
	unsigned batch_max;     /* commands per transaction; 0 = default (1024) */
	unsigned batch_wait_us; /* wait for more commands before a batch; 0 = none */
	unsigned checkpoint_ms; /* minimum interval between checkpoints; 0 = 1000 */
	/*
	 * Open even when entries at the end are covered by no checkpoint and no
	 * batch seal (written without the signing key); then call
	 * store_accept_tail. Only 'skydd checkpoint --accept-tail' sets this.
	 */
	bool accept_tail;
	/* Do not seal batches: only for bench_store's with/without comparison. */
	bool unsealed;
};

/*
 * Opens an instance for writing: takes the instance lock (an exclusive flock
 * on DIR/skydd.lock, held until store_close: one writer per instance),
 * applies pending migrations, loads the tree, checks it against
 * checkpoints.log and the batch seal (store_open_report), starts the writer
 * thread. Returns SK_OK, SK_ENOTFOUND (no instance), SK_EBUSY (another
 * process, or another open in this one, writes the instance), SK_EVERSION
 * (database newer than this binary), SK_ECORRUPT, SK_EVERIFY (rolled back,
 * forked, or an unsealed tail), SK_EIO.
 */
int store_open(const char *dir, const struct store_opts *opts, struct store **out);

/*
 * store_open, and msg (cap bytes, may be NULL) gets one line saying why it
 * refused (on SK_EBUSY: "the instance DIR is in use by another skydd process
 * (pid N)"; on SK_EIO from the lock file, what failed), or on SK_OK what it repaired or found worth
 * a warning ("" if nothing). Before the writer starts it checks checkpoints.log against the
 * database: a checkpoint of a larger tree (a rolled-back database) or one
 * whose root differs from the tree at its size (a fork) is SK_EVERIFY; a torn
 * final note is cut off (fsync). Entries covered by no checkpoint and no
 * batch seal are SK_EVERIFY unless opts->accept_tail. Also returns what
 * store_open does.
 */
int store_open_report(const char *dir, const struct store_opts *opts, struct store **out, char *msg,
                      size_t cap);

/*
 * After store_open_report with accept_tail: if there was an unsealed tail,
 * records the operator's decision as a "ledger.tail.accepted" entry by actor
 * ({"from":A,"to":B}) and signs a checkpoint over it. *from and *to get the
 * range (0, 0 when there was none: nothing is written). Returns SK_OK or a
 * store error.
 */
int store_accept_tail(struct store *s, int64_t actor, uint64_t *from, uint64_t *to);

/*
 * Finishes every queued command, signs a final checkpoint, stops the writer
 * and closes. store_close(NULL) is a no-op.
 */
void store_close(struct store *s);

/* The instance's verifier key text ("name+hash+base64"). */
const char *store_verifier_key(const struct store *s);

/* ---- commands (all writes) ---- */

/*
 * A command runs on the writer thread inside its own savepoint of the
 * batch's transaction. It may read through tx and append entries; if it
 * returns an error, everything it did is rolled back and only it fails.
 */
typedef int (*store_cmd_fn)(struct store_tx *tx, void *arg);

struct store_cmd {
	store_cmd_fn fn;
	void *arg;
	/* results, valid after store_wait() */
	int rc;
	uint64_t first_seq; /* first entry appended, 0 if none */
	uint64_t last_seq;
	char err_field[64]; /* set by the command on a validation failure */
	char err_msg[200];
	char err_reason[48];  /* a stable code for the UI ("document.closed"), "" = none */
	char err_params[256]; /* a JSON object of the values the UI's text names, "" = none */
	/* private to the store */
	struct store_cmd *next;
	bool done;
};

void store_cmd_init(struct store_cmd *c, store_cmd_fn fn, void *arg);

/* Queues c; returns SK_OK or SK_EBUSY when the store is closing. */
int store_submit_async(struct store *s, struct store_cmd *c);
/* Waits until c's batch committed (or c failed); returns c->rc. */
int store_wait(struct store *s, struct store_cmd *c);
/* store_submit_async + store_wait. */
int store_submit(struct store *s, struct store_cmd *c);

/*
 * Appends one entry from inside a command: assigns seq and time, encodes it
 * canonically, extends the tree and applies it to every matching projection.
 * Returns SK_OK, SK_EINVAL (bad kind/object/actor/data), SK_EIO, or a projection's error.
 */
int store_tx_append(struct store_tx *tx, int64_t actor, const char *kind, const char *object,
                    const json_t *data, uint64_t *seq);
/* Records a validation failure for the command (field may be NULL); returns SK_EINVAL. */
int store_tx_fail(struct store_tx *tx, const char *field, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
/*
 * Records a refusal for the command: the field (may be NULL), a stable
 * dotted reason the UI turns into text ("copy.holder_or_space"), params (a
 * JSON object of strings and integers the text names, taken over, may be
 * NULL; left out when it does not fit in err_params) and an English message
 * for API and CLI users. Only the first failure of a command stands.
 * Returns rc.
 */
int store_tx_failr(struct store_tx *tx, int rc, const char *field, const char *reason,
                   json_t *params, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* The time of this batch (µs since the epoch); during replay, the time of the entry applied. */
int64_t store_tx_now(const struct store_tx *tx);

/* Convenience: a command that appends exactly one entry. */
int store_append(struct store *s, int64_t actor, const char *kind, const char *object,
                 const json_t *data, uint64_t *seq);

/*
 * The transaction deletes something that must not survive in the files
 * (a person's key at culling): once it commits, the WAL is checkpointed
 * into the database and truncated, so no frame holds the old page. The
 * writer's connection runs with secure_delete, so the freed cells are
 * zeroed in the database itself.
 */
void store_tx_shred(struct store_tx *tx);

/*
 * Reads a small text file (a key) into out (cap bytes, NUL-terminated)
 * without following symlinks, stripping the final newline. secret: refused
 * (SK_EPERM) when others may read it. SK_ENOTFOUND when it does not exist.
 */
int store_read_key_file(const char *path, char *out, size_t cap, bool secret);

/* Forces a checkpoint now if the tree grew since the last one. */
int store_checkpoint_now(struct store *s);

/* ---- statements (for projections and queries; SQL text lives with its module) ---- */

/*
 * A prepared statement from the connection's cache. Bind with 1-based
 * indexes, step until SK_ENOTFOUND (no more rows). Finish with store_q_done.
 */
int store_tx_query(struct store_tx *tx, const char *sql, struct store_q **q);
int store_reader_query(struct store_reader *r, const char *sql, struct store_q **q);
int store_q_bind_int(struct store_q *q, int idx, int64_t v);
int store_q_bind_text(struct store_q *q, int idx, const char *s);
int store_q_bind_blob(struct store_q *q, int idx, const void *p, size_t n);
int store_q_bind_null(struct store_q *q, int idx);
/* Returns SK_OK with a row, SK_ENOTFOUND when done, or an error (constraint → SK_EEXIST). */
int store_q_step(struct store_q *q);
int64_t store_q_int(struct store_q *q, int col);
const char *store_q_text(struct store_q *q, int col); /* "" for NULL */
const void *store_q_blob(struct store_q *q, int col, size_t *n);
bool store_q_is_null(struct store_q *q, int col);
void store_q_done(struct store_q *q); /* resets for reuse; NULL is a no-op */

/*
 * Prepares sql, binds its parameters ?1, ?2 … from the arguments as types
 * says — 'i' int64_t, 't' const char * (NULL binds NULL), 'b' const void *
 * then size_t — and runs it to completion, ignoring any rows. Returns SK_OK,
 * SK_EEXIST (a constraint) or another store error.
 */
int store_tx_run(struct store_tx *tx, const char *sql, const char *types, ...);

/* Like store_tx_run, but reads the first column of the first row as an integer. */
int store_tx_int(struct store_tx *tx, int64_t *out, const char *sql, const char *types, ...);

/* ---- projections ---- */

/*
 * A register's projection: the tables derived from its entries. apply runs
 * for every entry whose kind starts with kind_prefix, inside the entry's
 * transaction, both live and during replay. A projection without apply only
 * declares what the entries of its kinds change (kinds whose commands write
 * operational tables, or nothing that is projected: session., auth. …).
 */
struct store_projection {
	const char *name;
	const char *kind_prefix;
	const char *const *tables; /* NULL-terminated; compared by verify --replay */
	/*
	 * The other tables entries of these kinds change, NULL-terminated: another
	 * register's tables that apply updates, operational tables the commands
	 * write. What the compliance engine re-evaluates after such an entry
	 * (store_tables_of_kind). NULL: none beyond tables — but a projection with
	 * neither tables nor touches has not said what it changes (a test fixture
	 * running any SQL): its entries count as changing anything.
	 */
	const char *const *touches;
	const char *schema; /* optional DDL run when the tables are missing (tests) */
	int (*apply)(struct store_tx *tx, const struct ledger_entry *e); /* or NULL */
};

/*
 * Registers a projection (before store_open; the registry grows as needed).
 * Registering the same one twice is a no-op. SK_EINVAL for a projection
 * without name or kind_prefix, SK_ENOMEM when out of memory.
 */
int store_register_projection(const struct store_projection *p);
/* Forgets every registered projection (tests). */
void store_clear_projections(void);
/* How many projections are registered. */
unsigned store_projection_count(void);

/*
 * The tables entries of kind may change: the tables and touches of every
 * projection whose kind_prefix kind starts with, each appended to set as " "
 * + name. false when no projection claims kind or one that does has not
 * declared what it changes (see touches): then anything may have changed.
 * The store's own kinds (ledger.*) change no projected table.
 */
bool store_tables_of_kind(const char *kind, struct buf *set);

/* ---- readers (any thread; each has its own connection) ---- */

int store_reader_open(const char *dir, struct store_reader **out);
void store_reader_close(struct store_reader *r);
/* Starts/ends a consistent read snapshot (nestable calls are an error). */
int store_reader_begin(struct store_reader *r);
void store_reader_end(struct store_reader *r);

/* Number of entries (the tree size). */
int store_reader_size(struct store_reader *r, uint64_t *size);

struct store_entry_row {
	uint64_t seq;
	char time[SK_TIME_LEN + 1];
	int64_t actor;
	char kind[LEDGER_KIND_MAX + 1];
	char object[LEDGER_OBJECT_MAX + 1];
	const char *bytes; /* canonical JSON, valid until the next call on the reader */
	size_t len;
};

struct store_log_filter {
	uint64_t from; /* first seq (default 1) */
	unsigned limit;
	int64_t actor;      /* -1 = any */
	const char *kind;   /* prefix, NULL = any */
	const char *object; /* exact, NULL = any */
	int64_t since_us;   /* 0 = any */
	int64_t until_us;   /* 0 = any */
	bool newest_first;
};

typedef int (*store_entry_fn)(void *ctx, const struct store_entry_row *row);
/* Calls fn for each matching entry. */
int store_reader_log(struct store_reader *r, const struct store_log_filter *f, store_entry_fn fn,
                     void *ctx);
int store_reader_entry(struct store_reader *r, uint64_t seq, store_entry_fn fn, void *ctx);

/* Reads a complete tree node from the stored tiles (a ledger_read_node_fn for r). */
int store_reader_node(void *reader, unsigned level, uint64_t index, uint8_t out[LEDGER_HASH_LEN]);

/* The latest stored checkpoint note (malloc'd, caller frees). SK_ENOTFOUND if none. */
int store_reader_checkpoint(struct store_reader *r, char **note, uint64_t *size);

/* ---- verification (read-only) ---- */

struct store_verify_opts {
	bool replay;         /* rebuild projections in a scratch database and compare */
	const char *against; /* file with one or more signed checkpoints, or NULL */
	void (*progress)(void *ctx, uint64_t done, uint64_t total);
	void *ctx;
};

struct store_verify_result {
	uint64_t entries;
	uint64_t checkpoints;
	uint64_t against; /* checkpoints checked from --against */
	uint64_t logged;  /* checkpoints checked from the instance's checkpoints.log */
	uint64_t torn;    /* bytes of an unfinished final note in checkpoints.log (a crash) */
	uint64_t sealed;  /* entries after the last checkpoint covered by the batch seal */
	uint8_t root[LEDGER_HASH_LEN];
	char problem[512]; /* the first problem found, e.g. "entry 1234: ..." */
};

/*
 * Verifies an instance from its stored bytes. Returns SK_OK when everything
 * holds, SK_EVERIFY (result.problem names the first bad entry, tile or
 * checkpoint), or SK_EIO/SK_ENOTFOUND/SK_EVERSION/SK_EINVAL for usage or I/O
 * trouble (problem says what).
 */
int store_verify(const char *dir, const struct store_verify_opts *opts,
                 struct store_verify_result *res);

#endif
