-- Prelude: what the tables' row-level security policies call, created before the tables.
--
-- The organization a transaction acts for. withOrganization() sets `app.organization_id` with
-- set_config(..., true) so it ends with the transaction. Supabase users reach the same value
-- through auth.uid() (see 0003): the setting wins when both are present.
CREATE OR REPLACE FUNCTION current_organization_id() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('app.organization_id', true), '')::uuid $$;
--> statement-breakpoint
COMMENT ON FUNCTION current_organization_id() IS 'The organization the current transaction acts for (app.organization_id); RLS policies compare organization_id with it.';
--> statement-breakpoint
-- Roles are cluster-wide and many databases share a cluster (one per test run), so they are
-- created only when missing. NOLOGIN: people and services log in as their own users and are
-- granted one of these.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cloudsync_app') THEN
    CREATE ROLE cloudsync_app NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cloudsync_worker') THEN
    CREATE ROLE cloudsync_worker NOLOGIN;
  END IF;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'cloudsync: could not create roles cloudsync_app/cloudsync_worker (no CREATEROLE); ask an administrator to create them, then run SELECT grant_cloudsync_roles() as the owner';
END
$$;
