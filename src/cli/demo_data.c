/*
 * The demo instance's sample register: persons, approved spaces, a system, a
 * distributor, storage media, documents with copies (one receipt waiting
 * for Eva to sign at her first login, one signed on paper, one shipment),
 * and the national action plan 2019–2022 when the shared seed is at hand.
 * Everything goes through the registers' own commands, as the people named
 * in the demo logins: the ledger reads like a real one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/demo.h"
#include "cli/demo_exit.h"
#include "cli/demo_positions.h"
#include "cli/demo_seclog.h"
#include "cli/demo_vetting.h"
#include "model/analysis.h"
#include "model/document.h"
#include "model/plan.h"
#include "model/records.h"
#include "model/register.h"

struct demo_ctx {
	struct model *m;
	struct model_err err;
	int rc;
	struct principal ssc, chief, registrar, reception, personnel;
};

static bool step(struct demo_ctx *d, int rc, const char *what);

/* Runs cmd of register reg on record *id (or creates one into *id) as p, with in (stolen). */
static void cmd(struct demo_ctx *d, const struct principal *p, const char *reg, const char *name,
                json_t *in, int64_t *id, const char *what)
{
	step(d, reg_run(d->m, p, reg, name, in, id, &d->err), what);
	json_decref(in);
}

static struct principal demo_principal(int64_t id, enum role r, enum clearance c)
{
	struct principal p;

	memset(&p, 0, sizeof(p));
	p.id = id;
	p.roles = ROLE_BIT(r);
	p.clearance = c;
	return p;
}

/* Remembers the first failure; every step after it is skipped. */
static bool step(struct demo_ctx *d, int rc, const char *what)
{
	if (d->rc)
		return false;
	if (rc) {
		d->rc = rc;
		fprintf(stderr, "skydd: demo: %s: %s\n", what,
		        d->err.msg[0] ? d->err.msg : sk_strerror(rc));
		return false;
	}
	return true;
}

/*
 * A person of the register. A login given a clearance has its person already
 * (the decision is on the person, reg_clearances.c): it gets its name and unit.
 */
static int64_t person(struct demo_ctx *d, const char *name, const char *unit, int64_t identity)
{
	json_t *in = json_pack("{s:s, s:s}", "name", name, "unit", unit);
	int64_t id = identity ? records_person_of_identity(model_reader(d->m), identity) : 0;

	if (id > 0) {
		step(d, reg_run(d->m, &d->registrar, "persons", "update", in, &id, &d->err), name);
		json_decref(in);
		return id;
	}
	if (identity)
		json_object_set_new(in, "identity_id", json_integer(identity));
	step(d, reg_run(d->m, &d->registrar, "persons", "add", in, &id, &d->err), name);
	json_decref(in);
	return id;
}

/* The ssc's decision that person may access up to cls (6 kap.; a login's comes with it). */
static void clear(struct demo_ctx *d, int64_t person, const char *cls, const char *ref)
{
	int64_t id = 0;

	cmd(d, &d->ssc, "clearances", "decide",
	    json_pack("{s:I, s:s, s:s}", "person_id", (json_int_t)person, "class", cls,
	              "decision_ref", ref),
	    &id, "clearance");
}

static int64_t space(struct demo_ctx *d, const char *kind, const char *name, const char *where,
                     enum clearance max, const char *ref)
{
	json_t *in = json_pack("{s:s, s:s, s:s, s:s, s:s}", "kind", kind, "name", name, "location",
	                       where, "max_class", clearance_name(max), "decision_ref", ref);
	int64_t id = 0;

	step(d,
	     reg_run(d->m, max == CLEAR_KH ? &d->chief : &d->ssc, "spaces", "add", in, &id,
	             &d->err),
	     name);
	json_decref(in);
	return id;
}

static int64_t document(struct demo_ctx *d, const struct principal *by, struct document_new *n)
{
	int64_t id = 0;

	step(d, document_create(d->m, by, n, &id, &d->err), n->title);
	return id;
}

static int64_t copies(struct demo_ctx *d, const struct principal *by, int64_t doc, int64_t space_id,
                      int count)
{
	struct copy_new c = {0};
	int64_t first = 0;

	c.space_id = space_id;
	step(d, copy_create(d->m, by, doc, &c, count, &first, &d->err), "copies");
	return first;
}

static void act(struct demo_ctx *d, int64_t copy, struct copy_action *a, const char *what)
{
	step(d, copy_act(d->m, &d->registrar, copy, a, &d->err), what);
}

/* An area (5 kap. 2 §) with its decided identity check (4 §), by the ssc. */
static int64_t area(struct demo_ctx *d, const char *name, const char *kind, int64_t parent,
                    const char *cls, const char *method, const char *decision)
{
	json_t *in = json_pack("{s:s, s:s, s:s}", "name", name, "kind", kind, "max_class", cls);
	json_t *dec =
	        json_pack("{s:s, s:s}", "check_method", method, "check_decision_ref", decision);
	int64_t id = 0;

	if (parent)
		json_object_set_new(in, "parent_id", json_integer(parent));
	if (step(d, reg_run(d->m, &d->ssc, "areas", "add", in, &id, &d->err), name))
		step(d, reg_run(d->m, &d->ssc, "areas", "decide", dec, &id, &d->err), name);
	json_decref(in);
	json_decref(dec);
	return id;
}

/*
 * Keys, codes and cards (5 kap. 5–6 §§): a key cabinet, the main entrance's
 * key with its spare in the cabinet (one copy with Bertil, whose receipt
 * waits for him, one signed for on paper by Fredrik), the server room's
 * code, and two cards, one still held by someone who has left (a finding:
 * return it).
 */
static void keys(struct demo_ctx *d, int64_t hq, int64_t servers, int64_t p_bertil,
                 int64_t p_fredrik, int64_t p_greta)
{
	int64_t cabinet = 0, key = 0, code = 0, card = 0, lars;

	cmd(d, &d->ssc, "spaces", "add",
	    json_pack("{s:s, s:s, s:s, s:s, s:s}", "kind", "container", "name",
	              "Nyckelskåp, vaktmästeriet", "location", "Plan 1, rum 104", "max_class", "H",
	              "decision_ref", "Beslut SSC 2026:30"),
	    &cabinet, "key cabinet");
	cmd(d, &d->registrar, "keys", "add",
	    json_pack("{s:s, s:s, s:s, s:i, s:I, s:s, s:[I]}", "kind", "key", "number", "N-101",
	              "description", "Huvudentrén", "copies", 3, "spare_space_id",
	              (json_int_t)cabinet, "spare_note", "Krok 1", "area_ids", (json_int_t)hq),
	    &key, "key N-101");
	cmd(d, &d->registrar, "keys", "issue",
	    json_pack("{s:I}", "person_id", (json_int_t)p_bertil), &key, "key to Bertil");
	cmd(d, &d->registrar, "keys", "issue",
	    json_pack("{s:I, s:s}", "person_id", (json_int_t)p_fredrik, "paper_ref",
	              "Nyckelkvittens 2026:12"),
	    &key, "key to Fredrik");
	cmd(d, &d->registrar, "keys", "add",
	    json_pack("{s:s, s:s, s:s, s:I, s:s, s:[I]}", "kind", "code", "number",
	              "KOD-Serverhallen", "description", "Kodlås, serverhallen", "spare_space_id",
	              (json_int_t)cabinet, "spare_note", "Förseglat kuvert 3", "area_ids",
	              (json_int_t)servers),
	    &code, "code");
	cmd(d, &d->registrar, "keys", "issue",
	    json_pack("{s:I, s:s}", "person_id", (json_int_t)p_greta, "paper_ref",
	              "Kodkvittens 2026:4"),
	    &code, "code to Greta");
	lars = person(d, "Lars Lundgren", "Vaktmästeriet", 0);
	cmd(d, &d->registrar, "keys", "add",
	    json_pack("{s:s, s:s, s:s, s:[I]}", "kind", "card", "number", "K-2041", "description",
	              "Passerkort", "area_ids", (json_int_t)hq),
	    &card, "card");
	cmd(d, &d->registrar, "keys", "issue",
	    json_pack("{s:I, s:s}", "person_id", (json_int_t)lars, "paper_ref",
	              "Kortkvittens 2026:7"),
	    &card, "card to Lars");
	cmd(d, &d->registrar, "persons", "end", json_object(), &lars, "Lars leaves");
	cmd(d, &d->ssc, "exit-talks", "record",
	    json_pack("{s:I, s:s, s:b}", "person_id", (json_int_t)lars, "outcome", "held",
	              "reminded", 1),
	    &(int64_t){0}, "exit talk with Lars");
	card = 0;
	cmd(d, &d->registrar, "keys", "add",
	    json_pack("{s:s, s:s, s:s, s:[I]}", "kind", "card", "number", "K-2042", "description",
	              "Passerkort", "area_ids", (json_int_t)hq),
	    &card, "card 2");
	cmd(d, &d->registrar, "keys", "issue",
	    json_pack("{s:I, s:s}", "person_id", (json_int_t)p_fredrik, "paper_ref",
	              "Kortkvittens 2026:8"),
	    &card, "card to Fredrik");
}

/*
 * Physical security (5 kap.): a building with its zones and how entry is
 * checked, two access authorisations (one without a last day: a finding),
 * and two visits at the reception — one with a permit, checked in and out,
 * one let in without a permit, with the reason (a finding).
 */
static void physical(struct demo_ctx *d, int64_t host, int64_t p_fredrik, int64_t p_greta)
{
	char today[11], until[16];
	int64_t hq, servers, id = 0, v1 = 0, v2 = 0;

	model_today(today);
	/* the end of next year: the year's digits plus one */
	snprintf(until, sizeof(until), "%.4d-12-31", (int)(strtol(today, NULL, 10) % 10000) + 1);
	hq = area(d, "Huvudkontoret", "building", 0, "H",
	          "Passerkort med personlig kod vid entrén. Besökare legitimeras i receptionen och "
	          "hämtas där av sin värd.",
	          "Beslut SSC 2026:11");
	area(d, "Registraturen och arkivet", "zone", hq, "KH",
	     "Passerkort och kod; arkivet öppnas bara med två behöriga närvarande.",
	     "Beslut SSC 2026:12");
	servers = area(d, "Serverhallen", "zone", hq, "H",
	               "Passerkort och kod; besökare endast med eskort och antecknade i "
	               "besöksliggaren.",
	               "Beslut SSC 2026:13");
	cmd(d, &d->ssc, "access", "grant",
	    json_pack("{s:I, s:I, s:s, s:s, s:s}", "person_id", (json_int_t)p_fredrik, "area_id",
	              (json_int_t)hq, "decision_ref", "Beslut SSC 2026:20", "valid_until", until,
	              "reason", "Tjänstgör i ledningsstaben"),
	    &id, "access Fredrik");
	cmd(d, &d->ssc, "access", "grant",
	    json_pack("{s:I, s:I, s:s, s:s}", "person_id", (json_int_t)p_greta, "area_id",
	              (json_int_t)servers, "decision_ref", "Beslut SSC 2026:21", "reason",
	              "Drift av analysservrarna"),
	    &id, "access Greta");
	keys(d, hq, servers, host, p_fredrik, p_greta);
	cmd(d, &d->reception, "visits", "add",
	    json_pack("{s:s, s:s, s:s, s:s, s:I, s:[I], s:b}", "visitor", "Vera Besök",
	              "organisation", "Leverantören AB", "purpose", "Service av kylaggregat",
	              "valid_until", today, "host_id", (json_int_t)host, "area_ids",
	              (json_int_t)servers, "escort", 1),
	    &v1, "visit 1");
	cmd(d, &d->reception, "visits", "issue",
	    json_pack("{s:s, s:s}", "id_check", "Körkort", "badge", "B-17"), &v1, "permit 1");
	cmd(d, &d->reception, "visits", "checkin", json_object(), &v1, "check-in 1");
	cmd(d, &d->reception, "visits", "checkout", json_object(), &v1, "check-out 1");
	cmd(d, &d->reception, "visits", "add",
	    json_pack("{s:s, s:s, s:s}", "visitor", "Okänd tekniker", "organisation", "Hissbolaget",
	              "valid_until", today),
	    &v2, "visit 2");
	cmd(d, &d->reception, "visits", "checkin",
	    json_pack("{s:s, s:s}", "id_check", "Legitimation från Hissbolaget", "checkin_note",
	              "Akut reparation av hissen, följd av värden"),
	    &v2, "check-in 2");
}

/*
 * The security protection analysis (2 kap. 1–10 §§), written by the ssc and
 * approved by the head: the positions in security class rest on it (6 kap.
 * 2 §). Its id, or 0 after a failure.
 */
static int64_t analysis(struct demo_ctx *d)
{
	static const char body[] =
	        "{\"title\":\"Säkerhetsskyddsanalys 2026\",\"description\":\"Demomyndigheten "
	        "leder beredskapsplaneringen och tar fram lägesbilder för regeringen.\",\"parts\":"
	        "[{\"id\":1,\"name\":\"Ledning och beredskap\",\"categories\":["
	        "\"internal_security\",\"critical_activity\"]},{\"id\":2,\"name\":"
	        "\"Analysavdelningen\",\"categories\":[\"internal_security\"]}],\"assets\":["
	        "{\"id\":1,\"kind\":1,\"name\":\"Lägesrapporter och beredskapsplaner\","
	        "\"perspectives\":[\"confidentiality\",\"integrity\"],\"class\":\"H\","
	        "\"part_ids\":[1,2]},{\"id\":2,\"kind\":2,\"name\":\"Serverhallen\","
	        "\"perspectives\":[\"availability\",\"integrity\"],\"level\":\"B\","
	        "\"part_ids\":[1]}],\"sapo\":{\"reference\":\"Säkerhetspolisen, "
	        "dimensionerande antagonistisk förmåga 2026\",\"date\":\"2026-02-15\"},"
	        "\"threats\":[{\"id\":1,\"description\":\"Underrättelseinhämtning mot "
	        "lägesrapporterna\",\"asset_ids\":[1]},{\"id\":2,\"description\":\"Sabotage "
	        "mot serverhallen\",\"asset_ids\":[2]}],\"vulnerabilities\":[{\"id\":1,"
	        "\"description\":\"Insider med behörighet\",\"asset_id\":1,\"threat_ids\":"
	        "[1]},{\"id\":2,\"description\":\"Ett enda skalskydd\",\"asset_id\":2,"
	        "\"threat_ids\":[2]}],\"measures\":[{\"id\":1,\"description\":"
	        "\"Säkerhetsprövning och placering i säkerhetsklass\",\"vulnerability_ids\":[1],"
	        "\"asset_ids\":[1]},{\"id\":2,\"description\":\"Zonindelning med passerkort "
	        "och kod\",\"vulnerability_ids\":[2],\"asset_ids\":[2]}]}";
	json_error_t jerr;
	json_t *b = json_loads(body, 0, &jerr);
	int64_t id = 0;

	if (!b) {
		step(d, SK_EINVAL, "analysis");
		return 0;
	}
	if (step(d, analysis_create(d->m, &d->ssc, b, &id, &d->err), "analysis"))
		step(d, analysis_approve(d->m, &d->chief, id, &d->err), "analysis approval");
	json_decref(b);
	return d->rc ? 0 : id;
}

/*
 * Karin (role agency) becomes MSB's contact in the plan, and MSB and FRA get
 * their assignments for the open reporting year's report, due 15 February.
 */
static void agency_work(struct demo_ctx *d, int64_t plan, int64_t karin)
{
	struct store_q *q;
	char deadline[16];
	int64_t year = 0;

	if (!karin || store_reader_query(model_reader(d->m),
	                                 "SELECT report_year FROM plan WHERE id = ?1", &q))
		return;
	store_q_bind_int(q, 1, plan);
	if (store_q_step(q) == SK_OK)
		year = store_q_int(q, 0);
	store_q_done(q);
	if (year < 1000 || year > 9998)
		return;
	snprintf(deadline, sizeof(deadline), "%04d-02-15", (int)year + 1);
	step(d, plan_contact_set(d->m, &d->ssc, plan, karin, "MSB", &d->err), "MSB's contact");
	step(d, plan_assignment_set(d->m, &d->ssc, plan, "MSB", deadline, &d->err),
	     "MSB's assignment");
	step(d, plan_assignment_set(d->m, &d->ssc, plan, "FRA", deadline, &d->err),
	     "FRA's assignment");
}

int demo_register(struct model *m, const char *dir, const struct demo_ids *ids, FILE *out)
{
	struct demo_ctx d;
	int64_t p_anna, p_david, p_bertil, p_cecilia, p_eva, p_fredrik, p_greta, p_rut, p_petra;
	int64_t safe_kh, safe_h, sys, courier, doc, first;
	char today[11];

	memset(&d, 0, sizeof(d));
	d.m = m;
	d.ssc = demo_principal(ids->ssc, ROLE_SSC, CLEAR_KH);
	d.chief = demo_principal(ids->chief, ROLE_CHIEF, CLEAR_KH);
	d.registrar = demo_principal(ids->registrar, ROLE_REGISTRAR, CLEAR_H);
	d.reception = demo_principal(ids->reception, ROLE_RECEPTION, CLEAR_NONE);
	d.personnel = demo_principal(ids->personnel, ROLE_PERSONNEL, CLEAR_H);
	model_today(today);

	/* The organisation's name, printed on protocols and the register. */
	step(&d, organisation_set(m, &d.ssc, "Demomyndigheten", &d.err), "organisation");

	/* Persons: everyone with a login, and two without. */
	p_anna = person(&d, "Anna Lindqvist", "Säkerhetsenheten", ids->ssc);
	p_david = person(&d, "David Ek", "Ledningen", ids->chief);
	p_bertil = person(&d, "Bertil Sjöberg", "Registraturen", ids->registrar);
	p_cecilia = person(&d, "Cecilia Holm", "Internrevisionen", ids->auditor);
	p_eva = person(&d, "Eva Nilsson", "Analysavdelningen", ids->staff);
	p_fredrik = person(&d, "Fredrik Berg", "Ledningsstaben", 0);
	p_greta = person(&d, "Greta Alm", "Analysavdelningen", 0);
	p_rut = person(&d, "Rut Sandberg", "Receptionen", ids->reception);
	p_petra = person(&d, "Petra Holmgren", "Personalavdelningen", ids->personnel);
	/*
	 * The two without a login (6 kap.): Fredrik cleared by the ssc's decision, Greta by her
	 * vetting, which Petra (the personnel-security function) records with Eva's
	 * registerkontroll whose renewal is due.
	 */
	clear(&d, p_fredrik, "H", "Beslut SSC 2026:40");
	if (!d.rc)
		step(&d, demo_vetting(m, &d.personnel, p_greta, p_eva, out), "vetting");

	/* Eva's address for reminders (skydd serve --smtp …: counts only, no classified content).
	 */
	{
		struct model_identity_patch ep = {.clearance = -1, .email = "eva@demo.example"};

		step(&d, model_identity_update(m, &d.ssc, ids->staff, &ep, &d.err), "e-mail");
	}

	/* Approved spaces (5 kap. 8–10 §§): the KH safe is the head's decision. */
	safe_kh = space(&d, "container", "Säkerhetsskåp R1", "Registraturen, rum 312", CLEAR_KH,
	                "Beslut HC 2026:3");
	safe_h = space(&d, "container", "Säkerhetsskåp A2", "Analysavdelningen, rum 205", CLEAR_H,
	               "Beslut SSC 2026:7");
	space(&d, "conversation", "Sammanträdesrum Eken", "Plan 4", CLEAR_H, "Beslut SSC 2026:8");
	space(&d, "processing", "Registraturen", "Plan 3", CLEAR_K, "Beslut SSC 2026:9");

	/* An approved system (3 kap. 1 §) and an approved distributor (3 kap. 12 §). */
	{
		json_t *s = json_pack("{s:s, s:s, s:s}", "name", "Skyddat nät SN1", "max_class",
		                      "H", "decision_ref", "Ackreditering SSC 2026:2");
		json_t *c = json_pack("{s:s, s:s, s:s}", "name", "Säker budtjänst AB", "contact",
		                      "växel 08-123 456 00", "decision_ref", "SUA 2025:17");

		step(&d, reg_run(m, &d.ssc, "systems", "add", s, &sys, &d.err), "system");
		step(&d, reg_run(m, &d.ssc, "distributors", "add", c, &courier, &d.err),
		     "distributor");
		json_decref(s);
		json_decref(c);
	}

	/* Storage media (3 kap. 11 §). */
	{
		json_t *usb = json_pack("{s:s, s:s, s:s, s:I}", "identifier", "USB-0001", "type",
		                        "usb", "class", "K", "space_id", (json_int_t)safe_h);
		json_t *lap = json_pack("{s:s, s:s, s:s, s:b, s:I, s:I}", "identifier", "LAP-0042",
		                        "type", "laptop", "class", "H", "fixed", 1, "holder_id",
		                        (json_int_t)p_bertil, "system_id", (json_int_t)sys);
		int64_t id;

		step(&d, reg_run(m, &d.registrar, "media", "add", usb, &id, &d.err), "USB-0001");
		step(&d, reg_run(m, &d.registrar, "media", "add", lap, &id, &d.err), "LAP-0042");
		json_decref(usb);
		json_decref(lap);
	}

	/* A K report in three copies: one waits for Eva's receipt, one signed on paper. */
	{
		int64_t access[] = {p_eva, p_fredrik, p_greta};
		struct document_new n = {0};
		struct copy_action issue = {.act = COPY_ISSUE};

		n.title = "Lägesrapport beredskap, tredje kvartalet";
		n.cls = "K";
		n.form = "physical";
		n.pages = 12;
		n.case_number = "SÄK 2026/114";
		n.document_date = today;
		n.access = access;
		n.n_access = 3;
		doc = document(&d, &d.registrar, &n);
		first = copies(&d, &d.registrar, doc, safe_h, 3);
		issue.person_id = p_eva;
		act(&d, first, &issue, "issue to Eva");
		issue.person_id = p_greta;
		issue.paper_ref = "Kvittens 2026:41 (papper)";
		act(&d, first + 1, &issue, "issue to Greta");
	}

	/* An external H document, one copy shipped back to its originator. */
	{
		int64_t access[] = {p_bertil, p_fredrik};
		struct document_new n = {0};
		struct copy_action ship = {.act = COPY_SHIP};

		n.title = "Skyddsplan för anläggning Norr";
		n.cls = "H";
		n.form = "physical";
		n.pages = 40;
		n.attachments = 2;
		n.originator = "Försvarsmakten";
		n.case_number = "SÄK 2026/087";
		n.access = access;
		n.n_access = 2;
		doc = document(&d, &d.registrar, &n);
		first = copies(&d, &d.registrar, doc, safe_h, 2);
		ship.distributor_id = courier;
		ship.recipient = "Försvarsmakten, Högkvarteret";
		ship.sent_on = today;
		act(&d, first + 1, &ship, "ship");
	}

	/* A KH document with a classified title, kept in the head's safe. */
	{
		int64_t access[] = {p_david};
		struct document_new n = {0};

		n.title = "Underrättelsesammanställning 2026:4";
		n.title_classified = true;
		n.cls = "KH";
		n.form = "physical";
		n.pages = 8;
		n.access = access;
		n.n_access = 1;
		doc = document(&d, &d.ssc, &n);
		copies(&d, &d.ssc, doc, safe_kh, 1);
	}

	/* An electronic H document held in the approved system. */
	{
		int64_t access[] = {p_bertil};
		struct document_new n = {0};

		n.title = "Systemdokumentation SN1";
		n.cls = "H";
		n.form = "electronic";
		n.system_id = sys;
		n.access = access;
		n.n_access = 1;
		document(&d, &d.registrar, &n);
	}

	/* A BH memo in one copy. */
	{
		int64_t access[] = {p_eva};
		struct document_new n = {0};

		n.title = "PM om besöksrutiner";
		n.cls = "BH";
		n.form = "physical";
		n.pages = 2;
		n.access = access;
		n.n_access = 1;
		doc = document(&d, &d.registrar, &n);
		copies(&d, &d.registrar, doc, safe_h, 1);
	}

	physical(&d, p_bertil, p_fredrik, p_greta);
	/*
	 * Positions in security class on the approved analysis, Fredrik, Greta and Eva placed, the
	 * security training everyone with a login attended but Eva (a finding: access before
	 * training, 6 kap. 1 §)
	 */
	if (!d.rc) {
		struct demo_positions_in pin = {
		        .ssc = ids->ssc,
		        .chief = ids->chief,
		        .analysis = analysis(&d),
		        .placed = {p_fredrik, p_greta, p_eva},
		        .trained = {p_anna, p_david, p_bertil, p_cecilia, p_rut, p_petra},
		};

		if (!d.rc)
			step(&d, demo_positions(m, &pin, out), "positions");
	}
	/* exit talks (6 kap. 6 §): one held, one missing (a finding), a clearance running out */
	if (!d.rc)
		step(&d, demo_exit_talks(m, &d.ssc, &d.registrar, out), "exit talks");

	/* security logs (4 kap. 25–31 §§): sources, routines, readers, a day of messages */
	if (!d.rc)
		step(&d, demo_seclog(m, dir, &d.ssc, &d.chief, sys, out), "security logs");

	/* The national action plan 2019–2022 (the shared seed), when it is at hand. */
	if (!d.rc) {
		const char *shared = getenv("SKYDD_SHARED");
		char path[4200];
		int64_t plan = 0;
		int rc;

		snprintf(path, sizeof(path), "%s/data/handlingsplan-2021.json",
		         shared && *shared ? shared : "../shared");
		rc = plan_demo_import(m, path, &plan, &d.err);
		if (rc) {
			fprintf(out, "\n(The action plan seed %s was not imported: %s)\n", path,
			        d.err.msg[0] ? d.err.msg : sk_strerror(rc));
		} else {
			fprintf(out,
			        "\nThe national action plan 2019–2022 is imported (plan %lld).\n",
			        (long long)plan);
			agency_work(&d, plan, ids->agency);
		}
	}
	if (!d.rc)
		fprintf(out,
		        "The register holds 13 persons, 5 approved spaces, 2 storage media, 5 "
		        "documents,\na building with two zones, two access authorisations, two "
		        "visits, a key, a code and two cards;\nEva has a receipt to sign (Att "
		        "kvittera) after her first login, Bertil one for a key.\nPersonnel "
		        "security: an approved analysis, five positions, three placements, a "
		        "training plan,\na vetting, a registerkontroll to renew and exit talks "
		        "(Petra, the personnel-security function).\nKarin is MSB's contact in the "
		        "action plan.\nSecurity logs: two systems' sources, their monitoring "
		        "routines and a day of messages;\nthe monitor raised two alerts (Larm) on "
		        "the Översikt.\n");
	return d.rc;
}
