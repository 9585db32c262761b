import { describe, expect, it } from "vitest";
import { bytesToMbps } from "../src/metrics/health.ts";
import { gcpKindReaders } from "../src/gcp/kinds/index.ts";
import { gcpKeysOf } from "../src/gcp/metric-table.ts";
import { gcpMetricSpecs, SampleAccumulator, timeSeriesFilter, timestampMs, typedValue } from "../src/gcp/normalize-metrics.ts";

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
