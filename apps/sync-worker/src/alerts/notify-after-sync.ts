import type { Logger } from "../logger.ts";
import type { SyncDeps } from "../jobs/sync-run.ts";

/**
 * Hands what a sync's alert rules raised or resolved to delivery. Never fails the sync: its data
 * is written, and whatever could not be handed over is owed still, which the next sync or the
 * hourly maintenance hands over (docs/alerts.md).
 */
export async function notifyAfterSync(deps: Pick<SyncDeps, "notify">, organizationId: string, log: Logger): Promise<void> {
  if (!deps.notify) return;
  try {
    await deps.notify(organizationId);
  } catch (error) {
    log.warn({ err: error instanceof Error ? error.message : String(error) }, "could not queue alert notifications; maintenance will");
  }
}
