/*
 * Coordinated action plans: per-agency work on a year's report. The
 * coordinator (ssc or head) binds an identity holding the role `agency` to
 * one authority of a plan (its contact) and gives the agency an assignment
 * for the reporting year with a deadline before the report is due (1 March).
 * The contact proposes changes to the measures its agency is responsible for
 * (never another agency's), sets its status (not started, in progress, ready)
 * and approves its part; the coordinator accepts or rejects each proposal —
 * never their own — and submits only when every assigned agency has approved.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/plan.h"
#include "model/plan_int.h"
#include "model/reg_int.h"

#define AGENCY_MAX 64
#define NOTE_MAX   20000

static const char contact_why[] = "only the agency's contact in the plan (role agency) does this";

static bool is_status(const char *s)
{
	return s && (strcmp(s, "not_started") == 0 || strcmp(s, "in_progress") == 0 ||
	             strcmp(s, "ready") == 0);
}

/* The plan's authority: SK_OK, or the command fails with field "agency". */
static int tx_authority(struct store_tx *tx, int64_t plan_id, const char *agency)
{
	int64_t n = 0;
	int rc;

	if (!agency || !*agency || strlen(agency) > AGENCY_MAX)
		return store_tx_failr(tx, SK_EINVAL, "agency", "field.required", NULL,
		                      "agency: an authority's short name in the plan");
	rc = store_tx_int(tx, &n,
	                  "SELECT count(*) FROM plan_authority WHERE plan_id = ?1 AND short = ?2",
	                  "it", plan_id, agency);
	if (!rc && n == 0)
		rc = store_tx_failr(tx, SK_EINVAL, "agency", "plan.agency_unknown",
		                    json_pack("{s:s}", "agency", agency),
		                    "agency: %.64s is not an authority of the plan", agency);
	return rc;
}

/* The plan's open reporting year, refused when its report is submitted. */
static int tx_open(struct store_tx *tx, int64_t plan_id, struct plan_state *st)
{
	int rc = plan_tx_state(tx, plan_id, st);

	if (!rc && st->submitted >= st->report_year)
		rc = store_tx_failr(tx, SK_ERULE, "report_year", "plan.year_submitted",
		                    json_pack("{s:I,s:I}", "year", (json_int_t)st->report_year,
		                              "next", (json_int_t)st->report_year + 1),
		                    "the report for %lld is submitted: move the plan to %lld first "
		                    "(plan year)",
		                    (long long)st->report_year, (long long)st->report_year + 1);
	return rc;
}

/* The agency p is the contact of in the plan (out: AGENCY_MAX + 1); SK_EPERM when none. */
static int tx_contact(struct store_tx *tx, const struct principal *p, int64_t plan_id,
                      char out[AGENCY_MAX + 1])
{
	struct store_q *q;
	int rc = model_tx_need_roles(tx, p, ROLE_BIT(ROLE_AGENCY), contact_why);

	if (rc)
		return rc;
	rc = store_tx_query(
	        tx, "SELECT agency FROM plan_contact WHERE plan_id = ?1 AND identity_id = ?2", &q);
	if (rc)
		return rc;
	store_q_bind_int(q, 1, plan_id);
	store_q_bind_int(q, 2, model_actor_of(p));
	rc = store_q_step(q);
	if (rc == SK_OK)
		snprintf(out, AGENCY_MAX + 1, "%s", store_q_text(q, 0));
	store_q_done(q);
	if (rc == SK_ENOTFOUND)
		return store_tx_failr(tx, SK_EPERM, "plan", "plan.not_contact",
		                      json_pack("{s:I}", "plan", (json_int_t)plan_id),
		                      "you are not an agency's contact in plan %lld",
		                      (long long)plan_id);
	return rc;
}

/* ---- contacts ---- */

struct contact_cmd {
	const struct principal *p;
	int64_t plan_id, identity_id;
	const char *agency; /* NULL: remove */
};

static int contact_fn(struct store_tx *tx, void *arg)
{
	struct contact_cmd *c = arg;
	struct plan_state st;
	char today[11];
	int64_t n = 0;
	int rc = model_tx_need_roles(tx, c->p, MODEL_ROLES_SSC_CHIEF, plan_write_why);

	if (!rc)
		rc = plan_tx_state(tx, c->plan_id, &st);
	if (rc)
		return rc;
	/* separation of duties: nobody makes themselves an agency's contact */
	if (c->p && c->identity_id == c->p->id)
		return store_tx_failr(tx, SK_ERULE, "identity_id", "plan.contact_self", NULL,
		                      "identity_id: nobody decides about themselves");
	if (!c->agency) {
		rc = store_tx_int(tx, &n,
		                  "SELECT count(*) FROM plan_contact WHERE plan_id = ?1 AND "
		                  "identity_id = ?2",
		                  "ii", c->plan_id, c->identity_id);
		if (!rc && n == 0)
			rc = store_tx_failr(tx, SK_ENOTFOUND, "identity_id", "plan.contact_none",
			                    NULL, "identity_id: not a contact in this plan");
		return rc ? rc
		          : model_tx_log(tx, model_actor_of(c->p), "plan.contact.removed", "plan",
		                         c->plan_id,
		                         model_with_token(json_pack("{s:I, s:I}", "id",
		                                                    (json_int_t)c->plan_id,
		                                                    "identity_id",
		                                                    (json_int_t)c->identity_id),
		                                          c->p));
	}
	rc = tx_authority(tx, c->plan_id, c->agency);
	if (rc)
		return rc;
	model_today(today);
	rc = store_tx_int(tx, &n,
	                  "SELECT count(*) FROM identity WHERE id = ?1 AND status = 'active'", "i",
	                  c->identity_id);
	if (!rc && n == 0)
		return store_tx_failr(tx, SK_EINVAL, "identity_id", "plan.contact_identity", NULL,
		                      "identity_id: no active identity %lld",
		                      (long long)c->identity_id);
	if (!rc && !(model_tx_roles_of(tx, c->identity_id, today) & ROLE_BIT(ROLE_AGENCY)))
		return store_tx_failr(tx, SK_EINVAL, "identity_id", "plan.contact_role", NULL,
		                      "identity_id: the identity does not hold the role agency");
	if (rc)
		return rc;
	return model_tx_log(
	        tx, model_actor_of(c->p), "plan.contact.set", "plan", c->plan_id,
	        model_with_token(json_pack("{s:I, s:I, s:s}", "id", (json_int_t)c->plan_id,
	                                   "identity_id", (json_int_t)c->identity_id, "agency",
	                                   c->agency),
	                         c->p));
}

int plan_contact_set(struct model *m, const struct principal *p, int64_t plan_id,
                     int64_t identity_id, const char *agency, struct model_err *err)
{
	struct contact_cmd c = {p, plan_id, identity_id, agency};

	return model_submit(m, contact_fn, &c, err);
}

/* ---- assignments: deadline, status, approval ---- */

struct assign_cmd {
	const struct principal *p;
	int64_t plan_id;
	const char *agency;
	const char *deadline; /* set */
	const char *status;   /* status */
	bool approve;
};

static int assign_fn(struct store_tx *tx, void *arg)
{
	struct assign_cmd *c = arg;
	struct plan_state st;
	char lo[32], hi[32];
	int rc = model_tx_need_roles(tx, c->p, MODEL_ROLES_SSC_CHIEF, plan_write_why);

	if (!rc)
		rc = tx_open(tx, c->plan_id, &st);
	if (!rc)
		rc = tx_authority(tx, c->plan_id, c->agency);
	if (rc)
		return rc;
	/* the agency's part is due before the report is (1 March after the year) */
	snprintf(lo, sizeof(lo), "%04lld-01-01", (long long)st.report_year);
	snprintf(hi, sizeof(hi), "%04lld-03-01", (long long)st.report_year + 1);
	if (!c->deadline || !model_date_valid(c->deadline) || strcmp(c->deadline, lo) < 0 ||
	    strcmp(c->deadline, hi) >= 0)
		return store_tx_failr(tx, SK_EINVAL, "deadline", "plan.assignment_deadline",
		                      json_pack("{s:s,s:s}", "from", lo, "due", hi),
		                      "deadline: a date from %s and before the report is due (%s)",
		                      lo, hi);
	return model_tx_log(
	        tx, model_actor_of(c->p), "plan.assignment.set", "plan", c->plan_id,
	        model_with_token(json_pack("{s:I, s:I, s:s, s:s}", "id", (json_int_t)c->plan_id,
	                                   "year", (json_int_t)st.report_year, "agency", c->agency,
	                                   "deadline", c->deadline),
	                         c->p));
}

/* The status or the approval, by the agency's own contact. */
static int agency_fn(struct store_tx *tx, void *arg)
{
	struct assign_cmd *c = arg;
	struct plan_state st;
	char mine[AGENCY_MAX + 1];
	struct store_q *q;
	char status[16] = "";
	bool approved = false;
	int64_t open = 0;
	int rc = tx_contact(tx, c->p, c->plan_id, mine);

	if (!rc)
		rc = tx_open(tx, c->plan_id, &st);
	if (rc)
		return rc;
	if (!c->agency || strcmp(c->agency, mine) != 0)
		return store_tx_failr(tx, SK_EPERM, "agency", "plan.other_agency",
		                      json_pack("{s:s}", "agency", mine),
		                      "agency: you are the contact of %s only", mine);
	rc = store_tx_query(tx,
	                    "SELECT status, approved_at IS NOT NULL FROM plan_assignment WHERE "
	                    "plan_id = ?1 AND year = ?2 AND agency = ?3",
	                    &q);
	if (rc)
		return rc;
	store_q_bind_int(q, 1, c->plan_id);
	store_q_bind_int(q, 2, st.report_year);
	store_q_bind_text(q, 3, mine);
	rc = store_q_step(q);
	if (rc == SK_OK) {
		snprintf(status, sizeof(status), "%s", store_q_text(q, 0));
		approved = store_q_int(q, 1) != 0;
	}
	store_q_done(q);
	if (rc == SK_ENOTFOUND)
		return store_tx_failr(
		        tx, SK_ERULE, "agency", "plan.no_assignment",
		        json_pack("{s:s,s:I}", "agency", mine, "year", (json_int_t)st.report_year),
		        "agency: %s has no assignment for %lld", mine, (long long)st.report_year);
	if (rc)
		return rc;
	if (!c->approve) {
		if (!is_status(c->status))
			return store_tx_failr(
			        tx, SK_EINVAL, "status", "field.enum",
			        json_pack("{s:s}", "values", "not_started, in_progress, ready"),
			        "status: not_started, in_progress or ready");
		return model_tx_log(
		        tx, model_actor_of(c->p), "plan.assignment.status", "plan", c->plan_id,
		        model_with_token(json_pack("{s:I, s:I, s:s, s:s, s:b}", "id",
		                                   (json_int_t)c->plan_id, "year",
		                                   (json_int_t)st.report_year, "agency", mine,
		                                   "status", c->status, "withdrawn", approved),
		                         c->p));
	}
	if (approved)
		return store_tx_failr(tx, SK_EEXIST, "agency", "plan.assignment_approved",
		                      json_pack("{s:s}", "agency", mine),
		                      "agency: %s has approved its part already", mine);
	if (strcmp(status, "ready") != 0)
		return store_tx_failr(
		        tx, SK_ERULE, "status", "plan.assignment_not_ready",
		        json_pack("{s:s}", "agency", mine),
		        "status: %s's part is not ready: set the status to ready first", mine);
	rc = store_tx_int(tx, &open,
	                  "SELECT count(*) FROM plan_proposal WHERE plan_id = ?1 AND agency = ?2 "
	                  "AND status = 'open'",
	                  "it", c->plan_id, mine);
	if (!rc && open > 0)
		return store_tx_failr(
		        tx, SK_ERULE, "proposals", "plan.proposals_open",
		        json_pack("{s:s,s:I}", "agency", mine, "count", (json_int_t)open),
		        "proposals: %lld of %s's proposals await the coordinator", (long long)open,
		        mine);
	if (rc)
		return rc;
	return model_tx_log(
	        tx, model_actor_of(c->p), "plan.assignment.approved", "plan", c->plan_id,
	        model_with_token(json_pack("{s:I, s:I, s:s}", "id", (json_int_t)c->plan_id, "year",
	                                   (json_int_t)st.report_year, "agency", mine),
	                         c->p));
}

int plan_assignment_set(struct model *m, const struct principal *p, int64_t plan_id,
                        const char *agency, const char *deadline, struct model_err *err)
{
	struct assign_cmd c = {p, plan_id, agency, deadline, NULL, false};

	return model_submit(m, assign_fn, &c, err);
}

int plan_assignment_status(struct model *m, const struct principal *p, int64_t plan_id,
                           const char *agency, const char *status, struct model_err *err)
{
	struct assign_cmd c = {p, plan_id, agency, NULL, status, false};

	return model_submit(m, agency_fn, &c, err);
}

int plan_assignment_approve(struct model *m, const struct principal *p, int64_t plan_id,
                            const char *agency, struct model_err *err)
{
	struct assign_cmd c = {p, plan_id, agency, NULL, NULL, true};

	return model_submit(m, agency_fn, &c, err);
}

int plan_tx_agencies_approved(struct store_tx *tx, int64_t plan_id, int64_t year)
{
	struct store_q *q;
	struct buf b;
	int n = 0, rc = store_tx_query(tx,
	                               "SELECT agency FROM plan_assignment WHERE plan_id = ?1 AND "
	                               "year = ?2 AND approved_at IS NULL ORDER BY agency",
	                               &q);

	if (rc)
		return rc;
	buf_init(&b, 4096);
	store_q_bind_int(q, 1, plan_id);
	store_q_bind_int(q, 2, year);
	while (store_q_step(q) == SK_OK) {
		if (n++ > 0)
			buf_puts(&b, ", ");
		buf_puts(&b, store_q_text(q, 0));
	}
	store_q_done(q);
	if (n > 0 && !b.err)
		rc = store_tx_failr(tx, SK_ERULE, "agencies", "plan.agencies_not_approved",
		                    json_pack("{s:s%}", "agencies", b.ptr, b.len),
		                    "agencies: not yet approved by %.*s", (int)b.len, b.ptr);
	else if (n > 0)
		rc = SK_ENOMEM;
	buf_release(&b);
	return rc;
}

/* ---- proposals ---- */

int plan_tx_no_open_proposal(struct store_tx *tx, int64_t measure_id)
{
	int64_t n = 0;
	int rc = store_tx_int(tx, &n,
	                      "SELECT count(*) FROM plan_proposal WHERE measure_id = ?1 AND "
	                      "status = 'open'",
	                      "i", measure_id);

	if (!rc && n > 0)
		rc = store_tx_failr(tx, SK_ERULE, "measure", "plan.proposal_pending", NULL,
		                    "measure: an agency's proposal for it awaits your decision "
		                    "(accept or reject it first)");
	return rc;
}

struct propose_cmd {
	const struct principal *p;
	int64_t measure_id;
	const json_t *changes;
	const char *note;
	int64_t id;
};

static const char *const proposable[] = {
        "title",        "description", "responsible_text", "responsible",
        "participants", "period_text", "marker",           NULL};

/* Is every key of o one of the NULL-terminated keys? */
static bool keys_in(const json_t *o, const char *const *keys)
{
	const char *k;
	json_t *v;

	json_object_foreach((json_t *)(uintptr_t)o, k, v)
	{
		bool ok = false;

		(void)v;
		for (const char *const *e = keys; *e; e++)
			ok = ok || strcmp(*e, k) == 0;
		if (!ok)
			return false;
	}
	return true;
}

/*
 * A proposal to close the measure: changes is exactly {close: {status: completed |
 * written_off, year, reason (written off only)}}, the year not after the open reporting
 * year. The coordinator's acceptance checks it again as a completion or write-off.
 */
static int check_close(struct store_tx *tx, const json_t *changes, const struct plan_state *st)
{
	static const char *const keys[] = {"status", "year", "reason", NULL};
	const json_t *cl = json_object_get(changes, "close"), *y = json_object_get(cl, "year");
	const char *status = model_json_str(cl, "status"), *reason = model_json_str(cl, "reason");
	bool wo = status && strcmp(status, "written_off") == 0;

	if (json_object_size(changes) != 1 || !json_is_object(cl) || !keys_in(cl, keys))
		return store_tx_failr(
		        tx, SK_EINVAL, "changes", "plan.proposal_close", NULL,
		        "changes: close is proposed alone, as {status, year, reason}");
	if (!status || (!wo && strcmp(status, "completed") != 0))
		return store_tx_failr(tx, SK_EINVAL, "close.status", "field.enum",
		                      json_pack("{s:s}", "values", "completed, written_off"),
		                      "close.status: completed or written_off");
	if (!json_is_integer(y) || json_integer_value(y) < PLAN_YEAR_MIN ||
	    json_integer_value(y) > st->report_year)
		return store_tx_failr(tx, SK_EINVAL, "close.year", "plan.year_after_report",
		                      json_pack("{s:I,s:I}", "year",
		                                (json_int_t)json_integer_value(y), "report_year",
		                                (json_int_t)st->report_year),
		                      "close.year: a year up to the reporting year %lld",
		                      (long long)st->report_year);
	if (wo && (!reason || strspn(reason, " \t\r\n") == strlen(reason) ||
	           strlen(reason) > NOTE_MAX || !model_text_ok(reason, MODEL_TEXT_NL)))
		return store_tx_failr(tx, SK_EINVAL, "close.reason", "plan.reason",
		                      json_pack("{s:i}", "max", NOTE_MAX),
		                      "close.reason: 1..%d bytes of text, not only spaces",
		                      NOTE_MAX);
	if (!wo && reason)
		return store_tx_failr(tx, SK_EINVAL, "close.reason", "plan.proposal_close", NULL,
		                      "close.reason: a reason is for a write-off");
	return SK_OK;
}

static int propose_fn(struct store_tx *tx, void *arg)
{
	struct propose_cmd *c = arg;
	char mine[AGENCY_MAX + 1], number[20] = "", status[16] = "";
	json_t *resp = NULL, *data;
	struct plan_state st;
	struct store_q *q;
	int64_t plan_id = 0, n = 0;
	const char *k;
	json_t *v;
	int rc = store_tx_query(tx,
	                        "SELECT plan_id, number, status, responsible FROM plan_measure "
	                        "WHERE id = ?1",
	                        &q);

	if (rc)
		return rc;
	store_q_bind_int(q, 1, c->measure_id);
	rc = store_q_step(q);
	if (rc == SK_OK) {
		plan_id = store_q_int(q, 0);
		snprintf(number, sizeof(number), "%s", store_q_text(q, 1));
		snprintf(status, sizeof(status), "%s", store_q_text(q, 2));
		resp = json_loads(store_q_text(q, 3), 0, NULL);
	}
	store_q_done(q);
	if (rc == SK_ENOTFOUND)
		return store_tx_failr(tx, SK_ENOTFOUND, "measure", "plan.measure_not_found", NULL,
		                      "no measure %lld", (long long)c->measure_id);
	if (!rc)
		rc = tx_contact(tx, c->p, plan_id, mine);
	/* its own measures only: those its agency is responsible for */
	if (!rc && !plan_in_list(resp, mine))
		rc = store_tx_failr(
		        tx, SK_EPERM, "measure", "plan.measure_other_agency",
		        json_pack("{s:s,s:s}", "measure", number, "agency", mine),
		        "measure: %s is not %s's (its agency is not responsible for it)", number,
		        mine);
	json_decref(resp);
	if (!rc)
		rc = tx_open(tx, plan_id, &st);
	if (rc)
		return rc;
	if (strcmp(status, "current") != 0)
		return store_tx_failr(tx, SK_ERULE, "measure", "plan.measure_closed",
		                      json_pack("{s:s,s:s}", "measure", number, "status", status),
		                      "measure %s is %s already: only current measures change",
		                      number, status);
	if (!json_is_object(c->changes) || json_object_size(c->changes) == 0)
		return store_tx_failr(tx, SK_EINVAL, "changes", "field.nothing_to_change", NULL,
		                      "changes: give at least one field");
	if (json_object_get(c->changes, "close")) {
		rc = check_close(tx, c->changes, &st);
		if (rc)
			return rc;
		goto checked;
	}
	json_object_foreach((json_t *)(uintptr_t)c->changes, k, v)
	{
		bool ok = false;

		(void)v;
		for (const char *const *e = proposable; *e; e++)
			ok = ok || strcmp(*e, k) == 0;
		if (!ok)
			return store_tx_failr(tx, SK_EINVAL, "changes", "field.unknown",
			                      json_pack("{s:s}", "field", k),
			                      "changes: %.32s is not a measure's editable field",
			                      k);
	}
	rc = plan_tx_check_edit(tx, plan_id, c->changes);
	if (rc)
		return rc;
checked:
	if (c->note && (strlen(c->note) > NOTE_MAX || !model_text_ok(c->note, MODEL_TEXT_NL)))
		return store_tx_failr(tx, SK_EINVAL, "note", "field.text_size",
		                      json_pack("{s:i,s:i}", "min", 0, "max", NOTE_MAX),
		                      "note: up to %d bytes of text", NOTE_MAX);
	rc = store_tx_int(tx, &n,
	                  "SELECT count(*) FROM plan_assignment WHERE plan_id = ?1 AND year = ?2 "
	                  "AND agency = ?3 AND approved_at IS NOT NULL",
	                  "iit", plan_id, st.report_year, mine);
	if (!rc && n > 0)
		rc = store_tx_failr(tx, SK_ERULE, "agency", "plan.assignment_approved",
		                    json_pack("{s:s}", "agency", mine),
		                    "agency: %s has approved its part already (set the status "
		                    "again to change it)",
		                    mine);
	if (!rc)
		rc = store_tx_int(tx, &c->id, "SELECT coalesce(max(id), 0) + 1 FROM plan_proposal",
		                  "");
	if (rc)
		return rc;
	data = json_pack("{s:I, s:I, s:I, s:s, s:s, s:I, s:O, s:s?}", "id", (json_int_t)plan_id,
	                 "proposal_id", (json_int_t)c->id, "measure_id", (json_int_t)c->measure_id,
	                 "number", number, "agency", mine, "report_year",
	                 (json_int_t)st.report_year, "changes", c->changes, "note", c->note);
	if (!data)
		return SK_ENOMEM;
	return model_tx_log(tx, model_actor_of(c->p), "plan.proposal.made", "plan", plan_id,
	                    model_with_token(data, c->p));
}

int plan_proposal_add(struct model *m, const struct principal *p, int64_t measure_id,
                      const json_t *changes, const char *note, int64_t *id, struct model_err *err)
{
	struct propose_cmd c = {p, measure_id, changes, note, 0};
	int rc = model_submit(m, propose_fn, &c, err);

	if (!rc && id)
		*id = c.id;
	return rc;
}

struct decide_cmd {
	const struct principal *p;
	int64_t id;
	bool accept;
	const char *reason;
};

static int decide_fn(struct store_tx *tx, void *arg)
{
	struct decide_cmd *c = arg;
	int64_t plan_id = 0, measure_id = 0, by = 0;
	char status[16] = "", number[20] = "", *changes = NULL;
	struct store_q *q;
	json_t *body;
	int rc = model_tx_need_roles(tx, c->p, MODEL_ROLES_SSC_CHIEF, plan_write_why);

	if (!rc)
		rc = store_tx_query(
		        tx,
		        "SELECT p.plan_id, p.measure_id, p.status, p.proposed_by, "
		        "p.changes, m.number FROM plan_proposal p JOIN plan_measure m ON "
		        "m.id = p.measure_id WHERE p.id = ?1",
		        &q);
	if (rc)
		return rc;
	store_q_bind_int(q, 1, c->id);
	rc = store_q_step(q);
	if (rc == SK_OK) {
		plan_id = store_q_int(q, 0);
		measure_id = store_q_int(q, 1);
		snprintf(status, sizeof(status), "%s", store_q_text(q, 2));
		by = store_q_int(q, 3);
		changes = strdup(store_q_text(q, 4));
		snprintf(number, sizeof(number), "%s", store_q_text(q, 5));
	}
	store_q_done(q);
	if (rc == SK_ENOTFOUND)
		return store_tx_failr(tx, SK_ENOTFOUND, "proposal", "plan.proposal_not_found", NULL,
		                      "no proposal %lld", (long long)c->id);
	if (rc || !changes) {
		free(changes);
		return rc ? rc : SK_ENOMEM;
	}
	if (strcmp(status, "open") != 0)
		rc = store_tx_failr(tx, SK_ERULE, "proposal", "plan.proposal_decided",
		                    json_pack("{s:s}", "status", status), "proposal: %s already",
		                    status);
	/* separation of duties: nobody accepts or rejects their own proposal */
	else if (by == model_actor_of(c->p))
		rc = store_tx_failr(tx, SK_ERULE, "proposal", "plan.proposal_own", NULL,
		                    "proposal: it is your own; another coordinator decides it");
	if (rc) {
		free(changes);
		return rc;
	}
	if (c->accept) {
		const json_t *cl;

		body = json_loads(changes, 0, NULL);
		free(changes);
		if (!body)
			return SK_ECORRUPT;
		cl = json_object_get(body, "close");
		if (cl)
			rc = plan_tx_measure_close(
			        tx, c->p, measure_id,
			        strcmp(model_json_str0(cl, "status"), "written_off") == 0,
			        model_json_int(cl, "year"), model_json_str(cl, "reason"), c->id);
		else
			rc = plan_tx_measure_update(tx, c->p, measure_id, body, c->id);
		json_decref(body);
		return rc;
	}
	free(changes);
	if (!c->reason || !*c->reason || strlen(c->reason) > NOTE_MAX ||
	    !model_text_ok(c->reason, MODEL_TEXT_NL) ||
	    strspn(c->reason, " \t\r\n") == strlen(c->reason))
		return store_tx_failr(tx, SK_EINVAL, "reason", "plan.reason",
		                      json_pack("{s:i}", "max", NOTE_MAX),
		                      "reason: 1..%d bytes of text, not only spaces", NOTE_MAX);
	return model_tx_log(
	        tx, model_actor_of(c->p), "plan.proposal.rejected", "plan", plan_id,
	        model_with_token(json_pack("{s:I, s:I, s:I, s:s, s:s}", "id", (json_int_t)plan_id,
	                                   "proposal_id", (json_int_t)c->id, "measure_id",
	                                   (json_int_t)measure_id, "number", number, "reason",
	                                   c->reason),
	                         c->p));
}

int plan_proposal_decide(struct model *m, const struct principal *p, int64_t proposal_id,
                         bool accept, const char *reason, struct model_err *err)
{
	struct decide_cmd c = {p, proposal_id, accept, reason};

	return model_submit(m, decide_fn, &c, err);
}

/* ---- reading ---- */

bool plan_scope(struct model *m, const struct principal *p, int64_t plan_id,
                char agency[PLAN_AGENCY_LEN])
{
	struct store_reader *r;
	struct store_q *q;

	agency[0] = '\0';
	if (!plan_scoped(p))
		return false;
	r = model_reader(m);
	/* scoped and nothing known: "" shows nothing */
	if (!r || store_reader_query(r,
	                             "SELECT agency FROM plan_contact WHERE plan_id = ?1 AND "
	                             "identity_id = ?2",
	                             &q))
		return true;
	store_q_bind_int(q, 1, plan_id);
	store_q_bind_int(q, 2, p->id);
	if (store_q_step(q) == SK_OK)
		snprintf(agency, PLAN_AGENCY_LEN, "%s", store_q_text(q, 0));
	store_q_done(q);
	return true;
}

const char *plan_org_role_of(const json_t *measure, const char *org)
{
	return plan_org_role(measure, org);
}

bool plan_scoped(const struct principal *p)
{
	/* the role agency alone: any other role (today's or a later one) is a wider view */
	return p && (p->roles & ROLE_BIT(ROLE_AGENCY)) && !(p->roles & ~ROLE_BIT(ROLE_AGENCY));
}

json_t *plan_agencies(struct model *m, int64_t plan_id, const char *only)
{
	struct store_reader *r = model_reader(m);
	json_t *h, *contacts, *assign, *props, *x;
	struct store_q *q;
	int64_t year;
	char due[32];

	if (!r || !(h = plan_head(r, plan_id)))
		return NULL;
	year = model_json_int(h, "report_year");
	snprintf(due, sizeof(due), "%04lld-03-01", (long long)year + 1);
	contacts = json_array();
	assign = json_array();
	props = json_array();
	if (!store_reader_query(r,
	                        "SELECT c.identity_id, i.display_name, c.agency, c.assigned_at "
	                        "FROM plan_contact c JOIN identity i ON i.id = c.identity_id "
	                        "WHERE c.plan_id = ?1 AND (?2 IS NULL OR c.agency = ?2) "
	                        "ORDER BY c.agency, i.display_name",
	                        &q)) {
		store_q_bind_int(q, 1, plan_id);
		store_q_bind_text(q, 2, only);
		while (store_q_step(q) == SK_OK)
			json_array_append_new(contacts,
			                      json_pack("{s:I, s:s, s:s, s:s}", "identity_id",
			                                (json_int_t)store_q_int(q, 0), "name",
			                                store_q_text(q, 1), "agency",
			                                store_q_text(q, 2), "assigned_at",
			                                store_q_text(q, 3)));
		store_q_done(q);
	}
	if (!store_reader_query(r,
	                        "SELECT a.agency, coalesce(pa.name, a.agency), a.deadline, "
	                        "a.status, a.approved_at, i.display_name, (SELECT count(*) FROM "
	                        "plan_proposal p WHERE p.plan_id = a.plan_id AND p.agency = "
	                        "a.agency AND p.status = 'open') FROM plan_assignment a LEFT "
	                        "JOIN plan_authority pa ON pa.plan_id = a.plan_id AND pa.short = "
	                        "a.agency LEFT JOIN identity i ON i.id = a.approved_by WHERE "
	                        "a.plan_id = ?1 AND a.year = ?2 AND (?3 IS NULL OR a.agency = "
	                        "?3) ORDER BY a.agency",
	                        &q)) {
		char today[11];

		model_today(today);
		store_q_bind_int(q, 1, plan_id);
		store_q_bind_int(q, 2, year);
		store_q_bind_text(q, 3, only);
		while (store_q_step(q) == SK_OK) {
			bool approved = !store_q_is_null(q, 4);

			x = json_pack("{s:s, s:s, s:s, s:s, s:b, s:o, s:o, s:I, s:b}", "agency",
			              store_q_text(q, 0), "name", store_q_text(q, 1), "deadline",
			              store_q_text(q, 2), "status", store_q_text(q, 3), "approved",
			              approved, "approved_at", model_q_json_text(q, 4),
			              "approved_by", model_q_json_text(q, 5), "open_proposals",
			              (json_int_t)store_q_int(q, 6), "overdue",
			              !approved && strcmp(today, store_q_text(q, 2)) > 0);
			json_array_append_new(assign, x);
		}
		store_q_done(q);
	}
	if (!store_reader_query(r,
	                        "SELECT p.id, m.number, p.agency, p.year, p.changes, p.note, "
	                        "p.status, p.proposed_at, i.display_name, p.proposed_by, "
	                        "p.decided_at, p.reason FROM plan_proposal p JOIN plan_measure "
	                        "m ON m.id = p.measure_id LEFT JOIN identity i ON i.id = "
	                        "p.proposed_by WHERE p.plan_id = ?1 AND (?2 IS NULL OR p.agency "
	                        "= ?2) ORDER BY p.id DESC LIMIT 500",
	                        &q)) {
		store_q_bind_int(q, 1, plan_id);
		store_q_bind_text(q, 2, only);
		while (store_q_step(q) == SK_OK) {
			json_t *ch = json_loads(store_q_text(q, 4), 0, NULL);

			x = json_pack(
			        "{s:I, s:s, s:s, s:I, s:o, s:o, s:s, s:s, s:o, s:I, s:o, s:o}",
			        "id", (json_int_t)store_q_int(q, 0), "number", store_q_text(q, 1),
			        "agency", store_q_text(q, 2), "year", (json_int_t)store_q_int(q, 3),
			        "changes", ch ? ch : json_object(), "note", model_q_json_text(q, 5),
			        "status", store_q_text(q, 6), "proposed_at", store_q_text(q, 7),
			        "proposed_by_name", model_q_json_text(q, 8), "proposed_by",
			        (json_int_t)store_q_int(q, 9), "decided_at",
			        model_q_json_text(q, 10), "reason", model_q_json_text(q, 11));
			json_array_append_new(props, x);
		}
		store_q_done(q);
	}
	return json_pack("{s:I, s:I, s:s, s:o, s:o, s:o, s:o}", "plan_id", (json_int_t)plan_id,
	                 "year", (json_int_t)year, "due", due, "contacts", contacts, "assignments",
	                 assign, "proposals", props, "plan", h);
}
