/*
 * What the plan files (plan_*.c) share (not the module's face: that is
 * model/plan.h): the validation error helper, the writer's view of a plan's
 * reporting years, and the readers of the plan tables.
 */
#ifndef SKYDD_MODEL_PLAN_INT_H
#define SKYDD_MODEL_PLAN_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "model/model.h"
#include "store/store.h"

/*
 * Records a failure at a JSON path (model_fail): field = path, msg = "path:
 * why", a reason for the UI and its params (taken over, may be NULL), to which
 * for the file's reasons (plan.file.*) the place of the path in the plan file
 * is added ("where": file, authority, priority, objective, item with "pos", or
 * measure when params has "measure"). Returns SK_EINVAL.
 */
int plan_failr(struct model_err *err, const char *path, const char *reason, json_t *params,
               const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* A failure found before (in e) as the command's failure, with its reason and params; rc. */
int plan_tx_fail_err(struct store_tx *tx, int rc, const struct model_err *e);

extern const char plan_write_why[];

/* A plan's reporting years as the writer sees them. */
struct plan_state {
	int64_t report_year; /* the open reporting year */
	int64_t first_year;  /* the first one in skydd (the import's) */
	int64_t last_year;   /* the plan period's last year (PLAN_YEAR_MAX: open-ended) */
	int64_t submitted;   /* the latest year whose report is submitted, 0 = none */
	char updated_at[SK_TIME_LEN + 1];
};
int plan_tx_state(struct store_tx *tx, int64_t plan_id, struct plan_state *st);

bool plan_jhas_int(const json_t *o, const char *key);
bool plan_in_list(const json_t *arr, const char *s);
/* "responsible", "participant" or NULL: the part org has in measure x. */
const char *plan_org_role(const json_t *x, const char *org);
/* "A, B och C" */
void plan_join_orgs(const json_t *arr, struct buf *b);

/* Readers: the plan's head, its priorities → objectives, its measures (rows). */
json_t *plan_head(struct store_reader *r, int64_t id);
json_t *plan_priorities(struct store_reader *r, int64_t id);
json_t *plan_all_measures(struct store_reader *r, int64_t plan_id);
/* The years whose reports are submitted: [{year, sha256, submitted_at}]. */
json_t *plan_submitted_reports(struct store_reader *r, int64_t plan_id);

/* ---- per-agency work (plan_agency.c) ---- */

/* The measure update as a writer step (plan_measures.c): proposal_id > 0 accepts that proposal. */
int plan_tx_measure_update(struct store_tx *tx, const struct principal *p, int64_t measure_id,
                           const json_t *body, int64_t proposal_id);
/* Completes or writes off a measure as a writer step; proposal_id > 0 accepts that proposal. */
int plan_tx_measure_close(struct store_tx *tx, const struct principal *p, int64_t measure_id,
                          bool write_off, int64_t year, const char *reason, int64_t proposal_id);
/* Checks a measure's editable fields (types, bounds, the plan's authorities, period). */
int plan_tx_check_edit(struct store_tx *tx, int64_t plan_id, const json_t *body);
/* Refuses (SK_ERULE, field "agencies") while an agency assigned for year has not approved. */
int plan_tx_agencies_approved(struct store_tx *tx, int64_t plan_id, int64_t year);
/*
 * Refuses a direct change of a measure with an open proposal (SK_ERULE, field
 * "measure"): the coordinator accepts or rejects it first, so that a proposal
 * is never applied over a change its agency has not seen.
 */
int plan_tx_no_open_proposal(struct store_tx *tx, int64_t measure_id);

/*
 * A measure's marker in Swedish for a report's tables (rep: the report): "Ny",
 * "Uppdaterad" with what the year's changes say changed ("Uppdaterad, tidplan
 * och innehåll"), or "" without a marker. out: at least 64 bytes.
 */
void plan_marker_text(const json_t *rep, const json_t *x, char *out, size_t cap);

/* ---- between the plan files (plan_validate.c … plan_query.c) ---- */

/* The bounds of the file format and of the measures' fields. */
#define PLAN_TITLE_MAX     500
#define PLAN_TEXT_MAX      20000
#define PLAN_SHORT_MAX     64
#define PLAN_NAME_MAX_LEN  300
#define PLAN_RESP_TEXT_MAX 1000
#define PLAN_PERIOD_MAX    64
#define PLAN_ORGS_MAX      50
#define PLAN_MEASURES_MAX  5000
#define PLAN_PARTS_MAX     100

/* "1" / "1.1" / "1.1.3": parts of 1..9999 without leading zeros; returns the part count or 0. */
int plan_number_parts(const char *s, int parts[3]);
/* Is number a child of parent ("1.1.3" of "1.1")? */
bool plan_child_of(const char *number, const char *parent);
/*
 * A string member: min..max bytes, no control characters (multiline: '\n' allowed).
 * path: where o is in the plan file ("" its top level); NULL: o is a form's body.
 */
int plan_check_str(const json_t *o, const char *path, const char *key, size_t min, size_t max,
                   bool nullable, bool multiline, struct model_err *err);
/* An array of distinct authority short names, each listed in auth (an object used as a set). */
int plan_check_orgs(const json_t *o, const char *path, const char *key, const json_t *auth,
                    struct model_err *err);

/* A measure's row: PLAN_MEASURE_COLS + "WHERE …", read by plan_measure_row. */
#define PLAN_MEASURE_COLS                                                                          \
	"SELECT id, plan_id, number, objective, title, description, responsible_text, "            \
	"responsible, participants, period_text, start_year, end_year, marker, marker_year, "      \
	"status, status_year, status_reason, created_at, updated_at, continues FROM plan_measure "
json_t *plan_measure_row(struct store_q *q);

#endif
