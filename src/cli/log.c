/* skydd log: list entries, prove inclusion of one, prove consistency of two sizes. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/client.h"
#include "ledger/ledger.h"
#include "store/store.h"

static const char log_usage[] =
        "usage: skydd log --data DIR [--from N] [--limit K] [--kind PREFIX] [--object OBJ]\n"
        "                 [--actor ID] [--json]\n"
        "       skydd log prove N --data DIR [--size M] [--json]\n"
        "       skydd log consistency M N --data DIR [--json]\n"
        "       skydd log export [--kind PREFIX] [--object OBJ] [--actor ID] [--from N]\n"
        "                 [--since TIME] [--until TIME] [-o FILE] [--url URL]\n\n"
        "Lists ledger entries from seq N (default 1), at most K (default 100, max 100000);\n"
        "'prove' prints the inclusion proof of entry N in the tree of size M (default:\n"
        "the current size) and checks it; 'consistency' proves that the tree of size M\n"
        "is a prefix of the tree of size N. Hashes are base64. Read-only.\n"
        "'export' asks the server (your session, as 'doc export') for the filtered log\n"
        "as CSV, each entry with its leaf hash and audit path against the checkpoint in\n"
        "the last row; what you may not see comes without data. The export is recorded\n"
        "in the ledger. ssc, chief, admin, auditor.\n";

struct log_args {
	const char *dir;
	bool json;
	struct store_log_filter f;
	uint64_t size;
	bool have_size;
	int npos;
	char *pos[3];
};

static int parse_args(int argc, char **argv, struct log_args *a)
{
	static const struct option opts[] = {
	        {"data", required_argument, NULL, 'd'},  {"from", required_argument, NULL, 'f'},
	        {"limit", required_argument, NULL, 'l'}, {"size", required_argument, NULL, 's'},
	        {"kind", required_argument, NULL, 'k'},  {"object", required_argument, NULL, 'o'},
	        {"actor", required_argument, NULL, 'a'}, {"json", no_argument, NULL, 'j'},
	        {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0}};
	uint64_t v;
	int c;

	memset(a, 0, sizeof(*a));
	a->f.actor = -1;
	a->f.limit = 100;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "d:f:l:s:k:o:a:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			a->dir = optarg;
			break;
		case 'f':
			if (!cli_parse_u64(optarg, &a->f.from))
				return cli_error(CLI_USAGE, "log: --from must be a number");
			break;
		case 'l':
			if (!cli_parse_u64(optarg, &v) || v == 0 || v > 100000)
				return cli_error(CLI_USAGE, "log: --limit must be 1..100000");
			a->f.limit = (unsigned)v;
			break;
		case 's':
			if (!cli_parse_u64(optarg, &a->size))
				return cli_error(CLI_USAGE, "log: --size must be a number");
			a->have_size = true;
			break;
		case 'k':
			a->f.kind = optarg;
			break;
		case 'o':
			a->f.object = optarg;
			break;
		case 'a':
			if (!cli_parse_u64(optarg, &v) || v >= (uint64_t)SK_JSON_MAX_INT)
				return cli_error(CLI_USAGE,
				                 "log: --actor must be an identity number");
			a->f.actor = (int64_t)v;
			break;
		case 'j':
			a->json = true;
			break;
		case 'h':
			fputs(log_usage, stdout);
			return -1;
		default:
			return cli_error(CLI_USAGE, "log: unknown or incomplete option '%s'",
			                 argv[optind - 1]);
		}
	}
	while (optind < argc) {
		if (a->npos == 3)
			return cli_error(CLI_USAGE, "log: too many arguments");
		a->pos[a->npos++] = argv[optind++];
	}
	if (!a->dir)
		return cli_error(CLI_USAGE, "log: --data DIR is required (see 'skydd log --help')");
	return CLI_OK;
}

static void b64(const uint8_t h[LEDGER_HASH_LEN], char out[48])
{
	sk_base64_encode(h, LEDGER_HASH_LEN, out, 48);
}

struct list_ctx {
	bool json;
	json_t *arr;
};

static int print_row(void *ctx, const struct store_entry_row *row)
{
	struct list_ctx *l = ctx;

	if (l->json) {
		json_t *e = json_loadb(row->bytes, row->len, 0, NULL);

		if (!e)
			return SK_ECORRUPT;
		json_array_append_new(l->arr, e);
		return SK_OK;
	}
	printf("%8llu  %s  actor %-4lld %-24s %-16s %.*s\n", (unsigned long long)row->seq,
	       row->time, (long long)row->actor, row->kind, row->object[0] ? row->object : "-",
	       (int)row->len, row->bytes);
	return SK_OK;
}

static int do_list(struct store_reader *r, struct log_args *a)
{
	struct list_ctx l = {a->json, a->json ? json_array() : NULL};
	int rc = store_reader_log(r, &a->f, print_row, &l);

	if (!rc && a->json)
		cli_print_json(l.arr);
	json_decref(l.arr);
	if (rc)
		return cli_error(CLI_USAGE, "log: cannot read the ledger: %s", sk_strerror(rc));
	return CLI_OK;
}

struct leaf_ctx {
	uint8_t hash[LEDGER_HASH_LEN];
};

static int leaf_of(void *ctx, const struct store_entry_row *row)
{
	struct leaf_ctx *l = ctx;

	ledger_leaf_hash(row->bytes, row->len, l->hash);
	return SK_OK;
}

static json_t *proof_json(uint8_t proof[][LEDGER_HASH_LEN], size_t n)
{
	json_t *arr = json_array();
	char h[48];

	for (size_t i = 0; i < n; i++) {
		b64(proof[i], h);
		json_array_append_new(arr, json_string(h));
	}
	return arr;
}

static int do_prove(struct store_reader *r, struct log_args *a, uint64_t total)
{
	uint8_t proof[LEDGER_MAX_PROOF][LEDGER_HASH_LEN], root[LEDGER_HASH_LEN];
	struct leaf_ctx leaf;
	uint64_t seq, size = a->have_size ? a->size : total;
	char hl[48], hr[48];
	size_t n;
	int rc;

	if (a->npos != 2 || !cli_parse_u64(a->pos[1], &seq) || seq == 0)
		return cli_error(CLI_USAGE, "log prove: give the entry's seq (1..%llu)",
		                 (unsigned long long)total);
	if (seq > total)
		return cli_error(CLI_FAIL,
		                 "log prove: entry %llu does not exist (the ledger has "
		                 "%llu entries)",
		                 (unsigned long long)seq, (unsigned long long)total);
	if (size < seq || size > total)
		return cli_error(CLI_USAGE, "log prove: --size must be %llu..%llu",
		                 (unsigned long long)seq, (unsigned long long)total);
	rc = store_reader_entry(r, seq, leaf_of, &leaf);
	if (!rc)
		rc = ledger_prove_inclusion(seq - 1, size, store_reader_node, r, proof, &n);
	if (!rc)
		rc = ledger_root_at(size, store_reader_node, r, root);
	if (!rc)
		rc = ledger_verify_inclusion(seq - 1, size, leaf.hash,
		                             (const uint8_t(*)[LEDGER_HASH_LEN])proof, n, root);
	if (rc)
		return cli_error(CLI_FAIL, "log prove: %s (run 'skydd verify')", sk_strerror(rc));
	b64(leaf.hash, hl);
	b64(root, hr);
	if (a->json) {
		json_t *o = json_pack("{s:I, s:I, s:I, s:s, s:o, s:s}", "seq", (json_int_t)seq,
		                      "leaf_index", (json_int_t)(seq - 1), "tree_size",
		                      (json_int_t)size, "leaf_hash", hl, "proof",
		                      proof_json(proof, n), "root", hr);

		cli_print_json(o);
		json_decref(o);
		return CLI_OK;
	}
	printf("entry %llu (leaf index %llu) in tree size %llu\nleaf hash %s\nroot      %s\n"
	       "proof (%zu hashes):\n",
	       (unsigned long long)seq, (unsigned long long)seq - 1, (unsigned long long)size, hl,
	       hr, n);
	for (size_t i = 0; i < n; i++) {
		b64(proof[i], hl);
		printf("  %s\n", hl);
	}
	puts("verified: OK");
	return CLI_OK;
}

static int do_consistency(struct store_reader *r, struct log_args *a, uint64_t total)
{
	uint8_t proof[LEDGER_MAX_PROOF][LEDGER_HASH_LEN], r1[LEDGER_HASH_LEN], r2[LEDGER_HASH_LEN];
	uint64_t m, n2;
	char h1[48], h2[48];
	size_t n;
	int rc;

	if (a->npos != 3 || !cli_parse_u64(a->pos[1], &m) || !cli_parse_u64(a->pos[2], &n2))
		return cli_error(CLI_USAGE, "log consistency: give two tree sizes M <= N");
	if (m == 0 || m > n2 || n2 > total)
		return cli_error(CLI_USAGE, "log consistency: need 1 <= M <= N <= %llu",
		                 (unsigned long long)total);
	rc = ledger_prove_consistency(m, n2, store_reader_node, r, proof, &n);
	if (!rc)
		rc = ledger_root_at(m, store_reader_node, r, r1);
	if (!rc)
		rc = ledger_root_at(n2, store_reader_node, r, r2);
	if (!rc)
		rc = ledger_verify_consistency(m, n2, r1, r2,
		                               (const uint8_t(*)[LEDGER_HASH_LEN])proof, n);
	if (rc)
		return cli_error(CLI_FAIL, "log consistency: %s (run 'skydd verify')",
		                 sk_strerror(rc));
	b64(r1, h1);
	b64(r2, h2);
	if (a->json) {
		json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:o}", "size1", (json_int_t)m, "size2",
		                      (json_int_t)n2, "root1", h1, "root2", h2, "proof",
		                      proof_json(proof, n));

		cli_print_json(o);
		json_decref(o);
		return CLI_OK;
	}
	printf("size %llu root %s\nsize %llu root %s\nproof (%zu hashes):\n", (unsigned long long)m,
	       h1, (unsigned long long)n2, h2, n);
	for (size_t i = 0; i < n; i++) {
		b64(proof[i], h1);
		printf("  %s\n", h1);
	}
	puts("verified: OK");
	return CLI_OK;
}

enum { O_SINCE = 0x300, O_UNTIL };

/* skydd log export: the server's GET /api/v1/ledger/export.csv, to a file or stdout. */
static int do_export(int argc, char **argv)
{
	static const struct option opts[] = {{"kind", required_argument, NULL, 'k'},
	                                     {"object", required_argument, NULL, 'b'},
	                                     {"actor", required_argument, NULL, 'a'},
	                                     {"from", required_argument, NULL, 'f'},
	                                     {"since", required_argument, NULL, O_SINCE},
	                                     {"until", required_argument, NULL, O_UNTIL},
	                                     {"output", required_argument, NULL, 'o'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     CLIENT_LONG_OPTS,
	                                     {NULL, 0, NULL, 0}};
	static const char *const keys[] = {"kind", "object", "actor", "from", "since", "until"};
	const char *val[6] = {0}, *output = NULL;
	struct client_opts co = {0};
	struct buf path;
	uint64_t v;
	int c, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		if (client_opt(&co, c, optarg))
			continue;
		switch (c) {
		case 'k':
			val[0] = optarg;
			break;
		case 'b':
			val[1] = optarg;
			break;
		case 'a':
			if (!cli_parse_u64(optarg, &v))
				return cli_error(CLI_USAGE,
				                 "log export: --actor must be an identity number");
			val[2] = optarg;
			break;
		case 'f':
			if (!cli_parse_u64(optarg, &v) || v == 0)
				return cli_error(CLI_USAGE,
				                 "log export: --from must be a seq (1 or more)");
			val[3] = optarg;
			break;
		case O_SINCE:
			val[4] = optarg;
			break;
		case O_UNTIL:
			val[5] = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'h':
			fputs(log_usage, stdout);
			return CLI_OK;
		default:
			return client_bad_option("log export", argv);
		}
	}
	if (optind != argc)
		return cli_error(CLI_USAGE, "log export: unexpected argument '%s'", argv[optind]);
	buf_init(&path, 2048);
	buf_puts(&path, "/api/v1/ledger/export.csv");
	for (size_t i = 0; i < 6; i++)
		if (val[i])
			client_query_add(&path, keys[i], val[i]);
	if (path.err) {
		buf_release(&path);
		return cli_error(CLI_USAGE, "log export: the filters are too long");
	}
	rc = client_download("log export", &co, path.ptr, output, NULL);
	buf_release(&path);
	return rc;
}

int cmd_log(int argc, char **argv)
{
	struct store_reader *r = NULL;
	struct log_args a;
	uint64_t total = 0;
	int rc;

	if (argc > 1 && strcmp(argv[1], "export") == 0)
		return do_export(argc - 1, argv + 1);
	rc = parse_args(argc, argv, &a);
	if (rc)
		return rc < 0 ? CLI_OK : rc;
	rc = store_reader_open(a.dir, &r);
	if (rc == SK_ENOTFOUND)
		return cli_error(CLI_USAGE, "log: no skydd instance in %s", a.dir);
	if (rc)
		return cli_error(CLI_USAGE, "log: cannot open %s: %s", a.dir, sk_strerror(rc));
	rc = store_reader_begin(r);
	if (!rc)
		rc = store_reader_size(r, &total);
	if (rc) {
		rc = cli_error(CLI_USAGE, "log: cannot read %s: %s", a.dir, sk_strerror(rc));
	} else if (a.npos == 0) {
		rc = do_list(r, &a);
	} else if (strcmp(a.pos[0], "prove") == 0) {
		rc = do_prove(r, &a, total);
	} else if (strcmp(a.pos[0], "consistency") == 0) {
		rc = do_consistency(r, &a, total);
	} else {
		rc = cli_error(CLI_USAGE, "log: unknown subcommand '%s'", a.pos[0]);
	}
	store_reader_close(r);
	return rc;
}
