CREATE TABLE "response_time_minutes" (
	"organization_id" uuid NOT NULL,
	"minute" timestamp with time zone NOT NULL,
	"provider_id" uuid NOT NULL,
	"samples" bigint NOT NULL,
	"response_time_sum" numeric NOT NULL,
	"max_scale" integer,
	"samples_at_max_scale" bigint NOT NULL,
	"other_values" bigint NOT NULL,
	CONSTRAINT "response_time_minutes_pkey" PRIMARY KEY("organization_id","minute","provider_id")
);
--> statement-breakpoint
ALTER TABLE "response_time_minutes" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "response_time_minutes_tenant_isolation" ON "response_time_minutes" AS PERMISSIVE FOR ALL TO public USING ("response_time_minutes"."organization_id" = (select current_organization_id())) WITH CHECK ("response_time_minutes"."organization_id" = (select current_organization_id()));--> statement-breakpoint
-- get_infrastructure_health_score averaged the organization's whole last hour of samples on every
-- call: 10 ms at 100k resources, 40 ms at 1M. response_time_minutes (above) holds, per
-- organization, minute and provider, the count and exact sum of the samples' response_time_ms,
-- kept by statement-level triggers on infrastructure_monitoring, so the score sums about sixty
-- rows per provider and reads only the first, partial minute of the hour from the samples.

-- One group of changed samples: an organization, provider and minute, the samples of one scale
-- (decimals) that the statement added (sign 1) or removed (sign -1). A null provider means "a
-- sample of this minute whose resource is gone": the minute is counted again from the samples.
CREATE TYPE response_time_change AS (
  organization_id uuid,
  provider_id uuid,
  minute timestamptz,
  sign integer,
  scale integer,
  samples bigint,
  response_time_sum numeric,
  other_values bigint
);
--> statement-breakpoint
-- Counts the minutes [lo, hi) of an organization (every organization when null; null bounds are
-- open) again from the samples. No lock of its own: the triggers call it for single minutes
-- while writers hold theirs; rebuild_response_time_minutes locks the samples first.
CREATE OR REPLACE FUNCTION recount_response_time_minutes(org_id uuid, lo timestamptz, hi timestamptz) RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = public, pg_temp
AS $$
DECLARE
  written bigint;
BEGIN
  DELETE FROM response_time_minutes r
   WHERE (org_id IS NULL OR r.organization_id = org_id)
     AND (lo IS NULL OR r.minute >= lo) AND (hi IS NULL OR r.minute < hi);
  INSERT INTO response_time_minutes AS c (organization_id, minute, provider_id, samples, response_time_sum,
                                          max_scale, samples_at_max_scale, other_values)
  SELECT g.organization_id, g.minute, g.provider_id, sum(g.samples), sum(g.response_time_sum), max(g.scale),
         coalesce((array_agg(g.samples ORDER BY g.scale DESC NULLS LAST))[1], 0), sum(g.other_values)
    FROM (SELECT s.organization_id, date_bin('1 minute', s.monitoring_timestamp, timestamptz '2000-01-01 00:00:00+00') AS minute,
                 cr.provider_id, scale(s.x) AS scale, count(s.x) AS samples, coalesce(sum(s.x), 0) AS response_time_sum,
                 count(*) FILTER (WHERE s.x IS NULL) AS other_values
            FROM (SELECT im.organization_id, im.resource_id, im.monitoring_timestamp,
                         CASE WHEN jsonb_typeof(im.metrics -> 'response_time_ms') = 'number'
                              THEN (im.metrics ->> 'response_time_ms')::numeric END AS x
                    FROM infrastructure_monitoring im
                   WHERE (org_id IS NULL OR im.organization_id = org_id)
                     AND (lo IS NULL OR im.monitoring_timestamp >= lo) AND (hi IS NULL OR im.monitoring_timestamp < hi)
                     AND jsonb_typeof(im.metrics -> 'response_time_ms') IS DISTINCT FROM 'null'
                     AND im.metrics -> 'response_time_ms' IS NOT NULL) s
            JOIN cloud_resources cr ON cr.organization_id = s.organization_id AND cr.id = s.resource_id
           GROUP BY 1, 2, 3, 4) g
   GROUP BY 1, 2, 3
   ORDER BY 1, 2, 3;
  GET DIAGNOSTICS written = ROW_COUNT;
  RETURN written;
END;
$$;
--> statement-breakpoint
-- Applies one statement's groups of changed samples to response_time_minutes: what was added
-- first (in key order, so writers of one organization lock its rows in the same order), then
-- what was removed; a minute whose bookkeeping no longer adds up (the last samples of its
-- largest scale removed, removals from a minute never counted, a sample whose resource is gone)
-- is counted again from the samples; minutes left empty go.
CREATE OR REPLACE FUNCTION apply_response_time_changes(changes response_time_change[]) RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = public, pg_temp
AS $$
DECLARE
  recount record;
BEGIN
  IF changes IS NULL OR cardinality(changes) = 0 THEN
    RETURN;
  END IF;
  INSERT INTO response_time_minutes AS c (organization_id, minute, provider_id, samples, response_time_sum,
                                          max_scale, samples_at_max_scale, other_values)
  SELECT d.organization_id, d.minute, d.provider_id, sum(d.samples), sum(d.response_time_sum), max(d.scale),
         coalesce((array_agg(d.samples ORDER BY d.scale DESC NULLS LAST))[1], 0), sum(d.other_values)
    FROM unnest(changes) d
   WHERE d.sign > 0 AND d.provider_id IS NOT NULL
   GROUP BY 1, 2, 3
   ORDER BY 1, 2, 3
  ON CONFLICT ON CONSTRAINT response_time_minutes_pkey DO UPDATE SET
    samples = c.samples + excluded.samples,
    response_time_sum = c.response_time_sum + excluded.response_time_sum,
    max_scale = CASE WHEN c.max_scale IS NULL OR excluded.max_scale > c.max_scale THEN coalesce(excluded.max_scale, c.max_scale) ELSE c.max_scale END,
    samples_at_max_scale = CASE
      WHEN excluded.max_scale IS NULL THEN c.samples_at_max_scale
      WHEN c.max_scale IS NULL OR excluded.max_scale > c.max_scale THEN excluded.samples_at_max_scale
      WHEN excluded.max_scale = c.max_scale THEN c.samples_at_max_scale + excluded.samples_at_max_scale
      ELSE c.samples_at_max_scale END,
    other_values = c.other_values + excluded.other_values;
  -- Inserts (every page MetricWriter writes, every COPY) stop here.
  IF NOT EXISTS (SELECT 1 FROM unnest(changes) d WHERE d.sign < 0 OR d.provider_id IS NULL) THEN
    RETURN;
  END IF;

  FOR recount IN
    WITH removed AS (
      SELECT d.organization_id, d.minute, d.provider_id, sum(d.samples) AS samples, sum(d.response_time_sum) AS response_time_sum,
             max(d.scale) AS max_scale, coalesce((array_agg(d.samples ORDER BY d.scale DESC NULLS LAST))[1], 0) AS samples_at_max_scale,
             sum(d.other_values) AS other_values
        FROM unnest(changes) d
       WHERE d.sign < 0 AND d.provider_id IS NOT NULL
       GROUP BY 1, 2, 3
    ), updated AS (
      UPDATE response_time_minutes c SET
        samples = c.samples - r.samples,
        response_time_sum = CASE WHEN c.samples = r.samples THEN 0 ELSE c.response_time_sum - r.response_time_sum END,
        max_scale = CASE WHEN c.samples = r.samples THEN NULL ELSE c.max_scale END,
        samples_at_max_scale = CASE
          WHEN c.samples = r.samples THEN 0
          WHEN r.max_scale IS NULL OR r.max_scale < c.max_scale THEN c.samples_at_max_scale
          WHEN r.max_scale = c.max_scale THEN c.samples_at_max_scale - r.samples_at_max_scale
          ELSE -1 END,
        other_values = c.other_values - r.other_values
        FROM removed r
       WHERE c.organization_id = r.organization_id AND c.minute = r.minute AND c.provider_id = r.provider_id
      RETURNING c.*
    )
    -- Removals from rows that do not add up, or that were never counted, or of unknown provider.
    SELECT u.organization_id, u.minute FROM updated u
     WHERE u.samples < 0 OR u.other_values < 0 OR (u.samples > 0 AND u.samples_at_max_scale <= 0)
    UNION
    SELECT r.organization_id, r.minute FROM removed r
     WHERE NOT EXISTS (SELECT 1 FROM updated u WHERE u.organization_id = r.organization_id AND u.minute = r.minute AND u.provider_id = r.provider_id)
    UNION
    SELECT d.organization_id, d.minute FROM unnest(changes) d WHERE d.provider_id IS NULL
    ORDER BY 1, 2
  LOOP
    PERFORM recount_response_time_minutes(recount.organization_id, recount.minute, recount.minute + interval '1 minute');
  END LOOP;

  DELETE FROM response_time_minutes c
   USING (SELECT DISTINCT d.organization_id, d.minute FROM unnest(changes) d WHERE d.sign < 0) r
   WHERE c.organization_id = r.organization_id AND c.minute = r.minute
     AND c.samples = 0 AND c.other_values = 0;
END;
$$;
--> statement-breakpoint
-- The statement-level trigger on infrastructure_monitoring (INSERT, COPY, UPDATE, DELETE; with
-- transition tables, so a page of 1,000 samples is one grouped statement) and the TRUNCATE
-- trigger of the table and of each monthly partition. Each sample counts for its resource's
-- provider. SECURITY DEFINER: tenants and the worker may read the minutes but not write them;
-- what this writes comes only from the rows the calling statement changed.
CREATE OR REPLACE FUNCTION track_response_time_minutes() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = public, pg_temp
AS $$
DECLARE
  added response_time_change[];
  removed response_time_change[];
  month date;
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    IF TG_RELID = 'public.infrastructure_monitoring'::regclass THEN
      DELETE FROM response_time_minutes;
    ELSIF EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = TG_RELID AND i.inhparent = 'public.infrastructure_monitoring'::regclass) THEN
      month := to_date(substring(TG_TABLE_NAME FROM '^infrastructure_monitoring_p([0-9]{6})$'), 'YYYYMM');
      IF month IS NOT NULL THEN
        PERFORM recount_response_time_minutes(NULL, month::timestamp AT TIME ZONE 'UTC', (month + interval '1 month')::timestamp AT TIME ZONE 'UTC');
      ELSE
        -- The default partition: the minutes of months no monthly partition holds.
        DELETE FROM response_time_minutes r
         WHERE to_regclass(format('public.%I', monitoring_partition_name(date_trunc('month', r.minute AT TIME ZONE 'UTC')::date))) IS NULL;
      END IF;
    END IF;
    -- A table detached from infrastructure_monitoring holds no samples of it: nothing to do.
    RETURN NULL;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    SELECT array_agg(ROW(g.organization_id, g.provider_id, g.minute, 1, g.scale, g.samples, g.response_time_sum, g.other_values)::response_time_change)
      INTO added
      FROM (SELECT n.organization_id, cr.provider_id, date_bin('1 minute', n.monitoring_timestamp, timestamptz '2000-01-01 00:00:00+00') AS minute,
                   scale(n.x) AS scale, count(n.x) AS samples, coalesce(sum(n.x), 0) AS response_time_sum,
                   count(*) FILTER (WHERE n.x IS NULL) AS other_values
              FROM (SELECT organization_id, resource_id, monitoring_timestamp,
                           CASE WHEN jsonb_typeof(metrics -> 'response_time_ms') = 'number'
                                THEN (metrics ->> 'response_time_ms')::numeric END AS x
                      FROM new_rows
                     WHERE jsonb_typeof(metrics -> 'response_time_ms') IS DISTINCT FROM 'null'
                       AND metrics -> 'response_time_ms' IS NOT NULL) n
              LEFT JOIN cloud_resources cr ON cr.organization_id = n.organization_id AND cr.id = n.resource_id
             GROUP BY 1, 2, 3, 4) g;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    SELECT array_agg(ROW(g.organization_id, g.provider_id, g.minute, -1, g.scale, g.samples, g.response_time_sum, g.other_values)::response_time_change)
      INTO removed
      FROM (SELECT o.organization_id, cr.provider_id, date_bin('1 minute', o.monitoring_timestamp, timestamptz '2000-01-01 00:00:00+00') AS minute,
                   scale(o.x) AS scale, count(o.x) AS samples, coalesce(sum(o.x), 0) AS response_time_sum,
                   count(*) FILTER (WHERE o.x IS NULL) AS other_values
              FROM (SELECT organization_id, resource_id, monitoring_timestamp,
                           CASE WHEN jsonb_typeof(metrics -> 'response_time_ms') = 'number'
                                THEN (metrics ->> 'response_time_ms')::numeric END AS x
                      FROM old_rows
                     WHERE jsonb_typeof(metrics -> 'response_time_ms') IS DISTINCT FROM 'null'
                       AND metrics -> 'response_time_ms' IS NOT NULL) o
              LEFT JOIN cloud_resources cr ON cr.organization_id = o.organization_id AND cr.id = o.resource_id
             GROUP BY 1, 2, 3, 4) g;
  END IF;
  PERFORM apply_response_time_changes(coalesce(added, '{}') || coalesce(removed, '{}'));
  RETURN NULL;
END;
$$;
--> statement-breakpoint
-- A resource moved to another provider takes its samples' minutes with it (the score filters
-- samples by their resource's provider at the time it is asked).
CREATE OR REPLACE FUNCTION move_response_time_minutes() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = public, pg_temp
AS $$
DECLARE
  changes response_time_change[];
BEGIN
  SELECT array_agg(ROW(NEW.organization_id, p.provider_id, g.minute, p.sign, g.scale, g.samples, g.response_time_sum, g.other_values)::response_time_change)
    INTO changes
    FROM (SELECT date_bin('1 minute', s.monitoring_timestamp, timestamptz '2000-01-01 00:00:00+00') AS minute,
                 scale(s.x) AS scale, count(s.x) AS samples, coalesce(sum(s.x), 0) AS response_time_sum,
                 count(*) FILTER (WHERE s.x IS NULL) AS other_values
            FROM (SELECT monitoring_timestamp,
                         CASE WHEN jsonb_typeof(metrics -> 'response_time_ms') = 'number'
                              THEN (metrics ->> 'response_time_ms')::numeric END AS x
                    FROM infrastructure_monitoring
                   WHERE organization_id = NEW.organization_id AND resource_id = NEW.id
                     AND jsonb_typeof(metrics -> 'response_time_ms') IS DISTINCT FROM 'null'
                     AND metrics -> 'response_time_ms' IS NOT NULL) s
           GROUP BY 1, 2) g
   CROSS JOIN (VALUES (OLD.provider_id, -1), (NEW.provider_id, 1)) p(provider_id, sign);
  PERFORM apply_response_time_changes(changes);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
-- Counts an organization's minutes (every organization's when null) between from_time and
-- to_time (widened to whole minutes; null is open) again from the samples: after loads that
-- bypass triggers (COPY with session_replication_role = replica, a partition attached by hand,
-- a restore). Holds writers of samples off until it commits, so nothing is counted twice.
CREATE OR REPLACE FUNCTION rebuild_response_time_minutes(org_id uuid, from_time timestamptz DEFAULT NULL, to_time timestamptz DEFAULT NULL)
RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = public, pg_temp
AS $$
DECLARE
  lo timestamptz := date_bin('1 minute', from_time, timestamptz '2000-01-01 00:00:00+00');
  hi timestamptz := date_bin('1 minute', to_time, timestamptz '2000-01-01 00:00:00+00');
BEGIN
  IF hi < to_time THEN
    hi := hi + interval '1 minute';
  END IF;
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    RAISE EXCEPTION 'rebuild_response_time_minutes needs READ COMMITTED, not %', current_setting('transaction_isolation')
      USING ERRCODE = '25000', HINT = 'Call it in a transaction of its own or a READ COMMITTED one: an older snapshot would miss samples written before the lock.';
  END IF;
  LOCK TABLE infrastructure_monitoring IN SHARE MODE;
  RETURN recount_response_time_minutes(org_id, lo, hi);
END;
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION recount_response_time_minutes(uuid, timestamptz, timestamptz),
                       apply_response_time_changes(response_time_change[]),
                       track_response_time_minutes(),
                       move_response_time_minutes(),
                       rebuild_response_time_minutes(uuid, timestamptz, timestamptz) FROM PUBLIC;
--> statement-breakpoint
CREATE TRIGGER infrastructure_monitoring_response_time_insert AFTER INSERT ON infrastructure_monitoring
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION track_response_time_minutes();
--> statement-breakpoint
CREATE TRIGGER infrastructure_monitoring_response_time_update AFTER UPDATE ON infrastructure_monitoring
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION track_response_time_minutes();
--> statement-breakpoint
CREATE TRIGGER infrastructure_monitoring_response_time_delete AFTER DELETE ON infrastructure_monitoring
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION track_response_time_minutes();
--> statement-breakpoint
CREATE TRIGGER infrastructure_monitoring_response_time_truncate AFTER TRUNCATE ON infrastructure_monitoring
  FOR EACH STATEMENT EXECUTE FUNCTION track_response_time_minutes();
--> statement-breakpoint
-- A partition truncated by name fires only its own TRUNCATE triggers, so each has one
-- (ensure_monitoring_partitions gives new partitions theirs).
DO $$
DECLARE
  part text;
BEGIN
  FOR part IN
    SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'public.infrastructure_monitoring'::regclass
  LOOP
    EXECUTE format('CREATE TRIGGER response_time_truncate AFTER TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION track_response_time_minutes()', part);
  END LOOP;
END
$$;
--> statement-breakpoint
CREATE TRIGGER cloud_resources_response_time_provider AFTER UPDATE OF provider_id ON cloud_resources
  FOR EACH ROW WHEN (OLD.provider_id IS DISTINCT FROM NEW.provider_id) EXECUTE FUNCTION move_response_time_minutes();
--> statement-breakpoint
-- The minutes of the samples stored before this migration (the triggers above hold writers off
-- until it commits).
SELECT recount_response_time_minutes(NULL, NULL, NULL);
--> statement-breakpoint
-- The worker reads every organization's minutes, as it reads every organization's samples.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cloudsync_worker') THEN
    RAISE NOTICE 'cloudsync: role cloudsync_worker is missing; create it and run this migration''s policy again';
    RETURN;
  END IF;
  DROP POLICY IF EXISTS response_time_minutes_worker_access ON response_time_minutes;
  CREATE POLICY response_time_minutes_worker_access ON response_time_minutes
    AS PERMISSIVE FOR SELECT TO cloudsync_worker USING (true);
END
$$;

--> statement-breakpoint
-- Made from sql/functions/{get_infrastructure_health_score,ensure_monitoring_partitions,drop_monitoring_partitions,grant_cloudsync_roles}.sql: the canonical files are where to read and change these functions.
CREATE OR REPLACE FUNCTION public.get_infrastructure_health_score(org_id uuid, provider_ids uuid[] DEFAULT NULL::uuid[])
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'public', 'pg_temp'
AS $function$
DECLARE
  total_resources integer;
  healthy_resources integer;
  warning_resources integer;
  critical_resources integer;
  judged_resources integer;
  avg_response_time numeric;
  window_start timestamptz;
  first_whole_minute timestamptz;
  kept_samples bigint;
  kept_sum numeric;
  kept_scale integer;
  kept_other bigint;
  edge_samples bigint;
  edge_sum numeric;
  edge_scale integer;
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
  -- A resource with no signal ('unknown', or never judged) is not healthy and not sick: the
  -- percentages are of the judged ones, and coverage says how many those are (0026).
  judged_resources := healthy_resources + warning_resources + critical_resources;

  -- The mean response time of the samples after now() - 1 hour (as the samples say it, exactly):
  -- the whole minutes after the first are summed from response_time_minutes (about sixty rows
  -- per provider, kept by the triggers on infrastructure_monitoring, 0038); only the first,
  -- partial minute is read from the samples. docs/health-and-costs.md says why it is exact.
  window_start := now() - interval '1 hour';
  first_whole_minute := date_bin('1 minute', window_start, timestamptz '2000-01-01 00:00:00+00') + interval '1 minute';
  SELECT coalesce(sum(r.samples), 0), coalesce(sum(r.response_time_sum), 0), max(r.max_scale), coalesce(sum(r.other_values), 0)
    INTO kept_samples, kept_sum, kept_scale, kept_other
    FROM response_time_minutes r
   WHERE r.organization_id = org_id
     AND r.minute >= first_whole_minute
     AND (provider_ids IS NULL OR r.provider_id = ANY (provider_ids));
  IF kept_other > 0 THEN
    -- Some sample of the hour holds response_time_ms as something else than a number (a
    -- string): average the samples themselves, as this function always did.
    SELECT avg((im.metrics ->> 'response_time_ms')::numeric)
      INTO avg_response_time
      FROM infrastructure_monitoring im
     WHERE im.organization_id = org_id
       AND im.monitoring_timestamp > window_start
       AND (provider_ids IS NULL OR EXISTS (
             SELECT 1 FROM cloud_resources cr
              WHERE cr.id = im.resource_id AND cr.provider_id = ANY (provider_ids)));
  ELSE
    SELECT count(e.x), coalesce(sum(e.x), 0), max(scale(e.x))
      INTO edge_samples, edge_sum, edge_scale
      FROM (SELECT (im.metrics ->> 'response_time_ms')::numeric AS x
              FROM infrastructure_monitoring im
             WHERE im.organization_id = org_id
               AND im.monitoring_timestamp > window_start
               AND im.monitoring_timestamp < first_whole_minute
               AND (provider_ids IS NULL OR EXISTS (
                     SELECT 1 FROM cloud_resources cr
                      WHERE cr.id = im.resource_id AND cr.provider_id = ANY (provider_ids)))) e;
    IF kept_samples + edge_samples > 0 THEN
      -- avg() divides the exact sum, at the largest scale among the samples, by their count;
      -- round() gives the kept sum that scale back (subtracting a deleted sample's value leaves
      -- its decimals behind), and is exact because no sample has more decimals.
      avg_response_time := round(kept_sum + edge_sum, coalesce(greatest(kept_scale, edge_scale), 0))
                           / (kept_samples + edge_samples)::numeric;
    END IF;
  END IF;

  RETURN jsonb_build_object(
    'total_resources', total_resources,
    'judged_resources', judged_resources,
    'healthy_resources', healthy_resources,
    'warning_resources', warning_resources,
    'critical_resources', critical_resources,
    'unknown_resources', total_resources - judged_resources,
    'coverage_percentage', CASE
      WHEN total_resources = 0 THEN NULL
      ELSE round((judged_resources::numeric / total_resources) * 100, 2)
    END,
    'health_percentage', CASE
      WHEN judged_resources = 0 THEN NULL
      ELSE round((healthy_resources::numeric / judged_resources) * 100, 2)
    END,
    'avg_response_time_ms', round(avg_response_time, 2),
    -- Judged resources only: critical when at least a tenth of them are critical (the provider
    -- rule of MetricWriter), warning when any is warning or critical, unknown when none is judged.
    'overall_status', CASE
      WHEN judged_resources = 0 THEN 'unknown'
      WHEN critical_resources * 10 >= judged_resources THEN 'critical'
      WHEN warning_resources + critical_resources > 0 THEN 'warning'
      ELSE 'healthy'
    END,
    'last_updated', now()
  );
END;
$function$;
--> statement-breakpoint
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
--> statement-breakpoint
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
SELECT grant_cloudsync_roles();
