import { sql } from "drizzle-orm";
import { bigint, boolean, check, index, jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { oneOf, tenantPolicy, timestampTz } from "./columns.ts";
import { organizations } from "./tenancy.ts";

/** The change feed's channels: what a `realtime_events` row is about. */
export const realtimeChannels = ["infrastructure_change", "infrastructure_alert"] as const;
export type RealtimeChannel = (typeof realtimeChannels)[number];

/**
 * The change feed's outbox. PostgreSQL has no permission on NOTIFY channels, so anything sent
 * there can be forged by any login and read by any login; the events themselves are therefore
 * written here by the triggers (SECURITY DEFINER, statement-level) and only a sequence number is
 * sent with NOTIFY. Tenants read their own organization's rows (row-level security, SELECT
 * only); the realtime server reads every organization's as `cloudsync_realtime`; nobody but the
 * triggers writes. The table also makes delivery durable: a reader resumes after the last `seq`
 * it handled. Pruned by `prune_realtime_events()` (migration 0020).
 */
export const realtimeEvents = pgTable(
  "realtime_events",
  {
    // Assignment order, not commit order: readers track sequence numbers still in flight
    // (packages/db/src/events.ts) instead of assuming a smaller one never appears later.
    seq: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    // Deleted with the organization: an event of an organization that no longer exists has
    // nobody to go to.
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    channel: text({ enum: realtimeChannels }).notNull(),
    // The resource the event is about (an alert may have none); filters match on it.
    resourceId: uuid(),
    // The resource's flag when the event was recorded, so `weddingCriticalOnly` filters need no
    // lookup (an alert without a resource is false).
    isWeddingCritical: boolean().notNull(),
    // What clients receive: the event as the notification payloads had it.
    payload: jsonb().$type<Record<string, unknown>>().notNull(),
    createdAt: timestampTz().notNull().defaultNow(),
  },
  (t) => [
    check("realtime_events_channel_check", oneOf(t.channel, realtimeChannels)),
    // Replay after a reconnect reads one organization's events after a sequence number.
    index("idx_realtime_events_org_seq").on(t.organizationId, t.seq),
    // Retention prunes by age.
    index("idx_realtime_events_created_at").on(t.createdAt),
    tenantPolicy("realtime_events_tenant_isolation", t.organizationId),
  ],
).enableRLS();

/**
 * One row: every event with `seq <= pruned_through` has been pruned. A reader asked to resume
 * from an older position knows events are gone and says so (a gap) instead of replaying a part.
 */
export const realtimeEventRetention = pgTable(
  "realtime_event_retention",
  {
    // Always true: the primary key allows exactly one row.
    singleton: boolean().primaryKey().default(true),
    prunedThrough: bigint({ mode: "number" }).notNull().default(0),
    prunedAt: timestampTz(),
  },
  (t) => [check("realtime_event_retention_singleton", sql`${t.singleton}`)],
  // Under row-level security with no tenant policy: no tenant reads it (the realtime role's
  // policy is in migration 0020, where the role may not exist yet at generation time).
).enableRLS();
