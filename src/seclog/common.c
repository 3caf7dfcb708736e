/*
 * What the seclog writer, verifier and culling share: the database and its
 * schema, key files, the message encoding that is hashed, time arithmetic
 * for months and retention, and a tile reader for proofs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "seclog_int.h"
#include "store/store.h"

/*
 * The schema. Triggers make the tables append-only for anyone using SQL
 * (a speed bump: the signatures are the protection). The one allowed
 * change to msg is culling: the body set to NULL.
 */
static const char schema_sql[] =
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
        "CREATE TABLE IF NOT EXISTS msg (idx INTEGER PRIMARY KEY, recv_us INTEGER NOT NULL,"
        " source INTEGER NOT NULL, body BLOB);"
        "CREATE TABLE IF NOT EXISTS tile (level INTEGER NOT NULL, idx INTEGER NOT NULL,"
        " hashes BLOB NOT NULL, PRIMARY KEY (level, idx)) WITHOUT ROWID;"
        "CREATE TABLE IF NOT EXISTS checkpoint (size INTEGER PRIMARY KEY,"
        " time INTEGER NOT NULL, note TEXT NOT NULL);"
        "CREATE TABLE IF NOT EXISTS segment (id INTEGER PRIMARY KEY, month INTEGER NOT NULL,"
        " first_idx INTEGER NOT NULL, last_idx INTEGER NOT NULL, first_us INTEGER NOT NULL,"
        " last_us INTEGER NOT NULL, retain_until INTEGER NOT NULL,"
        " culled INTEGER NOT NULL DEFAULT 0);"
        "CREATE TABLE IF NOT EXISTS cull (id INTEGER PRIMARY KEY, segment INTEGER NOT NULL"
        " UNIQUE, time INTEGER NOT NULL, who TEXT NOT NULL, why TEXT NOT NULL,"
        " note TEXT NOT NULL);"
        "CREATE TRIGGER IF NOT EXISTS msg_no_delete BEFORE DELETE ON msg"
        " BEGIN SELECT RAISE(ABORT, 'seclog is append-only'); END;"
        "CREATE TRIGGER IF NOT EXISTS msg_cull_only BEFORE UPDATE ON msg"
        " WHEN NEW.body IS NOT NULL OR NEW.idx IS NOT OLD.idx OR NEW.recv_us IS NOT OLD.recv_us"
        " OR NEW.source IS NOT OLD.source"
        " BEGIN SELECT RAISE(ABORT, 'seclog is append-only'); END;"
        "CREATE TRIGGER IF NOT EXISTS checkpoint_no_update BEFORE UPDATE ON checkpoint"
        " BEGIN SELECT RAISE(ABORT, 'seclog is append-only'); END;"
        "CREATE TRIGGER IF NOT EXISTS checkpoint_no_delete BEFORE DELETE ON checkpoint"
        " BEGIN SELECT RAISE(ABORT, 'seclog is append-only'); END;"
        "CREATE TRIGGER IF NOT EXISTS cull_no_update BEFORE UPDATE ON cull"
        " BEGIN SELECT RAISE(ABORT, 'seclog is append-only'); END;"
        "CREATE TRIGGER IF NOT EXISTS cull_no_delete BEFORE DELETE ON cull"
        " BEGIN SELECT RAISE(ABORT, 'seclog is append-only'); END;";

int seclog_path(char *out, size_t cap, const char *dir, const char *file)
{
	int n = snprintf(out, cap, "%s/%s", dir, file);

	return n < 0 || (size_t)n >= cap ? SK_ETOOBIG : SK_OK;
}

int seclog_exec(sqlite3 *db, const char *sql)
{
	return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? SK_OK : SK_EIO;
}

static int schema_version(sqlite3 *db, int *v)
{
	sqlite3_stmt *st = NULL;
	int rc = SK_EIO;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		*v = sqlite3_column_int(st, 0);
		rc = SK_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

int seclog_db_open(const char *dir, bool readonly, bool create, sqlite3 **out)
{
	char path[SECLOG_PATH_MAX];
	int flags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	sqlite3 *db = NULL;
	struct stat st;
	int rc, v = 0;

	*out = NULL;
	rc = seclog_path(path, sizeof(path), dir, SECLOG_DB_FILE);
	if (rc)
		return rc;
	if (!create && stat(path, &st) != 0)
		return errno == ENOENT ? SK_ENOTFOUND : SK_EIO;
	if (create)
		flags |= SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		rc = SK_EIO;
		goto out_close;
	}
	sqlite3_busy_timeout(db, SECLOG_BUSY_MS);
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	sqlite3_limit(db, SQLITE_LIMIT_LENGTH, 16 << 20);
	rc = seclog_exec(db, "PRAGMA cell_size_check = ON");
	if (rc)
		goto out_close;
	if (!readonly) {
		/* A commit that returned has reached the disk: the ack rests on it. */
		rc = seclog_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL");
		if (rc)
			goto out_close;
	}
	rc = schema_version(db, &v);
	if (rc)
		goto out_close;
	if (v > SECLOG_SCHEMA) {
		rc = SK_EVERSION;
		goto out_close;
	}
	if (v == 0 && !readonly) {
		rc = seclog_exec(db, "BEGIN IMMEDIATE");
		if (!rc)
			rc = seclog_exec(db, schema_sql);
		if (!rc)
			rc = seclog_exec(db, "PRAGMA user_version = 1; COMMIT");
		if (rc) {
			seclog_exec(db, "ROLLBACK");
			goto out_close;
		}
	} else if (v == 0) {
		rc = SK_ECORRUPT; /* a file without our schema */
		goto out_close;
	}
	if (!readonly)
		chmod(path, 0600);
	*out = db;
	return SK_OK;
out_close:
	sqlite3_close(db);
	return rc;
}

int seclog_read_key(const char *dir, const char *file, bool secret, char *out, size_t cap)
{
	char path[SECLOG_PATH_MAX];
	int rc = seclog_path(path, sizeof(path), dir, file);

	/* the registers' reader: the same keys, the same rules for reading them */
	return rc ? rc : store_read_key_file(path, out, cap, secret);
}

int seclog_head_write(const char *dir, const char *note, size_t len)
{
	char path[SECLOG_PATH_MAX], tmp[SECLOG_PATH_MAX];
	int fd, rc;

	rc = seclog_path(path, sizeof(path), dir, SECLOG_HEAD_FILE);
	if (!rc)
		rc = seclog_path(tmp, sizeof(tmp), dir, SECLOG_HEAD_FILE ".tmp");
	if (rc)
		return rc;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return SK_EIO;
	if (!sk_write_all(fd, note, len) || fsync(fd) != 0) {
		close(fd);
		unlink(tmp);
		return SK_EIO;
	}
	close(fd);
	if (rename(tmp, path) != 0)
		return SK_EIO;
	/* The rename itself must reach the disk before the next checkpoint relies on it. */
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return SK_EIO;
	rc = fsync(fd) == 0 ? SK_OK : SK_EIO;
	close(fd);
	return rc;
}

int seclog_head_read(const char *dir, char *out, size_t cap, size_t *len)
{
	char path[SECLOG_PATH_MAX];
	struct stat st;
	ssize_t n;
	int fd, rc;

	rc = seclog_path(path, sizeof(path), dir, SECLOG_HEAD_FILE);
	if (rc)
		return rc;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? SK_ENOTFOUND : SK_EIO;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size >= cap) {
		close(fd);
		return SK_ECORRUPT;
	}
	n = read(fd, out, cap - 1);
	close(fd);
	if (n < 0)
		return SK_EIO;
	out[n] = '\0';
	*len = (size_t)n;
	return SK_OK;
}

int seclog_origin_of(const char *name, char out[LEDGER_ORIGIN_MAX + 1])
{
	int n = snprintf(out, LEDGER_ORIGIN_MAX + 1, "%s%s", name, SECLOG_ORIGIN_SFX);

	if (n < 0 || n > LEDGER_ORIGIN_MAX || !ledger_origin_valid(out))
		return SK_EINVAL;
	return SK_OK;
}

int64_t seclog_retain_until(int64_t recv_us, unsigned years)
{
	time_t secs = (time_t)(recv_us / 1000000);
	int64_t frac = recv_us % 1000000;
	struct tm tm;

	if (!gmtime_r(&secs, &tm))
		return INT64_MAX;
	/* 29 February plus ten years normalises to 1 March: later, never earlier. */
	tm.tm_year += (int)years;
	return (int64_t)timegm(&tm) * 1000000 + frac;
}

int64_t seclog_month_of(int64_t t_us)
{
	time_t secs = (time_t)(t_us / 1000000);
	struct tm tm;

	if (!gmtime_r(&secs, &tm))
		return 0;
	return (int64_t)(tm.tm_year + 1900) * 100 + tm.tm_mon + 1;
}

int seclog_meta_get(sqlite3 *db, const char *key, char *out, size_t cap)
{
	sqlite3_stmt *st = NULL;
	int rc = SK_ENOTFOUND;

	if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = ?1", -1, &st, NULL) !=
	    SQLITE_OK)
		return SK_EIO;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);

		rc = v && (size_t)snprintf(out, cap, "%s", v) < cap ? SK_OK : SK_ECORRUPT;
	}
	sqlite3_finalize(st);
	return rc;
}

/* ---- tiles ---- */

int seclog_tiles_init(struct seclog_tiles *t, sqlite3 *db)
{
	memset(t->have, 0, sizeof(t->have));
	t->st = NULL;
	if (sqlite3_prepare_v2(db, "SELECT hashes FROM tile WHERE level = ?1 AND idx = ?2", -1,
	                       &t->st, NULL) != SQLITE_OK)
		return SK_EIO;
	return SK_OK;
}

void seclog_tiles_release(struct seclog_tiles *t)
{
	sqlite3_finalize(t->st);
	t->st = NULL;
}

int seclog_tiles_get(struct seclog_tiles *t, unsigned level, uint64_t idx)
{
	const void *p;
	size_t n;
	int rc;

	if (level >= SECLOG_TILE_LEVELS)
		return SK_ERANGE;
	if (t->have[level] && t->idx[level] == idx)
		return SK_OK;
	t->have[level] = false;
	sqlite3_bind_int(t->st, 1, (int)level);
	sqlite3_bind_int64(t->st, 2, (int64_t)idx);
	rc = sqlite3_step(t->st);
	if (rc == SQLITE_DONE) {
		rc = SK_ENOTFOUND;
		goto out_reset;
	}
	if (rc != SQLITE_ROW) {
		rc = SK_EIO;
		goto out_reset;
	}
	p = sqlite3_column_blob(t->st, 0);
	n = (size_t)sqlite3_column_bytes(t->st, 0);
	if (!p || n == 0 || n % LEDGER_HASH_LEN || n > sizeof(t->h[level])) {
		rc = SK_ECORRUPT;
		goto out_reset;
	}
	memcpy(t->h[level], p, n);
	t->width[level] = (unsigned)(n / LEDGER_HASH_LEN);
	t->idx[level] = idx;
	t->have[level] = true;
	rc = SK_OK;
out_reset:
	sqlite3_reset(t->st);
	return rc;
}

int seclog_tiles_read_node(void *ctx, unsigned level, uint64_t index, uint8_t out[LEDGER_HASH_LEN])
{
	struct seclog_tiles *t = ctx;
	struct ledger_tile_ref ref;
	int rc;

	ledger_tile_locate(level, index, &ref);
	rc = seclog_tiles_get(t, ref.tile_level, ref.tile_index);
	if (rc)
		return rc == SK_ENOTFOUND ? SK_ECORRUPT : rc;
	if (ref.offset + ref.count > t->width[ref.tile_level])
		return SK_ECORRUPT;
	ledger_tile_fold((const uint8_t(*)[LEDGER_HASH_LEN])t->h[ref.tile_level][ref.offset],
	                 ref.count, out);
	return SK_OK;
}

int seclog_seal_parse(const char *text, uint64_t *size, uint8_t root[LEDGER_HASH_LEN],
                      uint8_t sig[LEDGER_SEAL_SIG_LEN])
{
	const char *sp1, *sp2;
	char *end;
	unsigned long long v;

	sp1 = strchr(text, ' ');
	sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
	if (!sp1 || !sp2 || text[0] < '0' || text[0] > '9')
		return SK_ECORRUPT;
	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno || end != sp1)
		return SK_ECORRUPT;
	if (sk_base64_decode(sp1 + 1, (size_t)(sp2 - sp1 - 1), root, LEDGER_HASH_LEN, NULL) ||
	    sk_base64_decode(sp2 + 1, strlen(sp2 + 1), sig, LEDGER_SEAL_SIG_LEN, NULL))
		return SK_ECORRUPT;
	*size = v;
	return SK_OK;
}

/* ---- the hashed message encoding ---- */

static void put_u64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--) {
		p[i] = (uint8_t)v;
		v >>= 8;
	}
}

static uint64_t get_u64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* A one-line header field: UTF-8 without control characters. */
static int check_field(const char *s, size_t len, size_t max, bool lines)
{
	if (len > max)
		return SK_ETOOBIG;
	if (len && !s)
		return SK_EINVAL;
	if (!sk_utf8_valid(s, len))
		return SK_EINVAL;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		/* Text may hold tabs and line breaks; never NUL or other C0 / DEL. */
		if (c == 0x7f || (c < 0x20 && !(lines && (c == '\t' || c == '\n' || c == '\r'))))
			return SK_EINVAL;
	}
	return SK_OK;
}

int seclog_msg_encode(const struct seclog_msg *m, struct buf *out, const char **field)
{
	const struct {
		const char *name;
		const char *s;
		size_t len, max;
		bool lines;
	} f[] = {
	        {"hostname", m->hostname, m->hostname_len, SECLOG_HOST_MAX, false},
	        {"app", m->app, m->app_len, SECLOG_APP_MAX, false},
	        {"procid", m->procid, m->procid_len, SECLOG_PROCID_MAX, false},
	        {"msgid", m->msgid, m->msgid_len, SECLOG_MSGID_MAX, false},
	        {"sd", m->sd, m->sd_len, SECLOG_SD_MAX, false},
	        {"text", m->text, m->text_len, SECLOG_TEXT_MAX, true},
	};
	uint8_t head[1 + 8 + 8 + 3 + 8], len4[4];
	const char *bad = NULL;
	size_t start = out->len;
	int rc = SK_EINVAL;

	if (m->recv_us <= 0)
		bad = "recv_us";
	else if (m->source < 0)
		bad = "source";
	else if (m->retention_years < SECLOG_RETAIN_MIN || m->retention_years > SECLOG_RETAIN_MAX)
		bad = "retention_years";
	else if (m->facility > 23)
		bad = "facility";
	else if (m->severity > 7)
		bad = "severity";
	else if (m->raw_len > SECLOG_RAW_MAX) {
		bad = "raw";
		rc = SK_ETOOBIG;
	} else if (m->raw_len && !m->raw)
		bad = "raw";
	for (size_t i = 0; !bad && i < sizeof(f) / sizeof(f[0]); i++) {
		rc = check_field(f[i].s, f[i].len, f[i].max, f[i].lines);
		if (rc)
			bad = f[i].name;
	}
	if (bad) {
		if (field)
			*field = bad;
		return rc ? rc : SK_EINVAL;
	}
	head[0] = 1;
	put_u64(head + 1, (uint64_t)m->recv_us);
	put_u64(head + 9, (uint64_t)m->source);
	head[17] = (uint8_t)m->retention_years;
	head[18] = (uint8_t)m->facility;
	head[19] = (uint8_t)m->severity;
	put_u64(head + 20, (uint64_t)m->timestamp_us);
	buf_append(out, head, sizeof(head));
	for (size_t i = 0; i <= sizeof(f) / sizeof(f[0]); i++) {
		bool raw = i == sizeof(f) / sizeof(f[0]);
		size_t len = raw ? m->raw_len : f[i].len;

		len4[0] = (uint8_t)(len >> 24);
		len4[1] = (uint8_t)(len >> 16);
		len4[2] = (uint8_t)(len >> 8);
		len4[3] = (uint8_t)len;
		buf_append(out, len4, 4);
		if (len)
			buf_append(out, raw ? (const void *)m->raw : (const void *)f[i].s, len);
	}
	if (out->err) {
		rc = out->err;
		/* Leave out as it was: the caller may keep appending after an error of ours. */
		if (out->ptr && out->len >= start) {
			out->len = start;
			out->ptr[start] = '\0';
		}
		return rc;
	}
	return SK_OK;
}

int seclog_msg_decode(const uint8_t *b, size_t len, struct seclog_msg *m)
{
	const char **s[] = {&m->hostname, &m->app, &m->procid, &m->msgid, &m->sd, &m->text};
	size_t *l[] = {&m->hostname_len, &m->app_len, &m->procid_len,
	               &m->msgid_len,    &m->sd_len,  &m->text_len};
	size_t pos = 28;
	struct buf re;
	int rc;

	memset(m, 0, sizeof(*m));
	if (!b || len < pos || b[0] != 1 || len > SECLOG_MSG_MAX_ENC)
		return SK_EINVAL;
	m->recv_us = (int64_t)get_u64(b + 1);
	m->source = (int64_t)get_u64(b + 9);
	m->retention_years = b[17];
	m->facility = b[18];
	m->severity = b[19];
	m->timestamp_us = (int64_t)get_u64(b + 20);
	for (unsigned i = 0; i < 7; i++) {
		size_t n;

		if (len - pos < 4)
			return SK_EINVAL;
		n = (size_t)b[pos] << 24 | (size_t)b[pos + 1] << 16 | (size_t)b[pos + 2] << 8 |
		    b[pos + 3];
		pos += 4;
		if (len - pos < n)
			return SK_EINVAL;
		if (i < 6) {
			*s[i] = (const char *)(b + pos);
			*l[i] = n;
		} else {
			m->raw = b + pos;
			m->raw_len = n;
		}
		pos += n;
	}
	if (pos != len)
		return SK_EINVAL;
	/* Strict: exactly what the encoder writes, so one message has one leaf. */
	buf_init(&re, SECLOG_MSG_MAX_ENC);
	rc = seclog_msg_encode(m, &re, NULL);
	if (!rc && (re.len != len || memcmp(re.ptr, b, len) != 0))
		rc = SK_EINVAL;
	buf_release(&re);
	return rc ? SK_EINVAL : SK_OK;
}
