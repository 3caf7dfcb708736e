/* import and export of the register: placeholder until the module lands. */
#include <stdio.h>

#include "cli/cli.h"

int cmd_doc_import(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "skydd: doc import: not available yet\n");
	return CLI_USAGE;
}

int cmd_doc_export(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "skydd: doc export: not available yet\n");
	return CLI_USAGE;
}
