/*
 * The store: instance creation, the writer with group commit, projections
 * and replay, readers, proofs from tiles, checkpoints, and bad input.
 */
#include <pthread.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "testutil.h"
#include "ledger/ledger.h"
#include "store/store.h"
#include "store/store_int.h" /* store_entry_envelope */

/* A test-only projection: counts entries per object, and sums data.n. */
static const char *const counter_tables[] = {"test_counter", NULL};

static int counter_apply(struct store_tx *tx, const struct ledger_entry *e)
{
	static const char sql[] =
	        "INSERT INTO test_counter (object, entries, total) VALUES (?1, 1, ?2) "
	        "ON CONFLICT (object) DO UPDATE SET entries = entries + 1, total = total + ?2";
	json_t *n = json_object_get(e->data, "n");
	struct store_q *q;
	int rc;

	if (n && !json_is_integer(n))
		return SK_EINVAL;
	if (n && json_integer_value(n) < 0)
		return store_tx_fail(tx, "n", "n must not be negative");
	rc = store_tx_query(tx, sql, &q);
	if (rc)
		return rc;
	store_q_bind_text(q, 1, e->object);
	store_q_bind_int(q, 2, n ? json_integer_value(n) : 0);
	rc = store_q_step(q);
	store_q_done(q);
	return rc == SK_ENOTFOUND ? SK_OK : rc;
}

static const struct store_projection counter = {
        .name = "test",
        .kind_prefix = "test.",
        .tables = counter_tables,
        .schema = "CREATE TABLE IF NOT EXISTS test_counter (object TEXT PRIMARY KEY, "
                  "entries INTEGER NOT NULL, total INTEGER NOT NULL)",
        .apply = counter_apply,
};

static char dir[256];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/skydd-test-store-XXXXXX");
	assert_non_null(mkdtemp(dir));
	rmdir(dir); /* store_init creates it */
	store_clear_projections();
	assert_int_equal(store_register_projection(&counter), SK_OK);
	return 0;
}

static int teardown(void **state)
{
	char cmd[512];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static void make_instance(void)
{
	char vkey[256];

	assert_int_equal(store_init(dir, &(struct store_init_opts){.origin = "test/store"}, vkey,
	                            sizeof(vkey)),
	                 SK_OK);
	assert_non_null(strstr(vkey, "test/store+"));
}

static void append_n(struct store *s, const char *object, int count, int n)
{
	for (int i = 0; i < count; i++) {
		json_t *d = json_pack("{s:i}", "n", n);
		uint64_t seq = 0;

		assert_int_equal(store_append(s, 7, "test.add", object, d, &seq), SK_OK);
		assert_true(seq > 1);
		json_decref(d);
	}
}

static void expect_verify(const char *against, bool replay, int want, const char *needle)
{
	struct store_verify_opts o = {.replay = replay, .against = against};
	struct store_verify_result r;
	int rc = store_verify(dir, &o, &r);

	if (rc != want)
		fail_msg("verify returned %d (%s), want %d", rc, r.problem, want);
	if (needle && !strstr(r.problem, needle))
		fail_msg("problem '%s' does not mention '%s'", r.problem, needle);
}

static void test_init_refuses_overwrite(void **state)
{
	char vkey[256], path[512];
	struct stat st;

	(void)state;
	make_instance();
	assert_int_equal(store_init(dir, NULL, vkey, sizeof(vkey)), SK_EEXIST);
	snprintf(path, sizeof(path), "%s/signing.key", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	expect_verify(NULL, true, SK_OK, NULL);
}

static void test_init_bad_origin(void **state)
{
	char vkey[256];

	(void)state;
	assert_int_equal(store_init(dir, &(struct store_init_opts){.origin = "has space"}, vkey,
	                            sizeof(vkey)),
	                 SK_EINVAL);
	assert_int_equal(
	        store_init(dir, &(struct store_init_opts){.origin = "a+b"}, vkey, sizeof(vkey)),
	        SK_EINVAL);
}

static void test_open_missing(void **state)
{
	struct store *s = (void *)1;

	(void)state;
	assert_int_equal(store_open("/nonexistent/skydd", NULL, &s), SK_ENOTFOUND);
	assert_null(s);
	store_close(NULL);
}

static void test_append_and_replay(void **state)
{
	struct store *s;

	(void)state;
	make_instance();
	assert_int_equal(store_open(dir, NULL, &s), SK_OK);
	append_n(s, "obj/a", 10, 2);
	append_n(s, "obj/b", 5, 3);
	store_close(s);
	expect_verify(NULL, true, SK_OK, NULL);

	/* The projection holds what the entries say. */
	{
		struct store_reader *r;
		struct store_q *q;

		assert_int_equal(store_reader_open(dir, &r), SK_OK);
		assert_int_equal(store_reader_query(r,
		                                    "SELECT entries, total FROM test_counter WHERE "
		                                    "object = 'obj/a'",
		                                    &q),
		                 SK_OK);
		assert_int_equal(store_q_step(q), SK_OK);
		assert_int_equal(store_q_int(q, 0), 10);
		assert_int_equal(store_q_int(q, 1), 20);
		store_q_done(q);
		store_reader_close(r);
	}
}

static void test_replay_detects_edited_projection(void **state)
{
	char path[512];
	sqlite3 *db;
	struct store *s;

	(void)state;
	make_instance();
	assert_int_equal(store_open(dir, NULL, &s), SK_OK);
	append_n(s, "obj/a", 3, 1);
	store_close(s);
	snprintf(path, sizeof(path), "%s/skydd.db", dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "UPDATE test_counter SET total = 99", NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);
	expect_verify(NULL, false, SK_OK, NULL); /* the ledger itself is intact */
	expect_verify(NULL, true, SK_EVERIFY, "test_counter");
}

struct two_arg {
	json_t *good, *bad;
};

static int cmd_good_then_bad(struct store_tx *tx, void *arg)
{
	struct two_arg *a = arg;
	int rc = store_tx_append(tx, 1, "test.add", "obj/x", a->good, NULL);

	if (rc)
		return rc;
	/* The second append fails in the projection: the whole command must vanish. */
	return store_tx_append(tx, 1, "test.add", "obj/x", a->bad, NULL);
}

static int cmd_good(struct store_tx *tx, void *arg)
{
	struct two_arg *a = arg;

	return store_tx_append(tx, 1, "test.add", "obj/y", a->good, NULL);
}

static void test_failed_command_does_not_poison_batch(void **state)
{
	struct two_arg a;
	struct store_cmd c[5];
	struct store *s;
	struct store_reader *r;
	uint64_t size;

	(void)state;
	make_instance();
	a.good = json_pack("{s:i}", "n", 1);
	a.bad = json_pack("{s:i}", "n", -1);
	assert_int_equal(store_open(dir, &(struct store_opts){.batch_wait_us = 20000}, &s), SK_OK);
	for (int i = 0; i < 5; i++) {
		store_cmd_init(&c[i], i == 2 ? cmd_good_then_bad : cmd_good, &a);
		assert_int_equal(store_submit_async(s, &c[i]), SK_OK);
	}
	for (int i = 0; i < 5; i++)
		store_wait(s, &c[i]);
	for (int i = 0; i < 5; i++) {
		if (i == 2) {
			assert_int_equal(c[i].rc, SK_EINVAL);
			assert_string_equal(c[i].err_field, "n");
			assert_int_equal(c[i].first_seq, 0);
		} else {
			assert_int_equal(c[i].rc, SK_OK);
			assert_true(c[i].first_seq >= 2);
		}
	}
	/* Seqs are dense: the failed command left no hole. */
	assert_int_equal(c[4].last_seq, 5);
	store_close(s);
	assert_int_equal(store_reader_open(dir, &r), SK_OK);
	assert_int_equal(store_reader_size(r, &size), SK_OK);
	assert_int_equal(size, 5);
	store_reader_close(r);
	expect_verify(NULL, true, SK_OK, NULL);
	json_decref(a.good);
	json_decref(a.bad);
}

/* Refusals with a reason (issue 16): what a command records for the UI. */
struct fail_arg {
	int step;
	json_t *params;
};

static int cmd_refuse(struct store_tx *tx, void *arg)
{
	struct fail_arg *a = arg;
	char big[300];

	switch (a->step) {
	case 0: /* the first refusal stands, a later one adds nothing */
		store_tx_failr(tx, SK_ERULE, "n", "test.first", a->params, "first %d", 1);
		return store_tx_failr(tx, SK_EEXIST, "m", "test.second", json_pack("{s:i}", "n", 2),
		                      "second");
	case 1: /* params over 255 bytes are left out whole; the reason stays */
		memset(big, 'x', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		return store_tx_failr(tx, SK_EINVAL, NULL, "test.big", json_pack("{s:s}", "s", big),
		                      "big");
	default: /* the older call names no reason */
		return store_tx_fail(tx, "n", "plain"), SK_EINVAL;
	}
}

static void test_refusal_reason(void **state)
{
	struct fail_arg a = {0, NULL};
	struct store_cmd c;
	struct store *s;

	(void)state;
	make_instance();
	assert_int_equal(store_open(dir, NULL, &s), SK_OK);
	a.params = json_pack("{s:s, s:i}", "space", "Skåp 1", "count", 3);
	store_cmd_init(&c, cmd_refuse, &a);
	/* the command's rc is its own (the second call's); the words are the first call's */
	assert_int_equal(store_submit(s, &c), SK_EEXIST);
	assert_string_equal(c.err_field, "n");
	assert_string_equal(c.err_reason, "test.first");
	assert_string_equal(c.err_params, "{\"count\":3,\"space\":\"Skåp 1\"}");
	assert_string_equal(c.err_msg, "first 1");

	a.step = 1;
	store_cmd_init(&c, cmd_refuse, &a);
	assert_int_equal(store_submit(s, &c), SK_EINVAL);
	assert_string_equal(c.err_reason, "test.big");
	assert_string_equal(c.err_params, "");
	assert_string_equal(c.err_field, "");

	a.step = 2;
	store_cmd_init(&c, cmd_refuse, &a);
	assert_int_equal(store_submit(s, &c), SK_EINVAL);
	assert_string_equal(c.err_reason, "");
	assert_string_equal(c.err_msg, "plain");
	store_close(s);
}

static void test_bad_entries_rejected(void **state)
{
	json_t *d = json_object(), *real = json_pack("{s:f}", "x", 1.5);
	struct store *s;

	(void)state;
	make_instance();
	assert_int_equal(store_open(dir, NULL, &s), SK_OK);
	assert_int_equal(store_append(s, 0, "Bad.Kind", "obj/1", d, NULL), SK_EINVAL);
	assert_int_equal(store_append(s, 0, "ok.kind", "Bad Object", d, NULL), SK_EINVAL);
	assert_int_equal(store_append(s, -1, "ok.kind", "obj/1", d, NULL), SK_EINVAL);
	assert_int_equal(store_append(s, 0, "ok.kind", "obj/1", real, NULL), SK_EINVAL);
	assert_int_equal(store_append(s, 0, "ok.kind", "obj/1", d, NULL), SK_OK);
	store_close(s);
	expect_verify(NULL, true, SK_OK, NULL);
	json_decref(d);
	json_decref(real);
}

struct thread_arg {
	struct store *s;
	int n;
};

static void *writer_thread(void *p)
{
	struct thread_arg *a = p;

	for (int i = 0; i < a->n; i++) {
		json_t *d = json_pack("{s:i}", "n", i);

		if (store_append(a->s, 3, "test.add", "obj/t", d, NULL) != SK_OK)
			abort();
		json_decref(d);
	}
	return NULL;
}

static void test_concurrent_writers_and_proofs(void **state)
{
	pthread_t th[4];
	struct thread_arg ta;
	struct store *s;
	struct store_reader *r;
	uint64_t size;

	(void)state;
	make_instance();
	assert_int_equal(store_open(dir, &(struct store_opts){.checkpoint_ms = 5}, &s), SK_OK);
	ta.s = s;
	ta.n = 300;
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&th[i], NULL, writer_thread, &ta), 0);
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(store_checkpoint_now(s), SK_OK);
	store_close(s);

	assert_int_equal(store_reader_open(dir, &r), SK_OK);
	assert_int_equal(store_reader_begin(r), SK_OK);
	assert_int_equal(store_reader_size(r, &size), SK_OK);
	assert_int_equal(size, 1201);
	/* Proofs from tiles verify against roots from tiles, for many sizes. */
	for (uint64_t sz = 1; sz <= size; sz += 97) {
		uint8_t proof[LEDGER_MAX_PROOF][LEDGER_HASH_LEN], root[LEDGER_HASH_LEN],
		        r1[LEDGER_HASH_LEN], leaf[LEDGER_HASH_LEN];
		size_t n;

		assert_int_equal(ledger_root_at(sz, store_reader_node, r, root), SK_OK);
		assert_int_equal(store_reader_node(r, 0, sz - 1, leaf), SK_OK);
		assert_int_equal(
		        ledger_prove_inclusion(sz - 1, size, store_reader_node, r, proof, &n),
		        SK_OK);
		assert_int_equal(ledger_root_at(size, store_reader_node, r, r1), SK_OK);
		assert_int_equal(ledger_verify_inclusion(sz - 1, size, leaf,
		                                         (const uint8_t(*)[LEDGER_HASH_LEN])proof,
		                                         n, r1),
		                 SK_OK);
		assert_int_equal(
		        ledger_prove_consistency(sz, size, store_reader_node, r, proof, &n), SK_OK);
		assert_int_equal(ledger_verify_consistency(sz, size, root, r1,
		                                           (const uint8_t(*)[LEDGER_HASH_LEN])proof,
		                                           n),
		                 SK_OK);
	}
	store_reader_end(r);
	store_reader_close(r);
	expect_verify(NULL, true, SK_OK, NULL);
}

static void test_against_detects_truncation(void **state)
{
	char path[512], cplog[512], cmd[1200];
	struct store *s;
	sqlite3 *db;

	(void)state;
	make_instance();
	assert_int_equal(store_open(dir, NULL, &s), SK_OK);
	append_n(s, "obj/a", 20, 1);
	store_close(s);
	snprintf(cplog, sizeof(cplog), "%s/outside.log", dir);
	snprintf(cmd, sizeof(cmd), "cp '%s/checkpoints.log' '%s'", dir, cplog);
	assert_int_equal(system(cmd), 0);
	expect_verify(cplog, false, SK_OK, NULL);

	/* An attacker with the database but not the key: drop the guards, cut the tail. */
	snprintf(path, sizeof(path), "%s/skydd.db", dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
	                              "DROP TRIGGER ledger_no_delete; DROP TRIGGER "
	                              "checkpoint_no_delete; DELETE FROM ledger WHERE seq > 15; "
	                              "DELETE FROM checkpoint WHERE size > 15; DELETE FROM tile;",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);
	expect_verify(cplog, false, SK_EVERIFY, "entries were removed");
}

static void test_newer_schema_refused(void **state)
{
	char path[512];
	struct store *s = NULL;
	struct store_reader *r = NULL;
	struct store_verify_result res;
	sqlite3 *db;

	(void)state;
	make_instance();
	snprintf(path, sizeof(path), "%s/skydd.db", dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 999", NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_open(dir, NULL, &s), SK_EVERSION);
	assert_null(s);
	assert_int_equal(store_reader_open(dir, &r), SK_EVERSION);
	assert_int_equal(store_verify(dir, NULL, &res), SK_EVERSION);
	assert_non_null(strstr(res.problem, "newer version"));
}

static void test_wrong_key_refused(void **state)
{
	char path[512];
	struct store *s = NULL;
	FILE *f;
	char skey[256], vkey[256];

	(void)state;
	make_instance();
	assert_int_equal(ledger_note_keygen("test/store", skey, sizeof(skey), vkey, sizeof(vkey)),
	                 SK_OK);
	snprintf(path, sizeof(path), "%s/signing.key", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%s\n", skey);
	fclose(f);
	assert_int_equal(store_open(dir, NULL, &s), SK_ECORRUPT);
	chmod(path, 0644);
	assert_int_equal(store_open(dir, NULL, &s), SK_EPERM);
}

static int counter_fn(void *ctx, const struct store_entry_row *row)
{
	int *n = ctx;

	assert_true(row->len > 0);
	(*n)++;
	return SK_OK;
}

static void test_log_filters(void **state)
{
	struct store *s;
	struct store_reader *r;
	struct store_log_filter f = {.actor = -1, .limit = 100};
	int count = 0;

	(void)state;
	make_instance();
	assert_int_equal(store_open(dir, NULL, &s), SK_OK);
	append_n(s, "obj/a", 4, 1);
	append_n(s, "obj/b", 3, 1);
	store_close(s);
	assert_int_equal(store_reader_open(dir, &r), SK_OK);

	f.object = "obj/b";
	assert_int_equal(store_reader_log(r, &f, counter_fn, &count), SK_OK);
	assert_int_equal(count, 3);
	count = 0;
	f.object = NULL;
	f.kind = "ledger.";
	assert_int_equal(store_reader_log(r, &f, counter_fn, &count), SK_OK);
	assert_int_equal(count, 1);
	count = 0;
	f.kind = NULL;
	f.actor = 7;
	f.limit = 2;
	assert_int_equal(store_reader_log(r, &f, counter_fn, &count), SK_OK);
	assert_int_equal(count, 2);
	store_reader_close(r);
}

/* One buffer, different SQL each time: the statement cache must go by the text. */
static int64_t query_in_buffer(struct store_reader *r, char *buf, size_t cap, int v)
{
	struct store_q *q;
	int64_t got;

	snprintf(buf, cap, "SELECT %d + 0", v);
	assert_int_equal(store_reader_query(r, buf, &q), SK_OK);
	assert_int_equal(store_q_step(q), SK_OK);
	got = store_q_int(q, 0);
	store_q_done(q);
	return got;
}

static void test_statement_cache_keys_on_text(void **state)
{
	struct store_reader *r;
	char *buf = malloc(64);

	(void)state;
	assert_non_null(buf);
	make_instance();
	assert_int_equal(store_reader_open(dir, &r), SK_OK);
	assert_int_equal(query_in_buffer(r, buf, 64, 1), 1);
	assert_int_equal(query_in_buffer(r, buf, 64, 2), 2); /* same address, new text */
	assert_int_equal(query_in_buffer(r, buf, 64, 1), 1); /* the first, found by text */
	free(buf);
	{
		char *other = malloc(64); /* the old address may be gone: nothing reads it */

		assert_non_null(other);
		assert_int_equal(query_in_buffer(r, other, 64, 3), 3);
		assert_int_equal(query_in_buffer(r, other, 64, 2), 2);
		free(other);
	}
	store_reader_close(r);
}

/* ---- batch seals, checkpoints.log at open (issue 10, items 8-10) ---- */

static void db_exec(const char *sql)
{
	char path[512];
	sqlite3 *db;

	snprintf(path, sizeof(path), "%s/skydd.db", dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	sqlite3_close(db);
}

static void shell(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void shell(const char *fmt, ...)
{
	char cmd[1200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	assert_int_equal(system(cmd), 0);
}

/* An attacker's append: entry 22 (a copy of 21 renumbered) and its leaf hash in tile 0/0. */
static void forge_append(void)
{
	char path[512], entry[4096];
	uint8_t leaf[LEDGER_HASH_LEN];
	sqlite3_stmt *st;
	sqlite3 *db;
	const char *e, *p;

	snprintf(path, sizeof(path), "%s/skydd.db", dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(
	        sqlite3_prepare_v2(db, "SELECT entry FROM ledger WHERE seq = 21", -1, &st, NULL),
	        SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	e = (const char *)sqlite3_column_text(st, 0);
	p = strstr(e, "\"seq\":21,");
	assert_non_null(p);
	snprintf(entry, sizeof(entry), "%.*s\"seq\":22,%s", (int)(p - e), e, p + 9);
	sqlite3_finalize(st);
	ledger_leaf_hash(entry, strlen(entry), leaf);
	assert_int_equal(
	        sqlite3_prepare_v2(db,
	                           "INSERT INTO ledger SELECT 22, time, actor, kind, object, "
	                           "?1 FROM ledger WHERE seq = 21",
	                           -1, &st, NULL),
	        SQLITE_OK);
	sqlite3_bind_text(st, 1, entry, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "UPDATE tile SET hashes = hashes || ?1 WHERE level = 0 "
	                                    "AND idx = 0",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	sqlite3_bind_blob(st, 1, leaf, sizeof(leaf), SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void test_seal_and_accept_tail(void **state)
{
	struct store_opts o = {.checkpoint_ms = 600000};
	struct store *s = NULL;
	uint64_t from, to;
	char msg[512];

	(void)state;
	make_instance();
	assert_int_equal(store_open(dir, &o, &s), SK_OK);
	append_n(s, "obj/a", 20, 1);
	store_close(s);
	forge_append();
	assert_int_equal(store_open_report(dir, NULL, &s, msg, sizeof(msg)), SK_EVERIFY);
	assert_null(s);
	assert_non_null(strstr(msg, "entries 22..22 are covered by no signed checkpoint"));
	expect_verify(NULL, false, SK_EVERIFY, "entries 22..22");
	/* The operator keeps it: recorded in the ledger, then signed. */
	o.accept_tail = true;
	assert_int_equal(store_open_report(dir, &o, &s, msg, sizeof(msg)), SK_OK);
	assert_int_equal(store_accept_tail(s, 0, &from, &to), SK_OK);
	assert_int_equal(from, 22);
	assert_int_equal(to, 22);
	store_close(s);
	expect_verify(NULL, false, SK_OK, NULL);
	/* The forged entry never reached the projections: only the replay shows that. */
	expect_verify(NULL, true, SK_EVERIFY, "differs from the replay");
	/* Nothing left to accept. */
	assert_int_equal(store_open_report(dir, &o, &s, msg, sizeof(msg)), SK_OK);
	assert_int_equal(store_accept_tail(s, 0, &from, &to), SK_OK);
	assert_int_equal(to, 0);
	store_close(s);
}

/*
 * store_checkpoint_now right after an append, again and again, with the
 * periodic checkpoint far away: each must come back at once. A request made
 * while the writer was checking whether a checkpoint was due (and found the
 * interval not yet passed) used to be slept through until the next interval
 * (here ten minutes); the alarm ends the suite if it ever is again.
 */
static void test_checkpoint_now_after_append(void **state)
{
	struct store_opts o = {.checkpoint_ms = 600000};
	struct store *s = NULL;

	(void)state;
	make_instance();
	assert_int_equal(store_open(dir, &o, &s), SK_OK);
	alarm(120);
	for (int i = 0; i < 300; i++) {
		append_n(s, "obj/cp", 1, i + 1);
		assert_int_equal(store_checkpoint_now(s), SK_OK);
	}
	alarm(0);
	store_close(s);
}

static void test_sealed_tail_accepted(void **state)
{
	struct store_opts o = {.checkpoint_ms = 600000};
	struct store_verify_result r;
	struct store *s = NULL;
	char msg[512];

	(void)state;
	make_instance();
	assert_int_equal(store_open(dir, &o, &s), SK_OK);
	append_n(s, "obj/a", 10, 1);
	store_close(s);
	/* As a crash after commit leaves it: no checkpoint yet over the last batch. */
	db_exec("DROP TRIGGER checkpoint_no_delete; DELETE FROM checkpoint WHERE size > 1;");
	shell("head -c 0 /dev/null; cd '%s' && python3 -c \"import sys; "
	      "d=open('checkpoints.log').read(); "
	      "open('checkpoints.log','w').write(d[:d.index(chr(10)*2, d.index(chr(10)*2)+2)+2])\"",
	      dir);
	assert_int_equal(store_verify(dir, NULL, &r), SK_OK);
	assert_int_equal(r.sealed, 10);
	assert_int_equal(store_open_report(dir, NULL, &s, msg, sizeof(msg)), SK_OK);
	assert_string_equal(msg, "");
	store_close(s);
	expect_verify(NULL, true, SK_OK, NULL);
	/* An altered seal is tampering. */
	db_exec("UPDATE meta SET value = '1' || value WHERE key = 'seal';");
	expect_verify(NULL, false, SK_EVERIFY, "the batch seal");
}

static void test_open_refuses_rollback(void **state)
{
	struct store *s = NULL;
	char msg[512];

	(void)state;
	make_instance();
	assert_int_equal(store_open(dir, NULL, &s), SK_OK);
	append_n(s, "obj/a", 5, 1);
	store_close(s);
	shell("cp '%s/skydd.db' '%s/old.db'", dir, dir);
	assert_int_equal(store_open(dir, NULL, &s), SK_OK);
	append_n(s, "obj/a", 5, 1);
	store_close(s);
	shell("rm -f '%s/skydd.db-wal' '%s/skydd.db-shm'; cp '%s/old.db' '%s/skydd.db'", dir, dir,
	      dir, dir);
	assert_int_equal(store_open_report(dir, NULL, &s, msg, sizeof(msg)), SK_EVERIFY);
	assert_null(s);
	assert_non_null(strstr(msg, "checkpoint at size 11 but the database has only 6 entries"));
	expect_verify(NULL, false, SK_EVERIFY, "the ledger has only 6 entries");
}

static void test_cplog_torn_and_garbage(void **state)
{
	struct store_verify_result r;
	struct store *s = NULL;
	char msg[512], path[512];
	struct stat st0, st1;

	(void)state;
	make_instance();
	snprintf(path, sizeof(path), "%s/checkpoints.log", dir);
	assert_int_equal(stat(path, &st0), 0);
	/* The first 30 bytes of the note again: power lost mid-write. */
	shell("head -c 30 '%s/checkpoints.log' >'%s/torn' && cat '%s/torn' >>'%s/checkpoints.log'",
	      dir, dir, dir, dir);
	assert_int_equal(store_verify(dir, NULL, &r), SK_OK);
	assert_int_equal(r.torn, 30);
	assert_int_equal(store_open_report(dir, NULL, &s, msg, sizeof(msg)), SK_OK);
	assert_non_null(strstr(msg, "incomplete note (30 bytes"));
	store_close(s);
	assert_int_equal(stat(path, &st1), 0);
	assert_int_equal(st1.st_size, st0.st_size); /* repaired; nothing new to sign */
	expect_verify(NULL, false, SK_OK, NULL);
	/* Garbage is not a torn note: tampering, for verify and for open. */
	shell("printf 'not a note\\n' >>'%s/checkpoints.log'", dir);
	expect_verify(NULL, false, SK_EVERIFY, "not a signed checkpoint");
	assert_int_equal(store_open_report(dir, NULL, &s, msg, sizeof(msg)), SK_EVERIFY);
	assert_non_null(strstr(msg, "checkpoints.log: byte"));
	/* Emptied, then deleted. */
	shell("truncate -s 0 '%s/checkpoints.log'", dir);
	expect_verify(NULL, false, SK_EVERIFY, "holds no checkpoint");
	shell("rm '%s/checkpoints.log'", dir);
	expect_verify(NULL, false, SK_EVERIFY, "checkpoints.log is missing");
}

static void test_cplog_bounds(void **state)
{
	struct store_verify_result r;

	(void)state;
	make_instance();
	/* Torn, then zero-filled (the size reached the disk before the data). */
	shell("head -c 40 '%s/checkpoints.log' >'%s/t' && head -c 100 /dev/zero >>'%s/t' && "
	      "cat '%s/t' >>'%s/checkpoints.log'",
	      dir, dir, dir, dir, dir);
	assert_int_equal(store_verify(dir, NULL, &r), SK_OK);
	assert_int_equal(r.torn, 140);
	/* A line longer than any note's, without a newline: garbage, read in bounded pieces. */
	shell("head -c 200000 /dev/zero | tr '\\0' x >>'%s/checkpoints.log'", dir);
	expect_verify(NULL, false, SK_EVERIFY, "not a signed checkpoint");
}

/*
 * One writer per instance: a second open for writing is refused while the
 * first is open (flock locks belong to the open file description, so this
 * holds inside one process too), readers and verify still work, and closing
 * releases the lock. A symlink planted as the lock file is not followed.
 */
static void test_one_writer(void **state)
{
	struct store_reader *r = NULL;
	struct store *s = NULL, *s2 = (void *)1;
	char msg[512], want[600], path[512], text[32] = "";
	struct stat st;
	FILE *f;

	(void)state;
	make_instance();
	assert_int_equal(store_open(dir, NULL, &s), SK_OK);
	append_n(s, "obj/a", 3, 1);
	assert_int_equal(store_open_report(dir, NULL, &s2, msg, sizeof(msg)), SK_EBUSY);
	assert_null(s2);
	snprintf(want, sizeof(want), "the instance %s is in use by another skydd process (pid %ld)",
	         dir, (long)getpid());
	assert_string_equal(msg, want);
	assert_int_equal(store_open_report(dir, &(struct store_opts){.accept_tail = true}, &s2, msg,
	                                   sizeof(msg)),
	                 SK_EBUSY);
	assert_int_equal(store_init(dir, NULL, NULL, 0), SK_EBUSY);
	/* Readers take no lock. */
	assert_int_equal(store_reader_open(dir, &r), SK_OK);
	store_reader_close(r);
	expect_verify(NULL, false, SK_OK, NULL);
	/* The refused opens changed nothing: the first writer still writes. */
	append_n(s, "obj/a", 2, 1);
	snprintf(path, sizeof(path), "%s/skydd.lock", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(text, sizeof(text), f));
	fclose(f);
	assert_int_equal(strtol(text, NULL, 10), (long)getpid());
	store_close(s);
	/* Released on close: the next writer opens. */
	assert_int_equal(store_open(dir, NULL, &s), SK_OK);
	store_close(s);
	/* A symlink in its place: refused, its target neither created nor locked. */
	shell("rm '%s/skydd.lock' && ln -s '%s/elsewhere' '%s/skydd.lock'", dir, dir, dir);
	assert_int_equal(store_open_report(dir, NULL, &s, msg, sizeof(msg)), SK_EIO);
	assert_null(s);
	assert_non_null(strstr(msg, "skydd.lock"));
	snprintf(path, sizeof(path), "%s/elsewhere", dir);
	assert_int_equal(stat(path, &st), -1);
	expect_verify(NULL, false, SK_OK, NULL);
}

/* The envelope is found from both ends, whatever data holds. */
static void test_entry_envelope(void **state)
{
	static const char *const datas[] = {
	        "{}", "{\"kind\":\"x.y\",\"object\":\"a/b\",\"seq\":5,\"time\":\"t\"}",
	        "{\"s\":\"\\\",\\\"object\\\":\\\"\"}", "{\"n\":[1,2,{\"actor\":3}]}"};
	struct store_envelope env;
	struct buf b;

	(void)state;
	for (size_t i = 0; i < sizeof(datas) / sizeof(datas[0]); i++) {
		json_t *d = json_loads(datas[i], 0, NULL);
		struct ledger_entry e = {.seq = 12345,
		                         .time_us = 1700000000123456,
		                         .actor = 42 + (int64_t)i,
		                         .kind = "doc.copy.issued",
		                         .object = i == 2 ? "" : "doc/17",
		                         .data = d};
		char actor[8];

		assert_non_null(d);
		buf_init(&b, 4096);
		assert_int_equal(ledger_entry_encode(&e, &b), SK_OK);
		assert_true(store_entry_envelope(b.ptr, b.len, &env));
		assert_int_equal(env.len[0], SK_TIME_LEN);
		assert_memory_equal(env.ptr[0], "2023-11-14T22:13:20.123456Z", SK_TIME_LEN);
		snprintf(actor, sizeof(actor), "%d", 42 + (int)i);
		assert_int_equal(env.len[1], strlen(actor));
		assert_memory_equal(env.ptr[1], actor, strlen(actor));
		assert_int_equal(env.len[2], strlen(e.kind));
		assert_memory_equal(env.ptr[2], e.kind, env.len[2]);
		assert_int_equal(env.len[3], strlen(e.object));
		assert_memory_equal(env.ptr[3], e.object, env.len[3]);
		/* Not an entry: cut, or the tail changed. */
		assert_false(store_entry_envelope(b.ptr, b.len - 1, &env));
		assert_false(store_entry_envelope(b.ptr + 1, b.len - 1, &env));
		buf_release(&b);
		json_decref(d);
	}
	assert_false(store_entry_envelope("{}", 2, &env));
}

static void test_columns_checked(void **state)
{
	static const char *const edits[] = {
	        "UPDATE ledger SET actor = 8 WHERE seq = 3",
	        "UPDATE ledger SET kind = 'test.x' WHERE seq = 3",
	        "UPDATE ledger SET object = 'obj/b' WHERE seq = 3",
	        "UPDATE ledger SET time = '2000-01-01T00:00:00.000000Z' WHERE seq = 3",
	        "UPDATE ledger SET actor = '7' || '' WHERE seq = 3"};
	static const char *const names[] = {"(actor)", "(kind)", "(object)", "(time)", NULL};
	struct store *s = NULL;

	(void)state;
	for (int i = 0; i < 5; i++) {
		char sql[300];

		make_instance();
		assert_int_equal(store_open(dir, NULL, &s), SK_OK);
		append_n(s, "obj/a", 3, 1);
		store_close(s);
		snprintf(sql, sizeof(sql), "DROP TRIGGER ledger_no_update; %s;", edits[i]);
		db_exec(sql);
		/* actor '7' as text equals 7 as text: the same value, not an edit */
		expect_verify(NULL, false, names[i] ? SK_EVERIFY : SK_OK, names[i]);
		teardown(NULL);
	}
}

static void test_seal_signature(void **state)
{
	char skey[256], vkey[256];
	struct ledger_signer sg;
	struct ledger_verifier vf;
	uint8_t root[LEDGER_HASH_LEN] = {1, 2, 3}, sig[LEDGER_SEAL_SIG_LEN];

	(void)state;
	assert_int_equal(ledger_note_keygen("test/seal", skey, sizeof(skey), vkey, sizeof(vkey)),
	                 SK_OK);
	assert_int_equal(ledger_signer_parse(skey, strlen(skey), &sg), SK_OK);
	assert_int_equal(ledger_verifier_parse(vkey, strlen(vkey), &vf), SK_OK);
	assert_int_equal(ledger_seal_sign(&sg, "test/seal", 42, root, sig), SK_OK);
	assert_int_equal(ledger_seal_verify(&vf, "test/seal", 42, root, sig), SK_OK);
	assert_int_equal(ledger_seal_verify(&vf, "test/seal", 43, root, sig), SK_EVERIFY);
	assert_int_equal(ledger_seal_verify(&vf, "test/other", 42, root, sig), SK_EVERIFY);
	root[0] ^= 1;
	assert_int_equal(ledger_seal_verify(&vf, "test/seal", 42, root, sig), SK_EVERIFY);
	assert_int_equal(ledger_seal_sign(&sg, "bad+origin", 42, root, sig), SK_EINVAL);
	ledger_signer_wipe(&sg);
}

/*
 * The registry grows: 20 registers of 3 projections need 60, far above the
 * old fixed 32; a projection without a name or kind prefix is refused. What a
 * kind changes is what the projections claiming it declare.
 */
#define MANY 300
static struct store_projection g_many[MANY];
static char g_prefix[MANY][16];

static void test_projection_registry(void **state)
{
	static const char *const t1[] = {"alpha", NULL}, *const t2[] = {"beta", "gamma", NULL};
	static const char *const none[] = {NULL};
	static const struct store_projection
	        p1 = {.name = "one", .kind_prefix = "thing.", .tables = t1, .touches = t2},
	        p2 = {.name = "quiet", .kind_prefix = "quiet.", .touches = none},
	        p3 = {.name = "any", .kind_prefix = "any."}, bad1 = {.kind_prefix = "x."},
	        bad2 = {.name = "no prefix"}, bad3 = {.name = "empty", .kind_prefix = ""};
	struct buf b;

	(void)state;
	store_clear_projections();
	for (unsigned i = 0; i < MANY; i++) {
		snprintf(g_prefix[i], sizeof(g_prefix[i]), "reg%u.", i);
		g_many[i] = (struct store_projection){
		        .name = g_prefix[i], .kind_prefix = g_prefix[i], .tables = t1};
		assert_int_equal(store_register_projection(&g_many[i]), SK_OK);
	}
	assert_int_equal(store_register_projection(&g_many[7]), SK_OK); /* twice: once */
	assert_int_equal(store_projection_count(), MANY);
	assert_ptr_equal(store_projection_at(MANY - 1), &g_many[MANY - 1]);
	assert_null(store_projection_at(MANY));
	/* bad input: refused, nothing registered */
	assert_int_equal(store_register_projection(NULL), SK_EINVAL);
	assert_int_equal(store_register_projection(&bad1), SK_EINVAL);
	assert_int_equal(store_register_projection(&bad2), SK_EINVAL);
	assert_int_equal(store_register_projection(&bad3), SK_EINVAL);
	assert_int_equal(store_projection_count(), MANY);
	/* tables by kind */
	assert_int_equal(store_register_projection(&p1), SK_OK);
	assert_int_equal(store_register_projection(&p2), SK_OK);
	assert_int_equal(store_register_projection(&p3), SK_OK);
	buf_init(&b, 4096);
	assert_true(store_tables_of_kind("thing.made", &b));
	buf_putc(&b, '\0');
	assert_string_equal(b.ptr, " alpha beta gamma");
	b.len = 0;
	assert_true(store_tables_of_kind("quiet.noted", &b)); /* declared: nothing */
	assert_int_equal(b.len, 0);
	assert_true(store_tables_of_kind("ledger.init", &b)); /* the store's own */
	assert_int_equal(b.len, 0);
	assert_true(store_tables_of_kind("reg299.x", &b));
	assert_false(store_tables_of_kind("any.thing", &b));    /* said nothing: anything */
	assert_false(store_tables_of_kind("unknown.kind", &b)); /* nobody claims it */
	buf_release(&b);
	store_clear_projections();
	assert_int_equal(store_projection_count(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_init_refuses_overwrite, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_init_bad_origin, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_open_missing, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_append_and_replay, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_replay_detects_edited_projection, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_failed_command_does_not_poison_batch, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_bad_entries_rejected, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_refusal_reason, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_concurrent_writers_and_proofs, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_against_detects_truncation, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_newer_schema_refused, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_wrong_key_refused, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_log_filters, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_statement_cache_keys_on_text, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_seal_and_accept_tail, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_checkpoint_now_after_append, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_sealed_tail_accepted, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_open_refuses_rollback, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_cplog_torn_and_garbage, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_cplog_bounds, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_one_writer, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_columns_checked, setup, teardown),
	        cmocka_unit_test(test_entry_envelope),
	        cmocka_unit_test(test_projection_registry),
	        cmocka_unit_test_setup_teardown(test_seal_signature, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
