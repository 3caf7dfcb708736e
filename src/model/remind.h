/*
 * Reminders by e-mail (issue 15, docs/internals/reminders.md): once a day,
 * and on request, each active identity with an address and something in Att
 * göra (model/todo.h) gets one plain-text mail in Swedish with counts only.
 */
#ifndef SKYDD_MODEL_REMIND_H
#define SKYDD_MODEL_REMIND_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "model/model.h"

struct remind_config {
	const char *smtp_url;   /* smtp://host[:port] or smtps://…; NULL = no reminders */
	const char *from;       /* the envelope sender and From: */
	const char *user;       /* SMTP AUTH user, or NULL */
	const char *password;   /* SMTP AUTH password (from a file), or NULL */
	const char *public_url; /* the server's address, named in the mail, or NULL */
	unsigned hour;          /* the daily run goes after this local hour (0..23) */
};

/*
 * Checks a configuration before anything starts: smtp:// or smtps:// with a
 * host and no credentials in the URL, a valid From address, a public URL of
 * printable ASCII (http or https), the hour. why gets one English line.
 */
int remind_config_check(const struct remind_config *c, char *why, size_t cap);
/* Is the URL's host loopback (127.0.0.0/8, ::1, localhost)? Only then is STARTTLS optional. */
bool remind_url_loopback(const char *url);

/*
 * The mail for one person (RFC 5322, CRLF lines, UTF-8 quoted-printable body)
 * from their Att göra list ([{"kind", "count"}, …]) in the Swedish texts of
 * the web UI (web/i18n/sv-rules.json, embedded): counts only. Unknown kinds
 * are left out. SK_EINVAL when an address or the URL could reach a header or
 * line unsafely, SK_ENOTFOUND when the list has nothing to say.
 */
int remind_message(const char *from, const char *to, const char *public_url, const json_t *todo,
                   time_t now, struct buf *out);

struct remind_result {
	int64_t recipients; /* persons with an address and something to do */
	int64_t sent, failed;
	bool done; /* false: still running when the wait ended */
};

struct remind;

/* Starts the sending thread (copies c); *out stays NULL when c->smtp_url is NULL. */
int remind_start(struct model *m, const struct remind_config *c, struct remind **out);
/* Stops the thread after the run in progress, if any; r may be NULL. */
void remind_stop(struct remind *r);
/*
 * Asks the thread for a run now on actor's behalf and waits at most wait_s
 * seconds for its result. SK_EINVAL when r is NULL (no --smtp).
 */
int remind_run_now(struct remind *r, int64_t actor, unsigned wait_s, struct remind_result *res);

/* The kinds the ledger gets from here, for model_register. */
void remind_register(void);

#endif
