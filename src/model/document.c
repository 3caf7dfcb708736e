/* The documents register: placeholder until the module lands. */
#include "model/model.h"

void model_register_documents(void)
{
}
