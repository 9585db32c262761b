import { eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type NewAlertEvent, type ResourceStatusChangeEvent, cloudResources, infrastructureAlerts } from "../src/index.ts";
import { type TestDatabase, createTestDatabase } from "../src/testing.ts";
import { type Tenant, createResource, createTenant } from "./fixtures.ts";

let tdb: TestDatabase;
let t: Tenant;
beforeAll(async () => {
  tdb = await createTestDatabase();
  t = await createTenant(tdb.db, "notify");
});
afterAll(async () => tdb?.drop());

function nextEvent<T>(events: T[], count: number): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      if (events.length >= count) {
        clearInterval(poll);
        resolve(events.slice(0, count));
      } else if (Date.now() - started > 10_000) {
        clearInterval(poll);
        reject(new Error(`waited 10 s for ${count} notification(s), got ${events.length}`));
      }
    }, 20);
  });
}

it("a LISTEN client receives typed status changes, and only real changes", async () => {
  const events: ResourceStatusChangeEvent[] = [];
  const unlisten = await tdb.listen("infrastructure_change", (e) => events.push(e));
  const resource = await createResource(tdb.db, t, 1, { resourceStatus: "running" });
  // Same status, other columns: no notification.
  await tdb.db.update(cloudResources).set({ resourceStatus: "running", resourceName: "renamed" }).where(eq(cloudResources.id, resource.id));
  await tdb.db.update(cloudResources).set({ resourceStatus: "stopped" }).where(eq(cloudResources.id, resource.id));
  const [event] = await nextEvent(events, 1);
  expect(event).toMatchObject({
    type: "resource_status_change",
    resource_id: resource.id,
    provider_id: t.providerId,
    old_status: "running",
    new_status: "stopped",
    organization_id: t.organizationId,
  });
  expect(Number.isNaN(Date.parse(event!.changed_at))).toBe(false);
  await unlisten();
});

it("a LISTEN client receives new alerts, without credentials in the payload", async () => {
  const events: NewAlertEvent[] = [];
  const unlisten = await tdb.listen("infrastructure_alert", (e) => events.push(e));
  const [alert] = await tdb.db
    .insert(infrastructureAlerts)
    .values({ organizationId: t.organizationId, alertName: "cpu", alertType: "performance_degradation", severityLevel: "critical", alertConditions: {}, recipientList: ["ops@x"] })
    .returning();
  const [event] = await nextEvent(events, 1);
  expect(event).toMatchObject({ type: "new_alert", alert_id: alert!.id, severity: "critical", alert_type: "performance_degradation", organization_id: t.organizationId });
  expect(JSON.stringify(event)).not.toMatch(/credential|secret|password/i);
  await unlisten();
});

it("refuses a channel that does not exist", async () => {
  await expect(tdb.listen("nope" as "infrastructure_alert", () => {})).rejects.toThrow(/unknown channel/);
});
