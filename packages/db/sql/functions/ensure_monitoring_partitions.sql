-- ensure_monitoring_partitions: the current definition, as the migrated database has it (pg_get_functiondef).
-- To change it: edit this file, then `pnpm --filter @cloudsync/db db:function <migration-name> ensure_monitoring_partitions`
-- writes a migration with this content; test/function-definitions.test.ts checks the two agree.
CREATE OR REPLACE FUNCTION public.ensure_monitoring_partitions(from_month date DEFAULT ((date_trunc('month'::text, now()) - '1 mon'::interval))::date, months_ahead integer DEFAULT 3)
 RETURNS SETOF text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_temp'
AS $function$
DECLARE
  max_months CONSTANT integer := 150;
  m date := date_trunc('month', from_month)::date;
  last_month date;
  months integer;
  lo timestamptz;
  hi timestamptz;
  part text;
  has_rows boolean;
BEGIN
  IF from_month IS NULL THEN
    RAISE EXCEPTION 'from_month must not be null' USING ERRCODE = '22004';
  END IF;
  IF months_ahead IS NULL OR months_ahead < 0 OR months_ahead > 120 THEN
    RAISE EXCEPTION 'months_ahead must be between 0 and 120, got %', months_ahead USING ERRCODE = '22023';
  END IF;
  last_month := (greatest(date_trunc('month', now())::date, m) + make_interval(months => months_ahead))::date;
  months := (extract(year FROM age(last_month, m)) * 12 + extract(month FROM age(last_month, m)))::integer + 1;
  IF months > max_months THEN
    RAISE EXCEPTION 'ensure_monitoring_partitions would cover % months (% through %); one call covers at most %',
      months, to_char(m, 'YYYY-MM'), to_char(last_month, 'YYYY-MM'), max_months
      USING ERRCODE = '22023',
            HINT = 'Pass a later from_month, or call it once per stretch of at most that many months, oldest first.';
  END IF;
  WHILE m <= last_month LOOP
    part := monitoring_partition_name(m);
    IF to_regclass(format('public.%I', part)) IS NULL THEN
      -- Month bounds in UTC, so partitions do not depend on the session's time zone.
      lo := (m::timestamp AT TIME ZONE 'UTC');
      hi := ((m + interval '1 month')::timestamp AT TIME ZONE 'UTC');
      EXECUTE format(
        'SELECT EXISTS (SELECT 1 FROM infrastructure_monitoring_default WHERE monitoring_timestamp >= %L AND monitoring_timestamp < %L)',
        lo, hi) INTO has_rows;
      IF has_rows THEN
        -- A new partition may not overlap rows already in the default partition: take the
        -- default out, create the month, move its rows over, and put the default back.
        ALTER TABLE infrastructure_monitoring DETACH PARTITION infrastructure_monitoring_default;
        EXECUTE format('CREATE TABLE %I PARTITION OF infrastructure_monitoring FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
        EXECUTE format(
          'WITH moved AS (DELETE FROM infrastructure_monitoring_default WHERE monitoring_timestamp >= %L AND monitoring_timestamp < %L RETURNING *) INSERT INTO %I SELECT * FROM moved',
          lo, hi, part);
        ALTER TABLE infrastructure_monitoring ATTACH PARTITION infrastructure_monitoring_default DEFAULT;
      ELSE
        EXECUTE format('CREATE TABLE %I PARTITION OF infrastructure_monitoring FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
      END IF;
      -- Partitions have no row-level security of their own: only the parent may be read.
      PERFORM lock_down_monitoring_table(part);
      -- A partition truncated by name fires only its own triggers: keep response_time_minutes true (0038).
      EXECUTE format('CREATE TRIGGER response_time_truncate AFTER TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION track_response_time_minutes()', part);
      RETURN NEXT part;
    END IF;
    m := (m + interval '1 month')::date;
  END LOOP;
END;
$function$;
