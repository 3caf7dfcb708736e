/*
 * Every register defined as data (register.h). Adding one is one line in
 * REGISTERS: X(name) for the const struct register_def reg_<name> its own
 * file defines. The order is the order of the description and the CLI help.
 */
#include "model/register.h"

#define REGISTERS(X)                                                                               \
	X(persons)                                                                                 \
	X(clearances)                                                                              \
	X(spaces)                                                                                  \
	X(systems)                                                                                 \
	X(distributors)                                                                            \
	X(media)                                                                                   \
	X(incidents)                                                                               \
	X(deviations)                                                                              \
	X(areas)                                                                                   \
	X(access)                                                                                  \
	X(visits)                                                                                  \
	X(keys)                                                                                    \
	X(vettings)                                                                                \
	X(regchecks)                                                                               \
	X(regcheck_functions)                                                                      \
	X(exit_talks)                                                                              \
	X(positions)                                                                               \
	X(placements)                                                                              \
	X(courses)                                                                                 \
	X(training_sessions)                                                                       \
	X(attendance)                                                                              \
	X(log_sources)                                                                             \
	X(log_monitoring)                                                                          \
	X(log_readers)                                                                             \
	X(log_alerts)

#define DECLARE(name) extern const struct register_def reg_##name;
REGISTERS(DECLARE)

#define ENTRY(name) &reg_##name,
const struct register_def *const reg_all[] = {REGISTERS(ENTRY) NULL};
