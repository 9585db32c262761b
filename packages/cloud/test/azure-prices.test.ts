import { type AzureEmulator, startAzureEmulator } from "@cloudsync/cloud-emulators";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAzureAdapter } from "../src/azure/index.ts";
import { normalizeNetworkPriceItem, normalizeRetailPriceItem, type RetailPriceItem } from "../src/azure/prices.ts";
import type { PriceQuote } from "../src/types.ts";

const vm = (overrides: Partial<RetailPriceItem>): RetailPriceItem => ({
  currencyCode: "USD",
  unitPrice: 0.192,
  armRegionName: "eastus",
  armSkuName: "Standard_D4s_v5",
  skuName: "D4s v5",
  productName: "Virtual Machines Dsv5 Series",
  skuId: "DZH318Z0BQ4L/00RW",
  serviceName: "Virtual Machines",
  unitOfMeasure: "1 Hour",
  type: "Consumption",
  tierMinimumUnits: 0,
  ...overrides,
});

describe("normalizeRetailPriceItem", () => {
  it.each([
    ["Linux pay-as-you-go", vm({}), { term: "on_demand", unitPrice: "0.192", sku: "Standard_D4s_v5", region: "eastus" }],
    ["Spot", vm({ skuName: "D4s v5 Spot", unitPrice: 0.0384 }), { term: "spot", unitPrice: "0.0384" }],
    // 992.33 for the year / 8,760 hours
    ["one-year reservation, priced for the term", vm({ type: "Reservation", reservationTerm: "1 Year", unitPrice: 992.33 }), { term: "reserved_1y", unitPrice: "0.113280" }],
    ["three-year reservation", vm({ type: "Reservation", reservationTerm: "3 Years", unitPrice: 1916.3 }), undefined],
    ["Windows", vm({ productName: "Virtual Machines Dsv5 Series Windows", unitPrice: 0.376 }), undefined],
    ["Low Priority", vm({ skuName: "D4s v5 Low Priority" }), undefined],
    ["another service", vm({ serviceName: "Storage" }), undefined],
  ])("%s", (_name, item, expected) => {
    const q = normalizeRetailPriceItem(item);
    if (expected === undefined) expect(q).toBeUndefined();
    else expect(q).toMatchObject({ cloud: "azure", product: "compute", unit: "hour", currency: "USD", ...expected });
  });
});

describe("normalizeNetworkPriceItem", () => {
  const meter = (overrides: Partial<RetailPriceItem>): RetailPriceItem => ({
    currencyCode: "USD",
    unitPrice: 0.005,
    armRegionName: "eastus",
    armSkuName: "",
    skuName: "Standard",
    productName: "IP Addresses",
    meterName: "Standard IPv4 Static Public IP",
    skuId: "DZH318Z0BNVX/0052",
    serviceName: "Virtual Network",
    unitOfMeasure: "1 Hour",
    type: "Consumption",
    tierMinimumUnits: 0,
    ...overrides,
  });
  it.each([
    ["a Standard public IPv4 address", meter({}), { product: "public_ip", unitPrice: "0.005" }],
    ["a Standard load balancer's included rules", meter({ serviceName: "Load Balancer", productName: "Load Balancer", meterName: "Standard Included LB Rules and Outbound Rules", unitPrice: 0.025 }), { product: "load_balancer", unitPrice: "0.025" }],
    ["overage rules (not what an idle one pays)", meter({ serviceName: "Load Balancer", meterName: "Standard Overage LB Rules and Outbound Rules" }), undefined],
    ["a Basic address", meter({ meterName: "Basic IPv4 Static Public IP Address", skuName: "Basic" }), undefined],
    ["a data-processed meter", meter({ serviceName: "Load Balancer", meterName: "Standard Included LB Rules and Outbound Rules", unitOfMeasure: "1 GB" }), undefined],
  ])("%s", (_name, item, expected) => {
    const q = normalizeNetworkPriceItem(item);
    if (expected === undefined) expect(q).toBeUndefined();
    else expect(q).toMatchObject({ cloud: "azure", region: "eastus", sku: "standard", term: "on_demand", unit: "hour", currency: "USD", ...expected });
  });
});

describe("Azure listPrices over the emulator", () => {
  let emu: AzureEmulator;
  beforeAll(async () => {
    emu = await startAzureEmulator({ seed: "prices", size: 10, subscriptions: 1, retailPricesPageSize: 16 });
  });
  afterAll(() => emu.close());
  const adapter = () =>
    createAzureAdapter({
      credentials: { tenantId: emu.tenantId, clientId: emu.clientId, clientSecret: emu.clientSecret, authorityHost: emu.authorityHost },
      subscriptions: emu.subscriptions,
      endpoint: emu.endpoint,
      caCertificate: emu.caCertificate,
      maxAttempts: 2,
      timeoutMs: 10_000,
    });

  it("reads every region's pay-as-you-go, spot and one-year prices, following NextPageLink, without a token", async () => {
    const before = emu.requestCount("token");
    const quotes = await adapter().listPrices({ computeSizes: ["Standard_D4s_v5", "Standard_D2s_v5"], volumeTypes: [] });
    const find = (region: string, sku: string, term: PriceQuote["term"]) => quotes.find((q) => q.region === region && q.sku === sku && q.term === term)?.unitPrice;
    expect(find("eastus", "Standard_D4s_v5", "on_demand")).toBe("0.192");
    expect(find("centralus", "Standard_D4s_v5", "on_demand")).toBe("0.21792"); // 0.192 × 1.135
    expect(find("eastus", "Standard_D4s_v5", "spot")).toBe("0.0384");
    expect(find("eastus", "Standard_D4s_v5", "reserved_1y")).toBe("0.113280");
    // 14 regions × 2 sizes × (pay-as-you-go, spot, 1 year); Windows and 3 years left out.
    expect(quotes).toHaveLength(84);
    // 70 items per size in pages of 16: 5 pages each.
    expect(emu.requestCount("retailPrices")).toBe(10);
    expect(emu.requestCount("token")).toBe(before);
  });

  it("reads the public IP and load balancer hours when the organization has any", async () => {
    const quotes = await adapter().listPrices({ computeSizes: [], volumeTypes: [], network: true, currency: "EUR" });
    const find = (product: PriceQuote["product"]) => quotes.find((q) => q.region === "westeurope" && q.product === product);
    expect(find("public_ip")).toMatchObject({ sku: "standard", unitPrice: "0.0046", currency: "EUR" }); // 0.005 × 0.92
    expect(find("load_balancer")).toMatchObject({ sku: "standard", unitPrice: "0.023", currency: "EUR" }); // 0.025 × 0.92
    // 14 regions × (IP, LB); Basic addresses and overage rules left out.
    expect(quotes).toHaveLength(28);
  });

  it("asks in the billing currency when told", async () => {
    const quotes = await adapter().listPrices({ computeSizes: ["Standard_D4s_v5"], volumeTypes: [], currency: "EUR" });
    expect(quotes.find((q) => q.region === "eastus" && q.term === "on_demand")).toMatchObject({ currency: "EUR", unitPrice: "0.17664" }); // 0.192 × 0.92
  });
});
