/*
 * skydd doc: the register of classified documents through the API (3 kap.
 * PMFS 2022:1) — documents, copies, receipts, shipments and destruction.
 * Each subcommand is a row of a table (its options, the route, how to show
 * the answer); the server applies the rules and a refusal cites its
 * paragraph. import/export and the decisions live in doc_io.c and
 * doc_decide.c.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/client.h"

#define MAX_OPTS 14

/* An option: its name, the JSON field (or query parameter) and its type. */
struct dopt {
	const char *name;
	const char *field;
	char type; /* s text, i id/number, l list of ids, f flag (true) */
	bool required;
	const char *help;
};

struct dsub {
	const char *name;
	const char *method;
	const char *path; /* with %lld for the ID, if any */
	bool takes_id;
	bool query; /* options go to the query string (GET) */
	const struct dopt *opts;
	void (*show)(json_t *reply);
	const char *summary;
};

/* ---- showing answers ---- */

static void kv(json_t *o, const char *label, const char *key)
{
	char v[512];

	client_kv(label, client_field(o, key, v, sizeof(v)));
}

static void show_copies(json_t *arr)
{
	static const char *const head[] = {"COPY", "NR", "STATE", "HOLDER", "SPACE", "INVENTORIED"};
	static const char *const keys[] = {"id",          "number",     "state",
	                                   "holder_name", "space_name", "last_inventoried_on"};

	client_table_json(arr, 6, head, keys, 256);
}

static void show_receipts(json_t *arr)
{
	static const char *const head[] = {"RECEIPT", "DOCUMENT", "COPY",   "CLASS",
	                                   "PERSON",  "STATE",    "ISSUED", "KEEP UNTIL"};
	static const char *const keys[] = {"id",        "designation", "copy_number",
	                                   "class",     "person_name", "state",
	                                   "issued_at", "keep_until"};

	client_table_json(arr, 8, head, keys, 256);
}

static void show_document(json_t *reply)
{
	json_t *d = json_object_get(reply, "document");

	kv(d, "id", "id");
	kv(d, "designation", "designation");
	kv(d, "title", "title");
	kv(d, "class", "class");
	kv(d, "form", "form");
	kv(d, "pages", "pages");
	kv(d, "attachments", "attachments");
	kv(d, "originator", "originator");
	kv(d, "case number", "case_number");
	kv(d, "system", "system_id");
	kv(d, "document date", "document_date");
	kv(d, "registered", "registered_on");
	kv(d, "status", "status");
	if (json_array_size(json_object_get(d, "access"))) {
		static const char *const head[] = {"PERSON", "NAME", "ADDED"};
		static const char *const keys[] = {"person_id", "name", "added_at"};

		puts("\nneed-to-know:");
		client_table_json(json_object_get(d, "access"), 3, head, keys, 256);
	}
	if (json_array_size(json_object_get(d, "copies"))) {
		puts("\ncopies:");
		show_copies(json_object_get(d, "copies"));
	}
	if (json_array_size(json_object_get(d, "receipts"))) {
		puts("\nreceipts:");
		show_receipts(json_object_get(d, "receipts"));
	}
	if (json_array_size(json_object_get(d, "shipments"))) {
		static const char *const head[] = {"SHIPMENT",  "COPY", "DISTRIBUTOR",
		                                   "RECIPIENT", "SENT", "DELIVERED"};
		static const char *const keys[] = {"id",        "copy_number", "distributor_name",
		                                   "recipient", "sent_on",     "delivered_on"};

		puts("\nshipments:");
		client_table_json(json_object_get(d, "shipments"), 6, head, keys, 256);
	}
}

static void show_list(json_t *reply)
{
	static const char *const head[] = {"ID",     "DESIGNATION", "CLASS", "FORM",
	                                   "COPIES", "CASE",        "TITLE"};
	static const char *const keys[] = {"id",     "designation", "class", "form",
	                                   "copies", "case_number", "title"};
	char v[32];

	client_table_json(json_object_get(reply, "documents"), 7, head, keys, 256);
	if (json_is_integer(json_object_get(reply, "next")))
		printf("(more: --after %s)\n", client_field(reply, "next", v, sizeof(v)));
}

static void show_copy_list(json_t *reply)
{
	static const char *const head[] = {"COPY",  "DOCUMENT", "NR",   "CLASS",
	                                   "STATE", "HOLDER",   "SPACE"};
	static const char *const keys[] = {"id",    "designation", "number",    "class",
	                                   "state", "holder_name", "space_name"};

	client_table_json(json_object_get(reply, "copies"), 7, head, keys, 256);
}

static void show_copy(json_t *reply)
{
	json_t *c = json_object_get(reply, "copy");

	kv(c, "copy", "id");
	kv(c, "document", "designation");
	kv(c, "number", "number");
	kv(c, "class", "class");
	kv(c, "state", "state");
	kv(c, "holder", "holder_name");
	kv(c, "space", "space_name");
	kv(c, "inventoried", "last_inventoried_on");
	if (json_integer_value(json_object_get(reply, "result_id")) > 0)
		kv(reply, "record", "result_id");
}

static void show_receipt_list(json_t *reply)
{
	show_receipts(json_object_get(reply, "receipts"));
}

static void show_receipt(json_t *reply)
{
	json_t *r = json_object_get(reply, "receipt"), *n = json_object_get(r, "notice");

	kv(r, "receipt", "id");
	kv(r, "document", "designation");
	kv(r, "title", "title");
	kv(r, "copy", "copy_number");
	kv(r, "class", "class");
	kv(r, "person", "person_name");
	kv(r, "state", "state");
	kv(r, "issued", "issued_at");
	kv(r, "signed", "signed_at");
	kv(r, "paper", "paper_ref");
	kv(r, "returned", "returned_at");
	kv(r, "keep until", "keep_until");
	kv(n, "notice", "sv");
	kv(n, "", "en");
}

static void show_destruction(json_t *reply)
{
	json_t *d = json_object_get(reply, "destruction");

	kv(d, "destruction", "id");
	kv(d, "document", "designation");
	kv(d, "class", "class");
	kv(d, "copy", "copy_number");
	kv(d, "method", "method");
	kv(d, "destroyed on", "destroyed_on");
	kv(d, "performer", "performer_name");
	kv(d, "witness", "witness_name");
	kv(d, "recorded", "recorded_at");
}

/* The protocol of several copies destroyed in one act. */
static void show_protocol(json_t *reply)
{
	json_t *p = json_object_get(reply, "protocol"), *x;
	char nums[512] = "";
	size_t i, len = 0;

	kv(p, "protocol", "id");
	kv(p, "organisation", "organisation");
	kv(json_object_get(p, "document"), "document", "designation");
	kv(json_object_get(p, "document"), "class", "class");
	kv(json_object_get(p, "document"), "pages", "pages");
	kv(json_object_get(p, "document"), "attachments", "attachments");
	json_array_foreach(json_object_get(p, "copies"), i, x)
	{
		int w = snprintf(nums + len, sizeof(nums) - len, "%s%lld", i ? ", " : "",
		                 (long long)json_integer_value(x));

		if (w < 0 || (size_t)w >= sizeof(nums) - len)
			break;
		len += (size_t)w;
	}
	client_kv("copies", nums);
	kv(p, "method", "method");
	kv(p, "destroyed on", "destroyed_on");
	kv(p, "performer", "performer_name");
	kv(p, "witness", "witness_name");
	kv(p, "recorded", "recorded_at");
}

static void show_organisation(json_t *reply)
{
	kv(json_object_get(reply, "organisation"), "organisation", "name");
}

static void show_history(json_t *reply)
{
	json_t *e;
	size_t i;

	json_array_foreach(json_object_get(reply, "entries"), i, e)
	{
		char seq[32], t[64], kind[64];

		printf("%8s  %s  %s\n", client_field(e, "seq", seq, sizeof(seq)),
		       client_field(e, "time", t, sizeof(t)),
		       client_field(e, "kind", kind, sizeof(kind)));
	}
}

static void show_numbering(json_t *reply)
{
	json_t *n = json_object_get(reply, "numbering");

	kv(n, "pattern", "pattern");
	kv(n, "example", "example");
	kv(n, "changed", "changed_at");
}

/* ---- the subcommands ---- */

static const struct dopt o_add[] = {
        {"title", "title", 's', true, "the title"},
        {"class", "class", 's', true, "BH, K, H or KH"},
        {"form", "form", 's', true, "physical or electronic"},
        {"designation", "designation", 's', false, "beteckning (default: the next number)"},
        {"pages", "pages", 'i', false, "page count (required for K+ physical, 3 kap. 4 §)"},
        {"attachments", "attachments", 'i', false, "number of attachments"},
        {"originator", "originator", 's', false, "the external originator"},
        {"case", "case_number", 's', false, "diarienummer"},
        {"system", "system_id", 'i', false, "electronic: the approved system (3 kap. 1 §)"},
        {"date", "document_date", 's', false, "the document's own date"},
        {"registered", "registered_on", 's', false, "registration day (default today)"},
        {"access", "person_ids", 'l', false, "the need-to-know list: PERSON[,PERSON…]"},
        {"title-classified", "title_classified", 'f', false, "the title itself is classified"},
        {NULL, NULL, 0, false, NULL}};
static const struct dopt o_list[] = {
        {"class", "class", 's', false, "only this class"},
        {"state", "state", 's', false, "with a copy in this state"},
        {"holder", "holder", 'i', false, "with a copy held by this person"},
        {"overdue", "overdue", 'f', false, "not inventoried in 12 months, or a receipt pending"},
        {"q", "q", 's', false, "designation, title or case number contains"},
        {"limit", "limit", 'i', false, "documents per page (default 50)"},
        {"after", "after", 'i', false, "the last id of the previous page"},
        {NULL, NULL, 0, false, NULL}};
static const struct dopt o_none[] = {{NULL, NULL, 0, false, NULL}};
static const struct dopt o_access[] = {{"persons", "person_ids", 'l', true, "PERSON[,PERSON…]"},
                                       {NULL, NULL, 0, false, NULL}};
static const struct dopt o_copy[] = {
        {"count", "count", 'i', false, "how many (default 1)"},
        {"space", "space_id", 'i', false, "an approved container (3 kap. 9 §)"},
        {"holder", "holder_id", 'i', false, "or the person who holds it"},
        {"decision", "decision_id", 'i', false, "KH: the head's kh_copy decision (3 kap. 8 §)"},
        {"paper", "paper_ref", 's', false, "holder: a signed paper receipt"},
        {NULL, NULL, 0, false, NULL}};
static const struct dopt o_copies[] = {
        {"mine", "mine", 'f', false, "only the copies I hold"},
        {"state", "state", 's', false, "only copies in this state"},
        {"document", "document_id", 'i', false, "only this document's"},
        {"overdue", "overdue", 'f', false, "not inventoried in 12 months"},
        {"limit", "limit", 'i', false, "copies per page"},
        {"after", "after", 'i', false, "the last id of the previous page"},
        {NULL, NULL, 0, false, NULL}};
static const struct dopt o_issue[] = {
        {"person", "person_id", 'i', true, "the recipient (on the need-to-know list)"},
        {"paper", "paper_ref", 's', false, "a signed paper receipt instead of a pending one"},
        {NULL, NULL, 0, false, NULL}};
static const struct dopt o_return[] = {
        {"space", "space_id", 'i', false, "the container it goes back into"},
        {"note", "note", 's', false, "noted on the receipt"},
        {NULL, NULL, 0, false, NULL}};
static const struct dopt o_store[] = {{"space", "space_id", 'i', true, "an approved container"},
                                      {"note", "note", 's', false, "a note"},
                                      {NULL, NULL, 0, false, NULL}};
static const struct dopt o_archive[] = {{"space", "space_id", 'i', false, "the container"},
                                        {"note", "note", 's', false, "a note"},
                                        {NULL, NULL, 0, false, NULL}};
static const struct dopt o_lost[] = {{"note", "note", 's', false, "what is known"},
                                     {NULL, NULL, 0, false, NULL}};
static const struct dopt o_destroy[] = {
        {"method", "method", 's', true, "how (3 kap. 22 §)"},
        {"on", "destroyed_on", 's', true, "the day, YYYY-MM-DD"},
        {"performer", "performer_id", 'i', true, "the person who destroyed it"},
        {"witness", "witness_id", 'i', false, "a second person (required for K+, 3 kap. 23 §)"},
        {NULL, NULL, 0, false, NULL}};
static const struct dopt o_destroy_many[] = {
        {"copies", "copies", 'l', true, "the copies' numbers, e.g. 1,2,3 (all or none)"},
        {"method", "method", 's', true, "how (3 kap. 22 §)"},
        {"on", "destroyed_on", 's', true, "the day, YYYY-MM-DD"},
        {"performer", "performer_id", 'i', true, "the person who destroyed them"},
        {"witness", "witness_id", 'i', false, "a second person (required for K+, 3 kap. 23 §)"},
        {NULL, NULL, 0, false, NULL}};
static const struct dopt o_organisation[] = {{"name", "name", 's', true, "the organisation's name"},
                                             {NULL, NULL, 0, false, NULL}};
static const struct dopt o_ship[] = {
        {"distributor", "distributor_id", 'i', true, "an approved distributor (3 kap. 12 §)"},
        {"recipient", "recipient", 's', true, "the external recipient"},
        {"on", "sent_on", 's', false, "the day sent (default today)"},
        {NULL, NULL, 0, false, NULL}};
static const struct dopt o_deliver[] = {
        {"ref", "delivery_ref", 's', true, "the delivery confirmation's reference"},
        {"on", "delivered_on", 's', false, "the day delivered (default today)"},
        {NULL, NULL, 0, false, NULL}};
static const struct dopt o_receipts[] = {{"mine", "mine", 'f', false, "only my receipts"},
                                         {"state", "state", 's', false, "pending signed returned"},
                                         {NULL, NULL, 0, false, NULL}};
static const struct dopt o_sign[] = {
        {"code", "code", 's', true, "a fresh code from your authenticator"},
        {"class", "class_acknowledged", 's', true, "the class shown on the receipt (3 kap. 2 §)"},
        {NULL, NULL, 0, false, NULL}};
static const struct dopt o_paper[] = {
        {"ref", "paper_ref", 's', true, "the signed paper receipt's reference"},
        {NULL, NULL, 0, false, NULL}};
static const struct dopt o_numbering[] = {{"pattern", "pattern", 's', true, "e.g. {YYYY}-{N:4}"},
                                          {NULL, NULL, 0, false, NULL}};

#define D  "/api/v1/documents"
#define C  "/api/v1/copies/%lld"
#define RC "/api/v1/receipts"

static const struct dsub subs[] = {
        {"add", "POST", D, false, false, o_add, show_document, "register a document"},
        {"list", "GET", D, false, true, o_list, show_list, "list the documents I may see"},
        {"show", "GET", D "/%lld", true, false, o_none, show_document,
         "a document with its copies and receipts"},
        {"history", "GET", D "/%lld/history", true, false, o_none, show_history,
         "a document's ledger entries"},
        {"access", "POST", D "/%lld/access", true, false, o_access, show_document,
         "add persons to the need-to-know list"},
        {"unaccess", "POST", D "/%lld/access/remove", true, false, o_access, show_document,
         "remove persons from the need-to-know list"},
        {"copy", "POST", D "/%lld/copies", true, false, o_copy, show_document, "make copies"},
        {"copies", "GET", "/api/v1/copies", false, true, o_copies, show_copy_list,
         "list copies (--mine: the ones I hold)"},
        {"issue", "POST", C "/issue", true, false, o_issue, show_copy,
         "hand a copy to a person (receipt for K+ physical)"},
        {"return", "POST", C "/return", true, false, o_return, show_copy, "a copy comes back"},
        {"store", "POST", C "/store", true, false, o_store, show_copy, "put a copy in a container"},
        {"archive", "POST", C "/archive", true, false, o_archive, show_copy, "archive a copy"},
        {"lost", "POST", C "/lost", true, false, o_lost, show_copy, "report a copy lost"},
        {"destroy", "POST", C "/destroy", true, false, o_destroy, show_copy,
         "record the destruction of a copy (with --copies: see destroy-copies)"},
        {"destroy-copies", "POST", D "/%lld/destroy", true, false, o_destroy_many, show_protocol,
         "destroy several copies of DOCUMENT in one act, one protocol"},
        {"protocol", "GET", "/api/v1/destruction-protocols/%lld", true, false, o_none,
         show_protocol, "the protocol of one act of destruction"},
        {"ship", "POST", C "/ship", true, false, o_ship, show_copy,
         "send a copy through an approved distributor"},
        {"deliver", "POST", "/api/v1/shipments/%lld/deliver", true, false, o_deliver, show_document,
         "confirm a shipment's delivery"},
        {"receipts", "GET", RC, false, true, o_receipts, show_receipt_list,
         "list receipts (--mine: my own)"},
        {"receipt", "GET", RC "/%lld", true, false, o_none, show_receipt,
         "one receipt with its classification notice"},
        {"sign", "POST", RC "/%lld/sign", true, false, o_sign, show_receipt,
         "sign my own receipt with a fresh TOTP code"},
        {"paper", "POST", RC "/%lld/paper", true, false, o_paper, show_receipt,
         "record a signed paper receipt"},
        {"destruction", "GET", "/api/v1/destructions/%lld", true, false, o_none, show_destruction,
         "a destruction record"},
        {"numbering", "GET", "/api/v1/settings/numbering", false, false, o_none, show_numbering,
         "the designation pattern"},
        {"set-numbering", "PUT", "/api/v1/settings/numbering", false, false, o_numbering,
         show_numbering, "set the designation pattern (ssc)"},
        {"organisation", "GET", "/api/v1/settings/organisation", false, false, o_none,
         show_organisation, "the organisation's name (printed on protocols)"},
        {"set-organisation", "PUT", "/api/v1/settings/organisation", false, false, o_organisation,
         show_organisation, "set the organisation's name (ssc)"},
};

#define NSUBS (sizeof(subs) / sizeof(subs[0]))

static void usage_of(const struct dsub *s, FILE *f)
{
	fprintf(f, "usage: skydd doc %s%s", s->name, s->takes_id ? " ID" : "");
	for (const struct dopt *o = s->opts; o->name; o++)
		fprintf(f, o->required ? " --%s%s" : " [--%s%s]", o->name,
		        o->type == 'f' ? "" : " VALUE");
	fprintf(f, " [--json]\n\n%s.\n\n", s->summary);
	for (const struct dopt *o = s->opts; o->name; o++)
		fprintf(f, "  --%-18s %s\n", o->name, o->help);
	fputs("  --json               print the API's JSON\n" CLIENT_OPTS_HELP, f);
}

static const char doc_usage[] =
        "usage: skydd doc SUBCOMMAND [ID] [options] [--json]\n\n"
        "The register of classified documents (3 kap. PMFS 2022:1) on the server of\n"
        "the session (see 'skydd login'). Subcommands:\n";

static void usage_all(FILE *f)
{
	fputs(doc_usage, f);
	for (size_t i = 0; i < NSUBS; i++)
		fprintf(f, "  %-14s %s\n", subs[i].name, subs[i].summary);
	fputs("  import         import documents and copies from CSV (all or nothing)\n"
	      "  export         export the register (CSV or XLSX)\n"
	      "  reclassify     change or remove the class (3 kap. 6–7 §§)\n"
	      "  decide         the head's KH decisions, KH recipients\n"
	      "  disclose       note KH shown or told orally (3 kap. 17 §)\n\n"
	      "'skydd doc SUBCOMMAND --help' describes each.\n",
	      f);
}

/* An id list "1,2,3" as a JSON array, or NULL. */
static json_t *id_list(const char *s)
{
	json_t *a = json_array();

	while (a && *s) {
		char tmp[24];
		size_t n = strcspn(s, ",");
		int64_t id;

		if (n == 0 || n >= sizeof(tmp))
			goto bad;
		memcpy(tmp, s, n);
		tmp[n] = '\0';
		if (!client_parse_id(tmp, &id))
			goto bad;
		json_array_append_new(a, json_integer(id));
		s += n;
		s += *s == ',';
	}
	if (json_array_size(a))
		return a;
bad:
	json_decref(a);
	return NULL;
}

/* Adds one option's value to the body or the query. Returns CLI_OK or CLI_USAGE. */
static int put_value(const struct dsub *s, const struct dopt *o, const char *v, json_t *body,
                     struct buf *q)
{
	char cmd[48];
	int64_t n;
	json_t *j = NULL;

	snprintf(cmd, sizeof(cmd), "doc %s", s->name);
	if (s->query) {
		client_query_add(q, o->field, o->type == 'f' ? "true" : v);
		return CLI_OK;
	}
	switch (o->type) {
	case 'f':
		j = json_true();
		break;
	case 'i':
		if (!client_parse_id(v, &n))
			return cli_error(CLI_USAGE, "%s: --%s must be a positive number", cmd,
			                 o->name);
		j = json_integer(n);
		break;
	case 'l':
		j = id_list(v);
		if (!j)
			return cli_error(CLI_USAGE, "%s: --%s: numbers separated by commas", cmd,
			                 o->name);
		break;
	default:
		j = json_string(v);
		if (!j)
			return cli_error(CLI_USAGE, "%s: --%s must be UTF-8 text", cmd, o->name);
	}
	json_object_set_new(body, o->field, j);
	return CLI_OK;
}

static int run_sub(const struct dsub *s, int argc, char **argv)
{
	struct option opts[MAX_OPTS + 8];
	const char *vals[MAX_OPTS] = {0};
	struct client_args a;
	char cmd[48], path[512], full[4700];
	struct buf q;
	json_t *body = NULL;
	size_t n = 0;
	int64_t id = 0;
	int c, rc = CLI_OK;

	snprintf(cmd, sizeof(cmd), "doc %s", s->name);
	memset(&a, 0, sizeof(a));
	for (const struct dopt *o = s->opts; o->name; o++, n++)
		opts[n] = (struct option){o->name, o->type == 'f' ? no_argument : required_argument,
		                          NULL, 0x300 + (int)n};
	client_std_opts(opts, n);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (client_opt(&a.co, c, optarg))
			continue;
		if (c >= 0x300 && c < 0x300 + MAX_OPTS) {
			vals[c - 0x300] = optarg ? optarg : "true";
			continue;
		}
		if (c == 'j') {
			a.json = true;
		} else if (c == 'h') {
			usage_of(s, stdout);
			return CLI_OK;
		} else {
			return client_bad_option(cmd, argv);
		}
	}
	for (; optind < argc; optind++) {
		if (a.id || !s->takes_id)
			return cli_error(CLI_USAGE, "%s: unexpected argument '%s'", cmd,
			                 argv[optind]);
		a.id = argv[optind];
	}
	if (s->takes_id && (!a.id || !client_parse_id(a.id, &id)))
		return cli_error(CLI_USAGE, "%s: give the number of the %s", cmd,
		                 strstr(s->path, "copies") ? "copy"
		                 : strstr(s->path, "/destroy") &&
		                                 strncmp(s->path, D, strlen(D)) == 0
		                         ? "document"
		                         : "record");
	body = s->query || strcmp(s->method, "GET") == 0 ? NULL : json_object();
	buf_init(&q, 4096);
	n = 0;
	for (const struct dopt *o = s->opts; o->name && !rc; o++, n++) {
		if (!vals[n] && o->required)
			rc = cli_error(CLI_USAGE, "%s: --%s is required", cmd, o->name);
		else if (vals[n])
			rc = put_value(s, o, vals[n], body, &q);
	}
	if (!rc) {
		const char *hole = strstr(s->path, "%lld");

		if (hole)
			snprintf(path, sizeof(path), "%.*s%lld%s", (int)(hole - s->path), s->path,
			         (long long)id, hole + 4);
		else
			snprintf(path, sizeof(path), "%s", s->path);
		snprintf(full, sizeof(full), "%s%s", path, q.len ? q.ptr : "");
		rc = client_call_show(cmd, &a, s->method, full, body, s->show);
	}
	buf_release(&q);
	json_decref(body);
	return rc;
}

int cmd_doc(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(int, char **);
	} others[] = {
	        {"import", cmd_doc_import},         {"export", cmd_doc_export},
	        {"reclassify", cmd_doc_reclassify}, {"decide", cmd_doc_decide},
	        {"disclose", cmd_doc_disclose},
	};

	if (argc < 2) {
		usage_all(stderr);
		return CLI_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage_all(stdout);
		return CLI_OK;
	}
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		if (strcmp(argv[1], others[i].name) == 0)
			return others[i].run(argc - 1, argv + 1);
	}
	/* "doc destroy DOCUMENT --copies 1,2,3": several copies in one act (issue 15) */
	if (strcmp(argv[1], "destroy") == 0) {
		for (int i = 2; i < argc; i++) {
			if (strcmp(argv[i], "--copies") != 0 &&
			    strncmp(argv[i], "--copies=", 9) != 0)
				continue;
			for (size_t k = 0; k < NSUBS; k++) {
				if (strcmp(subs[k].name, "destroy-copies") == 0)
					return run_sub(&subs[k], argc - 1, argv + 1);
			}
		}
	}
	for (size_t i = 0; i < NSUBS; i++) {
		if (strcmp(argv[1], subs[i].name) == 0)
			return run_sub(&subs[i], argc - 1, argv + 1);
	}
	return cli_error(CLI_USAGE, "doc: unknown subcommand '%s' (see 'skydd doc --help')",
	                 argv[1]);
}
