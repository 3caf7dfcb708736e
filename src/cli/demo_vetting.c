/* The demo instance's vetting and registerkontroll (demo_vetting.h). */
#include <stdio.h>
#include <string.h>

#include "cli/demo_vetting.h"
#include "model/register.h"

/* The day days from today (negative: before), YYYY-MM-DD. */
static void day(int days, char out[11])
{
	char t[SK_TIME_LEN + 1];

	sk_time_format(sk_now_us() + (int64_t)days * 86400 * INT64_C(1000000), t);
	memcpy(out, t, 10);
	out[10] = '\0';
}

/* Runs cmd of reg as by with in (stolen) on *id; says what failed. */
static int run(struct model *m, const struct principal *by, const char *reg, const char *cmd,
               json_t *in, int64_t *id)
{
	struct model_err err = {0};
	int rc = in ? reg_run(m, by, reg, cmd, in, id, &err) : SK_ENOMEM;

	if (rc)
		fprintf(stderr, "skydd: demo: %s %s: %s\n", reg, cmd,
		        err.msg[0] ? err.msg : sk_strerror(rc));
	json_decref(in);
	return rc;
}

int demo_vetting(struct model *m, const struct principal *by, int64_t approved, int64_t renewal,
                 FILE *out)
{
	char d60[11], d40[11], d30[11], d20[11], d10[11], d400[11], d380[11], d370[11], y1[11],
	        y5[11];
	int64_t v = 0, rk = 0, rk2 = 0, fn = 0;
	int rc;

	day(-60, d60), day(-40, d40), day(-30, d30), day(-20, d20), day(-10, d10);
	day(-400, d400), day(-380, d380), day(-370, d370), day(365, y1);
	day(5 * 365, y5);
	/* an approved vetting with its interview, the clearance from it, follow-up */
	if ((rc = run(m, by, "vettings", "start",
	              json_pack("{s:I, s:s}", "person_id", (json_int_t)approved, "started_on", d60),
	              &v)) ||
	    (rc = run(m, by, "vettings", "investigate", json_pack("{s:s}", "investigation_on", d40),
	              &v)) ||
	    (rc = run(m, by, "vettings", "interview",
	              json_pack("{s:s, s:s, s:b, s:b, s:b, s:b, s:s}", "interview_on", d30,
	                        "interviewer", "Anna Lindqvist", "loyalty", 1, "reliability", 1,
	                        "vulnerability", 1, "interview_concluded", 1, "interview_notes",
	                        "Inga omständigheter som talar emot. Stabil ekonomi; inga "
	                        "beroenden framkom."),
	              &v)) ||
	    (rc = run(m, by, "vettings", "decide",
	              json_pack("{s:s, s:s, s:s, s:s, s:s}", "decision", "approved", "decided_on",
	                        d20, "decision_ref", "SP-2026-014", "clearance_class", "H",
	                        "clearance_until", y5),
	              &v)) ||
	    (rc = run(m, by, "vettings", "info",
	              json_pack("{s:s, s:s}", "followup_info",
	                        "Följ upp att ekonomin fortsatt är ordnad.", "next_followup", y1),
	              &v)) ||
	    (rc = run(m, by, "vettings", "followup",
	              json_pack("{s:s, s:s, s:s}", "held_on", d10, "held_by", "Anna Lindqvist",
	                        "followup_notes", "Uppföljningssamtal utan anmärkning."),
	              &v)))
		return rc;
	/* a complete application for the same person, sent */
	if ((rc = run(m, by, "regchecks", "add",
	              json_pack("{s:I, s:s, s:s, s:s}", "person_id", (json_int_t)approved,
	                        "security_class", "2", "control_reason",
	                        "Handläggning i registraturen: tillgång till hemliga handlingar om "
	                        "verksamhetens skyddsvärden.",
	                        "consent_on", d30),
	              &rk)) ||
	    (rc = run(m, by, "regchecks", "send", json_pack("{s:s}", "sent_on", d20), &rk)))
		return rc;
	/* an answered check, and a marriage since: due for renewal (13 §) */
	if ((rc = run(m, by, "regchecks", "add",
	              json_pack("{s:I, s:s, s:s, s:s, s:b}", "person_id", (json_int_t)renewal,
	                        "security_class", "2", "control_reason",
	                        "Analysarbete med tillgång till hemliga uppgifter om "
	                        "skyddsvärden.",
	                        "consent_on", d400, "spouse_included", 0),
	              &rk2)) ||
	    (rc = run(m, by, "regchecks", "send", json_pack("{s:s}", "sent_on", d380), &rk2)) ||
	    (rc = run(m, by, "regchecks", "answer",
	              json_pack("{s:s, s:s}", "answer", "no_information", "answered_on", d370),
	              &rk2)) ||
	    (rc = run(m, by, "regchecks", "trigger",
	              json_pack("{s:s, s:s, s:s}", "trigger_kind", "marriage", "trigger_on", d10,
	                        "trigger_note",
	                        "Gifte sig; ansökan om förnyad kontroll ska göras."),
	              &rk2)))
		return rc;
	/* the function for registerkontroller and its contact as reported (15 §) */
	if ((rc = run(m, by, "regcheck_functions", "add",
	              json_pack("{s:s, s:s, s:s, s:s, s:s}", "function_name",
	                        "Säkerhetsenheten, personalsäkerhet", "contact", "Anna Lindqvist",
	                        "phone", "08-123 45 00", "email", "sakerhet@example.se",
	                        "reported_on", d60),
	              &fn)))
		return rc;
	fprintf(out,
	        "vetting: 1 approved vetting with a clearance, 2 registerkontroller (1 due for "
	        "renewal), the registerkontroll function\n");
	return SK_OK;
}
