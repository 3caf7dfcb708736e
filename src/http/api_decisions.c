/*
 * The decisions routes (3 kap. 6–8, 15, 17, 19–20 §§): reclassification,
 * KH and carrying decisions, recipients of KH electronic documents, and the
 * log of KH shown or told orally. Every route first checks that the caller
 * sees the document (404 otherwise, and the denial is logged); the model
 * applies the paragraphs inside the writer's transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/api.h"
#include "model/decision.h"
#include "model/document.h"

#define R(x) API_ROLE_BIT(x)

static const char *str(struct api_ctx *c, const char *key)
{
	return json_string_value(json_object_get(c->body, key));
}

static int64_t num(struct api_ctx *c, const char *key)
{
	return json_integer_value(json_object_get(c->body, key));
}

/* The document exists and the caller sees it; else 404 (and the denial entry). */
static bool document_ok(struct api_ctx *c)
{
	struct model_err err = {0};
	int rc = document_check_read(api_model(c->api), &c->p, c->id);

	if (rc == SK_OK)
		return true;
	snprintf(err.field, sizeof(err.field), "id");
	snprintf(err.msg, sizeof(err.msg), "no document %lld", (long long)c->id);
	api_fail(c, rc, rc == SK_ENOTFOUND ? &err : NULL);
	return false;
}

/* Answers the document's decisions with status, adding key = id when key is set. */
static void reply_list(struct api_ctx *c, unsigned status, const char *key, int64_t id)
{
	json_t *o = decision_list(api_model(c->api), c->id);

	if (!o) {
		api_fail(c, SK_EIO, NULL);
		return;
	}
	if (key)
		json_object_set_new(o, key, json_integer((json_int_t)id));
	api_reply(c, status, o);
}

static void h_reclassify(struct api_ctx *c)
{
	struct decision_reclass r = {
	        .to_class = str(c, "to_class"),
	        .decided_on = str(c, "decided_on"),
	        .reason = str(c, "reason"),
	        .consultation = str(c, "consultation"),
	        .decided_by = num(c, "decided_by"),
	};
	struct model_err err = {0};
	uint64_t seq = 0;
	int rc;

	if (!document_ok(c))
		return;
	rc = decision_reclassify(api_model(c->api), &c->p, c->id, &r, &seq, &err);
	if (rc) {
		api_fail(c, rc, &err);
		return;
	}
	reply_list(c, 200, "seq", (int64_t)seq);
}

static void h_decisions(struct api_ctx *c)
{
	if (document_ok(c))
		reply_list(c, 200, NULL, 0);
}

static void h_decision_create(struct api_ctx *c)
{
	struct decision_new d = {
	        .kind = str(c, "kind"),
	        .decided_on = str(c, "decided_on"),
	        .reference = str(c, "reference"),
	        .note = str(c, "note"),
	        .decided_by = num(c, "decided_by"),
	};
	struct model_err err = {0};
	int64_t id = 0;
	int rc;

	if (!document_ok(c))
		return;
	rc = decision_record(api_model(c->api), &c->p, c->id, &d, &id, &err);
	if (rc) {
		api_fail(c, rc, &err);
		return;
	}
	reply_list(c, 201, "id", id);
}

static void h_kh_recipients(struct api_ctx *c)
{
	json_t *arr = json_object_get(c->body, "person_ids"), *v;
	int64_t persons[100];
	struct model_err err = {0};
	size_t i, n = 0;
	int rc;

	if (!document_ok(c))
		return;
	json_array_foreach(arr, i, v)
	{
		if (n < sizeof(persons) / sizeof(persons[0]))
			persons[n++] = json_integer_value(v);
	}
	rc = decision_kh_recipients_add(api_model(c->api), &c->p, c->id, persons, n, &err);
	if (rc) {
		api_fail(c, rc, &err);
		return;
	}
	reply_list(c, 200, NULL, 0);
}

static void reply_disclosures(struct api_ctx *c, unsigned status, int64_t id)
{
	json_t *o = decision_disclosure_list(api_model(c->api), c->id);

	if (!o) {
		api_fail(c, SK_EIO, NULL);
		return;
	}
	if (id)
		json_object_set_new(o, "id", json_integer((json_int_t)id));
	api_reply(c, status, o);
}

static void h_disclosures(struct api_ctx *c)
{
	if (document_ok(c))
		reply_disclosures(c, 200, 0);
}

static void h_disclosure_create(struct api_ctx *c)
{
	struct decision_disclosure d = {
	        .disclosed_by = num(c, "disclosed_by"),
	        .recipient = str(c, "recipient"),
	        .occurred_at = str(c, "occurred_at"),
	        .how = str(c, "how"),
	        .note = str(c, "note"),
	};
	struct model_err err = {0};
	int64_t id = 0;
	int rc;

	if (!document_ok(c))
		return;
	rc = decision_disclosure_add(api_model(c->api), &c->p, c->id, &d, &id, &err);
	if (rc) {
		api_fail(c, rc, &err);
		return;
	}
	reply_disclosures(c, 201, id);
}

static const char *const to_classes[] = {"BH", "K", "H", "KH", "none", NULL};
static const char *const kinds[] = {"kh_copy", "kh_extract", "kh_carry_out", "abroad", NULL};
static const char *const hows[] = {"shown", "told", NULL};

static const struct api_field f_none[] = {API_FIELDS_END};

static const struct api_field f_reclassify[] = {
        {"to_class", API_ENUM, true, 0, 0,
         "the new class: BH K H KH, or none (declassified, 3 kap. 6 §)", to_classes},
        {"reason", API_TEXT, true, 1, 500, "why the class changes", NULL},
        {"decided_on", API_DATE, false, 0, 0, "the day of the decision (default today)", NULL},
        {"decided_by", API_INT, false, 1, SK_JSON_MAX_INT,
         "the identity who decided, when the registrar or ssc records it (default: the caller)",
         NULL},
        {"consultation", API_TEXT, false, 1, 500,
         "the originator consulted (lowering KH from another organisation, 3 kap. 7 §)", NULL},
        API_FIELDS_END};

static const struct api_field f_decision[] = {
        {"kind", API_ENUM, true, 0, 0,
         "kh_copy kh_extract (3 kap. 8 §), kh_carry_out (20 §): the head; abroad (19 §, H or "
         "lower): the ssc",
         kinds},
        {"reference", API_STRING, true, 1, 128, "the decision's reference", NULL},
        {"decided_on", API_DATE, false, 0, 0, "the day of the decision (default today)", NULL},
        {"decided_by", API_INT, false, 1, SK_JSON_MAX_INT,
         "the identity who decided, when the registrar or ssc records it (default: the caller)",
         NULL},
        {"note", API_TEXT, false, 1, 500, "a note, e.g. how many copies", NULL},
        API_FIELDS_END};

static const struct api_field f_recipients[] = {
        {"person_ids", API_IDS, true, 1, 100, "the persons who received it (3 kap. 15 §)", NULL},
        API_FIELDS_END};

static const struct api_field f_disclosure[] = {
        {"disclosed_by", API_INT, true, 1, SK_JSON_MAX_INT, "the person who showed or told it",
         NULL},
        {"recipient", API_STRING, true, 1, 200, "to whom", NULL},
        {"occurred_at", API_STRING, true, 10, 35,
         "when: YYYY-MM-DD or an RFC 3339 time, not in the future", NULL},
        {"how", API_ENUM, true, 0, 0, "shown or told", hows},
        {"note", API_TEXT, false, 1, 500, "what was disclosed, where", NULL},
        API_FIELDS_END};

const struct api_route api_routes_decisions[] = {
        {"POST", "/api/v1/documents/{id}/reclassify", R(REGISTRAR) | R(SSC) | R(CHIEF), 0,
         f_reclassify, f_none, h_reclassify,
         "change a document's class or declassify it (3 kap. 6–7 §§)"},
        {"GET", "/api/v1/documents/{id}/decisions", ROLES_ANY, 0, NULL, f_none, h_decisions,
         "a document's decisions, changes of class and KH recipients"},
        {"POST", "/api/v1/documents/{id}/decisions", R(REGISTRAR) | R(SSC) | R(CHIEF), 0,
         f_decision, f_none, h_decision_create,
         "record a KH copy/extract/carry-out or carry-abroad decision (3 kap. 8, 19, 20 §§)"},
        {"POST", "/api/v1/documents/{id}/kh-recipients", R(REGISTRAR) | R(SSC), 0, f_recipients,
         f_none, h_kh_recipients, "note recipients of a KH electronic document (3 kap. 15 §)"},
        {"GET", "/api/v1/documents/{id}/disclosures", ROLES_ANY, 0, NULL, f_none, h_disclosures,
         "the log of KH shown or told orally (3 kap. 17 §)"},
        {"POST", "/api/v1/documents/{id}/disclosures", R(REGISTRAR) | R(SSC) | R(CHIEF) | R(STAFF),
         0, f_disclosure, f_none, h_disclosure_create,
         "note that KH was shown or told orally (3 kap. 17 §)"},
        API_ROUTES_END,
};
