/*
 * libFuzzer target for the checkpoints.log reader (store_cplog_scan_stream):
 * it never crashes, and what it accepts it reports consistently. Every note
 * it hands over is the input's own bytes at the offset it names, in order,
 * with only blank lines between them; a torn tail runs to the end of the
 * input; with no torn tail only blank lines follow the last note. A strict
 * scan (signatures checked) accepts no more than a lazy one, and then the
 * same notes. Seeds in tests/fuzz/corpus/cplog are signed by fuzz_vkey.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "ledger/ledger.h"
#include "store/store_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char fuzz_origin[] = "fuzz.example/cplog";
static const char fuzz_vkey[] =
        "fuzz.example/cplog+d81123d5+AeNIQIC/K5o8nC9ubuRUVqjXkiC6fpgTPHqNrrnYt3zk";

#define MAX_SEEN 64

struct seen {
	const uint8_t *in;
	size_t size;
	int lazy;
	uint64_t n;        /* notes handed over */
	uint64_t end;      /* where the last one ends */
	uint64_t max_size; /* the largest tree size among them */
	uint64_t off[MAX_SEEN];
};

/* Are in[from, to) all newlines? */
static int only_newlines(const uint8_t *in, uint64_t from, uint64_t to)
{
	for (uint64_t i = from; i < to; i++)
		if (in[i] != '\n')
			return 0;
	return 1;
}

static int on_note(void *ctx, uint64_t off, const struct ledger_checkpoint *cp, const char *note,
                   size_t len)
{
	struct seen *s = ctx;
	const char *blank;

	/* The note is the input's bytes at off, after the previous one and blank lines only. */
	if (off < s->end || off > s->size || len > s->size - off || len == 0 ||
	    memcmp(note, s->in + off, len) != 0 || !only_newlines(s->in, s->end, off))
		abort();
	/* A body, a blank line, signature lines; complete lines only. */
	blank = memmem(note, len, "\n\n", 2);
	if (!blank || note[len - 1] != '\n' || (size_t)(note + len - (blank + 2)) < 4 ||
	    memcmp(blank + 2, "\xe2\x80\x94 ", 4) != 0)
		abort();
	/* Lazily only the body is parsed: another origin is for the signature check to refuse. */
	if (!ledger_origin_valid(cp->origin) || (!s->lazy && strcmp(cp->origin, fuzz_origin) != 0))
		abort();
	if (s->n < MAX_SEEN)
		s->off[s->n] = off;
	if (s->n == 0 || cp->size > s->max_size)
		s->max_size = cp->size;
	s->n++;
	s->end = off + len;
	return SK_OK;
}

/* One scan of the input; checks what holds whatever the outcome. */
static int scan(const uint8_t *data, size_t size, const struct ledger_verifier *v, int lazy,
                struct seen *s, struct store_cplog_result *res)
{
	/* fmemopen wants a size > 0: an empty input is read from /dev/null. */
	FILE *f = size ? fmemopen((void *)(uintptr_t)data, size, "rb") : fopen("/dev/null", "rb");
	int rc;

	if (!f)
		abort();
	memset(s, 0, sizeof(*s));
	s->in = data;
	s->size = size;
	s->lazy = lazy;
	rc = store_cplog_scan_stream(f, v, fuzz_origin, lazy, on_note, s, res);
	fclose(f);
	if (rc != SK_OK && rc != SK_EVERIFY)
		abort();
	if (rc == SK_EVERIFY) {
		if (!res->why[0] || res->bad_off > size)
			abort();
		return rc;
	}
	if (res->notes != s->n || (s->n && res->max_size != s->max_size))
		abort();
	if (res->torn) {
		/* The torn tail is the rest of the input, after the notes and blank lines. */
		if (res->torn_off < s->end || res->torn_off + res->torn != size ||
		    !only_newlines(data, s->end, res->torn_off) || res->torn > STORE_CPLOG_NOTE_MAX)
			abort();
	} else if (!only_newlines(data, s->end, size)) {
		abort();
	}
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ledger_verifier v;
	static int ready;
	struct store_cplog_result lazy_res, strict_res;
	static struct seen lazy, strict;
	int lazy_rc, strict_rc;

	if (!ready) {
		if (sodium_init() < 0 ||
		    ledger_verifier_parse(fuzz_vkey, strlen(fuzz_vkey), &v) != SK_OK)
			abort();
		ready = 1;
	}
	lazy_rc = scan(data, size, &v, 1, &lazy, &lazy_res);
	strict_rc = scan(data, size, &v, 0, &strict, &strict_res);
	/* Checking signatures can only refuse more, never accept other notes. */
	if (strict_rc == SK_OK) {
		if (lazy_rc != SK_OK || lazy_res.notes != strict_res.notes ||
		    lazy_res.torn != strict_res.torn || lazy_res.torn_off != strict_res.torn_off)
			abort();
		for (uint64_t i = 0; i < strict.n && i < MAX_SEEN; i++)
			if (lazy.off[i] != strict.off[i])
				abort();
	}
	return 0;
}
