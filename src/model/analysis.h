/*
 * The security protection analysis (säkerhetsskyddsanalys, PMFS 2022:1
 * 2 kap. 1–11 §§) in versions, the security plan made from an approved
 * version (12 §) and special assessments before a procedure (13 §).
 * Ledger objects analysis/ID (a version), secplan/ID, assessment/ID; entry
 * kinds analysis.*, secplan.*, assessment.*. See docs/internals/analysis.md.
 */
#ifndef SKYDD_MODEL_ANALYSIS_H
#define SKYDD_MODEL_ANALYSIS_H

#include <stdint.h>

#include <jansson.h>

#include "model/model.h"

/* The sections of a version's content that a body may carry (besides "title"). */
extern const char *const analysis_sections[]; /* NULL-terminated */

/*
 * Checks a version's content strictly (types, bounds, unknown fields, ids
 * unique per section, references to existing parts/assets/threats/
 * vulnerabilities). err->field is the JSON path ("assets[2].level").
 * Returns SK_OK or SK_EINVAL.
 */
int analysis_content_check(const json_t *content, struct model_err *err);
/* What is missing before approval: [{field, message}] (empty when complete). */
json_t *analysis_missing(const json_t *content);

/* Writes: ssc or chief. body: title (required on create) and any sections. */
int analysis_create(struct model *m, const struct principal *p, const json_t *body, int64_t *id,
                    struct model_err *err);
/* Changes a draft version (an approved one is frozen: SK_ERULE). */
int analysis_update(struct model *m, const struct principal *p, int64_t id, const json_t *body,
                    struct model_err *err);
/* Approval (fastställande, 10 §) by the head (chief) only; refused while parts are missing. */
int analysis_approve(struct model *m, const struct principal *p, int64_t id, struct model_err *err);
/*
 * Sending a complete draft to the head for approval (the ssc; an entry
 * analysis.submitted); a sent draft is frozen until the head approves it or
 * sends it back with a reason (analysis.returned: a draft again).
 */
int analysis_submit(struct model *m, const struct principal *p, int64_t id, struct model_err *err);
int analysis_return(struct model *m, const struct principal *p, int64_t id, const char *reason,
                    struct model_err *err);
/* A new draft version, a copy of approved version id. */
int analysis_revise(struct model *m, const struct principal *p, int64_t id, int64_t *new_id,
                    struct model_err *err);
/* Hand-over to the supervisor (11 §): an entry analysis.exported; *report = the report. */
int analysis_export(struct model *m, const struct principal *p, int64_t id, const char *recipient,
                    const char *reason, json_t **report, struct model_err *err);

/*
 * Need-to-know (issue 15): a version with a class (BH/K/H/KH) is shown only
 * to p cleared for it; to others as {id, series_id, version, state, class,
 * hidden: true}. p NULL: the model's own reads (everything).
 */
bool analysis_cleared(const struct principal *p, const char *cls);
json_t *analysis_list(struct model *m, const struct principal *p);
json_t *analysis_get(struct model *m, const struct principal *p, int64_t id); /* NULL: none */
/* The printable report of an approved version: SK_OK, SK_ENOTFOUND, SK_ERULE (a draft),
 * SK_EPERM (not cleared for its class). */
int analysis_report(struct model *m, const struct principal *p, int64_t id, json_t **out,
                    struct model_err *err);
/* The review deadlines (approved_on + 2 years) and the plan items' due dates. */
json_t *analysis_deadlines(struct model *m, const struct principal *p);

/* The security plan (12 §): made from an approved version; approved by the ssc. */
int secplan_create(struct model *m, const struct principal *p, int64_t analysis_id,
                   const char *title, int64_t *id, struct model_err *err);
/* body: title, items [{measure_id, due, responsible, note}] (merged by measure_id). */
int secplan_update(struct model *m, const struct principal *p, int64_t id, const json_t *body,
                   struct model_err *err);
int secplan_approve(struct model *m, const struct principal *p, int64_t id, struct model_err *err);
/* A plan is shown as its analysis is (hidden: {id, analysis_id, state, class, hidden}). */
json_t *secplan_list(struct model *m, const struct principal *p);
json_t *secplan_get(struct model *m, const struct principal *p, int64_t id);

/* Special assessments (13 §). body: title, procedure_kind, procedure_ref, affected,
 * threats, vulnerabilities, measures. */
int assessment_create(struct model *m, const struct principal *p, const json_t *body, int64_t *id,
                      struct model_err *err);
int assessment_update(struct model *m, const struct principal *p, int64_t id, const json_t *body,
                      struct model_err *err);
int assessment_approve(struct model *m, const struct principal *p, int64_t id,
                       struct model_err *err);
json_t *assessment_list(struct model *m);
json_t *assessment_get(struct model *m, int64_t id);
json_t *assessment_missing(const json_t *content);

#endif
