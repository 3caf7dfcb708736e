-- Placeholder on branch hS only, so that migrations stay consecutive here
-- (store_migrate needs every version): hK's sql/0013_keys.sql replaces this
-- file at merge (take theirs).
SELECT 1;
