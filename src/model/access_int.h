/* Internals of the access register shared by its files in src/model. */
#ifndef SKYDD_ACCESS_INT_H
#define SKYDD_ACCESS_INT_H

#include <pthread.h>

#include <sodium.h>

#include "model/model.h"

#define CHALLENGE_MAX      256
#define CHALLENGE_TTL_US   (5 * 60 * INT64_C(1000000))
#define CHALLENGE_TRIES    5
#define THROTTLE_MAX       4096
#define THROTTLE_WINDOW_US (15 * 60 * INT64_C(1000000))
#define THROTTLE_LOGGED    5 /* failures per key and window logged one by one */

struct challenge {
	uint8_t hash[AUTH_HASH_LEN];
	int64_t identity_id;
	int64_t expires_us;
	bool enroll;
	int tries;
	bool used;
};

struct throttle {
	char key[96]; /* "u:name" or "a:address" */
	int failures;
	int64_t window_start_us;
	int64_t locked_until_us;
	int suppressed; /* failures not logged one by one */
	int inflight;   /* attempts begun and not yet decided (throttle_begin) */
};

struct model {
	struct store *store;
	char dir[4096];
	struct model_config cfg;
	uint8_t seal_key[crypto_secretbox_KEYBYTES];
	uint8_t csrf_key[32];
	char dummy_hash[AUTH_PW_HASH_SIZE]; /* verified for unknown users: same timing */
	pthread_key_t reader_key;
	pthread_mutex_t mu; /* challenges and throttles */
	struct challenge challenges[CHALLENGE_MAX];
	struct throttle throttles[THROTTLE_MAX];
};

/* access.c (and model.h: model_submit, model_time, model_tx_log …) */
int model_seal(struct model *m, const uint8_t *plain, size_t n, uint8_t *out, size_t cap,
               size_t *out_len);
int model_unseal(struct model *m, const uint8_t *sealed, size_t n, uint8_t *out, size_t cap,
                 size_t *out_len);
/* The role mask of space-separated role names (unknown names are ignored). */
unsigned model_roles_mask(const char *names);
/* Records a password hash in the history and keeps only the last AUTH_PW_HISTORY. */
int model_tx_history_add(struct store_tx *tx, int64_t id, const char *hash, const char *when);

/*
 * Separation of duties: may actor decide act (about role, for SOD_GRANT) about
 * subject's account? The rule and its table are in docs/internals/auth.md.
 * Reads roles in force on today inside the writer's transaction. SK_OK, or
 * SK_ERULE with out->reason (a stable code for the UI) and out->why (English,
 * citing the paragraph). actor 0 (the system) may decide anything.
 */
/* SOD_RESET: requesting, confirming or cancelling a password and TOTP reset. */
enum model_sod_act { SOD_GRANT, SOD_CLEARANCE, SOD_DISABLE, SOD_ENABLE, SOD_RESET };
struct model_sod {
	const char *reason;
	const char *why;
};
int model_tx_sod(struct store_tx *tx, int64_t actor, int64_t subject, enum model_sod_act act,
                 enum role role, const char *today, struct model_sod *out);

/* identity.c: a new one-time password (cap >= 21: 20 characters). */
void model_one_time_password(char *out, size_t cap);

/* reset.c: the projection of identity.reset.* entries. */
int model_apply_reset(struct store_tx *tx, const struct ledger_entry *e);

/* login.c */
int model_session_create_tx(struct store_tx *tx, int64_t identity_id, bool bearer,
                            const char *remote, const char *client, const char *method,
                            struct model *m, struct model_session *out);

#endif
