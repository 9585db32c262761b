DROP FUNCTION IF EXISTS proposed_analyze_cost_optimization(uuid, integer);
DROP FUNCTION IF EXISTS refresh_resource_utilization(integer);
DROP TABLE IF EXISTS resource_utilization;
DROP INDEX IF EXISTS idx_cloud_resources_running_last_sample;
ALTER TABLE cloud_resources DROP COLUMN IF EXISTS last_sample_at;

-- A per-resource snapshot of the last 30 days, refreshed by the metrics job (like
-- monthly_cost_summary): analyze_cost_optimization(org, 30) reads two partial indexes of it.
CREATE TABLE resource_utilization (
  resource_id uuid PRIMARY KEY REFERENCES cloud_resources(id) ON DELETE CASCADE,
  organization_id uuid NOT NULL REFERENCES organizations(id),
  window_days integer NOT NULL CHECK (window_days BETWEEN 1 AND 3650),
  monthly_cost numeric NOT NULL,
  last_sample_at timestamptz,
  avg_cpu numeric,
  avg_memory numeric,
  is_unused boolean NOT NULL,
  is_underused boolean NOT NULL,
  computed_at timestamptz NOT NULL
);
COMMENT ON TABLE resource_utilization IS 'Per-resource utilization over the last window_days, refreshed by refresh_resource_utilization(); what analyze_cost_optimization reads for its default window.';
CREATE INDEX idx_resource_utilization_org ON resource_utilization (organization_id, window_days);
CREATE INDEX idx_resource_utilization_unused ON resource_utilization (organization_id) INCLUDE (resource_id, monthly_cost) WHERE is_unused;
CREATE INDEX idx_resource_utilization_underused ON resource_utilization (organization_id) INCLUDE (resource_id, monthly_cost) WHERE is_underused;
ALTER TABLE resource_utilization ENABLE ROW LEVEL SECURITY;
CREATE POLICY resource_utilization_tenant_isolation ON resource_utilization AS PERMISSIVE FOR ALL TO public
  USING (organization_id = (select current_organization_id())) WITH CHECK (organization_id = (select current_organization_id()));

CREATE OR REPLACE FUNCTION refresh_resource_utilization(org_id uuid, window_days integer DEFAULT 30) RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  n integer;
BEGIN
  DELETE FROM resource_utilization WHERE organization_id = org_id;
  INSERT INTO resource_utilization (resource_id, organization_id, window_days, monthly_cost, last_sample_at, avg_cpu, avg_memory,
                                    is_unused, is_underused, computed_at)
  SELECT cr.id, cr.organization_id, window_days, coalesce((cr.cost_tracking ->> 'monthly_cost')::numeric, 0),
         s.last_sample_at, s.avg_cpu, s.avg_memory,
         cr.resource_status = 'running' AND s.resource_id IS NULL,
         coalesce(cr.resource_status = 'running' AND s.avg_cpu < 20 AND coalesce(s.avg_memory < 30, true), false),
         now()
    FROM cloud_resources cr
    LEFT JOIN (
      SELECT im.resource_id, max(im.monitoring_timestamp) AS last_sample_at,
             avg((im.metrics ->> 'cpu_utilization')::numeric) AS avg_cpu,
             avg((im.metrics ->> 'memory_utilization')::numeric) AS avg_memory
        FROM infrastructure_monitoring im
       WHERE im.organization_id = org_id AND im.monitoring_timestamp > now() - make_interval(days => window_days)
       GROUP BY im.resource_id
    ) s ON s.resource_id = cr.id
   WHERE cr.organization_id = org_id AND cr.resource_status <> 'terminated';
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END;
$$;
REVOKE ALL ON FUNCTION refresh_resource_utilization(uuid, integer) FROM PUBLIC;
GRANT SELECT ON resource_utilization TO cloudsync_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON resource_utilization TO cloudsync_worker;
GRANT EXECUTE ON FUNCTION refresh_resource_utilization(uuid, integer) TO cloudsync_worker;

CREATE OR REPLACE FUNCTION proposed_analyze_cost_optimization(org_id uuid, lookback_days integer DEFAULT 30)
RETURNS TABLE (optimization_type varchar(50), potential_monthly_savings numeric(12, 2), affected_resources integer, recommendation_details jsonb)
  LANGUAGE plpgsql STABLE SECURITY INVOKER SET search_path = public, pg_temp
AS $$
DECLARE
  snapshot timestamptz;
BEGIN
  PERFORM assert_organization_access(org_id);
  IF lookback_days IS NULL OR lookback_days < 1 OR lookback_days > 3650 THEN
    RAISE EXCEPTION 'lookback_days must be between 1 and 3650, got %', lookback_days USING ERRCODE = '22023';
  END IF;
  SELECT u.computed_at INTO snapshot FROM resource_utilization u WHERE u.organization_id = org_id AND u.window_days = lookback_days LIMIT 1;
  IF snapshot IS NULL THEN
    RETURN QUERY SELECT * FROM analyze_cost_optimization(org_id, lookback_days);
    RETURN;
  END IF;
  RETURN QUERY
  SELECT 'unused_resources'::varchar(50), coalesce(sum(u.monthly_cost), 0)::numeric(12, 2), count(*)::integer,
         jsonb_build_object('resources', jsonb_agg(u.resource_id ORDER BY u.resource_id),
                            'description', 'Resources with no activity in the past ' || lookback_days || ' days',
                            'as_of', snapshot)
    FROM resource_utilization u
   WHERE u.organization_id = org_id AND u.is_unused
  HAVING count(*) > 0;
  RETURN QUERY
  SELECT 'rightsizing'::varchar(50), coalesce(sum(u.monthly_cost * 0.3), 0)::numeric(12, 2), count(*)::integer,
         jsonb_build_object('resources', jsonb_agg(u.resource_id ORDER BY u.resource_id),
                            'description', 'Resources with consistently low utilization',
                            'as_of', snapshot)
    FROM resource_utilization u
   WHERE u.organization_id = org_id AND u.is_underused
  HAVING count(*) > 0;
END;
$$;
