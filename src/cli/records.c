/* persons, spaces, media, systems, distributors: placeholder until the module lands. */
#include <stdio.h>

#include "cli/cli.h"

int cmd_person(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "skydd: person: not available yet\n");
	return CLI_USAGE;
}

int cmd_space(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "skydd: space: not available yet\n");
	return CLI_USAGE;
}

int cmd_media(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "skydd: media: not available yet\n");
	return CLI_USAGE;
}

int cmd_system(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "skydd: system: not available yet\n");
	return CLI_USAGE;
}

int cmd_distributor(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "skydd: distributor: not available yet\n");
	return CLI_USAGE;
}
