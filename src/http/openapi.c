/*
 * The OpenAPI 3.1 document, generated from the route table so that it cannot
 * drift: docs/api/openapi.yaml is this output, and a test compares them.
 */
#include <string.h>
#include <strings.h>

#include "embedded.h"
#include "http/api.h"

static const char *schema_of(enum api_type t)
{
	switch (t) {
	case API_INT:
		return "{type: integer}";
	case API_BOOL:
		return "{type: boolean}";
	case API_DATE:
		return "{type: string, format: date}";
	case API_TIME:
		return "{type: string, format: date-time}";
	case API_ROLE:
		return "{$ref: '#/components/schemas/Role'}";
	case API_ROLES:
		return "{type: array, items: {$ref: '#/components/schemas/Role'}}";
	case API_CLEARANCE:
		return "{type: string, enum: [none, BH, K, H, KH]}";
	case API_SECRET:
		return "{type: string, format: password}";
	case API_CLASS:
		return "{type: string, enum: [BH, K, H, KH]}";
	case API_IDS:
		return "{type: array, items: {type: integer, minimum: 1}}";
	case API_JSON:
		return "{type: [array, object]}";
	case API_ENUM:
	case API_STRING:
	case API_TEXT:
		break;
	}
	return "{type: string}";
}

/*
 * A field name or enum value as a YAML plain scalar, quoted when a YAML 1.1 parser (PyYAML,
 * many generators) would read it as a boolean or null: "on" is a key named
 * on, not true; a digit first, a number.
 */
static void yaml_name(struct buf *o, const char *name)
{
	static const char *const special[] = {"y",  "n",   "yes",  "no", "true", "false",
	                                      "on", "off", "null", "~",  NULL};

	/* a value starting with a digit ("1": a security class) would be read as a number */
	if (name[0] >= '0' && name[0] <= '9') {
		buf_printf(o, "'%s'", name);
		return;
	}
	for (size_t i = 0; special[i]; i++) {
		if (strcasecmp(name, special[i]) == 0) {
			buf_printf(o, "'%s'", name);
			return;
		}
	}
	buf_puts(o, name);
}

static void limits(struct buf *o, const struct api_field *f)
{
	if (f->type == API_INT)
		buf_printf(o, ", minimum: %lld, maximum: %lld", (long long)f->min,
		           (long long)f->max);
	else if (f->type == API_STRING || f->type == API_TEXT || f->type == API_SECRET)
		buf_printf(o, ", minLength: %lld, maxLength: %lld", (long long)f->min,
		           (long long)f->max);
	else if (f->type == API_IDS)
		buf_printf(o, ", minItems: %lld, maxItems: %lld, uniqueItems: true",
		           (long long)f->min, (long long)f->max);
	else if (f->type == API_ENUM) {
		buf_puts(o, ", enum: [");
		for (const char *const *e = f->values; e && *e; e++) {
			buf_puts(o, e == f->values ? "" : ", ");
			yaml_name(o, *e); /* enum: ["true", "false"] are strings, not booleans */
		}
		buf_puts(o, "]");
	}
}

static void field_schema(struct buf *o, const struct api_field *f)
{
	const char *s = schema_of(f->type);

	/* Insert the limits before the closing brace of the inline schema. */
	buf_append(o, s, strlen(s) - 1);
	limits(o, f);
	buf_printf(o, ", description: \"%s\"}", f->doc ? f->doc : "");
}

static void roles_line(struct buf *o, const struct api_route *r)
{
	buf_puts(o, "      x-roles: [");
	if (r->flags & API_PUBLIC) {
		buf_puts(o, "public");
	} else if (r->roles == ROLES_ANY) {
		buf_puts(o, "any");
	} else {
		bool first = true;

		for (int i = 0; i < ROLE_COUNT; i++) {
			if (r->roles & ROLE_BIT(i)) {
				buf_printf(o, "%s%s", first ? "" : ", ", role_name((enum role)i));
				first = false;
			}
		}
	}
	buf_puts(o, "]\n");
}

static void operation(struct buf *o, const struct api_route *r)
{
	const struct api_field *f;
	char method[8];
	size_t i;

	for (i = 0; r->method[i] && i < sizeof(method) - 1; i++)
		method[i] = (char)(r->method[i] - 'A' + 'a');
	method[i] = '\0';
	buf_printf(o, "    %s:\n      summary: \"%s\"\n", method, r->summary);
	roles_line(o, r);
	if (!(r->flags & API_PUBLIC))
		buf_puts(o, "      security: [{cookie: []}, {bearer: []}]\n");
	else
		buf_puts(o, "      security: []\n");
	if (strstr(r->pattern, "{id}") || strstr(r->pattern, "{ref}") ||
	    (r->query && r->query->name)) {
		buf_puts(o, "      parameters:\n");
		if (strstr(r->pattern, "{ref}"))
			buf_puts(o,
			         "        - {name: ref, in: path, required: true, schema: {type: "
			         "string, pattern: '^[0-9.]{1,32}$'}, description: 'a measure "
			         "number like 1.1.17 (or an id)'}\n");
		if (strstr(r->pattern, "{id}"))
			buf_puts(o, "        - {name: id, in: path, required: true, schema: {type: "
			            "integer, minimum: 1}}\n");
		for (f = r->query; f && f->name; f++) {
			buf_puts(o, "        - {name: ");
			yaml_name(o, f->name);
			buf_printf(o, ", in: query, required: %s, schema: ",
			           f->required ? "true" : "false");
			field_schema(o, f);
			buf_puts(o, "}\n");
		}
	}
	if (r->body) {
		buf_puts(o,
		         "      requestBody:\n        required: false\n        content:\n"
		         "          application/json:\n            schema:\n"
		         "              type: object\n              additionalProperties: false\n");
		if (r->body->name) {
			bool any = false;

			buf_puts(o, "              properties:\n");
			for (f = r->body; f->name; f++) {
				buf_puts(o, "                ");
				yaml_name(o, f->name);
				buf_puts(o, ": ");
				field_schema(o, f);
				buf_puts(o, "\n");
				any = any || f->required;
			}
			if (any) {
				bool first = true;

				buf_puts(o, "              required: [");
				for (f = r->body; f->name; f++) {
					if (f->required) {
						buf_puts(o, first ? "" : ", ");
						yaml_name(o, f->name);
						first = false;
					}
				}
				buf_puts(o, "]\n");
			}
		}
	}
	buf_puts(o, "      responses:\n"
	            "        '200': {description: OK}\n"
	            "        '4XX': {description: Error, content: {application/json: {schema: "
	            "{$ref: '#/components/schemas/Error'}}}}\n");
}

int api_openapi(struct buf *o)
{
	const struct api_route *routes = api_routes(NULL), *r, *q;

	buf_printf(o,
	           "# Generated from the route table by `skydd routes --openapi`; a test "
	           "keeps it equal.\n"
	           "openapi: 3.1.0\n"
	           "info:\n  title: skydd API\n  version: \"%s\"\n"
	           "  description: >-\n    Protective-security registers (PMFS 2022:1) in a "
	           "tamper-evident ledger.\n    See docs/api.md. x-roles lists the roles a route "
	           "needs.\n"
	           "paths:\n",
	           SKYDD_VERSION);
	for (r = routes; r->method; r++) {
		bool seen = false;

		for (q = routes; q != r; q++)
			seen = seen || strcmp(q->pattern, r->pattern) == 0;
		if (seen)
			continue;
		buf_printf(o, "  %s:\n", r->pattern);
		for (q = r; q->method; q++) {
			if (strcmp(q->pattern, r->pattern) == 0)
				operation(o, q);
		}
	}
	buf_puts(o,
	         "components:\n"
	         "  securitySchemes:\n"
	         "    cookie: {type: apiKey, in: cookie, name: __Host-skydd, description: "
	         "\"with X-CSRF-Token on POST, PATCH and DELETE\"}\n"
	         "    bearer: {type: http, scheme: bearer}\n"
	         "  schemas:\n"
	         "    Role: {type: string, enum: [chief, ssc, registrar, admin, staff, auditor]}\n"
	         "    Error:\n      type: object\n      properties:\n        error:\n"
	         "          type: object\n          properties:\n"
	         "            code: {type: string}\n            message: {type: string}\n"
	         "            field: {type: [string, 'null']}\n"
	         "            reason: {type: string, description: \"a stable dotted code for the "
	         "UI, e.g. field.too_long\"}\n"
	         "            params: {type: object, description: \"the values the reason's text "
	         "names\"}\n");
	return o->err;
}

void api_h_openapi(struct api_ctx *c)
{
	for (size_t i = 0; i < sk_embedded_count; i++) {
		if (strcmp(sk_embedded_files[i].name, "docs/api/openapi.yaml") == 0) {
			c->resp->status = 200;
			c->resp->content_type = "application/yaml; charset=utf-8";
			c->resp->static_body = sk_embedded_files[i].data;
			c->resp->static_len = sk_embedded_files[i].len;
			return;
		}
	}
	api_errorr(c, 404, "not_found", NULL, "api.no_openapi", NULL,
	           "no OpenAPI document in this build");
}
