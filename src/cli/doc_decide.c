/*
 * skydd doc reclassify | decide | disclose: the decisions about a classified
 * document through the API (3 kap. 6–8, 15, 17, 19–20 §§ PMFS 2022:1). The
 * server applies the rules; a refusal cites its paragraph.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/client.h"

static const char reclassify_usage[] =
        "usage: skydd doc reclassify ID --to CLASS --reason TEXT [--on DATE]\n"
        "                            [--decided-by IDENTITY] [--consultation TEXT] [--json]\n\n"
        "Changes the class of document ID (3 kap. 6 § PMFS 2022:1), or declassifies\n"
        "it with --to none (it leaves the register of classified documents).\n"
        "Lowering from KH is decided by the head (chief) and, for a document from\n"
        "another organisation, after consulting the originator (--consultation,\n"
        "3 kap. 7 §). Other changes: the ssc or the chief. Raising is refused while\n"
        "a copy lies in a container, or the document in a system, approved for less.\n\n"
        "  --to CLASS           BH, K, H, KH or none\n"
        "  --reason TEXT        why\n"
        "  --on DATE            the day of the decision, YYYY-MM-DD (default today)\n"
        "  --decided-by ID      the identity who decided, when a registrar or the ssc\n"
        "                       records someone else's decision\n"
        "  --consultation TEXT  the consultation with the originator\n"
        "  --json               print the API's JSON\n" CLIENT_OPTS_HELP;

static const char decide_usage[] =
        "usage: skydd doc decide ID [--json]\n"
        "       skydd doc decide ID --kind KIND --reference REF [--on DATE]\n"
        "                           [--decided-by IDENTITY] [--note TEXT] [--json]\n"
        "       skydd doc decide ID --recipients PERSON[,PERSON…] [--json]\n\n"
        "Without options: lists the decisions about document ID, its changes of class\n"
        "and the recipients of a KH electronic document. With --kind: records a\n"
        "decision. kh_copy and kh_extract (3 kap. 8 §) and kh_carry_out (3 kap. 20 §)\n"
        "are the head's (chief) decisions on a KH document; abroad (3 kap. 19 §) is\n"
        "the ssc's, for H or lower. With --recipients: notes who received a KH\n"
        "electronic document (3 kap. 15 §).\n\n"
        "  --kind KIND          kh_copy, kh_extract, kh_carry_out or abroad\n"
        "  --reference REF      the decision's reference\n"
        "  --on DATE            the day of the decision (default today)\n"
        "  --decided-by ID      the identity who decided (registrar or ssc recording)\n"
        "  --note TEXT          a note\n"
        "  --recipients LIST    person numbers, separated by commas\n"
        "  --json               print the API's JSON\n" CLIENT_OPTS_HELP;

static const char disclose_usage[] =
        "usage: skydd doc disclose ID [--json]\n"
        "       skydd doc disclose ID --by PERSON --to TEXT --at WHEN --how shown|told\n"
        "                             [--note TEXT] [--json]\n\n"
        "The log of KH information shown or told orally (3 kap. 17 §): without\n"
        "options it lists the log of document ID; with --by it notes who showed or\n"
        "told it, to whom and when. A staff member notes their own; the registrar\n"
        "and the ssc anyone's.\n\n"
        "  --by PERSON          the person who showed or told it\n"
        "  --to TEXT            to whom\n"
        "  --at WHEN            YYYY-MM-DD or an RFC 3339 time\n"
        "  --how HOW            shown or told\n"
        "  --note TEXT          a note\n"
        "  --json               print the API's JSON\n" CLIENT_OPTS_HELP;

enum { V_A, V_B, V_C, V_D, V_E, V_F };

/* ---- output ---- */

static void show_decisions(json_t *o)
{
	static const char *const dh[] = {"ID", "KIND", "DECIDED ON", "BY", "REFERENCE", "USED"};
	static const char *const dk[] = {"id",        "kind", "decided_on", "decided_by_name",
	                                 "reference", "used"};
	static const char *const rh[] = {"SEQ", "FROM", "TO", "DECIDED ON", "BY", "REASON"};
	static const char *const rk[] = {"seq",        "from_class",      "to_class",
	                                 "decided_on", "decided_by_name", "reason"};
	static const char *const kh[] = {"PERSON", "NAME", "NOTED AT"};
	static const char *const kk[] = {"person_id", "name", "noted_at"};
	json_t *d = json_object_get(o, "decisions"), *r = json_object_get(o, "reclassifications");
	json_t *k = json_object_get(o, "kh_recipients");

	if (json_integer_value(json_object_get(o, "id")))
		printf("decision %lld recorded\n",
		       (long long)json_integer_value(json_object_get(o, "id")));
	if (json_integer_value(json_object_get(o, "seq")))
		printf("change of class recorded (ledger entry %lld)\n",
		       (long long)json_integer_value(json_object_get(o, "seq")));
	printf("Decisions:\n");
	if (json_array_size(d))
		client_table_json(d, 6, dh, dk, 256);
	else
		printf("  none\n");
	printf("Changes of class:\n");
	if (json_array_size(r))
		client_table_json(r, 6, rh, rk, 256);
	else
		printf("  none\n");
	if (json_array_size(k)) {
		printf("KH recipients:\n");
		client_table_json(k, 3, kh, kk, 256);
	}
}

static void show_disclosures(json_t *o)
{
	static const char *const h[] = {"ID", "BY", "TO", "WHEN", "HOW", "NOTE"};
	static const char *const k[] = {
	        "id", "disclosed_by_name", "recipient", "occurred_at", "how", "note"};

	if (json_integer_value(json_object_get(o, "id")))
		printf("disclosure %lld noted\n",
		       (long long)json_integer_value(json_object_get(o, "id")));
	if (json_array_size(json_object_get(o, "disclosures")))
		client_table_json(json_object_get(o, "disclosures"), 6, h, k, 256);
	else
		printf("no KH shown or told orally has been noted\n");
}

/* ---- helpers ---- */

/* Sets key to the string v in body (when v is given); false when v is not UTF-8. */
static bool put_str(json_t *body, const char *key, const char *v)
{
	return !v || json_object_set_new(body, key, json_string(v)) == 0;
}

static int doc_id(const char *cmd, const struct client_args *a, int64_t *id)
{
	if (!a->id || !client_parse_id(a->id, id))
		return cli_error(CLI_USAGE,
		                 "%s: give the document's number (see 'skydd %s --help')", cmd,
		                 cmd);
	return CLI_OK;
}

/* POSTs body (consumed) to /api/v1/documents/ID/<what>, or says the arguments are not text. */
static int post(const char *cmd, const struct client_args *a, int64_t id, const char *what,
                json_t *body, bool ok, void (*show)(json_t *))
{
	char path[128];
	int rc;

	if (!body || !ok) {
		json_decref(body);
		return cli_error(CLI_USAGE, "%s: the arguments must be UTF-8 text", cmd);
	}
	snprintf(path, sizeof(path), "/api/v1/documents/%lld/%s", (long long)id, what);
	rc = client_call_show(cmd, a, "POST", path, body, show);
	json_decref(body);
	return rc;
}

/* ---- the commands ---- */

int cmd_doc_reclassify(int argc, char **argv)
{
	static const char cmd[] = "doc reclassify";
	static const struct option opts[] = {
	        {"to", required_argument, NULL, CLIENT_VALUE(V_A)},
	        {"reason", required_argument, NULL, CLIENT_VALUE(V_B)},
	        {"on", required_argument, NULL, CLIENT_VALUE(V_C)},
	        {"decided-by", required_argument, NULL, CLIENT_VALUE(V_D)},
	        {"consultation", required_argument, NULL, CLIENT_VALUE(V_E)},
	        {"json", no_argument, NULL, 'j'},
	        {"help", no_argument, NULL, 'h'},
	        CLIENT_LONG_OPTS,
	        {NULL, 0, NULL, 0}};
	struct client_args a;
	int64_t id, by = 0;
	json_t *body;
	bool ok;
	int rc = client_parse_args(argc, argv, opts, cmd, reclassify_usage, &a);

	if (rc)
		return rc < 0 ? CLI_OK : rc;
	rc = doc_id(cmd, &a, &id);
	if (rc)
		return rc;
	if (!a.values[V_A] || !a.values[V_B])
		return cli_error(CLI_USAGE,
		                 "%s: --to and --reason are required (see 'skydd %s --help')", cmd,
		                 cmd);
	if (a.values[V_D] && !client_parse_id(a.values[V_D], &by))
		return cli_error(CLI_USAGE, "%s: --decided-by must be an identity's number", cmd);
	body = json_pack("{s:s, s:s}", "to_class", a.values[V_A], "reason", a.values[V_B]);
	ok = body && put_str(body, "decided_on", a.values[V_C]) &&
	     put_str(body, "consultation", a.values[V_E]) &&
	     (!by || json_object_set_new(body, "decided_by", json_integer((json_int_t)by)) == 0);
	return post(cmd, &a, id, "reclassify", body, ok, show_decisions);
}

/* "3,4,7" into ids; false when it is not a list of positive numbers. */
static bool parse_ids(const char *s, json_t *ids)
{
	char buf[1024], *save = NULL, *tok;
	int64_t v;

	if (strlen(s) >= sizeof(buf))
		return false;
	snprintf(buf, sizeof(buf), "%s", s);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ')
			tok++;
		if (!client_parse_id(tok, &v) ||
		    json_array_append_new(ids, json_integer((json_int_t)v)))
			return false;
	}
	return json_array_size(ids) > 0;
}

int cmd_doc_decide(int argc, char **argv)
{
	static const char cmd[] = "doc decide";
	static const struct option opts[] = {
	        {"kind", required_argument, NULL, CLIENT_VALUE(V_A)},
	        {"reference", required_argument, NULL, CLIENT_VALUE(V_B)},
	        {"on", required_argument, NULL, CLIENT_VALUE(V_C)},
	        {"decided-by", required_argument, NULL, CLIENT_VALUE(V_D)},
	        {"note", required_argument, NULL, CLIENT_VALUE(V_E)},
	        {"recipients", required_argument, NULL, CLIENT_VALUE(V_F)},
	        {"json", no_argument, NULL, 'j'},
	        {"help", no_argument, NULL, 'h'},
	        CLIENT_LONG_OPTS,
	        {NULL, 0, NULL, 0}};
	struct client_args a;
	char path[128];
	int64_t id, by = 0;
	json_t *body, *ids;
	bool ok;
	int rc = client_parse_args(argc, argv, opts, cmd, decide_usage, &a);

	if (rc)
		return rc < 0 ? CLI_OK : rc;
	rc = doc_id(cmd, &a, &id);
	if (rc)
		return rc;
	if (a.values[V_F]) {
		if (a.values[V_A] || a.values[V_B] || a.values[V_C] || a.values[V_D] ||
		    a.values[V_E])
			return cli_error(CLI_USAGE, "%s: --recipients goes alone", cmd);
		ids = json_array();
		if (!ids || !parse_ids(a.values[V_F], ids)) {
			json_decref(ids);
			return cli_error(
			        CLI_USAGE,
			        "%s: --recipients takes person numbers separated by commas", cmd);
		}
		body = json_pack("{s:o}", "person_ids", ids);
		return post(cmd, &a, id, "kh-recipients", body, true, show_decisions);
	}
	if (!a.values[V_A]) {
		if (a.values[V_B] || a.values[V_C] || a.values[V_D] || a.values[V_E])
			return cli_error(CLI_USAGE, "%s: --kind is required to record a decision",
			                 cmd);
		snprintf(path, sizeof(path), "/api/v1/documents/%lld/decisions", (long long)id);
		return client_call_show(cmd, &a, "GET", path, NULL, show_decisions);
	}
	if (!a.values[V_B])
		return cli_error(CLI_USAGE, "%s: --reference is required (see 'skydd %s --help')",
		                 cmd, cmd);
	if (a.values[V_D] && !client_parse_id(a.values[V_D], &by))
		return cli_error(CLI_USAGE, "%s: --decided-by must be an identity's number", cmd);
	body = json_pack("{s:s, s:s}", "kind", a.values[V_A], "reference", a.values[V_B]);
	ok = body && put_str(body, "decided_on", a.values[V_C]) &&
	     put_str(body, "note", a.values[V_E]) &&
	     (!by || json_object_set_new(body, "decided_by", json_integer((json_int_t)by)) == 0);
	return post(cmd, &a, id, "decisions", body, ok, show_decisions);
}

int cmd_doc_disclose(int argc, char **argv)
{
	static const char cmd[] = "doc disclose";
	static const struct option opts[] = {{"by", required_argument, NULL, CLIENT_VALUE(V_A)},
	                                     {"to", required_argument, NULL, CLIENT_VALUE(V_B)},
	                                     {"at", required_argument, NULL, CLIENT_VALUE(V_C)},
	                                     {"how", required_argument, NULL, CLIENT_VALUE(V_D)},
	                                     {"note", required_argument, NULL, CLIENT_VALUE(V_E)},
	                                     {"json", no_argument, NULL, 'j'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     CLIENT_LONG_OPTS,
	                                     {NULL, 0, NULL, 0}};
	struct client_args a;
	char path[128];
	int64_t id, by;
	json_t *body;
	bool ok;
	int rc = client_parse_args(argc, argv, opts, cmd, disclose_usage, &a);

	if (rc)
		return rc < 0 ? CLI_OK : rc;
	rc = doc_id(cmd, &a, &id);
	if (rc)
		return rc;
	if (!a.values[V_A] && !a.values[V_B] && !a.values[V_C] && !a.values[V_D] &&
	    !a.values[V_E]) {
		snprintf(path, sizeof(path), "/api/v1/documents/%lld/disclosures", (long long)id);
		return client_call_show(cmd, &a, "GET", path, NULL, show_disclosures);
	}
	if (!a.values[V_A] || !a.values[V_B] || !a.values[V_C] || !a.values[V_D])
		return cli_error(CLI_USAGE,
		                 "%s: --by, --to, --at and --how are required (see 'skydd %s "
		                 "--help')",
		                 cmd, cmd);
	if (!client_parse_id(a.values[V_A], &by))
		return cli_error(CLI_USAGE, "%s: --by must be a person's number", cmd);
	body = json_pack("{s:I, s:s, s:s, s:s}", "disclosed_by", (json_int_t)by, "recipient",
	                 a.values[V_B], "occurred_at", a.values[V_C], "how", a.values[V_D]);
	ok = body && put_str(body, "note", a.values[V_E]);
	return post(cmd, &a, id, "disclosures", body, ok, show_disclosures);
}
