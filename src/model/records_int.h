/* Internals of the records registers shared by records.c and the reg_*.c definitions. */
#ifndef SKYDD_RECORDS_INT_H
#define SKYDD_RECORDS_INT_H

#include "model/access_int.h"
#include "model/records.h"
#include "model/reg_int.h"

/* model_tx_log with the service token's id added to data when there is one. */
int rec_log(struct store_tx *tx, const struct principal *p, const char *kind, const char *type,
            int64_t id, json_t *data);
/* BH 1, K 2, H 3, KH 4 (enum clearance), anything else 0. */
int rec_class_rank(const char *s);
bool rec_has(const json_t *data, const char *key);
/* Runs a query on this thread's reader and collects rows (?1, ?2 text, ?3 int when set). */
json_t *rec_query(struct model *m, const char *sql, json_t *(*row)(struct store_q *),
                  const char *t1, const char *t2, int64_t i3);
json_t *rec_query_one(struct model *m, const char *sql, json_t *(*row)(struct store_q *),
                      int64_t id);

#endif
