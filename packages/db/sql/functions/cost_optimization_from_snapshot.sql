-- cost_optimization_from_snapshot: the current definition, as the migrated database has it (pg_get_functiondef).
-- To change it: edit this file, then `pnpm --filter @cloudsync/db db:function <migration-name> cost_optimization_from_snapshot`
-- writes a migration with this content; test/function-definitions.test.ts checks the two agree.
CREATE OR REPLACE FUNCTION public.cost_optimization_from_snapshot(org_id uuid, window_days integer, as_of timestamp with time zone)
 RETURNS TABLE(optimization_type character varying, potential_monthly_savings numeric, affected_resources integer, recommendation_details jsonb)
 LANGUAGE sql
 STABLE
 SET search_path TO 'public', 'pg_temp'
AS $function$
  -- At most 100 resource ids per row, largest monthly saving first (ties by id): the first
  -- entries of the type's partial index (savings_order is the saving negated). The totals
  -- count every resource; cost_optimization_resources pages the whole list (at 1M resources
  -- the full lists were several MB of JSON).
  SELECT 'unused_resources'::varchar(50),
         coalesce(sum(ru.monthly_cost), 0)::numeric(12, 2),
         count(*)::integer,
         jsonb_build_object(
           'resources', coalesce((SELECT jsonb_agg(top.resource_id ORDER BY top.key, top.resource_id)
                                    FROM (SELECT u.savings_order AS key, u.resource_id
                                            FROM resource_utilization u
                                           WHERE u.organization_id = cost_optimization_from_snapshot.org_id
                                             AND u.is_unused
                                           ORDER BY u.savings_order, u.resource_id
                                           LIMIT 100) top), '[]'::jsonb),
           'resources_total', count(*),
           'resources_truncated', count(*) > 100,
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
           'resources', coalesce((SELECT jsonb_agg(top.resource_id ORDER BY top.key, top.resource_id)
                                    FROM (SELECT u.savings_order AS key, u.resource_id
                                            FROM resource_utilization u
                                           WHERE u.organization_id = cost_optimization_from_snapshot.org_id
                                             AND u.is_underused
                                           ORDER BY u.savings_order, u.resource_id
                                           LIMIT 100) top), '[]'::jsonb),
           'resources_total', count(*),
           'resources_truncated', count(*) > 100,
           'description', 'Resources with consistently low utilization',
           'as_of', cost_optimization_from_snapshot.as_of)
    FROM resource_utilization ru
   WHERE ru.organization_id = cost_optimization_from_snapshot.org_id
     AND ru.is_underused
$function$;
