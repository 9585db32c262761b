import type { CloudName, RegionInfo, ScopeRef } from "@cloudsync/cloud";
import { CloudError, scopeKey } from "@cloudsync/cloud";
import { configuredAccounts } from "../providers/credentials.ts";
import { recordDiscovery } from "../write/discovered-accounts.ts";
import { RegionRegistry } from "../write/regions.ts";
import { reconcileDependencies } from "../write/dependencies.ts";
import { ResourceWriter } from "../write/resources.ts";
import { recordServices } from "../write/services.ts";
import { type SyncDeps, type SyncPayloadBase, type SyncProgress, type SyncRunContext, type SyncSummaryBase, withSyncRun } from "./sync-run.ts";
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
    const departed = await discoverAccounts(deps, { provider, runId, adapter, log, ledger });
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
    await recordServices(deps.db, { organizationId: provider.organizationId, providerId: provider.id }, writer.kindsSeen);
    const { inserted, updated, unchanged, terminated } = writer.counts;
    // Once per run, after every page: a claim may name a resource of a later page or scope.
    // A run that wrote nothing changed no claim and no end of an edge, so it skips the work.
    if (inserted + updated + terminated + departed > 0) {
      const edges = await reconcileDependencies(deps.db, context);
      log.info({ ...edges }, "resource dependencies brought in step");
    }
    return { counts: { kind: "resources", inserted, updated, unchanged, terminated: terminated + departed } };
  });
}

/**
 * The discovery step of a provider that names an organization root: the members found become
 * the adapter's scopes and are recorded in `discovered_accounts`; members that left have their
 * resources terminated. It is a scope of its own in the run (`<cloud>:<root>:global:accounts`),
 * so a failed discovery makes the run partial and says why, while the configured accounts are
 * still read and nothing is terminated. Returns the resources terminated because their account left.
 */
async function discoverAccounts(deps: SyncDeps, { provider, runId, adapter, log, ledger }: SyncRunContext): Promise<number> {
  if (!adapter.discoverAccounts) return 0;
  const scope = (root: string): ScopeRef => ({ cloud: provider.providerName as CloudName, account: root, region: "global", kind: "accounts" });
  let discovery: Awaited<ReturnType<NonNullable<typeof adapter.discoverAccounts>>>;
  try {
    discovery = await adapter.discoverAccounts();
  } catch (error) {
    // Only the cloud's refusal is the discovery's failure; anything else is a bug and fails the run.
    if (!(error instanceof CloudError)) throw error;
    ledger.failed(scope("organization"), error);
    log.warn({ err: error.message }, "organization discovery failed; reading the configured accounts only, terminating nothing");
    return 0;
  }
  if (!discovery) return 0;
  const outcome = await recordDiscovery(
    deps.db,
    { organizationId: provider.organizationId, providerId: provider.id, syncRunId: runId },
    discovery,
    { keep: new Set(configuredAccounts(provider.credentials)), now: deps.clock() },
  );
  ledger.completed(scope(discovery.root), discovery.accounts.length);
  const inState = (state: string) => discovery.accounts.filter((a) => a.state === state).length;
  log.info(
    {
      root: discovery.root,
      active: inState("active"),
      suspended: inState("suspended"),
      excluded: inState("excluded"),
      joined: outcome.joined.length,
      left: outcome.left,
      terminated: outcome.terminated,
    },
    "organization discovered",
  );
  return outcome.terminated;
}
