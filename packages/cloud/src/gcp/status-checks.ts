import type { ReadStep, ScopeRead } from "../core/scope-runner.ts";
import type { StatusCheckSignal } from "../metrics/health.ts";
import type { ResourceStatusChecks, ScopeRef } from "../types.ts";
import type { RawEntry } from "./kinds/kind.ts";

/**
 * GCP's own word on a VM: the instance's `status` from Compute Engine (instances.aggregatedList,
 * the call the inventory makes, one paged call per project for every zone). Compute Engine has
 * no reachability check like EC2's status checks, and no Resource Health like Azure's; what it
 * documents is the lifecycle state, in which REPAIRING means "the instance is being repaired
 * because it encountered an internal error or its host became unavailable" — a platform
 * failure. So (table-tested in test/gcp-status-checks.test.ts, docs/health-and-costs.md):
 *
 * - RUNNING → `ok` (the platform runs it; weaker than EC2's reachability `ok`, and said so);
 * - REPAIRING → `impaired`;
 * - any other state (PROVISIONING, STAGING, STOPPING, SUSPENDING, SUSPENDED, TERMINATED, a
 *   state Compute adds later) → `no_data`: not running is the inventory's business, not a failure.
 */
export const gceStatusSource = "gce_instance_status";

export function normalizeInstanceCheck(status: unknown): StatusCheckSignal {
  if (status === "RUNNING") return { source: gceStatusSource, state: "ok" };
  if (status === "REPAIRING") {
    return { source: gceStatusSource, state: "impaired", detail: "REPAIRING: Compute Engine is repairing the instance after an internal error or a host failure" };
  }
  return { source: gceStatusSource, state: "no_data", ...(typeof status === "string" ? { detail: status } : {}) };
}

export interface InstanceStatusReadContext {
  scope: ScopeRef;
  /** The targets' instance ids (Compute's numeric `id`). */
  instanceIds: readonly string[];
  /** The instances' aggregated list, page by page. */
  pages(signal: AbortSignal | undefined): AsyncIterable<RawEntry[]>;
}

/** One project, for the shared runner: the targets' checks, page by page. */
export function instanceStatusRead(ctx: InstanceStatusReadContext): ScopeRead<ResourceStatusChecks> {
  return { scopes: [ctx.scope], operation: "aggregated/instances", read: (state) => statusSteps(ctx, state.signal) };
}

async function* statusSteps(ctx: InstanceStatusReadContext, signal: AbortSignal | undefined): AsyncGenerator<ReadStep<ResourceStatusChecks>> {
  const wanted = new Set(ctx.instanceIds);
  for await (const entries of ctx.pages(signal)) {
    const items: ResourceStatusChecks[] = [];
    for (const { item } of entries) {
      const raw = item as { id?: unknown; status?: unknown };
      const id = typeof raw.id === "string" || typeof raw.id === "number" ? String(raw.id) : null;
      if (id === null || !wanted.has(id)) continue;
      items.push({ cloud: "gcp", account: ctx.scope.account, resourceId: id, checks: [normalizeInstanceCheck(raw.status)] });
    }
    if (items.length > 0) yield { type: "items", items };
  }
}
