-- get_infrastructure_health_score counted the organization's running resources by health on
-- every call: an index-only scan of 80,000 entries at 100k resources, 8–14 ms of its 20 ms
-- budget. resource_health_counts (0015) holds those counts per provider, status and health,
-- kept exact by statement-level triggers on cloud_resources, so the function reads a few rows.

-- Applies one statement's changes to the counts: each changed row leaves its old group and
-- joins its new one (an update that changes neither status nor health cancels out). Groups are
-- written in key order, so two writers changing one organization's resources at once take the
-- count rows' locks in the same order. A transition table exists only for the events that
-- have it, hence one query per event to gather the changes. SECURITY DEFINER: the application and the worker
-- may read the counts but not write them; what this writes comes only from the rows the
-- calling statement changed, which row-level security already limited to what it may change.
CREATE OR REPLACE FUNCTION track_resource_health_counts() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = public, pg_temp
AS $$
DECLARE
  -- One row per group the statement changed, with the change in `resources`.
  deltas resource_health_counts[];
  emptied resource_health_counts[];
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM resource_health_counts;
    RETURN NULL;
  ELSIF TG_OP = 'INSERT' THEN
    SELECT array_agg(ROW(n.organization_id, n.provider_id, n.resource_status, n.health_status, n.k)::resource_health_counts)
      INTO deltas
      FROM (SELECT organization_id, provider_id, resource_status, health_status, count(*)::integer AS k
              FROM new_rows GROUP BY 1, 2, 3, 4) n;
  ELSIF TG_OP = 'UPDATE' THEN
    SELECT array_agg(ROW(d.organization_id, d.provider_id, d.resource_status, d.health_status, d.k)::resource_health_counts)
      INTO deltas
      FROM (SELECT organization_id, provider_id, resource_status, health_status, sum(delta)::integer AS k
              FROM (SELECT organization_id, provider_id, resource_status, health_status, 1 AS delta FROM new_rows
                    UNION ALL
                    SELECT organization_id, provider_id, resource_status, health_status, -1 FROM old_rows) u
             GROUP BY 1, 2, 3, 4
            HAVING sum(delta) <> 0) d;
  ELSE
    SELECT array_agg(ROW(o.organization_id, o.provider_id, o.resource_status, o.health_status, -o.k)::resource_health_counts)
      INTO deltas
      FROM (SELECT organization_id, provider_id, resource_status, health_status, count(*)::integer AS k
              FROM old_rows GROUP BY 1, 2, 3, 4) o;
  END IF;
  IF deltas IS NULL THEN
    RETURN NULL;
  END IF;
  WITH applied AS (
    INSERT INTO resource_health_counts AS c (organization_id, provider_id, resource_status, health_status, resources)
    SELECT * FROM unnest(deltas) ORDER BY 1, 2, 3, 4
    ON CONFLICT ON CONSTRAINT resource_health_counts_key
    DO UPDATE SET resources = c.resources + excluded.resources
    RETURNING c.*
  )
  SELECT array_agg(applied) FILTER (WHERE applied.resources = 0) INTO emptied FROM applied;
  -- Groups this statement emptied go (a deleted provider or organization leaves nothing
  -- behind); only rows it already holds locks on, so it never waits on another writer.
  IF emptied IS NOT NULL THEN
    DELETE FROM resource_health_counts c
     USING unnest(emptied) e
     WHERE c.organization_id = e.organization_id AND c.provider_id = e.provider_id
       AND c.resource_status IS NOT DISTINCT FROM e.resource_status
       AND c.health_status IS NOT DISTINCT FROM e.health_status
       AND c.resources = 0;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION track_resource_health_counts() FROM PUBLIC;
--> statement-breakpoint
CREATE TRIGGER cloud_resources_health_counts_insert AFTER INSERT ON cloud_resources
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION track_resource_health_counts();
--> statement-breakpoint
CREATE TRIGGER cloud_resources_health_counts_update AFTER UPDATE ON cloud_resources
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION track_resource_health_counts();
--> statement-breakpoint
CREATE TRIGGER cloud_resources_health_counts_delete AFTER DELETE ON cloud_resources
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION track_resource_health_counts();
--> statement-breakpoint
CREATE TRIGGER cloud_resources_health_counts_truncate AFTER TRUNCATE ON cloud_resources
  FOR EACH STATEMENT EXECUTE FUNCTION track_resource_health_counts();
--> statement-breakpoint
-- The counts of the resources stored before this migration (the triggers above hold writers
-- off until it commits, so none is counted twice or missed).
INSERT INTO resource_health_counts (organization_id, provider_id, resource_status, health_status, resources)
SELECT organization_id, provider_id, resource_status, health_status, count(*)::integer
  FROM cloud_resources
 GROUP BY 1, 2, 3, 4;
--> statement-breakpoint
-- The worker reads every organization's counts, as it reads every organization's estate (0010).
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cloudsync_worker') THEN
    RAISE NOTICE 'cloudsync: role cloudsync_worker is missing; create it and run this migration''s policy again';
    RETURN;
  END IF;
  DROP POLICY IF EXISTS resource_health_counts_worker_access ON resource_health_counts;
  CREATE POLICY resource_health_counts_worker_access ON resource_health_counts
    AS PERMISSIVE FOR SELECT TO cloudsync_worker USING (true);
END
$$;
--> statement-breakpoint
-- Writes to the counts stay revoked whenever the grants are applied again.
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
    REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON resource_health_counts FROM cloudsync_app;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cloudsync_worker') THEN
    GRANT USAGE ON SCHEMA public, auth TO cloudsync_worker;
    GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO cloudsync_worker;
    GRANT DELETE ON cloud_costs TO cloudsync_worker;
    GRANT EXECUTE ON FUNCTION ensure_monitoring_partitions(date, integer),
                              drop_monitoring_partitions(interval, boolean),
                              refresh_monthly_cost_summary() TO cloudsync_worker;
    REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON resource_health_counts FROM cloudsync_worker;
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
SELECT grant_cloudsync_roles();
--> statement-breakpoint
-- The same answer as before (0003), with the counts read from resource_health_counts.
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

  -- From the counts the triggers on cloud_resources keep (0016): a few rows per provider.
  SELECT coalesce(sum(c.resources), 0),
         coalesce(sum(c.resources) FILTER (WHERE c.health_status = 'healthy'), 0),
         coalesce(sum(c.resources) FILTER (WHERE c.health_status = 'warning'), 0),
         coalesce(sum(c.resources) FILTER (WHERE c.health_status = 'critical'), 0)
    INTO total_resources, healthy_resources, warning_resources, critical_resources
    FROM resource_health_counts c
   WHERE c.organization_id = org_id
     AND c.resource_status = 'running'
     AND (provider_ids IS NULL OR c.provider_id = ANY (provider_ids));

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
