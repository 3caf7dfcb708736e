/*
 * Need-to-know outside the Säkerhetslogg (issue 10, item 5's principle): the
 * compliance engine's findings, the deadlines (Kommande), the calendar feed
 * and an inventory report, read by someone who may not see the documents
 * they are about (the head cleared KH but on no list, an auditor cleared K,
 * an administrator) and by someone who may (an auditor cleared KH, the head
 * once on the list, the staff member who holds the copy). A feed stops when
 * its owner's last role ends.
 * The whole answer is scanned for the documents' designations and titles.
 * The handlers are called as the router calls them.
 */
#include "testutil.h"
#include "ntkfixture.h"

#include "model/incident.h"
#include "model/inventory.h"
#include "model/ledger_view.h"
#include "model/model.h"
#include "model/records.h"
#include "records_compat.h"
#include "rules/rules.h"
#include "store/store.h"

static struct ntk_fixture g;
static struct principal olle, kurt;
static int64_t doc_kh, doc_kh2, doc_h, copy_kh, p_chief, p_olle, olle_grant;

/* Written only into the classified documents (designations and titles). */
static const char *const secrets[] = {
        "HEMLIG-KH-88", "Nordljus-KH-titel",   "HEMLIG-KH-99",
        "HEMLIG-H-66",  "Polstjarna-KH-titel", "Vinter-H-titel",
};
#define N_SECRETS (sizeof(secrets) / sizeof(secrets[0]))

static int64_t mkdoc(const char *des, const char *title, const char *cls, const int64_t *acc,
                     size_t n)
{
	return ntkfx_document(&g, des, title, cls, "DNR-1", "Upprattare", 2, acc, n);
}

static int setup(void **state)
{
	struct records_space box = {"container", "Kassaskap", "Hus 1", CLEAR_KH, NULL, "B-1"};
	struct model_err err = {0};
	int64_t p_reg, box_id, acc[2];

	(void)state;
	ntkfx_open(&g, "/tmp/skydd-ntk-more.XXXXXX");
	regfx_identity(g.fx.model, &kurt, "kurt", ROLE_AUDITOR, CLEAR_KH, NULL, g.until);
	olle_grant = regfx_identity(g.fx.model, &olle, "olle", ROLE_STAFF, CLEAR_KH, NULL, g.until);
	p_reg = regfx_person(g.fx.model, &g.reg, "Rut Registrator", "Enheten", g.reg.id);
	p_olle = regfx_person(g.fx.model, &g.reg, "Olle Innehavare", "Enheten", olle.id);
	p_chief = regfx_person(g.fx.model, &g.reg, "Chefen", "Ledningen", g.chief.id);
	ntkfx_ok(records_space_create(g.fx.model, &g.chief, &box, &box_id, &err), &err, "space");

	/* KH with one copy, issued to Olle (on its list: a holder must be): deadlines, the feed */
	acc[0] = p_reg;
	acc[1] = p_olle;
	doc_kh = mkdoc("HEMLIG-KH-88", "Nordljus-KH-titel", "KH", acc, 2);
	ntkfx_ok(copy_create(g.fx.model, &g.reg, doc_kh, &(struct copy_new){.space_id = box_id}, 1,
	                     &copy_kh, &err),
	         &err, "copy");
	ntkfx_ok(copy_act(g.fx.model, &g.reg, copy_kh,
	                  &(struct copy_action){.act = COPY_ISSUE, .person_id = p_olle}, &err),
	         &err, "issue");
	/* KH and H without copies: the finding doc.copies.none (3 kap. 5 §) */
	doc_kh2 = mkdoc("HEMLIG-KH-99", "Polstjarna-KH-titel", "KH", acc, 1);
	doc_h = mkdoc("HEMLIG-H-66", "Vinter-H-titel", "H", acc, 1);

	rules_cache_reset();
	ntkfx_api(&g);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ntkfx_close(&g);
	return 0;
}

/* ---- calling the handlers ---- */

static void no_secret(const char *body, const char *who, const char *what)
{
	ntkfx_no_secret(secrets, N_SECRETS, body, who, what);
}

/* The item of arr (findings or deadlines) about type/id, or NULL. */
static json_t *about(const json_t *arr, const char *type, int64_t id)
{
	json_t *v;
	size_t i;

	json_array_foreach(arr, i, v)
	{
		const json_t *o = json_object_get(v, "object");

		if (strcmp(json_string_value(json_object_get(o, "type")), type) == 0 &&
		    json_integer_value(json_object_get(o, "id")) == id)
			return v;
	}
	return NULL;
}

/* A hidden item: the object is type and id only, marked hidden. */
static void is_hidden(const json_t *v, const char *who)
{
	const json_t *o = json_object_get(v, "object");

	if (!json_is_true(json_object_get(o, "hidden")) || json_object_get(o, "label") ||
	    json_object_get(o, "class") || json_object_get(o, "document_id"))
		fail_msg("%s: not hidden: %s", who, json_dumps(o, JSON_COMPACT));
}

static void findings(const struct principal *p, struct ntkfx_answer *a)
{
	ntkfx_call(&g, ntkfx_route("GET", "/api/v1/findings"), p, 0, NULL, a);
	assert_int_equal(a->status, 200);
	assert_non_null(a->json);
}

static void deadlines(const struct principal *p, struct ntkfx_answer *a)
{
	ntkfx_call(&g, ntkfx_route("GET", "/api/v1/deadlines"), p, 0,
	           json_pack("{s:i}", "days", 366), a);
	assert_int_equal(a->status, 200);
	assert_non_null(a->json);
}

/* ---- findings ---- */

static void findings_hidden_for(const struct principal *p, const char *who)
{
	struct ntkfx_answer a = {0};
	const json_t *all, *f;

	findings(p, &a);
	no_secret(a.body, who, "GET /findings");
	all = json_object_get(a.json, "findings");
	/* the finding is there (rule, paragraph, severity), what it is about is not */
	f = about(all, "document", doc_kh2);
	assert_non_null(f);
	is_hidden(f, who);
	assert_string_equal(json_string_value(json_object_get(f, "rule")), "doc.copies.none");
	assert_string_equal(json_string_value(json_object_get(f, "ref")), "3 kap. 5 §");
	assert_string_equal(json_string_value(json_object_get(f, "severity")), "low");
	assert_non_null(json_string_value(json_object_get(json_object_get(f, "message"), "sv")));
	f = about(all, "document", doc_h);
	assert_non_null(f);
	is_hidden(f, who);
	if (strstr(a.body, "\"class\":\"KH\"") || strstr(a.body, "\"class\":\"H\""))
		fail_msg("%s: GET /findings shows a class", who);
	/* the overview per chapter still counts it */
	assert_true(json_array_size(json_object_get(a.json, "chapters")) == 8);
	ntkfx_answer_release(&a);
}

static void test_findings_hidden_outside_need_to_know(void **state)
{
	(void)state;
	findings_hidden_for(&g.chief, "the head, on no list");
	findings_hidden_for(&g.aud_k, "auditor cleared K");
	findings_hidden_for(&g.admin, "admin");
}

/* The finding about document doc in the answer to GET /findings, shown with its label. */
static const json_t *finding_shown(const struct ntkfx_answer *a, int64_t doc, const char *label)
{
	const json_t *f = about(json_object_get(a->json, "findings"), "document", doc);

	assert_non_null(f);
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(f, "object"), "label")), label);
	return f;
}

static void test_findings_shown_to_those_who_may(void **state)
{
	struct model_err err = {0};
	struct ntkfx_answer a = {0};
	const json_t *f;

	(void)state;
	findings(&g.aud_kh, &a);
	f = finding_shown(&a, doc_kh2, "HEMLIG-KH-99");
	assert_non_null(strstr(a.body, "HEMLIG-H-66"));
	assert_null(json_object_get(json_object_get(f, "object"), "hidden"));
	ntkfx_answer_release(&a);

	/* the head, once on the KH document's list, sees it (and not the H one) */
	ntkfx_ok(document_access_change(g.fx.model, &g.reg, doc_kh2, &p_chief, 1, false, &err),
	         &err, "head on the list");
	findings(&g.chief, &a);
	f = finding_shown(&a, doc_kh2, "HEMLIG-KH-99");
	assert_non_null(
	        strstr(json_string_value(json_object_get(json_object_get(f, "message"), "sv")),
	               "HEMLIG-KH-99"));
	assert_null(strstr(a.body, "HEMLIG-H-66"));
	ntkfx_answer_release(&a);
	ntkfx_ok(document_access_change(g.fx.model, &g.reg, doc_kh2, &p_chief, 1, true, &err), &err,
	         "head off the list");
	findings(&g.chief, &a);
	assert_null(strstr(a.body, "HEMLIG-KH-99"));
	ntkfx_answer_release(&a);
}

/* A measure the head makes from a finding he may not see takes the rule's title, not the label. */
static void test_deviation_from_hidden_finding(void **state)
{
	struct model_err err = {0};
	char object[48];
	int64_t id = 0;
	json_t *body, *d, *fnd;
	const char *title;

	(void)state;
	snprintf(object, sizeof(object), "document/%lld", (long long)doc_kh2);
	body = json_pack("{s:s, s:s, s:s}", "source", "finding", "finding", "doc.copies.none",
	                 "finding_object", object);
	fnd = rules_finding(g.fx.model, "doc.copies.none", object, &g.chief);
	ntkfx_ok(deviation_create(g.fx.model, &g.chief, body, fnd, &id, &err), &err, "measure");
	json_decref(fnd);
	json_decref(body);
	/* as the g.ssc, who sees the document, reads it: what was stored */
	d = deviation_get(g.fx.model, &g.ssc, id);
	assert_non_null(d);
	title = json_string_value(json_object_get(json_object_get(d, "deviation"), "title"));
	assert_non_null(title);
	if (strstr(title, "HEMLIG-KH-99"))
		fail_msg("the head's measure names the document: %s", title);
	assert_string_equal(title, rules_find("doc.copies.none")->title_sv);
	json_decref(d);
}

/* ---- deadlines and the feed ---- */

static void test_deadlines_hidden_outside_need_to_know(void **state)
{
	const struct principal *who[] = {&g.chief, &g.aud_k, &g.admin};
	const char *names[] = {"the head", "auditor cleared K", "admin"};
	struct ntkfx_answer a = {0};
	const json_t *d;

	(void)state;
	for (size_t i = 0; i < sizeof(who) / sizeof(who[0]); i++) {
		deadlines(who[i], &a);
		no_secret(a.body, names[i], "GET /deadlines");
		/* the copy's inventory falls due within the year: there, but hidden */
		d = about(json_object_get(a.json, "deadlines"), "copy", copy_kh);
		if (!d)
			fail_msg("%s: no deadline for the copy: %s", names[i], a.body);
		is_hidden(d, names[i]);
		assert_non_null(json_string_value(json_object_get(d, "due")));
		ntkfx_answer_release(&a);
	}
	/* positive controls: an auditor cleared KH; Olle, who holds it, sees his own */
	deadlines(&g.aud_kh, &a);
	assert_non_null(strstr(a.body, "HEMLIG-KH-88 ex 1"));
	ntkfx_answer_release(&a);
	deadlines(&olle, &a);
	assert_non_null(strstr(a.body, "HEMLIG-KH-88 ex 1"));
	assert_null(strstr(a.body, "HEMLIG-KH-99"));
	ntkfx_answer_release(&a);
}

static void feed(const struct principal *p, char *key, struct buf *b)
{
	assert_int_equal(rules_calendar_create(g.fx.model, p, key, 128), SK_OK);
	buf_init(b, 1 << 20);
	assert_int_equal(rules_calendar_feed(g.fx.model, key, b), SK_OK);
	assert_int_equal(buf_putc(b, '\0'), SK_OK);
}

static void test_feed_follows_its_owner(void **state)
{
	struct model_err err = {0};
	struct ntkfx_answer a = {0};
	char key[128];
	struct buf b;

	(void)state;
	/* the head's feed: the event, not what it is about */
	feed(&g.chief, key, &b);
	no_secret(b.ptr, "the head's feed", "calendar.ics");
	assert_non_null(strstr(b.ptr, "BEGIN:VEVENT"));
	assert_non_null(strstr(b.ptr, "Inventering förfaller"));
	buf_release(&b);
	/* the route too */
	ntkfx_call(&g, ntkfx_route("GET", "/api/v1/calendar.ics"), &(struct principal){0}, 0,
	           json_pack("{s:s}", "key", key), &a);
	assert_int_equal(a.status, 200);
	no_secret(a.body, "the head's feed", "GET /calendar.ics");
	assert_non_null(strstr(a.body, "BEGIN:VEVENT"));
	ntkfx_answer_release(&a);
	feed(&g.aud_k, key, &b);
	no_secret(b.ptr, "auditor K's feed", "calendar.ics");
	buf_release(&b);
	/* positive control */
	feed(&g.aud_kh, key, &b);
	assert_non_null(strstr(b.ptr, "HEMLIG-KH-88 ex 1"));
	buf_release(&b);

	/* Kurt's feed reads as Kurt is at each fetch: cleared K, then disabled */
	feed(&kurt, key, &b);
	assert_non_null(strstr(b.ptr, "HEMLIG-KH-88 ex 1"));
	buf_release(&b);
	ntkfx_ok(model_identity_update(
	                 g.fx.model, &g.ssc, kurt.id,
	                 &(struct model_identity_patch){NULL, CLEAR_K, NULL, NULL, NULL}, &err),
	         &err, "Kurt cleared K");
	buf_init(&b, 1 << 20);
	assert_int_equal(rules_calendar_feed(g.fx.model, key, &b), SK_OK);
	assert_int_equal(buf_putc(&b, '\0'), SK_OK);
	no_secret(b.ptr, "Kurt's feed, cleared K", "calendar.ics");
	assert_non_null(strstr(b.ptr, "uppgifter dolda (behovsprövning)"));
	buf_release(&b);
	ntkfx_ok(model_identity_update(
	                 g.fx.model, &g.ssc, kurt.id,
	                 &(struct model_identity_patch){NULL, -1, "disabled", NULL, NULL}, &err),
	         &err, "Kurt disabled");
	buf_init(&b, 1 << 20);
	assert_int_equal(rules_calendar_feed(g.fx.model, key, &b), SK_ENOTFOUND);
	buf_release(&b);

	/* Olle sees his own copy; when his only role ends, his feed stops with it */
	feed(&olle, key, &b);
	assert_non_null(strstr(b.ptr, "HEMLIG-KH-88 ex 1"));
	buf_release(&b);
	ntkfx_ok(model_grant_revoke(g.fx.model, &g.ssc, olle_grant, "slutat", &err), &err,
	         "revoke");
	buf_init(&b, 1 << 20);
	assert_int_equal(rules_calendar_feed(g.fx.model, key, &b), SK_ENOTFOUND);
	buf_release(&b);
	ntkfx_call(&g, ntkfx_route("GET", "/api/v1/calendar.ics"), &(struct principal){0}, 0,
	           json_pack("{s:s}", "key", key), &a);
	assert_int_equal(a.status, 404);
	ntkfx_answer_release(&a);
}

/* A service token has no feed: it would read as its creator, with the creator's rights. */
static void test_feed_not_for_tokens(void **state)
{
	struct principal tok = g.ssc;
	struct ntkfx_answer a = {0};
	char key[128];

	(void)state;
	tok.token_id = 1;
	tok.roles = ROLE_BIT(ROLE_STAFF);
	tok.clearance = CLEAR_NONE;
	assert_int_equal(rules_calendar_create(g.fx.model, &tok, key, sizeof(key)), SK_EPERM);
	assert_int_equal(rules_calendar_revoke(g.fx.model, &tok), SK_EPERM);
	ntkfx_call(&g, ntkfx_route("POST", "/api/v1/me/calendar"), &tok, 0, NULL, &a);
	assert_int_equal(a.status, 403);
	assert_null(strstr(a.body, "skc_"));
	ntkfx_answer_release(&a);
}

/* Bad keys find nothing. */
static void test_feed_bad_keys(void **state)
{
	static const char *const keys[] = {"", "skc_", "skc_0000", "x", "skc_' OR 1=1 --"};
	struct buf b;

	(void)state;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		buf_init(&b, 1 << 16);
		assert_int_equal(rules_calendar_feed(g.fx.model, keys[i], &b), SK_ENOTFOUND);
		assert_int_equal(b.len, 0);
		buf_release(&b);
	}
	buf_init(&b, 1 << 16);
	assert_int_equal(rules_calendar_feed(g.fx.model, NULL, &b), SK_ENOTFOUND);
	buf_release(&b);
}

/* ---- the objects helper: bad input fails closed ---- */

static void test_objects_visible_fails_closed(void **state)
{
	char kh[48];
	json_t *objs;
	bool vis[8];

	(void)state;
	snprintf(kh, sizeof(kh), "document/%lld", (long long)doc_kh2);
	objs = json_pack("[s, s, s, s, s, s]", kh, "document/abc", "copy/999999", "grant/1",
	                 "space/1", "medium/1");
	assert_int_equal(ledger_view_objects_visible(g.fx.rd, &g.aud_kh, objs, vis), SK_OK);
	assert_true(vis[0]);  /* within clearance, an auditor */
	assert_false(vis[1]); /* malformed */
	assert_false(vis[2]); /* no such copy */
	assert_true(vis[3]);  /* nothing classified */
	assert_true(vis[4]);  /* the register's roles read spaces */
	assert_false(vis[5]); /* no such medium */
	assert_int_equal(ledger_view_objects_visible(g.fx.rd, &g.admin, objs, vis), SK_OK);
	assert_false(vis[0]);
	assert_true(vis[3]);
	assert_false(vis[4]); /* an g.admin does not read the spaces */
	/* what is no object names nothing */
	{
		json_t *bad = json_pack("[i, s, n]", 5, "grant");

		assert_int_equal(ledger_view_objects_visible(g.fx.rd, &g.aud_kh, bad, vis), SK_OK);
		assert_false(vis[0]);
		assert_false(vis[1]);
		assert_false(vis[2]);
		json_decref(bad);
	}
	/* no reader: nothing */
	ledger_view_objects_visible(NULL, &g.aud_kh, objs, vis);
	for (size_t i = 0; i < json_array_size(objs); i++)
		assert_false(vis[i]);
	json_decref(objs);
}

/* ---- the inventory report ---- */

static void test_inventory_report_hides_the_missing(void **state)
{
	api_handler_fn report = ntkfx_route("GET", "/api/v1/inventories/{id}/report");
	struct model_err err = {0};
	struct ntkfx_answer a = {0};
	const json_t *nf;
	int64_t inv = 0;

	(void)state;
	ntkfx_ok(inventory_start(g.fx.model, &g.reg, "Arlig inventering", INVENTORY_KH_DOCUMENTS,
	                         &inv, &err),
	         &err, "start");
	ntkfx_ok(inventory_check(g.fx.model, &g.ssc, inv, "copy", copy_kh, false, "Inte i skapet",
	                         &err),
	         &err, "check");
	/* the fixture's KH documents without copies are items of their own: found */
	for (;;) {
		char sql[160];
		int64_t doc;

		snprintf(
		        sql, sizeof(sql),
		        "SELECT coalesce(max(item_id), 0) FROM inventory_item WHERE inventory_id = "
		        "%lld AND item_type = 'document' AND result IS NULL",
		        (long long)inv);
		doc = regfx_sql_int(&g.fx, sql);
		if (!doc)
			break;
		ntkfx_ok(
		        inventory_check(g.fx.model, &g.ssc, inv, "document", doc, true, NULL, &err),
		        &err, "check a document");
	}
	ntkfx_ok(inventory_close(g.fx.model, &g.ssc, inv, NULL, &err), &err, "close");

	/* the auditor cleared K: that one item was missing, not what it was */
	ntkfx_call(&g, report, &g.aud_k, inv, NULL, &a);
	assert_int_equal(a.status, 200);
	no_secret(a.body, "auditor cleared K", "the inventory report");
	if (strstr(a.body, "\"KH\"") || strstr(a.body, "Inte i skapet"))
		fail_msg("the report shows the missing item's class or note: %s", a.body);
	nf = json_array_get(json_object_get(json_object_get(a.json, "report"), "not_found"), 0);
	assert_non_null(nf);
	assert_true(json_is_true(json_object_get(nf, "withheld")));
	assert_int_equal(json_integer_value(json_object_get(nf, "item_id")), copy_kh);
	ntkfx_answer_release(&a);
	/* the campaign's items and counts likewise */
	ntkfx_call(&g, ntkfx_route("GET", "/api/v1/inventories/{id}"), &g.aud_k, inv, NULL, &a);
	assert_int_equal(a.status, 200);
	no_secret(a.body, "auditor cleared K", "the inventory");
	ntkfx_answer_release(&a);

	/* positive control */
	ntkfx_call(&g, report, &g.aud_kh, inv, NULL, &a);
	assert_int_equal(a.status, 200);
	assert_non_null(strstr(a.body, "HEMLIG-KH-88"));
	assert_non_null(strstr(a.body, "\"KH\""));
	ntkfx_answer_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_findings_hidden_outside_need_to_know),
	        cmocka_unit_test(test_findings_shown_to_those_who_may),
	        cmocka_unit_test(test_deviation_from_hidden_finding),
	        cmocka_unit_test(test_deadlines_hidden_outside_need_to_know),
	        cmocka_unit_test(test_feed_follows_its_owner),
	        cmocka_unit_test(test_feed_not_for_tokens),
	        cmocka_unit_test(test_feed_bad_keys),
	        cmocka_unit_test(test_objects_visible_fails_closed),
	        cmocka_unit_test(test_inventory_report_hides_the_missing),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
