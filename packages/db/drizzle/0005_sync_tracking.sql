CREATE TABLE "resource_changes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"provider_id" uuid NOT NULL,
	"resource_id" uuid NOT NULL,
	"sync_run_id" uuid,
	"change_type" varchar(20) NOT NULL,
	"changed_fields" text[] DEFAULT '{}'::text[] NOT NULL,
	"old_values" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"new_values" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "resource_changes_change_type_check" CHECK ("resource_changes"."change_type" IN ('inserted', 'updated', 'terminated'))
);
--> statement-breakpoint
ALTER TABLE "resource_changes" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "cloud_resources" ADD COLUMN "cloud_account_id" varchar(200);--> statement-breakpoint
ALTER TABLE "cloud_resources" ADD COLUMN "sync_scope" varchar(300);--> statement-breakpoint
ALTER TABLE "cloud_resources" ADD COLUMN "content_hash" varchar(64);--> statement-breakpoint
ALTER TABLE "resource_changes" ADD CONSTRAINT "resource_changes_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resource_changes" ADD CONSTRAINT "resource_changes_provider_id_cloud_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."cloud_providers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resource_changes" ADD CONSTRAINT "resource_changes_resource_id_cloud_resources_id_fk" FOREIGN KEY ("resource_id") REFERENCES "public"."cloud_resources"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resource_changes" ADD CONSTRAINT "resource_changes_sync_run_id_sync_runs_id_fk" FOREIGN KEY ("sync_run_id") REFERENCES "public"."sync_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idx_resource_changes_resource_time" ON "resource_changes" USING btree ("resource_id","changed_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "idx_resource_changes_org_time" ON "resource_changes" USING btree ("organization_id","changed_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "idx_resource_changes_run" ON "resource_changes" USING btree ("sync_run_id");--> statement-breakpoint
CREATE INDEX "idx_cloud_resources_provider_scope" ON "cloud_resources" USING btree ("provider_id","sync_scope") WHERE "cloud_resources"."resource_status" <> 'terminated';--> statement-breakpoint
CREATE POLICY "resource_changes_tenant_isolation" ON "resource_changes" AS PERMISSIVE FOR ALL TO public USING ("resource_changes"."organization_id" = (select current_organization_id())) WITH CHECK ("resource_changes"."organization_id" = (select current_organization_id()));