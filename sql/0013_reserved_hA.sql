-- PLACEHOLDER in branch hA only: the version number 0013 belongs to another helper's
-- migration. Drop this file when merging (hA's own migration is 0015).
SELECT 1;
