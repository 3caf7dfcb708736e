/*
 * The engine's findings as JSON: the exemptions in force and what they
 * cover, the message and label of each finding, need-to-know (which objects
 * the reader may not see), the caller's filter, and the result's shape.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/ledger_view.h"
#include "model/model.h"
#include "rules/engine_int.h"
#include "rules/rules.h"

/* ---- exemptions in force ---- */

void engine_exms_free(struct exms *x)
{
	for (size_t i = 0; i < x->n; i++) {
		free(x->v[i].reference);
		free(x->v[i].granted_by);
		free(x->v[i].valid_until);
		free(x->v[i].rules);
		free(x->v[i].objects);
	}
	free(x->v);
	x->v = NULL;
	x->n = 0;
}

void engine_exms_load(struct store_reader *rd, const char *today, struct exms *x)
{
	struct store_q *q;

	x->v = NULL;
	x->n = 0;
	/* An instance not yet migrated has no exemption table: nothing covers. */
	if (store_reader_query(rd,
	                       "SELECT id, reference, granted_by, valid_until, scope_rules, "
	                       "scope_objects FROM exemption WHERE revoked_at IS NULL AND "
	                       "valid_until >= ?1 ORDER BY id",
	                       &q))
		return;
	store_q_bind_text(q, 1, today);
	while (store_q_step(q) == SK_OK) {
		struct exm *v = realloc(x->v, (x->n + 1) * sizeof(*v));

		if (!v)
			break;
		x->v = v;
		v[x->n].id = store_q_int(q, 0);
		v[x->n].reference = strdup(store_q_text(q, 1));
		v[x->n].granted_by = strdup(store_q_text(q, 2));
		v[x->n].valid_until = strdup(store_q_text(q, 3));
		v[x->n].rules = strdup(store_q_text(q, 4));
		v[x->n].objects = strdup(store_q_text(q, 5));
		x->n++;
	}
	store_q_done(q);
}

/* Is word a space-separated token of list? */
bool engine_has_token(const char *list, const char *word)
{
	size_t n = strlen(word);

	if (!list)
		return false;
	for (const char *p = list; *p;) {
		size_t k = strcspn(p, " ");

		if (k == n && memcmp(p, word, n) == 0)
			return true;
		p += k;
		p += *p == ' ';
	}
	return false;
}

static const struct exm *covering(const struct exms *x, const char *rule, const char *object)
{
	for (size_t i = 0; i < x->n; i++) {
		if (!x->v[i].rules || !engine_has_token(x->v[i].rules, rule))
			continue;
		if (!x->v[i].objects || !x->v[i].objects[0] ||
		    engine_has_token(x->v[i].objects, object))
			return &x->v[i];
	}
	return NULL;
}

/* ---- who sees a rule's findings at all ---- */

static const struct {
	const char *prefix; /* of the rule's id */
	unsigned readers;
} restricted[] = {
        /* vetting and registerkontroll: the personnel-security function and the ssc */
        {"vetting.", ROLE_BIT(ROLE_PERSONNEL) | ROLE_BIT(ROLE_SSC)},
        {"regcheck.", ROLE_BIT(ROLE_PERSONNEL) | ROLE_BIT(ROLE_SSC)},
        /* the security logs' alerts: the ssc (the findings' objects narrow it by class) */
        {"log_alert.", ROLE_BIT(ROLE_SSC)},
};

unsigned rules_readers(const struct rule *ru)
{
	for (size_t i = 0; ru && i < sizeof(restricted) / sizeof(restricted[0]); i++) {
		if (strncmp(ru->id, restricted[i].prefix, strlen(restricted[i].prefix)) == 0)
			return restricted[i].readers;
	}
	return 0;
}

/* ---- rendering ---- */

static int class_rank(const char *c)
{
	int k = c ? clearance_parse(c) : -1;

	return k < 0 ? 0 : k;
}

/* The template with its "%s" replaced by label. */
static char *message(const char *tmpl, const char *label)
{
	struct buf b;
	const char *p = strstr(tmpl, "%s");

	buf_init(&b, 4096);
	if (p) {
		buf_append(&b, tmpl, (size_t)(p - tmpl));
		buf_puts(&b, label);
		buf_puts(&b, p + 2);
	} else {
		buf_puts(&b, tmpl);
	}
	return buf_detach(&b, NULL);
}

/* ---- need-to-know: which objects the reader may not see ---- */

/* Appends "type/id" to objs once (seen: the set so far). */
void engine_object_add(json_t *objs, json_t *seen, const char *type, json_int_t id)
{
	char ref[96];

	snprintf(ref, sizeof(ref), "%.40s/%lld", type ? type : "", (long long)id);
	if (json_object_get(seen, ref))
		return;
	json_object_set_new(seen, ref, json_true());
	json_array_append_new(objs, json_string(ref));
}

/*
 * The set ("type/id" → true) of objs that viewer may not see, by
 * ledger_view's rule, in one statement. On any failure every object is in it
 * (fail closed); NULL only when there is nothing to hide from (no viewer).
 */
json_t *engine_unseen_of(struct store_reader *rd, const struct principal *viewer,
                         const json_t *objs)
{
	size_t n = json_array_size(objs), i;
	bool *vis;
	json_t *out;

	if (!viewer)
		return NULL;
	out = json_object();
	/* the objects are rows just read: who sees everything needs no statement */
	if (ledger_view_sees_everything(viewer))
		return out;
	vis = n ? calloc(n, sizeof(*vis)) : NULL;
	/* on a store error it leaves every vis[i] false */
	if (vis)
		ledger_view_objects_visible(rd, viewer, objs, vis);
	for (i = 0; i < n; i++) {
		if (!vis || !vis[i])
			json_object_set_new(out, json_string_value(json_array_get(objs, i)),
			                    json_true());
	}
	free(vis);
	return out;
}

/* The objects of raw rule rows ([type, id, ...]), appended to objs. */
void engine_rows_objects(const json_t *rows, json_t *objs, json_t *seen)
{
	const json_t *row;
	size_t i;

	json_array_foreach(rows, i, row)
	{
		engine_object_add(objs, seen, json_string_value(json_array_get(row, 0)),
		                  json_integer_value(json_array_get(row, 1)));
	}
}

/* Is object in the hidden set? Without a set (no viewer) nothing is; an OOM set hides all. */
bool engine_is_unseen(const json_t *hidden, bool viewer, const char *object)
{
	if (!viewer)
		return false;
	return !hidden || json_object_get(hidden, object) != NULL;
}

bool engine_rule_selected(const struct rule *ru, const struct rules_filter *f)
{
	if (!f)
		return true;
	if (f->rule && strcmp(f->rule, ru->id) != 0)
		return false;
	if (f->chapter && f->chapter != ru->chapter)
		return false;
	if (f->section && f->section != ru->section)
		return false;
	if (f->min_severity >= 0 && (f->only_severity ? (int)ru->severity != f->min_severity
	                                              : (int)ru->severity < f->min_severity))
		return false;
	return true;
}

/*
 * Appends the rendered findings of rule ru from its raw rows. hidden: the
 * objects f->viewer may not see (engine_unseen_of): their findings say what rule
 * found something and where in PMFS, not what about.
 */
void engine_render(const struct rule *ru, const json_t *rows, const struct exms *x,
                   const struct rules_filter *f, const json_t *hidden, json_t *out)
{
	char ref[48], object[96];
	size_t i;
	json_t *row;

	rules_ref(ru, ref, sizeof(ref));
	json_array_foreach(rows, i, row)
	{
		const char *type = json_string_value(json_array_get(row, 0));
		json_int_t id = json_integer_value(json_array_get(row, 1));
		const char *label = json_string_value(json_array_get(row, 2));
		const char *cls = json_string_value(json_array_get(row, 3));
		const struct exm *e;
		char *sv, *en;
		json_t *o, *obj;

		if (f && f->viewer && rules_readers(ru) && !(f->viewer->roles & rules_readers(ru)))
			return; /* not for this reader at all (rules_readers) */
		snprintf(object, sizeof(object), "%s/%lld", type, (long long)id);
		if (f && f->object && strcmp(f->object, object) != 0)
			continue;
		e = covering(x, ru->id, object);
		if (f && f->open_only && e)
			continue;
		if (engine_is_unseen(hidden, f && f->viewer, object)) {
			/* need-to-know: no label, class or document; the rule's title */
			sv = strdup(ru->title_sv);
			en = strdup(ru->title_en);
			obj = json_pack("{s:s, s:I, s:b}", "type", type, "id", id, "hidden", true);
		} else {
			/* A classified object's label only for those cleared for its class. */
			if (cls && f && class_rank(cls) > f->clearance)
				label = object;
			sv = message(ru->msg_sv, label);
			en = message(ru->msg_en, label);
			obj = json_pack("{s:s, s:I, s:s, s:s?, s:O}", "type", type, "id", id,
			                "label", label, "class", cls, "document_id",
			                json_array_get(row, 6));
		}
		o = json_pack("{s:s, s:s, s:s, s:i, s:i, s:s, s:o, s:{s:s, s:s}, s:O, s:O, s:s}",
		              "rule", ru->id, "source", ru->source, "ref", ref, "chapter",
		              ru->chapter, "section", ru->section, "severity",
		              rules_severity_name(ru->severity), "object", obj, "message", "sv",
		              sv ? sv : "", "en", en ? en : "", "since", json_array_get(row, 4),
		              "due", json_array_get(row, 5), "status", e ? "covered" : "open");
		free(sv);
		free(en);
		if (o && e)
			json_object_set_new(o, "exemption",
			                    json_pack("{s:I, s:s, s:s, s:s}", "id",
			                              (json_int_t)e->id, "reference", e->reference,
			                              "granted_by", e->granted_by, "valid_until",
			                              e->valid_until));
		if (o)
			json_array_append_new(out, o);
	}
}

json_t *engine_result(const char *today, json_t *findings, json_t *errors)
{
	char now[SK_TIME_LEN + 1];
	size_t open = 0, covered = 0, high = 0, i;
	json_t *v;

	model_time(sk_now_us(), now);
	json_array_foreach(findings, i, v)
	{
		bool cov = strcmp(json_string_value(json_object_get(v, "status")), "covered") == 0;

		covered += cov;
		open += !cov;
		high += !cov &&
		        strcmp(json_string_value(json_object_get(v, "severity")), "high") == 0;
	}
	return json_pack("{s:s, s:s, s:o, s:o, s:{s:I, s:I, s:I}}", "evaluated_at", now, "today",
	                 today, "findings", findings, "errors", errors, "counts", "open",
	                 (json_int_t)open, "covered", (json_int_t)covered, "open_high",
	                 (json_int_t)high);
}
