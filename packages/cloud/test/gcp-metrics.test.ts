import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type GcpEmulator, startGcpEmulator } from "@cloudsync/cloud-emulators";
import { CredentialsRejectedError, ThrottledError } from "../src/errors.ts";
import { createGcpAdapter, type GcpAdapter, type GcpAdapterConfig } from "../src/gcp/index.ts";
import { evaluateHealth } from "../src/metrics/health.ts";
import type { MetricEvent, MetricQuery, MetricSample, MetricTarget } from "../src/types.ts";

const WINDOW = { start: new Date("2026-10-01T00:00:00Z"), end: new Date("2026-10-01T01:00:00Z") };
const CPU = "compute.googleapis.com/instance/cpu/utilization";

type Failed = Extract<MetricEvent, { type: "scope_failed" }>;
const samplesOf = (events: MetricEvent[], account?: string): MetricSample[] =>
  events.flatMap((e) => (e.type === "metric_page" && (!account || e.scope.account === account) ? e.samples : []));
const failures = (events: MetricEvent[]) => events.filter((e): e is Failed => e.type === "scope_failed");
const completed = (events: MetricEvent[]) => events.filter((e) => e.type === "scope_completed");

function adapterFor(emu: GcpEmulator, overrides: Partial<GcpAdapterConfig> = {}): GcpAdapter {
  return createGcpAdapter({
    credentials: { serviceAccountKey: emu.serviceAccountKey },
    projects: emu.projects,
    endpoint: emu.url,
    pageSize: 50,
    maxAttempts: 3,
    retryDelayMs: 5,
    timeoutMs: 5_000,
    requestsPerSecond: 10_000,
    concurrency: 3,
    ...overrides,
  });
}

async function collect(adapter: GcpAdapter, query: MetricQuery): Promise<MetricEvent[]> {
  const events: MetricEvent[] = [];
  for await (const event of adapter.streamMetrics(query)) events.push(event);
  return events;
}

/** Expected and actual samples as comparable rows, values to 9 significant decimals. */
function rows(samples: readonly { resourceId: string; timestamp: string; metrics: Record<string, number | undefined> }[]) {
  return samples
    .map((s) => ({
      id: `${s.resourceId}@${s.timestamp}`,
      metrics: Object.fromEntries(Object.entries(s.metrics).map(([k, v]) => [k, Number((v as number).toPrecision(12))])),
    }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

describe("GCP metrics from Cloud Monitoring", () => {
  let emu: GcpEmulator;
  let targets: MetricTarget[];
  const adapters: GcpAdapter[] = [];
  const make = (overrides: Partial<GcpAdapterConfig> = {}) => {
    const adapter = adapterFor(emu, overrides);
    adapters.push(adapter);
    return adapter;
  };

  beforeAll(async () => {
    emu = await startGcpEmulator({ seed: 21, size: 90 });
    // Targets as the worker builds them: from the inventory, VMs and disks alike.
    targets = Array.from(emu.expected())
      .filter((r) => r.kind === "gce_instance" || r.kind === "gce_disk")
      .map((r) => ({ account: r.account, regionCode: r.region, kind: r.kind, resourceId: r.resourceId }));
  });
  afterEach(async () => {
    emu.faults.clear();
    await Promise.all(adapters.splice(0).map((a) => a.close()));
  });
  afterAll(async () => {
    await emu.close();
  });

  it("turns every running VM's series into one sample per period with the seed's units, absent keys absent", async () => {
    const events = await collect(make(), { targets, ...WINDOW });
    expect(failures(events)).toEqual([]);
    expect(events.filter((e) => e.type === "item_skipped")).toEqual([]);
    const vmProjects = [...new Set(targets.filter((t) => t.kind === "gce_instance").map((t) => t.account))].sort();
    expect(completed(events).map((e) => e.scope.account).sort()).toEqual(vmProjects);
    for (const end of completed(events)) expect(end.scope).toMatchObject({ cloud: "gcp", region: "*", kind: "metrics" });

    for (const project of vmProjects) {
      const ids = targets.filter((t) => t.account === project && t.kind === "gce_instance").map((t) => t.resourceId);
      const expected = emu.expectedMetrics(project, { instanceIds: ids, ...WINDOW });
      const samples = samplesOf(events, project);
      expect(rows(samples)).toEqual(rows(expected));
      // Twelve 5-minute periods per running VM, each once.
      expect(new Set(samples.map((s) => `${s.resourceId}@${s.timestamp}`)).size).toBe(samples.length);
      expect(new Set(samples.map((s) => s.timestamp)).size).toBe(12);
      expect(completed(events).find((e) => e.scope.account === project)?.resourceCount).toBe(new Set(samples.map((s) => s.resourceId)).size);
    }
    const all = samplesOf(events);
    expect(all.length).toBeGreaterThan(0);
    // Disks are not metric targets: none of their ids come back.
    const disks = new Set(targets.filter((t) => t.kind === "gce_disk").map((t) => t.resourceId));
    expect(all.some((s) => disks.has(s.resourceId))).toBe(false);
    // Without the Ops Agent, memory and disk are absent (not zero); with it, present.
    expect(all.some((s) => !("memory_utilization" in s.metrics) && !("disk_utilization" in s.metrics))).toBe(true);
    expect(all.some((s) => typeof s.metrics.memory_utilization === "number")).toBe(true);
    for (const s of all) {
      expect(s.metrics.cpu_utilization).toBeGreaterThanOrEqual(0);
      expect(s.metrics.cpu_utilization).toBeLessThanOrEqual(100);
      expect(typeof s.metrics.network_in_mbps).toBe("number");
      expect(s.metrics).not.toHaveProperty("response_time_ms");
    }
    // Some VMs run hot enough to be critical, some to be a warning.
    const statuses = new Set(all.map((s) => evaluateHealth(s.metrics).status));
    expect(statuses).toEqual(new Set(["healthy", "warning", "critical"]));
    for (const page of events) if (page.type === "metric_page") expect(page.samples.length).toBeLessThanOrEqual(50);
  });

  it("converts over the asked period: bytes per 10 minutes to Mbps, fractions to percent", async () => {
    const project = emu.projects[0] as string;
    const ids = targets.filter((t) => t.account === project && t.kind === "gce_instance").map((t) => t.resourceId);
    const events = await collect(make({ projects: [project] }), { targets: targets.filter((t) => t.account === project), ...WINDOW, periodSeconds: 600 });
    expect(failures(events)).toEqual([]);
    const samples = samplesOf(events);
    expect(rows(samples)).toEqual(rows(emu.expectedMetrics(project, { instanceIds: ids, ...WINDOW, periodSeconds: 600 })));
    expect(new Set(samples.map((s) => s.timestamp)).size).toBe(6);
  });

  it("follows page tokens (points per page) and batches instance ids into filters", async () => {
    const project = emu.projects[0] as string;
    const mine = targets.filter((t) => t.account === project);
    const ids = mine.filter((t) => t.kind === "gce_instance").map((t) => t.resourceId);
    const before = emu.requestCount(`${project}/timeSeries?${CPU}`);
    const events = await collect(make({ pageSize: 7, metricsPageSize: 7, metricsBatchSize: 4 }), { targets: mine, ...WINDOW });
    expect(failures(events)).toEqual([]);
    expect(rows(samplesOf(events))).toEqual(rows(emu.expectedMetrics(project, { instanceIds: ids, ...WINDOW })));
    const running = new Set(emu.expectedMetrics(project, { instanceIds: ids, ...WINDOW }).map((s) => s.resourceId)).size;
    // 12 CPU points per running VM, 7 per page, over ceil(ids / 4) filters.
    expect(emu.requestCount(`${project}/timeSeries?${CPU}`) - before).toBeGreaterThanOrEqual(Math.ceil((running * 12) / 7));
    for (const page of events) if (page.type === "metric_page") expect(page.samples.length).toBeLessThanOrEqual(7);
  });

  it("retries throttling and 5xx with the SDK's retryer, and fails only a project throttled beyond maxAttempts", async () => {
    const [first, second] = emu.projects as [string, string];
    emu.faults.set({ throttle: 2, serverErrors: 1, match: `${first}/timeSeries` });
    const retried = await collect(make({ maxAttempts: 5 }), { targets, ...WINDOW });
    expect(failures(retried)).toEqual([]);
    const ids = targets.filter((t) => t.account === first && t.kind === "gce_instance").map((t) => t.resourceId);
    expect(rows(samplesOf(retried, first))).toEqual(rows(emu.expectedMetrics(first, { instanceIds: ids, ...WINDOW })));

    emu.faults.set({ throttle: 1_000, match: `${second}/timeSeries` });
    const before = emu.requestCount(`${second}/timeSeries`);
    const events = await collect(make({ maxAttempts: 3 }), { targets, ...WINDOW });
    const failed = failures(events);
    expect(failed.map((f) => f.scope)).toEqual([{ cloud: "gcp", account: second, region: "*", kind: "metrics" }]);
    expect(failed[0]?.error).toBeInstanceOf(ThrottledError);
    expect(emu.requestCount(`${second}/timeSeries`) - before).toBe(3);
    expect(completed(events).map((e) => e.scope.account)).toContain(first);
  });

  it("reports a malformed series, keeps the instance's other metrics, and skips targets that are not instance ids", async () => {
    const project = emu.projects[0] as string;
    const ids = targets.filter((t) => t.account === project && t.kind === "gce_instance").map((t) => t.resourceId);
    const running = emu.expectedMetrics(project, { instanceIds: ids, ...WINDOW });
    const broken = running[0]?.resourceId as string;
    emu.faults.set({ malformedItemIds: [broken] });
    const bogus: MetricTarget = { account: project, regionCode: "us-central1", kind: "gce_instance", resourceId: 'x") OR metric.type = one_of("' };
    const events = await collect(make({ projects: [project] }), { targets: [...targets.filter((t) => t.account === project), bogus], ...WINDOW });
    expect(failures(events)).toEqual([]);
    const skipped = events.filter((e) => e.type === "item_skipped");
    expect(skipped.map((e) => e.type === "item_skipped" && e.itemId).sort()).toEqual([broken, bogus.resourceId].sort());
    const samples = samplesOf(events).filter((s) => s.resourceId === broken);
    expect(samples).toHaveLength(12);
    for (const s of samples) {
      expect(s.metrics).not.toHaveProperty("cpu_utilization");
      expect(typeof s.metrics.network_out_mbps).toBe("number");
    }
  });

  it("fails every metric scope with CredentialsRejectedError when the credentials are refused", async () => {
    emu.faults.set({ rejectCredentials: true });
    const failed = failures(await collect(make(), { targets, ...WINDOW }));
    expect(failed.length).toBeGreaterThan(0);
    for (const f of failed) expect(f.error).toBeInstanceOf(CredentialsRejectedError);
  });

  it("keeps one OAuth token for every API, though the Monitoring client asks for self-signed JWTs", async () => {
    const before = emu.requestCount("token");
    const adapter = make({ billingExportTable: emu.billingExportTable });
    expect(failures(await collect(adapter, { targets, ...WINDOW }))).toEqual([]);
    const day = { start: "2026-10-02", end: "2026-10-02" };
    for await (const event of adapter.streamCosts(day)) expect(event.type).not.toBe("scope_failed");
    for await (const event of adapter.streamResources({ kinds: ["gcp_network"] })) expect(event.type).not.toBe("scope_failed");
    expect(emu.requestCount("token") - before).toBe(1);
  });

  it("asks for nothing when no target is a VM, and refuses a malformed window", async () => {
    const before = emu.requestCount("timeSeries");
    const events = await collect(make(), { targets: targets.filter((t) => t.kind === "gce_disk"), ...WINDOW });
    expect(events).toEqual([]);
    expect(emu.requestCount("timeSeries")).toBe(before);
    await expect(collect(make(), { targets, start: WINDOW.end, end: WINDOW.start })).rejects.toThrow(RangeError);
    await expect(collect(make(), { targets, ...WINDOW, periodSeconds: 0 })).rejects.toThrow(/periodSeconds/);
  });
});

describe("GCP metrics of the kinds beyond VMs (Cloud SQL, buckets, backend services, GKE, functions, datasets)", () => {
  let emu: GcpEmulator;
  const adapters: GcpAdapter[] = [];
  beforeAll(async () => {
    emu = await startGcpEmulator({ seed: 33, size: 400 });
  });
  afterAll(async () => {
    await Promise.all(adapters.splice(0).map((a) => a.close()));
    await emu.close();
  });
  /**
   * Targets as the worker builds them, names included. Backend services: the global ones only,
   * which need no configuration fields; every family is read in gcp-backend-service-metrics.test.ts.
   */
  const targetsOf = (kind: string): MetricTarget[] =>
    Array.from(emu.expected())
      .filter((r) => r.kind === kind && (kind !== "gcp_backend_service" || r.region === "global"))
      .map((r) => ({ account: r.account, regionCode: r.region, kind: r.kind, resourceId: r.resourceId, name: r.name }));

  it.each([
    ["gcp_sql_instance", ["cpu_utilization", "memory_utilization", "disk_utilization", "connections", "disk_read_iops", "disk_write_iops"]],
    ["gcs_bucket", ["storage_bytes", "object_count", "requests_per_second"]],
    ["gcp_backend_service", ["requests_per_second", "response_time_ms", "error_rate"]],
    ["gke_cluster", ["cpu_utilization", "memory_utilization"]],
    ["cloud_function", ["invocations_per_second", "duration_ms", "error_rate"]],
    ["bigquery_dataset", ["storage_bytes"]],
    ["cloud_run_service", ["requests_per_second", "response_time_ms", "cpu_utilization", "memory_utilization", "error_rate"]],
  ])("%s: the emulator's series, converted independently, for every resource that publishes", async (kind, keys) => {
    const targets = targetsOf(kind);
    expect(targets.length).toBeGreaterThan(0);
    const adapter = adapterFor(emu);
    adapters.push(adapter);
    expect(adapter.kinds.find((k) => k.kind === kind)?.metricKeys).toEqual(keys);
    const events = await collect(adapter, { targets, ...WINDOW });
    expect(failures(events)).toEqual([]);
    expect(events.filter((e) => e.type === "item_skipped")).toEqual([]);
    const expected = emu.expectedKindMetrics({ resourceIds: targets.map((t) => t.resourceId), ...WINDOW });
    expect(expected.length).toBeGreaterThan(0);
    const got = samplesOf(events);
    expect(rows(got)).toEqual(rows(expected));
    // Every key of the kind is read somewhere in this estate (functions of both generations included).
    expect(new Set(got.flatMap((s) => Object.keys(s.metrics)))).toEqual(new Set(keys));
  });

  it("skips a cluster or backend service the worker passed without a name, saying why", async () => {
    const adapter = adapterFor(emu);
    adapters.push(adapter);
    const [cluster] = targetsOf("gke_cluster");
    const { name: _name, ...unnamed } = cluster as MetricTarget;
    const events = await collect(adapter, { targets: [unnamed], ...WINDOW });
    expect(events.filter((e) => e.type === "item_skipped")).toEqual([
      expect.objectContaining({ itemId: unnamed.resourceId, reason: expect.stringMatching(/GKE cluster with a name/) }),
    ]);
  });
});
