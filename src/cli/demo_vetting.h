/* The demo instance's vetting and registerkontroll (6 kap. 4–15 §§): demo_vetting.c. */
#ifndef SKYDD_CLI_DEMO_VETTING_H
#define SKYDD_CLI_DEMO_VETTING_H

#include <stdint.h>
#include <stdio.h>

#include "model/model.h"

/*
 * Records, as by (the ssc or the personnel-security function; never the
 * login of approved or renewal): an approved vetting of person approved with
 * its basic investigation, a concluded interview (sealed notes), the
 * clearance H decided from it, the information for follow-up and a
 * follow-up conversation, and a complete registerkontroll application sent
 * for them; an answered registerkontroll of person renewal with a marriage
 * recorded since (13 §: a renewal is due); the function for
 * registerkontroller (15 §). Leaves one finding, regcheck.renewal.missing,
 * seen by the ssc and the personnel-security function only. SK_OK or the
 * first failure (said on stderr); out gets one line.
 */
int demo_vetting(struct model *m, const struct principal *by, int64_t approved, int64_t renewal,
                 FILE *out);

#endif
