/*
 * libFuzzer target for signed notes: key parsing and note opening must never
 * crash, and any text the signer accepts must open again to the same text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "ledger/ledger.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The Go vectors' test key (c2sp signed-note examples), not a secret of ours. */
static const char fuzz_skey[] =
        "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
static const char fuzz_vkey[] =
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
static const char fuzz_vkey2[] = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ledger_signer signer;
	static struct ledger_verifier known[2];
	static int ready;
	const char *text = (const char *)data;
	struct ledger_verifier v;
	struct ledger_signer s;
	struct buf out;
	size_t tl = 0;
	int rc;

	if (!ready) {
		if (sodium_init() < 0 ||
		    ledger_signer_parse(fuzz_skey, strlen(fuzz_skey), &signer) != SK_OK ||
		    ledger_verifier_parse(fuzz_vkey, strlen(fuzz_vkey), &known[0]) != SK_OK ||
		    ledger_verifier_parse(fuzz_vkey2, strlen(fuzz_vkey2), &known[1]) != SK_OK)
			abort();
		ready = 1;
	}

	/* Keys: parse or refuse, and a parsed signer reproduces a parsable verifier key. */
	if (ledger_verifier_parse(text, size, &v) == SK_OK && v.name[0] == '\0')
		abort();
	if (ledger_signer_parse(text, size, &s) == SK_OK) {
		char vk[256];
		struct ledger_verifier back;

		if (ledger_signer_vkey(&s, vk, sizeof(vk)) != SK_OK ||
		    ledger_verifier_parse(vk, strlen(vk), &back) != SK_OK ||
		    back.key_hash != s.key_hash)
			abort();
	}
	ledger_signer_wipe(&s);

	/* Opening: only the documented results, and a text that is a prefix of the note. */
	rc = ledger_note_open(text, size, known, 2, &tl);
	if (rc != SK_OK && rc != SK_EINVAL && rc != SK_EVERIFY)
		abort();
	if (rc == SK_OK && (tl == 0 || tl >= size || text[tl - 1] != '\n'))
		abort();

	/* Whatever the signer accepts opens again, to exactly that text. */
	buf_init(&out, 1 << 20);
	if (ledger_note_sign(text, size, &signer, &out) == SK_OK) {
		tl = 0;
		if (ledger_note_open(out.ptr, out.len, known, 2, &tl) != SK_OK || tl != size ||
		    memcmp(out.ptr, text, size) != 0)
			abort();
	}
	buf_release(&out);
	return 0;
}
