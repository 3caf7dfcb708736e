/*
 * skydd <register> …: the registers through the API. The subcommands of
 * every register defined as data (model/register.h: person, space, system,
 * distributor, media …) are made from its definition — list (its filters),
 * show and one per command with an option per argument. The server applies
 * the rules.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "cli/cli.h"
#include "cli/client.h"
#include "model/register.h"
#include "model/register_io.h"

/* every argument of a command gets its option (reg_check_defs holds a definition to it) */
_Static_assert(CLIENT_MAX_VALUES >= REG_ARGS_MAX, "the CLI carries every argument");

enum ftype {
	F_STR,  /* text */
	F_ID,   /* a positive number */
	F_ID0,  /* a positive number, or 0 (removes the link) */
	F_BOOL, /* yes or no */
	F_IDS,  /* numbers separated by commas ("" for none): a REG_IDS list */
};

struct fopt {
	const char *opt;   /* the option without "--" */
	const char *field; /* the JSON field or query parameter */
	enum ftype type;
	bool required;
	const char *help;
};

struct act {
	const char *name;
	const char *method;
	const char *suffix; /* NULL: the collection; "": /ID; "/end": /ID/end */
	bool query;         /* options are query parameters (lists) */
	const char *what;   /* one line on what it does */
	struct fopt opts[CLIENT_MAX_VALUES];
	int (*fn)(int argc, char **argv); /* a subcommand of its own (export, import); NULL: run */
	const char *synopsis;             /* its usage line after "skydd <cmd> " */
};

struct group {
	const char *name; /* the command */
	const char *path; /* the collection */
	const char *one;  /* the reply's key for one object */
	const char *many; /* … for a list */
	const char *about;
	const char *cols[10]; /* list columns (keys) */
	const struct act *acts;
	size_t nacts;
};

/* ---- the subcommands ---- */

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the groups of the registers defined as data (model/register.h) ---- */

#define GEN_MAX  40 /* registers with a CLI (test_cli.sh runs every one's --help) */
#define ACTS_MAX 16 /* list, show, export, import and the commands of one register */

static struct group gen_groups[GEN_MAX];
static struct act gen_acts[GEN_MAX][ACTS_MAX];
static char gen_opts[GEN_MAX][ACTS_MAX][CLIENT_MAX_VALUES][32];
static char gen_paths[GEN_MAX][64], gen_suffix[GEN_MAX][ACTS_MAX][40];

/* The option of a field: the argument's own name, else the field's with '-' for '_'. */
static const char *opt_name(const char *opt, const char *field, char *out, size_t cap)
{
	size_t i = 0;

	if (opt)
		return opt;
	for (; field[i] && i + 1 < cap; i++)
		out[i] = field[i] == '_' ? '-' : field[i];
	out[i] = '\0';
	return out;
}

static enum ftype ftype_of(const struct reg_field *f, unsigned flags)
{
	if (f->type == REG_BOOL)
		return F_BOOL;
	if (f->type == REG_IDS)
		return F_IDS;
	if (f->type == REG_REF || f->type == REG_INT)
		return flags & REG_A_CLEAR ? F_ID0 : F_ID;
	return F_STR;
}

/* One act per command of d (after list and show). */
static void gen_cmd_act(size_t g, size_t k, const struct register_def *d, const struct reg_cmd *c)
{
	struct act *a = &gen_acts[g][k];
	size_t n = 0;

	a->name = c->name;
	a->method = c->verb == REG_UPDATE ? "PATCH" : "POST";
	if (c->verb == REG_CREATE) {
		a->suffix = NULL;
	} else {
		snprintf(gen_suffix[g][k], sizeof(gen_suffix[g][k]), "%s%s", c->path ? "/" : "",
		         c->path ? c->path : "");
		a->suffix = gen_suffix[g][k];
	}
	a->what = c->help ? c->help : c->summary;
	for (const struct reg_arg *x = c->args; x->field && n < CLIENT_MAX_VALUES; x++, n++) {
		const struct reg_field *f = reg_arg_field(d, x);

		a->opts[n] = (struct fopt){
		        opt_name(x->opt, x->field, gen_opts[g][k][n], sizeof(gen_opts[g][k][n])),
		        x->field, ftype_of(f, x->flags), (x->flags & REG_A_REQUIRED) != 0,
		        x->doc ? x->doc : f->doc};
	}
}

static int run_export(int argc, char **argv);
static int run_import(int argc, char **argv);

static void gen_group(size_t g, const struct register_def *d)
{
	struct group *gr = &gen_groups[g];
	size_t k = 0, n = 0, col = 0;

	snprintf(gen_paths[g], sizeof(gen_paths[g]), "/api/v1/%s", d->name);
	*gr = (struct group){d->cli, gen_paths[g], d->one, d->name, d->about, {0}, gen_acts[g], 0};
	for (const struct reg_field *f = d->fields; f->name && col < N(gr->cols); f++) {
		if (f->flags & REG_F_CLI)
			gr->cols[col++] = f->name;
	}
	gen_acts[g][k] =
	        (struct act){"list", "GET", NULL, true, "Lists the register.", {{0}}, NULL, NULL};
	for (const struct reg_field *f = d->fields; f->name && n < CLIENT_MAX_VALUES; f++) {
		if (!(f->flags & REG_F_FILTER))
			continue;
		/* the option's name and its slot: n moves only after both (one sequence point) */
		gen_acts[g][k].opts[n] =
		        (struct fopt){opt_name(NULL, f->name, gen_opts[g][k][n], 32), f->name,
		                      F_STR, false, f->doc};
		n++;
	}
	k++;
	gen_acts[g][k++] =
	        (struct act){"show", "GET", "", false, "Shows one record.", {{0}}, NULL, NULL};
	for (const struct reg_cmd *c = d->cmds; c->name && k + 2 < ACTS_MAX; c++)
		gen_cmd_act(g, k++, d, c);
	gen_acts[g][k++] = (struct act){.name = "export",
	                                .method = "GET",
	                                .what = "Exports the register as far as you may read it.",
	                                .fn = run_export,
	                                .synopsis = "export [--format csv|xlsx] [-o FILE]"};
	if (d->import)
		gen_acts[g][k++] = (struct act){.name = "import",
		                                .method = "POST",
		                                .what = "Imports records from a CSV or XLSX file.",
		                                .fn = run_import,
		                                .synopsis = "import FILE [--dry-run] [--json]"};
	gr->nacts = k;
}

/* The group of command name, made from its register's definition. */
static const struct group *group_of(const char *name)
{
	static bool made;

	if (!made) {
		size_t g = 0;

		for (size_t i = 0; reg_all[i]; i++) {
			if (!reg_all[i]->cli)
				continue;
			/* a register past the table would be listed by --help but never run */
			if (g == GEN_MAX) {
				fprintf(stderr,
				        "skydd: internal: more than %d registers with a CLI\n",
				        GEN_MAX);
				abort();
			}
			gen_group(g++, reg_all[i]);
		}
		made = true;
	}
	for (size_t g = 0; g < GEN_MAX && gen_groups[g].name; g++) {
		if (strcmp(gen_groups[g].name, name) == 0)
			return &gen_groups[g];
	}
	return NULL;
}

static const struct group *cur; /* the group being run */

/* ---- usage ---- */

static void act_synopsis(struct buf *b, const struct group *g, const struct act *a)
{
	if (a->synopsis) {
		buf_printf(b, "skydd %s %s", g->name, a->synopsis);
		return;
	}
	buf_printf(b, "skydd %s %s%s", g->name, a->name, a->suffix ? " ID" : "");
	for (size_t i = 0; i < CLIENT_MAX_VALUES && a->opts[i].opt; i++) {
		const struct fopt *o = &a->opts[i];
		const char *arg = o->type == F_STR    ? "TEXT"
		                  : o->type == F_BOOL ? "yes|no"
		                  : o->type == F_IDS  ? "N,N"
		                                      : "N";

		buf_printf(b, o->required ? " --%s %s" : " [--%s %s]", o->opt, arg);
	}
	buf_printf(b, " [--json]");
}

static void group_usage(struct buf *b, const struct group *g)
{
	for (size_t i = 0; i < g->nacts; i++) {
		buf_printf(b, i ? "       " : "usage: ");
		act_synopsis(b, g, &g->acts[i]);
		buf_printf(b, "\n");
	}
	buf_printf(b,
	           "\n%s\nOn the server of the session (see 'skydd login'). Every command also "
	           "takes --url URL, --cacert FILE and --insecure; 'skydd %s SUB --help' says "
	           "more.\n",
	           g->about, g->name);
}

static void act_usage(struct buf *b, const struct group *g, const struct act *a)
{
	buf_printf(b, "usage: ");
	act_synopsis(b, g, a);
	buf_printf(b, "\n\n%s\n\n", a->what);
	for (size_t i = 0; i < CLIENT_MAX_VALUES && a->opts[i].opt; i++)
		buf_printf(b, "  --%-12s %s\n", a->opts[i].opt, a->opts[i].help);
	buf_printf(b, "  --json          print the API's JSON\n" CLIENT_OPTS_HELP);
}

/* ---- output ---- */

static void show_one(json_t *reply)
{
	json_t *o = json_object_get(reply, cur->one), *v;
	const char *key;
	char val[1024], name[96];

	client_kv("id", client_field(o, "id", val, sizeof(val)));
	json_object_foreach(o, key, v)
	{
		if (strcmp(key, "id") == 0)
			continue;
		if (json_is_object(v)) {
			const char *k2;
			json_t *v2;

			json_object_foreach(v, k2, v2)
			{
				snprintf(name, sizeof(name), "%s.%s", key, k2);
				client_kv(name, client_field(v, k2, val, sizeof(val)));
			}
			continue;
		}
		if (json_is_array(v) && json_array_size(v) &&
		    json_is_object(json_array_get(v, 0))) {
			size_t i;
			json_t *x;

			json_array_foreach(v, i, x)
			{
				char id[32];

				snprintf(name, sizeof(name), "%s", key);
				snprintf(val, sizeof(val), "%s %s",
				         client_field(x, "id", id, sizeof(id)),
				         json_string_value(json_object_get(x, "state"))
				                 ? json_string_value(json_object_get(x, "state"))
				                 : "");
				client_kv(name, val);
			}
			continue;
		}
		client_kv(key, client_field(o, key, val, sizeof(val)));
	}
}

static void show_list(json_t *reply)
{
	const char *head[10], *row[10];
	char up[10][32], v[10][256];
	struct client_table t;
	size_t n = 0, i;
	json_t *x;

	while (n < 10 && cur->cols[n])
		n++;
	for (size_t k = 0; k < n; k++) {
		size_t j;

		for (j = 0; cur->cols[k][j] && j + 1 < sizeof(up[k]); j++)
			up[k][j] = cur->cols[k][j] == '_' ? ' ' : (char)(cur->cols[k][j] & ~0x20);
		up[k][j] = '\0';
		head[k] = up[k];
	}
	client_table_init(&t, n);
	client_table_row(&t, head);
	json_array_foreach(json_object_get(reply, cur->many), i, x)
	{
		for (size_t k = 0; k < n; k++)
			row[k] = client_field(x, cur->cols[k], v[k], sizeof(v[k]));
		client_table_row(&t, row);
	}
	client_table_print(&t);
	client_table_release(&t);
}

/* ---- running one subcommand ---- */

static bool query_safe(const char *s)
{
	for (; *s; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
			return false;
	}
	return true;
}

/* Puts option o's value v into body. Returns CLI_OK or CLI_USAGE after a message. */
static int put_value(const char *cmd, const struct fopt *o, const char *v, json_t *body)
{
	json_t *j = NULL;
	int64_t id;

	switch (o->type) {
	case F_STR:
		j = json_string(v);
		if (!j)
			return cli_error(CLI_USAGE, "%s: --%s must be UTF-8 text", cmd, o->opt);
		break;
	case F_ID0:
		if (strcmp(v, "0") == 0) {
			j = json_integer(0);
			break;
		}
		/* fall through */
	case F_ID:
		if (!client_parse_id(v, &id))
			return cli_error(CLI_USAGE, "%s: --%s must be a number%s", cmd, o->opt,
			                 o->type == F_ID0 ? " (0 removes it)" : "");
		j = json_integer(id);
		break;
	case F_IDS:
		j = json_array();
		for (const char *p = v; j && *p;) {
			char one[24];
			size_t n = strcspn(p, ",");

			snprintf(one, sizeof(one), "%.*s",
			         (int)(n < sizeof(one) ? n : sizeof(one) - 1), p);
			if (n >= sizeof(one) || !client_parse_id(one, &id)) {
				json_decref(j);
				return cli_error(CLI_USAGE,
				                 "%s: --%s must be numbers separated by commas",
				                 cmd, o->opt);
			}
			json_array_append_new(j, json_integer(id));
			p += n + (p[n] == ',');
		}
		break;
	case F_BOOL:
		if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0)
			j = json_true();
		else if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0)
			j = json_false();
		else
			return cli_error(CLI_USAGE, "%s: --%s must be yes or no", cmd, o->opt);
		break;
	}
	json_object_set_new(body, o->field, j);
	return CLI_OK;
}

static int run(int argc, char **argv)
{
	const struct group *g = cur;
	const struct act *a = NULL;
	struct option opts[CLIENT_MAX_VALUES + 6];
	struct client_args args;
	struct buf usage, path;
	char cmd[64];
	size_t n = 0;
	json_t *body = NULL;
	int64_t id = 0;
	int rc;

	for (size_t i = 0; i < g->nacts; i++) {
		if (strcmp(argv[0], g->acts[i].name) == 0)
			a = &g->acts[i];
	}
	if (!a)
		return CLI_USAGE;
	snprintf(cmd, sizeof(cmd), "%s %s", g->name, a->name);
	for (; n < CLIENT_MAX_VALUES && a->opts[n].opt; n++)
		opts[n] = (struct option){a->opts[n].opt, required_argument, NULL,
		                          CLIENT_VALUE((int)n)};
	client_std_opts(opts, n);
	buf_init(&usage, 16384);
	act_usage(&usage, g, a);
	rc = client_parse_args(argc, argv, opts, cmd, usage.err ? "" : usage.ptr, &args);
	buf_release(&usage);
	if (rc)
		return rc < 0 ? CLI_OK : rc;
	if (a->suffix && (!args.id || !client_parse_id(args.id, &id)))
		return cli_error(CLI_USAGE, "%s: give the %s's number (see 'skydd %s --help')", cmd,
		                 g->one, cmd);
	if (!a->suffix && args.id)
		return cli_error(CLI_USAGE, "%s: unexpected argument '%s'", cmd, args.id);
	buf_init(&path, 4096);
	if (a->suffix)
		buf_printf(&path, "%s/%lld%s", g->path, (long long)id, a->suffix);
	else
		buf_printf(&path, "%s", g->path);
	if (!a->query && strcmp(a->method, "GET") != 0)
		body = json_object();
	rc = CLI_OK;
	for (size_t i = 0; i < CLIENT_MAX_VALUES && a->opts[i].opt && !rc; i++) {
		const struct fopt *o = &a->opts[i];
		const char *v = args.values[i];

		if (!v) {
			if (o->required)
				rc = cli_error(CLI_USAGE,
				               "%s: --%s is required (see 'skydd %s --help')", cmd,
				               o->opt, cmd);
			continue;
		}
		if (a->query) {
			if (!query_safe(v))
				rc = cli_error(CLI_USAGE, "%s: --%s: letters, digits, _ and - only",
				               cmd, o->opt);
			else
				buf_printf(&path, "%c%s=%s", strchr(path.ptr, '?') ? '&' : '?',
				           o->field, v);
		} else {
			rc = put_value(cmd, o, v, body);
		}
	}
	if (!rc && path.err)
		rc = cli_error(CLI_USAGE, "%s: out of memory", cmd);
	if (!rc)
		rc = client_call_show(cmd, &args, a->method, path.ptr, body,
		                      a->query ? show_list : show_one);
	json_decref(body);
	buf_release(&path);
	return rc;
}

/* ---- export and import ---- */

static const struct register_def *cur_def(void)
{
	for (size_t i = 0; reg_all[i]; i++) {
		if (reg_all[i]->cli && strcmp(reg_all[i]->cli, cur->name) == 0)
			return reg_all[i];
	}
	return NULL;
}

enum { O_FORMAT = 0x300, O_DRY, O_JSON };

static int run_export(int argc, char **argv)
{
	static const struct option opts[] = {{"format", required_argument, NULL, O_FORMAT},
	                                     {"output", required_argument, NULL, 'o'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     CLIENT_LONG_OPTS,
	                                     {NULL, 0, NULL, 0}};
	const struct register_def *d = cur_def();
	struct client_opts co = {0};
	const char *format = "csv", *output = NULL;
	char cmd[64], path[160];
	int c;

	snprintf(cmd, sizeof(cmd), "%s export", cur->name);
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
		case 'h':
			printf("usage: skydd %s export [--format csv|xlsx] [-o FILE]\n\n"
			       "Exports %s as far as you may read them: a header of the field "
			       "names, "
			       "one row\nper record, references also by name, times in Swedish "
			       "time. Every export\nis an entry in the ledger (the "
			       "Säkerhetslogg).\n\n"
			       "  --format F       csv (default; ';', UTF-8 with BOM for Excel) or "
			       "xlsx\n"
			       "  -o, --output F   write to F (mode 0600); default: standard "
			       "output "
			       "(csv)\n" CLIENT_OPTS_HELP,
			       cur->name, d->name);
			return CLI_OK;
		default:
			return client_bad_option(cmd, argv);
		}
	}
	if (optind != argc)
		return cli_error(CLI_USAGE, "%s: unexpected argument '%s'", cmd, argv[optind]);
	if (strcmp(format, "csv") != 0 && strcmp(format, "xlsx") != 0)
		return cli_error(CLI_USAGE, "%s: --format is csv or xlsx", cmd);
	if (!output && strcmp(format, "xlsx") == 0 && isatty(STDOUT_FILENO))
		return cli_error(CLI_USAGE, "%s: give -o FILE for xlsx", cmd);
	snprintf(path, sizeof(path), "%s/export?format=%s", cur->path, format);
	return client_download(cmd, &co, path, output, format);
}

/* Reads a whole file of at most REG_IO_MAX_BYTES ('-': standard input). */
static int read_file(const char *cmd, const char *path, char **out, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	struct buf b;
	char chunk[65536];
	size_t n;

	if (!f)
		return cli_error(CLI_USAGE, "%s: cannot open %s: %s", cmd, path, strerror(errno));
	buf_init(&b, (size_t)REG_IO_MAX_BYTES);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && !b.err)
		buf_append(&b, chunk, n);
	if (f != stdin)
		fclose(f);
	if (b.err) {
		buf_release(&b);
		return cli_error(CLI_FAIL, "%s: %s is over %u bytes: split it", cmd, path,
		                 REG_IO_MAX_BYTES);
	}
	*out = buf_detach(&b, len);
	if (!*out)
		*out = calloc(1, 1);
	return *out ? CLI_OK : cli_error(CLI_USAGE, "%s: out of memory", cmd);
}

/* Prints the rows that have a problem: "line N, field: message". */
static size_t show_results(json_t *results)
{
	size_t i, bad = 0;
	json_t *r;
	char head[96];

	json_array_foreach(results, i, r)
	{
		const char *field = json_string_value(json_object_get(r, "field"));

		if (json_is_true(json_object_get(r, "ok")))
			continue;
		bad++;
		snprintf(head, sizeof(head), "line %lld%s",
		         (long long)json_integer_value(json_object_get(r, "line")),
		         field ? ", " : "");
		const char *msg = json_string_value(json_object_get(r, "message"));

		msg = msg ? msg : "";
		/* the model's message often starts with the field already */
		if (field && strncmp(msg, field, strlen(field)) == 0 && msg[strlen(field)] == ':')
			msg += strlen(field) + 1 + (msg[strlen(field) + 1] == ' ');
		client_puts_safe(head);
		if (field)
			client_puts_safe(field);
		fputs(": ", stdout);
		client_puts_safe(msg);
		fputc('\n', stdout);
	}
	return bad;
}

static int run_import(int argc, char **argv)
{
	static const struct option opts[] = {{"dry-run", no_argument, NULL, O_DRY},
	                                     {"json", no_argument, NULL, O_JSON},
	                                     {"help", no_argument, NULL, 'h'},
	                                     CLIENT_LONG_OPTS,
	                                     {NULL, 0, NULL, 0}};
	const struct register_def *d = cur_def();
	const struct reg_cmd *add = d && d->import ? reg_cmd_find(d, d->import) : NULL;
	struct client_opts co = {0};
	struct client_reply r = {0};
	struct client *cl = NULL;
	bool dry = false, json = false;
	char cmd[64], path[160], *data = NULL, *b64 = NULL;
	json_t *body = NULL, *rep;
	size_t len = 0;
	int c, rc;

	snprintf(cmd, sizeof(cmd), "%s import", cur->name);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (client_opt(&co, c, optarg))
			continue;
		switch (c) {
		case O_DRY:
			dry = true;
			break;
		case O_JSON:
			json = true;
			break;
		case 'h':
			printf("usage: skydd %s import FILE [--dry-run] [--json]\n\n"
			       "Imports %s from a CSV file (UTF-8, ',' or ';') or an Excel "
			       "workbook "
			       "(.xlsx,\nits first sheet) ('-': standard input). The first row "
			       "names "
			       "the columns:\nthe options of 'skydd %s %s' (or the API's field "
			       "names); each further row\nis one record, run through the same "
			       "checks. One bad row and nothing is\nimported. At most %u rows and "
			       "%u bytes.\n\n"
			       "  --dry-run        check every row against the register, import "
			       "nothing\n"
			       "  --json           print the server's report\n" CLIENT_OPTS_HELP,
			       cur->name, d->name, cur->name, add ? add->name : "add",
			       REG_IO_MAX_ROWS, REG_IO_MAX_BYTES);
			return CLI_OK;
		default:
			return client_bad_option(cmd, argv);
		}
	}
	if (optind + 1 != argc)
		return cli_error(CLI_USAGE, "%s: give one FILE (see 'skydd %s --help')", cmd, cmd);
	if ((rc = read_file(cmd, argv[optind], &data, &len)))
		return rc;
	if (len >= 4 && memcmp(data, "PK\3\4", 4) == 0) {
		size_t n = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);

		b64 = malloc(n);
		if (b64) {
			sodium_bin2base64(b64, n, (const unsigned char *)data, len,
			                  sodium_base64_VARIANT_ORIGINAL);
			body = json_pack("{s:s, s:b}", "xlsx", b64, "dry_run", dry);
		}
	} else {
		body = json_pack("{s:s%, s:b}", "csv", data, len, "dry_run", dry);
		if (!body) {
			rc = cli_error(CLI_USAGE, "%s: %s is neither UTF-8 text nor an .xlsx file",
			               cmd, argv[optind]);
			goto out;
		}
	}
	if (!body) {
		rc = cli_error(CLI_USAGE, "%s: out of memory", cmd);
		goto out;
	}
	if ((rc = client_open(cmd, &co, true, &cl)))
		goto out;
	snprintf(path, sizeof(path), "%s/import", cur->path);
	if ((rc = client_send(cl, "POST", path, body, &r)))
		goto out;
	rep = r.json;
	if (json && rep)
		cli_print_json(rep);
	if (r.status >= 200 && r.status <= 299 && rep) {
		size_t bad = json ? 0 : show_results(json_object_get(rep, "results"));

		if (!json_is_true(json_object_get(rep, "ok"))) {
			rc = cli_error(
			        CLI_FAIL, "%s: %lld problem%s found; nothing was imported", cmd,
			        (long long)json_integer_value(json_object_get(rep, "errors")),
			        json_integer_value(json_object_get(rep, "errors")) == 1 ? "" : "s");
		} else if (!json && dry) {
			printf("dry run: %lld rows are fine; nothing was imported\n",
			       (long long)json_integer_value(json_object_get(rep, "rows")));
		} else if (!json) {
			printf("imported %lld %s from %s as import %lld\n",
			       (long long)json_integer_value(json_object_get(rep, "created")),
			       d->name, argv[optind],
			       (long long)json_integer_value(json_object_get(rep, "import_id")));
		}
		(void)bad;
		goto out;
	}
	if (json_is_array(json_object_get(rep, "results"))) {
		/* a bad row: refused, not a malformed request */
		if (!json)
			show_results(json_object_get(rep, "results"));
		rc = cli_error(CLI_FAIL, "%s: %lld problem%s found; nothing was imported", cmd,
		               (long long)json_integer_value(json_object_get(rep, "errors")),
		               json_integer_value(json_object_get(rep, "errors")) == 1 ? "" : "s");
		goto out;
	}
	rc = client_refused(cl, &r);
out:
	client_reply_release(&r);
	json_decref(body);
	if (data)
		sodium_memzero(data, len);
	free(data);
	free(b64);
	client_free(cl);
	return rc;
}

static int dispatch(const char *name, int argc, char **argv)
{
	struct client_sub subs[ACTS_MAX];
	struct buf usage;
	size_t n = 0;
	int rc;

	cur = group_of(name);
	if (!cur)
		return cli_error(CLI_USAGE, "unknown command '%s' (see 'skydd --help')", name);
	for (; n < cur->nacts && n < N(subs); n++)
		subs[n] = (struct client_sub){cur->acts[n].name,
		                              cur->acts[n].fn ? cur->acts[n].fn : run};
	buf_init(&usage, 16384);
	group_usage(&usage, cur);
	rc = client_dispatch(name, usage.err ? "" : usage.ptr, subs, n, argc, argv);
	buf_release(&usage);
	return rc;
}

bool cli_is_register(const char *name)
{
	return group_of(name) != NULL;
}

int cmd_register(int argc, char **argv)
{
	return dispatch(argv[0], argc, argv);
}
