import { type BackupSource, type CloudAdapter, scopeKey } from "@cloudsync/cloud";
import { queryRows } from "@cloudsync/db";
import { sql } from "drizzle-orm";
import type { Logger } from "../logger.ts";
import { type BackupWriteContext, type BackupWriteCounts, BackupWriter } from "../write/backups.ts";
import type { SyncDeps } from "./sync-run.ts";

/** How far back a provider's first backup read goes: AWS keeps backup jobs for 30 days. */
export const firstBackupLookbackDays = 30;
/** Later reads overlap the previous one generously; a re-read job only updates its row. */
export const backupLookbackDays = 2;

export interface BackupStepSummary extends BackupWriteCounts {
  scopesCompleted: number;
  scopesFailed: number;
}

/**
 * The backup step of a resource sync: the adapter's backup settings and runs, written after the
 * inventory so that every record finds the resource it protects among the rows this run wrote
 * (a job of its own could run before the inventory it links to). Like the status checks of a
 * metric sync it is logged, not counted: a backup scope that fails leaves the rows it wrote
 * before and does not make the inventory partial. Adapters without a backup reader are skipped.
 */
export async function syncBackupsStep(
  deps: Pick<SyncDeps, "db" | "clock">,
  ctx: BackupWriteContext,
  adapter: CloudAdapter & Partial<BackupSource>,
  log: Logger,
): Promise<BackupStepSummary | null> {
  if (!adapter.streamBackups) return null;
  const [seen] = await queryRows<{ any: boolean }>(
    deps.db,
    sql`select exists (select 1 from backup_executions e join backup_configurations b on b.id = e.backup_config_id
                         join cloud_resources r on r.id = b.resource_id
                        where r.organization_id = ${ctx.organizationId}::uuid and r.provider_id = ${ctx.providerId}::uuid) as any`,
  );
  const days = seen?.any ? backupLookbackDays : firstBackupLookbackDays;
  const since = new Date(deps.clock().getTime() - days * 86_400_000);
  const writer = new BackupWriter(deps.db, ctx);
  const summary = { scopesCompleted: 0, scopesFailed: 0 };
  for await (const event of adapter.streamBackups({ since })) {
    switch (event.type) {
      case "backup_page":
        await writer.writePage(event.records, event.scope);
        break;
      case "item_skipped":
        log.warn({ scope: scopeKey(event.scope), itemId: event.itemId, reason: event.reason }, "backup item skipped");
        break;
      case "scope_completed":
        summary.scopesCompleted++;
        writer.scopeCompleted(event.scope);
        break;
      case "scope_failed":
        summary.scopesFailed++;
        log.warn({ scope: scopeKey(event.scope), err: event.error.message }, "backup scope failed; its rows were left as they were");
        break;
    }
  }
  await writer.finish();
  const result = { ...summary, ...writer.counts };
  log.info({ ...result }, "backups read");
  return result;
}
