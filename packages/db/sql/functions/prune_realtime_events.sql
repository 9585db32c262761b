-- prune_realtime_events: the current definition, as the migrated database has it (pg_get_functiondef).
-- To change it: edit this file, then `pnpm --filter @cloudsync/db db:function <migration-name> prune_realtime_events`
-- writes a migration with this content; test/function-definitions.test.ts checks the two agree.
CREATE OR REPLACE FUNCTION public.prune_realtime_events(keep interval)
 RETURNS bigint
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_temp'
AS $function$
DECLARE
  cutoff bigint;
  removed bigint;
BEGIN
  IF keep IS NULL OR keep < interval '1 minute' THEN
    RAISE EXCEPTION 'prune_realtime_events: keep must be at least 1 minute, got %', coalesce(keep::text, 'NULL')
      USING ERRCODE = '22023', HINT = 'Pass how long events stay replayable, e.g. interval ''24 hours''.';
  END IF;
  SELECT max(seq) INTO cutoff FROM realtime_events WHERE created_at < clock_timestamp() - keep;
  IF cutoff IS NULL THEN
    RETURN 0;
  END IF;
  DELETE FROM realtime_events WHERE seq <= cutoff;
  GET DIAGNOSTICS removed = ROW_COUNT;
  UPDATE realtime_event_retention SET pruned_through = greatest(pruned_through, cutoff), pruned_at = now();
  RETURN removed;
END;
$function$;
