-- The sync worker writes every tenant's estate, so row-level security must let its role
-- through: a permissive policy for cloudsync_worker on each table under RLS. Its privileges
-- stay what grant_cloudsync_roles() gives it (no DELETE but on cloud_costs, no DDL); only the
-- row filter is lifted, and only for that role. Applications keep using cloudsync_app, which
-- these policies do not name.
DO $$
DECLARE
  t text;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cloudsync_worker') THEN
    RAISE NOTICE 'cloudsync: role cloudsync_worker is missing; create it and run this migration''s policies again';
    RETURN;
  END IF;
  FOR t IN
    SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relrowsecurity AND c.relkind IN ('r', 'p') AND NOT c.relispartition
  LOOP
    EXECUTE format('DROP POLICY IF EXISTS %I ON %I', t || '_worker_access', t);
    EXECUTE format('CREATE POLICY %I ON %I AS PERMISSIVE FOR ALL TO cloudsync_worker USING (true) WITH CHECK (true)', t || '_worker_access', t);
  END LOOP;
END
$$;
--> statement-breakpoint
-- The worker reads the cost summary (the demo and maintenance report from it).
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cloudsync_worker') THEN
    GRANT SELECT ON monthly_cost_summary TO cloudsync_worker;
  END IF;
END
$$;
