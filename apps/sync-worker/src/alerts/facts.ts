import { type DbOrTx, queryRows } from "@cloudsync/db";
import { type SQL, sql } from "drizzle-orm";
import type { BackupCoverageFacts, DailyCostFacts, ResourceFacts, SampleFacts, TrendFacts } from "./rules/index.ts";

export interface FactScope {
  organizationId: string;
  /** Only this provider's resources (default: the whole organization's). */
  providerId?: string | undefined;
}

const providerFilter = (scope: FactScope, column: SQL) => (scope.providerId ? sql`and ${column} = ${scope.providerId}::uuid` : sql``);

/**
 * The resources the rules judge: every one that is not terminated, and terminated ones that
 * still have an open alert (so the alert can clear).
 */
export function loadResourceFacts(tx: DbOrTx, scope: FactScope): Promise<ResourceFacts[]> {
  return queryRows<ResourceFacts>(
    tx,
    sql`select r.id, r.provider_id as "providerId", r.resource_name as name, r.resource_status as status,
               r.health_status as "healthStatus", coalesce(r.is_wedding_critical, false) as "isWeddingCritical"
          from cloud_resources r
         where r.organization_id = ${scope.organizationId}::uuid ${providerFilter(scope, sql`r.provider_id`)}
           and (r.resource_status is distinct from 'terminated'
                or exists (select 1 from infrastructure_alerts a
                            where a.organization_id = r.organization_id and a.resource_id = r.id
                              and a.alert_status in ('active', 'acknowledged')))`,
  );
}

/**
 * Each running wedding-critical resource's type and number of backup configurations that are not
 * disabled (the same ones a DR plan evaluation counts): what `wedding_day_critical` needs to tell
 * an unprotected resource. One probe of `idx_backup_config_resource` per such resource.
 */
export function loadBackupCoverage(tx: DbOrTx, scope: FactScope): Promise<BackupCoverageFacts[]> {
  return queryRows<BackupCoverageFacts>(
    tx,
    sql`select r.id as "resourceId", r.resource_type as "resourceType",
               (select count(*)::int from backup_configurations b
                 where b.organization_id = r.organization_id and b.resource_id = r.id and b.backup_status <> 'disabled') as configurations
          from cloud_resources r
         where r.organization_id = ${scope.organizationId}::uuid and r.is_wedding_critical and r.resource_status = 'running'
           ${providerFilter(scope, sql`r.provider_id`)}`,
  );
}

/**
 * Each running resource's latest `perResource` samples since `since`: a few probes of
 * `idx_infra_monitoring_resource_time` per resource, rather than ranking a day of samples.
 */
export async function loadLatestSamples(tx: DbOrTx, scope: FactScope, since: Date, perResource: number): Promise<SampleFacts[]> {
  const rows = await queryRows<{ resourceId: string; at: string | Date; metrics: Record<string, number> }>(
    tx,
    sql`select r.id as "resourceId", s.at, s.metrics
          from cloud_resources r
          cross join lateral (select m.monitoring_timestamp as at, m.metrics
                                from infrastructure_monitoring m
                               where m.organization_id = r.organization_id and m.resource_id = r.id
                                 and m.monitoring_timestamp >= ${since.toISOString()}::timestamptz
                               order by m.monitoring_timestamp desc
                               limit ${perResource}) s
         where r.organization_id = ${scope.organizationId}::uuid and r.resource_status = 'running'
           ${providerFilter(scope, sql`r.provider_id`)}`,
  );
  return rows.map((r) => ({ resourceId: r.resourceId, at: new Date(r.at).getTime(), metrics: r.metrics }));
}

/**
 * The least-squares trend of each of `metrics` in each resource's samples since `since`, fitted
 * by PostgreSQL with x = seconds from `now` (so the intercept is the fitted value now): two rows
 * per resource instead of a week of samples.
 */
export async function loadMetricTrends(tx: DbOrTx, scope: FactScope, since: Date, now: Date, metrics: readonly string[]): Promise<TrendFacts[]> {
  const keys = sql`${`{${metrics.join(",")}}`}::text[]`;
  const rows = await queryRows<{ resourceId: string; metric: string; slope: number | null; intercept: number | null; samples: number; span: number }>(
    tx,
    sql`select m.resource_id as "resourceId", k.metric, regr_slope(p.v, p.x) as slope, regr_intercept(p.v, p.x) as intercept,
               count(*)::int as samples, (max(p.x) - min(p.x))::float8 as span
          from infrastructure_monitoring m
          ${scope.providerId ? sql`join cloud_resources r on r.organization_id = m.organization_id and r.id = m.resource_id` : sql``}
          cross join unnest(${keys}) as k(metric)
          cross join lateral (select (m.metrics ->> k.metric)::float8 as v,
                                     extract(epoch from m.monitoring_timestamp - ${now.toISOString()}::timestamptz)::float8 as x) p
         where m.organization_id = ${scope.organizationId}::uuid and m.monitoring_timestamp >= ${since.toISOString()}::timestamptz
           and jsonb_typeof(m.metrics -> k.metric) = 'number' ${providerFilter(scope, sql`r.provider_id`)}
         group by 1, 2`,
  );
  return rows
    .filter((r) => r.slope !== null && r.intercept !== null)
    .map((r) => ({
      resourceId: r.resourceId,
      metric: r.metric,
      valueNow: Number(r.intercept),
      slopePerHour: Number(r.slope) * 3600,
      samples: r.samples,
      spanHours: Number(r.span) / 3600,
    }));
}

/** Each resource's cost per day from its daily lines (start = end), from `fromDay` on. */
export async function loadDailyCosts(tx: DbOrTx, scope: FactScope, fromDay: string): Promise<DailyCostFacts[]> {
  const rows = await queryRows<{ resourceId: string; day: string; amount: string; currency: string }>(
    tx,
    sql`select c.resource_id as "resourceId", c.cost_period_start::text as day, sum(c.cost_amount)::text as amount,
               coalesce(c.cost_currency, 'USD') as currency
          from cloud_costs c
         where c.organization_id = ${scope.organizationId}::uuid and c.resource_id is not null
           and c.cost_period_start >= ${fromDay}::date and c.cost_period_end = c.cost_period_start
           ${providerFilter(scope, sql`c.provider_id`)}
         group by 1, 2, 4`,
  );
  return rows.map((r) => ({ ...r, amount: Number(r.amount) }));
}
