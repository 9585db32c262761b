-- monitoring_partition_name: the current definition, as the migrated database has it (pg_get_functiondef).
-- To change it: edit this file, then `pnpm --filter @cloudsync/db db:function <migration-name> monitoring_partition_name`
-- writes a migration with this content; test/function-definitions.test.ts checks the two agree.
CREATE OR REPLACE FUNCTION public.monitoring_partition_name(month date)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
AS $function$ SELECT 'infrastructure_monitoring_p' || to_char(month, 'YYYYMM') $function$;
