/*
 * Connections, the prepared-statement cache, schema migrations from the
 * embedded sql/ files, key files and the projection registry.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "embedded.h"
#include "store_int.h"

/* Set up before any thread starts (store_register_projection), read-only afterwards. */
static const struct store_projection **projections;
static unsigned nprojections, cap_projections;

int store_path(char *out, size_t cap, const char *dir, const char *file)
{
	int n = snprintf(out, cap, "%s/%s", dir, file);

	if (n < 0 || (size_t)n >= cap)
		return SK_ETOOBIG;
	return SK_OK;
}

int store_sqlite_err(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return SK_OK;
	case SQLITE_NOMEM:
		return SK_ENOMEM;
	case SQLITE_CONSTRAINT:
		return SK_EEXIST;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return SK_EBUSY;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return SK_ECORRUPT;
	case SQLITE_CANTOPEN:
		return SK_ENOTFOUND;
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_AUTH:
		return SK_EPERM;
	case SQLITE_TOOBIG:
		return SK_ETOOBIG;
	default:
		return SK_EIO;
	}
}

/* Settings every connection gets: safety first, then bounded resources. */
static int conn_configure(sqlite3 *db, bool readonly)
{
	static const char *const pragmas_rw[] = {"PRAGMA journal_mode=WAL",
	                                         "PRAGMA synchronous=FULL",
	                                         "PRAGMA foreign_keys=ON",
	                                         "PRAGMA trusted_schema=OFF",
	                                         "PRAGMA cell_size_check=ON",
	                                         "PRAGMA busy_timeout=10000",
	                                         "PRAGMA cache_size=-16384",
	                                         "PRAGMA secure_delete=ON",
	                                         NULL};
	static const char *const pragmas_ro[] = {
	        "PRAGMA foreign_keys=ON",    "PRAGMA trusted_schema=OFF",
	        "PRAGMA cell_size_check=ON", "PRAGMA busy_timeout=10000",
	        "PRAGMA cache_size=-8192",   NULL};
	const char *const *p;
	int on = 1;

	if (sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, &on) != SQLITE_OK)
		return SK_EIO;
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 1, &on);
	sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DML, 0, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DDL, 0, NULL);
	sqlite3_limit(db, SQLITE_LIMIT_LENGTH, 16 * 1024 * 1024);
	sqlite3_limit(db, SQLITE_LIMIT_SQL_LENGTH, 1024 * 1024);
	sqlite3_limit(db, SQLITE_LIMIT_EXPR_DEPTH, 100);
	sqlite3_limit(db, SQLITE_LIMIT_VARIABLE_NUMBER, 1000);
	for (p = readonly ? pragmas_ro : pragmas_rw; *p; p++) {
		if (sqlite3_exec(db, *p, NULL, NULL, NULL) != SQLITE_OK)
			return SK_EIO;
	}
	return SK_OK;
}

int store_conn_open(struct store_conn *c, const char *path, bool readonly, bool create)
{
	int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_PRIVATECACHE | SQLITE_OPEN_NOFOLLOW;
	int rc;

	memset(c, 0, sizeof(*c));
	if (readonly)
		flags |= SQLITE_OPEN_READONLY;
	else
		flags |= SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
	rc = sqlite3_open_v2(path, &c->db, flags, NULL);
	if (rc != SQLITE_OK) {
		rc = store_sqlite_err(rc);
		goto out_close;
	}
	sqlite3_extended_result_codes(c->db, 1);
	rc = conn_configure(c->db, readonly);
	if (rc)
		goto out_close;
	return SK_OK;
out_close:
	sqlite3_close(c->db);
	c->db = NULL;
	return rc ? rc : SK_EIO;
}

void store_conn_close(struct store_conn *c)
{
	if (!c || !c->db)
		return;
	for (unsigned i = 0; i < c->nq; i++)
		sqlite3_finalize(c->q[i].st);
	c->nq = 0;
	free(c->tiles);
	c->tiles = NULL;
	sqlite3_close(c->db);
	c->db = NULL;
}

int store_conn_prepare(struct store_conn *c, const char *sql, struct store_q **q)
{
	unsigned i, slot = 0;
	int rc;

	/*
	 * Keyed by the text, compared with SQLite's own copy of it: the caller's
	 * pointer is only a hint (a first pass by address finds the usual
	 * string literal at once), because SQL built in a buffer may reuse an
	 * address for different text, or be gone by the next call.
	 */
	for (i = 0; i < c->nq; i++) {
		if (c->q[i].st && c->q[i].sql == sql && strcmp(sqlite3_sql(c->q[i].st), sql) == 0)
			goto hit;
	}
	for (i = 0; i < c->nq; i++) {
		if (c->q[i].st && strcmp(sqlite3_sql(c->q[i].st), sql) == 0) {
			c->q[i].sql = sql;
			goto hit;
		}
	}
	if (c->nq < STORE_Q_CACHE) {
		slot = c->nq;
	} else {
		/*
		 * Full: replace a statement nobody holds, in place. Moving the
		 * others would change the store_q a caller still holds (a query
		 * open while it prepares another) into a different statement.
		 */
		for (i = 0; i < STORE_Q_CACHE; i++) {
			slot = (c->evict + i) % STORE_Q_CACHE;
			if (!c->q[slot].busy)
				break;
		}
		if (i == STORE_Q_CACHE)
			return SK_EBUSY;
		c->evict = (slot + 1) % STORE_Q_CACHE;
		sqlite3_finalize(c->q[slot].st);
		c->q[slot].st = NULL;
		c->q[slot].sql = "";
	}
	rc = sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &c->q[slot].st, NULL);
	if (rc != SQLITE_OK) {
		c->q[slot].st = NULL; /* an empty slot, skipped by the lookup and reused */
		c->q[slot].sql = "";
		return store_sqlite_err(rc) ? store_sqlite_err(rc) : SK_EINTERNAL;
	}
	c->q[slot].sql = sql;
	c->q[slot].busy = true;
	if (slot == c->nq)
		c->nq++;
	*q = &c->q[slot];
	return SK_OK;
hit:
	c->q[i].busy = true;
	*q = &c->q[i];
	return SK_OK;
}

int store_conn_exec(struct store_conn *c, const char *sql)
{
	int rc = sqlite3_exec(c->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? SK_OK : (store_sqlite_err(rc) ? store_sqlite_err(rc) : SK_EIO);
}

/* ---- statements ---- */

int store_q_bind_int(struct store_q *q, int idx, int64_t v)
{
	return sqlite3_bind_int64(q->st, idx, v) == SQLITE_OK ? SK_OK : SK_EINTERNAL;
}

int store_q_bind_text(struct store_q *q, int idx, const char *s)
{
	return sqlite3_bind_text(q->st, idx, s, -1, SQLITE_TRANSIENT) == SQLITE_OK ? SK_OK
	                                                                           : SK_ENOMEM;
}

int store_q_bind_blob(struct store_q *q, int idx, const void *p, size_t n)
{
	return sqlite3_bind_blob64(q->st, idx, p, n, SQLITE_TRANSIENT) == SQLITE_OK ? SK_OK
	                                                                            : SK_ENOMEM;
}

int store_q_bind_null(struct store_q *q, int idx)
{
	return sqlite3_bind_null(q->st, idx) == SQLITE_OK ? SK_OK : SK_EINTERNAL;
}

int store_q_step(struct store_q *q)
{
	int rc = sqlite3_step(q->st);

	if (rc == SQLITE_ROW)
		return SK_OK;
	if (rc == SQLITE_DONE)
		return SK_ENOTFOUND;
	return store_sqlite_err(rc) ? store_sqlite_err(rc) : SK_EIO;
}

int64_t store_q_int(struct store_q *q, int col)
{
	return sqlite3_column_int64(q->st, col);
}

const char *store_q_text(struct store_q *q, int col)
{
	const unsigned char *t = sqlite3_column_text(q->st, col);

	return t ? (const char *)t : "";
}

const void *store_q_blob(struct store_q *q, int col, size_t *n)
{
	const void *p = sqlite3_column_blob(q->st, col);

	*n = (size_t)sqlite3_column_bytes(q->st, col);
	return p;
}

bool store_q_is_null(struct store_q *q, int col)
{
	return sqlite3_column_type(q->st, col) == SQLITE_NULL;
}

void store_q_done(struct store_q *q)
{
	if (!q)
		return;
	sqlite3_reset(q->st);
	sqlite3_clear_bindings(q->st);
	q->busy = false;
}

/* ---- migrations ---- */

/* The version of an embedded migration "sql/NNNN_name.sql", or 0. */
static int migration_version(const char *name)
{
	const char *base = strrchr(name, '/');
	int v = 0;

	base = base ? base + 1 : name;
	if (strncmp(name, "sql/", 4) != 0)
		return 0;
	for (int i = 0; i < 4; i++) {
		if (base[i] < '0' || base[i] > '9')
			return 0;
		v = v * 10 + (base[i] - '0');
	}
	return base[4] == '_' ? v : 0;
}

static int latest_version(void)
{
	int max = 0;

	for (size_t i = 0; i < sk_embedded_count; i++) {
		int v = migration_version(sk_embedded_files[i].name);

		if (v > max)
			max = v;
	}
	return max;
}

static int user_version(struct store_conn *c, int *v)
{
	sqlite3_stmt *st = NULL;
	int rc;

	rc = sqlite3_prepare_v2(c->db, "PRAGMA user_version", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return store_sqlite_err(rc) ? store_sqlite_err(rc) : SK_EIO;
	rc = sqlite3_step(st);
	*v = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_finalize(st);
	return *v < 0 ? SK_EIO : SK_OK;
}

int store_schema_check(struct store_conn *c)
{
	int v, rc = user_version(c, &v);

	if (rc)
		return rc;
	if (v > latest_version())
		return SK_EVERSION;
	if (v == 0)
		return SK_ENOTFOUND;
	return SK_OK;
}

int store_migrate(struct store_conn *c)
{
	int have, rc, target = latest_version();
	char pragma[64];

	rc = user_version(c, &have);
	if (rc)
		return rc;
	if (have > target)
		return SK_EVERSION;
	for (int v = have + 1; v <= target; v++) {
		const struct sk_embedded *m = NULL;

		for (size_t i = 0; i < sk_embedded_count; i++) {
			if (migration_version(sk_embedded_files[i].name) == v)
				m = &sk_embedded_files[i];
		}
		if (!m)
			return SK_EINTERNAL;
		/* Each migration and its version bump commit together, or not at all. */
		rc = store_conn_exec(c, "BEGIN IMMEDIATE");
		if (rc)
			return rc;
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version=%d", v);
		rc = store_conn_exec(c, (const char *)m->data);
		if (!rc)
			rc = store_conn_exec(c, pragma);
		if (!rc)
			rc = store_conn_exec(c, "COMMIT");
		if (rc) {
			store_conn_exec(c, "ROLLBACK");
			return rc;
		}
	}
	return SK_OK;
}

/* ---- meta ---- */

int store_meta_get(struct store_conn *c, const char *key, char *out, size_t cap)
{
	struct store_q *q;
	int rc = store_conn_prepare(c, "SELECT value FROM meta WHERE key = ?1", &q);

	if (rc)
		return rc;
	store_q_bind_text(q, 1, key);
	rc = store_q_step(q);
	if (!rc) {
		const char *v = store_q_text(q, 0);

		if (strlen(v) >= cap)
			rc = SK_ETOOBIG;
		else
			memcpy(out, v, strlen(v) + 1);
	}
	store_q_done(q);
	return rc;
}

int store_meta_set(struct store_conn *c, const char *key, const char *value)
{
	struct store_q *q;
	int rc = store_conn_prepare(c,
	                            "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT "
	                            "(key) DO UPDATE SET value = ?2",
	                            &q);

	if (rc)
		return rc;
	store_q_bind_text(q, 1, key);
	store_q_bind_text(q, 2, value);
	rc = store_q_step(q);
	store_q_done(q);
	return rc == SK_ENOTFOUND ? SK_OK : rc;
}

/* ---- key files ---- */

int store_read_key_file(const char *path, char *out, size_t cap, bool secret)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	ssize_t n;
	int rc = SK_OK;

	if (fd < 0)
		return errno == ENOENT ? SK_ENOTFOUND : SK_EIO;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		rc = SK_EIO;
		goto out_close;
	}
	if (secret && (st.st_mode & 077) != 0) {
		rc = SK_EPERM; /* a signing key readable by others is not a secret */
		goto out_close;
	}
	n = read(fd, out, cap - 1);
	if (n < 0) {
		rc = SK_EIO;
		goto out_close;
	}
	out[n] = '\0';
	while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\r'))
		out[--n] = '\0';
out_close:
	close(fd);
	return rc;
}

int store_load_signer(const char *dir, struct ledger_signer *s)
{
	char path[STORE_PATH_MAX];
	char text[512];
	int rc;

	rc = store_path(path, sizeof(path), dir, STORE_KEY_FILE);
	if (rc)
		return rc;
	rc = store_read_key_file(path, text, sizeof(text), true);
	if (!rc)
		rc = ledger_signer_parse(text, strlen(text), s);
	sodium_memzero(text, sizeof(text));
	return rc;
}

int store_load_verifier(const char *dir, struct ledger_verifier *v, char *text, size_t cap)
{
	char path[STORE_PATH_MAX];
	int rc;

	rc = store_path(path, sizeof(path), dir, STORE_VKEY_FILE);
	if (rc)
		return rc;
	rc = store_read_key_file(path, text, cap, false);
	if (rc)
		return rc;
	return ledger_verifier_parse(text, strlen(text), v);
}

/* ---- projections ---- */

int store_register_projection(const struct store_projection *p)
{
	if (!p || !p->name || !p->kind_prefix || !p->kind_prefix[0])
		return SK_EINVAL;
	for (unsigned i = 0; i < nprojections; i++) {
		if (projections[i] == p)
			return SK_OK;
	}
	if (nprojections == cap_projections) {
		unsigned cap = cap_projections ? cap_projections * 2 : 64;
		const struct store_projection **v;

		if (cap < cap_projections)
			return SK_ENOMEM;
		v = realloc(projections, cap * sizeof(*v));
		if (!v)
			return SK_ENOMEM;
		projections = v;
		cap_projections = cap;
	}
	projections[nprojections++] = p;
	return SK_OK;
}

void store_clear_projections(void)
{
	nprojections = 0;
}

unsigned store_projection_count(void)
{
	return nprojections;
}

const struct store_projection *store_projection_at(unsigned i)
{
	return i < nprojections ? projections[i] : NULL;
}

static void put_tables(struct buf *set, const char *const *t)
{
	for (; t && *t; t++) {
		buf_putc(set, ' ');
		buf_puts(set, *t);
	}
}

bool store_tables_of_kind(const char *kind, struct buf *set)
{
	bool claimed = false;

	if (strncmp(kind, "ledger.", 7) == 0)
		return true; /* ledger.init, ledger.tail.accepted: written by the store, no table */
	for (unsigned i = 0; i < nprojections; i++) {
		const struct store_projection *p = projections[i];

		if (strncmp(kind, p->kind_prefix, strlen(p->kind_prefix)) != 0)
			continue;
		if ((!p->tables || !p->tables[0]) && !p->touches)
			return false; /* said nothing: anything */
		put_tables(set, p->tables);
		put_tables(set, p->touches);
		claimed = true;
	}
	return claimed;
}

int store_create_projection_tables(struct store_conn *c)
{
	for (unsigned i = 0; i < nprojections; i++) {
		if (projections[i]->schema) {
			int rc = store_conn_exec(c, projections[i]->schema);

			if (rc)
				return rc;
		}
	}
	return SK_OK;
}

int store_apply_projections(struct store_tx *tx, const struct ledger_entry *e)
{
	for (unsigned i = 0; i < nprojections; i++) {
		const struct store_projection *p = projections[i];

		if (p->apply && strncmp(e->kind, p->kind_prefix, strlen(p->kind_prefix)) == 0) {
			int rc = p->apply(tx, e);

			if (rc)
				return rc;
		}
	}
	return SK_OK;
}

/* ---- the tree as stored ---- */

/* Reads tile (level, idx) with at least need hashes into the cache; returns its slot. */
static int tile_fetch(struct store_conn *c, unsigned level, uint64_t idx, unsigned need,
                      unsigned *slot)
{
	struct store_tile_cache *tc = c->tiles;
	struct store_q *q;
	const uint8_t *h;
	size_t n;
	unsigned s;
	int rc;

	for (s = 0; s < STORE_TILE_CACHE; s++) {
		if (tc->width[s] >= need && tc->level[s] == level && tc->idx[s] == idx) {
			*slot = s;
			return SK_OK;
		}
	}
	rc = store_conn_prepare(c, "SELECT hashes FROM tile WHERE level = ?1 AND idx = ?2", &q);
	if (rc)
		return rc;
	store_q_bind_int(q, 1, level);
	store_q_bind_int(q, 2, (int64_t)idx);
	rc = store_q_step(q);
	if (rc) {
		rc = rc == SK_ENOTFOUND ? SK_ECORRUPT : rc;
		goto out;
	}
	h = store_q_blob(q, 0, &n);
	if (n % LEDGER_HASH_LEN != 0 || n / LEDGER_HASH_LEN < need || n > sizeof(tc->hashes[0])) {
		rc = SK_ECORRUPT;
		goto out;
	}
	s = tc->next;
	tc->next = (tc->next + 1) % STORE_TILE_CACHE;
	memcpy(tc->hashes[s], h, n);
	tc->level[s] = level;
	tc->idx[s] = idx;
	tc->width[s] = (unsigned)(n / LEDGER_HASH_LEN);
	*slot = s;
out:
	store_q_done(q);
	return rc;
}

int store_conn_read_node(struct store_conn *c, unsigned level, uint64_t index,
                         uint8_t out[LEDGER_HASH_LEN])
{
	struct ledger_tile_ref ref;
	unsigned slot = 0;
	int rc;

	if (!c->tiles) {
		c->tiles = calloc(1, sizeof(*c->tiles));
		if (!c->tiles)
			return SK_ENOMEM;
	}
	ledger_tile_locate(level, index, &ref);
	rc = tile_fetch(c, ref.tile_level, ref.tile_index, ref.offset + ref.count, &slot);
	if (rc)
		return rc;
	ledger_tile_fold((const uint8_t(*)[LEDGER_HASH_LEN])c->tiles->hashes[slot] + ref.offset,
	                 ref.count, out);
	return SK_OK;
}

int store_conn_size(struct store_conn *c, uint64_t *size)
{
	struct store_q *q;
	int rc = store_conn_prepare(c, "SELECT coalesce(max(seq), 0) FROM ledger", &q);

	if (rc)
		return rc;
	rc = store_q_step(q);
	if (!rc)
		*size = (uint64_t)store_q_int(q, 0);
	store_q_done(q);
	return rc;
}
