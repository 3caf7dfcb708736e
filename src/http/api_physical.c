/*
 * The hand-written route of physical security (5 kap. 3 §): the hosts a
 * visitor permit may name. The reception issues permits but reads no persons
 * register (need-to-know): it gets the active persons' numbers and names,
 * nothing more (no unit, login or holdings). The registers themselves (areas,
 * access, visits) are definitions (src/model/reg_*.c).
 */
#include "http/api.h"
#include "model/register.h"

#define R(x) ROLE_BIT(ROLE_##x)

static const struct api_field f_none[] = {API_FIELDS_END};

static void h_hosts(struct api_ctx *c)
{
	struct store_reader *r = model_reader(api_model(c->api));
	json_t *arr = json_array();
	struct store_q *q;

	if (!r || !arr ||
	    store_reader_query(r,
	                       "SELECT id, name FROM person WHERE status = 'active' ORDER BY "
	                       "name, id",
	                       &q)) {
		json_decref(arr);
		api_error(c, 500, "internal", NULL, "the persons could not be read");
		return;
	}
	while (store_q_step(q) == SK_OK)
		json_array_append_new(arr,
		                      json_pack("{s:I, s:s}", "id", (json_int_t)store_q_int(q, 0),
		                                "name", store_q_text(q, 1)));
	store_q_done(q);
	api_reply(c, 200, json_pack("{s:o}", "hosts", arr));
}

const struct api_route api_routes_physical[] = {
        {"GET", "/api/v1/visits/hosts", R(RECEPTION) | R(SSC), 0, NULL, f_none, h_hosts,
         "the active persons a visitor permit may name as host: number and name only"},
        API_ROUTES_END,
};
