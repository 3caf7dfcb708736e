-- A placeholder for schema 18 (issue 12's positions/vetting helpers write it): only so that this
-- branch's schema 19 applies on its own. The coordinator drops this file when 0018_*.sql merges.
SELECT 1;
