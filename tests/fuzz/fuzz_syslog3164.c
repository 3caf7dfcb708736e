/*
 * libFuzzer target for the RFC 3164 parser (seclog/parse.h). The first two
 * bytes choose the caller's year and UTC offset (sometimes out of range, so
 * that refusal is reached too); the rest is the message.
 */
#include "syslog_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seclog_parsed m;
	const char *in;
	int year, off, rc;

	if (size < 2)
		return 0;
	year = 1960 + data[0] * 40;
	off = ((int)data[1] - 128) * 12;
	in = (const char *)data + 2;
	size -= 2;
	rc = seclog_parse_3164(in, size, year, off, &m);
	check_result(in, size, rc, &m);
	if (rc == SECLOG_OK &&
	    (!m.legacy || !m.has_time || m.timestamp.n != 15 || m.hostname.n == 0))
		abort();
	rc = seclog_parse(in, size, true, year, off, &m);
	check_result(in, size, rc, &m);
	return 0;
}
