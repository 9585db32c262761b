-- Sync tracking (0005) support, and fixes found in review of 0000–0004.

-- The keys of `b` whose values differ from `a`'s (a key missing from `b` maps to null): the
-- new side of a change; jsonb_object_diff(new, old) gives the old side.
CREATE OR REPLACE FUNCTION jsonb_object_diff(a jsonb, b jsonb) RETURNS jsonb
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT coalesce(jsonb_object_agg(k, b -> k), '{}'::jsonb)
      FROM (SELECT jsonb_object_keys(coalesce(a, '{}'::jsonb)) AS k
            UNION
            SELECT jsonb_object_keys(coalesce(b, '{}'::jsonb))) keys
     WHERE (a -> k) IS DISTINCT FROM (b -> k)
  $$;
--> statement-breakpoint
-- Fix: organization_of_user(uuid) let any role look up any user's organization. The lookup now
-- takes no argument and only answers for the user the JWT names.
CREATE OR REPLACE FUNCTION auth_organization_id() RETURNS uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT organization_id FROM user_profiles WHERE id = auth.uid() AND is_active $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION current_organization_id() RETURNS uuid
  LANGUAGE sql STABLE
  AS $$
    SELECT coalesce(nullif(current_setting('app.organization_id', true), '')::uuid, auth_organization_id())
  $$;
--> statement-breakpoint
DROP FUNCTION organization_of_user(uuid);
--> statement-breakpoint
CREATE OR REPLACE FUNCTION analyze_cost_optimization(org_id uuid, lookback_days integer DEFAULT 30)
RETURNS TABLE (
  optimization_type varchar(50),
  potential_monthly_savings numeric(12, 2),
  affected_resources integer,
  recommendation_details jsonb
)
  LANGUAGE plpgsql STABLE SECURITY INVOKER SET search_path = public, pg_temp
AS $$
DECLARE
  since timestamptz;
BEGIN
  PERFORM assert_organization_access(org_id);
  IF lookback_days IS NULL OR lookback_days < 1 OR lookback_days > 3650 THEN
    RAISE EXCEPTION 'lookback_days must be between 1 and 3650, got %', lookback_days USING ERRCODE = '22023';
  END IF;
  since := now() - make_interval(days => lookback_days);

  -- Unused: running resources with no sample at all in the lookback window.
  RETURN QUERY
  SELECT 'unused_resources'::varchar(50),
         coalesce(sum((cr.cost_tracking ->> 'monthly_cost')::numeric), 0)::numeric(12, 2),
         count(*)::integer,
         jsonb_build_object(
           'resources', jsonb_agg(cr.id ORDER BY cr.id),
           'description', 'Resources with no activity in the past ' || lookback_days || ' days')
    FROM cloud_resources cr
   WHERE cr.organization_id = org_id
     AND cr.resource_status = 'running'
     AND NOT EXISTS (
           SELECT 1 FROM infrastructure_monitoring im
            WHERE im.resource_id = cr.id AND im.monitoring_timestamp > since)
  HAVING count(*) > 0;

  -- Rightsizing: running resources whose mean CPU < 20 % and mean memory < 30 % over the window
  -- (an estimated 30 % saving). A resource whose cloud reports no memory (EC2 without an agent)
  -- is judged on CPU alone; in the design document's version it could never qualify.
  RETURN QUERY
  SELECT 'rightsizing'::varchar(50),
         coalesce(sum((cr.cost_tracking ->> 'monthly_cost')::numeric * 0.3), 0)::numeric(12, 2),
         count(*)::integer,
         jsonb_build_object(
           'resources', jsonb_agg(cr.id ORDER BY cr.id),
           'description', 'Resources with consistently low utilization')
    FROM cloud_resources cr
    JOIN (
      SELECT im.resource_id
        FROM infrastructure_monitoring im
       WHERE im.organization_id = org_id
         AND im.monitoring_timestamp > since
       GROUP BY im.resource_id
      HAVING avg((im.metrics ->> 'cpu_utilization')::numeric) < 20
         AND coalesce(avg((im.metrics ->> 'memory_utilization')::numeric) < 30, true)
    ) low_util ON low_util.resource_id = cr.id
   WHERE cr.organization_id = org_id
     AND cr.resource_status = 'running'
  HAVING count(*) > 0;
END;
$$;
--> statement-breakpoint
-- Fix: monitoring partitions were granted to the roles like ordinary tables, and partitions
-- have no row-level security of their own, so reading one by name bypassed the parent's
-- policy. New partitions are now locked down as they are created, existing ones below.
CREATE OR REPLACE FUNCTION ensure_monitoring_partitions(
  from_month date DEFAULT (date_trunc('month', now()) - interval '1 month')::date,
  months_ahead integer DEFAULT 3
) RETURNS SETOF text
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  m date := date_trunc('month', from_month)::date;
  last_month date;
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
      EXECUTE format('REVOKE ALL ON TABLE %I FROM PUBLIC', part);
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cloudsync_app') THEN
        EXECUTE format('REVOKE ALL ON TABLE %I FROM cloudsync_app', part);
      END IF;
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cloudsync_worker') THEN
        EXECUTE format('REVOKE ALL ON TABLE %I FROM cloudsync_worker', part);
      END IF;
      RETURN NEXT part;
    END IF;
    m := (m + interval '1 month')::date;
  END LOOP;
END;
$$;
--> statement-breakpoint
-- Every privilege of the two roles, in one idempotent place. Migrations that add tables call
-- it; an administrator who creates the roles after migrating runs `SELECT grant_cloudsync_roles()`.
CREATE OR REPLACE FUNCTION grant_cloudsync_roles() RETURNS void
  LANGUAGE plpgsql
AS $$
DECLARE
  part text;
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cloudsync_app') THEN
    GRANT USAGE ON SCHEMA public, auth TO cloudsync_app;
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO cloudsync_app;
    REVOKE ALL ON monthly_cost_summary FROM cloudsync_app;
    GRANT EXECUTE ON FUNCTION get_monthly_cost_summary(uuid, date, date) TO cloudsync_app;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cloudsync_worker') THEN
    GRANT USAGE ON SCHEMA public, auth TO cloudsync_worker;
    GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO cloudsync_worker;
    GRANT DELETE ON cloud_costs TO cloudsync_worker;
    GRANT EXECUTE ON FUNCTION ensure_monitoring_partitions(date, integer),
                              drop_monitoring_partitions(interval, boolean),
                              refresh_monthly_cost_summary() TO cloudsync_worker;
  END IF;
  REVOKE ALL ON monthly_cost_summary FROM PUBLIC;
  FOR part IN
    SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'public.infrastructure_monitoring'::regclass
  LOOP
    EXECUTE format('REVOKE ALL ON TABLE %I FROM PUBLIC', part);
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cloudsync_app') THEN
      EXECUTE format('REVOKE ALL ON TABLE %I FROM cloudsync_app', part);
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cloudsync_worker') THEN
      EXECUTE format('REVOKE ALL ON TABLE %I FROM cloudsync_worker', part);
    END IF;
  END LOOP;
END;
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION grant_cloudsync_roles() FROM PUBLIC;
--> statement-breakpoint
SELECT grant_cloudsync_roles();
