import { type DbOrTx, type NewSyncRun, type ScopeOutcome, type SyncKind, type SyncRunStatus, type SyncTrigger, queryRows, syncRuns } from "@cloudsync/db";
import { eq, sql } from "drizzle-orm";

/**
 * The only writer of `sync_runs`: other teams read its columns literally, so what each kind
 * counts, and in which columns, is decided here and nowhere else.
 */

/** A resources sync: rows of `cloud_resources`. */
export interface ResourceRunCounts {
  kind: "resources";
  inserted: number;
  updated: number;
  unchanged: number;
  terminated: number;
}

/** A costs sync: lines of `cloud_costs` for the window it read. */
export interface CostRunCounts {
  kind: "costs";
  costLinesInserted: number;
  costLinesReplaced: number;
}

/** A metrics sync: samples of `infrastructure_monitoring`. */
export interface MetricRunCounts {
  kind: "metrics";
  samplesStored: number;
  samplesAlreadyPresent: number;
}

/** A backups sync: rows of `backup_configurations` and `backup_executions`. */
export interface BackupRunCounts {
  kind: "backups";
  configurationsWritten: number;
  executionsWritten: number;
}

/** A deployments sync: rows of `infrastructure_deployments`, and the inventory rows linked to the deployments read. */
export interface DeploymentRunCounts {
  kind: "deployments";
  deploymentsInserted: number;
  deploymentsUpdated: number;
  resourcesLinked: number;
}

/** What a sync counted, in its kind's own words. */
export type SyncRunCounts = ResourceRunCounts | CostRunCounts | MetricRunCounts | BackupRunCounts | DeploymentRunCounts;

/** The columns a kind's counts go to; the other kinds' columns stay null (a CHECK insists). */
function countColumns(counts: SyncRunCounts): Partial<NewSyncRun> {
  switch (counts.kind) {
    case "resources":
      return {
        insertedCount: counts.inserted,
        updatedCount: counts.updated,
        unchangedCount: counts.unchanged,
        terminatedCount: counts.terminated,
      };
    case "costs":
      return { costLinesInserted: counts.costLinesInserted, costLinesReplaced: counts.costLinesReplaced };
    case "metrics":
      return { samplesStored: counts.samplesStored, samplesAlreadyPresent: counts.samplesAlreadyPresent };
    case "backups":
      return { backupConfigurationsWritten: counts.configurationsWritten, backupExecutionsWritten: counts.executionsWritten };
    case "deployments":
      return {
        deploymentsInserted: counts.deploymentsInserted,
        deploymentsUpdated: counts.deploymentsUpdated,
        deploymentResourcesLinked: counts.resourcesLinked,
      };
  }
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
  outcome: {
    status: SyncRunStatus;
    /** Absent when the run ended before it could count (its counts stay null). */
    counts?: SyncRunCounts | undefined;
    skipped: number;
    scopes: ScopeOutcome[];
    error?: string | null;
    finishedAt: Date;
  },
): Promise<void> {
  await db
    .update(syncRuns)
    .set({
      status: outcome.status,
      finishedAt: outcome.finishedAt,
      ...(outcome.counts ? countColumns(outcome.counts) : {}),
      skippedCount: outcome.skipped,
      scopes: outcome.scopes,
      error: outcome.error ?? null,
    })
    .where(eq(syncRuns.id, runId));
}

/** A run of this very job that is still `running` belonged to a worker that died mid-job. */
export async function failRunsOfRetriedJob(db: DbOrTx, jobId: string): Promise<void> {
  await db.execute(
    sql`update sync_runs set status = 'failed', finished_at = now(), error = 'the worker running this job stopped; the job was retried'
         where job_id = ${jobId} and status = 'running'`,
  );
}

/**
 * Closes as failed the runs stuck in `running` longer than `hours` (their worker died and no
 * retry came), and says how many per organization.
 */
export async function closeStaleSyncRuns(db: DbOrTx, hours: number): Promise<Map<string, number>> {
  const rows = await queryRows<{ organization_id: string; n: number }>(
    db,
    sql`with closed as (
          update sync_runs set status = 'failed', finished_at = now(),
                 error = coalesce(error || E'\n', '') || 'closed by maintenance: the run stopped reporting (its worker died); a later run supersedes it'
           where status = 'running' and started_at < now() - make_interval(hours => ${hours}::int)
          returning organization_id)
        select organization_id::text, count(*)::int as n from closed group by organization_id`,
  );
  return new Map(rows.map((r) => [r.organization_id, r.n]));
}

/** A run is partial when some scopes failed and others completed; failed when none completed. */
export function runStatus(scopes: readonly ScopeOutcome[]): SyncRunStatus {
  const failed = scopes.filter((s) => s.status === "failed").length;
  if (failed === 0) return "succeeded";
  return failed === scopes.length ? "failed" : "partial";
}
