-- auth_organization_id: the current definition, as the migrated database has it (pg_get_functiondef).
-- To change it: edit this file, then `pnpm --filter @cloudsync/db db:function <migration-name> auth_organization_id`
-- writes a migration with this content; test/function-definitions.test.ts checks the two agree.
CREATE OR REPLACE FUNCTION public.auth_organization_id()
 RETURNS uuid
 LANGUAGE sql
 STABLE PARALLEL SAFE SECURITY DEFINER
 SET search_path TO 'public', 'pg_temp'
AS $function$
    SELECT u.organization_id FROM user_profiles u JOIN organizations o ON o.id = u.organization_id
     WHERE u.id = auth.uid() AND u.is_active AND o.is_active
  $function$;
