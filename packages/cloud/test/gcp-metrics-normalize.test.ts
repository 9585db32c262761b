import { describe, expect, it } from "vitest";
import { bytesToMbps } from "../src/metrics/health.ts";
import { gcpKindReaders } from "../src/gcp/kinds/index.ts";
import { functionShortName, gcpKeysOf, gcpMetricsFor, sqlDatabaseId } from "../src/gcp/metric-table.ts";
import { labelsOfBatch } from "../src/gcp/metrics.ts";
import {
  distributionValue,
  gcpMetricSpecs,
  gcpRatioValue,
  SampleAccumulator,
  timeSeriesFilter,
  timestampMs,
  typedValue,
} from "../src/gcp/normalize-metrics.ts";

const spec = (type: string) => gcpMetricSpecs.find((s) => s.type === type) as (typeof gcpMetricSpecs)[number];
const CPU = spec("compute.googleapis.com/instance/cpu/utilization");
const RX = spec("compute.googleapis.com/instance/network/received_bytes_count");
const TX = spec("compute.googleapis.com/instance/network/sent_bytes_count");
const MEM = spec("agent.googleapis.com/memory/percent_used");
const DISK = spec("agent.googleapis.com/disk/percent_used");

const T0 = Date.parse("2026-10-01T00:00:00Z") / 1000;
const point = (endSeconds: number, value: Record<string, unknown>) => ({ interval: { endTime: { seconds: String(endSeconds), nanos: 0 } }, value });
const series = (instanceId: string | undefined, points: unknown[], labels: Record<string, string> = {}) => ({
  metric: { labels },
  resource: { type: "gce_instance", labels: instanceId === undefined ? {} : { instance_id: instanceId, zone: "us-central1-a" } },
  points,
});

describe("typedValue", () => {
  it.each([
    [{ doubleValue: 0.5 }, 0.5],
    [{ doubleValue: 0 }, 0],
    [{ value: "doubleValue", doubleValue: 0.25 }, 0.25],
    [{ int64Value: "123456789" }, 123456789],
    [{ value: "int64Value", int64Value: "0" }, 0],
    [{ int64Value: 42 }, 42],
    [{ int64Value: "12.5" }, null],
    [{ value: "boolValue", boolValue: true }, null],
    [{ doubleValue: Number.NaN }, null],
    [{}, null],
    [null, null],
  ])("%o → %s", (value, number) => {
    expect(typedValue(value)).toBe(number);
  });
});

describe("timestampMs", () => {
  it.each([
    [{ seconds: "1790812800", nanos: 0 }, 1790812800000],
    [{ seconds: 1790812800, nanos: 500_000_000 }, 1790812800500],
    ["2026-10-01T00:05:00Z", Date.parse("2026-10-01T00:05:00Z")],
    ["not a time", null],
    [{ seconds: "x" }, null],
    [undefined, null],
  ])("%o → %s", (value, ms) => {
    expect(timestampMs(value)).toBe(ms);
  });
});

describe("gcpMetricSpecs", () => {
  it("maps each Cloud Monitoring metric onto one seed key, aligned the way its kind needs", () => {
    expect(gcpMetricSpecs.map((s) => [s.key, s.aligner, s.combine])).toEqual([
      ["cpu_utilization", "ALIGN_MEAN", "max"],
      ["network_in_mbps", "ALIGN_SUM", "sum"],
      ["network_out_mbps", "ALIGN_SUM", "sum"],
      ["memory_utilization", "ALIGN_MEAN", "max"],
      ["disk_utilization", "ALIGN_MEAN", "max"],
    ]);
  });

  it.each([
    [CPU, 0.42, 300, 42],
    [CPU, 1, 300, 100],
    [RX, 3_750_000, 300, 0.1],
    [TX, 75_000_000, 600, bytesToMbps(75_000_000, 600)],
    [MEM, 87.5, 300, 87.5],
    [DISK, 12.25, 60, 12.25],
  ])("%s: %s over %s s → %s", (s, raw, period, converted) => {
    expect(s.convert(raw, period)).toBeCloseTo(converted, 12);
  });

  it("builds filters from validated instance ids only", () => {
    expect(timeSeriesFilter(CPU, ["1", "22"])).toBe(
      'metric.type = "compute.googleapis.com/instance/cpu/utilization" AND resource.type = "gce_instance" AND resource.labels.instance_id = one_of("1", "22")',
    );
    expect(timeSeriesFilter(MEM, ["7"])).toMatch(/one_of\("7"\) AND metric\.labels\.state = "used"$/);
    expect(() => timeSeriesFilter(CPU, ['1") OR metric.type = one_of("x'])).toThrow(RangeError);
  });
});

describe("SampleAccumulator", () => {
  const window = { startMs: T0 * 1000, endMs: (T0 + 900) * 1000, periodSeconds: 300 };
  const make = (wanted = ["111", "222"]) => new SampleAccumulator("acme-prod", new Set(wanted), window);

  it("merges metrics into one sample per instance per period, stamped at the period's start", () => {
    const acc = make();
    expect(acc.add(CPU, series("111", [point(T0 + 600, { doubleValue: 0.5 }), point(T0 + 300, { doubleValue: 0.25 })]))).toBeNull();
    // Two network series of one VM (loadbalanced false/true) are added up.
    acc.add(RX, series("111", [point(T0 + 300, { int64Value: "3000000" })], { loadbalanced: "false" }));
    acc.add(RX, series("111", [point(T0 + 300, { int64Value: "750000" })], { loadbalanced: "true" }));
    // The agent's "free" series is not utilization; the fullest disk counts.
    acc.add(MEM, series("111", [point(T0 + 300, { doubleValue: 61.5 })], { state: "used" }));
    acc.add(MEM, series("111", [point(T0 + 300, { doubleValue: 38.5 })], { state: "free" }));
    acc.add(DISK, series("111", [point(T0 + 300, { doubleValue: 40 })], { device: "sda1", state: "used" }));
    acc.add(DISK, series("111", [point(T0 + 300, { doubleValue: 72 })], { device: "sdb", state: "used" }));
    expect(acc.drain(gcpMetricSpecs)).toEqual([
      {
        cloud: "gcp",
        account: "acme-prod",
        resourceId: "111",
        timestamp: "2026-10-01T00:00:00.000Z",
        metrics: { cpu_utilization: 25, network_in_mbps: 0.1, memory_utilization: 61.5, disk_utilization: 72 },
      },
      // Only CPU for the second period: the other keys are absent, not zero.
      { cloud: "gcp", account: "acme-prod", resourceId: "111", timestamp: "2026-10-01T00:05:00.000Z", metrics: { cpu_utilization: 50 } },
    ]);
    expect(acc.drain(gcpMetricSpecs)).toEqual([]);
  });

  it("keeps only the instances asked for and the periods that start inside the window", () => {
    const acc = make(["111"]);
    acc.add(CPU, series("333", [point(T0 + 300, { doubleValue: 0.9 })]));
    acc.add(CPU, series("111", [point(T0, { doubleValue: 0.1 }), point(T0 + 900, { doubleValue: 0.2 }), point(T0 + 1200, { doubleValue: 0.3 })]));
    expect(acc.drain(gcpMetricSpecs).map((s) => [s.resourceId, s.timestamp])).toEqual([["111", "2026-10-01T00:10:00.000Z"]]);
  });

  it.each([
    [series(undefined, [point(T0 + 300, { doubleValue: 0.5 })]), null, /no resource\.labels\.instance_id/],
    [{ resource: { labels: { instance_id: "111" } } }, "111", /has no points/],
    [series("111", [point(T0 + 300, {}), { value: { doubleValue: 0.5 } }, point(T0 + 600, { doubleValue: 0.5 })]), "111", /2 point\(s\).*no time or value/],
  ])("reports a malformed series (%#) and keeps its good points", (item, itemId, reason) => {
    const acc = make();
    const problem = acc.add(CPU, item);
    expect(problem?.itemId).toBe(itemId);
    expect(problem?.reason).toMatch(reason);
  });

  it("keeps a malformed series' good points", () => {
    const acc = make();
    acc.add(CPU, series("111", [point(T0 + 300, {}), point(T0 + 600, { doubleValue: 0.5 })]));
    expect(acc.drain(gcpMetricSpecs).map((s) => s.metrics)).toEqual([{ cpu_utilization: 50 }]);
  });
});

describe("gcpKindMetrics (metric-table.ts)", () => {
  it("gives each kind its keys from its table; kinds without a line have none", () => {
    for (const reader of gcpKindReaders) expect(reader.metricKeys).toEqual(gcpKeysOf(reader.kind));
    expect(gcpKeysOf("gce_instance")).toEqual(["cpu_utilization", "network_in_mbps", "network_out_mbps", "memory_utilization", "disk_utilization"]);
    expect(gcpKeysOf("gce_disk")).toEqual([]);
  });

  it("filters and maps series through the kind's monitored resource and id label", () => {
    const table = { monitoredResource: "cloudsql_database", idLabel: "database_id", validId: /^[a-z0-9-]+:[a-z0-9-]+$/ };
    expect(timeSeriesFilter(spec("compute.googleapis.com/instance/cpu/utilization"), ["p:db-1"], table)).toBe(
      'metric.type = "compute.googleapis.com/instance/cpu/utilization" AND resource.type = "cloudsql_database" AND resource.labels.database_id = one_of("p:db-1")',
    );
    expect(() => timeSeriesFilter(spec("compute.googleapis.com/instance/cpu/utilization"), ['x") OR ("'], table)).toThrow(/not a cloudsql_database database_id/);
    const acc = new SampleAccumulator("p", new Set(["p:db-1"]), { startMs: 0, endMs: 600_000, periodSeconds: 300 }, table);
    const problem = acc.add(spec("compute.googleapis.com/instance/cpu/utilization"), {
      resource: { labels: { database_id: "p:db-1" } },
      points: [{ interval: { endTime: "1970-01-01T00:05:00Z" }, value: { doubleValue: 0.5 } }],
    });
    expect(problem).toBeNull();
    expect(acc.drain(gcpMetricSpecs)).toEqual([{ cloud: "gcp", account: "p", resourceId: "p:db-1", timestamp: "1970-01-01T00:00:00.000Z", metrics: { cpu_utilization: 50 } }]);
  });
});

describe("the kinds beyond VMs", () => {
  it.each([
    ["//sqladmin.googleapis.com/projects/acme-prod/instances/orders-db", "acme-prod:orders-db"],
    ["//sqladmin.googleapis.com/projects/example.com:acme/instances/db", "example.com:acme:db"],
    ["projects/acme/instances/db", null],
  ])("Cloud SQL %s → database_id %s", (id, label) => {
    expect(sqlDatabaseId(id)).toBe(label);
  });

  it.each([
    ["projects/acme/locations/europe-west1/functions/resize", "resize"],
    ["projects/acme/locations/europe-west1/functions", null],
  ])("function %s → name %s", (id, name) => {
    expect(functionShortName(id)).toBe(name);
  });

  it.each([
    [{ distributionValue: { count: "4", mean: 12.5 } }, { count: 4, mean: 12.5 }],
    [{ distributionValue: { count: 3, mean: 1 } }, { count: 3, mean: 1 }],
    [{ distributionValue: { count: "0" } }, { count: 0, mean: 0 }],
    [{ distributionValue: { count: "2" } }, null],
    [{ doubleValue: 1 }, null],
  ])("distribution %o → %o", (value, out) => {
    expect(distributionValue(value)).toEqual(out);
  });

  // Hand-computed: 5xx 6 of 200 → 3 %; failed executions 200 − 190 = 10 of 200 → 5 %.
  it.each([
    [{ key: "error_rate", numerators: ["5xx"], denominator: "requests" }, [["requests", 200], ["5xx", 6]], 3],
    [{ key: "error_rate", numerators: ["5xx"], denominator: "requests" }, [["requests", 200]], 0],
    [{ key: "error_rate", numerators: ["5xx"], denominator: "requests" }, [["requests", 0], ["5xx", 0]], undefined],
    [{ key: "error_rate", numerators: ["ok"], denominator: "executions", complement: true }, [["executions", 200], ["ok", 190]], 5],
    [{ key: "error_rate", numerators: ["ok"], denominator: "executions", complement: true }, [["ok", 190]], undefined],
  ] as const)("%o over %j → %s", (ratio, parts, value) => {
    expect(gcpRatioValue(ratio as never, new Map(parts as never))).toBe(value);
  });

  it("averages a cluster's nodes, weights latency distributions by their counts, and computes ratios per period", () => {
    const window = { startMs: T0 * 1000, endMs: (T0 + 600) * 1000, periodSeconds: 300 };
    const gke = gcpMetricsFor("gke_cluster")?.sources[0];
    const lb = gcpMetricsFor("gcp_backend_service");
    if (!gke || !lb?.sources[0]) throw new Error("tables missing");
    const acc = new SampleAccumulator("p", new Map(), window);
    const on = (source: typeof gke, label: string) => ({ resource: source, wanted: new Map([[label, `id-${label}`]]) });
    const node = (n: string, v: number) => ({ metric: { labels: {} }, resource: { labels: { cluster_name: "prod", node_name: n } }, points: [point(T0 + 300, { doubleValue: v })] });
    acc.add(gke.specs[0] as never, node("a", 0.9), on(gke, "prod"));
    acc.add(gke.specs[0] as never, node("b", 0.5), on(gke, "prod"));
    const lbSource = lb.sources[0];
    const [requests, fivexx, latency] = lbSource.specs;
    const lbSeries = (cls: string, value: Record<string, unknown>) => ({
      metric: { labels: { response_code_class: cls } },
      resource: { labels: { backend_target_name: "web" } },
      points: [point(T0 + 300, value)],
    });
    acc.add(requests as never, lbSeries("200", { int64Value: "1470" }), on(lbSource, "web"));
    acc.add(requests as never, lbSeries("500", { int64Value: "30" }), on(lbSource, "web"));
    acc.add(fivexx as never, lbSeries("500", { int64Value: "30" }), on(lbSource, "web"));
    // Fresh requests answer in 100 ms (1470 of them), failures in 1000 ms (30): (147000 + 30000) / 1500 = 118 ms.
    acc.add(latency as never, lbSeries("200", { distributionValue: { count: "1470", mean: 100 } }), on(lbSource, "web"));
    acc.add(latency as never, lbSeries("500", { distributionValue: { count: "30", mean: 1000 } }), on(lbSource, "web"));
    const samples = acc.drain([...gke.specs, ...lbSource.specs], lb.ratios);
    expect(samples.map((s) => [s.resourceId, s.metrics])).toEqual([
      ["id-prod", { cpu_utilization: 70 }],
      // 1500 requests over 300 s; 30 of 1500 failed: 2 %.
      ["id-web", { requests_per_second: 5, response_time_ms: 118, error_rate: 2 }],
    ]);
  });

  it("declares each kind's keys from its table", () => {
    for (const reader of gcpKindReaders) expect(reader.metricKeys).toEqual(gcpKeysOf(reader.kind));
    expect(gcpKeysOf("cloud_function")).toEqual(["invocations_per_second", "duration_ms", "error_rate"]);
    expect(gcpKeysOf("gcp_network")).toEqual([]);
  });
});

describe("labelsOfBatch: how targets become label values", () => {
  const gke = gcpMetricsFor("gke_cluster");
  const fn = gcpMetricsFor("cloud_function");
  const target = (resourceId: string, name?: string) => ({ account: "p", regionCode: "europe-west1", kind: "gke_cluster", resourceId, ...(name ? { name } : {}) });
  it("maps names to ids, skips a target without a name and the second of two with one name", () => {
    if (!gke) throw new Error("no gke table");
    const { wanted, unnamed } = labelsOfBatch(gke, [target("a1", "prod"), target("b2"), target("c3", "prod"), target("d4", "bad name")]);
    expect([...(wanted.get(gke.sources[0] as never) ?? [])]).toEqual([["prod", "a1"]]);
    expect(unnamed).toEqual([
      { itemId: "b2", reason: expect.stringMatching(/GKE cluster with a name/) },
      { itemId: "c3", reason: 'cluster_name "prod" also names a1: Cloud Monitoring\'s k8s_node series cannot tell them apart' },
      { itemId: "d4", reason: expect.stringMatching(/GKE cluster with a name/) },
    ]);
  });
  it("asks a function's name on both generations' resources", () => {
    if (!fn) throw new Error("no function table");
    const { wanted, unnamed } = labelsOfBatch(fn, [{ ...target("projects/p/locations/l/functions/resize"), kind: "cloud_function" }]);
    expect([...wanted.values()].map((m) => [...m])).toEqual([[["resize", "projects/p/locations/l/functions/resize"]], [["resize", "projects/p/locations/l/functions/resize"]]]);
    expect(unnamed).toEqual([]);
  });
});
