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
 * its cost recommendations brought in line with `analyze_cost_optimization` (one open
 * recommendation per type, stale ones expired), recorded in a `maintenance_runs` row. One
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
      // The function answers a 30-day window from this snapshot. Metrics ingests refresh it too,
      // but an organization whose metrics stopped arriving still has resources falling idle as the
      // window moves on, and resource syncs change what is running.
      const utilizationRowsRefreshed = await refreshResourceUtilization(tx, { organizationId: org, windowDays: 30 });
      const recs = await refreshRecommendations(tx, org);
      return { utilizationRowsRefreshed, ...recs, staleSyncRunsClosed };
    },
    { role: null },
  );
}

/** Brings the organization's open cost recommendations in line with what the analysis finds now. */
async function refreshRecommendations(tx: DbOrTx, org: string) {
  const [result] = await queryRows<{ opened: number; updated: number; expired: number }>(
    tx,
    sql`with found as (
          select optimization_type, potential_monthly_savings, affected_resources, recommendation_details
            from analyze_cost_optimization(${org}::uuid, 30)
        ), open_recs as (
          select id, recommendation_type from cost_optimization_recommendations
           where organization_id = ${org}::uuid and recommendation_status in ('identified', 'approved')
        ), refreshed as (
          update cost_optimization_recommendations c
             set target_resources = f.recommendation_details -> 'resources',
                 estimated_savings = jsonb_build_object('monthly_savings', f.potential_monthly_savings,
                   'annual_savings', f.potential_monthly_savings * 12, 'percentage_savings', 0, 'currency', 'USD'),
                 recommendation_details = f.recommendation_details ->> 'description'
            from found f, open_recs o
           where c.id = o.id and o.recommendation_type = f.optimization_type
          returning 1
        ), inserted as (
          insert into cost_optimization_recommendations (organization_id, recommendation_type, target_resources,
                                                         optimization_rules, estimated_savings, recommendation_details)
          select ${org}::uuid, f.optimization_type, f.recommendation_details -> 'resources',
                 jsonb_build_object('source', 'analyze_cost_optimization', 'lookback_days', 30),
                 jsonb_build_object('monthly_savings', f.potential_monthly_savings, 'annual_savings', f.potential_monthly_savings * 12,
                                    'percentage_savings', 0, 'currency', 'USD'),
                 f.recommendation_details ->> 'description'
            from found f
           where not exists (select 1 from open_recs o where o.recommendation_type = f.optimization_type)
          returning 1
        ), expired as (
          update cost_optimization_recommendations c set recommendation_status = 'expired', expires_at = now()
            from open_recs o
           where c.id = o.id and c.recommendation_status = 'identified'
             and o.recommendation_type in ('unused_resources', 'rightsizing')
             and not exists (select 1 from found f where f.optimization_type = o.recommendation_type)
          returning 1
        )
        select (select count(*) from inserted)::int as opened, (select count(*) from refreshed)::int as updated,
               (select count(*) from expired)::int as expired`,
  );
  return { recommendationsOpened: result?.opened ?? 0, recommendationsUpdated: result?.updated ?? 0, recommendationsExpired: result?.expired ?? 0 };
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
