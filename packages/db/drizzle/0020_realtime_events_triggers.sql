-- The change feed through an outbox (realtime_events, 0019) instead of payloads on NOTIFY.
--
-- PostgreSQL checks no permission on NOTIFY channels: before this migration any login could
-- pg_notify a payload naming another organization (the realtime server relayed it to that
-- organization's clients), and any login that LISTENed received every organization's resource
-- ids and statuses. Now the triggers write the events into realtime_events, under row-level
-- security and writable by nobody but these SECURITY DEFINER functions, and NOTIFY carries only
-- the highest sequence number written: a wake-up call that tells a listener nothing and that a
-- reader never trusts (it reads the table, with its own privileges).

-- The realtime server's role: reads every organization's events, nothing else. Created when the
-- migrating login may (like cloudsync_app / cloudsync_worker in 0000).
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cloudsync_realtime') THEN
    CREATE ROLE cloudsync_realtime NOLOGIN;
  END IF;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'cloudsync: could not create role cloudsync_realtime (no CREATEROLE); ask an administrator to create it, then run SELECT grant_cloudsync_roles() as the owner';
END
$$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS cloud_resources_notify ON cloud_resources;
--> statement-breakpoint
DROP TRIGGER IF EXISTS infrastructure_alerts_notify ON infrastructure_alerts;
--> statement-breakpoint
DROP FUNCTION IF EXISTS notify_infrastructure_change();
--> statement-breakpoint
-- One INSERT per UPDATE statement on cloud_resources, not one function call per row: the writer
-- upserts pages of resources at COPY speed, and the old and new transition tables already exist
-- for the health counts (0016), so an unchanged page costs one empty join. Only resources whose
-- status actually changed become events, as before. created_at is the clock at insertion (not
-- the transaction's start) so age-based pruning follows sequence order closely.
CREATE OR REPLACE FUNCTION record_resource_status_events() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = public, pg_temp
AS $$
DECLARE
  last_seq bigint;
BEGIN
  WITH written AS (
    INSERT INTO realtime_events (organization_id, channel, resource_id, is_wedding_critical, payload, created_at)
    SELECT n.organization_id, 'infrastructure_change', n.id, coalesce(n.is_wedding_critical, false),
           jsonb_build_object(
             'type', 'resource_status_change',
             'resource_id', n.id,
             'provider_id', n.provider_id,
             'old_status', o.resource_status,
             'new_status', n.resource_status,
             'organization_id', n.organization_id,
             'changed_at', now()),
           clock_timestamp()
      FROM new_rows n JOIN old_rows o ON o.id = n.id
     WHERE o.resource_status IS DISTINCT FROM n.resource_status
    RETURNING seq
  )
  SELECT max(seq) INTO last_seq FROM written;
  IF last_seq IS NOT NULL THEN
    PERFORM pg_notify('cloudsync_realtime_events', last_seq::text);
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
-- A raised alert. The flag comes from the alert's resource (read with the owner's rights: the
-- writer of the alert may not see the resource row, the event still needs the flag).
CREATE OR REPLACE FUNCTION record_alert_events() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = public, pg_temp
AS $$
DECLARE
  last_seq bigint;
BEGIN
  WITH written AS (
    INSERT INTO realtime_events (organization_id, channel, resource_id, is_wedding_critical, payload, created_at)
    SELECT a.organization_id, 'infrastructure_alert', a.resource_id, coalesce(r.is_wedding_critical, false),
           jsonb_build_object(
             'type', 'new_alert',
             'alert_id', a.id,
             'severity', a.severity_level,
             'alert_type', a.alert_type,
             'resource_id', a.resource_id,
             'organization_id', a.organization_id,
             'triggered_at', a.triggered_at),
           clock_timestamp()
      FROM new_rows a LEFT JOIN cloud_resources r ON r.id = a.resource_id
    RETURNING seq
  )
  SELECT max(seq) INTO last_seq FROM written;
  IF last_seq IS NOT NULL THEN
    PERFORM pg_notify('cloudsync_realtime_events', last_seq::text);
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION record_resource_status_events() FROM PUBLIC;
--> statement-breakpoint
REVOKE ALL ON FUNCTION record_alert_events() FROM PUBLIC;
--> statement-breakpoint
-- A column list (UPDATE OF resource_status) cannot go with transition tables; the join's
-- WHERE does the filtering instead.
CREATE TRIGGER cloud_resources_realtime_events AFTER UPDATE ON cloud_resources
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION record_resource_status_events();
--> statement-breakpoint
CREATE TRIGGER infrastructure_alerts_realtime_events AFTER INSERT ON infrastructure_alerts
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION record_alert_events();
--> statement-breakpoint
INSERT INTO realtime_event_retention (singleton, pruned_through) VALUES (true, 0) ON CONFLICT DO NOTHING;
--> statement-breakpoint
-- Retention: deletes the events recorded more than `keep` ago, always a prefix of the sequence
-- (everything up to the newest such event), and remembers where it stopped so a reader asked to
-- resume from before that point reports a gap instead of replaying what is left. Run by the
-- worker's maintenance (and allowed to the realtime server). SECURITY DEFINER: nobody else may
-- delete events.
CREATE OR REPLACE FUNCTION prune_realtime_events(keep interval) RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = public, pg_temp
AS $$
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
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION prune_realtime_events(interval) FROM PUBLIC;
--> statement-breakpoint
-- The realtime server reads every organization's events (it routes them to each organization's
-- clients itself); SELECT only, like the worker's policies of 0010 but for this one table.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cloudsync_realtime') THEN
    RAISE NOTICE 'cloudsync: role cloudsync_realtime is missing; create it and run this migration''s policy again';
    RETURN;
  END IF;
  DROP POLICY IF EXISTS realtime_events_realtime_access ON realtime_events;
  CREATE POLICY realtime_events_realtime_access ON realtime_events
    AS PERMISSIVE FOR SELECT TO cloudsync_realtime USING (true);
  DROP POLICY IF EXISTS realtime_event_retention_realtime_access ON realtime_event_retention;
  CREATE POLICY realtime_event_retention_realtime_access ON realtime_event_retention
    AS PERMISSIVE FOR SELECT TO cloudsync_realtime USING (true);
END
$$;
--> statement-breakpoint
-- 0016's grants plus the outbox: tenants read their events (RLS) and write none; the worker
-- neither reads nor writes them but prunes; the realtime role reads them all and may prune.
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
    REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON realtime_events FROM cloudsync_app;
    REVOKE ALL ON realtime_event_retention FROM cloudsync_app;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cloudsync_worker') THEN
    GRANT USAGE ON SCHEMA public, auth TO cloudsync_worker;
    GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO cloudsync_worker;
    GRANT DELETE ON cloud_costs TO cloudsync_worker;
    GRANT EXECUTE ON FUNCTION ensure_monitoring_partitions(date, integer),
                              drop_monitoring_partitions(interval, boolean),
                              refresh_monthly_cost_summary(),
                              prune_realtime_events(interval) TO cloudsync_worker;
    REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON resource_health_counts FROM cloudsync_worker;
    REVOKE ALL ON realtime_events, realtime_event_retention FROM cloudsync_worker;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cloudsync_realtime') THEN
    GRANT USAGE ON SCHEMA public TO cloudsync_realtime;
    GRANT SELECT ON realtime_events, realtime_event_retention TO cloudsync_realtime;
    GRANT EXECUTE ON FUNCTION prune_realtime_events(interval) TO cloudsync_realtime;
  END IF;
  REVOKE ALL ON monthly_cost_summary FROM PUBLIC;
  REVOKE ALL ON realtime_events, realtime_event_retention FROM PUBLIC;
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
