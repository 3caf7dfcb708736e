/*
 * What a person's page shows of positions and training (positions.h): the
 * person's placements and their training, done and due. Read for the
 * readers of the positions register only (personnel-security data).
 */
#include <string.h>

#include "model/positions.h"
#include "model/positions_sql.h"
#include "model/reg_int.h"
#include "model/register.h"
#include "store/store.h"

#define R(x) ROLE_BIT(ROLE_##x)
#define READ (R(SSC) | R(PERSONNEL) | R(CHIEF) | R(AUDITOR))

extern const struct register_def reg_placements;

/* The sessions the person attended, newest first. */
#define DONE_SQL                                                                                   \
	"SELECT a.id, s.id, c.id, c.name, s.held_on, s.leader FROM training_attendance a JOIN "    \
	"training_session s ON s.id = a.session_id JOIN training_course c ON c.id = s.course_id "  \
	"WHERE a.person_id = ?1 AND a.state = 'attended' AND s.state = 'held' ORDER BY s.held_on " \
	"DESC, a.id"

/*
 * Each active course that applies to the person today: the last day they
 * took it, and when it is due — never taken: today (before access where the
 * plan says so); taken and repeated: the last day plus the interval.
 */
#define DUE_SQL                                                                                    \
	"SELECT id, name, before_access, refresher_months, last, CASE WHEN last IS NOT NULL AND "  \
	"refresher_months > 0 THEN date(last, '+' || refresher_months || ' months') END FROM "     \
	"(SELECT k.id AS id, k.name AS name, k.before_access AS before_access, "                   \
	"k.refresher_months "                                                                      \
	"AS refresher_months, " POSITIONS_LAST_ATTENDED(                                           \
	        "k", "p",                                                                          \
	        "?2") " AS last FROM "                                                             \
	              "training_course k CROSS JOIN person p WHERE p.id = ?1 AND k.state = "       \
	              "'active' AND " POSITIONS_COURSE_APPLIES("k", "p", "?2") ") x ORDER BY id"

static json_t *done_of(struct store_reader *r, int64_t person)
{
	json_t *arr = json_array();
	struct store_q *q;
	int rc;

	if (!arr || store_reader_query(r, DONE_SQL, &q))
		return arr;
	store_q_bind_int(q, 1, person);
	while ((rc = store_q_step(q)) == SK_OK)
		json_array_append_new(arr,
		                      json_pack("{s:I, s:I, s:I, s:s, s:s, s:s}", "id",
		                                (json_int_t)store_q_int(q, 0), "session_id",
		                                (json_int_t)store_q_int(q, 1), "course_id",
		                                (json_int_t)store_q_int(q, 2), "course",
		                                store_q_text(q, 3), "held_on", store_q_text(q, 4),
		                                "leader", store_q_text(q, 5)));
	store_q_done(q);
	return arr;
}

static json_t *due_of(struct store_reader *r, int64_t person, const char *today)
{
	json_t *arr = json_array();
	struct store_q *q;
	int rc;

	if (!arr || store_reader_query(r, DUE_SQL, &q))
		return arr;
	store_q_bind_int(q, 1, person);
	store_q_bind_text(q, 2, today);
	while ((rc = store_q_step(q)) == SK_OK) {
		bool never = store_q_is_null(q, 4), repeat = !store_q_is_null(q, 5);
		const char *due = never ? today : repeat ? store_q_text(q, 5) : NULL;
		const char *status = never                              ? "missing"
		                     : repeat && strcmp(due, today) < 0 ? "overdue"
		                                                        : "done";

		json_array_append_new(
		        arr, json_pack("{s:I, s:s, s:b, s:I, s:o, s:o, s:s}", "course_id",
		                       (json_int_t)store_q_int(q, 0), "course", store_q_text(q, 1),
		                       "before_access", store_q_int(q, 2) != 0, "refresher_months",
		                       (json_int_t)store_q_int(q, 3), "last",
		                       never ? json_null() : json_string(store_q_text(q, 4)), "due",
		                       due ? json_string(due) : json_null(), "status", status));
	}
	store_q_done(q);
	return arr;
}

void positions_person_detail(struct model *m, const struct principal *p, int64_t person, json_t *o)
{
	struct store_reader *r;
	json_t *filter, *pl;
	char today[11];

	if (!o || !p || !(p->roles & READ) || !(r = model_reader(m)))
		return;
	model_today(today);
	filter = json_pack("{s:I}", "person_id", (json_int_t)person);
	pl = reg_list(m, p, &reg_placements, filter);
	json_decref(filter);
	json_object_set_new(o, "placements", pl ? pl : json_array());
	json_object_set_new(o, "training",
	                    json_pack("{s:o, s:o}", "done", done_of(r, person), "due",
	                              due_of(r, person, today)));
}
