/*
 * The routes of storage media (3 kap. 11, 21–24 §§). The router validated
 * types and bounds; the model (src/model/media.c) checks rights and state in
 * the writer's transaction. Persons, spaces, systems and distributors are
 * registers defined as data: their routes are api_registers.c's.
 */
#include <stdio.h>
#include <string.h>

#include "http/api.h"
#include "model/records.h"

#define R(x)       ROLE_BIT(ROLE_##x)
#define REGISTER   (R(REGISTRAR) | R(SSC) | R(CHIEF) | R(AUDITOR)) /* read the register */
#define P_READ     (REGISTER | R(ADMIN))
#define P_WRITE    (R(REGISTRAR) | R(SSC) | R(ADMIN))
#define S_WRITE    (R(SSC) | R(CHIEF))
#define M_WRITE    (R(REGISTRAR) | R(SSC))
#define MAX_ID     SK_JSON_MAX_INT
#define END_FIELDS API_FIELDS_END

/* ---- helpers ---- */

static const char *str(struct api_ctx *c, const char *key)
{
	return json_string_value(json_object_get(c->body, key));
}

static const char *qstr(struct api_ctx *c, const char *key)
{
	return json_string_value(json_object_get(c->query, key));
}

static int64_t num(struct api_ctx *c, const char *key, int64_t missing)
{
	json_t *v = json_object_get(c->body, key);

	return v ? (int64_t)json_integer_value(v) : missing;
}

static int class_of(struct api_ctx *c, const char *key)
{
	const char *s = str(c, key);

	return s ? clearance_parse(s) : 0;
}

/* Answers {key: obj} with status, or 404 naming id when obj is NULL. */
static void reply_one(struct api_ctx *c, unsigned status, const char *key, const char *what,
                      json_t *obj)
{
	if (!obj) {
		api_error(c, 404, "not_found", "id", "no %s %lld", what, (long long)c->id);
		return;
	}
	api_reply(c, status, json_pack("{s:o}", key, obj));
}

static void reply_list(struct api_ctx *c, const char *key, json_t *arr)
{
	if (!arr) {
		api_fail(c, SK_EIO, NULL);
		return;
	}
	api_reply(c, 200, json_pack("{s:o}", key, arr));
}

/* ---- storage media ---- */

static const char *const media_types[] = {"usb",     "disk",  "laptop", "phone",
                                          "optical", "other", NULL};
static const char *const media_states[] = {"in_use", "lost",      "decommissioned",
                                           "reused", "destroyed", NULL};

static void h_media(struct api_ctx *c)
{
	reply_list(c, "media", records_medium_list(api_model(c->api), &c->p, qstr(c, "state")));
}

static void h_medium_get(struct api_ctx *c)
{
	reply_one(c, 200, "medium", "medium", records_medium_get(api_model(c->api), &c->p, c->id));
}

static void medium_of(struct api_ctx *c, struct records_medium *n, bool create)
{
	json_t *fixed = json_object_get(c->body, "fixed");
	int64_t system = num(c, "system_id", -2);

	n->identifier = str(c, "identifier");
	n->type = str(c, "type");
	n->class = class_of(c, "class");
	n->marking = str(c, "marking");
	n->fixed = fixed ? json_is_true(fixed) : create ? 0 : -1;
	n->space_id = num(c, "space_id", 0);
	n->holder_id = num(c, "holder_id", 0);
	/* system_id: absent = unchanged (create: none), 0 = none (update: clear it). */
	n->system_id = system == -2 ? 0 : system == 0 ? (create ? 0 : -1) : system;
}

static void h_medium_create(struct api_ctx *c)
{
	struct records_medium n;
	struct model_err err = {0};
	int64_t id = 0;
	int rc;

	medium_of(c, &n, true);
	rc = records_medium_create(api_model(c->api), &c->p, &n, &id, &err);
	if (rc) {
		api_fail(c, rc, &err);
		return;
	}
	c->id = id;
	reply_one(c, 201, "medium", "medium", records_medium_get(api_model(c->api), &c->p, id));
}

static void h_medium_update(struct api_ctx *c)
{
	struct records_medium n;
	struct model_err err = {0};
	int rc;

	medium_of(c, &n, false);
	rc = records_medium_update(api_model(c->api), &c->p, c->id, &n, &err);
	if (rc) {
		api_fail(c, rc, &err);
		return;
	}
	h_medium_get(c);
}

static void medium_end(struct api_ctx *c, const char *kind)
{
	bool destroy = strcmp(kind, "destroy") == 0;
	struct records_medium_end e = {
	        .method = str(c, "method"),
	        .on = destroy ? str(c, "destroyed_on") : str(c, "on"),
	        .performer_id = num(c, "performer_id", 0),
	        .witness_id = num(c, "witness_id", 0),
	        .note = str(c, "note"),
	};
	struct model_err err = {0};
	int64_t out = 0;
	int rc = records_medium_end(api_model(c->api), &c->p, c->id, kind, &e, &out, &err);

	if (rc) {
		api_fail(c, rc, &err);
		return;
	}
	h_medium_get(c);
}

static void h_medium_decommission(struct api_ctx *c)
{
	medium_end(c, "decommission");
}

static void h_medium_reuse(struct api_ctx *c)
{
	medium_end(c, "reuse");
}

static void h_medium_destroy(struct api_ctx *c)
{
	medium_end(c, "destroy");
}

static void h_medium_lost(struct api_ctx *c)
{
	medium_end(c, "lost");
}

/* ---- fields ---- */

static const struct api_field f_none[] = {END_FIELDS};

static const struct api_field q_media[] = {{"state", API_ENUM, false, 0, 0,
                                            "in_use, lost, decommissioned, reused or destroyed",
                                            media_states},
                                           END_FIELDS};

static const struct api_field f_medium_new[] = {
        {"identifier", API_STRING, true, 1, 64, "the medium's identifier (unique)", NULL},
        {"type", API_ENUM, true, 0, 0, "usb, disk, laptop, phone, optical or other", media_types},
        {"class", API_CLASS, true, 0, 0, "BH K H KH, within your clearance", NULL},
        {"marking", API_STRING, false, 1, 128, "the marking (default: class and identifier)", NULL},
        {"fixed", API_BOOL, false, 0, 0, "marked on the equipment (3 kap. 11 §)", NULL},
        {"space_id", API_INT, false, 1, MAX_ID, "where it is kept (or holder_id)", NULL},
        {"holder_id", API_INT, false, 1, MAX_ID, "the person who holds it (or space_id)", NULL},
        {"system_id", API_INT, false, 1, MAX_ID, "the information system it belongs to", NULL},
        END_FIELDS};

static const struct api_field f_medium_patch[] = {
        {"type", API_ENUM, false, 0, 0, "usb, disk, laptop, phone, optical or other", media_types},
        {"class", API_CLASS, false, 0, 0, "BH K H KH, within your clearance", NULL},
        {"marking", API_STRING, false, 1, 128, "the marking", NULL},
        {"fixed", API_BOOL, false, 0, 0, "marked on the equipment", NULL},
        {"space_id", API_INT, false, 1, MAX_ID, "move it to this space", NULL},
        {"holder_id", API_INT, false, 1, MAX_ID, "hand it to this person", NULL},
        {"system_id", API_INT, false, 0, MAX_ID, "its system; 0 removes it", NULL},
        END_FIELDS};

static const struct api_field f_medium_retire[] = {
        {"method", API_TEXT, true, 1, 200, "how (3 kap. 24 §)", NULL},
        {"on", API_DATE, false, 0, 0, "the day (default today)", NULL},
        END_FIELDS};

static const struct api_field f_medium_destroy[] = {
        {"method", API_TEXT, true, 1, 200, "how, so nothing can be restored (3 kap. 22 §)", NULL},
        {"destroyed_on", API_DATE, false, 0, 0, "the day (default today)", NULL},
        {"performer_id", API_INT, true, 1, MAX_ID, "the person who destroyed it", NULL},
        {"witness_id", API_INT, false, 1, MAX_ID, "a witness (another person)", NULL},
        END_FIELDS};

static const struct api_field f_medium_lost[] = {
        {"note", API_TEXT, true, 1, 500, "what is known", NULL},
        {"on", API_DATE, false, 0, 0, "when it was missed (default today)", NULL},
        END_FIELDS};

const struct api_route api_routes_records[] = {
        {"GET", "/api/v1/media", REGISTER, 0, NULL, q_media, h_media,
         "list storage media within your clearance"},
        {"POST", "/api/v1/media", M_WRITE, 0, f_medium_new, f_none, h_medium_create,
         "register a storage medium (3 kap. 11 §)"},
        {"GET", "/api/v1/media/{id}", REGISTER, 0, NULL, f_none, h_medium_get, "one medium"},
        {"PATCH", "/api/v1/media/{id}", M_WRITE, 0, f_medium_patch, f_none, h_medium_update,
         "change, move or hand over a medium"},
        {"POST", "/api/v1/media/{id}/decommission", M_WRITE, 0, f_medium_retire, f_none,
         h_medium_decommission, "take a medium out of use (3 kap. 24 §)"},
        {"POST", "/api/v1/media/{id}/reuse", M_WRITE, 0, f_medium_retire, f_none, h_medium_reuse,
         "record reuse of a medium (3 kap. 24 §)"},
        {"POST", "/api/v1/media/{id}/destroy", M_WRITE, 0, f_medium_destroy, f_none,
         h_medium_destroy, "destroy a medium with a record (3 kap. 22–23 §§)"},
        {"POST", "/api/v1/media/{id}/lost", M_WRITE, 0, f_medium_lost, f_none, h_medium_lost,
         "report a medium lost (opens a lost case)"},
        API_ROUTES_END,
};
