/*
 * The demo's exit talks (6 kap. 6 §) and a clearance about to end (6 kap.
 * 4 §): one ended person whose exit talk is recorded, one without (a finding
 * on the Översikt), one whose clearance ends within 30 days (a notice).
 */
#include <string.h>
#include <time.h>

#include "cli/demo_exit.h"
#include "model/register.h"

struct ctx {
	struct model *m;
	struct model_err err;
	int rc;
};

/* Runs a command (in is stolen) unless an earlier one failed; the first failure is printed. */
static int64_t run(struct ctx *c, const struct principal *p, const char *reg, const char *cmd,
                   json_t *in, int64_t id, const char *what)
{
	if (!c->rc && in) {
		c->rc = reg_run(c->m, p, reg, cmd, in, &id, &c->err);
		if (c->rc)
			fprintf(stderr, "skydd: demo: %s: %s\n", what,
			        c->err.msg[0] ? c->err.msg : sk_strerror(c->rc));
	}
	json_decref(in);
	return c->rc ? 0 : id;
}

int demo_exit_talks(struct model *m, const struct principal *ssc, const struct principal *registrar,
                    FILE *out)
{
	struct ctx c = {.m = m};
	char today[11], until[11];
	int64_t harald, ingrid, jonas;

	model_today(today);
	{
		/* 20 days on, as the rule counts (date(?1, '+20 days')) */
		struct tm tm = {0};
		time_t t;

		sscanf(today, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
		tm.tm_year -= 1900;
		tm.tm_mon -= 1;
		tm.tm_mday += 20;
		t = timegm(&tm);
		gmtime_r(&t, &tm);
		strftime(until, sizeof(until), "%Y-%m-%d", &tm);
	}
	harald = run(&c, registrar, "persons", "add",
	             json_pack("{s:s, s:s}", "name", "Harald Höst", "unit", "Driftenheten"), 0,
	             "Harald Höst");
	run(&c, registrar, "persons", "end", json_object(), harald, "Harald Höst ends");
	run(&c, ssc, "exit-talks", "record",
	    json_pack("{s:I, s:s, s:s, s:b}", "person_id", (json_int_t)harald, "outcome", "held",
	              "held_on", today, "reminded", 1),
	    0, "Harald Höst's exit talk");
	ingrid = run(&c, registrar, "persons", "add",
	             json_pack("{s:s, s:s}", "name", "Ingrid Is", "unit", "Analysavdelningen"), 0,
	             "Ingrid Is");
	run(&c, registrar, "persons", "end", json_object(), ingrid, "Ingrid Is ends");
	jonas = run(&c, registrar, "persons", "add",
	            json_pack("{s:s, s:s}", "name", "Jonas Jul", "unit", "Ledningsstaben"), 0,
	            "Jonas Jul");
	run(&c, ssc, "clearances", "decide",
	    json_pack("{s:I, s:s, s:s, s:s}", "person_id", (json_int_t)jonas, "class", "H",
	              "valid_until", until, "decision_ref", "SSC 2026:31"),
	    0, "Jonas Jul's clearance");
	if (!c.rc && out)
		fprintf(out,
		        "  exit talks: Harald Höst's held, Ingrid Is without one (a finding); "
		        "Jonas Jul cleared for H until %s (a notice)\n",
		        until);
	return c.rc;
}
