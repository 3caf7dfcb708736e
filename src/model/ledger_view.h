/*
 * What a reader may see of the Säkerhetslogg: need-to-know applied to ledger
 * entries as they leave the server (the API's list and single entry, and
 * through them the web UI). One table says, per object type, who reads such
 * objects at all and what an entry concerns (a document, a copy, a medium, an
 * incident's links ...); one batch of queries per page decides. See
 * docs/internals/ledger-read.md.
 */
#ifndef SKYDD_MODEL_LEDGER_VIEW_H
#define SKYDD_MODEL_LEDGER_VIEW_H

#include <stdbool.h>

#include <jansson.h>

#include "model/model.h"
#include "store/store.h"

/*
 * Redacts a page of decoded entries (a JSON array of entry objects, each as
 * the ledger holds it) for p, in place: an entry about something p may not
 * see loses "data" and gains "redacted": true; seq, time, actor, kind and
 * object stay. hidden (NULL, or one bool per entry) says which were
 * redacted. Reads through r (inside or outside a snapshot).
 * Returns SK_OK, or a store error: then every entry is redacted (fail
 * closed) and hidden says so too.
 */
int ledger_view_redact(struct store_reader *r, const struct principal *p, json_t *entries,
                       bool *hidden);

/* One entry (as above); true when it was redacted. */
bool ledger_view_redact_one(struct store_reader *r, const struct principal *p, json_t *entry);

/*
 * Which of refs (a JSON array of objects "type/id") p may see, in one
 * statement: a document, copy, receipt, shipment, decision or disclosure by
 * its document (DOCUMENT_VISIBLE_SQL), a medium by its class; any other type
 * (an incident, a space ...) guards nothing here. visible[i] is for refs[i]; a
 * NULL or malformed ref is visible only if it names no guarded type. Returns
 * SK_OK, or a store error (then every visible[i] is false).
 */
int ledger_view_refs_visible(struct store_reader *r, const struct principal *p, const json_t *refs,
                             bool *visible);

/*
 * Which of objects (a JSON array of "type/id") p may see the data of where
 * they leave the server outside the log (findings, deadlines, the calendar
 * feed, an inventory report): the table's read roles for the type (a copy,
 * receipt, shipment, decision or disclosure is its document's; an incident
 * counts its reader roles only) and then ledger_view_refs_visible. A type
 * the table does not know (an identity, a grant, an exemption) is visible.
 * Returns SK_OK, or a store error (then every visible[i] is false).
 */
int ledger_view_objects_visible(struct store_reader *r, const struct principal *p,
                                const json_t *objects, bool *visible);

/*
 * Does p see every existing object of every type in the table (every read
 * role the table names, every document up to KH)? Then a caller whose
 * objects were just read from the database (a finding's rows) may skip
 * ledger_view_objects_visible: it would answer true for each.
 */
bool ledger_view_sees_everything(const struct principal *p);

#endif
