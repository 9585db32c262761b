import type { MetricDataResult } from "@aws-sdk/client-cloudwatch";
import { describe, expect, it } from "vitest";
import { awsKindReaders } from "../src/aws/kinds/index.ts";
import { type CloudWatchSeries, cloudWatchKinds, cloudWatchTableFor, ec2Series, keysOf } from "../src/aws/metric-table.ts";
import {
  batchItems,
  buildMetricQueries,
  convertMetricValue,
  createSampleAccumulator,
  isValidPeriod,
  type MetricItem,
  maxQueriesPerCall,
  ratioValue,
  readMetricResult,
} from "../src/aws/normalize-metrics.ts";
import { kindsWithMetrics, metricKeys } from "../src/types.ts";

const spec = (key: string) => ec2Series.find((s) => s.key === key) as CloudWatchSeries;
const seriesOf = (kind: string, metricName: string, operation?: string) =>
  cloudWatchTableFor(kind)?.series.find(
    (s) => s.metricName === metricName && (operation === undefined || s.extraDimensions?.some((d) => d.Value === operation)),
  ) as CloudWatchSeries;
const item = (kind: string, resourceId: string): MetricItem => {
  const table = cloudWatchTableFor(kind);
  if (!table) throw new Error(`no table for ${kind}`);
  const identity = table.identify(resourceId);
  if (typeof identity === "string") throw new Error(identity);
  return { resourceId, table, identity };
};

describe("AWS metric series per kind", () => {
  it.each([
    ["ec2_instance", "cpu_utilization", "AWS/EC2", "CPUUtilization", "Average"],
    ["ec2_instance", "network_in_mbps", "AWS/EC2", "NetworkIn", "Sum"],
    ["ec2_instance", "network_out_mbps", "AWS/EC2", "NetworkOut", "Sum"],
    ["ec2_instance", "memory_utilization", "CWAgent", "mem_used_percent", "Average"],
    ["ec2_instance", "disk_utilization", "CWAgent", "disk_used_percent", "Maximum"],
    ["ebs_volume", "disk_read_iops", "AWS/EBS", "VolumeReadOps", "Sum"],
    ["ebs_volume", "disk_write_mbps", "AWS/EBS", "VolumeWriteBytes", "Sum"],
    ["rds_postgres", "connections", "AWS/RDS", "DatabaseConnections", "Average"],
    ["rds_mysql", "read_latency_ms", "AWS/RDS", "ReadLatency", "Average"],
    ["elb_load_balancer", "requests_per_second", "AWS/ApplicationELB", "RequestCount", "Sum"],
    ["elb_load_balancer", "connections", "AWS/NetworkELB", "ActiveFlowCount", "Average"],
    ["lambda_function", "invocations_per_second", "AWS/Lambda", "Invocations", "Sum"],
    ["lambda_function", "duration_ms", "AWS/Lambda", "Duration", "Average"],
    ["cloudfront_distribution", "error_rate", "AWS/CloudFront", "5xxErrorRate", "Average"],
    ["s3_bucket", "storage_bytes", "AWS/S3", "BucketSizeBytes", "Average"],
    ["s3_bucket", "object_count", "AWS/S3", "NumberOfObjects", "Average"],
    ["eks_cluster", "cpu_utilization", "ContainerInsights", "node_cpu_utilization", "Average"],
    ["eks_cluster", "disk_utilization", "ContainerInsights", "node_filesystem_utilization", "Maximum"],
    ["ecs_cluster", "memory_utilization", "AWS/ECS", "MemoryUtilization", "Average"],
    ["ecs_service", "cpu_utilization", "AWS/ECS", "CPUUtilization", "Average"],
    ["autoscaling_group", "cpu_utilization", "AWS/EC2", "CPUUtilization", "Average"],
    ["autoscaling_group", "network_out_mbps", "AWS/EC2", "NetworkOut", "Sum"],
    ["elasticache_cluster", "memory_utilization", "AWS/ElastiCache", "DatabaseMemoryUsagePercentage", "Average"],
    ["elasticache_cluster", "evictions_per_second", "AWS/ElastiCache", "Evictions", "Sum"],
    ["efs_file_system", "io_limit_utilization", "AWS/EFS", "PercentIOLimit", "Average"],
    ["efs_file_system", "burst_credit_bytes", "AWS/EFS", "BurstCreditBalance", "Minimum"],
    ["efs_file_system", "storage_bytes", "AWS/EFS", "StorageBytes", "Average"],
    ["redshift_cluster", "disk_utilization", "AWS/Redshift", "PercentageDiskSpaceUsed", "Average"],
    ["redshift_cluster", "write_latency_ms", "AWS/Redshift", "WriteLatency", "Average"],
  ])("%s: %s ← %s %s (%s)", (kind, key, namespace, metricName, stat) => {
    expect(cloudWatchTableFor(kind)?.series.find((s) => s.key === key)).toMatchObject({ namespace, metricName, stat });
    expect(metricKeys).toContain(key);
  });

  it("declares each kind's keys from its table, ratios included", () => {
    expect(keysOf(cloudWatchTableFor("lambda_function") as never)).toEqual(["invocations_per_second", "duration_ms", "error_rate"]);
    for (const reader of awsKindReaders) {
      const table = cloudWatchKinds.find((t) => t.kind === reader.kind);
      expect(reader.metricKeys).toEqual(table ? keysOf(table) : []);
    }
  });

  it("names the kinds with metrics, RDS engines included, so the worker can find their rows", () => {
    const kinds = kindsWithMetrics(awsKindReaders);
    for (const k of ["ec2_instance", "ebs_volume", "elb_load_balancer", "lambda_function", "dynamodb_table", "cloudfront_distribution", "s3_bucket", "rds_postgres", "rds_aurora_mysql"]) {
      expect(kinds).toContain(k);
    }
    expect(kinds).not.toContain("vpc");
    expect(kinds).not.toContain("security_group");
  });

  it.each([
    ["rds_postgres", "arn:aws:rds:us-east-1:111111111111:db:shop-prod-db", [{ Name: "DBInstanceIdentifier", Value: "shop-prod-db" }], undefined],
    ["elb_load_balancer", "arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/web/50dc6c495c0c9188", [{ Name: "LoadBalancer", Value: "app/web/50dc6c495c0c9188" }], "app"],
    ["elb_load_balancer", "arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/net/tcp/abc", [{ Name: "LoadBalancer", Value: "net/tcp/abc" }], "net"],
    ["lambda_function", "arn:aws:lambda:us-east-1:111111111111:function:resize:live", [{ Name: "FunctionName", Value: "resize" }], undefined],
    ["dynamodb_table", "arn:aws:dynamodb:us-east-1:111111111111:table/carts", [{ Name: "TableName", Value: "carts" }], undefined],
    ["cloudfront_distribution", "arn:aws:cloudfront::111111111111:distribution/E2ABC", [{ Name: "DistributionId", Value: "E2ABC" }, { Name: "Region", Value: "Global" }], undefined],
    ["s3_bucket", "shop-assets", [{ Name: "BucketName", Value: "shop-assets" }], undefined],
    ["ebs_volume", "vol-0abc", [{ Name: "VolumeId", Value: "vol-0abc" }], undefined],
    ["eks_cluster", "arn:aws:eks:us-east-1:111111111111:cluster/shop-prod", [{ Name: "ClusterName", Value: "shop-prod" }], undefined],
    ["ecs_cluster", "arn:aws:ecs:us-east-1:111111111111:cluster/shop", [{ Name: "ClusterName", Value: "shop" }], undefined],
    ["ecs_service", "arn:aws:ecs:us-east-1:111111111111:service/shop/api", [{ Name: "ClusterName", Value: "shop" }, { Name: "ServiceName", Value: "api" }], undefined],
    [
      "autoscaling_group",
      "arn:aws:autoscaling:us-east-1:111111111111:autoScalingGroup:1a2b3c4d-0000-4000-8000-1a2b3c4d5e6f:autoScalingGroupName/web-asg",
      [{ Name: "AutoScalingGroupName", Value: "web-asg" }],
      undefined,
    ],
    ["elasticache_cluster", "arn:aws:elasticache:us-east-1:111111111111:cluster:sessions-001", [{ Name: "CacheClusterId", Value: "sessions-001" }], undefined],
    ["efs_file_system", "arn:aws:elasticfilesystem:us-east-1:111111111111:file-system/fs-0abc", [{ Name: "FileSystemId", Value: "fs-0abc" }], undefined],
    ["redshift_cluster", "arn:aws:redshift:us-east-1:111111111111:cluster:dw", [{ Name: "ClusterIdentifier", Value: "dw" }], undefined],
  ])("%s %s → its CloudWatch dimensions", (kind, id, dimensions, variant) => {
    expect(item(kind, id).identity).toEqual(variant ? { dimensions, variant } : { dimensions });
  });

  it.each([
    ["rds_postgres", "shop-prod-db", /not an RDS DB instance ARN/],
    ["elb_load_balancer", "arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/gwy/x/1", /gwy load balancers publish no/],
    ["lambda_function", "resize", /not a Lambda function ARN/],
    ["ecs_service", "arn:aws:ecs:us-east-1:111111111111:service/api", /old format, without its cluster's name/],
  ])("%s %s cannot be read: %s", (kind, id, reason) => {
    expect(cloudWatchTableFor(kind)?.identify(id)).toEqual(expect.stringMatching(reason));
  });

  it("reads CloudFront in us-east-1 and S3 over whole days", () => {
    expect(cloudWatchTableFor("cloudfront_distribution")?.region).toBe("us-east-1");
    expect(cloudWatchTableFor("s3_bucket")).toMatchObject({ fixedPeriodSeconds: 86_400, lookbackPeriods: 2 });
  });
});

describe("AWS metric unit conversions", () => {
  it.each([
    // Sum of bytes over the period → megabits per second.
    [spec("network_in_mbps"), 37_500_000, 300, 1],
    [spec("network_in_mbps"), 0, 300, 0],
    [spec("network_out_mbps"), 750_000, 60, 0.1],
    [spec("network_out_mbps"), 125_000_000, 1, 1000],
    // Percentages stay percentages.
    [spec("cpu_utilization"), 97.25, 300, 97.25],
    [spec("memory_utilization"), 0.5, 300, 0.5],
    [spec("disk_utilization"), 100, 60, 100],
    // EBS: operations summed over 300 s → per second; bytes → Mbit/s.
    [seriesOf("ebs_volume", "VolumeReadOps"), 30_000, 300, 100],
    [seriesOf("ebs_volume", "VolumeWriteBytes"), 75_000_000, 300, 2],
    // RDS: latency in seconds → ms; throughput in bytes/s → Mbit/s; IOPS and connections as they are.
    [seriesOf("rds_postgres", "ReadLatency"), 0.0025, 300, 2.5],
    [seriesOf("rds_postgres", "NetworkReceiveThroughput"), 250_000, 300, 2],
    [seriesOf("rds_postgres", "WriteIOPS"), 42.5, 300, 42.5],
    [seriesOf("rds_postgres", "DatabaseConnections"), 17, 300, 17],
    // ALB: requests summed over 60 s → per second; target response time s → ms.
    [seriesOf("elb_load_balancer", "RequestCount"), 1_200, 60, 20],
    [seriesOf("elb_load_balancer", "TargetResponseTime"), 0.125, 60, 125],
    // Lambda: invocations per second; Duration already ms.
    [seriesOf("lambda_function", "Invocations"), 900, 300, 3],
    [seriesOf("lambda_function", "Duration"), 212.5, 300, 212.5],
    // DynamoDB latency already ms; CloudFront 5xxErrorRate already percent; S3 bytes and counts as they are.
    [seriesOf("dynamodb_table", "SuccessfulRequestLatency", "PutItem"), 7.5, 300, 7.5],
    [seriesOf("cloudfront_distribution", "5xxErrorRate"), 1.25, 300, 1.25],
    [seriesOf("cloudfront_distribution", "Requests"), 6_000, 300, 20],
    [seriesOf("s3_bucket", "BucketSizeBytes"), 123_456_789, 86_400, 123_456_789],
  ])("%o %d over %ds → %d", (series, raw, period, converted) => {
    expect(convertMetricValue(series, raw, period)).toBeCloseTo(converted, 12);
  });

  it.each([
    // (5 + 7) 5xx of 400 requests → 3 %.
    [{ elb_5xx: 5, target_5xx: 7, requests: 400 }, 3],
    // No 5xx published for the period: CloudWatch omits zero counts.
    [{ requests: 400 }, 0],
    [{ target_5xx: 1, requests: 8 }, 12.5],
    // No requests: no rate at all.
    [{ elb_5xx: 2 }, undefined],
    [{ elb_5xx: 0, requests: 0 }, undefined],
  ])("ALB error rate of %o is %s", (parts, rate) => {
    const ratio = cloudWatchTableFor("elb_load_balancer")?.ratios?.[0];
    expect(ratio).toEqual({ key: "error_rate", numerators: ["elb_5xx", "target_5xx"], denominator: "requests" });
    expect(ratioValue(ratio as never, parts)).toBe(rate);
  });

  it.each([
    [300, true],
    [60, true],
    [3600, true],
    [1, true],
    [30, true],
    [45, false],
    [0, false],
    [-60, false],
    [90.5, false],
  ])("period %d valid: %s", (period, ok) => {
    expect(isValidPeriod(period)).toBe(ok);
  });
});

describe("AWS GetMetricData batches", () => {
  it("puts 100 instances (500 queries) in a call, and never splits a resource's queries", () => {
    const ids = Array.from({ length: 250 }, (_, i) => item("ec2_instance", `i-${i}`));
    const batches = batchItems(ids);
    expect(batches.map((b) => b.length)).toEqual([100, 100, 50]);
    expect(batches.flat()).toEqual(ids);
    expect(batchItems([])).toEqual([]);
    // 3 Lambda queries each: 166 functions fill 498 queries, the 167th starts the next call.
    const functions = Array.from({ length: 200 }, (_, i) => item("lambda_function", `arn:aws:lambda:us-east-1:1:function:f${i}`));
    expect(batchItems(functions).map((b) => b.length)).toEqual([166, 34]);
  });

  it("builds one query per resource and series of its variant, with lowercase-first unique ids", () => {
    const { queries, refs } = buildMetricQueries([item("ec2_instance", "i-a"), item("ec2_instance", "i-b")], 300);
    expect(queries).toHaveLength(10);
    expect(queries.length).toBeLessThanOrEqual(maxQueriesPerCall);
    expect(new Set(queries.map((q) => q.Id)).size).toBe(10);
    for (const q of queries) expect(q.Id).toMatch(/^[a-z][a-zA-Z0-9_]*$/);
    expect(queries[5]).toEqual({
      Id: "i1_0",
      MetricStat: {
        Metric: { Namespace: "AWS/EC2", MetricName: "CPUUtilization", Dimensions: [{ Name: "InstanceId", Value: "i-b" }] },
        Period: 300,
        Stat: "Average",
      },
      ReturnData: true,
    });
    expect(refs.get("i0_4")).toEqual({ resourceId: "i-a", spec: spec("disk_utilization") });
    const nlb = item("elb_load_balancer", "arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/net/tcp/abc");
    const built = buildMetricQueries([nlb], 60);
    expect(built.queries.map((q) => q.MetricStat?.Metric?.MetricName)).toEqual(["ActiveFlowCount"]);
    const bucket = buildMetricQueries([item("s3_bucket", "b")], 86_400);
    expect(bucket.queries[1]?.MetricStat?.Metric?.Dimensions).toEqual([
      { Name: "BucketName", Value: "b" },
      { Name: "StorageType", Value: "AllStorageTypes" },
    ]);
  });
});

describe("AWS GetMetricData results", () => {
  const t0 = new Date("2026-11-01T00:00:00Z");
  const t1 = new Date("2026-11-01T00:05:00Z");

  it("keeps each raw point and its timestamp (the accumulator converts)", () => {
    const result: MetricDataResult = { Id: "i0_1", Timestamps: [t0, t1], Values: [37_500_000, 0], StatusCode: "Complete" };
    expect(readMetricResult(result, { resourceId: "i-a", spec: spec("network_in_mbps") })).toEqual([
      { timestamp: "2026-11-01T00:00:00.000Z", value: 37_500_000 },
      { timestamp: "2026-11-01T00:05:00.000Z", value: 0 },
    ]);
  });

  it("reads a series CloudWatch has no points for as no points (the key stays absent)", () => {
    expect(readMetricResult({ Id: "i0_3", Timestamps: [], Values: [], StatusCode: "Complete" }, { resourceId: "i-a", spec: spec("memory_utilization") })).toEqual([]);
    expect(readMetricResult({ Id: "i0_3", StatusCode: "Complete" }, { resourceId: "i-a", spec: spec("memory_utilization") })).toEqual([]);
  });

  it.each([
    ["timestamps and values that do not pair up", { Timestamps: [t0, t1], Values: [1] }, /2 timestamps but 1 values/],
    ["a status CloudWatch uses for failure", { Timestamps: [], Values: [], StatusCode: "InternalError" }, /StatusCode InternalError/],
    ["a forbidden series", { StatusCode: "Forbidden" }, /StatusCode Forbidden/],
    ["a value that is no number", { Timestamps: [t0], Values: [Number.NaN] }, /not a number/],
    ["an unreadable timestamp", { Timestamps: [new Date("nope")], Values: [1] }, /unreadable timestamp/],
  ])("rejects %s with a reason", (_label, partial, reason) => {
    const out = readMetricResult({ Id: "i0_0", ...partial } as MetricDataResult, { resourceId: "i-a", spec: spec("cpu_utilization") });
    expect(out).toEqual(expect.stringMatching(reason));
    expect(String(out)).toMatch(/^CPUUtilization: /);
  });

  it("gathers one sample per resource and period, converted, with only the keys that had points", () => {
    const acc = createSampleAccumulator("111111111111", 300);
    acc.add("i-a", spec("network_in_mbps"), { timestamp: "2026-11-01T00:05:00.000Z", value: 75_000_000 });
    acc.add("i-a", spec("cpu_utilization"), { timestamp: "2026-11-01T00:00:00.000Z", value: 10 });
    acc.add("i-a", spec("cpu_utilization"), { timestamp: "2026-11-01T00:05:00.000Z", value: 20 });
    acc.add("i-b", spec("cpu_utilization"), { timestamp: "2026-11-01T00:00:00.000Z", value: 99 });
    expect([...acc.resourceIds].sort()).toEqual(["i-a", "i-b"]);
    expect(acc.take("i-a")).toEqual([
      { cloud: "aws", account: "111111111111", resourceId: "i-a", timestamp: "2026-11-01T00:00:00.000Z", metrics: { cpu_utilization: 10 } },
      { cloud: "aws", account: "111111111111", resourceId: "i-a", timestamp: "2026-11-01T00:05:00.000Z", metrics: { network_in_mbps: 2, cpu_utilization: 20 } },
    ]);
    expect(acc.take("i-a")).toEqual([]);
    acc.drop("i-b");
    expect(acc.take("i-b")).toEqual([]);
  });

  it("derives a Lambda's error rate and invocations per second from the same Sums", () => {
    const table = cloudWatchTableFor("lambda_function");
    const acc = createSampleAccumulator("111111111111", 60);
    const fn = "arn:aws:lambda:us-east-1:111111111111:function:f";
    acc.add(fn, seriesOf("lambda_function", "Invocations"), { timestamp: "2026-11-01T00:00:00.000Z", value: 120 });
    acc.add(fn, seriesOf("lambda_function", "Errors"), { timestamp: "2026-11-01T00:00:00.000Z", value: 6 });
    acc.add(fn, seriesOf("lambda_function", "Duration"), { timestamp: "2026-11-01T00:00:00.000Z", value: 80 });
    // Errors alone (no invocations point) give no sample: a part is not a key.
    acc.add(fn, seriesOf("lambda_function", "Errors"), { timestamp: "2026-11-01T00:01:00.000Z", value: 1 });
    expect(acc.take(fn, table?.ratios)).toEqual([
      { cloud: "aws", account: "111111111111", resourceId: fn, timestamp: "2026-11-01T00:00:00.000Z", metrics: { invocations_per_second: 2, duration_ms: 80, error_rate: 5 } },
    ]);
  });
});
