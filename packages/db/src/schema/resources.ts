import { relations, sql } from "drizzle-orm";
import {
  boolean,
  check,
  decimal,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  unique,
  uuid,
  varchar,
} from "drizzle-orm/pg-core";
import { lastKeyThenInclude, oneOf, organizationKey, primaryId, sameOrganization, tenantPolicy, timestampNow, timestampTz } from "./columns.ts";
import { infrastructureDeployments } from "./deployments.ts";
import { cloudProviders, cloudRegions } from "./providers.ts";
import { syncRuns } from "./sync.ts";
import { organizations, userProfiles } from "./tenancy.ts";

export const resourceTypes = ["compute", "storage", "database", "network", "load_balancer", "cdn", "analytics"] as const;
export type ResourceType = (typeof resourceTypes)[number];

export const sizeCategories = ["nano", "micro", "small", "medium", "large", "xlarge", "custom"] as const;
export type SizeCategory = (typeof sizeCategories)[number];

export const resourceStatuses = [
  "provisioning",
  "running",
  "stopped",
  "stopping",
  "starting",
  "error",
  "terminated",
] as const;
export type ResourceStatus = (typeof resourceStatuses)[number];

export const resourceHealthStatuses = ["healthy", "warning", "critical", "unknown"] as const;
export type ResourceHealthStatus = (typeof resourceHealthStatuses)[number];

export const environments = ["development", "testing", "staging", "production"] as const;
export type Environment = (typeof environments)[number];

export const scalingActions = ["scale_up", "scale_down", "scale_out", "scale_in"] as const;
export type ScalingAction = (typeof scalingActions)[number];

export const scalingTriggers = ["manual", "auto_cpu", "auto_memory", "auto_requests", "scheduled"] as const;
export type ScalingTrigger = (typeof scalingTriggers)[number];

export const dependencyTypes = ["network", "storage", "database", "load_balancer", "security"] as const;
export type DependencyType = (typeof dependencyTypes)[number];

export const dependencyStrengths = ["soft", "hard", "critical"] as const;
export type DependencyStrength = (typeof dependencyStrengths)[number];

/** One edge as a resource's sync reports it (`cloud_resources.dependency_claims`). */
export interface DependencyClaim {
  relation: string;
  /** The target's provider resource id, or the value of `targetKey` in the target's configuration. */
  target: string;
  targetKey?: string;
  dependencyType: DependencyType;
  dependencyStrength: DependencyStrength;
  /** The target depends on the claiming resource, not the other way round. */
  reverse?: boolean;
}

/**
 * What a resource costs, as people read it (docs/health-and-costs.md): refreshed from its billed
 * lines after every cost sync. Before 0026 `monthly_cost` was the month to date, understating a
 * month five-fold on the 6th; it is now the run rate. Fields marked optional are absent on rows
 * no cost sync has refreshed since 0026.
 */
export interface CostTracking {
  /** `daily_cost` / 24. */
  hourly_cost: number;
  /** The last complete day's cost: the UTC day before the sync (`cost_day`); 0 when nothing was billed that day. */
  daily_cost: number;
  /** Run rate: `daily_cost` × days in the current month (`monthly_cost_basis` says so). */
  monthly_cost: number;
  monthly_cost_basis?: "last_complete_day_x_days_in_month" | null;
  /** Billed from the first of the current month through today (today's partial lines included). */
  month_to_date_cost?: number;
  /** Everything billed since `first_billed_on`. */
  total_cost: number;
  /** The day `daily_cost` is for (`YYYY-MM-DD`). */
  cost_day?: string | null;
  /** The first day with a billed line. */
  first_billed_on?: string | null;
  /** ISO 4217 code as billed (the currency of the newest line); null until anything is billed. */
  currency: string | null;
  last_updated: string | null;
}

export const defaultCostTracking: CostTracking = {
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
};

/** Every resource of every cloud, one row per provider resource id. */
export const cloudResources = pgTable(
  "cloud_resources",
  {
    id: primaryId(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    providerId: uuid().notNull(),
    regionId: uuid().notNull(),
    // Widened from the design document's 200: Azure ARM ids and GCP self links run longer.
    resourceId: varchar({ length: 1024 }).notNull(),
    resourceName: varchar({ length: 200 }).notNull(),
    resourceType: varchar({ length: 50, enum: resourceTypes }).notNull(),
    resourceSubtype: varchar({ length: 100 }),
    sizeCategory: varchar({ length: 20, enum: sizeCategories }).default("small"),
    configuration: jsonb().$type<Record<string, unknown>>().notNull(),
    resourceStatus: varchar({ length: 20, enum: resourceStatuses }).default("provisioning"),
    healthStatus: varchar({ length: 20, enum: resourceHealthStatuses }).default("unknown"),
    costTracking: jsonb().$type<CostTracking>().default(defaultCostTracking),
    performanceMetrics: jsonb().$type<Record<string, unknown>>().default({}),
    tags: jsonb().$type<Record<string, string>>().default({}),
    deploymentId: uuid(),
    environment: varchar({ length: 50, enum: environments }).default("development"),
    isWeddingCritical: boolean().default(false),
    autoScalingEnabled: boolean().default(false),
    backupEnabled: boolean().default(false),
    monitoringEnabled: boolean().default(true),
    createdBy: uuid().notNull(),
    createdAt: timestampNow(),
    lastUpdated: timestampNow(),
    terminatedAt: timestampTz(),
    // Added for syncs (not in the design document):
    /** The account, subscription or project the resource lives in. */
    cloudAccountId: varchar({ length: 200 }),
    /** The scope (cloud:account:region:kind) whose complete read vouches for this row. */
    syncScope: varchar({ length: 300 }),
    /** Hash of the normalized resource as last written; equal hash means nothing to write. */
    contentHash: varchar({ length: 64 }),
    /**
     * The dependencies the cloud's answer names (targets by provider id or self link, with type
     * and strength), as last read. Kept on the row so an edge whose target is not known yet is
     * resolved by a later sync, and one whose source or target is gone is removed.
     */
    dependencyClaims: jsonb().$type<DependencyClaim[]>(),
  },
  (t) => [
    // Added: a provider's resource id identifies the resource, so syncs can upsert on it. The
    // organization leads (migration 0021): a sync's conflict target can only ever match a row of
    // the organization it writes for.
    unique("cloud_resources_organization_id_provider_id_resource_id_key").on(t.organizationId, t.providerId, t.resourceId),
    organizationKey("cloud_resources", t.organizationId, t.id),
    sameOrganization("cloud_resources", t.organizationId, t.providerId, cloudProviders),
    sameOrganization("cloud_resources", t.organizationId, t.regionId, cloudRegions),
    // ON DELETE SET NULL (deployment_id) in the migration: drizzle-kit would null the whole key,
    // organization_id included, which is NOT NULL (PostgreSQL 15 sets only the listed column).
    sameOrganization("cloud_resources", t.organizationId, t.deploymentId, infrastructureDeployments).onDelete("set null"),
    sameOrganization("cloud_resources", t.organizationId, t.createdBy, userProfiles),
    index("idx_cloud_resources_provider_region").on(t.providerId, t.regionId),
    index("idx_cloud_resources_status").on(t.resourceStatus),
    index("idx_cloud_resources_type").on(t.resourceType),
    index("idx_cloud_resources_org_env").on(t.organizationId, t.environment),
    index("idx_cloud_resources_wedding_critical").on(t.isWeddingCritical, t.resourceStatus),
    // An organization's running wedding-critical resources by name from the index alone: no
    // heap fetches and no sort (the design document's index above needs both).
    index("idx_cloud_resources_wedding_critical_running")
      .on(t.organizationId, lastKeyThenInclude(t.resourceName, [t.id, t.resourceId, t.resourceType, t.regionId, t.healthStatus]))
      .where(sql`${t.isWeddingCritical} and ${t.resourceStatus} = 'running'`),
    // Added: foreign keys that are joined on or cascaded through.
    index("idx_cloud_resources_region").on(t.regionId),
    index("idx_cloud_resources_deployment").on(t.deploymentId).where(sql`${t.deploymentId} is not null`),
    // Serves get_infrastructure_health_score: counts by status per organization from the index alone.
    index("idx_cloud_resources_org_status_health").on(t.organizationId, t.resourceStatus, t.healthStatus),
    index("idx_cloud_resources_cost_tracking").using("gin", t.costTracking),
    // Cost lines name resources case-insensitively (Azure lower-cases ARM ids).
    index("idx_cloud_resources_provider_resource_id_lower").on(t.providerId, sql`lower(${t.resourceId})`),
    // Stale detection: the live resources of one scope of one provider. The organization leads
    // (migration 0037): every statement that reads it names all three, and with only the
    // provider and scope the planner, whose statistics had not yet seen a new tenant's rows,
    // walked the organization's whole key instead (1 s a scope beside a 100k-resource tenant).
    index("idx_cloud_resources_org_provider_scope")
      .on(t.organizationId, t.providerId, t.syncScope)
      .where(sql`${t.resourceStatus} <> 'terminated'`),
    check("cloud_resources_resource_type_check", oneOf(t.resourceType, resourceTypes)),
    check("cloud_resources_size_category_check", oneOf(t.sizeCategory, sizeCategories)),
    check("cloud_resources_resource_status_check", oneOf(t.resourceStatus, resourceStatuses)),
    check("cloud_resources_health_status_check", oneOf(t.healthStatus, resourceHealthStatuses)),
    check("cloud_resources_environment_check", oneOf(t.environment, environments)),
    tenantPolicy("cloud_resources_tenant_isolation", t.organizationId),
  ],
).enableRLS();

/**
 * How many resources each organization has per provider, status and health, kept exact by
 * statement-level triggers on `cloud_resources` (migration 0016): get_infrastructure_health_score
 * reads a handful of rows here instead of counting every running resource of the organization.
 * Nobody writes it but those triggers; the application and the worker may only read it.
 */
export const resourceHealthCounts = pgTable(
  "resource_health_counts",
  {
    organizationId: uuid().notNull(),
    // No foreign keys: rows follow cloud_resources through its triggers, also while a provider
    // or organization is deleted and its resources with it.
    providerId: uuid().notNull(),
    resourceStatus: varchar({ length: 20, enum: resourceStatuses }),
    healthStatus: varchar({ length: 20, enum: resourceHealthStatuses }),
    resources: integer().notNull(),
  },
  (t) => [
    // Status and health are nullable in cloud_resources; a null is a group of its own.
    unique("resource_health_counts_key")
      .on(t.organizationId, t.providerId, t.resourceStatus, t.healthStatus)
      .nullsNotDistinct(),
    tenantPolicy("resource_health_counts_tenant_isolation", t.organizationId),
  ],
).enableRLS();

/**
 * Each scale up/down/out/in of a resource, with the configurations before and after.
 * `organization_id` (migration 0021, the resource's) keeps the resource and the user who
 * triggered it in the row's organization.
 */
export const resourceScalingHistory = pgTable(
  "resource_scaling_history",
  {
    id: primaryId(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    resourceId: uuid().notNull(),
    scalingAction: varchar({ length: 20, enum: scalingActions }).notNull(),
    previousConfiguration: jsonb().$type<Record<string, unknown>>().notNull(),
    newConfiguration: jsonb().$type<Record<string, unknown>>().notNull(),
    scalingTrigger: varchar({ length: 50, enum: scalingTriggers }).notNull(),
    scalingReason: text(),
    costImpact: decimal({ precision: 10, scale: 2 }),
    performanceImpact: jsonb().$type<Record<string, unknown>>().default({}),
    scalingDurationSeconds: integer(),
    triggeredBy: uuid(),
    triggeredAt: timestampNow(),
    completedAt: timestampTz(),
    success: boolean().default(true),
    errorMessage: text(),
  },
  (t) => [
    index("idx_scaling_history_resource_time").on(t.resourceId, t.triggeredAt.desc()),
    check("resource_scaling_history_scaling_action_check", oneOf(t.scalingAction, scalingActions)),
    check("resource_scaling_history_scaling_trigger_check", oneOf(t.scalingTrigger, scalingTriggers)),
    check("resource_scaling_history_duration_check", sql`${t.scalingDurationSeconds} >= 0`),
    sameOrganization("resource_scaling_history", t.organizationId, t.resourceId, cloudResources),
    sameOrganization("resource_scaling_history", t.organizationId, t.triggeredBy, userProfiles),
    tenantPolicy("resource_scaling_history_tenant_isolation", t.organizationId),
  ],
).enableRLS();

/**
 * Which resource depends on which, and how badly. `organization_id` (migration 0021) keeps both
 * ends in the row's organization.
 */
export const resourceDependencies = pgTable(
  "resource_dependencies",
  {
    id: primaryId(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    parentResourceId: uuid().notNull(),
    dependentResourceId: uuid().notNull(),
    dependencyType: varchar({ length: 30, enum: dependencyTypes }).notNull(),
    dependencyStrength: varchar({ length: 20, enum: dependencyStrengths }).default("soft"),
    createdAt: timestampNow(),
    /**
     * Added: the edge was read from the clouds, so syncs keep it in step (and remove it when the
     * cloud stops reporting it); edges entered by people are never touched by a sync.
     */
    discoveredBySync: boolean().notNull().default(false),
  },
  (t) => [
    unique("resource_dependencies_parent_resource_id_dependent_resource_id_key").on(
      t.parentResourceId,
      t.dependentResourceId,
    ),
    index("idx_resource_dependencies_dependent").on(t.dependentResourceId),
    check("resource_dependencies_dependency_type_check", oneOf(t.dependencyType, dependencyTypes)),
    check("resource_dependencies_dependency_strength_check", oneOf(t.dependencyStrength, dependencyStrengths)),
    check("resource_dependencies_not_self_check", sql`${t.parentResourceId} <> ${t.dependentResourceId}`),
    sameOrganization("resource_dependencies", t.organizationId, t.parentResourceId, cloudResources),
    sameOrganization("resource_dependencies", t.organizationId, t.dependentResourceId, cloudResources),
    tenantPolicy("resource_dependencies_tenant_isolation", t.organizationId),
  ],
).enableRLS();

export const resourceChangeTypes = ["inserted", "updated", "terminated"] as const;
export type ResourceChangeType = (typeof resourceChangeTypes)[number];

/**
 * What changed in the estate and when: every change and termination a sync wrote, with the
 * changed fields' old and new values and the run that saw it. A resource's first appearance is
 * its row's `created_at`, not a history row (the worker writes none on insert).
 */
export const resourceChanges = pgTable(
  "resource_changes",
  {
    id: primaryId(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    providerId: uuid().notNull(),
    resourceId: uuid().notNull(),
    syncRunId: uuid(),
    changeType: varchar({ length: 20, enum: resourceChangeTypes }).notNull(),
    changedFields: text().array().notNull().default(sql`'{}'::text[]`),
    oldValues: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    newValues: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    changedAt: timestampNow().notNull(),
  },
  (t) => [
    index("idx_resource_changes_resource_time").on(t.resourceId, t.changedAt.desc()),
    index("idx_resource_changes_org_time").on(t.organizationId, t.changedAt.desc()),
    index("idx_resource_changes_run").on(t.syncRunId),
    check("resource_changes_change_type_check", oneOf(t.changeType, resourceChangeTypes)),
    sameOrganization("resource_changes", t.organizationId, t.providerId, cloudProviders),
    sameOrganization("resource_changes", t.organizationId, t.resourceId, cloudResources),
    sameOrganization("resource_changes", t.organizationId, t.syncRunId, syncRuns),
    tenantPolicy("resource_changes_tenant_isolation", t.organizationId),
  ],
).enableRLS();

export const resourceChangesRelations = relations(resourceChanges, ({ one }) => ({
  resource: one(cloudResources, { fields: [resourceChanges.resourceId], references: [cloudResources.id] }),
  syncRun: one(syncRuns, { fields: [resourceChanges.syncRunId], references: [syncRuns.id] }),
}));

export const cloudResourcesRelations = relations(cloudResources, ({ one, many }) => ({
  organization: one(organizations, { fields: [cloudResources.organizationId], references: [organizations.id] }),
  provider: one(cloudProviders, { fields: [cloudResources.providerId], references: [cloudProviders.id] }),
  region: one(cloudRegions, { fields: [cloudResources.regionId], references: [cloudRegions.id] }),
  deployment: one(infrastructureDeployments, {
    fields: [cloudResources.deploymentId],
    references: [infrastructureDeployments.id],
  }),
  scalingHistory: many(resourceScalingHistory),
  changes: many(resourceChanges),
  /** Links where this resource is the parent: the resources that depend on it. */
  dependents: many(resourceDependencies, { relationName: "parent" }),
  /** Links where this resource is the dependent: the resources it depends on. */
  dependencies: many(resourceDependencies, { relationName: "dependent" }),
}));

export const resourceScalingHistoryRelations = relations(resourceScalingHistory, ({ one }) => ({
  resource: one(cloudResources, { fields: [resourceScalingHistory.resourceId], references: [cloudResources.id] }),
}));

export const resourceDependenciesRelations = relations(resourceDependencies, ({ one }) => ({
  parent: one(cloudResources, {
    fields: [resourceDependencies.parentResourceId],
    references: [cloudResources.id],
    relationName: "parent",
  }),
  dependent: one(cloudResources, {
    fields: [resourceDependencies.dependentResourceId],
    references: [cloudResources.id],
    relationName: "dependent",
  }),
}));
