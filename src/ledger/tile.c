/*
 * Tile addressing in the C2SP tlog-tiles shape: only every eighth level of
 * the tree is stored, 256 hashes a tile, and any other complete node is
 * folded on demand from at most 128 consecutive stored hashes.
 */
#include <assert.h>
#include <string.h>

#include "ledger/ledger.h"

void ledger_tile_locate(unsigned level, uint64_t index, struct ledger_tile_ref *ref)
{
	unsigned rest = level % LEDGER_TILE_HEIGHT;
	uint64_t first;

	assert(level < 64);
	/* The node's leftmost descendant on the stored level below it. */
	first = index << rest;
	ref->tile_level = level / LEDGER_TILE_HEIGHT;
	ref->tile_index = first / LEDGER_TILE_WIDTH;
	ref->offset = (unsigned)(first % LEDGER_TILE_WIDTH);
	ref->count = 1u << rest;
	/* An aligned block of 2^rest <= 128 never straddles a tile boundary. */
	assert(ref->offset + ref->count <= LEDGER_TILE_WIDTH);
}

/*
 * A binary counter over the hashes: hash i merges with the stack top once for
 * every trailing one bit of i, so the stack never holds more than 9 entries.
 */
void ledger_tile_fold(const uint8_t hashes[][LEDGER_HASH_LEN], unsigned count,
                      uint8_t out[LEDGER_HASH_LEN])
{
	uint8_t stack[LEDGER_TILE_HEIGHT + 1][LEDGER_HASH_LEN];
	uint8_t h[LEDGER_HASH_LEN];
	unsigned sp = 0, i, j;

	assert(count >= 1 && count <= LEDGER_TILE_WIDTH && (count & (count - 1)) == 0);
	for (i = 0; i < count; i++) {
		memcpy(h, hashes[i], LEDGER_HASH_LEN);
		for (j = i; j & 1; j >>= 1) {
			assert(sp > 0);
			ledger_node_hash(stack[sp - 1], h, h);
			sp--;
		}
		assert(sp <= LEDGER_TILE_HEIGHT);
		memcpy(stack[sp], h, LEDGER_HASH_LEN);
		sp++;
	}
	assert(sp == 1);
	memcpy(out, stack[0], LEDGER_HASH_LEN);
}
