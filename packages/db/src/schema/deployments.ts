import { relations, sql } from "drizzle-orm";
import { boolean, check, index, integer, jsonb, pgTable, text, unique, uniqueIndex, uuid, varchar } from "drizzle-orm/pg-core";
import { oneOf, organizationKey, primaryId, sameOrganization, tenantPolicy, timestampNow, timestampTz } from "./columns.ts";
import { cloudProviders } from "./providers.ts";
import { organizations, userProfiles } from "./tenancy.ts";

export const templateTypes = ["application", "database", "network", "monitoring", "security", "complete_stack"] as const;
export type TemplateType = (typeof templateTypes)[number];

export const templateFormats = ["terraform", "cloudformation", "arm", "gcp_deployment", "kubernetes"] as const;
export type TemplateFormat = (typeof templateFormats)[number];

export const deploymentTypes = ["development", "testing", "staging", "production", "disaster_recovery"] as const;
export type DeploymentType = (typeof deploymentTypes)[number];

export const deploymentStatuses = [
  "pending",
  "validating",
  "provisioning",
  "deployed",
  "updating",
  "destroying",
  "failed",
  "rolled_back",
] as const;
export type DeploymentStatus = (typeof deploymentStatuses)[number];

export interface ResourceRequirements {
  min_cpu: number;
  min_memory_gb: number;
  min_storage_gb: number;
  network_requirements: unknown[];
}

export interface EstimatedCost {
  hourly: number;
  daily: number;
  monthly: number;
  currency: string;
}

export interface DeploymentProgress {
  current_stage: string;
  total_stages: number;
  completed_stages: number;
  estimated_completion: string | null;
  stage_details: unknown[];
}

export interface RollbackConfig {
  enabled: boolean;
  snapshot_before: boolean;
  max_rollback_time: string;
  retain_data: boolean;
}

export interface TargetProvider {
  provider_id: string;
  region_id: string;
  configuration: Record<string, unknown>;
}

/** Reusable infrastructure code (Terraform, CloudFormation, …), versioned per organization. */
export const infrastructureTemplates = pgTable(
  "infrastructure_templates",
  {
    id: primaryId(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    templateName: varchar({ length: 200 }).notNull(),
    templateVersion: varchar({ length: 20 }).default("1.0.0"),
    templateType: varchar({ length: 50, enum: templateTypes }).notNull(),
    description: text(),
    infrastructureCode: text().notNull(),
    templateFormat: varchar({ length: 30, enum: templateFormats }).default("terraform"),
    parameters: jsonb().$type<Record<string, unknown>>().default({}),
    resourceRequirements: jsonb()
      .$type<ResourceRequirements>()
      .default({ min_cpu: 1, min_memory_gb: 2, min_storage_gb: 20, network_requirements: [] }),
    estimatedCost: jsonb().$type<EstimatedCost>().default({ hourly: 0, daily: 0, monthly: 0, currency: "USD" }),
    supportedProviders: jsonb().$type<string[]>().default([]),
    supportedRegions: jsonb().$type<string[]>().default([]),
    complianceTags: jsonb().$type<string[]>().default([]),
    isWeddingReady: boolean().default(false),
    versionNumber: integer().default(1),
    isActive: boolean().default(true),
    createdBy: uuid().notNull(),
    createdAt: timestampNow(),
    updatedAt: timestampNow(),
    // Added for syncs (not in the design document):
    /**
     * sha256 (hex) of the template as a cloud's deployment service returned it (JSON canonical);
     * null for templates written by hand. Deployments of the same template share one row.
     */
    contentHash: varchar({ length: 64 }),
  },
  (t) => [
    // A synced template is found again by its content, whatever deployment ran it.
    uniqueIndex("infrastructure_templates_organization_id_content_hash_key")
      .on(t.organizationId, t.contentHash)
      .where(sql`${t.contentHash} is not null`),
    unique("infrastructure_templates_organization_id_template_name_template_version_key").on(
      t.organizationId,
      t.templateName,
      t.templateVersion,
    ),
    check("infrastructure_templates_template_type_check", oneOf(t.templateType, templateTypes)),
    check("infrastructure_templates_template_format_check", oneOf(t.templateFormat, templateFormats)),
    check("infrastructure_templates_version_number_check", sql`${t.versionNumber} >= 1`),
    organizationKey("infrastructure_templates", t.organizationId, t.id),
    sameOrganization("infrastructure_templates", t.organizationId, t.createdBy, userProfiles),
    tenantPolicy("infrastructure_templates_tenant_isolation", t.organizationId),
  ],
).enableRLS();

/** One rollout of a template onto one or more providers and regions. */
export const infrastructureDeployments = pgTable(
  "infrastructure_deployments",
  {
    id: primaryId(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    deploymentName: varchar({ length: 200 }).notNull(),
    deploymentType: varchar({ length: 30, enum: deploymentTypes }).notNull(),
    templateId: uuid().notNull(),
    targetProviders: jsonb().$type<TargetProvider[]>().notNull(),
    deploymentParameters: jsonb().$type<Record<string, unknown>>().default({}),
    deploymentStatus: varchar({ length: 20, enum: deploymentStatuses }).default("pending"),
    deploymentProgress: jsonb().$type<DeploymentProgress>().default({
      current_stage: "",
      total_stages: 0,
      completed_stages: 0,
      estimated_completion: null,
      stage_details: [],
    }),
    resourceInventory: jsonb().$type<string[]>().default([]),
    deploymentLogs: jsonb().$type<unknown[]>().default([]),
    rollbackConfig: jsonb().$type<RollbackConfig>().default({
      enabled: true,
      snapshot_before: true,
      max_rollback_time: "1h",
      retain_data: true,
    }),
    costEstimate: jsonb().$type<Record<string, unknown>>().default({}),
    actualCosts: jsonb().$type<Record<string, unknown>>().default({}),
    performanceTargets: jsonb().$type<Record<string, unknown>>().default({}),
    complianceRequirements: jsonb().$type<string[]>().default([]),
    weddingDayReady: boolean().default(false),
    deployedAt: timestampTz(),
    deploymentDurationSeconds: integer(),
    healthCheckPassed: boolean(),
    createdBy: uuid().notNull(),
    createdAt: timestampNow(),
    updatedAt: timestampNow(),
    // Added for syncs (not in the design document):
    /** The provider whose cloud reported the deployment; null for deployments recorded by hand. */
    providerId: uuid(),
    /** The cloud's id of the deployment (stack ARN, ARM deployment id, Infra Manager name), verbatim. */
    cloudDeploymentId: varchar({ length: 1024 }),
    /** The cloud's own status word (`UPDATE_ROLLBACK_COMPLETE`, `Succeeded`, `ACTIVE`), as last read. */
    cloudStatus: varchar({ length: 60 }),
    /** When a sync last read the deployment from its cloud. */
    lastSyncedAt: timestampTz(),
  },
  (t) => [
    // A sync upserts on the cloud's id; the organization leads so a sync only ever matches its own rows.
    unique("infrastructure_deployments_organization_id_provider_id_cloud_deployment_id_key").on(t.organizationId, t.providerId, t.cloudDeploymentId),
    sameOrganization("infrastructure_deployments", t.organizationId, t.providerId, cloudProviders),
    index("idx_deployments_org_status").on(t.organizationId, t.deploymentStatus),
    organizationKey("infrastructure_deployments", t.organizationId, t.id),
    sameOrganization("infrastructure_deployments", t.organizationId, t.templateId, infrastructureTemplates),
    sameOrganization("infrastructure_deployments", t.organizationId, t.createdBy, userProfiles),
    index("idx_deployments_wedding_ready").on(t.weddingDayReady, t.deploymentStatus),
    index("idx_deployments_template").on(t.templateId),
    check("infrastructure_deployments_deployment_type_check", oneOf(t.deploymentType, deploymentTypes)),
    check("infrastructure_deployments_deployment_status_check", oneOf(t.deploymentStatus, deploymentStatuses)),
    check("infrastructure_deployments_duration_check", sql`${t.deploymentDurationSeconds} >= 0`),
    tenantPolicy("infrastructure_deployments_tenant_isolation", t.organizationId),
  ],
).enableRLS();

export const infrastructureTemplatesRelations = relations(infrastructureTemplates, ({ one, many }) => ({
  organization: one(organizations, {
    fields: [infrastructureTemplates.organizationId],
    references: [organizations.id],
  }),
  deployments: many(infrastructureDeployments),
}));

export const infrastructureDeploymentsRelations = relations(infrastructureDeployments, ({ one }) => ({
  organization: one(organizations, {
    fields: [infrastructureDeployments.organizationId],
    references: [organizations.id],
  }),
  template: one(infrastructureTemplates, {
    fields: [infrastructureDeployments.templateId],
    references: [infrastructureTemplates.id],
  }),
}));
