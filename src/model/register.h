/*
 * Registers as data. A register is described once, as a const struct
 * register_def in its own file (src/model/reg_<name>.c): its fields with
 * their types and bounds, its commands with the roles that may run them and
 * the event each writes, its table and list filters. Generic code
 * (src/model/register.c) validates, builds and appends the entries, applies
 * them to the projection (live and in replay), reads rows as JSON; the HTTP
 * layer makes the routes and the OpenAPI document from the same
 * definitions, the CLI its subcommands, and GET /api/v1/registers describes
 * them to the web UI, which renders generic pages. Only what C alone can
 * check is written by hand, as a command's check hook.
 *
 * docs/internals/registers.md shows how to add a register.
 */
#ifndef SKYDD_MODEL_REGISTER_H
#define SKYDD_MODEL_REGISTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "model/model.h"

enum reg_type {
	REG_STRING, /* one line of text, min..max bytes */
	REG_TEXT,   /* text with line breaks, min..max bytes */
	REG_INT,    /* an integer min..max */
	REG_BOOL,   /* true or false (a column of 0/1) */
	REG_DATE,   /* a day YYYY-MM-DD */
	REG_CLASS,  /* a säkerhetsskyddsklass: BH, K, H, KH */
	REG_ENUM,   /* one of values */
	REG_REF,    /* the id of a record in another register (ref) or an identity */
	REG_IDS,    /* a list of at most max positive ids, none twice (an argument only) */
};

/* Where a field's value comes from (what apply writes into its column). */
enum reg_src {
	REG_SRC_DATA = 0,    /* the entry's data (what the command wrote) */
	REG_SRC_ID,          /* the record's id */
	REG_SRC_STATE,       /* the record's state: set on create and by acts */
	REG_SRC_CREATED_AT,  /* the time of the creating entry */
	REG_SRC_CREATED_BY,  /* the actor of the creating entry */
	REG_SRC_UPDATED_AT,  /* the time of the latest entry */
	REG_SRC_SQL,         /* computed when read: col is an SQL expression; never written */
	REG_SRC_LEDGER_ONLY, /* in the entry only (a reason): no column, not in rows */
};

#define REG_F_LIST    0x01u /* a column of the list */
#define REG_F_FILTER  0x02u /* a list filter: ?name=value (exact) */
#define REG_F_PAST    0x04u /* a date not after today */
#define REG_F_UNIQUE  0x08u /* unique among the register's records */
#define REG_F_NOBLANK 0x10u /* never "" (text_ok already refuses only white space) */
#define REG_F_CLI     0x20u /* a column of the CLI's list */
#define REG_F_NULL    0x40u /* rows: a missing value is null, not left out */

struct reg_field {
	const char *name; /* the JSON key; also the column unless col is set */
	enum reg_type type;
	int64_t min, max;          /* bytes (text), value (int, ref: min 0 = may be cleared) */
	const char *const *values; /* REG_ENUM: NULL-terminated */
	const char *ref;           /* REG_REF: a register's name ("persons"), or "identities" */
	unsigned flags;
	enum reg_src src;
	const char *col;    /* the column, or an SQL expression (REG_SRC_SQL); NULL: name */
	const char *vlabel; /* the string-key prefix of the values' labels ("reg.class") */
	const char *doc;    /* one line for the API reference, in English */
};

/*
 * In the SQL expression of a REG_SRC_SQL field (col): today's date
 * (model_today), bound whenever the register's rows are read.
 */
#define REG_TODAY     "?99"
#define REG_TODAY_IDX 99

/* The fields most registers share, stated once. */
#define REG_FIELD_CREATED_AT                                                                       \
	{                                                                                          \
		"created_at", REG_STRING, .src = REG_SRC_CREATED_AT, .doc = "recorded"             \
	}
#define REG_FIELD_UPDATED_AT                                                                       \
	{                                                                                          \
		"updated_at", REG_STRING, .src = REG_SRC_UPDATED_AT, .doc = "last changed"         \
	}
/* An approval's state: a decision approves, a withdrawal ends it (spaces, systems, distributors).
 */
extern const char *const reg_approval_states[];
#define REG_FIELD_APPROVAL_STATUS                                                                  \
	{                                                                                          \
		"status", REG_ENUM, .values = reg_approval_states, .src = REG_SRC_STATE,           \
		                    .flags = REG_F_LIST | REG_F_FILTER | REG_F_CLI,                \
		                    .vlabel = "reg.space_state", .doc = "approved or withdrawn"    \
	}

/* An argument of a command: a field it takes. */
#define REG_A_REQUIRED 0x01u /* must be given */
#define REG_A_EMPTY    0x02u /* create, act: absent is "" in the entry */
#define REG_A_NULL     0x04u /* create, act: absent (create: or null) is null in the entry */
#define REG_A_TODAY    0x08u /* absent is today */
#define REG_A_CLEAR    0x10u /* update: null, or 0 for a reference, clears it */

/* The arguments one command of a register with a CLI takes, at most (each gets an option). */
#define REG_ARGS_MAX 10

struct reg_arg {
	const char *field;
	unsigned flags;
	const char *opt; /* the CLI option when not the field's name with '-' for '_' */
	const char *doc; /* when it says more than the field's doc */
};

enum reg_verb {
	REG_CREATE, /* POST /api/v1/<name> */
	REG_UPDATE, /* PATCH /api/v1/<name>/{id} */
	REG_ACT,    /* POST /api/v1/<name>/{id}/<path> */
};

struct reg_call;

struct reg_cmd {
	const char *name; /* the CLI subcommand and the UI's action: "add", "update", "end" */
	enum reg_verb verb;
	const char *path;           /* REG_ACT: the last path segment ("end") */
	unsigned roles;             /* who may run it: checked at the route and in the writer */
	const char *event;          /* the ledger kind it writes: "person.created" */
	const char *state;          /* create: the first state; act: the state it moves to */
	const char *when;           /* update/act: only from this state (NULL: any) */
	const struct reg_arg *args; /* terminated by {NULL} */
	/*
	 * The domain check only C can make, in the writer's transaction, after the
	 * generic checks (roles, existence, state, bounds, uniqueness, references)
	 * and before the entry is appended: it may refuse (store_tx_fail…, returning
	 * the error) or add to c->data. NULL: none.
	 */
	int (*check)(struct reg_call *c);
	bool danger;         /* the UI asks before running it */
	const char *summary; /* one line for the API reference */
	const char *help;    /* the CLI's --help text */
	/*
	 * The entry changes nothing in the register's table by itself (another
	 * entry the check hook appended did, e.g. lost.opened): the generic
	 * apply skips it; the register's apply hook still runs.
	 */
	bool no_apply;
	/*
	 * The caller confirms with a fresh TOTP code of their own login (the
	 * argument "code", never written to the entry): reg_exec applies the
	 * re-authentication throttle around the transaction, and the code is
	 * checked after the check hook (model_tx_totp, as for a document copy's
	 * receipt). A key's receipt signed by its holder.
	 */
	bool second_factor;
};

struct register_def {
	const char *name;      /* the collection: /api/v1/<name>, the list's key ("persons") */
	const char *one;       /* one record: the ledger object type, the reply key ("person") */
	const char *table;     /* the projection's table */
	const char *cli;       /* the CLI command ("person"); NULL: none */
	const char *slug;      /* the web page: #/<slug> ("personer") */
	const char *display;   /* the field that names a record for people ("name") */
	const char *title;     /* the projection's name and the API tag, in English */
	const char *paragraph; /* the PMFS paragraphs it keeps ("3 kap. 12 §") */
	const char *about;     /* what it holds, in English (CLI usage, API reference) */
	unsigned read_roles;   /* who may list and read it */
	const struct reg_field *fields; /* terminated by {NULL}; the first is the id */
	const struct reg_cmd *cmds;     /* terminated by {NULL} */
	const char *order;              /* the list's ORDER BY ("id") */
	/*
	 * Called after the generic apply of each of the register's entries (a
	 * column the generic code cannot know, another table). NULL: none.
	 */
	int (*apply)(struct store_tx *tx, const struct ledger_entry *e, const struct reg_cmd *cmd);
	/*
	 * Rows whose class column is above the caller's clearance are hidden from
	 * lists and reads, and are "not found" to commands (media).
	 */
	const char *class_col;
	/*
	 * Adds what one record shows beyond its row (a destruction record, lost
	 * cases) to o, for reg_get only. NULL: none.
	 */
	void (*detail)(struct model *m, const struct principal *p, json_t *o);
	const char *const *extra_tables; /* more tables apply writes (replay compares them) */
	/*
	 * Other registers' tables its entries change (through the apply hook, or
	 * an entry the check hook appends): what the compliance engine re-reads.
	 */
	const char *const *touches;
	/*
	 * Applies an entry of the register's kind that no command writes (one a
	 * hand-written writer appends: a sub-list, a workflow step). NULL: such
	 * entries change nothing.
	 */
	int (*apply_other)(struct store_tx *tx, const struct ledger_entry *e);
	/*
	 * Need-to-know beyond class_col: called with the rows reg_list or reg_get
	 * read for p (an array) before they leave the model; it may remove a row
	 * p may not read or redact one. An error drops every row (fails closed).
	 * NULL: none.
	 */
	int (*view)(struct model *m, const struct principal *p, json_t *rows);
	/*
	 * The reply of GET /<name>/{id} and of the commands, made from the record
	 * o (stolen; as reg_get gives it), e.g. with its history beside it.
	 * NULL: {"<one>": o}.
	 */
	json_t *(*reply)(struct model *m, const struct principal *p, json_t *o);
	/*
	 * The create command an import runs for each row ("add"; register_io.h):
	 * NULL, the register is not imported. Every register is exported.
	 */
	const char *import;
};

/* What a check hook sees. */
struct reg_call {
	struct model *m; /* for what needs the model beyond the transaction (unsealing a secret) */
	struct store_tx *tx;
	const struct principal *p;
	const struct register_def *def;
	const struct reg_cmd *cmd;
	int64_t id;       /* the record (a new one's id on create) */
	const json_t *in; /* the validated arguments */
	json_t *old;      /* update/act: the record as it is (a row as reg_get gives it) */
	json_t *data;     /* the entry being built: the hook may add to it */
	unsigned roles;   /* the caller's roles in force (model_tx_caller_roles) */
};

/*
 * The string value of key after the command c runs: in the entry being
 * built (c->data), else in the record as it is (c->old); NULL when neither
 * has a string.
 */
const char *reg_now_str(const struct reg_call *c, const char *key);

/* ---- the registry ---- */

/* Every register, NULL-terminated (src/model/registry.c: one line per register). */
extern const struct register_def *const reg_all[];

const struct register_def *reg_find(const char *name); /* by name or one */
const struct reg_cmd *reg_cmd_find(const struct register_def *d, const char *name);
const struct reg_field *reg_field_find(const struct register_def *d, const char *name);
/* The field an argument names (never NULL for a valid definition). */
const struct reg_field *reg_arg_field(const struct register_def *d, const struct reg_arg *a);
/* The column of a data field (its col or its name). */
const char *reg_col(const struct reg_field *f);

/* Registers the projections of every register (called by model_register_projections). */
void reg_register_projections(void);

/*
 * Checks every definition once (called at start and by a unit test): fields
 * known to their commands, enum values given, a projection per table. SK_OK or
 * SK_EINVAL with what is wrong in why.
 */
int reg_check_defs(char *why, size_t cap);

/* ---- commands and reads ---- */

/*
 * Runs cmd of def with the arguments in (an object; not stolen) as p: for
 * REG_CREATE *id receives the new record's id, else *id names the record.
 * Returns SK_OK or an error with err filled (field, reason, message).
 */
int reg_exec(struct model *m, const struct principal *p, const struct register_def *def,
             const struct reg_cmd *cmd, json_t *in, int64_t *id, struct model_err *err);
/*
 * reg_exec's writer step inside a transaction the caller holds (an import
 * runs one per row): in must be validated (reg_validate). SK_OK with *id, or
 * the refusal recorded in tx.
 */
int reg_tx_exec(struct store_tx *tx, const struct principal *p, const struct register_def *def,
                const struct reg_cmd *cmd, const json_t *in, int64_t *id);
/* reg_exec by names ("persons", "add"). */
int reg_run(struct model *m, const struct principal *p, const char *reg, const char *cmd,
            json_t *in, int64_t *id, struct model_err *err);

/*
 * Validates in against cmd's arguments (types, bounds, required, values,
 * dates); unknown keys are refused. SK_OK or SK_EINVAL with err filled.
 */
int reg_validate(const struct register_def *def, const struct reg_cmd *cmd, json_t *in,
                 struct model_err *err);

/* One record as JSON, NULL when missing or hidden from p (p NULL: no clearance filter). */
json_t *reg_get(struct model *m, const struct principal *p, const struct register_def *def,
                int64_t id);
/* The reply for record id (def's reply hook, or {"<one>": record}), NULL when reg_get has none. */
json_t *reg_get_reply(struct model *m, const struct principal *p, const struct register_def *def,
                      int64_t id);
/* The list (filters: an object of field → value; may be NULL), NULL on failure. */
json_t *reg_list(struct model *m, const struct principal *p, const struct register_def *def,
                 const json_t *filters);

/* The description of every register p may read, for GET /api/v1/registers. */
json_t *reg_describe(struct model *m, const struct principal *p);

/*
 * Appends "copy 3, 5" (what, then up to ten ids) to b, a "; " before when b
 * has text already: the ids sql (?1 = id, ?2 = arg2 unless 0) returns, for
 * refusals that name what is still held.
 */
void reg_tx_held_list(struct store_tx *tx, const char *sql, int64_t id, int64_t arg2,
                      const char *what, struct buf *b);

/* Type names as the API and the description use them ("string", "class"…). */
const char *reg_type_name(enum reg_type t);

#endif
