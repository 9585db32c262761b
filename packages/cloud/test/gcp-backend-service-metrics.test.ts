import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GcpEmulator, startGcpEmulator } from "@cloudsync/cloud-emulators";
import { createGcpAdapter, type GcpAdapter } from "../src/gcp/index.ts";
import { type BackendServiceSeries, backendServiceSeries, gcpMetricsFor } from "../src/gcp/metric-table.ts";
import { labelsOfBatch } from "../src/gcp/metrics.ts";
import { SampleAccumulator, timeSeriesFilter } from "../src/gcp/normalize-metrics.ts";
import { type MetricEvent, type MetricSample, type MetricTarget, metricTargetFieldsOf } from "../src/types.ts";

const table = gcpMetricsFor("gcp_backend_service");
if (!table) throw new Error("gcp_backend_service has no metric table");
const sourceOn = (monitoredResource: string, scoped: boolean) => {
  const found = table.sources.find((s) => s.monitoredResource === monitoredResource && Boolean(s.scopeLabel) === scoped);
  if (!found) throw new Error(`no ${monitoredResource} source`);
  return found;
};
const GLOBAL_EXTERNAL = sourceOn("https_lb_rule", false);
const REGIONAL_EXTERNAL = sourceOn("http_external_regional_lb_rule", true);
const REGIONAL_INTERNAL = sourceOn("internal_http_lb_rule", true);
const CROSS_REGION_INTERNAL = sourceOn("internal_http_lb_rule", false);

const target = (resourceId: string, regionCode: string, name: string | undefined, fields?: MetricTarget["fields"]): MetricTarget => ({
  account: "p",
  regionCode,
  kind: "gcp_backend_service",
  resourceId,
  ...(name ? { name } : {}),
  ...(fields ? { fields } : {}),
});

describe("backendServiceSeries: the monitored resource a backend service's request series are on", () => {
  it.each<[string, string, MetricTarget["fields"], BackendServiceSeries | null]>([
    ["global external Application LB", "global", { loadBalancingScheme: "EXTERNAL_MANAGED", protocol: "HTTPS" }, "global_external"],
    ["classic Application LB", "global", { loadBalancingScheme: "EXTERNAL", protocol: "HTTP" }, "global_external"],
    ["regional external Application LB", "europe-west1", { loadBalancingScheme: "EXTERNAL_MANAGED", protocol: "HTTP2" }, "regional_external"],
    ["regional internal Application LB", "us-central1", { loadBalancingScheme: "INTERNAL_MANAGED", protocol: "HTTP" }, "regional_internal"],
    ["cross-region internal Application LB", "global", { loadBalancingScheme: "INTERNAL_MANAGED", protocol: "HTTPS" }, "cross_region_internal"],
    ["no protocol: the API's default, HTTP", "us-central1", { loadBalancingScheme: "INTERNAL_MANAGED" }, "regional_internal"],
    ["internal passthrough network LB", "us-central1", { loadBalancingScheme: "INTERNAL", protocol: "TCP" }, null],
    ["external passthrough network LB", "us-central1", { loadBalancingScheme: "EXTERNAL", protocol: "UDP" }, null],
    ["regional internal proxy network LB", "us-central1", { loadBalancingScheme: "INTERNAL_MANAGED", protocol: "TCP" }, null],
    ["classic proxy network LB", "global", { loadBalancingScheme: "EXTERNAL", protocol: "SSL" }, null],
    ["Cloud Service Mesh", "global", { loadBalancingScheme: "INTERNAL_SELF_MANAGED", protocol: "GRPC" }, null],
    ["no fields, global: read as before schemes were known", "global", undefined, "global_external"],
    ["no fields, regional: not read", "us-central1", undefined, null],
  ])("%s (%s, %o) → %s", (_what, regionCode, fields, expected) => {
    expect(backendServiceSeries({ regionCode, ...(fields ? { fields } : {}) })).toBe(expected);
  });
});

describe("labelsOfBatch for backend services", () => {
  it("names each target on its own load balancer's resource only, regional ones as region/name", () => {
    const { wanted, unnamed } = labelsOfBatch(table, [
      target("1", "global", "edge", { loadBalancingScheme: "EXTERNAL_MANAGED", protocol: "HTTPS" }),
      target("2", "europe-west1", "shop", { loadBalancingScheme: "EXTERNAL_MANAGED", protocol: "HTTP" }),
      target("3", "us-central1", "api", { loadBalancingScheme: "INTERNAL_MANAGED", protocol: "HTTP" }),
      // The same name in another region is another service.
      target("4", "europe-west1", "api", { loadBalancingScheme: "INTERNAL_MANAGED", protocol: "HTTP" }),
      target("5", "global", "mesh-front", { loadBalancingScheme: "INTERNAL_MANAGED", protocol: "HTTP" }),
      // Passthrough: no request series, so neither asked nor skipped.
      target("6", "us-central1", "db-ilb", { loadBalancingScheme: "INTERNAL", protocol: "TCP" }),
      // Regional without its scheme: the reader cannot tell where its series are.
      target("7", "us-central1", "legacy"),
      target("8", "global", undefined, { loadBalancingScheme: "EXTERNAL_MANAGED" }),
    ]);
    expect([...(wanted.get(GLOBAL_EXTERNAL) ?? [])]).toEqual([["edge", "1"]]);
    expect([...(wanted.get(REGIONAL_EXTERNAL) ?? [])]).toEqual([["europe-west1/shop", "2"]]);
    expect([...(wanted.get(REGIONAL_INTERNAL) ?? [])]).toEqual([
      ["us-central1/api", "3"],
      ["europe-west1/api", "4"],
    ]);
    expect([...(wanted.get(CROSS_REGION_INTERNAL) ?? [])]).toEqual([["mesh-front", "5"]]);
    expect(unnamed.map((u) => u.itemId)).toEqual(["7", "8"]);
    expect(unnamed[0]?.reason).toMatch(/name, region and loadBalancingScheme/);
  });

  it("asks a regional resource for the regions and names of the batch", () => {
    const [requests, , latency] = REGIONAL_INTERNAL.specs;
    if (!requests || !latency) throw new Error("specs missing");
    expect(timeSeriesFilter(requests, ["us-central1/api", "europe-west1/api", "us-central1/web"], REGIONAL_INTERNAL)).toBe(
      'metric.type = "loadbalancing.googleapis.com/https/internal/request_count" AND resource.type = "internal_http_lb_rule"' +
        ' AND resource.labels.region = one_of("us-central1", "europe-west1") AND resource.labels.backend_target_name = one_of("api", "web")',
    );
    const externalFivexx = REGIONAL_EXTERNAL.specs[1];
    if (!externalFivexx) throw new Error("spec missing");
    expect(timeSeriesFilter(externalFivexx, ["europe-west1/shop"], REGIONAL_EXTERNAL)).toBe(
      'metric.type = "loadbalancing.googleapis.com/https/external/regional/request_count" AND resource.type = "http_external_regional_lb_rule"' +
        ' AND resource.labels.region = one_of("europe-west1") AND resource.labels.backend_target_name = one_of("shop") AND metric.labels.response_code_class = 500',
    );
    expect(latency.type).toBe("loadbalancing.googleapis.com/https/internal/total_latencies");
    // Neither part may close the quoted string.
    expect(() => timeSeriesFilter(requests, ['us-central1/a") OR ("'], REGIONAL_INTERNAL)).toThrow(RangeError);
  });

  it("keeps regional series apart by region and drops pairs not asked for", () => {
    const T0 = Date.parse("2026-10-01T00:00:00Z") / 1000;
    const window = { startMs: T0 * 1000, endMs: (T0 + 300) * 1000, periodSeconds: 300 };
    const wanted = new Map([
      ["us-central1/api", "id-us"],
      ["europe-west1/api", "id-eu"],
      ["us-central1/web", "id-web"],
    ]);
    const [requests, fivexx, latency] = REGIONAL_INTERNAL.specs;
    if (!requests || !fivexx || !latency) throw new Error("specs missing");
    const series = (region: string, name: string, cls: string, value: Record<string, unknown>) => ({
      metric: { labels: { response_code_class: cls } },
      resource: { labels: { project_id: "p", region, backend_target_name: name } },
      points: [{ interval: { endTime: { seconds: String(T0 + 300) } }, value }],
    });
    const acc = new SampleAccumulator("p", new Map(), window);
    const on = { resource: REGIONAL_INTERNAL, wanted };
    // us-central1/api: 2 940 + 60 requests in 300 s = 10/s; 60 failed = 2 %; latency (2 940 × 50 + 60 × 800) / 3 000 = 65 ms.
    expect(acc.add(requests, series("us-central1", "api", "200", { int64Value: "2940" }), on)).toBeNull();
    acc.add(requests, series("us-central1", "api", "500", { int64Value: "60" }), on);
    acc.add(fivexx, series("us-central1", "api", "500", { int64Value: "60" }), on);
    acc.add(latency, series("us-central1", "api", "200", { distributionValue: { count: "2940", mean: 50 } }), on);
    acc.add(latency, series("us-central1", "api", "500", { distributionValue: { count: "60", mean: 800 } }), on);
    // europe-west1/api: 600 requests = 2/s, none failed, 30 ms.
    acc.add(requests, series("europe-west1", "api", "200", { int64Value: "600" }), on);
    acc.add(latency, series("europe-west1", "api", "200", { distributionValue: { count: "600", mean: 30 } }), on);
    // europe-west1/web matches the filter (a region and a name asked for) but was not asked: dropped.
    expect(acc.add(requests, series("europe-west1", "web", "200", { int64Value: "999" }), on)).toBeNull();
    // A series without its region cannot be placed.
    const noRegion = { metric: { labels: {} }, resource: { labels: { backend_target_name: "api" } }, points: [] };
    expect(acc.add(requests, noRegion, on)?.reason).toMatch(/no resource\.labels\.region and \.backend_target_name/);
    const samples: MetricSample[] = acc.drain(REGIONAL_INTERNAL.specs, table.ratios);
    expect(samples.map((s) => [s.resourceId, s.metrics])).toEqual([
      ["id-eu", { requests_per_second: 2, response_time_ms: 30, error_rate: 0 }],
      ["id-us", { requests_per_second: 10, response_time_ms: 65, error_rate: 2 }],
    ]);
  });
});

describe("backend service metrics through the SDK, per load balancer family", () => {
  const WINDOW = { start: new Date("2026-10-01T00:00:00Z"), end: new Date("2026-10-01T01:00:00Z") };
  let emu: GcpEmulator;
  let adapter: GcpAdapter;
  /** Targets as the worker builds them: from the inventory, with the configuration fields it passes. */
  let targets: MetricTarget[];
  const collect = async (query: Parameters<GcpAdapter["streamMetrics"]>[0]) => {
    const events: MetricEvent[] = [];
    for await (const e of adapter.streamMetrics(query)) events.push(e);
    return events;
  };

  beforeAll(async () => {
    emu = await startGcpEmulator({ seed: 33, size: 400 });
    adapter = createGcpAdapter({
      credentials: { serviceAccountKey: emu.serviceAccountKey },
      projects: emu.projects,
      endpoint: emu.url,
      pageSize: 50,
      maxAttempts: 3,
      retryDelayMs: 5,
      timeoutMs: 5_000,
      requestsPerSecond: 10_000,
      concurrency: 3,
    });
    targets = [];
    for await (const event of adapter.streamResources({ kinds: ["gcp_backend_service"] })) {
      if (event.type !== "page") continue;
      for (const r of event.resources) {
        targets.push({ account: r.account, regionCode: r.regionCode, kind: r.kind, resourceId: r.resourceId, name: r.name, fields: metricTargetFieldsOf(r.configuration) });
      }
    }
  });
  afterAll(async () => {
    await adapter.close();
    await emu.close();
  });

  it.each<[string, (t: MetricTarget) => boolean]>([
    ["regional internal (INTERNAL_MANAGED)", (t) => t.regionCode !== "global" && t.fields?.loadBalancingScheme === "INTERNAL_MANAGED"],
    ["regional external (EXTERNAL_MANAGED)", (t) => t.regionCode !== "global" && t.fields?.loadBalancingScheme === "EXTERNAL_MANAGED"],
    ["global external", (t) => t.regionCode === "global"],
  ])("%s backend services get requests_per_second, error_rate and response_time_ms as the emulator computes them", async (_family, pick) => {
    const chosen = targets.filter(pick);
    expect(chosen.length).toBeGreaterThan(0);
    const events = await collect({ targets: chosen, ...WINDOW });
    expect(events.filter((e) => e.type === "scope_failed" || e.type === "item_skipped")).toEqual([]);
    const got = events.flatMap((e) => (e.type === "metric_page" ? e.samples : []));
    const expected = emu.expectedKindMetrics({ resourceIds: chosen.map((t) => t.resourceId), ...WINDOW });
    expect(expected.length).toBeGreaterThan(0);
    const row = (s: { resourceId: string; timestamp: string; metrics: Record<string, number | undefined> }) =>
      `${s.resourceId}@${s.timestamp} ${JSON.stringify(Object.fromEntries(Object.entries(s.metrics).map(([k, v]) => [k, Number((v as number).toPrecision(12))]).sort()))}`;
    expect(got.map(row).sort()).toEqual(expected.map(row).sort());
    expect(new Set(got.flatMap((s) => Object.keys(s.metrics)))).toEqual(new Set(["requests_per_second", "error_rate", "response_time_ms"]));
  });

  it("asks Cloud Monitoring nothing for a passthrough load balancer's backend service, and skips none", async () => {
    const before = emu.requestCount("timeSeries");
    const [any] = targets;
    if (!any) throw new Error("no backend services");
    const passthrough: MetricTarget = { ...any, resourceId: "9990001", name: "db-ilb", regionCode: "us-central1", fields: { loadBalancingScheme: "INTERNAL", protocol: "TCP" } };
    const events = await collect({ targets: [passthrough], ...WINDOW });
    expect(events.filter((e) => e.type === "item_skipped" || e.type === "scope_failed" || e.type === "metric_page")).toEqual([]);
    expect(events.filter((e) => e.type === "scope_completed")).toHaveLength(1);
    expect(emu.requestCount("timeSeries")).toBe(before);
  });
});
