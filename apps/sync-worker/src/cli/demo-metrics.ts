import { type Database, queryRows } from "@cloudsync/db";
import { sql } from "drizzle-orm";
import { renderTable } from "./output.ts";

/**
 * The demo's metrics section: per cloud and resource category (`resource_type`), how many
 * resources have samples, how many samples, and which metric keys they carry, read from
 * `cloud_resources.performance_metrics` and the stored samples. Shows that databases, disks,
 * load balancers, CDNs, functions and buckets report, not only VMs.
 */
export async function printMetricsByCategory(db: Database, organizationId: string, out: (line: string) => void): Promise<void> {
  const rows = await queryRows<{ provider: string; resource_type: string; resources: number; sampled: number; samples: number; keys: string | null }>(
    db,
    sql`with sampled as (
          select m.resource_id, count(*)::int as samples
            from infrastructure_monitoring m
           where m.organization_id = ${organizationId}::uuid
           group by m.resource_id)
        select p.provider_name as provider, r.resource_type,
               count(*)::int as resources,
               count(s.resource_id)::int as sampled,
               coalesce(sum(s.samples), 0)::int as samples,
               (select string_agg(distinct k, ', ' order by k)
                  from cloud_resources r2 cross join lateral jsonb_object_keys(coalesce(r2.performance_metrics->'metrics', '{}'::jsonb)) k
                 where r2.organization_id = ${organizationId}::uuid and r2.provider_id = p.id and r2.resource_type = r.resource_type) as keys
          from cloud_resources r
          join cloud_providers p on p.id = r.provider_id
          left join sampled s on s.resource_id = r.id
         where r.organization_id = ${organizationId}::uuid and r.resource_status <> 'terminated'
         group by p.id, p.provider_name, r.resource_type
         order by p.provider_name, r.resource_type`,
  );
  out(
    `Metrics by category (infrastructure_monitoring, cloud_resources.performance_metrics)\n${renderTable(
      ["provider", "type", "resources", "with samples", "samples", "keys"],
      rows.map((r) => [r.provider, r.resource_type, r.resources, r.sampled, r.samples, r.keys ?? ""]),
    )}\n`,
  );
}
