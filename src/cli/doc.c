/* the document register: placeholder until the module lands. */
#include <stdio.h>

#include "cli/cli.h"

int cmd_doc(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "skydd: doc: not available yet\n");
	return CLI_USAGE;
}
