import type { MetricDataQuery, MetricDataResult } from "@aws-sdk/client-cloudwatch";
import { bytesToMbps } from "../metrics/health.ts";
import type { MetricKey, MetricSample } from "../types.ts";
import type { CloudWatchIdentity, CloudWatchKindMetrics, CloudWatchRatio, CloudWatchSeries } from "./metric-table.ts";

/**
 * Pure CloudWatch mechanics over the table of metric-table.ts: how units convert, how
 * GetMetricData batches are built, and how results become one sample per resource per period.
 * Table-tested; no network.
 */

/** GetMetricData's limit on queries per call. */
export const maxQueriesPerCall = 500;

export function convertMetricValue(spec: Pick<CloudWatchSeries, "unit">, value: number, periodSeconds: number): number {
  switch (spec.unit) {
    case "as_is":
      return value;
    case "seconds_to_ms":
      return value * 1000;
    case "sum_per_second":
      return value / periodSeconds;
    case "bytes_sum_to_mbps":
      return bytesToMbps(value, periodSeconds);
    case "bytes_per_second_to_mbps":
      return bytesToMbps(value, 1);
  }
}

/** CloudWatch accepts 1, 5, 10, 30 (high resolution) or a multiple of 60 seconds. */
export function isValidPeriod(seconds: number): boolean {
  return Number.isInteger(seconds) && seconds > 0 && (seconds % 60 === 0 || [1, 5, 10, 30].includes(seconds));
}

/** One resource to read: its id, its kind's table, and its CloudWatch identity. */
export interface MetricItem {
  resourceId: string;
  table: CloudWatchKindMetrics;
  identity: CloudWatchIdentity;
}

/** The series a resource is read through (those of its variant, and those for every variant). */
export function seriesFor(item: Pick<MetricItem, "table" | "identity">): CloudWatchSeries[] {
  return item.table.series.filter((s) => s.variant === undefined || s.variant === item.identity.variant);
}

/** Resources in groups whose queries fit one call; a resource's queries never straddle two calls. */
export function batchItems<T extends Pick<MetricItem, "table" | "identity">>(items: readonly T[], perCall = maxQueriesPerCall): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const item of items) {
    const n = seriesFor(item).length;
    if (current.length > 0 && size + n > perCall) {
      batches.push(current);
      current = [];
      size = 0;
    }
    current.push(item);
    size += n;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

export interface QueryRef {
  resourceId: string;
  spec: CloudWatchSeries;
}

/** The queries for one batch; ids are `i<resource>_<series>` (GetMetricData wants a lowercase first letter). */
export function buildMetricQueries(items: readonly MetricItem[], periodSeconds: number): { queries: MetricDataQuery[]; refs: Map<string, QueryRef> } {
  const queries: MetricDataQuery[] = [];
  const refs = new Map<string, QueryRef>();
  items.forEach((item, i) => {
    item.table.series.forEach((spec, j) => {
      if (spec.variant !== undefined && spec.variant !== item.identity.variant) return;
      const id = `i${i}_${j}`;
      refs.set(id, { resourceId: item.resourceId, spec });
      queries.push({
        Id: id,
        MetricStat: {
          Metric: {
            Namespace: spec.namespace,
            MetricName: spec.metricName,
            Dimensions: [...item.identity.dimensions, ...(spec.extraDimensions ?? [])],
          },
          Period: periodSeconds,
          Stat: spec.stat,
        },
        ReturnData: true,
      });
    });
  });
  return { queries, refs };
}

export interface MetricPoint {
  /** ISO 8601. */
  timestamp: string;
  value: number;
}

/**
 * One result's points as CloudWatch gave them (unconverted); a reason string when the result cannot be
 * trusted (timestamps and values that do not pair up, a value that is not a number, a status
 * CloudWatch uses for failure).
 */
export function readMetricResult(result: MetricDataResult, ref: QueryRef): MetricPoint[] | string {
  const status = result.StatusCode;
  if (status === "InternalError" || status === "Forbidden") return `${ref.spec.metricName}: CloudWatch answered StatusCode ${status}`;
  const timestamps = result.Timestamps ?? [];
  const values = result.Values ?? [];
  if (timestamps.length !== values.length) {
    return `${ref.spec.metricName}: ${timestamps.length} timestamps but ${values.length} values`;
  }
  const points: MetricPoint[] = [];
  for (let i = 0; i < timestamps.length; i++) {
    const t = timestamps[i];
    const v = values[i];
    const ms = t instanceof Date ? t.getTime() : Number.NaN;
    if (!Number.isFinite(ms)) return `${ref.spec.metricName}: unreadable timestamp ${JSON.stringify(t ?? null)}`;
    if (typeof v !== "number" || !Number.isFinite(v)) return `${ref.spec.metricName}: value ${JSON.stringify(v ?? null)} is not a number`;
    points.push({ timestamp: new Date(ms).toISOString(), value: v });
  }
  return points;
}

/**
 * Collects raw points per resource and timestamp across GetMetricData pages, and hands out one
 * MetricSample per resource per timestamp, carrying only the keys CloudWatch had points for:
 * each series' key converted to our unit, then each ratio whose denominator had a non-zero point
 * (a numerator without a point counts as zero: CloudWatch publishes no 5xx count for a period
 * without errors).
 */
export interface SampleAccumulator {
  add(resourceId: string, spec: CloudWatchSeries, point: MetricPoint): void;
  /** The resource's samples so far, in time order; the resource is forgotten. */
  take(resourceId: string, ratios?: readonly CloudWatchRatio[]): MetricSample[];
  drop(resourceId: string): void;
  readonly resourceIds: Iterable<string>;
}

interface Cell {
  metrics: Partial<Record<MetricKey, number>>;
  parts: Record<string, number>;
}

export function createSampleAccumulator(account: string, periodSeconds: number): SampleAccumulator {
  const byResource = new Map<string, Map<string, Cell>>();
  return {
    add(resourceId, spec, point) {
      let series = byResource.get(resourceId);
      if (!series) {
        series = new Map();
        byResource.set(resourceId, series);
      }
      const cell = series.get(point.timestamp) ?? { metrics: {}, parts: {} };
      if (spec.key) cell.metrics[spec.key] = convertMetricValue(spec, point.value, periodSeconds);
      if (spec.part) cell.parts[spec.part] = point.value;
      series.set(point.timestamp, cell);
    },
    take(resourceId, ratios = []) {
      const series = byResource.get(resourceId);
      byResource.delete(resourceId);
      if (!series) return [];
      const samples: MetricSample[] = [];
      for (const [timestamp, cell] of [...series.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        const metrics = { ...cell.metrics };
        for (const ratio of ratios) {
          const value = ratioValue(ratio, cell.parts);
          if (value !== undefined) metrics[ratio.key] = value;
        }
        if (Object.keys(metrics).length > 0) samples.push({ cloud: "aws", account, resourceId, timestamp, metrics });
      }
      return samples;
    },
    drop(resourceId) {
      byResource.delete(resourceId);
    },
    get resourceIds() {
      return [...byResource.keys()];
    },
  };
}

/** 100 × Σ numerators / denominator; undefined when the denominator has no point or is zero. */
export function ratioValue(ratio: CloudWatchRatio, parts: Readonly<Record<string, number>>): number | undefined {
  const denominator = parts[ratio.denominator];
  if (denominator === undefined || !(denominator > 0)) return undefined;
  const numerator = ratio.numerators.reduce((sum, name) => sum + (parts[name] ?? 0), 0);
  return (100 * numerator) / denominator;
}
