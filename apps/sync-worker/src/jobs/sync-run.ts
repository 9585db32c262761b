import { scopeKey, type ScopeRef } from "@cloudsync/cloud";
import { type Database, type ScopeOutcome, type SyncKind, type SyncRunStatus, type SyncTrigger, cloudProviders } from "@cloudsync/db";
import { eq } from "drizzle-orm";
import type { Logger } from "../logger.ts";
import type { AdapterSettings, ClosableAdapter } from "../providers/adapters.ts";
import type { ProviderForSync } from "../providers/registry.ts";
import { type SyncRunCounts, failRunsOfRetriedJob, finishSyncRun, runStatus, startSyncRun } from "../write/sync-runs.ts";

/** What a processor needs, passed in, so it runs the same under BullMQ, from the CLI and in tests. */
export interface SyncDeps {
  db: Database;
  /** Loads the provider and opens its credentials for this job only. */
  loadProvider: (providerId: string) => Promise<ProviderForSync>;
  /** Builds the cloud adapter for a provider (importing that cloud's SDKs on first use). */
  adapterFor: (provider: ProviderForSync, settings: AdapterSettings) => Promise<ClosableAdapter>;
  /**
   * What the shard jobs of a fanned-out inventory get their adapter from, when set: an adapter
   * kept per process and reused by the shards of one provider (providers/adapter-pool.ts),
   * instead of one built per shard. Shards may share one because they read the accounts they
   * are given and nothing the adapter remembers of a run; whole runs always build their own.
   */
  shardAdapterFor?: (provider: ProviderForSync, settings: AdapterSettings) => Promise<ClosableAdapter>;
  clock: () => Date;
  logger: Logger;
  /**
   * Read one scope at a time. The embedded database has a single connection, so a scope's
   * open transaction (costs) must not wait on another's.
   */
  serialScopes?: boolean;
  /**
   * Hands an organization's alerts that owe a notification to delivery (the worker queues
   * them); called after a sync judged alerts. A failure is logged, not fatal: the next sync or
   * the hourly maintenance hands them over again.
   */
  notify?: (organizationId: string) => Promise<number>;
}

export interface SyncPayloadBase {
  providerId: string;
  trigger?: SyncTrigger;
  jobId?: string;
}

export interface SyncProgress {
  scopesDone: number;
  scopesFailed: number;
  /** Resources, cost lines or samples seen so far. */
  itemsSeen: number;
}

export class ProviderInactiveError extends Error {
  override name = "ProviderInactiveError";
}

/** The scope bookkeeping every kind of sync shares. */
export class ScopeLedger {
  readonly scopes: ScopeOutcome[] = [];
  readonly errors: string[] = [];
  skipped = 0;
  itemsSeen = 0;

  completed(scope: ScopeRef, count: number): void {
    this.scopes.push({ scope: scopeKey(scope), status: "completed", resources: count });
  }
  failed(scope: ScopeRef, error: Error): void {
    this.scopes.push({ scope: scopeKey(scope), status: "failed", error: error.message });
    this.errors.push(`${scopeKey(scope)}: ${error.message}`);
  }
  progress(): SyncProgress {
    const failed = this.errors.length;
    return { scopesDone: this.scopes.length - failed, scopesFailed: failed, itemsSeen: this.itemsSeen };
  }
}

/**
 * Thrown by a run's body that handed the rest of its work to other jobs (the shards of a
 * fanned-out inventory): the run stays `running`, neither finished nor failed, and is finished
 * later by the same job resumed with `resume` (see sync-resources-fanout.ts).
 */
export class RunHandedOff extends Error {
  override name = "RunHandedOff";
}

/** A run started by an earlier step of the same job, to be finished now. */
export interface ResumedRun {
  runId: string;
  startedAt: Date;
}

export interface SyncRunContext {
  provider: ProviderForSync;
  runId: string;
  /** When the run started (an earlier step's start, for a resumed run). */
  startedAt?: Date;
  adapter: ClosableAdapter;
  log: Logger;
  ledger: ScopeLedger;
}

export interface SyncSummaryBase<C extends SyncRunCounts = SyncRunCounts> {
  runId: string;
  providerId: string;
  providerName: string;
  kind: SyncKind;
  status: SyncRunStatus;
  /** What the run counted, in its kind's own words, as `sync_runs` records it. */
  counts: C;
  /** The same as rows of the kind's table, for the CLI's table and the rows-written metric. */
  inserted: number;
  updated: number;
  unchanged: number;
  terminated: number;
  skipped: number;
  scopesCompleted: number;
  scopesFailed: number;
  durationMs: number;
  errors: string[];
}

/**
 * Runs one sync of one provider inside a `sync_runs` record: opens the provider and its
 * adapter, lets `body` consume the stream, then records counts, scope outcomes and status and
 * updates the provider's `last_sync_at`. An error outside any scope marks the run failed and is
 * rethrown, so a queue retries it.
 */
export async function withSyncRun<C extends SyncRunCounts>(
  deps: SyncDeps,
  kind: C["kind"],
  payload: SyncPayloadBase,
  body: (ctx: SyncRunContext) => Promise<{ counts: C; providerHealth?: "healthy" | "degraded" | "critical" | "unknown" }>,
  resume?: ResumedRun,
): Promise<SyncSummaryBase<C>> {
  const started = resume?.startedAt ?? deps.clock();
  const provider = await deps.loadProvider(payload.providerId);
  if (!provider.isActive) throw new ProviderInactiveError(`provider ${provider.id} is inactive; activate it to sync it again`);
  const log = deps.logger.child({ providerId: provider.id, provider: provider.providerName, kind });
  // A resumed job's run is its own, still running: not one a crashed attempt left behind.
  if (payload.jobId && !resume) await failRunsOfRetriedJob(deps.db, payload.jobId);
  const runId =
    resume?.runId ??
    (await startSyncRun(deps.db, {
      organizationId: provider.organizationId,
      providerId: provider.id,
      kind,
      trigger: payload.trigger ?? "manual",
      jobId: payload.jobId,
      startedAt: started,
    }));
  const ledger = new ScopeLedger();
  let adapter: ClosableAdapter | undefined;
  try {
    // Inside the try: an adapter that cannot be built (a bad configuration, an SDK that fails
    // to load) fails the run it belongs to instead of leaving it `running`.
    adapter = await deps.adapterFor(provider, {
      regions: provider.regions,
      requestsPerSecond: provider.settings.requestsPerSecond,
      concurrency: deps.serialScopes ? 1 : provider.settings.concurrency,
      logger: log,
    });
    const { counts, providerHealth } = await body({ provider, runId, startedAt: started, adapter, log, ledger });
    const status = runStatus(ledger.scopes);
    const finishedAt = deps.clock();
    await finishSyncRun(deps.db, runId, {
      status,
      counts,
      skipped: ledger.skipped,
      scopes: ledger.scopes,
      error: ledger.errors.length ? ledger.errors.slice(0, 20).join("\n") : null,
      finishedAt,
    });
    const health = providerHealth ?? (status === "succeeded" ? "healthy" : status === "partial" ? "degraded" : "critical");
    await deps.db
      .update(cloudProviders)
      .set({ lastSyncAt: finishedAt, lastHealthCheck: finishedAt, ...(health !== "unknown" ? { healthStatus: health } : {}) })
      .where(eq(cloudProviders.id, provider.id));
    const summary: SyncSummaryBase<C> = {
      runId,
      providerId: provider.id,
      providerName: provider.providerName,
      kind,
      status,
      counts,
      ...tableRows(counts),
      skipped: ledger.skipped,
      scopesCompleted: ledger.scopes.length - ledger.errors.length,
      scopesFailed: ledger.errors.length,
      durationMs: finishedAt.getTime() - started.getTime(),
      errors: ledger.errors,
    };
    log.info({ ...summary, errors: undefined }, `${kind} sync finished`);
    return summary;
  } catch (error) {
    if (error instanceof RunHandedOff) throw error;
    await finishSyncRun(deps.db, runId, {
      status: "failed",
      skipped: ledger.skipped,
      scopes: ledger.scopes,
      error: error instanceof Error ? error.message : String(error),
      finishedAt: deps.clock(),
    }).catch((e) => log.error({ err: String(e) }, "could not record the failed run"));
    throw error;
  } finally {
    await adapter?.close?.().catch(() => undefined);
  }
}

/**
 * A run's counts as rows of its kind's table: cost lines written are inserted rows and the lines
 * they replaced terminated ones; samples stored are inserted rows and those already present
 * unchanged ones; backup rows written and new deployments are inserted rows, deployments brought up
 * to date updated ones. Only for the CLI's table and the rows-written metric, never for `sync_runs`.
 */
function tableRows(counts: SyncRunCounts): { inserted: number; updated: number; unchanged: number; terminated: number } {
  switch (counts.kind) {
    case "resources":
      return { inserted: counts.inserted, updated: counts.updated, unchanged: counts.unchanged, terminated: counts.terminated };
    case "costs":
      return { inserted: counts.costLinesInserted, updated: 0, unchanged: 0, terminated: counts.costLinesReplaced };
    case "metrics":
      return { inserted: counts.samplesStored, updated: 0, unchanged: counts.samplesAlreadyPresent, terminated: 0 };
    case "backups":
      return { inserted: counts.configurationsWritten + counts.executionsWritten, updated: 0, unchanged: 0, terminated: 0 };
    case "deployments":
      return { inserted: counts.deploymentsInserted, updated: counts.deploymentsUpdated, unchanged: 0, terminated: 0 };
  }
}
