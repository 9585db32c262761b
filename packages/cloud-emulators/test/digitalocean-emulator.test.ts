import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DoEmulator, startDigitalOceanEmulator } from "../src/index.ts";

/** The wire format itself, as the API reference documents it, without any SDK in between. */
let em: DoEmulator;
beforeAll(async () => {
  em = await startDigitalOceanEmulator({ seed: "wire", size: 90, teams: 2, now: () => new Date("2026-11-18T12:00:00Z") });
});
afterAll(async () => em?.close());

const get = (path: string, token = em.teams[0]!.token) => fetch(`${em.endpoint}${path}`, { headers: { authorization: `Bearer ${token}` } });

describe("DigitalOcean emulator wire format", () => {
  it("pages with absolute links.pages URLs and meta.total, and carries the ratelimit headers", async () => {
    const first = await get("/v2/droplets?page=1&per_page=5");
    expect(first.status).toBe(200);
    expect(first.headers.get("ratelimit-limit")).toBe("5000");
    expect(Number(first.headers.get("ratelimit-remaining"))).toBeLessThan(5000);
    expect(Number(first.headers.get("ratelimit-reset"))).toBeGreaterThan(Date.now() / 1000);
    const body = (await first.json()) as { droplets: unknown[]; links: { pages: Record<string, string> }; meta: { total: number } };
    expect(body.droplets).toHaveLength(5);
    expect(body.links.pages.next).toBe("https://api.digitalocean.com/v2/droplets?page=2&per_page=5");
    expect(body.links.pages.first).toBeUndefined();
    const total = [...em.expected()].filter((e) => e.kind === "do_droplet" && e.account === em.teams[0]!.teamId).length;
    expect(body.meta.total).toBe(total);
    const last = (await (await get(`/v2/droplets?page=${Math.ceil(total / 5)}&per_page=5`)).json()) as { links: { pages: Record<string, string> } };
    expect(last.links.pages.next).toBeUndefined();
    expect(last.links.pages.prev).toContain("page=");
  });

  it("answers the database list unpaged, as the API does", async () => {
    const body = (await (await get("/v2/databases")).json()) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(["databases"]);
  });

  it("answers errors as {id, message, request_id}", async () => {
    const unauthorized = await get("/v2/droplets", "dop_v1_wrong");
    expect(unauthorized.status).toBe(401);
    expect(await unauthorized.json()).toMatchObject({ id: "unauthorized", message: expect.any(String), request_id: expect.any(String) });
    const missing = await get("/v2/nothing-here");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ id: "not_found" });
  });

  it("tells each token's team, and serves the preview invoice by its keyword", async () => {
    const account = (await (await get("/v2/account", em.teams[1]!.token)).json()) as { account: { team: { uuid: string } } };
    expect(account.account.team.uuid).toBe(em.teams[1]!.teamId);
    const invoices = (await (await get("/v2/customers/my/invoices")).json()) as { invoices: { invoice_period: string }[]; invoice_preview: { invoice_uuid: string; invoice_period: string } };
    expect(invoices.invoice_preview.invoice_period).toBe("2026-11");
    expect(invoices.invoices.map((i) => i.invoice_period)).toEqual(["2026-10", "2026-09", "2026-08"]);
    type Items = { invoice_items: unknown[]; meta: { total: number } };
    const byKeyword = (await (await get("/v2/customers/my/invoices/preview")).json()) as Items;
    const byUuid = (await (await get(`/v2/customers/my/invoices/${invoices.invoice_preview.invoice_uuid}`)).json()) as Items;
    expect(byKeyword.meta.total).toBeGreaterThan(0);
    // Same items; only the paging links name the path they were asked by.
    expect(byKeyword.invoice_items).toEqual(byUuid.invoice_items);
  });
});
