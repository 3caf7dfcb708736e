/*
 * Read-only checks of seclog.db: the full verification (every message
 * hashed again, the tree rebuilt against the stored tiles, checkpoints,
 * the seal, segments and culls) and inclusion proofs with their check by
 * the verifier key alone.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "seclog_int.h"

struct cp {
	uint64_t size;
	uint8_t root[LEDGER_HASH_LEN];
	bool head; /* seclog.head's, not the table's */
};

struct seg {
	int64_t id, month;
	uint64_t first, last;
	int64_t retain_until;
	bool culled;
	int64_t max_retain; /* recomputed from the bodies */
};

struct vctx {
	sqlite3 *db;
	struct ledger_verifier v;
	char origin[LEDGER_ORIGIN_MAX + 1];
	struct seclog_verify_report *r;
	const char *dir;
	struct seclog_tiles tiles;
	uint64_t size;      /* messages, from the highest index */
	sqlite3_stmt *cpst; /* the checkpoint table, in order of size */
	struct cp tbl, head;
	bool have_tbl, have_head;
	struct seg *segs;
	size_t nseg;
};

static int fail(struct vctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct vctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->r->problem, sizeof(c->r->problem), fmt, ap);
	va_end(ap);
	return SK_EVERIFY;
}

/* The expected width of tile (L, N) in a tree of size leaves. */
static unsigned tile_width(uint64_t size, unsigned L, uint64_t N)
{
	uint64_t nodes = size >> (L * LEDGER_TILE_HEIGHT);
	uint64_t from = N * LEDGER_TILE_WIDTH;

	if (nodes <= from)
		return 0;
	return nodes - from >= LEDGER_TILE_WIDTH ? LEDGER_TILE_WIDTH : (unsigned)(nodes - from);
}

/* Every node the rebuilt tree completes at a stored level must equal its tile's hash. */
static int check_node(void *ctx, unsigned level, uint64_t index, const uint8_t h[LEDGER_HASH_LEN])
{
	struct vctx *c = ctx;
	unsigned L = level / LEDGER_TILE_HEIGHT;
	uint64_t N = index / LEDGER_TILE_WIDTH;
	unsigned k = (unsigned)(index % LEDGER_TILE_WIDTH);
	int rc;

	if (level % LEDGER_TILE_HEIGHT)
		return SK_OK;
	rc = seclog_tiles_get(&c->tiles, L, N);
	if (rc == SK_ENOTFOUND)
		return fail(c, "tile %u/%" PRIu64 " is missing", L, N);
	if (rc == SK_ECORRUPT)
		return fail(c, "tile %u/%" PRIu64 " is malformed", L, N);
	if (rc)
		return rc;
	if (c->tiles.width[L] != tile_width(c->size, L, N))
		return fail(c, "tile %u/%" PRIu64 " holds %u hashes, the log needs %u", L, N,
		            c->tiles.width[L], tile_width(c->size, L, N));
	if (sodium_memcmp(c->tiles.h[L][k], h, LEDGER_HASH_LEN) == 0)
		return SK_OK;
	if (L == 0)
		return fail(c, "message %" PRIu64 ": its hash differs from tile 0/%" PRIu64, index,
		            N);
	return fail(c, "tile %u/%" PRIu64 ": hash %u differs from the rebuilt tree", L, N, k);
}

/*
 * Checkpoints are read as the walk reaches their sizes, not all at once: a
 * log that signs one a minute for 25 years has 13 million of them. The
 * table's and seclog.head's are merged in order of size.
 */
static int cp_fetch(struct vctx *c)
{
	struct ledger_checkpoint cp;
	const char *note;
	int64_t size;
	int step = sqlite3_step(c->cpst);

	c->have_tbl = false;
	if (step == SQLITE_DONE)
		return SK_OK;
	if (step != SQLITE_ROW)
		return SK_EIO;
	note = (const char *)sqlite3_column_text(c->cpst, 1);
	size = sqlite3_column_int64(c->cpst, 0);
	if (!note || ledger_checkpoint_open(note, (size_t)sqlite3_column_bytes(c->cpst, 1), &c->v,
	                                    &cp) != SK_OK)
		return fail(c, "checkpoint of size %" PRId64 ": its signature does not verify",
		            size);
	if (strcmp(cp.origin, c->origin) != 0 || size < 0 || cp.size != (uint64_t)size)
		return fail(c, "checkpoint of size %" PRId64 ": another log's or size", size);
	c->tbl = (struct cp){.size = cp.size, .head = false};
	memcpy(c->tbl.root, cp.root, LEDGER_HASH_LEN);
	c->have_tbl = true;
	c->r->checkpoints++;
	return SK_OK;
}

/* The next checkpoint to reach, or NULL. */
static const struct cp *cp_current(const struct vctx *c)
{
	if (c->have_tbl && (!c->have_head || c->tbl.size <= c->head.size))
		return &c->tbl;
	return c->have_head ? &c->head : NULL;
}

static int cp_advance(struct vctx *c)
{
	if (cp_current(c) == &c->tbl)
		return cp_fetch(c);
	c->have_head = false;
	return SK_OK;
}

/* seclog.head, the newest checkpoint kept outside the database: it must be of a prefix. */
static int load_head(struct vctx *c)
{
	struct ledger_checkpoint cp;
	char note[SECLOG_NOTE_MAX];
	size_t len;
	int rc = seclog_head_read(c->dir, note, sizeof(note), &len);

	if (rc == SK_ENOTFOUND)
		return fail(c, "seclog.head is missing");
	if (rc == SK_ECORRUPT)
		return fail(c, "seclog.head is not a checkpoint");
	if (rc)
		return rc;
	if (ledger_checkpoint_open(note, len, &c->v, &cp) != SK_OK)
		return fail(c, "seclog.head: its signature does not verify");
	if (strcmp(cp.origin, c->origin) != 0)
		return fail(c, "seclog.head: a checkpoint of another log (%s)", cp.origin);
	c->head = (struct cp){.size = cp.size, .head = true};
	memcpy(c->head.root, cp.root, LEDGER_HASH_LEN);
	c->have_head = true;
	return SK_OK;
}

static const char *cp_name(const struct cp *cp)
{
	return cp->head ? "seclog.head: checkpoint" : "checkpoint";
}

static int load_checkpoints(struct vctx *c)
{
	int rc = load_head(c);

	if (rc)
		return rc;
	if (sqlite3_prepare_v2(c->db, "SELECT size, note FROM checkpoint ORDER BY size", -1,
	                       &c->cpst, NULL) != SQLITE_OK)
		return SK_EIO;
	return cp_fetch(c);
}

static int load_segments(struct vctx *c)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc = SK_OK, step;
	uint64_t next = 0;

	if (sqlite3_prepare_v2(c->db,
	                       "SELECT id, month, first_idx, last_idx, retain_until, culled"
	                       " FROM segment ORDER BY id",
	                       -1, &st, NULL) != SQLITE_OK)
		return SK_EIO;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct seg g = {.id = sqlite3_column_int64(st, 0),
		                .month = sqlite3_column_int64(st, 1),
		                .first = (uint64_t)sqlite3_column_int64(st, 2),
		                .last = (uint64_t)sqlite3_column_int64(st, 3),
		                .retain_until = sqlite3_column_int64(st, 4),
		                .culled = sqlite3_column_int64(st, 5) != 0};

		/* Segments are consecutive ranges that cover the log exactly. */
		if (g.first != next || g.last < g.first || g.id != (int64_t)c->nseg + 1) {
			rc = fail(c, "segment %" PRId64 ": does not continue the one before it",
			          g.id);
			break;
		}
		next = g.last + 1;
		if (c->nseg == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			void *n = realloc(c->segs, ncap * sizeof(*c->segs));

			if (!n) {
				rc = SK_ENOMEM;
				break;
			}
			c->segs = n;
			cap = ncap;
		}
		c->segs[c->nseg++] = g;
	}
	if (!rc && step != SQLITE_DONE)
		rc = SK_EIO;
	sqlite3_finalize(st);
	if (!rc && next != c->size)
		rc = fail(c, "the segments cover %" PRIu64 " messages, the log has %" PRIu64, next,
		          c->size);
	c->r->segments = c->nseg;
	return rc;
}

/* One message row: its leaf hash, from its body or (culled) from tile 0. */
static int message_leaf(struct vctx *c, sqlite3_stmt *st, uint64_t idx, struct seg *g,
                        uint8_t leaf[LEDGER_HASH_LEN])
{
	const uint8_t *body = sqlite3_column_blob(st, 3);
	size_t len = (size_t)sqlite3_column_bytes(st, 3);
	struct seclog_msg m;
	int rc;

	if (sqlite3_column_type(st, 3) == SQLITE_NULL) {
		if (!g->culled)
			return fail(c, "message %" PRIu64 ": its body is missing", idx);
		rc = seclog_tiles_read_node(&c->tiles, 0, idx, leaf);
		if (rc == SK_ECORRUPT)
			return fail(c, "tile 0/%" PRIu64 " is missing or short",
			            idx / LEDGER_TILE_WIDTH);
		c->r->culled++;
		return rc;
	}
	if (g->culled)
		return fail(c, "message %" PRIu64 ": a body in culled segment %" PRId64, idx,
		            g->id);
	if (seclog_msg_decode(body, len, &m))
		return fail(c, "message %" PRIu64 ": its stored bytes are not a message", idx);
	if (sqlite3_column_type(st, 1) != SQLITE_INTEGER ||
	    sqlite3_column_int64(st, 1) != m.recv_us ||
	    sqlite3_column_type(st, 2) != SQLITE_INTEGER || sqlite3_column_int64(st, 2) != m.source)
		return fail(c,
		            "message %" PRIu64 ": its recv_us or source column differs from "
		            "its hashed bytes",
		            idx);
	int64_t until = seclog_retain_until(m.recv_us, m.retention_years);
	if (until > g->max_retain)
		g->max_retain = until;
	ledger_leaf_hash(body, len, leaf);
	return SK_OK;
}

static int walk_messages(struct vctx *c, struct ledger_tree *t)
{
	sqlite3_stmt *st = NULL;
	uint64_t expect = 0;
	size_t si = 0;
	int rc = SK_OK, step;

	/* Checkpoints of the empty log (the first head) hold the empty root. */
	for (const struct cp *cp = cp_current(c); cp && cp->size == 0; cp = cp_current(c)) {
		uint8_t empty[LEDGER_HASH_LEN];

		ledger_empty_root(empty);
		if (sodium_memcmp(empty, cp->root, LEDGER_HASH_LEN) != 0)
			return fail(c, "%s of size 0: not the empty root", cp_name(cp));
		rc = cp_advance(c);
		if (rc)
			return rc;
	}
	if (sqlite3_prepare_v2(c->db, "SELECT idx, recv_us, source, body FROM msg ORDER BY idx", -1,
	                       &st, NULL) != SQLITE_OK)
		return SK_EIO;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		uint64_t idx = (uint64_t)sqlite3_column_int64(st, 0);
		uint8_t leaf[LEDGER_HASH_LEN], root[LEDGER_HASH_LEN];

		if (idx != expect) {
			rc = fail(c, "message %" PRIu64 " is missing", expect);
			break;
		}
		while (si < c->nseg && c->segs[si].last < idx)
			si++;
		if (si == c->nseg) {
			rc = fail(c, "message %" PRIu64 " is in no segment", idx);
			break;
		}
		rc = message_leaf(c, st, idx, &c->segs[si], leaf);
		if (!rc)
			rc = ledger_tree_append(t, leaf, check_node, c);
		if (rc)
			break;
		expect++;
		for (const struct cp *cp = cp_current(c); cp && cp->size == t->size;
		     cp = cp_current(c)) {
			ledger_tree_root(t, root);
			if (sodium_memcmp(root, cp->root, LEDGER_HASH_LEN) != 0) {
				rc = fail(c,
				          "%s of size %" PRIu64
				          ": its root differs from the stored log's",
				          cp_name(cp), t->size);
				break;
			}
			rc = cp_advance(c);
			if (rc)
				break;
		}
		if (rc)
			break;
	}
	if (!rc && step != SQLITE_DONE)
		rc = SK_EIO;
	sqlite3_finalize(st);
	return rc;
}

/*
 * Whether a culled segment is covered by a signed decision made after its
 * retention: the note's text must be exactly the one cull.c signs for this
 * segment's range and the row's time, who and why.
 */
static int check_cull(struct vctx *c, const struct seg *g)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(c->db, "SELECT note, time, who, why FROM cull WHERE segment = ?1",
	                       -1, &st, NULL) != SQLITE_OK)
		return SK_EIO;
	sqlite3_bind_int64(st, 1, g->id);
	rc = fail(c, "segment %" PRId64 ": culled without a signed culling decision", g->id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *note = (const char *)sqlite3_column_text(st, 0);
		const char *who = (const char *)sqlite3_column_text(st, 2);
		const char *why = (const char *)sqlite3_column_text(st, 3);
		size_t len = (size_t)sqlite3_column_bytes(st, 0), tlen = 0;
		int64_t when = sqlite3_column_int64(st, 1);
		long long until = 0;
		const char *p;
		struct buf want;

		p = note ? strstr(note, "\nretain_until ") : NULL;
		buf_init(&want, 8192);
		if (p && sscanf(p, "\nretain_until %lld\n", &until) == 1 && who && why)
			buf_printf(&want,
			           "%s\ncull\nsegment %" PRId64 " %" PRIu64 " %" PRIu64
			           "\nretain_until %lld\ntime %" PRId64 "\nwho %s\nwhy %s\n",
			           c->origin, g->id, g->first, g->last, until, when, who, why);
		if (want.len && !want.err &&
		    ledger_note_open(note, len, &c->v, 1, &tlen) == SK_OK && tlen == want.len &&
		    memcmp(note, want.ptr, tlen) == 0 && until >= g->retain_until && when >= until)
			rc = SK_OK;
		buf_release(&want);
	}
	sqlite3_finalize(st);
	return rc;
}

static int check_segments(struct vctx *c)
{
	for (size_t i = 0; i < c->nseg; i++) {
		const struct seg *g = &c->segs[i];

		if (g->culled) {
			int rc = check_cull(c, g);

			if (rc)
				return rc;
		} else if (g->max_retain != g->retain_until) {
			return fail(c,
			            "segment %" PRId64 ": its retention differs from its messages'",
			            g->id);
		}
	}
	return SK_OK;
}

static int check_tail(struct vctx *c, const struct ledger_tree *t)
{
	const struct cp *cp = cp_current(c);
	uint8_t root[LEDGER_HASH_LEN], sroot[LEDGER_HASH_LEN], sig[LEDGER_SEAL_SIG_LEN];
	char text[SECLOG_SEAL_TEXT];
	uint64_t ssize;
	sqlite3_stmt *st = NULL;
	int64_t ntiles = -1, want = 0;
	int rc;

	if (cp)
		return fail(c,
		            "%s of size %" PRIu64 " is larger than the log (%" PRIu64 " messages)",
		            cp_name(cp), cp->size, t->size);
	for (unsigned L = 0; L < SECLOG_TILE_LEVELS; L++) {
		uint64_t nodes = t->size >> (L * LEDGER_TILE_HEIGHT);

		want += (int64_t)((nodes + LEDGER_TILE_WIDTH - 1) / LEDGER_TILE_WIDTH);
	}
	if (sqlite3_prepare_v2(c->db, "SELECT count(*) FROM tile", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		ntiles = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (ntiles != want)
		return fail(c, "%" PRId64 " tiles stored, the log needs %" PRId64, ntiles, want);
	if (t->size == 0)
		return SK_OK;
	/* Messages after the newest checkpoint: the seal committed with them covers them. */
	rc = seclog_meta_get(c->db, "seal", text, sizeof(text));
	if (!rc)
		rc = seclog_seal_parse(text, &ssize, sroot, sig);
	if (rc)
		return fail(c, "the batch seal is missing or malformed");
	ledger_tree_root(t, root);
	if (ssize != t->size || sodium_memcmp(root, sroot, LEDGER_HASH_LEN) != 0 ||
	    ledger_seal_verify(&c->v, c->origin, ssize, sroot, sig) != SK_OK)
		return fail(c, "the batch seal does not cover the log's %" PRIu64 " messages",
		            t->size);
	return SK_OK;
}

static int vctx_open(struct vctx *c, const char *dir)
{
	char vk[256], stored[256];
	sqlite3_stmt *st = NULL;
	int rc;

	rc = seclog_db_open(dir, true, false, &c->db);
	if (rc)
		return rc;
	rc = seclog_read_key(dir, "verifier.key", false, vk, sizeof(vk));
	if (!rc)
		rc = ledger_verifier_parse(vk, strlen(vk), &c->v) ? SK_EINVAL : SK_OK;
	if (!rc)
		rc = seclog_origin_of(c->v.name, c->origin);
	if (rc)
		return rc;
	/* One snapshot for the whole check: the writer may run beside us. */
	rc = seclog_exec(c->db, "BEGIN");
	if (!rc)
		rc = seclog_meta_get(c->db, "verifier_key", stored, sizeof(stored));
	if (rc == SK_ENOTFOUND || (!rc && strcmp(stored, vk) != 0))
		return fail(c, "seclog.db belongs to another key than verifier.key");
	if (rc)
		return rc;
	rc = seclog_tiles_init(&c->tiles, c->db);
	if (rc)
		return rc;
	if (sqlite3_prepare_v2(c->db, "SELECT coalesce(max(idx) + 1, 0) FROM msg", -1, &st, NULL) ==
	            SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		c->size = (uint64_t)sqlite3_column_int64(st, 0);
	else
		rc = SK_EIO;
	sqlite3_finalize(st);
	return rc;
}

static void vctx_close(struct vctx *c)
{
	seclog_tiles_release(&c->tiles);
	sqlite3_finalize(c->cpst);
	if (c->db)
		seclog_exec(c->db, "COMMIT");
	sqlite3_close(c->db);
	free(c->segs);
}

int seclog_verify(const char *dir, struct seclog_verify_report *r)
{
	struct vctx c = {.r = r, .dir = dir};
	struct ledger_tree t;
	int rc;

	memset(r, 0, sizeof(*r));
	ledger_tree_init(&t);
	rc = vctx_open(&c, dir);
	if (!rc)
		rc = load_checkpoints(&c);
	if (!rc)
		rc = load_segments(&c);
	if (!rc)
		rc = walk_messages(&c, &t);
	if (!rc)
		rc = check_segments(&c);
	if (!rc)
		rc = check_tail(&c, &t);
	r->size = t.size;
	vctx_close(&c);
	return rc;
}

/* ---- proofs ---- */

int seclog_prove(const char *dir, uint64_t index, struct seclog_proof *p)
{
	struct vctx c = {0};
	struct seclog_verify_report r;
	struct ledger_checkpoint cp;
	sqlite3_stmt *st = NULL;
	int rc;

	memset(p, 0, sizeof(*p));
	c.r = &r;
	c.dir = dir;
	rc = vctx_open(&c, dir);
	if (rc)
		goto out;
	if (sqlite3_prepare_v2(c.db, "SELECT note FROM checkpoint ORDER BY size DESC LIMIT 1", -1,
	                       &st, NULL) != SQLITE_OK) {
		rc = SK_EIO;
		goto out;
	}
	rc = SK_ERANGE;
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *note = (const char *)sqlite3_column_text(st, 0);
		size_t len = (size_t)sqlite3_column_bytes(st, 0);

		rc = note && ledger_checkpoint_open(note, len, &c.v, &cp) == SK_OK ? SK_OK
		                                                                   : SK_ECORRUPT;
		if (!rc && index >= cp.size)
			rc = SK_ERANGE;
		if (!rc) {
			p->note = strndup(note, len);
			p->note_len = len;
			rc = p->note ? SK_OK : SK_ENOMEM;
		}
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc)
		goto out;
	p->index = index;
	p->size = cp.size;
	rc = ledger_prove_inclusion(index, cp.size, seclog_tiles_read_node, &c.tiles, p->path,
	                            &p->n);
	if (!rc)
		rc = seclog_tiles_read_node(&c.tiles, 0, index, p->leaf);
	if (rc)
		goto out;
	if (sqlite3_prepare_v2(c.db, "SELECT body FROM msg WHERE idx = ?1", -1, &st, NULL) !=
	    SQLITE_OK) {
		rc = SK_EIO;
		goto out;
	}
	sqlite3_bind_int64(st, 1, (int64_t)index);
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = SK_ECORRUPT;
	} else if (sqlite3_column_type(st, 0) != SQLITE_NULL) {
		uint8_t h[LEDGER_HASH_LEN];

		p->body_len = (size_t)sqlite3_column_bytes(st, 0);
		p->body = malloc(p->body_len ? p->body_len : 1);
		if (!p->body) {
			rc = SK_ENOMEM;
		} else {
			memcpy(p->body, sqlite3_column_blob(st, 0), p->body_len);
			ledger_leaf_hash(p->body, p->body_len, h);
			/* Never hand out a proof for bytes the tree does not hold. */
			if (sodium_memcmp(h, p->leaf, LEDGER_HASH_LEN) != 0)
				rc = SK_ECORRUPT;
		}
	}
	sqlite3_finalize(st);
out:
	vctx_close(&c);
	if (rc)
		seclog_proof_release(p);
	return rc;
}

void seclog_proof_release(struct seclog_proof *p)
{
	if (!p)
		return;
	free(p->note);
	free(p->body);
	p->note = NULL;
	p->body = NULL;
}

int seclog_proof_verify(const char *vkey, const struct seclog_proof *p)
{
	struct ledger_verifier v;
	struct ledger_checkpoint cp;
	char origin[LEDGER_ORIGIN_MAX + 1];
	uint8_t leaf[LEDGER_HASH_LEN];

	if (!vkey || !p || !p->note || ledger_verifier_parse(vkey, strlen(vkey), &v) ||
	    seclog_origin_of(v.name, origin))
		return SK_EINVAL;
	if (ledger_checkpoint_open(p->note, p->note_len, &v, &cp) != SK_OK)
		return SK_EVERIFY;
	/* The registers' checkpoints are signed by the same key: the origin tells them apart. */
	if (strcmp(cp.origin, origin) != 0 || cp.size != p->size)
		return SK_EVERIFY;
	if (p->body) {
		ledger_leaf_hash(p->body, p->body_len, leaf);
		if (sodium_memcmp(leaf, p->leaf, LEDGER_HASH_LEN) != 0)
			return SK_EVERIFY;
	}
	return ledger_verify_inclusion(p->index, cp.size, p->leaf,
	                               (const uint8_t(*)[LEDGER_HASH_LEN])p->path, p->n, cp.root);
}
