-- skydd schema 10: a document without copies is inventoried itself
-- (3 kap. 21 § PMFS 2022:1). A KH document (any form) or a K/H paper
-- document that has no copies becomes an inventory item of type 'document'
-- (src/model/inventory.c), and a found check sets the document's
-- last_inventoried_on, which the rule doc.inventory.no_copies reads.
--
-- SQLite cannot widen a CHECK: inventory_item is rebuilt with its indexes.
ALTER TABLE document ADD COLUMN last_inventoried_on TEXT;

CREATE TABLE inventory_item_old AS SELECT * FROM inventory_item;
DROP TABLE inventory_item;
CREATE TABLE inventory_item (
	inventory_id     INTEGER NOT NULL REFERENCES inventory (id),
	item_type        TEXT    NOT NULL CHECK (item_type IN ('copy', 'document', 'medium')),
	item_id          INTEGER NOT NULL,
	holder_person_id INTEGER, -- the holder when the campaign started
	space_id         INTEGER,
	result           TEXT CHECK (result IS NULL OR result IN ('found', 'not_found')),
	checked_by       INTEGER, -- identity (never the holder's: four eyes)
	checked_at       TEXT,
	note             TEXT,
	scope            TEXT    NOT NULL DEFAULT '' CHECK (scope IN ('', 'kh_documents',
	                                                              'physical_k_h', 'media')),
	prior_inventoried_on TEXT, -- last_inventoried_on at the start (a corrected 'found' restores it)
	PRIMARY KEY (inventory_id, item_type, item_id)
) WITHOUT ROWID;
INSERT INTO inventory_item (inventory_id, item_type, item_id, holder_person_id, space_id, result,
                            checked_by, checked_at, note, scope, prior_inventoried_on)
	SELECT inventory_id, item_type, item_id, holder_person_id, space_id, result, checked_by,
	       checked_at, note, scope, prior_inventoried_on FROM inventory_item_old;
DROP TABLE inventory_item_old;
CREATE INDEX inventory_item_by_space ON inventory_item (inventory_id, coalesce(space_id, 0),
                                                       coalesce(holder_person_id, 0), item_type,
                                                       item_id);
CREATE INDEX inventory_item_by_holder ON inventory_item (inventory_id,
                                                        coalesce(holder_person_id, 0),
                                                        coalesce(space_id, 0), item_type, item_id);
