/*
 * Visitor permits (besökstillstånd, 5 kap. 3 § PMFS 2022:1): the written
 * permit of a visitor who is not authorised to enter — who, from which
 * organisation, how identity was checked, the host (an active person), the
 * areas, the days, whether an escort is required, the badge, the purpose —
 * issued by the reception or the security officer, and the visit's check-in
 * and check-out.
 *
 * States: requested (registered, no permit yet) → issued → checked_in →
 * checked_out; requested or issued → cancelled. A check-in without an issued
 * permit or outside its days is refused unless the reception says why
 * (checkin_note): then it is recorded, and the rules flag it.
 *
 * Readers: the reception, the ssc, the head and the auditor. The reception
 * reads no persons register: the host's name is a computed column, and
 * GET /api/v1/visits/hosts (src/http/api_physical.c) offers active persons'
 * names to choose from.
 */
#include <string.h>

#include "model/access_int.h"
#include "model/records.h"
#include "model/reg_int.h"
#include "model/register.h"

#define R(x)  ROLE_BIT(ROLE_##x)
#define DESK  (R(RECEPTION) | R(SSC))
#define READ  (R(RECEPTION) | R(SSC) | R(CHIEF) | R(AUDITOR))
#define AREAS 20 /* areas one permit opens, at most */
#define NUL   REG_F_NULL

static const char *const states[] = {"requested",   "issued",    "checked_in",
                                     "checked_out", "cancelled", NULL};

static const struct reg_field fields[] = {
        {"id", REG_INT, .src = REG_SRC_ID, .flags = REG_F_CLI, .doc = "the permit's number"},
        {"visitor", REG_STRING, 1, 128, .flags = REG_F_LIST | REG_F_CLI,
         .doc = "the visitor's name"},
        {"organisation", REG_STRING, 0, 128, .flags = REG_F_LIST | REG_F_CLI,
         .doc = "the visitor's organisation"},
        {"id_check", REG_STRING, 0, 200, .doc = "how the visitor's identity was checked"},
        {"host_id", REG_REF, 0, SK_JSON_MAX_INT, .ref = "persons", .flags = NUL,
         .doc = "the host (an active person)"},
        {"host", REG_STRING, .src = REG_SRC_SQL, .flags = REG_F_LIST,
         .col = "(SELECT name FROM person WHERE person.id = visit.host_id)",
         .doc = "the host's name"},
        {"valid_from", REG_DATE, .flags = REG_F_LIST | REG_F_CLI, .doc = "the permit's first day"},
        {"valid_until", REG_DATE, .flags = REG_F_LIST | REG_F_CLI, .doc = "the permit's last day"},
        {"escort", REG_BOOL, .flags = REG_F_LIST | NUL,
         .doc = "the visitor is escorted throughout (null: not decided yet)"},
        {"badge", REG_STRING, 0, 32, .flags = REG_F_LIST | REG_F_CLI, .doc = "the badge's number"},
        {"purpose", REG_TEXT, 0, 1000, .doc = "the visit's purpose"},
        {"state", REG_ENUM, .values = states, .src = REG_SRC_STATE,
         .flags = REG_F_LIST | REG_F_FILTER | REG_F_CLI, .vlabel = "reg.visit_state",
         .doc = "requested, issued, checked_in, checked_out or cancelled"},
        /* who: names, not identity numbers (the columns keep the numbers) */
        {"issued_by", REG_STRING, .src = REG_SRC_SQL, .flags = NUL,
         .col = "(SELECT display_name FROM identity WHERE identity.id = visit.issued_by)",
         .doc = "who issued the permit (name)"},
        {"issued_at", REG_STRING, .flags = NUL, .doc = "when the permit was issued"},
        {"checked_in_at", REG_STRING, .flags = REG_F_LIST | NUL, .doc = "when the visitor came"},
        {"checked_in_by", REG_STRING, .src = REG_SRC_SQL, .flags = NUL,
         .col = "(SELECT display_name FROM identity WHERE identity.id = visit.checked_in_by)",
         .doc = "who checked the visitor in (name)"},
        {"checkin_note", REG_TEXT, 1, 500,
         .doc = "why a check-in departs from the permit (none issued, or outside its days)"},
        {"checked_out_at", REG_STRING, .flags = REG_F_LIST | NUL, .doc = "when the visitor left"},
        {"checked_out_by", REG_STRING, .src = REG_SRC_SQL, .flags = NUL,
         .col = "(SELECT display_name FROM identity WHERE identity.id = visit.checked_out_by)",
         .doc = "who checked the visitor out (name)"},
        {"cancelled_on", REG_DATE, .flags = REG_F_PAST | NUL, .doc = "the day it was cancelled"},
        {"cancel_reason", REG_TEXT, 1, 500, .doc = "why it was cancelled"},
        REG_FIELD_CREATED_AT,
        REG_FIELD_UPDATED_AT,
        {"area_ids", REG_IDS, 0, AREAS, .src = REG_SRC_LEDGER_ONLY, .doc = "the areas it opens"},
        {0},
};

/* The value of key in the entry being built, else in the record as it is. */
static const json_t *now_val(const struct reg_call *c, const char *key)
{
	const json_t *v = json_object_get(c->data, key);

	return v ? v : json_object_get(c->old, key);
}

/* The days: the last not before the first. */
static int check_days(struct reg_call *c)
{
	const char *from = json_string_value(now_val(c, "valid_from")),
	           *until = json_string_value(now_val(c, "valid_until"));

	if (from && until && strcmp(until, from) < 0)
		return store_tx_failr(c->tx, SK_EINVAL, "valid_until", "visit.until_before",
		                      json_pack("{s:s}", "date", from),
		                      "valid_until: before valid_from (%s)", from);
	return SK_OK;
}

/* The host given is an active person. */
static int check_host(struct reg_call *c)
{
	const json_t *v = json_object_get(c->in, "host_id");
	int rc;

	if (!json_is_integer(v) || json_integer_value(v) <= 0)
		return SK_OK;
	rc = records_tx_person_active(c->tx, json_integer_value(v));
	if (rc == SK_ERULE)
		return store_tx_failr(c->tx, SK_ERULE, "host_id", "visit.host_ended", NULL,
		                      "the host has ended");
	return rc;
}

/* Every area given is an active area. */
static int check_areas(struct reg_call *c)
{
	const json_t *v = json_object_get(c->in, "area_ids"), *x;
	size_t i;

	json_array_foreach(v, i, x)
	{
		int64_t n = 0;
		int rc = store_tx_int(
		        c->tx, &n, "SELECT count(*) FROM area WHERE id = ?1 AND status = 'active'",
		        "i", (int64_t)json_integer_value(x));

		if (rc)
			return rc;
		if (!n)
			return store_tx_failr(c->tx, SK_EINVAL, "area_ids", "visit.area_missing",
			                      json_pack("{s:I}", "id", json_integer_value(x)),
			                      "area_ids: no active area %lld",
			                      (long long)json_integer_value(x));
	}
	return SK_OK;
}

static int check_fields(struct reg_call *c)
{
	int rc = check_days(c);

	if (!rc)
		rc = check_host(c);
	if (!rc)
		rc = check_areas(c);
	return rc;
}

static int64_t area_count(struct reg_call *c)
{
	const json_t *v = json_object_get(c->in, "area_ids");
	int64_t n = 0;

	if (v)
		return (int64_t)json_array_size(v);
	if (store_tx_int(c->tx, &n, "SELECT count(*) FROM visit_area WHERE visit_id = ?1", "i",
	                 c->id))
		return 0;
	return n;
}

/* The permit is complete: a host, at least one area, the escort decided. */
static int check_issue(struct reg_call *c)
{
	int rc = check_fields(c);
	const json_t *host = now_val(c, "host_id"), *escort = now_val(c, "escort");
	const char *until;
	char today[11];

	if (rc)
		return rc;
	model_today(today);
	until = json_string_value(now_val(c, "valid_until"));
	if (until && strcmp(until, today) < 0)
		return store_tx_failr(c->tx, SK_ERULE, "valid_until", "visit.permit_past",
		                      json_pack("{s:s}", "date", until),
		                      "the visit ended on %s: a permit is not issued afterwards",
		                      until);
	if (!json_is_integer(host) || json_integer_value(host) <= 0)
		return store_tx_failr(c->tx, SK_EINVAL, "host_id", "visit.host_required", NULL,
		                      "a permit names its host (host_id)");
	if (area_count(c) == 0)
		return store_tx_failr(c->tx, SK_EINVAL, "area_ids", "visit.areas_required", NULL,
		                      "a permit names the areas it opens (area_ids)");
	if (!json_is_boolean(escort))
		return store_tx_failr(c->tx, SK_EINVAL, "escort", "visit.escort_unanswered", NULL,
		                      "a permit says whether the visitor is escorted (escort)");
	/* the host still active when the permit is issued (given earlier, or now) */
	rc = records_tx_person_active(c->tx, json_integer_value(host));
	if (rc == SK_ERULE)
		return store_tx_failr(c->tx, SK_ERULE, "host_id", "visit.host_ended", NULL,
		                      "the host has ended");
	return rc;
}

/*
 * A check-in without an issued permit, or on a day outside it, is refused
 * unless the reception says why (checkin_note); the entry says which.
 */
static int check_checkin(struct reg_call *c)
{
	const char *state = model_json_str(c->old, "state"),
	           *from = model_json_str(c->old, "valid_from"),
	           *until = model_json_str(c->old, "valid_until"),
	           *note = model_json_str(c->data, "checkin_note");
	bool permit = state && strcmp(state, "issued") == 0;
	char today[11];
	bool inside;

	model_today(today);
	inside = from && until && strcmp(today, from) >= 0 && strcmp(today, until) <= 0;
	if ((!permit || !inside) && (!note || !*note))
		return store_tx_failr(
		        c->tx, SK_ERULE, "checkin_note",
		        permit ? "visit.checkin_outside" : "visit.checkin_no_permit",
		        from && until ? json_pack("{s:s, s:s}", "from", from, "until", until)
		                      : NULL,
		        permit ? "the permit is valid %s–%s: say why the visitor is let in "
		                 "today (checkin_note)"
		               : "no permit is issued%s%s: say why the visitor is let in "
		                 "(checkin_note)",
		        permit ? from : "", permit ? until : "");
	json_object_set_new(c->data, "permit", json_boolean(permit));
	json_object_set_new(c->data, "inside", json_boolean(inside));
	return SK_OK;
}

/* ---- the projection beyond the generic apply ---- */

static int apply(struct store_tx *tx, const struct ledger_entry *e, const struct reg_cmd *cmd)
{
	int64_t id = model_json_int(e->data, "id");
	const json_t *areas = json_object_get(e->data, "area_ids"), *x;
	char t[SK_TIME_LEN + 1];
	size_t i;
	int rc = SK_OK;

	model_time(e->time_us, t);
	if (json_is_array(areas)) {
		rc = store_tx_run(tx, "DELETE FROM visit_area WHERE visit_id = ?1", "i", id);
		json_array_foreach(areas, i, x)
		{
			if (!rc)
				rc = store_tx_run(
				        tx,
				        "INSERT INTO visit_area (visit_id, area_id) VALUES "
				        "(?1, ?2)",
				        "ii", id, (int64_t)json_integer_value(x));
		}
	}
	if (rc)
		return rc;
	/* who and when come from the entry itself: replay makes the same row */
	if (strcmp(cmd->event, "visit.issued") == 0)
		return store_tx_run(tx,
		                    "UPDATE visit SET issued_by = ?2, issued_at = ?3 WHERE id = ?1",
		                    "iit", id, e->actor, t);
	if (strcmp(cmd->event, "visit.checked_in") == 0)
		return store_tx_run(tx,
		                    "UPDATE visit SET checked_in_by = ?2, checked_in_at = ?3 WHERE "
		                    "id = ?1",
		                    "iit", id, e->actor, t);
	if (strcmp(cmd->event, "visit.checked_out") == 0)
		return store_tx_run(
		        tx,
		        "UPDATE visit SET checked_out_by = ?2, checked_out_at = ?3 WHERE "
		        "id = ?1",
		        "iit", id, e->actor, t);
	return SK_OK;
}

/* ---- reads ---- */

/* One permit shows the areas it opens, by name. */
static void detail(struct model *m, const struct principal *p, json_t *o)
{
	struct store_reader *r = model_reader(m);
	json_t *arr = json_array();
	struct store_q *q;

	(void)p;
	if (r && arr &&
	    !store_reader_query(r,
	                        "SELECT a.id, a.name, a.kind FROM visit_area w JOIN area a ON a.id "
	                        "= w.area_id WHERE w.visit_id = ?1 ORDER BY a.name, a.id",
	                        &q)) {
		store_q_bind_int(q, 1, model_json_int(o, "id"));
		while (store_q_step(q) == SK_OK)
			json_array_append_new(arr, json_pack("{s:I, s:s, s:s}", "id",
			                                     (json_int_t)store_q_int(q, 0), "name",
			                                     store_q_text(q, 1), "kind",
			                                     store_q_text(q, 2)));
		store_q_done(q);
	}
	json_object_set_new(o, "areas", arr ? arr : json_array());
}

/* ---- the definition ---- */

static const struct reg_arg add_args[] = {
        {"visitor", REG_A_REQUIRED, NULL, NULL},
        {"organisation", REG_A_EMPTY, NULL, NULL},
        {"purpose", REG_A_EMPTY, NULL, NULL},
        {"valid_from", REG_A_TODAY, "from", "the first day (default today)"},
        {"valid_until", REG_A_REQUIRED, "until", NULL},
        {"host_id", REG_A_NULL, "host", NULL},
        {"area_ids", 0, "areas", NULL},
        {"escort", REG_A_NULL, NULL, NULL},
        {0}, /* the CLI takes at most 8 options (CLIENT_MAX_VALUES): id_check and badge at issue */
};
static const struct reg_arg update_args[] = {
        {"visitor", 0, NULL, NULL},
        {"organisation", 0, NULL, NULL},
        {"purpose", 0, NULL, NULL},
        {"valid_from", 0, "from", NULL},
        {"valid_until", 0, "until", NULL},
        {"host_id", REG_A_CLEAR, "host", NULL},
        {"area_ids", 0, "areas", NULL},
        {"escort", REG_A_CLEAR, NULL, NULL},
        {0},
};
static const struct reg_arg issue_args[] = {
        {"host_id", 0, "host", "the host (default: as registered)"},
        {"area_ids", 0, "areas", "the areas it opens (default: as registered)"},
        {"escort", 0, NULL, NULL},
        {"id_check", 0, NULL, NULL},
        {"badge", 0, NULL, NULL},
        {0},
};
static const struct reg_arg checkin_args[] = {
        {"id_check", 0, NULL, "how identity was checked at the door"},
        {"badge", 0, NULL, NULL},
        {"checkin_note", REG_A_EMPTY, "note",
         "why the visitor is let in without an issued permit or outside its days"},
        {0},
};
static const struct reg_arg checkout_args[] = {{0}};
static const struct reg_arg cancel_args[] = {
        {"cancelled_on", REG_A_TODAY, "on", NULL},
        {"cancel_reason", REG_A_REQUIRED, "reason", NULL},
        {0},
};

static const struct reg_cmd cmds[] = {
        {.name = "add",
         .verb = REG_CREATE,
         .roles = DESK,
         .event = "visit.requested",
         .state = "requested",
         .args = add_args,
         .check = check_fields,
         .summary = "register a visit (the permit is issued next)",
         .help = "Registers a visit: the visitor, their organisation, the days. The permit is "
                 "issued with `issue` once the host, the areas and the escort are known."},
        {.name = "update",
         .verb = REG_UPDATE,
         .roles = DESK,
         .event = "visit.updated",
         .when = "requested", /* an issued permit is not changed: cancel it, issue anew */
         .args = update_args,
         .check = check_fields,
         .summary = "change a visit before the visitor comes"},
        {.name = "issue",
         .verb = REG_ACT,
         .path = "issue",
         .roles = DESK,
         .event = "visit.issued",
         .state = "issued",
         .when = "requested",
         .args = issue_args,
         .check = check_issue,
         .summary = "issue the written visitor permit (5 kap. 3 §)",
         .help = "Issues the written permit: it names the host, the areas and whether the "
                 "visitor is escorted. The issuer is the one who runs it."},
        {.name = "checkin",
         .verb = REG_ACT,
         .path = "checkin",
         .roles = DESK,
         .event = "visit.checked_in",
         .state = "checked_in",
         .when = "requested issued",
         .args = checkin_args,
         .check = check_checkin,
         .summary = "check the visitor in",
         .help = "Checks the visitor in. Without an issued permit, or outside its days, give "
                 "--note saying why: it is recorded and the rules flag it."},
        {.name = "checkout",
         .verb = REG_ACT,
         .path = "checkout",
         .roles = DESK,
         .event = "visit.checked_out",
         .state = "checked_out",
         .when = "checked_in",
         .args = checkout_args,
         .summary = "check the visitor out"},
        {.name = "cancel",
         .verb = REG_ACT,
         .path = "cancel",
         .roles = DESK,
         .event = "visit.cancelled",
         .state = "cancelled",
         .when = "requested issued",
         .args = cancel_args,
         .danger = true,
         .summary = "cancel a visit that will not take place"},
        {0},
};

static const char *const extra_tables[] = {"visit_area", NULL};

const struct register_def reg_visits = {
        .name = "visits",
        .one = "visit",
        .table = "visit",
        .cli = "visit",
        .slug = "besok",
        .display = "visitor",
        .title = "visitor permits",
        .paragraph = "5 kap. 3 §",
        .about = "Visitor permits (5 kap. 3 §): the written permit of each visitor, and the "
                 "visit's check-in and check-out.",
        .read_roles = READ,
        .fields = fields,
        .cmds = cmds,
        .order = "valid_from DESC, id DESC",
        .apply = apply,
        .extra_tables = extra_tables,
        .detail = detail,
};
