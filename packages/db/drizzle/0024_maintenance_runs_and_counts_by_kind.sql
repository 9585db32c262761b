CREATE TABLE "maintenance_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"status" varchar(20) DEFAULT 'running' NOT NULL,
	"trigger" varchar(20) DEFAULT 'schedule' NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"utilization_rows_refreshed" integer,
	"recommendations_opened" integer,
	"recommendations_updated" integer,
	"recommendations_expired" integer,
	"stale_sync_runs_closed" integer,
	"error" text,
	"job_id" varchar(200),
	CONSTRAINT "maintenance_runs_status_check" CHECK ("maintenance_runs"."status" IN ('running', 'succeeded', 'failed')),
	CONSTRAINT "maintenance_runs_trigger_check" CHECK ("maintenance_runs"."trigger" IN ('schedule', 'manual', 'cli', 'demo')),
	CONSTRAINT "maintenance_runs_counts_check" CHECK ("maintenance_runs"."utilization_rows_refreshed" >= 0 and "maintenance_runs"."recommendations_opened" >= 0 and "maintenance_runs"."recommendations_updated" >= 0
          and "maintenance_runs"."recommendations_expired" >= 0 and "maintenance_runs"."stale_sync_runs_closed" >= 0),
	CONSTRAINT "maintenance_runs_finished_check" CHECK ("maintenance_runs"."finished_at" is null or "maintenance_runs"."finished_at" >= "maintenance_runs"."started_at")
);
--> statement-breakpoint
ALTER TABLE "maintenance_runs" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "sync_runs" DROP CONSTRAINT "sync_runs_kind_check";--> statement-breakpoint
ALTER TABLE "sync_runs" DROP CONSTRAINT "sync_runs_counts_check";--> statement-breakpoint
ALTER TABLE "sync_runs" ALTER COLUMN "inserted_count" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "sync_runs" ALTER COLUMN "inserted_count" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "sync_runs" ALTER COLUMN "updated_count" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "sync_runs" ALTER COLUMN "updated_count" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "sync_runs" ALTER COLUMN "unchanged_count" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "sync_runs" ALTER COLUMN "unchanged_count" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "sync_runs" ALTER COLUMN "terminated_count" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "sync_runs" ALTER COLUMN "terminated_count" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD COLUMN "cost_lines_inserted" integer;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD COLUMN "cost_lines_replaced" integer;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD COLUMN "samples_stored" integer;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD COLUMN "samples_already_present" integer;--> statement-breakpoint
ALTER TABLE "maintenance_runs" ADD CONSTRAINT "maintenance_runs_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idx_maintenance_runs_org_started" ON "maintenance_runs" USING btree ("organization_id","started_at" DESC NULLS LAST);--> statement-breakpoint
-- Existing rows move into the new vocabulary before the constraints that require it.
-- Maintenance read no cloud and synced no provider: its rows become maintenance_runs (their
-- counts meant nothing defined and are not carried over; a status sync_runs had and
-- maintenance_runs has not ends as failed, saying what it was). Resource changes never point
-- at a maintenance run, but a reference would block the delete, so any is cleared first.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM sync_runs WHERE kind = 'maintenance') THEN
    INSERT INTO maintenance_runs (organization_id, status, trigger, started_at, finished_at, error, job_id)
    SELECT organization_id,
           CASE WHEN status IN ('running', 'succeeded', 'failed') THEN status ELSE 'failed' END,
           trigger, started_at, finished_at,
           CASE WHEN status IN ('running', 'succeeded', 'failed') THEN error
                ELSE concat_ws(E'\n', error, 'recorded as ' || status || ' in sync_runs, before maintenance had a table of its own') END,
           job_id
      FROM sync_runs WHERE kind = 'maintenance';
    UPDATE resource_changes SET sync_run_id = NULL
     WHERE sync_run_id IN (SELECT id FROM sync_runs WHERE kind = 'maintenance');
    DELETE FROM sync_runs WHERE kind = 'maintenance';
  END IF;
END
$$;
--> statement-breakpoint
-- Costs counted the lines they wrote as inserted and the lines those replaced as terminated.
UPDATE sync_runs
   SET cost_lines_inserted = inserted_count, cost_lines_replaced = terminated_count,
       inserted_count = NULL, updated_count = NULL, unchanged_count = NULL, terminated_count = NULL
 WHERE kind = 'costs';
--> statement-breakpoint
-- Metrics counted the samples they stored as inserted and those already stored as unchanged.
UPDATE sync_runs
   SET samples_stored = inserted_count, samples_already_present = unchanged_count,
       inserted_count = NULL, updated_count = NULL, unchanged_count = NULL, terminated_count = NULL
 WHERE kind = 'metrics';
--> statement-breakpoint
ALTER TABLE "sync_runs" ADD CONSTRAINT "sync_runs_counts_of_kind_check" CHECK (("sync_runs"."kind" = 'resources' or num_nonnulls("sync_runs"."inserted_count", "sync_runs"."updated_count", "sync_runs"."unchanged_count", "sync_runs"."terminated_count") = 0)
          and ("sync_runs"."kind" = 'costs' or num_nonnulls("sync_runs"."cost_lines_inserted", "sync_runs"."cost_lines_replaced") = 0)
          and ("sync_runs"."kind" = 'metrics' or num_nonnulls("sync_runs"."samples_stored", "sync_runs"."samples_already_present") = 0));--> statement-breakpoint
ALTER TABLE "sync_runs" ADD CONSTRAINT "sync_runs_kind_check" CHECK ("sync_runs"."kind" IN ('resources', 'costs', 'metrics'));--> statement-breakpoint
ALTER TABLE "sync_runs" ADD CONSTRAINT "sync_runs_counts_check" CHECK ("sync_runs"."inserted_count" >= 0 and "sync_runs"."updated_count" >= 0 and "sync_runs"."unchanged_count" >= 0 and "sync_runs"."terminated_count" >= 0 and "sync_runs"."skipped_count" >= 0
          and "sync_runs"."cost_lines_inserted" >= 0 and "sync_runs"."cost_lines_replaced" >= 0 and "sync_runs"."samples_stored" >= 0 and "sync_runs"."samples_already_present" >= 0);--> statement-breakpoint
CREATE POLICY "maintenance_runs_tenant_isolation" ON "maintenance_runs" AS PERMISSIVE FOR ALL TO public USING ("maintenance_runs"."organization_id" = (select current_organization_id())) WITH CHECK ("maintenance_runs"."organization_id" = (select current_organization_id()));--> statement-breakpoint
-- The worker records every organization's maintenance, so its role passes the tenant filter
-- here as on every other table (0010); the grants are those of every table.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cloudsync_worker') THEN
    RAISE NOTICE 'cloudsync: role cloudsync_worker is missing; create it and run this migration''s policy again';
    RETURN;
  END IF;
  DROP POLICY IF EXISTS maintenance_runs_worker_access ON maintenance_runs;
  CREATE POLICY maintenance_runs_worker_access ON maintenance_runs
    AS PERMISSIVE FOR ALL TO cloudsync_worker USING (true) WITH CHECK (true);
END
$$;
--> statement-breakpoint
SELECT grant_cloudsync_roles();
