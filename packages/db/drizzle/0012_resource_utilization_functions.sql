-- analyze_cost_optimization(org, 30) read every sample of its window (2.1 million at 100k
-- resources): seconds per call. It now answers from resource_utilization (0011), a
-- per-resource snapshot of the window that refresh_resource_utilization() recomputes per
-- organization, and computes live only for other windows or when there is no snapshot.

-- The worker refreshes every organization's snapshot, like it writes every organization's
-- estate (0010). It needs no DELETE: a refresh upserts one row per resource of the
-- organization, and a deleted resource takes its row with it (ON DELETE CASCADE).
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cloudsync_worker') THEN
    RAISE NOTICE 'cloudsync: role cloudsync_worker is missing; create it and run this migration''s policy again';
    RETURN;
  END IF;
  DROP POLICY IF EXISTS resource_utilization_worker_access ON resource_utilization;
  CREATE POLICY resource_utilization_worker_access ON resource_utilization
    AS PERMISSIVE FOR ALL TO cloudsync_worker USING (true) WITH CHECK (true);
END
$$;
--> statement-breakpoint
SELECT grant_cloudsync_roles();
--> statement-breakpoint
-- Every query under row-level security calls current_organization_id() in its policy, and a
-- function not marked PARALLEL SAFE keeps the whole query from parallel plans. Each of these
-- only reads settings (app.organization_id, the JWT claims) and, for auth_organization_id(),
-- the user_profiles row of the JWT's user: reads that PostgreSQL runs in parallel workers
-- (settings are copied to them; the function's SET search_path is undone on exit in the
-- worker that made it). CREATE OR REPLACE in 0003 and 0006 had reset the prelude's marking.
ALTER FUNCTION current_organization_id() PARALLEL SAFE;
--> statement-breakpoint
ALTER FUNCTION auth_organization_id() PARALLEL SAFE;
--> statement-breakpoint
-- Supabase's own auth.uid() reads the same settings but belongs to its auth admin: kept as is.
DO $$
BEGIN
  ALTER FUNCTION auth.uid() PARALLEL SAFE;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'cloudsync: auth.uid() belongs to another role (Supabase''s own); left as it is';
END
$$;
--> statement-breakpoint
-- Recomputes one organization's snapshot over the last window_days days, as of now(): one row
-- per resource of the organization (running or not, so a resource that stopped loses its
-- flags), with exactly the criteria analyze_cost_optimization applies live. Runs as the
-- caller like the functions it serves: the application role refreshes its own organization
-- under row-level security, the worker any organization whose id it sets for the transaction.
CREATE OR REPLACE FUNCTION refresh_resource_utilization(org_id uuid, window_days integer DEFAULT 30)
RETURNS integer
  LANGUAGE plpgsql VOLATILE SECURITY INVOKER
  SET search_path = public, pg_temp
  -- The window's samples are grouped by resource; with the default 4 MB the hash table of
  -- 100k resources spills to disk.
  SET work_mem = '128MB'
AS $$
DECLARE
  since timestamptz;
  written integer;
BEGIN
  PERFORM assert_organization_access(org_id);
  IF refresh_resource_utilization.window_days IS NULL
     OR refresh_resource_utilization.window_days < 1 OR refresh_resource_utilization.window_days > 3650 THEN
    RAISE EXCEPTION 'window_days must be between 1 and 3650, got %', refresh_resource_utilization.window_days
      USING ERRCODE = '22023';
  END IF;
  since := now() - make_interval(days => refresh_resource_utilization.window_days);
  -- Refreshes of one organization (the metrics job's and maintenance's) take turns: two
  -- upserts of the same rows in different orders could deadlock.
  PERFORM pg_advisory_xact_lock(hashtext('cloudsync.resource_utilization'), hashtext(org_id::text));

  INSERT INTO resource_utilization AS ru (
    organization_id, resource_id, window_days, sample_count, avg_cpu_utilization, avg_memory_utilization,
    monthly_cost, is_unused, is_underused, refreshed_at)
  SELECT cr.organization_id,
         cr.id,
         refresh_resource_utilization.window_days,
         coalesce(s.samples, 0),
         s.avg_cpu,
         s.avg_memory,
         (cr.cost_tracking ->> 'monthly_cost')::numeric,
         coalesce(cr.resource_status = 'running' AND s.resource_id IS NULL, false),
         coalesce(cr.resource_status = 'running' AND s.avg_cpu < 20 AND coalesce(s.avg_memory < 30, true), false),
         now()
    FROM cloud_resources cr
    LEFT JOIN (
      SELECT im.resource_id,
             count(*)::integer AS samples,
             avg((im.metrics ->> 'cpu_utilization')::numeric) AS avg_cpu,
             avg((im.metrics ->> 'memory_utilization')::numeric) AS avg_memory
        FROM infrastructure_monitoring im
       WHERE im.organization_id = org_id
         AND im.monitoring_timestamp > since
       GROUP BY im.resource_id
    ) s ON s.resource_id = cr.id
   WHERE cr.organization_id = org_id
  ON CONFLICT (organization_id, resource_id) DO UPDATE
     SET window_days = excluded.window_days,
         sample_count = excluded.sample_count,
         avg_cpu_utilization = excluded.avg_cpu_utilization,
         avg_memory_utilization = excluded.avg_memory_utilization,
         monthly_cost = excluded.monthly_cost,
         is_unused = excluded.is_unused,
         is_underused = excluded.is_underused,
         refreshed_at = excluded.refreshed_at;
  GET DIAGNOSTICS written = ROW_COUNT;
  RETURN written;
END;
$$;
--> statement-breakpoint
COMMENT ON FUNCTION refresh_resource_utilization(uuid, integer) IS 'Recomputes an organization''s resource_utilization snapshot over the last window_days days (default 30), as of now(); returns the rows written. Runs as the caller: RLS applies.';
--> statement-breakpoint
-- Unchanged in what it answers; the window of the snapshot is answered from it. Samples are
-- now matched by organization in the unused half too (as in the rightsizing half and the
-- snapshot), which row-level security already did for the application role.
CREATE OR REPLACE FUNCTION analyze_cost_optimization(org_id uuid, lookback_days integer DEFAULT 30)
RETURNS TABLE (
  optimization_type varchar(50),
  potential_monthly_savings numeric(12, 2),
  affected_resources integer,
  recommendation_details jsonb
)
  LANGUAGE plpgsql STABLE SECURITY INVOKER SET search_path = public, pg_temp
AS $$
DECLARE
  since timestamptz;
  snapshot_window integer;
  as_of timestamptz;
BEGIN
  PERFORM assert_organization_access(org_id);
  IF lookback_days IS NULL OR lookback_days < 1 OR lookback_days > 3650 THEN
    RAISE EXCEPTION 'lookback_days must be between 1 and 3650, got %', lookback_days USING ERRCODE = '22023';
  END IF;

  -- Every row of an organization's snapshot comes from one refresh: any one tells its window
  -- and time. Ordered so it is the first entry of the primary key, however many dead rows
  -- the last refresh left before vacuum.
  SELECT ru.window_days, ru.refreshed_at INTO snapshot_window, as_of
    FROM resource_utilization ru
   WHERE ru.organization_id = org_id
   ORDER BY ru.resource_id
   LIMIT 1;

  IF snapshot_window = lookback_days THEN
    -- Index-only scans of idx_resource_utilization_unused / _underused.
    RETURN QUERY
    SELECT 'unused_resources'::varchar(50),
           coalesce(sum(ru.monthly_cost), 0)::numeric(12, 2),
           count(*)::integer,
           jsonb_build_object(
             'resources', jsonb_agg(ru.resource_id ORDER BY ru.resource_id),
             'description', 'Resources with no activity in the past ' || lookback_days || ' days',
             'as_of', as_of)
      FROM resource_utilization ru
     WHERE ru.organization_id = org_id
       AND ru.is_unused
    HAVING count(*) > 0;

    RETURN QUERY
    SELECT 'rightsizing'::varchar(50),
           coalesce(sum(ru.monthly_cost * 0.3), 0)::numeric(12, 2),
           count(*)::integer,
           jsonb_build_object(
             'resources', jsonb_agg(ru.resource_id ORDER BY ru.resource_id),
             'description', 'Resources with consistently low utilization',
             'as_of', as_of)
      FROM resource_utilization ru
     WHERE ru.organization_id = org_id
       AND ru.is_underused
    HAVING count(*) > 0;
    RETURN;
  END IF;

  as_of := now();
  since := now() - make_interval(days => lookback_days);

  -- Unused: running resources with no sample at all in the lookback window.
  RETURN QUERY
  SELECT 'unused_resources'::varchar(50),
         coalesce(sum((cr.cost_tracking ->> 'monthly_cost')::numeric), 0)::numeric(12, 2),
         count(*)::integer,
         jsonb_build_object(
           'resources', jsonb_agg(cr.id ORDER BY cr.id),
           'description', 'Resources with no activity in the past ' || lookback_days || ' days',
           'as_of', as_of)
    FROM cloud_resources cr
   WHERE cr.organization_id = org_id
     AND cr.resource_status = 'running'
     AND NOT EXISTS (
           SELECT 1 FROM infrastructure_monitoring im
            WHERE im.resource_id = cr.id AND im.organization_id = org_id AND im.monitoring_timestamp > since)
  HAVING count(*) > 0;

  -- Rightsizing: running resources whose mean CPU < 20 % and mean memory < 30 % over the window
  -- (an estimated 30 % saving). A resource whose cloud reports no memory (EC2 without an agent)
  -- is judged on CPU alone.
  RETURN QUERY
  SELECT 'rightsizing'::varchar(50),
         coalesce(sum((cr.cost_tracking ->> 'monthly_cost')::numeric * 0.3), 0)::numeric(12, 2),
         count(*)::integer,
         jsonb_build_object(
           'resources', jsonb_agg(cr.id ORDER BY cr.id),
           'description', 'Resources with consistently low utilization',
           'as_of', as_of)
    FROM cloud_resources cr
    JOIN (
      SELECT im.resource_id
        FROM infrastructure_monitoring im
       WHERE im.organization_id = org_id
         AND im.monitoring_timestamp > since
       GROUP BY im.resource_id
      HAVING avg((im.metrics ->> 'cpu_utilization')::numeric) < 20
         AND coalesce(avg((im.metrics ->> 'memory_utilization')::numeric) < 30, true)
    ) low_util ON low_util.resource_id = cr.id
   WHERE cr.organization_id = org_id
     AND cr.resource_status = 'running'
  HAVING count(*) > 0;
END;
$$;
--> statement-breakpoint
COMMENT ON FUNCTION analyze_cost_optimization(uuid, integer) IS 'Unused and under-used running resources of an organization with their potential monthly savings, from its resource_utilization snapshot when lookback_days is the snapshot''s window (as of its refresh, reported as as_of), else from the samples. Runs as the caller: RLS applies.';
