/*
 * The route table: every API route with the roles it needs and the fields it
 * accepts. Authorisation and validation are data here; handlers only act.
 */
#include <pthread.h>
#include <stdlib.h>

#include "http/api.h"

#define R(x)     ROLE_BIT(ROLE_##x)
#define SECURITY ROLES_SECURITY /* may read the security log (model.h) */
#define END                                                                                        \
	{                                                                                          \
		NULL, 0, false, 0, 0, NULL, NULL                                                   \
	}

static const struct api_field f_none[] = {END};

static const struct api_field f_login[] = {
        {"username", API_STRING, true, 1, 64, "the username", NULL},
        {"password", API_SECRET, true, 1, 256, "the password", NULL},
        END};

static const struct api_field f_login_totp[] = {
        {"challenge", API_STRING, true, 10, 64, "from POST /api/v1/login", NULL},
        {"code", API_STRING, false, 6, 6, "the 6-digit TOTP code", NULL},
        {"recovery_code", API_STRING, false, 12, 32, "a recovery code instead of the code", NULL},
        {"bearer", API_BOOL, false, 0, 0, "return a bearer token instead of setting the cookie",
         NULL},
        END};

static const struct api_field f_login_enroll[] = {
        {"challenge", API_STRING, true, 10, 64, "from POST /api/v1/login", NULL},
        {"new_password", API_SECRET, true, 1, 256, "the new password (4 kap. 10 §)", NULL},
        {"code", API_STRING, true, 6, 6, "a TOTP code from the newly added authenticator", NULL},
        {"bearer", API_BOOL, false, 0, 0, "return a bearer token instead of setting the cookie",
         NULL},
        END};

static const struct api_field f_password[] = {
        {"current_password", API_SECRET, true, 1, 256, "the current password", NULL},
        {"new_password", API_SECRET, true, 1, 256, "the new password (4 kap. 10 §)", NULL},
        END};

static const struct api_field f_identity_new[] = {
        {"username", API_STRING, true, 3, 64, "[a-z][a-z0-9._-]*, never reused", NULL},
        {"display_name", API_STRING, true, 1, 128, "the person's name", NULL},
        {"clearance", API_CLEARANCE, true, 0, 0,
         "none: the ssc decides it afterwards, never the creator (4 kap. 8 §)", NULL},
        END};

static const struct api_field f_identity_patch[] = {
        {"display_name", API_STRING, false, 1, 128, "the person's name", NULL},
        {"clearance", API_CLEARANCE, false, 0, 0,
         "none BH K H KH, decided by the ssc (the ssc's own: chief or another ssc)", NULL},
        {"status", API_STRING, false, 6, 8, "active or disabled", NULL},
        {"reason", API_STRING, false, 1, 1000, "why (recorded with the change)", NULL},
        {"email", API_STRING, false, 0, 254, "address for reminders, '' = none (admin, ssc)", NULL},
        END};

static const struct api_field f_reset_request[] = {
        {"reason", API_STRING, true, 1, 1000, "why the password and TOTP are reset", NULL}, END};

static const struct api_field f_reset_confirm[] = {
        {"reset_id", API_INT, true, 1, SK_JSON_MAX_INT, "the request being confirmed", NULL}, END};

static const struct api_field f_reset_cancel[] = {
        {"reset_id", API_INT, true, 1, SK_JSON_MAX_INT, "the request being withdrawn", NULL},
        {"reason", API_STRING, false, 1, 1000, "why it is withdrawn", NULL},
        END};

static const struct api_field f_grant_new[] = {
        {"identity_id", API_INT, true, 1, SK_JSON_MAX_INT, "who receives the role", NULL},
        {"role", API_ROLE, true, 0, 0, "chief ssc registrar admin staff auditor", NULL},
        {"decision_ref", API_STRING, true, 1, 128, "the decision's reference", NULL},
        {"valid_from", API_DATE, true, 0, 0, "first day (UTC)", NULL},
        {"valid_until", API_DATE, false, 0, 0, "last day; required for privileged roles", NULL},
        END};

static const struct api_field f_review[] = {
        {"note", API_TEXT, true, 1, 500, "what the review found", NULL}, END};

static const struct api_field f_revoke[] = {
        {"reason", API_TEXT, true, 1, 500, "why the grant ends", NULL}, END};

static const struct api_field f_token_new[] = {
        {"name", API_STRING, true, 1, 64, "what the integration is", NULL},
        {"roles", API_ROLES, true, 0, 0, "registrar, staff and/or auditor", NULL},
        {"expires_at", API_DATE, true, 0, 0, "last day, at most a year ahead", NULL},
        END};

static const struct api_field q_identity[] = {
        {"identity_id", API_INT, false, 1, SK_JSON_MAX_INT, "only this identity's", NULL}, END};

static const struct api_field q_ledger[] = {
        {"from", API_INT, false, 1, SK_JSON_MAX_INT, "first seq (last seq with order=desc)", NULL},
        {"limit", API_INT, false, 1, 500, "entries per page, default 50", NULL},
        {"order", API_STRING, false, 3, 4, "asc (default) or desc", NULL},
        {"actor", API_INT, false, 0, SK_JSON_MAX_INT - 1, "only this identity's entries", NULL},
        {"kind", API_STRING, false, 1, 64, "kind prefix, e.g. grant.", NULL},
        {"object", API_STRING, false, 1, 128, "exact object, e.g. identity/3", NULL},
        {"since", API_TIME, false, 0, 0, "from this time (inclusive)", NULL},
        {"until", API_TIME, false, 0, 0, "to this time (exclusive)", NULL},
        END};

static const struct api_field q_ledger_export[] = {
        {"from", API_INT, false, 1, SK_JSON_MAX_INT, "first seq", NULL},
        {"actor", API_INT, false, 0, SK_JSON_MAX_INT - 1, "only this identity's entries", NULL},
        {"kind", API_STRING, false, 1, 64, "kind prefix, e.g. grant.", NULL},
        {"object", API_STRING, false, 1, 128, "exact object, e.g. identity/3", NULL},
        {"since", API_TIME, false, 0, 0, "from this time (inclusive)", NULL},
        {"until", API_TIME, false, 0, 0, "to this time (exclusive)", NULL},
        END};

static const struct api_field q_proof[] = {
        {"size", API_INT, false, 1, SK_JSON_MAX_INT, "tree size (default: current)", NULL}, END};

static const struct api_route core_routes[] = {
        {"GET", "/healthz", 0, API_PUBLIC, NULL, f_none, api_h_health, "liveness"},
        {"GET", "/api/v1/version", 0, API_PUBLIC, NULL, f_none, api_h_version, "version"},
        {"GET", "/api/v1/openapi.yaml", 0, API_PUBLIC, NULL, f_none, api_h_openapi,
         "this document"},
        {"POST", "/api/v1/login", 0, API_PUBLIC | API_ANON_BODY, f_login, f_none, api_h_login,
         "login step 1: username and password"},
        {"POST", "/api/v1/login/totp", 0, API_PUBLIC | API_ANON_BODY, f_login_totp, f_none,
         api_h_login_totp, "login step 2: TOTP code or recovery code"},
        {"POST", "/api/v1/login/enroll", 0, API_PUBLIC | API_ANON_BODY, f_login_enroll, f_none,
         api_h_login_enroll, "first login: new password and TOTP confirmation"},
        {"POST", "/api/v1/logout", ROLES_ANY, 0, f_none, f_none, api_h_logout, "end this session"},
        {"GET", "/api/v1/me", ROLES_ANY, 0, NULL, f_none, api_h_me, "who am I"},
        {"GET", "/api/v1/registers", ROLES_ANY, 0, NULL, f_none, api_h_registers,
         "the registers defined as data that I may read: fields, commands, what I may do"},
        {"POST", "/api/v1/me/password", ROLES_ANY, 0, f_password, f_none, api_h_me_password,
         "change my password"},
        {"GET", "/api/v1/identities", SECURITY, 0, NULL, f_none, api_h_identities,
         "list identities"},
        {"POST", "/api/v1/identities", R(ADMIN) | R(SSC), 0, f_identity_new, f_none,
         api_h_identity_create, "create an identity"},
        {"GET", "/api/v1/identities/{id}", SECURITY, 0, NULL, f_none, api_h_identity_get,
         "one identity"},
        {"PATCH", "/api/v1/identities/{id}", R(ADMIN) | R(SSC) | R(CHIEF), 0, f_identity_patch,
         f_none, api_h_identity_update, "change name, clearance (ssc) or status"},
        {"POST", "/api/v1/identities/{id}/reset", R(ADMIN) | R(SSC) | R(CHIEF), 0, f_reset_request,
         f_none, api_h_reset_request,
         "request a reset of a lost password and TOTP (a second person confirms)"},
        {"POST", "/api/v1/identities/{id}/reset/confirm", R(ADMIN) | R(SSC) | R(CHIEF), 0,
         f_reset_confirm, f_none, api_h_reset_confirm,
         "confirm another person's reset request (one-time password shown once)"},
        {"POST", "/api/v1/identities/{id}/reset/cancel", R(ADMIN) | R(SSC) | R(CHIEF), 0,
         f_reset_cancel, f_none, api_h_reset_cancel, "withdraw a reset request"},
        {"GET", "/api/v1/grants", SECURITY, 0, NULL, q_identity, api_h_grants, "list grants"},
        {"POST", "/api/v1/grants", R(ADMIN) | R(SSC) | R(CHIEF), 0, f_grant_new, f_none,
         api_h_grant_create, "grant a role (4 kap. 8 §)"},
        {"POST", "/api/v1/grants/{id}/review", R(SSC) | R(CHIEF), 0, f_review, f_none,
         api_h_grant_review, "record a review of a grant"},
        {"POST", "/api/v1/grants/{id}/revoke", R(ADMIN) | R(SSC) | R(CHIEF), 0, f_revoke, f_none,
         api_h_grant_revoke, "end a grant"},
        {"GET", "/api/v1/sessions", ROLES_ANY, 0, NULL, q_identity, api_h_sessions,
         "my sessions (admin: anyone's)"},
        {"DELETE", "/api/v1/sessions/{id}", ROLES_ANY, 0, NULL, f_none, api_h_session_delete,
         "end a session (admin: anyone's)"},
        {"GET", "/api/v1/tokens", R(ADMIN) | R(SSC) | R(AUDITOR), 0, NULL, f_none, api_h_tokens,
         "list service tokens"},
        {"POST", "/api/v1/tokens", R(ADMIN), 0, f_token_new, f_none, api_h_token_create,
         "create a service token (shown once)"},
        {"POST", "/api/v1/tokens/{id}/revoke", R(ADMIN), 0, f_none, f_none, api_h_token_revoke,
         "revoke a service token"},
        {"GET", "/api/v1/ledger", SECURITY, 0, NULL, q_ledger, api_h_ledger,
         "the security log (Säkerhetslogg)"},
        {"GET", "/api/v1/ledger/export.csv", SECURITY, 0, NULL, q_ledger_export,
         api_h_ledger_export_csv, "the filtered log with inclusion proofs, CSV (recorded)"},
        {"GET", "/api/v1/ledger/export.json", SECURITY, 0, NULL, q_ledger_export,
         api_h_ledger_export, "the filtered log with inclusion proofs, JSON for print (recorded)"},
        {"GET", "/api/v1/ledger/checkpoint", SECURITY, 0, NULL, f_none, api_h_ledger_checkpoint,
         "the latest signed checkpoint"},
        {"POST", "/api/v1/ledger/verify", SECURITY, 0, f_none, f_none, api_h_ledger_verify,
         "verify the whole ledger now"},
        {"GET", "/api/v1/ledger/{id}", SECURITY, 0, NULL, f_none, api_h_ledger_entry,
         "one entry and its hashed bytes"},
        {"GET", "/api/v1/ledger/{id}/proof", SECURITY, 0, NULL, q_proof, api_h_ledger_proof,
         "inclusion proof of an entry"},
        {NULL, NULL, 0, 0, NULL, NULL, NULL, NULL},
};

/* Every module's table, in matching order (the first match wins). */
static const struct api_route *const tables[] = {
        core_routes,          api_routes_documents, api_routes_decisions, api_routes_io,
        api_routes_inventory, api_routes_rules,     api_routes_plans,     api_routes_analysis,
        api_routes_incidents, api_routes_todo,      api_routes_physical,  api_routes_keys,
        api_routes_seclog,
};

#define ROUTES_MAX 512

static struct api_route all[ROUTES_MAX + 1];
static size_t all_n;
static pthread_once_t all_once = PTHREAD_ONCE_INIT;

static void merge(void)
{
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		for (const struct api_route *r = tables[t]; r->method; r++) {
			if (all_n == ROUTES_MAX)
				abort(); /* a build-time limit: raise ROUTES_MAX */
			all[all_n++] = *r;
		}
	}
	all_n += api_register_routes(all + all_n, ROUTES_MAX - all_n);
}

const struct api_route *api_routes(size_t *n)
{
	pthread_once(&all_once, merge);
	if (n)
		*n = all_n;
	return all;
}
