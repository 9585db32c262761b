-- Privileges of the two roles the prelude created (when it could):
--   cloudsync_app    what other teams' apps use; row-level security applies to it.
--   cloudsync_worker the sync worker: reads and writes the estate, runs maintenance.
-- The migration owner keeps ownership. Roles are skipped when missing, so a database whose
-- administrator has not created them still migrates.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cloudsync_app') THEN
    GRANT USAGE ON SCHEMA public, auth TO cloudsync_app;
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO cloudsync_app;
    -- Not under RLS: tenants use get_monthly_cost_summary() instead.
    REVOKE ALL ON monthly_cost_summary FROM cloudsync_app;
    GRANT EXECUTE ON FUNCTION get_monthly_cost_summary(uuid, date, date) TO cloudsync_app;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cloudsync_worker') THEN
    GRANT USAGE ON SCHEMA public, auth TO cloudsync_worker;
    GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO cloudsync_worker;
    -- A cost re-sync replaces a period's lines; nothing else is ever deleted by the worker.
    GRANT DELETE ON cloud_costs TO cloudsync_worker;
    GRANT EXECUTE ON FUNCTION ensure_monitoring_partitions(date, integer),
                              drop_monitoring_partitions(interval, boolean),
                              refresh_monthly_cost_summary() TO cloudsync_worker;
  END IF;
END
$$;
--> statement-breakpoint
-- Tenants have no business with the summary except through the function; PUBLIC neither.
REVOKE ALL ON monthly_cost_summary FROM PUBLIC;
