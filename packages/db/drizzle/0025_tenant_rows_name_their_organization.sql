ALTER TABLE "cloud_services" DROP CONSTRAINT "cloud_services_provider_id_service_name_key";--> statement-breakpoint
ALTER TABLE "cloud_services" DROP CONSTRAINT "cloud_services_provider_id_cloud_providers_id_fk";
--> statement-breakpoint
ALTER TABLE "backup_executions" DROP CONSTRAINT "backup_executions_backup_config_id_backup_configurations_id_fk";
--> statement-breakpoint
-- Every tenant row names its organization (the last two that did not): filled from the parent
-- row, which is the organization's by the composite keys of migration 0021. Rows can then be
-- checked with composite keys, filtered by policy without a join, and distributed by
-- organization (docs/scaling.md).
ALTER TABLE "cloud_services" ADD COLUMN "organization_id" uuid;--> statement-breakpoint
UPDATE "cloud_services" s SET "organization_id" = p."organization_id" FROM "cloud_providers" p WHERE p."id" = s."provider_id";--> statement-breakpoint
ALTER TABLE "cloud_services" ALTER COLUMN "organization_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "backup_executions" ADD COLUMN "organization_id" uuid;--> statement-breakpoint
UPDATE "backup_executions" e SET "organization_id" = b."organization_id" FROM "backup_configurations" b WHERE b."id" = e."backup_config_id";--> statement-breakpoint
ALTER TABLE "backup_executions" ALTER COLUMN "organization_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "cloud_services" ADD CONSTRAINT "cloud_services_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cloud_services" ADD CONSTRAINT "cloud_services_provider_id_fk" FOREIGN KEY ("organization_id","provider_id") REFERENCES "public"."cloud_providers"("organization_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "backup_executions" ADD CONSTRAINT "backup_executions_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "backup_executions" ADD CONSTRAINT "backup_executions_backup_config_id_fk" FOREIGN KEY ("organization_id","backup_config_id") REFERENCES "public"."backup_configurations"("organization_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cloud_services" ADD CONSTRAINT "cloud_services_organization_id_provider_id_service_name_key" UNIQUE("organization_id","provider_id","service_name");--> statement-breakpoint
ALTER TABLE "backup_executions" ADD CONSTRAINT "backup_executions_organization_id_id_key" UNIQUE("organization_id","id");--> statement-breakpoint
ALTER POLICY "cloud_services_tenant_isolation" ON "cloud_services" TO public USING ("cloud_services"."organization_id" = (select current_organization_id())) WITH CHECK ("cloud_services"."organization_id" = (select current_organization_id()));--> statement-breakpoint
ALTER POLICY "backup_executions_tenant_isolation" ON "backup_executions" TO public USING ("backup_executions"."organization_id" = (select current_organization_id())) WITH CHECK ("backup_executions"."organization_id" = (select current_organization_id()));