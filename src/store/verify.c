/*
 * skydd verify: recompute every leaf and the whole tree from the stored
 * bytes, compare with the stored tiles and every signed checkpoint (and
 * those in an outside file), and optionally replay all projections.
 * Read-only: it never writes to the instance.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "store_int.h"

enum { CP_DB, CP_AGAINST, CP_LOG };

static const char *const cp_source[] = {"", " (from --against)", " (from checkpoints.log)"};

struct cp_item {
	uint64_t size;
	uint8_t root[LEDGER_HASH_LEN];
	int source; /* CP_DB, CP_AGAINST or CP_LOG */
	bool seen;
};

struct vstate {
	struct store_conn *c;
	struct store_verify_result *res;
	/* tiles being recomputed, one per level */
	uint8_t (*tile)[LEDGER_TILE_WIDTH][LEDGER_HASH_LEN];
	unsigned width[8];
	uint64_t tile_idx[8];
	uint64_t tiles_checked;
};

static int problem(struct store_verify_result *res, int rc, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static int problem(struct store_verify_result *res, int rc, const char *fmt, ...)
{
	va_list ap;

	if (res->problem[0])
		return rc; /* keep the first */
	va_start(ap, fmt);
	vsnprintf(res->problem, sizeof(res->problem), fmt, ap);
	va_end(ap);
	return rc;
}

/*
 * Compares a recomputed tile (width hashes) with the stored one. With
 * prefix, only the hashes recomputed so far: the stored tile may go on.
 */
static int tile_compare(struct vstate *v, unsigned L, bool prefix)
{
	const uint8_t *stored;
	struct store_q *q;
	size_t n;
	unsigned w = v->width[L];
	int rc;

	rc = store_conn_prepare(v->c, "SELECT hashes FROM tile WHERE level = ?1 AND idx = ?2", &q);
	if (rc)
		return problem(v->res, rc, "cannot read tiles: %s", sk_strerror(rc));
	store_q_bind_int(q, 1, L);
	store_q_bind_int(q, 2, (int64_t)v->tile_idx[L]);
	rc = store_q_step(q);
	if (rc) {
		store_q_done(q);
		return problem(v->res, SK_EVERIFY, "tile %u/%llu: missing from the database", L,
		               (unsigned long long)v->tile_idx[L]);
	}
	stored = store_q_blob(q, 0, &n);
	rc = SK_OK;
	for (unsigned k = 0; k < w && !rc; k++) {
		if (n < (size_t)(k + 1) * LEDGER_HASH_LEN ||
		    memcmp(stored + (size_t)k * LEDGER_HASH_LEN, v->tile[L][k], LEDGER_HASH_LEN)) {
			uint64_t node = v->tile_idx[L] * LEDGER_TILE_WIDTH + k;

			if (L == 0)
				rc = problem(v->res, SK_EVERIFY,
				             "entry %llu: its hash differs from the stored tree "
				             "(the entry or tile 0/%llu was altered)",
				             (unsigned long long)node + 1,
				             (unsigned long long)v->tile_idx[L]);
			else
				rc = problem(v->res, SK_EVERIFY,
				             "tile %u/%llu: hash %u differs from the tree "
				             "recomputed from the entries",
				             L, (unsigned long long)v->tile_idx[L], k);
		}
	}
	if (!rc && !prefix && n != (size_t)w * LEDGER_HASH_LEN)
		rc = problem(v->res, SK_EVERIFY, "tile %u/%llu: holds %zu hashes, expected %u", L,
		             (unsigned long long)v->tile_idx[L], n / LEDGER_HASH_LEN, w);
	store_q_done(q);
	v->tiles_checked++;
	return rc;
}

static int verify_emit(void *ctx, unsigned level, uint64_t index,
                       const uint8_t hash[LEDGER_HASH_LEN])
{
	struct vstate *v = ctx;
	unsigned L = level / LEDGER_TILE_HEIGHT;
	int rc = SK_OK;

	if (level % LEDGER_TILE_HEIGHT != 0 || L >= 8)
		return SK_OK;
	v->tile_idx[L] = index / LEDGER_TILE_WIDTH;
	memcpy(v->tile[L][index % LEDGER_TILE_WIDTH], hash, LEDGER_HASH_LEN);
	v->width[L] = (unsigned)(index % LEDGER_TILE_WIDTH) + 1;
	if (v->width[L] == LEDGER_TILE_WIDTH) {
		rc = tile_compare(v, L, false);
		v->width[L] = 0;
	}
	return rc;
}

/* The seq inside canonical entry bytes: they end with ,"seq":N,"time":"<27>"} */
static bool seq_in_bytes(const char *b, size_t len, uint64_t *seq)
{
	static const char tail[] = ",\"time\":\"";
	static const char head[] = ",\"seq\":";
	size_t end, start;
	uint64_t v = 0;

	if (len < 38 + 8 || memcmp(b + len - 38, tail, sizeof(tail) - 1) != 0)
		return false;
	end = len - 38;
	start = end;
	while (start > 0 && b[start - 1] >= '0' && b[start - 1] <= '9')
		start--;
	if (start == end || end - start > 16 || start < sizeof(head) - 1 ||
	    memcmp(b + start - (sizeof(head) - 1), head, sizeof(head) - 1) != 0)
		return false;
	for (size_t i = start; i < end; i++)
		v = v * 10 + (uint64_t)(b[i] - '0');
	*seq = v;
	return true;
}

/*
 * The time, actor, kind and object columns repeat fields of the hashed
 * bytes for filtering, and the Säkerhetslogg shows them: compare them as
 * text with the bytes (store_entry_envelope), so an edited column is
 * tampering found by plain verify, not only by --replay.
 */
static int columns_check(struct store_q *q, uint64_t seq, const char *bytes, size_t len,
                         struct store_verify_result *res)
{
	static const char *const name[] = {"time", "actor", "kind", "object"};
	struct store_envelope env;

	if (!store_entry_envelope(bytes, len, &env))
		return problem(res, SK_EVERIFY, "entry %llu: its stored bytes are not an entry",
		               (unsigned long long)seq);
	for (int k = 0; k < 4; k++) {
		bool same;

		if (k == 1) {
			/*
			 * actor has INTEGER affinity: '7' or 7.0 are stored as 7, so
			 * anything but an integer is an edit. Comparing numbers saves
			 * SQLite a text conversion per row.
			 */
			int64_t want = 0;

			for (size_t i = 0; i < env.len[1] && i < 18; i++)
				want = want * 10 + (env.ptr[1][i] - '0');
			same = env.len[1] < 18 && sqlite3_column_type(q->st, 3) == SQLITE_INTEGER &&
			       sqlite3_column_int64(q->st, 3) == want;
		} else {
			const char *col = (const char *)sqlite3_column_text(q->st, 2 + k);
			size_t n = (size_t)sqlite3_column_bytes(q->st, 2 + k);

			same = col && n == env.len[k] && memcmp(col, env.ptr[k], n) == 0;
		}
		if (!same)
			return problem(
			        res, SK_EVERIFY,
			        "entry %llu: its columns disagree with its hashed bytes (%s)",
			        (unsigned long long)seq, name[k]);
	}
	return SK_OK;
}

/* ---- checkpoints ---- */

static int cp_add(struct cp_item **items, size_t *n, size_t *cap,
                  const struct ledger_checkpoint *cp, int source)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		void *p = realloc(*items, nc * sizeof(**items));

		if (!p)
			return SK_ENOMEM;
		*items = p;
		*cap = nc;
	}
	(*items)[*n].size = cp->size;
	memcpy((*items)[*n].root, cp->root, LEDGER_HASH_LEN);
	(*items)[*n].source = source;
	(*items)[*n].seen = false;
	(*n)++;
	return SK_OK;
}

static int cp_cmp(const void *a, const void *b)
{
	const struct cp_item *x = a, *y = b;

	/* At equal sizes the outside copy speaks first: it is the one an attacker cannot reach. */
	static const int rank[] = {[CP_AGAINST] = 0, [CP_LOG] = 1, [CP_DB] = 2};

	if (x->size != y->size)
		return x->size < y->size ? -1 : 1;
	return rank[x->source] - rank[y->source];
}

static int load_stored_checkpoints(struct store_conn *c, const struct ledger_verifier *vf,
                                   const char *origin, struct cp_item **items, size_t *n,
                                   size_t *cap, struct store_verify_result *res)
{
	struct ledger_checkpoint cp;
	struct store_q *q;
	int rc;

	rc = store_conn_prepare(c, "SELECT size, note FROM checkpoint ORDER BY size", &q);
	if (rc)
		return problem(res, rc, "cannot read checkpoints: %s", sk_strerror(rc));
	while ((rc = store_q_step(q)) == SK_OK) {
		const char *note = store_q_text(q, 1);
		uint64_t size = (uint64_t)store_q_int(q, 0);

		if (ledger_checkpoint_open(note, strlen(note), vf, &cp) != SK_OK) {
			rc = problem(res, SK_EVERIFY,
			             "checkpoint at size %llu: signature does not verify with %s",
			             (unsigned long long)size, STORE_VKEY_FILE);
			break;
		}
		if (cp.size != size || strcmp(cp.origin, origin) != 0) {
			rc = problem(res, SK_EVERIFY,
			             "checkpoint at size %llu: its note is for size %llu of \"%s\"",
			             (unsigned long long)size, (unsigned long long)cp.size,
			             cp.origin);
			break;
		}
		rc = cp_add(items, n, cap, &cp, CP_DB);
		if (rc)
			break;
		res->checkpoints++;
	}
	store_q_done(q);
	return rc == SK_ENOTFOUND ? SK_OK : rc;
}

struct against_ctx {
	struct cp_item **items;
	size_t *n, *cap;
	int source;
	uint64_t count;
};

static int against_add(void *ctx, uint64_t off, const struct ledger_checkpoint *cp,
                       const char *note, size_t len)
{
	struct against_ctx *a = ctx;

	(void)off;
	(void)note;
	(void)len;
	a->count++;
	return cp_add(a->items, a->n, a->cap, cp, a->source);
}

/*
 * A file of signed checkpoints: notes separated by blank lines, each
 * "origin\nsize\nroot\n\n— sig...\n". A single note file works too. A note
 * that does not verify, or garbage, is tampering (SK_EVERIFY); a final note
 * cut short by a crash is counted in *torn and otherwise ignored. *count
 * gets the number of notes; SK_ENOTFOUND when the file does not exist.
 */
static int load_against(const char *path, int source, const struct ledger_verifier *vf,
                        const char *origin, struct cp_item **items, size_t *n, size_t *cap,
                        uint64_t *count, uint64_t *torn, struct store_verify_result *res)
{
	struct against_ctx a = {items, n, cap, source, 0};
	struct store_cplog_result cr;
	int rc;

	rc = store_cplog_scan(path, vf, origin, false, against_add, &a, &cr);
	*count = a.count;
	*torn = cr.torn;
	if (rc == SK_EVERIFY)
		return problem(res, rc, "%s: %s", path, cr.why);
	if (rc == SK_ENOTFOUND)
		return SK_ENOTFOUND;
	if (rc == SK_EIO)
		return problem(res, rc, "cannot read %s", path);
	return rc;
}

/* ---- the pass over all entries ---- */

static int stream_entries(struct vstate *v, struct cp_item *cps, size_t ncp, uint64_t total,
                          const struct store_verify_opts *opts, struct ledger_tree *tree)
{
	struct store_q *q;
	size_t next = 0;
	uint8_t leaf[LEDGER_HASH_LEN], root[LEDGER_HASH_LEN];
	int rc;

	rc = store_conn_prepare(
	        v->c, "SELECT seq, entry, time, actor, kind, object FROM ledger ORDER BY seq", &q);
	if (rc)
		return problem(v->res, rc, "cannot read the ledger: %s", sk_strerror(rc));
	ledger_tree_init(tree);
	/* Checkpoints at size 0 */
	ledger_tree_root(tree, root);
	while (next < ncp && cps[next].size == 0) {
		if (memcmp(root, cps[next].root, LEDGER_HASH_LEN) != 0) {
			store_q_done(q);
			return problem(v->res, SK_EVERIFY, "checkpoint at size 0: wrong root");
		}
		cps[next++].seen = true;
	}
	while ((rc = store_q_step(q)) == SK_OK) {
		uint64_t seq = (uint64_t)store_q_int(q, 0), inner;
		const char *bytes = store_q_text(q, 1);
		size_t len = (size_t)sqlite3_column_bytes(q->st, 1);

		if (seq != tree->size + 1) {
			rc = problem(v->res, SK_EVERIFY,
			             seq > tree->size + 1
			                     ? "entry %llu: missing (the sequence jumps to %llu)"
			                     : "entry %llu: duplicate or out of order (found %llu)",
			             (unsigned long long)tree->size + 1, (unsigned long long)seq);
			break;
		}
		if (!seq_in_bytes(bytes, len, &inner) || inner != seq) {
			rc = problem(v->res, SK_EVERIFY,
			             "entry %llu: its stored bytes are not the entry for seq %llu",
			             (unsigned long long)seq, (unsigned long long)seq);
			break;
		}
		rc = columns_check(q, seq, bytes, len, v->res);
		if (rc)
			break;
		ledger_leaf_hash(bytes, len, leaf);
		rc = ledger_tree_append(tree, leaf, verify_emit, v);
		if (rc)
			break;
		while (next < ncp && cps[next].size == tree->size) {
			ledger_tree_root(tree, root);
			if (sodium_memcmp(root, cps[next].root, LEDGER_HASH_LEN) != 0) {
				/*
				 * Name the altered entry, not just the checkpoint: the
				 * stored tiles so far still hold its original hash.
				 */
				for (unsigned L = 0; L < 8 && !rc; L++) {
					if (v->width[L])
						rc = tile_compare(v, L, true);
				}
				if (!rc)
					rc = problem(v->res, SK_EVERIFY,
					             "checkpoint at size %llu%s: its root does not "
					             "match entries 1..%llu",
					             (unsigned long long)cps[next].size,
					             cp_source[cps[next].source],
					             (unsigned long long)cps[next].size);
				break;
			}
			cps[next++].seen = true;
		}
		if (rc)
			break;
		if (opts->progress && (seq & 0xffff) == 0)
			opts->progress(opts->ctx, seq, total);
	}
	store_q_done(q);
	if (rc != SK_ENOTFOUND)
		return rc ? rc : SK_EINTERNAL;
	if (next < ncp)
		return problem(v->res, SK_EVERIFY,
		               "checkpoint at size %llu%s: the ledger has only %llu entries "
		               "(entries were removed)",
		               (unsigned long long)cps[next].size, cp_source[cps[next].source],
		               (unsigned long long)tree->size);
	return SK_OK;
}

/* After the pass: the partial right-edge tiles, and no stray tiles. */
static int finish_tiles(struct vstate *v, const struct ledger_tree *tree)
{
	struct store_q *q;
	uint64_t expected = 0, stored = 0;
	int rc;

	for (unsigned L = 0; L < 8; L++) {
		uint64_t nodes =
		        L * LEDGER_TILE_HEIGHT < 64 ? tree->size >> (L * LEDGER_TILE_HEIGHT) : 0;

		expected += (nodes + LEDGER_TILE_WIDTH - 1) / LEDGER_TILE_WIDTH;
		if (v->width[L]) {
			rc = tile_compare(v, L, false);
			if (rc)
				return rc;
		}
	}
	rc = store_conn_prepare(v->c, "SELECT count(*) FROM tile", &q);
	if (rc)
		return problem(v->res, rc, "cannot read tiles");
	if (store_q_step(q) == SK_OK)
		stored = (uint64_t)store_q_int(q, 0);
	store_q_done(q);
	if (stored != expected)
		return problem(v->res, SK_EVERIFY, "tiles: %llu stored, the tree needs %llu",
		               (unsigned long long)stored, (unsigned long long)expected);
	return SK_OK;
}

/*
 * The entries after the last checkpoint must be covered by the batch seal,
 * which the writer commits with every batch: a tail without it was written
 * without the signing key (docs/internals/ledger.md, "Batch seals").
 */
static int check_tail(struct store_conn *c, const struct ledger_verifier *vf, const char *origin,
                      const struct ledger_tree *tree, uint64_t covered,
                      struct store_verify_result *res)
{
	uint8_t root[LEDGER_HASH_LEN], sroot[LEDGER_HASH_LEN];
	uint64_t ssize = 0;
	int rc;

	rc = store_seal_read(c, vf, origin, &ssize, sroot);
	if (rc == SK_EVERIFY)
		return problem(res, rc, "the batch seal does not verify with %s (it was altered)",
		               STORE_VKEY_FILE);
	if (rc && rc != SK_ENOTFOUND)
		return problem(res, rc, "cannot read the batch seal: %s", sk_strerror(rc));
	if (!rc && ssize > tree->size)
		return problem(res, SK_EVERIFY,
		               "the batch seal is for %llu entries but the ledger has only %llu "
		               "(entries were removed)",
		               (unsigned long long)ssize, (unsigned long long)tree->size);
	if (tree->size <= covered)
		return SK_OK;
	ledger_tree_root(tree, root);
	if (!rc && ssize == tree->size && sodium_memcmp(root, sroot, LEDGER_HASH_LEN) == 0) {
		res->sealed = tree->size - covered;
		return SK_OK;
	}
	return problem(res, SK_EVERIFY,
	               "entries %llu..%llu are covered by no signed checkpoint and no batch seal "
	               "(written without the signing key)",
	               (unsigned long long)covered + 1, (unsigned long long)tree->size);
}

int store_verify(const char *dir, const struct store_verify_opts *opts,
                 struct store_verify_result *res)
{
	struct ledger_verifier vf;
	struct store_conn c = {0};
	struct cp_item *cps = NULL;
	size_t ncp = 0, capcp = 0;
	struct ledger_tree tree;
	struct vstate v;
	char path[STORE_PATH_MAX], vk[256], meta_vk[256], origin[LEDGER_ORIGIN_MAX + 1];
	uint64_t total = 0;
	bool log_missing = false;
	int rc;

	memset(res, 0, sizeof(*res));
	memset(&v, 0, sizeof(v));
	if (sodium_init() < 0)
		return SK_EINTERNAL;
	rc = store_path(path, sizeof(path), dir, STORE_DB_FILE);
	if (rc || access(path, F_OK) != 0)
		return problem(res, SK_ENOTFOUND, "no skydd instance in %s", dir);
	rc = store_conn_open(&c, path, true, false);
	if (!rc)
		rc = store_schema_check(&c);
	if (rc == SK_EVERSION)
		problem(res, rc, "%s was written by a newer version of skydd", path);
	if (rc)
		goto out;
	rc = store_load_verifier(dir, &vf, vk, sizeof(vk));
	if (rc) {
		rc = problem(res, rc == SK_EINVAL ? SK_EVERIFY : rc, "%s/%s: %s", dir,
		             STORE_VKEY_FILE, sk_strerror(rc));
		goto out;
	}
	rc = store_meta_get(&c, "verifier_key", meta_vk, sizeof(meta_vk));
	if (!rc)
		rc = store_meta_get(&c, "origin", origin, sizeof(origin));
	if (rc || strcmp(meta_vk, vk) != 0) {
		rc = problem(res, SK_EVERIFY, "the database's verifier key differs from %s",
		             STORE_VKEY_FILE);
		goto out;
	}
	/*
	 * The outside checkpoints first: the writer commits a checkpoint before
	 * appending it to checkpoints.log, so every one read now is in the
	 * snapshot taken next, even if a writer is running meanwhile.
	 */
	if (opts && opts->against) {
		uint64_t torn;

		rc = load_against(opts->against, CP_AGAINST, &vf, origin, &cps, &ncp, &capcp,
		                  &res->against, &torn, res);
		if (rc == SK_ENOTFOUND)
			rc = problem(res, SK_EIO, "cannot read %s", opts->against);
		else if (!rc && res->against == 0)
			rc = problem(res, SK_EINVAL, "%s: holds no checkpoint", opts->against);
		if (rc)
			goto out;
	}
	/*
	 * The instance's own checkpoints.log is a second copy of every
	 * checkpoint. Garbage in it is tampering; a missing or empty one is
	 * judged once the number of entries is known.
	 */
	{
		char own[STORE_PATH_MAX];

		rc = store_path(own, sizeof(own), dir, STORE_CPLOG_FILE);
		if (!rc)
			rc = load_against(own, CP_LOG, &vf, origin, &cps, &ncp, &capcp,
			                  &res->logged, &res->torn, res);
		if (rc == SK_ENOTFOUND)
			log_missing = true;
		else if (rc)
			goto out;
		rc = SK_OK;
	}
	/* One snapshot for the whole check, even if a writer is running. */
	rc = store_conn_exec(&c, "BEGIN");
	if (rc)
		goto out;
	rc = store_conn_size(&c, &total);
	if (!rc)
		rc = load_stored_checkpoints(&c, &vf, origin, &cps, &ncp, &capcp, res);
	if (rc)
		goto out_end;
	if (ncp)
		qsort(cps, ncp, sizeof(*cps), cp_cmp);

	v.c = &c;
	v.res = res;
	v.tile = calloc(8, sizeof(*v.tile));
	if (!v.tile) {
		rc = SK_ENOMEM;
		goto out_end;
	}
	rc = stream_entries(&v, cps, ncp, total, opts ? opts : &(struct store_verify_opts){0},
	                    &tree);
	if (!rc)
		rc = finish_tiles(&v, &tree);
	/* Every instance signs a checkpoint at init: none at all means they were deleted. */
	if (!rc && tree.size > 0 && res->checkpoints == 0)
		rc = problem(res, SK_EVERIFY,
		             "no signed checkpoint is stored for the %llu entries (checkpoints "
		             "were deleted)",
		             (unsigned long long)tree.size);
	if (!rc && tree.size > 0 && log_missing)
		rc = problem(res, SK_EVERIFY,
		             "%s is missing: the %llu entries are not verified against it (it was "
		             "deleted; restore it from a copy)",
		             STORE_CPLOG_FILE, (unsigned long long)tree.size);
	if (!rc && tree.size > 0 && !log_missing && res->logged == 0)
		rc = problem(res, SK_EVERIFY,
		             "%s holds no checkpoint for the %llu entries (its notes were removed)",
		             STORE_CPLOG_FILE, (unsigned long long)tree.size);
	if (!rc)
		rc = check_tail(&c, &vf, origin, &tree, ncp ? cps[ncp - 1].size : 0, res);
	if (rc)
		goto out_end;
	res->entries = tree.size;
	ledger_tree_root(&tree, res->root);
	if (opts && opts->replay)
		rc = store_replay(&c, res);
out_end:
	store_conn_exec(&c, "COMMIT");
out:
	if (rc && !res->problem[0])
		problem(res, rc, "%s", sk_strerror(rc));
	free(v.tile);
	free(cps);
	store_conn_close(&c);
	return rc;
}
