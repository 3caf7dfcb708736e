/* Coordinated action plans: placeholder until the module lands. */
#include "model/model.h"

void model_register_plans(void)
{
}
