/*
 * skydd doc import / doc export: the register in and out of spreadsheets
 * through the API. The import checks the whole file here first (the same
 * reader and row checks as the server, model/io.h), so a bad file is
 * refused with every bad line before anything is sent.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "cli/cli.h"
#include "cli/client.h"
#include "model/io.h"

/* What one request may carry: the server takes 1 MiB of JSON, escapes included. */
#define BATCH_BUDGET (1000u * 1000u)

static const char import_usage[] =
        "usage: skydd doc import FILE [--dry-run] [--batches] [--json]\n\n"
        "Imports documents and their copies from a CSV file ('-': standard input):\n"
        "UTF-8, ',' or ';', the first line names the columns (see docs/guide/io.md\n"
        "and docs/import-sample.csv). The whole file is checked first; one bad row\n"
        "and nothing is imported. registrar or ssc.\n\n"
        "  --dry-run        check everything against the register, import nothing\n"
        "  --batches        send a file over 1 MiB in parts of about 1 MiB; each part\n"
        "                   is imported all-or-nothing, and a refused part stops the\n"
        "                   rest (the parts before it stay imported: dry-run first)\n"
        "  --json           print the server's report\n" CLIENT_OPTS_HELP;

static const char export_usage[] =
        "usage: skydd doc export [--format csv|xlsx] [-o FILE] [--class CLASS]\n"
        "                        [--state STATE] [--holder PERSON]\n\n"
        "Exports the register of 3 kap. 10 § PMFS 2022:1 (one row per copy:\n"
        "designation, class, number of copies, recipient, who signed for it and\n"
        "when, last inventory, returned/lost/archived/destroyed) as far as you may\n"
        "see it. Every export is an entry in the ledger. registrar, ssc, auditor,\n"
        "chief.\n\n"
        "  --format F       csv (default; ';', UTF-8 with BOM for Excel) or xlsx\n"
        "  -o, --output F   write to F (mode 0600); default: standard output (csv)\n"
        "  --class CLASS    only BH, K, H or KH\n"
        "  --state STATE    only copies in_register, issued, returned, shipped, lost,\n"
        "                   archived or destroyed\n"
        "  --holder PERSON  only copies held by this person (id)\n" CLIENT_OPTS_HELP;

enum { O_DRY = 0x300, O_BATCHES, O_FORMAT, O_CLASS, O_STATE, O_HOLDER, O_JSON };

/* Reads a whole file (at most IO_MAX_BYTES). */
static int read_all(const char *path, char **out, size_t *len)
{
	struct buf b;
	char chunk[65536];
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	size_t n;

	if (!f)
		return cli_error(CLI_USAGE, "doc import: cannot open %s: %s", path,
		                 strerror(errno));
	buf_init(&b, (size_t)IO_MAX_BYTES + 1);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && !b.err)
		buf_append(&b, chunk, n);
	if (f != stdin)
		fclose(f);
	if (b.err == SK_ETOOBIG || b.err == SK_ERANGE) {
		buf_release(&b);
		return cli_error(CLI_FAIL, "doc import: %s is over 32 MiB: split it", path);
	}
	if (b.err) {
		buf_release(&b);
		return cli_error(CLI_USAGE, "doc import: cannot read %s", path);
	}
	*out = buf_detach(&b, len);
	if (!*out)
		*out = calloc(1, 1);
	return *out ? CLI_OK : cli_error(CLI_USAGE, "doc import: out of memory");
}

/* One problem line on stdout: "line N, field: message" (the server is not trusted). */
static void show_problem(unsigned line, const char *field, const char *msg)
{
	char head[96];

	snprintf(head, sizeof(head), "line %u%s", line, field && *field ? ", " : "");
	client_puts_safe(head);
	if (field && *field)
		client_puts_safe(field);
	fputs(": ", stdout);
	client_puts_safe(msg);
	fputc('\n', stdout);
}

/* Checks the file here: every problem printed, nothing sent. */
static int check_local(const char *path, const char *data, size_t len, bool json)
{
	struct io_import imp;
	int rc = io_import_parse(data, len, &imp);

	if (rc == SK_ENOMEM) {
		io_import_release(&imp);
		return cli_error(CLI_USAGE, "doc import: out of memory");
	}
	if (rc == SK_OK) {
		io_import_release(&imp);
		return CLI_OK;
	}
	if (json) {
		json_t *o = json_pack("{s:b, s:I, s:[]}", "ok", 0, "errors",
		                      (json_int_t)imp.nerrors, "problems");

		for (size_t i = 0; o && i < imp.nproblems; i++)
			json_array_append_new(json_object_get(o, "problems"),
			                      json_pack("{s:I, s:s, s:s}", "line",
			                                (json_int_t)imp.problems[i].line, "field",
			                                imp.problems[i].field, "message",
			                                imp.problems[i].msg));
		cli_print_json(o);
		json_decref(o);
	} else {
		for (size_t i = 0; i < imp.nproblems; i++)
			show_problem(imp.problems[i].line, imp.problems[i].field,
			             imp.problems[i].msg);
		if (imp.nerrors > imp.nproblems)
			printf("… and %zu more\n", imp.nerrors - imp.nproblems);
	}
	cli_error(CLI_FAIL, "doc import: %s: %zu problem%s (first on line %u); nothing was sent",
	          path, imp.nerrors, imp.nerrors == 1 ? "" : "s",
	          imp.nproblems ? imp.problems[0].line : 0);
	io_import_release(&imp);
	return CLI_FAIL;
}

/* JSON-escaped size of s (jansson writes UTF-8 as is). */
static size_t escaped_len(const char *s, size_t n)
{
	size_t out = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		out += ch == '"' || ch == '\\' || ch == '\n' || ch == '\r' || ch == '\t' ? 2
		       : ch < 0x20                                                       ? 6
		                                                                         : 1;
	}
	return out;
}

struct batch {
	size_t from, to; /* byte range of the records (after the header) */
	unsigned line;   /* file line of the first record */
};

/* Splits the records after the header into batches within BATCH_BUDGET. */
static int split(const char *data, size_t len, size_t *head_end, unsigned *head_lines,
                 struct batch **out, size_t *n)
{
	struct csv c;
	struct batch *v = NULL;
	size_t cap = 0, head_cost, cost = 0, bom;
	int got;

	*n = 0;
	bom = len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
	csv_open(&c, data, len, 0);
	if (csv_next(&c) != 1) {
		csv_release(&c);
		return SK_EINVAL;
	}
	*head_end = bom + c.pos;
	*head_lines = c.line - 1;
	head_cost = escaped_len(data, *head_end) + 64;
	for (;;) {
		size_t start = bom + c.pos, rec_cost;
		unsigned line = c.line;

		got = csv_next(&c);
		if (got <= 0)
			break;
		rec_cost = escaped_len(data + start, bom + c.pos - start);
		if (head_cost + rec_cost > BATCH_BUDGET) {
			free(v);
			csv_release(&c);
			return SK_ETOOBIG;
		}
		if (*n == 0 || cost + rec_cost > BATCH_BUDGET) {
			if (*n == cap) {
				struct batch *p;

				cap = cap ? cap * 2 : 16;
				p = realloc(v, cap * sizeof(*p));
				if (!p) {
					free(v);
					csv_release(&c);
					return SK_ENOMEM;
				}
				v = p;
			}
			v[(*n)++] = (struct batch){start, start, line};
			cost = head_cost;
		}
		v[*n - 1].to = bom + c.pos;
		cost += rec_cost;
	}
	csv_release(&c);
	*out = v;
	return got < 0 ? SK_EINVAL : SK_OK;
}

/* Prints the problems of a refused answer, their lines as lines of the file. */
static void show_problems(json_t *problems, long shift)
{
	size_t i;
	json_t *p;

	json_array_foreach(problems, i, p)
	{
		long line = (long)json_integer_value(json_object_get(p, "line"));

		if (line > 1)
			line += shift;
		show_problem((unsigned)(line < 0 ? 0 : line),
		             json_string_value(json_object_get(p, "field")),
		             json_string_value(json_object_get(p, "message"))
		                     ? json_string_value(json_object_get(p, "message"))
		                     : "");
	}
}

/* Sends one text; returns CLI_OK and the report, or an exit code after the lines. */
static int send_one(struct client *cl, const char *text, size_t len, bool dry, long shift,
                    bool json, json_t **report)
{
	struct client_reply r;
	json_t *body;
	int rc;

	*report = NULL;
	body = json_pack("{s:s%, s:b}", "csv", text, len, "dry_run", dry);
	if (!body)
		return cli_error(CLI_USAGE, "doc import: the file must be UTF-8 text");
	rc = client_send(cl, "POST", "/api/v1/documents/import", body, &r);
	json_decref(body);
	if (rc)
		return rc;
	if (r.status >= 200 && r.status <= 299 && r.json) {
		*report = json_incref(r.json);
		client_reply_release(&r);
		return CLI_OK;
	}
	if (json && r.json)
		cli_print_json(r.json);
	else if (r.json)
		show_problems(json_object_get(r.json, "problems"), shift);
	rc = client_refused(cl, &r);
	client_reply_release(&r);
	return rc;
}

static long jint(json_t *o, const char *k)
{
	return (long)json_integer_value(json_object_get(o, k));
}

int cmd_doc_import(int argc, char **argv)
{
	static const struct option opts[] = {{"dry-run", no_argument, NULL, O_DRY},
	                                     {"batches", no_argument, NULL, O_BATCHES},
	                                     {"json", no_argument, NULL, O_JSON},
	                                     {"help", no_argument, NULL, 'h'},
	                                     CLIENT_LONG_OPTS,
	                                     {NULL, 0, NULL, 0}};
	struct client_opts co = {0};
	bool dry = false, batches = false, json = false;
	const char *path = NULL;
	struct batch *bv = NULL;
	size_t len = 0, nb = 0, head_end = 0;
	unsigned head_lines = 1;
	long docs = 0, copies = 0;
	struct client *cl = NULL;
	char *data = NULL;
	int c, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (client_opt(&co, c, optarg))
			continue;
		switch (c) {
		case O_DRY:
			dry = true;
			break;
		case O_BATCHES:
			batches = true;
			break;
		case O_JSON:
			json = true;
			break;
		case 'h':
			fputs(import_usage, stdout);
			return CLI_OK;
		default:
			return client_bad_option("doc import", argv);
		}
	}
	if (optind + 1 != argc)
		return cli_error(CLI_USAGE, "doc import: give one FILE (see 'skydd doc import "
		                            "--help')");
	path = argv[optind];
	rc = read_all(path, &data, &len);
	if (rc)
		return rc;
	rc = check_local(path, data, len, json);
	if (rc)
		goto out;
	if (escaped_len(data, len) + 64 > BATCH_BUDGET && !batches) {
		rc = cli_error(CLI_USAGE,
		               "doc import: %s is too large for one request (about 1 MiB): give "
		               "--batches to send it in parts, each all-or-nothing",
		               path);
		goto out;
	}
	if (escaped_len(data, len) + 64 > BATCH_BUDGET) {
		rc = split(data, len, &head_end, &head_lines, &bv, &nb);
		if (rc) {
			rc = cli_error(CLI_FAIL, "doc import: %s: %s", path,
			               rc == SK_ETOOBIG ? "a single row is over 1 MiB"
			                                : "cannot split the file into rows");
			goto out;
		}
	}
	rc = client_open("doc import", &co, true, &cl);
	if (rc)
		goto out;
	if (nb == 0) {
		json_t *rep = NULL;

		rc = send_one(cl, data, len, dry, 0, json, &rep);
		if (!rc && json)
			cli_print_json(rep);
		else if (!rc && dry)
			printf("dry run: %ld rows are fine: %ld documents and %ld copies would be "
			       "imported; nothing was imported\n",
			       jint(rep, "rows"), jint(rep, "documents"), jint(rep, "copies"));
		else if (!rc)
			printf("imported %ld documents and %ld copies (%ld receipts) from %s as "
			       "import %ld\n",
			       jint(rep, "documents"), jint(rep, "copies"), jint(rep, "receipts"),
			       path, jint(rep, "import_id"));
		if (!rc && dry && !json_is_true(json_object_get(rep, "ok"))) {
			show_problems(json_object_get(rep, "problems"), 0);
			rc = cli_error(CLI_FAIL,
			               "doc import: %ld problem%s found; nothing was "
			               "imported",
			               jint(rep, "errors"), jint(rep, "errors") == 1 ? "" : "s");
		}
		json_decref(rep);
		goto out;
	}
	for (size_t i = 0; i < nb; i++) {
		size_t n = head_end + (bv[i].to - bv[i].from);
		char *part = malloc(n + 1);
		long shift = (long)bv[i].line - (long)head_lines - 1;
		json_t *rep = NULL;

		if (!part) {
			rc = cli_error(CLI_USAGE, "doc import: out of memory");
			goto out;
		}
		memcpy(part, data, head_end);
		memcpy(part + head_end, data + bv[i].from, bv[i].to - bv[i].from);
		part[n] = '\0';
		rc = send_one(cl, part, n, dry, shift, json, &rep);
		free(part);
		if (!rc && json)
			cli_print_json(rep);
		if (!rc && dry && !json_is_true(json_object_get(rep, "ok"))) {
			show_problems(json_object_get(rep, "problems"), shift);
			rc = CLI_FAIL;
		}
		if (rc && !dry) {
			json_decref(rep);
			cli_error(rc,
			          "doc import: part %zu of %zu (from line %u) was refused; parts "
			          "1..%zu (%ld documents) stay imported, the rest was not sent",
			          i + 1, nb, bv[i].line, i, docs);
			goto out;
		}
		docs += jint(rep, "documents");
		copies += jint(rep, "copies");
		json_decref(rep);
	}
	if (!json && dry && !rc)
		printf("dry run: %zu parts are fine: %ld documents and %ld copies would be "
		       "imported; nothing was imported\n",
		       nb, docs, copies);
	else if (!json && !rc)
		printf("imported %ld documents and %ld copies from %s in %zu parts\n", docs, copies,
		       path, nb);
	if (rc)
		cli_error(rc, "doc import: problems found in the dry run; nothing was imported");
out:
	free(bv);
	if (data)
		sodium_memzero(data, len);
	free(data);
	client_free(cl);
	return rc;
}

static bool one_of(const char *s, const char *const *list)
{
	for (; *list; list++) {
		if (strcmp(s, *list) == 0)
			return true;
	}
	return false;
}

int cmd_doc_export(int argc, char **argv)
{
	static const struct option opts[] = {{"format", required_argument, NULL, O_FORMAT},
	                                     {"output", required_argument, NULL, 'o'},
	                                     {"class", required_argument, NULL, O_CLASS},
	                                     {"state", required_argument, NULL, O_STATE},
	                                     {"holder", required_argument, NULL, O_HOLDER},
	                                     {"help", no_argument, NULL, 'h'},
	                                     CLIENT_LONG_OPTS,
	                                     {NULL, 0, NULL, 0}};
	static const char *const classes[] = {"BH", "K", "H", "KH", NULL};
	static const char *const states[] = {"in_register", "issued",   "returned",  "shipped",
	                                     "lost",        "archived", "destroyed", NULL};
	struct client_opts co = {0};
	const char *format = "csv", *output = NULL, *cls = NULL, *state = NULL, *holder = NULL;
	char path[256];
	size_t n;
	int64_t hid = 0;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		if (client_opt(&co, c, optarg))
			continue;
		switch (c) {
		case O_FORMAT:
			format = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case O_CLASS:
			cls = optarg;
			break;
		case O_STATE:
			state = optarg;
			break;
		case O_HOLDER:
			holder = optarg;
			break;
		case 'h':
			fputs(export_usage, stdout);
			return CLI_OK;
		default:
			return client_bad_option("doc export", argv);
		}
	}
	if (optind != argc)
		return cli_error(CLI_USAGE, "doc export: unexpected argument '%s'", argv[optind]);
	if (strcmp(format, "csv") != 0 && strcmp(format, "xlsx") != 0)
		return cli_error(CLI_USAGE, "doc export: --format is csv or xlsx");
	if (cls && !one_of(cls, classes))
		return cli_error(CLI_USAGE, "doc export: --class is BH, K, H or KH");
	if (state && !one_of(state, states))
		return cli_error(CLI_USAGE,
		                 "doc export: --state is in_register, issued, returned, shipped, "
		                 "lost, archived or destroyed");
	if (holder && !client_parse_id(holder, &hid))
		return cli_error(CLI_USAGE, "doc export: --holder is a person's number");
	if (!output && strcmp(format, "xlsx") == 0 && isatty(STDOUT_FILENO))
		return cli_error(CLI_USAGE, "doc export: give -o FILE for xlsx");
	n = (size_t)snprintf(path, sizeof(path), "/api/v1/documents/export.%s", format);
	if (cls)
		n += (size_t)snprintf(path + n, sizeof(path) - n, "?class=%s", cls);
	if (state)
		n += (size_t)snprintf(path + n, sizeof(path) - n, "%sstate=%s",
		                      strchr(path, '?') ? "&" : "?", state);
	if (holder)
		snprintf(path + n, sizeof(path) - n, "%sholder=%lld", strchr(path, '?') ? "&" : "?",
		         (long long)hid);
	return client_download("doc export", &co, path, output, format);
}
