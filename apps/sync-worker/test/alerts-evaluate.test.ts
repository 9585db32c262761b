import {
  backupConfigurations,
  cloudCosts,
  costBudgets,
  cloudProviders,
  cloudRegions,
  cloudResources,
  infrastructureAlerts,
  infrastructureMonitoring,
  organizations,
  userProfiles,
} from "@cloudsync/db";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertRuleNames, evaluateAlerts } from "../src/alerts/evaluate.ts";
import { refreshBudgets } from "../src/write/budgets.ts";

let tdb: TestDatabase;
let orgId: string;
let otherOrgId: string;
let providerId: string;
const ids: Record<string, string> = {};
const hour = 3_600_000;
const now = new Date(Math.floor(Date.now() / hour) * hour);
const dayOf = (daysBefore: number) => new Date(now.getTime() - daysBefore * 24 * hour).toISOString().slice(0, 10);

async function addOrg(slug: string, settings: Record<string, unknown> = {}) {
  const [org] = await tdb.db.insert(organizations).values({ name: slug, slug, settings }).returning();
  const [user] = await tdb.db.insert(userProfiles).values({ organizationId: org!.id, email: `o@${slug}.example` }).returning();
  const [provider] = await tdb.db
    .insert(cloudProviders)
    .values({ organizationId: org!.id, providerName: "aws", providerType: "primary", displayName: "AWS", credentialsConfig: {}, createdBy: user!.id })
    .returning();
  const [region] = await tdb.db.insert(cloudRegions).values({ organizationId: org!.id, providerId: provider!.id, regionCode: "us-east-1", regionName: "N. Virginia" }).returning();
  return { org: org!.id, user: user!.id, provider: provider!.id, region: region!.id };
}

const openAlerts = () =>
  tdb.db
    .select()
    .from(infrastructureAlerts)
    .where(and(eq(infrastructureAlerts.organizationId, orgId), eq(infrastructureAlerts.alertStatus, "active")));

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: "cloudsync_alert_eval" });
  const t = await addOrg("eval", { notification_channels: { ops: { type: "webhook", url: "http://127.0.0.1:9/hook", secret: "0123456789abcdef" } } });
  orgId = t.org;
  providerId = t.provider;
  otherOrgId = (await addOrg("eval-other")).org;
  const add = async (name: string, health: "healthy" | "warning" | "critical", wedding = false) => {
    const [row] = await tdb.db
      .insert(cloudResources)
      .values({
        organizationId: orgId,
        providerId,
        regionId: t.region,
        resourceId: `i-${name}`,
        resourceName: name,
        resourceType: "compute",
        configuration: {},
        resourceStatus: "running",
        healthStatus: health,
        isWeddingCritical: wedding,
        createdBy: t.user,
      })
      .returning();
    ids[name] = row!.id;
  };
  await add("hot", "critical");
  await add("venue", "warning", true);
  await add("busy", "warning");
  await add("filling", "healthy");
  await add("spender", "healthy");
  const sample = (name: string, hoursBefore: number, metrics: Record<string, number>) => ({
    organizationId: orgId,
    resourceId: ids[name]!,
    monitoringType: "performance" as const,
    monitoringTimestamp: new Date(now.getTime() - hoursBefore * hour),
    metrics,
  });
  await tdb.db.insert(infrastructureMonitoring).values([
    // busy: CPU 85, 88, 91 in the last three hours: above the 80 % warning line three times.
    sample("busy", 2, { cpu_utilization: 85 }),
    sample("busy", 1, { cpu_utilization: 88 }),
    sample("busy", 0, { cpu_utilization: 91 }),
    // filling: disk 60 → 70 over five hours (2 %/h), 70 now: 10 h to 90 %.
    ...[5, 4, 3, 2, 1, 0].map((h) => sample("filling", h, { disk_utilization: 70 - 2 * h })),
  ]);
  // spender: 10 a day for seven days, then 50 yesterday.
  await tdb.db.insert(cloudCosts).values(
    [8, 7, 6, 5, 4, 3, 2, 1].map((d) => ({
      organizationId: orgId,
      providerId,
      resourceId: ids.spender!,
      costPeriodStart: dayOf(d),
      costPeriodEnd: dayOf(d),
      costAmount: d === 1 ? "50" : "10",
      costCurrency: "USD",
      costCategory: "compute" as const,
    })),
  );
});
afterAll(async () => {
  await tdb?.drop();
});

describe("evaluateAlerts", () => {
  it("raises one alert per rule that holds, addressed to the organization's channels", async () => {
    const first = await evaluateAlerts(tdb.db, { organizationId: orgId, rules: alertRuleNames, now });
    expect(first.raised).toHaveLength(5);
    const rows = await openAlerts();
    expect(rows.map((a) => [a.alertType, a.resourceId, a.severityLevel]).sort()).toEqual(
      [
        ["capacity_planning", ids.filling, "critical"], // 10 h ≤ 24 h
        ["cost_threshold", ids.spender, "warning"], // 50 > 3 × 10, ≤ 6 × 10
        ["performance_degradation", ids.busy, "warning"],
        ["resource_health", ids.hot, "critical"],
        ["wedding_day_critical", ids.venue, "critical"], // warning health, one step up
      ].sort(),
    );
    expect(rows.every((a) => JSON.stringify(a.notificationChannels) === '["ops"]')).toBe(true);
    expect(rows.find((a) => a.alertType === "wedding_day_critical")!.weddingDayEscalation).toBe(true);
    expect(rows.find((a) => a.alertType === "capacity_planning")!.currentValues).toMatchObject({ hours_to_limit: 10, slope_per_day: 48 });
  });

  it("keeps them on a second pass: one open alert per resource and type", async () => {
    const again = await evaluateAlerts(tdb.db, { organizationId: orgId, rules: alertRuleNames, now });
    expect([again.raised.length, again.kept, again.resolved.length]).toEqual([0, 5, 0]);
  });

  it("another organization's pass touches none of them", async () => {
    const other = await evaluateAlerts(tdb.db, { organizationId: otherOrgId, rules: alertRuleNames, now });
    expect([other.raised.length, other.kept, other.resolved.length]).toEqual([0, 0, 0]);
    expect(await openAlerts()).toHaveLength(5);
  });

  it("resolves the alerts whose condition cleared, saying so, and only those of the rules it ran", async () => {
    await tdb.db.update(cloudResources).set({ healthStatus: "healthy" }).where(eq(cloudResources.id, ids.hot!));
    await tdb.db.update(cloudResources).set({ resourceStatus: "stopped" }).where(eq(cloudResources.id, ids.busy!));
    const pass = await evaluateAlerts(tdb.db, { organizationId: orgId, providerId, rules: ["resource_health", "performance_degradation"], now });
    expect([pass.raised.length, pass.resolved.length]).toEqual([0, 2]);
    const resolved = await tdb.db.select().from(infrastructureAlerts).where(eq(infrastructureAlerts.alertStatus, "resolved"));
    expect(resolved.map((a) => a.resourceId).sort()).toEqual([ids.hot, ids.busy].sort());
    const health = resolved.find((a) => a.resourceId === ids.hot)!;
    expect(health.resolutionNotes).toBe(`Resolved automatically at ${now.toISOString()}: the resource is no longer running with health_status critical.`);
    expect([health.resolvedBy, health.resolvedAt?.toISOString()]).toEqual([null, now.toISOString()]);
    expect(await openAlerts()).toHaveLength(3);
  });

  it("raises a fresh alert when the condition returns", async () => {
    await tdb.db.update(cloudResources).set({ healthStatus: "critical" }).where(eq(cloudResources.id, ids.hot!));
    const pass = await evaluateAlerts(tdb.db, { organizationId: orgId, rules: ["resource_health"], now });
    expect(pass.raised).toHaveLength(1);
    const all = await tdb.db.select().from(infrastructureAlerts).where(eq(infrastructureAlerts.resourceId, ids.hot!));
    expect(all.map((a) => a.alertStatus).sort()).toEqual(["active", "resolved"]);
  });
});

describe("a wedding-critical resource without any backup", () => {
  const weddingAlerts = (resourceId: string) =>
    tdb.db.select().from(infrastructureAlerts).where(and(eq(infrastructureAlerts.resourceId, resourceId), eq(infrastructureAlerts.alertType, "wedding_day_critical")));
  const pass = () => evaluateAlerts(tdb.db, { organizationId: orgId, rules: ["wedding_day_critical"], now });

  it("raises one warning alert, keeps it, and resolves it when a backup configuration appears", async () => {
    const [region] = await tdb.db.select().from(cloudRegions).where(eq(cloudRegions.organizationId, orgId));
    const [owner] = await tdb.db.select().from(userProfiles).where(eq(userProfiles.organizationId, orgId));
    const [vault] = await tdb.db
      .insert(cloudResources)
      .values({ organizationId: orgId, providerId, regionId: region!.id, resourceId: "db-vault", resourceName: "vault", resourceType: "database", configuration: {}, resourceStatus: "running", healthStatus: "healthy", isWeddingCritical: true, createdBy: owner!.id })
      .returning();
    // Healthy, wedding-critical, a database, no configuration: raised as a warning, escalated.
    const first = await pass();
    expect(first.raised).toHaveLength(1);
    const [alert] = await weddingAlerts(vault!.id);
    expect(alert).toMatchObject({ alertStatus: "active", severityLevel: "warning", alertName: "Wedding-critical vault has no backup", weddingDayEscalation: true });
    expect((await pass()).kept).toBeGreaterThanOrEqual(1);
    expect(await weddingAlerts(vault!.id)).toHaveLength(1);

    // A disabled configuration is no backup: still open.
    const config = { organizationId: orgId, resourceId: vault!.id, backupType: "snapshot" as const, backupFrequency: "daily" as const, backupDestination: { region: "us-east-1" } };
    await tdb.db.insert(backupConfigurations).values({ ...config, backupStatus: "disabled", sourceId: "disabled-one" });
    await pass();
    expect((await weddingAlerts(vault!.id)).map((a) => a.alertStatus)).toEqual(["active"]);

    // An active one (hand-written, as a user adds it): resolved on the next pass, saying why.
    await tdb.db.insert(backupConfigurations).values({ ...config, backupStatus: "active" });
    const cleared = await pass();
    expect(cleared.resolved).toEqual([alert!.id]);
    const [resolved] = await weddingAlerts(vault!.id);
    expect(resolved).toMatchObject({ alertStatus: "resolved", resolvedBy: null, resolutionNotes: expect.stringMatching(/holds data without a backup configuration\.$/) });
  });

  it("resolves when the resource stops being wedding-critical", async () => {
    const [region] = await tdb.db.select().from(cloudRegions).where(eq(cloudRegions.organizationId, orgId));
    const [owner] = await tdb.db.select().from(userProfiles).where(eq(userProfiles.organizationId, orgId));
    const [album] = await tdb.db
      .insert(cloudResources)
      .values({ organizationId: orgId, providerId, regionId: region!.id, resourceId: "bucket-album", resourceName: "album", resourceType: "storage", configuration: {}, resourceStatus: "running", healthStatus: "healthy", isWeddingCritical: true, createdBy: owner!.id })
      .returning();
    expect((await pass()).raised).toHaveLength(1);
    await tdb.db.update(cloudResources).set({ isWeddingCritical: false }).where(eq(cloudResources.id, album!.id));
    const cleared = await pass();
    expect(cleared.resolved).toHaveLength(1);
    expect((await weddingAlerts(album!.id)).map((a) => a.alertStatus)).toEqual(["resolved"]);
  });
});

describe("budget alerts", () => {
  it("resolve once their period has ended, and stay open within it", async () => {
    const [owner] = await tdb.db.select().from(userProfiles).where(eq(userProfiles.organizationId, orgId));
    const [budget] = await tdb.db
      .insert(costBudgets)
      .values({ organizationId: orgId, budgetName: "Ops", budgetScope: "organization", budgetAmount: "1000000", budgetPeriod: "monthly", createdBy: owner!.id })
      .returning();
    const raise = (periodStart: string) =>
      tdb.db
        .insert(infrastructureAlerts)
        .values({
          organizationId: orgId,
          alertName: `Budget "Ops" reached 50% (${periodStart})`,
          alertType: "cost_threshold",
          alertConditions: { budget_id: budget!.id, period_start: periodStart, threshold_percent: 50 },
          recipientList: [],
        })
        .returning();
    const [november] = await raise("2026-11-01");
    const [december] = await raise("2026-12-01");
    await refreshBudgets(tdb.db, orgId, "2026-12-06");
    const [nov] = await tdb.db.select().from(infrastructureAlerts).where(eq(infrastructureAlerts.id, november!.id));
    const [dec] = await tdb.db.select().from(infrastructureAlerts).where(eq(infrastructureAlerts.id, december!.id));
    expect(nov).toMatchObject({ alertStatus: "resolved", resolutionNotes: expect.stringMatching(/: the budget period starting 2026-11-01 has ended, or the budget is no longer active\.$/) });
    expect(dec!.alertStatus).toBe("active");
  });
});
