-- PLACEHOLDER on branch h12b only: schema 17 is the positions helper's (issue 12).
-- The coordinator drops this file when merging; it only keeps the numbering
-- contiguous so that 0018_vetting.sql applies on this branch.
SELECT 1;
