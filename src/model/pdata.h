/*
 * A person's sensitive personnel-security data (6 kap. PMFS 2022:1: what a
 * vetting interview found, the information kept for follow-up), encrypted
 * with a key of that person's own so that culling (gallring) can destroy it
 * while the ledger, which holds only the ciphertext, still verifies
 * (crypto-shredding; docs/internals/personnel.md).
 *
 * A sealed value is the text "pd1:" followed by base64 of nonce ‖
 * ciphertext (XChaCha20-Poly1305). The associated data binds it to the
 * person and the field, so a value moved to another person or field does
 * not open. The person's 32-byte key lives in person_key, outside the ledger
 * and every projection, itself sealed with the instance's secret key
 * (model_seal): a copy of the database without the secrets file opens
 * nothing. Culling deletes the key row with secure_delete on and truncates
 * the WAL after the commit (store_tx_shred).
 */
#ifndef SKYDD_MODEL_PDATA_H
#define SKYDD_MODEL_PDATA_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "model/model.h"

#define PDATA_PREFIX "pd1:"
/* The longest plain text sealed (bytes): a vetting's notes. */
#define PDATA_PLAIN_MAX 8000

/*
 * In the writer: seals plain (1..PDATA_PLAIN_MAX bytes) for person's field,
 * making the person's key on first use. SK_OK with *out a new JSON string;
 * SK_ERULE (the transaction failed with reason personnel.culled) when the
 * person's data was culled: nothing new is kept for them.
 */
int pdata_tx_seal(struct store_tx *tx, struct model *m, int64_t person, const char *field,
                  const char *plain, json_t **out);

/*
 * Opens a sealed value of person's field: SK_OK with *plain (malloc'd, the
 * caller frees); SK_ENOTFOUND when the key is gone (culled); SK_ECORRUPT
 * when the value is not one this person's key sealed for this field.
 */
int pdata_open(struct model *m, struct store_reader *r, int64_t person, const char *field,
               const char *sealed, char **plain);

/* Is v a sealed value (a string starting with PDATA_PREFIX)? */
bool pdata_is_sealed(const json_t *v);

/*
 * In the writer: destroys person's key (culling). The caller records the
 * decision as an entry in the same transaction. SK_OK also when there was
 * no key.
 */
int pdata_tx_cull(struct store_tx *tx, int64_t person);

/* Was person's data culled (a culling recorded, or no key while sealed values exist)? */
bool pdata_has_key(struct store_reader *r, int64_t person);

#endif
