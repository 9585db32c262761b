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

// ---------------------------------------------------------------------------------------------
// Managed instance groups: the group's own status, from the inventory's aggregated list.

export const migStatusSource = "mig_status";

const count = (v: unknown): number => {
  const n = typeof v === "string" && v !== "" ? Number(v) : v;
  return typeof n === "number" && Number.isFinite(n) && n > 0 ? n : 0;
};

/**
 * A managed instance group's own word (docs/health-and-costs.md): `currentActions.none` counts
 * its instances that run with no action scheduled ("serving"), against `targetSize`:
 *
 * - target size 0 (or none) → `no_data`: the group is asked to run nothing;
 * - serving ≥ target → `ok` (also while not `status.isStable`, e.g. deleting surplus instances);
 * - none serving → `impaired`: every instance is being created, recreated, verified or is gone;
 * - otherwise → `degraded`: short of its target, the detail naming the actions under way.
 */
export function normalizeInstanceGroupCheck(item: { targetSize?: unknown; currentActions?: unknown; status?: unknown }): StatusCheckSignal {
  const target = count(item.targetSize);
  if (target === 0) return { source: migStatusSource, state: "no_data", detail: "target size 0" };
  const actions = (item.currentActions && typeof item.currentActions === "object" ? item.currentActions : {}) as Record<string, unknown>;
  const serving = count(actions.none);
  const stable = (item.status as { isStable?: unknown } | undefined)?.isStable === true;
  const busy = Object.entries(actions)
    .filter(([k, v]) => k !== "none" && count(v) > 0)
    .map(([k, v]) => `${count(v)} ${k}`);
  const detail = `${serving} of ${target} running${busy.length > 0 ? `, ${busy.join(", ")}` : ""}${stable ? "" : " (not stable)"}`;
  if (serving >= target) return { source: migStatusSource, state: "ok", detail };
  return { source: migStatusSource, state: serving === 0 ? "impaired" : "degraded", detail };
}

/** One project's listing of a kind, for the shared runner: each target's check from its listed item. */
export interface ListedStatusReadContext {
  scope: ScopeRef;
  operation: string;
  /** The targets' ids (Compute's numeric `id`). */
  ids: readonly string[];
  pages(signal: AbortSignal | undefined): AsyncIterable<RawEntry[]>;
  check(item: Record<string, unknown>): StatusCheckSignal;
}

export function listedStatusRead(ctx: ListedStatusReadContext): ScopeRead<ResourceStatusChecks> {
  return { scopes: [ctx.scope], operation: ctx.operation, read: (state) => listedSteps(ctx, state.signal) };
}

async function* listedSteps(ctx: ListedStatusReadContext, signal: AbortSignal | undefined): AsyncGenerator<ReadStep<ResourceStatusChecks>> {
  const wanted = new Set(ctx.ids);
  for await (const entries of ctx.pages(signal)) {
    const items: ResourceStatusChecks[] = [];
    for (const { item } of entries) {
      const raw = item as Record<string, unknown>;
      const id = typeof raw.id === "string" || typeof raw.id === "number" ? String(raw.id) : null;
      if (id === null || !wanted.has(id)) continue;
      items.push({ cloud: "gcp", account: ctx.scope.account, resourceId: id, checks: [ctx.check(raw)] });
    }
    if (items.length > 0) yield { type: "items", items };
  }
}

// ---------------------------------------------------------------------------------------------
// Backend services: the health checks' verdict on their backends (backendServices.getHealth and
// regionBackendServices.getHealth, one call per backend group).

export const backendHealthSource = "backend_health";

/** One getHealth answer (BackendServiceGroupHealth): an entry per endpoint of the group. */
export interface BackendGroupHealth {
  healthStatus?: readonly { healthState?: unknown }[] | null | undefined;
}

/**
 * A backend service's health from its groups' endpoints (docs/health-and-costs.md):
 * `HEALTHY` serves; `UNHEALTHY` and `TIMEOUT` fail their health check; `DRAINING` (being taken
 * out on purpose) and `UNKNOWN` (not checked yet) say nothing.
 *
 * - no backend group, or no endpoint with a verdict → `no_data`;
 * - no healthy endpoint while some fail → `impaired`: the load balancer has nowhere to send traffic;
 * - some failing → `degraded`;
 * - all healthy → `ok`.
 */
export function normalizeBackendHealth(groups: readonly BackendGroupHealth[]): StatusCheckSignal {
  if (groups.length === 0) return { source: backendHealthSource, state: "no_data", detail: "no backends" };
  let healthy = 0;
  let failing = 0;
  let other = 0;
  for (const g of groups) {
    for (const e of g.healthStatus ?? []) {
      if (e.healthState === "HEALTHY") healthy++;
      else if (e.healthState === "UNHEALTHY" || e.healthState === "TIMEOUT") failing++;
      else other++;
    }
  }
  const detail = `${healthy} healthy, ${failing} unhealthy${other > 0 ? `, ${other} draining or unknown` : ""} across ${groups.length} backend group${groups.length === 1 ? "" : "s"}`;
  if (healthy + failing === 0) return { source: backendHealthSource, state: "no_data", detail };
  if (healthy === 0) return { source: backendHealthSource, state: "impaired", detail: `no healthy backend: ${detail}` };
  return { source: backendHealthSource, state: failing > 0 ? "degraded" : "ok", detail };
}

export interface BackendHealthReadContext {
  scope: ScopeRef;
  /** The targets' ids (Compute's numeric `id`). */
  ids: readonly string[];
  /** The backend services' aggregated list, page by page (global and regional in one). */
  pages(signal: AbortSignal | undefined): AsyncIterable<RawEntry[]>;
  /** getHealth of one backend group of a service; `region` null for a global service. */
  getHealth(service: { name: string; region: string | null }, group: string, signal: AbortSignal | undefined): Promise<BackendGroupHealth>;
}

/** One project: each targeted backend service's groups asked in turn, a page of services at a time. */
export function backendHealthRead(ctx: BackendHealthReadContext): ScopeRead<ResourceStatusChecks> {
  return { scopes: [ctx.scope], operation: "backendServices.getHealth", read: (state) => backendSteps(ctx, state.signal) };
}

async function* backendSteps(ctx: BackendHealthReadContext, signal: AbortSignal | undefined): AsyncGenerator<ReadStep<ResourceStatusChecks>> {
  const wanted = new Set(ctx.ids);
  for await (const entries of ctx.pages(signal)) {
    const items: ResourceStatusChecks[] = [];
    for (const { item } of entries) {
      const raw = item as { id?: unknown; name?: unknown; region?: unknown; backends?: unknown };
      const id = typeof raw.id === "string" || typeof raw.id === "number" ? String(raw.id) : null;
      if (id === null || !wanted.has(id) || typeof raw.name !== "string") continue;
      const region = typeof raw.region === "string" && raw.region !== "" ? (raw.region.split("/").at(-1) ?? null) : null;
      const groups = (Array.isArray(raw.backends) ? (raw.backends as { group?: unknown }[]) : []).flatMap((b) => (typeof b.group === "string" ? [b.group] : []));
      // A service's groups in parallel: each is one small call, and a service has few.
      const answers = await Promise.all(groups.map((g) => ctx.getHealth({ name: raw.name as string, region }, g, signal)));
      items.push({ cloud: "gcp", account: ctx.scope.account, resourceId: id, checks: [normalizeBackendHealth(answers)] });
    }
    if (items.length > 0) yield { type: "items", items };
  }
}
