import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CostOptimizationRow,
  type DbOrTx,
  analyzeCostOptimization,
  cloudResources,
  costOptimizationResults,
  infrastructureMonitoring,
  queryRows,
  refreshResourceUtilization,
  resourceUtilization,
  withOrganization,
} from "../src/index.ts";
import { type TestDatabase, createTestDatabase } from "../src/testing.ts";
import type { CostOptimizationResult } from "../src/types.ts";
import { type Tenant, createResource, createTenant, rolledBackFor, sqlState } from "./fixtures.ts";

let tdb: TestDatabase;
let a: Tenant;
let b: Tenant;
const ids: Record<string, string> = {};
const DAY = 86_400_000;
const daysAgo = (d: number) => new Date(Date.now() - d * DAY);
const cost = (monthly: number | string) => ({ hourly_cost: 0, daily_cost: 0, monthly_cost: monthly as number, total_cost: 0, currency: "USD", last_updated: null });
const sample = (t: Tenant, resourceId: string, at: Date, metrics: Record<string, number>) => ({
  organizationId: t.organizationId,
  resourceId,
  monitoringTimestamp: at,
  monitoringType: "performance" as const,
  metrics,
});

/** Runs `fn` for the organization (application role) and rolls everything it did back. */
const rolledBack = <T>(t: Tenant, fn: (tx: DbOrTx) => Promise<T>): Promise<T> => rolledBackFor(tdb.db, t, fn);

const byType = (rows: CostOptimizationRow[]) => Object.fromEntries(rows.map((r) => [r.optimization_type, r]));

/**
 * In one transaction, so both see the same now(): the organization's snapshot refreshed and read
 * through analyze_cost_optimization, then the snapshot removed and the same call computed live
 * from the samples. Rolled back, so the stored snapshot stays as it was.
 */
function snapshotAndLive(t: Tenant, days = 30) {
  return rolledBack(t, async (tx) => {
    await refreshResourceUtilization(tx, { organizationId: t.organizationId, windowDays: days });
    const snapshot = await analyzeCostOptimization(tx, { organizationId: t.organizationId, lookbackDays: days });
    await tx.execute(sql`delete from resource_utilization where organization_id = ${t.organizationId}::uuid`);
    const live = await analyzeCostOptimization(tx, { organizationId: t.organizationId, lookbackDays: days });
    return { snapshot, live };
  });
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  a = await createTenant(tdb.db, "acme");
  b = await createTenant(tdb.db, "globex");
  const db = tdb.db;
  ids.idle = (await createResource(db, a, 1, { costTracking: cost(40) })).id;
  ids.idleToo = (await createResource(db, a, 2, { costTracking: cost("12.345") })).id;
  ids.idleNoCost = (await createResource(db, a, 3, { costTracking: null })).id;
  ids.low = (await createResource(db, a, 4, { costTracking: cost(100) })).id;
  ids.lowNoMemory = (await createResource(db, a, 5, { costTracking: cost(10.5) })).id;
  ids.busy = (await createResource(db, a, 6, { costTracking: cost(300) })).id;
  ids.highMemory = (await createResource(db, a, 7, { costTracking: cost(60) })).id;
  ids.stoppedIdle = (await createResource(db, a, 8, { resourceStatus: "stopped", costTracking: cost(999) })).id;
  ids.stoppedLow = (await createResource(db, a, 9, { resourceStatus: "stopped", costTracking: cost(999) })).id;
  ids.onlyOld = (await createResource(db, a, 10, { costTracking: cost(7) })).id;
  ids.noCpu = (await createResource(db, a, 11, { costTracking: cost(8) })).id;
  ids.bIdle = (await createResource(db, b, 100, { costTracking: cost(1000) })).id;
  ids.bLow = (await createResource(db, b, 101, { costTracking: cost(1000) })).id;
  await db.insert(infrastructureMonitoring).values([
    sample(a, ids.low!, daysAgo(1), { cpu_utilization: 10, memory_utilization: 20 }),
    sample(a, ids.low!, daysAgo(10), { cpu_utilization: 14, memory_utilization: 24 }),
    sample(a, ids.lowNoMemory!, daysAgo(2), { cpu_utilization: 3 }),
    sample(a, ids.busy!, daysAgo(3), { cpu_utilization: 85, memory_utilization: 60 }),
    sample(a, ids.highMemory!, daysAgo(4), { cpu_utilization: 5, memory_utilization: 90 }),
    sample(a, ids.stoppedLow!, daysAgo(1), { cpu_utilization: 1, memory_utilization: 1 }),
    // Outside a 30-day window, inside a 60-day one.
    sample(a, ids.onlyOld!, daysAgo(40), { cpu_utilization: 2, memory_utilization: 2 }),
    // Samples that report neither CPU nor memory: used, but no judgement on utilization.
    sample(a, ids.noCpu!, daysAgo(5), { response_time_ms: 12 }),
    sample(b, ids.bLow!, daysAgo(1), { cpu_utilization: 1, memory_utilization: 1 }),
  ]);
});
afterAll(async () => tdb?.drop());

describe("analyze_cost_optimization from the resource_utilization snapshot", () => {
  it("answers exactly what the live computation answers at the same moment", async () => {
    const { snapshot, live } = await snapshotAndLive(a);
    expect(snapshot).toEqual(live);
    const found = byType(snapshot);
    expect(found.unused_resources).toMatchObject({ affected_resources: 4, potential_monthly_savings: "59.35" });
    // Largest monthly saving first: 40, 12.345, 7, then no cost at all (saves 0).
    expect(found.unused_resources!.recommendation_details).toMatchObject({
      resources: [ids.idle, ids.idleToo, ids.onlyOld, ids.idleNoCost],
      resources_total: 4,
      resources_truncated: false,
    });
    expect(found.rightsizing).toMatchObject({ affected_resources: 2, potential_monthly_savings: "33.15" });
    // 30 % of 100, then 30 % of 10.5.
    expect(found.rightsizing!.recommendation_details).toMatchObject({ resources: [ids.low, ids.lowNoMemory], resources_total: 2, resources_truncated: false });
  });

  it("reads the snapshot and reports its refresh time until the next refresh", async () => {
    const written = await withOrganization(tdb.db, a.organizationId, (tx) => refreshResourceUtilization(tx, { organizationId: a.organizationId }));
    expect(written).toBe(11);
    const [refreshed] = await queryRows<{ at: Date }>(
      tdb.db,
      sql`select min(refreshed_at) as at from resource_utilization where organization_id = ${a.organizationId}::uuid having min(refreshed_at) = max(refreshed_at)`,
    );
    const before = byType(await withOrganization(tdb.db, a.organizationId, (tx) => analyzeCostOptimization(tx, { organizationId: a.organizationId })));
    expect(new Date(before.unused_resources!.recommendation_details.as_of)).toEqual(new Date(refreshed!.at));
    expect(new Date(before.rightsizing!.recommendation_details.as_of)).toEqual(new Date(refreshed!.at));

    // The idle resource reports in, but until a refresh the answer stays the snapshot's.
    await tdb.db.insert(infrastructureMonitoring).values(sample(a, ids.idle!, daysAgo(0.5), { cpu_utilization: 50, memory_utilization: 50 }));
    const stale = byType(await withOrganization(tdb.db, a.organizationId, (tx) => analyzeCostOptimization(tx, { organizationId: a.organizationId })));
    expect(stale.unused_resources!.recommendation_details.resources).toContain(ids.idle);

    await withOrganization(tdb.db, a.organizationId, (tx) => refreshResourceUtilization(tx, { organizationId: a.organizationId }));
    const after = byType(await withOrganization(tdb.db, a.organizationId, (tx) => analyzeCostOptimization(tx, { organizationId: a.organizationId })));
    expect(after.unused_resources!.recommendation_details.resources).not.toContain(ids.idle);
    expect(new Date(after.unused_resources!.recommendation_details.as_of).getTime()).toBeGreaterThan(new Date(refreshed!.at).getTime());
  });

  it("stays identical to the live computation after the estate changes and a refresh", async () => {
    // Stopped, started, a new idle resource, new samples, a new price, and a snapshot row gone.
    await tdb.db.update(cloudResources).set({ resourceStatus: "stopped" }).where(sql`${cloudResources.id} = ${ids.idleToo}`);
    await tdb.db.update(cloudResources).set({ resourceStatus: "running" }).where(sql`${cloudResources.id} = ${ids.stoppedLow}`);
    await tdb.db.update(cloudResources).set({ costTracking: cost(222.22) }).where(sql`${cloudResources.id} = ${ids.low}`);
    ids.fresh = (await createResource(tdb.db, a, 12, { costTracking: cost(5) })).id;
    await tdb.db.insert(infrastructureMonitoring).values(sample(a, ids.busy!, daysAgo(0.1), { cpu_utilization: 0, memory_utilization: 0 }));
    await tdb.db.insert(infrastructureMonitoring).values(sample(a, ids.highMemory!, daysAgo(0.2), { cpu_utilization: 1, memory_utilization: 0 }));
    await tdb.db.delete(resourceUtilization).where(sql`${resourceUtilization.resourceId} = ${ids.onlyOld}`);

    const { snapshot, live } = await snapshotAndLive(a);
    expect(snapshot).toEqual(live);
    const found = byType(snapshot);
    // By saving: onlyOld 7, fresh 5, idleNoCost nothing.
    expect(found.unused_resources!.recommendation_details.resources).toEqual([ids.onlyOld, ids.fresh, ids.idleNoCost]);
    // highMemory: mean CPU 3 %, mean memory 45 %: still not a candidate. stoppedLow runs again.
    // By saving: stoppedLow 30 % of 999, low 30 % of 222.22, lowNoMemory 30 % of 10.5.
    expect(found.rightsizing!.recommendation_details.resources).toEqual([ids.stoppedLow, ids.low, ids.lowNoMemory]);
    expect(found.rightsizing!.potential_monthly_savings).toBe("369.52");
  });

  it("computes live for another window, and for an organization without a snapshot", async () => {
    await withOrganization(tdb.db, a.organizationId, (tx) => refreshResourceUtilization(tx, { organizationId: a.organizationId }));
    const { now, rows } = await rolledBack(a, async (tx) => {
      const [clock] = await queryRows<{ now: Date }>(tx, sql`select now()`);
      return { now: clock!.now, rows: await analyzeCostOptimization(tx, { organizationId: a.organizationId, lookbackDays: 60 }) };
    });
    const sixty = byType(rows);
    // The 40-day-old sample counts in 60 days: onlyOld is under-used, not unused, and the answer is as of now.
    expect(sixty.unused_resources!.recommendation_details.resources).not.toContain(ids.onlyOld);
    expect(sixty.rightsizing!.recommendation_details.resources).toContain(ids.onlyOld);
    expect(new Date(sixty.rightsizing!.recommendation_details.as_of)).toEqual(new Date(now));

    const { snapshot, live } = await snapshotAndLive(a, 60);
    expect(snapshot).toEqual(live);

    const fromB = await withOrganization(tdb.db, b.organizationId, (tx) => analyzeCostOptimization(tx, { organizationId: b.organizationId }));
    expect(byType(fromB).unused_resources!.recommendation_details.resources).toEqual([ids.bIdle]);
    const [count] = await queryRows<{ n: number }>(tdb.db, sql`select count(*)::int as n from resource_utilization where organization_id = ${b.organizationId}::uuid`);
    expect(count!.n).toBe(0);
  });

  it("a refresh covers only its organization, and a resource's row goes with the resource", async () => {
    await withOrganization(tdb.db, b.organizationId, (tx) => refreshResourceUtilization(tx, { organizationId: b.organizationId }));
    const rows = await queryRows<{ organization_id: string; n: number; windows: number }>(
      tdb.db,
      sql`select organization_id::text, count(*)::int as n, count(distinct window_days)::int as windows from resource_utilization group by organization_id order by 2`,
    );
    expect(rows).toEqual([
      { organization_id: b.organizationId, n: 2, windows: 1 },
      { organization_id: a.organizationId, n: 12, windows: 1 },
    ]);
    const temporary = await createResource(tdb.db, a, 13);
    await withOrganization(tdb.db, a.organizationId, (tx) => refreshResourceUtilization(tx, { organizationId: a.organizationId }));
    await tdb.db.delete(cloudResources).where(sql`${cloudResources.id} = ${temporary.id}`);
    const [left] = await queryRows<{ n: number }>(tdb.db, sql`select count(*)::int as n from resource_utilization where resource_id = ${temporary.id}::uuid`);
    expect(left!.n).toBe(0);
  });

  it("stores its answer at each refresh and forgets it when the snapshot changes otherwise", async () => {
    // A running resource with no sample at all: unused, and free to delete.
    const doomed = (await createResource(tdb.db, a, 14, { costTracking: cost(3) })).id;
    await withOrganization(tdb.db, a.organizationId, (tx) => refreshResourceUtilization(tx, { organizationId: a.organizationId }));
    // The worker refreshes too: it writes the answer but may not delete one.
    await withOrganization(tdb.db, b.organizationId, (tx) => refreshResourceUtilization(tx, { organizationId: b.organizationId }), {
      role: "cloudsync_worker",
    });
    const storedFor = async (t: Tenant) => {
      const rows: CostOptimizationResult[] = await tdb.db
        .select()
        .from(costOptimizationResults)
        .where(sql`${costOptimizationResults.organizationId} = ${t.organizationId}`)
        .orderBy(costOptimizationResults.optimizationType);
      return rows.map((r) => r.optimizationType);
    };
    expect(await storedFor(a)).toEqual(["rightsizing", "unused_resources"]);
    expect(await storedFor(b)).toEqual(["rightsizing", "unused_resources"]);

    // Served from the stored rows, and aggregated from the snapshot once they are gone: the same.
    const stored = await withOrganization(tdb.db, a.organizationId, (tx) => analyzeCostOptimization(tx, { organizationId: a.organizationId }));
    const aggregated = await rolledBack(a, async (tx) => {
      await tx.execute(sql`delete from cost_optimization_results where organization_id = ${a.organizationId}::uuid`);
      return analyzeCostOptimization(tx, { organizationId: a.organizationId });
    });
    expect(stored).toEqual(aggregated);
    expect(byType(stored).unused_resources!.recommendation_details.resources).toContain(doomed);

    // A resource deleted takes its snapshot row, and with it A's stored answer (not B's); the
    // answer is then the snapshot's without it.
    await tdb.db.delete(cloudResources).where(sql`${cloudResources.id} = ${doomed}`);
    expect(await storedFor(a)).toEqual([]);
    expect(await storedFor(b)).toEqual(["rightsizing", "unused_resources"]);
    const after = byType(await withOrganization(tdb.db, a.organizationId, (tx) => analyzeCostOptimization(tx, { organizationId: a.organizationId })));
    expect(after.unused_resources!.recommendation_details.resources).not.toContain(doomed);
    expect(after.unused_resources!.affected_resources).toBe(byType(stored).unused_resources!.affected_resources - 1);
  });

  it("refuses a window outside 1–3650 days", async () => {
    const code = await sqlState(
      withOrganization(tdb.db, a.organizationId, (tx) => tx.execute(sql`select refresh_resource_utilization(${a.organizationId}::uuid, 0)`)),
    );
    expect(code).toBe("22023");
  });
});
