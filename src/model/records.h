/*
 * The records registers (3 kap. PMFS 2022:1 and 5 kap. 8–10 §§): persons,
 * approved spaces, information systems, approved distributors and storage
 * media, all registers defined as data (model/register.h); here what other
 * slices check inside their own writer commands.
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
 * Persons, approved spaces (5 kap. 8–10 §§), information systems, approved
 * distributors (3 kap. 12 §) and storage media (3 kap. 11, 21–24 §§) are
 * registers defined as data: model/register.h (reg_run, reg_get, reg_list)
 * with the definitions in reg_persons.c, reg_spaces.c, reg_systems.c,
 * reg_distributors.c and reg_media.c.
 */

#endif
