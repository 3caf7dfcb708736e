/*
 * The Merkle tree, proofs and tiles against the transparency-dev vectors, the
 * reference roots, and a naive RFC 6962 implementation over tile-backed
 * storage; plus the bad paths (ranges, reader errors, tampered proofs).
 */
#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>

#include <sodium.h>

#include "ledger/ledger.h"

#define H LEDGER_HASH_LEN

/* ---- naive RFC 6962 over an array of leaf hashes, straight from the definitions ---- */

static uint64_t naive_split(uint64_t n)
{
	uint64_t k = 1;

	while (k * 2 < n)
		k *= 2;
	return k;
}

static void naive_mth(const uint8_t (*leaves)[H], uint64_t n, uint8_t out[H])
{
	uint8_t l[H], r[H];
	uint64_t k;

	if (n == 0) {
		ledger_empty_root(out);
		return;
	}
	if (n == 1) {
		memcpy(out, leaves[0], H);
		return;
	}
	k = naive_split(n);
	naive_mth(leaves, k, l);
	naive_mth(leaves + k, n - k, r);
	ledger_node_hash(l, r, out);
}

static void naive_path(uint64_t m, const uint8_t (*leaves)[H], uint64_t n, uint8_t (*out)[H],
                       size_t *len)
{
	uint64_t k;

	if (n <= 1)
		return;
	k = naive_split(n);
	if (m < k) {
		naive_path(m, leaves, k, out, len);
		naive_mth(leaves + k, n - k, out[(*len)++]);
	} else {
		naive_path(m - k, leaves + k, n - k, out, len);
		naive_mth(leaves, k, out[(*len)++]);
	}
}

static void naive_subproof(uint64_t m, const uint8_t (*leaves)[H], uint64_t n, bool b,
                           uint8_t (*out)[H], size_t *len)
{
	uint64_t k;

	if (m == n) {
		if (!b)
			naive_mth(leaves, n, out[(*len)++]);
		return;
	}
	k = naive_split(n);
	if (m <= k) {
		naive_subproof(m, leaves, k, b, out, len);
		naive_mth(leaves + k, n - k, out[(*len)++]);
	} else {
		naive_subproof(m - k, leaves + k, n - k, false, out, len);
		naive_mth(leaves, k, out[(*len)++]);
	}
}

/* ---- an in-memory tile store: only levels that are multiples of 8 are kept ---- */

struct tile {
	uint8_t h[LEDGER_TILE_WIDTH][H];
	unsigned n;
};

struct tilemap {
	struct tile *tiles[8];
	size_t ntiles[8];
	size_t cap[8];
	uint64_t limit;     /* reads of nodes not complete within this size fail the test */
	unsigned reads;     /* read_node calls */
	unsigned fail_at;   /* when nonzero, the fail_at-th read returns SK_EIO */
	unsigned emit_fail; /* when nonzero, the emit_fail-th emit returns SK_EIO */
	unsigned emits;
	uint8_t (*leaves)[H]; /* every leaf, for the naive side */
	uint64_t nleaves;
	uint64_t leaves_cap;
};

static struct tile *tilemap_get(struct tilemap *m, unsigned tl, uint64_t ti, bool create)
{
	size_t old;

	assert_true(tl < 8);
	if (ti >= m->ntiles[tl]) {
		if (!create)
			return NULL;
		old = m->ntiles[tl];
		m->ntiles[tl] = (size_t)ti + 1;
		if (m->ntiles[tl] > m->cap[tl]) {
			m->cap[tl] = 2 * m->ntiles[tl];
			m->tiles[tl] = realloc(m->tiles[tl], m->cap[tl] * sizeof(struct tile));
			assert_non_null(m->tiles[tl]);
		}
		memset(m->tiles[tl] + old, 0, (m->ntiles[tl] - old) * sizeof(struct tile));
	}
	return &m->tiles[tl][ti];
}

static int tile_emit(void *ctx, unsigned level, uint64_t index, const uint8_t hash[H])
{
	struct tilemap *m = ctx;
	struct tile *t;

	if (m->emit_fail && ++m->emits == m->emit_fail)
		return SK_EIO;
	if (level == 0) {
		/* Doubling: a realloc per leaf is quadratic, and very slow under ASan. */
		if (index >= m->leaves_cap) {
			m->leaves_cap = m->leaves_cap ? 2 * m->leaves_cap : 64;
			m->leaves = realloc(m->leaves, (size_t)m->leaves_cap * H);
			assert_non_null(m->leaves);
		}
		assert_int_equal(index, m->nleaves);
		memcpy(m->leaves[index], hash, H);
		m->nleaves++;
	}
	if (level % LEDGER_TILE_HEIGHT != 0)
		return SK_OK;
	t = tilemap_get(m, level / LEDGER_TILE_HEIGHT, index / LEDGER_TILE_WIDTH, true);
	/* Nodes of a level complete left to right, so a tile fills in order. */
	assert_int_equal(t->n, index % LEDGER_TILE_WIDTH);
	memcpy(t->h[t->n++], hash, H);
	return SK_OK;
}

static int tile_read(void *ctx, unsigned level, uint64_t index, uint8_t out[H])
{
	struct tilemap *m = ctx;
	struct ledger_tile_ref ref;
	struct tile *t;

	m->reads++;
	if (m->fail_at && m->reads == m->fail_at)
		return SK_EIO;
	assert_true(level < 64);
	/* Only complete nodes of the tree at the size being asked about may be read. */
	assert_true(index < (m->limit >> level));
	ledger_tile_locate(level, index, &ref);
	t = tilemap_get(m, ref.tile_level, ref.tile_index, false);
	if (!t || t->n < ref.offset + ref.count)
		return SK_ENOTFOUND;
	ledger_tile_fold((const uint8_t(*)[H]) & t->h[ref.offset], ref.count, out);
	return SK_OK;
}

static void tilemap_release(struct tilemap *m)
{
	unsigned i;

	for (i = 0; i < 8; i++)
		free(m->tiles[i]);
	free(m->leaves);
	memset(m, 0, sizeof(*m));
}

static void make_leaf(uint64_t i, uint8_t out[H])
{
	char text[32];
	int n = snprintf(text, sizeof(text), "leaf %llu", (unsigned long long)i);

	ledger_leaf_hash(text, (size_t)n, out);
}

/* Builds a tree of size leaves into m, checking the root after every append for small sizes. */
static void build(struct tilemap *m, struct ledger_tree *t, uint64_t size, bool check_each)
{
	uint8_t leaf[H], want[H], got[H];
	uint64_t i;

	ledger_tree_init(t);
	for (i = 0; i < size; i++) {
		make_leaf(i, leaf);
		assert_int_equal(ledger_tree_append(t, leaf, tile_emit, m), SK_OK);
		if (check_each) {
			naive_mth((const uint8_t(*)[H])m->leaves, t->size, want);
			ledger_tree_root(t, got);
			assert_memory_equal(got, want, H);
		}
	}
	assert_int_equal(t->size, size);
	assert_int_equal(t->count, (unsigned)__builtin_popcountll(size));
}

static unsigned log2_ceil(uint64_t n)
{
	unsigned b = 0;

	while ((UINT64_C(1) << b) < n)
		b++;
	return b;
}

/* Generates, verifies and (when naive) compares the inclusion proof of index in size. */
static void check_inclusion(struct tilemap *m, uint64_t index, uint64_t size, const uint8_t root[H],
                            bool naive)
{
	uint8_t proof[LEDGER_MAX_PROOF][H], want[LEDGER_MAX_PROOF][H];
	size_t n = 0, wn = 0;

	m->limit = size;
	m->reads = 0;
	assert_int_equal(ledger_prove_inclusion(index, size, tile_read, m, proof, &n), SK_OK);
	assert_true(m->reads <= 2 * log2_ceil(size) + 2);
	assert_true(m->reads <= 2 * 64);
	assert_int_equal(ledger_verify_inclusion(index, size, m->leaves[index],
	                                         (const uint8_t(*)[H])proof, n, root),
	                 SK_OK);
	if (naive) {
		naive_path(index, (const uint8_t(*)[H])m->leaves, size, want, &wn);
		assert_int_equal(n, wn);
		if (n)
			assert_memory_equal(proof, want, n * H);
	}
}

static void check_consistency(struct tilemap *m, uint64_t size1, uint64_t size2, bool naive)
{
	uint8_t proof[LEDGER_MAX_PROOF][H], want[LEDGER_MAX_PROOF][H], r1[H], r2[H];
	size_t n = 0, wn = 0;

	m->limit = size2;
	m->reads = 0;
	assert_int_equal(ledger_prove_consistency(size1, size2, tile_read, m, proof, &n), SK_OK);
	assert_true(m->reads <= 2 * log2_ceil(size2) + 2);
	assert_int_equal(ledger_root_at(size1, tile_read, m, r1), SK_OK);
	assert_int_equal(ledger_root_at(size2, tile_read, m, r2), SK_OK);
	assert_int_equal(
	        ledger_verify_consistency(size1, size2, r1, r2, (const uint8_t(*)[H])proof, n),
	        SK_OK);
	if (naive) {
		naive_subproof(size1, (const uint8_t(*)[H])m->leaves, size2, true, want, &wn);
		assert_int_equal(n, wn);
		if (n)
			assert_memory_equal(proof, want, n * H);
	}
}

/* Root, compact range and every proof of every tree of size 1..300. */
static void test_small_trees(void **state)
{
	struct tilemap m = {0};
	struct ledger_tree t, loaded;
	uint8_t want[H], got[H];
	uint64_t size, i, s1;

	(void)state;
	build(&m, &t, 300, true);
	for (size = 0; size <= 300; size++) {
		naive_mth((const uint8_t(*)[H])m.leaves, size, want);
		m.limit = size;
		assert_int_equal(ledger_root_at(size, tile_read, &m, got), SK_OK);
		assert_memory_equal(got, want, H);
		assert_int_equal(ledger_tree_load(&loaded, size, tile_read, &m), SK_OK);
		assert_int_equal(loaded.size, size);
		ledger_tree_root(&loaded, got);
		assert_memory_equal(got, want, H);
		/* Every pair while small, then a spread that keeps both edges and the powers of
		 * two. */
		for (i = 0; i < size; i++)
			if (size <= 100 || i % 7 == 0 || i + 2 >= size || (i & (i - 1)) == 0)
				check_inclusion(&m, i, size, want, size <= 64 || i % 29 == 0);
		for (s1 = 1; s1 <= size; s1++)
			if (size <= 64 || s1 % 11 == 0 || s1 + 2 >= size || (s1 & (s1 - 1)) == 0)
				check_consistency(&m, s1, size, size <= 64 || s1 % 29 == 0);
	}
	/* A tree loaded from storage continues exactly like the one that was built. */
	m.limit = 257;
	assert_int_equal(ledger_tree_load(&loaded, 257, tile_read, &m), SK_OK);
	tilemap_release(&m);
	{
		struct tilemap m2 = {0};
		struct ledger_tree t2;

		build(&m2, &t2, 257, false);
		assert_int_equal(memcmp(&loaded, &t2, sizeof(t2)), 0);
		tilemap_release(&m2);
	}
	(void)t;
}

/* Bigger trees: several tile levels, proofs still O(log n) reads. */
static void test_large_trees(void **state)
{
	static const uint64_t sizes[] = {1000, 65536, 65537, 70000};
	struct tilemap m = {0};
	struct ledger_tree t, loaded;
	uint8_t root[H], got[H];
	uint64_t s, probes[] = {0, 1, 255, 256, 257, 4095, 65535, 65536, 65537, 69999};
	size_t i, j;

	(void)state;
	build(&m, &t, 70000, false);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		s = sizes[i];
		m.limit = s;
		assert_int_equal(ledger_tree_load(&loaded, s, tile_read, &m), SK_OK);
		ledger_tree_root(&loaded, root);
		assert_int_equal(ledger_root_at(s, tile_read, &m, got), SK_OK);
		assert_memory_equal(root, got, H);
		for (j = 0; j < sizeof(probes) / sizeof(probes[0]); j++) {
			if (probes[j] < s) {
				check_inclusion(&m, probes[j], s, root, s <= 1000);
				if (probes[j] > 0)
					check_consistency(&m, probes[j], s, s <= 1000);
			}
		}
	}
	ledger_tree_root(&t, root);
	naive_mth((const uint8_t(*)[H])m.leaves, 70000, got);
	assert_memory_equal(root, got, H);
	tilemap_release(&m);
}

/* ---- the transparency-dev vectors ---- */

/*
 * The C API only carries 32-byte hashes, but the vectors also hold short
 * "don't care" values. Map those injectively (SHA-256 of the bytes) so equal
 * stays equal and different stays different: that is all a verifier may use.
 */
static void vec_hash(json_t *v, uint8_t out[H])
{
	uint8_t raw[256];
	size_t n = 0;
	const char *s = json_string_value(v);

	assert_non_null(s);
	assert_int_equal(sk_base64_decode(s, strlen(s), raw, sizeof(raw), &n), SK_OK);
	crypto_hash_sha256_state st;
	static const char tag[] = "skydd test: not a 32-byte hash";

	if (n == H) {
		memcpy(out, raw, H);
		return;
	}
	/* Tagged, or "" would map onto the empty tree's root. */
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)tag, sizeof(tag));
	crypto_hash_sha256_update(&st, raw, n);
	crypto_hash_sha256_final(&st, out);
}

/* Returns false when the proof cannot even be represented (too long). */
static bool vec_proof(json_t *arr, uint8_t (*out)[H], size_t *n)
{
	size_t i;

	*n = 0;
	if (json_is_null(arr))
		return true;
	assert_true(json_is_array(arr));
	if (json_array_size(arr) > LEDGER_MAX_PROOF)
		return false;
	for (i = 0; i < json_array_size(arr); i++) {
		const char *s = json_string_value(json_array_get(arr, i));
		uint8_t raw[256];
		size_t len = 0;

		/* A proof element that is not a hash cannot be passed in. */
		assert_non_null(s);
		if (sk_base64_decode(s, strlen(s), raw, sizeof(raw), &len) != SK_OK || len != H)
			return false;
		memcpy(out[i], raw, H);
	}
	*n = json_array_size(arr);
	return true;
}

/*
 * Sizes and indices go up to 2^64 - 1, beyond jansson's signed integers, so
 * they are read from the text itself: the first "key": followed by digits.
 */
static uint64_t vec_u64(const char *text, const char *key)
{
	char pat[64];
	const char *p;
	char *end;
	unsigned long long v;

	snprintf(pat, sizeof(pat), "\"%s\"", key);
	p = strstr(text, pat);
	assert_non_null(p);
	p += strlen(pat);
	while (*p == ' ' || *p == ':' || *p == '\n' || *p == '\t')
		p++;
	assert_true(*p >= '0' && *p <= '9');
	errno = 0;
	v = strtoull(p, &end, 10);
	assert_int_equal(errno, 0);
	assert_true(end > p);
	return (uint64_t)v;
}

struct vec_stats {
	unsigned files, good, bad;
};

static void run_vector(const char *path, bool inclusion, struct vec_stats *st)
{
	uint8_t proof[LEDGER_MAX_PROOF][H], a[H], b[H];
	json_error_t jerr;
	char *text = test_read_file(path, NULL);
	json_t *j = json_loads(text, JSON_DECODE_INT_AS_REAL, &jerr);
	bool want_err, ok = false;
	size_t n;
	int rc;
	const char *leaf_b64;
	uint8_t raw[64];
	size_t raw_len = 0;

	if (!j)
		fail_msg("%s: %s", path, jerr.text);
	want_err = json_is_true(json_object_get(j, "wantErr"));
	assert_true(json_is_boolean(json_object_get(j, "wantErr")));
	if (vec_proof(json_object_get(j, "proof"), proof, &n)) {
		/* A leaf hash of the wrong size cannot be passed in (Go refuses it too). */
		leaf_b64 = json_string_value(json_object_get(j, "leafHash"));
		if (inclusion && (sk_base64_decode(leaf_b64, strlen(leaf_b64), raw, sizeof(raw),
		                                   &raw_len) != SK_OK ||
		                  raw_len != H)) {
			rc = SK_EVERIFY;
		} else if (inclusion) {
			vec_hash(json_object_get(j, "leafHash"), a);
			vec_hash(json_object_get(j, "root"), b);
			rc = ledger_verify_inclusion(vec_u64(text, "leafIdx"),
			                             vec_u64(text, "treeSize"), a,
			                             (const uint8_t(*)[H])proof, n, b);
		} else {
			vec_hash(json_object_get(j, "root1"), a);
			vec_hash(json_object_get(j, "root2"), b);
			rc = ledger_verify_consistency(vec_u64(text, "size1"),
			                               vec_u64(text, "size2"), a, b,
			                               (const uint8_t(*)[H])proof, n);
		}
		assert_true(rc == SK_OK || rc == SK_EVERIFY);
		ok = rc == SK_OK;
	}
	if (ok == want_err)
		fail_msg("%s: verifier %s, wantErr %d", path, ok ? "accepted" : "rejected",
		         want_err);
	st->files++;
	if (want_err)
		st->bad++;
	else
		st->good++;
	json_decref(j);
	free(text);
}

/* Walks dir recursively with opendir, so vectors added later are covered too. */
static void run_dir(const char *dir, bool inclusion, struct vec_stats *st)
{
	char path[1024];
	struct dirent *e;
	struct stat sb;
	DIR *d = opendir(dir);
	size_t len;

	if (!d)
		fail_msg("cannot open %s", dir);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		assert_true((size_t)snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) <
		            sizeof(path));
		assert_int_equal(stat(path, &sb), 0);
		len = strlen(e->d_name);
		if (S_ISDIR(sb.st_mode))
			run_dir(path, inclusion, st);
		else if (len > 5 && strcmp(e->d_name + len - 5, ".json") == 0)
			run_vector(path, inclusion, st);
	}
	closedir(d);
}

static void test_vectors(void **state)
{
	struct vec_stats inc = {0}, con = {0};
	char dir[512];

	(void)state;
	snprintf(dir, sizeof(dir), "%s/testdata/merkle/inclusion", test_shared_dir());
	run_dir(dir, true, &inc);
	snprintf(dir, sizeof(dir), "%s/testdata/merkle/consistency", test_shared_dir());
	run_dir(dir, false, &con);
	print_message("merkle vectors: inclusion %u (%u good), consistency %u (%u good)\n",
	              inc.files, inc.good, con.files, con.good);
	assert_true(inc.files >= 90);
	assert_true(con.files >= 90);
	assert_true(inc.good >= 6);
	assert_true(con.good >= 6);
}

/* ---- the reference tree: roots by size, and our proofs equal the vectors' happy paths ---- */

static void test_reference(void **state)
{
	struct tilemap m = {0};
	struct ledger_tree t;
	uint8_t leaf[H], want[H], got[H], raw[1024];
	uint8_t proof[LEDGER_MAX_PROOF][H], vproof[LEDGER_MAX_PROOF][H];
	char path[512];
	json_error_t jerr;
	json_t *j, *leaves, *roots, *v, *vec;
	const char *key;
	size_t i, n, vn, len;
	unsigned checked = 0;

	(void)state;
	snprintf(path, sizeof(path), "%s/testdata/merkle/reference.json", test_shared_dir());
	j = json_load_file(path, 0, &jerr);
	if (!j)
		fail_msg("%s: %s", path, jerr.text);
	leaves = json_object_get(j, "leaf_inputs_hex");
	roots = json_object_get(j, "root_hashes_hex_by_size");
	assert_true(json_is_array(leaves) && json_array_size(leaves) >= 8);
	assert_true(json_is_object(roots));
	ledger_tree_init(&t);
	json_array_foreach(leaves, i, v)
	{
		const char *hex = json_string_value(v);

		assert_int_equal(sk_hex_decode(hex, strlen(hex), raw, sizeof(raw), &len), SK_OK);
		ledger_leaf_hash(raw, len, leaf);
		assert_int_equal(ledger_tree_append(&t, leaf, tile_emit, &m), SK_OK);
	}
	json_object_foreach(roots, key, v)
	{
		const char *hex = json_string_value(v);
		uint64_t size = strtoull(key, NULL, 10);

		assert_true(size <= t.size);
		assert_int_equal(sk_hex_decode(hex, strlen(hex), want, H, NULL), SK_OK);
		m.limit = size;
		assert_int_equal(ledger_root_at(size, tile_read, &m, got), SK_OK);
		assert_memory_equal(got, want, H);
		checked++;
	}
	assert_true(checked >= 9);

	/* Every happy-path vector's proof is exactly the one we generate. */
	for (i = 0; i <= 4; i++) {
		snprintf(path, sizeof(path), "%s/testdata/merkle/inclusion/%zu/happy-path.json",
		         test_shared_dir(), i);
		vec = json_load_file(path, 0, &jerr);
		assert_non_null(vec);
		assert_true(vec_proof(json_object_get(vec, "proof"), vproof, &vn));
		m.limit = (uint64_t)json_integer_value(json_object_get(vec, "treeSize"));
		assert_int_equal(ledger_prove_inclusion((uint64_t)json_integer_value(
		                                                json_object_get(vec, "leafIdx")),
		                                        m.limit, tile_read, &m, proof, &n),
		                 SK_OK);
		assert_int_equal(n, vn);
		if (n)
			assert_memory_equal(proof, vproof, n * H);
		json_decref(vec);

		snprintf(path, sizeof(path), "%s/testdata/merkle/consistency/%zu/happy-path.json",
		         test_shared_dir(), i);
		vec = json_load_file(path, 0, &jerr);
		assert_non_null(vec);
		assert_true(vec_proof(json_object_get(vec, "proof"), vproof, &vn));
		m.limit = (uint64_t)json_integer_value(json_object_get(vec, "size2"));
		assert_int_equal(ledger_prove_consistency((uint64_t)json_integer_value(
		                                                  json_object_get(vec, "size1")),
		                                          m.limit, tile_read, &m, proof, &n),
		                 SK_OK);
		assert_int_equal(n, vn);
		if (n)
			assert_memory_equal(proof, vproof, n * H);
		json_decref(vec);
	}
	json_decref(j);
	tilemap_release(&m);
}

/* ---- hashing and tiles ---- */

static void test_hashes(void **state)
{
	uint8_t got[H], want[H], buf[1 + 2 * H], pair[2][H];
	unsigned i;

	(void)state;
	ledger_empty_root(got);
	assert_int_equal(sk_hex_decode("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca49599"
	                               "1b7852b855",
	                               64, want, H, NULL),
	                 SK_OK);
	assert_memory_equal(got, want, H);
	/* The leaf hash of the empty string is the reference tree's root at size 1. */
	ledger_leaf_hash("", 0, got);
	assert_int_equal(sk_hex_decode("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a3"
	                               "0617afa01d",
	                               64, want, H, NULL),
	                 SK_OK);
	assert_memory_equal(got, want, H);
	for (i = 0; i < 2; i++)
		make_leaf(i, pair[i]);
	buf[0] = 1;
	memcpy(buf + 1, pair[0], H);
	memcpy(buf + 1 + H, pair[1], H);
	crypto_hash_sha256(want, buf, sizeof(buf));
	ledger_node_hash(pair[0], pair[1], got);
	assert_memory_equal(got, want, H);
	ledger_tile_fold((const uint8_t(*)[H])pair, 2, got);
	assert_memory_equal(got, want, H);
	ledger_tile_fold((const uint8_t(*)[H])pair, 1, got);
	assert_memory_equal(got, pair[0], H);
}

static void test_tile_locate(void **state)
{
	struct ledger_tile_ref r;

	(void)state;
	ledger_tile_locate(0, 5, &r);
	assert_true(r.tile_level == 0 && r.tile_index == 0 && r.offset == 5 && r.count == 1);
	ledger_tile_locate(0, 256, &r);
	assert_true(r.tile_level == 0 && r.tile_index == 1 && r.offset == 0 && r.count == 1);
	ledger_tile_locate(7, 3, &r);
	assert_true(r.tile_level == 0 && r.tile_index == 1 && r.offset == 128 && r.count == 128);
	ledger_tile_locate(8, 3, &r);
	assert_true(r.tile_level == 1 && r.tile_index == 0 && r.offset == 3 && r.count == 1);
	ledger_tile_locate(9, 300, &r);
	assert_true(r.tile_level == 1 && r.tile_index == 2 && r.offset == 88 && r.count == 2);
	ledger_tile_locate(63, 0, &r);
	assert_true(r.tile_level == 7 && r.tile_index == 0 && r.offset == 0 && r.count == 128);
}

/* ---- bad paths ---- */

static void test_ranges(void **state)
{
	struct tilemap m = {0};
	struct ledger_tree t;
	uint8_t proof[LEDGER_MAX_PROOF][H], root[H];
	size_t n = 99;

	(void)state;
	build(&m, &t, 20, false);
	m.limit = 20;
	assert_int_equal(ledger_prove_inclusion(20, 20, tile_read, &m, proof, &n), SK_ERANGE);
	assert_int_equal(n, 0);
	assert_int_equal(ledger_prove_inclusion(0, 0, tile_read, &m, proof, &n), SK_ERANGE);
	assert_int_equal(ledger_prove_inclusion(UINT64_MAX, UINT64_MAX, tile_read, &m, proof, &n),
	                 SK_ERANGE);
	assert_int_equal(ledger_prove_consistency(21, 20, tile_read, &m, proof, &n), SK_ERANGE);
	assert_int_equal(ledger_prove_consistency(0, 20, tile_read, &m, proof, &n), SK_ERANGE);
	assert_int_equal(ledger_prove_consistency(20, 20, tile_read, &m, proof, &n), SK_OK);
	assert_int_equal(n, 0);
	assert_int_equal(ledger_root_at(UINT64_MAX, tile_read, &m, root), SK_ERANGE);
	assert_int_equal(m.reads, 0);

	/* The verifiers refuse what no tree can have. */
	ledger_tree_root(&t, root);
	assert_int_equal(ledger_verify_inclusion(20, 20, m.leaves[0], NULL, 0, root), SK_EVERIFY);
	assert_int_equal(ledger_verify_inclusion(0, 20, m.leaves[0], (const uint8_t(*)[H])proof,
	                                         LEDGER_MAX_PROOF + 1, root),
	                 SK_EVERIFY);
	assert_int_equal(ledger_verify_consistency(20, 19, root, root, NULL, 0), SK_EVERIFY);
	assert_int_equal(ledger_verify_consistency(0, 0, root, root, NULL, 0), SK_EVERIFY);
	assert_int_equal(ledger_verify_consistency(20, 20, root, root, NULL, 0), SK_OK);

	/* A full tree refuses another leaf and stays as it was. */
	{
		struct ledger_tree full, copy;
		unsigned i;

		ledger_tree_init(&full);
		full.size = (UINT64_C(1) << 63) - 1;
		full.count = 63;
		for (i = 0; i < 63; i++)
			memcpy(full.peaks[i], m.leaves[i % 20], H);
		copy = full;
		assert_int_equal(ledger_tree_append(&full, m.leaves[0], NULL, NULL), SK_ERANGE);
		assert_int_equal(memcmp(&full, &copy, sizeof(full)), 0);
	}
	tilemap_release(&m);
}

static void test_reader_errors(void **state)
{
	struct tilemap m = {0};
	struct ledger_tree t, before, loaded;
	uint8_t proof[LEDGER_MAX_PROOF][H], root[H], leaf[H];
	size_t n;
	unsigned k;

	(void)state;
	build(&m, &t, 300, false);
	m.limit = 300;
	/* Whichever read fails, the error comes back unchanged. */
	for (k = 1; k <= 4; k++) {
		m.reads = 0;
		m.fail_at = k;
		assert_int_equal(ledger_prove_inclusion(5, 299, tile_read, &m, proof, &n), SK_EIO);
		m.reads = 0;
		assert_int_equal(ledger_prove_consistency(5, 299, tile_read, &m, proof, &n),
		                 SK_EIO);
		m.reads = 0;
		assert_int_equal(ledger_root_at(299, tile_read, &m, root), SK_EIO);
		m.reads = 0;
		loaded = t;
		assert_int_equal(ledger_tree_load(&loaded, 299, tile_read, &m), SK_EIO);
		assert_int_equal(memcmp(&loaded, &t, sizeof(t)), 0);
	}
	m.fail_at = 0;
	/* A node the store does not have: its error, not a wrong proof. */
	m.limit = 1000;
	assert_int_equal(ledger_prove_inclusion(5, 1000, tile_read, &m, proof, &n), SK_ENOTFOUND);

	/* An emit failure at any step of a cascading append leaves the tree unchanged. */
	make_leaf(300, leaf);
	for (k = 1; k <= 3; k++) {
		struct tilemap m2 = {0};
		struct ledger_tree t2;

		build(&m2, &t2, 255, false);
		before = t2;
		m2.emits = 0;
		m2.emit_fail = k;
		assert_int_equal(ledger_tree_append(&t2, leaf, tile_emit, &m2), SK_EIO);
		assert_int_equal(memcmp(&before, &t2, sizeof(t2)), 0);
		tilemap_release(&m2);
	}
	tilemap_release(&m);
}

/* Any change to a good proof or its statement is refused. */
static void test_tampered(void **state)
{
	struct tilemap m = {0};
	struct ledger_tree t;
	uint8_t proof[LEDGER_MAX_PROOF + 1][H], r1[H], r2[H], leaf[H];
	const uint8_t(*p)[H] = (const uint8_t(*)[H])proof;
	size_t n, i;
	unsigned bit;

	(void)state;
	build(&m, &t, 77, false);
	m.limit = 77;
	assert_int_equal(ledger_root_at(77, tile_read, &m, r2), SK_OK);
	assert_int_equal(ledger_prove_inclusion(42, 77, tile_read, &m, proof, &n), SK_OK);
	memcpy(leaf, m.leaves[42], H);
	assert_int_equal(ledger_verify_inclusion(42, 77, leaf, p, n, r2), SK_OK);
	for (i = 0; i < n; i++) {
		for (bit = 0; bit < 8 * H; bit += 61) {
			proof[i][bit / 8] ^= (uint8_t)(1u << (bit % 8));
			assert_int_equal(ledger_verify_inclusion(42, 77, leaf, p, n, r2),
			                 SK_EVERIFY);
			proof[i][bit / 8] ^= (uint8_t)(1u << (bit % 8));
		}
	}
	assert_int_equal(ledger_verify_inclusion(41, 77, leaf, p, n, r2), SK_EVERIFY);
	/*
	 * Sizes whose proof has another shape are refused. (78 or 76 would pass:
	 * leaf 42 has the same path shape there, and the size is not hashed.)
	 */
	assert_int_equal(ledger_verify_inclusion(42, 64, leaf, p, n, r2), SK_EVERIFY);
	assert_int_equal(ledger_verify_inclusion(42, 43, leaf, p, n, r2), SK_EVERIFY);
	assert_int_equal(ledger_verify_inclusion(42, 154, leaf, p, n, r2), SK_EVERIFY);
	assert_int_equal(ledger_verify_inclusion(42, 77, leaf, p, n - 1, r2), SK_EVERIFY);
	memcpy(proof[n], proof[0], H);
	assert_int_equal(ledger_verify_inclusion(42, 77, leaf, p, n + 1, r2), SK_EVERIFY);
	assert_int_equal(ledger_verify_inclusion(42, 77, m.leaves[43], p, n, r2), SK_EVERIFY);

	assert_int_equal(ledger_root_at(33, tile_read, &m, r1), SK_OK);
	assert_int_equal(ledger_prove_consistency(33, 77, tile_read, &m, proof, &n), SK_OK);
	assert_int_equal(ledger_verify_consistency(33, 77, r1, r2, p, n), SK_OK);
	for (i = 0; i < n; i++) {
		proof[i][i % H] ^= 0x40;
		assert_int_equal(ledger_verify_consistency(33, 77, r1, r2, p, n), SK_EVERIFY);
		proof[i][i % H] ^= 0x40;
	}
	assert_int_equal(ledger_verify_consistency(32, 77, r1, r2, p, n), SK_EVERIFY);
	assert_int_equal(ledger_verify_consistency(33, 40, r1, r2, p, n), SK_EVERIFY);
	assert_int_equal(ledger_verify_consistency(33, 200, r1, r2, p, n), SK_EVERIFY);
	assert_int_equal(ledger_verify_consistency(33, 77, r2, r1, p, n), SK_EVERIFY);
	assert_int_equal(ledger_verify_consistency(33, 77, r1, r2, p, n - 1), SK_EVERIFY);
	memcpy(proof[n], proof[0], H);
	assert_int_equal(ledger_verify_consistency(33, 77, r1, r2, p, n + 1), SK_EVERIFY);
	tilemap_release(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_hashes),      cmocka_unit_test(test_tile_locate),
	        cmocka_unit_test(test_reference),   cmocka_unit_test(test_vectors),
	        cmocka_unit_test(test_small_trees), cmocka_unit_test(test_large_trees),
	        cmocka_unit_test(test_ranges),      cmocka_unit_test(test_reader_errors),
	        cmocka_unit_test(test_tampered),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
