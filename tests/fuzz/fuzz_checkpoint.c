/*
 * libFuzzer target for checkpoint bodies: a parsed body formats back to
 * exactly the bytes it came from (parsing is canonical), and opening a
 * signed checkpoint never crashes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "ledger/ledger.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char fuzz_vkey[] =
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ledger_verifier v;
	static int ready;
	const char *text = (const char *)data;
	struct ledger_checkpoint c;
	struct buf b;
	int rc;

	if (!ready) {
		if (sodium_init() < 0 ||
		    ledger_verifier_parse(fuzz_vkey, strlen(fuzz_vkey), &v) != SK_OK)
			abort();
		ready = 1;
	}
	rc = ledger_checkpoint_parse(text, size, &c);
	if (rc != SK_OK && rc != SK_EINVAL)
		abort();
	if (rc == SK_OK) {
		if (!ledger_origin_valid(c.origin))
			abort();
		buf_init(&b, 1 << 16);
		/* Extension lines follow the body, so the body is a prefix of the input. */
		if (ledger_checkpoint_body(&c, &b) != SK_OK || b.len > size ||
		    memcmp(b.ptr, text, b.len) != 0)
			abort();
		buf_release(&b);
	}
	rc = ledger_checkpoint_open(text, size, &v, &c);
	if (rc != SK_OK && rc != SK_EINVAL && rc != SK_EVERIFY)
		abort();
	return 0;
}
