/*
 * seclogids DIR: decodes every message stored in DIR/seclog.db (read only,
 * beside a running or killed writer) and prints the relpload id of each,
 * one a line in index order: the first word after "id=" in its text. A
 * message without one prints "-". For tests/sh/test_seclog_kill.sh, which
 * compares these with the ids relpload saw acknowledged. Exits 1 on a body
 * that does not decode (the store's format is strict) or a database error.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "seclog/store.h"

int main(int argc, char **argv)
{
	char path[4096];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int rc, status = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: seclogids DIR\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/%s", argv[1], SECLOG_DB_FILE);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_busy_timeout(db, 5000) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT idx, body FROM msg WHERE body IS NOT NULL ORDER BY idx",
	                       -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "seclogids: %s: %s\n", path, db ? sqlite3_errmsg(db) : "no memory");
		sqlite3_close(db);
		return 1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct seclog_msg m;
		const uint8_t *b = sqlite3_column_blob(st, 1);
		size_t n = (size_t)sqlite3_column_bytes(st, 1);
		const char *id = NULL, *end;

		if (seclog_msg_decode(b, n, &m) != SK_OK) {
			fprintf(stderr, "seclogids: message %" PRId64 " does not decode\n",
			        (int64_t)sqlite3_column_int64(st, 0));
			status = 1;
			break;
		}
		/* relpload puts "id=" first in the text; look no further than its start */
		if (m.text_len >= 3 && memcmp(m.text, "id=", 3) == 0)
			id = m.text + 3;
		if (!id) {
			puts("-");
			continue;
		}
		end = memchr(id, ' ', m.text_len - 3);
		printf("%.*s\n", (int)(end ? end - id : (ptrdiff_t)(m.text_len - 3)), id);
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		fprintf(stderr, "seclogids: %s\n", sqlite3_errmsg(db));
		status = 1;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return status;
}
