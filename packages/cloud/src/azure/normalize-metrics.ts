import { bytesToMbps, fractionToPercent } from "../metrics/health.ts";
import type { MetricKey, MetricSample } from "../types.ts";

/**
 * Pure functions from Azure Monitor's metrics answer to cloudsync metric samples; covered by
 * the table tests in test/azure-metrics-normalize.test.ts.
 */

/** The platform metrics read for each VM (Microsoft.Compute/virtualMachines namespace). */
export const vmMetricNames = {
  cpu: "Percentage CPU",
  networkIn: "Network In Total",
  networkOut: "Network Out Total",
  disk: "OS Disk Bandwidth Consumed Percentage",
  availableMemory: "Available Memory Bytes",
} as const;

export const vmMetricNameList = Object.values(vmMetricNames).join(",");

/** The keys those metrics become (memory from available bytes and the VM size's memory). */
export const vmMetricKeys: readonly MetricKey[] = ["cpu_utilization", "network_in_mbps", "network_out_mbps", "disk_utilization", "memory_utilization"];

/** Time grains Azure Monitor accepts, by seconds. */
export const supportedIntervals: ReadonlyMap<number, string> = new Map([
  [60, "PT1M"],
  [300, "PT5M"],
  [900, "PT15M"],
  [1800, "PT30M"],
  [3600, "PT1H"],
  [21_600, "PT6H"],
  [43_200, "PT12H"],
  [86_400, "P1D"],
]);

/** `PT5M`, `PT1H`, `P1D`, `PT30S` → seconds; null when it is not a day/time duration. */
export function isoDurationSeconds(text: string | null | undefined): number | null {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(text?.trim().toUpperCase() ?? "");
  if (!m || (m[1] ?? m[2] ?? m[3] ?? m[4]) === undefined) return null;
  const seconds = Number(m[1] ?? 0) * 86_400 + Number(m[2] ?? 0) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
  return seconds > 0 ? seconds : null;
}

/** The fields of Azure Monitor's `Response` the normalizer reads (the SDK gives `timeStamp` as a Date). */
export interface RawMetricValue {
  timeStamp?: Date | string;
  average?: number | null;
  total?: number | null;
  [key: string]: unknown;
}
export interface RawMetric {
  name?: { value?: string; localizedValue?: string } | null;
  unit?: string;
  timeseries?: { data?: RawMetricValue[] | null }[] | null;
  [key: string]: unknown;
}
export interface RawMetricsResponse {
  timespan?: string;
  interval?: string;
  value?: RawMetric[] | null;
  [key: string]: unknown;
}

export interface VmMetricsContext {
  account: string;
  /** As the inventory reported it; samples carry it verbatim. */
  resourceId: string;
  /** The grain asked for; the answer's own `interval` wins when it names one. */
  periodSeconds: number;
  /** Total memory of the VM's size, or null when unknown (then memory is absent). */
  memoryBytes: number | null;
  /** Only points in [start, end) are kept. */
  start: Date;
  end: Date;
}

export type VmMetricsResult = { ok: true; samples: MetricSample[] } | { ok: false; reason: string };

/**
 * One VM's answer → one sample per period timestamp that reported anything. Each key is set only
 * when its metric has a number at that timestamp: a deallocated VM's empty points give no sample,
 * and `response_time_ms`, `error_rate`, `requests_per_second` are never set for VMs.
 * - Percentage CPU (average, percent) → cpu_utilization
 * - Network In/Out Total (total bytes in the period) → network_in_mbps / network_out_mbps
 * - OS Disk Bandwidth Consumed Percentage (average, percent) → disk_utilization
 * - Available Memory Bytes (average) → memory_utilization = (1 − available / size memory) × 100, clamped to 0–100
 */
export function normalizeVmMetrics(raw: RawMetricsResponse | null | undefined, context: VmMetricsContext): VmMetricsResult {
  if (!raw || !Array.isArray(raw.value)) return { ok: false, reason: "the answer has no metric list (value)" };
  const period = isoDurationSeconds(raw.interval) ?? context.periodSeconds;
  const startMs = context.start.getTime();
  const endMs = context.end.getTime();
  const byTime = new Map<number, Partial<Record<MetricKey, number>>>();

  for (const metric of raw.value) {
    const name = metric?.name?.value;
    if (typeof name !== "string" || !name) return { ok: false, reason: "a metric in the answer has no name" };
    const convert = converterFor(name, metric.unit, period, context.memoryBytes);
    if (!convert) continue;
    for (const series of metric.timeseries ?? []) {
      for (const point of series?.data ?? []) {
        const at = timeOf(point?.timeStamp);
        if (at === null) return { ok: false, reason: `${name} has a data point without a valid timeStamp` };
        if (at < startMs || at >= endMs) continue;
        const value = convert.value(point);
        if (value === null) continue;
        const metrics = byTime.get(at) ?? {};
        metrics[convert.key] = value;
        byTime.set(at, metrics);
      }
    }
  }

  const samples: MetricSample[] = [...byTime.entries()]
    .sort(([a], [b]) => a - b)
    .map(([at, metrics]) => ({
      cloud: "azure",
      account: context.account,
      resourceId: context.resourceId,
      timestamp: new Date(at).toISOString(),
      metrics,
    }));
  return { ok: true, samples };
}

interface Converter {
  key: MetricKey;
  value(point: RawMetricValue): number | null;
}

function converterFor(name: string, unit: string | undefined, periodSeconds: number, memoryBytes: number | null): Converter | null {
  const lower = name.toLowerCase();
  const average = (p: RawMetricValue) => finite(p.average);
  const network = (p: RawMetricValue) => {
    // The *Total metrics are bytes per grain; a rate unit is bytes per second.
    if (unit?.toLowerCase() === "bytespersecond") {
      const rate = finite(p.average);
      return rate === null ? null : bytesToMbps(rate, 1);
    }
    const bytes = finite(p.total);
    return bytes === null ? null : bytesToMbps(bytes, periodSeconds);
  };
  switch (lower) {
    case vmMetricNames.cpu.toLowerCase():
      return { key: "cpu_utilization", value: average };
    case vmMetricNames.disk.toLowerCase():
      return { key: "disk_utilization", value: average };
    case vmMetricNames.networkIn.toLowerCase():
      return { key: "network_in_mbps", value: network };
    case vmMetricNames.networkOut.toLowerCase():
      return { key: "network_out_mbps", value: network };
    case vmMetricNames.availableMemory.toLowerCase():
      if (memoryBytes === null || !(memoryBytes > 0)) return null;
      return {
        key: "memory_utilization",
        value: (p) => {
          const available = finite(p.average);
          if (available === null) return null;
          return Math.min(100, Math.max(0, fractionToPercent(1 - available / memoryBytes)));
        },
      };
    default:
      return null;
  }
}

function finite(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function timeOf(value: Date | string | undefined): number | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.getTime();
  if (typeof value === "string") {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? null : ms;
  }
  return null;
}
