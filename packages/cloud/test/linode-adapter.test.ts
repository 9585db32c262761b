import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type LinodeEmulator, startLinodeEmulator } from "@cloudsync/cloud-emulators";
import { sumDecimals } from "../src/common/decimal.ts";
import { CloudError, CredentialsRejectedError, ThrottledError } from "../src/errors.ts";
import { createLinodeAdapter, type LinodeAdapter, type LinodeAdapterConfig, linodeKinds } from "../src/linode/index.ts";
import type { CostEvent, InventoryEvent, MetricEvent, NormalizedResource } from "../src/types.ts";

const NOW = new Date("2026-12-06T10:00:00Z");

function adapterFor(emu: LinodeEmulator, overrides: Partial<LinodeAdapterConfig> = {}): LinodeAdapter {
  return createLinodeAdapter({
    accounts: emu.accounts.map((a) => ({ account: a.euuid, token: a.token })),
    endpoint: emu.url,
    pageSize: 25,
    maxAttempts: 3,
    retryDelayMs: 5,
    timeoutMs: 5_000,
    requestsPerSecond: 10_000,
    concurrency: 4,
    ...overrides,
  });
}

async function drain<E>(stream: AsyncIterable<E>): Promise<E[]> {
  const events: E[] = [];
  for await (const e of stream) events.push(e);
  return events;
}

const resourcesOf = (events: InventoryEvent[]): NormalizedResource[] => events.flatMap((e) => (e.type === "page" ? e.resources : []));
const failuresOf = <E extends { type: string }>(events: E[]) => events.filter((e) => e.type === "scope_failed") as Extract<E, { type: "scope_failed" }>[];

describe("Linode adapter against the emulator, through @linode/api-v4", () => {
  let emu: LinodeEmulator;
  beforeAll(async () => {
    emu = await startLinodeEmulator({ seed: 11, size: 200, now: () => NOW });
  });
  afterEach(() => emu.faults.clear());
  afterAll(() => emu.close());

  it("streams every resource of both accounts once, as the emulator expects, and completes each kind's scope", async () => {
    const events = await drain(adapterFor(emu).streamResources());
    const got = resourcesOf(events);
    const expected = emu.expected();
    expect(got.length).toBe(expected.length);
    const byId = new Map(got.map((r) => [r.resourceId, r]));
    expect(byId.size).toBe(got.length);
    for (const e of expected) {
      const r = byId.get(e.resourceId);
      expect(r, e.resourceId).toBeDefined();
      expect({ account: r?.account, region: r?.regionCode, kind: r?.kind, name: r?.name, status: r?.status, tags: r?.tags }).toEqual({
        account: e.account,
        region: e.region,
        kind: e.kind,
        name: e.name,
        status: e.status,
        tags: e.tags,
      });
    }
    const completed = events.filter((e) => e.type === "scope_completed");
    expect(completed).toHaveLength(emu.accounts.length * linodeKinds.length);
    expect(failuresOf(events)).toEqual([]);
    // Pages of 25: the instance lists of this estate take more than one page.
    expect(emu.requestCount("GET /linode/instances")).toBeGreaterThan(emu.accounts.length);
  });

  it("reports relations: volume → its Linode, firewall → what it protects, NodeBalancer → backend addresses, address → its Linode", async () => {
    const got = resourcesOf(await drain(adapterFor(emu).streamResources()));
    const ids = new Set(got.map((r) => r.resourceId));
    const edges = got.flatMap((r) => (r.dependencies ?? []).map((d) => ({ from: r.kind, relation: d.relation, target: d.target })));
    for (const relation of ["data_volume", "security_group", "lb_target", "address_of"]) {
      expect(edges.some((e) => e.relation === relation), relation).toBe(true);
    }
    // Every edge names a resource the same sync reads.
    for (const e of edges) expect(ids.has(e.target), `${e.from} ${e.relation} → ${e.target}`).toBe(true);
  });

  it("skips a malformed item and keeps its scope complete", async () => {
    const victim = emu.expected().find((e) => e.kind === "linode_volume");
    emu.faults.set({ malformedItemIds: [victim!.resourceId] });
    const events = await drain(adapterFor(emu).streamResources({ kinds: ["linode_volume"] }));
    expect(events.filter((e) => e.type === "item_skipped")).toHaveLength(1);
    expect(resourcesOf(events).some((r) => r.resourceId === victim!.resourceId)).toBe(false);
    expect(failuresOf(events)).toEqual([]);
  });

  it("retries a 429 after its Retry-After and still completes", async () => {
    emu.faults.set({ throttle: 1, match: "GET /vpcs" });
    const throttles: number[] = [];
    const events = await drain(adapterFor(emu, { onThrottle: () => throttles.push(1) }).streamResources({ kinds: ["linode_vpc"] }));
    expect(failuresOf(events)).toEqual([]);
    expect(throttles).toHaveLength(1);
  });

  it("turns a throttle that outlasts every retry into a ThrottledError of that scope only", async () => {
    emu.faults.set({ throttle: 100, match: "GET /volumes" });
    const events = await drain(adapterFor(emu, { maxAttempts: 2 }).streamResources({ kinds: ["linode_volume", "linode_vpc"] }));
    const failed = failuresOf(events);
    expect(failed.map((f) => f.scope.kind)).toEqual(emu.accounts.map(() => "linode_volume"));
    expect(failed[0]!.error).toBeInstanceOf(ThrottledError);
  });

  it("refuses a token at 401 with CredentialsRejectedError that never repeats the token", async () => {
    const token = "0".repeat(64);
    const adapter = createLinodeAdapter({ accounts: [{ account: emu.accounts[0]!.euuid, token }], endpoint: emu.url, maxAttempts: 1, requestsPerSecond: 1000 });
    const failed = failuresOf(await drain(adapter.streamResources({ kinds: ["linode_instance", "linode_vpc"] })));
    expect(failed).toHaveLength(2);
    for (const f of failed) {
      expect(f.error).toBeInstanceOf(CredentialsRejectedError);
      expect(f.error.message).toMatch(/401 \(Invalid Token\)/);
      expect(f.error.message).not.toContain(token);
    }
  });

  it("refuses a token paired with another account's euuid", async () => {
    const [a, b] = emu.accounts;
    const adapter = createLinodeAdapter({ accounts: [{ account: a!.euuid, token: b!.token }], endpoint: emu.url, requestsPerSecond: 1000 });
    const failed = failuresOf(await drain(adapter.streamResources({ kinds: ["linode_vpc"] })));
    expect(failed[0]?.error).toBeInstanceOf(CredentialsRejectedError);
    expect(failed[0]?.error.message).toContain(`belongs to account ${b!.euuid}`);
  });

  it("says what to do when the API keeps answering 500", async () => {
    emu.faults.set({ serverErrors: 100, match: "GET /lke/clusters" });
    const failed = failuresOf(await drain(adapterFor(emu, { maxAttempts: 2 }).streamResources({ kinds: ["linode_lke_cluster"] })));
    expect(failed).toHaveLength(emu.accounts.length);
    expect(failed[0]!.error).toBeInstanceOf(CloudError);
    expect(failed[0]!.error.message).toMatch(/kept failing \(last answer: HTTP 500, Please try again\) after 2 attempts; try again later/);
  });

  it("lists regions with names from the API and geography from the catalog", async () => {
    const regions = await adapterFor(emu).listRegions();
    expect(regions.map((r) => r.code).sort()).toEqual(["ap-south", "eu-west", "us-east", "us-ord"]);
    expect(regions.find((r) => r.code === "us-east")).toMatchObject({ cloud: "linode", name: "Newark, NJ", geographicLocation: { continent: "North America", city: "Newark" } });
  });

  it("limited to regions, vouches for one scope per asked region and drops the others' items", async () => {
    const events = await drain(adapterFor(emu, { regions: ["eu-west"] }).streamResources({ kinds: ["linode_instance", "linode_firewall"] }));
    const got = resourcesOf(events);
    expect(got.filter((r) => r.kind === "linode_instance").every((r) => r.regionCode === "eu-west")).toBe(true);
    const scopes = events.filter((e) => e.type === "scope_completed").map((e) => `${e.scope.kind}@${e.scope.region}`);
    expect(new Set(scopes)).toEqual(new Set(["linode_instance@eu-west", "linode_firewall@global"]));
    const wanted = emu.expected().filter((e) => (e.kind === "linode_instance" && e.region === "eu-west") || e.kind === "linode_firewall");
    expect(got.map((r) => r.resourceId).sort()).toEqual(wanted.map((e) => e.resourceId).sort());
  });

  it("reads invoices, their items and tax, and the uninvoiced balance as exact decimals equal to the emulator's bill", async () => {
    const start = "2026-09-01";
    const end = "2026-12-06";
    const events = await drain<CostEvent>(adapterFor(emu).streamCosts({ start, end }));
    expect(failuresOf(events)).toEqual([]);
    for (const account of emu.accounts) {
      const lines = events.flatMap((e) => (e.type === "cost_page" ? e.lines : [])).filter((l) => l.account === account.euuid);
      const expected = emu.expectedCosts(account.euuid, start, end);
      expect(lines.length).toBe(expected.length);
      expect(sumDecimals(lines.map((l) => l.amount))).toBe(sumDecimals(expected.map((l) => l.amount)));
      const byCategory = (xs: { category: string; amount: string }[]) =>
        Object.fromEntries([...new Set(xs.map((x) => x.category))].sort().map((c) => [c, sumDecimals(xs.filter((x) => x.category === c).map((x) => x.amount))]));
      expect(byCategory(lines)).toEqual(byCategory(expected));
      expect(lines.every((l) => l.currency === "USD" && l.periodStart >= start && l.periodStart <= end)).toBe(true);
    }
  });

  it("a window after the last invoice holds only lines that start in it", async () => {
    const events = await drain<CostEvent>(adapterFor(emu).streamCosts({ start: "2026-12-03", end: "2026-12-06" }));
    const lines = events.flatMap((e) => (e.type === "cost_page" ? e.lines : []));
    expect(lines).toEqual([]);
    expect(events.filter((e) => e.type === "scope_completed")).toHaveLength(emu.accounts.length);
  });

  it("reads Linode statistics of running Linodes as per-core CPU and Mbit/s, equal to the emulator's", async () => {
    const adapter = adapterFor(emu);
    const instances = resourcesOf(await drain(adapter.streamResources({ kinds: ["linode_instance"] })));
    const targets = instances.slice(0, 6).map((r) => ({ account: r.account, regionCode: r.regionCode, kind: r.kind, resourceId: r.resourceId }));
    const start = new Date(NOW.getTime() - 3_600_000);
    const events = await drain<MetricEvent>(adapter.streamMetrics({ targets, start, end: NOW }));
    expect(failuresOf(events)).toEqual([]);
    const samples = events.flatMap((e) => (e.type === "metric_page" ? e.samples : []));
    const expected = emu.expectedMetrics(targets.map((t) => t.resourceId), start, NOW);
    expect(samples.length).toBe(expected.length);
    const key = (s: { resourceId: string; timestamp: string }) => `${s.resourceId}@${s.timestamp}`;
    const want = new Map(expected.map((e) => [key(e), e.metrics]));
    for (const s of samples) {
      const e = want.get(key(s));
      expect(e, key(s)).toBeDefined();
      expect(s.metrics.cpu_utilization).toBeCloseTo(e!.cpu_utilization as number, 9);
      expect(s.metrics.network_in_mbps).toBeCloseTo(e!.network_in_mbps, 9);
      expect(s.metrics.network_out_mbps).toBeCloseTo(e!.network_out_mbps, 9);
    }
  });

  it("skips a metric target deleted since the inventory instead of failing the scope", async () => {
    const gone = { account: emu.accounts[0]!.euuid, regionCode: "us-east", kind: "linode_instance", resourceId: "linode/1" };
    const events = await drain<MetricEvent>(adapterFor(emu).streamMetrics({ targets: [gone], start: new Date(NOW.getTime() - 600_000), end: NOW }));
    expect(events.map((e) => e.type)).toEqual(["item_skipped", "scope_completed"]);
  });
});

describe("Linode's rate limits, enforced by the emulator", () => {
  it("waits out a 429's Retry-After when the per-token limit is spent, and finishes every scope", async () => {
    // 4 collection requests per one-second window: a sync of five kinds must wait for a new window.
    const emu = await startLinodeEmulator({ seed: 3, size: 20, accounts: 1, now: () => NOW, enforceRateLimits: { collection: 4 }, rateWindowSeconds: 1 });
    try {
      let throttled = 0;
      const adapter = createLinodeAdapter({
        accounts: emu.accounts.map((a) => ({ account: a.euuid, token: a.token })),
        endpoint: emu.url,
        requestsPerSecond: 1000,
        maxAttempts: 5,
        retryDelayMs: 5,
        concurrency: 1,
        onThrottle: () => throttled++,
      });
      const events = await drain(adapter.streamResources({ kinds: ["linode_instance", "linode_volume", "linode_vpc", "linode_lke_cluster", "linode_bucket"] }));
      expect(failuresOf(events)).toEqual([]);
      expect(events.filter((e) => e.type === "scope_completed")).toHaveLength(5);
      expect(throttled).toBeGreaterThan(0);
    } finally {
      await emu.close();
    }
  });

  it("a limit that stays spent ends the scopes as throttled, not as anything else", async () => {
    const emu = await startLinodeEmulator({ seed: 3, size: 20, accounts: 1, now: () => NOW, enforceRateLimits: { collection: 2 } });
    try {
      const adapter = createLinodeAdapter({ accounts: emu.accounts.map((a) => ({ account: a.euuid, token: a.token })), endpoint: emu.url, requestsPerSecond: 1000, maxAttempts: 1, concurrency: 1 });
      const events = await drain(adapter.streamResources({ kinds: ["linode_instance", "linode_volume", "linode_vpc", "linode_bucket"] }));
      const failed = failuresOf(events);
      expect(events.filter((e) => e.type === "scope_completed")).toHaveLength(2);
      expect(failed).toHaveLength(2);
      for (const f of failed) expect(f.error).toBeInstanceOf(ThrottledError);
    } finally {
      await emu.close();
    }
  });
});
