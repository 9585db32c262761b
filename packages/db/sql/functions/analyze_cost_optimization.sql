-- analyze_cost_optimization: the current definition, as the migrated database has it (pg_get_functiondef).
-- To change it: edit this file, then `pnpm --filter @cloudsync/db db:function <migration-name> analyze_cost_optimization`
-- writes a migration with this content; test/function-definitions.test.ts checks the two agree.
CREATE OR REPLACE FUNCTION public.analyze_cost_optimization(org_id uuid, lookback_days integer DEFAULT 30)
 RETURNS TABLE(optimization_type character varying, potential_monthly_savings numeric, affected_resources integer, recommendation_details jsonb)
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'public', 'pg_temp'
AS $function$
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

  -- Each row's list holds at most 100 ids, largest monthly saving first (ties by id), in the
  -- key the snapshot stores (resource_utilization.savings_order: the saving negated, as a
  -- double), so both paths answer alike; the totals count every resource and
  -- cost_optimization_resources pages the whole list.

  -- Unused: running resources with no sample at all in the lookback window.
  RETURN QUERY
  WITH unused AS (
    SELECT cr.id, (cr.cost_tracking ->> 'monthly_cost')::numeric AS monthly_cost
      FROM cloud_resources cr
     WHERE cr.organization_id = org_id
       AND cr.resource_status = 'running'
       AND NOT EXISTS (
             SELECT 1 FROM infrastructure_monitoring im
              WHERE im.resource_id = cr.id AND im.organization_id = org_id AND im.monitoring_timestamp > since)
  )
  SELECT 'unused_resources'::varchar(50),
         coalesce(sum(u.monthly_cost), 0)::numeric(12, 2),
         count(*)::integer,
         jsonb_build_object(
           'resources', (SELECT jsonb_agg(top.id ORDER BY top.key, top.id)
                           FROM (SELECT (-coalesce(t.monthly_cost, 0))::double precision AS key, t.id
                                   FROM unused t
                                  ORDER BY 1, 2
                                  LIMIT 100) top),
           'resources_total', count(*),
           'resources_truncated', count(*) > 100,
           'description', 'Resources with no activity in the past ' || lookback_days || ' days',
           'as_of', as_of)
    FROM unused u
  HAVING count(*) > 0;

  -- Rightsizing: running resources whose mean CPU < 20 % and mean memory < 30 % over the window
  -- (an estimated 30 % saving). A resource whose cloud reports no memory (EC2 without an agent)
  -- is judged on CPU alone.
  RETURN QUERY
  WITH underused AS (
    SELECT cr.id, (cr.cost_tracking ->> 'monthly_cost')::numeric AS monthly_cost
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
  )
  SELECT 'rightsizing'::varchar(50),
         coalesce(sum(u.monthly_cost * 0.3), 0)::numeric(12, 2),
         count(*)::integer,
         jsonb_build_object(
           'resources', (SELECT jsonb_agg(top.id ORDER BY top.key, top.id)
                           FROM (SELECT (-(coalesce(t.monthly_cost, 0) * 0.3))::double precision AS key, t.id
                                   FROM underused t
                                  ORDER BY 1, 2
                                  LIMIT 100) top),
           'resources_total', count(*),
           'resources_truncated', count(*) > 100,
           'description', 'Resources with consistently low utilization',
           'as_of', as_of)
    FROM underused u
  HAVING count(*) > 0;
END;
$function$;
