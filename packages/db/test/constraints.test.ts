import { eq } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as s from "../src/schema/index.ts";
import { type TestDatabase, createTestDatabase } from "../src/testing.ts";
import { type Tenant, createResource, createTenant, sqlState } from "./fixtures.ts";

let tdb: TestDatabase;
let t: Tenant;
let resourceId: string;
let templateId: string;
let backupConfigId: string;
/** An organization with no provider yet, so every provider_name can be inserted once. */
let bareOrgId: string;
/** The bare organization's own user: a provider's creator belongs to its organization. */
let bareUserId: string;

beforeAll(async () => {
  tdb = await createTestDatabase();
  t = await createTenant(tdb.db, "checks");
  resourceId = (await createResource(tdb.db, t, 1)).id;
  const [template] = await tdb.db
    .insert(s.infrastructureTemplates)
    .values({ organizationId: t.organizationId, templateName: "web", templateType: "application", infrastructureCode: "{}", createdBy: t.userId })
    .returning();
  templateId = template!.id;
  const [backup] = await tdb.db
    .insert(s.backupConfigurations)
    .values({ organizationId: t.organizationId, resourceId, backupType: "full", backupFrequency: "daily", backupDestination: { bucket: "b" } })
    .returning();
  backupConfigId = backup!.id;
  const [bare] = await tdb.db.insert(s.organizations).values({ name: "Bare", slug: "bare" }).returning();
  bareOrgId = bare!.id;
  const [bareUser] = await tdb.db.insert(s.userProfiles).values({ organizationId: bareOrgId, email: "owner@bare.example" }).returning();
  bareUserId = bareUser!.id;
});
afterAll(async () => tdb?.drop());

class Rollback extends Error {}

/** Runs an insert in a transaction that is always rolled back, so cases never collide. */
async function tryInsert(table: PgTable, values: Record<string, unknown>): Promise<string | undefined> {
  return sqlState(
    tdb.db
      .transaction(async (tx) => {
        await tx.insert(table).values(values as never);
        throw new Rollback();
      })
      .catch((e) => {
        if (!(e instanceof Rollback)) throw e;
      }),
  );
}

// Each CHECK list of the design document: the table, a valid row, the column and the allowed values.
const checkCases: Array<{ table: PgTable; name: string; base: () => Record<string, unknown>; column: string; values: readonly string[] }> = [
  { table: s.cloudProviders, name: "cloud_providers.provider_name", column: "providerName", values: s.providerNames,
    base: () => ({ organizationId: bareOrgId, providerName: "gcp", providerType: "primary", displayName: "x", credentialsConfig: {}, createdBy: bareUserId }) },
  { table: s.cloudProviders, name: "cloud_providers.provider_type", column: "providerType", values: s.providerTypes,
    base: () => ({ organizationId: bareOrgId, providerName: "gcp", providerType: "primary", displayName: "x", credentialsConfig: {}, createdBy: bareUserId }) },
  { table: s.cloudProviders, name: "cloud_providers.health_status", column: "healthStatus", values: s.providerHealthStatuses,
    base: () => ({ organizationId: bareOrgId, providerName: "gcp", providerType: "primary", displayName: "x", credentialsConfig: {}, createdBy: bareUserId }) },
  { table: s.cloudRegions, name: "cloud_regions.capacity_status", column: "capacityStatus", values: s.capacityStatuses,
    base: () => ({ organizationId: t.organizationId, providerId: t.providerId, regionCode: "eu-west-1", regionName: "Ireland" }) },
  { table: s.cloudServices, name: "cloud_services.service_type", column: "serviceType", values: s.serviceTypes,
    base: () => ({ organizationId: t.organizationId, providerId: t.providerId, serviceName: "ec2", serviceType: "compute" }) },
  { table: s.cloudServices, name: "cloud_services.pricing_model", column: "pricingModel", values: s.pricingModels,
    base: () => ({ organizationId: t.organizationId, providerId: t.providerId, serviceName: "ec2", serviceType: "compute" }) },
  ...(["resourceType", "sizeCategory", "resourceStatus", "healthStatus", "environment"] as const).map((column) => ({
    table: s.cloudResources as PgTable,
    name: `cloud_resources.${column}`,
    column,
    values: { resourceType: s.resourceTypes, sizeCategory: s.sizeCategories, resourceStatus: s.resourceStatuses, healthStatus: s.resourceHealthStatuses, environment: s.environments }[column],
    base: () => ({ organizationId: t.organizationId, providerId: t.providerId, regionId: t.regionId, resourceId: "i-check", resourceName: "c", resourceType: "compute", configuration: {}, createdBy: t.userId }),
  })),
  { table: s.resourceScalingHistory, name: "resource_scaling_history.scaling_action", column: "scalingAction", values: s.scalingActions,
    base: () => ({ organizationId: t.organizationId, resourceId, scalingAction: "scale_up", previousConfiguration: {}, newConfiguration: {}, scalingTrigger: "manual" }) },
  { table: s.resourceScalingHistory, name: "resource_scaling_history.scaling_trigger", column: "scalingTrigger", values: s.scalingTriggers,
    base: () => ({ organizationId: t.organizationId, resourceId, scalingAction: "scale_up", previousConfiguration: {}, newConfiguration: {}, scalingTrigger: "manual" }) },
  { table: s.infrastructureTemplates, name: "infrastructure_templates.template_type", column: "templateType", values: s.templateTypes,
    base: () => ({ organizationId: t.organizationId, templateName: "t2", templateType: "network", infrastructureCode: "x", createdBy: t.userId }) },
  { table: s.infrastructureTemplates, name: "infrastructure_templates.template_format", column: "templateFormat", values: s.templateFormats,
    base: () => ({ organizationId: t.organizationId, templateName: "t2", templateType: "network", infrastructureCode: "x", createdBy: t.userId }) },
  ...(["deploymentType", "deploymentStatus"] as const).map((column) => ({
    table: s.infrastructureDeployments as PgTable,
    name: `infrastructure_deployments.${column}`,
    column,
    values: column === "deploymentType" ? s.deploymentTypes : s.deploymentStatuses,
    base: () => ({ organizationId: t.organizationId, deploymentName: "d", deploymentType: "staging", templateId, targetProviders: [], createdBy: t.userId }),
  })),
  { table: s.cloudCosts, name: "cloud_costs.cost_category", column: "costCategory", values: s.costCategories,
    base: () => ({ organizationId: t.organizationId, costPeriodStart: "2026-11-01", costPeriodEnd: "2026-11-01", costAmount: "1.00", costCategory: "compute" }) },
  ...(["recommendationType", "implementationComplexity", "implementationRisk", "businessImpact", "recommendationStatus"] as const).map((column) => ({
    table: s.costOptimizationRecommendations as PgTable,
    name: `cost_optimization_recommendations.${column}`,
    column,
    values: column === "recommendationType" ? s.recommendationTypes : column === "recommendationStatus" ? s.recommendationStatuses : s.levels,
    base: () => ({ organizationId: t.organizationId, recommendationType: "rightsizing", targetResources: [], optimizationRules: {} }),
  })),
  ...(["budgetScope", "budgetPeriod"] as const).map((column) => ({
    table: s.costBudgets as PgTable,
    name: `cost_budgets.${column}`,
    column,
    values: column === "budgetScope" ? s.budgetScopes : s.budgetPeriods,
    base: () => ({ organizationId: t.organizationId, budgetName: "b", budgetScope: "organization", budgetAmount: "100.00", budgetPeriod: "monthly", createdBy: t.userId }),
  })),
  ...(["planType", "planStatus"] as const).map((column) => ({
    table: s.disasterRecoveryPlans as PgTable,
    name: `disaster_recovery_plans.${column}`,
    column,
    values: column === "planType" ? s.drPlanTypes : s.drPlanStatuses,
    base: () => ({ organizationId: t.organizationId, planName: "p", planType: "pilot_light", primaryRegionId: t.regionId, disasterRecoveryRegions: [], failoverProcedures: {}, createdBy: t.userId }),
  })),
  ...(["backupType", "backupFrequency", "backupStatus"] as const).map((column) => ({
    table: s.backupConfigurations as PgTable,
    name: `backup_configurations.${column}`,
    column,
    values: column === "backupType" ? s.backupTypes : column === "backupFrequency" ? s.backupFrequencies : s.backupStatuses,
    base: () => ({ organizationId: t.organizationId, resourceId, backupType: "full", backupFrequency: "daily", backupDestination: {} }),
  })),
  { table: s.backupExecutions, name: "backup_executions.execution_status", column: "executionStatus", values: s.backupExecutionStatuses,
    base: () => ({ organizationId: t.organizationId, backupConfigId }) },
  { table: s.infrastructureMonitoring, name: "infrastructure_monitoring.monitoring_type", column: "monitoringType", values: s.monitoringTypes,
    base: () => ({ organizationId: t.organizationId, resourceId, monitoringType: "performance" }) },
  ...(["alertType", "severityLevel", "alertStatus"] as const).map((column) => ({
    table: s.infrastructureAlerts as PgTable,
    name: `infrastructure_alerts.${column}`,
    column,
    values: column === "alertType" ? s.alertTypes : column === "severityLevel" ? s.severityLevels : s.alertStatuses,
    base: () => ({ organizationId: t.organizationId, alertName: "a", alertType: "resource_health", alertConditions: {}, recipientList: [] }),
  })),
  ...(["kind", "status", "trigger"] as const).map((column) => ({
    table: s.syncRuns as PgTable,
    name: `sync_runs.${column}`,
    column,
    values: column === "kind" ? s.syncKinds : column === "status" ? s.syncRunStatuses : s.syncTriggers,
    base: () => ({ organizationId: t.organizationId, providerId: t.providerId, kind: "resources" }),
  })),
];

describe("CHECK constraints", () => {
  it.each(checkCases.map((c) => [c.name, c] as const))("%s accepts every listed value and rejects others", async (_name, c) => {
    for (const value of c.values) {
      expect(await tryInsert(c.table, { ...c.base(), [c.column]: value }), `${c.name} = ${value}`).toBeUndefined();
    }
    expect(await tryInsert(c.table, { ...c.base(), [c.column]: "not_a_listed_value" })).toBe("23514");
  });

  it("the seed's lists are the ones exported", () => {
    expect(s.providerNames).toEqual(["aws", "azure", "gcp", "digitalocean", "linode", "vultr"]);
    expect(s.resourceStatuses).toEqual(["provisioning", "running", "stopped", "stopping", "starting", "error", "terminated"]);
    expect(s.levels).toEqual(["low", "medium", "high"]);
    expect(s.severityLevels).toEqual(["info", "warning", "critical", "emergency"]);
  });

  const costBase = () => ({ organizationId: t.organizationId, costAmount: "1.00", costCategory: "compute" });
  it("a cost period may not end before it starts", async () => {
    expect(await tryInsert(s.cloudCosts, { ...costBase(), costPeriodStart: "2026-11-02", costPeriodEnd: "2026-11-01" })).toBe("23514");
    expect(await tryInsert(s.cloudCosts, { ...costBase(), costPeriodStart: "2026-11-01", costPeriodEnd: "2026-11-30" })).toBeUndefined();
  });

  it("credits are allowed as negative cost lines, but budgets and sizes are not negative", async () => {
    expect(await tryInsert(s.cloudCosts, { ...costBase(), costAmount: "-12.34", costPeriodStart: "2026-11-01", costPeriodEnd: "2026-11-01" })).toBeUndefined();
    expect(
      await tryInsert(s.costBudgets, { organizationId: t.organizationId, budgetName: "neg", budgetScope: "organization", budgetAmount: "-1", budgetPeriod: "monthly", createdBy: t.userId }),
    ).toBe("23514");
    expect(await tryInsert(s.backupExecutions, { organizationId: t.organizationId, backupConfigId, backupSizeGb: "-0.5" })).toBe("23514");
    expect(await tryInsert(s.infrastructureMonitoring, { organizationId: t.organizationId, resourceId, monitoringType: "performance", healthScore: 101 })).toBe("23514");
  });

  it("currencies are ISO codes", async () => {
    expect(await tryInsert(s.cloudCosts, { ...costBase(), costCurrency: "usd", costPeriodStart: "2026-11-01", costPeriodEnd: "2026-11-01" })).toBe("23514");
  });

  it("a resource cannot depend on itself", async () => {
    expect(await tryInsert(s.resourceDependencies, { organizationId: t.organizationId, parentResourceId: resourceId, dependentResourceId: resourceId, dependencyType: "network" })).toBe("23514");
  });
});

describe("foreign keys and unique keys", () => {
  const missing = "00000000-0000-4000-8000-000000000000";

  it.each([
    ["cloud_providers.organization_id", s.cloudProviders, () => ({ organizationId: missing, providerName: "azure", providerType: "primary", displayName: "x", credentialsConfig: {}, createdBy: t.userId })],
    ["cloud_regions.provider_id", s.cloudRegions, () => ({ organizationId: t.organizationId, providerId: missing, regionCode: "x", regionName: "x" })],
    ["cloud_resources.region_id", s.cloudResources, () => ({ organizationId: t.organizationId, providerId: t.providerId, regionId: missing, resourceId: "i-orphan", resourceName: "o", resourceType: "compute", configuration: {}, createdBy: t.userId })],
    ["resource_dependencies.dependent_resource_id", s.resourceDependencies, () => ({ organizationId: t.organizationId, parentResourceId: resourceId, dependentResourceId: missing, dependencyType: "network" })],
    ["infrastructure_deployments.template_id", s.infrastructureDeployments, () => ({ organizationId: t.organizationId, deploymentName: "d", deploymentType: "staging", templateId: missing, targetProviders: [], createdBy: t.userId })],
    ["cloud_costs.resource_id", s.cloudCosts, () => ({ organizationId: t.organizationId, resourceId: missing, costPeriodStart: "2026-11-01", costPeriodEnd: "2026-11-01", costAmount: "1", costCategory: "compute" })],
    ["backup_executions.backup_config_id", s.backupExecutions, () => ({ organizationId: t.organizationId, backupConfigId: missing })],
    ["infrastructure_monitoring.resource_id", s.infrastructureMonitoring, () => ({ organizationId: t.organizationId, resourceId: missing, monitoringType: "performance" })],
    ["infrastructure_alerts.provider_id", s.infrastructureAlerts, () => ({ organizationId: t.organizationId, providerId: missing, alertName: "a", alertType: "resource_health", alertConditions: {}, recipientList: [] })],
  ] as const)("%s rejects an orphan", async (_name, table, values) => {
    expect(await tryInsert(table, values())).toBe("23503");
  });

  it.each([
    ["cloud_providers (organization_id, provider_name)", s.cloudProviders, () => ({ organizationId: t.organizationId, providerName: "aws", providerType: "backup", displayName: "again", credentialsConfig: {}, createdBy: t.userId })],
    ["cloud_regions (organization_id, provider_id, region_code)", s.cloudRegions, () => ({ organizationId: t.organizationId, providerId: t.providerId, regionCode: "us-east-1", regionName: "again" })],
    ["cloud_resources (organization_id, provider_id, resource_id)", s.cloudResources, () => ({ organizationId: t.organizationId, providerId: t.providerId, regionId: t.regionId, resourceId: "i-00000001", resourceName: "again", resourceType: "compute", configuration: {}, createdBy: t.userId })],
    ["infrastructure_templates (organization_id, template_name, template_version)", s.infrastructureTemplates, () => ({ organizationId: t.organizationId, templateName: "web", templateType: "application", infrastructureCode: "{}", createdBy: t.userId })],
    ["organizations (slug)", s.organizations, () => ({ name: "Another", slug: "checks" })],
    ["user_profiles (lower(email))", s.userProfiles, () => ({ organizationId: t.organizationId, email: "OWNER@checks.example" })],
  ] as const)("%s rejects a duplicate", async (_name, table, values) => {
    expect(await tryInsert(table, values())).toBe("23505");
  });
});

describe("JSON defaults", () => {
  it("equal the design document's", async () => {
    const [provider] = await tdb.db.select().from(s.cloudProviders).where(eq(s.cloudProviders.id, t.providerId));
    expect(provider!.capabilities).toEqual({ compute: true, storage: true, database: true, networking: true, monitoring: true, cdn: false, serverless: false, kubernetes: false });
    expect(provider!.regions).toEqual([]);
    expect(provider!.quotaLimits).toEqual({});

    const [region] = await tdb.db.select().from(s.cloudRegions).where(eq(s.cloudRegions.id, t.regionId));
    expect(region!.geographicLocation).toEqual({ continent: "", country: "", city: "", coordinates: { lat: 0, lng: 0 } });

    const [resource] = await tdb.db.select().from(s.cloudResources).where(eq(s.cloudResources.id, resourceId));
    // No currency until something is billed: the bill says which, not a default.
    expect(resource!.costTracking).toEqual({
      hourly_cost: 0,
      daily_cost: 0,
      monthly_cost: 0,
      monthly_cost_basis: null,
      month_to_date_cost: 0,
      total_cost: 0,
      cost_day: null,
      first_billed_on: null,
      currency: null,
      last_updated: null,
    });
    expect(resource!.sizeCategory).toBe("small");
    expect(resource!.environment).toBe("development");

    const [template] = await tdb.db.select().from(s.infrastructureTemplates).where(eq(s.infrastructureTemplates.id, templateId));
    expect(template!.resourceRequirements).toEqual({ min_cpu: 1, min_memory_gb: 2, min_storage_gb: 20, network_requirements: [] });
    expect(template!.estimatedCost).toEqual({ hourly: 0, daily: 0, monthly: 0, currency: "USD" });

    const [deployment] = await tdb.db
      .insert(s.infrastructureDeployments)
      .values({ organizationId: t.organizationId, deploymentName: "d", deploymentType: "staging", templateId, targetProviders: [], createdBy: t.userId })
      .returning();
    expect(deployment!.deploymentProgress).toEqual({ current_stage: "", total_stages: 0, completed_stages: 0, estimated_completion: null, stage_details: [] });
    expect(deployment!.rollbackConfig).toEqual({ enabled: true, snapshot_before: true, max_rollback_time: "1h", retain_data: true });

    const [rec] = await tdb.db
      .insert(s.costOptimizationRecommendations)
      .values({ organizationId: t.organizationId, recommendationType: "rightsizing", targetResources: [], optimizationRules: {} })
      .returning();
    expect(rec!.estimatedSavings).toEqual({ monthly_savings: 0, annual_savings: 0, percentage_savings: 0, currency: "USD" });

    const [budget] = await tdb.db
      .insert(s.costBudgets)
      .values({ organizationId: t.organizationId, budgetName: "b", budgetScope: "organization", budgetAmount: "10", budgetPeriod: "monthly", createdBy: t.userId })
      .returning();
    expect(budget!.alertThresholds).toEqual([50, 75, 90, 100]);
    expect(budget!.notificationChannels).toEqual(["email"]);

    const [plan] = await tdb.db
      .insert(s.disasterRecoveryPlans)
      .values({ organizationId: t.organizationId, planName: "p", planType: "pilot_light", primaryRegionId: t.regionId, disasterRecoveryRegions: [], failoverProcedures: {}, createdBy: t.userId })
      .returning();
    expect(plan!.recoveryObjectives).toEqual({ rto_minutes: 240, rpo_minutes: 60, availability_target: 99.99, data_retention_days: 30 });
    expect(plan!.backupStrategy).toEqual({ frequency: "daily", retention_days: 30, cross_region: true, encryption: true, compression: true });
    expect(plan!.testingSchedule).toEqual({ frequency: "quarterly", last_test: null, next_test: null, test_type: "partial" });

    const [backup] = await tdb.db.select().from(s.backupConfigurations).where(eq(s.backupConfigurations.id, backupConfigId));
    expect(backup!.retentionPolicy).toEqual({ daily_retention_days: 7, weekly_retention_weeks: 4, monthly_retention_months: 12, yearly_retention_years: 7 });

    const [sample] = await tdb.db.insert(s.infrastructureMonitoring).values({ organizationId: t.organizationId, resourceId, monitoringType: "performance" }).returning();
    expect(sample!.metrics).toEqual({ cpu_utilization: 0, memory_utilization: 0, disk_utilization: 0, network_in_mbps: 0, network_out_mbps: 0, response_time_ms: 0, error_rate: 0, requests_per_second: 0 });
    expect(sample!.thresholds).toEqual({ warning: {}, critical: {} });

    const [alert] = await tdb.db
      .insert(s.infrastructureAlerts)
      .values({ organizationId: t.organizationId, alertName: "a", alertType: "resource_health", alertConditions: {}, recipientList: [] })
      .returning();
    expect(alert!.autoRemediation).toEqual({ enabled: false, actions: [], conditions: {} });
    expect(alert!.notificationChannels).toEqual(["email"]);
    // The design document's default 'medium' is not in its own CHECK list; ours is 'warning'.
    expect(alert!.severityLevel).toBe("warning");
  });
});
