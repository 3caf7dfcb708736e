/*
 * Handlers for login, the caller's own account, identities, grants,
 * sessions and service tokens. Validation already happened in the router;
 * the model enforces the PMFS rules inside the writer's transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "http/api.h"
#include "model/seclog.h"

#define COOKIE "__Host-skydd"

static const char *str(struct api_ctx *c, const char *key)
{
	return json_string_value(json_object_get(c->body, key));
}

static const char *client_of(struct api_ctx *c)
{
	const char *ua = http_req_header(c->req, "User-Agent");

	/* Stored with the session and listed as JSON text: not UTF-8, not kept. */
	if (!ua || !sk_utf8_valid(ua, strlen(ua)))
		return "";
	return ua;
}

void api_h_health(struct api_ctx *c)
{
	api_reply(c, 200, json_pack("{s:s}", "status", "ok"));
}

void api_h_version(struct api_ctx *c)
{
	api_reply(c, 200, json_pack("{s:s, s:i}", "version", SKYDD_VERSION, "api", 1));
}

/* ---- login ---- */

/* The enrolment payload: the secret, its otpauth URI and a QR code of it. */
static json_t *totp_json(const char *username, const char *secret)
{
	struct buf uri, svg;
	json_t *o = NULL;

	buf_init(&uri, 1024);
	buf_init(&svg, 512 * 1024);
	/* usernames are [a-z0-9._-]: nothing to escape in the label */
	buf_printf(&uri,
	           "otpauth://totp/skydd:%s?secret=%s&issuer=skydd&algorithm=SHA1&digits=6"
	           "&period=30",
	           username, secret);
	if (!uri.err && auth_qr_svg(uri.ptr, &svg) == SK_OK)
		o = json_pack("{s:s, s:s, s:s}", "secret", secret, "uri", uri.ptr, "qr_svg",
		              svg.ptr);
	buf_release(&uri);
	buf_release(&svg);
	return o;
}

void api_h_login(struct api_ctx *c)
{
	struct model *m = api_model(c->api);
	char challenge[AUTH_TOKEN_SIZE], secret[AUTH_TOTP_BASE32_SIZE], user[65];
	struct model_err err = {0};
	bool enroll = false;
	json_t *totp;
	int rc;

	rc = model_login_password(m, str(c, "username"), str(c, "password"), c->req->remote,
	                          challenge, sizeof(challenge), &enroll, secret, sizeof(secret),
	                          user, sizeof(user), &err);
	if (rc) {
		api_fail(c, rc, &err);
		return;
	}
	if (!enroll) {
		api_reply(c, 200, json_pack("{s:s, s:s}", "next", "totp", "challenge", challenge));
	} else {
		totp = totp_json(user, secret);
		if (totp)
			api_reply(c, 200,
			          json_pack("{s:s, s:s, s:o}", "next", "enroll", "challenge",
			                    challenge, "totp", totp));
		else
			api_fail(c, SK_ENOMEM, NULL);
	}
	sodium_memzero(secret, sizeof(secret));
	sodium_memzero(challenge, sizeof(challenge));
}

/* Answers a new session: cookie (browser) or token (bearer). */
static void session_reply(struct api_ctx *c, struct model_session *s, bool bearer, bool enrol)
{
	struct model *m = api_model(c->api);
	json_t *ident = model_identity_get(m, s->identity_id);
	json_t *o;

	o = json_pack("{s:o, s:s, s:{s:I}}", "identity", ident ? ident : json_null(), "csrf_token",
	              s->csrf, "session", "id", (json_int_t)s->session_id);
	if (!o) {
		api_fail(c, SK_ENOMEM, NULL);
		return;
	}
	if (bearer) {
		json_object_set_new(o, "token", json_string(s->token));
		json_object_del(o, "csrf_token");
	} else {
		char cookie[AUTH_TOKEN_SIZE + 96];

		/* No Max-Age: the browser forgets it on exit; the server enforces 12 h. */
		snprintf(cookie, sizeof(cookie), "%s=%s; Path=/; Secure; HttpOnly; SameSite=Strict",
		         COOKIE, s->token);
		http_resp_header(c->resp, "Set-Cookie", cookie);
		sodium_memzero(cookie, sizeof(cookie));
	}
	if (enrol) {
		json_t *codes = json_array();

		for (int i = 0; i < AUTH_RECOVERY_COUNT; i++)
			json_array_append_new(codes, json_string(s->recovery[i]));
		json_object_set_new(o, "recovery_codes", codes);
	}
	c->req->actor = s->identity_id;
	api_reply(c, 200, o);
	sodium_memzero(s, sizeof(*s));
}

void api_h_login_totp(struct api_ctx *c)
{
	struct model_session s;
	struct model_err err = {0};
	bool bearer = json_is_true(json_object_get(c->body, "bearer"));
	const char *code = str(c, "code"), *rec = str(c, "recovery_code");
	int rc;

	if (!!code == !!rec) {
		api_errorr(c, 400, "missing_field", "code", "login.code_or_recovery", NULL,
		           "give either code or recovery_code");
		return;
	}
	rc = model_login_totp(api_model(c->api), str(c, "challenge"), code, rec, bearer,
	                      c->req->remote, client_of(c), &s, &err);
	if (rc) {
		api_fail(c, rc, &err);
		return;
	}
	session_reply(c, &s, bearer, false);
}

void api_h_login_enroll(struct api_ctx *c)
{
	struct model_session s;
	struct model_err err = {0};
	bool bearer = json_is_true(json_object_get(c->body, "bearer"));
	int rc;

	rc = model_login_enroll(api_model(c->api), str(c, "challenge"), str(c, "new_password"),
	                        str(c, "code"), bearer, c->req->remote, client_of(c), &s, &err);
	if (rc) {
		api_fail(c, rc, &err);
		return;
	}
	session_reply(c, &s, bearer, true);
}

void api_h_logout(struct api_ctx *c)
{
	char cookie[96];
	int rc;

	if (!c->p.session_id) {
		api_errorr(c, 400, "invalid_field", NULL, "session.token_has_none", NULL,
		           "a service token has no session to end");
		return;
	}
	rc = model_logout(api_model(c->api), &c->p);
	if (rc) {
		api_fail(c, rc, NULL);
		return;
	}
	snprintf(cookie, sizeof(cookie),
	         "%s=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0", COOKIE);
	http_resp_header(c->resp, "Set-Cookie", cookie);
	c->resp->status = 204;
}

/* ---- me ---- */

void api_h_me(struct api_ctx *c)
{
	struct model *m = api_model(c->api);
	char csrf[AUTH_CSRF_LEN + 1] = "";
	json_t *ident = c->p.token_id ? NULL : model_identity_get(m, c->p.id);
	json_t *o;

	if (c->p.cookie)
		model_csrf_token(m, &c->p, csrf);
	o = json_pack("{s:o, s:o, s:s, s:s?, s:{s:I, s:I}, s:b}", "identity",
	              ident ? ident : json_pack("{s:s}", "username", c->p.username), "roles",
	              model_roles_json(c->p.roles), "clearance", clearance_name(c->p.clearance),
	              "csrf_token", csrf[0] ? csrf : NULL, "session", "id",
	              (json_int_t)c->p.session_id, "token_id", (json_int_t)c->p.token_id, "seclog",
	              model_seclog_page_for(m, &c->p));
	api_reply(c, 200, o);
}

void api_h_me_password(struct api_ctx *c)
{
	struct model_err err = {0};
	int rc = model_password_change(api_model(c->api), &c->p, str(c, "current_password"),
	                               str(c, "new_password"), &err);

	if (rc) {
		api_fail(c, rc, &err);
		return;
	}
	c->resp->status = 204;
}

/* ---- identities ---- */

void api_h_identities(struct api_ctx *c)
{
	json_t *arr = model_identity_list(api_model(c->api));

	if (!arr) {
		api_fail(c, SK_EIO, NULL);
		return;
	}
	api_reply(c, 200, json_pack("{s:o}", "identities", arr));
}

void api_h_identity_create(struct api_ctx *c)
{
	struct model_new_identity n = {
	        .username = str(c, "username"),
	        .display_name = str(c, "display_name"),
	        .clearance = (enum clearance)clearance_parse(str(c, "clearance")),
	};
	struct model_err err = {0};
	char otp[32];
	int64_t id = 0;
	int rc;

	rc = model_identity_create(api_model(c->api), c->p.id, &n, &id, otp, sizeof(otp), &err);
	if (rc) {
		api_fail(c, rc, &err);
		return;
	}
	api_reply(c, 201,
	          json_pack("{s:o, s:s}", "identity", model_identity_get(api_model(c->api), id),
	                    "one_time_password", otp));
	sodium_memzero(otp, sizeof(otp));
}

void api_h_identity_get(struct api_ctx *c)
{
	json_t *o = model_identity_get(api_model(c->api), c->id);

	if (!o) {
		api_errorr(c, 404, "not_found", "id", "identity.not_found", NULL,
		           "no identity %lld", (long long)c->id);
		return;
	}
	/* What the caller may decide about it, by the writer's own rule: the UI shows only that. */
	json_object_set_new(o, "may", model_identity_may(api_model(c->api), &c->p, c->id));
	json_object_set_new(o, "reset", model_reset_pending(api_model(c->api), c->id));
	api_reply(c, 200, json_pack("{s:o}", "identity", o));
}

void api_h_identity_update(struct api_ctx *c)
{
	struct model_identity_patch patch = {
	        .display_name = str(c, "display_name"),
	        .clearance = json_object_get(c->body, "clearance")
	                             ? clearance_parse(str(c, "clearance"))
	                             : -1,
	        .status = str(c, "status"),
	        .reason = str(c, "reason"),
	        .email = str(c, "email"),
	};
	struct model_err err = {0};
	int rc = model_identity_update(api_model(c->api), &c->p, c->id, &patch, &err);

	if (rc) {
		api_fail(c, rc, &err);
		return;
	}
	api_h_identity_get(c);
}

/* ---- four-eyes reset of a lost password and TOTP ---- */

void api_h_reset_request(struct api_ctx *c)
{
	struct model_err err = {0};
	int64_t rid = 0;
	int rc = model_reset_request(api_model(c->api), &c->p, c->id, str(c, "reason"), &rid, &err);

	if (rc) {
		api_fail(c, rc, &err);
		return;
	}
	api_reply(c, 201,
	          json_pack("{s:o}", "reset", model_reset_pending(api_model(c->api), c->id)));
}

void api_h_reset_confirm(struct api_ctx *c)
{
	int64_t rid = json_integer_value(json_object_get(c->body, "reset_id"));
	struct model_err err = {0};
	char otp[32];
	int rc = model_reset_confirm(api_model(c->api), &c->p, c->id, rid, otp, sizeof(otp), &err);

	if (rc) {
		api_fail(c, rc, &err);
		return;
	}
	/* Shown once, to the second person, who hands it over like a new account's. */
	api_reply(c, 200,
	          json_pack("{s:o, s:s}", "identity", model_identity_get(api_model(c->api), c->id),
	                    "one_time_password", otp));
	sodium_memzero(otp, sizeof(otp));
}

void api_h_reset_cancel(struct api_ctx *c)
{
	int64_t rid = json_integer_value(json_object_get(c->body, "reset_id"));
	struct model_err err = {0};
	int rc = model_reset_cancel(api_model(c->api), &c->p, c->id, rid, str(c, "reason"), &err);

	if (rc) {
		api_fail(c, rc, &err);
		return;
	}
	api_h_identity_get(c);
}

/* ---- grants ---- */

void api_h_grants(struct api_ctx *c)
{
	json_t *id = json_object_get(c->query, "identity_id");
	json_t *arr = model_grant_list(api_model(c->api), id ? json_integer_value(id) : 0);

	if (!arr) {
		api_fail(c, SK_EIO, NULL);
		return;
	}
	api_reply(c, 200, json_pack("{s:o}", "grants", arr));
}

void api_h_grant_create(struct api_ctx *c)
{
	struct model_new_grant g = {
	        .identity_id = json_integer_value(json_object_get(c->body, "identity_id")),
	        .role = (enum role)role_parse(str(c, "role")),
	        .decision_ref = str(c, "decision_ref"),
	        .valid_from = str(c, "valid_from"),
	        .valid_until = str(c, "valid_until"),
	};
	struct model_err err = {0};
	int64_t id = 0;
	int rc = model_grant_create(api_model(c->api), c->p.id, &g, &id, &err);

	if (rc) {
		api_fail(c, rc, &err);
		return;
	}
	api_reply(c, 201, json_pack("{s:o}", "grant", model_grant_get(api_model(c->api), id)));
}

static void grant_change(struct api_ctx *c, bool revoke)
{
	struct model_err err = {0};
	int rc =
	        revoke ? model_grant_revoke(api_model(c->api), &c->p, c->id, str(c, "reason"), &err)
	               : model_grant_review(api_model(c->api), &c->p, c->id, str(c, "note"), &err);

	if (rc) {
		api_fail(c, rc, &err);
		return;
	}
	api_reply(c, 200, json_pack("{s:o}", "grant", model_grant_get(api_model(c->api), c->id)));
}

void api_h_grant_review(struct api_ctx *c)
{
	grant_change(c, false);
}

void api_h_grant_revoke(struct api_ctx *c)
{
	grant_change(c, true);
}

/* ---- sessions ---- */

void api_h_sessions(struct api_ctx *c)
{
	json_t *q = json_object_get(c->query, "identity_id");
	int64_t who = q ? json_integer_value(q) : c->p.id;
	json_t *arr;

	if (c->p.token_id) { /* p.id is the token's creator, whose sessions are not its own */
		api_errorr(c, 403, "forbidden", NULL, "session.token_has_none", NULL,
		           "a service token has no sessions");
		return;
	}
	if (who != c->p.id && !(c->p.roles & ROLE_BIT(ROLE_ADMIN))) {
		api_errorr(c, 403, "forbidden", "identity_id", "session.admin_sees", NULL,
		           "only a systemadministratör sees others' sessions");
		return;
	}
	/* Seeing someone else's sessions is a use of the admin's privileged right. */
	if (who != c->p.id)
		model_log_privileged_use(api_model(c->api), &c->p, c->req->method,
		                         c->route->pattern, 200);
	arr = model_session_list(api_model(c->api), who, c->p.session_id);
	if (!arr) {
		api_fail(c, SK_EIO, NULL);
		return;
	}
	api_reply(c, 200, json_pack("{s:o}", "sessions", arr));
}

void api_h_session_delete(struct api_ctx *c)
{
	struct model_err err = {0};
	int rc = model_session_revoke(api_model(c->api), &c->p, c->id, &err);

	if (rc) {
		api_fail(c, rc, &err);
		return;
	}
	c->resp->status = 204;
}

/* ---- service tokens ---- */

void api_h_tokens(struct api_ctx *c)
{
	json_t *arr = model_token_list(api_model(c->api));

	if (!arr) {
		api_fail(c, SK_EIO, NULL);
		return;
	}
	api_reply(c, 200, json_pack("{s:o}", "tokens", arr));
}

void api_h_token_create(struct api_ctx *c)
{
	json_t *roles = json_object_get(c->body, "roles"), *v;
	char secret[AUTH_TOKEN_SIZE];
	struct model_err err = {0};
	unsigned mask = 0;
	int64_t id = 0;
	size_t i;
	int rc;

	json_array_foreach(roles, i, v) mask |= ROLE_BIT(role_parse(json_string_value(v)));
	rc = model_token_create(api_model(c->api), &c->p, str(c, "name"), mask,
	                        str(c, "expires_at"), &id, secret, sizeof(secret), &err);
	if (rc) {
		api_fail(c, rc, &err);
		return;
	}
	api_reply(c, 201,
	          json_pack("{s:o, s:s}", "token", model_token_get(api_model(c->api), id), "secret",
	                    secret));
	sodium_memzero(secret, sizeof(secret));
}

void api_h_token_revoke(struct api_ctx *c)
{
	struct model_err err = {0};
	int rc = model_token_revoke(api_model(c->api), &c->p, c->id, &err);

	if (rc) {
		api_fail(c, rc, &err);
		return;
	}
	api_reply(c, 200, json_pack("{s:o}", "token", model_token_get(api_model(c->api), c->id)));
}
