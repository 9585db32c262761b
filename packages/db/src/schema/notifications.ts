import { relations, sql } from "drizzle-orm";
import { check, index, integer, pgTable, text, uuid, varchar } from "drizzle-orm/pg-core";
import { oneOf, primaryId, sameOrganization, tenantPolicy, timestampNow } from "./columns.ts";
import { infrastructureAlerts } from "./monitoring.ts";
import { organizations } from "./tenancy.ts";

/** What happened to an alert that its channels are told about. */
export const alertEvents = ["raised", "resolved"] as const;
export type AlertEvent = (typeof alertEvents)[number];

/** The kinds of notification channel an organization can configure (docs/alerts.md). */
export const notificationChannelTypes = ["webhook", "slack", "email"] as const;
export type NotificationChannelType = (typeof notificationChannelTypes)[number];

/**
 * How one attempt ended: `delivered` (the receiver accepted it), `failed` (it may be retried),
 * `undeliverable` (retrying cannot help: the channel is not configured or the receiver refused
 * the message itself).
 */
export const deliveryStatuses = ["delivered", "failed", "undeliverable"] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/**
 * Every attempt to deliver an alert to one of its `notification_channels`, one row per attempt,
 * so that a lost notification can be told from one never sent and a receiver's complaints
 * matched with what we sent. `idempotency_key` is the same on every attempt of one alert, event
 * and channel (and is sent with each), so a receiver can drop repeats of an at-least-once send.
 */
export const alertDeliveries = pgTable(
  "alert_deliveries",
  {
    id: primaryId(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    // Deliveries go with their alert when retention deletes it (cascade, below).
    alertId: uuid().notNull(),
    event: varchar({ length: 20, enum: alertEvents }).notNull(),
    /** The channel's name as the alert lists it in `notification_channels`. */
    channel: varchar({ length: 100 }).notNull(),
    /** The configured channel's type; null when the name is not configured. */
    channelType: varchar({ length: 20, enum: notificationChannelTypes }),
    /** `<alert id>:<event>:<channel>`: the same on every attempt, sent to the receiver. */
    idempotencyKey: varchar({ length: 200 }).notNull(),
    /** 1 for the first attempt, counting retries of the same delivery. */
    attempt: integer().notNull(),
    status: varchar({ length: 20, enum: deliveryStatuses }).notNull(),
    /** The receiver's HTTP status or SMTP reply code, when it answered. */
    responseCode: integer(),
    /** Why the attempt failed, as the receiver or the network said it; never a secret. */
    error: text(),
    durationMs: integer(),
    /** The BullMQ job, if the attempt ran from the notifications queue. */
    jobId: varchar({ length: 200 }),
    attemptedAt: timestampNow().notNull(),
  },
  (t) => [
    // An alert's deliveries, for the CLI and for "was this already delivered?" before a send.
    index("idx_alert_deliveries_alert").on(t.organizationId, t.alertId, t.attemptedAt.desc()),
    // Maintenance looks for deliveries that never succeeded, by key.
    index("idx_alert_deliveries_key").on(t.organizationId, t.idempotencyKey),
    sameOrganization("alert_deliveries", t.organizationId, t.alertId, infrastructureAlerts).onDelete("cascade"),
    check("alert_deliveries_event_check", oneOf(t.event, alertEvents)),
    check("alert_deliveries_channel_type_check", oneOf(t.channelType, notificationChannelTypes)),
    check("alert_deliveries_status_check", oneOf(t.status, deliveryStatuses)),
    check("alert_deliveries_attempt_check", sql`${t.attempt} >= 1`),
    tenantPolicy("alert_deliveries_tenant_isolation", t.organizationId),
  ],
).enableRLS();

export const alertDeliveriesRelations = relations(alertDeliveries, ({ one }) => ({
  organization: one(organizations, { fields: [alertDeliveries.organizationId], references: [organizations.id] }),
  alert: one(infrastructureAlerts, { fields: [alertDeliveries.alertId], references: [infrastructureAlerts.id] }),
}));
