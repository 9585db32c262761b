import {
  type Database,
  dropMonitoringPartitions,
  ensureMonitoringPartitions,
  queryRows,
  refreshMonthlyCostSummary,
  refreshResourceUtilization,
  withOrganization,
} from "@cloudsync/db";
import { sql } from "drizzle-orm";
import type { Logger } from "../logger.ts";

export interface MaintenanceDeps {
  db: Database;
  logger: Logger;
}

export interface MaintenanceOptions {
  /** Monthly partitions kept online; older months are detached and dropped. Default 13. */
  retentionMonths?: number;
  /** Detach old months but keep them as tables for archival (`pg_dump -t`), instead of dropping. */
  detachOnly?: boolean;
  /** Runs stuck in `running` longer than this are closed as failed (their worker died). Default 6 h. */
  staleRunHours?: number;
}

export interface MaintenanceSummary {
  partitionsCreated: string[];
  partitionsRetired: string[];
  recommendationsOpened: number;
  recommendationsUpdated: number;
  recommendationsExpired: number;
  staleRunsClosed: number;
}

/**
 * Hourly housekeeping for the whole deployment: monthly partitions created ahead and retired
 * past retention, the cost summary refreshed, each organization's utilization snapshot
 * refreshed and its cost recommendations brought in line with `analyze_cost_optimization`
 * (one open recommendation per type, stale ones expired), and runs whose worker died closed as
 * failed.
 */
export async function runMaintenance(deps: MaintenanceDeps, options: MaintenanceOptions = {}): Promise<MaintenanceSummary> {
  const partitionsCreated = await ensureMonitoringPartitions(deps.db, { monthsAhead: 3 });
  const partitionsRetired = await dropMonitoringPartitions(deps.db, {
    retentionMonths: options.retentionMonths ?? 13,
    detachOnly: options.detachOnly ?? false,
  });
  await refreshMonthlyCostSummary(deps.db);
  const recs = await refreshRecommendations(deps.db);
  const [stale] = await queryRows<{ n: number }>(
    deps.db,
    sql`with closed as (
          update sync_runs set status = 'failed', finished_at = now(),
                 error = coalesce(error || E'\n', '') || 'closed by maintenance: the run stopped reporting (its worker died); a later run supersedes it'
           where status = 'running' and started_at < now() - make_interval(hours => ${options.staleRunHours ?? 6}::int)
          returning 1)
        select count(*)::int as n from closed`,
  );
  const summary = { partitionsCreated, partitionsRetired, ...recs, staleRunsClosed: stale?.n ?? 0 };
  deps.logger.info({ ...summary }, "maintenance finished");
  return summary;
}

async function refreshRecommendations(db: Database) {
  let opened = 0;
  let updated = 0;
  let expired = 0;
  const orgs = await queryRows<{ id: string }>(db, sql`select id from organizations where is_active`);
  for (const { id: org } of orgs) {
    // As the worker's own role (`role: null`: it may write every organization's snapshot), for
    // this organization (the functions refuse any other).
    const [result] = await withOrganization(db, org, async (tx) => {
      // The function answers a 30-day window from this snapshot. Metrics ingests refresh it too,
      // but an organization whose metrics stopped arriving still has resources falling idle as the
      // window moves on, and resource syncs change what is running.
      await refreshResourceUtilization(tx, { organizationId: org, windowDays: 30 });
      return queryRows<{ opened: number; updated: number; expired: number }>(
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
    }, { role: null });
    opened += result?.opened ?? 0;
    updated += result?.updated ?? 0;
    expired += result?.expired ?? 0;
  }
  return { recommendationsOpened: opened, recommendationsUpdated: updated, recommendationsExpired: expired };
}
