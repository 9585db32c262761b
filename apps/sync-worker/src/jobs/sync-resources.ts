import { type RegionInfo, scopeKey } from "@cloudsync/cloud";
import { type Database, type ScopeOutcome, type SyncRunStatus, type SyncTrigger, cloudProviders } from "@cloudsync/db";
import { eq } from "drizzle-orm";
import type { Logger } from "../logger.ts";
import type { AdapterSettings, ClosableAdapter } from "../providers/adapters.ts";
import type { ProviderForSync } from "../providers/registry.ts";
import { RegionRegistry } from "../write/regions.ts";
import { ResourceWriter } from "../write/resources.ts";
import { recordServices } from "../write/services.ts";
import { finishSyncRun, runStatus, startSyncRun } from "../write/sync-runs.ts";

/** What a processor needs, passed in, so it runs the same under BullMQ, from the CLI and in tests. */
export interface SyncDeps {
  db: Database;
  /** Loads the provider and opens its credentials for this job only. */
  loadProvider: (providerId: string) => Promise<ProviderForSync>;
  /** Builds the cloud adapter for a provider. */
  adapterFor: (provider: ProviderForSync, settings: AdapterSettings) => ClosableAdapter;
  clock: () => Date;
  logger: Logger;
}

export interface ResourceSyncPayload {
  providerId: string;
  trigger?: SyncTrigger;
  jobId?: string;
  /** Only these kinds (default all). */
  kinds?: string[];
}

export interface SyncProgress {
  scopesDone: number;
  scopesFailed: number;
  resourcesSeen: number;
}

export interface ResourceSyncSummary {
  runId: string;
  providerId: string;
  providerName: string;
  status: SyncRunStatus;
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
 * One provider's inventory into `cloud_resources`: stream every scope, write what changed,
 * terminate what vanished from scopes read completely, and record the run. A scope that failed
 * changes nothing and makes the run `partial`; an error outside any scope fails the run and is
 * rethrown, so the queue retries it.
 */
export async function syncResources(
  deps: SyncDeps,
  payload: ResourceSyncPayload,
  onProgress?: (progress: SyncProgress) => void,
): Promise<ResourceSyncSummary> {
  const started = deps.clock();
  const provider = await deps.loadProvider(payload.providerId);
  const log = deps.logger.child({ providerId: provider.id, provider: provider.providerName, kind: "resources" });
  const runId = await startSyncRun(deps.db, {
    organizationId: provider.organizationId,
    providerId: provider.id,
    kind: "resources",
    trigger: payload.trigger ?? "manual",
    jobId: payload.jobId,
    startedAt: started,
  });
  const scopes: ScopeOutcome[] = [];
  const errors: string[] = [];
  let skipped = 0;
  let resourcesSeen = 0;
  const adapter = deps.adapterFor(provider, {
    regions: provider.regions,
    requestsPerSecond: provider.settings.requestsPerSecond,
    concurrency: provider.settings.concurrency,
    logger: log,
  });
  const ctx = { organizationId: provider.organizationId, providerId: provider.id, createdBy: provider.createdBy, syncRunId: runId };
  let writer: ResourceWriter | undefined;
  try {
    let catalog: RegionInfo[] = [];
    try {
      catalog = await adapter.listRegions();
    } catch (error) {
      // Regions only add geography; the inventory itself tells which regions exist.
      log.warn({ err: message(error) }, "could not list regions; continuing with the inventory");
    }
    const regions = new RegionRegistry(deps.db, provider.id, catalog);
    writer = new ResourceWriter(deps.db, regions, ctx);
    for await (const event of adapter.streamResources(payload.kinds ? { kinds: payload.kinds } : {})) {
      switch (event.type) {
        case "page":
          resourcesSeen += event.resources.length;
          await writer.writePage(event.scope, event.resources);
          break;
        case "item_skipped":
          skipped++;
          log.warn({ scope: scopeKey(event.scope), itemId: event.itemId, reason: event.reason }, "item skipped");
          break;
        case "scope_completed": {
          const terminated = await writer.completeScope(event.scope);
          scopes.push({ scope: scopeKey(event.scope), status: "completed", resources: event.resourceCount });
          if (terminated > 0) log.info({ scope: scopeKey(event.scope), terminated }, "resources gone from the cloud marked terminated");
          break;
        }
        case "scope_failed":
          writer.failScope(event.scope);
          scopes.push({ scope: scopeKey(event.scope), status: "failed", error: event.error.message });
          errors.push(`${scopeKey(event.scope)}: ${event.error.message}`);
          log.warn({ scope: scopeKey(event.scope), err: event.error.message }, "scope failed; its resources were left as they were");
          break;
      }
      onProgress?.({
        scopesDone: scopes.filter((s) => s.status === "completed").length,
        scopesFailed: scopes.filter((s) => s.status === "failed").length,
        resourcesSeen,
      });
    }
    await recordServices(deps.db, provider.id, writer.kindsSeen);
    const written = writer.counts;
    const status = runStatus(scopes);
    const finishedAt = deps.clock();
    const counts = { ...written, skipped };
    await finishSyncRun(deps.db, runId, { status, counts, scopes, error: errors.length ? errors.slice(0, 20).join("\n") : null, finishedAt });
    await deps.db
      .update(cloudProviders)
      .set({
        lastSyncAt: finishedAt,
        lastHealthCheck: finishedAt,
        healthStatus: status === "succeeded" ? "healthy" : status === "partial" ? "degraded" : "critical",
      })
      .where(eq(cloudProviders.id, provider.id));
    const summary: ResourceSyncSummary = {
      runId,
      providerId: provider.id,
      providerName: provider.providerName,
      status,
      inserted: counts.inserted,
      updated: counts.updated,
      unchanged: counts.unchanged,
      terminated: counts.terminated,
      skipped,
      scopesCompleted: scopes.length - errors.length,
      scopesFailed: errors.length,
      durationMs: finishedAt.getTime() - started.getTime(),
      errors,
    };
    log.info({ ...summary, errors: undefined }, "resource sync finished");
    return summary;
  } catch (error) {
    await finishSyncRun(deps.db, runId, {
      status: "failed",
      // What was written before the error stays written (every statement is idempotent), so say so.
      counts: { ...(writer?.counts ?? { inserted: 0, updated: 0, unchanged: 0, terminated: 0 }), skipped },
      scopes,
      error: message(error),
      finishedAt: deps.clock(),
    }).catch((e) => log.error({ err: message(e) }, "could not record the failed run"));
    throw error;
  } finally {
    await adapter.close?.().catch(() => undefined);
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
