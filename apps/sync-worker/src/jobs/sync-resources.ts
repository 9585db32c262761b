import type { CloudName, RegionInfo, ScopeRef } from "@cloudsync/cloud";
import { CloudError, scopeKey } from "@cloudsync/cloud";
import { configuredAccounts } from "../providers/credentials.ts";
import { recordDiscovery } from "../write/discovered-accounts.ts";
import { RegionRegistry } from "../write/regions.ts";
import { reconcileDependencies } from "../write/dependencies.ts";
import { ResourceWriter } from "../write/resources.ts";
import { recordServices } from "../write/services.ts";
import { planShards } from "./shard-plan.ts";
import type { ScopeOutcome } from "@cloudsync/db";
import {
  ProviderInactiveError,
  type ResumedRun,
  RunHandedOff,
  ScopeLedger,
  type SyncDeps,
  type SyncPayloadBase,
  type SyncProgress,
  type SyncRunContext,
  type SyncSummaryBase,
  withSyncRun,
} from "./sync-run.ts";
import type { ResourceRunCounts } from "../write/sync-runs.ts";

export type { SyncDeps, SyncProgress } from "./sync-run.ts";

export interface ResourceSyncPayload extends SyncPayloadBase {
  /** Only these kinds (default all). */
  kinds?: string[];
}

export type ResourceSyncSummary = SyncSummaryBase<ResourceRunCounts>;

/**
 * How much of a provider's inventory this call does:
 * - `whole` (default): discovery, every scope, and the dependency reconcile, here;
 * - `fan_out`: discovery here; a provider with more than `accountsPerShard` accounts then hands
 *   its accounts, in shards sized to `jobSlots` (shard-plan.ts), to `handOff` (other jobs read
 *   them) and the run stays `running`
 *   (RunHandedOff is thrown). One with fewer is read whole, here, exactly as `whole`;
 * - `gather`: the same run, resumed once every shard ended: their outcomes become the run's,
 *   and the once-per-sync steps (the dependency reconcile) run.
 */
export type ResourceSyncStep =
  | { step: "whole" }
  | { step: "fan_out"; accountsPerShard: number; jobSlots?: number | undefined; handOff: (handOff: HandOff) => Promise<void> }
  | { step: "gather"; resume: ResumedRun; handedOff: HandOff; outcomes: ReadonlyMap<number, ShardOutcome | { failed: string }> };

/** What the first step passes to the last: the shards, and what discovery already did. */
export interface HandOff {
  runId: string;
  startedAt: string;
  /** Each shard's accounts, by shard number. */
  shards: string[][];
  /** The discovery scope's outcome (a scope of the run, like any other). */
  discoveryScopes: ScopeOutcome[];
  /** Resources terminated because their account left the organization. */
  departed: number;
}

/** What one shard read and wrote, handed back to the run it belongs to. */
export interface ShardOutcome {
  accounts: string[];
  scopes: ScopeOutcome[];
  errors: string[];
  skipped: number;
  itemsSeen: number;
  inserted: number;
  updated: number;
  unchanged: number;
  terminated: number;
}

/**
 * One provider's inventory into `cloud_resources`: stream every scope, write what changed,
 * terminate what vanished from scopes read completely, and record the run. A scope that failed
 * changes nothing and makes the run `partial`. See ResourceSyncStep for the fanned-out form.
 */
export function syncResources(
  deps: SyncDeps,
  payload: ResourceSyncPayload,
  onProgress?: (p: SyncProgress) => void,
  step: ResourceSyncStep = { step: "whole" },
): Promise<ResourceSyncSummary> {
  const resume = step.step === "gather" ? step.resume : undefined;
  return withSyncRun(deps, "resources", payload, async (run) => {
    const { provider, runId, adapter, log, ledger } = run;
    const context = { organizationId: provider.organizationId, providerId: provider.id, createdBy: provider.createdBy, syncRunId: runId };
    let counts: Omit<ShardOutcome, "accounts" | "scopes" | "errors" | "skipped" | "itemsSeen">;
    let departed: number;
    if (step.step === "gather") {
      departed = step.handedOff.departed;
      counts = gatherShards(run, step.handedOff, step.outcomes);
    } else {
      departed = await discoverAccounts(deps, run);
      const accounts = [...adapter.accounts];
      if (step.step === "fan_out" && accounts.length > step.accountsPerShard) {
        const shards = planShards(accounts, { accountsPerShard: step.accountsPerShard, jobSlots: step.jobSlots });
        await step.handOff({ runId, startedAt: (run.startedAt ?? deps.clock()).toISOString(), shards, discoveryScopes: [...ledger.scopes], departed });
        log.info({ accounts: accounts.length, shards: shards.length, jobSlots: step.jobSlots }, "inventory handed to shard jobs; the run finishes when they have");
        throw new RunHandedOff(`run ${runId} handed to ${shards.length} shards`);
      }
      counts = await readInventory(deps, run, { kinds: payload.kinds }, onProgress);
    }
    const { inserted, updated, unchanged, terminated } = counts;
    // Once per run, after every page: a claim may name a resource of a later page or scope.
    // A run that wrote nothing changed no claim and no end of an edge, so it skips the work.
    if (inserted + updated + terminated + departed > 0) {
      const edges = await reconcileDependencies(deps.db, context);
      log.info({ ...edges }, "resource dependencies brought in step");
    }
    return { counts: { kind: "resources", inserted, updated, unchanged, terminated: terminated + departed } };
  }, resume);
}

/**
 * Streams the scopes of `accounts` (default all the adapter's) into `cloud_resources` under the
 * run `runId`, with the scope bookkeeping in `ledger`; records the kinds seen as services.
 */
async function readInventory(
  deps: SyncDeps,
  { provider, runId, adapter, log, ledger }: SyncRunContext,
  options: { kinds?: string[] | undefined; accounts?: string[] | undefined },
  onProgress?: (p: SyncProgress) => void,
): Promise<{ inserted: number; updated: number; unchanged: number; terminated: number }> {
  let catalog: RegionInfo[] = [];
  try {
    catalog = await adapter.listRegions();
  } catch (error) {
    // Regions only add geography; the inventory itself tells which regions exist.
    log.warn({ err: error instanceof Error ? error.message : String(error) }, "could not list regions; continuing with the inventory");
  }
  const regions = new RegionRegistry(deps.db, { organizationId: provider.organizationId, providerId: provider.id }, catalog);
  const context = { organizationId: provider.organizationId, providerId: provider.id, createdBy: provider.createdBy, syncRunId: runId };
  const writer = new ResourceWriter(deps.db, regions, context, {
    onTerminated: (scope, terminated) => log.info({ scope: scopeKey(scope), terminated }, "resources gone from the cloud marked terminated"),
  });
  const stream = adapter.streamResources({ ...(options.kinds ? { kinds: options.kinds } : {}), ...(options.accounts ? { accounts: options.accounts } : {}) });
  for await (const event of stream) {
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
  return { inserted, updated, unchanged, terminated };
}

/**
 * The shards' outcomes as the run's own: their scopes join the discovery's, their counts add
 * up. A shard that failed for good (or left no outcome) is one failed scope per account of it,
 * `<cloud>:<account>:*:*`, so the run is partial and says which accounts were not read; such a
 * shard terminated nothing beyond the scopes it had read completely before it failed.
 */
function gatherShards(
  { provider, ledger, log }: SyncRunContext,
  handedOff: HandOff,
  outcomes: ReadonlyMap<number, ShardOutcome | { failed: string }>,
): { inserted: number; updated: number; unchanged: number; terminated: number } {
  const counts = { inserted: 0, updated: 0, unchanged: 0, terminated: 0 };
  ledger.scopes.push(...handedOff.discoveryScopes);
  for (const s of handedOff.discoveryScopes) if (s.status === "failed") ledger.errors.push(`${s.scope}: ${s.error ?? "failed"}`);
  handedOff.shards.forEach((accounts, index) => {
    const outcome = outcomes.get(index) ?? { failed: "the shard left no outcome (its job was lost or removed)" };
    if ("failed" in outcome) {
      log.warn({ shard: index, accounts: accounts.length, err: outcome.failed }, "shard failed; its accounts were not (all) read");
      for (const account of accounts) {
        ledger.failed({ cloud: provider.providerName as CloudName, account, region: "*", kind: "*" }, new Error(`shard ${index} failed: ${outcome.failed}`));
      }
      return;
    }
    ledger.scopes.push(...outcome.scopes);
    ledger.errors.push(...outcome.errors);
    ledger.skipped += outcome.skipped;
    ledger.itemsSeen += outcome.itemsSeen;
    counts.inserted += outcome.inserted;
    counts.updated += outcome.updated;
    counts.unchanged += outcome.unchanged;
    counts.terminated += outcome.terminated;
  });
  return counts;
}

export interface ResourceShardPayload {
  providerId: string;
  kinds?: string[] | undefined;
  /** The accounts this shard reads. */
  accounts: string[];
  /** The run the shard writes under (its parent's). */
  parentRunId: string;
}

/**
 * One shard of a fanned-out inventory: reads only its accounts (no discovery: the parent did
 * it), writes and terminates per completely-read scope under the parent's run, and hands its
 * scopes and counts back; it records no run of its own. An error outside any scope fails the
 * shard job (the queue retries it; once it fails for good the parent marks its accounts failed).
 */
export async function syncResourceShard(deps: SyncDeps, payload: ResourceShardPayload, onProgress?: (p: SyncProgress) => void): Promise<ShardOutcome> {
  const provider = await deps.loadProvider(payload.providerId);
  if (!provider.isActive) throw new ProviderInactiveError(`provider ${provider.id} is inactive; activate it to sync it again`);
  const log = deps.logger.child({ providerId: provider.id, provider: provider.providerName, kind: "resources", runId: payload.parentRunId, shardAccounts: payload.accounts.length });
  const adapter = await (deps.shardAdapterFor ?? deps.adapterFor)(provider, {
    regions: provider.regions,
    requestsPerSecond: provider.settings.requestsPerSecond,
    concurrency: deps.serialScopes ? 1 : provider.settings.concurrency,
    logger: log,
  });
  const ledger = new ScopeLedger();
  try {
    const counts = await readInventory(deps, { provider, runId: payload.parentRunId, adapter, log, ledger }, payload, onProgress);
    log.info({ ...counts, scopes: ledger.scopes.length, failed: ledger.errors.length }, "resource shard finished");
    return { accounts: payload.accounts, scopes: ledger.scopes, errors: ledger.errors, skipped: ledger.skipped, itemsSeen: ledger.itemsSeen, ...counts };
  } finally {
    await adapter.close?.().catch(() => undefined);
  }
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
