-- refresh_resource_utilization: the current definition, as the migrated database has it (pg_get_functiondef).
-- To change it: edit this file, then `pnpm --filter @cloudsync/db db:function <migration-name> refresh_resource_utilization`
-- writes a migration with this content; test/function-definitions.test.ts checks the two agree.
CREATE OR REPLACE FUNCTION public.refresh_resource_utilization(org_id uuid, window_days integer DEFAULT 30)
 RETURNS integer
 LANGUAGE plpgsql
 SET search_path TO 'public', 'pg_temp'
 SET work_mem TO '128MB'
AS $function$
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
$function$;
