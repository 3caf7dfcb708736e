/*
 * rules: the compliance engine. A rule is data (rules_table in table.c): a
 * stable id, the paragraph it checks (PMFS 2022:1, or SäkF 2021:955), a
 * severity, what the paragraph requires and how to remedy (sv, en), the
 * tables it reads and one SQL query over the registers that returns the
 * objects failing it. Findings are the rows; an exemption (8 kap. 2 §) covers
 * them but never hides them. The engine evaluates every rule on demand and,
 * after the ledger has grown, only the rules whose tables the new entries
 * touched. Knows the registers' tables by SQL only.
 */
#ifndef SKYDD_RULES_H
#define SKYDD_RULES_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "model/model.h"
#include "store/store.h"
#include "util/util.h"

enum rule_severity { SEV_LOW, SEV_MEDIUM, SEV_HIGH };

const char *rules_severity_name(enum rule_severity s);
int rules_severity_parse(const char *s); /* or -1 */

/*
 * One rule. sql takes ?1 = today (YYYY-MM-DD) and returns, per failing
 * object, the columns: object_type, object_id, label (shown to whoever may
 * see the object; never a classified title), class (the object's
 * säkerhetsskyddsklass or NULL: the label is shown only within clearance),
 * since (date or time from which it holds), due (date, or NULL).
 */
struct rule {
	const char *id;
	const char *source; /* "PMFS 2022:1" or "SäkF 2021:955" */
	int chapter, section;
	const char *point; /* "1 st." … or NULL */
	enum rule_severity severity;
	const char *title_sv, *title_en;
	const char *requires_sv, *requires_en;
	const char *remedy_sv, *remedy_en;
	const char *msg_sv, *msg_en; /* "%s" = the object's label */
	const char *tables;          /* space-separated tables the query reads */
	const char *sql;
	const char *tests; /* the tests that cover it (space-separated) */
	/*
	 * What must exist for the rule to mean anything (a rules_need id), or
	 * NULL: over an empty register a rule passes vacuously, and its chapter
	 * is "not checked" rather than green. NULL where an empty register is
	 * itself an answer (no incidents, no lost copies, no outsourcing).
	 */
	const char *needs;
};

/*
 * A register a rule needs (rules_need). sql returns a row when the register
 * holds something to check; missing_sv/en say what is missing.
 */
struct rules_need {
	const char *id;
	const char *sql;
	const char *missing_sv, *missing_en;
};
const struct rules_need *rules_needs(size_t *n);
const struct rules_need *rules_need_find(const char *id);

/*
 * Who may see rule ru's findings at all (role bits), or 0: everyone, with
 * need-to-know per object. The rules over data only some roles may know of
 * (vetting and registerkontroll, 6 kap.: ids "vetting.…", "regcheck.…") give
 * the others no finding, not even a hidden one: the title alone would say
 * too much about a person.
 */
unsigned rules_readers(const struct rule *ru);

/* The rule table, and its length. */
const struct rule *rules_table(size_t *n);
const struct rule *rules_find(const char *id);
/* "3 kap. 21 §" (+ " " point), into out. */
void rules_ref(const struct rule *r, char *out, size_t cap);

/* A paragraph of PMFS 2022:1 (paragraphs.c): every one, in order. */
struct rules_paragraph {
	int chapter, section;
	const char *summary; /* what it says (English, short) */
	const char *note;    /* why no rule can cover it, or how skydd meets it otherwise */
};
const struct rules_paragraph *rules_paragraphs(size_t *n);
/* The paragraph's text (Swedish; stycken separated by newlines), or NULL (pmfs_text.c). */
const char *rules_paragraph_text(int chapter, int section);
/* The chapter titles (Swedish), 1..8. */
const char *rules_chapter_title(int chapter);

/* Deadlines (Kommande): due dates of things not yet overdue. */
struct rules_deadline_query {
	const char *kind; /* inventory, grant_review, grant_expiry, receipt, shipment, exemption */
	const char *rule; /* the rule that fires when it passes */
	const char *tables;
	/* ?1 = today, ?2 = today + horizon; columns: object_type, object_id, label,
	 * class, due, owner identity (or NULL) */
	const char *sql;
};
const struct rules_deadline_query *rules_deadline_queries(size_t *n);

/* ---- evaluation ---- */

struct rules_filter {
	const char *rule;     /* exact id, or NULL */
	int chapter, section; /* 0 = any */
	int min_severity;     /* -1 = any */
	bool only_severity;   /* severity == min_severity rather than >= */
	const char *object;   /* "type/id" exact, or NULL */
	bool open_only;       /* leave covered findings out */
	int clearance;        /* the viewer's (enum clearance): labels of objects above it are
	                         replaced by "type/id"; CLEAR_KH sees every label */
	/*
	 * The reader, or NULL (the CLI, the snapshot: every object whole). A
	 * finding about an object the reader may not see (ledger_view's rule:
	 * a document by DOCUMENT_VISIBLE_SQL, a copy ... by its document, a
	 * medium by class and register role, a space or an analysis by role)
	 * keeps rule, ref, severity, since, due and status; its object is
	 * {type, id, hidden: true} and its message the rule's title.
	 */
	const struct principal *viewer;
};

/*
 * Evaluates every rule over r's snapshot as of today and returns
 * {"evaluated_at", "today", "findings": [...], "errors": [...]}; each finding
 * {rule, source, ref, chapter, section, severity, object: {type, id, label,
 * class}, message: {sv, en}, since, due, status: open|covered, exemption}.
 * Used by `skydd check` (no cache).
 */
json_t *rules_evaluate(struct store_reader *r, const char *today, const struct rules_filter *f);

/*
 * The server's view: findings kept per rule and refreshed when the ledger
 * has grown (only the rules whose tables the new entries' kinds touch) or
 * the day changed. Takes the daily snapshot when a new day is first seen.
 * Thread-safe. Returns the same shape as rules_evaluate.
 */
json_t *rules_current(struct model *m, const struct rules_filter *f);
/*
 * The finding of rule on object ("type/id") now, as viewer sees it (NULL:
 * every object whole), or NULL when the engine reports none. For a deviation
 * made from a finding (deviation_create): the model never calls up into rules.
 */
json_t *rules_finding(struct model *m, const char *rule, const char *object,
                      const struct principal *viewer);
/*
 * Marks done the deviations made from findings that are gone (deviation_sync
 * over rules_current). Runs after each successful write request (the router),
 * never on a read; cheap when no deviation was made from a finding.
 */
int rules_sync_deviations(struct model *m, unsigned *resolved);
/* Forgets the cache (tests that switch instances). */
void rules_cache_reset(void);
/* How many rules the last rules_current evaluated (tests: incremental). */
unsigned rules_last_evaluated(void);
/* Of those, how many ran only for the documents the new entries were about. */
unsigned rules_last_by_document(void);

/*
 * The deadlines due from today until today + days: [{kind, rule, ref, object, due, owner}].
 * owner_only: only those of this identity (0 = all). viewer: as in rules_filter (NULL =
 * every object whole); a hidden deadline's object is {type, id, hidden: true}.
 */
json_t *rules_deadlines(struct store_reader *r, const char *today, int days, int64_t owner_only,
                        const struct principal *viewer);

/* Who sees every deadline (the others: their own). */
#define RULES_DEADLINES_ALL                                                                        \
	(ROLE_BIT(ROLE_SSC) | ROLE_BIT(ROLE_REGISTRAR) | ROLE_BIT(ROLE_CHIEF) |                    \
	 ROLE_BIT(ROLE_AUDITOR) | ROLE_BIT(ROLE_ADMIN))

/* The deadlines viewer may see (all or their own, by role), each object as viewer may. */
json_t *rules_deadlines_for(struct store_reader *r, const char *today, int days,
                            const struct principal *viewer);

/*
 * Summary per chapter: [{chapter, title, rules, high, medium, low, covered,
 * level, refs: [...], missing: [{need, sv, en, rules}]}]. level: "major" (an
 * open high finding), "minor" (another open finding), "unchecked" (no rule,
 * or no rule of the chapter has what it needs), "partial" (some rules lack
 * what they need), "ok" (every rule ran and passed). rd answers the needs
 * (NULL: every need is taken as met).
 */
json_t *rules_overview(struct store_reader *rd, const json_t *findings);

/* The trend: [{day, chapter, severity, open, covered}] for the last `days` days. */
json_t *rules_trend(struct store_reader *r, int days);

/* The rule table as JSON (GET /api/v1/rules, skydd rules --json). */
json_t *rules_table_json(void);
/* docs/pmfs-traceability.md, generated. */
int rules_markdown(struct buf *out);

/* ---- marks (rule_mark) ---- */
/* Records that something happened now (e.g. "verify.ok", "checkpoint.export"). */
int rules_mark(struct model *m, const char *name);

/* ---- exemptions (8 kap. 2 §) ---- */

/*
 * Registers the rules layer's projection (exemptions) with the store: called
 * next to model_register() by whoever opens the store (serve, init, verify,
 * checkpoint, the tests), since the model does not know the rules layer.
 */
void rules_register(void);

struct rules_new_exemption {
	const char *reference;
	const char *granted_by;
	const char *granted_on;
	const char *scope_rules;   /* space-separated rule ids */
	const char *scope_objects; /* space-separated "type/id", or NULL/"" */
	const char *valid_until;
	const char *note;
};
int rules_exemption_create(struct model *m, const struct principal *p,
                           const struct rules_new_exemption *e, int64_t *id, struct model_err *err);
int rules_exemption_revoke(struct model *m, const struct principal *p, int64_t id,
                           const char *reason, struct model_err *err);
json_t *rules_exemption_list(struct store_reader *r, const char *today);
json_t *rules_exemption_get(struct store_reader *r, int64_t id, const char *today);

/* ---- the calendar feed ---- */

/*
 * Creates (replacing any) the caller's feed key; key receives it (cap >= 64).
 * SK_EPERM for a service token (the feed reads as a person) or nobody.
 */
int rules_calendar_create(struct model *m, const struct principal *p, char *key, size_t cap);
int rules_calendar_revoke(struct model *m, const struct principal *p);
/* The iCalendar text (RFC 5545) for key, or SK_ENOTFOUND for an unknown key. */
int rules_calendar_feed(struct model *m, const char *key, struct buf *out);

#endif
