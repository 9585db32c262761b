-- lock_down_monitoring_table: the current definition, as the migrated database has it (pg_get_functiondef).
-- To change it: edit this file, then `pnpm --filter @cloudsync/db db:function <migration-name> lock_down_monitoring_table`
-- writes a migration with this content; test/function-definitions.test.ts checks the two agree.
CREATE OR REPLACE FUNCTION public.lock_down_monitoring_table(name text)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'public', 'pg_temp'
AS $function$
BEGIN
  EXECUTE format('REVOKE ALL ON TABLE %I FROM PUBLIC', name);
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cloudsync_app') THEN
    EXECUTE format('REVOKE ALL ON TABLE %I FROM cloudsync_app', name);
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cloudsync_worker') THEN
    EXECUTE format('REVOKE ALL ON TABLE %I FROM cloudsync_worker', name);
  END IF;
  EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', name);
END;
$function$;
