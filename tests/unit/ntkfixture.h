/*
 * The need-to-know fixture shared by test_ledger_ntk and test_ntk_more: a
 * register with the callers both read as (a registrar, an ssc and the head
 * cleared KH, auditors cleared K and KH, an administrator cleared for
 * nothing), classified documents, and the API's handlers called as the router
 * calls them, their whole answer kept for scanning. Include after
 * testutil.h.
 */
#ifndef SKYDD_NTKFIXTURE_H
#define SKYDD_NTKFIXTURE_H

#include "regfixture.h"

#include <jansson.h>

#include "http/api.h"
#include "model/document.h"

struct ntk_fixture {
	struct reg_fixture fx;
	struct api *api; /* NULL until ntkfx_api() */
	struct principal reg, ssc, chief, aud_k, aud_kh, admin;
	char until[11]; /* the end of the privileged grants, 180 days on */
};

/* A model call that must succeed: fails the test naming what and the field. */
static inline void ntkfx_ok(int rc, const struct model_err *err, const char *what)
{
	if (rc != SK_OK)
		fail_msg("%s: %s (%s: %s)", what, sk_strerror(rc), err->field, err->msg);
}

/* A new register in tmpl's directory with the six callers (and a reader of its own). */
static inline void ntkfx_open(struct ntk_fixture *nf, const char *tmpl)
{
	memset(nf, 0, sizeof(*nf));
	regfx_open(&nf->fx, tmpl, REGFX_FAST_PW | REGFX_READER, NULL);
	regfx_today_plus(180, nf->until);
	regfx_identity(nf->fx.model, &nf->reg, "reg", ROLE_REGISTRAR, CLEAR_KH, NULL, nf->until);
	regfx_identity(nf->fx.model, &nf->ssc, "ssc", ROLE_SSC, CLEAR_KH, NULL, nf->until);
	regfx_identity(nf->fx.model, &nf->chief, "chief", ROLE_CHIEF, CLEAR_KH, NULL, nf->until);
	regfx_identity(nf->fx.model, &nf->aud_k, "audk", ROLE_AUDITOR, CLEAR_K, NULL, nf->until);
	regfx_identity(nf->fx.model, &nf->aud_kh, "audkh", ROLE_AUDITOR, CLEAR_KH, NULL, nf->until);
	regfx_identity(nf->fx.model, &nf->admin, "admin", ROLE_ADMIN, CLEAR_NONE, NULL, nf->until);
}

/* The API over the register, made once the data is in place. */
static inline void ntkfx_api(struct ntk_fixture *nf)
{
	assert_int_equal(api_new(nf->fx.store, nf->fx.model, &(struct api_opts){.dir = nf->fx.dir},
	                         &nf->api),
	                 SK_OK);
}

static inline void ntkfx_close(struct ntk_fixture *nf)
{
	api_free(nf->api);
	regfx_close(&nf->fx);
}

/* A physical document with a classified title, registered by the registrar. */
static inline int64_t ntkfx_document(struct ntk_fixture *nf, const char *des, const char *title,
                                     const char *cls, const char *dnr, const char *orig, int pages,
                                     const int64_t *acc, size_t n)
{
	struct document_new d = {.designation = des,
	                         .title = title,
	                         .title_classified = true,
	                         .cls = cls,
	                         .form = "physical",
	                         .pages = pages,
	                         .originator = orig,
	                         .case_number = dnr,
	                         .access = acc,
	                         .n_access = n};
	struct model_err err = {0};
	int64_t id = 0;

	ntkfx_ok(document_create(nf->fx.model, &nf->reg, &d, &id, &err), &err, des);
	return id;
}

/* ---- calling the handlers ---- */

struct ntkfx_answer {
	unsigned status;
	char *body; /* NUL-terminated */
	json_t *json;
};

static inline void ntkfx_answer_release(struct ntkfx_answer *a)
{
	free(a->body);
	json_decref(a->json);
	memset(a, 0, sizeof(*a));
}

/*
 * The routes ntkfx_route handed out (the latest per handler), so that
 * ntkfx_call gives a handler its route as the router does: the generic
 * handlers of the registers defined as data (api_registers.c) serve many
 * routes and read which one from it.
 */
static const struct api_route *ntkfx_given[64];
static size_t ntkfx_given_n;

static inline const struct api_route *ntkfx_route_of(api_handler_fn handler)
{
	for (size_t i = ntkfx_given_n; i-- > 0;) {
		if (ntkfx_given[i]->handler == handler)
			return ntkfx_given[i];
	}
	return NULL;
}

/* Runs handler as the router would for p, with the {id} and the validated query (taken). */
static inline void ntkfx_call(const struct ntk_fixture *nf, api_handler_fn handler,
                              const struct principal *p, int64_t id, json_t *query,
                              struct ntkfx_answer *out)
{
	struct http_req req = {.method = "GET", .path = "/", .remote = "127.0.0.1"};
	struct http_resp resp = {0};
	struct api_ctx c = {0};

	buf_init(&resp.body, HTTP_MAX_RESPONSE);
	c.api = nf->api;
	c.req = &req;
	c.resp = &resp;
	c.p = *p;
	c.id = id;
	c.route = ntkfx_route_of(handler);
	c.query = query ? query : json_object();
	handler(&c);
	json_decref(c.query);
	out->status = resp.status;
	out->body = strndup(resp.body.ptr ? resp.body.ptr : "", resp.body.len);
	out->json = json_loadb(resp.body.ptr ? resp.body.ptr : "", resp.body.len, 0, NULL);
	buf_release(&resp.body);
	for (unsigned i = 0; i < resp.nheaders; i++) {
		free(resp.headers[i][0]);
		free(resp.headers[i][1]);
	}
	assert_non_null(out->body);
}

/* A module's handler from the route table. */
static inline api_handler_fn ntkfx_route(const char *method, const char *pattern)
{
	size_t n;
	const struct api_route *rt = api_routes(&n);

	for (size_t i = 0; i < n; i++) {
		if (strcmp(rt[i].method, method) == 0 && strcmp(rt[i].pattern, pattern) == 0) {
			if (ntkfx_given_n < sizeof(ntkfx_given) / sizeof(ntkfx_given[0]))
				ntkfx_given[ntkfx_given_n++] = &rt[i];
			return rt[i].handler;
		}
	}
	fail_msg("no route %s %s", method, pattern);
	return NULL;
}

/* Fails when body holds any of the n secrets, showing where. */
static inline void ntkfx_no_secret(const char *const *secrets, size_t n, const char *body,
                                   const char *who, const char *what)
{
	for (size_t i = 0; i < n; i++) {
		if (strstr(body, secrets[i]))
			fail_msg("%s: %s shows \"%s\": %.400s", who, what, secrets[i],
			         strstr(body, secrets[i]));
	}
}

#endif
