/*
 * skydd person|space|system|distributor|media: the records register through
 * the API (persons, approved spaces of 5 kap. 8–10 §§, information systems,
 * approved distributors of 3 kap. 12 §, storage media of 3 kap. 11, 21–24
 * §§). One table describes every subcommand: its method, path, options and
 * the JSON fields they fill; the server applies the rules.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/client.h"

enum ftype {
	F_STR,  /* text */
	F_ID,   /* a positive number */
	F_ID0,  /* a positive number, or 0 (removes the link) */
	F_BOOL, /* yes or no */
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

static const struct act person_acts[] = {
        {"list",
         "GET",
         NULL,
         true,
         "Lists persons.",
         {{"status", "status", F_STR, false, "active or ended"}}},
        {"show", "GET", "", false, "Shows one person and what they hold.", {{0}}},
        {"add",
         "POST",
         NULL,
         false,
         "Records a person: a recipient or holder of copies and media (registrar, ssc; an "
         "admin only persons with a login).",
         {{"name", "name", F_STR, true, "the person's name"},
          {"unit", "unit", F_STR, false, "organisational unit"},
          {"identity", "identity_id", F_ID, false, "their login (identity), if any"}}},
        {"update",
         "PATCH",
         "",
         false,
         "Changes a person's name, unit or login.",
         {{"name", "name", F_STR, false, "the person's name"},
          {"unit", "unit", F_STR, false, "organisational unit"},
          {"identity", "identity_id", F_ID0, false, "their login; 0 removes the link"}}},
        {"end",
         "POST",
         "/end",
         false,
         "Ends a person (left the organisation). Refused while they still hold issued copies "
         "or media in use.",
         {{"on", "ended_on", F_STR, false, "last day, YYYY-MM-DD (default today)"}}},
};

static const struct act space_acts[] = {
        {"list",
         "GET",
         NULL,
         true,
         "Lists approved spaces.",
         {{"kind", "kind", F_STR, false, "conversation, processing or container"},
          {"status", "status", F_STR, false, "approved or withdrawn"}}},
        {"show", "GET", "", false, "Shows one space, its decision and what it holds.", {{0}}},
        {"add",
         "POST",
         NULL,
         false,
         "Approves a room for classified conversations (5 kap. 8 §), a room for processing "
         "(9 §) or a storage container (10 §) up to a class. ssc or chief; a container for "
         "KH only by the head (chief).",
         {{"kind", "kind", F_STR, true, "conversation, processing or container"},
          {"name", "name", F_STR, true, "its name"},
          {"location", "location", F_STR, false, "where it is"},
          {"class", "max_class", F_STR, true, "highest approved class: BH, K, H or KH"},
          {"decided", "decided_on", F_STR, false, "the decision's date (default today)"},
          {"decision", "decision_ref", F_STR, true, "the decision's reference"}}},
        {"update",
         "PATCH",
         "",
         false,
         "Changes a space; a new class is a new decision (give --decision). Lowering below "
         "what it holds is refused.",
         {{"name", "name", F_STR, false, "its name"},
          {"location", "location", F_STR, false, "where it is"},
          {"class", "max_class", F_STR, false, "highest approved class"},
          {"decided", "decided_on", F_STR, false, "the decision's date"},
          {"decision", "decision_ref", F_STR, false, "the decision's reference"}}},
        {"withdraw",
         "POST",
         "/withdraw",
         false,
         "Withdraws an approval. Refused while the space holds copies or media.",
         {{"reason", "reason", F_STR, true, "why"},
          {"on", "withdrawn_on", F_STR, false, "the day (default today)"}}},
};

static const struct act system_acts[] = {
        {"list", "GET", NULL, true, "Lists information systems.", {{0}}},
        {"show", "GET", "", false, "Shows one information system.", {{0}}},
        {"add",
         "POST",
         NULL,
         false,
         "Records an information system and the highest class it is approved for (3 kap. 1 "
         "§). ssc only.",
         {{"name", "name", F_STR, true, "its name (unique)"},
          {"class", "max_class", F_STR, true, "highest approved class: BH, K, H or KH"},
          {"decision", "decision_ref", F_STR, false, "the approval's reference"}}},
        {"update",
         "PATCH",
         "",
         false,
         "Changes a system or withdraws its approval (--status withdrawn).",
         {{"name", "name", F_STR, false, "its name"},
          {"class", "max_class", F_STR, false, "highest approved class"},
          {"decision", "decision_ref", F_STR, false, "the approval's reference"},
          {"status", "status", F_STR, false, "approved or withdrawn"}}},
};

static const struct act distributor_acts[] = {
        {"list", "GET", NULL, true, "Lists approved distributors.", {{0}}},
        {"show", "GET", "", false, "Shows one distributor.", {{0}}},
        {"add",
         "POST",
         NULL,
         false,
         "Records an approved distributor of classified documents (3 kap. 12 §). ssc only.",
         {{"name", "name", F_STR, true, "its name (unique)"},
          {"contact", "contact", F_STR, false, "how to reach them"},
          {"decision", "decision_ref", F_STR, false, "the approval's reference"}}},
        {"update",
         "PATCH",
         "",
         false,
         "Changes a distributor or withdraws its approval (--status withdrawn).",
         {{"name", "name", F_STR, false, "its name"},
          {"contact", "contact", F_STR, false, "how to reach them"},
          {"decision", "decision_ref", F_STR, false, "the approval's reference"},
          {"status", "status", F_STR, false, "approved or withdrawn"}}},
};

static const struct act media_acts[] = {
        {"list",
         "GET",
         NULL,
         true,
         "Lists storage media within your clearance.",
         {{"state", "state", F_STR, false, "in_use, lost, decommissioned, reused or destroyed"}}},
        {"show",
         "GET",
         "",
         false,
         "Shows one medium, its destruction record and lost cases.",
         {{0}}},
        {"add",
         "POST",
         NULL,
         false,
         "Registers a storage medium, marked with class and identifier (3 kap. 11 §), kept in "
         "an approved space or by a person (registrar, ssc).",
         {{"identifier", "identifier", F_STR, true, "its identifier (unique)"},
          {"type", "type", F_STR, true, "usb, disk, laptop, phone, optical or other"},
          {"class", "class", F_STR, true, "BH, K, H or KH (within your clearance)"},
          {"marking", "marking", F_STR, false, "the marking (default: class and identifier)"},
          {"fixed", "fixed", F_BOOL, false, "yes: marked on the equipment"},
          {"space", "space_id", F_ID, false, "the space where it is kept"},
          {"holder", "holder_id", F_ID, false, "the person who holds it"},
          {"system", "system_id", F_ID, false, "its information system"}}},
        {"update",
         "PATCH",
         "",
         false,
         "Changes, moves (--space) or hands over (--holder) a medium in use.",
         {{"type", "type", F_STR, false, "usb, disk, laptop, phone, optical or other"},
          {"class", "class", F_STR, false, "BH, K, H or KH"},
          {"marking", "marking", F_STR, false, "the marking"},
          {"fixed", "fixed", F_BOOL, false, "yes or no"},
          {"space", "space_id", F_ID, false, "move it to this space"},
          {"holder", "holder_id", F_ID, false, "hand it to this person"},
          {"system", "system_id", F_ID0, false, "its system; 0 removes it"}}},
        {"decommission",
         "POST",
         "/decommission",
         false,
         "Takes a medium out of use (3 kap. 24 §).",
         {{"method", "method", F_STR, true, "how"},
          {"on", "on", F_STR, false, "the day (default today)"}}},
        {"reuse",
         "POST",
         "/reuse",
         false,
         "Records that a medium was cleared and reused (3 kap. 24 §).",
         {{"method", "method", F_STR, true, "how it was cleared"},
          {"on", "on", F_STR, false, "the day (default today)"}}},
        {"destroy",
         "POST",
         "/destroy",
         false,
         "Destroys a medium so nothing can be restored, with a record (3 kap. 22–23 §§).",
         {{"method", "method", F_STR, true, "how"},
          {"performer", "performer_id", F_ID, true, "the person who destroyed it"},
          {"witness", "witness_id", F_ID, false, "a witness (another person)"},
          {"on", "destroyed_on", F_STR, false, "the day (default today)"}}},
        {"lost",
         "POST",
         "/lost",
         false,
         "Reports a medium lost; opens a lost case.",
         {{"note", "note", F_STR, true, "what is known"},
          {"on", "on", F_STR, false, "when it was missed (default today)"}}},
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct group groups[] = {
        {"person",
         "/api/v1/persons",
         "person",
         "persons",
         "Persons: recipients and holders of copies and storage media, with or without a "
         "login.",
         {"id", "name", "unit", "identity_id", "status", "ended_on"},
         person_acts,
         N(person_acts)},
        {"space",
         "/api/v1/spaces",
         "space",
         "spaces",
         "Approved spaces (5 kap. 8–10 §§ PMFS 2022:1): rooms for classified conversations "
         "and processing, storage containers, each with its highest class and decision.",
         {"id", "kind", "name", "max_class", "status", "decided_on", "decision_ref"},
         space_acts,
         N(space_acts)},
        {"system",
         "/api/v1/systems",
         "system",
         "systems",
         "Information systems and the highest class each is approved for (3 kap. 1 §).",
         {"id", "name", "max_class", "status", "decision_ref"},
         system_acts,
         N(system_acts)},
        {"distributor",
         "/api/v1/distributors",
         "distributor",
         "distributors",
         "Approved distributors of classified documents (3 kap. 12 §).",
         {"id", "name", "contact", "status", "decision_ref"},
         distributor_acts,
         N(distributor_acts)},
        {"media",
         "/api/v1/media",
         "medium",
         "media",
         "Storage media (3 kap. 11, 21–24 §§): marking, class, where or with whom, and their "
         "end (decommissioned, reused, destroyed or lost).",
         {"id", "identifier", "type", "class", "state", "space_id", "holder_id", "system_id"},
         media_acts,
         N(media_acts)},
};

static const struct group *cur; /* the group being run */

/* ---- usage ---- */

static void act_synopsis(struct buf *b, const struct group *g, const struct act *a)
{
	buf_printf(b, "skydd %s %s%s", g->name, a->name, a->suffix ? " ID" : "");
	for (size_t i = 0; i < CLIENT_MAX_VALUES && a->opts[i].opt; i++) {
		const struct fopt *o = &a->opts[i];
		const char *arg = o->type == F_STR ? "TEXT" : o->type == F_BOOL ? "yes|no" : "N";

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
	opts[n++] = (struct option){"json", no_argument, NULL, 'j'};
	opts[n++] = (struct option){"help", no_argument, NULL, 'h'};
	opts[n++] = (struct option){"url", required_argument, NULL, CLIENT_OPT_URL};
	opts[n++] = (struct option){"cacert", required_argument, NULL, CLIENT_OPT_CACERT};
	opts[n++] = (struct option){"insecure", no_argument, NULL, CLIENT_OPT_INSECURE};
	opts[n] = (struct option){NULL, 0, NULL, 0};
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

static int dispatch(const char *name, int argc, char **argv)
{
	struct client_sub subs[8];
	struct buf usage;
	size_t n = 0;
	int rc;

	for (size_t i = 0; i < N(groups); i++) {
		if (strcmp(groups[i].name, name) == 0)
			cur = &groups[i];
	}
	for (; n < cur->nacts && n < N(subs); n++)
		subs[n] = (struct client_sub){cur->acts[n].name, run};
	buf_init(&usage, 16384);
	group_usage(&usage, cur);
	rc = client_dispatch(name, usage.err ? "" : usage.ptr, subs, n, argc, argv);
	buf_release(&usage);
	return rc;
}

int cmd_person(int argc, char **argv)
{
	return dispatch("person", argc, argv);
}

int cmd_space(int argc, char **argv)
{
	return dispatch("space", argc, argv);
}

int cmd_media(int argc, char **argv)
{
	return dispatch("media", argc, argv);
}

int cmd_system(int argc, char **argv)
{
	return dispatch("system", argc, argv);
}

int cmd_distributor(int argc, char **argv)
{
	return dispatch("distributor", argc, argv);
}
