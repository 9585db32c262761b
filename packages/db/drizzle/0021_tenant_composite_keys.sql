-- Issue 13, hole 1: every reference between tenant tables stays inside one organization.
-- Row-level security checks only a row's own organization_id, and plain foreign keys check only
-- the id, so a tenant could point its rows at another organization's provider, region, resource,
-- plan or configuration, and plant a resource under another organization's provider that the
-- owner's sync then filled. Now every referenced tenant table has UNIQUE (organization_id, id),
-- every reference between tenant tables is (organization_id, x_id) -> (organization_id, id),
-- and a resource is identified by (organization_id, provider_id, resource_id).
--
-- Child tables that had no organization_id get it where it decides a reference: cloud_regions
-- (referenced by resources and recovery plans), resource_scaling_history (resource, user),
-- resource_dependencies (two resources), backup_configurations (plan, resource; referenced by
-- backup_executions). Each is filled from its parent. cloud_services and backup_executions keep
-- none: each has a single reference, nothing references them, and their policy checks that
-- reference's organization on every write, so there is no second organization to cross into.

-- Refuse to migrate a database that already holds references across organizations (planted
-- before this migration): a composite key cannot be added over them, and which side is right is
-- the operator's call, not ours. The message lists each kind of reference and how many.
DO $$
DECLARE
  crossing text;
BEGIN
  SELECT string_agg(format('%s: %s row(s)', ref, n), '; ' ORDER BY ref) INTO crossing
    FROM (
      SELECT 'cloud_providers.created_by' AS ref, count(*) AS n FROM cloud_providers c JOIN user_profiles p ON p.id = c.created_by WHERE p.organization_id <> c.organization_id
      UNION ALL SELECT 'cloud_resources.provider_id', count(*) FROM cloud_resources c JOIN cloud_providers p ON p.id = c.provider_id WHERE p.organization_id <> c.organization_id
      UNION ALL SELECT 'cloud_resources.region_id', count(*) FROM cloud_resources c JOIN cloud_regions r ON r.id = c.region_id JOIN cloud_providers p ON p.id = r.provider_id WHERE p.organization_id <> c.organization_id
      UNION ALL SELECT 'cloud_resources.deployment_id', count(*) FROM cloud_resources c JOIN infrastructure_deployments d ON d.id = c.deployment_id WHERE d.organization_id <> c.organization_id
      UNION ALL SELECT 'cloud_resources.created_by', count(*) FROM cloud_resources c JOIN user_profiles p ON p.id = c.created_by WHERE p.organization_id <> c.organization_id
      UNION ALL SELECT 'resource_changes.provider_id', count(*) FROM resource_changes c JOIN cloud_providers p ON p.id = c.provider_id WHERE p.organization_id <> c.organization_id
      UNION ALL SELECT 'resource_changes.resource_id', count(*) FROM resource_changes c JOIN cloud_resources r ON r.id = c.resource_id WHERE r.organization_id <> c.organization_id
      UNION ALL SELECT 'resource_changes.sync_run_id', count(*) FROM resource_changes c JOIN sync_runs s ON s.id = c.sync_run_id WHERE s.organization_id <> c.organization_id
      UNION ALL SELECT 'resource_dependencies.dependent_resource_id', count(*) FROM resource_dependencies d JOIN cloud_resources p ON p.id = d.parent_resource_id JOIN cloud_resources r ON r.id = d.dependent_resource_id WHERE r.organization_id <> p.organization_id
      UNION ALL SELECT 'resource_scaling_history.triggered_by', count(*) FROM resource_scaling_history h JOIN cloud_resources r ON r.id = h.resource_id JOIN user_profiles u ON u.id = h.triggered_by WHERE u.organization_id <> r.organization_id
      UNION ALL SELECT 'infrastructure_deployments.template_id', count(*) FROM infrastructure_deployments d JOIN infrastructure_templates t ON t.id = d.template_id WHERE t.organization_id <> d.organization_id
      UNION ALL SELECT 'infrastructure_deployments.created_by', count(*) FROM infrastructure_deployments d JOIN user_profiles p ON p.id = d.created_by WHERE p.organization_id <> d.organization_id
      UNION ALL SELECT 'infrastructure_templates.created_by', count(*) FROM infrastructure_templates t JOIN user_profiles p ON p.id = t.created_by WHERE p.organization_id <> t.organization_id
      UNION ALL SELECT 'cloud_costs.provider_id', count(*) FROM cloud_costs c JOIN cloud_providers p ON p.id = c.provider_id WHERE p.organization_id <> c.organization_id
      UNION ALL SELECT 'cloud_costs.resource_id', count(*) FROM cloud_costs c JOIN cloud_resources r ON r.id = c.resource_id WHERE r.organization_id <> c.organization_id
      UNION ALL SELECT 'cost_budgets.created_by', count(*) FROM cost_budgets b JOIN user_profiles p ON p.id = b.created_by WHERE p.organization_id <> b.organization_id
      UNION ALL SELECT 'cost_optimization_recommendations.created_by', count(*) FROM cost_optimization_recommendations c JOIN user_profiles p ON p.id = c.created_by WHERE p.organization_id <> c.organization_id
      UNION ALL SELECT 'backup_configurations.dr_plan_id', count(*) FROM backup_configurations b JOIN cloud_resources r ON r.id = b.resource_id JOIN disaster_recovery_plans d ON d.id = b.dr_plan_id WHERE d.organization_id <> r.organization_id
      UNION ALL SELECT 'disaster_recovery_plans.primary_region_id', count(*) FROM disaster_recovery_plans d JOIN cloud_regions r ON r.id = d.primary_region_id JOIN cloud_providers p ON p.id = r.provider_id WHERE p.organization_id <> d.organization_id
      UNION ALL SELECT 'disaster_recovery_plans.created_by', count(*) FROM disaster_recovery_plans d JOIN user_profiles p ON p.id = d.created_by WHERE p.organization_id <> d.organization_id
      UNION ALL SELECT 'infrastructure_alerts.resource_id', count(*) FROM infrastructure_alerts a JOIN cloud_resources r ON r.id = a.resource_id WHERE r.organization_id <> a.organization_id
      UNION ALL SELECT 'infrastructure_alerts.provider_id', count(*) FROM infrastructure_alerts a JOIN cloud_providers p ON p.id = a.provider_id WHERE p.organization_id <> a.organization_id
      UNION ALL SELECT 'infrastructure_alerts.acknowledged_by', count(*) FROM infrastructure_alerts a JOIN user_profiles p ON p.id = a.acknowledged_by WHERE p.organization_id <> a.organization_id
      UNION ALL SELECT 'infrastructure_alerts.resolved_by', count(*) FROM infrastructure_alerts a JOIN user_profiles p ON p.id = a.resolved_by WHERE p.organization_id <> a.organization_id
      UNION ALL SELECT 'infrastructure_monitoring.resource_id', count(*) FROM infrastructure_monitoring m JOIN cloud_resources r ON r.id = m.resource_id WHERE r.organization_id <> m.organization_id
      UNION ALL SELECT 'resource_utilization.resource_id', count(*) FROM resource_utilization u JOIN cloud_resources r ON r.id = u.resource_id WHERE r.organization_id <> u.organization_id
      UNION ALL SELECT 'sync_runs.provider_id', count(*) FROM sync_runs s JOIN cloud_providers p ON p.id = s.provider_id WHERE p.organization_id <> s.organization_id
    ) refs
   WHERE n > 0;
  IF crossing IS NOT NULL THEN
    RAISE EXCEPTION 'cannot migrate: rows reference another organization''s rows (%)', crossing
      USING ERRCODE = '23503',
            HINT = 'These rows were written across organizations before this migration closed the hole (issue 13). Inspect them as the owner, delete or correct each one, then migrate again.';
  END IF;
END
$$;
--> statement-breakpoint
ALTER TABLE "cloud_resources" DROP CONSTRAINT "cloud_resources_provider_id_resource_id_key";
--> statement-breakpoint
ALTER TABLE "cloud_providers" DROP CONSTRAINT "cloud_providers_created_by_user_profiles_id_fk";
--> statement-breakpoint
ALTER TABLE "cloud_regions" DROP CONSTRAINT "cloud_regions_provider_id_cloud_providers_id_fk";
--> statement-breakpoint
ALTER TABLE "cloud_resources" DROP CONSTRAINT "cloud_resources_provider_id_cloud_providers_id_fk";
--> statement-breakpoint
ALTER TABLE "cloud_resources" DROP CONSTRAINT "cloud_resources_region_id_cloud_regions_id_fk";
--> statement-breakpoint
ALTER TABLE "cloud_resources" DROP CONSTRAINT "cloud_resources_deployment_id_infrastructure_deployments_id_fk";
--> statement-breakpoint
ALTER TABLE "cloud_resources" DROP CONSTRAINT "cloud_resources_created_by_user_profiles_id_fk";
--> statement-breakpoint
ALTER TABLE "resource_changes" DROP CONSTRAINT "resource_changes_provider_id_cloud_providers_id_fk";
--> statement-breakpoint
ALTER TABLE "resource_changes" DROP CONSTRAINT "resource_changes_resource_id_cloud_resources_id_fk";
--> statement-breakpoint
ALTER TABLE "resource_changes" DROP CONSTRAINT "resource_changes_sync_run_id_sync_runs_id_fk";
--> statement-breakpoint
ALTER TABLE "resource_dependencies" DROP CONSTRAINT "resource_dependencies_parent_resource_id_cloud_resources_id_fk";
--> statement-breakpoint
ALTER TABLE "resource_dependencies" DROP CONSTRAINT "resource_dependencies_dependent_resource_id_cloud_resources_id_fk";
--> statement-breakpoint
ALTER TABLE "resource_scaling_history" DROP CONSTRAINT "resource_scaling_history_resource_id_cloud_resources_id_fk";
--> statement-breakpoint
ALTER TABLE "resource_scaling_history" DROP CONSTRAINT "resource_scaling_history_triggered_by_user_profiles_id_fk";
--> statement-breakpoint
ALTER TABLE "infrastructure_deployments" DROP CONSTRAINT "infrastructure_deployments_template_id_infrastructure_templates_id_fk";
--> statement-breakpoint
ALTER TABLE "infrastructure_deployments" DROP CONSTRAINT "infrastructure_deployments_created_by_user_profiles_id_fk";
--> statement-breakpoint
ALTER TABLE "infrastructure_templates" DROP CONSTRAINT "infrastructure_templates_created_by_user_profiles_id_fk";
--> statement-breakpoint
ALTER TABLE "cloud_costs" DROP CONSTRAINT "cloud_costs_provider_id_cloud_providers_id_fk";
--> statement-breakpoint
ALTER TABLE "cloud_costs" DROP CONSTRAINT "cloud_costs_resource_id_cloud_resources_id_fk";
--> statement-breakpoint
ALTER TABLE "cost_budgets" DROP CONSTRAINT "cost_budgets_created_by_user_profiles_id_fk";
--> statement-breakpoint
ALTER TABLE "cost_optimization_recommendations" DROP CONSTRAINT "cost_optimization_recommendations_created_by_user_profiles_id_fk";
--> statement-breakpoint
ALTER TABLE "backup_configurations" DROP CONSTRAINT "backup_configurations_dr_plan_id_disaster_recovery_plans_id_fk";
--> statement-breakpoint
ALTER TABLE "backup_configurations" DROP CONSTRAINT "backup_configurations_resource_id_cloud_resources_id_fk";
--> statement-breakpoint
ALTER TABLE "disaster_recovery_plans" DROP CONSTRAINT "disaster_recovery_plans_primary_region_id_cloud_regions_id_fk";
--> statement-breakpoint
ALTER TABLE "disaster_recovery_plans" DROP CONSTRAINT "disaster_recovery_plans_created_by_user_profiles_id_fk";
--> statement-breakpoint
ALTER TABLE "infrastructure_alerts" DROP CONSTRAINT "infrastructure_alerts_resource_id_cloud_resources_id_fk";
--> statement-breakpoint
ALTER TABLE "infrastructure_alerts" DROP CONSTRAINT "infrastructure_alerts_provider_id_cloud_providers_id_fk";
--> statement-breakpoint
ALTER TABLE "infrastructure_alerts" DROP CONSTRAINT "infrastructure_alerts_acknowledged_by_user_profiles_id_fk";
--> statement-breakpoint
ALTER TABLE "infrastructure_alerts" DROP CONSTRAINT "infrastructure_alerts_resolved_by_user_profiles_id_fk";
--> statement-breakpoint
ALTER TABLE "infrastructure_monitoring" DROP CONSTRAINT "infrastructure_monitoring_resource_id_cloud_resources_id_fk";
--> statement-breakpoint
ALTER TABLE "resource_utilization" DROP CONSTRAINT "resource_utilization_resource_id_cloud_resources_id_fk";
--> statement-breakpoint
ALTER TABLE "sync_runs" DROP CONSTRAINT "sync_runs_provider_id_cloud_providers_id_fk";
--> statement-breakpoint
ALTER TABLE "cloud_regions" ADD COLUMN "organization_id" uuid;
--> statement-breakpoint
UPDATE "cloud_regions" c SET "organization_id" = p.organization_id FROM "cloud_providers" p WHERE p.id = c.provider_id;
--> statement-breakpoint
ALTER TABLE "cloud_regions" ALTER COLUMN "organization_id" SET NOT NULL;
--> statement-breakpoint
ALTER TABLE "resource_dependencies" ADD COLUMN "organization_id" uuid;
--> statement-breakpoint
UPDATE "resource_dependencies" d SET "organization_id" = r.organization_id FROM "cloud_resources" r WHERE r.id = d.parent_resource_id;
--> statement-breakpoint
ALTER TABLE "resource_dependencies" ALTER COLUMN "organization_id" SET NOT NULL;
--> statement-breakpoint
ALTER TABLE "resource_scaling_history" ADD COLUMN "organization_id" uuid;
--> statement-breakpoint
UPDATE "resource_scaling_history" h SET "organization_id" = r.organization_id FROM "cloud_resources" r WHERE r.id = h.resource_id;
--> statement-breakpoint
ALTER TABLE "resource_scaling_history" ALTER COLUMN "organization_id" SET NOT NULL;
--> statement-breakpoint
ALTER TABLE "backup_configurations" ADD COLUMN "organization_id" uuid;
--> statement-breakpoint
UPDATE "backup_configurations" b SET "organization_id" = r.organization_id FROM "cloud_resources" r WHERE r.id = b.resource_id;
--> statement-breakpoint
ALTER TABLE "backup_configurations" ALTER COLUMN "organization_id" SET NOT NULL;
--> statement-breakpoint
ALTER TABLE "cloud_regions" DROP CONSTRAINT "cloud_regions_provider_id_region_code_key";
--> statement-breakpoint
ALTER TABLE "cloud_regions" ADD CONSTRAINT "cloud_regions_organization_id_provider_id_region_code_key" UNIQUE("organization_id","provider_id","region_code");
--> statement-breakpoint
ALTER TABLE "user_profiles" ADD CONSTRAINT "user_profiles_organization_id_id_key" UNIQUE("organization_id","id");
--> statement-breakpoint
ALTER TABLE "cloud_providers" ADD CONSTRAINT "cloud_providers_organization_id_id_key" UNIQUE("organization_id","id");
--> statement-breakpoint
ALTER TABLE "cloud_regions" ADD CONSTRAINT "cloud_regions_organization_id_id_key" UNIQUE("organization_id","id");
--> statement-breakpoint
ALTER TABLE "cloud_resources" ADD CONSTRAINT "cloud_resources_organization_id_provider_id_resource_id_key" UNIQUE("organization_id","provider_id","resource_id");
--> statement-breakpoint
ALTER TABLE "cloud_resources" ADD CONSTRAINT "cloud_resources_organization_id_id_key" UNIQUE("organization_id","id");
--> statement-breakpoint
ALTER TABLE "infrastructure_deployments" ADD CONSTRAINT "infrastructure_deployments_organization_id_id_key" UNIQUE("organization_id","id");
--> statement-breakpoint
ALTER TABLE "infrastructure_templates" ADD CONSTRAINT "infrastructure_templates_organization_id_id_key" UNIQUE("organization_id","id");
--> statement-breakpoint
ALTER TABLE "backup_configurations" ADD CONSTRAINT "backup_configurations_organization_id_id_key" UNIQUE("organization_id","id");
--> statement-breakpoint
ALTER TABLE "disaster_recovery_plans" ADD CONSTRAINT "disaster_recovery_plans_organization_id_id_key" UNIQUE("organization_id","id");
--> statement-breakpoint
ALTER TABLE "sync_runs" ADD CONSTRAINT "sync_runs_organization_id_id_key" UNIQUE("organization_id","id");
--> statement-breakpoint
ALTER TABLE "cloud_providers" ADD CONSTRAINT "cloud_providers_created_by_fk" FOREIGN KEY ("organization_id","created_by") REFERENCES "public"."user_profiles"("organization_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "cloud_regions" ADD CONSTRAINT "cloud_regions_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "cloud_regions" ADD CONSTRAINT "cloud_regions_provider_id_fk" FOREIGN KEY ("organization_id","provider_id") REFERENCES "public"."cloud_providers"("organization_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "cloud_resources" ADD CONSTRAINT "cloud_resources_provider_id_fk" FOREIGN KEY ("organization_id","provider_id") REFERENCES "public"."cloud_providers"("organization_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "cloud_resources" ADD CONSTRAINT "cloud_resources_region_id_fk" FOREIGN KEY ("organization_id","region_id") REFERENCES "public"."cloud_regions"("organization_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "cloud_resources" ADD CONSTRAINT "cloud_resources_deployment_id_fk" FOREIGN KEY ("organization_id","deployment_id") REFERENCES "public"."infrastructure_deployments"("organization_id","id") ON DELETE SET NULL ("deployment_id") ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "cloud_resources" ADD CONSTRAINT "cloud_resources_created_by_fk" FOREIGN KEY ("organization_id","created_by") REFERENCES "public"."user_profiles"("organization_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "resource_changes" ADD CONSTRAINT "resource_changes_provider_id_fk" FOREIGN KEY ("organization_id","provider_id") REFERENCES "public"."cloud_providers"("organization_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "resource_changes" ADD CONSTRAINT "resource_changes_resource_id_fk" FOREIGN KEY ("organization_id","resource_id") REFERENCES "public"."cloud_resources"("organization_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "resource_changes" ADD CONSTRAINT "resource_changes_sync_run_id_fk" FOREIGN KEY ("organization_id","sync_run_id") REFERENCES "public"."sync_runs"("organization_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "resource_dependencies" ADD CONSTRAINT "resource_dependencies_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "resource_dependencies" ADD CONSTRAINT "resource_dependencies_parent_resource_id_fk" FOREIGN KEY ("organization_id","parent_resource_id") REFERENCES "public"."cloud_resources"("organization_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "resource_dependencies" ADD CONSTRAINT "resource_dependencies_dependent_resource_id_fk" FOREIGN KEY ("organization_id","dependent_resource_id") REFERENCES "public"."cloud_resources"("organization_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "resource_scaling_history" ADD CONSTRAINT "resource_scaling_history_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "resource_scaling_history" ADD CONSTRAINT "resource_scaling_history_resource_id_fk" FOREIGN KEY ("organization_id","resource_id") REFERENCES "public"."cloud_resources"("organization_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "resource_scaling_history" ADD CONSTRAINT "resource_scaling_history_triggered_by_fk" FOREIGN KEY ("organization_id","triggered_by") REFERENCES "public"."user_profiles"("organization_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "infrastructure_deployments" ADD CONSTRAINT "infrastructure_deployments_template_id_fk" FOREIGN KEY ("organization_id","template_id") REFERENCES "public"."infrastructure_templates"("organization_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "infrastructure_deployments" ADD CONSTRAINT "infrastructure_deployments_created_by_fk" FOREIGN KEY ("organization_id","created_by") REFERENCES "public"."user_profiles"("organization_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "infrastructure_templates" ADD CONSTRAINT "infrastructure_templates_created_by_fk" FOREIGN KEY ("organization_id","created_by") REFERENCES "public"."user_profiles"("organization_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "cloud_costs" ADD CONSTRAINT "cloud_costs_provider_id_fk" FOREIGN KEY ("organization_id","provider_id") REFERENCES "public"."cloud_providers"("organization_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "cloud_costs" ADD CONSTRAINT "cloud_costs_resource_id_fk" FOREIGN KEY ("organization_id","resource_id") REFERENCES "public"."cloud_resources"("organization_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "cost_budgets" ADD CONSTRAINT "cost_budgets_created_by_fk" FOREIGN KEY ("organization_id","created_by") REFERENCES "public"."user_profiles"("organization_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "cost_optimization_recommendations" ADD CONSTRAINT "cost_optimization_recommendations_created_by_fk" FOREIGN KEY ("organization_id","created_by") REFERENCES "public"."user_profiles"("organization_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "backup_configurations" ADD CONSTRAINT "backup_configurations_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "backup_configurations" ADD CONSTRAINT "backup_configurations_dr_plan_id_fk" FOREIGN KEY ("organization_id","dr_plan_id") REFERENCES "public"."disaster_recovery_plans"("organization_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "backup_configurations" ADD CONSTRAINT "backup_configurations_resource_id_fk" FOREIGN KEY ("organization_id","resource_id") REFERENCES "public"."cloud_resources"("organization_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "disaster_recovery_plans" ADD CONSTRAINT "disaster_recovery_plans_primary_region_id_fk" FOREIGN KEY ("organization_id","primary_region_id") REFERENCES "public"."cloud_regions"("organization_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "disaster_recovery_plans" ADD CONSTRAINT "disaster_recovery_plans_created_by_fk" FOREIGN KEY ("organization_id","created_by") REFERENCES "public"."user_profiles"("organization_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "infrastructure_alerts" ADD CONSTRAINT "infrastructure_alerts_resource_id_fk" FOREIGN KEY ("organization_id","resource_id") REFERENCES "public"."cloud_resources"("organization_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "infrastructure_alerts" ADD CONSTRAINT "infrastructure_alerts_provider_id_fk" FOREIGN KEY ("organization_id","provider_id") REFERENCES "public"."cloud_providers"("organization_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "infrastructure_alerts" ADD CONSTRAINT "infrastructure_alerts_acknowledged_by_fk" FOREIGN KEY ("organization_id","acknowledged_by") REFERENCES "public"."user_profiles"("organization_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "infrastructure_alerts" ADD CONSTRAINT "infrastructure_alerts_resolved_by_fk" FOREIGN KEY ("organization_id","resolved_by") REFERENCES "public"."user_profiles"("organization_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "infrastructure_monitoring" ADD CONSTRAINT "infrastructure_monitoring_resource_id_fk" FOREIGN KEY ("organization_id","resource_id") REFERENCES "public"."cloud_resources"("organization_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "resource_utilization" ADD CONSTRAINT "resource_utilization_resource_id_fk" FOREIGN KEY ("organization_id","resource_id") REFERENCES "public"."cloud_resources"("organization_id","id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "sync_runs" ADD CONSTRAINT "sync_runs_provider_id_fk" FOREIGN KEY ("organization_id","provider_id") REFERENCES "public"."cloud_providers"("organization_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER POLICY "cloud_regions_tenant_isolation" ON "cloud_regions" TO public USING ("cloud_regions"."organization_id" = (select current_organization_id())) WITH CHECK ("cloud_regions"."organization_id" = (select current_organization_id()));
--> statement-breakpoint
ALTER POLICY "resource_dependencies_tenant_isolation" ON "resource_dependencies" TO public USING ("resource_dependencies"."organization_id" = (select current_organization_id())) WITH CHECK ("resource_dependencies"."organization_id" = (select current_organization_id()));
--> statement-breakpoint
ALTER POLICY "resource_scaling_history_tenant_isolation" ON "resource_scaling_history" TO public USING ("resource_scaling_history"."organization_id" = (select current_organization_id())) WITH CHECK ("resource_scaling_history"."organization_id" = (select current_organization_id()));
--> statement-breakpoint
ALTER POLICY "backup_configurations_tenant_isolation" ON "backup_configurations" TO public USING ("backup_configurations"."organization_id" = (select current_organization_id())) WITH CHECK ("backup_configurations"."organization_id" = (select current_organization_id()));
