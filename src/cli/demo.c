/*
 * skydd demo: a demo instance in ./demo-data with sample entries, verified,
 * with an inclusion proof printed. (The access-control work turns this into
 * a running server with sample users.)
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "store/store.h"

static const char demo_usage[] = "usage: skydd demo [--data DIR]\n\n"
				 "Creates a demo instance in DIR (default ./demo-data) if absent,\n"
				 "appends sample entries, verifies the whole ledger and prints an\n"
				 "inclusion proof and the latest signed checkpoint.\n";

static const char *const samples[][3] = {
	{"demo.note", "demo/1", "{\"text\":\"Säkerhetsskyddsanalys påbörjad\",\"by\":\"SSC\"}"},
	{"demo.note", "demo/2", "{\"text\":\"Registerkontroll ansökan skickad\",\"count\":3}"},
	{"demo.note", "demo/3", "{\"text\":\"Inventering av handlingar klar\",\"year\":2026}"},
};

int cmd_demo(int argc, char **argv)
{
	static const struct option opts[] = {{"data", required_argument, NULL, 'd'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	const char *dir = "./demo-data";
	struct store_verify_result res;
	struct store *s = NULL;
	struct stat st;
	uint64_t seq = 0;
	char vkey[256];
	int c, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dir = optarg;
			break;
		case 'h':
			fputs(demo_usage, stdout);
			return CLI_OK;
		default:
			return cli_error(CLI_USAGE, "demo: unknown or incomplete option '%s'",
					 argv[optind - 1]);
		}
	}
	if (stat(dir, &st) != 0) {
		rc = store_init(dir, &(struct store_init_opts){.origin = "skydd.demo/ledger"}, vkey,
				sizeof(vkey));
		if (rc)
			return cli_error(CLI_USAGE, "demo: cannot create %s: %s", dir,
					 sk_strerror(rc));
		printf("Created demo instance %s\nVerifier key: %s\n", dir, vkey);
	}
	rc = store_open(dir, NULL, &s);
	if (rc)
		return cli_error(CLI_USAGE, "demo: cannot open %s: %s", dir, sk_strerror(rc));
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]) && !rc; i++) {
		json_t *data = json_loads(samples[i][2], 0, NULL);

		rc = data ? store_append(s, 0, samples[i][0], samples[i][1], data, &seq)
			  : SK_ENOMEM;
		json_decref(data);
	}
	store_close(s);
	if (rc)
		return cli_error(CLI_USAGE, "demo: cannot append: %s", sk_strerror(rc));
	printf("Appended sample entries up to seq %llu\n", (unsigned long long)seq);

	rc = store_verify(dir, NULL, &res);
	if (rc)
		return cli_error(CLI_FAIL, "demo: verify failed: %s", res.problem);
	printf("skydd verify: OK (%llu entries, %llu checkpoints)\n\n",
	       (unsigned long long)res.entries, (unsigned long long)res.checkpoints);
	{
		char seqs[32], d[4096];
		char *pargv[] = {"log", "prove", seqs, "--data", d, NULL};
		char *cargv[] = {"checkpoint", "--data", d, NULL};

		snprintf(d, sizeof(d), "%s", dir);
		snprintf(seqs, sizeof(seqs), "%llu", (unsigned long long)seq);
		printf("$ skydd log prove %s --data %s\n", seqs, dir);
		fflush(stdout);
		rc = cmd_log(5, pargv);
		printf("\n$ skydd checkpoint --data %s\n", dir);
		fflush(stdout);
		if (!rc)
			rc = cmd_checkpoint(3, cargv);
	}
	return rc;
}
