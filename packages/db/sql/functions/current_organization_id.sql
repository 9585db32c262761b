-- current_organization_id: the current definition, as the migrated database has it (pg_get_functiondef).
-- To change it: edit this file, then `pnpm --filter @cloudsync/db db:function <migration-name> current_organization_id`
-- writes a migration with this content; test/function-definitions.test.ts checks the two agree.
CREATE OR REPLACE FUNCTION public.current_organization_id()
 RETURNS uuid
 LANGUAGE sql
 STABLE PARALLEL SAFE
AS $function$
    SELECT CASE WHEN nullif(current_setting('app.organization_id', true), '') IS NOT NULL
                THEN active_setting_organization_id()
                ELSE auth_organization_id() END
  $function$;
