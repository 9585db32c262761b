-- Leave 30 % of every cloud_resources page free, not 15 %. A row is about 1.6 kB (its raw
-- configuration inline), so 15 % (1.2 kB) often had no room for a resource's new version and
-- the update went to another page, adding an entry to every one of the table's 14 indexes. At
-- 30 % most pages get room for one: in pnpm bench's churned re-sync (10 % of 100,000 resources
-- changed, none in an indexed column but the status changes) heap-only updates went from 51 % to
-- 79 % and PostgreSQL's time fell by about a fifth, for a table about 30 % larger (the listed
-- queries read indexes, not the heap in bulk). Existing pages keep their fill until rewritten
-- (VACUUM FULL or pg_repack); new and updated ones follow.
ALTER TABLE cloud_resources SET (fillfactor = 70);
