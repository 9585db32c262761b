import type { RegionInfo } from "@cloudsync/cloud";
import { scopeKey } from "@cloudsync/cloud";
import { RegionRegistry } from "../write/regions.ts";
import { reconcileDependencies } from "../write/dependencies.ts";
import { ResourceWriter } from "../write/resources.ts";
import { recordServices } from "../write/services.ts";
import { type SyncDeps, type SyncPayloadBase, type SyncProgress, type SyncSummaryBase, withSyncRun } from "./sync-run.ts";
import type { ResourceRunCounts } from "../write/sync-runs.ts";

export type { SyncDeps, SyncProgress } from "./sync-run.ts";

export interface ResourceSyncPayload extends SyncPayloadBase {
  /** Only these kinds (default all). */
  kinds?: string[];
}

export type ResourceSyncSummary = SyncSummaryBase<ResourceRunCounts>;

/**
 * One provider's inventory into `cloud_resources`: stream every scope, write what changed,
 * terminate what vanished from scopes read completely, and record the run. A scope that failed
 * changes nothing and makes the run `partial`.
 */
export function syncResources(deps: SyncDeps, payload: ResourceSyncPayload, onProgress?: (p: SyncProgress) => void): Promise<ResourceSyncSummary> {
  return withSyncRun(deps, "resources", payload, async ({ provider, runId, adapter, log, ledger }) => {
    let catalog: RegionInfo[] = [];
    try {
      catalog = await adapter.listRegions();
    } catch (error) {
      // Regions only add geography; the inventory itself tells which regions exist.
      log.warn({ err: error instanceof Error ? error.message : String(error) }, "could not list regions; continuing with the inventory");
    }
    const regions = new RegionRegistry(deps.db, { organizationId: provider.organizationId, providerId: provider.id }, catalog);
    const context = { organizationId: provider.organizationId, providerId: provider.id, createdBy: provider.createdBy, syncRunId: runId };
    const writer = new ResourceWriter(
      deps.db,
      regions,
      context,
      {
        onTerminated: (scope, terminated) =>
          log.info({ scope: scopeKey(scope), terminated }, "resources gone from the cloud marked terminated"),
      },
    );
    for await (const event of adapter.streamResources(payload.kinds ? { kinds: payload.kinds } : {})) {
      switch (event.type) {
        case "page":
          ledger.itemsSeen += event.resources.length;
          await writer.writePage(event.scope, event.resources);
          break;
        case "item_skipped":
          ledger.skipped++;
          writer.itemSkipped(event.scope, event.itemId);
          log.warn({ scope: scopeKey(event.scope), itemId: event.itemId, reason: event.reason }, "item skipped");
          break;
        case "scope_completed":
          await writer.completeScope(event.scope);
          ledger.completed(event.scope, event.resourceCount);
          break;
        case "scope_failed":
          writer.failScope(event.scope);
          ledger.failed(event.scope, event.error);
          log.warn({ scope: scopeKey(event.scope), err: event.error.message }, "scope failed; its resources were left as they were");
          break;
      }
      onProgress?.(ledger.progress());
    }
    await writer.flush();
    await recordServices(deps.db, provider.id, writer.kindsSeen);
    const { inserted, updated, unchanged, terminated } = writer.counts;
    // Once per run, after every page: a claim may name a resource of a later page or scope.
    // A run that wrote nothing changed no claim and no end of an edge, so it skips the work.
    if (inserted + updated + terminated > 0) {
      const edges = await reconcileDependencies(deps.db, context);
      log.info({ ...edges }, "resource dependencies brought in step");
    }
    return { counts: { kind: "resources", inserted, updated, unchanged, terminated } };
  });
}
