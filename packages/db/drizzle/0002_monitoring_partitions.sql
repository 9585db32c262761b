-- infrastructure_monitoring becomes a table range-partitioned by month on monitoring_timestamp.
-- drizzle-kit cannot declare partitions, so 0001 created a plain table with the same columns,
-- keys and indexes (the snapshot stays true); here it is recreated partitioned, with the same
-- names. It is empty at this point of a fresh migration.
DROP TABLE "infrastructure_monitoring";
--> statement-breakpoint
CREATE TABLE "infrastructure_monitoring" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"resource_id" uuid NOT NULL,
	"monitoring_timestamp" timestamp with time zone DEFAULT now() NOT NULL,
	"monitoring_type" varchar(30) NOT NULL,
	"metrics" jsonb DEFAULT '{"cpu_utilization":0,"memory_utilization":0,"disk_utilization":0,"network_in_mbps":0,"network_out_mbps":0,"response_time_ms":0,"error_rate":0,"requests_per_second":0}'::jsonb NOT NULL,
	"thresholds" jsonb DEFAULT '{"warning":{},"critical":{}}'::jsonb,
	"alerts_triggered" jsonb DEFAULT '[]'::jsonb,
	"anomalies_detected" jsonb DEFAULT '[]'::jsonb,
	"health_score" integer,
	"compliance_status" jsonb DEFAULT '{}'::jsonb,
	-- The partition key must be part of the primary key of a partitioned table.
	CONSTRAINT "infrastructure_monitoring_pkey" PRIMARY KEY("id","monitoring_timestamp"),
	CONSTRAINT "infrastructure_monitoring_monitoring_type_check" CHECK ("monitoring_type" IN ('performance', 'availability', 'cost', 'security', 'compliance', 'capacity')),
	CONSTRAINT "infrastructure_monitoring_health_score_check" CHECK ("health_score" between 0 and 100),
	CONSTRAINT "infrastructure_monitoring_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id"),
	CONSTRAINT "infrastructure_monitoring_resource_id_cloud_resources_id_fk" FOREIGN KEY ("resource_id") REFERENCES "public"."cloud_resources"("id")
) PARTITION BY RANGE ("monitoring_timestamp");
--> statement-breakpoint
COMMENT ON TABLE "infrastructure_monitoring" IS 'Metric samples, partitioned by month; ensure_monitoring_partitions() creates months ahead, drop_monitoring_partitions() retires old ones.';
--> statement-breakpoint
-- Indexes on the parent are created on every partition, present and future.
-- idx_infra_monitoring_resource_time also replaces the design document's partial index
-- "WHERE monitoring_timestamp > NOW() - INTERVAL '24 hours'" (now() is not allowed in an index
-- predicate): a query for the last 24 hours of a resource prunes to one or two monthly
-- partitions and walks this index backwards from now.
CREATE INDEX "idx_infra_monitoring_resource_time" ON "infrastructure_monitoring" USING btree ("resource_id","monitoring_timestamp" DESC NULLS LAST);
--> statement-breakpoint
CREATE INDEX "idx_infra_monitoring_type" ON "infrastructure_monitoring" USING btree ("monitoring_type","monitoring_timestamp" DESC NULLS LAST);
--> statement-breakpoint
CREATE INDEX "idx_infra_monitoring_health" ON "infrastructure_monitoring" USING btree ("health_score","monitoring_timestamp" DESC NULLS LAST);
--> statement-breakpoint
CREATE INDEX "idx_infra_monitoring_org_time" ON "infrastructure_monitoring" USING btree ("organization_id","monitoring_timestamp" DESC NULLS LAST);
--> statement-breakpoint
ALTER TABLE "infrastructure_monitoring" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "infrastructure_monitoring_tenant_isolation" ON "infrastructure_monitoring" AS PERMISSIVE FOR ALL TO public USING ("organization_id" = (select current_organization_id())) WITH CHECK ("organization_id" = (select current_organization_id()));
--> statement-breakpoint
-- Rows with no monthly partition land here instead of failing the insert; creating the
-- month's partition later moves them out (ensure_monitoring_partitions does that).
CREATE TABLE "infrastructure_monitoring_default" PARTITION OF "infrastructure_monitoring" DEFAULT;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION monitoring_partition_name(month date) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT 'infrastructure_monitoring_p' || to_char(month, 'YYYYMM') $$;
--> statement-breakpoint
-- Creates the monthly partitions from from_month through months_ahead months after the current
-- month (both included) that do not exist yet, moving any rows the default partition holds for
-- those months. Returns the names it created. Safe to call as often as you like.
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
      RETURN NEXT part;
    END IF;
    m := (m + interval '1 month')::date;
  END LOOP;
END;
$$;
--> statement-breakpoint
-- Retires the monthly partitions whose whole month ended more than `retention` ago: detached
-- (kept as standalone tables for archival with pg_dump) when detach_only, dropped otherwise.
-- Returns the names it retired.
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
      IF NOT detach_only THEN
        EXECUTE format('DROP TABLE %I', r.name);
      END IF;
      RETURN NEXT r.name;
    END IF;
  END LOOP;
END;
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION ensure_monitoring_partitions(date, integer) FROM PUBLIC;
--> statement-breakpoint
REVOKE ALL ON FUNCTION drop_monitoring_partitions(interval, boolean) FROM PUBLIC;
--> statement-breakpoint
-- The month before this one through three months ahead exist from the first migration on.
SELECT ensure_monitoring_partitions();
