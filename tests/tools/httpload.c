/*
 * Test tool: writes through a running 'skydd serve' over plain HTTP on
 * loopback from several keep-alive connections, so a test can stop (SIGTERM)
 * or kill (SIGKILL) the server at any moment and compare what the ledger
 * holds with what the clients were told.
 *
 * Each write is POST /api/v1/persons {"name":NONCE}. For each request sent it
 * prints "ans STATUS NONCE" when a complete response came back and
 * "noans NONCE" when the connection closed before one did. A connection is
 * reopened after "Connection: close" or a close; a thread ends when the
 * server refuses connections, or after SECONDS. With THINK_MS, a connection
 * pauses a random 0..THINK_MS ms between requests, as people do: idle
 * keep-alive connections are then the rule, not the exception.
 * Usage: httpload PORT TOKEN CONNS SECONDS PREFIX [THINK_MS]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "util/util.h"

#define RESP_MAX      (64 * 1024)
#define MAX_CONNS     64
#define CONNECT_TRIES 50 /* transient connect failures (backlog full) before giving up */

static unsigned short port;
static const char *token;
static const char *prefix;
static long think_ms;
static time_t until;
static pthread_mutex_t out_mu = PTHREAD_MUTEX_INITIALIZER;

/* "ans STATUS NONCE", or "noans NONCE" when status is 0. */
static void say(const char *nonce, int status)
{
	pthread_mutex_lock(&out_mu);
	if (status > 0)
		printf("ans %d %s\n", status, nonce);
	else
		printf("noans %s\n", nonce);
	fflush(stdout);
	pthread_mutex_unlock(&out_mu);
}

/* A connected socket, -1 when the server refuses (it has stopped). */
static int dial(void)
{
	struct sockaddr_in sa;
	struct timespec pause = {0, 10 * 1000 * 1000};
	int tries;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (tries = 0; tries < CONNECT_TRIES && time(NULL) < until; tries++) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (fd < 0)
			return -1;
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			return fd;
		close(fd);
		if (errno == ECONNREFUSED)
			return -1;
		nanosleep(&pause, NULL);
	}
	return -1;
}

/* The value of a header (case-insensitive) in the head, or NULL. */
static const char *header(const char *head, const char *name)
{
	size_t n = strlen(name);
	const char *p = strstr(head, "\r\n");

	while (p && p[2] != '\r') {
		p += 2;
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			p += n + 1;
			while (*p == ' ')
				p++;
			return p;
		}
		p = strstr(p, "\r\n");
	}
	return NULL;
}

/*
 * Reads one response: its status, and whether the server closes after it.
 * Returns false when the connection ended before a complete response.
 */
static bool read_response(int fd, char *buf, int *status, bool *closes)
{
	size_t got = 0, head_len = 0, body_len = 0;
	const char *end = NULL, *v;

	for (;;) {
		ssize_t r;

		if (end && got >= head_len + body_len)
			return true;
		if (got >= RESP_MAX - 1)
			return false;
		r = recv(fd, buf + got, RESP_MAX - 1 - got, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		got += (size_t)r;
		buf[got] = '\0';
		if (!end && (end = strstr(buf, "\r\n\r\n")) != NULL) {
			head_len = (size_t)(end - buf) + 4;
			if (sscanf(buf, "HTTP/1.%*d %d", status) != 1)
				return false;
			v = header(buf, "Content-Length");
			body_len = v ? strtoul(v, NULL, 10) : 0;
			v = header(buf, "Connection");
			*closes = v && strncasecmp(v, "close", 5) == 0;
		}
	}
}

static void *run(void *arg)
{
	long id = (long)(intptr_t)arg;
	char *buf = malloc(RESP_MAX);
	char nonce[96], body[160], req[1024];
	int fd = -1;

	if (!buf)
		return NULL;
	for (long i = 0; time(NULL) < until; i++) {
		int status = 0, n;
		bool closes = false;

		if (think_ms > 0) {
			long ms = rand() % (think_ms + 1);
			struct timespec pause = {ms / 1000, (ms % 1000) * 1000 * 1000};

			nanosleep(&pause, NULL);
		}
		if (fd < 0 && (fd = dial()) < 0)
			break;
		snprintf(nonce, sizeof(nonce), "%s-%ld-%ld-%08x", prefix, id, i, (unsigned)rand());
		n = snprintf(body, sizeof(body), "{\"name\":\"%s\"}", nonce);
		snprintf(req, sizeof(req),
		         "POST /api/v1/persons HTTP/1.1\r\nHost: 127.0.0.1\r\n"
		         "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
		         "Content-Length: %d\r\n\r\n%s",
		         token, n, body);
		if (!sk_write_all(fd, req, strlen(req)) ||
		    !read_response(fd, buf, &status, &closes)) {
			say(nonce, 0);
			close(fd);
			fd = -1;
			continue;
		}
		say(nonce, status);
		if (closes) {
			close(fd);
			fd = -1;
		}
	}
	if (fd >= 0)
		close(fd);
	free(buf);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t th[MAX_CONNS];
	long conns, secs, p;

	if (argc != 6 && argc != 7) {
		fputs("usage: httpload PORT TOKEN CONNS SECONDS PREFIX [THINK_MS]\n", stderr);
		return 2;
	}
	think_ms = argc == 7 ? strtol(argv[6], NULL, 10) : 0;
	p = strtol(argv[1], NULL, 10);
	conns = strtol(argv[3], NULL, 10);
	secs = strtol(argv[4], NULL, 10);
	if (p < 1 || p > 65535 || conns < 1 || conns > MAX_CONNS || secs < 1 || secs > 600 ||
	    think_ms < 0 || think_ms > 10000)
		return 2;
	port = (unsigned short)p;
	token = argv[2];
	prefix = argv[5];
	until = time(NULL) + secs;
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	/* a server that closes a connection is an answer to count (EPIPE), not our end */
	signal(SIGPIPE, SIG_IGN);
	for (long i = 0; i < conns; i++)
		pthread_create(&th[i], NULL, run, (void *)(intptr_t)i);
	for (long i = 0; i < conns; i++)
		pthread_join(th[i], NULL);
	return 0;
}
