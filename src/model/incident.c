/* Incidents and the action plan of deviations: placeholder until the module lands. */
#include "model/model.h"

void model_register_incidents(void)
{
}
