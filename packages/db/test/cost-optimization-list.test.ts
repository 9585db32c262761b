// analyze_cost_optimization lists at most 100 resources a row, largest monthly saving first,
// and cost_optimization_resources pages the whole list (docs/health-and-costs.md, "Cost
// optimization"). The fixture has more than 100 of each kind, with ties and resources without
// a cost, so the bound, the order, the totals and the paging are all checked by hand.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CostOptimizationResource,
  type CostOptimizationRow,
  type CostOptimizationType,
  type DbOrTx,
  cloudResources,
  costOptimizationResources,
  analyzeCostOptimization,
  infrastructureMonitoring,
  queryRows,
  refreshResourceUtilization,
  withOrganization,
} from "../src/index.ts";
import { type TestDatabase, createTestDatabase } from "../src/testing.ts";
import { type Tenant, createTenant, resourceValues, rolledBackFor, sqlState } from "./fixtures.ts";

let tdb: TestDatabase;
let c: Tenant;
let other: Tenant;
const cost = (monthly: number | string) => ({ hourly_cost: 0, daily_cost: 0, monthly_cost: monthly as number, total_cost: 0, currency: "USD", last_updated: null });
const byId = (list: string[]) => [...list].sort();
const group: Record<string, string[]> = {};

/** Runs `fn` for the organization (application role) and rolls everything it did back. */
const rolledBack = <T>(t: Tenant, fn: (tx: DbOrTx) => Promise<T>): Promise<T> => rolledBackFor(tdb.db, t, fn);

/** Inserts `count` resources numbered from `from` and returns their ids. */
async function resources(t: Tenant, from: number, count: number, overrides: Parameters<typeof resourceValues>[2]): Promise<string[]> {
  const rows = await tdb.db
    .insert(cloudResources)
    .values(Array.from({ length: count }, (_, i) => resourceValues(t, from + i, overrides)))
    .returning({ id: cloudResources.id });
  return rows.map((r) => r.id);
}

/** Every page of the list, `pageSize` at a time, until `next` is null. */
async function walk(tx: DbOrTx, t: Tenant, optimizationType: CostOptimizationType, pageSize: number, lookbackDays = 30) {
  const all: CostOptimizationResource[] = [];
  let after: { monthlySavings: string; resourceId: string } | undefined;
  for (let pages = 0; pages < 1000; pages++) {
    const page = await costOptimizationResources(tx, { organizationId: t.organizationId, optimizationType, lookbackDays, pageSize, after });
    expect(page.resources.length).toBeLessThanOrEqual(pageSize);
    all.push(...page.resources);
    if (!page.next) return all;
    after = page.next;
  }
  throw new Error("more than 1000 pages: the cursor does not advance");
}

const byType = (rows: CostOptimizationRow[]) => Object.fromEntries(rows.map((r) => [r.optimization_type, r]));

beforeAll(async () => {
  tdb = await createTestDatabase();
  c = await createTenant(tdb.db, "bulk");
  other = await createTenant(tdb.db, "other");
  // Unused (running, no sample): one at 50, thirty at 10, eighty at 2.50, ten without a cost.
  group.top = await resources(c, 1, 1, { costTracking: cost(50) });
  group.tens = await resources(c, 2, 30, { costTracking: cost(10) });
  group.twoFifty = await resources(c, 32, 80, { costTracking: cost("2.50") });
  group.noCost = await resources(c, 112, 10, { costTracking: null });
  // Under-used (mean CPU 5 %, memory 10 %): 105 at 20 a month, one at 3.33.
  group.low = await resources(c, 122, 105, { costTracking: cost(20) });
  group.lowCheap = await resources(c, 227, 1, { costTracking: cost("3.33") });
  // Neither: busy, or stopped.
  group.busy = await resources(c, 228, 2, { costTracking: cost(1000) });
  group.stopped = await resources(c, 230, 1, { resourceStatus: "stopped", costTracking: cost(999) });
  // Another organization's idle resource, larger than any of C's: it must never show.
  group.otherIdle = await resources(other, 1, 1, { costTracking: cost(5000) });
  const at = new Date(Date.now() - 3_600_000);
  await tdb.db.insert(infrastructureMonitoring).values([
    ...[...group.low, ...group.lowCheap].map((resourceId) => ({
      organizationId: c.organizationId,
      resourceId,
      monitoringTimestamp: at,
      monitoringType: "performance" as const,
      metrics: { cpu_utilization: 5, memory_utilization: 10 },
    })),
    ...group.busy.map((resourceId) => ({
      organizationId: c.organizationId,
      resourceId,
      monitoringTimestamp: at,
      monitoringType: "performance" as const,
      metrics: { cpu_utilization: 80, memory_utilization: 70 },
    })),
  ]);
});
afterAll(async () => tdb?.drop());

// The order by hand: saving descending, then id.
const unusedOrder = () => [...group.top!, ...byId(group.tens!), ...byId(group.twoFifty!), ...byId(group.noCost!)];
const rightsizingOrder = () => [...byId(group.low!), ...group.lowCheap!];

describe("analyze_cost_optimization with more than 100 resources a row", () => {
  it("lists the 100 largest savings, with totals over all of them, alike on the stored, snapshot and live paths", async () => {
    const answers = await rolledBack(c, async (tx) => {
      await refreshResourceUtilization(tx, { organizationId: c.organizationId });
      const stored = await analyzeCostOptimization(tx, { organizationId: c.organizationId });
      await tx.execute(sql`delete from cost_optimization_results where organization_id = ${c.organizationId}::uuid`);
      const snapshot = await analyzeCostOptimization(tx, { organizationId: c.organizationId });
      await tx.execute(sql`delete from resource_utilization where organization_id = ${c.organizationId}::uuid`);
      const live = await analyzeCostOptimization(tx, { organizationId: c.organizationId });
      return { stored, snapshot, live };
    });
    expect(answers.snapshot).toEqual(answers.stored);
    expect(answers.live).toEqual(answers.stored);

    const found = byType(answers.stored);
    // 121 unused: 50 + 30 × 10 + 80 × 2.50 + 10 × nothing = 550.00.
    expect(found.unused_resources).toMatchObject({ affected_resources: 121, potential_monthly_savings: "550.00" });
    expect(found.unused_resources!.recommendation_details).toMatchObject({ resources_total: 121, resources_truncated: true });
    // The 50, the thirty 10s by id, then the first 69 of the 2.50s by id.
    expect(found.unused_resources!.recommendation_details.resources).toEqual(unusedOrder().slice(0, 100));
    expect(found.unused_resources!.recommendation_details.resources).toEqual([...group.top!, ...byId(group.tens!), ...byId(group.twoFifty!).slice(0, 69)]);

    // 106 under-used: 30 % of (105 × 20 + 3.33) = 630.999, 631.00 to the cent.
    expect(found.rightsizing).toMatchObject({ affected_resources: 106, potential_monthly_savings: "631.00" });
    expect(found.rightsizing!.recommendation_details).toMatchObject({ resources_total: 106, resources_truncated: true });
    expect(found.rightsizing!.recommendation_details.resources).toEqual(byId(group.low!).slice(0, 100));
  });

  it("pages every resource exactly once, in the same order, from the snapshot and live", async () => {
    const { fromSnapshot, live } = await rolledBack(c, async (tx) => {
      await refreshResourceUtilization(tx, { organizationId: c.organizationId });
      const fromSnapshot = { unused: await walk(tx, c, "unused_resources", 7), rightsizing: await walk(tx, c, "rightsizing", 10) };
      // Another window than the snapshot's (29 days still holds every sample): computed live.
      const live = { unused: await walk(tx, c, "unused_resources", 7, 29), rightsizing: await walk(tx, c, "rightsizing", 10, 29) };
      return { fromSnapshot, live };
    });
    for (const pages of [fromSnapshot, live]) {
      expect(pages.unused.map((r) => r.resourceId)).toEqual(unusedOrder());
      expect(pages.rightsizing.map((r) => r.resourceId)).toEqual(rightsizingOrder());
      expect(new Set(pages.unused.map((r) => r.resourceId)).size).toBe(121);
      // The savings each row reports: whole costs when unused, 30 % when rightsized, 0 without a cost.
      expect(pages.unused.map((r) => Number(r.monthlySavings))).toEqual([50, ...Array(30).fill(10), ...Array(80).fill(2.5), ...Array(10).fill(0)]);
      expect(pages.unused.at(-1)!.monthlyCost).toBeNull();
      expect(pages.rightsizing.map((r) => Number(r.monthlySavings))).toEqual([...Array(105).fill(6), 0.999]);
      expect(pages.rightsizing.at(-1)!.monthlyCost).toBe("3.33");
    }
    expect(live).toEqual(fromSnapshot);
  });

  it("a page ends the list with next = null only when it is not full", async () => {
    const pages = await rolledBack(c, async (tx) => {
      await refreshResourceUtilization(tx, { organizationId: c.organizationId });
      // 106 = 2 × 53: the second page is full, so a third (empty) one ends the list.
      const first = await costOptimizationResources(tx, { organizationId: c.organizationId, optimizationType: "rightsizing", pageSize: 53 });
      const second = await costOptimizationResources(tx, { organizationId: c.organizationId, optimizationType: "rightsizing", pageSize: 53, after: first.next! });
      const third = await costOptimizationResources(tx, { organizationId: c.organizationId, optimizationType: "rightsizing", pageSize: 53, after: second.next! });
      return { first, second, third };
    });
    expect(pages.first.next).toEqual({ monthlySavings: pages.first.resources[52]!.monthlySavings, resourceId: byId(group.low!)[52] });
    expect(pages.second.resources.at(-1)!.resourceId).toBe(group.lowCheap![0]);
    expect(pages.third).toEqual({ resources: [], next: null });
  });

  it("refuses another organization's list, a half cursor, a bad page size or type", async () => {
    const call = (statement: ReturnType<typeof sql>) => sqlState(withOrganization(tdb.db, other.organizationId, (tx) => tx.execute(statement)));
    expect(await call(sql`select * from cost_optimization_resources(${c.organizationId}::uuid, 'unused_resources')`)).toBe("42501");
    expect(await call(sql`select * from cost_optimization_resources(${other.organizationId}::uuid, 'unused_resources', 30, 100, 10, null)`)).toBe("22023");
    expect(await call(sql`select * from cost_optimization_resources(${other.organizationId}::uuid, 'unused_resources', 30, 0)`)).toBe("22023");
    expect(await call(sql`select * from cost_optimization_resources(${other.organizationId}::uuid, 'unused_resources', 30, 1001)`)).toBe("22023");
    expect(await call(sql`select * from cost_optimization_resources(${other.organizationId}::uuid, 'storage_optimization')`)).toBe("22023");
    // The other organization sees its own idle resource and nothing of C's.
    const own = await withOrganization(tdb.db, other.organizationId, (tx) =>
      queryRows<{ resource_id: string }>(tx, sql`select resource_id from cost_optimization_resources(${other.organizationId}::uuid, 'unused_resources')`),
    );
    expect(own).toEqual([{ resource_id: group.otherIdle![0] }]);
  });

  it("starts each snapshot page at its cursor in the snapshot's index", async () => {
    // The statement the function runs for the snapshot's window, planned with a cursor as the
    // application role (row-level security on): the row comparison must be an index condition
    // of the partial index (a filter would read every earlier row, so late pages would cost
    // more as the estate grows; over numeric it was one, numeric's operators not being leakproof).
    const plan = await rolledBack(c, async (tx) => {
      await refreshResourceUtilization(tx, { organizationId: c.organizationId });
      await tx.execute(sql`set local enable_seqscan = off`);
      await tx.execute(sql`set local enable_bitmapscan = off`);
      const rows = await queryRows<{ "QUERY PLAN": string }>(
        tx,
        sql`explain select ru.resource_id from resource_utilization ru
             where ru.organization_id = ${c.organizationId}::uuid and ru.is_underused
               and (ru.savings_order, ru.resource_id) > ((-6)::double precision, ${group.low![0]}::uuid)
             order by ru.savings_order, ru.resource_id limit 100`,
      );
      return rows.map((r) => r["QUERY PLAN"]).join("\n");
    });
    expect(plan).toMatch(/Index (Only )?Scan using idx_resource_utilization_underused/);
    expect(plan).toMatch(/Index Cond: \(.*ROW\(/);
    expect(plan).not.toMatch(/Sort/);
  });
});
