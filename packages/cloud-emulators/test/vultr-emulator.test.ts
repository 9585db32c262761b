import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startVultrEmulator, type VultrEmulator } from "../src/vultr/index.ts";

let em: VultrEmulator;
beforeAll(async () => {
  em = await startVultrEmulator({ seed: 5, size: 60, now: () => new Date("2026-12-06T08:00:00Z") });
});
afterAll(async () => em?.close());

async function get(path: string, key: string | null = em.accounts[0]!.apiKey): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
  const res = await fetch(`${em.endpoint}/v2/${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, unknown> };
}

describe("Vultr emulator: the API v2 wire format", () => {
  it("pages a list by cursor: per_page items, meta.total, links.next until empty, links.prev back", async () => {
    const first = await get("instances?per_page=2");
    expect(first.status).toBe(200);
    const meta = first.json.meta as { total: number; links: { next: string; prev: string } };
    expect((first.json.instances as unknown[]).length).toBe(2);
    expect(meta.links.prev).toBe("");
    const ids: string[] = [];
    let cursor = "";
    do {
      const page = await get(`instances?per_page=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      ids.push(...(page.json.instances as { id: string }[]).map((i) => i.id));
      cursor = (page.json.meta as { links: { next: string } }).links.next;
    } while (cursor);
    expect(ids.length).toBe(meta.total);
    expect(new Set(ids).size).toBe(ids.length);
    const owned = [...em.expected()].filter((e) => e.account === em.accounts[0]!.account && e.kind === "vultr_instance").map((e) => e.resourceId);
    expect(ids.sort()).toEqual(owned.sort());
  });

  it("caps per_page at 500 and defaults to 100", async () => {
    expect(((await get("instances?per_page=100000")).json.meta as { total: number }).total).toBeGreaterThan(0);
  });

  it("answers a wrong key with 401 and Vultr's error body; regions need no key", async () => {
    const bad = await get("instances", "WRONG");
    expect(bad).toMatchObject({ status: 401, json: { error: "Invalid API token.", status: 401 } });
    const regions = await get("regions", null);
    expect(regions.status).toBe(200);
    expect((regions.json.regions as { id: string }[]).map((r) => r.id)).toContain("ewr");
  });

  it("throttles with 429, Retry-After and an {error, status} body, as a fault or above 30 requests per second", async () => {
    em.faults.set({ throttle: 1 });
    const throttled = await get("blocks");
    expect(throttled).toMatchObject({ status: 429, json: { status: 429 } });
    expect(throttled.headers.get("retry-after")).toBe("1");
    em.faults.clear();
    // With the limiter's clock held still, a second's worth of requests passes and the next is refused.
    const limited = await startVultrEmulator({ seed: 5, size: 22, requestsPerSecond: 3, rateClock: () => 0 });
    try {
      const key = limited.accounts[0]!.apiKey;
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await fetch(`${limited.endpoint}/v2/vpcs`, { headers: { authorization: `Bearer ${key}` } })).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      expect(limited.rateLimited).toBe(2);
    } finally {
      await limited.close();
    }
  });

  it("a key sees only its own account; each account has its own bill", async () => {
    const second = em.accounts[1]!;
    const a = (await get("instances?per_page=500")).json.instances as { id: string }[];
    const b = (await get("instances?per_page=500", second.apiKey)).json.instances as { id: string }[];
    expect(a.some((x) => b.some((y) => y.id === x.id))).toBe(false);
    const history = (await get("billing/history", second.apiKey)).json.billing_history as { type: string; id: number }[];
    const invoice = history.find((h) => h.type === "invoice")!;
    const items = await get(`billing/invoices/${invoice.id}/items`, second.apiKey);
    expect(items.status).toBe(200);
    expect((items.json.invoice_items as { total: number }[]).length).toBeGreaterThan(0);
    const pending = await get("billing/pending-charges", second.apiKey);
    expect(pending.json.pending_charges).toEqual(expect.arrayContaining([expect.objectContaining({ start_date: "2026-12-01T00:00:00+00:00" })]));
  });

  it("serves 30 days of bandwidth per instance, and 404 with Vultr's words for an unknown one", async () => {
    const inst = [...em.expected()].find((e) => e.account === em.accounts[0]!.account && e.kind === "vultr_instance")!;
    const bw = await get(`instances/${inst.resourceId}/bandwidth`);
    expect(Object.keys(bw.json.bandwidth as object)).toHaveLength(30);
    expect(Object.keys(bw.json.bandwidth as object).at(-1)).toBe("2026-12-06");
    expect(await get("instances/nope/bandwidth")).toMatchObject({ status: 404, json: { error: "Invalid instance-id.", status: 404 } });
  });

  it("expected costs add up, cent for cent, to the items it serves", async () => {
    const account = em.accounts[0]!.account;
    const lines = em.expectedCosts(account, "2026-11-01", "2026-12-06");
    const cents = lines.reduce((s, l) => s + Math.round(Number(l.amount) * 100), 0);
    expect(Math.round(Number(em.expectedCostTotal(account, "2026-11-01", "2026-12-06")) * 100)).toBe(cents);
    expect(new Set(lines.map((l) => l.source))).toEqual(new Set(["invoice", "pending"]));
  });
});
