/*
 * The seclog writer: callers encode and hash their messages in their own
 * threads, one writer thread commits whatever has queued up in one
 * transaction (group commit) with the tiles, the segment rows and a batch
 * seal, and only then acknowledges. Checkpoints are signed after commits.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "seclog_int.h"

#define BATCH_DEFAULT      16384
#define CHECKPOINT_DEFAULT 60000       /* the seal covers the tail; see docs/internals/seclog.md */
#define JOB_BYTES_MAX      (64u << 20) /* one seclog_append's encoded messages */
#define RECV_AHEAD_US      (60LL * 1000000)    /* a receipt time at most a minute ahead */
#define RECV_BEHIND_US     (86400LL * 1000000) /* and at most a day behind the clock */

struct job {
	struct buf bodies;
	size_t n;
	size_t *off; /* n + 1 offsets into bodies */
	uint8_t (*leaf)[LEDGER_HASH_LEN];
	int64_t *recv, *source, *retain;
	int rc;
	bool done;
	uint64_t first;
	struct job *next;
};

struct segment {
	int64_t id; /* 0: none yet */
	int64_t month;
	uint64_t first_idx, last_idx;
	int64_t first_us, last_us, retain_until;
};

struct pending {
	uint64_t first;
	size_t n, cap;
	uint8_t (*h)[LEDGER_HASH_LEN];
};

struct seclog {
	char dir[SECLOG_PATH_MAX];
	int lock_fd;
	sqlite3 *db;
	sqlite3_stmt *ins_msg;
	struct seclog_tiles tiles;
	struct seclog_opts opts;
	struct ledger_signer signer;
	char origin[LEDGER_ORIGIN_MAX + 1];

	struct ledger_tree tree; /* as committed */
	struct segment seg;      /* the newest segment, as committed */
	uint64_t cp_size;
	uint8_t cp_root[LEDGER_HASH_LEN];
	int64_t cp_time_us;
	bool cp_wanted;
	int cp_rc;

	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t wake, done;
	struct job *head, *tail;
	bool closing, started;
	struct pending pend[SECLOG_TILE_LEVELS];
};

/* ---- locking ---- */

static int lock_take(struct seclog *s)
{
	char path[SECLOG_PATH_MAX];
	int rc = seclog_path(path, sizeof(path), s->dir, SECLOG_LOCK_FILE);

	if (rc)
		return rc;
	s->lock_fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (s->lock_fd < 0)
		return SK_EIO;
	if (flock(s->lock_fd, LOCK_EX | LOCK_NB) != 0)
		return errno == EWOULDBLOCK ? SK_EBUSY : SK_EIO;
	return SK_OK;
}

/* ---- tiles of a batch ---- */

static int pend_push(struct pending *p, uint64_t index, const uint8_t h[LEDGER_HASH_LEN])
{
	if (index != p->first + p->n)
		return SK_EINTERNAL;
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 1024;
		void *n = realloc(p->h, cap * LEDGER_HASH_LEN);

		if (!n)
			return SK_ENOMEM;
		p->h = n;
		p->cap = cap;
	}
	memcpy(p->h[p->n++], h, LEDGER_HASH_LEN);
	return SK_OK;
}

static int emit_node(void *ctx, unsigned level, uint64_t index, const uint8_t h[LEDGER_HASH_LEN])
{
	struct seclog *s = ctx;

	if (level % LEDGER_TILE_HEIGHT)
		return SK_OK;
	if (level / LEDGER_TILE_HEIGHT >= SECLOG_TILE_LEVELS)
		return SK_ERANGE;
	return pend_push(&s->pend[level / LEDGER_TILE_HEIGHT], index, h);
}

/* Writes every tile the batch's new hashes touch, continuing partial ones. */
static int pend_flush(struct seclog *s)
{
	uint8_t tile[LEDGER_TILE_WIDTH][LEDGER_HASH_LEN];
	sqlite3_stmt *wr = NULL;
	int rc = SK_OK;

	if (sqlite3_prepare_v2(s->db,
	                       "INSERT OR REPLACE INTO tile (level, idx, hashes) VALUES "
	                       "(?1, ?2, ?3)",
	                       -1, &wr, NULL) != SQLITE_OK)
		return SK_EIO;
	for (unsigned L = 0; L < SECLOG_TILE_LEVELS && !rc; L++) {
		struct pending *p = &s->pend[L];
		size_t done = 0;

		while (done < p->n) {
			uint64_t pos = p->first + done;
			uint64_t idx = pos / LEDGER_TILE_WIDTH;
			size_t off = (size_t)(pos % LEDGER_TILE_WIDTH);
			size_t take = LEDGER_TILE_WIDTH - off;

			if (take > p->n - done)
				take = p->n - done;
			if (off > 0) {
				s->tiles.have[L] = false; /* read what is committed */
				rc = seclog_tiles_get(&s->tiles, L, idx);
				if (rc || s->tiles.width[L] < off) {
					rc = rc && rc != SK_ENOTFOUND ? rc : SK_ECORRUPT;
					break;
				}
				memcpy(tile, s->tiles.h[L], off * LEDGER_HASH_LEN);
			}
			memcpy(tile[off], p->h[done], take * LEDGER_HASH_LEN);
			sqlite3_bind_int(wr, 1, (int)L);
			sqlite3_bind_int64(wr, 2, (int64_t)idx);
			sqlite3_bind_blob(wr, 3, tile, (int)((off + take) * LEDGER_HASH_LEN),
			                  SQLITE_STATIC);
			if (sqlite3_step(wr) != SQLITE_DONE)
				rc = SK_EIO;
			sqlite3_reset(wr);
			if (rc)
				break;
			done += take;
		}
	}
	sqlite3_finalize(wr);
	/* The cache may now hold a tile this batch extended, or one rolled back. */
	memset(s->tiles.have, 0, sizeof(s->tiles.have));
	return rc;
}

/* ---- segments ---- */

static int seg_write(struct seclog *s, const struct segment *g, bool insert)
{
	sqlite3_stmt *st = NULL;
	int rc = SK_OK;
	const char *sql =
	        insert ? "INSERT INTO segment (id, month, first_idx, last_idx, first_us, last_us,"
	                 " retain_until) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
	               : "UPDATE segment SET month = ?2, first_idx = ?3, last_idx = ?4,"
	                 " first_us = ?5, last_us = ?6, retain_until = ?7 WHERE id = ?1";

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return SK_EIO;
	sqlite3_bind_int64(st, 1, g->id);
	sqlite3_bind_int64(st, 2, g->month);
	sqlite3_bind_int64(st, 3, (int64_t)g->first_idx);
	sqlite3_bind_int64(st, 4, (int64_t)g->last_idx);
	sqlite3_bind_int64(st, 5, g->first_us);
	sqlite3_bind_int64(st, 6, g->last_us);
	sqlite3_bind_int64(st, 7, g->retain_until);
	if (sqlite3_step(st) != SQLITE_DONE || sqlite3_changes(s->db) != 1)
		rc = SK_EIO;
	sqlite3_finalize(st);
	return rc;
}

/*
 * Puts message idx into the newest segment, or starts the next one when
 * its month is later. A message that arrives with an earlier month (a
 * receiver thread that was slow) stays in the open segment: segments are
 * ranges of indices, so they never interleave.
 */
static int seg_add(struct seclog *s, struct segment *g, bool *dirty, uint64_t idx, int64_t recv,
                   int64_t retain)
{
	int64_t month = seclog_month_of(recv);
	int rc;

	if (g->id == 0 || month > g->month) {
		if (g->id && *dirty) {
			rc = seg_write(s, g, false);
			if (rc)
				return rc;
		}
		*g = (struct segment){.id = g->id + 1,
		                      .month = month,
		                      .first_idx = idx,
		                      .last_idx = idx,
		                      .first_us = recv,
		                      .last_us = recv,
		                      .retain_until = retain};
		*dirty = true;
		return seg_write(s, g, true);
	}
	g->last_idx = idx;
	if (recv < g->first_us)
		g->first_us = recv;
	if (recv > g->last_us)
		g->last_us = recv;
	if (retain > g->retain_until)
		g->retain_until = retain;
	*dirty = true;
	return SK_OK;
}

/* ---- one batch ---- */

static int seal_store(struct seclog *s, const struct ledger_tree *t)
{
	uint8_t root[LEDGER_HASH_LEN], sig[LEDGER_SEAL_SIG_LEN];
	char r64[64], s64[128], text[SECLOG_SEAL_TEXT];
	sqlite3_stmt *st = NULL;
	int rc;

	ledger_tree_root(t, root);
	rc = ledger_seal_sign(&s->signer, s->origin, t->size, root, sig);
	if (rc)
		return rc;
	sk_base64_encode(root, sizeof(root), r64, sizeof(r64));
	sk_base64_encode(sig, sizeof(sig), s64, sizeof(s64));
	snprintf(text, sizeof(text), "%llu %s %s", (unsigned long long)t->size, r64, s64);
	if (sqlite3_prepare_v2(s->db,
	                       "INSERT OR REPLACE INTO meta (key, value) VALUES ('seal', ?1)", -1,
	                       &st, NULL) != SQLITE_OK)
		return SK_EIO;
	sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
	rc = sqlite3_step(st) == SQLITE_DONE ? SK_OK : SK_EIO;
	sqlite3_finalize(st);
	return rc;
}

static int batch_insert(struct seclog *s, struct job *j, struct ledger_tree *t, struct segment *g,
                        bool *dirty)
{
	sqlite3_stmt *st = s->ins_msg;
	int rc;

	j->first = t->size;
	for (size_t i = 0; i < j->n; i++) {
		uint64_t idx = t->size;

		rc = seg_add(s, g, dirty, idx, j->recv[i], j->retain[i]);
		if (rc)
			return rc;
		sqlite3_bind_int64(st, 1, (int64_t)idx);
		sqlite3_bind_int64(st, 2, j->recv[i]);
		sqlite3_bind_int64(st, 3, j->source[i]);
		sqlite3_bind_blob(st, 4, j->bodies.ptr + j->off[i],
		                  (int)(j->off[i + 1] - j->off[i]), SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE ? SK_OK : SK_EIO;
		sqlite3_reset(st);
		if (rc)
			return rc;
		rc = ledger_tree_append(t, j->leaf[i], emit_node, s);
		if (rc)
			return rc;
	}
	return SK_OK;
}

/* Commits the jobs from head up to (not including) stop; returns the batch's result. */
static int run_batch(struct seclog *s, struct job *head, struct job *stop, struct ledger_tree *tp,
                     struct segment *gp)
{
	struct ledger_tree t = s->tree;
	struct segment g = s->seg;
	bool dirty = false;
	int rc;

	for (unsigned L = 0; L < SECLOG_TILE_LEVELS; L++) {
		s->pend[L].first = t.size >> (L * LEDGER_TILE_HEIGHT);
		s->pend[L].n = 0;
	}
	rc = seclog_exec(s->db, "BEGIN IMMEDIATE");
	if (rc)
		return rc;
	for (struct job *j = head; j != stop && !rc; j = j->next)
		rc = batch_insert(s, j, &t, &g, &dirty);
	if (!rc && dirty)
		rc = seg_write(s, &g, false);
	if (!rc)
		rc = pend_flush(s);
	if (!rc)
		rc = seal_store(s, &t);
	if (!rc)
		rc = seclog_exec(s->db, "COMMIT");
	if (rc) {
		seclog_exec(s->db, "ROLLBACK");
		memset(s->tiles.have, 0, sizeof(s->tiles.have));
		return rc;
	}
	*tp = t;
	*gp = g;
	return SK_OK;
}

/* ---- checkpoints ---- */

/*
 * Signs a checkpoint of the committed tree after checking that the stored
 * tiles still give the last signed root: the log never signs a tree that
 * is inconsistent with one it signed.
 */
static int checkpoint_sign(struct seclog *s, bool force)
{
	struct ledger_checkpoint cp = {.size = s->tree.size};
	uint8_t root[LEDGER_HASH_LEN];
	sqlite3_stmt *st = NULL;
	struct buf body, note;
	int64_t now = sk_now_us();
	int rc;

	if (s->tree.size == s->cp_size && !force)
		return SK_OK;
	if (s->cp_size) {
		rc = ledger_root_at(s->cp_size, seclog_tiles_read_node, &s->tiles, root);
		if (rc)
			return rc;
		if (sodium_memcmp(root, s->cp_root, LEDGER_HASH_LEN) != 0)
			return SK_ECORRUPT;
	}
	snprintf(cp.origin, sizeof(cp.origin), "%s", s->origin);
	ledger_tree_root(&s->tree, cp.root);
	buf_init(&body, 4096);
	buf_init(&note, 4096);
	rc = ledger_checkpoint_body(&cp, &body);
	if (!rc)
		rc = ledger_note_sign(body.ptr, body.len, &s->signer, &note);
	if (rc)
		goto out;
	if (sqlite3_prepare_v2(s->db,
	                       "INSERT OR IGNORE INTO checkpoint (size, time, note) VALUES "
	                       "(?1, ?2, ?3)",
	                       -1, &st, NULL) != SQLITE_OK) {
		rc = SK_EIO;
		goto out;
	}
	sqlite3_bind_int64(st, 1, (int64_t)cp.size);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_text(st, 3, note.ptr, (int)note.len, SQLITE_STATIC);
	rc = sqlite3_step(st) == SQLITE_DONE ? SK_OK : SK_EIO;
	sqlite3_finalize(st);
	/* After the commit: a crash between leaves the head older, never newer. */
	if (!rc)
		rc = seclog_head_write(s->dir, note.ptr, note.len);
	if (!rc) {
		s->cp_size = cp.size;
		memcpy(s->cp_root, cp.root, LEDGER_HASH_LEN);
		s->cp_time_us = now;
	}
out:
	buf_release(&body);
	buf_release(&note);
	return rc;
}

/* ---- the writer thread ---- */

static void *writer_main(void *arg)
{
	struct seclog *s = arg;

	pthread_mutex_lock(&s->mu);
	for (;;) {
		struct job *head, *stop;
		struct ledger_tree t;
		struct segment g;
		size_t rows = 0;
		int rc;

		while (!s->head && !s->closing && !s->cp_wanted) {
			bool unsigned_tail = s->tree.size != s->cp_size;
			struct timespec ts;

			/*
			 * Idle with unsigned messages for 100 ms and the last
			 * checkpoint older than the interval: sign them. Not at
			 * every pause, or a slow trickle would cost a checkpoint (a
			 * signature, a row, two fsyncs) per batch; the batch seal
			 * already covers them.
			 */
			clock_gettime(CLOCK_REALTIME, &ts);
			if (unsigned_tail) {
				ts.tv_nsec += 100 * 1000 * 1000;
				if (ts.tv_nsec >= 1000000000) {
					ts.tv_sec++;
					ts.tv_nsec -= 1000000000;
				}
			} else {
				ts.tv_sec += 1;
			}
			if (pthread_cond_timedwait(&s->wake, &s->mu, &ts) == ETIMEDOUT &&
			    unsigned_tail && !s->head &&
			    (sk_now_us() - s->cp_time_us) / 1000 >= (int64_t)s->opts.checkpoint_ms)
				s->cp_wanted = true;
		}
		if (!s->head) {
			if (s->cp_wanted || s->closing) {
				pthread_mutex_unlock(&s->mu);
				rc = checkpoint_sign(s, false);
				pthread_mutex_lock(&s->mu);
				s->cp_rc = rc;
				s->cp_wanted = false;
				pthread_cond_broadcast(&s->done);
			}
			if (s->closing)
				break;
			continue;
		}
		head = s->head;
		stop = head;
		while (stop && (rows == 0 || rows + stop->n <= s->opts.batch_max)) {
			rows += stop->n;
			stop = stop->next;
		}
		s->head = stop;
		if (!stop)
			s->tail = NULL;
		pthread_mutex_unlock(&s->mu);

		rc = run_batch(s, head, stop, &t, &g);

		pthread_mutex_lock(&s->mu);
		if (!rc) {
			s->tree = t;
			s->seg = g;
		}
		/* Acknowledged: the batch is committed. */
		for (struct job *j = head; j != stop;) {
			struct job *next = j->next;

			j->rc = rc;
			j->done = true;
			j = next;
		}
		pthread_cond_broadcast(&s->done);
		if (!rc && (sk_now_us() - s->cp_time_us) / 1000 >= (int64_t)s->opts.checkpoint_ms) {
			pthread_mutex_unlock(&s->mu);
			checkpoint_sign(s, false); /* a failure is retried after the next batch */
			pthread_mutex_lock(&s->mu);
		}
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

/* ---- open and close ---- */

static int load_state(struct seclog *s)
{
	uint8_t root[LEDGER_HASH_LEN], sroot[LEDGER_HASH_LEN], sig[LEDGER_SEAL_SIG_LEN];
	struct ledger_verifier v;
	sqlite3_stmt *st = NULL;
	char text[SECLOG_SEAL_TEXT], vk[256];
	uint64_t size = 0, ssize;
	int rc;

	rc = ledger_signer_vkey(&s->signer, vk, sizeof(vk));
	if (!rc)
		rc = ledger_verifier_parse(vk, strlen(vk), &v);
	if (rc)
		return rc;
	rc = seclog_meta_get(s->db, "verifier_key", text, sizeof(text));
	if (rc == SK_ENOTFOUND) {
		/* A new database: bind it to this instance's key. */
		if (sqlite3_prepare_v2(s->db,
		                       "INSERT INTO meta (key, value) VALUES ('verifier_key', ?1),"
		                       " ('origin', ?2)",
		                       -1, &st, NULL) != SQLITE_OK)
			return SK_EIO;
		sqlite3_bind_text(st, 1, vk, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, s->origin, -1, SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE ? SK_OK : SK_EIO;
		sqlite3_finalize(st);
		return rc;
	}
	if (rc)
		return rc;
	if (strcmp(text, vk) != 0)
		return SK_ECORRUPT; /* another instance's log */
	if (sqlite3_prepare_v2(s->db, "SELECT coalesce(max(idx) + 1, 0) FROM msg", -1, &st, NULL) ==
	            SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		size = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	rc = ledger_tree_load(&s->tree, size, seclog_tiles_read_node, &s->tiles);
	if (rc)
		return rc == SK_EIO ? rc : SK_ECORRUPT;
	ledger_tree_root(&s->tree, root);
	/* Everything committed is sealed (the seal commits with its batch). */
	rc = seclog_meta_get(s->db, "seal", text, sizeof(text));
	if (rc == SK_ENOTFOUND && size == 0)
		rc = SK_OK;
	else if (!rc)
		rc = seclog_seal_parse(text, &ssize, sroot, sig);
	if (!rc && size &&
	    (ssize != size || sodium_memcmp(sroot, root, LEDGER_HASH_LEN) != 0 ||
	     ledger_seal_verify(&v, s->origin, ssize, sroot, sig) != SK_OK))
		rc = SK_ECORRUPT;
	if (rc)
		return rc == SK_ENOTFOUND ? SK_ECORRUPT : rc;
	/* The newest checkpoint must still be a prefix of the tree. */
	if (sqlite3_prepare_v2(s->db,
	                       "SELECT note, time FROM checkpoint ORDER BY size DESC LIMIT 1", -1,
	                       &st, NULL) != SQLITE_OK)
		return SK_EIO;
	if (sqlite3_step(st) == SQLITE_ROW) {
		struct ledger_checkpoint cp;
		const char *note = (const char *)sqlite3_column_text(st, 0);

		rc = note ? ledger_checkpoint_open(note, (size_t)sqlite3_column_bytes(st, 0), &v,
		                                   &cp)
		          : SK_ECORRUPT;
		if (!rc && (strcmp(cp.origin, s->origin) != 0 || cp.size > size))
			rc = SK_ECORRUPT;
		if (!rc)
			rc = ledger_root_at(cp.size, seclog_tiles_read_node, &s->tiles, root);
		if (!rc && sodium_memcmp(root, cp.root, LEDGER_HASH_LEN) != 0)
			rc = SK_ECORRUPT;
		if (!rc) {
			s->cp_size = cp.size;
			memcpy(s->cp_root, cp.root, LEDGER_HASH_LEN);
			s->cp_time_us = sqlite3_column_int64(st, 1);
		}
	}
	sqlite3_finalize(st);
	if (rc)
		return rc == SK_EIO ? rc : SK_ECORRUPT;
	if (sqlite3_prepare_v2(s->db,
	                       "SELECT id, month, first_idx, last_idx, first_us, last_us,"
	                       " retain_until FROM segment ORDER BY id DESC LIMIT 1",
	                       -1, &st, NULL) != SQLITE_OK)
		return SK_EIO;
	if (sqlite3_step(st) == SQLITE_ROW)
		s->seg = (struct segment){.id = sqlite3_column_int64(st, 0),
		                          .month = sqlite3_column_int64(st, 1),
		                          .first_idx = (uint64_t)sqlite3_column_int64(st, 2),
		                          .last_idx = (uint64_t)sqlite3_column_int64(st, 3),
		                          .first_us = sqlite3_column_int64(st, 4),
		                          .last_us = sqlite3_column_int64(st, 5),
		                          .retain_until = sqlite3_column_int64(st, 6)};
	sqlite3_finalize(st);
	if (size && s->seg.last_idx != size - 1)
		return SK_ECORRUPT;
	return SK_OK;
}

/*
 * seclog.head must be a checkpoint of a prefix of the stored tree: one of a
 * larger tree means the database was put back to an older copy, another
 * root a rewritten history. A new log gets its first head (size 0) here,
 * before any message can be appended, so a log without one was tampered with.
 */
static int head_check(struct seclog *s)
{
	struct ledger_verifier v;
	struct ledger_checkpoint cp;
	uint8_t root[LEDGER_HASH_LEN];
	char note[SECLOG_NOTE_MAX], vk[256];
	size_t len;
	int rc;

	rc = seclog_head_read(s->dir, note, sizeof(note), &len);
	if (rc == SK_ENOTFOUND && s->tree.size == 0 && s->cp_size == 0)
		return checkpoint_sign(s, true);
	if (rc)
		return rc == SK_ENOTFOUND ? SK_ECORRUPT : rc;
	rc = ledger_signer_vkey(&s->signer, vk, sizeof(vk));
	if (!rc)
		rc = ledger_verifier_parse(vk, strlen(vk), &v);
	if (rc)
		return rc;
	if (ledger_checkpoint_open(note, len, &v, &cp) != SK_OK ||
	    strcmp(cp.origin, s->origin) != 0 || cp.size > s->tree.size)
		return SK_ECORRUPT;
	rc = ledger_root_at(cp.size, seclog_tiles_read_node, &s->tiles, root);
	if (rc)
		return rc == SK_EIO ? rc : SK_ECORRUPT;
	return sodium_memcmp(root, cp.root, LEDGER_HASH_LEN) == 0 ? SK_OK : SK_ECORRUPT;
}

int seclog_open(const char *dir, const struct seclog_opts *opts, struct seclog **out)
{
	struct seclog *s;
	char text[512];
	int rc;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return SK_ENOMEM;
	s->lock_fd = -1;
	ledger_tree_init(&s->tree);
	if (opts)
		s->opts = *opts;
	if (!s->opts.batch_max)
		s->opts.batch_max = BATCH_DEFAULT;
	if (!s->opts.checkpoint_ms)
		s->opts.checkpoint_ms = CHECKPOINT_DEFAULT;
	rc = snprintf(s->dir, sizeof(s->dir), "%s", dir) >= (int)sizeof(s->dir) ? SK_ETOOBIG
	                                                                        : SK_OK;
	if (!rc)
		rc = seclog_read_key(dir, "signing.key", true, text, sizeof(text));
	if (!rc)
		rc = ledger_signer_parse(text, strlen(text), &s->signer);
	sodium_memzero(text, sizeof(text));
	if (!rc)
		rc = seclog_origin_of(s->signer.name, s->origin);
	if (!rc)
		rc = lock_take(s);
	if (!rc)
		rc = seclog_db_open(dir, false, true, &s->db);
	if (!rc)
		rc = seclog_tiles_init(&s->tiles, s->db);
	if (!rc)
		rc = load_state(s);
	if (!rc)
		rc = head_check(s);
	if (!rc &&
	    sqlite3_prepare_v3(s->db,
	                       "INSERT INTO msg (idx, recv_us, source, body) VALUES "
	                       "(?1, ?2, ?3, ?4)",
	                       -1, SQLITE_PREPARE_PERSISTENT, &s->ins_msg, NULL) != SQLITE_OK)
		rc = SK_EIO;
	if (rc)
		goto out_free;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->wake, NULL);
	pthread_cond_init(&s->done, NULL);
	if (pthread_create(&s->thread, NULL, writer_main, s) != 0) {
		rc = SK_ENOMEM;
		goto out_free;
	}
	s->started = true;
	*out = s;
	return SK_OK;
out_free:
	seclog_close(s);
	return rc;
}

void seclog_close(struct seclog *s)
{
	if (!s)
		return;
	if (s->started) {
		pthread_mutex_lock(&s->mu);
		s->closing = true;
		pthread_cond_broadcast(&s->wake);
		pthread_mutex_unlock(&s->mu);
		pthread_join(s->thread, NULL);
		pthread_mutex_destroy(&s->mu);
		pthread_cond_destroy(&s->wake);
		pthread_cond_destroy(&s->done);
	}
	sqlite3_finalize(s->ins_msg);
	seclog_tiles_release(&s->tiles);
	sqlite3_close(s->db);
	if (s->lock_fd >= 0)
		close(s->lock_fd);
	for (unsigned L = 0; L < SECLOG_TILE_LEVELS; L++)
		free(s->pend[L].h);
	ledger_signer_wipe(&s->signer);
	free(s);
}

/* ---- appending ---- */

static void job_free(struct job *j)
{
	if (!j)
		return;
	buf_release(&j->bodies);
	free(j->off);
	free(j->leaf);
	free(j->recv);
	free(j->source);
	free(j->retain);
	free(j);
}

/* Encodes and hashes the batch in the caller's thread: the writer only inserts. */
static int job_build(const struct seclog_msg *msgs, size_t n, struct job **out, size_t *bad,
                     const char **field)
{
	struct job *j = calloc(1, sizeof(*j));
	int64_t now = sk_now_us();
	int rc = SK_ENOMEM;

	*out = NULL;
	if (!j)
		return SK_ENOMEM;
	buf_init(&j->bodies, JOB_BYTES_MAX);
	j->n = n;
	j->off = calloc(n + 1, sizeof(*j->off));
	j->leaf = calloc(n, sizeof(*j->leaf));
	j->recv = calloc(n, sizeof(*j->recv));
	j->source = calloc(n, sizeof(*j->source));
	j->retain = calloc(n, sizeof(*j->retain));
	if (!j->off || !j->leaf || !j->recv || !j->source || !j->retain)
		goto out_free;
	for (size_t i = 0; i < n; i++) {
		struct seclog_msg m = msgs[i];

		if (m.recv_us == 0)
			m.recv_us = now;
		/*
		 * The receipt time opens segments and starts the retention: a
		 * receiver's clock, never a sender's. One far off would open a
		 * segment years ahead or make a message cullable at once.
		 */
		if (m.recv_us > now + RECV_AHEAD_US || m.recv_us < now - RECV_BEHIND_US) {
			if (bad)
				*bad = i;
			if (field)
				*field = "recv_us";
			rc = SK_EINVAL;
			goto out_free;
		}
		j->off[i] = j->bodies.len;
		rc = seclog_msg_encode(&m, &j->bodies, field);
		if (rc) {
			if (bad)
				*bad = i;
			if (field && rc == SK_ETOOBIG && j->bodies.err)
				*field = "batch";
			goto out_free;
		}
		ledger_leaf_hash(j->bodies.ptr + j->off[i], j->bodies.len - j->off[i], j->leaf[i]);
		j->recv[i] = m.recv_us;
		j->source[i] = m.source;
		j->retain[i] = seclog_retain_until(m.recv_us, m.retention_years);
	}
	j->off[n] = j->bodies.len;
	*out = j;
	return SK_OK;
out_free:
	job_free(j);
	return rc;
}

int seclog_append(struct seclog *s, const struct seclog_msg *msgs, size_t n, uint64_t *first,
                  size_t *bad, const char **field)
{
	struct job *j = NULL;
	int rc;

	if (n == 0 || n > SECLOG_BATCH_MAX || !msgs)
		return SK_ERANGE;
	rc = job_build(msgs, n, &j, bad, field);
	if (rc)
		return rc;
	pthread_mutex_lock(&s->mu);
	if (s->closing) {
		pthread_mutex_unlock(&s->mu);
		job_free(j);
		return SK_EBUSY;
	}
	if (s->tail)
		s->tail->next = j;
	else
		s->head = j;
	s->tail = j;
	pthread_cond_signal(&s->wake);
	while (!j->done)
		pthread_cond_wait(&s->done, &s->mu);
	pthread_mutex_unlock(&s->mu);
	rc = j->rc;
	if (!rc && first)
		*first = j->first;
	job_free(j);
	return rc;
}

int seclog_checkpoint_now(struct seclog *s)
{
	int rc;

	pthread_mutex_lock(&s->mu);
	s->cp_wanted = true;
	s->cp_rc = 1; /* not yet run */
	pthread_cond_signal(&s->wake);
	while (s->cp_rc == 1)
		pthread_cond_wait(&s->done, &s->mu);
	rc = s->cp_rc;
	pthread_mutex_unlock(&s->mu);
	return rc;
}

uint64_t seclog_size(struct seclog *s)
{
	uint64_t n;

	pthread_mutex_lock(&s->mu);
	n = s->tree.size;
	pthread_mutex_unlock(&s->mu);
	return n;
}
