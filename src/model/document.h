/*
 * The register of classified documents (3 kap. PMFS 2022:1): documents,
 * their copies (exemplar), receipts (kvittenser), shipments and the
 * destruction of copies. This header is what other slices may call: the one
 * visibility rule (for single reads and as an SQL fragment for lists), the
 * redaction of classified titles in ledger entries, and transaction-level
 * create functions that an import runs inside one writer command.
 *
 * Every entry about a document, its copies, receipts, shipments and
 * destructions has the object "document/ID".
 */
#ifndef SKYDD_DOCUMENT_H
#define SKYDD_DOCUMENT_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "model/model.h"
#include "store/store.h"

/* The text that replaces a classified title for someone not cleared for it. */
#define DOCUMENT_TITLE_REDACTED "[classified title]"

/* ---- classes ---- */

/* The rank of a class: BH 1, K 2, H 3, KH 4; 0 for anything else. */
int document_class_rank(const char *cls);
/* Is a class at least K (konfidentiell)? */
bool document_class_k_plus(const char *cls);

/* ---- visibility (the brief's rule, implemented once) ---- */

/*
 * Who sees a document: its class is within the caller's clearance AND (the
 * caller's person is on its need-to-know list OR the caller holds registrar,
 * ssc or auditor). admin alone sees nothing classified.
 */
bool document_sees_all(const struct principal *p); /* registrar, ssc or auditor */
/* May p read a document of class cls? (the clearance half of the rule) */
bool document_cleared(const struct principal *p, const char *cls);

/*
 * The rule as an SQL condition on a document row aliased `d` (pass the alias
 * as a string literal: DOCUMENT_VISIBLE_SQL("d")). It uses the parameters
 * ?90 (the caller's clearance rank 0..4), ?91 (1 when the caller sees all
 * documents within clearance) and ?92 (the caller's identity id); bind them
 * with document_visible_bind(). Lists and searches of any slice use it, so
 * the rule is the same everywhere.
 */
#define DOCUMENT_VISIBLE_SQL(d)                                                                    \
	"((CASE " d ".class WHEN 'BH' THEN 1 WHEN 'K' THEN 2 WHEN 'H' THEN 3 WHEN 'KH' THEN 4 "    \
	"ELSE 9 END) <= ?90 AND (?91 = 1 OR EXISTS (SELECT 1 FROM document_access va JOIN "        \
	"person vp ON vp.id = va.person_id WHERE va.document_id = " d                              \
	".id AND vp.identity_id = ?92)))"
void document_visible_bind(struct store_q *q, const struct principal *p);

/*
 * Does p see document id? Reads through r (a reader inside or outside a
 * snapshot) or tx. Returns false for a missing document too.
 */
bool document_visible(struct store_reader *r, const struct principal *p, int64_t id);
bool document_tx_visible(struct store_tx *tx, const struct principal *p, int64_t id);

/*
 * The check before any read of one document: SK_OK when p sees it;
 * SK_ENOTFOUND when it does not exist or p may not see it (then a
 * "document.access.denied" entry is appended for an existing document).
 * Answer 404 in both cases.
 */
int document_check_read(struct model *m, const struct principal *p, int64_t id);

/*
 * Redacts a ledger entry (the decoded JSON of one entry, changed in place)
 * for p: when the object is "document/ID", the document's title is
 * classified and p is not cleared for its class, every "title" in the data
 * becomes DOCUMENT_TITLE_REDACTED. Returns true when something was replaced.
 */
bool document_redact_entry(struct store_reader *r, const struct principal *p, json_t *entry);

/* ---- transaction-level creation (import runs these in one writer command) ---- */

struct document_new {
	const char *designation; /* NULL or "": the next by the pattern doc.pattern */
	const char *title;
	bool title_classified;
	const char *cls;  /* BH K H KH */
	const char *form; /* physical electronic */
	int64_t pages;    /* 0 = not given (required for K+ physical, 3 kap. 4 §) */
	int64_t attachments;
	const char *originator;    /* NULL/"" = own organisation */
	const char *case_number;   /* diarienummer, NULL = "" */
	int64_t system_id;         /* electronic: the approved system (3 kap. 1 §); 0 = none */
	const char *document_date; /* NULL or YYYY-MM-DD */
	const char *registered_on; /* NULL = today */
	const int64_t *access;     /* need-to-know persons */
	size_t n_access;
	int64_t token_id; /* the service token making the request, or 0 */
};

struct copy_new {
	int64_t holder_id;               /* a person (under kontroll), or 0 */
	int64_t space_id;                /* an approved container, or 0 (one of the two) */
	int64_t decision_id;             /* KH: the head's unused kh_copy decision */
	const char *last_inventoried_on; /* NULL, or YYYY-MM-DD (import) */
	const char *paper_ref; /* holder given, K+ physical: a signed paper receipt, else pending */
	int64_t token_id;
};

/*
 * Validates d against the current state and appends "document.created"
 * (the object document/ID). Field errors name the field via store_tx_fail:
 * SK_EINVAL (bad value), SK_ENOTFOUND (a person/system missing), SK_EEXIST
 * (designation taken), SK_ERULE (a PMFS rule, e.g. pages for K+ physical,
 * system below the class). *id receives the new id.
 */
int document_tx_create(struct store_tx *tx, int64_t actor, const struct document_new *d,
                       int64_t *id);

/*
 * Adds the next copy of a document: "copy.created" (and "receipt.created"
 * when it is issued to a person and the document is K+ physical). Same
 * returns as document_tx_create. *id receives the copy's id.
 */
int copy_tx_create(struct store_tx *tx, int64_t actor, int64_t document_id,
                   const struct copy_new *c, int64_t *id);

/* The next designation by the pattern (e.g. "{YYYY}-{N:4}" → "2026-0001"). */
int document_tx_next_designation(struct store_tx *tx, char *out, size_t cap);

/* ---- the register's commands (the API and CLI call these) ---- */

/*
 * All return SK_OK, SK_EINVAL / SK_ENOTFOUND / SK_EEXIST / SK_ERULE (err
 * names the field), SK_EPERM (p may not write the register), or a store
 * error. p must hold registrar or ssc unless said otherwise; a document p
 * may not see is SK_ENOTFOUND.
 */
int document_create(struct model *m, const struct principal *p, const struct document_new *d,
                    int64_t *id, struct model_err *err);

struct document_patch {
	const char *title;    /* NULL = unchanged */
	int title_classified; /* -1 = unchanged */
	int64_t pages;        /* -1 = unchanged */
	int64_t attachments;  /* -1 = unchanged */
	const char *originator, *case_number, *document_date;
	int64_t system_id;  /* -1 = unchanged */
	const char *status; /* active, closed */
};
int document_update(struct model *m, const struct principal *p, int64_t id,
                    const struct document_patch *d, struct model_err *err);
int document_access_change(struct model *m, const struct principal *p, int64_t id,
                           const int64_t *persons, size_t n, bool remove, struct model_err *err);

/* count copies of a document; *first_id is the first new copy. */
int copy_create(struct model *m, const struct principal *p, int64_t document_id,
                const struct copy_new *c, int count, int64_t *first_id, struct model_err *err);

enum copy_act {
	COPY_ISSUE,   /* person_id */
	COPY_RETURN,  /* space_id optional: back in the register or in a container */
	COPY_STORE,   /* space_id */
	COPY_ARCHIVE, /* space_id optional */
	COPY_LOST,    /* note */
	COPY_DESTROY, /* method, destroyed_on, performer_id, witness_id */
	COPY_SHIP     /* distributor_id, recipient, sent_on */
};

struct copy_action {
	enum copy_act act;
	int64_t person_id;
	int64_t space_id;
	const char *note;
	const char *paper_ref; /* issue: a signed paper receipt instead of a pending one */
	const char *method, *destroyed_on;
	int64_t performer_id, witness_id;
	int64_t distributor_id;
	const char *recipient, *sent_on;
	int64_t result_id;   /* out: the receipt, destruction or shipment created, or 0 */
	int64_t protocol_id; /* destroy: the protocol of a destruction of several copies, or 0 */
};
int copy_act(struct model *m, const struct principal *p, int64_t copy_id, struct copy_action *a,
             struct model_err *err);

/*
 * Destruction of several copies of one document in one act (issue 15): each
 * copy gets its own destruction record and copy.destroyed entry as with
 * copy_act, all in one transaction (all or nothing), and the records share a
 * new protocol number (*protocol_id). numbers: the copies' numbers, 1..1000
 * of them, no duplicates. Field errors name "copies".
 */
#define DESTROY_MANY_MAX 1000
int copy_destroy_many(struct model *m, const struct principal *p, int64_t document_id,
                      const int64_t *numbers, size_t n, struct copy_action *a, int64_t *protocol_id,
                      struct model_err *err);
/*
 * The protocol of one act of destruction, as p may see it: {protocol: {id,
 * organisation, document: {id, designation, title, class, pages,
 * attachments}, copies: [numbers], destructions: [...], method,
 * destroyed_on, performer_name, witness_name, recorded_at, recorded_by_name}}.
 * NULL: none, or not visible to p.
 */
json_t *destruction_protocol_get(struct model *m, const struct principal *p, int64_t id);

/* The organisation's name (a setting in the ledger): printed on protocols and the register. */
#define ORG_NAME_MAX 200
int organisation_set(struct model *m, const struct principal *p, const char *name,
                     struct model_err *err);
json_t *organisation_get(struct model *m); /* {name, changed_at, changed_by} (name "" if unset) */

int shipment_deliver(struct model *m, const struct principal *p, int64_t id,
                     const char *delivered_on, const char *ref, struct model_err *err);

/*
 * The recipient signs their own pending receipt: p's person is the
 * receipt's, code is a fresh TOTP code of p's identity (single use), and
 * class_ack repeats the class shown (3 kap. 2 §). SK_EAUTH for a wrong code.
 */
int receipt_sign(struct model *m, const struct principal *p, int64_t id, const char *code,
                 const char *class_ack, struct model_err *err);
/* The registrar records a signed paper receipt. */
int receipt_paper(struct model *m, const struct principal *p, int64_t id, const char *paper_ref,
                  struct model_err *err);

/* The numbering pattern: ssc only. */
int document_pattern_set(struct model *m, const struct principal *p, const char *pattern,
                         struct model_err *err);
/* Is a numbering pattern well formed ({YYYY}, {YY}, {N} or {N:1..9}, text)? */
bool document_pattern_valid(const char *pattern);

/* ---- queries (NULL on a store error; visibility applied) ---- */

struct document_filter {
	const char *cls;   /* NULL = any */
	const char *state; /* a copy state, NULL = any */
	int64_t holder;    /* person id, 0 = any */
	bool overdue;
	const char *q;     /* designation/title/case number contains */
	bool declassified; /* include declassified documents (3 kap. 6 §) */
	unsigned limit;
	int64_t after;
};
json_t *document_list(struct model *m, const struct principal *p, const struct document_filter *f);
/* The document with copies, receipts, shipments and need-to-know list; check_read first. */
json_t *document_get(struct model *m, const struct principal *p, int64_t id);
json_t *document_history(struct model *m, const struct principal *p, int64_t id);
struct copy_filter {
	bool mine;           /* only copies held by p's person */
	const char *state;   /* NULL = any */
	int64_t document_id; /* 0 = any */
	bool overdue;        /* not inventoried in the last 12 months (3 kap. 21 §) */
	unsigned limit;
	int64_t after;
};
/* Copies: mine = p's person's only; else those of documents p sees. */
json_t *copy_list(struct model *m, const struct principal *p, const struct copy_filter *f);
/* The document id of a copy/receipt/shipment/destruction (0 when none). */
int64_t copy_document(struct model *m, int64_t copy_id);
int64_t receipt_document(struct model *m, int64_t receipt_id);
int64_t shipment_document(struct model *m, int64_t shipment_id);
int64_t destruction_document(struct model *m, int64_t destruction_id);
json_t *copy_get(struct model *m, const struct principal *p, int64_t id);
json_t *receipt_list(struct model *m, const struct principal *p, bool mine, const char *state);
json_t *receipt_get(struct model *m, const struct principal *p, int64_t id);
json_t *destruction_get(struct model *m, const struct principal *p, int64_t id);
json_t *document_pattern_get(struct model *m);

/* The person of an identity (0 when none). */
int64_t document_person_of(struct store_reader *r, int64_t identity_id);

#endif
