import { fractionToPercent } from "../metrics/health.ts";
import type { MetricKey, MetricTarget } from "../types.ts";
import { type GcpMetricSpec, type GcpRatio, gcpMetricSpecs, INSTANCE_ID, type SeriesResource } from "./normalize-metrics.ts";

/**
 * Which Cloud Monitoring series feed which kind, per GCP kind: the one table a kind adds a line
 * to (docs/coverage.md "Metrics per kind" lists the same). A kind names the monitored resource(s)
 * its series are written against and, for each, how a target becomes the value of the resource
 * label that identifies it (`instance_id` is the resource id; `database_id` is `project:name`;
 * `cluster_name` and `backend_target_name` are the resource's name); the reader filters on that
 * label and maps each series back through it.
 */
export interface GcpSeriesSource extends SeriesResource {
  /** What a label value must be, for people (an id that is not is skipped with this as the reason). */
  idRule: string;
  /** The label value of a target, or null when the target cannot have series on this resource type. */
  labelOf(target: LabelTarget): string | null;
  specs: readonly GcpMetricSpec[];
}

/** What `labelOf` may read of a target (region and fields are absent where a caller has none). */
export type LabelTarget = Pick<MetricTarget, "account" | "resourceId" | "name"> & Partial<Pick<MetricTarget, "regionCode" | "fields">>;

export interface GcpKindMetrics {
  kind: string;
  sources: readonly GcpSeriesSource[];
  ratios?: readonly GcpRatio[];
  /**
   * Targets Cloud Monitoring writes none of the kind's series for (a passthrough load balancer's
   * backend service): left out without a query and without a skip, as a VM without the Ops Agent
   * simply has no memory key.
   */
  withoutSeries?(target: LabelTarget): boolean;
}

/** The `gce_instance` resource's label is the instance id itself. */
const instanceSource: GcpSeriesSource = {
  monitoredResource: "gce_instance",
  idLabel: "instance_id",
  validId: INSTANCE_ID,
  idRule: "a Compute Engine instance id (digits only)",
  labelOf: (t) => t.resourceId,
  specs: gcpMetricSpecs,
};

/** Names that may enter a filter: letters, digits and `-_.:` (GCP names use no other). */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,254}$/;
const percent = (fraction: number) => fractionToPercent(fraction);
const asIs = (v: number) => v;
const perSecond = (sum: number, period: number) => sum / period;

const gauge = (type: string, key: MetricKey, combine: GcpMetricSpec["combine"], convert: GcpMetricSpec["convert"], more: Partial<GcpMetricSpec> = {}): GcpMetricSpec => ({
  type,
  key,
  aligner: "ALIGN_MEAN",
  combine,
  convert,
  ...more,
});
const delta = (type: string, key: MetricKey | undefined, more: Partial<GcpMetricSpec> = {}): GcpMetricSpec => ({
  type,
  ...(key ? { key } : {}),
  aligner: "ALIGN_SUM",
  combine: "sum",
  convert: perSecond,
  ...more,
});
const distribution = (type: string, key: MetricKey, convert: GcpMetricSpec["convert"]): GcpMetricSpec => ({
  type,
  key,
  aligner: "ALIGN_DELTA",
  combine: "count_weighted_mean",
  convert,
});

/** `//sqladmin.googleapis.com/projects/P/instances/N` → `P:N`, Cloud SQL's `database_id`. */
export function sqlDatabaseId(resourceId: string): string | null {
  const m = /^\/\/sqladmin\.googleapis\.com\/projects\/([^/]+)\/instances\/([^/]+)$/.exec(resourceId);
  return m ? `${m[1]}:${m[2]}` : null;
}

/** `projects/P/locations/L/services/S` → `S`, the service's name in Cloud Monitoring. */
export function cloudRunServiceName(resourceId: string): string | null {
  return /^projects\/[^/]+\/locations\/[^/]+\/services\/([^/]+)$/.exec(resourceId)?.[1] ?? null;
}

/** `projects/P/locations/L/functions/F` → `F`, the function's name in Cloud Monitoring. */
export function functionShortName(resourceId: string): string | null {
  return /^projects\/[^/]+\/locations\/[^/]+\/functions\/([^/]+)$/.exec(resourceId)?.[1] ?? null;
}

/** Where an Application Load Balancer's backend service has its request series (Cloud Monitoring's load-balancing metrics). */
export type BackendServiceSeries = "global_external" | "regional_external" | "regional_internal" | "cross_region_internal";

/** Backend protocols of Application Load Balancers (the API's default is HTTP); TCP, SSL, UDP… are network load balancers. */
const HTTP_PROTOCOLS: ReadonlySet<string> = new Set(["HTTP", "HTTPS", "HTTP2", "H2C"]);

/**
 * Which monitored resource a backend service's request, 5xx and latency series are written
 * against, from its `loadBalancingScheme`, `protocol` and location (docs/health-and-costs.md):
 *
 * - global EXTERNAL or EXTERNAL_MANAGED (global external and classic Application LBs) → `https_lb_rule`;
 * - regional EXTERNAL_MANAGED (regional external Application LB) → `http_external_regional_lb_rule`;
 * - regional INTERNAL_MANAGED (regional internal Application LB) → `internal_http_lb_rule` in its region;
 * - global INTERNAL_MANAGED (cross-region internal Application LB) → `internal_http_lb_rule` in
 *   every region its proxies run in (summed);
 * - null for the rest: passthrough network LBs (regional EXTERNAL, INTERNAL) and proxy network LBs
 *   (a TCP, SSL or UDP protocol) publish byte, packet and connection counts, not requests;
 *   INTERNAL_SELF_MANAGED (Cloud Service Mesh) publishes no load-balancer metrics.
 *
 * A target without its scheme (a caller that passes no `fields`) is read as before schemes
 * were known: a global one from `https_lb_rule`, a regional one not at all.
 */
export function backendServiceSeries(target: Pick<LabelTarget, "regionCode" | "fields">): BackendServiceSeries | null {
  const global = (target.regionCode ?? "global") === "global";
  const scheme = target.fields?.loadBalancingScheme;
  const protocol = target.fields?.protocol ?? "HTTP";
  if (!HTTP_PROTOCOLS.has(protocol)) return null;
  if (scheme === undefined) return global ? "global_external" : null;
  switch (scheme) {
    case "EXTERNAL":
      return global ? "global_external" : null;
    case "EXTERNAL_MANAGED":
      return global ? "global_external" : "regional_external";
    case "INTERNAL_MANAGED":
      return global ? "cross_region_internal" : "regional_internal";
    default:
      return null;
  }
}

/** A region code and a backend service name: `region/name`, the two labels that name a regional one. */
const REGION_AND_NAME = /^[a-z][a-z0-9-]{0,62}\/[A-Za-z0-9][A-Za-z0-9._:-]{0,254}$/;
const BACKEND_RULE = "a backend service with a name (the worker passes each target's name, region and loadBalancingScheme)";

function backendServiceLabel(series: BackendServiceSeries): (t: LabelTarget) => string | null {
  return (t) => {
    if (!t.name || backendServiceSeries(t) !== series) return null;
    return series === "regional_external" || series === "regional_internal" ? `${t.regionCode}/${t.name}` : t.name;
  };
}

/** Requests (all, and 5xx for the error rate) and total latency, ms, under one metric prefix. */
function loadBalancerSpecs(prefix: string): GcpMetricSpec[] {
  return [
    delta(`${prefix}/request_count`, "requests_per_second", { part: "requests" }),
    delta(`${prefix}/request_count`, undefined, {
      part: "5xx",
      // An INT64 label: compared unquoted.
      extraFilter: "metric.labels.response_code_class = 500",
      requiredLabel: { name: "response_code_class", value: "500" },
    }),
    distribution(`${prefix}/total_latencies`, "response_time_ms", asIs),
  ];
}

const functionSpecs = {
  gen1: [
    delta("cloudfunctions.googleapis.com/function/execution_count", "invocations_per_second", { part: "executions" }),
    delta("cloudfunctions.googleapis.com/function/execution_count", undefined, {
      part: "ok",
      extraFilter: 'metric.labels.status = "ok"',
      requiredLabel: { name: "status", value: "ok" },
    }),
    // Nanoseconds.
    distribution("cloudfunctions.googleapis.com/function/execution_times", "duration_ms", (ns) => ns / 1_000_000),
  ],
  gen2: [
    delta("run.googleapis.com/request_count", "invocations_per_second", { part: "requests" }),
    delta("run.googleapis.com/request_count", undefined, {
      part: "5xx",
      extraFilter: 'metric.labels.response_code_class = "5xx"',
      requiredLabel: { name: "response_code_class", value: "5xx" },
    }),
    distribution("run.googleapis.com/request_latencies", "duration_ms", asIs),
  ],
};

export const gcpKindMetrics: readonly GcpKindMetrics[] = [
  { kind: "gce_instance", sources: [instanceSource] },
  {
    kind: "gcp_sql_instance",
    sources: [
      {
        monitoredResource: "cloudsql_database",
        idLabel: "database_id",
        validId: SAFE_NAME,
        idRule: "a Cloud SQL instance (//sqladmin.googleapis.com/projects/P/instances/N)",
        labelOf: (t) => sqlDatabaseId(t.resourceId),
        specs: [
          gauge("cloudsql.googleapis.com/database/cpu/utilization", "cpu_utilization", "max", percent),
          gauge("cloudsql.googleapis.com/database/memory/utilization", "memory_utilization", "max", percent),
          gauge("cloudsql.googleapis.com/database/disk/utilization", "disk_utilization", "max", percent),
          // MySQL and SQL Server publish connections; PostgreSQL publishes backends per database (summed).
          gauge("cloudsql.googleapis.com/database/network/connections", "connections", "sum", asIs),
          gauge("cloudsql.googleapis.com/database/postgresql/num_backends", "connections", "sum", asIs, { part: "backends" }),
          delta("cloudsql.googleapis.com/database/disk/read_ops_count", "disk_read_iops"),
          delta("cloudsql.googleapis.com/database/disk/write_ops_count", "disk_write_iops"),
        ],
      },
    ],
  },
  {
    kind: "gcs_bucket",
    sources: [
      {
        monitoredResource: "gcs_bucket",
        idLabel: "bucket_name",
        validId: SAFE_NAME,
        idRule: "a bucket name",
        labelOf: (t) => t.resourceId,
        specs: [
          // Per storage class, summed; measured once a day and sampled every 300 s.
          gauge("storage.googleapis.com/storage/total_bytes", "storage_bytes", "sum", asIs),
          gauge("storage.googleapis.com/storage/object_count", "object_count", "sum", asIs),
          delta("storage.googleapis.com/api/request_count", "requests_per_second"),
        ],
      },
    ],
  },
  {
    kind: "gcp_backend_service",
    // One source per load-balancer family (backendServiceSeries); a target is named on one only.
    sources: [
      {
        monitoredResource: "https_lb_rule",
        idLabel: "backend_target_name",
        validId: SAFE_NAME,
        idRule: BACKEND_RULE,
        labelOf: backendServiceLabel("global_external"),
        specs: loadBalancerSpecs("loadbalancing.googleapis.com/https"),
      },
      {
        monitoredResource: "http_external_regional_lb_rule",
        idLabel: "backend_target_name",
        scopeLabel: "region",
        validId: REGION_AND_NAME,
        idRule: BACKEND_RULE,
        labelOf: backendServiceLabel("regional_external"),
        specs: loadBalancerSpecs("loadbalancing.googleapis.com/https/external/regional"),
      },
      {
        monitoredResource: "internal_http_lb_rule",
        idLabel: "backend_target_name",
        scopeLabel: "region",
        validId: REGION_AND_NAME,
        idRule: BACKEND_RULE,
        labelOf: backendServiceLabel("regional_internal"),
        specs: loadBalancerSpecs("loadbalancing.googleapis.com/https/internal"),
      },
      {
        // Cross-region: the proxies of every region write under the service's name, summed.
        monitoredResource: "internal_http_lb_rule",
        idLabel: "backend_target_name",
        validId: SAFE_NAME,
        idRule: BACKEND_RULE,
        labelOf: backendServiceLabel("cross_region_internal"),
        specs: loadBalancerSpecs("loadbalancing.googleapis.com/https/internal"),
      },
    ],
    ratios: [{ key: "error_rate", numerators: ["5xx"], denominator: "requests" }],
    // Named, with a scheme that says where its series are, and that place has none cloudsync reads.
    withoutSeries: (t) =>
      Boolean(t.name) &&
      backendServiceSeries(t) === null &&
      (t.fields?.loadBalancingScheme !== undefined || (t.fields?.protocol !== undefined && !HTTP_PROTOCOLS.has(t.fields.protocol))),
  },
  {
    kind: "gke_cluster",
    sources: [
      {
        monitoredResource: "k8s_node",
        idLabel: "cluster_name",
        validId: SAFE_NAME,
        idRule: "a GKE cluster with a name (the worker passes each target's name)",
        labelOf: (t) => t.name ?? null,
        specs: [
          // The cluster's utilization is its nodes' mean: one hot node is the scheduler's business.
          gauge("kubernetes.io/node/cpu/allocatable_utilization", "cpu_utilization", "mean", percent),
          // Non-evictable memory is what cannot be reclaimed (page cache is evictable).
          gauge("kubernetes.io/node/memory/allocatable_utilization", "memory_utilization", "mean", percent, {
            extraFilter: 'metric.labels.memory_type = "non-evictable"',
            requiredLabel: { name: "memory_type", value: "non-evictable" },
          }),
        ],
      },
    ],
  },
  {
    kind: "cloud_function",
    sources: [
      {
        // 1st gen functions.
        monitoredResource: "cloud_function",
        idLabel: "function_name",
        validId: SAFE_NAME,
        idRule: "a function (projects/P/locations/L/functions/F)",
        labelOf: (t) => functionShortName(t.resourceId),
        specs: functionSpecs.gen1,
      },
      {
        // 2nd gen functions are Cloud Run services of the function's name.
        monitoredResource: "cloud_run_revision",
        idLabel: "service_name",
        validId: SAFE_NAME,
        idRule: "a function (projects/P/locations/L/functions/F)",
        labelOf: (t) => functionShortName(t.resourceId),
        specs: functionSpecs.gen2,
      },
    ],
    ratios: [
      { key: "error_rate", numerators: ["ok"], denominator: "executions", complement: true },
      { key: "error_rate", numerators: ["5xx"], denominator: "requests" },
    ],
  },
  {
    // The series Cloud Run writes per revision, labelled with its service's name (the same
    // monitored resource as 2nd gen functions): requests, their latency, 5xx answers, and the
    // containers' CPU and memory utilization (distributions of fractions, mean per period).
    kind: "cloud_run_service",
    sources: [
      {
        monitoredResource: "cloud_run_revision",
        idLabel: "service_name",
        validId: SAFE_NAME,
        idRule: "a Cloud Run service (projects/P/locations/L/services/S)",
        labelOf: (t) => cloudRunServiceName(t.resourceId),
        specs: [
          delta("run.googleapis.com/request_count", "requests_per_second", { part: "requests" }),
          delta("run.googleapis.com/request_count", undefined, {
            part: "5xx",
            extraFilter: 'metric.labels.response_code_class = "5xx"',
            requiredLabel: { name: "response_code_class", value: "5xx" },
          }),
          distribution("run.googleapis.com/request_latencies", "response_time_ms", asIs),
          distribution("run.googleapis.com/container/cpu/utilizations", "cpu_utilization", percent),
          distribution("run.googleapis.com/container/memory/utilizations", "memory_utilization", percent),
        ],
      },
    ],
    ratios: [{ key: "error_rate", numerators: ["5xx"], denominator: "requests" }],
  },
  {
    kind: "bigquery_dataset",
    sources: [
      {
        monitoredResource: "bigquery_dataset",
        idLabel: "dataset_id",
        validId: SAFE_NAME,
        idRule: "a dataset (project:dataset)",
        labelOf: (t) => t.resourceId.split(":").pop() || null,
        // Per table, summed; sampled every 1800 s, so a 5-minute period carries it one time in six.
        specs: [gauge("bigquery.googleapis.com/storage/stored_bytes", "storage_bytes", "sum", asIs)],
      },
    ],
  },
];

const byKind = new Map(gcpKindMetrics.map((t) => [t.kind, t]));

export function gcpMetricsFor(kind: string): GcpKindMetrics | undefined {
  return byKind.get(kind);
}

/** Every spec of a kind, over its sources. */
export function specsOf(table: GcpKindMetrics): GcpMetricSpec[] {
  return table.sources.flatMap((s) => [...s.specs]);
}

/** The metric keys of a kind (empty when Cloud Monitoring has none cloudsync reads): its specs', then its ratios', each once. */
export function gcpKeysOf(kind: string): MetricKey[] {
  const table = byKind.get(kind);
  if (!table) return [];
  return [...new Set([...specsOf(table).flatMap((s) => (s.key ? [s.key] : [])), ...(table.ratios ?? []).map((r) => r.key)])];
}
