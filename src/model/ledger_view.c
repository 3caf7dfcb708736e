/*
 * Need-to-know in the Säkerhetslogg: which ledger entries a reader may see
 * the data of. One table (view_rules) maps an entry's object type to the
 * roles that read such objects and to what the entry concerns; three static
 * queries per page resolve it (deviations, incidents, then every document,
 * copy, receipt, ... and medium at once with DOCUMENT_VISIBLE_SQL), however
 * many entries the page has. See docs/internals/ledger-read.md.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/document.h"
#include "model/ledger_view.h"
#include "model/seclog_int.h"
#include "model/register.h"

#define R(x)      ROLE_BIT(ROLE_##x)
#define REGISTER  ROLES_REGISTER                       /* the records' read roles (model.h) */
#define INVENTORY (R(REGISTRAR) | R(SSC) | R(AUDITOR)) /* inventories, lost cases */
#define OVERSIGHT (R(SSC) | R(CHIEF) | R(AUDITOR))     /* incidents, deviations, analyses */

/* A guard depth: deviation → incident → copy is as deep as it goes. */
#define REF_DEPTH_MAX 4

/* What an entry concerns, as refs "type/id" appended to out. */
typedef void (*refs_fn)(const json_t *entry, const char *object, json_t *out);

static void add_ref(json_t *out, const char *type, json_int_t id)
{
	char ref[64];

	snprintf(ref, sizeof(ref), "%.20s/%lld", type, (long long)id);
	json_array_append_new(out, json_string(ref));
}

/* The object itself: document/ID (every document, copy, receipt ... entry), medium/ID. */
static void refs_object(const json_t *entry, const char *object, json_t *out)
{
	(void)entry;
	json_array_append_new(out, json_string(object));
}

/* An item named by item_type (copy, medium) and item_id. */
static void refs_item(const json_t *o, json_t *out)
{
	const char *type = json_string_value(json_object_get(o, "item_type"));
	const json_t *id = json_object_get(o, "item_id");

	if (type && json_is_integer(id))
		add_ref(out, type, json_integer_value(id));
}

/* lost.opened / lost.resolved: the lost copy or medium; none named is not visible. */
static void refs_lost(const json_t *entry, const char *object, json_t *out)
{
	(void)object;
	refs_item(json_object_get(entry, "data"), out);
	if (!json_array_size(out))
		add_ref(out, "document", 0); /* no such document: fail closed */
}

/* inventory.checked: the item; inventory.closed: every item of the report's not-found list. */
static void refs_inventory(const json_t *entry, const char *object, json_t *out)
{
	const json_t *data = json_object_get(entry, "data");
	const json_t *nf = json_object_get(json_object_get(data, "report"), "not_found"), *x;
	size_t i;

	(void)object;
	refs_item(data, out);
	json_array_foreach(nf, i, x)
	{
		refs_item(x, out);
	}
}

/* The incident (its links now, and its reporter), and the links the entry itself names. */
static void refs_incident(const json_t *entry, const char *object, json_t *out)
{
	static const char *const types[] = {"document", "copy", "medium"};
	const json_t *links = json_object_get(json_object_get(entry, "data"), "links"), *x;
	size_t i;

	json_array_append_new(out, json_string(object));
	for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
		json_array_foreach(json_object_get(links, types[t]), i, x)
		{
			if (json_is_integer(x))
				add_ref(out, types[t], json_integer_value(x));
		}
	}
}

/*
 * The table of object types that guard something. Types that carry nothing
 * classified are in open_types below; a register defined as data
 * (model/register.h) that is in neither gets the rule "its readers"
 * (derived below: spaces, systems, distributors …); any other type is
 * hidden.
 */
static const struct view_rule {
	const char *type; /* the object's type: "document" for "document/ID" */
	unsigned roles;   /* who reads such objects at all; 0 = every reader of the log */
	bool reporter;    /* ... and the one who reported it (incidents) */
	refs_fn refs;     /* what else must be visible, or NULL */
} view_rules[] = {
        {"document", 0, false, refs_object}, /* document, copy, receipt, shipment, decision */
        {"medium", REGISTER, false, refs_object},
        {"lost", INVENTORY, false, refs_lost},
        {"inventory", INVENTORY, false, refs_inventory},
        {"incident", OVERSIGHT, true, refs_incident},
        {"deviation", OVERSIGHT, false, refs_object}, /* its finding's object, its incident */
        {"analysis", OVERSIGHT, false, refs_object},  /* and its class (issue 15) */
        {"secplan", OVERSIGHT, false, refs_object},   /* its analysis's class */
        {"assessment", OVERSIGHT, false, NULL},
        /* a security log's alert: the ssc and the system's log readers, within the system's
         * class (the leaf below); an integrity alert of the whole log: the ssc */
        {"log_alert", SECLOG_READER_ROLES, false, refs_object},
};

/*
 * Object types whose entries are shown to every reader of the log: ids,
 * names, counts and hashes, nothing classified. An object of a type in
 * neither this list nor view_rules is hidden (fail closed), so a new
 * register's entries stay hidden until its rule is written here.
 */
static const char *const open_types[] = {"identity",  "grant",  "token",  "person", "plan",
                                         "exemption", "import", "export", "setting"};

static bool object_open(const char *object)
{
	const char *slash = object ? strchr(object, '/') : NULL;

	if (!slash)
		return true; /* "" (a login by an unknown name), "ledger" */
	for (size_t i = 0; i < sizeof(open_types) / sizeof(open_types[0]); i++) {
		size_t n = strlen(open_types[i]);

		if ((size_t)(slash - object) == n && strncmp(object, open_types[i], n) == 0)
			return true;
	}
	return false;
}

/* The registers defined as data without a rule above: read by the register's readers. */
static struct view_rule derived[64];
static size_t derived_n;
static pthread_once_t derived_once = PTHREAD_ONCE_INIT;

static const struct view_rule *find_rule(const struct view_rule *t, size_t n, const char *type,
                                         size_t len)
{
	for (size_t i = 0; i < n; i++) {
		if (strlen(t[i].type) == len && strncmp(type, t[i].type, len) == 0)
			return &t[i];
	}
	return NULL;
}

static void derive(void)
{
	char object[80];

	for (size_t i = 0; reg_all[i] && derived_n < sizeof(derived) / sizeof(derived[0]); i++) {
		const struct register_def *d = reg_all[i];

		snprintf(object, sizeof(object), "%s/1", d->one);
		if (find_rule(view_rules, sizeof(view_rules) / sizeof(view_rules[0]), d->one,
		              strlen(d->one)) ||
		    object_open(object))
			continue;
		derived[derived_n++] = (struct view_rule){d->one, d->read_roles, false, NULL};
	}
}

static const struct view_rule *rule_of(const char *object)
{
	const char *slash = object ? strchr(object, '/') : NULL;
	const struct view_rule *ru;

	if (!slash)
		return NULL;
	ru = find_rule(view_rules, sizeof(view_rules) / sizeof(view_rules[0]), object,
	               (size_t)(slash - object));
	if (ru)
		return ru;
	pthread_once(&derived_once, derive);
	return find_rule(derived, derived_n, object, (size_t)(slash - object));
}

/*
 * Every ref that is not a document's or a medium's resolves here: deviations
 * to their finding's object and incident, incidents to their links (and the
 * reporter, for the reporter's own right to read it).
 */
static const char deviation_sql[] = "SELECT id, finding_object, incident_id FROM deviation "
                                    "WHERE id IN (SELECT value FROM json_each(?1))";
static const char incident_sql[] =
        "SELECT i.id, i.reported_by, l.type, l.object_id FROM incident i LEFT JOIN "
        "incident_link l ON l.incident_id = i.id WHERE i.id IN (SELECT value FROM json_each(?1))";

/*
 * The leaves, all at once: a document-bound ref (the document, a copy, a
 * receipt, a shipment, a decision, a disclosure) is visible when its document
 * passes DOCUMENT_VISIBLE_SQL; a medium, an analysis version or a plan
 * (by its analysis's class, issue 15) when its class is within the reader's
 * clearance; a missing row is not visible (fail closed); any other
 * type (a system, a space) guards nothing.
 */
#define DOC_VISIBLE DOCUMENT_VISIBLE_SQL("d")
static const char leaf_sql[] =
        "WITH r(ref, type, id) AS (SELECT value, substr(value, 1, instr(value, '/') - 1), "
        "CAST(substr(value, instr(value, '/') + 1) AS INTEGER) FROM json_each(?1)), "
        "t(ref, type, doc, cls) AS (SELECT ref, type, CASE type "
        "WHEN 'document' THEN (SELECT id FROM document WHERE id = r.id) "
        "WHEN 'copy' THEN (SELECT document_id FROM copy WHERE id = r.id) "
        "WHEN 'receipt' THEN (SELECT c.document_id FROM receipt x JOIN copy c ON c.id = "
        "x.copy_id WHERE x.id = r.id) "
        "WHEN 'shipment' THEN (SELECT c.document_id FROM shipment x JOIN copy c ON c.id = "
        "x.copy_id WHERE x.id = r.id) "
        "WHEN 'decision' THEN (SELECT document_id FROM decision WHERE id = r.id) "
        "WHEN 'disclosure' THEN (SELECT document_id FROM disclosure WHERE id = r.id) END, "
        "CASE type WHEN 'medium' THEN (SELECT class FROM medium WHERE id = r.id) "
        /* an analysis version, or a plan by its analysis: its class, '' when none; the
         * finding "no analysis at all" is analysis/0 and guards nothing */
        "WHEN 'analysis' THEN CASE WHEN r.id = 0 THEN '' ELSE (SELECT coalesce(class, '') FROM "
        "analysis WHERE id = r.id) END "
        "WHEN 'secplan' THEN (SELECT coalesce(a.class, '') FROM secplan s JOIN analysis a ON "
        "a.id = s.analysis_id WHERE s.id = r.id) "
        /* an alert: its system's class, for the ssc (?93) or a reader given the right to the
         * system's logs; the whole log's (no system): the ssc */
        "WHEN 'log_alert' THEN (SELECT coalesce(y.max_class, 'BH') FROM log_alert x LEFT JOIN "
        "info_system y ON y.id = x.system_id WHERE x.id = r.id AND (?93 = 1 OR EXISTS (SELECT "
        "1 FROM log_reader lr WHERE lr.system_id = x.system_id AND lr.identity_id = ?92 AND "
        "lr.status = 'granted'))) END FROM r) "
        "SELECT ref, CASE WHEN type IN ('document', 'copy', 'receipt', 'shipment', 'decision', "
        "'disclosure') THEN doc IS NOT NULL AND EXISTS (SELECT 1 FROM document d WHERE d.id = "
        "t.doc AND " DOC_VISIBLE
        ") WHEN type IN ('medium', 'log_alert') THEN cls IS NOT NULL AND (CASE "
        "cls WHEN 'BH' THEN 1 WHEN 'K' THEN 2 WHEN 'H' THEN 3 WHEN 'KH' THEN 4 ELSE 9 END) "
        "<= ?90 WHEN type IN ('analysis', 'secplan') THEN cls IS NOT NULL AND (CASE cls "
        "WHEN '' THEN 0 WHEN 'BH' THEN 1 WHEN 'K' THEN 2 WHEN 'H' THEN 3 WHEN 'KH' THEN 4 ELSE 9 "
        "END) <= ?90 ELSE 1 END FROM t";

struct page {
	json_t *refs;     /* per entry: the array of refs it concerns */
	json_t *known;    /* ref → true/false (a leaf) or the array of refs it stands for */
	json_t *reporter; /* "incident/N" → reported_by */
};

static bool has_type(const char *ref, const char *type)
{
	size_t n = strlen(type);

	return strncmp(ref, type, n) == 0 && ref[n] == '/';
}

static void pend(json_t *ids, json_t *seen, const struct page *pg, const char *type,
                 const char *ref)
{
	if (!ref || !has_type(ref, type) || json_object_get(pg->known, ref) ||
	    json_object_get(seen, ref))
		return;
	json_object_set_new(seen, ref, json_true());
	json_array_append_new(ids, json_integer(strtoll(ref + strlen(type) + 1, NULL, 10)));
}

/*
 * The ids (as JSON array text, for json_each) of the refs of type that the
 * entries or the known groups name and that are not known yet; NULL if none.
 */
static char *pending_ids(const struct page *pg, const char *type)
{
	json_t *ids = json_array(), *seen = json_object(), *arr, *x;
	const char *key;
	size_t i, j;
	char *s = NULL;

	if (!ids || !seen)
		goto out;
	json_array_foreach(pg->refs, i, arr)
	{
		json_array_foreach(arr, j, x)
		{
			pend(ids, seen, pg, type, json_string_value(x));
		}
	}
	json_object_foreach(pg->known, key, arr)
	{
		json_array_foreach(json_is_array(arr) ? arr : NULL, j, x)
		{
			pend(ids, seen, pg, type, json_string_value(x));
		}
	}
	if (json_array_size(ids))
		s = json_dumps(ids, JSON_COMPACT);
out:
	json_decref(ids);
	json_decref(seen);
	return s;
}

/* The array known[type/id], made on first use. */
static json_t *known_array(struct page *pg, const char *type, int64_t id)
{
	char ref[64];
	json_t *a;

	snprintf(ref, sizeof(ref), "%s/%lld", type, (long long)id);
	a = json_object_get(pg->known, ref);
	if (!a) {
		a = json_array();
		json_object_set_new(pg->known, ref, a);
	}
	return a;
}

static int expand_deviations(struct store_reader *r, struct page *pg)
{
	char *ids = pending_ids(pg, "deviation");
	struct store_q *q;
	int rc;

	if (!ids)
		return SK_OK;
	rc = store_reader_query(r, deviation_sql, &q);
	if (!rc) {
		store_q_bind_text(q, 1, ids);
		while ((rc = store_q_step(q)) == SK_OK) {
			json_t *a = known_array(pg, "deviation", store_q_int(q, 0));
			const char *fo = store_q_text(q, 1);

			if (fo[0])
				json_array_append_new(a, json_string(fo));
			if (!store_q_is_null(q, 2))
				add_ref(a, "incident", store_q_int(q, 2));
		}
		store_q_done(q);
		rc = rc == SK_ENOTFOUND ? SK_OK : rc;
	}
	free(ids);
	return rc;
}

static int expand_incidents(struct store_reader *r, struct page *pg)
{
	char *ids = pending_ids(pg, "incident"), ref[64];
	struct store_q *q;
	int rc;

	if (!ids)
		return SK_OK;
	rc = store_reader_query(r, incident_sql, &q);
	if (!rc) {
		store_q_bind_text(q, 1, ids);
		while ((rc = store_q_step(q)) == SK_OK) {
			int64_t id = store_q_int(q, 0);
			json_t *a = known_array(pg, "incident", id);

			snprintf(ref, sizeof(ref), "incident/%lld", (long long)id);
			json_object_set_new(pg->reporter, ref, json_integer(store_q_int(q, 1)));
			if (!store_q_is_null(q, 2))
				add_ref(a, store_q_text(q, 2), store_q_int(q, 3));
		}
		store_q_done(q);
		rc = rc == SK_ENOTFOUND ? SK_OK : rc;
	}
	free(ids);
	return rc;
}

static void add_leaf(json_t *leaves, json_t *seen, const struct page *pg, const char *ref)
{
	if (!ref || has_type(ref, "deviation") || has_type(ref, "incident") ||
	    json_object_get(pg->known, ref) || json_object_get(seen, ref))
		return;
	json_object_set_new(seen, ref, json_true());
	json_array_append_new(leaves, json_string(ref));
}

static int resolve_leaves(struct store_reader *r, const struct principal *p, struct page *pg)
{
	json_t *leaves = json_array(), *seen = json_object(), *arr, *x;
	const char *key;
	struct store_q *q;
	char *s = NULL;
	size_t i, j;
	int rc = SK_ENOMEM;

	if (!leaves || !seen)
		goto out;
	json_array_foreach(pg->refs, i, arr)
	{
		json_array_foreach(arr, j, x)
		{
			add_leaf(leaves, seen, pg, json_string_value(x));
		}
	}
	json_object_foreach(pg->known, key, arr)
	{
		json_array_foreach(json_is_array(arr) ? arr : NULL, j, x)
		{
			add_leaf(leaves, seen, pg, json_string_value(x));
		}
	}
	rc = SK_OK;
	if (!json_array_size(leaves))
		goto out;
	s = json_dumps(leaves, JSON_COMPACT);
	rc = s ? store_reader_query(r, leaf_sql, &q) : SK_ENOMEM;
	if (rc)
		goto out;
	store_q_bind_text(q, 1, s);
	document_visible_bind(q, p);
	store_q_bind_int(q, 93, (p->roles & ROLE_BIT(ROLE_SSC)) ? 1 : 0);
	while ((rc = store_q_step(q)) == SK_OK)
		json_object_set_new(pg->known, store_q_text(q, 0),
		                    json_boolean(store_q_int(q, 1) != 0));
	store_q_done(q);
	rc = rc == SK_ENOTFOUND ? SK_OK : rc;
out:
	free(s);
	json_decref(leaves);
	json_decref(seen);
	return rc;
}

/* Is ref visible: a known leaf that is, or a known group whose every ref is. */
static bool ref_ok(const struct page *pg, const char *ref, int depth)
{
	json_t *v = ref ? json_object_get(pg->known, ref) : NULL, *x;
	size_t i;

	if (!v || depth > REF_DEPTH_MAX)
		return false;
	if (json_is_boolean(v))
		return json_is_true(v);
	json_array_foreach(v, i, x)
	{
		if (!ref_ok(pg, json_string_value(x), depth + 1))
			return false;
	}
	return true;
}

static bool entry_visible(const struct page *pg, const struct principal *p, const json_t *entry,
                          const json_t *refs)
{
	const char *object = json_string_value(json_object_get(entry, "object"));
	const struct view_rule *ru = rule_of(object);
	const json_t *x;
	size_t i;

	if (!ru)
		return object_open(object);
	if (ru->roles && !(p->roles & ru->roles) &&
	    !(ru->reporter && p->id > 0 &&
	      json_integer_value(json_object_get(pg->reporter, object)) == p->id))
		return false;
	json_array_foreach(refs, i, x)
	{
		if (!ref_ok(pg, json_string_value(x), 0))
			return false;
	}
	return true;
}

static void redact(json_t *entry)
{
	json_object_del(entry, "data");
	json_object_set_new(entry, "redacted", json_true());
}

int ledger_view_redact(struct store_reader *r, const struct principal *p, json_t *entries,
                       bool *hidden)
{
	struct page pg = {json_array(), json_object(), json_object()};
	size_t n = json_array_size(entries), i;
	json_t *e;
	int rc = SK_ENOMEM;

	if (!pg.refs || !pg.known || !pg.reporter || !r || !p)
		goto out;
	json_array_foreach(entries, i, e)
	{
		const char *object = json_string_value(json_object_get(e, "object"));
		const struct view_rule *ru = rule_of(object);
		json_t *mine = json_array();

		if (!mine || json_array_append_new(pg.refs, mine))
			goto out;
		if (ru && ru->refs)
			ru->refs(e, object, mine);
	}
	rc = expand_deviations(r, &pg);
	if (!rc)
		rc = expand_incidents(r, &pg);
	if (!rc)
		rc = resolve_leaves(r, p, &pg);
out:
	for (i = 0; i < n; i++) {
		e = json_array_get(entries, i);
		bool hide = rc || !entry_visible(&pg, p, e, json_array_get(pg.refs, i));

		if (hide)
			redact(e);
		if (hidden)
			hidden[i] = hide;
	}
	json_decref(pg.refs);
	json_decref(pg.known);
	json_decref(pg.reporter);
	return rc;
}

int ledger_view_refs_visible(struct store_reader *r, const struct principal *p, const json_t *refs,
                             bool *visible)
{
	struct page pg = {json_array(), json_object(), NULL};
	size_t n = json_array_size(refs), i;
	json_t *mine = json_array(), *x;
	int rc = SK_ENOMEM;

	if (!pg.refs || !pg.known || !mine || json_array_append(pg.refs, mine) || !r || !p)
		goto out;
	json_array_foreach(refs, i, x)
	{
		const char *ref = json_string_value(x);

		/* only the leaves: an incident or a deviation is its own route's matter */
		if (ref && !has_type(ref, "incident") && !has_type(ref, "deviation"))
			json_array_append_new(mine, json_string(ref));
	}
	rc = resolve_leaves(r, p, &pg);
out:
	for (i = 0; i < n; i++) {
		const char *ref = json_string_value(json_array_get(refs, i));

		visible[i] = !rc && (!ref || has_type(ref, "incident") ||
		                     has_type(ref, "deviation") || ref_ok(&pg, ref, 0));
	}
	json_decref(mine);
	json_decref(pg.refs);
	json_decref(pg.known);
	return rc;
}

int ledger_view_objects_visible(struct store_reader *r, const struct principal *p,
                                const json_t *objects, bool *visible)
{
	size_t n = json_array_size(objects), i;
	int rc;

	if (!n)
		return SK_OK;
	rc = ledger_view_refs_visible(r, p, objects, visible);
	for (i = 0; i < n; i++) {
		const char *o = json_string_value(json_array_get(objects, i));
		/* a copy, receipt ... has no row: its document's (every reader of the log) */
		const struct view_rule *ru = rule_of(o);

		/* what names nothing, or nobody asking, sees nothing */
		if (!o || !strchr(o, '/') || !p || (ru && ru->roles && !(p->roles & ru->roles)))
			visible[i] = false;
	}
	return rc;
}

bool ledger_view_sees_everything(const struct principal *p)
{
	if (!p || p->clearance != CLEAR_KH || !document_sees_all(p))
		return false;
	for (size_t i = 0; i < sizeof(view_rules) / sizeof(view_rules[0]); i++) {
		if (view_rules[i].roles && !(p->roles & view_rules[i].roles))
			return false;
	}
	pthread_once(&derived_once, derive);
	for (size_t i = 0; i < derived_n; i++) {
		if (derived[i].roles && !(p->roles & derived[i].roles))
			return false;
	}
	return true;
}

bool ledger_view_redact_one(struct store_reader *r, const struct principal *p, json_t *entry)
{
	const char *object = json_string_value(json_object_get(entry, "object"));
	json_t *one;
	bool hidden = true;

	/* An object without a rule needs no statement and no page (the bench's GET /ledger/{seq}).
	 */
	if (r && p && !rule_of(object)) {
		if (object_open(object))
			return false;
		redact(entry);
		return true;
	}
	one = json_array();
	if (!one || json_array_append(one, entry)) {
		json_decref(one);
		redact(entry);
		return true;
	}
	ledger_view_redact(r, p, one, &hidden);
	json_decref(one);
	return hidden;
}
