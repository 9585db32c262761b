import { type AzureEmulator, startAzureEmulator } from "@cloudsync/cloud-emulators";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type AzureAdapterConfig, createAzureAdapter } from "../src/azure/index.ts";
import { createRateLimiter, type RateLimiter } from "../src/common/rate-limiter.ts";
import { CredentialsRejectedError, ThrottledError } from "../src/errors.ts";
import { bytesToMbps, evaluateHealth, fractionToPercent } from "../src/metrics/health.ts";
import { azureKindDescriptions } from "../src/azure/kinds/arm-types.ts";
import { kindsWithMetrics, type MetricEvent, type MetricKey, type MetricSample, type MetricTarget, type ScopeRef } from "../src/types.ts";

/**
 * VM metrics through @azure/arm-monitor's MonitorClient over real HTTPS against the emulator:
 * unit conversions checked against the emulator's raw numbers, absent keys, scopes, faults.
 */

let emu: AzureEmulator;
const withMetrics = new Set(kindsWithMetrics(azureKindDescriptions));
const start = new Date("2026-10-01T00:00:00Z");
const end = new Date("2026-10-01T01:00:00Z");

beforeAll(async () => {
  emu = await startAzureEmulator({ seed: "metrics", size: 150, subscriptions: 2 });
});
afterAll(async () => {
  await emu?.close();
});
afterEach(() => {
  emu.faults.clear();
});

const adapterForEmulator = (target: AzureEmulator) => adapterFor({}, target);

function adapterFor(overrides: Partial<AzureAdapterConfig> = {}, target: AzureEmulator = emu) {
  return createAzureAdapter({
    credentials: { tenantId: target.tenantId, clientId: target.clientId, clientSecret: target.clientSecret, authorityHost: target.authorityHost },
    subscriptions: target.subscriptions,
    endpoint: target.endpoint,
    caCertificate: target.caCertificate,
    maxAttempts: 3,
    retryDelayInMs: 5,
    maxRetryDelayInMs: 20,
    timeoutMs: 10_000,
    ...overrides,
  });
}

/** Every resource of the inventory as a target (the adapter keeps the VMs). */
function targetsOf(target: AzureEmulator = emu): MetricTarget[] {
  return [...target.expected()].map((r) => ({ account: r.account, regionCode: r.region, kind: r.kind, resourceId: r.resourceId }));
}

interface Collected {
  samples: MetricSample[];
  pages: { scope: ScopeRef; size: number }[];
  skipped: Extract<MetricEvent, { type: "item_skipped" }>[];
  completed: Extract<MetricEvent, { type: "scope_completed" }>[];
  failed: Extract<MetricEvent, { type: "scope_failed" }>[];
}

async function collect(stream: AsyncIterable<MetricEvent>): Promise<Collected> {
  const out: Collected = { samples: [], pages: [], skipped: [], completed: [], failed: [] };
  for await (const event of stream) {
    if (event.type === "metric_page") {
      out.pages.push({ scope: event.scope, size: event.samples.length });
      out.samples.push(...event.samples);
    } else if (event.type === "item_skipped") out.skipped.push(event);
    else if (event.type === "scope_completed") out.completed.push(event);
    else out.failed.push(event);
  }
  return out;
}

/** What the adapter should say, computed from the emulator's raw numbers with the shared conversions. */
function expectedSamples(target: AzureEmulator, resourceId: string, periodSeconds = 300): { timestamp: string; metrics: Partial<Record<MetricKey, number>> }[] {
  const raw = target.expectedMetrics(resourceId, start, end, periodSeconds);
  if (!raw) throw new Error(`${resourceId} is not a VM`);
  return raw.points.map((p) => {
    const metrics: Partial<Record<MetricKey, number>> = {
      cpu_utilization: p.percentageCpu,
      network_in_mbps: bytesToMbps(p.networkInTotalBytes, periodSeconds),
      network_out_mbps: bytesToMbps(p.networkOutTotalBytes, periodSeconds),
      disk_utilization: p.osDiskBandwidthConsumedPercentage,
    };
    if (raw.documentedSize) metrics.memory_utilization = Math.min(100, Math.max(0, fractionToPercent(1 - p.availableMemoryBytes / raw.memoryBytes)));
    return { timestamp: p.timestamp, metrics };
  });
}

function expectSamplesMatch(actual: MetricSample[], expected: ReturnType<typeof expectedSamples>): void {
  expect(actual.map((s) => s.timestamp)).toEqual(expected.map((e) => e.timestamp));
  actual.forEach((sample, i) => {
    const want = expected[i]?.metrics ?? {};
    expect(Object.keys(sample.metrics).sort()).toEqual(Object.keys(want).sort());
    for (const [k, v] of Object.entries(want)) expect(sample.metrics[k as MetricKey]).toBeCloseTo(v, 9);
  });
}

describe("azure metrics against the emulator", () => {
  it("reads every VM target, converts units, leaves unreported keys absent, one scope per subscription × region", async () => {
    // VMs among kinds without metrics (ignored); the other kinds with metrics are read below.
    const targets = targetsOf().filter((t) => t.kind === "azure_vm" || !withMetrics.has(t.kind));
    const vms = targets.filter((t) => t.kind === "azure_vm");
    expect(vms.length).toBeGreaterThan(10);
    expect(targets.length).toBeGreaterThan(vms.length);
    const got = await collect(adapterFor().streamMetrics({ targets, start, end }));
    expect(got.failed).toEqual([]);
    expect(got.skipped).toEqual([]);

    const scopes = new Set(vms.map((v) => `${v.account}|${v.regionCode}`));
    expect(got.completed.map((c) => `${c.scope.account}|${c.scope.region}`).sort()).toEqual([...scopes].sort());
    for (const c of got.completed) {
      expect(c.scope.kind).toBe("metrics");
      expect(c.resourceCount).toBe(got.samples.filter((s) => s.account === c.scope.account && vms.some((v) => v.resourceId === s.resourceId && v.regionCode === c.scope.region)).length);
    }
    // Only VMs have samples; every one in its inventory form.
    const vmIds = new Set(vms.map((v) => v.resourceId));
    for (const s of got.samples) expect(vmIds.has(s.resourceId)).toBe(true);

    let silent = 0;
    for (const vm of vms) {
      const mine = got.samples.filter((s) => s.resourceId === vm.resourceId);
      const expected = expectedSamples(emu, vm.resourceId);
      expectSamplesMatch(mine, expected);
      if (expected.length === 0) silent += 1;
      else expect(mine).toHaveLength(12); // an hour at 5 minutes
    }
    // Deallocated and stopped VMs report nothing, so they have no samples (not zero-filled ones).
    expect(silent).toBeGreaterThan(0);
    for (const s of got.samples) {
      for (const k of ["response_time_ms", "error_rate", "requests_per_second"]) expect(s.metrics).not.toHaveProperty(k);
    }
    // Some VMs run hot: warning and critical samples exist.
    const levels = new Set(got.samples.map((s) => evaluateHealth(s.metrics).status));
    expect(levels).toEqual(new Set(["healthy", "warning", "critical"]));
    // Memory is there for sizes the adapter knows.
    expect(got.samples.some((s) => s.metrics.memory_utilization !== undefined)).toBe(true);
  });

  it("converts bytes over the asked grain (PT1H)", async () => {
    const vm = targetsOf().find((t) => t.kind === "azure_vm" && (emu.expectedMetrics(t.resourceId, start, end, 3600)?.points.length ?? 0) > 0) as MetricTarget;
    const got = await collect(adapterFor().streamMetrics({ targets: [vm], start, end, periodSeconds: 3600 }));
    expect(got.samples).toHaveLength(1);
    expectSamplesMatch(got.samples, expectedSamples(emu, vm.resourceId, 3600));
  });

  it("retries throttling and completes", async () => {
    const vms = targetsOf().filter((t) => t.kind === "azure_vm").slice(0, 4);
    const before = emu.requestCount("metrics.list");
    emu.faults.set({ throttle: 2, match: "metrics.list" });
    const got = await collect(adapterFor({ maxAttempts: 3 }).streamMetrics({ targets: vms, start, end }));
    expect(got.failed).toEqual([]);
    expect(emu.faults.plan.throttle).toBe(0);
    expect(emu.requestCount("metrics.list") - before).toBe(vms.length + 2);
    for (const vm of vms) expectSamplesMatch(got.samples.filter((s) => s.resourceId === vm.resourceId), expectedSamples(emu, vm.resourceId));
  });

  it("fails the throttled subscription's scopes with ThrottledError; the other subscription completes", async () => {
    const [throttled, other] = emu.subscriptions as [string, string];
    emu.faults.set({ throttle: 1000, match: `metrics.list /subscriptions/${throttled}` });
    const got = await collect(adapterFor({ maxAttempts: 2 }).streamMetrics({ targets: targetsOf(), start, end }));
    expect(got.failed.length).toBeGreaterThan(0);
    for (const f of got.failed) {
      expect(f.scope.account).toBe(throttled);
      expect(f.error).toBeInstanceOf(ThrottledError);
    }
    expect(got.completed.length).toBeGreaterThan(0);
    for (const c of got.completed) expect(c.scope.account).toBe(other);
  });

  it("skips a VM deleted since the inventory (404) and a malformed answer, keeping the others", async () => {
    const local = await startAzureEmulator({ seed: "metrics-faults", size: 60, subscriptions: 1 });
    try {
      const vms = targetsOf(local).filter((t) => t.kind === "azure_vm" && (local.expectedMetrics(t.resourceId, start, end)?.points.length ?? 0) > 0);
      const [gone, broken, ...fine] = vms as [MetricTarget, MetricTarget, ...MetricTarget[]];
      expect(fine.length).toBeGreaterThan(0);
      local.mutate.remove(gone.resourceId);
      local.faults.set({ malformedItemIds: [broken.resourceId] });
      const got = await collect(adapterFor({}, local).streamMetrics({ targets: vms, start, end }));
      expect(got.failed).toEqual([]);
      expect(got.skipped.map((s) => s.itemId).sort()).toEqual([gone.resourceId, broken.resourceId].sort());
      expect(got.skipped.find((s) => s.itemId === gone.resourceId)?.reason).toMatch(/404 ResourceNotFound/);
      expect(got.skipped.find((s) => s.itemId === broken.resourceId)?.reason).toMatch(/has no name/);
      for (const vm of fine) expectSamplesMatch(got.samples.filter((s) => s.resourceId === vm.resourceId), expectedSamples(local, vm.resourceId));
    } finally {
      await local.close();
    }
  });

  it("leaves memory absent for a VM size it does not know", async () => {
    const local = await startAzureEmulator({ seed: "metrics-sizes", size: 10, subscriptions: 1 });
    try {
      const id = local.mutate.add({ type: "Microsoft.Compute/virtualMachines", name: "vm-custom-1", vmSize: "Standard_X99_custom", location: "eastus" });
      const got = await collect(
        adapterFor({}, local).streamMetrics({ targets: [{ account: local.subscriptions[0] as string, regionCode: "eastus", kind: "azure_vm", resourceId: id }], start, end }),
      );
      expect(got.samples).toHaveLength(12);
      for (const s of got.samples) {
        expect(s.metrics).not.toHaveProperty("memory_utilization");
        expect(s.metrics.cpu_utilization).toBeTypeOf("number");
      }
      expectSamplesMatch(got.samples, expectedSamples(local, id));
    } finally {
      await local.close();
    }
  });

  it("reports rejected credentials as CredentialsRejectedError", async () => {
    emu.faults.set({ rejectCredentials: true, match: "metrics.list" });
    const vms = targetsOf().filter((t) => t.kind === "azure_vm").slice(0, 2);
    const got = await collect(adapterFor().streamMetrics({ targets: vms, start, end }));
    expect(got.failed.length).toBeGreaterThan(0);
    for (const f of got.failed) {
      expect(f.error).toBeInstanceOf(CredentialsRejectedError);
      expect(f.error.message).not.toContain(emu.clientSecret);
    }
  });

  it("takes a rate-limiter token per attempt under the metrics key", async () => {
    const vms = targetsOf().filter((t) => t.kind === "azure_vm" && t.account === emu.subscriptions[0]).slice(0, 3);
    const inner = createRateLimiter({ requestsPerSecond: 1000 });
    const keys: string[] = [];
    const rateLimiter: RateLimiter = {
      acquire(k, signal) {
        keys.push(k);
        return inner.acquire(k, signal);
      },
    };
    const before = emu.requestCount("metrics.list");
    emu.faults.set({ throttle: 1, match: "metrics.list" });
    const got = await collect(adapterFor({ rateLimiter }).streamMetrics({ targets: vms, start, end }));
    expect(got.failed).toEqual([]);
    const account = emu.subscriptions[0] as string;
    expect(keys.filter((k) => k === `${account}:metrics`)).toHaveLength(emu.requestCount("metrics.list") - before);
    // The VM size listing (for memory) goes through ARM's own bucket.
    expect(new Set(keys)).toEqual(new Set([`${account}:metrics`, `${account}:arm`]));
  });

  it("yields nothing for targets of kinds without metrics, and refuses grains Azure Monitor lacks", async () => {
    const nonVm = targetsOf().filter((t) => !withMetrics.has(t.kind));
    expect(nonVm.length).toBeGreaterThan(0);
    const got = await collect(adapterFor().streamMetrics({ targets: nonVm, start, end }));
    expect(got.completed).toEqual([]);
    expect(got.failed).toEqual([]);
    expect(() => adapterFor().streamMetrics({ targets: nonVm, start, end, periodSeconds: 420 })).toThrow(RangeError);
  });
});

describe("azure metrics of the other kinds Azure Monitor has platform metrics for", () => {
  const round = (m: Record<string, number>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Number(v.toPrecision(10))]));

  it.each([
    ["azure_disk", ["disk_read_mbps", "disk_write_mbps", "disk_read_iops", "disk_write_iops"]],
    ["azure_sql_database", ["cpu_utilization", "memory_utilization", "disk_utilization", "connections"]],
    ["azure_postgres_flexible", ["cpu_utilization", "memory_utilization", "disk_utilization", "connections", "disk_read_iops", "disk_write_iops", "network_in_mbps", "network_out_mbps"]],
    ["azure_app_gateway", ["requests_per_second", "response_time_ms", "error_rate"]],
    ["azure_storage_account", ["storage_bytes", "requests_per_second", "response_time_ms"]],
    ["azure_cdn_profile", ["requests_per_second", "response_time_ms", "error_rate"]],
    ["azure_app_service", ["requests_per_second", "response_time_ms", "invocations_per_second", "error_rate"]],
    ["azure_vmss", ["cpu_utilization", "network_in_mbps", "network_out_mbps"]],
    ["azure_front_door", ["requests_per_second", "response_time_ms", "error_rate"]],
  ])("%s: the emulator's raw numbers, converted, per resource and instant", async (kind, keys) => {
    // Classic Front Doors are rare (weight 1): a larger estate of their own holds some.
    const local = kind === "azure_front_door" ? await startAzureEmulator({ seed: "metrics-frontdoor", size: 900, subscriptions: 1 }) : emu;
    try {
      await readsKind(local, kind, keys);
    } finally {
      if (local !== emu) await local.close();
    }
  });

  async function readsKind(emu: AzureEmulator, kind: string, keys: string[]): Promise<void> {
    const targetsOf = () => [...emu.expected()].map((r) => ({ account: r.account, regionCode: r.region, kind: r.kind, resourceId: r.resourceId }));
    const adapterFor = () => adapterForEmulator(emu);
    const targets = targetsOf().filter((t) => t.kind === kind);
    expect(targets.length).toBeGreaterThan(0);
    expect(azureKindDescriptions.find((k) => k.kind === kind)?.metricKeys).toEqual(keys);
    const got = await collect(adapterFor().streamMetrics({ targets, start, end }));
    expect(got.failed).toEqual([]);
    expect(got.skipped).toEqual([]);
    let reported = 0;
    for (const t of targets) {
      const expected = emu.expectedKindMetrics(t.resourceId, start, end) ?? [];
      const mine = got.samples.filter((s) => s.resourceId === t.resourceId);
      expect(mine.map((s) => ({ timestamp: s.timestamp, metrics: round(s.metrics as Record<string, number>) }))).toEqual(
        expected.map((x) => ({ timestamp: x.timestamp, metrics: round(x.metrics) })),
      );
      if (mine.length > 0) reported += 1;
      for (const s of mine) for (const k of Object.keys(s.metrics)) expect(keys).toContain(k);
    }
    expect(reported).toBeGreaterThan(0);
  }

  it("reads hourly storage capacity at PT1H over the last whole hour, even for a short window", async () => {
    const account = targetsOf().find((t) => t.kind === "azure_storage_account" && (emu.expectedKindMetrics(t.resourceId, start, end)?.length ?? 0) > 0) as MetricTarget;
    const shortStart = new Date("2026-10-01T00:45:00Z");
    const got = await collect(adapterFor().streamMetrics({ targets: [account], start: shortStart, end }));
    expect(got.failed).toEqual([]);
    const capacity = got.samples.filter((s) => s.metrics.storage_bytes !== undefined);
    // The hour that starts at 00:00 (the window's end is 01:00): one capacity point.
    expect(capacity.map((s) => s.timestamp)).toEqual(["2026-10-01T00:00:00.000Z"]);
    expect(capacity[0]?.metrics.storage_bytes).toBe(emu.expectedKindMetrics(account.resourceId, start, end)?.[0]?.raw.UsedCapacity);
  });
});
