/* skydd checkpoint: print the latest signed checkpoint. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "ledger/ledger.h"
#include "store/store.h"

static const char checkpoint_usage[] =
        "usage: skydd checkpoint --data DIR [--json]\n\n"
        "Prints the latest signed checkpoint (a C2SP signed note: origin, tree size,\n"
        "base64 root, Ed25519 signature). Keep copies outside the machine and check\n"
        "them later with 'skydd verify --against FILE'. Read-only.\n";

int cmd_checkpoint(int argc, char **argv)
{
	static const struct option opts[] = {{"data", required_argument, NULL, 'd'},
	                                     {"json", no_argument, NULL, 'j'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	struct store_reader *r = NULL;
	const char *dir = NULL;
	char *note = NULL;
	uint64_t size = 0;
	bool json = false;
	int c, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "d:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dir = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			fputs(checkpoint_usage, stdout);
			return CLI_OK;
		default:
			return cli_error(CLI_USAGE, "checkpoint: unknown or incomplete option '%s'",
			                 argv[optind - 1]);
		}
	}
	if (!dir || optind != argc)
		return cli_error(CLI_USAGE, "checkpoint: --data DIR is required");
	rc = store_reader_open(dir, &r);
	if (rc)
		return cli_error(CLI_USAGE, "checkpoint: cannot open %s: %s", dir, sk_strerror(rc));
	rc = store_reader_checkpoint(r, &note, &size);
	store_reader_close(r);
	if (rc)
		return cli_error(CLI_USAGE, "checkpoint: none stored in %s: %s", dir,
		                 sk_strerror(rc));
	if (json) {
		struct ledger_checkpoint cp;
		char root[48];
		json_t *o;

		const char *blank = strstr(note, "\n\n");

		if (!blank ||
		    ledger_checkpoint_parse(note, (size_t)(blank - note) + 1, &cp) != SK_OK) {
			free(note);
			return cli_error(CLI_FAIL, "checkpoint: the stored note is malformed");
		}
		sk_base64_encode(cp.root, sizeof(cp.root), root, sizeof(root));
		o = json_pack("{s:s, s:I, s:s, s:s}", "origin", cp.origin, "size",
		              (json_int_t)cp.size, "root", root, "note", note);
		cli_print_json(o);
		json_decref(o);
	} else {
		fputs(note, stdout);
	}
	free(note);
	return CLI_OK;
}
