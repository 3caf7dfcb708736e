/*
 * Decisions about classified documents (3 kap. PMFS 2022:1): changes of
 * class and declassification (6–7 §§), the head's decisions on KH copies,
 * extracts and carrying out (8, 20 §§), the ssc's decisions on carrying
 * abroad (19 §), the recipients of KH electronic documents (15 §) and the
 * log of KH shown or told orally (17 §). Every entry has the object
 * "document/ID" and a kind starting with "decision.".
 */
#ifndef SKYDD_DECISION_H
#define SKYDD_DECISION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "model/model.h"
#include "store/store.h"

/*
 * Every command returns SK_OK, or with err naming the field: SK_EINVAL (a
 * bad value), SK_ENOTFOUND (no such document — or one p may not see —,
 * person or identity), SK_EEXIST (already recorded), SK_ERULE (a PMFS rule;
 * the message cites the paragraph), or a store error.
 *
 * The decider is the caller, or decided_by when the caller holds registrar
 * or ssc and records a decision someone else took (the decider's roles are
 * checked on decided_on, inside the writer's transaction).
 */

struct decision_reclass {
	const char *to_class;     /* BH K H KH, or "none" (declassified) */
	const char *decided_on;   /* YYYY-MM-DD, not in the future; NULL = today */
	const char *reason;       /* why (1..500 bytes) */
	const char *consultation; /* the originator consulted (KH lowered, external); NULL */
	int64_t decided_by;       /* an identity; 0 = the caller */
};

/*
 * Changes a document's class (decision.reclassified). Lowering from KH:
 * the head, and for an external originator a consultation note (7 §).
 * Other changes: the ssc or the head. Raising is refused while a copy lies
 * in a container approved for less or the electronic document is held in a
 * system approved for less (3 kap. 1, 9 §§). *seq receives the entry's seq.
 */
int decision_reclassify(struct model *m, const struct principal *p, int64_t document_id,
                        const struct decision_reclass *r, uint64_t *seq, struct model_err *err);

struct decision_new {
	const char *kind;       /* kh_copy kh_extract kh_carry_out abroad */
	const char *decided_on; /* NULL = today */
	const char *reference;  /* the decision's reference (1..128 bytes) */
	const char *note;       /* NULL = "" */
	int64_t decided_by;     /* 0 = the caller */
};

/* Records a decision (decision.recorded); *id receives its id. */
int decision_record(struct model *m, const struct principal *p, int64_t document_id,
                    const struct decision_new *d, int64_t *id, struct model_err *err);

/* Notes recipients of a KH electronic document (decision.kh_recipient.added). */
int decision_kh_recipients_add(struct model *m, const struct principal *p, int64_t document_id,
                               const int64_t *persons, size_t n, struct model_err *err);

struct decision_disclosure {
	int64_t disclosed_by;    /* the person who showed or told */
	const char *recipient;   /* to whom (1..200 bytes) */
	const char *occurred_at; /* RFC 3339 or YYYY-MM-DD, not in the future */
	const char *how;         /* shown told */
	const char *note;        /* NULL = "" */
};

/*
 * Notes that KH was shown or told orally (decision.disclosure.noted).
 * registrar and ssc record anyone's; others only their own person's.
 */
int decision_disclosure_add(struct model *m, const struct principal *p, int64_t document_id,
                            const struct decision_disclosure *d, int64_t *id,
                            struct model_err *err);

/* ---- queries: call document_check_read() first (404 and the denial entry) ---- */

/* {"decisions": [...], "reclassifications": [...], "kh_recipients": [...]}; NULL on error. */
json_t *decision_list(struct model *m, int64_t document_id);
/* {"disclosures": [...]}; NULL on error. */
json_t *decision_disclosure_list(struct model *m, int64_t document_id);

#endif
