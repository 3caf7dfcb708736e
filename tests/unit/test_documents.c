/*
 * The register of classified documents (3 kap. PMFS 2022:1): documents and
 * their numbering, copies, receipts signed with TOTP, shipments,
 * destruction, the visibility rule (clearance and need-to-know), title
 * redaction, list filters — every action good and bad (a refusal appends
 * nothing) — and replay equality after a long random sequence.
 */
#include "testutil.h"
#include "model/register.h"
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

#define setup_fail(...) (fprintf(stderr, __VA_ARGS__), fputc('\n', stderr), fail())

static struct reg_fixture g_fx;

static struct principal chief, ssc, reg, reg_h, staff, staff2, auditor, admin;
static int64_t p_staff, p_staff2, p_reg, p_chief, p_other, p_ended;
static int64_t box_kh, box_k, room_kh, box_withdrawn, sys_h, sys_bh, dist, dist_withdrawn;
static uint8_t staff_secret[20] = "0123456789abcdefghij";

/* ---- fixtures ---- */

static int64_t space(const char *kind, const char *name, int max)
{
	struct records_space s = {kind, name, "Hus 1", max, NULL, "BESLUT-S"};
	struct model_err err = {0};
	int64_t id = 0;

	if (records_space_create(g_fx.model, max == CLEAR_KH ? &chief : &ssc, &s, &id, &err) !=
	    SK_OK)
		setup_fail("space %s: %s (%s)", name, err.msg, err.field);
	return id;
}

static int group_setup(void **state)
{
	struct records_system sh = {"System H", CLEAR_H, "SYS-1", NULL};
	struct records_system sbh = {"System BH", CLEAR_BH, "SYS-2", NULL};
	struct records_distributor d1 = {"Kurir AB", "070-1", "BESLUT-D1", NULL};
	struct records_distributor d2 = {"Gamla Kurir AB", "070-2", "BESLUT-D2", NULL};
	struct records_distributor wd = {NULL, NULL, NULL, "withdrawn"};
	struct model_err err = {0};
	char until[11];

	(void)state;
	regfx_open(&g_fx, "/tmp/skydd-test-doc-XXXXXX", REGFX_FAST_PW | REGFX_READER, NULL);
	regfx_today_plus(180, until); /* the end of privileged grants */

	regfx_identity(g_fx.model, &chief, "chief", ROLE_CHIEF, CLEAR_KH, NULL, until);
	regfx_identity(g_fx.model, &ssc, "ssc", ROLE_SSC, CLEAR_KH, NULL, until);
	regfx_identity(g_fx.model, &reg, "reg", ROLE_REGISTRAR, CLEAR_KH, NULL, until);
	regfx_identity(g_fx.model, &reg_h, "regh", ROLE_REGISTRAR, CLEAR_H, NULL, until);
	regfx_identity(g_fx.model, &staff, "staff", ROLE_STAFF, CLEAR_KH, NULL, until);
	regfx_identity(g_fx.model, &staff2, "staff2", ROLE_STAFF, CLEAR_K, NULL, until);
	regfx_identity(g_fx.model, &auditor, "auditor", ROLE_AUDITOR, CLEAR_KH, NULL, until);
	regfx_identity(g_fx.model, &admin, "admin", ROLE_ADMIN, CLEAR_NONE, NULL, until);
	assert_int_equal(model_identity_set_credentials(g_fx.model, staff.id,
	                                                "ett långt lösenord 1", staff_secret,
	                                                sizeof(staff_secret)),
	                 SK_OK);
	p_staff = regfx_person(g_fx.model, &reg, "Stina Staff", "Enheten", staff.id);
	p_staff2 = regfx_person(g_fx.model, &reg, "Sven Staff", "Enheten", staff2.id);
	p_reg = regfx_person(g_fx.model, &reg, "Rut Registrator", "Enheten", reg.id);
	p_chief = regfx_person(g_fx.model, &reg, "Chefen", "Enheten", chief.id);
	p_other = regfx_person(g_fx.model, &reg, "Olle Annan", "Enheten", 0);
	p_ended = regfx_person(g_fx.model, &reg, "Erik Slutat", "Enheten", 0);
	if (records_person_end(g_fx.model, &reg, p_ended, NULL, &err) != SK_OK)
		setup_fail("end: %s", err.msg);

	box_kh = space("container", "Kassaskåp KH", CLEAR_KH);
	box_k = space("container", "Skåp K", CLEAR_K);
	room_kh = space("processing", "Rum KH", CLEAR_KH);
	box_withdrawn = space("container", "Gammalt skåp", CLEAR_H);
	if (records_space_withdraw(g_fx.model, &ssc, box_withdrawn, NULL, "sönder", &err) != SK_OK)
		setup_fail("withdraw: %s", err.msg);
	if (records_system_create(g_fx.model, &ssc, &sh, &sys_h, &err) ||
	    records_system_create(g_fx.model, &ssc, &sbh, &sys_bh, &err) ||
	    records_distributor_create(g_fx.model, &ssc, &d1, &dist, &err) ||
	    records_distributor_create(g_fx.model, &ssc, &d2, &dist_withdrawn, &err) ||
	    records_distributor_update(g_fx.model, &ssc, dist_withdrawn, &wd, &err))
		setup_fail("records: %s (%s)", err.msg, err.field);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	regfx_close(&g_fx);
	return 0;
}

/* ---- helpers ---- */

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

static void refused(int rc, const struct model_err *err, uint64_t before, int want,
                    const char *field, const char *cite, const char *what)
{
	if (rc != want || (field && strcmp(err->field, field) != 0) ||
	    (cite && !strstr(err->msg, cite)))
		fail_msg("%s: expected %s (%d, field %s, '%s'), got %s (%d, field '%s'): %s", what,
		         sk_strerror(want), want, field ? field : "-", cite ? cite : "",
		         sk_strerror(rc), rc, err->field, err->msg);
	if (regfx_ledger_size(&g_fx) != before)
		fail_msg("%s: the refusal appended an entry", what);
}

static int last_cb(void *ctx, const struct store_entry_row *row)
{
	json_t **out = ctx;

	json_decref(*out);
	*out = json_loadb(row->bytes, row->len, 0, NULL);
	return SK_OK;
}

static json_t *entry_at(uint64_t seq)
{
	json_t *e = NULL;

	assert_int_equal(store_reader_entry(g_fx.rd, seq, last_cb, &e), SK_OK);
	assert_non_null(e);
	return e;
}

static void expect_last(const char *kind, int64_t doc_id)
{
	json_t *e = entry_at(regfx_ledger_size(&g_fx));
	char obj[64];

	snprintf(obj, sizeof(obj), "document/%lld", (long long)doc_id);
	if (strcmp(json_string_value(json_object_get(e, "kind")), kind) != 0 ||
	    strcmp(json_string_value(json_object_get(e, "object")), obj) != 0)
		fail_msg("last entry: want %s on %s, got %s", kind, obj,
		         json_dumps(e, JSON_COMPACT));
	json_decref(e);
}

static struct document_new docn(const char *cls, const char *form)
{
	struct document_new d = {
	        .title = "Planen för övningen",
	        .cls = cls,
	        .form = form,
	        .pages = strcmp(form, "physical") == 0 ? 12 : 0,
	        .system_id = strcmp(form, "physical") == 0 ? 0 : sys_h,
	};
	return d;
}

static int64_t mkdoc(const char *cls, const char *form, const int64_t *acc, size_t n)
{
	struct document_new d = docn(cls, form);
	struct model_err err = {0};
	int64_t id = 0;

	d.access = acc;
	d.n_access = n;
	if (document_create(g_fx.model, &reg, &d, &id, &err) != SK_OK)
		fail_msg("document %s: %s (%s)", cls, err.msg, err.field);
	return id;
}

static int64_t mkcopy(int64_t doc, int64_t space_id, int64_t holder)
{
	struct copy_new c = {.space_id = space_id, .holder_id = holder};
	struct model_err err = {0};
	int64_t id = 0;

	if (copy_create(g_fx.model, &reg, doc, &c, 1, &id, &err) != SK_OK)
		fail_msg("copy of %lld: %s (%s)", (long long)doc, err.msg, err.field);
	return id;
}

static int act(const struct principal *p, int64_t copy, struct copy_action *a,
               struct model_err *err)
{
	memset(err, 0, sizeof(*err));
	return copy_act(g_fx.model, p, copy, a, err);
}

static void code_now(char out[7])
{
	assert_int_equal(
	        auth_totp_code(staff_secret, sizeof(staff_secret), sk_now_us() / 1000000, out),
	        SK_OK);
}

/* ---- documents ---- */

static void test_create(void **state)
{
	struct document_new d = docn("K", "physical");
	struct model_err err = {0};
	int64_t id = 0, id2 = 0, acc[2] = {p_staff, p_staff2};
	char s[128], year[11], want[32];

	(void)state;
	regfx_today_plus(0, year);
	d.access = acc;
	d.n_access = 2;
	d.case_number = "2026/123";
	d.originator = "Försvarsmakten";
	d.attachments = 2;
	d.document_date = "2026-01-15";
	assert_int_equal(document_create(g_fx.model, &reg, &d, &id, &err), SK_OK);
	expect_last("document.created", id);
	col_text("SELECT designation FROM document WHERE id = ?1", id, s, sizeof(s));
	snprintf(want, sizeof(want), "%.4s-0001", year);
	assert_string_equal(s, want);
	assert_int_equal(col_int("SELECT count(*) FROM document_access WHERE document_id = ?1", id),
	                 2);
	col_text("SELECT class || form || pages || attachments || originator || case_number || "
	         "document_date || status FROM document WHERE id = ?1",
	         id, s, sizeof(s));
	assert_string_equal(s, "Kphysical122Försvarsmakten2026/1232026-01-15active");
	/* the next is numbered 2; an explicit designation is kept */
	assert_int_equal(document_create(g_fx.model, &ssc, &d, &id2, &err), SK_OK);
	col_text("SELECT designation FROM document WHERE id = ?1", id2, s, sizeof(s));
	snprintf(want, sizeof(want), "%.4s-0002", year);
	assert_string_equal(s, want);
	d.designation = "FM-2026-77";
	assert_int_equal(document_create(g_fx.model, &reg, &d, &id2, &err), SK_OK);
	col_text("SELECT designation FROM document WHERE id = ?1", id2, s, sizeof(s));
	assert_string_equal(s, "FM-2026-77");
	/* electronic, in an approved system */
	d = docn("H", "electronic");
	assert_int_equal(document_create(g_fx.model, &reg, &d, &id2, &err), SK_OK);
	assert_int_equal(col_int("SELECT system_id FROM document WHERE id = ?1", id2), sys_h);
}

static void test_create_bad(void **state)
{
	struct document_new d;
	struct model_err err;
	uint64_t n = regfx_ledger_size(&g_fx);
	int64_t id = 0, acc[2] = {p_staff, p_staff};

	(void)state;
#define TRY(p, want, field, cite, what)                                                            \
	do {                                                                                       \
		memset(&err, 0, sizeof(err));                                                      \
		refused(document_create(g_fx.model, p, &d, &id, &err), &err, n, want, field, cite, \
		        what);                                                                     \
	} while (0)
	d = docn("K", "physical");
	d.pages = 0;
	TRY(&reg, SK_ERULE, "pages", "3 kap. 4 §", "K physical without pages");
	d = docn("X", "physical");
	TRY(&reg, SK_EINVAL, "class", NULL, "bad class");
	d = docn("K", "paper");
	TRY(&reg, SK_EINVAL, "form", NULL, "bad form");
	d = docn("K", "physical");
	d.title = "";
	TRY(&reg, SK_EINVAL, "title", NULL, "empty title");
	d = docn("K", "physical");
	d.document_date = "2026-02-30";
	TRY(&reg, SK_EINVAL, "document_date", NULL, "bad date");
	d = docn("K", "physical");
	d.registered_on = "2999-01-01";
	TRY(&reg, SK_EINVAL, "registered_on", NULL, "future registration");
	/* issue 10 item 16: a future document date, as the import refuses it */
	d = docn("K", "physical");
	d.document_date = "9999-12-31";
	TRY(&reg, SK_EINVAL, "document_date", NULL, "document dated 9999-12-31");
	{
		char tomorrow[11];

		regfx_today_plus(1, tomorrow);
		d.document_date = tomorrow;
		TRY(&reg, SK_EINVAL, "document_date", NULL, "document dated tomorrow");
	}
	/* white space only, a bidi override, a C1 control: refused like an empty title */
	d = docn("K", "physical");
	d.title = " \t ";
	TRY(&reg, SK_EINVAL, "title", NULL, "a blank title");
	d.title = "Plan\xe2\x80\xae"
	          "gnp.exe";
	TRY(&reg, SK_EINVAL, "title", NULL, "U+202E in the title");
	d.title = "Plan\xc2\x9b"
	          "1m";
	TRY(&reg, SK_EINVAL, "title", NULL, "U+009B in the title");
	d = docn("K", "physical");
	d.originator = "   ";
	TRY(&reg, SK_EINVAL, "originator", NULL, "a blank originator");
	d = docn("K", "electronic");
	d.system_id = 0;
	TRY(&reg, SK_ERULE, "system_id", "3 kap. 1 §", "electronic without system");
	d = docn("K", "electronic");
	d.system_id = sys_bh;
	TRY(&reg, SK_ERULE, "system_id", "3 kap. 1 §", "system approved below the class");
	d = docn("K", "electronic");
	d.system_id = 9999;
	TRY(&reg, SK_ENOTFOUND, "system_id", NULL, "unknown system");
	d = docn("K", "physical");
	d.system_id = sys_h;
	TRY(&reg, SK_EINVAL, "system_id", NULL, "physical with a system");
	d = docn("K", "physical");
	d.access = acc;
	d.n_access = 2;
	TRY(&reg, SK_EINVAL, "person_ids", NULL, "a person twice");
	acc[1] = 9999;
	TRY(&reg, SK_ENOTFOUND, "person_ids", NULL, "unknown person");
	acc[1] = p_ended;
	TRY(&reg, SK_ERULE, "person_ids", NULL, "ended person");
	d = docn("K", "physical");
	d.designation = "FM-2026-77";
	TRY(&reg, SK_EEXIST, "designation", NULL, "designation taken");
	d = docn("KH", "physical");
	TRY(&reg_h, SK_EPERM, "class", NULL, "registrar not cleared for KH");
	d = docn("K", "physical");
	TRY(&staff, SK_EPERM, NULL, NULL, "staff");
	TRY(&auditor, SK_EPERM, NULL, NULL, "auditor");
	TRY(&admin, SK_EPERM, NULL, NULL, "admin");
#undef TRY
}

static void test_update_and_access(void **state)
{
	int64_t acc[1] = {p_staff}, more[1] = {p_other}, doc = mkdoc("H", "physical", acc, 1);
	struct document_patch pt = {.title = "Ny titel",
	                            .title_classified = 1,
	                            .pages = 20,
	                            .attachments = -1,
	                            .system_id = -1,
	                            .case_number = "X/1"};
	struct document_patch none = {
	        .title_classified = -1, .pages = -1, .attachments = -1, .system_id = -1};
	struct document_patch bad = none;
	struct model_err err = {0};
	uint64_t n;
	char s[128];

	(void)state;
	assert_int_equal(document_update(g_fx.model, &reg, doc, &pt, &err), SK_OK);
	expect_last("document.updated", doc);
	col_text("SELECT title || title_classified || pages || case_number FROM document WHERE id "
	         "= ?1",
	         doc, s, sizeof(s));
	assert_string_equal(s, "Ny titel120X/1");
	n = regfx_ledger_size(&g_fx);
	refused(document_update(g_fx.model, &reg, doc, &none, &err), &err, n, SK_EINVAL, "", NULL,
	        "nothing to change");
	bad.pages = 0;
	refused(document_update(g_fx.model, &reg, doc, &bad, &err), &err, n, SK_EINVAL, "pages",
	        NULL, "pages 0");
	bad = none;
	bad.status = "gone";
	refused(document_update(g_fx.model, &reg, doc, &bad, &err), &err, n, SK_EINVAL, "status",
	        NULL, "bad status");
	bad = none;
	bad.document_date = "9999-12-31";
	refused(document_update(g_fx.model, &reg, doc, &bad, &err), &err, n, SK_EINVAL,
	        "document_date", NULL, "a future document date");
	{
		int64_t kh = mkdoc("KH", "physical", NULL, 0);

		n = regfx_ledger_size(&g_fx);
		refused(document_update(g_fx.model, &reg_h, kh, &pt, &err), &err, n, SK_ENOTFOUND,
		        "id", NULL, "registrar below the class");
	}
	n = regfx_ledger_size(&g_fx);
	refused(document_update(g_fx.model, &auditor, doc, &pt, &err), &err, n, SK_EPERM, NULL,
	        NULL, "auditor writes");
	/* need-to-know list: only a person cleared for the class (6 kap., reg_clearances.c) */
	n = regfx_ledger_size(&g_fx);
	refused(document_access_change(g_fx.model, &reg, doc, more, 1, false, &err), &err, n,
	        SK_ERULE, "person_ids", "cleared only for none", "not cleared");
	regfx_clear(g_fx.model, &ssc, p_other, "K");
	n = regfx_ledger_size(&g_fx);
	refused(document_access_change(g_fx.model, &reg, doc, more, 1, false, &err), &err, n,
	        SK_ERULE, "person_ids", "cleared only for K", "cleared below");
	regfx_clear(g_fx.model, &ssc, p_other, "H");
	assert_int_equal(document_access_change(g_fx.model, &reg, doc, more, 1, false, &err),
	                 SK_OK);
	expect_last("document.access.added", doc);
	n = regfx_ledger_size(&g_fx);
	refused(document_access_change(g_fx.model, &reg, doc, more, 1, false, &err), &err, n,
	        SK_EEXIST, "person_ids", NULL, "already listed");
	assert_int_equal(document_access_change(g_fx.model, &reg, doc, more, 1, true, &err), SK_OK);
	expect_last("document.access.removed", doc);
	n = regfx_ledger_size(&g_fx);
	refused(document_access_change(g_fx.model, &reg, doc, more, 1, true, &err), &err, n,
	        SK_ENOTFOUND, "person_ids", NULL, "not listed");
	refused(document_access_change(g_fx.model, &staff, doc, more, 1, false, &err), &err, n,
	        SK_EPERM, NULL, NULL, "staff changes the list");
	/* someone holding a copy stays on the list until it is returned */
	mkcopy(doc, 0, p_staff);
	n = regfx_ledger_size(&g_fx);
	refused(document_access_change(g_fx.model, &reg, doc, acc, 1, true, &err), &err, n,
	        SK_ERULE, "person_ids", "holds a copy", "holder removed");
	/* closing with a copy out is refused */
	bad = none;
	bad.status = "closed";
	refused(document_update(g_fx.model, &reg, doc, &bad, &err), &err, n, SK_ERULE, "status",
	        NULL, "closing with a copy out");
}

static void test_numbering(void **state)
{
	struct model_err err = {0};
	struct document_new d = docn("BH", "physical");
	char s[64], yy[11];
	int64_t id = 0;
	uint64_t n = regfx_ledger_size(&g_fx);
	json_t *o;

	(void)state;
	regfx_today_plus(0, yy);
	assert_true(document_pattern_valid("{YYYY}-{N:4}"));
	assert_true(document_pattern_valid("D{N}"));
	assert_false(document_pattern_valid("{YYYY}"));
	assert_false(document_pattern_valid("{N}{N}"));
	assert_false(document_pattern_valid("{X}-{N}"));
	assert_false(document_pattern_valid(""));
	refused(document_pattern_set(g_fx.model, &reg, "H-{N}", &err), &err, n, SK_EPERM, NULL,
	        NULL, "registrar sets the pattern");
	refused(document_pattern_set(g_fx.model, &ssc, "H-{Q}", &err), &err, n, SK_EINVAL,
	        "pattern", NULL, "bad pattern");
	assert_int_equal(document_pattern_set(g_fx.model, &ssc, "SK/{YY}/{N:3}", &err), SK_OK);
	o = document_pattern_get(g_fx.model);
	assert_string_equal(json_string_value(json_object_get(o, "pattern")), "SK/{YY}/{N:3}");
	json_decref(o);
	/* an explicit designation that takes the next number is skipped */
	snprintf(s, sizeof(s), "SK/%.2s/001", yy + 2);
	d.designation = s;
	assert_int_equal(document_create(g_fx.model, &reg, &d, &id, &err), SK_OK);
	d.designation = NULL;
	assert_int_equal(document_create(g_fx.model, &reg, &d, &id, &err), SK_OK);
	col_text("SELECT designation FROM document WHERE id = ?1", id, s, sizeof(s));
	{
		char want[32];

		snprintf(want, sizeof(want), "SK/%.2s/002", yy + 2);
		assert_string_equal(s, want);
	}
	assert_int_equal(document_pattern_set(g_fx.model, &ssc, "{YYYY}-{N:4}", &err), SK_OK);
}

/* ---- copies ---- */

static void test_copies(void **state)
{
	/* Sven (K) is listed while cleared for H, then the H decision is withdrawn */
	int64_t raised = regfx_clear(g_fx.model, &ssc, p_staff2, "H");
	int64_t acc[2] = {p_staff, p_staff2}, doc = mkdoc("H", "physical", acc, 2);
	struct copy_new c = {.space_id = box_kh};
	struct model_err err = {0};
	int64_t first = 0;
	uint64_t n;
	json_t *w = json_pack("{s:s}", "withdraw_reason", "tillfälligt uppdrag slut");

	(void)state;
	assert_int_equal(reg_run(g_fx.model, &ssc, "clearances", "withdraw", w, &raised, &err),
	                 SK_OK);
	json_decref(w);
	assert_int_equal(copy_create(g_fx.model, &reg, doc, &c, 3, &first, &err), SK_OK);
	assert_int_equal(col_int("SELECT max(number) FROM copy WHERE document_id = ?1", doc), 3);
	assert_int_equal(col_int("SELECT count(*) FROM copy WHERE document_id = ?1 AND state = "
	                         "'in_register'",
	                         doc),
	                 3);
	expect_last("copy.created", doc);
	n = regfx_ledger_size(&g_fx);
#define TRY(p, cnt, want, field, cite, what)                                                       \
	do {                                                                                       \
		memset(&err, 0, sizeof(err));                                                      \
		refused(copy_create(g_fx.model, p, doc, &c, cnt, &first, &err), &err, n, want,     \
		        field, cite, what);                                                        \
	} while (0)
	c = (struct copy_new){.space_id = box_k};
	TRY(&reg, 1, SK_ERULE, "space_id", "3 kap. 9 §", "container below the class");
	c = (struct copy_new){.space_id = room_kh};
	TRY(&reg, 1, SK_ERULE, "space_id", "3 kap. 9 §", "a room, not a container");
	c = (struct copy_new){.space_id = box_withdrawn};
	TRY(&reg, 1, SK_ERULE, "space_id", "3 kap. 9 §", "withdrawn container");
	c = (struct copy_new){0};
	TRY(&reg, 1, SK_EINVAL, "holder_id", "3 kap. 9 §", "neither person nor container");
	c = (struct copy_new){.space_id = box_kh, .holder_id = p_staff};
	TRY(&reg, 1, SK_EINVAL, "space_id", NULL, "both");
	c = (struct copy_new){.holder_id = p_other};
	TRY(&reg, 1, SK_ERULE, "holder_id", "need-to-know", "holder not on the list");
	c = (struct copy_new){.holder_id = p_staff2};
	TRY(&reg, 1, SK_ERULE, "holder_id", "cleared", "holder cleared below the class");
	c = (struct copy_new){.space_id = box_kh};
	TRY(&reg, 0, SK_EINVAL, "count", NULL, "count 0");
	TRY(&reg, 101, SK_EINVAL, "count", NULL, "count 101");
	TRY(&staff, 1, SK_EPERM, NULL, NULL, "staff");
	TRY(&auditor, 1, SK_EPERM, NULL, NULL, "auditor");
	c = (struct copy_new){.space_id = box_kh, .decision_id = 1};
	TRY(&reg, 1, SK_EINVAL, "decision_id", NULL, "a decision for an H copy");
	c = (struct copy_new){.space_id = box_kh};
	memset(&err, 0, sizeof(err));
	refused(copy_create(g_fx.model, &reg, 9999, &c, 1, &first, &err), &err, n, SK_ENOTFOUND,
	        "id", NULL, "no document");
#undef TRY
}

static void test_kh_copies(void **state)
{
	int64_t acc[2] = {p_staff, p_chief}, doc = mkdoc("KH", "physical", acc, 2), other = 0,
	        dec = 0;
	struct decision_new dn = {"kh_copy", NULL, "BESLUT-KH-1", NULL, 0};
	struct copy_new c = {.space_id = box_kh};
	struct model_err err = {0};
	int64_t first = 0;
	uint64_t n;

	(void)state;
	/* copy 1 is the original */
	assert_int_equal(copy_create(g_fx.model, &reg, doc, &c, 1, &first, &err), SK_OK);
	n = regfx_ledger_size(&g_fx);
	memset(&err, 0, sizeof(err));
	refused(copy_create(g_fx.model, &reg, doc, &c, 1, &first, &err), &err, n, SK_ERULE,
	        "decision_id", "3 kap. 8 §", "KH copy without decision");
	/* a decision for another document does not count */
	other = mkdoc("KH", "physical", acc, 2);
	assert_int_equal(decision_record(g_fx.model, &chief, other, &dn, &dec, &err), SK_OK);
	n = regfx_ledger_size(&g_fx);
	c.decision_id = dec;
	memset(&err, 0, sizeof(err));
	refused(copy_create(g_fx.model, &reg, doc, &c, 1, &first, &err), &err, n, SK_ENOTFOUND,
	        "decision_id", NULL, "another document's decision");
	assert_int_equal(decision_record(g_fx.model, &chief, doc, &dn, &dec, &err), SK_OK);
	c.decision_id = 0; /* found by itself */
	assert_int_equal(copy_create(g_fx.model, &reg, doc, &c, 2, &first, &err), SK_OK);
	assert_int_equal(col_int("SELECT used FROM decision WHERE id = ?1", dec), 2);
	assert_int_equal(col_int("SELECT decision_id FROM copy WHERE id = ?1", first), dec);
	n = regfx_ledger_size(&g_fx);
	c.decision_id = dec;
	memset(&err, 0, sizeof(err));
	refused(copy_create(g_fx.model, &reg, doc, &c, 1, &first, &err), &err, n, SK_ERULE,
	        "decision_id", "already used", "a used decision");
	c.decision_id = 0;
	memset(&err, 0, sizeof(err));
	refused(copy_create(g_fx.model, &reg, doc, &c, 1, &first, &err), &err, n, SK_ERULE,
	        "decision_id", "3 kap. 8 §", "no unused decision left");
}

/* ---- receipts ---- */

static void test_issue_and_sign(void **state)
{
	int64_t acc[2] = {p_staff, p_staff2}, doc = mkdoc("K", "physical", acc, 2);
	int64_t cp = mkcopy(doc, box_kh, 0), cp2 = mkcopy(doc, box_kh, 0), rid, rid2;
	struct copy_action a = {.act = COPY_ISSUE, .person_id = p_staff};
	struct model_err err = {0};
	char s[64], code[7], keep[11];
	uint64_t n;
	json_t *o;

	(void)state;
	if (act(&reg, cp, &a, &err) != SK_OK)
		fail_msg("issue: %s (%s)", err.msg, err.field);
	rid = a.result_id;
	assert_true(rid > 0);
	expect_last("receipt.created", doc);
	col_text("SELECT state || holder_person_id FROM copy WHERE id = ?1", cp, s, sizeof(s));
	{
		char want[32];

		snprintf(want, sizeof(want), "issued%lld", (long long)p_staff);
		assert_string_equal(s, want);
	}
	col_text("SELECT state || class || keep_until FROM receipt WHERE id = ?1", rid, s,
	         sizeof(s));
	regfx_today_plus(0, keep);
	{
		char want[32];
		int y = (int)strtol(keep, NULL, 10) + 10;

		snprintf(want, sizeof(want), "pendingK%04d%s", y, keep + 4);
		if (strcmp(keep + 4, "-02-29") == 0)
			want[strlen(want) - 1] = '8';
		assert_string_equal(s, want);
	}
	/* the receipt shows the class (3 kap. 2 §) */
	o = receipt_get(g_fx.model, &staff, rid);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "class")), "K");
	assert_non_null(
	        strstr(json_string_value(json_object_get(json_object_get(o, "notice"), "sv")),
	               "konfidentiell"));
	json_decref(o);
	/* pending receipts of mine */
	o = receipt_list(g_fx.model, &staff, true, "pending");
	{
		json_t *v;
		size_t i;
		bool found = false;

		json_array_foreach(o, i, v)
		{
			assert_int_equal(json_integer_value(json_object_get(v, "person_id")),
			                 p_staff);
			assert_string_equal(json_string_value(json_object_get(v, "state")),
			                    "pending");
			found |= json_integer_value(json_object_get(v, "id")) == rid;
		}
		assert_true(found);
	}
	json_decref(o);
	o = receipt_list(g_fx.model, &staff2, true, NULL);
	assert_int_equal(json_array_size(o), 0);
	json_decref(o);
	/* issue again: the copy is out */
	n = regfx_ledger_size(&g_fx);
	refused(act(&reg, cp, &a, &err), &err, n, SK_ERULE, "id", "issued", "issue an issued copy");
	a.person_id = p_other;
	refused(act(&reg, cp2, &a, &err), &err, n, SK_ERULE, "person_id", NULL, "not on the list");
	/* signing: bad class, bad code, someone else, then good */
	code_now(code);
	refused(receipt_sign(g_fx.model, &staff, rid, code, "H", &err), &err, n, SK_EINVAL,
	        "class_acknowledged", "3 kap. 2 §", "wrong class acknowledged");
	/* a wrong code changes no register but is itself a security event (like a failed login) */
	assert_int_equal(receipt_sign(g_fx.model, &staff, rid, "000000", "K", &err), SK_EAUTH);
	assert_string_equal(err.field, "code");
	assert_int_equal(regfx_ledger_size(&g_fx), n + 1);
	{
		json_t *e = entry_at(n + 1);
		char obj[64];

		snprintf(obj, sizeof(obj), "identity/%lld", (long long)staff.id);
		assert_string_equal(json_string_value(json_object_get(e, "kind")),
		                    "auth.reauth.failed");
		assert_string_equal(json_string_value(json_object_get(e, "object")), obj);
		json_decref(e);
	}
	col_text("SELECT state FROM receipt WHERE id = ?1", rid, s, sizeof(s));
	assert_string_equal(s, "pending");
	n = regfx_ledger_size(&g_fx);
	refused(receipt_sign(g_fx.model, &staff2, rid, code, "K", &err), &err, n, SK_ENOTFOUND,
	        "id", NULL, "someone else's receipt");
	refused(receipt_sign(g_fx.model, &reg, rid, code, "K", &err), &err, n, SK_ENOTFOUND, "id",
	        NULL, "the registrar signs for the recipient");
	refused(receipt_sign(g_fx.model, &staff, rid, "12", "K", &err), &err, n, SK_EINVAL, "code",
	        NULL, "short code");
	assert_int_equal(receipt_sign(g_fx.model, &staff, rid, code, "K", &err), SK_OK);
	expect_last("receipt.signed", doc);
	col_text("SELECT state || signed_by FROM receipt WHERE id = ?1", rid, s, sizeof(s));
	{
		char want[32];

		snprintf(want, sizeof(want), "signed%lld", (long long)staff.id);
		assert_string_equal(s, want);
	}
	n = regfx_ledger_size(&g_fx);
	refused(receipt_sign(g_fx.model, &staff, rid, code, "K", &err), &err, n, SK_ERULE, "id",
	        "pending", "sign twice");
	/* the same code is single use: a second receipt needs a fresh one */
	a.person_id = p_staff;
	assert_int_equal(act(&reg, cp2, &a, &err), SK_OK);
	rid2 = a.result_id;
	n = regfx_ledger_size(&g_fx);
	refused(receipt_sign(g_fx.model, &staff, rid2, code, "K", &err), &err, n + 1, SK_EAUTH,
	        "code", NULL, "a used code (logged as a failed re-authentication)");
	n++;
	/* the registrar records a paper receipt instead */
	refused(receipt_paper(g_fx.model, &staff, rid2, "P-9", &err), &err, n, SK_EPERM, NULL, NULL,
	        "staff records paper");
	assert_int_equal(receipt_paper(g_fx.model, &reg, rid2, "Kvittens 2026-11 nr 9", &err),
	                 SK_OK);
	col_text("SELECT state || paper_ref FROM receipt WHERE id = ?1", rid2, s, sizeof(s));
	assert_string_equal(s, "signedKvittens 2026-11 nr 9");
	/* the return is noted on the receipt */
	a = (struct copy_action){.act = COPY_RETURN, .space_id = box_kh, .note = "ok"};
	assert_int_equal(act(&reg, cp, &a, &err), SK_OK);
	expect_last("copy.returned", doc);
	col_text("SELECT state || returned_note FROM receipt WHERE id = ?1", rid, s, sizeof(s));
	assert_string_equal(s, "returnedok");
	col_text("SELECT state || space_id FROM copy WHERE id = ?1", cp, s, sizeof(s));
	{
		char want[32];

		snprintf(want, sizeof(want), "returned%lld", (long long)box_kh);
		assert_string_equal(s, want);
	}
	/* no receipt for a BH copy; KH is kept 25 years */
	{
		int64_t d2 = mkdoc("BH", "physical", acc, 2), c2 = mkcopy(d2, box_kh, 0);

		a = (struct copy_action){.act = COPY_ISSUE, .person_id = p_staff};
		assert_int_equal(act(&reg, c2, &a, &err), SK_OK);
		assert_int_equal(a.result_id, 0);
		expect_last("copy.issued", d2);
	}
	{
		int64_t d3 = mkdoc("KH", "physical", acc, 1), c3 = mkcopy(d3, 0, p_staff);

		col_text("SELECT keep_until FROM receipt WHERE copy_id = ?1", c3, s, sizeof(s));
		assert_int_equal(strtol(s, NULL, 10), strtol(keep, NULL, 10) + 25);
	}
	/* receipts are never deleted (a trigger refuses, 3 kap. 14 §) */
	{
		sqlite3 *db = NULL;
		char path[128], sql[96];

		snprintf(path, sizeof(path), "%s/skydd.db", g_fx.dir);
		assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
		sqlite3_busy_timeout(db, 5000);
		snprintf(sql, sizeof(sql), "DELETE FROM receipt WHERE id = %lld", (long long)rid);
		assert_int_not_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
		sqlite3_close(db);
		assert_int_equal(col_int("SELECT count(*) FROM receipt WHERE id = ?1", rid), 1);
	}
}

static void test_copy_states(void **state)
{
	int64_t acc[2] = {p_staff, p_reg}, doc = mkdoc("H", "physical", acc, 2);
	int64_t cp = mkcopy(doc, box_kh, 0), c2 = mkcopy(doc, box_kh, 0),
	        c3 = mkcopy(doc, box_kh, 0);
	struct copy_action a;
	struct model_err err = {0};
	char s[64], today[11];
	uint64_t n;
	json_t *o;

	(void)state;
	regfx_today_plus(0, today);
	/* store needs a container */
	n = regfx_ledger_size(&g_fx);
	a = (struct copy_action){.act = COPY_STORE};
	refused(act(&reg, cp, &a, &err), &err, n, SK_EINVAL, "space_id", NULL, "store nowhere");
	a.space_id = box_k;
	refused(act(&reg, cp, &a, &err), &err, n, SK_ERULE, "space_id", "3 kap. 9 §",
	        "store in a K container");
	a = (struct copy_action){.act = COPY_RETURN};
	refused(act(&reg, cp, &a, &err), &err, n, SK_ERULE, "id", NULL, "return a copy not out");
	/* archive, then lost */
	a = (struct copy_action){.act = COPY_ARCHIVE, .space_id = box_kh};
	assert_int_equal(act(&reg, cp, &a, &err), SK_OK);
	expect_last("copy.archived", doc);
	a = (struct copy_action){.act = COPY_LOST, .note = "saknas vid inventering"};
	assert_int_equal(act(&auditor, cp, &a, &err), SK_EPERM);
	assert_int_equal(act(&reg, cp, &a, &err), SK_OK);
	expect_last("copy.lost", doc);
	assert_int_equal(col_int("SELECT count(*) FROM lost_case WHERE item_type = 'copy' AND "
	                         "item_id = ?1 AND state = 'open'",
	                         cp),
	                 1);
	n = regfx_ledger_size(&g_fx);
	a = (struct copy_action){.act = COPY_STORE, .space_id = box_kh};
	refused(act(&reg, cp, &a, &err), &err, n, SK_ERULE, "id", "lost", "store a lost copy");
	/* destruction */
	a = (struct copy_action){.act = COPY_DESTROY,
	                         .method = "Dokumentförstörare klass 5",
	                         .destroyed_on = today,
	                         .performer_id = p_reg};
	refused(act(&reg, c2, &a, &err), &err, n, SK_ERULE, "witness_id", "3 kap. 23 §",
	        "K+ without witness");
	a.witness_id = p_reg;
	refused(act(&reg, c2, &a, &err), &err, n, SK_ERULE, "witness_id", NULL,
	        "witness is the performer");
	a.witness_id = p_ended;
	refused(act(&reg, c2, &a, &err), &err, n, SK_ERULE, "witness_id", NULL, "ended witness");
	a.witness_id = p_staff;
	a.destroyed_on = "2999-01-01";
	refused(act(&reg, c2, &a, &err), &err, n, SK_EINVAL, "destroyed_on", NULL, "future");
	a.destroyed_on = today;
	a.method = "";
	refused(act(&reg, c2, &a, &err), &err, n, SK_EINVAL, "method", NULL, "no method");
	a.method = "Dokumentförstörare klass 5";
	a.performer_id = 9999;
	refused(act(&reg, c2, &a, &err), &err, n, SK_ENOTFOUND, "performer_id", NULL,
	        "unknown performer");
	a.performer_id = p_reg;
	if (act(&reg, c2, &a, &err) != SK_OK)
		fail_msg("destroy: %s (%s)", err.msg, err.field);
	assert_true(a.result_id > 0);
	expect_last("copy.destroyed", doc);
	col_text("SELECT state FROM copy WHERE id = ?1", c2, s, sizeof(s));
	assert_string_equal(s, "destroyed");
	o = destruction_get(g_fx.model, &auditor, a.result_id);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "method")),
	                    "Dokumentförstörare klass 5");
	assert_string_equal(json_string_value(json_object_get(o, "witness_name")), "Stina Staff");
	json_decref(o);
	assert_null(destruction_get(g_fx.model, &staff2, a.result_id));
	n = regfx_ledger_size(&g_fx);
	refused(act(&reg, c2, &a, &err), &err, n, SK_ERULE, "id", NULL, "destroy twice");
	/* shipping and delivery */
	a = (struct copy_action){
	        .act = COPY_SHIP, .distributor_id = dist_withdrawn, .recipient = "FMV, Stockholm"};
	refused(act(&reg, c3, &a, &err), &err, n, SK_ERULE, "distributor_id", "3 kap. 12 §",
	        "withdrawn distributor");
	a.distributor_id = 9999;
	refused(act(&reg, c3, &a, &err), &err, n, SK_ENOTFOUND, "distributor_id", NULL,
	        "unknown distributor");
	a.distributor_id = dist;
	a.recipient = "";
	refused(act(&reg, c3, &a, &err), &err, n, SK_EINVAL, "recipient", NULL, "no recipient");
	a.recipient = "  \xc2\xa0 ";
	refused(act(&reg, c3, &a, &err), &err, n, SK_EINVAL, "recipient", NULL,
	        "a blank recipient");
	a.recipient = "FMV, Stockholm";
	assert_int_equal(act(&reg, c3, &a, &err), SK_OK);
	expect_last("shipment.sent", doc);
	col_text("SELECT state FROM copy WHERE id = ?1", c3, s, sizeof(s));
	assert_string_equal(s, "shipped");
	n = regfx_ledger_size(&g_fx);
	memset(&err, 0, sizeof(err));
	refused(shipment_deliver(g_fx.model, &reg, a.result_id, NULL, "", &err), &err, n, SK_EINVAL,
	        "delivery_ref", "3 kap. 12 §", "no delivery ref");
	refused(shipment_deliver(g_fx.model, &staff, a.result_id, NULL, "K-1", &err), &err, n,
	        SK_EPERM, NULL, NULL, "staff confirms");
	refused(shipment_deliver(g_fx.model, &reg, 9999, NULL, "K-1", &err), &err, n, SK_ENOTFOUND,
	        "id", NULL, "no shipment");
	assert_int_equal(shipment_deliver(g_fx.model, &reg, a.result_id, NULL, "Kvitto 4711", &err),
	                 SK_OK);
	expect_last("shipment.delivered", doc);
	n = regfx_ledger_size(&g_fx);
	refused(shipment_deliver(g_fx.model, &reg, a.result_id, NULL, "K-2", &err), &err, n,
	        SK_ERULE, "id", NULL, "deliver twice");
	o = document_get(g_fx.model, &reg, doc);
	assert_int_equal(json_array_size(json_object_get(o, "copies")), 3);
	assert_int_equal(json_array_size(json_object_get(o, "shipments")), 1);
	assert_int_equal(json_array_size(json_object_get(o, "destructions")), 1);
	assert_int_equal(json_array_size(json_object_get(o, "access")), 2);
	json_decref(o);
}

/* ---- visibility ---- */

static int count_cb(void *ctx, const struct store_entry_row *row)
{
	(void)row;
	(*(uint64_t *)ctx)++;
	return SK_OK;
}

static uint64_t denied_count(void)
{
	struct store_log_filter f = {
	        .actor = -1, .kind = "document.access.denied", .limit = 100000};
	uint64_t n = 0;

	assert_int_equal(store_reader_log(g_fx.rd, &f, count_cb, &n), SK_OK);
	return n;
}

static void test_visibility(void **state)
{
	int64_t acc[1] = {p_staff}, kh = mkdoc("KH", "physical", acc, 1);
	int64_t k = mkdoc("K", "physical", acc, 1);
	uint64_t denied = denied_count();
	json_t *o;

	(void)state;
	/* the rule */
	assert_true(document_visible(g_fx.rd, &staff, kh));  /* on the list, cleared */
	assert_false(document_visible(g_fx.rd, &staff2, k)); /* cleared, not on the list */
	assert_true(document_visible(g_fx.rd, &reg, kh));    /* registrar within clearance */
	assert_false(document_visible(g_fx.rd, &reg_h, kh)); /* registrar above clearance */
	assert_true(document_visible(g_fx.rd, &reg_h, k));
	assert_true(document_visible(g_fx.rd, &auditor, kh)); /* the auditor reads */
	assert_false(document_visible(g_fx.rd, &admin, k));   /* admin alone sees nothing */
	assert_false(document_visible(g_fx.rd, &chief, k));   /* the head is not on the list */
	assert_false(document_visible(g_fx.rd, &reg, 99999));
	/* a denied read is an entry; a missing document is not */
	assert_int_equal(document_check_read(g_fx.model, &staff2, k), SK_ENOTFOUND);
	assert_int_equal(denied_count(), denied + 1);
	expect_last("document.access.denied", k);
	assert_int_equal(document_check_read(g_fx.model, &reg_h, kh), SK_ENOTFOUND);
	assert_int_equal(denied_count(), denied + 2);
	assert_int_equal(document_check_read(g_fx.model, &staff, 99999), SK_ENOTFOUND);
	assert_int_equal(denied_count(), denied + 2);
	assert_int_equal(document_check_read(g_fx.model, &staff, kh), SK_OK);
	assert_int_equal(document_check_read(g_fx.model, &auditor, kh), SK_OK);
	assert_int_equal(denied_count(), denied + 2);
	/* get answers NULL for the unseen */
	o = document_get(g_fx.model, &staff2, k);
	assert_null(o);
	o = document_get(g_fx.model, &auditor, kh);
	assert_non_null(o);
	json_decref(o);
	/* lists: a staff member sees only the documents on whose list they are */
	{
		struct document_filter f = {.limit = 500};
		json_t *l = document_list(g_fx.model, &staff2, &f), *v;
		size_t i;

		assert_non_null(l);
		json_array_foreach(json_object_get(l, "documents"), i, v)
		{
			int64_t id = json_integer_value(json_object_get(v, "id"));

			assert_true(document_visible(g_fx.rd, &staff2, id));
		}
		json_decref(l);
		l = document_list(g_fx.model, &admin, &f);
		assert_int_equal(json_array_size(json_object_get(l, "documents")), 0);
		json_decref(l);
		l = document_list(g_fx.model, &reg_h, &f);
		json_array_foreach(json_object_get(l, "documents"), i, v) assert_string_not_equal(
		        json_string_value(json_object_get(v, "class")), "KH");
		json_decref(l);
	}
	/* copies: the holder sees their own; others by the document */
	{
		int64_t cp = mkcopy(k, 0, p_staff);
		struct copy_filter f = {.mine = true, .limit = 500};
		json_t *l = copy_list(g_fx.model, &staff, &f);

		assert_true(json_array_size(json_object_get(l, "copies")) >= 1);
		json_decref(l);
		o = copy_get(g_fx.model, &staff, cp);
		assert_non_null(o);
		json_decref(o);
		assert_null(copy_get(g_fx.model, &staff2, cp));
		assert_null(copy_get(g_fx.model, &admin, cp));
		assert_null(receipt_get(g_fx.model, &staff2,
		                        col_int("SELECT id FROM receipt WHERE copy_id = ?1", cp)));
	}
}

static void test_redaction(void **state)
{
	int64_t acc[1] = {p_staff};
	struct document_new d = docn("H", "physical");
	struct model_err err = {0};
	int64_t id = 0;
	json_t *e, *l;
	uint64_t seq;

	(void)state;
	d.title = "Operation Nordljus";
	d.title_classified = true;
	d.access = acc;
	d.n_access = 1;
	assert_int_equal(document_create(g_fx.model, &reg, &d, &id, &err), SK_OK);
	seq = regfx_ledger_size(&g_fx);
	e = entry_at(seq);
	assert_false(document_redact_entry(g_fx.rd, &ssc, e));
	assert_string_equal(json_string_value(json_object_get(json_object_get(e, "data"), "title")),
	                    "Operation Nordljus");
	assert_true(document_redact_entry(g_fx.rd, &admin, e));
	assert_string_equal(json_string_value(json_object_get(json_object_get(e, "data"), "title")),
	                    DOCUMENT_TITLE_REDACTED);
	json_decref(e);
	/* an unclassified title is shown to anyone reading the ledger */
	id = mkdoc("H", "physical", acc, 1);
	e = entry_at(regfx_ledger_size(&g_fx));
	assert_false(document_redact_entry(g_fx.rd, &admin, e));
	json_decref(e);
	/* the history applies it too */
	l = document_history(g_fx.model, &ssc, id);
	assert_true(json_array_size(json_object_get(l, "entries")) >= 1);
	json_decref(l);
}

static void test_list_filters(void **state)
{
	int64_t acc[2] = {p_staff, p_staff2};
	struct document_new d = docn("BH", "physical");
	struct copy_new old = {.space_id = box_kh, .last_inventoried_on = "2024-01-01"};
	struct model_err err = {0};
	struct document_filter f = {.limit = 500};
	int64_t a = 0, first = 0;
	json_t *l, *v;
	size_t i;

	(void)state;
	d.title = "Zebraprotokollet";
	d.case_number = "ZZ-4711";
	d.access = acc;
	d.n_access = 2;
	assert_int_equal(document_create(g_fx.model, &reg, &d, &a, &err), SK_OK);
	assert_int_equal(copy_create(g_fx.model, &reg, a, &old, 1, &first, &err), SK_OK);
	f.q = "Zebra";
	l = document_list(g_fx.model, &reg, &f);
	if (json_array_size(json_object_get(l, "documents")) != 1)
		fail_msg("q: %s", json_dumps(l, 0));
	assert_int_equal(json_array_size(json_object_get(l, "documents")), 1);
	json_decref(l);
	f.q = "ZZ-47";
	l = document_list(g_fx.model, &staff2, &f);
	assert_int_equal(json_array_size(json_object_get(l, "documents")), 1);
	json_decref(l);
	f.q = "100%_";
	l = document_list(g_fx.model, &reg, &f);
	assert_int_equal(json_array_size(json_object_get(l, "documents")), 0);
	json_decref(l);
	f = (struct document_filter){.limit = 500, .overdue = true};
	l = document_list(g_fx.model, &reg, &f);
	{
		bool found = false;

		json_array_foreach(json_object_get(l, "documents"), i, v) found |=
		        json_integer_value(json_object_get(v, "id")) == a;
		assert_true(found);
	}
	json_decref(l);
	f = (struct document_filter){.limit = 500, .cls = "BH", .state = "in_register"};
	l = document_list(g_fx.model, &reg, &f);
	json_array_foreach(json_object_get(l, "documents"), i, v)
	        assert_string_equal(json_string_value(json_object_get(v, "class")), "BH");
	assert_true(json_array_size(json_object_get(l, "documents")) >= 1);
	json_decref(l);
	f = (struct document_filter){.limit = 500, .holder = p_staff};
	l = document_list(g_fx.model, &reg, &f);
	assert_true(json_array_size(json_object_get(l, "documents")) >= 1);
	json_decref(l);
	/* keyset paging walks every document once */
	{
		int64_t total = col_int("SELECT count(*) FROM document WHERE ?1", 1), seen = 0,
		        after = 0, prev = 0;

		for (;;) {
			json_t *next;

			f = (struct document_filter){.limit = 3, .after = after};
			l = document_list(g_fx.model, &reg, &f);
			json_array_foreach(json_object_get(l, "documents"), i, v)
			{
				int64_t id = json_integer_value(json_object_get(v, "id"));

				assert_true(id > prev);
				prev = id;
				seen++;
			}
			next = json_object_get(l, "next");
			after = json_is_integer(next) ? json_integer_value(next) : 0;
			json_decref(l);
			if (!after)
				break;
		}
		assert_int_equal(seen, total);
	}
	/* copies not inventoried in 12 months */
	{
		struct copy_filter cf = {.overdue = true, .limit = 500};

		l = copy_list(g_fx.model, &reg, &cf);
		assert_true(json_array_size(json_object_get(l, "copies")) >= 1);
		json_array_foreach(json_object_get(l, "copies"), i, v)
		        assert_true(json_is_true(json_object_get(v, "inventory_overdue")));
		json_decref(l);
	}
}

/* ---- replay ---- */

static void test_replay_random(void **state)
{
	struct store_verify_opts vo = {.replay = true};
	struct store_verify_result res;
	int64_t acc[2] = {p_staff, p_reg}, docs[8], copies[64];
	size_t nd = 0, nc = 0;
	struct model_err err;
	char today[11];
	static const char *const cls[] = {"BH", "K", "H"};

	(void)state;
	regfx_today_plus(0, today);
	srand(4711);
	for (int i = 0; i < 400; i++) {
		int r = rand() % 10;
		struct copy_action a = {0};

		memset(&err, 0, sizeof(err));
		if (nd < 8 && (nd == 0 || r == 0)) {
			docs[nd++] = mkdoc(cls[rand() % 3], "physical", acc, 2);
			continue;
		}
		if (nc < 64 && (nc == 0 || r == 1)) {
			copies[nc++] = mkcopy(docs[rand() % nd], box_kh, 0);
			continue;
		}
		a.act = (enum copy_act)(rand() % 7);
		a.person_id = rand() % 2 ? p_staff : p_reg;
		a.space_id = box_kh;
		a.method = "Kross";
		a.destroyed_on = today;
		a.performer_id = p_reg;
		a.witness_id = p_staff;
		a.distributor_id = dist;
		a.recipient = "Mottagare";
		a.note = "slump";
		copy_act(g_fx.model, &reg, copies[rand() % nc], &a, &err);
		if (r == 9) {
			int64_t rid = col_int("SELECT max(id) FROM receipt WHERE state = 'pending' "
			                      "AND ?1",
			                      1);

			if (rid)
				receipt_paper(g_fx.model, &reg, rid, "P", &err);
		}
		if (r == 8) {
			int64_t sid =
			        col_int("SELECT max(id) FROM shipment WHERE delivered_on IS NULL "
			                "AND ?1",
			                1);

			if (sid)
				shipment_deliver(g_fx.model, &reg, sid, NULL, "D", &err);
		}
	}
	memset(&res, 0, sizeof(res));
	if (store_verify(g_fx.dir, &vo, &res) != SK_OK)
		fail_msg("verify --replay: %s", res.problem);
}

/*
 * Guessing a receipt's code with a session: locked after three wrong codes,
 * each logged. Runs last: it moves the clock on, and TOTP steps are single use.
 */
static void test_sign_throttled(void **state)
{
	struct model_err err = {0};
	struct copy_action a = {.act = COPY_ISSUE, .person_id = p_staff};
	int64_t acc[1] = {p_staff}, doc = mkdoc("K", "physical", acc, 1), cp, rid;
	uint64_t n;
	char code[7];
	int fails, rc = SK_OK;

	(void)state;
	cp = mkcopy(doc, box_kh, 0);
	assert_int_equal(act(&reg, cp, &a, &err), SK_OK);
	rid = a.result_id;
	n = regfx_ledger_size(&g_fx);
	/* earlier tests' wrong codes count too (the window is 15 minutes): at most 3 in all */
	for (fails = 0; fails < 4; fails++) {
		rc = receipt_sign(g_fx.model, &staff, rid, "000001", "K", &err);
		if (rc != SK_EAUTH)
			break;
	}
	assert_int_equal(rc, SK_ETHROTTLED);
	assert_in_range(fails, 1, 3);
	assert_int_equal(regfx_ledger_size(&g_fx), n + (uint64_t)fails);
	n += (uint64_t)fails;
	/* locked now: even the right code waits, and nothing is checked or written */
	sk_clock_set_offset(60 * INT64_C(1000000));
	code_now(code);
	sk_clock_set_offset(-5 * INT64_C(1000000)); /* inside the lock however slow the machine */
	memset(&err, 0, sizeof(err));
	assert_int_equal(receipt_sign(g_fx.model, &staff, rid, code, "K", &err), SK_ETHROTTLED);
	assert_true(err.retry_after > 0);
	assert_string_equal(err.field, "code");
	assert_int_equal(regfx_ledger_size(&g_fx), n);
	/* after the wait (the clock moved on) the right code signs */
	sk_clock_set_offset(60 * INT64_C(1000000));
	assert_int_equal(receipt_sign(g_fx.model, &staff, rid, code, "K", &err), SK_OK);
	expect_last("receipt.signed", doc);
}

/* Issue 15: several copies destroyed in one act, all or nothing, with one protocol. */
static void test_destroy_many(void **state)
{
	int64_t acc[2] = {p_staff, p_reg}, doc = mkdoc("H", "physical", acc, 2), other;
	int64_t c1 = mkcopy(doc, box_kh, 0), c2 = mkcopy(doc, box_kh, 0),
	        c3 = mkcopy(doc, box_kh, 0), c4 = mkcopy(doc, 0, p_staff);
	int64_t nums[4], protocol = 0;
	struct copy_action a;
	struct model_err err = {0};
	char today[11], s[64];
	uint64_t n;
	json_t *o, *pr;

	(void)state;
	(void)c4;
	regfx_today_plus(0, today);
	other = mkdoc("K", "physical", acc, 2);
	mkcopy(other, box_kh, 0);
	a = (struct copy_action){.method = "Dokumentförstörare klass 5",
	                         .destroyed_on = today,
	                         .performer_id = p_reg,
	                         .witness_id = p_staff};
	n = regfx_ledger_size(&g_fx);
	/* bad input: no copies, a number twice, a number the document lacks */
	refused(copy_destroy_many(g_fx.model, &reg, doc, nums, 0, &a, &protocol, &err), &err, n,
	        SK_EINVAL, "copies", NULL, "no copies");
	nums[0] = 1;
	nums[1] = 1;
	refused(copy_destroy_many(g_fx.model, &reg, doc, nums, 2, &a, &protocol, &err), &err, n,
	        SK_EINVAL, "copies", NULL, "a copy twice");
	nums[1] = 99;
	refused(copy_destroy_many(g_fx.model, &reg, doc, nums, 2, &a, &protocol, &err), &err, n,
	        SK_EINVAL, "copies", NULL, "no copy 99");
	/* all or nothing: copy 4 is issued (not destroyable), so 1–3 stay as they were */
	nums[0] = 1;
	nums[1] = 2;
	nums[2] = 3;
	nums[3] = 4;
	refused(copy_destroy_many(g_fx.model, &reg, doc, nums, 4, &a, &protocol, &err), &err, n,
	        SK_ERULE, "id", NULL, "one copy out of reach");
	col_text("SELECT state FROM copy WHERE id = ?1", c1, s, sizeof(s));
	assert_string_equal(s, "in_register");
	assert_int_equal(col_int("SELECT count(*) FROM destruction WHERE copy_id IN (SELECT id "
	                         "FROM copy WHERE document_id = ?1)",
	                         doc),
	                 0);
	/* the rules of one destruction hold for each: K+ is witnessed */
	a.witness_id = 0;
	refused(copy_destroy_many(g_fx.model, &reg, doc, nums, 3, &a, &protocol, &err), &err, n,
	        SK_ERULE, "witness_id", "3 kap. 23 §", "K+ without witness");
	a.witness_id = p_staff;
	/* who may: not staff, not the auditor; not a document one does not see */
	assert_int_equal(copy_destroy_many(g_fx.model, &staff, doc, nums, 3, &a, &protocol, &err),
	                 SK_EPERM);
	assert_int_equal(copy_destroy_many(g_fx.model, &auditor, doc, nums, 3, &a, &protocol, &err),
	                 SK_EPERM);
	assert_int_equal(copy_destroy_many(g_fx.model, &reg, 99999, nums, 3, &a, &protocol, &err),
	                 SK_ENOTFOUND);
	assert_int_equal(regfx_ledger_size(&g_fx), n);

	/* the organisation's name: set by the ssc only, recorded */
	assert_int_equal(organisation_set(g_fx.model, &reg, "Myndigheten", &err), SK_EPERM);
	assert_int_equal(organisation_set(g_fx.model, &ssc, "", &err), SK_EINVAL);
	assert_string_equal(err.field, "name");
	assert_int_equal(organisation_set(g_fx.model, &ssc, "Rad ett\nRad två", &err), SK_EINVAL);
	assert_int_equal(regfx_ledger_size(&g_fx), n);
	assert_int_equal(organisation_set(g_fx.model, &ssc, "Försvarets materielverk", &err),
	                 SK_OK);
	n = regfx_ledger_size(&g_fx);
	{
		json_t *e = entry_at(n);

		assert_string_equal(json_string_value(json_object_get(e, "kind")),
		                    "setting.changed");
		assert_string_equal(json_string_value(json_object_get(e, "object")),
		                    "setting/org.name");
		json_decref(e);
	}
	o = organisation_get(g_fx.model);
	assert_string_equal(json_string_value(json_object_get(o, "name")),
	                    "Försvarets materielverk");
	json_decref(o);

	/* three copies in one act: three records and entries, one protocol */
	if (copy_destroy_many(g_fx.model, &reg, doc, nums, 3, &a, &protocol, &err) != SK_OK)
		fail_msg("destroy many: %s (%s)", err.msg, err.field);
	assert_true(protocol > 0);
	assert_int_equal(regfx_ledger_size(&g_fx), n + 3);
	expect_last("copy.destroyed", doc);
	assert_int_equal(
	        col_int("SELECT count(*) FROM destruction WHERE protocol_id = ?1", protocol), 3);
	assert_int_equal(col_int("SELECT count(*) FROM copy WHERE document_id = ?1 AND state = "
	                         "'destroyed'",
	                         doc),
	                 3);
	(void)c2;
	(void)c3;
	pr = destruction_protocol_get(g_fx.model, &auditor, protocol);
	assert_non_null(pr);
	o = json_object_get(pr, "protocol");
	assert_string_equal(json_string_value(json_object_get(o, "organisation")),
	                    "Försvarets materielverk");
	assert_int_equal(json_array_size(json_object_get(o, "copies")), 3);
	assert_int_equal(json_integer_value(json_array_get(json_object_get(o, "copies"), 2)), 3);
	assert_string_equal(json_string_value(json_object_get(o, "method")),
	                    "Dokumentförstörare klass 5");
	assert_string_equal(json_string_value(json_object_get(o, "performer_name")),
	                    "Rut Registrator");
	assert_string_equal(json_string_value(json_object_get(o, "witness_name")), "Stina Staff");
	assert_string_equal(json_string_value(json_object_get(o, "destroyed_on")), today);
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(o, "document"), "class")), "H");
	assert_true(json_is_integer(json_object_get(json_object_get(o, "document"), "pages")));
	assert_true(
	        json_is_integer(json_object_get(json_object_get(o, "document"), "attachments")));
	json_decref(pr);
	/* need-to-know: staff2 (cleared K, not on the list) does not see it; nor a wrong number */
	assert_null(destruction_protocol_get(g_fx.model, &staff2, protocol));
	assert_null(destruction_protocol_get(g_fx.model, &auditor, protocol + 100));
	/* destroyed copies are not destroyed twice */
	n = regfx_ledger_size(&g_fx);
	nums[0] = 1;
	refused(copy_destroy_many(g_fx.model, &reg, doc, nums, 1, &a, &protocol, &err), &err, n,
	        SK_ERULE, "id", NULL, "destroyed again");
	/* a copy destroyed alone has no protocol */
	assert_int_equal(col_int("SELECT count(*) FROM destruction WHERE protocol_id IS NULL AND "
	                         "copy_id IN (SELECT id FROM copy WHERE document_id = ?1)",
	                         doc),
	                 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_create),
	        cmocka_unit_test(test_create_bad),
	        cmocka_unit_test(test_update_and_access),
	        cmocka_unit_test(test_numbering),
	        cmocka_unit_test(test_copies),
	        cmocka_unit_test(test_kh_copies),
	        cmocka_unit_test(test_issue_and_sign),
	        cmocka_unit_test(test_copy_states),
	        cmocka_unit_test(test_destroy_many),
	        cmocka_unit_test(test_visibility),
	        cmocka_unit_test(test_redaction),
	        cmocka_unit_test(test_list_filters),
	        cmocka_unit_test(test_replay_random),
	        cmocka_unit_test(test_sign_throttled), /* last: it moves the clock */
	};

	if (getenv("TEST_FILTER"))
		cmocka_set_test_filter(getenv("TEST_FILTER"));
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
