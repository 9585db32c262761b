import { metricTargetFieldsOf } from "@cloudsync/cloud";
import { type Database, queryRows } from "@cloudsync/db";
import { sql } from "drizzle-orm";
import { renderTable } from "./output.ts";

/** How the demo names each family of `backendServiceSeries`; null is a network load balancer's. */
const familyNames = {
  global_external: "external, global (https_lb_rule)",
  regional_external: "external, regional (http_external_regional_lb_rule)",
  regional_internal: "internal, regional (internal_http_lb_rule)",
  cross_region_internal: "internal, cross-region (internal_http_lb_rule)",
} as const;

/**
 * GCP backend services per load-balancer family, with how many have request samples and their
 * latest values averaged: each family's series are on its own Cloud Monitoring resource
 * (docs/coverage.md, "Metrics per kind"), so a family with services but no samples shows a gap.
 * The family is the cloud package's own rule, applied to the stored configuration.
 */
export async function printBackendServiceMetrics(db: Database, organizationId: string, out: (line: string) => void): Promise<void> {
  const { backendServiceSeries } = await import("@cloudsync/cloud/gcp");
  const rows = await queryRows<{ region: string; configuration: Record<string, unknown>; metrics: Record<string, number> | null }>(
    db,
    sql`select g.region_code as region,
               jsonb_build_object('loadBalancingScheme', r.configuration -> 'loadBalancingScheme', 'protocol', r.configuration -> 'protocol') as configuration,
               l.metrics
          from cloud_resources r
          join cloud_regions g on g.id = r.region_id
          left join lateral (
            select m.metrics from infrastructure_monitoring m
             where m.resource_id = r.id and m.metrics ? 'requests_per_second'
             order by m.monitoring_timestamp desc limit 1) l on true
         where r.organization_id = ${organizationId}::uuid and r.resource_subtype = 'gcp_backend_service' and r.resource_status = 'running'`,
  );
  type Family = { services: number; sampled: number; sums: Record<string, number>; counts: Record<string, number> };
  const families = new Map<string, Family>();
  for (const row of rows) {
    const series = backendServiceSeries({ regionCode: row.region, fields: metricTargetFieldsOf(row.configuration) });
    const name = series ? familyNames[series] : "network LB (no request series)";
    const family = families.get(name) ?? { services: 0, sampled: 0, sums: {}, counts: {} };
    families.set(name, family);
    family.services += 1;
    if (!row.metrics) continue;
    family.sampled += 1;
    for (const key of ["requests_per_second", "error_rate", "response_time_ms"]) {
      // A key is absent from a period without its series (no request, no error rate).
      if (typeof row.metrics[key] !== "number") continue;
      family.sums[key] = (family.sums[key] ?? 0) + row.metrics[key];
      family.counts[key] = (family.counts[key] ?? 0) + 1;
    }
  }
  const mean = (f: Family, key: string, digits: number) => (f.counts[key] ? ((f.sums[key] ?? 0) / f.counts[key]).toFixed(digits) : "");
  out(
    `GCP backend services per load balancer: request samples from each family's own Cloud Monitoring resource (latest sample, averaged)\n${renderTable(
      ["family", "services", "with samples", "requests/s", "error rate %", "response ms"],
      [...families]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([name, f]) => [name, String(f.services), String(f.sampled), mean(f, "requests_per_second", 1), mean(f, "error_rate", 2), mean(f, "response_time_ms", 0)]),
    )}\n`,
  );
}
