-- cost_optimization_resources: the current definition, as the migrated database has it (pg_get_functiondef).
-- To change it: edit this file, then `pnpm --filter @cloudsync/db db:function <migration-name> cost_optimization_resources`
-- writes a migration with this content; test/function-definitions.test.ts checks the two agree.
CREATE OR REPLACE FUNCTION public.cost_optimization_resources(org_id uuid, optimization_type character varying, lookback_days integer DEFAULT 30, page_size integer DEFAULT 100, after_savings numeric DEFAULT NULL::numeric, after_id uuid DEFAULT NULL::uuid)
 RETURNS TABLE(resource_id uuid, monthly_cost numeric, monthly_savings numeric)
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'public', 'pg_temp'
AS $function$
DECLARE
  snapshot_window integer;
  since timestamptz;
  -- The keyset: rows after (after_savings, after_id) in the order "saving descending, id
  -- ascending", written as (savings_order, id) > (-after_savings, after_id) in
  -- resource_utilization's stored key (the saving negated, as a double) so that one row
  -- comparison of leakproof operators bounds the index scan under row-level security. The
  -- first page starts before every row: no saving is infinite.
  after_key double precision := coalesce((-after_savings)::double precision, '-Infinity'::double precision);
  after_key_id uuid := coalesce(after_id, '00000000-0000-0000-0000-000000000000'::uuid);
BEGIN
  PERFORM assert_organization_access(org_id);
  IF cost_optimization_resources.optimization_type IS NULL
     OR cost_optimization_resources.optimization_type NOT IN ('unused_resources', 'rightsizing') THEN
    RAISE EXCEPTION 'optimization_type must be unused_resources or rightsizing, got %', cost_optimization_resources.optimization_type
      USING ERRCODE = '22023';
  END IF;
  IF lookback_days IS NULL OR lookback_days < 1 OR lookback_days > 3650 THEN
    RAISE EXCEPTION 'lookback_days must be between 1 and 3650, got %', lookback_days USING ERRCODE = '22023';
  END IF;
  IF page_size IS NULL OR page_size < 1 OR page_size > 1000 THEN
    RAISE EXCEPTION 'page_size must be between 1 and 1000, got %', page_size USING ERRCODE = '22023';
  END IF;
  IF (after_savings IS NULL) <> (after_id IS NULL) THEN
    RAISE EXCEPTION 'after_savings and after_id go together: pass both from the last row of the previous page, or neither for the first page'
      USING ERRCODE = '22023';
  END IF;

  -- The snapshot's window, as analyze_cost_optimization reads it.
  SELECT ru.window_days INTO snapshot_window
    FROM resource_utilization ru
   WHERE ru.organization_id = org_id
   ORDER BY ru.resource_id
   LIMIT 1;

  IF snapshot_window = lookback_days THEN
    -- Flat with the estate: each page starts at the cursor in the type's partial index.
    IF cost_optimization_resources.optimization_type = 'unused_resources' THEN
      RETURN QUERY
      SELECT ru.resource_id, ru.monthly_cost, coalesce(ru.monthly_cost, 0)
        FROM resource_utilization ru
       WHERE ru.organization_id = org_id
         AND ru.is_unused
         AND (ru.savings_order, ru.resource_id) > (after_key, after_key_id)
       ORDER BY ru.savings_order, ru.resource_id
       LIMIT page_size;
    ELSE
      RETURN QUERY
      SELECT ru.resource_id, ru.monthly_cost, coalesce(ru.monthly_cost, 0) * 0.3
        FROM resource_utilization ru
       WHERE ru.organization_id = org_id
         AND ru.is_underused
         AND (ru.savings_order, ru.resource_id) > (after_key, after_key_id)
       ORDER BY ru.savings_order, ru.resource_id
       LIMIT page_size;
    END IF;
    RETURN;
  END IF;

  -- Another window than the snapshot's: analyze_cost_optimization's live criteria over the
  -- window's samples, so each page costs what that call costs.
  since := now() - make_interval(days => lookback_days);
  IF cost_optimization_resources.optimization_type = 'unused_resources' THEN
    RETURN QUERY
    SELECT u.id, u.cost, coalesce(u.cost, 0)
      FROM (SELECT cr.id, (cr.cost_tracking ->> 'monthly_cost')::numeric AS cost
              FROM cloud_resources cr
             WHERE cr.organization_id = org_id
               AND cr.resource_status = 'running'
               AND NOT EXISTS (
                     SELECT 1 FROM infrastructure_monitoring im
                      WHERE im.resource_id = cr.id AND im.organization_id = org_id AND im.monitoring_timestamp > since)) u
     WHERE ((-coalesce(u.cost, 0))::double precision, u.id) > (after_key, after_key_id)
     ORDER BY (-coalesce(u.cost, 0))::double precision, u.id
     LIMIT page_size;
  ELSE
    RETURN QUERY
    SELECT u.id, u.cost, coalesce(u.cost, 0) * 0.3
      FROM (SELECT cr.id, (cr.cost_tracking ->> 'monthly_cost')::numeric AS cost
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
               AND cr.resource_status = 'running') u
     WHERE ((-(coalesce(u.cost, 0) * 0.3))::double precision, u.id) > (after_key, after_key_id)
     ORDER BY (-(coalesce(u.cost, 0) * 0.3))::double precision, u.id
     LIMIT page_size;
  END IF;
END;
$function$;
