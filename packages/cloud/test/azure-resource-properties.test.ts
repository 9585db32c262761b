import { type AzureEmulator, startAzureEmulator } from "@cloudsync/cloud-emulators";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AzureAdapterConfig, createAzureAdapter } from "../src/azure/index.ts";
import { listingsFor, slimProperties } from "../src/azure/resource-properties.ts";
import { recommendationFacts } from "../src/recommendations/index.ts";
import type { NormalizedResource } from "../src/types.ts";

describe("slimProperties", () => {
  it.each([
    [
      "an attached disk",
      "Microsoft.Compute/disks",
      { managedBy: "/subscriptions/s/vm/v1", properties: { diskState: "Attached", diskSizeGB: 128, encryption: { type: "x" } } },
      { managedBy: "/subscriptions/s/vm/v1", properties: { diskState: "Attached", diskSizeGB: 128 } },
    ],
    ["an unattached disk", "Microsoft.Compute/disks", { properties: { diskState: "Unattached", diskSizeGB: 64 } }, { managedBy: null, properties: { diskState: "Unattached", diskSizeGB: 64 } }],
    ["an associated IP", "Microsoft.Network/publicIPAddresses", { properties: { ipAddress: "20.1.2.3", ipConfiguration: { id: "/nic/ipc1" } } }, { properties: { ipConfiguration: { id: "/nic/ipc1" } } }],
    ["an unassociated IP", "Microsoft.Network/publicIPAddresses", { properties: { ipAddress: "20.1.2.3" } }, { properties: { ipConfiguration: null } }],
    [
      "a load balancer with a NIC pool and an empty pool",
      "Microsoft.Network/loadBalancers",
      { properties: { backendAddressPools: [{ id: "p1", properties: { backendIPConfigurations: [{ id: "n1" }] } }, { id: "p2", properties: {} }] } },
      {
        properties: {
          backendAddressPools: [
            { id: "p1", properties: { backendIPConfigurations: [{ id: "n1" }], loadBalancerBackendAddresses: [] } },
            { id: "p2", properties: { backendIPConfigurations: [], loadBalancerBackendAddresses: [] } },
          ],
        },
      },
    ],
    ["another type", "Microsoft.Network/virtualNetworks", { properties: {} }, undefined],
  ])("%s", (_name, armType, item, expected) => {
    expect(slimProperties(armType, item)).toEqual(expected);
  });

  it("reads a provider list only for the kinds a scope can hold", () => {
    expect(listingsFor("*").map((l) => l.kind)).toEqual(["azure_disk", "azure_public_ip", "azure_load_balancer"]);
    expect(listingsFor("azure_disk").map((l) => l.armType)).toEqual(["Microsoft.Compute/disks"]);
    expect(listingsFor("azure_vm")).toEqual([]);
  });
});

describe("Azure disks, public IPs and load balancers carry their signals (provider lists over the emulator)", () => {
  let emu: AzureEmulator;
  beforeAll(async () => {
    emu = await startAzureEmulator({ seed: "properties", size: 160, subscriptions: 2, vmPageSize: 4 });
  });
  afterAll(() => emu.close());
  const adapter = (overrides: Partial<AzureAdapterConfig> = {}) =>
    createAzureAdapter({
      credentials: { tenantId: emu.tenantId, clientId: emu.clientId, clientSecret: emu.clientSecret, authorityHost: emu.authorityHost },
      subscriptions: emu.subscriptions,
      endpoint: emu.endpoint,
      caCertificate: emu.caCertificate,
      pageSize: 20,
      maxAttempts: 2,
      retryDelayInMs: 5,
      maxRetryDelayInMs: 20,
      timeoutMs: 10_000,
      ...overrides,
    });
  const read = async (kinds?: string[]) => {
    const resources: NormalizedResource[] = [];
    for await (const e of adapter().streamResources(kinds ? { kinds } : {})) if (e.type === "page") resources.push(...e.resources);
    return resources;
  };
  const factsOf = (r: NormalizedResource) =>
    recommendationFacts({ key: r.resourceId, cloud: "azure", kind: r.kind, region: r.regionCode ?? "", status: r.status, tags: r.tags, configuration: r.configuration });
  const armType: Record<string, string> = { azure_disk: "Microsoft.Compute/disks", azure_public_ip: "Microsoft.Network/publicIPAddresses", azure_load_balancer: "Microsoft.Network/loadBalancers" };

  it("gives every disk its attachment, every public IP its association and every load balancer its backend count, as the emulator decided", async () => {
    const before = emu.requestCount("providerResources.list");
    const resources = await read();
    const judged = resources.filter((r) => armType[r.kind]);
    expect(new Set(judged.map((r) => r.kind))).toEqual(new Set(Object.keys(armType)));
    for (const r of judged) {
      const expected = emu.expectedUsage({ id: r.resourceId, type: armType[r.kind] as string });
      const facts = factsOf(r);
      if (r.kind === "azure_disk") expect(facts.attached, r.resourceId).toBe(expected.attached);
      if (r.kind === "azure_public_ip") expect(facts.associated, r.resourceId).toBe(expected.associated);
      if (r.kind === "azure_load_balancer") expect(facts.targetCount, r.resourceId).toBe(expected.backendCount);
    }
    // Each way of being unused occurs, so the rules have something to judge.
    expect(judged.some((r) => factsOf(r).attached === false)).toBe(true);
    expect(judged.some((r) => factsOf(r).associated === false)).toBe(true);
    expect(judged.some((r) => factsOf(r).targetCount === 0)).toBe(true);
    // Three provider lists per subscription, paged by the emulator (4 items a page).
    expect(emu.requestCount("providerResources.list") - before).toBeGreaterThan(3 * emu.subscriptions.length);
  });

  it("reads no provider list for a stream narrowed to other kinds", async () => {
    const before = emu.requestCount("providerResources.list");
    const vms = await read(["azure_vm"]);
    expect(vms.length).toBeGreaterThan(0);
    expect(emu.requestCount("providerResources.list")).toBe(before);
  });
});
