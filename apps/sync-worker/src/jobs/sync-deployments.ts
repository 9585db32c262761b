import { type DeploymentSource, scopeKey } from "@cloudsync/cloud";
import type { ClosableAdapter } from "../providers/adapters.ts";
import { type DeploymentWriteCounts, emptyDeploymentCounts, writeDeployments } from "../write/deployments.ts";
import type { SyncDeps } from "./sync-run.ts";

export interface DeploymentSyncSummary {
  providerId: string;
  providerName: string;
  counts: DeploymentWriteCounts;
  scopesCompleted: number;
  scopesFailed: number;
  /** Deployments the cloud listed that could not be used (an unknown status, gone while read). */
  skipped: number;
  /** One line per failed scope, saying what to do. */
  errors: string[];
}

/**
 * Reads one provider's deployments from its cloud's deployment service and writes them
 * (write/deployments.ts). Every page is written as it arrives; nothing is ever deleted, so a
 * failed scope only means its deployments keep the state the last sync saw. Not a `sync_runs`
 * kind yet: its result is returned (and logged), not recorded there.
 */
export async function syncDeployments(deps: SyncDeps, payload: { providerId: string }): Promise<DeploymentSyncSummary> {
  const provider = await deps.loadProvider(payload.providerId);
  if (!provider.isActive) throw new Error(`provider ${provider.id} is inactive; activate it to sync its deployments`);
  const log = deps.logger.child({ providerId: provider.id, provider: provider.providerName, kind: "deployments" });
  const summary: DeploymentSyncSummary = {
    providerId: provider.id,
    providerName: provider.providerName,
    counts: emptyDeploymentCounts(),
    scopesCompleted: 0,
    scopesFailed: 0,
    skipped: 0,
    errors: [],
  };
  let adapter: (ClosableAdapter & Partial<DeploymentSource>) | undefined;
  try {
    adapter = await deps.adapterFor(provider, {
      regions: provider.regions,
      requestsPerSecond: provider.settings.requestsPerSecond,
      concurrency: deps.serialScopes ? 1 : provider.settings.concurrency,
      logger: log,
    });
    if (!adapter.streamDeployments) {
      summary.errors.push(`the ${provider.providerName} adapter reads no deployments yet`);
      return summary;
    }
    const context = { organizationId: provider.organizationId, providerId: provider.id, createdBy: provider.createdBy, now: deps.clock() };
    for await (const event of adapter.streamDeployments()) {
      switch (event.type) {
        case "deployment_page": {
          const written = await writeDeployments(deps.db, context, event.deployments);
          for (const key of Object.keys(written) as (keyof DeploymentWriteCounts)[]) summary.counts[key] += written[key];
          break;
        }
        case "item_skipped":
          summary.skipped += 1;
          break;
        case "scope_completed":
          summary.scopesCompleted += 1;
          break;
        case "scope_failed":
          summary.scopesFailed += 1;
          summary.errors.push(`${scopeKey(event.scope)}: ${event.error.message}`);
          break;
      }
    }
    log.info({ ...summary, errors: undefined }, "deployments sync finished");
    return summary;
  } finally {
    await adapter?.close?.().catch(() => undefined);
  }
}
