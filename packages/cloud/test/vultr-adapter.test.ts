import { startVultrEmulator, type VultrEmulator } from "@cloudsync/cloud-emulators";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CredentialsRejectedError, ThrottledError } from "../src/errors.ts";
import type { CostEvent, InventoryEvent, MetricEvent, NormalizedCostLine, NormalizedResource } from "../src/types.ts";
import { createVultrAdapter } from "../src/vultr/index.ts";
import { normalizeDecimal, sumDecimals } from "../src/common/decimal.ts";

let em: VultrEmulator;
const now = new Date("2026-12-06T10:00:00Z");
beforeAll(async () => {
  em = await startVultrEmulator({ seed: 3, size: 120, now: () => now });
});
afterAll(async () => em?.close());

const adapter = (extra: Partial<Parameters<typeof createVultrAdapter>[0]> = {}) =>
  createVultrAdapter({ accounts: em.accounts, endpoint: em.endpoint, pageSize: 4, maxAttempts: 3, retryDelayMs: 5, timeoutMs: 5_000, now: () => now, ...extra });

async function collect<E>(stream: AsyncIterable<E>): Promise<E[]> {
  const out: E[] = [];
  for await (const e of stream) out.push(e);
  return out;
}

describe("Vultr adapter over the emulator, through @vultr/vultr-node", () => {
  it("reads every kind of every account, following cursors, and equals the estate", async () => {
    const events = await collect<InventoryEvent>(adapter().streamResources());
    const resources = events.flatMap((e) => (e.type === "page" ? e.resources : []));
    const expected = [...em.expected()];
    expect(resources.map((r) => r.resourceId).sort()).toEqual(expected.map((e) => e.resourceId).sort());
    const byId = new Map<string, NormalizedResource>(resources.map((r) => [r.resourceId, r]));
    for (const e of expected) {
      const r = byId.get(e.resourceId)!;
      expect({ account: r.account, region: r.regionCode, kind: r.kind, name: r.name, status: r.status, tags: r.tags }, e.resourceId).toEqual({
        account: e.account, region: e.region, kind: e.kind, name: e.name, status: e.status, tags: e.tags,
      });
    }
    const completed = events.filter((e) => e.type === "scope_completed");
    expect(completed).toHaveLength(em.accounts.length * 11);
    expect(events.some((e) => e.type === "scope_failed")).toBe(false);
    // Pages of 4 items: more than one request per list proves the cursor was followed.
    expect(em.requestCount("instances")).toBeGreaterThan(em.accounts.length);
  });

  it("reports the relations the API names: volume → instance, LB → targets, instance → firewall", async () => {
    const resources = (await collect<InventoryEvent>(adapter().streamResources({ kinds: ["vultr_block_storage", "vultr_load_balancer", "vultr_instance"] })))
      .flatMap((e) => (e.type === "page" ? e.resources : []));
    const attached = resources.find((r) => r.kind === "vultr_block_storage" && (r.configuration.attached_to_instance as string));
    expect(attached?.dependencies).toEqual([{ relation: "data_volume", target: attached?.configuration.attached_to_instance, dependencyType: "storage", dependencyStrength: "soft", reverse: true }]);
    const lb = resources.find((r) => r.kind === "vultr_load_balancer" && (r.configuration.instances as string[]).length > 0)!;
    expect(lb.dependencies?.map((d) => d.target)).toEqual(lb.configuration.instances);
    const inFirewall = resources.find((r) => r.kind === "vultr_instance" && r.configuration.firewall_group_id);
    expect(inFirewall?.dependencies?.[0]).toMatchObject({ relation: "security_group", dependencyStrength: "hard" });
  });

  it("limited to regions, a list vouches for those regions only; an empty list means every region", async () => {
    const limited = await collect<InventoryEvent>(adapter({ regions: ["ams", "fra"] }).streamResources({ kinds: ["vultr_instance", "vultr_firewall_group"] }));
    const done = limited.filter((e) => e.type === "scope_completed").map((e) => `${e.scope.account}:${e.scope.region}:${e.scope.kind}`).sort();
    expect(done).toEqual(em.accounts.flatMap((a) => [`${a.account}:ams:vultr_instance`, `${a.account}:fra:vultr_instance`, `${a.account}:global:vultr_firewall_group`]).sort());
    const read = limited.flatMap((e) => (e.type === "page" ? e.resources : [])).filter((r) => r.kind === "vultr_instance");
    const wanted = [...em.expected()].filter((e) => e.kind === "vultr_instance" && (e.region === "ams" || e.region === "fra"));
    expect(read.map((r) => r.resourceId).sort()).toEqual(wanted.map((e) => e.resourceId).sort());
    const all = await collect<InventoryEvent>(adapter({ regions: [] }).streamResources({ kinds: ["vultr_instance"] }));
    expect(all.filter((e) => e.type === "scope_completed").map((e) => e.scope.region)).toEqual(em.accounts.map(() => "*"));
  });

  it("lists regions with names and locations", async () => {
    const regions = await adapter().listRegions();
    expect(regions.find((r) => r.code === "ams")).toEqual({
      cloud: "vultr", code: "ams", name: "Amsterdam", availabilityZones: [],
      geographicLocation: { continent: "Europe", country: "NL", city: "Amsterdam", coordinates: { lat: 52.37, lng: 4.9 } },
    });
  });

  it("a skipped malformed item leaves its scope complete", async () => {
    const victim = [...em.expected()].find((e) => e.kind === "vultr_instance")!;
    em.faults.set({ malformedItemIds: [victim.resourceId] });
    try {
      const events = await collect<InventoryEvent>(adapter().streamResources({ kinds: ["vultr_instance"] }));
      expect(events.filter((e) => e.type === "item_skipped")).toHaveLength(1);
      expect(events.filter((e) => e.type === "scope_completed")).toHaveLength(em.accounts.length);
    } finally {
      em.faults.clear();
    }
  });

  it("a refused key fails every scope of its account with CredentialsRejectedError, and never leaks the key", async () => {
    const bad = createVultrAdapter({ accounts: [{ account: "main", apiKey: "WRONGKEYWRONGKEYWRONGKEYWRONGKEY1234" }], endpoint: em.endpoint, maxAttempts: 1 });
    const events = await collect<InventoryEvent>(bad.streamResources());
    const failed = events.filter((e): e is Extract<InventoryEvent, { type: "scope_failed" }> => e.type === "scope_failed");
    expect(failed).toHaveLength(11);
    for (const f of failed) {
      expect(f.error).toBeInstanceOf(CredentialsRejectedError);
      expect(f.error.message).not.toContain("WRONGKEY");
    }
  });

  it("429s are retried with backoff and counted; past maxAttempts the scope is throttled", async () => {
    let throttles = 0;
    em.faults.set({ throttle: 2, match: "firewalls" });
    const ok = await collect<InventoryEvent>(adapter({ onThrottle: () => throttles++ }).streamResources({ kinds: ["vultr_firewall_group"] }));
    expect(ok.filter((e) => e.type === "scope_completed")).toHaveLength(em.accounts.length);
    expect(throttles).toBe(2);
    em.faults.set({ throttle: 100, match: "firewalls" });
    try {
      const failed = await collect<InventoryEvent>(adapter().streamResources({ kinds: ["vultr_firewall_group"] }));
      const f = failed.find((e) => e.type === "scope_failed") as Extract<InventoryEvent, { type: "scope_failed" }>;
      expect(f.error).toBeInstanceOf(ThrottledError);
    } finally {
      em.faults.clear();
    }
  });

  it("stays under the documented 30 requests per second: the emulator never had to refuse one", async () => {
    const before = em.rateLimited;
    await collect(adapter({ pageSize: 1, concurrency: 8 }).streamResources({ kinds: ["vultr_instance", "vultr_block_storage"] }));
    expect(em.rateLimited).toBe(before);
  });

  it("costs: invoice items and pending charges whose period starts in the window, as exact decimals", async () => {
    const query = { start: "2026-10-01", end: "2026-12-06" };
    const events = await collect<CostEvent>(adapter().streamCosts(query));
    expect(events.filter((e) => e.type === "scope_completed")).toHaveLength(em.accounts.length);
    for (const { account } of em.accounts) {
      const lines = events.flatMap((e) => (e.type === "cost_page" && e.scope.account === account ? e.lines : [])) as NormalizedCostLine[];
      const expected = em.expectedCosts(account, query.start, query.end);
      expect(lines.map((l) => [l.periodStart, l.periodEnd, l.amount, l.service]).sort()).toEqual(expected.map((e) => [e.periodStart, e.periodEnd, normalizeDecimal(e.amount), e.product]).sort());
      expect(normalizeDecimal(sumDecimals(lines.map((l) => l.amount)))).toBe(normalizeDecimal(em.expectedCostTotal(account, query.start, query.end)));
      expect(new Set(lines.map((l) => l.currency))).toEqual(new Set(["USD"]));
      expect(lines.some((l) => l.billingDetails.source === "pending_charges")).toBe(true);
    }
  });

  it("metrics: daily bandwidth of instances as Mbit/s averages; today's partial day is left out", async () => {
    const inst = [...em.expected()].find((e) => e.kind === "vultr_instance")!;
    const volume = [...em.expected()].find((e) => e.kind === "vultr_block_storage")!;
    const events = await collect<MetricEvent>(
      adapter().streamMetrics({
        targets: [
          { account: inst.account, regionCode: inst.region, kind: inst.kind, resourceId: inst.resourceId },
          { account: volume.account, regionCode: volume.region, kind: volume.kind, resourceId: volume.resourceId },
        ],
        start: new Date("2026-12-01T00:00:00Z"),
        end: new Date("2026-12-07T00:00:00Z"),
      }),
    );
    const samples = events.flatMap((e) => (e.type === "metric_page" ? e.samples : []));
    const bw = em.bandwidth(inst.resourceId);
    expect(samples.map((s) => s.timestamp)).toEqual(["2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04", "2026-12-05"].map((d) => `${d}T00:00:00.000Z`));
    const first = bw["2026-12-01"]!;
    expect(samples[0]!.metrics).toEqual({ network_in_mbps: (first.incoming_bytes * 8) / 86_400 / 1e6, network_out_mbps: (first.outgoing_bytes * 8) / 86_400 / 1e6 });
    expect(samples.every((s) => s.resourceId === inst.resourceId)).toBe(true);
  });
});
