/* Every register defined as data (register.h): adding one is one line here. */
#include "model/register.h"

extern const struct register_def reg_persons, reg_spaces, reg_systems, reg_distributors;

const struct register_def *const reg_all[] = {
        &reg_persons, &reg_spaces, &reg_systems, &reg_distributors, NULL,
};
