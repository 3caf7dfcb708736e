/*
 * The records routes: persons, approved spaces (5 kap. 8–10 §§),
 * information systems, approved distributors (3 kap. 12 §) and storage
 * media (3 kap. 11, 21–24 §§). The router validated types and bounds; the
 * model (src/model/records.c, media.c) checks rights and state in the
 * writer's transaction.
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

/* ---- persons ---- */

static const char *const person_states[] = {"active", "ended", NULL};

static void h_persons(struct api_ctx *c)
{
	reply_list(c, "persons", records_person_list(api_model(c->api), qstr(c, "status")));
}

static void h_person_get(struct api_ctx *c)
{
	reply_one(c, 200, "person", "person", records_person_get(api_model(c->api), c->id));
}

static void h_person_create(struct api_ctx *c)
{
	struct records_person n = {str(c, "name"), str(c, "unit"), num(c, "identity_id", 0)};
	struct model_err err = {0};
	int64_t id = 0;
	int rc = records_person_create(api_model(c->api), &c->p, &n, &id, &err);

	if (rc) {
		api_fail(c, rc, &err);
		return;
	}
	c->id = id;
	reply_one(c, 201, "person", "person", records_person_get(api_model(c->api), id));
}

static void h_person_update(struct api_ctx *c)
{
	struct records_person n = {str(c, "name"), str(c, "unit"), num(c, "identity_id", -1)};
	struct model_err err = {0};
	int rc = records_person_update(api_model(c->api), &c->p, c->id, &n, &err);

	if (rc) {
		api_fail(c, rc, &err);
		return;
	}
	h_person_get(c);
}

static void h_person_end(struct api_ctx *c)
{
	struct model_err err = {0};
	int rc = records_person_end(api_model(c->api), &c->p, c->id, str(c, "ended_on"), &err);

	if (rc) {
		api_fail(c, rc, &err);
		return;
	}
	h_person_get(c);
}

/* ---- spaces ---- */

static const char *const space_kinds[] = {"conversation", "processing", "container", NULL};
static const char *const approval_states[] = {"approved", "withdrawn", NULL};

static void h_spaces(struct api_ctx *c)
{
	reply_list(c, "spaces",
	           records_space_list(api_model(c->api), qstr(c, "kind"), qstr(c, "status")));
}

static void h_space_get(struct api_ctx *c)
{
	reply_one(c, 200, "space", "space", records_space_get(api_model(c->api), c->id));
}

static void space_of(struct api_ctx *c, struct records_space *s)
{
	s->kind = str(c, "kind");
	s->name = str(c, "name");
	s->location = str(c, "location");
	s->max_class = class_of(c, "max_class");
	s->decided_on = str(c, "decided_on");
	s->decision_ref = str(c, "decision_ref");
}

static void h_space_create(struct api_ctx *c)
{
	struct records_space s;
	struct model_err err = {0};
	int64_t id = 0;
	int rc;

	space_of(c, &s);
	rc = records_space_create(api_model(c->api), &c->p, &s, &id, &err);
	if (rc) {
		api_fail(c, rc, &err);
		return;
	}
	c->id = id;
	reply_one(c, 201, "space", "space", records_space_get(api_model(c->api), id));
}

static void h_space_update(struct api_ctx *c)
{
	struct records_space s;
	struct model_err err = {0};
	int rc;

	space_of(c, &s);
	rc = records_space_update(api_model(c->api), &c->p, c->id, &s, &err);
	if (rc) {
		api_fail(c, rc, &err);
		return;
	}
	h_space_get(c);
}

static void h_space_withdraw(struct api_ctx *c)
{
	struct model_err err = {0};
	int rc = records_space_withdraw(api_model(c->api), &c->p, c->id, str(c, "withdrawn_on"),
	                                str(c, "reason"), &err);

	if (rc) {
		api_fail(c, rc, &err);
		return;
	}
	h_space_get(c);
}

/* ---- systems and distributors ---- */

static void h_systems(struct api_ctx *c)
{
	reply_list(c, "systems", records_system_list(api_model(c->api)));
}

static void h_system_get(struct api_ctx *c)
{
	reply_one(c, 200, "system", "system", records_system_get(api_model(c->api), c->id));
}

static void h_system_write(struct api_ctx *c, bool create)
{
	struct records_system s = {str(c, "name"), class_of(c, "max_class"), str(c, "decision_ref"),
	                           str(c, "status")};
	struct model_err err = {0};
	int64_t id = c->id;
	int rc = create ? records_system_create(api_model(c->api), &c->p, &s, &id, &err)
	                : records_system_update(api_model(c->api), &c->p, id, &s, &err);

	if (rc) {
		api_fail(c, rc, &err);
		return;
	}
	c->id = id;
	reply_one(c, create ? 201 : 200, "system", "system",
	          records_system_get(api_model(c->api), id));
}

static void h_system_create(struct api_ctx *c)
{
	h_system_write(c, true);
}

static void h_system_update(struct api_ctx *c)
{
	h_system_write(c, false);
}

static void h_distributors(struct api_ctx *c)
{
	reply_list(c, "distributors", records_distributor_list(api_model(c->api)));
}

static void h_distributor_get(struct api_ctx *c)
{
	reply_one(c, 200, "distributor", "distributor",
	          records_distributor_get(api_model(c->api), c->id));
}

static void h_distributor_write(struct api_ctx *c, bool create)
{
	struct records_distributor d = {str(c, "name"), str(c, "contact"), str(c, "decision_ref"),
	                                str(c, "status")};
	struct model_err err = {0};
	int64_t id = c->id;
	int rc = create ? records_distributor_create(api_model(c->api), &c->p, &d, &id, &err)
	                : records_distributor_update(api_model(c->api), &c->p, id, &d, &err);

	if (rc) {
		api_fail(c, rc, &err);
		return;
	}
	c->id = id;
	reply_one(c, create ? 201 : 200, "distributor", "distributor",
	          records_distributor_get(api_model(c->api), id));
}

static void h_distributor_create(struct api_ctx *c)
{
	h_distributor_write(c, true);
}

static void h_distributor_update(struct api_ctx *c)
{
	h_distributor_write(c, false);
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

static const struct api_field q_persons[] = {
        {"status", API_ENUM, false, 0, 0, "active or ended", person_states}, END_FIELDS};

static const struct api_field f_person_new[] = {
        {"name", API_STRING, true, 1, 128, "the person's name", NULL},
        {"unit", API_STRING, false, 0, 128, "organisational unit", NULL},
        {"identity_id", API_INT, false, 1, MAX_ID, "the person's login (identity), if any", NULL},
        END_FIELDS};

static const struct api_field f_person_patch[] = {
        {"name", API_STRING, false, 1, 128, "the person's name", NULL},
        {"unit", API_STRING, false, 0, 128, "organisational unit", NULL},
        {"identity_id", API_INT, false, 0, MAX_ID, "link to an identity; 0 removes the link", NULL},
        END_FIELDS};

static const struct api_field f_person_end[] = {
        {"ended_on", API_DATE, false, 0, 0,
         "last day (default today); refused while the person "
         "holds copies or media",
         NULL},
        END_FIELDS};

static const struct api_field q_spaces[] = {
        {"kind", API_ENUM, false, 0, 0, "conversation, processing or container", space_kinds},
        {"status", API_ENUM, false, 0, 0, "approved or withdrawn", approval_states},
        END_FIELDS};

static const struct api_field f_space_new[] = {
        {"kind", API_ENUM, true, 0, 0,
         "conversation (5 kap. 8 §), processing (9 §) or container (10 §)", space_kinds},
        {"name", API_STRING, true, 1, 128, "the room's or container's name", NULL},
        {"location", API_STRING, false, 0, 200, "where it is", NULL},
        {"max_class", API_CLASS, true, 0, 0,
         "highest approved class: BH K H KH (KH container: "
         "the head only)",
         NULL},
        {"decided_on", API_DATE, false, 0, 0, "the decision's date (default today)", NULL},
        {"decision_ref", API_STRING, true, 1, 128, "the decision's reference", NULL},
        END_FIELDS};

static const struct api_field f_space_patch[] = {
        {"name", API_STRING, false, 1, 128, "the room's or container's name", NULL},
        {"location", API_STRING, false, 0, 200, "where it is", NULL},
        {"max_class", API_CLASS, false, 0, 0, "a new highest class (with decision_ref)", NULL},
        {"decided_on", API_DATE, false, 0, 0, "the decision's date", NULL},
        {"decision_ref", API_STRING, false, 1, 128, "the decision's reference", NULL},
        END_FIELDS};

static const struct api_field f_space_withdraw[] = {
        {"withdrawn_on", API_DATE, false, 0, 0, "the day (default today)", NULL},
        {"reason", API_TEXT, true, 1, 500, "why the approval ends", NULL},
        END_FIELDS};

static const struct api_field f_system_new[] = {
        {"name", API_STRING, true, 1, 128, "the system's name (unique)", NULL},
        {"max_class", API_CLASS, true, 0, 0, "highest approved class (3 kap. 1 §)", NULL},
        {"decision_ref", API_STRING, false, 0, 128, "the approval's reference", NULL},
        END_FIELDS};

static const struct api_field f_system_patch[] = {
        {"name", API_STRING, false, 1, 128, "the system's name (unique)", NULL},
        {"max_class", API_CLASS, false, 0, 0, "highest approved class", NULL},
        {"decision_ref", API_STRING, false, 0, 128, "the approval's reference", NULL},
        {"status", API_ENUM, false, 0, 0, "approved or withdrawn", approval_states},
        END_FIELDS};

static const struct api_field f_distributor_new[] = {
        {"name", API_STRING, true, 1, 128, "the distributor's name (unique)", NULL},
        {"contact", API_STRING, false, 0, 200, "how to reach them", NULL},
        {"decision_ref", API_STRING, false, 0, 128, "the approval's reference (3 kap. 12 §)", NULL},
        END_FIELDS};

static const struct api_field f_distributor_patch[] = {
        {"name", API_STRING, false, 1, 128, "the distributor's name (unique)", NULL},
        {"contact", API_STRING, false, 0, 200, "how to reach them", NULL},
        {"decision_ref", API_STRING, false, 0, 128, "the approval's reference", NULL},
        {"status", API_ENUM, false, 0, 0, "approved or withdrawn", approval_states},
        END_FIELDS};

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
        {"GET", "/api/v1/persons", P_READ, 0, NULL, q_persons, h_persons, "list persons"},
        {"POST", "/api/v1/persons", P_WRITE, 0, f_person_new, f_none, h_person_create,
         "record a person (recipient or holder)"},
        {"GET", "/api/v1/persons/{id}", P_READ, 0, NULL, f_none, h_person_get, "one person"},
        {"PATCH", "/api/v1/persons/{id}", P_WRITE, 0, f_person_patch, f_none, h_person_update,
         "change a person's name, unit or login"},
        {"POST", "/api/v1/persons/{id}/end", P_WRITE, 0, f_person_end, f_none, h_person_end,
         "end a person (refused while they hold copies or media)"},
        {"GET", "/api/v1/spaces", REGISTER, 0, NULL, q_spaces, h_spaces,
         "list approved spaces (5 kap. 8–10 §§)"},
        {"POST", "/api/v1/spaces", S_WRITE, 0, f_space_new, f_none, h_space_create,
         "approve a room or storage container"},
        {"GET", "/api/v1/spaces/{id}", REGISTER, 0, NULL, f_none, h_space_get, "one space"},
        {"PATCH", "/api/v1/spaces/{id}", S_WRITE, 0, f_space_patch, f_none, h_space_update,
         "change a space or its approval"},
        {"POST", "/api/v1/spaces/{id}/withdraw", S_WRITE, 0, f_space_withdraw, f_none,
         h_space_withdraw, "withdraw an approval (refused while it holds anything)"},
        {"GET", "/api/v1/systems", REGISTER, 0, NULL, f_none, h_systems,
         "list information systems"},
        {"POST", "/api/v1/systems", R(SSC), 0, f_system_new, f_none, h_system_create,
         "record an approved information system (3 kap. 1 §)"},
        {"GET", "/api/v1/systems/{id}", REGISTER, 0, NULL, f_none, h_system_get, "one system"},
        {"PATCH", "/api/v1/systems/{id}", R(SSC), 0, f_system_patch, f_none, h_system_update,
         "change a system or withdraw its approval"},
        {"GET", "/api/v1/distributors", REGISTER, 0, NULL, f_none, h_distributors,
         "list approved distributors"},
        {"POST", "/api/v1/distributors", R(SSC), 0, f_distributor_new, f_none, h_distributor_create,
         "record an approved distributor (3 kap. 12 §)"},
        {"GET", "/api/v1/distributors/{id}", REGISTER, 0, NULL, f_none, h_distributor_get,
         "one distributor"},
        {"PATCH", "/api/v1/distributors/{id}", R(SSC), 0, f_distributor_patch, f_none,
         h_distributor_update, "change a distributor or withdraw its approval"},
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
