/*
 * Physical security, 5 kap. 2–4 §§ PMFS 2022:1: the areas register
 * (src/model/reg_areas.c: zones inside areas, no cycles, no closed parents,
 * the analysis's assets, the identity-check decision, closing), access
 * authorisations (reg_access.c: who decides, never about oneself, least
 * access through include_zones) and visitor permits (reg_visits.c: the
 * permit, check-in and check-out, the reception's role). Each refusal
 * changes nothing (run() checks the ledger's size).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "model/register.h"
#include "regfixture.h"

static struct reg_fixture g_fx;
static struct principal ssc, ssc2, chief, reg, recep, auditor, staff;
static int64_t p_ssc, p_anna, p_bo, p_gone;

static int group_setup(void **state)
{
	char today[11], until[11];
	struct model_err err = {0};

	(void)state;
	regfx_open(&g_fx, "/tmp/skydd-test-physical-XXXXXX", REGFX_READER | REGFX_CLEAR, NULL);
	model_today(today);
	model_plus_year(today, until);
	regfx_identity(g_fx.model, &chief, "chief.p", ROLE_CHIEF, CLEAR_KH, NULL, until);
	regfx_identity(g_fx.model, &ssc, "ssc.p", ROLE_SSC, CLEAR_KH, NULL, until);
	regfx_identity(g_fx.model, &ssc2, "ssc2.p", ROLE_SSC, CLEAR_KH, NULL, until);
	regfx_identity(g_fx.model, &reg, "reg.p", ROLE_REGISTRAR, CLEAR_H, NULL, until);
	regfx_identity(g_fx.model, &recep, "recep.p", ROLE_RECEPTION, CLEAR_NONE, NULL, until);
	regfx_identity(g_fx.model, &auditor, "aud.p", ROLE_AUDITOR, CLEAR_KH, NULL, until);
	regfx_identity(g_fx.model, &staff, "staff.p", ROLE_STAFF, CLEAR_H, NULL, until);
	p_ssc = regfx_person(g_fx.model, &reg, "Sara Säkerhetschef", "Ledning", ssc.id);
	p_anna = regfx_person(g_fx.model, &reg, "Anna Andersson", "Drift", 0);
	p_bo = regfx_person(g_fx.model, &reg, "Bo Berg", "Drift", 0);
	p_gone = regfx_person(g_fx.model, &reg, "Gunnar Gått", "Drift", 0);
	{
		json_t *in = json_pack("{s:s}", "ended_on", today);
		int64_t id = p_gone;

		if (reg_run(g_fx.model, &reg, "persons", "end", in, &id, &err) != SK_OK)
			fail_msg("end person: %s", err.msg);
		json_decref(in);
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	regfx_close(&g_fx);
	return 0;
}

/* Runs reg/cmd with the JSON (jansson pack) args; expects want and, on a refusal, field/reason. */
static int64_t run(const struct principal *p, const char *regname, const char *cmd, int64_t id,
                   json_t *in, int want, const char *field, const char *reason)
{
	struct model_err err = {0};
	uint64_t before = regfx_ledger_size(&g_fx);
	char *text = json_dumps(in, JSON_COMPACT);
	int rc;

	if (!in)
		fail_msg("bad test JSON");
	rc = reg_run(g_fx.model, p, regname, cmd, in, &id, &err);
	json_decref(in);
	if (rc != want)
		fail_msg("%s %s %s: want %s, got %s (%s: %s)", regname, cmd, text,
		         sk_strerror(want), sk_strerror(rc), err.field, err.msg);
	if (want != SK_OK) {
		if (field && strcmp(err.field, field) != 0)
			fail_msg("%s %s %s: want field %s, got '%s' (%s)", regname, cmd, text,
			         field, err.field, err.msg);
		if (reason && strcmp(err.reason, reason) != 0)
			fail_msg("%s %s %s: want reason %s, got '%s' (%s)", regname, cmd, text,
			         reason, err.reason, err.msg);
		if (regfx_ledger_size(&g_fx) != before)
			fail_msg("%s %s: refused, yet the ledger grew", regname, cmd);
	}
	free(text);
	return id;
}

#define J(...) json_pack(__VA_ARGS__)

/* The first column of sql's first row, ?1 bound to id: -1 for no row, -2 for NULL. */
static int64_t sql_int(const char *sql, int64_t id)
{
	struct store_q *q;
	int64_t v = -1;

	assert_int_equal(store_reader_query(g_fx.rd, sql, &q), SK_OK);
	store_q_bind_int(q, 1, id);
	if (store_q_step(q) == SK_OK)
		v = store_q_is_null(q, 0) ? -2 : store_q_int(q, 0);
	store_q_done(q);
	return v;
}

static int64_t building(const char *name, bool include_zones)
{
	return run(&ssc, "areas", "add", 0,
	           J("{s:s, s:s, s:s, s:b}", "name", name, "kind", "building", "max_class", "H",
	             "include_zones", include_zones),
	           SK_OK, NULL, NULL);
}

static int64_t zone(const char *name, int64_t parent)
{
	return run(
	        &ssc, "areas", "add", 0,
	        J("{s:s, s:s, s:I}", "name", name, "kind", "zone", "parent_id", (json_int_t)parent),
	        SK_OK, NULL, NULL);
}

/* Is the person among who may enter area id (through: by an area it lies inside)? */
static bool may_enter(int64_t area, int64_t person, bool *through)
{
	json_t *o = reg_get(g_fx.model, &ssc, reg_find("areas"), area), *x;
	bool found = false;
	size_t i;

	assert_non_null(o);
	json_array_foreach(json_object_get(o, "may_enter"), i, x)
	{
		if (json_integer_value(json_object_get(x, "person_id")) == person) {
			found = true;
			if (through)
				*through = json_is_true(json_object_get(x, "through"));
		}
	}
	json_decref(o);
	return found;
}

static void test_areas(void **state)
{
	int64_t b = building("Huset", false), z = zone("Serverhallen", b), zz, x;
	json_t *o;

	(void)state;
	/* the zone lies inside the building; the building lists it */
	assert_int_equal(sql_int("SELECT parent_id FROM area WHERE id = ?1", z), b);
	o = reg_get(g_fx.model, &ssc, reg_find("areas"), b);
	assert_non_null(o);
	assert_int_equal(json_array_size(json_object_get(o, "zone_list")), 1);
	assert_int_equal(json_integer_value(json_object_get(o, "zones")), 1);
	json_decref(o);
	/* a zone without an area around it */
	run(&ssc, "areas", "add", 0, J("{s:s, s:s}", "name", "Lös zon", "kind", "zone"), SK_EINVAL,
	    "parent_id", "area.zone_parent");
	/* a cycle: the building inside its own zone, or inside itself */
	run(&ssc, "areas", "update", b, J("{s:I}", "parent_id", (json_int_t)z), SK_EINVAL,
	    "parent_id", "area.parent_cycle");
	run(&ssc, "areas", "update", b, J("{s:I}", "parent_id", (json_int_t)b), SK_EINVAL,
	    "parent_id", "area.parent_cycle");
	zz = zone("Rack 1", z);
	run(&ssc, "areas", "update", b, J("{s:I}", "parent_id", (json_int_t)zz), SK_EINVAL,
	    "parent_id", "area.parent_cycle");
	/* a closed parent */
	x = building("Gamla huset", false);
	run(&ssc, "areas", "close", x, J("{}"), SK_OK, NULL, NULL);
	run(&ssc, "areas", "add", 0,
	    J("{s:s, s:s, s:I}", "name", "Källaren", "kind", "zone", "parent_id", (json_int_t)x),
	    SK_ERULE, "parent_id", "area.parent_closed");
	run(&ssc, "areas", "update", x, J("{s:s}", "location", "Gatan 1"), SK_EEXIST, "id",
	    "record.state");
	/* an asset the approved analysis does not have (there is none) */
	run(&ssc, "areas", "add", 0,
	    J("{s:s, s:s, s:i}", "name", "Tornet", "kind", "object", "asset_id", 7), SK_ENOTFOUND,
	    "asset_id", "area.asset_missing");
	/* 0 is no link: stored as NULL */
	x = run(&ssc, "areas", "add", 0,
	        J("{s:s, s:s, s:i}", "name", "Förrådet", "kind", "object", "asset_id", 0), SK_OK,
	        NULL, NULL);
	assert_int_equal(sql_int("SELECT asset_id FROM area WHERE id = ?1", x), -2);
	/* the reception and the registrar register no areas */
	run(&recep, "areas", "add", 0, J("{s:s, s:s}", "name", "Disken", "kind", "area"), SK_EPERM,
	    NULL, "record.forbidden");
	run(&reg, "areas", "add", 0, J("{s:s, s:s}", "name", "Disken", "kind", "area"), SK_EPERM,
	    NULL, "record.forbidden");
}

static void test_decide(void **state)
{
	int64_t b = building("Kontoret", false);
	char out[64];

	(void)state;
	/* the decision needs its method and reference */
	run(&ssc, "areas", "decide", b, J("{s:s}", "check_method", "Kort och kod"), SK_EINVAL,
	    "check_decision_ref", "field.required");
	run(&recep, "areas", "decide", b,
	    J("{s:s, s:s}", "check_method", "Kort", "check_decision_ref", "B-1"), SK_EPERM, NULL,
	    "record.forbidden");
	run(&chief, "areas", "decide", b,
	    J("{s:s, s:s}", "check_method",
	      "Passerkort och PIN-kod; besökare legitimeras i "
	      "receptionen",
	      "check_decision_ref", "Beslut 2026:4"),
	    SK_OK, NULL, NULL);
	/* who decided is the one who ran it, not an argument */
	assert_int_equal(sql_int("SELECT check_decided_by FROM area WHERE id = ?1", b), chief.id);
	regfx_sql_text(&g_fx, "SELECT check_decision_ref FROM area WHERE id = ?1", b, out,
	               sizeof(out));
	assert_string_equal(out, "Beslut 2026:4");
	run(&ssc, "areas", "decide", b,
	    J("{s:s, s:s, s:I}", "check_method", "x", "check_decision_ref", "B", "check_decided_by",
	      (json_int_t)reg.id),
	    SK_EINVAL, "check_decided_by", "field.unknown");
}

static void test_access(void **state)
{
	int64_t b = building("Lagret", false), z = zone("Lagret, bur", b), a, c;
	bool through = false;
	char today[11], tomorrow[11], yesterday[11];

	(void)state;
	model_today(today);
	regfx_today_plus(1, tomorrow);
	regfx_today_plus(-1, yesterday);
	a = run(&ssc, "access", "grant", 0,
	        J("{s:I, s:I, s:s, s:s, s:s}", "person_id", (json_int_t)p_anna, "area_id",
	          (json_int_t)b, "decision_ref", "TB-1", "valid_until", tomorrow, "reason",
	          "Driftansvar"),
	        SK_OK, NULL, NULL);
	assert_int_equal(sql_int("SELECT decided_by FROM area_access WHERE id = ?1", a), ssc.id);
	/* least access: the building does not open its zone */
	assert_true(may_enter(b, p_anna, &through));
	assert_false(through);
	assert_false(may_enter(z, p_anna, NULL));
	run(&ssc, "areas", "update", b, J("{s:b}", "include_zones", 1), SK_OK, NULL, NULL);
	assert_true(may_enter(z, p_anna, &through));
	assert_true(through);
	/* who may enter is for the readers of the authorisations only */
	{
		json_t *o = reg_get(g_fx.model, &recep, reg_find("areas"), b);

		assert_non_null(o);
		assert_null(json_object_get(o, "may_enter"));
		json_decref(o);
	}
	/* separation of duties: not for the person linked to one's own login */
	run(&ssc, "access", "grant", 0,
	    J("{s:I, s:I}", "person_id", (json_int_t)p_ssc, "area_id", (json_int_t)b), SK_EPERM,
	    "person_id", "area_access.self");
	c = run(&ssc2, "access", "grant", 0,
	        J("{s:I, s:I, s:s}", "person_id", (json_int_t)p_ssc, "area_id", (json_int_t)b,
	          "decision_ref", "TB-2"),
	        SK_OK, NULL, NULL);
	run(&ssc, "access", "change", c, J("{s:s}", "valid_until", tomorrow), SK_EPERM, "person_id",
	    "area_access.self");
	/* the person and the area active, the days in order */
	run(&ssc, "access", "grant", 0,
	    J("{s:I, s:I}", "person_id", (json_int_t)p_gone, "area_id", (json_int_t)b), SK_ERULE,
	    "person_id", "area_access.person_ended");
	run(&ssc, "access", "grant", 0,
	    J("{s:I, s:I, s:s, s:s}", "person_id", (json_int_t)p_bo, "area_id", (json_int_t)b,
	      "valid_from", today, "valid_until", yesterday),
	    SK_EINVAL, "valid_until", "area_access.until_before");
	run(&ssc, "access", "change", a, J("{s:s}", "valid_until", yesterday), SK_EINVAL,
	    "valid_until", "area_access.until_before");
	run(&ssc, "access", "grant", 0,
	    J("{s:I, s:i}", "person_id", (json_int_t)p_bo, "area_id", 9999), SK_ENOTFOUND,
	    "area_id", "record.ref_missing");
	/* who decides: the ssc or the head, not the reception or the registrar */
	run(&recep, "access", "grant", 0,
	    J("{s:I, s:I}", "person_id", (json_int_t)p_bo, "area_id", (json_int_t)b), SK_EPERM,
	    NULL, "record.forbidden");
	run(&reg, "access", "grant", 0,
	    J("{s:I, s:I}", "person_id", (json_int_t)p_bo, "area_id", (json_int_t)b), SK_EPERM,
	    NULL, "record.forbidden");
	/* a change is a new decision: by the one who changed it */
	run(&chief, "access", "change", a, J("{s:s}", "decision_ref", "TB-1b"), SK_OK, NULL, NULL);
	assert_int_equal(sql_int("SELECT decided_by FROM area_access WHERE id = ?1", a), chief.id);
	/* withdraw: with a reason; then it lets nobody in */
	run(&ssc, "access", "withdraw", a, J("{}"), SK_EINVAL, "withdraw_reason", "field.required");
	run(&ssc, "access", "withdraw", a, J("{s:s}", "withdraw_reason", "Bytt tjänst"), SK_OK,
	    NULL, NULL);
	assert_false(may_enter(b, p_anna, NULL));
	run(&ssc, "access", "withdraw", a, J("{s:s}", "withdraw_reason", "igen"), SK_EEXIST, "id",
	    "record.state");
	/* the area cannot close while an authorisation or zone is open */
	run(&ssc, "areas", "close", b, J("{}"), SK_EEXIST, "id", "area.still_open");
	run(&ssc, "access", "withdraw", c, J("{s:s}", "withdraw_reason", "Klart"), SK_OK, NULL,
	    NULL);
	run(&ssc, "areas", "close", b, J("{}"), SK_EEXIST, "id", "area.still_open");
	run(&ssc, "areas", "close", z, J("{}"), SK_OK, NULL, NULL);
	run(&ssc, "areas", "close", b, J("{}"), SK_OK, NULL, NULL);
	/* and a closed area takes no authorisation */
	run(&ssc, "access", "grant", 0,
	    J("{s:I, s:I}", "person_id", (json_int_t)p_bo, "area_id", (json_int_t)b), SK_ERULE,
	    "area_id", "area_access.area_closed");
}

static void test_visits(void **state)
{
	int64_t b = building("Huvudkontoret", false), v, w;
	char today[11], tomorrow[11], out[64];
	json_t *o;

	(void)state;
	model_today(today);
	regfx_today_plus(1, tomorrow);
	/* the reception registers the visit, then issues the permit */
	v = run(&recep, "visits", "add", 0,
	        J("{s:s, s:s, s:s, s:s, s:s}", "visitor", "Vera Besök", "organisation",
	          "Leverantören AB", "valid_from", today, "valid_until", tomorrow, "purpose",
	          "Service av larmet"),
	        SK_OK, NULL, NULL);
	run(&recep, "visits", "issue", v, J("{}"), SK_EINVAL, "host_id", "visit.host_required");
	run(&recep, "visits", "issue", v, J("{s:I}", "host_id", (json_int_t)p_gone), SK_ERULE,
	    "host_id", "visit.host_ended");
	run(&recep, "visits", "issue", v, J("{s:I}", "host_id", (json_int_t)p_anna), SK_EINVAL,
	    "area_ids", "visit.areas_required");
	run(&recep, "visits", "issue", v,
	    J("{s:I, s:[i]}", "host_id", (json_int_t)p_anna, "area_ids", 9999), SK_EINVAL,
	    "area_ids", "visit.area_missing");
	run(&recep, "visits", "issue", v,
	    J("{s:I, s:[I]}", "host_id", (json_int_t)p_anna, "area_ids", (json_int_t)b), SK_EINVAL,
	    "escort", "visit.escort_unanswered");
	run(&recep, "visits", "issue", v,
	    J("{s:I, s:[I], s:b, s:s, s:s}", "host_id", (json_int_t)p_anna, "area_ids",
	      (json_int_t)b, "escort", 1, "id_check", "Pass", "badge", "B-17"),
	    SK_OK, NULL, NULL);
	assert_int_equal(sql_int("SELECT issued_by FROM visit WHERE id = ?1", v), recep.id);
	assert_int_equal(sql_int("SELECT count(*) FROM visit_area WHERE visit_id = ?1", v), 1);
	o = reg_get(g_fx.model, &recep, reg_find("visits"), v);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "host")), "Anna Andersson");
	assert_string_equal(json_string_value(json_object_get(o, "issued_by")), "recep.p");
	assert_int_equal(json_array_size(json_object_get(o, "areas")), 1);
	json_decref(o);
	/* the area cannot close while the visit is open */
	run(&ssc, "areas", "close", b, J("{}"), SK_EEXIST, "id", "area.still_open");
	/* in and out, each by the one who ran it */
	run(&recep, "visits", "checkin", v, J("{}"), SK_OK, NULL, NULL);
	assert_int_equal(sql_int("SELECT checked_in_by FROM visit WHERE id = ?1", v), recep.id);
	run(&recep, "visits", "cancel", v, J("{s:s}", "cancel_reason", "x"), SK_EEXIST, "id",
	    "record.state");
	run(&recep, "visits", "checkout", v, J("{}"), SK_OK, NULL, NULL);
	assert_int_equal(sql_int("SELECT checked_out_by FROM visit WHERE id = ?1", v), recep.id);
	regfx_sql_text(&g_fx, "SELECT state FROM visit WHERE id = ?1", v, out, sizeof(out));
	assert_string_equal(out, "checked_out");
	/* without a permit: refused unless the reception says why; then recorded */
	w = run(&recep, "visits", "add", 0,
	        J("{s:s, s:s}", "visitor", "Oanmäld Olle", "valid_until", today), SK_OK, NULL,
	        NULL);
	run(&recep, "visits", "checkin", w, J("{}"), SK_ERULE, "checkin_note",
	    "visit.checkin_no_permit");
	run(&recep, "visits", "checkin", w,
	    J("{s:s}", "checkin_note",
	      "Akut reparation, följd av "
	      "värden"),
	    SK_OK, NULL, NULL);
	regfx_sql_text(&g_fx, "SELECT checkin_note FROM visit WHERE id = ?1", w, out, sizeof(out));
	assert_string_equal(out, "Akut reparation, följd av värden");
	/* outside the permit's days */
	w = run(&recep, "visits", "add", 0,
	        J("{s:s, s:s, s:s, s:I, s:[I], s:b}", "visitor", "Tidig Tina", "valid_from",
	          tomorrow, "valid_until", tomorrow, "host_id", (json_int_t)p_bo, "area_ids",
	          (json_int_t)b, "escort", 0),
	        SK_OK, NULL, NULL);
	run(&recep, "visits", "issue", w, J("{}"), SK_OK, NULL, NULL);
	/* an issued permit is not changed */
	run(&recep, "visits", "update", w, J("{s:s}", "badge", "B-99"), SK_EINVAL, "badge",
	    "field.unknown");
	run(&recep, "visits", "update", w, J("{s:s}", "purpose", "Annat"), SK_EEXIST, "id",
	    "record.state");
	run(&recep, "visits", "checkin", w, J("{}"), SK_ERULE, "checkin_note",
	    "visit.checkin_outside");
	run(&recep, "visits", "cancel", w, J("{s:s}", "cancel_reason", "Kom en dag för tidigt"),
	    SK_OK, NULL, NULL);
	/* no permit afterwards for a visit that has ended */
	{
		char yesterday[11];

		regfx_today_plus(-1, yesterday);
		w = run(&recep, "visits", "add", 0,
		        J("{s:s, s:s, s:s, s:I, s:[I], s:b}", "visitor", "Sen Sven", "valid_from",
		          yesterday, "valid_until", yesterday, "host_id", (json_int_t)p_bo,
		          "area_ids", (json_int_t)b, "escort", 1),
		        SK_OK, NULL, NULL);
		run(&recep, "visits", "issue", w, J("{}"), SK_ERULE, "valid_until",
		    "visit.permit_past");
		run(&recep, "visits", "cancel", w, J("{s:s}", "cancel_reason", "Kom aldrig"), SK_OK,
		    NULL, NULL);
	}
	/* the days in order */
	run(&recep, "visits", "add", 0,
	    J("{s:s, s:s, s:s}", "visitor", "X", "valid_from", tomorrow, "valid_until", today),
	    SK_EINVAL, "valid_until", "visit.until_before");
	/* the reception and the ssc only: not staff, not the registrar */
	run(&staff, "visits", "add", 0, J("{s:s, s:s}", "visitor", "X", "valid_until", today),
	    SK_EPERM, NULL, "record.forbidden");
	run(&reg, "visits", "add", 0, J("{s:s, s:s}", "visitor", "X", "valid_until", today),
	    SK_EPERM, NULL, "record.forbidden");
}

/* The findings of rule about object (type/id) now. */
static size_t findings(const char *rule, const char *type, int64_t id)
{
	char today[11];
	json_t *res, *v;
	size_t i, n = 0;

	model_today(today);
	res = rules_evaluate(g_fx.rd, today, NULL);
	assert_non_null(res);
	json_array_foreach(json_object_get(res, "findings"), i, v)
	{
		json_t *o = json_object_get(v, "object");

		if (!strcmp(json_string_value(json_object_get(v, "rule")), rule) &&
		    !strcmp(json_string_value(json_object_get(o, "type")), type) &&
		    json_integer_value(json_object_get(o, "id")) == id)
			n++;
	}
	json_decref(res);
	return n;
}

/* What the commands recorded, the rules of 5 kap. 2–4 §§ read. */
static void test_rules_read(void **state)
{
	int64_t b = building("Annexet", false), z = zone("Annexet, arkiv", b), a, v;
	char today[11];

	(void)state;
	model_today(today);
	/* no entry-check decision: the building is a finding, its zone follows it */
	assert_int_equal(findings("area.check_method", "area", b), 1);
	assert_int_equal(findings("area.check_method", "area", z), 1);
	run(&ssc, "areas", "decide", b,
	    J("{s:s, s:s}", "check_method", "Kort och kod", "check_decision_ref", "B-9"), SK_OK,
	    NULL, NULL);
	assert_int_equal(findings("area.check_method", "area", b), 0);
	assert_int_equal(findings("area.check_method", "area", z), 0);
	/* an authorisation without an end is a finding until it has one */
	a = run(&ssc, "access", "grant", 0,
	        J("{s:I, s:I, s:s}", "person_id", (json_int_t)p_bo, "area_id", (json_int_t)b,
	          "decision_ref", "TB-9"),
	        SK_OK, NULL, NULL);
	assert_int_equal(findings("access.decision", "area_access", a), 1);
	run(&ssc, "access", "change", a, J("{s:s}", "valid_until", today), SK_OK, NULL, NULL);
	assert_int_equal(findings("access.decision", "area_access", a), 0);
	/* a check-in without a permit is recorded, and flagged */
	v = run(&recep, "visits", "add", 0,
	        J("{s:s, s:s}", "visitor", "Utan Tillstånd", "valid_until", today), SK_OK, NULL,
	        NULL);
	run(&recep, "visits", "checkin", v, J("{s:s}", "checkin_note", "Hämtar en leverans"), SK_OK,
	    NULL, NULL);
	assert_int_equal(findings("visit.no_permit", "visit", v), 1);
	assert_int_equal(findings("visit.overstay", "visit", v), 0);
}

/*
 * The reception is described areas and visits, and incidents: anyone logged in
 * reports a security-threatening event (2 kap. 15 §) and reads only their own.
 */
static void test_reception(void **state)
{
	json_t *d, *x;
	size_t i;
	int seen = 0;

	(void)state;
	d = reg_describe(g_fx.model, &recep);
	json_array_foreach(d, i, x)
	{
		const char *name = json_string_value(json_object_get(x, "name"));

		if (!strcmp(name, "incidents"))
			continue;
		if (strcmp(name, "areas") && strcmp(name, "visits"))
			fail_msg("the reception is described %s", name);
		seen++;
	}
	assert_int_equal(seen, 2);
	json_decref(d);
	/* the registrar is not described the authorisations */
	d = reg_describe(g_fx.model, &reg);
	json_array_foreach(d, i, x)
	{
		if (!strcmp(json_string_value(json_object_get(x, "name")), "access") ||
		    !strcmp(json_string_value(json_object_get(x, "name")), "visits"))
			fail_msg("the registrar is described %s",
			         json_string_value(json_object_get(x, "name")));
	}
	json_decref(d);
	(void)auditor;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_areas),      cmocka_unit_test(test_decide),
	        cmocka_unit_test(test_access),     cmocka_unit_test(test_visits),
	        cmocka_unit_test(test_rules_read), cmocka_unit_test(test_reception),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
