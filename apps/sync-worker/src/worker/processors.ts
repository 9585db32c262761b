import type { Job } from "bullmq";
import { syncBackups } from "../jobs/sync-backups.ts";
import { syncCosts } from "../jobs/sync-costs.ts";
import { syncDeployments } from "../jobs/sync-deployments.ts";
import { syncMetrics } from "../jobs/sync-metrics.ts";
import { type SyncDeps, type SyncProgress, syncResources } from "../jobs/sync-resources.ts";
import type { Payload } from "../queues/index.ts";

/** The part of a sync's summary that metrics read. */
export interface SyncOutcome {
  /** The provider's cloud (`aws`, `azure`, `gcp`). */
  providerName: string;
  kind: string;
  /** `succeeded`, `partial` or `failed` (every scope failed). */
  status: string;
  inserted: number;
  unchanged: number;
  updated: number;
  terminated: number;
  scopesFailed: number;
  errors: string[];
}

export interface SyncObserver {
  /** Counts what a sync wrote to `table` and the cloud reads that failed. */
  recordSync(summary: SyncOutcome, table: string): void;
}

type Sync<P, S> = (deps: SyncDeps, payload: P & { jobId?: string }, onProgress?: (progress: SyncProgress) => void) => Promise<S>;

/**
 * A sync function as a queue processor: the job id goes into `sync_runs.job_id`, progress goes
 * to the job (once per finished scope, not per page, to spare Redis), and the summary is stored
 * with the completed job, so its error list is capped.
 */
export function syncProcessor<P extends object, S extends SyncOutcome>(sync: Sync<P, S>, deps: SyncDeps, table: string, observer?: SyncObserver) {
  return async (payload: P, job: Job): Promise<S> => {
    let reported = -1;
    const summary = await sync(deps, { ...payload, ...(job.id ? { jobId: job.id } : {}) }, (progress) => {
      const scopes = progress.scopesDone + progress.scopesFailed;
      if (scopes === reported) return;
      reported = scopes;
      job.updateProgress({ ...progress }).catch(() => undefined);
    });
    observer?.recordSync(summary, table);
    return { ...summary, errors: summary.errors.slice(0, 20) };
  };
}

/** `syncResources` as the resources queue's processor. */
export function resourceSyncProcessor(deps: SyncDeps, observer?: SyncObserver): (payload: Payload<"resources">, job: Job) => Promise<unknown> {
  return syncProcessor(syncResources, deps, "cloud_resources", observer);
}

/** `syncCosts` as the costs queue's processor. */
export function costSyncProcessor(deps: SyncDeps, observer?: SyncObserver): (payload: Payload<"costs">, job: Job) => Promise<unknown> {
  return syncProcessor(syncCosts, deps, "cloud_costs", observer);
}

/** `syncMetrics` as the metrics queue's processor. */
export function metricSyncProcessor(deps: SyncDeps, observer?: SyncObserver): (payload: Payload<"metrics">, job: Job) => Promise<unknown> {
  return syncProcessor(syncMetrics, deps, "infrastructure_monitoring", observer);
}

/** `syncBackups` as the backups queue's processor. */
export function backupSyncProcessor(deps: SyncDeps, observer?: SyncObserver): (payload: Payload<"backups">, job: Job) => Promise<unknown> {
  return syncProcessor(syncBackups, deps, "backup_executions", observer);
}

/** `syncDeployments` as the deployments queue's processor. */
export function deploymentSyncProcessor(deps: SyncDeps, observer?: SyncObserver): (payload: Payload<"deployments">, job: Job) => Promise<unknown> {
  return syncProcessor(syncDeployments, deps, "infrastructure_deployments", observer);
}
