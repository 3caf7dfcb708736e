/*
 * The JSON API on top of the server core: one route table (method, path
 * pattern, roles, field tables, handler), authentication, CSRF, typed and
 * bounded validation, errors that name the field. The authorisation matrix
 * test and the OpenAPI generator walk the same table.
 */
#ifndef SKYDD_API_H
#define SKYDD_API_H

#include <stdbool.h>
#include <stdint.h>

#include "http/http.h"
#include "model/model.h"
#include "store/store.h"

enum api_type {
	API_STRING, /* UTF-8 text, min..max bytes, no control characters */
	API_TEXT,   /* like STRING, but newlines allowed */
	API_INT,    /* integer min..max */
	API_BOOL,
	API_DATE,      /* YYYY-MM-DD */
	API_TIME,      /* RFC 3339 */
	API_ROLE,      /* one of the role names */
	API_ROLES,     /* array of role names, 1..ROLE_COUNT */
	API_CLEARANCE, /* none, BH, K, H, KH */
	API_SECRET,    /* a password: 1..max bytes, never logged or echoed */
	API_CLASS,     /* a säkerhetsskyddsklass: BH, K, H, KH */
	API_ENUM,      /* one of the strings in values */
	API_IDS,       /* an array of min..max distinct positive integers (ids) */
	API_JSON       /* an array (min..max items) or object (min..max members), checked in
	                  depth by the handler (e.g. a plan's measures) */
};

struct api_field {
	const char *name;
	enum api_type type;
	bool required;
	int64_t min, max; /* bytes for strings, value for integers, items for IDS */
	const char *doc;
	const char *const *values; /* API_ENUM: NULL-terminated allowed values */
};

#define API_PUBLIC    0x1u /* no login needed */
#define API_ANON_BODY 0x2u /* a body before login (8 KiB limit) */

struct api_ctx;
typedef void (*api_handler_fn)(struct api_ctx *c);

struct api_route {
	const char *method;
	const char *pattern; /* "/api/v1/grants/{id}/review": {id} is a positive integer */
	unsigned roles;      /* ROLE_BIT mask; ROLES_ANY = any authenticated identity */
	unsigned flags;
	const struct api_field *body; /* terminated by a {NULL}; NULL = no body allowed */
	const struct api_field *query;
	api_handler_fn handler;
	const char *summary;
};

/* The route table (NULL-terminated by method == NULL), and its length. */
const struct api_route *api_routes(size_t *n);

/*
 * Each module's own table (its api_<module>.c), terminated by
 * API_ROUTES_END; routes.c merges them in this order after the core routes.
 */
extern const struct api_route api_routes_documents[];
extern const struct api_route api_routes_decisions[];
extern const struct api_route api_routes_io[];
extern const struct api_route api_routes_inventory[];
extern const struct api_route api_routes_rules[];
extern const struct api_route api_routes_plans[];
extern const struct api_route api_routes_analysis[];
extern const struct api_route api_routes_incidents[];
extern const struct api_route api_routes_todo[];
extern const struct api_route api_routes_physical[]; /* the hosts of visitor permits */
extern const struct api_route api_routes_keys[];
extern const struct api_route api_routes_seclog[]; /* security logs of other systems */
/*
 * The routes of every register defined as data (model/register.h): list, one,
 * and each command, with field tables made from the definition. Fills out
 * (at most cap) and returns how many; they live as long as the program.
 */
size_t api_register_routes(struct api_route *out, size_t cap);

#define API_ROLE_BIT(x) ROLE_BIT(ROLE_##x)
#define API_FIELDS_END                                                                             \
	{                                                                                          \
		NULL, 0, false, 0, 0, NULL, NULL                                                   \
	}
#define API_ROUTES_END                                                                             \
	{                                                                                          \
		NULL, NULL, 0, 0, NULL, NULL, NULL, NULL                                           \
	}

/* What a handler sees. */
#define API_REF_MAX 32

struct api_ctx {
	struct api *api;
	struct http_req *req;
	struct http_resp *resp;
	const struct api_route *route;
	struct principal p;        /* id 0 when not logged in */
	int64_t id;                /* the {id} path parameter */
	char ref[API_REF_MAX + 1]; /* the {ref} path parameter: digits and dots */
	json_t *body;              /* validated object (owned by the router), or NULL */
	json_t *query;             /* validated query values as an object */
};

struct api_opts {
	const char *dir;            /* the instance directory (for verify) */
	bool tls;                   /* cookies are Secure either way; informs nothing else yet */
	struct remind *remind;      /* e-mail reminders (model/remind.h), or NULL without --smtp */
	struct seclog_recv *recv;   /* the security-log receiver, or NULL when none runs */
	struct seclog_index *index; /* its search index's indexer, or NULL */
	struct seclog *seclog;      /* seclog.db's writer when the receiver runs, or NULL */
};

struct api;
struct seclog_recv;
struct seclog_index;
struct seclog;

int api_new(struct store *s, struct model *m, const struct api_opts *o, struct api **out);
void api_free(struct api *a);

/* The server core's callbacks: pass the api as ctx. */
void api_handle(void *ctx, struct http_req *req, struct http_resp *resp);
size_t api_body_limit(void *ctx, const struct http_req *req);

/* Answers helpers for handlers. They take ownership of v. */
void api_reply(struct api_ctx *c, unsigned status, json_t *v);
void api_error(struct api_ctx *c, unsigned status, const char *code, const char *field,
               const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/*
 * api_error with a stable dotted reason for the UI ("field.too_long") and
 * params (a JSON object of the values its text names; taken over, may be NULL).
 */
void api_errorr(struct api_ctx *c, unsigned status, const char *code, const char *field,
                const char *reason, json_t *params, const char *fmt, ...)
        __attribute__((format(printf, 7, 8)));
/* Maps an sk_err (and the model's reason) to the right status and code. */
void api_fail(struct api_ctx *c, int rc, const struct model_err *err);

/* Writes the OpenAPI 3.1 document generated from the route table. */
int api_openapi(struct buf *out);

struct model *api_model(struct api *a);
struct store *api_store(struct api *a);
const char *api_dir(struct api *a);
struct remind *api_remind(struct api *a);
struct seclog_recv *api_seclog_recv(struct api *a);
struct seclog_index *api_seclog_index(struct api *a);
struct seclog *api_seclog_store(struct api *a);

/* Handlers (api_*.c) */
void api_h_registers(struct api_ctx *c);
void api_h_health(struct api_ctx *c);
void api_h_version(struct api_ctx *c);
void api_h_openapi(struct api_ctx *c);
void api_h_login(struct api_ctx *c);
void api_h_login_totp(struct api_ctx *c);
void api_h_login_enroll(struct api_ctx *c);
void api_h_logout(struct api_ctx *c);
void api_h_me(struct api_ctx *c);
void api_h_me_password(struct api_ctx *c);
void api_h_identities(struct api_ctx *c);
void api_h_identity_create(struct api_ctx *c);
void api_h_identity_get(struct api_ctx *c);
void api_h_identity_update(struct api_ctx *c);
void api_h_reset_request(struct api_ctx *c);
void api_h_reset_confirm(struct api_ctx *c);
void api_h_reset_cancel(struct api_ctx *c);
void api_h_grants(struct api_ctx *c);
void api_h_grant_create(struct api_ctx *c);
void api_h_grant_review(struct api_ctx *c);
void api_h_grant_revoke(struct api_ctx *c);
void api_h_sessions(struct api_ctx *c);
void api_h_session_delete(struct api_ctx *c);
void api_h_tokens(struct api_ctx *c);
void api_h_token_create(struct api_ctx *c);
void api_h_token_revoke(struct api_ctx *c);
void api_h_ledger(struct api_ctx *c);
void api_h_ledger_entry(struct api_ctx *c);
void api_h_ledger_proof(struct api_ctx *c);
void api_h_ledger_export_csv(struct api_ctx *c);
void api_h_ledger_export(struct api_ctx *c);
void api_h_ledger_checkpoint(struct api_ctx *c);
void api_h_ledger_verify(struct api_ctx *c);

#endif
