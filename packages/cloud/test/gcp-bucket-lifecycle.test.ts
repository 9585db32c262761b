import { expectedGcsStoragePrice, type GcpEmulator, gcsBucketLifecycle, startGcpEmulator } from "@cloudsync/cloud-emulators";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGcpAdapter } from "../src/gcp/index.ts";
import { type CatalogSku, normalizeCatalogSku } from "../src/gcp/normalize-prices.ts";
import { gcpRecommendationFacts } from "../src/gcp/recommendation-facts.ts";
import type { InventoryEvent, NormalizedResource } from "../src/types.ts";

/** Issue 16, storage: Cloud Storage class prices from the Billing Catalog, GCS lifecycle facts over the emulator. */

const sku = (description: string, nanos: number, usageUnit = "GiBy.mo", regions = ["us-central1"]): CatalogSku => ({
  skuId: "AAAA-BBBB-CCCC",
  description,
  category: { resourceFamily: "Storage", usageType: "OnDemand" },
  serviceRegions: regions,
  pricingInfo: [{ pricingExpression: { usageUnit, tieredRates: [{ startUsageAmount: 0, unitPrice: { currencyCode: "USD", units: "0", nanos } }] } }],
});

describe("normalizeCatalogSku: Cloud Storage classes", () => {
  it.each([
    ["regional Standard", sku("Standard Storage Iowa", 20_000_000), { component: "object_storage", key: "STANDARD", unitPrice: "0.02", regions: ["us-central1"] }],
    ["multi-region Nearline", sku("Nearline Storage US Multi-region", 10_000_000, "GiBy.mo", ["us"]), { component: "object_storage", key: "NEARLINE", unitPrice: "0.01", regions: ["us"] }],
    ["dual-region (a pair of regions, not one location)", sku("Standard Storage Iowa Dual-region", 22_000_000), undefined],
    ["Coldline (not a class the advice compares)", sku("Coldline Storage Iowa", 4_000_000), undefined],
    ["a storage SKU priced per GiB, not per GiB-month", sku("Standard Storage Iowa", 1, "GiBy"), undefined],
  ])("%s", (_name, raw, expected) => {
    const rate = normalizeCatalogSku(raw);
    if (expected === undefined) expect(rate).toBeUndefined();
    else expect(rate).toMatchObject({ term: "on_demand", currency: "USD", ...expected });
  });
});

describe("GCS over the emulator", () => {
  let emu: GcpEmulator;
  beforeAll(async () => {
    emu = await startGcpEmulator({ seed: "buckets", size: 200 });
  });
  afterAll(() => emu.close());
  const adapter = () =>
    createGcpAdapter({
      credentials: { serviceAccountKey: emu.serviceAccountKey },
      projects: emu.projects,
      endpoint: emu.url,
      maxAttempts: 2,
      retryDelayMs: 5,
      timeoutMs: 5_000,
      requestsPerSecond: 10_000,
      priceCatalogPageSize: 100,
    });

  it("prices STANDARD and NEARLINE per region and multi-region from Cloud Storage's SKUs only", async () => {
    const a = adapter();
    const pagesBefore = emu.catalogSkuPages();
    const quotes = await a.listPrices({ computeSizes: [], volumeTypes: [], storageClasses: ["STANDARD", "NEARLINE"] });
    await a.close();
    const find = (region: string, sku: string) => quotes.find((q) => q.region === region && q.sku === sku);
    expect(find("us-central1", "STANDARD")).toMatchObject({ product: "object_storage", unit: "gb_month", unitPrice: "0.02" });
    expect(find("us", "STANDARD")?.unitPrice).toBe("0.026");
    expect(find("us", "NEARLINE")?.unitPrice).toBe("0.01");
    // Frankfurt is the emulator's × 1.29: 0.02 × 1.29 = 0.0258.
    expect(find("europe-west3", "STANDARD")?.unitPrice).toBe("0.0258");
    for (const q of quotes) expect(q.unitPrice, `${q.sku} ${q.region}`).toBe(expectedGcsStoragePrice(q.sku as "STANDARD" | "NEARLINE", q.region));
    // 12 regions + 2 multi-regions, 2 classes each; no Compute Engine product.
    expect(quotes).toHaveLength((12 + 2) * 2);
    // 32 Cloud Storage SKUs: one page of 100 (Compute Engine's 570 are not read).
    expect(emu.catalogSkuPages() - pagesBefore).toBe(1);
  });

  it("stores each bucket's lifecycle and default class; only Delete or SetStorageClass rules count", async () => {
    const events: InventoryEvent[] = [];
    for await (const e of adapter().streamResources({ kinds: ["gcs_bucket"] })) events.push(e);
    const buckets = events.flatMap((e) => (e.type === "page" ? e.resources : [])) as NormalizedResource[];
    expect(buckets.length).toBeGreaterThan(5);
    const seen = new Set<string>();
    for (const b of buckets) {
      const lifecycle = gcsBucketLifecycle(b.resourceId);
      const moves = lifecycle?.rule.some((r) => ["Delete", "SetStorageClass"].includes((r.action as { type: string }).type)) ?? false;
      seen.add(lifecycle === undefined ? "none" : moves ? "moves" : "abort only");
      const facts = gcpRecommendationFacts("gcs_bucket", b.configuration, b.tags);
      expect(facts).toMatchObject({ role: "bucket", storageClass: b.configuration.storageClass, hasLifecycleRules: moves });
    }
    expect(seen).toEqual(new Set(["none", "moves", "abort only"]));
  });
});
