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
#include "regfixture.h"

#include <jansson.h>

#include "http/api.h"
#include "model/document.h"
#include "model/incident.h"
#include "model/inventory.h"
#include "model/ledger_view.h"
#include "model/model.h"
#include "model/records.h"
#include "rules/rules.h"
#include "store/store.h"

static struct reg_fixture g_fx;
static struct api *g_api;
static struct principal reg, ssc, chief, aud_k, aud_kh, admin, olle, kurt;
static int64_t doc_kh, doc_kh2, doc_h, copy_kh, p_chief, p_olle, olle_grant;

/* Written only into the classified documents (designations and titles). */
static const char *const secrets[] = {
        "HEMLIG-KH-88", "Nordljus-KH-titel",   "HEMLIG-KH-99",
        "HEMLIG-H-66",  "Polstjarna-KH-titel", "Vinter-H-titel",
};
#define N_SECRETS (sizeof(secrets) / sizeof(secrets[0]))

static void ok(int rc, const struct model_err *err, const char *what)
{
	if (rc != SK_OK)
		fail_msg("%s: %s (%s: %s)", what, sk_strerror(rc), err->field, err->msg);
}

static int64_t mkdoc(const char *des, const char *title, const char *cls, const int64_t *acc,
                     size_t n)
{
	struct document_new d = {.designation = des,
	                         .title = title,
	                         .title_classified = true,
	                         .cls = cls,
	                         .form = "physical",
	                         .pages = 2,
	                         .originator = "Upprattare",
	                         .case_number = "DNR-1",
	                         .access = acc,
	                         .n_access = n};
	struct model_err err = {0};
	int64_t id = 0;

	ok(document_create(g_fx.model, &reg, &d, &id, &err), &err, des);
	return id;
}

static int setup(void **state)
{
	struct records_space box = {"container", "Kassaskap", "Hus 1", CLEAR_KH, NULL, "B-1"};
	struct model_err err = {0};
	int64_t p_reg, box_id, acc[2];
	char until[11];

	(void)state;
	regfx_open(&g_fx, "/tmp/skydd-ntk-more.XXXXXX", REGFX_FAST_PW | REGFX_READER, NULL);
	regfx_today_plus(180, until);
	regfx_identity(g_fx.model, &reg, "reg", ROLE_REGISTRAR, CLEAR_KH, NULL, until);
	regfx_identity(g_fx.model, &ssc, "ssc", ROLE_SSC, CLEAR_KH, NULL, until);
	regfx_identity(g_fx.model, &chief, "chief", ROLE_CHIEF, CLEAR_KH, NULL, until);
	regfx_identity(g_fx.model, &aud_k, "audk", ROLE_AUDITOR, CLEAR_K, NULL, until);
	regfx_identity(g_fx.model, &aud_kh, "audkh", ROLE_AUDITOR, CLEAR_KH, NULL, until);
	regfx_identity(g_fx.model, &admin, "admin", ROLE_ADMIN, CLEAR_NONE, NULL, until);
	regfx_identity(g_fx.model, &kurt, "kurt", ROLE_AUDITOR, CLEAR_KH, NULL, until);
	olle_grant = regfx_identity(g_fx.model, &olle, "olle", ROLE_STAFF, CLEAR_KH, NULL, until);
	p_reg = regfx_person(g_fx.model, &reg, "Rut Registrator", "Enheten", reg.id);
	p_olle = regfx_person(g_fx.model, &reg, "Olle Innehavare", "Enheten", olle.id);
	p_chief = regfx_person(g_fx.model, &reg, "Chefen", "Ledningen", chief.id);
	ok(records_space_create(g_fx.model, &chief, &box, &box_id, &err), &err, "space");

	/* KH with one copy, issued to Olle (on its list: a holder must be): deadlines, the feed */
	acc[0] = p_reg;
	acc[1] = p_olle;
	doc_kh = mkdoc("HEMLIG-KH-88", "Nordljus-KH-titel", "KH", acc, 2);
	ok(copy_create(g_fx.model, &reg, doc_kh, &(struct copy_new){.space_id = box_id}, 1,
	               &copy_kh, &err),
	   &err, "copy");
	ok(copy_act(g_fx.model, &reg, copy_kh,
	            &(struct copy_action){.act = COPY_ISSUE, .person_id = p_olle}, &err),
	   &err, "issue");
	/* KH and H without copies: the finding doc.copies.none (3 kap. 5 §) */
	doc_kh2 = mkdoc("HEMLIG-KH-99", "Polstjarna-KH-titel", "KH", acc, 1);
	doc_h = mkdoc("HEMLIG-H-66", "Vinter-H-titel", "H", acc, 1);

	rules_cache_reset();
	assert_int_equal(
	        api_new(g_fx.store, g_fx.model, &(struct api_opts){.dir = g_fx.dir}, &g_api),
	        SK_OK);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	api_free(g_api);
	regfx_close(&g_fx);
	return 0;
}

/* ---- calling the handlers ---- */

struct answer {
	unsigned status;
	char *body; /* NUL-terminated */
	json_t *json;
};

static void answer_release(struct answer *a)
{
	free(a->body);
	json_decref(a->json);
	memset(a, 0, sizeof(*a));
}

static void call(api_handler_fn handler, const struct principal *p, int64_t id, json_t *query,
                 struct answer *out)
{
	struct http_req req = {.method = "GET", .path = "/", .remote = "127.0.0.1"};
	struct http_resp resp = {0};
	struct api_ctx c = {0};

	buf_init(&resp.body, HTTP_MAX_RESPONSE);
	c.api = g_api;
	c.req = &req;
	c.resp = &resp;
	c.p = *p;
	c.id = id;
	c.query = query ? query : json_object();
	handler(&c);
	json_decref(c.query);
	out->status = resp.status;
	out->body = strndup(resp.body.ptr ? resp.body.ptr : "", resp.body.len);
	out->json = json_loadb(resp.body.ptr ? resp.body.ptr : "", resp.body.len, 0, NULL);
	buf_release(&resp.body);
	for (unsigned i = 0; i < resp.nheaders; i++) {
		free(resp.headers[i][0]);
		free(resp.headers[i][1]);
	}
	assert_non_null(out->body);
}

static api_handler_fn route(const char *method, const char *pattern)
{
	size_t n;
	const struct api_route *rt = api_routes(&n);

	for (size_t i = 0; i < n; i++) {
		if (strcmp(rt[i].method, method) == 0 && strcmp(rt[i].pattern, pattern) == 0)
			return rt[i].handler;
	}
	fail_msg("no route %s %s", method, pattern);
	return NULL;
}

static void no_secret(const char *body, const char *who, const char *what)
{
	for (size_t i = 0; i < N_SECRETS; i++) {
		if (strstr(body, secrets[i]))
			fail_msg("%s: %s shows \"%s\": %.300s", who, what, secrets[i],
			         strstr(body, secrets[i]));
	}
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

static void findings(const struct principal *p, struct answer *a)
{
	call(route("GET", "/api/v1/findings"), p, 0, NULL, a);
	assert_int_equal(a->status, 200);
	assert_non_null(a->json);
}

static void deadlines(const struct principal *p, struct answer *a)
{
	call(route("GET", "/api/v1/deadlines"), p, 0, json_pack("{s:i}", "days", 366), a);
	assert_int_equal(a->status, 200);
	assert_non_null(a->json);
}

/* ---- findings ---- */

static void findings_hidden_for(const struct principal *p, const char *who)
{
	struct answer a = {0};
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
	answer_release(&a);
}

static void test_findings_hidden_outside_need_to_know(void **state)
{
	(void)state;
	findings_hidden_for(&chief, "the head, on no list");
	findings_hidden_for(&aud_k, "auditor cleared K");
	findings_hidden_for(&admin, "admin");
}

static void test_findings_shown_to_those_who_may(void **state)
{
	struct model_err err = {0};
	struct answer a = {0};
	const json_t *f;

	(void)state;
	findings(&aud_kh, &a);
	f = about(json_object_get(a.json, "findings"), "document", doc_kh2);
	assert_non_null(f);
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(f, "object"), "label")),
	        "HEMLIG-KH-99");
	assert_non_null(strstr(a.body, "HEMLIG-H-66"));
	assert_null(json_object_get(json_object_get(f, "object"), "hidden"));
	answer_release(&a);

	/* the head, once on the KH document's list, sees it (and not the H one) */
	ok(document_access_change(g_fx.model, &reg, doc_kh2, &p_chief, 1, false, &err), &err,
	   "head on the list");
	findings(&chief, &a);
	f = about(json_object_get(a.json, "findings"), "document", doc_kh2);
	assert_non_null(f);
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(f, "object"), "label")),
	        "HEMLIG-KH-99");
	assert_non_null(
	        strstr(json_string_value(json_object_get(json_object_get(f, "message"), "sv")),
	               "HEMLIG-KH-99"));
	assert_null(strstr(a.body, "HEMLIG-H-66"));
	answer_release(&a);
	ok(document_access_change(g_fx.model, &reg, doc_kh2, &p_chief, 1, true, &err), &err,
	   "head off the list");
	findings(&chief, &a);
	assert_null(strstr(a.body, "HEMLIG-KH-99"));
	answer_release(&a);
}

/* A measure the head makes from a finding he may not see takes the rule's title, not the label. */
static void test_deviation_from_hidden_finding(void **state)
{
	struct model_err err = {0};
	char object[48];
	int64_t id = 0;
	json_t *body, *d;
	const char *title;

	(void)state;
	snprintf(object, sizeof(object), "document/%lld", (long long)doc_kh2);
	body = json_pack("{s:s, s:s, s:s}", "source", "finding", "finding", "doc.copies.none",
	                 "finding_object", object);
	ok(deviation_create(g_fx.model, &chief, body, &id, &err), &err, "measure");
	json_decref(body);
	/* as the ssc, who sees the document, reads it: what was stored */
	d = deviation_get(g_fx.model, &ssc, id);
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
	const struct principal *who[] = {&chief, &aud_k, &admin};
	const char *names[] = {"the head", "auditor cleared K", "admin"};
	struct answer a = {0};
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
		answer_release(&a);
	}
	/* positive controls: an auditor cleared KH; Olle, who holds it, sees his own */
	deadlines(&aud_kh, &a);
	assert_non_null(strstr(a.body, "HEMLIG-KH-88 ex 1"));
	answer_release(&a);
	deadlines(&olle, &a);
	assert_non_null(strstr(a.body, "HEMLIG-KH-88 ex 1"));
	assert_null(strstr(a.body, "HEMLIG-KH-99"));
	answer_release(&a);
}

static void feed(const struct principal *p, char *key, struct buf *b)
{
	assert_int_equal(rules_calendar_create(g_fx.model, p, key, 128), SK_OK);
	buf_init(b, 1 << 20);
	assert_int_equal(rules_calendar_feed(g_fx.model, key, b), SK_OK);
	assert_int_equal(buf_putc(b, '\0'), SK_OK);
}

static void test_feed_follows_its_owner(void **state)
{
	struct model_err err = {0};
	struct answer a = {0};
	char key[128];
	struct buf b;

	(void)state;
	/* the head's feed: the event, not what it is about */
	feed(&chief, key, &b);
	no_secret(b.ptr, "the head's feed", "calendar.ics");
	assert_non_null(strstr(b.ptr, "BEGIN:VEVENT"));
	assert_non_null(strstr(b.ptr, "Inventering förfaller"));
	buf_release(&b);
	/* the route too */
	call(route("GET", "/api/v1/calendar.ics"), &(struct principal){0}, 0,
	     json_pack("{s:s}", "key", key), &a);
	assert_int_equal(a.status, 200);
	no_secret(a.body, "the head's feed", "GET /calendar.ics");
	assert_non_null(strstr(a.body, "BEGIN:VEVENT"));
	answer_release(&a);
	feed(&aud_k, key, &b);
	no_secret(b.ptr, "auditor K's feed", "calendar.ics");
	buf_release(&b);
	/* positive control */
	feed(&aud_kh, key, &b);
	assert_non_null(strstr(b.ptr, "HEMLIG-KH-88 ex 1"));
	buf_release(&b);

	/* Kurt's feed reads as Kurt is at each fetch: cleared K, then disabled */
	feed(&kurt, key, &b);
	assert_non_null(strstr(b.ptr, "HEMLIG-KH-88 ex 1"));
	buf_release(&b);
	ok(model_identity_update(g_fx.model, &ssc, kurt.id,
	                         &(struct model_identity_patch){NULL, CLEAR_K, NULL}, &err),
	   &err, "Kurt cleared K");
	buf_init(&b, 1 << 20);
	assert_int_equal(rules_calendar_feed(g_fx.model, key, &b), SK_OK);
	assert_int_equal(buf_putc(&b, '\0'), SK_OK);
	no_secret(b.ptr, "Kurt's feed, cleared K", "calendar.ics");
	assert_non_null(strstr(b.ptr, "uppgifter dolda (behovsprövning)"));
	buf_release(&b);
	ok(model_identity_update(g_fx.model, &ssc, kurt.id,
	                         &(struct model_identity_patch){NULL, -1, "disabled"}, &err),
	   &err, "Kurt disabled");
	buf_init(&b, 1 << 20);
	assert_int_equal(rules_calendar_feed(g_fx.model, key, &b), SK_ENOTFOUND);
	buf_release(&b);

	/* Olle sees his own copy; when his only role ends, his feed stops with it */
	feed(&olle, key, &b);
	assert_non_null(strstr(b.ptr, "HEMLIG-KH-88 ex 1"));
	buf_release(&b);
	ok(model_grant_revoke(g_fx.model, &ssc, olle_grant, "slutat", &err), &err, "revoke");
	buf_init(&b, 1 << 20);
	assert_int_equal(rules_calendar_feed(g_fx.model, key, &b), SK_ENOTFOUND);
	buf_release(&b);
	call(route("GET", "/api/v1/calendar.ics"), &(struct principal){0}, 0,
	     json_pack("{s:s}", "key", key), &a);
	assert_int_equal(a.status, 404);
	answer_release(&a);
}

/* A service token has no feed: it would read as its creator, with the creator's rights. */
static void test_feed_not_for_tokens(void **state)
{
	struct principal tok = ssc;
	struct answer a = {0};
	char key[128];

	(void)state;
	tok.token_id = 1;
	tok.roles = ROLE_BIT(ROLE_STAFF);
	tok.clearance = CLEAR_NONE;
	assert_int_equal(rules_calendar_create(g_fx.model, &tok, key, sizeof(key)), SK_EPERM);
	assert_int_equal(rules_calendar_revoke(g_fx.model, &tok), SK_EPERM);
	call(route("POST", "/api/v1/me/calendar"), &tok, 0, NULL, &a);
	assert_int_equal(a.status, 403);
	assert_null(strstr(a.body, "skc_"));
	answer_release(&a);
}

/* Bad keys find nothing. */
static void test_feed_bad_keys(void **state)
{
	static const char *const keys[] = {"", "skc_", "skc_0000", "x", "skc_' OR 1=1 --"};
	struct buf b;

	(void)state;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		buf_init(&b, 1 << 16);
		assert_int_equal(rules_calendar_feed(g_fx.model, keys[i], &b), SK_ENOTFOUND);
		assert_int_equal(b.len, 0);
		buf_release(&b);
	}
	buf_init(&b, 1 << 16);
	assert_int_equal(rules_calendar_feed(g_fx.model, NULL, &b), SK_ENOTFOUND);
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
	assert_int_equal(ledger_view_objects_visible(g_fx.rd, &aud_kh, objs, vis), SK_OK);
	assert_true(vis[0]);  /* within clearance, an auditor */
	assert_false(vis[1]); /* malformed */
	assert_false(vis[2]); /* no such copy */
	assert_true(vis[3]);  /* nothing classified */
	assert_true(vis[4]);  /* the register's roles read spaces */
	assert_false(vis[5]); /* no such medium */
	assert_int_equal(ledger_view_objects_visible(g_fx.rd, &admin, objs, vis), SK_OK);
	assert_false(vis[0]);
	assert_true(vis[3]);
	assert_false(vis[4]); /* an admin does not read the spaces */
	/* what is no object names nothing */
	{
		json_t *bad = json_pack("[i, s, n]", 5, "grant");

		assert_int_equal(ledger_view_objects_visible(g_fx.rd, &aud_kh, bad, vis), SK_OK);
		assert_false(vis[0]);
		assert_false(vis[1]);
		assert_false(vis[2]);
		json_decref(bad);
	}
	/* no reader: nothing */
	ledger_view_objects_visible(NULL, &aud_kh, objs, vis);
	for (size_t i = 0; i < json_array_size(objs); i++)
		assert_false(vis[i]);
	json_decref(objs);
}

/* ---- the inventory report ---- */

static void test_inventory_report_hides_the_missing(void **state)
{
	api_handler_fn report = route("GET", "/api/v1/inventories/{id}/report");
	struct model_err err = {0};
	struct answer a = {0};
	const json_t *nf;
	int64_t inv = 0;

	(void)state;
	ok(inventory_start(g_fx.model, &reg, "Arlig inventering", INVENTORY_KH_DOCUMENTS, &inv,
	                   &err),
	   &err, "start");
	ok(inventory_check(g_fx.model, &ssc, inv, "copy", copy_kh, false, "Inte i skapet", &err),
	   &err, "check");
	ok(inventory_close(g_fx.model, &ssc, inv, NULL, &err), &err, "close");

	/* the auditor cleared K: that one item was missing, not what it was */
	call(report, &aud_k, inv, NULL, &a);
	assert_int_equal(a.status, 200);
	no_secret(a.body, "auditor cleared K", "the inventory report");
	if (strstr(a.body, "\"KH\"") || strstr(a.body, "Inte i skapet"))
		fail_msg("the report shows the missing item's class or note: %s", a.body);
	nf = json_array_get(json_object_get(json_object_get(a.json, "report"), "not_found"), 0);
	assert_non_null(nf);
	assert_true(json_is_true(json_object_get(nf, "withheld")));
	assert_int_equal(json_integer_value(json_object_get(nf, "item_id")), copy_kh);
	answer_release(&a);
	/* the campaign's items and counts likewise */
	call(route("GET", "/api/v1/inventories/{id}"), &aud_k, inv, NULL, &a);
	assert_int_equal(a.status, 200);
	no_secret(a.body, "auditor cleared K", "the inventory");
	answer_release(&a);

	/* positive control */
	call(report, &aud_kh, inv, NULL, &a);
	assert_int_equal(a.status, 200);
	assert_non_null(strstr(a.body, "HEMLIG-KH-88"));
	assert_non_null(strstr(a.body, "\"KH\""));
	answer_release(&a);
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
