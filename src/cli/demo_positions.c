/*
 * The demo's positions, placements and training (6 kap. 1–3, 11 §§), made
 * through the registers' own commands as the demo's ssc and head.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/demo_positions.h"
#include "model/register.h"

static struct principal as(int64_t id, enum role r)
{
	struct principal p;

	memset(&p, 0, sizeof(p));
	p.id = id;
	p.roles = ROLE_BIT(r);
	p.clearance = CLEAR_KH;
	return p;
}

/* Runs reg/cmd as p with in (taken); *id the record. Remembers the first failure in *rc. */
static void run(struct model *m, const struct principal *p, const char *reg, const char *cmd,
                json_t *in, int64_t *id, int *rc, const char *what)
{
	struct model_err err;
	int64_t dummy = 0;

	memset(&err, 0, sizeof(err));
	if (!*rc && in) {
		*rc = reg_run(m, p, reg, cmd, in, id ? id : &dummy, &err);
		if (*rc)
			fprintf(stderr, "skydd: demo: %s: %s\n", what,
			        err.msg[0] ? err.msg : sk_strerror(*rc));
	}
	json_decref(in);
}

int demo_positions(struct model *m, const struct demo_positions_in *in, FILE *out)
{
	static const struct {
		const char *name, *unit, *cls, *info, *activity, *assets, *ref;
	} pos[] = {
	        {"Chef för ledningscentralen", "Ledningsstaben", "sk1", "KH",
	         "Ledning av myndighetens beredskap och krisledning",
	         "Ledningscentralen, KH-uppgifter om beredskapsplaner", "Beslut HC 2026:11"},
	        {"Driftansvarig skyddat nät", "IT-enheten", "sk2", "H",
	         "Drift och administration av Skyddat nät SN1",
	         "Serverhallen och alla uppgifter i SN1 upp till Hemlig", "Beslut HC 2026:12"},
	        {"Analytiker", "Analysavdelningen", "sk3", "H",
	         "Analys av hotbilder för myndighetens verksamhet",
	         "Analysrapporter upp till Hemlig", "Beslut HC 2026:13"},
	        {"Vaktmästare", "Service", "vetted", NULL, "", "", "Beslut HC 2026:14"},
	        {"Väktare", "Service", "register", "BH", "Bevakning av huvudkontoret",
	         "Tillträde till skyddsobjektet och dess lokaler", "Beslut HC 2026:15"},
	};
	struct principal ssc = as(in->ssc, ROLE_SSC), chief = as(in->chief, ROLE_CHIEF);
	int64_t ids[5] = {0}, course = 0, session = 0;
	char today[11], held[11], until[11];
	int rc = SK_OK, made = 0;
	time_t t = time(NULL);
	struct tm tm;

	model_today(today);
	t -= 30 * 86400;
	gmtime_r(&t, &tm);
	strftime(held, sizeof(held), "%Y-%m-%d", &tm);
	t += 30 * 86400 + 182 * 86400;
	gmtime_r(&t, &tm);
	strftime(until, sizeof(until), "%Y-%m-%d", &tm);

	for (size_t i = 0; i < sizeof(pos) / sizeof(pos[0]); i++) {
		json_t *a = json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", pos[i].name, "unit",
		                      pos[i].unit, "security_class", pos[i].cls, "control_activity",
		                      pos[i].activity, "control_assets", pos[i].assets);

		if (a && pos[i].info)
			json_object_set_new(a, "info_class", json_string(pos[i].info));
		run(m, &ssc, "positions", "add", a, &ids[i], &rc, pos[i].name);
		if (in->analysis)
			run(m, &chief, "positions", "decide",
			    json_pack("{s:I, s:s}", "analysis_id", (json_int_t)in->analysis,
			              "decision_ref", pos[i].ref),
			    &ids[i], &rc, pos[i].name);
		made++;
	}
	/* sk2, sk3, and the vetted position for six months */
	for (int i = 0; i < 3; i++) {
		json_t *a;

		if (!in->placed[i])
			continue;
		a = json_pack("{s:I, s:I, s:s}", "position_id", (json_int_t)ids[i + 1], "person_id",
		              (json_int_t)in->placed[i], "decision_ref", "Placering 2026:1");
		if (a && i == 2) {
			json_object_set_new(a, "temporary", json_true());
			json_object_set_new(a, "valid_until", json_string(until));
		}
		run(m, &ssc, "placements", "add", a, NULL, &rc, "placement");
	}
	run(m, &ssc, "courses", "add",
	    json_pack("{s:s, s:s, s:s, s:i, s:b}", "name",
	              "Grundläggande säkerhetsskyddsutbildning", "content",
	              "Säkerhetsskyddslagen och PMFS 2022:1, informationssäkerhet, hantering av "
	              "säkerhetsskyddsklassificerade uppgifter, att rapportera "
	              "säkerhetshotande händelser.",
	              "audience", "logins", "refresher_months", 12, "before_access", 1),
	    &course, &rc, "course");
	run(m, &ssc, "training_sessions", "add",
	    json_pack("{s:I, s:s, s:s, s:s}", "course_id", (json_int_t)course, "held_on", held,
	              "leader", "Anna Lindqvist, säkerhetsskyddschef", "place",
	              "Sammanträdesrum Eken"),
	    &session, &rc, "session");
	for (size_t i = 0; i < sizeof(in->trained) / sizeof(in->trained[0]); i++) {
		if (in->trained[i])
			run(m, &ssc, "attendance", "add",
			    json_pack("{s:I, s:I}", "session_id", (json_int_t)session, "person_id",
			              (json_int_t)in->trained[i]),
			    NULL, &rc, "attendance");
	}
	if (!rc && out)
		fprintf(out,
		        "demo: %d positions (säkerhetsklass 1–3, vetted and registerkontroll "
		        "without class), a training plan with one course and one session on %s\n",
		        made, held);
	(void)today;
	return rc;
}
