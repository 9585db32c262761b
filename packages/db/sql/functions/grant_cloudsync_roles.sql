-- grant_cloudsync_roles: the current definition, as the migrated database has it (pg_get_functiondef).
-- To change it: edit this file, then `pnpm --filter @cloudsync/db db:function <migration-name> grant_cloudsync_roles`
-- writes a migration with this content; test/function-definitions.test.ts checks the two agree.
CREATE OR REPLACE FUNCTION public.grant_cloudsync_roles()
 RETURNS void
 LANGUAGE plpgsql
AS $function$
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
    REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON resource_health_counts, response_time_minutes FROM cloudsync_app;
    -- Tenants read their own events (RLS) and write none.
    REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON realtime_events FROM cloudsync_app;
    REVOKE ALL ON realtime_event_retention FROM cloudsync_app;
    -- List prices are the clouds' and the same for everyone: tenants read them, only the worker writes.
    REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON cloud_prices FROM cloudsync_app;
    -- Hole 2: the slug is how organizations are found by name (the CLI's --org); a tenant may
    -- rename its organization but never take another slug.
    REVOKE UPDATE ON organizations FROM cloudsync_app;
    GRANT UPDATE (name, settings) ON organizations TO cloudsync_app;
    GRANT EXECUTE ON FUNCTION assert_organization_access(uuid),
                              get_infrastructure_health_score(uuid, uuid[]),
                              analyze_cost_optimization(uuid, integer),
                              cost_optimization_from_snapshot(uuid, integer, timestamptz),
                              cost_optimization_resources(uuid, varchar, integer, integer, numeric, uuid),
                              refresh_resource_utilization(uuid, integer),
                              get_monthly_cost_summary(uuid, date, date),
                              evaluate_dr_plan(uuid, timestamptz) TO cloudsync_app;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cloudsync_worker') THEN
    GRANT USAGE ON SCHEMA public, auth TO cloudsync_worker;
    GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO cloudsync_worker;
    GRANT DELETE ON cloud_costs TO cloudsync_worker;
    -- Syncs remove the dependencies the clouds stopped reporting.
    GRANT DELETE ON resource_dependencies TO cloudsync_worker;
    REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON resource_health_counts, response_time_minutes FROM cloudsync_worker;
    -- The worker reads organizations and never changes them.
    REVOKE INSERT, UPDATE ON organizations FROM cloudsync_worker;
    -- The worker neither reads nor writes the outbox; it only prunes it (below).
    REVOKE ALL ON realtime_events, realtime_event_retention FROM cloudsync_worker;
    GRANT EXECUTE ON FUNCTION ensure_monitoring_partitions(date, integer),
                              drop_monitoring_partitions(interval, boolean),
                              refresh_monthly_cost_summary(),
                              rebuild_response_time_minutes(uuid, timestamptz, timestamptz),
                              prune_realtime_events(interval),
                              assert_organization_access(uuid),
                              get_infrastructure_health_score(uuid, uuid[]),
                              analyze_cost_optimization(uuid, integer),
                              cost_optimization_from_snapshot(uuid, integer, timestamptz),
                              cost_optimization_resources(uuid, varchar, integer, integer, numeric, uuid),
                              refresh_resource_utilization(uuid, integer),
                              evaluate_dr_plan(uuid, timestamptz),
                              size_category_rank(text) TO cloudsync_worker;
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
$function$;
