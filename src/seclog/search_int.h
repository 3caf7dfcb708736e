/*
 * Internals of the seclog index shared by index.c, search.c, export.c and
 * cull.c. Nothing outside src/seclog includes this.
 */
#ifndef SKYDD_SECLOG_SEARCH_INT_H
#define SKYDD_SECLOG_SEARCH_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>
#include <sqlite3.h>

#include "seclog/search.h"
#include "seclog/store.h"

/* Are the index tables there (a log never indexed has none)? */
bool seclog_ix_present(sqlite3 *db);
/* The indexer's high-water mark: messages below it are indexed (0 without tables). */
int seclog_ix_indexed(sqlite3 *db, uint64_t *out);

/* How far a receipt time may lie behind an earlier index's (µs; 0 without tables). */
int seclog_ix_lateness(sqlite3 *db, int64_t *late);

/*
 * Inside the culling transaction, before the bodies of first..last go:
 * removes their index rows and their words from the FTS, so that culling
 * leaves no text behind in derived tables either.
 */
int seclog_index_cull(sqlite3 *db, uint64_t first, uint64_t last);

/* A JSON string of bytes that may not be UTF-8: invalid sequences become U+FFFD. */
json_t *seclog_json_text(const void *s, size_t len);
/* The message's fields as the search shows them. */
json_t *seclog_msg_json(uint64_t index, const struct seclog_msg *m);

/* Called per matching row, in order; a non-zero return stops (and is returned). */
typedef int (*seclog_row_fn)(void *ctx, uint64_t idx, int64_t source);
/*
 * Runs q over db's index: rows with index below upper, newest first or
 * oldest first (asc), at most limit. Validates q first (SK_EINVAL, *field).
 */
int seclog_search_rows(sqlite3 *db, const struct seclog_query *q, bool asc, uint64_t upper,
                       unsigned limit, seclog_row_fn fn, void *ctx, const char **field);
/* Checks q's fields (SK_EINVAL naming one in *field), without any database. */
int seclog_query_check(const struct seclog_query *q, const char **field);
/* The number of messages stored (max index + 1). */
int seclog_log_size(sqlite3 *db, uint64_t *size);

struct seclog_proof;
/* {index, size, leaf, path, checkpoint} of a proof (hashes base64). */
json_t *seclog_proof_json(const struct seclog_proof *p);

#endif
