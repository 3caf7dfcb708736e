/*
 * io: the register in and out of spreadsheets. Over util/csv.h's bounded
 * RFC 4180 reader (UTF-8 with or without BOM, ',' or ';', CRLF or LF): the import column set
 * and its row validation, the import as one writer command over the documents
 * slice's tx-level create functions, and the exports of the 3 kap. 10 §
 * register (CSV, XLSX, JSON) within the caller's visibility. Imports and
 * exports are ledger entries (import.completed, export.made) with no
 * projection. Design: docs/internals/io.md.
 */
#ifndef SKYDD_MODEL_IO_H
#define SKYDD_MODEL_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "model/model.h"
#include "util/csv.h"

#define IO_MAX_BYTES  CSV_MAX_BYTES  /* a file to import */
#define IO_MAX_ROWS   100000u        /* data rows in one file */
#define IO_MAX_FIELDS CSV_MAX_FIELDS /* fields in one record */
#define IO_MAX_FIELD  CSV_MAX_FIELD  /* bytes in one field */
#define IO_MAX_ERRORS 1000u          /* row errors reported (the count is exact) */
#define IO_MAX_COPIES 999            /* exemplar per row */

/* The CSV reader is util/csv.h (csv_open, csv_next, csv_field, csv_check_utf8, csv_cell). */

/* ---- the import column set ---- */

enum io_col {
	IO_COL_DESIGNATION, /* beteckning */
	IO_COL_TITLE,       /* titel (required) */
	IO_COL_TITLE_CLASSIFIED,
	IO_COL_CLASS, /* klass (required) */
	IO_COL_FORM,  /* form (required) */
	IO_COL_PAGES,
	IO_COL_ATTACHMENTS,
	IO_COL_ORIGINATOR,
	IO_COL_CASE_NUMBER,
	IO_COL_SYSTEM,
	IO_COL_DATE,
	IO_COL_REGISTERED,
	IO_COL_COPIES,
	IO_COL_CONTAINER,
	IO_COL_HOLDER,
	IO_COL_RECEIPT,
	IO_COL_INVENTORIED,
	IO_COL_COUNT
};

/* The Swedish header name of a column (what reports name). */
const char *io_col_name(enum io_col col);
/* The column of a header cell (Swedish or English, any case, trimmed), or -1. */
int io_col_parse(const char *name);

/* One validated row; strings point into the import's arena (valid while it lives). */
struct io_row {
	unsigned line;
	const char *designation; /* "" = the next number */
	const char *title;
	bool title_classified;
	char cls[3];
	const char *form; /* physical, electronic */
	int64_t pages;    /* 0 = not given */
	int64_t attachments;
	const char *originator, *case_number;
	const char *system;     /* name or id, "" = none */
	const char *date;       /* YYYY-MM-DD or "" */
	const char *registered; /* YYYY-MM-DD or "" (today) */
	int copies;
	const char *container;   /* name or id, "" = none */
	const char *holder;      /* name or id, "" = none */
	const char *receipt;     /* paper receipt reference, "" = none */
	const char *inventoried; /* YYYY-MM-DD or "" */
	bool bad;                /* a problem was found with this row */
	/* resolved against the register inside the writer command */
	int64_t system_id, space_id, holder_id;
};

/* One problem with a line of the file; field "" for the whole line or file. */
struct io_problem {
	unsigned line;
	char field[32];
	char msg[200];    /* English, for the CLI and API users */
	char reason[48];  /* a stable code the UI says ("import.class"), "" = none */
	char params[256]; /* a JSON object of the values its text names, "" = none */
};

/* A file being imported: its rows and everything wrong with it. */
struct io_import {
	struct io_row *rows;
	size_t nrows;
	struct io_problem *problems; /* at most IO_MAX_ERRORS */
	size_t nproblems;            /* kept */
	size_t nerrors;              /* found (may exceed nproblems) */
	int cols[IO_COL_COUNT];      /* the header position of each column, or -1 */
	unsigned ncols;              /* fields in the header */
	bool fatal;                  /* no row can be looked at (encoding, header, size) */
	char sep;
	uint8_t sha256[32]; /* of the bytes as given */
	size_t bytes;
	char today[11];
	/* private */
	struct buf arena;
	size_t rows_cap;
};

/*
 * Parses and validates data (len bytes) without touching the register:
 * encoding, header, every row's values. Fills imp (release it with
 * io_import_release even on failure). Returns SK_OK when no problem was
 * found, SK_EINVAL when imp->problems says what, SK_ETOOBIG (over 32 MiB or
 * 100,000 rows: one problem says so), SK_ENOMEM.
 */
int io_import_parse(const char *data, size_t len, struct io_import *imp);
void io_import_release(struct io_import *imp);
/*
 * Adds a problem (counts it always, keeps the first IO_MAX_ERRORS): the line,
 * the column, a reason the UI says and its params (a JSON object, taken over,
 * may be NULL; left out when too long) and the English message.
 */
void io_import_problemr(struct io_import *imp, unsigned line, const char *field, const char *reason,
                        json_t *params, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/*
 * Parses, validates and imports a file as p: one writer command that
 * resolves names, checks designations against the register and creates
 * every document and its copies, then appends "import.completed" — or, on
 * any problem, nothing at all. dry_run: the same command, always rolled
 * back, reporting every problem (the report's "problems"). Returns SK_OK
 * (*report: the summary; with dry_run also when problems were found),
 * SK_EINVAL (the report lists the problems), SK_ETOOBIG, SK_EPERM (p may
 * not write the register), or a store error. The caller owns *report.
 */
int io_import(struct model *m, const struct principal *p, const char *data, size_t len,
              bool dry_run, json_t **report, struct model_err *err);

/* ---- export (3 kap. 10 §) ---- */

struct io_export_filter {
	const char *cls;   /* NULL = any */
	const char *state; /* a copy state, NULL = any */
	int64_t holder;    /* person id, 0 = any */
};

enum io_format { IO_CSV, IO_XLSX };

/*
 * The register as p may see it, one row per copy (a document without copies
 * is one row): designation, class, number of copies, copy number,
 * recipient, signed for by, signed at, last inventoried, state and its date.
 * CSV: UTF-8 with BOM, ';'-separated, CRLF, cells starting with = + - @
 * (also after leading white space) or tab/CR/LF prefixed with '. The
 * export is a ledger entry "export.made" (object export/N: format, rows,
 * filters, sha256 of the bytes) appended
 * before the bytes are handed out. Returns SK_OK (*out owns the bytes),
 * SK_EPERM, SK_EIO (XLSX writer), or a store error.
 */
int io_export(struct model *m, const struct principal *p, enum io_format fmt,
              const struct io_export_filter *f, struct buf *out, struct model_err *err);

/*
 * One page of the register's print view as JSON: {"documents": [...], "next":
 * cursor or null}, documents with copies and receipts, within p's visibility
 * (DOCUMENT_VISIBLE_SQL on every page), in designation order. The page holds
 * the documents after the cursor `after` (NULL: from the start; the cursor is
 * the last designation of the previous page) — a keyset, so a page costs the
 * same wherever it is. limit 0 means IO_REGISTER_LIMIT; more than
 * IO_REGISTER_LIMIT_MAX is cut to it. "next" is set when more documents
 * follow. NULL on a store or memory error.
 */
#define IO_REGISTER_LIMIT     100
#define IO_REGISTER_LIMIT_MAX 500
json_t *io_register(struct model *m, const struct principal *p, const struct io_export_filter *f,
                    const char *after, unsigned limit);

/*
 * The next export's number (object "export/N" of its export.made entry),
 * shared by the register's and the log's exports. Inside the writer's tx.
 */
struct store_tx;
int io_export_next_no(struct store_tx *tx, int64_t *no);

#endif
