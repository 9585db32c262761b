-- active_setting_organization_id: the current definition, as the migrated database has it (pg_get_functiondef).
-- To change it: edit this file, then `pnpm --filter @cloudsync/db db:function <migration-name> active_setting_organization_id`
-- writes a migration with this content; test/function-definitions.test.ts checks the two agree.
CREATE OR REPLACE FUNCTION public.active_setting_organization_id()
 RETURNS uuid
 LANGUAGE sql
 STABLE PARALLEL SAFE SECURITY DEFINER
 SET search_path TO 'public', 'pg_temp'
AS $function$
    SELECT o.id FROM organizations o
     WHERE o.id = nullif(current_setting('app.organization_id', true), '')::uuid AND o.is_active
  $function$;
