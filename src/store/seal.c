/*
 * The batch seal: the writer signs (origin, size, root) of the tree after
 * every batch and stores it in meta in the same transaction as the entries,
 * so the database's tail is always sealed by the key holder, crash or not,
 * and entries appended behind the writer's back are not (ledger.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

#define SEAL_TEXT_MAX 200

int store_seal_write(struct store *s, uint64_t size, const uint8_t root[LEDGER_HASH_LEN])
{
	uint8_t sig[LEDGER_SEAL_SIG_LEN];
	char r64[48], s64[96], text[SEAL_TEXT_MAX];
	int rc;

	rc = ledger_seal_sign(&s->signer, s->origin, size, root, sig);
	if (!rc)
		rc = sk_base64_encode(root, LEDGER_HASH_LEN, r64, sizeof(r64));
	if (!rc)
		rc = sk_base64_encode(sig, sizeof(sig), s64, sizeof(s64));
	if (rc)
		return rc;
	snprintf(text, sizeof(text), "%llu %s %s", (unsigned long long)size, r64, s64);
	return store_meta_set(&s->w, "seal", text);
}

int store_seal_read(struct store_conn *c, const struct ledger_verifier *vf, const char *origin,
                    uint64_t *size, uint8_t root[LEDGER_HASH_LEN])
{
	uint8_t sig[LEDGER_SEAL_SIG_LEN + 2];
	char text[SEAL_TEXT_MAX], *sp1, *sp2, *end;
	size_t n;
	int rc;

	rc = store_meta_get(c, "seal", text, sizeof(text));
	if (rc)
		return rc == SK_ENOTFOUND ? SK_ENOTFOUND : rc == SK_ETOOBIG ? SK_EVERIFY : rc;
	sp1 = strchr(text, ' ');
	sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
	if (!sp1 || !sp2 || text[0] < '0' || text[0] > '9')
		return SK_EVERIFY;
	*size = strtoull(text, &end, 10);
	if (end != sp1)
		return SK_EVERIFY;
	if (sk_base64_decode(sp1 + 1, (size_t)(sp2 - sp1 - 1), root, LEDGER_HASH_LEN, &n) ||
	    n != LEDGER_HASH_LEN)
		return SK_EVERIFY;
	if (sk_base64_decode(sp2 + 1, strlen(sp2 + 1), sig, sizeof(sig), &n) ||
	    n != LEDGER_SEAL_SIG_LEN)
		return SK_EVERIFY;
	return ledger_seal_verify(vf, origin, *size, root, sig);
}
