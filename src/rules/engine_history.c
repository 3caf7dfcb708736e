/*
 * The engine's history and summaries: the daily snapshot (rule_snapshot)
 * the trend reads, and the overview per chapter.
 */
#include <assert.h>
#include <string.h>

#include "model/model.h"
#include "rules/engine_int.h"
#include "rules/rules.h"

int engine_snapshot_fn(struct store_tx *tx, void *arg)
{
	struct snap_cmd *c = arg;
	int counts[9][3][2] = {{{0}}};
	size_t i;
	json_t *v;
	int rc = SK_OK;

	json_array_foreach(c->findings, i, v)
	{
		int ch = (int)json_integer_value(json_object_get(v, "chapter"));
		int sev = rules_severity_parse(json_string_value(json_object_get(v, "severity")));
		bool cov = strcmp(json_string_value(json_object_get(v, "status")), "covered") == 0;

		if (ch >= 1 && ch <= 8 && sev >= 0)
			counts[ch][sev][cov]++;
	}
	for (int ch = 1; ch <= 8 && !rc; ch++) {
		for (int s = 0; s < 3 && !rc; s++)
			rc = store_tx_run(
			        tx,
			        "INSERT OR REPLACE INTO rule_snapshot (day, chapter, severity, "
			        "open, covered) VALUES (?1, ?2, ?3, ?4, ?5)",
			        "titii", c->day, (int64_t)ch,
			        rules_severity_name((enum rule_severity)s),
			        (int64_t)counts[ch][s][0], (int64_t)counts[ch][s][1]);
	}
	return rc;
}

/* ---- overview and trend ---- */

/* Which needs are met (met[k] for rules_needs()[k]); rd NULL: all. */
static void needs_met(struct store_reader *rd, bool *met, size_t cap)
{
	size_t n;
	const struct rules_need *nd = rules_needs(&n);
	bool began = rd && store_reader_begin(rd) == SK_OK;

	for (size_t k = 0; k < n && k < cap; k++) {
		struct store_q *q;

		met[k] = true;
		/* a table not there (an instance not migrated) holds nothing */
		if (!rd)
			continue;
		if (store_reader_query(rd, nd[k].sql, &q)) {
			met[k] = false;
			continue;
		}
		met[k] = store_q_step(q) == SK_OK;
		store_q_done(q);
	}
	if (began)
		store_reader_end(rd);
}

/* The needs of chapter ch that are not met: [{need, sv, en, rules}]; *blocked counts its rules. */
static json_t *chapter_missing(int ch, const bool *met, int *blocked)
{
	size_t n, nn;
	const struct rule *t = rules_table(&n);
	const struct rules_need *nd = rules_needs(&nn);
	json_t *out = json_array();

	*blocked = 0;
	for (size_t k = 0; k < nn; k++) {
		int rules = 0;

		if (met[k])
			continue;
		for (size_t i = 0; i < n; i++)
			rules += t[i].chapter == ch && t[i].needs &&
			         strcmp(t[i].needs, nd[k].id) == 0;
		if (!rules)
			continue;
		*blocked += rules;
		json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:i}", "need", nd[k].id, "sv",
		                                     nd[k].missing_sv, "en", nd[k].missing_en,
		                                     "rules", rules));
	}
	return out;
}

json_t *rules_overview(struct store_reader *rd, const json_t *findings)
{
	json_t *out = json_array();
	size_t n, nn;
	const struct rule *t = rules_table(&n);
	bool met[16];

	rules_needs(&nn);
	assert(nn <= sizeof(met) / sizeof(met[0]));
	needs_met(rd, met, sizeof(met) / sizeof(met[0]));
	for (int ch = 1; ch <= 8; ch++) {
		int sev[3] = {0}, covered = 0, rules = 0, blocked = 0;
		json_t *refs = json_array(), *v, *missing = chapter_missing(ch, met, &blocked);
		size_t i;
		const char *level;

		for (i = 0; i < n; i++)
			rules += t[i].chapter == ch;
		json_array_foreach(findings, i, v)
		{
			const char *ref = json_string_value(json_object_get(v, "ref"));
			bool seen = false;
			size_t j;
			json_t *r;

			if (json_integer_value(json_object_get(v, "chapter")) != ch)
				continue;
			if (strcmp(json_string_value(json_object_get(v, "status")), "covered") ==
			    0) {
				covered++;
				continue;
			}
			sev[rules_severity_parse(
			        json_string_value(json_object_get(v, "severity")))]++;
			json_array_foreach(refs, j, r) seen |=
			        strcmp(json_string_value(r), ref) == 0;
			if (!seen)
				json_array_append_new(refs, json_string(ref));
		}
		/* green only when every rule of the chapter ran over something and passed */
		level = rules == 0                       ? "unchecked"
		        : sev[SEV_HIGH]                  ? "major"
		        : sev[SEV_MEDIUM] + sev[SEV_LOW] ? "minor"
		        : blocked == rules               ? "unchecked"
		        : blocked                        ? "partial"
		                                         : "ok";
		json_array_append_new(
		        out, json_pack("{s:i, s:s, s:i, s:i, s:i, s:i, s:i, s:s, s:o, s:o}",
		                       "chapter", ch, "title", rules_chapter_title(ch), "rules",
		                       rules, "high", sev[SEV_HIGH], "medium", sev[SEV_MEDIUM],
		                       "low", sev[SEV_LOW], "covered", covered, "level", level,
		                       "refs", refs, "missing", missing));
	}
	return out;
}

json_t *rules_trend(struct store_reader *rd, int days)
{
	json_t *out = json_array();
	struct store_q *q;
	char today[11];

	model_today(today);
	if (store_reader_query(
	            rd,
	            "SELECT day, chapter, severity, open, covered FROM rule_snapshot WHERE "
	            "day > date(?1, '-' || ?2 || ' days') AND day <= ?1 ORDER BY day, chapter, "
	            "severity",
	            &q))
		return out;
	store_q_bind_text(q, 1, today);
	store_q_bind_int(q, 2, days);
	while (store_q_step(q) == SK_OK)
		json_array_append_new(
		        out, json_pack("{s:s, s:I, s:s, s:I, s:I}", "day", store_q_text(q, 0),
		                       "chapter", (json_int_t)store_q_int(q, 1), "severity",
		                       store_q_text(q, 2), "open", (json_int_t)store_q_int(q, 3),
		                       "covered", (json_int_t)store_q_int(q, 4)));
	store_q_done(q);
	return out;
}
