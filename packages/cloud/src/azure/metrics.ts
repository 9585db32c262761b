import type { ReadStep, ScopeRead } from "../core/scope-runner.ts";
import { type AdapterLogger, kindsWithMetrics, type MetricQuery, type MetricSample, type MetricTarget, type ScopeRef } from "../types.ts";
import type { RequestOptions, SubscriptionClients } from "./clients.ts";
import { azureKindDescriptions } from "./kinds/arm-types.ts";
import { normalizeRegion } from "./normalize.ts";
import { type AzureKindMetrics, azureMetricsFor, requestsFor } from "./metric-table.ts";
import { type KindMetricsAnswer, normalizeKindMetrics, normalizeVmMetrics, supportedIntervals, type VmMetricsResult, vmMetricNameList } from "./normalize-metrics.ts";
import { readVmStatuses } from "./vm-statuses.ts";
import { vmMemoryBytes } from "./vm-memory.ts";

/** The kinds with metric keys (VMs, and the kinds of metric-table.ts); targets of other kinds are ignored. */
const metricKinds: ReadonlySet<string> = new Set(kindsWithMetrics(azureKindDescriptions));

/** Resources whose metrics are asked at the same time within one scope. */
const resourcesInFlight = 8;

export interface MetricReadSettings {
  timeoutMs: number;
}

export interface MetricWindow {
  start: Date;
  end: Date;
  periodSeconds: number;
  /** ISO 8601 grain for `periodSeconds`. */
  interval: string;
}

export interface MetricPlan {
  scope: ScopeRef;
  targets: MetricTarget[];
}

/** Checks a MetricQuery's window and grain; a caller's mistake is thrown at once. */
export function parseMetricWindow(query: Pick<MetricQuery, "start" | "end" | "periodSeconds">): MetricWindow {
  const start = new Date(query.start);
  const end = new Date(query.end);
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) throw new RangeError("MetricQuery.start and end must be valid dates");
  if (start.getTime() >= end.getTime()) throw new RangeError("MetricQuery.start must be before end");
  const periodSeconds = query.periodSeconds ?? 300;
  const interval = supportedIntervals.get(periodSeconds);
  if (!interval) {
    throw new RangeError(
      `Azure Monitor has no ${periodSeconds} s time grain; use one of ${[...supportedIntervals.keys()].join(", ")} seconds`,
    );
  }
  return { start, end, periodSeconds, interval };
}

/**
 * One scope per subscription × region of the targets (`kind: "metrics"`); other kinds are
 * dropped (logged), and a resource listed twice is read once.
 */
export function planMetricScopes(targets: readonly MetricTarget[], logger?: AdapterLogger): MetricPlan[] {
  const plans = new Map<string, MetricPlan>();
  const seen = new Set<string>();
  let ignored = 0;
  for (const target of targets) {
    if (!metricKinds.has(target.kind)) {
      ignored += 1;
      continue;
    }
    const key = target.resourceId.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    const region = normalizeRegion(target.regionCode || "*") || "*";
    const planKey = `${target.account}\u0000${region}`;
    let plan = plans.get(planKey);
    if (!plan) {
      plan = { scope: { cloud: "azure", account: target.account, region, kind: "metrics" }, targets: [] };
      plans.set(planKey, plan);
    }
    plan.targets.push(target);
  }
  if (ignored > 0) logger?.debug({ ignored }, "azure metrics: targets of kinds without platform metrics ignored");
  return [...plans.values()];
}

/** Memory of each VM by lower-case id, from its size; null when the size listing could not be read. */
export type VmMemoryLookup = () => Promise<ReadonlyMap<string, number | null> | null>;

/** Reads the subscription's VM sizes once (the paged status listing) and turns them into memory. */
export function vmMemoryLookup(
  clients: Pick<SubscriptionClients, "virtualMachines">,
  request: RequestOptions,
  logger?: AdapterLogger,
): VmMemoryLookup {
  let pending: Promise<ReadonlyMap<string, number | null> | null> | undefined;
  return () => {
    pending ??= readVmStatuses(clients.virtualMachines, request).then(
      (statuses) => new Map([...statuses].map(([id, s]) => [id, vmMemoryBytes(s.vmSize)])),
      (error: unknown) => {
        // Memory is the one key that needs the size; the others do not wait for it.
        logger?.warn({ error: (error as Error)?.message }, "azure metrics: VM sizes unreadable; memory_utilization left absent");
        return null;
      },
    );
    return pending;
  };
}

/**
 * One scope, for the shared runner: one metrics request per resource (per grain), eight resources
 * at a time, each eight's samples one `metric_page` (when they have any). A resource that is gone (404) or refused by Azure Monitor (400) is an
 * `item_skipped`; throttling past the retries, rejected credentials, 5xx or timeouts fail the
 * scope, whose count is the samples it reported.
 */
export function metricRead(
  plan: MetricPlan,
  clients: Pick<SubscriptionClients, "metrics">,
  window: MetricWindow,
  memory: VmMemoryLookup,
  settings: MetricReadSettings,
): ScopeRead<MetricSample> {
  return { scopes: [plan.scope], operation: "metrics.list", read: (state) => metricSteps(plan, clients, window, memory, settings, state.signal) };
}

async function* metricSteps(
  plan: MetricPlan,
  clients: Pick<SubscriptionClients, "metrics">,
  window: MetricWindow,
  memory: VmMemoryLookup,
  settings: MetricReadSettings,
  signal: AbortSignal | undefined,
): AsyncGenerator<ReadStep<MetricSample>> {
  const { scope } = plan;
  // Only VMs need their sizes (for memory); a plan without VMs does not list them.
  const memoryById = plan.targets.some((t) => !azureMetricsFor(t.kind)) ? await memory() : null;
  // A few resources at a time: each is a request (or two) of its own, so a scope of hundreds is
  // bound by round trips, not by the subscription's rate limit, which still paces every request.
  for (let i = 0; i < plan.targets.length; i += resourcesInFlight) {
    if (signal?.aborted) throw Object.assign(new Error("stopped"), { name: "AbortError" });
    const chunk = plan.targets.slice(i, i + resourcesInFlight);
    const results = await Promise.all(
      chunk.map((target) => {
        const table = azureMetricsFor(target.kind);
        return table
          ? readKind(target, table, clients, window, settings, signal, scope.account)
          : readVm(target, clients, window, memoryById, settings, signal, scope.account);
      }),
    );
    // One page for the chunk: a writer stores a page in one statement, so fewer, fuller pages.
    const samples: MetricSample[] = [];
    for (const [j, result] of results.entries()) {
      if (!result.ok) yield { type: "skipped", itemId: (chunk[j] as MetricTarget).resourceId, reason: result.reason };
      else samples.push(...result.samples);
    }
    if (samples.length > 0) yield { type: "items", items: samples };
  }
}

/** A VM's platform metrics, one request; a refusal Azure scopes to the VM becomes a reason. */
async function readVm(
  target: MetricTarget,
  clients: Pick<SubscriptionClients, "metrics">,
  window: MetricWindow,
  memoryById: ReadonlyMap<string, number | null> | null,
  settings: MetricReadSettings,
  signal: AbortSignal | undefined,
  account: string,
): Promise<VmMetricsResult> {
  let raw: Awaited<ReturnType<SubscriptionClients["metrics"]["list"]>>;
  try {
    raw = await clients.metrics.list(target.resourceId, {
      abortSignal: signal,
      timeoutMs: settings.timeoutMs,
      timespan: `${window.start.toISOString()}/${window.end.toISOString()}`,
      interval: window.interval,
      metricnames: vmMetricNameList,
      aggregation: "Average,Total",
    });
  } catch (error) {
    const skip = skippable(error);
    if (!skip) throw error;
    return { ok: false, reason: skip };
  }
  return normalizeVmMetrics(raw, {
    account,
    resourceId: target.resourceId,
    periodSeconds: window.periodSeconds,
    memoryBytes: memoryById?.get(target.resourceId.toLowerCase()) ?? null,
    start: window.start,
    end: window.end,
  });
}

/**
 * Another kind's metrics (metric-table.ts): one request per grain its metrics need. A metric
 * published at a coarser grain than asked (hourly capacity) is read over the last whole grain
 * before the window's end as well, so a short window still sees its latest point.
 */
async function readKind(
  target: MetricTarget,
  table: AzureKindMetrics,
  clients: Pick<SubscriptionClients, "metrics">,
  window: MetricWindow,
  settings: MetricReadSettings,
  signal: AbortSignal | undefined,
  account: string,
): Promise<VmMetricsResult> {
  const answers: KindMetricsAnswer[] = [];
  for (const request of requestsFor(table, window.periodSeconds)) {
    const interval = supportedIntervals.get(request.grainSeconds);
    if (!interval) return { ok: false, reason: `Azure Monitor has no ${request.grainSeconds} s grain for ${request.specs[0]?.metric}` };
    const grainMs = request.grainSeconds * 1000;
    const start =
      request.grainSeconds > window.periodSeconds
        ? new Date(Math.min(window.start.getTime(), Math.floor(window.end.getTime() / grainMs) * grainMs - grainMs))
        : window.start;
    try {
      const raw = await clients.metrics.list(target.resourceId, {
        abortSignal: signal,
        timeoutMs: settings.timeoutMs,
        timespan: `${start.toISOString()}/${window.end.toISOString()}`,
        interval,
        metricnames: request.specs.map((s) => s.metric).join(","),
        aggregation: [...new Set(request.specs.map((s) => s.aggregation))].join(","),
        ...(request.filter ? { filter: request.filter } : {}),
      });
      answers.push({ raw, grainSeconds: request.grainSeconds, start, end: window.end, specs: request.specs });
    } catch (error) {
      const skip = skippable(error);
      if (!skip) throw error;
      return { ok: false, reason: skip };
    }
  }
  return normalizeKindMetrics(answers, { account, resourceId: target.resourceId, table });
}

/** A per-VM refusal that leaves the rest of the scope readable, as a reason; null otherwise. */
function skippable(error: unknown): string | null {
  const e = (error ?? {}) as { statusCode?: number; code?: string; message?: string };
  if (e.code === "SubscriptionNotFound") return null;
  if (e.statusCode === 404 || e.statusCode === 400) {
    const message = (e.message ?? "").split("\n")[0]?.slice(0, 300) ?? "";
    return `Azure Monitor answered ${e.statusCode} ${e.code ?? ""}: ${message}`.replace(/\s+/g, " ").trim();
  }
  return null;
}
