/*
 * seclog export: a selection of messages with RFC 6962 inclusion proofs
 * against one signed checkpoint, as a JSON bundle that the verifier key
 * alone can check (format in docs/internals/seclog.md, "Export"). The
 * bundle is written in one read transaction, so every proof is against the
 * same tree, and streamed message by message into the output buffer.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "seclog/search_int.h"
#include "seclog/seclog_int.h"
#include "seclog/store.h"

#define EXPORT_FORMAT "skydd-seclog-export/1"
#define BUNDLE_MAX    ((size_t)1 << 30)

struct exp {
	sqlite3_stmt *body;
	struct seclog_tiles tiles;
	uint64_t size, count;
	struct buf *out;
	bool more;
};

static int b64_put(struct buf *out, const uint8_t *b, size_t n)
{
	size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
	char *s = malloc(cap);
	int rc = SK_ENOMEM;

	if (s && sk_base64_encode(b, n, s, cap) == SK_OK) {
		buf_putc(out, '"');
		buf_puts(out, s);
		rc = buf_putc(out, '"');
	}
	free(s);
	return rc;
}

static int exp_row(void *ctx, uint64_t idx, int64_t source)
{
	struct exp *e = ctx;
	uint8_t path[LEDGER_MAX_PROOF][LEDGER_HASH_LEN], leaf[LEDGER_HASH_LEN], h[LEDGER_HASH_LEN];
	const uint8_t *body = NULL;
	size_t n = 0, len = 0;
	int rc;

	(void)source;
	/*
	 * At most SECLOG_EXPORT_MAX messages, and no more than the output may
	 * hold: one message takes at most about 4/3 of its encoding plus its path,
	 * so stop while the largest still fits and say the bundle is not complete.
	 */
	if (e->count == SECLOG_EXPORT_MAX ||
	    e->out->len + (SECLOG_MSG_MAX_ENC / 3 + 1) * 4 + 8192 > e->out->max) {
		e->more = true;
		return 1;
	}
	rc = ledger_prove_inclusion(idx, e->size, seclog_tiles_read_node, &e->tiles, path, &n);
	if (!rc)
		rc = seclog_tiles_read_node(&e->tiles, 0, idx, leaf);
	if (rc)
		return rc;
	sqlite3_reset(e->body);
	sqlite3_bind_int64(e->body, 1, (int64_t)idx);
	if (sqlite3_step(e->body) != SQLITE_ROW)
		return SK_ECORRUPT;
	body = sqlite3_column_blob(e->body, 0);
	len = (size_t)sqlite3_column_bytes(e->body, 0);
	if (body) {
		/* Never export bytes the tree does not hold. */
		ledger_leaf_hash(body, len, h);
		if (sodium_memcmp(h, leaf, LEDGER_HASH_LEN) != 0)
			return SK_ECORRUPT;
	}
	buf_printf(e->out, "%s\n{\"index\":%" PRIu64 ",\"leaf\":", e->count ? "," : "", idx);
	b64_put(e->out, leaf, LEDGER_HASH_LEN);
	buf_puts(e->out, ",\"body\":");
	if (body)
		b64_put(e->out, body, len);
	else
		buf_puts(e->out, "null");
	buf_puts(e->out, ",\"path\":[");
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_putc(e->out, ',');
		b64_put(e->out, path[i], LEDGER_HASH_LEN);
	}
	buf_puts(e->out, "]}");
	e->count++;
	return e->out->err ? SK_ETOOBIG : SK_OK;
}

static json_t *query_json(const struct seclog_query *q)
{
	json_t *j = json_object();
	char t[SK_TIME_LEN + 1];

	if (q->from_us && sk_time_format(q->from_us, t) == SK_OK)
		json_object_set_new(j, "from", json_string(t));
	if (q->to_us && sk_time_format(q->to_us, t) == SK_OK)
		json_object_set_new(j, "to", json_string(t));
	if (q->host)
		json_object_set_new(j, "host", json_string(q->host));
	if (q->app)
		json_object_set_new(j, "app", json_string(q->app));
	if (q->max_severity >= 0)
		json_object_set_new(j, "severity", json_integer(q->max_severity));
	if (q->text)
		json_object_set_new(j, "q", seclog_json_text(q->text, strlen(q->text)));
	if (q->nonly) {
		json_t *a = json_array();

		for (size_t i = 0; i < q->nonly; i++)
			json_array_append_new(a, json_integer(q->only[i]));
		json_object_set_new(j, "sources", a);
	}
	return j;
}

int seclog_export(const char *dir, const struct seclog_query *q, struct buf *out, uint64_t *count,
                  const char **field)
{
	struct exp e = {.out = out};
	struct ledger_verifier v;
	struct ledger_checkpoint cp;
	struct seclog_query all = *q;
	sqlite3_stmt *st = NULL;
	char vk[256], made[SK_TIME_LEN + 1];
	const char *f = NULL;
	sqlite3 *db = NULL;
	char *note = NULL, *qtext = NULL;
	json_t *qj = NULL;
	int rc;

	*count = 0;
	if (field)
		*field = NULL;
	all.limit = 1; /* the page size does not apply: checked here, ignored below */
	all.before = 0;
	rc = seclog_query_check(&all, field);
	if (rc)
		return rc;
	rc = seclog_read_key(dir, "verifier.key", false, vk, sizeof(vk));
	if (!rc)
		rc = ledger_verifier_parse(vk, strlen(vk), &v) ? SK_EIO : SK_OK;
	if (!rc)
		rc = seclog_db_open(dir, true, false, &db);
	if (rc)
		return rc;
	rc = seclog_exec(db, "BEGIN"); /* one snapshot: one tree for every proof */
	if (rc)
		goto out;
	if (sqlite3_prepare_v2(db, "SELECT note FROM checkpoint ORDER BY size DESC LIMIT 1", -1,
	                       &st, NULL) != SQLITE_OK) {
		rc = SK_EIO;
		goto out;
	}
	rc = SK_ENOTFOUND;
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *n = (const char *)sqlite3_column_text(st, 0);
		size_t len = (size_t)sqlite3_column_bytes(st, 0);

		rc = n && ledger_checkpoint_open(n, len, &v, &cp) == SK_OK ? SK_OK : SK_ECORRUPT;
		note = rc ? NULL : strndup(n, len);
		if (!rc && !note)
			rc = SK_ENOMEM;
	}
	sqlite3_finalize(st);
	if (rc)
		goto out;
	e.size = cp.size;
	rc = seclog_tiles_init(&e.tiles, db);
	if (rc)
		goto out;
	if (sqlite3_prepare_v2(db, "SELECT body FROM msg WHERE idx = ?1", -1, &e.body, NULL) !=
	    SQLITE_OK) {
		rc = SK_EIO;
		goto out;
	}
	if (sk_time_format(sk_now_us(), made) != SK_OK) {
		rc = SK_EINTERNAL;
		goto out;
	}
	qj = query_json(q);
	qtext = json_dumps(qj, JSON_COMPACT | JSON_SORT_KEYS);
	if (!qtext) {
		rc = SK_ENOMEM;
		goto out;
	}
	buf_printf(out, "{\"format\":\"%s\",\"made\":\"%s\",\"key\":", EXPORT_FORMAT, made);
	{
		json_t *k = json_string(v.name), *c = json_stringn(note, strlen(note));
		char *ks = json_dumps(k, JSON_ENCODE_ANY), *cs = json_dumps(c, JSON_ENCODE_ANY);

		if (ks && cs)
			buf_printf(out, "%s,\"size\":%" PRIu64 ",\"checkpoint\":%s,\"query\":%s,",
			           ks, cp.size, cs, qtext);
		else
			rc = SK_ENOMEM;
		free(ks);
		free(cs);
		json_decref(k);
		json_decref(c);
	}
	if (rc)
		goto out;
	buf_puts(out, "\"messages\":[");
	/* Only what the checkpoint covers can be proved: later messages wait for the next. */
	rc = seclog_search_rows(db, &all, true, cp.size, SECLOG_EXPORT_MAX + 1, exp_row, &e, &f);
	if (rc == 1)
		rc = SK_OK;
	if (rc)
		goto out;
	buf_printf(out, "\n],\"count\":%" PRIu64 ",\"complete\":%s}\n", e.count,
	           e.more ? "false" : "true");
	rc = out->err ? SK_ETOOBIG : SK_OK;
	*count = e.count;
out:
	if (field)
		*field = f;
	free(note);
	free(qtext);
	json_decref(qj);
	sqlite3_finalize(e.body);
	seclog_tiles_release(&e.tiles);
	if (db)
		seclog_exec(db, "COMMIT");
	sqlite3_close(db);
	return rc;
}

/* ---- verification with the verifier key alone ---- */

static int bad(struct seclog_export_report *r, const char *what)
{
	snprintf(r->problem, sizeof(r->problem), "%s", what);
	return SK_EVERIFY;
}

static int bad_msg(struct seclog_export_report *r, json_int_t idx, const char *why)
{
	snprintf(r->problem, sizeof(r->problem), "message %" JSON_INTEGER_FORMAT ": %s", idx, why);
	return SK_EVERIFY;
}

static bool hash_of(json_t *j, uint8_t out[LEDGER_HASH_LEN])
{
	const char *s = json_string_value(j);
	size_t n = 0;

	return s && sk_base64_decode(s, json_string_length(j), out, LEDGER_HASH_LEN, &n) == SK_OK &&
	       n == LEDGER_HASH_LEN;
}

int seclog_export_verify(const char *vkey, const uint8_t *bundle, size_t len,
                         struct seclog_export_report *r)
{
	struct ledger_verifier v;
	struct ledger_checkpoint cp;
	char origin[LEDGER_ORIGIN_MAX + 1];
	json_t *b = NULL, *msgs, *m;
	const char *note;
	uint8_t *body = NULL;
	int64_t prev = -1;
	size_t i;
	int rc = SK_EINVAL;

	memset(r, 0, sizeof(*r));
	if (!vkey || ledger_verifier_parse(vkey, strlen(vkey), &v) ||
	    seclog_origin_of(v.name, origin)) {
		snprintf(r->problem, sizeof(r->problem), "the verifier key is malformed");
		return SK_EINVAL;
	}
	if (len > BUNDLE_MAX || !bundle)
		goto notbundle;
	b = json_loadb((const char *)bundle, len, JSON_REJECT_DUPLICATES, NULL);
	msgs = json_object_get(b, "messages");
	note = json_string_value(json_object_get(b, "checkpoint"));
	if (!json_is_object(b) ||
	    strcmp(json_string_value(json_object_get(b, "format")) ?: "", EXPORT_FORMAT) != 0 ||
	    !json_is_array(msgs) || !note)
		goto notbundle;
	if (ledger_checkpoint_open(note, strlen(note), &v, &cp) != SK_OK) {
		rc = bad(r, "the checkpoint's signature does not verify with this key");
		goto out;
	}
	r->size = cp.size;
	/* The registers' checkpoints are signed by the same key: the origin tells them apart. */
	if (strcmp(cp.origin, origin) != 0) {
		rc = bad(r, "the checkpoint is not of this instance's security log");
		goto out;
	}
	if (json_integer_value(json_object_get(b, "size")) != (json_int_t)cp.size ||
	    json_integer_value(json_object_get(b, "count")) != (json_int_t)json_array_size(msgs)) {
		rc = bad(r, "size or count disagrees with the checkpoint or the messages");
		goto out;
	}
	body = malloc(SECLOG_MSG_MAX_ENC);
	if (!body) {
		rc = SK_ENOMEM;
		goto out;
	}
	json_array_foreach(msgs, i, m)
	{
		uint8_t leaf[LEDGER_HASH_LEN], h[LEDGER_HASH_LEN];
		uint8_t path[LEDGER_MAX_PROOF][LEDGER_HASH_LEN];
		json_t *jb = json_object_get(m, "body"), *jp = json_object_get(m, "path"), *x;
		json_int_t idx = json_integer_value(json_object_get(m, "index"));
		size_t k, n = 0, blen = 0;

		if (!json_is_integer(json_object_get(m, "index")) || idx <= prev ||
		    (uint64_t)idx >= cp.size || !hash_of(json_object_get(m, "leaf"), leaf) ||
		    !json_is_array(jp) || json_array_size(jp) > LEDGER_MAX_PROOF ||
		    !(json_is_null(jb) || json_is_string(jb))) {
			rc = bad_msg(r, idx, "malformed, out of order or outside the checkpoint");
			goto out;
		}
		prev = idx;
		if (json_is_string(jb)) {
			if (sk_base64_decode(json_string_value(jb), json_string_length(jb), body,
			                     SECLOG_MSG_MAX_ENC, &blen) != SK_OK) {
				rc = bad_msg(r, idx, "the body is not base64");
				goto out;
			}
			ledger_leaf_hash(body, blen, h);
			if (sodium_memcmp(h, leaf, LEDGER_HASH_LEN) != 0) {
				rc = bad_msg(r, idx, "the body does not hash to its leaf");
				goto out;
			}
		}
		json_array_foreach(jp, k, x)
		{
			if (!hash_of(x, path[n++])) {
				rc = bad_msg(r, idx, "a path hash is malformed");
				goto out;
			}
		}
		if (ledger_verify_inclusion((uint64_t)idx, cp.size, leaf,
		                            (const uint8_t(*)[LEDGER_HASH_LEN])path, n,
		                            cp.root) != SK_OK) {
			rc = bad_msg(r, idx,
			             "its audit path does not lead to the checkpoint's root");
			goto out;
		}
		r->messages++;
	}
	rc = SK_OK;
	goto out;
notbundle:
	snprintf(r->problem, sizeof(r->problem), "not an export bundle (%s)", EXPORT_FORMAT);
	rc = SK_EINVAL;
out:
	free(body);
	json_decref(b);
	return rc;
}
