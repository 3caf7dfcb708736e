/*
 * The SQL of personnel security that the registers, the person's page and
 * the rules (src/rules/table_6kap_positions.inc) share: only macros, so the
 * rule table may include it inside its initializer.
 */
#ifndef SKYDD_POSITIONS_SQL_H
#define SKYDD_POSITIONS_SQL_H

/* A placement pl is in force on day (an SQL expression). */
#define POSITIONS_PLACED(pl, day)                                                                  \
	pl ".state = 'active' AND " pl ".valid_from <= " day " AND (" pl                           \
	   ".valid_until IS NULL OR " pl ".valid_until >= " day ")"

/*
 * Course k of the training plan applies to person p on day: everyone with a
 * login, everyone placed in a position, or the holders of a role in force.
 */
#define POSITIONS_COURSE_APPLIES(k, p, day)                                                        \
	"((" k ".audience = 'logins' AND " p ".identity_id IS NOT NULL) OR (" k                    \
	".audience = 'placed' AND EXISTS (SELECT 1 FROM placement xpl WHERE xpl.person_id = " p    \
	".id AND " POSITIONS_PLACED(                                                               \
	        "xpl", day) ")) OR (" k ".audience = 'role' AND EXISTS "                           \
	                    "(SELECT 1 FROM role_grant xg WHERE xg.identity_id = " p               \
	                    ".identity_id AND xg.role = " k                                        \
	                    ".role AND xg.revoked_at IS NULL AND xg.valid_from <= " day            \
	                    " AND (xg.valid_until IS "                                             \
	                    "NULL OR xg.valid_until >= " day ")))) "

/* The last day person p attended a session of course k held on or before day (NULL: never). */
#define POSITIONS_LAST_ATTENDED(k, p, day)                                                         \
	"(SELECT max(xs.held_on) FROM training_attendance xa JOIN training_session xs ON xs.id = " \
	"xa.session_id WHERE xa.person_id = " p ".id AND xa.state = 'attended' AND xs.state = "    \
	"'held' AND xs.course_id = " k ".id AND xs.held_on <= " day ")"

#endif
