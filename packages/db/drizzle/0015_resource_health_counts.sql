CREATE TABLE "resource_health_counts" (
	"organization_id" uuid NOT NULL,
	"provider_id" uuid NOT NULL,
	"resource_status" varchar(20),
	"health_status" varchar(20),
	"resources" integer NOT NULL,
	CONSTRAINT "resource_health_counts_key" UNIQUE NULLS NOT DISTINCT("organization_id","provider_id","resource_status","health_status")
);
--> statement-breakpoint
ALTER TABLE "resource_health_counts" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "resource_health_counts_tenant_isolation" ON "resource_health_counts" AS PERMISSIVE FOR ALL TO public USING ("resource_health_counts"."organization_id" = (select current_organization_id())) WITH CHECK ("resource_health_counts"."organization_id" = (select current_organization_id()));