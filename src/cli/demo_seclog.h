/* The demo's security logs (demo_seclog.c). */
#ifndef SKYDD_CLI_DEMO_SECLOG_H
#define SKYDD_CLI_DEMO_SECLOG_H

#include <stdio.h>

#include "model/model.h"

/*
 * A KH system beside SN1 (system sn1), a log source, routine and readers for
 * each, and a day of messages in DIR/seclog.db read by the monitor. Returns
 * SK_OK or the first failure (printed).
 */
int demo_seclog(struct model *m, const char *dir, const struct principal *ssc,
                const struct principal *chief, int64_t sn1, FILE *out);

#endif
