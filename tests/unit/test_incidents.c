/*
 * Incidents and the action plan (src/model/incident.c, deviation.c, the rules
 * of 2 kap. 14, 17–19 §§ in src/rules/table_incidents.inc): who reports and who
 * sees an incident, the 19 § order of assessment and report, deadlines with a
 * fake clock, a deviation made from a finding marked done when the finding
 * disappears, a lesson becoming a deviation, a linked document's title kept
 * from those not cleared, bad input everywhere (nothing written), each rule
 * with a fixture that triggers it and one that does not, and replay equality.
 */
#include "testutil.h"
#include "regfixture.h"

#include <jansson.h>

#include "model/access_int.h"
#include "model/document.h"
#include "model/incident.h"
#include "model/model.h"
#include "model/records.h"
#include "records_compat.h"
#include "rules/rules.h"
#include "store/store.h"

static struct reg_fixture g_fx;
static struct principal chief, ssc, staff, staff2, aud, reg;
static int64_t g_doc;

#define DAY_US (86400 * INT64_C(1000000))

/* A document H with a classified title, made inside one writer command. */
static int doc_fn(struct store_tx *tx, void *arg)
{
	struct document_new d = {0};

	d.title = "Hemlig titel om Projekt X";
	d.title_classified = true;
	d.cls = "H";
	d.form = "physical";
	d.pages = 2;
	return document_tx_create(tx, reg.id, &d, arg);
}

static int setup(void **state)
{
	struct store_cmd c;

	(void)state;
	regfx_open(&g_fx, "/tmp/skydd-incidents.XXXXXX", REGFX_CLEAR, NULL);
	regfx_identity(g_fx.model, &chief, "chef", ROLE_CHIEF, CLEAR_KH, "2000-01-01", NULL);
	regfx_identity(g_fx.model, &ssc, "ssc", ROLE_SSC, CLEAR_KH, "2000-01-01", NULL);
	regfx_identity(g_fx.model, &staff, "staff", ROLE_STAFF, CLEAR_BH, "2000-01-01", NULL);
	regfx_identity(g_fx.model, &staff2, "staff2", ROLE_STAFF, CLEAR_KH, "2000-01-01", NULL);
	regfx_identity(g_fx.model, &aud, "auditor", ROLE_AUDITOR, CLEAR_K, "2000-01-01", NULL);
	regfx_identity(g_fx.model, &reg, "reg", ROLE_REGISTRAR, CLEAR_KH, "2000-01-01", NULL);
	store_cmd_init(&c, doc_fn, &g_doc);
	assert_int_equal(store_submit(g_fx.store, &c), SK_OK);
	assert_true(g_doc > 0);
	rules_cache_reset();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sk_clock_set_offset(0);
	regfx_close(&g_fx);
	return 0;
}

/* ---- helpers ---- */

static json_t *body(const char *fmt, ...)
{
	json_error_t e;
	va_list ap;
	json_t *o;

	va_start(ap, fmt);
	o = json_vpack_ex(&e, 0, fmt, ap);
	va_end(ap);
	if (!o)
		fail_msg("json_pack: %s", e.text);
	return o;
}

static void day(char out[11], int offset_days)
{
	int64_t us = sk_now_us() + offset_days * DAY_US;
	char t[SK_TIME_LEN + 1];

	model_time(us, t);
	snprintf(out, 11, "%.10s", t);
}

static int64_t new_incident(const struct principal *p, const char *title, bool reportable,
                            int occurred_days_ago)
{
	struct model_err err = {0};
	char occ[11];
	int64_t id = 0;
	json_t *b;

	day(occ, -occurred_days_ago);
	b = body("{s:s, s:s, s:s, s:b}", "title", title, "occurred_on", occ, "detected_on", occ,
	         "reportable", reportable);
	if (incident_create(g_fx.model, p, b, &id, &err) != SK_OK)
		fail_msg("incident_create: %s %s", err.field, err.msg);
	json_decref(b);
	return id;
}

/* Calls an incident action with a body; returns rc, err in *err. */
typedef int (*act_fn)(struct model *, const struct principal *, int64_t, const json_t *,
                      struct model_err *);

static int act(act_fn fn, const struct principal *p, int64_t id, json_t *b, struct model_err *err)
{
	int rc;

	memset(err, 0, sizeof(*err));
	rc = fn(g_fx.model, p, id, b, err);
	json_decref(b);
	return rc;
}

/* The open findings of rule about object ("type/id") today (as the clock says). */
static size_t findings(const char *rule, const char *type, int64_t id)
{
	struct store_reader *r = model_reader(g_fx.model);
	struct rules_filter f = {.min_severity = -1, .clearance = CLEAR_KH};
	char object[64], today[11];
	json_t *res;
	size_t n;

	snprintf(object, sizeof(object), "%s/%lld", type, (long long)id);
	f.rule = rule;
	f.object = object;
	model_today(today);
	res = rules_evaluate(r, today, &f);
	assert_non_null(res);
	assert_int_equal(json_array_size(json_object_get(res, "errors")), 0);
	n = json_array_size(json_object_get(res, "findings"));
	json_decref(res);
	return n;
}

/* Is object type/id among the deadlines of kind in the next 30 days? */
static bool in_deadlines(const char *kind, const char *type, int64_t id)
{
	char today[11];
	json_t *d, *x;
	bool yes = false;
	size_t i;

	model_today(today);
	d = rules_deadlines(model_reader(g_fx.model), today, 30, 0, NULL);
	assert_non_null(d);
	json_array_foreach(d, i, x)
	{
		json_t *o = json_object_get(x, "object");

		if (strcmp(json_string_value(json_object_get(x, "kind")), kind) == 0 &&
		    strcmp(json_string_value(json_object_get(o, "type")), type) == 0 &&
		    json_integer_value(json_object_get(o, "id")) == id)
			yes = true;
	}
	json_decref(d);
	return yes;
}

static json_t *get_incident(const struct principal *p, int64_t id)
{
	json_t *o = incident_get(g_fx.model, p, id);

	return o;
}

static const char *istr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(json_object_get(o, "incident"), key));
}

/* ---- reporting and seeing ---- */

static void test_report_and_visibility(void **state)
{
	struct model_err err = {0};
	int64_t a, b;
	json_t *o, *l;

	(void)state;
	a = new_incident(&staff, "Okänd person i korridoren", false, 1);
	b = new_incident(&staff2, "Dator utan skärmlås", false, 0);
	assert_true(a > 0 && b == a + 1);
	/* staff see only their own reports; ssc, chief, auditor see all */
	o = get_incident(&staff, a);
	assert_non_null(o);
	assert_string_equal(istr(o, "title"), "Okänd person i korridoren");
	assert_string_equal(istr(o, "state"), "open");
	assert_int_equal(json_array_size(json_object_get(o, "history")), 1);
	json_decref(o);
	assert_null(get_incident(&staff, b));
	assert_null(get_incident(&staff2, a));
	assert_null(get_incident(&staff, 999));
	o = get_incident(&aud, b);
	assert_non_null(o);
	json_decref(o);
	l = incident_list(g_fx.model, &staff, NULL);
	assert_int_equal(json_array_size(json_object_get(l, "incidents")), 1);
	json_decref(l);
	l = incident_list(g_fx.model, &ssc, "open");
	assert_true(json_array_size(json_object_get(l, "incidents")) >= 2);
	json_decref(l);
	l = incident_list(g_fx.model, &ssc, "closed");
	assert_int_equal(json_array_size(json_object_get(l, "incidents")), 0);
	json_decref(l);
	/* staff report but do not handle */
	assert_int_equal(act(incident_close, &staff, a, body("{}"), &err), SK_EPERM);
	assert_int_equal(act(incident_update, &staff, a, body("{s:s}", "title", "x"), &err),
	                 SK_EPERM);
	/* the entry of the report carries the token of a service token */
	{
		struct principal tok = ssc;
		struct store_reader *r = model_reader(g_fx.model);
		struct store_q *q;
		int64_t id = 0;

		tok.token_id = 42;
		tok.roles = ROLE_BIT(ROLE_SSC);
		id = new_incident(&tok, "Via token", false, 0);
		assert_int_equal(store_reader_query(r,
		                                    "SELECT json_extract(entry, '$.data.token_id') "
		                                    "FROM ledger WHERE kind = 'incident.reported' "
		                                    "ORDER BY seq DESC LIMIT 1",
		                                    &q),
		                 SK_OK);
		assert_int_equal(store_q_step(q), SK_OK);
		assert_int_equal(store_q_int(q, 0), 42);
		store_q_done(q);
		assert_true(id > b);
	}
}

static void test_document_title_kept(void **state)
{
	struct model_err err = {0};
	char today[11];
	int64_t id = 0;
	json_t *b, *o, *l;

	(void)state;
	day(today, 0);
	/* staff (BH) may not link a document they do not see: it is "not there" */
	b = body("{s:s, s:s, s:[I]}", "title", "Försvunnen pärm", "occurred_on", today,
	         "document_ids", (json_int_t)g_doc);
	assert_int_equal(incident_create(g_fx.model, &staff, b, &id, &err), SK_EINVAL);
	assert_string_equal(err.field, "document_ids");
	assert_null(strstr(err.msg, "Hemlig"));
	assert_int_equal(incident_create(g_fx.model, &ssc, b, &id, &err), SK_OK);
	json_decref(b);
	/* the ssc (KH) sees the title; the auditor (K) not even the designation or class */
	o = get_incident(&ssc, id);
	l = json_array_get(json_object_get(json_object_get(o, "incident"), "links"), 0);
	assert_string_equal(json_string_value(json_object_get(l, "type")), "document");
	assert_string_equal(json_string_value(json_object_get(l, "title")),
	                    "Hemlig titel om Projekt X");
	json_decref(o);
	o = get_incident(&aud, id);
	l = json_array_get(json_object_get(json_object_get(o, "incident"), "links"), 0);
	assert_null(json_object_get(l, "label"));
	assert_null(json_object_get(l, "class"));
	assert_null(json_object_get(l, "title"));
	assert_true(json_is_false(json_object_get(l, "visible")));
	{
		char *s = json_dumps(o, 0);

		assert_null(strstr(s, "Projekt X"));
		free(s);
	}
	json_decref(o);
}

/* ---- 19 §: the assessment starts no later than the report ---- */

static void test_assessment_order(void **state)
{
	struct model_err err = {0};
	char today[11], yday[11], tomorrow[11];
	int64_t a, b;

	(void)state;
	day(today, 0);
	day(yday, -1);
	day(tomorrow, 1);
	a = new_incident(&staff, "Inbrott i arkivet", true, 2);
	/* finish before start, start in the future, content at start: refused */
	assert_int_equal(
	        act(incident_assessment, &ssc, a,
	            body("{s:s, s:s, s:s}", "action", "finish", "date", today, "content", "x"),
	            &err),
	        SK_ERULE);
	assert_int_equal(act(incident_assessment, &ssc, a,
	                     body("{s:s, s:s}", "action", "start", "date", tomorrow), &err),
	                 SK_EINVAL);
	assert_string_equal(err.field, "date");
	assert_int_equal(
	        act(incident_assessment, &ssc, a,
	            body("{s:s, s:s, s:s}", "action", "start", "date", today, "content", "x"),
	            &err),
	        SK_EINVAL);
	assert_string_equal(err.field, "content");
	/* started the day before the report: in order */
	assert_int_equal(act(incident_assessment, &ssc, a,
	                     body("{s:s, s:s}", "action", "start", "date", yday), &err),
	                 SK_OK);
	assert_int_equal(act(incident_assessment, &ssc, a,
	                     body("{s:s, s:s}", "action", "start", "date", yday), &err),
	                 SK_ERULE);
	assert_int_equal(act(incident_report, &ssc, a,
	                     body("{s:s, s:s}", "report_date", today, "report_ref", "SÄPO-1"),
	                     &err),
	                 SK_OK);
	assert_int_equal(findings("incident.assessment.late", "incident", a), 0);
	assert_int_equal(findings("incident.report.missing", "incident", a), 0);
	assert_int_equal(act(incident_report, &ssc, a,
	                     body("{s:s, s:s}", "report_date", today, "report_ref", "SÄPO-2"),
	                     &err),
	                 SK_ERULE);
	assert_int_equal(act(incident_assessment, &ssc, a,
	                     body("{s:s, s:s}", "action", "finish", "date", yday), &err),
	                 SK_EINVAL); /* no content */
	assert_int_equal(act(incident_assessment, &ssc, a,
	                     body("{s:s, s:s, s:s}", "action", "finish", "date", today, "content",
	                          "Begränsad skada"),
	                     &err),
	                 SK_OK);
	/* reported first, assessment started after: the rule fires */
	b = new_incident(&staff, "Obehörig i serverhallen", true, 2);
	assert_int_equal(act(incident_report, &ssc, b,
	                     body("{s:s, s:s}", "report_date", yday, "report_ref", "SÄPO-3"), &err),
	                 SK_OK);
	assert_int_equal(findings("incident.assessment.late", "incident", b), 1);
	assert_int_equal(act(incident_assessment, &ssc, b,
	                     body("{s:s, s:s}", "action", "start", "date", today), &err),
	                 SK_OK);
	assert_int_equal(findings("incident.assessment.late", "incident", b), 1); /* too late */
}

/* ---- deadlines with a fake clock ---- */

static void test_deadlines_fake_clock(void **state)
{
	struct model_err err = {0};
	char today[11];
	int64_t a, n;

	(void)state;
	a = new_incident(&ssc, "Misstänkt kartläggning", true, 0);
	n = new_incident(&ssc, "Ej anmälningspliktig", false, 0);
	assert_int_equal(findings("incident.report.missing", "incident", a), 0); /* same day */
	assert_true(in_deadlines("incident_report", "incident", a));             /* due tomorrow */
	assert_false(in_deadlines("incident_report", "incident", n));
	sk_clock_set_offset(2 * DAY_US);
	assert_int_equal(findings("incident.report.missing", "incident", a), 1);
	assert_int_equal(findings("incident.report.missing", "incident", n), 0);
	day(today, 0);
	assert_int_equal(act(incident_assessment, &ssc, a,
	                     body("{s:s, s:s}", "action", "start", "date", today), &err),
	                 SK_OK);
	assert_int_equal(act(incident_report, &ssc, a,
	                     body("{s:s, s:s}", "report_date", today, "report_ref", "SÄPO-4"),
	                     &err),
	                 SK_OK);
	assert_int_equal(findings("incident.report.missing", "incident", a), 0);
	assert_int_equal(findings("incident.assessment.late", "incident", a), 0);
	sk_clock_set_offset(0);
}

/* ---- measures, investigation, closing ---- */

static void test_handling_and_close(void **state)
{
	struct model_err err = {0};
	char today[11], old[11];
	int64_t a;
	json_t *o;

	(void)state;
	day(today, 0);
	day(old, -30);
	a = new_incident(&staff, "Phishing mot ekonomi", false, 3);
	assert_int_equal(act(incident_measure_add, &ssc, a,
	                     body("{s:s, s:s}", "taken_on", today, "text", "Lösenord bytta"), &err),
	                 SK_OK);
	assert_int_equal(act(incident_measure_add, &ssc, a,
	                     body("{s:s, s:s}", "taken_on", old, "text", "före händelsen"), &err),
	                 SK_EINVAL);
	assert_string_equal(err.field, "taken_on");
	assert_int_equal(act(incident_update, &ssc, a, body("{s:s}", "detected_by", "Kalle"), &err),
	                 SK_OK);
	assert_int_equal(act(incident_update, &ssc, a, body("{}"), &err), SK_EINVAL);
	/* closed without investigation and evaluation: 17 § finding */
	assert_int_equal(act(incident_close, &ssc, a, body("{}"), &err), SK_OK);
	assert_int_equal(findings("incident.closed.evaluation", "incident", a), 1);
	assert_int_equal(act(incident_close, &ssc, a, body("{}"), &err), SK_ERULE);
	assert_int_equal(act(incident_update, &ssc, a, body("{s:s}", "title", "x"), &err),
	                 SK_ERULE);
	assert_int_equal(act(incident_investigate, &ssc, a,
	                     body("{s:s, s:s}", "investigation", "Ett mejl", "evaluation",
	                          "Snabbt hanterat"),
	                     &err),
	                 SK_OK);
	assert_int_equal(findings("incident.closed.evaluation", "incident", a), 0);
	o = get_incident(&ssc, a);
	assert_string_equal(istr(o, "state"), "closed");
	assert_string_equal(istr(o, "detected_by"), "Kalle");
	assert_int_equal(
	        json_array_size(json_object_get(json_object_get(o, "incident"), "measures")), 1);
	assert_int_equal(json_array_size(json_object_get(o, "history")), 5);
	json_decref(o);
}

/* ---- a lost storage medium opens its incident ---- */

static void test_lost_case(void **state)
{
	struct records_person per = {"Bo Bärare", "", 0};
	struct records_medium med = {0};
	struct records_medium_end end = {0};
	struct model_err err = {0};
	int64_t pid = 0, mid = 0, lc = 0, id = 0, id2 = 0;
	json_t *b, *o, *l;

	(void)state;
	assert_int_equal(records_person_create(g_fx.model, &reg, &per, &pid, &err), SK_OK);
	med.identifier = "USB-77";
	med.type = "usb";
	med.class = CLEAR_K;
	med.holder_id = pid;
	assert_int_equal(records_medium_create(g_fx.model, &reg, &med, &mid, &err), SK_OK);
	end.method = "reported missing";
	end.note = "Saknas efter resa";
	assert_int_equal(records_medium_end(g_fx.model, &reg, mid, "lost", &end, &lc, &err), SK_OK);
	assert_true(lc > 0);
	b = body("{s:s, s:s, s:I}", "title", "Saknat USB-minne", "occurred_on", "2026-01-01",
	         "lost_case_id", (json_int_t)lc);
	assert_int_equal(incident_create(g_fx.model, &reg, b, &id, &err), SK_OK);
	assert_int_equal(incident_create(g_fx.model, &ssc, b, &id2, &err), SK_EEXIST);
	assert_string_equal(err.field, "lost_case_id");
	json_decref(b);
	o = get_incident(&ssc, id);
	assert_int_equal(
	        json_integer_value(json_object_get(json_object_get(o, "incident"), "lost_case_id")),
	        lc);
	l = json_array_get(json_object_get(json_object_get(o, "incident"), "links"), 0);
	assert_string_equal(json_string_value(json_object_get(l, "type")), "medium");
	assert_int_equal(json_integer_value(json_object_get(l, "id")), mid);
	assert_string_equal(json_string_value(json_object_get(l, "label")), "USB-77");
	json_decref(o);
}

/* ---- the action plan ---- */

static json_t *dev(int64_t id)
{
	json_t *o = deviation_get(g_fx.model, &ssc, id);

	assert_non_null(o);
	return o;
}

static const char *dstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(json_object_get(o, "deviation"), key));
}

/* As the API does: the finding (source finding) looked up as p sees it, then the model. */
static int dev_create(const struct principal *p, const json_t *b, int64_t *id,
                      struct model_err *err)
{
	const char *src = json_string_value(json_object_get(b, "source"));
	json_t *fnd = NULL;
	int rc;

	if (src && strcmp(src, "finding") == 0)
		fnd = rules_finding(g_fx.model, json_string_value(json_object_get(b, "finding")),
		                    json_string_value(json_object_get(b, "finding_object")), p);
	rc = deviation_create(g_fx.model, p, b, fnd, id, err);
	json_decref(fnd);
	return rc;
}

static void test_deviation_from_finding(void **state)
{
	struct model_err err = {0};
	char object[32];
	unsigned resolved = 0;
	int64_t a, d = 0, d2 = 0;
	json_t *b, *o;

	(void)state;
	a = new_incident(&staff, "Glömd nyckel", false, 0);
	assert_int_equal(act(incident_close, &ssc, a, body("{}"), &err), SK_OK);
	snprintf(object, sizeof(object), "incident/%lld", (long long)a);
	/* no such finding: refused */
	b = body("{s:s, s:s, s:s}", "source", "finding", "finding", "incident.report.missing",
	         "finding_object", object);
	assert_int_equal(dev_create(&ssc, b, &d, &err), SK_EINVAL);
	assert_string_equal(err.field, "finding");
	json_decref(b);
	/* from the finding: its message and paragraph are copied */
	b = body("{s:s, s:s, s:s, s:s}", "source", "finding", "finding",
	         "incident.closed.evaluation", "finding_object", object, "responsible",
	         "Säkerhetsskyddschef");
	assert_int_equal(dev_create(&ssc, b, &d, &err), SK_OK);
	assert_int_equal(dev_create(&chief, b, &d2, &err), SK_EEXIST);
	assert_int_equal(dev_create(&staff, b, &d2, &err), SK_EPERM);
	json_decref(b);
	o = dev(d);
	assert_string_equal(dstr(o, "reference"), "2 kap. 17 §");
	assert_non_null(strstr(dstr(o, "title"), "utan utredning"));
	assert_string_equal(dstr(o, "status"), "open");
	json_decref(o);
	/* the finding is still there: nothing to resolve */
	assert_int_equal(rules_sync_deviations(g_fx.model, &resolved), SK_OK);
	assert_int_equal(resolved, 0);
	assert_int_equal(deviation_set_status(g_fx.model, &ssc, d, "in_progress", NULL, &err),
	                 SK_OK);
	/* the finding disappears: the measure is marked done by the rule */
	assert_int_equal(act(incident_investigate, &ssc, a,
	                     body("{s:s, s:s}", "investigation", "u", "evaluation", "e"), &err),
	                 SK_OK);
	assert_int_equal(rules_sync_deviations(g_fx.model, &resolved), SK_OK);
	assert_int_equal(resolved, 1);
	o = dev(d);
	assert_string_equal(dstr(o, "status"), "done");
	assert_string_equal(dstr(o, "resolved_by"), "rule");
	assert_int_equal(json_array_size(json_object_get(o, "history")), 3);
	json_decref(o);
	assert_int_equal(rules_sync_deviations(g_fx.model, &resolved), SK_OK);
	assert_int_equal(resolved, 0);
	/* done is final */
	assert_int_equal(deviation_set_status(g_fx.model, &ssc, d, "open", NULL, &err), SK_ERULE);
}

static void test_deviation_rules_and_lessons(void **state)
{
	struct model_err err = {0};
	char yday[11], tomorrow[11];
	int64_t a, d1 = 0, d2 = 0, d3 = 0, l = 0;
	json_t *b, *o;

	(void)state;
	day(yday, -1);
	day(tomorrow, 1);
	/* without a responsible function: fires; with one: does not */
	b = body("{s:s, s:s, s:s}", "source", "control", "title", "Kodlås byts inte", "reference",
	         "Kontroll 2026-1");
	assert_int_equal(dev_create(&ssc, b, &d1, &err), SK_OK);
	json_decref(b);
	assert_int_equal(findings("deviation.responsible", "deviation", d1), 1);
	assert_int_equal(
	        deviation_update(g_fx.model, &ssc, d1,
	                         b = body("{s:s, s:s}", "responsible", "Fastighet", "due_on", yday),
	                         &err),
	        SK_OK);
	json_decref(b);
	assert_int_equal(findings("deviation.responsible", "deviation", d1), 0);
	/* past its due date: fires; due tomorrow: does not */
	assert_int_equal(findings("deviation.overdue", "deviation", d1), 1);
	b = body("{s:s, s:s, s:s, s:s}", "source", "audit", "title", "Rutin saknas", "responsible",
	         "SSC", "due_on", tomorrow);
	assert_int_equal(dev_create(&chief, b, &d2, &err), SK_OK);
	json_decref(b);
	assert_int_equal(findings("deviation.overdue", "deviation", d2), 0);
	assert_true(in_deadlines("deviation", "deviation", d2)); /* Kommande: due tomorrow */
	assert_false(in_deadlines("deviation", "deviation", d1));
	/* written off with a reason: the rules no longer look at it */
	assert_int_equal(deviation_set_status(g_fx.model, &ssc, d1, "written_off", NULL, &err),
	                 SK_EINVAL);
	assert_string_equal(err.field, "reason");
	assert_int_equal(
	        deviation_set_status(g_fx.model, &ssc, d1, "written_off", "Lås byts ut", &err),
	        SK_OK);
	assert_int_equal(findings("deviation.overdue", "deviation", d1), 0);
	assert_int_equal(
	        deviation_update(g_fx.model, &ssc, d1, b = body("{s:s}", "title", "x"), &err),
	        SK_ERULE);
	json_decref(b);
	/* a lesson of an incident becomes a deviation that names it */
	a = new_incident(&staff, "Besökare utan bricka", false, 0);
	b = body("{s:s, s:s}", "title", "Inför besökslogg", "responsible", "Reception");
	assert_int_equal(incident_lesson(g_fx.model, &ssc, a, b, &l, &err), SK_OK);
	assert_int_equal(incident_lesson(g_fx.model, &staff, a, b, &d3, &err), SK_EPERM);
	assert_int_equal(incident_lesson(g_fx.model, &ssc, 9999, b, &d3, &err), SK_ENOTFOUND);
	json_decref(b);
	o = dev(l);
	assert_string_equal(dstr(o, "source"), "incident");
	assert_int_equal(
	        json_integer_value(json_object_get(json_object_get(o, "deviation"), "incident_id")),
	        a);
	json_decref(o);
	o = get_incident(&ssc, a);
	assert_int_equal(
	        json_array_size(json_object_get(json_object_get(o, "incident"), "deviations")), 1);
	json_decref(o);
	o = deviation_list(g_fx.model, &ssc, NULL, true);
	assert_true(json_array_size(json_object_get(o, "deviations")) >= 2);
	json_decref(o);
}

/* ---- bad input: refused, naming the field, nothing written ---- */

static void test_bad_input(void **state)
{
	static const struct {
		const char *json, *field;
	} inc_bad[] = {
	        {"{}", "title"},
	        {"{\"title\": \"\", \"occurred_on\": \"2026-01-01\"}", "title"},
	        {"{\"title\": 5, \"occurred_on\": \"2026-01-01\"}", "title"},
	        {"{\"title\": \"a\\u0001b\", \"occurred_on\": \"2026-01-01\"}", "title"},
	        {"{\"title\": \"t\"}", "occurred_on"},
	        {"{\"title\": \"t\", \"occurred_on\": \"2026-02-30\"}", "occurred_on"},
	        {"{\"title\": \"t\", \"occurred_on\": \"2999-01-01\"}", "occurred_on"},
	        {"{\"title\": \"t\", \"occurred_on\": \"2026-01-02\", \"detected_on\": "
	         "\"2026-01-01\"}",
	         "detected_on"},
	        {"{\"title\": \"t\", \"occurred_on\": \"2026-01-01\", \"reportable\": 1}",
	         "reportable"},
	        {"{\"title\": \"t\", \"occurred_on\": \"2026-01-01\", \"detected_person_id\": 99}",
	         "detected_person_id"},
	        {"{\"title\": \"t\", \"occurred_on\": \"2026-01-01\", \"copy_ids\": [99]}",
	         "copy_ids"},
	        {"{\"title\": \"t\", \"occurred_on\": \"2026-01-01\", \"medium_ids\": [1, 1]}",
	         "medium_ids"},
	        {"{\"title\": \"t\", \"occurred_on\": \"2026-01-01\", \"system_ids\": [0]}",
	         "system_ids"},
	        {"{\"title\": \"t\", \"occurred_on\": \"2026-01-01\", \"system_ids\": 3}",
	         "system_ids"},
	        {"{\"title\": \"t\", \"occurred_on\": \"2026-01-01\", \"lost_case_id\": 77}",
	         "lost_case_id"},
	};
	static const struct {
		const char *json, *field;
	} dev_bad[] = {
	        {"{}", "source"},
	        {"{\"source\": \"gossip\", \"title\": \"t\"}", "source"},
	        {"{\"source\": \"control\"}", "title"},
	        {"{\"source\": \"control\", \"title\": \"t\", \"due_on\": \"2026-13-01\"}",
	         "due_on"},
	        {"{\"source\": \"control\", \"title\": \"t\", \"finding\": \"x\"}", "finding"},
	        {"{\"source\": \"finding\", \"title\": \"t\"}", "finding"},
	        {"{\"source\": \"finding\", \"title\": \"t\", \"finding\": \"x\", "
	         "\"finding_object\": \"bad\"}",
	         "finding_object"},
	        {"{\"source\": \"other\", \"title\": \"t\", \"incident_id\": 9999}", "incident_id"},
	        {"{\"source\": \"other\", \"title\": \"t\", \"responsible\": 3}", "responsible"},
	};
	struct model_err err;
	uint64_t before = regfx_ledger_size(&g_fx);
	int64_t id, a;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(inc_bad) / sizeof(inc_bad[0]); i++) {
		json_t *b = json_loads(inc_bad[i].json, 0, NULL);

		assert_non_null(b);
		memset(&err, 0, sizeof(err));
		if (incident_create(g_fx.model, &ssc, b, &id, &err) == SK_OK)
			fail_msg("accepted %s", inc_bad[i].json);
		if (strcmp(err.field, inc_bad[i].field) != 0)
			fail_msg("%s: field '%s' (%s), expected %s", inc_bad[i].json, err.field,
			         err.msg, inc_bad[i].field);
		json_decref(b);
	}
	for (i = 0; i < sizeof(dev_bad) / sizeof(dev_bad[0]); i++) {
		json_t *b = json_loads(dev_bad[i].json, 0, NULL);

		assert_non_null(b);
		memset(&err, 0, sizeof(err));
		if (dev_create(&ssc, b, &id, &err) == SK_OK)
			fail_msg("accepted %s", dev_bad[i].json);
		if (strcmp(err.field, dev_bad[i].field) != 0)
			fail_msg("%s: field '%s' (%s), expected %s", dev_bad[i].json, err.field,
			         err.msg, dev_bad[i].field);
		json_decref(b);
	}
	/* the handling actions */
	a = 1;
	assert_int_equal(act(incident_report, &ssc, a, body("{s:s}", "report_ref", "x"), &err),
	                 SK_EINVAL);
	assert_string_equal(err.field, "report_date");
	assert_int_equal(
	        act(incident_report, &ssc, a, body("{s:s}", "report_date", "2026-01-01"), &err),
	        SK_EINVAL);
	assert_string_equal(err.field, "report_ref");
	assert_int_equal(act(incident_report, &ssc, a,
	                     body("{s:s, s:s}", "report_date", "1999-01-01", "report_ref", "x"),
	                     &err),
	                 SK_EINVAL);
	assert_string_equal(err.field, "report_date");
	assert_int_equal(act(incident_assessment, &ssc, a,
	                     body("{s:s, s:s}", "action", "begin", "date", "2026-01-01"), &err),
	                 SK_EINVAL);
	assert_string_equal(err.field, "action");
	assert_int_equal(
	        act(incident_measure_add, &ssc, a, body("{s:s}", "taken_on", "2026-01-01"), &err),
	        SK_EINVAL);
	assert_string_equal(err.field, "text");
	assert_int_equal(
	        act(incident_investigate, &ssc, a, body("{s:s}", "investigation", "x"), &err),
	        SK_EINVAL);
	assert_string_equal(err.field, "evaluation");
	assert_int_equal(act(incident_close, &ssc, 9999, body("{}"), &err), SK_ENOTFOUND);
	assert_int_equal(
	        act(incident_update, &ssc, a, body("{s:s}", "detected_on", "2999-01-01"), &err),
	        SK_EINVAL);
	assert_string_equal(err.field, "detected_on");
	assert_int_equal(act(incident_update, &ssc, a, body("{s:[i]}", "system_ids", 5), &err),
	                 SK_EINVAL);
	assert_string_equal(err.field, "system_ids");
	{
		json_t *b = body("{s:s}", "due_on", "2026-02-30");

		memset(&err, 0, sizeof(err));
		assert_int_equal(deviation_update(g_fx.model, &ssc, 3, b, &err), SK_EINVAL);
		assert_string_equal(err.field, "due_on");
		json_decref(b);
		b = body("{s:s}", "title", "x");
		assert_int_equal(deviation_update(g_fx.model, &aud, 3, b, &err), SK_EPERM);
		assert_int_equal(deviation_update(g_fx.model, &ssc, 9999, b, &err), SK_ENOTFOUND);
		json_decref(b);
	}
	assert_int_equal(deviation_set_status(g_fx.model, &ssc, 3, "finished", NULL, &err),
	                 SK_EINVAL);
	assert_string_equal(err.field, "status");
	assert_int_equal(deviation_set_status(g_fx.model, &ssc, 9999, "open", NULL, &err),
	                 SK_ENOTFOUND);
	/* a lost case is opened by the ssc, the head or the registrar only */
	{
		json_t *b = body("{s:s, s:s, s:I}", "title", "t", "occurred_on", "2026-01-01",
		                 "lost_case_id", (json_int_t)1);

		memset(&err, 0, sizeof(err));
		assert_int_equal(incident_create(g_fx.model, &staff, b, &id, &err), SK_EPERM);
		json_decref(b);
	}
	assert_int_equal(regfx_ledger_size(&g_fx), before);
}

/* ---- replay ---- */

/* ---- 2 kap. 18 §: reportability is an answer, not a default ---- */

static void test_reportability(void **state)
{
	struct model_err err = {0};
	char ago[11], today[11];
	int64_t a = 0;
	json_t *b, *o;

	(void)state;
	day(ago, -2);
	day(today, 0);
	/* left out: not assessed (null), not "no" */
	b = body("{s:s, s:s, s:s}", "title", "Exemplar saknas", "occurred_on", ago, "detected_on",
	         ago);
	assert_int_equal(incident_create(g_fx.model, &ssc, b, &a, &err), SK_OK);
	json_decref(b);
	o = get_incident(&ssc, a);
	assert_true(json_is_null(json_object_get(json_object_get(o, "incident"), "reportable")));
	json_decref(o);
	/* detected two days ago and still unanswered: a finding */
	assert_int_equal(findings("incident.reportable.unanswered", "incident", a), 1);
	/* bad input: not a yes or no; an answer cannot be withdrawn; no closing unanswered */
	assert_int_equal(act(incident_update, &ssc, a, body("{s:s}", "reportable", "kanske"), &err),
	                 SK_EINVAL);
	assert_string_equal(err.field, "reportable");
	assert_int_equal(act(incident_close, &ssc, a, body("{}"), &err), SK_ERULE);
	assert_string_equal(err.field, "reportable");
	/* answered: the finding goes; changed: still an answer; withdrawn: refused */
	assert_int_equal(act(incident_update, &ssc, a, body("{s:b}", "reportable", 0), &err),
	                 SK_OK);
	assert_int_equal(findings("incident.reportable.unanswered", "incident", a), 0);
	o = get_incident(&ssc, a);
	assert_true(json_is_false(json_object_get(json_object_get(o, "incident"), "reportable")));
	json_decref(o);
	assert_int_equal(act(incident_update, &ssc, a, body("{s:n}", "reportable"), &err),
	                 SK_EINVAL);
	assert_string_equal(err.field, "reportable");
	assert_int_equal(act(incident_update, &ssc, a, body("{s:b}", "reportable", 1), &err),
	                 SK_OK);
	assert_int_equal(findings("incident.report.missing", "incident", a), 1);
	/* detected today: not yet a finding (the answer is due the day after) */
	b = body("{s:s, s:s, s:n}", "title", "Ny", "occurred_on", today, "reportable");
	assert_int_equal(incident_create(g_fx.model, &ssc, b, &a, &err), SK_OK);
	json_decref(b);
	assert_int_equal(findings("incident.reportable.unanswered", "incident", a), 0);
	/* ... but due tomorrow, in Kommande */
	{
		json_t *dl = rules_deadlines(model_reader(g_fx.model), today, 30, 0, NULL), *v;
		size_t i, n = 0;

		json_array_foreach(dl, i, v)
		{
			n += json_integer_value(
			             json_object_get(json_object_get(v, "object"), "id")) == a &&
			     strcmp(json_string_value(json_object_get(v, "rule")),
			            "incident.reportable.unanswered") == 0;
		}
		assert_int_equal(n, 1);
		json_decref(dl);
	}
	assert_int_equal(act(incident_update, &ssc, a, body("{s:b}", "reportable", 0), &err),
	                 SK_OK);
}

static void test_replay(void **state)
{
	struct store_verify_opts o = {.replay = true};
	struct store_verify_result res;

	(void)state;
	model_close(g_fx.model);
	store_close(g_fx.store);
	g_fx.model = NULL;
	g_fx.store = NULL;
	memset(&res, 0, sizeof(res));
	if (store_verify(g_fx.dir, &o, &res) != SK_OK)
		fail_msg("verify --replay: %s", res.problem);
	assert_int_equal(store_open(g_fx.dir, NULL, &g_fx.store), SK_OK);
	assert_int_equal(model_open(g_fx.store, g_fx.dir, NULL, &g_fx.model), SK_OK);
}

/* Every rule of this slice: a fixture triggers it, a clean one does not (above, per rule). */
static void test_rules_fixtures(void **state)
{
	static const char *const mine[] = {"deviation.responsible", "deviation.overdue",
	                                   "incident.closed.evaluation", "incident.report.missing",
	                                   "incident.assessment.late"};

	(void)state;
	for (size_t i = 0; i < sizeof(mine) / sizeof(mine[0]); i++) {
		const struct rule *r = rules_find(mine[i]);

		assert_non_null(r);
		assert_int_equal(r->chapter, 2);
		assert_non_null(strstr(r->tests, "test_incidents.c"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_report_and_visibility),
	        cmocka_unit_test(test_document_title_kept),
	        cmocka_unit_test(test_assessment_order),
	        cmocka_unit_test(test_deadlines_fake_clock),
	        cmocka_unit_test(test_handling_and_close),
	        cmocka_unit_test(test_lost_case),
	        cmocka_unit_test(test_deviation_from_finding),
	        cmocka_unit_test(test_deviation_rules_and_lessons),
	        cmocka_unit_test(test_bad_input),
	        cmocka_unit_test(test_rules_fixtures),
	        cmocka_unit_test(test_reportability),
	        cmocka_unit_test(test_replay),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
