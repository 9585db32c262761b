import type { MetricDataResult } from "@aws-sdk/client-cloudwatch";
import { describe, expect, it } from "vitest";
import {
  batchInstances,
  buildMetricQueries,
  convertMetricValue,
  createSampleAccumulator,
  ec2MetricSpecs,
  isValidPeriod,
  maxQueriesPerCall,
  readMetricResult,
} from "../src/aws/normalize-metrics.ts";
import { awsKindReaders } from "../src/aws/kinds/index.ts";
import { kindsWithMetrics, metricKeys } from "../src/types.ts";

const spec = (key: string) => ec2MetricSpecs.find((s) => s.key === key) as (typeof ec2MetricSpecs)[number];

describe("AWS metric series", () => {
  it.each([
    ["cpu_utilization", "AWS/EC2", "CPUUtilization", "Average"],
    ["network_in_mbps", "AWS/EC2", "NetworkIn", "Sum"],
    ["network_out_mbps", "AWS/EC2", "NetworkOut", "Sum"],
    ["memory_utilization", "CWAgent", "mem_used_percent", "Average"],
    ["disk_utilization", "CWAgent", "disk_used_percent", "Maximum"],
  ])("%s ← %s %s (%s)", (key, namespace, metricName, stat) => {
    expect(spec(key)).toMatchObject({ namespace, metricName, stat });
    expect(metricKeys).toContain(key);
  });

  it("reads instances only", () => {
    expect(kindsWithMetrics(awsKindReaders)).toEqual(["ec2_instance"]);
  });
});

describe("AWS metric unit conversions", () => {
  it.each([
    // Sum of bytes over the period → megabits per second.
    ["network_in_mbps", 37_500_000, 300, 1],
    ["network_in_mbps", 0, 300, 0],
    ["network_out_mbps", 750_000, 60, 0.1],
    ["network_out_mbps", 125_000_000, 1, 1000],
    // Percentages stay percentages.
    ["cpu_utilization", 97.25, 300, 97.25],
    ["memory_utilization", 0.5, 300, 0.5],
    ["disk_utilization", 100, 60, 100],
  ])("%s %d over %ds → %d", (key, raw, period, converted) => {
    expect(convertMetricValue(spec(key), raw, period)).toBeCloseTo(converted, 12);
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
  it("puts 100 instances (500 queries) in a call", () => {
    const ids = Array.from({ length: 250 }, (_, i) => `i-${i}`);
    const batches = batchInstances(ids);
    expect(batches.map((b) => b.length)).toEqual([100, 100, 50]);
    expect(batches.flat()).toEqual(ids);
    expect(batchInstances([])).toEqual([]);
  });

  it("builds one query per instance and series, with lowercase-first unique ids", () => {
    const { queries, refs } = buildMetricQueries(["i-a", "i-b"], 300);
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
  });
});

describe("AWS GetMetricData results", () => {
  const t0 = new Date("2026-11-01T00:00:00Z");
  const t1 = new Date("2026-11-01T00:05:00Z");

  it("converts each point and keeps its timestamp", () => {
    const result: MetricDataResult = { Id: "i0_1", Timestamps: [t0, t1], Values: [37_500_000, 0], StatusCode: "Complete" };
    expect(readMetricResult(result, { resourceId: "i-a", spec: spec("network_in_mbps") }, 300)).toEqual([
      { timestamp: "2026-11-01T00:00:00.000Z", value: 1 },
      { timestamp: "2026-11-01T00:05:00.000Z", value: 0 },
    ]);
  });

  it("reads a series CloudWatch has no points for as no points (the key stays absent)", () => {
    expect(readMetricResult({ Id: "i0_3", Timestamps: [], Values: [], StatusCode: "Complete" }, { resourceId: "i-a", spec: spec("memory_utilization") }, 300)).toEqual([]);
    expect(readMetricResult({ Id: "i0_3", StatusCode: "Complete" }, { resourceId: "i-a", spec: spec("memory_utilization") }, 300)).toEqual([]);
  });

  it.each([
    ["timestamps and values that do not pair up", { Timestamps: [t0, t1], Values: [1] }, /2 timestamps but 1 values/],
    ["a status CloudWatch uses for failure", { Timestamps: [], Values: [], StatusCode: "InternalError" }, /StatusCode InternalError/],
    ["a forbidden series", { StatusCode: "Forbidden" }, /StatusCode Forbidden/],
    ["a value that is no number", { Timestamps: [t0], Values: [Number.NaN] }, /not a number/],
    ["an unreadable timestamp", { Timestamps: [new Date("nope")], Values: [1] }, /unreadable timestamp/],
  ])("rejects %s with a reason", (_label, partial, reason) => {
    const out = readMetricResult({ Id: "i0_0", ...partial } as MetricDataResult, { resourceId: "i-a", spec: spec("cpu_utilization") }, 300);
    expect(out).toEqual(expect.stringMatching(reason));
    expect(String(out)).toMatch(/^CPUUtilization: /);
  });

  it("gathers one sample per instance and period, with only the keys that had points", () => {
    const acc = createSampleAccumulator("111111111111");
    acc.add("i-a", "network_in_mbps", { timestamp: "2026-11-01T00:05:00.000Z", value: 2 });
    acc.add("i-a", "cpu_utilization", { timestamp: "2026-11-01T00:00:00.000Z", value: 10 });
    acc.add("i-a", "cpu_utilization", { timestamp: "2026-11-01T00:05:00.000Z", value: 20 });
    acc.add("i-b", "cpu_utilization", { timestamp: "2026-11-01T00:00:00.000Z", value: 99 });
    expect([...acc.resourceIds].sort()).toEqual(["i-a", "i-b"]);
    expect(acc.take("i-a")).toEqual([
      { cloud: "aws", account: "111111111111", resourceId: "i-a", timestamp: "2026-11-01T00:00:00.000Z", metrics: { cpu_utilization: 10 } },
      { cloud: "aws", account: "111111111111", resourceId: "i-a", timestamp: "2026-11-01T00:05:00.000Z", metrics: { network_in_mbps: 2, cpu_utilization: 20 } },
    ]);
    expect(acc.take("i-a")).toEqual([]);
    acc.drop("i-b");
    expect(acc.take("i-b")).toEqual([]);
  });
});
