/*
 * Test tool: appends entries through the writer from several threads and
 * prints "ack SEQ NONCE" for each acknowledged one, so a test can SIGKILL it
 * at any moment and check that every acknowledged entry survived.
 * Usage: loadgen DIR [THREADS [COUNT_PER_THREAD]]
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"

static struct store *st;
static long per_thread = 1000000;
static pthread_mutex_t out_mu = PTHREAD_MUTEX_INITIALIZER;

static void *run(void *arg)
{
	long id = (long)(intptr_t)arg;
	char nonce[64];

	for (long i = 0; i < per_thread; i++) {
		json_t *d;
		uint64_t seq = 0;
		int rc;

		snprintf(nonce, sizeof(nonce), "t%ld-%ld-%08x", id, i, (unsigned)rand());
		d = json_pack("{s:s, s:s, s:i}", "nonce", nonce, "pad",
		              "Säkerhetsskyddsanalys, exemplar, kvittens, inventering", "i",
		              (int)i);
		rc = store_append(st, 1, "test.load", "load/1", d, &seq);
		json_decref(d);
		if (rc) {
			fprintf(stderr, "loadgen: append failed: %s\n", sk_strerror(rc));
			exit(1);
		}
		pthread_mutex_lock(&out_mu);
		printf("ack %llu %s\n", (unsigned long long)seq, nonce);
		fflush(stdout);
		pthread_mutex_unlock(&out_mu);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t th[64];
	long threads = 4;
	int rc;

	if (argc < 2 || argc > 4) {
		fputs("usage: loadgen DIR [THREADS [COUNT_PER_THREAD]]\n", stderr);
		return 2;
	}
	if (argc > 2)
		threads = strtol(argv[2], NULL, 10);
	if (argc > 3)
		per_thread = strtol(argv[3], NULL, 10);
	if (threads < 1 || threads > 64 || per_thread < 1)
		return 2;
	srand((unsigned)sk_now_us());
	rc = store_open(argv[1], &(struct store_opts){.checkpoint_ms = 50}, &st);
	if (rc) {
		fprintf(stderr, "loadgen: cannot open %s: %s\n", argv[1], sk_strerror(rc));
		return 1;
	}
	for (long i = 0; i < threads; i++)
		pthread_create(&th[i], NULL, run, (void *)(intptr_t)i);
	for (long i = 0; i < threads; i++)
		pthread_join(th[i], NULL);
	store_close(st);
	return 0;
}
