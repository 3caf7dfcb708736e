/*
 * skydd seclog: search, show and export the security logs of other systems
 * (4 kap. 25-31 §§) straight from DIR/seclog.db as the instance's owner,
 * verify an export bundle with the verifier key alone, rebuild the index.
 * Like `skydd verify`, it reads the files: the owner sees every source. The
 * need-to-know path for people is the web UI and the API.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "seclog/search.h"
#include "seclog/store.h"

#define SECLOG_CLI_SOURCES 1000
#define BUNDLE_READ_MAX    ((size_t)1 << 30)

static const char seclog_usage[] =
        "usage: skydd seclog search --data DIR [filters] [--before N] [--limit N] [--json]\n"
        "       skydd seclog show --data DIR INDEX\n"
        "       skydd seclog export --data DIR [filters] [--out FILE]\n"
        "       skydd seclog verify-export (--data DIR | --key FILE) BUNDLE\n"
        "       skydd seclog reindex --data DIR\n\n"
        "The security logs received from other systems (4 kap. 25-31 §§ PMFS),\n"
        "read directly from DIR/seclog.db as the instance's owner, like 'skydd\n"
        "verify': every source is visible here. People search through the web UI\n"
        "and the API, which show each person only the sources they may read\n"
        "(need-to-know).\n\n"
        "Filters:\n"
        "  --source ID      only this source system (repeatable; default all)\n"
        "  --from TIME      received at or after (RFC 3339)\n"
        "  --to TIME        received before (RFC 3339)\n"
        "  --host NAME      exact hostname\n"
        "  --app NAME       exact application name\n"
        "  --severity N     0..7: this severity or more severe\n"
        "  --q WORDS        words in the host, application or text (all must occur;\n"
        "                   a trailing * searches by prefix)\n\n"
        "search prints newest first, one message a line (index, time, source,\n"
        "severity, host, app, text), and 'next: N' when there is more (--before N).\n"
        "show prints one message with its inclusion proof as JSON. export writes a\n"
        "bundle of the matching messages (oldest first, at most 100,000) with\n"
        "inclusion proofs against the newest signed checkpoint; verify-export checks\n"
        "one with nothing but the verifier key. reindex rebuilds the search index.\n\n"
        "Exit status: 0 done; 1 a bundle that does not verify; 2 usage or I/O error.\n";

struct sopts {
	const char *dir, *out, *key;
	struct seclog_query q;
	int64_t only[SECLOG_CLI_SOURCES];
	bool json;
};

static int time_arg(const char *s, int64_t *out)
{
	return sk_time_parse(s, strlen(s), out) == SK_OK && *out > 0 ? SK_OK : SK_EINVAL;
}

static int parse(int argc, char **argv, struct sopts *o)
{
	static const struct option opts[] = {{"data", required_argument, NULL, 'd'},
	                                     {"source", required_argument, NULL, 's'},
	                                     {"from", required_argument, NULL, 'f'},
	                                     {"to", required_argument, NULL, 't'},
	                                     {"host", required_argument, NULL, 'H'},
	                                     {"app", required_argument, NULL, 'a'},
	                                     {"severity", required_argument, NULL, 'v'},
	                                     {"q", required_argument, NULL, 'q'},
	                                     {"before", required_argument, NULL, 'b'},
	                                     {"limit", required_argument, NULL, 'l'},
	                                     {"out", required_argument, NULL, 'o'},
	                                     {"key", required_argument, NULL, 'k'},
	                                     {"json", no_argument, NULL, 'j'},
	                                     {NULL, 0, NULL, 0}};
	uint64_t v;
	int c;

	o->q.max_severity = -1;
	o->q.limit = 50;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "d:s:f:t:H:a:v:q:b:l:o:k:j", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			o->dir = optarg;
			break;
		case 's':
			if (!cli_parse_u64(optarg, &v) || v > INT64_MAX ||
			    o->q.nonly == SECLOG_CLI_SOURCES)
				return cli_error(CLI_USAGE, "seclog: --source must be a source id");
			o->only[o->q.nonly++] = (int64_t)v;
			break;
		case 'f':
			if (time_arg(optarg, &o->q.from_us))
				return cli_error(CLI_USAGE,
				                 "seclog: --from must be an RFC 3339 time");
			break;
		case 't':
			if (time_arg(optarg, &o->q.to_us))
				return cli_error(CLI_USAGE,
				                 "seclog: --to must be an RFC 3339 time");
			break;
		case 'H':
			o->q.host = optarg;
			break;
		case 'a':
			o->q.app = optarg;
			break;
		case 'v':
			if (!cli_parse_u64(optarg, &v) || v > 7)
				return cli_error(CLI_USAGE, "seclog: --severity must be 0..7");
			o->q.max_severity = (int)v;
			break;
		case 'q':
			o->q.text = optarg;
			break;
		case 'b':
			if (!cli_parse_u64(optarg, &v) || v > INT64_MAX)
				return cli_error(CLI_USAGE, "seclog: --before must be an index");
			o->q.before = v;
			break;
		case 'l':
			if (!cli_parse_u64(optarg, &v) || v < 1 || v > 1000)
				return cli_error(CLI_USAGE, "seclog: --limit must be 1..1000");
			o->q.limit = (unsigned)v;
			break;
		case 'o':
			o->out = optarg;
			break;
		case 'k':
			o->key = optarg;
			break;
		case 'j':
			o->json = true;
			break;
		default:
			return cli_error(CLI_USAGE, "seclog: unknown or incomplete option '%s'",
			                 argv[optind - 1]);
		}
	}
	o->q.only = o->q.nonly ? o->only : NULL;
	return CLI_OK;
}

static int refused(int rc, const char *field)
{
	if (rc == SK_EINVAL && field)
		return cli_error(CLI_USAGE, "seclog: --%s is not acceptable", field);
	if (rc == SK_ENOTFOUND)
		return cli_error(CLI_USAGE, "seclog: no seclog.db in this directory");
	return cli_error(CLI_USAGE, "seclog: %s", sk_strerror(rc));
}

static const char *str_or(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "-";
}

static int run_query(struct sopts *o, bool export)
{
	int64_t *ids = NULL;
	size_t n = 0;
	const char *field = NULL;
	json_t *r = NULL, *m;
	int rc;

	/* Catch the index up first (no serve may be running); what is there suffices on error. */
	{
		struct seclog_index *ix = NULL;

		if (seclog_index_start(o->dir, &ix) == SK_OK) {
			seclog_index_sync(ix);
			seclog_index_stop(ix);
		}
	}
	/* The owner reads every source there is. */
	rc = seclog_index_sources(o->dir, &ids, &n);
	if (rc)
		return refused(rc, NULL);
	o->q.sources = ids;
	o->q.nsources = n;
	if (export) {
		struct buf b;
		uint64_t count = 0;
		FILE *f = stdout;

		buf_init(&b, (size_t)1 << 30);
		rc = seclog_export(o->dir, &o->q, &b, &count, &field);
		if (!rc && o->out && !(f = fopen(o->out, "wx")))
			rc = SK_EIO;
		if (!rc && (fwrite(b.ptr, 1, b.len, f) != b.len || fflush(f) != 0))
			rc = SK_EIO;
		if (f && f != stdout)
			fclose(f);
		buf_release(&b);
		free(ids);
		if (rc)
			return refused(rc, field);
		fprintf(stderr, "exported %" PRIu64 " messages\n", count);
		return CLI_OK;
	}
	rc = seclog_search(o->dir, &o->q, &r, &field);
	free(ids);
	if (rc)
		return refused(rc, field);
	if (o->json) {
		cli_print_json(r);
	} else {
		size_t i;

		json_array_foreach(json_object_get(r, "messages"), i, m)
		{
			printf("%" JSON_INTEGER_FORMAT " %s source %" JSON_INTEGER_FORMAT
			       " sev %" JSON_INTEGER_FORMAT " %s %s %s\n",
			       json_integer_value(json_object_get(m, "index")),
			       str_or(m, "received"),
			       json_integer_value(json_object_get(m, "source")),
			       json_integer_value(json_object_get(m, "severity")),
			       str_or(m, "host"), str_or(m, "app"),
			       json_is_true(json_object_get(m, "culled")) ? "(gallrat)"
			                                                  : str_or(m, "text"));
		}
		if (json_is_integer(json_object_get(r, "next")))
			printf("next: %" JSON_INTEGER_FORMAT "\n",
			       json_integer_value(json_object_get(r, "next")));
	}
	json_decref(r);
	return CLI_OK;
}

static int read_all(const char *path, struct buf *b)
{
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	size_t n;

	if (!f)
		return errno == ENOENT ? SK_ENOTFOUND : SK_EIO;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_append(b, chunk, n) != SK_OK)
			break;
	fclose(f);
	return b->err ? SK_ETOOBIG : SK_OK;
}

static int verify_export(struct sopts *o, const char *bundle)
{
	struct seclog_export_report r;
	struct buf key, b;
	char path[4096];
	int rc;

	if (!!o->dir == !!o->key)
		return cli_error(CLI_USAGE, "seclog verify-export: give --data DIR or --key FILE");
	if (o->dir)
		snprintf(path, sizeof(path), "%s/verifier.key", o->dir);
	else
		snprintf(path, sizeof(path), "%s", o->key);
	buf_init(&key, 4096);
	buf_init(&b, BUNDLE_READ_MAX);
	rc = read_all(path, &key);
	if (!rc)
		rc = buf_putc(&key, '\0');
	if (rc) {
		buf_release(&key);
		buf_release(&b);
		return cli_error(CLI_USAGE, "seclog verify-export: cannot read the key %s", path);
	}
	key.ptr[strcspn(key.ptr, "\n")] = '\0';
	rc = read_all(bundle, &b);
	if (rc) {
		buf_release(&key);
		buf_release(&b);
		return cli_error(CLI_USAGE, "seclog verify-export: cannot read %s", bundle);
	}
	rc = seclog_export_verify(key.ptr, (const uint8_t *)b.ptr, b.len, &r);
	buf_release(&key);
	buf_release(&b);
	if (rc == SK_OK) {
		printf("OK: %" PRIu64
		       " messages proved against the signed checkpoint of size %" PRIu64 "\n",
		       r.messages, r.size);
		return CLI_OK;
	}
	printf("FAILED: %s\n", r.problem);
	return rc == SK_EVERIFY ? CLI_FAIL : CLI_USAGE;
}

int cmd_seclog(int argc, char **argv)
{
	struct sopts o = {0};
	const char *sub;
	int rc;

	if (argc < 2 || cli_wants_help(argc, argv)) {
		fputs(seclog_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	sub = argv[1];
	rc = parse(argc - 1, argv + 1, &o);
	if (rc)
		return rc;
	argc -= 1;
	argv += 1;
	if (strcmp(sub, "verify-export") == 0) {
		if (optind + 1 != argc)
			return cli_error(CLI_USAGE, "seclog verify-export: one BUNDLE file");
		return verify_export(&o, argv[optind]);
	}
	if (!o.dir)
		return cli_error(CLI_USAGE,
		                 "seclog: --data DIR is required (see 'skydd seclog --help')");
	if (strcmp(sub, "search") == 0 || strcmp(sub, "export") == 0) {
		if (optind != argc)
			return cli_error(CLI_USAGE, "seclog %s: unexpected argument '%s'", sub,
			                 argv[optind]);
		return run_query(&o, sub[0] == 'e');
	}
	if (strcmp(sub, "show") == 0) {
		uint64_t idx;
		json_t *m = NULL;

		if (optind + 1 != argc || !cli_parse_u64(argv[optind], &idx))
			return cli_error(CLI_USAGE, "seclog show: one message INDEX");
		rc = seclog_message(o.dir, idx, &m);
		if (rc == SK_ENOTFOUND)
			return cli_error(CLI_FAIL, "seclog show: no message %" PRIu64, idx);
		if (rc)
			return refused(rc, NULL);
		cli_print_json(m);
		json_decref(m);
		return CLI_OK;
	}
	if (strcmp(sub, "reindex") == 0) {
		uint64_t n = 0;

		if (optind != argc)
			return cli_error(CLI_USAGE, "seclog reindex: unexpected argument");
		rc = seclog_reindex(o.dir, &n);
		if (rc)
			return refused(rc, NULL);
		printf("indexed %" PRIu64 " messages\n", n);
		return CLI_OK;
	}
	return cli_error(CLI_USAGE, "seclog: unknown subcommand '%s' (see 'skydd seclog --help')",
	                 sub);
}
