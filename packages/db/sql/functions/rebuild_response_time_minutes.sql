-- rebuild_response_time_minutes: the current definition, as the migrated database has it (pg_get_functiondef).
-- To change it: edit this file, then `pnpm --filter @cloudsync/db db:function <migration-name> rebuild_response_time_minutes`
-- writes a migration with this content; test/function-definitions.test.ts checks the two agree.
CREATE OR REPLACE FUNCTION public.rebuild_response_time_minutes(org_id uuid, from_time timestamp with time zone DEFAULT NULL::timestamp with time zone, to_time timestamp with time zone DEFAULT NULL::timestamp with time zone)
 RETURNS bigint
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_temp'
AS $function$
DECLARE
  lo timestamptz := date_bin('1 minute', from_time, timestamptz '2000-01-01 00:00:00+00');
  hi timestamptz := date_bin('1 minute', to_time, timestamptz '2000-01-01 00:00:00+00');
BEGIN
  IF hi < to_time THEN
    hi := hi + interval '1 minute';
  END IF;
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    RAISE EXCEPTION 'rebuild_response_time_minutes needs READ COMMITTED, not %', current_setting('transaction_isolation')
      USING ERRCODE = '25000', HINT = 'Call it in a transaction of its own or a READ COMMITTED one: an older snapshot would miss samples written before the lock.';
  END IF;
  LOCK TABLE infrastructure_monitoring IN SHARE MODE;
  RETURN recount_response_time_minutes(org_id, lo, hi);
END;
$function$;
