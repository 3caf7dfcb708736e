/*
 * Coordinated action plans (src/model/plan.c): the seed from
 * shared/data/handlingsplan-2021.json imports with its 94 measures, exports
 * back byte for byte, filters by organisation and status, reports 2021 with
 * its markers, refuses a reused number and bad input everywhere (naming the
 * JSON path, writing nothing), and replays equal (verify --replay).
 */
#include "testutil.h"
#include "regfixture.h"

#include <unistd.h>

#include <jansson.h>

#include "model/model.h"
#include "model/plan.h"
#include "store/store.h"

static struct reg_fixture g_fx;
static char *g_text; /* the seed file's bytes */
static size_t g_len;
static json_t *g_doc; /* the seed file parsed */
static int64_t g_plan;

static int setup(void **state)
{
	char path[512];

	(void)state;
	regfx_open(&g_fx, "/tmp/skydd-plans.XXXXXX", REGFX_CLEAR, NULL);
	snprintf(path, sizeof(path), "%s/data/handlingsplan-2021.json", test_shared_dir());
	g_text = test_read_file(path, &g_len);
	g_doc = json_loadb(g_text, g_len, 0, NULL);
	assert_non_null(g_doc);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	regfx_close(&g_fx);
	json_decref(g_doc);
	free(g_text);
	return 0;
}

static int64_t count_of(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

/* ---- import, export ---- */

static void test_import_counts(void **state)
{
	struct model_err err = {0};
	json_t *list, *p, *c;
	uint64_t before = regfx_ledger_size(&g_fx);

	(void)state;
	assert_int_equal(plan_import(g_fx.model, NULL, g_doc, &g_plan, &err), SK_OK);
	assert_int_equal(g_plan, 1);
	assert_int_equal(regfx_ledger_size(&g_fx), before + 1); /* one entry: all or nothing */
	list = plan_list(g_fx.model);
	assert_non_null(list);
	assert_int_equal(json_array_size(json_object_get(list, "plans")), 1);
	p = json_array_get(json_object_get(list, "plans"), 0);
	c = json_object_get(p, "counts");
	assert_int_equal(count_of(c, "measures"), 94);
	assert_int_equal(count_of(c, "current"), 69);
	assert_int_equal(count_of(c, "completed"), 16);
	assert_int_equal(count_of(c, "written_off"), 9);
	assert_string_equal(json_string_value(json_object_get(p, "title")),
	                    "Samlad informations- och cybersäkerhetshandlingsplan 2019–2022");
	json_decref(list);
}

static void test_export_roundtrip(void **state)
{
	json_t *doc = plan_export(g_fx.model, g_plan);
	struct buf b;

	(void)state;
	assert_non_null(doc);
	assert_true(json_equal(doc, g_doc));
	buf_init(&b, 4 * 1024 * 1024);
	assert_int_equal(plan_export_text(doc, &b), SK_OK);
	assert_int_equal(b.len, g_len);
	assert_memory_equal(b.ptr, g_text, g_len); /* byte for byte, the file as it is */
	buf_release(&b);
	json_decref(doc);
	assert_null(plan_export(g_fx.model, 99));
}

static void test_plan_tree(void **state)
{
	json_t *o = plan_get(g_fx.model, g_plan), *p, *prios, *obj;
	size_t i, j, n = 0;

	(void)state;
	assert_non_null(o);
	p = json_object_get(o, "plan");
	prios = json_object_get(p, "strategic_priorities");
	assert_int_equal(json_array_size(prios), 6);
	assert_int_equal(json_array_size(json_object_get(p, "authorities")), 7);
	json_array_foreach(prios, i, obj)
	{
		json_t *x;

		json_array_foreach(json_object_get(obj, "objectives"), j, x) n +=
		        json_array_size(json_object_get(x, "measures"));
	}
	assert_int_equal(n, 94);
	json_decref(o);
	assert_null(plan_get(g_fx.model, 2));
}

/* ---- filters ---- */

static bool has(json_t *arr, const char *s)
{
	size_t i;
	json_t *x;

	json_array_foreach(arr, i, x)
	{
		if (strcmp(json_string_value(x), s) == 0)
			return true;
	}
	return false;
}

static void test_filters(void **state)
{
	static const char *const orgs[] = {"MSB",
	                                   "FRA",
	                                   "FMV",
	                                   "Försvarsmakten",
	                                   "PTS",
	                                   "Polismyndigheten",
	                                   "Säkerhetspolisen"};
	struct plan_filter f = {0};
	json_t *o, *x;
	size_t i, k;

	(void)state;
	for (k = 0; k < sizeof(orgs) / sizeof(orgs[0]); k++) {
		size_t want = 0, want_resp = 0, got_resp = 0;

		json_array_foreach(json_object_get(g_doc, "measures"), i, x)
		{
			bool r = has(json_object_get(x, "responsible"), orgs[k]);

			want += r || has(json_object_get(x, "participants"), orgs[k]);
			want_resp += r;
		}
		f.org = orgs[k];
		o = plan_measures(g_fx.model, g_plan, &f);
		assert_non_null(o);
		assert_int_equal(json_array_size(json_object_get(o, "measures")), want);
		json_array_foreach(json_object_get(o, "measures"), i, x) got_resp +=
		        strcmp(json_string_value(json_object_get(x, "org_role")), "responsible") ==
		        0;
		assert_int_equal(got_resp, want_resp);
		json_decref(o);
	}
	/* the numbers in the data: MSB is responsible for 42 and takes part in 8 */
	f.org = "MSB";
	o = plan_measures(g_fx.model, g_plan, &f);
	assert_int_equal(json_array_size(json_object_get(o, "measures")), 50);
	json_decref(o);
	f.org = "Nobody";
	o = plan_measures(g_fx.model, g_plan, &f);
	assert_int_equal(json_array_size(json_object_get(o, "measures")), 0);
	json_decref(o);
	memset(&f, 0, sizeof(f));
	f.status = "written_off";
	o = plan_measures(g_fx.model, g_plan, &f);
	assert_int_equal(json_array_size(json_object_get(o, "measures")), 9);
	json_decref(o);
	f.status = "current";
	f.objective = "1.1";
	o = plan_measures(g_fx.model, g_plan, &f);
	assert_true(json_array_size(json_object_get(o, "measures")) > 0);
	json_array_foreach(json_object_get(o, "measures"), i, x)
	{
		assert_string_equal(json_string_value(json_object_get(x, "objective")), "1.1");
		assert_string_equal(json_string_value(json_object_get(x, "status")), "current");
	}
	json_decref(o);
	assert_null(plan_measures(g_fx.model, 42, NULL));
}

/* ---- the yearly report ---- */

static void test_report_2021(void **state)
{
	json_t *o = plan_report(g_fx.model, g_plan, 2021, NULL), *r, *t, *p, *obj, *x;
	size_t i, j, k;

	(void)state;
	assert_non_null(o);
	r = json_object_get(o, "report");
	assert_string_equal(json_string_value(json_object_get(r, "due")), "2022-03-01");
	t = json_object_get(r, "totals");
	assert_int_equal(count_of(t, "current"), 69);
	assert_int_equal(count_of(t, "completed"), 16);
	assert_int_equal(count_of(t, "written_off"), 9);
	assert_int_equal(count_of(t, "new"), 5);
	assert_int_equal(count_of(t, "updated"), 20);
	assert_int_equal(
	        json_array_size(json_object_get(json_object_get(r, "appendix"), "current")), 69);
	/* per objective: the markers of its current measures, as in the data */
	json_array_foreach(json_object_get(r, "strategic_priorities"), i, p)
	{
		json_array_foreach(json_object_get(p, "objectives"), j, obj)
		{
			const char *num = json_string_value(json_object_get(obj, "number"));
			int64_t want_new = 0, want_upd = 0, want_cur = 0;

			json_array_foreach(json_object_get(g_doc, "measures"), k, x)
			{
				const char *mk = json_string_value(json_object_get(x, "marker"));

				if (strcmp(json_string_value(json_object_get(x, "objective")),
				           num) ||
				    strcmp(json_string_value(json_object_get(x, "status")),
				           "current"))
					continue;
				want_cur++;
				want_new += mk && strcmp(mk, "new") == 0;
				want_upd += mk && strcmp(mk, "updated") == 0;
			}
			assert_int_equal(count_of(json_object_get(obj, "counts"), "current"),
			                 want_cur);
			assert_int_equal(count_of(json_object_get(obj, "counts"), "new"), want_new);
			assert_int_equal(count_of(json_object_get(obj, "counts"), "updated"),
			                 want_upd);
			assert_int_equal(json_array_size(json_object_get(obj, "measures")),
			                 (size_t)want_cur);
		}
	}
	/* objective 3.2: every measure written off, none in the chapter */
	obj = json_array_get(
	        json_object_get(json_array_get(json_object_get(r, "strategic_priorities"), 2),
	                        "objectives"),
	        1);
	assert_string_equal(json_string_value(json_object_get(obj, "number")), "3.2");
	assert_int_equal(json_array_size(json_object_get(obj, "measures")), 0);
	/* a written-off measure in the appendix carries its year and reason */
	x = json_array_get(json_object_get(json_object_get(r, "appendix"), "written_off"), 0);
	assert_non_null(json_object_get(x, "status_year"));
	assert_true(json_is_string(json_object_get(x, "status_reason")));
	json_decref(o);

	/* 2019: what was closed in 2020 was still current then; markers are 2021's */
	o = plan_report(g_fx.model, g_plan, 2019, NULL);
	t = json_object_get(json_object_get(o, "report"), "totals");
	assert_int_equal(count_of(t, "completed"), 7);
	assert_int_equal(count_of(t, "written_off"), 5);
	assert_int_equal(count_of(t, "current"), 82);
	assert_int_equal(count_of(t, "new") + count_of(t, "updated"), 0);
	json_decref(o);

	/* per organisation */
	o = plan_report(g_fx.model, g_plan, 2021, "PTS");
	t = json_object_get(json_object_get(o, "report"), "totals");
	assert_int_equal(count_of(t, "measures"), 13); /* 11 responsible + 2 participant */
	json_decref(o);
	assert_null(plan_report(g_fx.model, 7, 2021, NULL));
}

static void test_report_xlsx(void **state)
{
	json_t *o = plan_report(g_fx.model, g_plan, 2021, NULL);
	struct buf b;

	(void)state;
	buf_init(&b, 16 * 1024 * 1024);
	assert_int_equal(plan_report_xlsx(o, NULL, &b), SK_OK);
	assert_true(b.len > 1000);
	assert_memory_equal(b.ptr, "PK\x03\x04", 4); /* a zip */
	buf_release(&b);
	json_decref(o);
}

static void test_deadlines(void **state)
{
	json_t *o = plan_deadlines(g_fx.model), *d;
	const char *due;

	(void)state;
	assert_non_null(o);
	assert_int_equal(json_array_size(json_object_get(o, "deadlines")), 1);
	d = json_array_get(json_object_get(o, "deadlines"), 0);
	due = json_string_value(json_object_get(d, "due"));
	assert_non_null(due);
	/* the plan's own reporting year decides, not today's date */
	assert_string_equal(due, "2022-03-01");
	assert_int_equal(count_of(d, "year"), 2021);
	assert_false(json_is_true(json_object_get(d, "final")));
	assert_string_equal(json_string_value(json_object_get(d, "object")), "plan/1");
	json_decref(o);
}

static void test_period_parse(void **state)
{
	int s, e;

	(void)state;
	assert_true(plan_period_parse("2019–2022", &s, &e));
	assert_int_equal(s, 2019);
	assert_int_equal(e, 2022);
	assert_true(plan_period_parse("2020 – 2022", &s, &e));
	assert_int_equal(s, 2020);
	assert_true(plan_period_parse("2021", &s, &e));
	assert_int_equal(e, 2021);
	assert_true(plan_period_parse("2019 och tills vidare", &s, &e));
	assert_int_equal(e, -1);
	assert_true(plan_period_parse("2019-2020", &s, &e));
	assert_false(plan_period_parse("2022–2019", &s, &e));
	assert_false(plan_period_parse("19–22", &s, &e));
	assert_false(plan_period_parse("2019–", &s, &e));
	assert_false(plan_period_parse("", &s, &e));
	assert_false(plan_period_parse("1800", &s, &e));
	assert_false(plan_period_parse("2019 och framåt", &s, &e));
}

/* ---- editing ---- */

static int64_t measure_id_of(const char *number)
{
	json_t *o = plan_measures(g_fx.model, g_plan, NULL), *x;
	int64_t id = 0;
	size_t i;

	json_array_foreach(json_object_get(o, "measures"), i, x)
	{
		if (strcmp(json_string_value(json_object_get(x, "number")), number) == 0)
			id = json_integer_value(json_object_get(x, "id"));
	}
	json_decref(o);
	return id;
}

static json_t *measure(int64_t id)
{
	json_t *o = plan_measure_get(g_fx.model, id), *m;

	assert_non_null(o);
	m = json_incref(json_object_get(o, "measure"));
	json_decref(o);
	return m;
}

static void test_edit(void **state)
{
	struct model_err err = {0};
	int64_t id = 0, id2 = 0, old;
	json_t *body, *m, *h;

	(void)state;
	/* the next free number under an objective */
	body = json_pack("{s:s, s:s, s:s, s:[s], s:[s], s:s, s:s}", "objective", "1.1", "title",
	                 "Ny gemensam övning", "description", "Rad ett.\n\nRad två.", "responsible",
	                 "MSB", "participants", "FRA", "period_text", "2022 och tills vidare",
	                 "marker", "new");
	assert_int_equal(plan_measure_add(g_fx.model, NULL, g_plan, body, &id, &err), SK_OK);
	json_decref(body);
	m = measure(id);
	assert_string_equal(json_string_value(json_object_get(m, "number")), "1.1.19");
	assert_string_equal(json_string_value(json_object_get(m, "responsible_text")),
	                    "MSB i samverkan med FRA");
	assert_int_equal(count_of(m, "start_year"), 2022);
	assert_true(json_is_null(json_object_get(m, "end_year")));
	assert_string_equal(json_string_value(json_object_get(m, "marker")), "new");
	json_decref(m);

	/* a number once used is refused forever: current, completed, written off */
	body = json_pack("{s:s, s:s, s:s}", "objective", "3.2", "number", "3.2.1", "title", "x");
	memset(&err, 0, sizeof(err));
	assert_int_equal(plan_measure_add(g_fx.model, NULL, g_plan, body, &id2, &err), SK_EEXIST);
	assert_string_equal(err.field, "number");
	assert_non_null(strstr(err.msg, "never reused"));
	json_decref(body);
	body = json_pack("{s:s, s:s, s:s}", "objective", "1.1", "number", "1.1.1", "title", "x");
	assert_int_equal(plan_measure_add(g_fx.model, NULL, g_plan, body, &id2, &err), SK_EEXIST);
	json_decref(body);
	/* an explicit never-used number */
	body = json_pack("{s:s, s:s, s:s, s:[s]}", "objective", "3.2", "number", "3.2.7", "title",
	                 "Explicit", "responsible", "PTS");
	assert_int_equal(plan_measure_add(g_fx.model, NULL, g_plan, body, &id2, &err), SK_OK);
	json_decref(body);
	/* bad adds */
	body = json_pack("{s:s, s:s}", "objective", "9.9", "title", "x");
	assert_int_equal(plan_measure_add(g_fx.model, NULL, g_plan, body, &old, &err), SK_EINVAL);
	assert_string_equal(err.field, "objective");
	json_decref(body);
	body = json_pack("{s:s, s:s, s:s}", "objective", "1.1", "number", "1.2.40", "title", "x");
	assert_int_equal(plan_measure_add(g_fx.model, NULL, g_plan, body, &old, &err), SK_EINVAL);
	assert_string_equal(err.field, "number");
	json_decref(body);
	body = json_pack("{s:s, s:s, s:[s]}", "objective", "1.1", "title", "x", "responsible",
	                 "NASA");
	assert_int_equal(plan_measure_add(g_fx.model, NULL, g_plan, body, &old, &err), SK_EINVAL);
	assert_string_equal(err.field, "responsible[0]");
	json_decref(body);
	body = json_pack("{s:s, s:s, s:s}", "objective", "1.1", "title", "x", "period_text",
	                 "snart");
	assert_int_equal(plan_measure_add(g_fx.model, NULL, g_plan, body, &old, &err), SK_EINVAL);
	assert_string_equal(err.field, "period_text");
	json_decref(body);
	body = json_pack("{s:s, s:s}", "objective", "1.1", "title", "x");
	assert_int_equal(plan_measure_add(g_fx.model, NULL, 99, body, &old, &err), SK_ENOTFOUND);
	json_decref(body);

	/* update */
	body = json_pack("{s:s, s:s, s:s}", "title", "Ny gemensam övning (reviderad)",
	                 "period_text", "2021–2024", "marker", "none");
	assert_int_equal(plan_measure_update(g_fx.model, NULL, id, body, &err), SK_OK);
	json_decref(body);
	m = measure(id);
	assert_string_equal(json_string_value(json_object_get(m, "title")),
	                    "Ny gemensam övning (reviderad)");
	assert_int_equal(count_of(m, "end_year"), 2024);
	assert_int_equal(count_of(m, "start_year"), 2021);
	assert_true(json_is_null(json_object_get(m, "marker")));
	assert_string_equal(json_string_value(json_object_get(m, "description")),
	                    "Rad ett.\n\nRad två.");
	json_decref(m);
	body = json_object();
	assert_int_equal(plan_measure_update(g_fx.model, NULL, id, body, &err), SK_EINVAL);
	json_decref(body);
	body = json_pack("{s:s}", "marker", "old");
	assert_int_equal(plan_measure_update(g_fx.model, NULL, id, body, &err), SK_EINVAL);
	assert_string_equal(err.field, "marker");
	json_decref(body);

	/* complete, write off; then nothing changes them */
	assert_int_equal(plan_measure_complete(g_fx.model, NULL, id, 2020, &err), SK_EINVAL);
	assert_string_equal(err.field, "year"); /* before it started (2021) */
	/* after the plan's reporting year (2021): refused, naming the year */
	assert_int_equal(plan_measure_complete(g_fx.model, NULL, id, 2099, &err), SK_EINVAL);
	assert_string_equal(err.field, "year");
	assert_non_null(strstr(err.msg, "reporting year 2021"));
	assert_int_equal(plan_measure_complete(g_fx.model, NULL, id, 2022, &err), SK_EINVAL);
	assert_int_equal(plan_measure_complete(g_fx.model, NULL, id, 2021, &err), SK_OK);
	assert_int_equal(plan_measure_complete(g_fx.model, NULL, id, 2021, &err), SK_ERULE);
	assert_int_equal(plan_measure_write_off(g_fx.model, NULL, id2, 2021, "", &err), SK_EINVAL);
	assert_string_equal(err.field, "reason");
	/* a reason of spaces only (also no-break and thin ones) is no reason */
	assert_int_equal(plan_measure_write_off(g_fx.model, NULL, id2, 2021, "   ", &err),
	                 SK_EINVAL);
	assert_string_equal(err.field, "reason");
	assert_int_equal(plan_measure_write_off(g_fx.model, NULL, id2, 2021,
	                                        " \xc2\xa0\xe2\x80\x89\n", &err),
	                 SK_EINVAL);
	assert_string_equal(err.field, "reason");
	assert_int_equal(
	        plan_measure_write_off(g_fx.model, NULL, id2, 2021, "Uppgår i 3.1.6.", &err),
	        SK_OK);
	body = json_pack("{s:s}", "title", "again");
	assert_int_equal(plan_measure_update(g_fx.model, NULL, id2, body, &err), SK_ERULE);
	json_decref(body);
	assert_int_equal(plan_measure_complete(g_fx.model, NULL, 999999, 2023, &err), SK_ENOTFOUND);
	m = measure(id2);
	assert_string_equal(json_string_value(json_object_get(m, "status")), "written_off");
	assert_string_equal(json_string_value(json_object_get(m, "status_reason")),
	                    "Uppgår i 3.1.6.");
	json_decref(m);
	/* and the numbers stay used */
	body = json_pack("{s:s, s:s, s:s}", "objective", "1.1", "number", "1.1.19", "title", "x");
	assert_int_equal(plan_measure_add(g_fx.model, NULL, g_plan, body, &old, &err), SK_EEXIST);
	json_decref(body);
	body = json_pack("{s:s, s:s}", "objective", "1.1", "title", "next");
	assert_int_equal(plan_measure_add(g_fx.model, NULL, g_plan, body, &old, &err), SK_OK);
	json_decref(body);
	m = measure(old);
	assert_string_equal(json_string_value(json_object_get(m, "number")), "1.1.20");
	json_decref(m);

	/* the history: added, updated, completed — each carrying the number */
	h = plan_measure_history(g_fx.model, id);
	assert_non_null(h);
	assert_int_equal(json_array_size(json_object_get(h, "history")), 3);
	assert_string_equal(json_string_value(json_object_get(
	                            json_array_get(json_object_get(h, "history"), 2), "kind")),
	                    "plan.measure.completed");
	json_decref(h);
	/* an imported measure's history starts with the import */
	h = plan_measure_history(g_fx.model, measure_id_of("2.1.4"));
	assert_int_equal(json_array_size(json_object_get(h, "history")), 1);
	assert_string_equal(json_string_value(json_object_get(
	                            json_array_get(json_object_get(h, "history"), 0), "kind")),
	                    "plan.imported");
	json_decref(h);
	assert_null(plan_measure_history(g_fx.model, 999999));

	/* the export shows the changes and still parses as the format */
	{
		json_t *doc = plan_export(g_fx.model, g_plan);

		assert_false(json_equal(doc, g_doc));
		assert_int_equal(json_array_size(json_object_get(doc, "measures")), 97);
		assert_int_equal(plan_validate(doc, &err), SK_OK);
		json_decref(doc);
	}
}

static void test_rights(void **state)
{
	struct principal staff = {.id = 77, .token_id = 3, .roles = ROLE_BIT(ROLE_STAFF)};
	struct principal nobody = {.id = 78}; /* no grants at all */
	struct model_err err = {0};
	uint64_t before = regfx_ledger_size(&g_fx);
	json_t *body = json_pack("{s:s, s:s}", "objective", "1.1", "title", "x");
	int64_t id;

	(void)state;
	assert_int_equal(plan_import(g_fx.model, &staff, g_doc, &id, &err), SK_EPERM);
	assert_int_equal(plan_import(g_fx.model, &nobody, g_doc, &id, &err), SK_EPERM);
	assert_int_equal(plan_measure_add(g_fx.model, &nobody, g_plan, body, &id, &err), SK_EPERM);
	assert_int_equal(
	        plan_measure_complete(g_fx.model, &staff, measure_id_of("1.1.1"), 2021, &err),
	        SK_EPERM);
	assert_int_equal(regfx_ledger_size(&g_fx), before);
	json_decref(body);
}

/*
 * The deadline is the plan's reporting year's report, due 1 March after it,
 * whatever the date: days_left goes negative when it is overdue (it used to
 * follow the calendar and announce reports years after the plan's end).
 */
static void test_deadline_boundaries(void **state)
{
	static const struct {
		const char *now;
		int days;
	} cases[] = {
	        {"2022-02-15T12:00:00Z", 14},
	        {"2022-03-01T23:00:00Z", 0},
	        {"2022-03-02T00:30:00Z", -1},
	        {"2027-03-01T10:00:00Z", -1826},
	};
	int64_t target, now;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *o, *d;

		sk_clock_set_offset(0);
		now = sk_now_us();
		assert_int_equal(sk_time_parse(cases[i].now, strlen(cases[i].now), &target), SK_OK);
		sk_clock_set_offset(target - now);
		o = plan_deadlines(g_fx.model);
		d = json_array_get(json_object_get(o, "deadlines"), 0);
		assert_string_equal(json_string_value(json_object_get(d, "due")), "2022-03-01");
		assert_int_equal(count_of(d, "year"), 2021);
		assert_int_equal(count_of(d, "days_left"), cases[i].days);
		json_decref(o);
	}
	sk_clock_set_offset(0);
}

/* A change made with a service token carries the token's id in the entry. */
static void test_token_traced(void **state)
{
	struct principal tok = {.id = 1, .token_id = 5, .roles = ROLE_BIT(ROLE_SSC)};
	struct model_err err = {0};
	json_t *body = json_pack("{s:s, s:s}", "objective", "6.2", "title", "Via token");
	json_t *h, *e;
	int64_t id = 0;

	(void)state;
	assert_int_equal(plan_measure_add(g_fx.model, &tok, g_plan, body, &id, &err), SK_OK);
	json_decref(body);
	h = plan_measure_history(g_fx.model, id);
	e = json_array_get(json_object_get(h, "history"), 0);
	assert_int_equal(count_of(json_object_get(e, "data"), "token_id"), 5);
	assert_int_equal(count_of(e, "actor"), 1);
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(e, "data"), "number")), "6.2.3");
	json_decref(h);
}

/* ---- bad input: every refusal names the JSON path and writes nothing ---- */

struct bad {
	const char *path;  /* where to change, in a tiny path language below */
	const char *value; /* JSON text; NULL = delete the member */
	const char *field; /* the expected err.field */
	/* the expected reason and a part of its params (the place the UI names); NULL: not checked
	 */
	const char *reason, *params;
};

/* Navigates "measures.3.objective" style paths; returns the parent and the last key. */
static json_t *parent_of(json_t *doc, const char *path, char *last, size_t cap)
{
	char buf[128], *save = NULL, *tok, *next;
	json_t *cur = doc;

	snprintf(buf, sizeof(buf), "%s", path);
	tok = strtok_r(buf, ".", &save);
	while (tok) {
		next = strtok_r(NULL, ".", &save);
		if (!next) {
			snprintf(last, cap, "%s", tok);
			return cur;
		}
		if (json_is_array(cur))
			cur = json_array_get(cur, (size_t)strtol(tok, NULL, 10));
		else
			cur = json_object_get(cur, tok);
		tok = next;
	}
	return NULL;
}

static void test_bad_input(void **state)
{
	static const struct bad bad[] = {
	        {"extra", "1", "extra", "plan.file.unknown_key",
	         "\"key\":\"extra\",\"where\":\"file\""},
	        {"report_year", "\"2021\"", "report_year", NULL, NULL},
	        {"report_year", "1800", "report_year", "plan.file.year",
	         "\"key\":\"report_year\",\"max\""},
	        {"title", "\"\"", "title", NULL, NULL},
	        {"title", NULL, "title", "plan.file.required", "\"key\":\"title\""},
	        {"period", "null", "period", NULL, NULL},
	        {"source", "7", "source", NULL, NULL},
	        {"authorities", "[]", "authorities", NULL, NULL},
	        {"authorities.1.short", "\"MSB\"", "authorities[1].short", "plan.file.short_twice",
	         "\"org\":\"MSB\",\"pos\":2,\"where\":\"authority\""},
	        {"authorities.0.colour", "\"red\"", "authorities[0].colour", NULL, NULL},
	        {"strategic_priorities", "{}", "strategic_priorities", NULL, NULL},
	        {"strategic_priorities.0.number", "\"1.1\"", "strategic_priorities[0].number", NULL,
	         NULL},
	        {"strategic_priorities.1.number", "\"1\"", "strategic_priorities[1].number", NULL,
	         NULL},
	        {"strategic_priorities.0.objectives.0.number", "\"2.1\"",
	         "strategic_priorities[0].objectives[0].number", "plan.file.objective_number",
	         "\"pos\":1,\"ppos\":1,\"priority\":\"1\",\"where\":\"objective\""},
	        {"strategic_priorities.0.objectives.1.number", "\"1.1\"",
	         "strategic_priorities[0].objectives[1].number", NULL, NULL},
	        {"strategic_priorities.0.objectives", "null", "strategic_priorities[0].objectives",
	         NULL, NULL},
	        {"measures", "{}", "measures", NULL, NULL},
	        {"measures.3.objective", "\"9.9\"", "measures[3].objective",
	         "plan.file.no_objective", "\"objective\":\"9.9\",\"where\":\"measure\""},
	        {"measures.5.number", "\"1.1.1\"", "measures[5].number", NULL, NULL},
	        {"measures.5.number", "\"1.2.9\"", "measures[5].number", NULL, NULL},
	        {"measures.5.number", "\"1.1.x\"", "measures[5].number", "plan.file.measure_number",
	         "\"number\":\"1.1.x\",\"pos\":6,\"where\":\"item\""},
	        {"measures.5.number", "\"1.1.01\"", "measures[5].number", NULL, NULL},
	        {"measures.1.colour", "\"blue\"", "measures[1].colour", NULL, NULL},
	        {"measures.0.title", NULL, "measures[0].title", NULL, NULL},
	        {"measures.0.title", "5", "measures[0].title", "plan.file.string",
	         "\"key\":\"title\",\"measure\":\"1.1.1\",\"where\":\"measure\""},
	        {"measures.0.title", "\"a\\u0001b\"", "measures[0].title", NULL, NULL},
	        {"measures.0.description", "[]", "measures[0].description", NULL, NULL},
	        {"measures.0.start_year", "1800", "measures[0].start_year", NULL, NULL},
	        {"measures.0.start_year", "\"2019\"", "measures[0].start_year", NULL, NULL},
	        {"measures.0.end_year", "2010", "measures[0].end_year", NULL, NULL},
	        {"measures.0.end_year", "3000", "measures[0].end_year", NULL, NULL},
	        {"measures.0.start_year", "null", "measures[0].start_year", NULL, NULL},
	        {"measures.2.responsible", "[\"XYZ\"]", "measures[2].responsible[0]",
	         "plan.file.org_unknown",
	         "\"key\":\"responsible\",\"measure\":\"1.1.3\",\"org\":\"XYZ\",\"where\":"
	         "\"measure\""},
	        {"measures.2.responsible", "\"MSB\"", "measures[2].responsible", NULL, NULL},
	        {"measures.2.participants", "[\"MSB\", \"MSB\"]", "measures[2].participants[1]",
	         NULL, NULL},
	        {"measures.2.participants", "[7]", "measures[2].participants[0]", NULL, NULL},
	        {"measures.0.marker", "\"old\"", "measures[0].marker", NULL, NULL},
	        {"measures.0.status", "\"done\"", "measures[0].status", "plan.file.status",
	         "\"measure\":\"1.1.1\",\"where\":\"measure\""},
	        {"measures.0.status_year", "2020", "measures[0].status_year", NULL, NULL},
	        {"measures.0.status_reason", "\"why\"", "measures[0].status_reason", NULL, NULL},
	        {"measures.0", "[]", "measures[0]", NULL, NULL},
	};
	struct model_err err;
	uint64_t before = regfx_ledger_size(&g_fx);
	json_t *list = plan_list(g_fx.model);
	size_t nplans = json_array_size(json_object_get(list, "plans"));
	size_t i, wo = 0, done = 0;
	json_t *x;
	char last[64], field[64];
	int64_t id;

	(void)state;
	json_decref(list);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *doc = json_deep_copy(g_doc), *parent;

		parent = parent_of(doc, bad[i].path, last, sizeof(last));
		assert_non_null(parent);
		if (json_is_array(parent)) {
			json_t *v = json_loads(bad[i].value, JSON_DECODE_ANY, NULL);

			assert_non_null(v);
			json_array_set_new(parent, (size_t)strtol(last, NULL, 10), v);
		} else if (bad[i].value) {
			json_t *v = json_loads(bad[i].value, JSON_DECODE_ANY, NULL);

			assert_non_null(v);
			json_object_set_new(parent, last, v);
		} else {
			json_object_del(parent, last);
		}
		memset(&err, 0, sizeof(err));
		if (plan_import(g_fx.model, NULL, doc, &id, &err) != SK_EINVAL)
			fail_msg("case %zu (%s) was not refused", i, bad[i].path);
		if (strcmp(err.field, bad[i].field) != 0)
			fail_msg("case %zu (%s): field '%s', expected '%s' (%s)", i, bad[i].path,
			         err.field, bad[i].field, err.msg);
		assert_true(strncmp(err.msg, bad[i].field, strlen(bad[i].field)) == 0);
		/* every refusal has a reason the UI says; these also name the place */
		if (strncmp(err.reason, "plan.file.", 10) != 0)
			fail_msg("case %zu (%s): reason '%s'", i, bad[i].path, err.reason);
		if (bad[i].reason && strcmp(err.reason, bad[i].reason) != 0)
			fail_msg("case %zu (%s): reason '%s', expected '%s'", i, bad[i].path,
			         err.reason, bad[i].reason);
		if (bad[i].params && !strstr(err.params, bad[i].params))
			fail_msg("case %zu (%s): params %s, expected %s in them", i, bad[i].path,
			         err.params, bad[i].params);
		json_decref(doc);
	}
	/* a written-off measure without its reason, a completed one without its year */
	json_array_foreach(json_object_get(g_doc, "measures"), i, x)
	{
		const char *st = json_string_value(json_object_get(x, "status"));

		if (!wo && strcmp(st, "written_off") == 0)
			wo = i;
		if (!done && strcmp(st, "completed") == 0)
			done = i;
	}
	{
		json_t *doc = json_deep_copy(g_doc);

		json_object_set_new(json_array_get(json_object_get(doc, "measures"), wo),
		                    "status_reason", json_null());
		assert_int_equal(plan_import(g_fx.model, NULL, doc, &id, &err), SK_EINVAL);
		snprintf(field, sizeof(field), "measures[%zu].status_reason", wo);
		assert_string_equal(err.field, field);
		json_decref(doc);
		doc = json_deep_copy(g_doc);
		json_object_set_new(json_array_get(json_object_get(doc, "measures"), done),
		                    "status_year", json_null());
		assert_int_equal(plan_import(g_fx.model, NULL, doc, &id, &err), SK_EINVAL);
		snprintf(field, sizeof(field), "measures[%zu].status_year", done);
		assert_string_equal(err.field, field);
		assert_string_equal(err.reason, "plan.file.status_needs_year");
		assert_non_null(strstr(err.params, "\"status\":\"completed\""));
		assert_non_null(strstr(err.params, "\"where\":\"measure\""));
		json_decref(doc);
	}
	{
		json_t *arr = json_array();

		assert_int_equal(plan_import(g_fx.model, NULL, arr, &id, &err), SK_EINVAL);
		assert_string_equal(err.field, "plan");
		json_decref(arr);
	}
	/* nothing was written */
	assert_int_equal(regfx_ledger_size(&g_fx), before);
	list = plan_list(g_fx.model);
	assert_int_equal(json_array_size(json_object_get(list, "plans")), nplans);
	json_decref(list);
	/* a missing file for the demo import */
	assert_int_equal(plan_demo_import(g_fx.model, "/nonexistent/plan.json", &id, &err),
	                 SK_ENOTFOUND);
}

/* ---- a second import and the replay ---- */

static void test_second_import_and_replay(void **state)
{
	struct store_verify_opts o = {.replay = true};
	struct store_verify_result res;
	struct model_err err = {0};
	char path[512];
	int64_t id = 0;
	json_t *doc;
	struct buf b;

	(void)state;
	snprintf(path, sizeof(path), "%s/data/handlingsplan-2021.json", test_shared_dir());
	/* the same plan again: refused, naming the plan, nothing written */
	uint64_t before = regfx_ledger_size(&g_fx);

	assert_int_equal(plan_demo_import(g_fx.model, path, &id, &err), SK_EEXIST);
	assert_string_equal(err.field, "title");
	assert_non_null(strstr(err.msg, "plan 1 "));
	/* and for a later year: refused, pointing at the year transition */
	doc = json_deep_copy(g_doc);
	json_object_set_new(doc, "report_year", json_integer(2022));
	assert_int_equal(plan_import(g_fx.model, NULL, doc, &id, &err), SK_EEXIST);
	assert_string_equal(err.field, "report_year");
	assert_non_null(strstr(err.msg, "plan year 1 --to 2022"));
	json_decref(doc);
	assert_int_equal(regfx_ledger_size(&g_fx), before);
	/* another plan (its own title) imports and exports its own bytes */
	doc = json_deep_copy(g_doc);
	json_object_set_new(doc, "title", json_string("Handlingsplan B"));
	assert_int_equal(plan_import(g_fx.model, NULL, doc, &id, &err), SK_OK);
	assert_int_equal(id, 2);
	json_decref(doc);
	doc = plan_export(g_fx.model, id);
	buf_init(&b, 4 * 1024 * 1024);
	assert_int_equal(plan_export_text(doc, &b), SK_OK);
	assert_int_equal(b.len, g_len + strlen("Handlingsplan B") -
	                                strlen("Samlad informations- och "
	                                       "cybersäkerhetshandlingsplan 2019–2022"));
	buf_release(&b);
	json_decref(doc);
	/* the second plan's measures have their own ids, numbers per plan */
	assert_int_equal(measure_id_of("1.1.1"), 1);
	model_close(g_fx.model);
	store_close(g_fx.store); /* flush: the verifier reads the files */
	g_fx.store = NULL;
	memset(&res, 0, sizeof(res));
	assert_int_equal(store_verify(g_fx.dir, &o, &res), SK_OK);
	assert_int_equal(store_open(g_fx.dir, NULL, &g_fx.store), SK_OK);
	assert_int_equal(model_open(g_fx.store, g_fx.dir, NULL, &g_fx.model), SK_OK);
	doc = plan_export(g_fx.model, 1);
	assert_non_null(doc);
	assert_int_equal(json_array_size(json_object_get(doc, "measures")), 98);
	json_decref(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_import_counts),
	        cmocka_unit_test(test_export_roundtrip),
	        cmocka_unit_test(test_plan_tree),
	        cmocka_unit_test(test_filters),
	        cmocka_unit_test(test_report_2021),
	        cmocka_unit_test(test_report_xlsx),
	        cmocka_unit_test(test_deadlines),
	        cmocka_unit_test(test_period_parse),
	        cmocka_unit_test(test_rights),
	        cmocka_unit_test(test_edit),
	        cmocka_unit_test(test_deadline_boundaries),
	        cmocka_unit_test(test_token_traced),
	        cmocka_unit_test(test_bad_input),
	        cmocka_unit_test(test_second_import_and_replay),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
