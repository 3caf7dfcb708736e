/*
 * The RFC 6962 Merkle tree kept as a compact range: one perfect-subtree root
 * per set bit of the size, so appending costs O(log n) time and memory and
 * every completed node is handed to the caller to store.
 */
#include <assert.h>
#include <string.h>

/*
 * SHA-256 comes from OpenSSL's libcrypto rather than libsodium: libcrypto
 * uses the CPU's SHA instructions (SHA-NI, ARMv8 SHA2), about 5x faster here,
 * and hashing is most of the cost of verify and of proofs (docs/performance.md).
 * The low-level SHA256_* calls neither lock nor allocate; OpenSSL 3 marks them
 * deprecated in favour of EVP, which costs a context per call.
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include "ledger/ledger.h"
#include "ledger/tlog_int.h"

void ledger_leaf_hash(const void *data, size_t len, uint8_t out[LEDGER_HASH_LEN])
{
	SHA256_CTX st;
	const unsigned char prefix = 0x00;

	SHA256_Init(&st);
	SHA256_Update(&st, &prefix, 1);
	SHA256_Update(&st, data, len);
	SHA256_Final(out, &st);
}

/* out may alias left or right: both are consumed before out is written. */
void ledger_node_hash(const uint8_t left[LEDGER_HASH_LEN], const uint8_t right[LEDGER_HASH_LEN],
                      uint8_t out[LEDGER_HASH_LEN])
{
	SHA256_CTX st;
	const unsigned char prefix = 0x01;

	SHA256_Init(&st);
	SHA256_Update(&st, &prefix, 1);
	SHA256_Update(&st, left, LEDGER_HASH_LEN);
	SHA256_Update(&st, right, LEDGER_HASH_LEN);
	SHA256_Final(out, &st);
}

void ledger_empty_root(uint8_t out[LEDGER_HASH_LEN])
{
	SHA256_CTX st;

	SHA256_Init(&st);
	SHA256_Final(out, &st);
}

void ledger_tree_init(struct ledger_tree *t)
{
	memset(t, 0, sizeof(*t));
}

/*
 * The new leaf merges with the lowest peaks while the old size has its low
 * bits set, exactly like a binary increment. All work happens on locals and
 * the tree is written only after every emit succeeded, so a failing emit
 * (say, a full disk in the store) leaves the tree as it was.
 */
int ledger_tree_append(struct ledger_tree *t, const uint8_t leaf[LEDGER_HASH_LEN],
                       ledger_node_fn emit, void *ctx)
{
	uint8_t h[LEDGER_HASH_LEN];
	uint64_t index = t->size;
	unsigned level = 0;
	unsigned count = t->count;
	int rc = SK_OK;

	if (t->size >= LEDGER_TREE_MAX) {
		rc = SK_ERANGE;
		goto out;
	}
	memcpy(h, leaf, LEDGER_HASH_LEN);
	if (emit) {
		rc = emit(ctx, 0, index, h);
		if (rc != SK_OK)
			goto out;
	}
	while (index & 1) {
		assert(count > 0);
		ledger_node_hash(t->peaks[count - 1], h, h);
		count--;
		index >>= 1;
		level++;
		if (emit) {
			rc = emit(ctx, level, index, h);
			if (rc != SK_OK)
				goto out;
		}
	}
	memcpy(t->peaks[count], h, LEDGER_HASH_LEN);
	/* Clear merged-away peaks so equal trees are equal bytes, whatever their history. */
	if (t->count > count + 1)
		memset(t->peaks[count + 1], 0, (t->count - count - 1) * sizeof(t->peaks[0]));
	t->count = count + 1;
	t->size++;
out:
	return rc;
}

void ledger_tree_root(const struct ledger_tree *t, uint8_t out[LEDGER_HASH_LEN])
{
	uint8_t h[LEDGER_HASH_LEN];
	unsigned i;

	if (t->count == 0) {
		ledger_empty_root(out);
		return;
	}
	/* RFC 6962 splits at the largest power of two, so the tree is the right fold of its peaks.
	 */
	memcpy(h, t->peaks[t->count - 1], LEDGER_HASH_LEN);
	for (i = t->count - 1; i > 0; i--)
		ledger_node_hash(t->peaks[i - 1], h, h);
	memcpy(out, h, LEDGER_HASH_LEN);
}

int ledger_tree_load(struct ledger_tree *t, uint64_t size, ledger_read_node_fn rd, void *ctx)
{
	struct ledger_tree tmp;
	uint64_t begin = 0;
	unsigned level;
	int rc = SK_OK;

	if (size > LEDGER_TREE_MAX) {
		rc = SK_ERANGE;
		goto out;
	}
	ledger_tree_init(&tmp);
	/* One peak per set bit of size, highest first; each starts where the previous ended. */
	for (level = 64; level-- > 0;) {
		if (!(size >> level & 1))
			continue;
		rc = rd(ctx, level, begin >> level, tmp.peaks[tmp.count]);
		if (rc != SK_OK)
			goto out;
		tmp.count++;
		begin += UINT64_C(1) << level;
	}
	tmp.size = size;
	*t = tmp;
out:
	return rc;
}

int ledger_range_hash(uint64_t lo, uint64_t hi, ledger_read_node_fn rd, void *ctx,
                      uint8_t out[LEDGER_HASH_LEN])
{
	uint8_t nodes[64][LEDGER_HASH_LEN];
	unsigned k = 0;
	unsigned level;
	int rc = SK_OK;

	assert(lo < hi);
	/* The precondition makes the cover exactly the set bits of hi - lo, highest first. */
	assert(lo == 0 ||
	       (unsigned)__builtin_ctzll(lo) >= 63u - (unsigned)__builtin_clzll(hi - lo));
	while (lo < hi) {
		level = 63u - (unsigned)__builtin_clzll(hi - lo);
		assert(k < 64);
		rc = rd(ctx, level, lo >> level, nodes[k]);
		if (rc != SK_OK)
			goto out;
		k++;
		lo += UINT64_C(1) << level;
	}
	while (k > 1) {
		ledger_node_hash(nodes[k - 2], nodes[k - 1], nodes[k - 2]);
		k--;
	}
	memcpy(out, nodes[0], LEDGER_HASH_LEN);
out:
	return rc;
}

int ledger_root_at(uint64_t size, ledger_read_node_fn rd, void *ctx, uint8_t out[LEDGER_HASH_LEN])
{
	int rc = SK_OK;

	if (size > LEDGER_TREE_MAX) {
		rc = SK_ERANGE;
		goto out;
	}
	if (size == 0) {
		ledger_empty_root(out);
		goto out;
	}
	rc = ledger_range_hash(0, size, rd, ctx, out);
out:
	return rc;
}
