import { describe, expect, it } from "vitest";
import { parseMetricWindow, planMetricScopes } from "../src/azure/metrics.ts";
import { isoDurationSeconds, normalizeVmMetrics, type RawMetricsResponse, vmMetricNames } from "../src/azure/normalize-metrics.ts";
import { vmMemoryBytes } from "../src/azure/vm-memory.ts";
import { type AzureKindMetrics, azureMetricsFor, requestsFor } from "../src/azure/metric-table.ts";
import { convertAzureValue, normalizeKindMetrics } from "../src/azure/normalize-metrics.ts";

/** Pure rules of the Azure metrics path: grains, VM memory, unit conversions, absent keys, scopes. */

const GiB = 1024 ** 3;

describe("isoDurationSeconds", () => {
  it.each([
    ["PT1M", 60],
    ["PT5M", 300],
    ["pt15m", 900],
    ["PT1H", 3600],
    ["PT1H30M", 5400],
    ["P1D", 86_400],
    ["PT30S", 30],
    ["P", null],
    ["PT", null],
    ["PT0M", null],
    ["5 minutes", null],
    [undefined, null],
  ])("%s → %s", (text, seconds) => {
    expect(isoDurationSeconds(text)).toBe(seconds);
  });
});

describe("vmMemoryBytes", () => {
  it.each([
    ["Standard_B1ls", 0.5],
    ["Standard_B1s", 1],
    ["Standard_B2s", 4],
    ["standard_b2ms", 8],
    ["Standard_D2s_v5", 8],
    ["Standard_D2as_v5", 8],
    ["Standard_D4s_v5", 16],
    ["Standard_D8s_v5", 32],
    ["Standard_D4ds_v4", 16],
    ["Standard_D16_v3", 64],
    ["Standard_D4ls_v5", 8],
    ["Standard_E4-2s_v5", 32],
    ["Standard_E16s_v5", 128],
    ["Standard_E32s_v3", 256],
    ["Standard_F2s_v2", 4],
    ["Standard_F72s_v2", 144],
    ["Standard_NC6s_v3", 112],
    ["Standard_M128ms", 3892],
  ])("%s has %f GiB", (size, gib) => {
    expect(vmMemoryBytes(size)).toBe(gib * GiB);
  });

  it.each(["Standard_E96s_v5", "Standard_E64s_v3", "Standard_X99_custom", "Standard_D2s_v9", "Basic_A1", "", null, undefined])(
    "does not guess %j",
    (size) => {
      expect(vmMemoryBytes(size)).toBeNull();
    },
  );
});

describe("normalizeVmMetrics", () => {
  const resourceId = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm-1";
  const context = {
    account: "s",
    resourceId,
    periodSeconds: 300,
    memoryBytes: 4 * GiB,
    start: new Date("2026-10-01T00:00:00Z"),
    end: new Date("2026-10-01T00:15:00Z"),
  };
  const metric = (name: string, unit: string, data: Record<string, unknown>[]) => ({ name: { value: name }, unit, timeseries: [{ data }] });
  const t0 = new Date("2026-10-01T00:00:00Z");
  const t1 = new Date("2026-10-01T00:05:00Z");
  const t2 = "2026-10-01T00:10:00Z";

  it("converts each metric to its key, one sample per timestamp", () => {
    const raw: RawMetricsResponse = {
      interval: "PT5M",
      value: [
        metric(vmMetricNames.cpu, "Percent", [{ timeStamp: t0, average: 12.5, total: 62.5 }, { timeStamp: t1, average: 97 }]),
        metric(vmMetricNames.networkIn, "Bytes", [{ timeStamp: t0, average: 7_500_000, total: 37_500_000 }, { timeStamp: t1, total: 0 }]),
        metric(vmMetricNames.networkOut, "Bytes", [{ timeStamp: t0, total: 3_750_000 }]),
        metric(vmMetricNames.disk, "Percent", [{ timeStamp: t0, average: 88.25 }]),
        metric(vmMetricNames.availableMemory, "Bytes", [{ timeStamp: t0, average: GiB }, { timeStamp: t1, average: 8 * GiB }]),
      ],
    };
    const result = normalizeVmMetrics(raw, context);
    expect(result).toEqual({
      ok: true,
      samples: [
        {
          cloud: "azure",
          account: "s",
          resourceId,
          timestamp: "2026-10-01T00:00:00.000Z",
          metrics: { cpu_utilization: 12.5, network_in_mbps: 1, network_out_mbps: 0.1, disk_utilization: 88.25, memory_utilization: 75 },
        },
        // More available than the size has (a resized VM): clamped to 0, not negative.
        { cloud: "azure", account: "s", resourceId, timestamp: "2026-10-01T00:05:00.000Z", metrics: { cpu_utilization: 97, network_in_mbps: 0, memory_utilization: 0 } },
      ],
    });
  });

  it("leaves memory absent when the size's memory is unknown, and skips empty points", () => {
    const raw: RawMetricsResponse = {
      value: [
        metric(vmMetricNames.cpu, "Percent", [{ timeStamp: t0, average: 50 }, { timeStamp: t1 }, { timeStamp: t2, average: null }]),
        metric(vmMetricNames.availableMemory, "Bytes", [{ timeStamp: t0, average: GiB }]),
      ],
    };
    const result = normalizeVmMetrics(raw, { ...context, memoryBytes: null });
    expect(result.ok && result.samples).toEqual([{ cloud: "azure", account: "s", resourceId, timestamp: "2026-10-01T00:00:00.000Z", metrics: { cpu_utilization: 50 } }]);
    const sample = result.ok ? result.samples[0] : undefined;
    for (const key of ["memory_utilization", "response_time_ms", "error_rate", "requests_per_second"]) expect(sample?.metrics).not.toHaveProperty(key);
  });

  it("uses the answer's own grain for byte totals, and bytes-per-second units as rates", () => {
    const hourly = normalizeVmMetrics({ interval: "PT1H", value: [metric(vmMetricNames.networkIn, "Bytes", [{ timeStamp: t0, total: 450_000_000 }])] }, context);
    expect(hourly.ok && hourly.samples[0]?.metrics.network_in_mbps).toBeCloseTo(1, 12);
    const rate = normalizeVmMetrics({ value: [metric(vmMetricNames.networkOut, "BytesPerSecond", [{ timeStamp: t0, average: 250_000 }])] }, context);
    expect(rate.ok && rate.samples[0]?.metrics.network_out_mbps).toBeCloseTo(2, 12);
  });

  it("keeps only points inside [start, end) and ignores metrics it does not map", () => {
    const raw: RawMetricsResponse = {
      value: [
        metric(vmMetricNames.cpu, "Percent", [
          { timeStamp: "2026-09-30T23:55:00Z", average: 1 },
          { timeStamp: t0, average: 2 },
          { timeStamp: "2026-10-01T00:15:00Z", average: 3 },
        ]),
        metric("Disk Read Bytes", "Bytes", [{ timeStamp: t0, total: 5 }]),
      ],
    };
    const result = normalizeVmMetrics(raw, context);
    expect(result.ok && result.samples.map((s) => [s.timestamp, s.metrics])).toEqual([["2026-10-01T00:00:00.000Z", { cpu_utilization: 2 }]]);
  });

  it.each([
    [null, /no metric list/],
    [{ value: null }, /no metric list/],
    [{ value: [{ unit: "Percent", timeseries: [] }] }, /has no name/],
    [{ value: [metric(vmMetricNames.cpu, "Percent", [{ average: 1 }])] }, /without a valid timeStamp/],
    [{ value: [metric(vmMetricNames.cpu, "Percent", [{ timeStamp: "yesterday", average: 1 }])] }, /without a valid timeStamp/],
  ])("refuses %j", (raw, reason) => {
    const result = normalizeVmMetrics(raw as RawMetricsResponse, context);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});

describe("metric scopes and windows", () => {
  it("groups targets by subscription and region, ignores kinds without metrics and duplicates", () => {
    const vm = (account: string, regionCode: string, name: string) => ({
      account,
      regionCode,
      kind: "azure_vm",
      resourceId: `/subscriptions/${account}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/${name}`,
    });
    const plans = planMetricScopes([
      vm("a", "eastus", "x"),
      vm("a", "East US", "y"),
      vm("a", "westeurope", "z"),
      vm("b", "eastus", "x"),
      { ...vm("a", "eastus", "X"), resourceId: vm("a", "eastus", "x").resourceId.toUpperCase() },
      { account: "a", regionCode: "eastus", kind: "azure_disk", resourceId: "/subscriptions/a/disk" },
      { account: "a", regionCode: "eastus", kind: "azure_vnet", resourceId: "/subscriptions/a/vnet" },
    ]);
    expect(plans.map((p) => [p.scope, p.targets.length])).toEqual([
      [{ cloud: "azure", account: "a", region: "eastus", kind: "metrics" }, 3],
      [{ cloud: "azure", account: "a", region: "westeurope", kind: "metrics" }, 1],
      [{ cloud: "azure", account: "b", region: "eastus", kind: "metrics" }, 1],
    ]);
  });

  it("maps periods to Azure Monitor grains and refuses the others", () => {
    const start = new Date("2026-10-01T00:00:00Z");
    const end = new Date("2026-10-01T01:00:00Z");
    expect(parseMetricWindow({ start, end }).interval).toBe("PT5M");
    expect(parseMetricWindow({ start, end, periodSeconds: 3600 }).interval).toBe("PT1H");
    expect(parseMetricWindow({ start, end, periodSeconds: 86_400 }).interval).toBe("P1D");
    expect(() => parseMetricWindow({ start, end, periodSeconds: 120 })).toThrow(/no 120 s time grain/);
    expect(() => parseMetricWindow({ start: end, end: start })).toThrow(/before end/);
    expect(() => parseMetricWindow({ start: new Date("nope"), end })).toThrow(/valid dates/);
  });
});

describe("Azure Monitor metrics of the other kinds (metric-table.ts)", () => {
  const at = (iso: string) => new Date(iso);
  const window = { start: at("2026-10-01T00:00:00Z"), end: at("2026-10-01T01:00:00Z") };
  const answer = (interval: string, metrics: [string, Record<string, number | string>[]][]) => ({
    interval,
    value: metrics.map(([name, data]) => ({ name: { value: name }, timeseries: [{ data }] })),
  });
  const table = (kind: string) => azureMetricsFor(kind) as AzureKindMetrics;

  it.each([
    ["as_is", 42.5, 300, 42.5],
    ["seconds_to_ms", 0.125, 300, 125],
    // 9,000 requests in a five-minute grain → 30 per second.
    ["total_per_second", 9_000, 300, 30],
    // 75,000,000 bytes in five minutes → 2 Mbit/s.
    ["bytes_total_to_mbps", 75_000_000, 300, 2],
    // 250,000 bytes per second → 2 Mbit/s whatever the grain.
    ["bytes_per_second_to_mbps", 250_000, 3600, 2],
  ] as const)("%s: %d over %ds → %d", (unit, raw, grain, converted) => {
    expect(convertAzureValue(unit, raw, grain)).toBeCloseTo(converted, 12);
  });

  it("turns an App Service answer into per-second requests, ms response time and a 5xx rate (hand-computed)", () => {
    const raw = answer("PT5M", [
      ["Requests", [{ timeStamp: "2026-10-01T00:00:00Z", total: 600 }, { timeStamp: "2026-10-01T00:05:00Z", total: 0 }]],
      ["Http5xx", [{ timeStamp: "2026-10-01T00:00:00Z", total: 15 }, { timeStamp: "2026-10-01T00:05:00Z", total: 0 }]],
      ["HttpResponseTime", [{ timeStamp: "2026-10-01T00:00:00Z", average: 0.25 }, { timeStamp: "2026-10-01T00:05:00Z" }]],
      ["FunctionExecutionCount", [{ timeStamp: "2026-10-01T00:00:00Z" }]],
    ]);
    const out = normalizeKindMetrics([{ raw, grainSeconds: 300, ...window }], { account: "sub", resourceId: "/x/site", table: table("azure_app_service") });
    expect(out).toEqual({
      ok: true,
      samples: [
        // 600 / 300 s = 2 per second; 15 of 600 = 2.5 %; 0.25 s = 250 ms.
        { cloud: "azure", account: "sub", resourceId: "/x/site", timestamp: "2026-10-01T00:00:00.000Z", metrics: { requests_per_second: 2, error_rate: 2.5, response_time_ms: 250 } },
        // No requests: a rate of zero requests, and no error rate (0 of 0 is no rate).
        { cloud: "azure", account: "sub", resourceId: "/x/site", timestamp: "2026-10-01T00:05:00.000Z", metrics: { requests_per_second: 0 } },
      ],
    });
  });

  it("merges an hourly capacity answer into the sample of its hour, and keeps points inside each answer's window", () => {
    const fine = answer("PT5M", [["Transactions", [{ timeStamp: "2026-10-01T00:00:00Z", total: 3_000 }, { timeStamp: "2026-10-01T01:00:00Z", total: 1 }]]]);
    const hourly = answer("PT1H", [["UsedCapacity", [{ timeStamp: "2026-09-30T23:00:00Z", average: 5 }, { timeStamp: "2026-10-01T00:00:00Z", average: 7 }]]]);
    const out = normalizeKindMetrics(
      [
        { raw: fine, grainSeconds: 300, ...window },
        { raw: hourly, grainSeconds: 3600, start: at("2026-09-30T23:00:00Z"), end: window.end },
      ],
      { account: "sub", resourceId: "/x/st", table: table("azure_storage_account") },
    );
    expect(out.ok && out.samples.map((s) => [s.timestamp, s.metrics])).toEqual([
      ["2026-09-30T23:00:00.000Z", { storage_bytes: 5 }],
      ["2026-10-01T00:00:00.000Z", { requests_per_second: 10, storage_bytes: 7 }],
    ]);
  });

  it("reads each metric's own aggregation (storage_percent: Maximum) and rejects a nameless metric", () => {
    const raw = answer("PT5M", [["storage_percent", [{ timeStamp: "2026-10-01T00:00:00Z", average: 50, maximum: 61 }]]]);
    const ok = normalizeKindMetrics([{ raw, grainSeconds: 300, ...window }], { account: "s", resourceId: "/db", table: table("azure_sql_database") });
    expect(ok.ok && ok.samples[0]?.metrics).toEqual({ disk_utilization: 61 });
    const broken = normalizeKindMetrics([{ raw: { value: [{ timeseries: [] }] }, grainSeconds: 300, ...window }], { account: "s", resourceId: "/db", table: table("azure_sql_database") });
    expect(broken).toEqual({ ok: false, reason: "a metric in the answer has no name" });
  });

  it("asks classic Front Door's 5xx part in a filtered request of its own, and reads it as the part only (hand-computed)", () => {
    const fd = table("azure_front_door");
    const requests = requestsFor(fd, 300);
    expect(requests.map((r) => [r.filter ?? null, r.specs.map((s) => s.metric)])).toEqual([
      [null, ["RequestCount", "TotalLatency"]],
      ["HttpStatusGroup eq '5XX'", ["RequestCount"]],
    ]);
    const all = answer("PT5M", [
      ["RequestCount", [{ timeStamp: "2026-10-01T00:00:00Z", total: 1_200 }]],
      ["TotalLatency", [{ timeStamp: "2026-10-01T00:00:00Z", average: 80 }]],
    ]);
    const fivexx = answer("PT5M", [["RequestCount", [{ timeStamp: "2026-10-01T00:00:00Z", total: 36 }]]]);
    const out = normalizeKindMetrics(
      requests.map((r, i) => ({ raw: i === 0 ? all : fivexx, grainSeconds: 300, ...window, specs: r.specs })),
      { account: "s", resourceId: "/fd", table: fd },
    );
    // 1,200 requests in 300 s = 4 per second; 36 of 1,200 = 3 %.
    expect(out.ok && out.samples.map((s) => s.metrics)).toEqual([{ requests_per_second: 4, response_time_ms: 80, error_rate: 3 }]);
  });

  it("asks hourly-only metrics in a request of their own", () => {
    expect(requestsFor(table("azure_storage_account"), 300).map((r) => [r.grainSeconds, r.specs.map((s) => s.metric)])).toEqual([
      [3600, ["UsedCapacity"]],
      [300, ["Transactions", "SuccessE2ELatency"]],
    ]);
    expect(requestsFor(table("azure_disk"), 300)).toHaveLength(1);
  });
});
