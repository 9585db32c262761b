import { type BackupSource, cloudsWithSource, scopeKey } from "@cloudsync/cloud";
import { queryRows } from "@cloudsync/db";
import { sql } from "drizzle-orm";
import { BackupWriter } from "../write/backups.ts";
import type { BackupRunCounts } from "../write/sync-runs.ts";
import { type SyncDeps, type SyncPayloadBase, type SyncProgress, type SyncSummaryBase, withSyncRun } from "./sync-run.ts";

/** How far back a provider's first backup read goes: AWS keeps backup jobs for 30 days. */
export const firstBackupLookbackDays = 30;
/** Later reads overlap the previous one generously; a re-read job only updates its row. */
export const backupLookbackDays = 2;

export type BackupSyncSummary = SyncSummaryBase<BackupRunCounts>;

/**
 * One provider's backup settings and runs (AWS Backup, Azure Recovery Services, Cloud SQL, …)
 * into `backup_configurations` and `backup_executions`, as a run of its own kind. It used to be a
 * step at the end of every inventory sync; backups change daily, and reading them every 15
 * minutes made an inventory of 30k resources take minutes longer (docs/performance.md). Records
 * link to the inventory by the cloud's resource id: one naming a resource the inventory does not
 * hold yet (the first inventory has not run) is skipped and counted, and the next run takes it.
 * A scope that fails leaves the rows it wrote before and makes the run partial.
 */
export function syncBackups(deps: SyncDeps, payload: SyncPayloadBase, onProgress?: (p: SyncProgress) => void): Promise<BackupSyncSummary> {
  return withSyncRun(deps, "backups", payload, async ({ provider, adapter, log, ledger }) => {
    const source = adapter as typeof adapter & Partial<BackupSource>;
    if (!source.streamBackups) {
      throw new Error(
        `the ${provider.providerName} adapter reads no backup service (backups are read for ${cloudsWithSource.backups.join(", ")}); nothing to sync`,
      );
    }
    const ctx = { organizationId: provider.organizationId, providerId: provider.id };
    const [seen] = await queryRows<{ any: boolean }>(
      deps.db,
      sql`select exists (select 1 from backup_executions e join backup_configurations b on b.id = e.backup_config_id
                           join cloud_resources r on r.id = b.resource_id
                          where r.organization_id = ${ctx.organizationId}::uuid and r.provider_id = ${ctx.providerId}::uuid) as any`,
    );
    const days = seen?.any ? backupLookbackDays : firstBackupLookbackDays;
    const now = deps.clock();
    const since = new Date(now.getTime() - days * 86_400_000);
    const writer = new BackupWriter(deps.db, ctx);
    // The run's clock also dates the schedules' next runs (RDS's window, Compute Engine snapshot schedules).
    for await (const event of source.streamBackups({ since, now })) {
      switch (event.type) {
        case "backup_page":
          ledger.itemsSeen += event.records.length;
          await writer.writePage(event.records, event.scope);
          break;
        case "item_skipped":
          ledger.skipped++;
          log.warn({ scope: scopeKey(event.scope), itemId: event.itemId, reason: event.reason }, "backup item skipped");
          break;
        case "scope_completed":
          ledger.completed(event.scope, event.resourceCount);
          // A completely read scope tells which of its stored snapshots are gone.
          writer.scopeCompleted(event.scope);
          break;
        case "scope_failed":
          ledger.failed(event.scope, event.error);
          log.warn({ scope: scopeKey(event.scope), err: event.error.message }, "backup scope failed; its rows were left as they were");
          break;
      }
      onProgress?.(ledger.progress());
    }
    await writer.finish();
    const counts = writer.counts;
    // Records the writer could not place are skipped items of this run, as a reader would count them.
    ledger.skipped += counts.unknownResource;
    log.info({ ...counts }, "backups read");
    // A backup service that refuses says nothing about the provider's inventory: health stays as the last inventory left it.
    return { counts: { kind: "backups", configurationsWritten: counts.configurations, executionsWritten: counts.executions }, providerHealth: "unknown" };
  });
}
