/*
 * Positions, placements and security training (src/model/reg_positions.c,
 * reg_training.c, positions_detail.c; 6 kap. 1–3, 11 §§): every command's
 * good path and its refusals (each changes nothing), the person's page part,
 * the import of attendance lists from CSV and XLSX, the demo data and the
 * rules over real entries — the training finding appears and goes.
 */
#include "testutil.h"
#include "regfixture.h"

#include <sqlite3.h>

#include <jansson.h>

#include "cli/demo_positions.h"
#include "model/positions.h"
#include "model/register.h"
#include "model/register_io.h"
#include "model/xlsx.h"
#include "util/util.h"

static struct reg_fixture g_fx;
static struct principal ssc, pers, chief, staff, auditor;
static int64_t p_pers, p_anna, p_bo, p_cai;

static int run(const struct principal *p, const char *reg, const char *cmd, int64_t *id,
               const char *json, struct model_err *err)
{
	json_error_t je;
	json_t *in = json_loads(json, 0, &je);
	int rc;

	if (!in)
		fail_msg("bad test JSON %s: %s", json, je.text);
	memset(err, 0, sizeof(*err));
	rc = reg_run(g_fx.model, p, reg, cmd, in, id, err);
	json_decref(in);
	return rc;
}

/* reg cmd is refused with rc on field for reason, and the ledger did not grow. */
static void refused(const struct principal *p, const char *reg, const char *cmd, int64_t id,
                    const char *json, int rc, const char *field, const char *reason)
{
	uint64_t n = regfx_ledger_size(&g_fx);
	struct model_err err;
	int64_t x = id;

	if (run(p, reg, cmd, &x, json, &err) != rc)
		fail_msg("%s %s %s: expected %d, got %s (%s, %s)", reg, cmd, json, rc, err.msg,
		         err.field, err.reason);
	if (field)
		assert_string_equal(err.field, field);
	if (reason)
		assert_string_equal(err.reason, reason);
	assert_int_equal(regfx_ledger_size(&g_fx), n);
}

static int64_t ok_run(const struct principal *p, const char *reg, const char *cmd, int64_t id,
                      const char *json)
{
	struct model_err err;
	int64_t x = id;

	if (run(p, reg, cmd, &x, json, &err) != SK_OK)
		fail_msg("%s %s %s: %s (%s, %s)", reg, cmd, json, err.msg, err.field, err.reason);
	return x;
}

static int64_t sql_int(const char *sql)
{
	return regfx_sql_int(&g_fx, sql);
}

/* An approved analysis (id 100), written straight into the projection as test_rules does. */
static void approved_analysis(void)
{
	char path[128], *msg = NULL;
	sqlite3 *db = NULL;

	snprintf(path, sizeof(path), "%s/skydd.db", g_fx.dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_exec(
	            db,
	            "INSERT INTO analysis (id, series_id, version, state, title, content, "
	            "created_at, created_by, updated_at, approved_on, approved_by) VALUES "
	            "(100, 100, 1, 'approved', 'SSA', '{}', '2026-01-01T00:00:00Z', 1, "
	            "'2026-01-01T00:00:00Z', '2026-01-01', 1), (101, 101, 1, 'draft', 'Utkast', "
	            "'{}', '2026-01-01T00:00:00Z', 1, '2026-01-01T00:00:00Z', NULL, NULL)",
	            NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("analysis: %s", msg);
	sqlite3_close(db);
}

static int setup(void **state)
{
	char until[11];

	(void)state;
	regfx_open(&g_fx, "/tmp/skydd-pos-XXXXXX", REGFX_READER | REGFX_FAST_PW, NULL);
	regfx_today_plus(180, until);
	regfx_identity(g_fx.model, &ssc, "sara", ROLE_SSC, CLEAR_KH, NULL, until);
	regfx_identity(g_fx.model, &pers, "petra", ROLE_PERSONNEL, CLEAR_KH, NULL, until);
	regfx_identity(g_fx.model, &chief, "hugo", ROLE_CHIEF, CLEAR_KH, NULL, until);
	regfx_identity(g_fx.model, &staff, "stina", ROLE_STAFF, CLEAR_NONE, NULL, NULL);
	regfx_identity(g_fx.model, &auditor, "greger", ROLE_AUDITOR, CLEAR_NONE, NULL, NULL);
	p_pers = regfx_person(g_fx.model, &ssc, "Petra Personal", "HR", pers.id);
	p_anna = regfx_person(g_fx.model, &ssc, "Anna Analytiker", "Analys", staff.id);
	p_bo = regfx_person(g_fx.model, &ssc, "Bo Bärare", "Drift", 0);
	p_cai = regfx_person(g_fx.model, &ssc, "Cai Cyber", "Drift", 0);
	regfx_clear(g_fx.model, &ssc, p_bo, "H");
	approved_analysis();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	regfx_close(&g_fx);
	return 0;
}

static void test_positions(void **state)
{
	char json[512];
	int64_t pos, pl;

	(void)state;
	/* bad input first: nothing changes */
	refused(&pers, "positions", "add", 0,
	        "{\"name\": \"Driftchef\", \"security_class\": \"sk2\"}", SK_EINVAL, "info_class",
	        "position.info_class_needed");
	refused(&pers, "positions", "add", 0,
	        "{\"name\": \"Driftchef\", \"security_class\": \"sk4\", \"info_class\": \"H\"}",
	        SK_EINVAL, "security_class", NULL);
	refused(&staff, "positions", "add", 0,
	        "{\"name\": \"Driftchef\", \"security_class\": \"vetted\"}", SK_EPERM, NULL, NULL);
	pos = ok_run(&pers, "positions", "add", 0,
	             "{\"name\": \"Driftchef\", \"unit\": \"Drift\", \"security_class\": \"sk2\", "
	             "\"info_class\": \"H\", \"control_activity\": \"Drift av nätet\", "
	             "\"control_assets\": \"Serverhallen\"}");
	assert_true(pos > 0);
	refused(&pers, "positions", "add", 0,
	        "{\"name\": \"Driftchef\", \"security_class\": \"vetted\"}", SK_EEXIST, "name",
	        NULL);
	/* the decision: by the ssc or the head, on the approved analysis */
	snprintf(json, sizeof(json),
	         "{\"analysis_id\": 100, \"decision_ref\": \"B-1\", \"decided_by\": %lld}",
	         (long long)pers.id);
	refused(&pers, "positions", "decide", pos, json, SK_ERULE, "decided_by",
	        "position.decider_role");
	refused(&ssc, "positions", "decide", pos,
	        "{\"analysis_id\": 101, \"decision_ref\": \"B-1\"}", SK_ERULE, "analysis_id",
	        "position.analysis_not_approved");
	refused(&pers, "positions", "decide", pos, "{\"analysis_id\": 100}", SK_EINVAL,
	        "decision_ref", NULL);
	refused(&staff, "positions", "decide", pos,
	        "{\"analysis_id\": 100, \"decision_ref\": \"B\"}", SK_EPERM, NULL, NULL);
	ok_run(&chief, "positions", "decide", pos,
	       "{\"analysis_id\": 100, \"decision_ref\": \"B-1\"}");
	assert_int_equal(sql_int("SELECT decided_by FROM position WHERE id = 1"), chief.id);
	assert_int_equal(sql_int("SELECT count(*) FROM position WHERE decided_on IS NOT NULL"), 1);
	/* recorded by personnel, decided by the head who is named */
	snprintf(json, sizeof(json),
	         "{\"analysis_id\": 100, \"decision_ref\": \"B-2\", \"decided_by\": %lld}",
	         (long long)chief.id);
	ok_run(&pers, "positions", "decide", pos, json);
	assert_int_equal(sql_int("SELECT decided_by FROM position WHERE id = 1"), chief.id);
	/* another class is another decision */
	ok_run(&pers, "positions", "update", pos, "{\"security_class\": \"sk1\"}");
	assert_int_equal(sql_int("SELECT count(*) FROM position WHERE decided_on IS NULL AND "
	                         "analysis_id IS NULL AND id = 1"),
	                 1);
	ok_run(&ssc, "positions", "decide", pos,
	       "{\"analysis_id\": 100, \"decision_ref\": \"B-3\"}");

	/* placements */
	snprintf(json, sizeof(json), "{\"position_id\": %lld, \"person_id\": %lld}", (long long)pos,
	         (long long)p_pers);
	refused(&pers, "placements", "add", 0, json, SK_EPERM, "person_id", "placement.self");
	snprintf(json, sizeof(json),
	         "{\"position_id\": %lld, \"person_id\": %lld, \"temporary\": true}",
	         (long long)pos, (long long)p_bo);
	refused(&pers, "placements", "add", 0, json, SK_EINVAL, "valid_until",
	        "placement.until_needed");
	snprintf(json, sizeof(json),
	         "{\"position_id\": %lld, \"person_id\": %lld, \"valid_from\": \"2026-05-01\", "
	         "\"valid_until\": \"2026-04-01\"}",
	         (long long)pos, (long long)p_bo);
	refused(&pers, "placements", "add", 0, json, SK_EINVAL, "valid_until",
	        "placement.until_before");
	snprintf(json, sizeof(json), "{\"position_id\": 99, \"person_id\": %lld}", (long long)p_bo);
	refused(&pers, "placements", "add", 0, json, SK_ENOTFOUND, "position_id", NULL);
	snprintf(json, sizeof(json), "{\"position_id\": %lld, \"person_id\": %lld}", (long long)pos,
	         (long long)p_bo);
	refused(&auditor, "placements", "add", 0, json, SK_EPERM, NULL, NULL);
	pl = ok_run(&pers, "placements", "add", 0, json);
	assert_int_equal(sql_int("SELECT placed_by FROM placement WHERE id = 1"), pers.id);
	refused(&ssc, "placements", "add", 0, json, SK_EEXIST, "person_id", "placement.twice");
	/* the list says how many are placed today */
	{
		json_t *row = reg_get(g_fx.model, &auditor, reg_find("positions"), pos);

		assert_non_null(row);
		assert_int_equal(json_integer_value(json_object_get(row, "placed")), 1);
		json_decref(row);
	}
	/* closing: refused while someone is placed */
	refused(&pers, "positions", "close", pos, "{\"close_reason\": \"Omorganisation\"}",
	        SK_ERULE, "id", "position.placed");
	refused(&pers, "placements", "end", pl,
	        "{\"end_reason\": \"Ny tjänst\", \"ended_on\": "
	        "\"2000-01-01\"}",
	        SK_EINVAL, "ended_on", "placement.ended_before");
	ok_run(&pers, "placements", "end", pl, "{\"end_reason\": \"Ny tjänst\"}");
	refused(&pers, "placements", "end", pl, "{\"end_reason\": \"igen\"}", SK_EEXIST, "id",
	        "record.state");
	ok_run(&pers, "positions", "close", pos, "{\"close_reason\": \"Omorganisation\"}");
	snprintf(json, sizeof(json), "{\"position_id\": %lld, \"person_id\": %lld}", (long long)pos,
	         (long long)p_cai);
	refused(&pers, "placements", "add", 0, json, SK_ERULE, "position_id",
	        "placement.position_closed");
}

static void test_training(void **state)
{
	char json[512], past[11], future[11];
	int64_t course, s_past, s_future;

	(void)state;
	regfx_today_plus(-10, past);
	regfx_today_plus(10, future);
	refused(&pers, "courses", "add", 0,
	        "{\"name\": \"Registratorer\", \"content\": \"Diarieföring\", \"audience\": "
	        "\"role\"}",
	        SK_EINVAL, "role", "course.role_needed");
	refused(&pers, "courses", "add", 0,
	        "{\"name\": \"X\", \"content\": \"Y\", \"audience\": \"logins\", "
	        "\"refresher_months\": 121}",
	        SK_EINVAL, "refresher_months", NULL);
	refused(&staff, "courses", "add", 0,
	        "{\"name\": \"X\", \"content\": \"Y\", \"audience\": \"logins\"}", SK_EPERM, NULL,
	        NULL);
	course = ok_run(&pers, "courses", "add", 0,
	                "{\"name\": \"Grundutbildning\", \"content\": \"Säkerhetsskydd\", "
	                "\"audience\": \"logins\", \"refresher_months\": 12, \"before_access\": "
	                "true}");
	assert_int_equal(sql_int("SELECT before_access FROM training_course WHERE id = 1"), 1);
	snprintf(json, sizeof(json),
	         "{\"course_id\": %lld, \"held_on\": \"%s\", \"leader\": \"Sara\", \"place\": "
	         "\"Aulan\"}",
	         (long long)course, past);
	s_past = ok_run(&ssc, "training_sessions", "add", 0, json);
	snprintf(json, sizeof(json),
	         "{\"course_id\": %lld, \"held_on\": \"%s\", \"leader\": \"Sara\"}",
	         (long long)course, future);
	s_future = ok_run(&ssc, "training_sessions", "add", 0, json);
	snprintf(json, sizeof(json), "{\"session_id\": %lld, \"person_id\": %lld}",
	         (long long)s_future, (long long)p_anna);
	refused(&pers, "attendance", "add", 0, json, SK_ERULE, "session_id", "attendance.not_held");
	snprintf(json, sizeof(json), "{\"session_id\": %lld, \"person_id\": %lld}",
	         (long long)s_past, (long long)p_anna);
	ok_run(&pers, "attendance", "add", 0, json);
	refused(&pers, "attendance", "add", 0, json, SK_EEXIST, "person_id", "attendance.twice");
	refused(&pers, "training_sessions", "cancel", s_past, "{\"note\": \"Sjuk\"}", SK_ERULE,
	        "id", "session.attended");
	ok_run(&pers, "training_sessions", "cancel", s_future, "{\"note\": \"Sjuk ledare\"}");
	assert_int_equal(
	        sql_int("SELECT count(*) FROM training_attendance WHERE state = 'attended'"), 1);
}

/* The person's page: placements and training (done, due) for the readers only. */
static void test_person_detail(void **state)
{
	json_t *o = json_object(), *due;

	(void)state;
	positions_person_detail(g_fx.model, &auditor, p_anna, o);
	assert_non_null(json_object_get(o, "placements"));
	due = json_object_get(json_object_get(o, "training"), "due");
	assert_int_equal(json_array_size(due), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(due, 0), "status")),
	                    "done");
	assert_non_null(json_string_value(json_object_get(json_array_get(due, 0), "due")));
	assert_int_equal(json_array_size(json_object_get(json_object_get(o, "training"), "done")),
	                 1);
	json_decref(o);
	/* someone with a login who never took it: missing */
	o = json_object();
	positions_person_detail(g_fx.model, &ssc, p_pers, o);
	due = json_object_get(json_object_get(o, "training"), "due");
	assert_string_equal(json_string_value(json_object_get(json_array_get(due, 0), "status")),
	                    "missing");
	json_decref(o);
	/* Bo has no login: the course (everyone with a login) is not his; his ended placement is */
	o = json_object();
	positions_person_detail(g_fx.model, &pers, p_bo, o);
	assert_int_equal(json_array_size(json_object_get(json_object_get(o, "training"), "due")),
	                 0);
	assert_int_equal(json_array_size(json_object_get(o, "placements")), 1);
	json_decref(o);
	/* staff reads nothing of it, not even about themselves */
	o = json_object();
	positions_person_detail(g_fx.model, &staff, p_anna, o);
	assert_null(json_object_get(o, "placements"));
	assert_null(json_object_get(o, "training"));
	json_decref(o);
}

static int import(const struct principal *p, const char *data, size_t len, bool dry,
                  struct model_err *err)
{
	json_t *report = NULL;
	int rc;

	memset(err, 0, sizeof(*err));
	rc = reg_import(g_fx.model, p, reg_find("attendance"), data, len ? len : strlen(data), dry,
	                &report, err);
	json_decref(report);
	return rc;
}

/* Attendance lists from CSV and XLSX: persons by name, sessions by number. */
static void test_import(void **state)
{
	struct model_err err;
	struct model_xlsx x;
	lxw_worksheet *ws;
	struct buf b;
	uint64_t n;
	int64_t before;

	(void)state;
	before = sql_int("SELECT count(*) FROM training_attendance");
	n = regfx_ledger_size(&g_fx);
	/* a bad row (a person nobody is) and nothing is written */
	assert_int_equal(
	        import(&pers, "session;person\r\n1;Bo Bärare\r\n1;Ingen Alls\r\n", 0, false, &err),
	        SK_EINVAL);
	assert_string_equal(err.field, "person_id");
	assert_int_equal(regfx_ledger_size(&g_fx), n);
	/* a dry run writes nothing */
	assert_int_equal(import(&pers, "session;person\r\n1;Bo Bärare\r\n", 0, true, &err), SK_OK);
	assert_int_equal(regfx_ledger_size(&g_fx), n);
	/* nobody without the create command's roles */
	assert_int_equal(import(&staff, "session;person\r\n1;Bo Bärare\r\n", 0, false, &err),
	                 SK_EPERM);
	assert_int_equal(
	        import(&pers, "\xef\xbb\xbfsession;person\r\n1;Bo Bärare\r\n", 0, false, &err),
	        SK_OK);
	assert_int_equal(sql_int("SELECT count(*) FROM training_attendance"), before + 1);
	/* XLSX: Cai by name, Bo again refused (twice), then Cai alone */
	buf_init(&b, 1 << 20);
	assert_int_equal(model_xlsx_open(&x, NULL), SK_OK);
	ws = workbook_add_worksheet(x.wb, "Närvaro");
	worksheet_write_string(ws, 0, 0, "session_id", NULL);
	worksheet_write_string(ws, 0, 1, "person", NULL);
	worksheet_write_number(ws, 1, 0, 1, NULL);
	worksheet_write_string(ws, 1, 1, "Cai Cyber", NULL);
	worksheet_write_number(ws, 2, 0, 1, NULL);
	worksheet_write_string(ws, 2, 1, "Bo Bärare", NULL);
	assert_int_equal(model_xlsx_finish(&x, SK_OK, &b), SK_OK);
	n = regfx_ledger_size(&g_fx);
	assert_int_equal(import(&pers, b.ptr, b.len, false, &err), SK_EINVAL);
	assert_string_equal(err.reason, "import.refused");
	assert_non_null(strstr(err.msg, "line 3"));
	assert_int_equal(regfx_ledger_size(&g_fx), n);
	buf_release(&b);
	buf_init(&b, 1 << 20);
	assert_int_equal(model_xlsx_open(&x, NULL), SK_OK);
	ws = workbook_add_worksheet(x.wb, "Närvaro");
	worksheet_write_string(ws, 0, 0, "session", NULL);
	worksheet_write_string(ws, 0, 1, "person", NULL);
	worksheet_write_number(ws, 1, 0, 1, NULL);
	worksheet_write_string(ws, 1, 1, "Cai Cyber", NULL);
	assert_int_equal(model_xlsx_finish(&x, SK_OK, &b), SK_OK);
	assert_int_equal(import(&pers, b.ptr, b.len, false, &err), SK_OK);
	buf_release(&b);
	assert_int_equal(
	        regfx_sql_int(&g_fx, "SELECT count(*) FROM training_attendance WHERE state = "
	                             "'attended' AND person_id = (SELECT id FROM person WHERE name "
	                             "= 'Cai Cyber')"),
	        1);
}

static size_t count_rule(const char *rule, const char *object)
{
	struct rules_filter f = {
	        .rule = rule, .min_severity = -1, .clearance = CLEAR_KH, .object = object};
	char today[11];
	json_t *r;
	size_t n;

	model_today(today);
	r = rules_evaluate(g_fx.rd, today, &f);
	assert_non_null(r);
	n = json_array_size(json_object_get(r, "findings"));
	json_decref(r);
	return n;
}

/* The demo data, and the rules over real entries: the training finding appears and goes. */
static void test_demo_and_rules(void **state)
{
	struct demo_positions_in in = {
	        .ssc = ssc.id,
	        .chief = chief.id,
	        .analysis = 100,
	        .placed = {p_bo, p_cai, p_anna},
	        .trained = {p_anna, 0},
	};
	char obj[32], json[256];
	int64_t s;

	(void)state;
	assert_int_equal(demo_positions(g_fx.model, &in, NULL), SK_OK);
	assert_int_equal(sql_int("SELECT count(*) FROM position WHERE state = 'active'"), 5);
	assert_int_equal(sql_int("SELECT count(DISTINCT security_class) FROM position"), 5);
	assert_int_equal(sql_int("SELECT count(*) FROM position WHERE state = 'active' AND "
	                         "decided_on IS NULL"),
	                 0);
	assert_int_equal(sql_int("SELECT count(*) FROM placement WHERE state = 'active'"), 3);
	assert_int_equal(sql_int("SELECT count(*) FROM placement WHERE temporary = 1 AND "
	                         "valid_until IS NOT NULL"),
	                 1);
	assert_int_equal(count_rule("position.class.undecided", NULL), 0);
	assert_int_equal(count_rule("position.control_reason.missing", NULL), 0);
	/* Cai (sk3, H) has no clearance: flagged; Bo (sk2, H) is cleared for H */
	assert_int_equal(count_rule("placement.clearance.missing", NULL), 1);
	/* Petra has a login and a clearance (access) but took neither course */
	snprintf(obj, sizeof(obj), "person/%lld", (long long)p_pers);
	assert_int_equal(count_rule("training.before_access", obj), 1);
	s = sql_int("SELECT max(id) FROM training_session");
	snprintf(json, sizeof(json), "{\"session_id\": %lld, \"person_id\": %lld}", (long long)s,
	         (long long)p_pers);
	ok_run(&ssc, "attendance", "add", 0, json);
	/* the first course (Grundutbildning) she still lacks */
	assert_int_equal(count_rule("training.before_access", obj), 1);
	snprintf(json, sizeof(json), "{\"session_id\": 1, \"person_id\": %lld}", (long long)p_pers);
	ok_run(&ssc, "attendance", "add", 0, json);
	assert_int_equal(count_rule("training.before_access", obj), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_positions),      cmocka_unit_test(test_training),
	        cmocka_unit_test(test_person_detail),  cmocka_unit_test(test_import),
	        cmocka_unit_test(test_demo_and_rules),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
