import { expectedGcpDiskPrice, expectedGcpMachinePrice, type GcpEmulator, startGcpEmulator } from "@cloudsync/cloud-emulators";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CloudError } from "../src/errors.ts";
import { createGcpAdapter, type GcpAdapterConfig } from "../src/gcp/index.ts";
import { type CatalogRate, type CatalogSku, gcpQuotes, machineShape, moneyToDecimal, normalizeCatalogSku } from "../src/gcp/normalize-prices.ts";
import type { PriceQuote } from "../src/types.ts";

const sku = (description: string, usageType: string, units: string | number, nanos: number, usageUnit = "h", overrides: Partial<CatalogSku> = {}): CatalogSku => ({
  skuId: "AAAA-BBBB-CCCC",
  description,
  category: { resourceFamily: "Compute", usageType },
  serviceRegions: ["us-central1", "us-east1"],
  pricingInfo: [{ pricingExpression: { usageUnit, tieredRates: [{ startUsageAmount: 0, unitPrice: { currencyCode: "USD", units, nanos } }] } }],
  ...overrides,
});

describe("moneyToDecimal", () => {
  it.each([
    ["0", 31_611_000, "0.031611"],
    ["1", 500_000_000, "1.5"],
    [2, 0, "2"],
    ["0", 0, "0"],
    ["0", 1, "0.000000001"],
    ["-1", -250_000_000, "-1.25"],
    [null, null, "0"],
  ])("units %s nanos %s → %s", (units, nanos, expected) => {
    expect(moneyToDecimal(units, nanos)).toBe(expected);
  });
});

describe("normalizeCatalogSku", () => {
  const cases: [string, CatalogSku, Partial<CatalogRate> | undefined][] = [
    ["N2 vCPU on demand", sku("N2 Instance Core running in Americas", "OnDemand", "0", 31_611_000), { component: "core", key: "n2", term: "on_demand", unitPrice: "0.031611", regions: ["us-central1", "us-east1"] }],
    ["N2 memory on demand", sku("N2 Instance Ram running in Americas", "OnDemand", "0", 4_237_000, "GiBy.h"), { component: "ram", key: "n2", unitPrice: "0.004237" }],
    ["N1 is 'Predefined'", sku("N1 Predefined Instance Core running in Virginia", "OnDemand", "0", 35_594_000), { key: "n1" }],
    ["C2 is 'Compute optimized'", sku("Compute optimized Ram running in Americas", "OnDemand", "0", 4_555_000, "GiBy.h"), { component: "ram", key: "c2" }],
    ["spot", sku("Spot Preemptible N2D AMD Instance Core running in Americas", "Preemptible", "0", 6_600_000), { key: "n2d", term: "spot" }],
    ["one-year commitment", sku("Commitment v1: E2 Cpu in Americas for 1 Year", "Commit1Yr", "0", 13_741_000), { component: "core", key: "e2", term: "reserved_1y" }],
    ["N1's commitment names no series", sku("Commitment v1: Ram in Frankfurt for 1 Year", "Commit1Yr", "0", 3_443_000, "GiBy.h"), { component: "ram", key: "n1" }],
    ["three-year commitment", sku("Commitment v1: N2 Cpu in Americas for 3 Year", "Commit3Yr", "0", 14_225_000), undefined],
    ["custom machine core", sku("N2 Custom Instance Core running in Americas", "OnDemand", "0", 33_191_000), undefined],
    ["GPU", sku("Nvidia Tesla T4 GPU running in Americas", "OnDemand", "0", 350_000_000), undefined],
    ["a core priced per GiB is not a core", sku("N2 Instance Core running in Americas", "OnDemand", "0", 1, "GiBy.h"), undefined],
    ["a spot usage type on an on-demand description", sku("N2 Instance Core running in Americas", "Preemptible", "0", 1), undefined],
    ["pd-ssd", sku("SSD backed PD Capacity", "OnDemand", "0", 170_000_000, "GiBy.mo"), { component: "disk", key: "pd-ssd", unitPrice: "0.17" }],
    ["pd-balanced abroad", sku("Balanced PD Capacity in Frankfurt", "OnDemand", "0", 129_000_000, "GiBy.mo"), { component: "disk", key: "pd-balanced", unitPrice: "0.129" }],
    ["snapshot", sku("Storage PD Snapshot", "OnDemand", "0", 50_000_000, "GiBy.mo"), { component: "disk", key: "snapshot" }],
    ["static IP", sku("Static Ip Charge", "OnDemand", "0", 10_000_000), { component: "public_ip", key: "standard", unitPrice: "0.01" }],
    ["forwarding rule", sku("Network Load Balancing: Forwarding Rule Minimum Service Charge in Americas", "OnDemand", "0", 25_000_000), { component: "load_balancer", key: "standard" }],
    ["egress", sku("Network Internet Egress from Americas to Americas", "OnDemand", "0", 120_000_000, "GiBy"), undefined],
    ["no region", sku("N2 Instance Core running in Americas", "OnDemand", "0", 1, "h", { serviceRegions: [] }), undefined],
    ["no price", sku("N2 Instance Core running in Americas", "OnDemand", "0", 1, "h", { pricingInfo: [] }), undefined],
  ];
  it.each(cases)("%s", (_name, input, expected) => {
    const rate = normalizeCatalogSku(input);
    if (expected === undefined) expect(rate).toBeUndefined();
    else expect(rate).toMatchObject({ currency: "USD", skuId: "AAAA-BBBB-CCCC", ...expected });
  });

  it("takes the tier a steady resource pays (the highest start), not a free first tier", () => {
    const tiered = sku("Static Ip Charge", "OnDemand", "0", 0, "h", {
      pricingInfo: [
        {
          pricingExpression: {
            usageUnit: "h",
            tieredRates: [
              { startUsageAmount: 744, unitPrice: { currencyCode: "USD", units: "0", nanos: 10_000_000 } },
              { startUsageAmount: 0, unitPrice: { currencyCode: "USD", units: "0", nanos: 0 } },
            ],
          },
        },
      ],
    });
    expect(normalizeCatalogSku(tiered)?.unitPrice).toBe("0.01");
  });
});

describe("machineShape", () => {
  it.each([
    ["n2-standard-8", { series: "n2", vcpus: 8, memoryGb: 32 }],
    ["n2-highmem-16", { series: "n2", vcpus: 16, memoryGb: 128 }],
    ["n1-standard-1", { series: "n1", vcpus: 1, memoryGb: 3.75 }],
    ["n1-highcpu-4", { series: "n1", vcpus: 4, memoryGb: 3.6 }],
    ["e2-micro", { series: "e2", vcpus: 0.25, memoryGb: 1 }],
    ["c2-standard-30", { series: "c2", vcpus: 30, memoryGb: 120 }],
    ["custom-6-23040", undefined],
    ["f1-micro", undefined],
    ["n2-ultramem-8", undefined],
  ])("%s", (type, expected) => {
    expect(machineShape(type)).toEqual(expected);
  });
});

describe("gcpQuotes", () => {
  const rate = (component: CatalogRate["component"], key: string, term: CatalogRate["term"], unitPrice: string, skuId: string): CatalogRate => ({
    component,
    key,
    term,
    regions: ["us-central1"],
    unitPrice,
    currency: "USD",
    skuId,
  });
  const rates = [
    rate("core", "n2", "on_demand", "0.031611", "C1"),
    rate("ram", "n2", "on_demand", "0.004237", "R1"),
    rate("core", "n1", "on_demand", "0.031611", "C2"),
    rate("ram", "n1", "on_demand", "0.004237", "R2"),
    rate("core", "e2", "on_demand", "0.021811", "C3"),
    rate("ram", "e2", "on_demand", "0.002923", "R3"),
    rate("core", "n2", "spot", "0.007587", "C4"),
    rate("disk", "pd-ssd", "on_demand", "0.17", "D1"),
    rate("disk", "pd-standard", "on_demand", "0.04", "D2"),
    rate("public_ip", "standard", "on_demand", "0.01", "I1"),
  ];

  it("adds vCPUs × core and GiB × memory exactly (hand-computed)", () => {
    const quotes = gcpQuotes(rates, ["n2-standard-4", "n1-standard-1", "e2-micro", "custom-6-23040"], [], false);
    const price = (sku: string) => quotes.find((q) => q.sku === sku && q.term === "on_demand")?.unitPrice;
    // 4 × 0.031611 + 16 × 0.004237 = 0.126444 + 0.067792
    expect(price("n2-standard-4")).toBe("0.194236");
    // 1 × 0.031611 + 3.75 × 0.004237 = 0.031611 + 0.01588875
    expect(price("n1-standard-1")).toBe("0.04749975");
    // 0.25 × 0.021811 + 1 × 0.002923 = 0.00545275 + 0.002923
    expect(price("e2-micro")).toBe("0.00837575");
    expect(price("custom-6-23040")).toBeUndefined();
    // A term with only the core rate priced gives no quote: half a machine is no price.
    expect(quotes.some((q) => q.term === "spot")).toBe(false);
    expect(quotes.find((q) => q.sku === "n2-standard-4")).toMatchObject({ cloud: "gcp", product: "compute", unit: "hour", sourceId: "C1+R1" });
  });

  it("prices the asked disk types per GB-month, and IPs and forwarding rules only when asked", () => {
    const quotes = gcpQuotes(rates, [], ["pd-ssd"], false);
    expect(quotes).toEqual([{ cloud: "gcp", region: "us-central1", product: "volume", sku: "pd-ssd", term: "on_demand", unitPrice: "0.17", unit: "gb_month", currency: "USD", sourceId: "D1" }]);
    expect(gcpQuotes(rates, [], [], true).map((q) => `${q.product}:${q.sku}:${q.unitPrice}`)).toEqual(["public_ip:standard:0.01"]);
  });
});

describe("GCP listPrices over the emulator (Cloud Billing Catalog)", () => {
  let emu: GcpEmulator;
  beforeAll(async () => {
    emu = await startGcpEmulator({ seed: "prices", size: 10 });
  });
  afterAll(() => emu.close());
  const adapter = (overrides: Partial<GcpAdapterConfig> = {}) =>
    createGcpAdapter({
      credentials: { serviceAccountKey: emu.serviceAccountKey },
      projects: emu.projects,
      endpoint: emu.url,
      maxAttempts: 2,
      retryDelayMs: 5,
      timeoutMs: 5_000,
      requestsPerSecond: 10_000,
      priceCatalogPageSize: 100,
      ...overrides,
    });

  it("reads Compute Engine's SKUs page by page and composes every region's machine, disk, IP and forwarding-rule prices", async () => {
    const a = adapter();
    const pagesBefore = emu.catalogSkuPages();
    const quotes = await a.listPrices({ computeSizes: ["n2-standard-4", "e2-micro"], volumeTypes: ["pd-ssd", "pd-balanced"], network: true });
    await a.close();
    const find = (region: string, product: PriceQuote["product"], sku: string, term: PriceQuote["term"] = "on_demand") =>
      quotes.find((q) => q.region === region && q.product === product && q.sku === sku && q.term === term)?.unitPrice;
    // Hand-computed: 4 × 0.031611 + 16 × 0.004237.
    expect(find("us-central1", "compute", "n2-standard-4")).toBe("0.194236");
    // Virginia's own SKUs: 4 × 0.035594 + 16 × 0.004771.
    expect(find("us-east4", "compute", "n2-standard-4")).toBe("0.218712");
    // Spot: 4 × 0.007587 + 16 × 0.001017; one year: 4 × 0.019915 + 16 × 0.002669.
    expect(find("us-central1", "compute", "n2-standard-4", "spot")).toBe("0.04662");
    expect(find("us-central1", "compute", "n2-standard-4", "reserved_1y")).toBe("0.122364");
    expect(find("us-central1", "volume", "pd-ssd")).toBe("0.17");
    expect(find("europe-west3", "volume", "pd-ssd")).toBe("0.2193"); // 0.17 × 1.29
    expect(find("us-central1", "public_ip", "standard")).toBe("0.01");
    expect(find("us-central1", "load_balancer", "standard")).toBe("0.025");
    // The emulator's own sums, for every region and term it prices.
    for (const q of quotes.filter((x) => x.product === "compute")) {
      const usage = q.term === "on_demand" ? "OnDemand" : q.term === "spot" ? "Preemptible" : "Commit1Yr";
      expect(q.unitPrice, `${q.sku} ${q.region} ${q.term}`).toBe(expectedGcpMachinePrice(q.sku, q.region, usage));
    }
    for (const q of quotes.filter((x) => x.product === "volume")) expect(q.unitPrice).toBe(expectedGcpDiskPrice(q.sku, q.region));
    // 12 regions: 2 types × 3 terms, 2 disk types, 1 IP, 1 forwarding rule.
    expect(quotes).toHaveLength(12 * (6 + 2 + 1 + 1));
    expect(new Set(quotes.map((q) => q.currency))).toEqual(new Set(["USD"]));
    // 570 Compute Engine SKUs in pages of 100.
    expect(emu.catalogSkuPages() - pagesBefore).toBe(6);
  });

  it("asks in the billing currency: the catalog converts", async () => {
    const a = adapter({ priceCatalogPageSize: 5000 });
    const quotes = await a.listPrices({ computeSizes: ["n2-standard-4"], volumeTypes: [], currency: "EUR" });
    await a.close();
    // 4 × 0.02908212 + 16 × 0.00389804 (0.031611 and 0.004237 × 0.92)
    expect(quotes.find((q) => q.region === "us-central1" && q.term === "on_demand")).toMatchObject({ currency: "EUR", unitPrice: "0.17869712" });
  });

  it("reads nothing when nothing is asked", async () => {
    const before = emu.requestCount("cloudbilling");
    expect(await adapter().listPrices({ computeSizes: [], volumeTypes: [] })).toEqual([]);
    expect(emu.requestCount("cloudbilling")).toBe(before);
  });

  it("says what to do when the catalog refuses an unknown currency", async () => {
    const a = adapter();
    const err = await a.listPrices({ computeSizes: ["n2-standard-4"], volumeTypes: [], currency: "XYZ" }).catch((e: unknown) => e);
    await a.close();
    expect(err).toBeInstanceOf(CloudError);
    expect(String((err as Error).message)).toMatch(/refused currency XYZ .*ask in USD/);
  });
});
