import { type DbOrTx, type ScopeOutcome, type SyncKind, type SyncRunStatus, type SyncTrigger, syncRuns } from "@cloudsync/db";
import { eq } from "drizzle-orm";

export interface SyncRunCounts {
  inserted: number;
  updated: number;
  unchanged: number;
  terminated: number;
  skipped: number;
}

export async function startSyncRun(
  db: DbOrTx,
  params: { organizationId: string; providerId: string; kind: SyncKind; trigger: SyncTrigger; jobId?: string | undefined; startedAt: Date },
): Promise<string> {
  const [run] = await db
    .insert(syncRuns)
    .values({
      organizationId: params.organizationId,
      providerId: params.providerId,
      kind: params.kind,
      trigger: params.trigger,
      jobId: params.jobId ?? null,
      startedAt: params.startedAt,
      status: "running",
    })
    .returning({ id: syncRuns.id });
  return run!.id;
}

export async function finishSyncRun(
  db: DbOrTx,
  runId: string,
  outcome: { status: SyncRunStatus; counts: SyncRunCounts; scopes: ScopeOutcome[]; error?: string | null; finishedAt: Date },
): Promise<void> {
  await db
    .update(syncRuns)
    .set({
      status: outcome.status,
      finishedAt: outcome.finishedAt,
      insertedCount: outcome.counts.inserted,
      updatedCount: outcome.counts.updated,
      unchangedCount: outcome.counts.unchanged,
      terminatedCount: outcome.counts.terminated,
      skippedCount: outcome.counts.skipped,
      scopes: outcome.scopes,
      error: outcome.error ?? null,
    })
    .where(eq(syncRuns.id, runId));
}

/** A run is partial when some scopes failed and others completed; failed when none completed. */
export function runStatus(scopes: readonly ScopeOutcome[]): SyncRunStatus {
  const failed = scopes.filter((s) => s.status === "failed").length;
  if (failed === 0) return "succeeded";
  return failed === scopes.length ? "failed" : "partial";
}
