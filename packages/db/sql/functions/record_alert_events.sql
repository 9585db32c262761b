-- record_alert_events: the current definition, as the migrated database has it (pg_get_functiondef).
-- To change it: edit this file, then `pnpm --filter @cloudsync/db db:function <migration-name> record_alert_events`
-- writes a migration with this content; test/function-definitions.test.ts checks the two agree.
CREATE OR REPLACE FUNCTION public.record_alert_events()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_temp'
AS $function$
DECLARE
  last_seq bigint;
BEGIN
  WITH written AS (
    INSERT INTO realtime_events (organization_id, channel, resource_id, is_wedding_critical, payload, created_at)
    SELECT a.organization_id, 'infrastructure_alert', a.resource_id, coalesce(r.is_wedding_critical, false),
           jsonb_build_object(
             'type', 'new_alert',
             'alert_id', a.id,
             'severity', a.severity_level,
             'alert_type', a.alert_type,
             'resource_id', a.resource_id,
             'organization_id', a.organization_id,
             'triggered_at', a.triggered_at),
           clock_timestamp()
      FROM new_rows a LEFT JOIN cloud_resources r ON r.id = a.resource_id
    RETURNING seq
  )
  SELECT max(seq) INTO last_seq FROM written;
  IF last_seq IS NOT NULL THEN
    PERFORM pg_notify('cloudsync_realtime_events', last_seq::text);
  END IF;
  RETURN NULL;
END;
$function$;
