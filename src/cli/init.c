/* skydd init: create a new instance. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "store/store.h"

static const char init_usage[] =
	"usage: skydd init --data DIR [--origin NAME]\n\n"
	"Creates DIR/skydd.db, DIR/signing.key (mode 0600), DIR/verifier.key and\n"
	"DIR/checkpoints.log, writes the first ledger entry and signs the first\n"
	"checkpoint. Refuses to overwrite an existing instance or key.\n"
	"Prints the verifier key: keep a copy outside this machine.\n\n"
	"  --data DIR     the instance directory (created if missing)\n"
	"  --origin NAME  the checkpoint origin line (default skydd/<hostname>)\n";

int cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {{"data", required_argument, NULL, 'd'},
					     {"origin", required_argument, NULL, 'o'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	struct store_init_opts io = {0};
	const char *dir = NULL;
	char vkey[256];
	int c, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "d:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dir = optarg;
			break;
		case 'o':
			io.origin = optarg;
			break;
		case 'h':
			fputs(init_usage, stdout);
			return CLI_OK;
		default:
			return cli_error(CLI_USAGE, "init: unknown or incomplete option '%s'",
					 argv[optind - 1]);
		}
	}
	if (!dir || optind != argc)
		return cli_error(CLI_USAGE, "init: --data DIR is required (see 'skydd init --help')");
	rc = store_init(dir, &io, vkey, sizeof(vkey));
	if (rc == SK_EEXIST)
		return cli_error(CLI_USAGE, "init: %s already holds an instance or key; refusing to "
					    "overwrite",
				 dir);
	if (rc == SK_EINVAL)
		return cli_error(CLI_USAGE, "init: invalid --origin (no spaces, '+' or control "
					    "characters, at most 128 bytes)");
	if (rc)
		return cli_error(CLI_USAGE, "init: cannot create an instance in %s: %s", dir,
				 sk_strerror(rc));
	printf("Created a skydd instance in %s\n", dir);
	printf("Verifier key (keep a copy outside this machine):\n%s\n", vkey);
	return CLI_OK;
}
