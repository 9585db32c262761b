-- record_resource_status_events: the current definition, as the migrated database has it (pg_get_functiondef).
-- To change it: edit this file, then `pnpm --filter @cloudsync/db db:function <migration-name> record_resource_status_events`
-- writes a migration with this content; test/function-definitions.test.ts checks the two agree.
CREATE OR REPLACE FUNCTION public.record_resource_status_events()
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
    SELECT n.organization_id, 'infrastructure_change', n.id, coalesce(n.is_wedding_critical, false),
           jsonb_build_object(
             'type', 'resource_status_change',
             'resource_id', n.id,
             'provider_id', n.provider_id,
             'old_status', o.resource_status,
             'new_status', n.resource_status,
             'organization_id', n.organization_id,
             'changed_at', now()),
           clock_timestamp()
      FROM new_rows n JOIN old_rows o ON o.id = n.id
     WHERE o.resource_status IS DISTINCT FROM n.resource_status
    RETURNING seq
  )
  SELECT max(seq) INTO last_seq FROM written;
  IF last_seq IS NOT NULL THEN
    PERFORM pg_notify('cloudsync_realtime_events', last_seq::text);
  END IF;
  RETURN NULL;
END;
$function$;
