import { type Database, queryRows } from "@cloudsync/db";
import { sql } from "drizzle-orm";
import { renderTable } from "./output.ts";

/**
 * The kinds judged on the cloud's own word about groups and load balancers, and on EFS burst
 * credits (docs/health-and-costs.md, "The cloud's own status checks" and the lower-is-worse
 * line): Auto Scaling groups by capacity in service, managed instance groups by their running
 * count against target size, backend services by their backends' health checks (their request
 * samples are in demo-backend-metrics.ts), EFS file systems by I/O limit and burst credits.
 */
const kinds = ["autoscaling_group", "gce_instance_group_manager", "gcp_backend_service", "efs_file_system"] as const;

export async function printGroupAndBackendHealth(db: Database, organizationId: string, out: (line: string) => void): Promise<void> {
  const rows = await queryRows<{ kind: string; region: string; total: number; healthy: number; warning: number; critical: number; unknown: number }>(
    db,
    sql`select r.resource_subtype as kind,
               case when g.region_code = 'global' then 'global' else 'regional' end as region,
               count(*)::int as total,
               count(*) filter (where r.health_status = 'healthy')::int as healthy,
               count(*) filter (where r.health_status = 'warning')::int as warning,
               count(*) filter (where r.health_status = 'critical')::int as critical,
               count(*) filter (where r.health_status is null or r.health_status not in ('healthy', 'warning', 'critical'))::int as unknown
          from cloud_resources r join cloud_regions g on g.id = r.region_id
         where r.organization_id = ${organizationId}::uuid and r.resource_status = 'running'
           and r.resource_subtype in (${sql.join(kinds.map((k) => sql`${k}`), sql`, `)})
         group by 1, 2
         order by 1, 2`,
  );
  out(
    `Groups and load balancers, judged on the cloud's own status (capacity in service, backend health) and EFS burst credits\n${renderTable(
      ["kind", "where", "running", "healthy", "warning", "critical", "unknown"],
      rows.map((r) => [r.kind, r.region, String(r.total), String(r.healthy), String(r.warning), String(r.critical), String(r.unknown)]),
    )}\n`,
  );
}
