/*
 * Keys, codes and cards (nycklar, koder och kort), 5 kap. 5–6 §§ PMFS
 * 2022:1: each item (a key with its number and copy count, a card, a code:
 * only its reference and when it was last changed, never the code), what it
 * opens (areas, approved containers), where the spare key or code note is
 * kept (an approved storage container, 10 §), and its hand-outs: to whom,
 * when, the receipt (signed in skydd by the holder with a fresh TOTP code,
 * or a paper receipt the clerk records), returned, lost (a lost case: the
 * inventory slice owns those), replaced or destroyed. A code change ends
 * every hand-out of the code and records who is told the new one.
 *
 * The item is the register's row; the hand-outs are rows of key_issue that
 * the apply hook writes. docs/internals/keys.md says why.
 */
#include <stdio.h>
#include <string.h>

#include "model/inventory.h"
#include "model/keys.h"
#include "model/records.h"
#include "model/records_int.h"
#include "model/reg_int.h"
#include "model/register.h"

#define R(x)  ROLE_BIT(ROLE_##x)
#define WRITE (R(REGISTRAR) | R(SSC))
#define READ  ROLES_REGISTER
#define IN_USE                                                                                     \
	"active lost" /* a lost key's other copies still come back, its receipts are signed */

#define KEY_IDS_MAX 64 /* areas, containers or persons one command names */

static const char *const kinds[] = {"key", "card", "code", NULL};
static const char *const states[] = {"active", "lost", "replaced", "destroyed", NULL};

static const struct reg_field fields[] = {
        {"id", REG_INT, .src = REG_SRC_ID, .flags = REG_F_CLI, .doc = "the item's number in skydd"},
        {"kind", REG_ENUM, .values = kinds, .flags = REG_F_LIST | REG_F_FILTER | REG_F_CLI,
         .vlabel = "reg.key_kind", .doc = "key, card or code"},
        {"number", REG_STRING, 1, 64, .flags = REG_F_LIST | REG_F_CLI | REG_F_UNIQUE,
         .doc = "a key's or card's number, a code's reference (never the code itself)"},
        {"description", REG_TEXT, 0, 500, .flags = REG_F_LIST, .doc = "what it is"},
        {"copies", REG_INT, 1, 999, .flags = REG_F_LIST | REG_F_CLI,
         .doc = "a key's copies that may be handed out (a card or code: 1)"},
        {"spare_space_id", REG_REF, .ref = "spaces", .flags = REG_F_LIST | REG_F_NULL,
         .doc = "the approved storage container where the spare key or code note is kept (5 "
                "kap. 10 §)"},
        {"spare_note", REG_STRING, 0, 200, .flags = REG_F_LIST,
         .doc = "where in it, or how it is sealed"},
        {"code_changed_on", REG_DATE, .flags = REG_F_PAST | REG_F_LIST,
         .doc = "a code: the day it was last changed"},
        {"state", REG_ENUM, .values = states, .src = REG_SRC_STATE,
         .flags = REG_F_LIST | REG_F_FILTER | REG_F_CLI, .vlabel = "reg.key_state",
         .doc = "active, lost, replaced or destroyed"},
        {"ended_on", REG_DATE, .flags = REG_F_PAST, .doc = "the day it was replaced or destroyed"},
        {"end_note", REG_TEXT, 1, 500, .doc = "how it was replaced or destroyed"},
        {"replaced_by_id", REG_REF, 0, 0, .ref = "keys", .doc = "the item that replaced it"},
        REG_FIELD_CREATED_AT,
        REG_FIELD_UPDATED_AT,
        {"out", REG_INT, .src = REG_SRC_SQL, .flags = REG_F_LIST | REG_F_CLI,
         .col = "(SELECT count(*) FROM key_issue x WHERE x.key_id = key_item.id AND x.state = "
                "'out')",
         .doc = "hand-outs not returned (for a code: who knows it)"},
        /* the arguments of the commands: in the entries, the apply hook writes them */
        {"area_ids", REG_IDS, 0, KEY_IDS_MAX, .src = REG_SRC_LEDGER_ONLY,
         .doc = "the areas it opens (the whole list)"},
        {"space_ids", REG_IDS, 0, KEY_IDS_MAX, .src = REG_SRC_LEDGER_ONLY,
         .doc = "the approved containers it opens (the whole list)"},
        {"person_id", REG_REF, .ref = "persons", .src = REG_SRC_LEDGER_ONLY,
         .doc = "the person it is handed to"},
        {"person_ids", REG_IDS, 0, KEY_IDS_MAX, .src = REG_SRC_LEDGER_ONLY,
         .doc = "the persons told the new code"},
        {"issue_id", REG_INT, 1, SK_JSON_MAX_INT, .src = REG_SRC_LEDGER_ONLY,
         .doc = "the hand-out (see the item's issues)"},
        {"issued_on", REG_DATE, .flags = REG_F_PAST, .src = REG_SRC_LEDGER_ONLY,
         .doc = "the day it was handed out (default today)"},
        {"paper_ref", REG_STRING, 1, 128, .src = REG_SRC_LEDGER_ONLY,
         .doc = "the reference of the paper receipt the holder signed"},
        {"returned_on", REG_DATE, .flags = REG_F_PAST, .src = REG_SRC_LEDGER_ONLY,
         .doc = "the day it came back (default today)"},
        {"lost_on", REG_DATE, .flags = REG_F_PAST, .src = REG_SRC_LEDGER_ONLY,
         .doc = "when it was missed (default today)"},
        {"note", REG_TEXT, 1, 500, .src = REG_SRC_LEDGER_ONLY, .doc = "what is known"},
        {"code", REG_STRING, 6, 6, .src = REG_SRC_LEDGER_ONLY,
         .doc = "a fresh TOTP code of your own login (never stored)"},
        {0},
};

static int64_t num(const json_t *o, const char *key)
{
	return (int64_t)json_integer_value(json_object_get(o, key));
}

static bool is_kind(const json_t *o, const char *kind)
{
	const char *k = model_json_str(o, "kind");

	return k && strcmp(k, kind) == 0;
}

/* 5 kap. 10 §: the spare lies in an approved storage container (a space of kind container). */
static int spare_ok(struct reg_call *c, int64_t space)
{
	char kind[16] = "", status[16] = "";
	struct store_q *q;
	int rc;

	if (space <= 0)
		return SK_OK;
	if ((rc = store_tx_query(c->tx, "SELECT kind, status FROM space WHERE id = ?1", &q)))
		return rc;
	store_q_bind_int(q, 1, space);
	if ((rc = store_q_step(q)) == SK_OK) {
		snprintf(kind, sizeof(kind), "%s", store_q_text(q, 0));
		snprintf(status, sizeof(status), "%s", store_q_text(q, 1));
	}
	store_q_done(q);
	if (rc)
		return rc; /* the generic check found it: only an I/O error is left */
	if (strcmp(kind, "container") != 0)
		return store_tx_failr(
		        c->tx, SK_ERULE, "spare_space_id", "key.spare_not_container", NULL,
		        "5 kap. 10 §: space %lld is no storage container: keep the spare "
		        "in an approved container",
		        (long long)space);
	if (strcmp(status, "approved") != 0)
		return store_tx_failr(c->tx, SK_ERULE, "spare_space_id", "key.spare_withdrawn",
		                      NULL, "space %lld is withdrawn", (long long)space);
	return SK_OK;
}

/* What it opens: active areas and approved containers. */
static int opens_ok(struct reg_call *c)
{
	json_t *x;
	size_t i;
	int64_t n;
	int rc;

	json_array_foreach(json_object_get(c->in, "area_ids"), i, x)
	{
		n = 0;
		if ((rc = store_tx_int(
		             c->tx, &n,
		             "SELECT count(*) FROM area WHERE id = ?1 AND status = 'active'", "i",
		             json_integer_value(x))))
			return rc;
		if (!n)
			return store_tx_failr(c->tx, SK_ENOTFOUND, "area_ids", "key.area_missing",
			                      NULL, "area_ids: no active area %lld",
			                      (long long)json_integer_value(x));
	}
	json_array_foreach(json_object_get(c->in, "space_ids"), i, x)
	{
		n = 0;
		if ((rc = store_tx_int(c->tx, &n,
		                       "SELECT count(*) FROM space WHERE id = ?1 AND kind = "
		                       "'container' AND status = 'approved'",
		                       "i", json_integer_value(x))))
			return rc;
		if (!n)
			return store_tx_failr(c->tx, SK_ENOTFOUND, "space_ids",
			                      "key.opens_not_container", NULL,
			                      "space_ids: %lld is no approved storage container",
			                      (long long)json_integer_value(x));
	}
	return SK_OK;
}

static int64_t out_count(struct reg_call *c)
{
	int64_t n = 0;

	if (store_tx_int(c->tx, &n,
	                 "SELECT count(*) FROM key_issue WHERE key_id = ?1 AND state = 'out'", "i",
	                 c->id))
		return -1;
	return n;
}

/* A card or a code is one item: one copy. */
static int copies_ok(struct reg_call *c, const char *kind)
{
	json_t *v = json_object_get(c->in, "copies");

	if (v && strcmp(kind, "key") != 0 && json_integer_value(v) != 1)
		return store_tx_failr(c->tx, SK_EINVAL, "copies", "key.copies_one", NULL,
		                      "a card or a code has one copy");
	return SK_OK;
}

static int check_add(struct reg_call *c)
{
	const char *kind = model_json_str0(c->in, "kind");
	bool given = json_is_string(json_object_get(c->in, "code_changed_on"));
	char today[11];
	int rc;

	if ((rc = copies_ok(c, kind)) || (rc = spare_ok(c, num(c->in, "spare_space_id"))) ||
	    (rc = opens_ok(c)))
		return rc;
	if (!json_object_get(c->data, "copies"))
		json_object_set_new(c->data, "copies", json_integer(1));
	if (strcmp(kind, "code") == 0 && !given) {
		model_today(today);
		json_object_set_new(c->data, "code_changed_on", json_string(today));
	} else if (strcmp(kind, "code") != 0 && given) {
		return store_tx_failr(c->tx, SK_EINVAL, "code_changed_on", "key.not_code", NULL,
		                      "only a code is changed");
	}
	return SK_OK;
}

static int check_update(struct reg_call *c)
{
	json_t *copies = json_object_get(c->in, "copies");
	int64_t out;
	int rc;

	if ((rc = copies_ok(c, model_json_str0(c->old, "kind"))) ||
	    (rc = spare_ok(c, num(c->in, "spare_space_id"))) || (rc = opens_ok(c)))
		return rc;
	if (copies) {
		if ((out = out_count(c)) < 0)
			return SK_EIO;
		if (json_integer_value(copies) < out)
			return store_tx_failr(c->tx, SK_ERULE, "copies", "key.copies_out",
			                      json_pack("{s:I}", "out", (json_int_t)out),
			                      "%lld copies are handed out", (long long)out);
	}
	return SK_OK;
}

/* 5 kap. 6 §: to an active person; never more copies out than exist; a card to one holder. */
static int check_issue(struct reg_call *c)
{
	int64_t person = num(c->in, "person_id"), out, n = 0, id = 0;
	int rc;

	if (records_tx_person_active(c->tx, person) == SK_ERULE)
		return store_tx_failr(c->tx, SK_ERULE, "person_id", "key.person_ended", NULL,
		                      "person %lld has ended", (long long)person);
	if ((rc = store_tx_int(c->tx, &n,
	                       "SELECT count(*) FROM key_issue WHERE key_id = ?1 AND person_id = "
	                       "?2 AND state = 'out'",
	                       "ii", c->id, person)))
		return rc;
	if (n)
		return store_tx_failr(c->tx, SK_EEXIST, "person_id", "key.already_holds", NULL,
		                      "person %lld already holds it", (long long)person);
	/* without a login nobody can sign in skydd: the receipt is on paper */
	if (!json_object_get(c->in, "paper_ref") &&
	    (rc = store_tx_int(c->tx, &n,
	                       "SELECT count(*) FROM person WHERE id = ?1 AND identity_id IS NOT "
	                       "NULL",
	                       "i", person)))
		return rc;
	if (!json_object_get(c->in, "paper_ref") && !n)
		return store_tx_failr(c->tx, SK_EINVAL, "paper_ref", "key.paper_needed", NULL,
		                      "person %lld has no login to sign in skydd: give the paper "
		                      "receipt's reference",
		                      (long long)person);
	if ((out = out_count(c)) < 0)
		return SK_EIO;
	if (!is_kind(c->old, "code") && out >= num(c->old, "copies"))
		return store_tx_failr(
		        c->tx, SK_ERULE, "person_id", "key.copies_exceeded",
		        json_pack("{s:I}", "copies", (json_int_t)num(c->old, "copies")),
		        "all %lld copies are handed out", (long long)num(c->old, "copies"));
	if ((rc = store_tx_int(c->tx, &id, "SELECT coalesce(max(id), 0) + 1 FROM key_issue", "")))
		return rc;
	json_object_set_new(c->data, "issue_id", json_integer(id));
	return SK_OK;
}

/* The hand-out issue_id of this item: its person, state and receipt. */
struct issue_row {
	int64_t person;
	char state[16], receipt[16];
};

static int issue_of(struct reg_call *c, struct issue_row *out)
{
	struct store_q *q;
	int rc = store_tx_query(c->tx,
	                        "SELECT person_id, state, receipt FROM key_issue WHERE id = ?1 AND "
	                        "key_id = ?2",
	                        &q);

	if (rc)
		return rc;
	store_q_bind_int(q, 1, num(c->in, "issue_id"));
	store_q_bind_int(q, 2, c->id);
	if ((rc = store_q_step(q)) == SK_OK) {
		out->person = store_q_int(q, 0);
		snprintf(out->state, sizeof(out->state), "%s", store_q_text(q, 1));
		snprintf(out->receipt, sizeof(out->receipt), "%s", store_q_text(q, 2));
	}
	store_q_done(q);
	if (rc == SK_ENOTFOUND)
		return store_tx_failr(c->tx, SK_ENOTFOUND, "issue_id", "key.issue_missing", NULL,
		                      "no hand-out %lld of this item",
		                      (long long)num(c->in, "issue_id"));
	return rc;
}

static int issue_out(struct reg_call *c, struct issue_row *r)
{
	int rc = issue_of(c, r);

	if (!rc && strcmp(r->state, "out") != 0)
		rc = store_tx_failr(c->tx, SK_EEXIST, "issue_id", "key.issue_closed",
		                    json_pack("{s:s}", "issue_state", r->state),
		                    "the hand-out is %s", r->state);
	return rc;
}

/*
 * The holder signs their own receipt (nobody signs for someone else): the
 * caller's person is the hand-out's. The fresh TOTP code is checked by the
 * engine after this hook (reg_cmd.second_factor), as for document copies.
 */
static int check_sign(struct reg_call *c)
{
	struct issue_row r;
	int64_t mine = 0;
	int rc;

	if (c->p && c->p->token_id)
		return store_tx_failr(c->tx, SK_EPERM, "issue_id", "receipt.in_person", NULL,
		                      "the holder signs in person, not with a service token");
	if (c->p && store_tx_int(c->tx, &mine, "SELECT id FROM person WHERE identity_id = ?1", "i",
	                         c->p->id) != SK_OK)
		mine = 0;
	rc = issue_of(c, &r);
	if (rc == SK_ENOTFOUND || (!rc && (mine == 0 || r.person != mine)))
		return store_tx_failr(c->tx, SK_ENOTFOUND, "issue_id", "key.receipt_not_yours",
		                      NULL, "no hand-out %lld to you",
		                      (long long)num(c->in, "issue_id"));
	if (rc)
		return rc;
	if (strcmp(r.receipt, "pending") != 0 || strcmp(r.state, "out") != 0)
		return store_tx_failr(c->tx, SK_ERULE, "issue_id", "receipt.not_pending", NULL,
		                      "the receipt is %s, not pending", r.receipt);
	json_object_set_new(c->data, "method", json_string("totp"));
	return SK_OK;
}

/* The clerk records the paper receipt the holder signed. */
static int check_paper(struct reg_call *c)
{
	struct issue_row r;
	int rc = issue_out(c, &r);

	if (rc)
		return rc;
	if (strcmp(r.receipt, "pending") != 0)
		return store_tx_failr(c->tx, SK_ERULE, "issue_id", "receipt.not_pending", NULL,
		                      "the receipt is %s, not pending", r.receipt);
	return SK_OK;
}

static int check_return(struct reg_call *c)
{
	struct issue_row r;

	if (is_kind(c->old, "code"))
		return store_tx_failr(c->tx, SK_ERULE, "issue_id", "key.code_return", NULL,
		                      "a code cannot be given back: change it (5 kap. 6 §)");
	return issue_out(c, &r);
}

/*
 * Lost (the item, or one hand-out's copy): the inventory slice's lost case
 * (lost.opened sets the item lost); key.lost keeps the act in the item's
 * history and marks the hand-out lost.
 */
static int check_lost(struct reg_call *c)
{
	struct issue_row r;
	int64_t case_id = 0;
	int rc;

	if (json_object_get(c->in, "issue_id") &&
	    !json_is_null(json_object_get(c->in, "issue_id")) && (rc = issue_out(c, &r)))
		return rc;
	rc = inventory_tx_lost_open(c->tx, c->p ? c->p->id : 0, c->p ? c->p->token_id : 0, "key",
	                            c->id, 0, model_json_str(c->old, "state"),
	                            model_json_str(c->in, "note"), &case_id);
	if (rc)
		return rc;
	json_object_set_new(c->data, "lost_case_id", json_integer(case_id));
	return SK_OK;
}

/* A code change: who knew the old code no longer does; persons told the new one are active. */
static int check_change(struct reg_call *c)
{
	json_t *x;
	int64_t id = 0;
	size_t i;
	int rc;

	if (!is_kind(c->old, "code"))
		return store_tx_failr(c->tx, SK_EINVAL, "id", "key.not_code", NULL,
		                      "only a code is changed");
	if ((rc = store_tx_int(c->tx, &id, "SELECT coalesce(max(id), 0) + 1 FROM key_issue", "")))
		return rc;
	json_array_foreach(json_object_get(c->in, "person_ids"), i, x)
	{
		int64_t n = 0;

		if ((rc = store_tx_int(c->tx, &n, "SELECT count(*) FROM person WHERE id = ?1", "i",
		                       json_integer_value(x))))
			return rc;
		if (!n)
			return store_tx_failr(
			        c->tx, SK_ENOTFOUND, "person_ids", "record.ref_missing", NULL,
			        "person_ids: no person %lld", (long long)json_integer_value(x));
		if (records_tx_person_active(c->tx, json_integer_value(x)) == SK_ERULE)
			return store_tx_failr(c->tx, SK_ERULE, "person_ids", "key.person_ended",
			                      NULL, "person %lld has ended",
			                      (long long)json_integer_value(x));
	}
	json_object_set_new(c->data, "first_issue_id", json_integer(id));
	return SK_OK;
}

/* Replaced or destroyed: every hand-out has come back first. */
static int check_end(struct reg_call *c)
{
	struct buf b;
	int rc = SK_OK;

	if (is_kind(c->old, "code"))
		return SK_OK; /* a code is not held: ending it ends what is known of it */
	buf_init(&b, 256);
	reg_tx_held_list(c->tx,
	                 "SELECT id FROM key_issue WHERE key_id = ?1 AND state = 'out' ORDER BY id",
	                 c->id, 0, "hand-out", &b);
	/* the params count (a list of ids is no word for a person); the message lists them */
	if (b.len)
		rc = store_tx_failr(c->tx, SK_EEXIST, "id", "key.still_out",
		                    json_pack("{s:I}", "out", (json_int_t)out_count(c)),
		                    "still handed out: %s: take them back first", b.ptr);
	buf_release(&b);
	if (!rc && num(c->in, "replaced_by_id") == c->id)
		rc = store_tx_failr(c->tx, SK_EINVAL, "replaced_by_id", "key.replaced_by_self",
		                    NULL, "an item does not replace itself");
	return rc;
}

/* ---- the projection beyond the generic apply ---- */

static int put_opens(struct store_tx *tx, int64_t id, const json_t *d)
{
	static const char *const types[] = {"area", "space"};
	static const char *const keys[] = {"area_ids", "space_ids"};
	int rc = SK_OK;

	for (int t = 0; t < 2 && !rc; t++) {
		const json_t *list = json_object_get(d, keys[t]), *x;
		size_t i;

		if (!list)
			continue; /* not given: unchanged */
		rc = store_tx_run(tx, "DELETE FROM key_opens WHERE key_id = ?1 AND type = ?2", "it",
		                  id, types[t]);
		json_array_foreach(list, i, x)
		{
			if (!rc)
				rc = store_tx_run(tx,
				                  "INSERT INTO key_opens (key_id, type, object_id) "
				                  "VALUES (?1, ?2, ?3)",
				                  "iti", id, types[t], json_integer_value(x));
		}
	}
	return rc;
}

static int apply(struct store_tx *tx, const struct ledger_entry *e, const struct reg_cmd *cmd)
{
	const json_t *d = e->data;
	int64_t id = model_json_int(d, "id"), issue = model_json_int(d, "issue_id");
	const char *ev = cmd->event;
	char t[SK_TIME_LEN + 1];
	int rc = SK_OK;

	model_time(e->time_us, t);
	if (strcmp(ev, "key.registered") == 0 || strcmp(ev, "key.updated") == 0)
		return put_opens(tx, id, d);
	if (strcmp(ev, "key.issued") == 0)
		return store_tx_run(tx,
		                    "INSERT INTO key_issue (id, key_id, person_id, issued_on, "
		                    "issued_at, issued_by, "
		                    "receipt, receipt_at, receipt_by, paper_ref, state) VALUES "
		                    "(?1, ?2, ?3, ?4, "
		                    "?5, ?6, CASE WHEN ?7 = '' THEN 'pending' ELSE 'paper' END, "
		                    "CASE WHEN ?7 = '' "
		                    "THEN NULL ELSE ?5 END, CASE WHEN ?7 = '' THEN NULL ELSE ?6 "
		                    "END, nullif(?7, ''), "
		                    "'out')",
		                    "iiittit", issue, id, model_json_int(d, "person_id"),
		                    model_json_str0(d, "issued_on"), t, e->actor,
		                    model_json_str0(d, "paper_ref"));
	if (strcmp(ev, "key.receipt_signed") == 0 || strcmp(ev, "key.receipt_recorded") == 0)
		return store_tx_run(
		        tx,
		        "UPDATE key_issue SET receipt = CASE WHEN ?4 = '' THEN 'signed' "
		        "ELSE 'paper' END, receipt_at = ?2, receipt_by = ?3, paper_ref = "
		        "nullif(?4, '') WHERE id = ?1",
		        "itit", issue, t, e->actor, model_json_str0(d, "paper_ref"));
	if (strcmp(ev, "key.returned") == 0)
		return store_tx_run(tx,
		                    "UPDATE key_issue SET state = 'returned', returned_on = ?2, "
		                    "closed_by = ?3 WHERE id = ?1",
		                    "iti", issue, model_json_str0(d, "returned_on"), e->actor);
	if (strcmp(ev, "key.lost") == 0) {
		/* the state came with lost.opened (no_apply); the hand-out is lost too */
		if (issue)
			rc = store_tx_run(tx,
			                  "UPDATE key_issue SET state = 'lost', closed_by = ?2, "
			                  "lost_case_id = ?3 WHERE id = ?1",
			                  "iii", issue, e->actor,
			                  model_json_int(d, "lost_case_id"));
		return rc;
	}
	if (strcmp(ev, "key.code_changed") == 0) {
		const json_t *x;
		size_t i;

		rc = store_tx_run(tx,
		                  "UPDATE key_issue SET state = 'changed', returned_on = ?2, "
		                  "closed_by = ?3 WHERE key_id = ?1 AND state = 'out'",
		                  "iti", id, model_json_str0(d, "code_changed_on"), e->actor);
		json_array_foreach(json_object_get(d, "person_ids"), i, x)
		{
			if (!rc)
				rc = store_tx_run(
				        tx,
				        "INSERT INTO key_issue (id, key_id, person_id, issued_on, "
				        "issued_at, issued_by, receipt, state) VALUES (?1, ?2, ?3, "
				        "?4, "
				        "?5, ?6, 'pending', 'out')",
				        "iiitti", model_json_int(d, "first_issue_id") + (int64_t)i,
				        id, json_integer_value(x),
				        model_json_str0(d, "code_changed_on"), t, e->actor);
		}
		return rc;
	}
	if (strcmp(ev, "key.replaced") == 0 || strcmp(ev, "key.destroyed") == 0)
		/* a code's knowers know nothing that opens any more */
		return store_tx_run(tx,
		                    "UPDATE key_issue SET state = 'changed', returned_on = ?2, "
		                    "closed_by = ?3 WHERE key_id = ?1 AND state = 'out'",
		                    "iti", id, model_json_str0(d, "ended_on"), e->actor);
	return SK_OK;
}

/* ---- reads ---- */

static json_t *issue_row(struct store_q *q)
{
	json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:I, s:s, s:s}", "id",
	                      (json_int_t)store_q_int(q, 0), "person_id",
	                      (json_int_t)store_q_int(q, 1), "person", store_q_text(q, 2),
	                      "issued_on", store_q_text(q, 3), "issued_at", store_q_text(q, 4),
	                      "issued_by", (json_int_t)store_q_int(q, 5), "receipt",
	                      store_q_text(q, 6), "state", store_q_text(q, 9));

	if (!o)
		return NULL;
	json_object_set_new(o, "receipt_at", model_q_json_text(q, 7));
	json_object_set_new(o, "paper_ref", model_q_json_text(q, 8));
	json_object_set_new(o, "returned_on", model_q_json_text(q, 10));
	json_object_set_new(o, "lost_case_id", model_q_json_int(q, 11));
	return o;
}

static json_t *opens_row(struct store_q *q)
{
	return json_pack("{s:s, s:I, s:s}", "type", store_q_text(q, 0), "id",
	                 (json_int_t)store_q_int(q, 1), "name", store_q_text(q, 2));
}

static json_t *lost_row(struct store_q *q)
{
	return json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)store_q_int(q, 0), "state",
	                 store_q_text(q, 1), "opened_at", store_q_text(q, 2), "note",
	                 store_q_text(q, 3));
}

#define ISSUE_COLS                                                                                 \
	"SELECT i.id, i.person_id, p.name, i.issued_on, i.issued_at, i.issued_by, i.receipt, "     \
	"i.receipt_at, i.paper_ref, i.state, i.returned_on, i.lost_case_id FROM key_issue i JOIN " \
	"person p ON p.id = i.person_id "

/* 5 kap. 6 §: one item shows its hand-outs (to whom, when, returned when), what it opens, its lost
 * cases. */
static void detail(struct model *m, const struct principal *p, json_t *o)
{
	int64_t id = json_integer_value(json_object_get(o, "id"));
	json_t *x;

	(void)p;
	x = rec_query(m, ISSUE_COLS "WHERE i.key_id = ?3 ORDER BY i.id", issue_row, NULL, NULL, id);
	json_object_set_new(o, "issues", x ? x : json_array());
	x = rec_query(m,
	              "SELECT o.type, o.object_id, coalesce(a.name, s.name, '') FROM key_opens o "
	              "LEFT JOIN area a ON o.type = 'area' AND a.id = o.object_id LEFT JOIN space "
	              "s ON o.type = 'space' AND s.id = o.object_id WHERE o.key_id = ?3 ORDER BY "
	              "o.type, o.object_id",
	              opens_row, NULL, NULL, id);
	json_object_set_new(o, "opens", x ? x : json_array());
	x = rec_query(
	        m,
	        "SELECT id, state, opened_at, note FROM lost_case WHERE item_type = 'key' AND "
	        "item_id = ?3 ORDER BY id",
	        lost_row, NULL, NULL, id);
	json_object_set_new(o, "lost_cases", x ? x : json_array());
}

#define ISSUE_COLS_MINE                                                                            \
	"SELECT i.id, i.person_id, p.name, i.issued_on, i.issued_at, i.issued_by, i.receipt, "     \
	"i.receipt_at, i.paper_ref, i.state, i.returned_on, i.lost_case_id, k.id, k.kind, "        \
	"k.number, k.description FROM key_issue i JOIN person p ON p.id = i.person_id JOIN "       \
	"key_item k ON k.id = i.key_id "

static json_t *mine_row(struct store_q *q)
{
	json_t *o = issue_row(q);

	if (o)
		json_object_update_new(o,
		                       json_pack("{s:I, s:s, s:s, s:s}", "key_id",
		                                 (json_int_t)store_q_int(q, 12), "kind",
		                                 store_q_text(q, 13), "number", store_q_text(q, 14),
		                                 "description", store_q_text(q, 15)));
	return o;
}

json_t *keys_mine(struct model *m, const struct principal *p, bool pending)
{
	if (!p || p->id <= 0)
		return json_array();
	return rec_query(m,
	                 ISSUE_COLS_MINE "WHERE p.identity_id = ?3 AND i.state = 'out' AND (?1 IS "
	                                 "NULL OR i.receipt = 'pending') ORDER BY i.id",
	                 mine_row, pending ? "1" : NULL, NULL, p->id);
}

/* ---- the definition ---- */

static const struct reg_arg add_args[] = {
        {"kind", REG_A_REQUIRED, NULL, NULL},
        {"number", REG_A_REQUIRED, NULL, NULL},
        {"description", REG_A_EMPTY, NULL, NULL},
        {"copies", 0, NULL, "a key's copies (default 1)"},
        {"spare_space_id", REG_A_NULL, "spare", NULL},
        {"spare_note", REG_A_EMPTY, NULL, NULL},
        {"code_changed_on", REG_A_NULL, "changed", "a code: last changed (default today)"},
        {"area_ids", 0, "areas", NULL},
        {"space_ids", 0, "containers", NULL},
        {0},
};
static const struct reg_arg update_args[] = {
        {"description", 0, NULL, NULL},
        {"copies", 0, NULL, NULL},
        {"spare_space_id", REG_A_CLEAR, "spare", "the spare's container; 0 removes it"},
        {"spare_note", 0, NULL, NULL},
        {"area_ids", 0, "areas", NULL},
        {"space_ids", 0, "containers", NULL},
        {0},
};
static const struct reg_arg issue_args[] = {
        {"person_id", REG_A_REQUIRED, "person", NULL},
        {"issued_on", REG_A_TODAY, "on", NULL},
        {"paper_ref", 0, "paper", "the holder signed a paper receipt (else they sign in skydd)"},
        {0},
};
static const struct reg_arg sign_args[] = {
        {"issue_id", REG_A_REQUIRED, "issue", NULL},
        {"code", REG_A_REQUIRED, NULL, NULL},
        {0},
};
static const struct reg_arg paper_args[] = {
        {"issue_id", REG_A_REQUIRED, "issue", NULL},
        {"paper_ref", REG_A_REQUIRED, "paper", NULL},
        {0},
};
static const struct reg_arg return_args[] = {
        {"issue_id", REG_A_REQUIRED, "issue", NULL},
        {"returned_on", REG_A_TODAY, "on", NULL},
        {0},
};
static const struct reg_arg lost_args[] = {
        {"issue_id", REG_A_NULL, "issue", "the hand-out whose copy was lost (none: the item)"},
        {"note", REG_A_REQUIRED, NULL, NULL},
        {"lost_on", REG_A_TODAY, "on", NULL},
        {0},
};
static const struct reg_arg change_args[] = {
        {"code_changed_on", REG_A_TODAY, "on", "the day the code was changed (default today)"},
        {"person_ids", REG_A_REQUIRED, "told", "the persons told the new code"},
        {0},
};
static const struct reg_arg end_args[] = {
        {"ended_on", REG_A_TODAY, "on", NULL},
        {"end_note", REG_A_REQUIRED, "note", NULL},
        {0},
};
static const struct reg_arg replace_args[] = {
        {"ended_on", REG_A_TODAY, "on", NULL},
        {"end_note", REG_A_REQUIRED, "note", NULL},
        {"replaced_by_id", REG_A_NULL, "by", "the new item (registered first)"},
        {0},
};

static const struct reg_cmd cmds[] = {
        {.name = "add",
         .verb = REG_CREATE,
         .roles = WRITE,
         .event = "key.registered",
         .state = "active",
         .args = add_args,
         .check = check_add,
         .summary = "register a key, card or code (5 kap. 6 §)",
         .help = "Registers a key (its number and copies), a card or a code (its reference: "
                 "never the code), where the spare is kept and what it opens."},
        {.name = "update",
         .verb = REG_UPDATE,
         .roles = WRITE,
         .event = "key.updated",
         .when = "active",
         .args = update_args,
         .check = check_update,
         .summary = "change an item, its spare or what it opens",
         .help = "Changes an active item: description, copies, the spare's container, what it "
                 "opens (the whole list)."},
        {.name = "issue",
         .verb = REG_ACT,
         .path = "issue",
         .roles = WRITE,
         .event = "key.issued",
         .when = "active",
         .args = issue_args,
         .check = check_issue,
         .summary = "hand an item to a person, or tell them a code (5 kap. 6 §)",
         .help = "Hands the item to an active person; the holder signs the receipt in skydd, "
                 "or --paper records the paper receipt they signed."},
        {.name = "sign",
         .verb = REG_ACT,
         .path = "sign",
         .roles = ROLES_ALL,
         .event = "key.receipt_signed",
         .when = IN_USE,
         .args = sign_args,
         .check = check_sign,
         .second_factor = true,
         .summary = "sign my own receipt with a fresh TOTP code",
         .help = "The holder signs the receipt of their own hand-out with a fresh code of "
                 "their authenticator."},
        {.name = "receipt",
         .verb = REG_ACT,
         .path = "receipt",
         .roles = WRITE,
         .event = "key.receipt_recorded",
         .when = IN_USE,
         .args = paper_args,
         .check = check_paper,
         .summary = "record the paper receipt the holder signed",
         .help = "Records the reference of the paper receipt the holder signed."},
        {.name = "return",
         .verb = REG_ACT,
         .path = "return",
         .roles = WRITE,
         .event = "key.returned",
         .when = IN_USE,
         .args = return_args,
         .check = check_return,
         .summary = "a handed-out key or card comes back",
         .help = "Records that a hand-out came back (not a code: change it)."},
        {.name = "lost",
         .verb = REG_ACT,
         .path = "lost",
         .roles = WRITE,
         .event = "key.lost",
         .when = "active",
         .args = lost_args,
         .check = check_lost,
         .danger = true,
         .no_apply = true,
         .summary = "report an item or a holder's copy lost (opens a lost case)",
         .help = "Reports the item (or the copy of hand-out --issue) lost; opens a lost case."},
        {.name = "change",
         .verb = REG_ACT,
         .path = "change",
         .roles = WRITE,
         .event = "key.code_changed",
         .when = "active",
         .args = change_args,
         .check = check_change,
         .summary = "record a code change and who is told the new code",
         .help = "Records that a code was changed: who knew the old one no longer does; "
                 "--told names who knows the new one."},
        {.name = "replace",
         .verb = REG_ACT,
         .path = "replace",
         .roles = WRITE,
         .event = "key.replaced",
         .state = "replaced",
         .when = IN_USE,
         .args = replace_args,
         .check = check_end,
         .danger = true,
         .summary = "the item was replaced (a new lock, key or card)",
         .help = "Records that the item was replaced; every copy has come back first."},
        {.name = "destroy",
         .verb = REG_ACT,
         .path = "destroy",
         .roles = WRITE,
         .event = "key.destroyed",
         .state = "destroyed",
         .when = "active lost replaced",
         .args = end_args,
         .check = check_end,
         .danger = true,
         .summary = "the item was destroyed",
         .help = "Records that the item was destroyed; every copy has come back first."},
        {0},
};

static const char *const extra_tables[] = {"key_opens", "key_issue", NULL};

const struct register_def reg_keys = {
        .name = "keys",
        .one = "key",
        .table = "key_item",
        .cli = "key",
        .slug = "nycklar",
        .display = "number",
        .title = "keys, codes and cards",
        .paragraph = "5 kap. 5–6 §§",
        .about = "Keys, codes and cards (5 kap. 5–6 §§): what each opens, where the spare is "
                 "kept, to whom and when it was handed out, returned, lost, replaced or "
                 "destroyed; code changes. A code itself is never stored.",
        .read_roles = READ,
        .fields = fields,
        .cmds = cmds,
        .order = "id",
        .import = "add", /* existing key and card lists (register_io.h) */
        .apply = apply,
        .detail = detail,
        .extra_tables = extra_tables,
        /* a lost case (lost.opened) */
        .touches = (const char *const[]){"lost_case", NULL},
};
