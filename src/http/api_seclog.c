/*
 * The security logs of other systems over the API (4 kap. 25-31 §§): search,
 * one message with its inclusion proof, an export bundle with proofs (a
 * download, logged as export.made), and the status of the log, its index
 * and the receiver. Need-to-know on every route: a person sees only the
 * sources model_seclog_readable_sources() gives them; a message of another
 * source is "not found", never "forbidden", so nothing hints it exists.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "http/api.h"
#include "model/io.h"
#include "model/seclog.h"
#include "seclog/recv.h"
#include "seclog/search.h"
#include "seclog/store.h"

#define SECLOG_STATS_MAX 1024

static const struct api_field f_none[] = {API_FIELDS_END};

/* The filters: the search's query, and the export's body. */
#define SECLOG_FILTERS                                                                               \
	{"source", API_INT, false, 0, SK_JSON_MAX_INT, "only this log source", NULL},                \
	        {"system", API_INT,         false,                                                   \
	         1,        SK_JSON_MAX_INT, "only this information system's sources",                \
	         NULL},                                                                              \
	        {"from", API_TIME, false, 0, 0, "received at or after (RFC 3339)", NULL},            \
	        {"to", API_TIME, false, 0, 0, "received before (RFC 3339)", NULL},                   \
	        {"host", API_STRING, false, 1, SECLOG_HOST_MAX, "exact hostname", NULL},             \
	        {"app", API_STRING, false, 1, SECLOG_APP_MAX, "exact application (APP-NAME)", NULL}, \
	        {"severity", API_INT, false,                                                         \
	         0,          7,       "0..7: this severity or more severe (0 emergency .. 7 debug)", \
	         NULL},                                                                              \
	{                                                                                            \
		"q", API_STRING, false, 1, 128,                                                      \
		        "words that must all occur in host, application or text (a trailing * "      \
		        "searches by prefix); never search syntax",                                  \
		        NULL                                                                         \
	}

static const struct api_field q_search[] = {
        SECLOG_FILTERS,
        {"before", API_INT, false, 1, SK_JSON_MAX_INT, "cursor: messages below this index", NULL},
        {"limit", API_INT, false, 1, 1000, "page size (default 50)", NULL},
        API_FIELDS_END};

static const struct api_field f_export[] = {SECLOG_FILTERS, API_FIELDS_END};

/*
 * The sources the caller may read, narrowed to one information system when
 * the filters (in) name one; *n 0 means none.
 */
static int readable(struct api_ctx *c, json_t *in, int64_t **ids, size_t *n)
{
	json_t *sys = in ? json_object_get(in, "system") : NULL;
	int rc = model_seclog_readable_sources(api_model(c->api), &c->p, ids, n);

	if (!rc && sys)
		rc = model_seclog_only_system(api_model(c->api), json_integer_value(sys), *ids, n);
	if (rc) {
		free(*ids);
		*ids = NULL;
		api_fail(c, rc, NULL);
	}
	return rc;
}

static int64_t time_of(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	int64_t t = 0;

	if (s && sk_time_parse(s, strlen(s), &t) != SK_OK)
		t = 0;
	return t;
}

static void query_of(json_t *in, struct seclog_query *q, int64_t *one)
{
	json_t *src = json_object_get(in, "source"), *sev = json_object_get(in, "severity");

	q->from_us = time_of(in, "from");
	q->to_us = time_of(in, "to");
	q->host = json_string_value(json_object_get(in, "host"));
	q->app = json_string_value(json_object_get(in, "app"));
	q->text = json_string_value(json_object_get(in, "q"));
	q->max_severity = sev ? (int)json_integer_value(sev) : -1;
	if (src) {
		*one = json_integer_value(src);
		q->only = one;
		q->nonly = 1;
	}
}

/* The store's refusal of a field, as the API's 400 naming it. */
static void refuse_field(struct api_ctx *c, int rc, const char *field)
{
	if (rc == SK_EINVAL && field) {
		api_errorr(c, 400, "invalid_field", field, "field.invalid", NULL,
		           "%s: not acceptable", field);
		return;
	}
	api_fail(c, rc, NULL);
}

/*
 * The log's size, how much of it is indexed and its checkpoint tell how much
 * the organisation's systems log: for the keepers of the sources and for a
 * reader (whose proofs name the size anyway), not for a caller who reads no
 * source at all.
 */
static void sizes_for(struct api_ctx *c, json_t *out, size_t nreadable)
{
	if (!out || nreadable || model_seclog_keeper(&c->p))
		return;
	json_object_set_new(out, "size", json_integer(0));
	json_object_set_new(out, "indexed", json_integer(0));
	if (json_object_get(out, "checkpoint"))
		json_object_set_new(out, "checkpoint", json_null());
}

static void h_search(struct api_ctx *c)
{
	struct seclog_query q = {.limit = 50};
	int64_t *ids = NULL, one = 0;
	json_t *lim = json_object_get(c->query, "limit"), *out = NULL;
	const char *field = NULL;
	size_t n = 0;
	int rc;

	if (readable(c, c->query, &ids, &n))
		return;
	query_of(c->query, &q, &one);
	q.sources = ids;
	q.nsources = n;
	q.before = (uint64_t)json_integer_value(json_object_get(c->query, "before"));
	if (lim)
		q.limit = (unsigned)json_integer_value(lim);
	if (q.from_us && q.to_us && q.to_us <= q.from_us) {
		free(ids);
		api_errorr(c, 400, "invalid_field", "to", "field.invalid", NULL,
		           "to: must be after from");
		return;
	}
	rc = seclog_search(api_dir(c->api), &q, &out, &field);
	free(ids);
	if (!rc)
		sizes_for(c, out, n);
	if (rc == SK_ENOTFOUND) {
		/* no security logs received yet: an empty result, not an error */
		api_reply(c, 200,
		          json_pack("{s:[], s:n, s:i, s:i}", "messages", "next", "indexed", 0,
		                    "size", 0));
		return;
	}
	if (rc) {
		refuse_field(c, rc, field);
		return;
	}
	api_reply(c, 200, out);
}

static void h_message(struct api_ctx *c)
{
	json_t *m = NULL;
	uint64_t idx = 0;
	int rc = strchr(c->ref, '.') || !c->ref[0] || strlen(c->ref) > 18 ? SK_ENOTFOUND : SK_OK;

	if (!rc) {
		idx = strtoull(c->ref, NULL, 10);
		rc = seclog_message(api_dir(c->api), idx, &m);
	}

	if (rc == SK_OK &&
	    !model_seclog_may_read(api_model(c->api), &c->p,
	                           json_integer_value(json_object_get(m, "source")))) {
		/* need-to-know: the same answer as for a message that does not exist */
		json_decref(m);
		rc = SK_ENOTFOUND;
	}
	if (rc == SK_OK && json_is_null(json_object_get(m, "proof")) && api_seclog_store(c->api) &&
	    seclog_checkpoint_now(api_seclog_store(c->api)) == SK_OK) {
		/* newer than the last checkpoint: sign one now, so the reader sees it proved */
		json_decref(m);
		m = NULL;
		rc = seclog_message(api_dir(c->api), idx, &m);
	}
	if (rc == SK_ENOTFOUND) {
		api_errorr(c, 404, "not_found", NULL, "seclog.no_message", NULL, "no such message");
		return;
	}
	if (rc) {
		api_fail(c, rc, NULL);
		return;
	}
	api_reply(c, 200, m);
}

struct export_log {
	const struct principal *p;
	uint64_t count, bytes, size;
	char *filters;
	char sha256[65];
};

static int export_log_fn(struct store_tx *tx, void *arg)
{
	struct export_log *x = arg;
	json_t *data, *filters = json_loads(x->filters, 0, NULL);
	int64_t no;
	int rc = io_export_next_no(tx, &no);

	if (rc) {
		json_decref(filters);
		return rc;
	}
	data = json_pack("{s:I, s:s, s:s, s:I, s:I, s:o, s:s, s:I}", "export", (json_int_t)no,
	                 "what", "seclog", "format", "json", "rows", (json_int_t)x->count,
	                 "tree_size", (json_int_t)x->size, "filters",
	                 filters ? filters : json_null(), "sha256", x->sha256, "bytes",
	                 (json_int_t)x->bytes);
	if (data && x->p->token_id)
		json_object_set_new(data, "token_id", json_integer(x->p->token_id));
	return model_tx_log(tx, x->p->id, "export.made", "export", no, data);
}

static void h_export(struct api_ctx *c)
{
	struct seclog_query q = {.limit = 1};
	struct export_log x = {.p = &c->p};
	struct model_err err = {0};
	int64_t *ids = NULL, one = 0;
	const char *field = NULL;
	json_t *filters;
	char disp[96], today[11];
	uint8_t sha[32];
	size_t n = 0;
	int rc;

	if (readable(c, c->body, &ids, &n))
		return;
	if (!n) {
		/* nothing to export, and an empty bundle would still tell the log's size */
		free(ids);
		api_errorr(c, 404, "not_found", NULL, "seclog.no_reader", NULL,
		           "no security log you may read");
		return;
	}
	/* what is committed now is signed now: the export proves all of it */
	if (api_seclog_store(c->api) && (rc = seclog_checkpoint_now(api_seclog_store(c->api)))) {
		free(ids);
		api_fail(c, rc, NULL);
		return;
	}
	query_of(c->body, &q, &one);
	q.sources = ids;
	q.nsources = n;
	rc = seclog_export(api_dir(c->api), &q, &c->resp->body, &x.count, &field);
	free(ids);
	if (rc) {
		buf_reset(&c->resp->body);
		if (rc == SK_ENOTFOUND)
			api_errorr(c, 409, "conflict", NULL, "seclog.no_checkpoint", NULL,
			           "no signed checkpoint of the security logs yet");
		else
			refuse_field(c, rc, field);
		return;
	}
	/* The ledger records what left the server: the filters, the count, a hash of the bytes. */
	filters = json_deep_copy(c->body ? c->body : json_object());
	x.filters = filters ? json_dumps(filters, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(filters);
	crypto_hash_sha256(sha, (const uint8_t *)c->resp->body.ptr, c->resp->body.len);
	sodium_bin2hex(x.sha256, sizeof(x.sha256), sha, sizeof(sha));
	x.bytes = c->resp->body.len;
	{
		/* the tree size is in the bundle's first line: no need to parse all of it */
		const char *sz = memmem(c->resp->body.ptr,
		                        c->resp->body.len < 1024 ? c->resp->body.len : 1024,
		                        ",\"size\":", 8);

		x.size = sz ? strtoull(sz + 8, NULL, 10) : 0;
	}
	rc = x.filters ? model_submit(api_model(c->api), export_log_fn, &x, &err) : SK_ENOMEM;
	free(x.filters);
	if (rc) {
		buf_reset(&c->resp->body);
		api_fail(c, rc, &err);
		return;
	}
	model_today(today);
	snprintf(disp, sizeof(disp), "attachment; filename=\"sakerhetslogg-%s.json\"", today);
	c->resp->status = 200;
	c->resp->content_type = "application/json";
	http_resp_header(c->resp, "Content-Disposition", disp);
	http_resp_header(c->resp, "Cache-Control", "no-store");
}

static void h_status(struct api_ctx *c)
{
	struct seclog_recv *recv = api_seclog_recv(c->api);
	int64_t *ids = NULL;
	json_t *out = NULL;
	size_t n = 0;
	int rc;

	if (readable(c, NULL, &ids, &n))
		return;
	rc = seclog_index_status(api_dir(c->api), ids, n, &out);
	if (rc == SK_ENOTFOUND) {
		out = json_pack("{s:i, s:i, s:n, s:[]}", "size", 0, "indexed", 0, "checkpoint",
		                "sources");
		rc = out ? SK_OK : SK_ENOMEM;
	}
	if (rc) {
		free(ids);
		api_fail(c, rc, NULL);
		return;
	}
	sizes_for(c, out, n);
	json_object_set_new(out, "receiving", json_boolean(recv != NULL));
	if (recv) {
		/*
		 * The receiver's counters: of the readable sources, and of every
		 * source for those who keep the sources register and the clients
		 * (the ssc, the sysadmin) — counts and times, never a message —
		 * with the peers refused before any message.
		 */
		struct seclog_source_stats *st = calloc(SECLOG_STATS_MAX, sizeof(*st));
		struct seclog_unknown_stats u = {0};
		bool ops = model_seclog_keeper(&c->p);
		json_t *arr = json_array();
		size_t ns = 0;

		if (st) {
			seclog_recv_stats(recv, st, SECLOG_STATS_MAX, &ns, &u);
			if (ns > SECLOG_STATS_MAX)
				ns = SECLOG_STATS_MAX;
		}
		if (ops) {
			char last[SK_TIME_LEN + 1] = "";

			if (u.last_us)
				sk_time_format(u.last_us, last);
			json_object_set_new(out, "refused_peers",
			                    json_pack("{s:I, s:I, s:I, s:s?, s:s?}", "unknown_peer",
			                              (json_int_t)u.unknown_peer, "bad_cert",
			                              (json_int_t)u.bad_cert, "over_capacity",
			                              (json_int_t)u.over_capacity, "last_addr",
			                              u.last_addr[0] ? u.last_addr : NULL, "last",
			                              last[0] ? last : NULL));
		}
		for (size_t i = 0; i < ns; i++) {
			bool mine = ops;
			char first[SK_TIME_LEN + 1] = "", last[SK_TIME_LEN + 1] = "";
			json_t *by = json_object();

			for (size_t k = 0; k < n && !mine; k++)
				mine = ids[k] == st[i].source;
			if (!mine) {
				json_decref(by);
				continue;
			}
			for (int e = 1; e < SECLOG_PERR_MAX; e++)
				if (st[i].refused_by[e])
					json_object_set_new(
					        by, seclog_perr_name(e),
					        json_integer((json_int_t)st[i].refused_by[e]));
			if (st[i].first_us)
				sk_time_format(st[i].first_us, first);
			if (st[i].last_us)
				sk_time_format(st[i].last_us, last);
			json_array_append_new(
			        arr,
			        json_pack("{s:I, s:I, s:I, s:I, s:o, s:I, s:i, s:I, s:s?, s:s?}",
			                  "source", (json_int_t)st[i].source, "messages",
			                  (json_int_t)st[i].messages, "bytes",
			                  (json_int_t)st[i].bytes, "refused",
			                  (json_int_t)st[i].refused, "refused_by", by,
			                  "connections", (json_int_t)st[i].connections, "open",
			                  (int)st[i].open, "over_limit",
			                  (json_int_t)st[i].over_limit, "first",
			                  first[0] ? first : NULL, "last", last[0] ? last : NULL));
		}
		free(st);
		json_object_set_new(out, "receiver", arr);
	}
	free(ids);
	{
		/* the names of the sources this answer speaks of, and of their systems */
		json_t *names = json_object(), *x;
		const char *list[] = {"sources", "receiver"};
		size_t k;

		for (size_t l = 0; l < 2; l++)
			json_array_foreach(json_object_get(out, list[l]), k, x)
			{
				json_int_t id = json_integer_value(json_object_get(x, "source"));
				char key[24];
				json_t *lab;

				snprintf(key, sizeof(key), "%lld", (long long)id);
				if (json_object_get(names, key))
					continue;
				lab = model_seclog_source_label(api_model(c->api), id);
				if (lab)
					json_object_set_new(names, key, lab);
			}
		json_object_set_new(out, "names", names);
	}
	api_reply(c, 200, out);
}

const struct api_route api_routes_seclog[] = {
        {"GET", "/api/v1/seclog/messages", ROLES_ANY, 0, NULL, q_search, h_search,
         "search the security logs of the sources you may read, newest first; follow next"},
        {"GET", "/api/v1/seclog/messages/{ref}", ROLES_ANY, 0, NULL, f_none, h_message,
         "one message with its inclusion proof against the newest signed checkpoint"},
        {"POST", "/api/v1/seclog/export", ROLES_ANY, 0, f_export, f_none, h_export,
         "an export bundle of the matching messages with inclusion proofs (JSON download, "
         "at most 100,000, oldest first); logged as export.made"},
        {"GET", "/api/v1/seclog/status", ROLES_ANY, 0, NULL, f_none, h_status,
         "size of the log, how far it is indexed, the newest checkpoint, and per readable "
         "source its messages and the receiver's counters"},
        API_ROUTES_END,
};
