/*
 * What the engine's files (engine_*.c) share; not the layer's face, which is
 * rules.h. engine_eval.c evaluates and keeps the server's cache,
 * engine_render.c turns raw rows into findings, engine_kinds.c says which
 * rules a change concerns, engine_history.c writes the daily snapshot and
 * sums up, engine_deadlines.c and engine_table.c answer their own questions.
 */
#ifndef SKYDD_RULES_ENGINE_INT_H
#define SKYDD_RULES_ENGINE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "rules/rules.h"

#define ENGINE_MAX_RULES 128

/* ---- engine_render.c ---- */

/* The exemptions in force today. */
struct exm {
	int64_t id;
	char *reference, *granted_by, *valid_until, *rules, *objects;
};

struct exms {
	struct exm *v;
	size_t n;
};

void engine_exms_load(struct store_reader *rd, const char *today, struct exms *x);
void engine_exms_free(struct exms *x);
/* Is word a space-separated token of list? */
bool engine_has_token(const char *list, const char *word);
/* Appends "type/id" to objs once (seen: the set so far). */
void engine_object_add(json_t *objs, json_t *seen, const char *type, json_int_t id);
/*
 * The set ("type/id" → true) of objs that viewer may not see, by
 * ledger_view's rule, in one statement. On any failure every object is in it
 * (fail closed); NULL only when there is nothing to hide from (no viewer).
 */
json_t *engine_unseen_of(struct store_reader *rd, const struct principal *viewer,
                         const json_t *objs);
/* The objects of raw rule rows ([type, id, ...]), appended to objs. */
void engine_rows_objects(const json_t *rows, json_t *objs, json_t *seen);
/* Is object in the hidden set? Without a set (no viewer) nothing is; an OOM set hides all. */
bool engine_is_unseen(const json_t *hidden, bool viewer, const char *object);
/* Does the caller's filter (NULL: all) select rule ru? */
bool engine_rule_selected(const struct rule *ru, const struct rules_filter *f);
/*
 * Appends the rendered findings of rule ru from its raw rows. hidden: the
 * objects f->viewer may not see (engine_unseen_of): their findings say what
 * rule found something and where in PMFS, not what about.
 */
void engine_render(const struct rule *ru, const json_t *rows, const struct exms *x,
                   const struct rules_filter *f, const json_t *hidden, json_t *out);
/* {"evaluated_at", "today", "findings", "errors"}, taking both arrays. */
json_t *engine_result(const char *today, json_t *findings, json_t *errors);

/* ---- engine_kinds.c ---- */

/* Does rule ru read any table of set (space-separated, space-delimited)? */
bool engine_rule_reads_any(const struct rule *ru, const char *set);
/* qsort/bsearch order of int64_t ids. */
int engine_cmp_id(const void *a, const void *b);

/* What the entries since the last evaluation touched. */
struct changes {
	char *tables;  /* space-separated tables, or NULL: evaluate everything */
	int64_t *docs; /* sorted document ids, when every entry was about a document */
	size_t ndocs;
	bool by_document; /* docs is the whole change */
};

/* Reads the entries (from, to] into c. */
void engine_changes_read(struct store_reader *rd, uint64_t from, uint64_t to, struct changes *c);
void engine_changes_free(struct changes *c);

/* ---- engine_history.c ---- */

/* The daily snapshot: counts per chapter and severity of findings (every one). */
struct snap_cmd {
	const char *day;
	json_t *findings;
};
/* The writer command (store_cmd_fn) that writes the snapshot of c->day. */
int engine_snapshot_fn(struct store_tx *tx, void *arg);

#endif
