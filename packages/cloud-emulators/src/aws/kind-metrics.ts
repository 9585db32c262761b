import { createRng, hashString } from "../rng.ts";
import type { EmulatedResource } from "./model.ts";

/**
 * CloudWatch series of the emulated resources other than EC2 instances, as AWS publishes them:
 * the namespace, metric name and the full set of dimensions of each series (CloudWatch matches
 * a query's dimensions exactly), and a value per period in the unit of the metric's usual
 * statistic. Values derive from (seed, resource, metric, period start, period length), so any
 * window is computed on demand. Only resources in a serving state publish.
 *
 * Sources: the CloudWatch metric pages of EBS (AWS/EBS), RDS (AWS/RDS), Application and
 * Network Load Balancers, Lambda, DynamoDB (SuccessfulRequestLatency per Operation), CloudFront
 * (us-east-1, Region=Global), S3 (daily storage metrics per StorageType), Container Insights
 * (ClusterName), ECS (ClusterName; ClusterName + ServiceName), EC2 by AutoScalingGroupName,
 * ElastiCache (CacheClusterId), EFS (FileSystemId; StorageBytes per StorageClass, every 15
 * minutes) and Redshift (ClusterIdentifier).
 */

export interface KindSeries {
  namespace: string;
  metricName: string;
  /** Dimensions besides the resource's own, with their fixed values. */
  extra?: Readonly<Record<string, string>>;
  /** Only for load balancers of this type. */
  lbType?: "application" | "network";
  /**
   * The value for the period starting at `t`, from `roll` (uniform in [0, 1), fresh per
   * period) and `level` (uniform in [0, 1), fixed per resource); undefined when AWS publishes
   * no point for that period (ALBs publish no 5xx count for a period without one).
   */
  value(roll: number, level: number, period: number, rollOf: (metricName: string) => number, at: { item: EmulatedResource; t: number }): number | undefined;
}

export interface KindMetricsDef {
  kind: EmulatedResource["kind"];
  /** The dimension naming the resource, and how its value maps back to the resource's id. */
  dimension: string;
  /**
   * A second dimension whose value is the resource's too (ECS services: ClusterName); the value
   * `idOf` gets is then `<with value>/<dimension value>`.
   */
  with?: string;
  idOf(value: string, at: { caller: string; region: string }): string;
  /** The dimension is the resource's name, not derivable into its id: look it up by name in the caller's region. */
  byName?: boolean;
  /** The region whose CloudWatch holds the series when not the resource's own. */
  region?: string;
  /** Daily series: one point per resource per UTC day, stamped at midnight (S3 storage). */
  daily?: boolean;
  publishes(item: EmulatedResource): boolean;
  series: readonly KindSeries[];
}

const within = (lo: number, hi: number, roll: number) => lo + roll * (hi - lo);
const albRequests = (r: number, l: number, p: number) => Math.round(within(1, 2000 * l + 2, r) * p);
const lambdaInvocations = (r: number, l: number, p: number) => Math.round(within(1, 500 * l + 2, r) * p);

export const kindMetricDefs: readonly KindMetricsDef[] = [
  {
    kind: "ebs_volume",
    dimension: "VolumeId",
    idOf: (v) => v,
    publishes: (item) => item.state === "in-use",
    series: [
      { namespace: "AWS/EBS", metricName: "VolumeReadOps", value: (r, l, p) => Math.round(within(1, 3000 * l + 2, r) * p) },
      { namespace: "AWS/EBS", metricName: "VolumeWriteOps", value: (r, l, p) => Math.round(within(1, 1500 * l + 2, r) * p) },
      { namespace: "AWS/EBS", metricName: "VolumeReadBytes", value: (r, l, p) => Math.round(within(4_096, 50_000_000 * l + 8_192, r) * p) },
      { namespace: "AWS/EBS", metricName: "VolumeWriteBytes", value: (r, l, p) => Math.round(within(4_096, 20_000_000 * l + 8_192, r) * p) },
    ],
  },
  {
    kind: "rds_instance",
    dimension: "DBInstanceIdentifier",
    idOf: (v, at) => `arn:aws:rds:${at.region}:${at.caller}:db:${v}`,
    publishes: (item) => item.state === "available" || item.state === "backing-up" || item.state === "storage-full",
    series: [
      // One database in ten runs hot.
      { namespace: "AWS/RDS", metricName: "CPUUtilization", value: (r, l) => (l > 0.9 ? within(92, 100, r) : within(2, 75, r)) },
      { namespace: "AWS/RDS", metricName: "DatabaseConnections", value: (r, l) => Math.round(within(0, 400 * l + 5, r)) },
      { namespace: "AWS/RDS", metricName: "ReadLatency", value: (r, l) => within(0.0002, 0.02 * l + 0.0005, r) },
      { namespace: "AWS/RDS", metricName: "WriteLatency", value: (r, l) => within(0.0005, 0.04 * l + 0.001, r) },
      { namespace: "AWS/RDS", metricName: "ReadIOPS", value: (r, l) => within(0, 5000 * l + 1, r) },
      { namespace: "AWS/RDS", metricName: "WriteIOPS", value: (r, l) => within(0, 2500 * l + 1, r) },
      { namespace: "AWS/RDS", metricName: "NetworkReceiveThroughput", value: (r, l) => within(1_000, 30_000_000 * l + 2_000, r) },
      { namespace: "AWS/RDS", metricName: "NetworkTransmitThroughput", value: (r, l) => within(1_000, 60_000_000 * l + 2_000, r) },
    ],
  },
  {
    kind: "elb_load_balancer",
    dimension: "LoadBalancer",
    idOf: (v, at) => `arn:aws:elasticloadbalancing:${at.region}:${at.caller}:loadbalancer/${v}`,
    publishes: (item) => item.state === "active" || item.state === "active_impaired",
    series: [
      { lbType: "application", namespace: "AWS/ApplicationELB", metricName: "RequestCount", value: (r, l, p) => albRequests(r, l, p) },
      { lbType: "application", namespace: "AWS/ApplicationELB", metricName: "TargetResponseTime", value: (r, l) => within(0.005, 2 * l + 0.01, r) },
      // Published only for periods that had 5xx; about one ALB in eight has an error storm.
      {
        lbType: "application",
        namespace: "AWS/ApplicationELB",
        metricName: "HTTPCode_ELB_5XX_Count",
        value: (r, l, p, rollOf) => (r < 0.5 ? undefined : Math.round(albRequests(rollOf("RequestCount"), l, p) * (r - 0.5) * (l > 0.875 ? 0.2 : 0.004))),
      },
      {
        lbType: "application",
        namespace: "AWS/ApplicationELB",
        metricName: "HTTPCode_Target_5XX_Count",
        value: (r, l, p, rollOf) => (r < 0.3 ? undefined : Math.round(albRequests(rollOf("RequestCount"), l, p) * (r - 0.3) * (l > 0.875 ? 0.3 : 0.004))),
      },
      { lbType: "network", namespace: "AWS/NetworkELB", metricName: "ActiveFlowCount", value: (r, l) => within(0, 50_000 * l + 10, r) },
    ],
  },
  {
    kind: "lambda_function",
    dimension: "FunctionName",
    idOf: (v, at) => `arn:aws:lambda:${at.region}:${at.caller}:function:${v}`,
    publishes: (item) => item.state === "Active",
    series: [
      { namespace: "AWS/Lambda", metricName: "Invocations", value: (r, l, p) => lambdaInvocations(r, l, p) },
      // Errors are a share of the same period's invocations (Lambda publishes zero counts too).
      { namespace: "AWS/Lambda", metricName: "Errors", value: (r, l, p, rollOf) => Math.round(lambdaInvocations(rollOf("Invocations"), l, p) * r * (l > 0.9 ? 0.4 : 0.01)) },
      { namespace: "AWS/Lambda", metricName: "Duration", value: (r, l) => within(1, 3000 * l + 5, r) },
    ],
  },
  {
    kind: "dynamodb_table",
    dimension: "TableName",
    idOf: (v, at) => `arn:aws:dynamodb:${at.region}:${at.caller}:table/${v}`,
    publishes: (item) => item.state === "ACTIVE" || item.state === "UPDATING",
    series: ["GetItem", "PutItem", "Query"].map((operation) => ({
      namespace: "AWS/DynamoDB",
      metricName: "SuccessfulRequestLatency",
      extra: { Operation: operation },
      value: (r: number, l: number) => within(1, 20 * l + (operation === "PutItem" ? 4 : 2), r),
    })),
  },
  {
    kind: "cloudfront_distribution",
    dimension: "DistributionId",
    idOf: (v, at) => `arn:aws:cloudfront::${at.caller}:distribution/${v}`,
    region: "us-east-1",
    publishes: (item) => item.extra.enabled === "true",
    series: [
      { namespace: "AWS/CloudFront", metricName: "Requests", extra: { Region: "Global" }, value: (r, l, p) => Math.round(within(0, 5000 * l + 1, r) * p) },
      { namespace: "AWS/CloudFront", metricName: "5xxErrorRate", extra: { Region: "Global" }, value: (r, l) => (l > 0.9 ? within(5, 30, r) : within(0, 1, r)) },
      { namespace: "AWS/CloudFront", metricName: "BytesDownloaded", extra: { Region: "Global" }, value: (r, l, p) => Math.round(within(0, 80_000_000 * l + 1, r) * p) },
    ],
  },
  {
    kind: "s3_bucket",
    dimension: "BucketName",
    idOf: (v) => v,
    daily: true,
    publishes: () => true,
    series: [
      // Sizes drift a little from day to day around a per-bucket level (bytes up to ~5 TB).
      { namespace: "AWS/S3", metricName: "BucketSizeBytes", extra: { StorageType: "StandardStorage" }, value: (r, l) => Math.round(10 ** (3 + l * 9.7) * (0.95 + r * 0.1)) },
      { namespace: "AWS/S3", metricName: "NumberOfObjects", extra: { StorageType: "AllStorageTypes" }, value: (r, l) => Math.round(10 ** (l * 7) * (0.95 + r * 0.1)) },
    ],
  },
  {
    kind: "eks_cluster",
    dimension: "ClusterName",
    idOf: (v, at) => `arn:aws:eks:${at.region}:${at.caller}:cluster/${v}`,
    // Container Insights is an add-on: every other cluster runs it; the rest publish nothing.
    publishes: (item) => (item.state === "ACTIVE" || item.state === "UPDATING") && item.index % 2 === 0,
    series: [
      { namespace: "ContainerInsights", metricName: "node_cpu_utilization", value: (r, l) => (l > 0.9 ? within(95, 100, r) : within(5, 70, r)) },
      { namespace: "ContainerInsights", metricName: "node_memory_utilization", value: (r, l) => within(20, 50 + 40 * l, r) },
      { namespace: "ContainerInsights", metricName: "node_filesystem_utilization", value: (r, l) => within(5, 30 + 50 * l, r) },
    ],
  },
  {
    kind: "ecs_cluster",
    dimension: "ClusterName",
    idOf: (v, at) => `arn:aws:ecs:${at.region}:${at.caller}:cluster/${v}`,
    // Cluster-level utilization exists where container instances give the cluster capacity.
    publishes: (item) => item.state === "ACTIVE" && Number(item.extra.instances) > 0,
    series: [
      { namespace: "AWS/ECS", metricName: "CPUUtilization", value: (r, l) => (l > 0.9 ? within(90, 100, r) : within(3, 75, r)) },
      { namespace: "AWS/ECS", metricName: "MemoryUtilization", value: (r, l) => within(10, 40 + 50 * l, r) },
    ],
  },
  {
    kind: "ecs_service",
    dimension: "ServiceName",
    with: "ClusterName",
    idOf: (v, at) => `arn:aws:ecs:${at.region}:${at.caller}:service/${v}`,
    publishes: (item) => item.state === "ACTIVE" && Number(item.extra.running) > 0,
    series: [
      { namespace: "AWS/ECS", metricName: "CPUUtilization", value: (r, l) => (l > 0.9 ? within(95, 100, r) : within(1, 70, r)) },
      { namespace: "AWS/ECS", metricName: "MemoryUtilization", value: (r, l) => within(10, 45 + 50 * l, r) },
    ],
  },
  {
    kind: "autoscaling_group",
    dimension: "AutoScalingGroupName",
    // The group's ARN holds a UUID the dimension does not: the group is found by its name.
    byName: true,
    idOf: (v) => v,
    publishes: (item) => item.state === "in service",
    series: [
      { namespace: "AWS/EC2", metricName: "CPUUtilization", value: (r, l) => (l > 0.9 ? within(85, 100, r) : within(2, 70, r)) },
      { namespace: "AWS/EC2", metricName: "NetworkIn", value: (r, l, p) => Math.round(within(1_000, 5_000_000 * l + 2_000, r) * p) },
      { namespace: "AWS/EC2", metricName: "NetworkOut", value: (r, l, p) => Math.round(within(1_000, 9_000_000 * l + 2_000, r) * p) },
    ],
  },
  {
    kind: "elasticache_cluster",
    dimension: "CacheClusterId",
    idOf: (v, at) => `arn:aws:elasticache:${at.region}:${at.caller}:cluster:${v}`,
    publishes: (item) => item.state === "available" || item.state === "modifying" || item.state === "snapshotting",
    series: [
      { namespace: "AWS/ElastiCache", metricName: "CPUUtilization", value: (r, l) => within(1, 40 + 50 * l, r) },
      // Valkey and Redis OSS only; one cache in ten is nearly full.
      {
        namespace: "AWS/ElastiCache",
        metricName: "DatabaseMemoryUsagePercentage",
        value: (r, l, _p, _rollOf, at) => (at.item.extra.engine === "memcached" ? undefined : l > 0.9 ? within(96, 100, r) : within(5, 80, r)),
      },
      { namespace: "AWS/ElastiCache", metricName: "CurrConnections", value: (r, l) => Math.round(within(1, 2_000 * l + 5, r)) },
      // A full cache evicts; the others publish zero.
      { namespace: "AWS/ElastiCache", metricName: "Evictions", value: (r, l, p) => (l > 0.9 ? Math.round(within(1, 500, r) * p) : 0) },
    ],
  },
  {
    kind: "efs_file_system",
    dimension: "FileSystemId",
    idOf: (v, at) => `arn:aws:elasticfilesystem:${at.region}:${at.caller}:file-system/${v}`,
    publishes: (item) => item.state === "available" || item.state === "updating",
    series: [
      // General Purpose mode only.
      {
        namespace: "AWS/EFS",
        metricName: "PercentIOLimit",
        value: (r, l, _p, _rollOf, at) => (at.item.extra.performanceMode !== "generalPurpose" ? undefined : l > 0.9 ? within(96, 100, r) : within(0, 60, r)),
      },
      // Bursting throughput mode only.
      {
        namespace: "AWS/EFS",
        metricName: "BurstCreditBalance",
        value: (r, l, _p, _rollOf, at) => (at.item.extra.throughputMode !== "bursting" ? undefined : Math.round(within(0, 2.3e12 * l, r))),
      },
      // Reported every 15 minutes: a shorter period holds a point only when it holds a quarter hour.
      {
        namespace: "AWS/EFS",
        metricName: "StorageBytes",
        extra: { StorageClass: "Total" },
        value: (r, _l, p, _rollOf, at) => (Math.ceil(at.t / 900) * 900 >= at.t + p ? undefined : Math.round(Number(at.item.size) * (0.99 + r * 0.02))),
      },
    ],
  },
  {
    kind: "redshift_cluster",
    dimension: "ClusterIdentifier",
    idOf: (v, at) => `arn:aws:redshift:${at.region}:${at.caller}:cluster:${v}`,
    publishes: (item) => item.state === "available" || item.state === "modifying" || item.state === "resizing" || item.state === "storage-full",
    series: [
      { namespace: "AWS/Redshift", metricName: "CPUUtilization", value: (r, l) => within(2, 50 + 45 * l, r) },
      // storage-full clusters are full.
      {
        namespace: "AWS/Redshift",
        metricName: "PercentageDiskSpaceUsed",
        value: (r, l, _p, _rollOf, at) => (at.item.state === "storage-full" ? within(97, 100, r) : within(5, 30 + 60 * l, r)),
      },
      { namespace: "AWS/Redshift", metricName: "DatabaseConnections", value: (r, l) => Math.round(within(0, 200 * l + 2, r)) },
      { namespace: "AWS/Redshift", metricName: "ReadLatency", value: (r, l) => within(0.0005, 0.05 * l + 0.001, r) },
      { namespace: "AWS/Redshift", metricName: "WriteLatency", value: (r, l) => within(0.001, 0.08 * l + 0.002, r) },
    ],
  },
];

const byKind = new Map(kindMetricDefs.map((d) => [d.kind, d]));

export function kindMetricsOf(kind: string): KindMetricsDef | undefined {
  return byKind.get(kind as EmulatedResource["kind"]);
}

/** The series a resource publishes (by LB type for load balancers). */
export function seriesOfResource(def: KindMetricsDef, item: EmulatedResource): KindSeries[] {
  return def.series.filter((s) => !s.lbType || s.lbType === item.extra.type);
}

/** The fixed per-resource level in [0, 1). */
export function levelOf(seedHash: number, item: EmulatedResource): number {
  return createRng((seedHash ^ Math.imul(item.index + 7, 0x27d4eb2d)) >>> 0).next();
}

/**
 * The point of one series in the period starting at `t` (epoch seconds): its timestamp and
 * value, or undefined. A daily series has a point in the period only when the period holds a
 * UTC midnight, valued by that day.
 */
export function kindSeriesPoint(
  seedHash: number,
  def: KindMetricsDef,
  item: EmulatedResource,
  series: KindSeries,
  t: number,
  period: number,
): number | undefined {
  if (!def.publishes(item)) return undefined;
  let instant = t;
  let span = period;
  if (def.daily) {
    const midnight = Math.ceil(t / 86_400) * 86_400;
    if (midnight >= t + period) return undefined;
    instant = midnight;
    span = 86_400;
  }
  const rollOf = (metricName: string, extra = "") =>
    createRng((seedHash ^ hashString(`${item.index}|${metricName}|${extra}|${instant}|${span}`)) >>> 0).next();
  const roll = rollOf(series.metricName, series.extra ? JSON.stringify(series.extra) : "");
  return series.value(roll, levelOf(seedHash, item), span, (name) => rollOf(name), { item, t: instant });
}

/** Whether a query's dimensions are exactly the series' own: the resource's, plus its fixed extras. */
export function dimensionsMatch(
  def: KindMetricsDef,
  series: KindSeries,
  dims: readonly { Name?: unknown; Value?: unknown }[],
): string | undefined {
  const extra = series.extra ?? {};
  if (dims.length !== 1 + (def.with ? 1 : 0) + Object.keys(extra).length) return undefined;
  let own: string | undefined;
  let withValue: string | undefined;
  for (const d of dims) {
    if (typeof d.Name !== "string" || typeof d.Value !== "string") return undefined;
    if (d.Name === def.dimension) own = d.Value;
    else if (def.with && d.Name === def.with) withValue = d.Value;
    else if (extra[d.Name] !== d.Value) return undefined;
  }
  if (def.with) return own !== undefined && withValue !== undefined ? `${withValue}/${own}` : undefined;
  return own;
}

/** Raw values of one resource for the period starting at `t`, by metric name (and extras). */
export function rawKindValues(seedHash: number, item: EmulatedResource, t: number, period: number): Record<string, number> | undefined {
  const def = kindMetricsOf(item.kind);
  if (!def?.publishes(item)) return undefined;
  const raw: Record<string, number> = {};
  for (const series of seriesOfResource(def, item)) {
    const v = kindSeriesPoint(seedHash, def, item, series, t, period);
    const name = series.extra?.Operation ? `${series.metricName}:${series.extra.Operation}` : series.metricName;
    if (v !== undefined) raw[name] = v;
  }
  return raw;
}

/**
 * What a correct adapter reports from those raw values, converted here independently of the
 * adapter (the table in docs/coverage.md): Sums over the period → per second, bytes → Mbit/s,
 * seconds → ms, 5xx / requests → percent.
 */
export function expectedKindMetrics(kind: string, raw: Record<string, number>, period: number): Record<string, number> {
  const out: Record<string, number> = {};
  const set = (key: string, value: number | undefined) => {
    if (value !== undefined) out[key] = value;
  };
  const perSecond = (v: number | undefined) => (v === undefined ? undefined : v / period);
  const mbps = (bytes: number | undefined, seconds: number) => (bytes === undefined ? undefined : (bytes * 8) / 1e6 / seconds);
  const ms = (s: number | undefined) => (s === undefined ? undefined : s * 1000);
  switch (kind) {
    case "ebs_volume":
      set("disk_read_iops", perSecond(raw.VolumeReadOps));
      set("disk_write_iops", perSecond(raw.VolumeWriteOps));
      set("disk_read_mbps", mbps(raw.VolumeReadBytes, period));
      set("disk_write_mbps", mbps(raw.VolumeWriteBytes, period));
      break;
    case "rds_instance":
      set("cpu_utilization", raw.CPUUtilization);
      set("connections", raw.DatabaseConnections);
      set("read_latency_ms", ms(raw.ReadLatency));
      set("write_latency_ms", ms(raw.WriteLatency));
      set("disk_read_iops", raw.ReadIOPS);
      set("disk_write_iops", raw.WriteIOPS);
      set("network_in_mbps", mbps(raw.NetworkReceiveThroughput, 1));
      set("network_out_mbps", mbps(raw.NetworkTransmitThroughput, 1));
      break;
    case "elb_load_balancer": {
      set("requests_per_second", perSecond(raw.RequestCount));
      set("response_time_ms", ms(raw.TargetResponseTime));
      const requests = raw.RequestCount;
      if (requests !== undefined && requests > 0) {
        set("error_rate", (100 * ((raw.HTTPCode_ELB_5XX_Count ?? 0) + (raw.HTTPCode_Target_5XX_Count ?? 0))) / requests);
      }
      set("connections", raw.ActiveFlowCount);
      break;
    }
    case "lambda_function":
      set("invocations_per_second", perSecond(raw.Invocations));
      set("duration_ms", raw.Duration);
      if (raw.Invocations !== undefined && raw.Invocations > 0) set("error_rate", (100 * (raw.Errors ?? 0)) / raw.Invocations);
      break;
    case "dynamodb_table":
      set("read_latency_ms", raw["SuccessfulRequestLatency:GetItem"]);
      set("write_latency_ms", raw["SuccessfulRequestLatency:PutItem"]);
      break;
    case "cloudfront_distribution":
      set("requests_per_second", perSecond(raw.Requests));
      set("error_rate", raw["5xxErrorRate"]);
      set("network_out_mbps", mbps(raw.BytesDownloaded, period));
      break;
    case "s3_bucket":
      set("storage_bytes", raw.BucketSizeBytes);
      set("object_count", raw.NumberOfObjects);
      break;
    case "eks_cluster":
      set("cpu_utilization", raw.node_cpu_utilization);
      set("memory_utilization", raw.node_memory_utilization);
      set("disk_utilization", raw.node_filesystem_utilization);
      break;
    case "ecs_cluster":
    case "ecs_service":
      set("cpu_utilization", raw.CPUUtilization);
      set("memory_utilization", raw.MemoryUtilization);
      break;
    case "autoscaling_group":
      set("cpu_utilization", raw.CPUUtilization);
      set("network_in_mbps", mbps(raw.NetworkIn, period));
      set("network_out_mbps", mbps(raw.NetworkOut, period));
      break;
    case "elasticache_cluster":
      set("cpu_utilization", raw.CPUUtilization);
      set("memory_utilization", raw.DatabaseMemoryUsagePercentage);
      set("connections", raw.CurrConnections);
      set("evictions_per_second", perSecond(raw.Evictions));
      break;
    case "efs_file_system":
      set("io_limit_utilization", raw.PercentIOLimit);
      set("burst_credit_bytes", raw.BurstCreditBalance);
      set("storage_bytes", raw.StorageBytes);
      break;
    case "redshift_cluster":
      set("cpu_utilization", raw.CPUUtilization);
      set("disk_utilization", raw.PercentageDiskSpaceUsed);
      set("connections", raw.DatabaseConnections);
      set("read_latency_ms", ms(raw.ReadLatency));
      set("write_latency_ms", ms(raw.WriteLatency));
      break;
  }
  return out;
}
