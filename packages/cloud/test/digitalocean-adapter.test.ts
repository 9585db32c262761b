import { type DoEmulator, doBandwidthMbps, doBusyPercent, doMemoryUsedPercent, doMetricStepSeconds, startDigitalOceanEmulator } from "@cloudsync/cloud-emulators";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sumDecimals } from "../src/common/decimal.ts";
import { createDigitalOceanAdapter, type DigitalOceanAdapterConfig } from "../src/digitalocean/index.ts";
import { CredentialsRejectedError, ThrottledError } from "../src/errors.ts";
import type { CostEvent, InventoryEvent, MetricEvent, NormalizedResource } from "../src/types.ts";

/** Fixed clock: the bill and metric windows are cut by it. */
const now = new Date("2026-11-18T12:00:00Z");
let em: DoEmulator;

beforeAll(async () => {
  em = await startDigitalOceanEmulator({ seed: "do-adapter", size: 80, teams: 2, now: () => now });
});
afterAll(async () => {
  await em?.close();
});

function adapter(overrides: Partial<DigitalOceanAdapterConfig> = {}) {
  return createDigitalOceanAdapter({
    teams: em.teams.map((t) => ({ teamId: t.teamId, token: t.token })),
    endpoint: em.endpoint,
    pageSize: 7,
    requestsPerSecond: 1_000,
    retryDelayMs: 5,
    ...overrides,
  });
}

async function collect<E>(stream: AsyncIterable<E>): Promise<E[]> {
  const out: E[] = [];
  for await (const e of stream) out.push(e);
  return out;
}

describe("DigitalOcean inventory over the official SDK", () => {
  it("lists every kind of every team, paging by links.pages.next, and equals the estate", async () => {
    const before = em.requestCount("/droplets");
    const events = await collect(adapter().streamResources());
    const resources = events.flatMap((e) => (e.type === "page" ? e.resources : []));
    const failed = events.filter((e) => e.type === "scope_failed");
    expect(failed).toEqual([]);
    const expected = [...em.expected()];
    expect(resources.map((r) => r.resourceId).sort()).toEqual(expected.map((e) => e.resourceId).sort());
    const byId = new Map(resources.map((r) => [r.resourceId, r]));
    for (const e of expected) {
      expect(byId.get(e.resourceId), e.resourceId).toMatchObject({ account: e.account, kind: e.kind, regionCode: e.region, status: e.status, tags: e.tags, name: e.name });
    }
    // 2 teams × 9 kinds, each completed once; droplets took several pages of 7.
    const completed = events.filter((e) => e.type === "scope_completed");
    expect(completed).toHaveLength(2 * 9);
    const droplets = expected.filter((e) => e.kind === "do_droplet" && e.account === em.teams[0]!.teamId).length;
    expect(droplets).toBeGreaterThan(7);
    expect(em.requestCount("/droplets") - before).toBe(Math.ceil(droplets / 7) + Math.ceil(expected.filter((e) => e.kind === "do_droplet" && e.account === em.teams[1]!.teamId).length / 7));
  });

  it("reports the relations the API names: volume → droplet, firewall → droplets, droplet in its VPC", async () => {
    const events = await collect(adapter().streamResources({ kinds: ["do_volume", "do_firewall", "do_droplet"] }));
    const resources = events.flatMap((e) => (e.type === "page" ? e.resources : [])) as NormalizedResource[];
    const attached = resources.find((r) => r.kind === "do_volume" && r.status === "running");
    expect(attached?.dependencies?.[0]).toMatchObject({ relation: "data_volume", reverse: true, dependencyType: "storage", dependencyStrength: "soft" });
    const firewall = resources.find((r) => r.kind === "do_firewall" && (r.dependencies?.length ?? 0) > 0);
    expect(firewall?.dependencies?.every((d) => d.relation === "security_group" && d.reverse)).toBe(true);
    const droplet = resources.find((r) => r.kind === "do_droplet");
    expect(droplet?.dependencies?.some((d) => d.relation === "in_network")).toBe(true);
  });

  it("lists regions with their names and the catalog's geography", async () => {
    const regions = await adapter().listRegions();
    expect(regions.find((r) => r.code === "ams3")).toEqual({
      cloud: "digitalocean",
      code: "ams3",
      name: "Amsterdam 3",
      availabilityZones: [],
      geographicLocation: { continent: "Europe", country: "Netherlands", city: "Amsterdam", coordinates: { lat: 52.37, lng: 4.9 } },
    });
    expect(regions).toHaveLength(10);
  });

  it("skips a malformed item and completes its scope", async () => {
    const victim = [...em.expected()].find((e) => e.kind === "do_droplet")!;
    em.faults.set({ malformedItemIds: [victim.resourceId] });
    try {
      const events = await collect(adapter().streamResources({ kinds: ["do_droplet"] }));
      expect(events.filter((e) => e.type === "item_skipped")).toHaveLength(1);
      expect(events.filter((e) => e.type === "scope_failed")).toEqual([]);
    } finally {
      em.faults.clear();
    }
  });
});

describe("DigitalOcean errors and limits", () => {
  it("rides out 429s with the rate-limit headers, counting each", async () => {
    let throttles = 0;
    em.faults.set({ throttle: 6, match: "/vpcs" });
    const events = await collect(adapter({ onThrottle: () => throttles++, maxAttempts: 10 }).streamResources({ kinds: ["do_vpc"] }));
    em.faults.clear();
    expect(throttles).toBe(6);
    expect(events.filter((e) => e.type === "scope_completed")).toHaveLength(2);
  });

  it("fails a scope with ThrottledError when every attempt is throttled", async () => {
    em.faults.set({ throttle: 100, match: "/vpcs" });
    const events = await collect(adapter({ maxAttempts: 2 }).streamResources({ kinds: ["do_vpc"] }));
    em.faults.clear();
    const failed = events.filter((e): e is Extract<InventoryEvent, { type: "scope_failed" }> => e.type === "scope_failed");
    expect(failed).toHaveLength(2);
    expect(failed[0]!.error).toBeInstanceOf(ThrottledError);
    expect(failed[0]!.error.message).toMatch(/Lower requestsPerSecond/);
  });

  it("refuses a token of another team without reading anything, and never repeats the token", async () => {
    const [a, b] = em.teams;
    const wrong = createDigitalOceanAdapter({ teams: [{ teamId: a!.teamId, token: b!.token }], endpoint: em.endpoint, requestsPerSecond: 1_000 });
    const events = await collect(wrong.streamResources({ kinds: ["do_droplet", "do_vpc"] }));
    const failed = events.filter((e): e is Extract<InventoryEvent, { type: "scope_failed" }> => e.type === "scope_failed");
    expect(failed).toHaveLength(2);
    expect(failed[0]!.error).toBeInstanceOf(CredentialsRejectedError);
    expect(failed[0]!.error.message).toContain(`belongs to team ${b!.teamId}`);
    expect(failed[0]!.error.message).not.toContain(b!.token);
  });

  it("maps a 401 {id, message} to CredentialsRejectedError", async () => {
    const bad = createDigitalOceanAdapter({ teams: [{ teamId: em.teams[0]!.teamId, token: "dop_v1_not-a-real-token-0000" }], endpoint: em.endpoint, requestsPerSecond: 1_000 });
    const events = await collect(bad.streamResources({ kinds: ["do_vpc"] }));
    const failed = events.find((e): e is Extract<InventoryEvent, { type: "scope_failed" }> => e.type === "scope_failed");
    expect(failed?.error).toBeInstanceOf(CredentialsRejectedError);
    expect(failed?.error.message).toContain("401 unauthorized");
    expect(failed?.error.message).not.toContain("not-a-real-token");
  });

  it("answers the documented 429 once the per-minute limit is spent", async () => {
    const tight = await startDigitalOceanEmulator({ seed: "tight", size: 30, teams: 1, limits: { perMinute: 3 } });
    try {
      const events = await collect(
        createDigitalOceanAdapter({ teams: [{ teamId: tight.teams[0]!.teamId, token: tight.teams[0]!.token }], endpoint: tight.endpoint, requestsPerSecond: 1_000, maxAttempts: 1 }).streamResources({ kinds: ["do_droplet", "do_vpc", "do_volume"] }),
      );
      expect(tight.limitRejections).toBeGreaterThan(0);
      expect(events.some((e) => e.type === "scope_failed" && e.error instanceof ThrottledError)).toBe(true);
      // The wire answer itself: a burst 429 with its body, the ratelimit headers and Retry-After.
      const raw = await fetch(`${tight.endpoint}/v2/droplets`, { headers: { authorization: `Bearer ${tight.teams[0]!.token}` } });
      expect(raw.status).toBe(429);
      expect(await raw.json()).toMatchObject({ id: "too_many_requests", message: "API Rate limit exceeded." });
      expect(raw.headers.get("ratelimit-limit")).toBe("5000");
      expect(Number(raw.headers.get("retry-after"))).toBeGreaterThan(0);
    } finally {
      await tight.close();
    }
  });
});

describe("DigitalOcean bill", () => {
  it("reads the running month's preview items and the unitemized rest of the balance, exactly", async () => {
    const team = em.teams[0]!.teamId;
    const before = em.requestCount(`${team}/customers/my/invoices/preview`);
    const events = await collect(adapter().streamCosts({ start: "2026-11-01", end: "2026-11-18" }));
    expect(em.requestCount(`${team}/customers/my/invoices/preview`) - before, "the preview's items are read by its keyword").toBeGreaterThan(0);
    const lines = events.flatMap((e) => (e.type === "cost_page" && e.scope.account === team ? e.lines : []));
    const expected = em.expectedCosts(team, "2026-11-01", "2026-11-18");
    expect(lines.map((l) => ({ account: l.account, periodStart: l.periodStart, periodEnd: l.periodEnd, amount: l.amount, resourceId: l.resourceId, service: l.service }))).toEqual(expected);
    expect(lines.every((l) => l.currency === "USD")).toBe(true);
    expect(events.filter((e) => e.type === "scope_completed")).toHaveLength(2);
    // The lines add up to the balance's month-to-date usage (the unitemized line closes the gap).
    expect(sumDecimals(lines.map((l) => l.amount))).toBe(sumDecimals(expected.map((e) => e.amount)));
  });

  it("reads closed invoices whose month starts in the window, and nothing outside it", async () => {
    const team = em.teams[1]!.teamId;
    const events = await collect(adapter().streamCosts({ start: "2026-09-01", end: "2026-10-31" }));
    const lines = events.flatMap((e) => (e.type === "cost_page" && e.scope.account === team ? e.lines : []));
    expect(lines.length).toBeGreaterThan(0);
    expect(new Set(lines.map((l) => l.periodStart))).toEqual(new Set(["2026-09-01", "2026-10-01"]));
    expect(lines.map((l) => l.amount).sort()).toEqual(em.expectedCosts(team, "2026-09-01", "2026-10-31").map((e) => e.amount).sort());
    expect(lines.find((l) => l.service === "Droplets")).toMatchObject({ category: "compute", periodEnd: expect.stringMatching(/^2026-(09-30|10-31)$/) });
  });
});

describe("DigitalOcean Monitoring", () => {
  it("turns CPU counters, memory and bandwidth into the metric keys, computed independently by the emulator", async () => {
    const a = adapter();
    const resources = (await collect(a.streamResources({ kinds: ["do_droplet"] }))).flatMap((e) => (e.type === "page" ? e.resources : []));
    const running = resources.filter((r) => r.status === "running").slice(0, 3);
    const stopped = resources.find((r) => r.status === "stopped");
    const end = new Date(Math.floor(now.getTime() / 1000 / doMetricStepSeconds) * doMetricStepSeconds * 1000);
    const start = new Date(end.getTime() - 3_600_000);
    const targets = [...running, ...(stopped ? [stopped] : [])].map((r) => ({ account: r.account, regionCode: r.regionCode, kind: r.kind, resourceId: r.resourceId }));
    const events = await collect(a.streamMetrics({ targets, start, end }));
    const samples = events.flatMap((e) => (e.type === "metric_page" ? e.samples : []));
    expect(events.filter((e): e is Extract<MetricEvent, { type: "scope_failed" }> => e.type === "scope_failed")).toEqual([]);
    // A stopped droplet reports nothing: its health stays unknown.
    if (stopped) expect(samples.filter((s) => s.resourceId === stopped.resourceId)).toEqual([]);
    const first = running[0]!;
    const mine = samples.filter((s) => s.resourceId === first.resourceId);
    // 12 periods of 5 minutes in the hour: every key at the first 12 instants (CPU needs the next point).
    expect(mine).toHaveLength(12);
    for (const s of mine) {
      const t = Date.parse(s.timestamp) / 1000;
      expect(s.metrics.cpu_utilization).toBeCloseTo(doBusyPercent(first.resourceId, t + doMetricStepSeconds), 1);
      expect(s.metrics.memory_utilization).toBeCloseTo(doMemoryUsedPercent(first.resourceId, t), 1);
      expect(s.metrics.network_in_mbps).toBe(Number(doBandwidthMbps(first.resourceId, "public/inbound", t)));
      expect(s.metrics.network_out_mbps).toBe(Number(doBandwidthMbps(first.resourceId, "public/outbound", t)));
    }
  });
});

// Referenced so the event types stay checked by the compiler.
export type _Events = CostEvent | InventoryEvent | MetricEvent;
