import type { AdapterLogger, MetricEvent, MetricQuery, MetricSample, MetricTarget, ScopeRef } from "../types.ts";
import type { RequestOptions, SubscriptionClients } from "./clients.ts";
import { type ErrorContext, toAzureError } from "./errors.ts";
import { normalizeRegion } from "./normalize.ts";
import { normalizeVmMetrics, supportedIntervals, vmMetricNameList } from "./normalize-metrics.ts";
import { readVmStatuses } from "./vm-statuses.ts";
import { vmMemoryBytes } from "./vm-memory.ts";

/** Only VMs have the platform metrics read here; targets of other kinds are ignored. */
export const metricKinds: readonly string[] = ["azure_vm"];

export interface MetricReadSettings {
  timeoutMs: number;
  maxAttempts: number;
  secrets: readonly string[];
  signal?: AbortSignal;
  logger?: AdapterLogger;
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
 * One scope per subscription × region of the VM targets (`kind: "metrics"`); other kinds are
 * dropped (logged), and a VM listed twice is read once.
 */
export function planMetricScopes(targets: readonly MetricTarget[], logger?: AdapterLogger): MetricPlan[] {
  const plans = new Map<string, MetricPlan>();
  const seen = new Set<string>();
  let ignored = 0;
  for (const target of targets) {
    if (!metricKinds.includes(target.kind)) {
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
  if (ignored > 0) logger?.debug({ ignored }, "azure metrics: targets of kinds without VM platform metrics ignored");
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
 * Reads one scope: one metrics request per VM, each answer one `metric_page` (when it has
 * samples). A VM that is gone (404) or refused by Azure Monitor (400) is an `item_skipped`;
 * throttling past the retries, rejected credentials, 5xx or timeouts fail the scope. Ends with
 * exactly one `scope_completed` (resourceCount = samples emitted) or `scope_failed`.
 */
export async function* readMetricScope(
  plan: MetricPlan,
  clients: Pick<SubscriptionClients, "metrics">,
  window: MetricWindow,
  memory: VmMemoryLookup,
  settings: MetricReadSettings,
): AsyncGenerator<MetricEvent> {
  const { scope } = plan;
  const operation = "metrics.list";
  const errorContext: ErrorContext = {
    subscriptionId: scope.account,
    operation,
    maxAttempts: settings.maxAttempts,
    timeoutMs: settings.timeoutMs,
    callerSignal: settings.signal,
    secrets: settings.secrets,
  };
  const timespan = `${window.start.toISOString()}/${window.end.toISOString()}`;
  let sampleCount = 0;
  try {
    const memoryById = await memory();
    for (const target of plan.targets) {
      if (settings.signal?.aborted) throw Object.assign(new Error("stopped"), { name: "AbortError" });
      let raw: Awaited<ReturnType<SubscriptionClients["metrics"]["list"]>>;
      try {
        raw = await clients.metrics.list(target.resourceId, {
          abortSignal: settings.signal,
          timeoutMs: settings.timeoutMs,
          timespan,
          interval: window.interval,
          metricnames: vmMetricNameList,
          aggregation: "Average,Total",
        });
      } catch (error) {
        const skip = skippable(error);
        if (!skip) throw error;
        yield { type: "item_skipped", scope, itemId: target.resourceId, reason: skip };
        continue;
      }
      const result = normalizeVmMetrics(raw, {
        account: scope.account,
        resourceId: target.resourceId,
        periodSeconds: window.periodSeconds,
        memoryBytes: memoryById?.get(target.resourceId.toLowerCase()) ?? null,
        start: window.start,
        end: window.end,
      });
      if (!result.ok) {
        yield { type: "item_skipped", scope, itemId: target.resourceId, reason: result.reason };
        continue;
      }
      if (result.samples.length === 0) continue;
      sampleCount += result.samples.length;
      const samples: MetricSample[] = result.samples;
      yield { type: "metric_page", scope, samples };
    }
    settings.logger?.debug({ scope, sampleCount }, "azure metric scope completed");
    yield { type: "scope_completed", scope, resourceCount: sampleCount };
  } catch (error) {
    const failure = toAzureError(error, errorContext);
    settings.logger?.warn({ scope, error: failure.message }, "azure metric scope failed");
    yield { type: "scope_failed", scope, error: failure };
  }
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
