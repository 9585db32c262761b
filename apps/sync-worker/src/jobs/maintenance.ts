import {
  type Database,
  type DbOrTx,
  type SyncTrigger,
  dropMonitoringPartitions,
  ensureMonitoringPartitions,
  pruneRealtimeEvents,
  queryRows,
  refreshMonthlyCostSummary,
  refreshResourceUtilization,
  withOrganization,
} from "@cloudsync/db";
import { sql } from "drizzle-orm";
import { alertRuleNames, evaluateAlerts } from "../alerts/evaluate.ts";
import type { Logger } from "../logger.ts";
import { type MaintenanceCounts, finishMaintenanceRun, startMaintenanceRun } from "../write/maintenance-runs.ts";
import { refreshRecommendations } from "../write/recommendations.ts";
import { closeStaleSyncRuns } from "../write/sync-runs.ts";

export interface MaintenanceDeps {
  db: Database;
  logger: Logger;
  clock?: () => Date;
  /**
   * Hands an organization's alerts that still owe a notification to delivery (the worker
   * enqueues them on the notifications queue); returns how many were handed over.
   */
  notify?: (organizationId: string) => Promise<number>;
}

export interface MaintenanceOptions {
  /** Monthly partitions kept online; older months are detached and dropped. Default 13. */
  retentionMonths?: number;
  /** Detach old months but keep them as tables for archival (`pg_dump -t`), instead of dropping. */
  detachOnly?: boolean;
  /** Runs stuck in `running` longer than this are closed as failed (their worker died). Default 6 h. */
  staleRunHours?: number;
  /**
   * How long the change feed's events stay replayable for realtime clients that reconnect
   * (docs/realtime.md); older ones are pruned. Default 24 h.
   */
  realtimeEventRetentionHours?: number;
  /** Recorded in each organization's `maintenance_runs` row. Default `manual`. */
  trigger?: SyncTrigger | undefined;
  /** The BullMQ job, recorded in each organization's `maintenance_runs` row. */
  jobId?: string | undefined;
}

export interface MaintenanceSummary {
  partitionsCreated: string[];
  partitionsRetired: string[];
  /** Organizations whose maintenance succeeded. */
  organizations: number;
  recommendationsOpened: number;
  recommendationsUpdated: number;
  recommendationsExpired: number;
  staleRunsClosed: number;
  realtimeEventsPruned: number;
  alertsRaised: number;
  alertsResolved: number;
  notificationsQueued: number;
}

/**
 * Hourly housekeeping for the whole deployment: monthly partitions created ahead and retired
 * past retention, the cost summary refreshed, runs whose worker died closed as failed; then,
 * for each active organization inside `withOrganization`, its utilization snapshot refreshed and
 * its cost recommendations brought in line with the rules of docs/recommendations.md over the
 * cached list prices (one live recommendation per finding, decisions kept, findings that no
 * longer hold expired), recorded in a `maintenance_runs` row. One
 * organization failing does not hold up the others; the pass then fails at the end, so the queue
 * retries it. Each organization's alert rules run too (docs/alerts.md), and what they raised or
 * resolved is handed to delivery. Last, the change feed's events past their retention are pruned.
 */
export async function runMaintenance(deps: MaintenanceDeps, options: MaintenanceOptions = {}): Promise<MaintenanceSummary> {
  const clock = deps.clock ?? (() => new Date());
  const partitionsCreated = await ensureMonitoringPartitions(deps.db, { monthsAhead: 3 });
  const partitionsRetired = await dropMonitoringPartitions(deps.db, {
    retentionMonths: options.retentionMonths ?? 13,
    detachOnly: options.detachOnly ?? false,
  });
  await refreshMonthlyCostSummary(deps.db);
  const closed = await closeStaleSyncRuns(deps.db, options.staleRunHours ?? 6);
  const totals = { organizations: 0, recommendationsOpened: 0, recommendationsUpdated: 0, recommendationsExpired: 0, alertsRaised: 0, alertsResolved: 0, notificationsQueued: 0 };
  const failures: string[] = [];
  const orgs = await queryRows<{ id: string }>(deps.db, sql`select id from organizations where is_active order by id`);
  for (const { id: org } of orgs) {
    const runId = await startMaintenanceRun(deps.db, { organizationId: org, trigger: options.trigger ?? "manual", jobId: options.jobId, startedAt: clock() });
    try {
      const counts = await maintainOrganization(deps.db, org, closed.get(org) ?? 0);
      // Every rule, over the whole organization: time alone clears or raises some (a trend, a
      // resource that stopped), and capacity and cost need more history than one sync reads.
      const alerts = await evaluateAlerts(deps.db, { organizationId: org, rules: alertRuleNames, now: clock() });
      totals.alertsRaised += alerts.raised.length;
      totals.alertsResolved += alerts.resolved.length;
      // Also what earlier passes or syncs raised and could not hand over (Redis was down).
      totals.notificationsQueued += (await deps.notify?.(org)) ?? 0;
      await finishMaintenanceRun(deps.db, runId, { status: "succeeded", counts, finishedAt: clock() });
      totals.organizations++;
      totals.recommendationsOpened += counts.recommendationsOpened;
      totals.recommendationsUpdated += counts.recommendationsUpdated;
      totals.recommendationsExpired += counts.recommendationsExpired;
    } catch (error) {
      const message = reasonOf(error);
      await finishMaintenanceRun(deps.db, runId, { status: "failed", error: message, finishedAt: clock() });
      deps.logger.error({ organizationId: org, err: message }, "maintenance of an organization failed; the others go on");
      failures.push(`${org}: ${message}`);
    }
  }
  const staleRunsClosed = [...closed.values()].reduce((sum, n) => sum + n, 0);
  const realtimeEventsPruned = await pruneRealtimeEvents(deps.db, { keepHours: options.realtimeEventRetentionHours ?? 24 });
  const summary = { partitionsCreated, partitionsRetired, ...totals, staleRunsClosed, realtimeEventsPruned };
  if (failures.length > 0) {
    throw new Error(
      `maintenance failed for ${failures.length} of ${orgs.length} organizations (see their maintenance_runs rows; the job is retried): ${failures.slice(0, 5).join("; ")}`,
    );
  }
  deps.logger.info({ ...summary }, "maintenance finished");
  return summary;
}

/**
 * One organization's share of the pass, in one transaction for that organization, as the
 * worker's own role (`role: null`: it may write every organization's snapshot; the functions
 * refuse any organization but the one set).
 */
function maintainOrganization(db: Database, org: string, staleSyncRunsClosed: number): Promise<MaintenanceCounts> {
  return withOrganization(
    db,
    org,
    async (tx) => {
      // The snapshot feeds the health views and analyze_cost_optimization's callers. Metrics
      // ingests refresh it too, but an organization whose metrics stopped arriving still has
      // resources falling idle as the window moves on, and resource syncs change what is running.
      const utilizationRowsRefreshed = await refreshResourceUtilization(tx, { organizationId: org, windowDays: 30 });
      const { findings: _findings, ...recs } = await refreshRecommendations(tx, org, { windowHours: 24 * 30 });
      return { utilizationRowsRefreshed, ...recs, staleSyncRunsClosed };
    },
    { role: null },
  );
}

/**
 * What PostgreSQL said, not Drizzle's "Failed query: <the whole statement>" that wraps it: the
 * innermost cause's message, which names the constraint or permission that refused the work.
 */
function reasonOf(error: unknown): string {
  let e: unknown = error;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  return e instanceof Error ? e.message : String(e);
}
