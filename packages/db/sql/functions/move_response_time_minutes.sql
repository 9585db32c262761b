-- move_response_time_minutes: the current definition, as the migrated database has it (pg_get_functiondef).
-- To change it: edit this file, then `pnpm --filter @cloudsync/db db:function <migration-name> move_response_time_minutes`
-- writes a migration with this content; test/function-definitions.test.ts checks the two agree.
CREATE OR REPLACE FUNCTION public.move_response_time_minutes()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_temp'
AS $function$
DECLARE
  changes response_time_change[];
BEGIN
  SELECT array_agg(ROW(NEW.organization_id, p.provider_id, g.minute, p.sign, g.scale, g.samples, g.response_time_sum, g.other_values)::response_time_change)
    INTO changes
    FROM (SELECT date_bin('1 minute', s.monitoring_timestamp, timestamptz '2000-01-01 00:00:00+00') AS minute,
                 scale(s.x) AS scale, count(s.x) AS samples, coalesce(sum(s.x), 0) AS response_time_sum,
                 count(*) FILTER (WHERE s.x IS NULL) AS other_values
            FROM (SELECT monitoring_timestamp,
                         CASE WHEN jsonb_typeof(metrics -> 'response_time_ms') = 'number'
                              THEN (metrics ->> 'response_time_ms')::numeric END AS x
                    FROM infrastructure_monitoring
                   WHERE organization_id = NEW.organization_id AND resource_id = NEW.id
                     AND jsonb_typeof(metrics -> 'response_time_ms') IS DISTINCT FROM 'null'
                     AND metrics -> 'response_time_ms' IS NOT NULL) s
           GROUP BY 1, 2) g
   CROSS JOIN (VALUES (OLD.provider_id, -1), (NEW.provider_id, 1)) p(provider_id, sign);
  PERFORM apply_response_time_changes(changes);
  RETURN NULL;
END;
$function$;
