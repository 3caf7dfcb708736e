/*
 * RFC 6962 / RFC 9162 inclusion and consistency proofs: generated from reads
 * of stored complete nodes only (O(log n) of them, so proofs never rebuild the
 * tree), and verified with the RFC 9162 §2.1.3.2 and §2.1.4.2 algorithms.
 */
#include <assert.h>
#include <string.h>

#include <sodium.h>

#include "ledger/ledger.h"
#include "ledger/tlog_int.h"

/* The largest power of two strictly below n (n >= 2): where RFC 6962 splits a tree. */
static uint64_t split_point(uint64_t n)
{
	assert(n >= 2);
	return UINT64_C(1) << (63u - (unsigned)__builtin_clzll(n - 1));
}

/* The RFC lists proofs leaf-side first; we build them root-side first, so reverse on output. */
static void emit_reversed(uint8_t tmp[][LEDGER_HASH_LEN], size_t k,
                          uint8_t proof[][LEDGER_HASH_LEN], size_t *n)
{
	size_t i;

	for (i = 0; i < k; i++)
		memcpy(proof[i], tmp[k - 1 - i], LEDGER_HASH_LEN);
	*n = k;
}

/*
 * PATH(m, D[lo:hi]) walked from the root down. The sibling of the path is
 * either a left subtree (always complete) or the right part of the tree,
 * which only at the right edge is incomplete: that happens once at most,
 * so a proof costs at most about 2 log n reads.
 */
int ledger_prove_inclusion(uint64_t index, uint64_t size, ledger_read_node_fn rd, void *ctx,
                           uint8_t proof[][LEDGER_HASH_LEN], size_t *n)
{
	uint8_t tmp[LEDGER_MAX_PROOF][LEDGER_HASH_LEN];
	uint64_t lo = 0, hi = size, k;
	size_t count = 0;
	int rc = SK_OK;

	*n = 0;
	if (size > LEDGER_TREE_MAX || index >= size) {
		rc = SK_ERANGE;
		goto out;
	}
	while (hi - lo > 1) {
		k = split_point(hi - lo);
		assert(count < LEDGER_MAX_PROOF);
		if (index < lo + k) {
			rc = ledger_range_hash(lo + k, hi, rd, ctx, tmp[count]);
			hi = lo + k;
		} else {
			rc = ledger_range_hash(lo, lo + k, rd, ctx, tmp[count]);
			lo += k;
		}
		if (rc != SK_OK)
			goto out;
		count++;
	}
	emit_reversed(tmp, count, proof, n);
out:
	return rc;
}

/*
 * SUBPROOF(m, D[lo:hi], b) of RFC 6962 §2.1.2, iteratively. m counts the
 * old tree's leaves inside [lo, hi); once the walk turns left it stays inside
 * a perfect subtree, so again only one node may need folding.
 */
int ledger_prove_consistency(uint64_t size1, uint64_t size2, ledger_read_node_fn rd, void *ctx,
                             uint8_t proof[][LEDGER_HASH_LEN], size_t *n)
{
	uint8_t tmp[LEDGER_MAX_PROOF][LEDGER_HASH_LEN];
	uint64_t lo = 0, hi = size2, m = size1, k;
	bool whole_old_tree = true;
	size_t count = 0;
	int rc = SK_OK;

	*n = 0;
	/* A proof from the empty tree proves nothing; the verifier refuses it too. */
	if (size2 > LEDGER_TREE_MAX || size1 == 0 || size1 > size2) {
		rc = SK_ERANGE;
		goto out;
	}
	for (;;) {
		assert(count < LEDGER_MAX_PROOF);
		if (m == hi - lo) {
			/* The old root itself is known to the verifier, so it is left out. */
			if (!whole_old_tree) {
				rc = ledger_range_hash(lo, hi, rd, ctx, tmp[count]);
				if (rc != SK_OK)
					goto out;
				count++;
			}
			break;
		}
		k = split_point(hi - lo);
		if (m <= k) {
			rc = ledger_range_hash(lo + k, hi, rd, ctx, tmp[count]);
			hi = lo + k;
		} else {
			rc = ledger_range_hash(lo, lo + k, rd, ctx, tmp[count]);
			m -= k;
			lo += k;
			whole_old_tree = false;
		}
		if (rc != SK_OK)
			goto out;
		count++;
	}
	emit_reversed(tmp, count, proof, n);
out:
	return rc;
}

static bool hash_eq(const uint8_t a[LEDGER_HASH_LEN], const uint8_t b[LEDGER_HASH_LEN])
{
	return sodium_memcmp(a, b, LEDGER_HASH_LEN) == 0;
}

int ledger_verify_inclusion(uint64_t index, uint64_t size, const uint8_t leaf[LEDGER_HASH_LEN],
                            const uint8_t proof[][LEDGER_HASH_LEN], size_t n,
                            const uint8_t root[LEDGER_HASH_LEN])
{
	uint8_t r[LEDGER_HASH_LEN];
	uint64_t fn, sn;
	size_t i;
	int rc = SK_EVERIFY;

	if (index >= size || n > LEDGER_MAX_PROOF)
		goto out;
	fn = index;
	sn = size - 1;
	memcpy(r, leaf, LEDGER_HASH_LEN);
	for (i = 0; i < n; i++) {
		if (sn == 0)
			goto out;
		if ((fn & 1) || fn == sn) {
			ledger_node_hash(proof[i], r, r);
			/* Skip the levels where our node is the rightmost and has no sibling. */
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			ledger_node_hash(r, proof[i], r);
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn == 0 && hash_eq(r, root))
		rc = SK_OK;
out:
	return rc;
}

/* The proof as the RFC's algorithm sees it: with root1 prepended when size1 is a power of two. */
static const uint8_t *consistency_node(const uint8_t root1[LEDGER_HASH_LEN],
                                       const uint8_t proof[][LEDGER_HASH_LEN], bool prepend,
                                       size_t i)
{
	if (prepend)
		return i == 0 ? root1 : proof[i - 1];
	return proof[i];
}

int ledger_verify_consistency(uint64_t size1, uint64_t size2, const uint8_t root1[LEDGER_HASH_LEN],
                              const uint8_t root2[LEDGER_HASH_LEN],
                              const uint8_t proof[][LEDGER_HASH_LEN], size_t n)
{
	uint8_t fr[LEDGER_HASH_LEN], sr[LEDGER_HASH_LEN];
	const uint8_t *c;
	uint64_t fn, sn;
	bool prepend;
	size_t i, total;
	int rc = SK_EVERIFY;

	/* Nothing is consistent with the empty tree in a useful way: refuse (as the vectors do). */
	if (size1 == 0 || size1 > size2 || n > LEDGER_MAX_PROOF)
		goto out;
	if (size1 == size2) {
		if (n == 0 && hash_eq(root1, root2))
			rc = SK_OK;
		goto out;
	}
	if (n == 0)
		goto out;
	prepend = (size1 & (size1 - 1)) == 0;
	total = n + (prepend ? 1 : 0);
	fn = size1 - 1;
	sn = size2 - 1;
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	c = consistency_node(root1, proof, prepend, 0);
	memcpy(fr, c, LEDGER_HASH_LEN);
	memcpy(sr, c, LEDGER_HASH_LEN);
	for (i = 1; i < total; i++) {
		c = consistency_node(root1, proof, prepend, i);
		if (sn == 0)
			goto out;
		if ((fn & 1) || fn == sn) {
			ledger_node_hash(c, fr, fr);
			ledger_node_hash(c, sr, sr);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			ledger_node_hash(sr, c, sr);
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn == 0 && hash_eq(fr, root1) && hash_eq(sr, root2))
		rc = SK_OK;
out:
	return rc;
}
