/*
 * The decisions register (3 kap. 6–8, 15, 17, 19–20 §§): reclassification
 * and declassification, the head's KH decisions and the ssc's carry-abroad
 * decisions, the recipients of KH electronic documents and the disclosure
 * log — every action good and bad, refusals change nothing, visibility, and
 * replay equality (verify --replay) at the end.
 */
#include "testutil.h"
#include "regfixture.h"

#include <unistd.h>

#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>

#include "model/decision.h"
#include "model/document.h"
#include "model/model.h"
#include "model/records.h"
#include "records_compat.h"
#include "store/store.h"

/* Fails the setup with a message on stderr (cmocka prints nothing for a group setup). */
#define setup_fail(...) (fprintf(stderr, __VA_ARGS__), fputc('\n', stderr), fail())

static struct reg_fixture g_fx;

/* The callers, each with one role; KH clearance unless said otherwise. */
static struct principal chief, ssc, reg, staff, staff2, reg_h;
static int64_t p_chief, p_staff, p_staff2, p_other; /* persons */
static int64_t sys_h, sys_kh, cont_k, cont_kh;
static int64_t g_ssc_grant;
static int64_t doc_kh_ext, doc_k_copy, doc_h_el, doc_kh_el, doc_kh, doc_h, doc_decl;

/* ---- fixtures ---- */

static int64_t doc(const char *cls, const char *form, const char *originator, int64_t system_id,
                   const int64_t *access, size_t n_access)
{
	struct document_new d = {
	        .title = "Planen",
	        .cls = cls,
	        .form = form,
	        .pages = strcmp(form, "physical") == 0 ? 3 : 0,
	        .originator = originator,
	        .system_id = system_id,
	        .access = access,
	        .n_access = n_access,
	};
	struct model_err err = {0};
	int64_t id = 0;

	if (document_create(g_fx.model, &reg, &d, &id, &err) != SK_OK)
		setup_fail("document %s %s: %s (%s)", cls, form, err.msg, err.field);
	return id;
}

static int group_setup(void **state)
{
	struct records_system sh = {"System H", CLEAR_H, "SYS-1", NULL};
	struct records_system skh = {"System KH", CLEAR_KH, "SYS-2", NULL};
	struct records_space ck = {"container", "Skåp K", "Rum 1", CLEAR_K, NULL, "SP-1"};
	struct records_space ckh = {"container", "Kassaskåp", "Rum 2", CLEAR_KH, NULL, "SP-2"};
	struct model_err err = {0};
	char until[11];
	int64_t acc[3];

	(void)state;
	regfx_open(&g_fx, "/tmp/skydd-test-dec-XXXXXX", REGFX_FAST_PW | REGFX_READER, NULL);
	regfx_today_plus(180, until); /* the end of privileged grants */

	regfx_identity(g_fx.model, &chief, "chief", ROLE_CHIEF, CLEAR_KH, NULL, until);
	g_ssc_grant = regfx_identity(g_fx.model, &ssc, "ssc", ROLE_SSC, CLEAR_KH, NULL, until);
	regfx_identity(g_fx.model, &reg, "reg", ROLE_REGISTRAR, CLEAR_KH, NULL, until);
	regfx_identity(g_fx.model, &staff, "staff", ROLE_STAFF, CLEAR_KH, NULL, until);
	regfx_identity(g_fx.model, &staff2, "staff2", ROLE_STAFF, CLEAR_KH, NULL, until);
	regfx_identity(g_fx.model, &reg_h, "regh", ROLE_REGISTRAR, CLEAR_H, NULL, until);
	p_chief = regfx_person(g_fx.model, &reg, "Chefen", "Unit", chief.id);
	p_staff = regfx_person(g_fx.model, &reg, "Stina Staff", "Unit", staff.id);
	p_staff2 = regfx_person(g_fx.model, &reg, "Sven Staff", "Unit", staff2.id);
	p_other = regfx_person(g_fx.model, &reg, "Olle Annan", "Unit", 0);

	if (records_system_create(g_fx.model, &ssc, &sh, &sys_h, &err) ||
	    records_system_create(g_fx.model, &ssc, &skh, &sys_kh, &err) ||
	    records_space_create(g_fx.model, &ssc, &ck, &cont_k, &err) ||
	    records_space_create(g_fx.model, &chief, &ckh, &cont_kh, &err))
		setup_fail("records: %s (%s)", err.msg, err.field);

	acc[0] = p_staff;
	acc[1] = p_chief;
	doc_kh_ext = doc("KH", "physical", "Försvarsmakten", 0, acc, 2);
	doc_k_copy = doc("K", "physical", NULL, 0, acc, 1);
	doc_h_el = doc("H", "electronic", NULL, sys_h, acc, 1);
	doc_kh_el = doc("KH", "electronic", NULL, sys_kh, acc, 2);
	doc_kh = doc("KH", "physical", NULL, 0, acc, 2);
	doc_h = doc("H", "physical", NULL, 0, acc, 2);
	doc_decl = doc("K", "physical", NULL, 0, acc, 1);
	{
		struct copy_new c = {.space_id = cont_k};
		int64_t first = 0;

		if (copy_create(g_fx.model, &reg, doc_k_copy, &c, 1, &first, &err) != SK_OK)
			setup_fail("copy: %s (%s)", err.msg, err.field);
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	regfx_close(&g_fx);
	return 0;
}

/* ---- helpers ---- */

/* One text column of the first row of sql (bound ?1 = id) into out ("" for none/NULL). */
static void col_text(const char *sql, int64_t id, char *out, size_t cap)
{
	regfx_sql_text(&g_fx, sql, id, out, cap);
}

static int64_t col_int(const char *sql, int64_t id)
{
	char s[32];

	col_text(sql, id, s, sizeof(s));
	return strtoll(s, NULL, 10);
}

static const char *class_of(int64_t id)
{
	static char cls[8];

	col_text("SELECT class FROM document WHERE id = ?1", id, cls, sizeof(cls));
	return cls;
}

/* rc and err as expected (field, and a piece of the message when cite != NULL), nothing logged. */
static void refused(int rc, const struct model_err *err, uint64_t before, int want,
                    const char *field, const char *cite, const char *what)
{
	if (rc != want || strcmp(err->field, field) != 0 || (cite && !strstr(err->msg, cite)))
		fail_msg("%s: expected %s (%d, field %s, '%s'), got %s (%d, field '%s'): %s", what,
		         sk_strerror(want), want, field, cite ? cite : "", sk_strerror(rc), rc,
		         err->field, err->msg);
	if (regfx_ledger_size(&g_fx) != before)
		fail_msg("%s: the refusal appended an entry", what);
}

/* The newest entry: its kind and data (decref). */
static int last_cb(void *ctx, const struct store_entry_row *row)
{
	json_t **out = ctx;

	json_decref(*out);
	*out = json_loadb(row->bytes, row->len, 0, NULL);
	return SK_OK;
}

static json_t *last_entry(void)
{
	json_t *e = NULL;

	assert_int_equal(store_reader_entry(g_fx.rd, regfx_ledger_size(&g_fx), last_cb, &e), SK_OK);
	assert_non_null(e);
	return e;
}

static void expect_last(const char *kind, int64_t doc_id)
{
	json_t *e = last_entry();
	char obj[64];

	snprintf(obj, sizeof(obj), "document/%lld", (long long)doc_id);
	if (strcmp(json_string_value(json_object_get(e, "kind")), kind) != 0 ||
	    strcmp(json_string_value(json_object_get(e, "object")), obj) != 0)
		fail_msg("last entry: want %s on %s, got %s", kind, obj,
		         json_dumps(e, JSON_COMPACT));
	json_decref(e);
}

static int reclass(const struct principal *p, int64_t id, const char *to, int64_t by,
                   const char *consultation, struct model_err *err)
{
	struct decision_reclass r = {to, NULL, "Skadebedömningen är ändrad", consultation, by};

	memset(err, 0, sizeof(*err));
	return decision_reclassify(g_fx.model, p, id, &r, NULL, err);
}

static int decide(const struct principal *p, int64_t id, const char *kind, int64_t by, int64_t *out,
                  struct model_err *err)
{
	struct decision_new d = {kind, NULL, "BESLUT-2026-7", NULL, by};

	memset(err, 0, sizeof(*err));
	return decision_record(g_fx.model, p, id, &d, out, err);
}

static int disclose(const struct principal *p, int64_t id, int64_t by, const char *when,
                    const char *how, struct model_err *err)
{
	struct decision_disclosure d = {by, "Utredare vid FMV", when, how, NULL};
	int64_t out = 0;

	memset(err, 0, sizeof(*err));
	return decision_disclosure_add(g_fx.model, p, id, &d, &out, err);
}

/* ---- reclassification ---- */

static void test_lowering_kh(void **state)
{
	struct model_err err;
	uint64_t n = regfx_ledger_size(&g_fx), seq = 0;
	char s[64];

	(void)state;
	refused(reclass(&ssc, doc_kh_ext, "H", 0, "asked FMV", &err), &err, n, SK_ERULE,
	        "decided_by", "3 kap. 7 §", "the ssc lowering KH");
	refused(reclass(&chief, doc_kh_ext, "H", 0, NULL, &err), &err, n, SK_ERULE, "consultation",
	        "3 kap. 7 §", "the chief without consultation, external originator");
	refused(reclass(&reg, doc_kh_ext, "H", ssc.id, "asked FMV", &err), &err, n, SK_ERULE,
	        "decided_by", "3 kap. 7 §", "the registrar recording the ssc lowering KH");
	refused(reclass(&staff, doc_kh_ext, "H", chief.id, "asked FMV", &err), &err, n, SK_ERULE,
	        "decided_by", "registrar", "staff recording someone's decision");
	refused(reclass(&reg, doc_kh_ext, "H", 999999, "asked FMV", &err), &err, n, SK_ENOTFOUND,
	        "decided_by", "no identity", "an unknown decider");
	assert_string_equal(class_of(doc_kh_ext), "KH");

	/* The registrar records the head's decision, with the consultation. */
	struct decision_reclass r = {"H", NULL, "Sekretessen har minskat", "FMV samrått 2026-11-20",
	                             chief.id};
	memset(&err, 0, sizeof(err));
	assert_int_equal(decision_reclassify(g_fx.model, &reg, doc_kh_ext, &r, &seq, &err), SK_OK);
	assert_int_equal(seq, n + 1);
	assert_string_equal(class_of(doc_kh_ext), "H");
	expect_last("decision.reclassified", doc_kh_ext);
	col_text("SELECT from_class || '>' || to_class || ':' || decided_by || ':' || consultation "
	         "FROM reclassification WHERE seq = ?1",
	         (int64_t)seq, s, sizeof(s));
	{
		char want[64];

		snprintf(want, sizeof(want), "KH>H:%lld:FMV samrått 2026-11-20",
		         (long long)chief.id);
		assert_string_equal(s, want);
	}

	/* The head lowers an own KH document without consultation. */
	assert_int_equal(reclass(&chief, doc_kh, "H", 0, NULL, &err), SK_OK);
	assert_string_equal(class_of(doc_kh), "H");
	/* And raises it back (3 kap. 6 §: the ssc or the head for other changes). */
	assert_int_equal(reclass(&ssc, doc_kh, "KH", 0, NULL, &err), SK_OK);
	assert_string_equal(class_of(doc_kh), "KH");
}

static void test_reclassify_bad_input(void **state)
{
	struct decision_reclass r = {"H", NULL, "skäl", NULL, 0};
	struct model_err err = {0};
	uint64_t n = regfx_ledger_size(&g_fx);
	char future[11], today[11];

	(void)state;
	refused(reclass(&ssc, doc_h, "H", 0, NULL, &err), &err, n, SK_EINVAL, "to_class", "already",
	        "the same class");
	refused(reclass(&ssc, doc_h, "SECRET", 0, NULL, &err), &err, n, SK_EINVAL, "to_class", NULL,
	        "an unknown class");
	refused(reclass(&ssc, doc_h, NULL, 0, NULL, &err), &err, n, SK_EINVAL, "to_class", NULL,
	        "no class");
	r.reason = "";
	refused(decision_reclassify(g_fx.model, &ssc, doc_h, &r, NULL, &err), &err, n, SK_EINVAL,
	        "reason", NULL, "an empty reason");
	r.reason = "a\001b";
	refused(decision_reclassify(g_fx.model, &ssc, doc_h, &r, NULL, &err), &err, n, SK_EINVAL,
	        "reason", NULL, "a control character");
	r.reason = "skäl";
	regfx_today_plus(2, future);
	r.decided_on = future;
	refused(decision_reclassify(g_fx.model, &ssc, doc_h, &r, NULL, &err), &err, n, SK_EINVAL,
	        "decided_on", "future", "a decision in the future");
	r.decided_on = "2026-02-30";
	refused(decision_reclassify(g_fx.model, &ssc, doc_h, &r, NULL, &err), &err, n, SK_EINVAL,
	        "decided_on", NULL, "not a day");
	r.decided_on = NULL;
	r.consultation = "";
	refused(decision_reclassify(g_fx.model, &ssc, doc_h, &r, NULL, &err), &err, n, SK_EINVAL,
	        "consultation", NULL, "an empty consultation");
	r.consultation = NULL;
	refused(decision_reclassify(g_fx.model, &ssc, 999999, &r, NULL, &err), &err, n,
	        SK_ENOTFOUND, "id", "no document", "no such document");
	/* A registrar decides no change of class on their own (3 kap. 6 §). */
	refused(reclass(&reg, doc_h, "K", 0, NULL, &err), &err, n, SK_ERULE, "decided_by",
	        "3 kap. 6 §", "the registrar deciding");
	/* The chief lowers H by their own decision; a past day is fine. */
	/* On a day before the chief held the role (granted today), they decided nothing. */
	r.to_class = "K";
	r.decided_on = "2026-01-15";
	refused(decision_reclassify(g_fx.model, &chief, doc_h, &r, NULL, &err), &err, n, SK_ERULE,
	        "decided_by", "3 kap. 6 §", "a decision from before the decider's grant");
	regfx_today_plus(0, today);
	r.decided_on = today;
	assert_int_equal(decision_reclassify(g_fx.model, &chief, doc_h, &r, NULL, &err), SK_OK);
	{
		char d[16];

		col_text("SELECT max(decided_on) FROM reclassification WHERE document_id = ?1",
		         doc_h, d, sizeof(d));
		assert_string_equal(d, today);
	}
	assert_string_equal(class_of(doc_h), "K");
}

static void test_raise_blocked(void **state)
{
	struct model_err err;
	uint64_t n = regfx_ledger_size(&g_fx);

	(void)state;
	/* Copy 1 lies in a container approved for K (3 kap. 9 §). */
	refused(reclass(&ssc, doc_k_copy, "H", 0, NULL, &err), &err, n, SK_ERULE, "to_class",
	        "3 kap. 9 §", "raising with a copy in a K container");
	if (!strstr(err.msg, "copy 1") || !strstr(err.msg, "Skåp K"))
		fail_msg("the refusal names the copy and the container: %s", err.msg);
	assert_string_equal(class_of(doc_k_copy), "K");
	/* Lowering it is fine. */
	assert_int_equal(reclass(&ssc, doc_k_copy, "BH", 0, NULL, &err), SK_OK);
	/* Held in a system approved for H (3 kap. 1 §). */
	refused(reclass(&ssc, doc_h_el, "KH", 0, NULL, &err), &err, n + 1, SK_ERULE, "to_class",
	        "3 kap. 1 §", "raising an electronic document above its system");
	if (!strstr(err.msg, "System H"))
		fail_msg("the refusal names the system: %s", err.msg);
	assert_string_equal(class_of(doc_h_el), "H");
}

static void test_declassify(void **state)
{
	struct model_err err;
	uint64_t n;
	char d[16], today[11];

	(void)state;
	assert_int_equal(reclass(&ssc, doc_decl, "none", 0, NULL, &err), SK_OK);
	expect_last("decision.reclassified", doc_decl);
	regfx_today_plus(0, today);
	col_text("SELECT declassified_on FROM document WHERE id = ?1", doc_decl, d, sizeof(d));
	assert_string_equal(d, today);
	assert_string_equal(class_of(doc_decl), "K"); /* the last class stays */
	col_text("SELECT to_class FROM reclassification WHERE document_id = ?1", doc_decl, d,
	         sizeof(d));
	assert_string_equal(d, "none");
	n = regfx_ledger_size(&g_fx);
	refused(reclass(&ssc, doc_decl, "H", 0, NULL, &err), &err, n, SK_ERULE, "id",
	        "declassified", "reclassifying a declassified document");
	refused(decide(&ssc, doc_decl, "abroad", 0, NULL, &err), &err, n, SK_ERULE, "id",
	        "declassified", "a decision on a declassified document");
}

/* ---- KH and carrying decisions ---- */

static void test_kh_decisions(void **state)
{
	struct model_err err;
	uint64_t n = regfx_ledger_size(&g_fx);
	int64_t id = 0, id2 = 0;
	struct decision_new bad = {"kh_copy", NULL, "", NULL, 0};

	(void)state;
	refused(decide(&ssc, doc_kh, "kh_copy", 0, &id, &err), &err, n, SK_ERULE, "decided_by",
	        "3 kap. 8 §", "the ssc deciding a KH copy");
	refused(decide(&reg, doc_kh, "kh_extract", ssc.id, &id, &err), &err, n, SK_ERULE,
	        "decided_by", "3 kap. 8 §", "the registrar recording the ssc's KH extract");
	refused(decide(&ssc, doc_kh, "kh_carry_out", 0, &id, &err), &err, n, SK_ERULE, "decided_by",
	        "3 kap. 20 §", "the ssc deciding KH carry-out");
	refused(decide(&ssc, doc_kh, "abroad", 0, &id, &err), &err, n, SK_ERULE, "kind",
	        "3 kap. 19 §", "abroad for KH");
	refused(decide(&chief, doc_kh, "abroad", 0, &id, &err), &err, n, SK_ERULE, "kind",
	        "3 kap. 19 §", "abroad for KH by the chief");
	refused(decide(&chief, doc_h, "kh_copy", 0, &id, &err), &err, n, SK_ERULE, "kind",
	        "3 kap. 8 §", "a KH copy decision for an H document");
	refused(decide(&chief, doc_h, "abroad", 0, &id, &err), &err, n, SK_ERULE, "decided_by",
	        "3 kap. 19 §", "the chief deciding abroad while there is an ssc");
	refused(decide(&ssc, doc_kh, "copy", 0, &id, &err), &err, n, SK_EINVAL, "kind", NULL,
	        "an unknown kind");
	memset(&err, 0, sizeof(err));
	refused(decision_record(g_fx.model, &chief, doc_kh, &bad, &id, &err), &err, n, SK_EINVAL,
	        "reference", NULL, "an empty reference");

	assert_int_equal(decide(&chief, doc_kh, "kh_copy", 0, &id, &err), SK_OK);
	expect_last("decision.recorded", doc_kh);
	assert_int_equal(decide(&reg, doc_kh, "kh_carry_out", chief.id, &id2, &err), SK_OK);
	assert_int_equal(id2, id + 1);
	assert_int_equal(col_int("SELECT decided_by FROM decision WHERE id = ?1", id2), chief.id);
	assert_int_equal(decide(&ssc, doc_h_el, "abroad", 0, &id2, &err), SK_OK);
	{
		char k[32];

		col_text("SELECT kind FROM decision WHERE id = ?1", id2, k, sizeof(k));
		assert_string_equal(k, "abroad");
	}
	/* The documents slice consumes the kh_copy decision when it makes a KH copy. */
	{
		struct copy_new c = {.space_id = cont_kh};
		int64_t first = 0;

		/* Copy 1 is the original; copy 2 needs the head's decision (3 kap. 8 §). */
		if (copy_create(g_fx.model, &reg, doc_kh, &c, 1, &first, &err) != SK_OK)
			fail_msg("the original KH copy: %s (%s)", err.msg, err.field);
		n = regfx_ledger_size(&g_fx);
		c.decision_id = id;
		memset(&err, 0, sizeof(err));
		if (copy_create(g_fx.model, &reg, doc_kh, &c, 1, &first, &err) != SK_OK)
			fail_msg("KH copy under decision %lld: %s (%s)", (long long)id, err.msg,
			         err.field);
		assert_int_equal(col_int("SELECT used FROM decision WHERE id = ?1", id), 1);
		assert_true(regfx_ledger_size(&g_fx) > n);
		/* Used up: the next copy needs a new decision. */
		n = regfx_ledger_size(&g_fx);
		c.decision_id = 0;
		memset(&err, 0, sizeof(err));
		refused(copy_create(g_fx.model, &reg, doc_kh, &c, 1, &first, &err), &err, n,
		        SK_ERULE, "decision_id", "3 kap. 8 §",
		        "a KH copy without an unused decision");
	}
}

/* ---- recipients of KH electronic documents ---- */

static void test_kh_recipients(void **state)
{
	int64_t two[2] = {p_staff, p_other}, one[1], dup[2] = {p_staff2, p_staff2};
	struct model_err err = {0};
	uint64_t n = regfx_ledger_size(&g_fx);

	(void)state;
	refused(decision_kh_recipients_add(g_fx.model, &reg, doc_kh, two, 2, &err), &err, n,
	        SK_ERULE, "id", "3 kap. 15 §", "recipients of a KH physical document");
	memset(&err, 0, sizeof(err));
	refused(decision_kh_recipients_add(g_fx.model, &reg, doc_h_el, two, 2, &err), &err, n,
	        SK_ERULE, "id", "3 kap. 15 §", "recipients of an H electronic document");
	memset(&err, 0, sizeof(err));
	refused(decision_kh_recipients_add(g_fx.model, &chief, doc_kh_el, two, 2, &err), &err, n,
	        SK_ERULE, "", "3 kap. 15 §", "the chief noting recipients");
	memset(&err, 0, sizeof(err));
	refused(decision_kh_recipients_add(g_fx.model, &reg, doc_kh_el, two, 0, &err), &err, n,
	        SK_EINVAL, "person_ids", NULL, "no persons");
	memset(&err, 0, sizeof(err));
	refused(decision_kh_recipients_add(g_fx.model, &reg, doc_kh_el, dup, 2, &err), &err, n,
	        SK_EINVAL, "person_ids", NULL, "a person twice");
	one[0] = 999999;
	memset(&err, 0, sizeof(err));
	refused(decision_kh_recipients_add(g_fx.model, &reg, doc_kh_el, one, 1, &err), &err, n,
	        SK_ENOTFOUND, "person_ids", "no person", "an unknown person");

	memset(&err, 0, sizeof(err));
	assert_int_equal(decision_kh_recipients_add(g_fx.model, &reg, doc_kh_el, two, 2, &err),
	                 SK_OK);
	expect_last("decision.kh_recipient.added", doc_kh_el);
	assert_int_equal(
	        col_int("SELECT count(*) FROM kh_recipient WHERE document_id = ?1", doc_kh_el), 2);
	one[0] = p_other;
	n = regfx_ledger_size(&g_fx);
	memset(&err, 0, sizeof(err));
	refused(decision_kh_recipients_add(g_fx.model, &ssc, doc_kh_el, one, 1, &err), &err, n,
	        SK_EEXIST, "person_ids", "already", "a recipient noted twice");
}

/* ---- the disclosure log ---- */

static void test_disclosures(void **state)
{
	struct decision_disclosure d = {p_staff, "", "2026-11-01", "told", NULL};
	struct model_err err;
	uint64_t n = regfx_ledger_size(&g_fx);
	char future[11];
	int64_t id = 0;

	(void)state;
	refused(disclose(&reg, doc_k_copy, p_staff, "2026-11-01", "told", &err), &err, n, SK_ERULE,
	        "id", "3 kap. 17 §", "a disclosure of a non-KH document");
	refused(disclose(&staff, doc_kh, p_other, "2026-11-01", "told", &err), &err, n, SK_ERULE,
	        "disclosed_by", "3 kap. 17 §", "staff noting someone else's disclosure");
	refused(disclose(&reg, doc_kh, 999999, "2026-11-01", "told", &err), &err, n, SK_ENOTFOUND,
	        "disclosed_by", "no person", "an unknown person");
	refused(disclose(&reg, doc_kh, p_staff, "2026-11-01", "sung", &err), &err, n, SK_EINVAL,
	        "how", NULL, "shown or told");
	regfx_today_plus(2, future);
	refused(disclose(&reg, doc_kh, p_staff, future, "told", &err), &err, n, SK_EINVAL,
	        "occurred_at", "future", "a disclosure in the future");
	refused(disclose(&reg, doc_kh, p_staff, "2099-01-01T10:00:00Z", "told", &err), &err, n,
	        SK_EINVAL, "occurred_at", "future", "a time in the future");
	refused(disclose(&reg, doc_kh, p_staff, "yesterday!", "told", &err), &err, n, SK_EINVAL,
	        "occurred_at", NULL, "not a time");
	memset(&err, 0, sizeof(err));
	refused(decision_disclosure_add(g_fx.model, &reg, doc_kh, &d, &id, &err), &err, n,
	        SK_EINVAL, "recipient", NULL, "no recipient");

	assert_int_equal(disclose(&staff, doc_kh, p_staff, "2026-11-01", "told", &err), SK_OK);
	expect_last("decision.disclosure.noted", doc_kh);
	assert_int_equal(
	        disclose(&reg, doc_kh, p_other, "2026-11-02T09:30:00+01:00", "shown", &err), SK_OK);
	assert_int_equal(col_int("SELECT count(*) FROM disclosure WHERE document_id = ?1", doc_kh),
	                 2);
}

/* ---- visibility ---- */

static void test_visibility(void **state)
{
	struct model_err err;
	uint64_t n = regfx_ledger_size(&g_fx);
	int64_t one[1] = {p_staff2};
	json_t *e;

	(void)state;
	/* staff2 is not on the need-to-know list; reg_h is cleared for H only. */
	refused(disclose(&staff2, doc_kh, p_staff2, "2026-11-01", "told", &err), &err, n,
	        SK_ENOTFOUND, "id", "no document", "staff off the need-to-know list");
	refused(reclass(&reg_h, doc_kh, "H", chief.id, NULL, &err), &err, n, SK_ENOTFOUND, "id",
	        "no document", "a registrar cleared for H on a KH document");
	refused(decide(&reg_h, doc_kh, "kh_copy", chief.id, NULL, &err), &err, n, SK_ENOTFOUND,
	        "id", "no document", "a decision on a document above the caller's clearance");
	memset(&err, 0, sizeof(err));
	refused(decision_kh_recipients_add(g_fx.model, &reg_h, doc_kh_el, one, 1, &err), &err, n,
	        SK_ENOTFOUND, "id", "no document", "recipients by a caller not cleared");
	/* A read is checked by the documents slice's rule: 404 and a denial entry. */
	assert_int_equal(document_check_read(g_fx.model, &staff2, doc_kh), SK_ENOTFOUND);
	assert_int_equal(regfx_ledger_size(&g_fx), n + 1);
	e = last_entry();
	assert_string_equal(json_string_value(json_object_get(e, "kind")),
	                    "document.access.denied");
	json_decref(e);
	assert_int_equal(document_check_read(g_fx.model, &staff, doc_kh), SK_OK);
}

/* ---- lists ---- */

static void test_lists(void **state)
{
	json_t *o, *d;

	(void)state;
	o = decision_list(g_fx.model, doc_kh);
	assert_non_null(o);
	assert_int_equal(json_array_size(json_object_get(o, "decisions")), 2);
	assert_int_equal(json_array_size(json_object_get(o, "reclassifications")), 2);
	d = json_array_get(json_object_get(o, "decisions"), 0);
	assert_string_equal(json_string_value(json_object_get(d, "kind")), "kh_copy");
	assert_string_equal(json_string_value(json_object_get(d, "decided_by_name")), "chief");
	assert_int_equal(json_integer_value(json_object_get(d, "used")), 1);
	json_decref(o);
	o = decision_list(g_fx.model, doc_kh_el);
	assert_int_equal(json_array_size(json_object_get(o, "kh_recipients")), 2);
	d = json_array_get(json_object_get(o, "kh_recipients"), 0);
	assert_string_equal(json_string_value(json_object_get(d, "name")), "Stina Staff");
	json_decref(o);
	o = decision_disclosure_list(g_fx.model, doc_kh);
	assert_int_equal(json_array_size(json_object_get(o, "disclosures")), 2);
	d = json_array_get(json_object_get(o, "disclosures"), 1);
	assert_string_equal(json_string_value(json_object_get(d, "how")), "shown");
	assert_string_equal(json_string_value(json_object_get(d, "disclosed_by_name")),
	                    "Olle Annan");
	json_decref(o);
	o = decision_disclosure_list(g_fx.model, doc_h);
	assert_int_equal(json_array_size(json_object_get(o, "disclosures")), 0);
	json_decref(o);
}

/* ---- without a säkerhetsskyddschef (2 kap. 20 §) ---- */

static void test_no_ssc(void **state)
{
	struct model_err err = {0};
	uint64_t n = regfx_ledger_size(&g_fx);
	int64_t id = 0;

	(void)state;
	refused(decide(&chief, doc_h, "abroad", 0, &id, &err), &err, n, SK_ERULE, "decided_by",
	        "3 kap. 19 §", "the chief deciding abroad while there is an ssc");
	/* The ssc's grant ends: the head takes the ssc's decisions. */
	memset(&err, 0, sizeof(err));
	assert_int_equal(model_grant_revoke(g_fx.model, &chief, g_ssc_grant, "leaves", &err),
	                 SK_OK);
	assert_int_equal(decide(&chief, doc_h, "abroad", 0, &id, &err), SK_OK);
	expect_last("decision.recorded", doc_h);
	/* And the former ssc decides nothing any more. */
	n = regfx_ledger_size(&g_fx);
	refused(reclass(&ssc, doc_h, "H", 0, NULL, &err), &err, n, SK_ERULE, "decided_by",
	        "3 kap. 6 §", "a revoked ssc changing a class");
}

/* ---- replay equality ---- */

static void test_replay(void **state)
{
	struct store_verify_opts o = {.replay = true};
	struct store_verify_result r;
	char path[128];
	sqlite3 *db = NULL;
	int rc;

	(void)state;
	memset(&r, 0, sizeof(r));
	rc = store_verify(g_fx.dir, &o, &r);
	if (rc != SK_OK)
		fail_msg("verify --replay: %s: %s", sk_strerror(rc), r.problem);
	assert_true(r.entries > 30);

	/* A projected row changed behind the ledger's back is found by the replay. */
	snprintf(path, sizeof(path), "%s/skydd.db", g_fx.dir);
	if (access(path, F_OK) != 0) {
		print_message("no %s: the tamper half is skipped\n", path);
		return;
	}
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	assert_int_equal(sqlite3_exec(db, "UPDATE disclosure SET how = 'shown' WHERE id = 1", NULL,
	                              NULL, NULL),
	                 SQLITE_OK);
	memset(&r, 0, sizeof(r));
	rc = store_verify(g_fx.dir, &o, &r);
	assert_int_equal(sqlite3_exec(db, "UPDATE disclosure SET how = 'told' WHERE id = 1", NULL,
	                              NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);
	if (rc != SK_EVERIFY || !strstr(r.problem, "disclosure"))
		fail_msg("a changed disclosure row: want SK_EVERIFY naming the table, got %s: %s",
		         sk_strerror(rc), r.problem);
	memset(&r, 0, sizeof(r));
	assert_int_equal(store_verify(g_fx.dir, &o, &r), SK_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_lowering_kh),   cmocka_unit_test(test_reclassify_bad_input),
	        cmocka_unit_test(test_raise_blocked), cmocka_unit_test(test_declassify),
	        cmocka_unit_test(test_kh_decisions),  cmocka_unit_test(test_kh_recipients),
	        cmocka_unit_test(test_disclosures),   cmocka_unit_test(test_visibility),
	        cmocka_unit_test(test_lists),         cmocka_unit_test(test_no_ssc),
	        cmocka_unit_test(test_replay),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
