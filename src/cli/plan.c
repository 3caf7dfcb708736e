/* Coordinated action plans: placeholder until the module lands. */
#include <stdio.h>

#include "cli/cli.h"

int cmd_plan(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "skydd: plan: not available yet\n");
	return CLI_USAGE;
}
