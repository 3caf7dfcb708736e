/*
 * The inventory register (3 kap. 21 § PMFS 2022:1): campaigns over copies of
 * KH documents, copies of K and H physical documents and storage media of
 * class K and higher; checks by an inspector who is not the holder (four
 * eyes); closing with a report; lost-copy cases for what was not found.
 * Entries: inventory.started/checked/closed (object inventory/N) and
 * lost.opened/resolved (object lost/N). See docs/internals/inventory.md.
 */
#ifndef SKYDD_MODEL_INVENTORY_H
#define SKYDD_MODEL_INVENTORY_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "model/model.h"

/* The scopes of a campaign (a mask). */
#define INVENTORY_KH_DOCUMENTS 0x1u /* copies of KH documents, physical or electronic */
#define INVENTORY_PHYSICAL_K_H 0x2u /* copies of K and H physical documents */
#define INVENTORY_MEDIA        0x4u /* storage media of class K+ in use */
#define INVENTORY_ALL          0x7u

/*
 * Parses a space- or comma-separated list of scope names (kh_documents,
 * physical_k_h, media) into a mask; 0 when a name is unknown or none given.
 */
unsigned inventory_scope_parse(const char *s);

/*
 * Starts a campaign over scope (a mask, 0 = all): snapshots every copy and
 * medium of the scope in a state that should exist physically, with its
 * holder and space now. The caller holds registrar or ssc. Returns SK_OK,
 * SK_EINVAL (name, scope), SK_EPERM, SK_EEXIST (an open campaign already
 * covers one of the scopes).
 */
int inventory_start(struct model *m, const struct principal *p, const char *name, unsigned scope,
                    int64_t *id, struct model_err *err);

/*
 * Records a check of one item (item_type "copy" or "medium") as found or not
 * (found == false). A later check of the same item replaces it until the
 * campaign closes. note may be NULL. Returns SK_OK, SK_EINVAL, SK_EPERM,
 * SK_ENOTFOUND (no campaign, no such item in it, or above p's clearance),
 * SK_EEXIST (the campaign is closed), SK_ERULE (p's person holds the item:
 * the holder does not inventory their own copy, 3 kap. 21 §).
 */
int inventory_check(struct model *m, const struct principal *p, int64_t inventory_id,
                    const char *item_type, int64_t item_id, bool found, const char *note,
                    struct model_err *err);

/*
 * Closes a campaign: every item must be checked (SK_EEXIST otherwise, the
 * message names the unchecked ones). Each item not found opens a lost case
 * (lost.opened; the copy or medium becomes 'lost'); the closing entry
 * carries the report. Returns SK_OK, SK_EPERM, SK_ENOTFOUND, SK_EEXIST.
 */
int inventory_close(struct model *m, const struct principal *p, int64_t inventory_id,
                    const char *note, struct model_err *err);

/*
 * Resolves an open lost case: found (the item is back: its state before the
 * loss returns and it counts as inventoried today) or confirmed_lost (note
 * required; to be reported as a security incident). Returns SK_OK,
 * SK_EINVAL, SK_EPERM, SK_ENOTFOUND, SK_EEXIST (already resolved).
 */
int inventory_lost_resolve(struct model *m, const struct principal *p, int64_t case_id, bool found,
                           const char *note, struct model_err *err);

/*
 * Opens a lost case from inside another writer command (a copy or medium
 * reported lost outside an inventory): appends lost.opened, whose projection
 * inserts the lost_case row and sets the item's state to 'lost'.
 * prior_state is the item's state before the loss (NULL: read it now; call
 * this before changing the state yourself). inventory_id 0 = none.
 * Returns SK_OK, SK_ENOTFOUND (no such item) or a store error.
 */
int inventory_tx_lost_open(struct store_tx *tx, int64_t actor, int64_t token_id,
                           const char *item_type, int64_t item_id, int64_t inventory_id,
                           const char *prior_state, const char *note, int64_t *case_id);

/* ---- queries (NULL when missing or on error) ---- */

enum inventory_sort { INVENTORY_SORT_ITEM, INVENTORY_SORT_SPACE, INVENTORY_SORT_HOLDER };

struct inventory_page {
	bool unchecked; /* only items not yet checked */
	enum inventory_sort sort;
	const char *after; /* the previous page's "next" cursor, or NULL */
	int limit;         /* 1..1000; 0 = 100 */
};

/* The campaigns (state NULL = all), newest first, with the counts of all their items. */
json_t *inventory_list(struct model *m, const struct principal *p, const char *state);
/*
 * One campaign and a page of its items that p may see (class within p's
 * clearance); "next" is the cursor of the following page or null.
 * NULL when there is no such campaign; *bad_cursor set when after is malformed.
 */
json_t *inventory_get(struct model *m, const struct principal *p, int64_t id,
                      const struct inventory_page *page, bool *bad_cursor);
/* The closing report (details of items above p's clearance withheld); NULL if none. */
json_t *inventory_report(struct model *m, const struct principal *p, int64_t id, bool *open);
/* Lost cases (state NULL = all) of items p may see. */
json_t *inventory_lost_list(struct model *m, const struct principal *p, const char *state);
json_t *inventory_lost_get(struct model *m, const struct principal *p, int64_t id);

/*
 * The copies and media within clearance that are due for inventory: in a
 * scope of 3 kap. 21 §, existing, and last inventoried before before_date
 * (YYYY-MM-DD; never inventoried: created before it). At most limit of each
 * (0 = 1000). *out = {"before", "copies": [...], "media": [...],
 * "copies_total", "media_total"}. Returns SK_OK, SK_EINVAL (date), SK_EIO.
 */
int inventory_overdue(struct store_reader *r, const char *before_date, enum clearance clearance,
                      int limit, json_t **out);

#endif
