import { sql } from "drizzle-orm";
import type { DbOrTx } from "../client.ts";
import type { MetricKey } from "../schema/monitoring.ts";
import { requireUuid } from "../validate.ts";
import { queryRows } from "./rows.ts";

/**
 * What `cloud_resources.performance_metrics` holds once a metrics sync has stored samples for
 * the resource (the column stays `{}` until then):
 * - `as_of`: the instant of the resource's latest stored sample (ISO 8601, UTC);
 * - `window_hours`: the span the averages cover, ending at `as_of` (24);
 * - `metrics[key].latest`: the key's value in the latest sample of that span that carries it;
 * - `metrics[key].avg_24h`: the mean of the key's values over the samples in (as_of − 24 h, as_of];
 * - `metrics[key].samples`: how many samples that mean is over.
 * A key no sample of the span carries is absent (never zero-filled). See packages/db/README.md.
 */
export interface PerformanceMetrics {
  as_of: string;
  window_hours: number;
  metrics: Partial<Record<MetricKey, { latest: number; avg_24h: number; samples: number }>>;
}

/** The span `avg_24h` covers, ending at the latest sample. */
const windowHours = 24;
/** How far back the latest sample of a resource is looked for (partition pruning bound). */
const lookbackDays = 7;

/**
 * Recomputes `performance_metrics` of these resources from their stored samples (see
 * `PerformanceMetrics`); resources without a sample in the last seven days keep what they had.
 * Returns the rows updated. Call inside `withOrganization` for that organization.
 */
export async function refreshPerformanceMetrics(
  db: DbOrTx,
  params: { organizationId: string; resourceIds: readonly string[] },
): Promise<number> {
  const orgId = requireUuid("organizationId", params.organizationId);
  const ids = params.resourceIds.map((id, i) => requireUuid(`resourceIds[${i}]`, id));
  if (ids.length === 0) return 0;
  const [row] = await queryRows<{ updated: number }>(
    db,
    sql`with recent as (
          select m.resource_id, m.monitoring_timestamp as ts, m.metrics
            from infrastructure_monitoring m
           where m.organization_id = ${orgId}::uuid
             and m.resource_id = any(${`{${ids.join(",")}}`}::uuid[])
             and m.monitoring_timestamp >= now() - make_interval(days => ${lookbackDays}::int)),
        latest as (
          select resource_id, max(ts) as as_of from recent group by resource_id),
        values_in_window as (
          select r.resource_id, l.as_of, r.ts, e.key, (e.value)::text::float8 as v
            from recent r
            join latest l using (resource_id)
            cross join lateral jsonb_each(r.metrics) e
           where r.ts > l.as_of - make_interval(hours => ${windowHours}::int)
             and jsonb_typeof(e.value) = 'number'),
        per_key as (
          select resource_id, as_of, key,
                 (array_agg(v order by ts desc))[1] as latest, avg(v) as mean, count(*)::int as n
            from values_in_window
           group by resource_id, as_of, key),
        summary as (
          select resource_id,
                 jsonb_build_object(
                   'as_of', to_char(as_of at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                   'window_hours', ${windowHours}::int,
                   'metrics', jsonb_object_agg(key, jsonb_build_object('latest', latest, 'avg_24h', mean, 'samples', n))) as pm
            from per_key
           group by resource_id, as_of),
        updated as (
          update cloud_resources c set performance_metrics = s.pm
            from summary s
           where c.organization_id = ${orgId}::uuid and c.id = s.resource_id
             and c.performance_metrics is distinct from s.pm
          returning 1)
        select count(*)::int as updated from updated`,
  );
  return Number(row?.updated ?? 0);
}
