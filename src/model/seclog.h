/*
 * The registers' side of the security logs (4 kap. 25-31 §§ PMFS): log
 * sources bound to information systems, the monitoring routine per system,
 * who may read a system's logs, and the alerts the monitor raises. All of it
 * lives in skydd.db as register definitions (schema 21); the messages
 * themselves are in seclog.db (src/seclog). See docs/internals/seclog.md,
 * "Sources, readers, monitoring".
 */
#ifndef SKYDD_MODEL_SECLOG_H
#define SKYDD_MODEL_SECLOG_H

#include <stddef.h>
#include <stdint.h>

#include "model/model.h"
#include "seclog/monitor.h"
#include "seclog/recv.h"

/*
 * The receiver's resolver (a seclog_resolve_fn with ctx = the model): the
 * active log source bound to this certificate fingerprint (TLS transports)
 * or numeric address (clear transports) that may use this transport, with
 * the retention its system's class gives (10 years, 25 for KH; a source's
 * own longer retention wins). SK_ENOTFOUND when none.
 */
int model_seclog_resolve(void *model, unsigned transport, const char *addr, const char *cert_sha256,
                         struct seclog_source *out);

/*
 * The log sources whose messages p may read (need-to-know): those of systems
 * p was given the right to read (log readers, granted by the ssc) and whose
 * class p's clearance covers. *ids is malloc'd (free()); *n may be 0.
 * Withdrawn sources count: their old messages stay readable.
 */
int model_seclog_readable_sources(struct model *m, const struct principal *p, int64_t **ids,
                                  size_t *n);

/*
 * Narrows a readable-source list (from model_seclog_readable_sources) to the
 * sources of one information system, in place: *n gets how many are left.
 */
int model_seclog_only_system(struct model *m, int64_t system, int64_t *ids, size_t *n);

/*
 * A source's name and its system's, for the pages ({"source": name, "system":
 * name}), or NULL when there is no such source. The caller has checked that
 * the reader may know of it.
 */
json_t *model_seclog_source_label(struct model *m, int64_t source);

/* May p read the logs of this source's system? (the same test, one source) */
bool model_seclog_may_read(struct model *m, const struct principal *p, int64_t source);

/*
 * Does p keep the log sources and the receiver (the ssc, the sysadmin)? They
 * see every source's counters and the peers refused, never a message without
 * a reader's right.
 */
bool model_seclog_keeper(const struct principal *p);

/*
 * Has the security-log page anything for p: a source p may read, or (a
 * keeper) the receiver's counters? GET /api/v1/me says it, so the menu offers
 * the page to exactly those the server answers.
 */
bool model_seclog_page_for(struct model *m, const struct principal *p);

/*
 * The monitoring configuration for seclog_monitor_configure: one watch per
 * system with an active routine, one entry per active source. Both arrays
 * malloc'd (free()).
 */
int model_seclog_watches(struct model *m, struct seclog_watch **w, size_t *nw,
                         struct seclog_watch_source **s, size_t *ns);

/*
 * Records an alert (a seclog_alert_fn with ctx = the model), by the system
 * (actor 0), as `log_alert.raised` in the registers' ledger; if the system's
 * routine asks for it, an incident in the same transaction. An open alert of
 * the same kind, source and key is not raised again (SK_EEXIST).
 */
int model_seclog_alert_raise(struct model *m, const struct seclog_alert *a);
void model_seclog_on_alert(void *model, const struct seclog_alert *a);

/*
 * The same for an alert raised while the monitor replayed the stored log at
 * a restart (seclog_replay): not recorded (SK_EEXIST) when an alert of the
 * same kind, system, source and key, open or handled, has last_idx >= this
 * one's first_idx (their events overlap: it was told before the stop).
 * Everything else is recorded: the alerts a crash lost. The test and the
 * insert are one transaction.
 */
int model_seclog_alert_raise_replayed(struct model *m, const struct seclog_alert *a);

/*
 * A counter that changes whenever a log source, routine or reader changes
 * (the receiver and monitor reload when it moved).
 */
uint64_t model_seclog_generation(struct model *m);

#endif
