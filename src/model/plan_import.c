/*
 * Coordinated action plans: the import of a plan file (plan_import,
 * plan_demo_import) as one writer command, after plan_validate.
 */
#include <stdio.h>

#include "model/plan.h"
#include "model/plan_int.h"
#include "model/reg_int.h"

/* ---- import ---- */

struct import_cmd {
	const struct principal *p;
	const json_t *doc;
	int64_t id;
};

/*
 * The same plan (title and period) imported again is refused: a second,
 * unlinked copy would have no history. A later reporting year of it is a
 * year transition (plan year) and its changes, recorded one by one.
 */
static int check_not_imported(struct store_tx *tx, const json_t *doc)
{
	int64_t id = 0, year = 0;
	struct store_q *q;
	int rc = store_tx_query(tx,
	                        "SELECT id, report_year FROM plan WHERE title = ?1 AND period = ?2 "
	                        "ORDER BY id LIMIT 1",
	                        &q);

	if (rc)
		return rc;
	store_q_bind_text(q, 1, model_json_str0(doc, "title"));
	store_q_bind_text(q, 2, model_json_str0(doc, "period"));
	if (store_q_step(q) == SK_OK) {
		id = store_q_int(q, 0);
		year = store_q_int(q, 1);
	}
	store_q_done(q);
	if (!id)
		return SK_OK;
	if (model_json_int(doc, "report_year") > year)
		return store_tx_failr(
		        tx, SK_EEXIST, "report_year", "plan.imported_move",
		        json_pack("{s:s,s:I,s:I}", "title", model_json_str0(doc, "title"), "year",
		                  (json_int_t)year, "next", (json_int_t)year + 1),
		        "plan %lld (%.200s) is already imported, reporting year %lld: "
		        "move it to %lld with 'skydd plan year %lld --to %lld' and "
		        "record the changes instead of importing it again",
		        (long long)id, model_json_str0(doc, "title"), (long long)year,
		        (long long)year + 1, (long long)id, (long long)year + 1);
	return store_tx_failr(tx, SK_EEXIST, "title", "plan.imported",
	                      json_pack("{s:s}", "title", model_json_str0(doc, "title")),
	                      "plan %lld (%.200s) is already imported", (long long)id,
	                      model_json_str0(doc, "title"));
}

static int import_fn(struct store_tx *tx, void *arg)
{
	struct import_cmd *c = arg;
	int64_t first;
	int rc = model_tx_need_roles(tx, c->p, MODEL_ROLES_SSC_CHIEF, plan_write_why);

	if (!rc)
		rc = check_not_imported(tx, c->doc);
	if (rc)
		return rc;
	rc = store_tx_int(tx, &c->id, "SELECT coalesce(max(id), 0) + 1 FROM plan", "");
	if (!rc)
		rc = store_tx_int(tx, &first, "SELECT coalesce(max(id), 0) + 1 FROM plan_measure",
		                  "");
	if (rc)
		return rc;
	return model_tx_log(
	        tx, model_actor_of(c->p), "plan.imported", "plan", c->id,
	        model_with_token(json_pack("{s:I, s:I, s:O}", "id", (json_int_t)c->id,
	                                   "first_measure_id", (json_int_t)first, "plan", c->doc),
	                         c->p));
}

int plan_import(struct model *m, const struct principal *p, const json_t *doc, int64_t *id,
                struct model_err *err)
{
	struct import_cmd c = {p, doc, 0};
	int rc = plan_validate(doc, err);

	if (rc)
		return rc;
	rc = model_submit(m, import_fn, &c, err);
	if (!rc && id)
		*id = c.id;
	return rc;
}

int plan_demo_import(struct model *m, const char *json_path, int64_t *id, struct model_err *err)
{
	char field[64] = "", msg[160] = "";
	FILE *f = fopen(json_path, "rb");
	struct buf b;
	json_t *doc;
	char chunk[8192];
	size_t n;
	int rc;

	if (!f)
		return model_fail(err, SK_ENOTFOUND, "file", "plan.file.open", NULL,
		                  "file: cannot open %s", json_path);
	buf_init(&b, 16 * 1024 * 1024);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&b, chunk, n);
	fclose(f);
	if (b.err) {
		buf_release(&b);
		return model_fail(err, SK_ETOOBIG, "file", "plan.file.too_large", NULL,
		                  "file: %s is too large", json_path);
	}
	doc = sk_json_parse(b.ptr ? b.ptr : "", b.len, 32, field, sizeof(field), msg, sizeof(msg));
	buf_release(&b);
	if (!doc)
		return model_fail(err, SK_EINVAL, field[0] ? field : "file", "body.json", NULL,
		                  "%s: %s", field[0] ? field : "file", msg);
	rc = plan_import(m, NULL, doc, id, err);
	json_decref(doc);
	return rc;
}
