import { randomBytes } from "node:crypto";
import { type ResourceStatus, cloudResources, realtimeEvents, realtimeEventsChannel, withOrganization } from "@cloudsync/db";
import { type TestDatabase, createTestDatabase, defaultAdminUrl } from "@cloudsync/db/testing";
import { eq, sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RealtimeServer } from "../src/server/server.ts";
import { type Tenant, type TestSocket, connect, createAlert, createResource, createTenant, isType, openSocket, signToken, startTestServer, subscribe, waitFor } from "./helpers.ts";

// Issue 13, holes 5 and 9, against a real PostgreSQL with the real roles and a real server:
// NOTIFY can be forged and read by any login, so nothing a client receives may come from it,
// and nothing it carries may tell a listener about an organization; one token or organization
// must not be able to take every connection.

let tdb: TestDatabase;
let a: Tenant;
let b: Tenant;
let server: RealtimeServer;
const sockets: TestSocket[] = [];
const roles: string[] = [];
const logins: postgres.Sql[] = [];

/** A login of its own on the test database, optionally a member of `memberOf`; returns its URL. */
async function createLogin(kind: string, memberOf?: string): Promise<string> {
  const name = `rt_${kind}_${randomBytes(4).toString("hex")}`;
  await tdb.db.execute(sql.raw(`CREATE ROLE ${name} LOGIN${memberOf ? ` IN ROLE ${memberOf}` : ""}`));
  roles.push(name);
  const url = new URL(tdb.url);
  url.username = name;
  return url.toString();
}

function open(url: string): postgres.Sql {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  logins.push(client);
  return client;
}

async function setStatus(id: string, status: ResourceStatus): Promise<void> {
  await tdb.db.update(cloudResources).set({ resourceStatus: status }).where(eq(cloudResources.id, id));
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  a = await createTenant(tdb.db, "sec-a");
  b = await createTenant(tdb.db, "sec-b");
  // The server reads the outbox as a login that is nothing but a member of cloudsync_realtime.
  server = await startTestServer(await createLogin("server", "cloudsync_realtime"));
  await server.ready;
});
afterAll(async () => {
  for (const s of sockets) s.ws.terminate();
  await server?.close();
  for (const login of logins) await login.end({ timeout: 5 });
  await tdb?.drop();
  const admin = postgres(defaultAdminUrl(), { max: 1, onnotice: () => {} });
  for (const role of roles) await admin.unsafe(`DROP ROLE IF EXISTS ${role}`);
  await admin.end({ timeout: 5 });
});

describe("forged and leaking notifications (hole 5)", () => {
  it("a forged pg_notify from a login with no grants reaches no client", async () => {
    const resource = await createResource(tdb.db, a, 1);
    const victim = await connect(server.url, a.organizationId);
    sockets.push(victim);
    await subscribe(victim, "changes", "infrastructure_change");
    await subscribe(victim, "alerts", "infrastructure_alert");

    const attacker = open(await createLogin("nogrants"));
    const forgedChange = JSON.stringify({
      type: "resource_status_change",
      resource_id: resource.id,
      provider_id: a.providerId,
      old_status: "running",
      new_status: "terminated",
      organization_id: a.organizationId,
      changed_at: new Date().toISOString(),
    });
    const forgedAlert = JSON.stringify({ type: "new_alert", alert_id: resource.id, severity: "emergency", alert_type: "security_incident", resource_id: null, organization_id: a.organizationId, triggered_at: new Date().toISOString() });
    // The feed's channel (a number and a payload), and the channels the old triggers used.
    await attacker`select pg_notify(${realtimeEventsChannel}, '999999999')`;
    await attacker`select pg_notify(${realtimeEventsChannel}, ${forgedChange})`;
    await attacker`select pg_notify('infrastructure_change', ${forgedChange})`;
    await attacker`select pg_notify('infrastructure_alert', ${forgedAlert})`;
    // Nor may it write the outbox to the same end.
    await expect(attacker`insert into realtime_events (organization_id, channel, is_wedding_critical, payload) values (${a.organizationId}, 'infrastructure_alert', false, ${forgedAlert}::jsonb)`).rejects.toMatchObject({ code: "42501" });

    // A real change after the forgeries: once it is there, anything forged would be too.
    await setStatus(resource.id, "stopped");
    await waitFor("the real event", () => victim.events("changes").length >= 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(victim.events()).toHaveLength(1);
    expect(victim.events("changes")[0]!.event).toMatchObject({ resource_id: resource.id, new_status: "stopped" });
  });

  it("a tenant login that LISTENs learns nothing about other organizations, while their events are delivered", async () => {
    const tenant = open(await createLogin("tenant", "cloudsync_app"));
    const heard: string[] = [];
    await tenant.listen(realtimeEventsChannel, (payload) => heard.push(payload));
    await tenant.listen("infrastructure_change", (payload) => heard.push(payload));
    await tenant.listen("infrastructure_alert", (payload) => heard.push(payload));

    const theirs = await createResource(tdb.db, b, 2, { isWeddingCritical: true });
    const owner = await connect(server.url, b.organizationId);
    sockets.push(owner);
    await subscribe(owner, "critical", "infrastructure_alert", { weddingCriticalOnly: true });
    const alert = await createAlert(tdb.db, b, "critical", theirs.id);
    await setStatus(theirs.id, "stopped");
    // B's own client gets the alert, the flag taken from the event row.
    await waitFor("B's alert at B's client", () => owner.events("critical").length >= 1);
    expect(owner.events("critical")[0]!.event).toMatchObject({ alert_id: alert.id, organization_id: b.organizationId });

    await waitFor("the tenant to hear the wake-up calls", () => heard.length >= 2);
    for (const payload of heard) expect(payload).toMatch(/^\d+$/);
    expect(heard.join(" ")).not.toContain(b.organizationId);
    expect(heard.join(" ")).not.toContain(theirs.id);
    // And the numbers lead nowhere: as A, B's events are invisible.
    const seenAsA = await withOrganization(tdb.db, a.organizationId, (tx) => tx.select().from(realtimeEvents).where(eq(realtimeEvents.organizationId, b.organizationId)));
    expect(seenAsA).toEqual([]);
  });
});

describe("connection caps per organization and per token (hole 9)", () => {
  it("one token cannot take its organization's connections, and one organization cannot lock the others out", async () => {
    const capped = await startTestServer(tdb.url, { maxConnections: 10, maxConnectionsPerOrganization: 3, maxConnectionsPerToken: 2 });
    try {
      await capped.ready;
      const token = await signToken({ org: a.organizationId, sub: "one-token" });
      const first = openSocket(capped.url, token);
      const second = openSocket(capped.url, token);
      sockets.push(first, second);
      await first.next("ready", isType("ready"));
      await second.next("ready", isType("ready"));
      const third = openSocket(capped.url, token);
      sockets.push(third);
      expect(await third.closed).toEqual({ code: 1013, reason: "too many connections with this token, retry later" });
      expect(third.messages).toEqual([]);

      // Another token of A still gets in, up to A's share.
      const other = await connect(capped.url, a.organizationId);
      sockets.push(other);
      const overOrganization = openSocket(capped.url, await signToken({ org: a.organizationId, sub: "another" }));
      sockets.push(overOrganization);
      expect(await overOrganization.closed).toEqual({ code: 1013, reason: "organization at its connection limit, retry later" });
      expect(overOrganization.messages).toEqual([]);

      // B is not affected by A being at its limit, and A gets a place again when one closes.
      const neighbour = await connect(capped.url, b.organizationId);
      sockets.push(neighbour);
      first.ws.close();
      await first.closed;
      await waitFor("A's place to be free", async () => /^cloudsync_realtime_connected_clients 3$/m.test(await (await fetch(`${capped.httpUrl}/metrics`)).text()));
      const again = openSocket(capped.url, token);
      sockets.push(again);
      await again.next("ready", isType("ready"));
      const metrics = await (await fetch(`${capped.httpUrl}/metrics`)).text();
      expect(metrics).toMatch(/^cloudsync_realtime_connections_rejected_total\{reason="token_full"\} 1$/m);
      expect(metrics).toMatch(/^cloudsync_realtime_connections_rejected_total\{reason="organization_full"\} 1$/m);
    } finally {
      await capped.close();
    }
  });
});
