/*
 * Compliance engine benchmark (issue "Benchmarks", rules part): over an
 * instance of SKYDD_BENCH_RULES_COPIES copies (1,000,000), SKYDD_BENCH_PERSONS
 * persons (100,000) and SKYDD_BENCH_GRANTS grants (10,000), all made by real
 * ledger entries through the projections:
 *
 *  - full: rules_evaluate over the whole register (goal < 2 s); baseline: a
 *    plain scan of the tables involved, count(*) over copy, person and
 *    role_grant on the same reader.
 *  - incremental: rules_current after a batch of 100 entries (copy.created
 *    for 100 documents, one writer command), the cache warm (goal < 50 ms);
 *    baseline: reading the copies of those 100 documents on the same reader.
 *
 * Result lines "bench NAME VALUE UNIT baseline VALUE ratio R"; see
 * docs/performance.md ("Register and compliance engine").
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "cli/cli.h"
#include "model/access_int.h"
#include "model/document.h"
#include "model/model.h"
#include "model/records.h"
#include "rules/rules.h"
#include "store/store.h"
#include "bench.h"

const char *const bench_name = "bench_rules";

#define GOAL_FULL_MS  2000.0
#define GOAL_INCR_MS  50.0
#define CHUNK         1000 /* entries (or documents) per writer command while filling */
#define FILL_COPIES   4    /* copies per document */
#define BATCH         100  /* entries in the incremental batch */
#define CONTAINER     "Kassaskåp A"
#define OLD_DATE      "2025-03-01"
#define RECENT_DATE   "2026-09-01"
#define MAX_RULES_OUT 512

extern char **environ;

struct config {
	uint64_t copies, persons, grants, reps, incr_reps, overdue_pct, seed;
	bool keep;
	char dir[512];
};

struct ctx {
	const struct config *cfg;
	int64_t actor, container;
	char today[11];
};

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), bench_cmp_double);
	return n ? v[(n - 1) / 2] : 0;
}

/* ---- filling the instance with real entries ---- */

enum what { IDENTITIES, GRANTS, PERSONS, DOCUMENTS };

struct fill {
	struct store_cmd cmd;
	const struct ctx *c;
	enum what what;
	uint64_t lo, hi;
};

static int next_id(struct store_tx *tx, enum what w, int64_t *id)
{
	switch (w) {
	case IDENTITIES:
		return store_tx_int(tx, id, "SELECT coalesce(max(id), 0) + 1 FROM identity", "");
	case GRANTS:
		return store_tx_int(tx, id, "SELECT coalesce(max(id), 0) + 1 FROM role_grant", "");
	default:
		return store_tx_int(tx, id, "SELECT coalesce(max(id), 0) + 1 FROM person", "");
	}
}

/* Documents [lo, hi) with FILL_COPIES copies each, as bench_register fills them. */
static int fill_documents(struct store_tx *tx, const struct fill *f)
{
	static const char *const cls_of[4] = {"BH", "K", "K", "H"};
	const struct config *cfg = f->c->cfg;
	char des[32], title[96], cn[32], paper[48];
	int rc = SK_OK;

	for (uint64_t i = f->lo; !rc && i < f->hi; i++) {
		struct document_new d = {0};
		int64_t id = 0, reader = 1 + (int64_t)(i % cfg->persons);

		snprintf(des, sizeof(des), "BF-%07" PRIu64, i + 1);
		snprintf(title, sizeof(title), "Underlag %" PRIu64 " för säkerhetsskyddsarbetet",
		         i + 1);
		snprintf(cn, sizeof(cn), "SÄK 2026/F%06" PRIu64, i % 1000000);
		d.designation = des;
		d.title = title;
		d.cls = cls_of[i % 4];
		d.form = "physical";
		d.pages = 3 + (int64_t)(i % 50);
		d.case_number = cn;
		d.document_date = "2026-02-01";
		d.access = &reader;
		d.n_access = 1;
		rc = document_tx_create(tx, f->c->actor, &d, &id);
		for (int k = 0; !rc && k < FILL_COPIES; k++) {
			struct copy_new c = {0};
			uint64_t j = i * FILL_COPIES + (uint64_t)k;
			int64_t cid;

			if (j % 10 == 9) {
				c.holder_id = reader;
				snprintf(paper, sizeof(paper), "Papperskvitto F%" PRIu64, j);
				c.paper_ref = paper;
			} else {
				c.space_id = f->c->container;
			}
			c.last_inventoried_on = j % 100 < cfg->overdue_pct ? OLD_DATE : RECENT_DATE;
			rc = copy_tx_create(tx, f->c->actor, id, &c, &cid);
		}
	}
	return rc;
}

/*
 * Identities, grants and persons as their own commands write them (the data
 * of identity.created, grant.created and person.created, appended with
 * model_tx_log so the projections fill the tables), many per command.
 */
static int fill_fn(struct store_tx *tx, void *arg)
{
	struct fill *f = arg;
	const struct config *cfg = f->c->cfg;
	char name[64];
	int rc = SK_OK;

	if (f->what == DOCUMENTS)
		return fill_documents(tx, f);
	for (uint64_t i = f->lo; !rc && i < f->hi; i++) {
		int64_t id = 0;
		json_t *d = NULL;

		rc = next_id(tx, f->what, &id);
		if (rc)
			break;
		switch (f->what) {
		case IDENTITIES:
			snprintf(name, sizeof(name), "bench%06" PRIu64, i + 1);
			rc = model_tx_log(tx, f->c->actor, "identity.created", "identity", id,
			                  json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)id,
			                            "username", name, "display_name", name,
			                            "clearance", "none"));
			/* enrolled: the credential as the identity's own commands leave it (not
			 * a projection; no real password or secret: nobody logs in) */
			if (!rc)
				rc = store_tx_run(
				        tx,
				        "INSERT INTO credential (identity_id, pw_hash, pw_set_at, "
				        "must_change, totp_secret, totp_confirmed) VALUES (?1, "
				        "'bench', ?2, 0, zeroblob(32), 1)",
				        "it", id, f->c->today);
			break;
		case GRANTS:
			/* identity 1 is the instance's first; the bench's start at 2 */
			d = json_pack("{s:I, s:I, s:s, s:b, s:s, s:s, s:s?}", "id", (json_int_t)id,
			              "identity_id", (json_int_t)(2 + i % cfg->grants), "role",
			              role_name(ROLE_STAFF), "privileged", 0, "decision_ref",
			              "Beslut 2026/B", "valid_from", f->c->today, "valid_until",
			              NULL);
			rc = model_tx_log(tx, f->c->actor, "grant.created", "grant", id, d);
			break;
		default:
			snprintf(name, sizeof(name), "Person %" PRIu64, i + 1);
			d = json_pack("{s:I, s:s, s:s, s:o}", "id", (json_int_t)id, "name", name,
			              "unit", i % 2 ? "Enhet A" : "Enhet B", "identity_id",
			              i < cfg->grants ? json_integer(2 + (json_int_t)i)
			                              : json_null());
			rc = model_tx_log(tx, f->c->actor, "person.created", "person", id, d);
			/* cleared for H (reg_clearances.c): the persons are the copies' holders and
			 * the need-to-know lists' readers; one decision each, with the person's id
			 */
			if (!rc)
				rc = model_tx_log(
				        tx, f->c->actor, "clearance.decided", "clearance", id,
				        json_pack("{s:I, s:I, s:s, s:s, s:n, s:n, s:s, s:s, s:I, "
				                  "s:s}",
				                  "id", (json_int_t)id, "person_id", (json_int_t)id,
				                  "class", "H", "valid_from", f->c->today,
				                  "valid_until", "vetting_id", "basis", "decision",
				                  "decision_ref", "Beslut 2026/C", "decided_by",
				                  (json_int_t)f->c->actor, "decided_on",
				                  f->c->today));
			break;
		}
	}
	return rc;
}

static void fill(struct store *s, const struct ctx *c, enum what w, uint64_t n, uint64_t chunk)
{
	size_t count = (size_t)((n + chunk - 1) / chunk);
	struct fill *f = calloc(count ? count : 1, sizeof(*f));
	int rc;

	if (!f)
		bench_die_rc("fill", SK_ENOMEM);
	for (size_t k = 0; k < count; k++) {
		f[k].c = c;
		f[k].what = w;
		f[k].lo = (uint64_t)k * chunk;
		f[k].hi = f[k].lo + chunk < n ? f[k].lo + chunk : n;
		store_cmd_init(&f[k].cmd, fill_fn, &f[k]);
		rc = store_submit_async(s, &f[k].cmd);
		if (rc)
			bench_die_rc("store_submit_async", rc);
	}
	for (size_t k = 0; k < count; k++) {
		rc = store_wait(s, &f[k].cmd);
		if (rc) {
			fprintf(stderr, "bench_rules: fill %d: %s: %s: %s\n", (int)w,
			        sk_strerror(rc), f[k].cmd.err_field, f[k].cmd.err_msg);
			exit(1);
		}
	}
	free(f);
}

static void make_instance(struct config *cfg, struct ctx *c, struct store **s, struct model **m)
{
	struct model_err err = {0};
	struct cli_first first;
	struct principal p = {0};
	const char *tmp = getenv("TMPDIR");
	char vkey[256];
	double t0 = now_s();
	int rc;

	if (!tmp || !*tmp)
		tmp = "/tmp";
	snprintf(cfg->dir, sizeof(cfg->dir), "%s/skydd-bench-rules-XXXXXX", tmp);
	if (!mkdtemp(cfg->dir))
		bench_die(cfg->dir, strerror(errno));
	rc = store_init(cfg->dir, &(struct store_init_opts){.origin = "skydd/bench"}, vkey,
	                sizeof(vkey));
	if (rc)
		bench_die_rc("store_init", rc);
	rc = cli_first_identity(cfg->dir, "ssc", "Säkerhetsskyddschef", CLEAR_KH, &first);
	if (rc)
		bench_die("cli_first_identity", first.why);
	model_register();
	rules_register();
	rc = store_open(cfg->dir, NULL, s);
	if (!rc)
		rc = model_open(*s, cfg->dir, NULL, m);
	if (rc)
		bench_die_rc("store_open", rc);
	c->cfg = cfg;
	c->actor = first.id;
	model_today(c->today);
	sodium_memzero(&first, sizeof(first));
	p.id = c->actor;
	p.roles = ROLE_BIT(ROLE_SSC) | ROLE_BIT(ROLE_ADMIN);
	p.clearance = CLEAR_KH;
	rc = bench_container(*m, &p, &c->container, &err);
	if (rc)
		bench_die("container", err.msg[0] ? err.msg : sk_strerror(rc));
	fill(*s, c, IDENTITIES, cfg->grants, CHUNK);
	fill(*s, c, GRANTS, cfg->grants, CHUNK);
	fill(*s, c, PERSONS, cfg->persons, CHUNK);
	printf("bench_rules: %" PRIu64 " identities, %" PRIu64 " grants, %" PRIu64
	       " persons (%.1f s)\n",
	       cfg->grants, cfg->grants, cfg->persons, now_s() - t0);
	t0 = now_s();
	fill(*s, c, DOCUMENTS, cfg->copies / FILL_COPIES, CHUNK / 4);
	printf("bench_rules: %" PRIu64 " documents with %" PRIu64
	       " copies through document_tx_create and copy_tx_create, %" PRIu64
	       "%% last inventoried more than 12 months ago (%.1f s)\n",
	       cfg->copies / FILL_COPIES, cfg->copies / FILL_COPIES * FILL_COPIES, cfg->overdue_pct,
	       now_s() - t0);
}

/* ---- measurements ---- */

static int64_t count(struct store_reader *r, int which)
{
	struct store_q *q;
	int64_t n = -1;
	int rc = store_reader_query(r,
	                            which == 0   ? "SELECT count(*) FROM copy"
	                            : which == 1 ? "SELECT count(*) FROM person"
	                                         : "SELECT count(*) FROM role_grant",
	                            &q);

	if (rc)
		bench_die_rc("count", rc);
	if (store_q_step(q) == SK_OK)
		n = store_q_int(q, 0);
	store_q_done(q);
	return n;
}

/* The baseline of a full evaluation: count(*) over the tables, in one snapshot. */
static double scan_tables(struct store_reader *r, int64_t n[3])
{
	double t0 = now_s();

	if (store_reader_begin(r) != SK_OK)
		bench_die("store_reader_begin", "failed");
	for (int k = 0; k < 3; k++)
		n[k] = count(r, k);
	store_reader_end(r);
	return (now_s() - t0) * 1e3;
}

static size_t findings_of(json_t *res, size_t *errors)
{
	*errors = json_array_size(json_object_get(res, "errors"));
	return json_array_size(json_object_get(res, "findings"));
}

struct rule_time {
	const char *id;
	double ms;
	size_t findings;
};

static int cmp_rule_time(const void *a, const void *b)
{
	const struct rule_time *x = a, *y = b;

	return x->ms < y->ms ? 1 : x->ms > y->ms ? -1 : 0;
}

/* Each rule alone (rules_evaluate with filter.rule): where the full evaluation's time goes. */
static void per_rule(struct store_reader *r, const char *today)
{
	size_t n;
	const struct rule *t = rules_table(&n);
	struct rule_time *rt = calloc(n ? n : 1, sizeof(*rt));
	double sum = 0;

	if (!rt)
		bench_die_rc("calloc", SK_ENOMEM);
	for (size_t i = 0; i < n; i++) {
		struct rules_filter f = {
		        .rule = t[i].id, .min_severity = -1, .clearance = CLEAR_KH};
		double t0 = now_s();
		json_t *res = rules_evaluate(r, today, &f);
		size_t e;

		rt[i].ms = (now_s() - t0) * 1e3;
		rt[i].id = t[i].id;
		rt[i].findings = findings_of(res, &e);
		sum += rt[i].ms;
		json_decref(res);
	}
	qsort(rt, n, sizeof(*rt), cmp_rule_time);
	printf("full: %zu rules one at a time: %.0f ms in all; the slowest:", n, sum);
	for (size_t i = 0; i < n && i < 8; i++)
		printf(" %s %.0f ms (%zu findings)%s", rt[i].id, rt[i].ms, rt[i].findings,
		       i + 1 < n && i < 7 ? "," : "\n");
	free(rt);
}

struct batch {
	struct store_cmd cmd;
	const struct ctx *c;
	int64_t docs[BATCH];
};

/* BATCH copies, one for each of BATCH documents: BATCH entries (copy.created). */
static int batch_fn(struct store_tx *tx, void *arg)
{
	struct batch *b = arg;
	int rc = SK_OK;

	for (int k = 0; !rc && k < BATCH; k++) {
		struct copy_new c = {.space_id = b->c->container,
		                     .last_inventoried_on = RECENT_DATE};
		int64_t cid;

		rc = copy_tx_create(tx, b->c->actor, b->docs[k], &c, &cid);
	}
	return rc;
}

/* The baseline of an incremental run: the copies of the batch's documents, read directly. */
static double read_batch_copies(struct store_reader *r, const struct batch *b, int64_t *rows)
{
	double t0 = now_s();

	*rows = 0;
	if (store_reader_begin(r) != SK_OK)
		bench_die("store_reader_begin", "failed");
	for (int k = 0; k < BATCH; k++) {
		struct store_q *q;
		int rc = store_reader_query(r,
		                            "SELECT id, number, state, holder_person_id, space_id, "
		                            "last_inventoried_on, created_at FROM copy WHERE "
		                            "document_id = ?1",
		                            &q);

		if (rc)
			bench_die_rc("copies", rc);
		store_q_bind_int(q, 1, b->docs[k]);
		while (store_q_step(q) == SK_OK)
			(*rows)++;
		store_q_done(q);
	}
	store_reader_end(r);
	return (now_s() - t0) * 1e3;
}

int main(void)
{
	struct config cfg = {0};
	struct ctx c = {0};
	struct store *s;
	struct model *m;
	struct store_reader *r;
	struct rules_filter all = {.min_severity = -1, .clearance = CLEAR_KH};
	double *fv, *fb, *iv, *ib, first_ms, t0;
	int64_t n[3] = {0}, rows = 0;
	size_t nf = 0, ne = 0;
	uint64_t ndocs;
	int rc;

	cfg.copies = env_u64("SKYDD_BENCH_RULES_COPIES", 1000000, FILL_COPIES, 100000000);
	cfg.persons = env_u64("SKYDD_BENCH_PERSONS", 100000, 1, 10000000);
	cfg.grants = env_u64("SKYDD_BENCH_GRANTS", 10000, 1, 1000000);
	cfg.reps = env_u64("SKYDD_BENCH_RULES_REPS", 3, 1, 1000);
	cfg.incr_reps = env_u64("SKYDD_BENCH_RULES_INCR_REPS", 5, 1, 1000);
	cfg.overdue_pct = env_u64("SKYDD_BENCH_RULES_OVERDUE_PERCENT", 1, 0, 100);
	cfg.seed = env_u64("SKYDD_BENCH_SEED", 1, 1, UINT64_MAX);
	cfg.keep = env_u64("SKYDD_BENCH_KEEP", 0, 0, 1) == 1;
	if (cfg.grants > cfg.persons)
		bench_die("SKYDD_BENCH_GRANTS",
		          "at most SKYDD_BENCH_PERSONS (each grant's identity is a "
		          "person)");
	bench_rng_state = cfg.seed * 0x9E3779B97F4A7C15ull | 1;
	if (sodium_init() < 0)
		bench_die("init", "libsodium did not initialise");
	setvbuf(stdout, NULL, _IOLBF, 0);
	ndocs = cfg.copies / FILL_COPIES;
	fv = calloc(cfg.reps, sizeof(double));
	fb = calloc(cfg.reps, sizeof(double));
	iv = calloc(cfg.incr_reps, sizeof(double));
	ib = calloc(cfg.incr_reps, sizeof(double));
	if (!fv || !fb || !iv || !ib)
		bench_die_rc("calloc", SK_ENOMEM);
	printf("bench_rules: %" PRIu64 " copies, %" PRIu64 " persons, %" PRIu64 " grants; %" PRIu64
	       " full evaluations, %" PRIu64 " incremental ones; %ld CPUs\n",
	       cfg.copies, cfg.persons, cfg.grants, cfg.reps, cfg.incr_reps,
	       sysconf(_SC_NPROCESSORS_ONLN));
	print_load("at start");
	make_instance(&cfg, &c, &s, &m);
	print_load("after filling");
	rc = store_reader_open(cfg.dir, &r);
	if (rc)
		bench_die_rc("store_reader_open", rc);

	/* full evaluation, alternating with the baseline */
	for (uint64_t k = 0; k < cfg.reps; k++) {
		json_t *res;

		fb[k] = scan_tables(r, n);
		t0 = now_s();
		res = rules_evaluate(r, c.today, &all);
		fv[k] = (now_s() - t0) * 1e3;
		nf = findings_of(res, &ne);
		json_decref(res);
	}
	printf("full: rules_evaluate over %" PRId64 " copies, %" PRId64 " persons, %" PRId64
	       " grants: %zu findings, %zu rule errors; runs:",
	       n[0], n[1], n[2], nf, ne);
	for (uint64_t k = 0; k < cfg.reps; k++)
		printf(" %.0f", fv[k]);
	printf(" ms; baseline (count(*) over copy, person, role_grant):");
	for (uint64_t k = 0; k < cfg.reps; k++)
		printf(" %.0f", fb[k]);
	printf(" ms\n");
	per_rule(r, c.today);

	/* the server's cache: the first call evaluates everything */
	rules_cache_reset();
	t0 = now_s();
	json_decref(rules_current(m, &all));
	first_ms = (now_s() - t0) * 1e3;
	printf("incremental: first rules_current (full, fills the cache, writes the day's "
	       "snapshot): %.0f ms, %u rules\n",
	       first_ms, rules_last_evaluated());
	for (uint64_t k = 0; k < cfg.incr_reps; k++) {
		struct batch b = {.c = &c};
		json_t *res;
		double hit;
		unsigned hit_rules;

		/* no new entries: what a call costs that evaluates nothing (renders the cache) */
		t0 = now_s();
		res = rules_current(m, &all);
		hit = (now_s() - t0) *
		      1e3; /* like the timed call: freeing the answer not counted */
		hit_rules = rules_last_evaluated();
		json_decref(res);

		for (int j = 0; j < BATCH; j++)
			b.docs[j] = 1 + (int64_t)(bench_rnd() % ndocs);
		store_cmd_init(&b.cmd, batch_fn, &b);
		rc = store_submit(s, &b.cmd);
		if (rc)
			bench_die(b.cmd.err_msg[0] ? b.cmd.err_msg : "batch", sk_strerror(rc));
		if (b.cmd.last_seq - b.cmd.first_seq + 1 != BATCH)
			bench_die("batch", "not 100 entries");
		ib[k] = read_batch_copies(r, &b, &rows);
		t0 = now_s();
		res = rules_current(m, &all);
		iv[k] = (now_s() - t0) * 1e3;
		nf = findings_of(res, &ne);
		json_decref(res);
		printf("incremental %" PRIu64 ": %d entries (seq %" PRIu64 "..%" PRIu64
		       "): %.1f ms, %u rules evaluated, %u of them for the batch's documents only, "
		       "%zu findings; baseline %" PRId64 " copy rows of those documents %.2f ms; "
		       "the same call with no new entries just before: %.1f ms (%u rules "
		       "evaluated)\n",
		       k + 1, BATCH, b.cmd.first_seq, b.cmd.last_seq, iv[k], rules_last_evaluated(),
		       rules_last_by_document(), nf, rows, ib[k], hit, hit_rules);
	}
	/*
	 * Need-to-know (issue 10): the same warm call for a reader, whose objects
	 * are decided in one statement per call. The head cleared KH on no list
	 * (every document's finding hidden) and an auditor cleared KH (all shown).
	 */
	{
		struct principal head = {.id = 1,
		                         .roles = ROLE_BIT(ROLE_CHIEF),
		                         .clearance = CLEAR_KH},
		                 aud = {.id = 1,
		                        .roles = ROLE_BIT(ROLE_AUDITOR),
		                        .clearance = CLEAR_KH};
		const struct principal *who[] = {&head, &aud};
		const char *name[] = {"the head on no list", "an auditor cleared KH"};

		for (int w = 0; w < 2; w++) {
			struct rules_filter f = all;
			double none, with;
			json_t *res;

			f.viewer = who[w];
			json_decref(rules_current(m, &all));
			t0 = now_s();
			res = rules_current(m, &all);
			none = (now_s() - t0) * 1e3;
			json_decref(res);
			t0 = now_s();
			res = rules_current(m, &f);
			with = (now_s() - t0) * 1e3;
			nf = findings_of(res, &ne);
			json_decref(res);
			printf("need-to-know: warm rules_current for %s: %.1f ms (%zu findings); "
			       "without a reader %.1f ms\n",
			       name[w], with, nf, none);
		}
	}
	store_reader_close(r);
	model_close(m);
	store_close(s);

	{
		double full = median(fv, cfg.reps), full_base = median(fb, cfg.reps);
		double incr = median(iv, cfg.incr_reps), incr_base = median(ib, cfg.incr_reps);

		printf("full: median %.0f ms, goal < %.0f ms: %s\n", full, GOAL_FULL_MS,
		       bench_met(full < GOAL_FULL_MS));
		printf("incremental: median %.1f ms, goal < %.0f ms: %s\n", incr, GOAL_INCR_MS,
		       bench_met(incr < GOAL_INCR_MS));
		print_load("at end");
		bench_report("rules_full", full, "ms", full_base, full_base / full);
		bench_report("rules_incremental", incr, "ms", incr_base, incr_base / incr);
	}
	if (!cfg.keep)
		bench_remove_tree(cfg.dir);
	else
		printf("bench_rules: kept %s\n", cfg.dir);
	free(fv);
	free(fb);
	free(iv);
	free(ib);
	return 0;
}
