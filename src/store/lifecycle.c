/*
 * Creating, opening and closing an instance: the directory, the key files,
 * the database, loading the tree and starting the writer thread.
 */
#include <errno.h>
#include <fcntl.h>
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
	int rc;

	if (opts && opts->origin)
		snprintf(origin, sizeof(origin), "%s", opts->origin);
	else
		default_origin(origin, sizeof(origin));
	if (!ledger_origin_valid(origin) || strchr(origin, ' '))
		return SK_EINVAL;
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return SK_EIO;
	if (file_exists(dir, STORE_DB_FILE) || file_exists(dir, STORE_KEY_FILE) ||
	    file_exists(dir, STORE_CPLOG_FILE))
		return SK_EEXIST;

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

	rc = store_open(dir, NULL, &s);
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

int store_open(const char *dir, const struct store_opts *opts, struct store **out)
{
	char path[STORE_PATH_MAX], vk[256];
	struct store *s;
	uint64_t size;
	int rc;

	*out = NULL;
	if (sodium_init() < 0)
		return SK_EINTERNAL;
	if (!file_exists(dir, STORE_DB_FILE))
		return SK_ENOTFOUND;
	s = calloc(1, sizeof(*s));
	if (!s)
		return SK_ENOMEM;
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
	if (!rc)
		rc = load_checkpoint(s);
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
	store_conn_close(&s->w);
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
