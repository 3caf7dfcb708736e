/*
 * Export of a filtered Säkerhetslogg with inclusion proofs (see
 * ledger_export.h). Pages through the ledger by seq (keyset), redacts each
 * page as the list does, proves each entry against the checkpoint's tree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "ledger/ledger.h"
#include "model/access_int.h"
#include "model/io.h"
#include "model/ledger_export.h"
#include "model/ledger_view.h"
#include "model/reg_int.h"

#define PAGE 200

struct xp {
	struct store_reader *r;
	const struct principal *p;
	enum ledger_export_fmt fmt;
	struct buf *out;
	json_t *arr;  /* JSON: the entries */
	json_t *page; /* the page being read */
	uint8_t leaf[PAGE][LEDGER_HASH_LEN];
	size_t len[PAGE]; /* each entry's bytes, to bound the JSON before it is written */
	uint64_t cp_size, last, next_from;
	size_t rows, json_bytes;
	bool full;
};

static int take(void *ctx, const struct store_entry_row *row)
{
	struct xp *x = ctx;
	size_t n = json_array_size(x->page);
	json_t *e;

	if (n >= PAGE)
		return SK_ERANGE;
	if (row->seq > x->cp_size)
		return SK_OK; /* after the checkpoint: not provable yet */
	e = json_loadb(row->bytes, row->len, 0, NULL);
	if (!e)
		return SK_ECORRUPT;
	ledger_leaf_hash(row->bytes, row->len, x->leaf[n]);
	x->len[n] = row->len;
	return json_array_append_new(x->page, e) ? SK_ENOMEM : SK_OK;
}

static void b64(const uint8_t h[LEDGER_HASH_LEN], char out[48])
{
	sk_base64_encode(h, LEDGER_HASH_LEN, out, 48);
}

/* The actor's user name ("" for the system or an unknown id); identities are open to every log
 * reader. */
static void actor_name(struct store_reader *r, int64_t id, char out[128])
{
	struct store_q *q;

	out[0] = 0;
	if (id <= 0 || store_reader_query(r, "SELECT username FROM identity WHERE id = ?1", &q))
		return;
	store_q_bind_int(q, 1, id);
	if (store_q_step(q) == SK_OK)
		snprintf(out, 128, "%s", store_q_text(q, 0));
	store_q_done(q);
}

static int put_entry(struct xp *x, json_t *e, bool hidden, const uint8_t leaf[LEDGER_HASH_LEN])
{
	uint8_t proof[LEDGER_MAX_PROOF][LEDGER_HASH_LEN];
	uint64_t seq = (uint64_t)json_integer_value(json_object_get(e, "seq"));
	char h[48], name[128];
	json_t *path;
	size_t n = 0;
	int rc;

	if (seq < 1 || seq > x->cp_size)
		return SK_ECORRUPT;
	rc = ledger_prove_inclusion(seq - 1, x->cp_size, store_reader_node, x->r, proof, &n);
	if (rc)
		return rc;
	actor_name(x->r, json_integer_value(json_object_get(e, "actor")), name);
	b64(leaf, h);
	if (x->fmt == LEDGER_EXPORT_JSON) {
		path = json_array();
		for (size_t i = 0; i < n; i++) {
			char ph[48];

			b64(proof[i], ph);
			json_array_append_new(path, json_string(ph));
		}
		json_object_set_new(e, "actor_name", json_string(name));
		json_object_set_new(e, "leaf_hash", json_string(h));
		json_object_set_new(e, "leaf_index", json_integer((json_int_t)(seq - 1)));
		json_object_set_new(e, "tree_size", json_integer((json_int_t)x->cp_size));
		json_object_set_new(e, "proof", path);
		x->json_bytes +=
		        200 +
		        48 * n; /* the proof, hashes and names; the data is counted by the caller */
		if (hidden)
			json_object_set_new(e, "redacted", json_true());
		return json_array_append(x->arr, e) ? SK_ENOMEM : SK_OK;
	}
	{
		char *data = NULL;
		struct buf *o = x->out;
		json_t *d = json_object_get(e, "data");

		if (!hidden && d)
			data = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
		buf_printf(o, "%llu;", (unsigned long long)seq);
		csv_cell(o, json_string_value(json_object_get(e, "time")), ';');
		buf_printf(o, ";%lld;", (long long)json_integer_value(json_object_get(e, "actor")));
		csv_cell(o, name, ';');
		buf_putc(o, ';');
		csv_cell(o, json_string_value(json_object_get(e, "kind")), ';');
		buf_putc(o, ';');
		csv_cell(o, json_string_value(json_object_get(e, "object")), ';');
		buf_puts(o, hidden ? ";true;" : ";false;");
		csv_cell(o, data ? data : "", ';');
		free(data);
		buf_printf(o, ";%s;%llu;%llu;", h, (unsigned long long)(seq - 1),
		           (unsigned long long)x->cp_size);
		for (size_t i = 0; i < n; i++) {
			b64(proof[i], h);
			buf_puts(o, h);
			if (i + 1 < n)
				buf_putc(o, ' ');
		}
		buf_puts(o, "\r\n");
		return o->err;
	}
}

static int read_all(struct xp *x, const struct store_log_filter *f)
{
	struct store_log_filter pf = *f;
	bool hidden[PAGE];
	int rc = SK_OK;

	pf.newest_first = false;
	pf.limit = PAGE;
	pf.from = f->from ? f->from : 1;
	while (pf.from <= x->cp_size) {
		size_t n;

		json_array_clear(x->page);
		rc = store_reader_log(x->r, &pf, take, x);
		n = json_array_size(x->page);
		if (rc || n == 0)
			break;
		/* Need-to-know (3 kap.): exactly as GET /api/v1/ledger. */
		rc = ledger_view_redact(x->r, x->p, x->page, hidden);
		for (size_t i = 0; !rc && i < n; i++) {
			json_t *e = json_array_get(x->page, i);
			uint64_t seq = (uint64_t)json_integer_value(json_object_get(e, "seq"));

			size_t bytes = x->fmt == LEDGER_EXPORT_CSV ? x->out->len : x->json_bytes;

			if (x->rows >= LEDGER_EXPORT_MAX_ENTRIES ||
			    bytes >= LEDGER_EXPORT_MAX_BYTES) {
				x->full = true;
				x->next_from = seq;
				return SK_OK;
			}
			rc = put_entry(x, e, hidden[i], x->leaf[i]);
			x->json_bytes += hidden[i] ? 0 : x->len[i];
			x->rows++;
			x->last = seq;
		}
		if (rc)
			break;
		pf.from = x->last + 1;
		if (n < PAGE)
			break;
	}
	return rc;
}

struct log_cmd {
	const struct principal *p;
	const struct store_log_filter *f;
	const char *format;
	size_t rows, bytes;
	uint64_t tree_size;
	const uint8_t *sha256;
};

static int log_fn(struct store_tx *tx, void *arg)
{
	struct log_cmd *c = arg;
	const struct store_log_filter *f = c->f;
	json_t *filters = json_object(), *data;
	char hex[65], t[SK_TIME_LEN + 1];
	int64_t no;
	int rc = io_export_next_no(tx, &no);

	if (rc) {
		json_decref(filters);
		return rc;
	}
	sodium_bin2hex(hex, sizeof(hex), c->sha256, 32);
	if (filters && f->from)
		json_object_set_new(filters, "from", json_integer((json_int_t)f->from));
	if (filters && f->actor >= 0)
		json_object_set_new(filters, "actor", json_integer(f->actor));
	if (filters && f->kind)
		json_object_set_new(filters, "kind", json_string(f->kind));
	if (filters && f->object)
		json_object_set_new(filters, "object", json_string(f->object));
	if (filters && f->since_us && !sk_time_format(f->since_us, t))
		json_object_set_new(filters, "since", json_string(t));
	if (filters && f->until_us && !sk_time_format(f->until_us, t))
		json_object_set_new(filters, "until", json_string(t));
	data = json_pack("{s:I, s:s, s:s, s:I, s:I, s:o, s:s, s:I}", "export", (json_int_t)no,
	                 "what", "ledger", "format", c->format, "rows", (json_int_t)c->rows,
	                 "tree_size", (json_int_t)c->tree_size, "filters",
	                 filters ? filters : json_null(), "sha256", hex, "bytes",
	                 (json_int_t)c->bytes);
	if (data && c->p->token_id)
		json_object_set_new(data, "token_id", json_integer(c->p->token_id));
	return model_tx_log(tx, c->p->id, "export.made", "export", no, data);
}

static bool may_read_log(const struct principal *p)
{
	return (p->roles & (ROLE_BIT(ROLE_SSC) | ROLE_BIT(ROLE_CHIEF) | ROLE_BIT(ROLE_ADMIN) |
	                    ROLE_BIT(ROLE_AUDITOR))) != 0;
}

static const char csv_head[] = "seq;time;actor;actor_name;kind;object;redacted;data;leaf_hash;"
                               "leaf_index;tree_size;audit_path\r\n";

int ledger_export(struct model *m, const struct principal *p, const struct store_log_filter *f,
                  enum ledger_export_fmt fmt, struct buf *out, struct model_err *err)
{
	struct xp *x = NULL;
	struct store_reader *r = model_reader(m);
	uint8_t root[LEDGER_HASH_LEN], sha[32];
	char *note = NULL, rh[48], now[SK_TIME_LEN + 1];
	struct log_cmd lc;
	int rc;

	if (!may_read_log(p)) {
		return model_fail(err, SK_EPERM, NULL, "log.reader_role", NULL,
		                  "the security log is read by the ssc, the chief, an admin or an "
		                  "auditor");
	}
	if (!r)
		return SK_EIO;
	x = calloc(1, sizeof(*x));
	if (!x)
		return SK_ENOMEM;
	*x = (struct xp){
	        .r = r, .p = p, .fmt = fmt, .out = out, .arr = json_array(), .page = json_array()};
	rc = x->arr && x->page ? store_reader_begin(r) : SK_ENOMEM;
	if (rc)
		goto out;
	rc = store_reader_checkpoint(r, &note, &x->cp_size);
	if (rc == SK_ENOTFOUND)
		model_fail(err, rc, NULL, "log.no_checkpoint", NULL,
		           "no signed checkpoint yet: try again in a second");
	if (!rc)
		rc = ledger_root_at(x->cp_size, store_reader_node, r, root);
	if (!rc && fmt == LEDGER_EXPORT_CSV)
		rc = buf_puts(out, csv_head);
	if (!rc)
		rc = read_all(x, f);
	store_reader_end(r);
	if (rc)
		goto out;
	b64(root, rh);
	sk_time_format(sk_now_us(), now);
	if (fmt == LEDGER_EXPORT_JSON) {
		json_t *doc =
		        json_pack("{s:s, s:{s:s, s:I, s:s}, s:O, s:b, s:o}", "exported_at", now,
		                  "checkpoint", "note", note, "size", (json_int_t)x->cp_size,
		                  "root", rh, "entries", x->arr, "truncated", x->full, "next_from",
		                  x->full ? json_integer((json_int_t)x->next_from) : json_null());
		char *s = doc ? json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS) : NULL;

		json_decref(doc);
		rc = s ? buf_puts(out, s) : SK_ENOMEM;
		free(s);
	} else {
		/* The checkpoint the proofs lead to, as the last row: its note in the data column.
		 */
		buf_printf(out, "#checkpoint;%s;;;;;;", now);
		csv_cell(out, note, ';');
		buf_printf(out, ";%s;;%llu;\r\n", rh, (unsigned long long)x->cp_size);
		if (x->full)
			buf_printf(out, "#truncated;;;;;;;next_from=%llu;;;;\r\n",
			           (unsigned long long)x->next_from);
		rc = out->err;
	}
	if (rc)
		goto out;
	/* Logged before anything leaves: an export that is not in the ledger never happened. */
	crypto_hash_sha256(sha, (const unsigned char *)out->ptr, out->len);
	lc = (struct log_cmd){p,       f,        fmt == LEDGER_EXPORT_CSV ? "csv" : "json",
	                      x->rows, out->len, x->cp_size,
	                      sha};
	rc = model_submit(m, log_fn, &lc, err);
out:
	if (rc)
		buf_reset(out);
	free(note);
	if (x) {
		json_decref(x->arr);
		json_decref(x->page);
		free(x);
	}
	return rc;
}
