/* skydd: the entry point and the command table. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <malloc.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "cli/cli.h"
#include "model/register.h"

static const struct cli_cmd commands[] = {
        {"init", cmd_init, "create a new instance (database, signing key, checkpoint log)"},
        {"serve", cmd_serve, "run the HTTPS server: JSON API and the web UI"},
        {"verify", cmd_verify,
         "check the ledger, tree, tiles and checkpoints; exit 1 on tampering"},
        {"log", cmd_log, "list entries; prove inclusion or consistency"},
        {"checkpoint", cmd_checkpoint, "print the latest signed checkpoint"},
        {"demo", cmd_demo, "create and serve a demo instance with sample users"},
        {"routes", cmd_routes, "list the API routes and their roles (or --openapi)"},
        {"login", cmd_login, "log in to a server (password and TOTP); store the session"},
        {"logout", cmd_logout, "end the session and remove the session file"},
        {"whoami", cmd_whoami, "show the session's user, roles and clearance"},
        {"user", cmd_user, "list, show, create and update identities (API)"},
        {"grant", cmd_grant, "list, create, review and revoke grants of roles (API)"},
        {"doc", cmd_doc, "the register of classified documents, copies and receipts (API)"},
        {"inventory", cmd_inventory, "inventory campaigns (3 kap. 21 §) (API)"},
        {"check", cmd_check, "evaluate the compliance rules; exit 1 on an open high finding"},
        {"rules", cmd_rules, "list the compliance rules (or --markdown: the traceability)"},
        {"exemption", cmd_exemption, "exemptions granted (8 kap. 2 §) (API)"},
        {"analysis", cmd_analysis,
         "security protection analyses and the security plan (2 kap.) (API)"},
        {"assessment", cmd_assessment, "special security assessments (2 kap. 13 §) (API)"},
        {"incident", cmd_incident, "security-threatening events (2 kap. 15–19 §§) (API)"},
        {"deviation", cmd_deviation, "the action plan of deviations (2 kap. 14 §) (API)"},
        {"plan", cmd_plan, "coordinated action plans: import, export, measures, yearly report"},
        {"seclog", cmd_seclog, "security logs of other systems: search, show, export, reindex"},
};

/*
 * JSON values carry passwords, one-time passwords and tokens through the
 * API: every block jansson frees is zeroed first, so none lingers in freed
 * memory.
 */
static void *json_alloc(size_t n)
{
	return malloc(n);
}

static void json_free_zero(void *p)
{
	if (p) {
		sodium_memzero(p, malloc_usable_size(p));
		free(p);
	}
}

static void usage(FILE *f)
{
	fputs("usage: skydd [--version] [--help] <command> [<args>]\n\n"
	      "skydd keeps protective-security registers (PMFS 2022:1) in a tamper-evident\n"
	      "ledger. Commands:\n",
	      f);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-11s %s\n", commands[i].name, commands[i].summary);
	for (size_t i = 0; reg_all[i]; i++) {
		if (reg_all[i]->cli)
			fprintf(f, "  %-11s the register of %s (%s) (API)\n", reg_all[i]->cli,
			        reg_all[i]->title, reg_all[i]->paragraph);
	}
	fputs("\nRun 'skydd <command> --help' for a command's options.\n"
	      "Exit status: 0 success, 1 check failed or request refused, 2 usage or I/O error.\n",
	      f);
}

int main(int argc, char **argv)
{
	/* Every file skydd creates (database, WAL, keys, logs) is private to its owner. */
	umask(077);
	if (sodium_init() < 0)
		return cli_error(CLI_USAGE, "cannot initialise libsodium");
	json_set_alloc_funcs(json_alloc, json_free_zero);
	if (argc < 2) {
		usage(stderr);
		return CLI_USAGE;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("skydd %s\n", SKYDD_VERSION);
		return CLI_OK;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return CLI_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	}
	if (cli_is_register(argv[1]))
		return cmd_register(argc - 1, argv + 1);
	return cli_error(CLI_USAGE, "unknown command '%s' (see 'skydd --help')", argv[1]);
}
