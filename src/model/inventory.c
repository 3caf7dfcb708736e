/*
 * The inventory register (3 kap. 21 § PMFS 2022:1): campaigns that snapshot
 * what should physically exist, checks by someone other than the holder,
 * closing with a report, and lost cases for what was not found. Writer
 * commands validate in the transaction; the projections of inventory.* and
 * lost.* entries are the only code that changes inventory, inventory_item,
 * lost_case and the inventory columns of copy and medium.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/access_int.h"
#include "model/document.h"
#include "model/inventory.h"
#include "model/ledger_view.h"
#include "model/reg_int.h"

/* The states in which a copy should exist physically (and so is inventoried). */
#define COPY_PRESENT "('in_register', 'issued', 'returned', 'archived')"
/* A class as a number comparable with enum clearance (CLEAR_BH = 1 … CLEAR_KH = 4). */
#define RANK(x)                                                                                    \
	"(CASE " x " WHEN 'BH' THEN 1 WHEN 'K' THEN 2 WHEN 'H' THEN 3 WHEN 'KH' THEN 4 ELSE 9 "    \
	"END)"
/*
 * Every item of a campaign, through the primary key: with only inventory_id
 * given, the planner (after ANALYZE) walks a sort index and looks each row up
 * again, ten times slower over a large campaign.
 */
#define ALL_ITEMS(x) x "inventory_id = ?1 AND " x "item_type IN ('copy', 'document', 'medium')"

static const char *const scope_names[] = {"kh_documents", "physical_k_h", "media"};

/* ---- small helpers ---- */

static bool may_write(const struct principal *p)
{
	return (p->roles & (ROLE_BIT(ROLE_REGISTRAR) | ROLE_BIT(ROLE_SSC))) != 0;
}

static int refuse_role(struct model_err *err)
{
	return model_fail(err, SK_EPERM, "", "inventory.keeper", NULL,
	                  "inventories are kept by a registrar or the ssc");
}

/* Today's date of the transaction (the entry's date). */
static void tx_today(struct store_tx *tx, char out[11])
{
	char t[SK_TIME_LEN + 1];

	model_time(store_tx_now(tx), t);
	memcpy(out, t, 10);
	out[10] = '\0';
}

/* What a lost case can be about: a copy, a medium, or a key, card or code (5 kap. 6 §). */
static bool item_type_ok(const char *s)
{
	return s && (strcmp(s, "copy") == 0 || strcmp(s, "medium") == 0 || strcmp(s, "key") == 0);
}

/* What a campaign checks: copies, media, and a document without copies (3 kap. 21 §). */
static bool check_type_ok(const char *s)
{
	return s &&
	       (strcmp(s, "copy") == 0 || strcmp(s, "medium") == 0 || strcmp(s, "document") == 0);
}

unsigned inventory_scope_parse(const char *s)
{
	unsigned mask = 0;

	if (!s)
		return 0;
	while (*s) {
		size_t n = strcspn(s, " ,");
		unsigned bit = 0;

		for (unsigned i = 0; i < 3; i++) {
			if (n == strlen(scope_names[i]) && strncmp(s, scope_names[i], n) == 0)
				bit = 1u << i;
		}
		if (n > 0 && !bit)
			return 0;
		mask |= bit;
		s += n;
		s += strspn(s, " ,");
	}
	return mask;
}

/* The scope names of mask, space-separated, into out. */
static const char *scope_text(unsigned mask, char out[64])
{
	size_t len = 0;

	out[0] = '\0';
	for (unsigned i = 0; i < 3; i++) {
		if (mask & (1u << i))
			len += (size_t)snprintf(out + len, 64 - len, "%s%s", len ? " " : "",
			                        scope_names[i]);
	}
	return out;
}

/* ---- items inside a transaction ---- */

struct item_now {
	char cls[4];
	char state[16];
	int64_t holder;   /* 0 = none */
	int64_t document; /* a copy's document, 0 for a medium */
	bool key;         /* a key, card or code: no class */
};

/* The current class, state and holder of an item. SK_ENOTFOUND when there is none. */
static int tx_item_now(struct store_tx *tx, const char *type, int64_t id, struct item_now *out)
{
	static const char sql_copy[] = "SELECT d.class, c.state, coalesce(c.holder_person_id, 0), "
	                               "d.id FROM copy c JOIN document d ON d.id = c.document_id "
	                               "WHERE c.id = ?1";
	static const char sql_medium[] = "SELECT class, state, coalesce(holder_person_id, 0), 0 "
	                                 "FROM medium WHERE id = ?1";
	static const char sql_document[] =
	        "SELECT class, status, 0, id FROM document WHERE id = ?1";
	static const char sql_key[] = "SELECT '', state, 0, 0 FROM key_item WHERE id = ?1";
	struct store_q *q;
	int rc = store_tx_query(tx,
	                        strcmp(type, "copy") == 0       ? sql_copy
	                        : strcmp(type, "document") == 0 ? sql_document
	                        : strcmp(type, "key") == 0      ? sql_key
	                                                        : sql_medium,
	                        &q);

	if (rc)
		return rc;
	store_q_bind_int(q, 1, id);
	rc = store_q_step(q);
	if (!rc) {
		snprintf(out->cls, sizeof(out->cls), "%s", store_q_text(q, 0));
		snprintf(out->state, sizeof(out->state), "%s", store_q_text(q, 1));
		out->holder = store_q_int(q, 2);
		out->document = store_q_int(q, 3);
		out->key = strcmp(type, "key") == 0;
	}
	store_q_done(q);
	return rc;
}

/*
 * May p see the item? A copy: the documents slice's rule (clearance and
 * need-to-know, or a register role); a medium: its class within clearance.
 */
static bool tx_item_visible(struct store_tx *tx, const struct principal *p,
                            const struct item_now *now)
{
	if (now->document)
		return document_tx_visible(tx, p, now->document);
	if (now->key) /* the key register's readers (reg_keys.c) */
		return (p->roles & ROLES_REGISTER) != 0;
	return clearance_parse(now->cls) > CLEAR_NONE &&
	       clearance_parse(now->cls) <= (int)p->clearance;
}

/* The person linked to an identity, or 0. */
static int64_t tx_person_of(struct store_tx *tx, int64_t identity_id)
{
	int64_t id = 0;

	if (store_tx_int(tx, &id, "SELECT id FROM person WHERE identity_id = ?1", "i", identity_id))
		return 0;
	return id;
}

/* The campaign's state: SK_OK open, SK_EEXIST closed, SK_ENOTFOUND none. */
static int tx_campaign_open(struct store_tx *tx, int64_t id)
{
	struct store_q *q;
	int rc = store_tx_query(tx, "SELECT state FROM inventory WHERE id = ?1", &q);

	if (rc)
		return rc;
	store_q_bind_int(q, 1, id);
	rc = store_q_step(q);
	if (!rc && strcmp(store_q_text(q, 0), "open") != 0)
		rc = SK_EEXIST;
	store_q_done(q);
	return rc;
}

static int campaign_fail(struct store_tx *tx, int rc, int64_t id)
{
	if (rc == SK_ENOTFOUND)
		return store_tx_failr(tx, SK_ENOTFOUND, "id", "inventory.not_found", NULL,
		                      "no inventory %lld", (long long)id);
	if (rc == SK_EEXIST)
		return store_tx_failr(
		        tx, SK_EEXIST, "id", "inventory.closed",
		        json_pack("{s:o}", "name", model_tx_name(tx, "inventory", id)),
		        "inventory %lld is closed", (long long)id);
	return rc;
}

/* ---- start ---- */

struct start_cmd {
	const struct principal *p;
	const char *name;
	unsigned scope;
	int64_t id;
};

/*
 * A document of the scope that has no copies at all (the rule
 * doc.inventory.no_copies): what is inventoried is the document itself, as an
 * item of type document (an electronic KH document kept in a system, or a
 * paper one registered without copies).
 */
#define DOC_NO_COPIES                                                                              \
	" AND d.status = 'active' AND d.declassified_on IS NULL AND NOT EXISTS (SELECT 1 FROM "    \
	"copy c WHERE c.document_id = d.id)"
#define SCOPE_KH      "d.class = 'KH'"
#define SCOPE_PHYS_KH "d.class IN ('K', 'H') AND d.form = 'physical'"

static const char *const count_sql[] = {
        "SELECT (SELECT count(*) FROM copy c JOIN document d ON d.id = c.document_id "
        "WHERE " SCOPE_KH " AND c.state IN " COPY_PRESENT
        ") + (SELECT count(*) FROM document d WHERE " SCOPE_KH DOC_NO_COPIES ")",
        "SELECT (SELECT count(*) FROM copy c JOIN document d ON d.id = c.document_id "
        "WHERE " SCOPE_PHYS_KH " AND c.state IN " COPY_PRESENT
        ") + (SELECT count(*) FROM document d "
        "WHERE " SCOPE_PHYS_KH DOC_NO_COPIES ")",
        "SELECT count(*) FROM medium WHERE class IN ('K', 'H', 'KH') AND state = 'in_use'",
};

#define SNAPSHOT_INTO                                                                              \
	"INSERT INTO inventory_item (inventory_id, item_type, item_id, holder_person_id, "         \
	"space_id, scope, prior_inventoried_on) "

static const char *const snapshot_sql[] = {
        SNAPSHOT_INTO "SELECT ?1, 'copy', c.id, c.holder_person_id, c.space_id, 'kh_documents', "
                      "c.last_inventoried_on FROM copy c JOIN document d ON d.id = c.document_id "
                      "WHERE " SCOPE_KH " AND c.state IN " COPY_PRESENT,
        SNAPSHOT_INTO "SELECT ?1, 'copy', c.id, c.holder_person_id, c.space_id, 'physical_k_h', "
                      "c.last_inventoried_on FROM copy c JOIN document d ON d.id = c.document_id "
                      "WHERE " SCOPE_PHYS_KH " AND c.state IN " COPY_PRESENT,
        SNAPSHOT_INTO "SELECT ?1, 'medium', id, holder_person_id, space_id, 'media', "
                      "last_inventoried_on FROM medium WHERE class IN ('K', 'H', 'KH') AND state "
                      "= 'in_use'",
};

/* The documents without copies of each scope (none for media). */
static const char *const snapshot_doc_sql[] = {
        SNAPSHOT_INTO "SELECT ?1, 'document', d.id, NULL, NULL, 'kh_documents', "
                      "d.last_inventoried_on FROM document d WHERE " SCOPE_KH DOC_NO_COPIES,
        SNAPSHOT_INTO "SELECT ?1, 'document', d.id, NULL, NULL, 'physical_k_h', "
                      "d.last_inventoried_on FROM document d WHERE " SCOPE_PHYS_KH DOC_NO_COPIES,
        NULL,
};

static int start_fn(struct store_tx *tx, void *arg)
{
	struct start_cmd *c = arg;
	char today[11], text[64];
	json_t *items, *data;
	struct store_q *q;
	int64_t n, total = 0;
	int rc;

	rc = store_tx_query(tx, "SELECT id, scope FROM inventory WHERE state = 'open' ORDER BY id",
	                    &q);
	if (rc)
		return rc;
	while (store_q_step(q) == SK_OK) {
		if (inventory_scope_parse(store_q_text(q, 1)) & c->scope) {
			int64_t other = store_q_int(q, 0);

			store_q_done(q);
			return store_tx_failr(
			        tx, SK_EEXIST, "scope", "inventory.scope_open",
			        json_pack("{s:o}", "name", model_tx_name(tx, "inventory", other)),
			        "inventory %lld is still open over part of this scope: "
			        "close it first",
			        (long long)other);
		}
	}
	store_q_done(q);
	items = json_object();
	if (!items)
		return SK_ENOMEM;
	for (unsigned i = 0; i < 3; i++) {
		if (!(c->scope & (1u << i)))
			continue;
		rc = store_tx_int(tx, &n, count_sql[i], "");
		if (rc) {
			json_decref(items);
			return rc;
		}
		json_object_set_new(items, scope_names[i], json_integer(n));
		total += n;
	}
	rc = store_tx_int(tx, &c->id, "SELECT coalesce(max(id), 0) + 1 FROM inventory", "");
	if (rc) {
		json_decref(items);
		return rc;
	}
	tx_today(tx, today);
	data = json_pack("{s:I, s:s, s:s, s:s, s:o, s:I}", "id", (json_int_t)c->id, "name", c->name,
	                 "scope", scope_text(c->scope, text), "started_on", today, "items", items,
	                 "total", (json_int_t)total);
	model_with_token(data, c->p);
	return model_tx_log(tx, c->p->id, "inventory.started", "inventory", c->id, data);
}

int inventory_start(struct model *m, const struct principal *p, const char *name, unsigned scope,
                    int64_t *id, struct model_err *err)
{
	struct start_cmd c = {p, name, scope ? scope : INVENTORY_ALL, 0};
	int rc;

	if (!may_write(p))
		return refuse_role(err);
	if (!model_text_valid(name, 1, 200, MODEL_TEXT_NL | MODEL_TEXT_DEL) || strchr(name, '\n'))
		return model_fail(err, SK_EINVAL, "name", "field.text_size",
		                  json_pack("{s:i, s:i}", "min", 1, "max", 200),
		                  "name: 1..200 bytes of text on one line");
	if (scope & ~INVENTORY_ALL)
		return model_fail(err, SK_EINVAL, "scope", "field.enum", NULL,
		                  "scope: kh_documents, physical_k_h and/or media");
	rc = model_submit(m, start_fn, &c, err);
	if (!rc && id)
		*id = c.id;
	return rc;
}

/* ---- check ---- */

struct check_cmd {
	const struct principal *p;
	int64_t inventory_id;
	const char *type;
	int64_t item_id;
	bool found;
	const char *note;
};

static int check_fn(struct store_tx *tx, void *arg)
{
	struct check_cmd *c = arg;
	struct item_now now;
	char today[11];
	struct store_q *q;
	int64_t snap_holder, person;
	json_t *data;
	int rc;

	rc = tx_campaign_open(tx, c->inventory_id);
	if (rc)
		return campaign_fail(tx, rc, c->inventory_id);
	rc = store_tx_query(tx,
	                    "SELECT coalesce(holder_person_id, 0) FROM inventory_item WHERE "
	                    "inventory_id = ?1 AND item_type = ?2 AND item_id = ?3",
	                    &q);
	if (rc)
		return rc;
	store_q_bind_int(q, 1, c->inventory_id);
	store_q_bind_text(q, 2, c->type);
	store_q_bind_int(q, 3, c->item_id);
	rc = store_q_step(q);
	snap_holder = rc ? 0 : store_q_int(q, 0);
	store_q_done(q);
	if (!rc)
		rc = tx_item_now(tx, c->type, c->item_id, &now);
	/* An item above the inspector's clearance is answered like a missing one. */
	if (rc == SK_ENOTFOUND || (!rc && !tx_item_visible(tx, c->p, &now)))
		return store_tx_failr(tx, SK_ENOTFOUND, "item_id", "inventory.item_not_found", NULL,
		                      "no %s %lld in inventory %lld", c->type,
		                      (long long)c->item_id, (long long)c->inventory_id);
	if (rc)
		return rc;
	person = tx_person_of(tx, c->p->id);
	if (person && (person == snap_holder || person == now.holder))
		return store_tx_failr(tx, SK_ERULE, "item_id", "inventory.own_copy", NULL,
		                      "3 kap. 21 §: the holder does not inventory their own copy");
	tx_today(tx, today);
	data = json_pack("{s:I, s:s, s:I, s:s, s:s}", "inventory_id", (json_int_t)c->inventory_id,
	                 "item_type", c->type, "item_id", (json_int_t)c->item_id, "result",
	                 c->found ? "found" : "not_found", "checked_on", today);
	if (data && c->note)
		json_object_set_new(data, "note", json_string(c->note));
	model_with_token(data, c->p);
	return model_tx_log(tx, c->p->id, "inventory.checked", "inventory", c->inventory_id, data);
}

int inventory_check(struct model *m, const struct principal *p, int64_t inventory_id,
                    const char *item_type, int64_t item_id, bool found, const char *note,
                    struct model_err *err)
{
	struct check_cmd c = {p, inventory_id, item_type, item_id, found, note};

	if (!may_write(p))
		return refuse_role(err);
	if (!check_type_ok(item_type))
		return model_fail(err, SK_EINVAL, "item_type", "field.enum", NULL,
		                  "item_type: copy, document or medium");
	if (item_id < 1 || item_id >= SK_JSON_MAX_INT)
		return model_fail(err, SK_EINVAL, "item_id", "field.type",
		                  json_pack("{s:s}", "type", "integer"), "item_id: a positive id");
	if (note && !model_text_valid(note, 1, 500, MODEL_TEXT_NL | MODEL_TEXT_DEL))
		return model_fail(err, SK_EINVAL, "note", "field.text_size",
		                  json_pack("{s:i, s:i}", "min", 1, "max", 500),
		                  "note: 1..500 bytes of text");
	return model_submit(m, check_fn, &c, err);
}

/* ---- lost cases ---- */

static int lost_open_tx(struct store_tx *tx, int64_t actor, int64_t token_id, const char *type,
                        int64_t item_id, int64_t inventory_id, const char *prior, const char *note,
                        int64_t *case_id)
{
	char today[11];
	json_t *data;
	int64_t id;
	int rc;

	rc = store_tx_int(tx, &id, "SELECT coalesce(max(id), 0) + 1 FROM lost_case", "");
	if (rc)
		return rc;
	tx_today(tx, today);
	data = json_pack("{s:I, s:s, s:I, s:s, s:s, s:s}", "id", (json_int_t)id, "item_type", type,
	                 "item_id", (json_int_t)item_id, "prior_state", prior, "opened_on", today,
	                 "note", note ? note : "");
	if (data && inventory_id)
		json_object_set_new(data, "inventory_id", json_integer(inventory_id));
	if (data && token_id)
		json_object_set_new(data, "token_id", json_integer(token_id));
	rc = model_tx_log(tx, actor, "lost.opened", "lost", id, data);
	if (!rc && case_id)
		*case_id = id;
	return rc;
}

int inventory_tx_lost_open(struct store_tx *tx, int64_t actor, int64_t token_id,
                           const char *item_type, int64_t item_id, int64_t inventory_id,
                           const char *prior_state, const char *note, int64_t *case_id)
{
	struct item_now now;
	int rc;

	if (!item_type_ok(item_type))
		return SK_EINVAL;
	rc = tx_item_now(tx, item_type, item_id, &now);
	if (rc)
		return rc;
	return lost_open_tx(tx, actor, token_id, item_type, item_id, inventory_id,
	                    prior_state ? prior_state : now.state, note, case_id);
}

struct resolve_cmd {
	const struct principal *p;
	int64_t id;
	bool found;
	const char *note;
};

static int resolve_fn(struct store_tx *tx, void *arg)
{
	struct resolve_cmd *c = arg;
	char type[8] = "", prior[16] = "", state[16] = "", today[11];
	struct item_now now;
	struct store_q *q;
	int64_t item_id = 0;
	json_t *data;
	int rc;

	rc = store_tx_query(tx,
	                    "SELECT item_type, item_id, state, prior_state FROM lost_case WHERE "
	                    "id = ?1",
	                    &q);
	if (rc)
		return rc;
	store_q_bind_int(q, 1, c->id);
	rc = store_q_step(q);
	if (!rc) {
		snprintf(type, sizeof(type), "%s", store_q_text(q, 0));
		item_id = store_q_int(q, 1);
		snprintf(state, sizeof(state), "%s", store_q_text(q, 2));
		snprintf(prior, sizeof(prior), "%s", store_q_text(q, 3));
	}
	store_q_done(q);
	if (!rc)
		rc = tx_item_now(tx, type, item_id, &now);
	if (rc == SK_ENOTFOUND || (!rc && !tx_item_visible(tx, c->p, &now)))
		return store_tx_failr(tx, SK_ENOTFOUND, "id", "inventory.lost_not_found", NULL,
		                      "no lost case %lld", (long long)c->id);
	if (rc)
		return rc;
	if (strcmp(state, "open") != 0)
		return store_tx_failr(tx, SK_EEXIST, "id", "inventory.lost_resolved",
		                      json_pack("{s:s}", "lost_state", state),
		                      "lost case %lld is already resolved (%s)", (long long)c->id,
		                      state);
	tx_today(tx, today);
	data = json_pack("{s:I, s:s, s:I, s:s, s:s}", "id", (json_int_t)c->id, "item_type", type,
	                 "item_id", (json_int_t)item_id, "resolution",
	                 c->found ? "found" : "confirmed_lost", "resolved_on", today);
	if (data && c->note)
		json_object_set_new(data, "note", json_string(c->note));
	if (data && c->found && strcmp(now.state, "lost") == 0) {
		/* Back to where it was; a case opened without a known state falls back. */
		const char *back = prior[0] && strcmp(prior, "lost") != 0 ? prior
		                   : strcmp(type, "copy") == 0            ? "in_register"
		                   : strcmp(type, "key") == 0             ? "active"
		                                                          : "in_use";

		json_object_set_new(data, "restore_state", json_string(back));
	}
	if (data && !c->found)
		json_object_set_new(data, "incident_report_due", json_true());
	model_with_token(data, c->p);
	return model_tx_log(tx, c->p->id, "lost.resolved", "lost", c->id, data);
}

int inventory_lost_resolve(struct model *m, const struct principal *p, int64_t case_id, bool found,
                           const char *note, struct model_err *err)
{
	struct resolve_cmd c = {p, case_id, found, note};

	if (!may_write(p))
		return refuse_role(err);
	if (note && !model_text_valid(note, 1, 1000, MODEL_TEXT_NL | MODEL_TEXT_DEL))
		return model_fail(err, SK_EINVAL, "note", "field.text_size",
		                  json_pack("{s:i, s:i}", "min", 1, "max", 1000),
		                  "note: 1..1000 bytes of text");
	if (!found && !note)
		return model_fail(
		        err, SK_EINVAL, "note", "inventory.lost_note", NULL,
		        "note: say what is known about the loss (it is reported as an incident)");
	return model_submit(m, resolve_fn, &c, err);
}

/* ---- close ---- */

struct close_cmd {
	const struct principal *p;
	int64_t id;
	const char *note;
};

/*
 * Fails the close with the number of unchecked items. It names none: the
 * closer may not see every item, and an id is no word for a person (the
 * list of unchecked items is GET /inventories/{id}?unchecked=true).
 */
static int close_unchecked(struct store_tx *tx, int64_t id)
{
	int64_t n = 0;
	int rc;

	rc = store_tx_int(tx, &n,
	                  "SELECT count(*) FROM inventory_item WHERE " ALL_ITEMS("") " AND result "
	                                                                             "IS NULL",
	                  "i", id);
	if (rc || n == 0)
		return rc;
	return store_tx_failr(tx, SK_EEXIST, "items", "inventory.unchecked",
	                      json_pack("{s:I}", "count", (json_int_t)n),
	                      "%lld item%s not checked yet: check every item before closing",
	                      (long long)n, n == 1 ? " is" : "s are");
}

/* Counts per scope and result into report["counts"], and the totals. */
static int report_counts(struct store_tx *tx, int64_t id, json_t *report)
{
	json_t *counts = json_object(), *totals;
	int64_t found = 0, lost = 0;
	struct store_q *q;
	int rc;

	if (!counts)
		return SK_ENOMEM;
	json_object_set_new(report, "counts", counts);
	rc = store_tx_query(tx,
	                    "SELECT scope, result, count(*) FROM inventory_item WHERE " ALL_ITEMS(
	                            "") " GROUP BY scope, result ORDER BY scope, result",
	                    &q);
	if (rc)
		return rc;
	store_q_bind_int(q, 1, id);
	while (store_q_step(q) == SK_OK) {
		const char *scope = store_q_text(q, 0);
		bool is_found = strcmp(store_q_text(q, 1), "found") == 0;
		int64_t n = store_q_int(q, 2);
		json_t *s = json_object_get(counts, scope);

		if (!s) {
			s = json_pack("{s:I, s:I, s:I}", "items", (json_int_t)0, "found",
			              (json_int_t)0, "not_found", (json_int_t)0);
			json_object_set_new(counts, scope, s);
		}
		if (!s)
			continue;
		json_object_set_new(s, "items", json_integer(model_json_int(s, "items") + n));
		json_object_set_new(
		        s, is_found ? "found" : "not_found",
		        json_integer(model_json_int(s, is_found ? "found" : "not_found") + n));
		*(is_found ? &found : &lost) += n;
	}
	store_q_done(q);
	totals = json_pack("{s:I, s:I, s:I}", "items", (json_int_t)(found + lost), "found",
	                   (json_int_t)found, "not_found", (json_int_t)lost);
	return json_object_set_new(report, "totals", totals) ? SK_ENOMEM : SK_OK;
}

/* Who checked, how many, first and last check; into report["inspectors"]. */
static int report_inspectors(struct store_tx *tx, int64_t id, json_t *report)
{
	json_t *arr = json_array();
	struct store_q *q;
	int rc;

	if (!arr)
		return SK_ENOMEM;
	json_object_set_new(report, "inspectors", arr);
	rc = store_tx_query(tx,
	                    "SELECT i.checked_by, coalesce(d.display_name, ''), count(*), "
	                    "min(i.checked_at), max(i.checked_at) FROM inventory_item i LEFT JOIN "
	                    "identity d ON d.id = i.checked_by WHERE " ALL_ITEMS(
	                            "i.") " GROUP BY "
	                                  "i.checked_by ORDER BY i.checked_by",
	                    &q);
	if (rc)
		return rc;
	store_q_bind_int(q, 1, id);
	while (store_q_step(q) == SK_OK)
		json_array_append_new(
		        arr, json_pack("{s:I, s:s, s:I, s:s, s:s}", "identity_id",
		                       (json_int_t)store_q_int(q, 0), "name", store_q_text(q, 1),
		                       "checked", (json_int_t)store_q_int(q, 2), "first_check",
		                       store_q_text(q, 3), "last_check", store_q_text(q, 4)));
	store_q_done(q);
	return SK_OK;
}

/* An item (i) with its copy, document (of the copy, or the document item) and medium. */
#define ITEM_JOINS                                                                                 \
	" FROM inventory_item i LEFT JOIN copy c ON i.item_type = 'copy' AND c.id = i.item_id "    \
	"LEFT JOIN document d ON d.id = CASE i.item_type WHEN 'copy' THEN c.document_id WHEN "     \
	"'document' THEN i.item_id END LEFT JOIN medium m ON i.item_type = 'medium' AND m.id = "   \
	"i.item_id "
#define NOT_FOUND_SQL                                                                              \
	"SELECT i.item_type, i.item_id, i.scope, i.holder_person_id, i.space_id, i.note, "         \
	"i.checked_by, i.checked_at, coalesce(d.class, m.class, ''), d.designation, c.number, "    \
	"m.identifier, coalesce(c.state, m.state, d.status, '')" ITEM_JOINS                        \
	"WHERE " ALL_ITEMS("i.") " AND i.result = 'not_found' ORDER BY i.item_type, i.item_id"

static json_t *not_found_row(struct store_q *q)
{
	json_t *o =
	        json_pack("{s:s, s:I, s:s, s:s, s:s, s:I, s:s}", "item_type", store_q_text(q, 0),
	                  "item_id", (json_int_t)store_q_int(q, 1), "scope", store_q_text(q, 2),
	                  "class", store_q_text(q, 8), "state", store_q_text(q, 12), "checked_by",
	                  (json_int_t)store_q_int(q, 6), "checked_at", store_q_text(q, 7));

	if (!o)
		return NULL;
	json_object_set_new(o, "holder_person_id",
	                    store_q_is_null(q, 3) ? json_null() : json_integer(store_q_int(q, 3)));
	json_object_set_new(o, "space_id",
	                    store_q_is_null(q, 4) ? json_null() : json_integer(store_q_int(q, 4)));
	if (!store_q_is_null(q, 5))
		json_object_set_new(o, "note", json_string(store_q_text(q, 5)));
	if (!store_q_is_null(q, 9))
		json_object_set_new(o, "designation", json_string(store_q_text(q, 9)));
	if (!store_q_is_null(q, 10))
		json_object_set_new(o, "copy_number", json_integer(store_q_int(q, 10)));
	if (!store_q_is_null(q, 11))
		json_object_set_new(o, "identifier", json_string(store_q_text(q, 11)));
	return o;
}

static bool state_present(const char *type, const char *state)
{
	if (strcmp(type, "medium") == 0)
		return strcmp(state, "in_use") == 0;
	/* A document without copies has no lost case: it is named in the report. */
	if (strcmp(type, "document") == 0)
		return false;
	return strcmp(state, "in_register") == 0 || strcmp(state, "issued") == 0 ||
	       strcmp(state, "returned") == 0 || strcmp(state, "archived") == 0;
}

/* The not-found list; a lost case is opened for each item that still exists on paper. */
static int report_not_found(struct store_tx *tx, const struct close_cmd *c, json_t *report)
{
	json_t *arr = json_array(), *o;
	struct store_q *q;
	size_t i;
	int rc;

	if (!arr)
		return SK_ENOMEM;
	json_object_set_new(report, "not_found", arr);
	rc = store_tx_query(tx, NOT_FOUND_SQL, &q);
	if (rc)
		return rc;
	store_q_bind_int(q, 1, c->id);
	while (store_q_step(q) == SK_OK)
		json_array_append_new(arr, not_found_row(q));
	store_q_done(q);
	/* Entries only after the statement is done: the projections change these rows. */
	json_array_foreach(arr, i, o)
	{
		const char *type = model_json_str0(o, "item_type"),
		           *state = model_json_str0(o, "state");
		int64_t case_id;

		if (!state_present(type, state)) {
			/* Destroyed, shipped or already lost meanwhile: nothing to look for. */
			json_object_set_new(o, "lost_case_id", json_null());
			continue;
		}
		rc = lost_open_tx(tx, c->p->id, c->p->token_id, type, model_json_int(o, "item_id"),
		                  c->id, state, model_json_str(o, "note"), &case_id);
		if (rc)
			return rc;
		json_object_set_new(o, "lost_case_id", json_integer(case_id));
	}
	return SK_OK;
}

static int close_fn(struct store_tx *tx, void *arg)
{
	struct close_cmd *c = arg;
	char today[11];
	json_t *report = NULL, *data;
	struct store_q *q;
	int rc;

	rc = tx_campaign_open(tx, c->id);
	if (rc)
		return campaign_fail(tx, rc, c->id);
	rc = close_unchecked(tx, c->id);
	if (rc)
		return rc;
	rc = store_tx_query(tx,
	                    "SELECT name, scope, started_at, started_by FROM inventory WHERE id = "
	                    "?1",
	                    &q);
	if (rc)
		return rc;
	store_q_bind_int(q, 1, c->id);
	tx_today(tx, today);
	if (store_q_step(q) == SK_OK)
		report = json_pack("{s:I, s:s, s:s, s:s, s:I, s:s, s:I}", "inventory_id",
		                   (json_int_t)c->id, "name", store_q_text(q, 0), "scope",
		                   store_q_text(q, 1), "started_at", store_q_text(q, 2),
		                   "started_by", (json_int_t)store_q_int(q, 3), "closed_on", today,
		                   "closed_by", (json_int_t)c->p->id);
	store_q_done(q);
	if (!report)
		return SK_ENOMEM;
	if (c->note)
		json_object_set_new(report, "note", json_string(c->note));
	rc = report_counts(tx, c->id, report);
	if (!rc)
		rc = report_inspectors(tx, c->id, report);
	if (!rc)
		rc = report_not_found(tx, c, report);
	if (rc) {
		json_decref(report);
		return rc;
	}
	data = json_pack("{s:I, s:s, s:o}", "id", (json_int_t)c->id, "closed_on", today, "report",
	                 report);
	model_with_token(data, c->p);
	return model_tx_log(tx, c->p->id, "inventory.closed", "inventory", c->id, data);
}

int inventory_close(struct model *m, const struct principal *p, int64_t inventory_id,
                    const char *note, struct model_err *err)
{
	struct close_cmd c = {p, inventory_id, note};

	if (!may_write(p))
		return refuse_role(err);
	if (note && !model_text_valid(note, 1, 1000, MODEL_TEXT_NL | MODEL_TEXT_DEL))
		return model_fail(err, SK_EINVAL, "note", "field.text_size",
		                  json_pack("{s:i, s:i}", "min", 1, "max", 1000),
		                  "note: 1..1000 bytes of text");
	return model_submit(m, close_fn, &c, err);
}

/* ---- queries ---- */

/*
 * Visible items (x: the alias of the table with item_type): media by class
 * within clearance, copies by the documents slice's rule. Bind ?90..?92 with
 * document_visible_bind().
 */
#define VISIBLE(x)                                                                                 \
	"((" x ".item_type = 'medium' AND " RANK(                                                  \
	        "m.class") " <= ?90) OR (" x ".item_type = 'key' AND ?91 = 1) OR (" x              \
	                   ".item_type IN ('copy', 'document') AND " DOCUMENT_VISIBLE_SQL(         \
	                           "d") "))"

static json_t *campaign_row(struct store_q *q)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:I}", "id", (json_int_t)store_q_int(q, 0),
	                      "name", store_q_text(q, 1), "scope", store_q_text(q, 2), "state",
	                      store_q_text(q, 3), "started_at", store_q_text(q, 4), "started_by",
	                      (json_int_t)store_q_int(q, 5));

	if (!o)
		return NULL;
	json_object_set_new(o, "closed_at",
	                    store_q_is_null(q, 6) ? json_null() : json_string(store_q_text(q, 6)));
	json_object_set_new(o, "closed_by",
	                    store_q_is_null(q, 7) ? json_null() : json_integer(store_q_int(q, 7)));
	json_object_set_new(o, "started_by_name", json_string(store_q_text(q, 8)));
	json_object_set_new(o, "closed_by_name",
	                    store_q_is_null(q, 9) ? json_null() : json_string(store_q_text(q, 9)));
	return o;
}

/*
 * Counts of every item of campaign o: the campaign's, the same for everybody
 * who may read it (an item the reader may not see is counted, and shown
 * withheld in the list), so that two inspectors never see "7 av 8" and
 * "9 av 9" for one campaign.
 */
static void add_counts(struct store_reader *r, json_t *o)
{
	static const char sql[] = "SELECT count(*), count(result), coalesce(sum(result = "
	                          "'found'), 0), coalesce(sum(result = 'not_found'), 0) FROM "
	                          "inventory_item WHERE " ALL_ITEMS("");
	struct store_q *q;

	if (!o || store_reader_query(r, sql, &q))
		return;
	store_q_bind_int(q, 1, model_json_int(o, "id"));
	if (store_q_step(q) == SK_OK)
		json_object_set_new(o, "counts",
		                    json_pack("{s:I, s:I, s:I, s:I, s:I}", "items",
		                              (json_int_t)store_q_int(q, 0), "checked",
		                              (json_int_t)store_q_int(q, 1), "unchecked",
		                              (json_int_t)(store_q_int(q, 0) - store_q_int(q, 1)),
		                              "found", (json_int_t)store_q_int(q, 2), "not_found",
		                              (json_int_t)store_q_int(q, 3)));
	store_q_done(q);
}

/* The campaign and who started and closed it (by name, for the protocol). */
#define CAMPAIGN_COLS                                                                              \
	"SELECT v.id, v.name, v.scope, v.state, v.started_at, v.started_by, v.closed_at, "         \
	"v.closed_by, coalesce(si.display_name, ''), ci.display_name FROM inventory v LEFT JOIN "  \
	"identity si ON si.id = v.started_by LEFT JOIN identity ci ON ci.id = v.closed_by "

json_t *inventory_list(struct model *m, const struct principal *p, const char *state)
{
	static const char sql[] =
	        CAMPAIGN_COLS "WHERE ?1 IS NULL OR v.state = ?1 ORDER BY v.id DESC";
	struct store_reader *r = model_reader(m);
	json_t *arr = json_array(), *o;
	struct store_q *q;
	size_t i;

	(void)p; /* the counts are the campaign's, the same for every reader */
	if (!r || !arr || store_reader_begin(r)) {
		json_decref(arr);
		return NULL;
	}
	if (store_reader_query(r, sql, &q)) {
		store_reader_end(r);
		json_decref(arr);
		return NULL;
	}
	if (state)
		store_q_bind_text(q, 1, state);
	while (store_q_step(q) == SK_OK)
		json_array_append_new(arr, campaign_row(q));
	store_q_done(q);
	json_array_foreach(arr, i, o) add_counts(r, o);
	store_reader_end(r);
	return arr;
}

/*
 * A page of items in one order: two integer keys, then item_type and item_id.
 * The statement cache keeps the SQL's pointer: each order is a static string.
 */
#define ITEM_COLS                                                                                  \
	"i.item_type, i.item_id, i.scope, i.holder_person_id, i.space_id, i.result, "              \
	"i.checked_by, i.checked_at, i.note, coalesce(d.class, m.class, ''), d.id, "               \
	"d.designation, c.number, m.identifier, hp.name, sp.name, coalesce(c.state, m.state, "     \
	"d.status, ''), " VISIBLE("i") ", EXISTS (SELECT 1 FROM person op WHERE op.identity_id = " \
	                               "?92 AND op.id IN (i.holder_person_id, "                    \
	                               "coalesce(c.holder_person_id, m.holder_person_id))), "      \
	                               "ck.display_name"
#define ITEM_FROM                                                                                  \
	ITEM_JOINS                                                                                 \
	"LEFT JOIN person hp ON hp.id = i.holder_person_id LEFT JOIN space sp ON sp.id "           \
	"= i.space_id LEFT JOIN identity ck ON ck.id = i.checked_by WHERE i.inventory_id = ?1 "    \
	"AND (?2 = 0 OR i.result IS NULL)"
/* In item order the primary key answers the range and the order (?4, ?5 unused). */
#define ITEMS_BY_ITEM                                                                              \
	"SELECT " ITEM_COLS ", 0, 0" ITEM_FROM                                                     \
	" AND (i.item_type, i.item_id) > (?6, ?7) ORDER BY "                                       \
	"i.item_type, i.item_id LIMIT ?8"
/*
 * By place or by holder, through the expression indexes
 * inventory_item_by_space/_by_holder. A row-value comparison on expressions
 * is no index range, so the page after the cursor is three ranges: the rest
 * of the cursor's (k1, k2) group, the rest of its k1, and every later k1;
 * each stops after a page.
 */
#define ITEMS_PART(k1, k2, where)                                                                  \
	"SELECT * FROM (SELECT " ITEM_COLS ", " k1 ", " k2 ITEM_FROM " AND " where " ORDER BY " k1 \
	", " k2 ", i.item_type, i.item_id LIMIT ?8)"
#define ITEMS_SQL(k1, k2)                                                                          \
	ITEMS_PART(k1, k2, k1 " = ?4 AND " k2 " = ?5 AND (i.item_type, i.item_id) > (?6, ?7)")     \
	" UNION ALL " ITEMS_PART(k1, k2, k1 " = ?4 AND " k2 " > ?5") " UNION ALL " ITEMS_PART(     \
	        k1, k2, k1 " > ?4") " ORDER BY 21, 22, 1, 2 LIMIT ?8"
#define K_SPACE  "coalesce(i.space_id, 0)"
#define K_HOLDER "coalesce(i.holder_person_id, 0)"

static const char *const items_sql[] = {
        ITEMS_BY_ITEM,
        ITEMS_SQL(K_SPACE, K_HOLDER),
        ITEMS_SQL(K_HOLDER, K_SPACE),
};

/* Parses a cursor "K1.K2.T.ID" (T: c or m); false when malformed. */
static bool cursor_parse(const char *s, int64_t k[2], const char **type, int64_t *id)
{
	char *end;

	for (int i = 0; i < 2; i++) {
		if (!((*s >= '0' && *s <= '9')))
			return false;
		k[i] = strtoll(s, &end, 10);
		if (*end != '.' || k[i] < 0 || k[i] >= SK_JSON_MAX_INT)
			return false;
		s = end + 1;
	}
	if ((*s != 'c' && *s != 'd' && *s != 'm') || s[1] != '.')
		return false;
	*type = *s == 'c' ? "copy" : *s == 'd' ? "document" : "medium";
	s += 2;
	if (!(*s >= '1' && *s <= '9'))
		return false;
	*id = strtoll(s, &end, 10);
	return *end == '\0' && *id > 0 && *id < SK_JSON_MAX_INT;
}

/*
 * One item of the list. An item p may not see (v == 0) is counted and listed
 * but withheld: its type, id and result only — not its class, scope,
 * designation, holder, place, checker or note (need-to-know, 3 kap.).
 */
static json_t *item_row(struct store_q *q)
{
	json_t *o;
	char label[300];

	if (!store_q_int(q, 17)) {
		o = json_pack("{s:s, s:I, s:b}", "item_type", store_q_text(q, 0), "item_id",
		              (json_int_t)store_q_int(q, 1), "withheld", true);
		if (o)
			json_object_set_new(o, "result",
			                    store_q_is_null(q, 5)
			                            ? json_null()
			                            : json_string(store_q_text(q, 5)));
		return o;
	}
	o = json_pack("{s:s, s:I, s:s, s:s, s:s, s:b}", "item_type", store_q_text(q, 0), "item_id",
	              (json_int_t)store_q_int(q, 1), "scope", store_q_text(q, 2), "class",
	              store_q_text(q, 9), "state", store_q_text(q, 16), "own",
	              store_q_int(q, 18) != 0);
	if (!o)
		return NULL;
	if (!store_q_is_null(q, 10)) {
		json_object_set_new(o, "document_id", json_integer(store_q_int(q, 10)));
		json_object_set_new(o, "designation", json_string(store_q_text(q, 11)));
		if (!store_q_is_null(q, 12)) {
			json_object_set_new(o, "copy_number", json_integer(store_q_int(q, 12)));
			snprintf(label, sizeof(label), "%s ex %lld", store_q_text(q, 11),
			         (long long)store_q_int(q, 12));
		} else {
			snprintf(label, sizeof(label), "%s", store_q_text(q, 11));
		}
	} else {
		json_object_set_new(o, "identifier", json_string(store_q_text(q, 13)));
		snprintf(label, sizeof(label), "%s", store_q_text(q, 13));
	}
	json_object_set_new(o, "label", json_string(label));
	json_object_set_new(o, "holder_person_id",
	                    store_q_is_null(q, 3) ? json_null() : json_integer(store_q_int(q, 3)));
	json_object_set_new(o, "holder_name",
	                    store_q_is_null(q, 14) ? json_null()
	                                           : json_string(store_q_text(q, 14)));
	json_object_set_new(o, "space_id",
	                    store_q_is_null(q, 4) ? json_null() : json_integer(store_q_int(q, 4)));
	json_object_set_new(o, "space_name",
	                    store_q_is_null(q, 15) ? json_null()
	                                           : json_string(store_q_text(q, 15)));
	json_object_set_new(o, "result",
	                    store_q_is_null(q, 5) ? json_null() : json_string(store_q_text(q, 5)));
	json_object_set_new(o, "checked_by",
	                    store_q_is_null(q, 6) ? json_null() : json_integer(store_q_int(q, 6)));
	json_object_set_new(o, "checked_by_name",
	                    store_q_is_null(q, 19) ? json_null()
	                                           : json_string(store_q_text(q, 19)));
	json_object_set_new(o, "checked_at",
	                    store_q_is_null(q, 7) ? json_null() : json_string(store_q_text(q, 7)));
	json_object_set_new(o, "note",
	                    store_q_is_null(q, 8) ? json_null() : json_string(store_q_text(q, 8)));
	return o;
}

/* One page of items; *next = the cursor after the last row when the page is full. */
static json_t *items_page(struct store_reader *r, const struct principal *p, int64_t id,
                          const struct inventory_page *pg, const int64_t k[2], const char *type,
                          int64_t after_id, json_t **next)
{
	int limit = pg->limit > 0 ? pg->limit : 100;
	json_t *arr = json_array();
	struct store_q *q;
	int64_t k1 = 0, k2 = 0, last_id = 0;
	char last_type = 'c';
	int n = 0;

	*next = json_null();
	if (!arr)
		return NULL;
	if (store_reader_query(r, items_sql[pg->sort], &q)) {
		json_decref(arr);
		return NULL;
	}
	store_q_bind_int(q, 1, id);
	store_q_bind_int(q, 2, pg->unchecked);
	document_visible_bind(q, p);
	store_q_bind_int(q, 4, k[0]);
	store_q_bind_int(q, 5, k[1]);
	store_q_bind_text(q, 6, type);
	store_q_bind_int(q, 7, after_id);
	store_q_bind_int(q, 8, limit);
	while (store_q_step(q) == SK_OK) {
		json_array_append_new(arr, item_row(q));
		k1 = store_q_int(q, 20);
		k2 = store_q_int(q, 21);
		last_type = store_q_text(q, 0)[0];
		last_id = store_q_int(q, 1);
		n++;
	}
	store_q_done(q);
	if (n == limit) {
		char cur[96];

		snprintf(cur, sizeof(cur), "%lld.%lld.%c.%lld", (long long)k1, (long long)k2,
		         last_type, (long long)last_id);
		*next = json_string(cur);
	}
	return arr;
}

json_t *inventory_get(struct model *m, const struct principal *p, int64_t id,
                      const struct inventory_page *page, bool *bad_cursor)
{
	static const char sql[] = CAMPAIGN_COLS "WHERE v.id = ?1";
	struct store_reader *r = model_reader(m);
	int64_t k[2] = {-1, -1}, after_id = 0;
	const char *type = "";
	json_t *o = NULL, *items, *next = NULL;
	struct store_q *q;

	*bad_cursor = false;
	if (page->after && !cursor_parse(page->after, k, &type, &after_id)) {
		*bad_cursor = true;
		return NULL;
	}
	if ((unsigned)page->sort > INVENTORY_SORT_HOLDER || page->limit < 0 || page->limit > 1000) {
		*bad_cursor = true;
		return NULL;
	}
	if (!r || store_reader_begin(r))
		return NULL;
	if (store_reader_query(r, sql, &q) == SK_OK) {
		store_q_bind_int(q, 1, id);
		if (store_q_step(q) == SK_OK)
			o = campaign_row(q);
		store_q_done(q);
	}
	if (o) {
		add_counts(r, o);
		items = items_page(r, p, id, page, k, type, after_id, &next);
		json_object_set_new(o, "items", items ? items : json_array());
		json_object_set_new(o, "next", next ? next : json_null());
	}
	store_reader_end(r);
	return o;
}

json_t *inventory_report(struct model *m, const struct principal *p, int64_t id, bool *open)
{
	struct store_reader *r = model_reader(m);
	json_t *rep = NULL, *nf, *x, *objs;
	struct store_q *q;
	bool *vis = NULL;
	size_t i, n;

	*open = false;
	if (!r || store_reader_query(r, "SELECT state, report FROM inventory WHERE id = ?1", &q))
		return NULL;
	store_q_bind_int(q, 1, id);
	if (store_q_step(q) == SK_OK) {
		if (store_q_is_null(q, 1)) {
			*open = true;
		} else {
			const char *s = store_q_text(q, 1);

			rep = json_loads(s, 0, NULL);
		}
	}
	store_q_done(q);
	/*
	 * The not-found items p may not see (ledger_view's rule: a copy by its
	 * document's class and need-to-know list, a medium by class), decided in
	 * one statement: that an item was missing, not what it was — no class,
	 * designation, identifier, holder, place or note. A store error hides all.
	 */
	nf = json_object_get(rep, "not_found");
	n = json_array_size(nf);
	objs = json_array();
	vis = n ? calloc(n, sizeof(*vis)) : NULL;
	json_array_foreach(nf, i, x)
	{
		char ref[64];

		snprintf(ref, sizeof(ref), "%.16s/%lld", model_json_str0(x, "item_type"),
		         (long long)model_json_int(x, "item_id"));
		json_array_append_new(objs, json_string(ref));
	}
	if (vis && objs && json_array_size(objs) == n)
		ledger_view_objects_visible(r, p, objs, vis);
	json_decref(objs);
	json_array_foreach(nf, i, x)
	{
		json_t *w;

		if (vis && vis[i])
			continue;
		w = json_pack("{s:s, s:I, s:b, s:O}", "item_type", model_json_str0(x, "item_type"),
		              "item_id", (json_int_t)model_json_int(x, "item_id"), "withheld", true,
		              "lost_case_id",
		              json_object_get(x, "lost_case_id")
		                      ? json_object_get(x, "lost_case_id")
		                      : json_null());
		if (w)
			json_array_set_new(nf, i, w);
		else
			json_array_set_new(nf, i, json_object()); /* fail closed */
	}
	free(vis);
	return rep;
}

#define LOST_COLS                                                                                  \
	"SELECT l.id, l.item_type, l.item_id, l.inventory_id, l.opened_at, l.opened_by, l.state, " \
	"l.closed_at, l.closed_by, l.note, l.prior_state, l.resolution_note, coalesce(d.class, "   \
	"m.class, ''), d.id, d.designation, c.number, coalesce(m.identifier, k.number) FROM "      \
	"lost_case l LEFT JOIN copy c ON l.item_type = 'copy' AND c.id = l.item_id LEFT JOIN "     \
	"document d ON d.id = c.document_id LEFT JOIN medium m ON l.item_type = 'medium' AND "     \
	"m.id "                                                                                    \
	"= l.item_id LEFT JOIN key_item k ON l.item_type = 'key' AND k.id = l.item_id "

static json_t *lost_row(struct store_q *q)
{
	json_t *o =
	        json_pack("{s:I, s:s, s:I, s:s, s:I, s:s, s:s, s:s, s:s, s:b}", "id",
	                  (json_int_t)store_q_int(q, 0), "item_type", store_q_text(q, 1), "item_id",
	                  (json_int_t)store_q_int(q, 2), "opened_at", store_q_text(q, 4),
	                  "opened_by", (json_int_t)store_q_int(q, 5), "state", store_q_text(q, 6),
	                  "note", store_q_text(q, 9), "prior_state", store_q_text(q, 10), "class",
	                  store_q_text(q, 12), "incident_report_due",
	                  strcmp(store_q_text(q, 6), "confirmed_lost") == 0);

	if (!o)
		return NULL;
	json_object_set_new(o, "inventory_id",
	                    store_q_is_null(q, 3) ? json_null() : json_integer(store_q_int(q, 3)));
	json_object_set_new(o, "closed_at",
	                    store_q_is_null(q, 7) ? json_null() : json_string(store_q_text(q, 7)));
	json_object_set_new(o, "closed_by",
	                    store_q_is_null(q, 8) ? json_null() : json_integer(store_q_int(q, 8)));
	json_object_set_new(o, "resolution_note",
	                    store_q_is_null(q, 11) ? json_null()
	                                           : json_string(store_q_text(q, 11)));
	if (!store_q_is_null(q, 13)) {
		json_object_set_new(o, "document_id", json_integer(store_q_int(q, 13)));
		json_object_set_new(o, "designation", json_string(store_q_text(q, 14)));
		json_object_set_new(o, "copy_number", json_integer(store_q_int(q, 15)));
	}
	if (!store_q_is_null(q, 16))
		json_object_set_new(o, "identifier", json_string(store_q_text(q, 16)));
	return o;
}

json_t *inventory_lost_list(struct model *m, const struct principal *p, const char *state)
{
	static const char sql[] = LOST_COLS
	        "WHERE (?1 IS NULL OR l.state = ?1) AND " VISIBLE("l") " ORDER BY l.id DESC";
	struct store_reader *r = model_reader(m);
	json_t *arr = json_array();
	struct store_q *q;

	if (!r || !arr || store_reader_query(r, sql, &q)) {
		json_decref(arr);
		return NULL;
	}
	if (state)
		store_q_bind_text(q, 1, state);
	document_visible_bind(q, p);
	while (store_q_step(q) == SK_OK)
		json_array_append_new(arr, lost_row(q));
	store_q_done(q);
	return arr;
}

json_t *inventory_lost_get(struct model *m, const struct principal *p, int64_t id)
{
	static const char sql[] = LOST_COLS "WHERE l.id = ?1 AND " VISIBLE("l");
	struct store_reader *r = model_reader(m);
	json_t *o = NULL;
	struct store_q *q;

	if (!r || store_reader_query(r, sql, &q))
		return NULL;
	store_q_bind_int(q, 1, id);
	document_visible_bind(q, p);
	if (store_q_step(q) == SK_OK)
		o = lost_row(q);
	store_q_done(q);
	return o;
}

/* ---- overdue (3 kap. 21 §: at least yearly) ---- */

/*
 * Due copies are one range of the register's partial index copy_inventory_due
 * (coalesce(last_inventoried_on, the day it was made), document_id) WHERE the
 * copy exists (EXPLAIN QUERY PLAN: SEARCH c USING INDEX copy_inventory_due
 * (<expr><?)); their documents are looked up by key in an EXISTS (a join
 * built a bloom filter over every document). The state term must read as the
 * index's WHERE for the planner to use it. Without statistics the planner
 * preferred copy_by_state and sorted every overdue copy (0.45 s over a
 * million copies): INDEXED BY pins the range, and the order follows the
 * index (due day, document, copy), so no sort is needed before the LIMIT.
 */
#define COPY_DUE "coalesce(c.last_inventoried_on, substr(c.created_at, 1, 10))"
#define OVERDUE_COPY_WHERE                                                                         \
	" FROM copy c INDEXED BY copy_inventory_due WHERE c.state IN " COPY_PRESENT                \
	" AND " COPY_DUE " < ?1 AND EXISTS (SELECT "                                               \
	"1 FROM document d WHERE d.id = c.document_id AND (d.class = 'KH' OR (d.class IN ('K', "   \
	"'H') AND d.form = 'physical')) AND " RANK("d.class") " <= ?2)"
#define OVERDUE_MEDIUM_WHERE                                                                       \
	" FROM medium WHERE state = 'in_use' AND class IN ('K', 'H', 'KH') AND "                   \
	"(last_inventoried_on < ?1 OR (last_inventoried_on IS NULL AND created_at < ?1)) "         \
	"AND " RANK("class") " <= ?2"

static int overdue_list(struct store_reader *r, const char *sql, const char *total_sql,
                        const char *before, int64_t clearance, int limit, bool copies, json_t *out,
                        const char *key)
{
	json_t *arr = json_array();
	struct store_q *q;
	char tkey[32];
	int rc;

	if (!arr || json_object_set_new(out, key, arr))
		return SK_ENOMEM;
	rc = store_reader_query(r, sql, &q);
	if (rc)
		return rc;
	store_q_bind_text(q, 1, before);
	store_q_bind_int(q, 2, clearance);
	store_q_bind_int(q, 3, limit);
	while ((rc = store_q_step(q)) == SK_OK) {
		json_t *o = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)store_q_int(q, 0),
		                      "class", store_q_text(q, 1), "state", store_q_text(q, 2));

		if (!o)
			continue;
		json_object_set_new(o, "holder_person_id",
		                    store_q_is_null(q, 3) ? json_null()
		                                          : json_integer(store_q_int(q, 3)));
		json_object_set_new(o, "space_id",
		                    store_q_is_null(q, 4) ? json_null()
		                                          : json_integer(store_q_int(q, 4)));
		json_object_set_new(o, "last_inventoried_on",
		                    store_q_is_null(q, 5) ? json_null()
		                                          : json_string(store_q_text(q, 5)));
		if (copies) {
			json_object_set_new(o, "document_id", json_integer(store_q_int(q, 6)));
			json_object_set_new(o, "designation", json_string(store_q_text(q, 7)));
			json_object_set_new(o, "copy_number", json_integer(store_q_int(q, 8)));
		} else {
			json_object_set_new(o, "identifier", json_string(store_q_text(q, 6)));
		}
		json_array_append_new(arr, o);
	}
	store_q_done(q);
	if (rc != SK_ENOTFOUND)
		return rc;
	rc = store_reader_query(r, total_sql, &q);
	if (rc)
		return rc;
	store_q_bind_text(q, 1, before);
	store_q_bind_int(q, 2, clearance);
	rc = store_q_step(q);
	snprintf(tkey, sizeof(tkey), "%s_total", key);
	if (!rc)
		json_object_set_new(out, tkey, json_integer(store_q_int(q, 0)));
	store_q_done(q);
	return rc;
}

int inventory_overdue(struct store_reader *r, const char *before_date, enum clearance clearance,
                      int limit, json_t **out)
{
	static const char copy_sql[] =
	        "SELECT c.id, d.class, c.state, c.holder_person_id, c.space_id, "
	        "c.last_inventoried_on, d.id, d.designation, c.number FROM (SELECT "
	        "c.*" OVERDUE_COPY_WHERE " ORDER BY " COPY_DUE
	        ", c.document_id, c.id LIMIT ?3) c JOIN document d ON d.id = "
	        "c.document_id ORDER BY " COPY_DUE ", c.document_id, c.id";
	static const char copy_count[] = "SELECT count(*)" OVERDUE_COPY_WHERE;
	static const char medium_sql[] =
	        "SELECT id, class, state, holder_person_id, space_id, last_inventoried_on, "
	        "identifier" OVERDUE_MEDIUM_WHERE " ORDER BY last_inventoried_on, id LIMIT ?3";
	static const char medium_count[] = "SELECT count(*)" OVERDUE_MEDIUM_WHERE;
	json_t *o;
	int rc;

	*out = NULL;
	if (!before_date || !model_date_valid(before_date) || limit < 0)
		return SK_EINVAL;
	o = json_pack("{s:s}", "before", before_date);
	if (!o)
		return SK_ENOMEM;
	rc = store_reader_begin(r);
	if (rc) {
		json_decref(o);
		return rc;
	}
	rc = overdue_list(r, copy_sql, copy_count, before_date, (int64_t)clearance,
	                  limit ? limit : 1000, true, o, "copies");
	if (!rc)
		rc = overdue_list(r, medium_sql, medium_count, before_date, (int64_t)clearance,
		                  limit ? limit : 1000, false, o, "media");
	store_reader_end(r);
	if (rc) {
		json_decref(o);
		return rc;
	}
	*out = o;
	return SK_OK;
}

/* ---- projections ---- */

static const char *item_table_update(const char *type, bool state)
{
	/* A document item has no state to change (no lost case): only its date. */
	if (strcmp(type, "document") == 0)
		return "UPDATE document SET last_inventoried_on = ?2 WHERE id = ?1";
	if (strcmp(type, "medium") == 0)
		return state ? "UPDATE medium SET state = ?2, updated_at = ?3 WHERE id = ?1"
		             : "UPDATE medium SET last_inventoried_on = ?2 WHERE id = ?1";
	/* a key is not inventoried: a found key's lost hand-out is out again */
	if (strcmp(type, "key") == 0)
		return state ? "UPDATE key_item SET state = ?2, updated_at = ?3 WHERE id = ?1"
		             : "UPDATE key_issue SET state = 'out', returned_on = NULL WHERE "
		               "key_id = "
		               "?1 AND state = 'lost' AND ?2 IS NOT NULL";
	return state ? "UPDATE copy SET state = ?2, updated_at = ?3 WHERE id = ?1"
	             : "UPDATE copy SET last_inventoried_on = ?2 WHERE id = ?1";
}

static int apply_started(struct store_tx *tx, const struct ledger_entry *e, const char *t)
{
	int64_t id = model_json_int(e->data, "id"), n = 0;
	unsigned scope = inventory_scope_parse(model_json_str0(e->data, "scope"));
	int rc;

	rc = store_tx_run(tx,
	                  "INSERT INTO inventory (id, name, scope, state, started_at, started_by) "
	                  "VALUES (?1, ?2, ?3, 'open', ?4, ?5)",
	                  "ittti", id, model_json_str0(e->data, "name"),
	                  model_json_str0(e->data, "scope"), t, e->actor);
	for (unsigned i = 0; !rc && i < 3; i++) {
		if (scope & (1u << i)) {
			rc = store_tx_run(tx, snapshot_sql[i], "i", id);
			if (!rc && snapshot_doc_sql[i])
				rc = store_tx_run(tx, snapshot_doc_sql[i], "i", id);
		}
	}
	if (!rc)
		rc = store_tx_int(tx, &n,
		                  "SELECT count(*) FROM inventory_item WHERE " ALL_ITEMS(""), "i",
		                  id);
	/* The snapshot must be what the writer counted: replay diverging is corruption. */
	if (!rc && n != model_json_int(e->data, "total"))
		rc = SK_ECORRUPT;
	return rc;
}

static int apply_checked(struct store_tx *tx, const struct ledger_entry *e, const char *t)
{
	const char *type = model_json_str0(e->data, "item_type");
	int64_t inv = model_json_int(e->data, "inventory_id"),
	        item = model_json_int(e->data, "item_id");
	bool found = strcmp(model_json_str0(e->data, "result"), "found") == 0;
	int rc;

	rc = store_tx_run(tx,
	                  "UPDATE inventory_item SET result = ?4, checked_by = ?5, checked_at = "
	                  "?6, note = ?7 WHERE inventory_id = ?1 AND item_type = ?2 AND item_id = "
	                  "?3",
	                  "itititt", inv, type, item, model_json_str0(e->data, "result"), e->actor,
	                  t, model_json_str(e->data, "note"));
	if (rc)
		return rc;
	if (found)
		return store_tx_run(tx, item_table_update(type, false), "it", item,
		                    model_json_str0(e->data, "checked_on"));
	/* A corrected 'found' no longer counts: back to the date before the campaign. */
	return store_tx_run(
	        tx,
	        strcmp(type, "medium") == 0
	                ? "UPDATE medium SET last_inventoried_on = (SELECT "
	                  "prior_inventoried_on FROM inventory_item WHERE inventory_id "
	                  "= ?2 AND item_type = 'medium' AND item_id = ?1) WHERE id = ?1"
	        : strcmp(type, "document") == 0
	                ? "UPDATE document SET last_inventoried_on = (SELECT "
	                  "prior_inventoried_on FROM inventory_item WHERE inventory_id "
	                  "= ?2 AND item_type = 'document' AND item_id = ?1) WHERE id = ?1"
	                : "UPDATE copy SET last_inventoried_on = (SELECT "
	                  "prior_inventoried_on FROM inventory_item WHERE inventory_id "
	                  "= ?2 AND item_type = 'copy' AND item_id = ?1) WHERE id = ?1",
	        "ii", item, inv);
}

static int apply_closed(struct store_tx *tx, const struct ledger_entry *e, const char *t)
{
	char *report =
	        json_dumps(json_object_get(e->data, "report"), JSON_COMPACT | JSON_SORT_KEYS);
	int rc;

	if (!report)
		return SK_ENOMEM;
	rc = store_tx_run(tx,
	                  "UPDATE inventory SET state = 'closed', closed_at = ?2, closed_by = ?3, "
	                  "report = ?4 WHERE id = ?1",
	                  "itit", model_json_int(e->data, "id"), t, e->actor, report);
	free(report);
	return rc;
}

static int apply_inventory(struct store_tx *tx, const struct ledger_entry *e)
{
	char t[SK_TIME_LEN + 1];

	model_time(e->time_us, t);
	if (strcmp(e->kind, "inventory.started") == 0)
		return apply_started(tx, e, t);
	if (strcmp(e->kind, "inventory.checked") == 0)
		return apply_checked(tx, e, t);
	if (strcmp(e->kind, "inventory.closed") == 0)
		return apply_closed(tx, e, t);
	return SK_OK;
}

static int apply_lost(struct store_tx *tx, const struct ledger_entry *e)
{
	const char *type = model_json_str0(e->data, "item_type");
	int64_t item = model_json_int(e->data, "item_id");
	char t[SK_TIME_LEN + 1];
	int rc;

	model_time(e->time_us, t);
	if (strcmp(e->kind, "lost.opened") == 0) {
		rc = store_tx_run(tx,
		                  "INSERT INTO lost_case (id, item_type, item_id, inventory_id, "
		                  "opened_at, opened_by, state, note, prior_state) VALUES (?1, ?2, "
		                  "?3, nullif(?4, 0), ?5, ?6, 'open', ?7, ?8)",
		                  "itiititt", model_json_int(e->data, "id"), type, item,
		                  model_json_int(e->data, "inventory_id"), t, e->actor,
		                  model_json_str0(e->data, "note"),
		                  model_json_str0(e->data, "prior_state"));
		if (!rc)
			rc = store_tx_run(tx, item_table_update(type, true), "itt", item, "lost",
			                  t);
		return rc;
	}
	if (strcmp(e->kind, "lost.resolved") == 0) {
		rc = store_tx_run(
		        tx,
		        "UPDATE lost_case SET state = ?2, closed_at = ?3, closed_by = ?4, "
		        "resolution_note = ?5 WHERE id = ?1",
		        "ittit", model_json_int(e->data, "id"),
		        model_json_str0(e->data, "resolution"), t, e->actor,
		        model_json_str(e->data, "note"));
		if (!rc && model_json_str(e->data, "restore_state")) {
			rc = store_tx_run(tx, item_table_update(type, true), "itt", item,
			                  model_json_str0(e->data, "restore_state"), t);
			if (!rc)
				rc = store_tx_run(tx, item_table_update(type, false), "it", item,
				                  model_json_str0(e->data, "resolved_on"));
		}
		return rc;
	}
	return SK_OK;
}

static const char *const inventory_tables[] = {"inventory", "inventory_item", NULL};
static const char *const lost_tables[] = {"lost_case", NULL};
/* A campaign and a lost case also change the copies and media they are about. */
static const char *const inventory_touches[] = {"copy", "medium", "lost_case", NULL};
static const char *const lost_touches[] = {"copy", "medium", "key_item", "key_issue", NULL};

static const struct store_projection proj_inventory = {
        .name = "inventories",
        .kind_prefix = "inventory.",
        .tables = inventory_tables,
        .touches = inventory_touches,
        .apply = apply_inventory,
};
static const struct store_projection proj_lost = {
        .name = "lost cases",
        .kind_prefix = "lost.",
        .tables = lost_tables,
        .touches = lost_touches,
        .apply = apply_lost,
};

void model_register_inventory(void)
{
	store_register_projection(&proj_inventory);
	store_register_projection(&proj_lost);
}
