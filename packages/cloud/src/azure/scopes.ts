import { kindRead } from "../core/kind-reader.ts";
import type { ScopeRead } from "../core/scope-runner.ts";
import type { NormalizedResource, ScopeRef } from "../types.ts";
import type { SubscriptionClients } from "./clients.ts";
import { kindInfo } from "./kinds/arm-types.ts";
import { resourcesListReader } from "./kinds/resources-list.ts";
import { normalizeRegion } from "./normalize.ts";

/**
 * How one scope is read. `resources.list` covers a whole subscription, so by default a scope is
 * `{subscription, *, *}`. When the caller narrows the stream to kinds or regions, each scope
 * names exactly what it vouches for, so a writer never marks unread kinds or regions terminated:
 * one scope per subscription × region × kind, with ARM filtering by resource type (or by
 * location when only regions are narrowed) and the adapter checking the other side.
 */
export interface ScopePlan {
  scope: ScopeRef;
  /** ARM `$filter`; ARM cannot combine resourceType with location, so at most one clause. */
  serverFilter?: string;
  region: string | "*";
  kind: string | "*";
  /** VM power states are needed whenever VMs can be in the scope. */
  readVmStatuses: boolean;
}

export function planScopes(
  subscriptions: readonly string[],
  narrowing: { regions?: readonly string[]; kinds?: readonly string[] },
): ScopePlan[] {
  const regions = narrowing.regions?.length ? [...new Set(narrowing.regions.map(normalizeRegion))] : ["*"];
  const kinds = narrowing.kinds ? [...new Set(narrowing.kinds.filter((k) => kindInfo(k) !== undefined))] : ["*"];
  const plans: ScopePlan[] = [];
  for (const account of subscriptions) {
    for (const region of regions) {
      for (const kind of kinds) {
        const info = kind === "*" ? undefined : kindInfo(kind);
        const serverFilter = info
          ? `resourceType eq '${info.armType}'`
          : region !== "*"
            ? `location eq '${region}'`
            : undefined;
        plans.push({
          scope: { cloud: "azure", account, region, kind },
          ...(serverFilter ? { serverFilter } : {}),
          region,
          kind,
          readVmStatuses: kind === "*" || kind === "azure_vm",
        });
      }
    }
  }
  return plans;
}

/** Settings every inventory read of the adapter shares. */
export interface ResourceReadSettings {
  pageSize: number;
  timeoutMs: number;
  signal: AbortSignal | undefined;
}

/**
 * The reads of an inventory, one per plan. The server filters on one side only, so a narrowed
 * plan keeps just the resources of its region and kind. Once the caller aborts, plans not yet
 * started are not started (and so not reported).
 */
export function* resourceReads(
  plans: readonly ScopePlan[],
  clients: (subscriptionId: string) => SubscriptionClients,
  settings: ResourceReadSettings,
): Generator<ScopeRead<NormalizedResource>> {
  for (const plan of plans) {
    if (settings.signal?.aborted) return;
    const { scope } = plan;
    const narrowed = plan.region !== "*" || plan.kind !== "*";
    yield kindRead(
      resourcesListReader,
      {
        scopes: [scope],
        where: { account: scope.account, region: plan.region },
        ...(narrowed ? { scopeOf: (resource: NormalizedResource) => (inScope(resource, plan) ? scope : undefined) } : {}),
      },
      (state) => ({
        clients: clients(scope.account),
        pageSize: settings.pageSize,
        timeoutMs: settings.timeoutMs,
        serverFilter: plan.serverFilter,
        readVmStatuses: plan.readVmStatuses,
        kind: plan.kind,
        state,
      }),
    );
  }
}

function inScope(resource: NormalizedResource, plan: ScopePlan): boolean {
  return (plan.region === "*" || resource.regionCode === plan.region) && (plan.kind === "*" || resource.kind === plan.kind);
}
