/*
 * libFuzzer target for the strict JSON parser and the canonical writer:
 * whatever parses must canonicalise, and canonical output must be a fixed
 * point (parse + canonicalise gives the same bytes). Also feeds the entry decoder.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/ledger.h"
#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_DEPTH 33

static void check_idempotent(const char *text, size_t len)
{
	struct buf first, second;
	json_t *v = NULL, *again = NULL;
	int rc;

	buf_init(&first, 1 << 22);
	buf_init(&second, 1 << 22);
	v = sk_json_parse(text, len, FUZZ_DEPTH, NULL, 0, NULL, 0);
	if (!v)
		goto out;
	/* Parse accepts only what the profile allows, so canonicalising cannot fail. */
	rc = sk_json_canonical(v, &first);
	if (rc != SK_OK) {
		fprintf(stderr, "canonical failed: %d\n", rc);
		abort();
	}
	again = sk_json_parse(first.ptr, first.len, FUZZ_DEPTH, NULL, 0, NULL, 0);
	if (!again || !json_equal(v, again)) {
		fprintf(stderr, "canonical output does not parse back to the same value\n");
		abort();
	}
	if (sk_json_canonical(again, &second) != SK_OK || first.len != second.len ||
	    memcmp(first.ptr, second.ptr, first.len) != 0) {
		fprintf(stderr, "canonical form is not a fixed point\n");
		abort();
	}
out:
	json_decref(again);
	json_decref(v);
	buf_release(&first);
	buf_release(&second);
}

/* A decoded entry must re-encode to exactly the input. */
static void check_entry(const char *text, size_t len)
{
	struct ledger_decoded d;
	struct buf b;

	buf_init(&b, len + 1);
	if (ledger_entry_decode(text, len, &d) == SK_OK) {
		if (ledger_entry_encode(&d.e, &b) != SK_OK || b.len != len ||
		    memcmp(b.ptr, text, len) != 0) {
			fprintf(stderr, "decoded entry does not re-encode to its bytes\n");
			abort();
		}
	}
	ledger_decoded_release(&d);
	buf_release(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;

	(void)sk_utf8_valid(text, size);
	check_idempotent(text, size);
	check_entry(text, size);
	return 0;
}
