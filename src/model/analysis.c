/* Security protection analyses, plans, special assessments: placeholder until the module lands. */
#include "model/model.h"

void model_register_analysis(void)
{
}
