import type { ReadStep, ScopeRead } from "../core/scope-runner.ts";
import type { MetricTarget, ResourceStatusChecks, ScopeRef } from "../types.ts";
import type { RequestOptions } from "./clients.ts";
import { normalizeAvailability, resourceIdOfAvailability } from "./normalize-resource-health.ts";
import type { ResourceHealthApi } from "./resource-health-client.ts";

/**
 * Resource Health of one subscription's targets: one paged listing of the subscription's current
 * availability statuses (one call instead of one per resource), keeping the targets' own.
 */
export function resourceHealthRead(
  subscriptionId: string,
  targets: readonly MetricTarget[],
  api: ResourceHealthApi,
  request: RequestOptions,
): ScopeRead<ResourceStatusChecks> {
  const scope: ScopeRef = { cloud: "azure", account: subscriptionId, region: "*", kind: "status_checks" };
  const wanted = new Map(targets.map((t) => [t.resourceId.toLowerCase(), t.resourceId]));
  async function* steps(signal: AbortSignal | undefined): AsyncGenerator<ReadStep<ResourceStatusChecks>> {
    for await (const page of api.listPages({ ...request, ...(signal ? { abortSignal: signal } : {}) })) {
      const items: ResourceStatusChecks[] = [];
      for (const raw of page) {
        const about = resourceIdOfAvailability(raw.id);
        const target = about ? wanted.get(about.toLowerCase()) : undefined;
        if (!target) continue;
        items.push({ cloud: "azure", account: subscriptionId, resourceId: target, checks: [normalizeAvailability(raw)] });
      }
      if (items.length > 0) yield { type: "items", items };
    }
  }
  return { scopes: [scope], operation: "availabilityStatuses.listBySubscriptionId", read: (state) => steps(state.signal) };
}
