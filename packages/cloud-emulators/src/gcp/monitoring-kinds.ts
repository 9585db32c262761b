/**
 * Cloud Monitoring series of the estate's resources other than VMs, on the monitored resources
 * and with the labels Cloud Monitoring's metric list documents for each product:
 *
 * - Cloud SQL (`cloudsql_database`, `database_id` = `project:instance`): CPU, memory and disk
 *   utilization as fractions; `network/connections` for MySQL and SQL Server, or
 *   `postgresql/num_backends` per database for PostgreSQL; read and write operation counts.
 * - Cloud Storage (`gcs_bucket`, `bucket_name`): `storage/total_bytes` and `storage/object_count`
 *   per storage class, `api/request_count` per method and response code.
 * - Application Load Balancers, per backend service (`backend_target_name` = its name):
 *   `request_count` per response code class (an INT64 label: 200, 400, 500) and `total_latencies`
 *   (a distribution, ms) — global external ones under `https/` on `https_lb_rule`, regional
 *   external ones (EXTERNAL_MANAGED) under `https/external/regional/` on
 *   `http_external_regional_lb_rule`, regional internal ones (INTERNAL_MANAGED) under
 *   `https/internal/` on `internal_http_lb_rule`; the regional resources carry the region label.
 * - GKE (`k8s_node`, `cluster_name`): per node, `node/cpu/allocatable_utilization` and
 *   `node/memory/allocatable_utilization` per memory type (fractions).
 * - Cloud Functions 1st gen (`cloud_function`, `function_name`): `function/execution_count` per
 *   status, `function/execution_times` (distribution, ns). 2nd gen functions are Cloud Run
 *   services (`cloud_run_revision`, `service_name`): `request_count` per response code class,
 *   `request_latencies` (distribution, ms).
 * - Cloud Run services (`cloud_run_revision`, `service_name`): the same two, plus
 *   `container/cpu/utilizations` and `container/memory/utilizations` (distributions of fractions).
 * - BigQuery (`bigquery_dataset`, `dataset_id`): `storage/stored_bytes` per table, sampled every
 *   1800 s (a shorter period holds a point only when it holds a sampling instant).
 *
 * Values derive from (seed, resource, metric, labels, period end, period), so any window is
 * computed on demand. Only running resources publish. About one resource in ten runs hot.
 */
import { createRng, hashString } from "../rng.ts";
import type { GcpEstate } from "./estate.ts";
import type { EmulatorKind, GeneratedItem } from "./items.ts";

export type KindValueType = "DOUBLE" | "INT64" | "DISTRIBUTION";

/** One distribution point: how many values and their mean (all the reader needs of one). */
export interface DistributionPoint {
  count: number;
  mean: number;
}

export interface KindSeriesLabels {
  metric: Record<string, string>;
  /** Resource labels besides the identifying one and project_id (a node's name, a zone). */
  resource: Record<string, string>;
}

export interface KindMetricDefinition {
  type: string;
  metricKind: "GAUGE" | "DELTA";
  valueType: KindValueType;
  kind: EmulatorKind;
  monitoredResource: string;
  idLabel: string;
  /** The value of `idLabel` for this item, or null when it publishes nothing on this resource type. */
  labelOf(item: GeneratedItem, project: string): string | null;
  series(item: GeneratedItem, seed: string): KindSeriesLabels[];
  /** The raw value of one series in the period ending at `end` (epoch seconds), or undefined when there is no point. */
  value(seed: string, item: GeneratedItem, labels: KindSeriesLabels, end: number, period: number): number | DistributionPoint | undefined;
}

const roll = (seed: string, item: GeneratedItem, what: string, end: number, period: number) => createRng(`${seed}|${what}|${item.id}|${end}|${period}`).next();
/** Fixed per resource: 0.9 and above is a hot one. */
const levelOf = (seed: string, item: GeneratedItem) => createRng(`${seed}|level|${item.id}`).next();
const within = (lo: number, hi: number, r: number) => lo + r * (hi - lo);
/** Fractions to four decimals, so converted percentages are short decimals. */
const frac = (x: number) => Math.round(x * 10_000) / 10_000;

const sqlDatabaseId = (item: GeneratedItem, project: string) => `${project}:${item.raw.name as string}`;
const isPostgres = (item: GeneratedItem) => String(item.raw.databaseVersion).startsWith("POSTGRES");
const functionName = (item: GeneratedItem) => (item.raw.name as string).split("/").pop() as string;
const gen2 = (item: GeneratedItem) => item.raw.environment === "GEN_2";
/** Nodes a GKE cluster reports series for (capped: a few nodes are enough to average). */
const nodesOf = (item: GeneratedItem) => Math.min(4, Number(item.raw.currentNodeCount ?? 0));

/** Requests of one load-balancer response class in a period; one balancer in eight has a 5xx storm. */
function lbRequests(seed: string, item: GeneratedItem, cls: string, end: number, period: number): number {
  const base = Math.round(within(1, 400, roll(seed, item, "lb-req", end, period)) * period);
  if (cls === "200") return base;
  if (cls === "400") return Math.round(base * 0.02);
  return Math.round(base * (levelOf(seed, item) > 0.875 ? 0.12 : 0.003) * roll(seed, item, "lb-5xx", end, period));
}

function executions(seed: string, item: GeneratedItem, status: string, end: number, period: number): number {
  const all = Math.round(within(0, 20, roll(seed, item, "fn-exec", end, period)) * period);
  const errorShare = levelOf(seed, item) > 0.9 ? 0.3 : 0.005;
  const errors = Math.round(all * errorShare * roll(seed, item, "fn-err", end, period));
  return status === "ok" ? all - errors : errors;
}

/** Application Load Balancer families: the metric prefix and monitored resource of each (Cloud Monitoring's load-balancing metrics). */
const loadBalancerFamilies = [
  { prefix: "loadbalancing.googleapis.com/https", monitoredResource: "https_lb_rule" },
  { prefix: "loadbalancing.googleapis.com/https/external/regional", monitoredResource: "http_external_regional_lb_rule" },
  { prefix: "loadbalancing.googleapis.com/https/internal", monitoredResource: "internal_http_lb_rule" },
] as const;

/**
 * The family a backend service publishes under, from its location and scheme (the estate's are
 * all HTTP-family): global ones are external; regional EXTERNAL_MANAGED ones regional external,
 * INTERNAL_MANAGED ones internal.
 */
function lbFamilyOf(item: GeneratedItem): (typeof loadBalancerFamilies)[number] | null {
  const scheme = item.raw.loadBalancingScheme;
  if (item.region === "global") return scheme === "EXTERNAL_MANAGED" || scheme === "EXTERNAL" ? loadBalancerFamilies[0] : null;
  if (scheme === "EXTERNAL_MANAGED") return loadBalancerFamilies[1];
  if (scheme === "INTERNAL_MANAGED") return loadBalancerFamilies[2];
  return null;
}

export const kindMetricDefinitions: readonly KindMetricDefinition[] = [
  ...(
    [
      ["cpu/utilization", (l: number, r: number) => (l > 0.9 ? within(0.955, 0.995, r) : within(0.02, 0.7, r))],
      ["memory/utilization", (l: number, r: number) => within(0.2, 0.4 + 0.5 * l, r)],
      ["disk/utilization", (l: number, r: number) => within(0.05, 0.3 + 0.6 * l, r)],
    ] as const
  ).map(
    ([path, f]): KindMetricDefinition => ({
      type: `cloudsql.googleapis.com/database/${path}`,
      metricKind: "GAUGE",
      valueType: "DOUBLE",
      kind: "sqlInstance",
      monitoredResource: "cloudsql_database",
      idLabel: "database_id",
      labelOf: sqlDatabaseId,
      series: (item) => [{ metric: {}, resource: { region: item.region } }],
      value: (seed, item, _labels, end, period) => frac(f(levelOf(seed, item), roll(seed, item, path, end, period))),
    }),
  ),
  {
    type: "cloudsql.googleapis.com/database/network/connections",
    metricKind: "GAUGE",
    valueType: "INT64",
    kind: "sqlInstance",
    monitoredResource: "cloudsql_database",
    idLabel: "database_id",
    // MySQL and SQL Server only.
    labelOf: (item, project) => (isPostgres(item) ? null : sqlDatabaseId(item, project)),
    series: (item) => [{ metric: {}, resource: { region: item.region } }],
    value: (seed, item, _labels, end, period) => Math.round(within(0, 300 * levelOf(seed, item) + 5, roll(seed, item, "conn", end, period))),
  },
  {
    type: "cloudsql.googleapis.com/database/postgresql/num_backends",
    metricKind: "GAUGE",
    valueType: "INT64",
    kind: "sqlInstance",
    monitoredResource: "cloudsql_database",
    idLabel: "database_id",
    labelOf: (item, project) => (isPostgres(item) ? sqlDatabaseId(item, project) : null),
    series: (item) => ["postgres", "app"].map((database) => ({ metric: { database }, resource: { region: item.region } })),
    value: (seed, item, labels, end, period) => Math.round(within(0, 100 * levelOf(seed, item) + 3, roll(seed, item, `backends-${labels.metric.database}`, end, period))),
  },
  ...(["read", "write"] as const).map(
    (op): KindMetricDefinition => ({
      type: `cloudsql.googleapis.com/database/disk/${op}_ops_count`,
      metricKind: "DELTA",
      valueType: "INT64",
      kind: "sqlInstance",
      monitoredResource: "cloudsql_database",
      idLabel: "database_id",
      labelOf: sqlDatabaseId,
      series: (item) => [{ metric: {}, resource: { region: item.region } }],
      value: (seed, item, _labels, end, period) => Math.round(within(0, 2_000 * levelOf(seed, item) + 1, roll(seed, item, op, end, period)) * period),
    }),
  ),
  {
    type: "storage.googleapis.com/storage/total_bytes",
    metricKind: "GAUGE",
    valueType: "DOUBLE",
    kind: "bucket",
    monitoredResource: "gcs_bucket",
    idLabel: "bucket_name",
    labelOf: (item) => item.resourceId,
    series: (item) => storageClasses(item).map((storage_class) => ({ metric: { storage_class }, resource: { location: item.region } })),
    value: (seed, item, labels) => Math.round(10 ** (4 + levelOf(seed, item) * 8) * (labels.metric.storage_class === "STANDARD" ? 1 : 0.3)),
  },
  {
    type: "storage.googleapis.com/storage/object_count",
    metricKind: "GAUGE",
    valueType: "INT64",
    kind: "bucket",
    monitoredResource: "gcs_bucket",
    idLabel: "bucket_name",
    labelOf: (item) => item.resourceId,
    series: (item) => storageClasses(item).map((storage_class) => ({ metric: { storage_class }, resource: { location: item.region } })),
    value: (seed, item, labels) => Math.round(10 ** (1 + levelOf(seed, item) * 6) * (labels.metric.storage_class === "STANDARD" ? 1 : 0.5)),
  },
  {
    type: "storage.googleapis.com/api/request_count",
    metricKind: "DELTA",
    valueType: "INT64",
    kind: "bucket",
    monitoredResource: "gcs_bucket",
    idLabel: "bucket_name",
    labelOf: (item) => item.resourceId,
    series: (item) =>
      [
        { method: "ReadObject", response_code: "OK" },
        { method: "WriteObject", response_code: "OK" },
        { method: "ReadObject", response_code: "NOT_FOUND" },
      ].map((metric) => ({ metric, resource: { location: item.region } })),
    value: (seed, item, labels, end, period) =>
      Math.round(within(0, 50 * levelOf(seed, item) + 1, roll(seed, item, `gcs-${labels.metric.method}-${labels.metric.response_code}`, end, period)) * period),
  },
  ...loadBalancerFamilies.flatMap(({ prefix, monitoredResource }): KindMetricDefinition[] => {
    const labelOf = (item: GeneratedItem) => (lbFamilyOf(item)?.prefix === prefix ? (item.raw.name as string) : null);
    return [
      {
        type: `${prefix}/request_count`,
        metricKind: "DELTA",
        valueType: "INT64",
        kind: "backendService",
        monitoredResource,
        idLabel: "backend_target_name",
        labelOf,
        series: lbSeries,
        value: (seed, item, labels, end, period) => lbRequests(seed, item, labels.metric.response_code_class as string, end, period),
      },
      {
        type: `${prefix}/total_latencies`,
        metricKind: "DELTA",
        valueType: "DISTRIBUTION",
        kind: "backendService",
        monitoredResource,
        idLabel: "backend_target_name",
        labelOf,
        series: lbSeries,
        value: (seed, item, labels, end, period) => {
          const cls = labels.metric.response_code_class as string;
          const count = lbRequests(seed, item, cls, end, period);
          if (count === 0) return undefined;
          const slow = levelOf(seed, item) > 0.8 && levelOf(seed, item) <= 0.875;
          const mean = Math.round(within(20, slow ? 2_500 : 400, roll(seed, item, `lb-lat-${cls}`, end, period)) * 100) / 100;
          return { count, mean };
        },
      },
    ];
  }),
  {
    type: "kubernetes.io/node/cpu/allocatable_utilization",
    metricKind: "GAUGE",
    valueType: "DOUBLE",
    kind: "gkeCluster",
    monitoredResource: "k8s_node",
    idLabel: "cluster_name",
    labelOf: (item) => item.raw.name as string,
    series: (item) => nodeSeries(item, [{}]),
    value: (seed, item, labels, end, period) =>
      frac(levelOf(seed, item) > 0.9 ? within(0.96, 0.99, roll(seed, item, `node-cpu-${labels.resource.node_name}`, end, period)) : within(0.05, 0.75, roll(seed, item, `node-cpu-${labels.resource.node_name}`, end, period))),
  },
  {
    type: "kubernetes.io/node/memory/allocatable_utilization",
    metricKind: "GAUGE",
    valueType: "DOUBLE",
    kind: "gkeCluster",
    monitoredResource: "k8s_node",
    idLabel: "cluster_name",
    labelOf: (item) => item.raw.name as string,
    series: (item) => nodeSeries(item, [{ memory_type: "evictable" }, { memory_type: "non-evictable" }]),
    value: (seed, item, labels, end, period) =>
      frac(within(labels.metric.memory_type === "evictable" ? 0.05 : 0.2, labels.metric.memory_type === "evictable" ? 0.2 : 0.7, roll(seed, item, `node-mem-${labels.resource.node_name}-${labels.metric.memory_type}`, end, period))),
  },
  {
    type: "cloudfunctions.googleapis.com/function/execution_count",
    metricKind: "DELTA",
    valueType: "INT64",
    kind: "cloudFunction",
    monitoredResource: "cloud_function",
    idLabel: "function_name",
    labelOf: (item) => (gen2(item) ? null : functionName(item)),
    series: (item) => ["ok", "error"].map((status) => ({ metric: { status, trigger_type: item.raw.eventTrigger ? "EVENT" : "HTTP" }, resource: { region: item.region } })),
    value: (seed, item, labels, end, period) => executions(seed, item, labels.metric.status as string, end, period),
  },
  {
    type: "cloudfunctions.googleapis.com/function/execution_times",
    metricKind: "DELTA",
    valueType: "DISTRIBUTION",
    kind: "cloudFunction",
    monitoredResource: "cloud_function",
    idLabel: "function_name",
    labelOf: (item) => (gen2(item) ? null : functionName(item)),
    series: (item) => ["ok", "error"].map((status) => ({ metric: { status, trigger_type: item.raw.eventTrigger ? "EVENT" : "HTTP" }, resource: { region: item.region } })),
    value: (seed, item, labels, end, period) => {
      const count = executions(seed, item, labels.metric.status as string, end, period);
      // Nanoseconds, whole milliseconds.
      return count === 0 ? undefined : { count, mean: Math.round(within(5, 3_000, roll(seed, item, `fn-time-${labels.metric.status}`, end, period))) * 1_000_000 };
    },
  },
  {
    type: "run.googleapis.com/request_count",
    metricKind: "DELTA",
    valueType: "INT64",
    kind: "cloudFunction",
    monitoredResource: "cloud_run_revision",
    idLabel: "service_name",
    labelOf: (item) => (gen2(item) ? functionName(item) : null),
    series: runSeries,
    value: (seed, item, labels, end, period) => executions(seed, item, labels.metric.response_code_class === "2xx" ? "ok" : "error", end, period),
  },
  {
    type: "run.googleapis.com/request_latencies",
    metricKind: "DELTA",
    valueType: "DISTRIBUTION",
    kind: "cloudFunction",
    monitoredResource: "cloud_run_revision",
    idLabel: "service_name",
    labelOf: (item) => (gen2(item) ? functionName(item) : null),
    series: runSeries,
    value: (seed, item, labels, end, period) => {
      const status = labels.metric.response_code_class === "2xx" ? "ok" : "error";
      const count = executions(seed, item, status, end, period);
      return count === 0 ? undefined : { count, mean: Math.round(within(5, 3_000, roll(seed, item, `run-lat-${status}`, end, period)) * 10) / 10 };
    },
  },
  // Cloud Run services: the same request series as 2nd gen functions, plus the containers'
  // CPU and memory utilization (DELTA distributions of fractions, one series per revision).
  {
    type: "run.googleapis.com/request_count",
    metricKind: "DELTA",
    valueType: "INT64",
    kind: "cloudRunService",
    monitoredResource: "cloud_run_revision",
    idLabel: "service_name",
    labelOf: (item) => functionName(item),
    series: runSeries,
    value: (seed, item, labels, end, period) => executions(seed, item, labels.metric.response_code_class === "2xx" ? "ok" : "error", end, period),
  },
  {
    type: "run.googleapis.com/request_latencies",
    metricKind: "DELTA",
    valueType: "DISTRIBUTION",
    kind: "cloudRunService",
    monitoredResource: "cloud_run_revision",
    idLabel: "service_name",
    labelOf: (item) => functionName(item),
    series: runSeries,
    value: (seed, item, labels, end, period) => {
      const status = labels.metric.response_code_class === "2xx" ? "ok" : "error";
      const count = executions(seed, item, status, end, period);
      return count === 0 ? undefined : { count, mean: Math.round(within(5, 1_500, roll(seed, item, `run-lat-${status}`, end, period)) * 10) / 10 };
    },
  },
  ...(["cpu", "memory"] as const).map(
    (resource): KindMetricDefinition => ({
      type: `run.googleapis.com/container/${resource}/utilizations`,
      metricKind: "DELTA",
      valueType: "DISTRIBUTION",
      kind: "cloudRunService",
      monitoredResource: "cloud_run_revision",
      idLabel: "service_name",
      labelOf: (item) => functionName(item),
      series: revisionSeries,
      value: (seed, item, _labels, end, period) => {
        // One value per running instance and sampling instant; a scaled-to-zero service has none.
        const count = Math.round(within(0, 6, roll(seed, item, `run-${resource}-count`, end, period)));
        const hot = levelOf(seed, item) > 0.9;
        return count === 0 ? undefined : { count, mean: frac(within(hot ? 0.75 : 0.05, hot ? 0.98 : 0.6, roll(seed, item, `run-${resource}`, end, period))) };
      },
    }),
  ),
  {
    type: "bigquery.googleapis.com/storage/stored_bytes",
    metricKind: "GAUGE",
    valueType: "INT64",
    kind: "bigqueryDataset",
    monitoredResource: "bigquery_dataset",
    idLabel: "dataset_id",
    labelOf: (item) => (item.raw.datasetReference as { datasetId: string }).datasetId,
    series: (item) =>
      Array.from({ length: 1 + (hashString(item.id) % 3) }, (_, i) => ({ metric: { table: `t${i}` }, resource: {} })),
    // Sampled every 1800 s.
    value: (seed, item, labels, end, period) =>
      Math.floor(end / 1800) * 1800 <= end - period ? undefined : Math.round(10 ** (5 + levelOf(seed, item) * 6) / (1 + Number(labels.metric.table?.slice(1)))),
  },
];

function storageClasses(item: GeneratedItem): string[] {
  return hashString(`${item.id}|classes`) % 3 === 0 ? ["STANDARD", "NEARLINE"] : ["STANDARD"];
}

function lbSeries(item: GeneratedItem): KindSeriesLabels[] {
  const name = item.raw.name as string;
  const global = item.region === "global";
  // Only the global resource's metrics carry proxy_continent; the regional ones have no such label.
  const where: Record<string, string> = global ? { proxy_continent: "Europe" } : {};
  return ["200", "400", "500"].map((cls) => ({
    metric: { response_code_class: cls, response_code: cls === "200" ? "200" : cls === "400" ? "404" : "503", cache_result: "DISABLED", ...where },
    resource: {
      region: item.region,
      // The regional resources (internal and regional external) also name the VPC network.
      ...(global ? {} : { network_name: "default" }),
      url_map_name: `${name}-map`,
      forwarding_rule_name: `${name}-fr`,
      target_proxy_name: `${name}-proxy`,
      matched_url_path_rule: "UNMATCHED",
      backend_target_type: "BACKEND_SERVICE",
      backend_name: `${name}-ig`,
      backend_type: "INSTANCE_GROUP",
      backend_scope: global ? "europe-west1-b" : `${item.region}-b`,
      backend_scope_type: "ZONE",
    },
  }));
}

function nodeSeries(item: GeneratedItem, metrics: Record<string, string>[]): KindSeriesLabels[] {
  const out: KindSeriesLabels[] = [];
  for (let n = 0; n < nodesOf(item); n++) {
    for (const metric of metrics) out.push({ metric, resource: { location: item.raw.location as string, node_name: `gke-${item.raw.name as string}-node-${n}` } });
  }
  return out;
}

/** A Cloud Run service's container series: one per revision (its only one here), no metric labels. */
function revisionSeries(item: GeneratedItem): KindSeriesLabels[] {
  const name = functionName(item);
  return [{ metric: {}, resource: { location: item.region, revision_name: `${name}-00001-abc`, configuration_name: name } }];
}

function runSeries(item: GeneratedItem): KindSeriesLabels[] {
  const name = functionName(item);
  return ["2xx", "5xx"].map((cls) => ({
    metric: { response_code_class: cls, response_code: cls === "2xx" ? "200" : "500", route: "/" },
    resource: { location: item.region, revision_name: `${name}-00001-abc`, configuration_name: name },
  }));
}

export function kindMetricDefinition(type: string): KindMetricDefinition | undefined {
  return kindMetricDefinitions.find((d) => d.type === type);
}

/** Every kind that writes series of this type (2nd gen functions and Cloud Run services share Cloud Run's). */
export function kindMetricDefinitionsOf(type: string): KindMetricDefinition[] {
  return kindMetricDefinitions.filter((d) => d.type === type);
}

/** The running items of a kind in a project whose label value is among `values` (all when null). */
export function itemsByLabel(estate: GcpEstate, project: string, definition: KindMetricDefinition, values: ReadonlySet<string> | null): GeneratedItem[] {
  const out: GeneratedItem[] = [];
  const end = estate.positions(project, definition.kind);
  for (let p = 0; p < end; p++) {
    const item = estate.itemAt(project, definition.kind, p);
    if (item?.status !== "running") continue;
    const label = definition.labelOf(item, project);
    if (label !== null && (values === null || values.has(label))) out.push(item);
  }
  return out;
}

/** What a correct adapter reports for one resource and period (the documented conversions, done here independently). */
export interface GcpExpectedKindSample {
  resourceId: string;
  /** ISO 8601 start of the period. */
  timestamp: string;
  metrics: Record<string, number>;
}

/**
 * Expected samples of one resource over periods ending at `ends`: fractions → percent, counts
 * over the period → per second, distributions → the count-weighted mean (ns → ms), series of
 * one resource summed (bytes, counts, connections) or averaged (a cluster's nodes), 5xx or
 * failed executions over all → percent.
 */
export function expectedKindSamples(seed: string, project: string, item: GeneratedItem, kind: EmulatorKind, ends: readonly number[], period: number): GcpExpectedKindSample[] {
  const defs = kindMetricDefinitions.filter((d) => d.kind === kind && d.labelOf(item, project) !== null);
  const out: GcpExpectedKindSample[] = [];
  for (const end of ends) {
    /** Per metric type: plain values of each series, and distributions. */
    const values = new Map<string, { labels: KindSeriesLabels; v: number | DistributionPoint }[]>();
    for (const d of defs) {
      const got: { labels: KindSeriesLabels; v: number | DistributionPoint }[] = [];
      for (const labels of d.series(item, seed)) {
        const v = d.value(seed, item, labels, end, period);
        if (v !== undefined) got.push({ labels, v });
      }
      if (got.length > 0) values.set(d.type, got);
    }
    const nums = (type: string, keep: (l: KindSeriesLabels) => boolean = () => true) =>
      (values.get(type) ?? []).filter((x) => keep(x.labels)).map((x) => x.v as number);
    const sum = (xs: number[]) => (xs.length === 0 ? undefined : xs.reduce((a, b) => a + b, 0));
    const mean = (xs: number[]) => (xs.length === 0 ? undefined : xs.reduce((a, b) => a + b, 0) / xs.length);
    const weighted = (type: string) => {
      const ds = (values.get(type) ?? []).map((x) => x.v as DistributionPoint);
      const n = ds.reduce((a, d) => a + d.count, 0);
      return n === 0 ? undefined : ds.reduce((a, d) => a + d.count * d.mean, 0) / n;
    };
    const m: Record<string, number> = {};
    const set = (key: string, v: number | undefined) => {
      if (v !== undefined) m[key] = v;
    };
    const pct = (v: number | undefined) => (v === undefined ? undefined : v * 100);
    const perSecond = (v: number | undefined) => (v === undefined ? undefined : v / period);
    const share = (part: number | undefined, all: number | undefined) => (all === undefined || all === 0 ? undefined : (100 * (part ?? 0)) / all);
    switch (kind) {
      case "sqlInstance":
        set("cpu_utilization", pct(sum(nums("cloudsql.googleapis.com/database/cpu/utilization"))));
        set("memory_utilization", pct(sum(nums("cloudsql.googleapis.com/database/memory/utilization"))));
        set("disk_utilization", pct(sum(nums("cloudsql.googleapis.com/database/disk/utilization"))));
        set("connections", sum([...nums("cloudsql.googleapis.com/database/network/connections"), ...nums("cloudsql.googleapis.com/database/postgresql/num_backends")]));
        set("disk_read_iops", perSecond(sum(nums("cloudsql.googleapis.com/database/disk/read_ops_count"))));
        set("disk_write_iops", perSecond(sum(nums("cloudsql.googleapis.com/database/disk/write_ops_count"))));
        break;
      case "bucket":
        set("storage_bytes", sum(nums("storage.googleapis.com/storage/total_bytes")));
        set("object_count", sum(nums("storage.googleapis.com/storage/object_count")));
        set("requests_per_second", perSecond(sum(nums("storage.googleapis.com/api/request_count"))));
        break;
      case "backendService": {
        const prefix = lbFamilyOf(item)?.prefix;
        if (!prefix) break;
        const all = sum(nums(`${prefix}/request_count`));
        set("requests_per_second", perSecond(all));
        set("error_rate", share(sum(nums(`${prefix}/request_count`, (l) => l.metric.response_code_class === "500")), all));
        set("response_time_ms", weighted(`${prefix}/total_latencies`));
        break;
      }
      case "gkeCluster":
        set("cpu_utilization", pct(mean(nums("kubernetes.io/node/cpu/allocatable_utilization"))));
        set("memory_utilization", pct(mean(nums("kubernetes.io/node/memory/allocatable_utilization", (l) => l.metric.memory_type === "non-evictable"))));
        break;
      case "cloudFunction": {
        const executions = sum(nums("cloudfunctions.googleapis.com/function/execution_count"));
        const requests = sum(nums("run.googleapis.com/request_count"));
        set("invocations_per_second", perSecond(sum([...nums("cloudfunctions.googleapis.com/function/execution_count"), ...nums("run.googleapis.com/request_count")])));
        const failed = executions === undefined ? undefined : executions - (sum(nums("cloudfunctions.googleapis.com/function/execution_count", (l) => l.metric.status === "ok")) ?? 0);
        set("error_rate", share(failed, executions) ?? share(sum(nums("run.googleapis.com/request_count", (l) => l.metric.response_code_class === "5xx")), requests));
        const ns = weighted("cloudfunctions.googleapis.com/function/execution_times");
        set("duration_ms", ns === undefined ? weighted("run.googleapis.com/request_latencies") : ns / 1_000_000);
        break;
      }
      case "cloudRunService": {
        const requests = sum(nums("run.googleapis.com/request_count"));
        set("requests_per_second", perSecond(requests));
        set("error_rate", share(sum(nums("run.googleapis.com/request_count", (l) => l.metric.response_code_class === "5xx")), requests));
        set("response_time_ms", weighted("run.googleapis.com/request_latencies"));
        set("cpu_utilization", pct(weighted("run.googleapis.com/container/cpu/utilizations")));
        set("memory_utilization", pct(weighted("run.googleapis.com/container/memory/utilizations")));
        break;
      }
      case "bigqueryDataset":
        set("storage_bytes", sum(nums("bigquery.googleapis.com/storage/stored_bytes")));
        break;
      default:
        break;
    }
    if (Object.keys(m).length > 0) out.push({ resourceId: item.resourceId, timestamp: new Date((end - period) * 1000).toISOString(), metrics: m });
  }
  return out;
}
