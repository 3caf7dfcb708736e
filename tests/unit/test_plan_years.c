/*
 * A plan's reporting years (src/model/plan.c): the 2022 round of the seed
 * (shared/data/handlingsplan-2021.json) end to end. The 2021 report is
 * submitted (frozen, its SHA-256 in the ledger), the plan moves to 2022, two
 * measures are completed, one written off, two added, a text, a timetable and
 * the agencies of three others changed, each marked; the 2022 report shows
 * exactly those markers, closures and changes, the frozen 2021 report stays
 * byte for byte the same, new numbers are fresh and never reused, a mistake is
 * corrected by reopening, bad input is refused with the field named, the
 * final report closes the plan, and the ledger replays to the same tables.
 */
#include "testutil.h"
#include "regfixture.h"

#include <sodium.h>

#include <jansson.h>

#include "model/model.h"
#include "model/plan.h"
#include "store/store.h"

static struct reg_fixture g_fx;
static json_t *g_doc;
static int64_t g_plan;

static int setup(void **state)
{
	char path[512];

	(void)state;
	regfx_open(&g_fx, "/tmp/skydd-planyears.XXXXXX", REGFX_CLEAR, NULL);
	snprintf(path, sizeof(path), "%s/data/handlingsplan-2021.json", test_shared_dir());
	g_doc = json_load_file(path, 0, NULL);
	assert_non_null(g_doc);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	regfx_close(&g_fx);
	json_decref(g_doc);
	return 0;
}

static int64_t num(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static int64_t id_of(const char *number)
{
	struct model_err err = {0};
	int64_t id = 0;

	assert_int_equal(plan_measure_resolve(g_fx.model, 0, number, &id, &err), SK_OK);
	return id;
}

/* The report for year as the API gives it: frozen bytes, or the live report dumped. */
static char *report_text(int year, bool *frozen)
{
	struct model_err err = {0};
	json_t *rep = NULL;
	struct buf b;
	char *s;

	buf_init(&b, 16 * 1024 * 1024);
	assert_int_equal(plan_report_for(g_fx.model, g_plan, year, NULL, &rep, &b, &err), SK_OK);
	*frozen = rep == NULL;
	if (rep) {
		s = json_dumps(rep, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(rep);
	} else {
		s = strndup(b.ptr, b.len);
	}
	buf_release(&b);
	return s;
}

static json_t *live_report(int year)
{
	struct model_err err = {0};
	json_t *rep = NULL;
	struct buf b;

	buf_init(&b, 16 * 1024 * 1024);
	assert_int_equal(plan_report_for(g_fx.model, g_plan, year, NULL, &rep, &b, &err), SK_OK);
	assert_int_equal(b.len, 0);
	buf_release(&b);
	assert_non_null(rep);
	return rep;
}

static json_t *find(const json_t *arr, const char *number)
{
	size_t i;
	json_t *x;

	json_array_foreach(arr, i, x)
	{
		if (strcmp(json_string_value(json_object_get(x, "number")), number) == 0)
			return x;
	}
	return NULL;
}

static void test_addressing(void **state)
{
	struct model_err err = {0};
	int64_t id = 0;
	json_t *m;

	(void)state;
	assert_int_equal(plan_import(g_fx.model, NULL, g_doc, &g_plan, &err), SK_OK);
	/* by number; the internal id only for old links */
	id = id_of("1.1.17");
	m = plan_measure_get(g_fx.model, id);
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(m, "measure"), "number")),
	        "1.1.17");
	json_decref(m);
	assert_int_equal(plan_measure_resolve(g_fx.model, 0, "5.3.6", &id, &err), SK_OK);
	assert_int_equal(plan_measure_resolve(g_fx.model, g_plan, "5.3.6", &id, &err), SK_OK);
	assert_int_equal(plan_measure_resolve(g_fx.model, 0, "1.1.99", &id, &err), SK_ENOTFOUND);
	assert_string_equal(err.field, "measure");
	assert_int_equal(plan_measure_resolve(g_fx.model, 0, "1.1", &id, &err), SK_EINVAL);
	assert_string_equal(err.field, "measure");
	assert_int_equal(plan_measure_resolve(g_fx.model, 7, "1.1.1", &id, &err), SK_ENOTFOUND);
	/* the imported period of 5.3.6 (thin spaces) is accepted on edit as on import */
	{
		int s = 0, t = 0;
		json_t *body = json_pack("{s:s}", "period_text", "2020\u2009–\u20092022");

		assert_true(plan_period_parse("2020\u2009–\u20092022", &s, &t));
		assert_int_equal(s, 2020);
		assert_int_equal(t, 2022);
		assert_true(plan_period_parse("2020\u00a0-\u00a02022", &s, &t));
		assert_false(plan_period_parse("2020\u2009\u2009–2022", &s, &t));
		assert_int_equal(plan_measure_update(g_fx.model, NULL, id_of("5.3.6"), body, &err),
		                 SK_OK);
		json_decref(body);
	}
}

static void test_report_years_bad(void **state)
{
	struct model_err err = {0};
	json_t *rep = NULL;
	struct buf b;

	(void)state;
	buf_init(&b, 1024);
	/* before the plan's first reporting year: refused, not every measure as current */
	assert_int_equal(plan_report_for(g_fx.model, g_plan, 1990, NULL, &rep, &b, &err),
	                 SK_EINVAL);
	assert_string_equal(err.field, "year");
	assert_non_null(strstr(err.msg, "first reporting year is 2021"));
	assert_int_equal(plan_report_for(g_fx.model, g_plan, 2022, NULL, &rep, &b, &err),
	                 SK_EINVAL);
	assert_string_equal(err.field, "year");
	assert_null(rep);
	assert_int_equal(b.len, 0);
	buf_release(&b);
	/* the year cannot move before the report is submitted, nor backwards or by two */
	assert_int_equal(plan_year_advance(g_fx.model, NULL, g_plan, 2022, &err), SK_ERULE);
	assert_string_equal(err.field, "to");
	assert_int_equal(plan_year_advance(g_fx.model, NULL, g_plan, 2021, &err), SK_EINVAL);
	assert_int_equal(plan_year_advance(g_fx.model, NULL, g_plan, 2023, &err), SK_EINVAL);
	/* only the open year is submitted */
	assert_int_equal(plan_report_submit(g_fx.model, NULL, g_plan, 2020, NULL, &err), SK_EINVAL);
	assert_string_equal(err.field, "year");
}

static char *g_frozen2021;

static void test_submit_2021(void **state)
{
	struct principal staff = {.id = 77, .token_id = 3, .roles = ROLE_BIT(ROLE_STAFF)};
	unsigned char h[crypto_hash_sha256_BYTES];
	struct model_err err = {0};
	char sha[65], hex[65];
	json_t *rep, *body;
	bool frozen;
	uint64_t before;

	(void)state;
	rep = live_report(2021);
	assert_int_equal(num(json_object_get(json_object_get(rep, "report"), "totals"), "current"),
	                 69);
	json_decref(rep);
	assert_int_equal(plan_report_submit(g_fx.model, &staff, g_plan, 2021, sha, &err), SK_EPERM);
	/* the report's own text: a summary, a priority's follow-up, free sections */
	{
		json_t *txt = json_pack(
		        "{s:s, s:[{s:s, s:s}], s:[{s:s, s:s}, {s:s, s:s}]}", "summary",
		        "Arbetet har fortskridit.\n\nFlera åtgärder är avslutade.", "priorities",
		        "number", "1", "text", "Uppföljning av prioritering 1.", "sections",
		        "title", "Covid-19", "text", "Pandemin påverkade arbetet.", "title",
		        "Avslutande ord", "text", "Samverkan fortsätter.");
		json_t *bad;

		bad = json_pack("{s:s}", "colour", "red");
		assert_int_equal(plan_report_text_set(g_fx.model, NULL, g_plan, 2021, bad, &err),
		                 SK_EINVAL);
		json_decref(bad);
		bad = json_pack("{s:[{s:s, s:s}]}", "priorities", "number", "9", "text", "x");
		assert_int_equal(plan_report_text_set(g_fx.model, NULL, g_plan, 2021, bad, &err),
		                 SK_EINVAL);
		assert_string_equal(err.field, "priorities");
		json_decref(bad);
		bad = json_pack("{s:[{s:s}]}", "sections", "text", "x");
		assert_int_equal(plan_report_text_set(g_fx.model, NULL, g_plan, 2021, bad, &err),
		                 SK_EINVAL);
		assert_string_equal(err.field, "sections[0].title");
		json_decref(bad);
		assert_int_equal(plan_report_text_set(g_fx.model, NULL, g_plan, 2020, txt, &err),
		                 SK_EINVAL);
		assert_string_equal(err.field, "year");
		assert_int_equal(plan_report_text_set(g_fx.model, NULL, g_plan, 2021, txt, &err),
		                 SK_OK);
		json_decref(txt);
		rep = live_report(2021);
		assert_string_equal(json_string_value(json_object_get(
		                            json_object_get(json_object_get(rep, "report"), "text"),
		                            "summary")),
		                    "Arbetet har fortskridit.\n\nFlera åtgärder är avslutade.");
		json_decref(rep);
	}
	/* a closing decision is for the final report only */
	assert_int_equal(
	        plan_measure_continue(g_fx.model, NULL, id_of("1.1.1"), "Fortsätter.", &err),
	        SK_ERULE);
	assert_string_equal(err.field, "measure");
	before = regfx_ledger_size(&g_fx);
	assert_int_equal(plan_report_submit(g_fx.model, NULL, g_plan, 2021, sha, &err), SK_OK);
	assert_int_equal(regfx_ledger_size(&g_fx), before + 1);
	g_frozen2021 = report_text(2021, &frozen);
	assert_true(frozen);
	crypto_hash_sha256(h, (const unsigned char *)g_frozen2021, strlen(g_frozen2021));
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	assert_string_equal(hex, sha); /* the ledger's hash is the bytes' hash */
	assert_int_equal(plan_report_submit(g_fx.model, NULL, g_plan, 2021, sha, &err), SK_EEXIST);
	/* the frozen report has its text; the text of a submitted year stays */
	rep = json_loads(g_frozen2021, 0, NULL);
	assert_int_equal(
	        json_array_size(json_object_get(
	                json_object_get(json_object_get(rep, "report"), "text"), "sections")),
	        2);
	assert_int_equal(
	        plan_report_text_set(g_fx.model, NULL, g_plan, 2021,
	                             json_object_get(json_object_get(rep, "report"), "text"), &err),
	        SK_ERULE);
	assert_string_equal(err.field, "year");
	json_decref(rep);
	/* the submitted year is frozen: no more changes until the plan moves on */
	body = json_pack("{s:s}", "title", "x");
	assert_int_equal(plan_measure_update(g_fx.model, NULL, id_of("1.1.1"), body, &err),
	                 SK_ERULE);
	assert_string_equal(err.field, "report_year");
	json_decref(body);
	assert_int_equal(plan_year_advance(g_fx.model, NULL, g_plan, 2022, &err), SK_OK);
}

static void test_round_2022(void **state)
{
	struct model_err err = {0};
	int64_t a = 0, b = 0, x;
	json_t *body, *rep, *r, *t, *ch, *cur, *it;
	size_t i, ended = 0;
	bool frozen;
	char *again;

	(void)state;
	/* two completed, one written off */
	assert_int_equal(plan_measure_complete(g_fx.model, NULL, id_of("1.1.3"), 2022, &err),
	                 SK_OK);
	assert_int_equal(plan_measure_complete(g_fx.model, NULL, id_of("1.1.6"), 2022, &err),
	                 SK_OK);
	assert_int_equal(plan_measure_write_off(g_fx.model, NULL, id_of("1.1.9"), 2022,
	                                        "Genomförs inom 1.1.4.", &err),
	                 SK_OK);
	/* two added, marked new: fresh numbers */
	body = json_pack("{s:s, s:s, s:[s], s:s, s:s}", "objective", "1.1", "title",
	                 "Gemensam övning 2022", "responsible", "MSB", "period_text", "2022–2023",
	                 "marker", "new");
	assert_int_equal(plan_measure_add(g_fx.model, NULL, g_plan, body, &a, &err), SK_OK);
	assert_int_equal(plan_measure_add(g_fx.model, NULL, g_plan, body, &b, &err), SK_OK);
	json_decref(body);
	/* text, timetable and agencies changed, each marked updated */
	body = json_pack("{s:s, s:s}", "title", "Ny lydelse 2022", "marker", "updated");
	assert_int_equal(plan_measure_update(g_fx.model, NULL, id_of("1.1.1"), body, &err), SK_OK);
	json_decref(body);
	body = json_pack("{s:s, s:s}", "period_text", "2020–2023", "marker", "updated");
	assert_int_equal(plan_measure_update(g_fx.model, NULL, id_of("1.1.14"), body, &err), SK_OK);
	json_decref(body);
	body = json_pack("{s:[s, s], s:s}", "responsible", "MSB", "FRA", "marker", "updated");
	assert_int_equal(plan_measure_update(g_fx.model, NULL, id_of("1.1.15"), body, &err), SK_OK);
	json_decref(body);

	/* bad input, each refused with its field */
	assert_int_equal(plan_measure_complete(g_fx.model, NULL, id_of("1.1.4"), 2099, &err),
	                 SK_EINVAL);
	assert_string_equal(err.field, "year");
	assert_int_equal(plan_measure_complete(g_fx.model, NULL, id_of("1.1.4"), 2021, &err),
	                 SK_EINVAL); /* 2021's report is submitted */
	assert_string_equal(err.field, "year");
	assert_int_equal(
	        plan_measure_write_off(g_fx.model, NULL, id_of("1.1.4"), 2022, "   ", &err),
	        SK_EINVAL);
	assert_string_equal(err.field, "reason");
	assert_int_equal(plan_measure_resolve(g_fx.model, 0, "1.1.42", &x, &err), SK_ENOTFOUND);
	assert_string_equal(err.field, "measure");

	/* a mistake corrected: reopened with a reason, written off again rightly */
	assert_int_equal(plan_measure_reopen(g_fx.model, NULL, id_of("1.1.9"), " ", &err),
	                 SK_EINVAL);
	assert_string_equal(err.field, "reason");
	assert_int_equal(plan_measure_reopen(g_fx.model, NULL, id_of("1.1.4"), "x", &err),
	                 SK_ERULE);
	assert_int_equal(
	        plan_measure_reopen(g_fx.model, NULL, id_of("1.1.9"), "Fel skäl angavs.", &err),
	        SK_OK);
	assert_int_equal(plan_measure_write_off(g_fx.model, NULL, id_of("1.1.9"), 2022,
	                                        "Genomförs inom 1.1.5.", &err),
	                 SK_OK);

	/* the 2022 report: its own markers, closures and changes */
	rep = live_report(2022);
	r = json_object_get(rep, "report");
	t = json_object_get(r, "totals");
	assert_int_equal(num(t, "new"), 2);
	assert_int_equal(num(t, "updated"), 3);
	assert_int_equal(num(t, "current"), 69 - 3 + 2);
	assert_int_equal(num(t, "completed"), 16 + 2);
	assert_int_equal(num(t, "written_off"), 9 + 1);
	cur = json_object_get(json_object_get(r, "appendix"), "current");
	assert_string_equal(json_string_value(json_object_get(find(cur, "1.1.19"), "marker")),
	                    "new");
	assert_string_equal(json_string_value(json_object_get(find(cur, "1.1.20"), "marker")),
	                    "new");
	assert_string_equal(json_string_value(json_object_get(find(cur, "1.1.1"), "marker")),
	                    "updated");
	/* 2021's markers are not 2022's */
	assert_true(json_is_null(json_object_get(find(cur, "1.1.17"), "marker")));
	it = find(json_object_get(json_object_get(r, "appendix"), "completed"), "1.1.3");
	assert_int_equal(num(it, "status_year"), 2022);
	it = find(json_object_get(json_object_get(r, "appendix"), "written_off"), "1.1.9");
	assert_string_equal(json_string_value(json_object_get(it, "status_reason")),
	                    "Genomförs inom 1.1.5.");
	ch = json_object_get(r, "changes");
	assert_int_equal(json_array_size(json_object_get(ch, "added")), 2);
	assert_int_equal(json_array_size(json_object_get(ch, "completed")), 2);
	assert_int_equal(json_array_size(json_object_get(ch, "written_off")), 2);
	assert_int_equal(json_array_size(json_object_get(ch, "reopened")), 1);
	it = find(json_object_get(ch, "changed"), "1.1.1");
	assert_true(json_is_true(json_object_get(it, "text")));
	assert_false(json_is_true(json_object_get(it, "timetable")));
	it = find(json_object_get(ch, "changed"), "1.1.14");
	assert_true(json_is_true(json_object_get(it, "timetable")));
	assert_false(json_is_true(json_object_get(it, "text")));
	it = find(json_object_get(ch, "changed"), "1.1.15");
	assert_true(json_is_true(json_object_get(it, "agencies")));
	/* 5.3.6 got its own period again: no real change, only its number listed */
	it = find(json_object_get(ch, "changed"), "5.3.6");
	assert_null(it); /* that edit was in 2021 */
	/* current measures whose period ended before 2022 are pointed out */
	json_array_foreach(json_object_get(g_doc, "measures"), i, it)
	{
		const char *n = json_string_value(json_object_get(it, "number"));

		if (strcmp(json_string_value(json_object_get(it, "status")), "current") == 0 &&
		    json_is_integer(json_object_get(it, "end_year")) &&
		    num(it, "end_year") < 2022 && strcmp(n, "1.1.3") != 0 &&
		    strcmp(n, "1.1.6") != 0 && strcmp(n, "1.1.9") != 0)
			ended++;
	}
	assert_true(ended > 0);
	assert_int_equal(json_array_size(json_object_get(r, "period_ended")), ended);
	assert_int_equal(num(t, "period_ended"), ended);
	assert_true(json_is_true(json_object_get(find(cur, "1.1.16"), "period_ended")));
	json_decref(rep);

	/* numbers are never reused: the next one is fresh */
	body = json_pack("{s:s, s:s, s:s}", "objective", "1.1", "number", "1.1.9", "title", "x");
	assert_int_equal(plan_measure_add(g_fx.model, NULL, g_plan, body, &x, &err), SK_EEXIST);
	json_decref(body);

	/* the export is the 2022 plan: 2022's markers only */
	{
		json_t *doc = plan_export(g_fx.model, g_plan);
		size_t n = 0;

		assert_int_equal(num(doc, "report_year"), 2022);
		json_array_foreach(json_object_get(doc, "measures"), i, it) n +=
		        json_is_string(json_object_get(it, "marker"));
		assert_int_equal(n, 5);
		assert_int_equal(plan_validate(doc, &err), SK_OK);
		json_decref(doc);
	}
	/* rights: only the ssc or the head moves years, reopens, submits */
	{
		struct principal staff = {.id = 77, .token_id = 3, .roles = ROLE_BIT(ROLE_STAFF)};

		assert_int_equal(plan_year_advance(g_fx.model, &staff, g_plan, 2023, &err),
		                 SK_EPERM);
		assert_int_equal(plan_measure_reopen(g_fx.model, &staff, id_of("1.1.3"), "x", &err),
		                 SK_EPERM);
	}

	/* the frozen 2021 report: byte for byte the same after all of it */
	again = report_text(2021, &frozen);
	assert_true(frozen);
	assert_string_equal(again, g_frozen2021);
	free(again);
}

static void test_final_report(void **state)
{
	struct model_err err = {0};
	json_t *d, *body, *ms, *x, *rep;
	char *f22, *again;
	bool frozen;
	uint64_t before;
	size_t i;

	(void)state;
	d = plan_deadlines(g_fx.model);
	assert_int_equal(json_array_size(json_object_get(d, "deadlines")), 1);
	assert_string_equal(json_string_value(json_object_get(
	                            json_array_get(json_object_get(d, "deadlines"), 0), "due")),
	                    "2023-03-01");
	assert_true(json_is_true(
	        json_object_get(json_array_get(json_object_get(d, "deadlines"), 0), "final")));
	json_decref(d);
	/* the final report asks a closing decision for every measure still current */
	before = regfx_ledger_size(&g_fx);
	assert_int_equal(plan_report_submit(g_fx.model, NULL, g_plan, 2022, NULL, &err), SK_ERULE);
	assert_string_equal(err.field, "measures");
	assert_non_null(strstr(err.msg, "closing decision"));
	assert_int_equal(regfx_ledger_size(&g_fx), before);
	assert_int_equal(plan_measure_continue(g_fx.model, NULL, id_of("1.1.1"), "  ", &err),
	                 SK_EINVAL);
	assert_string_equal(err.field, "reason");
	ms = plan_measures(g_fx.model, g_plan, &(struct plan_filter){"current", NULL, NULL});
	json_array_foreach(json_object_get(ms, "measures"), i, x)
	{
		const char *n = json_string_value(json_object_get(x, "number"));

		if (strcmp(n, "1.1.5") == 0) /* one completed instead */
			assert_int_equal(
			        plan_measure_complete(g_fx.model, NULL, id_of(n), 2022, &err),
			        SK_OK);
		else
			assert_int_equal(plan_measure_continue(g_fx.model, NULL, id_of(n),
			                                       "Fortsätter i nästa handlingsplan.",
			                                       &err),
			                 SK_OK);
	}
	json_decref(ms);
	/* a decision is corrected by reopening: undecided again, then decided */
	assert_int_equal(plan_measure_reopen(g_fx.model, NULL, id_of("1.1.4"), "Fel beslut.", &err),
	                 SK_OK);
	assert_int_equal(plan_report_submit(g_fx.model, NULL, g_plan, 2022, NULL, &err), SK_ERULE);
	assert_non_null(strstr(err.msg, "1.1.4"));
	assert_int_equal(plan_measure_continue(g_fx.model, NULL, id_of("1.1.4"),
	                                       "Fortsätter inom MSB:s uppdrag.", &err),
	                 SK_OK);
	assert_int_equal(plan_report_submit(g_fx.model, NULL, g_plan, 2022, NULL, &err), SK_OK);
	f22 = report_text(2022, &frozen);
	assert_true(frozen);
	rep = json_loads(f22, 0, NULL);
	assert_true(json_is_true(json_object_get(json_object_get(rep, "report"), "final")));
	x = json_array_get(
	        json_object_get(json_object_get(json_object_get(rep, "report"), "appendix"),
	                        "current"),
	        0);
	assert_non_null(json_string_value(json_object_get(x, "continues")));
	json_decref(rep);
	/* the plan 2019–2022 ends with the report for 2022, due 1 March 2023 */
	d = plan_deadlines(g_fx.model);
	assert_int_equal(json_array_size(json_object_get(d, "deadlines")), 0);
	json_decref(d);
	assert_int_equal(plan_year_advance(g_fx.model, NULL, g_plan, 2023, &err), SK_ERULE);
	assert_string_equal(err.field, "to");
	body = json_pack("{s:s}", "title", "x");
	assert_int_equal(plan_measure_update(g_fx.model, NULL, id_of("1.1.1"), body, &err),
	                 SK_ERULE);
	assert_non_null(strstr(err.msg, "closed"));
	json_decref(body);
	again = report_text(2021, &frozen);
	assert_string_equal(again, g_frozen2021);
	free(again);
	free(f22);
}

static void test_replay(void **state)
{
	struct store_verify_opts o = {.replay = true};
	struct store_verify_result res;
	bool frozen;
	char *again;

	(void)state;
	model_close(g_fx.model);
	store_close(g_fx.store);
	g_fx.store = NULL;
	memset(&res, 0, sizeof(res));
	assert_int_equal(store_verify(g_fx.dir, &o, &res), SK_OK);
	assert_int_equal(store_open(g_fx.dir, NULL, &g_fx.store), SK_OK);
	assert_int_equal(model_open(g_fx.store, g_fx.dir, NULL, &g_fx.model), SK_OK);
	again = report_text(2021, &frozen);
	assert_true(frozen);
	assert_string_equal(again, g_frozen2021);
	free(again);
	free(g_frozen2021);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_addressing),   cmocka_unit_test(test_report_years_bad),
	        cmocka_unit_test(test_submit_2021),  cmocka_unit_test(test_round_2022),
	        cmocka_unit_test(test_final_report), cmocka_unit_test(test_replay),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
