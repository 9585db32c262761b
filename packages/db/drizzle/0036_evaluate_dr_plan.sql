-- Made from sql/functions/{evaluate_dr_plan,grant_cloudsync_roles}.sql by db:function: the canonical files are where to read and change these functions.
CREATE OR REPLACE FUNCTION public.evaluate_dr_plan(plan_id uuid, as_of timestamp with time zone DEFAULT now())
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'public', 'pg_temp'
AS $function$
DECLARE
  current_org uuid := current_organization_id();
  p disaster_recovery_plans%ROWTYPE;
  rpo integer;
  cross_region boolean;
  recovery_codes text[];
  codes_text text;
  f record;
  achieved integer;
  failed_note text;
  verdict text;
  reasons text[];
  resources jsonb := '[]'::jsonb;
  covered_count integer := 0;
  late text[] := '{}';
  uncovered text[] := '{}';
  failed_runs text[] := '{}';
  no_copy text[] := '{}';
  findings jsonb;
  frequency text;
  interval_days integer;
  days_since integer;
  test_overdue boolean;
  rate numeric;
  apart integer;
BEGIN
  IF plan_id IS NULL THEN
    RAISE EXCEPTION 'a DR plan id is required' USING ERRCODE = '22004';
  END IF;
  -- Invoker rights: RLS decides which plans and resources are visible. Without an organization
  -- every row is hidden, and "not found" would mislead, so say what is missing instead.
  IF current_org IS NULL AND row_security_active('public.disaster_recovery_plans') THEN
    RAISE EXCEPTION 'no organization is set for this transaction'
      USING ERRCODE = '42501', HINT = 'Run it inside withOrganization(db, orgId, fn), or set app.organization_id for the transaction.';
  END IF;
  -- Another organization's plan is reported exactly like a plan that does not exist (RLS hides
  -- it from a tenant; the worker's policy does not, hence the explicit organization test), so the
  -- answer never tells whether an id belongs to someone else.
  SELECT d.* INTO p FROM disaster_recovery_plans d
   WHERE d.id = plan_id AND (current_org IS NULL OR d.organization_id = current_org);
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no DR plan % in this organization', plan_id
      USING ERRCODE = 'P0002', HINT = 'List the organization''s plans (`cloudsync dr plan list`) and pass one of their ids, inside withOrganization() for the organization that owns it.';
  END IF;

  rpo := (p.recovery_objectives ->> 'rpo_minutes')::integer;
  IF rpo IS NULL THEN
    RAISE EXCEPTION 'DR plan % has no recovery_objectives.rpo_minutes', p.id
      USING ERRCODE = '22023', HINT = 'Set recovery_objectives.rpo_minutes (whole minutes) on the plan, then evaluate it again.';
  END IF;
  cross_region := coalesce((p.backup_strategy ->> 'cross_region')::boolean, false);
  SELECT coalesce(array_agg(x.r ->> 'region_code' ORDER BY x.n) FILTER (WHERE x.r ->> 'region_code' IS NOT NULL), '{}')
    INTO recovery_codes
    FROM jsonb_array_elements(CASE WHEN jsonb_typeof(p.disaster_recovery_regions) = 'array' THEN p.disaster_recovery_regions ELSE '[]'::jsonb END)
         WITH ORDINALITY AS x(r, n);
  codes_text := coalesce(nullif(array_to_string(recovery_codes, ', '), ''), 'none named');

  -- The resources a plan covers: the live production and wedding-critical resources of its
  -- primary region that hold data (a security group or an address has nothing to restore), and
  -- any resource a configuration names the plan for. Disabled configurations do not count.
  FOR f IN
    SELECT r.id, r.resource_name, cfg.configurations, cfg.all_paused, cfg.copy_in_recovery,
           ok.last_ok, lf.execution_status AS last_status, lf.error_message AS last_error
      FROM cloud_resources r
      CROSS JOIN LATERAL (
        SELECT count(*)::integer AS configurations,
               coalesce(bool_and(b.backup_status = 'paused'), false) AS all_paused,
               coalesce(bool_or(EXISTS (
                 SELECT 1
                   FROM (SELECT b.backup_destination ->> 'region' AS region
                         UNION ALL
                         SELECT c ->> 'region'
                           FROM jsonb_array_elements(CASE WHEN jsonb_typeof(b.backup_destination -> 'copies') = 'array'
                                                          THEN b.backup_destination -> 'copies' ELSE '[]'::jsonb END) c) d
                  WHERE d.region = ANY (recovery_codes))), false) AS copy_in_recovery
          FROM backup_configurations b
         WHERE b.organization_id = r.organization_id AND b.resource_id = r.id AND b.backup_status <> 'disabled') cfg
      -- A recovery point is the end of a completed run; in_progress, failed and cancelled runs are
      -- none, and neither is a snapshot its cloud no longer lists (deleted: `deleted_at`).
      LEFT JOIN LATERAL (
        SELECT max(e.completed_at) AS last_ok
          FROM backup_executions e JOIN backup_configurations b ON b.id = e.backup_config_id
         WHERE b.organization_id = r.organization_id AND b.resource_id = r.id AND b.backup_status <> 'disabled'
           AND e.execution_status = 'completed' AND NOT (e.performance_metrics ? 'deleted_at')) ok ON true
      LEFT JOIN LATERAL (
        SELECT e.execution_status, e.error_message
          FROM backup_executions e JOIN backup_configurations b ON b.id = e.backup_config_id
         WHERE b.organization_id = r.organization_id AND b.resource_id = r.id AND b.backup_status <> 'disabled'
           AND e.execution_status IN ('completed', 'failed')
         ORDER BY e.started_at DESC NULLS LAST, e.completed_at DESC NULLS LAST
         LIMIT 1) lf ON true
     WHERE r.organization_id = p.organization_id AND r.terminated_at IS NULL
       AND ((r.region_id = p.primary_region_id AND (coalesce(r.is_wedding_critical, false) OR r.environment = 'production')
             AND r.resource_type IN ('compute', 'storage', 'database'))
            OR EXISTS (SELECT 1 FROM backup_configurations b
                        WHERE b.organization_id = r.organization_id AND b.resource_id = r.id
                          AND b.dr_plan_id = p.id AND b.backup_status <> 'disabled'))
     ORDER BY r.resource_name, r.id
  LOOP
    -- Achieved RPO: whole minutes (rounded down) since the newest recovery point ended.
    achieved := CASE WHEN f.last_ok IS NULL THEN NULL ELSE floor(extract(epoch FROM as_of - f.last_ok) / 60)::integer END;
    failed_note := CASE WHEN f.last_status = 'failed' THEN coalesce(f.last_error, 'no message') END;
    -- The rules in order, the first that matches decides (docs/disaster-recovery.md).
    IF f.configurations = 0 THEN
      verdict := 'missed';
      reasons := ARRAY['no backup configuration covers it'];
    ELSIF f.all_paused THEN
      verdict := 'missed';
      reasons := ARRAY['every backup configuration of it is paused'];
    ELSIF achieved IS NULL THEN
      verdict := 'missed';
      reasons := ARRAY['no completed backup' || coalesce('; the latest run failed: ' || failed_note, '')];
    ELSIF achieved > rpo THEN
      verdict := 'missed';
      reasons := ARRAY[format('newest completed backup is %s min old, over the %s min RPO', achieved, rpo)];
      IF failed_note IS NOT NULL THEN
        reasons := reasons || ('the latest run failed: ' || failed_note);
      END IF;
    ELSE
      reasons := '{}';
      IF failed_note IS NOT NULL THEN
        reasons := reasons || format('the latest run failed (%s); the backup from %s min ago still meets the RPO', failed_note, achieved);
      END IF;
      IF cross_region AND NOT f.copy_in_recovery THEN
        reasons := reasons || format('no backup is copied into a recovery region (%s)', codes_text);
      END IF;
      verdict := CASE WHEN cardinality(reasons) > 0 THEN 'at_risk' ELSE 'met' END;
    END IF;

    IF f.configurations = 0 THEN
      uncovered := uncovered || f.resource_name::text;
    ELSE
      covered_count := covered_count + 1;
      IF verdict = 'missed' THEN late := late || f.resource_name::text; END IF;
      -- Counted for every covered resource, whatever decided its verdict.
      IF failed_note IS NOT NULL THEN failed_runs := failed_runs || f.resource_name::text; END IF;
      IF cross_region AND NOT f.copy_in_recovery THEN no_copy := no_copy || f.resource_name::text; END IF;
    END IF;

    resources := resources || jsonb_build_array(jsonb_build_object(
      'id', f.id,
      'name', f.resource_name,
      'verdict', verdict,
      'covered', f.configurations > 0,
      'last_successful_backup_at', f.last_ok,
      'achieved_rpo_minutes', achieved,
      'within_rpo', achieved IS NOT NULL AND achieved <= rpo,
      'latest_run_failed', failed_note IS NOT NULL,
      'copy_in_recovery_region', f.configurations > 0 AND f.copy_in_recovery,
      'reasons', to_jsonb(reasons)));
  END LOOP;

  findings := jsonb_build_array(
    CASE WHEN covered_count = 0
      THEN jsonb_build_object('check', 'backups within RPO', 'result', 'fail', 'detail', 'no resource of this plan has a backup configuration')
      ELSE jsonb_build_object('check', 'backups within RPO',
             'result', CASE WHEN cardinality(late) > 0 THEN 'fail' ELSE 'ok' END,
             'detail', CASE WHEN cardinality(late) > 0
               THEN format('%s of %s without a completed backup in the last %s min: %s', cardinality(late), covered_count, rpo,
                           array_to_string(late[1:5], ', ') || CASE WHEN cardinality(late) > 5 THEN ', …' ELSE '' END)
               ELSE format('all %s completed a backup in the last %s min', covered_count, rpo) END)
    END,
    jsonb_build_object('check', 'critical resources covered',
      'result', CASE WHEN cardinality(uncovered) > 0 THEN 'warn' ELSE 'ok' END,
      'detail', CASE WHEN cardinality(uncovered) > 0
        THEN format('%s production or wedding-critical resources in the primary region have no backup configuration: %s', cardinality(uncovered),
                    array_to_string(uncovered[1:5], ', ') || CASE WHEN cardinality(uncovered) > 5 THEN ', …' ELSE '' END)
        ELSE 'every production and wedding-critical resource of the primary region has a backup configuration' END),
    jsonb_build_object('check', 'latest backup runs',
      'result', CASE WHEN cardinality(failed_runs) > 0 THEN 'warn' ELSE 'ok' END,
      'detail', CASE WHEN cardinality(failed_runs) > 0
        THEN format('the newest run failed for %s: %s', cardinality(failed_runs),
                    array_to_string(failed_runs[1:5], ', ') || CASE WHEN cardinality(failed_runs) > 5 THEN ', …' ELSE '' END)
        ELSE 'no resource''s newest run failed' END));
  IF cross_region THEN
    findings := findings || jsonb_build_array(jsonb_build_object('check', 'cross-region copies',
      'result', CASE WHEN cardinality(no_copy) > 0 THEN 'warn' ELSE 'ok' END,
      'detail', CASE WHEN cardinality(no_copy) > 0
        THEN format('%s of %s have no copy in %s: %s', cardinality(no_copy), covered_count, array_to_string(recovery_codes, ', '),
                    array_to_string(no_copy[1:5], ', ') || CASE WHEN cardinality(no_copy) > 5 THEN ', …' ELSE '' END)
        ELSE 'every covered resource has a copy in a recovery region' END));
  END IF;

  -- Tests: overdue when older than the schedule's interval in whole days; unknown frequencies are quarterly.
  frequency := coalesce(p.testing_schedule ->> 'frequency', 'quarterly');
  interval_days := CASE frequency WHEN 'weekly' THEN 7 WHEN 'monthly' THEN 31 WHEN 'quarterly' THEN 92
                                  WHEN 'semiannually' THEN 183 WHEN 'annually' THEN 366 ELSE 92 END;
  IF p.last_tested_at IS NULL THEN
    test_overdue := true;
    findings := findings || jsonb_build_array(jsonb_build_object('check', 'tested on schedule', 'result', 'fail',
      'detail', format('never tested (schedule: %s); record one with `cloudsync dr plan test`', frequency)));
  ELSE
    days_since := floor(extract(epoch FROM as_of - p.last_tested_at) / 86400)::integer;
    test_overdue := days_since > interval_days;
    findings := findings || jsonb_build_array(jsonb_build_object('check', 'tested on schedule',
      'result', CASE WHEN test_overdue THEN 'warn' ELSE 'ok' END,
      'detail', format('last tested %s days ago (schedule: %s, every %s days)', days_since, frequency, interval_days)
                || CASE WHEN test_overdue THEN format(': overdue by %s days', days_since - interval_days) ELSE '' END));
  END IF;
  rate := trim_scale(coalesce(p.test_success_rate, 100));
  findings := findings || jsonb_build_array(jsonb_build_object('check', 'test success rate',
    'result', CASE WHEN p.last_tested_at IS NOT NULL AND rate < 90 THEN 'warn' ELSE 'ok' END,
    'detail', CASE WHEN p.last_tested_at IS NOT NULL THEN format('%s %% of recorded tests passed', rate) ELSE 'no tests recorded' END));
  SELECT count(*)::integer INTO apart
    FROM jsonb_array_elements(CASE WHEN jsonb_typeof(p.disaster_recovery_regions) = 'array' THEN p.disaster_recovery_regions ELSE '[]'::jsonb END) x
   WHERE x ->> 'region_id' IS NOT NULL AND x ->> 'region_id' <> p.primary_region_id::text;
  findings := findings || jsonb_build_array(jsonb_build_object('check', 'recovery regions',
    'result', CASE WHEN apart > 0 THEN 'ok' ELSE 'fail' END,
    'detail', CASE WHEN apart > 0 THEN format('%s region(s) apart from the primary', apart) ELSE 'no recovery region apart from the primary' END));

  RETURN jsonb_build_object(
    'plan', jsonb_build_object('id', p.id, 'name', p.plan_name, 'rpo_minutes', rpo, 'cross_region', cross_region,
                               'recovery_region_codes', to_jsonb(recovery_codes)),
    'as_of', as_of,
    -- The plan's verdict is its worst finding.
    'verdict', CASE WHEN findings @> '[{"result": "fail"}]' THEN 'fail' WHEN findings @> '[{"result": "warn"}]' THEN 'warn' ELSE 'ok' END,
    'findings', findings,
    'test', jsonb_build_object('frequency', frequency, 'interval_days', interval_days, 'last_tested_at', p.last_tested_at,
                               'days_since', days_since, 'overdue', test_overdue,
                               'next_due_at', p.last_tested_at + make_interval(days => interval_days)),
    'resources', resources);
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
    REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON resource_health_counts FROM cloudsync_app;
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
-- A new function: nothing of ours runs for PUBLIC (0022); the roles that read plans may run it.
REVOKE EXECUTE ON FUNCTION evaluate_dr_plan(uuid, timestamptz) FROM PUBLIC;
--> statement-breakpoint
SELECT grant_cloudsync_roles();
