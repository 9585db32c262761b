/**
 * The design document's two functions (WS-257, "Performance Functions"), copied as written and
 * only renamed, so they can be measured beside ours in the benchmark database. They are never
 * part of the schema. Its samples had no organization_id; these versions join through
 * cloud_resources and filter the window on every organization's samples, which still runs
 * against our tables. SECURITY DEFINER as written: they run as the benchmark's owner.
 */
export const seedFunctionsSql = `
CREATE OR REPLACE FUNCTION seed_get_infrastructure_health_score(org_id UUID, provider_ids UUID[] DEFAULT NULL)
RETURNS JSONB AS $$
DECLARE
  health_data JSONB;
  total_resources INTEGER;
  healthy_resources INTEGER;
  warning_resources INTEGER;
  critical_resources INTEGER;
  avg_response_time DECIMAL;
BEGIN
  -- Get resource health statistics
  SELECT 
    COUNT(*) as total,
    COUNT(*) FILTER (WHERE health_status = 'healthy') as healthy,
    COUNT(*) FILTER (WHERE health_status = 'warning') as warning,
    COUNT(*) FILTER (WHERE health_status = 'critical') as critical
  INTO total_resources, healthy_resources, warning_resources, critical_resources
  FROM cloud_resources cr
  WHERE cr.organization_id = org_id
    AND cr.resource_status = 'running'
    AND (provider_ids IS NULL OR cr.provider_id = ANY(provider_ids));

  -- Get average response time from recent monitoring data
  SELECT AVG(CAST(metrics->>'response_time_ms' AS DECIMAL))
  INTO avg_response_time
  FROM infrastructure_monitoring im
  JOIN cloud_resources cr ON im.resource_id = cr.id
  WHERE cr.organization_id = org_id
    AND im.monitoring_timestamp > NOW() - INTERVAL '1 hour'
    AND (provider_ids IS NULL OR cr.provider_id = ANY(provider_ids));

  health_data := jsonb_build_object(
    'total_resources', total_resources,
    'healthy_resources', healthy_resources,
    'warning_resources', warning_resources,
    'critical_resources', critical_resources,
    'health_percentage', CASE 
      WHEN total_resources = 0 THEN 100
      ELSE ROUND((healthy_resources::DECIMAL / total_resources) * 100, 2)
    END,
    'avg_response_time_ms', COALESCE(avg_response_time, 0),
    'overall_status', CASE
      WHEN critical_resources > 0 THEN 'critical'
      WHEN warning_resources > 0 THEN 'warning'
      WHEN healthy_resources = total_resources THEN 'healthy'
      ELSE 'unknown'
    END,
    'last_updated', NOW()
  );

  RETURN health_data;
END;
$$ LANGUAGE plpgsql SECURITY DEFINER;

CREATE OR REPLACE FUNCTION seed_analyze_cost_optimization(org_id UUID, lookback_days INTEGER DEFAULT 30)
RETURNS TABLE (
  optimization_type VARCHAR(50),
  potential_monthly_savings DECIMAL(12,2),
  affected_resources INTEGER,
  recommendation_details JSONB
) AS $$
BEGIN
  -- Unused resources (no activity in lookback period)
  RETURN QUERY
  SELECT 
    'unused_resources'::VARCHAR(50),
    SUM(CAST(cr.cost_tracking->>'monthly_cost' AS DECIMAL))::DECIMAL(12,2),
    COUNT(*)::INTEGER,
    jsonb_build_object(
      'resources', array_agg(cr.id),
      'description', 'Resources with no activity in the past ' || lookback_days || ' days'
    )
  FROM cloud_resources cr
  LEFT JOIN infrastructure_monitoring im ON cr.id = im.resource_id 
    AND im.monitoring_timestamp > NOW() - INTERVAL '1 day' * lookback_days
  WHERE cr.organization_id = org_id
    AND cr.resource_status = 'running'
    AND im.resource_id IS NULL
  HAVING COUNT(*) > 0;

  -- Oversized resources (low utilization)
  RETURN QUERY
  SELECT 
    'rightsizing'::VARCHAR(50),
    SUM(CAST(cr.cost_tracking->>'monthly_cost' AS DECIMAL) * 0.3)::DECIMAL(12,2), -- Estimated 30% savings
    COUNT(*)::INTEGER,
    jsonb_build_object(
      'resources', array_agg(cr.id),
      'description', 'Resources with consistently low utilization'
    )
  FROM cloud_resources cr
  JOIN (
    SELECT 
      resource_id,
      AVG(CAST(metrics->>'cpu_utilization' AS DECIMAL)) as avg_cpu,
      AVG(CAST(metrics->>'memory_utilization' AS DECIMAL)) as avg_memory
    FROM infrastructure_monitoring
    WHERE monitoring_timestamp > NOW() - INTERVAL '1 day' * lookback_days
    GROUP BY resource_id
    HAVING AVG(CAST(metrics->>'cpu_utilization' AS DECIMAL)) < 20 
       AND AVG(CAST(metrics->>'memory_utilization' AS DECIMAL)) < 30
  ) low_util ON cr.id = low_util.resource_id
  WHERE cr.organization_id = org_id
    AND cr.resource_status = 'running'
  HAVING COUNT(*) > 0;
END;
$$ LANGUAGE plpgsql SECURITY DEFINER;

-- Functions are not executable by PUBLIC in our databases (migration 0020): the queries run as
-- the application role, so it is granted these two as it is granted ours.
GRANT EXECUTE ON FUNCTION seed_get_infrastructure_health_score(UUID, UUID[]),
                          seed_analyze_cost_optimization(UUID, INTEGER) TO cloudsync_app;
`;
