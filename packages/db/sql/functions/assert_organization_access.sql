-- assert_organization_access: the current definition, as the migrated database has it (pg_get_functiondef).
-- To change it: edit this file, then `pnpm --filter @cloudsync/db db:function <migration-name> assert_organization_access`
-- writes a migration with this content; test/function-definitions.test.ts checks the two agree.
CREATE OR REPLACE FUNCTION public.assert_organization_access(org_id uuid)
 RETURNS void
 LANGUAGE plpgsql
 STABLE
AS $function$
DECLARE
  current_org uuid := current_organization_id();
BEGIN
  IF org_id IS NULL THEN
    RAISE EXCEPTION 'an organization id is required' USING ERRCODE = '22004';
  END IF;
  IF current_org IS NOT NULL AND current_org <> org_id THEN
    RAISE EXCEPTION 'organization % is not the organization of this transaction', org_id
      USING ERRCODE = '42501', HINT = 'Call it inside withOrganization() for that organization.';
  END IF;
  IF current_org IS NULL AND row_security_active('public.cloud_resources') THEN
    RAISE EXCEPTION 'no organization is set for this transaction'
      USING ERRCODE = '42501', HINT = 'Run it inside withOrganization(db, orgId, fn), or set app.organization_id for the transaction.';
  END IF;
END;
$function$;
