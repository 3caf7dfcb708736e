/*
 * Import and export of every register defined as data (register.h), in
 * CSV and XLSX. The export is reg_list's rows (the caller's need-to-know:
 * read roles, class_col, the view hook) with a header of the field names,
 * references also by the referred record's name, times in Europe/Stockholm;
 * each export is an export.made entry. The import reads a table whose header
 * names the arguments of the register's create command (def->import), and
 * runs every row through that command (reg_validate, then the writer step
 * with its check hook) inside one writer transaction: all or nothing; a dry
 * run is the same transaction rolled back, reporting every row. See
 * docs/internals/registers.md, "Import and export".
 */
#ifndef SKYDD_MODEL_REGISTER_IO_H
#define SKYDD_MODEL_REGISTER_IO_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "model/register.h"
#include "util/csv.h"

#define REG_IO_MAX_BYTES (512u * 1024)  /* a file to import (XLSX: before base64) */
#define REG_IO_MAX_ROWS  2000u          /* data rows in one file */
#define REG_IO_MAX_CELL  CSV_MAX_FIELD  /* bytes in one cell */
#define REG_IO_MAX_COLS  CSV_MAX_FIELDS /* columns */
#define REG_IO_MAX_PART  (8u << 20)     /* XLSX: bytes of one unpacked part */

enum reg_io_fmt { REG_IO_CSV, REG_IO_XLSX };

/*
 * The register as p may read it, into out: CSV (UTF-8 with BOM, ';', CRLF,
 * cells a spreadsheet would evaluate prefixed with ') or XLSX. Logged as
 * export.made before the bytes leave. SK_OK, SK_EPERM, SK_EIO or a store
 * error (out empty then).
 */
int reg_export(struct model *m, const struct principal *p, const struct register_def *d,
               enum reg_io_fmt fmt, struct buf *out, struct model_err *err);

/*
 * Imports data (len bytes: CSV text, or an XLSX file, told by its first
 * bytes) into d as p. *report (the caller owns it; NULL on a refusal of the
 * whole file) says every row: {"line", "ok", "id"} or the field, reason,
 * params and message of its problem. Returns SK_OK (imported; with dry_run:
 * checked, the report says whether it would be), SK_EINVAL (a row was bad:
 * nothing imported; err names the first), SK_EINVAL/SK_ETOOBIG with err
 * naming the field for a file refused whole (encoding, size, header, a
 * formula, a cell too long), SK_EPERM, or a store error.
 */
int reg_import(struct model *m, const struct principal *p, const struct register_def *d,
               const char *data, size_t len, bool dry_run, json_t **report, struct model_err *err);

/*
 * Reads a CSV or XLSX file into *rows: [{"line": N, "cells": [...]}], the
 * header first; a cell is a string, a number (XLSX), or null for a formula
 * (XLSX). SK_OK, or SK_EINVAL/SK_ETOOBIG with err filled.
 */
int reg_io_table(const char *data, size_t len, json_t **rows, struct model_err *err);

/* A UTC time as the entries have it ("2026-11-25T13:01:02.123456Z") in Swedish local time
 * with its offset ("2026-11-25T14:01:02+01:00"); false when s is not such a time. */
bool reg_io_local_time(const char *s, char out[32]);

#endif
