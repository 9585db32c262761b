-- Made from sql/functions/{cost_optimization_from_snapshot,analyze_cost_optimization,cost_optimization_resources,grant_cloudsync_roles}.sql by db:function: the canonical files are where to read and change these functions.
-- analyze_cost_optimization lists at most 100 resources per row (largest monthly saving first)
-- and cost_optimization_resources pages the whole list: at 1M resources the stored answer's
-- full lists were several MB of JSON and 209 ms a call (docs/performance.md). The snapshot's
-- indexes now hold that order: savings_order (the saving negated, a double: leakproof
-- comparisons, so the keyset is an index condition under row-level security), then id.
DROP INDEX "idx_resource_utilization_unused";
--> statement-breakpoint
DROP INDEX "idx_resource_utilization_underused";
--> statement-breakpoint
ALTER TABLE "resource_utilization" ADD COLUMN "savings_order" double precision GENERATED ALWAYS AS ((-(CASE WHEN is_underused THEN coalesce(monthly_cost, 0) * 0.3 ELSE coalesce(monthly_cost, 0) END))::double precision) STORED NOT NULL;
--> statement-breakpoint
CREATE INDEX "idx_resource_utilization_unused" ON "resource_utilization" USING btree ("organization_id","savings_order","resource_id") INCLUDE ("monthly_cost") WHERE "resource_utilization"."is_unused";
--> statement-breakpoint
CREATE INDEX "idx_resource_utilization_underused" ON "resource_utilization" USING btree ("organization_id","savings_order","resource_id") INCLUDE ("monthly_cost") WHERE "resource_utilization"."is_underused";
--> statement-breakpoint
CREATE OR REPLACE FUNCTION public.cost_optimization_from_snapshot(org_id uuid, window_days integer, as_of timestamp with time zone)
 RETURNS TABLE(optimization_type character varying, potential_monthly_savings numeric, affected_resources integer, recommendation_details jsonb)
 LANGUAGE sql
 STABLE
 SET search_path TO 'public', 'pg_temp'
AS $function$
  -- At most 100 resource ids per row, largest monthly saving first (ties by id): the first
  -- entries of the type's partial index (savings_order is the saving negated). The totals
  -- count every resource; cost_optimization_resources pages the whole list (at 1M resources
  -- the full lists were several MB of JSON).
  SELECT 'unused_resources'::varchar(50),
         coalesce(sum(ru.monthly_cost), 0)::numeric(12, 2),
         count(*)::integer,
         jsonb_build_object(
           'resources', coalesce((SELECT jsonb_agg(top.resource_id ORDER BY top.key, top.resource_id)
                                    FROM (SELECT u.savings_order AS key, u.resource_id
                                            FROM resource_utilization u
                                           WHERE u.organization_id = cost_optimization_from_snapshot.org_id
                                             AND u.is_unused
                                           ORDER BY u.savings_order, u.resource_id
                                           LIMIT 100) top), '[]'::jsonb),
           'resources_total', count(*),
           'resources_truncated', count(*) > 100,
           'description', 'Resources with no activity in the past ' || cost_optimization_from_snapshot.window_days || ' days',
           'as_of', cost_optimization_from_snapshot.as_of)
    FROM resource_utilization ru
   WHERE ru.organization_id = cost_optimization_from_snapshot.org_id
     AND ru.is_unused
  UNION ALL
  SELECT 'rightsizing'::varchar(50),
         coalesce(sum(ru.monthly_cost * 0.3), 0)::numeric(12, 2),
         count(*)::integer,
         jsonb_build_object(
           'resources', coalesce((SELECT jsonb_agg(top.resource_id ORDER BY top.key, top.resource_id)
                                    FROM (SELECT u.savings_order AS key, u.resource_id
                                            FROM resource_utilization u
                                           WHERE u.organization_id = cost_optimization_from_snapshot.org_id
                                             AND u.is_underused
                                           ORDER BY u.savings_order, u.resource_id
                                           LIMIT 100) top), '[]'::jsonb),
           'resources_total', count(*),
           'resources_truncated', count(*) > 100,
           'description', 'Resources with consistently low utilization',
           'as_of', cost_optimization_from_snapshot.as_of)
    FROM resource_utilization ru
   WHERE ru.organization_id = cost_optimization_from_snapshot.org_id
     AND ru.is_underused
$function$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION public.analyze_cost_optimization(org_id uuid, lookback_days integer DEFAULT 30)
 RETURNS TABLE(optimization_type character varying, potential_monthly_savings numeric, affected_resources integer, recommendation_details jsonb)
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'public', 'pg_temp'
AS $function$
DECLARE
  since timestamptz;
  snapshot_window integer;
  as_of timestamptz;
BEGIN
  PERFORM assert_organization_access(org_id);
  IF lookback_days IS NULL OR lookback_days < 1 OR lookback_days > 3650 THEN
    RAISE EXCEPTION 'lookback_days must be between 1 and 3650, got %', lookback_days USING ERRCODE = '22023';
  END IF;

  -- The refresh stored its answer (0018); any change to the snapshot since removed it.
  IF EXISTS (SELECT 1 FROM cost_optimization_results c
              WHERE c.organization_id = org_id AND c.window_days = lookback_days) THEN
    RETURN QUERY
    SELECT c.optimization_type, c.potential_monthly_savings, c.affected_resources, c.recommendation_details
      FROM cost_optimization_results c
     WHERE c.organization_id = org_id AND c.affected_resources > 0
     ORDER BY c.optimization_type <> 'unused_resources';
    RETURN;
  END IF;

  -- Every row of an organization's snapshot comes from one refresh: any one tells its window
  -- and time. Ordered so it is the first entry of the primary key, however many dead rows
  -- the last refresh left before vacuum.
  SELECT ru.window_days, ru.refreshed_at INTO snapshot_window, as_of
    FROM resource_utilization ru
   WHERE ru.organization_id = org_id
   ORDER BY ru.resource_id
   LIMIT 1;

  IF snapshot_window = lookback_days THEN
    RETURN QUERY
    SELECT r.optimization_type, r.potential_monthly_savings, r.affected_resources, r.recommendation_details
      FROM cost_optimization_from_snapshot(org_id, lookback_days, as_of) r
     WHERE r.affected_resources > 0;
    RETURN;
  END IF;

  as_of := now();
  since := now() - make_interval(days => lookback_days);

  -- Each row's list holds at most 100 ids, largest monthly saving first (ties by id), in the
  -- key the snapshot stores (resource_utilization.savings_order: the saving negated, as a
  -- double), so both paths answer alike; the totals count every resource and
  -- cost_optimization_resources pages the whole list.

  -- Unused: running resources with no sample at all in the lookback window.
  RETURN QUERY
  WITH unused AS (
    SELECT cr.id, (cr.cost_tracking ->> 'monthly_cost')::numeric AS monthly_cost
      FROM cloud_resources cr
     WHERE cr.organization_id = org_id
       AND cr.resource_status = 'running'
       AND NOT EXISTS (
             SELECT 1 FROM infrastructure_monitoring im
              WHERE im.resource_id = cr.id AND im.organization_id = org_id AND im.monitoring_timestamp > since)
  )
  SELECT 'unused_resources'::varchar(50),
         coalesce(sum(u.monthly_cost), 0)::numeric(12, 2),
         count(*)::integer,
         jsonb_build_object(
           'resources', (SELECT jsonb_agg(top.id ORDER BY top.key, top.id)
                           FROM (SELECT (-coalesce(t.monthly_cost, 0))::double precision AS key, t.id
                                   FROM unused t
                                  ORDER BY 1, 2
                                  LIMIT 100) top),
           'resources_total', count(*),
           'resources_truncated', count(*) > 100,
           'description', 'Resources with no activity in the past ' || lookback_days || ' days',
           'as_of', as_of)
    FROM unused u
  HAVING count(*) > 0;

  -- Rightsizing: running resources whose mean CPU < 20 % and mean memory < 30 % over the window
  -- (an estimated 30 % saving). A resource whose cloud reports no memory (EC2 without an agent)
  -- is judged on CPU alone.
  RETURN QUERY
  WITH underused AS (
    SELECT cr.id, (cr.cost_tracking ->> 'monthly_cost')::numeric AS monthly_cost
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
  )
  SELECT 'rightsizing'::varchar(50),
         coalesce(sum(u.monthly_cost * 0.3), 0)::numeric(12, 2),
         count(*)::integer,
         jsonb_build_object(
           'resources', (SELECT jsonb_agg(top.id ORDER BY top.key, top.id)
                           FROM (SELECT (-(coalesce(t.monthly_cost, 0) * 0.3))::double precision AS key, t.id
                                   FROM underused t
                                  ORDER BY 1, 2
                                  LIMIT 100) top),
           'resources_total', count(*),
           'resources_truncated', count(*) > 100,
           'description', 'Resources with consistently low utilization',
           'as_of', as_of)
    FROM underused u
  HAVING count(*) > 0;
END;
$function$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION public.cost_optimization_resources(org_id uuid, optimization_type character varying, lookback_days integer DEFAULT 30, page_size integer DEFAULT 100, after_savings numeric DEFAULT NULL::numeric, after_id uuid DEFAULT NULL::uuid)
 RETURNS TABLE(resource_id uuid, monthly_cost numeric, monthly_savings numeric)
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'public', 'pg_temp'
AS $function$
DECLARE
  snapshot_window integer;
  since timestamptz;
  -- The keyset: rows after (after_savings, after_id) in the order "saving descending, id
  -- ascending", written as (savings_order, id) > (-after_savings, after_id) in
  -- resource_utilization's stored key (the saving negated, as a double) so that one row
  -- comparison of leakproof operators bounds the index scan under row-level security. The
  -- first page starts before every row: no saving is infinite.
  after_key double precision := coalesce((-after_savings)::double precision, '-Infinity'::double precision);
  after_key_id uuid := coalesce(after_id, '00000000-0000-0000-0000-000000000000'::uuid);
BEGIN
  PERFORM assert_organization_access(org_id);
  IF cost_optimization_resources.optimization_type IS NULL
     OR cost_optimization_resources.optimization_type NOT IN ('unused_resources', 'rightsizing') THEN
    RAISE EXCEPTION 'optimization_type must be unused_resources or rightsizing, got %', cost_optimization_resources.optimization_type
      USING ERRCODE = '22023';
  END IF;
  IF lookback_days IS NULL OR lookback_days < 1 OR lookback_days > 3650 THEN
    RAISE EXCEPTION 'lookback_days must be between 1 and 3650, got %', lookback_days USING ERRCODE = '22023';
  END IF;
  IF page_size IS NULL OR page_size < 1 OR page_size > 1000 THEN
    RAISE EXCEPTION 'page_size must be between 1 and 1000, got %', page_size USING ERRCODE = '22023';
  END IF;
  IF (after_savings IS NULL) <> (after_id IS NULL) THEN
    RAISE EXCEPTION 'after_savings and after_id go together: pass both from the last row of the previous page, or neither for the first page'
      USING ERRCODE = '22023';
  END IF;

  -- The snapshot's window, as analyze_cost_optimization reads it.
  SELECT ru.window_days INTO snapshot_window
    FROM resource_utilization ru
   WHERE ru.organization_id = org_id
   ORDER BY ru.resource_id
   LIMIT 1;

  IF snapshot_window = lookback_days THEN
    -- Flat with the estate: each page starts at the cursor in the type's partial index.
    IF cost_optimization_resources.optimization_type = 'unused_resources' THEN
      RETURN QUERY
      SELECT ru.resource_id, ru.monthly_cost, coalesce(ru.monthly_cost, 0)
        FROM resource_utilization ru
       WHERE ru.organization_id = org_id
         AND ru.is_unused
         AND (ru.savings_order, ru.resource_id) > (after_key, after_key_id)
       ORDER BY ru.savings_order, ru.resource_id
       LIMIT page_size;
    ELSE
      RETURN QUERY
      SELECT ru.resource_id, ru.monthly_cost, coalesce(ru.monthly_cost, 0) * 0.3
        FROM resource_utilization ru
       WHERE ru.organization_id = org_id
         AND ru.is_underused
         AND (ru.savings_order, ru.resource_id) > (after_key, after_key_id)
       ORDER BY ru.savings_order, ru.resource_id
       LIMIT page_size;
    END IF;
    RETURN;
  END IF;

  -- Another window than the snapshot's: analyze_cost_optimization's live criteria over the
  -- window's samples, so each page costs what that call costs.
  since := now() - make_interval(days => lookback_days);
  IF cost_optimization_resources.optimization_type = 'unused_resources' THEN
    RETURN QUERY
    SELECT u.id, u.cost, coalesce(u.cost, 0)
      FROM (SELECT cr.id, (cr.cost_tracking ->> 'monthly_cost')::numeric AS cost
              FROM cloud_resources cr
             WHERE cr.organization_id = org_id
               AND cr.resource_status = 'running'
               AND NOT EXISTS (
                     SELECT 1 FROM infrastructure_monitoring im
                      WHERE im.resource_id = cr.id AND im.organization_id = org_id AND im.monitoring_timestamp > since)) u
     WHERE ((-coalesce(u.cost, 0))::double precision, u.id) > (after_key, after_key_id)
     ORDER BY (-coalesce(u.cost, 0))::double precision, u.id
     LIMIT page_size;
  ELSE
    RETURN QUERY
    SELECT u.id, u.cost, coalesce(u.cost, 0) * 0.3
      FROM (SELECT cr.id, (cr.cost_tracking ->> 'monthly_cost')::numeric AS cost
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
               AND cr.resource_status = 'running') u
     WHERE ((-(coalesce(u.cost, 0) * 0.3))::double precision, u.id) > (after_key, after_key_id)
     ORDER BY (-(coalesce(u.cost, 0) * 0.3))::double precision, u.id
     LIMIT page_size;
  END IF;
END;
$function$;
--> statement-breakpoint
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
--> statement-breakpoint
-- The stored answers hold the old unbounded lists: forget them. analyze_cost_optimization
-- answers from the snapshot until the next refresh stores the bounded answer again.
DELETE FROM cost_optimization_results;
--> statement-breakpoint
-- A new function: nothing of ours runs for PUBLIC (0022); the roles that read the answer may page it.
REVOKE EXECUTE ON FUNCTION cost_optimization_resources(uuid, varchar, integer, integer, numeric, uuid) FROM PUBLIC;
--> statement-breakpoint
SELECT grant_cloudsync_roles();
