import { type AzureEmulator, startAzureEmulator } from "@cloudsync/cloud-emulators";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type AzureAdapterConfig, createAzureAdapter } from "../src/azure/index.ts";
import { createRateLimiter, type RateLimiter } from "../src/common/rate-limiter.ts";
import { CredentialsRejectedError, ThrottledError } from "../src/errors.ts";
import type { InventoryEvent, NormalizedResource, ScopeRef } from "../src/types.ts";

/**
 * The adapter over the real Azure SDK clients, against the HTTPS emulator: token endpoint,
 * resources.list with nextLink, the VM status listing and locations, with faults.
 */

let emu: AzureEmulator;

beforeAll(async () => {
  emu = await startAzureEmulator({ seed: "adapter", size: 240, subscriptions: 3, vmPageSize: 5 });
});
afterAll(async () => {
  await emu?.close();
});
afterEach(() => {
  emu.faults.clear();
});

function adapterFor(overrides: Partial<AzureAdapterConfig> = {}) {
  return createAzureAdapter({
    credentials: { tenantId: emu.tenantId, clientId: emu.clientId, clientSecret: emu.clientSecret, authorityHost: emu.authorityHost },
    subscriptions: emu.subscriptions,
    endpoint: emu.endpoint,
    caCertificate: emu.caCertificate,
    pageSize: 7,
    maxAttempts: 3,
    retryDelayInMs: 5,
    maxRetryDelayInMs: 20,
    timeoutMs: 10_000,
    ...overrides,
  });
}

interface Collected {
  resources: NormalizedResource[];
  pages: { scope: ScopeRef; size: number }[];
  skipped: Extract<InventoryEvent, { type: "item_skipped" }>[];
  completed: Extract<InventoryEvent, { type: "scope_completed" }>[];
  failed: Extract<InventoryEvent, { type: "scope_failed" }>[];
}

async function collect(stream: AsyncIterable<InventoryEvent>): Promise<Collected> {
  const out: Collected = { resources: [], pages: [], skipped: [], completed: [], failed: [] };
  for await (const event of stream) {
    if (event.type === "page") {
      out.pages.push({ scope: event.scope, size: event.resources.length });
      out.resources.push(...event.resources);
    } else if (event.type === "item_skipped") out.skipped.push(event);
    else if (event.type === "scope_completed") out.completed.push(event);
    else out.failed.push(event);
  }
  return out;
}

const identity = (r: { account: string; regionCode?: string; region?: string; kind: string; resourceId: string; name: string; status: string; tags: Record<string, string> }) => ({
  account: r.account,
  region: r.regionCode ?? r.region,
  kind: r.kind,
  resourceId: r.resourceId,
  name: r.name,
  status: r.status,
  tags: r.tags,
});

describe("azure adapter against the emulator", () => {
  it("streams every resource exactly once, normalized, one completed scope per subscription", async () => {
    const adapter = adapterFor();
    expect(adapter.cloud).toBe("azure");
    expect(adapter.accounts).toEqual(emu.subscriptions);
    expect(adapter.kinds.map((k) => k.kind)).toContain("azure_vm");

    const got = await collect(adapter.streamResources());
    const expected = [...emu.expected()];
    expect(expected.length).toBe(240);
    expect(got.failed).toEqual([]);
    expect(got.skipped).toEqual([]);
    expect(got.resources.map((r) => r.resourceId).sort()).toEqual(expected.map((e) => e.resourceId).sort());
    const byId = new Map(got.resources.map((r) => [r.resourceId, identity(r)]));
    for (const e of expected) expect(byId.get(e.resourceId)).toEqual(e);

    expect(got.completed.map((c) => c.scope).sort((a, b) => a.account.localeCompare(b.account))).toEqual(
      [...emu.subscriptions].sort().map((account) => ({ cloud: "azure", account, region: "*", kind: "*" })),
    );
    for (const c of got.completed) {
      expect(c.resourceCount).toBe(got.resources.filter((r) => r.account === c.scope.account).length);
    }
    // Pages are the API's pages: never larger than the page size asked for, and many of them.
    expect(Math.max(...got.pages.map((p) => p.size))).toBeLessThanOrEqual(7);
    expect(got.pages.length).toBeGreaterThanOrEqual(240 / 7);

    // The estate holds several kinds, regions, states and odd-but-valid items; all come through.
    const kinds = new Set(got.resources.map((r) => r.kind));
    for (const k of ["azure_vm", "azure_disk", "azure_storage_account", "azure_nsg", "azure_vmss"]) expect(kinds).toContain(k);
    // Every category of the schema, cdn (CDN profiles, Front Door) and analytics (Synapse, Databricks) included.
    expect(new Set(got.resources.map((r) => r.resourceType))).toEqual(new Set(["compute", "storage", "database", "network", "load_balancer", "cdn", "analytics"]));
    expect(new Set(got.resources.map((r) => r.status)).size).toBeGreaterThanOrEqual(3);
    const vm = got.resources.find((r) => r.kind === "azure_vm");
    expect(vm?.sizeCategory).not.toBe("custom");
    expect(vm?.configuration.vmStatus).toBeDefined();
    for (const r of got.resources) {
      expect(r.cloud).toBe("azure");
      expect(r.providerCreatedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(JSON.parse(JSON.stringify(r.configuration))).toEqual(r.configuration);
    }
  });

  it("lists regions from ARM merged with the catalog", async () => {
    const regions = await adapterFor().listRegions();
    const codes = regions.map((r) => r.code);
    expect(codes).toContain("eastus");
    expect(codes).toContain("newzealandnorth");
    expect(codes).not.toContain("europe");
    expect(regions.find((r) => r.code === "westeurope")).toMatchObject({
      name: "West Europe",
      availabilityZones: ["1", "2", "3"],
      geographicLocation: { continent: "Europe", country: "Netherlands" },
    });
    expect(regions.find((r) => r.code === "newzealandnorth")?.geographicLocation.continent).toBe("");
  });

  it("reads only the asked kinds, each as its own scope", async () => {
    const got = await collect(adapterFor().streamResources({ kinds: ["azure_vm", "azure_disk"] }));
    const expected = [...emu.expected()].filter((e) => e.kind === "azure_vm" || e.kind === "azure_disk");
    expect(got.failed).toEqual([]);
    expect(got.resources.map((r) => r.resourceId).sort()).toEqual(expected.map((e) => e.resourceId).sort());
    expect(got.completed).toHaveLength(emu.subscriptions.length * 2);
    expect(new Set(got.completed.map((c) => c.scope.kind))).toEqual(new Set(["azure_vm", "azure_disk"]));
    const vmIds = new Set(expected.filter((e) => e.kind === "azure_vm").map((e) => e.resourceId));
    for (const r of got.resources.filter((r) => vmIds.has(r.resourceId))) {
      expect(r.status).toBe(expected.find((e) => e.resourceId === r.resourceId)?.status);
    }
  });

  it("reads only the configured regions, each as its own scope", async () => {
    const got = await collect(adapterFor({ regions: ["westeurope", "East US"] }).streamResources());
    const expected = [...emu.expected()].filter((e) => e.region === "westeurope" || e.region === "eastus");
    expect(got.failed).toEqual([]);
    expect(got.resources.map((r) => r.resourceId).sort()).toEqual(expected.map((e) => e.resourceId).sort());
    expect(new Set(got.completed.map((c) => c.scope.region))).toEqual(new Set(["westeurope", "eastus"]));
  });

  it("retries throttling and 5xx answers and still completes", async () => {
    // Four faults in a row on the first call: five attempts get through.
    emu.faults.set({ throttle: 2, serverErrors: 2, match: "resources.list" });
    const got = await collect(adapterFor({ subscriptions: [emu.subscriptions[0] as string], maxAttempts: 5 }).streamResources());
    expect(got.failed).toEqual([]);
    expect(got.completed).toHaveLength(1);
    expect(got.resources.length).toBe([...emu.expected()].filter((e) => e.account === emu.subscriptions[0]).length);
    expect(emu.faults.plan.throttle).toBe(0);
    expect(emu.faults.plan.serverErrors).toBe(0);
  });

  it("fails only the throttled subscription with ThrottledError once retries are spent", async () => {
    const [throttled, ...others] = emu.subscriptions as [string, ...string[]];
    emu.faults.set({ throttle: 1000, match: throttled });
    const got = await collect(adapterFor({ maxAttempts: 2 }).streamResources());
    expect(got.failed).toHaveLength(1);
    expect(got.failed[0]?.scope.account).toBe(throttled);
    expect(got.failed[0]?.error).toBeInstanceOf(ThrottledError);
    expect(got.failed[0]?.error.message).toContain(throttled);
    expect(got.completed.map((c) => c.scope.account).sort()).toEqual([...others].sort());
  });

  it("reports a wrong client secret promptly as CredentialsRejectedError without the secret", async () => {
    const secret = "definitely-not-the-secret-4242";
    const tokenRequestsBefore = emu.requestCount("token");
    const adapter = adapterFor({
      credentials: { tenantId: emu.tenantId, clientId: emu.clientId, clientSecret: secret, authorityHost: emu.authorityHost },
      maxAttempts: 4,
    });
    const got = await collect(adapter.streamResources());
    expect(got.completed).toEqual([]);
    expect(got.failed).toHaveLength(emu.subscriptions.length);
    for (const f of got.failed) {
      expect(f.error).toBeInstanceOf(CredentialsRejectedError);
      expect(f.error.message).toContain(f.scope.account);
      expect(f.error.message).toContain("AADSTS7000215");
      expect(f.error.message).not.toContain(secret);
      expect(JSON.stringify(f.error)).not.toContain(secret);
    }
    // No retry loop on a refused secret: about one token request per client, not maxAttempts each.
    expect(emu.requestCount("token") - tokenRequestsBefore).toBeLessThanOrEqual(emu.subscriptions.length * 2);
    await expect(adapter.listRegions()).rejects.toBeInstanceOf(CredentialsRejectedError);
  });

  it("reports ARM refusing the token as CredentialsRejectedError", async () => {
    const adapter = adapterFor({ subscriptions: [emu.subscriptions[1] as string] });
    emu.faults.set({ rejectCredentials: true, match: "resources.list" });
    const got = await collect(adapter.streamResources());
    expect(got.failed).toHaveLength(1);
    expect(got.failed[0]?.error).toBeInstanceOf(CredentialsRejectedError);
    expect(got.failed[0]?.error.message).toMatch(/401 InvalidAuthenticationToken/);
    expect(got.failed[0]?.error.message).not.toContain(emu.clientSecret);
  });

  it("reports an unknown subscription as CredentialsRejectedError naming it, others complete", async () => {
    const ghost = "99999999-9999-4999-8999-999999999999";
    const got = await collect(adapterFor({ subscriptions: [ghost, emu.subscriptions[2] as string] }).streamResources());
    expect(got.failed.map((f) => f.scope.account)).toEqual([ghost]);
    expect(got.failed[0]?.error).toBeInstanceOf(CredentialsRejectedError);
    expect(got.failed[0]?.error.message).toContain(ghost);
    expect(got.completed.map((c) => c.scope.account)).toEqual([emu.subscriptions[2]]);
  });

  it("skips and reports a malformed item while its neighbours arrive", async () => {
    const sub = emu.subscriptions[0] as string;
    const mine = [...emu.expected()].filter((e) => e.account === sub);
    const broken = mine[3]?.resourceId as string;
    emu.faults.set({ malformedItemIds: [broken] });
    const got = await collect(adapterFor({ subscriptions: [sub] }).streamResources());
    expect(got.skipped).toHaveLength(1);
    expect(got.skipped[0]).toMatchObject({ itemId: broken, scope: { account: sub } });
    expect(got.skipped[0]?.reason).toMatch(/no resource type/);
    expect(got.completed).toHaveLength(1);
    expect(got.resources.map((r) => r.resourceId).sort()).toEqual(mine.filter((e) => e.resourceId !== broken).map((e) => e.resourceId).sort());
    // The neighbours from the same API page made it.
    expect(got.resources.map((r) => r.resourceId)).toContain(mine[2]?.resourceId);
    expect(got.resources.map((r) => r.resourceId)).toContain(mine[4]?.resourceId);
  });

  it("fails the scope whose API is slower than timeoutMs; the others complete", async () => {
    const [slow, ...others] = emu.subscriptions as [string, ...string[]];
    emu.faults.set({ delayMs: 1500, match: slow });
    const got = await collect(adapterFor({ timeoutMs: 300 }).streamResources());
    expect(got.failed.map((f) => f.scope.account)).toEqual([slow]);
    expect(got.failed[0]?.error.message).toMatch(/no answer within 300 ms/);
    expect(got.completed.map((c) => c.scope.account).sort()).toEqual([...others].sort());
  });

  it("asks the rate limiter before every ARM request, keyed by subscription", async () => {
    const sub = emu.subscriptions[1] as string;
    const inner = createRateLimiter({ requestsPerSecond: 1000 });
    const keys: string[] = [];
    const rateLimiter: RateLimiter = {
      acquire(key, signal) {
        keys.push(key);
        return inner.acquire(key, signal);
      },
    };
    const lists = () => emu.requestCount("resources.list") + emu.requestCount("virtualMachines.listAll") + emu.requestCount("providerResources.list");
    const listBefore = lists();
    emu.faults.set({ throttle: 1, match: "resources.list" });
    const got = await collect(adapterFor({ subscriptions: [sub], rateLimiter, pageSize: 20 }).streamResources());
    expect(got.failed).toEqual([]);
    expect(got.resources.length).toBe([...emu.expected()].filter((e) => e.account === sub).length);
    const served = lists() - listBefore;
    // Every attempt, the throttled one and its retry included, took a token first.
    expect(keys.length).toBe(served);
    expect(new Set(keys)).toEqual(new Set([`${sub}:arm`]));
  });

  it("runs with requestsPerSecond alone", async () => {
    const sub = emu.subscriptions[2] as string;
    const got = await collect(adapterFor({ subscriptions: [sub], requestsPerSecond: 500, pageSize: 25 }).streamResources());
    expect(got.failed).toEqual([]);
    expect(got.completed).toHaveLength(1);
  });

  it("stops when the caller aborts, reporting the scope in flight as failed", async () => {
    const controller = new AbortController();
    const events: InventoryEvent[] = [];
    for await (const event of adapterFor({ concurrency: 1 }).streamResources({ signal: controller.signal })) {
      events.push(event);
      if (event.type === "page") controller.abort();
    }
    const ends = events.filter((e) => e.type === "scope_completed" || e.type === "scope_failed");
    expect(ends).toHaveLength(1);
    expect(ends[0]?.type).toBe("scope_failed");
    if (ends[0]?.type === "scope_failed") expect(ends[0].error.message).toMatch(/stopped by the caller/);
  });
});

describe("azure adapter sees mutations", () => {
  it("no longer yields a removed resource, shows new tags, and picks up an added one", async () => {
    const local = await startAzureEmulator({ seed: "mutations", size: 40, subscriptions: 2 });
    try {
      const adapter = createAzureAdapter({
        credentials: { tenantId: local.tenantId, clientId: local.clientId, clientSecret: local.clientSecret, authorityHost: local.authorityHost },
        subscriptions: local.subscriptions,
        endpoint: local.endpoint,
        caCertificate: local.caCertificate,
        pageSize: 6,
      });
      const before = await collect(adapter.streamResources());
      const [removed, retagged] = before.resources;
      if (!removed || !retagged) throw new Error("the estate is too small");
      local.mutate.remove(removed.resourceId);
      local.mutate.retag(retagged.resourceId, { env: "prod", "cost-center": "CC-9" });
      const addedId = local.mutate.add({ subscriptionId: local.subscriptions[1], type: "Microsoft.Network/virtualNetworks", name: "vnet-new", tags: { team: "new" } });

      const after = await collect(adapter.streamResources());
      const ids = after.resources.map((r) => r.resourceId);
      expect(ids).not.toContain(removed.resourceId);
      expect(after.resources.find((r) => r.resourceId === retagged.resourceId)?.tags).toEqual({ env: "prod", "cost-center": "CC-9" });
      expect(after.resources.find((r) => r.resourceId === addedId)).toMatchObject({ kind: "azure_vnet", name: "vnet-new", tags: { team: "new" } });
      expect(after.resources).toHaveLength(before.resources.length);
    } finally {
      await local.close();
    }
  });
});
