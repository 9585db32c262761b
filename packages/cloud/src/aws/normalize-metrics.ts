import type { MetricDataQuery, MetricDataResult } from "@aws-sdk/client-cloudwatch";
import { bytesToMbps } from "../metrics/health.ts";
import type { MetricKey, MetricSample } from "../types.ts";

/**
 * Pure CloudWatch mappings: which series feed which seed metric key, how their units convert,
 * how GetMetricData batches are built, and how results become one sample per instance per
 * period. Table-tested; no network.
 */

export interface Ec2MetricSpec {
  key: MetricKey;
  namespace: string;
  metricName: string;
  stat: "Average" | "Sum" | "Maximum";
  /** `percent`: already 0–100; `bytes`: a Sum of bytes over the period, reported as Mbit/s. */
  unit: "percent" | "bytes";
}

/**
 * The series read for each EC2 instance. The CWAgent ones exist only where the CloudWatch agent
 * publishes them with the InstanceId dimension alone (`append_dimensions: {InstanceId}` and
 * `aggregation_dimensions: [["InstanceId"]]`); elsewhere CloudWatch returns no points and the
 * keys are absent. Disk takes the Maximum: the fullest filesystem is the one that matters.
 */
export const ec2MetricSpecs: readonly Ec2MetricSpec[] = [
  { key: "cpu_utilization", namespace: "AWS/EC2", metricName: "CPUUtilization", stat: "Average", unit: "percent" },
  { key: "network_in_mbps", namespace: "AWS/EC2", metricName: "NetworkIn", stat: "Sum", unit: "bytes" },
  { key: "network_out_mbps", namespace: "AWS/EC2", metricName: "NetworkOut", stat: "Sum", unit: "bytes" },
  { key: "memory_utilization", namespace: "CWAgent", metricName: "mem_used_percent", stat: "Average", unit: "percent" },
  { key: "disk_utilization", namespace: "CWAgent", metricName: "disk_used_percent", stat: "Maximum", unit: "percent" },
];

/** GetMetricData's limit on queries per call. */
export const maxQueriesPerCall = 500;

export function convertMetricValue(spec: Pick<Ec2MetricSpec, "unit">, value: number, periodSeconds: number): number {
  return spec.unit === "bytes" ? bytesToMbps(value, periodSeconds) : value;
}

/** CloudWatch accepts 1, 5, 10, 30 (high resolution) or a multiple of 60 seconds. */
export function isValidPeriod(seconds: number): boolean {
  return Number.isInteger(seconds) && seconds > 0 && (seconds % 60 === 0 || [1, 5, 10, 30].includes(seconds));
}

/** Instance ids in groups that fit one call: five queries each, so 100 instances per call. */
export function batchInstances(instanceIds: readonly string[], specs: readonly Ec2MetricSpec[] = ec2MetricSpecs): string[][] {
  const perCall = Math.max(1, Math.floor(maxQueriesPerCall / specs.length));
  const batches: string[][] = [];
  for (let i = 0; i < instanceIds.length; i += perCall) batches.push(instanceIds.slice(i, i + perCall));
  return batches;
}

export interface QueryRef {
  resourceId: string;
  spec: Ec2MetricSpec;
}

/** The queries for one batch; ids are `i<instance>_<spec>` (GetMetricData wants a lowercase first letter). */
export function buildMetricQueries(
  instanceIds: readonly string[],
  periodSeconds: number,
  specs: readonly Ec2MetricSpec[] = ec2MetricSpecs,
): { queries: MetricDataQuery[]; refs: Map<string, QueryRef> } {
  const queries: MetricDataQuery[] = [];
  const refs = new Map<string, QueryRef>();
  instanceIds.forEach((resourceId, i) => {
    specs.forEach((spec, j) => {
      const id = `i${i}_${j}`;
      refs.set(id, { resourceId, spec });
      queries.push({
        Id: id,
        MetricStat: {
          Metric: { Namespace: spec.namespace, MetricName: spec.metricName, Dimensions: [{ Name: "InstanceId", Value: resourceId }] },
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
 * One result's points, converted to the seed unit; a reason string when the result cannot be
 * trusted (timestamps and values that do not pair up, a value that is not a number, a status
 * CloudWatch uses for failure).
 */
export function readMetricResult(result: MetricDataResult, ref: QueryRef, periodSeconds: number): MetricPoint[] | string {
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
    points.push({ timestamp: new Date(ms).toISOString(), value: convertMetricValue(ref.spec, v, periodSeconds) });
  }
  return points;
}

/**
 * Collects points per instance and timestamp across GetMetricData pages, and hands out one
 * MetricSample per instance per timestamp, carrying only the keys CloudWatch had points for.
 */
export interface SampleAccumulator {
  add(resourceId: string, key: MetricKey, point: MetricPoint): void;
  /** The instance's samples so far, in time order; the instance is forgotten. */
  take(resourceId: string): MetricSample[];
  drop(resourceId: string): void;
  readonly resourceIds: Iterable<string>;
}

export function createSampleAccumulator(account: string): SampleAccumulator {
  const byResource = new Map<string, Map<string, Partial<Record<MetricKey, number>>>>();
  return {
    add(resourceId, key, point) {
      let series = byResource.get(resourceId);
      if (!series) {
        series = new Map();
        byResource.set(resourceId, series);
      }
      const metrics = series.get(point.timestamp) ?? {};
      metrics[key] = point.value;
      series.set(point.timestamp, metrics);
    },
    take(resourceId) {
      const series = byResource.get(resourceId);
      byResource.delete(resourceId);
      if (!series) return [];
      return [...series.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([timestamp, metrics]) => ({ cloud: "aws" as const, account, resourceId, timestamp, metrics }));
    },
    drop(resourceId) {
      byResource.delete(resourceId);
    },
    get resourceIds() {
      return [...byResource.keys()];
    },
  };
}
