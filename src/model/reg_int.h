/*
 * Small helpers shared by the registers in src/model (reg_util.c): reading
 * entry data and request bodies, checking text, who acts and with what roles.
 */
#ifndef SKYDD_REG_INT_H
#define SKYDD_REG_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "model/model.h"

/* o[key] as a string: NULL when missing or not a string. */
const char *model_json_str(const json_t *o, const char *key);
/* o[key] as a string: "" when missing or not a string. */
const char *model_json_str0(const json_t *o, const char *key);
/* o[key] as an integer: 0 when missing or not an integer. */
int64_t model_json_int(const json_t *o, const char *key);

/* The control characters model_text_ok lets through; all others (and DEL unless allowed) fail. */
enum model_text_allow {
	MODEL_TEXT_NL = 1,  /* '\n' */
	MODEL_TEXT_CR = 2,  /* '\r' */
	MODEL_TEXT_TAB = 4, /* '\t' */
	MODEL_TEXT_DEL = 8, /* 0x7f */
};
#define MODEL_TEXT_LINES (MODEL_TEXT_NL | MODEL_TEXT_CR | MODEL_TEXT_TAB)

/*
 * True when s (not NULL) is valid UTF-8 without forbidden code points
 * (sk_cp_forbidden: C0 but those in allow, C1, bidi overrides and isolates;
 * DEL unless allowed) and is either empty or not only white space. Every
 * register's text goes through here, so the rule is the same for all fields.
 */
bool model_text_ok(const char *s, unsigned allow);
/*
 * model_text_ok, and s is min..max bytes of valid UTF-8. NULL: true only
 * when min is 0.
 */
bool model_text_valid(const char *s, size_t min, size_t max, unsigned allow);

/*
 * Is s a real day YYYY-MM-DD (model_date_valid) and not after today (a
 * YYYY-MM-DD too)? The one rule for dates that record the past — a
 * document's date, its registration — in the API and the import alike.
 */
bool model_date_not_future(const char *s, const char *today);

/*
 * body[key] as text of min..max bytes with no control characters but those
 * in allow (enum model_text_allow) into *out; absent or null: *out = NULL,
 * an error when required. SK_OK, or SK_EINVAL after failing the command
 * naming key.
 */
int model_tx_get_text(struct store_tx *tx, const json_t *body, const char *key, size_t min,
                      size_t max, unsigned allow, bool required, const char **out);

/* Column col of a row as JSON: null for SQL NULL, else the text / the integer. */
json_t *model_q_json_text(struct store_q *q, int col);
json_t *model_q_json_int(struct store_q *q, int col);

/*
 * Fills err for a refusal found before the writer: field (may be NULL), a
 * stable dotted reason for the UI, params (a JSON object the reason's text
 * names, taken over, may be NULL) and the English message. Returns rc.
 */
int model_fail(struct model_err *err, int rc, const char *field, const char *reason, json_t *params,
               const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/*
 * The name a user knows row id by, for an error's params: what is "person",
 * "space", "system", "distributor", "document" (its designation) or
 * "identity" (the display name), "inventory". "?" when there is no such row. Never NULL
 * but on allocation failure.
 */
json_t *model_tx_name(struct store_tx *tx, const char *what, int64_t id);

/* The acting identity's id, 0 for the system (p NULL). */
int64_t model_actor_of(const struct principal *p);
/* Adds p's service token id to data (when there is one); returns data. */
json_t *model_with_token(json_t *data, const struct principal *p);
/*
 * The caller's roles in this transaction: a service token acts with its own
 * roles, a person with the grants in force today, the system (p NULL) with all.
 */
unsigned model_tx_caller_roles(struct store_tx *tx, const struct principal *p);
#define MODEL_ROLES_SSC_CHIEF (ROLE_BIT(ROLE_SSC) | ROLE_BIT(ROLE_CHIEF))

/* SK_OK when the caller holds one of need, else fails the command with why: SK_EPERM. */
int model_tx_need_roles(struct store_tx *tx, const struct principal *p, unsigned need,
                        const char *why);

#endif
