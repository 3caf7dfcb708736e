/*
 * libFuzzer target for the RFC 5424 parser (seclog/parse.h): whatever the
 * bytes, it stays inside them and either refuses with a named code and an
 * offset within the input, or returns fields that hold their limits.
 */
#include "syslog_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	struct seclog_parsed m;
	int rc = seclog_parse_5424(in, size, &m);

	check_result(in, size, rc, &m);
	/* The dispatcher must agree whenever it picks RFC 5424. */
	rc = seclog_parse(in, size, false, 2026, 0, &m);
	check_result(in, size, rc, &m);
	if (rc == SECLOG_OK && m.format != SECLOG_FMT_RFC5424)
		abort();
	return 0;
}
