/*
 * ledger: the tamper-evident history. Entry encoding (RFC 8785 canonical
 * JSON), the RFC 6962 Merkle tree kept as a compact range, inclusion and
 * consistency proofs, tile addressing (C2SP tlog-tiles shape) and C2SP
 * signed-note checkpoints with Ed25519. Pure: no SQL, no file or network I/O.
 */
#ifndef SKYDD_LEDGER_H
#define SKYDD_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "util/util.h"

#define LEDGER_HASH_LEN   32
#define LEDGER_MAX_PROOF  64 /* hashes in any proof for a tree of < 2^63 leaves */
#define LEDGER_KIND_MAX   64
#define LEDGER_OBJECT_MAX 128

/* ---- entries ---- */

/*
 * An entry as the program sees it. Its hashed form is the canonical JSON of
 * {"actor":…,"data":…,"kind":…,"object":…,"seq":…,"time":"…"}.
 * kind: lowercase dotted name ("ledger.init", "doc.copy.issued"), 1..64 bytes of
 *       [a-z0-9_] segments separated by single dots.
 * object: "" (none) or "type/id" like "doc/17", 0..128 bytes of [a-z0-9_./-].
 * data: a JSON object (may be empty); integers only, within ±2^53.
 */
struct ledger_entry {
	uint64_t seq;    /* 1-based position; seq = leaf index + 1 */
	int64_t time_us; /* µs since the epoch, UTC */
	int64_t actor;   /* identity id, 0 = the system; 0 <= actor < 2^53 */
	const char *kind;
	const char *object;
	const json_t *data;
};

bool ledger_kind_valid(const char *kind);
bool ledger_object_valid(const char *object);

/*
 * Appends the canonical bytes of e to out. Returns SK_OK, SK_EINVAL (bad
 * kind, object, actor, seq, time or data) or the buffer's error.
 */
int ledger_entry_encode(const struct ledger_entry *e, struct buf *out);

/*
 * Decoded entry. kind/object point into storage owned by *root (release with
 * ledger_decoded_release); data is borrowed from root.
 */
struct ledger_decoded {
	struct ledger_entry e;
	json_t *root;
};

/*
 * Parses stored bytes back into an entry and checks they are exactly the
 * canonical encoding (re-encoding gives the same bytes). Returns SK_OK,
 * SK_EINVAL (not an entry, or not canonical), SK_ENOMEM.
 */
int ledger_entry_decode(const char *bytes, size_t len, struct ledger_decoded *out);
void ledger_decoded_release(struct ledger_decoded *d);

/* ---- hashing (RFC 6962) ---- */

/* SHA-256(0x00 || data) */
void ledger_leaf_hash(const void *data, size_t len, uint8_t out[LEDGER_HASH_LEN]);
/* SHA-256(0x01 || left || right) */
void ledger_node_hash(const uint8_t left[LEDGER_HASH_LEN], const uint8_t right[LEDGER_HASH_LEN],
                      uint8_t out[LEDGER_HASH_LEN]);
/* SHA-256 of nothing: the root of the empty tree */
void ledger_empty_root(uint8_t out[LEDGER_HASH_LEN]);

/* ---- the tree as a compact range ---- */

/*
 * Node addressing: (level, index) is the root of the complete subtree over
 * leaves [index << level, (index + 1) << level). Level 0 nodes are leaf hashes.
 */

/* Called for every complete node an append creates, leaf first, then upward. */
typedef int (*ledger_node_fn)(void *ctx, unsigned level, uint64_t index,
                              const uint8_t hash[LEDGER_HASH_LEN]);

/* Reads the hash of a complete node; returns SK_OK or an error that is passed back. */
typedef int (*ledger_read_node_fn)(void *ctx, unsigned level, uint64_t index,
                                   uint8_t out[LEDGER_HASH_LEN]);

/*
 * The right edge of the tree: one perfect-subtree root per set bit of size,
 * highest first. O(log n) memory; a plain value (copying it is a snapshot).
 */
struct ledger_tree {
	uint64_t size;
	unsigned count;
	uint8_t peaks[64][LEDGER_HASH_LEN];
};

void ledger_tree_init(struct ledger_tree *t);

/*
 * Appends one leaf hash. emit (may be NULL) sees the leaf and every complete
 * node the append completes. Returns SK_OK, SK_ERANGE (tree full) or emit's error
 * (the tree is then unchanged).
 */
int ledger_tree_append(struct ledger_tree *t, const uint8_t leaf[LEDGER_HASH_LEN],
                       ledger_node_fn emit, void *ctx);

/* The RFC 6962 root of the tree (the empty root for size 0). */
void ledger_tree_root(const struct ledger_tree *t, uint8_t out[LEDGER_HASH_LEN]);

/* Rebuilds the compact range of a tree of the given size from stored nodes. */
int ledger_tree_load(struct ledger_tree *t, uint64_t size, ledger_read_node_fn rd, void *ctx);

/* Root of the tree of the given size, from O(log n) stored nodes. */
int ledger_root_at(uint64_t size, ledger_read_node_fn rd, void *ctx, uint8_t out[LEDGER_HASH_LEN]);

/* ---- proofs ---- */

/*
 * Inclusion proof for leaf index in a tree of size leaves, using only reads
 * of complete nodes (O(log n) of them). proof must hold LEDGER_MAX_PROOF hashes.
 * Returns SK_OK, SK_ERANGE (index >= size) or rd's error.
 */
int ledger_prove_inclusion(uint64_t index, uint64_t size, ledger_read_node_fn rd, void *ctx,
                           uint8_t proof[][LEDGER_HASH_LEN], size_t *n);

/* Consistency proof between sizes size1 <= size2. Same returns as above. */
int ledger_prove_consistency(uint64_t size1, uint64_t size2, ledger_read_node_fn rd, void *ctx,
                             uint8_t proof[][LEDGER_HASH_LEN], size_t *n);

/* RFC 9162 §2.1.3.2 verification. Returns SK_OK or SK_EVERIFY. */
int ledger_verify_inclusion(uint64_t index, uint64_t size, const uint8_t leaf[LEDGER_HASH_LEN],
                            const uint8_t proof[][LEDGER_HASH_LEN], size_t n,
                            const uint8_t root[LEDGER_HASH_LEN]);

/* RFC 9162 §2.1.4.2 verification. Returns SK_OK or SK_EVERIFY. */
int ledger_verify_consistency(uint64_t size1, uint64_t size2, const uint8_t root1[LEDGER_HASH_LEN],
                              const uint8_t root2[LEDGER_HASH_LEN],
                              const uint8_t proof[][LEDGER_HASH_LEN], size_t n);

/* ---- tiles (C2SP tlog-tiles shape: height 8, 256 hashes a tile) ---- */

#define LEDGER_TILE_HEIGHT 8
#define LEDGER_TILE_WIDTH  256

/*
 * Only nodes at levels that are multiples of 8 are stored: tile (L, N) holds
 * the hashes of nodes (8L, N*256 + k) for k < width. A node (level, index)
 * is computed from the 2^(level % 8) consecutive stored hashes starting at
 * offset in tile (tile_level, tile_index).
 */
struct ledger_tile_ref {
	unsigned tile_level;
	uint64_t tile_index;
	unsigned offset; /* first hash in the tile */
	unsigned count;  /* 2^(level % 8) hashes, folded pairwise */
};

void ledger_tile_locate(unsigned level, uint64_t index, struct ledger_tile_ref *ref);

/* Folds count (a power of two) consecutive hashes into their subtree root. */
void ledger_tile_fold(const uint8_t hashes[][LEDGER_HASH_LEN], unsigned count,
                      uint8_t out[LEDGER_HASH_LEN]);

/* ---- signed notes (C2SP signed-note, Ed25519) ---- */

#define LEDGER_NOTE_NAME_MAX 128

struct ledger_signer {
	char name[LEDGER_NOTE_NAME_MAX + 1];
	uint32_t key_hash;
	uint8_t sk[64]; /* libsodium Ed25519 secret key (seed || public) */
};

struct ledger_verifier {
	char name[LEDGER_NOTE_NAME_MAX + 1];
	uint32_t key_hash;
	uint8_t pk[32];
};

/*
 * Generates a key pair for name. skey gets "PRIVATE+KEY+name+hash+base64",
 * vkey gets "name+hash+base64" (each buffer at least 256 bytes).
 */
int ledger_note_keygen(const char *name, char *skey, size_t skey_cap, char *vkey, size_t vkey_cap);
/* Parses a signer key; returns SK_OK or SK_EINVAL. Zero it with ledger_signer_wipe. */
int ledger_signer_parse(const char *skey, size_t len, struct ledger_signer *out);
void ledger_signer_wipe(struct ledger_signer *s);
/* Writes the signer's verifier key text into out (at least 256 bytes). */
int ledger_signer_vkey(const struct ledger_signer *s, char *out, size_t cap);
/* Parses a verifier key; returns SK_OK or SK_EINVAL. */
int ledger_verifier_parse(const char *vkey, size_t len, struct ledger_verifier *out);

/*
 * Signs text (must end in "\n", no control bytes but newline) and appends the
 * whole signed note to out. Byte-identical to the Go implementation.
 */
int ledger_note_sign(const char *text, size_t len, const struct ledger_signer *s, struct buf *out);

/*
 * Parses a signed note and verifies it: the note must be well formed, and at
 * least one signature must be by a known verifier and valid; signatures by
 * unknown keys are ignored; a known key's bad signature is an error.
 * *text_len gets the length of the text part (including its final newline).
 * Returns SK_OK, SK_EINVAL (malformed) or SK_EVERIFY.
 */
int ledger_note_open(const char *note, size_t len, const struct ledger_verifier *v, size_t nv,
                     size_t *text_len);

/* ---- checkpoints (C2SP tlog-checkpoint) ---- */

#define LEDGER_ORIGIN_MAX 128

struct ledger_checkpoint {
	char origin[LEDGER_ORIGIN_MAX + 1];
	uint64_t size;
	uint8_t root[LEDGER_HASH_LEN];
};

/* Is origin a valid origin line: 1..128 printable non-space-led ASCII/UTF-8, no "+"? */
bool ledger_origin_valid(const char *origin);
/* Appends "origin\nsize\nbase64(root)\n". */
int ledger_checkpoint_body(const struct ledger_checkpoint *c, struct buf *out);
/* Parses a checkpoint body (extension lines after the root are allowed and ignored). */
int ledger_checkpoint_parse(const char *text, size_t len, struct ledger_checkpoint *out);
/*
 * Opens a signed checkpoint note with verifier v: checks the signature and
 * parses the body. Returns SK_OK, SK_EINVAL, SK_EVERIFY.
 */
int ledger_checkpoint_open(const char *note, size_t len, const struct ledger_verifier *v,
                           struct ledger_checkpoint *out);

/* ---- batch seals (not checkpoints; see docs/internals/ledger.md) ---- */

#define LEDGER_SEAL_SIG_LEN 64
#define LEDGER_SEAL_MSG_MAX (20 + LEDGER_ORIGIN_MAX + 1 + 8 + LEDGER_HASH_LEN)

/*
 * Signs / verifies the seal of a tree (size, root) of the log origin. The
 * message is domain-separated and holds NUL bytes, so a seal never verifies
 * as a signed note nor a note's signature as a seal. Return SK_OK, SK_EINVAL
 * (origin) or, for verify, SK_EVERIFY.
 */
int ledger_seal_sign(const struct ledger_signer *s, const char *origin, uint64_t size,
                     const uint8_t root[LEDGER_HASH_LEN], uint8_t sig[LEDGER_SEAL_SIG_LEN]);
int ledger_seal_verify(const struct ledger_verifier *v, const char *origin, uint64_t size,
                       const uint8_t root[LEDGER_HASH_LEN], const uint8_t sig[LEDGER_SEAL_SIG_LEN]);

#endif
