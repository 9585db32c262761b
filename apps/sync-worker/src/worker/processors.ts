import { type Job, WaitingChildrenError } from "bullmq";
import { syncBackups } from "../jobs/sync-backups.ts";
import { syncCosts } from "../jobs/sync-costs.ts";
import { syncDeployments } from "../jobs/sync-deployments.ts";
import { syncMetrics } from "../jobs/sync-metrics.ts";
import {
  type HandOff,
  type ResourceSyncSummary,
  type ShardOutcome,
  type SyncDeps,
  type SyncProgress,
  syncResourceShard,
  syncResources,
} from "../jobs/sync-resources.ts";
import { RunHandedOff } from "../jobs/sync-run.ts";
import type { Payload } from "../queues/index.ts";
import { continuationField } from "../queues/payloads.ts";
import type { JobContext } from "./start-worker.ts";

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

export interface ResourceFanOut {
  /**
   * A provider with more accounts (configured and discovered) than this has its inventory split
   * into shard jobs of this many accounts, which any worker process takes; 0 never splits.
   */
  accountsPerShard: number;
  /**
   * The resource job slots that run the shards (worker processes × resource concurrency); the
   * shard count is rounded up to a multiple of it so every wave of shards is full
   * (jobs/shard-plan.ts). Absent: shards of `accountsPerShard`, however many.
   */
  jobSlots?: number;
}

/**
 * `syncResources` as the resources queue's processor. With `fanOut`, a provider of many accounts
 * is read by many jobs (and so processes) at once, in three steps of BullMQ's parent/children:
 *
 * 1. the provider's job starts the run and discovers, then adds one child job per shard of
 *    accounts (ids `<job>-shard-<n>`, so a retried step adds none twice), keeps the hand-off in
 *    its data, and waits for its children (the run stays `running`);
 * 2. each shard job reads its accounts under the parent's run (own lease: provider + shard) and
 *    returns its scopes and counts; one that fails for good is set aside, not failing the parent
 *    (`ignoreDependencyOnFailure`);
 * 3. once every shard ended, the provider's job runs again: the shards' outcomes become the
 *    run's (a failed shard's accounts are failed scopes: the run is partial), the dependency
 *    reconcile runs once, and the run is finished.
 */
export function resourceSyncProcessor(
  deps: SyncDeps,
  observer?: SyncObserver,
  fanOut?: ResourceFanOut,
): (payload: Payload<"resources">, job: Job, context?: JobContext) => Promise<unknown> {
  const whole = syncProcessor(syncResources, deps, "cloud_resources", observer);
  return async (payload, job, context) => {
    if (payload.shard) {
      const { index: _index, ...shard } = payload.shard;
      return syncResourceShard(deps, { providerId: payload.providerId, kinds: payload.kinds, ...shard }, progressOf(job));
    }
    if (!fanOut || fanOut.accountsPerShard <= 0 || !context) return whole(payload, job);
    const run = { ...payload, ...(job.id ? { jobId: job.id } : {}) };
    const gather = async (handedOff: HandOff): Promise<ResourceSyncSummary> => {
      // Children still pending (a crash came between adding them and waiting): wait again.
      if (context.token && (await job.moveToWaitingChildren(context.token))) throw new WaitingChildrenError();
      const outcomes = await shardOutcomes(job);
      return syncResources(deps, run, progressOf(job), {
        step: "gather",
        resume: { runId: handedOff.runId, startedAt: new Date(handedOff.startedAt) },
        handedOff,
        outcomes,
      });
    };
    const earlier = (job.data as Record<string, unknown>)[continuationField] as HandOff | undefined;
    let summary: ResourceSyncSummary;
    if (earlier) summary = await gather(earlier);
    else {
      let handedOff: HandOff | undefined;
      try {
        summary = await syncResources(deps, run, progressOf(job), {
          step: "fan_out",
          accountsPerShard: fanOut.accountsPerShard,
          jobSlots: fanOut.jobSlots,
          handOff: async (h) => {
            handedOff = h;
            // Kept before the children exist, so a retried step knows its run and shards.
            await job.updateData({ ...job.data, [continuationField]: h });
            const base = (job.id ?? "job").replaceAll(":", "_");
            await context.addChildren(
              h.shards.map((accounts, index) => ({
                name: "resources",
                jobId: `${base}-shard-${index}`,
                data: { providerId: payload.providerId, trigger: payload.trigger, kinds: payload.kinds, shard: { index, accounts, parentRunId: h.runId } },
              })),
            );
          },
        });
      } catch (error) {
        if (!(error instanceof RunHandedOff) || !handedOff) throw error;
        summary = await gather(handedOff);
      }
    }
    observer?.recordSync(summary, "cloud_resources");
    return { ...summary, errors: summary.errors.slice(0, 20) };
  };
}

/** Each shard's outcome by shard number: what it returned, or why it failed for good. */
async function shardOutcomes(job: Job): Promise<Map<number, ShardOutcome | { failed: string }>> {
  const outcomes = new Map<number, ShardOutcome | { failed: string }>();
  const indexOf = (key: string) => Number(/-shard-(\d+)$/.exec(key)?.[1] ?? Number.NaN);
  for (const [key, value] of Object.entries(await job.getChildrenValues<ShardOutcome>())) {
    if (Number.isInteger(indexOf(key))) outcomes.set(indexOf(key), value);
  }
  for (const [key, reason] of Object.entries(await job.getIgnoredChildrenFailures())) {
    if (Number.isInteger(indexOf(key))) outcomes.set(indexOf(key), { failed: reason || "the shard job failed" });
  }
  return outcomes;
}

/** Progress to the job once per finished scope, not per page, to spare Redis. */
function progressOf(job: Job): (progress: SyncProgress) => void {
  let reported = -1;
  return (progress) => {
    const scopes = progress.scopesDone + progress.scopesFailed;
    if (scopes === reported) return;
    reported = scopes;
    job.updateProgress({ ...progress }).catch(() => undefined);
  };
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
