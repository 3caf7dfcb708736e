/* inventory campaigns: placeholder until the module lands. */
#include <stdio.h>

#include "cli/cli.h"

int cmd_inventory(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "skydd: inventory: not available yet\n");
	return CLI_USAGE;
}
