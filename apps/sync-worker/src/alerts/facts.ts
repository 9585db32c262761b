import { type DbOrTx, queryRows } from "@cloudsync/db";
import { type SQL, sql } from "drizzle-orm";
import type { DailyCostFacts, ResourceFacts, SampleFacts } from "./rules/index.ts";

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

/** Each resource's latest `perResource` samples since `since`. */
export async function loadLatestSamples(tx: DbOrTx, scope: FactScope, since: Date, perResource: number): Promise<SampleFacts[]> {
  const rows = await queryRows<{ resourceId: string; at: string | Date; metrics: Record<string, number> }>(
    tx,
    sql`select resource_id as "resourceId", monitoring_timestamp as at, metrics
          from (select m.resource_id, m.monitoring_timestamp, m.metrics,
                       row_number() over (partition by m.resource_id order by m.monitoring_timestamp desc) as n
                  from infrastructure_monitoring m
                  ${scope.providerId ? sql`join cloud_resources r on r.organization_id = m.organization_id and r.id = m.resource_id` : sql``}
                 where m.organization_id = ${scope.organizationId}::uuid and m.monitoring_timestamp >= ${since.toISOString()}::timestamptz
                   ${providerFilter(scope, sql`r.provider_id`)}) s
         where n <= ${perResource}`,
  );
  return rows.map((r) => ({ resourceId: r.resourceId, at: new Date(r.at).getTime(), metrics: r.metrics }));
}

/** Every sample since `since` that carries one of `metrics`, with those metrics only (the capacity trend). */
export async function loadMetricSeries(tx: DbOrTx, scope: FactScope, since: Date, metrics: readonly string[]): Promise<SampleFacts[]> {
  const keys = sql`${`{${metrics.join(",")}}`}::text[]`;
  const rows = await queryRows<{ resourceId: string; at: string | Date; metrics: Record<string, number> }>(
    tx,
    sql`select m.resource_id as "resourceId", m.monitoring_timestamp as at,
               (select jsonb_object_agg(k, v) from jsonb_each(m.metrics) e(k, v) where k = any(${keys})) as metrics
          from infrastructure_monitoring m
          ${scope.providerId ? sql`join cloud_resources r on r.organization_id = m.organization_id and r.id = m.resource_id` : sql``}
         where m.organization_id = ${scope.organizationId}::uuid and m.monitoring_timestamp >= ${since.toISOString()}::timestamptz
           and m.metrics ?| ${keys} ${providerFilter(scope, sql`r.provider_id`)}`,
  );
  return rows.map((r) => ({ resourceId: r.resourceId, at: new Date(r.at).getTime(), metrics: r.metrics ?? {} }));
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
