/*
 * The single writer: a queue of commands, a thread that runs them in
 * batches (one transaction each, one savepoint per command), persists tree
 * tiles, acknowledges after commit, and signs checkpoints.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "store_int.h"

#define BATCH_DEFAULT         1024
#define CHECKPOINT_MS_DEFAULT 1000

/* ---- tiles pending in the current batch ---- */

static int pending_push(struct store_pending *p, uint64_t index, const uint8_t h[LEDGER_HASH_LEN])
{
	if (index != p->first + p->n)
		return SK_EINTERNAL;
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 1024;
		void *n = realloc(p->hashes, cap * LEDGER_HASH_LEN);

		if (!n)
			return SK_ENOMEM;
		p->hashes = n;
		p->cap = cap;
	}
	memcpy(p->hashes[p->n++], h, LEDGER_HASH_LEN);
	return SK_OK;
}

static int emit_node(void *ctx, unsigned level, uint64_t index, const uint8_t hash[LEDGER_HASH_LEN])
{
	struct store_tx *tx = ctx;

	if (level % LEDGER_TILE_HEIGHT != 0 || !tx->pending)
		return SK_OK;
	if (level / LEDGER_TILE_HEIGHT >= 8)
		return SK_ERANGE;
	return pending_push(&tx->pending[level / LEDGER_TILE_HEIGHT], index, hash);
}

static void pending_start(struct store *s)
{
	for (unsigned L = 0; L < 8; L++) {
		s->pending[L].first = s->tree.size >> (L * LEDGER_TILE_HEIGHT);
		s->pending[L].n = 0;
	}
}

/* Writes every tile touched by this batch's new hashes. */
static int pending_flush(struct store *s)
{
	uint8_t tile[LEDGER_TILE_WIDTH][LEDGER_HASH_LEN];
	struct store_q *rd = NULL, *wr = NULL;
	int rc;

	rc = store_conn_prepare(&s->w, "SELECT hashes FROM tile WHERE level = ?1 AND idx = ?2",
	                        &rd);
	if (!rc)
		rc = store_conn_prepare(
		        &s->w,
		        "INSERT OR REPLACE INTO tile (level, idx, hashes) VALUES (?1, ?2, ?3)",
		        &wr);
	if (rc)
		return rc;
	for (unsigned L = 0; L < 8; L++) {
		struct store_pending *p = &s->pending[L];
		size_t done = 0;

		while (done < p->n) {
			uint64_t pos = p->first + done;
			uint64_t idx = pos / LEDGER_TILE_WIDTH;
			size_t off = (size_t)(pos % LEDGER_TILE_WIDTH);
			size_t take = LEDGER_TILE_WIDTH - off;

			if (take > p->n - done)
				take = p->n - done;
			if (off > 0) {
				/* Continue the partial tile already stored. */
				const void *old;
				size_t n;

				store_q_bind_int(rd, 1, L);
				store_q_bind_int(rd, 2, (int64_t)idx);
				rc = store_q_step(rd);
				old = rc ? NULL : store_q_blob(rd, 0, &n);
				if (!old || n < off * LEDGER_HASH_LEN) {
					store_q_done(rd);
					return rc && rc != SK_ENOTFOUND ? rc : SK_ECORRUPT;
				}
				memcpy(tile, old, off * LEDGER_HASH_LEN);
				store_q_done(rd);
			}
			memcpy(tile[off], p->hashes[done], take * LEDGER_HASH_LEN);
			store_q_bind_int(wr, 1, L);
			store_q_bind_int(wr, 2, (int64_t)idx);
			store_q_bind_blob(wr, 3, tile, (off + take) * LEDGER_HASH_LEN);
			rc = store_q_step(wr);
			store_q_done(wr);
			if (rc != SK_ENOTFOUND)
				return rc ? rc : SK_EINTERNAL;
			done += take;
		}
	}
	return SK_OK;
}

/* ---- appending ---- */

int store_tx_append_entry(struct store_tx *tx, const struct ledger_entry *e)
{
	uint8_t leaf[LEDGER_HASH_LEN];
	char tbuf[SK_TIME_LEN + 1];
	struct store_q *q;
	int rc;

	buf_reset(&tx->enc);
	rc = ledger_entry_encode(e, &tx->enc);
	if (rc)
		return rc;
	ledger_leaf_hash(tx->enc.ptr, tx->enc.len, leaf);
	rc = ledger_tree_append(tx->tree, leaf, emit_node, tx);
	if (rc)
		return rc;
	rc = sk_time_format(e->time_us, tbuf);
	if (rc)
		return rc;
	rc = store_conn_prepare(tx->conn,
	                        "INSERT INTO ledger (seq, time, actor, kind, object, entry) "
	                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	                        &q);
	if (rc)
		return rc;
	/*
	 * Every bound string outlives the step (store_q_done clears the
	 * bindings), so none is copied: this runs once per entry.
	 */
	store_q_bind_int(q, 1, (int64_t)e->seq);
	sqlite3_bind_text(q->st, 2, tbuf, -1, SQLITE_STATIC);
	store_q_bind_int(q, 3, e->actor);
	sqlite3_bind_text(q->st, 4, e->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(q->st, 5, e->object, -1, SQLITE_STATIC);
	sqlite3_bind_text(q->st, 6, tx->enc.ptr, (int)tx->enc.len, SQLITE_STATIC);
	rc = store_q_step(q);
	store_q_done(q);
	if (rc != SK_ENOTFOUND)
		return rc ? rc : SK_EINTERNAL;
	return store_apply_projections(tx, e);
}

int store_tx_append(struct store_tx *tx, int64_t actor, const char *kind, const char *object,
                    const json_t *data, uint64_t *seq)
{
	struct ledger_entry e;
	int64_t now = sk_now_us();
	int rc;

	if (!tx->cmd)
		return SK_EPERM; /* replay applies entries, it never makes new ones */
	e.seq = tx->tree->size + 1;
	e.time_us = now > tx->last_time_us ? now : tx->last_time_us;
	e.actor = actor;
	e.kind = kind;
	e.object = object ? object : "";
	e.data = data;
	rc = store_tx_append_entry(tx, &e);
	if (rc == SK_EINVAL)
		return store_tx_fail(tx, NULL, "invalid ledger entry (kind %s)", kind);
	if (rc)
		return rc;
	tx->last_time_us = e.time_us;
	if (!tx->cmd->first_seq)
		tx->cmd->first_seq = e.seq;
	tx->cmd->last_seq = e.seq;
	if (seq)
		*seq = e.seq;
	return SK_OK;
}

void store_tx_shred(struct store_tx *tx)
{
	tx->shred = true;
}

int store_tx_fail(struct store_tx *tx, const char *field, const char *fmt, ...)
{
	va_list ap;

	if (!tx->cmd || tx->cmd->err_msg[0])
		return SK_EINVAL; /* the first, most specific reason stands */
	snprintf(tx->cmd->err_field, sizeof(tx->cmd->err_field), "%s", field ? field : "");
	/* a reason left by an earlier failure (the import clears only the message) is not ours */
	tx->cmd->err_reason[0] = tx->cmd->err_params[0] = '\0';
	va_start(ap, fmt);
	vsnprintf(tx->cmd->err_msg, sizeof(tx->cmd->err_msg), fmt, ap);
	va_end(ap);
	return SK_EINVAL;
}

int store_tx_failr(struct store_tx *tx, int rc, const char *field, const char *reason,
                   json_t *params, const char *fmt, ...)
{
	char *text = NULL;
	va_list ap;

	if (!tx->cmd || tx->cmd->err_msg[0])
		goto out; /* the first, most specific reason stands */
	snprintf(tx->cmd->err_field, sizeof(tx->cmd->err_field), "%s", field ? field : "");
	snprintf(tx->cmd->err_reason, sizeof(tx->cmd->err_reason), "%s", reason ? reason : "");
	va_start(ap, fmt);
	vsnprintf(tx->cmd->err_msg, sizeof(tx->cmd->err_msg), fmt, ap);
	va_end(ap);
	if (params)
		text = json_dumps(params, JSON_COMPACT | JSON_SORT_KEYS);
	/* Parameters that do not fit are left out whole: half an object is no object. */
	if (text && strlen(text) < sizeof(tx->cmd->err_params))
		snprintf(tx->cmd->err_params, sizeof(tx->cmd->err_params), "%s", text);
	free(text);
out:
	json_decref(params);
	return rc;
}

int64_t store_tx_now(const struct store_tx *tx)
{
	return tx->now_us;
}

int store_tx_query(struct store_tx *tx, const char *sql, struct store_q **q)
{
	return store_conn_prepare(tx->conn, sql, q);
}

static int bind_va(struct store_q *q, const char *types, va_list ap)
{
	int idx = 1, rc = SK_OK;

	for (const char *t = types; *t && !rc; t++, idx++) {
		switch (*t) {
		case 'i':
			rc = store_q_bind_int(q, idx, va_arg(ap, int64_t));
			break;
		case 't': {
			const char *v = va_arg(ap, const char *);

			rc = v ? store_q_bind_text(q, idx, v) : store_q_bind_null(q, idx);
			break;
		}
		case 'b': {
			const void *p = va_arg(ap, const void *);
			size_t n = va_arg(ap, size_t);

			rc = store_q_bind_blob(q, idx, p, n);
			break;
		}
		default:
			rc = SK_EINTERNAL;
		}
	}
	return rc;
}

/* Binds, then runs to completion (out NULL) or reads column 0 of the first row into *out. */
static int run_va(struct store_tx *tx, int64_t *out, const char *sql, const char *types, va_list ap)
{
	struct store_q *q;
	int rc;

	rc = store_conn_prepare(tx->conn, sql, &q);
	if (rc)
		return rc;
	rc = bind_va(q, types, ap);
	if (!rc && out) {
		rc = store_q_step(q);
		if (!rc)
			*out = store_q_int(q, 0);
	} else {
		while (!rc && (rc = store_q_step(q)) == SK_OK)
			;
		rc = rc == SK_ENOTFOUND ? SK_OK : rc;
	}
	store_q_done(q);
	return rc;
}

int store_tx_run(struct store_tx *tx, const char *sql, const char *types, ...)
{
	va_list ap;
	int rc;

	va_start(ap, types);
	rc = run_va(tx, NULL, sql, types, ap);
	va_end(ap);
	return rc;
}

int store_tx_int(struct store_tx *tx, int64_t *out, const char *sql, const char *types, ...)
{
	va_list ap;
	int rc;

	va_start(ap, types);
	rc = run_va(tx, out, sql, types, ap);
	va_end(ap);
	return rc;
}

/* ---- checkpoints ---- */

static int read_node_w(void *ctx, unsigned level, uint64_t index, uint8_t out[LEDGER_HASH_LEN])
{
	return store_conn_read_node(ctx, level, index, out);
}

/* Appends a note to checkpoints.log and makes it durable. */
static int cplog_append(const char *dir, const char *note, size_t len)
{
	char path[STORE_PATH_MAX];
	int fd, rc;

	rc = store_path(path, sizeof(path), dir, STORE_CPLOG_FILE);
	if (rc)
		return rc;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return SK_EIO;
	rc = SK_OK;
	/*
	 * Notes are separated by a blank line; note and separator go in one
	 * write so that a crash cannot leave a note without its separator.
	 */
	{
		struct iovec iov[2] = {{(void *)(uintptr_t)note, len}, {"\n", 1}};

		struct stat st;

		/* store_cplog_repair takes the same lock: it never cuts a note being written. */
		if (flock(fd, LOCK_EX) != 0 || fstat(fd, &st) != 0) {
			rc = SK_EIO;
		} else if (writev(fd, iov, 2) != (ssize_t)len + 1) {
			/* A short write (disk full): take it back, or every later note follows
			 * garbage. */
			if (ftruncate(fd, st.st_size) != 0)
				fprintf(stderr,
				        "skydd: checkpoints.log: a partial note is left at byte "
				        "%lld\n",
				        (long long)st.st_size);
			rc = SK_EIO;
		} else if (fsync(fd) != 0) {
			rc = SK_EIO;
		}
	}
	close(fd);
	return rc;
}

int store_checkpoint_write(struct store *s, uint64_t size, const uint8_t root[LEDGER_HASH_LEN])
{
	struct ledger_checkpoint cp;
	uint8_t old[LEDGER_HASH_LEN];
	char tbuf[SK_TIME_LEN + 1];
	struct buf body, note;
	struct store_q *q;
	int64_t now = sk_now_us();
	int rc;

	/* Never sign a tree that does not extend the last signed one. */
	if (size < s->cp_size)
		return SK_ECORRUPT;
	if (s->cp_size > 0) {
		rc = ledger_root_at(s->cp_size, read_node_w, &s->w, old);
		if (rc)
			return rc;
		if (sodium_memcmp(old, s->cp_root, LEDGER_HASH_LEN) != 0)
			return SK_ECORRUPT;
	}
	memset(&cp, 0, sizeof(cp));
	snprintf(cp.origin, sizeof(cp.origin), "%s", s->origin);
	cp.size = size;
	memcpy(cp.root, root, LEDGER_HASH_LEN);
	buf_init(&body, 4096);
	buf_init(&note, 8192);
	rc = ledger_checkpoint_body(&cp, &body);
	if (!rc)
		rc = ledger_note_sign(body.ptr, body.len, &s->signer, &note);
	if (rc)
		goto out;
	sk_time_format(now, tbuf);
	rc = store_conn_prepare(
	        &s->w, "INSERT OR IGNORE INTO checkpoint (size, time, note) VALUES (?1, ?2, ?3)",
	        &q);
	if (rc)
		goto out;
	store_q_bind_int(q, 1, (int64_t)size);
	store_q_bind_text(q, 2, tbuf);
	store_q_bind_text(q, 3, note.ptr);
	rc = store_q_step(q);
	store_q_done(q);
	if (rc != SK_ENOTFOUND)
		goto out;
	rc = cplog_append(s->dir, note.ptr, note.len);
	if (rc)
		goto out;
	/* Submitters read cp_size under the lock (store_checkpoint_now). */
	if (s->thread_started)
		pthread_mutex_lock(&s->mu);
	s->cp_size = size;
	memcpy(s->cp_root, root, LEDGER_HASH_LEN);
	s->cp_time_us = now;
	if (s->thread_started)
		pthread_mutex_unlock(&s->mu);
out:
	buf_release(&body);
	buf_release(&note);
	return rc;
}

/* ---- the writer thread ---- */

/*
 * Runs a statement without result rows through the writer's statement cache.
 * The savepoint statements run for every command, and sqlite3_exec would
 * parse them again each time.
 */
static int writer_exec(struct store *s, const char *sql)
{
	struct store_q *q;
	int rc = store_conn_prepare(&s->w, sql, &q);

	if (rc)
		return rc;
	rc = store_q_step(q);
	store_q_done(q);
	return rc == SK_ENOTFOUND ? SK_OK : rc;
}

static void cmd_reset(struct store_cmd *c)
{
	c->rc = SK_OK;
	c->first_seq = c->last_seq = 0;
	c->err_field[0] = c->err_msg[0] = c->err_reason[0] = c->err_params[0] = '\0';
}

/* Runs one command in its own savepoint: if it fails, it is undone alone. */
static void run_command(struct store *s, struct store_tx *tx, struct store_cmd *c)
{
	struct ledger_tree snap = *tx->tree;
	size_t pend_n[8];
	int64_t last_time = tx->last_time_us;

	for (unsigned L = 0; L < 8; L++)
		pend_n[L] = s->pending[L].n;
	cmd_reset(c);
	tx->cmd = c;
	c->rc = writer_exec(s, "SAVEPOINT cmd");
	if (c->rc)
		return;
	c->rc = c->fn(tx, c->arg);
	if (c->rc) {
		/* Undo this command alone; the rest of the batch is unharmed. */
		writer_exec(s, "ROLLBACK TO cmd");
		*tx->tree = snap;
		tx->last_time_us = last_time;
		for (unsigned L = 0; L < 8; L++)
			s->pending[L].n = pend_n[L];
		c->first_seq = c->last_seq = 0;
	} else {
		c->err_field[0] = c->err_msg[0] = c->err_reason[0] = c->err_params[0] = '\0';
	}
	if (writer_exec(s, "RELEASE cmd") && !c->rc)
		c->rc = SK_EIO;
}

/*
 * One attempt at a batch in one transaction. Optimistic: every command runs
 * without a savepoint (about 2 µs each), and the first failure rolls the
 * whole attempt back (returns true); the caller then runs the batch again
 * with a savepoint per command. Commands are deterministic over the state,
 * so the second run sees what the first saw.
 */
static bool try_batch(struct store *s, struct store_cmd *batch, bool savepoints, int *rc_out)
{
	struct ledger_tree tree = s->tree;
	struct store_tx tx;
	struct store_cmd *c;
	bool retry = false;
	int rc;

	memset(&tx, 0, sizeof(tx));
	tx.s = s;
	tx.conn = &s->w;
	tx.tree = &tree;
	tx.pending = s->pending;
	tx.now_us = sk_now_us();
	tx.last_time_us = s->last_time_us;
	buf_init(&tx.enc, 2 * 1024 * 1024);
	pending_start(s);

	rc = store_conn_exec(&s->w, "BEGIN IMMEDIATE");
	for (c = batch; !rc && c; c = c->next) {
		if (savepoints) {
			run_command(s, &tx, c);
			continue;
		}
		cmd_reset(c);
		tx.cmd = c;
		c->rc = c->fn(&tx, c->arg);
		if (c->rc) {
			retry = true;
			break;
		}
	}
	if (!rc && !retry)
		rc = pending_flush(s);
	/*
	 * Seal the new tree in the same transaction: whatever a crash leaves
	 * committed is sealed, and entries appended without the key are not.
	 */
	if (!rc && !retry && tree.size != s->tree.size && !s->opts.unsealed) {
		uint8_t root[LEDGER_HASH_LEN];

		ledger_tree_root(&tree, root);
		rc = store_seal_write(s, tree.size, root);
	}
	if (!rc && !retry)
		rc = store_conn_exec(&s->w, "COMMIT");
	if (rc || retry)
		store_conn_exec(&s->w, "ROLLBACK");
	if (!rc && !retry) {
		pthread_mutex_lock(&s->mu);
		s->tree = tree;
		pthread_mutex_unlock(&s->mu);
		s->last_time_us = tx.last_time_us;
	}
	/*
	 * What was shredded leaves the WAL too: checkpoint and truncate it. A
	 * reader still in an older snapshot makes it wait (busy_timeout); if it
	 * cannot finish, the next shredding or the close does it.
	 */
	if (!rc && !retry && tx.shred &&
	    sqlite3_wal_checkpoint_v2(s->w.db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL) !=
	            SQLITE_OK)
		fprintf(stderr, "skydd: could not truncate the WAL after culling\n");
	buf_release(&tx.enc);
	*rc_out = rc;
	return retry;
}

static void run_batch(struct store *s, struct store_cmd *batch)
{
	struct store_cmd *c;
	int rc;

	/* A lone command needs no retry: rolling back the attempt undoes just it. */
	if (try_batch(s, batch, false, &rc) && !rc && batch->next)
		try_batch(s, batch, true, &rc);
	if (rc) {
		/* Nothing of this batch is durable: fail every command that had succeeded. */
		for (c = batch; c; c = c->next) {
			if (!c->rc)
				c->rc = rc;
			c->first_seq = c->last_seq = 0;
		}
	}
}

static void maybe_checkpoint(struct store *s, bool force)
{
	uint8_t root[LEDGER_HASH_LEN];
	int64_t interval = (int64_t)s->opts.checkpoint_ms * 1000;

	if (s->tree.size == s->cp_size)
		return;
	if (!force && sk_now_us() - s->cp_time_us < interval)
		return;
	ledger_tree_root(&s->tree, root);
	if (store_checkpoint_write(s, s->tree.size, root) != SK_OK)
		fprintf(stderr, "skydd: could not sign checkpoint at size %llu\n",
		        (unsigned long long)s->tree.size);
}

static void deadline_after(struct timespec *ts, int64_t us)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += us / 1000000;
	ts->tv_nsec += (us % 1000000) * 1000;
	if (ts->tv_nsec >= 1000000000) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000;
	}
}

void *writer_main_entry(void *arg)
{
	struct store *s = arg;

	pthread_mutex_lock(&s->mu);
	for (;;) {
		struct store_cmd *batch, *last;
		unsigned n = 1;
		bool force;

		if (!s->head) {
			if (s->closing)
				break;
			if (s->cp_wanted || s->tree.size != s->cp_size) {
				struct timespec ts;

				force = s->cp_wanted;
				s->cp_wanted = false;
				pthread_mutex_unlock(&s->mu);
				maybe_checkpoint(s, force);
				pthread_mutex_lock(&s->mu);
				pthread_cond_broadcast(&s->done);
				/*
				 * A checkpoint asked for while this one was being decided
				 * (store_checkpoint_now set cp_wanted, its signal found
				 * nobody waiting) is made now, not after the interval.
				 */
				if (s->head || s->closing || s->cp_wanted)
					continue;
				if (s->tree.size != s->cp_size) {
					deadline_after(&ts, (int64_t)s->opts.checkpoint_ms * 1000);
					pthread_cond_timedwait(&s->wake, &s->mu, &ts);
					continue;
				}
			}
			pthread_cond_wait(&s->wake, &s->mu);
			continue;
		}
		if (s->opts.batch_wait_us && !s->head->next && !s->closing) {
			struct timespec ts;

			deadline_after(&ts, s->opts.batch_wait_us);
			pthread_cond_timedwait(&s->wake, &s->mu, &ts);
		}
		batch = last = s->head;
		while (last->next && n < s->opts.batch_max) {
			last = last->next;
			n++;
		}
		s->head = last->next;
		if (!s->head)
			s->tail = NULL;
		last->next = NULL;
		pthread_mutex_unlock(&s->mu);

		run_batch(s, batch);
		maybe_checkpoint(s, false);

		pthread_mutex_lock(&s->mu);
		for (struct store_cmd *c = batch; c; c = c->next)
			c->done = true;
		pthread_cond_broadcast(&s->done);
	}
	pthread_mutex_unlock(&s->mu);
	maybe_checkpoint(s, true);
	return NULL;
}

/* ---- public: submit ---- */

void store_cmd_init(struct store_cmd *c, store_cmd_fn fn, void *arg)
{
	memset(c, 0, sizeof(*c));
	c->fn = fn;
	c->arg = arg;
}

int store_submit_async(struct store *s, struct store_cmd *c)
{
	c->next = NULL;
	c->done = false;
	c->rc = SK_OK;
	c->first_seq = c->last_seq = 0;
	c->err_field[0] = c->err_msg[0] = c->err_reason[0] = c->err_params[0] = '\0';
	pthread_mutex_lock(&s->mu);
	if (s->closing) {
		pthread_mutex_unlock(&s->mu);
		c->rc = SK_EBUSY;
		c->done = true;
		return SK_EBUSY;
	}
	if (s->tail)
		s->tail->next = c;
	else
		s->head = c;
	s->tail = c;
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->mu);
	return SK_OK;
}

int store_wait(struct store *s, struct store_cmd *c)
{
	pthread_mutex_lock(&s->mu);
	while (!c->done)
		pthread_cond_wait(&s->done, &s->mu);
	pthread_mutex_unlock(&s->mu);
	return c->rc;
}

int store_submit(struct store *s, struct store_cmd *c)
{
	int rc = store_submit_async(s, c);

	return rc ? rc : store_wait(s, c);
}

struct append_arg {
	int64_t actor;
	const char *kind;
	const char *object;
	const json_t *data;
};

static int append_one(struct store_tx *tx, void *arg)
{
	struct append_arg *a = arg;

	return store_tx_append(tx, a->actor, a->kind, a->object, a->data, NULL);
}

int store_append(struct store *s, int64_t actor, const char *kind, const char *object,
                 const json_t *data, uint64_t *seq)
{
	struct append_arg a = {actor, kind, object, data};
	struct store_cmd c;
	int rc;

	store_cmd_init(&c, append_one, &a);
	rc = store_submit(s, &c);
	if (!rc && seq)
		*seq = c.last_seq;
	return rc;
}

int store_checkpoint_now(struct store *s)
{
	int rc = SK_OK;

	pthread_mutex_lock(&s->mu);
	s->cp_wanted = true;
	pthread_cond_signal(&s->wake);
	while (s->cp_size != s->tree.size && !s->closing)
		pthread_cond_wait(&s->done, &s->mu);
	if (s->cp_size != s->tree.size)
		rc = SK_EBUSY;
	pthread_mutex_unlock(&s->mu);
	return rc;
}
