/*
 * Signed notes against the Go implementation's vectors (byte-identical
 * signing, verification, every malformed note refused) and checkpoint bodies:
 * format, strict parse, open with the right and the wrong key.
 */
#include "testutil.h"

#include <sodium.h>

#include "ledger/ledger.h"

static json_t *vectors;

static int setup(void **state)
{
	char path[512];
	json_error_t jerr;

	(void)state;
	snprintf(path, sizeof(path), "%s/testdata/signed-note/vectors.json", test_shared_dir());
	vectors = json_load_file(path, 0, &jerr);
	if (!vectors) {
		print_error("%s: %s\n", path, jerr.text);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	json_decref(vectors);
	return 0;
}

static const char *vstr(const char *a, const char *b, const char *c)
{
	json_t *v = json_object_get(vectors, a);

	if (b)
		v = json_object_get(v, b);
	if (c)
		v = json_object_get(v, c);
	assert_true(json_is_string(v));
	return json_string_value(v);
}

static void parse_verifier(const char *who, struct ledger_verifier *v)
{
	const char *k = vstr("keys", who, "verifier_key");

	assert_int_equal(ledger_verifier_parse(k, strlen(k), v), SK_OK);
}

static void test_keys(void **state)
{
	struct ledger_verifier v;
	struct ledger_signer s;
	const char *sk = vstr("keys", "PeterNeumann", "signer_key");
	const char *vk = vstr("keys", "PeterNeumann", "verifier_key");
	char out[256];

	(void)state;
	parse_verifier("PeterNeumann", &v);
	assert_string_equal(v.name, "PeterNeumann");
	assert_int_equal(v.key_hash, 0xc74f20a3u);
	parse_verifier("EnochRoot", &v);
	assert_int_equal(v.key_hash, 0xaf0cfe78u);

	assert_int_equal(ledger_signer_parse(sk, strlen(sk), &s), SK_OK);
	assert_string_equal(s.name, "PeterNeumann");
	assert_int_equal(s.key_hash, 0xc74f20a3u);
	assert_int_equal(ledger_signer_vkey(&s, out, sizeof(out)), SK_OK);
	assert_string_equal(out, vk);
	assert_int_equal(ledger_signer_vkey(&s, out, 20), SK_ETOOBIG);
	ledger_signer_wipe(&s);
	assert_int_equal(s.key_hash, 0);
	ledger_signer_wipe(NULL);
}

static void test_bad_keys(void **state)
{
	static const char *bad_v[] = {
	        "",
	        "PeterNeumann",
	        "PeterNeumann+c74f20a3",
	        "PeterNeumann+c74f20a3+",
	        "+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
	        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
	        "PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
	        "PeterNeumann+c74f20a3x+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
	        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T",
	        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW ",
	        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
	        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW+",
	};
	static const char *bad_s[] = {
	        "",
	        "PRIVATE+KEY+",
	        "PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
	        "PRIVATE+KEY+PeterNeumann+c74f20a4+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
	        "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDF",
	        "PRIVATE+KEY+PeterNeumann+c74f20a3+ZYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
	        "PRIVATE+KEY+Peter+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
	        "private+key+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
	};
	json_t *arr = json_object_get(vectors, "bad_verifier_keys"), *v;
	struct ledger_verifier ver;
	struct ledger_signer s;
	size_t i;
	unsigned count = 0;

	(void)state;
	assert_true(json_is_array(arr));
	json_array_foreach(arr, i, v)
	{
		const char *k = json_string_value(v);

		assert_int_equal(ledger_verifier_parse(k, strlen(k), &ver), SK_EINVAL);
		count++;
	}
	assert_true(count >= 2);
	for (i = 0; i < sizeof(bad_v) / sizeof(bad_v[0]); i++)
		assert_int_equal(ledger_verifier_parse(bad_v[i], strlen(bad_v[i]), &ver),
		                 SK_EINVAL);
	for (i = 0; i < sizeof(bad_s) / sizeof(bad_s[0]); i++) {
		assert_int_equal(ledger_signer_parse(bad_s[i], strlen(bad_s[i]), &s), SK_EINVAL);
		/* A refused key leaves nothing secret behind. */
		assert_int_equal(s.key_hash, 0);
	}
}

static void test_open_vectors(void **state)
{
	struct ledger_verifier peter, enoch, both[2];
	const char *text = vstr("note_text", NULL, NULL);
	const char *n1 = vstr("signed_by_peter", NULL, NULL);
	const char *n2 = vstr("signed_by_peter_and_enoch", NULL, NULL);
	size_t tl = 0;

	(void)state;
	parse_verifier("PeterNeumann", &peter);
	parse_verifier("EnochRoot", &enoch);
	both[0] = enoch;
	both[1] = peter;
	assert_int_equal(ledger_note_open(n1, strlen(n1), &peter, 1, &tl), SK_OK);
	assert_int_equal(tl, strlen(text));
	assert_memory_equal(n1, text, tl);
	tl = 0;
	assert_int_equal(ledger_note_open(n2, strlen(n2), &peter, 1, &tl), SK_OK);
	assert_int_equal(tl, strlen(text));
	assert_int_equal(ledger_note_open(n2, strlen(n2), &enoch, 1, NULL), SK_OK);
	assert_int_equal(ledger_note_open(n2, strlen(n2), both, 2, NULL), SK_OK);
	/* Signed only by a key we do not know: nothing verified. */
	assert_int_equal(ledger_note_open(n1, strlen(n1), &enoch, 1, NULL), SK_EVERIFY);
	assert_int_equal(ledger_note_open(n1, strlen(n1), NULL, 0, NULL), SK_EVERIFY);
	/* Same name, other hash (or the reverse) is another key: ignored. */
	peter.key_hash ^= 1;
	assert_int_equal(ledger_note_open(n1, strlen(n1), &peter, 1, NULL), SK_EVERIFY);
	peter.key_hash ^= 1;
	/* Known name and hash but another public key: a bad signature. */
	memcpy(peter.pk, enoch.pk, 32);
	assert_int_equal(ledger_note_open(n1, strlen(n1), &peter, 1, NULL), SK_EVERIFY);
}

static void test_sign_vectors(void **state)
{
	struct ledger_signer s;
	struct buf out;
	const char *sk = vstr("keys", "PeterNeumann", "signer_key");
	const char *text = vstr("note_text", NULL, NULL);
	const char *want = vstr("signed_by_peter", NULL, NULL);

	(void)state;
	assert_int_equal(ledger_signer_parse(sk, strlen(sk), &s), SK_OK);
	buf_init(&out, 1 << 16);
	assert_int_equal(ledger_note_sign(text, strlen(text), &s, &out), SK_OK);
	assert_int_equal(out.len, strlen(want));
	assert_memory_equal(out.ptr, want, out.len);

	/* Texts that are not notes are refused and leave the buffer alone. */
	buf_reset(&out);
	assert_int_equal(ledger_note_sign("", 0, &s, &out), SK_EINVAL);
	assert_int_equal(ledger_note_sign("no newline", 10, &s, &out), SK_EINVAL);
	assert_int_equal(ledger_note_sign("tab\there\n", 10, &s, &out), SK_EINVAL);
	assert_int_equal(ledger_note_sign("cr\r\n", 4, &s, &out), SK_EINVAL);
	assert_int_equal(ledger_note_sign("bad \xff utf8\n", 11, &s, &out), SK_EINVAL);
	assert_int_equal(ledger_note_sign("nul\0x\n", 6, &s, &out), SK_EINVAL);
	assert_int_equal(out.len, 0);

	/* A buffer too small for the note fails without keeping half of it. */
	{
		struct buf small;

		buf_init(&small, 64);
		assert_int_equal(buf_puts(&small, "kept"), SK_OK);
		assert_int_equal(ledger_note_sign(text, strlen(text), &s, &small), SK_ETOOBIG);
		assert_int_equal(small.len, 4);
		assert_string_equal(small.ptr, "kept");
		buf_release(&small);
	}
	ledger_signer_wipe(&s);
	buf_release(&out);
}

static void test_malformed(void **state)
{
	json_t *arr = json_object_get(vectors, "malformed"), *v;
	struct ledger_verifier peter;
	const char *bad = vstr("invalid_signature", "note", NULL);
	size_t i;
	unsigned count = 0;

	(void)state;
	parse_verifier("PeterNeumann", &peter);
	assert_true(json_is_array(arr));
	json_array_foreach(arr, i, v)
	{
		const char *note = json_string_value(json_object_get(v, "note"));
		int rc = ledger_note_open(note, strlen(note), &peter, 1, NULL);

		if (rc != SK_EINVAL)
			fail_msg("malformed note accepted or misjudged (%d): %s", rc,
			         json_string_value(json_object_get(v, "why")));
		count++;
	}
	assert_true(count >= 6);
	assert_int_equal(ledger_note_open(bad, strlen(bad), &peter, 1, NULL), SK_EVERIFY);
}

/* Hand-made bad notes around one good signature line. */
static void test_malformed_more(void **state)
{
	struct ledger_verifier peter;
	const char *good = vstr("signed_by_peter", NULL, NULL);
	const char *sep = strstr(good, "\n\n\xe2\x80\x94 ");
	const char *sigline;
	char note[2048];
	size_t tl;
	unsigned i;
	int n;

	(void)state;
	parse_verifier("PeterNeumann", &peter);
	assert_non_null(sep);
	sigline = sep + 2;

	/* A second, unknown signature is ignored; a hyphen instead of the em dash is not a line. */
	n = snprintf(note, sizeof(note), "%s\xe2\x80\x94 Other AAAAAAAA\n", good);
	assert_int_equal(ledger_note_open(note, (size_t)n, &peter, 1, NULL), SK_OK);
	n = snprintf(note, sizeof(note), "%s- Other AAAAAAAA\n", good);
	assert_int_equal(ledger_note_open(note, (size_t)n, &peter, 1, NULL), SK_EINVAL);
	/* Signature too short (under 5 bytes), empty, or not base64. */
	n = snprintf(note, sizeof(note), "%s\xe2\x80\x94 Other AAAAAA==\n", good);
	assert_int_equal(ledger_note_open(note, (size_t)n, &peter, 1, NULL), SK_EINVAL);
	n = snprintf(note, sizeof(note), "%s\xe2\x80\x94 Other \n", good);
	assert_int_equal(ledger_note_open(note, (size_t)n, &peter, 1, NULL), SK_EINVAL);
	n = snprintf(note, sizeof(note), "%s\xe2\x80\x94 Other AAAA*AAA\n", good);
	assert_int_equal(ledger_note_open(note, (size_t)n, &peter, 1, NULL), SK_EINVAL);
	n = snprintf(note, sizeof(note), "%s\xe2\x80\x94 Oth+er AAAAAAAA\n", good);
	assert_int_equal(ledger_note_open(note, (size_t)n, &peter, 1, NULL), SK_EINVAL);
	n = snprintf(note, sizeof(note), "%s\xe2\x80\x94 \xc2\xa0 AAAAAAAA\n", good);
	assert_int_equal(ledger_note_open(note, (size_t)n, &peter, 1, NULL), SK_EINVAL);
	n = snprintf(note, sizeof(note), "%s\xe2\x80\x94  AAAAAAAA\n", good);
	assert_int_equal(ledger_note_open(note, (size_t)n, &peter, 1, NULL), SK_EINVAL);
	/* Peter's signature with one base64 character replaced by a non-ASCII "/" lookalike. */
	{
		char *slash;

		n = snprintf(note, sizeof(note), "%s", good);
		slash = strchr(strstr(note, "PeterNeumann "), '/');
		assert_non_null(slash);
		memmove(slash + 2, slash + 1, strlen(slash + 1) + 1);
		slash[0] = '\xc2';
		slash[1] = '\xbf';
		assert_int_equal(ledger_note_open(note, (size_t)n + 1, &peter, 1, NULL), SK_EINVAL);
	}
	/* The same good signature twice still verifies; a bad second one by Peter does not. */
	n = snprintf(note, sizeof(note), "%s%s", good, sigline);
	assert_int_equal(ledger_note_open(note, (size_t)n, &peter, 1, NULL), SK_OK);
	n = snprintf(note, sizeof(note), "%s%s", good, sigline);
	note[n - 3] = note[n - 3] == 'A' ? 'B' : 'A';
	assert_int_equal(ledger_note_open(note, (size_t)n, &peter, 1, NULL), SK_EVERIFY);
	/* Text with a blank line inside: the last blank line separates, so this still verifies. */
	{
		struct ledger_signer s;
		struct buf out;
		const char *sk = vstr("keys", "PeterNeumann", "signer_key");
		const char *text = "one\n\ntwo\n";

		assert_int_equal(ledger_signer_parse(sk, strlen(sk), &s), SK_OK);
		buf_init(&out, 4096);
		assert_int_equal(ledger_note_sign(text, strlen(text), &s, &out), SK_OK);
		tl = 0;
		assert_int_equal(ledger_note_open(out.ptr, out.len, &peter, 1, &tl), SK_OK);
		assert_int_equal(tl, strlen(text));
		/* Any change to the text breaks the signature. */
		out.ptr[0] = 'O';
		assert_int_equal(ledger_note_open(out.ptr, out.len, &peter, 1, NULL), SK_EVERIFY);
		buf_release(&out);
		ledger_signer_wipe(&s);
	}
	/* More than 100 signature lines is refused before any more work. */
	{
		struct buf many;

		buf_init(&many, 1 << 20);
		buf_puts(&many, good);
		for (i = 0; i < 100; i++)
			buf_printf(&many, "\xe2\x80\x94 Other%u AAAAAAAA\n", i);
		assert_int_equal(many.err, SK_OK);
		assert_int_equal(ledger_note_open(many.ptr, many.len, &peter, 1, NULL), SK_EINVAL);
		buf_release(&many);
	}
	assert_int_equal(ledger_note_open("", 0, &peter, 1, NULL), SK_EINVAL);
	assert_int_equal(ledger_note_open("\n\n", 2, &peter, 1, NULL), SK_EINVAL);
}

static void test_keygen(void **state)
{
	char skey[256], vkey[256], big[LEDGER_NOTE_NAME_MAX + 2];
	struct ledger_signer s;
	struct ledger_verifier v;
	struct buf out;
	const char *text = "skydd.example/log\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n";
	char again[256];

	(void)state;
	assert_int_equal(
	        ledger_note_keygen("skydd.example/log", skey, sizeof(skey), vkey, sizeof(vkey)),
	        SK_OK);
	assert_true(strncmp(skey, "PRIVATE+KEY+skydd.example/log+", 30) == 0);
	assert_int_equal(ledger_signer_parse(skey, strlen(skey), &s), SK_OK);
	assert_int_equal(ledger_verifier_parse(vkey, strlen(vkey), &v), SK_OK);
	assert_int_equal(s.key_hash, v.key_hash);
	assert_int_equal(ledger_signer_vkey(&s, again, sizeof(again)), SK_OK);
	assert_string_equal(again, vkey);
	buf_init(&out, 4096);
	assert_int_equal(ledger_note_sign(text, strlen(text), &s, &out), SK_OK);
	assert_int_equal(ledger_note_open(out.ptr, out.len, &v, 1, NULL), SK_OK);
	buf_release(&out);
	ledger_signer_wipe(&s);
	sodium_memzero(skey, sizeof(skey));

	assert_int_equal(ledger_note_keygen("bad name", skey, sizeof(skey), vkey, sizeof(vkey)),
	                 SK_EINVAL);
	assert_int_equal(ledger_note_keygen("a+b", skey, sizeof(skey), vkey, sizeof(vkey)),
	                 SK_EINVAL);
	assert_int_equal(ledger_note_keygen("", skey, sizeof(skey), vkey, sizeof(vkey)), SK_EINVAL);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(ledger_note_keygen(big, skey, sizeof(skey), vkey, sizeof(vkey)),
	                 SK_EINVAL);
	big[LEDGER_NOTE_NAME_MAX] = '\0';
	assert_int_equal(ledger_note_keygen(big, skey, sizeof(skey), vkey, sizeof(vkey)), SK_OK);
	assert_int_equal(ledger_note_keygen("x", skey, 10, vkey, sizeof(vkey)), SK_ETOOBIG);
}

/* ---- checkpoints ---- */

static void test_checkpoint_roundtrip(void **state)
{
	struct ledger_checkpoint c = {0}, back;
	struct buf b;
	unsigned i;

	(void)state;
	snprintf(c.origin, sizeof(c.origin), "skydd.example/log");
	c.size = 18446744073709551615ull;
	for (i = 0; i < LEDGER_HASH_LEN; i++)
		c.root[i] = (uint8_t)i;
	buf_init(&b, 4096);
	assert_int_equal(ledger_checkpoint_body(&c, &b), SK_OK);
	assert_string_equal(b.ptr, "skydd.example/log\n18446744073709551615\n"
	                           "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n");
	assert_int_equal(ledger_checkpoint_parse(b.ptr, b.len, &back), SK_OK);
	assert_int_equal(memcmp(&c, &back, sizeof(c)), 0);
	/* Extension lines are allowed and ignored. */
	buf_puts(&b, "ext one\nÅäö two\n");
	assert_int_equal(ledger_checkpoint_parse(b.ptr, b.len, &back), SK_OK);
	assert_int_equal(back.size, c.size);
	buf_reset(&b);
	c.size = 0;
	assert_int_equal(ledger_checkpoint_body(&c, &b), SK_OK);
	assert_int_equal(ledger_checkpoint_parse(b.ptr, b.len, &back), SK_OK);
	assert_int_equal(back.size, 0);
	snprintf(c.origin, sizeof(c.origin), "bad+origin");
	assert_int_equal(ledger_checkpoint_body(&c, &b), SK_EINVAL);
	buf_release(&b);

	assert_true(ledger_origin_valid("skydd.example/log"));
	assert_true(ledger_origin_valid("Skydd – Myndigheten"));
	assert_false(ledger_origin_valid(""));
	assert_false(ledger_origin_valid(" lead"));
	assert_false(ledger_origin_valid("a+b"));
	assert_false(ledger_origin_valid("tab\there"));
	assert_false(ledger_origin_valid("nl\n"));
	assert_false(ledger_origin_valid("bad\xc3("));
	assert_false(ledger_origin_valid(NULL));
	{
		char o[LEDGER_ORIGIN_MAX + 2];

		memset(o, 'o', sizeof(o) - 1);
		o[sizeof(o) - 1] = '\0';
		assert_false(ledger_origin_valid(o));
		o[LEDGER_ORIGIN_MAX] = '\0';
		assert_true(ledger_origin_valid(o));
	}
}

static void test_checkpoint_bad(void **state)
{
	static const char *const bad[] = {
	        "",
	        "origin\n",
	        "origin\n5\n",
	        "origin\n5\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
	        "\n5\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",
	        "origin\n\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",
	        "origin\n05\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",
	        "origin\n00\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",
	        "origin\n+5\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",
	        "origin\n-1\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",
	        "origin\n 5\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",
	        "origin\n5 \nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",
	        "origin\n0x5\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",
	        "origin\n18446744073709551616\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",
	        "origin\n99999999999999999999\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",
	        "origin\n100000000000000000000\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",
	        "origin\n5\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==\n",
	        "origin\n5\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gIQ==\n",
	        "origin\n5\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8\n",
	        "origin\n5\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh*=\n",
	        "origin\n5\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh9=\n",
	        "origin\n5\n\n",
	        "origin\n5\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n\n",
	        "origin\n5\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\next",
	        "origin\n5\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\nbad\tchar\n",
	        "ori+gin\n5\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",
	        " origin\n5\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",
	        "origin\r\n5\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",
	        /* libsodium 1.0.18 reads bytes >= 0x80 as '/': found by fuzz_checkpoint. */
	        "origin\n5\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdH\x95\x92==\n",
	        "origin\n5\n47DEQpj8HBSa+/TImW+5JCeuQeR\x95\x92\xca\xb1MpJWZG3hSuFU=\n",
	};
	struct ledger_checkpoint c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (ledger_checkpoint_parse(bad[i], strlen(bad[i]), &c) != SK_EINVAL)
			fail_msg("bad checkpoint %zu accepted: %s", i, bad[i]);
	}
	{
		const char *ok = "origin\n0\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n";

		assert_int_equal(ledger_checkpoint_parse(ok, strlen(ok), &c), SK_OK);
	}
	assert_int_equal(c.size, 0);
}

static void test_checkpoint_open(void **state)
{
	char skey[256], vkey[256], skey2[256], vkey2[256];
	struct ledger_checkpoint c = {0}, back;
	struct ledger_signer s;
	struct ledger_verifier v, other;
	struct buf body, note;

	(void)state;
	assert_int_equal(
	        ledger_note_keygen("skydd.example/log", skey, sizeof(skey), vkey, sizeof(vkey)),
	        SK_OK);
	assert_int_equal(
	        ledger_note_keygen("skydd.example/log", skey2, sizeof(skey2), vkey2, sizeof(vkey2)),
	        SK_OK);
	assert_int_equal(ledger_signer_parse(skey, strlen(skey), &s), SK_OK);
	assert_int_equal(ledger_verifier_parse(vkey, strlen(vkey), &v), SK_OK);
	assert_int_equal(ledger_verifier_parse(vkey2, strlen(vkey2), &other), SK_OK);
	snprintf(c.origin, sizeof(c.origin), "skydd.example/log");
	c.size = 1234;
	ledger_empty_root(c.root);
	buf_init(&body, 4096);
	buf_init(&note, 4096);
	assert_int_equal(ledger_checkpoint_body(&c, &body), SK_OK);
	assert_int_equal(ledger_note_sign(body.ptr, body.len, &s, &note), SK_OK);
	assert_int_equal(ledger_checkpoint_open(note.ptr, note.len, &v, &back), SK_OK);
	assert_int_equal(memcmp(&c, &back, sizeof(c)), 0);
	assert_int_equal(ledger_checkpoint_open(note.ptr, note.len, &other, &back), SK_EVERIFY);
	/* A signed note whose text is not a checkpoint. */
	buf_reset(&note);
	assert_int_equal(ledger_note_sign("hello\n", 6, &s, &note), SK_OK);
	assert_int_equal(ledger_checkpoint_open(note.ptr, note.len, &v, &back), SK_EINVAL);
	assert_int_equal(ledger_checkpoint_open("x", 1, &v, &back), SK_EINVAL);
	buf_release(&body);
	buf_release(&note);
	ledger_signer_wipe(&s);
	sodium_memzero(skey, sizeof(skey));
	sodium_memzero(skey2, sizeof(skey2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_keys),           cmocka_unit_test(test_bad_keys),
	        cmocka_unit_test(test_open_vectors),   cmocka_unit_test(test_sign_vectors),
	        cmocka_unit_test(test_malformed),      cmocka_unit_test(test_malformed_more),
	        cmocka_unit_test(test_keygen),         cmocka_unit_test(test_checkpoint_roundtrip),
	        cmocka_unit_test(test_checkpoint_bad), cmocka_unit_test(test_checkpoint_open),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, setup, teardown);
}
