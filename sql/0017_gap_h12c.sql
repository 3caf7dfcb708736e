-- A placeholder for schema 17 (issue 12's positions/vetting helpers write it): only so that this
-- branch's schema 19 applies on its own. The coordinator drops this file when 0017_*.sql merges.
SELECT 1;
