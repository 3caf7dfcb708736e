/* the compliance engine: placeholder until the module lands. */
#include <stdio.h>

#include "cli/cli.h"

int cmd_check(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "skydd: check: not available yet\n");
	return CLI_USAGE;
}

int cmd_rules(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "skydd: rules: not available yet\n");
	return CLI_USAGE;
}

int cmd_exemption(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "skydd: exemption: not available yet\n");
	return CLI_USAGE;
}
