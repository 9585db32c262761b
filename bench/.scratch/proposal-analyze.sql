-- (1) the last sample of each resource, on the resource, kept by MetricWriter.finish()
ALTER TABLE cloud_resources ADD COLUMN IF NOT EXISTS last_sample_at timestamptz;
UPDATE cloud_resources r SET last_sample_at = m.last
  FROM (SELECT resource_id, max(monitoring_timestamp) AS last FROM infrastructure_monitoring GROUP BY resource_id) m
 WHERE m.resource_id = r.id;
CREATE INDEX IF NOT EXISTS idx_cloud_resources_running_last_sample
  ON cloud_resources (organization_id, last_sample_at) WHERE resource_status = 'running';

-- (2) 30-day utilization per resource, refreshed by the metrics job (RLS like the samples)
CREATE TABLE IF NOT EXISTS resource_utilization (
  resource_id uuid PRIMARY KEY REFERENCES cloud_resources(id),
  organization_id uuid NOT NULL REFERENCES organizations(id),
  window_days integer NOT NULL,
  avg_cpu numeric,
  avg_memory numeric,
  samples integer NOT NULL,
  computed_at timestamptz NOT NULL
);
ALTER TABLE resource_utilization ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS resource_utilization_tenant_isolation ON resource_utilization;
CREATE POLICY resource_utilization_tenant_isolation ON resource_utilization FOR ALL TO public
  USING (organization_id = (select current_organization_id())) WITH CHECK (organization_id = (select current_organization_id()));
CREATE INDEX IF NOT EXISTS idx_resource_utilization_low
  ON resource_utilization (organization_id) WHERE avg_cpu < 20 AND coalesce(avg_memory < 30, true);
GRANT SELECT ON resource_utilization TO cloudsync_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON resource_utilization TO cloudsync_worker;

CREATE OR REPLACE FUNCTION refresh_resource_utilization(window_days integer DEFAULT 30) RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  n integer;
BEGIN
  DELETE FROM resource_utilization;
  INSERT INTO resource_utilization (resource_id, organization_id, window_days, avg_cpu, avg_memory, samples, computed_at)
  SELECT im.resource_id, im.organization_id, window_days,
         avg((im.metrics ->> 'cpu_utilization')::numeric), avg((im.metrics ->> 'memory_utilization')::numeric), count(*), now()
    FROM infrastructure_monitoring im
   WHERE im.monitoring_timestamp > now() - make_interval(days => window_days)
   GROUP BY im.resource_id, im.organization_id;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END;
$$;
SELECT refresh_resource_utilization(30);
VACUUM ANALYZE cloud_resources;
VACUUM ANALYZE resource_utilization;

CREATE OR REPLACE FUNCTION proposed_analyze_cost_optimization(org_id uuid, lookback_days integer DEFAULT 30)
RETURNS TABLE (optimization_type varchar(50), potential_monthly_savings numeric(12, 2), affected_resources integer, recommendation_details jsonb)
  LANGUAGE plpgsql STABLE SECURITY INVOKER SET search_path = public, pg_temp
AS $$
DECLARE
  since timestamptz;
  snapshot_window integer;
BEGIN
  PERFORM assert_organization_access(org_id);
  IF lookback_days IS NULL OR lookback_days < 1 OR lookback_days > 3650 THEN
    RAISE EXCEPTION 'lookback_days must be between 1 and 3650, got %', lookback_days USING ERRCODE = '22023';
  END IF;
  since := now() - make_interval(days => lookback_days);

  -- Unused: candidates from the partial index (last_sample_at may lag by up to a day, never
  -- lead), each confirmed against the samples, so the answer is exact.
  RETURN QUERY
  SELECT 'unused_resources'::varchar(50),
         coalesce(sum((cr.cost_tracking ->> 'monthly_cost')::numeric), 0)::numeric(12, 2),
         count(*)::integer,
         jsonb_build_object('resources', jsonb_agg(cr.id ORDER BY cr.id),
                            'description', 'Resources with no activity in the past ' || lookback_days || ' days')
    FROM cloud_resources cr
   WHERE cr.organization_id = org_id
     AND cr.resource_status = 'running'
     AND (cr.last_sample_at IS NULL OR cr.last_sample_at <= since)
     AND NOT EXISTS (SELECT 1 FROM infrastructure_monitoring im WHERE im.resource_id = cr.id AND im.monitoring_timestamp > since)
  HAVING count(*) > 0;

  SELECT min(u.window_days) INTO snapshot_window FROM resource_utilization u WHERE u.organization_id = org_id;
  IF snapshot_window = lookback_days THEN
    RETURN QUERY
    SELECT 'rightsizing'::varchar(50),
           coalesce(sum((cr.cost_tracking ->> 'monthly_cost')::numeric * 0.3), 0)::numeric(12, 2),
           count(*)::integer,
           jsonb_build_object('resources', jsonb_agg(cr.id ORDER BY cr.id), 'description', 'Resources with consistently low utilization')
      FROM resource_utilization u
      JOIN cloud_resources cr ON cr.id = u.resource_id
     WHERE u.organization_id = org_id
       AND u.avg_cpu < 20 AND coalesce(u.avg_memory < 30, true)
       AND cr.organization_id = org_id AND cr.resource_status = 'running'
    HAVING count(*) > 0;
  ELSE
    RETURN QUERY
    SELECT 'rightsizing'::varchar(50),
           coalesce(sum((cr.cost_tracking ->> 'monthly_cost')::numeric * 0.3), 0)::numeric(12, 2),
           count(*)::integer,
           jsonb_build_object('resources', jsonb_agg(cr.id ORDER BY cr.id), 'description', 'Resources with consistently low utilization')
      FROM cloud_resources cr
      JOIN (SELECT im.resource_id FROM infrastructure_monitoring im
             WHERE im.organization_id = org_id AND im.monitoring_timestamp > since
             GROUP BY im.resource_id
            HAVING avg((im.metrics ->> 'cpu_utilization')::numeric) < 20
               AND coalesce(avg((im.metrics ->> 'memory_utilization')::numeric) < 30, true)) low_util ON low_util.resource_id = cr.id
     WHERE cr.organization_id = org_id AND cr.resource_status = 'running'
    HAVING count(*) > 0;
  END IF;
END;
$$;
