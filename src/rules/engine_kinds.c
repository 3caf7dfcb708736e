/*
 * Which rules to re-run: the tables each kind of ledger entry changes (what
 * the projections declare, store_tables_of_kind), and what the entries
 * since the last evaluation touched (tables, or only some documents).
 */
#include <stdlib.h>
#include <string.h>

#include "rules/engine_int.h"
#include "rules/rules.h"

/* ---- kinds → tables ---- */

bool engine_rule_reads_any(const struct rule *ru, const char *set)
{
	for (const char *p = ru->tables; *p;) {
		size_t k = strcspn(p, " ");
		char word[64];

		if (k > 0 && k < sizeof(word)) {
			memcpy(word, p, k);
			word[k] = '\0';
			if (engine_has_token(set, word))
				return true;
		}
		p += k;
		p += *p == ' ';
	}
	return false;
}

/* The kinds whose entries are about one document (object "document/ID"). */
static bool document_kind(const char *kind)
{
	static const char *const k[] = {"document.", "copy.", "receipt.", "shipment.", "decision."};

	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		if (strncmp(kind, k[i], strlen(k[i])) == 0)
			return true;
	}
	return false;
}

int engine_cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

void engine_changes_free(struct changes *c)
{
	free(c->tables);
	free(c->docs);
	memset(c, 0, sizeof(*c));
}

void engine_changes_read(struct store_reader *rd, uint64_t from, uint64_t to, struct changes *c)
{
	struct store_q *q;
	struct buf set;
	bool all = false;
	size_t cap = 0;

	memset(c, 0, sizeof(*c));
	if (to - from > 100000 ||
	    store_reader_query(rd, "SELECT kind, object FROM ledger WHERE seq > ?1 AND seq <= ?2",
	                       &q))
		return;
	buf_init(&set, 1 << 16);
	c->by_document = true;
	store_q_bind_int(q, 1, (int64_t)from);
	store_q_bind_int(q, 2, (int64_t)to);
	while (!all && store_q_step(q) == SK_OK) {
		const char *kind = store_q_text(q, 0), *object = store_q_text(q, 1);
		char *end;
		long long id;

		all = !store_tables_of_kind(kind, &set);
		if (!c->by_document)
			continue;
		if (!document_kind(kind) || strncmp(object, "document/", 9) != 0) {
			c->by_document = false;
			continue;
		}
		id = strtoll(object + 9, &end, 10);
		if (*end || id < 1) {
			c->by_document = false;
			continue;
		}
		if (c->ndocs == cap) {
			int64_t *v = realloc(c->docs, (cap ? cap * 2 : 64) * sizeof(*v));

			if (!v) {
				c->by_document = false;
				continue;
			}
			c->docs = v;
			cap = cap ? cap * 2 : 64;
		}
		c->docs[c->ndocs++] = id;
	}
	store_q_done(q);
	buf_putc(&set, ' ');
	if (all || set.err) {
		buf_release(&set);
		free(c->docs);
		memset(c, 0, sizeof(*c));
		return;
	}
	c->tables = buf_detach(&set, NULL);
	if (c->by_document && c->ndocs)
		qsort(c->docs, c->ndocs, sizeof(*c->docs), engine_cmp_id);
	else
		c->by_document = false;
}
