import { relations, sql } from "drizzle-orm";
import { check, index, integer, jsonb, pgTable, text, uuid, varchar } from "drizzle-orm/pg-core";
import { oneOf, organizationKey, primaryId, sameOrganization, tenantPolicy, timestampNow, timestampTz } from "./columns.ts";
import { cloudProviders } from "./providers.ts";
import { organizations } from "./tenancy.ts";

/**
 * What a sync reads from a provider's cloud. Backups and deployments have runs of their own (they
 * change daily or on a deploy, not every 15 minutes). Maintenance is no sync: it has `maintenance_runs`.
 */
export const syncKinds = ["resources", "costs", "metrics", "backups", "deployments"] as const;
export type SyncKind = (typeof syncKinds)[number];

/** `partial`: some scopes failed; their resources were left as they were, none terminated. */
export const syncRunStatuses = ["running", "succeeded", "partial", "failed", "cancelled"] as const;
export type SyncRunStatus = (typeof syncRunStatuses)[number];

export const syncTriggers = ["schedule", "manual", "cli", "demo"] as const;
export type SyncTrigger = (typeof syncTriggers)[number];

export interface ScopeOutcome {
  scope: string;
  status: "completed" | "failed";
  resources?: number;
  error?: string;
}

/**
 * Every sync the worker or the CLI ran: what it read, what it wrote, how it ended. Each kind
 * counts in its own columns (the others' are null): resources inserted, updated, unchanged and
 * terminated; cost lines inserted and replaced; metric samples stored and already present;
 * backup configurations and runs written; deployments inserted and updated and resources linked.
 * A kind's counts are null while it runs and when it ended before it could count them.
 */
export const syncRuns = pgTable(
  "sync_runs",
  {
    id: primaryId(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    providerId: uuid().notNull(),
    kind: varchar({ length: 20, enum: syncKinds }).notNull(),
    status: varchar({ length: 20, enum: syncRunStatuses }).notNull().default("running"),
    trigger: varchar({ length: 20, enum: syncTriggers }).notNull().default("manual"),
    startedAt: timestampNow().notNull(),
    finishedAt: timestampTz(),
    /** Resources: new rows. */
    insertedCount: integer(),
    /** Resources: rows whose content changed. */
    updatedCount: integer(),
    /** Resources: rows read again with no change. */
    unchangedCount: integer(),
    /** Resources: rows marked terminated because a completely read scope no longer lists them. */
    terminatedCount: integer(),
    /** Costs: lines written for the window that was read. */
    costLinesInserted: integer(),
    /** Costs: lines of the same window and account stored before, replaced by the new ones. */
    costLinesReplaced: integer(),
    /** Metrics: samples written. */
    samplesStored: integer(),
    /** Metrics: samples read that were stored already (same resource, type and time). */
    samplesAlreadyPresent: integer(),
    /** Backups: `backup_configurations` rows written (inserted or brought up to date). */
    backupConfigurationsWritten: integer(),
    /** Backups: `backup_executions` rows written (new runs, and runs whose state moved on). */
    backupExecutionsWritten: integer(),
    /** Deployments: `infrastructure_deployments` rows new to the table. */
    deploymentsInserted: integer(),
    /** Deployments: rows of deployments seen before, brought up to date. */
    deploymentsUpdated: integer(),
    /** Deployments: inventory rows pointing (through `deployment_id`) at a deployment read by this run that lists them, linked before or not. */
    deploymentResourcesLinked: integer(),
    /** Every kind: items the cloud listed but the reader could not use (resources, lines or samples). */
    skippedCount: integer().notNull().default(0),
    scopes: jsonb().$type<ScopeOutcome[]>().notNull().default([]),
    error: text(),
    /** The BullMQ job that ran it, if any, to join logs with rows. */
    jobId: varchar({ length: 200 }),
  },
  (t) => [
    index("idx_sync_runs_provider_kind_started").on(t.providerId, t.kind, t.startedAt.desc()),
    index("idx_sync_runs_org_started").on(t.organizationId, t.startedAt.desc()),
    organizationKey("sync_runs", t.organizationId, t.id),
    sameOrganization("sync_runs", t.organizationId, t.providerId, cloudProviders),
    check("sync_runs_kind_check", oneOf(t.kind, syncKinds)),
    check("sync_runs_status_check", oneOf(t.status, syncRunStatuses)),
    check("sync_runs_trigger_check", oneOf(t.trigger, syncTriggers)),
    check(
      "sync_runs_counts_check",
      sql`${t.insertedCount} >= 0 and ${t.updatedCount} >= 0 and ${t.unchangedCount} >= 0 and ${t.terminatedCount} >= 0 and ${t.skippedCount} >= 0
          and ${t.costLinesInserted} >= 0 and ${t.costLinesReplaced} >= 0 and ${t.samplesStored} >= 0 and ${t.samplesAlreadyPresent} >= 0
          and ${t.backupConfigurationsWritten} >= 0 and ${t.backupExecutionsWritten} >= 0
          and ${t.deploymentsInserted} >= 0 and ${t.deploymentsUpdated} >= 0 and ${t.deploymentResourcesLinked} >= 0`,
    ),
    // A reader can trust that a count it finds belongs to the run's kind.
    check(
      "sync_runs_counts_of_kind_check",
      sql`(${t.kind} = 'resources' or num_nonnulls(${t.insertedCount}, ${t.updatedCount}, ${t.unchangedCount}, ${t.terminatedCount}) = 0)
          and (${t.kind} = 'costs' or num_nonnulls(${t.costLinesInserted}, ${t.costLinesReplaced}) = 0)
          and (${t.kind} = 'metrics' or num_nonnulls(${t.samplesStored}, ${t.samplesAlreadyPresent}) = 0)
          and (${t.kind} = 'backups' or num_nonnulls(${t.backupConfigurationsWritten}, ${t.backupExecutionsWritten}) = 0)
          and (${t.kind} = 'deployments' or num_nonnulls(${t.deploymentsInserted}, ${t.deploymentsUpdated}, ${t.deploymentResourcesLinked}) = 0)`,
    ),
    check("sync_runs_finished_check", sql`${t.finishedAt} is null or ${t.finishedAt} >= ${t.startedAt}`),
    tenantPolicy("sync_runs_tenant_isolation", t.organizationId),
  ],
).enableRLS();

/** How a maintenance pass ended for one organization. */
export const maintenanceRunStatuses = ["running", "succeeded", "failed"] as const;
export type MaintenanceRunStatus = (typeof maintenanceRunStatuses)[number];

/**
 * The worker's hourly maintenance, one row per organization per pass: what it did to that
 * organization's derived data and how it ended. Kept apart from `sync_runs` because it reads no
 * cloud and belongs to no provider. Deployment-wide steps (partitions, the cost summary) belong
 * to no organization and are reported in the worker's log and the job's result instead.
 */
export const maintenanceRuns = pgTable(
  "maintenance_runs",
  {
    id: primaryId(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    status: varchar({ length: 20, enum: maintenanceRunStatuses }).notNull().default("running"),
    trigger: varchar({ length: 20, enum: syncTriggers }).notNull().default("schedule"),
    startedAt: timestampNow().notNull(),
    finishedAt: timestampTz(),
    /** Rows of `resource_utilization` recomputed. Null until the step ran. */
    utilizationRowsRefreshed: integer(),
    /** Cost recommendations opened, because `analyze_cost_optimization` found a new kind of saving. */
    recommendationsOpened: integer(),
    /** Open recommendations whose resources and savings were brought up to date. */
    recommendationsUpdated: integer(),
    /** Open recommendations expired because the saving they described is gone. */
    recommendationsExpired: integer(),
    /** The organization's `sync_runs` left `running` by a worker that died, closed as failed. */
    staleSyncRunsClosed: integer(),
    error: text(),
    /** The BullMQ job that ran the pass, if any. */
    jobId: varchar({ length: 200 }),
  },
  (t) => [
    index("idx_maintenance_runs_org_started").on(t.organizationId, t.startedAt.desc()),
    check("maintenance_runs_status_check", oneOf(t.status, maintenanceRunStatuses)),
    check("maintenance_runs_trigger_check", oneOf(t.trigger, syncTriggers)),
    check(
      "maintenance_runs_counts_check",
      sql`${t.utilizationRowsRefreshed} >= 0 and ${t.recommendationsOpened} >= 0 and ${t.recommendationsUpdated} >= 0
          and ${t.recommendationsExpired} >= 0 and ${t.staleSyncRunsClosed} >= 0`,
    ),
    check("maintenance_runs_finished_check", sql`${t.finishedAt} is null or ${t.finishedAt} >= ${t.startedAt}`),
    tenantPolicy("maintenance_runs_tenant_isolation", t.organizationId),
  ],
).enableRLS();

export const maintenanceRunsRelations = relations(maintenanceRuns, ({ one }) => ({
  organization: one(organizations, { fields: [maintenanceRuns.organizationId], references: [organizations.id] }),
}));

export const syncRunsRelations = relations(syncRuns, ({ one }) => ({
  organization: one(organizations, { fields: [syncRuns.organizationId], references: [organizations.id] }),
  provider: one(cloudProviders, { fields: [syncRuns.providerId], references: [cloudProviders.id] }),
}));
