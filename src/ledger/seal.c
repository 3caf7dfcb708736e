/*
 * Batch seals: an Ed25519 signature over (origin, size, root) that the store
 * commits in the same transaction as each batch of entries, so that a tree
 * the writer produced can be told from entries appended behind its back.
 * A seal is deliberately not a C2SP note: its message holds NUL bytes, which
 * no note text may contain, so no seal can ever be taken for a checkpoint
 * (a batch whose commit fails leaves a signed root that never existed).
 */
#include <string.h>

#include <sodium.h>

#include "ledger.h"
#include "tlog_int.h"

static const char seal_domain[] = "skydd batch seal v1";

/* domain NUL origin NUL size (8 bytes, big-endian) root */
static size_t seal_message(const char *origin, uint64_t size, const uint8_t root[LEDGER_HASH_LEN],
                           uint8_t msg[LEDGER_SEAL_MSG_MAX])
{
	size_t olen = strlen(origin), n = 0;

	memcpy(msg, seal_domain, sizeof(seal_domain)); /* with its NUL */
	n += sizeof(seal_domain);
	memcpy(msg + n, origin, olen + 1);
	n += olen + 1;
	for (int i = 7; i >= 0; i--)
		msg[n++] = (uint8_t)(size >> (8 * i));
	memcpy(msg + n, root, LEDGER_HASH_LEN);
	return n + LEDGER_HASH_LEN;
}

int ledger_seal_sign(const struct ledger_signer *s, const char *origin, uint64_t size,
                     const uint8_t root[LEDGER_HASH_LEN], uint8_t sig[LEDGER_SEAL_SIG_LEN])
{
	uint8_t msg[LEDGER_SEAL_MSG_MAX];
	size_t n;

	if (!ledger_origin_valid(origin))
		return SK_EINVAL;
	n = seal_message(origin, size, root, msg);
	crypto_sign_detached(sig, NULL, msg, n, s->sk);
	return SK_OK;
}

int ledger_seal_verify(const struct ledger_verifier *v, const char *origin, uint64_t size,
                       const uint8_t root[LEDGER_HASH_LEN], const uint8_t sig[LEDGER_SEAL_SIG_LEN])
{
	uint8_t msg[LEDGER_SEAL_MSG_MAX];
	size_t n;

	if (!ledger_origin_valid(origin))
		return SK_EINVAL;
	n = seal_message(origin, size, root, msg);
	return crypto_sign_verify_detached(sig, msg, n, v->pk) == 0 ? SK_OK : SK_EVERIFY;
}
