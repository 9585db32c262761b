-- apply_response_time_changes: the current definition, as the migrated database has it (pg_get_functiondef).
-- To change it: edit this file, then `pnpm --filter @cloudsync/db db:function <migration-name> apply_response_time_changes`
-- writes a migration with this content; test/function-definitions.test.ts checks the two agree.
CREATE OR REPLACE FUNCTION public.apply_response_time_changes(changes response_time_change[])
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_temp'
AS $function$
DECLARE
  recount record;
BEGIN
  IF changes IS NULL OR cardinality(changes) = 0 THEN
    RETURN;
  END IF;
  INSERT INTO response_time_minutes AS c (organization_id, minute, provider_id, samples, response_time_sum,
                                          max_scale, samples_at_max_scale, other_values)
  SELECT d.organization_id, d.minute, d.provider_id, sum(d.samples), sum(d.response_time_sum), max(d.scale),
         coalesce((array_agg(d.samples ORDER BY d.scale DESC NULLS LAST))[1], 0), sum(d.other_values)
    FROM unnest(changes) d
   WHERE d.sign > 0 AND d.provider_id IS NOT NULL
   GROUP BY 1, 2, 3
   ORDER BY 1, 2, 3
  ON CONFLICT ON CONSTRAINT response_time_minutes_pkey DO UPDATE SET
    samples = c.samples + excluded.samples,
    response_time_sum = c.response_time_sum + excluded.response_time_sum,
    max_scale = CASE WHEN c.max_scale IS NULL OR excluded.max_scale > c.max_scale THEN coalesce(excluded.max_scale, c.max_scale) ELSE c.max_scale END,
    samples_at_max_scale = CASE
      WHEN excluded.max_scale IS NULL THEN c.samples_at_max_scale
      WHEN c.max_scale IS NULL OR excluded.max_scale > c.max_scale THEN excluded.samples_at_max_scale
      WHEN excluded.max_scale = c.max_scale THEN c.samples_at_max_scale + excluded.samples_at_max_scale
      ELSE c.samples_at_max_scale END,
    other_values = c.other_values + excluded.other_values;
  -- Inserts (every page MetricWriter writes, every COPY) stop here.
  IF NOT EXISTS (SELECT 1 FROM unnest(changes) d WHERE d.sign < 0 OR d.provider_id IS NULL) THEN
    RETURN;
  END IF;

  FOR recount IN
    WITH removed AS (
      SELECT d.organization_id, d.minute, d.provider_id, sum(d.samples) AS samples, sum(d.response_time_sum) AS response_time_sum,
             max(d.scale) AS max_scale, coalesce((array_agg(d.samples ORDER BY d.scale DESC NULLS LAST))[1], 0) AS samples_at_max_scale,
             sum(d.other_values) AS other_values
        FROM unnest(changes) d
       WHERE d.sign < 0 AND d.provider_id IS NOT NULL
       GROUP BY 1, 2, 3
    ), updated AS (
      UPDATE response_time_minutes c SET
        samples = c.samples - r.samples,
        response_time_sum = CASE WHEN c.samples = r.samples THEN 0 ELSE c.response_time_sum - r.response_time_sum END,
        max_scale = CASE WHEN c.samples = r.samples THEN NULL ELSE c.max_scale END,
        samples_at_max_scale = CASE
          WHEN c.samples = r.samples THEN 0
          WHEN r.max_scale IS NULL OR r.max_scale < c.max_scale THEN c.samples_at_max_scale
          WHEN r.max_scale = c.max_scale THEN c.samples_at_max_scale - r.samples_at_max_scale
          ELSE -1 END,
        other_values = c.other_values - r.other_values
        FROM removed r
       WHERE c.organization_id = r.organization_id AND c.minute = r.minute AND c.provider_id = r.provider_id
      RETURNING c.*
    )
    -- Removals from rows that do not add up, or that were never counted, or of unknown provider.
    SELECT u.organization_id, u.minute FROM updated u
     WHERE u.samples < 0 OR u.other_values < 0 OR (u.samples > 0 AND u.samples_at_max_scale <= 0)
    UNION
    SELECT r.organization_id, r.minute FROM removed r
     WHERE NOT EXISTS (SELECT 1 FROM updated u WHERE u.organization_id = r.organization_id AND u.minute = r.minute AND u.provider_id = r.provider_id)
    UNION
    SELECT d.organization_id, d.minute FROM unnest(changes) d WHERE d.provider_id IS NULL
    ORDER BY 1, 2
  LOOP
    PERFORM recount_response_time_minutes(recount.organization_id, recount.minute, recount.minute + interval '1 minute');
  END LOOP;

  DELETE FROM response_time_minutes c
   USING (SELECT DISTINCT d.organization_id, d.minute FROM unnest(changes) d WHERE d.sign < 0) r
   WHERE c.organization_id = r.organization_id AND c.minute = r.minute
     AND c.samples = 0 AND c.other_values = 0;
END;
$function$;
