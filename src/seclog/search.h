/*
 * seclog search: the index over seclog.db (filter columns and an SQLite FTS5
 * full-text index of host, application and text), the search behind the API
 * and the web UI, and the export of a selection with inclusion proofs that
 * the verifier key alone can check. See docs/internals/seclog.md, "Search"
 * and "Export".
 *
 * The index is derived data, not hashed and not part of the proof: it is
 * built after commit by its own thread, so ingest never waits for it, and
 * can be rebuilt from the messages at any time. A search sees what has been
 * indexed (seclog_index_status says how far that is).
 */
#ifndef SKYDD_SECLOG_SEARCH_H
#define SKYDD_SECLOG_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "util/util.h"

struct seclog_index;

/* Opens DIR/seclog.db for indexing and starts the indexer thread. */
int seclog_index_start(const char *dir, struct seclog_index **out);
/* Wakes the indexer (after a commit); cheap, from any thread. */
void seclog_index_kick(struct seclog_index *ix);
/* Indexes everything committed now and returns when done (tests, CLI). */
int seclog_index_sync(struct seclog_index *ix);
void seclog_index_stop(struct seclog_index *ix);

/*
 * The sources that have indexed messages (allocated, free()): what the
 * instance owner's CLI searches, and the ssc's list until the systems
 * register binds sources.
 */
int seclog_index_sources(const char *dir, int64_t **ids, size_t *n);

/*
 * {"size", "indexed", "checkpoint": {size, time} or null, "sources":
 * [{source, messages, last}]} with only the given sources (need-to-know).
 */
int seclog_index_status(const char *dir, const int64_t *sources, size_t nsources, json_t **out);

/* Drops and rebuilds the index of DIR's seclog.db (`skydd seclog reindex`). */
int seclog_reindex(const char *dir, uint64_t *indexed);

struct seclog_query {
	const int64_t *sources; /* need-to-know: only these sources; required (n 0 = none) */
	size_t nsources;
	const int64_t *only; /* optional narrowing to some of those (a system's sources) */
	size_t nonly;
	int64_t from_us, to_us; /* receipt time, [from, to); 0 = open */
	const char *host;       /* exact hostname, or NULL */
	const char *app;        /* exact app-name, or NULL */
	int max_severity;       /* 0..7: this severity or more severe; -1 = any */
	const char *text;       /* FTS5 words (quoted by us, never raw FTS syntax), or NULL */
	uint64_t before;        /* cursor: indices below this; 0 = from the newest */
	unsigned limit;         /* 1..1000 */
};

/*
 * Runs a query over DIR's seclog.db. *out gets
 * {"messages":[{index, received, source, facility, severity, time, host, app,
 * procid, msgid, sd, text, culled}], "next": cursor or null, "indexed": n,
 * "size": n}. Text that is not valid UTF-8 is shown with U+FFFD. Returns
 * SK_OK, SK_EINVAL (a field of q; *field names it), SK_ENOTFOUND (no
 * seclog.db), SK_EIO.
 */
int seclog_search(const char *dir, const struct seclog_query *q, json_t **out, const char **field);

/* One message with its inclusion proof against the newest checkpoint, as JSON. */
int seclog_message(const char *dir, uint64_t index, json_t **out);

#define SECLOG_EXPORT_MAX 100000 /* messages in one export */

/*
 * Writes an export bundle of the query's messages (at most
 * SECLOG_EXPORT_MAX, oldest first): the signed checkpoint they are proved
 * against, the verifier key's name, and per message its index, stored bytes
 * (base64) and RFC 6962 audit path. Format in docs/internals/seclog.md.
 */
int seclog_export(const char *dir, const struct seclog_query *q, struct buf *out, uint64_t *count,
                  const char **field);

struct seclog_export_report {
	uint64_t messages;
	uint64_t size; /* the checkpoint's tree size */
	char problem[256];
};

/*
 * Verifies a bundle with the verifier key text alone: the checkpoint's
 * signature, every message's leaf and audit path. SK_OK or SK_EVERIFY
 * (problem says which), SK_EINVAL (not a bundle).
 */
int seclog_export_verify(const char *vkey, const uint8_t *bundle, size_t len,
                         struct seclog_export_report *r);

#endif
