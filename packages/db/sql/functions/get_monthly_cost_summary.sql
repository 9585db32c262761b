-- get_monthly_cost_summary: the current definition, as the migrated database has it (pg_get_functiondef).
-- To change it: edit this file, then `pnpm --filter @cloudsync/db db:function <migration-name> get_monthly_cost_summary`
-- writes a migration with this content; test/function-definitions.test.ts checks the two agree.
CREATE OR REPLACE FUNCTION public.get_monthly_cost_summary(org_id uuid, from_month date DEFAULT NULL::date, to_month date DEFAULT NULL::date)
 RETURNS SETOF monthly_cost_summary
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'public', 'pg_temp'
AS $function$
BEGIN
  IF org_id IS NULL THEN
    RAISE EXCEPTION 'an organization id is required' USING ERRCODE = '22004';
  END IF;
  IF current_organization_id() IS DISTINCT FROM org_id THEN
    RAISE EXCEPTION 'organization % is not the organization of this transaction', org_id
      USING ERRCODE = '42501', HINT = 'Call it inside withOrganization() for that organization.';
  END IF;
  IF from_month IS NOT NULL AND to_month IS NOT NULL AND to_month < from_month THEN
    RAISE EXCEPTION 'to_month (%) is before from_month (%)', to_month, from_month USING ERRCODE = '22023';
  END IF;
  RETURN QUERY
  SELECT s.* FROM monthly_cost_summary s
   WHERE s.organization_id = org_id
     AND (from_month IS NULL OR s.month >= date_trunc('month', from_month::timestamp)::date)
     AND (to_month IS NULL OR s.month <= date_trunc('month', to_month::timestamp)::date)
   ORDER BY s.month, s.provider_id, s.cost_category, s.cost_currency;
END;
$function$;
