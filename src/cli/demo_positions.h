/* The demo's positions, placements and training (demo_positions.c), private to src/cli. */
#ifndef SKYDD_CLI_DEMO_POSITIONS_H
#define SKYDD_CLI_DEMO_POSITIONS_H

#include <stdint.h>
#include <stdio.h>

#include "model/model.h"

/* What the demo's positions and training need from the rest of the demo. */
struct demo_positions_in {
	int64_t ssc, chief; /* identities: the ssc records, the head decides */
	int64_t analysis;   /* the approved analysis the decisions rest on (0: none decided) */
	int64_t placed[3];  /* persons placed in sk2, sk3 and the vetted position (0: skip) */
	int64_t trained[8]; /* persons who attended the session (0: none) */
};

/*
 * Positions in säkerhetsklass 1, 2 and 3, one vetted without class and one
 * registerkontroll without class (the head decides each on the analysis),
 * placements of in->placed (the third temporary, for six months), a training
 * plan with one course required before access for everyone with a login,
 * one session 30 days ago with in->trained attending. Whoever has a login
 * and access but did not attend shows as training.before_access on the
 * Översikt. Says what it did on out. SK_OK or the first failure (printed).
 */
int demo_positions(struct model *m, const struct demo_positions_in *in, FILE *out);

#endif
