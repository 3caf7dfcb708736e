/*
 * Ledger entry encoding: exact canonical bytes for a known entry, the round
 * trip, and the decoder refusing every byte string that is not exactly an
 * encoding it would produce.
 */
#include "testutil.h"

#include "ledger/ledger.h"

/* 2024-02-29T12:34:56.789012Z */
#define T0 INT64_C(1709210096789012)

static const char known[] =
        "{\"actor\":42,\"data\":{\"a\":[1,-2,true,null],\"name\":\"Caf\xc3\xa9 \\\"x\\\"\","
        "\"z\":{}},\"kind\":\"doc.copy.issued\",\"object\":\"doc/17\",\"seq\":7,"
        "\"time\":\"2024-02-29T12:34:56.789012Z\"}";

static json_t *known_data(void)
{
	return json_pack("{s:{}, s:s, s:[i,i,b,n]}", "z", "name", "Caf\xc3\xa9 \"x\"", "a", 1, -2,
	                 1);
}

static void known_entry(struct ledger_entry *e, const json_t *data)
{
	e->seq = 7;
	e->time_us = T0;
	e->actor = 42;
	e->kind = "doc.copy.issued";
	e->object = "doc/17";
	e->data = data;
}

static int encode(const struct ledger_entry *e, struct buf *b)
{
	buf_reset(b);
	return ledger_entry_encode(e, b);
}

static int decode_str(const char *s)
{
	struct ledger_decoded d;
	int rc = ledger_entry_decode(s, strlen(s), &d);

	ledger_decoded_release(&d);
	return rc;
}

static void test_known_bytes(void **state)
{
	struct ledger_entry e;
	json_t *data = known_data();
	struct buf b;

	(void)state;
	buf_init(&b, 4096);
	known_entry(&e, data);
	assert_int_equal(encode(&e, &b), SK_OK);
	assert_string_equal(b.ptr, known);
	assert_int_equal(b.len, sizeof(known) - 1);

	/* appends: the caller's existing bytes stay */
	buf_reset(&b);
	buf_puts(&b, "x");
	assert_int_equal(ledger_entry_encode(&e, &b), SK_OK);
	assert_int_equal(b.len, sizeof(known));
	assert_int_equal(b.ptr[0], 'x');

	/* the smallest entry */
	e.seq = 1;
	e.time_us = 0;
	e.actor = 0;
	e.kind = "ledger.init";
	e.object = "";
	json_decref(data);
	data = json_object();
	e.data = data;
	assert_int_equal(encode(&e, &b), SK_OK);
	assert_string_equal(b.ptr,
	                    "{\"actor\":0,\"data\":{},\"kind\":\"ledger.init\",\"object\":\"\","
	                    "\"seq\":1,\"time\":\"1970-01-01T00:00:00.000000Z\"}");
	json_decref(data);
	buf_release(&b);
}

static void test_round_trip(void **state)
{
	struct ledger_decoded d;
	struct ledger_entry e;
	json_t *data = known_data();
	struct buf b, again;

	(void)state;
	buf_init(&b, 4096);
	buf_init(&again, 4096);
	known_entry(&e, data);
	e.actor = SK_JSON_MAX_INT - 1;
	e.seq = (uint64_t)SK_JSON_MAX_INT;
	assert_int_equal(encode(&e, &b), SK_OK);
	assert_int_equal(ledger_entry_decode(b.ptr, b.len, &d), SK_OK);
	assert_int_equal(d.e.seq, (uint64_t)SK_JSON_MAX_INT);
	assert_int_equal(d.e.time_us, T0);
	assert_int_equal(d.e.actor, SK_JSON_MAX_INT - 1);
	assert_string_equal(d.e.kind, "doc.copy.issued");
	assert_string_equal(d.e.object, "doc/17");
	assert_true(json_equal(d.e.data, data));
	assert_int_equal(encode(&d.e, &again), SK_OK);
	assert_int_equal(again.len, b.len);
	assert_memory_equal(again.ptr, b.ptr, b.len);
	ledger_decoded_release(&d);
	assert_null(d.root);
	ledger_decoded_release(&d); /* twice is harmless */
	ledger_decoded_release(NULL);

	assert_int_equal(decode_str(known), SK_OK);
	json_decref(data);
	buf_release(&b);
	buf_release(&again);
}

static void test_kind_object_rules(void **state)
{
	const char *good_kind[] = {"a", "ledger.init", "doc.copy.issued", "a_b.c9", "0", "x.y.z.w"};
	const char *bad_kind[] = {"",    "Doc.Copy", "a..b",     ".a",  "a.",        "a-b",
	                          "a b", "a/b",      "\xc3\xa9", "a.B", "doc.copy\n"};
	char k[LEDGER_KIND_MAX + 2], o[LEDGER_OBJECT_MAX + 2];

	(void)state;
	for (size_t i = 0; i < sizeof(good_kind) / sizeof(good_kind[0]); i++)
		assert_true(ledger_kind_valid(good_kind[i]));
	for (size_t i = 0; i < sizeof(bad_kind) / sizeof(bad_kind[0]); i++) {
		if (ledger_kind_valid(bad_kind[i]))
			fail_msg("kind '%s' accepted", bad_kind[i]);
	}
	assert_false(ledger_kind_valid(NULL));
	/* length bound, checked at exactly the limit and one past it */
	memset(k, 'a', sizeof(k));
	k[LEDGER_KIND_MAX] = '\0';
	assert_true(ledger_kind_valid(k));
	k[LEDGER_KIND_MAX - 2] = '.';
	assert_true(ledger_kind_valid(k));
	k[LEDGER_KIND_MAX] = 'a';
	k[LEDGER_KIND_MAX + 1] = '\0';
	assert_false(ledger_kind_valid(k));
	k[LEDGER_KIND_MAX - 1] = '.';
	k[LEDGER_KIND_MAX] = '\0';
	assert_false(ledger_kind_valid(k));

	assert_true(ledger_object_valid(""));
	assert_true(ledger_object_valid("doc/17"));
	assert_true(ledger_object_valid("user/3/key-2.pub_x"));
	assert_false(ledger_object_valid("Doc/17"));
	assert_false(ledger_object_valid("doc 17"));
	assert_false(ledger_object_valid("doc:17"));
	assert_false(ledger_object_valid("doc/\xc3\xa9"));
	assert_false(ledger_object_valid("doc\"17"));
	assert_false(ledger_object_valid(NULL));
	memset(o, 'o', sizeof(o));
	o[LEDGER_OBJECT_MAX] = '\0';
	assert_true(ledger_object_valid(o));
	o[LEDGER_OBJECT_MAX] = 'o';
	o[LEDGER_OBJECT_MAX + 1] = '\0';
	assert_false(ledger_object_valid(o));
}

static json_t *nest_data(int depth)
{
	json_t *v = json_object();

	for (int i = 1; i < depth; i++)
		v = json_pack("{s:o}", "k", v);
	return v;
}

static void test_encode_rejects(void **state)
{
	struct ledger_entry e;
	json_t *data = known_data(), *bad;
	struct buf b;

	(void)state;
	buf_init(&b, 4096);
#define REJECT(field, value)                                                                       \
	do {                                                                                       \
		known_entry(&e, data);                                                             \
		e.field = value;                                                                   \
		buf_reset(&b);                                                                     \
		buf_puts(&b, "pre");                                                               \
		assert_int_equal(ledger_entry_encode(&e, &b), SK_EINVAL);                          \
		assert_string_equal(b.ptr, "pre");                                                 \
	} while (0)
	REJECT(seq, 0);
	REJECT(seq, (uint64_t)SK_JSON_MAX_INT + 1);
	REJECT(actor, -1);
	REJECT(actor, SK_JSON_MAX_INT);
	REJECT(time_us, -1);
	REJECT(time_us, INT64_C(253402300800000000));
	REJECT(kind, "Doc.Copy");
	REJECT(kind, NULL);
	REJECT(object, "doc 17");
	REJECT(object, NULL);
	REJECT(data, NULL);
	bad = json_array();
	REJECT(data, bad);
	json_decref(bad);
	bad = json_pack("{s:f}", "x", 1.5);
	REJECT(data, bad);
	json_decref(bad);
	bad = json_pack("{s:[I]}", "x", (json_int_t)SK_JSON_MAX_INT + 1);
	REJECT(data, bad);
	json_decref(bad);
	bad = nest_data(33);
	REJECT(data, bad);
	json_decref(bad);
#undef REJECT
	/* data at the depth limit is fine */
	known_entry(&e, data);
	bad = nest_data(32);
	e.data = bad;
	assert_int_equal(encode(&e, &b), SK_OK);
	assert_int_equal(decode_str(b.ptr), SK_OK);
	json_decref(bad);

	/* the buffer's own limit comes back as is */
	buf_release(&b);
	buf_init(&b, sizeof(known) - 2);
	known_entry(&e, data);
	assert_int_equal(ledger_entry_encode(&e, &b), SK_ETOOBIG);
	json_decref(data);
	buf_release(&b);
}

/* Byte strings that must never decode; each differs from a valid entry in one way. */
static const char *const not_entries[] = {
        /* whitespace */
        "{\"actor\": 42,\"data\":{},\"kind\":\"a\",\"object\":\"\",\"seq\":7,"
        "\"time\":\"2024-02-29T12:34:56.789012Z\"}",
        "{\"actor\":42,\"data\":{},\"kind\":\"a\",\"object\":\"\",\"seq\":7,"
        "\"time\":\"2024-02-29T12:34:56.789012Z\"}\n",
        " {\"actor\":42,\"data\":{},\"kind\":\"a\",\"object\":\"\",\"seq\":7,"
        "\"time\":\"2024-02-29T12:34:56.789012Z\"}",
        /* key order */
        "{\"data\":{},\"actor\":42,\"kind\":\"a\",\"object\":\"\",\"seq\":7,"
        "\"time\":\"2024-02-29T12:34:56.789012Z\"}",
        "{\"actor\":42,\"data\":{\"b\":1,\"a\":2},\"kind\":\"a\",\"object\":\"\",\"seq\":7,"
        "\"time\":\"2024-02-29T12:34:56.789012Z\"}",
        /* extra key */
        "{\"actor\":42,\"data\":{},\"extra\":1,\"kind\":\"a\",\"object\":\"\",\"seq\":7,"
        "\"time\":\"2024-02-29T12:34:56.789012Z\"}",
        /* missing key */
        "{\"actor\":42,\"data\":{},\"kind\":\"a\",\"seq\":7,"
        "\"time\":\"2024-02-29T12:34:56.789012Z\"}",
        "{\"actor\":42,\"data\":{},\"kind\":\"a\",\"object\":\"\",\"seq\":7}",
        /* duplicate key */
        "{\"actor\":42,\"actor\":42,\"data\":{},\"kind\":\"a\",\"object\":\"\",\"seq\":7,"
        "\"time\":\"2024-02-29T12:34:56.789012Z\"}",
        /* wrong types */
        "{\"actor\":\"42\",\"data\":{},\"kind\":\"a\",\"object\":\"\",\"seq\":7,"
        "\"time\":\"2024-02-29T12:34:56.789012Z\"}",
        "{\"actor\":42,\"data\":{},\"kind\":\"a\",\"object\":null,\"seq\":7,"
        "\"time\":\"2024-02-29T12:34:56.789012Z\"}",
        "{\"actor\":42,\"data\":{},\"kind\":[\"a\"],\"object\":\"\",\"seq\":7,"
        "\"time\":\"2024-02-29T12:34:56.789012Z\"}",
        "{\"actor\":42,\"data\":{},\"kind\":\"a\",\"object\":\"\",\"seq\":true,"
        "\"time\":\"2024-02-29T12:34:56.789012Z\"}",
        "{\"actor\":42,\"data\":{},\"kind\":\"a\",\"object\":\"\",\"seq\":7,"
        "\"time\":1709210096789012}",
        /* data not an object, or with a float */
        "{\"actor\":42,\"data\":[],\"kind\":\"a\",\"object\":\"\",\"seq\":7,"
        "\"time\":\"2024-02-29T12:34:56.789012Z\"}",
        "{\"actor\":42,\"data\":\"x\",\"kind\":\"a\",\"object\":\"\",\"seq\":7,"
        "\"time\":\"2024-02-29T12:34:56.789012Z\"}",
        "{\"actor\":42,\"data\":null,\"kind\":\"a\",\"object\":\"\",\"seq\":7,"
        "\"time\":\"2024-02-29T12:34:56.789012Z\"}",
        "{\"actor\":42,\"data\":{\"x\":1.5},\"kind\":\"a\",\"object\":\"\",\"seq\":7,"
        "\"time\":\"2024-02-29T12:34:56.789012Z\"}",
        "{\"actor\":42,\"data\":{\"x\":1.0},\"kind\":\"a\",\"object\":\"\",\"seq\":7,"
        "\"time\":\"2024-02-29T12:34:56.789012Z\"}",
        /* bad or non-canonical time */
        "{\"actor\":42,\"data\":{},\"kind\":\"a\",\"object\":\"\",\"seq\":7,"
        "\"time\":\"2023-02-29T12:34:56.789012Z\"}",
        "{\"actor\":42,\"data\":{},\"kind\":\"a\",\"object\":\"\",\"seq\":7,"
        "\"time\":\"2024-02-29T12:34:56.78901Z\"}",
        "{\"actor\":42,\"data\":{},\"kind\":\"a\",\"object\":\"\",\"seq\":7,"
        "\"time\":\"2024-02-29T13:34:56.789012+01:00\"}",
        "{\"actor\":42,\"data\":{},\"kind\":\"a\",\"object\":\"\",\"seq\":7,"
        "\"time\":\"2024-02-29t12:34:56.789012z\"}",
        "{\"actor\":42,\"data\":{},\"kind\":\"a\",\"object\":\"\",\"seq\":7,"
        "\"time\":\"1969-12-31T23:59:59.000000Z\"}",
        "{\"actor\":42,\"data\":{},\"kind\":\"a\",\"object\":\"\",\"seq\":7,\"time\":\"\"}",
        /* actor and seq ranges */
        "{\"actor\":-1,\"data\":{},\"kind\":\"a\",\"object\":\"\",\"seq\":7,"
        "\"time\":\"2024-02-29T12:34:56.789012Z\"}",
        "{\"actor\":9007199254740992,\"data\":{},\"kind\":\"a\",\"object\":\"\",\"seq\":7,"
        "\"time\":\"2024-02-29T12:34:56.789012Z\"}",
        "{\"actor\":42,\"data\":{},\"kind\":\"a\",\"object\":\"\",\"seq\":0,"
        "\"time\":\"2024-02-29T12:34:56.789012Z\"}",
        "{\"actor\":42,\"data\":{},\"kind\":\"a\",\"object\":\"\",\"seq\":-7,"
        "\"time\":\"2024-02-29T12:34:56.789012Z\"}",
        "{\"actor\":42,\"data\":{},\"kind\":\"a\",\"object\":\"\",\"seq\":9007199254740993,"
        "\"time\":\"2024-02-29T12:34:56.789012Z\"}",
        "{\"actor\":-0,\"data\":{},\"kind\":\"a\",\"object\":\"\",\"seq\":7,"
        "\"time\":\"2024-02-29T12:34:56.789012Z\"}",
        "{\"actor\":042,\"data\":{},\"kind\":\"a\",\"object\":\"\",\"seq\":7,"
        "\"time\":\"2024-02-29T12:34:56.789012Z\"}",
        /* kind and object rules */
        "{\"actor\":42,\"data\":{},\"kind\":\"Doc.Copy\",\"object\":\"\",\"seq\":7,"
        "\"time\":\"2024-02-29T12:34:56.789012Z\"}",
        "{\"actor\":42,\"data\":{},\"kind\":\"a..b\",\"object\":\"\",\"seq\":7,"
        "\"time\":\"2024-02-29T12:34:56.789012Z\"}",
        "{\"actor\":42,\"data\":{},\"kind\":\"\",\"object\":\"\",\"seq\":7,"
        "\"time\":\"2024-02-29T12:34:56.789012Z\"}",
        "{\"actor\":42,\"data\":{},\"kind\":\"a\",\"object\":\"Doc/1\",\"seq\":7,"
        "\"time\":\"2024-02-29T12:34:56.789012Z\"}",
        "{\"actor\":42,\"data\":{},\"kind\":\"a\",\"object\":\"doc 1\",\"seq\":7,"
        "\"time\":\"2024-02-29T12:34:56.789012Z\"}",
        /* escapes that decode to the canonical value are still not the canonical bytes */
        "{\"actor\":42,\"data\":{},\"kind\":\"\\u0061\",\"object\":\"\",\"seq\":7,"
        "\"time\":\"2024-02-29T12:34:56.789012Z\"}",
        "{\"actor\":42,\"data\":{\"s\":\"\\/\"},\"kind\":\"a\",\"object\":\"\",\"seq\":7,"
        "\"time\":\"2024-02-29T12:34:56.789012Z\"}",
        "{\"actor\":42,\"data\":{\"s\":\"\\u00e9\"},\"kind\":\"a\",\"object\":\"\",\"seq\":7,"
        "\"time\":\"2024-02-29T12:34:56.789012Z\"}",
        /* not an entry at all */
        "",
        "[]",
        "{}",
        "null",
        "{\"actor\":42,\"data\":{},\"kind\":\"a\",\"object\":\"\",\"seq\":7,"
        "\"time\":\"2024-02-29T12:34:56.789012Z\"",
};

static void test_decode_rejects(void **state)
{
	static const char good[] =
	        "{\"actor\":42,\"data\":{},\"kind\":\"a\",\"object\":\"\",\"seq\":7,"
	        "\"time\":\"2024-02-29T12:34:56.789012Z\"}";
	struct ledger_decoded d;

	(void)state;
	/* the template the bad cases vary really is valid */
	assert_int_equal(decode_str(good), SK_OK);
	for (size_t i = 0; i < sizeof(not_entries) / sizeof(not_entries[0]); i++) {
		int rc = ledger_entry_decode(not_entries[i], strlen(not_entries[i]), &d);

		if (rc != SK_EINVAL)
			fail_msg("case %zu: got %d for %s", i, rc, not_entries[i]);
		assert_null(d.root);
	}
	/* a length that cuts the bytes short, or includes a trailing NUL */
	assert_int_equal(ledger_entry_decode(good, sizeof(good) - 2, &d), SK_EINVAL);
	assert_int_equal(ledger_entry_decode(good, sizeof(good), &d), SK_EINVAL);
	assert_null(d.root);
}

/* data deeper than the limit is refused even when the rest is canonical. */
static void test_decode_depth(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 4096);
	for (int depth = 32; depth <= 33; depth++) {
		buf_reset(&b);
		buf_puts(&b, "{\"actor\":1,\"data\":");
		for (int i = 1; i < depth; i++)
			buf_puts(&b, "{\"k\":");
		buf_puts(&b, "{}");
		for (int i = 1; i < depth; i++)
			buf_puts(&b, "}");
		buf_puts(&b, ",\"kind\":\"a\",\"object\":\"\",\"seq\":1,"
		             "\"time\":\"1970-01-01T00:00:00.000000Z\"}");
		assert_int_equal(decode_str(b.ptr), depth == 32 ? SK_OK : SK_EINVAL);
	}
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_known_bytes),       cmocka_unit_test(test_round_trip),
	        cmocka_unit_test(test_kind_object_rules), cmocka_unit_test(test_encode_rejects),
	        cmocka_unit_test(test_decode_rejects),    cmocka_unit_test(test_decode_depth),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
