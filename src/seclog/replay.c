/*
 * The monitor's state derived from the log (monitor.h, seclog_replay): the
 * stored tail of seclog.db read back, read-only, in index order, so that a
 * restarted `skydd serve` has the windows, the dedupe and the sequence
 * numbers it had before the stop, and the alerts a crash lost are raised
 * again. See docs/internals/seclog.md, "In skydd serve".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seclog/monitor.h"
#include "seclog_int.h"
#include "util/banned.h"

/*
 * recv_us is not sorted by idx, only nearly: the writer takes a receipt
 * time at most a day behind and a minute ahead of its clock. Two messages
 * i < j therefore satisfy recv_us[i] <= recv_us[j] + SLACK.
 */
#define SLACK_US (86400LL * 1000000 + 60LL * 1000000)

struct batch {
	struct seclog_msg m[SECLOG_REPLAY_BATCH];
	uint8_t *body[SECLOG_REPLAY_BATCH];
	size_t n;
	uint64_t first;
};

static void batch_flush(struct batch *b, seclog_replay_fn fn, void *ctx,
                        struct seclog_replay_stats *st)
{
	if (b->n) {
		fn(ctx, b->m, b->n, b->first);
		st->replayed += b->n;
		st->batches++;
	}
	for (size_t i = 0; i < b->n; i++)
		free(b->body[i]);
	b->n = 0;
}

static int col_int(sqlite3 *db, const char *sql, int64_t arg, int64_t *out, bool *null)
{
	sqlite3_stmt *st = NULL;
	int rc = SK_EIO;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return SK_EIO;
	if (sqlite3_bind_parameter_count(st) > 0)
		sqlite3_bind_int64(st, 1, arg);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		*null = sqlite3_column_type(st, 0) == SQLITE_NULL;
		*out = sqlite3_column_int64(st, 0);
		rc = SK_OK;
		break;
	case SQLITE_DONE:
		*null = true;
		rc = SK_OK;
		break;
	default:
		break;
	}
	sqlite3_finalize(st);
	return rc;
}

/*
 * The first index from which every message with recv_us >= bound lies, by
 * binary search over idx in [lo, hi] (the rowid: each probe one B-tree
 * lookup). Indices are dense (append-only, no delete), so every probe hits a
 * row.
 */
static int first_at_or_after(sqlite3 *db, int64_t lo, int64_t hi, int64_t bound, int64_t *out,
                             unsigned *probes)
{
	sqlite3_stmt *st = NULL;
	int rc = SK_OK;

	if (sqlite3_prepare_v2(db, "SELECT recv_us FROM msg WHERE idx = ?1", -1, &st, NULL) !=
	    SQLITE_OK)
		return SK_EIO;
	/* invariant: everything before lo is < bound; hi + 1 is the answer if none is found */
	hi++;
	while (lo < hi) {
		int64_t mid = lo + (hi - lo) / 2, r;

		sqlite3_bind_int64(st, 1, mid);
		if (sqlite3_step(st) != SQLITE_ROW) {
			rc = SK_ECORRUPT; /* a hole in an append-only log */
			break;
		}
		r = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		(*probes)++;
		if (r < bound)
			lo = mid + 1;
		else
			hi = mid;
	}
	sqlite3_finalize(st);
	*out = lo;
	return rc;
}

/*
 * Opens DIR's seclog.db read-only in one snapshot (a writer beside us does
 * not move the ground under the search) and finds the first index that can
 * hold a message received at or after since_us. *none when the log is empty
 * or nothing lies within the slack of since_us.
 */
static int open_from(const char *dir, int64_t since_us, sqlite3 **db, int64_t *start, int64_t *hi,
                     bool *none, unsigned *probes)
{
	int64_t lo = 0;
	int rc;

	*none = false;
	rc = seclog_db_open(dir, true, false, db);
	if (rc)
		return rc;
	rc = seclog_exec(*db, "BEGIN");
	if (!rc)
		rc = col_int(*db, "SELECT min(idx) FROM msg", 0, &lo, none);
	if (!rc && !*none)
		rc = col_int(*db, "SELECT max(idx) FROM msg", 0, hi, none);
	if (!rc && !*none)
		rc = first_at_or_after(*db, lo, *hi, since_us - SLACK_US, start, probes);
	if (!rc && !*none && *start > *hi)
		*none = true;
	return rc;
}

static void close_db(sqlite3 *db)
{
	if (db) {
		seclog_exec(db, "COMMIT");
		sqlite3_close(db);
	}
}

int seclog_replay(const char *dir, int64_t since_us, uint64_t max_msgs, seclog_replay_fn fn,
                  void *ctx, struct seclog_replay_stats *st)
{
	struct seclog_replay_stats zero = {0};
	sqlite3 *db = NULL;
	sqlite3_stmt *q = NULL;
	struct batch *b = NULL;
	int64_t hi = 0, start = 0;
	bool none = false;
	int rc, step;

	if (st)
		*st = zero;
	if (!dir || !fn || !st || since_us <= 0 || max_msgs == 0)
		return SK_EINVAL;
	rc = open_from(dir, since_us, &db, &start, &hi, &none, &st->probes);
	if (!rc && !none)
		st->size = (uint64_t)hi + 1;
	if (rc || none)
		goto out;
	if ((uint64_t)(hi - start) >= max_msgs) {
		start = hi - (int64_t)(max_msgs - 1); /* the newest max_msgs */
		st->cut = true;
	}
	st->first = (uint64_t)start;
	b = malloc(sizeof(*b));
	if (!b) {
		rc = SK_ENOMEM;
		goto out;
	}
	b->n = 0;
	if (sqlite3_prepare_v2(db,
	                       "SELECT idx, recv_us, body FROM msg WHERE idx >= ?1 ORDER BY idx",
	                       -1, &q, NULL) != SQLITE_OK) {
		rc = SK_EIO;
		goto out;
	}
	sqlite3_bind_int64(q, 1, start);
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		uint64_t idx = (uint64_t)sqlite3_column_int64(q, 0);
		const void *body = sqlite3_column_blob(q, 2);
		size_t len = (size_t)sqlite3_column_bytes(q, 2);
		uint8_t *copy;

		if (sqlite3_column_int64(q, 1) < since_us) {
			st->older++; /* within the slack, before since */
			continue;
		}
		if (!body) {
			st->culled++; /* its segment was culled: nothing left to judge */
			continue;
		}
		/* fn takes consecutive indices: a skipped row ends the batch */
		if (b->n && (b->n == SECLOG_REPLAY_BATCH || idx != b->first + b->n))
			batch_flush(b, fn, ctx, st);
		copy = malloc(len);
		if (!copy) {
			rc = SK_ENOMEM;
			break;
		}
		memcpy(copy, body, len);
		if (seclog_msg_decode(copy, len, &b->m[b->n]) != SK_OK) {
			free(copy); /* seclog_verify names it; the monitor cannot judge it */
			st->undecodable++;
			continue;
		}
		if (b->n == 0)
			b->first = idx;
		b->body[b->n++] = copy;
	}
	if (!rc && step != SQLITE_DONE)
		rc = SK_EIO;
	if (!rc)
		batch_flush(b, fn, ctx, st);
out:
	if (b) {
		for (size_t i = 0; i < b->n; i++)
			free(b->body[i]);
		free(b);
	}
	sqlite3_finalize(q);
	close_db(db);
	return rc;
}

int seclog_last_heard(const char *dir, int64_t since_us, uint64_t max_rows, const int64_t *sources,
                      size_t n, int64_t *last_us, uint64_t *rows)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *q = NULL;
	int64_t hi = 0, start = 0;
	uint64_t read = 0;
	unsigned probes = 0;
	size_t left = n;
	bool none = false;
	int rc, step = SQLITE_DONE;

	if (rows)
		*rows = 0;
	if (!dir || (n && (!sources || !last_us)) || since_us <= 0 || max_rows == 0)
		return SK_EINVAL;
	for (size_t i = 0; i < n; i++)
		last_us[i] = 0;
	if (n == 0)
		return SK_OK;
	rc = open_from(dir, since_us, &db, &start, &hi, &none, &probes);
	if (rc || none)
		goto out;
	if (sqlite3_prepare_v2(db,
	                       "SELECT recv_us, source FROM msg WHERE idx >= ?1 ORDER BY idx DESC",
	                       -1, &q, NULL) != SQLITE_OK) {
		rc = SK_EIO;
		goto out;
	}
	sqlite3_bind_int64(q, 1, start);
	/* newest first: a source's first hit is nearly its newest (recv_us's slack) */
	while (left && read < max_rows && (step = sqlite3_step(q)) == SQLITE_ROW) {
		int64_t t = sqlite3_column_int64(q, 0), src = sqlite3_column_int64(q, 1);

		read++;
		if (t < since_us)
			continue;
		for (size_t i = 0; i < n; i++) {
			if (sources[i] != src)
				continue;
			if (last_us[i] == 0)
				left--;
			if (t > last_us[i])
				last_us[i] = t;
		}
	}
	if (left && read < max_rows && step != SQLITE_DONE)
		rc = SK_EIO;
out:
	if (rows)
		*rows = read;
	sqlite3_finalize(q);
	close_db(db);
	return rc;
}
