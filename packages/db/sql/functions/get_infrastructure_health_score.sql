-- get_infrastructure_health_score: the current definition, as the migrated database has it (pg_get_functiondef).
-- To change it: edit this file, then `pnpm --filter @cloudsync/db db:function <migration-name> get_infrastructure_health_score`
-- writes a migration with this content; test/function-definitions.test.ts checks the two agree.
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
  window_start timestamptz;
  first_whole_minute timestamptz;
  kept_samples bigint;
  kept_sum numeric;
  kept_scale integer;
  kept_other bigint;
  edge_samples bigint;
  edge_sum numeric;
  edge_scale integer;
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

  -- The mean response time of the samples after now() - 1 hour (as the samples say it, exactly):
  -- the whole minutes after the first are summed from response_time_minutes (about sixty rows
  -- per provider, kept by the triggers on infrastructure_monitoring, 0038); only the first,
  -- partial minute is read from the samples. docs/health-and-costs.md says why it is exact.
  window_start := now() - interval '1 hour';
  first_whole_minute := date_bin('1 minute', window_start, timestamptz '2000-01-01 00:00:00+00') + interval '1 minute';
  SELECT coalesce(sum(r.samples), 0), coalesce(sum(r.response_time_sum), 0), max(r.max_scale), coalesce(sum(r.other_values), 0)
    INTO kept_samples, kept_sum, kept_scale, kept_other
    FROM response_time_minutes r
   WHERE r.organization_id = org_id
     AND r.minute >= first_whole_minute
     AND (provider_ids IS NULL OR r.provider_id = ANY (provider_ids));
  IF kept_other > 0 THEN
    -- Some sample of the hour holds response_time_ms as something else than a number (a
    -- string): average the samples themselves, as this function always did.
    SELECT avg((im.metrics ->> 'response_time_ms')::numeric)
      INTO avg_response_time
      FROM infrastructure_monitoring im
     WHERE im.organization_id = org_id
       AND im.monitoring_timestamp > window_start
       AND (provider_ids IS NULL OR EXISTS (
             SELECT 1 FROM cloud_resources cr
              WHERE cr.id = im.resource_id AND cr.provider_id = ANY (provider_ids)));
  ELSE
    SELECT count(e.x), coalesce(sum(e.x), 0), max(scale(e.x))
      INTO edge_samples, edge_sum, edge_scale
      FROM (SELECT (im.metrics ->> 'response_time_ms')::numeric AS x
              FROM infrastructure_monitoring im
             WHERE im.organization_id = org_id
               AND im.monitoring_timestamp > window_start
               AND im.monitoring_timestamp < first_whole_minute
               AND (provider_ids IS NULL OR EXISTS (
                     SELECT 1 FROM cloud_resources cr
                      WHERE cr.id = im.resource_id AND cr.provider_id = ANY (provider_ids)))) e;
    IF kept_samples + edge_samples > 0 THEN
      -- avg() divides the exact sum, at the largest scale among the samples, by their count;
      -- round() gives the kept sum that scale back (subtracting a deleted sample's value leaves
      -- its decimals behind), and is exact because no sample has more decimals.
      avg_response_time := round(kept_sum + edge_sum, coalesce(greatest(kept_scale, edge_scale), 0))
                           / (kept_samples + edge_samples)::numeric;
    END IF;
  END IF;

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
