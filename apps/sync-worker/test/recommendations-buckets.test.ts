import type { PriceQuote } from "@cloudsync/cloud";
import { cloudProviders, cloudRegions, cloudResources, infrastructureMonitoring, organizations, userProfiles, withOrganization } from "@cloudsync/db";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { showLifecycleAndDiskTiers } from "../src/cli/demo-lifecycle.ts";
import { priceQueriesFor } from "../src/jobs/sync-prices.ts";
import { loadPrices, storePrices } from "../src/write/prices.ts";
import { refreshRecommendations } from "../src/write/recommendations.ts";

/**
 * Issue 16, storage: buckets without lifecycle rules over a real database. The size is the
 * window's latest storage_bytes sample; savings = GiB × 0.5 × (STANDARD − STANDARD_IA).
 */
let tdb: TestDatabase;
let org: string;
const ids: Record<string, string> = {};
const now = new Date("2026-12-06T12:00:00Z");
const gib = 1024 ** 3;

const quote = (cloud: PriceQuote["cloud"], region: string, product: PriceQuote["product"], sku: string, unitPrice: string, unit: PriceQuote["unit"]): PriceQuote => ({
  cloud,
  region,
  product,
  sku,
  term: "on_demand",
  unitPrice,
  unit,
  currency: "USD",
  sourceId: `${sku}`,
});

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: "cloudsync_buckets" });
  await storePrices(tdb.db, [
    quote("aws", "us-east-1", "object_storage", "STANDARD", "0.023", "gb_month"),
    quote("aws", "us-east-1", "object_storage", "STANDARD_IA", "0.0125", "gb_month"),
    // An Azure disk tier's monthly price: migration 0035 lets cloud_prices hold it.
    quote("azure", "eastus", "volume", "P10_LRS", "19.71", "month"),
  ]);
  const [o] = await tdb.db.insert(organizations).values({ name: "buckets", slug: "buckets" }).returning();
  org = o!.id;
  const [user] = await tdb.db.insert(userProfiles).values({ organizationId: org, email: "o@buckets.example" }).returning();
  const [provider] = await tdb.db
    .insert(cloudProviders)
    .values({ organizationId: org, providerName: "aws", providerType: "primary", displayName: "AWS", credentialsConfig: {}, createdBy: user!.id })
    .returning();
  const [region] = await tdb.db.insert(cloudRegions).values({ organizationId: org, providerId: provider!.id, regionCode: "us-east-1", regionName: "us-east-1" }).returning();
  const bucket = (name: string, configuration: Record<string, unknown>) => ({
    organizationId: org,
    providerId: provider!.id,
    regionId: region!.id,
    resourceId: name,
    resourceName: name,
    resourceType: "storage" as const,
    resourceSubtype: "s3_bucket",
    configuration: { Name: name, ...configuration },
    tags: {},
    resourceStatus: "running" as const,
    createdBy: user!.id,
  });
  const transition = { ID: "archive", Status: "Enabled", Transitions: [{ Days: 30, StorageClass: "STANDARD_IA" }] };
  const rows = await tdb.db
    .insert(cloudResources)
    .values([
      bucket("no-rules", { LifecycleRules: [] }),
      bucket("abort-only", { LifecycleRules: [{ ID: "abort", Status: "Enabled", AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } }] }),
      bucket("ruled", { LifecycleRules: [transition] }),
      bucket("small", { LifecycleRules: [] }),
      bucket("unsized", { LifecycleRules: [] }),
      bucket("unknown", { LifecycleError: "AccessDenied" }),
    ])
    .returning();
  for (const r of rows) ids[r.resourceId] = r.id;
  // Daily size samples, two in the window: the older says 1 TiB, the latest 2 TiB.
  const sizes = (id: string, older: number, latest: number) =>
    [older, latest].map((bytes, i) => ({
      organizationId: org,
      resourceId: id,
      monitoringType: "performance" as const,
      monitoringTimestamp: new Date(now.getTime() - (2 - i) * 86_400_000),
      metrics: { storage_bytes: bytes, object_count: 1000 },
    }));
  await tdb.db.insert(infrastructureMonitoring).values([
    ...sizes(ids["no-rules"]!, 1024 * gib, 2048 * gib),
    ...sizes(ids["abort-only"]!, 500 * gib, 500 * gib),
    ...sizes(ids.ruled!, 2048 * gib, 2048 * gib),
    ...sizes(ids.small!, 50 * gib, 50 * gib),
    ...sizes(ids.unknown!, 2048 * gib, 2048 * gib),
  ]);
});
afterAll(async () => tdb?.drop());

describe("refreshRecommendations: buckets without lifecycle rules", () => {
  it("advises the sized buckets above 100 GiB that move nothing, priced from cloud_prices", async () => {
    const result = await withOrganization(tdb.db, org, (tx) => refreshRecommendations(tx, org, { windowHours: 7 * 24, now }), { role: null });
    const byTarget = Object.fromEntries(result.findings.map((f) => [f.resourceKeys.join(","), { type: f.type, current: f.currentMonthly, savings: f.monthlySavings }]));
    expect(byTarget).toEqual({
      // The latest sample (2 TiB), not the mean (1.5 TiB): 2048 × 0.023 = 47.104; 1024 × (0.023 − 0.0125) = 10.752.
      [ids["no-rules"]!]: { type: "storage_optimization", current: 47.1, savings: 10.75 },
      // Aborting uploads moves nothing: 500 × 0.023 = 11.50 now; 250 × 0.0105 = 2.625 → 2.63 saved.
      [ids["abort-only"]!]: { type: "storage_optimization", current: 11.5, savings: 2.63 },
    });
    expect(result.findings[0]?.evidence).toMatchObject({ reason: "no_lifecycle_rule", cold_share: 0.5 });
  });

  it("asks the AWS Price List for the two storage classes when there are buckets", async () => {
    const queries = await priceQueriesFor(tdb.db, org);
    expect(queries.get("aws")).toMatchObject({ storageClasses: ["STANDARD", "STANDARD_IA"] });
  });

  it("keeps a monthly Azure disk tier price as it was stored", async () => {
    const [p10] = (await loadPrices(tdb.db, ["azure"])).filter((q) => q.sku === "P10_LRS");
    expect(p10).toMatchObject({ unit: "month", unitPrice: "19.71", product: "volume" });
  });

  it("the demo's section lists every bucket with its lifecycle as read and the advice with its savings", async () => {
    const lines: string[] = [];
    await showLifecycleAndDiskTiers(tdb.db, org, (line) => lines.push(line));
    const text = lines.join("\n");
    expect(text).toMatch(/no-rules .*none that moves .*2048\.0 .*STANDARD_IA .*10\.75/);
    expect(text).toMatch(/ruled .*moves or expires .*2048\.0 .*—/);
    expect(text).toMatch(/unknown .*not read/);
    expect(text).toMatch(/unsized .*no size sample/);
    // 10.75 + 2.63
    expect(text).toContain("6 buckets, 2 advised, 13.38 a month in all.");
  });
});
