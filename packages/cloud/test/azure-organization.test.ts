import { type AzureEmulator, startAzureEmulator } from "@cloudsync/cloud-emulators";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type AzureAdapterConfig, createAzureAdapter } from "../src/azure/index.ts";
import { CredentialsRejectedError, ThrottledError } from "../src/errors.ts";
import type { InventoryEvent } from "../src/types.ts";

/**
 * Subscription discovery through the real ARM pipeline against the HTTPS emulator: the tenant's
 * subscriptions (one disabled, one the principal holds no role on) and a management group tree.
 */
const subs = ["11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222", "33333333-3333-4333-8333-333333333333", "44444444-4444-4444-8444-444444444444"];
const [app, web, denied, disabled] = subs as [string, string, string, string];

describe("Azure subscription discovery against the emulator", () => {
  let emu: AzureEmulator;
  beforeAll(async () => {
    emu = await startAzureEmulator({
      seed: "azure-org",
      size: 80,
      subscriptions: subs,
      deniedSubscriptions: [denied],
      tenant: {
        managementGroups: [{ name: "mg-prod" }, { name: "mg-web", parent: "mg-prod" }],
        subscriptions: [
          { subscriptionId: app, displayName: "app" },
          { subscriptionId: web, displayName: "web", managementGroup: "mg-web" },
          { subscriptionId: denied, displayName: "locked", managementGroup: "mg-prod" },
          { subscriptionId: disabled, displayName: "old", state: "Disabled", managementGroup: "mg-prod" },
        ],
      },
    });
  });
  afterAll(async () => emu?.close());
  afterEach(() => emu.faults.clear());

  const make = (overrides: Partial<AzureAdapterConfig> = {}) =>
    createAzureAdapter({
      credentials: { tenantId: emu.tenantId, clientId: emu.clientId, clientSecret: emu.clientSecret, authorityHost: emu.authorityHost },
      subscriptions: [],
      organization: {},
      endpoint: emu.endpoint,
      caCertificate: emu.caCertificate,
      maxAttempts: 2,
      retryDelayInMs: 5,
      maxRetryDelayInMs: 20,
      timeoutMs: 10_000,
      ...overrides,
    });

  it("lists every subscription the principal sees, over pages; a disabled one is not read", async () => {
    const adapter = make();
    const found = await adapter.discoverAccounts?.();
    expect(found?.root).toBe("tenant");
    expect(Object.fromEntries(found?.accounts.map((a) => [a.account, [a.state, a.name]]) ?? [])).toEqual({
      [app]: ["active", "app"],
      [web]: ["active", "web"],
      [denied]: ["active", "locked"],
      [disabled]: ["suspended", "old"],
    });
    expect([...adapter.accounts].sort()).toEqual([app, denied, web].sort());
  });

  it("walks a management group's descendants for group rules at any depth", async () => {
    const adapter = make({ organization: { managementGroup: emu.tenantId, exclude: { managementGroups: ["mg-web"] } } });
    const found = await adapter.discoverAccounts?.();
    expect(found?.root).toBe(`managementGroups/${emu.tenantId}`);
    const byId = Object.fromEntries(found?.accounts.map((a) => [a.account, [a.state, a.parentPath]]) ?? []);
    expect(byId).toEqual({
      [app]: ["active", emu.tenantId],
      [web]: ["excluded", `${emu.tenantId}/mg-prod/mg-web`],
      [denied]: ["active", `${emu.tenantId}/mg-prod`],
      [disabled]: ["suspended", `${emu.tenantId}/mg-prod`],
    });
  });

  it("reads the discovered subscriptions; the one without a role fails only its own scope", async () => {
    const events: InventoryEvent[] = [];
    for await (const e of make().streamResources()) events.push(e);
    const failed = events.filter((e) => e.type === "scope_failed");
    expect(failed.map((e) => e.scope.account)).toEqual([denied]);
    expect(failed[0]?.type === "scope_failed" && failed[0].error).toBeInstanceOf(CredentialsRejectedError);
    const got = events.flatMap((e) => (e.type === "page" ? e.resources.map((r) => r.resourceId.toLowerCase()) : [])).sort();
    const want = [...emu.expected()].filter((r) => r.account === app || r.account === web).map((r) => r.resourceId.toLowerCase()).sort();
    expect(got).toEqual(want);
  });

  it("a throttled discovery fails with the cloud's error; only configured subscriptions are read", async () => {
    emu.faults.set({ throttle: 100, match: "subscriptions.list" });
    const adapter = make({ subscriptions: [app] });
    await expect(adapter.discoverAccounts?.()).rejects.toBeInstanceOf(ThrottledError);
    expect(adapter.accounts).toEqual([app]);
  });

  it("forgets a subscription that left", async () => {
    const adapter = make();
    emu.mutate.leaveTenant(web);
    const found = await adapter.discoverAccounts?.();
    expect(found?.accounts.map((a) => a.account)).not.toContain(web);
    expect(adapter.accounts).not.toContain(web);
  });
});
