import { request } from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AzureEmulator, startAzureEmulator } from "../src/azure/index.ts";

/** The emulator on the wire, with a plain HTTPS client: Entra token endpoint, ARM JSON, faults. */

/** Wire JSON, asserted on by shape rather than trusted through a type. */
// biome-ignore lint/suspicious/noExplicitAny: the tests read ARM and Entra answers field by field
type Json = any;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Json;
}

function call(emu: AzureEmulator, path: string, init: { method?: string; headers?: Record<string, string>; body?: string; trust?: boolean } = {}): Promise<Answer> {
  const url = new URL(path, emu.url);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: init.method ?? "GET", headers: init.headers, ...(init.trust === false ? {} : { ca: emu.caCertificate }) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : null });
        });
      },
    );
    req.on("error", reject);
    req.end(init.body);
  });
}

async function tokenFor(emu: AzureEmulator, secret = emu.clientSecret, tenant = emu.tenantId): Promise<Answer> {
  const form = new URLSearchParams({
    grant_type: "client_credentials",
    client_id: emu.clientId,
    client_secret: secret,
    scope: "https://management.azure.com/.default",
  });
  return call(emu, `/${tenant}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: form.toString(),
  });
}

let emu: AzureEmulator;
let auth: Record<string, string>;

beforeAll(async () => {
  emu = await startAzureEmulator({ seed: 7, size: 90, subscriptions: 2, vmPageSize: 4 });
  const token = await tokenFor(emu);
  auth = { authorization: `Bearer ${token.body.access_token}` };
});
afterAll(async () => {
  await emu?.close();
});

async function listAll(path: string): Promise<{ items: Json[]; pages: number; links: string[] }> {
  const items: Json[] = [];
  const links: string[] = [];
  let next: string | undefined = path;
  let pages = 0;
  while (next) {
    const answer: Answer = await call(emu, next, { headers: auth });
    expect(answer.status).toBe(200);
    pages += 1;
    items.push(...answer.body.value);
    next = answer.body.nextLink;
    if (next) links.push(next);
  }
  return { items, pages, links };
}

describe("azure emulator: identity", () => {
  it("serves an OpenID document on its own host and issues bearer tokens", async () => {
    const doc = await call(emu, `/${emu.tenantId}/v2.0/.well-known/openid-configuration`);
    expect(doc.status).toBe(200);
    expect(doc.body.token_endpoint).toBe(`${emu.url}/${emu.tenantId}/oauth2/v2.0/token`);
    expect(doc.body.issuer).toBe(`${emu.url}/${emu.tenantId}/v2.0`);
    const token = await tokenFor(emu);
    expect(token.status).toBe(200);
    expect(token.body).toMatchObject({ token_type: "Bearer", expires_in: 3599 });
    expect(typeof token.body.access_token).toBe("string");
  });

  it.each([
    ["a wrong secret", "nope-nope-nope", undefined, 401, "invalid_client", "AADSTS7000215"],
    ["an unknown tenant", undefined, "11111111-1111-4111-8111-111111111111", 400, "invalid_request", "AADSTS90002"],
  ])("refuses %s like Entra ID", async (_label, secret, tenant, status, error, code) => {
    const answer = await tokenFor(emu, secret ?? emu.clientSecret, tenant ?? emu.tenantId);
    expect(answer.status).toBe(status);
    expect(answer.body.error).toBe(error);
    expect(answer.body.error_description).toContain(code);
  });

  it("serves TLS with a per-run certificate that clients must trust explicitly", async () => {
    await expect(call(emu, "/subscriptions", { trust: false })).rejects.toThrow(/self[- ]signed|certificate/i);
    expect(emu.caCertificate).toMatch(/^-----BEGIN CERTIFICATE-----/);
  });
});

describe("azure emulator: ARM", () => {
  const sub = () => emu.subscriptions[0] as string;

  it("requires a bearer token it issued", async () => {
    const answer = await call(emu, `/subscriptions/${sub()}/resources?api-version=2025-04-01`, { headers: { authorization: "Bearer forged" } });
    expect(answer.status).toBe(401);
    expect(answer.body.error.code).toBe("InvalidAuthenticationToken");
    expect(String(answer.headers["www-authenticate"])).toMatch(/^Bearer /);
  });

  it("pages resources.list with absolute nextLinks that keep the query", async () => {
    const { items, pages, links } = await listAll(`/subscriptions/${sub()}/resources?api-version=2025-04-01&$top=10&$expand=createdTime,provisioningState`);
    const expected = [...emu.expected()].filter((e) => e.account === sub());
    expect(items.map((i) => i.id)).toEqual(expected.map((e) => e.resourceId));
    expect(pages).toBe(Math.ceil(expected.length / 10));
    for (const link of links) {
      const url = new URL(link);
      expect(url.origin).toBe(emu.url);
      expect(url.searchParams.get("$top")).toBe("10");
      expect(url.searchParams.get("api-version")).toBe("2025-04-01");
      expect(url.searchParams.get("$skiptoken")).toBeTruthy();
    }
    for (const item of items) {
      expect(item).toHaveProperty("type");
      expect(item).toHaveProperty("location");
      expect(item).toHaveProperty("createdTime");
      expect(item).toHaveProperty("provisioningState");
      expect(item).not.toHaveProperty("changedTime");
    }
  });

  it("filters by resource type", async () => {
    const { items } = await listAll(`/subscriptions/${sub()}/resources?api-version=2025-04-01&$top=3&$filter=resourceType eq 'Microsoft.Compute/disks'`);
    expect(items.length).toBeGreaterThan(0);
    expect(new Set(items.map((i) => i.type))).toEqual(new Set(["Microsoft.Compute/disks"]));
  });

  it("lists VM statuses with PowerState codes, paged", async () => {
    const { items, pages } = await listAll(`/subscriptions/${sub()}/providers/Microsoft.Compute/virtualMachines?api-version=2024-07-01&statusOnly=true`);
    const vms = [...emu.expected()].filter((e) => e.account === sub() && e.kind === "azure_vm");
    expect(items.map((i) => i.id)).toEqual(vms.map((v) => v.resourceId));
    expect(pages).toBeGreaterThan(1);
    for (const vm of items) {
      expect(vm.properties.hardwareProfile.vmSize).toMatch(/^Standard_/);
      const codes: string[] = vm.properties.instanceView.statuses.map((s: { code: string }) => s.code);
      expect(codes.some((c) => c.startsWith("ProvisioningState/"))).toBe(true);
    }
  });

  it("lists locations with metadata and zones", async () => {
    const answer = await call(emu, `/subscriptions/${sub()}/locations?api-version=2022-12-01`, { headers: auth });
    expect(answer.status).toBe(200);
    const eastus = answer.body.value.find((l: { name: string }) => l.name === "eastus");
    expect(eastus).toMatchObject({ displayName: "East US", metadata: { regionType: "Physical", physicalLocation: "Virginia" } });
    expect(eastus.availabilityZoneMappings).toHaveLength(3);
  });

  it.each([
    ["an unknown subscription", "/subscriptions/00000000-0000-4000-8000-000000000000/resources?api-version=2025-04-01", 404, "SubscriptionNotFound"],
    ["a missing api-version", "/subscriptions/SUB/resources", 400, "MissingApiVersionParameter"],
    ["an unknown path", "/subscriptions/SUB/providers/Microsoft.Foo/bars?api-version=1", 404, "InvalidResourceType"],
  ])("answers %s with ARM's error JSON", async (_label, path, status, code) => {
    const answer = await call(emu, path.replace("SUB", sub()), { headers: auth });
    expect(answer.status).toBe(status);
    expect(answer.body.error.code).toBe(code);
    expect(typeof answer.body.error.message).toBe("string");
  });
});

describe("azure emulator: faults", () => {
  const path = () => `/subscriptions/${emu.subscriptions[1]}/resources?api-version=2025-04-01&$top=5`;

  it("throttles with 429, Retry-After and TooManyRequests, then recovers", async () => {
    emu.faults.set({ throttle: 1 });
    const throttled = await call(emu, path(), { headers: auth });
    expect(throttled.status).toBe(429);
    expect(throttled.headers["retry-after"]).toBe("0");
    expect(throttled.body.error.code).toBe("TooManyRequests");
    expect((await call(emu, path(), { headers: auth })).status).toBe(200);
    emu.faults.clear();
  });

  it("fails with 500 then 503 ARM errors", async () => {
    emu.faults.set({ serverErrors: 2 });
    const first = await call(emu, path(), { headers: auth });
    const second = await call(emu, path(), { headers: auth });
    expect([first.status, second.status].sort()).toEqual([500, 503]);
    expect(first.body.error.code).toMatch(/InternalServerError|ServiceUnavailable/);
    emu.faults.clear();
  });

  it("only affects matching operations", async () => {
    emu.faults.set({ throttle: 5, match: "virtualMachines.listAll" });
    expect((await call(emu, path(), { headers: auth })).status).toBe(200);
    const vms = await call(emu, `/subscriptions/${emu.subscriptions[1]}/providers/Microsoft.Compute/virtualMachines?api-version=2024-07-01`, { headers: auth });
    expect(vms.status).toBe(429);
    emu.faults.clear();
  });

  it("rejects credentials at the token endpoint and at ARM", async () => {
    emu.faults.set({ rejectCredentials: true });
    expect((await tokenFor(emu)).body.error).toBe("invalid_client");
    expect((await call(emu, path(), { headers: auth })).status).toBe(401);
    emu.faults.clear();
  });

  it("serves malformed items without type and location", async () => {
    const target = [...emu.expected()].find((e) => e.account === emu.subscriptions[1])?.resourceId as string;
    emu.faults.set({ malformedItemIds: [target] });
    const answer = await call(emu, path(), { headers: auth });
    const item = answer.body.value.find((i: { id: string }) => i.id === target);
    expect(item).toBeDefined();
    expect(item).not.toHaveProperty("type");
    expect(item).not.toHaveProperty("location");
    emu.faults.clear();
  });

  it("counts requests per operation", () => {
    expect(emu.requestCount("resources.list")).toBeGreaterThan(0);
    expect(emu.requestCount("token")).toBeGreaterThan(0);
    expect(emu.requestCount("no-such-operation")).toBe(0);
  });
});

describe("azure emulator: estate", () => {
  it("is the same for the same seed and differs for another", async () => {
    const a = await startAzureEmulator({ seed: "same", size: 50 });
    const b = await startAzureEmulator({ seed: "same", size: 50 });
    const c = await startAzureEmulator({ seed: "other", size: 50 });
    try {
      expect(a.subscriptions).toHaveLength(3);
      expect([...a.expected()]).toEqual([...b.expected()]);
      expect(a.tenantId).toBe(b.tenantId);
      expect([...c.expected()].map((e) => e.resourceId)).not.toEqual([...a.expected()].map((e) => e.resourceId));
      const ids = [...a.expected()].map((e) => e.resourceId);
      expect(new Set(ids).size).toBe(ids.length);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  it("spreads a realistic mix of kinds, regions, states and tags", () => {
    const all = [...emu.expected()];
    expect(new Set(all.map((e) => e.kind)).size).toBeGreaterThanOrEqual(8);
    expect(new Set(all.map((e) => e.region)).size).toBeGreaterThanOrEqual(6);
    expect(new Set(all.map((e) => e.status)).size).toBeGreaterThanOrEqual(2);
    expect(all.some((e) => Object.keys(e.tags).length === 0)).toBe(true);
    expect(new Set(all.map((e) => e.account))).toEqual(new Set(emu.subscriptions));
  });

  it("serves a page deep inside a million-resource estate without building it", async () => {
    const big = await startAzureEmulator({ seed: "big", size: 1_000_000, subscriptions: 5 });
    try {
      const token = await tokenFor(big);
      const headers = { authorization: `Bearer ${token.body.access_token}` };
      const first = await call(big, `/subscriptions/${big.subscriptions[4]}/resources?api-version=2025-04-01&$top=1000`, { headers });
      expect(first.body.value).toHaveLength(1000);
      // Jump to the end with a positional token taken from the nextLink format.
      const deep = new URL(first.body.nextLink as string);
      deep.searchParams.set("$skiptoken", Buffer.from("p:199990").toString("base64url"));
      const last = await call(big, `${deep.pathname}${deep.search}`, { headers });
      expect(last.status).toBe(200);
      expect(last.body.value).toHaveLength(10);
      expect(last.body.nextLink).toBeUndefined();
    } finally {
      await big.close();
    }
  });

  it("applies mutations as overlays", async () => {
    const local = await startAzureEmulator({ seed: "mut", size: 20, subscriptions: 1 });
    try {
      const [first, second] = [...local.expected()];
      if (!first || !second) throw new Error("estate too small");
      local.mutate.remove(first.resourceId);
      local.mutate.retag(second.resourceId, { a: "b" });
      const added = local.mutate.add({ type: "Microsoft.Compute/virtualMachines", name: "vm-added", location: "westeurope" });
      const after = [...local.expected()];
      expect(after.map((e) => e.resourceId)).not.toContain(first.resourceId);
      expect(after.find((e) => e.resourceId === second.resourceId)?.tags).toEqual({ a: "b" });
      expect(after.find((e) => e.resourceId === added)).toMatchObject({ kind: "azure_vm", status: "running", region: "westeurope" });
      expect(after).toHaveLength(20);
    } finally {
      await local.close();
    }
  });
});
