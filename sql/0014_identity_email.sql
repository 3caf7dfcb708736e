-- skydd schema 14: an e-mail address per identity, for the optional daily
-- reminders of Att göra (issue 15, docs/internals/reminders.md). Set by the
-- person themself or by an admin or the säkerhetsskyddschef, recorded as
-- identity.updated {"email": ...}; '' = no address, no reminders. Shown only
-- to the identity itself and to the readers of the security log.
ALTER TABLE identity ADD COLUMN email TEXT NOT NULL DEFAULT '';
