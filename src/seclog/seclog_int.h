/*
 * Internals shared by the seclog store's files (store.c, verify.c,
 * cull.c). Nothing outside src/seclog includes this.
 */
#ifndef SKYDD_SECLOG_INT_H
#define SKYDD_SECLOG_INT_H

#include <sqlite3.h>

#include "seclog/store.h"

#define SECLOG_LOCK_FILE "seclog.lock"
#define SECLOG_HEAD_FILE "seclog.head" /* the newest checkpoint, outside the database */
#define SECLOG_NOTE_MAX  4096
#define SECLOG_SCHEMA    1
#define SECLOG_PATH_MAX  4096
#define SECLOG_BUSY_MS   10000
#define SECLOG_MSG_MAX_ENC                                                                         \
	(1 + 8 + 8 + 3 + 8 + 7 * 4 + SECLOG_HOST_MAX + SECLOG_APP_MAX + SECLOG_PROCID_MAX +        \
	 SECLOG_MSGID_MAX + SECLOG_SD_MAX + SECLOG_TEXT_MAX + SECLOG_RAW_MAX)
#define SECLOG_TILE_LEVELS 8
#define SECLOG_SEAL_TEXT   256

int seclog_path(char *out, size_t cap, const char *dir, const char *file);
/* Opens DIR/seclog.db: writer (create) or read-only; sets the pragmas. */
int seclog_db_open(const char *dir, bool readonly, bool create, sqlite3 **db);
int seclog_exec(sqlite3 *db, const char *sql);
/* Reads a key file (secret: refused if group/other may read it). */
int seclog_read_key(const char *dir, const char *file, bool secret, char *out, size_t cap);
/* "<name>/seclog" for the key name; SK_EINVAL if too long. */
int seclog_origin_of(const char *name, char out[LEDGER_ORIGIN_MAX + 1]);
/* The end of retention: recv_us plus years calendar years (UTC). */
int64_t seclog_retain_until(int64_t recv_us, unsigned years);
/* 100 * year + month of t, UTC. */
int64_t seclog_month_of(int64_t t_us);
int seclog_meta_get(sqlite3 *db, const char *key, char *out, size_t cap);

/* One cached tile per stored level, read through one prepared statement. */
struct seclog_tiles {
	sqlite3_stmt *st;
	bool have[SECLOG_TILE_LEVELS];
	uint64_t idx[SECLOG_TILE_LEVELS];
	unsigned width[SECLOG_TILE_LEVELS];
	uint8_t h[SECLOG_TILE_LEVELS][LEDGER_TILE_WIDTH][LEDGER_HASH_LEN];
};

int seclog_tiles_init(struct seclog_tiles *t, sqlite3 *db);
void seclog_tiles_release(struct seclog_tiles *t);
/* Loads tile (level, idx) into the cache; SK_ENOTFOUND when absent. */
int seclog_tiles_get(struct seclog_tiles *t, unsigned level, uint64_t idx);
/* ledger_read_node_fn over a struct seclog_tiles. */
int seclog_tiles_read_node(void *ctx, unsigned level, uint64_t index, uint8_t out[LEDGER_HASH_LEN]);

/*
 * seclog.head: the newest signed checkpoint, kept outside seclog.db so that
 * a database put back to an older copy is seen. Written after the
 * checkpoint committed, by rename (never torn). head_read gives the note
 * text; SK_ENOTFOUND when there is none.
 */
int seclog_head_write(const char *dir, const char *note, size_t len);
int seclog_head_read(const char *dir, char *out, size_t cap, size_t *len);

/* The seal text "size base64(root) base64(sig)" and its parse. */
int seclog_seal_parse(const char *text, uint64_t *size, uint8_t root[LEDGER_HASH_LEN],
                      uint8_t sig[LEDGER_SEAL_SIG_LEN]);

#endif
