/*
 * libFuzzer target for proofs. The input picks a tree (size and leaves),
 * positions, and edits to the generated proofs. Generated proofs must verify
 * in O(log n) reads; an edited proof that still verifies for the true
 * statement must be the generated one; arbitrary claims must not crash.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/ledger.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define H               LEDGER_HASH_LEN
#define FUZZ_MAX_LEAVES 2048

struct fuzz_in {
	const uint8_t *p;
	size_t len;
};

/* Reads n bytes as a little-endian number; missing bytes read as zero. */
static uint64_t fuzz_take(struct fuzz_in *in, unsigned n)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < n && in->len > 0; i++) {
		v |= (uint64_t)in->p[0] << (8 * i);
		in->p++;
		in->len--;
	}
	return v;
}

/* Every node of the tree, level by level: small trees, so plain arrays do. */
struct fuzz_tree {
	uint8_t (*level[12])[H];
	uint64_t size;
	uint64_t limit;
	unsigned reads;
};

static int fuzz_emit(void *ctx, unsigned level, uint64_t index, const uint8_t hash[H])
{
	struct fuzz_tree *t = ctx;

	if (level >= 12 || index >= (FUZZ_MAX_LEAVES >> level))
		abort();
	memcpy(t->level[level][index], hash, H);
	return SK_OK;
}

static int fuzz_read(void *ctx, unsigned level, uint64_t index, uint8_t out[H])
{
	struct fuzz_tree *t = ctx;

	t->reads++;
	/* Proofs may only read nodes complete in the tree they are about. */
	if (level >= 12 || index >= (t->limit >> level))
		abort();
	memcpy(out, t->level[level][index], H);
	return SK_OK;
}

/* Flips, truncates or extends a proof as the input says; returns the new length. */
static size_t fuzz_edit(struct fuzz_in *in, uint8_t (*proof)[H], size_t n)
{
	unsigned op = (unsigned)fuzz_take(in, 1) % 4;
	size_t at = n ? (size_t)fuzz_take(in, 1) % n : 0;

	switch (op) {
	case 0:
		if (n)
			proof[at][fuzz_take(in, 1) % H] ^= (uint8_t)(1u | fuzz_take(in, 1));
		break;
	case 1:
		return n ? n - 1 : 0;
	case 2:
		if (n < LEDGER_MAX_PROOF) {
			memcpy(proof[n], proof[at], H);
			return n + 1;
		}
		break;
	default:
		if (n >= 2) {
			uint8_t tmp[H];

			memcpy(tmp, proof[at], H);
			memcpy(proof[at], proof[(at + 1) % n], H);
			memcpy(proof[(at + 1) % n], tmp, H);
		}
		break;
	}
	return n;
}

static void fuzz_inclusion(struct fuzz_in *in, struct fuzz_tree *t, const uint8_t root[H])
{
	uint8_t proof[LEDGER_MAX_PROOF][H], edited[LEDGER_MAX_PROOF][H];
	uint64_t index = fuzz_take(in, 2) % t->size;
	size_t n = 0, en;

	t->reads = 0;
	t->limit = t->size;
	if (ledger_prove_inclusion(index, t->size, fuzz_read, t, proof, &n) != SK_OK ||
	    t->reads > 2 * 64)
		abort();
	if (ledger_verify_inclusion(index, t->size, t->level[0][index], (const uint8_t(*)[H])proof,
	                            n, root) != SK_OK)
		abort();
	memcpy(edited, proof, sizeof(proof));
	en = fuzz_edit(in, edited, n);
	/* Only the generated proof can verify the true statement. */
	if (ledger_verify_inclusion(index, t->size, t->level[0][index], (const uint8_t(*)[H])edited,
	                            en, root) == SK_OK &&
	    (en != n || memcmp(edited, proof, n * H) != 0))
		abort();
	/* Other claims with the same proof: must not crash, either answer is possible. */
	(void)ledger_verify_inclusion(fuzz_take(in, 8), fuzz_take(in, 8), t->level[0][index],
	                              (const uint8_t(*)[H])edited, en, root);
}

static void fuzz_consistency(struct fuzz_in *in, struct fuzz_tree *t, const uint8_t root2[H])
{
	uint8_t proof[LEDGER_MAX_PROOF][H], edited[LEDGER_MAX_PROOF][H], root1[H];
	uint64_t size1 = 1 + fuzz_take(in, 2) % t->size;
	size_t n = 0, en;

	t->limit = size1;
	if (ledger_root_at(size1, fuzz_read, t, root1) != SK_OK)
		abort();
	t->reads = 0;
	t->limit = t->size;
	if (ledger_prove_consistency(size1, t->size, fuzz_read, t, proof, &n) != SK_OK ||
	    t->reads > 2 * 64)
		abort();
	if (ledger_verify_consistency(size1, t->size, root1, root2, (const uint8_t(*)[H])proof,
	                              n) != SK_OK)
		abort();
	memcpy(edited, proof, sizeof(proof));
	en = fuzz_edit(in, edited, n);
	if (ledger_verify_consistency(size1, t->size, root1, root2, (const uint8_t(*)[H])edited,
	                              en) == SK_OK &&
	    (en != n || memcmp(edited, proof, n * H) != 0))
		abort();
	(void)ledger_verify_consistency(fuzz_take(in, 8), fuzz_take(in, 8), root1, root2,
	                                (const uint8_t(*)[H])edited, en);
}

/* Raw proofs straight from the input, for both verifiers: no crash, no hang. */
static void fuzz_raw(struct fuzz_in *in)
{
	uint8_t proof[LEDGER_MAX_PROOF][H], a[H], b[H];
	uint64_t x = fuzz_take(in, 8), y = fuzz_take(in, 8);
	size_t n = (size_t)fuzz_take(in, 1) % (LEDGER_MAX_PROOF + 1), i;

	memset(a, 0, H);
	memset(b, 0, H);
	memcpy(a, in->p, in->len < H ? in->len : H);
	memcpy(b, in->p, in->len < H ? in->len : H);
	for (i = 0; i < n; i++) {
		memset(proof[i], (int)i, H);
		if (in->len >= H) {
			memcpy(proof[i], in->p, H);
			in->p += H;
			in->len -= H;
		}
	}
	(void)ledger_verify_inclusion(x, y, a, (const uint8_t(*)[H])proof, n, b);
	(void)ledger_verify_consistency(x, y, a, b, (const uint8_t(*)[H])proof, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t storage[2 * FUZZ_MAX_LEAVES][H];
	struct fuzz_in in = {data, size};
	struct fuzz_tree t;
	struct ledger_tree tree;
	uint8_t leaf[H], root[H], again[H];
	uint64_t i, seed;
	unsigned l;
	size_t off = 0;

	memset(&t, 0, sizeof(t));
	for (l = 0; l < 12; l++) {
		t.level[l] = &storage[off];
		off += FUZZ_MAX_LEAVES >> l;
	}
	t.size = 1 + fuzz_take(&in, 2) % FUZZ_MAX_LEAVES;
	seed = fuzz_take(&in, 4);
	ledger_tree_init(&tree);
	for (i = 0; i < t.size; i++) {
		uint64_t v[2] = {seed, i};

		ledger_leaf_hash(v, sizeof(v), leaf);
		if (ledger_tree_append(&tree, leaf, fuzz_emit, &t) != SK_OK)
			abort();
	}
	ledger_tree_root(&tree, root);
	t.limit = t.size;
	if (ledger_root_at(t.size, fuzz_read, &t, again) != SK_OK || memcmp(root, again, H) != 0)
		abort();
	fuzz_inclusion(&in, &t, root);
	fuzz_consistency(&in, &t, root);
	fuzz_raw(&in);
	return 0;
}
