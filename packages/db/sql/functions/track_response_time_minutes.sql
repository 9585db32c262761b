-- track_response_time_minutes: the current definition, as the migrated database has it (pg_get_functiondef).
-- To change it: edit this file, then `pnpm --filter @cloudsync/db db:function <migration-name> track_response_time_minutes`
-- writes a migration with this content; test/function-definitions.test.ts checks the two agree.
CREATE OR REPLACE FUNCTION public.track_response_time_minutes()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_temp'
AS $function$
DECLARE
  added response_time_change[];
  removed response_time_change[];
  month date;
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    IF TG_RELID = 'public.infrastructure_monitoring'::regclass THEN
      DELETE FROM response_time_minutes;
    ELSIF EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = TG_RELID AND i.inhparent = 'public.infrastructure_monitoring'::regclass) THEN
      month := to_date(substring(TG_TABLE_NAME FROM '^infrastructure_monitoring_p([0-9]{6})$'), 'YYYYMM');
      IF month IS NOT NULL THEN
        PERFORM recount_response_time_minutes(NULL, month::timestamp AT TIME ZONE 'UTC', (month + interval '1 month')::timestamp AT TIME ZONE 'UTC');
      ELSE
        -- The default partition: the minutes of months no monthly partition holds.
        DELETE FROM response_time_minutes r
         WHERE to_regclass(format('public.%I', monitoring_partition_name(date_trunc('month', r.minute AT TIME ZONE 'UTC')::date))) IS NULL;
      END IF;
    END IF;
    -- A table detached from infrastructure_monitoring holds no samples of it: nothing to do.
    RETURN NULL;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    SELECT array_agg(ROW(g.organization_id, g.provider_id, g.minute, 1, g.scale, g.samples, g.response_time_sum, g.other_values)::response_time_change)
      INTO added
      FROM (SELECT n.organization_id, cr.provider_id, date_bin('1 minute', n.monitoring_timestamp, timestamptz '2000-01-01 00:00:00+00') AS minute,
                   scale(n.x) AS scale, count(n.x) AS samples, coalesce(sum(n.x), 0) AS response_time_sum,
                   count(*) FILTER (WHERE n.x IS NULL) AS other_values
              FROM (SELECT organization_id, resource_id, monitoring_timestamp,
                           CASE WHEN jsonb_typeof(metrics -> 'response_time_ms') = 'number'
                                THEN (metrics ->> 'response_time_ms')::numeric END AS x
                      FROM new_rows
                     WHERE jsonb_typeof(metrics -> 'response_time_ms') IS DISTINCT FROM 'null'
                       AND metrics -> 'response_time_ms' IS NOT NULL) n
              LEFT JOIN cloud_resources cr ON cr.organization_id = n.organization_id AND cr.id = n.resource_id
             GROUP BY 1, 2, 3, 4) g;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    SELECT array_agg(ROW(g.organization_id, g.provider_id, g.minute, -1, g.scale, g.samples, g.response_time_sum, g.other_values)::response_time_change)
      INTO removed
      FROM (SELECT o.organization_id, cr.provider_id, date_bin('1 minute', o.monitoring_timestamp, timestamptz '2000-01-01 00:00:00+00') AS minute,
                   scale(o.x) AS scale, count(o.x) AS samples, coalesce(sum(o.x), 0) AS response_time_sum,
                   count(*) FILTER (WHERE o.x IS NULL) AS other_values
              FROM (SELECT organization_id, resource_id, monitoring_timestamp,
                           CASE WHEN jsonb_typeof(metrics -> 'response_time_ms') = 'number'
                                THEN (metrics ->> 'response_time_ms')::numeric END AS x
                      FROM old_rows
                     WHERE jsonb_typeof(metrics -> 'response_time_ms') IS DISTINCT FROM 'null'
                       AND metrics -> 'response_time_ms' IS NOT NULL) o
              LEFT JOIN cloud_resources cr ON cr.organization_id = o.organization_id AND cr.id = o.resource_id
             GROUP BY 1, 2, 3, 4) g;
  END IF;
  PERFORM apply_response_time_changes(coalesce(added, '{}') || coalesce(removed, '{}'));
  RETURN NULL;
END;
$function$;
