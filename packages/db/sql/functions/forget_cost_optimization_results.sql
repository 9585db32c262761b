-- forget_cost_optimization_results: the current definition, as the migrated database has it (pg_get_functiondef).
-- To change it: edit this file, then `pnpm --filter @cloudsync/db db:function <migration-name> forget_cost_optimization_results`
-- writes a migration with this content; test/function-definitions.test.ts checks the two agree.
CREATE OR REPLACE FUNCTION public.forget_cost_optimization_results()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_temp'
AS $function$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM cost_optimization_results;
  ELSIF TG_OP IN ('INSERT', 'DELETE') THEN
    DELETE FROM cost_optimization_results WHERE organization_id IN (SELECT DISTINCT organization_id FROM changed_rows);
  ELSE
    DELETE FROM cost_optimization_results
     WHERE organization_id IN (SELECT DISTINCT organization_id FROM changed_rows
                               UNION SELECT DISTINCT organization_id FROM new_rows);
  END IF;
  RETURN NULL;
END;
$function$;
