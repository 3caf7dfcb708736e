/*
 * Att göra (issue 15, "Reminders"): what waits for one person now, by their
 * own link and their roles: receipts to sign, inventory items to check
 * (never their own: four eyes), lost cases, the analysis sent to the head
 * to approve (and, back to the ssc, sent back or approved in the last
 * week) or to review, privileged grants to review, exemptions ending, incidents whose
 * reportability is unanswered, resets waiting for a second person. Counts
 * only: each item's page says what and where, with its own need-to-know.
 * Dates are UTC days, as everywhere in the model.
 */
#include <string.h>

#include "model/model.h"
#include "model/todo.h"

#define R(x) ROLE_BIT(ROLE_##x)

/* The person linked to the identity (?1), or -1: never matches a holder. */
#define MY_PERSON "coalesce((SELECT id FROM person WHERE identity_id = ?1), -1)"

static const struct todo_query {
	const char *kind; /* the UI's todo.<kind> text and link */
	unsigned roles;   /* who has it to do (ROLES_ANY: everyone, by their own link) */
	const char *sql;  /* ?1 = the identity, ?2 = today, ?3 = today + 30 days */
} queries[] = {
        /* copies' receipts and those of keys, codes and cards handed to me (5 kap. 6 §) */
        {"receipts", ROLES_ANY,
         "SELECT (SELECT count(*) FROM receipt r JOIN person p ON p.id = r.person_id WHERE "
         "p.identity_id = ?1 AND r.state = 'pending') + (SELECT count(*) FROM key_issue i JOIN "
         "person p ON p.id = i.person_id WHERE p.identity_id = ?1 AND i.state = 'out' AND "
         "i.receipt = 'pending')"},
        {"inventory_checks", R(REGISTRAR) | R(SSC) | R(AUDITOR),
         "SELECT count(*) FROM inventory_item i JOIN inventory v ON v.id = i.inventory_id WHERE "
         "v.state = 'open' AND i.result IS NULL AND coalesce(i.holder_person_id, 0) <> " MY_PERSON},
        {"lost_cases", R(REGISTRAR) | R(SSC),
         "SELECT count(*) FROM lost_case WHERE state = 'open'"},
        {"analysis_missing", R(SSC) | R(CHIEF),
         "SELECT CASE WHEN EXISTS (SELECT 1 FROM analysis WHERE state = 'approved') THEN 0 ELSE 1 "
         "END"},
        /* what the ssc sent to the head, and the answers back to the ssc (issue 15) */
        {"analysis_approve", R(CHIEF),
         "SELECT count(*) FROM analysis WHERE state = 'draft' AND submitted_at IS NOT NULL"},
        {"analysis_returned", R(SSC),
         "SELECT count(*) FROM analysis WHERE state = 'draft' AND submitted_at IS NULL AND "
         "returned_at IS NOT NULL"},
        {"analysis_approved", R(SSC),
         "SELECT count(*) FROM analysis WHERE state = 'approved' AND approved_on >= "
         "date(?2, '-7 days')"},
        {"analysis_review", R(SSC) | R(CHIEF),
         "SELECT count(*) FROM analysis WHERE state = 'approved' AND next_review_due <= ?3"},
        {"grant_reviews", R(SSC),
         "SELECT count(*) FROM role_grant g WHERE g.privileged = 1 AND g.revoked_at IS NULL AND "
         "g.valid_from <= ?2 AND (g.valid_until IS NULL OR g.valid_until >= ?2) AND "
         "date(coalesce(substr(g.last_review_at, 1, 10), substr(g.created_at, 1, 10)), "
         "'+1 year') <= ?3"},
        {"exemptions_ending", R(SSC) | R(CHIEF),
         "SELECT count(*) FROM exemption WHERE revoked_at IS NULL AND valid_until >= ?2 AND "
         "valid_until <= ?3"},
        {"incidents_reportability", R(SSC),
         "SELECT count(*) FROM incident WHERE reportable IS NULL AND state <> 'closed'"},
        {"resets", R(SSC) | R(ADMIN),
         "SELECT count(*) FROM identity_reset WHERE state = 'pending' AND expires_at > ?4 AND "
         "requested_by <> ?1 AND identity_id <> ?1"},
};

json_t *model_todo(struct model *m, const struct principal *p)
{
	struct store_reader *r = model_reader(m);
	json_t *out = json_array();
	char today[11], soon[11], now[SK_TIME_LEN + 1];
	bool began;

	if (!r || !out || !p) {
		json_decref(out);
		return NULL;
	}
	model_today(today);
	model_time(sk_now_us(), now);
	snprintf(soon, sizeof(soon), "%s", today);
	began = store_reader_begin(r) == SK_OK;
	{
		struct store_q *q;

		if (!store_reader_query(r, "SELECT date(?1, '+30 days')", &q)) {
			store_q_bind_text(q, 1, today);
			if (store_q_step(q) == SK_OK)
				snprintf(soon, sizeof(soon), "%s", store_q_text(q, 0));
			store_q_done(q);
		}
	}
	for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
		const struct todo_query *t = &queries[i];
		struct store_q *q;
		int64_t n = 0;

		if (t->roles != ROLES_ANY && !(p->roles & t->roles))
			continue;
		if (store_reader_query(r, t->sql, &q))
			continue; /* an instance without the table has nothing of the kind */
		store_q_bind_int(q, 1, p->id);
		store_q_bind_text(q, 2, today);
		store_q_bind_text(q, 3, soon);
		store_q_bind_text(q, 4, now);
		if (store_q_step(q) == SK_OK)
			n = store_q_int(q, 0);
		store_q_done(q);
		if (n > 0)
			json_array_append_new(out, json_pack("{s:s, s:I}", "kind", t->kind, "count",
			                                     (json_int_t)n));
	}
	if (began)
		store_reader_end(r);
	return out;
}
