-- analyze_cost_optimization answered from the resource_utilization snapshot (0012) but built
-- its JSON lists of resource ids (11,700 at 100k resources, 470 kB) on every call: 10-15 ms of
-- its 20 ms budget. The refresh now stores the answer in cost_optimization_results (0017), and the
-- function returns it while the snapshot is unchanged.

-- The answer of analyze_cost_optimization from an organization's snapshot: one row per type,
-- unused resources first, with 0 affected when none qualifies. Index-only scans of
-- idx_resource_utilization_unused / _underused.
CREATE OR REPLACE FUNCTION cost_optimization_from_snapshot(org_id uuid, window_days integer, as_of timestamptz)
RETURNS TABLE (
  optimization_type varchar(50),
  potential_monthly_savings numeric(12, 2),
  affected_resources integer,
  recommendation_details jsonb
)
  LANGUAGE sql STABLE SECURITY INVOKER SET search_path = public, pg_temp
AS $$
  SELECT 'unused_resources'::varchar(50),
         coalesce(sum(ru.monthly_cost), 0)::numeric(12, 2),
         count(*)::integer,
         jsonb_build_object(
           'resources', coalesce(jsonb_agg(ru.resource_id ORDER BY ru.resource_id), '[]'::jsonb),
           'description', 'Resources with no activity in the past ' || cost_optimization_from_snapshot.window_days || ' days',
           'as_of', cost_optimization_from_snapshot.as_of)
    FROM resource_utilization ru
   WHERE ru.organization_id = cost_optimization_from_snapshot.org_id
     AND ru.is_unused
  UNION ALL
  SELECT 'rightsizing'::varchar(50),
         coalesce(sum(ru.monthly_cost * 0.3), 0)::numeric(12, 2),
         count(*)::integer,
         jsonb_build_object(
           'resources', coalesce(jsonb_agg(ru.resource_id ORDER BY ru.resource_id), '[]'::jsonb),
           'description', 'Resources with consistently low utilization',
           'as_of', cost_optimization_from_snapshot.as_of)
    FROM resource_utilization ru
   WHERE ru.organization_id = cost_optimization_from_snapshot.org_id
     AND ru.is_underused
$$;
--> statement-breakpoint
-- Any change to an organization's snapshot outside a refresh (a resource deleted and its row
-- with it, a row written by hand) removes the stored answer (an update, from the organizations
-- it moved rows from and to), so analyze_cost_optimization
-- aggregates the snapshot as it is until the next refresh stores a new one. SECURITY DEFINER:
-- the worker may not delete; it removes only the answers of organizations whose snapshot rows
-- the calling statement changed.
CREATE OR REPLACE FUNCTION forget_cost_optimization_results() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = public, pg_temp
AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM cost_optimization_results;
  ELSIF TG_OP IN ('INSERT', 'DELETE') THEN
    DELETE FROM cost_optimization_results WHERE organization_id IN (SELECT DISTINCT organization_id FROM changed_rows);
  ELSE
    DELETE FROM cost_optimization_results
     WHERE organization_id IN (SELECT DISTINCT organization_id FROM changed_rows
                               UNION SELECT DISTINCT organization_id FROM new_rows);
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION forget_cost_optimization_results() FROM PUBLIC;
--> statement-breakpoint
CREATE TRIGGER resource_utilization_forget_results_insert AFTER INSERT ON resource_utilization
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION forget_cost_optimization_results();
--> statement-breakpoint
CREATE TRIGGER resource_utilization_forget_results_update AFTER UPDATE ON resource_utilization
  REFERENCING OLD TABLE AS changed_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION forget_cost_optimization_results();
--> statement-breakpoint
CREATE TRIGGER resource_utilization_forget_results_delete AFTER DELETE ON resource_utilization
  REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION forget_cost_optimization_results();
--> statement-breakpoint
CREATE TRIGGER resource_utilization_forget_results_truncate AFTER TRUNCATE ON resource_utilization
  FOR EACH STATEMENT EXECUTE FUNCTION forget_cost_optimization_results();
--> statement-breakpoint
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

  -- What analyze_cost_optimization answers for this snapshot, computed once here (the upsert
  -- above has just removed the previous answer through the snapshot's trigger).
  INSERT INTO cost_optimization_results AS c (organization_id, optimization_type, window_days, potential_monthly_savings,
                                         affected_resources, recommendation_details, refreshed_at)
  SELECT org_id, r.optimization_type, refresh_resource_utilization.window_days, r.potential_monthly_savings,
         r.affected_resources, r.recommendation_details, now()
    FROM cost_optimization_from_snapshot(org_id, refresh_resource_utilization.window_days, now()) r
  ON CONFLICT (organization_id, optimization_type) DO UPDATE
     SET window_days = excluded.window_days,
         potential_monthly_savings = excluded.potential_monthly_savings,
         affected_resources = excluded.affected_resources,
         recommendation_details = excluded.recommendation_details,
         refreshed_at = excluded.refreshed_at;
  RETURN written;
END;
$$;
--> statement-breakpoint
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

  -- The refresh stored its answer (0018); any change to the snapshot since removed it.
  IF EXISTS (SELECT 1 FROM cost_optimization_results c
              WHERE c.organization_id = org_id AND c.window_days = lookback_days) THEN
    RETURN QUERY
    SELECT c.optimization_type, c.potential_monthly_savings, c.affected_resources, c.recommendation_details
      FROM cost_optimization_results c
     WHERE c.organization_id = org_id AND c.affected_resources > 0
     ORDER BY c.optimization_type <> 'unused_resources';
    RETURN;
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
    RETURN QUERY
    SELECT r.optimization_type, r.potential_monthly_savings, r.affected_resources, r.recommendation_details
      FROM cost_optimization_from_snapshot(org_id, lookback_days, as_of) r
     WHERE r.affected_resources > 0;
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
-- The answers of the snapshots stored before this migration.
INSERT INTO cost_optimization_results (organization_id, optimization_type, window_days, potential_monthly_savings,
                                  affected_resources, recommendation_details, refreshed_at)
SELECT s.organization_id, r.optimization_type, s.window_days, r.potential_monthly_savings,
       r.affected_resources, r.recommendation_details, s.refreshed_at
  FROM (SELECT DISTINCT ON (organization_id) organization_id, window_days, refreshed_at
          FROM resource_utilization ORDER BY organization_id, resource_id) s
 CROSS JOIN LATERAL cost_optimization_from_snapshot(s.organization_id, s.window_days, s.refreshed_at) r;
--> statement-breakpoint
-- The worker writes every organization's answers when it refreshes their snapshots (as 0012).
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cloudsync_worker') THEN
    RAISE NOTICE 'cloudsync: role cloudsync_worker is missing; create it and run this migration''s policy again';
    RETURN;
  END IF;
  DROP POLICY IF EXISTS cost_optimization_results_worker_access ON cost_optimization_results;
  CREATE POLICY cost_optimization_results_worker_access ON cost_optimization_results
    AS PERMISSIVE FOR ALL TO cloudsync_worker USING (true) WITH CHECK (true);
END
$$;
--> statement-breakpoint
SELECT grant_cloudsync_roles();
