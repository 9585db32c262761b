import { createRng } from "../rng.ts";
import type { EstateItem } from "./estate.ts";

/**
 * Emulated Azure Monitor platform metrics for VMs. Each VM has a profile from (seed, id) —
 * about 10 % run hot enough to be critical (CPU ≥ 95 %), 15 % above the warning line (≥ 80 %),
 * a few have a busy OS disk — and each point is derived from (seed, id, timestamp, grain).
 * Only running VMs report; a deallocated or stopped VM's points carry a timestamp and no value,
 * as Azure Monitor answers.
 */
export const vmMetricDefinitions = [
  { name: "Percentage CPU", unit: "Percent" },
  { name: "Network In Total", unit: "Bytes" },
  { name: "Network Out Total", unit: "Bytes" },
  { name: "OS Disk Bandwidth Consumed Percentage", unit: "Percent" },
  { name: "Available Memory Bytes", unit: "Bytes" },
  { name: "Disk Read Bytes", unit: "Bytes" },
  { name: "Disk Write Bytes", unit: "Bytes" },
] as const;

/** Grains Azure Monitor accepts, in seconds. */
export const monitorGrains: ReadonlyMap<string, number> = new Map([
  ["PT1M", 60],
  ["PT5M", 300],
  ["PT15M", 900],
  ["PT30M", 1800],
  ["PT1H", 3600],
  ["PT6H", 21_600],
  ["PT12H", 43_200],
  ["P1D", 86_400],
]);

/** Physical memory of the emulated VM sizes (GiB); sizes not listed have 8 GiB the client cannot know. */
const memoryGiB: Readonly<Record<string, number>> = {
  Standard_B1ls: 0.5,
  Standard_B1s: 1,
  Standard_B1ms: 2,
  Standard_B2s: 4,
  Standard_B2ms: 8,
  Standard_D2s_v5: 8,
  Standard_D2as_v5: 8,
  Standard_F2s_v2: 4,
  Standard_D4s_v5: 16,
  "Standard_E4-2s_v5": 32,
  Standard_D8s_v5: 32,
  Standard_E16s_v5: 128,
  Standard_NC6s_v3: 112,
  Standard_M128ms: 3892,
};

/** Memory of a VM size as the emulated machine has it (bytes). */
export function vmSizeMemoryBytes(vmSize: string): number {
  return (memoryGiB[vmSize] ?? 8) * 1024 ** 3;
}

/** Whether the size is one of the documented sizes (so a client can know its memory). */
export function isDocumentedSize(vmSize: string): boolean {
  return memoryGiB[vmSize] !== undefined;
}

/** The raw numbers of one point, as the wire carries them. */
export interface VmMetricPoint {
  /** ISO 8601, the start of the grain. */
  timestamp: string;
  percentageCpu: number;
  networkInTotalBytes: number;
  networkOutTotalBytes: number;
  osDiskBandwidthConsumedPercentage: number;
  availableMemoryBytes: number;
}

export function vmReportsMetrics(item: EstateItem): boolean {
  return item.vm?.powerState === "running";
}

interface Profile {
  cpu: "critical" | "warning" | "normal";
  cpuBase: number;
  netRate: number;
  diskBase: number;
  memoryUse: number;
}

function profileOf(seed: string, item: EstateItem): Profile {
  const rng = createRng(`${seed}:metrics:${item.id.toLowerCase()}`);
  const roll = rng.next();
  return {
    cpu: roll < 0.1 ? "critical" : roll < 0.25 ? "warning" : "normal",
    cpuBase: 3 + rng.next() * 55,
    netRate: 1_000 + Math.floor(rng.next() * 40_000_000),
    diskBase: rng.next() < 0.1 ? 86 + rng.next() * 10 : rng.next() * 60,
    memoryUse: 0.15 + rng.next() * 0.8,
  };
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

/** The point of one VM at one grain start (ms). */
export function vmPoint(seed: string, item: EstateItem, at: number, grainSeconds: number): VmMetricPoint {
  const profile = profileOf(seed, item);
  const rng = createRng(`${seed}:metrics:${item.id.toLowerCase()}:${at}:${grainSeconds}`);
  const cpu =
    profile.cpu === "critical"
      ? 95.5 + rng.next() * 4.4
      : profile.cpu === "warning"
        ? 80.5 + rng.next() * 13
        : Math.min(75, Math.max(0.5, profile.cpuBase + (rng.next() - 0.5) * 20));
  const bytes = (factor: number) => Math.floor(profile.netRate * grainSeconds * factor * (0.5 + rng.next()));
  const memory = vmSizeMemoryBytes(item.vm?.vmSize ?? "");
  return {
    timestamp: new Date(at).toISOString(),
    percentageCpu: round4(cpu),
    networkInTotalBytes: bytes(1),
    networkOutTotalBytes: bytes(0.4),
    osDiskBandwidthConsumedPercentage: round4(Math.min(100, Math.max(0, profile.diskBase + (rng.next() - 0.5) * 8))),
    availableMemoryBytes: Math.floor(memory * (1 - Math.min(0.99, profile.memoryUse + (rng.next() - 0.5) * 0.1))),
  };
}

/** Grain starts in [start, end), aligned to the grain (UTC epoch). */
export function grainStarts(start: number, end: number, grainSeconds: number): number[] {
  const step = grainSeconds * 1000;
  const out: number[] = [];
  for (let t = Math.ceil(start / step) * step; t < end; t += step) out.push(t);
  return out;
}

/** Azure Monitor's `Response` for one VM: the requested metrics and aggregations per grain. */
export function renderMetricsResponse(
  seed: string,
  item: EstateItem,
  window: { start: number; end: number; grainSeconds: number; interval: string; timespan: string },
  metricNames: readonly string[],
  aggregations: readonly string[],
  malformed: boolean,
): Record<string, unknown> {
  const reports = vmReportsMetrics(item);
  const points = grainStarts(window.start, window.end, window.grainSeconds).map((t) => (reports ? vmPoint(seed, item, t, window.grainSeconds) : { timestamp: new Date(t).toISOString() }));
  const minutes = window.grainSeconds / 60;
  const value = metricNames.map((name) => {
    const definition = vmMetricDefinitions.find((d) => d.name.toLowerCase() === name.toLowerCase());
    const data = points.map((p) => {
      const out: Record<string, unknown> = { timeStamp: p.timestamp.replace(/\.000Z$/, "Z") };
      const raw = "percentageCpu" in p ? rawValue(definition?.name ?? name, p) : undefined;
      if (raw === undefined) return out;
      // Percent metrics are averaged over the grain; byte metrics are totals, averaged per minute.
      const isTotal = definition?.unit === "Bytes" && definition.name !== "Available Memory Bytes";
      const average = isTotal ? raw / minutes : raw;
      const total = isTotal ? raw : raw * minutes;
      for (const a of aggregations) {
        if (a === "average") out.average = average;
        else if (a === "total") out.total = total;
        else if (a === "minimum" || a === "maximum") out[a] = average;
        else if (a === "count") out.count = minutes;
      }
      return out;
    });
    const metric: Record<string, unknown> = {
      id: `${item.id}/providers/Microsoft.Insights/metrics/${definition?.name ?? name}`,
      type: "Microsoft.Insights/metrics",
      name: { value: definition?.name ?? name, localizedValue: definition?.name ?? name },
      displayDescription: `${definition?.name ?? name} of the virtual machine.`,
      unit: definition?.unit ?? "Count",
      timeseries: [{ metadatavalues: [], data }],
      errorCode: "Success",
    };
    if (malformed) {
      // A broken answer: the metric lost its name and its points their timestamps.
      delete metric.name;
      for (const d of data) delete d.timeStamp;
    }
    return metric;
  });
  return {
    cost: points.length * metricNames.length,
    timespan: window.timespan,
    interval: window.interval,
    value,
    namespace: "Microsoft.Compute/virtualMachines",
    resourceregion: item.location.replace(/\s+/g, "").toLowerCase(),
  };
}

function rawValue(name: string, p: VmMetricPoint): number | undefined {
  switch (name) {
    case "Percentage CPU":
      return p.percentageCpu;
    case "Network In Total":
      return p.networkInTotalBytes;
    case "Network Out Total":
      return p.networkOutTotalBytes;
    case "OS Disk Bandwidth Consumed Percentage":
      return p.osDiskBandwidthConsumedPercentage;
    case "Available Memory Bytes":
      return p.availableMemoryBytes;
    default:
      // Disk bytes are served (so asking for them is valid) but not modelled: a fixed share of network.
      return name.startsWith("Disk ") ? Math.floor(p.networkInTotalBytes / 3) : undefined;
  }
}
