import { bytesToMbps, fractionToPercent } from "../metrics/health.ts";
import type { MetricKey, MetricSample } from "../types.ts";
import type { AzureKindMetrics, AzureMetricSpec, AzureUnit } from "./metric-table.ts";

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
  maximum?: number | null;
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

/** One metrics answer of a resource, and the grain it was asked at. */
export interface KindMetricsAnswer {
  raw: RawMetricsResponse | null | undefined;
  /** The specs its request asked (a filtered request's metric names mean its filtered part); the table's when absent. */
  specs?: readonly AzureMetricSpec[];
  grainSeconds: number;
  /** Only points in [start, end) are kept. */
  start: Date;
  end: Date;
}

export interface KindMetricsContext {
  account: string;
  /** As the inventory reported it; samples carry it verbatim. */
  resourceId: string;
  table: AzureKindMetrics;
}

/**
 * The answers for one resource of a kind in metric-table.ts → one sample per timestamp that
 * reported anything, merged across answers (an hourly capacity point joins the five-minute
 * sample of the same instant). Each key is set only when its metric had a number there; each
 * ratio only when its denominator had a non-zero one (a numerator without a number counts as 0).
 * Metrics the table does not name are ignored.
 */
export function normalizeKindMetrics(answers: readonly KindMetricsAnswer[], context: KindMetricsContext): VmMetricsResult {
  const cells = new Map<number, { metrics: Partial<Record<MetricKey, number>>; parts: Record<string, number> }>();
  for (const answer of answers) {
    const byName = new Map((answer.specs ?? context.table.specs.filter((s) => !s.filter)).map((s) => [s.metric.toLowerCase(), s]));
    const raw = answer.raw;
    if (!raw || !Array.isArray(raw.value)) return { ok: false, reason: "the answer has no metric list (value)" };
    const grain = isoDurationSeconds(raw.interval) ?? answer.grainSeconds;
    for (const metric of raw.value) {
      const name = metric?.name?.value;
      if (typeof name !== "string" || !name) return { ok: false, reason: "a metric in the answer has no name" };
      const spec = byName.get(name.toLowerCase());
      if (!spec) continue;
      for (const series of metric.timeseries ?? []) {
        for (const point of series?.data ?? []) {
          const at = timeOf(point?.timeStamp);
          if (at === null) return { ok: false, reason: `${name} has a data point without a valid timeStamp` };
          if (at < answer.start.getTime() || at >= answer.end.getTime()) continue;
          const value = finite(spec.aggregation === "Total" ? point.total : spec.aggregation === "Maximum" ? point.maximum : point.average);
          if (value === null) continue;
          const cell = cells.get(at) ?? { metrics: {}, parts: {} };
          cells.set(at, cell);
          if (spec.key) cell.metrics[spec.key] = convertAzureValue(spec.unit, value, grain);
          if (spec.part) cell.parts[spec.part] = value;
        }
      }
    }
  }
  const samples: MetricSample[] = [];
  for (const [at, cell] of [...cells].sort(([a], [b]) => a - b)) {
    const metrics = { ...cell.metrics };
    for (const ratio of context.table.ratios ?? []) {
      const denominator = cell.parts[ratio.denominator];
      if (denominator === undefined || !(denominator > 0)) continue;
      metrics[ratio.key] = (100 * ratio.numerators.reduce((sum, n) => sum + (cell.parts[n] ?? 0), 0)) / denominator;
    }
    if (Object.keys(metrics).length === 0) continue;
    samples.push({ cloud: "azure", account: context.account, resourceId: context.resourceId, timestamp: new Date(at).toISOString(), metrics });
  }
  return { ok: true, samples };
}

export function convertAzureValue(unit: AzureUnit, value: number, grainSeconds: number): number {
  switch (unit) {
    case "as_is":
      return value;
    case "seconds_to_ms":
      return value * 1000;
    case "total_per_second":
      return value / grainSeconds;
    case "bytes_total_to_mbps":
      return bytesToMbps(value, grainSeconds);
    case "bytes_per_second_to_mbps":
      return bytesToMbps(value, 1);
  }
}
