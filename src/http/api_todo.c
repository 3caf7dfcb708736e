/*
 * GET /api/v1/me/todo: Att göra, what waits for the caller now
 * (src/model/todo.c): counts by kind, each of which the web UI says in words
 * and links to the page where it is done. The optional reminders by e-mail
 * of the same lists (src/model/remind.c): one's own address, and a run now.
 */
#include "http/api.h"
#include "model/remind.h"
#include "model/todo.h"

#define R(x) ROLE_BIT(ROLE_##x)

/* How long POST /api/v1/reminders/send waits for the sending thread's answer. */
#define SEND_WAIT_S 20

static const struct api_field f_none[] = {API_FIELDS_END};

static const struct api_field f_email[] = {
        {"email", API_STRING, true, 0, 254,
         "my address for reminders (local@domain), or empty for none", NULL},
        API_FIELDS_END};

static void h_todo(struct api_ctx *c)
{
	json_t *items = model_todo(api_model(c->api), &c->p);

	if (!items) {
		api_fail(c, SK_EIO, NULL);
		return;
	}
	api_reply(c, 200, json_pack("{s:o}", "todo", items));
}

static void h_me_email(struct api_ctx *c)
{
	struct model_err err = {0};
	const char *email = json_string_value(json_object_get(c->body, "email"));
	int rc = model_identity_set_email(api_model(c->api), &c->p, email, &err);

	if (rc) {
		api_fail(c, rc, &err);
		return;
	}
	api_h_me(c);
}

static void h_send(struct api_ctx *c)
{
	struct remind *r = api_remind(c->api);
	struct remind_result res;

	if (!r) {
		api_errorr(c, 409, "conflict", "", "reminders.not_configured", NULL,
		           "reminders are off: the server was started without --smtp");
		return;
	}
	remind_run_now(r, c->p.id, SEND_WAIT_S, &res);
	if (!res.done) {
		/* the thread goes on and records the run; the request thread does not wait longer
		 */
		api_reply(c, 202, json_pack("{s:b}", "done", 0));
		return;
	}
	api_reply(c, 200,
	          json_pack("{s:b, s:I, s:I, s:I}", "done", 1, "recipients",
	                    (json_int_t)res.recipients, "sent", (json_int_t)res.sent, "failed",
	                    (json_int_t)res.failed));
}

const struct api_route api_routes_todo[] = {
        {"GET", "/api/v1/me/todo", ROLES_ANY, 0, NULL, f_none, h_todo,
         "Att göra: what waits for me now (receipts to sign, items to check, reviews due …), "
         "as counts by kind"},
        {"POST", "/api/v1/me/email", ROLES_ANY, 0, f_email, f_none, h_me_email,
         "set or remove my e-mail address for reminders of Att göra"},
        {"POST", "/api/v1/reminders/send", R(SSC) | R(ADMIN), 0, f_none, f_none, h_send,
         "send the reminders of Att göra by e-mail now (counts only; 409 without --smtp)"},
        API_ROUTES_END,
};
