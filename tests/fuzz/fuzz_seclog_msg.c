/*
 * libFuzzer target for the seclog message decoder: anything it accepts
 * encodes back to exactly the same bytes (one message, one leaf), and
 * nothing crashes it or makes it read outside the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "seclog/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seclog_msg m;
	struct buf b;
	int rc = seclog_msg_decode(data, size, &m);

	if (rc != SK_OK && rc != SK_EINVAL)
		abort();
	if (rc != SK_OK)
		return 0;
	buf_init(&b, 1 << 20);
	if (seclog_msg_encode(&m, &b, NULL) != SK_OK || b.len != size ||
	    memcmp(b.ptr, data, size) != 0)
		abort();
	buf_release(&b);
	return 0;
}
