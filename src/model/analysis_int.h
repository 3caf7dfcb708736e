/* Internals shared by analysis.c (the analysis) and analysis_plan.c (plan, assessments). */
#ifndef SKYDD_ANALYSIS_INT_H
#define SKYDD_ANALYSIS_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "model/model.h"
#include "model/reg_int.h"

/* A field of an item in a content list, for an_check_items. */
enum an_type { AF_ID, AF_INT, AF_STR, AF_TEXT, AF_BOOL, AF_DATE, AF_ENUM, AF_SET, AF_REFS, AF_REF };

struct an_field {
	const char *name;
	enum an_type type;
	bool required;
	int64_t min;
	size_t max;                /* bytes, value or items */
	const char *const *values; /* AF_ENUM, AF_SET */
	const char *section;       /* AF_REF(S): ids of this section in ids */
};

/*
 * Checks the list arr named sec (a JSON path) against spec: objects, no
 * unknown field, types and bounds, AF_ID unique, references to ids[section].
 * Records the section's ids in ids (when not NULL). SK_OK or SK_EINVAL (err).
 */
int an_check_items(const json_t *arr, const char *sec, const struct an_field *spec,
                   size_t max_items, json_t *ids, struct model_err *err);

/*
 * Records a failure at path (field = path, msg = "path: why") with a reason for
 * the UI and its params (taken over, may be NULL); SK_EINVAL.
 */
int an_failr(struct model_err *err, const char *path, const char *reason, json_t *params,
             const char *fmt, ...) __attribute__((format(printf, 5, 6)));
bool an_text_ok(const char *s, size_t len, bool multiline);
/*
 * The caller's roles (a token's own) include one of need; else SK_EPERM with
 * reason (for the UI) and why (the English message).
 */
int an_may(struct store_tx *tx, const struct principal *p, unsigned need, const char *reason,
           const char *why, unsigned *roles_out);
/* Fails the command with e's field, reason, params and message; returns rc. */
int an_tx_fail_err(struct store_tx *tx, int rc, const struct model_err *e);
char *an_dump(const json_t *v); /* compact, sorted keys; free() */
json_t *an_load(const char *s);

/* analysis_plan.c */
void analysis_register_plans(void);
/* The plan items with a due date, not in approved plans superseded…: deadline items. */
json_t *secplan_due_items(struct store_reader *r, const struct principal *p, const char *today);

#endif
