-- drop_monitoring_partitions: the current definition, as the migrated database has it (pg_get_functiondef).
-- To change it: edit this file, then `pnpm --filter @cloudsync/db db:function <migration-name> drop_monitoring_partitions`
-- writes a migration with this content; test/function-definitions.test.ts checks the two agree.
CREATE OR REPLACE FUNCTION public.drop_monitoring_partitions(retention interval DEFAULT '1 year 1 mon'::interval, detach_only boolean DEFAULT false)
 RETURNS SETOF text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_temp'
AS $function$
DECLARE
  cutoff timestamptz;
  r record;
BEGIN
  IF retention IS NULL OR retention < interval '1 month' THEN
    RAISE EXCEPTION 'retention must be at least 1 month, got %', retention USING ERRCODE = '22023';
  END IF;
  cutoff := now() - retention;
  FOR r IN
    SELECT c.relname AS name,
           to_date(substring(c.relname from 'infrastructure_monitoring_p([0-9]{6})$'), 'YYYYMM') AS month
      FROM pg_inherits i
      JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'public.infrastructure_monitoring'::regclass
       AND c.relname ~ '^infrastructure_monitoring_p[0-9]{6}$'
     ORDER BY 2
  LOOP
    IF ((r.month + interval '1 month')::timestamp AT TIME ZONE 'UTC') <= cutoff THEN
      EXECUTE format('ALTER TABLE infrastructure_monitoring DETACH PARTITION %I', r.name);
      -- Its minutes of response_time_minutes go with it (0038); retention is at least a month,
      -- so the health score's hour never reaches them.
      DELETE FROM response_time_minutes
       WHERE minute >= (r.month::timestamp AT TIME ZONE 'UTC') AND minute < ((r.month + interval '1 month')::timestamp AT TIME ZONE 'UTC');
      IF detach_only THEN
        EXECUTE format('DROP TRIGGER IF EXISTS response_time_truncate ON %I', r.name);
        PERFORM lock_down_monitoring_table(r.name);
        EXECUTE format('COMMENT ON TABLE %I IS %L', r.name,
          'A month of infrastructure_monitoring detached for archival: no policy of its own, so only the owner may read it.');
      ELSE
        EXECUTE format('DROP TABLE %I', r.name);
      END IF;
      RETURN NEXT r.name;
    END IF;
  END LOOP;
END;
$function$;
