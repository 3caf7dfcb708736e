/*
 * Export of a filtered Säkerhetslogg (CSV, or JSON for the print page): each
 * entry with its inclusion proof against the latest signed checkpoint, which
 * the export carries, so anyone with the verifier key can check it without
 * the server. Need-to-know as in the list (ledger_view_redact). The export
 * is itself a ledger entry (export.made with the SHA-256 of the bytes). See
 * docs/internals/ledger-read.md.
 */
#ifndef SKYDD_MODEL_LEDGER_EXPORT_H
#define SKYDD_MODEL_LEDGER_EXPORT_H

#include "model/model.h"
#include "store/store.h"
#include "util/util.h"

#define LEDGER_EXPORT_MAX_ENTRIES 5000
#define LEDGER_EXPORT_MAX_BYTES   (8u << 20) /* past this the export stops and says where */

enum ledger_export_fmt { LEDGER_EXPORT_CSV, LEDGER_EXPORT_JSON };

/*
 * Writes the entries matching f (from, actor, kind, object, since, until;
 * f->limit and f->newest_first are ignored: oldest first, bounded as above)
 * up to the latest checkpoint into out, and records the export. Returns
 * SK_OK; SK_EPERM (not a reader of the log); SK_ENOTFOUND (no checkpoint
 * yet; err says so); or a store error. On error out is empty.
 */
int ledger_export(struct model *m, const struct principal *p, const struct store_log_filter *f,
                  enum ledger_export_fmt fmt, struct buf *out, struct model_err *err);

#endif
