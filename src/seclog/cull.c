/*
 * Culling: once every message of a closed segment is past its retention
 * (4 kap. 28 §), its bodies may be removed by an explicit, signed and
 * recorded decision. The tree's tiles stay, so the rest still verifies.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "search_int.h"
#include "seclog_int.h"

/* who and why go into a signed note: one line of UTF-8, no control characters. */
static bool line_ok(const char *s, size_t max)
{
	size_t len;

	if (!s)
		return false;
	len = strnlen(s, max + 1);
	if (len == 0 || len > max || !sk_utf8_valid(s, len) || sk_text_blank(s, len))
		return false;
	for (size_t i = 0; i < len; i++) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	}
	return true;
}

/* The latest end of retention over the segment's stored bodies (not its column). */
static int max_retention(sqlite3 *db, uint64_t first, uint64_t last, int64_t *out)
{
	sqlite3_stmt *st = NULL;
	int rc = SK_OK, step;

	*out = INT64_MIN;
	if (sqlite3_prepare_v2(db, "SELECT body FROM msg WHERE idx BETWEEN ?1 AND ?2", -1, &st,
	                       NULL) != SQLITE_OK)
		return SK_EIO;
	sqlite3_bind_int64(st, 1, (int64_t)first);
	sqlite3_bind_int64(st, 2, (int64_t)last);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct seclog_msg m;
		int64_t until;

		if (seclog_msg_decode(sqlite3_column_blob(st, 0),
		                      (size_t)sqlite3_column_bytes(st, 0), &m)) {
			rc = SK_ECORRUPT; /* never cull what cannot be read: verify first */
			break;
		}
		until = seclog_retain_until(m.recv_us, m.retention_years);
		if (until > *out)
			*out = until;
	}
	if (!rc && step != SQLITE_DONE)
		rc = SK_EIO;
	sqlite3_finalize(st);
	return rc;
}

static int sign_decision(const struct ledger_signer *sg, const char *origin, int64_t seg,
                         uint64_t first, uint64_t last, int64_t until, int64_t now, const char *who,
                         const char *why, struct buf *note)
{
	struct buf text;
	int rc;

	buf_init(&text, 4096);
	buf_printf(&text,
	           "%s\ncull\nsegment %" PRId64 " %" PRIu64 " %" PRIu64 "\nretain_until %" PRId64
	           "\ntime %" PRId64 "\nwho %s\nwhy %s\n",
	           origin, seg, first, last, until, now, who, why);
	rc = text.err ? text.err : ledger_note_sign(text.ptr, text.len, sg, note);
	buf_release(&text);
	return rc;
}

static int exec_bound(sqlite3 *db, const char *sql, int64_t a, int64_t b)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return SK_EIO;
	sqlite3_bind_int64(st, 1, a);
	if (sqlite3_bind_parameter_count(st) > 1)
		sqlite3_bind_int64(st, 2, b);
	rc = sqlite3_step(st) == SQLITE_DONE ? SK_OK : SK_EIO;
	sqlite3_finalize(st);
	return rc;
}

/* The segment's range, whether it is culled and whether it is the newest. */
static int segment_get(sqlite3 *db, int64_t seg, uint64_t *first, uint64_t *last, bool *culled,
                       bool *newest)
{
	sqlite3_stmt *st = NULL;
	int rc = SK_ENOTFOUND;

	if (sqlite3_prepare_v2(db,
	                       "SELECT first_idx, last_idx, culled, id = (SELECT max(id) FROM "
	                       "segment) FROM segment WHERE id = ?1",
	                       -1, &st, NULL) != SQLITE_OK)
		return SK_EIO;
	sqlite3_bind_int64(st, 1, seg);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*first = (uint64_t)sqlite3_column_int64(st, 0);
		*last = (uint64_t)sqlite3_column_int64(st, 1);
		*culled = sqlite3_column_int64(st, 2) != 0;
		*newest = sqlite3_column_int64(st, 3) != 0;
		rc = SK_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

static int cull_locked(sqlite3 *db, const struct ledger_signer *sg, const char *origin, int64_t seg,
                       const char *who, const char *why)
{
	uint64_t first, last;
	bool culled, newest;
	int64_t until, now = sk_now_us();
	sqlite3_stmt *st = NULL;
	struct buf note;
	int rc;

	rc = segment_get(db, seg, &first, &last, &culled, &newest);
	if (rc)
		return rc;
	if (culled)
		return SK_EEXIST;
	if (newest)
		return SK_ERULE; /* still receiving messages */
	rc = max_retention(db, first, last, &until);
	if (rc)
		return rc;
	if (now < until)
		return SK_ERULE; /* 4 kap. 28 §: not before the retention has ended */
	buf_init(&note, 8192);
	rc = sign_decision(sg, origin, seg, first, last, until, now, who, why, &note);
	if (rc)
		goto out;
	if (sqlite3_prepare_v2(db,
	                       "INSERT INTO cull (segment, time, who, why, note) VALUES "
	                       "(?1, ?2, ?3, ?4, ?5)",
	                       -1, &st, NULL) != SQLITE_OK) {
		rc = SK_EIO;
		goto out;
	}
	sqlite3_bind_int64(st, 1, seg);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_text(st, 3, who, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, why, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, note.ptr, (int)note.len, SQLITE_STATIC);
	rc = sqlite3_step(st) == SQLITE_DONE ? SK_OK : SK_EIO;
	sqlite3_finalize(st);
	if (!rc)
		rc = exec_bound(db, "UPDATE segment SET culled = 1 WHERE id = ?1", seg, 0);
	/* The index is derived from the bodies: their words go in the same transaction. */
	if (!rc)
		rc = seclog_index_cull(db, first, last);
	if (!rc)
		rc = exec_bound(db, "UPDATE msg SET body = NULL WHERE idx BETWEEN ?1 AND ?2",
		                (int64_t)first, (int64_t)last);
out:
	buf_release(&note);
	return rc;
}

int seclog_cull(const char *dir, int64_t seg, const char *who, const char *why)
{
	struct ledger_signer sg;
	char text[512], origin[LEDGER_ORIGIN_MAX + 1];
	sqlite3 *db = NULL;
	int rc;

	if (!line_ok(who, SECLOG_WHO_MAX) || !line_ok(why, SECLOG_WHY_MAX))
		return SK_EINVAL;
	memset(&sg, 0, sizeof(sg));
	rc = seclog_read_key(dir, "signing.key", true, text, sizeof(text));
	if (!rc)
		rc = ledger_signer_parse(text, strlen(text), &sg);
	sodium_memzero(text, sizeof(text));
	if (!rc)
		rc = seclog_origin_of(sg.name, origin);
	if (!rc)
		rc = seclog_db_open(dir, false, false, &db);
	if (rc)
		goto out;
	/* Its own transaction: the writer's batches wait for it, or it for them. */
	rc = seclog_exec(db, "BEGIN IMMEDIATE");
	if (rc)
		goto out;
	rc = cull_locked(db, &sg, origin, seg, who, why);
	if (!rc)
		rc = seclog_exec(db, "COMMIT");
	if (rc)
		seclog_exec(db, "ROLLBACK");
out:
	sqlite3_close(db);
	ledger_signer_wipe(&sg);
	return rc;
}
