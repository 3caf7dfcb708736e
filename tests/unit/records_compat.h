/*
 * The records registers' former C functions (records_person_create …), for
 * the unit tests written against them: each builds the JSON arguments and
 * runs the register's command defined as data (model/register.h), so the
 * tests' assertions hold against the generic code unchanged.
 */
#ifndef SKYDD_TEST_RECORDS_COMPAT_H
#define SKYDD_TEST_RECORDS_COMPAT_H

#include <string.h>

#include "model/model.h"
#include "model/register.h"

struct records_person {
	const char *name;    /* NULL = unchanged (update) */
	const char *unit;    /* NULL = unchanged / "" */
	int64_t identity_id; /* 0 = none; update: -1 = unchanged, 0 = unlink */
};
struct records_space {
	const char *kind, *name, *location;
	int max_class; /* 0 = unchanged */
	const char *decided_on, *decision_ref;
};
struct records_system {
	const char *name;
	int max_class;
	const char *decision_ref, *status;
};
struct records_distributor {
	const char *name, *contact, *decision_ref, *status;
};

static inline void compat_s(json_t *o, const char *k, const char *v)
{
	if (v)
		json_object_set_new(o, k, json_string(v));
}
static inline void compat_class(json_t *o, const char *k, int c)
{
	if (c)
		json_object_set_new(o, k, json_string(clearance_name((enum clearance)c)));
}
static inline int compat_run(struct model *m, const struct principal *p, const char *reg,
                             const char *cmd, json_t *in, int64_t id, int64_t *out,
                             struct model_err *err)
{
	int64_t x = id;
	int rc = reg_run(m, p, reg, cmd, in, &x, err);

	json_decref(in);
	if (out)
		*out = rc ? 0 : x;
	return rc;
}

static inline int records_person_create(struct model *m, const struct principal *p,
                                        const struct records_person *n, int64_t *id,
                                        struct model_err *err)
{
	json_t *in = json_object();

	compat_s(in, "name", n->name);
	compat_s(in, "unit", n->unit);
	if (n->identity_id)
		json_object_set_new(in, "identity_id", json_integer(n->identity_id));
	return compat_run(m, p, "persons", "add", in, 0, id, err);
}
static inline int records_person_update(struct model *m, const struct principal *p, int64_t id,
                                        const struct records_person *n, struct model_err *err)
{
	json_t *in = json_object();

	compat_s(in, "name", n->name);
	compat_s(in, "unit", n->unit);
	if (n->identity_id >= 0)
		json_object_set_new(in, "identity_id", json_integer(n->identity_id));
	return compat_run(m, p, "persons", "update", in, id, NULL, err);
}
static inline int records_person_end(struct model *m, const struct principal *p, int64_t id,
                                     const char *ended_on, struct model_err *err)
{
	json_t *in = json_object();

	compat_s(in, "ended_on", ended_on);
	return compat_run(m, p, "persons", "end", in, id, NULL, err);
}
static inline json_t *records_person_get(struct model *m, int64_t id)
{
	return reg_get(m, NULL, reg_find("persons"), id);
}
static inline json_t *records_person_list(struct model *m, const char *status)
{
	json_t *f = json_object(), *r;

	compat_s(f, "status", status);
	r = reg_list(m, NULL, reg_find("persons"), f);
	json_decref(f);
	return r;
}

static inline json_t *compat_space(const struct records_space *n)
{
	json_t *in = json_object();

	compat_s(in, "kind", n->kind);
	compat_s(in, "name", n->name);
	compat_s(in, "location", n->location);
	compat_class(in, "max_class", n->max_class);
	compat_s(in, "decided_on", n->decided_on);
	compat_s(in, "decision_ref", n->decision_ref);
	return in;
}
static inline int records_space_create(struct model *m, const struct principal *p,
                                       const struct records_space *n, int64_t *id,
                                       struct model_err *err)
{
	return compat_run(m, p, "spaces", "add", compat_space(n), 0, id, err);
}
static inline int records_space_update(struct model *m, const struct principal *p, int64_t id,
                                       const struct records_space *n, struct model_err *err)
{
	json_t *in = compat_space(n);

	json_object_del(in, "kind");
	return compat_run(m, p, "spaces", "update", in, id, NULL, err);
}
static inline int records_space_withdraw(struct model *m, const struct principal *p, int64_t id,
                                         const char *on, const char *reason, struct model_err *err)
{
	json_t *in = json_object();

	compat_s(in, "withdrawn_on", on);
	compat_s(in, "reason", reason);
	return compat_run(m, p, "spaces", "withdraw", in, id, NULL, err);
}
static inline json_t *records_space_get(struct model *m, int64_t id)
{
	return reg_get(m, NULL, reg_find("spaces"), id);
}
static inline json_t *records_space_list(struct model *m, const char *kind, const char *status)
{
	json_t *f = json_object(), *r;

	compat_s(f, "kind", kind);
	compat_s(f, "status", status);
	r = reg_list(m, NULL, reg_find("spaces"), f);
	json_decref(f);
	return r;
}

static inline int records_system_create(struct model *m, const struct principal *p,
                                        const struct records_system *n, int64_t *id,
                                        struct model_err *err)
{
	json_t *in = json_object();

	compat_s(in, "name", n->name);
	compat_class(in, "max_class", n->max_class);
	compat_s(in, "decision_ref", n->decision_ref);
	return compat_run(m, p, "systems", "add", in, 0, id, err);
}
static inline int records_system_update(struct model *m, const struct principal *p, int64_t id,
                                        const struct records_system *n, struct model_err *err)
{
	json_t *in = json_object();

	compat_s(in, "name", n->name);
	compat_class(in, "max_class", n->max_class);
	compat_s(in, "decision_ref", n->decision_ref);
	compat_s(in, "status", n->status);
	return compat_run(m, p, "systems", "update", in, id, NULL, err);
}
static inline json_t *records_system_get(struct model *m, int64_t id)
{
	return reg_get(m, NULL, reg_find("systems"), id);
}
static inline json_t *records_system_list(struct model *m)
{
	return reg_list(m, NULL, reg_find("systems"), NULL);
}

static inline int records_distributor_create(struct model *m, const struct principal *p,
                                             const struct records_distributor *n, int64_t *id,
                                             struct model_err *err)
{
	json_t *in = json_object();

	compat_s(in, "name", n->name);
	compat_s(in, "contact", n->contact);
	compat_s(in, "decision_ref", n->decision_ref);
	return compat_run(m, p, "distributors", "add", in, 0, id, err);
}
static inline int records_distributor_update(struct model *m, const struct principal *p, int64_t id,
                                             const struct records_distributor *n,
                                             struct model_err *err)
{
	json_t *in = json_object();

	compat_s(in, "name", n->name);
	compat_s(in, "contact", n->contact);
	compat_s(in, "decision_ref", n->decision_ref);
	compat_s(in, "status", n->status);
	return compat_run(m, p, "distributors", "update", in, id, NULL, err);
}
static inline json_t *records_distributor_get(struct model *m, int64_t id)
{
	return reg_get(m, NULL, reg_find("distributors"), id);
}
static inline json_t *records_distributor_list(struct model *m)
{
	return reg_list(m, NULL, reg_find("distributors"), NULL);
}

struct records_medium {
	const char *identifier; /* create only */
	const char *type;       /* NULL = unchanged */
	int class;              /* 0 = unchanged */
	const char *marking;    /* NULL = unchanged */
	int fixed;              /* -1 = unchanged; 0/1 */
	int64_t space_id;       /* 0 = none/unchanged */
	int64_t holder_id;
	int64_t system_id; /* 0 = none/unchanged; -1 = clear (update) */
};
struct records_medium_end {
	const char *method, *on;
	int64_t performer_id, witness_id;
	const char *note;
};

static inline json_t *compat_medium(const struct records_medium *n, bool create)
{
	json_t *in = json_object();

	compat_s(in, "identifier", n->identifier);
	compat_s(in, "type", n->type);
	compat_class(in, "class", n->class);
	compat_s(in, "marking", n->marking);
	if (n->fixed >= 0 && (n->fixed || !create))
		json_object_set_new(in, "fixed", json_boolean(n->fixed));
	if (n->space_id)
		json_object_set_new(in, "space_id", json_integer(n->space_id));
	if (n->holder_id)
		json_object_set_new(in, "holder_id", json_integer(n->holder_id));
	if (n->system_id)
		json_object_set_new(in, "system_id",
		                    json_integer(n->system_id < 0 ? 0 : n->system_id));
	return in;
}
static inline int records_medium_create(struct model *m, const struct principal *p,
                                        const struct records_medium *n, int64_t *id,
                                        struct model_err *err)
{
	return compat_run(m, p, "media", "add", compat_medium(n, true), 0, id, err);
}
static inline int records_medium_update(struct model *m, const struct principal *p, int64_t id,
                                        const struct records_medium *n, struct model_err *err)
{
	return compat_run(m, p, "media", "update", compat_medium(n, false), id, NULL, err);
}
/* kind: decommission, reuse, destroy, lost; *out_id: the destruction or lost case. */
static inline int records_medium_end(struct model *m, const struct principal *p, int64_t id,
                                     const char *kind, const struct records_medium_end *e,
                                     int64_t *out_id, struct model_err *err)
{
	bool destroy = strcmp(kind, "destroy") == 0, lost = strcmp(kind, "lost") == 0;
	json_t *in = json_object(), *o;
	int rc;

	if (!lost)
		compat_s(in, "method", e->method);
	compat_s(in, destroy ? "destroyed_on" : "on", e->on);
	if (destroy && e->performer_id)
		json_object_set_new(in, "performer_id", json_integer(e->performer_id));
	if (destroy && e->witness_id)
		json_object_set_new(in, "witness_id", json_integer(e->witness_id));
	if (lost)
		compat_s(in, "note", e->note);
	rc = compat_run(m, p, "media", kind, in, id, NULL, err);
	if (!rc && out_id) {
		o = reg_get(m, NULL, reg_find("media"), id);
		*out_id =
		        destroy ? json_integer_value(
		                          json_object_get(json_object_get(o, "destruction"), "id"))
		                : json_integer_value(json_object_get(
		                          json_array_get(json_object_get(o, "lost_cases"),
		                                         json_array_size(
		                                                 json_object_get(o, "lost_cases")) -
		                                                 1),
		                          "id"));
		json_decref(o);
	}
	return rc;
}
static inline json_t *records_medium_get(struct model *m, const struct principal *p, int64_t id)
{
	return reg_get(m, p, reg_find("media"), id);
}
static inline json_t *records_medium_list(struct model *m, const struct principal *p,
                                          const char *state)
{
	json_t *f = json_object(), *r;

	compat_s(f, "state", state);
	r = reg_list(m, p, reg_find("media"), f);
	json_decref(f);
	return r;
}

#endif
