/*
 * C2SP signed notes with Ed25519: key text formats, signing and opening.
 * Byte-compatible with golang.org/x/mod/sumdb/note, so checkpoints can be
 * checked by tools outside the project.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "ledger/ledger.h"
#include "ledger/tlog_int.h"

#define NOTE_ALG_ED25519 0x01
#define NOTE_MAX_SIGS    100  /* Go's limit; the spec asks for at least 16 */
#define NOTE_MAX_SIG_LEN 8192 /* decoded bytes; post-quantum signatures are up to ~5 kB */
#define NOTE_KEY_B64_LEN 44   /* base64 of the 33 bytes alg || key */

static const char note_sig_prefix[] = "\xe2\x80\x94 "; /* U+2014 EM DASH, space */
static const char note_skey_prefix[] = "PRIVATE+KEY+";

/* Unicode White_Space, the set Go's unicode.IsSpace tests. */
static bool note_is_space(uint32_t c)
{
	return (c >= 0x09 && c <= 0x0d) || c == 0x20 || c == 0x85 || c == 0xa0 || c == 0x1680 ||
	       (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f ||
	       c == 0x205f || c == 0x3000;
}

/* Valid UTF-8 without control bytes other than newline: the alphabet of a note. */
static bool note_text_chars_ok(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t c;
	size_t i = 0, n;

	while (i < len) {
		n = sk_utf8_next(p + i, len - i, &c);
		if (n == 0 || (c < 0x20 && c != '\n'))
			return false;
		i += n;
	}
	return true;
}

/* Key names: non-empty UTF-8, no Unicode spaces, no "+", no control characters. */
static bool note_name_ok(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t c;
	size_t i = 0, n;

	if (len == 0)
		return false;
	while (i < len) {
		n = sk_utf8_next(p + i, len - i, &c);
		if (n == 0 || c < 0x20 || c == '+' || note_is_space(c))
			return false;
		i += n;
	}
	return true;
}

static uint32_t note_key_hash(const char *name, size_t len, const uint8_t pk[32])
{
	crypto_hash_sha256_state st;
	uint8_t h[crypto_hash_sha256_BYTES];
	const uint8_t sep[2] = {'\n', NOTE_ALG_ED25519};

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)name, len);
	crypto_hash_sha256_update(&st, sep, sizeof(sep));
	crypto_hash_sha256_update(&st, pk, 32);
	crypto_hash_sha256_final(&st, h);
	return (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
}

/* Exactly eight hex digits (either case, as Go's ParseUint accepts). */
static bool note_parse_hash(const char *s, size_t len, uint32_t *out)
{
	uint32_t v = 0;
	size_t i;
	char c;

	if (len != 8)
		return false;
	for (i = 0; i < len; i++) {
		c = s[i];
		if (c >= '0' && c <= '9')
			v = v << 4 | (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v << 4 | (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v = v << 4 | (uint32_t)(c - 'A' + 10);
		else
			return false;
	}
	*out = v;
	return true;
}

/*
 * Splits "name+hash+base64" into its parts and decodes the 33-byte
 * alg || key. The name cannot hold "+", so the first two "+" are the seams.
 */
static int note_parse_key_fields(const char *s, size_t len, const char **name, size_t *name_len,
                                 uint32_t *hash, uint8_t key[33])
{
	const char *plus1, *plus2, *end = s + len;
	int rc = SK_EINVAL;

	plus1 = memchr(s, '+', len);
	if (!plus1)
		goto out;
	plus2 = memchr(plus1 + 1, '+', (size_t)(end - plus1 - 1));
	if (!plus2)
		goto out;
	*name = s;
	*name_len = (size_t)(plus1 - s);
	if (*name_len > LEDGER_NOTE_NAME_MAX || !note_name_ok(s, *name_len))
		goto out;
	if (!note_parse_hash(plus1 + 1, (size_t)(plus2 - plus1 - 1), hash))
		goto out;
	if (sk_base64_decode(plus2 + 1, (size_t)(end - plus2 - 1), key, 33, NULL) != SK_OK)
		goto out;
	if (key[0] != NOTE_ALG_ED25519)
		goto out;
	rc = SK_OK;
out:
	return rc;
}

/* Writes "name+hash+base64(0x01 || pk)" (with an optional prefix) into out. */
static int note_format_key(char *out, size_t cap, const char *prefix, const char *name,
                           uint32_t hash, const uint8_t key[32])
{
	uint8_t raw[33];
	char b64[NOTE_KEY_B64_LEN + 1];
	int n, rc = SK_OK;

	raw[0] = NOTE_ALG_ED25519;
	memcpy(raw + 1, key, 32);
	rc = sk_base64_encode(raw, sizeof(raw), b64, sizeof(b64));
	if (rc != SK_OK)
		goto out;
	n = snprintf(out, cap, "%s%s+%08x+%s", prefix, name, (unsigned)hash, b64);
	if (n < 0 || (size_t)n >= cap) {
		sodium_memzero(out, cap);
		rc = SK_ETOOBIG;
	}
out:
	/* key may be a private seed. */
	sodium_memzero(raw, sizeof(raw));
	sodium_memzero(b64, sizeof(b64));
	return rc;
}

int ledger_note_keygen(const char *name, char *skey, size_t skey_cap, char *vkey, size_t vkey_cap)
{
	uint8_t pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	size_t len = strlen(name);
	uint32_t hash;
	int rc = SK_EINVAL;

	if (len > LEDGER_NOTE_NAME_MAX || !note_name_ok(name, len))
		goto out;
	if (sodium_init() < 0) {
		rc = SK_EINTERNAL;
		goto out;
	}
	crypto_sign_keypair(pk, sk);
	hash = note_key_hash(name, len, pk);
	/* libsodium's secret key is seed || public key; the text form carries the seed. */
	rc = note_format_key(skey, skey_cap, note_skey_prefix, name, hash, sk);
	if (rc != SK_OK)
		goto out_wipe;
	rc = note_format_key(vkey, vkey_cap, "", name, hash, pk);
	if (rc != SK_OK)
		sodium_memzero(skey, skey_cap);
out_wipe:
	sodium_memzero(sk, sizeof(sk));
out:
	return rc;
}

int ledger_signer_parse(const char *skey, size_t len, struct ledger_signer *out)
{
	const size_t plen = sizeof(note_skey_prefix) - 1;
	uint8_t key[33], pk[crypto_sign_PUBLICKEYBYTES];
	const char *name;
	size_t name_len;
	uint32_t hash;
	int rc = SK_EINVAL;

	memset(out, 0, sizeof(*out));
	if (len < plen || memcmp(skey, note_skey_prefix, plen) != 0)
		goto out;
	rc = note_parse_key_fields(skey + plen, len - plen, &name, &name_len, &hash, key);
	if (rc != SK_OK)
		goto out_wipe;
	crypto_sign_seed_keypair(pk, out->sk, key + 1);
	if (note_key_hash(name, name_len, pk) != hash) {
		rc = SK_EINVAL;
		goto out_wipe;
	}
	memcpy(out->name, name, name_len);
	out->name[name_len] = '\0';
	out->key_hash = hash;
	rc = SK_OK;
out_wipe:
	sodium_memzero(key, sizeof(key));
	if (rc != SK_OK)
		ledger_signer_wipe(out);
out:
	return rc;
}

void ledger_signer_wipe(struct ledger_signer *s)
{
	if (s)
		sodium_memzero(s, sizeof(*s));
}

int ledger_signer_vkey(const struct ledger_signer *s, char *out, size_t cap)
{
	return note_format_key(out, cap, "", s->name, s->key_hash, s->sk + 32);
}

int ledger_verifier_parse(const char *vkey, size_t len, struct ledger_verifier *out)
{
	uint8_t key[33];
	const char *name;
	size_t name_len;
	uint32_t hash;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = note_parse_key_fields(vkey, len, &name, &name_len, &hash, key);
	if (rc != SK_OK)
		goto out;
	if (note_key_hash(name, name_len, key + 1) != hash) {
		rc = SK_EINVAL;
		goto out;
	}
	memcpy(out->name, name, name_len);
	out->name[name_len] = '\0';
	out->key_hash = hash;
	memcpy(out->pk, key + 1, 32);
out:
	return rc;
}

int ledger_note_sign(const char *text, size_t len, const struct ledger_signer *s, struct buf *out)
{
	uint8_t sig[4 + crypto_sign_BYTES];
	char b64[sizeof(sig) / 3 * 4 + 5];
	size_t start = out->len;
	int rc = SK_EINVAL;

	if (len == 0 || text[len - 1] != '\n' || !note_text_chars_ok(text, len))
		goto out;
	sig[0] = (uint8_t)(s->key_hash >> 24);
	sig[1] = (uint8_t)(s->key_hash >> 16);
	sig[2] = (uint8_t)(s->key_hash >> 8);
	sig[3] = (uint8_t)s->key_hash;
	crypto_sign_detached(sig + 4, NULL, (const unsigned char *)text, len, s->sk);
	rc = sk_base64_encode(sig, sizeof(sig), b64, sizeof(b64));
	if (rc != SK_OK)
		goto out;
	buf_append(out, text, len);
	buf_putc(out, '\n');
	buf_puts(out, note_sig_prefix);
	buf_puts(out, s->name);
	buf_putc(out, ' ');
	buf_puts(out, b64);
	rc = buf_putc(out, '\n');
	/* Never leave half a note behind; the buffer's sticky error stays set. */
	if (rc != SK_OK && out->ptr && start <= out->len) {
		out->len = start;
		out->ptr[start] = '\0';
	}
out:
	return rc;
}

/* The offset of the last "\n\n" in s, or len when there is none. */
static size_t note_last_blank(const char *s, size_t len)
{
	size_t i;

	for (i = len; i >= 2; i--) {
		if (s[i - 2] == '\n' && s[i - 1] == '\n')
			return i - 2;
	}
	return len;
}

/* Is (name, hash) one of the verifiers? Names and hashes are public, so plain compares do. */
static const struct ledger_verifier *note_find(const struct ledger_verifier *v, size_t nv,
                                               const char *name, size_t name_len, uint32_t hash)
{
	size_t i;

	for (i = 0; i < nv; i++) {
		if (v[i].key_hash == hash && strlen(v[i].name) == name_len &&
		    memcmp(v[i].name, name, name_len) == 0)
			return &v[i];
	}
	return NULL;
}

/*
 * Checks one signature line (without its newline) against the text. Sets
 * *verified when a known key's signature verifies; returns SK_EINVAL for a
 * malformed line and SK_EVERIFY when a known key's signature is bad.
 */
static int note_check_line(const char *line, size_t len, const char *text, size_t text_len,
                           const struct ledger_verifier *v, size_t nv, bool *verified)
{
	const size_t plen = sizeof(note_sig_prefix) - 1;
	const struct ledger_verifier *known;
	uint8_t sig[NOTE_MAX_SIG_LEN];
	const char *name, *space, *b64;
	size_t name_len, b64_len, sig_len = 0;
	uint32_t hash;
	int rc = SK_EINVAL;

	if (len < plen || memcmp(line, note_sig_prefix, plen) != 0)
		goto out;
	name = line + plen;
	space = memchr(name, ' ', len - plen);
	if (!space)
		goto out;
	name_len = (size_t)(space - name);
	b64 = space + 1;
	b64_len = (size_t)(line + len - b64);
	if (!note_name_ok(name, name_len) || b64_len == 0)
		goto out;
	if (sk_base64_decode(b64, b64_len, sig, sizeof(sig), &sig_len) != SK_OK || sig_len < 5)
		goto out;
	hash = (uint32_t)sig[0] << 24 | (uint32_t)sig[1] << 16 | (uint32_t)sig[2] << 8 | sig[3];
	known = note_find(v, nv, name, name_len, hash);
	rc = SK_OK;
	/* The spec says to ignore signatures by keys we do not know. */
	if (!known)
		goto out;
	if (sig_len != 4 + crypto_sign_BYTES ||
	    crypto_sign_verify_detached(sig + 4, (const unsigned char *)text, text_len,
	                                known->pk) != 0) {
		rc = SK_EVERIFY;
		goto out;
	}
	*verified = true;
out:
	return rc;
}

/*
 * Unlike Go, every signature by a known key is checked, repeats included:
 * one bad signature by a key we trust means someone is forging, and the
 * spec lets us reject the whole note for it.
 */
int ledger_note_open(const char *note, size_t len, const struct ledger_verifier *v, size_t nv,
                     size_t *text_len)
{
	const char *sigs, *end = note + len, *nl;
	bool verified = false;
	size_t split, nsigs = 0;
	int rc = SK_EINVAL;

	if (len == 0 || !note_text_chars_ok(note, len))
		goto out;
	split = note_last_blank(note, len);
	if (split == len)
		goto out;
	sigs = note + split + 2;
	if (sigs == end || end[-1] != '\n')
		goto out;
	while (sigs < end) {
		if (++nsigs > NOTE_MAX_SIGS) {
			rc = SK_EINVAL;
			goto out;
		}
		nl = memchr(sigs, '\n', (size_t)(end - sigs));
		rc = note_check_line(sigs, (size_t)(nl - sigs), note, split + 1, v, nv, &verified);
		if (rc != SK_OK)
			goto out;
		sigs = nl + 1;
	}
	rc = verified ? SK_OK : SK_EVERIFY;
	if (rc == SK_OK && text_len)
		*text_len = split + 1;
out:
	return rc;
}
