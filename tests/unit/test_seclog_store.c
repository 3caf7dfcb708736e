/*
 * The seclog store: append with acknowledgement after commit from several
 * threads, reopen, verify (and every kind of tampering caught and named),
 * retention refusals, culling that keeps verification and proofs, monthly
 * segments, inclusion proofs checked by the verifier key alone, bad input.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "seclog/store.h"
#include "store/store.h"
#include "seclogfixture.h"

static char dir[256];
static char vkey[256];

static int setup(void **state)
{
	(void)state;
	seclog_fixture_init(dir, sizeof(dir), "seclog", vkey, sizeof(vkey));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	seclog_fixture_remove(dir);
	return 0;
}

/* A message with text "message N" from source 7, kept ten years. */
static struct seclog_msg msg_n(unsigned n, char *text, size_t cap)
{
	int len = snprintf(text, cap, "message %u: Failed password for root", n);

	return (struct seclog_msg){.source = 7,
	                           .retention_years = 10,
	                           .facility = 4,
	                           .severity = 5,
	                           .timestamp_us = SECLOG_TS_NONE,
	                           .hostname = "web1.example.se",
	                           .hostname_len = 15,
	                           .app = "sshd",
	                           .app_len = 4,
	                           .procid = "4711",
	                           .procid_len = 4,
	                           .text = text,
	                           .text_len = (size_t)len,
	                           .raw = (const uint8_t *)text,
	                           .raw_len = (size_t)len};
}

static uint64_t append_n(struct seclog *s, unsigned n, unsigned years)
{
	struct seclog_msg *m = calloc(n, sizeof(*m));
	char(*texts)[64] = calloc(n, 64);
	uint64_t first = UINT64_MAX;

	assert_non_null(m);
	assert_non_null(texts);
	for (unsigned i = 0; i < n; i++) {
		m[i] = msg_n(i, texts[i], 64);
		m[i].retention_years = years;
	}
	assert_int_equal(seclog_append(s, m, n, &first, NULL, NULL), SK_OK);
	free(m);
	free(texts);
	return first;
}

static struct seclog *open_log(void)
{
	struct seclog *s = NULL;

	assert_int_equal(seclog_open(dir, NULL, &s), SK_OK);
	return s;
}

static int verify(struct seclog_verify_report *r)
{
	int rc = seclog_verify(dir, r);

	if (rc)
		print_message("verify: %s\n", r->problem);
	return rc;
}

/* ---- append and acknowledge ---- */

struct worker {
	struct seclog *s;
	uint64_t firsts[20];
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	for (unsigned i = 0; i < 20; i++)
		w->firsts[i] = append_n(w->s, 50, 10);
	return NULL;
}

static void test_append_threads_reopen(void **state)
{
	struct worker w[4];
	pthread_t t[4];
	struct seclog_verify_report r;
	uint8_t seen[4000] = {0};
	struct seclog *s = open_log();

	(void)state;
	for (unsigned i = 0; i < 4; i++) {
		w[i].s = s;
		assert_int_equal(pthread_create(&t[i], NULL, worker_main, &w[i]), 0);
	}
	for (unsigned i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	/* Every batch got its own consecutive range; together they cover 0..3999. */
	for (unsigned i = 0; i < 4; i++) {
		for (unsigned b = 0; b < 20; b++) {
			assert_true(w[i].firsts[b] + 50 <= 4000);
			for (unsigned k = 0; k < 50; k++)
				seen[w[i].firsts[b] + k]++;
		}
	}
	for (unsigned i = 0; i < 4000; i++)
		assert_int_equal(seen[i], 1);
	assert_int_equal(seclog_size(s), 4000);
	/* Not an instance; a signing key others may read. */
	{
		struct seclog *s2 = NULL;
		char path[512];

		assert_int_equal(seclog_open("/nonexistent-skydd", NULL, &s2), SK_ENOTFOUND);
		snprintf(path, sizeof(path), "%s/signing.key", dir);
		assert_int_equal(chmod(path, 0644), 0);
		assert_int_equal(seclog_open(dir, NULL, &s2), SK_EPERM);
		assert_int_equal(chmod(path, 0600), 0);
		assert_null(s2);
	}
	/* A second writer is refused while the first holds the log. */
	{
		struct seclog *s2 = NULL;

		assert_int_equal(seclog_open(dir, NULL, &s2), SK_EBUSY);
		assert_null(s2);
	}
	seclog_close(s);

	s = open_log();
	assert_int_equal(seclog_size(s), 4000);
	assert_int_equal(append_n(s, 3, 25), 4000);
	seclog_close(s);
	assert_int_equal(verify(&r), SK_OK);
	assert_int_equal(r.size, 4003);
	assert_true(r.checkpoints >= 1);
	assert_int_equal(r.segments, 1);
	/* The registers' ledger is untouched and still verifies on its own. */
	struct store_verify_result vr;
	memset(&vr, 0, sizeof(vr));
	assert_int_equal(store_verify(dir, NULL, &vr), SK_OK);
}

/* ---- tampering ---- */

static void sql(const char *stmt)
{
	char path[512];
	sqlite3 *db;
	char *err = NULL;

	snprintf(path, sizeof(path), "%s/seclog.db", dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	/* The attacker drops the speed bumps first. */
	sqlite3_exec(db,
	             "DROP TRIGGER IF EXISTS msg_no_delete; DROP TRIGGER IF EXISTS msg_cull_only;"
	             "DROP TRIGGER IF EXISTS checkpoint_no_update;",
	             NULL, NULL, NULL);
	if (sqlite3_exec(db, stmt, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", stmt, err);
	sqlite3_close(db);
}

static void copy_db(const char *from, const char *to)
{
	char cmd[2048];

	snprintf(cmd, sizeof(cmd),
	         "cp '%s/%s' '%s/%s' && rm -f '%s/seclog.db-wal' '%s/seclog.db-shm'", dir, from,
	         dir, to, dir, dir);
	assert_int_equal(system(cmd), 0);
}

static void expect_caught(const char *stmt, const char *named)
{
	struct seclog_verify_report r;

	copy_db("seclog.db", "good.db");
	sql(stmt);
	assert_int_equal(seclog_verify(dir, &r), SK_EVERIFY);
	if (!strstr(r.problem, named))
		fail_msg("after %s: expected '%s' in '%s'", stmt, named, r.problem);
	copy_db("good.db", "seclog.db");
}

static void test_tamper(void **state)
{
	struct seclog_verify_report r;
	struct seclog *s = open_log();

	(void)state;
	append_n(s, 300, 10);
	assert_int_equal(seclog_checkpoint_now(s), SK_OK);
	append_n(s, 300, 10);
	assert_int_equal(seclog_checkpoint_now(s), SK_OK);
	append_n(s, 7, 10); /* a sealed tail after the last checkpoint */
	seclog_close(s);
	assert_int_equal(verify(&r), SK_OK);
	assert_int_equal(r.size, 607);

	/* A changed message: one byte of its text (the bytes stay a valid message). */
	expect_caught("UPDATE msg SET body = CAST(replace(CAST(body AS TEXT), 'root', 'ruut') AS "
	              "BLOB) WHERE idx = 42",
	              "message 42: its hash differs");
	/* A deleted row. */
	expect_caught("DELETE FROM msg WHERE idx = 100", "message 100 is missing");
	/* The last rows deleted: the tiles and the seal no longer fit. */
	expect_caught("DELETE FROM msg WHERE idx >= 600", "the log has 600");
	expect_caught("DELETE FROM msg WHERE idx >= 600; UPDATE segment SET last_idx = 599",
	              "tile 0/2 holds 95 hashes");
	/* A changed tile of the upper level. */
	expect_caught("UPDATE tile SET hashes = zeroblob(32) || substr(hashes, 33) WHERE level = 1 "
	              "AND idx = 0",
	              "tile 1/0");
	/* An edited column (the hashed bytes unchanged). */
	expect_caught("UPDATE msg SET source = 8 WHERE idx = 5",
	              "message 5: its recv_us or source");
	/* A body removed without a culling decision. */
	expect_caught("UPDATE msg SET body = NULL WHERE idx = 7", "message 7: its body is missing");
	/* A forged checkpoint: the signature line of another note, the root changed. */
	expect_caught("UPDATE checkpoint SET note = replace(note, substr(note, instr(note, "
	              "char(10)) + 5, 8), 'AAAAAAAA') WHERE size = 300",
	              "checkpoint of size 300");
	/* A segment claimed culled with no signed decision. */
	expect_caught("UPDATE segment SET culled = 1", "segment 1");
	/* Nothing was left changed by the checks above. */
	assert_int_equal(verify(&r), SK_OK);
}

/* A database put back to an older copy, or its head removed: seen at open and by verify. */
static void test_rollback(void **state)
{
	struct seclog_verify_report r;
	struct seclog *s = open_log();
	char path[512];

	(void)state;
	append_n(s, 100, 10);
	seclog_close(s);
	copy_db("seclog.db", "old.db");
	s = open_log();
	append_n(s, 50, 10);
	seclog_close(s);
	assert_int_equal(verify(&r), SK_OK);
	assert_int_equal(r.size, 150);

	copy_db("seclog.db", "new.db");
	copy_db("old.db", "seclog.db");
	assert_int_equal(seclog_verify(dir, &r), SK_EVERIFY);
	assert_string_equal(r.problem, "seclog.head: checkpoint of size 150 is larger than the log "
	                               "(100 messages)");
	s = NULL;
	assert_int_equal(seclog_open(dir, NULL, &s), SK_ECORRUPT);
	assert_null(s);

	copy_db("new.db", "seclog.db");
	assert_int_equal(verify(&r), SK_OK);
	snprintf(path, sizeof(path), "%s/seclog.head", dir);
	assert_int_equal(rename(path, "/tmp/skydd-test-seclog.head"), 0);
	assert_int_equal(seclog_verify(dir, &r), SK_EVERIFY);
	assert_string_equal(r.problem, "seclog.head is missing");
	assert_int_equal(seclog_open(dir, NULL, &s), SK_ECORRUPT);
	assert_int_equal(rename("/tmp/skydd-test-seclog.head", path), 0);
	s = open_log();
	seclog_close(s);
	assert_int_equal(verify(&r), SK_OK);
}

/* ---- segments, retention and culling ---- */

static void test_segments_retention_cull(void **state)
{
	struct seclog_verify_report r;
	struct seclog_proof kept, culled, fresh;
	struct seclog *s;
	int64_t now = sk_now_us();
	/* Back to the middle of a month some time ago, so the next month is 40 days on. */
	int64_t base = (now / (30 * DAY_US)) * (30 * DAY_US) - 3 * YEAR_US;

	(void)state;
	sk_clock_set_offset(base - now);
	s = open_log();
	append_n(s, 40, 10); /* segment 1 */
	sk_clock_set_offset(base - now + 40 * DAY_US);
	append_n(s, 20, 10); /* segment 2: the next month */
	assert_int_equal(seclog_checkpoint_now(s), SK_OK);
	sk_clock_set_offset(base - now + 80 * DAY_US);
	append_n(s, 5, 25); /* segment 3, kept 25 years */
	assert_int_equal(seclog_checkpoint_now(s), SK_OK);
	seclog_close(s);
	assert_int_equal(verify(&r), SK_OK);
	assert_int_equal(r.segments, 3);

	assert_int_equal(seclog_prove(dir, 50, &kept), SK_OK);
	assert_int_equal(seclog_proof_verify(vkey, &kept), SK_OK);

	/* Before the retention has ended: refused, nothing changes. */
	copy_db("seclog.db", "before.db");
	assert_int_equal(seclog_cull(dir, 1, "ssc Anna", "gallring enligt 28 §"), SK_ERULE);
	sk_clock_set_offset(base - now + 10 * YEAR_US - 2 * DAY_US);
	assert_int_equal(seclog_cull(dir, 1, "ssc Anna", "gallring enligt 28 §"), SK_ERULE);
	{
		char cmd[1024];

		snprintf(cmd, sizeof(cmd), "cmp -s '%s/seclog.db' '%s/before.db'", dir, dir);
		assert_int_equal(system(cmd), 0);
	}
	/* Past its end, but the newest segment is still open; bad who/why; no such segment. */
	sk_clock_set_offset(base - now + 30 * YEAR_US);
	assert_int_equal(seclog_cull(dir, 3, "ssc Anna", "x"), SK_ERULE);
	assert_int_equal(seclog_cull(dir, 1, "", "x"), SK_EINVAL);
	assert_int_equal(seclog_cull(dir, 1, "ssc\nAnna", "x"), SK_EINVAL);
	assert_int_equal(seclog_cull(dir, 1, "ssc Anna", NULL), SK_EINVAL);
	assert_int_equal(seclog_cull(dir, 9, "ssc Anna", "x"), SK_ENOTFOUND);

	/* Ten years and a month later segment 1 may go; the log still verifies. */
	sk_clock_set_offset(base - now + 10 * YEAR_US + 40 * DAY_US);
	/* Beside a running writer, which goes on appending (into a new, later segment). */
	s = open_log();
	assert_int_equal(seclog_cull(dir, 1, "ssc Anna", "gallring enligt 28 §"), SK_OK);
	append_n(s, 1, 10);
	seclog_close(s);
	assert_int_equal(seclog_cull(dir, 1, "ssc Anna", "igen"), SK_EEXIST);
	assert_int_equal(verify(&r), SK_OK);
	assert_int_equal(r.culled, 40);
	assert_int_equal(r.size, 66);
	assert_int_equal(r.segments, 4);

	/* The old proof of a kept message still holds; new ones are made as before. */
	assert_int_equal(seclog_proof_verify(vkey, &kept), SK_OK);
	assert_int_equal(seclog_prove(dir, 50, &fresh), SK_OK);
	assert_int_equal(seclog_proof_verify(vkey, &fresh), SK_OK);
	assert_memory_equal(fresh.body, kept.body, kept.body_len);
	/* A culled message: no body, its leaf still proven. */
	assert_int_equal(seclog_prove(dir, 3, &culled), SK_OK);
	assert_null(culled.body);
	assert_int_equal(seclog_proof_verify(vkey, &culled), SK_OK);
	seclog_proof_release(&kept);
	seclog_proof_release(&fresh);
	seclog_proof_release(&culled);

	/* The culling decision is signed: an edited one is caught. */
	expect_caught("DROP TRIGGER cull_no_update; UPDATE cull SET note = replace(note, "
	              "'segment 1 0 39', 'segment 1 0 38')",
	              "segment 1: culled without");
	expect_caught("DROP TRIGGER cull_no_update; UPDATE cull SET who = 'någon annan'",
	              "segment 1: culled without");
	/* The writer reopens after culling and goes on. */
	s = open_log();
	append_n(s, 2, 10);
	seclog_close(s);
	assert_int_equal(verify(&r), SK_OK);
	assert_int_equal(r.size, 68);
}

/* ---- proofs ---- */

static char *first_register_note(void)
{
	char path[512];
	size_t len = 0;
	FILE *f;
	char *buf = calloc(1, 4096), *end;

	assert_non_null(buf);
	snprintf(path, sizeof(path), "%s/checkpoints.log", dir);
	f = fopen(path, "r");
	assert_non_null(f);
	len = fread(buf, 1, 4095, f);
	fclose(f);
	buf[len] = '\0';
	end = strstr(buf, "\n\n");
	assert_non_null(end);
	end = strstr(end + 2, "\n");
	assert_non_null(end);
	end[1] = '\0';
	return buf;
}

static void test_proofs(void **state)
{
	struct seclog_proof p;
	struct seclog *s = open_log();
	uint64_t idx[] = {0, 1, 255, 256, 500, 999};

	(void)state;
	append_n(s, 1000, 10);
	assert_int_equal(seclog_checkpoint_now(s), SK_OK);
	append_n(s, 5, 10);
	/* Not yet under a checkpoint. */
	assert_int_equal(seclog_prove(dir, 1002, &p), SK_ERANGE);
	seclog_close(s);
	assert_int_equal(seclog_prove(dir, 1005, &p), SK_ERANGE);

	for (size_t i = 0; i < sizeof(idx) / sizeof(idx[0]); i++) {
		struct seclog_msg m;

		assert_int_equal(seclog_prove(dir, idx[i], &p), SK_OK);
		assert_int_equal(p.size, 1005);
		assert_int_equal(seclog_proof_verify(vkey, &p), SK_OK);
		assert_int_equal(seclog_msg_decode(p.body, p.body_len, &m), SK_OK);
		assert_int_equal(m.source, 7);
		seclog_proof_release(&p);
	}

	assert_int_equal(seclog_prove(dir, 500, &p), SK_OK);
	/* Another index, a changed path, a changed body: refused. */
	p.index = 501;
	assert_int_equal(seclog_proof_verify(vkey, &p), SK_EVERIFY);
	p.index = 500;
	p.path[0][0] ^= 1;
	assert_int_equal(seclog_proof_verify(vkey, &p), SK_EVERIFY);
	p.path[0][0] ^= 1;
	p.body[p.body_len - 1] ^= 1;
	assert_int_equal(seclog_proof_verify(vkey, &p), SK_EVERIFY);
	p.body[p.body_len - 1] ^= 1;
	assert_int_equal(seclog_proof_verify(vkey, &p), SK_OK);
	/* Another key; a malformed key. */
	{
		char sk2[256], vk2[256];

		assert_int_equal(
		        ledger_note_keygen("test/seclog", sk2, sizeof(sk2), vk2, sizeof(vk2)),
		        SK_OK);
		assert_int_equal(seclog_proof_verify(vk2, &p), SK_EVERIFY);
		assert_int_equal(seclog_proof_verify("nonsense", &p), SK_EINVAL);
	}
	/* The registers' checkpoint, signed by the same key, is not a seclog checkpoint. */
	{
		char *reg = first_register_note();
		char *own = p.note;
		size_t own_len = p.note_len;

		p.note = reg;
		p.note_len = strlen(reg);
		p.size = 1;
		assert_int_equal(seclog_proof_verify(vkey, &p), SK_EVERIFY);
		p.note = own;
		p.note_len = own_len;
		p.size = 1005;
		free(reg);
	}
	seclog_proof_release(&p);
}

/* ---- bad input ---- */

static void test_bad_input(void **state)
{
	static char big[SECLOG_TEXT_MAX + 2];
	struct seclog_msg m[3];
	char t[3][64];
	struct seclog *s = open_log();
	const char *field = NULL;
	size_t bad = 99;
	uint64_t first;
	(void)state;

	for (unsigned i = 0; i < 3; i++)
		m[i] = msg_n(i, t[i], sizeof(t[i]));
	memset(big, 'a', sizeof(big));

	/* Invalid UTF-8 in the text of the second message: nothing is appended. */
	t[1][0] = (char)0xC3;
	t[1][1] = (char)0x28;
	assert_int_equal(seclog_append(s, m, 3, &first, &bad, &field), SK_EINVAL);
	assert_int_equal(bad, 1);
	assert_string_equal(field, "text");
	assert_int_equal(seclog_size(s), 0);
	m[1] = msg_n(1, t[1], sizeof(t[1]));

	/* Oversized fields, each at its limit accepted and one past refused. */
	m[2].hostname = big;
	m[2].hostname_len = SECLOG_HOST_MAX + 1;
	assert_int_equal(seclog_append(s, m, 3, &first, &bad, &field), SK_ETOOBIG);
	assert_int_equal(bad, 2);
	assert_string_equal(field, "hostname");
	m[2].hostname_len = SECLOG_HOST_MAX;
	m[2].app = big;
	m[2].app_len = SECLOG_APP_MAX + 1;
	assert_int_equal(seclog_append(s, m, 3, &first, &bad, &field), SK_ETOOBIG);
	assert_string_equal(field, "app");
	m[2].app_len = SECLOG_APP_MAX;
	m[2].text = big;
	m[2].text_len = SECLOG_TEXT_MAX + 1;
	assert_int_equal(seclog_append(s, m, 3, &first, &bad, &field), SK_ETOOBIG);
	assert_string_equal(field, "text");
	m[2].text_len = SECLOG_TEXT_MAX;
	m[2].raw = (const uint8_t *)big;
	m[2].raw_len = SECLOG_RAW_MAX + 1;
	assert_int_equal(seclog_append(s, m, 3, &first, &bad, &field), SK_ETOOBIG);
	assert_string_equal(field, "raw");
	m[2].raw_len = SECLOG_RAW_MAX;
	assert_int_equal(seclog_size(s), 0);
	assert_int_equal(seclog_append(s, m, 3, &first, &bad, &field), SK_OK);
	assert_int_equal(first, 0);

	/* Control bytes in a header field, a NUL in the text, ranges. */
	m[2] = msg_n(2, t[2], sizeof(t[2]));
	m[0].app = "ss\x01h";
	assert_int_equal(seclog_append(s, m, 1, &first, &bad, &field), SK_EINVAL);
	assert_string_equal(field, "app");
	m[0] = msg_n(0, t[0], sizeof(t[0]));
	t[0][3] = '\0';
	assert_int_equal(seclog_append(s, m, 1, &first, &bad, &field), SK_EINVAL);
	assert_string_equal(field, "text");
	m[0] = msg_n(0, t[0], sizeof(t[0]));
	m[0].retention_years = 9;
	assert_int_equal(seclog_append(s, m, 1, &first, &bad, &field), SK_EINVAL);
	assert_string_equal(field, "retention_years");
	m[0].retention_years = 10;
	m[0].severity = 8;
	assert_int_equal(seclog_append(s, m, 1, &first, &bad, &field), SK_EINVAL);
	assert_string_equal(field, "severity");
	m[0].severity = 7;
	m[0].facility = 24;
	assert_int_equal(seclog_append(s, m, 1, &first, &bad, &field), SK_EINVAL);
	assert_string_equal(field, "facility");
	m[0].facility = 23;
	m[0].source = -1;
	assert_int_equal(seclog_append(s, m, 1, &first, &bad, &field), SK_EINVAL);
	assert_string_equal(field, "source");
	m[0].source = 1;
	/* A receipt time far from the receiver's clock (it opens segments, starts retention). */
	m[0].recv_us = sk_now_us() + 3600LL * 1000000;
	assert_int_equal(seclog_append(s, m, 1, &first, &bad, &field), SK_EINVAL);
	assert_string_equal(field, "recv_us");
	m[0].recv_us = sk_now_us() - 2 * DAY_US;
	assert_int_equal(seclog_append(s, m, 1, &first, &bad, &field), SK_EINVAL);
	assert_string_equal(field, "recv_us");
	m[0].recv_us = sk_now_us() - 3600LL * 1000000;
	assert_int_equal(seclog_append(s, m, 1, &first, &bad, &field), SK_OK);
	m[0].recv_us = 0;
	assert_int_equal(seclog_append(s, m, 0, &first, &bad, &field), SK_ERANGE);
	assert_int_equal(seclog_append(s, m, SECLOG_BATCH_MAX + 1, &first, &bad, &field),
	                 SK_ERANGE);
	assert_int_equal(seclog_size(s), 4);
	assert_int_equal(seclog_append(s, m, 1, &first, &bad, &field), SK_OK);
	assert_int_equal(first, 4);
	seclog_close(s);
	seclog_close(NULL);
}

static void test_encoding(void **state)
{
	struct buf b;
	struct seclog_msg m, d;
	char t[64];
	uint8_t *copy;

	(void)state;
	m = msg_n(1, t, sizeof(t));
	m.recv_us = 1700000000000000;
	m.timestamp_us = 1699999999000000;
	buf_init(&b, 1 << 20);
	assert_int_equal(seclog_msg_encode(&m, &b, NULL), SK_OK);
	assert_int_equal(seclog_msg_decode((const uint8_t *)b.ptr, b.len, &d), SK_OK);
	assert_int_equal(d.recv_us, m.recv_us);
	assert_int_equal(d.timestamp_us, m.timestamp_us);
	assert_int_equal(d.text_len, m.text_len);
	assert_memory_equal(d.text, m.text, m.text_len);
	assert_int_equal(d.hostname_len, 15);
	/* Trailing bytes, a cut, another version, a length past the end: refused. */
	copy = malloc(b.len + 1);
	assert_non_null(copy);
	memcpy(copy, b.ptr, b.len);
	copy[b.len] = 0;
	assert_int_equal(seclog_msg_decode(copy, b.len + 1, &d), SK_EINVAL);
	assert_int_equal(seclog_msg_decode(copy, b.len - 1, &d), SK_EINVAL);
	copy[0] = 2;
	assert_int_equal(seclog_msg_decode(copy, b.len, &d), SK_EINVAL);
	copy[0] = 1;
	copy[28] = 0xff; /* hostname length */
	assert_int_equal(seclog_msg_decode(copy, b.len, &d), SK_EINVAL);
	copy[28] = 0;
	copy[17] = 3; /* retention below the minimum: not what the encoder writes */
	assert_int_equal(seclog_msg_decode(copy, b.len, &d), SK_EINVAL);
	free(copy);
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_append_threads_reopen, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_tamper, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_rollback, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_segments_retention_cull, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_proofs, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
	        cmocka_unit_test(test_encoding),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
