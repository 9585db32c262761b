import type { MetricKey } from "../types.ts";

/**
 * Which CloudWatch series feed which cloudsync metric key, per AWS kind: the one table a kind
 * adds a line to (docs/coverage.md "Metrics per kind" lists the same, for people). Pure data and
 * small id parsers; the reader (metrics.ts) and the normalizer (normalize-metrics.ts) only
 * follow it.
 */

export type CloudWatchStat = "Average" | "Sum" | "Maximum" | "Minimum";

/**
 * How a series' value becomes our unit:
 * - `as_is`: already ours (percent, count, milliseconds, bytes, a per-second rate);
 * - `seconds_to_ms`: seconds → milliseconds;
 * - `sum_per_second`: a Sum over the period → per second (Sum / period);
 * - `bytes_sum_to_mbps`: a Sum of bytes over the period → megabits per second;
 * - `bytes_per_second_to_mbps`: bytes per second → megabits per second.
 */
export type CloudWatchUnit = "as_is" | "seconds_to_ms" | "sum_per_second" | "bytes_sum_to_mbps" | "bytes_per_second_to_mbps";

export interface Dimension {
  Name: string;
  Value: string;
}

export interface CloudWatchSeries {
  namespace: string;
  metricName: string;
  stat: CloudWatchStat;
  /** The key the series becomes (converted by `unit`); omitted for a series that only feeds a ratio. */
  key?: MetricKey;
  unit: CloudWatchUnit;
  /** The name this series' raw value goes by in `ratios` (e.g. `requests`, `5xx`). */
  part?: string;
  /** Dimensions besides the resource's own (S3's StorageType, DynamoDB's Operation). */
  extraDimensions?: readonly Dimension[];
  /** Only for resources whose identity has this variant (ALB `app` versus NLB `net`). */
  variant?: string;
}

/** `key` = 100 × Σ numerators / denominator, over the raw Sums of one period; absent without requests. */
export interface CloudWatchRatio {
  key: MetricKey;
  numerators: readonly string[];
  denominator: string;
}

/** A resource's CloudWatch identity: its dimensions, and the variant that picks its series. */
export interface CloudWatchIdentity {
  dimensions: Dimension[];
  variant?: string;
}

export interface CloudWatchKindMetrics {
  /** The reader's kind (`rds_instance` covers every `rds_<engine>` resource). */
  kind: string;
  /** The dimensions of one resource from its id, or why the id cannot have any. */
  identify(resourceId: string): CloudWatchIdentity | string;
  series: readonly CloudWatchSeries[];
  ratios?: readonly CloudWatchRatio[];
  /** Region whose CloudWatch holds the series when not the resource's (CloudFront: us-east-1). */
  region?: string;
  /**
   * A fixed period for series CloudWatch publishes at one resolution only (S3 storage: daily).
   * Such a kind is read over the last `lookbackPeriods` whole periods before the window's end,
   * whatever window was asked, so a 15-minute sync still sees the latest daily point.
   */
  fixedPeriodSeconds?: number;
  lookbackPeriods?: number;
}

/** The text after `marker` in an ARN, or a reason. */
function after(arn: string, marker: string, what: string): string | { value: string } {
  const at = arn.indexOf(marker);
  const value = at >= 0 ? arn.slice(at + marker.length) : "";
  return value ? { value } : `${JSON.stringify(arn)} is not ${what}`;
}

function one(name: string, found: string | { value: string }, extra: Dimension[] = []): CloudWatchIdentity | string {
  return typeof found === "string" ? found : { dimensions: [{ Name: name, Value: found.value }, ...extra] };
}

const ebs = (metricName: string, key: MetricKey, unit: CloudWatchUnit): CloudWatchSeries => ({ namespace: "AWS/EBS", metricName, stat: "Sum", key, unit });
const rds = (metricName: string, key: MetricKey, unit: CloudWatchUnit = "as_is"): CloudWatchSeries => ({ namespace: "AWS/RDS", metricName, stat: "Average", key, unit });

export const ec2Series: readonly CloudWatchSeries[] = [
  { key: "cpu_utilization", namespace: "AWS/EC2", metricName: "CPUUtilization", stat: "Average", unit: "as_is" },
  { key: "network_in_mbps", namespace: "AWS/EC2", metricName: "NetworkIn", stat: "Sum", unit: "bytes_sum_to_mbps" },
  { key: "network_out_mbps", namespace: "AWS/EC2", metricName: "NetworkOut", stat: "Sum", unit: "bytes_sum_to_mbps" },
  // Published only where the CloudWatch agent runs with `append_dimensions: {InstanceId}` and
  // `aggregation_dimensions: [["InstanceId"]]`; elsewhere CloudWatch has no points and the keys stay absent.
  { key: "memory_utilization", namespace: "CWAgent", metricName: "mem_used_percent", stat: "Average", unit: "as_is" },
  // The fullest filesystem is the one that matters.
  { key: "disk_utilization", namespace: "CWAgent", metricName: "disk_used_percent", stat: "Maximum", unit: "as_is" },
];

/** Every AWS kind with CloudWatch metrics. */
export const cloudWatchKinds: readonly CloudWatchKindMetrics[] = [
  { kind: "ec2_instance", identify: (id) => ({ dimensions: [{ Name: "InstanceId", Value: id }] }), series: ec2Series },
  {
    kind: "ebs_volume",
    identify: (id) => ({ dimensions: [{ Name: "VolumeId", Value: id }] }),
    series: [
      ebs("VolumeReadOps", "disk_read_iops", "sum_per_second"),
      ebs("VolumeWriteOps", "disk_write_iops", "sum_per_second"),
      ebs("VolumeReadBytes", "disk_read_mbps", "bytes_sum_to_mbps"),
      ebs("VolumeWriteBytes", "disk_write_mbps", "bytes_sum_to_mbps"),
    ],
  },
  {
    kind: "rds_instance",
    identify: (arn) => one("DBInstanceIdentifier", after(arn, ":db:", "an RDS DB instance ARN")),
    series: [
      rds("CPUUtilization", "cpu_utilization"),
      rds("DatabaseConnections", "connections"),
      rds("ReadLatency", "read_latency_ms", "seconds_to_ms"),
      rds("WriteLatency", "write_latency_ms", "seconds_to_ms"),
      rds("ReadIOPS", "disk_read_iops"),
      rds("WriteIOPS", "disk_write_iops"),
      rds("NetworkReceiveThroughput", "network_in_mbps", "bytes_per_second_to_mbps"),
      rds("NetworkTransmitThroughput", "network_out_mbps", "bytes_per_second_to_mbps"),
    ],
  },
  {
    kind: "elb_load_balancer",
    // The LoadBalancer dimension is the ARN's tail, `app/<name>/<id>` (ALB) or `net/<name>/<id>` (NLB).
    identify: (arn) => {
      const tail = after(arn, ":loadbalancer/", "a load balancer ARN");
      if (typeof tail === "string") return tail;
      const variant = tail.value.split("/")[0] ?? "";
      if (variant !== "app" && variant !== "net") return `${variant} load balancers publish no request metrics cloudsync reads`;
      return { dimensions: [{ Name: "LoadBalancer", Value: tail.value }], variant };
    },
    series: [
      { variant: "app", namespace: "AWS/ApplicationELB", metricName: "RequestCount", stat: "Sum", key: "requests_per_second", unit: "sum_per_second", part: "requests" },
      { variant: "app", namespace: "AWS/ApplicationELB", metricName: "TargetResponseTime", stat: "Average", key: "response_time_ms", unit: "seconds_to_ms" },
      { variant: "app", namespace: "AWS/ApplicationELB", metricName: "HTTPCode_ELB_5XX_Count", stat: "Sum", unit: "as_is", part: "elb_5xx" },
      { variant: "app", namespace: "AWS/ApplicationELB", metricName: "HTTPCode_Target_5XX_Count", stat: "Sum", unit: "as_is", part: "target_5xx" },
      { variant: "net", namespace: "AWS/NetworkELB", metricName: "ActiveFlowCount", stat: "Average", key: "connections", unit: "as_is" },
    ],
    ratios: [{ key: "error_rate", numerators: ["elb_5xx", "target_5xx"], denominator: "requests" }],
  },
  {
    kind: "lambda_function",
    identify: (arn) => {
      const name = after(arn, ":function:", "a Lambda function ARN");
      // A qualified ARN (`…:function:name:alias`) names the function before the qualifier.
      return one("FunctionName", typeof name === "string" ? name : { value: name.value.split(":")[0] as string });
    },
    series: [
      { namespace: "AWS/Lambda", metricName: "Invocations", stat: "Sum", key: "invocations_per_second", unit: "sum_per_second", part: "invocations" },
      { namespace: "AWS/Lambda", metricName: "Errors", stat: "Sum", unit: "as_is", part: "errors" },
      { namespace: "AWS/Lambda", metricName: "Duration", stat: "Average", key: "duration_ms", unit: "as_is" },
    ],
    ratios: [{ key: "error_rate", numerators: ["errors"], denominator: "invocations" }],
  },
  {
    kind: "dynamodb_table",
    identify: (arn) => one("TableName", after(arn, ":table/", "a DynamoDB table ARN")),
    // SuccessfulRequestLatency is published per operation: GetItem stands for reads, PutItem for writes.
    series: [
      { namespace: "AWS/DynamoDB", metricName: "SuccessfulRequestLatency", stat: "Average", key: "read_latency_ms", unit: "as_is", extraDimensions: [{ Name: "Operation", Value: "GetItem" }] },
      { namespace: "AWS/DynamoDB", metricName: "SuccessfulRequestLatency", stat: "Average", key: "write_latency_ms", unit: "as_is", extraDimensions: [{ Name: "Operation", Value: "PutItem" }] },
    ],
  },
  {
    kind: "cloudfront_distribution",
    // CloudFront publishes to us-east-1 only, with the dimension Region=Global.
    region: "us-east-1",
    identify: (arn) => one("DistributionId", after(arn, ":distribution/", "a CloudFront distribution ARN"), [{ Name: "Region", Value: "Global" }]),
    series: [
      { namespace: "AWS/CloudFront", metricName: "Requests", stat: "Sum", key: "requests_per_second", unit: "sum_per_second" },
      { namespace: "AWS/CloudFront", metricName: "5xxErrorRate", stat: "Average", key: "error_rate", unit: "as_is" },
      { namespace: "AWS/CloudFront", metricName: "BytesDownloaded", stat: "Sum", key: "network_out_mbps", unit: "bytes_sum_to_mbps" },
    ],
  },
  {
    kind: "s3_bucket",
    identify: (bucket) => ({ dimensions: [{ Name: "BucketName", Value: bucket }] }),
    // S3 publishes storage metrics once a day; the last two days hold the latest point.
    fixedPeriodSeconds: 86_400,
    lookbackPeriods: 2,
    series: [
      { namespace: "AWS/S3", metricName: "BucketSizeBytes", stat: "Average", key: "storage_bytes", unit: "as_is", extraDimensions: [{ Name: "StorageType", Value: "StandardStorage" }] },
      { namespace: "AWS/S3", metricName: "NumberOfObjects", stat: "Average", key: "object_count", unit: "as_is", extraDimensions: [{ Name: "StorageType", Value: "AllStorageTypes" }] },
    ],
  },
  {
    kind: "eks_cluster",
    // Published only where Container Insights runs (the CloudWatch Observability add-on or the
    // agent as a DaemonSet); EKS itself publishes no node metrics, so without it the keys stay absent.
    identify: (arn) => one("ClusterName", after(arn, ":cluster/", "an EKS cluster ARN")),
    series: [
      { namespace: "ContainerInsights", metricName: "node_cpu_utilization", stat: "Average", key: "cpu_utilization", unit: "as_is" },
      { namespace: "ContainerInsights", metricName: "node_memory_utilization", stat: "Average", key: "memory_utilization", unit: "as_is" },
      // The fullest node's filesystem is the one that evicts pods first.
      { namespace: "ContainerInsights", metricName: "node_filesystem_utilization", stat: "Maximum", key: "disk_utilization", unit: "as_is" },
    ],
  },
  {
    kind: "ecs_cluster",
    // Cluster-level CPU and memory: what the tasks use of the container instances' capacity (EC2 launch type).
    identify: (arn) => one("ClusterName", after(arn, ":cluster/", "an ECS cluster ARN")),
    series: [
      { namespace: "AWS/ECS", metricName: "CPUUtilization", stat: "Average", key: "cpu_utilization", unit: "as_is" },
      { namespace: "AWS/ECS", metricName: "MemoryUtilization", stat: "Average", key: "memory_utilization", unit: "as_is" },
    ],
  },
  {
    kind: "ecs_service",
    // The new ARN format names the cluster (`service/<cluster>/<service>`); the old one (`service/<service>`) does not.
    identify: (arn) => {
      const tail = after(arn, ":service/", "an ECS service ARN");
      if (typeof tail === "string") return tail;
      const [cluster, service, ...rest] = tail.value.split("/");
      if (!cluster || !service || rest.length > 0) return `${JSON.stringify(arn)} is an ECS service ARN of the old format, without its cluster's name: CloudWatch needs ClusterName and ServiceName`;
      return { dimensions: [{ Name: "ClusterName", Value: cluster }, { Name: "ServiceName", Value: service }] };
    },
    series: [
      { namespace: "AWS/ECS", metricName: "CPUUtilization", stat: "Average", key: "cpu_utilization", unit: "as_is" },
      { namespace: "AWS/ECS", metricName: "MemoryUtilization", stat: "Average", key: "memory_utilization", unit: "as_is" },
    ],
  },
  {
    kind: "autoscaling_group",
    // EC2 aggregates its instance metrics by the AutoScalingGroupName dimension (no group metrics collection needed).
    identify: (arn) => one("AutoScalingGroupName", after(arn, ":autoScalingGroupName/", "an Auto Scaling group ARN")),
    series: [
      { namespace: "AWS/EC2", metricName: "CPUUtilization", stat: "Average", key: "cpu_utilization", unit: "as_is" },
      { namespace: "AWS/EC2", metricName: "NetworkIn", stat: "Sum", key: "network_in_mbps", unit: "bytes_sum_to_mbps" },
      { namespace: "AWS/EC2", metricName: "NetworkOut", stat: "Sum", key: "network_out_mbps", unit: "bytes_sum_to_mbps" },
    ],
  },
  {
    kind: "elasticache_cluster",
    identify: (arn) => one("CacheClusterId", after(arn, ":cluster:", "an ElastiCache cluster ARN")),
    series: [
      { namespace: "AWS/ElastiCache", metricName: "CPUUtilization", stat: "Average", key: "cpu_utilization", unit: "as_is" },
      // Valkey and Redis OSS only: the share of the memory the engine may use (maxmemory); Memcached has no such series.
      { namespace: "AWS/ElastiCache", metricName: "DatabaseMemoryUsagePercentage", stat: "Average", key: "memory_utilization", unit: "as_is" },
      { namespace: "AWS/ElastiCache", metricName: "CurrConnections", stat: "Average", key: "connections", unit: "as_is" },
      { namespace: "AWS/ElastiCache", metricName: "Evictions", stat: "Sum", key: "evictions_per_second", unit: "sum_per_second" },
    ],
  },
  {
    kind: "efs_file_system",
    identify: (arn) => one("FileSystemId", after(arn, ":file-system/", "an EFS file system ARN")),
    series: [
      // General Purpose mode only: how close the file system is to its I/O limit.
      { namespace: "AWS/EFS", metricName: "PercentIOLimit", stat: "Average", key: "io_limit_utilization", unit: "as_is" },
      // Bursting throughput mode only; the lowest point of the period is what throttling follows.
      { namespace: "AWS/EFS", metricName: "BurstCreditBalance", stat: "Minimum", key: "burst_credit_bytes", unit: "as_is" },
      // Published every 15 minutes, so a 5-minute period carries it one time in three.
      { namespace: "AWS/EFS", metricName: "StorageBytes", stat: "Average", key: "storage_bytes", unit: "as_is", extraDimensions: [{ Name: "StorageClass", Value: "Total" }] },
    ],
  },
  {
    kind: "redshift_cluster",
    identify: (arn) => one("ClusterIdentifier", after(arn, ":cluster:", "a Redshift cluster ARN")),
    series: [
      { namespace: "AWS/Redshift", metricName: "CPUUtilization", stat: "Average", key: "cpu_utilization", unit: "as_is" },
      { namespace: "AWS/Redshift", metricName: "PercentageDiskSpaceUsed", stat: "Average", key: "disk_utilization", unit: "as_is" },
      { namespace: "AWS/Redshift", metricName: "DatabaseConnections", stat: "Average", key: "connections", unit: "as_is" },
      { namespace: "AWS/Redshift", metricName: "ReadLatency", stat: "Average", key: "read_latency_ms", unit: "seconds_to_ms" },
      { namespace: "AWS/Redshift", metricName: "WriteLatency", stat: "Average", key: "write_latency_ms", unit: "seconds_to_ms" },
    ],
  },
];

/** The keys a kind reports: its series' keys, then its ratios', each once. */
export function keysOf(table: Pick<CloudWatchKindMetrics, "series" | "ratios">): MetricKey[] {
  const keys = [...table.series.flatMap((s) => (s.key ? [s.key] : [])), ...(table.ratios ?? []).map((r) => r.key)];
  return [...new Set(keys)];
}

const byKind = new Map(cloudWatchKinds.map((t) => [t.kind, t]));

/** The metric keys of a reader's kind (empty when CloudWatch has none cloudsync reads). */
export function cloudWatchKeysOf(kind: string): MetricKey[] {
  const table = byKind.get(kind);
  return table ? keysOf(table) : [];
}

/** The table for a resource's kind; `rds_<engine>` resources use the `rds_instance` table. */
export function cloudWatchTableFor(resourceKind: string): CloudWatchKindMetrics | undefined {
  return byKind.get(resourceKind.startsWith("rds_") ? "rds_instance" : resourceKind);
}
