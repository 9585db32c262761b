import { relations, sql } from "drizzle-orm";
import { boolean, check, decimal, index, integer, jsonb, pgTable, text, uniqueIndex, uuid, varchar } from "drizzle-orm/pg-core";
import { oneOf, organizationKey, primaryId, sameOrganization, tenantPolicy, timestampNow, timestampTz } from "./columns.ts";
import { cloudRegions } from "./providers.ts";
import { cloudResources } from "./resources.ts";
import { organizations, userProfiles } from "./tenancy.ts";

export const drPlanTypes = ["backup_restore", "active_passive", "active_active", "pilot_light", "warm_standby"] as const;
export type DrPlanType = (typeof drPlanTypes)[number];

export const drPlanStatuses = ["active", "inactive", "testing", "failed_over", "maintenance"] as const;
export type DrPlanStatus = (typeof drPlanStatuses)[number];

export const backupTypes = ["full", "incremental", "differential", "snapshot", "continuous"] as const;
export type BackupType = (typeof backupTypes)[number];

export const backupFrequencies = ["continuous", "hourly", "daily", "weekly", "monthly"] as const;
export type BackupFrequency = (typeof backupFrequencies)[number];

export const backupStatuses = ["active", "paused", "failed", "disabled"] as const;
export type BackupStatus = (typeof backupStatuses)[number];

export const backupExecutionStatuses = ["in_progress", "completed", "failed", "cancelled"] as const;
export type BackupExecutionStatus = (typeof backupExecutionStatuses)[number];

export interface RecoveryObjectives {
  rto_minutes: number;
  rpo_minutes: number;
  availability_target: number;
  data_retention_days: number;
}

export interface BackupStrategy {
  frequency: string;
  retention_days: number;
  cross_region: boolean;
  encryption: boolean;
  compression: boolean;
}

export interface TestingSchedule {
  frequency: string;
  last_test: string | null;
  next_test: string | null;
  test_type: string;
}

export interface RetentionPolicy {
  daily_retention_days: number;
  weekly_retention_weeks: number;
  monthly_retention_months: number;
  yearly_retention_years: number;
}

const percentCheck = (name: string, column: Parameters<typeof oneOf>[0]) =>
  check(name, sql`${column} between 0 and 100`);

/** How an organization recovers a region: objectives, strategy, failover steps, tests. */
export const disasterRecoveryPlans = pgTable(
  "disaster_recovery_plans",
  {
    id: primaryId(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    planName: varchar({ length: 200 }).notNull(),
    planType: varchar({ length: 30, enum: drPlanTypes }).notNull(),
    primaryRegionId: uuid().notNull(),
    disasterRecoveryRegions: jsonb().$type<unknown[]>().notNull(),
    recoveryObjectives: jsonb()
      .$type<RecoveryObjectives>()
      .notNull()
      .default({ rto_minutes: 240, rpo_minutes: 60, availability_target: 99.99, data_retention_days: 30 }),
    backupStrategy: jsonb().$type<BackupStrategy>().default({
      frequency: "daily",
      retention_days: 30,
      cross_region: true,
      encryption: true,
      compression: true,
    }),
    failoverProcedures: jsonb().$type<Record<string, unknown> | unknown[]>().notNull(),
    testingSchedule: jsonb()
      .$type<TestingSchedule>()
      .default({ frequency: "quarterly", last_test: null, next_test: null, test_type: "partial" }),
    automatedFailover: boolean().default(false),
    costOverhead: decimal({ precision: 10, scale: 2 }),
    complianceRequirements: jsonb().$type<string[]>().default([]),
    weddingDayPriority: boolean().default(false),
    planStatus: varchar({ length: 20, enum: drPlanStatuses }).default("active"),
    lastTestedAt: timestampTz(),
    lastFailoverAt: timestampTz(),
    testSuccessRate: decimal({ precision: 5, scale: 2 }).default("100.00"),
    createdBy: uuid().notNull(),
    createdAt: timestampNow(),
    updatedAt: timestampNow(),
  },
  (t) => [
    index("idx_dr_plans_org_status").on(t.organizationId, t.planStatus),
    index("idx_dr_plans_primary_region").on(t.primaryRegionId),
    organizationKey("disaster_recovery_plans", t.organizationId, t.id),
    sameOrganization("disaster_recovery_plans", t.organizationId, t.primaryRegionId, cloudRegions),
    sameOrganization("disaster_recovery_plans", t.organizationId, t.createdBy, userProfiles),
    check("disaster_recovery_plans_plan_type_check", oneOf(t.planType, drPlanTypes)),
    check("disaster_recovery_plans_plan_status_check", oneOf(t.planStatus, drPlanStatuses)),
    check("disaster_recovery_plans_cost_overhead_check", sql`${t.costOverhead} >= 0`),
    percentCheck("disaster_recovery_plans_test_success_rate_check", t.testSuccessRate),
    tenantPolicy("disaster_recovery_plans_tenant_isolation", t.organizationId),
  ],
).enableRLS();

/** How and when one resource is backed up. */
export const backupConfigurations = pgTable(
  "backup_configurations",
  {
    id: primaryId(),
    // Added (migration 0021, the resource's): the plan and the resource must be the row's
    // organization's, and backup executions' policy follows this row.
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    drPlanId: uuid(),
    resourceId: uuid().notNull(),
    backupType: varchar({ length: 30, enum: backupTypes }).notNull(),
    backupFrequency: varchar({ length: 20, enum: backupFrequencies }).notNull(),
    backupSchedule: jsonb().$type<Record<string, unknown> | string>(),
    retentionPolicy: jsonb().$type<RetentionPolicy>().notNull().default({
      daily_retention_days: 7,
      weekly_retention_weeks: 4,
      monthly_retention_months: 12,
      yearly_retention_years: 7,
    }),
    backupDestination: jsonb().$type<Record<string, unknown>>().notNull(),
    encryptionEnabled: boolean().default(true),
    compressionEnabled: boolean().default(true),
    backupStatus: varchar({ length: 20, enum: backupStatuses }).default("active"),
    lastBackupAt: timestampTz(),
    nextBackupAt: timestampTz(),
    backupSizeGb: decimal({ precision: 12, scale: 3 }),
    successRate: decimal({ precision: 5, scale: 2 }).default("100.00"),
    // Added (migration 0032): the cloud's own name for what backs the resource up (an AWS Backup
    // plan rule, an Azure protected item, a Cloud SQL instance's backup setting), so a sync
    // updates the row it wrote before; null for a configuration written by hand.
    sourceId: text(),
    createdAt: timestampNow(),
    updatedAt: timestampNow(),
  },
  (t) => [
    index("idx_backup_config_resource").on(t.resourceId, t.backupStatus),
    // One row per resource and cloud configuration: the key a backup sync upserts on (NULLs,
    // the hand-written rows, never collide).
    uniqueIndex("uq_backup_config_source").on(t.organizationId, t.resourceId, t.sourceId),
    index("idx_backup_config_schedule").on(t.nextBackupAt, t.backupStatus),
    index("idx_backup_config_dr_plan").on(t.drPlanId),
    check("backup_configurations_backup_type_check", oneOf(t.backupType, backupTypes)),
    check("backup_configurations_backup_frequency_check", oneOf(t.backupFrequency, backupFrequencies)),
    check("backup_configurations_backup_status_check", oneOf(t.backupStatus, backupStatuses)),
    check("backup_configurations_backup_size_gb_check", sql`${t.backupSizeGb} >= 0`),
    percentCheck("backup_configurations_success_rate_check", t.successRate),
    organizationKey("backup_configurations", t.organizationId, t.id),
    sameOrganization("backup_configurations", t.organizationId, t.drPlanId, disasterRecoveryPlans),
    sameOrganization("backup_configurations", t.organizationId, t.resourceId, cloudResources),
    tenantPolicy("backup_configurations_tenant_isolation", t.organizationId),
  ],
).enableRLS();

/**
 * One run of a backup configuration. No `organization_id` of its own and nothing references it:
 * its organization is its configuration's, which the policy checks on every write, so its one
 * reference has no second organization to cross into.
 */
export const backupExecutions = pgTable(
  "backup_executions",
  {
    id: primaryId(),
    // Added (migration 0025): every tenant row names its organization (see backup_configurations).
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    backupConfigId: uuid().notNull(),
    executionStatus: varchar({ length: 20, enum: backupExecutionStatuses }).default("in_progress"),
    startedAt: timestampNow(),
    completedAt: timestampTz(),
    durationSeconds: integer(),
    backupSizeGb: decimal({ precision: 12, scale: 3 }),
    dataTransferredGb: decimal({ precision: 12, scale: 3 }),
    backupLocation: text(),
    errorMessage: text(),
    performanceMetrics: jsonb().$type<Record<string, unknown>>().default({}),
    // Added (migration 0032): the cloud's job id (AWS Backup job, Azure backup job, Cloud SQL
    // backup run), so re-reading a job updates its row instead of adding another.
    sourceId: text(),
  },
  (t) => [
    index("idx_backup_executions_config_time").on(t.backupConfigId, t.startedAt.desc()),
    // The key a backup sync upserts a job on; NULLs (hand-recorded runs) never collide.
    uniqueIndex("uq_backup_executions_source").on(t.organizationId, t.sourceId),
    organizationKey("backup_executions", t.organizationId, t.id),
    check("backup_executions_execution_status_check", oneOf(t.executionStatus, backupExecutionStatuses)),
    check("backup_executions_duration_check", sql`${t.durationSeconds} >= 0`),
    check("backup_executions_sizes_check", sql`${t.backupSizeGb} >= 0 and ${t.dataTransferredGb} >= 0`),
    sameOrganization("backup_executions", t.organizationId, t.backupConfigId, backupConfigurations),
    tenantPolicy("backup_executions_tenant_isolation", t.organizationId),
  ],
).enableRLS();

export const disasterRecoveryPlansRelations = relations(disasterRecoveryPlans, ({ one, many }) => ({
  organization: one(organizations, {
    fields: [disasterRecoveryPlans.organizationId],
    references: [organizations.id],
  }),
  primaryRegion: one(cloudRegions, { fields: [disasterRecoveryPlans.primaryRegionId], references: [cloudRegions.id] }),
  backupConfigurations: many(backupConfigurations),
}));

export const backupConfigurationsRelations = relations(backupConfigurations, ({ one, many }) => ({
  plan: one(disasterRecoveryPlans, {
    fields: [backupConfigurations.drPlanId],
    references: [disasterRecoveryPlans.id],
  }),
  resource: one(cloudResources, { fields: [backupConfigurations.resourceId], references: [cloudResources.id] }),
  executions: many(backupExecutions),
}));

export const backupExecutionsRelations = relations(backupExecutions, ({ one }) => ({
  configuration: one(backupConfigurations, {
    fields: [backupExecutions.backupConfigId],
    references: [backupConfigurations.id],
  }),
}));
