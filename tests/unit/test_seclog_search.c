/*
 * seclog search and export: the index built by the indexer (thread and
 * sync), every filter, text search with hostile input quoted (never FTS
 * syntax), cursor paging without gaps or repeats, need-to-know (a source
 * not asked for is never returned or counted), culled messages gone from
 * the index, invalid UTF-8 shown as U+FFFD, export bundles that verify
 * with the verifier key alone and fail when a byte of a body, a path hash
 * or the checkpoint is changed, and bad queries refused naming the field.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>

#include "seclog/search.h"
#include "seclog/store.h"
#include "store/store.h"
#include "seclogfixture.h"

static char dir[256];
static char vkey[256];

static int setup(void **state)
{
	(void)state;
	seclog_fixture_init(dir, sizeof(dir), "seclogsearch", vkey, sizeof(vkey));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	seclog_fixture_remove(dir);
	return 0;
}

struct spec {
	int64_t source;
	unsigned severity;
	const char *host, *app, *text;
	int64_t ago_s; /* received this many seconds ago */
};

static void append_specs(struct seclog *s, const struct spec *sp, size_t n)
{
	struct seclog_msg *m = calloc(n, sizeof(*m));
	uint64_t first;
	int64_t now = sk_now_us();

	assert_non_null(m);
	for (size_t i = 0; i < n; i++)
		m[i] = (struct seclog_msg){.recv_us = sp[i].ago_s ? now - sp[i].ago_s * 1000000 : 0,
		                           .source = sp[i].source,
		                           .retention_years = 10,
		                           .facility = 4,
		                           .severity = sp[i].severity,
		                           .timestamp_us = SECLOG_TS_NONE,
		                           .hostname = sp[i].host,
		                           .hostname_len = strlen(sp[i].host),
		                           .app = sp[i].app,
		                           .app_len = strlen(sp[i].app),
		                           .text = sp[i].text,
		                           .text_len = strlen(sp[i].text),
		                           .raw = (const uint8_t *)sp[i].text,
		                           .raw_len = strlen(sp[i].text)};
	assert_int_equal(seclog_append(s, m, n, &first, NULL, NULL), SK_OK);
	free(m);
}

/* Twelve messages of three sources; source 3 is the secret one. */
static const struct spec corpus[] = {
        {1, 6, "web1.example.se", "sshd", "Accepted publickey for anna", 3000},
        {1, 4, "web1.example.se", "sshd", "Failed password for root from 10.0.0.1", 2500},
        {2, 3, "db1.example.se", "postgres", "connection refused for user \"admin\"", 2000},
        {3, 2, "kh1.example.se", "sshd", "Failed password for root on the secret host", 1900},
        {1, 6, "web2.example.se", "nginx", "GET /index.html 200", 1800},
        {2, 1, "db1.example.se", "kernel", "NEAR( OR AND * weird tokens", 1500},
        {1, 5, "web1.example.se", "sudo", "anna : TTY=pts/0 ; COMMAND=/bin/sh", 1200},
        {3, 6, "kh1.example.se", "app", "hemlig rapport skickad", 1000},
        {2, 6, "db1.example.se", "postgres", "checkpoint complete", 900},
        {1, 0, "web1.example.se", "kernel", "panic: Failed to mount root", 600},
        {1, 6, "web2.example.se", "nginx", "GET /säkerhet.html 200", 300},
        {2, 4, "db1.example.se", "sshd", "Failed password for postgres", 0},
};

static struct seclog *load_corpus(void)
{
	struct seclog *s = NULL;

	assert_int_equal(seclog_open(dir, NULL, &s), SK_OK);
	append_specs(s, corpus, sizeof(corpus) / sizeof(corpus[0]));
	assert_int_equal(seclog_checkpoint_now(s), SK_OK);
	return s;
}

static const int64_t src12[] = {1, 2}, src123[] = {1, 2, 3}, src3[] = {3};

static struct seclog_query base_q(void)
{
	return (struct seclog_query){
	        .sources = src12, .nsources = 2, .max_severity = -1, .limit = 100};
}

/* Runs q; returns the indices found (newest first) as "i,j,k", and the next cursor. */
static int run(const struct seclog_query *q, char *out, size_t cap, json_int_t *next)
{
	const char *field = NULL;
	json_t *r = NULL, *m;
	size_t i, len = 0;
	int rc = seclog_search(dir, q, &r, &field);

	out[0] = '\0';
	if (rc)
		return rc;
	json_array_foreach(json_object_get(r, "messages"), i, m)
	{
		int n = snprintf(out + len, cap - len, "%s%" JSON_INTEGER_FORMAT, i ? "," : "",
		                 json_integer_value(json_object_get(m, "index")));

		len += (size_t)n;
	}
	if (next)
		*next = json_is_null(json_object_get(r, "next"))
		                ? -1
		                : json_integer_value(json_object_get(r, "next"));
	json_decref(r);
	return SK_OK;
}

static void expect(const struct seclog_query *q, const char *want)
{
	char got[512];

	assert_int_equal(run(q, got, sizeof(got), NULL), SK_OK);
	assert_string_equal(got, want);
}

static void test_filters(void **state)
{
	struct seclog_index *ix = NULL;
	struct seclog *s = load_corpus();
	struct seclog_query q = base_q();

	(void)state;
	assert_int_equal(seclog_index_start(dir, &ix), SK_OK);
	assert_int_equal(seclog_index_sync(ix), SK_OK);
	/* need-to-know: source 3's messages (3 and 7) are never there */
	expect(&q, "11,10,9,8,6,5,4,2,1,0");
	q.host = "db1.example.se";
	expect(&q, "11,8,5,2");
	q.host = NULL;
	q.app = "sshd";
	expect(&q, "11,1,0");
	q.app = NULL;
	q.max_severity = 3;
	expect(&q, "9,5,2");
	q.max_severity = -1;
	q.from_us = sk_now_us() - 1600LL * 1000000;
	q.to_us = sk_now_us() - 700LL * 1000000;
	expect(&q, "8,6,5");
	q.from_us = q.to_us = 0;
	q.only = src3; /* narrowing to a source not granted: nothing */
	q.nonly = 1;
	expect(&q, "");
	q.only = &src12[1];
	expect(&q, "11,8,5,2");
	q.nonly = 0;
	q.nsources = 0; /* no sources at all: nothing, not everything */
	expect(&q, "");
	q.sources = src123;
	q.nsources = 3;
	q.app = "sshd";
	expect(&q, "11,3,1,0");
	/* status: only the sources asked for */
	{
		json_t *st = NULL, *e;

		assert_int_equal(seclog_index_status(dir, src3, 1, &st), SK_OK);
		assert_int_equal(json_integer_value(json_object_get(st, "size")), 12);
		assert_int_equal(json_integer_value(json_object_get(st, "indexed")), 12);
		assert_int_equal(json_array_size(json_object_get(st, "sources")), 1);
		e = json_array_get(json_object_get(st, "sources"), 0);
		assert_int_equal(json_integer_value(json_object_get(e, "source")), 3);
		assert_int_equal(json_integer_value(json_object_get(e, "messages")), 2);
		assert_int_equal(json_integer_value(json_object_get(
		                         json_object_get(st, "checkpoint"), "size")),
		                 12);
		json_decref(st);
	}
	seclog_index_stop(ix);
	/* a new indexer keeps what is indexed (nothing rebuilt, nothing lost) */
	assert_int_equal(seclog_index_start(dir, &ix), SK_OK);
	seclog_index_stop(ix);
	expect(&q, "11,3,1,0");
	seclog_close(s);
}

/* Receipt times out of index order: a time range still finds exactly its messages. */
static void test_time_ranges_out_of_order(void **state)
{
	struct seclog_index *ix = NULL;
	struct seclog *s = NULL;
	struct spec sp[300];
	int64_t ago[300];
	uint64_t seed = 99;
	int64_t now;

	(void)state;
	assert_int_equal(seclog_open(dir, NULL, &s), SK_OK);
	for (unsigned i = 0; i < 300; i++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		/* mostly in order, every tenth up to an hour late */
		ago[i] = 4000 - (int64_t)i * 10 + (i % 10 == 0 ? (int64_t)(seed >> 40) % 3600 : 0);
		sp[i] = (struct spec){.source = 1,
		                      .severity = 6,
		                      .host = "h",
		                      .app = "a",
		                      .text = "t",
		                      .ago_s = ago[i]};
	}
	append_specs(s, sp, 300);
	now = sk_now_us();
	assert_int_equal(seclog_index_start(dir, &ix), SK_OK);
	assert_int_equal(seclog_index_sync(ix), SK_OK);
	for (unsigned w = 0; w < 40; w++) {
		struct seclog_query q = base_q();
		json_t *r = NULL, *m;
		size_t i, want = 0, got = 0;
		int64_t from_ago, to_ago;

		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		from_ago = 200 + (int64_t)(seed >> 40) % 7000;
		to_ago = from_ago - 1 - (int64_t)(seed >> 20) % 900;
		q.from_us = w % 5 == 1 ? 0 : now - from_ago * 1000000;
		q.to_us = w % 5 == 2 ? 0 : now - to_ago * 1000000;
		q.limit = 1000;
		for (i = 0; i < 300; i++) {
			int64_t t = now - ago[i] * 1000000; /* within the second the test ran in */

			if ((!q.from_us || t >= q.from_us + 1000000) &&
			    (!q.to_us || t < q.to_us - 1000000))
				want++;
		}
		assert_int_equal(seclog_search(dir, &q, &r, NULL), SK_OK);
		json_array_foreach(json_object_get(r, "messages"), i, m)
		{
			json_int_t idx = json_integer_value(json_object_get(m, "index"));
			int64_t t = now - ago[idx] * 1000000;

			/* every one returned is in the range (with the test's second of slack) */
			assert_true(!q.from_us || t >= q.from_us - 2000000);
			assert_true(!q.to_us || t < q.to_us + 2000000);
			got++;
		}
		/* and none is missed: at least those clearly inside */
		assert_true(got >= want);
		json_decref(r);
	}
	seclog_index_stop(ix);
	seclog_close(s);
}

static void test_text_and_hostile(void **state)
{
	struct seclog_index *ix = NULL;
	struct seclog *s = load_corpus();
	struct seclog_query q = base_q();
	json_t *r = NULL;
	const char *field;
	char got[512];

	(void)state;
	assert_int_equal(seclog_index_start(dir, &ix), SK_OK);
	assert_int_equal(seclog_index_sync(ix), SK_OK);
	q.text = "failed password";
	expect(&q, "11,1");
	q.text = "FAILED root";
	expect(&q, "9,1");
	q.text = "pass*"; /* a trailing * is a prefix search */
	expect(&q, "11,1");
	q.text = "10.0.0.1";
	expect(&q, "1");
	q.text = "säkerhet";
	expect(&q, "10");
	q.text = "hemlig"; /* source 3 only */
	expect(&q, "");
	q.text = "failed password secret";
	expect(&q, "");
	q.sources = src123;
	q.nsources = 3;
	expect(&q, "3");
	q.sources = src12;
	q.nsources = 2;
	/* FTS5 syntax is taken as words, never as operators */
	q.text = "NEAR(";
	expect(&q, "5");
	q.text = "OR";
	expect(&q, "5");
	q.text = "anna OR checkpoint"; /* not a disjunction: all three words */
	expect(&q, "");
	q.text = "\"admin\"";
	expect(&q, "2");
	q.text = "\"";
	expect(&q, "");
	q.text = "*";
	expect(&q, "");
	q.text = "\"\" * ) ( : ^ - + {host}: NOT";
	expect(&q, "");
	q.text = "host:web1";
	expect(&q, "");
	q.text = "   "; /* only spaces: no text condition */
	assert_int_equal(run(&q, got, sizeof(got), NULL), SK_OK);
	assert_string_equal(got, "11,10,9,8,6,5,4,2,1,0");
	/* bad queries name their field and return nothing */
	struct {
		struct seclog_query q;
		const char *field;
	} bad[] = {
	        {{.sources = src12, .nsources = 2, .max_severity = -1, .limit = 0}, "limit"},
	        {{.sources = src12, .nsources = 2, .max_severity = -1, .limit = 1001}, "limit"},
	        {{.sources = src12, .nsources = 2, .max_severity = 8, .limit = 1}, "severity"},
	        {{.sources = src12, .nsources = 2, .max_severity = -2, .limit = 1}, "severity"},
	        {{.sources = src12, .nsources = 2, .max_severity = -1, .limit = 1, .host = "a b"},
	         "host"},
	        {{.sources = src12, .nsources = 2, .max_severity = -1, .limit = 1, .host = ""},
	         "host"},
	        {{.sources = src12,
	          .nsources = 2,
	          .max_severity = -1,
	          .limit = 1,
	          .app = "0123456789012345678901234567890123456789012345678"},
	         "app"},
	        {{.sources = src12, .nsources = 2, .max_severity = -1, .limit = 1, .text = "a\x01"},
	         "q"},
	        {{.sources = src12, .nsources = 2, .max_severity = -1, .limit = 1, .text = "\xff"},
	         "q"},
	        {{.sources = src12,
	          .nsources = 2,
	          .max_severity = -1,
	          .limit = 1,
	          .text = "a b c d e f g h i j k l m n o p q"},
	         "q"},
	        {{.sources = src12,
	          .nsources = 2,
	          .max_severity = -1,
	          .limit = 1,
	          .from_us = 2000,
	          .to_us = 1000},
	         "to"},
	        {{.sources = src12, .nsources = 2, .max_severity = -1, .limit = 1, .from_us = -1},
	         "from"},
	        {{.sources = NULL, .nsources = 2, .max_severity = -1, .limit = 1}, "sources"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		field = NULL;
		assert_int_equal(seclog_search(dir, &bad[i].q, &r, &field), SK_EINVAL);
		assert_null(r);
		assert_non_null(field);
		assert_string_equal(field, bad[i].field);
	}
	char longq[300];
	memset(longq, 'a', sizeof(longq) - 1);
	longq[sizeof(longq) - 1] = '\0';
	q.text = longq;
	assert_int_equal(seclog_search(dir, &q, &r, &field), SK_EINVAL);
	assert_string_equal(field, "q");
	seclog_index_stop(ix);
	seclog_close(s);
}

static void test_paging_and_thread(void **state)
{
	struct seclog_index *ix = NULL;
	struct seclog *s = NULL;
	struct spec sp[250];
	char texts[250][32], got[4096];
	struct seclog_query q = base_q();
	uint8_t seen[250] = {0};
	json_int_t next = 0;
	json_t *r = NULL;
	unsigned pages = 0, total = 0;

	(void)state;
	assert_int_equal(seclog_open(dir, NULL, &s), SK_OK);
	assert_int_equal(seclog_index_start(dir, &ix), SK_OK);
	for (unsigned i = 0; i < 250; i++) {
		snprintf(texts[i], sizeof(texts[i]), "event number %u", i);
		sp[i] = (struct spec){.source = 1 + i % 3,
		                      .severity = i % 8,
		                      .host = "h.example.se",
		                      .app = "app",
		                      .text = texts[i]};
	}
	append_specs(s, sp, 250);
	/* The indexer thread catches up on its own after a kick. */
	seclog_index_kick(ix);
	for (unsigned tries = 0; tries < 500; tries++) {
		assert_int_equal(seclog_search(dir, &q, &r, NULL), SK_OK);
		json_int_t indexed = json_integer_value(json_object_get(r, "indexed"));
		json_decref(r);
		if (indexed == 250)
			break;
		usleep(10000);
	}
	assert_int_equal(seclog_search(dir, &q, &r, NULL), SK_OK);
	assert_int_equal(json_integer_value(json_object_get(r, "indexed")), 250);
	assert_int_equal(json_integer_value(json_object_get(r, "size")), 250);
	json_decref(r);
	q.limit = 37;
	q.text = "event";
	do {
		char *p = got;

		q.before = (uint64_t)next;
		assert_int_equal(run(&q, got, sizeof(got), &next), SK_OK);
		pages++;
		while (*p) {
			unsigned long v = strtoul(p, &p, 10);

			assert_true(v < 250);
			assert_int_equal(seen[v], 0);   /* no repeats */
			assert_int_not_equal(v % 3, 2); /* source 3 never */
			seen[v] = 1;
			total++;
			if (*p == ',')
				p++;
		}
	} while (next >= 0 && pages < 20);
	assert_int_equal(total, 167); /* sources 1 and 2: no gaps */
	assert_int_equal(pages, 5);
	seclog_index_stop(ix);
	seclog_close(s);
	/* reindex rebuilds the same */
	uint64_t n = 0;
	assert_int_equal(seclog_reindex(dir, &n), SK_OK);
	assert_int_equal(n, 250);
	q.before = 0;
	q.limit = 1000;
	assert_int_equal(run(&q, got, sizeof(got), &next), SK_OK);
	assert_int_equal(next, -1);
	assert_int_equal(strncmp(got, "249,247,246,", 12), 0);
	/* an export stops before its output is full, and says it is not complete */
	{
		struct seclog_export_report rep;
		struct buf out;
		uint64_t count = 0;
		json_t *b;

		buf_init(&out, 260 << 10);
		q.text = NULL;
		assert_int_equal(seclog_export(dir, &q, &out, &count, NULL), SK_OK);
		assert_true(count > 0 && count < 167);
		b = json_loadb(out.ptr, out.len, 0, NULL);
		assert_true(json_is_false(json_object_get(b, "complete")));
		json_decref(b);
		assert_int_equal(
		        seclog_export_verify(vkey, (const uint8_t *)out.ptr, out.len, &rep), SK_OK);
		assert_int_equal(rep.messages, count);
		buf_release(&out);
	}
}

static void test_utf8_and_detail(void **state)
{
	struct seclog *s = NULL;
	struct seclog_msg m = {.source = 1,
	                       .retention_years = 10,
	                       .facility = 1,
	                       .severity = 6,
	                       .timestamp_us = SECLOG_TS_NONE,
	                       .hostname = "h",
	                       .hostname_len = 1,
	                       .text = "text",
	                       .text_len = 4,
	                       .raw = (const uint8_t *)"<14>bad \xff\xfe utf8",
	                       .raw_len = 15};
	uint64_t first;
	json_t *j = NULL;
	uint64_t n;

	(void)state;
	assert_int_equal(seclog_open(dir, NULL, &s), SK_OK);
	assert_int_equal(seclog_append(s, &m, 1, &first, NULL, NULL), SK_OK);
	/* Not yet covered by a checkpoint: shown, with no proof yet. */
	assert_int_equal(seclog_message(dir, 0, &j), SK_OK);
	assert_true(json_is_null(json_object_get(j, "proof")));
	json_decref(j);
	assert_int_equal(seclog_checkpoint_now(s), SK_OK);
	assert_int_equal(seclog_message(dir, 0, &j), SK_OK);
	assert_string_equal(json_string_value(json_object_get(j, "raw")),
	                    "<14>bad \xEF\xBF\xBD\xEF\xBF\xBD utf8");
	assert_string_equal(json_string_value(json_object_get(j, "text")), "text");
	assert_int_equal(json_integer_value(json_object_get(j, "source")), 1);
	assert_true(json_is_null(json_object_get(j, "app")));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "proof"), "size")),
	                 1);
	json_decref(j);
	assert_int_equal(seclog_message(dir, 1, &j), SK_ENOTFOUND);
	assert_int_equal(seclog_message(dir, UINT64_MAX, &j), SK_ENOTFOUND);
	seclog_close(s);
	assert_int_equal(seclog_reindex(dir, &n), SK_OK);
	assert_int_equal(n, 1);
}

/* ---- culling takes the words out of the index ---- */

static int64_t fts_rows(const char *word)
{
	char path[400], sql[200];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int64_t n = -1;

	snprintf(path, sizeof(path), "%s/seclog.db", dir);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM ix_fts WHERE ix_fts MATCH '\"%s\"'", word);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

static void test_culled(void **state)
{
	struct seclog_verify_report r;
	struct seclog_index *ix = NULL;
	struct seclog *s = NULL;
	struct seclog_query q = base_q();
	struct spec a[] = {{1, 6, "old.example.se", "app", "gammalt hemligt ord", 0},
	                   {2, 6, "old.example.se", "app", "gammalt ord igen", 0}};
	struct spec b[] = {{1, 6, "new.example.se", "app", "nytt ord", 0}};
	int64_t now = sk_now_us();
	int64_t base = (now / (30 * DAY_US)) * (30 * DAY_US) - 3 * YEAR_US;
	char got[256];
	json_t *j = NULL;

	(void)state;
	sk_clock_set_offset(base - now);
	assert_int_equal(seclog_open(dir, NULL, &s), SK_OK);
	append_specs(s, a, 2);
	sk_clock_set_offset(base - now + 40 * DAY_US);
	append_specs(s, b, 1);
	append_specs(s, b, 1);
	assert_int_equal(seclog_checkpoint_now(s), SK_OK);
	assert_int_equal(seclog_index_start(dir, &ix), SK_OK);
	assert_int_equal(seclog_index_sync(ix), SK_OK);
	assert_int_equal(fts_rows("gammalt"), 2);
	{
		int64_t *ids = NULL;
		size_t n = 0;

		assert_int_equal(seclog_index_sources(dir, &ids, &n), SK_OK);
		assert_int_equal(n, 2);
		free(ids);
	}
	q.text = "ord";
	expect(&q, "3,2,1,0");
	seclog_close(s);
	sk_clock_set_offset(base - now + 10 * YEAR_US + 40 * DAY_US);
	assert_int_equal(seclog_cull(dir, 1, "ssc Anna", "gallring enligt 28 §"), SK_OK);
	/* the words of the culled bodies are gone from the FTS, their rows from the index */
	assert_int_equal(fts_rows("gammalt"), 0);
	assert_int_equal(fts_rows("hemligt"), 0);
	assert_int_equal(fts_rows("nytt"), 2);
	expect(&q, "3,2");
	q.text = NULL;
	expect(&q, "3,2");
	{
		int64_t *ids = NULL;
		size_t n = 0;

		/* source 2 had messages only in the culled segment: gone from the list */
		assert_int_equal(seclog_index_sources(dir, &ids, &n), SK_OK);
		assert_int_equal(n, 1);
		assert_int_equal(ids[0], 1);
		free(ids);
	}
	assert_int_equal(seclog_verify(dir, &r), SK_OK);
	assert_int_equal(r.culled, 2);
	/* the message itself: culled, its source known, proven without content */
	assert_int_equal(seclog_message(dir, 0, &j), SK_OK);
	assert_true(json_is_true(json_object_get(j, "culled")));
	assert_null(json_object_get(j, "text"));
	assert_non_null(json_object_get(j, "proof"));
	json_decref(j);
	/* the indexer after a cull, and a reindex, keep them out */
	assert_int_equal(seclog_index_sync(ix), SK_OK);
	seclog_index_stop(ix);
	uint64_t n = 0;
	assert_int_equal(seclog_reindex(dir, &n), SK_OK);
	assert_int_equal(fts_rows("gammalt"), 0);
	assert_int_equal(run(&q, got, sizeof(got), NULL), SK_OK);
	assert_string_equal(got, "3,2");
	assert_int_equal(seclog_verify(dir, &r), SK_OK);
}

/* ---- export ---- */

static void flip_b64(json_t *s)
{
	uint8_t b[70000];
	char out[100000];
	size_t n = 0;

	assert_int_equal(
	        sk_base64_decode(json_string_value(s), json_string_length(s), b, sizeof(b), &n),
	        SK_OK);
	b[n / 2] ^= 1;
	assert_int_equal(sk_base64_encode(b, n, out, sizeof(out)), SK_OK);
	json_string_set(s, out);
}

static int verify_json(json_t *b, struct seclog_export_report *r)
{
	char *s = json_dumps(b, JSON_COMPACT);
	int rc = seclog_export_verify(vkey, (const uint8_t *)s, strlen(s), r);

	free(s);
	return rc;
}

static void test_export(void **state)
{
	struct seclog_index *ix = NULL;
	struct seclog *s = load_corpus();
	struct seclog_query q = base_q();
	struct seclog_export_report r;
	struct buf out;
	uint64_t count = 0;
	const char *field = NULL;
	json_t *b, *m0, *tmp;

	(void)state;
	/* one more message after the checkpoint: not provable yet, not exported */
	append_specs(s, &corpus[0], 1);
	assert_int_equal(seclog_index_start(dir, &ix), SK_OK);
	assert_int_equal(seclog_index_sync(ix), SK_OK);
	buf_init(&out, 64 << 20);
	q.text = "failed";
	assert_int_equal(seclog_export(dir, &q, &out, &count, &field), SK_OK);
	assert_int_equal(count, 3); /* 1, 9, 11: not 3 (source 3) */
	assert_int_equal(seclog_export_verify(vkey, (const uint8_t *)out.ptr, out.len, &r), SK_OK);
	assert_int_equal(r.messages, 3);
	assert_int_equal(r.size, 12);
	b = json_loadb(out.ptr, out.len, 0, NULL);
	assert_non_null(b);
	assert_true(json_is_true(json_object_get(b, "complete")));
	m0 = json_array_get(json_object_get(b, "messages"), 0);
	assert_int_equal(json_integer_value(json_object_get(m0, "index")), 1);
	/* the body decodes to the message */
	{
		uint8_t body[4096];
		size_t n = 0;
		struct seclog_msg msg;
		json_t *jb = json_object_get(m0, "body");

		assert_int_equal(sk_base64_decode(json_string_value(jb), json_string_length(jb),
		                                  body, sizeof(body), &n),
		                 SK_OK);
		assert_int_equal(seclog_msg_decode(body, n, &msg), SK_OK);
		assert_int_equal(msg.source, 1);
		assert_memory_equal(msg.text, "Failed password", 15);
	}
	/* one byte of a body */
	tmp = json_deep_copy(b);
	flip_b64(json_object_get(json_array_get(json_object_get(tmp, "messages"), 1), "body"));
	assert_int_equal(verify_json(tmp, &r), SK_EVERIFY);
	assert_non_null(strstr(r.problem, "message 9"));
	json_decref(tmp);
	/* a path hash */
	tmp = json_deep_copy(b);
	flip_b64(json_array_get(
	        json_object_get(json_array_get(json_object_get(tmp, "messages"), 0), "path"), 1));
	assert_int_equal(verify_json(tmp, &r), SK_EVERIFY);
	assert_non_null(strstr(r.problem, "audit path"));
	json_decref(tmp);
	/* a leaf and body replaced together: the path no longer leads to the root */
	tmp = json_deep_copy(b);
	json_object_set_new(json_array_get(json_object_get(tmp, "messages"), 0), "index",
	                    json_integer(0));
	assert_int_equal(verify_json(tmp, &r), SK_EVERIFY);
	json_decref(tmp);
	/* the note */
	tmp = json_deep_copy(b);
	{
		char *note = strdup(json_string_value(json_object_get(tmp, "checkpoint")));
		char *nl = strchr(note, '\n');

		nl[1] = nl[1] == '9' ? '8' : '9'; /* the size line */
		json_object_set_new(tmp, "checkpoint", json_string(note));
		free(note);
	}
	assert_int_equal(verify_json(tmp, &r), SK_EVERIFY);
	assert_non_null(strstr(r.problem, "signature"));
	json_decref(tmp);
	/* a message dropped without fixing count */
	tmp = json_deep_copy(b);
	json_array_remove(json_object_get(tmp, "messages"), 2);
	assert_int_equal(verify_json(tmp, &r), SK_EVERIFY);
	json_decref(tmp);
	/* another key */
	{
		char sk[256], vk2[256];

		assert_int_equal(ledger_note_keygen("other", sk, sizeof(sk), vk2, sizeof(vk2)), 0);
		assert_int_equal(seclog_export_verify(vk2, (const uint8_t *)out.ptr, out.len, &r),
		                 SK_EVERIFY);
	}
	/* not a bundle */
	assert_int_equal(seclog_export_verify(vkey, (const uint8_t *)"{}", 2, &r), SK_EINVAL);
	assert_int_equal(seclog_export_verify(vkey, (const uint8_t *)"nej", 3, &r), SK_EINVAL);
	json_decref(b);
	/* need-to-know holds for exports too; bad input names its field */
	buf_reset(&out);
	q.text = "hemlig";
	assert_int_equal(seclog_export(dir, &q, &out, &count, &field), SK_OK);
	assert_int_equal(count, 0);
	assert_int_equal(seclog_export_verify(vkey, (const uint8_t *)out.ptr, out.len, &r), SK_OK);
	buf_reset(&out);
	q.text = NULL;
	q.max_severity = 9;
	assert_int_equal(seclog_export(dir, &q, &out, &count, &field), SK_EINVAL);
	assert_string_equal(field, "severity");
	buf_release(&out);
	seclog_index_stop(ix);
	seclog_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_filters, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_text_and_hostile, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_time_ranges_out_of_order, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_paging_and_thread, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_utf8_and_detail, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_culled, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_export, setup, teardown),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
