/* skydd checkpoint: print the latest signed checkpoint. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "ledger/ledger.h"
#include "model/model.h"
#include "rules/rules.h"
#include "store/store.h"

static const char checkpoint_usage[] =
        "usage: skydd checkpoint --data DIR [--json]\n"
        "       skydd checkpoint --data DIR --accept-tail\n\n"
        "Prints the latest signed checkpoint (a C2SP signed note: origin, tree size,\n"
        "base64 root, Ed25519 signature). Keep copies outside the machine and check\n"
        "them later with 'skydd verify --against FILE'. Read-only.\n\n"
        "  --accept-tail  entries at the end that no checkpoint and no batch seal\n"
        "                 covers were written without the signing key (serve and\n"
        "                 verify refuse them). After inspecting them ('skydd log'),\n"
        "                 record the decision to keep them: appends a\n"
        "                 ledger.tail.accepted entry naming the range and signs a\n"
        "                 checkpoint over it. Refused (exit 1) while the server or\n"
        "                 another writer has the instance open.\n";

/* The operator keeps an unsealed tail: say so in the ledger, then sign. */
static int accept_tail(const char *dir)
{
	struct store_opts so = {.accept_tail = true};
	struct store *s = NULL;
	uint64_t from = 0, to = 0;
	char msg[512];
	int rc;

	model_register();
	rules_register();
	rc = store_open_report(dir, &so, &s, msg, sizeof(msg));
	if (rc == SK_EVERIFY || rc == SK_ECORRUPT || rc == SK_EBUSY)
		return cli_error(CLI_FAIL, "checkpoint: %s", msg[0] ? msg : sk_strerror(rc));
	if (rc)
		return cli_error(CLI_USAGE, "checkpoint: cannot open %s: %s", dir,
		                 msg[0] ? msg : sk_strerror(rc));
	rc = store_accept_tail(s, 0, &from, &to);
	store_close(s);
	if (rc)
		return cli_error(CLI_USAGE, "checkpoint: %s", sk_strerror(rc));
	if (to)
		printf("accepted entries %llu..%llu (ledger.tail.accepted) and signed a "
		       "checkpoint\n",
		       (unsigned long long)from, (unsigned long long)to);
	else
		printf("no unsealed entries: nothing to accept\n");
	return CLI_OK;
}

int cmd_checkpoint(int argc, char **argv)
{
	static const struct option opts[] = {{"data", required_argument, NULL, 'd'},
	                                     {"json", no_argument, NULL, 'j'},
	                                     {"accept-tail", no_argument, NULL, 't'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	struct store_reader *r = NULL;
	const char *dir = NULL;
	char *note = NULL;
	uint64_t size = 0;
	bool json = false, tail = false;
	int c, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "d:jth", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dir = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 't':
			tail = true;
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
	if (tail && json)
		return cli_error(CLI_USAGE, "checkpoint: --accept-tail takes no --json");
	if (tail)
		return accept_tail(dir);
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
