/*
 * The register of classified documents (3 kap. PMFS 2022:1): documents,
 * their designations and need-to-know lists, the one visibility rule, the
 * numbering setting and the projections of the register's entries. Copies,
 * receipts, shipments and destruction are in copy.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/document_int.h"
#include "model/records.h"
#include "model/reg_int.h"

#define PATTERN_KEY     "doc.pattern"
#define PATTERN_DEFAULT "{YYYY}-{N:4}"
#define COUNTER_PREFIX  "doc.counter:"

/* ---- small helpers ---- */

int document_class_rank(const char *cls)
{
	static const char *const names[] = {"BH", "K", "H", "KH"};

	for (int i = 0; cls && i < 4; i++) {
		if (strcmp(cls, names[i]) == 0)
			return i + 1;
	}
	return 0;
}

bool document_class_k_plus(const char *cls)
{
	return document_class_rank(cls) >= 2;
}

const char *doc_class_sv(const char *cls)
{
	static const char *const sv[] = {"", "begränsat hemlig", "konfidentiell", "hemlig",
	                                 "kvalificerat hemlig"};

	return sv[document_class_rank(cls)];
}

const char *doc_class_en(const char *cls)
{
	static const char *const en[] = {"", "restricted", "confidential", "secret", "top secret"};

	return en[document_class_rank(cls)];
}

bool doc_text_ok(const char *s, size_t max, bool empty_ok)
{
	/* \n and DEL let through; NULL refused even when empty_ok. */
	return s && model_text_valid(s, empty_ok ? 0 : 1, max, MODEL_TEXT_NL | MODEL_TEXT_DEL);
}

int doc_may_write(const struct principal *p, struct model_err *err)
{
	if (p->roles & (ROLE_BIT(ROLE_REGISTRAR) | ROLE_BIT(ROLE_SSC)))
		return SK_OK;
	return model_fail(err, SK_EPERM, NULL, "document.register_keeper", NULL,
	                  "the register is kept by the registrar or the ssc");
}

json_t *doc_data(int64_t doc, int64_t token_id)
{
	json_t *o = json_pack("{s:I}", "document_id", (json_int_t)doc);

	if (o && token_id)
		json_object_set_new(o, "token_id", json_integer(token_id));
	return o;
}

void doc_set_id(json_t *data, const char *key, int64_t v)
{
	if (data && v > 0)
		json_object_set_new(data, key, json_integer(v));
}

const char *doc_q_opt(struct store_q *q, int col)
{
	return store_q_is_null(q, col) ? NULL : store_q_text(q, col);
}

int doc_tx_row(struct store_tx *tx, int64_t id, struct doc_row *out)
{
	struct store_q *q;
	int rc = store_tx_query(
	        tx,
	        "SELECT class, form, status, title_classified, declassified_on IS NOT NULL FROM "
	        "document WHERE id = ?1",
	        &q);

	if (rc)
		return rc;
	store_q_bind_int(q, 1, id);
	rc = store_q_step(q);
	if (!rc) {
		out->id = id;
		snprintf(out->cls, sizeof(out->cls), "%s", store_q_text(q, 0));
		snprintf(out->form, sizeof(out->form), "%s", store_q_text(q, 1));
		snprintf(out->status, sizeof(out->status), "%s", store_q_text(q, 2));
		out->title_classified = store_q_int(q, 3) != 0;
		out->declassified = store_q_int(q, 4) != 0;
	}
	store_q_done(q);
	return rc;
}

/* ---- checks against the records (inside a writer command) ---- */

/* Reads one text column of one row: SK_OK, SK_ENOTFOUND or a store error. */
static int tx_text(struct store_tx *tx, const char *sql, int64_t id, char *out, size_t cap,
                   char *out2, size_t cap2)
{
	struct store_q *q;
	int rc = store_tx_query(tx, sql, &q);

	if (rc)
		return rc;
	store_q_bind_int(q, 1, id);
	rc = store_q_step(q);
	if (!rc) {
		snprintf(out, cap, "%s", store_q_text(q, 0));
		if (out2)
			snprintf(out2, cap2, "%s", store_q_text(q, 1));
	}
	store_q_done(q);
	return rc;
}

/*
 * The verdicts are the records slice's (records_tx_*); on a refusal the
 * message says why, read here, naming the field and the paragraph.
 */
int doc_tx_person(struct store_tx *tx, int64_t id, const char *field)
{
	int rc = records_tx_person_active(tx, id);

	if (rc == SK_ENOTFOUND)
		return store_tx_failr(tx, SK_ENOTFOUND, field, "person.not_found", NULL,
		                      "no person %lld", (long long)id);
	if (rc == SK_ERULE)
		return store_tx_failr(tx, SK_ERULE, field, "person.ended",
		                      json_pack("{s:o}", "person", model_tx_name(tx, "person", id)),
		                      "person %lld has ended", (long long)id);
	return rc;
}

int doc_tx_space(struct store_tx *tx, int64_t id, const char *cls, const char *field)
{
	char kind[16] = "", status[16] = "", max[4] = "";
	int rc = records_tx_space_holds(tx, id, document_class_rank(cls));

	if (rc == SK_ENOTFOUND)
		return store_tx_failr(tx, SK_ENOTFOUND, field, "space.not_found", NULL,
		                      "no space %lld", (long long)id);
	if (rc != SK_ERULE)
		return rc;
	rc = tx_text(tx, "SELECT kind, status FROM space WHERE id = ?1", id, kind, sizeof(kind),
	             status, sizeof(status));
	if (!rc)
		rc = tx_text(tx, "SELECT max_class FROM space WHERE id = ?1", id, max, sizeof(max),
		             NULL, 0);
	if (rc)
		return rc;
	if (strcmp(kind, "container") != 0)
		return store_tx_failr(tx, SK_ERULE, field, "space.not_container",
		                      json_pack("{s:o}", "space", model_tx_name(tx, "space", id)),
		                      "3 kap. 9 §: space %lld is not an approved storage container",
		                      (long long)id);
	if (strcmp(status, "approved") != 0)
		return store_tx_failr(tx, SK_ERULE, field, "space.withdrawn",
		                      json_pack("{s:o}", "space", model_tx_name(tx, "space", id)),
		                      "3 kap. 9 §: space %lld is withdrawn", (long long)id);
	return store_tx_failr(tx, SK_ERULE, field, "space.class_above_max",
	                      json_pack("{s:o, s:s, s:s}", "space", model_tx_name(tx, "space", id),
	                                "max", max, "class", cls),
	                      "3 kap. 9 §: container %lld is approved up to %s, the document is %s",
	                      (long long)id, max, cls);
}

int doc_tx_system(struct store_tx *tx, int64_t id, const char *cls, const char *field)
{
	char max[4] = "", status[16] = "";
	int rc = records_tx_system_holds(tx, id, document_class_rank(cls));

	if (rc == SK_ENOTFOUND)
		return store_tx_failr(tx, SK_ENOTFOUND, field, "system.not_found", NULL,
		                      "no information system %lld", (long long)id);
	if (rc != SK_ERULE)
		return rc;
	rc = tx_text(tx, "SELECT max_class, status FROM info_system WHERE id = ?1", id, max,
	             sizeof(max), status, sizeof(status));
	if (rc)
		return rc;
	if (strcmp(status, "approved") != 0)
		return store_tx_failr(tx, SK_ERULE, field, "system.withdrawn",
		                      json_pack("{s:o}", "system", model_tx_name(tx, "system", id)),
		                      "3 kap. 1 §: system %lld is withdrawn", (long long)id);
	return store_tx_failr(tx, SK_ERULE, field, "system.class_above_max",
	                      json_pack("{s:o, s:s, s:s}", "system",
	                                model_tx_name(tx, "system", id), "max", max, "class", cls),
	                      "3 kap. 1 §: system %lld is approved up to %s, the document is %s",
	                      (long long)id, max, cls);
}

int doc_tx_distributor(struct store_tx *tx, int64_t id, const char *field)
{
	int rc = records_tx_distributor_approved(tx, id);

	if (rc == SK_ENOTFOUND)
		return store_tx_failr(tx, SK_ENOTFOUND, field, "distributor.not_found", NULL,
		                      "no distributor %lld", (long long)id);
	if (rc == SK_ERULE)
		return store_tx_failr(
		        tx, SK_ERULE, field, "distributor.withdrawn",
		        json_pack("{s:o}", "distributor", model_tx_name(tx, "distributor", id)),
		        "3 kap. 12 §: distributor %lld is withdrawn", (long long)id);
	return rc;
}

int doc_tx_person_may_hold(struct store_tx *tx, const struct doc_row *d, int64_t person,
                           const char *field)
{
	struct store_q *q;
	bool listed = false;
	char clear[8] = "", today[11];
	int rc = doc_tx_person(tx, person, field);

	if (rc)
		return rc;
	rc = store_tx_query(tx,
	                    "SELECT (SELECT 1 FROM document_access WHERE document_id = ?1 AND "
	                    "person_id = ?2), " MODEL_CLEARANCE_OF_PERSON("?2", "?3"),
	                    &q);
	if (rc)
		return rc;
	model_today(today);
	store_q_bind_int(q, 1, d->id);
	store_q_bind_int(q, 2, person);
	store_q_bind_text(q, 3, today);
	rc = store_q_step(q);
	if (!rc) {
		listed = !store_q_is_null(q, 0);
		snprintf(clear, sizeof(clear), "%s", store_q_text(q, 1));
	}
	store_q_done(q);
	if (rc)
		return rc;
	if (!listed)
		return store_tx_failr(
		        tx, SK_ERULE, field, "document.person_not_listed",
		        json_pack("{s:o}", "person", model_tx_name(tx, "person", person)),
		        "person %lld is not on the document's need-to-know list",
		        (long long)person);
	/* Every person, with a login or without, is cleared for the class (reg_clearances.c). */
	if (clearance_parse(clear) < document_class_rank(d->cls))
		return store_tx_failr(tx, SK_ERULE, field, "document.class_above_clearance",
		                      json_pack("{s:o, s:s, s:s}", "person",
		                                model_tx_name(tx, "person", person), "clearance",
		                                clear, "class", d->cls),
		                      "person %lld is cleared only for %s, the document is %s",
		                      (long long)person, clear, d->cls);
	return SK_OK;
}

/* ---- visibility ---- */

bool document_sees_all(const struct principal *p)
{
	return (p->roles &
	        (ROLE_BIT(ROLE_REGISTRAR) | ROLE_BIT(ROLE_SSC) | ROLE_BIT(ROLE_AUDITOR))) != 0;
}

bool document_cleared(const struct principal *p, const char *cls)
{
	int rank = document_class_rank(cls);

	return rank > 0 && (int)p->clearance >= rank;
}

void document_visible_bind(struct store_q *q, const struct principal *p)
{
	store_q_bind_int(q, 90, (int64_t)p->clearance);
	store_q_bind_int(q, 91, document_sees_all(p) ? 1 : 0);
	store_q_bind_int(q, 92, p->id);
}

static const char visible_sql[] =
        "SELECT 1 FROM document d WHERE d.id = ?1 AND " DOCUMENT_VISIBLE_SQL("d");

bool document_visible(struct store_reader *r, const struct principal *p, int64_t id)
{
	struct store_q *q;
	bool yes;

	if (!r || store_reader_query(r, visible_sql, &q))
		return false;
	store_q_bind_int(q, 1, id);
	document_visible_bind(q, p);
	yes = store_q_step(q) == SK_OK;
	store_q_done(q);
	return yes;
}

bool document_tx_visible(struct store_tx *tx, const struct principal *p, int64_t id)
{
	struct store_q *q;
	bool yes;

	if (store_tx_query(tx, visible_sql, &q))
		return false;
	store_q_bind_int(q, 1, id);
	document_visible_bind(q, p);
	yes = store_q_step(q) == SK_OK;
	store_q_done(q);
	return yes;
}

struct denied_cmd {
	const struct principal *p;
	int64_t id;
};

static int denied_fn(struct store_tx *tx, void *arg)
{
	struct denied_cmd *c = arg;
	json_t *data = doc_data(c->id, c->p->token_id);
	int64_t one = 0;
	int rc = store_tx_int(tx, &one, "SELECT 1 FROM document WHERE id = ?1", "i", c->id);

	if (rc) {
		json_decref(data);
		return rc == SK_ENOTFOUND ? SK_OK : rc;
	}
	return model_tx_log(tx, c->p->id, "document.access.denied", "document", c->id, data);
}

int document_check_read(struct model *m, const struct principal *p, int64_t id)
{
	struct denied_cmd c = {p, id};

	struct store_reader *r = model_reader(m);
	struct store_q *q;
	bool exists = false;

	if (document_visible(r, p, id))
		return SK_OK;
	/* Only an existing document's denial is an entry (the writer checks again). */
	if (r && !store_reader_query(r, "SELECT 1 FROM document WHERE id = ?1", &q)) {
		store_q_bind_int(q, 1, id);
		exists = store_q_step(q) == SK_OK;
		store_q_done(q);
	}
	if (exists)
		model_submit(m, denied_fn, &c, NULL);
	return SK_ENOTFOUND;
}

bool document_redact_entry(struct store_reader *r, const struct principal *p, json_t *entry)
{
	const char *obj = json_string_value(json_object_get(entry, "object"));
	json_t *data = json_object_get(entry, "data");
	struct store_q *q;
	bool hide = false;
	int64_t id;
	char *end;

	if (!obj || strncmp(obj, "document/", 9) != 0 || !json_is_object(data) ||
	    !json_object_get(data, "title"))
		return false;
	id = strtoll(obj + 9, &end, 10);
	if (*end || id <= 0)
		return false;
	if (!r || store_reader_query(
	                  r, "SELECT class, title_classified FROM document WHERE id = ?1", &q)) {
		hide = true; /* cannot tell: hide */
	} else {
		store_q_bind_int(q, 1, id);
		if (store_q_step(q) == SK_OK)
			hide = store_q_int(q, 1) != 0 && !document_cleared(p, store_q_text(q, 0));
		else
			hide = true;
		store_q_done(q);
	}
	if (!hide)
		return false;
	json_object_set_new(data, "title", json_string(DOCUMENT_TITLE_REDACTED));
	return true;
}

/* ---- numbering ---- */

/* Parses "{N}" or "{N:w}" at s; returns its length (0 if none) and the width. */
static size_t n_token(const char *s, int *width)
{
	if (strncmp(s, "{N}", 3) == 0) {
		*width = 0;
		return 3;
	}
	if (strncmp(s, "{N:", 3) == 0 && s[3] >= '1' && s[3] <= '9' && s[4] == '}') {
		*width = s[3] - '0';
		return 5;
	}
	return 0;
}

bool document_pattern_valid(const char *pattern)
{
	size_t n = pattern ? strlen(pattern) : 0;
	int ns = 0, w;

	if (n == 0 || n > 64 || !doc_text_ok(pattern, 64, false))
		return false;
	for (const char *s = pattern; *s;) {
		size_t t;

		if (strncmp(s, "{YYYY}", 6) == 0) {
			s += 6;
		} else if (strncmp(s, "{YY}", 4) == 0) {
			s += 4;
		} else if ((t = n_token(s, &w)) != 0) {
			ns++;
			s += t;
		} else if (*s == '{' || *s == '}' || *s == '\n') {
			return false;
		} else {
			s++;
		}
	}
	return ns == 1;
}

/*
 * Renders pattern for year with number n into out; key receives the pattern
 * with the year filled in and the number left as "#" (the counter's name).
 */
static void render(const char *pattern, const char *year, int64_t n, struct buf *out,
                   struct buf *key)
{
	int w;

	for (const char *s = pattern; *s;) {
		size_t t;

		if (strncmp(s, "{YYYY}", 6) == 0) {
			buf_append(out, year, 4);
			buf_append(key, year, 4);
			s += 6;
		} else if (strncmp(s, "{YY}", 4) == 0) {
			buf_append(out, year + 2, 2);
			buf_append(key, year + 2, 2);
			s += 4;
		} else if ((t = n_token(s, &w)) != 0) {
			buf_printf(out, "%0*lld", w, (long long)n);
			buf_putc(key, '#');
			s += t;
		} else {
			buf_putc(out, *s);
			buf_putc(key, *s);
			s++;
		}
	}
}

static int tx_setting(struct store_tx *tx, const char *key, char *out, size_t cap)
{
	struct store_q *q;
	int rc = store_tx_query(tx, "SELECT value FROM register_setting WHERE key = ?1", &q);

	if (rc)
		return rc;
	store_q_bind_text(q, 1, key);
	rc = store_q_step(q);
	if (!rc)
		snprintf(out, cap, "%s", store_q_text(q, 0));
	store_q_done(q);
	return rc;
}

static bool tx_designation_taken(struct store_tx *tx, const char *d)
{
	int64_t one = 0;

	return store_tx_int(tx, &one, "SELECT 1 FROM document WHERE designation = ?1", "t", d) ==
	       SK_OK;
}

/* The next designation, and the counter (key, n) to record with it. */
static int next_designation(struct store_tx *tx, char *out, size_t cap, char *key, size_t kcap,
                            int64_t *n_out)
{
	char pattern[128] = PATTERN_DEFAULT, counter[160], today[11], val[32];
	struct buf d, k;
	int64_t n = 1;
	int rc;

	model_today(today);
	rc = tx_setting(tx, PATTERN_KEY, pattern, sizeof(pattern));
	if (rc && rc != SK_ENOTFOUND)
		return rc;
	buf_init(&k, 256);
	buf_init(&d, 256);
	render(pattern, today, 0, &d, &k);
	if (k.err) {
		rc = SK_ENOMEM;
		goto out;
	}
	snprintf(counter, sizeof(counter), COUNTER_PREFIX "%s", k.ptr);
	rc = tx_setting(tx, counter, val, sizeof(val));
	if (!rc)
		n = strtoll(val, NULL, 10) + 1;
	else if (rc != SK_ENOTFOUND)
		goto out;
	rc = SK_OK;
	/* An explicit designation may have taken the next number: skip it. */
	for (int tries = 0;; tries++) {
		buf_reset(&d);
		buf_reset(&k);
		render(pattern, today, n, &d, &k);
		if (d.err || k.err) {
			rc = SK_ENOMEM;
			goto out;
		}
		if (!tx_designation_taken(tx, d.ptr))
			break;
		if (tries > 100000) {
			rc = store_tx_failr(tx, SK_EINVAL, "designation",
			                    "document.designation_exhausted", NULL,
			                    "no free designation by the pattern");
			goto out;
		}
		n++;
	}
	snprintf(out, cap, "%s", d.ptr);
	snprintf(key, kcap, "%s", counter);
	*n_out = n;
out:
	buf_release(&d);
	buf_release(&k);
	return rc;
}

int document_tx_next_designation(struct store_tx *tx, char *out, size_t cap)
{
	char key[160];
	int64_t n;

	return next_designation(tx, out, cap, key, sizeof(key), &n);
}

/* ---- creating a document ---- */

/*
 * Only a person cleared for the document's class cls goes on its
 * need-to-know list (the clearance decisions, reg_clearances.c): the list
 * says who may receive it, and nobody may receive it above their clearance.
 */
static int person_cleared_for(struct store_tx *tx, const char *cls, int64_t person,
                              const char *field)
{
	char clear[8] = "", today[11];
	struct store_q *q;
	int rc = store_tx_query(tx, "SELECT " MODEL_CLEARANCE_OF_PERSON("?1", "?2"), &q);

	if (rc)
		return rc;
	model_today(today);
	store_q_bind_int(q, 1, person);
	store_q_bind_text(q, 2, today);
	rc = store_q_step(q);
	if (!rc)
		snprintf(clear, sizeof(clear), "%s", store_q_text(q, 0));
	store_q_done(q);
	if (rc)
		return rc;
	if (clearance_parse(clear) < document_class_rank(cls))
		return store_tx_failr(tx, SK_ERULE, field, "document.class_above_clearance",
		                      json_pack("{s:o, s:s, s:s}", "person",
		                                model_tx_name(tx, "person", person), "clearance",
		                                clear, "class", cls),
		                      "person %lld is cleared only for %s, the document is %s",
		                      (long long)person, clear, cls);
	return SK_OK;
}

static int check_persons(struct store_tx *tx, const int64_t *ids, size_t n, const char *field)
{
	for (size_t i = 0; i < n; i++) {
		int rc = doc_tx_person(tx, ids[i], field);

		if (rc)
			return rc;
		for (size_t j = 0; j < i; j++) {
			if (ids[j] == ids[i])
				return store_tx_failr(
				        tx, SK_EINVAL, field, "field.duplicate_person",
				        json_pack("{s:o}", "person",
				                  model_tx_name(tx, "person", ids[i])),
				        "person %lld is listed twice", (long long)ids[i]);
		}
	}
	return SK_OK;
}

static json_t *ids_json(const int64_t *ids, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++)
		json_array_append_new(a, json_integer(ids[i]));
	return a;
}

int document_tx_create(struct store_tx *tx, int64_t actor, const struct document_new *d,
                       int64_t *id)
{
	char desig[160], key[160], today[11];
	int64_t n = 0, rank = document_class_rank(d->cls);
	bool physical;
	json_t *data;
	int rc;

	model_today(today);
	if (!rank)
		return store_tx_failr(tx, SK_EINVAL, "class", "field.class", NULL,
		                      "class: BH, K, H or KH");
	if (!d->form || (strcmp(d->form, "physical") != 0 && strcmp(d->form, "electronic") != 0))
		return store_tx_failr(tx, SK_EINVAL, "form", "field.enum", NULL,
		                      "form: physical or electronic");
	physical = strcmp(d->form, "physical") == 0;
	if (!doc_text_ok(d->title, 500, false) || strchr(d->title, '\n'))
		return store_tx_failr(tx, SK_EINVAL, "title", "field.text_size",
		                      json_pack("{s:i, s:i}", "min", 1, "max", 500),
		                      "title: 1..500 bytes of text");
	if (d->pages < 0 || d->pages > 1000000)
		return store_tx_failr(tx, SK_EINVAL, "pages", "field.range",
		                      json_pack("{s:i, s:i}", "min", 1, "max", 1000000),
		                      "pages: 1..1000000");
	if (physical && rank >= 2 && d->pages == 0)
		return store_tx_failr(
		        tx, SK_ERULE, "pages", "document.pages_required", NULL,
		        "3 kap. 4 §: the page count of a K+ physical document is noted");
	if (d->attachments < 0 || d->attachments > 100000)
		return store_tx_failr(tx, SK_EINVAL, "attachments", "field.range",
		                      json_pack("{s:i, s:i}", "min", 0, "max", 100000),
		                      "attachments: 0..100000");
	if (d->originator && !doc_text_ok(d->originator, 200, true))
		return store_tx_failr(tx, SK_EINVAL, "originator", "field.text_size",
		                      json_pack("{s:i, s:i}", "min", 0, "max", 200),
		                      "originator: up to 200 bytes of text");
	if (d->case_number && !doc_text_ok(d->case_number, 64, true))
		return store_tx_failr(tx, SK_EINVAL, "case_number", "field.text_size",
		                      json_pack("{s:i, s:i}", "min", 0, "max", 64),
		                      "case_number: up to 64 bytes of text");
	if (d->document_date && !model_date_not_future(d->document_date, today))
		return store_tx_failr(tx, SK_EINVAL, "document_date", "field.date_not_future",
		                      json_pack("{s:s}", "today", today),
		                      "document_date: YYYY-MM-DD, not in the future (today is %s)",
		                      today);
	if (d->registered_on && !model_date_valid(d->registered_on))
		return store_tx_failr(tx, SK_EINVAL, "registered_on", "field.date", NULL,
		                      "registered_on: YYYY-MM-DD");
	if (d->registered_on && !model_date_not_future(d->registered_on, today))
		return store_tx_failr(tx, SK_EINVAL, "registered_on", "field.date_not_future",
		                      json_pack("{s:s}", "today", today),
		                      "registered_on is in the future");
	if (!physical && d->system_id <= 0)
		return store_tx_failr(tx, SK_ERULE, "system_id", "document.system_required", NULL,
		                      "3 kap. 1 §: an electronic document is held in an approved "
		                      "information system: give system_id");
	if (physical && d->system_id > 0)
		return store_tx_failr(tx, SK_EINVAL, "system_id", "document.physical_no_system",
		                      NULL, "a physical document has no system");
	if (d->system_id > 0 && (rc = doc_tx_system(tx, d->system_id, d->cls, "system_id")))
		return rc;
	if (d->n_access > 1000)
		return store_tx_failr(tx, SK_EINVAL, "person_ids", "field.range",
		                      json_pack("{s:i, s:i}", "min", 0, "max", 1000),
		                      "at most 1000 persons");
	rc = check_persons(tx, d->access, d->n_access, "person_ids");
	for (size_t i = 0; !rc && i < d->n_access; i++)
		rc = person_cleared_for(tx, d->cls, d->access[i], "person_ids");
	if (rc)
		return rc;
	key[0] = '\0';
	if (d->designation && d->designation[0]) {
		if (!doc_text_ok(d->designation, 64, false) || strchr(d->designation, '\n'))
			return store_tx_failr(tx, SK_EINVAL, "designation", "field.text_size",
			                      json_pack("{s:i, s:i}", "min", 1, "max", 64),
			                      "designation: 1..64 bytes of text");
		if (tx_designation_taken(tx, d->designation))
			return store_tx_failr(tx, SK_EEXIST, "designation",
			                      "document.designation_taken",
			                      json_pack("{s:s}", "designation", d->designation),
			                      "designation %s is taken", d->designation);
		snprintf(desig, sizeof(desig), "%s", d->designation);
	} else {
		rc = next_designation(tx, desig, sizeof(desig), key, sizeof(key), &n);
		if (rc)
			return rc;
		if (strlen(desig) > 64)
			return store_tx_failr(tx, SK_EINVAL, "designation",
			                      "document.designation_too_long", NULL,
			                      "the pattern gives a designation over 64 bytes");
	}
	rc = store_tx_int(tx, id, "SELECT coalesce(max(id), 0) + 1 FROM document", "");
	if (rc)
		return rc;
	data = doc_data(*id, d->token_id);
	if (!data)
		return SK_ENOMEM;
	json_object_update_new(
	        data, json_pack("{s:s, s:s, s:b, s:s, s:s, s:I, s:s, s:s, s:s, s:o}", "designation",
	                        desig, "title", d->title, "title_classified", d->title_classified,
	                        "class", d->cls, "form", d->form, "attachments",
	                        (json_int_t)d->attachments, "originator",
	                        d->originator ? d->originator : "", "case_number",
	                        d->case_number ? d->case_number : "", "registered_on",
	                        d->registered_on ? d->registered_on : today, "person_ids",
	                        ids_json(d->access, d->n_access)));
	doc_set_id(data, "pages", d->pages);
	doc_set_id(data, "system_id", d->system_id);
	if (d->document_date)
		json_object_set_new(data, "document_date", json_string(d->document_date));
	if (key[0])
		json_object_set_new(data, "counter",
		                    json_pack("{s:s, s:I}", "key", key, "n", (json_int_t)n));
	return model_tx_log(tx, actor, "document.created", "document", *id, data);
}

struct create_cmd {
	const struct principal *p;
	const struct document_new *d;
	int64_t id;
};

static int create_fn(struct store_tx *tx, void *arg)
{
	struct create_cmd *c = arg;

	if (document_class_rank(c->d->cls) && !document_cleared(c->p, c->d->cls))
		return store_tx_failr(tx, SK_EPERM, "class", "document.class_above_own",
		                      json_pack("{s:s}", "class", c->d->cls ? c->d->cls : ""),
		                      "you are not cleared for %s", c->d->cls ? c->d->cls : "");
	return document_tx_create(tx, c->p->id, c->d, &c->id);
}

int document_create(struct model *m, const struct principal *p, const struct document_new *d,
                    int64_t *id, struct model_err *err)
{
	struct document_new dd = *d;
	struct create_cmd c = {p, &dd, 0};
	int rc = doc_may_write(p, err);

	if (rc)
		return rc;
	dd.token_id = p->token_id;
	rc = model_submit(m, create_fn, &c, err);
	if (!rc)
		*id = c.id;
	return rc;
}

/* ---- changing a document ---- */

struct update_cmd {
	const struct principal *p;
	int64_t id;
	const struct document_patch *d;
};

static int update_fn(struct store_tx *tx, void *arg)
{
	struct update_cmd *c = arg;
	const struct document_patch *d = c->d;
	struct doc_row row;
	int64_t pages = 0;
	char today[11];
	json_t *data;
	int rc;

	model_today(today);
	if (!document_tx_visible(tx, c->p, c->id))
		return store_tx_failr(tx, SK_ENOTFOUND, "id", "document.not_found", NULL,
		                      "no document %lld", (long long)c->id);
	rc = doc_tx_row(tx, c->id, &row);
	if (rc)
		return rc;
	if (d->title && (!doc_text_ok(d->title, 500, false) || strchr(d->title, '\n')))
		return store_tx_failr(tx, SK_EINVAL, "title", "field.text_size",
		                      json_pack("{s:i, s:i}", "min", 1, "max", 500),
		                      "title: 1..500 bytes of text");
	if (d->pages == 0 || d->pages > 1000000)
		return store_tx_failr(tx, SK_EINVAL, "pages", "field.range",
		                      json_pack("{s:i, s:i}", "min", 1, "max", 1000000),
		                      "pages: 1..1000000");
	if (d->attachments < -1 || d->attachments > 100000)
		return store_tx_failr(tx, SK_EINVAL, "attachments", "field.range",
		                      json_pack("{s:i, s:i}", "min", 0, "max", 100000),
		                      "attachments: 0..100000");
	if (d->originator && !doc_text_ok(d->originator, 200, true))
		return store_tx_failr(tx, SK_EINVAL, "originator", "field.text_size",
		                      json_pack("{s:i, s:i}", "min", 0, "max", 200),
		                      "originator: up to 200 bytes");
	if (d->case_number && !doc_text_ok(d->case_number, 64, true))
		return store_tx_failr(tx, SK_EINVAL, "case_number", "field.text_size",
		                      json_pack("{s:i, s:i}", "min", 0, "max", 64),
		                      "case_number: up to 64 bytes");
	if (d->document_date && !model_date_not_future(d->document_date, today))
		return store_tx_failr(tx, SK_EINVAL, "document_date", "field.date_not_future",
		                      json_pack("{s:s}", "today", today),
		                      "document_date: YYYY-MM-DD, not in the future (today is %s)",
		                      today);
	if (d->status && strcmp(d->status, "active") != 0 && strcmp(d->status, "closed") != 0)
		return store_tx_failr(tx, SK_EINVAL, "status", "field.enum", NULL,
		                      "status: active or closed");
	if (d->system_id > 0 && strcmp(row.form, "electronic") != 0)
		return store_tx_failr(tx, SK_EINVAL, "system_id", "document.physical_no_system",
		                      NULL, "a physical document has no system");
	if (d->system_id > 0 && (rc = doc_tx_system(tx, d->system_id, row.cls, "system_id")))
		return rc;
	if (d->status && strcmp(d->status, "closed") == 0) {
		int64_t open = 0;

		rc = store_tx_int(tx, &open,
		                  "SELECT count(*) FROM copy WHERE document_id = ?1 AND state IN "
		                  "('issued', 'shipped')",
		                  "i", c->id);
		if (rc)
			return rc;
		if (open)
			return store_tx_failr(tx, SK_ERULE, "status", "document.copies_out",
			                      json_pack("{s:I}", "count", (json_int_t)open),
			                      "%lld copies are still issued or shipped",
			                      (long long)open);
	}
	if (d->pages < 0 && strcmp(row.form, "physical") == 0 && document_class_k_plus(row.cls)) {
		rc = store_tx_int(tx, &pages,
		                  "SELECT coalesce(pages, 0) FROM document WHERE id = ?1", "i",
		                  c->id);
		if (rc)
			return rc;
	}
	data = doc_data(c->id, c->p->token_id);
	if (!data)
		return SK_ENOMEM;
	if (d->title)
		json_object_set_new(data, "title", json_string(d->title));
	if (d->title_classified >= 0)
		json_object_set_new(data, "title_classified", json_boolean(d->title_classified));
	doc_set_id(data, "pages", d->pages);
	if (d->attachments >= 0)
		json_object_set_new(data, "attachments", json_integer(d->attachments));
	if (d->originator)
		json_object_set_new(data, "originator", json_string(d->originator));
	if (d->case_number)
		json_object_set_new(data, "case_number", json_string(d->case_number));
	if (d->document_date)
		json_object_set_new(data, "document_date", json_string(d->document_date));
	doc_set_id(data, "system_id", d->system_id);
	if (d->status)
		json_object_set_new(data, "status", json_string(d->status));
	if (json_object_size(data) <= 1 + (c->p->token_id != 0)) {
		json_decref(data);
		return store_tx_failr(tx, SK_EINVAL, NULL, "field.nothing_to_change", NULL,
		                      "nothing to change");
	}
	return model_tx_log(tx, c->p->id, "document.updated", "document", c->id, data);
}

int document_update(struct model *m, const struct principal *p, int64_t id,
                    const struct document_patch *d, struct model_err *err)
{
	struct update_cmd c = {p, id, d};
	int rc = doc_may_write(p, err);

	return rc ? rc : model_submit(m, update_fn, &c, err);
}

struct access_cmd {
	const struct principal *p;
	int64_t id;
	const int64_t *persons;
	size_t n;
	bool remove;
};

static int access_fn(struct store_tx *tx, void *arg)
{
	struct access_cmd *c = arg;
	char cls[8] = "";
	struct store_q *q;
	json_t *data;
	int rc;

	if (!document_tx_visible(tx, c->p, c->id))
		return store_tx_failr(tx, SK_ENOTFOUND, "id", "document.not_found", NULL,
		                      "no document %lld", (long long)c->id);
	if ((rc = store_tx_query(tx, "SELECT class FROM document WHERE id = ?1", &q)))
		return rc;
	store_q_bind_int(q, 1, c->id);
	rc = store_q_step(q);
	if (!rc)
		snprintf(cls, sizeof(cls), "%s", store_q_text(q, 0));
	store_q_done(q);
	if (rc)
		return rc;
	if (c->n == 0 || c->n > 1000)
		return store_tx_failr(tx, SK_EINVAL, "person_ids", "field.range",
		                      json_pack("{s:i, s:i}", "min", 1, "max", 1000),
		                      "person_ids: 1..1000 persons");
	for (size_t i = 0; i < c->n; i++) {
		int64_t on = 0, held = 0;

		if (!c->remove) {
			rc = check_persons(tx, c->persons, i + 1, "person_ids");
			if (!rc)
				rc = person_cleared_for(tx, cls, c->persons[i], "person_ids");
			if (rc)
				return rc;
		}
		rc = store_tx_int(tx, &on,
		                  "SELECT count(*) FROM document_access WHERE document_id = ?1 AND "
		                  "person_id = ?2",
		                  "ii", c->id, c->persons[i]);
		if (rc)
			return rc;
		if (!c->remove && on)
			return store_tx_failr(
			        tx, SK_EEXIST, "person_ids", "document.person_already_listed",
			        json_pack("{s:o}", "person",
			                  model_tx_name(tx, "person", c->persons[i])),
			        "person %lld is already on the list", (long long)c->persons[i]);
		if (c->remove && !on)
			return store_tx_failr(
			        tx, SK_ENOTFOUND, "person_ids", "document.person_not_listed",
			        json_pack("{s:o}", "person",
			                  model_tx_name(tx, "person", c->persons[i])),
			        "person %lld is not on the list", (long long)c->persons[i]);
		if (!c->remove)
			continue;
		rc = store_tx_int(tx, &held,
		                  "SELECT count(*) FROM copy WHERE document_id = ?1 AND "
		                  "holder_person_id = ?2 AND state = 'issued'",
		                  "ii", c->id, c->persons[i]);
		if (rc)
			return rc;
		if (held)
			return store_tx_failr(tx, SK_ERULE, "person_ids",
			                      "document.person_holds_copy",
			                      json_pack("{s:o}", "person",
			                                model_tx_name(tx, "person", c->persons[i])),
			                      "person %lld still holds a copy: return it first",
			                      (long long)c->persons[i]);
	}
	data = doc_data(c->id, c->p->token_id);
	if (!data)
		return SK_ENOMEM;
	json_object_set_new(data, "person_ids", ids_json(c->persons, c->n));
	return model_tx_log(tx, c->p->id,
	                    c->remove ? "document.access.removed" : "document.access.added",
	                    "document", c->id, data);
}

int document_access_change(struct model *m, const struct principal *p, int64_t id,
                           const int64_t *persons, size_t n, bool remove, struct model_err *err)
{
	struct access_cmd c = {p, id, persons, n, remove};
	int rc = doc_may_write(p, err);

	return rc ? rc : model_submit(m, access_fn, &c, err);
}

/* ---- the numbering setting ---- */

struct pattern_cmd {
	const struct principal *p;
	const char *pattern;
};

static int pattern_fn(struct store_tx *tx, void *arg)
{
	struct pattern_cmd *c = arg;
	json_t *data = json_pack("{s:s, s:s}", "key", PATTERN_KEY, "value", c->pattern);
	int rc;

	if (!data)
		return SK_ENOMEM;
	if (c->p->token_id)
		json_object_set_new(data, "token_id", json_integer(c->p->token_id));
	rc = store_tx_append(tx, c->p->id, "setting.changed", "setting/doc.pattern", data, NULL);
	json_decref(data);
	return rc;
}

int document_pattern_set(struct model *m, const struct principal *p, const char *pattern,
                         struct model_err *err)
{
	struct pattern_cmd c = {p, pattern};

	if (!(p->roles & ROLE_BIT(ROLE_SSC)))
		return model_fail(err, SK_EPERM, NULL, "document.numbering_by_ssc", NULL,
		                  "the numbering is set by the ssc");
	if (!document_pattern_valid(pattern))
		return model_fail(
		        err, SK_EINVAL, "pattern", "document.pattern", NULL,
		        "pattern: text with one {N} or {N:1..9} and optional {YYYY}/{YY}, "
		        "at most 64 bytes");
	return model_submit(m, pattern_fn, &c, err);
}

json_t *document_pattern_get(struct model *m)
{
	struct store_reader *r = model_reader(m);
	struct store_q *q;
	json_t *o;

	if (!r || store_reader_query(r,
	                             "SELECT value, changed_at, changed_by FROM register_setting "
	                             "WHERE key = '" PATTERN_KEY "'",
	                             &q))
		return NULL;
	if (store_q_step(q) == SK_OK)
		o = json_pack("{s:s, s:s, s:I}", "pattern", store_q_text(q, 0), "changed_at",
		              store_q_text(q, 1), "changed_by", (json_int_t)store_q_int(q, 2));
	else
		o = json_pack("{s:s, s:n, s:n}", "pattern", PATTERN_DEFAULT, "changed_at",
		              "changed_by");
	store_q_done(q);
	if (o) {
		char year[11], ex[160];
		struct buf d, k;

		model_today(year);
		buf_init(&d, 256);
		buf_init(&k, 256);
		render(json_string_value(json_object_get(o, "pattern")), year, 1, &d, &k);
		snprintf(ex, sizeof(ex), "%s", d.ptr ? d.ptr : "");
		json_object_set_new(o, "example", json_string(ex));
		buf_release(&d);
		buf_release(&k);
	}
	return o;
}

/* ---- projections ---- */

static int64_t jnum_or(const json_t *data, const char *key, int64_t def)
{
	const json_t *v = json_object_get(data, key);

	return json_is_integer(v) ? json_integer_value(v) : def;
}

/* Sets a column to an optional id of the entry: the value, or NULL. */
static int bind_opt_int(struct store_tx *tx, const char *sql, int64_t id, const json_t *v)
{
	if (json_is_integer(v))
		return store_tx_run(tx, sql, "ii", id, (int64_t)json_integer_value(v));
	return store_tx_run(tx, sql, "it", id, (const char *)NULL);
}

static int apply_access(struct store_tx *tx, const struct ledger_entry *e, bool remove,
                        const char *t)
{
	json_t *ids = json_object_get(e->data, "person_ids"), *v;
	int64_t doc = model_json_int(e->data, "document_id");
	size_t i;
	int rc = SK_OK;

	json_array_foreach(ids, i, v)
	{
		if (remove)
			rc = store_tx_run(tx,
			                  "DELETE FROM document_access WHERE document_id = ?1 AND "
			                  "person_id = ?2",
			                  "ii", doc, (int64_t)json_integer_value(v));
		else
			rc = store_tx_run(tx,
			                  "INSERT INTO document_access (document_id, person_id, "
			                  "added_at, added_by) VALUES (?1, ?2, ?3, ?4)",
			                  "iiti", doc, (int64_t)json_integer_value(v), t, e->actor);
		if (rc)
			return rc;
	}
	return rc;
}

static int apply_document(struct store_tx *tx, const struct ledger_entry *e)
{
	char t[SK_TIME_LEN + 1];
	const json_t *d = e->data, *ctr;
	int64_t id = model_json_int(d, "document_id");
	int rc;

	model_time(e->time_us, t);
	if (strcmp(e->kind, "document.created") == 0) {
		rc = store_tx_run(
		        tx,
		        "INSERT INTO document (id, designation, title, title_classified, class, "
		        "form, attachments, originator, case_number, document_date, "
		        "registered_on, status, created_at, created_by, updated_at) VALUES (?1, "
		        "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'active', ?12, ?13, ?12)",
		        "ittittittttti", id, model_json_str0(d, "designation"),
		        model_json_str0(d, "title"),
		        (int64_t)json_is_true(json_object_get(d, "title_classified")),
		        model_json_str0(d, "class"), model_json_str0(d, "form"),
		        model_json_int(d, "attachments"), model_json_str0(d, "originator"),
		        model_json_str0(d, "case_number"), model_json_str(d, "document_date"),
		        model_json_str0(d, "registered_on"), t, e->actor);
		if (!rc)
			rc = bind_opt_int(tx, "UPDATE document SET pages = ?2 WHERE id = ?1", id,
			                  json_object_get(d, "pages"));
		if (!rc)
			rc = bind_opt_int(tx, "UPDATE document SET system_id = ?2 WHERE id = ?1",
			                  id, json_object_get(d, "system_id"));
		if (!rc)
			rc = apply_access(tx, e, false, t);
		ctr = json_object_get(d, "counter");
		if (!rc && ctr) {
			char n[24];

			snprintf(n, sizeof(n), "%lld", (long long)model_json_int(ctr, "n"));
			rc = store_tx_run(
			        tx,
			        "INSERT INTO register_setting (key, value, changed_at, "
			        "changed_by) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (key) DO "
			        "UPDATE SET value = excluded.value, changed_at = "
			        "excluded.changed_at, changed_by = excluded.changed_by",
			        "ttti", model_json_str0(ctr, "key"), n, t, e->actor);
		}
		return rc;
	}
	if (strcmp(e->kind, "document.updated") == 0) {
		const json_t *tc = json_object_get(d, "title_classified");

		/* -1 keeps a number as it is */
		return store_tx_run(
		        tx,
		        "UPDATE document SET title = coalesce(?2, title), title_classified = "
		        "CASE WHEN ?3 < 0 THEN title_classified ELSE ?3 END, pages = CASE WHEN "
		        "?4 < 0 THEN pages ELSE ?4 END, attachments = CASE WHEN ?5 < 0 THEN "
		        "attachments ELSE ?5 END, originator = coalesce(?6, originator), "
		        "case_number = coalesce(?7, case_number), document_date = coalesce(?8, "
		        "document_date), system_id = CASE WHEN ?9 < 0 THEN system_id ELSE ?9 END, "
		        "status = coalesce(?10, status), updated_at = ?11 WHERE id = ?1",
		        "itiiitttitt", id, model_json_str(d, "title"),
		        (int64_t)(tc ? json_is_true(tc) : -1), jnum_or(d, "pages", -1),
		        jnum_or(d, "attachments", -1), model_json_str(d, "originator"),
		        model_json_str(d, "case_number"), model_json_str(d, "document_date"),
		        jnum_or(d, "system_id", -1), model_json_str(d, "status"), t);
	}
	if (strcmp(e->kind, "document.access.added") == 0)
		return apply_access(tx, e, false, t);
	if (strcmp(e->kind, "document.access.removed") == 0)
		return apply_access(tx, e, true, t);
	return SK_OK; /* document.access.denied and others change no table */
}

static int apply_setting(struct store_tx *tx, const struct ledger_entry *e)
{
	char t[SK_TIME_LEN + 1];

	model_time(e->time_us, t);
	if (strcmp(e->kind, "setting.changed") != 0)
		return SK_OK;
	return store_tx_run(tx,
	                    "INSERT INTO register_setting (key, value, changed_at, changed_by) "
	                    "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (key) DO UPDATE SET value = "
	                    "excluded.value, changed_at = excluded.changed_at, changed_by = "
	                    "excluded.changed_by",
	                    "ttti", model_json_str0(e->data, "key"),
	                    model_json_str0(e->data, "value"), t, e->actor);
}

static const char *const doc_tables[] = {"document", "document_access",  "copy",        "receipt",
                                         "shipment", "register_setting", "destruction", NULL};
static const char *const no_tables[] = {NULL};
/* What entries change beyond their projection's own tables (the engine re-runs the rules reading
 * them). */
static const char *const doc_touches[] = {"reclassification", "decision", "kh_recipient",
                                          "disclosure", NULL};
static const char *const copy_touches[] = {"copy",        "receipt",  "shipment",
                                           "destruction", "decision", NULL};
static const char *const receipt_touches[] = {"receipt", "copy", NULL};
static const char *const shipment_touches[] = {"shipment", "copy", NULL};
static const char *const setting_touches[] = {"register_setting", NULL};

static const struct store_projection proj_document = {
        .name = "documents",
        .kind_prefix = "document.",
        .tables = doc_tables,
        .touches = doc_touches,
        .apply = apply_document,
};
static const struct store_projection proj_copy = {
        .name = "copies",
        .kind_prefix = "copy.",
        .tables = no_tables,
        .touches = copy_touches,
        .apply = doc_apply_copy,
};
static const struct store_projection proj_receipt = {
        .name = "receipts",
        .kind_prefix = "receipt.",
        .tables = no_tables,
        .touches = receipt_touches,
        .apply = doc_apply_receipt,
};
static const struct store_projection proj_shipment = {
        .name = "shipments",
        .kind_prefix = "shipment.",
        .tables = no_tables,
        .touches = shipment_touches,
        .apply = doc_apply_shipment,
};
static const struct store_projection proj_setting = {
        .name = "register settings",
        .kind_prefix = "setting.",
        .tables = no_tables,
        .touches = setting_touches,
        .apply = apply_setting,
};

void model_register_documents(void)
{
	store_register_projection(&proj_document);
	store_register_projection(&proj_copy);
	store_register_projection(&proj_receipt);
	store_register_projection(&proj_shipment);
	store_register_projection(&proj_setting);
}
