import { type ResourceStatus, cloudResources } from "@cloudsync/db";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RealtimeServer } from "../src/server/server.ts";
import { type Tenant, type TestSocket, connect, createAlert, createResource, createTenant, startTestServer, subscribe, waitFor } from "./helpers.ts";

let tdb: TestDatabase;
let server: RealtimeServer;
let a: Tenant;
let b: Tenant;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  tdb = await createTestDatabase();
  a = await createTenant(tdb.db, "delivery-a");
  b = await createTenant(tdb.db, "delivery-b");
  server = await startTestServer(tdb.url);
  await server.ready;
});
afterAll(async () => {
  for (const s of sockets) s.ws.terminate();
  await server?.close();
  await tdb?.drop();
});

async function open(organizationId: string): Promise<TestSocket> {
  const socket = await connect(server.url, organizationId);
  sockets.push(socket);
  return socket;
}

async function setStatus(id: string, status: ResourceStatus) {
  await tdb.db.update(cloudResources).set({ resourceStatus: status }).where(eq(cloudResources.id, id));
}

describe("organization isolation", () => {
  it("a status change reaches its organization's subscriber and never another organization's", async () => {
    const resourceA = await createResource(tdb.db, a, 1);
    const resourceB = await createResource(tdb.db, b, 1);
    const clientA = await open(a.organizationId);
    const clientB = await open(b.organizationId);
    await subscribe(clientA, "changes", "infrastructure_change");
    await subscribe(clientB, "changes", "infrastructure_change");

    await setStatus(resourceA.id, "stopped");
    const [event] = await waitFor("A's event", () => clientA.events("changes").length >= 1 && clientA.events("changes"));
    expect(event).toMatchObject({
      type: "event",
      subscription: "changes",
      channel: "infrastructure_change",
      event: { type: "resource_status_change", resource_id: resourceA.id, organization_id: a.organizationId, old_status: "running", new_status: "stopped" },
    });

    // Events are fanned out in the order PostgreSQL delivered them, so once B has its own later
    // event, A's earlier one would already be there had it leaked.
    await setStatus(resourceB.id, "stopping");
    await waitFor("B's own event", () => clientB.events("changes").length >= 1);
    expect(clientB.events("changes").map((m) => m.event.resource_id)).toEqual([resourceB.id]);
    expect(clientA.events("changes").map((m) => m.event.resource_id)).toEqual([resourceA.id]);
  });
});

describe("filters", () => {
  it("alerts honour severity, resourceId and weddingCriticalOnly", async () => {
    const plain = await createResource(tdb.db, a, 10, { isWeddingCritical: false });
    const critical = await createResource(tdb.db, a, 11, { isWeddingCritical: true });
    const client = await open(a.organizationId);
    await subscribe(client, "severe", "infrastructure_alert", { severity: ["critical", "emergency"] });
    await subscribe(client, "plain-only", "infrastructure_alert", { resourceId: plain.id });
    await subscribe(client, "wedding", "infrastructure_alert", { weddingCriticalOnly: true });
    await subscribe(client, "severe-wedding", "infrastructure_alert", { severity: ["warning"], weddingCriticalOnly: true });
    // Subscribed last: when it has an event, every earlier subscription's copy of it has arrived.
    await subscribe(client, "all", "infrastructure_alert");

    const info = await createAlert(tdb.db, a, "info", plain.id);
    const crit = await createAlert(tdb.db, a, "critical", critical.id);
    const emergency = await createAlert(tdb.db, a, "emergency", null);
    const warning = await createAlert(tdb.db, a, "warning", critical.id);
    const ids = (sub: string) => client.events(sub).map((m) => (m.event as { alert_id: string }).alert_id);

    await waitFor("four alerts on the unfiltered subscription", () => ids("all").length >= 4);
    expect(ids("all")).toEqual([info.id, crit.id, emergency.id, warning.id]);
    expect(ids("severe")).toEqual([crit.id, emergency.id]);
    expect(ids("plain-only")).toEqual([info.id]);
    expect(ids("wedding")).toEqual([crit.id, warning.id]);
    expect(ids("severe-wedding")).toEqual([warning.id]);
    expect(client.events("all")[1]).toMatchObject({ channel: "infrastructure_alert", event: { type: "new_alert", severity: "critical", resource_id: critical.id, organization_id: a.organizationId } });
  });

  it("status changes honour resourceId and weddingCriticalOnly", async () => {
    const plain = await createResource(tdb.db, a, 20, { isWeddingCritical: false });
    const critical = await createResource(tdb.db, a, 21, { isWeddingCritical: true });
    const client = await open(a.organizationId);
    await subscribe(client, "one", "infrastructure_change", { resourceId: critical.id });
    await subscribe(client, "wedding", "infrastructure_change", { weddingCriticalOnly: true });
    await subscribe(client, "all", "infrastructure_change");

    await setStatus(plain.id, "stopped");
    await setStatus(critical.id, "error");
    await setStatus(plain.id, "running");
    const resources = (sub: string) => client.events(sub).map((m) => m.event.resource_id);
    await waitFor("three changes on the unfiltered subscription", () => resources("all").length >= 3);
    expect(resources("all")).toEqual([plain.id, critical.id, plain.id]);
    expect(resources("one")).toEqual([critical.id]);
    expect(resources("wedding")).toEqual([critical.id]);
  });

  it("unsubscribe stops delivery on that subscription only", async () => {
    const resource = await createResource(tdb.db, a, 30);
    const client = await open(a.organizationId);
    await subscribe(client, "gone", "infrastructure_change");
    await subscribe(client, "kept", "infrastructure_change");
    client.send({ type: "unsubscribe", id: "gone" });
    await client.next("unsubscribed", (m) => m.type === "unsubscribed" && m.id === "gone");

    await setStatus(resource.id, "stopped");
    await waitFor("the kept subscription's event", () => client.events("kept").length >= 1);
    expect(client.events("gone")).toEqual([]);
  });
});
