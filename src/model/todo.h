/* Att göra: what waits for one person now (src/model/todo.c). */
#ifndef SKYDD_MODEL_TODO_H
#define SKYDD_MODEL_TODO_H

#include <jansson.h>

#include "model/model.h"

/*
 * [{"kind": "receipts", "count": 2}, …] for p: only kinds with something to
 * do, only those p's roles (or p's own person link) have. NULL on failure.
 */
json_t *model_todo(struct model *m, const struct principal *p);

#endif
