/* Incidents and the action plan of deviations: placeholder until the module lands. */
#include <stdio.h>

#include "cli/cli.h"

int cmd_incident(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "skydd: incident: not available yet\n");
	return CLI_USAGE;
}

int cmd_deviation(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "skydd: deviation: not available yet\n");
	return CLI_USAGE;
}
