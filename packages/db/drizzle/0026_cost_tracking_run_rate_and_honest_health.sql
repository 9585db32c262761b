-- 0026: a resource nothing has billed has no currency yet (it was "USD" whatever the bill said), and the
-- health score reports unknown resources and coverage instead of counting them as not healthy.
-- docs/health-and-costs.md has the rules; cost_tracking's fields are refreshed by the worker's refreshCostTracking.
ALTER TABLE "cloud_resources" ALTER COLUMN "cost_tracking" SET DEFAULT '{"hourly_cost":0,"daily_cost":0,"monthly_cost":0,"monthly_cost_basis":null,"month_to_date_cost":0,"total_cost":0,"cost_day":null,"first_billed_on":null,"currency":null,"last_updated":null}'::jsonb;
--> statement-breakpoint
-- Made from sql/functions/{get_infrastructure_health_score}.sql by db:function: the canonical files are where to read and change these functions.
CREATE OR REPLACE FUNCTION public.get_infrastructure_health_score(org_id uuid, provider_ids uuid[] DEFAULT NULL::uuid[])
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'public', 'pg_temp'
AS $function$
DECLARE
  total_resources integer;
  healthy_resources integer;
  warning_resources integer;
  critical_resources integer;
  judged_resources integer;
  avg_response_time numeric;
BEGIN
  PERFORM assert_organization_access(org_id);

  -- From the counts the triggers on cloud_resources keep (0016): a few rows per provider.
  SELECT coalesce(sum(c.resources), 0),
         coalesce(sum(c.resources) FILTER (WHERE c.health_status = 'healthy'), 0),
         coalesce(sum(c.resources) FILTER (WHERE c.health_status = 'warning'), 0),
         coalesce(sum(c.resources) FILTER (WHERE c.health_status = 'critical'), 0)
    INTO total_resources, healthy_resources, warning_resources, critical_resources
    FROM resource_health_counts c
   WHERE c.organization_id = org_id
     AND c.resource_status = 'running'
     AND (provider_ids IS NULL OR c.provider_id = ANY (provider_ids));
  -- A resource with no signal ('unknown', or never judged) is not healthy and not sick: the
  -- percentages are of the judged ones, and coverage says how many those are (0026).
  judged_resources := healthy_resources + warning_resources + critical_resources;

  -- The last hour of samples: organization_id on the samples prunes to the current
  -- partition(s) and walks idx_infra_monitoring_org_time; no join unless providers are named.
  SELECT avg((im.metrics ->> 'response_time_ms')::numeric)
    INTO avg_response_time
    FROM infrastructure_monitoring im
   WHERE im.organization_id = org_id
     AND im.monitoring_timestamp > now() - interval '1 hour'
     AND (provider_ids IS NULL OR EXISTS (
           SELECT 1 FROM cloud_resources cr
            WHERE cr.id = im.resource_id AND cr.provider_id = ANY (provider_ids)));

  RETURN jsonb_build_object(
    'total_resources', total_resources,
    'judged_resources', judged_resources,
    'healthy_resources', healthy_resources,
    'warning_resources', warning_resources,
    'critical_resources', critical_resources,
    'unknown_resources', total_resources - judged_resources,
    'coverage_percentage', CASE
      WHEN total_resources = 0 THEN NULL
      ELSE round((judged_resources::numeric / total_resources) * 100, 2)
    END,
    'health_percentage', CASE
      WHEN judged_resources = 0 THEN NULL
      ELSE round((healthy_resources::numeric / judged_resources) * 100, 2)
    END,
    'avg_response_time_ms', round(avg_response_time, 2),
    -- Judged resources only: critical when at least a tenth of them are critical (the provider
    -- rule of MetricWriter), warning when any is warning or critical, unknown when none is judged.
    'overall_status', CASE
      WHEN judged_resources = 0 THEN 'unknown'
      WHEN critical_resources * 10 >= judged_resources THEN 'critical'
      WHEN warning_resources + critical_resources > 0 THEN 'warning'
      ELSE 'healthy'
    END,
    'last_updated', now()
  );
END;
$function$;
