CREATE TABLE "resource_utilization" (
	"organization_id" uuid NOT NULL,
	"resource_id" uuid NOT NULL,
	"window_days" integer NOT NULL,
	"sample_count" integer NOT NULL,
	"avg_cpu_utilization" numeric,
	"avg_memory_utilization" numeric,
	"monthly_cost" numeric,
	"is_unused" boolean NOT NULL,
	"is_underused" boolean NOT NULL,
	"refreshed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "resource_utilization_pkey" PRIMARY KEY("organization_id","resource_id"),
	CONSTRAINT "resource_utilization_window_days_check" CHECK ("resource_utilization"."window_days" between 1 and 3650),
	CONSTRAINT "resource_utilization_sample_count_check" CHECK ("resource_utilization"."sample_count" >= 0)
);
--> statement-breakpoint
ALTER TABLE "resource_utilization" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "resource_utilization" ADD CONSTRAINT "resource_utilization_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resource_utilization" ADD CONSTRAINT "resource_utilization_resource_id_cloud_resources_id_fk" FOREIGN KEY ("resource_id") REFERENCES "public"."cloud_resources"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idx_resource_utilization_unused" ON "resource_utilization" USING btree ("organization_id","resource_id") INCLUDE ("monthly_cost") WHERE "resource_utilization"."is_unused";--> statement-breakpoint
CREATE INDEX "idx_resource_utilization_underused" ON "resource_utilization" USING btree ("organization_id","resource_id") INCLUDE ("monthly_cost") WHERE "resource_utilization"."is_underused";--> statement-breakpoint
CREATE INDEX "idx_cloud_resources_wedding_critical_running" ON "cloud_resources" USING btree ("organization_id","resource_name") INCLUDE ("id", "resource_id", "resource_type", "region_id", "health_status") WHERE "cloud_resources"."is_wedding_critical" and "cloud_resources"."resource_status" = 'running';--> statement-breakpoint
CREATE POLICY "resource_utilization_tenant_isolation" ON "resource_utilization" AS PERMISSIVE FOR ALL TO public USING ("resource_utilization"."organization_id" = (select current_organization_id())) WITH CHECK ("resource_utilization"."organization_id" = (select current_organization_id()));