/* Whole writes to a file descriptor: a file, a terminal or a socket. */
#include <errno.h>
#include <unistd.h>

#include "util.h"

bool sk_write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}
