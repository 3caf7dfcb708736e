/*
 * model: the registers. Each register turns commands into ledger entries
 * (validated on the writer thread against the current state), applies its
 * entries to its tables (the projection), and answers queries as JSON.
 * This header is the face of the access register: identities, grants of
 * roles, sessions, service tokens, login (4 kap. 7–10 §§ PMFS 2022:1).
 */
#ifndef SKYDD_MODEL_H
#define SKYDD_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "auth/auth.h"
#include "store/store.h"
#include "util/util.h"

/* ---- roles and clearance ---- */

enum role {
	ROLE_CHIEF,
	ROLE_SSC,
	ROLE_REGISTRAR,
	ROLE_ADMIN,
	ROLE_STAFF,
	ROLE_AUDITOR,
	ROLE_RECEPTION, /* issues visitor permits and checks visits in and out (5 kap. 3 §) */
	ROLE_PERSONNEL, /* the personnel-security function: vetting, registerkontroll (6 kap.) */
	ROLE_AGENCY,    /* an agency's contact in a coordinated action plan (its measures only) */
	ROLE_COUNT
};

#define ROLE_BIT(r) (1u << (r))
#define ROLES_ANY   0u /* any authenticated identity */
/* Who reads the records registers (persons add the admin): the definitions' and the log's set. */
#define ROLES_REGISTER                                                                             \
	(ROLE_BIT(ROLE_REGISTRAR) | ROLE_BIT(ROLE_SSC) | ROLE_BIT(ROLE_CHIEF) |                    \
	 ROLE_BIT(ROLE_AUDITOR))
/*
 * Who reads the security log and the identities (GET /api/v1/ledger,
 * /identities): the route table's and the registers' description's one set.
 */
#define ROLES_SECURITY                                                                             \
	(ROLE_BIT(ROLE_SSC) | ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_CHIEF) | ROLE_BIT(ROLE_AUDITOR))
#define ROLES_ALL ((1u << ROLE_COUNT) - 1)

const char *role_name(enum role r);
int role_parse(const char *s); /* the role or -1 */
bool role_privileged(enum role r);
/* The mask of every privileged role. */
unsigned model_privileged_roles(void);
/* The role names in a mask, as a JSON array in role order. */
json_t *model_roles_json(unsigned roles);

enum clearance { CLEAR_NONE, CLEAR_BH, CLEAR_K, CLEAR_H, CLEAR_KH };
const char *clearance_name(enum clearance c);
int clearance_parse(const char *s); /* or -1 */

/*
 * The clearance in force on day `today` (an SQL expression giving YYYY-MM-DD)
 * of a person (MODEL_CLEARANCE_OF_PERSON: an expression giving person.id) or
 * of the login an identity is (MODEL_CLEARANCE_OF_IDENTITY): the highest
 * active decision of an active person whose days include today, as 'BH',
 * 'K', 'H', 'KH', or 'none' (sql/0016_clearance.sql, reg_clearances.c). The
 * one truth every check reads.
 */
#define MODEL_CLEARANCE_WHERE(where, today)                                                        \
	"coalesce((SELECT cl.class FROM clearance cl JOIN person pc ON pc.id = cl.person_id "      \
	"WHERE " where                                                                             \
	" AND pc.status = 'active' AND cl.state = 'active' AND cl.valid_from <= " today            \
	" AND (cl.valid_until IS NULL OR cl.valid_until >= " today ") ORDER BY CASE "              \
	"cl.class WHEN 'KH' THEN 4 WHEN 'H' THEN 3 WHEN 'K' THEN 2 ELSE 1 END DESC LIMIT 1), "     \
	"'none')"
#define MODEL_CLEARANCE_OF_PERSON(person, today)                                                   \
	MODEL_CLEARANCE_WHERE("cl.person_id = " person, today)
#define MODEL_CLEARANCE_OF_IDENTITY(ident, today)                                                  \
	MODEL_CLEARANCE_WHERE("pc.identity_id = " ident, today)

/* ---- the register ---- */

struct model;

struct model_config {
	unsigned idle_s;     /* session idle timeout; 0 = 1800 */
	unsigned absolute_s; /* session absolute lifetime; 0 = 43200 */
	unsigned pw_min;     /* minimum password length; 0 = 12 */
};

/*
 * Registers every register's projections with the store (before
 * store_open/verify): the access register's and each module's below.
 */
void model_register(void);
void model_register_records(void);   /* records.c: persons, spaces, systems, media … */
void model_register_documents(void); /* document.c: documents, copies, receipts … */
void model_register_decisions(void); /* decision.c: reclassification, KH decisions … */
void model_register_inventory(void); /* inventory.c: campaigns, lost cases */
void model_register_plans(void);     /* plan.c: coordinated action plans */
void model_register_analysis(void);  /* analysis.c: analyses, security plans, assessments */

/*
 * Opens the register over an open store. Loads (or creates, 0600)
 * DIR/secrets.key, which seals TOTP secrets and keys CSRF tokens.
 */
int model_open(struct store *s, const char *dir, const struct model_config *cfg,
               struct model **out);
void model_close(struct model *m);

/* This thread's reader (opened on first use, closed at thread exit). */
struct store_reader *model_reader(struct model *m);

/* ---- who is calling ---- */

struct principal {
	int64_t id; /* 0 = nobody */
	char username[65];
	char display_name[129];
	unsigned roles; /* ROLE_BIT mask, effective now */
	enum clearance clearance;
	int64_t session_id; /* or 0 */
	int64_t token_id;   /* service token, or 0 */
	bool cookie;        /* authenticated by the session cookie: CSRF applies */
	uint8_t session_hash[AUTH_HASH_LEN];
	bool touch; /* last_seen is old enough to be refreshed */
};

/* A command's failure: which field and why (English), for the API error. */
struct model_err {
	char field[64];
	char msg[200];
	int retry_after;  /* seconds, for SK_ETHROTTLED */
	char reason[48];  /* a stable code for the UI, e.g. "too_short", "document.closed" */
	char params[256]; /* a JSON object of the values the reason's text names, "" = none */
};

/*
 * Authenticates a session token (cookie or bearer "sk_…") or a service token
 * ("skt_…"). Returns SK_OK, SK_EAUTH (unknown, expired, revoked, disabled).
 */
int model_authenticate(struct model *m, const char *token, bool cookie, struct principal *p);
/* Refreshes a session's last-seen time (through the writer). */
int model_session_touch(struct model *m, const struct principal *p);
/* The CSRF token of p's session (cookie sessions only). */
int model_csrf_token(struct model *m, const struct principal *p, char out[AUTH_CSRF_LEN + 1]);
bool model_csrf_ok(struct model *m, const struct principal *p, const char *token);

/* ---- login (4 kap. 9 §) ---- */

/*
 * Step 1: checks username and password (throttled per account and per
 * address). On success returns a challenge for step 2; *enroll tells whether
 * the account must first enrol (new password + TOTP); then *totp_secret
 * (base32, cap >= 128) is filled. Failures are ledger entries. Returns SK_OK,
 * SK_EAUTH, SK_ETHROTTLED (err.retry_after), SK_EINVAL.
 */
int model_login_password(struct model *m, const char *username, const char *password,
                         const char *remote, char *challenge, size_t cap, bool *enroll,
                         char *totp_secret, size_t secret_cap, char *username_out, size_t ucap,
                         struct model_err *err);

struct model_session {
	int64_t session_id;
	int64_t identity_id;
	char token[AUTH_TOKEN_SIZE];
	char csrf[AUTH_CSRF_LEN + 1];
	int64_t expires_us;
	char recovery[AUTH_RECOVERY_COUNT][AUTH_RECOVERY_LEN + 1]; /* enrolment only */
};

/* Step 2: a TOTP code or a recovery code; creates a session. */
int model_login_totp(struct model *m, const char *challenge, const char *code,
                     const char *recovery_code, bool bearer, const char *remote, const char *client,
                     struct model_session *out, struct model_err *err);
/* First login: new password + confirm TOTP; creates a session and recovery codes. */
int model_login_enroll(struct model *m, const char *challenge, const char *new_password,
                       const char *code, bool bearer, const char *remote, const char *client,
                       struct model_session *out, struct model_err *err);
int model_logout(struct model *m, const struct principal *p);
/*
 * A TOTP code asked again after login (a receipt's signature): wrong codes
 * count per identity like failed logins (locked after 3, the wait doubling)
 * and are ledger entries "auth.reauth.failed". _wait before checking a code
 * (SK_ETHROTTLED with err.retry_after) reserves the attempt: no more run at
 * once than wrong codes are left before the lock. Every _wait that returned
 * SK_OK is followed by _result once the code is checked (what: e.g.
 * "receipt/7") or by _cancel when nothing was decided about it.
 */
int model_reauth_wait(struct model *m, int64_t identity_id, struct model_err *err);
void model_reauth_result(struct model *m, int64_t identity_id, bool ok, const char *what);
/* Gives back model_reauth_wait's reservation when the attempt decided nothing. */
void model_reauth_cancel(struct model *m, int64_t identity_id);
/*
 * model_submit(fn) between _wait and _result/_cancel for identity, whose
 * transaction checks a second factor (model_tx_totp: SK_EAUTH when wrong);
 * what_type/what_id name the object in the failure's entry ("receipt/7").
 * Document receipts (copy.c) and second-factor register commands use it.
 */
int model_submit_reauth(struct model *m, int64_t identity, const char *what_type, int64_t what_id,
                        store_cmd_fn fn, void *arg, struct model_err *err);
/*
 * A fresh TOTP code of identity id in tx, at most once per time step (as at
 * login): SK_EAUTH (the command failed on field "code") when wrong or reused.
 */
int model_tx_totp(struct store_tx *tx, struct model *m, int64_t id, const char *code);
/*
 * A wrong current password counts like a wrong signing code above (what:
 * "password"): SK_EINVAL on field current_password and an auth.reauth.failed
 * entry; SK_ETHROTTLED while locked.
 */
int model_password_change(struct model *m, const struct principal *p, const char *current,
                          const char *new_password, struct model_err *err);

/* ---- identities ---- */

struct model_new_identity {
	const char *username;
	const char *display_name;
	enum clearance clearance;
};

/*
 * Creates an identity with a one-time password (otp, cap >= 32) and a TOTP
 * secret to confirm at first login. actor 0 is the system (skydd init); any
 * other actor creates with clearance none only (SK_ERULE): the creator never
 * decides the account's clearance or roles (docs/internals/auth.md).
 */
int model_identity_create(struct model *m, int64_t actor, const struct model_new_identity *n,
                          int64_t *id, char *otp, size_t otp_cap, struct model_err *err);
/* Sets a known password and a confirmed TOTP secret (demo and tests only). */
int model_identity_set_credentials(struct model *m, int64_t id, const char *password,
                                   const uint8_t *totp_secret, size_t len);
/* The TOTP secret of an identity (base32), for skydd init's enrolment print-out. */
int model_identity_totp_secret(struct model *m, int64_t id, char *out, size_t cap);

struct model_identity_patch {
	const char *display_name; /* NULL = unchanged */
	int clearance;            /* -1 = unchanged */
	const char *status;       /* NULL = unchanged */
	const char *reason;       /* NULL or why, recorded in the entry */
	const char *email;        /* NULL = unchanged, "" = none (admin, ssc: model_email_valid) */
};
/*
 * Clearance, disabling and re-activation follow the separation-of-duties rule
 * (model_tx_sod, docs/internals/auth.md): SK_ERULE with err->field and
 * err->reason when p may not decide it.
 */
int model_identity_update(struct model *m, const struct principal *p, int64_t id,
                          const struct model_identity_patch *patch, struct model_err *err);
json_t *model_identity_get(struct model *m, int64_t id);

/*
 * An identity's clearance as a decision on its person (reg_clearances.c):
 * the person is recorded when the login has none, their active decisions
 * are withdrawn, and for a class above none a decision with basis
 * "account" is recorded from today. In the writer, after the caller's
 * separation-of-duties check.
 */
int model_tx_clearance_set(struct store_tx *tx, int64_t actor, int64_t ident, enum clearance cls);
/*
 * At start: the clearances an older release kept on identities become
 * recorded decisions (basis "migrated") on their persons. SK_OK when there
 * were none.
 */
int model_clearance_migrate(struct model *m);
json_t *model_identity_list(struct model *m);

/*
 * One e-mail address for reminders (identity_email.c): printable ASCII only,
 * local@domain within RFC 5321's limits, no space, quote, angle bracket,
 * comma or control character: nothing that could end a mail header. "" is
 * valid (no address).
 */
bool model_email_valid(const char *s);
/* The caller sets their own address ("" removes it); recorded as identity.updated. */
int model_identity_set_email(struct model *m, const struct principal *p, const char *email,
                             struct model_err *err);

/*
 * A lost password or TOTP, reset by two people (docs/internals/auth.md):
 * p requests the reset of account id with a reason (1..1000 bytes); another
 * person with the same authority confirms it within 24 hours, getting the
 * account's new one-time password in otp (cap >= 21); the account enrols
 * again at its next login, its sessions end, its service tokens are revoked.
 * Refusals: SK_ERULE with err->field and err->reason (self, creator,
 * creator_of_actor, top_account, ssc_decides, reset_pending, same_person,
 * reset_expired, reset_closed); SK_ENOTFOUND (field id or reset_id).
 */
int model_reset_request(struct model *m, const struct principal *p, int64_t id, const char *reason,
                        int64_t *reset_id, struct model_err *err);
int model_reset_confirm(struct model *m, const struct principal *p, int64_t id, int64_t reset_id,
                        char *otp, size_t otp_cap, struct model_err *err);
/* The requester, or anyone who may reset the account, withdraws a request (reason optional). */
int model_reset_cancel(struct model *m, const struct principal *p, int64_t id, int64_t reset_id,
                       const char *reason, struct model_err *err);
/* The account's pending, unexpired reset request, or JSON null. */
json_t *model_reset_pending(struct model *m, int64_t id);
/*
 * What p may decide about account id, by the rule the writer applies
 * (model_tx_sod, asked on the writer so it is the same state):
 * {disable, enable, clearance, grant_roles: [...], reset_request,
 * reset_confirm, reset_cancel}.
 */
json_t *model_identity_may(struct model *m, const struct principal *p, int64_t id);

/* ---- grants (4 kap. 8 §) ---- */

struct model_new_grant {
	int64_t identity_id;
	enum role role;
	const char *decision_ref;
	const char *valid_from;  /* YYYY-MM-DD */
	const char *valid_until; /* YYYY-MM-DD or NULL */
};

/*
 * actor decides; its roles (and the grantee's creator) are read inside the
 * writer's transaction, so a right revoked a moment ago no longer decides
 * anything. Who may grant what: model_tx_sod, docs/internals/auth.md. actor 0
 * is the system (skydd init), which may grant anything.
 */
int model_grant_create(struct model *m, int64_t actor, const struct model_new_grant *g, int64_t *id,
                       struct model_err *err);
int model_grant_review(struct model *m, const struct principal *p, int64_t id, const char *note,
                       struct model_err *err);
int model_grant_revoke(struct model *m, const struct principal *p, int64_t id, const char *reason,
                       struct model_err *err);
json_t *model_grant_get(struct model *m, int64_t id);
json_t *model_grant_list(struct model *m, int64_t identity_id /* 0 = all */);

/*
 * Records a use of a privileged right (4 kap. 27 §): a request whose access
 * rested on a privileged role alone. One ledger entry "privilege.used".
 */
int model_log_privileged_use(struct model *m, const struct principal *p, const char *method,
                             const char *route, unsigned status);

/* ---- sessions and service tokens ---- */

json_t *model_session_list(struct model *m, int64_t identity_id, int64_t current);
int model_session_revoke(struct model *m, const struct principal *p, int64_t session_id,
                         struct model_err *err);

/*
 * roles: non-privileged, and held by p now (SK_ERULE "token_roles" otherwise).
 * At each request a token's roles are cut to its creator's roles in force, and
 * it fails authentication when the creator is disabled.
 */
int model_token_create(struct model *m, const struct principal *p, const char *name, unsigned roles,
                       const char *expires_at, int64_t *id, char *secret, size_t cap,
                       struct model_err *err);
int model_token_revoke(struct model *m, const struct principal *p, int64_t id,
                       struct model_err *err);
json_t *model_token_get(struct model *m, int64_t id);
json_t *model_token_list(struct model *m);

/* Dates: is s "YYYY-MM-DD" and a real day? today = UTC date. */
bool model_date_valid(const char *s);
void model_today(char out[11]);
/* YYYY-MM-DD plus one year (Feb 29 becomes Feb 28). */
void model_plus_year(const char *d, char out[11]);

/*
 * ---- for the layers above that keep tables of their own ----
 * The rules layer (exemptions, rule marks, the daily snapshot, calendar feed
 * keys) runs its own writer commands through these, never through the model's
 * internals (access_int.h).
 */
/*
 * A grant of identity id (an SQL expression) in force on day ?2 (YYYY-MM-DD),
 * as a WHERE condition on role_grant: the one rule behind model_tx_roles_of,
 * the roles that authentication reads in the same statement as the session and
 * the calendar feed's owner.
 */
#define MODEL_GRANT_IN_FORCE(id)                                                                   \
	"identity_id = " id                                                                        \
	" AND revoked_at IS NULL AND valid_from <= ?2 AND (valid_until IS NULL "                   \
	"OR valid_until >= ?2)"

/* The store the model writes to. */
struct store *model_store(struct model *m);
/* Submits a writer command; on failure err (may be NULL) gets the command's field and reason. */
int model_submit(struct model *m, store_cmd_fn fn, void *arg, struct model_err *err);
/* A ledger time (µs since the epoch) as "YYYY-MM-DDTHH:MM:SS.ffffffZ". */
void model_time(int64_t us, char out[SK_TIME_LEN + 1]);
/* Inside a writer command: the role mask identity_id holds on today. */
unsigned model_tx_roles_of(struct store_tx *tx, int64_t identity_id, const char *today);
/* Inside a writer command: does anyone hold role r on today? */
bool model_tx_someone_has(struct store_tx *tx, enum role r, const char *today);
/* Appends an entry about object "type/id", taking ownership of data (NULL: SK_ENOMEM). */
int model_tx_log(struct store_tx *tx, int64_t actor, const char *kind, const char *type, int64_t id,
                 json_t *data);

#endif
