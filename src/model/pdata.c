/* A person's sensitive personnel-security data, encrypted per person (pdata.h). */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "model/access_int.h"
#include "model/pdata.h"

#define KEY_LEN     crypto_aead_xchacha20poly1305_ietf_KEYBYTES
#define NONCE_LEN   crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define MAC_LEN     crypto_aead_xchacha20poly1305_ietf_ABYTES
#define WRAPPED_MAX (KEY_LEN + 64)
#define AD_MAX      160

static const char ad_domain[] = "skydd pdata v1";

/* domain NUL person (8 bytes, big-endian) field */
static size_t ad_make(int64_t person, const char *field, uint8_t ad[AD_MAX])
{
	size_t n = sizeof(ad_domain), flen = strlen(field);

	memcpy(ad, ad_domain, sizeof(ad_domain));
	for (int i = 7; i >= 0; i--)
		ad[n++] = (uint8_t)((uint64_t)person >> (8 * i));
	if (flen > AD_MAX - n)
		flen = AD_MAX - n;
	memcpy(ad + n, field, flen);
	return n + flen;
}

/* Reads and unseals person's key (SK_ENOTFOUND: none). */
static int key_read(struct model *m, struct store_q *q, uint8_t key[KEY_LEN])
{
	uint8_t wrapped[WRAPPED_MAX];
	size_t n = 0, out = 0;
	int rc = store_q_step(q);

	if (rc)
		return rc;
	const void *b = store_q_blob(q, 0, &n);

	if (!b || n > sizeof(wrapped)) {
		rc = SK_ECORRUPT;
	} else {
		memcpy(wrapped, b, n);
		rc = model_unseal(m, wrapped, n, key, KEY_LEN, &out);
		if (!rc && out != KEY_LEN)
			rc = SK_ECORRUPT;
	}
	sodium_memzero(wrapped, sizeof(wrapped));
	return rc;
}

static int tx_key(struct store_tx *tx, struct model *m, int64_t person, uint8_t key[KEY_LEN])
{
	uint8_t wrapped[WRAPPED_MAX];
	char t[SK_TIME_LEN + 1];
	struct store_q *q;
	size_t n = 0;
	int64_t culled = 0;
	int rc = store_tx_query(tx, "SELECT key FROM person_key WHERE person_id = ?1", &q);

	if (rc)
		return rc;
	store_q_bind_int(q, 1, person);
	rc = key_read(m, q, key);
	store_q_done(q);
	if (rc != SK_ENOTFOUND)
		return rc;
	/* no key: a first value, unless the person's data was culled */
	if ((rc = store_tx_int(tx, &culled,
	                       "SELECT count(*) FROM person WHERE id = ?1 AND culled_on IS NOT "
	                       "NULL",
	                       "i", person)))
		return rc;
	if (culled)
		return store_tx_failr(tx, SK_ERULE, "person_id", "personnel.culled", NULL,
		                      "person %lld's personnel-security data was culled",
		                      (long long)person);
	randombytes_buf(key, KEY_LEN);
	rc = model_seal(m, key, KEY_LEN, wrapped, sizeof(wrapped), &n);
	model_time(store_tx_now(tx), t);
	if (!rc)
		rc = store_tx_run(tx,
		                  "INSERT INTO person_key (person_id, key, created_at) VALUES (?1, "
		                  "?2, ?3)",
		                  "ibt", person, (const void *)wrapped, n, t);
	sodium_memzero(wrapped, sizeof(wrapped));
	return rc;
}

int pdata_tx_seal(struct store_tx *tx, struct model *m, int64_t person, const char *field,
                  const char *plain, json_t **out)
{
	size_t plen = strlen(plain), blen = NONCE_LEN + plen + MAC_LEN, adlen;
	uint8_t key[KEY_LEN], ad[AD_MAX], *box;
	char *text;
	int rc;

	*out = NULL;
	if (plen == 0 || plen > PDATA_PLAIN_MAX)
		return SK_EINVAL;
	if ((rc = tx_key(tx, m, person, key)))
		return rc;
	box = malloc(blen);
	text = malloc(sizeof(PDATA_PREFIX) + 4 * ((blen + 2) / 3) + 1);
	if (!box || !text) {
		rc = SK_ENOMEM;
		goto out;
	}
	adlen = ad_make(person, field, ad);
	randombytes_buf(box, NONCE_LEN);
	crypto_aead_xchacha20poly1305_ietf_encrypt(box + NONCE_LEN, NULL, (const uint8_t *)plain,
	                                           plen, ad, adlen, NULL, box, key);
	memcpy(text, PDATA_PREFIX, sizeof(PDATA_PREFIX) - 1);
	rc = sk_base64_encode(box, blen, text + sizeof(PDATA_PREFIX) - 1, 4 * ((blen + 2) / 3) + 1);
	if (!rc && !(*out = json_string(text)))
		rc = SK_ENOMEM;
out:
	sodium_memzero(key, sizeof(key));
	free(box);
	free(text);
	return rc;
}

bool pdata_is_sealed(const json_t *v)
{
	return json_is_string(v) &&
	       strncmp(json_string_value(v), PDATA_PREFIX, sizeof(PDATA_PREFIX) - 1) == 0;
}

int pdata_open(struct model *m, struct store_reader *r, int64_t person, const char *field,
               const char *sealed, char **plain)
{
	size_t slen, cap, blen = 0, adlen;
	uint8_t key[KEY_LEN], ad[AD_MAX], *box = NULL;
	unsigned long long plen = 0;
	struct store_q *q;
	int rc;

	*plain = NULL;
	if (!r || !sealed || strncmp(sealed, PDATA_PREFIX, sizeof(PDATA_PREFIX) - 1) != 0)
		return SK_ECORRUPT;
	sealed += sizeof(PDATA_PREFIX) - 1;
	slen = strlen(sealed);
	cap = slen / 4 * 3 + 3;
	if (cap < NONCE_LEN + MAC_LEN || cap > NONCE_LEN + MAC_LEN + PDATA_PLAIN_MAX + 3)
		return SK_ECORRUPT;
	if ((rc = store_reader_query(r, "SELECT key FROM person_key WHERE person_id = ?1", &q)))
		return rc;
	store_q_bind_int(q, 1, person);
	rc = key_read(m, q, key);
	store_q_done(q);
	if (rc)
		return rc;
	box = malloc(cap);
	*plain = box ? malloc(cap + 1) : NULL;
	if (!*plain) {
		rc = SK_ENOMEM;
		goto out;
	}
	if (sk_base64_decode(sealed, slen, box, cap, &blen) || blen < NONCE_LEN + MAC_LEN) {
		rc = SK_ECORRUPT;
		goto out;
	}
	adlen = ad_make(person, field, ad);
	if (crypto_aead_xchacha20poly1305_ietf_decrypt((uint8_t *)*plain, &plen, NULL,
	                                               box + NONCE_LEN, blen - NONCE_LEN, ad, adlen,
	                                               box, key) != 0) {
		rc = SK_ECORRUPT;
		goto out;
	}
	(*plain)[plen] = '\0';
out:
	sodium_memzero(key, sizeof(key));
	free(box);
	if (rc) {
		free(*plain);
		*plain = NULL;
	}
	return rc;
}

int pdata_tx_cull(struct store_tx *tx, int64_t person)
{
	int rc = store_tx_run(tx, "DELETE FROM person_key WHERE person_id = ?1", "i", person);

	if (!rc)
		store_tx_shred(tx);
	return rc;
}

bool pdata_has_key(struct store_reader *r, int64_t person)
{
	struct store_q *q;
	bool yes;

	if (!r || store_reader_query(r, "SELECT 1 FROM person_key WHERE person_id = ?1", &q))
		return false;
	store_q_bind_int(q, 1, person);
	yes = store_q_step(q) == SK_OK;
	store_q_done(q);
	return yes;
}
