/*
 * Need-to-know in the Säkerhetslogg (issue 10, items 5 and 6): KH and H
 * documents with copies, a KH copy decision, a shipment, a loss, a
 * destruction, a disclosure, a reclassification and an incident, then the
 * ledger's routes (the list, the object filter, every single entry, proofs)
 * and the register's export called as an auditor cleared K, as the head
 * cleared KH but not on the need-to-know list and as an administrator, whose
 * answers must hold none of the secret strings, and as an auditor cleared KH,
 * whose answers hold them all. Redacted entries keep their leaf hash, and it
 * still proves inclusion. The handlers are called as the router calls them.
 */
#include "testutil.h"
#include "ntkfixture.h"

#include "ledger/ledger.h"
#include "model/decision.h"
#include "model/incident.h"
#include "model/ledger_view.h"
#include "model/model.h"
#include "model/records.h"
#include "records_compat.h"
#include "store/store.h"

static struct ntk_fixture g;
static int64_t doc_kh, doc_h, inc_id, medium_kh, copy_kh2, dev_id;

/* Every string below is written only into classified documents' entries. */
static const char *const secrets[] = {
        "Nordljus-titel-KH", "HEMLIG-KH-77",         "DNR-KH-991",          "Originator-KH-AB",
        "BESLUT-REF-4242",   "Beslutsnot-hemlig",    "Mottagare-Hemlig-AB", "Muntlig-Mottagare-Q",
        "Disclosure-note-Z", "Polstjarna-titel-H",   "HEMLIG-H-55",         "DNR-H-552",
        "Originator-H-AB",   "Forlust-anteckning-H", "Destruktionsmetod-X", "Omklassning-skal-R",
};
#define N_SECRETS (sizeof(secrets) / sizeof(secrets[0]))

/* What the incident's own entries say (shown only to those who see its document). */
#define INCIDENT_TEXT "Incidenttext-om-KH"

/* ---- fixtures ---- */

static int64_t mkdoc(const char *des, const char *title, const char *cls, const char *dnr,
                     const char *orig, const int64_t *acc, size_t n)
{
	return ntkfx_document(&g, des, title, cls, dnr, orig, 3, acc, n);
}

static int64_t mkcopy(int64_t doc, int64_t box, int64_t decision)
{
	struct copy_new c = {.space_id = box, .decision_id = decision};
	struct model_err err = {0};
	int64_t id = 0;

	ntkfx_ok(copy_create(g.fx.model, &g.reg, doc, &c, 1, &id, &err), &err, "copy");
	return id;
}

static void act(int64_t copy, struct copy_action *a, const char *what)
{
	struct model_err err = {0};

	ntkfx_ok(copy_act(g.fx.model, &g.reg, copy, a, &err), &err, what);
}

/* A deviation from a finding on the KH copy: the finding's message names it. */
static int deviation_fn(struct store_tx *tx, void *arg)
{
	char object[32];
	json_t *b;
	int rc;

	snprintf(object, sizeof(object), "copy/%lld", (long long)copy_kh2);
	b = json_pack("{s:s, s:s, s:s, s:s, s:s}", "source", "finding", "finding", "doc.test",
	              "finding_object", object, "title",
	              "Exemplar HEMLIG-KH-77 ex 2 saknar kvittens", "description", "Beskrivning");
	rc = deviation_tx_create(tx, &g.ssc, b, arg);
	json_decref(b);
	return rc;
}

static int setup(void **state)
{
	struct records_space box = {"container", "Kassaskap", "Hus 1", CLEAR_KH, NULL, "B-1"};
	struct records_distributor dist = {"Kurir AB", "070-1", "B-2", NULL};
	struct model_err err = {0};
	int64_t p_reg, p_w, p_other, box_id, dist_id, dec, c1, c2, h1, h2, acc[2];
	char today[11];
	json_t *body;

	(void)state;
	ntkfx_open(&g, "/tmp/skydd-ledger-ntk.XXXXXX");
	regfx_today_plus(0, today);
	p_reg = regfx_person(g.fx.model, &g.reg, "Rut Registrator", "Enheten", g.reg.id);
	p_w = regfx_person(g.fx.model, &g.reg, "Vera Vittne", "Enheten", 0);
	p_other = regfx_person(g.fx.model, &g.reg, "Olle Annan", "Enheten", 0);
	regfx_clear(g.fx.model, &g.ssc, p_w, "KH");
	regfx_clear(g.fx.model, &g.ssc, p_other, "KH");
	regfx_person(g.fx.model, &g.reg, "Chefen", "Ledningen", g.chief.id);
	ntkfx_ok(records_space_create(g.fx.model, &g.chief, &box, &box_id, &err), &err, "space");
	ntkfx_ok(records_distributor_create(g.fx.model, &g.ssc, &dist, &dist_id, &err), &err,
	         "dist");

	acc[0] = p_reg;
	acc[1] = p_other;
	doc_kh = mkdoc("HEMLIG-KH-77", "Nordljus-titel-KH", "KH", "DNR-KH-991", "Originator-KH-AB",
	               acc, 2);
	doc_h = mkdoc("HEMLIG-H-55", "Polstjarna-titel-H", "H", "DNR-H-552", "Originator-H-AB", acc,
	              2);

	/* KH: the original, the head's copy decision, copy 2 shipped, a disclosure */
	c1 = mkcopy(doc_kh, box_id, 0);
	(void)c1;
	ntkfx_ok(decision_record(g.fx.model, &g.reg, doc_kh,
	                         &(struct decision_new){.kind = "kh_copy",
	                                                .reference = "BESLUT-REF-4242",
	                                                .note = "Beslutsnot-hemlig",
	                                                .decided_by = g.chief.id},
	                         &dec, &err),
	         &err, "kh_copy decision");
	c2 = mkcopy(doc_kh, box_id, dec);
	copy_kh2 = c2;
	act(c2,
	    &(struct copy_action){.act = COPY_SHIP,
	                          .distributor_id = dist_id,
	                          .recipient = "Mottagare-Hemlig-AB"},
	    "ship");
	ntkfx_ok(decision_disclosure_add(
	                 g.fx.model, &g.reg, doc_kh,
	                 &(struct decision_disclosure){.disclosed_by = p_reg,
	                                               .recipient = "Muntlig-Mottagare-Q",
	                                               .occurred_at = today,
	                                               .how = "told",
	                                               .note = "Disclosure-note-Z"},
	                 &dec, &err),
	         &err, "disclosure");

	/* H: one copy lost (a lost case), one destroyed, then raised to KH */
	h1 = mkcopy(doc_h, box_id, 0);
	h2 = mkcopy(doc_h, box_id, 0);
	act(h1, &(struct copy_action){.act = COPY_LOST, .note = "Forlust-anteckning-H"}, "lost");
	act(h2,
	    &(struct copy_action){.act = COPY_DESTROY,
	                          .method = "Destruktionsmetod-X",
	                          .destroyed_on = today,
	                          .performer_id = p_reg,
	                          .witness_id = p_w},
	    "destroy");
	ntkfx_ok(decision_reclassify(g.fx.model, &g.ssc, doc_h,
	                             &(struct decision_reclass){.to_class = "KH",
	                                                        .reason = "Omklassning-skal-R"},
	                             NULL, &err),
	         &err, "reclassify");

	/* A KH storage medium: its register shows it to those cleared for KH */
	ntkfx_ok(records_medium_create(g.fx.model, &g.reg,
	                               &(struct records_medium){.identifier = "USB-HEMLIG-KH",
	                                                        .type = "usb",
	                                                        .class = CLEAR_KH,
	                                                        .space_id = box_id},
	                               &medium_kh, &err),
	         &err, "medium");

	/* An incident about the KH document, reported by the g.ssc */
	body = json_pack("{s:s, s:s, s:s, s:[I], s:[I]}", "title", INCIDENT_TEXT, "description",
	                 "Beskrivning", "occurred_on", today, "document_ids", (json_int_t)doc_kh,
	                 "copy_ids", (json_int_t)c2);
	ntkfx_ok(incident_create(g.fx.model, &g.ssc, body, &inc_id, &err), &err, "incident");
	json_decref(body);

	{
		struct store_cmd c;

		store_cmd_init(&c, deviation_fn, &dev_id);
		assert_int_equal(store_submit(g.fx.store, &c), SK_OK);
		assert_true(dev_id > 0);
	}

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

static void no_secret(const struct ntkfx_answer *a, const char *who, const char *what)
{
	ntkfx_no_secret(secrets, N_SECRETS, a->body, who, what);
}

static uint64_t ledger_size(void)
{
	return regfx_ledger_size(&g.fx);
}

/* The whole ledger in one page (it is short), ascending. */
static void list_all(const struct principal *p, const char *object, struct ntkfx_answer *a)
{
	json_t *q = json_pack("{s:I}", "limit", (json_int_t)500);

	if (object)
		json_object_set_new(q, "object", json_string(object));
	ntkfx_call(&g, api_h_ledger, p, 0, q, a);
	assert_int_equal(a->status, 200);
	assert_non_null(a->json);
}

/* The proof of seq checks out against the leaf hash the reader was given. */
static void proof_verifies(const struct principal *p, uint64_t seq, const char *leaf_b64)
{
	uint8_t leaf[LEDGER_HASH_LEN], root[LEDGER_HASH_LEN],
	        path[LEDGER_MAX_PROOF][LEDGER_HASH_LEN];
	struct ntkfx_answer a = {0};
	json_t *arr, *x;
	size_t i, n;

	ntkfx_call(&g, api_h_ledger_proof, p, (int64_t)seq, NULL, &a);
	assert_int_equal(a.status, 200);
	assert_string_equal(json_string_value(json_object_get(a.json, "leaf_hash")), leaf_b64);
	assert_int_equal(sk_base64_decode(leaf_b64, strlen(leaf_b64), leaf, sizeof(leaf), NULL),
	                 SK_OK);
	x = json_object_get(a.json, "root");
	assert_int_equal(sk_base64_decode(json_string_value(x), strlen(json_string_value(x)), root,
	                                  sizeof(root), NULL),
	                 SK_OK);
	arr = json_object_get(a.json, "proof");
	n = json_array_size(arr);
	assert_true(n <= LEDGER_MAX_PROOF);
	json_array_foreach(arr, i, x)
	{
		assert_int_equal(sk_base64_decode(json_string_value(x),
		                                  strlen(json_string_value(x)), path[i],
		                                  LEDGER_HASH_LEN, NULL),
		                 SK_OK);
	}
	assert_int_equal(ledger_verify_inclusion(
	                         seq - 1,
	                         (uint64_t)json_integer_value(json_object_get(a.json, "tree_size")),
	                         leaf, (const uint8_t(*)[LEDGER_HASH_LEN])path, n, root),
	                 SK_OK);
	ntkfx_answer_release(&a);
}

/*
 * Everything the ledger's routes answer p holds none of the secrets; the
 * entries about the two documents are redacted (no data, the flag, the leaf
 * hash that proves inclusion). Returns how many entries were redacted.
 */
static size_t sees_nothing(const struct principal *p, const char *who)
{
	struct ntkfx_answer a = {0};
	char obj[48];
	size_t redacted = 0, i;
	uint64_t n = ledger_size();
	json_t *e;

	list_all(p, NULL, &a);
	no_secret(&a, who, "the list");
	json_array_foreach(json_object_get(a.json, "entries"), i, e)
	{
		const char *o = json_string_value(json_object_get(e, "object"));
		bool red = json_is_true(json_object_get(e, "redacted"));

		/* seq, time, actor, kind and object are always there */
		assert_true(json_is_integer(json_object_get(e, "seq")));
		assert_true(json_is_string(json_object_get(e, "time")));
		assert_true(json_is_integer(json_object_get(e, "actor")));
		assert_true(json_is_string(json_object_get(e, "kind")));
		if (o && strncmp(o, "document/", 9) == 0 && !red)
			fail_msg("%s: entry %lld about %s not redacted", who,
			         (long long)json_integer_value(json_object_get(e, "seq")), o);
		if (!red)
			continue;
		redacted++;
		assert_null(json_object_get(e, "data"));
		assert_non_null(json_string_value(json_object_get(e, "leaf_hash")));
		if (redacted <= 3) /* a few suffice: each proof is the same code path */
			proof_verifies(p, (uint64_t)json_integer_value(json_object_get(e, "seq")),
			               json_string_value(json_object_get(e, "leaf_hash")));
	}
	ntkfx_answer_release(&a);

	/* the object filter, both ways round */
	snprintf(obj, sizeof(obj), "document/%lld", (long long)doc_kh);
	list_all(p, obj, &a);
	assert_true(json_array_size(json_object_get(a.json, "entries")) > 5);
	no_secret(&a, who, "?object=document/KH");
	ntkfx_answer_release(&a);
	snprintf(obj, sizeof(obj), "document/%lld", (long long)doc_h);
	list_all(p, obj, &a);
	no_secret(&a, who, "?object=document/H");
	ntkfx_answer_release(&a);

	/* every single entry */
	for (uint64_t seq = 1; seq <= n; seq++) {
		char what[32];

		ntkfx_call(&g, api_h_ledger_entry, p, (int64_t)seq, NULL, &a);
		assert_int_equal(a.status, 200);
		snprintf(what, sizeof(what), "entry %llu", (unsigned long long)seq);
		no_secret(&a, who, what);
		if (json_is_true(json_object_get(a.json, "redacted"))) {
			assert_true(json_is_null(json_object_get(a.json, "canonical")));
			assert_null(json_object_get(json_object_get(a.json, "entry"), "data"));
		}
		ntkfx_answer_release(&a);
	}
	return redacted;
}

/* ---- item 5: the ledger ---- */

static void test_auditor_k_sees_no_classified_data(void **state)
{
	(void)state;
	assert_true(sees_nothing(&g.aud_k, "auditor cleared K") > 10);
}

static void test_head_not_on_list_sees_no_classified_data(void **state)
{
	(void)state;
	assert_true(sees_nothing(&g.chief, "the head, not on the list") > 10);
}

static void test_admin_sees_no_classified_data(void **state)
{
	struct ntkfx_answer a = {0};
	size_t i;
	json_t *e;
	bool identity_seen = false;

	(void)state;
	assert_true(sees_nothing(&g.admin, "admin") > 10);
	/* what carries nothing classified stays whole (identities, grants) */
	list_all(&g.admin, NULL, &a);
	json_array_foreach(json_object_get(a.json, "entries"), i, e)
	{
		const char *o = json_string_value(json_object_get(e, "object"));

		if (o && strncmp(o, "identity/", 9) == 0) {
			assert_false(json_is_true(json_object_get(e, "redacted")));
			assert_non_null(json_object_get(e, "data"));
			identity_seen = true;
		}
	}
	assert_true(identity_seen);
	ntkfx_answer_release(&a);
}

/* The one the rule lets in sees every secret: the redaction is not blanket. */
static void test_auditor_kh_sees_all(void **state)
{
	struct ntkfx_answer a = {0};
	size_t i;
	json_t *e;

	(void)state;
	list_all(&g.aud_kh, NULL, &a);
	for (i = 0; i < N_SECRETS; i++) {
		if (!strstr(a.body, secrets[i]))
			fail_msg("auditor cleared KH does not see \"%s\"", secrets[i]);
	}
	assert_non_null(strstr(a.body, INCIDENT_TEXT));
	json_array_foreach(json_object_get(a.json, "entries"), i, e)
	{
		assert_false(json_is_true(json_object_get(e, "redacted")));
	}
	ntkfx_answer_release(&a);
	/* a single entry with its canonical bytes */
	ntkfx_call(&g, api_h_ledger_entry, &g.aud_kh, 2, NULL, &a);
	assert_true(json_is_string(json_object_get(a.json, "canonical")));
	ntkfx_answer_release(&a);
}

/* Need-to-know opens it: the head, once on the list, sees the KH document's entries. */
static void test_head_on_list_sees_document(void **state)
{
	struct model_err err = {0};
	struct ntkfx_answer a = {0};
	int64_t person = 0;
	char obj[48];
	struct store_q *q;

	(void)state;
	assert_int_equal(
	        store_reader_query(g.fx.rd, "SELECT id FROM person WHERE identity_id = ?1", &q),
	        SK_OK);
	store_q_bind_int(q, 1, g.chief.id);
	assert_int_equal(store_q_step(q), SK_OK);
	person = store_q_int(q, 0);
	store_q_done(q);
	ntkfx_ok(document_access_change(g.fx.model, &g.reg, doc_kh, &person, 1, false, &err), &err,
	         "access");
	snprintf(obj, sizeof(obj), "document/%lld", (long long)doc_kh);
	list_all(&g.chief, obj, &a);
	assert_non_null(strstr(a.body, "Mottagare-Hemlig-AB"));
	assert_null(strstr(a.body, "\"redacted\""));
	ntkfx_answer_release(&a);
	/* the H (now KH) document stays hidden: not on its list */
	snprintf(obj, sizeof(obj), "document/%lld", (long long)doc_h);
	list_all(&g.chief, obj, &a);
	assert_null(strstr(a.body, "Polstjarna-titel-H"));
	ntkfx_answer_release(&a);
	ntkfx_ok(document_access_change(g.fx.model, &g.reg, doc_kh, &person, 1, true, &err), &err,
	         "access removed");
}

/* The incident's entries follow its linked document; the export follows the register. */
static void test_incident_entries_and_export(void **state)
{
	struct ntkfx_answer a = {0};
	json_t *q;
	char obj[48];

	(void)state;
	snprintf(obj, sizeof(obj), "incident/%lld", (long long)inc_id);
	list_all(&g.ssc, obj, &a);
	assert_non_null(strstr(a.body, INCIDENT_TEXT));
	ntkfx_answer_release(&a);
	list_all(&g.aud_k, obj, &a);
	assert_null(strstr(a.body, INCIDENT_TEXT));
	assert_non_null(strstr(a.body, "\"redacted\":true"));
	ntkfx_answer_release(&a);
	list_all(&g.admin, obj, &a); /* g.admin does not read incidents at all */
	assert_null(strstr(a.body, INCIDENT_TEXT));
	ntkfx_answer_release(&a);

	q = json_object();
	ntkfx_call(&g, ntkfx_route("GET", "/api/v1/documents/export.csv"), &g.aud_k, 0, q, &a);
	assert_int_equal(a.status, 200);
	no_secret(&a, "auditor cleared K", "the CSV export");
	ntkfx_answer_release(&a);
	ntkfx_call(&g, ntkfx_route("GET", "/api/v1/documents/export.csv"), &g.aud_kh, 0,
	           json_object(), &a);
	assert_non_null(strstr(a.body, "HEMLIG-KH-77"));
	ntkfx_answer_release(&a);
}

/* A medium's entries follow its class: hidden from the auditor cleared K, shown to KH readers. */
static void test_medium_follows_clearance(void **state)
{
	struct ntkfx_answer a = {0};
	char obj[48];

	(void)state;
	snprintf(obj, sizeof(obj), "medium/%lld", (long long)medium_kh);
	list_all(&g.aud_k, obj, &a);
	assert_true(json_array_size(json_object_get(a.json, "entries")) >= 1);
	assert_null(strstr(a.body, "USB-HEMLIG-KH"));
	assert_non_null(strstr(a.body, "\"redacted\":true"));
	ntkfx_answer_release(&a);
	list_all(&g.admin, obj, &a); /* g.admin does not read the media register */
	assert_null(strstr(a.body, "USB-HEMLIG-KH"));
	ntkfx_answer_release(&a);
	list_all(&g.chief, obj, &a); /* a register role cleared KH: no list for media */
	assert_non_null(strstr(a.body, "USB-HEMLIG-KH"));
	ntkfx_answer_release(&a);
}

/*
 * redact_one by rd for p on an entry about object with the data {key: value}:
 * hidden (and the data gone) or left whole, as expected.
 */
static void redacts(struct store_reader *rd, const struct principal *p, const char *object,
                    const char *key, const char *value, bool hidden)
{
	json_t *e = json_pack("{s:s, s:{s:s}}", "object", object, "data", key, value);

	if (ledger_view_redact_one(rd, p, e) != hidden)
		fail_msg("an entry about \"%s\" is %s for %s", object, hidden ? "shown" : "hidden",
		         p->username);
	if (hidden)
		assert_null(json_object_get(e, "data"));
	else
		assert_non_null(json_object_get(e, "data"));
	json_decref(e);
}

/* Bad input fails closed: an object that names nothing, or a store that cannot answer. */
static void test_malformed_objects_fail_closed(void **state)
{
	static const char *const objects[] = {"document/abc", "document/999999",  "lost/1",
	                                      "inventory/5",  "deviation/424242", "incident/777"};
	json_t *e;

	(void)state;
	for (size_t i = 0; i < sizeof(objects) / sizeof(objects[0]); i++) {
		e = json_pack("{s:I, s:s, s:I, s:s, s:s, s:{s:s, s:s, s:I}}", "actor",
		              (json_int_t)1, "kind", "x.y", "seq", (json_int_t)1, "time",
		              "2026-01-01T00:00:00Z", "object", objects[i], "data", "note",
		              "Hemligt", "item_type", "copy", "item_id", (json_int_t)999999);
		assert_true(ledger_view_redact_one(g.fx.rd, &g.aud_kh, e));
		assert_null(json_object_get(e, "data"));
		assert_true(json_is_true(json_object_get(e, "redacted")));
		json_decref(e);
	}
	/* a lost case that names no item */
	redacts(g.fx.rd, &g.aud_kh, "lost/1", "note", "Hemligt", true);
	/* an open type carries nothing classified and stays */
	redacts(g.fx.rd, &g.admin, "grant/1", "role", "auditor", false);
	/* so does an entry about no object, or the ledger itself */
	redacts(g.fx.rd, &g.admin, "", "username", "okand", false);
	/* a type nobody wrote a rule for (a register added later) is hidden, in a page too */
	redacts(g.fx.rd, &g.aud_kh, "keycard/3", "note", "Hemligt", true);
	{
		json_t *page =
		        json_pack("[{s:s, s:{s:s}}, {s:s, s:{s:s}}]", "object", "keycard/3", "data",
		                  "note", "Hemligt", "object", "person/1", "data", "name", "Anna");
		bool hid[2] = {false, false};

		assert_int_equal(ledger_view_redact(g.fx.rd, &g.aud_kh, page, hid), SK_OK);
		assert_true(hid[0]);
		assert_false(hid[1]);
		json_decref(page);
	}
	/* no reader: everything hidden */
	redacts(NULL, &g.admin, "grant/1", "role", "auditor", true);
}

/* ---- item 6: linked documents in an incident ---- */

static void link_of(const json_t *inc, const char *type, json_t **out)
{
	json_t *l;
	size_t i;

	*out = NULL;
	json_array_foreach(json_object_get(json_object_get(inc, "incident"), "links"), i, l)
	{
		if (strcmp(json_string_value(json_object_get(l, "type")), type) == 0)
			*out = l;
	}
	assert_non_null(*out);
}

static void test_incident_links_hide_unseen_documents(void **state)
{
	api_handler_fn get = ntkfx_route("GET", "/api/v1/incidents/{id}");
	struct ntkfx_answer a = {0};
	json_t *l;

	(void)state;
	/* the auditor cleared K reads incidents, but not the KH document */
	ntkfx_call(&g, get, &g.aud_k, inc_id, NULL, &a);
	assert_int_equal(a.status, 200);
	if (strstr(a.body, "HEMLIG-KH-77") || strstr(a.body, "\"KH\""))
		fail_msg("incident shows the unseen document: %s", a.body);
	link_of(a.json, "document", &l);
	assert_true(json_is_false(json_object_get(l, "visible")));
	assert_null(json_object_get(l, "label"));
	assert_null(json_object_get(l, "class"));
	assert_null(json_object_get(l, "title"));
	link_of(a.json, "copy", &l);
	assert_true(json_is_false(json_object_get(l, "visible")));
	assert_null(json_object_get(l, "label"));
	assert_null(json_object_get(l, "class"));
	ntkfx_answer_release(&a);
	/* the head cleared KH, not on the list: the same */
	ntkfx_call(&g, get, &g.chief, inc_id, NULL, &a);
	assert_null(strstr(a.body, "HEMLIG-KH-77"));
	ntkfx_answer_release(&a);
	/* the g.ssc sees it all */
	ntkfx_call(&g, get, &g.ssc, inc_id, NULL, &a);
	link_of(a.json, "document", &l);
	assert_true(json_is_true(json_object_get(l, "visible")));
	assert_string_equal(json_string_value(json_object_get(l, "label")), "HEMLIG-KH-77");
	assert_string_equal(json_string_value(json_object_get(l, "class")), "KH");
	assert_string_equal(json_string_value(json_object_get(l, "title")), "Nordljus-titel-KH");
	link_of(a.json, "copy", &l);
	assert_string_equal(json_string_value(json_object_get(l, "label")), "HEMLIG-KH-77 ex 2");
	ntkfx_answer_release(&a);
}

/* The action plan: a deviation from a finding on the KH copy keeps its text from the unseen. */
static void test_deviation_from_finding_hidden(void **state)
{
	api_handler_fn list = ntkfx_route("GET", "/api/v1/deviations"),
	               get = ntkfx_route("GET", "/api/v1/deviations/{id}");
	struct ntkfx_answer a = {0};
	json_t *d;

	(void)state;
	ntkfx_call(&g, list, &g.aud_k, 0, NULL, &a);
	assert_int_equal(a.status, 200);
	assert_null(strstr(a.body, "HEMLIG-KH-77"));
	d = json_array_get(json_object_get(a.json, "deviations"), 0);
	assert_true(json_is_true(json_object_get(d, "hidden")));
	assert_null(json_object_get(d, "title"));
	assert_non_null(json_object_get(d, "status"));
	ntkfx_answer_release(&a);
	ntkfx_call(&g, get, &g.chief, dev_id, NULL, &a);
	assert_int_equal(a.status, 200);
	assert_null(strstr(a.body, "HEMLIG-KH-77"));
	assert_null(strstr(a.body, "Beskrivning"));
	ntkfx_answer_release(&a);
	ntkfx_call(&g, get, &g.ssc, dev_id, NULL, &a);
	assert_non_null(strstr(a.body, "Exemplar HEMLIG-KH-77 ex 2 saknar kvittens"));
	assert_null(strstr(a.body, "\"hidden\""));
	ntkfx_answer_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_auditor_k_sees_no_classified_data),
	        cmocka_unit_test(test_head_not_on_list_sees_no_classified_data),
	        cmocka_unit_test(test_admin_sees_no_classified_data),
	        cmocka_unit_test(test_auditor_kh_sees_all),
	        cmocka_unit_test(test_head_on_list_sees_document),
	        cmocka_unit_test(test_incident_entries_and_export),
	        cmocka_unit_test(test_medium_follows_clearance),
	        cmocka_unit_test(test_malformed_objects_fail_closed),
	        cmocka_unit_test(test_incident_links_hide_unseen_documents),
	        cmocka_unit_test(test_deviation_from_finding_hidden),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
