/*
 * verify --replay: rebuild every projection from the ledger into a scratch
 * database and compare it, table by table and row by row, with the live one.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store_int.h"

static int rproblem(struct store_verify_result *res, int rc, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static int rproblem(struct store_verify_result *res, int rc, const char *fmt, ...)
{
	va_list ap;

	if (res->problem[0])
		return rc;
	va_start(ap, fmt);
	vsnprintf(res->problem, sizeof(res->problem), fmt, ap);
	va_end(ap);
	return rc;
}

/* The columns stored beside the hashed bytes must say the same as they do. */
static int check_columns(struct store_q *q, const struct ledger_entry *e,
                         struct store_verify_result *res)
{
	char t[SK_TIME_LEN + 1];
	uint64_t seq = (uint64_t)store_q_int(q, 0);

	sk_time_format(e->time_us, t);
	if (e->seq != seq || strcmp(store_q_text(q, 1), t) != 0 || store_q_int(q, 2) != e->actor ||
	    strcmp(store_q_text(q, 3), e->kind) != 0 || strcmp(store_q_text(q, 4), e->object) != 0)
		return rproblem(res, SK_EVERIFY,
		                "entry %llu: its columns disagree with its hashed bytes",
		                (unsigned long long)seq);
	return SK_OK;
}

static int rebuild(struct store_conn *live, struct store_conn *scratch,
                   struct store_verify_result *res)
{
	struct ledger_decoded d;
	struct store_tx tx;
	struct store_q *q;
	int rc;

	memset(&tx, 0, sizeof(tx));
	tx.conn = scratch;
	rc = store_conn_prepare(
	        live, "SELECT seq, time, actor, kind, object, entry FROM ledger ORDER BY seq", &q);
	if (rc)
		return rc;
	while ((rc = store_q_step(q)) == SK_OK) {
		const char *bytes = store_q_text(q, 5);
		size_t len = (size_t)sqlite3_column_bytes(q->st, 5);
		uint64_t seq = (uint64_t)store_q_int(q, 0);

		if (ledger_entry_decode(bytes, len, &d) != SK_OK) {
			rc = rproblem(res, SK_EVERIFY, "entry %llu: not a canonical ledger entry",
			              (unsigned long long)seq);
			break;
		}
		rc = check_columns(q, &d.e, res);
		if (!rc) {
			tx.now_us = d.e.time_us;
			rc = store_apply_projections(&tx, &d.e);
			if (rc)
				rc = rproblem(res, SK_EVERIFY,
				              "entry %llu: replaying it failed (%s)",
				              (unsigned long long)seq, sk_strerror(rc));
		}
		ledger_decoded_release(&d);
		if (rc)
			break;
	}
	store_q_done(q);
	return rc == SK_ENOTFOUND ? SK_OK : rc;
}

static bool same_value(sqlite3_stmt *a, sqlite3_stmt *b, int col)
{
	int t = sqlite3_column_type(a, col);

	if (t != sqlite3_column_type(b, col))
		return false;
	switch (t) {
	case SQLITE_NULL:
		return true;
	case SQLITE_INTEGER:
		return sqlite3_column_int64(a, col) == sqlite3_column_int64(b, col);
	case SQLITE_FLOAT:
		return sqlite3_column_double(a, col) == sqlite3_column_double(b, col);
	default: {
		const void *pa = sqlite3_column_blob(a, col), *pb = sqlite3_column_blob(b, col);
		int na = sqlite3_column_bytes(a, col), nb = sqlite3_column_bytes(b, col);

		return na == nb && (na == 0 || memcmp(pa, pb, (size_t)na) == 0);
	}
	}
}

static int compare_table(struct store_conn *live, struct store_conn *scratch, const char *proj,
                         const char *table, struct store_verify_result *res)
{
	sqlite3_stmt *a = NULL, *b = NULL;
	char *sql = NULL, *probe = sqlite3_mprintf("SELECT * FROM \"%w\"", table);
	uint64_t row = 0;
	int rc = SK_OK, ncol, ra, rb;
	struct buf order;

	buf_init(&order, 4096);
	if (!probe || sqlite3_prepare_v2(live->db, probe, -1, &a, NULL) != SQLITE_OK) {
		/*
		 * An instance written by an older release (verify does not migrate)
		 * lacks the tables of later schemas. A table the replay left empty
		 * holds nothing to compare; one the ledger fills must be there.
		 */
		if (probe && sqlite3_prepare_v2(scratch->db, probe, -1, &b, NULL) == SQLITE_OK &&
		    sqlite3_step(b) == SQLITE_DONE)
			goto out;
		rc = rproblem(res, SK_EVERIFY, "projection %s: table %s is missing", proj, table);
		goto out;
	}
	ncol = sqlite3_column_count(a);
	sqlite3_finalize(a);
	a = NULL;
	for (int i = 1; i <= ncol; i++)
		buf_printf(&order, "%s%d", i > 1 ? "," : "", i);
	sql = sqlite3_mprintf("SELECT * FROM \"%w\" ORDER BY %s", table, order.ptr);
	if (!sql || order.err || sqlite3_prepare_v2(live->db, sql, -1, &a, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(scratch->db, sql, -1, &b, NULL) != SQLITE_OK) {
		rc = rproblem(res, SK_EVERIFY, "projection %s: cannot read table %s", proj, table);
		goto out;
	}
	for (;;) {
		row++;
		ra = sqlite3_step(a);
		rb = sqlite3_step(b);
		if (ra == SQLITE_DONE && rb == SQLITE_DONE)
			break;
		if (ra != rb) {
			rc = rproblem(res, SK_EVERIFY,
			              "projection %s: table %s has %s rows than the replay", proj,
			              table, ra == SQLITE_ROW ? "more" : "fewer");
			break;
		}
		if (ra != SQLITE_ROW) {
			rc = rproblem(res, SK_EIO, "projection %s: reading %s failed", proj, table);
			break;
		}
		for (int col = 0; col < ncol; col++) {
			if (!same_value(a, b, col)) {
				rc = rproblem(res, SK_EVERIFY,
				              "projection %s: table %s row %llu column %s differs "
				              "from the replay of the ledger",
				              proj, table, (unsigned long long)row,
				              sqlite3_column_name(a, col));
				break;
			}
		}
		if (rc)
			break;
	}
out:
	sqlite3_finalize(a);
	sqlite3_finalize(b);
	sqlite3_free(sql);
	sqlite3_free(probe);
	buf_release(&order);
	return rc;
}

int store_replay(struct store_conn *live, struct store_verify_result *res)
{
	struct store_conn scratch = {0};
	const struct store_projection *p;
	int rc;

	/*
	 * An empty file name gives SQLite's private temporary database: it
	 * spills to a file in the temporary directory when it grows, and is
	 * removed when closed, even if verify is killed.
	 */
	rc = store_conn_open(&scratch, "", false, true);
	if (!rc)
		rc = store_conn_exec(&scratch, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF");
	if (!rc)
		rc = store_migrate(&scratch);
	if (!rc)
		rc = store_create_projection_tables(&scratch);
	if (!rc)
		rc = store_conn_exec(&scratch, "BEGIN");
	if (rc) {
		rproblem(res, rc, "cannot prepare the scratch database: %s", sk_strerror(rc));
		goto out;
	}
	rc = rebuild(live, &scratch, res);
	store_conn_exec(&scratch, rc ? "ROLLBACK" : "COMMIT");
	for (unsigned i = 0; !rc && (p = store_projection_at(i)); i++) {
		for (const char *const *t = p->tables; t && *t && !rc; t++)
			rc = compare_table(live, &scratch, p->name, *t, res);
	}
out:
	store_conn_close(&scratch);
	return rc;
}
