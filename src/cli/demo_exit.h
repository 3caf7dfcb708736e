/* The demo's exit talks and clearance notices (6 kap. 4, 6 §§; demo_exit.c), private to src/cli. */
#ifndef SKYDD_CLI_DEMO_EXIT_H
#define SKYDD_CLI_DEMO_EXIT_H

#include <stdio.h>

#include "model/model.h"

/*
 * Adds, through the registers' commands: Harald Höst (ended, his exit talk
 * held by the ssc), Ingrid Is (ended without one: the finding
 * person.exit_talk.missing) and Jonas Jul (cleared for H until 20 days from
 * today: the notice clearance.expiring). ssc: an ssc (or personnel) principal
 * not linked to these persons; registrar: one who records and ends persons.
 * Says what it did on out (may be NULL). SK_OK or the first failure (printed).
 */
int demo_exit_talks(struct model *m, const struct principal *ssc, const struct principal *registrar,
                    FILE *out);

#endif
