import type { PriceQuote } from "@cloudsync/cloud";
import {
  cloudProviders,
  cloudRegions,
  cloudResources,
  costOptimizationRecommendations,
  infrastructureMonitoring,
  organizations,
  userProfiles,
  withOrganization,
} from "@cloudsync/db";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { priceQueriesFor } from "../src/jobs/sync-prices.ts";
import { loadPrices, storePrices } from "../src/write/prices.ts";
import { refreshRecommendations } from "../src/write/recommendations.ts";

/**
 * The refresh over a real database: facts from stored configuration, usage from samples, prices
 * from cloud_prices. Figures are hand-computed from the prices below (monthly = hourly × 730).
 */
let tdb: TestDatabase;
let orgA: string;
let orgB: string;
const ids: Record<string, string> = {};
const now = new Date("2026-12-06T12:00:00Z");

const usd = (region: string, product: PriceQuote["product"], sku: string, term: PriceQuote["term"], unitPrice: string, unit: PriceQuote["unit"] = "hour"): PriceQuote => ({
  cloud: "aws",
  region,
  product,
  sku,
  term,
  unitPrice,
  unit,
  currency: "USD",
  sourceId: `${sku}/${term}`,
});

async function seedOrganization(slug: string) {
  const [org] = await tdb.db.insert(organizations).values({ name: slug, slug }).returning();
  const [user] = await tdb.db.insert(userProfiles).values({ organizationId: org!.id, email: `o@${slug}.example` }).returning();
  const [provider] = await tdb.db
    .insert(cloudProviders)
    .values({ organizationId: org!.id, providerName: "aws", providerType: "primary", displayName: "AWS", credentialsConfig: {}, createdBy: user!.id })
    .returning();
  const regions = await tdb.db
    .insert(cloudRegions)
    .values(["us-east-1", "us-west-1"].map((regionCode) => ({ organizationId: org!.id, providerId: provider!.id, regionCode, regionName: regionCode })))
    .returning();
  return { org: org!.id, user: user!.id, provider: provider!.id, region: (code: string) => regions.find((r) => r.regionCode === code)!.id };
}

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: "cloudsync_recs" });
  await storePrices(tdb.db, [
    usd("us-east-1", "compute", "m5.large", "on_demand", "0.096"),
    usd("us-east-1", "compute", "m5.xlarge", "on_demand", "0.192"),
    usd("us-east-1", "compute", "m5.large", "reserved_1y", "0.060"),
    usd("us-east-1", "compute", "m5.large", "spot", "0.035"),
    usd("us-west-1", "compute", "m5.large", "on_demand", "0.112"),
    usd("us-east-1", "volume", "gp2", "on_demand", "0.10", "gb_month"),
    usd("us-east-1", "volume", "gp3", "on_demand", "0.08", "gb_month"),
    usd("us-east-1", "public_ip", "standard", "on_demand", "0.005"),
  ]);
  const a = await seedOrganization("recs-a");
  orgA = a.org;
  const resource = (name: string, region: string, kind: string, configuration: Record<string, unknown>, tags: Record<string, string> = {}) => ({
    organizationId: a.org,
    providerId: a.provider,
    regionId: a.region(region),
    resourceId: name,
    resourceName: name,
    resourceType: (kind === "ec2_instance" ? "compute" : kind === "ebs_volume" ? "storage" : "network") as "compute" | "storage" | "network",
    resourceSubtype: kind,
    configuration,
    tags,
    resourceStatus: "running" as const,
    createdBy: a.user,
  });
  const rows = await tdb.db
    .insert(cloudResources)
    .values([
      resource("idle", "us-east-1", "ec2_instance", { InstanceType: "m5.large" }, { env: "prod" }),
      resource("big", "us-east-1", "ec2_instance", { InstanceType: "m5.xlarge" }, { env: "prod" }),
      resource("steady", "us-east-1", "ec2_instance", { InstanceType: "m5.large" }, { env: "prod" }),
      resource("batch", "us-east-1", "ec2_instance", { InstanceType: "m5.large" }, { env: "dev", "aws:autoscaling:groupName": "batch" }),
      resource("west", "us-west-1", "ec2_instance", { InstanceType: "m5.large" }, { env: "prod" }),
      resource("loose-disk", "us-east-1", "ebs_volume", { VolumeType: "gp2", Size: 100, State: "available" }),
      resource("old-disk", "us-east-1", "ebs_volume", { VolumeType: "gp2", Size: 500, State: "in-use", Attachments: [{ InstanceId: "steady" }] }),
      resource("spare-ip", "us-east-1", "elastic_ip", { AllocationId: "eipalloc-1" }),
      resource("db", "us-east-1", "rds_postgres", { DBInstanceClass: "db.m5.large" }),
    ])
    .returning();
  for (const r of rows) ids[r.resourceId] = r.id;
  // One hour of 5-minute samples (12) for every machine; the window of the refresh is that hour.
  const samples = (id: string, metrics: Record<string, number>) =>
    Array.from({ length: 12 }, (_, i) => ({
      organizationId: a.org,
      resourceId: id,
      monitoringType: "performance" as const,
      monitoringTimestamp: new Date(now.getTime() - (i + 1) * 300_000 + 1000),
      metrics,
    }));
  const busy = { cpu_utilization: 55, memory_utilization: 60, network_in_mbps: 20, network_out_mbps: 5 };
  await tdb.db.insert(infrastructureMonitoring).values([
    ...samples(ids.idle!, { cpu_utilization: 1, network_in_mbps: 0.01, network_out_mbps: 0.01 }),
    ...samples(ids.big!, { cpu_utilization: 8, memory_utilization: 12, network_in_mbps: 3, network_out_mbps: 1 }),
    ...samples(ids.steady!, busy),
    ...samples(ids.batch!, busy),
    ...samples(ids.west!, busy),
  ]);
  orgB = (await seedOrganization("recs-b")).org;
});
afterAll(async () => tdb?.drop());

const refresh = (org: string) => withOrganization(tdb.db, org, (tx) => refreshRecommendations(tx, org, { windowHours: 1, now }), { role: null });
const recsOf = (org: string) => tdb.db.select().from(costOptimizationRecommendations).where(eq(costOptimizationRecommendations.organizationId, org));

describe("refreshRecommendations", () => {
  it("finds all six types with hand-computed savings, and nothing for resources without a signal", async () => {
    const result = await refresh(orgA);
    const byTarget = Object.fromEntries(result.findings.map((f) => [f.resourceKeys.join(","), { type: f.type, savings: f.monthlySavings }]));
    expect(byTarget).toEqual({
      [ids.idle!]: { type: "unused_resources", savings: 70.08 }, // 0.096 × 730
      [ids["loose-disk"]!]: { type: "unused_resources", savings: 10 }, // 100 × 0.10
      [ids["spare-ip"]!]: { type: "unused_resources", savings: 3.65 }, // 0.005 × 730
      [ids.big!]: { type: "rightsizing", savings: 70.08 }, // (0.192 − 0.096) × 730
      [ids["old-disk"]!]: { type: "storage_optimization", savings: 10 }, // 500 × (0.10 − 0.08)
      [ids.west!]: { type: "region_optimization", savings: 11.68 }, // (0.112 − 0.096) × 730
      [ids.batch!]: { type: "spot_instances", savings: 44.53 }, // (0.096 − 0.035) × 730
      [ids.steady!]: { type: "reserved_instances", savings: 26.28 }, // (0.096 − 0.060) × 730
    });
    expect(result.recommendationsOpened).toBe(8);
    const [rightsizing] = (await recsOf(orgA)).filter((r) => r.recommendationType === "rightsizing");
    // 70.08 of 140.16: half.
    expect(rightsizing!.estimatedSavings).toMatchObject({ monthly_savings: 70.08, annual_savings: 840.96, percentage_savings: 50, currency: "USD" });
    expect(rightsizing!.recommendationDetails).toBe("Resize m5.xlarge to m5.large");
  });

  it("never duplicates, keeps approved and rejected decisions, and expires what no longer holds", async () => {
    const rows = await recsOf(orgA);
    const byType = (t: string) => rows.find((r) => r.recommendationType === t)!;
    await tdb.db.update(costOptimizationRecommendations).set({ recommendationStatus: "approved" }).where(eq(costOptimizationRecommendations.id, byType("rightsizing").id));
    await tdb.db.update(costOptimizationRecommendations).set({ recommendationStatus: "rejected" }).where(eq(costOptimizationRecommendations.id, byType("spot_instances").id));
    // Prices move: the approved rightsizing's savings follow, the rejected spot advice is left alone.
    await storePrices(tdb.db, [usd("us-east-1", "compute", "m5.xlarge", "on_demand", "0.200"), usd("us-east-1", "compute", "m5.large", "spot", "0.030")]);
    // The IP gets associated: its advice stops holding.
    await tdb.db.update(cloudResources).set({ configuration: { AllocationId: "eipalloc-1", AssociationId: "eipassoc-1" } }).where(eq(cloudResources.id, ids["spare-ip"]!));
    const second = await refresh(orgA);
    expect(second).toMatchObject({ recommendationsOpened: 0, recommendationsUpdated: 1, recommendationsExpired: 1 });
    const after = await recsOf(orgA);
    expect(after).toHaveLength(8);
    const now2 = (t: string, target: string) => after.find((r) => r.recommendationType === t && (r.targetResources as string[]).includes(target))!;
    // (0.200 − 0.096) × 730 = 75.92
    expect(now2("rightsizing", ids.big!)).toMatchObject({ recommendationStatus: "approved", estimatedSavings: expect.objectContaining({ monthly_savings: 75.92 }) });
    expect(now2("spot_instances", ids.batch!)).toMatchObject({ recommendationStatus: "rejected", estimatedSavings: expect.objectContaining({ monthly_savings: 44.53 }) });
    expect(now2("unused_resources", ids["spare-ip"]!).recommendationStatus).toBe("expired");
    // A third pass with nothing changed writes nothing.
    expect(await refresh(orgA)).toMatchObject({ recommendationsOpened: 0, recommendationsUpdated: 0, recommendationsExpired: 0 });
  });

  it("retires the flat-30 % recommendations the SQL analysis opened", async () => {
    const [legacy] = await tdb.db
      .insert(costOptimizationRecommendations)
      .values({ organizationId: orgA, recommendationType: "unused_resources", targetResources: [], optimizationRules: { source: "analyze_cost_optimization", lookback_days: 30 } })
      .returning();
    expect((await refresh(orgA)).recommendationsExpired).toBe(1);
    const [row] = await tdb.db.select().from(costOptimizationRecommendations).where(eq(costOptimizationRecommendations.id, legacy!.id));
    expect(row!.recommendationStatus).toBe("expired");
  });

  it("keeps organizations apart: another organization neither gets nor sees them", async () => {
    expect(await refresh(orgB)).toMatchObject({ recommendationsOpened: 0, findings: [] });
    const seen = await withOrganization(tdb.db, orgB, (tx) => tx.select().from(costOptimizationRecommendations));
    expect(seen).toEqual([]);
    const own = await withOrganization(tdb.db, orgA, (tx) => tx.select().from(costOptimizationRecommendations));
    expect(own.length).toBeGreaterThan(0);
  });

  it("lets tenants read list prices but not write them", async () => {
    const read = await withOrganization(tdb.db, orgB, (tx) => loadPrices(tx, ["aws"]));
    expect(read.length).toBeGreaterThan(0);
    await expect(withOrganization(tdb.db, orgB, (tx) => storePrices(tx, [usd("us-east-1", "compute", "m5.large", "on_demand", "0.001")]))).rejects.toMatchObject({
      cause: expect.objectContaining({ message: expect.stringMatching(/permission denied for table cloud_prices/) }),
    });
  });

  it("asks the pricing APIs for the sizes in use with their smaller siblings, volume types with their successors, and network prices", async () => {
    const queries = await priceQueriesFor(tdb.db, orgA);
    expect([...queries.keys()]).toEqual(["aws"]);
    expect(queries.get("aws")).toEqual({
      computeSizes: ["m5.large", "m5.medium", "m5.micro", "m5.small", "m5.xlarge"],
      volumeTypes: ["gp2", "gp3"],
      network: true,
      currency: "USD",
    });
  });
});
