/*
 * Decisions about classified documents (3 kap. 6–8, 15, 17, 19–20 §§): the
 * writer commands that check them against the register's current state,
 * the projection of their "decision.*" entries, and their lists.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/access_int.h"
#include "model/decision.h"
#include "model/document.h"
#include "model/records.h"
#include "model/reg_int.h"

#define CALLER_RECORDS (ROLE_BIT(ROLE_REGISTRAR) | ROLE_BIT(ROLE_SSC))

/* The rank of a class (BH 1 … KH 4), 0 for "none" and anything else. */
static int rank(const char *cls)
{
	static const char *const names[] = {"BH", "K", "H", "KH"};

	for (int i = 0; i < 4; i++) {
		if (cls && strcmp(cls, names[i]) == 0)
			return i + 1;
	}
	return 0;
}

static const char *class_of_rank(int r)
{
	static const char *const names[] = {"none", "BH", "K", "H", "KH"};

	return r >= 0 && r <= 4 ? names[r] : "none";
}

/* A day (YYYY-MM-DD, default today) not in the future, into out. */
static int day_ok(const char *d, char out[11], struct model_err *err, const char *field)
{
	char today[11];

	model_today(today);
	if (!d) {
		memcpy(out, today, 11);
		return SK_OK;
	}
	if (!model_date_valid(d))
		return model_fail(err, SK_EINVAL, field, "field.date", NULL, "a date YYYY-MM-DD");
	if (strcmp(d, today) > 0)
		return model_fail(err, SK_EINVAL, field, "decision.day_future", NULL,
		                  "the day is in the future: record a decision once it is taken");
	memcpy(out, d, 11);
	return SK_OK;
}

/* ---- the document as the writer sees it ---- */

struct doc_state {
	char cls[4];
	char form[12];
	bool external; /* originator != '' */
	bool declassified;
	char declassified_on[11];
	int64_t system_id;
};

/*
 * Reads the document p acts on: SK_ENOTFOUND (named "id") when it is missing
 * or p may not see it, and SK_ERULE when it has been declassified.
 */
static int doc_load(struct store_tx *tx, const struct principal *p, int64_t id, struct doc_state *d)
{
	struct store_q *q;
	int rc;

	memset(d, 0, sizeof(*d));
	if (!document_tx_visible(tx, p, id))
		return store_tx_failr(tx, SK_ENOTFOUND, "id", "document.not_found", NULL,
		                      "no document %lld", (long long)id);
	rc = store_tx_query(tx,
	                    "SELECT class, form, originator, declassified_on, system_id FROM "
	                    "document WHERE id = ?1",
	                    &q);
	if (rc)
		return rc;
	store_q_bind_int(q, 1, id);
	rc = store_q_step(q);
	if (!rc) {
		snprintf(d->cls, sizeof(d->cls), "%s", store_q_text(q, 0));
		snprintf(d->form, sizeof(d->form), "%s", store_q_text(q, 1));
		d->external = store_q_text(q, 2)[0] != '\0';
		d->declassified = !store_q_is_null(q, 3);
		snprintf(d->declassified_on, sizeof(d->declassified_on), "%s", store_q_text(q, 3));
		d->system_id = store_q_is_null(q, 4) ? 0 : store_q_int(q, 4);
	}
	store_q_done(q);
	if (rc == SK_ENOTFOUND)
		return store_tx_failr(tx, SK_ENOTFOUND, "id", "document.not_found", NULL,
		                      "no document %lld", (long long)id);
	if (rc)
		return rc;
	if (d->declassified)
		return store_tx_failr(tx, SK_ERULE, "id", "decision.declassified",
		                      json_pack("{s:s}", "date", d->declassified_on),
		                      "3 kap. 6 §: the document was declassified on %s and is no "
		                      "longer in the register",
		                      d->declassified_on);
	return SK_OK;
}

/* The caller's roles now, read in this transaction (a token: its own roles). */
static unsigned caller_roles(struct store_tx *tx, const struct principal *p)
{
	char today[11];
	unsigned roles;

	model_today(today);
	roles = model_tx_roles_of(tx, p->id, today);
	return p->token_id ? roles & p->roles : roles;
}

/*
 * Who decided: the caller, or decided_by when the caller holds registrar or
 * ssc. *roles are the decider's roles on the day of the decision.
 */
static int decider(struct store_tx *tx, const struct principal *p, int64_t decided_by,
                   const char *on, int64_t *who, unsigned *roles)
{
	int64_t found = 0;
	int rc;

	*who = decided_by ? decided_by : p->id;
	if (*who != p->id) {
		if (!(caller_roles(tx, p) & CALLER_RECORDS))
			return store_tx_failr(
			        tx, SK_ERULE, "decided_by", "decision.recorder", NULL,
			        "only the registrar or the säkerhetsskyddschef records "
			        "a decision taken by someone else");
		rc = store_tx_int(tx, &found, "SELECT count(*) FROM identity WHERE id = ?1", "i",
		                  *who);
		if (rc)
			return rc;
		if (!found)
			return store_tx_failr(tx, SK_ENOTFOUND, "decided_by",
			                      "decision.decider_not_found", NULL,
			                      "no identity %lld", (long long)*who);
	}
	*roles = model_tx_roles_of(tx, *who, on);
	if (p->token_id && *who == p->id)
		*roles &= p->roles;
	return SK_OK;
}

/*
 * Appends kind about document/doc with data (consumed; NULL: SK_ENOMEM),
 * naming the service token when p is one. *seq (may be NULL) gets the seq.
 */
static int log_entry(struct store_tx *tx, const struct principal *p, const char *kind, int64_t doc,
                     json_t *data, uint64_t *seq)
{
	char object[64];
	int rc;

	if (!data)
		return SK_ENOMEM;
	if (p->token_id &&
	    json_object_set_new(data, "token_id", json_integer((json_int_t)p->token_id))) {
		json_decref(data);
		return SK_ENOMEM;
	}
	snprintf(object, sizeof(object), "document/%lld", (long long)doc);
	rc = store_tx_append(tx, p->id, kind, object, data, seq);
	json_decref(data);
	return rc;
}

/* ---- reclassification (3 kap. 6–7 §§) ---- */

struct reclass_cmd {
	const struct principal *p;
	int64_t id;
	const struct decision_reclass *r;
	char on[11];
	uint64_t seq;
};

/*
 * Raising to rank `to`: no copy may lie in a container approved for less
 * (3 kap. 9 §), and an electronic document may not be held in a system
 * approved for less (3 kap. 1 §). The message names them all (up to a few).
 */
static int raise_check(struct store_tx *tx, int64_t id, const struct doc_state *d, int to)
{
	/* Statements are cached by their text's address: SQL is always a literal here. */
	static const char copies_sql[] =
	        "SELECT c.number, s.id, s.name, s.max_class FROM copy c JOIN space s ON s.id = "
	        "c.space_id WHERE c.document_id = ?1 AND c.state IN ('in_register', 'returned', "
	        "'archived') AND (CASE s.max_class WHEN 'BH' THEN 1 WHEN 'K' THEN 2 WHEN 'H' THEN "
	        "3 WHEN 'KH' THEN 4 ELSE 0 END) < ?2 ORDER BY c.number";
	static const char system_sql[] = "SELECT name, max_class FROM info_system WHERE id = ?1";
	char names[200] = "", list[200] = "";
	size_t used = 0, lused = 0;
	struct store_q *q;
	int rc, n = 0;

	rc = store_tx_query(tx, copies_sql, &q);
	if (rc)
		return rc;
	store_q_bind_int(q, 1, id);
	store_q_bind_int(q, 2, to);
	while ((rc = store_q_step(q)) == SK_OK) {
		if (n++ < 4 && used < sizeof(names))
			used += (size_t)snprintf(names + used, sizeof(names) - used,
			                         "%scopy %lld in space %lld (%.24s, %s)",
			                         n > 1 ? ", " : "", (long long)store_q_int(q, 0),
			                         (long long)store_q_int(q, 1), store_q_text(q, 2),
			                         store_q_text(q, 3));
		/* the same without words, for the UI's text: "2 (Skåp K, K)" */
		if (n <= 4 && lused < sizeof(list))
			lused += (size_t)snprintf(list + lused, sizeof(list) - lused,
			                          "%s%lld (%.24s, %s)", n > 1 ? ", " : "",
			                          (long long)store_q_int(q, 0), store_q_text(q, 2),
			                          store_q_text(q, 3));
	}
	store_q_done(q);
	if (rc != SK_ENOTFOUND)
		return rc;
	if (n)
		return store_tx_failr(
		        tx, SK_ERULE, "to_class", "decision.copies_below_class",
		        json_pack("{s:s, s:s}", "copies", list, "class", class_of_rank(to)),
		        "3 kap. 9 §: %s%s approved for less than %s: move %s first", names,
		        n > 4 ? " and more" : "", class_of_rank(to), n > 1 ? "them" : "it");
	if (strcmp(d->form, "electronic") != 0 || !d->system_id)
		return SK_OK;
	rc = store_tx_query(tx, system_sql, &q);
	if (rc)
		return rc;
	store_q_bind_int(q, 1, d->system_id);
	rc = store_q_step(q);
	if (!rc && rank(store_q_text(q, 1)) < to) {
		store_tx_failr(tx, SK_ERULE, "to_class", "decision.system_below_class",
		               json_pack("{s:s, s:s, s:s}", "system", store_q_text(q, 0), "max",
		                         store_q_text(q, 1), "class", class_of_rank(to)),
		               "3 kap. 1 §: the document is held in system %lld (%.40s), approved "
		               "for %s only: move it first",
		               (long long)d->system_id, store_q_text(q, 0), store_q_text(q, 1));
		rc = SK_ERULE;
	} else if (rc == SK_ENOTFOUND) {
		rc = SK_OK;
	}
	store_q_done(q);
	return rc;
}

static int reclass_fn(struct store_tx *tx, void *arg)
{
	struct reclass_cmd *c = arg;
	const struct decision_reclass *r = c->r;
	struct doc_state d;
	unsigned roles = 0;
	int64_t who = 0;
	int from, to, rc;

	rc = doc_load(tx, c->p, c->id, &d);
	if (rc)
		return rc;
	from = rank(d.cls);
	to = rank(r->to_class);
	if (from == to)
		return store_tx_failr(tx, SK_EINVAL, "to_class", "decision.same_class",
		                      json_pack("{s:s}", "class", d.cls),
		                      "the document is already %s", d.cls);
	rc = decider(tx, c->p, r->decided_by, c->on, &who, &roles);
	if (rc)
		return rc;
	if (from == 4) {
		/* Lowering from KH (3 kap. 7 §). */
		if (!(roles & ROLE_BIT(ROLE_CHIEF)))
			return store_tx_failr(
			        tx, SK_ERULE, "decided_by", "decision.kh_lowered_by_head", NULL,
			        "3 kap. 7 §: only the head of the organisation (högsta "
			        "chef) decides to lower a document from KH");
		if (d.external && !r->consultation)
			return store_tx_failr(tx, SK_ERULE, "consultation",
			                      "decision.kh_consultation", NULL,
			                      "3 kap. 7 §: the document comes from another "
			                      "organisation: note the consultation with the "
			                      "originator before lowering it from KH");
	} else if (!(roles & (ROLE_BIT(ROLE_SSC) | ROLE_BIT(ROLE_CHIEF)))) {
		return store_tx_failr(tx, SK_ERULE, "decided_by", "decision.class_decider", NULL,
		                      "3 kap. 6 §: a change of class is decided by the "
		                      "säkerhetsskyddschef or the head of the organisation");
	}
	if (to > from) {
		rc = raise_check(tx, c->id, &d, to);
		if (rc)
			return rc;
	}
	return log_entry(tx, c->p, "decision.reclassified", c->id,
	                 json_pack("{s:I, s:s, s:s, s:I, s:s, s:s, s:s?}", "document_id",
	                           (json_int_t)c->id, "from_class", d.cls, "to_class",
	                           class_of_rank(to), "decided_by", (json_int_t)who, "decided_on",
	                           c->on, "reason", r->reason, "consultation", r->consultation),
	                 &c->seq);
}

int decision_reclassify(struct model *m, const struct principal *p, int64_t document_id,
                        const struct decision_reclass *r, uint64_t *seq, struct model_err *err)
{
	struct reclass_cmd c = {.p = p, .id = document_id, .r = r};
	int rc;

	if (!r->to_class || (strcmp(r->to_class, "none") != 0 && !rank(r->to_class)))
		return model_fail(err, SK_EINVAL, "to_class", "field.enum", NULL,
		                  "to_class: one of BH, K, H, KH, none");
	if (!model_text_valid(r->reason, 1, 500, MODEL_TEXT_LINES))
		return model_fail(err, SK_EINVAL, "reason", "field.text_size",
		                  json_pack("{s:i, s:i}", "min", 1, "max", 500),
		                  "reason: 1..500 bytes of text");
	if (r->consultation && !model_text_valid(r->consultation, 1, 500, MODEL_TEXT_LINES))
		return model_fail(err, SK_EINVAL, "consultation", "field.text_size",
		                  json_pack("{s:i, s:i}", "min", 1, "max", 500),
		                  "consultation: 1..500 bytes of text");
	if (r->decided_by < 0)
		return model_fail(err, SK_EINVAL, "decided_by", "field.type",
		                  json_pack("{s:s}", "type", "integer"),
		                  "decided_by: an identity's id");
	rc = day_ok(r->decided_on, c.on, err, "decided_on");
	if (rc)
		return rc;
	rc = model_submit(m, reclass_fn, &c, err);
	if (!rc && seq)
		*seq = c.seq;
	return rc;
}

/* ---- KH and carrying decisions (3 kap. 8, 19, 20 §§) ---- */

struct record_cmd {
	const struct principal *p;
	int64_t id;
	const struct decision_new *d;
	char on[11];
	int64_t new_id;
};

static int record_fn(struct store_tx *tx, void *arg)
{
	struct record_cmd *c = arg;
	const char *kind = c->d->kind;
	bool abroad = strcmp(kind, "abroad") == 0;
	struct doc_state d;
	unsigned roles = 0;
	int64_t who = 0;
	int rc;

	rc = doc_load(tx, c->p, c->id, &d);
	if (rc)
		return rc;
	if (abroad && rank(d.cls) == 4)
		return store_tx_failr(tx, SK_ERULE, "kind", "decision.abroad_not_kh", NULL,
		                      "3 kap. 19 §: the säkerhetsskyddschef decides on carrying "
		                      "abroad only information classed H or lower; this document "
		                      "is KH");
	if (!abroad && rank(d.cls) != 4)
		return store_tx_failr(tx, SK_ERULE, "kind", "decision.kh_only",
		                      json_pack("{s:s, s:s}", "paragraph",
		                                strcmp(kind, "kh_carry_out") == 0 ? "20" : "8",
		                                "class", d.cls),
		                      "3 kap. %s §: the head's decision is for KH documents; this "
		                      "document is %s",
		                      strcmp(kind, "kh_carry_out") == 0 ? "20" : "8", d.cls);
	rc = decider(tx, c->p, c->d->decided_by, c->on, &who, &roles);
	if (rc)
		return rc;
	if (abroad) {
		/* Without a säkerhetsskyddschef the head takes the ssc's decisions (2 kap. 20 §).
		 */
		if (!(roles & ROLE_BIT(ROLE_SSC)) &&
		    !((roles & ROLE_BIT(ROLE_CHIEF)) && !model_tx_someone_has(tx, ROLE_SSC, c->on)))
			return store_tx_failr(tx, SK_ERULE, "decided_by", "decision.abroad_by_ssc",
			                      NULL,
			                      "3 kap. 19 §: carrying abroad is decided by the "
			                      "säkerhetsskyddschef");
	} else if (!(roles & ROLE_BIT(ROLE_CHIEF))) {
		return store_tx_failr(
		        tx, SK_ERULE, "decided_by", "decision.head_decides",
		        json_pack("{s:s, s:s}", "paragraph",
		                  strcmp(kind, "kh_carry_out") == 0 ? "20" : "8", "kind", kind),
		        "3 kap. %s §: %s is decided by the head of the organisation "
		        "(högsta chef)",
		        strcmp(kind, "kh_carry_out") == 0 ? "20" : "8",
		        strcmp(kind, "kh_copy") == 0      ? "a copy of a KH document"
		        : strcmp(kind, "kh_extract") == 0 ? "an extract of a KH document"
		                                          : "carrying KH out of the "
		                                            "premises");
	}
	rc = store_tx_int(tx, &c->new_id, "SELECT coalesce(max(id), 0) + 1 FROM decision", "");
	if (rc)
		return rc;
	return log_entry(tx, c->p, "decision.recorded", c->id,
	                 json_pack("{s:I, s:I, s:s, s:I, s:s, s:s, s:s}", "id",
	                           (json_int_t)c->new_id, "document_id", (json_int_t)c->id, "kind",
	                           kind, "decided_by", (json_int_t)who, "decided_on", c->on,
	                           "reference", c->d->reference, "note",
	                           c->d->note ? c->d->note : ""),
	                 NULL);
}

int decision_record(struct model *m, const struct principal *p, int64_t document_id,
                    const struct decision_new *d, int64_t *id, struct model_err *err)
{
	static const char *const kinds[] = {"kh_copy", "kh_extract", "kh_carry_out", "abroad"};
	struct record_cmd c = {.p = p, .id = document_id, .d = d};
	bool known = false;
	int rc;

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		known = known || (d->kind && strcmp(d->kind, kinds[i]) == 0);
	if (!known)
		return model_fail(err, SK_EINVAL, "kind", "field.enum", NULL,
		                  "kind: one of kh_copy, kh_extract, kh_carry_out, abroad");
	if (!model_text_valid(d->reference, 1, 128, 0))
		return model_fail(err, SK_EINVAL, "reference", "field.text_size",
		                  json_pack("{s:i, s:i}", "min", 1, "max", 128),
		                  "reference: 1..128 bytes of text");
	if (d->note && !model_text_valid(d->note, 1, 500, MODEL_TEXT_LINES))
		return model_fail(err, SK_EINVAL, "note", "field.text_size",
		                  json_pack("{s:i, s:i}", "min", 1, "max", 500),
		                  "note: 1..500 bytes of text");
	if (d->decided_by < 0)
		return model_fail(err, SK_EINVAL, "decided_by", "field.type",
		                  json_pack("{s:s}", "type", "integer"),
		                  "decided_by: an identity's id");
	rc = day_ok(d->decided_on, c.on, err, "decided_on");
	if (rc)
		return rc;
	rc = model_submit(m, record_fn, &c, err);
	if (!rc && id)
		*id = c.new_id;
	return rc;
}

/* ---- recipients of KH electronic documents (3 kap. 15 §) ---- */

struct recipients_cmd {
	const struct principal *p;
	int64_t id;
	const int64_t *persons;
	size_t n;
};

static int recipients_fn(struct store_tx *tx, void *arg)
{
	struct recipients_cmd *c = arg;
	struct doc_state d;
	json_t *ids;
	int rc;

	rc = doc_load(tx, c->p, c->id, &d);
	if (rc)
		return rc;
	if (!(caller_roles(tx, c->p) & CALLER_RECORDS))
		return store_tx_failr(tx, SK_ERULE, NULL, "decision.recipients_by_registrar", NULL,
		                      "3 kap. 15 §: the registrar or the säkerhetsskyddschef notes "
		                      "the recipients");
	if (rank(d.cls) != 4 || strcmp(d.form, "electronic") != 0)
		return store_tx_failr(tx, SK_ERULE, "id", "decision.recipients_kh_electronic",
		                      json_pack("{s:s}", "class", d.cls),
		                      "3 kap. 15 §: recipients are noted for KH electronic "
		                      "documents; this one is %s %s",
		                      d.cls, d.form);
	for (size_t i = 0; i < c->n; i++) {
		int64_t noted = 0;

		rc = records_tx_person_active(tx, c->persons[i]);
		if (rc == SK_ENOTFOUND)
			return store_tx_failr(tx, SK_ENOTFOUND, "person_ids", "person.not_found",
			                      NULL, "no person %lld", (long long)c->persons[i]);
		if (rc == SK_ERULE)
			return store_tx_failr(tx, SK_ERULE, "person_ids", "person.ended",
			                      json_pack("{s:o}", "person",
			                                model_tx_name(tx, "person", c->persons[i])),
			                      "person %lld has ended", (long long)c->persons[i]);
		if (rc)
			return rc;
		rc = store_tx_int(tx, &noted,
		                  "SELECT count(*) FROM kh_recipient WHERE document_id = ?1 AND "
		                  "person_id = ?2",
		                  "ii", c->id, c->persons[i]);
		if (rc)
			return rc;
		if (noted)
			return store_tx_failr(tx, SK_EEXIST, "person_ids",
			                      "decision.recipient_noted",
			                      json_pack("{s:o}", "person",
			                                model_tx_name(tx, "person", c->persons[i])),
			                      "person %lld is already noted as a recipient",
			                      (long long)c->persons[i]);
	}
	ids = json_array();
	for (size_t i = 0; ids && i < c->n; i++) {
		if (json_array_append_new(ids, json_integer((json_int_t)c->persons[i]))) {
			json_decref(ids);
			ids = NULL;
		}
	}
	if (!ids)
		return SK_ENOMEM;
	return log_entry(
	        tx, c->p, "decision.kh_recipient.added", c->id,
	        json_pack("{s:I, s:o}", "document_id", (json_int_t)c->id, "person_ids", ids), NULL);
}

int decision_kh_recipients_add(struct model *m, const struct principal *p, int64_t document_id,
                               const int64_t *persons, size_t n, struct model_err *err)
{
	struct recipients_cmd c = {p, document_id, persons, n};

	if (n == 0 || n > 100)
		return model_fail(err, SK_EINVAL, "person_ids", "field.range",
		                  json_pack("{s:i, s:i}", "min", 1, "max", 100),
		                  "person_ids: 1..100 persons");
	for (size_t i = 0; i < n; i++) {
		if (persons[i] <= 0)
			return model_fail(err, SK_EINVAL, "person_ids", "field.type",
			                  json_pack("{s:s}", "type", "integer"),
			                  "person_ids: positive ids");
		for (size_t j = 0; j < i; j++) {
			if (persons[j] == persons[i])
				return model_fail(err, SK_EINVAL, "person_ids", "field.duplicate",
				                  NULL, "person_ids: each person once");
		}
	}
	return model_submit(m, recipients_fn, &c, err);
}

/* ---- KH shown or told orally (3 kap. 17 §) ---- */

struct disclosure_cmd {
	const struct principal *p;
	int64_t id;
	const struct decision_disclosure *d;
	int64_t new_id;
};

static int disclosure_fn(struct store_tx *tx, void *arg)
{
	struct disclosure_cmd *c = arg;
	const struct decision_disclosure *x = c->d;
	struct doc_state d;
	int rc;

	rc = doc_load(tx, c->p, c->id, &d);
	if (rc)
		return rc;
	if (rank(d.cls) != 4)
		return store_tx_failr(tx, SK_ERULE, "id", "decision.disclosure_kh",
		                      json_pack("{s:s}", "class", d.cls),
		                      "3 kap. 17 §: the log of information shown or told orally is "
		                      "kept for KH; this document is %s",
		                      d.cls);
	rc = records_tx_person_active(tx, x->disclosed_by);
	if (rc == SK_ENOTFOUND)
		return store_tx_failr(tx, SK_ENOTFOUND, "disclosed_by", "person.not_found", NULL,
		                      "no person %lld", (long long)x->disclosed_by);
	if (rc && rc != SK_ERULE) /* an ended person may still have disclosed before */
		return rc;
	if (!(caller_roles(tx, c->p) & CALLER_RECORDS) &&
	    records_tx_person_of_identity(tx, c->p->id) != x->disclosed_by)
		return store_tx_failr(tx, SK_ERULE, "disclosed_by", "decision.disclosure_own", NULL,
		                      "3 kap. 17 §: you note what you yourself showed or told; the "
		                      "registrar notes others'");
	rc = store_tx_int(tx, &c->new_id, "SELECT coalesce(max(id), 0) + 1 FROM disclosure", "");
	if (rc)
		return rc;
	return log_entry(tx, c->p, "decision.disclosure.noted", c->id,
	                 json_pack("{s:I, s:I, s:I, s:s, s:s, s:s, s:s}", "id",
	                           (json_int_t)c->new_id, "document_id", (json_int_t)c->id,
	                           "disclosed_by", (json_int_t)x->disclosed_by, "recipient",
	                           x->recipient, "occurred_at", x->occurred_at, "how", x->how,
	                           "note", x->note ? x->note : ""),
	                 NULL);
}

/* A date or an RFC 3339 time, not in the future (a minute's grace for clocks). */
static int occurred_ok(const char *s, struct model_err *err)
{
	char today[11];
	int64_t t;

	if (!s)
		return model_fail(err, SK_EINVAL, "occurred_at", "field.time", NULL,
		                  "occurred_at: a date or an RFC 3339 time");
	if (strlen(s) == 10) {
		if (!model_date_valid(s))
			return model_fail(err, SK_EINVAL, "occurred_at", "field.date", NULL,
			                  "occurred_at: a date YYYY-MM-DD or a time");
		model_today(today);
		if (strcmp(s, today) > 0)
			return model_fail(err, SK_EINVAL, "occurred_at", "field.date_not_future",
			                  json_pack("{s:s}", "today", today),
			                  "occurred_at is in the future");
		return SK_OK;
	}
	if (sk_time_parse(s, strlen(s), &t) != SK_OK)
		return model_fail(err, SK_EINVAL, "occurred_at", "field.time", NULL,
		                  "occurred_at: a date YYYY-MM-DD or an RFC 3339 time");
	if (t > sk_now_us() + 60 * INT64_C(1000000))
		return model_fail(err, SK_EINVAL, "occurred_at", "field.time_future", NULL,
		                  "occurred_at is in the future");
	return SK_OK;
}

int decision_disclosure_add(struct model *m, const struct principal *p, int64_t document_id,
                            const struct decision_disclosure *d, int64_t *id, struct model_err *err)
{
	struct disclosure_cmd c = {p, document_id, d, 0};
	int rc;

	if (d->disclosed_by <= 0)
		return model_fail(err, SK_EINVAL, "disclosed_by", "field.type",
		                  json_pack("{s:s}", "type", "integer"),
		                  "disclosed_by: a person's id");
	if (!model_text_valid(d->recipient, 1, 200, 0))
		return model_fail(err, SK_EINVAL, "recipient", "field.text_size",
		                  json_pack("{s:i, s:i}", "min", 1, "max", 200),
		                  "recipient: 1..200 bytes of text");
	if (!d->how || (strcmp(d->how, "shown") != 0 && strcmp(d->how, "told") != 0))
		return model_fail(err, SK_EINVAL, "how", "field.enum", NULL, "how: shown or told");
	if (d->note && !model_text_valid(d->note, 1, 500, MODEL_TEXT_LINES))
		return model_fail(err, SK_EINVAL, "note", "field.text_size",
		                  json_pack("{s:i, s:i}", "min", 1, "max", 500),
		                  "note: 1..500 bytes of text");
	rc = occurred_ok(d->occurred_at, err);
	if (rc)
		return rc;
	rc = model_submit(m, disclosure_fn, &c, err);
	if (!rc && id)
		*id = c.new_id;
	return rc;
}

/* ---- the projection ---- */

static int apply_reclassified(struct store_tx *tx, const struct ledger_entry *e, const char *t)
{
	const json_t *x = e->data;
	bool none = strcmp(model_json_str0(x, "to_class"), "none") == 0;
	int rc;

	rc = store_tx_run(tx,
	                  "INSERT INTO reclassification (seq, document_id, from_class, to_class, "
	                  "decided_by, decided_on, reason, consultation) VALUES (?1, ?2, ?3, ?4, "
	                  "?5, ?6, ?7, ?8)",
	                  "iittittt", (int64_t)e->seq, model_json_int(x, "document_id"),
	                  model_json_str0(x, "from_class"), model_json_str0(x, "to_class"),
	                  model_json_int(x, "decided_by"), model_json_str0(x, "decided_on"),
	                  model_json_str0(x, "reason"), model_json_str(x, "consultation"));
	if (rc)
		return rc;
	if (none)
		return store_tx_run(
		        tx,
		        "UPDATE document SET declassified_on = ?2, updated_at = ?3 WHERE "
		        "id = ?1",
		        "itt", model_json_int(x, "document_id"), model_json_str0(x, "decided_on"),
		        t);
	return store_tx_run(tx, "UPDATE document SET class = ?2, updated_at = ?3 WHERE id = ?1",
	                    "itt", model_json_int(x, "document_id"), model_json_str0(x, "to_class"),
	                    t);
}

static int apply_decision(struct store_tx *tx, const struct ledger_entry *e)
{
	const json_t *x = e->data;
	char t[SK_TIME_LEN + 1];
	int rc = SK_OK;

	model_time(e->time_us, t);
	if (strcmp(e->kind, "decision.reclassified") == 0)
		return apply_reclassified(tx, e, t);
	if (strcmp(e->kind, "decision.recorded") == 0)
		return store_tx_run(tx,
		                    "INSERT INTO decision (id, document_id, kind, decided_by, "
		                    "decided_on, reference, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
		                    "?7)",
		                    "iitittt", model_json_int(x, "id"),
		                    model_json_int(x, "document_id"), model_json_str0(x, "kind"),
		                    model_json_int(x, "decided_by"),
		                    model_json_str0(x, "decided_on"),
		                    model_json_str0(x, "reference"), model_json_str0(x, "note"));
	if (strcmp(e->kind, "decision.kh_recipient.added") == 0) {
		size_t i;
		json_t *v;

		json_array_foreach(json_object_get(x, "person_ids"), i, v)
		{
			rc = store_tx_run(
			        tx,
			        "INSERT INTO kh_recipient (document_id, person_id, noted_at, "
			        "noted_by) VALUES (?1, ?2, ?3, ?4)",
			        "iiti", model_json_int(x, "document_id"), json_integer_value(v), t,
			        e->actor);
			if (rc)
				return rc;
		}
		return SK_OK;
	}
	if (strcmp(e->kind, "decision.disclosure.noted") == 0)
		return store_tx_run(
		        tx,
		        "INSERT INTO disclosure (id, document_id, disclosed_by, "
		        "recipient, occurred_at, how, note, noted_at, noted_by) VALUES "
		        "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
		        "iiittttti", model_json_int(x, "id"), model_json_int(x, "document_id"),
		        model_json_int(x, "disclosed_by"), model_json_str0(x, "recipient"),
		        model_json_str0(x, "occurred_at"), model_json_str0(x, "how"),
		        model_json_str0(x, "note"), t, e->actor);
	return rc;
}

static const char *const decision_tables[] = {"reclassification", "decision", "kh_recipient",
                                              "disclosure", NULL};
/* A decision also changes the copies and the document it is about. */
static const char *const decision_touches[] = {"copy", "document", NULL};

static const struct store_projection proj_decision = {
        .name = "decisions",
        .kind_prefix = "decision.",
        .tables = decision_tables,
        .touches = decision_touches,
        .apply = apply_decision,
};

void model_register_decisions(void)
{
	store_register_projection(&proj_decision);
}

/* ---- queries ---- */

/* Appends every row of sql (bound to document_id) to arr, made by row(). */
static int rows(struct store_reader *r, const char *sql, int64_t document_id, json_t *arr,
                json_t *(*row)(struct store_q *q))
{
	struct store_q *q;
	int rc = store_reader_query(r, sql, &q);

	if (rc)
		return rc;
	store_q_bind_int(q, 1, document_id);
	while ((rc = store_q_step(q)) == SK_OK) {
		if (json_array_append_new(arr, row(q))) {
			rc = SK_ENOMEM;
			break;
		}
	}
	store_q_done(q);
	return rc == SK_ENOTFOUND ? SK_OK : rc;
}

static const char *nul(struct store_q *q, int col)
{
	return store_q_is_null(q, col) ? NULL : store_q_text(q, col);
}

static json_t *decision_row(struct store_q *q)
{
	return json_pack("{s:I, s:s, s:I, s:s?, s:s, s:s, s:s, s:I}", "id",
	                 (json_int_t)store_q_int(q, 0), "kind", store_q_text(q, 1), "decided_by",
	                 (json_int_t)store_q_int(q, 2), "decided_by_name", nul(q, 3), "decided_on",
	                 store_q_text(q, 4), "reference", store_q_text(q, 5), "note",
	                 store_q_text(q, 6), "used", (json_int_t)store_q_int(q, 7));
}

static json_t *reclass_row(struct store_q *q)
{
	return json_pack(
	        "{s:I, s:s, s:s, s:I, s:s?, s:s, s:s, s:s?}", "seq", (json_int_t)store_q_int(q, 0),
	        "from_class", store_q_text(q, 1), "to_class", store_q_text(q, 2), "decided_by",
	        (json_int_t)store_q_int(q, 3), "decided_by_name", nul(q, 4), "decided_on",
	        store_q_text(q, 5), "reason", store_q_text(q, 6), "consultation", nul(q, 7));
}

static json_t *recipient_row(struct store_q *q)
{
	return json_pack("{s:I, s:s?, s:s, s:I}", "person_id", (json_int_t)store_q_int(q, 0),
	                 "name", nul(q, 1), "noted_at", store_q_text(q, 2), "noted_by",
	                 (json_int_t)store_q_int(q, 3));
}

static json_t *disclosure_row(struct store_q *q)
{
	return json_pack("{s:I, s:I, s:s?, s:s, s:s, s:s, s:s, s:s, s:I}", "id",
	                 (json_int_t)store_q_int(q, 0), "disclosed_by",
	                 (json_int_t)store_q_int(q, 1), "disclosed_by_name", nul(q, 2), "recipient",
	                 store_q_text(q, 3), "occurred_at", store_q_text(q, 4), "how",
	                 store_q_text(q, 5), "note", store_q_text(q, 6), "noted_at",
	                 store_q_text(q, 7), "noted_by", (json_int_t)store_q_int(q, 8));
}

json_t *decision_list(struct model *m, int64_t document_id)
{
	struct store_reader *r = model_reader(m);
	json_t *o =
	        json_pack("{s:[], s:[], s:[]}", "decisions", "reclassifications", "kh_recipients");
	int rc;

	if (!r || !o || store_reader_begin(r)) {
		json_decref(o);
		return NULL;
	}
	rc = rows(r,
	          "SELECT d.id, d.kind, d.decided_by, i.display_name, d.decided_on, d.reference, "
	          "d.note, d.used FROM decision d LEFT JOIN identity i ON i.id = d.decided_by "
	          "WHERE d.document_id = ?1 ORDER BY d.id",
	          document_id, json_object_get(o, "decisions"), decision_row);
	if (!rc)
		rc = rows(r,
		          "SELECT x.seq, x.from_class, x.to_class, x.decided_by, i.display_name, "
		          "x.decided_on, x.reason, x.consultation FROM reclassification x LEFT "
		          "JOIN identity i ON i.id = x.decided_by WHERE x.document_id = ?1 ORDER "
		          "BY x.seq",
		          document_id, json_object_get(o, "reclassifications"), reclass_row);
	if (!rc)
		rc = rows(r,
		          "SELECT k.person_id, p.name, k.noted_at, k.noted_by FROM kh_recipient k "
		          "LEFT JOIN person p ON p.id = k.person_id WHERE k.document_id = ?1 "
		          "ORDER BY k.person_id",
		          document_id, json_object_get(o, "kh_recipients"), recipient_row);
	store_reader_end(r);
	if (rc) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *decision_disclosure_list(struct model *m, int64_t document_id)
{
	struct store_reader *r = model_reader(m);
	json_t *o = json_pack("{s:[]}", "disclosures");

	if (!r || !o ||
	    rows(r,
	         "SELECT x.id, x.disclosed_by, p.name, x.recipient, x.occurred_at, x.how, "
	         "x.note, x.noted_at, x.noted_by FROM disclosure x LEFT JOIN person p ON p.id = "
	         "x.disclosed_by WHERE x.document_id = ?1 ORDER BY x.id",
	         document_id, json_object_get(o, "disclosures"), disclosure_row)) {
		json_decref(o);
		return NULL;
	}
	return o;
}
