/*
 * Personnel security: positions, placements and training (6 kap. 1–3, 11 §§
 * PMFS 2022:1; the registers in reg_positions.c and reg_training.c).
 */
#ifndef SKYDD_POSITIONS_H
#define SKYDD_POSITIONS_H

#include <stdint.h>

#include <jansson.h>

#include "model/model.h"

/*
 * What a person's page shows of positions and training, for p: adds
 * "placements" (the person's placements, each with its position and class)
 * and "training" ({"done": the sessions attended, "due": each course of the
 * plan that applies to the person, with the last day attended and when it is
 * due, "missing" when never taken}) to o, the person record (its "id"). Only
 * for readers of the positions register (ssc, personnel, chief, auditor);
 * nothing for others.
 */
void positions_person_detail(struct model *m, const struct principal *p, int64_t person, json_t *o);

#endif
