-- skydd schema 10: four-eyes resets of a lost password and TOTP (issue 15,
-- "Users"). One person requests a reset of an account (identity.reset.requested),
-- another with the same authority confirms it (identity.reset.confirmed) or
-- someone cancels it (identity.reset.cancelled). A projection of those entries,
-- compared by `skydd verify --replay` (src/model/reset.c applies them); the new
-- password hash and the cleared TOTP are in the operational credential table.

CREATE TABLE identity_reset (
	id            INTEGER PRIMARY KEY CHECK (id >= 1),
	identity_id   INTEGER NOT NULL REFERENCES identity (id),
	requested_by  INTEGER NOT NULL,
	requested_at  TEXT    NOT NULL,
	reason        TEXT    NOT NULL,
	expires_at    TEXT    NOT NULL, -- a pending request after this is expired
	state         TEXT    NOT NULL CHECK (state IN ('pending', 'confirmed', 'cancelled')),
	decided_by    INTEGER,          -- who confirmed or cancelled it
	decided_at    TEXT,
	cancel_reason TEXT
);
CREATE INDEX identity_reset_by_identity ON identity_reset (identity_id, state);
