/* Security protection analyses, plans, special assessments: placeholder until the module lands. */
#include <stdio.h>

#include "cli/cli.h"

int cmd_analysis(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "skydd: analysis: not available yet\n");
	return CLI_USAGE;
}

int cmd_assessment(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "skydd: assessment: not available yet\n");
	return CLI_USAGE;
}
