-- recount_response_time_minutes: the current definition, as the migrated database has it (pg_get_functiondef).
-- To change it: edit this file, then `pnpm --filter @cloudsync/db db:function <migration-name> recount_response_time_minutes`
-- writes a migration with this content; test/function-definitions.test.ts checks the two agree.
CREATE OR REPLACE FUNCTION public.recount_response_time_minutes(org_id uuid, lo timestamp with time zone, hi timestamp with time zone)
 RETURNS bigint
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_temp'
AS $function$
DECLARE
  written bigint;
BEGIN
  DELETE FROM response_time_minutes r
   WHERE (org_id IS NULL OR r.organization_id = org_id)
     AND (lo IS NULL OR r.minute >= lo) AND (hi IS NULL OR r.minute < hi);
  INSERT INTO response_time_minutes AS c (organization_id, minute, provider_id, samples, response_time_sum,
                                          max_scale, samples_at_max_scale, other_values)
  SELECT g.organization_id, g.minute, g.provider_id, sum(g.samples), sum(g.response_time_sum), max(g.scale),
         coalesce((array_agg(g.samples ORDER BY g.scale DESC NULLS LAST))[1], 0), sum(g.other_values)
    FROM (SELECT s.organization_id, date_bin('1 minute', s.monitoring_timestamp, timestamptz '2000-01-01 00:00:00+00') AS minute,
                 cr.provider_id, scale(s.x) AS scale, count(s.x) AS samples, coalesce(sum(s.x), 0) AS response_time_sum,
                 count(*) FILTER (WHERE s.x IS NULL) AS other_values
            FROM (SELECT im.organization_id, im.resource_id, im.monitoring_timestamp,
                         CASE WHEN jsonb_typeof(im.metrics -> 'response_time_ms') = 'number'
                              THEN (im.metrics ->> 'response_time_ms')::numeric END AS x
                    FROM infrastructure_monitoring im
                   WHERE (org_id IS NULL OR im.organization_id = org_id)
                     AND (lo IS NULL OR im.monitoring_timestamp >= lo) AND (hi IS NULL OR im.monitoring_timestamp < hi)
                     AND jsonb_typeof(im.metrics -> 'response_time_ms') IS DISTINCT FROM 'null'
                     AND im.metrics -> 'response_time_ms' IS NOT NULL) s
            JOIN cloud_resources cr ON cr.organization_id = s.organization_id AND cr.id = s.resource_id
           GROUP BY 1, 2, 3, 4) g
   GROUP BY 1, 2, 3
   ORDER BY 1, 2, 3;
  GET DIAGNOSTICS written = ROW_COUNT;
  RETURN written;
END;
$function$;
