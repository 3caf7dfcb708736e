/*
 * seclog search: a query over the index (src/seclog/index.c) turned into
 * one SQL statement with bound parameters, newest first with a cursor, and
 * the messages read from their hashed bodies. The user's words become
 * quoted FTS5 phrases here — never FTS syntax — and a message of a source
 * not in the query's need-to-know list is never read, counted or hinted at:
 * the list is part of the statement's WHERE.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "seclog/search_int.h"
#include "seclog/seclog_int.h"
#include "seclog/store.h"

#define Q_TEXT_MAX    256 /* bytes of search words */
#define Q_WORDS_MAX   16
#define Q_SOURCES_MAX 10000

json_t *seclog_json_text(const void *s, size_t len)
{
	const unsigned char *p = s;
	struct buf b;
	json_t *j;

	if (!s || !len)
		return json_null();
	if (sk_utf8_valid(s, len) && !memchr(s, '\0', len))
		return json_stringn(s, len);
	buf_init(&b, 4 * len + 16);
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = p[i] ? sk_utf8_next(p + i, len - i, &cp) : 0;

		if (n) {
			buf_append(&b, p + i, n);
			i += n;
		} else {
			buf_puts(&b, "\xEF\xBF\xBD"); /* U+FFFD REPLACEMENT CHARACTER */
			i++;
		}
	}
	j = b.err ? NULL : json_stringn(b.ptr, b.len);
	buf_release(&b);
	return j;
}

static json_t *time_json(int64_t t)
{
	char s[SK_TIME_LEN + 1];

	if (t == SECLOG_TS_NONE || sk_time_format(t, s) != SK_OK)
		return json_null();
	return json_string(s);
}

json_t *seclog_msg_json(uint64_t index, const struct seclog_msg *m)
{
	return json_pack(
	        "{sI so so sI sI sI so so so so so so so sb}", "index", (json_int_t)index,
	        "received", time_json(m->recv_us), "source", json_integer(m->source), "facility",
	        (json_int_t)m->facility, "severity", (json_int_t)m->severity, "retention_years",
	        (json_int_t)m->retention_years, "time", time_json(m->timestamp_us), "host",
	        seclog_json_text(m->hostname, m->hostname_len), "app",
	        seclog_json_text(m->app, m->app_len), "procid",
	        seclog_json_text(m->procid, m->procid_len), "msgid",
	        seclog_json_text(m->msgid, m->msgid_len), "sd", seclog_json_text(m->sd, m->sd_len),
	        "text", seclog_json_text(m->text, m->text_len), "culled", false);
}

/* RFC 5424 header characters (PRINTUSASCII), 1..max bytes. */
static bool header_ok(const char *s, size_t max)
{
	size_t n = strnlen(s, max + 1);

	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 33 || (unsigned char)s[i] > 126)
			return false;
	return true;
}

/*
 * The user's words as an FTS5 query: each a quoted phrase ("" for a
 * quote), a trailing * kept as a prefix search, the phrases ANDed. Nothing
 * the user typed is ever read by FTS5 as an operator.
 */
static int fts_query(const char *text, struct buf *out, bool *empty)
{
	size_t len = strnlen(text, Q_TEXT_MAX + 1);
	unsigned words = 0;

	*empty = true;
	if (len > Q_TEXT_MAX || !sk_utf8_valid(text, len))
		return SK_EINVAL;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)text[i] < 32 && text[i] != ' ' && text[i] != '\t')
			return SK_EINVAL;
	for (size_t i = 0; i < len;) {
		size_t j;
		bool prefix;

		while (i < len && (text[i] == ' ' || text[i] == '\t'))
			i++;
		if (i == len)
			break;
		for (j = i; j < len && text[j] != ' ' && text[j] != '\t'; j++)
			;
		if (++words > Q_WORDS_MAX)
			return SK_EINVAL;
		prefix = j - i > 1 && text[j - 1] == '*';
		if (*empty == false)
			buf_putc(out, ' ');
		buf_putc(out, '"');
		for (size_t k = i; k < j - (prefix ? 1 : 0); k++) {
			if (text[k] == '"')
				buf_putc(out, '"');
			buf_putc(out, text[k]);
		}
		buf_putc(out, '"');
		if (prefix)
			buf_putc(out, '*');
		*empty = false;
		i = j;
	}
	return out->err ? SK_ENOMEM : SK_OK;
}

struct plan {
	int64_t *src;
	size_t nsrc;
	struct buf match;
	bool text;
};

static void plan_release(struct plan *p)
{
	free(p->src);
	buf_release(&p->match);
}

/* Checks q and works out the sources it may see: sources, narrowed by only. */
static int plan_make(const struct seclog_query *q, struct plan *p, const char **field)
{
	bool empty = true;

	memset(p, 0, sizeof(*p));
	buf_init(&p->match, 4 * Q_TEXT_MAX);
	*field = "sources";
	if (q->nsources > Q_SOURCES_MAX || (q->nsources && !q->sources) ||
	    q->nonly > Q_SOURCES_MAX || (q->nonly && !q->only))
		return SK_EINVAL;
	*field = "from";
	if (q->from_us < 0)
		return SK_EINVAL;
	*field = "to";
	if (q->to_us < 0 || (q->to_us && q->from_us && q->to_us <= q->from_us))
		return SK_EINVAL;
	*field = "host";
	if (q->host && !header_ok(q->host, SECLOG_HOST_MAX))
		return SK_EINVAL;
	*field = "app";
	if (q->app && !header_ok(q->app, SECLOG_APP_MAX))
		return SK_EINVAL;
	*field = "severity";
	if (q->max_severity < -1 || q->max_severity > 7)
		return SK_EINVAL;
	*field = "limit";
	if (q->limit < 1 || q->limit > 1000)
		return SK_EINVAL;
	*field = "before";
	if (q->before > (uint64_t)INT64_MAX)
		return SK_EINVAL;
	*field = "q";
	if (q->text && fts_query(q->text, &p->match, &empty) != SK_OK)
		return SK_EINVAL;
	p->text = !empty;
	*field = NULL;
	p->src = calloc(q->nsources ? q->nsources : 1, sizeof(*p->src));
	if (!p->src)
		return SK_ENOMEM;
	for (size_t i = 0; i < q->nsources; i++) {
		bool in = q->nonly == 0;

		for (size_t k = 0; k < q->nonly && !in; k++)
			in = q->only[k] == q->sources[i];
		if (in)
			p->src[p->nsrc++] = q->sources[i];
	}
	return SK_OK;
}

/*
 * The statement: ?1 exclusive upper index, ?2 limit, ?3 host, ?4 app,
 * ?5 severity, ?6 from, ?7 to, ?8 FTS query, ?9 lowest index, ?10.. the
 * sources.
 */
static int plan_prepare(sqlite3 *db, const struct seclog_query *q, const struct plan *p, bool asc,
                        uint64_t lower, uint64_t upper, unsigned limit, sqlite3_stmt **st)
{
	struct buf sql;
	int rc = SK_OK;

	buf_init(&sql, 64 + 8 * Q_SOURCES_MAX + 1024);
	if (p->text)
		/* FTS first: it hands out its rows in index order, so LIMIT ends the scan. */
		buf_puts(&sql, "SELECT x.idx, x.source FROM ix_fts f CROSS JOIN ix_msg x"
		               " ON x.idx = f.rowid WHERE ix_fts MATCH ?8 AND f.rowid < ?1");
	else
		buf_puts(&sql, "SELECT x.idx, x.source FROM ix_msg x WHERE x.idx < ?1");
	buf_puts(&sql, " AND x.source IN (");
	for (size_t i = 0; i < p->nsrc; i++)
		buf_printf(&sql, "%s?%zu", i ? "," : "", i + 10);
	buf_puts(&sql, ")");
	if (lower)
		buf_puts(&sql, p->text ? " AND f.rowid >= ?9" : " AND x.idx >= ?9");
	if (q->host)
		buf_puts(&sql, " AND x.host = ?3");
	if (q->app)
		buf_puts(&sql, " AND x.app = ?4");
	if (q->max_severity >= 0)
		buf_puts(&sql, " AND x.severity <= ?5");
	if (q->from_us)
		buf_puts(&sql, " AND x.recv_us >= ?6");
	if (q->to_us)
		buf_puts(&sql, " AND x.recv_us < ?7");
	buf_printf(&sql, " ORDER BY %s %s LIMIT ?2", p->text ? "f.rowid" : "x.idx",
	           asc ? "ASC" : "DESC");
	if (sql.err) {
		rc = SK_ENOMEM;
		goto out;
	}
	if (sqlite3_prepare_v2(db, sql.ptr, (int)sql.len, st, NULL) != SQLITE_OK) {
		rc = SK_EIO;
		goto out;
	}
	sqlite3_bind_int64(*st, 1, upper > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)upper);
	sqlite3_bind_int(*st, 2, (int)limit);
	if (q->host)
		sqlite3_bind_text(*st, 3, q->host, -1, SQLITE_STATIC);
	if (q->app)
		sqlite3_bind_text(*st, 4, q->app, -1, SQLITE_STATIC);
	sqlite3_bind_int(*st, 5, q->max_severity);
	sqlite3_bind_int64(*st, 6, q->from_us);
	sqlite3_bind_int64(*st, 7, q->to_us);
	if (p->text)
		sqlite3_bind_text(*st, 8, p->match.ptr, (int)p->match.len, SQLITE_STATIC);
	sqlite3_bind_int64(*st, 9, (int64_t)lower);
	for (size_t i = 0; i < p->nsrc; i++)
		sqlite3_bind_int64(*st, (int)(i + 10), p->src[i]);
out:
	buf_release(&sql);
	return rc;
}

/* One integer from a one-column query with up to two bound values; false when NULL or none. */
static bool one_int(sqlite3 *db, const char *sql, int64_t a, int64_t b, int64_t *out)
{
	sqlite3_stmt *st = NULL;
	bool have = false;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, a);
		sqlite3_bind_int64(st, 2, b);
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
			*out = sqlite3_column_int64(st, 0);
			have = true;
		}
	}
	sqlite3_finalize(st);
	return have;
}

/*
 * A receipt-time range as an index range [*lo, *hi): the times are sorted
 * in index order but for messages up to "late" behind an earlier one, so
 * the lowest index received at or after from lies among the times from the
 * first such time to "late" after it (and the highest before to likewise),
 * two short scans of the time index. False when the range holds nothing.
 */
static bool time_bounds(sqlite3 *db, const struct seclog_query *q, uint64_t *lo, uint64_t *hi)
{
	int64_t late = 0, t, v;

	seclog_ix_lateness(db, &late);
	if (q->from_us) {
		if (!one_int(db,
		             "SELECT recv_us FROM ix_msg WHERE recv_us >= ?1 ORDER BY recv_us "
		             "LIMIT 1",
		             q->from_us, 0, &t) ||
		    !one_int(db,
		             "SELECT min(idx) FROM ix_msg WHERE recv_us >= ?1 AND recv_us <= ?2",
		             q->from_us, t > INT64_MAX - late ? INT64_MAX : t + late, &v))
			return false;
		*lo = (uint64_t)v;
	}
	if (q->to_us) {
		if (!one_int(db,
		             "SELECT recv_us FROM ix_msg WHERE recv_us < ?1 ORDER BY recv_us DESC"
		             " LIMIT 1",
		             q->to_us, 0, &t) ||
		    !one_int(db, "SELECT max(idx) FROM ix_msg WHERE recv_us < ?1 AND recv_us >= ?2",
		             q->to_us, t - late, &v))
			return false;
		if ((uint64_t)v + 1 < *hi)
			*hi = (uint64_t)v + 1;
	}
	return *lo < *hi;
}

int seclog_search_rows(sqlite3 *db, const struct seclog_query *q, bool asc, uint64_t upper,
                       unsigned limit, seclog_row_fn fn, void *ctx, const char **field)
{
	struct plan p;
	sqlite3_stmt *st = NULL;
	uint64_t lower = 0;
	int rc, step;

	rc = plan_make(q, &p, field);
	if (rc || p.nsrc == 0 || !seclog_ix_present(db))
		goto out; /* need-to-know: no sources, nothing at all */
	if ((q->from_us || q->to_us) && !time_bounds(db, q, &lower, &upper))
		goto out; /* nothing received in that range */
	rc = plan_prepare(db, q, &p, asc, lower, upper, limit, &st);
	if (rc)
		goto out;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		rc = fn(ctx, (uint64_t)sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1));
		if (rc)
			break;
	}
	if (!rc && step != SQLITE_DONE)
		rc = SK_EIO;
out:
	sqlite3_finalize(st);
	plan_release(&p);
	return rc;
}

int seclog_query_check(const struct seclog_query *q, const char **field)
{
	struct plan p;
	const char *f = NULL;
	int rc = plan_make(q, &p, &f);

	plan_release(&p);
	if (field)
		*field = rc == SK_EINVAL ? f : NULL;
	return rc;
}

int seclog_log_size(sqlite3 *db, uint64_t *size)
{
	sqlite3_stmt *st = NULL;
	int rc = SK_EIO;

	*size = 0;
	if (sqlite3_prepare_v2(db, "SELECT max(idx) FROM msg", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		if (sqlite3_column_type(st, 0) != SQLITE_NULL)
			*size = (uint64_t)sqlite3_column_int64(st, 0) + 1;
		rc = SK_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

struct collect {
	sqlite3_stmt *body;
	json_t *list;
	unsigned limit, n;
	uint64_t last;
	bool more;
};

static int collect_row(void *ctx, uint64_t idx, int64_t source)
{
	struct collect *c = ctx;
	json_t *m = NULL;
	int rc = SK_OK;

	if (c->n == c->limit) {
		c->more = true; /* one past the page: there is a next page */
		return 1;
	}
	sqlite3_reset(c->body);
	sqlite3_bind_int64(c->body, 1, (int64_t)idx);
	if (sqlite3_step(c->body) == SQLITE_ROW) {
		const void *b = sqlite3_column_blob(c->body, 0);
		struct seclog_msg msg;

		if (!b)
			m = json_pack("{sI sI sb}", "index", (json_int_t)idx, "source",
			              (json_int_t)source, "culled", true);
		else if (seclog_msg_decode(b, (size_t)sqlite3_column_bytes(c->body, 0), &msg) ==
		         SK_OK)
			m = seclog_msg_json(idx, &msg);
		else
			rc = SK_ECORRUPT;
	}
	if (m && json_array_append_new(c->list, m) != 0)
		rc = SK_ENOMEM;
	c->n++;
	c->last = idx;
	return rc;
}

int seclog_search(const char *dir, const struct seclog_query *q, json_t **out, const char **field)
{
	struct collect c = {0};
	uint64_t size = 0, indexed = 0;
	const char *f = NULL;
	sqlite3 *db = NULL;
	int rc;

	*out = NULL;
	/* Bad input is named before anything is opened: the same answer with or without a log. */
	rc = seclog_query_check(q, field);
	if (rc)
		return rc;
	rc = seclog_db_open(dir, true, false, &db);
	if (rc)
		return rc;
	rc = seclog_exec(db, "BEGIN"); /* one snapshot: size, indexed and rows agree */
	if (!rc)
		rc = seclog_log_size(db, &size);
	if (!rc)
		rc = seclog_ix_indexed(db, &indexed);
	if (rc)
		goto out;
	c.list = json_array();
	c.limit = q->limit;
	if (sqlite3_prepare_v2(db, "SELECT body FROM msg WHERE idx = ?1", -1, &c.body, NULL) !=
	    SQLITE_OK) {
		rc = SK_EIO;
		goto out;
	}
	rc = seclog_search_rows(db, q, false, q->before ? q->before : UINT64_MAX, q->limit + 1,
	                        collect_row, &c, &f);
	if (rc == 1)
		rc = SK_OK;
	if (rc)
		goto out;
	*out = json_pack("{sO so sI sI}", "messages", c.list, "next",
	                 c.more ? json_integer((json_int_t)c.last) : json_null(), "indexed",
	                 (json_int_t)indexed, "size", (json_int_t)size);
	rc = *out ? SK_OK : SK_ENOMEM;
out:
	if (field)
		*field = f;
	json_decref(c.list);
	sqlite3_finalize(c.body);
	seclog_exec(db, "COMMIT");
	sqlite3_close(db);
	return rc;
}

static json_t *b64_json(const uint8_t *b, size_t n)
{
	size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
	char *s = malloc(cap);
	json_t *j = NULL;

	if (s && sk_base64_encode(b, n, s, cap) == SK_OK)
		j = json_string(s);
	free(s);
	return j;
}

json_t *seclog_proof_json(const struct seclog_proof *p)
{
	json_t *path = json_array();

	for (size_t i = 0; i < p->n; i++)
		json_array_append_new(path, b64_json(p->path[i], LEDGER_HASH_LEN));
	return json_pack("{sI sI so so ss#}", "index", (json_int_t)p->index, "size",
	                 (json_int_t)p->size, "leaf", b64_json(p->leaf, LEDGER_HASH_LEN), "path",
	                 path, "checkpoint", p->note, (int)p->note_len);
}

int seclog_message(const char *dir, uint64_t index, json_t **out)
{
	struct seclog_proof p;
	sqlite3_stmt *st = NULL;
	sqlite3 *db = NULL;
	json_t *m = NULL;
	int rc;

	*out = NULL;
	if (index > (uint64_t)INT64_MAX)
		return SK_ENOTFOUND;
	rc = seclog_db_open(dir, true, false, &db);
	if (rc)
		return rc;
	if (sqlite3_prepare_v2(db, "SELECT source, body FROM msg WHERE idx = ?1", -1, &st, NULL) !=
	    SQLITE_OK) {
		rc = SK_EIO;
		goto out;
	}
	sqlite3_bind_int64(st, 1, (int64_t)index);
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = SK_ENOTFOUND;
		goto out;
	}
	if (sqlite3_column_type(st, 1) == SQLITE_NULL) {
		m = json_pack("{sI sI sb}", "index", (json_int_t)index, "source",
		              (json_int_t)sqlite3_column_int64(st, 0), "culled", true);
	} else {
		struct seclog_msg msg;

		if (seclog_msg_decode(sqlite3_column_blob(st, 1),
		                      (size_t)sqlite3_column_bytes(st, 1), &msg) != SK_OK) {
			rc = SK_ECORRUPT;
			goto out;
		}
		m = seclog_msg_json(index, &msg);
		if (m)
			json_object_set_new(m, "raw", seclog_json_text(msg.raw, msg.raw_len));
	}
	if (!m) {
		rc = SK_ENOMEM;
		goto out;
	}
	/* The proof against the newest checkpoint; none yet for the newest messages. */
	rc = seclog_prove(dir, index, &p);
	if (rc == SK_OK) {
		json_object_set_new(m, "proof", seclog_proof_json(&p));
		seclog_proof_release(&p);
	} else if (rc == SK_ERANGE) {
		json_object_set_new(m, "proof", json_null());
		rc = SK_OK;
	}
	if (!rc) {
		*out = m;
		m = NULL;
	}
out:
	json_decref(m);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}
