/*
 * What the four registers of the security logs (reg_log_*.c) share with
 * src/model/seclog.c: the generation counter their apply hooks move, the
 * class a system is approved for, and who may read a system's logs.
 */
#ifndef SKYDD_MODEL_SECLOG_INT_H
#define SKYDD_MODEL_SECLOG_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "model/model.h"

/* The retention a class gives (28 §): 25 years for KH, 10 for the others. */
#define SECLOG_RETENTION_MIN 10
#define SECLOG_RETENTION_KH  25
#define SECLOG_RETENTION_MAX 100
/* The effective retention as SQL, over log_source's columns (portable: CASE, no max()). */
#define SECLOG_RETENTION_SQL                                                                       \
	"(CASE WHEN coalesce(log_source.retention_years, 0) > (CASE (SELECT max_class FROM "       \
	"info_system WHERE info_system.id = log_source.system_id) WHEN 'KH' THEN 25 ELSE 10 END) " \
	"THEN log_source.retention_years ELSE (CASE (SELECT max_class FROM info_system WHERE "     \
	"info_system.id = log_source.system_id) WHEN 'KH' THEN 25 ELSE 10 END) END)"
/* A class name as a rank (BH 1 … KH 4) in SQL, for x an expression. */
#define SECLOG_RANK_SQL(x)                                                                         \
	"(CASE " x " WHEN 'BH' THEN 1 WHEN 'K' THEN 2 WHEN 'H' THEN 3 WHEN 'KH' THEN 4 ELSE 9 "    \
	"END)"

/*
 * The roles a log reader holds one of (the grant checks it): the logs are
 * read to run, secure or audit a system, and only such roles see the
 * alerts register at all (its view hook narrows it to the readers).
 */
#define SECLOG_READER_ROLES                                                                        \
	(ROLE_BIT(ROLE_SSC) | ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_AUDITOR) | ROLE_BIT(ROLE_CHIEF))

/* Moves the generation counter (the apply hooks of sources, routines, readers). */
void seclog_generation_bump(void);

/* The class system is approved for in this transaction (enum clearance), -1 when none. */
int seclog_tx_system_class(struct store_tx *tx, int64_t system, bool *withdrawn);

/*
 * May p (the caller in this transaction) read the logs and alerts of system?
 * Its clearance must cover the system's class, and it must be an active log
 * reader of the system, or (alerts only: ssc_too) hold the ssc role.
 */
bool seclog_tx_may_read_system(struct store_tx *tx, const struct principal *p, int64_t system,
                               bool ssc_too);

/*
 * The canonical form of a numeric IPv4/IPv6 address (inet_ntop of inet_pton;
 * an IPv4-mapped IPv6 address as IPv4) into out. False when s is not one.
 */
bool seclog_addr_canon(const char *s, char *out, size_t cap);

/*
 * A certificate's SHA-256 as 64 lower-case hex into out (65 bytes): takes
 * 64 hex digits in either case, or the 32 colon-separated pairs openssl
 * prints. False otherwise.
 */
bool seclog_fp_canon(const char *s, char out[65]);

/*
 * The alerts' need-to-know (the log_alerts register's view hook): keeps
 * the rows whose system p may read (seclog_tx_may_read_system with the ssc).
 */
int seclog_view_alerts(struct model *m, const struct principal *p, json_t *rows);

/* The alert kinds' names ("failed_logins" …), NULL-terminated; index = kind - 1. */
extern const char *const seclog_alert_kinds[];

/*
 * A routine's privileged hours "HH:MM-HH:MM" (from before to; "24:00" only
 * as the end) as minutes after midnight; "" is the whole day (0, 1440).
 */
bool seclog_hours_parse(const char *s, unsigned *from, unsigned *to);
/*
 * A routine's days: day names mon tue wed thu fri sat sun, single or as an
 * ascending range, separated by commas ("mon-fri", "mon,wed,fri",
 * "mon-fri,sun"); as bits (bit 0 Monday … bit 6 Sunday); "" is every day.
 */
bool seclog_days_parse(const char *s, unsigned *bits);
/*
 * Privileged accounts as a comma list: each 1..64 bytes of letters, digits
 * and . _ - @ $ \ (white space around the commas dropped), into out
 * ("a,b"); "" stays "". False when an account is empty or has another byte.
 */
bool seclog_accounts_canon(const char *s, char *out, size_t cap);

#endif
