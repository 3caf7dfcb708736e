/* The demo instance's sample data (demo_data.c), private to src/cli. */
#ifndef SKYDD_CLI_DEMO_H
#define SKYDD_CLI_DEMO_H

#include <stdint.h>
#include <stdio.h>

#include "model/model.h"

/* The identities of the demo people, by role. */
struct demo_ids {
	int64_t ssc, chief, registrar, auditor, staff, reception, personnel, agency;
};

/*
 * Fills the register with sample data through the registers' commands and
 * imports the action-plan seed if found ($SKYDD_SHARED or ../shared); says
 * what it did on out; the security logs go to DIR/seclog.db. Returns SK_OK or the first failure
 * (printed).
 */
int demo_register(struct model *m, const char *dir, const struct demo_ids *ids, FILE *out);

#endif
