/*
 * Keys, codes and cards (src/model/reg_keys.c, 5 kap. 5–6 §§): what the
 * register's definition does not serve by itself.
 */
#ifndef SKYDD_MODEL_KEYS_H
#define SKYDD_MODEL_KEYS_H

#include <stdbool.h>

#include <jansson.h>

#include "model/model.h"

/*
 * The caller's own hand-outs not returned (pending: only those whose receipt
 * awaits their signature), with the item's kind, number and description: the
 * holder's Kvittera page. Anyone may read their own; NULL on failure.
 */
json_t *keys_mine(struct model *m, const struct principal *p, bool pending);

#endif
