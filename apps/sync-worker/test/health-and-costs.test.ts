import { startAwsEmulator } from "@cloudsync/cloud-emulators";
import { cloudCosts, cloudResources, organizations, userProfiles } from "@cloudsync/db";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsEmulatorCredentials } from "../src/demo/emulated-credentials.ts";
import { syncMetrics } from "../src/jobs/sync-metrics.ts";
import { syncResources } from "../src/jobs/sync-resources.ts";
import type { SyncDeps } from "../src/jobs/sync-run.ts";
import { silentLogger } from "../src/logger.ts";
import { createAdapter } from "../src/providers/adapters.ts";
import { addProvider, loadProviderForSync } from "../src/providers/registry.ts";
import { generateKey, parseKeyring } from "../src/secrets/keyring.ts";
import { refreshCostTracking } from "../src/write/costs.ts";
import { MetricWriter } from "../src/write/metrics.ts";
import { addProviderAndRegion, addResource } from "./fixtures/org.ts";

// The rules of docs/health-and-costs.md on hand-computed fixtures: every expected figure below is
// worked out in the comments next to it, not read back from the code under test.

let tdb: TestDatabase;
let orgId: string;
let at: Awaited<ReturnType<typeof addProviderAndRegion>>;

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: "cloudsync_truth" });
  const [org] = await tdb.db.insert(organizations).values({ name: "Truth Co", slug: "truth-co" }).returning();
  await tdb.db.insert(userProfiles).values({ organizationId: org!.id, email: "owner@truth.example", role: "owner" });
  orgId = org!.id;
  at = await addProviderAndRegion(tdb, orgId);
});
afterAll(async () => tdb?.drop());

describe("cost_tracking: run rate, month to date, total, currency as billed", () => {
  let r: string;
  let s: string;
  let t: string;
  beforeAll(async () => {
    r = (await addResource(tdb, orgId, at, "r")).id;
    s = (await addResource(tdb, orgId, at, "s")).id;
    t = (await addResource(tdb, orgId, at, "t")).id;
    const line = (resourceId: string, day: string, amount: string, currency = "USD") => ({
      organizationId: orgId,
      providerId: at.providerId,
      resourceId,
      costPeriodStart: day,
      costPeriodEnd: day,
      costAmount: amount,
      costCurrency: currency,
      costCategory: "compute" as const,
      billingDetails: { account: "123456789012" },
    });
    await tdb.db.insert(cloudCosts).values([
      line(r, "2026-11-15", "7.00", "EUR"), // an older line in another currency: never added to USD
      line(r, "2026-11-30", "10.00"),
      line(r, "2026-12-01", "2.00"),
      line(r, "2026-12-02", "1.50"),
      line(r, "2026-12-02", "0.50"), // two lines of one day add up
      line(r, "2026-12-03", "3.00"),
      line(r, "2026-12-04", "4.00"),
      line(r, "2026-12-05", "4.80"),
      line(r, "2026-12-06", "1.00"), // today: partial, in the month to date but not the daily figure
      line(s, "2026-11-20", "5.50", "EUR"),
    ]);
  });

  const tracking = async (id: string) => (await tdb.db.select().from(cloudResources).where(eq(cloudResources.id, id)))[0]!.costTracking!;

  it("on 6 December: the 5th is the last complete day, December has 31 days", async () => {
    expect(await refreshCostTracking(tdb.db, { organizationId: orgId, providerId: at.providerId }, "2026-12-06")).toBe(2);
    expect(await tracking(r)).toMatchObject({
      daily_cost: 4.8,
      hourly_cost: 0.2, // 4.80 / 24
      monthly_cost: 148.8, // 4.80 × 31
      monthly_cost_basis: "last_complete_day_x_days_in_month",
      month_to_date_cost: 16.8, // 2 + 2 + 3 + 4 + 4.80 + 1 (today's partial line)
      total_cost: 26.8, // 10 + 16.80; the EUR line is left out
      cost_day: "2026-12-05",
      first_billed_on: "2026-11-30",
      currency: "USD",
    });
    // Billed in euros only, nothing on the 5th: no run rate, the total in euros.
    expect(await tracking(s)).toMatchObject({ daily_cost: 0, monthly_cost: 0, month_to_date_cost: 0, total_cost: 5.5, currency: "EUR", first_billed_on: "2026-11-20" });
    // Never billed: no currency is claimed.
    expect(await tracking(t)).toMatchObject({ monthly_cost: 0, currency: null, last_updated: null });
  });

  it("on 1 December: the last complete day is 30 November, the month to date is today's line alone", async () => {
    await refreshCostTracking(tdb.db, { organizationId: orgId, providerId: at.providerId }, "2026-12-01");
    expect(await tracking(r)).toMatchObject({ daily_cost: 10, hourly_cost: 0.4167, monthly_cost: 310, month_to_date_cost: 2, cost_day: "2026-11-30" });
  });

  it("on 30 November: nothing billed on the 29th, so no run rate; November has 30 days", async () => {
    await refreshCostTracking(tdb.db, { organizationId: orgId, providerId: at.providerId }, "2026-11-30");
    expect(await tracking(r)).toMatchObject({ daily_cost: 0, monthly_cost: 0, month_to_date_cost: 10, cost_day: "2026-11-29" });
  });

  it("on 15 February: 28 days in the month", async () => {
    await tdb.db.insert(cloudCosts).values({
      organizationId: orgId, providerId: at.providerId, resourceId: t, costPeriodStart: "2027-02-14", costPeriodEnd: "2027-02-14",
      costAmount: "1.25", costCurrency: "GBP", costCategory: "storage", billingDetails: { account: "123456789012" },
    });
    await refreshCostTracking(tdb.db, { organizationId: orgId, providerId: at.providerId }, "2027-02-15");
    expect(await tracking(t)).toMatchObject({ daily_cost: 1.25, monthly_cost: 35, month_to_date_cost: 1.25, currency: "GBP" }); // 1.25 × 28
  });
});

describe("MetricWriter: sustained breaches, status checks, unknown without signal", () => {
  const minute = (m: number) => new Date(Date.UTC(2026, 11, 6, 7, m)).toISOString();
  it("judges each resource by the rules and leaves what no completed scope vouched for", async () => {
    const names = ["spike", "sustained", "silent", "elsewhere", "impaired"] as const;
    const rows = {} as Record<(typeof names)[number], { id: string; resourceId: string; resourceName: string }>;
    for (const n of names) rows[n] = await addResource(tdb, orgId, at, `m-${n}`, `i-${n}`);
    const target = (n: (typeof names)[number], regionCode = "eu-west-1") => ({
      id: rows[n].id, resourceId: rows[n].resourceId, isWeddingCritical: false, name: rows[n].resourceName, account: "123456789012", regionCode,
    });
    const writer = new MetricWriter(tdb.db, { organizationId: orgId, providerId: at.providerId }, [
      target("spike"), target("sustained"), target("silent"), target("elsewhere", "us-east-1"), target("impaired"),
    ]);
    const sample = (resourceId: string, m: number, cpu: number) => ({ cloud: "aws" as const, account: "123456789012", resourceId, timestamp: minute(m), metrics: { cpu_utilization: cpu } });
    await writer.writePage([
      sample("i-spike", 0, 20), sample("i-spike", 5, 99), sample("i-spike", 10, 30), // one sample over 95: not sustained
      sample("i-sustained", 0, 96), sample("i-sustained", 5, 10), sample("i-sustained", 10, 97), // 2 of 3 over 95
    ]);
    writer.addStatusChecks("i-impaired", [{ source: "ec2_system_status", state: "impaired" }]);
    writer.completeScope({ cloud: "aws", account: "123456789012", region: "eu-west-1", kind: "metrics" });
    const { providerHealth } = await writer.finish();
    const after = await tdb.db.select().from(cloudResources).where(inArray(cloudResources.id, names.map((n) => rows[n].id)));
    const status = Object.fromEntries(after.map((r) => [r.resourceName.slice(2), r.healthStatus]));
    expect(status).toEqual({
      spike: "healthy",
      sustained: "critical",
      silent: "unknown", // its scope answered, with nothing for it
      elsewhere: "healthy", // us-east-1 was not read: its last verdict stands (addResource made it healthy)
      impaired: "critical",
    });
    // Judged: spike, sustained, impaired; 2 critical of 3 is over a tenth.
    expect(providerHealth).toBe("critical");
    expect(writer.counts.stored).toBe(6);
  });
});

describe("a metrics sync weighs EC2's status checks", () => {
  it("an instance with an impaired check is critical, one whose checks passed is judged, through the SDK and the emulator", async () => {
    const em = await startAwsEmulator({ seed: 17, size: 120, regions: ["us-east-1", "eu-west-1"] });
    try {
      const keyring = parseKeyring(`test:${generateKey()}`);
      const [owner] = await tdb.db.select().from(userProfiles).where(eq(userProfiles.organizationId, orgId));
      const providerId = (await addProvider(tdb.db, keyring, { organizationId: orgId, createdBy: owner!.id, credentials: awsEmulatorCredentials(em) })).id;
      const deps: SyncDeps = {
        db: tdb.db,
        loadProvider: (id) => loadProviderForSync(tdb.db, keyring, id),
        adapterFor: (provider, settings) => createAdapter(provider.credentials, { ...settings, maxAttempts: 2, timeoutMs: 10_000 }),
        clock: () => new Date(),
        logger: silentLogger(),
      };
      await syncResources(deps, { providerId });
      const run = await syncMetrics(deps, { providerId });
      expect(run.status).toBe("succeeded");
      const health = new Map(
        (await tdb.db.select().from(cloudResources).where(eq(cloudResources.providerId, providerId))).map((r) => [r.resourceId, r.healthStatus]),
      );
      const checks = [...em.expectedInstanceStatus()];
      const impaired = checks.filter((c) => c.system === "impaired" || c.instance === "impaired");
      const passed = checks.filter((c) => c.system === "ok" && c.instance === "ok");
      expect(impaired.length).toBeGreaterThan(0);
      for (const c of impaired) expect(health.get(c.instanceId), c.instanceId).toBe("critical");
      // Passed checks are a signal of their own: never unknown, whatever the samples say.
      for (const c of passed) expect(health.get(c.instanceId), c.instanceId).not.toBe("unknown");
    } finally {
      await em.close();
    }
  });
});
