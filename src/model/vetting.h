/*
 * Vetting (säkerhetsprövning) and registerkontroll (6 kap. 4–15 §§ PMFS
 * 2022:1): what other parts of skydd use of the registers in
 * reg_vettings.c and reg_regchecks.c (docs/internals/vetting.md).
 */
#ifndef SKYDD_MODEL_VETTING_H
#define SKYDD_MODEL_VETTING_H

#include <stdint.h>

#include <jansson.h>

#include "model/model.h"

/* Who reads vettings and registerkontroller at all: the personnel-security function, the ssc. */
#define VETTING_READERS (ROLE_BIT(ROLE_PERSONNEL) | ROLE_BIT(ROLE_SSC))

/*
 * The person's page: adds "vetting" to o — the latest vetting's number,
 * state, decision day, next follow-up and whether the interview is
 * concluded, or null when there is none — for the personnel-security
 * function and the ssc only; for anyone else it adds nothing (they see the
 * clearance, reg_clearances.c).
 */
void vetting_person_detail(struct model *m, const struct principal *p, int64_t person, json_t *o);

#endif
