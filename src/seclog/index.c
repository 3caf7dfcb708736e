/*
 * seclog index: derived tables in seclog.db that make the log searchable —
 * ix_msg (the filter columns, one row per indexed message) and ix_fts, a
 * contentless FTS5 index of host, app and text — built after commit by an
 * indexer with its own connection, in short chunks past its high-water
 * mark. Contentless because the text is already in the hashed body: the
 * FTS keeps only its inverted index, and a search reads the bodies it
 * shows. Nothing here is hashed or verified; seclog_reindex rebuilds it.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "seclog/search.h"
#include "seclog/seclog_int.h"
#include "seclog/search_int.h"

/* Short write transactions: the ingest writer waits at most one chunk. */
#define IX_CHUNK     1000
#define IX_VERSION   2 /* a change of the tables below: rebuilt from the messages */
#define IX_VERSION_S "2"
#define IX_IDLE_MS   1000

static const char ix_schema[] =
        "CREATE TABLE IF NOT EXISTS ix_state (key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
        "CREATE TABLE IF NOT EXISTS ix_msg (idx INTEGER PRIMARY KEY, source INTEGER NOT NULL,"
        " recv_us INTEGER NOT NULL, severity INTEGER NOT NULL, host TEXT, app TEXT);"
        "CREATE INDEX IF NOT EXISTS ix_msg_host ON ix_msg (host, idx);"
        "CREATE INDEX IF NOT EXISTS ix_msg_app ON ix_msg (app, idx);"
        "CREATE INDEX IF NOT EXISTS ix_msg_time ON ix_msg (recv_us);"
        "CREATE TABLE IF NOT EXISTS ix_source (source INTEGER PRIMARY KEY,"
        " messages INTEGER NOT NULL, last_us INTEGER NOT NULL);"
        "CREATE VIRTUAL TABLE IF NOT EXISTS ix_fts USING fts5 (host, app, text,"
        " content='', columnsize=0);"
        "INSERT OR IGNORE INTO ix_state (key, value) VALUES ('version', " IX_VERSION_S "),"
        " ('indexed', 0),"
        " ('max_recv', 0), ('late', 0);";

static const char ix_drop[] = "DROP TABLE IF EXISTS ix_fts; DROP TABLE IF EXISTS ix_msg;"
                              "DROP TABLE IF EXISTS ix_source;"
                              "DROP TABLE IF EXISTS ix_state;";

static int source_counts(sqlite3 *db, uint64_t first, uint64_t end, int sign);

struct seclog_index {
	char dir[SECLOG_PATH_MAX];
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop, kicked, started;
};

bool seclog_ix_present(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	bool have = false;

	if (sqlite3_prepare_v2(db,
	                       "SELECT count(*) FROM sqlite_master WHERE name IN "
	                       "('ix_state', 'ix_msg', 'ix_fts', 'ix_source')",
	                       -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		have = sqlite3_column_int(st, 0) == 4;
	sqlite3_finalize(st);
	return have;
}

int seclog_ix_indexed(sqlite3 *db, uint64_t *out)
{
	sqlite3_stmt *st = NULL;
	int rc = SK_EIO;

	*out = 0;
	if (!seclog_ix_present(db))
		return SK_OK;
	if (sqlite3_prepare_v2(db, "SELECT value FROM ix_state WHERE key = 'indexed'", -1, &st,
	                       NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW) {
			sqlite3_int64 v = sqlite3_column_int64(st, 0);

			*out = v > 0 ? (uint64_t)v : 0;
		}
		rc = SK_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

/* Creates the tables if missing; a different version is dropped and rebuilt. */
static int ix_ensure(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	int v = IX_VERSION, rc;

	rc = seclog_exec(db, "BEGIN IMMEDIATE");
	if (rc)
		return rc;
	if (seclog_ix_present(db) &&
	    sqlite3_prepare_v2(db, "SELECT value FROM ix_state WHERE key = 'version'", -1, &st,
	                       NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (v != IX_VERSION)
		rc = seclog_exec(db, ix_drop);
	if (!rc)
		rc = seclog_exec(db, ix_schema);
	if (!rc)
		rc = seclog_exec(db, "COMMIT");
	if (rc)
		seclog_exec(db, "ROLLBACK");
	return rc;
}

/* What the FTS holds of a message: the same for insert and delete. */
static void bind_fts(sqlite3_stmt *st, int at, const struct seclog_msg *m)
{
	sqlite3_bind_text(st, at, m->hostname ? m->hostname : "", (int)m->hostname_len,
	                  SQLITE_STATIC);
	sqlite3_bind_text(st, at + 1, m->app ? m->app : "", (int)m->app_len, SQLITE_STATIC);
	sqlite3_bind_text(st, at + 2, m->text ? m->text : "", (int)m->text_len, SQLITE_STATIC);
}

static void bind_opt(sqlite3_stmt *st, int at, const char *s, size_t len)
{
	if (s && len)
		sqlite3_bind_text(st, at, s, (int)len, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, at);
}

/*
 * Indexes up to IX_CHUNK committed messages past the high-water mark in one
 * transaction. *done gets how many were looked at (0: nothing left).
 */
static int64_t state_get(sqlite3 *db, const char *key)
{
	sqlite3_stmt *st = NULL;
	int64_t v = 0;

	if (sqlite3_prepare_v2(db, "SELECT value FROM ix_state WHERE key = ?1", -1, &st, NULL) ==
	    SQLITE_OK) {
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	return v;
}

static int state_set(sqlite3 *db, const char *key, int64_t v)
{
	sqlite3_stmt *st = NULL;
	int rc = SK_EIO;

	if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO ix_state (key, value) VALUES (?1, ?2)",
	                       -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, v);
		rc = sqlite3_step(st) == SQLITE_DONE ? SK_OK : SK_EIO;
	}
	sqlite3_finalize(st);
	return rc;
}

int seclog_ix_lateness(sqlite3 *db, int64_t *late)
{
	*late = seclog_ix_present(db) ? state_get(db, "late") : 0;
	return SK_OK;
}

static int ix_chunk(sqlite3 *db, uint64_t *done)
{
	sqlite3_stmt *sel = NULL, *im = NULL, *ifts = NULL, *hw = NULL;
	uint64_t hwm, next;
	/*
	 * The receipt times in index order are nearly sorted: "late" is how far
	 * any message's time lies behind the latest before it. A time range
	 * becomes an index range with it (search.c), exactly.
	 */
	int64_t max_recv = 0, late = 0;
	unsigned n = 0;
	int rc, step;

	*done = 0;
	rc = seclog_exec(db, "BEGIN IMMEDIATE");
	if (rc)
		return rc;
	rc = seclog_ix_indexed(db, &hwm);
	if (rc)
		goto out;
	max_recv = state_get(db, "max_recv");
	late = state_get(db, "late");
	next = hwm;
	if (sqlite3_prepare_v2(
	            db, "SELECT idx, body, recv_us FROM msg WHERE idx >= ?1 ORDER BY idx LIMIT ?2",
	            -1, &sel, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
	                       "INSERT INTO ix_msg (idx, source, recv_us, severity, host, app)"
	                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	                       -1, &im, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(
	            db, "INSERT INTO ix_fts (rowid, host, app, text) VALUES (?1, ?2, ?3, ?4)", -1,
	            &ifts, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "UPDATE ix_state SET value = ?1 WHERE key = 'indexed'", -1, &hw,
	                       NULL) != SQLITE_OK) {
		rc = SK_EIO;
		goto out;
	}
	sqlite3_bind_int64(sel, 1, (int64_t)hwm);
	sqlite3_bind_int(sel, 2, IX_CHUNK);
	while ((step = sqlite3_step(sel)) == SQLITE_ROW) {
		int64_t idx = sqlite3_column_int64(sel, 0);
		const uint8_t *body = sqlite3_column_blob(sel, 1);
		size_t len = (size_t)sqlite3_column_bytes(sel, 1);
		struct seclog_msg m;

		n++;
		next = (uint64_t)idx + 1;
		{
			int64_t t = sqlite3_column_int64(sel, 2);

			if (t > max_recv)
				max_recv = t;
			if (max_recv - t > late)
				late = max_recv - t;
		}
		/* Culled before it was indexed, or unreadable (verify names it): nothing to find.
		 */
		if (!body || seclog_msg_decode(body, len, &m) != SK_OK)
			continue;
		sqlite3_bind_int64(im, 1, idx);
		sqlite3_bind_int64(im, 2, m.source);
		sqlite3_bind_int64(im, 3, m.recv_us);
		sqlite3_bind_int(im, 4, (int)m.severity);
		bind_opt(im, 5, m.hostname, m.hostname_len);
		bind_opt(im, 6, m.app, m.app_len);
		sqlite3_bind_int64(ifts, 1, idx);
		bind_fts(ifts, 2, &m);
		if (sqlite3_step(im) != SQLITE_DONE || sqlite3_step(ifts) != SQLITE_DONE) {
			rc = SK_EIO;
			goto out;
		}
		sqlite3_reset(im);
		sqlite3_reset(ifts);
	}
	if (step != SQLITE_DONE) {
		rc = SK_EIO;
		goto out;
	}
	if (n) {
		sqlite3_bind_int64(hw, 1, (int64_t)next);
		if (sqlite3_step(hw) != SQLITE_DONE)
			rc = SK_EIO;
	}
	if (n && !rc)
		rc = source_counts(db, hwm, next, 1);
	if (n && !rc)
		rc = state_set(db, "max_recv", max_recv);
	if (n && !rc)
		rc = state_set(db, "late", late);
	if (!rc)
		*done = n;
out:
	sqlite3_finalize(sel);
	sqlite3_finalize(im);
	sqlite3_finalize(ifts);
	sqlite3_finalize(hw);
	if (!rc)
		rc = seclog_exec(db, "COMMIT");
	if (rc)
		seclog_exec(db, "ROLLBACK");
	return rc;
}

/* Adds (sign 1) or takes away (-1) the index rows first..end-1 in ix_source. */
static int source_counts(sqlite3 *db, uint64_t first, uint64_t end, int sign)
{
	sqlite3_stmt *st = NULL;
	int rc = SK_EIO;

	if (sqlite3_prepare_v2(db,
	                       "INSERT INTO ix_source (source, messages, last_us)"
	                       " SELECT source, ?3 * count(*), max(recv_us) FROM ix_msg"
	                       " WHERE idx >= ?1 AND idx < ?2 GROUP BY source"
	                       " ON CONFLICT (source) DO UPDATE SET"
	                       " messages = messages + excluded.messages,"
	                       " last_us = max(last_us, excluded.last_us)",
	                       -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, (int64_t)first);
		sqlite3_bind_int64(st, 2, (int64_t)end);
		sqlite3_bind_int(st, 3, sign);
		rc = sqlite3_step(st) == SQLITE_DONE ? SK_OK : SK_EIO;
	}
	sqlite3_finalize(st);
	return rc;
}

static int ix_open(const char *dir, sqlite3 **db)
{
	int rc = seclog_db_open(dir, false, false, db);

	/* Derived data: a crash may lose the last chunk, never the index's consistency. */
	if (!rc)
		rc = seclog_exec(*db, "PRAGMA synchronous = NORMAL");
	if (!rc)
		rc = ix_ensure(*db);
	if (rc) {
		sqlite3_close(*db);
		*db = NULL;
	}
	return rc;
}

static int ix_all(sqlite3 *db, uint64_t *count)
{
	uint64_t n;
	int rc;

	do {
		rc = ix_chunk(db, &n);
		if (count)
			*count += n;
	} while (!rc && n);
	return rc;
}

int seclog_index_cull(sqlite3 *db, uint64_t first, uint64_t last)
{
	sqlite3_stmt *sel = NULL, *dm = NULL, *dfts = NULL;
	uint64_t hwm;
	int rc, step;

	if (!seclog_ix_present(db))
		return SK_OK;
	rc = seclog_ix_indexed(db, &hwm);
	if (rc || hwm <= first)
		return rc;
	if (last >= hwm)
		last = hwm - 1;
	rc = source_counts(db, first, last + 1, -1);
	if (rc)
		return rc;
	if (sqlite3_prepare_v2(db,
	                       "SELECT m.idx, m.body FROM msg m JOIN ix_msg x ON x.idx = m.idx"
	                       " WHERE m.idx BETWEEN ?1 AND ?2",
	                       -1, &sel, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "DELETE FROM ix_msg WHERE idx = ?1", -1, &dm, NULL) !=
	            SQLITE_OK ||
	    sqlite3_prepare_v2(db,
	                       "INSERT INTO ix_fts (ix_fts, rowid, host, app, text)"
	                       " VALUES ('delete', ?1, ?2, ?3, ?4)",
	                       -1, &dfts, NULL) != SQLITE_OK) {
		rc = SK_EIO;
		goto out;
	}
	sqlite3_bind_int64(sel, 1, (int64_t)first);
	sqlite3_bind_int64(sel, 2, (int64_t)last);
	while ((step = sqlite3_step(sel)) == SQLITE_ROW) {
		int64_t idx = sqlite3_column_int64(sel, 0);
		const uint8_t *body = sqlite3_column_blob(sel, 1);
		size_t len = (size_t)sqlite3_column_bytes(sel, 1);
		struct seclog_msg m;

		/* A contentless FTS forgets a row only when told exactly what it indexed. */
		if (body && seclog_msg_decode(body, len, &m) == SK_OK) {
			sqlite3_bind_int64(dfts, 1, idx);
			bind_fts(dfts, 2, &m);
			if (sqlite3_step(dfts) != SQLITE_DONE) {
				rc = SK_EIO;
				goto out;
			}
			sqlite3_reset(dfts);
		}
		sqlite3_bind_int64(dm, 1, idx);
		if (sqlite3_step(dm) != SQLITE_DONE) {
			rc = SK_EIO;
			goto out;
		}
		sqlite3_reset(dm);
	}
	if (step != SQLITE_DONE)
		rc = SK_EIO;
out:
	sqlite3_finalize(sel);
	sqlite3_finalize(dm);
	sqlite3_finalize(dfts);
	return rc;
}

static void *ix_main(void *arg)
{
	struct seclog_index *ix = arg;
	sqlite3 *db = NULL;

	pthread_mutex_lock(&ix->mu);
	while (!ix->stop) {
		ix->kicked = false;
		pthread_mutex_unlock(&ix->mu);
		if (!db && ix_open(ix->dir, &db) != SK_OK)
			db = NULL; /* retried after the next wake */
		if (db) {
			uint64_t n = 0;

			/* One chunk at a time so stop is seen between chunks. */
			do {
				if (ix_chunk(db, &n) != SK_OK) {
					/* e.g. a reindex dropped the tables under us: reopen */
					sqlite3_close(db);
					db = NULL;
					n = 0;
				}
				pthread_mutex_lock(&ix->mu);
				bool stop = ix->stop;
				pthread_mutex_unlock(&ix->mu);
				if (stop)
					n = 0;
			} while (n);
		}
		pthread_mutex_lock(&ix->mu);
		if (!ix->stop && !ix->kicked) {
			struct timespec ts;

			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += IX_IDLE_MS / 1000;
			pthread_cond_timedwait(&ix->cv, &ix->mu, &ts);
		}
	}
	pthread_mutex_unlock(&ix->mu);
	sqlite3_close(db);
	return NULL;
}

int seclog_index_start(const char *dir, struct seclog_index **out)
{
	struct seclog_index *ix;
	sqlite3 *db = NULL;
	int rc;

	*out = NULL;
	/* Creates the tables now, so a bad database is reported to the caller. */
	rc = ix_open(dir, &db);
	sqlite3_close(db);
	if (rc)
		return rc;
	ix = calloc(1, sizeof(*ix));
	if (!ix)
		return SK_ENOMEM;
	if (strlen(dir) >= sizeof(ix->dir)) {
		free(ix);
		return SK_ETOOBIG;
	}
	memcpy(ix->dir, dir, strlen(dir) + 1);
	pthread_mutex_init(&ix->mu, NULL);
	pthread_cond_init(&ix->cv, NULL);
	if (pthread_create(&ix->th, NULL, ix_main, ix) != 0) {
		pthread_mutex_destroy(&ix->mu);
		pthread_cond_destroy(&ix->cv);
		free(ix);
		return SK_ENOMEM;
	}
	ix->started = true;
	*out = ix;
	return SK_OK;
}

void seclog_index_kick(struct seclog_index *ix)
{
	if (!ix)
		return;
	pthread_mutex_lock(&ix->mu);
	ix->kicked = true;
	pthread_cond_signal(&ix->cv);
	pthread_mutex_unlock(&ix->mu);
}

int seclog_index_sync(struct seclog_index *ix)
{
	sqlite3 *db = NULL;
	int rc;

	if (!ix)
		return SK_EINVAL;
	/* In the caller's thread: chunks are transactions, so two indexers cannot collide. */
	rc = ix_open(ix->dir, &db);
	if (!rc)
		rc = ix_all(db, NULL);
	sqlite3_close(db);
	return rc;
}

void seclog_index_stop(struct seclog_index *ix)
{
	if (!ix)
		return;
	pthread_mutex_lock(&ix->mu);
	ix->stop = true;
	pthread_cond_signal(&ix->cv);
	pthread_mutex_unlock(&ix->mu);
	if (ix->started)
		pthread_join(ix->th, NULL);
	pthread_mutex_destroy(&ix->mu);
	pthread_cond_destroy(&ix->cv);
	free(ix);
}

int seclog_reindex(const char *dir, uint64_t *indexed)
{
	sqlite3 *db = NULL;
	int rc;

	if (indexed)
		*indexed = 0;
	rc = seclog_db_open(dir, false, false, &db);
	if (rc)
		return rc;
	rc = seclog_exec(db, "BEGIN IMMEDIATE");
	if (!rc)
		rc = seclog_exec(db, ix_drop);
	if (!rc)
		rc = seclog_exec(db, "COMMIT");
	if (rc)
		seclog_exec(db, "ROLLBACK");
	sqlite3_close(db);
	db = NULL;
	if (!rc)
		rc = ix_open(dir, &db);
	if (!rc)
		rc = ix_all(db, indexed);
	sqlite3_close(db);
	return rc;
}

int seclog_index_sources(const char *dir, int64_t **ids, size_t *n)
{
	sqlite3_stmt *st = NULL;
	sqlite3 *db = NULL;
	size_t cap = 0;
	int rc, step;

	*ids = NULL;
	*n = 0;
	rc = seclog_db_open(dir, true, false, &db);
	if (rc)
		return rc;
	if (!seclog_ix_present(db))
		goto out;
	if (sqlite3_prepare_v2(db,
	                       "SELECT source FROM ix_source WHERE messages > 0 ORDER BY source",
	                       -1, &st, NULL) != SQLITE_OK) {
		rc = SK_EIO;
		goto out;
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			int64_t *p = realloc(*ids, (cap ? 2 * cap : 16) * sizeof(**ids));

			if (!p) {
				rc = SK_ENOMEM;
				goto out;
			}
			*ids = p;
			cap = cap ? 2 * cap : 16;
		}
		(*ids)[(*n)++] = sqlite3_column_int64(st, 0);
	}
	if (step != SQLITE_DONE)
		rc = SK_EIO;
out:
	if (rc) {
		free(*ids);
		*ids = NULL;
		*n = 0;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}

int seclog_index_status(const char *dir, const int64_t *sources, size_t nsources, json_t **out)
{
	sqlite3_stmt *st = NULL;
	sqlite3 *db = NULL;
	uint64_t size = 0, indexed = 0;
	json_t *srcs = json_array(), *cp = json_null();
	int rc;

	*out = NULL;
	rc = seclog_db_open(dir, true, false, &db);
	if (rc)
		goto out;
	rc = seclog_exec(db, "BEGIN");
	if (!rc)
		rc = seclog_log_size(db, &size);
	if (!rc)
		rc = seclog_ix_indexed(db, &indexed);
	if (rc)
		goto out;
	if (sqlite3_prepare_v2(db, "SELECT size, time FROM checkpoint ORDER BY size DESC LIMIT 1",
	                       -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		char t[SK_TIME_LEN + 1];

		json_decref(cp);
		cp = json_pack("{sI ss}", "size", (json_int_t)sqlite3_column_int64(st, 0), "time",
		               sk_time_format(sqlite3_column_int64(st, 1), t) == SK_OK ? t : "");
	}
	sqlite3_finalize(st);
	st = NULL;
	/* Need-to-know: only the sources asked for, each looked up by its id. */
	if (seclog_ix_present(db) &&
	    sqlite3_prepare_v2(db, "SELECT messages, last_us FROM ix_source WHERE source = ?1", -1,
	                       &st, NULL) == SQLITE_OK) {
		for (size_t i = 0; i < nsources; i++) {
			char t[SK_TIME_LEN + 1];

			sqlite3_reset(st);
			sqlite3_bind_int64(st, 1, sources[i]);
			if (sqlite3_step(st) != SQLITE_ROW || sqlite3_column_int64(st, 0) <= 0)
				continue;
			json_array_append_new(
			        srcs,
			        json_pack("{sI sI ss}", "source", (json_int_t)sources[i],
			                  "messages", (json_int_t)sqlite3_column_int64(st, 0),
			                  "last",
			                  sk_time_format(sqlite3_column_int64(st, 1), t) == SK_OK
			                          ? t
			                          : ""));
		}
	}
	*out = json_pack("{sI sI sO sO}", "size", (json_int_t)size, "indexed", (json_int_t)indexed,
	                 "checkpoint", cp, "sources", srcs);
	rc = *out ? SK_OK : SK_ENOMEM;
out:
	json_decref(srcs);
	json_decref(cp);
	sqlite3_finalize(st);
	if (db)
		seclog_exec(db, "COMMIT");
	sqlite3_close(db);
	return rc;
}
