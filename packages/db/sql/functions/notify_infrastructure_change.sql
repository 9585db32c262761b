-- notify_infrastructure_change: the current definition, as the migrated database has it (pg_get_functiondef).
-- To change it: edit this file, then `pnpm --filter @cloudsync/db db:function <migration-name> notify_infrastructure_change`
-- writes a migration with this content; test/function-definitions.test.ts checks the two agree.
CREATE OR REPLACE FUNCTION public.notify_infrastructure_change()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
  -- Branches are nested, not joined with AND: plpgsql resolves every field of a condition, and
  -- an alert has no resource_status (the design document's version failed on every alert).
  IF TG_TABLE_NAME = 'cloud_resources' THEN
    IF TG_OP = 'UPDATE' AND OLD.resource_status IS DISTINCT FROM NEW.resource_status THEN
      PERFORM pg_notify('infrastructure_change', json_build_object(
        'type', 'resource_status_change',
        'resource_id', NEW.id,
        'provider_id', NEW.provider_id,
        'old_status', OLD.resource_status,
        'new_status', NEW.resource_status,
        'organization_id', NEW.organization_id,
        'changed_at', now()
      )::text);
    END IF;
  ELSIF TG_TABLE_NAME = 'infrastructure_alerts' THEN
    IF TG_OP = 'INSERT' THEN
      PERFORM pg_notify('infrastructure_alert', json_build_object(
        'type', 'new_alert',
        'alert_id', NEW.id,
        'severity', NEW.severity_level,
        'alert_type', NEW.alert_type,
        'resource_id', NEW.resource_id,
        'organization_id', NEW.organization_id,
        'triggered_at', NEW.triggered_at
      )::text);
    END IF;
  END IF;
  RETURN COALESCE(NEW, OLD);
END;
$function$;
