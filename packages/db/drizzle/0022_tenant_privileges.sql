-- Issue 13, holes 2 (database side), 3, 4 and 10 (database side): what each role may run and
-- change, and what an inactive tenant resolves to. docs/security.md explains each choice.

-- Hole 10: an inactive organization acts for nobody. The setting names an organization; it counts
-- only while that organization is active. SECURITY DEFINER because the caller's own policy on
-- organizations calls current_organization_id(): reading it as the caller would recurse.
CREATE OR REPLACE FUNCTION active_setting_organization_id() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
    SELECT o.id FROM organizations o
     WHERE o.id = nullif(current_setting('app.organization_id', true), '')::uuid AND o.is_active
  $$;
--> statement-breakpoint
COMMENT ON FUNCTION active_setting_organization_id() IS 'The organization app.organization_id names, when it is active; null otherwise.';
--> statement-breakpoint
-- The JWT user's organization, only while both the user and the organization are active.
CREATE OR REPLACE FUNCTION auth_organization_id() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
    SELECT u.organization_id FROM user_profiles u JOIN organizations o ON o.id = u.organization_id
     WHERE u.id = auth.uid() AND u.is_active AND o.is_active
  $$;
--> statement-breakpoint
-- The setting wins when present (an inactive organization then resolves to none, not to the JWT
-- user's); without it, the JWT user's organization.
CREATE OR REPLACE FUNCTION current_organization_id() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$
    SELECT CASE WHEN nullif(current_setting('app.organization_id', true), '') IS NOT NULL
                THEN active_setting_organization_id()
                ELSE auth_organization_id() END
  $$;
--> statement-breakpoint
-- Hole 10: one call creates a bounded number of partitions. A from_month decades back used to
-- create one table per month in between, in one transaction holding the parent's lock.
CREATE OR REPLACE FUNCTION ensure_monitoring_partitions(
  from_month date DEFAULT (date_trunc('month', now()) - interval '1 month')::date,
  months_ahead integer DEFAULT 3
) RETURNS SETOF text
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
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
      RETURN NEXT part;
    END IF;
    m := (m + interval '1 month')::date;
  END LOOP;
END;
$$;
--> statement-breakpoint
-- Holes 4 and 10: no tenant role may reach a monitoring table but through the parent's policy.
-- A partition (or a detached month) has no policy of its own: revoke every privilege of
-- PUBLIC and of our roles, and enable row-level security without a policy, so that even a
-- grant made later by hand returns no row to anyone but the owner.
CREATE OR REPLACE FUNCTION lock_down_monitoring_table(name text) RETURNS void
  LANGUAGE plpgsql SET search_path = public, pg_temp
AS $$
BEGIN
  EXECUTE format('REVOKE ALL ON TABLE %I FROM PUBLIC', name);
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cloudsync_app') THEN
    EXECUTE format('REVOKE ALL ON TABLE %I FROM cloudsync_app', name);
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cloudsync_worker') THEN
    EXECUTE format('REVOKE ALL ON TABLE %I FROM cloudsync_worker', name);
  END IF;
  EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', name);
END;
$$;
--> statement-breakpoint
-- Hole 4: a detached month is a plain table with no policy. It is locked down as it leaves the
-- parent, and grant_cloudsync_roles() below locks it down again instead of granting on it.
CREATE OR REPLACE FUNCTION drop_monitoring_partitions(
  retention interval DEFAULT interval '13 months',
  detach_only boolean DEFAULT false
) RETURNS SETOF text
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
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
      IF detach_only THEN
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
$$;
--> statement-breakpoint
-- Every privilege of our roles, idempotently (re-run after an administrator creates a role).
-- New here: function privileges (hole 3), organizations.slug (hole 2), detached months (hole 4);
-- the realtime outbox's grants of 0020 are kept.
CREATE OR REPLACE FUNCTION grant_cloudsync_roles() RETURNS void
  LANGUAGE plpgsql
AS $$
DECLARE
  part text;
  role_name text;
BEGIN
  -- Hole 3: nothing runs for PUBLIC. Each role gets exactly the functions it calls, directly
  -- or through a policy or an invoker function (triggers need no EXECUTE to fire).
  REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC;
  IF EXISTS (SELECT 1 FROM pg_proc p WHERE p.oid = 'auth.uid()'::regprocedure AND pg_get_userbyid(p.proowner) = current_user) THEN
    REVOKE EXECUTE ON FUNCTION auth.uid() FROM PUBLIC;
  END IF;
  -- Whoever a policy applies to calls these: our roles, and Supabase's where it is present.
  FOREACH role_name IN ARRAY ARRAY['cloudsync_app', 'cloudsync_worker', 'cloudsync_realtime', 'authenticated', 'anon'] LOOP
    CONTINUE WHEN NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = role_name);
    EXECUTE format('GRANT USAGE ON SCHEMA auth TO %I', role_name);
    EXECUTE format('GRANT EXECUTE ON FUNCTION current_organization_id(), active_setting_organization_id(), auth_organization_id() TO %I', role_name);
    IF EXISTS (SELECT 1 FROM pg_proc p WHERE p.oid = 'auth.uid()'::regprocedure AND pg_get_userbyid(p.proowner) = current_user) THEN
      EXECUTE format('GRANT EXECUTE ON FUNCTION auth.uid() TO %I', role_name);
    END IF;
  END LOOP;

  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cloudsync_app') THEN
    GRANT USAGE ON SCHEMA public, auth TO cloudsync_app;
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO cloudsync_app;
    REVOKE ALL ON monthly_cost_summary FROM cloudsync_app;
    REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON resource_health_counts FROM cloudsync_app;
    -- Tenants read their own events (RLS) and write none.
    REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON realtime_events FROM cloudsync_app;
    REVOKE ALL ON realtime_event_retention FROM cloudsync_app;
    -- Hole 2: the slug is how organizations are found by name (the CLI's --org); a tenant may
    -- rename its organization but never take another slug.
    REVOKE UPDATE ON organizations FROM cloudsync_app;
    GRANT UPDATE (name, settings) ON organizations TO cloudsync_app;
    GRANT EXECUTE ON FUNCTION assert_organization_access(uuid),
                              get_infrastructure_health_score(uuid, uuid[]),
                              analyze_cost_optimization(uuid, integer),
                              cost_optimization_from_snapshot(uuid, integer, timestamptz),
                              refresh_resource_utilization(uuid, integer),
                              get_monthly_cost_summary(uuid, date, date) TO cloudsync_app;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cloudsync_worker') THEN
    GRANT USAGE ON SCHEMA public, auth TO cloudsync_worker;
    GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO cloudsync_worker;
    GRANT DELETE ON cloud_costs TO cloudsync_worker;
    REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON resource_health_counts FROM cloudsync_worker;
    -- The worker reads organizations and never changes them.
    REVOKE INSERT, UPDATE ON organizations FROM cloudsync_worker;
    -- The worker neither reads nor writes the outbox; it only prunes it (below).
    REVOKE ALL ON realtime_events, realtime_event_retention FROM cloudsync_worker;
    GRANT EXECUTE ON FUNCTION ensure_monitoring_partitions(date, integer),
                              drop_monitoring_partitions(interval, boolean),
                              refresh_monthly_cost_summary(),
                              prune_realtime_events(interval),
                              assert_organization_access(uuid),
                              get_infrastructure_health_score(uuid, uuid[]),
                              analyze_cost_optimization(uuid, integer),
                              cost_optimization_from_snapshot(uuid, integer, timestamptz),
                              refresh_resource_utilization(uuid, integer),
                              environment_from_tags(jsonb),
                              wedding_critical_from_tags(jsonb),
                              size_category_rank(text),
                              jsonb_object_diff(jsonb, jsonb),
                              resource_change_diff(jsonb, jsonb, jsonb, jsonb) TO cloudsync_worker;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cloudsync_realtime') THEN
    -- The realtime server reads every organization's events and may prune them; nothing else.
    GRANT USAGE ON SCHEMA public TO cloudsync_realtime;
    GRANT SELECT ON realtime_events, realtime_event_retention TO cloudsync_realtime;
    GRANT EXECUTE ON FUNCTION prune_realtime_events(interval) TO cloudsync_realtime;
  END IF;
  REVOKE ALL ON monthly_cost_summary FROM PUBLIC;
  REVOKE ALL ON realtime_events, realtime_event_retention FROM PUBLIC;
  -- Partitions, and months detached for archival (plain tables of the same name pattern that
  -- are no longer partitions): the broad grants above reached them, so take it back.
  FOR part IN
    SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'public.infrastructure_monitoring'::regclass
    UNION
    SELECT c.relname FROM pg_class c
     WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND NOT c.relispartition
       AND c.relname ~ '^infrastructure_monitoring_(p[0-9]{6}|default)$'
  LOOP
    PERFORM lock_down_monitoring_table(part);
  END LOOP;
END;
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION grant_cloudsync_roles() FROM PUBLIC;
--> statement-breakpoint
-- Hole 3, for the future: functions the migrating login creates from now on are not executable
-- by PUBLIC; each migration grants its functions to the roles that need them.
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
--> statement-breakpoint
SELECT grant_cloudsync_roles();
