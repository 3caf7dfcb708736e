/*
 * Creating, opening and closing an instance: the directory, the key files,
 * the database, loading the tree and starting the writer thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "store_int.h"

static bool file_exists(const char *dir, const char *file)
{
	char path[STORE_PATH_MAX];
	struct stat st;

	if (store_path(path, sizeof(path), dir, file))
		return false;
	return lstat(path, &st) == 0;
}

/* Creates a file that must not exist yet, writes text and a newline, syncs it. */
static int write_new_file(const char *dir, const char *file, const char *text, mode_t mode)
{
	char path[STORE_PATH_MAX];
	size_t len = strlen(text);
	int fd, rc;

	rc = store_path(path, sizeof(path), dir, file);
	if (rc)
		return rc;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0)
		return errno == EEXIST ? SK_EEXIST : SK_EIO;
	rc = SK_OK;
	if (fchmod(fd, mode) != 0 || write(fd, text, len) != (ssize_t)len ||
	    write(fd, "\n", 1) != 1 || fsync(fd) != 0)
		rc = SK_EIO;
	close(fd);
	return rc;
}

static int sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = SK_OK;

	if (fd < 0)
		return SK_EIO;
	if (fsync(fd) != 0)
		rc = SK_EIO;
	close(fd);
	return rc;
}

static void default_origin(char *out, size_t cap)
{
	char host[256] = "localhost";
	struct buf b;

	if (gethostname(host, sizeof(host)) != 0)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	for (char *p = host; *p; p++) {
		if (*p == '+' || *p <= ' ' || *p >= 0x7f)
			*p = '-';
	}
	/* An origin is at most LEDGER_ORIGIN_MAX bytes: keep the host's first 100. */
	buf_init(&b, cap - 1);
	buf_printf(&b, "skydd/%.100s", host[0] ? host : "localhost");
	snprintf(out, cap, "%s", b.ptr ? b.ptr : "skydd/localhost");
	buf_release(&b);
}

static int open_locked(const char *dir, const struct store_opts *opts, struct store **out,
                       char *msg, size_t cap, int lock);

static int init_entry(struct store_tx *tx, void *arg)
{
	const json_t *data = arg;

	return store_tx_append(tx, 0, "ledger.init", "ledger", data, NULL);
}

int store_init(const char *dir, const struct store_init_opts *opts, char *vkey, size_t vkey_cap)
{
	char origin[LEDGER_ORIGIN_MAX + 1];
	char skey[256], vk[256], path[STORE_PATH_MAX];
	struct store_conn c = {0};
	struct store *s = NULL;
	struct store_cmd cmd;
	json_t *data = NULL;
	int lock = -1, rc;

	if (opts && opts->origin)
		snprintf(origin, sizeof(origin), "%s", opts->origin);
	else
		default_origin(origin, sizeof(origin));
	if (!ledger_origin_valid(origin) || strchr(origin, ' '))
		return SK_EINVAL;
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return SK_EIO;
	/* Two inits, or an init beside a running server, must not interleave. */
	rc = store_lock_take(dir, &lock, NULL, 0);
	if (rc)
		return rc;
	if (file_exists(dir, STORE_DB_FILE) || file_exists(dir, STORE_KEY_FILE) ||
	    file_exists(dir, STORE_CPLOG_FILE)) {
		store_lock_release(lock);
		return SK_EEXIST;
	}

	rc = ledger_note_keygen(origin, skey, sizeof(skey), vk, sizeof(vk));
	if (rc)
		goto out;
	rc = write_new_file(dir, STORE_KEY_FILE, skey, 0600);
	if (!rc)
		rc = write_new_file(dir, STORE_VKEY_FILE, vk, 0644);
	if (rc)
		goto out;

	rc = store_path(path, sizeof(path), dir, STORE_DB_FILE);
	if (!rc)
		rc = store_conn_open(&c, path, false, true);
	if (!rc)
		rc = store_migrate(&c);
	if (!rc)
		rc = store_meta_set(&c, "origin", origin);
	if (!rc)
		rc = store_meta_set(&c, "verifier_key", vk);
	if (!rc)
		rc = store_meta_set(&c, "created_by", "skydd " SKYDD_VERSION);
	store_conn_close(&c);
	if (rc)
		goto out;

	/* The store takes over the lock, and store_close releases it. */
	rc = open_locked(dir, NULL, &s, NULL, 0, lock);
	lock = -1;
	if (rc)
		goto out;
	data = json_pack("{s:s, s:s, s:s}", "origin", origin, "verifier_key", vk, "version",
	                 SKYDD_VERSION);
	if (!data) {
		rc = SK_ENOMEM;
		goto out;
	}
	store_cmd_init(&cmd, init_entry, data);
	rc = store_submit(s, &cmd);
	if (!rc && vkey)
		snprintf(vkey, vkey_cap, "%s", vk);
out:
	store_close(s);
	store_lock_release(lock);
	json_decref(data);
	sodium_memzero(skey, sizeof(skey));
	if (!rc)
		rc = sync_dir(dir);
	return rc;
}

static int read_node_c(void *ctx, unsigned level, uint64_t index, uint8_t out[LEDGER_HASH_LEN])
{
	return store_conn_read_node(ctx, level, index, out);
}

/* Loads the last signed checkpoint and checks the stored tree still extends it. */
static int load_checkpoint(struct store *s)
{
	struct ledger_checkpoint cp;
	uint8_t root[LEDGER_HASH_LEN];
	struct store_q *q;
	int rc;

	rc = store_conn_prepare(&s->w, "SELECT note FROM checkpoint ORDER BY size DESC LIMIT 1",
	                        &q);
	if (rc)
		return rc;
	rc = store_q_step(q);
	if (rc == SK_ENOTFOUND) {
		store_q_done(q);
		s->cp_size = 0;
		ledger_empty_root(s->cp_root);
		return SK_OK;
	}
	if (!rc) {
		const char *note = store_q_text(q, 0);

		rc = ledger_checkpoint_open(note, strlen(note), &s->verifier, &cp);
	}
	store_q_done(q);
	if (rc)
		return SK_ECORRUPT;
	if (cp.size > s->tree.size)
		return SK_ECORRUPT; /* entries the log once signed are gone */
	rc = ledger_root_at(cp.size, read_node_c, &s->w, root);
	if (rc)
		return rc;
	if (sodium_memcmp(root, cp.root, LEDGER_HASH_LEN) != 0)
		return SK_ECORRUPT;
	s->cp_size = cp.size;
	memcpy(s->cp_root, cp.root, LEDGER_HASH_LEN);
	s->cp_time_us = sk_now_us();
	return SK_OK;
}

static int load_last_time(struct store *s)
{
	struct store_q *q;
	int rc;

	rc = store_conn_prepare(&s->w, "SELECT time FROM ledger ORDER BY seq DESC LIMIT 1", &q);
	if (rc)
		return rc;
	rc = store_q_step(q);
	if (rc == SK_ENOTFOUND) {
		s->last_time_us = 0;
		rc = SK_OK;
	} else if (!rc) {
		const char *t = store_q_text(q, 0);

		rc = sk_time_parse(t, strlen(t), &s->last_time_us) ? SK_ECORRUPT : SK_OK;
	}
	store_q_done(q);
	return rc;
}

/* ---- start-up checks against checkpoints.log and the batch seal ---- */

struct log_check {
	struct store *s;
	char *msg;
	size_t cap;
	uint64_t beyond; /* the largest genuine checkpoint larger than the tree */
	/* the largest one within the tree, kept to verify it if it is coverage */
	uint64_t top, top_off;
	char *top_note;
	size_t top_len;
};

static void say(char *msg, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void say(char *msg, size_t cap, const char *fmt, ...)
{
	va_list ap;

	if (!msg || !cap || msg[0])
		return; /* keep the first */
	va_start(ap, fmt);
	vsnprintf(msg, cap, fmt, ap);
	va_end(ap);
}

/* A logged note that contradicts the database must at least be genuine to say so. */
static int log_note_genuine(struct log_check *lc, uint64_t off, const char *note, size_t len)
{
	struct ledger_checkpoint cp;

	if (ledger_checkpoint_open(note, len, &lc->s->verifier, &cp) == SK_OK)
		return SK_OK;
	say(lc->msg, lc->cap,
	    "checkpoints.log: checkpoint at byte %llu does not verify with this instance's key",
	    (unsigned long long)off);
	return SK_EVERIFY;
}

/*
 * C2SP: never sign a tree inconsistent with one signed before. Notes are
 * only parsed (lazy scan); one whose tree differs from ours is verified.
 */
static int log_note_check(void *ctx, uint64_t off, const struct ledger_checkpoint *cp,
                          const char *note, size_t len)
{
	struct log_check *lc = ctx;
	uint8_t root[LEDGER_HASH_LEN];
	int rc;

	if (cp->size > lc->s->tree.size) {
		/* judged after the scan, naming the largest genuine one */
		rc = log_note_genuine(lc, off, note, len);
		if (!rc && cp->size > lc->beyond)
			lc->beyond = cp->size;
		return rc;
	}
	rc = ledger_root_at(cp->size, read_node_c, &lc->s->w, root);
	if (rc)
		return rc;
	if (sodium_memcmp(root, cp->root, LEDGER_HASH_LEN) == 0) {
		if (cp->size >= lc->top && lc->top_note) {
			lc->top = cp->size;
			lc->top_off = off;
			memcpy(lc->top_note, note, len);
			lc->top_len = len;
		}
		return SK_OK;
	}
	rc = log_note_genuine(lc, off, note, len);
	if (rc)
		return rc;
	say(lc->msg, lc->cap,
	    "checkpoints.log's checkpoint at size %llu does not match the database's tree at that "
	    "size (%llu entries): the database was replaced or altered; refusing to sign a fork",
	    (unsigned long long)cp->size, (unsigned long long)lc->s->tree.size);
	return SK_EVERIFY;
}

/*
 * Every checkpoint in checkpoints.log must be of a prefix of the stored
 * tree. A note cut short by a crash is cut off; a missing log is a warning.
 * *logged gets the largest size the log holds.
 */
static int check_log(struct store *s, char *msg, size_t cap, uint64_t *logged)
{
	struct log_check lc = {s, msg, cap, 0, 0, 0, NULL, 0};
	struct store_cplog_result res;
	struct ledger_checkpoint cp;
	char path[STORE_PATH_MAX];
	int rc;

	*logged = 0;
	rc = store_path(path, sizeof(path), s->dir, STORE_CPLOG_FILE);
	if (rc)
		return rc;
	lc.top_note = malloc(STORE_CPLOG_NOTE_MAX);
	if (!lc.top_note)
		return SK_ENOMEM;
	rc = store_cplog_scan(path, &s->verifier, s->origin, true, log_note_check, &lc, &res);
	if (rc == SK_ENOTFOUND) {
		if (s->tree.size > 0)
			say(msg, cap,
			    "warning: checkpoints.log is missing; a new one is started (restore "
			    "the "
			    "old one from a copy kept elsewhere if there is one)");
		rc = SK_OK;
		goto out;
	}
	if (rc == SK_EVERIFY)
		say(msg, cap, "checkpoints.log: %s", res.why);
	if (rc)
		goto out;
	if (lc.beyond) {
		say(msg, cap,
		    "checkpoints.log holds a checkpoint at size %llu but the database has only "
		    "%llu entries (rolled back to an older copy, or entries removed): refusing to "
		    "sign a fork",
		    (unsigned long long)lc.beyond, (unsigned long long)s->tree.size);
		rc = SK_EVERIFY;
		goto out;
	}
	/* Coverage for the tail only from a genuine note: the scan did not verify it. */
	if (lc.top > s->cp_size) {
		if (ledger_checkpoint_open(lc.top_note, lc.top_len, &s->verifier, &cp) != SK_OK) {
			say(msg, cap,
			    "checkpoints.log: checkpoint at byte %llu does not verify with this "
			    "instance's key",
			    (unsigned long long)lc.top_off);
			rc = SK_EVERIFY;
			goto out;
		}
		*logged = lc.top;
	}
	if (res.torn) {
		rc = store_cplog_repair(path, res.torn_off, res.torn_off + res.torn);
		if (rc == SK_EBUSY) {
			say(msg, cap,
			    "warning: checkpoints.log ends in an incomplete note but is being "
			    "written by another process: left alone");
			rc = SK_OK;
			goto out;
		}
		if (rc)
			goto out;
		say(msg, cap,
		    "checkpoints.log ended in an incomplete note (%llu bytes at byte %llu, a write "
		    "cut short by a crash): removed it, the checkpoint is also in the database",
		    (unsigned long long)res.torn, (unsigned long long)res.torn_off);
	}
out:
	free(lc.top_note);
	return rc;
}

/*
 * The entries after the last checkpoint must be covered by the batch seal:
 * the writer seals every batch in its own transaction, so anything else was
 * appended without the signing key.
 */
static int check_tail(struct store *s, uint64_t covered, bool accept, char *msg, size_t cap)
{
	uint8_t root[LEDGER_HASH_LEN], sroot[LEDGER_HASH_LEN];
	uint64_t ssize = 0;
	int rc;

	rc = store_seal_read(&s->w, &s->verifier, s->origin, &ssize, sroot);
	if (rc && rc != SK_ENOTFOUND && rc != SK_EVERIFY)
		return rc;
	if (rc == SK_EVERIFY && !accept) {
		say(msg, cap, "the batch seal in the database does not verify with signing.key");
		return SK_EVERIFY;
	}
	if (rc == SK_OK && ssize > s->tree.size && !accept) {
		say(msg, cap,
		    "the batch seal is for %llu entries but the database has only %llu (entries "
		    "were removed)",
		    (unsigned long long)ssize, (unsigned long long)s->tree.size);
		return SK_EVERIFY;
	}
	if (s->tree.size <= covered)
		return SK_OK;
	if (rc == SK_OK && ssize == s->tree.size) {
		ledger_tree_root(&s->tree, root);
		if (sodium_memcmp(root, sroot, LEDGER_HASH_LEN) == 0)
			return SK_OK;
	}
	if (accept) {
		s->tail_from = covered + 1;
		s->tail_to = s->tree.size;
		return SK_OK;
	}
	say(msg, cap,
	    "entries %llu..%llu are covered by no signed checkpoint and no batch seal: they were "
	    "written without the signing key; inspect them, then 'skydd checkpoint --accept-tail' "
	    "or restore a backup",
	    (unsigned long long)covered + 1, (unsigned long long)s->tree.size);
	return SK_EVERIFY;
}

int store_open(const char *dir, const struct store_opts *opts, struct store **out)
{
	return store_open_report(dir, opts, out, NULL, 0);
}

int store_open_report(const char *dir, const struct store_opts *opts, struct store **out, char *msg,
                      size_t cap)
{
	int lock = -1, rc;

	*out = NULL;
	if (msg && cap)
		msg[0] = '\0';
	if (sodium_init() < 0)
		return SK_EINTERNAL;
	/* Checked before the lock, so a wrong --data creates no lock file. */
	if (!file_exists(dir, STORE_DB_FILE))
		return SK_ENOTFOUND;
	rc = store_lock_take(dir, &lock, msg, cap);
	if (rc)
		return rc;
	return open_locked(dir, opts, out, msg, cap, lock);
}

/*
 * store_open_report once the instance lock is held (lock): the store owns it
 * from here on, released by store_close or on failure.
 */
static int open_locked(const char *dir, const struct store_opts *opts, struct store **out,
                       char *msg, size_t cap, int lock)
{
	char path[STORE_PATH_MAX], vk[256];
	uint64_t logged = 0;
	struct store *s;
	uint64_t size;
	int rc;

	*out = NULL;
	if (msg && cap)
		msg[0] = '\0';
	if (sodium_init() < 0) {
		store_lock_release(lock);
		return SK_EINTERNAL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		store_lock_release(lock);
		return SK_ENOMEM;
	}
	s->lock_fd = lock;
	snprintf(s->dir, sizeof(s->dir), "%s", dir);
	if (opts)
		s->opts = *opts;
	if (!s->opts.batch_max)
		s->opts.batch_max = 1024;
	if (!s->opts.checkpoint_ms)
		s->opts.checkpoint_ms = 1000;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->wake, NULL);
	pthread_cond_init(&s->done, NULL);

	rc = store_path(path, sizeof(path), dir, STORE_DB_FILE);
	if (!rc)
		rc = store_conn_open(&s->w, path, false, false);
	if (!rc)
		rc = store_migrate(&s->w);
	if (!rc)
		rc = store_create_projection_tables(&s->w);
	if (!rc)
		rc = store_meta_get(&s->w, "origin", s->origin, sizeof(s->origin));
	if (!rc)
		rc = store_load_signer(dir, &s->signer);
	if (rc)
		goto out_fail;
	rc = ledger_signer_vkey(&s->signer, s->vkey, sizeof(s->vkey));
	if (!rc)
		rc = ledger_verifier_parse(s->vkey, strlen(s->vkey), &s->verifier);
	if (!rc)
		rc = store_meta_get(&s->w, "verifier_key", vk, sizeof(vk));
	if (!rc && strcmp(vk, s->vkey) != 0)
		rc = SK_ECORRUPT; /* signing.key does not belong to this database */
	if (!rc)
		rc = store_conn_size(&s->w, &size);
	if (!rc)
		rc = ledger_tree_load(&s->tree, size, read_node_c, &s->w);
	if (!rc) {
		rc = load_checkpoint(s);
		if (rc == SK_ECORRUPT)
			say(msg, cap,
			    "the database's last checkpoint does not match its own tree (%llu "
			    "entries): entries or tiles were altered",
			    (unsigned long long)s->tree.size);
	}
	if (!rc)
		rc = check_log(s, msg, cap, &logged);
	if (!rc)
		rc = check_tail(s, s->cp_size > logged ? s->cp_size : logged, s->opts.accept_tail,
		                msg, cap);
	if (!rc)
		rc = load_last_time(s);
	if (rc)
		goto out_fail;
	if (pthread_create(&s->thread, NULL, writer_main_entry, s) != 0) {
		rc = SK_EINTERNAL;
		goto out_fail;
	}
	s->thread_started = true;
	*out = s;
	return SK_OK;
out_fail:
	/* A warning said on the way (a repaired log) is not why it failed. */
	if (rc != SK_EVERIFY && rc != SK_ECORRUPT && msg && cap)
		msg[0] = '\0';
	store_conn_close(&s->w);
	store_lock_release(s->lock_fd);
	ledger_signer_wipe(&s->signer);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->wake);
	pthread_cond_destroy(&s->done);
	free(s);
	return rc;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	if (s->thread_started) {
		pthread_mutex_lock(&s->mu);
		s->closing = true;
		pthread_cond_signal(&s->wake);
		pthread_mutex_unlock(&s->mu);
		pthread_join(s->thread, NULL);
	}
	store_conn_close(&s->w);
	/* Last: the writer has finished and the final checkpoint is on disk. */
	store_lock_release(s->lock_fd);
	ledger_signer_wipe(&s->signer);
	for (unsigned L = 0; L < 8; L++)
		free(s->pending[L].hashes);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->wake);
	pthread_cond_destroy(&s->done);
	free(s);
}

const char *store_verifier_key(const struct store *s)
{
	return s->vkey;
}

struct tail_arg {
	uint64_t from, to;
	int64_t actor;
};

static int tail_entry(struct store_tx *tx, void *arg)
{
	struct tail_arg *a = arg;
	json_t *data =
	        json_pack("{s:I, s:I}", "from", (json_int_t)a->from, "to", (json_int_t)a->to);
	int rc;

	if (!data)
		return SK_ENOMEM;
	rc = store_tx_append(tx, a->actor, "ledger.tail.accepted", "ledger", data, NULL);
	json_decref(data);
	return rc;
}

int store_accept_tail(struct store *s, int64_t actor, uint64_t *from, uint64_t *to)
{
	struct tail_arg a = {s->tail_from, s->tail_to, actor};
	struct store_cmd cmd;
	int rc;

	*from = s->tail_from;
	*to = s->tail_to;
	if (!s->tail_to)
		return SK_OK;
	store_cmd_init(&cmd, tail_entry, &a);
	rc = store_submit(s, &cmd);
	if (!rc)
		rc = store_checkpoint_now(s);
	return rc;
}
