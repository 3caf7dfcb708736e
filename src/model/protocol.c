/*
 * Paper for a destruction of several copies in one act (issue 15): the
 * protocol (one page: the organisation, the document's designation, class,
 * page and attachment counts, the copies' numbers, method, day, performer
 * and witness, with lines to sign), read from the destruction records that
 * share a protocol number (copy_destroy_many in copy.c). And the
 * organisation's name, a setting recorded in the ledger (setting.changed,
 * key org.name) and printed on the protocols and the register.
 */
#include <stdio.h>
#include <string.h>

#include "model/document_int.h"
#include "model/reg_int.h"

#define ORG_KEY "org.name"

/* ---- the organisation's name ---- */

struct org_cmd {
	const struct principal *p;
	const char *name;
};

static int org_fn(struct store_tx *tx, void *arg)
{
	struct org_cmd *c = arg;
	json_t *data = json_pack("{s:s, s:s}", "key", ORG_KEY, "value", c->name);
	int rc;

	if (!data)
		return SK_ENOMEM;
	if (c->p->token_id)
		json_object_set_new(data, "token_id", json_integer(c->p->token_id));
	rc = store_tx_append(tx, c->p->id, "setting.changed", "setting/" ORG_KEY, data, NULL);
	json_decref(data);
	return rc;
}

int organisation_set(struct model *m, const struct principal *p, const char *name,
                     struct model_err *err)
{
	struct org_cmd c = {p, name};

	if (!(p->roles & ROLE_BIT(ROLE_SSC)))
		return model_fail(err, SK_EPERM, NULL, "setting.organisation_by_ssc", NULL,
		                  "the organisation's name is set by the ssc");
	if (!name || !doc_text_ok(name, ORG_NAME_MAX, false) || strchr(name, '\n') ||
	    sk_text_blank(name, strlen(name)))
		return model_fail(err, SK_EINVAL, "name", "field.text_size",
		                  json_pack("{s:i, s:i}", "min", 1, "max", ORG_NAME_MAX),
		                  "name: 1..%d bytes of text on one line", ORG_NAME_MAX);
	return model_submit(m, org_fn, &c, err);
}

json_t *organisation_get(struct model *m)
{
	struct store_reader *r = model_reader(m);
	struct store_q *q;
	json_t *o;

	if (!r || store_reader_query(r,
	                             "SELECT value, changed_at, changed_by FROM register_setting "
	                             "WHERE key = '" ORG_KEY "'",
	                             &q))
		return NULL;
	if (store_q_step(q) == SK_OK)
		o = json_pack("{s:s, s:s, s:I}", "name", store_q_text(q, 0), "changed_at",
		              store_q_text(q, 1), "changed_by", (json_int_t)store_q_int(q, 2));
	else
		o = json_pack("{s:s, s:n, s:n}", "name", "", "changed_at", "changed_by");
	store_q_done(q);
	return o;
}

/* ---- the protocol ---- */

/* Every record of the protocol, its document visible to p (the visibility rule of document.h). */
#define PROTOCOL_SQL                                                                               \
	"SELECT x.id, c.number, x.method, x.destroyed_on, pp.name, wp.name, x.recorded_at, "       \
	"(SELECT display_name FROM identity WHERE id = x.recorded_by), d.id, d.designation, "      \
	"d.title, d.title_classified, d.class, d.pages, d.attachments, d.form, d.case_number "     \
	"FROM destruction x JOIN copy c ON c.id = x.copy_id JOIN document d ON d.id = "            \
	"c.document_id JOIN person pp ON pp.id = x.performer_id LEFT JOIN person wp ON wp.id = "   \
	"x.witness_id WHERE x.protocol_id = ?1 AND " DOCUMENT_VISIBLE_SQL(                         \
	        "d") " ORDER BY c.number"

json_t *destruction_protocol_get(struct model *m, const struct principal *p, int64_t id)
{
	struct store_reader *r = model_reader(m);
	json_t *o = NULL, *copies = json_array(), *records = json_array(), *org;
	struct store_q *q;

	if (!r || !copies || !records || store_reader_query(r, PROTOCOL_SQL, &q)) {
		json_decref(copies);
		json_decref(records);
		return NULL;
	}
	store_q_bind_int(q, 1, id);
	document_visible_bind(q, p);
	while (store_q_step(q) == SK_OK) {
		json_array_append_new(copies, json_integer(store_q_int(q, 1)));
		json_array_append_new(records,
		                      json_pack("{s:I, s:I}", "id", (json_int_t)store_q_int(q, 0),
		                                "copy_number", (json_int_t)store_q_int(q, 1)));
		if (o)
			continue;
		/* one act: method, day and people are the same on every record */
		o = json_pack(
		        "{s:I, s:s, s:s, s:s, s:o, s:s, s:s, s:{s:I, s:s, s:s, s:s, s:o, s:I, s:s, "
		        "s:s}}",
		        "id", (json_int_t)id, "method", store_q_text(q, 2), "destroyed_on",
		        store_q_text(q, 3), "performer_name", store_q_text(q, 4), "witness_name",
		        model_q_json_text(q, 5), "recorded_at", store_q_text(q, 6),
		        "recorded_by_name", store_q_is_null(q, 7) ? "" : store_q_text(q, 7),
		        "document", "id", (json_int_t)store_q_int(q, 8), "designation",
		        store_q_text(q, 9), "title",
		        store_q_int(q, 11) && !document_cleared(p, store_q_text(q, 12))
		                ? DOCUMENT_TITLE_REDACTED
		                : store_q_text(q, 10),
		        "class", store_q_text(q, 12), "pages", model_q_json_int(q, 13),
		        "attachments", (json_int_t)store_q_int(q, 14), "form", store_q_text(q, 15),
		        "case_number", store_q_text(q, 16));
	}
	store_q_done(q);
	if (!o) {
		json_decref(copies);
		json_decref(records);
		return NULL;
	}
	json_object_set_new(o, "copies", copies);
	json_object_set_new(o, "destructions", records);
	org = organisation_get(m);
	json_object_set_new(
	        o, "organisation",
	        json_string(org ? json_string_value(json_object_get(org, "name")) : ""));
	json_decref(org);
	return json_pack("{s:o}", "protocol", o);
}
