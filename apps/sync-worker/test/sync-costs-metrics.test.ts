import { normalizeDecimal, sumDecimals } from "@cloudsync/cloud";
import { type AwsEmulator, type AzureEmulator, type GcpEmulator, startAwsEmulator, startAzureEmulator, startGcpEmulator } from "@cloudsync/cloud-emulators";
import { cloudCosts, cloudResources, costBudgets, infrastructureAlerts, organizations, queryRows, syncRuns, userProfiles } from "@cloudsync/db";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { and, eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsEmulatorCredentials, azureEmulatorCredentials, gcpEmulatorCredentials } from "../src/demo/emulated-credentials.ts";
import { syncCosts } from "../src/jobs/sync-costs.ts";
import { syncMetrics } from "../src/jobs/sync-metrics.ts";
import { syncResources } from "../src/jobs/sync-resources.ts";
import type { SyncDeps } from "../src/jobs/sync-run.ts";
import { silentLogger } from "../src/logger.ts";
import { createAdapter } from "../src/providers/adapters.ts";
import { addProvider, loadProviderForSync } from "../src/providers/registry.ts";
import { generateKey, parseKeyring } from "../src/secrets/keyring.ts";

const keyring = parseKeyring(`test:${generateKey()}`);
const october = { start: "2026-10-01", end: "2026-10-31" };
let tdb: TestDatabase;
let deps: SyncDeps;
let orgId: string;
let userId: string;

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: "cloudsync_costs" });
  const [org] = await tdb.db.insert(organizations).values({ name: "Costs Co", slug: "costs-co" }).returning();
  const [user] = await tdb.db.insert(userProfiles).values({ organizationId: org!.id, email: "finance@costs.example" }).returning();
  orgId = org!.id;
  userId = user!.id;
  deps = {
    db: tdb.db,
    loadProvider: (id) => loadProviderForSync(tdb.db, keyring, id),
    adapterFor: (provider, settings) => createAdapter(provider.credentials, { ...settings, maxAttempts: 2, timeoutMs: 10_000 }),
    clock: () => new Date(),
    logger: silentLogger(),
  };
});
afterAll(async () => tdb?.drop());

const providerTotal = async (providerId: string) => {
  const [row] = await queryRows<{ total: string; n: number }>(
    tdb.db,
    sql`select coalesce(sum(cost_amount), 0)::text as total, count(*)::int as n from cloud_costs
         where provider_id = ${providerId}::uuid and cost_period_start between ${october.start}::date and ${october.end}::date`,
  );
  return row!;
};
/** Exact decimal equality, whatever trailing zeros either side carries. */
const sameDecimal = (a: string, b: string) => expect(normalizeDecimal(a)).toBe(normalizeDecimal(b));

function costScenario(
  name: string,
  start: () => Promise<{ credentials: unknown; accounts: string[]; total: (account: string) => string; close: () => Promise<void> }>,
  options: { linksResources: boolean; sampledKinds: number },
) {
  describe(`${name}: costs and metrics`, () => {
    let em: Awaited<ReturnType<typeof start>>;
    let providerId: string;
    beforeAll(async () => {
      em = await start();
      providerId = (await addProvider(tdb.db, keyring, { organizationId: orgId, createdBy: userId, credentials: em.credentials })).id;
      await syncResources(deps, { providerId });
    });
    afterAll(async () => em?.close());

    it("a month of daily lines sums to the cloud's total exactly, and a re-sync leaves the same totals", async () => {
      const first = await syncCosts(deps, { providerId, window: october });
      expect(first.status).toBe("succeeded");
      // The bill brings the list prices of the sizes in use along, from each cloud's pricing API
      // (AWS Price List, Azure Retail Prices, GCP Cloud Billing Catalog).
      const [prices] = await queryRows<{ n: number }>(tdb.db, sql`select count(*)::int as n from cloud_prices where cloud = ${name.toLowerCase()}`);
      expect(prices!.n).toBeGreaterThan(0);
      const expected = sumDecimals(em.accounts.map((a) => em.total(a)));
      const once = await providerTotal(providerId);
      sameDecimal(once.total, expected);
      const again = await syncCosts(deps, { providerId, window: october });
      expect(again.status).toBe("succeeded");
      const twice = await providerTotal(providerId);
      expect(twice).toEqual(once);
      // sync_runs counts cost lines in their own columns: the re-sync replaced every line the first wrote.
      const runs = await tdb.db.select().from(syncRuns).where(inArray(syncRuns.id, [first.runId, again.runId]));
      const run = (id: string) => runs.find((r) => r.id === id)!;
      expect(first.counts).toEqual({ kind: "costs", costLinesInserted: expect.any(Number), costLinesReplaced: 0 });
      expect(run(first.runId)).toMatchObject({ kind: "costs", costLinesInserted: first.counts.costLinesInserted, costLinesReplaced: 0 });
      expect(first.counts.costLinesInserted).toBeGreaterThan(0);
      expect(run(again.runId)).toMatchObject({
        costLinesInserted: first.counts.costLinesInserted,
        costLinesReplaced: first.counts.costLinesInserted,
        insertedCount: null,
        terminatedCount: null,
        samplesStored: null,
      });
      // Lines that name a resource the inventory holds are linked to its row (AWS bills per
      // service unless resource-level data is enabled).
      if (!options.linksResources) return;
      const [linked] = await queryRows<{ n: number }>(tdb.db, sql`select count(*)::int as n from cloud_costs where provider_id = ${providerId}::uuid and resource_id is not null`);
      expect(linked!.n).toBeGreaterThan(0);
    });

    it("stores samples once, moves resource health, and scores every sample", async () => {
      const first = await syncMetrics(deps, { providerId, lookbackMinutes: 60 });
      expect(first.status).toBe("succeeded");
      expect(first.samplesStored).toBeGreaterThan(0);
      // The same window again (the clock held still): every sample is already stored.
      const held = new Date();
      const still = { ...deps, clock: () => held };
      await syncMetrics(still, { providerId, lookbackMinutes: 60 });
      const second = await syncMetrics(still, { providerId, lookbackMinutes: 60 });
      expect(second.samplesStored).toBe(0);
      // sync_runs counts samples in their own columns: the second read found every one stored.
      const [run] = await tdb.db.select().from(syncRuns).where(eq(syncRuns.id, second.runId));
      expect(second.counts).toMatchObject({ kind: "metrics", samplesStored: 0 });
      expect(run).toMatchObject({ kind: "metrics", samplesStored: 0, insertedCount: null, unchangedCount: null, costLinesInserted: null });
      expect(run!.samplesAlreadyPresent).toBeGreaterThan(0);
      const [scored] = await queryRows<{ unscored: number; judged: number }>(
        tdb.db,
        sql`select count(*) filter (where m.health_score is null)::int as unscored,
                   (select count(*)::int from cloud_resources where provider_id = ${providerId}::uuid and health_status <> 'unknown') as judged
              from infrastructure_monitoring m join cloud_resources r on r.id = m.resource_id where r.provider_id = ${providerId}::uuid`,
      );
      expect(scored).toMatchObject({ unscored: 0 });
      expect(scored!.judged).toBeGreaterThan(0);
      // Every sampled resource carries its latest values and 24-hour averages; kinds beyond VMs have samples too.
      const perf = await queryRows<{ kind: string; sampled: number; summarized: number }>(
        tdb.db,
        sql`select r.resource_subtype as kind, count(*)::int as sampled,
                   count(*) filter (where r.performance_metrics ? 'as_of' and r.performance_metrics->'metrics' <> '{}'::jsonb)::int as summarized
              from cloud_resources r
             where r.provider_id = ${providerId}::uuid
               and exists (select 1 from infrastructure_monitoring m where m.resource_id = r.id)
             group by r.resource_subtype`,
      );
      expect(perf.length).toBeGreaterThan(options.sampledKinds - 1);
      for (const row of perf) expect(row.summarized, row.kind).toBe(row.sampled);
    });
  });
}

costScenario("AWS", async () => {
  const em: AwsEmulator = await startAwsEmulator({ seed: 11, size: 80, regions: ["us-east-1"], today: "2026-11-20" });
  return { credentials: awsEmulatorCredentials(em), accounts: em.accounts.map((a) => a.accountId), total: (a) => em.expectedCostTotal(a, october.start, october.end), close: () => em.close() };
}, { linksResources: false, sampledKinds: 5 });

costScenario("Azure", async () => {
  const em: AzureEmulator = await startAzureEmulator({ seed: 11, size: 80, subscriptions: 2 });
  return { credentials: azureEmulatorCredentials(em), accounts: [...em.subscriptions], total: (a) => em.expectedCostTotal(a, october.start, october.end), close: () => em.close() };
}, { linksResources: true, sampledKinds: 5 });

costScenario("GCP", async () => {
  const em: GcpEmulator = await startGcpEmulator({ seed: 11, size: 80 });
  return { credentials: gcpEmulatorCredentials(em), accounts: [...em.projects], total: (a) => em.expectedCostTotal(a, october.start, october.end), close: () => em.close() };
}, { linksResources: true, sampledKinds: 1 });

describe("budgets and wedding-critical alerts", () => {
  it("raises a budget threshold alert once per period, however often costs are synced", async () => {
    const em = await startGcpEmulator({ seed: 12, size: 40 });
    try {
      const [org] = await tdb.db.insert(organizations).values({ name: "Budget Co", slug: "budget-co" }).returning();
      const [user] = await tdb.db.insert(userProfiles).values({ organizationId: org!.id, email: "cfo@budget.example" }).returning();
      const providerId = (await addProvider(tdb.db, keyring, { organizationId: org!.id, createdBy: user!.id, credentials: gcpEmulatorCredentials(em) })).id;
      await syncResources(deps, { providerId });
      // A budget for October far below what the estate spends, so every threshold is crossed.
      const [budget] = await tdb.db
        .insert(costBudgets)
        .values({ organizationId: org!.id, budgetName: "October", budgetScope: "organization", budgetAmount: "1.00", budgetPeriod: "monthly", createdBy: user!.id })
        .returning();
      const octoberDeps = { ...deps, clock: () => new Date("2026-10-31T12:00:00Z") };
      const first = await syncCosts(octoberDeps, { providerId, window: october });
      expect(first.alertsRaised).toBe(4); // 50, 75, 90 and 100 %
      const second = await syncCosts(octoberDeps, { providerId, window: october });
      expect(second.alertsRaised).toBe(0);
      const alerts = await tdb.db.select().from(infrastructureAlerts).where(and(eq(infrastructureAlerts.organizationId, org!.id), eq(infrastructureAlerts.alertType, "cost_threshold")));
      expect(alerts).toHaveLength(4);
      const [after] = await tdb.db.select().from(costBudgets).where(eq(costBudgets.id, budget!.id));
      expect(Number(after!.currentSpend)).toBeGreaterThan(1);
      expect(Number(after!.forecastedSpend)).toBeGreaterThanOrEqual(Number(after!.currentSpend));
      // cost_tracking follows the lines.
      const [tracked] = await queryRows<{ n: number }>(tdb.db, sql`select count(*)::int as n from cloud_resources where provider_id = ${providerId}::uuid and (cost_tracking ->> 'total_cost')::numeric > 0`);
      expect(tracked!.n).toBeGreaterThan(0);
      // …to the figure: each resource's total, last complete day (30 October, the clock being on
      // the 31st) and run rate (× 31 days) recomputed here another way.
      const wrong = await queryRows<{ id: string }>(
        tdb.db,
        sql`select r.id from cloud_resources r
             where r.provider_id = ${providerId}::uuid and r.cost_tracking ->> 'last_updated' is not null
               and ((r.cost_tracking ->> 'total_cost')::numeric
                      <> round((select sum(c.cost_amount) from cloud_costs c where c.resource_id = r.id), 4)
                 or r.cost_tracking ->> 'cost_day' <> '2026-10-30'
                 or (r.cost_tracking ->> 'daily_cost')::numeric
                      <> round(coalesce((select sum(c.cost_amount) from cloud_costs c where c.resource_id = r.id
                                           and c.cost_period_start = date '2026-10-30'), 0), 4)
                 or (r.cost_tracking ->> 'monthly_cost')::numeric
                      <> round(coalesce((select sum(c.cost_amount) from cloud_costs c where c.resource_id = r.id
                                           and c.cost_period_start = date '2026-10-30'), 0) * 31, 4))`,
      );
      expect(wrong).toEqual([]);
      expect((await tdb.db.select().from(cloudCosts).where(eq(cloudCosts.providerId, providerId))).length).toBeGreaterThan(0);
    } finally {
      await em.close();
    }
  });

  it("a critical reading on a wedding-critical resource raises one alert while it is open", async () => {
    const em = await startGcpEmulator({ seed: 13, size: 60 });
    try {
      const [org] = await tdb.db.insert(organizations).values({ name: "Wedding Day Co", slug: "wedding-day-co" }).returning();
      const [user] = await tdb.db.insert(userProfiles).values({ organizationId: org!.id, email: "ops@wedding-day.example" }).returning();
      const providerId = (await addProvider(tdb.db, keyring, { organizationId: org!.id, createdBy: user!.id, credentials: gcpEmulatorCredentials(em) })).id;
      await syncResources(deps, { providerId });
      await syncMetrics(deps, { providerId, lookbackMinutes: 120 });
      const critical = await tdb.db.select().from(cloudResources).where(and(eq(cloudResources.providerId, providerId), eq(cloudResources.healthStatus, "critical")));
      expect(critical.length).toBeGreaterThan(0);
      await tdb.db.update(cloudResources).set({ isWeddingCritical: true }).where(eq(cloudResources.id, critical[0]!.id));
      // Counted on the resource's own alerts, not on the sync's total: the emulator's readings
      // follow the clock, so a sync that crosses a sample boundary may raise alerts for other
      // resources that turned critical meanwhile (seen once in CI: 2 raised on the third sync).
      const weddingAlerts = () =>
        tdb.db
          .select()
          .from(infrastructureAlerts)
          .where(and(eq(infrastructureAlerts.resourceId, critical[0]!.id), eq(infrastructureAlerts.alertType, "wedding_day_critical")));
      const raised = await syncMetrics(deps, { providerId, lookbackMinutes: 120 });
      expect(raised.alertsRaised).toBeGreaterThanOrEqual(1);
      const first = await weddingAlerts();
      expect(first).toHaveLength(1);
      await syncMetrics(deps, { providerId, lookbackMinutes: 120 });
      const after = await weddingAlerts();
      expect(after.map((a) => a.id)).toEqual(first.map((a) => a.id));
      expect(after[0]).toMatchObject({ severityLevel: "emergency", weddingDayEscalation: true, alertStatus: "active" });
    } finally {
      await em.close();
    }
  });
});
