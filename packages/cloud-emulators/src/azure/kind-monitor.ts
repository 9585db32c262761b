import { createRng } from "../rng.ts";
import type { EstateItem } from "./estate.ts";

/**
 * Emulated Azure Monitor platform metrics of the resource types other than VMs, by the names,
 * units, default aggregations and time grains of Azure Monitor's "supported metrics" reference
 * for each type. A point's value derives from (seed, resource id, metric, grain start, grain),
 * so any window is computed on demand. Only resources whose provisioning succeeded report.
 */

export interface KindMetricDefinition {
  /** The REST API name. */
  name: string;
  unit: "Percent" | "Count" | "Bytes" | "BytesPerSecond" | "CountPerSecond" | "MilliSeconds" | "Seconds";
  /** `total` for counts over the grain; `average` for gauges and rates. */
  primary: "average" | "total";
  /** The only grains Azure publishes the metric at, when not every grain (UsedCapacity: PT1H). */
  grains?: readonly number[];
  /**
   * The value over one grain in the metric's primary aggregation, from `roll` (fresh per grain)
   * and `level` (fixed per resource), both uniform in [0, 1); undefined when the resource has
   * no such point (a web app has no function executions).
   */
  value(roll: number, level: number, grainSeconds: number, item: EstateItem, rollOf: (metric: string) => number): number | undefined;
  /**
   * A dimension the metric can be filtered on (`$filter=<dimension> eq '<value>'`), and the share
   * of the grain's value one dimension value has, from a fresh roll and the resource's level.
   */
  split?: { dimension: string; share(value: string, roll: number, level: number): number };
}

const within = (lo: number, hi: number, roll: number) => lo + roll * (hi - lo);
const round4 = (x: number) => Math.round(x * 10_000) / 10_000;
const gatewayRequests = (r: number, l: number, g: number) => Math.round(within(1, 800 * l + 2, r) * g);
const siteRequests = (r: number, l: number, g: number) => Math.round(within(0, 300 * l + 1, r) * g);

export const kindMetricDefinitions: Readonly<Record<string, readonly KindMetricDefinition[]>> = {
  "microsoft.compute/disks": [
    { name: "Composite Disk Read Bytes/sec", unit: "BytesPerSecond", primary: "average", value: (r, l) => round4(within(0, 200_000_000 * l + 1_000, r)) },
    { name: "Composite Disk Write Bytes/sec", unit: "BytesPerSecond", primary: "average", value: (r, l) => round4(within(0, 80_000_000 * l + 1_000, r)) },
    { name: "Composite Disk Read Operations/sec", unit: "CountPerSecond", primary: "average", value: (r, l) => round4(within(0, 5_000 * l + 1, r)) },
    { name: "Composite Disk Write Operations/sec", unit: "CountPerSecond", primary: "average", value: (r, l) => round4(within(0, 2_500 * l + 1, r)) },
  ],
  "microsoft.sql/servers/databases": [
    // One database in ten runs hot.
    { name: "cpu_percent", unit: "Percent", primary: "average", value: (r, l) => round4(l > 0.9 ? within(95, 100, r) : within(1, 70, r)) },
    { name: "sqlserver_process_memory_percent", unit: "Percent", primary: "average", value: (r, l) => round4(within(10, 40 + 50 * l, r)) },
    { name: "storage_percent", unit: "Percent", primary: "average", value: (r, l) => round4(within(5, 20 + 75 * l, r)) },
    { name: "sessions_count", unit: "Count", primary: "average", value: (r, l) => Math.round(within(0, 300 * l + 3, r)) },
  ],
  "microsoft.dbforpostgresql/flexibleservers": [
    { name: "cpu_percent", unit: "Percent", primary: "average", value: (r, l) => round4(l > 0.9 ? within(95, 100, r) : within(1, 70, r)) },
    { name: "memory_percent", unit: "Percent", primary: "average", value: (r, l) => round4(within(15, 45 + 50 * l, r)) },
    { name: "storage_percent", unit: "Percent", primary: "average", value: (r, l) => round4(within(5, 20 + 75 * l, r)) },
    { name: "active_connections", unit: "Count", primary: "average", value: (r, l) => Math.round(within(0, 500 * l + 2, r)) },
    { name: "read_iops", unit: "Count", primary: "average", value: (r, l) => round4(within(0, 3_000 * l + 1, r)) },
    { name: "write_iops", unit: "Count", primary: "average", value: (r, l) => round4(within(0, 1_500 * l + 1, r)) },
    { name: "network_bytes_ingress", unit: "Bytes", primary: "total", value: (r, l, g) => Math.round(within(1_000, 20_000_000 * l + 2_000, r) * g) },
    { name: "network_bytes_egress", unit: "Bytes", primary: "total", value: (r, l, g) => Math.round(within(1_000, 40_000_000 * l + 2_000, r) * g) },
  ],
  "microsoft.network/applicationgateways": [
    { name: "TotalRequests", unit: "Count", primary: "total", value: (r, l, g) => gatewayRequests(r, l, g) },
    { name: "ApplicationGatewayTotalTime", unit: "MilliSeconds", primary: "average", value: (r, l) => round4(within(5, 1_500 * l + 10, r)) },
    // A share of the same grain's requests; about one gateway in eight fails a lot.
    { name: "FailedRequests", unit: "Count", primary: "total", value: (r, l, g, _i, rollOf) => Math.round(gatewayRequests(rollOf("TotalRequests"), l, g) * r * (l > 0.875 ? 0.3 : 0.01)) },
  ],
  "microsoft.storage/storageaccounts": [
    { name: "UsedCapacity", unit: "Bytes", primary: "average", grains: [3600], value: (r, l) => Math.round(10 ** (6 + l * 7) * (0.98 + r * 0.04)) },
    { name: "Transactions", unit: "Count", primary: "total", value: (r, l, g) => Math.round(within(0, 400 * l + 1, r) * g) },
    { name: "SuccessE2ELatency", unit: "MilliSeconds", primary: "average", value: (r, l) => round4(within(2, 200 * l + 5, r)) },
  ],
  "microsoft.cdn/profiles": [
    { name: "RequestCount", unit: "Count", primary: "total", value: (r, l, g) => Math.round(within(0, 3_000 * l + 1, r) * g) },
    { name: "TotalLatency", unit: "MilliSeconds", primary: "average", value: (r, l) => round4(within(10, 800 * l + 20, r)) },
    { name: "Percentage5XX", unit: "Percent", primary: "average", value: (r, l) => round4(l > 0.9 ? within(5, 25, r) : within(0, 1, r)) },
  ],
  "microsoft.web/sites": [
    { name: "Requests", unit: "Count", primary: "total", value: (r, l, g) => siteRequests(r, l, g) },
    { name: "Http5xx", unit: "Count", primary: "total", value: (r, l, g, _i, rollOf) => Math.round(siteRequests(rollOf("Requests"), l, g) * r * (l > 0.9 ? 0.25 : 0.01)) },
    { name: "HttpResponseTime", unit: "Seconds", primary: "average", value: (r, l) => round4(within(0.01, 3 * l + 0.02, r)) },
    {
      name: "FunctionExecutionCount",
      unit: "Count",
      primary: "total",
      value: (r, l, g, item) => (item.kind?.includes("functionapp") ? Math.round(within(0, 200 * l + 1, r) * g) : undefined),
    },
  ],
  // A scale set's platform metrics aggregate its instances (the same names as a VM's); one set in ten runs hot.
  "microsoft.compute/virtualmachinescalesets": [
    { name: "Percentage CPU", unit: "Percent", primary: "average", value: (r, l) => round4(l > 0.9 ? within(95, 100, r) : within(2, 75, r)) },
    { name: "Network In Total", unit: "Bytes", primary: "total", value: (r, l, g) => Math.round(within(1_000, 8_000_000 * l + 2_000, r) * g) },
    { name: "Network Out Total", unit: "Bytes", primary: "total", value: (r, l, g) => Math.round(within(1_000, 12_000_000 * l + 2_000, r) * g) },
  ],
  // Front Door (classic): no percentage metrics; 5xx are a dimension (HttpStatusGroup) of RequestCount.
  "microsoft.network/frontdoors": [
    {
      name: "RequestCount",
      unit: "Count",
      primary: "total",
      value: (r, l, g) => Math.round(within(0, 2_000 * l + 1, r) * g),
      // About one Front Door in ten fails a lot; 4XX are the clients' own.
      split: {
        dimension: "HttpStatusGroup",
        share: (v, r, l) => (v === "5XX" ? (l > 0.9 ? within(0.05, 0.3, r) : within(0, 0.01, r)) : v === "4XX" ? within(0, 0.03, r) : 0),
      },
    },
    { name: "TotalLatency", unit: "MilliSeconds", primary: "average", value: (r, l) => round4(l > 0.9 ? within(1_200, 6_000, r) : within(15, 400, r)) },
  ],
};

export function kindMetricsOfType(armType: string): readonly KindMetricDefinition[] | undefined {
  return kindMetricDefinitions[armType.toLowerCase()];
}

export function kindReportsMetrics(item: EstateItem): boolean {
  return item.provisioningState.toLowerCase() === "succeeded";
}

function levelOf(seed: string, item: EstateItem): number {
  return createRng(`${seed}:kind-metrics:${item.id.toLowerCase()}`).next();
}

/** The value of one metric for the grain starting at `at` (ms), in its primary aggregation; undefined when absent. */
export function kindPointValue(seed: string, item: EstateItem, definition: KindMetricDefinition, at: number, grainSeconds: number): number | undefined {
  if (!kindReportsMetrics(item)) return undefined;
  if (definition.grains && !definition.grains.includes(grainSeconds)) return undefined;
  const rollOf = (metric: string) => createRng(`${seed}:kind-metrics:${item.id.toLowerCase()}:${metric}:${at}:${grainSeconds}`).next();
  return definition.value(rollOf(definition.name), levelOf(seed, item), grainSeconds, item, rollOf);
}

/** The part of a point one dimension value has (a count: whole), for `$filter=<dimension> eq '<value>'`. */
export function splitPointValue(seed: string, item: EstateItem, definition: KindMetricDefinition, at: number, grainSeconds: number, value: string): number | undefined {
  const raw = kindPointValue(seed, item, definition, at, grainSeconds);
  if (raw === undefined || !definition.split) return undefined;
  const roll = createRng(`${seed}:kind-metrics:${item.id.toLowerCase()}:${definition.name}:${definition.split.dimension}=${value}:${at}:${grainSeconds}`).next();
  const part = raw * definition.split.share(value.toUpperCase(), roll, levelOf(seed, item));
  return definition.primary === "total" ? Math.round(part) : part;
}

/** One metric of Azure Monitor's `Response` for a resource of these types (one dimension value when filtered). */
export function renderKindMetric(
  seed: string,
  item: EstateItem,
  definition: KindMetricDefinition,
  starts: readonly number[],
  grainSeconds: number,
  aggregations: readonly string[],
  filter?: { dimension: string; value: string },
): Record<string, unknown> {
  const minutes = grainSeconds / 60;
  const data = starts.map((t) => {
    const out: Record<string, unknown> = { timeStamp: new Date(t).toISOString().replace(/\.000Z$/, "Z") };
    const raw = filter ? splitPointValue(seed, item, definition, t, grainSeconds, filter.value) : kindPointValue(seed, item, definition, t, grainSeconds);
    if (raw === undefined) return out;
    // A count's total is the grain's; its average is per one-minute sample. A gauge's total is per minute summed.
    const average = definition.primary === "total" ? raw / minutes : raw;
    const total = definition.primary === "total" ? raw : raw * minutes;
    for (const a of aggregations) {
      if (a === "average") out.average = average;
      else if (a === "total") out.total = total;
      else if (a === "minimum" || a === "maximum") out[a] = average;
      else if (a === "count") out.count = minutes;
    }
    return out;
  });
  return {
    id: `${item.id}/providers/Microsoft.Insights/metrics/${definition.name}`,
    type: "Microsoft.Insights/metrics",
    name: { value: definition.name, localizedValue: definition.name },
    displayDescription: `${definition.name} of the resource.`,
    unit: definition.unit,
    timeseries: [
      {
        metadatavalues: filter ? [{ name: { value: filter.dimension.toLowerCase(), localizedValue: filter.dimension }, value: filter.value }] : [],
        data,
      },
    ],
    errorCode: "Success",
  };
}

/**
 * What a correct adapter reports for one resource over [start, end) at `periodSeconds`, converted
 * here independently of the adapter (docs/coverage.md): totals over the grain → per second,
 * bytes → Mbit/s, seconds → ms, failed or 5xx over requests → percent. An hourly metric joins
 * the sample of its hour's start.
 */
export function expectedKindSamples(
  seed: string,
  item: EstateItem,
  starts: readonly number[],
  periodSeconds: number,
  hourStarts: readonly number[],
): { timestamp: string; raw: Record<string, number>; metrics: Record<string, number> }[] {
  const definitions = kindMetricsOfType(item.type) ?? [];
  const byTime = new Map<number, Record<string, number>>();
  const put = (t: number, name: string, v: number | undefined) => {
    if (v === undefined) return;
    byTime.set(t, { ...(byTime.get(t) ?? {}), [name]: v });
  };
  for (const d of definitions) {
    if (d.grains) for (const t of hourStarts) put(t, d.name, kindPointValue(seed, item, d, t, 3600));
    else for (const t of starts) put(t, d.name, kindPointValue(seed, item, d, t, periodSeconds));
  }
  const mbps = (bytes: number, seconds: number) => (bytes * 8) / 1e6 / seconds;
  const out: { timestamp: string; raw: Record<string, number>; metrics: Record<string, number> }[] = [];
  for (const [t, raw] of [...byTime].sort(([a], [b]) => a - b)) {
    const m: Record<string, number> = {};
    const set = (key: string, v: number | undefined) => {
      if (v !== undefined) m[key] = v;
    };
    const ratio = (num: number | undefined, den: number | undefined) => (den !== undefined && den > 0 ? (100 * (num ?? 0)) / den : undefined);
    const perSecond = (v: number | undefined) => (v === undefined ? undefined : v / periodSeconds);
    switch (item.type.toLowerCase()) {
      case "microsoft.compute/disks":
        set("disk_read_mbps", raw["Composite Disk Read Bytes/sec"] === undefined ? undefined : mbps(raw["Composite Disk Read Bytes/sec"], 1));
        set("disk_write_mbps", raw["Composite Disk Write Bytes/sec"] === undefined ? undefined : mbps(raw["Composite Disk Write Bytes/sec"], 1));
        set("disk_read_iops", raw["Composite Disk Read Operations/sec"]);
        set("disk_write_iops", raw["Composite Disk Write Operations/sec"]);
        break;
      case "microsoft.sql/servers/databases":
        set("cpu_utilization", raw.cpu_percent);
        set("memory_utilization", raw.sqlserver_process_memory_percent);
        set("disk_utilization", raw.storage_percent);
        set("connections", raw.sessions_count);
        break;
      case "microsoft.dbforpostgresql/flexibleservers":
        set("cpu_utilization", raw.cpu_percent);
        set("memory_utilization", raw.memory_percent);
        set("disk_utilization", raw.storage_percent);
        set("connections", raw.active_connections);
        set("disk_read_iops", raw.read_iops);
        set("disk_write_iops", raw.write_iops);
        set("network_in_mbps", raw.network_bytes_ingress === undefined ? undefined : mbps(raw.network_bytes_ingress, periodSeconds));
        set("network_out_mbps", raw.network_bytes_egress === undefined ? undefined : mbps(raw.network_bytes_egress, periodSeconds));
        break;
      case "microsoft.network/applicationgateways":
        set("requests_per_second", perSecond(raw.TotalRequests));
        set("response_time_ms", raw.ApplicationGatewayTotalTime);
        set("error_rate", ratio(raw.FailedRequests, raw.TotalRequests));
        break;
      case "microsoft.storage/storageaccounts":
        set("storage_bytes", raw.UsedCapacity);
        set("requests_per_second", perSecond(raw.Transactions));
        set("response_time_ms", raw.SuccessE2ELatency);
        break;
      case "microsoft.cdn/profiles":
        set("requests_per_second", perSecond(raw.RequestCount));
        set("response_time_ms", raw.TotalLatency);
        set("error_rate", raw.Percentage5XX);
        break;
      case "microsoft.compute/virtualmachinescalesets":
        set("cpu_utilization", raw["Percentage CPU"]);
        set("network_in_mbps", raw["Network In Total"] === undefined ? undefined : mbps(raw["Network In Total"], periodSeconds));
        set("network_out_mbps", raw["Network Out Total"] === undefined ? undefined : mbps(raw["Network Out Total"], periodSeconds));
        break;
      case "microsoft.network/frontdoors": {
        set("requests_per_second", perSecond(raw.RequestCount));
        set("response_time_ms", raw.TotalLatency);
        const definition = definitions.find((d) => d.name === "RequestCount");
        const fivexx = definition ? splitPointValue(seed, item, definition, t, periodSeconds, "5XX") : undefined;
        set("error_rate", ratio(fivexx, raw.RequestCount));
        break;
      }
      case "microsoft.web/sites":
        set("requests_per_second", perSecond(raw.Requests));
        set("error_rate", ratio(raw.Http5xx, raw.Requests));
        set("response_time_ms", raw.HttpResponseTime === undefined ? undefined : raw.HttpResponseTime * 1000);
        set("invocations_per_second", perSecond(raw.FunctionExecutionCount));
        break;
    }
    if (Object.keys(m).length > 0) out.push({ timestamp: new Date(t).toISOString(), raw, metrics: m });
  }
  return out;
}
