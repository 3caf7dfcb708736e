/*
 * The route table: every API route with the roles it needs and the fields it
 * accepts. Authorisation and validation are data here; handlers only act.
 */
#include "http/api.h"

#define R(x)     ROLE_BIT(ROLE_##x)
#define SECURITY (R(SSC) | R(ADMIN) | R(CHIEF) | R(AUDITOR)) /* may read the security log */
#define END                                                                                        \
	{                                                                                          \
		NULL, 0, false, 0, 0, NULL                                                         \
	}

static const struct api_field f_none[] = {END};

static const struct api_field f_login[] = {{"username", API_STRING, true, 1, 64, "the username"},
                                           {"password", API_SECRET, true, 1, 256, "the password"},
                                           END};

static const struct api_field f_login_totp[] = {
        {"challenge", API_STRING, true, 10, 64, "from POST /api/v1/login"},
        {"code", API_STRING, false, 6, 6, "the 6-digit TOTP code"},
        {"recovery_code", API_STRING, false, 12, 32, "a recovery code instead of the code"},
        {"bearer", API_BOOL, false, 0, 0, "return a bearer token instead of setting the cookie"},
        END};

static const struct api_field f_login_enroll[] = {
        {"challenge", API_STRING, true, 10, 64, "from POST /api/v1/login"},
        {"new_password", API_SECRET, true, 1, 256, "the new password (4 kap. 10 §)"},
        {"code", API_STRING, true, 6, 6, "a TOTP code from the newly added authenticator"},
        {"bearer", API_BOOL, false, 0, 0, "return a bearer token instead of setting the cookie"},
        END};

static const struct api_field f_password[] = {
        {"current_password", API_SECRET, true, 1, 256, "the current password"},
        {"new_password", API_SECRET, true, 1, 256, "the new password (4 kap. 10 §)"},
        END};

static const struct api_field f_identity_new[] = {
        {"username", API_STRING, true, 3, 64, "[a-z][a-z0-9._-]*, never reused"},
        {"display_name", API_STRING, true, 1, 128, "the person's name"},
        {"clearance", API_CLEARANCE, true, 0, 0, "highest säkerhetsskyddsklass: none BH K H KH"},
        END};

static const struct api_field f_identity_patch[] = {
        {"display_name", API_STRING, false, 1, 128, "the person's name"},
        {"clearance", API_CLEARANCE, false, 0, 0, "decided by the ssc"},
        {"status", API_STRING, false, 6, 8, "active or disabled"},
        END};

static const struct api_field f_grant_new[] = {
        {"identity_id", API_INT, true, 1, SK_JSON_MAX_INT, "who receives the role"},
        {"role", API_ROLE, true, 0, 0, "chief ssc registrar admin staff auditor"},
        {"decision_ref", API_STRING, true, 1, 128, "the decision's reference"},
        {"valid_from", API_DATE, true, 0, 0, "first day (UTC)"},
        {"valid_until", API_DATE, false, 0, 0, "last day; required for privileged roles"},
        END};

static const struct api_field f_review[] = {
        {"note", API_TEXT, true, 1, 500, "what the review found"}, END};

static const struct api_field f_revoke[] = {
        {"reason", API_TEXT, true, 1, 500, "why the grant ends"}, END};

static const struct api_field f_token_new[] = {
        {"name", API_STRING, true, 1, 64, "what the integration is"},
        {"roles", API_ROLES, true, 0, 0, "registrar, staff and/or auditor"},
        {"expires_at", API_DATE, true, 0, 0, "last day, at most a year ahead"},
        END};

static const struct api_field q_identity[] = {
        {"identity_id", API_INT, false, 1, SK_JSON_MAX_INT, "only this identity's"}, END};

static const struct api_field q_ledger[] = {
        {"from", API_INT, false, 1, SK_JSON_MAX_INT, "first seq (last seq with order=desc)"},
        {"limit", API_INT, false, 1, 500, "entries per page, default 50"},
        {"order", API_STRING, false, 3, 4, "asc (default) or desc"},
        {"actor", API_INT, false, 0, SK_JSON_MAX_INT - 1, "only this identity's entries"},
        {"kind", API_STRING, false, 1, 64, "kind prefix, e.g. grant."},
        {"object", API_STRING, false, 1, 128, "exact object, e.g. identity/3"},
        {"since", API_TIME, false, 0, 0, "from this time (inclusive)"},
        {"until", API_TIME, false, 0, 0, "to this time (exclusive)"},
        END};

static const struct api_field q_proof[] = {
        {"size", API_INT, false, 1, SK_JSON_MAX_INT, "tree size (default: current)"}, END};

static const struct api_route routes[] = {
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
        {"POST", "/api/v1/me/password", ROLES_ANY, 0, f_password, f_none, api_h_me_password,
         "change my password"},
        {"GET", "/api/v1/identities", SECURITY, 0, NULL, f_none, api_h_identities,
         "list identities"},
        {"POST", "/api/v1/identities", R(ADMIN) | R(SSC), 0, f_identity_new, f_none,
         api_h_identity_create, "create an identity"},
        {"GET", "/api/v1/identities/{id}", SECURITY, 0, NULL, f_none, api_h_identity_get,
         "one identity"},
        {"PATCH", "/api/v1/identities/{id}", R(ADMIN) | R(SSC), 0, f_identity_patch, f_none,
         api_h_identity_update, "change name, clearance (ssc) or status"},
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

const struct api_route *api_routes(size_t *n)
{
	if (n)
		*n = sizeof(routes) / sizeof(routes[0]) - 1;
	return routes;
}
