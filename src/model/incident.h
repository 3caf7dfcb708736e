/*
 * Security-threatening events (säkerhetshotande händelser, PMFS 2022:1
 * 2 kap. 15–19 §§) and the action plan of deviations (åtgärdsplan, 14 §).
 * Incidents are reported by anyone logged in and handled by the ssc or the
 * head; deviations come from the compliance engine's findings, from controls
 * and audits, or from an incident's lessons. Ledger objects incident/ID and
 * deviation/ID. See docs/internals/incidents.md.
 *
 * The writer functions take the API's validated body (a JSON object) and
 * check it again against the current state in the writer's transaction;
 * failures name the field. They return SK_OK, SK_EINVAL (a field),
 * SK_ENOTFOUND (no such incident/deviation, or one the caller may not see),
 * SK_EPERM (role), SK_ERULE (state: e.g. a closed incident), SK_EEXIST.
 */
#ifndef SKYDD_MODEL_INCIDENT_H
#define SKYDD_MODEL_INCIDENT_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "model/model.h"
#include "store/store.h"

#define INCIDENT_TITLE_MAX 300
#define INCIDENT_TEXT_MAX  20000
#define INCIDENT_REF_MAX   200
#define INCIDENT_LINKS_MAX 100

/* ---- incidents ---- */

/*
 * Reports an incident (anyone logged in): title, description, occurred_on,
 * detected_on, detected_by, detected_person_id, reportable, document_ids,
 * copy_ids, medium_ids, system_ids, lost_case_id (ssc, chief or registrar
 * only: the lost copy or medium is linked too).
 */
int incident_create(struct model *m, const struct principal *p, const json_t *body, int64_t *id,
                    struct model_err *err);
/* Changes an open incident (ssc, chief): the fields of create but lost_case_id. */
int incident_update(struct model *m, const struct principal *p, int64_t id, const json_t *body,
                    struct model_err *err);
/* The report to Säkerhetspolisen (18 §): report_date, report_ref. */
int incident_report(struct model *m, const struct principal *p, int64_t id, const json_t *body,
                    struct model_err *err);
/* The damage assessment (19 §): action start|finish, date, content (finish). */
int incident_assessment(struct model *m, const struct principal *p, int64_t id, const json_t *body,
                        struct model_err *err);
/* A measure to limit harm or return to normal (16 §): taken_on, text. */
int incident_measure_add(struct model *m, const struct principal *p, int64_t id, const json_t *body,
                         struct model_err *err);
/* Investigation and evaluation (17 §): investigation, evaluation, investigated_on. */
int incident_investigate(struct model *m, const struct principal *p, int64_t id, const json_t *body,
                         struct model_err *err);
/* Closes an open incident: closed_on (default today). */
int incident_close(struct model *m, const struct principal *p, int64_t id, const json_t *body,
                   struct model_err *err);
/* A lesson becomes a deviation of the action plan: title, description, responsible, due_on. */
int incident_lesson(struct model *m, const struct principal *p, int64_t id, const json_t *body,
                    int64_t *deviation_id, struct model_err *err);

/* Who reads every incident: chief, ssc, auditor. Others see the ones they reported. */
bool incident_reads_all(const struct principal *p);
/* {"incidents": [...]} for p (state: open|closed or NULL). */
json_t *incident_list(struct model *m, const struct principal *p, const char *state);
/*
 * {"incident": {..., links, measures, deviations}, "history": [...]}, or NULL
 * when there is none or p may not see it. A linked document's title is shown
 * only to whoever sees the document.
 */
json_t *incident_get(struct model *m, const struct principal *p, int64_t id);

/* ---- the action plan ---- */

/*
 * A deviation (ssc, chief): title, description, source
 * (finding|control|audit|incident|other), reference, finding (a rule id) and
 * finding_object ("type/id") for source finding — the finding must exist
 * now; its reference and Swedish message are copied when not given —
 * responsible, due_on, incident_id. finding: that finding as p sees it now
 * (rules_finding), or NULL when the engine reports none: the caller looks it
 * up, since the model never calls up into the rules layer.
 */
int deviation_create(struct model *m, const struct principal *p, const json_t *body,
                     const json_t *finding, int64_t *id, struct model_err *err);
/* Changes an open or in-progress deviation: title, description, reference, responsible, due_on. */
int deviation_update(struct model *m, const struct principal *p, int64_t id, const json_t *body,
                     struct model_err *err);
/* status open|in_progress|done|written_off (reason required for written_off). */
int deviation_set_status(struct model *m, const struct principal *p, int64_t id, const char *status,
                         const char *reason, struct model_err *err);
/*
 * Marks done (deviation.resolved, by "rule") every open or in-progress
 * deviation made from a finding that current (the engine's result,
 * rules_current for every object whole: {findings, errors}) no longer
 * reports; a rule in errors keeps its deviations. *resolved (may be NULL)
 * receives how many. Run by rules_sync_deviations after writes, never on
 * a read.
 */
int deviation_sync(struct model *m, const json_t *current, unsigned *resolved);
/* Whether any open or in-progress deviation was made from a finding (nothing to sync if not). */
bool deviation_sync_due(struct model *m);
/*
 * {"deviations": [...]} (status filter or NULL; open_only: open and in_progress).
 * A deviation made from a finding on a document, copy ... or medium that p may
 * not see (ledger_view_refs_visible) comes with "hidden": true and without
 * title, description and reference: a finding's message names the document.
 */
json_t *deviation_list(struct model *m, const struct principal *p, const char *status,
                       bool open_only);
/* {"deviation": {...}, "history": [...]}, or NULL; hidden as above, its history without data. */
json_t *deviation_get(struct model *m, const struct principal *p, int64_t id);

/*
 * Inside a writer command: appends deviation.created from data (title,
 * description, source, reference, finding_rule, finding_object,
 * incident_id, responsible, due_on; validated here) and sets *id.
 */
int deviation_tx_create(struct store_tx *tx, const struct principal *p, const json_t *body,
                        int64_t *id);

#endif
