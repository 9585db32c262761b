import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  analyzeCostOptimization,
  cloudCosts,
  cloudProviders,
  cloudRegions,
  getInfrastructureHealthScore,
  getMonthlyCostSummary,
  infrastructureMonitoring,
  refreshMonthlyCostSummary,
  withOrganization,
} from "../src/index.ts";
import { type TestDatabase, createTestDatabase } from "../src/testing.ts";
import { type Tenant, createResource, createTenant } from "./fixtures.ts";

let tdb: TestDatabase;
let a: Tenant;
let b: Tenant;
let azureProviderId: string;
const ids: Record<string, string> = {};
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

beforeAll(async () => {
  tdb = await createTestDatabase();
  a = await createTenant(tdb.db, "acme");
  b = await createTenant(tdb.db, "globex");
  const db = tdb.db;
  const cost = (monthly: number) => ({ hourly_cost: 0, daily_cost: 0, monthly_cost: monthly, total_cost: 0, currency: "USD", last_updated: null });
  // Organization A on AWS: five running resources and one stopped one.
  ids.healthy1 = (await createResource(db, a, 1, { healthStatus: "healthy", costTracking: cost(100) })).id;
  ids.healthy2 = (await createResource(db, a, 2, { healthStatus: "healthy", costTracking: cost(200) })).id;
  ids.warning = (await createResource(db, a, 3, { healthStatus: "warning", costTracking: cost(50) })).id;
  ids.critical = (await createResource(db, a, 4, { healthStatus: "critical", costTracking: cost(25.5) })).id;
  ids.unknown = (await createResource(db, a, 5, { healthStatus: "unknown", costTracking: cost(10) })).id;
  ids.stopped = (await createResource(db, a, 6, { healthStatus: "healthy", resourceStatus: "stopped", costTracking: cost(999) })).id;
  // And one running healthy resource on Azure.
  const [azure] = await db
    .insert(cloudProviders)
    .values({ organizationId: a.organizationId, providerName: "azure", providerType: "secondary", displayName: "Azure", credentialsConfig: {}, createdBy: a.userId })
    .returning();
  azureProviderId = azure!.id;
  const [eastus] = await db.insert(cloudRegions).values({ organizationId: a.organizationId, providerId: azureProviderId, regionCode: "eastus", regionName: "East US" }).returning();
  ids.azure = (
    await createResource(db, { ...a, providerId: azureProviderId, regionId: eastus!.id }, 7, { healthStatus: "healthy", costTracking: cost(40) })
  ).id;
  // Organization B: lots of critical resources that must never show up in A's numbers.
  for (let n = 100; n < 103; n++) await createResource(db, b, n, { healthStatus: "critical", costTracking: cost(1000) });

  const sample = (resourceId: string, at: Date, metrics: Record<string, number>, org = a.organizationId) => ({
    organizationId: org,
    resourceId,
    monitoringTimestamp: at,
    monitoringType: "performance" as const,
    metrics,
  });
  await db.insert(infrastructureMonitoring).values([
    // Last hour: response times 100, 200 (AWS) and 300 (Azure).
    sample(ids.healthy1!, minutesAgo(10), { response_time_ms: 100, cpu_utilization: 10, memory_utilization: 20 }),
    sample(ids.healthy1!, minutesAgo(20), { response_time_ms: 200, cpu_utilization: 14, memory_utilization: 24 }),
    sample(ids.azure!, minutesAgo(30), { response_time_ms: 300, cpu_utilization: 90, memory_utilization: 80 }),
    // Two hours ago: outside the health score's hour, inside the optimization window.
    sample(ids.healthy2!, minutesAgo(120), { response_time_ms: 5000, cpu_utilization: 85, memory_utilization: 60 }),
    // Forty days ago: outside the 30-day window, so 'warning' counts as unused.
    sample(ids.warning!, minutesAgo(40 * 24 * 60), { cpu_utilization: 1, memory_utilization: 1 }),
  ]);
});
afterAll(async () => tdb?.drop());

describe("get_infrastructure_health_score", () => {
  it("counts A's running resources, the unknown apart, and averages the last hour's response times", async () => {
    const score = await withOrganization(tdb.db, a.organizationId, (tx) => getInfrastructureHealthScore(tx, { organizationId: a.organizationId }));
    // Running: 3 healthy, 1 warning, 1 critical, 1 unknown. Judged 5 of 6 (83.33 %), 3 of 5 healthy
    // (60 %); 1 critical of 5 judged is at least a tenth, so critical.
    expect(score).toMatchObject({
      total_resources: 6,
      judged_resources: 5,
      healthy_resources: 3,
      warning_resources: 1,
      critical_resources: 1,
      unknown_resources: 1,
      coverage_percentage: 83.33,
      health_percentage: 60,
      avg_response_time_ms: 200,
      overall_status: "critical",
    });
  });

  it("narrows to the providers asked for", async () => {
    const score = await withOrganization(tdb.db, a.organizationId, (tx) =>
      getInfrastructureHealthScore(tx, { organizationId: a.organizationId, providerIds: [a.providerId] }),
    );
    // 2 healthy, 1 warning, 1 critical, 1 unknown: 2 of 4 judged healthy, 4 of 5 judged.
    expect(score).toMatchObject({ total_resources: 5, healthy_resources: 2, unknown_resources: 1, coverage_percentage: 80, health_percentage: 50, avg_response_time_ms: 150 });
  });

  it("an organization with no running resources is unknown, with no percentages to give", async () => {
    const c = await createTenant(tdb.db, "initech");
    const score = await withOrganization(tdb.db, c.organizationId, (tx) => getInfrastructureHealthScore(tx, { organizationId: c.organizationId }));
    expect(score).toMatchObject({
      total_resources: 0,
      judged_resources: 0,
      coverage_percentage: null,
      health_percentage: null,
      avg_response_time_ms: null,
      overall_status: "unknown",
    });
  });

  it.each([
    // [healthy, warning, critical, unknown] → coverage %, health %, overall
    [[0, 0, 0, 4], 0, null, "unknown"], // no signal is never critical, never healthy
    [[3, 0, 0, 1], 75, 100, "healthy"],
    [[18, 1, 1, 20], 50, 90, "warning"], // 1 critical of 20 judged: under a tenth
    [[8, 0, 1, 0], 100, 88.89, "critical"], // 1 of 9 judged: over a tenth
    [[9, 0, 1, 90], 10, 90, "critical"], // exactly a tenth of the judged; the unknown do not dilute it
  ] as const)("resources %j: coverage %s %, healthy %s %, %s", async (counts, coverage, healthy, overall) => {
    const t = await createTenant(tdb.db, `mix-${counts.join("-")}`);
    const statuses = (["healthy", "warning", "critical", "unknown"] as const).flatMap((s, i) => Array.from({ length: counts[i]! }, () => s));
    for (const [n, healthStatus] of statuses.entries()) await createResource(tdb.db, t, n, { healthStatus });
    const score = await withOrganization(tdb.db, t.organizationId, (tx) => getInfrastructureHealthScore(tx, { organizationId: t.organizationId }));
    expect(score).toMatchObject({
      total_resources: statuses.length,
      unknown_resources: counts[3],
      coverage_percentage: coverage,
      health_percentage: healthy,
      overall_status: overall,
    });
  });
});

describe("analyze_cost_optimization", () => {
  it("finds the unused and the under-used running resources with their savings", async () => {
    const rows = await withOrganization(tdb.db, a.organizationId, (tx) => analyzeCostOptimization(tx, { organizationId: a.organizationId, lookbackDays: 30 }));
    const byType = Object.fromEntries(rows.map((r) => [r.optimization_type, r]));
    // No sample in 30 days: warning (50), critical (25.50), unknown (10); stopped ones don't count.
    expect(byType.unused_resources).toMatchObject({ potential_monthly_savings: "85.50", affected_resources: 3 });
    // Largest monthly saving first: 50, 25.50, 10; all of them (3 ≤ 100), so not truncated.
    expect(byType.unused_resources!.recommendation_details).toMatchObject({
      resources: [ids.warning, ids.critical, ids.unknown],
      resources_total: 3,
      resources_truncated: false,
    });
    // Mean CPU 12 % and memory 22 %: healthy1, 30 % of 100.
    expect(byType.rightsizing).toMatchObject({ potential_monthly_savings: "30.00", affected_resources: 1 });
    expect(byType.rightsizing!.recommendation_details).toMatchObject({ resources: [ids.healthy1], resources_total: 1, resources_truncated: false });
  });

  it("a longer window sees the old sample, so nothing of A's sits idle but two", async () => {
    const rows = await withOrganization(tdb.db, a.organizationId, (tx) => analyzeCostOptimization(tx, { organizationId: a.organizationId, lookbackDays: 60 }));
    const unused = rows.find((r) => r.optimization_type === "unused_resources");
    expect(unused).toMatchObject({ affected_resources: 2, potential_monthly_savings: "35.50" });
    // The old sample (cpu 1 %, memory 1 %) now makes 'warning' a rightsizing candidate too.
    expect(rows.find((r) => r.optimization_type === "rightsizing")).toMatchObject({ affected_resources: 2, potential_monthly_savings: "45.00" });
  });
});

describe("analyze_cost_optimization without memory metrics", () => {
  it("judges a resource whose cloud reports no memory on CPU alone", async () => {
    const c = await createTenant(tdb.db, "nomem");
    const r = await createResource(tdb.db, c, 1, { costTracking: { hourly_cost: 0, daily_cost: 0, monthly_cost: 10, total_cost: 0, currency: "USD", last_updated: null } });
    await tdb.db.insert(infrastructureMonitoring).values({
      organizationId: c.organizationId,
      resourceId: r.id,
      monitoringTimestamp: minutesAgo(5),
      monitoringType: "performance",
      metrics: { cpu_utilization: 3 },
    });
    const rows = await withOrganization(tdb.db, c.organizationId, (tx) => analyzeCostOptimization(tx, { organizationId: c.organizationId }));
    expect(rows).toEqual([
      expect.objectContaining({ optimization_type: "rightsizing", affected_resources: 1, potential_monthly_savings: "3.00" }),
    ]);
  });
});

describe("monthly_cost_summary", () => {
  it("refreshes concurrently and sums to the cent, per currency", async () => {
    const line = (org: Tenant, start: string, amount: string, category: "compute" | "storage", currency = "USD") => ({
      organizationId: org.organizationId,
      providerId: org.providerId,
      costPeriodStart: start,
      costPeriodEnd: start,
      costAmount: amount,
      costCategory: category,
      costCurrency: currency,
    });
    await tdb.db.insert(cloudCosts).values([
      line(a, "2026-10-01", "10.00", "compute"),
      line(a, "2026-10-15", "5.50", "compute"),
      line(a, "2026-10-20", "-1.25", "compute"), // a credit
      line(a, "2026-10-21", "3.00", "compute", "EUR"),
      line(a, "2026-11-01", "7.00", "storage"),
      line(b, "2026-10-01", "1000.00", "compute"),
    ]);
    await refreshMonthlyCostSummary(tdb.db);
    // A reader during a concurrent refresh is not blocked; a second refresh after new lines sees them.
    const rows = await withOrganization(tdb.db, a.organizationId, (tx) => getMonthlyCostSummary(tx, { organizationId: a.organizationId }));
    expect(rows.map((r) => [r.month, r.costCategory, r.costCurrency, r.totalCost, r.costEntries])).toEqual([
      ["2026-10-01", "compute", "EUR", "3.00", 1],
      ["2026-10-01", "compute", "USD", "14.25", 3],
      ["2026-11-01", "storage", "USD", "7.00", 1],
    ]);
    const november = await withOrganization(tdb.db, a.organizationId, (tx) =>
      getMonthlyCostSummary(tx, { organizationId: a.organizationId, fromMonth: "2026-11-01", toMonth: "2026-11-30" }),
    );
    expect(november.map((r) => r.totalCost)).toEqual(["7.00"]);

    await tdb.db.insert(cloudCosts).values(line(a, "2026-11-02", "0.01", "storage"));
    await refreshMonthlyCostSummary(tdb.db);
    const after = await withOrganization(tdb.db, a.organizationId, (tx) => getMonthlyCostSummary(tx, { organizationId: a.organizationId, fromMonth: "2026-11-01" }));
    expect(after.map((r) => [r.totalCost, r.costEntries])).toEqual([["7.01", 2]]);
  });
});
