/*
 * Private to the ledger's transparency-log files (merkle, proof, note,
 * checkpoint): limits and helpers shared between them, not for other modules.
 */
#ifndef SKYDD_LEDGER_TLOG_INT_H
#define SKYDD_LEDGER_TLOG_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ledger/ledger.h"

/*
 * The largest tree we build or prove over: below 2^63 leaves every proof fits
 * in LEDGER_MAX_PROOF hashes, and index + 1 or size arithmetic cannot wrap.
 */
#define LEDGER_TREE_MAX ((UINT64_C(1) << 63) - 1)

/*
 * Hash of the leaf range [lo, hi) where lo is a multiple of the largest power
 * of two <= hi - lo (true of every subtree an RFC 6962 proof names), folded
 * from the at most 64 complete nodes that cover it. Returns SK_OK or rd's error.
 */
int ledger_range_hash(uint64_t lo, uint64_t hi, ledger_read_node_fn rd, void *ctx,
                      uint8_t out[LEDGER_HASH_LEN]);

#endif
