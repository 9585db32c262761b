import { type Database, queryRows } from "@cloudsync/db";
import { sql } from "drizzle-orm";
import { renderTable } from "./output.ts";

export interface SnapshotDemoContext {
  db: Database;
  organizationId: string;
  out: (line: string) => void;
  /** How many of the advices to list (largest savings first). Default 5. */
  top?: number;
}

/**
 * The demo's snapshot section: the snapshots the clouds list, read by the backup syncs into
 * backup executions (docs/coverage.md, "Backups" → EBS snapshots, Compute Engine snapshots), and the storage advice on
 * those past their retention that the recommendation refresh opened (docs/recommendations.md,
 * "Snapshots past their retention"). Reads only; run it after the refresh.
 */
export async function showSnapshots(ctx: SnapshotDemoContext): Promise<void> {
  const { db, organizationId, out } = ctx;
  const perCloud = await queryRows<{ provider: string; listed: number; volumes: number; gone: number; gib: string | null; price: string | null }>(
    db,
    sql`select p.provider_name as provider,
               count(*) filter (where not (e.performance_metrics ? 'deleted_at'))::int as listed,
               count(distinct b.resource_id) filter (where not (e.performance_metrics ? 'deleted_at'))::int as volumes,
               count(*) filter (where e.performance_metrics ? 'deleted_at')::int as gone,
               round(sum(e.backup_size_gb) filter (where not (e.performance_metrics ? 'deleted_at')), 1)::text as gib,
               (select min(c.unit_price)::text from cloud_prices c where c.cloud = p.provider_name and c.product = 'volume' and c.sku = 'snapshot') as price
          from backup_executions e
          join backup_configurations b on b.id = e.backup_config_id
          join cloud_resources r on r.id = b.resource_id
          join cloud_providers p on p.id = r.provider_id
         where e.organization_id = ${organizationId}::uuid and e.performance_metrics ? 'snapshot'
           -- Volume and disk snapshots; RDS's DB snapshots count in the backups section (demo-backups.ts).
           and e.performance_metrics ->> 'snapshot' <> 'rds'
         group by p.provider_name order by 1`,
  );
  out(
    `Snapshots the clouds list (backup_executions of the volume or disk each was taken of)\n${renderTable(
      ["provider", "snapshots", "volumes", "GiB", "deleted since", "cheapest GB-month"],
      perCloud.map((r) => [r.provider, r.listed, r.volumes, r.gib ?? "0", r.gone, r.price ?? "not priced yet: no advice"]),
    )}\n`,
  );
  const advice = await queryRows<{ volume: string; details: string; savings: string; currency: string; age: string; retention: string; source: string }>(
    db,
    sql`select r.resource_id as volume, c.recommendation_details as details, c.estimated_savings ->> 'monthly_savings' as savings,
               c.estimated_savings ->> 'currency' as currency, c.optimization_rules -> 'evidence' ->> 'age_days' as age,
               c.optimization_rules -> 'evidence' ->> 'retention_days' as retention,
               c.optimization_rules -> 'evidence' ->> 'retention_source' as source
          from cost_optimization_recommendations c
          join cloud_resources r on r.id = (c.target_resources ->> 0)::uuid
         where c.organization_id = ${organizationId}::uuid and c.recommendation_status not in ('expired', 'completed')
           and c.optimization_rules -> 'evidence' ->> 'reason' = 'past_retention'
         order by (c.estimated_savings ->> 'monthly_savings')::numeric desc, r.resource_id`,
  );
  const total = advice.reduce((sum, a) => sum + Number(a.savings), 0);
  out(
    `Snapshots past their retention (storage_optimization): ${advice.length}, saving ${total.toFixed(2)} ${advice[0]?.currency ?? ""} a month\n${renderTable(
      ["volume", "age (days)", "retention (days)", "from", "saves a month"],
      advice.slice(0, ctx.top ?? 5).map((a) => [a.volume, a.age, a.retention, a.source, `${Number(a.savings).toFixed(2)} ${a.currency}`]),
    )}\n`,
  );
}
