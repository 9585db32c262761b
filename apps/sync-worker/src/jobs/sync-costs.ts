import { type CloudAdapter, type PriceSource, scopeKey } from "@cloudsync/cloud";
import { refreshMonthlyCostSummary } from "@cloudsync/db";
import { notifyAfterSync } from "../alerts/notify-after-sync.ts";
import { evaluateAlerts } from "../alerts/evaluate.ts";
import { refreshBudgets } from "../write/budgets.ts";
import { type CostWindow, CostWriter, refreshCostTracking } from "../write/costs.ts";
import { type SyncDeps, type SyncPayloadBase, type SyncProgress, type SyncSummaryBase, withSyncRun } from "./sync-run.ts";
import type { CostRunCounts } from "../write/sync-runs.ts";
import type { Logger } from "../logger.ts";
import { priceQueriesFor, syncPrices } from "./sync-prices.ts";

export interface CostSyncPayload extends SyncPayloadBase {
  /** Explicit window; default: the trailing `trailingDays`, or the month to date with `monthToDate`. */
  window?: CostWindow;
  /** Clouds restate recent bills: re-read this many days back (default 3). */
  trailingDays?: number;
  /** Re-read the whole month to date (and last month during its first three days). */
  monthToDate?: boolean;
}

export interface CostSyncSummary extends SyncSummaryBase<CostRunCounts> {
  window: CostWindow;
  alertsRaised: number;
}

/** The days a cost sync re-reads, from `today` (UTC). */
export function costWindow(today: string, payload: Pick<CostSyncPayload, "window" | "trailingDays" | "monthToDate">): CostWindow {
  if (payload.window) return payload.window;
  const d = new Date(`${today}T00:00:00Z`);
  const iso = (x: Date) => x.toISOString().slice(0, 10);
  if (payload.monthToDate) {
    // A bill is restated for a few days after its month closes.
    const monthsBack = d.getUTCDate() <= 3 ? 1 : 0;
    return { start: iso(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - monthsBack, 1))), end: today };
  }
  const days = payload.trailingDays ?? 3;
  return { start: iso(new Date(d.getTime() - days * 86_400_000)), end: today };
}

/**
 * Clouds whose bill is invoices of monthly lines (each dated its month's first day, the running
 * month's preview restated every day): a trailing window of a few days would stop re-reading the
 * month's lines after its third day, so their default window is the month to date.
 */
export const monthlyBilledClouds: ReadonlySet<string> = new Set(["digitalocean", "linode", "vultr"]);

/** The window of a cost sync of this cloud: the payload's, else the cloud's default. */
export function costWindowFor(cloud: string, today: string, payload: Pick<CostSyncPayload, "window" | "trailingDays" | "monthToDate">): CostWindow {
  const chosen = payload.window !== undefined || payload.trailingDays !== undefined || payload.monthToDate !== undefined;
  return costWindow(today, chosen || !monthlyBilledClouds.has(cloud) ? payload : { ...payload, monthToDate: true });
}

/**
 * One provider's bill into `cloud_costs`, replacing each account's lines of the window in one
 * transaction; then resources' `cost_tracking`, the organization's budgets (alerts once per
 * threshold and period), the per-resource daily cost anomaly rule and the monthly summary view.
 */
export function syncCosts(deps: SyncDeps, payload: CostSyncPayload, onProgress?: (p: SyncProgress) => void): Promise<CostSyncSummary> {
  const today = deps.clock().toISOString().slice(0, 10);
  let window = costWindow(today, payload);
  let alertsRaised = 0;
  return withSyncRun(deps, "costs", payload, async ({ provider, runId, adapter, log, ledger }) => {
    window = costWindowFor(provider.providerName, today, payload);
    const writer = new CostWriter(deps.db, window, { organizationId: provider.organizationId, providerId: provider.id, syncRunId: runId });
    try {
      for await (const event of adapter.streamCosts({ start: window.start, end: window.end })) {
        switch (event.type) {
          case "cost_page":
            ledger.itemsSeen += event.lines.length;
            await writer.writePage(event.scope, event.lines);
            break;
          case "item_skipped":
            ledger.skipped++;
            log.warn({ scope: scopeKey(event.scope), itemId: event.itemId, reason: event.reason }, "cost line skipped");
            break;
          case "scope_completed":
            await writer.completeScope(event.scope);
            ledger.completed(event.scope, event.resourceCount);
            break;
          case "scope_failed":
            await writer.failScope(event.scope);
            ledger.failed(event.scope, event.error);
            log.warn({ scope: scopeKey(event.scope), err: event.error.message }, "cost scope failed; its previous lines were kept");
            break;
        }
        onProgress?.(ledger.progress());
      }
    } finally {
      await writer.abandon();
    }
    await refreshCostTracking(deps.db, { organizationId: provider.organizationId, providerId: provider.id }, today);
    alertsRaised = await refreshBudgets(deps.db, provider.organizationId, today);
    // Per resource, a day far above its trailing median (docs/alerts.md): judged on the lines just written.
    const anomalies = await evaluateAlerts(deps.db, { organizationId: provider.organizationId, providerId: provider.id, rules: ["cost_anomaly"], now: deps.clock() });
    alertsRaised += anomalies.raised.length;
    await notifyAfterSync(deps, provider.organizationId, log);
    await refreshMonthlyCostSummary(deps.db);
    await refreshPricesOf(deps, provider.organizationId, adapter, log);
    return { counts: { kind: "costs", costLinesInserted: writer.counts.inserted, costLinesReplaced: writer.counts.replaced } };
  }).then((summary) => ({ ...summary, window, alertsRaised }));
}

/**
 * The list prices the recommendation rules compare (docs/recommendations.md), refreshed with
 * each bill for the sizes and types the organization uses in this cloud. A pricing API that
 * fails is logged and leaves the cached prices; it never fails the bill.
 */
async function refreshPricesOf(deps: SyncDeps, org: string, adapter: CloudAdapter & Partial<PriceSource>, log: Logger): Promise<void> {
  if (!adapter.listPrices) return;
  const query = (await priceQueriesFor(deps.db, org)).get(adapter.cloud);
  if (!query) return;
  await syncPrices({ db: deps.db, logger: log }, new Map([[adapter.cloud, adapter]]), new Map([[adapter.cloud, query]]));
}
