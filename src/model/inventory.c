/* The inventory register: placeholder until the module lands. */
#include "model/model.h"

void model_register_inventory(void)
{
}
