/*
 * An identity's e-mail address, for the optional reminders of Att göra
 * (docs/internals/reminders.md). The address ends up in a mail header, so
 * the validation is the header-injection defence: one plain address, no
 * display name, nothing that a mail header gives a meaning to.
 */
#include <string.h>

#include "model/access_int.h"
#include "model/reg_int.h"

#define EMAIL_MAX  254 /* RFC 5321 4.5.3.1.3: a path of 256 octets including "<" and ">" */
#define LOCAL_MAX  64  /* 4.5.3.1.1 */
#define DOMAIN_MAX 253 /* 4.5.3.1.2 (255) less what a path leaves */
#define LABEL_MAX  63

/* RFC 5322 atext: letters, digits and these; never a space, quote, bracket, comma or colon. */
static bool atext(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

/* A dot-atom: atext runs separated by single dots, none at either end. */
static bool local_ok(const char *s, size_t n)
{
	if (n < 1 || n > LOCAL_MAX || s[0] == '.' || s[n - 1] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '.' ? s[i + 1] == '.' : !atext(s[i]))
			return false;
	}
	return true;
}

/* Host name labels (letters, digits, hyphens inside), at least two: no bare host names. */
static bool domain_ok(const char *s, size_t n)
{
	size_t label = 0, labels = 1;

	if (n < 3 || n > DOMAIN_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == '.') {
			if (label == 0 || s[i - 1] == '-')
				return false;
			label = 0;
			labels++;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      (c == '-' && label > 0)))
			return false;
		if (++label > LABEL_MAX)
			return false;
	}
	return label > 0 && s[n - 1] != '-' && labels >= 2;
}

bool model_email_valid(const char *s)
{
	const char *at;
	size_t n;

	if (!s)
		return false;
	n = strlen(s);
	if (n == 0)
		return true; /* no address: no reminders */
	at = strchr(s, '@');
	if (n > EMAIL_MAX || !at || strchr(at + 1, '@'))
		return false;
	return local_ok(s, (size_t)(at - s)) && domain_ok(at + 1, n - (size_t)(at - s) - 1);
}

struct email_cmd {
	int64_t id;
	const char *email;
};

static int email_fn(struct store_tx *tx, void *arg)
{
	struct email_cmd *c = arg;
	int64_t active = 0;
	int rc;

	rc = store_tx_int(tx, &active, "SELECT count(*) FROM identity WHERE id = ?1", "i", c->id);
	if (rc)
		return rc;
	if (!active) {
		store_tx_failr(tx, SK_ENOTFOUND, "id", "identity.not_found", NULL,
		               "no identity %lld", (long long)c->id);
		return SK_ENOTFOUND;
	}
	return model_tx_log(tx, c->id, "identity.updated", "identity", c->id,
	                    json_pack("{s:I, s:s}", "id", (json_int_t)c->id, "email", c->email));
}

int model_identity_set_email(struct model *m, const struct principal *p, const char *email,
                             struct model_err *err)
{
	struct email_cmd c = {.id = p ? p->id : 0, .email = email};

	if (!p || p->id <= 0 || p->token_id)
		return model_fail(err, SK_EPERM, NULL, "identity.email_token", NULL,
		                  "a service token has no address of its own");
	if (!email || !model_email_valid(email))
		return model_fail(err, SK_EINVAL, "email", "identity.email_format", NULL,
		                  "email: one address local@domain (at most 254 characters, no "
		                  "spaces or control characters), or empty for none");
	return model_submit(m, email_fn, &c, err);
}
