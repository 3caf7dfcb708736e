/*
 * Areas (områden, byggnader, anläggningar, objekt, and the zones inside
 * them) where security-sensitive activity is run, 5 kap. 2 and 4 §§ PMFS
 * 2022:1: what is handled there (the highest class of information, or the
 * consequence level of the assets, with a link to the approved analysis's
 * asset), and the recorded decision on how identity and authorisation are
 * checked at entry (4 §). include_zones says whether an authorisation to the
 * area also opens the zones inside it (2 §: no more access than needed).
 * Access authorisations (reg_access.c), visitor permits (reg_visits.c) and
 * keys, codes and cards name areas.
 */
#include <string.h>

#include "model/access_int.h"
#include "model/reg_int.h"
#include "model/register.h"

extern const struct register_def reg_access; /* reg_access.c: who reads authorisations */

#define R(x)  ROLE_BIT(ROLE_##x)
#define WRITE R(SSC)
/* the reception issues visitor permits to areas, so it reads them */
#define READ (ROLES_REGISTER | R(RECEPTION))

static const char *const kinds[] = {"area", "building", "facility", "object", "zone", NULL};
static const char *const levels[] = {"A", "B", "C", "D", NULL};
static const char *const states[] = {"active", "closed", NULL};

static const struct reg_field fields[] = {
        {"id", REG_INT, .src = REG_SRC_ID, .flags = REG_F_CLI, .doc = "the area's number"},
        {"name", REG_STRING, 1, 128, .flags = REG_F_LIST | REG_F_CLI | REG_F_UNIQUE,
         .doc = "the area's name (unique)"},
        {"kind", REG_ENUM, .values = kinds, .flags = REG_F_LIST | REG_F_FILTER | REG_F_CLI,
         .vlabel = "reg.area_kind", .doc = "area, building, facility, object or zone"},
        {"parent_id", REG_REF, 0, SK_JSON_MAX_INT, .ref = "areas",
         .flags = REG_F_LIST | REG_F_FILTER | REG_F_CLI | REG_F_NULL,
         .doc = "the area it lies inside (a zone's area)"},
        {"location", REG_STRING, 0, 200, .doc = "address or place"},
        {"max_class", REG_CLASS, .flags = REG_F_LIST | REG_F_CLI | REG_F_NULL,
         .doc = "the highest class of information handled there"},
        {"level", REG_ENUM, .values = levels, .flags = REG_F_NULL, .vlabel = "reg.area_level",
         .doc = "the consequence level of the assets there (A–D, 2 kap. 5 §)"},
        {"asset_id", REG_INT, 0, SK_JSON_MAX_INT, .flags = REG_F_NULL,
         .doc = "the asset of the approved security protection analysis it holds"},
        {"include_zones", REG_BOOL, .doc = "an authorisation to the area also opens its zones"},
        {"check_method", REG_TEXT, 1, 1000,
         .doc = "how identity and authorisation are checked at entry (5 kap. 4 §)"},
        {"check_decision_ref", REG_STRING, 1, 128, .flags = REG_F_LIST | REG_F_CLI,
         .doc = "the decision's reference"},
        {"check_decided_on", REG_DATE, .flags = REG_F_PAST | REG_F_NULL,
         .doc = "the day of the decision"},
        {"check_decided_by", REG_REF, .ref = "identities", .flags = REG_F_NULL,
         .doc = "who recorded the decision (identity)"},
        {"status", REG_ENUM, .values = states, .src = REG_SRC_STATE,
         .flags = REG_F_LIST | REG_F_FILTER | REG_F_CLI, .vlabel = "reg.area_state",
         .doc = "active or closed"},
        {"closed_on", REG_DATE, .flags = REG_F_PAST | REG_F_NULL, .doc = "the day it was closed"},
        REG_FIELD_CREATED_AT,
        REG_FIELD_UPDATED_AT,
        {"zones", REG_INT, .src = REG_SRC_SQL, .flags = REG_F_LIST,
         .col = "(SELECT count(*) FROM area z WHERE z.parent_id = area.id AND z.status = "
                "'active')",
         .doc = "active areas inside it"},
        {"authorised", REG_INT, .src = REG_SRC_SQL, .flags = REG_F_LIST,
         .col = "(SELECT count(*) FROM area_access x WHERE x.area_id = area.id AND x.state = "
                "'active')",
         .doc = "access authorisations not withdrawn"},
        {0},
};

static int64_t num(const json_t *o, const char *key)
{
	return (int64_t)json_integer_value(json_object_get(o, key));
}

/* The parent is an active area, not the area itself nor one inside it (no cycle). */
static int parent_ok(struct reg_call *c, int64_t parent)
{
	int64_t n = 0;
	int rc;

	if (parent <= 0)
		return SK_OK;
	if ((rc = store_tx_int(c->tx, &n,
	                       "SELECT count(*) FROM area WHERE id = ?1 AND status = "
	                       "'active'",
	                       "i", parent)))
		return rc;
	if (!n)
		return store_tx_failr(c->tx, SK_ERULE, "parent_id", "area.parent_closed", NULL,
		                      "area %lld is closed", (long long)parent);
	if (c->cmd->verb == REG_CREATE)
		return SK_OK;
	/* walk up from the new parent: meeting this area would make a cycle */
	if ((rc = store_tx_int(c->tx, &n,
	                       "WITH RECURSIVE up(id, depth) AS (SELECT ?1, 0 UNION ALL SELECT "
	                       "a.parent_id, up.depth + 1 FROM area a JOIN up ON a.id = up.id "
	                       "WHERE a.parent_id IS NOT NULL AND up.depth < 64) SELECT count(*) "
	                       "FROM up WHERE id = ?2",
	                       "ii", parent, c->id)))
		return rc;
	if (n)
		return store_tx_failr(c->tx, SK_EINVAL, "parent_id", "area.parent_cycle", NULL,
		                      "an area cannot lie inside itself or one of its zones");
	return SK_OK;
}

/*
 * The asset is one of the approved analysis's assets (2 kap. 3–5 §§). The
 * analysis keeps its content as JSON; only its asset ids are read here.
 */
static int asset_ok(struct reg_call *c, const json_t *v)
{
	struct store_q *q;
	json_t *content = NULL, *a;
	bool found = false;
	size_t i;
	int rc;

	if (!v || json_is_null(v) || json_integer_value(v) == 0)
		return SK_OK;
	rc = store_tx_query(c->tx,
	                    "SELECT content FROM analysis WHERE state = 'approved' ORDER BY "
	                    "approved_on DESC, id DESC LIMIT 1",
	                    &q);
	if (rc)
		return rc;
	if (store_q_step(q) == SK_OK)
		content = json_loads(store_q_text(q, 0), 0, NULL);
	store_q_done(q);
	json_array_foreach(json_object_get(content, "assets"), i, a)
	{
		if (json_integer_value(json_object_get(a, "id")) == json_integer_value(v))
			found = true;
	}
	json_decref(content);
	if (!found)
		return store_tx_failr(c->tx, SK_ENOTFOUND, "asset_id", "area.asset_missing", NULL,
		                      "the approved security protection analysis has no asset "
		                      "%lld",
		                      (long long)json_integer_value(v));
	return SK_OK;
}

/* An asset link of 0 is no link: the column holds NULL, not 0. */
static void asset_zero_null(struct reg_call *c)
{
	json_t *v = json_object_get(c->data, "asset_id");

	if (json_is_integer(v) && json_integer_value(v) == 0)
		json_object_set_new(c->data, "asset_id", json_null());
}

/* A zone lies inside an area. */
static int zone_ok(struct reg_call *c, const char *kind, int64_t parent)
{
	if (kind && strcmp(kind, "zone") == 0 && parent <= 0)
		return store_tx_failr(c->tx, SK_EINVAL, "parent_id", "area.zone_parent", NULL,
		                      "a zone lies inside an area: give parent_id");
	return SK_OK;
}

static int check_add(struct reg_call *c)
{
	int rc = zone_ok(c, model_json_str(c->in, "kind"), num(c->in, "parent_id"));

	if (!rc)
		rc = parent_ok(c, num(c->in, "parent_id"));
	if (!rc)
		rc = asset_ok(c, json_object_get(c->in, "asset_id"));
	if (!rc && !json_object_get(c->data, "include_zones"))
		json_object_set_new(c->data, "include_zones", json_false());
	if (!rc)
		asset_zero_null(c);
	return rc;
}

static int check_update(struct reg_call *c)
{
	json_t *p = json_object_get(c->in, "parent_id");
	const char *kind = json_object_get(c->in, "kind") ? model_json_str(c->in, "kind")
	                                                  : model_json_str(c->old, "kind");
	int64_t parent = p ? num(c->in, "parent_id") : num(c->old, "parent_id");
	int rc = zone_ok(c, kind, parent);

	if (!rc && p)
		rc = parent_ok(c, parent);
	if (!rc)
		rc = asset_ok(c, json_object_get(c->in, "asset_id"));
	if (!rc)
		asset_zero_null(c);
	return rc;
}

/* 5 kap. 4 §: the decision names who recorded it. */
static int check_decide(struct reg_call *c)
{
	json_object_set_new(c->data, "check_decided_by", json_integer(c->p ? c->p->id : 0));
	return SK_OK;
}

/* A count of sql (?1 = id) in the writer's transaction (0 on failure: the caller checks rc). */
static int tx_count(struct store_tx *tx, const char *sql, int64_t id, int64_t *n)
{
	*n = 0;
	return store_tx_int(tx, n, sql, "i", id);
}

/*
 * Closing an area: its zones are closed, nobody is authorised to it and no
 * visit to it is open. The refusal says how many of each (numbers, not
 * English words, so that the Swedish text can say them).
 */
static int check_close(struct reg_call *c)
{
	int64_t zones = 0, access = 0, visits = 0;
	int rc = tx_count(c->tx,
	                  "SELECT count(*) FROM area WHERE parent_id = ?1 AND status = 'active'",
	                  c->id, &zones);

	if (!rc)
		rc = tx_count(c->tx,
		              "SELECT count(*) FROM area_access WHERE area_id = ?1 AND state = "
		              "'active'",
		              c->id, &access);
	if (!rc)
		rc = tx_count(c->tx,
		              "SELECT count(*) FROM visit v JOIN visit_area w ON w.visit_id = v.id "
		              "WHERE w.area_id = ?1 AND v.state IN ('requested', 'issued', "
		              "'checked_in')",
		              c->id, &visits);
	if (rc)
		return rc;
	if (zones || access || visits)
		return store_tx_failr(
		        c->tx, SK_EEXIST, "id", "area.still_open",
		        json_pack("{s:I, s:I, s:I}", "zones", (json_int_t)zones, "access",
		                  (json_int_t)access, "visits", (json_int_t)visits),
		        "area %lld still has %lld active zones, %lld access "
		        "authorisations and %lld open visits: close, withdraw or end "
		        "them first",
		        (long long)c->id, (long long)zones, (long long)access, (long long)visits);
	return SK_OK;
}

/* ---- what one area shows beyond its row ---- */

/*
 * The authorisations in force today that let someone into area id: those to
 * the area itself, and those to an area it lies inside where every area on
 * the way down opens its zones (include_zones). Least access (5 kap. 2 §): an
 * authorisation to a building opens a zone only where the building says so.
 */
#define ACCESS_IN_FORCE                                                                            \
	"x.state = 'active' AND x.valid_from <= ?2 AND (x.valid_until IS NULL OR x.valid_until "   \
	">= "                                                                                      \
	"?2)"
static const char entrants_sql[] =
        "WITH RECURSIVE up(id, via_ok, depth) AS (SELECT ?1, 1, 0 UNION ALL SELECT a.parent_id, "
        "p.include_zones, up.depth + 1 FROM area a JOIN up ON a.id = up.id JOIN area p ON p.id "
        "= a.parent_id WHERE up.via_ok = 1 AND up.depth < 64) SELECT x.id, x.person_id, "
        "pe.name, x.area_id, ar.name, x.valid_from, x.valid_until FROM up JOIN area_access x ON "
        "x.area_id = up.id JOIN person pe ON pe.id = x.person_id JOIN area ar ON ar.id = "
        "x.area_id WHERE up.via_ok = 1 AND " ACCESS_IN_FORCE " ORDER BY pe.name, x.id";

static json_t *text_or_null(struct store_q *q, int col)
{
	return store_q_is_null(q, col) ? json_null() : json_string(store_q_text(q, col));
}

static void detail(struct model *m, const struct principal *p, json_t *o)
{
	struct store_reader *r = model_reader(m);
	int64_t id = num(o, "id");
	json_t *zones = json_array(), *who = NULL;
	struct store_q *q;
	char today[11];

	if (!r || !zones)
		goto out;
	if (!store_reader_query(r,
	                        "SELECT id, name, kind, status FROM area WHERE parent_id = ?1 "
	                        "ORDER BY name, id",
	                        &q)) {
		store_q_bind_int(q, 1, id);
		while (store_q_step(q) == SK_OK)
			json_array_append_new(zones, json_pack("{s:I, s:s, s:s, s:s}", "id",
			                                       (json_int_t)store_q_int(q, 0),
			                                       "name", store_q_text(q, 1), "kind",
			                                       store_q_text(q, 2), "status",
			                                       store_q_text(q, 3)));
		store_q_done(q);
	}
	/* who may enter names persons: for the readers of the authorisations only */
	if (!p || !(p->roles & reg_access.read_roles))
		goto out;
	model_today(today);
	who = json_array();
	if (who && !store_reader_query(r, entrants_sql, &q)) {
		store_q_bind_int(q, 1, id);
		store_q_bind_text(q, 2, today);
		while (store_q_step(q) == SK_OK)
			json_array_append_new(
			        who,
			        json_pack("{s:I, s:I, s:s, s:I, s:s, s:b, s:s, s:o}", "access_id",
			                  (json_int_t)store_q_int(q, 0), "person_id",
			                  (json_int_t)store_q_int(q, 1), "person",
			                  store_q_text(q, 2), "area_id",
			                  (json_int_t)store_q_int(q, 3), "area", store_q_text(q, 4),
			                  "through", store_q_int(q, 3) != id, "valid_from",
			                  store_q_text(q, 5), "valid_until", text_or_null(q, 6)));
		store_q_done(q);
	}
out:
	json_object_set_new(o, "zone_list", zones ? zones : json_array());
	if (who)
		json_object_set_new(o, "may_enter", who);
}

static const struct reg_arg add_args[] = {
        {"name", REG_A_REQUIRED, NULL, NULL},
        {"kind", REG_A_REQUIRED, NULL, NULL},
        {"parent_id", REG_A_NULL, "parent", NULL},
        {"location", REG_A_EMPTY, NULL, NULL},
        {"max_class", REG_A_NULL, "class", NULL},
        {"level", REG_A_NULL, NULL, NULL},
        {"asset_id", REG_A_NULL, "asset", NULL},
        {"include_zones", 0, NULL, "yes: an authorisation to it opens its zones too"},
        {0},
};
static const struct reg_arg update_args[] = {
        {"name", 0, NULL, NULL},
        {"kind", 0, NULL, NULL},
        {"parent_id", REG_A_CLEAR, "parent", "the area it lies inside; 0 removes it"},
        {"location", 0, NULL, NULL},
        {"max_class", REG_A_CLEAR, "class", NULL},
        {"level", REG_A_CLEAR, NULL, NULL},
        {"asset_id", REG_A_CLEAR, "asset", "the analysis's asset; 0 removes the link"},
        {"include_zones", 0, NULL, NULL},
        {0},
};
static const struct reg_arg decide_args[] = {
        {"check_method", REG_A_REQUIRED, "method",
         "how identity and authorisation are checked at entry (5 kap. 4 §)"},
        {"check_decision_ref", REG_A_REQUIRED, "decision", NULL},
        {"check_decided_on", REG_A_TODAY, "on", "the day of the decision (default today)"},
        {0},
};
static const struct reg_arg close_args[] = {
        {"closed_on", REG_A_TODAY, "on", NULL},
        {0},
};

static const struct reg_cmd cmds[] = {
        {.name = "add",
         .verb = REG_CREATE,
         .roles = WRITE,
         .event = "area.registered",
         .state = "active",
         .args = add_args,
         .check = check_add,
         .summary = "register an area, building, facility, object or zone (5 kap. 2 §)",
         .help = "Registers an area where security-sensitive activity is run, or a zone inside "
                 "one (--parent). ssc only."},
        {.name = "update",
         .verb = REG_UPDATE,
         .roles = WRITE,
         .event = "area.updated",
         .when = "active",
         .args = update_args,
         .check = check_update,
         .summary = "change an area",
         .help = "Changes an active area."},
        {.name = "decide",
         .verb = REG_ACT,
         .path = "decide",
         .roles = WRITE | R(CHIEF),
         .event = "area.check_decided",
         .when = "active",
         .args = decide_args,
         .check = check_decide,
         .summary = "record how identity and authorisation are checked at entry (5 kap. 4 §)",
         .help = "Records the decision on how identity and authorisation are checked at entry "
                 "(5 kap. 4 §): the method, the decision's reference and its day."},
        {.name = "close",
         .verb = REG_ACT,
         .path = "close",
         .roles = WRITE,
         .event = "area.closed",
         .state = "closed",
         .when = "active",
         .args = close_args,
         .check = check_close,
         .danger = true,
         .summary = "close an area no longer used",
         .help = "Closes an area: refused while it has active zones, authorisations or visits."},
        {0},
};

const struct register_def reg_areas = {
        .name = "areas",
        .one = "area",
        .table = "area",
        .cli = "area",
        .slug = "omraden",
        .display = "name",
        .title = "areas",
        .paragraph = "5 kap. 2, 4 §§",
        .about = "Areas, buildings, facilities, objects and their zones where security-sensitive "
                 "activity is run, and how identity and authorisation are checked at entry (5 "
                 "kap. 2, 4 §§).",
        .read_roles = READ,
        .fields = fields,
        .cmds = cmds,
        .order = "id",
        .detail = detail,
        .import = "add",
};
