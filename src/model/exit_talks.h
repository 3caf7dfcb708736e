/*
 * Exit talks (6 kap. 6 § PMFS 2022:1): what a person's page shows of them
 * (reg_exit_talks.c). The persons register's detail hook calls it.
 */
#ifndef SKYDD_MODEL_EXIT_TALKS_H
#define SKYDD_MODEL_EXIT_TALKS_H

#include <stdint.h>

#include <jansson.h>

#include "model/model.h"

/*
 * Adds "exit_talk" to o (the person's record, with its "status"), for the
 * readers of exit talks (ssc, personnel, chief, auditor) only:
 * {"talk": {id, outcome, held_on, held_by, reminded, reason, recorded_on} or
 * null, "due": ended without one, "may_record": p may record it now (not
 * for the person linked to p's own login)}.
 */
void exit_person_detail(struct model *m, const struct principal *p, int64_t person, json_t *o);

#endif
