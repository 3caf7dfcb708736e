/*
 * The records registers (3 kap. PMFS 2022:1 and 5 kap. 8–10 §§): storage
 * media here; persons, approved spaces, information systems and approved
 * distributors as registers defined as data (model/register.h).
 *
 * The records_tx_* helpers run inside another writer command (other slices:
 * documents, inventory) and read the state of that transaction.
 */
#ifndef SKYDD_MODEL_RECORDS_H
#define SKYDD_MODEL_RECORDS_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "model/model.h"

/* ---- helpers for other slices (inside a writer command) ---- */

/* SK_OK: person id exists and is active; SK_ENOTFOUND: no such person; SK_ERULE: ended. */
int records_tx_person_active(struct store_tx *tx, int64_t id);
/*
 * SK_OK: space id is an approved storage container (kind 'container') whose
 * max_class >= class (enum clearance CLEAR_BH..CLEAR_KH); SK_ENOTFOUND: no
 * such space; SK_ERULE: withdrawn, not a container, or approved for less.
 */
int records_tx_space_holds(struct store_tx *tx, int64_t space_id, int class);
/* Like records_tx_space_holds, but any kind of approved space (room or container). */
int records_tx_space_approved(struct store_tx *tx, int64_t space_id, int class);
/* SK_OK: system id is approved for class (enum clearance); SK_ENOTFOUND; SK_ERULE. */
int records_tx_system_holds(struct store_tx *tx, int64_t system_id, int class);
/* SK_OK: distributor id is approved; SK_ENOTFOUND; SK_ERULE (withdrawn). */
int records_tx_distributor_approved(struct store_tx *tx, int64_t id);
/* The person linked to an identity inside a transaction, or 0. */
int64_t records_tx_person_of_identity(struct store_tx *tx, int64_t identity_id);

/* ---- readers ---- */

/* The person linked to identity_id (person.identity_id), or 0 if none. */
int64_t records_person_of_identity(struct store_reader *r, int64_t identity_id);

/*
 * Persons, approved spaces (5 kap. 8–10 §§), information systems and
 * approved distributors (3 kap. 12 §) are registers defined as data:
 * model/register.h (reg_run, reg_get, reg_list) with the definitions in
 * reg_persons.c, reg_spaces.c, reg_systems.c and reg_distributors.c.
 */

/* ---- storage media (3 kap. 11, 21, 22–24 §§) ---- */

struct records_medium {
	const char *identifier; /* create only */
	const char *type;       /* usb disk laptop phone optical other; NULL = unchanged */
	int class;              /* 0 = unchanged */
	const char *marking;    /* NULL = unchanged (create: "CLASS IDENTIFIER") */
	int fixed;              /* -1 = unchanged; 0/1 */
	int64_t space_id;       /* 0 = none/unchanged; exactly one of space and holder */
	int64_t holder_id;      /* person */
	int64_t system_id;      /* 0 = none/unchanged; -1 = clear (update) */
};

int records_medium_create(struct model *m, const struct principal *p,
                          const struct records_medium *n, int64_t *id, struct model_err *err);
int records_medium_update(struct model *m, const struct principal *p, int64_t id,
                          const struct records_medium *patch, struct model_err *err);

struct records_medium_end {
	const char *method;   /* how (3 kap. 24 §); required */
	const char *on;       /* YYYY-MM-DD; NULL = today */
	int64_t performer_id; /* destroy: person who destroyed */
	int64_t witness_id;   /* destroy: person witnessing (0 = none) */
	const char *note;     /* lost: what is known */
};

/* kind: "decommission", "reuse", "destroy", "lost". *out_id: destruction or lost_case id. */
int records_medium_end(struct model *m, const struct principal *p, int64_t id, const char *kind,
                       const struct records_medium_end *e, int64_t *out_id, struct model_err *err);
/* NULL when missing or above p's clearance. */
json_t *records_medium_get(struct model *m, const struct principal *p, int64_t id);
json_t *records_medium_list(struct model *m, const struct principal *p, const char *state);

#endif
