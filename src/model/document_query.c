/*
 * Reading the register of classified documents: lists with filters and
 * keyset paging, one document with its copies, receipts, shipments and
 * need-to-know list, its history, copies, receipts and destruction records.
 * Every query applies the visibility rule of document.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/document_int.h"
#include "model/reg_int.h"

#define DOC_COLS                                                                                   \
	"d.id, d.designation, d.title, d.title_classified, d.class, d.form, d.pages, "             \
	"d.attachments, d.originator, d.case_number, d.system_id, d.document_date, "               \
	"d.registered_on, d.status, d.created_at, d.created_by, d.updated_at, d.declassified_on"
#define DOC_NCOLS 18

/* Copies that are held, so inventoried (3 kap. 21 §); and when each is due. */
#define HELD_STATES "('in_register', 'issued', 'returned', 'archived')"
#define INVENTORIED "coalesce(c.last_inventoried_on, substr(c.created_at, 1, 10))"

/* Today a year ago (Feb 29 becomes Feb 28), for "not inventoried in 12 months". */
static void year_ago(char out[11])
{
	char today[11];
	int y;

	model_today(today);
	y = (today[0] - '0') * 1000 + (today[1] - '0') * 100 + (today[2] - '0') * 10 +
	    (today[3] - '0') - 1;
	y = y < 0 ? 0 : y % 10000;
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	memcpy(out + 4, today + 4, 7);
	if (strcmp(out + 4, "-02-29") == 0)
		out[9] = '8';
}

/* The time RECEIPT_PENDING days ago (RFC 3339), for "receipt pending over 14 days". */
static void days_ago(int days, char out[SK_TIME_LEN + 1])
{
	model_time(sk_now_us() - (int64_t)days * 86400 * 1000000, out);
}

static const char *title_for(const struct principal *p, const char *cls, bool classified,
                             const char *title)
{
	return classified && !document_cleared(p, cls) ? DOCUMENT_TITLE_REDACTED : title;
}

/* A document row of DOC_COLS at column 0. */
static json_t *doc_json(struct store_q *q, const struct principal *p)
{
	bool tc = store_q_int(q, 3) != 0;
	json_t *o = json_pack(
	        "{s:I, s:s, s:s, s:b, s:s, s:s, s:o, s:I, s:s, s:s, s:o, s:o, s:s, "
	        "s:s, s:s, s:I, s:s}",
	        "id", (json_int_t)store_q_int(q, 0), "designation", store_q_text(q, 1), "title",
	        title_for(p, store_q_text(q, 4), tc, store_q_text(q, 2)), "title_classified", tc,
	        "class", store_q_text(q, 4), "form", store_q_text(q, 5), "pages",
	        model_q_json_int(q, 6), "attachments", (json_int_t)store_q_int(q, 7), "originator",
	        store_q_text(q, 8), "case_number", store_q_text(q, 9), "system_id",
	        model_q_json_int(q, 10), "document_date", model_q_json_text(q, 11), "registered_on",
	        store_q_text(q, 12), "status", store_q_text(q, 13), "created_at",
	        store_q_text(q, 14), "created_by", (json_int_t)store_q_int(q, 15), "updated_at",
	        store_q_text(q, 16));
	if (o)
		json_object_set_new(o, "declassified_on", model_q_json_text(q, 17));
	return o;
}

/* Escapes % _ and \ for LIKE ... ESCAPE '\'. */
static void like_pattern(struct buf *b, const char *s)
{
	buf_putc(b, '%');
	for (; *s; s++) {
		if (*s == '%' || *s == '_' || *s == '\\')
			buf_putc(b, '\\');
		buf_putc(b, *s);
	}
	buf_putc(b, '%');
}

/*
 * Static statements only (the connection caches statements by their text's
 * address): absent filters are NULL or 0 parameters. The base scans
 * documents in id order and stops after a page, fast while matches are
 * common; a selective filter instead drives the query from its index
 * through "d.id IN (…)" (chosen by list_driver below).
 */
#define LIST_SQL(driver)                                                                           \
	"SELECT " DOC_COLS ", (SELECT count(*) FROM copy c WHERE c.document_id = d.id) FROM "      \
	"document d WHERE d.id > ?1 " driver                                                       \
	" AND " DOCUMENT_VISIBLE_SQL("d") " AND (?9 = 1 OR "                                       \
	                                  "d.declassified_on IS NULL) AND (?2 IS NULL OR d.class " \
	                                  "= ?2) AND (?3 IS NULL OR EXISTS "                       \
	                                  "(SELECT 1 FROM copy c WHERE c.document_id = d.id AND "  \
	                                  "c.state = ?3)) AND (?4 = 0 OR "                         \
	                                  "EXISTS (SELECT 1 FROM copy c WHERE c.document_id = "    \
	                                  "d.id AND c.holder_person_id = ?4)) "                    \
	                                  "AND (?5 IS NULL OR EXISTS (SELECT 1 FROM copy c WHERE " \
	                                  "c.document_id = d.id AND "                              \
	                                  "c.state IN " HELD_STATES " AND " INVENTORIED            \
	                                  " < ?5) OR EXISTS (SELECT 1 FROM copy c "                \
	                                  "JOIN receipt rc ON rc.copy_id = c.id WHERE "            \
	                                  "c.document_id = d.id AND rc.state = "                   \
	                                  "'pending' AND rc.issued_at < ?6)) AND (?7 IS NULL OR "  \
	                                  "d.designation LIKE ?7 ESCAPE '\\' "                     \
	                                  "OR d.case_number LIKE ?7 ESCAPE '\\' OR "               \
	                                  "((d.title_classified = 0 OR (CASE d.class "             \
	                                  "WHEN 'BH' THEN 1 WHEN 'K' THEN 2 WHEN 'H' THEN 3 ELSE " \
	                                  "4 END) <= ?90) AND d.title LIKE "                       \
	                                  "?7 ESCAPE '\\')) ORDER BY d.id LIMIT ?8"

enum list_driver { DRIVE_SCAN, DRIVE_ACCESS, DRIVE_HOLDER, DRIVE_STATE, DRIVE_OVERDUE };

static const char *const list_sql[] = {
        [DRIVE_SCAN] = LIST_SQL(""),
        /* a caller who sees only the documents on whose list they are */
        [DRIVE_ACCESS] = LIST_SQL("AND d.id IN (SELECT va2.document_id FROM document_access "
                                  "va2 WHERE va2.person_id = ?93)"),
        [DRIVE_HOLDER] = LIST_SQL("AND d.id IN (SELECT c2.document_id FROM copy c2 WHERE "
                                  "c2.holder_person_id = ?4)"),
        [DRIVE_STATE] = LIST_SQL("AND d.id IN (SELECT c2.document_id FROM copy c2 WHERE "
                                 "c2.state = ?3)"),
        [DRIVE_OVERDUE] = LIST_SQL(
                "AND d.id IN (SELECT c2.document_id FROM copy c2 WHERE c2.state IN " HELD_STATES
                " AND coalesce(c2.last_inventoried_on, substr(c2.created_at, 1, 10)) < ?5 UNION "
                "SELECT c3.document_id FROM receipt r3 JOIN copy c3 ON c3.id = r3.copy_id WHERE "
                "r3.state = 'pending' AND r3.issued_at < ?6)"),
};

/* Few enough matches (through an index) to drive the query from them? */
#define SELECTIVE 2000

static bool selective(struct store_reader *r, const char *sql, const char *t1, const char *t2)
{
	struct store_q *q;
	bool yes = false;

	if (store_reader_query(r, sql, &q))
		return false;
	store_q_bind_text(q, 1, t1);
	if (t2)
		store_q_bind_text(q, 2, t2);
	if (store_q_step(q) == SK_OK)
		yes = store_q_int(q, 0) < SELECTIVE;
	store_q_done(q);
	return yes;
}

static const char probe_state[] =
        "SELECT count(*) FROM (SELECT 1 FROM copy WHERE state = ?1 LIMIT 2000)";
static const char probe_overdue[] =
        "SELECT (SELECT count(*) FROM (SELECT 1 FROM copy c WHERE c.state IN " HELD_STATES
        " AND " INVENTORIED " < ?1 LIMIT 2000)) + (SELECT count(*) FROM (SELECT 1 FROM receipt "
        "WHERE state = 'pending' AND issued_at < ?2 LIMIT 2000))";

static enum list_driver list_driver(struct store_reader *r, const struct principal *p,
                                    const struct document_filter *f, const char *ago,
                                    const char *pend)
{
	if (!document_sees_all(p))
		return DRIVE_ACCESS;
	if (f->holder)
		return DRIVE_HOLDER;
	if (f->state && selective(r, probe_state, f->state, NULL))
		return DRIVE_STATE;
	if (f->overdue && selective(r, probe_overdue, ago, pend))
		return DRIVE_OVERDUE;
	return DRIVE_SCAN;
}

json_t *document_list(struct model *m, const struct principal *p, const struct document_filter *f)
{
	struct store_reader *r = model_reader(m);
	char ago[11], pend[SK_TIME_LEN + 1];
	struct buf like;
	struct store_q *q = NULL;
	json_t *arr = json_array(), *out = NULL;
	unsigned limit = f->limit ? f->limit : 50, n = 0;
	int64_t last = 0;
	int rc;

	buf_init(&like, 1024);
	year_ago(ago);
	days_ago(14, pend);
	if (f->q && f->q[0])
		like_pattern(&like, f->q);
	if (!r || !arr || like.err ||
	    store_reader_query(r, list_sql[list_driver(r, p, f, ago, pend)], &q))
		goto out;
	store_q_bind_int(q, 93, document_person_of(r, p->id));
	store_q_bind_int(q, 1, f->after);
	document_visible_bind(q, p);
	store_q_bind_int(q, 9, f->declassified ? 1 : 0);
	if (f->cls)
		store_q_bind_text(q, 2, f->cls);
	else
		store_q_bind_null(q, 2);
	if (f->state)
		store_q_bind_text(q, 3, f->state);
	else
		store_q_bind_null(q, 3);
	store_q_bind_int(q, 4, f->holder);
	if (f->overdue) {
		store_q_bind_text(q, 5, ago);
		store_q_bind_text(q, 6, pend);
	} else {
		store_q_bind_null(q, 5);
		store_q_bind_null(q, 6);
	}
	if (f->q && f->q[0])
		store_q_bind_text(q, 7, like.ptr);
	else
		store_q_bind_null(q, 7);
	store_q_bind_int(q, 8, limit);
	while ((rc = store_q_step(q)) == SK_OK) {
		json_t *o = doc_json(q, p);

		if (!o)
			break;
		json_object_set_new(o, "copies", json_integer(store_q_int(q, DOC_NCOLS)));
		last = store_q_int(q, 0);
		json_array_append_new(arr, o);
		n++;
	}
	store_q_done(q);
	if (rc != SK_ENOTFOUND)
		goto out;
	out = json_pack("{s:O, s:o}", "documents", arr, "next",
	                n == limit ? json_integer(last) : json_null());
out:
	json_decref(arr);
	buf_release(&like);
	return out;
}

/* ---- one document ---- */

#define COPY_COLS                                                                                  \
	"c.id, c.document_id, c.number, c.state, c.holder_person_id, hp.name, c.space_id, "        \
	"sp.name, c.decision_id, c.last_inventoried_on, c.created_at, c.updated_at, " INVENTORIED  \
	" < ?20 AND c.state IN " HELD_STATES
#define COPY_FROM                                                                                  \
	" FROM copy c LEFT JOIN person hp ON hp.id = c.holder_person_id LEFT JOIN space sp ON "    \
	"sp.id = c.space_id"

static json_t *copy_json(struct store_q *q)
{
	return json_pack("{s:I, s:I, s:I, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:s, s:s, s:b}", "id",
	                 (json_int_t)store_q_int(q, 0), "document_id",
	                 (json_int_t)store_q_int(q, 1), "number", (json_int_t)store_q_int(q, 2),
	                 "state", store_q_text(q, 3), "holder_id", model_q_json_int(q, 4),
	                 "holder_name", model_q_json_text(q, 5), "space_id", model_q_json_int(q, 6),
	                 "space_name", model_q_json_text(q, 7), "decision_id",
	                 model_q_json_int(q, 8), "last_inventoried_on", model_q_json_text(q, 9),
	                 "created_at", store_q_text(q, 10), "updated_at", store_q_text(q, 11),
	                 "inventory_overdue", store_q_int(q, 12) != 0);
}

json_t *doc_copies_json(struct store_reader *r, int64_t doc)
{
	json_t *arr = json_array();
	struct store_q *q;
	char ago[11];

	year_ago(ago);
	if (!arr || store_reader_query(r,
	                               "SELECT " COPY_COLS COPY_FROM
	                               " WHERE c.document_id = ?1 ORDER BY c.number",
	                               &q)) {
		json_decref(arr);
		return NULL;
	}
	store_q_bind_int(q, 1, doc);
	store_q_bind_text(q, 20, ago);
	while (store_q_step(q) == SK_OK)
		json_array_append_new(arr, copy_json(q));
	store_q_done(q);
	return arr;
}

#define RECEIPT_COLS                                                                               \
	"r.id, r.copy_id, c.number, c.document_id, d.designation, d.title, d.title_classified, "   \
	"r.person_id, pe.name, r.class, r.state, r.issued_at, r.issued_by, r.signed_at, "          \
	"r.signed_by, r.paper_ref, r.returned_at, r.returned_note, r.keep_until"
#define RECEIPT_FROM                                                                               \
	" FROM receipt r JOIN copy c ON c.id = r.copy_id JOIN document d ON d.id = c.document_id " \
	"JOIN person pe ON pe.id = r.person_id"

/* Receipts WHERE cond (?1 = its argument) and optionally in state ?2. */
#define RECEIPTS_SQL(cond)                                                                         \
	"SELECT " RECEIPT_COLS RECEIPT_FROM " WHERE (" cond ") AND (?2 IS NULL OR r.state = ?2) "  \
	"ORDER BY r.id"

static const char receipts_of_document[] = RECEIPTS_SQL("c.document_id = ?1");
static const char receipts_of_person[] = RECEIPTS_SQL("r.person_id = ?1 AND ?1 > 0");
static const char receipts_visible[] =
        RECEIPTS_SQL("(r.person_id = ?1 AND ?1 > 0) OR " DOCUMENT_VISIBLE_SQL("d"));
static const char receipt_one[] = RECEIPTS_SQL("r.id = ?1");
static const char receipt_one_visible[] = RECEIPTS_SQL("r.id = ?1 AND " DOCUMENT_VISIBLE_SQL("d"));

static json_t *receipt_json(struct store_q *q, const struct principal *p)
{
	const char *cls = store_q_text(q, 9);
	char sv[300], en[300];

	snprintf(sv, sizeof(sv),
	         "Du kvitterar en handling som är säkerhetsskyddsklassificerad: %s (%s). Den ska "
	         "hanteras enligt reglerna för klassen (3 kap. 2 § PMFS 2022:1).",
	         doc_class_sv(cls), cls);
	snprintf(en, sizeof(en),
	         "You are signing for a document with the security classification %s (%s). "
	         "Handle it by the rules for its class (3 kap. 2 § PMFS 2022:1).",
	         doc_class_en(cls), cls);
	return json_pack(
	        "{s:I, s:I, s:I, s:I, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:I, s:o, s:o, "
	        "s:o, s:o, s:o, s:s, s:{s:s, s:s}}",
	        "id", (json_int_t)store_q_int(q, 0), "copy_id", (json_int_t)store_q_int(q, 1),
	        "copy_number", (json_int_t)store_q_int(q, 2), "document_id",
	        (json_int_t)store_q_int(q, 3), "designation", store_q_text(q, 4), "title",
	        title_for(p, cls, store_q_int(q, 6) != 0, store_q_text(q, 5)), "person_id",
	        (json_int_t)store_q_int(q, 7), "person_name", store_q_text(q, 8), "class", cls,
	        "state", store_q_text(q, 10), "issued_at", store_q_text(q, 11), "issued_by",
	        (json_int_t)store_q_int(q, 12), "signed_at", model_q_json_text(q, 13), "signed_by",
	        model_q_json_int(q, 14), "paper_ref", model_q_json_text(q, 15), "returned_at",
	        model_q_json_text(q, 16), "returned_note", model_q_json_text(q, 17), "keep_until",
	        store_q_text(q, 18), "notice", "sv", sv, "en", en);
}

json_t *doc_receipts_json(struct store_reader *r, const struct principal *p, const char *sql,
                          int64_t arg, const char *state)
{
	json_t *arr = json_array();
	struct store_q *q;

	if (!arr || store_reader_query(r, sql, &q)) {
		json_decref(arr);
		return NULL;
	}
	store_q_bind_int(q, 1, arg);
	if (state)
		store_q_bind_text(q, 2, state);
	else
		store_q_bind_null(q, 2);
	document_visible_bind(q, p);
	while (store_q_step(q) == SK_OK)
		json_array_append_new(arr, receipt_json(q, p));
	store_q_done(q);
	return arr;
}

json_t *doc_shipments_json(struct store_reader *r, int64_t doc)
{
	json_t *arr = json_array();
	struct store_q *q;

	if (!arr || store_reader_query(r,
	                               "SELECT s.id, s.copy_id, c.number, s.distributor_id, "
	                               "di.name, s.recipient, s.sent_on, s.sent_by, "
	                               "s.delivered_on, s.delivery_ref FROM shipment s JOIN copy "
	                               "c ON c.id = s.copy_id JOIN distributor di ON di.id = "
	                               "s.distributor_id WHERE c.document_id = ?1 ORDER BY s.id",
	                               &q)) {
		json_decref(arr);
		return NULL;
	}
	store_q_bind_int(q, 1, doc);
	while (store_q_step(q) == SK_OK)
		json_array_append_new(
		        arr,
		        json_pack("{s:I, s:I, s:I, s:I, s:s, s:s, s:s, s:I, s:o, s:o}", "id",
		                  (json_int_t)store_q_int(q, 0), "copy_id",
		                  (json_int_t)store_q_int(q, 1), "copy_number",
		                  (json_int_t)store_q_int(q, 2), "distributor_id",
		                  (json_int_t)store_q_int(q, 3), "distributor_name",
		                  store_q_text(q, 4), "recipient", store_q_text(q, 5), "sent_on",
		                  store_q_text(q, 6), "sent_by", (json_int_t)store_q_int(q, 7),
		                  "delivered_on", model_q_json_text(q, 8), "delivery_ref",
		                  model_q_json_text(q, 9)));
	store_q_done(q);
	return arr;
}

#define DESTRUCTION_COLS                                                                           \
	"x.id, x.copy_id, c.number, c.document_id, x.method, x.destroyed_on, x.performer_id, "     \
	"pp.name, x.witness_id, wp.name, x.recorded_at, x.recorded_by"
#define DESTRUCTION_FROM                                                                           \
	" FROM destruction x JOIN copy c ON c.id = x.copy_id JOIN person pp ON pp.id = "           \
	"x.performer_id LEFT JOIN person wp ON wp.id = x.witness_id"

static json_t *destruction_json(struct store_q *q)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:s, s:s, s:I, s:s, s:o, s:o, s:s, s:I}", "id",
	                 (json_int_t)store_q_int(q, 0), "copy_id", (json_int_t)store_q_int(q, 1),
	                 "copy_number", (json_int_t)store_q_int(q, 2), "document_id",
	                 (json_int_t)store_q_int(q, 3), "method", store_q_text(q, 4),
	                 "destroyed_on", store_q_text(q, 5), "performer_id",
	                 (json_int_t)store_q_int(q, 6), "performer_name", store_q_text(q, 7),
	                 "witness_id", model_q_json_int(q, 8), "witness_name",
	                 model_q_json_text(q, 9), "recorded_at", store_q_text(q, 10), "recorded_by",
	                 (json_int_t)store_q_int(q, 11));
}

json_t *doc_destructions_json(struct store_reader *r, int64_t doc)
{
	json_t *arr = json_array();
	struct store_q *q;

	if (!arr || store_reader_query(r,
	                               "SELECT " DESTRUCTION_COLS DESTRUCTION_FROM
	                               " WHERE c.document_id = ?1 ORDER BY x.id",
	                               &q)) {
		json_decref(arr);
		return NULL;
	}
	store_q_bind_int(q, 1, doc);
	while (store_q_step(q) == SK_OK)
		json_array_append_new(arr, destruction_json(q));
	store_q_done(q);
	return arr;
}

static json_t *access_json(struct store_reader *r, int64_t doc)
{
	json_t *arr = json_array();
	struct store_q *q;

	if (!arr || store_reader_query(r,
	                               "SELECT a.person_id, p.name, a.added_at, a.added_by FROM "
	                               "document_access a JOIN person p ON p.id = a.person_id "
	                               "WHERE a.document_id = ?1 ORDER BY a.person_id",
	                               &q)) {
		json_decref(arr);
		return NULL;
	}
	store_q_bind_int(q, 1, doc);
	while (store_q_step(q) == SK_OK)
		json_array_append_new(arr,
		                      json_pack("{s:I, s:s, s:s, s:I}", "person_id",
		                                (json_int_t)store_q_int(q, 0), "name",
		                                store_q_text(q, 1), "added_at", store_q_text(q, 2),
		                                "added_by", (json_int_t)store_q_int(q, 3)));
	store_q_done(q);
	return arr;
}

json_t *document_get(struct model *m, const struct principal *p, int64_t id)
{
	struct store_reader *r = model_reader(m);
	struct store_q *q;
	json_t *o = NULL, *parts[5];

	if (!r || store_reader_begin(r))
		return NULL;
	if (store_reader_query(r,
	                       "SELECT " DOC_COLS
	                       " FROM document d WHERE d.id = ?1 AND " DOCUMENT_VISIBLE_SQL("d"),
	                       &q))
		goto out;
	store_q_bind_int(q, 1, id);
	document_visible_bind(q, p);
	if (store_q_step(q) == SK_OK)
		o = doc_json(q, p);
	store_q_done(q);
	if (!o)
		goto out;
	parts[0] = doc_copies_json(r, id);
	parts[1] = doc_receipts_json(r, p, receipts_of_document, id, NULL);
	parts[2] = doc_shipments_json(r, id);
	parts[3] = doc_destructions_json(r, id);
	parts[4] = access_json(r, id);
	json_object_set_new(o, "copies", parts[0] ? parts[0] : json_array());
	json_object_set_new(o, "receipts", parts[1] ? parts[1] : json_array());
	json_object_set_new(o, "shipments", parts[2] ? parts[2] : json_array());
	json_object_set_new(o, "destructions", parts[3] ? parts[3] : json_array());
	json_object_set_new(o, "access", parts[4] ? parts[4] : json_array());
out:
	store_reader_end(r);
	return o;
}

struct history {
	struct store_reader *r;
	const struct principal *p;
	json_t *arr;
};

static int add_entry(void *ctx, const struct store_entry_row *row)
{
	struct history *h = ctx;
	json_t *e = json_loadb(row->bytes, row->len, 0, NULL);

	if (!e)
		return SK_ECORRUPT;
	document_redact_entry(h->r, h->p, e);
	return json_array_append_new(h->arr, e) ? SK_ENOMEM : SK_OK;
}

json_t *document_history(struct model *m, const struct principal *p, int64_t id)
{
	struct store_reader *r = model_reader(m);
	struct store_log_filter f = {.actor = -1, .limit = 10000};
	struct history h = {r, p, json_array()};
	char object[48];
	int rc;

	snprintf(object, sizeof(object), "document/%lld", (long long)id);
	f.object = object;
	if (!r || !h.arr) {
		json_decref(h.arr);
		return NULL;
	}
	rc = store_reader_log(r, &f, add_entry, &h);
	if (rc) {
		json_decref(h.arr);
		return NULL;
	}
	return json_pack("{s:o}", "entries", h.arr);
}

/* ---- copies, receipts, destructions ---- */

int64_t document_person_of(struct store_reader *r, int64_t identity_id)
{
	struct store_q *q;
	int64_t id = 0;

	if (!r || store_reader_query(r, "SELECT id FROM person WHERE identity_id = ?1", &q))
		return 0;
	store_q_bind_int(q, 1, identity_id);
	if (store_q_step(q) == SK_OK)
		id = store_q_int(q, 0);
	store_q_done(q);
	return id;
}

#define COPIES_SQL(from, who, extra)                                                               \
	"SELECT " COPY_COLS                                                                        \
	", d.designation, d.title, d.title_classified, d.class FROM copy c " from                  \
	" LEFT JOIN person hp ON hp.id = c.holder_person_id LEFT JOIN space sp ON sp.id = "        \
	"c.space_id JOIN document d ON d.id = c.document_id WHERE c.id > ?1 AND " who " AND (?4 "  \
	"IS NULL OR c.state = ?4) AND (?6 = 0 OR c.document_id = ?6) " extra                       \
	" ORDER BY c.id LIMIT ?5"
#define WHO_VISIBLE DOCUMENT_VISIBLE_SQL("d")
#define WHO_MINE    "c.holder_person_id = ?3 AND ?3 > 0"
#define OVERDUE     "AND c.state IN " HELD_STATES " AND " INVENTORIED " < ?20"

/*
 * Static statements (cached by address). The holder's own copies come
 * through copy_by_holder; "not inventoried in 12 months" through the partial
 * index copy_inventory_due when few match (a probe counts up to SELECTIVE),
 * else in id order, stopping after a page.
 */
static const char copies_sql[] = COPIES_SQL("", WHO_VISIBLE, "");
static const char copies_mine_sql[] = COPIES_SQL("", WHO_MINE, "");
static const char copies_overdue_sql[] = COPIES_SQL("NOT INDEXED", WHO_VISIBLE, OVERDUE);
static const char copies_overdue_few_sql[] =
        COPIES_SQL("INDEXED BY copy_inventory_due", WHO_VISIBLE, OVERDUE);
static const char copies_mine_overdue_sql[] = COPIES_SQL("", WHO_MINE, OVERDUE);
static const char probe_copies_overdue[] =
        "SELECT count(*) FROM (SELECT 1 FROM copy c WHERE c.state IN " HELD_STATES
        " AND " INVENTORIED " < ?1 LIMIT 2000)";

json_t *copy_list(struct model *m, const struct principal *p, const struct copy_filter *f)
{
	struct store_reader *r = model_reader(m);
	unsigned limit = f->limit ? f->limit : 50, n = 0;
	json_t *arr = json_array(), *out = NULL;
	struct store_q *q = NULL;
	const char *sql = copies_sql;
	char ago[11];
	int64_t last = 0, me;
	int rc;

	year_ago(ago);
	me = document_person_of(r, p->id);
	if (f->mine)
		sql = f->overdue ? copies_mine_overdue_sql : copies_mine_sql;
	else if (f->overdue)
		sql = r && selective(r, probe_copies_overdue, ago, NULL) ? copies_overdue_few_sql
		                                                         : copies_overdue_sql;
	if (!r || !arr || store_reader_query(r, sql, &q))
		goto out;
	store_q_bind_int(q, 1, f->after);
	store_q_bind_int(q, 3, me);
	document_visible_bind(q, p);
	if (f->state)
		store_q_bind_text(q, 4, f->state);
	else
		store_q_bind_null(q, 4);
	store_q_bind_int(q, 6, f->document_id);
	store_q_bind_int(q, 5, limit);
	store_q_bind_text(q, 20, ago);
	while ((rc = store_q_step(q)) == SK_OK) {
		json_t *o = copy_json(q);

		if (!o)
			break;
		json_object_set_new(o, "designation", json_string(store_q_text(q, 13)));
		json_object_set_new(
		        o, "title",
		        json_string(title_for(p, store_q_text(q, 16), store_q_int(q, 15) != 0,
		                              store_q_text(q, 14))));
		json_object_set_new(o, "class", json_string(store_q_text(q, 16)));
		last = store_q_int(q, 0);
		json_array_append_new(arr, o);
		n++;
	}
	store_q_done(q);
	if (rc != SK_ENOTFOUND)
		goto out;
	out = json_pack("{s:O, s:o}", "copies", arr, "next",
	                n == limit ? json_integer(last) : json_null());
out:
	json_decref(arr);
	return out;
}

static int64_t one_int(struct model *m, const char *sql, int64_t id)
{
	struct store_reader *r = model_reader(m);
	struct store_q *q;
	int64_t v = 0;

	if (!r || store_reader_query(r, sql, &q))
		return 0;
	store_q_bind_int(q, 1, id);
	if (store_q_step(q) == SK_OK)
		v = store_q_int(q, 0);
	store_q_done(q);
	return v;
}

int64_t copy_document(struct model *m, int64_t copy_id)
{
	return one_int(m, "SELECT document_id FROM copy WHERE id = ?1", copy_id);
}

int64_t receipt_document(struct model *m, int64_t receipt_id)
{
	return one_int(m,
	               "SELECT c.document_id FROM receipt r JOIN copy c ON c.id = r.copy_id "
	               "WHERE r.id = ?1",
	               receipt_id);
}

int64_t shipment_document(struct model *m, int64_t shipment_id)
{
	return one_int(m,
	               "SELECT c.document_id FROM shipment s JOIN copy c ON c.id = s.copy_id "
	               "WHERE s.id = ?1",
	               shipment_id);
}

int64_t destruction_document(struct model *m, int64_t destruction_id)
{
	return one_int(m,
	               "SELECT c.document_id FROM destruction x JOIN copy c ON c.id = x.copy_id "
	               "WHERE x.id = ?1",
	               destruction_id);
}

json_t *copy_get(struct model *m, const struct principal *p, int64_t id)
{
	struct copy_filter f = {.after = id - 1, .limit = 1};
	json_t *l, *o = NULL;
	int64_t me = document_person_of(model_reader(m), p->id);

	/* the holder sees their own copy; others by the document's visibility */
	f.mine = me > 0 && one_int(m, "SELECT holder_person_id FROM copy WHERE id = ?1", id) == me;
	l = copy_list(m, p, &f);
	if (!l)
		return NULL;
	o = json_array_get(json_object_get(l, "copies"), 0);
	if (o && json_integer_value(json_object_get(o, "id")) == id)
		json_incref(o);
	else
		o = NULL;
	json_decref(l);
	return o;
}

json_t *receipt_list(struct model *m, const struct principal *p, bool mine, const char *state)
{
	struct store_reader *r = model_reader(m);
	int64_t me = document_person_of(r, p->id);

	if (!r)
		return NULL;
	if (mine)
		return doc_receipts_json(r, p, receipts_of_person, me, state);
	return doc_receipts_json(r, p, receipts_visible, me, state);
}

json_t *receipt_get(struct model *m, const struct principal *p, int64_t id)
{
	struct store_reader *r = model_reader(m);
	int64_t me = document_person_of(r, p->id);
	json_t *arr, *o;

	if (!r)
		return NULL;
	/* ?1 is the receipt here; the person is compared in the condition */
	if (me > 0 && one_int(m, "SELECT person_id FROM receipt WHERE id = ?1", id) == me)
		arr = doc_receipts_json(r, p, receipt_one, id, NULL);
	else
		arr = doc_receipts_json(r, p, receipt_one_visible, id, NULL);
	if (!arr)
		return NULL;
	o = json_array_get(arr, 0);
	if (o)
		json_incref(o);
	json_decref(arr);
	return o;
}

json_t *destruction_get(struct model *m, const struct principal *p, int64_t id)
{
	struct store_reader *r = model_reader(m);
	struct store_q *q;
	json_t *o = NULL;

	if (!r || store_reader_query(r,
	                             "SELECT " DESTRUCTION_COLS ", d.designation, d.title, "
	                             "d.title_classified, d.class" DESTRUCTION_FROM
	                             " JOIN document d ON d.id = c.document_id WHERE x.id = ?1 "
	                             "AND " DOCUMENT_VISIBLE_SQL("d"),
	                             &q))
		return NULL;
	store_q_bind_int(q, 1, id);
	document_visible_bind(q, p);
	if (store_q_step(q) == SK_OK) {
		o = destruction_json(q);
		if (o) {
			json_object_set_new(o, "designation", json_string(store_q_text(q, 12)));
			json_object_set_new(o, "title",
			                    json_string(title_for(p, store_q_text(q, 15),
			                                          store_q_int(q, 14) != 0,
			                                          store_q_text(q, 13))));
			json_object_set_new(o, "class", json_string(store_q_text(q, 15)));
		}
	}
	store_q_done(q);
	return o;
}
