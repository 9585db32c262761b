import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AlertNotFoundError,
  AlertTransitionError,
  acknowledgeAlert,
  alertDeliveries,
  infrastructureAlerts,
  listAlertDeliveries,
  listAlerts,
  resolveAlert,
  withOrganization,
} from "../src/index.ts";
import { type TestDatabase, createTestDatabase } from "../src/testing.ts";
import { type Tenant, createResource, createTenant, sqlState } from "./fixtures.ts";

let tdb: TestDatabase;
let a: Tenant;
let b: Tenant;
let resourceId: string;

beforeAll(async () => {
  tdb = await createTestDatabase();
  a = await createTenant(tdb.db, "alerts-a");
  b = await createTenant(tdb.db, "alerts-b");
  resourceId = (await createResource(tdb.db, a, 1)).id;
});
afterAll(async () => {
  await tdb?.drop();
});

const asA = <T>(fn: Parameters<typeof withOrganization<T>>[2]) => withOrganization(tdb.db, a.organizationId, fn);
const asB = <T>(fn: Parameters<typeof withOrganization<T>>[2]) => withOrganization(tdb.db, b.organizationId, fn);

async function raise(alertType: "resource_health" | "capacity_planning" = "resource_health", severityLevel: "warning" | "critical" = "critical") {
  const [row] = await tdb.db
    .insert(infrastructureAlerts)
    .values({ organizationId: a.organizationId, alertName: "x", alertType, severityLevel, resourceId, alertConditions: {}, recipientList: [] })
    .returning();
  return row!;
}

describe("alert lifecycle helpers", () => {
  it("acknowledges an active alert once, then resolves it, recording who and when", async () => {
    const alert = await raise();
    const at = new Date("2026-12-06T08:00:00Z");
    const acked = await asA((tx) => acknowledgeAlert(tx, { alertId: alert.id, userId: a.userId, at }));
    expect([acked.alertStatus, acked.acknowledgedBy, acked.acknowledgedAt?.toISOString()]).toEqual(["acknowledged", a.userId, at.toISOString()]);
    await expect(asA((tx) => acknowledgeAlert(tx, { alertId: alert.id, userId: a.userId }))).rejects.toThrow(AlertTransitionError);
    const resolved = await asA((tx) => resolveAlert(tx, { alertId: alert.id, userId: a.userId, notes: "disk cleaned" }));
    expect([resolved.alertStatus, resolved.resolvedBy, resolved.resolutionNotes]).toEqual(["resolved", a.userId, "disk cleaned"]);
    await expect(asA((tx) => resolveAlert(tx, { alertId: alert.id, userId: a.userId }))).rejects.toThrow(/only active or acknowledged alerts can be resolved/);
  });

  it("resolves without a user when the condition cleared by itself", async () => {
    const alert = await raise();
    const resolved = await asA((tx) => resolveAlert(tx, { alertId: alert.id, userId: null, notes: "cleared" }));
    expect([resolved.alertStatus, resolved.resolvedBy]).toEqual(["resolved", null]);
  });

  it("keeps one open alert per resource and type, and allows a new one once it is resolved", async () => {
    const first = await raise("capacity_planning");
    expect(await sqlState(raise("capacity_planning"))).toBe("23505");
    await asA((tx) => resolveAlert(tx, { alertId: first.id, userId: null }));
    const second = await raise("capacity_planning");
    expect(second.id).not.toBe(first.id);
  });

  it("lists worst first and filters by status", async () => {
    const warning = await raise("resource_health", "warning");
    const open = await asA((tx) => listAlerts(tx, { statuses: ["active", "acknowledged"] }));
    expect(open.every((x) => x.alertStatus === "active" || x.alertStatus === "acknowledged")).toBe(true);
    expect(open.map((x) => x.id)).toContain(warning.id);
    const severities = open.map((x) => x.severityLevel);
    // capacity_planning (critical) from the test above comes before the warning.
    expect(severities.indexOf("critical")).toBeLessThan(severities.indexOf("warning"));
  });

  it("another organization can neither see nor change an alert or its deliveries", async () => {
    const alert = (await asA((tx) => listAlerts(tx, { statuses: ["active"] })))[0]!;
    await tdb.db.insert(alertDeliveries).values({
      organizationId: a.organizationId,
      alertId: alert.id,
      event: "raised",
      channel: "ops",
      idempotencyKey: `${alert.id}:raised:ops`,
      attempt: 1,
      status: "delivered",
    });
    expect(await asA((tx) => listAlertDeliveries(tx, { alertId: alert.id }))).toHaveLength(1);
    expect(await asB((tx) => listAlerts(tx))).toEqual([]);
    expect(await asB((tx) => listAlertDeliveries(tx, { alertId: alert.id }))).toEqual([]);
    await expect(asB((tx) => acknowledgeAlert(tx, { alertId: alert.id, userId: b.userId }))).rejects.toThrow(AlertNotFoundError);
    // B cannot attach a delivery to A's alert either: the composite key names B's alerts only.
    expect(
      await sqlState(
        asB((tx) =>
          tx.insert(alertDeliveries).values({ organizationId: b.organizationId, alertId: alert.id, event: "raised", channel: "ops", idempotencyKey: "k", attempt: 1, status: "failed" }),
        ),
      ),
    ).toBe("23503");
  });

  it("checks arguments before any SQL runs", async () => {
    await expect(asA((tx) => acknowledgeAlert(tx, { alertId: "nope", userId: a.userId }))).rejects.toThrow(/alertId: expected a UUID/);
    await expect(asA((tx) => resolveAlert(tx, { alertId: a.userId, userId: null, notes: "  " }))).rejects.toThrow(/notes: empty/);
  });
});
