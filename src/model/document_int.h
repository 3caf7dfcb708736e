/* Internals shared by the document register's files (document.c, copy.c). */
#ifndef SKYDD_DOCUMENT_INT_H
#define SKYDD_DOCUMENT_INT_H

#include "model/access_int.h"
#include "model/document.h"
#include "model/reg_int.h"

/* A document's row as the writer commands need it. */
struct doc_row {
	int64_t id;
	char cls[3];
	char form[11];
	char status[7];
	bool title_classified;
	bool declassified; /* declassified_on is set (3 kap. 6 §) */
};

/* SK_OK, SK_ENOTFOUND or a store error. */
int doc_tx_row(struct store_tx *tx, int64_t id, struct doc_row *out);

/* Text of 1..max bytes (0..max when empty_ok), UTF-8, no control characters but \n. */
bool doc_text_ok(const char *s, size_t max, bool empty_ok);

/* May p write the register (registrar or ssc)? Else fills err and returns SK_EPERM. */
int doc_may_write(const struct principal *p, struct model_err *err);

/*
 * Checks inside a writer command; each fails the command naming field.
 * person: exists and is active; space: an approved container for cls;
 * system: approved for cls; distributor: approved.
 */
int doc_tx_person(struct store_tx *tx, int64_t id, const char *field);
int doc_tx_space(struct store_tx *tx, int64_t id, const char *cls, const char *field);
int doc_tx_system(struct store_tx *tx, int64_t id, const char *cls, const char *field);
int doc_tx_distributor(struct store_tx *tx, int64_t id, const char *field);
/* person may hold a copy of the document: on its need-to-know list and cleared for its class. */
int doc_tx_person_may_hold(struct store_tx *tx, const struct doc_row *d, int64_t person,
                           const char *field);

/* A new object for an entry's data about document doc, with token_id when given. */
json_t *doc_data(int64_t doc, int64_t token_id);
/* data[key] = v (v > 0), else nothing. */
void doc_set_id(json_t *data, const char *key, int64_t v);

/* The Swedish and English names of a class and the notice shown when signing. */
const char *doc_class_sv(const char *cls);
const char *doc_class_en(const char *cls);

/* The projections of copy., receipt. and shipment. entries (copy.c). */
int doc_apply_copy(struct store_tx *tx, const struct ledger_entry *e);
int doc_apply_receipt(struct store_tx *tx, const struct ledger_entry *e);
int doc_apply_shipment(struct store_tx *tx, const struct ledger_entry *e);

/* Copies of a document as JSON (its copies, receipts, shipments, destructions). */
json_t *doc_copies_json(struct store_reader *r, int64_t doc);
/* sql: a static statement (the cache keys on its address) with ?1 = arg, ?2 = state or NULL. */
json_t *doc_receipts_json(struct store_reader *r, const struct principal *p, const char *sql,
                          int64_t arg, const char *state);
json_t *doc_shipments_json(struct store_reader *r, int64_t doc);
json_t *doc_destructions_json(struct store_reader *r, int64_t doc);

/* Small readers. */
const char *doc_q_opt(struct store_q *q, int col); /* NULL for SQL NULL */

#endif
