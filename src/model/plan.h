/*
 * Coordinated action plans (samlad handlingsplan): strategic priorities →
 * objectives (målsättningar) → measures (åtgärder), imported and exported in
 * the format of shared/data/handlingsplan-2021.json, edited measure by
 * measure (a number is never reused), and reported yearly (redovisning, due
 * 1 March for the previous year). Ledger object: plan/ID; entries about a
 * measure carry its number and measure_id. See docs/internals/plans.md.
 */
#ifndef SKYDD_MODEL_PLAN_H
#define SKYDD_MODEL_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "model/model.h"

#define PLAN_YEAR_MIN 1990
#define PLAN_YEAR_MAX 2100

/*
 * Checks a plan in the file format strictly (unknown fields, types, bounds,
 * duplicate numbers, a measure whose objective does not exist, authorities
 * that are not listed, years). On failure fills err: field = the JSON path
 * ("measures[3].objective"), msg starts with the path. Returns SK_OK or SK_EINVAL.
 */
int plan_validate(const json_t *doc, struct model_err *err);

/*
 * Imports a plan (one writer command, one entry "plan.imported"): all or
 * nothing. p NULL = the system (demo). Writes need the role ssc or chief.
 */
int plan_import(struct model *m, const struct principal *p, const json_t *doc, int64_t *id,
                struct model_err *err);
/* Reads a plan file and imports it as the system (for `skydd demo`). */
int plan_demo_import(struct model *m, const char *json_path, int64_t *id, struct model_err *err);

/* The plan in the file format (NULL: no such plan), and its text (2-space indent, final newline).
 */
json_t *plan_export(struct model *m, int64_t id);
int plan_export_text(const json_t *doc, struct buf *out);

json_t *plan_list(struct model *m);
/* The plan with its authorities and priorities → objectives → measures; NULL: none. */
json_t *plan_get(struct model *m, int64_t id);

struct plan_filter {
	const char *status;    /* current, completed, written_off; NULL = any */
	const char *org;       /* an authority's short name: responsible or participant */
	const char *objective; /* "1.1" */
};
/* {"measures": [...]} or NULL when the plan does not exist. */
json_t *plan_measures(struct model *m, int64_t plan_id, const struct plan_filter *f);
json_t *plan_measure_get(struct model *m, int64_t measure_id);
/* The measure's ledger entries (its import or addition, changes); NULL: no measure. */
json_t *plan_measure_history(struct model *m, int64_t measure_id);

/*
 * Editing (ssc or chief). body holds the API's fields: add: objective,
 * number (optional: the next free one), title, description, responsible,
 * participants, responsible_text, period_text, marker; update: the same but
 * objective and number. Periods are parsed ("2019–2022", "2021",
 * "2019 och tills vidare").
 */
int plan_measure_add(struct model *m, const struct principal *p, int64_t plan_id,
                     const json_t *body, int64_t *measure_id, struct model_err *err);
int plan_measure_update(struct model *m, const struct principal *p, int64_t measure_id,
                        const json_t *body, struct model_err *err);
int plan_measure_complete(struct model *m, const struct principal *p, int64_t measure_id,
                          int64_t year, struct model_err *err);
int plan_measure_write_off(struct model *m, const struct principal *p, int64_t measure_id,
                           int64_t year, const char *reason, struct model_err *err);

/*
 * A measure by its reference: its number ("1.1.17": in plan_id, or, with
 * plan_id 0, in the only plan that has it; SK_EEXIST with field "plan" when
 * several do) or its internal id (digits only, for old links).
 */
int plan_measure_resolve(struct model *m, int64_t plan_id, const char *ref, int64_t *id,
                         struct model_err *err);

/*
 * Reopens a completed or written-off measure (a correction: its year or
 * reason was wrong), with the reason; it can then be closed again.
 */
int plan_measure_reopen(struct model *m, const struct principal *p, int64_t measure_id,
                        const char *reason, struct model_err *err);

/*
 * The final report's closing decision for a measure that stays current: it
 * goes on after the plan, with the reason (only in the plan's last reporting
 * year). Completing or writing it off, or reopening it, replaces the decision.
 */
int plan_measure_continue(struct model *m, const struct principal *p, int64_t measure_id,
                          const char *reason, struct model_err *err);

/*
 * Submits the report for the plan's reporting year: one entry
 * "plan.report.submitted" carrying the report's canonical bytes (compact JSON,
 * sorted keys) and their SHA-256 (sha: 64 hex digits and a NUL, may be NULL).
 * From then on that year's report is those bytes, and the year's measures are
 * frozen until the plan moves on (plan_year_advance). The final report (the
 * period's last year) is refused while a current measure has no closing
 * decision (field "measures", SK_ERULE).
 */
int plan_report_submit(struct model *m, const struct principal *p, int64_t plan_id, int64_t year,
                       char sha[65], struct model_err *err);
/*
 * The report's own text for the open reporting year: {summary, priorities:
 * [{number, text}], sections: [{title, text}]} (all optional; replaces the
 * year's text). Part of the report, frozen with it. Entry "plan.report.text".
 */
int plan_report_text_set(struct model *m, const struct principal *p, int64_t plan_id, int64_t year,
                         const json_t *text, struct model_err *err);
/* Moves the plan to its next reporting year (to = the year + 1, within the
 * plan's period, after that year's report was submitted): "plan.year.changed". */
int plan_year_advance(struct model *m, const struct principal *p, int64_t plan_id, int64_t to,
                      struct model_err *err);
/*
 * The report for year (0 = the plan's reporting year) as the API gives it:
 * a submitted year's frozen bytes in *frozen (org NULL; with org, *out is
 * rebuilt from them), else the live report in *out. A year before the plan's
 * first reporting year or after its current one is refused (field "year").
 */
int plan_report_for(struct model *m, int64_t plan_id, int year, const char *org, json_t **out,
                    struct buf *frozen, struct model_err *err);

/* Parses a period text; *end = -1 for open-ended. false when not understood. */
bool plan_period_parse(const char *text, int *start, int *end);

/* The yearly report for year (org NULL = all); NULL when the plan does not exist. */
json_t *plan_report(struct model *m, int64_t plan_id, int year, const char *org);
/* The report as an XLSX workbook (tmpdir: where to build it; NULL = $TMPDIR or /tmp). */
int plan_report_xlsx(const json_t *report, const char *tmpdir, struct buf *out);

/*
 * The report as an OpenDocument text (ODT: a zip of mimetype, manifest and
 * content.xml) for an agency to edit further: summary, priorities with their
 * texts, objectives and tables of current measures with markers, changes,
 * free sections and the appendix (Bilaga 1) by status with year and reason.
 */
int plan_report_odt(const json_t *report, struct buf *out);

/* ---- per-agency work (plan_agency.c) ---- */

#define PLAN_AGENCY_LEN 65

/*
 * Binds an identity holding the role agency to one authority of the plan (its
 * contact; agency NULL removes the binding). ssc or head, never about
 * themselves. Entries plan.contact.set / plan.contact.removed.
 */
int plan_contact_set(struct model *m, const struct principal *p, int64_t plan_id,
                     int64_t identity_id, const char *agency, struct model_err *err);
/* The agency's assignment for the open reporting year: a deadline from 1 January
 * of the year and before the report is due (1 March after it). ssc or head. */
int plan_assignment_set(struct model *m, const struct principal *p, int64_t plan_id,
                        const char *agency, const char *deadline, struct model_err *err);
/* By the agency's own contact: not_started, in_progress, ready (withdraws an approval). */
int plan_assignment_status(struct model *m, const struct principal *p, int64_t plan_id,
                           const char *agency, const char *status, struct model_err *err);
/* By the agency's own contact: its part is approved (status ready, no open proposal). */
int plan_assignment_approve(struct model *m, const struct principal *p, int64_t plan_id,
                            const char *agency, struct model_err *err);
/*
 * A change proposed by an agency's contact to a current measure its agency is
 * responsible for (changes: the fields of a measure's PATCH), with a note.
 */
int plan_proposal_add(struct model *m, const struct principal *p, int64_t measure_id,
                      const json_t *changes, const char *note, int64_t *id, struct model_err *err);
/* The coordinator accepts (the measure is updated) or rejects (with a reason) a
 * proposal; never the one who made it. */
int plan_proposal_decide(struct model *m, const struct principal *p, int64_t proposal_id,
                         bool accept, const char *reason, struct model_err *err);
/* "responsible", "participant" or NULL: the part org has in a measure (an item as read). */
const char *plan_org_role_of(const json_t *measure, const char *org);
/* Is p's view of plans limited to its agency (the role agency and no other role)? */
bool plan_scoped(const struct principal *p);
/* plan_scoped(p), with the agency p is the contact of in the plan ("" when none). */
bool plan_scope(struct model *m, const struct principal *p, int64_t plan_id,
                char agency[PLAN_AGENCY_LEN]);
/* {plan_id, year, due, contacts, assignments (the open year), proposals, plan}; only: one
 * agency (NULL: all). NULL when the plan does not exist. */
json_t *plan_agencies(struct model *m, int64_t plan_id, const char *only);

/* The yearly report deadlines (1 March for the previous year) of every plan. */
json_t *plan_deadlines(struct model *m);

#endif
