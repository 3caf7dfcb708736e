/*
 * Keys, codes and cards (src/model/reg_keys.c, 5 kap. 5–6 §§): every
 * command's good path and its refusals — copies exceeded, an ended holder,
 * someone else signing, a wrong or reused TOTP code, a spare in a
 * non-container or a withdrawn space — and that a refusal changes nothing.
 */
#include "testutil.h"
#include "regfixture.h"

#include <jansson.h>

#include "model/inventory.h"
#include "model/keys.h"
#include "model/register.h"
#include "model/todo.h"

static struct reg_fixture g_fx;
static struct principal ssc, reg, staff, staff2, auditor;
static int64_t p_staff, p_staff2, p_other, p_ended, box, box_withdrawn, room, area1;
static uint8_t staff_secret[20] = "0123456789abcdefghij";

#define setup_fail(...) (fprintf(stderr, __VA_ARGS__), fputc('\n', stderr), fail())

static int run(const struct principal *p, const char *cmd, int64_t *id, const char *json,
               struct model_err *err)
{
	json_error_t je;
	json_t *in = json_loads(json, 0, &je);
	int rc;

	if (!in)
		fail_msg("bad test JSON %s: %s", json, je.text);
	memset(err, 0, sizeof(*err));
	rc = reg_run(g_fx.model, p, "keys", cmd, in, id, err);
	json_decref(in);
	return rc;
}

/* cmd is refused with rc on field for reason, and the ledger did not grow. */
static void refused(const struct principal *p, const char *cmd, int64_t id, const char *json,
                    int rc, const char *field, const char *reason)
{
	uint64_t n = regfx_ledger_size(&g_fx);
	struct model_err err;
	int64_t x = id;

	assert_int_equal(run(p, cmd, &x, json, &err), rc);
	if (field)
		assert_string_equal(err.field, field);
	if (reason)
		assert_string_equal(err.reason, reason);
	assert_int_equal(regfx_ledger_size(&g_fx), n);
}

static int64_t ok_run(const struct principal *p, const char *cmd, int64_t id, const char *json)
{
	struct model_err err;
	int64_t x = id;

	if (run(p, cmd, &x, json, &err) != SK_OK)
		fail_msg("%s %s: %s (%s, %s)", cmd, json, err.msg, err.field, err.reason);
	return x;
}

static int64_t sql_int(const char *sql)
{
	return regfx_sql_int(&g_fx, sql);
}

static void code_now(char out[7])
{
	assert_int_equal(
	        auth_totp_code(staff_secret, sizeof(staff_secret), sk_now_us() / 1000000, out),
	        SK_OK);
}

static int64_t space(const char *kind, const char *name)
{
	char json[256];
	struct model_err err = {0};
	json_t *in;
	int64_t id = 0;

	snprintf(json, sizeof(json),
	         "{\"kind\":\"%s\",\"name\":\"%s\",\"location\":\"Hus 1\",\"max_class\":\"H\","
	         "\"decision_ref\":\"BESLUT-S\"}",
	         kind, name);
	in = json_loads(json, 0, NULL);
	if (reg_run(g_fx.model, &ssc, "spaces", "add", in, &id, &err) != SK_OK)
		setup_fail("space %s: %s (%s)", name, err.msg, err.field);
	json_decref(in);
	return id;
}

static int group_setup(void **state)
{
	struct model_err err = {0};
	char until[11];
	json_t *in;

	(void)state;
	regfx_open(&g_fx, "/tmp/skydd-test-keys-XXXXXX", REGFX_FAST_PW | REGFX_READER, NULL);
	regfx_today_plus(180, until);
	regfx_identity(g_fx.model, &ssc, "ssc", ROLE_SSC, CLEAR_KH, NULL, until);
	regfx_identity(g_fx.model, &reg, "reg", ROLE_REGISTRAR, CLEAR_KH, NULL, until);
	regfx_identity(g_fx.model, &staff, "staff", ROLE_STAFF, CLEAR_K, NULL, until);
	regfx_identity(g_fx.model, &staff2, "staff2", ROLE_STAFF, CLEAR_K, NULL, until);
	regfx_identity(g_fx.model, &auditor, "auditor", ROLE_AUDITOR, CLEAR_KH, NULL, until);
	assert_int_equal(model_identity_set_credentials(g_fx.model, staff.id,
	                                                "ett långt lösenord 1", staff_secret,
	                                                sizeof(staff_secret)),
	                 SK_OK);
	p_staff = regfx_person(g_fx.model, &reg, "Stina Staff", "Enheten", staff.id);
	p_staff2 = regfx_person(g_fx.model, &reg, "Sven Staff", "Enheten", staff2.id);
	p_other = regfx_person(g_fx.model, &reg, "Olle Annan", "Enheten", 0);
	p_ended = regfx_person(g_fx.model, &reg, "Erik Slutat", "Enheten", 0);
	if (records_person_end(g_fx.model, &reg, p_ended, NULL, &err) != SK_OK)
		setup_fail("end: %s", err.msg);
	box = space("container", "Nyckelskåp");
	box_withdrawn = space("container", "Gammalt skåp");
	room = space("processing", "Rum 1");
	in = json_pack("{s:s}", "reason", "sönder");
	if (reg_run(g_fx.model, &ssc, "spaces", "withdraw", in, &box_withdrawn, &err) != SK_OK)
		setup_fail("withdraw: %s (%s)", err.msg, err.field);
	json_decref(in);
	in = json_pack("{s:s, s:s}", "name", "Huset", "kind", "building");
	if (reg_run(g_fx.model, &ssc, "areas", "add", in, &area1, &err) != SK_OK)
		setup_fail("area: %s (%s)", err.msg, err.field);
	json_decref(in);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	regfx_close(&g_fx);
	return 0;
}

/* ---- register, change ---- */

static void test_add(void **state)
{
	char json[400], t[64];
	int64_t id;

	(void)state;
	snprintf(json, sizeof(json),
	         "{\"kind\":\"key\",\"number\":\"N-1\",\"copies\":2,\"spare_space_id\":%lld,"
	         "\"area_ids\":[%lld],\"space_ids\":[%lld]}",
	         (long long)box, (long long)area1, (long long)box);
	id = ok_run(&reg, "add", 0, json);
	assert_true(id > 0);
	assert_string_equal(
	        regfx_sql_text(&g_fx, "SELECT state FROM key_item WHERE id = ?1", id, t, sizeof(t)),
	        "active");
	assert_int_equal(sql_int("SELECT count(*) FROM key_opens WHERE key_id = 1"), 2);
	/* a code: its reference and the day it was changed (today by default), never the code */
	id = ok_run(&ssc, "add", 0,
	            "{\"kind\":\"code\",\"number\":\"KOD-Entré\",\"description\":\"Entrédörren\"}");
	assert_true(regfx_sql_text(&g_fx, "SELECT code_changed_on FROM key_item WHERE id = ?1", id,
	                           t, sizeof(t))[0] != '\0');

	/* refusals */
	refused(&staff, "add", 0, "{\"kind\":\"key\",\"number\":\"N-9\"}", SK_EPERM, NULL,
	        "record.forbidden");
	refused(&auditor, "add", 0, "{\"kind\":\"key\",\"number\":\"N-9\"}", SK_EPERM, NULL,
	        "record.forbidden");
	refused(&reg, "add", 0, "{\"kind\":\"key\",\"number\":\"N-1\"}", SK_EEXIST, "number",
	        "record.taken");
	refused(&reg, "add", 0, "{\"kind\":\"lock\",\"number\":\"N-9\"}", SK_EINVAL, "kind", NULL);
	refused(&reg, "add", 0, "{\"kind\":\"card\",\"number\":\"C-9\",\"copies\":2}", SK_EINVAL,
	        "copies", "key.copies_one");
	snprintf(json, sizeof(json),
	         "{\"kind\":\"key\",\"number\":\"N-9\",\"spare_space_id\":%lld}", (long long)room);
	refused(&reg, "add", 0, json, SK_ERULE, "spare_space_id", "key.spare_not_container");
	snprintf(json, sizeof(json),
	         "{\"kind\":\"key\",\"number\":\"N-9\",\"spare_space_id\":%lld}",
	         (long long)box_withdrawn);
	refused(&reg, "add", 0, json, SK_ERULE, "spare_space_id", "key.spare_withdrawn");
	refused(&reg, "add", 0, "{\"kind\":\"key\",\"number\":\"N-9\",\"spare_space_id\":999}",
	        SK_ENOTFOUND, "spare_space_id", "record.ref_missing");
	snprintf(json, sizeof(json), "{\"kind\":\"key\",\"number\":\"N-9\",\"space_ids\":[%lld]}",
	         (long long)room);
	refused(&reg, "add", 0, json, SK_ENOTFOUND, "space_ids", "key.opens_not_container");
	refused(&reg, "add", 0, "{\"kind\":\"key\",\"number\":\"N-9\",\"area_ids\":[77]}",
	        SK_ENOTFOUND, "area_ids", "key.area_missing");
	refused(&reg, "add", 0,
	        "{\"kind\":\"key\",\"number\":\"N-9\",\"code_changed_on\":\"2020-01-01\"}",
	        SK_EINVAL, "code_changed_on", "key.not_code");
}

static void test_update(void **state)
{
	int64_t id;
	char json[200];

	(void)state;
	id = ok_run(&reg, "add", 0, "{\"kind\":\"key\",\"number\":\"U-1\",\"copies\":1}");
	snprintf(json, sizeof(json), "{\"spare_space_id\":%lld,\"spare_note\":\"Krok 4\"}",
	         (long long)box);
	ok_run(&reg, "update", id, json);
	assert_int_equal(sql_int("SELECT spare_space_id FROM key_item WHERE number = 'U-1'"), box);
	snprintf(json, sizeof(json), "{\"person_id\":%lld,\"paper_ref\":\"KV-1\"}",
	         (long long)p_other);
	ok_run(&reg, "issue", id, json);
	refused(&reg, "update", id, "{\"copies\":0}", SK_EINVAL, "copies", NULL);
	ok_run(&reg, "update", id, "{\"copies\":3}");
	refused(&reg, "update", id, "{}", SK_EINVAL, NULL, "record.nothing_to_change");
	snprintf(json, sizeof(json), "{\"spare_space_id\":%lld}", (long long)room);
	refused(&reg, "update", id, json, SK_ERULE, "spare_space_id", "key.spare_not_container");
	/* the spare removed */
	ok_run(&reg, "update", id, "{\"spare_space_id\":0}");
	assert_int_equal(sql_int("SELECT spare_space_id FROM key_item WHERE number = 'U-1'"), -2);
}

/* ---- hand out, receipts, return ---- */

static void test_issue_sign_return(void **state)
{
	char json[200], code[7], t[64];
	int64_t key, card, issue, issue2, n;
	struct model_err err;
	json_t *mine;

	(void)state;
	key = ok_run(&reg, "add", 0, "{\"kind\":\"key\",\"number\":\"I-1\",\"copies\":2}");
	card = ok_run(&reg, "add", 0, "{\"kind\":\"card\",\"number\":\"CARD-1\"}");
	snprintf(json, sizeof(json), "{\"person_id\":%lld}", (long long)p_staff);
	ok_run(&reg, "issue", key, json);
	issue = sql_int("SELECT max(id) FROM key_issue");
	assert_string_equal(regfx_sql_text(&g_fx, "SELECT receipt FROM key_issue WHERE id = ?1",
	                                   issue, t, sizeof(t)),
	                    "pending");
	/* the same person twice; an ended person; a card to a second holder */
	refused(&reg, "issue", key, json, SK_EEXIST, "person_id", "key.already_holds");
	snprintf(json, sizeof(json), "{\"person_id\":%lld}", (long long)p_ended);
	refused(&reg, "issue", key, json, SK_ERULE, "person_id", "key.person_ended");
	/* without a login nobody signs in skydd: a paper receipt */
	snprintf(json, sizeof(json), "{\"person_id\":%lld}", (long long)p_other);
	refused(&reg, "issue", key, json, SK_EINVAL, "paper_ref", "key.paper_needed");
	snprintf(json, sizeof(json), "{\"person_id\":%lld,\"paper_ref\":\"KV-7\"}",
	         (long long)p_staff2);
	ok_run(&reg, "issue", key, json);
	issue2 = sql_int("SELECT max(id) FROM key_issue");
	assert_string_equal(regfx_sql_text(&g_fx, "SELECT receipt FROM key_issue WHERE id = ?1",
	                                   issue2, t, sizeof(t)),
	                    "paper");
	/* copies exceeded: both copies are out */
	snprintf(json, sizeof(json), "{\"person_id\":%lld,\"paper_ref\":\"KV-1\"}",
	         (long long)p_other);
	refused(&reg, "issue", key, json, SK_ERULE, "person_id", "key.copies_exceeded");
	ok_run(&reg, "issue", card, json);
	snprintf(json, sizeof(json), "{\"person_id\":%lld}", (long long)p_staff);
	refused(&reg, "issue", card, json, SK_ERULE, "person_id", "key.copies_exceeded");
	refused(&staff, "issue", key, json, SK_EPERM, NULL, "record.forbidden");

	/* the holder's own list */
	mine = keys_mine(g_fx.model, &staff, true);
	assert_int_equal(json_array_size(mine), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(mine, 0), "number")),
	                    "I-1");
	json_decref(mine);
	/* ... and on Att göra: one receipt to sign */
	mine = model_todo(g_fx.model, &staff);
	assert_non_null(mine);
	assert_string_equal(json_string_value(json_object_get(json_array_get(mine, 0), "kind")),
	                    "receipts");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(mine, 0), "count")), 1);
	json_decref(mine);
	mine = keys_mine(g_fx.model, &staff2, true);
	assert_int_equal(json_array_size(mine), 0); /* a paper receipt: nothing to sign */
	json_decref(mine);

	/* signing: someone else, the clerk for the holder, a wrong code, a bad format */
	code_now(code);
	snprintf(json, sizeof(json), "{\"issue_id\":%lld,\"code\":\"%s\"}", (long long)issue, code);
	refused(&staff2, "sign", key, json, SK_ENOTFOUND, "issue_id", "key.receipt_not_yours");
	refused(&reg, "sign", key, json, SK_ENOTFOUND, "issue_id", "key.receipt_not_yours");
	snprintf(json, sizeof(json), "{\"issue_id\":%lld,\"code\":\"12\"}", (long long)issue);
	refused(&staff, "sign", key, json, SK_EINVAL, "code", NULL);
	/* the holder signs in person, not with a service token of theirs */
	{
		struct principal tok = staff;

		tok.token_id = 1;
		snprintf(json, sizeof(json), "{\"issue_id\":%lld,\"code\":\"%s\"}",
		         (long long)issue, code);
		refused(&tok, "sign", key, json, SK_EPERM, "issue_id", "receipt.in_person");
	}
	n = regfx_ledger_size(&g_fx);
	snprintf(json, sizeof(json), "{\"issue_id\":%lld,\"code\":\"%s\"}", (long long)issue,
	         strcmp(code, "000000") ? "000000" : "000001");
	assert_int_equal(run(&staff, "sign", &key, json, &err), SK_EAUTH);
	assert_string_equal(err.field, "code");
	/* a wrong code is an auth.reauth.failed entry, nothing else */
	assert_int_equal(regfx_ledger_size(&g_fx), n + 1);
	assert_string_equal(regfx_sql_text(&g_fx, "SELECT receipt FROM key_issue WHERE id = ?1",
	                                   issue, t, sizeof(t)),
	                    "pending");
	/* the good path */
	snprintf(json, sizeof(json), "{\"issue_id\":%lld,\"code\":\"%s\"}", (long long)issue, code);
	assert_int_equal(run(&staff, "sign", &key, json, &err), SK_OK);
	assert_string_equal(regfx_sql_text(&g_fx, "SELECT receipt FROM key_issue WHERE id = ?1",
	                                   issue, t, sizeof(t)),
	                    "signed");
	assert_int_equal(sql_int("SELECT count(*) FROM ledger WHERE kind = 'key.receipt_signed' "
	                         "AND entry LIKE '%\"code\"%'"),
	                 0); /* the code is never kept */
	/* the same code again: signed already; on another receipt: reused (single use) */
	refused(&staff, "sign", key, json, SK_ERULE, "issue_id", "receipt.not_pending");
	card = ok_run(&reg, "add", 0, "{\"kind\":\"card\",\"number\":\"CARD-R\"}");
	snprintf(json, sizeof(json), "{\"person_id\":%lld}", (long long)p_staff);
	ok_run(&reg, "issue", card, json);
	snprintf(json, sizeof(json), "{\"issue_id\":%lld,\"code\":\"%s\"}",
	         (long long)sql_int("SELECT max(id) FROM key_issue"), code);
	assert_int_equal(run(&staff, "sign", &card, json, &err), SK_EAUTH);
	assert_string_equal(err.reason, "receipt.wrong_code");

	/* a paper receipt recorded by the clerk */
	card = ok_run(&reg, "add", 0, "{\"kind\":\"card\",\"number\":\"CARD-2\"}");
	snprintf(json, sizeof(json), "{\"person_id\":%lld}", (long long)p_staff2);
	ok_run(&reg, "issue", card, json);
	issue = sql_int("SELECT max(id) FROM key_issue");
	snprintf(json, sizeof(json), "{\"issue_id\":%lld,\"paper_ref\":\"KV-9\"}",
	         (long long)issue);
	refused(&reg, "receipt", key, json, SK_ENOTFOUND, "issue_id", "key.issue_missing");
	ok_run(&reg, "receipt", card, json);
	refused(&reg, "receipt", card, json, SK_ERULE, "issue_id", "receipt.not_pending");

	/* return */
	snprintf(json, sizeof(json), "{\"issue_id\":%lld}", (long long)issue2);
	ok_run(&reg, "return", key, json);
	assert_string_equal(regfx_sql_text(&g_fx, "SELECT state FROM key_issue WHERE id = ?1",
	                                   issue2, t, sizeof(t)),
	                    "returned");
	refused(&reg, "return", key, json, SK_EEXIST, "issue_id", "key.issue_closed");
	refused(&reg, "return", key, "{\"issue_id\":9999}", SK_ENOTFOUND, "issue_id",
	        "key.issue_missing");
	/* a copy came back: it may go out again */
	snprintf(json, sizeof(json), "{\"person_id\":%lld,\"paper_ref\":\"KV-1\"}",
	         (long long)p_other);
	ok_run(&reg, "issue", key, json);
}

/* ---- lost, code change, replace, destroy ---- */

static void test_lost(void **state)
{
	char json[200], t[64];
	int64_t key, issue, lc;
	struct model_err err = {0};

	(void)state;
	key = ok_run(&reg, "add", 0, "{\"kind\":\"key\",\"number\":\"L-1\",\"copies\":2}");
	snprintf(json, sizeof(json), "{\"person_id\":%lld,\"paper_ref\":\"KV-1\"}",
	         (long long)p_other);
	ok_run(&reg, "issue", key, json);
	issue = sql_int("SELECT max(id) FROM key_issue");
	refused(&reg, "lost", key, "{}", SK_EINVAL, "note", NULL);
	snprintf(json, sizeof(json), "{\"issue_id\":%lld,\"note\":\"Tappad på bussen\"}",
	         (long long)issue);
	ok_run(&reg, "lost", key, json);
	assert_string_equal(regfx_sql_text(&g_fx, "SELECT state FROM key_item WHERE id = ?1", key,
	                                   t, sizeof(t)),
	                    "lost");
	assert_string_equal(regfx_sql_text(&g_fx, "SELECT state FROM key_issue WHERE id = ?1",
	                                   issue, t, sizeof(t)),
	                    "lost");
	lc = sql_int("SELECT max(id) FROM lost_case WHERE item_type = 'key'");
	assert_true(lc > 0);
	refused(&reg, "lost", key, json, SK_EEXIST, "id", "record.state");
	/* found again: the key is active and the copy is out with its holder */
	assert_int_equal(inventory_lost_resolve(g_fx.model, &reg, lc, true, NULL, &err), SK_OK);
	assert_string_equal(regfx_sql_text(&g_fx, "SELECT state FROM key_item WHERE id = ?1", key,
	                                   t, sizeof(t)),
	                    "active");
	assert_string_equal(regfx_sql_text(&g_fx, "SELECT state FROM key_issue WHERE id = ?1",
	                                   issue, t, sizeof(t)),
	                    "out");
	/* lost for good: the case is confirmed lost */
	ok_run(&reg, "lost", key, json);
	lc = sql_int("SELECT max(id) FROM lost_case WHERE item_type = 'key'");
	assert_int_equal(inventory_lost_resolve(g_fx.model, &reg, lc, false, "Borta", &err), SK_OK);
	/* replaced: refused while a copy is out; the lost copy does not count */
	snprintf(json, sizeof(json), "{\"person_id\":%lld}", (long long)p_staff2);
	refused(&reg, "issue", key, json, SK_EEXIST, "id", "record.state");
	ok_run(&reg, "replace", key, "{\"end_note\":\"Nytt lås\"}");
	assert_string_equal(regfx_sql_text(&g_fx, "SELECT state FROM key_item WHERE id = ?1", key,
	                                   t, sizeof(t)),
	                    "replaced");
	ok_run(&reg, "destroy", key, "{\"end_note\":\"Klippt\"}");
	refused(&reg, "destroy", key, "{\"end_note\":\"Igen\"}", SK_EEXIST, "id", "record.state");
}

static void test_end_refused_while_out(void **state)
{
	char json[200];
	int64_t key, issue;

	(void)state;
	key = ok_run(&reg, "add", 0, "{\"kind\":\"key\",\"number\":\"E-1\"}");
	snprintf(json, sizeof(json), "{\"person_id\":%lld,\"paper_ref\":\"KV-1\"}",
	         (long long)p_other);
	ok_run(&reg, "issue", key, json);
	issue = sql_int("SELECT max(id) FROM key_issue");
	refused(&reg, "destroy", key, "{\"end_note\":\"x\"}", SK_EEXIST, "id", "key.still_out");
	refused(&reg, "replace", key, "{\"end_note\":\"x\"}", SK_EEXIST, "id", "key.still_out");
	snprintf(json, sizeof(json), "{\"issue_id\":%lld}", (long long)issue);
	ok_run(&reg, "return", key, json);
	snprintf(json, sizeof(json), "{\"end_note\":\"x\",\"replaced_by_id\":%lld}",
	         (long long)key);
	refused(&reg, "replace", key, json, SK_EINVAL, "replaced_by_id", "key.replaced_by_self");
	ok_run(&reg, "destroy", key, "{\"end_note\":\"x\"}");
}

static void test_code_change(void **state)
{
	char json[200], t[64];
	int64_t code, key;

	(void)state;
	code = ok_run(&ssc, "add", 0, "{\"kind\":\"code\",\"number\":\"KOD-Arkiv\"}");
	snprintf(json, sizeof(json), "{\"person_id\":%lld,\"paper_ref\":\"KV-1\"}",
	         (long long)p_other);
	ok_run(&reg, "issue", code, json);
	snprintf(json, sizeof(json), "{\"person_id\":%lld}", (long long)p_staff2);
	ok_run(&reg, "issue", code, json);
	/* a code is not given back: it is changed */
	snprintf(json, sizeof(json), "{\"issue_id\":%lld}",
	         (long long)sql_int("SELECT max(id) FROM key_issue"));
	refused(&reg, "return", code, json, SK_ERULE, "issue_id", "key.code_return");
	snprintf(json, sizeof(json), "{\"person_ids\":[%lld]}", (long long)p_ended);
	refused(&reg, "change", code, json, SK_ERULE, "person_ids", "key.person_ended");
	refused(&reg, "change", code, "{\"person_ids\":[999]}", SK_ENOTFOUND, "person_ids",
	        "record.ref_missing");
	refused(&reg, "change", code, "{\"person_ids\":[1],\"code_changed_on\":\"2999-01-01\"}",
	        SK_EINVAL, "code_changed_on", NULL);
	snprintf(json, sizeof(json), "{\"person_ids\":[%lld]}", (long long)p_staff2);
	ok_run(&reg, "change", code, json);
	/* who knew the old code no longer does; the one told knows the new one */
	assert_int_equal(sql_int("SELECT count(*) FROM key_issue i JOIN key_item k ON k.id = "
	                         "i.key_id WHERE k.number = 'KOD-Arkiv' AND i.state = 'changed'"),
	                 2);
	assert_int_equal(sql_int("SELECT count(*) FROM key_issue i JOIN key_item k ON k.id = "
	                         "i.key_id WHERE k.number = 'KOD-Arkiv' AND i.state = 'out'"),
	                 1);
	assert_true(regfx_sql_text(&g_fx, "SELECT code_changed_on FROM key_item WHERE id = ?1",
	                           code, t, sizeof(t))[0] != '\0');
	/* only a code is changed */
	key = ok_run(&reg, "add", 0, "{\"kind\":\"key\",\"number\":\"K-C\"}");
	refused(&reg, "change", key, "{\"person_ids\":[]}", SK_EINVAL, "id", "key.not_code");
}

/* The record shows its hand-out history, what it opens, its lost cases. */
static void test_detail(void **state)
{
	const struct register_def *d = reg_find("keys");
	json_t *o;

	(void)state;
	o = reg_get(g_fx.model, &reg, d, 1);
	assert_non_null(o);
	assert_true(json_is_array(json_object_get(o, "issues")));
	assert_int_equal(json_array_size(json_object_get(o, "opens")), 2);
	assert_true(json_is_array(json_object_get(o, "lost_cases")));
	json_decref(o);
	o = reg_list(g_fx.model, &auditor, d, NULL);
	assert_non_null(o);
	assert_true(json_array_size(o) > 3);
	json_decref(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_add),
	        cmocka_unit_test(test_update),
	        cmocka_unit_test(test_issue_sign_return),
	        cmocka_unit_test(test_lost),
	        cmocka_unit_test(test_end_refused_while_out),
	        cmocka_unit_test(test_code_change),
	        cmocka_unit_test(test_detail),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
