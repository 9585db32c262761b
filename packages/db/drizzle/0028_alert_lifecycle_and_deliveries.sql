CREATE TABLE "alert_deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"alert_id" uuid NOT NULL,
	"event" varchar(20) NOT NULL,
	"channel" varchar(100) NOT NULL,
	"channel_type" varchar(20),
	"idempotency_key" varchar(200) NOT NULL,
	"attempt" integer NOT NULL,
	"status" varchar(20) NOT NULL,
	"response_code" integer,
	"error" text,
	"duration_ms" integer,
	"job_id" varchar(200),
	"attempted_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "alert_deliveries_event_check" CHECK ("alert_deliveries"."event" IN ('raised', 'resolved')),
	CONSTRAINT "alert_deliveries_channel_type_check" CHECK ("alert_deliveries"."channel_type" IN ('webhook', 'slack', 'email')),
	CONSTRAINT "alert_deliveries_status_check" CHECK ("alert_deliveries"."status" IN ('delivered', 'failed', 'undeliverable')),
	CONSTRAINT "alert_deliveries_attempt_check" CHECK ("alert_deliveries"."attempt" >= 1)
);
--> statement-breakpoint
ALTER TABLE "alert_deliveries" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "alert_deliveries" ADD CONSTRAINT "alert_deliveries_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- The composite key first: the deliveries' foreign key below references it.
ALTER TABLE "infrastructure_alerts" ADD CONSTRAINT "infrastructure_alerts_organization_id_id_key" UNIQUE("organization_id","id");--> statement-breakpoint
ALTER TABLE "alert_deliveries" ADD CONSTRAINT "alert_deliveries_alert_id_fk" FOREIGN KEY ("organization_id","alert_id") REFERENCES "public"."infrastructure_alerts"("organization_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idx_alert_deliveries_alert" ON "alert_deliveries" USING btree ("organization_id","alert_id","attempted_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "idx_alert_deliveries_key" ON "alert_deliveries" USING btree ("organization_id","idempotency_key");--> statement-breakpoint
-- Before one open alert per resource and type is enforced: where writers of old raised more
-- than one, the newest stays open and the older ones are resolved, saying so.
UPDATE infrastructure_alerts a
   SET alert_status = 'resolved', resolved_at = now(),
       resolution_notes = 'Resolved by migration 0028: a newer open alert of the same type covers this resource'
 WHERE a.resource_id IS NOT NULL AND a.alert_status IN ('active', 'acknowledged')
   AND EXISTS (SELECT 1 FROM infrastructure_alerts b
                WHERE b.organization_id = a.organization_id AND b.resource_id = a.resource_id
                  AND b.alert_type = a.alert_type AND b.alert_status IN ('active', 'acknowledged')
                  AND (b.triggered_at, b.id) > (a.triggered_at, a.id));
--> statement-breakpoint
CREATE UNIQUE INDEX "idx_infra_alerts_one_open_per_resource" ON "infrastructure_alerts" USING btree ("organization_id","resource_id","alert_type") WHERE "infrastructure_alerts"."resource_id" is not null and "infrastructure_alerts"."alert_status" in ('active', 'acknowledged');--> statement-breakpoint
CREATE POLICY "alert_deliveries_tenant_isolation" ON "alert_deliveries" AS PERMISSIVE FOR ALL TO public USING ("alert_deliveries"."organization_id" = (select current_organization_id())) WITH CHECK ("alert_deliveries"."organization_id" = (select current_organization_id()));--> statement-breakpoint
-- The worker records every organization's deliveries, so its role passes the tenant filter here
-- as on every other table (0010); the grants are those of every table.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cloudsync_worker') THEN
    RAISE NOTICE 'cloudsync: role cloudsync_worker is missing; create it and run this migration''s policy again';
    RETURN;
  END IF;
  DROP POLICY IF EXISTS alert_deliveries_worker_access ON alert_deliveries;
  CREATE POLICY alert_deliveries_worker_access ON alert_deliveries
    AS PERMISSIVE FOR ALL TO cloudsync_worker USING (true) WITH CHECK (true);
END
$$;
--> statement-breakpoint
SELECT grant_cloudsync_roles();
