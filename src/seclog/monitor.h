/*
 * seclog monitor: rules over arriving security-log events (4 kap. 30-31 §§
 * PMFS), fed with every committed batch on the receiver's thread, and a
 * clock tick for what is measured by absence (a silent source). It raises
 * alerts through a callback; the registers (src/model/seclog.h) record them
 * as findings and, if the system's routine says so, incidents.
 *
 * Pure logic over messages: no I/O, no SQL. Memory is bounded (windows and
 * keys capped per system, the oldest dropped first).
 */
#ifndef SKYDD_SECLOG_MONITOR_H
#define SKYDD_SECLOG_MONITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "seclog/store.h"

#define SECLOG_PRIV_MAX   512 /* the privileged accounts, comma-separated */
#define SECLOG_KEY_MAX    160 /* an alert's key: "user@host", a host, … */
#define SECLOG_DETAIL_MAX 256

/* One system's monitoring routine, as far as the machine applies it. */
struct seclog_watch {
	int64_t system;
	unsigned fail_threshold; /* failed logins for one account/host within the window; 0 = off */
	unsigned fail_window_s;
	char priv_accounts[SECLOG_PRIV_MAX]; /* privileged accounts (27 §); "" = not watched */
	unsigned priv_from_min, priv_to_min; /* allowed: minutes after local midnight, from < to */
	unsigned priv_days;                  /* allowed days: bit 0 Monday … bit 6 Sunday */
};

/* One source's expectation. */
struct seclog_watch_source {
	int64_t source, system;
	unsigned silent_s; /* longest silence before an alert; 0 = not watched */
};

enum seclog_alert_kind {
	SECLOG_A_FAILED_LOGINS = 1, /* repeated failed logins */
	SECLOG_A_PRIVILEGED = 2,    /* a privileged account used outside the set hours */
	SECLOG_A_SILENT = 3,        /* a source silent longer than its interval */
	SECLOG_A_GAP = 4,           /* a gap in a sender's sequence (RFC 5424 meta sequenceId) */
	SECLOG_A_INTEGRITY = 5,     /* the log failed verification */
};

struct seclog_alert {
	enum seclog_alert_kind kind;
	int64_t system, source;         /* source 0 for INTEGRITY */
	char key[SECLOG_KEY_MAX];       /* what it is about, e.g. "root@db1" */
	uint64_t count;                 /* events behind it */
	uint64_t first_idx, last_idx;   /* the messages in seclog.db (0, 0 for SILENT) */
	int64_t first_us, last_us;      /* when */
	char detail[SECLOG_DETAIL_MAX]; /* machine words, not prose: e.g. "threshold=5 window=600"
	                                 */
};

typedef void (*seclog_alert_fn)(void *ctx, const struct seclog_alert *a);

struct seclog_monitor;

/* NULL on out of memory. alert is called on the thread that feeds or ticks. */
struct seclog_monitor *seclog_monitor_new(seclog_alert_fn alert, void *ctx);
void seclog_monitor_free(struct seclog_monitor *mon);

/*
 * Replaces the configuration (copied). utc_offset_min turns receipt times
 * into local hours for the privileged-hours rule. Thread-safe with feed/tick.
 */
int seclog_monitor_configure(struct seclog_monitor *mon, const struct seclog_watch *w, size_t nw,
                             const struct seclog_watch_source *s, size_t ns);

/* Committed messages (first = index of msgs[0]); a seclog_committed_fn. */
void seclog_monitor_feed(struct seclog_monitor *mon, const struct seclog_msg *msgs, size_t n,
                         uint64_t first);

/* The clock: raises SILENT for sources past their interval (once per silence). */
void seclog_monitor_tick(struct seclog_monitor *mon, int64_t now_us);

/* A verification failure of seclog.db (problem as in seclog_verify_report). */
void seclog_monitor_integrity(struct seclog_monitor *mon, const char *problem, int64_t now_us);

#endif
