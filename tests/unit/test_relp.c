/*
 * Our RELP server's pure half (seclog/relp.h): the frame parser on good
 * frames, every refusal, every prefix of a frame (a split read) and the
 * bounds; the session rules (open first, offers, TXNR sequence, close,
 * unknown commands) and the responses' exact bytes.
 */
#include "testutil.h"

#include "seclog/relp.h"
#include "util/util.h"

#define LIT(s) s, sizeof(s) - 1

static bool sl_is(struct seclog_slice s, const char *want)
{
	return s.n == strlen(want) && (s.n == 0 || !memcmp(s.p, want, s.n));
}

/* Parses a whole frame and checks every prefix says "need more". */
static void expect_frame(const char *p, size_t len, size_t max, uint32_t txnr, const char *cmd,
                         const char *data)
{
	struct relp_frame f;
	size_t used;
	int err;

	for (size_t k = 0; k < len; k++) {
		if (relp_frame_parse(p, k, max, &f, &used, &err) != 0)
			fail_msg("prefix %zu of \"%.*s\" did not ask for more (err %d)", k,
			         (int)len, p, err);
	}
	assert_int_equal(relp_frame_parse(p, len, max, &f, &used, &err), 1);
	assert_int_equal(err, RELP_OK);
	assert_int_equal(used, len);
	assert_int_equal(f.txnr, txnr);
	assert_true(sl_is(f.cmd, cmd));
	assert_true(sl_is(f.data, data));
}

static void test_frame_good(void **state)
{
	(void)state;
	expect_frame(LIT("1 open 5 hello\n"), 100, 1, "open", "hello");
	expect_frame(LIT("12 syslog 1 x\n"), 1, 12, "syslog", "x");
}

static void expect_error(const char *p, size_t len, size_t max, int want)
{
	struct relp_frame f;
	size_t used;
	int err;

	assert_int_equal(relp_frame_parse(p, len, max, &f, &used, &err), -1);
	if (err != want)
		fail_msg("\"%.*s\": err %d (%s), want %d", (int)len, p, err, relp_perr_name(err),
		         want);
}

static void test_frame_good_more(void **state)
{
	struct relp_frame f;
	size_t used;
	int err;
	char two[] = "7 syslog 3 abc\n8 close 0\n";

	(void)state;
	expect_frame(LIT("999999999 syslog 3 a\nb\n"), 3, 999999999, "syslog", "a\nb");
	expect_frame(LIT("42 close 0\n"), 100, 42, "close", "");
	/* DATA may hold LF and any byte: only DATALEN says where it ends. */
	expect_frame(LIT("3 syslog 4 \n\n\x01\xff\n"), 4, 3, "syslog", "\n\n\x01\xff");
	assert_int_equal(relp_frame_parse(LIT("3 syslog 2 \0\0\n"), 4, &f, &used, &err), 1);
	assert_int_equal(f.data.n, 2);
	assert_memory_equal(f.data.p, "\0\0", 2);
	/* Exactly the bound is accepted. */
	expect_frame(LIT("5 syslog 4 abcd\n"), 4, 5, "syslog", "abcd");
	/* Two frames in one read: the first stops at its own end. */
	assert_int_equal(relp_frame_parse(two, sizeof(two) - 1, 100, &f, &used, &err), 1);
	assert_int_equal(used, 15);
	assert_int_equal(relp_frame_parse(two + used, sizeof(two) - 1 - used, 100, &f, &used, &err),
	                 1);
	assert_true(sl_is(f.cmd, "close"));
}

static void test_frame_refusals(void **state)
{
	struct relp_frame f;
	size_t used;
	int err;

	(void)state;
	expect_error(LIT("0 syslog 1 a\n"), 100, RELP_E_TXNR);
	expect_error(LIT("01 syslog 1 a\n"), 100, RELP_E_TXNR);
	expect_error(LIT("1234567890 syslog 1 a\n"), 100, RELP_E_TXNR);
	expect_error(LIT("x syslog 1 a\n"), 100, RELP_E_TXNR);
	expect_error(LIT(" 1 syslog 1 a\n"), 100, RELP_E_TXNR);
	expect_error(LIT("1  syslog 1 a\n"), 100, RELP_E_COMMAND);
	expect_error(LIT("1\tsyslog 1 a\n"), 100, RELP_E_SP);
	expect_error(LIT("1 sys-log 1 a\n"), 100, RELP_E_COMMAND);
	expect_error(LIT("1 syslog\n"), 100, RELP_E_SP);
	expect_error(LIT("1 abcdefghijklmnopqrstuvwxyzabcdefg 1 a\n"), 100, RELP_E_COMMAND);
	expect_error(LIT("1 syslog x a\n"), 100, RELP_E_DATALEN);
	expect_error(LIT("1 syslog 01 a\n"), 100, RELP_E_DATALEN);
	expect_error(LIT("1 syslog 1234567890 a\n"), 100, RELP_E_DATALEN);
	expect_error(LIT("1 syslog 1\ta\n"), 100, RELP_E_SP);
	expect_error(LIT("1 syslog 0 \n"), 100, RELP_E_SP);
	expect_error(LIT("1 syslog 1 ab\n"), 100, RELP_E_TRAILER);
	expect_error(LIT("1 syslog 0x"), 100, RELP_E_TRAILER);
	/* Too big is found from the header alone, before DATA arrives ... */
	expect_error(LIT("9 syslog 101 "), 100, RELP_E_TOO_BIG);
	/* ... and says where DATA starts and how long it is, to skip it. */
	assert_int_equal(relp_frame_parse(LIT("9 syslog 101 xyz"), 100, &f, &used, &err), -1);
	assert_int_equal(err, RELP_E_TOO_BIG);
	assert_int_equal(used, 13);
	assert_int_equal(f.data.n, 101);
	assert_int_equal(f.txnr, 9);
	assert_true(sl_is(f.cmd, "syslog"));
	assert_string_equal(relp_perr_name(RELP_E_TRAILER), "trailer");
	assert_string_equal(relp_perr_name(99), "unknown");
}

/* ---- session ---- */

static enum relp_action feed(struct relp_session *s, const char *frame, struct buf *out)
{
	struct relp_frame f;
	size_t used;
	int err;

	assert_int_equal(relp_frame_parse(frame, strlen(frame), 1000, &f, &used, &err), 1);
	return relp_session_frame(s, &f, out, NULL);
}

#define OFFERS "relp_version=0\nrelp_software=librelp,1.11.0\ncommands=syslog"

static void test_session_good(void **state)
{
	struct relp_session s = {0};
	struct buf out;

	(void)state;
	buf_init(&out, 4096);
	assert_int_equal(feed(&s, "1 open 59 " OFFERS "\n", &out), RELP_A_REPLIED);
	assert_string_equal(out.ptr, "1 rsp 57 200 OK\nrelp_version=0\nrelp_software=skydd\n"
	                             "commands=syslog\n");
	buf_reset(&out);
	assert_int_equal(feed(&s, "2 syslog 5 hello\n", &out), RELP_A_SYSLOG);
	assert_int_equal(out.len, 0); /* the 200 waits for the commit */
	assert_int_equal(relp_rsp_ok(&out, 2), SK_OK);
	assert_string_equal(out.ptr, "2 rsp 6 200 OK\n");
	buf_reset(&out);
	assert_int_equal(feed(&s, "3 frobnicate 0\n", &out), RELP_A_REPLIED);
	assert_string_equal(out.ptr, "3 rsp 19 500 unknown command\n");
	buf_reset(&out);
	assert_int_equal(feed(&s, "4 close 0\n", &out), RELP_A_CLOSE);
	assert_int_equal(relp_write_close(&out, 4), SK_OK);
	assert_string_equal(out.ptr, "4 rsp 6 200 OK\n0 serverclose 0\n");
	buf_release(&out);

	/* TXNR wraps after 999999999 to 1. */
	s = (struct relp_session){.state = RELP_S_OPEN, .last_txnr = RELP_TXNR_MAX};
	buf_init(&out, 4096);
	assert_int_equal(feed(&s, "1 syslog 1 x\n", &out), RELP_A_SYSLOG);
	buf_release(&out);
}

static void expect_fail(struct relp_session *s, const char *frame, const char *why)
{
	struct relp_frame f;
	struct buf out;
	size_t used;
	int err;
	const char *w = NULL;

	buf_init(&out, 4096);
	assert_int_equal(relp_frame_parse(frame, strlen(frame), 1000, &f, &used, &err), 1);
	assert_int_equal(relp_session_frame(s, &f, &out, &w), RELP_A_FAIL);
	assert_string_equal(w, why);
	assert_non_null(strstr(out.ptr, " 500 "));
	assert_non_null(strstr(out.ptr, "0 serverclose 0\n"));
	assert_int_equal(s->state, RELP_S_CLOSED);
	buf_release(&out);
}

static void test_session_refusals(void **state)
{
	struct relp_session s = {0};

	(void)state;
	expect_fail(&s, "1 syslog 5 hello\n", "not_open");
	s = (struct relp_session){0};
	expect_fail(&s, "1 open 14 relp_version=0\n", "offers");
	s = (struct relp_session){0};
	expect_fail(&s, "1 open 15 commands=syslog\n", "offers");
	s = (struct relp_session){0};
	expect_fail(&s, "1 open 30 relp_version=x\ncommands=syslog\n", "offers");
	s = (struct relp_session){0};
	expect_fail(&s, "1 open 31 relp_version=0\ncommands=syslogx\n", "offers");
	s = (struct relp_session){.state = RELP_S_OPEN, .last_txnr = 5};
	expect_fail(&s, "7 syslog 1 x\n", "txnr_sequence");
	s = (struct relp_session){.state = RELP_S_OPEN, .last_txnr = 5};
	expect_fail(&s, "5 syslog 1 x\n", "txnr_sequence");
	s = (struct relp_session){.state = RELP_S_OPEN, .last_txnr = 5};
	expect_fail(&s, "6 open 30 relp_version=0\ncommands=syslog\n", "open_twice");
	expect_fail(&s, "7 syslog 1 x\n", "closed");
	/* An offer list naming syslog among others is fine. */
	s = (struct relp_session){0};
	{
		struct buf out;

		buf_init(&out, 4096);
		assert_int_equal(
		        feed(&s, "1 open 38 relp_version=0\ncommands=foo,syslog,bar\n", &out),
		        RELP_A_REPLIED);
		buf_release(&out);
	}
}

static void test_rsp_err_clipped(void **state)
{
	struct buf out;
	char longr[200];

	(void)state;
	memset(longr, 'r', sizeof(longr) - 1);
	longr[sizeof(longr) - 1] = '\0';
	buf_init(&out, 4096);
	assert_int_equal(relp_rsp_err(&out, 12, longr), SK_OK);
	assert_true(out.len <= RELP_RSP_MAX);
	assert_memory_equal(out.ptr, "12 rsp 52 500 rrr", 17);
	buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_frame_good),       cmocka_unit_test(test_frame_good_more),
	        cmocka_unit_test(test_frame_refusals),   cmocka_unit_test(test_session_good),
	        cmocka_unit_test(test_session_refusals), cmocka_unit_test(test_rsp_err_clipped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
