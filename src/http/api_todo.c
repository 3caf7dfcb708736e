/*
 * GET /api/v1/me/todo: Att göra, what waits for the caller now
 * (src/model/todo.c): counts by kind, each of which the web UI says in words
 * and links to the page where it is done.
 */
#include "http/api.h"
#include "model/todo.h"

static const struct api_field f_none[] = {API_FIELDS_END};

static void h_todo(struct api_ctx *c)
{
	json_t *items = model_todo(api_model(c->api), &c->p);

	if (!items) {
		api_fail(c, SK_EIO, NULL);
		return;
	}
	api_reply(c, 200, json_pack("{s:o}", "todo", items));
}

const struct api_route api_routes_todo[] = {
        {"GET", "/api/v1/me/todo", ROLES_ANY, 0, NULL, f_none, h_todo,
         "Att göra: what waits for me now (receipts to sign, items to check, reviews due …), "
         "as counts by kind"},
        API_ROUTES_END,
};
