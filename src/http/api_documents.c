/*
 * The register of classified documents over the API (3 kap. PMFS 2022:1):
 * documents, copies, receipts, shipments, destruction records and the
 * numbering setting. Reads apply the visibility rule (model/document.h); a
 * document the caller may not see answers 404 and is logged as
 * document.access.denied.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/api.h"
#include "model/document.h"

#define R(x)    API_ROLE_BIT(x)
#define WRITERS (R(REGISTRAR) | R(SSC))
#define MAX_ID  SK_JSON_MAX_INT
#define ID(name, req, doc)                                                                         \
	{                                                                                          \
		name, API_INT, req, 1, MAX_ID, doc, NULL                                           \
	}

static const char *const v_form[] = {"physical", "electronic", NULL};
static const char *const v_status[] = {"active", "closed", NULL};
static const char *const v_copy_state[] = {"in_register", "issued",   "returned",  "shipped",
                                           "lost",        "archived", "destroyed", NULL};
static const char *const v_receipt_state[] = {"pending", "signed", "returned", NULL};
static const char *const v_bool[] = {"true", "false", NULL};

static const struct api_field f_none[] = {API_FIELDS_END};

static const struct api_field q_documents[] = {
        {"class", API_CLASS, false, 0, 0, "only this class: BH K H KH", NULL},
        {"state", API_ENUM, false, 0, 0,
         "with a copy in this state: in_register issued returned shipped lost archived "
         "destroyed",
         v_copy_state},
        ID("holder", false, "with a copy held by this person"),
        {"overdue", API_ENUM, false, 0, 0,
         "true: a copy not inventoried in 12 months or a receipt pending over 14 days", v_bool},
        {"q", API_STRING, false, 1, 100, "designation, title or case number contains", NULL},
        {"declassified", API_ENUM, false, 0, 0, "true: include declassified documents", v_bool},
        {"limit", API_INT, false, 1, 500, "documents per page, default 50", NULL},
        {"after", API_INT, false, 0, MAX_ID, "the last id of the previous page", NULL},
        API_FIELDS_END};

static const struct api_field f_document_new[] = {
        {"designation", API_STRING, false, 1, 64, "beteckning; default: the next by the pattern",
         NULL},
        {"title", API_STRING, true, 1, 500, "the title", NULL},
        {"title_classified", API_BOOL, false, 0, 0, "the title itself is classified", NULL},
        {"class", API_CLASS, true, 0, 0, "säkerhetsskyddsklass: BH K H KH", NULL},
        {"form", API_ENUM, true, 0, 0, "physical or electronic", v_form},
        {"pages", API_INT, false, 1, 1000000, "page count (required for K+ physical, 3 kap. 4 §)",
         NULL},
        {"attachments", API_INT, false, 0, 100000, "number of attachments", NULL},
        {"originator", API_STRING, false, 0, 200, "external originator; empty = our own", NULL},
        {"case_number", API_STRING, false, 0, 64, "diarienummer", NULL},
        ID("system_id", false, "electronic: the approved information system (3 kap. 1 §)"),
        {"document_date", API_DATE, false, 0, 0, "the document's own date", NULL},
        {"registered_on", API_DATE, false, 0, 0, "default today", NULL},
        {"person_ids", API_IDS, false, 1, 1000, "the need-to-know list (persons)", NULL},
        API_FIELDS_END};

static const struct api_field f_document_patch[] = {
        {"title", API_STRING, false, 1, 500, "the title", NULL},
        {"title_classified", API_BOOL, false, 0, 0, "the title itself is classified", NULL},
        {"pages", API_INT, false, 1, 1000000, "page count", NULL},
        {"attachments", API_INT, false, 0, 100000, "number of attachments", NULL},
        {"originator", API_STRING, false, 0, 200, "external originator", NULL},
        {"case_number", API_STRING, false, 0, 64, "diarienummer", NULL},
        ID("system_id", false, "electronic: the approved information system"),
        {"document_date", API_DATE, false, 0, 0, "the document's own date", NULL},
        {"status", API_ENUM, false, 0, 0, "active or closed", v_status},
        API_FIELDS_END};

static const struct api_field f_access[] = {{"person_ids", API_IDS, true, 1, 1000, "persons", NULL},
                                            API_FIELDS_END};

static const struct api_field f_copies_new[] = {
        {"count", API_INT, false, 1, 100, "how many copies, default 1", NULL},
        ID("space_id", false, "an approved container (3 kap. 9 §)"),
        ID("holder_id", false, "or a person holding it (under kontroll)"),
        ID("decision_id", false, "KH: the head's kh_copy decision (3 kap. 8 §)"),
        {"paper_ref", API_STRING, false, 1, 128, "holder: a signed paper receipt", NULL},
        API_FIELDS_END};

static const struct api_field q_copies[] = {
        {"mine", API_ENUM, false, 0, 0, "true: only the copies I hold", v_bool},
        {"state", API_ENUM, false, 0, 0, "only copies in this state", v_copy_state},
        ID("document_id", false, "only this document's"),
        {"overdue", API_ENUM, false, 0, 0, "true: not inventoried in 12 months", v_bool},
        {"limit", API_INT, false, 1, 500, "copies per page, default 50", NULL},
        {"after", API_INT, false, 0, MAX_ID, "the last id of the previous page", NULL},
        API_FIELDS_END};

static const struct api_field f_issue[] = {
        ID("person_id", true, "the recipient (on the need-to-know list)"),
        {"paper_ref", API_STRING, false, 1, 128, "a signed paper receipt instead of a pending one",
         NULL},
        API_FIELDS_END};

static const struct api_field f_return[] = {
        ID("space_id", false, "the container it goes back into"),
        {"note", API_STRING, false, 0, 500, "noted on the receipt", NULL},
        API_FIELDS_END};

static const struct api_field f_store[] = {ID("space_id", true, "an approved container"),
                                           {"note", API_STRING, false, 0, 500, "a note", NULL},
                                           API_FIELDS_END};

static const struct api_field f_archive[] = {ID("space_id", false, "the archive container"),
                                             {"note", API_STRING, false, 0, 500, "a note", NULL},
                                             API_FIELDS_END};

static const struct api_field f_lost[] = {
        {"note", API_STRING, false, 0, 500, "what is known", NULL}, API_FIELDS_END};

static const struct api_field f_destroy[] = {
        {"method", API_STRING, true, 1, 200, "how (so nothing can be restored, 3 kap. 22 §)", NULL},
        {"destroyed_on", API_DATE, true, 0, 0, "when", NULL},
        ID("performer_id", true, "the person who destroyed it"),
        ID("witness_id", false, "a second person (required for K+, 3 kap. 23 §)"),
        API_FIELDS_END};

static const struct api_field f_destroy_many[] = {
        {"copies", API_IDS, true, 1, DESTROY_MANY_MAX,
         "the numbers of the copies destroyed in this act (all or none)", NULL},
        {"method", API_STRING, true, 1, 200, "how (so nothing can be restored, 3 kap. 22 §)", NULL},
        {"destroyed_on", API_DATE, true, 0, 0, "when", NULL},
        ID("performer_id", true, "the person who destroyed them"),
        ID("witness_id", false, "a second person (required for K+, 3 kap. 23 §)"),
        API_FIELDS_END};

static const struct api_field f_organisation[] = {
        {"name", API_STRING, true, 1, ORG_NAME_MAX,
         "the organisation's name, printed on protocols and the register", NULL},
        API_FIELDS_END};

static const struct api_field f_ship[] = {
        ID("distributor_id", true, "an approved distributor (3 kap. 12 §)"),
        {"recipient", API_STRING, true, 1, 200, "the external recipient", NULL},
        {"sent_on", API_DATE, false, 0, 0, "default today", NULL},
        API_FIELDS_END};

static const struct api_field f_deliver[] = {
        {"delivered_on", API_DATE, false, 0, 0, "default today", NULL},
        {"delivery_ref", API_STRING, true, 1, 128, "the delivery confirmation's reference", NULL},
        API_FIELDS_END};

static const struct api_field q_receipts[] = {
        {"mine", API_ENUM, false, 0, 0, "true: only my receipts", v_bool},
        {"state", API_ENUM, false, 0, 0, "pending signed returned", v_receipt_state},
        API_FIELDS_END};

static const struct api_field f_sign[] = {
        {"code", API_STRING, true, 6, 6, "a fresh TOTP code of your own login", NULL},
        {"class_acknowledged", API_CLASS, true, 0, 0,
         "the classification shown on the receipt (3 kap. 2 §)", NULL},
        API_FIELDS_END};

static const struct api_field f_paper[] = {
        {"paper_ref", API_STRING, true, 1, 128, "the signed paper receipt's reference", NULL},
        API_FIELDS_END};

static const struct api_field f_numbering[] = {{"pattern", API_STRING, true, 1, 64,
                                                "e.g. {YYYY}-{N:4}; tokens {YYYY} {YY} {N} {N:w}",
                                                NULL},
                                               API_FIELDS_END};

/* ---- helpers ---- */

static struct model *M(struct api_ctx *c)
{
	return api_model(c->api);
}

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int64_t num(const json_t *o, const char *key, int64_t def)
{
	json_t *v = json_object_get(o, key);

	return json_is_integer(v) ? json_integer_value(v) : def;
}

static bool yes(const json_t *o, const char *key)
{
	const char *s = str(o, key);

	return s && strcmp(s, "true") == 0;
}

/* The person ids of an API_IDS field; n = 0 when absent. Caller frees. */
static int64_t *ids_of(const json_t *o, const char *key, size_t *n)
{
	json_t *a = json_object_get(o, key), *v;
	int64_t *ids;
	size_t i;

	*n = json_array_size(a);
	ids = calloc(*n ? *n : 1, sizeof(*ids));
	if (!ids)
		return NULL;
	json_array_foreach(a, i, v) ids[i] = json_integer_value(v);
	return ids;
}

static void not_found(struct api_ctx *c, const char *what)
{
	api_errorr(c, 404, "not_found", "id", "request.not_found", NULL, "no %s %lld", what,
	           (long long)c->id);
}

/* Answers the document, or 404 (logged when it exists and is not visible). */
static void reply_document(struct api_ctx *c, int64_t id, unsigned status)
{
	json_t *o;

	if (document_check_read(M(c), &c->p, id) != SK_OK) {
		api_errorr(c, 404, "not_found", "id", "document.not_found", NULL,
		           "no document %lld", (long long)id);
		return;
	}
	o = document_get(M(c), &c->p, id);
	if (!o) {
		api_fail(c, SK_EIO, NULL);
		return;
	}
	api_reply(c, status, json_pack("{s:o}", "document", o));
}

/* An object that belongs to a document: 404 and a denied entry when p may not see it. */
static void reply_part(struct api_ctx *c, const char *key, json_t *o, int64_t doc)
{
	if (!o) {
		if (doc > 0)
			document_check_read(M(c), &c->p, doc);
		not_found(c, key);
		return;
	}
	api_reply(c, 200, json_pack("{s:o}", key, o));
}

/* ---- documents ---- */

static void h_documents(struct api_ctx *c)
{
	struct document_filter f = {
	        .cls = str(c->query, "class"),
	        .state = str(c->query, "state"),
	        .holder = num(c->query, "holder", 0),
	        .overdue = yes(c->query, "overdue"),
	        .q = str(c->query, "q"),
	        .declassified = yes(c->query, "declassified"),
	        .limit = (unsigned)num(c->query, "limit", 50),
	        .after = num(c->query, "after", 0),
	};
	json_t *o = document_list(M(c), &c->p, &f);

	if (!o) {
		api_fail(c, SK_EIO, NULL);
		return;
	}
	api_reply(c, 200, o);
}

static void h_document_create(struct api_ctx *c)
{
	const json_t *b = c->body;
	struct document_new d = {
	        .designation = str(b, "designation"),
	        .title = str(b, "title"),
	        .title_classified = json_is_true(json_object_get(b, "title_classified")),
	        .cls = str(b, "class"),
	        .form = str(b, "form"),
	        .pages = num(b, "pages", 0),
	        .attachments = num(b, "attachments", 0),
	        .originator = str(b, "originator"),
	        .case_number = str(b, "case_number"),
	        .system_id = num(b, "system_id", 0),
	        .document_date = str(b, "document_date"),
	        .registered_on = str(b, "registered_on"),
	};
	struct model_err err = {0};
	int64_t id = 0, *ids = ids_of(b, "person_ids", &d.n_access);
	int rc;

	if (!ids) {
		api_fail(c, SK_ENOMEM, NULL);
		return;
	}
	d.access = ids;
	rc = document_create(M(c), &c->p, &d, &id, &err);
	free(ids);
	if (rc) {
		api_fail(c, rc, &err);
		return;
	}
	reply_document(c, id, 201);
}

static void h_document_get(struct api_ctx *c)
{
	reply_document(c, c->id, 200);
}

static void h_document_update(struct api_ctx *c)
{
	const json_t *b = c->body, *tc = json_object_get(b, "title_classified");
	struct document_patch d = {
	        .title = str(b, "title"),
	        .title_classified = tc ? json_is_true(tc) : -1,
	        .pages = num(b, "pages", -1),
	        .attachments = num(b, "attachments", -1),
	        .originator = str(b, "originator"),
	        .case_number = str(b, "case_number"),
	        .document_date = str(b, "document_date"),
	        .system_id = num(b, "system_id", -1),
	        .status = str(b, "status"),
	};
	struct model_err err = {0};
	int rc = document_update(M(c), &c->p, c->id, &d, &err);

	if (rc) {
		api_fail(c, rc, &err);
		return;
	}
	reply_document(c, c->id, 200);
}

static void access_change(struct api_ctx *c, bool remove)
{
	struct model_err err = {0};
	size_t n = 0;
	int64_t *ids = ids_of(c->body, "person_ids", &n);
	int rc;

	if (!ids) {
		api_fail(c, SK_ENOMEM, NULL);
		return;
	}
	rc = document_access_change(M(c), &c->p, c->id, ids, n, remove, &err);
	free(ids);
	if (rc) {
		api_fail(c, rc, &err);
		return;
	}
	reply_document(c, c->id, 200);
}

static void h_access_add(struct api_ctx *c)
{
	access_change(c, false);
}

static void h_access_remove(struct api_ctx *c)
{
	access_change(c, true);
}

static void h_history(struct api_ctx *c)
{
	json_t *o;

	if (document_check_read(M(c), &c->p, c->id) != SK_OK) {
		not_found(c, "document");
		return;
	}
	o = document_history(M(c), &c->p, c->id);
	if (!o) {
		api_fail(c, SK_EIO, NULL);
		return;
	}
	api_reply(c, 200, o);
}

/* ---- copies ---- */

static void h_copies_create(struct api_ctx *c)
{
	const json_t *b = c->body;
	struct copy_new n = {
	        .holder_id = num(b, "holder_id", 0),
	        .space_id = num(b, "space_id", 0),
	        .decision_id = num(b, "decision_id", 0),
	        .paper_ref = str(b, "paper_ref"),
	};
	struct model_err err = {0};
	int64_t first = 0;
	int rc = copy_create(M(c), &c->p, c->id, &n, (int)num(b, "count", 1), &first, &err);

	if (rc) {
		api_fail(c, rc, &err);
		return;
	}
	reply_document(c, c->id, 201);
}

static void h_copies(struct api_ctx *c)
{
	struct copy_filter f = {
	        .mine = yes(c->query, "mine"),
	        .state = str(c->query, "state"),
	        .document_id = num(c->query, "document_id", 0),
	        .overdue = yes(c->query, "overdue"),
	        .limit = (unsigned)num(c->query, "limit", 50),
	        .after = num(c->query, "after", 0),
	};
	json_t *o = copy_list(M(c), &c->p, &f);

	if (!o) {
		api_fail(c, SK_EIO, NULL);
		return;
	}
	api_reply(c, 200, o);
}

static void h_copy_get(struct api_ctx *c)
{
	reply_part(c, "copy", copy_get(M(c), &c->p, c->id), copy_document(M(c), c->id));
}

static void copy_do(struct api_ctx *c, struct copy_action *a)
{
	const json_t *b = c->body;
	struct model_err err = {0};
	json_t *o;
	int rc;

	a->note = str(b, "note");
	rc = copy_act(M(c), &c->p, c->id, a, &err);
	if (rc) {
		api_fail(c, rc, &err);
		return;
	}
	o = copy_get(M(c), &c->p, c->id);
	if (!o) {
		api_fail(c, SK_EIO, NULL);
		return;
	}
	api_reply(c, 200,
	          json_pack("{s:o, s:I}", "copy", o, "result_id", (json_int_t)a->result_id));
}

static void h_issue(struct api_ctx *c)
{
	struct copy_action a = {.act = COPY_ISSUE,
	                        .person_id = num(c->body, "person_id", 0),
	                        .paper_ref = str(c->body, "paper_ref")};

	copy_do(c, &a);
}

static void h_return(struct api_ctx *c)
{
	struct copy_action a = {.act = COPY_RETURN, .space_id = num(c->body, "space_id", 0)};

	copy_do(c, &a);
}

static void h_store(struct api_ctx *c)
{
	struct copy_action a = {.act = COPY_STORE, .space_id = num(c->body, "space_id", 0)};

	copy_do(c, &a);
}

static void h_archive(struct api_ctx *c)
{
	struct copy_action a = {.act = COPY_ARCHIVE, .space_id = num(c->body, "space_id", 0)};

	copy_do(c, &a);
}

static void h_lost(struct api_ctx *c)
{
	struct copy_action a = {.act = COPY_LOST};

	copy_do(c, &a);
}

static void h_destroy(struct api_ctx *c)
{
	struct copy_action a = {.act = COPY_DESTROY,
	                        .method = str(c->body, "method"),
	                        .destroyed_on = str(c->body, "destroyed_on"),
	                        .performer_id = num(c->body, "performer_id", 0),
	                        .witness_id = num(c->body, "witness_id", 0)};

	copy_do(c, &a);
}

static void h_ship(struct api_ctx *c)
{
	struct copy_action a = {.act = COPY_SHIP,
	                        .distributor_id = num(c->body, "distributor_id", 0),
	                        .recipient = str(c->body, "recipient"),
	                        .sent_on = str(c->body, "sent_on")};

	copy_do(c, &a);
}

static void h_deliver(struct api_ctx *c)
{
	struct model_err err = {0};
	int64_t doc;
	int rc = shipment_deliver(M(c), &c->p, c->id, str(c->body, "delivered_on"),
	                          str(c->body, "delivery_ref"), &err);

	if (rc) {
		api_fail(c, rc, &err);
		return;
	}
	doc = shipment_document(M(c), c->id);
	reply_document(c, doc, 200);
}

/* ---- receipts ---- */

static void h_receipts(struct api_ctx *c)
{
	json_t *arr = receipt_list(M(c), &c->p, yes(c->query, "mine"), str(c->query, "state"));

	if (!arr) {
		api_fail(c, SK_EIO, NULL);
		return;
	}
	api_reply(c, 200, json_pack("{s:o}", "receipts", arr));
}

static void h_receipt_get(struct api_ctx *c)
{
	reply_part(c, "receipt", receipt_get(M(c), &c->p, c->id), receipt_document(M(c), c->id));
}

static void receipt_reply(struct api_ctx *c, int rc, const struct model_err *err)
{
	if (rc) {
		api_fail(c, rc, err);
		return;
	}
	reply_part(c, "receipt", receipt_get(M(c), &c->p, c->id), 0);
}

static void h_sign(struct api_ctx *c)
{
	struct model_err err = {0};
	int rc = receipt_sign(M(c), &c->p, c->id, str(c->body, "code"),
	                      str(c->body, "class_acknowledged"), &err);

	receipt_reply(c, rc, &err);
}

static void h_paper(struct api_ctx *c)
{
	struct model_err err = {0};
	int rc = receipt_paper(M(c), &c->p, c->id, str(c->body, "paper_ref"), &err);

	receipt_reply(c, rc, &err);
}

/* ---- destruction and numbering ---- */

/* Several copies of the document destroyed in one act with one protocol (issue 15). */
static void h_destroy_many(struct api_ctx *c)
{
	struct copy_action a = {.act = COPY_DESTROY,
	                        .method = str(c->body, "method"),
	                        .destroyed_on = str(c->body, "destroyed_on"),
	                        .performer_id = num(c->body, "performer_id", 0),
	                        .witness_id = num(c->body, "witness_id", 0)};
	struct model_err err = {0};
	size_t n = 0;
	int64_t *numbers = ids_of(c->body, "copies", &n), protocol = 0;
	json_t *o;
	int rc;

	if (!numbers) {
		api_fail(c, SK_ENOMEM, NULL);
		return;
	}
	rc = copy_destroy_many(M(c), &c->p, c->id, numbers, n, &a, &protocol, &err);
	free(numbers);
	if (rc) {
		api_fail(c, rc, &err);
		return;
	}
	o = destruction_protocol_get(M(c), &c->p, protocol);
	if (!o) {
		api_fail(c, SK_EIO, NULL);
		return;
	}
	api_reply(c, 201, o);
}

static void h_protocol_get(struct api_ctx *c)
{
	json_t *o = destruction_protocol_get(M(c), &c->p, c->id);

	if (!o) {
		not_found(c, "protocol");
		return;
	}
	api_reply(c, 200, o);
}

static void h_organisation_get(struct api_ctx *c)
{
	json_t *o = organisation_get(M(c));

	if (!o) {
		api_fail(c, SK_EIO, NULL);
		return;
	}
	api_reply(c, 200, json_pack("{s:o}", "organisation", o));
}

static void h_organisation_put(struct api_ctx *c)
{
	struct model_err err = {0};
	int rc = organisation_set(M(c), &c->p, str(c->body, "name"), &err);

	if (rc) {
		api_fail(c, rc, &err);
		return;
	}
	h_organisation_get(c);
}

static void h_destruction_get(struct api_ctx *c)
{
	reply_part(c, "destruction", destruction_get(M(c), &c->p, c->id),
	           destruction_document(M(c), c->id));
}

static void h_numbering_get(struct api_ctx *c)
{
	json_t *o = document_pattern_get(M(c));

	if (!o) {
		api_fail(c, SK_EIO, NULL);
		return;
	}
	api_reply(c, 200, json_pack("{s:o}", "numbering", o));
}

static void h_numbering_put(struct api_ctx *c)
{
	struct model_err err = {0};
	int rc = document_pattern_set(M(c), &c->p, str(c->body, "pattern"), &err);

	if (rc) {
		api_fail(c, rc, &err);
		return;
	}
	h_numbering_get(c);
}

#define READERS (R(REGISTRAR) | R(SSC) | R(AUDITOR))

const struct api_route api_routes_documents[] = {
        {"GET", "/api/v1/documents", ROLES_ANY, 0, NULL, q_documents, h_documents,
         "the register of classified documents (visible to me)"},
        {"POST", "/api/v1/documents", WRITERS, 0, f_document_new, f_none, h_document_create,
         "register a document (3 kap. 4, 10 §§)"},
        {"GET", "/api/v1/documents/{id}", ROLES_ANY, 0, NULL, f_none, h_document_get,
         "a document with its copies, receipts, shipments and need-to-know list"},
        {"PATCH", "/api/v1/documents/{id}", WRITERS, 0, f_document_patch, f_none, h_document_update,
         "change a document's particulars"},
        {"POST", "/api/v1/documents/{id}/access", WRITERS, 0, f_access, f_none, h_access_add,
         "add persons to the need-to-know list"},
        {"POST", "/api/v1/documents/{id}/access/remove", WRITERS, 0, f_access, f_none,
         h_access_remove, "remove persons from the need-to-know list"},
        {"GET", "/api/v1/documents/{id}/history", ROLES_ANY, 0, NULL, f_none, h_history,
         "the document's ledger entries"},
        {"POST", "/api/v1/documents/{id}/copies", WRITERS, 0, f_copies_new, f_none, h_copies_create,
         "make copies (3 kap. 5, 8 §§)"},
        {"GET", "/api/v1/copies", ROLES_ANY, 0, NULL, q_copies, h_copies,
         "copies (mine, or of documents I see)"},
        {"GET", "/api/v1/copies/{id}", ROLES_ANY, 0, NULL, f_none, h_copy_get, "one copy"},
        {"POST", "/api/v1/copies/{id}/issue", WRITERS, 0, f_issue, f_none, h_issue,
         "hand a copy to a person (receipt for K+ physical, 3 kap. 14 §)"},
        {"POST", "/api/v1/copies/{id}/return", WRITERS, 0, f_return, f_none, h_return,
         "a copy comes back (noted on the receipt)"},
        {"POST", "/api/v1/copies/{id}/store", WRITERS, 0, f_store, f_none, h_store,
         "put a copy in an approved container (3 kap. 9 §)"},
        {"POST", "/api/v1/copies/{id}/archive", WRITERS, 0, f_archive, f_none, h_archive,
         "archive a copy"},
        {"POST", "/api/v1/copies/{id}/lost", WRITERS, 0, f_lost, f_none, h_lost,
         "report a copy lost"},
        {"POST", "/api/v1/copies/{id}/destroy", WRITERS, 0, f_destroy, f_none, h_destroy,
         "record the destruction of a copy (3 kap. 22–23 §§)"},
        {"POST", "/api/v1/copies/{id}/ship", WRITERS, 0, f_ship, f_none, h_ship,
         "send a copy through an approved distributor (3 kap. 12 §)"},
        {"POST", "/api/v1/shipments/{id}/deliver", WRITERS, 0, f_deliver, f_none, h_deliver,
         "confirm a shipment's delivery"},
        {"GET", "/api/v1/receipts", ROLES_ANY, 0, NULL, q_receipts, h_receipts,
         "receipts (mine, or of documents I see)"},
        {"GET", "/api/v1/receipts/{id}", ROLES_ANY, 0, NULL, f_none, h_receipt_get,
         "one receipt with its classification notice (3 kap. 2 §)"},
        {"POST", "/api/v1/receipts/{id}/sign", ROLES_ANY, 0, f_sign, f_none, h_sign,
         "sign my own receipt with a fresh TOTP code"},
        {"POST", "/api/v1/receipts/{id}/paper", WRITERS, 0, f_paper, f_none, h_paper,
         "record a signed paper receipt"},
        {"POST", "/api/v1/documents/{id}/destroy", WRITERS, 0, f_destroy_many, f_none,
         h_destroy_many,
         "destroy several copies in one act: a record each, one protocol (3 kap. 22–23 §§)"},
        {"GET", "/api/v1/destruction-protocols/{id}", ROLES_ANY, 0, NULL, f_none, h_protocol_get,
         "the protocol of one act of destruction (printable)"},
        {"GET", "/api/v1/settings/organisation", ROLES_ANY, 0, NULL, f_none, h_organisation_get,
         "the organisation's name"},
        {"PUT", "/api/v1/settings/organisation", R(SSC), 0, f_organisation, f_none,
         h_organisation_put, "set the organisation's name (the ssc; recorded in the ledger)"},
        {"GET", "/api/v1/destructions/{id}", ROLES_ANY, 0, NULL, f_none, h_destruction_get,
         "a destruction record (printable)"},
        {"GET", "/api/v1/settings/numbering", READERS, 0, NULL, f_none, h_numbering_get,
         "the designation pattern"},
        {"PUT", "/api/v1/settings/numbering", R(SSC), 0, f_numbering, f_none, h_numbering_put,
         "set the designation pattern"},
        API_ROUTES_END,
};
