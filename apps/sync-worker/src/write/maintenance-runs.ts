import { type DbOrTx, type MaintenanceRunStatus, type SyncTrigger, maintenanceRuns } from "@cloudsync/db";
import { eq } from "drizzle-orm";

/** What one maintenance pass did to one organization's derived data. */
export interface MaintenanceCounts {
  utilizationRowsRefreshed: number;
  recommendationsOpened: number;
  recommendationsUpdated: number;
  recommendationsExpired: number;
  staleSyncRunsClosed: number;
}

/** The only writer of `maintenance_runs`: one row per organization per maintenance pass. */
export async function startMaintenanceRun(
  db: DbOrTx,
  params: { organizationId: string; trigger: SyncTrigger; jobId?: string | undefined; startedAt: Date },
): Promise<string> {
  const [run] = await db
    .insert(maintenanceRuns)
    .values({
      organizationId: params.organizationId,
      trigger: params.trigger,
      jobId: params.jobId ?? null,
      startedAt: params.startedAt,
      status: "running",
    })
    .returning({ id: maintenanceRuns.id });
  return run!.id;
}

export async function finishMaintenanceRun(
  db: DbOrTx,
  runId: string,
  outcome: { status: MaintenanceRunStatus; counts?: MaintenanceCounts | undefined; error?: string | null; finishedAt: Date },
): Promise<void> {
  await db
    .update(maintenanceRuns)
    .set({ status: outcome.status, finishedAt: outcome.finishedAt, ...(outcome.counts ?? {}), error: outcome.error ?? null })
    .where(eq(maintenanceRuns.id, runId));
}
