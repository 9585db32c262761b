-- Supabase compatibility: the design document's policies call auth.uid(). Where Supabase
-- provides it, its own function is kept; elsewhere this shim reads the same JWT claim
-- PostgREST sets. current_organization_id() falls back to the organization of that user.
CREATE SCHEMA IF NOT EXISTS auth;
--> statement-breakpoint
DO $$
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname = 'auth' AND p.proname = 'uid'
  ) THEN
    CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $f$
      SELECT nullif(coalesce(
        nullif(current_setting('request.jwt.claim.sub', true), ''),
        nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'
      ), '')::uuid
    $f$;
  END IF;
END
$$;
--> statement-breakpoint
-- SECURITY DEFINER so the lookup is not itself filtered by user_profiles' policy (which calls
-- current_organization_id(): that would recurse). It only ever reveals the organization of
-- the user the JWT names.
CREATE OR REPLACE FUNCTION organization_of_user(user_id uuid) RETURNS uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT organization_id FROM user_profiles WHERE id = user_id AND is_active $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION current_organization_id() RETURNS uuid
  LANGUAGE sql STABLE
  AS $$
    SELECT coalesce(
      nullif(current_setting('app.organization_id', true), '')::uuid,
      organization_of_user(auth.uid())
    )
  $$;
--> statement-breakpoint
-- The design document's functions were SECURITY DEFINER and trusted the org id they were
-- given: any tenant could read any other's numbers. Ours run as the caller (row-level
-- security applies) and refuse an organization other than the transaction's.
CREATE OR REPLACE FUNCTION assert_organization_access(org_id uuid) RETURNS void
  LANGUAGE plpgsql STABLE
AS $$
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
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION get_infrastructure_health_score(org_id uuid, provider_ids uuid[] DEFAULT NULL)
RETURNS jsonb
  LANGUAGE plpgsql STABLE SECURITY INVOKER SET search_path = public, pg_temp
AS $$
DECLARE
  total_resources integer;
  healthy_resources integer;
  warning_resources integer;
  critical_resources integer;
  avg_response_time numeric;
BEGIN
  PERFORM assert_organization_access(org_id);

  -- Served from idx_cloud_resources_org_status_health without touching the table.
  SELECT count(*),
         count(*) FILTER (WHERE health_status = 'healthy'),
         count(*) FILTER (WHERE health_status = 'warning'),
         count(*) FILTER (WHERE health_status = 'critical')
    INTO total_resources, healthy_resources, warning_resources, critical_resources
    FROM cloud_resources cr
   WHERE cr.organization_id = org_id
     AND cr.resource_status = 'running'
     AND (provider_ids IS NULL OR cr.provider_id = ANY (provider_ids));

  -- The last hour of samples: organization_id on the samples prunes to the current
  -- partition(s) and walks idx_infra_monitoring_org_time; no join unless providers are named.
  SELECT avg((im.metrics ->> 'response_time_ms')::numeric)
    INTO avg_response_time
    FROM infrastructure_monitoring im
   WHERE im.organization_id = org_id
     AND im.monitoring_timestamp > now() - interval '1 hour'
     AND (provider_ids IS NULL OR EXISTS (
           SELECT 1 FROM cloud_resources cr
            WHERE cr.id = im.resource_id AND cr.provider_id = ANY (provider_ids)));

  RETURN jsonb_build_object(
    'total_resources', total_resources,
    'healthy_resources', healthy_resources,
    'warning_resources', warning_resources,
    'critical_resources', critical_resources,
    'health_percentage', CASE
      WHEN total_resources = 0 THEN 100
      ELSE round((healthy_resources::numeric / total_resources) * 100, 2)
    END,
    'avg_response_time_ms', coalesce(round(avg_response_time, 2), 0),
    'overall_status', CASE
      WHEN critical_resources > 0 THEN 'critical'
      WHEN warning_resources > 0 THEN 'warning'
      WHEN healthy_resources = total_resources THEN 'healthy'
      ELSE 'unknown'
    END,
    'last_updated', now()
  );
END;
$$;
--> statement-breakpoint
COMMENT ON FUNCTION get_infrastructure_health_score(uuid, uuid[]) IS 'Health of an organization''s running resources (optionally some providers) and the last hour''s mean response time. Runs as the caller: RLS applies.';
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
  -- (an estimated 30 % saving). A resource whose cloud reports no memory is not judged on it.
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
         AND avg((im.metrics ->> 'memory_utilization')::numeric) < 30
    ) low_util ON low_util.resource_id = cr.id
   WHERE cr.organization_id = org_id
     AND cr.resource_status = 'running'
  HAVING count(*) > 0;
END;
$$;
--> statement-breakpoint
COMMENT ON FUNCTION analyze_cost_optimization(uuid, integer) IS 'Unused and under-used running resources of an organization with their potential monthly savings. Runs as the caller: RLS applies.';
--> statement-breakpoint
-- Monthly totals. Grouped by currency as well: summing euros with dollars would be wrong.
-- month is a date (the first of the month), computed without a time zone so every session
-- agrees on it.
CREATE MATERIALIZED VIEW monthly_cost_summary AS
SELECT organization_id,
       provider_id,
       date_trunc('month', cost_period_start::timestamp)::date AS month,
       cost_category,
       cost_currency,
       sum(cost_amount)::numeric(14, 2) AS total_cost,
       avg(cost_amount) AS avg_cost,
       count(*) AS cost_entries
  FROM cloud_costs
 GROUP BY organization_id, provider_id, date_trunc('month', cost_period_start::timestamp)::date, cost_category, cost_currency;
--> statement-breakpoint
-- REFRESH ... CONCURRENTLY needs a unique index over plain columns covering every row;
-- provider_id and cost_currency may be null, hence NULLS NOT DISTINCT (PostgreSQL 15).
CREATE UNIQUE INDEX monthly_cost_summary_key
  ON monthly_cost_summary (organization_id, provider_id, month, cost_category, cost_currency) NULLS NOT DISTINCT;
--> statement-breakpoint
COMMENT ON MATERIALIZED VIEW monthly_cost_summary IS 'Monthly cost totals per organization, provider, category and currency. Not under RLS (materialized views cannot be): tenants read it through get_monthly_cost_summary().';
--> statement-breakpoint
CREATE OR REPLACE FUNCTION refresh_monthly_cost_summary() RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
BEGIN
  REFRESH MATERIALIZED VIEW CONCURRENTLY monthly_cost_summary;
END;
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION refresh_monthly_cost_summary() FROM PUBLIC;
--> statement-breakpoint
-- Materialized views cannot carry row-level security, so tenants read the summary through
-- this function, which returns only the transaction's own organization.
CREATE OR REPLACE FUNCTION get_monthly_cost_summary(org_id uuid, from_month date DEFAULT NULL, to_month date DEFAULT NULL)
RETURNS SETOF monthly_cost_summary
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
BEGIN
  IF org_id IS NULL THEN
    RAISE EXCEPTION 'an organization id is required' USING ERRCODE = '22004';
  END IF;
  IF current_organization_id() IS DISTINCT FROM org_id THEN
    RAISE EXCEPTION 'organization % is not the organization of this transaction', org_id
      USING ERRCODE = '42501', HINT = 'Call it inside withOrganization() for that organization.';
  END IF;
  IF from_month IS NOT NULL AND to_month IS NOT NULL AND to_month < from_month THEN
    RAISE EXCEPTION 'to_month (%) is before from_month (%)', to_month, from_month USING ERRCODE = '22023';
  END IF;
  RETURN QUERY
  SELECT s.* FROM monthly_cost_summary s
   WHERE s.organization_id = org_id
     AND (from_month IS NULL OR s.month >= date_trunc('month', from_month::timestamp)::date)
     AND (to_month IS NULL OR s.month <= date_trunc('month', to_month::timestamp)::date)
   ORDER BY s.month, s.provider_id, s.cost_category, s.cost_currency;
END;
$$;
--> statement-breakpoint
-- Real-time notifications. Fixed from the design document: IS DISTINCT FROM (a NULL status
-- compared with != notified nothing), and the trigger fires only when the status changes, so
-- bulk upserts that leave statuses alone do not pay for a function call per row. Payloads
-- carry ids and states only, never credentials or configuration.
CREATE OR REPLACE FUNCTION notify_infrastructure_change() RETURNS trigger
  LANGUAGE plpgsql
AS $$
BEGIN
  -- Branches are nested, not joined with AND: plpgsql resolves every field of a condition, and
  -- an alert has no resource_status (the design document's version failed on every alert).
  IF TG_TABLE_NAME = 'cloud_resources' THEN
    IF TG_OP = 'UPDATE' AND OLD.resource_status IS DISTINCT FROM NEW.resource_status THEN
      PERFORM pg_notify('infrastructure_change', json_build_object(
        'type', 'resource_status_change',
        'resource_id', NEW.id,
        'provider_id', NEW.provider_id,
        'old_status', OLD.resource_status,
        'new_status', NEW.resource_status,
        'organization_id', NEW.organization_id,
        'changed_at', now()
      )::text);
    END IF;
  ELSIF TG_TABLE_NAME = 'infrastructure_alerts' THEN
    IF TG_OP = 'INSERT' THEN
      PERFORM pg_notify('infrastructure_alert', json_build_object(
        'type', 'new_alert',
        'alert_id', NEW.id,
        'severity', NEW.severity_level,
        'alert_type', NEW.alert_type,
        'resource_id', NEW.resource_id,
        'organization_id', NEW.organization_id,
        'triggered_at', NEW.triggered_at
      )::text);
    END IF;
  END IF;
  RETURN COALESCE(NEW, OLD);
END;
$$;
--> statement-breakpoint
CREATE TRIGGER cloud_resources_notify AFTER UPDATE OF resource_status ON cloud_resources
  FOR EACH ROW WHEN (OLD.resource_status IS DISTINCT FROM NEW.resource_status)
  EXECUTE FUNCTION notify_infrastructure_change();
--> statement-breakpoint
CREATE TRIGGER infrastructure_alerts_notify AFTER INSERT ON infrastructure_alerts
  FOR EACH ROW EXECUTE FUNCTION notify_infrastructure_change();
--> statement-breakpoint
-- updated_at (last_updated on cloud_resources) follows every update, whoever writes it.
CREATE OR REPLACE FUNCTION set_updated_at() RETURNS trigger
  LANGUAGE plpgsql
AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION set_last_updated() RETURNS trigger
  LANGUAGE plpgsql
AS $$
BEGIN
  NEW.last_updated := now();
  RETURN NEW;
END;
$$;
--> statement-breakpoint
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY[
    'organizations', 'user_profiles', 'cloud_providers', 'infrastructure_templates',
    'infrastructure_deployments', 'cost_optimization_recommendations', 'cost_budgets',
    'disaster_recovery_plans', 'backup_configurations'
  ] LOOP
    EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE ON %I FOR EACH ROW EXECUTE FUNCTION set_updated_at()',
                   t || '_set_updated_at', t);
  END LOOP;
END
$$;
--> statement-breakpoint
CREATE TRIGGER cloud_resources_set_last_updated BEFORE UPDATE ON cloud_resources
  FOR EACH ROW EXECUTE FUNCTION set_last_updated();
