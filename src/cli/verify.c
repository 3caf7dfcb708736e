/* skydd verify: check an instance from its stored bytes (read-only). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "model/model.h"
#include "rules/rules.h"
#include "seclog/store.h"
#include "store/store.h"

static const char verify_usage[] =
        "usage: skydd verify --data DIR [--replay] [--against FILE] [--json]\n\n"
        "Recomputes every leaf and the Merkle tree from the stored entries, checks\n"
        "that seq has no gaps, that the stored tiles match, that every stored\n"
        "checkpoint's signature verifies and its root matches the entries, and\n"
        "that the checkpoints in FILE (one or more signed notes, e.g. a copy of\n"
        "checkpoints.log kept elsewhere) do too: that catches truncation and forks.\n"
        "Read-only.\n\n"
        "  --replay        also rebuild every register from the ledger and compare\n"
        "  --against FILE  signed checkpoints kept outside the database\n"
        "  --json          print the result as JSON\n\n"
        "Entries after the last checkpoint must be covered by the batch seal the\n"
        "writer commits with every batch; a missing checkpoints.log, garbage in it\n"
        "or an edited time/actor/kind/object column is tampering. A final note in\n"
        "checkpoints.log cut short by a crash is reported but accepted (serve\n"
        "removes it on start).\n\n"
        "Exit status: 0 all holds; 1 tampering found (the first bad entry, tile,\n"
        "checkpoint or file is named); 2 usage or I/O error.\n";

int cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"data", required_argument, NULL, 'd'},    {"replay", no_argument, NULL, 'r'},
	        {"against", required_argument, NULL, 'a'}, {"json", no_argument, NULL, 'j'},
	        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
	struct store_verify_opts vo = {0};
	struct store_verify_result res;
	const char *dir = NULL;
	bool json = false;
	char root[96];
	int c, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "d:ra:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dir = optarg;
			break;
		case 'r':
			vo.replay = true;
			break;
		case 'a':
			vo.against = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			fputs(verify_usage, stdout);
			return CLI_OK;
		default:
			return cli_error(CLI_USAGE, "verify: unknown or incomplete option '%s'",
			                 argv[optind - 1]);
		}
	}
	if (!dir || optind != argc)
		return cli_error(CLI_USAGE,
		                 "verify: --data DIR is required (see 'skydd verify --help')");
	model_register(); /* so that --replay rebuilds every register */
	rules_register(); /* exemptions */
	rc = store_verify(dir, &vo, &res);
	/* The security logs' own store, when the instance has one (issue 14). */
	struct seclog_verify_report sl = {0};
	int src = rc ? SK_ENOTFOUND : seclog_verify(dir, &sl);
	if (src != SK_ENOTFOUND && src != SK_OK) {
		rc = src == SK_EVERIFY ? SK_EVERIFY : SK_EIO;
		snprintf(res.problem, sizeof(res.problem), "seclog.db: %s",
		         sl.problem[0] ? sl.problem : sk_strerror(src));
	}
	sk_base64_encode(res.root, sizeof(res.root), root, sizeof(root));
	if (json) {
		json_t *o =
		        json_pack("{s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:s?, s:s?}", "ok",
		                  rc == SK_OK, "entries", (json_int_t)res.entries, "checkpoints",
		                  (json_int_t)res.checkpoints, "against", (json_int_t)res.against,
		                  "logged", (json_int_t)res.logged, "sealed",
		                  (json_int_t)res.sealed, "torn_bytes", (json_int_t)res.torn,
		                  "root", rc ? NULL : root, "problem", rc ? res.problem : NULL);

		cli_print_json(o);
		json_decref(o);
	}
	if (rc == SK_EVERIFY) {
		if (!json)
			fprintf(stderr, "skydd: verify: FAILED: %s\n", res.problem);
		return CLI_FAIL;
	}
	if (rc) {
		if (!json)
			cli_error(CLI_USAGE, "verify: %s", res.problem);
		return CLI_USAGE;
	}
	if (!json)
		printf("OK: %llu entries, %llu stored checkpoints%s%s, tree root %s%s\n",
		       (unsigned long long)res.entries, (unsigned long long)res.checkpoints,
		       vo.against ? " and checkpoints from " : "", vo.against ? vo.against : "",
		       root, vo.replay ? ", projections replayed and equal" : "");
	if (!json && src == SK_OK)
		printf("OK: seclog.db: %llu messages, %llu checkpoints, %llu culled\n",
		       (unsigned long long)sl.size, (unsigned long long)sl.checkpoints,
		       (unsigned long long)sl.culled);
	/* Not tampering: the checkpoint is also in the database. Said, not failed. */
	if (!json && res.torn)
		fprintf(stderr,
		        "skydd: verify: note: checkpoints.log ends in an incomplete note (%llu "
		        "bytes, a write cut short by a crash); serve removes it on start\n",
		        (unsigned long long)res.torn);
	return CLI_OK;
}
