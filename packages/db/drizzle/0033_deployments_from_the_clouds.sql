ALTER TABLE "infrastructure_deployments" ADD COLUMN "provider_id" uuid;--> statement-breakpoint
ALTER TABLE "infrastructure_deployments" ADD COLUMN "cloud_deployment_id" varchar(1024);--> statement-breakpoint
ALTER TABLE "infrastructure_deployments" ADD COLUMN "cloud_status" varchar(60);--> statement-breakpoint
ALTER TABLE "infrastructure_deployments" ADD COLUMN "last_synced_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "infrastructure_templates" ADD COLUMN "content_hash" varchar(64);--> statement-breakpoint
ALTER TABLE "infrastructure_deployments" ADD CONSTRAINT "infrastructure_deployments_provider_id_fk" FOREIGN KEY ("organization_id","provider_id") REFERENCES "public"."cloud_providers"("organization_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "infrastructure_templates_organization_id_content_hash_key" ON "infrastructure_templates" USING btree ("organization_id","content_hash") WHERE "infrastructure_templates"."content_hash" is not null;--> statement-breakpoint
ALTER TABLE "infrastructure_deployments" ADD CONSTRAINT "infrastructure_deployments_organization_id_provider_id_cloud_deployment_id_key" UNIQUE("organization_id","provider_id","cloud_deployment_id");