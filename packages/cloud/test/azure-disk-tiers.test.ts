import { type AzureEmulator, startAzureEmulator } from "@cloudsync/cloud-emulators";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { azureDiskTier } from "../src/azure/disk-tiers.ts";
import { createAzureAdapter } from "../src/azure/index.ts";
import { normalizeDiskPriceItem, type RetailPriceItem } from "../src/azure/prices.ts";
import { azureRecommendationFacts } from "../src/azure/recommendation-facts.ts";
import { createPriceBook, evaluateRecommendations, type ResourceFacts } from "../src/recommendations/index.ts";
import type { PriceQuote } from "../src/types.ts";
import { fixtureContext } from "./recommendation-fixtures.ts";

/** Issue 16, storage: Azure managed disks are priced by the tier they are billed at. */

describe("azureDiskTier", () => {
  it.each([
    ["Premium_LRS", 128, undefined, "P10_LRS"],
    // Billed as the next larger size: 200 GiB is a P15 (256 GiB).
    ["Premium_LRS", 200, undefined, "P15_LRS"],
    ["Premium_LRS", 4, undefined, "P1_LRS"],
    // A performance tier above the size's is what is billed; one below it is ignored.
    ["Premium_LRS", 128, "P30", "P30_LRS"],
    ["Premium_LRS", 1024, "P10", "P30_LRS"],
    ["Premium_ZRS", 512, undefined, "P20_ZRS"],
    ["StandardSSD_LRS", 1024, undefined, "E30_LRS"],
    ["StandardSSD_ZRS", 33, undefined, "E6_ZRS"],
    // Standard HDD's smallest tier is S4 (32 GiB).
    ["Standard_LRS", 8, undefined, "S4_LRS"],
    ["Standard_LRS", 32767, undefined, "S80_LRS"],
    // Not billed by tier, or beyond the largest: no tier.
    ["PremiumV2_LRS", 128, undefined, undefined],
    ["UltraSSD_LRS", 128, undefined, undefined],
    ["Premium_LRS", 40000, undefined, undefined],
    ["Premium_LRS", undefined, undefined, undefined],
  ])("%s %s GiB (tier %s) → %s", (sku, size, tier, expected) => {
    expect(azureDiskTier(sku, size, tier)).toBe(expected);
  });
});

const item = (overrides: Partial<RetailPriceItem>): RetailPriceItem => ({
  currencyCode: "USD",
  unitPrice: 19.71,
  armRegionName: "eastus",
  armSkuName: "",
  skuName: "P10 LRS",
  productName: "Premium SSD Managed Disks",
  serviceName: "Storage",
  meterName: "P10 LRS Disk",
  unitOfMeasure: "1/Month",
  type: "Consumption",
  skuId: "DZH318Z0BP04/00GN",
  tierMinimumUnits: 0,
  ...overrides,
});

describe("normalizeDiskPriceItem", () => {
  it.each([
    ["a Premium tier's monthly meter", item({}), { sku: "P10_LRS", unit: "month", unitPrice: "19.71", product: "volume", sourceId: "DZH318Z0BP04/00GN" }],
    ["a Standard HDD ZRS-less tier", item({ productName: "Standard HDD Managed Disks", skuName: "S4 LRS", meterName: "S4 LRS Disk", unitPrice: 1.54 }), { sku: "S4_LRS", unitPrice: "1.54" }],
    ["a shared disk's mount meter", item({ meterName: "P10 LRS Disk Mount" }), undefined],
    ["transactions per 10K", item({ productName: "Standard SSD Managed Disks", skuName: "E10 LRS", meterName: "E10 LRS Disk Operations", unitOfMeasure: "10K" }), undefined],
    ["a snapshot meter", item({ productName: "Standard HDD Managed Disks", meterName: "LRS Snapshots", unitOfMeasure: "1 GB/Month" }), undefined],
    ["a reservation", item({ type: "Reservation" }), undefined],
  ])("%s", (_name, raw, expected) => {
    const q = normalizeDiskPriceItem(raw);
    if (expected === undefined) expect(q).toBeUndefined();
    else expect(q).toMatchObject({ cloud: "azure", region: "eastus", term: "on_demand", currency: "USD", ...expected });
  });
});

describe("Azure disk facts and rules", () => {
  it("a 200 GiB Premium disk is sized as its billed tier", () => {
    const facts = azureRecommendationFacts("azure_disk", { sku: { name: "Premium_LRS" }, properties: { diskSizeGB: 200, diskState: "Unattached" } }, {});
    expect(facts).toMatchObject({ role: "volume", size: "P15_LRS", sizeGb: 200, attached: false });
  });

  it("an unattached P15 disk saves its whole monthly tier price, 38.02 (not per GiB: 200 × anything)", () => {
    const tier: PriceQuote = { cloud: "azure", region: "eastus", product: "volume", sku: "P15_LRS", term: "on_demand", unitPrice: "38.02", unit: "month", currency: "USD", sourceId: "m" };
    const ctx = fixtureContext({ prices: createPriceBook([tier]) });
    const disk: ResourceFacts = { key: "d1", cloud: "azure", kind: "azure_disk", region: "eastus", status: "running", tags: {}, role: "volume", size: "P15_LRS", sizeGb: 200, attached: false };
    const [f] = evaluateRecommendations([{ facts: disk, usage: undefined }], ctx);
    expect(f).toMatchObject({ type: "unused_resources", currentMonthly: 38.02, proposedMonthly: 0, monthlySavings: 38.02, evidence: { price: "38.02", price_unit: "month" } });
  });
});

describe("Azure disk tier prices over the emulator", () => {
  let emu: AzureEmulator;
  beforeAll(async () => {
    emu = await startAzureEmulator({ seed: "disk-prices", size: 10, subscriptions: 1, retailPricesPageSize: 16 });
  });
  afterAll(() => emu.close());

  it("reads each asked tier's Disk meter of every region, one $filter per tier, and nothing else", async () => {
    const adapter = createAzureAdapter({
      credentials: { tenantId: emu.tenantId, clientId: emu.clientId, clientSecret: emu.clientSecret, authorityHost: emu.authorityHost },
      subscriptions: emu.subscriptions,
      endpoint: emu.endpoint,
      caCertificate: emu.caCertificate,
      maxAttempts: 2,
      timeoutMs: 10_000,
    });
    const before = emu.requestCount("retailPrices");
    // Premium_LRS is a disk sku, not a tier: it asks for nothing.
    const quotes = await adapter.listPrices({ computeSizes: [], volumeTypes: ["P10_LRS", "S4_LRS", "Premium_LRS"] });
    const find = (region: string, sku: string) => quotes.find((q) => q.region === region && q.sku === sku);
    expect(find("eastus", "P10_LRS")).toMatchObject({ product: "volume", unit: "month", unitPrice: "19.71" });
    // centralus is the emulator's × 1.135: 1.54 × 1.135 = 1.7479.
    expect(find("centralus", "S4_LRS")?.unitPrice).toBe("1.7479");
    // 14 regions × 2 tiers; mounts and operations are left out.
    expect(quotes).toHaveLength(28);
    // P10 LRS: 14 Disk + 14 Mount = 28 items → 2 pages of 16; S4 LRS: 14 + 14 Operations → 2 pages.
    expect(emu.requestCount("retailPrices") - before).toBe(4);
  });
});
