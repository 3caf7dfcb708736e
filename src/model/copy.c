/*
 * Copies of classified documents (exemplar, 3 kap. 5 and 9 §§), receipts
 * (kvittenser, 3 kap. 14 §), shipments through approved distributors
 * (3 kap. 12 §) and destruction (3 kap. 22–23 §§): the writer commands and
 * the projections of copy., receipt. and shipment. entries.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "model/document_int.h"
#include "model/inventory.h"
#include "model/reg_int.h"

#define RECEIPT_PENDING_DAYS 14

/* ---- reading a copy in a writer command ---- */

struct copy_row {
	int64_t id, document_id, number, holder, space;
	char state[16];
};

static int tx_copy(struct store_tx *tx, int64_t id, struct copy_row *out)
{
	struct store_q *q;
	int rc = store_tx_query(tx,
	                        "SELECT document_id, number, state, coalesce(holder_person_id, 0), "
	                        "coalesce(space_id, 0) FROM copy WHERE id = ?1",
	                        &q);

	if (rc)
		return rc;
	store_q_bind_int(q, 1, id);
	rc = store_q_step(q);
	if (!rc) {
		out->id = id;
		out->document_id = store_q_int(q, 0);
		out->number = store_q_int(q, 1);
		snprintf(out->state, sizeof(out->state), "%s", store_q_text(q, 2));
		out->holder = store_q_int(q, 3);
		out->space = store_q_int(q, 4);
	}
	store_q_done(q);
	return rc;
}

/* keep_until: the issue date plus 10 years, KH 25 (3 kap. 14 §). */
static void keep_until(const char *today, const char *cls, char out[11])
{
	char d[11];

	snprintf(d, sizeof(d), "%s", today);
	for (int i = 0; i < (strcmp(cls, "KH") == 0 ? 25 : 10); i++) {
		model_plus_year(d, out);
		memcpy(d, out, 11);
	}
}

/* A receipt for a copy handed to person: pending, or signed on paper (paper_ref). */
static int receipt_tx_new(struct store_tx *tx, int64_t actor, const struct doc_row *d, int64_t copy,
                          int64_t person, const char *paper_ref, int64_t token_id, int64_t *id)
{
	char today[11], keep[11];
	json_t *data;
	int rc;

	if (paper_ref && !doc_text_ok(paper_ref, 128, false))
		return store_tx_failr(tx, SK_EINVAL, "paper_ref", "field.text_size",
		                      json_pack("{s:i, s:i}", "min", 1, "max", 128),
		                      "paper_ref: 1..128 bytes of text");
	model_today(today);
	keep_until(today, d->cls, keep);
	rc = store_tx_int(tx, id, "SELECT coalesce(max(id), 0) + 1 FROM receipt", "");
	if (rc)
		return rc;
	data = doc_data(d->id, token_id);
	if (!data)
		return SK_ENOMEM;
	json_object_update_new(data,
	                       json_pack("{s:I, s:I, s:I, s:s, s:s}", "receipt_id", (json_int_t)*id,
	                                 "copy_id", (json_int_t)copy, "person_id",
	                                 (json_int_t)person, "class", d->cls, "keep_until", keep));
	if (paper_ref)
		json_object_set_new(data, "paper_ref", json_string(paper_ref));
	return model_tx_log(tx, actor, "receipt.created", "document", d->id, data);
}

static bool needs_receipt(const struct doc_row *d)
{
	return document_class_k_plus(d->cls) && strcmp(d->form, "physical") == 0;
}

/* ---- creating copies ---- */

/* The kh_copy decision for new KH copies (3 kap. 8 §): the one given, or an unused one. */
static int tx_kh_decision(struct store_tx *tx, int64_t doc, int64_t given, int64_t *out)
{
	struct store_q *q;
	int rc;

	if (given > 0) {
		rc = store_tx_query(
		        tx, "SELECT document_id, kind, used FROM decision WHERE id = ?1", &q);
		if (rc)
			return rc;
		store_q_bind_int(q, 1, given);
		rc = store_q_step(q);
		if (!rc && (store_q_int(q, 0) != doc || strcmp(store_q_text(q, 1), "kh_copy") != 0))
			rc = SK_ENOTFOUND;
		else if (!rc && store_q_int(q, 2) != 0)
			rc = SK_EEXIST;
		store_q_done(q);
		if (rc == SK_ENOTFOUND)
			return store_tx_failr(
			        tx, SK_ENOTFOUND, "decision_id", "decision.kh_copy_not_found", NULL,
			        "no kh_copy decision %lld for this document", (long long)given);
		if (rc == SK_EEXIST)
			return store_tx_failr(tx, SK_ERULE, "decision_id", "decision.used", NULL,
			                      "decision %lld is already used", (long long)given);
		*out = given;
		return rc;
	}
	rc = store_tx_int(tx, out,
	                  "SELECT id FROM decision WHERE document_id = ?1 AND kind = 'kh_copy' AND "
	                  "used = 0 ORDER BY id LIMIT 1",
	                  "i", doc);
	if (rc == SK_ENOTFOUND)
		return store_tx_failr(tx, SK_ERULE, "decision_id", "copy.kh_needs_decision", NULL,
		                      "3 kap. 8 §: a copy of a KH document is made only after the "
		                      "head's decision (kh_copy)");
	return rc;
}

static int copies_tx_create(struct store_tx *tx, int64_t actor, int64_t doc,
                            const struct copy_new *c, int count, int64_t *first)
{
	struct doc_row d;
	int64_t decision = 0, number = 0, id = 0, rid = 0;
	int rc = doc_tx_row(tx, doc, &d);

	if (rc == SK_ENOTFOUND)
		return store_tx_failr(tx, SK_ENOTFOUND, "id", "document.not_found", NULL,
		                      "no document %lld", (long long)doc);
	if (rc)
		return rc;
	if (strcmp(d.status, "active") != 0)
		return store_tx_failr(
		        tx, SK_ERULE, "id", "document.closed",
		        json_pack("{s:o}", "designation", model_tx_name(tx, "document", doc)),
		        "the document is closed");
	if (d.declassified)
		return store_tx_failr(
		        tx, SK_ERULE, "id", "document.declassified",
		        json_pack("{s:o}", "designation", model_tx_name(tx, "document", doc)),
		        "3 kap. 6 §: the document is declassified");
	if (count < 1 || count > 100)
		return store_tx_failr(tx, SK_EINVAL, "count", "field.range",
		                      json_pack("{s:i, s:i}", "min", 1, "max", 100),
		                      "count: 1..100");
	if ((c->holder_id > 0) == (c->space_id > 0))
		return store_tx_failr(tx, SK_EINVAL, c->holder_id > 0 ? "space_id" : "holder_id",
		                      "copy.holder_or_space", NULL,
		                      "3 kap. 9 §: a copy is with a person (holder_id) or in an "
		                      "approved container (space_id): give one of them");
	if (c->holder_id > 0 && count > 1)
		return store_tx_failr(tx, SK_EINVAL, "count", "copy.one_to_person", NULL,
		                      "one copy at a time to a person");
	if (c->last_inventoried_on && !model_date_valid(c->last_inventoried_on))
		return store_tx_failr(tx, SK_EINVAL, "last_inventoried_on", "field.date", NULL,
		                      "last_inventoried_on: YYYY-MM-DD");
	if (c->paper_ref && c->holder_id <= 0)
		return store_tx_failr(tx, SK_EINVAL, "paper_ref", "copy.paper_needs_holder", NULL,
		                      "a paper receipt needs a holder");
	rc = c->holder_id > 0 ? doc_tx_person_may_hold(tx, &d, c->holder_id, "holder_id")
	                      : doc_tx_space(tx, c->space_id, d.cls, "space_id");
	if (rc)
		return rc;
	rc = store_tx_int(tx, &number,
	                  "SELECT coalesce(max(number), 0) FROM copy WHERE document_id = ?1", "i",
	                  doc);
	if (rc)
		return rc;
	/* Copy 1 is the original; every further copy of KH needs the head's decision. */
	if (strcmp(d.cls, "KH") == 0 && number + count > 1) {
		rc = tx_kh_decision(tx, doc, c->decision_id, &decision);
		if (rc)
			return rc;
	} else if (c->decision_id > 0) {
		return store_tx_failr(tx, SK_EINVAL, "decision_id", "copy.decision_only_kh", NULL,
		                      "only new copies of KH documents need one");
	}
	for (int i = 0; i < count; i++) {
		json_t *data;

		rc = store_tx_int(tx, &id, "SELECT coalesce(max(id), 0) + 1 FROM copy", "");
		if (rc)
			return rc;
		number++;
		if (i == 0)
			*first = id;
		data = doc_data(doc, c->token_id);
		if (!data)
			return SK_ENOMEM;
		json_object_update_new(data,
		                       json_pack("{s:I, s:I, s:s}", "copy_id", (json_int_t)id,
		                                 "number", (json_int_t)number, "state",
		                                 c->holder_id > 0 ? "issued" : "in_register"));
		doc_set_id(data, "holder_id", c->holder_id);
		doc_set_id(data, "space_id", c->space_id);
		if (number > 1)
			doc_set_id(data, "decision_id", decision);
		if (c->last_inventoried_on)
			json_object_set_new(data, "last_inventoried_on",
			                    json_string(c->last_inventoried_on));
		rc = model_tx_log(tx, actor, "copy.created", "document", doc, data);
		if (!rc && c->holder_id > 0 && needs_receipt(&d))
			rc = receipt_tx_new(tx, actor, &d, id, c->holder_id, c->paper_ref,
			                    c->token_id, &rid);
		if (rc)
			return rc;
	}
	return SK_OK;
}

int copy_tx_create(struct store_tx *tx, int64_t actor, int64_t document_id,
                   const struct copy_new *c, int64_t *id)
{
	return copies_tx_create(tx, actor, document_id, c, 1, id);
}

struct copies_cmd {
	const struct principal *p;
	int64_t doc;
	const struct copy_new *c;
	int count;
	int64_t first;
};

static int copies_fn(struct store_tx *tx, void *arg)
{
	struct copies_cmd *c = arg;

	if (!document_tx_visible(tx, c->p, c->doc))
		return store_tx_failr(tx, SK_ENOTFOUND, "id", "document.not_found", NULL,
		                      "no document %lld", (long long)c->doc);
	return copies_tx_create(tx, c->p->id, c->doc, c->c, c->count, &c->first);
}

int copy_create(struct model *m, const struct principal *p, int64_t document_id,
                const struct copy_new *c, int count, int64_t *first_id, struct model_err *err)
{
	struct copy_new cc = *c;
	struct copies_cmd cmd = {p, document_id, &cc, count, 0};
	int rc = doc_may_write(p, err);

	if (rc)
		return rc;
	cc.token_id = p->token_id;
	rc = model_submit(m, copies_fn, &cmd, err);
	if (!rc)
		*first_id = cmd.first;
	return rc;
}

/* ---- acting on a copy ---- */

struct act_cmd {
	const struct principal *p;
	int64_t id;
	struct copy_action *a;
};

static bool state_in(const char *state, const char *const *ok)
{
	for (; *ok; ok++) {
		if (strcmp(state, *ok) == 0)
			return true;
	}
	return false;
}

static int act_issue(struct store_tx *tx, struct act_cmd *c, const struct doc_row *d, json_t *data)
{
	int64_t rid = 0;
	int rc = doc_tx_person_may_hold(tx, d, c->a->person_id, "person_id");

	if (rc)
		return rc;
	json_object_set_new(data, "person_id", json_integer(c->a->person_id));
	rc = model_tx_log(tx, c->p->id, "copy.issued", "document", d->id, json_incref(data));
	if (!rc && needs_receipt(d))
		rc = receipt_tx_new(tx, c->p->id, d, c->id, c->a->person_id, c->a->paper_ref,
		                    c->p->token_id, &rid);
	else if (!rc && c->a->paper_ref)
		rc = store_tx_failr(tx, SK_EINVAL, "paper_ref", "copy.receipt_not_needed", NULL,
		                    "only K+ physical copies need a receipt");
	c->a->result_id = rid;
	return rc;
}

static int act_destroy(struct store_tx *tx, struct act_cmd *c, const struct doc_row *d,
                       json_t *data)
{
	struct copy_action *a = c->a;
	char today[11];
	int64_t id = 0;
	int rc;

	model_today(today);
	if (!doc_text_ok(a->method, 200, false))
		return store_tx_failr(tx, SK_EINVAL, "method", "field.text_size",
		                      json_pack("{s:i, s:i}", "min", 1, "max", 200),
		                      "method: 1..200 bytes of text");
	if (!a->destroyed_on || !model_date_valid(a->destroyed_on))
		return store_tx_failr(tx, SK_EINVAL, "destroyed_on", "field.date", NULL,
		                      "destroyed_on: YYYY-MM-DD");
	if (strcmp(a->destroyed_on, today) > 0)
		return store_tx_failr(tx, SK_EINVAL, "destroyed_on", "field.date_not_future",
		                      json_pack("{s:s}", "today", today),
		                      "destroyed_on is in the future");
	rc = doc_tx_person(tx, a->performer_id, "performer_id");
	if (rc)
		return rc;
	if (a->witness_id <= 0 && document_class_k_plus(d->cls))
		return store_tx_failr(tx, SK_ERULE, "witness_id", "copy.destroy_witness", NULL,
		                      "3 kap. 23 §: destruction of a K+ document is witnessed");
	if (a->witness_id > 0 && a->witness_id == a->performer_id)
		return store_tx_failr(tx, SK_ERULE, "witness_id", "copy.witness_not_performer",
		                      NULL, "the witness is someone other than the performer");
	if (a->witness_id > 0 && (rc = doc_tx_person(tx, a->witness_id, "witness_id")))
		return rc;
	rc = store_tx_int(tx, &id, "SELECT coalesce(max(id), 0) + 1 FROM destruction", "");
	if (rc)
		return rc;
	json_object_update_new(data,
	                       json_pack("{s:I, s:s, s:s, s:I}", "destruction_id", (json_int_t)id,
	                                 "method", a->method, "destroyed_on", a->destroyed_on,
	                                 "performer_id", (json_int_t)a->performer_id));
	doc_set_id(data, "witness_id", a->witness_id);
	doc_set_id(data, "protocol_id", a->protocol_id);
	a->result_id = id;
	return model_tx_log(tx, c->p->id, "copy.destroyed", "document", d->id, json_incref(data));
}

static int act_ship(struct store_tx *tx, struct act_cmd *c, const struct doc_row *d, json_t *data)
{
	struct copy_action *a = c->a;
	char today[11];
	int64_t id = 0;
	int rc;

	model_today(today);
	rc = doc_tx_distributor(tx, a->distributor_id, "distributor_id");
	if (rc)
		return rc;
	if (!doc_text_ok(a->recipient, 200, false) || strchr(a->recipient, '\n'))
		return store_tx_failr(tx, SK_EINVAL, "recipient", "field.text_size",
		                      json_pack("{s:i, s:i}", "min", 1, "max", 200),
		                      "recipient: 1..200 bytes of text");
	if (a->sent_on && !model_date_valid(a->sent_on))
		return store_tx_failr(tx, SK_EINVAL, "sent_on", "field.date", NULL,
		                      "sent_on: YYYY-MM-DD");
	if (a->sent_on && strcmp(a->sent_on, today) > 0)
		return store_tx_failr(tx, SK_EINVAL, "sent_on", "field.date_not_future",
		                      json_pack("{s:s}", "today", today),
		                      "sent_on is in the future");
	rc = store_tx_int(tx, &id, "SELECT coalesce(max(id), 0) + 1 FROM shipment", "");
	if (rc)
		return rc;
	json_object_update_new(
	        data, json_pack("{s:I, s:I, s:s, s:s}", "shipment_id", (json_int_t)id,
	                        "distributor_id", (json_int_t)a->distributor_id, "recipient",
	                        a->recipient, "sent_on", a->sent_on ? a->sent_on : today));
	a->result_id = id;
	return model_tx_log(tx, c->p->id, "shipment.sent", "document", d->id, json_incref(data));
}

static const char *const from_held[] = {"in_register", "returned", NULL};
static const char *const from_out[] = {"issued", "shipped", NULL};
static const char *const from_storable[] = {"in_register", "returned", "archived", NULL};
static const char *const from_losable[] = {"in_register", "issued",   "returned",
                                           "shipped",     "archived", NULL};
static const char *const from_destroyable[] = {"in_register", "returned", "archived", NULL};

static const struct {
	const char *kind; /* the entry's kind */
	const char *const *from;
	const char *verb;
} acts[] = {
        [COPY_ISSUE] = {"copy.issued", from_held, "issued"},
        [COPY_RETURN] = {"copy.returned", from_out, "returned"},
        [COPY_STORE] = {"copy.stored", from_storable, "stored"},
        [COPY_ARCHIVE] = {"copy.archived", from_held, "archived"},
        [COPY_LOST] = {"copy.lost", from_losable, "reported lost"},
        [COPY_DESTROY] = {"copy.destroyed", from_destroyable, "destroyed"},
        [COPY_SHIP] = {"shipment.sent", from_held, "shipped"},
};

static int act_fn(struct store_tx *tx, void *arg)
{
	struct act_cmd *c = arg;
	struct copy_action *a = c->a;
	struct copy_row cr;
	struct doc_row d;
	json_t *data;
	int rc = tx_copy(tx, c->id, &cr);

	if (rc == SK_ENOTFOUND || (!rc && !document_tx_visible(tx, c->p, cr.document_id)))
		return store_tx_failr(tx, SK_ENOTFOUND, "id", "copy.not_found", NULL,
		                      "no copy %lld", (long long)c->id);
	if (!rc)
		rc = doc_tx_row(tx, cr.document_id, &d);
	if (rc)
		return rc;
	if (!state_in(cr.state, acts[a->act].from))
		return store_tx_failr(tx, SK_ERULE, "id", "copy.wrong_state",
		                      json_pack("{s:I, s:s, s:s}", "number", (json_int_t)cr.number,
		                                "copy_state", cr.state, "act", acts[a->act].kind),
		                      "a copy in state %s cannot be %s", cr.state,
		                      acts[a->act].verb);
	if (a->note && !doc_text_ok(a->note, 500, true))
		return store_tx_failr(tx, SK_EINVAL, "note", "field.text_size",
		                      json_pack("{s:i, s:i}", "min", 0, "max", 500),
		                      "note: up to 500 bytes of text");
	data = doc_data(d.id, c->p->token_id);
	if (!data)
		return SK_ENOMEM;
	json_object_set_new(data, "copy_id", json_integer(c->id));
	if (a->note && a->note[0])
		json_object_set_new(data, "note", json_string(a->note));
	switch (a->act) {
	case COPY_ISSUE:
		rc = act_issue(tx, c, &d, data);
		break;
	case COPY_DESTROY:
		rc = act_destroy(tx, c, &d, data);
		break;
	case COPY_SHIP:
		rc = act_ship(tx, c, &d, data);
		break;
	case COPY_STORE:
		if (a->space_id <= 0) {
			rc = store_tx_failr(tx, SK_EINVAL, "space_id", "copy.store_needs_space",
			                    NULL, "give the container: space_id");
			break;
		}
		/* fall through */
	case COPY_RETURN:
	case COPY_ARCHIVE:
		if (a->space_id > 0 && (rc = doc_tx_space(tx, a->space_id, d.cls, "space_id")))
			break;
		doc_set_id(data, "space_id", a->space_id);
		rc = model_tx_log(tx, c->p->id, acts[a->act].kind, "document", d.id,
		                  json_incref(data));
		break;
	case COPY_LOST:
		/* a lost case to resolve (the inventory slice's), then the copy's own entry */
		rc = inventory_tx_lost_open(tx, c->p->id, c->p->token_id, "copy", c->id, 0,
		                            cr.state, a->note, &a->result_id);
		if (!rc) {
			doc_set_id(data, "lost_case_id", a->result_id);
			rc = model_tx_log(tx, c->p->id, acts[a->act].kind, "document", d.id,
			                  json_incref(data));
		}
		break;
	}
	json_decref(data);
	return rc;
}

int copy_act(struct model *m, const struct principal *p, int64_t copy_id, struct copy_action *a,
             struct model_err *err)
{
	struct act_cmd c = {p, copy_id, a};
	int rc = doc_may_write(p, err);

	if (rc)
		return rc;
	if ((unsigned)a->act > COPY_SHIP)
		return model_fail(err, SK_EINVAL, NULL, "request.unknown_act", NULL, "unknown act");
	a->result_id = 0;
	return model_submit(m, act_fn, &c, err);
}

/* ---- several copies destroyed in one act (issue 15) ---- */

struct many_cmd {
	const struct principal *p;
	int64_t document_id;
	const int64_t *numbers;
	size_t n;
	struct copy_action *a;
};

static int many_fn(struct store_tx *tx, void *arg)
{
	struct many_cmd *c = arg;
	int64_t protocol = 0;
	int rc;

	if (!document_tx_visible(tx, c->p, c->document_id))
		return store_tx_failr(tx, SK_ENOTFOUND, "id", "document.not_found", NULL,
		                      "no document %lld", (long long)c->document_id);
	rc = store_tx_int(tx, &protocol,
	                  "SELECT coalesce(max(protocol_id), 0) + 1 FROM destruction", "");
	if (rc)
		return rc;
	c->a->protocol_id = protocol;
	for (size_t i = 0; i < c->n; i++) {
		struct act_cmd one = {c->p, 0, c->a};

		rc = store_tx_int(tx, &one.id,
		                  "SELECT id FROM copy WHERE document_id = ?1 AND number = ?2",
		                  "ii", c->document_id, c->numbers[i]);
		if (rc == SK_ENOTFOUND)
			return store_tx_failr(
			        tx, SK_EINVAL, "copies", "copy.no_such_number",
			        json_pack("{s:I}", "number", (json_int_t)c->numbers[i]),
			        "the document has no copy %lld", (long long)c->numbers[i]);
		if (rc)
			return rc;
		/* each copy's own checks, record and entry, as one at a time; the first refusal
		 * undoes them all */
		rc = act_fn(tx, &one);
		if (rc)
			return rc;
	}
	return SK_OK;
}

int copy_destroy_many(struct model *m, const struct principal *p, int64_t document_id,
                      const int64_t *numbers, size_t n, struct copy_action *a, int64_t *protocol_id,
                      struct model_err *err)
{
	struct many_cmd c = {p, document_id, numbers, n, a};
	int rc = doc_may_write(p, err);

	if (rc)
		return rc;
	if (!numbers || n == 0 || n > DESTROY_MANY_MAX)
		return model_fail(err, SK_EINVAL, "copies", "field.too_many",
		                  json_pack("{s:i}", "max", DESTROY_MANY_MAX),
		                  "copies: 1..%d copy numbers", DESTROY_MANY_MAX);
	for (size_t i = 0; i < n; i++) {
		if (numbers[i] < 1)
			return model_fail(err, SK_EINVAL, "copies", "copy.no_such_number",
			                  json_pack("{s:I}", "number", (json_int_t)numbers[i]),
			                  "copies: %lld is not a copy number",
			                  (long long)numbers[i]);
		for (size_t j = 0; j < i; j++) {
			if (numbers[j] == numbers[i])
				return model_fail(err, SK_EINVAL, "copies", "field.duplicate", NULL,
				                  "copies: %lld is given twice",
				                  (long long)numbers[i]);
		}
	}
	a->act = COPY_DESTROY;
	a->result_id = 0;
	a->protocol_id = 0;
	rc = model_submit(m, many_fn, &c, err);
	if (!rc && protocol_id)
		*protocol_id = a->protocol_id;
	return rc;
}

/* ---- shipments ---- */

struct deliver_cmd {
	const struct principal *p;
	int64_t id;
	const char *on, *ref;
};

static int deliver_fn(struct store_tx *tx, void *arg)
{
	struct deliver_cmd *c = arg;
	struct store_q *q;
	int64_t doc = 0, copy = 0;
	bool delivered = false;
	char today[11];
	json_t *data;
	int rc;

	model_today(today);
	rc = store_tx_query(tx,
	                    "SELECT c.document_id, s.copy_id, s.delivered_on IS NOT NULL FROM "
	                    "shipment s JOIN copy c ON c.id = s.copy_id WHERE s.id = ?1",
	                    &q);
	if (rc)
		return rc;
	store_q_bind_int(q, 1, c->id);
	rc = store_q_step(q);
	if (!rc) {
		doc = store_q_int(q, 0);
		copy = store_q_int(q, 1);
		delivered = store_q_int(q, 2) != 0;
	}
	store_q_done(q);
	if (rc == SK_ENOTFOUND || (!rc && !document_tx_visible(tx, c->p, doc)))
		return store_tx_failr(tx, SK_ENOTFOUND, "id", "shipment.not_found", NULL,
		                      "no shipment %lld", (long long)c->id);
	if (rc)
		return rc;
	if (delivered)
		return store_tx_failr(tx, SK_ERULE, "id", "shipment.delivered", NULL,
		                      "the delivery is already confirmed");
	if (c->on && !model_date_valid(c->on))
		return store_tx_failr(tx, SK_EINVAL, "delivered_on", "field.date", NULL,
		                      "delivered_on: YYYY-MM-DD");
	if (c->on && strcmp(c->on, today) > 0)
		return store_tx_failr(tx, SK_EINVAL, "delivered_on", "field.date_not_future",
		                      json_pack("{s:s}", "today", today),
		                      "delivered_on is in the future");
	if (!doc_text_ok(c->ref, 128, false) || strchr(c->ref, '\n'))
		return store_tx_failr(tx, SK_EINVAL, "delivery_ref", "shipment.delivery_ref", NULL,
		                      "3 kap. 12 §: the delivery is verifiable: give delivery_ref");
	data = doc_data(doc, c->p->token_id);
	if (!data)
		return SK_ENOMEM;
	json_object_update_new(data,
	                       json_pack("{s:I, s:I, s:s, s:s}", "shipment_id", (json_int_t)c->id,
	                                 "copy_id", (json_int_t)copy, "delivered_on",
	                                 c->on ? c->on : today, "delivery_ref", c->ref));
	return model_tx_log(tx, c->p->id, "shipment.delivered", "document", doc, data);
}

int shipment_deliver(struct model *m, const struct principal *p, int64_t id,
                     const char *delivered_on, const char *ref, struct model_err *err)
{
	struct deliver_cmd c = {p, id, delivered_on, ref};
	int rc = doc_may_write(p, err);

	return rc ? rc : model_submit(m, deliver_fn, &c, err);
}

/* ---- receipts ---- */

struct sign_cmd {
	struct model *m;
	const struct principal *p;
	int64_t id;
	const char *code, *class_ack, *paper_ref;
};

/* The receipt's document, person, class and state. */
static int tx_receipt(struct store_tx *tx, int64_t id, int64_t *doc, int64_t *person, char cls[3],
                      char state[16])
{
	struct store_q *q;
	int rc = store_tx_query(tx,
	                        "SELECT c.document_id, r.person_id, r.class, r.state FROM receipt "
	                        "r JOIN copy c ON c.id = r.copy_id WHERE r.id = ?1",
	                        &q);

	if (rc)
		return rc;
	store_q_bind_int(q, 1, id);
	rc = store_q_step(q);
	if (!rc) {
		*doc = store_q_int(q, 0);
		*person = store_q_int(q, 1);
		snprintf(cls, 3, "%s", store_q_text(q, 2));
		snprintf(state, 16, "%s", store_q_text(q, 3));
	}
	store_q_done(q);
	return rc;
}

/* A fresh TOTP code of identity id, at most once per time step (as at login). */
int model_tx_totp(struct store_tx *tx, struct model *m, int64_t id, const char *code)
{
	uint8_t secret[AUTH_TOTP_SECRET_MAX];
	int64_t last = 0, matched = 0;
	struct store_q *q;
	size_t n = 0, len;
	int rc;

	rc = store_tx_query(tx,
	                    "SELECT totp_secret, totp_last_step FROM credential WHERE "
	                    "identity_id = ?1 AND totp_confirmed = 1",
	                    &q);
	if (rc)
		return rc;
	store_q_bind_int(q, 1, id);
	rc = store_q_step(q);
	if (!rc) {
		const uint8_t *sealed = store_q_blob(q, 0, &len);

		last = store_q_int(q, 1);
		rc = model_unseal(m, sealed, len, secret, sizeof(secret), &n);
	}
	store_q_done(q);
	if (rc == SK_ENOTFOUND)
		return store_tx_failr(tx, SK_EAUTH, "code", "receipt.no_authenticator", NULL,
		                      "no confirmed authenticator");
	if (!rc)
		rc = auth_totp_verify(secret, n, code, sk_now_us() / 1000000, last, &matched);
	sodium_memzero(secret, sizeof(secret));
	if (rc == SK_EVERIFY || rc == SK_EINVAL)
		return store_tx_failr(tx, SK_EAUTH, "code", "receipt.wrong_code", NULL,
		                      "wrong or already used code");
	if (rc)
		return rc;
	return store_tx_run(tx, "UPDATE credential SET totp_last_step = ?2 WHERE identity_id = ?1",
	                    "ii", id, matched);
}

static int64_t tx_person_of(struct store_tx *tx, int64_t identity)
{
	int64_t id = 0;

	if (store_tx_int(tx, &id, "SELECT id FROM person WHERE identity_id = ?1", "i", identity))
		return 0;
	return id;
}

static int sign_fn(struct store_tx *tx, void *arg)
{
	struct sign_cmd *c = arg;
	int64_t doc = 0, person = 0, mine;
	char cls[3] = "", state[16] = "";
	json_t *data;
	int rc = tx_receipt(tx, c->id, &doc, &person, cls, state);

	if (rc == SK_ENOTFOUND)
		return store_tx_failr(tx, SK_ENOTFOUND, "id", "receipt.not_found", NULL,
		                      "no receipt %lld", (long long)c->id);
	if (rc)
		return rc;
	mine = tx_person_of(tx, c->p->id);
	if (c->paper_ref) {
		if (!document_tx_visible(tx, c->p, doc))
			return store_tx_failr(tx, SK_ENOTFOUND, "id", "receipt.not_found", NULL,
			                      "no receipt %lld", (long long)c->id);
		if (!doc_text_ok(c->paper_ref, 128, false) || strchr(c->paper_ref, '\n'))
			return store_tx_failr(tx, SK_EINVAL, "paper_ref", "field.text_size",
			                      json_pack("{s:i, s:i}", "min", 1, "max", 128),
			                      "paper_ref: 1..128 bytes of text");
	} else if (mine == 0 || mine != person) {
		return store_tx_failr(tx, SK_ENOTFOUND, "id", "receipt.not_found", NULL,
		                      "no receipt %lld of yours", (long long)c->id);
	}
	if (strcmp(state, "pending") != 0)
		return store_tx_failr(tx, SK_ERULE, "id", "receipt.not_pending", NULL,
		                      "the receipt is %s, not pending", state);
	if (!c->paper_ref) {
		if (!c->class_ack || strcmp(c->class_ack, cls) != 0)
			return store_tx_failr(tx, SK_EINVAL, "class_acknowledged",
			                      "receipt.class_ack", json_pack("{s:s}", "class", cls),
			                      "3 kap. 2 §: acknowledge the classification %s", cls);
		if (c->p->token_id)
			return store_tx_failr(tx, SK_EPERM, "id", "receipt.in_person", NULL,
			                      "the recipient signs in person, not with a "
			                      "service token");
		rc = model_tx_totp(tx, c->m, c->p->id, c->code ? c->code : "");
		if (rc)
			return rc;
	}
	data = doc_data(doc, c->p->token_id);
	if (!data)
		return SK_ENOMEM;
	json_object_update_new(data, json_pack("{s:I, s:s}", "receipt_id", (json_int_t)c->id,
	                                       "method", c->paper_ref ? "paper" : "totp"));
	if (c->paper_ref)
		json_object_set_new(data, "paper_ref", json_string(c->paper_ref));
	else
		json_object_set_new(data, "class_acknowledged", json_string(cls));
	return model_tx_log(tx, c->p->id, "receipt.signed", "document", doc, data);
}

int receipt_sign(struct model *m, const struct principal *p, int64_t id, const char *code,
                 const char *class_ack, struct model_err *err)
{
	struct sign_cmd c = {m, p, id, code, class_ack, NULL};

	if (!code || strlen(code) != AUTH_TOTP_DIGITS)
		return model_fail(err, SK_EINVAL, "code", "receipt.code_format", NULL,
		                  "code: the 6-digit TOTP code");
	return model_submit_reauth(m, p->id, "receipt", id, sign_fn, &c, err);
}

int model_submit_reauth(struct model *m, int64_t identity, const char *what_type, int64_t what_id,
                        store_cmd_fn fn, void *arg, struct model_err *err)
{
	char what[48];
	/* A session alone must not be enough to guess the signature's code. */
	int rc = model_reauth_wait(m, identity, err);

	if (rc)
		return rc;
	rc = model_submit(m, fn, arg, err);
	snprintf(what, sizeof(what), "%s/%lld", what_type, (long long)what_id);
	if (rc == SK_EAUTH)
		model_reauth_result(m, identity, false, what);
	else if (!rc)
		model_reauth_result(m, identity, true, what);
	else
		model_reauth_cancel(m, identity); /* decided nothing about the code */
	return rc;
}

int receipt_paper(struct model *m, const struct principal *p, int64_t id, const char *paper_ref,
                  struct model_err *err)
{
	struct sign_cmd c = {m, p, id, NULL, NULL, paper_ref ? paper_ref : ""};
	int rc = doc_may_write(p, err);

	return rc ? rc : model_submit(m, sign_fn, &c, err);
}

/* ---- projections ---- */

/* Moves a copy: state, holder (0 = none), space (0 = none). */
static int move(struct store_tx *tx, int64_t copy, const char *state, int64_t holder, int64_t space,
                const char *t)
{
	return store_tx_run(tx,
	                    "UPDATE copy SET state = ?2, holder_person_id = nullif(?3, 0), "
	                    "space_id = nullif(?4, 0), updated_at = ?5 WHERE id = ?1",
	                    "itiit", copy, state, holder, space, t);
}

int doc_apply_copy(struct store_tx *tx, const struct ledger_entry *e)
{
	const json_t *d = e->data;
	int64_t copy = model_json_int(d, "copy_id");
	char t[SK_TIME_LEN + 1];
	int rc;

	model_time(e->time_us, t);
	if (strcmp(e->kind, "copy.created") == 0) {
		rc = store_tx_run(
		        tx,
		        "INSERT INTO copy (id, document_id, number, state, holder_person_id, "
		        "space_id, decision_id, last_inventoried_on, created_at, updated_at) "
		        "VALUES (?1, ?2, ?3, ?4, nullif(?5, 0), nullif(?6, 0), nullif(?7, "
		        "0), ?8, ?9, ?9)",
		        "iiitiiitt", copy, model_json_int(d, "document_id"),
		        model_json_int(d, "number"), model_json_str0(d, "state"),
		        model_json_int(d, "holder_id"), model_json_int(d, "space_id"),
		        model_json_int(d, "decision_id"), model_json_str(d, "last_inventoried_on"),
		        t);
		if (!rc && model_json_int(d, "decision_id") > 0)
			rc = store_tx_run(tx, "UPDATE decision SET used = used + 1 WHERE id = ?1",
			                  "i", model_json_int(d, "decision_id"));
		return rc;
	}
	if (strcmp(e->kind, "copy.issued") == 0)
		return move(tx, copy, "issued", model_json_int(d, "person_id"), 0, t);
	if (strcmp(e->kind, "copy.returned") == 0) {
		rc = move(tx, copy, "returned", 0, model_json_int(d, "space_id"), t);
		if (!rc)
			rc = store_tx_run(
			        tx,
			        "UPDATE receipt SET state = 'returned', returned_at = ?2, "
			        "returned_note = ?3 WHERE copy_id = ?1 AND state IN "
			        "('pending', 'signed')",
			        "itt", copy, t, model_json_str0(d, "note"));
		return rc;
	}
	if (strcmp(e->kind, "copy.stored") == 0)
		return move(tx, copy, "in_register", 0, model_json_int(d, "space_id"), t);
	if (strcmp(e->kind, "copy.archived") == 0)
		return move(tx, copy, "archived", 0, model_json_int(d, "space_id"), t);
	if (strcmp(e->kind, "copy.lost") == 0)
		return store_tx_run(tx,
		                    "UPDATE copy SET state = 'lost', updated_at = ?2 WHERE id = ?1",
		                    "it", copy, t);
	if (strcmp(e->kind, "copy.destroyed") == 0) {
		rc = move(tx, copy, "destroyed", 0, 0, t);
		if (!rc)
			rc = store_tx_run(
			        tx,
			        "INSERT INTO destruction (id, copy_id, method, destroyed_on, "
			        "performer_id, witness_id, recorded_at, recorded_by, protocol_id) "
			        "VALUES (?1, ?2, ?3, ?4, ?5, nullif(?6, 0), ?7, ?8, nullif(?9, 0))",
			        "iittiitii", model_json_int(d, "destruction_id"), copy,
			        model_json_str0(d, "method"), model_json_str0(d, "destroyed_on"),
			        model_json_int(d, "performer_id"), model_json_int(d, "witness_id"),
			        t, e->actor, model_json_int(d, "protocol_id"));
		return rc;
	}
	return SK_OK;
}

int doc_apply_receipt(struct store_tx *tx, const struct ledger_entry *e)
{
	const json_t *d = e->data;
	char t[SK_TIME_LEN + 1];
	const char *paper = model_json_str(d, "paper_ref");

	model_time(e->time_us, t);
	if (strcmp(e->kind, "receipt.created") == 0)
		return store_tx_run(
		        tx,
		        "INSERT INTO receipt (id, copy_id, person_id, class, state, "
		        "issued_at, issued_by, signed_at, signed_by, paper_ref, "
		        "keep_until) VALUES (?1, ?2, ?3, ?4, CASE WHEN ?7 IS NULL THEN "
		        "'pending' ELSE 'signed' END, ?5, ?6, CASE WHEN ?7 IS NULL THEN "
		        "NULL ELSE ?5 END, CASE WHEN ?7 IS NULL THEN NULL ELSE ?6 END, "
		        "?7, ?8)",
		        "iiittitt", model_json_int(d, "receipt_id"), model_json_int(d, "copy_id"),
		        model_json_int(d, "person_id"), model_json_str0(d, "class"), t, e->actor,
		        paper, model_json_str0(d, "keep_until"));
	if (strcmp(e->kind, "receipt.signed") == 0)
		return store_tx_run(
		        tx,
		        "UPDATE receipt SET state = 'signed', signed_at = ?2, signed_by = "
		        "?3, paper_ref = ?4 WHERE id = ?1",
		        "itit", model_json_int(d, "receipt_id"), t, e->actor, paper);
	return SK_OK;
}

int doc_apply_shipment(struct store_tx *tx, const struct ledger_entry *e)
{
	const json_t *d = e->data;
	char t[SK_TIME_LEN + 1];
	int rc;

	model_time(e->time_us, t);
	if (strcmp(e->kind, "shipment.sent") == 0) {
		rc = store_tx_run(tx,
		                  "INSERT INTO shipment (id, copy_id, distributor_id, recipient, "
		                  "sent_on, sent_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
		                  "iiitti", model_json_int(d, "shipment_id"),
		                  model_json_int(d, "copy_id"), model_json_int(d, "distributor_id"),
		                  model_json_str0(d, "recipient"), model_json_str0(d, "sent_on"),
		                  e->actor);
		if (!rc)
			rc = move(tx, model_json_int(d, "copy_id"), "shipped", 0, 0, t);
		return rc;
	}
	if (strcmp(e->kind, "shipment.delivered") == 0)
		return store_tx_run(
		        tx,
		        "UPDATE shipment SET delivered_on = ?2, delivery_ref = ?3 WHERE "
		        "id = ?1",
		        "itt", model_json_int(d, "shipment_id"), model_json_str0(d, "delivered_on"),
		        model_json_str0(d, "delivery_ref"));
	return SK_OK;
}
