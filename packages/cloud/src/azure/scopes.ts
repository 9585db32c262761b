import type { ScopeRef } from "../types.ts";
import { kindInfo } from "./kinds.ts";
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
