CREATE TABLE "realtime_event_retention" (
	"singleton" boolean PRIMARY KEY DEFAULT true NOT NULL,
	"pruned_through" bigint DEFAULT 0 NOT NULL,
	"pruned_at" timestamp with time zone,
	CONSTRAINT "realtime_event_retention_singleton" CHECK ("realtime_event_retention"."singleton")
);
--> statement-breakpoint
ALTER TABLE "realtime_event_retention" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "realtime_events" (
	"seq" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "realtime_events_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"organization_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"resource_id" uuid,
	"is_wedding_critical" boolean NOT NULL,
	"payload" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "realtime_events_channel_check" CHECK ("realtime_events"."channel" IN ('infrastructure_change', 'infrastructure_alert'))
);
--> statement-breakpoint
ALTER TABLE "realtime_events" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "realtime_events" ADD CONSTRAINT "realtime_events_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idx_realtime_events_org_seq" ON "realtime_events" USING btree ("organization_id","seq");--> statement-breakpoint
CREATE INDEX "idx_realtime_events_created_at" ON "realtime_events" USING btree ("created_at");--> statement-breakpoint
CREATE POLICY "realtime_events_tenant_isolation" ON "realtime_events" AS PERMISSIVE FOR ALL TO public USING ("realtime_events"."organization_id" = (select current_organization_id())) WITH CHECK ("realtime_events"."organization_id" = (select current_organization_id()));