/*
 * Deadlines (Kommande): what falls due from today until the horizon, for
 * everyone or the viewer's own, each object as the viewer may see it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/engine_int.h"
#include "rules/rules.h"

/* ---- deadlines ---- */

static int by_due(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;

	return strcmp(json_string_value(json_object_get(x, "due")),
	              json_string_value(json_object_get(y, "due")));
}

/*
 * The document a deadline's object belongs to, so Kommande links it to the document's page
 * (a copy, its receipt or its shipment has no page of its own); 0 for other objects.
 */
static int64_t deadline_document(struct store_reader *rd, const char *type, int64_t id)
{
	static const struct {
		const char *type, *sql;
	} of[] = {
	        {"document", "SELECT id FROM document WHERE id = ?1"},
	        {"copy", "SELECT document_id FROM copy WHERE id = ?1"},
	        {"receipt", "SELECT c.document_id FROM receipt r JOIN copy c ON c.id = r.copy_id "
	                    "WHERE r.id = ?1"},
	        {"shipment", "SELECT c.document_id FROM shipment s JOIN copy c ON c.id = s.copy_id "
	                     "WHERE s.id = ?1"},
	};
	struct store_q *q;
	int64_t doc = 0;

	for (size_t i = 0; i < sizeof(of) / sizeof(of[0]); i++) {
		if (strcmp(type, of[i].type) != 0)
			continue;
		if (store_reader_query(rd, of[i].sql, &q))
			return 0;
		store_q_bind_int(q, 1, id);
		if (store_q_step(q) == SK_OK && !store_q_is_null(q, 0))
			doc = store_q_int(q, 0);
		store_q_done(q);
		break;
	}
	return doc;
}

/* A readable name for objects whose query has none of its own (the ledger). */
static const char *deadline_label(const char *type, const char *label)
{
	if (strcmp(type, "ledger") == 0)
		return "Säkerhetsloggen";
	return label;
}

json_t *rules_deadlines(struct store_reader *rd, const char *today, int days, int64_t owner_only,
                        const struct principal *viewer)
{
	json_t *objs = json_array(), *seen = json_object(), *hidden, *e;
	size_t n, count = 0, k;
	const struct rules_deadline_query *d = rules_deadline_queries(&n);
	json_t *out = json_array(), **v = NULL;
	char until[11];
	struct store_q *q;
	bool began = store_reader_begin(rd) == SK_OK;

	/* today + days, by SQLite's calendar */
	snprintf(until, sizeof(until), "%s", today);
	if (!store_reader_query(rd, "SELECT date(?1, '+' || ?2 || ' days')", &q)) {
		store_q_bind_text(q, 1, today);
		store_q_bind_int(q, 2, days);
		if (store_q_step(q) == SK_OK)
			snprintf(until, sizeof(until), "%s", store_q_text(q, 0));
		store_q_done(q);
	}
	for (size_t i = 0; i < n; i++) {
		const struct rule *ru = d[i].rule ? rules_find(d[i].rule) : NULL;
		char ref[48] = "";

		if (ru)
			rules_ref(ru, ref, sizeof(ref));
		else if (strcmp(d[i].kind, "grant_expiry") == 0 ||
		         strcmp(d[i].kind, "grant_review") == 0)
			snprintf(ref, sizeof(ref), "4 kap. 8 §");
		else if (strcmp(d[i].kind, "exemption") == 0)
			snprintf(ref, sizeof(ref), "8 kap. 2 §");
		if (store_reader_query(rd, d[i].sql, &q))
			continue; /* a table not there yet */
		store_q_bind_text(q, 1, today);
		store_q_bind_text(q, 2, until);
		while (store_q_step(q) == SK_OK) {
			const char *cls = store_q_is_null(q, 3) ? NULL : store_q_text(q, 3);
			const char *type = store_q_text(q, 0);
			const char *label = deadline_label(type, store_q_text(q, 2));
			int64_t owner = store_q_is_null(q, 5) ? 0 : store_q_int(q, 5);
			int64_t doc;
			json_t *o;

			if (owner_only && owner != owner_only)
				continue;
			if (viewer)
				engine_object_add(objs, seen, store_q_text(q, 0),
				                  store_q_int(q, 1));
			o = json_pack("{s:s, s:s?, s:s, s:{s:s, s:I, s:s, s:s?}, s:s}", "kind",
			              d[i].kind, "rule", d[i].rule, "ref", ref, "object", "type",
			              store_q_text(q, 0), "id", (json_int_t)store_q_int(q, 1),
			              "label", label, "class", cls, "due", store_q_text(q, 4));
			if (o && owner)
				json_object_set_new(o, "owner", json_integer(owner));
			/* dropped with the label when need-to-know hides the object (below) */
			doc = o ? deadline_document(rd, type, store_q_int(q, 1)) : 0;
			if (doc)
				json_object_set_new(json_object_get(o, "object"), "document_id",
				                    json_integer(doc));
			if (o)
				json_array_append_new(out, o);
		}
		store_q_done(q);
	}
	/* Need-to-know, in the same snapshot: a hidden deadline names its object by type and id. */
	hidden = engine_unseen_of(rd, viewer, objs);
	json_array_foreach(viewer ? out : NULL, k, e)
	{
		const json_t *o = json_object_get(e, "object");
		char object[96];

		snprintf(object, sizeof(object), "%.40s/%lld",
		         json_string_value(json_object_get(o, "type")),
		         (long long)json_integer_value(json_object_get(o, "id")));
		if (engine_is_unseen(hidden, true, object))
			json_object_set_new(e, "object",
			                    json_pack("{s:O, s:O, s:b}", "type",
			                              json_object_get(o, "type"), "id",
			                              json_object_get(o, "id"), "hidden", true));
	}
	json_decref(hidden);
	json_decref(objs);
	json_decref(seen);
	if (began)
		store_reader_end(rd);
	/* sorted by due date */
	count = json_array_size(out);
	v = count ? calloc(count, sizeof(*v)) : NULL;
	if (v) {
		json_t *sorted = json_array();

		for (size_t i = 0; i < count; i++)
			v[i] = json_array_get(out, i);
		qsort(v, count, sizeof(*v), by_due);
		for (size_t i = 0; i < count; i++)
			json_array_append(sorted, v[i]);
		free(v);
		json_decref(out);
		out = sorted;
	}
	return out;
}

json_t *rules_deadlines_for(struct store_reader *rd, const char *today, int days,
                            const struct principal *viewer)
{
	/* nobody's own deadlines are nobody's */
	if (!viewer || (!(viewer->roles & RULES_DEADLINES_ALL) && viewer->id <= 0))
		return json_array();
	return rules_deadlines(rd, today, days,
	                       (viewer->roles & RULES_DEADLINES_ALL) ? 0 : viewer->id, viewer);
}
