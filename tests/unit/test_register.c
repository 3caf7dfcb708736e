/*
 * The register engine (src/model/register.c) on its own terms: the
 * definitions check, one validation for every command (unknown fields,
 * bounds, types, values, dates, clearing), the generic checks in the writer
 * (roles, state, nothing to change, uniqueness, references, need-to-know by
 * class), rows and filters, and the description the web UI reads (only what
 * the caller may read; `may` from the caller's roles). The records registers'
 * own rules are tested in test_records.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "model/register.h"
#include "regfixture.h"

static struct reg_fixture g_fx;
static struct principal ssc, chief, reg, reg_k, admin, staff;

static int group_setup(void **state)
{
	char today[11], until[11];

	(void)state;
	regfx_open(&g_fx, "/tmp/skydd-test-register-XXXXXX", REGFX_READER | REGFX_CLEAR, NULL);
	model_today(today);
	model_plus_year(today, until);
	regfx_identity(g_fx.model, &chief, "chief.r", ROLE_CHIEF, CLEAR_KH, NULL, until);
	regfx_identity(g_fx.model, &ssc, "ssc.r", ROLE_SSC, CLEAR_KH, NULL, until);
	regfx_identity(g_fx.model, &reg, "reg.r", ROLE_REGISTRAR, CLEAR_H, NULL, until);
	regfx_identity(g_fx.model, &reg_k, "regk.r", ROLE_REGISTRAR, CLEAR_K, NULL, until);
	regfx_identity(g_fx.model, &admin, "admin.r", ROLE_ADMIN, CLEAR_NONE, NULL, until);
	regfx_identity(g_fx.model, &staff, "staff.r", ROLE_STAFF, CLEAR_KH, NULL, until);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	regfx_close(&g_fx);
	return 0;
}

/* Runs reg/cmd with the JSON text args; expects want and, on a refusal, field and reason. */
static int64_t run(const struct principal *p, const char *regname, const char *cmd, int64_t id,
                   const char *args, int want, const char *field, const char *reason)
{
	json_error_t je;
	json_t *in = json_loads(args, 0, &je);
	struct model_err err = {0};
	uint64_t before = regfx_ledger_size(&g_fx);
	int rc;

	if (!in)
		fail_msg("bad test JSON %s: %s", args, je.text);
	rc = reg_run(g_fx.model, p, regname, cmd, in, &id, &err);
	json_decref(in);
	if (rc != want)
		fail_msg("%s %s %s: want %s, got %s (%s: %s)", regname, cmd, args,
		         sk_strerror(want), sk_strerror(rc), err.field, err.msg);
	if (want != SK_OK) {
		if (field && strcmp(err.field, field) != 0)
			fail_msg("%s %s %s: want field %s, got '%s' (%s)", regname, cmd, args,
			         field, err.field, err.msg);
		if (reason && strcmp(err.reason, reason) != 0)
			fail_msg("%s %s %s: want reason %s, got '%s' (%s)", regname, cmd, args,
			         reason, err.reason, err.msg);
		if (regfx_ledger_size(&g_fx) != before)
			fail_msg("%s %s: refused, yet the ledger grew", regname, cmd);
	}
	return id;
}

static void test_defs(void **state)
{
	char why[200] = "";

	(void)state;
	assert_int_equal(reg_check_defs(why, sizeof(why)), SK_OK);
	for (size_t i = 0; reg_all[i]; i++) {
		assert_non_null(reg_find(reg_all[i]->name));
		assert_ptr_equal(reg_find(reg_all[i]->one), reg_all[i]);
	}
	assert_null(reg_find("no-such-register"));
	assert_null(reg_cmd_find(reg_find("persons"), "explode"));
	/* a command or register that does not exist is refused, and nothing is written */
	run(&reg, "persons", "explode", 0, "{}", SK_EINVAL, NULL, "record.no_command");
	run(&reg, "dragons", "add", 0, "{\"name\":\"X\"}", SK_EINVAL, NULL, "record.no_command");
}

static void test_validation(void **state)
{
	char big[200];

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	run(&reg, "persons", "add", 0, "{\"name\":\"A\",\"shoe_size\":42}", SK_EINVAL, "shoe_size",
	    "field.unknown");
	run(&reg, "persons", "add", 0, "{\"unit\":\"U\"}", SK_EINVAL, "name", "field.required");
	run(&reg, "persons", "add", 0, "{\"name\":\"\"}", SK_EINVAL, "name", "field.required");
	run(&reg, "persons", "add", 0, "{\"name\":\"   \"}", SK_EINVAL, "name", NULL);
	run(&reg, "persons", "add", 0, "{\"name\":\"A\\u0007B\"}", SK_EINVAL, "name", "field.text");
	run(&reg, "persons", "add", 0, "{\"name\":42}", SK_EINVAL, "name", "field.type");
	run(&reg, "persons", "add", 0, "{\"name\":\"A\",\"identity_id\":0}", SK_EINVAL,
	    "identity_id", "field.range");
	run(&reg, "persons", "add", 0, "{\"name\":\"A\",\"identity_id\":\"1\"}", SK_EINVAL,
	    "identity_id", "field.type");
	{
		char args[300];

		snprintf(args, sizeof(args), "{\"name\":\"%s\"}", big);
		run(&reg, "persons", "add", 0, args, SK_EINVAL, "name", "field.too_long");
	}
	run(&ssc, "spaces", "add", 0,
	    "{\"kind\":\"cupboard\",\"name\":\"S\",\"max_class\":\"K\",\"decision_ref\":\"D\"}",
	    SK_EINVAL, "kind", "field.enum");
	run(&ssc, "spaces", "add", 0,
	    "{\"kind\":\"container\",\"name\":\"S\",\"max_class\":\"TOP\",\"decision_ref\":\"D\"}",
	    SK_EINVAL, "max_class", "field.class");
	run(&ssc, "spaces", "add", 0,
	    "{\"kind\":\"container\",\"name\":\"S\",\"max_class\":\"K\",\"decision_ref\":\"D\","
	    "\"decided_on\":\"2026-02-30\"}",
	    SK_EINVAL, "decided_on", "field.date");
	run(&ssc, "spaces", "add", 0,
	    "{\"kind\":\"container\",\"name\":\"S\",\"max_class\":\"K\",\"decision_ref\":\"D\","
	    "\"decided_on\":\"2999-01-01\"}",
	    SK_EINVAL, "decided_on", "field.future");
	run(&reg, "media", "add", 0,
	    "{\"identifier\":\"M\",\"type\":\"usb\",\"class\":\"K\",\"space_id\":1,\"fixed\":"
	    "\"yes\"}",
	    SK_EINVAL, "fixed", "field.type");
	/* null clears only what the command says may be cleared */
	run(&reg, "persons", "update", 1, "{\"name\":null}", SK_EINVAL, "name", "field.type");
}

static void test_commands(void **state)
{
	int64_t p, s, sys;
	json_t *o, *l, *f;

	(void)state;
	p = run(&reg, "persons", "add", 0, "{\"name\":\"Greta\",\"unit\":\"Analys\"}", SK_OK, NULL,
	        NULL);
	o = reg_get(g_fx.model, NULL, reg_find("persons"), p);
	assert_string_equal(json_string_value(json_object_get(o, "name")), "Greta");
	assert_string_equal(json_string_value(json_object_get(o, "status")), "active");
	assert_int_equal(json_integer_value(json_object_get(o, "created_by")), reg.id);
	assert_true(json_is_null(json_object_get(o, "identity_id")));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "holds"), "copies")),
	                 0);
	json_decref(o);

	/* roles in force, checked in the writer */
	run(&staff, "persons", "add", 0, "{\"name\":\"X\"}", SK_EPERM, NULL, "record.forbidden");
	run(&reg, "systems", "add", 0, "{\"name\":\"S\",\"max_class\":\"K\"}", SK_EPERM, NULL,
	    "record.forbidden");
	/* nothing to change; unknown record */
	run(&reg, "persons", "update", p, "{}", SK_EINVAL, NULL, "record.nothing_to_change");
	run(&reg, "persons", "update", 9999, "{\"name\":\"Y\"}", SK_ENOTFOUND, "id",
	    "record.not_found");
	/* a reference to nothing */
	run(&reg, "persons", "update", p, "{\"identity_id\":9999}", SK_ENOTFOUND, "identity_id",
	    "record.ref_missing");
	/* an act from the wrong state: ended once, not twice */
	run(&reg, "persons", "end", p, "{}", SK_OK, NULL, NULL);
	run(&reg, "persons", "end", p, "{}", SK_EEXIST, "id", "record.state");
	o = reg_get(g_fx.model, NULL, reg_find("persons"), p);
	assert_string_equal(json_string_value(json_object_get(o, "status")), "ended");
	assert_non_null(json_string_value(json_object_get(o, "ended_on")));
	json_decref(o);

	/* unique names */
	sys = run(&ssc, "systems", "add", 0, "{\"name\":\"Nät\",\"max_class\":\"H\"}", SK_OK, NULL,
	          NULL);
	run(&ssc, "systems", "add", 0, "{\"name\":\"Nät\",\"max_class\":\"K\"}", SK_EEXIST, "name",
	    "record.taken");
	run(&ssc, "systems", "update", sys, "{\"name\":\"Nät\"}", SK_OK, NULL, NULL);
	run(&ssc, "systems", "update", sys, "{\"status\":\"withdrawn\"}", SK_OK, NULL, NULL);

	/* filters: exact, on the fields that are filters */
	s = run(&ssc, "spaces", "add", 0,
	        "{\"kind\":\"container\",\"name\":\"Skåp\",\"max_class\":\"H\",\"decision_ref\":"
	        "\"B1\"}",
	        SK_OK, NULL, NULL);
	f = json_pack("{s:s}", "kind", "processing");
	l = reg_list(g_fx.model, NULL, reg_find("spaces"), f);
	assert_int_equal(json_array_size(l), 0);
	json_decref(l);
	json_object_set_new(f, "kind", json_string("container"));
	l = reg_list(g_fx.model, NULL, reg_find("spaces"), f);
	assert_int_equal(json_array_size(l), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(l, 0), "id")), s);
	json_decref(l);
	json_decref(f);
}

/* A medium above the caller's clearance does not exist for them: not listed, not read, not changed.
 */
static void test_need_to_know(void **state)
{
	char args[200];
	int64_t s, m;
	json_t *l, *o;

	(void)state;
	s = run(&ssc, "spaces", "add", 0,
	        "{\"kind\":\"container\",\"name\":\"H-skåp\",\"max_class\":\"H\",\"decision_ref\":"
	        "\"B2\"}",
	        SK_OK, NULL, NULL);
	snprintf(args, sizeof(args),
	         "{\"identifier\":\"H-USB-1\",\"type\":\"usb\",\"class\":\"H\",\"space_id\":%lld}",
	         (long long)s);
	run(&reg_k, "media", "add", 0, args, SK_EPERM, "class", "medium.class_above_clearance");
	m = run(&reg, "media", "add", 0, args, SK_OK, NULL, NULL);
	o = reg_get(g_fx.model, &reg, reg_find("media"), m);
	assert_non_null(o);
	json_decref(o);
	assert_null(reg_get(g_fx.model, &reg_k, reg_find("media"), m));
	l = reg_list(g_fx.model, &reg_k, reg_find("media"), NULL);
	assert_int_equal(json_array_size(l), 0);
	json_decref(l);
	l = reg_list(g_fx.model, &reg, reg_find("media"), NULL);
	assert_int_equal(json_array_size(l), 1);
	json_decref(l);
	run(&reg_k, "media", "update", m, "{\"marking\":\"x\"}", SK_ENOTFOUND, "id",
	    "record.not_found");
}

static json_t *find(json_t *arr, const char *key, const char *name)
{
	size_t i;
	json_t *x;

	json_array_foreach(arr, i, x)
	{
		if (strcmp(json_string_value(json_object_get(x, key)) ?: "", name) == 0)
			return x;
	}
	return NULL;
}

static bool may(json_t *regs, const char *reg_name, const char *cmd)
{
	json_t *r = find(regs, "name", reg_name);

	return r && json_is_true(json_object_get(find(json_object_get(r, "commands"), "name", cmd),
	                                         "may"));
}

static void test_describe(void **state)
{
	json_t *d, *persons, *fields;

	(void)state;
	d = reg_describe(g_fx.model, &reg);
	persons = find(d, "name", "persons");
	assert_non_null(persons);
	assert_string_equal(json_string_value(json_object_get(persons, "path")), "/api/v1/persons");
	fields = json_object_get(persons, "fields");
	assert_string_equal(
	        json_string_value(json_object_get(find(fields, "name", "name"), "type")), "string");
	assert_int_equal(json_integer_value(json_object_get(find(fields, "name", "name"), "max")),
	                 128);
	assert_true(json_is_true(json_object_get(find(fields, "name", "status"), "state")));
	assert_true(may(d, "persons", "add"));
	assert_true(may(d, "media", "destroy"));
	assert_false(may(d, "spaces", "add"));     /* the ssc or the head approves */
	assert_false(may(d, "systems", "update")); /* the ssc only */
	assert_string_equal(
	        json_string_value(json_object_get(
	                json_object_get(find(json_object_get(persons, "commands"), "name", "end"),
	                                "when"),
	                "value")),
	        "active");
	json_decref(d);

	/* an admin reads persons (and incidents: anyone reports one, 2 kap. 15 §); staff read
	 * only incidents (their own: the view hook) */
	d = reg_describe(g_fx.model, &admin);
	assert_non_null(find(d, "name", "persons"));
	assert_null(find(d, "name", "spaces"));
	assert_null(find(d, "name", "media"));
	json_decref(d);
	d = reg_describe(g_fx.model, &staff);
	assert_int_equal(json_array_size(d), 1);
	assert_non_null(find(d, "name", "incidents"));
	json_decref(d);
	d = reg_describe(g_fx.model, &ssc);
	assert_true(may(d, "spaces", "add"));
	assert_true(may(d, "systems", "update"));
	assert_true(may(d, "media", "add")); /* the registrar or the ssc */
	json_decref(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_defs),     cmocka_unit_test(test_validation),
	        cmocka_unit_test(test_commands), cmocka_unit_test(test_need_to_know),
	        cmocka_unit_test(test_describe),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
