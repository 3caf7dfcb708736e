/*
 * The Säkerhetslogg: the ledger's entries with paging and filters, one entry
 * with its hashed bytes, inclusion proofs, the latest checkpoint, and
 * verification on demand.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/api.h"
#include "model/ledger_export.h"
#include "model/ledger_view.h"
#include "rules/rules.h"

static void b64(const uint8_t h[LEDGER_HASH_LEN], char out[48])
{
	sk_base64_encode(h, LEDGER_HASH_LEN, out, 48);
}

/* A page of entries and their leaf hashes (a redacted entry shows its hash). */
struct page {
	json_t *arr;
	uint8_t (*leaf)[LEDGER_HASH_LEN];
	size_t cap;
};

static int add_entry(void *ctx, const struct store_entry_row *row)
{
	struct page *pg = ctx;
	size_t n = json_array_size(pg->arr);
	json_t *e;

	if (n >= pg->cap)
		return SK_ERANGE; /* the store hands out at most limit rows */
	e = json_loadb(row->bytes, row->len, 0, NULL);
	if (!e)
		return SK_ECORRUPT;
	ledger_leaf_hash(row->bytes, row->len, pg->leaf[n]);
	return json_array_append_new(pg->arr, e) ? SK_ENOMEM : SK_OK;
}

static int64_t qint(struct api_ctx *c, const char *key, int64_t def)
{
	json_t *v = json_object_get(c->query, key);

	return v ? json_integer_value(v) : def;
}

static const char *qstr(struct api_ctx *c, const char *key)
{
	return json_string_value(json_object_get(c->query, key));
}

/* The list's filters (from, actor, kind, object, since, until) as the store takes them. */
static void log_filter(struct api_ctx *c, struct store_log_filter *f)
{
	const char *t;

	f->from = (uint64_t)qint(c, "from", 0);
	f->actor = qint(c, "actor", -1);
	f->kind = qstr(c, "kind");
	f->object = qstr(c, "object");
	if ((t = qstr(c, "since")))
		sk_time_parse(t, strlen(t), &f->since_us);
	if ((t = qstr(c, "until")))
		sk_time_parse(t, strlen(t), &f->until_us);
}

void api_h_ledger(struct api_ctx *c)
{
	struct store_reader *r = model_reader(api_model(c->api));
	struct store_log_filter f = {0};
	const char *order = qstr(c, "order");
	struct page pg = {json_array(), NULL, 0};
	bool *hidden = NULL;
	uint64_t size = 0;
	char leaf[48];
	int rc;

	if (order && strcmp(order, "asc") != 0 && strcmp(order, "desc") != 0) {
		json_decref(pg.arr);
		api_errorr(c, 400, "invalid_field", "order", "field.enum", NULL,
		           "order: asc or desc");
		return;
	}
	f.newest_first = order && strcmp(order, "desc") == 0;
	log_filter(c, &f);
	f.limit = (unsigned)qint(c, "limit", 50);
	pg.cap = f.limit ? f.limit : 1;
	pg.leaf = calloc(pg.cap, sizeof(*pg.leaf));
	hidden = calloc(pg.cap, sizeof(*hidden));
	if (!r || !pg.arr || !pg.leaf || !hidden) {
		rc = r ? SK_ENOMEM : SK_EIO;
		goto out;
	}
	rc = store_reader_begin(r);
	if (!rc)
		rc = store_reader_size(r, &size);
	if (!rc)
		rc = store_reader_log(r, &f, add_entry, &pg);
	/* Need-to-know (3 kap.): entries about what the reader may not see keep no data. */
	if (!rc)
		rc = ledger_view_redact(r, &c->p, pg.arr, hidden);
	store_reader_end(r);
out:
	if (rc) {
		json_decref(pg.arr);
		free(pg.leaf);
		free(hidden);
		api_fail(c, rc, NULL);
		return;
	}
	for (size_t i = 0; i < json_array_size(pg.arr); i++) {
		if (!hidden[i])
			continue;
		b64(pg.leaf[i], leaf);
		json_object_set_new(json_array_get(pg.arr, i), "leaf_hash", json_string(leaf));
	}
	free(pg.leaf);
	free(hidden);
	api_reply(c, 200, json_pack("{s:o, s:I}", "entries", pg.arr, "size", (json_int_t)size));
}

struct one {
	json_t *entry;
	char *bytes;
	uint8_t leaf[LEDGER_HASH_LEN];
};

static int take_one(void *ctx, const struct store_entry_row *row)
{
	struct one *o = ctx;

	o->entry = json_loadb(row->bytes, row->len, 0, NULL);
	o->bytes = strndup(row->bytes, row->len);
	ledger_leaf_hash(row->bytes, row->len, o->leaf);
	return o->entry && o->bytes ? SK_OK : SK_ENOMEM;
}

/*
 * Would jansson dump these entry bytes unchanged (JSON_COMPACT |
 * JSON_SORT_KEYS)? Yes for canonical JSON, as the store writes every entry,
 * unless it holds a \u escape (jansson writes the hex digits in upper case,
 * RFC 8785 in lower case) or a character beyond the BMP (jansson sorts keys
 * by UTF-8 bytes, RFC 8785 by UTF-16 code units). A "\\u" also answers no:
 * that only costs the slower path.
 */
static bool dumps_unchanged(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)p[i] >= 0xF0 || (p[i] == '\\' && i + 1 < n && p[i + 1] == 'u'))
			return false;
	}
	return true;
}

/* Appends s as a JSON string, escaped as jansson escapes it. */
static void put_json_string(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t run = 0;

	buf_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		char esc[7] = {'\\', 0};

		if (ch >= 0x20 && ch != '"' && ch != '\\')
			continue;
		buf_append(b, s + run, i - run);
		run = i + 1;
		esc[1] = ch == '"'    ? '"'
		         : ch == '\\' ? '\\'
		         : ch == '\b' ? 'b'
		         : ch == '\f' ? 'f'
		         : ch == '\n' ? 'n'
		         : ch == '\r' ? 'r'
		         : ch == '\t' ? 't'
		                      : 'u';
		if (esc[1] == 'u') {
			memcpy(esc + 2, "00", 2);
			esc[4] = hex[ch >> 4];
			esc[5] = hex[ch & 15];
		}
		buf_append(b, esc, esc[1] == 'u' ? 6 : 2);
	}
	buf_append(b, s + run, n - run);
	buf_putc(b, '"');
}

struct entry_reply {
	struct buf *body; /* written here when the fast path answers */
	bool written;
	struct one o; /* otherwise filled for the jansson path */
	struct store_reader *r;
	const struct principal *p;
	bool redacted; /* o.entry is about what p may not see: no data, no canonical bytes */
};

/*
 * The answer {"canonical", "entry", "leaf_hash"} written straight from the
 * entry's bytes: the same bytes api_reply would produce, without building
 * and dumping a tree (a fifth of the CPU of this request). The bytes are
 * still parsed, so a row that is not JSON fails as before.
 */
static int take_entry(void *ctx, const struct store_entry_row *row)
{
	struct entry_reply *e = ctx;
	uint8_t h[LEDGER_HASH_LEN];
	char leaf[48];
	json_t *v;

	if (!dumps_unchanged(row->bytes, row->len))
		return take_one(&e->o, row);
	v = json_loadb(row->bytes, row->len, 0, NULL);
	if (!v)
		return SK_ENOMEM; /* as take_one answers it */
	if (ledger_view_redact_one(e->r, e->p, v)) {
		e->redacted = true;
		e->o.entry = v;
		ledger_leaf_hash(row->bytes, row->len, e->o.leaf);
		return SK_OK;
	}
	json_decref(v);
	ledger_leaf_hash(row->bytes, row->len, h);
	b64(h, leaf);
	buf_puts(e->body, "{\"canonical\":");
	put_json_string(e->body, row->bytes, row->len);
	buf_puts(e->body, ",\"entry\":");
	buf_append(e->body, row->bytes, row->len);
	buf_printf(e->body, ",\"leaf_hash\":\"%s\"}", leaf);
	e->written = true;
	return e->body->err ? SK_ENOMEM : SK_OK;
}

void api_h_ledger_entry(struct api_ctx *c)
{
	struct store_reader *r = model_reader(api_model(c->api));
	struct entry_reply e = {.body = &c->resp->body, .r = r, .p = &c->p};
	struct one o;
	char leaf[48];
	int rc = r ? store_reader_entry(r, (uint64_t)c->id, take_entry, &e) : SK_EIO;

	o = e.o;
	if (rc) {
		json_decref(o.entry);
		free(o.bytes);
		if (rc == SK_ENOTFOUND)
			api_errorr(c, 404, "not_found", "seq", "ledger.entry_not_found", NULL,
			           "no entry %lld", (long long)c->id);
		else
			api_fail(c, rc, NULL);
		return;
	}
	if (e.written) {
		c->resp->status = 200;
		return;
	}
	b64(o.leaf, leaf);
	if (!e.redacted && o.entry && ledger_view_redact_one(r, &c->p, o.entry))
		e.redacted = true;
	if (e.redacted) { /* the canonical bytes would show the data */
		free(o.bytes);
		api_reply(c, 200,
		          json_pack("{s:o, s:n, s:s, s:b}", "entry", o.entry, "canonical",
		                    "leaf_hash", leaf, "redacted", true));
		return;
	}
	api_reply(c, 200,
	          json_pack("{s:o, s:s, s:s}", "entry", o.entry, "canonical", o.bytes, "leaf_hash",
	                    leaf));
	free(o.bytes);
}

void api_h_ledger_proof(struct api_ctx *c)
{
	uint8_t proof[LEDGER_MAX_PROOF][LEDGER_HASH_LEN], root[LEDGER_HASH_LEN];
	struct store_reader *r = model_reader(api_model(c->api));
	uint64_t seq = (uint64_t)c->id, total = 0, size;
	struct one o = {0};
	char h[48];
	json_t *arr;
	size_t n = 0;
	int rc;

	if (!r) {
		api_fail(c, SK_EIO, NULL);
		return;
	}
	rc = store_reader_begin(r);
	if (!rc)
		rc = store_reader_size(r, &total);
	size = (uint64_t)qint(c, "size", (int64_t)total);
	if (!rc && seq > total) {
		store_reader_end(r);
		api_errorr(c, 404, "not_found", "seq", "ledger.entry_not_found", NULL,
		           "no entry %llu", (unsigned long long)seq);
		return;
	}
	if (!rc && (size < seq || size > total)) {
		store_reader_end(r);
		api_errorr(
		        c, 400, "invalid_field", "size", "field.range",
		        json_pack("{s:I, s:I}", "min", (json_int_t)seq, "max", (json_int_t)total),
		        "size: must be %llu..%llu", (unsigned long long)seq,
		        (unsigned long long)total);
		return;
	}
	if (!rc)
		rc = store_reader_entry(r, seq, take_one, &o);
	if (!rc)
		rc = ledger_prove_inclusion(seq - 1, size, store_reader_node, r, proof, &n);
	if (!rc)
		rc = ledger_root_at(size, store_reader_node, r, root);
	/* Never hand out a proof that does not check out. */
	if (!rc)
		rc = ledger_verify_inclusion(seq - 1, size, o.leaf,
		                             (const uint8_t(*)[LEDGER_HASH_LEN])proof, n, root);
	store_reader_end(r);
	json_decref(o.entry);
	free(o.bytes);
	if (rc) {
		api_fail(c, rc == SK_EVERIFY ? SK_ECORRUPT : rc, NULL);
		return;
	}
	arr = json_array();
	for (size_t i = 0; i < n; i++) {
		b64(proof[i], h);
		json_array_append_new(arr, json_string(h));
	}
	b64(o.leaf, h);
	{
		char rh[48];

		b64(root, rh);
		api_reply(c, 200,
		          json_pack("{s:I, s:I, s:I, s:s, s:o, s:s}", "seq", (json_int_t)seq,
		                    "leaf_index", (json_int_t)(seq - 1), "tree_size",
		                    (json_int_t)size, "leaf_hash", h, "proof", arr, "root", rh));
	}
}

void api_h_ledger_checkpoint(struct api_ctx *c)
{
	struct store_reader *r = model_reader(api_model(c->api));
	struct ledger_checkpoint cp;
	char *note = NULL, root[48];
	const char *blank;
	uint64_t size = 0;
	int rc = r ? store_reader_checkpoint(r, &note, &size) : SK_EIO;

	if (rc) {
		api_fail(c, rc, NULL);
		return;
	}
	blank = strstr(note, "\n\n");
	if (!blank || ledger_checkpoint_parse(note, (size_t)(blank - note) + 1, &cp) != SK_OK) {
		free(note);
		api_fail(c, SK_ECORRUPT, NULL);
		return;
	}
	b64(cp.root, root);
	rules_mark(api_model(c->api), "checkpoint.export"); /* 4 kap. 29 §: kept elsewhere */
	api_reply(c, 200,
	          json_pack("{s:s, s:I, s:s, s:s}", "origin", cp.origin, "size",
	                    (json_int_t)cp.size, "root", root, "note", note));
	free(note);
}

void api_h_ledger_verify(struct api_ctx *c)
{
	struct store_verify_result res;
	char root[48], now[SK_TIME_LEN + 1];
	int rc = store_verify(api_dir(c->api), NULL, &res);

	if (rc && rc != SK_EVERIFY) {
		api_errorr(c, 500, "internal", NULL, "ledger.verify_failed", NULL,
		           "verification could not run: %s", res.problem);
		return;
	}
	b64(res.root, root);
	if (rc == SK_OK)
		rules_mark(api_model(c->api), "verify.ok"); /* 4 kap. 29 §: the rule's clock */
	sk_time_format(sk_now_us(), now);
	api_reply(c, 200,
	          json_pack("{s:b, s:I, s:I, s:s?, s:s?, s:s}", "ok", rc == SK_OK, "entries",
	                    (json_int_t)res.entries, "checkpoints", (json_int_t)res.checkpoints,
	                    "root", rc ? NULL : root, "problem", rc ? res.problem : NULL,
	                    "checked_at", now));
}

/*
 * The filtered log as CSV or JSON (the print page), each entry with its
 * inclusion proof against the checkpoint the export carries; recorded as
 * export.made before it leaves.
 */
static void export_as(struct api_ctx *c, enum ledger_export_fmt fmt)
{
	struct store_log_filter f = {0};
	struct model_err err = {0};
	char disp[96], today[11];
	int rc;

	log_filter(c, &f);
	rc = ledger_export(api_model(c->api), &c->p, &f, fmt, &c->resp->body, &err);
	if (rc == SK_ENOTFOUND) {
		buf_reset(&c->resp->body);
		api_errorr(c, 409, "conflict", NULL, "ledger.no_checkpoint", NULL, "%s", err.msg);
		return;
	}
	if (rc) {
		buf_reset(&c->resp->body);
		api_fail(c, rc, &err);
		return;
	}
	c->resp->status = 200;
	if (fmt == LEDGER_EXPORT_CSV) {
		model_today(today);
		snprintf(disp, sizeof(disp), "attachment; filename=\"sakerhetslogg-%s.csv\"",
		         today);
		c->resp->content_type = "text/csv; charset=utf-8";
		http_resp_header(c->resp, "Content-Disposition", disp);
	} else {
		c->resp->content_type = "application/json";
	}
	http_resp_header(c->resp, "Cache-Control", "no-store");
}

void api_h_ledger_export_csv(struct api_ctx *c)
{
	export_as(c, LEDGER_EXPORT_CSV);
}

void api_h_ledger_export(struct api_ctx *c)
{
	export_as(c, LEDGER_EXPORT_JSON);
}
