/*
 * seclog monitor: rules over arriving security-log events (4 kap. 30-31 §§
 * PMFS), fed with every committed batch on the receiver's thread, and a
 * clock tick for what is measured by absence (a silent source). It raises
 * alerts through a callback; the registers (src/model/seclog.h) record them
 * as findings and, if the system's routine says so, incidents.
 *
 * Pure logic over messages: no I/O, no SQL. Memory is bounded (windows and
 * keys capped per system, the oldest dropped first). At a restart its state
 * is derived from the log: seclog_replay (replay.c, which reads seclog.db)
 * feeds it the stored tail.
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

/* Bounds on a watch (seclog_monitor_configure refuses more). */
#define SECLOG_FAIL_THRESHOLD_MAX 1000   /* failed-login times kept per key (within a budget) */
#define SECLOG_FAIL_WINDOW_MAX    604800 /* a week */
#define SECLOG_KEYS_MAX           4096   /* tracked keys per system (and hosts per source) */
#define SECLOG_DEDUPE_S           3600   /* privileged use and gaps: one alert per hour's stretch */
#define SECLOG_TZ_STOCKHOLM       (-32768) /* seclog_monitor_set_utc_offset: Swedish time */

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
 * Replaces the configuration (copied). Thread-safe with feed/tick. The state
 * of a system or source that stays (its windows, last message, sequence
 * numbers) is kept; a system whose failed-login threshold or window changed
 * starts its windows afresh. Returns SK_OK, SK_EINVAL (nothing changed: a
 * system or source twice, a threshold over SECLOG_FAIL_THRESHOLD_MAX, a
 * window of 0 with a threshold or over SECLOG_FAIL_WINDOW_MAX, privileged
 * hours not 0 <= from < to <= 1440, days over 7 bits), SK_ENOMEM.
 */
int seclog_monitor_configure(struct seclog_monitor *mon, const struct seclog_watch *w, size_t nw,
                             const struct seclog_watch_source *s, size_t ns);

/*
 * The local time the privileged-hours rule judges by: SECLOG_TZ_STOCKHOLM
 * (the default: CET/CEST by the EU rule, as sk_time_stockholm) or a fixed
 * offset from UTC in minutes (-1439..1439). SK_EINVAL otherwise.
 */
int seclog_monitor_set_utc_offset(struct seclog_monitor *mon, int utc_offset_min);

/*
 * Committed messages (first = index of msgs[0]); a seclog_committed_fn
 * (ctx = the monitor). Messages of a source not configured are skipped.
 * The alert callback is called with the monitor's lock held: it must not
 * call the monitor.
 */
void seclog_monitor_feed(struct seclog_monitor *mon, const struct seclog_msg *msgs, size_t n,
                         uint64_t first);

/* The same as a seclog_committed_fn itself (ctx = the monitor), for the receiver's options. */
void seclog_monitor_committed(void *mon, const struct seclog_msg *msgs, size_t n, uint64_t first);

/* The clock: raises SILENT for sources past their interval (once per silence). */
void seclog_monitor_tick(struct seclog_monitor *mon, int64_t now_us);

/*
 * A verification failure of seclog.db (problem as in seclog_verify_report),
 * raised once until a verification passes again (problem NULL).
 */
void seclog_monitor_integrity(struct seclog_monitor *mon, const char *problem, int64_t now_us);

struct seclog_monitor_stats {
	uint64_t messages;   /* fed */
	uint64_t recognised; /* classified as a login or privileged use */
	uint64_t alerts;     /* raised */
	uint64_t evicted;    /* tracked keys dropped, oldest first, at SECLOG_KEYS_MAX */
	size_t keys;         /* tracked now (failed logins, privileged use, sequences) */
	size_t ring_slots;   /* failed-login times held, all systems (budget 131,072 each) */
	size_t systems, sources;
};

void seclog_monitor_stats(struct seclog_monitor *mon, struct seclog_monitor_stats *st);

/*
 * The longest stretch of the past that decides the monitor's state: the
 * largest failed-login window of any system, and at least SECLOG_DEDUPE_S
 * (privileged use and gaps). What seclog_replay must cover at a restart.
 */
unsigned seclog_monitor_span_s(struct seclog_monitor *mon);

/*
 * The sources watched for silence whose last message the monitor has not
 * seen (neither fed nor given by seclog_monitor_heard): up to cap of their
 * ids into ids (may be NULL with cap 0); the number of them is returned and
 * *longest_s (may be NULL) gets the longest silent_s among them.
 */
size_t seclog_monitor_unheard(struct seclog_monitor *mon, int64_t *ids, size_t cap,
                              unsigned *longest_s);

/*
 * A source's last message, known from the log (seclog_last_heard) rather
 * than fed: its silence counts from last_us. Ignored for a source not
 * configured, or when the monitor has seen a later one.
 */
void seclog_monitor_heard(struct seclog_monitor *mon, int64_t source, int64_t last_us);

/* ---- the replay at a restart (replay.c) ---- */

#define SECLOG_REPLAY_BATCH 1024     /* decoded messages per call of fn */
#define SECLOG_REPLAY_MAX   2000000u /* the bound skydd serve gives: the newest */

/* The same shape as seclog_committed_fn (recv.h): seclog_monitor_committed fits. */
typedef void (*seclog_replay_fn)(void *ctx, const struct seclog_msg *msgs, size_t n,
                                 uint64_t first);

struct seclog_replay_stats {
	uint64_t size;        /* messages in the log (the newest index + 1) */
	uint64_t first;       /* the first index read */
	uint64_t replayed;    /* messages given to fn */
	uint64_t batches;     /* calls of fn */
	uint64_t older;       /* read but received before since (recv_us's slack) */
	uint64_t culled;      /* read, body culled: skipped */
	uint64_t undecodable; /* read, body not a message (seclog_verify names it): skipped */
	unsigned probes;      /* rows looked at by the binary search */
	bool cut;             /* max_msgs cut the replay to the newest */
};

/*
 * Reads DIR's seclog.db read-only (beside a writer: one snapshot) and gives
 * fn every stored, not culled message received at or after since_us, in
 * index order, in runs of consecutive indices of at most
 * SECLOG_REPLAY_BATCH (first = index of msgs[0]; msgs valid during the call
 * only). The first index is found by binary search over idx on recv_us
 * (nearly ordered: a day's slack), never a scan of the table; at most the
 * newest max_msgs rows are read (st->cut says when that cut it). An empty
 * log replays nothing. Returns SK_OK, SK_EINVAL (dir, fn or st NULL,
 * since_us <= 0, max_msgs 0), SK_ENOTFOUND (no seclog.db), SK_ECORRUPT,
 * SK_EVERSION, SK_EIO, SK_ENOMEM.
 */
int seclog_replay(const char *dir, int64_t since_us, uint64_t max_msgs, seclog_replay_fn fn,
                  void *ctx, struct seclog_replay_stats *st);

/*
 * The newest receipt time of each of n sources among the messages of DIR's
 * seclog.db received at or after since_us (the same search, then read from
 * the newest backwards, only the index columns, at most max_rows rows):
 * last_us[i] = that time, 0 when none was found. For silence watched longer
 * than the replay's span. *rows (may be NULL) gets the rows read. Returns
 * SK_OK, SK_EINVAL (dir, sources or last_us NULL with n > 0, since_us <= 0,
 * max_rows 0), SK_ENOTFOUND (no seclog.db), SK_ECORRUPT, SK_EVERSION, SK_EIO.
 */
int seclog_last_heard(const char *dir, int64_t since_us, uint64_t max_rows, const int64_t *sources,
                      size_t n, int64_t *last_us, uint64_t *rows);

/* ---- the watchdog (watchdog.c) ---- */

struct seclog_watchdog_opts {
	unsigned tick_s;   /* seclog_monitor_tick every tick_s seconds; 0 = 60 */
	unsigned verify_s; /* seclog_verify(dir) every verify_s seconds; 0 = 86400 */
};

struct seclog_watchdog_stats {
	uint64_t ticks, verifies, failures;
	char last_problem[SECLOG_PROBLEM_MAX]; /* "" when the last verification passed */
};

struct seclog_watchdog;

/*
 * Starts a thread that ticks mon with sk_now_us() and verifies DIR's
 * seclog.db (read-only, beside the writer), the first time verify_s after
 * the start; a failure goes to seclog_monitor_integrity. A missing seclog.db
 * is a failure once one has been seen. dir NULL: ticks only. Returns SK_OK,
 * SK_EINVAL (mon NULL, dir too long), SK_ENOMEM, SK_EINTERNAL (no thread).
 */
int seclog_watchdog_start(struct seclog_monitor *mon, const char *dir,
                          const struct seclog_watchdog_opts *opts, struct seclog_watchdog **out);

/*
 * Stops the thread and frees: at once during a wait, after the current
 * verification when one is running. NULL is a no-op.
 */
void seclog_watchdog_stop(struct seclog_watchdog *w);

void seclog_watchdog_stats(struct seclog_watchdog *w, struct seclog_watchdog_stats *st);

#endif
