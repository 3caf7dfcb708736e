/* The compliance engine: placeholder until the module lands. */
#include "model/model.h"

void model_register_rules(void)
{
}
