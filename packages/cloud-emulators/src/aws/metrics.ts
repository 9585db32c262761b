import { createRng, hashString } from "../rng.ts";
import { expectedKindMetrics, rawKindValues } from "./kind-metrics.ts";
import type { EmulatedResource } from "./model.ts";

/**
 * CloudWatch series of the emulated EC2 instances, derived from (seed, instance index, period
 * start, period length), so any window at any resolution is computed on demand. Only running
 * instances publish data. About half the instances run the CloudWatch agent (CWAgent
 * `mem_used_percent` / `disk_used_percent`, published with the InstanceId dimension alone, as
 * `aggregation_dimensions: [["InstanceId"]]` does); the others have no such series at all.
 * Some instances run hot: CPU, memory or disk above the warning (80/85) or critical (95) lines.
 */

export const ec2MetricNames = ["CPUUtilization", "NetworkIn", "NetworkOut"] as const;
export const agentMetricNames = ["mem_used_percent", "disk_used_percent"] as const;
export type AwsMetricName = (typeof ec2MetricNames)[number] | (typeof agentMetricNames)[number];

export interface InstanceProfile {
  publishes: boolean;
  agent: boolean;
  cpu: readonly [number, number];
  memory: readonly [number, number];
  disk: readonly [number, number];
  /** Bytes per second in, and out. */
  network: readonly [number, number];
}

export function instanceProfile(seedHash: number, item: EmulatedResource): InstanceProfile {
  const rng = createRng((seedHash ^ Math.imul(item.index + 11, 0xc2b2ae35)) >>> 0);
  const heat = rng.next();
  // Hot, warm, a few oversized (low and flat: rightsizing material), a few idle, the rest ordinary.
  const cpu: [number, number] = heat < 0.1 ? [95, 100] : heat < 0.25 ? [80, 95] : heat < 0.33 ? [3, 14] : heat < 0.37 ? [0.2, 2] : [1, 70];
  const memory: [number, number] = rng.next() < 0.2 ? [86, 99.5] : [15, 80];
  const disk: [number, number] = rng.next() < 0.12 ? [88, 99] : [5, 80];
  const spread = rng.next();
  // An idle machine only whispers on the network (health checks, NTP): about 1 KB/s.
  const busy = heat >= 0.33 && heat < 0.37 ? 1000 : 10 ** (3 + spread * 5);
  return {
    publishes: item.kind === "ec2_instance" && item.state === "running",
    agent: rng.next() < 0.5,
    cpu,
    memory,
    disk,
    network: [busy, busy * (0.2 + rng.next() * 2)],
  };
}

/** The period starts CloudWatch reports for [start, end): the start is rounded down to the period. */
export function periodStarts(startSeconds: number, endSeconds: number, period: number): number[] {
  const out: number[] = [];
  for (let t = Math.floor(startSeconds / period) * period; t < endSeconds; t += period) out.push(t);
  return out;
}

/**
 * The value of one metric for the period starting at `t` (epoch seconds), in the unit the
 * metric's usual statistic has: percent for CPU/memory/disk (Average), bytes for network (Sum).
 * Undefined when the instance does not publish that metric.
 */
export function metricValue(seedHash: number, item: EmulatedResource, profile: InstanceProfile, metric: AwsMetricName, t: number, period: number): number | undefined {
  if (!profile.publishes) return undefined;
  if ((metric === "mem_used_percent" || metric === "disk_used_percent") && !profile.agent) return undefined;
  const roll = createRng((seedHash ^ hashString(`${item.index}|${metric}|${t}|${period}`)) >>> 0).next();
  const within = ([lo, hi]: readonly [number, number]) => lo + roll * (hi - lo);
  switch (metric) {
    case "CPUUtilization":
      return within(profile.cpu);
    case "mem_used_percent":
      return within(profile.memory);
    case "disk_used_percent":
      return within(profile.disk);
    case "NetworkIn":
      return Math.round(profile.network[0] * period * (0.5 + roll));
    case "NetworkOut":
      return Math.round(profile.network[1] * period * (0.5 + roll));
  }
}

/** What a correct adapter reports for one instance and period, with the raw numbers it came from. */
export interface AwsExpectedMetricSample {
  account: string;
  resourceId: string;
  /** ISO 8601 start of the period. */
  timestamp: string;
  /** By metric name (`SuccessfulRequestLatency:GetItem` for a series per operation). */
  raw: Partial<Record<string, number>>;
  /** Metric keys, converted independently of the adapter (bytes → Mbit/s over the period, …). */
  metrics: Partial<Record<string, number>>;
}

export function expectedSample(seedHash: number, item: EmulatedResource, t: number, period: number): AwsExpectedMetricSample | undefined {
  if (item.kind !== "ec2_instance") return expectedKindSample(seedHash, item, t, period);
  const profile = instanceProfile(seedHash, item);
  if (!profile.publishes) return undefined;
  const raw: Partial<Record<AwsMetricName, number>> = {};
  for (const name of [...ec2MetricNames, ...agentMetricNames]) {
    const v = metricValue(seedHash, item, profile, name, t, period);
    if (v !== undefined) raw[name] = v;
  }
  const mbps = (bytes: number) => (bytes * 8) / 1e6 / period;
  const metrics: AwsExpectedMetricSample["metrics"] = {
    cpu_utilization: raw.CPUUtilization as number,
    network_in_mbps: mbps(raw.NetworkIn as number),
    network_out_mbps: mbps(raw.NetworkOut as number),
  };
  if (raw.mem_used_percent !== undefined) metrics.memory_utilization = raw.mem_used_percent;
  if (raw.disk_used_percent !== undefined) metrics.disk_utilization = raw.disk_used_percent;
  return { account: item.account, resourceId: item.id, timestamp: new Date(t * 1000).toISOString(), raw, metrics };
}

/**
 * Another kind's sample for the period starting at `t`; undefined when it published nothing.
 * A daily series' sample is stamped at the midnight inside the period.
 */
function expectedKindSample(seedHash: number, item: EmulatedResource, t: number, period: number): AwsExpectedMetricSample | undefined {
  const raw = rawKindValues(seedHash, item, t, period);
  if (!raw || Object.keys(raw).length === 0) return undefined;
  const metrics = expectedKindMetrics(item.kind, raw, period);
  if (Object.keys(metrics).length === 0) return undefined;
  return { account: item.account, resourceId: item.id, timestamp: new Date(t * 1000).toISOString(), raw, metrics };
}
