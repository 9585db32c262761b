/**
 * Cloud Monitoring time series for the estate's VMs, derived deterministically from
 * (seed, instance id, metric, period end) so a test can ask for the values it should get.
 *
 * - Only RUNNING instances report. About one in ten runs hot (CPU ≥ 95 %, critical) and one in
 *   ten warm (80–94 %, warning); the rest 2–70 %.
 * - Network bytes: one `loadbalanced=false` series per VM, plus a `loadbalanced=true` one for a
 *   quarter of them (the adapter must add both).
 * - The Ops Agent is installed on a third of the VMs: `agent.googleapis.com/memory/percent_used`
 *   and `…/disk/percent_used` (devices sda1 and sdb); the others have no such series.
 */
import { createRng, hashString } from "../rng.ts";
import type { GcpEstate } from "./estate.ts";
import type { GeneratedItem } from "./items.ts";

export type MetricKindName = "GAUGE" | "DELTA";
export type ValueTypeName = "DOUBLE" | "INT64";

export interface MetricDefinition {
  type: string;
  metricKind: MetricKindName;
  valueType: ValueTypeName;
  agent: boolean;
  /** Per-VM series: their metric labels. */
  series(instance: GeneratedItem, seed: string): Record<string, string>[];
  /** The raw value of one series in the period ending at `endSeconds`. */
  value(seed: string, instanceId: string, labels: Record<string, string>, endSeconds: number, periodSeconds: number): number;
}

export const CPU = "compute.googleapis.com/instance/cpu/utilization";
export const RECEIVED = "compute.googleapis.com/instance/network/received_bytes_count";
export const SENT = "compute.googleapis.com/instance/network/sent_bytes_count";
export const MEMORY = "agent.googleapis.com/memory/percent_used";
export const DISK = "agent.googleapis.com/disk/percent_used";

export function agentInstalled(seed: string, instanceId: string): boolean {
  return hashString(`${seed}|agent|${instanceId}`) % 3 === 0;
}

/** 0: critical CPU, 1: warning CPU, else normal. */
export function cpuClass(seed: string, instanceId: string): number {
  return hashString(`${seed}|cpu-class|${instanceId}`) % 10;
}

const bytesSeries = (instance: GeneratedItem, seed: string) => {
  const name = instance.raw.name as string;
  const out = [{ instance_name: name, loadbalanced: "false" }];
  if (hashString(`${seed}|lb|${instance.raw.id as string}`) % 4 === 0) out.push({ instance_name: name, loadbalanced: "true" });
  return out;
};

const bytes = (seed: string, id: string, labels: Record<string, string>, end: number, period: number, metric: string) =>
  createRng(`${seed}|${metric}|${id}|${labels.loadbalanced}|${end}|${period}`).int(0, 2_000_000) * period;

export const metricDefinitions: readonly MetricDefinition[] = [
  {
    type: CPU,
    metricKind: "GAUGE",
    valueType: "DOUBLE",
    agent: false,
    series: (instance) => [{ instance_name: instance.raw.name as string }],
    value(seed, id, _labels, end, period) {
      const rng = createRng(`${seed}|cpu|${id}|${end}|${period}`);
      const cls = cpuClass(seed, id);
      // Basis points, so the fraction is a short decimal.
      const bp = cls === 0 ? rng.int(9_550, 9_950) : cls === 1 ? rng.int(8_100, 9_400) : rng.int(200, 7_000);
      return bp / 10_000;
    },
  },
  {
    type: RECEIVED,
    metricKind: "DELTA",
    valueType: "INT64",
    agent: false,
    series: bytesSeries,
    value: (seed, id, labels, end, period) => bytes(seed, id, labels, end, period, "rx"),
  },
  {
    type: SENT,
    metricKind: "DELTA",
    valueType: "INT64",
    agent: false,
    series: bytesSeries,
    value: (seed, id, labels, end, period) => bytes(seed, id, labels, end, period, "tx"),
  },
  {
    type: MEMORY,
    metricKind: "GAUGE",
    valueType: "DOUBLE",
    agent: true,
    series: () => [{ state: "used" }, { state: "free" }],
    value(seed, id, labels, end, period) {
      const used = createRng(`${seed}|mem|${id}|${end}|${period}`).int(200, 970) / 10;
      return labels.state === "used" ? used : Math.round((100 - used) * 10) / 10;
    },
  },
  {
    type: DISK,
    metricKind: "GAUGE",
    valueType: "DOUBLE",
    agent: true,
    series: () => [
      { device: "sda1", state: "used" },
      { device: "sda1", state: "free" },
      { device: "sdb", state: "used" },
      { device: "sdb", state: "free" },
    ],
    value(seed, id, labels, end, period) {
      const used = createRng(`${seed}|disk|${id}|${labels.device}|${end}|${period}`).int(50, 990) / 10;
      return labels.state === "used" ? used : Math.round((100 - used) * 10) / 10;
    },
  },
];

/** What the adapter is expected to report for one instance and period. */
export interface GcpExpectedMetricSample {
  account: string;
  resourceId: string;
  /** ISO 8601 start of the period. */
  timestamp: string;
  metrics: Partial<Record<"cpu_utilization" | "memory_utilization" | "disk_utilization" | "network_in_mbps" | "network_out_mbps", number>>;
}

/** Period ends, newest first, as Cloud Monitoring aligns them: back from the interval's end. */
export function periodEnds(startSeconds: number, endSeconds: number, periodSeconds: number): number[] {
  const ends: number[] = [];
  for (let end = endSeconds; end - periodSeconds >= startSeconds; end -= periodSeconds) ends.push(end);
  return ends;
}

export class GcpMonitoring {
  constructor(
    private readonly estate: GcpEstate,
    private readonly seed: string,
  ) {}

  /** The running instance with this id in this project, or null. */
  instance(project: string, id: string): GeneratedItem | null {
    const found = this.estate.find(id);
    if (!found || found.project !== project || found.kind !== "instance") return null;
    return found.item.raw.status === "RUNNING" ? found.item : null;
  }

  /** Running instances of a project, in list order. */
  *instances(project: string): Generator<GeneratedItem> {
    const end = this.estate.positions(project, "instance");
    for (let p = 0; p < end; p++) {
      const item = this.estate.itemAt(project, "instance", p);
      if (item && item.raw.status === "RUNNING") yield item;
    }
  }

  /** Expected samples (same conversions as the adapter's contract: fraction → %, bytes → Mbps). */
  expected(
    project: string,
    options: { instanceIds?: readonly string[]; start: Date; end: Date; periodSeconds?: number },
  ): GcpExpectedMetricSample[] {
    const period = options.periodSeconds ?? 300;
    const startSeconds = Math.floor(options.start.getTime() / 1000);
    const endSeconds = Math.ceil(options.end.getTime() / 1000);
    const items = options.instanceIds
      ? options.instanceIds.map((id) => this.instance(project, id)).filter((i): i is GeneratedItem => i !== null)
      : [...this.instances(project)];
    const out: GcpExpectedMetricSample[] = [];
    for (const item of items) {
      const id = item.raw.id as string;
      const agent = agentInstalled(this.seed, id);
      for (const end of periodEnds(startSeconds, endSeconds, period).reverse()) {
        const start = (end - period) * 1000;
        if (start < options.start.getTime() || start >= options.end.getTime()) continue;
        const metrics: GcpExpectedMetricSample["metrics"] = {};
        for (const def of metricDefinitions) {
          if (def.agent && !agent) continue;
          const values = def
            .series(item, this.seed)
            .filter((labels) => labels.state === undefined || labels.state === "used")
            .map((labels) => def.value(this.seed, id, labels, end, period));
          if (def.type === CPU) metrics.cpu_utilization = (values[0] as number) * 100;
          if (def.type === RECEIVED) metrics.network_in_mbps = (values.reduce((a, b) => a + b, 0) * 8) / 1_000_000 / period;
          if (def.type === SENT) metrics.network_out_mbps = (values.reduce((a, b) => a + b, 0) * 8) / 1_000_000 / period;
          if (def.type === MEMORY) metrics.memory_utilization = Math.max(...values);
          if (def.type === DISK) metrics.disk_utilization = Math.max(...values);
        }
        out.push({ account: project, resourceId: id, timestamp: new Date(start).toISOString(), metrics });
      }
    }
    return out;
  }
}
