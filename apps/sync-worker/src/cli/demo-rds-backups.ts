import { type Database, queryRows } from "@cloudsync/db";
import { sql } from "drizzle-orm";
import { renderTable } from "./output.ts";

export interface RdsBackupDemoContext {
  db: Database;
  organizationId: string;
  out: (line: string) => void;
}

/**
 * The demo's RDS lines: what the backups sync read from RDS itself (docs/coverage.md, "Backups"
 * → "RDS automated backups and DB snapshots"): DB instances whose automated backups are on or
 * disabled (retention 0), the soonest next backup window, and the DB snapshots by kind, the
 * deleted ones apart. Reads only.
 */
export async function showRdsBackups(ctx: RdsBackupDemoContext): Promise<void> {
  const { db, organizationId, out } = ctx;
  const [c] = await queryRows<{ on: number; off: number; next: string | null }>(
    db,
    sql`select count(*) filter (where backup_status in ('active', 'failed'))::int as "on",
               count(*) filter (where backup_status = 'disabled')::int as off,
               min(next_backup_at)::text as next
          from backup_configurations
         where organization_id = ${organizationId}::uuid and source_id like 'aws:rds-automated/%'`,
  );
  const snapshots = await queryRows<{ kind: string; listed: number; failed: number; gone: number }>(
    db,
    sql`select coalesce(performance_metrics ->> 'snapshot_type', '?') as kind,
               count(*) filter (where not (performance_metrics ? 'deleted_at'))::int as listed,
               count(*) filter (where execution_status = 'failed')::int as failed,
               count(*) filter (where performance_metrics ? 'deleted_at')::int as gone
          from backup_executions
         where organization_id = ${organizationId}::uuid and performance_metrics ->> 'snapshot' = 'rds'
         group by 1 order by 1`,
  );
  out(
    `RDS's own backups: ${c?.on ?? 0} DB instance(s) with automated backups, ${c?.off ?? 0} with them disabled (retention 0); next window ${c?.next ?? "none"}\n${renderTable(
      ["DB snapshots", "listed", "failed", "deleted since"],
      snapshots.map((r) => [r.kind, r.listed, r.failed, r.gone]),
    )}\n`,
  );
}
