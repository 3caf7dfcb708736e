/*
 * Readers: each has its own read-only connection (WAL lets them run beside
 * the writer) and sees a consistent snapshot between begin and end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

struct store_reader {
	struct store_conn c;
	bool in_tx;
};

int store_reader_open(const char *dir, struct store_reader **out)
{
	char path[STORE_PATH_MAX];
	struct store_reader *r;
	int rc;

	*out = NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return SK_ENOMEM;
	rc = store_path(path, sizeof(path), dir, STORE_DB_FILE);
	if (!rc)
		rc = store_conn_open(&r->c, path, true, false);
	if (!rc)
		rc = store_schema_check(&r->c);
	if (rc) {
		store_conn_close(&r->c);
		free(r);
		return rc;
	}
	*out = r;
	return SK_OK;
}

void store_reader_close(struct store_reader *r)
{
	if (!r)
		return;
	if (r->in_tx)
		store_reader_end(r);
	store_conn_close(&r->c);
	free(r);
}

int store_reader_begin(struct store_reader *r)
{
	uint64_t size;
	int rc;

	if (r->in_tx)
		return SK_EINTERNAL;
	rc = store_conn_exec(&r->c, "BEGIN");
	if (rc)
		return rc;
	r->in_tx = true;
	/* The snapshot starts with the first read, so read now. */
	return store_conn_size(&r->c, &size);
}

void store_reader_end(struct store_reader *r)
{
	if (!r->in_tx)
		return;
	store_conn_exec(&r->c, "COMMIT");
	r->in_tx = false;
}

int store_reader_size(struct store_reader *r, uint64_t *size)
{
	return store_conn_size(&r->c, size);
}

int store_reader_query(struct store_reader *r, const char *sql, struct store_q **q)
{
	return store_conn_prepare(&r->c, sql, q);
}

int store_reader_node(void *reader, unsigned level, uint64_t index, uint8_t out[LEDGER_HASH_LEN])
{
	struct store_reader *r = reader;

	return store_conn_read_node(&r->c, level, index, out);
}

/*
 * The string of an entry's envelope that closes just before b[end] and
 * follows key (which ends with the string's opening quote): its bytes into
 * *ptr and *n, or false when b does not read so there.
 */
static bool string_before(const char *b, size_t end, const char *key, size_t klen, const char **ptr,
                          size_t *n)
{
	size_t q;

	if (end == 0 || b[end - 1] != '"')
		return false;
	end--;
	for (q = end; q > 0 && b[q - 1] != '"'; q--)
		;
	if (q < klen || memcmp(b + q - klen, key, klen) != 0)
		return false;
	*ptr = b + q;
	*n = end - q;
	return true;
}

bool store_entry_envelope(const char *b, size_t len, struct store_envelope *env)
{
	static const char head[] = "{\"actor\":", tail[] = ",\"time\":\"";
	static const char seqk[] = ",\"seq\":", objk[] = ",\"object\":\"", kindk[] = ",\"kind\":\"";
	size_t i, end;

	/* time: the last 27 characters before "} */
	if (len < 80 || b[len - 1] != '}' || b[len - 2] != '"')
		return false;
	end = len - 2 - SK_TIME_LEN;
	if (memcmp(b + end - (sizeof(tail) - 1), tail, sizeof(tail) - 1) != 0)
		return false;
	env->ptr[0] = b + end;
	env->len[0] = SK_TIME_LEN;
	/* seq: digits before ,"time": */
	i = end - (sizeof(tail) - 1);
	while (i > 0 && b[i - 1] >= '0' && b[i - 1] <= '9')
		i--;
	if (i < sizeof(seqk) - 1 || memcmp(b + i - (sizeof(seqk) - 1), seqk, sizeof(seqk) - 1))
		return false;
	/* object: the string that closes just before ,"seq": */
	if (!string_before(b, i - (sizeof(seqk) - 1), objk, sizeof(objk) - 1, &env->ptr[3],
	                   &env->len[3]))
		return false;
	/* kind: the string before ,"object": */
	if (!string_before(b, (size_t)(env->ptr[3] - b) - (sizeof(objk) - 1), kindk,
	                   sizeof(kindk) - 1, &env->ptr[2], &env->len[2]))
		return false;
	/* actor: the digits after {"actor": */
	if (memcmp(b, head, sizeof(head) - 1) != 0)
		return false;
	i = sizeof(head) - 1;
	env->ptr[1] = b + i;
	while (i < len && b[i] >= '0' && b[i] <= '9')
		i++;
	env->len[1] = (size_t)(b + i - env->ptr[1]);
	return env->len[1] > 0 && i < len && b[i] == ',';
}

/*
 * The row's fields come from the hashed bytes, not from the columns beside
 * them: those are only for filtering, and an edited column must not show a
 * forged actor, kind, object or time (verify reports such an edit).
 */
static void row_from_q(struct store_q *q, struct store_entry_row *row)
{
	struct store_envelope env;

	row->seq = (uint64_t)store_q_int(q, 0);
	row->bytes = store_q_text(q, 5);
	row->len = (size_t)sqlite3_column_bytes(q->st, 5);
	if (store_entry_envelope(row->bytes, row->len, &env) && env.len[1] < 20 &&
	    env.len[2] <= LEDGER_KIND_MAX && env.len[3] <= LEDGER_OBJECT_MAX) {
		snprintf(row->time, sizeof(row->time), "%.*s", (int)env.len[0], env.ptr[0]);
		row->actor = strtoll(env.ptr[1], NULL, 10);
		snprintf(row->kind, sizeof(row->kind), "%.*s", (int)env.len[2], env.ptr[2]);
		snprintf(row->object, sizeof(row->object), "%.*s", (int)env.len[3], env.ptr[3]);
		return;
	}
	snprintf(row->time, sizeof(row->time), "%s", store_q_text(q, 1));
	row->actor = store_q_int(q, 2);
	snprintf(row->kind, sizeof(row->kind), "%s", store_q_text(q, 3));
	snprintf(row->object, sizeof(row->object), "%s", store_q_text(q, 4));
}

/*
 * A kind prefix is a range, so the (kind, seq) index serves it: kinds are
 * [a-z0-9_.] and '~' sorts after all of them.
 */
static const char log_sql_asc[] = "SELECT seq, time, actor, kind, object, entry FROM ledger "
                                  "WHERE seq >= ?1 AND (?2 < 0 OR actor = ?2) "
                                  "AND (?3 IS NULL OR (kind >= ?3 AND kind < ?3 || '~')) "
                                  "AND (?4 IS NULL OR object = ?4) AND (?5 IS NULL OR time >= ?5) "
                                  "AND (?6 IS NULL OR time < ?6) ORDER BY seq LIMIT ?7";
static const char log_sql_desc[] = "SELECT seq, time, actor, kind, object, entry FROM ledger "
                                   "WHERE seq <= ?1 AND (?2 < 0 OR actor = ?2) "
                                   "AND (?3 IS NULL OR (kind >= ?3 AND kind < ?3 || '~')) "
                                   "AND (?4 IS NULL OR object = ?4) AND (?5 IS NULL OR time >= ?5) "
                                   "AND (?6 IS NULL OR time < ?6) ORDER BY seq DESC LIMIT ?7";

static int bind_time(struct store_q *q, int idx, int64_t t)
{
	char buf[SK_TIME_LEN + 1];

	if (!t)
		return store_q_bind_null(q, idx);
	if (sk_time_format(t, buf))
		return SK_ERANGE;
	return store_q_bind_text(q, idx, buf);
}

int store_reader_log(struct store_reader *r, const struct store_log_filter *f, store_entry_fn fn,
                     void *ctx)
{
	struct store_entry_row row;
	struct store_q *q;
	int rc;
	int64_t from = (int64_t)f->from;

	if (f->newest_first && from == 0)
		from = INT64_MAX;
	if (!f->newest_first && from == 0)
		from = 1;
	rc = store_conn_prepare(&r->c, f->newest_first ? log_sql_desc : log_sql_asc, &q);
	if (rc)
		return rc;
	store_q_bind_int(q, 1, from);
	store_q_bind_int(q, 2, f->actor);
	if (f->kind)
		store_q_bind_text(q, 3, f->kind);
	if (f->object)
		store_q_bind_text(q, 4, f->object);
	rc = bind_time(q, 5, f->since_us);
	if (!rc)
		rc = bind_time(q, 6, f->until_us);
	store_q_bind_int(q, 7, f->limit ? f->limit : 100);
	while (!rc && (rc = store_q_step(q)) == SK_OK) {
		row_from_q(q, &row);
		rc = fn(ctx, &row);
	}
	store_q_done(q);
	return rc == SK_ENOTFOUND ? SK_OK : rc;
}

int store_reader_entry(struct store_reader *r, uint64_t seq, store_entry_fn fn, void *ctx)
{
	struct store_entry_row row;
	struct store_q *q;
	int rc;

	rc = store_conn_prepare(
	        &r->c, "SELECT seq, time, actor, kind, object, entry FROM ledger WHERE seq = ?1",
	        &q);
	if (rc)
		return rc;
	store_q_bind_int(q, 1, (int64_t)seq);
	rc = store_q_step(q);
	if (!rc) {
		row_from_q(q, &row);
		rc = fn(ctx, &row);
	}
	store_q_done(q);
	return rc;
}

int store_reader_checkpoint(struct store_reader *r, char **note, uint64_t *size)
{
	struct store_q *q;
	int rc;

	rc = store_conn_prepare(&r->c,
	                        "SELECT size, note FROM checkpoint ORDER BY size DESC LIMIT 1", &q);
	if (rc)
		return rc;
	rc = store_q_step(q);
	if (!rc) {
		*size = (uint64_t)store_q_int(q, 0);
		*note = strdup(store_q_text(q, 1));
		if (!*note)
			rc = SK_ENOMEM;
	}
	store_q_done(q);
	return rc;
}
