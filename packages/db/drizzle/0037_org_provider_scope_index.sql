-- The stale-detection index leads with the organization: every statement that reads it names
-- organization, provider and scope, and with the provider and scope alone the planner, whose
-- statistics had not yet seen a new tenant's rows, walked that organization's whole key instead.
DROP INDEX "idx_cloud_resources_provider_scope";--> statement-breakpoint
CREATE INDEX "idx_cloud_resources_org_provider_scope" ON "cloud_resources" USING btree ("organization_id","provider_id","sync_scope") WHERE "cloud_resources"."resource_status" <> 'terminated';