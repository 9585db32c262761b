import { type DeploymentSource, cloudsWithSource, scopeKey } from "@cloudsync/cloud";
import { type DeploymentWriteCounts, emptyDeploymentCounts, writeDeployments } from "../write/deployments.ts";
import type { DeploymentRunCounts } from "../write/sync-runs.ts";
import { type SyncDeps, type SyncPayloadBase, type SyncProgress, type SyncSummaryBase, withSyncRun } from "./sync-run.ts";

export interface DeploymentSyncSummary extends SyncSummaryBase<DeploymentRunCounts> {
  /** Everything the writer counted, beyond what `sync_runs` records (templates, unlinked, not inventoried). */
  written: DeploymentWriteCounts;
}

/**
 * Reads one provider's deployments from its cloud's deployment service (CloudFormation, ARM
 * resource-group deployments, Infrastructure Manager) and writes them (write/deployments.ts), as a
 * run of its own kind on its own schedule. Every page is written as it arrives; nothing is ever
 * deleted, so a failed scope only means its deployments keep the state the last sync saw. Links
 * go to the inventory already written: a deployment's resources the inventory lacks are counted
 * as not inventoried and linked by a later run.
 */
export async function syncDeployments(deps: SyncDeps, payload: SyncPayloadBase, onProgress?: (p: SyncProgress) => void): Promise<DeploymentSyncSummary> {
  const written = emptyDeploymentCounts();
  const summary = await withSyncRun(deps, "deployments", payload, async ({ provider, adapter, log, ledger }) => {
    const source = adapter as typeof adapter & Partial<DeploymentSource>;
    if (!source.streamDeployments) {
      throw new Error(
        `the ${provider.providerName} adapter reads no deployment service (deployments are read for ${cloudsWithSource.deployments.join(", ")}); nothing to sync`,
      );
    }
    const context = { organizationId: provider.organizationId, providerId: provider.id, createdBy: provider.createdBy, now: deps.clock() };
    for await (const event of source.streamDeployments()) {
      switch (event.type) {
        case "deployment_page": {
          ledger.itemsSeen += event.deployments.length;
          const counts = await writeDeployments(deps.db, context, event.deployments);
          for (const key of Object.keys(counts) as (keyof DeploymentWriteCounts)[]) written[key] += counts[key];
          break;
        }
        case "item_skipped":
          ledger.skipped++;
          log.warn({ scope: scopeKey(event.scope), itemId: event.itemId, reason: event.reason }, "deployment skipped");
          break;
        case "scope_completed":
          ledger.completed(event.scope, event.resourceCount);
          break;
        case "scope_failed":
          ledger.failed(event.scope, event.error);
          log.warn({ scope: scopeKey(event.scope), err: event.error.message }, "deployment scope failed; its deployments keep the state last seen");
          break;
      }
      onProgress?.(ledger.progress());
    }
    log.info({ ...written }, "deployments written");
    // A deployment service that refuses says nothing about the provider's inventory: health stays as it was.
    return {
      counts: { kind: "deployments", deploymentsInserted: written.inserted, deploymentsUpdated: written.updated, resourcesLinked: written.linked },
      providerHealth: "unknown",
    };
  });
  return { ...summary, written };
}
