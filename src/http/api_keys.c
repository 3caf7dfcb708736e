/*
 * Keys, codes and cards beyond their register's generated routes
 * (model/reg_keys.c): the holder's own hand-outs, for the Kvittera page.
 * Anyone logged in reads their own; the register itself stays with its
 * readers (ROLES_REGISTER). The holder signs with POST /api/v1/keys/{id}/sign.
 */
#include <string.h>

#include "http/api.h"
#include "model/keys.h"

static const char *const v_bool[] = {"true", "false", NULL};

static const struct api_field q_mine[] = {{"pending", API_ENUM, false, 0, 0,
                                           "true: only those whose receipt awaits my signature",
                                           v_bool},
                                          API_FIELDS_END};

static void h_mine(struct api_ctx *c)
{
	const char *s = json_string_value(json_object_get(c->query, "pending"));
	json_t *arr = keys_mine(api_model(c->api), &c->p, s && strcmp(s, "true") == 0);

	if (!arr) {
		api_fail(c, SK_EIO, NULL);
		return;
	}
	api_reply(c, 200, json_pack("{s:o}", "issues", arr));
}

const struct api_route api_routes_keys[] = {
        {"GET", "/api/v1/key-receipts", ROLES_ANY, 0, NULL, q_mine, h_mine,
         "the keys, cards and codes handed to me (5 kap. 6 §), to sign their receipts"},
        API_ROUTES_END,
};
