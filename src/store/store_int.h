/*
 * Internals shared by the store's files. Nothing outside src/store includes
 * this: the rest of the program sees store.h only.
 */
#ifndef SKYDD_STORE_INT_H
#define SKYDD_STORE_INT_H

#include <pthread.h>
#include <stdio.h>

#include <sqlite3.h>

#include "store.h"

#define STORE_DB_FILE    "skydd.db"
#define STORE_KEY_FILE   "signing.key"
#define STORE_VKEY_FILE  "verifier.key"
#define STORE_CPLOG_FILE "checkpoints.log"
#define STORE_LOCK_FILE  "skydd.lock"
#define STORE_Q_CACHE    256
#define STORE_PATH_MAX   4096

struct store_q {
	sqlite3_stmt *st;
	const char *sql; /* the caller's pointer: a hint only (sqlite3_sql() is the key) */
	bool busy;       /* handed out and not yet store_q_done: never evicted */
};

/* A connection with its prepared-statement cache. */
/*
 * Recently read tiles of a reader connection. Stored hashes never change
 * (the tree only grows), so a cached tile stays right; one too short for a
 * node is simply read again.
 */
#define STORE_TILE_CACHE 6

struct store_tile_cache {
	unsigned level[STORE_TILE_CACHE];
	uint64_t idx[STORE_TILE_CACHE];
	unsigned width[STORE_TILE_CACHE]; /* 0 = empty slot */
	unsigned next;
	uint8_t hashes[STORE_TILE_CACHE][LEDGER_TILE_WIDTH][LEDGER_HASH_LEN];
};

struct store_conn {
	sqlite3 *db;
	unsigned nq;
	unsigned evict; /* where the search for a statement to replace starts */
	struct store_q q[STORE_Q_CACHE];
	struct store_tile_cache *tiles; /* readers only; NULL on the writer */
};

/* Hashes of the stored tree levels (multiples of 8) appended during a batch. */
struct store_pending {
	uint64_t first; /* node index of hashes[0] at this level */
	size_t n, cap;
	uint8_t (*hashes)[LEDGER_HASH_LEN];
};

struct store_tx {
	struct store *s;
	struct store_conn *conn;
	struct store_cmd *cmd; /* NULL during replay */
	struct ledger_tree *tree;
	struct store_pending *pending; /* 8 levels; NULL during replay */
	int64_t now_us;
	int64_t last_time_us;
	struct buf enc;
	bool shred; /* store_tx_shred: truncate the WAL after the commit */
};

struct store {
	char dir[STORE_PATH_MAX];
	int lock_fd;         /* holds the instance lock (lock.c) until store_close */
	struct store_conn w; /* the writer's connection */
	struct store_opts opts;
	struct ledger_signer signer;
	struct ledger_verifier verifier;
	char vkey[256];
	char origin[LEDGER_ORIGIN_MAX + 1];

	/* the tree as committed, and the last signed checkpoint */
	struct ledger_tree tree;
	int64_t last_time_us;
	uint64_t cp_size;
	uint8_t cp_root[LEDGER_HASH_LEN];
	int64_t cp_time_us;
	bool cp_wanted;
	uint64_t tail_from, tail_to; /* an unsealed tail accepted at open (accept_tail) */

	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t wake; /* writer: work arrived */
	pthread_cond_t done; /* submitters: a batch finished */
	struct store_cmd *head, *tail;
	bool closing;
	bool thread_started;
	struct store_pending pending[8];
};

/* store.c */
int store_path(char *out, size_t cap, const char *dir, const char *file);
int store_conn_open(struct store_conn *c, const char *path, bool readonly, bool create);
void store_conn_close(struct store_conn *c);
int store_conn_prepare(struct store_conn *c, const char *sql, struct store_q **q);
int store_conn_exec(struct store_conn *c, const char *sql);
int store_migrate(struct store_conn *c);
int store_schema_check(struct store_conn *c);
int store_sqlite_err(int rc);
int store_meta_get(struct store_conn *c, const char *key, char *out, size_t cap);
int store_meta_set(struct store_conn *c, const char *key, const char *value);
int store_load_signer(const char *dir, struct ledger_signer *s);
int store_load_verifier(const char *dir, struct ledger_verifier *v, char *text, size_t cap);
int store_create_projection_tables(struct store_conn *c);
int store_apply_projections(struct store_tx *tx, const struct ledger_entry *e);
const struct store_projection *store_projection_at(unsigned i);
int store_conn_read_node(struct store_conn *c, unsigned level, uint64_t index,
                         uint8_t out[LEDGER_HASH_LEN]);
int store_conn_size(struct store_conn *c, uint64_t *size);
int store_tx_append_entry(struct store_tx *tx, const struct ledger_entry *e);

/* read.c */
/* Where time, actor, kind and object (in this order) sit in canonical entry bytes. */
struct store_envelope {
	const char *ptr[4];
	size_t len[4];
};

/*
 * Finds the envelope fields of canonical entry bytes without parsing data:
 * {"actor":N,"data":{...},"kind":"K","object":"O","seq":S,"time":"T"}. Kind
 * and object never hold a quote, so they are found from the end. False when
 * the bytes do not have that shape.
 */
bool store_entry_envelope(const char *b, size_t len, struct store_envelope *env);

/* lock.c */
/*
 * Takes the instance lock (an exclusive, non-blocking flock on
 * DIR/skydd.lock, created 0600) and writes our pid into it; *fd keeps it
 * until store_lock_release. Returns SK_OK, SK_EBUSY (another process, or
 * another open in this one, holds it: msg names the instance and, if it
 * can, the holder's pid) or SK_EIO (msg says why).
 */
int store_lock_take(const char *dir, int *fd, char *msg, size_t cap);
/* Releases it; -1 is a no-op. */
void store_lock_release(int fd);

/* cplog.c */
#define STORE_CPLOG_NOTE_MAX 16384 /* the longest note the scanner accepts */

struct store_cplog_result {
	uint64_t notes;    /* complete notes that verified */
	uint64_t max_size; /* the largest tree size among them */
	uint64_t torn;     /* bytes of an unfinished final note cut short by a crash, or 0 */
	uint64_t torn_off; /* where it starts: the length to truncate the file to */
	uint64_t bad_off;  /* on SK_EVERIFY: where the bad note or garbage starts */
	char why[160];     /* on SK_EVERIFY: what is wrong there */
};

/*
 * Called for each note (verified, or only parsed when lazy: then note/len
 * are there to verify it); a non-zero return stops the scan and is returned.
 */
typedef int (*store_cplog_fn)(void *ctx, uint64_t off, const struct ledger_checkpoint *cp,
                              const char *note, size_t len);

/*
 * Reads a file of signed checkpoints note by note. With lazy, a note is only
 * parsed, not verified (about 70 us each; store_open verifies the few whose
 * tree differs from its own). Returns SK_OK (res->torn may be set),
 * SK_ENOTFOUND (no file), SK_EIO, SK_ENOMEM, SK_EVERIFY (a note that does not
 * verify or parse, or garbage: res->why) or the callback's error.
 */
int store_cplog_scan(const char *path, const struct ledger_verifier *vf, const char *origin,
                     bool lazy, store_cplog_fn fn, void *ctx, struct store_cplog_result *res);
/*
 * The same over an open stream positioned at its start (offsets count from
 * there, and a torn tail is re-read with fseeko); the caller closes it. For the fuzz
 * target (fmemopen) and any caller that already holds the file.
 */
int store_cplog_scan_stream(FILE *f, const struct ledger_verifier *vf, const char *origin,
                            bool lazy, store_cplog_fn fn, void *ctx,
                            struct store_cplog_result *res);
/*
 * Truncates the file to len bytes (dropping a torn final note) and syncs it,
 * if it still has expect bytes (under flock). SK_OK, SK_EBUSY (it changed or
 * is locked: left alone), SK_EIO.
 */
int store_cplog_repair(const char *path, uint64_t len, uint64_t expect);

/* seal.c */
/* Stores the batch seal of (size, root) inside the writer's open transaction. */
int store_seal_write(struct store *s, uint64_t size, const uint8_t root[LEDGER_HASH_LEN]);
/*
 * Reads and verifies the stored batch seal. Returns SK_OK (*size set),
 * SK_ENOTFOUND (none stored), SK_EVERIFY (malformed or a bad signature) or a
 * store error.
 */
int store_seal_read(struct store_conn *c, const struct ledger_verifier *vf, const char *origin,
                    uint64_t *size, uint8_t root[LEDGER_HASH_LEN]);

/* writer.c */
int store_checkpoint_write(struct store *s, uint64_t size, const uint8_t root[LEDGER_HASH_LEN]);
void *writer_main_entry(void *arg);
int store_replay(struct store_conn *live, struct store_verify_result *res);

#endif
