import { randomBytes } from "node:crypto";
import { type AlertType, type Database, type SeverityLevel, acknowledgeAlert, infrastructureAlerts, organizations, queryRows, withOrganization } from "@cloudsync/db";
import { and, eq, sql } from "drizzle-orm";
import { alertRuleNames, evaluateAlerts } from "../alerts/evaluate.ts";
import { startAlertReceiver } from "../demo/alert-receiver.ts";
import type { SyncDeps } from "../jobs/sync-run.ts";
import { channelsForAlert, parseOrganizationChannels } from "../notifications/channels.ts";
import { type DeliveryDeps, deliverNotification } from "../notifications/deliver.ts";
import { pendingDeliveries } from "../notifications/pending.ts";
import type { ProviderSummary } from "../providers/registry.ts";
import { type Progress, renderTable } from "./output.ts";
import { runSyncs } from "./run-syncs.ts";

export interface DemoAlertsContext {
  db: Database;
  organizationId: string;
  /** Who acknowledges an alert in the demo. */
  ownerId: string;
  deps: SyncDeps;
  providers: readonly ProviderSummary[];
  progress: Progress;
  /** Removes a resource from its emulated cloud (by the cloud's id), true when it was there. */
  removeFromCloud: Partial<Record<string, (resourceId: string) => boolean>>;
}

/** In-process attempts per delivery: the demo has no Redis, so no queue; the worker's queue retries ten times over hours. */
const demoAttempts = 3;

/**
 * The demo's alert section: a local receiver stands in for the organization's webhook and Slack
 * channels; every rule runs over the synced estate; what is owed is delivered (through the same
 * `deliverNotification` the notifications queue runs); then one alert is acknowledged and a
 * critical resource disappears from its cloud, so its alert resolves automatically on the next
 * pass and the resolution is delivered too.
 */
export async function demoAlerts(ctx: DemoAlertsContext, out: (line: string) => void): Promise<void> {
  const secret = randomBytes(24).toString("hex");
  const receiver = await startAlertReceiver({ secret });
  try {
    const channels = {
      "ops-webhook": { type: "webhook", url: `${receiver.url}/cloudsync`, secret },
      "ops-chat": { type: "slack", url: `${receiver.url}/slack`, min_severity: "critical" },
    };
    await ctx.db
      .update(organizations)
      .set({ settings: sql`coalesce(${organizations.settings}, '{}'::jsonb) || ${JSON.stringify({ notification_channels: channels })}::jsonb` })
      .where(eq(organizations.id, ctx.organizationId));
    // The syncs above ran before the organization had channels, so what they raised went to the
    // design's default ["email"]; address those to the channels just configured.
    const config = parseOrganizationChannels({ notification_channels: channels });
    const early = await ctx.db
      .select({ id: infrastructureAlerts.id, alertType: infrastructureAlerts.alertType, severity: infrastructureAlerts.severityLevel })
      .from(infrastructureAlerts)
      .where(and(eq(infrastructureAlerts.organizationId, ctx.organizationId), sql`${infrastructureAlerts.alertStatus} in ('active', 'acknowledged')`, sql`${infrastructureAlerts.notificationChannels} = '["email"]'::jsonb`));
    for (const a of early) {
      const names = channelsForAlert(config, { alertType: a.alertType as AlertType, severity: (a.severity ?? "warning") as SeverityLevel });
      await ctx.db.update(infrastructureAlerts).set({ notificationChannels: names }).where(eq(infrastructureAlerts.id, a.id));
    }

    ctx.progress.update("alerts: judging every rule over the estate …");
    const startedAt = ctx.deps.clock();
    const firstPass = await evaluateAlerts(ctx.db, { organizationId: ctx.organizationId, rules: alertRuleNames, now: ctx.deps.clock() });
    // The demo's receiver listens on loopback, which a tenant's webhook may not reach unless the
    // deployment allows it: the demo is that deployment (CLOUDSYNC_ALERT_ALLOW_PRIVATE_DESTINATIONS).
    const delivery: DeliveryDeps = { db: ctx.db, http: { allowPrivateDestinations: true } };
    await deliverOwed(delivery, ctx.organizationId, startedAt);

    // People act on one, and the cloud changes under another.
    const open = await queryRows<{ id: string; resource_id: string | null; provider: string; cloud_id: string }>(
      ctx.db,
      sql`select a.id, a.resource_id, p.provider_name as provider, r.resource_id as cloud_id
            from infrastructure_alerts a join cloud_resources r on r.id = a.resource_id join cloud_providers p on p.id = r.provider_id
           where a.organization_id = ${ctx.organizationId}::uuid and a.alert_status = 'active' and a.alert_type = 'resource_health'
             and r.resource_status = 'running' and p.is_active
           order by a.triggered_at, a.id`,
    );
    let acknowledged = 0;
    const toAck = open.at(-1);
    if (toAck && open.length > 1) {
      await withOrganization(ctx.db, ctx.organizationId, (tx) => acknowledgeAlert(tx, { alertId: toAck.id, userId: ctx.ownerId }), { role: null });
      acknowledged = 1;
    }
    const gone = open.find((a) => ctx.removeFromCloud[a.provider]?.(a.cloud_id));
    if (gone) {
      const provider = ctx.providers.filter((p) => p.providerName === gone.provider);
      await runSyncs(ctx.deps, provider, ["resources"], ctx.progress, "demo");
    }
    const secondPass = await evaluateAlerts(ctx.db, { organizationId: ctx.organizationId, rules: alertRuleNames, now: ctx.deps.clock() });
    await deliverOwed(delivery, ctx.organizationId, startedAt);
    ctx.progress.done();

    const byType = await queryRows<{ alert_type: string; active: number; acknowledged: number; resolved: number }>(
      ctx.db,
      sql`select alert_type, count(*) filter (where alert_status = 'active')::int as active,
                 count(*) filter (where alert_status = 'acknowledged')::int as acknowledged,
                 count(*) filter (where alert_status = 'resolved')::int as resolved
            from infrastructure_alerts where organization_id = ${ctx.organizationId}::uuid group by 1 order by 1`,
    );
    const sent = await queryRows<{ channel: string; event: string; delivered: number; failed: number; undeliverable: number }>(
      ctx.db,
      sql`select channel, event, count(*) filter (where status = 'delivered')::int as delivered,
                 count(*) filter (where status = 'failed')::int as failed,
                 count(*) filter (where status = 'undeliverable')::int as undeliverable
            from alert_deliveries where organization_id = ${ctx.organizationId}::uuid and attempted_at >= ${startedAt.toISOString()}::timestamptz
           group by 1, 2 order by 1, 2`,
    );
    out(
      `Alerts (docs/alerts.md): ${firstPass.raised.length + secondPass.raised.length} raised by this pass of the rules (plus ${early.length} by the syncs), ` +
        `${acknowledged} acknowledged by the owner, ${firstPass.resolved.length + secondPass.resolved.length} resolved automatically` +
        `${gone ? ` (among them ${gone.provider}'s ${gone.cloud_id}, removed from its cloud)` : ""}\n` +
        `${renderTable(["type", "active", "acknowledged", "resolved"], byType.map((r) => [r.alert_type, r.active, r.acknowledged, r.resolved]))}\n`,
    );
    const verified = receiver.received.filter((r) => r.signatureValid).length;
    out(
      `Notifications to the local receiver at ${receiver.url} (${receiver.accepted().length} accepted, ${verified} with a valid HMAC-SHA256 signature; every attempt is a row of alert_deliveries)\n` +
        `${renderTable(["channel", "event", "delivered", "failed attempts", "undeliverable"], sent.map((r) => [r.channel, r.event, r.delivered, r.failed, r.undeliverable]))}\n`,
    );
  } finally {
    await receiver.close();
  }
}

/** Delivers what the organization owes, a few attempts each, in process. */
async function deliverOwed(deps: DeliveryDeps, organizationId: string, since: Date): Promise<void> {
  const owed = await withOrganization(deps.db, organizationId, (tx) => pendingDeliveries(tx, organizationId, new Date(since.getTime() - 48 * 3_600_000)), { role: null });
  for (const request of owed) {
    for (let attempt = 1; attempt <= demoAttempts; attempt++) {
      const outcome = await deliverNotification(deps, request, { number: attempt });
      if (!outcome.retryable) break;
    }
  }
}
