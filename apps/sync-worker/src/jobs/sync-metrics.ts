import { kindsWithHealthSignals, metricTargetFieldNames, metricTargetFieldsOf, scopeKey } from "@cloudsync/cloud";
import { cloudRegions, cloudResources, refreshPerformanceMetrics, refreshResourceUtilization, withOrganization } from "@cloudsync/db";
import { and, eq, inArray, ne, sql } from "drizzle-orm";
import { notifyAfterSync } from "../alerts/notify-after-sync.ts";
import { evaluateAlerts, metricRules } from "../alerts/evaluate.ts";
import { MetricWriter } from "../write/metrics.ts";
import { type SyncDeps, type SyncPayloadBase, type SyncProgress, type SyncSummaryBase, withSyncRun } from "./sync-run.ts";
import type { MetricRunCounts } from "../write/sync-runs.ts";

/** Resources per performance_metrics statement: one statement per few thousand keeps each short. */
const performanceBatch = 2_000;

export interface MetricSyncPayload extends SyncPayloadBase {
  /** How far back to read (default 15 minutes); samples already stored are not duplicated. */
  lookbackMinutes?: number;
  periodSeconds?: number;
}

export interface MetricSyncSummary extends SyncSummaryBase<MetricRunCounts> {
  samplesStored: number;
  alertsRaised: number;
  alertsResolved: number;
}

/**
 * Recent samples of a provider's live instances into `infrastructure_monitoring`, scored
 * against thresholds; with the cloud's status checks where the adapter reads them, resource
 * and provider `health_status` follow (docs/health-and-costs.md), the alert rules that read
 * health and samples judge the provider's resources (raising and resolving alerts; see
 * docs/alerts.md), the organization's utilization snapshot (what `analyze_cost_optimization`
 * answers from) is refreshed with the new samples, and so is each sampled resource's
 * `performance_metrics` (latest value and 24-hour average per key).
 */
export function syncMetrics(deps: SyncDeps, payload: MetricSyncPayload, onProgress?: (p: SyncProgress) => void): Promise<MetricSyncSummary> {
  let samplesStored = 0;
  let alertsRaised = 0;
  let alertsResolved = 0;
  return withSyncRun(deps, "metrics", payload, async ({ provider, adapter, log, ledger }) => {
    // The adapter says which of its kinds have metrics or status checks; the worker knows no cloud's kinds.
    const metricKinds = kindsWithHealthSignals(adapter.kinds);
    const targets = await deps.db
      .select({
        id: cloudResources.id,
        resourceId: cloudResources.resourceId,
        account: cloudResources.cloudAccountId,
        kind: cloudResources.resourceSubtype,
        isWeddingCritical: cloudResources.isWeddingCritical,
        name: cloudResources.resourceName,
        regionCode: cloudRegions.regionCode,
        // Only the few configuration fields a reader may need to find the series (a GCP backend
        // service's scheme), not the whole document: the list is fixed by the cloud package.
        fields: sql<Record<string, unknown>>`jsonb_build_object(${sql.join(
          metricTargetFieldNames.map((name) => sql`${name}::text, ${cloudResources.configuration} -> ${name}::text`),
          sql`, `,
        )})`,
      })
      .from(cloudResources)
      .innerJoin(cloudRegions, eq(cloudRegions.id, cloudResources.regionId))
      .where(
        and(
          eq(cloudResources.organizationId, provider.organizationId),
          eq(cloudResources.providerId, provider.id),
          ne(cloudResources.resourceStatus, "terminated"),
          inArray(cloudResources.resourceSubtype, metricKinds),
        ),
      );
    const writer = new MetricWriter(
      deps.db,
      { organizationId: provider.organizationId, providerId: provider.id },
      targets.map((t) => ({
        id: t.id,
        resourceId: t.resourceId,
        isWeddingCritical: t.isWeddingCritical ?? false,
        name: t.name,
        account: t.account ?? "",
        regionCode: t.regionCode,
      })),
    );
    // Windows end on a period boundary, so clouds that align periods to the window's end (Cloud
    // Monitoring) give the same sample instants on every run and a re-read stores nothing twice.
    const periodMs = (payload.periodSeconds ?? 300) * 1000;
    const end = new Date(Math.floor(deps.clock().getTime() / periodMs) * periodMs);
    const start = new Date(end.getTime() - Math.max(periodMs, Math.ceil(((payload.lookbackMinutes ?? 15) * 60_000) / periodMs) * periodMs));
    // The name too: some clouds' series name a resource by it (GKE clusters, GCP backend services);
    // and the configuration fields that say where its series are (a backend service's scheme).
    const metricTargets = targets.map((t) => {
      const fields = metricTargetFieldsOf(t.fields);
      return {
        account: t.account ?? "",
        regionCode: t.regionCode,
        kind: t.kind ?? "",
        resourceId: t.resourceId,
        ...(t.name ? { name: t.name } : {}),
        ...(Object.keys(fields).length > 0 ? { fields } : {}),
      };
    });
    const stream = adapter.streamMetrics({
      targets: metricTargets,
      start,
      end,
      ...(payload.periodSeconds ? { periodSeconds: payload.periodSeconds } : {}),
    });
    for await (const event of stream) {
      switch (event.type) {
        case "metric_page":
          ledger.itemsSeen += event.samples.length;
          await writer.writePage(event.samples);
          break;
        case "item_skipped":
          ledger.skipped++;
          log.warn({ scope: scopeKey(event.scope), itemId: event.itemId, reason: event.reason }, "metric series skipped");
          break;
        case "scope_completed":
          writer.completeScope(event.scope);
          ledger.completed(event.scope, event.resourceCount);
          break;
        case "scope_failed":
          ledger.failed(event.scope, event.error);
          log.warn({ scope: scopeKey(event.scope), err: event.error.message }, "metric scope failed");
          break;
      }
      onProgress?.(ledger.progress());
    }
    // The cloud's own status checks, where the adapter reads them, weigh in beside the samples.
    // Only metric scopes vouch that a resource sent nothing: a failed check scope leaves its
    // resources to their samples, and is logged rather than failing the run.
    if (adapter.streamStatusChecks) {
      for await (const event of adapter.streamStatusChecks({ targets: metricTargets })) {
        if (event.type === "status_page") for (const s of event.statuses) writer.addStatusChecks(s.resourceId, s.checks);
        else if (event.type === "scope_failed") log.warn({ scope: scopeKey(event.scope), err: event.error.message }, "status check scope failed");
      }
    }
    const { providerHealth } = await writer.finish();
    // Once per job, after every page: the snapshot covers all of the organization's providers,
    // so refreshing per page would recompute the whole window for each. Inside the run, so a
    // refresh that fails fails the run and the job is retried (its samples are not stored twice).
    // Nothing stored, nothing the snapshot would say differently (about 3 s saved per 100k
    // resources); hourly maintenance refreshes it for what time alone changes.
    if (writer.counts.stored > 0) {
      await withOrganization(
        deps.db,
        provider.organizationId,
        (tx) => refreshResourceUtilization(tx, { organizationId: provider.organizationId }),
        { role: null },
      );
      // Each sampled resource's latest values and 24-hour averages, from what is now stored.
      const sampled = writer.sampledResourceIds;
      for (let i = 0; i < sampled.length; i += performanceBatch) {
        const resourceIds = sampled.slice(i, i + performanceBatch);
        await withOrganization(deps.db, provider.organizationId, (tx) => refreshPerformanceMetrics(tx, { organizationId: provider.organizationId, resourceIds }), {
          role: null,
        });
      }
    }
    // Inside the run as well: alerts that fail to be judged fail the job, which is retried.
    const alerts = await evaluateAlerts(deps.db, { organizationId: provider.organizationId, providerId: provider.id, rules: metricRules, now: deps.clock() });
    samplesStored = writer.counts.stored;
    alertsRaised = alerts.raised.length;
    alertsResolved = alerts.resolved.length;
    await notifyAfterSync(deps, provider.organizationId, log);
    return {
      counts: { kind: "metrics", samplesStored: writer.counts.stored, samplesAlreadyPresent: writer.counts.samples - writer.counts.stored },
      providerHealth,
    };
  }).then((summary) => ({ ...summary, samplesStored, alertsRaised, alertsResolved }));
}
