/*
 * GET /api/v1/registers as the web UI needs it (reg_describe): the generic
 * pages draw their forms from the fields a command takes, so a field kept
 * only in the ledger (a space's withdrawal reason) is described as an input
 * and never as a column; who recorded a record is a reference to a login;
 * and a reference says whether the reader may list what it points to, so
 * the page neither asks for a list it would be refused (a 403 in the
 * console) nor shows a login's number where a name would do.
 */
#include "testutil.h"

#include <jansson.h>

#include "model/register.h"

static json_t *find(json_t *arr, const char *key, const char *name)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v)
	{
		if (strcmp(json_string_value(json_object_get(v, key)) ?: "", name) == 0)
			return v;
	}
	return NULL;
}

static json_t *field(json_t *regs, const char *reg, const char *name)
{
	json_t *r = find(regs, "name", reg);

	assert_non_null(r);
	return find(json_object_get(r, "fields"), "name", name);
}

static struct principal as(enum role r)
{
	struct principal p;

	memset(&p, 0, sizeof(p));
	p.id = 1;
	p.roles = ROLE_BIT(r);
	p.clearance = CLEAR_KH;
	return p;
}

static void test_ledger_only_is_an_input(void **state)
{
	struct principal ssc = as(ROLE_SSC);
	json_t *regs = reg_describe(NULL, &ssc);
	json_t *reason = field(regs, "spaces", "reason");
	json_t *withdraw =
	        find(json_object_get(find(regs, "name", "spaces"), "commands"), "name", "withdraw");

	(void)state;
	assert_non_null(reason);
	assert_false(json_is_true(json_object_get(reason, "output")));
	assert_true(json_is_true(json_object_get(reason, "input")));
	assert_false(json_is_true(json_object_get(reason, "list")));
	assert_string_equal(json_string_value(json_object_get(reason, "type")), "text");
	assert_non_null(find(json_object_get(withdraw, "args"), "name", "reason"));
	/* a stored field is no input only */
	assert_false(json_is_true(json_object_get(field(regs, "spaces", "name"), "input")));
	json_decref(regs);
}

static void test_recorded_by_is_a_login(void **state)
{
	struct principal ssc = as(ROLE_SSC);
	json_t *regs = reg_describe(NULL, &ssc);
	json_t *by = field(regs, "spaces", "decided_by");

	(void)state;
	assert_non_null(by);
	assert_string_equal(json_string_value(json_object_get(by, "type")), "ref");
	assert_string_equal(json_string_value(json_object_get(by, "ref")), "identities");
	assert_true(json_is_true(json_object_get(by, "output")));
	json_decref(regs);
}

static void test_refs_say_readable(void **state)
{
	struct principal ssc = as(ROLE_SSC), registrar = as(ROLE_REGISTRAR);
	struct principal admin = as(ROLE_ADMIN);
	json_t *a = reg_describe(NULL, &ssc), *b = reg_describe(NULL, &registrar);
	json_t *c = reg_describe(NULL, &admin);

	(void)state;
	/* the ssc lists the logins; the registrar does not (GET /identities: SECURITY) */
	assert_true(json_is_true(json_object_get(field(a, "persons", "identity_id"), "readable")));
	assert_true(json_is_false(json_object_get(field(b, "persons", "identity_id"), "readable")));
	assert_true(json_is_true(json_object_get(field(c, "persons", "identity_id"), "readable")));
	/* the admin reads persons only: no description of the others */
	assert_null(find(c, "name", "spaces"));
	assert_non_null(find(c, "name", "persons"));
	json_decref(a);
	json_decref(b);
	json_decref(c);
}

/*
 * The incidents and the action plan have web pages of their own addresses
 * (#/incidenter, #/atgardsplan), and a yes/no that may be null (whether an
 * incident is reportable: an answer, never a default) says so, so the page
 * asks it with nothing chosen instead of a checkbox that answers "no".
 */
static void test_incidents_have_pages(void **state)
{
	struct principal ssc = as(ROLE_SSC), staff = as(ROLE_STAFF);
	json_t *regs = reg_describe(NULL, &ssc), *mine = reg_describe(NULL, &staff);

	(void)state;
	assert_string_equal(
	        json_string_value(json_object_get(find(regs, "name", "incidents"), "slug")),
	        "incidenter");
	assert_string_equal(
	        json_string_value(json_object_get(find(regs, "name", "deviations"), "slug")),
	        "atgardsplan");
	assert_true(json_is_true(json_object_get(field(regs, "incidents", "reportable"), "null")));
	assert_true(json_is_false(json_object_get(field(regs, "media", "fixed"), "null")));
	/* the open filter's values have words of their own */
	assert_string_equal(json_string_value(json_object_get(field(regs, "deviations", "open"),
	                                                      "value_label")),
	                    "regdef.deviation.open");
	/* staff report incidents but do not read the action plan: no page described */
	assert_non_null(find(mine, "name", "incidents"));
	assert_null(find(mine, "name", "deviations"));
	json_decref(regs);
	json_decref(mine);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_ledger_only_is_an_input),
	        cmocka_unit_test(test_recorded_by_is_a_login),
	        cmocka_unit_test(test_refs_say_readable),
	        cmocka_unit_test(test_incidents_have_pages),
	};

	return cmocka_run_group_tests_name("regdescribe", tests, NULL, NULL);
}
