import { relations, sql } from "drizzle-orm";
import { check, index, integer, jsonb, pgTable, text, uuid, varchar } from "drizzle-orm/pg-core";
import { oneOf, organizationKey, primaryId, sameOrganization, tenantPolicy, timestampNow, timestampTz } from "./columns.ts";
import { cloudProviders } from "./providers.ts";
import { organizations } from "./tenancy.ts";

export const syncKinds = ["resources", "costs", "metrics", "maintenance"] as const;
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

/** Every sync the worker or the CLI ran: what it read, what it wrote, how it ended. */
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
    insertedCount: integer().notNull().default(0),
    updatedCount: integer().notNull().default(0),
    unchangedCount: integer().notNull().default(0),
    terminatedCount: integer().notNull().default(0),
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
      sql`${t.insertedCount} >= 0 and ${t.updatedCount} >= 0 and ${t.unchangedCount} >= 0 and ${t.terminatedCount} >= 0 and ${t.skippedCount} >= 0`,
    ),
    check("sync_runs_finished_check", sql`${t.finishedAt} is null or ${t.finishedAt} >= ${t.startedAt}`),
    tenantPolicy("sync_runs_tenant_isolation", t.organizationId),
  ],
).enableRLS();

export const syncRunsRelations = relations(syncRuns, ({ one }) => ({
  organization: one(organizations, { fields: [syncRuns.organizationId], references: [organizations.id] }),
  provider: one(cloudProviders, { fields: [syncRuns.providerId], references: [cloudProviders.id] }),
}));
