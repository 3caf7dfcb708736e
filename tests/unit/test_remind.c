/*
 * Reminders by e-mail (src/model/remind_msg.c, remind.c, identity_email.c):
 * the message for a todo list (Swedish lines from the UI's own texts,
 * headers, CRLF, quoted-printable), no header injection from any input, no
 * classified content even when the person holds an H copy with a telling
 * title; address validation, good and bad; the configuration's checks; one's
 * own address and an admin's, through the writer, and their need-to-know.
 */
#include "testutil.h"
#include "regfixture.h"
#include "sqlfixture.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "model/model.h"
#include "model/remind.h"
#include "model/todo.h"
#include "store/store.h"

static struct reg_fixture g_fx;
static struct principal staff, ssc, chief, admin;

/* fixture(fmt, …): SQL put through the ledger (sqlfixture.h). */
#define fixture(...) sqlfx(g_fx.store, __VA_ARGS__)

static int group_setup(void **state)
{
	char today[11], until[11];

	(void)state;
	regfx_open(&g_fx, "/tmp/skydd-test-remind-XXXXXX", REGFX_READER,
	           (const struct store_projection *const[]){&sqlfx_proj, NULL});
	model_today(today);
	model_plus_year(today, until);
	regfx_identity_bare(g_fx.model, &staff, "staff", ROLE_STAFF, CLEAR_H, NULL, until);
	regfx_identity_bare(g_fx.model, &ssc, "ssc", ROLE_SSC, CLEAR_KH, NULL, until);
	regfx_identity_bare(g_fx.model, &chief, "chief", ROLE_CHIEF, CLEAR_KH, NULL, until);
	regfx_identity_bare(g_fx.model, &admin, "admin", ROLE_ADMIN, CLEAR_NONE, NULL, until);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	regfx_close(&g_fx);
	return 0;
}

/* Decodes a quoted-printable body (soft breaks, =XX) into out, CRLF → LF. */
static void qp_decode(const char *in, char *out, size_t cap)
{
	size_t o = 0;

	while (*in && o + 1 < cap) {
		if (in[0] == '=' && in[1] == '\r' && in[2] == '\n') {
			in += 3;
		} else if (in[0] == '=' && in[1] && in[2]) {
			unsigned v = 0;

			sscanf(in + 1, "%2x", &v);
			out[o++] = (char)v;
			in += 3;
		} else if (in[0] == '\r' && in[1] == '\n') {
			out[o++] = '\n';
			in += 2;
		} else {
			out[o++] = *in++;
		}
	}
	out[o] = '\0';
}

/* The message for list (JSON text), or the error; its body decoded into body. */
static int message(const char *from, const char *to, const char *url, const char *list,
                   struct buf *b, char *body, size_t cap)
{
	json_t *todo = json_loads(list, 0, NULL);
	int rc;

	assert_non_null(todo);
	buf_init(b, 64 * 1024);
	rc = remind_message(from, to, url, todo, 1767225600 /* 2026-01-01 */, b);
	json_decref(todo);
	if (!rc && body) {
		const char *sep = strstr(b->ptr, "\r\n\r\n");

		assert_non_null(sep);
		qp_decode(sep + 4, body, cap);
	}
	return rc;
}

static void test_message_lines_and_headers(void **state)
{
	char body[8192];
	struct buf b;
	const char *p;

	(void)state;
	assert_int_equal(
	        message("skydd@example.se", "anna@example.se", "https://skydd.example.se",
	                "[{\"kind\":\"receipts\",\"count\":2},{\"kind\":\"analysis_missing\","
	                "\"count\":1},{\"kind\":\"inventory_checks\",\"count\":12}]",
	                &b, body, sizeof(body)),
	        SK_OK);
	/* the headers */
	assert_non_null(strstr(b.ptr, "From: <skydd@example.se>\r\n"));
	assert_non_null(strstr(b.ptr, "\r\nTo: <anna@example.se>\r\n"));
	assert_non_null(strstr(b.ptr, "\r\nSubject: =?UTF-8?Q?Att_g=C3=B6ra_i_skydd?=\r\n"));
	assert_non_null(strstr(b.ptr, "\r\nDate: Thu, 01 Jan 2026 00:00:00 +0000\r\n"));
	assert_non_null(strstr(b.ptr, "\r\nMIME-Version: 1.0\r\n"));
	assert_non_null(strstr(b.ptr, "\r\nContent-Type: text/plain; charset=UTF-8\r\n"));
	assert_non_null(strstr(b.ptr, "\r\nContent-Transfer-Encoding: quoted-printable\r\n"));
	assert_non_null(strstr(b.ptr, "@example.se>\r\n")); /* Message-ID in the sender's domain */
	/* CRLF only, ASCII only, no line over 76 */
	for (p = b.ptr; *p; p++) {
		assert_true((unsigned char)*p < 0x80);
		if (*p == '\n')
			assert_true(p > b.ptr && p[-1] == '\r');
		if (*p == '\r')
			assert_true(p[1] == '\n');
	}
	for (p = b.ptr; *p;) {
		const char *e = strstr(p, "\r\n");

		assert_non_null(e);
		assert_true(e - p <= 76);
		p = e + 2;
	}
	/* the body: the UI's own Swedish texts with their counts */
	assert_non_null(strstr(body, "- Kvittenser att skriva under: 2\n"));
	assert_non_null(
	        strstr(body, "- Det finns ingen fastställd säkerhetsskyddsanalys (2 kap. 1 §).\n"));
	assert_non_null(strstr(body, "- Poster att kontrollera i pågående inventeringar: 12\n"));
	assert_non_null(strstr(body, "Logga in på https://skydd.example.se för att se"));
	assert_non_null(strstr(body, "inga säkerhetsskyddsklassificerade uppgifter"));
	assert_non_null(strstr(body, "Ta bort adressen där"));
	buf_release(&b);

	/* no public URL: the mail says to log in, names no address */
	assert_int_equal(message("skydd@example.se", "anna@example.se", NULL,
	                         "[{\"kind\":\"receipts\",\"count\":1}]", &b, body, sizeof(body)),
	                 SK_OK);
	assert_non_null(strstr(body, "Logga in i skydd för att se"));
	assert_null(strstr(body, "http"));
	buf_release(&b);
}

static void test_message_nothing_to_say(void **state)
{
	struct buf b;

	(void)state;
	assert_int_equal(message("s@example.se", "a@example.se", NULL, "[]", &b, NULL, 0),
	                 SK_ENOTFOUND);
	buf_release(&b);
	/* unknown kinds and counts below 1 are not said: never a raw code */
	assert_int_equal(message("s@example.se", "a@example.se", NULL,
	                         "[{\"kind\":\"frobnicate\",\"count\":3},{\"kind\":\"receipts\","
	                         "\"count\":0},{\"kind\":\"receipts\",\"count\":-1},{\"count\":2}]",
	                         &b, NULL, 0),
	                 SK_ENOTFOUND);
	buf_release(&b);
}

static void test_message_no_injection(void **state)
{
	char body[8192];
	struct buf b;
	static const char *const bad_to[] = {
	        "a@example.se\r\nBcc: spion@example.com",
	        "a@example.se\nBcc: spion@example.com",
	        "a@example.se\rX: y",
	        "Anna <a@example.se>",
	        "a@example.se, spion@example.com",
	        "",
	};
	static const char *const bad_url[] = {
	        "https://x.se/\r\nBcc: spion@example.com",
	        "https://x.se/ a",
	        "javascript:alert(1)",
	        "https://x.se/\xc3\xa5",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad_to) / sizeof(bad_to[0]); i++) {
		assert_int_equal(message("s@example.se", bad_to[i], NULL,
		                         "[{\"kind\":\"receipts\",\"count\":1}]", &b, NULL, 0),
		                 SK_EINVAL);
		buf_release(&b);
		assert_int_equal(message(bad_to[i], "a@example.se", NULL,
		                         "[{\"kind\":\"receipts\",\"count\":1}]", &b, NULL, 0),
		                 SK_EINVAL);
		buf_release(&b);
	}
	for (size_t i = 0; i < sizeof(bad_url) / sizeof(bad_url[0]); i++) {
		assert_int_equal(message("s@example.se", "a@example.se", bad_url[i],
		                         "[{\"kind\":\"receipts\",\"count\":1}]", &b, NULL, 0),
		                 SK_EINVAL);
		buf_release(&b);
	}
	/* a kind carrying a header is no known kind: not said, nothing injected */
	assert_int_equal(message("s@example.se", "a@example.se", NULL,
	                         "[{\"kind\":\"receipts\\r\\nBcc: spion@example.com\",\"count\":1},"
	                         "{\"kind\":\"lost_cases\",\"count\":1}]",
	                         &b, body, sizeof(body)),
	                 SK_OK);
	assert_null(strstr(b.ptr, "Bcc"));
	assert_null(strstr(b.ptr, "spion"));
	assert_non_null(strstr(body, "- Öppna förlustärenden: 1\n"));
	buf_release(&b);
}

static void test_message_never_classified(void **state)
{
	const char *now = "2026-01-01T00:00:00Z";
	char today[11], body[8192];
	json_t *todo;
	struct buf b;

	(void)state;
	model_today(today);
	fixture("INSERT INTO person (id, name, identity_id, status, created_at, created_by, "
	        "updated_at) VALUES (1, 'Sara Hemligsdotter', %lld, 'active', '%s', 0, '%s')",
	        (long long)staff.id, now, now);
	fixture("INSERT INTO document (id, designation, title, class, form, pages, originator, "
	        "registered_on, status, created_at, created_by, updated_at) VALUES (1, "
	        "'H-2026-77', "
	        "'Operation Nordljus', 'H', 'physical', 1, '', '%s', 'active', '%s', 1, '%s')",
	        today, now, now);
	fixture("INSERT INTO copy (id, document_id, number, state, holder_person_id, created_at, "
	        "updated_at) VALUES (1, 1, 1, 'issued', 1, '%s', '%s')",
	        now, now);
	fixture("INSERT INTO receipt (id, copy_id, person_id, class, state, issued_at, issued_by, "
	        "keep_until) VALUES (1, 1, 1, 'H', 'pending', '%s', 1, '2036-01-01')",
	        now);
	todo = model_todo(g_fx.model, &staff);
	assert_non_null(todo);
	buf_init(&b, 64 * 1024);
	assert_int_equal(remind_message("skydd@example.se", "sara@example.se", NULL, todo, 0, &b),
	                 SK_OK);
	json_decref(todo);
	qp_decode(strstr(b.ptr, "\r\n\r\n") + 4, body, sizeof(body));
	assert_non_null(strstr(body, "- Kvittenser att skriva under: 1\n"));
	/* not the title, the designation, the class, the holder's name, a document id */
	assert_null(strstr(b.ptr, "Nordljus"));
	assert_null(strstr(b.ptr, "H-2026-77"));
	assert_null(strstr(b.ptr, "Hemligsdotter"));
	assert_null(strstr(b.ptr, "document/"));
	assert_null(strstr(body, "Nordljus"));
	assert_null(strstr(body, "H-2026-77"));
	assert_null(strstr(body, "Sara"));
	assert_null(strstr(body, "HEMLIG"));
	assert_null(strstr(body, "hemlig"));
	buf_release(&b);
}

static void test_email_valid(void **state)
{
	char s[400];
	static const char *const good[] = {
	        "",
	        "anna@example.se",
	        "anna.andersson@myndighet.example.se",
	        "a+skydd@example.se",
	        "A_B-c'd@Sub-1.Example.SE",
	        "x@a.b",
	};
	static const char *const bad[] = {
	        "anna",
	        "@example.se",
	        "anna@",
	        "anna@example",
	        "anna@@example.se",
	        "anna@ex@ample.se",
	        "an na@example.se",
	        "anna@example.se ",
	        " anna@example.se",
	        "anna@example.se\r\n",
	        "anna@example.se\nBcc: x@y.se",
	        "anna\t@example.se",
	        "<anna@example.se>",
	        "Anna <anna@example.se>",
	        "anna@example.se,b@example.se",
	        "anna;b@example.se",
	        "\"anna\"@example.se",
	        "anna(x)@example.se",
	        "anna@[127.0.0.1]",
	        ".anna@example.se",
	        "anna.@example.se",
	        "an..na@example.se",
	        "anna@.example.se",
	        "anna@example..se",
	        "anna@-example.se",
	        "anna@example-.se",
	        "anna@exa_mple.se",
	        "anna@exämple.se",
	        "änna@example.se",
	        "anna@example.se.",
	        "anna\\@example.se",
	        "anna@example.se\x7f",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!model_email_valid(good[i]))
			fail_msg("refused a good address: '%s'", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (model_email_valid(bad[i]))
			fail_msg("accepted a bad address: '%s'", bad[i]);
	assert_false(model_email_valid(NULL));

	/* RFC 5321 limits: local part 64, label 63, whole address 254 */
	memset(s, 'a', 64);
	snprintf(s + 64, sizeof(s) - 64, "@example.se");
	assert_true(model_email_valid(s));
	memset(s, 'a', 65);
	snprintf(s + 65, sizeof(s) - 65, "@example.se");
	assert_false(model_email_valid(s));
	snprintf(s, sizeof(s), "a@");
	memset(s + 2, 'b', 63);
	snprintf(s + 65, sizeof(s) - 65, ".se");
	assert_true(model_email_valid(s));
	snprintf(s, sizeof(s), "a@");
	memset(s + 2, 'b', 64);
	snprintf(s + 66, sizeof(s) - 66, ".se");
	assert_false(model_email_valid(s));
	/* 254 in all: a@ + labels of 50 and dots */
	{
		size_t n = 0;

		n += (size_t)snprintf(s, sizeof(s), "a@");
		while (n + 51 <= 250) {
			memset(s + n, 'c', 50);
			n += 50;
			s[n++] = '.';
		}
		while (n < 251)
			s[n++] = 'd';
		n += (size_t)snprintf(s + n, sizeof(s) - n, ".se");
		assert_int_equal(n, 254);
		assert_true(model_email_valid(s));
		s[n - 3] = 'e';
		snprintf(s + n - 2, sizeof(s) - n + 2, "e.se"); /* 256 */
		assert_false(model_email_valid(s));
	}
}

static void test_config(void **state)
{
	char why[256];
	struct remind_config c = {
	        .smtp_url = "smtp://127.0.0.1:2525", .from = "s@example.se", .hour = 7};

	(void)state;
	assert_int_equal(remind_config_check(&(struct remind_config){0}, why, sizeof(why)), SK_OK);
	assert_int_equal(remind_config_check(&c, why, sizeof(why)), SK_OK);
	c.smtp_url = "smtps://mail.example.se";
	assert_int_equal(remind_config_check(&c, why, sizeof(why)), SK_OK);
	c.smtp_url = "http://mail.example.se";
	assert_int_equal(remind_config_check(&c, why, sizeof(why)), SK_EINVAL);
	c.smtp_url = "smtp://u:p@mail.example.se";
	assert_int_equal(remind_config_check(&c, why, sizeof(why)), SK_EINVAL);
	c.smtp_url = "smtp://mail.example.se\r\n";
	assert_int_equal(remind_config_check(&c, why, sizeof(why)), SK_EINVAL);
	c.smtp_url = "smtp://mail.example.se";
	c.from = "s@example.se\r\nBcc: x@example.se";
	assert_int_equal(remind_config_check(&c, why, sizeof(why)), SK_EINVAL);
	c.from = "s@example.se";
	c.public_url = "https://skydd.example.se/";
	assert_int_equal(remind_config_check(&c, why, sizeof(why)), SK_OK);
	c.public_url = "https://skydd.example.se/\r\nX: y";
	assert_int_equal(remind_config_check(&c, why, sizeof(why)), SK_EINVAL);
	c.public_url = NULL;
	c.hour = 24;
	assert_int_equal(remind_config_check(&c, why, sizeof(why)), SK_EINVAL);

	/* STARTTLS may be skipped only on loopback */
	assert_true(remind_url_loopback("smtp://127.0.0.1:2525"));
	assert_true(remind_url_loopback("smtp://localhost"));
	assert_true(remind_url_loopback("smtp://[::1]:25"));
	assert_false(remind_url_loopback("smtp://mail.example.se"));
	assert_false(remind_url_loopback("smtp://127.0.0.1.example.se"));
	assert_false(remind_url_loopback("smtp://localhost.example.se"));
}

static void test_set_email(void **state)
{
	struct model_err err = {0};
	json_t *o;

	(void)state;
	/* one's own */
	assert_int_equal(model_identity_set_email(g_fx.model, &staff, "sara@example.se", &err),
	                 SK_OK);
	o = model_identity_get(g_fx.model, staff.id);
	assert_string_equal(json_string_value(json_object_get(o, "email")), "sara@example.se");
	json_decref(o);
	memset(&err, 0, sizeof(err));
	assert_int_equal(
	        model_identity_set_email(g_fx.model, &staff, "sara@example.se\r\nBcc: x", &err),
	        SK_EINVAL);
	assert_string_equal(err.field, "email");
	assert_string_equal(err.reason, "identity.email_format");

	/* another's: the admin and the ssc, not the head */
	memset(&err, 0, sizeof(err));
	assert_int_equal(model_identity_update(g_fx.model, &chief, staff.id,
	                                       &(struct model_identity_patch){
	                                               .clearance = -1, .email = "x@example.se"},
	                                       &err),
	                 SK_EPERM);
	assert_string_equal(err.reason, "identity.email_by");
	assert_int_equal(model_identity_update(g_fx.model, &admin, staff.id,
	                                       &(struct model_identity_patch){
	                                               .clearance = -1, .email = "s2@example.se"},
	                                       NULL),
	                 SK_OK);
	memset(&err, 0, sizeof(err));
	assert_int_equal(model_identity_update(g_fx.model, &ssc, staff.id,
	                                       &(struct model_identity_patch){
	                                               .clearance = -1, .email = "s 3@example.se"},
	                                       &err),
	                 SK_EINVAL);
	assert_string_equal(err.reason, "identity.email_format");
	o = model_identity_get(g_fx.model, staff.id);
	assert_string_equal(json_string_value(json_object_get(o, "email")), "s2@example.se");
	json_decref(o);
	/* removing it */
	assert_int_equal(model_identity_set_email(g_fx.model, &staff, "", NULL), SK_OK);
	o = model_identity_get(g_fx.model, staff.id);
	assert_string_equal(json_string_value(json_object_get(o, "email")), "");
	json_decref(o);
}

/* A mail server that hangs: a listening socket nobody accepts from (the kernel completes the
 * handshake, the greeting never comes). Its port in *port. */
static int hanging_server(unsigned *port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 8), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

static int64_t ledger_runs(const char *field)
{
	struct store_reader *r = model_reader(g_fx.model);
	struct store_q *q;
	char sql[200];
	int64_t n = -1;

	snprintf(sql, sizeof(sql),
	         "SELECT coalesce(sum(json_extract(entry, '$.data.%s')), 0) FROM ledger WHERE "
	         "kind = 'reminders.sent'",
	         field);
	assert_int_equal(store_reader_query(r, sql, &q), SK_OK);
	if (store_q_step(q) == SK_OK)
		n = store_q_int(q, 0);
	store_q_done(q);
	return n;
}

/*
 * The request waits a bounded time for a run against a mail server that hangs (202, the run
 * goes on), and a shutdown aborts the transfer at once instead of waiting out libcurl's
 * timeouts; the run is recorded with the mail as failed.
 */
static void test_hanging_server(void **state)
{
	struct remind_result res;
	struct remind *r = NULL;
	struct timespec t0, t1;
	char url[64];
	unsigned port;
	int64_t failed0;
	int fd = hanging_server(&port);

	(void)state;
	/* staff has an address and a pending receipt (test_message_never_classified) */
	assert_int_equal(model_identity_set_email(g_fx.model, &staff, "sara@example.se", NULL),
	                 SK_OK);
	failed0 = ledger_runs("failed");
	snprintf(url, sizeof(url), "smtp://127.0.0.1:%u", port);
	assert_int_equal(remind_run_now(NULL, ssc.id, 1, &res), SK_EINVAL);
	assert_int_equal(remind_start(g_fx.model,
	                              &(struct remind_config){.smtp_url = url,
	                                                      .from = "skydd@example.se",
	                                                      .hour = 23},
	                              &r),
	                 SK_OK);
	assert_non_null(r);
	assert_int_equal(remind_run_now(r, ssc.id, 1, &res), SK_OK);
	assert_false(res.done); /* still waiting for the greeting: the caller is not held */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	remind_stop(r);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true(t1.tv_sec - t0.tv_sec < 5); /* not libcurl's 60 s */
	assert_true(ledger_runs("failed") > failed0);
	close(fd);
	/* without --smtp nothing starts */
	r = (struct remind *)1;
	assert_int_equal(remind_start(g_fx.model, &(struct remind_config){0}, &r), SK_OK);
	assert_null(r);
	assert_int_equal(model_identity_set_email(g_fx.model, &staff, "", NULL), SK_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_message_lines_and_headers),
	        cmocka_unit_test(test_message_nothing_to_say),
	        cmocka_unit_test(test_message_no_injection),
	        cmocka_unit_test(test_message_never_classified),
	        cmocka_unit_test(test_email_valid),
	        cmocka_unit_test(test_config),
	        cmocka_unit_test(test_set_email),
	        cmocka_unit_test(test_hanging_server),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
