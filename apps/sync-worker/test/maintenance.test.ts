import {
  type DbHandle,
  cloudProviders,
  cloudRegions,
  cloudResources,
  costOptimizationRecommendations,
  createDb,
  infrastructureMonitoring,
  listMonitoringPartitions,
  maintenanceRuns,
  organizations,
  queryRows,
  refreshResourceUtilization,
  syncRuns,
  userProfiles,
  withOrganization,
} from "@cloudsync/db";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { runMaintenance } from "../src/jobs/maintenance.ts";
import { silentLogger } from "../src/logger.ts";

let tdb: TestDatabase;
let orgId: string;
let idle: string;
let busy: string;
let providerId: string;
let regionId: string;
let userId: string;
const deps = () => ({ db: tdb.db, logger: silentLogger() });

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: "cloudsync_maint" });
  const [org] = await tdb.db.insert(organizations).values({ name: "Maint", slug: "maint" }).returning();
  const [user] = await tdb.db.insert(userProfiles).values({ organizationId: org!.id, email: "m@maint.example" }).returning();
  const [provider] = await tdb.db
    .insert(cloudProviders)
    .values({ organizationId: org!.id, providerName: "aws", providerType: "primary", displayName: "AWS", credentialsConfig: {}, createdBy: user!.id })
    .returning();
  const [region] = await tdb.db.insert(cloudRegions).values({ organizationId: org!.id, providerId: provider!.id, regionCode: "us-east-1", regionName: "N. Virginia" }).returning();
  orgId = org!.id;
  providerId = provider!.id;
  regionId = region!.id;
  userId = user!.id;
  const resource = (n: number, monthly: number) => ({
    organizationId: orgId,
    providerId,
    regionId: region!.id,
    resourceId: `i-${n}`,
    resourceName: `vm-${n}`,
    resourceType: "compute" as const,
    configuration: {},
    resourceStatus: "running" as const,
    createdBy: user!.id,
    costTracking: { hourly_cost: 0, daily_cost: 0, monthly_cost: monthly, total_cost: 0, currency: "USD", last_updated: null },
  });
  [idle, busy] = (await tdb.db.insert(cloudResources).values([resource(1, 40), resource(2, 100)]).returning()).map((r) => r.id) as [string, string];
  // `busy` reports high CPU; `idle` reports nothing at all: an unused resource.
  await tdb.db.insert(infrastructureMonitoring).values({ organizationId: orgId, resourceId: busy, monitoringType: "performance", metrics: { cpu_utilization: 90, memory_utilization: 80 } });
  await tdb.db.insert(syncRuns).values({ organizationId: orgId, providerId, kind: "resources", status: "running", startedAt: new Date(Date.now() - 24 * 3600_000) });
});
afterAll(async () => tdb?.drop());

it("opens one recommendation per finding, updates it on later runs without duplicates, and expires it when the finding goes", async () => {
  // `idle` reports no samples at all: that alone no longer makes it unused (no activity signal).
  // An unattached 100 GiB gp2 volume at 0.10 a GB-month is: 10.00 a month.
  await tdb.db.execute(sql`insert into cloud_prices (cloud, region, product, sku, term, currency, unit_price, unit, source_id)
                           values ('aws', 'us-east-1', 'volume', 'gp2', 'on_demand', 'USD', 0.10, 'gb_month', 'test')`);
  const [volume] = await tdb.db
    .insert(cloudResources)
    .values({
      organizationId: orgId,
      providerId,
      regionId,
      resourceId: "vol-1",
      resourceName: "vol-1",
      resourceType: "storage",
      resourceSubtype: "ebs_volume",
      configuration: { VolumeType: "gp2", Size: 100, State: "available", Attachments: [] },
      resourceStatus: "running",
      createdBy: userId,
    })
    .returning();
  const first = await runMaintenance(deps());
  expect(first.recommendationsOpened).toBe(1);
  const second = await runMaintenance(deps(), { trigger: "schedule", jobId: "maintenance-2" });
  // Nothing changed: the open recommendation is neither duplicated nor rewritten.
  expect(second).toMatchObject({ recommendationsOpened: 0, recommendationsUpdated: 0 });
  // Each pass leaves the organization a record of its own, in its own words.
  const records = await tdb.db.select().from(maintenanceRuns).where(eq(maintenanceRuns.organizationId, orgId)).orderBy(asc(maintenanceRuns.startedAt));
  expect(records).toHaveLength(2);
  expect(records[0]).toMatchObject({
    status: "succeeded",
    trigger: "manual",
    jobId: null,
    utilizationRowsRefreshed: 3,
    recommendationsOpened: 1,
    recommendationsUpdated: 0,
    recommendationsExpired: 0,
    staleSyncRunsClosed: 1, // the run left `running` a day ago
    error: null,
  });
  expect(records[0]!.finishedAt!.getTime()).toBeGreaterThanOrEqual(records[0]!.startedAt.getTime());
  expect(records[1]).toMatchObject({ status: "succeeded", trigger: "schedule", jobId: "maintenance-2", recommendationsOpened: 0, recommendationsUpdated: 0, staleSyncRunsClosed: 0 });
  const recs = await tdb.db.select().from(costOptimizationRecommendations).where(eq(costOptimizationRecommendations.organizationId, orgId));
  expect(recs).toHaveLength(1);
  expect(recs[0]).toMatchObject({ recommendationType: "unused_resources", recommendationStatus: "identified", targetResources: [volume!.id] });
  expect(recs[0]!.estimatedSavings).toMatchObject({ monthly_savings: 10, annual_savings: 120, percentage_savings: 100, currency: "USD" });

  // The volume gets attached: no finding any more, so the open recommendation expires.
  await tdb.db
    .update(cloudResources)
    .set({ configuration: { VolumeType: "gp3", Size: 100, State: "in-use", Attachments: [{ InstanceId: "i-1" }] } })
    .where(eq(cloudResources.id, volume!.id));
  const third = await runMaintenance(deps());
  expect(third.recommendationsExpired).toBe(1);
  const [after] = await tdb.db.select().from(costOptimizationRecommendations).where(eq(costOptimizationRecommendations.organizationId, orgId));
  expect(after!.recommendationStatus).toBe("expired");
});

it("keeps partitions three months ahead and closes runs whose worker died", async () => {
  const summary = await runMaintenance(deps());
  const names = (await listMonitoringPartitions(tdb.db)).map((p) => p.name);
  const ahead = new Date();
  ahead.setUTCMonth(ahead.getUTCMonth() + 3, 1);
  expect(names).toContain(`infrastructure_monitoring_p${ahead.getUTCFullYear()}${String(ahead.getUTCMonth() + 1).padStart(2, "0")}`);
  expect(summary.partitionsRetired).toEqual([]);
  const runs = await tdb.db.select().from(syncRuns).where(eq(syncRuns.providerId, providerId));
  expect(runs.every((r) => r.status === "failed")).toBe(true);
  expect(runs[0]!.error).toMatch(/closed by maintenance/);
});

it("refreshes the utilization snapshot before reading recommendations from it, as the worker role", async () => {
  // Maintenance runs as cloudsync_worker in production: no organization of its own, no DELETE.
  const worker: DbHandle = await createDb({ url: tdb.url, role: "cloudsync_worker", maxConnections: 1 });
  try {
    const [late] = await tdb.db
      .insert(cloudResources)
      .values({
        organizationId: orgId,
        providerId,
        regionId,
        resourceId: "i-late",
        resourceName: "vm-late",
        resourceType: "compute",
        configuration: {},
        resourceStatus: "running",
        createdBy: userId,
        costTracking: { hourly_cost: 0, daily_cost: 0, monthly_cost: 25, total_cost: 0, currency: "USD", last_updated: null },
      })
      .returning();
    // A snapshot taken while `late` had not reported yet; then it reports.
    await withOrganization(tdb.db, orgId, (tx) => refreshResourceUtilization(tx, { organizationId: orgId }), { role: null });
    await tdb.db.insert(infrastructureMonitoring).values({ organizationId: orgId, resourceId: late!.id, monitoringType: "performance", metrics: { cpu_utilization: 60, memory_utilization: 70 } });

    const before = (await tdb.db.select().from(maintenanceRuns)).length;
    const summary = await runMaintenance({ db: worker.db, logger: silentLogger() });
    // The worker role records the pass too (its policy on maintenance_runs lets it through).
    expect((await tdb.db.select().from(maintenanceRuns)).length).toBe(before + 1);
    // From a stale snapshot `late` would be an unused resource with a recommendation of its own.
    expect(summary.recommendationsOpened).toBe(0);
    const open = await tdb.db.select().from(costOptimizationRecommendations).where(eq(costOptimizationRecommendations.recommendationStatus, "identified"));
    expect(open).toEqual([]);
    const [row] = await queryRows<{ sample_count: number; is_unused: boolean; window_days: number }>(
      tdb.db,
      sql`select sample_count, is_unused, window_days from resource_utilization where resource_id = ${late!.id}::uuid`,
    );
    expect(row).toEqual({ sample_count: 1, is_unused: false, window_days: 30 });
  } finally {
    await worker.close();
  }
});

it("prunes the change feed's events past their retention, as the worker role", async () => {
  const [resource] = await tdb.db
    .insert(cloudResources)
    .values({ organizationId: orgId, providerId, regionId, resourceId: "i-feed", resourceName: "vm-feed", resourceType: "compute", configuration: {}, resourceStatus: "running", createdBy: userId })
    .returning();
  await tdb.db.update(cloudResources).set({ resourceStatus: "stopped" }).where(eq(cloudResources.id, resource!.id));
  await tdb.db.update(cloudResources).set({ resourceStatus: "running" }).where(eq(cloudResources.id, resource!.id));
  // One event is two days old, the other fresh: only the old one goes.
  await tdb.db.execute(sql`update realtime_events set created_at = now() - interval '2 days' where seq = (select min(seq) from realtime_events where resource_id = ${resource!.id})`);
  const worker: DbHandle = await createDb({ url: tdb.url, role: "cloudsync_worker", maxConnections: 1 });
  try {
    const summary = await runMaintenance({ db: worker.db, logger: deps().logger }, { realtimeEventRetentionHours: 24 });
    expect(summary.realtimeEventsPruned).toBeGreaterThanOrEqual(1);
  } finally {
    await worker.close();
  }
  const left = await queryRows<{ n: number }>(tdb.db, sql`select count(*)::int as n from realtime_events where resource_id = ${resource!.id}`);
  expect(left[0]!.n).toBe(1);
});

it("records a failed organization as failed, goes on with the others, and fails the pass so it is retried", async () => {
  const [other] = await tdb.db.insert(organizations).values({ name: "Other", slug: "maint-other" }).returning();
  // A recommendation the update cannot take (a CHECK refuses it) makes this organization's step fail.
  await tdb.db.execute(sql`alter table cost_optimization_recommendations add constraint maint_test_refuses check (recommendation_status <> 'expired') not valid`);
  try {
    await tdb.db.insert(costOptimizationRecommendations).values({
      organizationId: orgId,
      recommendationType: "rightsizing",
      findingKey: "rightsizing:gone:m5.large",
      targetResources: [],
      optimizationRules: {},
      estimatedSavings: { monthly_savings: 1, annual_savings: 12, percentage_savings: 0, currency: "USD" },
      recommendationStatus: "identified",
    });
    await expect(runMaintenance(deps())).rejects.toThrow(/maintenance failed for 1 of 2 organizations .*maint_test_refuses/);
  } finally {
    await tdb.db.execute(sql`alter table cost_optimization_recommendations drop constraint maint_test_refuses`);
  }
  const latest = async (org: string) =>
    (await tdb.db.select().from(maintenanceRuns).where(eq(maintenanceRuns.organizationId, org)).orderBy(asc(maintenanceRuns.startedAt))).at(-1)!;
  expect(await latest(orgId)).toMatchObject({ status: "failed", recommendationsOpened: null, error: expect.stringMatching(/maint_test_refuses/) });
  expect(await latest(other!.id)).toMatchObject({ status: "succeeded", utilizationRowsRefreshed: 0, recommendationsOpened: 0 });
});
