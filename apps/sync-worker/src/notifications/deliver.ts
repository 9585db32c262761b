import { type Database, alertDeliveries, type DeliveryStatus, infrastructureAlerts, organizations, queryRows, withOrganization } from "@cloudsync/db";
import { eq, sql } from "drizzle-orm";
import { type ChannelConfig, parseOrganizationChannels } from "./channels.ts";
import type { Mailer } from "./email.ts";
import { type DeliveryRequest, alertMessage, idempotencyKey } from "./message.ts";
import type { SendResult } from "./send-result.ts";
import { sendSlack } from "./slack.ts";
import { type HttpSendOptions, sendWebhook } from "./webhook.ts";

export interface DeliveryDeps {
  db: Database;
  /** Sends mail; without one, email deliveries are undeliverable and say how to configure SMTP. */
  mailer?: Mailer | undefined;
  http?: HttpSendOptions;
  clock?: () => Date;
}

export interface DeliveryAttempt {
  /** 1 for the first attempt of this delivery. */
  number: number;
  jobId?: string | undefined;
}

export type DeliveryOutcome =
  | { status: DeliveryStatus; key: string; retryable: boolean; error: string | null }
  /** A delivery of this key already succeeded (an at-least-once repeat): nothing was sent. */
  | { status: "already_delivered"; key: string; retryable: false; error: null }
  /** The alert is gone (retention deleted it): nothing to send, nothing to record against. */
  | { status: "gone"; key: string; retryable: false; error: null };

/**
 * One attempt to deliver one alert event to one channel, recorded in `alert_deliveries` whatever
 * happens. Reads the alert and the organization's channels, skips a delivery that already
 * succeeded (so a retried job or a sweep that queues it again sends nothing twice from here; the
 * idempotency key covers a receiver that got it but whose answer was lost), sends outside any
 * transaction, and records the attempt. A `failed` outcome with `retryable` is for the caller to
 * try again (the queue throws, and BullMQ backs off); `undeliverable` is final.
 */
export async function deliverNotification(deps: DeliveryDeps, request: DeliveryRequest, attempt: DeliveryAttempt): Promise<DeliveryOutcome> {
  const key = idempotencyKey(request);
  const org = request.organizationId;
  const loaded = await withOrganization(
    deps.db,
    org,
    async (tx) => {
      const [alert] = await tx.select().from(infrastructureAlerts).where(eq(infrastructureAlerts.id, request.alertId));
      if (!alert) return undefined;
      const [done] = await queryRows<{ n: number }>(
        tx,
        sql`select count(*)::int as n from alert_deliveries
             where organization_id = ${org}::uuid and idempotency_key = ${key} and status = 'delivered'`,
      );
      const [settings] = await tx.select({ settings: organizations.settings }).from(organizations).where(eq(organizations.id, org));
      return { alert, delivered: (done?.n ?? 0) > 0, channels: parseOrganizationChannels(settings?.settings) };
    },
    { role: null },
  );
  if (!loaded) return { status: "gone", key, retryable: false, error: null };
  if (loaded.delivered) return { status: "already_delivered", key, retryable: false, error: null };

  const channel = loaded.channels.channels.get(request.channel);
  const started = Date.now();
  let result: SendResult;
  if (!channel) {
    const why = loaded.channels.invalid.get(request.channel);
    result = {
      ok: false,
      retryable: false,
      code: null,
      error: why
        ? `channel "${request.channel}" is configured wrongly (${why}); fix organizations.settings.notification_channels (docs/alerts.md)`
        : `channel "${request.channel}" is not configured: add it to organizations.settings.notification_channels (docs/alerts.md)`,
    };
  } else {
    result = await send(deps, channel, alertMessage(loaded.alert, request.event, key), attempt.number);
  }
  const status: DeliveryStatus = result.ok ? "delivered" : result.retryable ? "failed" : "undeliverable";
  const error = result.ok ? null : result.error;
  await withOrganization(
    deps.db,
    org,
    (tx) =>
      tx.insert(alertDeliveries).values({
        organizationId: org,
        alertId: request.alertId,
        event: request.event,
        channel: request.channel,
        channelType: channel?.type ?? null,
        idempotencyKey: key,
        attempt: attempt.number,
        status,
        responseCode: result.code,
        error: error?.slice(0, 2000) ?? null,
        durationMs: Date.now() - started,
        jobId: attempt.jobId ?? null,
        attemptedAt: deps.clock?.() ?? new Date(),
      }),
    { role: null },
  );
  return { status, key, retryable: !result.ok && result.retryable, error };
}

function send(deps: DeliveryDeps, channel: ChannelConfig, message: ReturnType<typeof alertMessage>, attempt: number): Promise<SendResult> {
  switch (channel.type) {
    case "webhook":
      return sendWebhook(channel, message, attempt, { ...deps.http, ...(deps.clock ? { now: deps.clock } : {}) });
    case "slack":
      return sendSlack(channel, message, deps.http);
    case "email":
      if (!deps.mailer) {
        return Promise.resolve({ ok: false, retryable: false, code: null, error: "no SMTP server is configured for this worker: set CLOUDSYNC_SMTP_URL (docs/alerts.md)" });
      }
      return deps.mailer.send(channel.to, message);
  }
}
