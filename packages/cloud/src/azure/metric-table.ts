import type { MetricKey } from "../types.ts";

/**
 * Which Azure Monitor platform metrics feed which cloudsync metric key, per kind of the generic
 * `resources.list` reader: the one table a kind adds a line to (docs/coverage.md "Metrics per
 * kind" lists the same). VMs keep their own normalizer (normalize-metrics.ts), because memory
 * needs the VM size. Metric names are the "Name in REST API" of Azure Monitor's supported-metrics
 * reference for the resource type.
 */

/**
 * How a metric's value becomes our unit:
 * - `as_is`: already ours (percent, count, milliseconds, bytes, operations per second);
 * - `seconds_to_ms`: seconds → milliseconds;
 * - `total_per_second`: a Total over the grain → per second;
 * - `bytes_total_to_mbps`: a Total of bytes over the grain → megabits per second;
 * - `bytes_per_second_to_mbps`: bytes per second → megabits per second.
 */
export type AzureUnit = "as_is" | "seconds_to_ms" | "total_per_second" | "bytes_total_to_mbps" | "bytes_per_second_to_mbps";

export interface AzureMetricSpec {
  /** The metric's REST API name, e.g. `cpu_percent`, `Composite Disk Read Bytes/sec`. */
  metric: string;
  aggregation: "Average" | "Total" | "Maximum";
  /** The key it becomes; omitted for a metric that only feeds a ratio. */
  key?: MetricKey;
  unit: AzureUnit;
  /** The name its raw value goes by in `ratios`. */
  part?: string;
  /** A grain the metric is published at only (storage capacity: hourly), in seconds. */
  grainSeconds?: number;
  /**
   * One dimension value (`$filter`, e.g. `HttpStatusGroup eq '5XX'`): the metric's part with that
   * value. A `$filter` applies to its whole request, so such a spec is asked in a request of its own.
   */
  filter?: string;
}

/** `key` = 100 × Σ numerators / denominator over one grain's raw values; absent without a non-zero denominator. */
export interface AzureRatio {
  key: MetricKey;
  numerators: readonly string[];
  denominator: string;
}

export interface AzureKindMetrics {
  kind: string;
  specs: readonly AzureMetricSpec[];
  ratios?: readonly AzureRatio[];
}

export const azureKindMetrics: readonly AzureKindMetrics[] = [
  {
    kind: "azure_disk",
    specs: [
      { metric: "Composite Disk Read Bytes/sec", aggregation: "Average", key: "disk_read_mbps", unit: "bytes_per_second_to_mbps" },
      { metric: "Composite Disk Write Bytes/sec", aggregation: "Average", key: "disk_write_mbps", unit: "bytes_per_second_to_mbps" },
      { metric: "Composite Disk Read Operations/sec", aggregation: "Average", key: "disk_read_iops", unit: "as_is" },
      { metric: "Composite Disk Write Operations/sec", aggregation: "Average", key: "disk_write_iops", unit: "as_is" },
    ],
  },
  {
    kind: "azure_sql_database",
    specs: [
      { metric: "cpu_percent", aggregation: "Average", key: "cpu_utilization", unit: "as_is" },
      { metric: "sqlserver_process_memory_percent", aggregation: "Average", key: "memory_utilization", unit: "as_is" },
      { metric: "storage_percent", aggregation: "Maximum", key: "disk_utilization", unit: "as_is" },
      { metric: "sessions_count", aggregation: "Average", key: "connections", unit: "as_is" },
    ],
  },
  {
    kind: "azure_postgres_flexible",
    specs: [
      { metric: "cpu_percent", aggregation: "Average", key: "cpu_utilization", unit: "as_is" },
      { metric: "memory_percent", aggregation: "Average", key: "memory_utilization", unit: "as_is" },
      { metric: "storage_percent", aggregation: "Maximum", key: "disk_utilization", unit: "as_is" },
      { metric: "active_connections", aggregation: "Average", key: "connections", unit: "as_is" },
      { metric: "read_iops", aggregation: "Average", key: "disk_read_iops", unit: "as_is" },
      { metric: "write_iops", aggregation: "Average", key: "disk_write_iops", unit: "as_is" },
      { metric: "network_bytes_ingress", aggregation: "Total", key: "network_in_mbps", unit: "bytes_total_to_mbps" },
      { metric: "network_bytes_egress", aggregation: "Total", key: "network_out_mbps", unit: "bytes_total_to_mbps" },
    ],
  },
  {
    kind: "azure_app_gateway",
    specs: [
      { metric: "TotalRequests", aggregation: "Total", key: "requests_per_second", unit: "total_per_second", part: "requests" },
      { metric: "ApplicationGatewayTotalTime", aggregation: "Average", key: "response_time_ms", unit: "as_is" },
      // Application Gateway counts the requests it failed (5xx from itself or the backends) as FailedRequests.
      { metric: "FailedRequests", aggregation: "Total", unit: "as_is", part: "failed" },
    ],
    ratios: [{ key: "error_rate", numerators: ["failed"], denominator: "requests" }],
  },
  {
    kind: "azure_storage_account",
    specs: [
      // Capacity is published once an hour only.
      { metric: "UsedCapacity", aggregation: "Average", key: "storage_bytes", unit: "as_is", grainSeconds: 3600 },
      { metric: "Transactions", aggregation: "Total", key: "requests_per_second", unit: "total_per_second" },
      { metric: "SuccessE2ELatency", aggregation: "Average", key: "response_time_ms", unit: "as_is" },
    ],
  },
  {
    kind: "azure_cdn_profile",
    specs: [
      { metric: "RequestCount", aggregation: "Total", key: "requests_per_second", unit: "total_per_second" },
      { metric: "TotalLatency", aggregation: "Average", key: "response_time_ms", unit: "as_is" },
      { metric: "Percentage5XX", aggregation: "Average", key: "error_rate", unit: "as_is" },
    ],
  },
  {
    kind: "azure_app_service",
    specs: [
      { metric: "Requests", aggregation: "Total", key: "requests_per_second", unit: "total_per_second", part: "requests" },
      { metric: "Http5xx", aggregation: "Total", unit: "as_is", part: "http5xx" },
      { metric: "HttpResponseTime", aggregation: "Average", key: "response_time_ms", unit: "seconds_to_ms" },
      // Function apps only; a web app has no such points and the key stays absent.
      { metric: "FunctionExecutionCount", aggregation: "Total", key: "invocations_per_second", unit: "total_per_second" },
    ],
    ratios: [{ key: "error_rate", numerators: ["http5xx"], denominator: "requests" }],
  },
  {
    // A scale set's platform metrics are its instances' aggregated; memory needs each instance's size
    // (as for VMs) and is not read.
    kind: "azure_vmss",
    specs: [
      { metric: "Percentage CPU", aggregation: "Average", key: "cpu_utilization", unit: "as_is" },
      { metric: "Network In Total", aggregation: "Total", key: "network_in_mbps", unit: "bytes_total_to_mbps" },
      { metric: "Network Out Total", aggregation: "Total", key: "network_out_mbps", unit: "bytes_total_to_mbps" },
    ],
  },
  {
    // Front Door (classic) has no percentage metrics: its 5xx share is RequestCount filtered on the
    // HttpStatusGroup dimension over all requests. Standard/Premium profiles are `azure_cdn_profile`.
    kind: "azure_front_door",
    specs: [
      { metric: "RequestCount", aggregation: "Total", key: "requests_per_second", unit: "total_per_second", part: "requests" },
      { metric: "TotalLatency", aggregation: "Average", key: "response_time_ms", unit: "as_is" },
      { metric: "RequestCount", aggregation: "Total", unit: "as_is", part: "5xx", filter: "HttpStatusGroup eq '5XX'" },
    ],
    ratios: [{ key: "error_rate", numerators: ["5xx"], denominator: "requests" }],
  },
];

const byKind = new Map(azureKindMetrics.map((t) => [t.kind, t]));

export function azureMetricsFor(kind: string): AzureKindMetrics | undefined {
  return byKind.get(kind);
}

/** The keys a kind reports: its specs' keys, then its ratios', each once. */
export function azureKeysOf(kind: string): MetricKey[] {
  const table = byKind.get(kind);
  if (!table) return [];
  return [...new Set([...table.specs.flatMap((s) => (s.key ? [s.key] : [])), ...(table.ratios ?? []).map((r) => r.key)])];
}

/** The requests one resource needs: its specs grouped by grain (the asked one, or the metric's own) and dimension filter. */
export function requestsFor(table: AzureKindMetrics, periodSeconds: number): { grainSeconds: number; filter?: string; specs: AzureMetricSpec[] }[] {
  const groups = new Map<string, { grainSeconds: number; filter?: string; specs: AzureMetricSpec[] }>();
  for (const spec of table.specs) {
    const grainSeconds = spec.grainSeconds ?? periodSeconds;
    const key = `${grainSeconds}|${spec.filter ?? ""}`;
    const group = groups.get(key) ?? { grainSeconds, ...(spec.filter ? { filter: spec.filter } : {}), specs: [] };
    group.specs.push(spec);
    groups.set(key, group);
  }
  return [...groups.values()];
}
