import { randomBytes } from "node:crypto";
import { eq, inArray, sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cloudResources,
  createEventReader,
  infrastructureAlerts,
  pruneRealtimeEvents,
  queryRows,
  readOrganizationEvents,
  realtimeEvents,
  realtimeEventsChannel,
  withOrganization,
} from "../src/index.ts";
import { type TestDatabase, createTestDatabase, defaultAdminUrl } from "../src/testing.ts";
import { type Tenant, createResource, createTenant, sqlState } from "./fixtures.ts";


let tdb: TestDatabase;
let a: Tenant;
let b: Tenant;
const roles: string[] = [];
const clients: postgres.Sql[] = [];

/** A login of its own (trust authentication on the test server), optionally a member of `memberOf`. */
async function login(kind: string, memberOf?: string): Promise<postgres.Sql> {
  const name = `rt_${kind}_${randomBytes(4).toString("hex")}`;
  await tdb.db.execute(sql.raw(`CREATE ROLE ${name} LOGIN${memberOf ? ` IN ROLE ${memberOf}` : ""}`));
  roles.push(name);
  const url = new URL(tdb.url);
  url.username = name;
  const client = postgres(url.toString(), { max: 1, onnotice: () => {} });
  clients.push(client);
  return client;
}

function waitUntil<T>(what: string, check: () => T | undefined, ms = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const timer = setInterval(() => {
      const value = check();
      if (value !== undefined) {
        clearInterval(timer);
        resolve(value);
      } else if (Date.now() - started > ms) {
        clearInterval(timer);
        reject(new Error(`waited ${ms} ms for ${what}`));
      }
    }, 20);
  });
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  a = await createTenant(tdb.db, "rt-a");
  b = await createTenant(tdb.db, "rt-b");
});
afterAll(async () => {
  for (const client of clients) await client.end({ timeout: 5 });
  await tdb?.drop();
  const admin = postgres(defaultAdminUrl(), { max: 1, onnotice: () => {} });
  for (const role of roles) await admin.unsafe(`DROP ROLE IF EXISTS ${role}`);
  await admin.end({ timeout: 5 });
});

describe("the outbox the triggers write", () => {
  it("records one event per resource whose status changed, in one statement, with the wedding flag", async () => {
    const r1 = await createResource(tdb.db, a, 101, { resourceStatus: "running", isWeddingCritical: true });
    const r2 = await createResource(tdb.db, a, 102, { resourceStatus: "running" });
    const r3 = await createResource(tdb.db, a, 103, { resourceStatus: "stopped" });
    const reader = createEventReader(tdb.db);
    await reader.start();
    // r3 is already stopped: the statement changes two statuses out of three rows.
    await tdb.db.update(cloudResources).set({ resourceStatus: "stopped" }).where(inArray(cloudResources.id, [r1.id, r2.id, r3.id]));
    const { events } = await reader.read();
    expect(events.map((e) => e.resourceId).sort()).toEqual([r1.id, r2.id].sort());
    const critical = events.find((e) => e.resourceId === r1.id)!;
    expect(critical).toMatchObject({ channel: "infrastructure_change", organizationId: a.organizationId, isWeddingCritical: true });
    expect(critical.payload).toMatchObject({ type: "resource_status_change", old_status: "running", new_status: "stopped", provider_id: a.providerId });
    expect(events.find((e) => e.resourceId === r2.id)!.isWeddingCritical).toBe(false);
  });

  it("records alerts with their resource's wedding flag", async () => {
    const r = await createResource(tdb.db, b, 201, { isWeddingCritical: true });
    const reader = createEventReader(tdb.db);
    await reader.start();
    const [alert] = await tdb.db
      .insert(infrastructureAlerts)
      .values({ organizationId: b.organizationId, resourceId: r.id, alertName: "disk", alertType: "resource_health", severityLevel: "warning", alertConditions: {}, recipientList: [] })
      .returning();
    const { events } = await reader.read();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ channel: "infrastructure_alert", organizationId: b.organizationId, resourceId: r.id, isWeddingCritical: true });
    expect(events[0]!.payload).toMatchObject({ type: "new_alert", alert_id: alert!.id, severity: "warning" });
  });
});

describe("NOTIFY carries nothing a listener could use", () => {
  it("a tenant login that LISTENs gets bare sequence numbers, never another organization's ids or statuses", async () => {
    const tenant = await login("tenant", "cloudsync_app");
    const heard: string[] = [];
    await tenant.listen(realtimeEventsChannel, (payload) => heard.push(payload));
    // The channels the old triggers used carry nothing any more.
    await tenant.listen("infrastructure_change", (payload) => heard.push(payload));
    await tenant.listen("infrastructure_alert", (payload) => heard.push(payload));
    const other = await createResource(tdb.db, b, 301, { resourceStatus: "running" });
    await tdb.db.update(cloudResources).set({ resourceStatus: "stopped" }).where(eq(cloudResources.id, other.id));
    await tdb.db
      .insert(infrastructureAlerts)
      .values({ organizationId: b.organizationId, resourceId: other.id, alertName: "x", alertType: "resource_health", severityLevel: "critical", alertConditions: {}, recipientList: [] });
    await waitUntil("two notifications", () => (heard.length >= 2 ? true : undefined));
    for (const payload of heard) expect(payload).toMatch(/^\d+$/);
    const all = heard.join(" ");
    expect(all).not.toContain(b.organizationId);
    expect(all).not.toContain(other.id);
  });

  it("a tenant reads its own organization's events and none of another's", async () => {
    const mine = await createResource(tdb.db, a, 401, { resourceStatus: "running" });
    const theirs = await createResource(tdb.db, b, 402, { resourceStatus: "running" });
    await tdb.db.update(cloudResources).set({ resourceStatus: "stopped" }).where(inArray(cloudResources.id, [mine.id, theirs.id]));
    const seen = await withOrganization(tdb.db, a.organizationId, (tx) => tx.select().from(realtimeEvents));
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((e) => e.organizationId === a.organizationId)).toBe(true);
    expect(seen.some((e) => e.resourceId === theirs.id)).toBe(false);
    // Not even by asking for it by name.
    const direct = await withOrganization(tdb.db, a.organizationId, (tx) => tx.select().from(realtimeEvents).where(eq(realtimeEvents.resourceId, theirs.id)));
    expect(direct).toEqual([]);
  });

  it("no tenant and no login without grants can write an event or read the table", async () => {
    const forged = sql`INSERT INTO realtime_events (organization_id, channel, is_wedding_critical, payload) VALUES (${b.organizationId}, 'infrastructure_alert', true, '{}')`;
    // cloudsync_app: not even for its own organization (only the triggers write).
    expect(await sqlState(withOrganization(tdb.db, a.organizationId, (tx) => tx.execute(forged)))).toBe("42501");
    const forgedOwn = sql`INSERT INTO realtime_events (organization_id, channel, is_wedding_critical, payload) VALUES (${a.organizationId}, 'infrastructure_alert', true, '{}')`;
    expect(await sqlState(withOrganization(tdb.db, a.organizationId, (tx) => tx.execute(forgedOwn)))).toBe("42501");
    const nobody = await login("nogrants");
    expect(await sqlState(nobody`SELECT * FROM realtime_events`)).toBe("42501");
    expect(await sqlState(nobody`INSERT INTO realtime_events (organization_id, channel, is_wedding_critical, payload) VALUES (${b.organizationId}, 'infrastructure_alert', true, '{}')`)).toBe("42501");
    // The worker role neither.
    expect(await sqlState(withOrganization(tdb.db, a.organizationId, (tx) => tx.execute(forgedOwn), { role: "cloudsync_worker" }))).toBe("42501");
  });

  it("the realtime role reads every organization's events and writes none", async () => {
    const r = await createResource(tdb.db, b, 501, { resourceStatus: "running" });
    await tdb.db.update(cloudResources).set({ resourceStatus: "terminated" }).where(eq(cloudResources.id, r.id));
    const asRealtime = <T>(fn: (tx: Parameters<Parameters<typeof tdb.db.transaction>[0]>[0]) => Promise<T>) =>
      tdb.db.transaction(async (tx) => {
        await tx.execute(sql`SET LOCAL ROLE cloudsync_realtime`);
        return fn(tx);
      });
    const read = await asRealtime((tx) => queryRows<{ organization_id: string }>(tx, sql`SELECT DISTINCT organization_id FROM realtime_events`));
    expect(read.map((row) => row.organization_id).sort()).toEqual([a.organizationId, b.organizationId].sort());
    expect(await sqlState(asRealtime((tx) => tx.execute(sql`DELETE FROM realtime_events`)))).toBe("42501");
  });
});

describe("the reader loses nothing to commit order", () => {
  it("returns a number that commits after a larger one, and forgets a rolled-back one", async () => {
    // Three organizations: writers of one organization's resources queue on its health counts
    // (0016), and this test needs the three transactions open at once.
    const c = await createTenant(tdb.db, "rt-c");
    const r1 = await createResource(tdb.db, a, 601, { resourceStatus: "running" });
    const r2 = await createResource(tdb.db, b, 602, { resourceStatus: "running" });
    const r3 = await createResource(tdb.db, c, 603, { resourceStatus: "running" });
    const reader = createEventReader(tdb.db);
    await reader.start();
    const slow = postgres(tdb.url, { max: 1, onnotice: () => {} });
    const doomed = postgres(tdb.url, { max: 1, onnotice: () => {} });
    clients.push(slow, doomed);
    let releaseSlow!: () => void;
    let releaseDoomed!: () => void;
    const slowHeld = new Promise<void>((resolve) => (releaseSlow = resolve));
    const doomedHeld = new Promise<void>((resolve) => (releaseDoomed = resolve));
    let slowWrote!: () => void;
    let doomedWrote!: () => void;
    const slowReady = new Promise<void>((resolve) => (slowWrote = resolve));
    const doomedReady = new Promise<void>((resolve) => (doomedWrote = resolve));
    // Takes the first number and keeps its transaction open.
    const slowTx = slow.begin(async (tx) => {
      await tx`UPDATE cloud_resources SET resource_status = 'stopped' WHERE id = ${r1.id}`;
      slowWrote();
      await slowHeld;
    });
    await slowReady;
    const doomedTx = doomed
      .begin(async (tx) => {
        await tx`UPDATE cloud_resources SET resource_status = 'stopped' WHERE id = ${r2.id}`;
        doomedWrote();
        await doomedHeld;
        throw new Error("rolled back on purpose");
      })
      .catch(() => undefined);
    await doomedReady;
    // Takes a later number and commits first.
    await tdb.db.update(cloudResources).set({ resourceStatus: "stopped" }).where(eq(cloudResources.id, r3.id));

    const first = await reader.read();
    expect(first.events.map((e) => e.resourceId)).toEqual([r3.id]);
    expect(reader.pending).toBe(2);
    // Resuming from the first event must not skip the two numbers still in flight.
    expect(first.events[0]!.resume).toBeLessThan(first.events[0]!.seq);

    releaseSlow();
    await slowTx;
    releaseDoomed();
    await doomedTx;
    const second = await reader.read();
    expect(second.events.map((e) => e.resourceId)).toEqual([r1.id]);
    // The rolled-back number is given up once every transaction that was running when it went
    // missing has ended; on a server shared with other tests' transactions that may take a few reads.
    for (let i = 0; i < 100 && reader.pending > 0; i++) {
      expect((await reader.read()).events).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(reader.pending).toBe(0);
    expect(reader.watermark).toBe(first.events[0]!.seq);
    expect((await reader.read()).events).toEqual([]);
  });
});

describe("replay and retention", () => {
  it("replays one organization's events after a position, and says when some were pruned", async () => {
    const reader = createEventReader(tdb.db);
    await reader.start();
    const position = reader.watermark;
    const r = await createResource(tdb.db, a, 701, { resourceStatus: "running" });
    await tdb.db.update(cloudResources).set({ resourceStatus: "stopped" }).where(eq(cloudResources.id, r.id));
    const theirs = await createResource(tdb.db, b, 702, { resourceStatus: "running" });
    await tdb.db.update(cloudResources).set({ resourceStatus: "stopped" }).where(eq(cloudResources.id, theirs.id));

    const replay = await readOrganizationEvents(tdb.db, { organizationId: a.organizationId, after: position });
    expect(replay).toMatchObject({ complete: true, truncated: false });
    expect(replay.events.map((e) => e.resourceId)).toEqual([r.id]);

    // Age every event, prune, and the old position is no longer complete.
    await tdb.db.execute(sql`UPDATE realtime_events SET created_at = created_at - interval '2 days'`);
    expect(await pruneRealtimeEvents(tdb.db, { keepHours: 24 })).toBeGreaterThan(0);
    const after = await readOrganizationEvents(tdb.db, { organizationId: a.organizationId, after: position });
    expect(after).toMatchObject({ complete: false, events: [] });
    await expect(pruneRealtimeEvents(tdb.db, { keepHours: 0 })).rejects.toThrow(/keepHours/);
  });

  it("the worker and the realtime role may prune; a tenant may not", async () => {
    expect(await sqlState(withOrganization(tdb.db, a.organizationId, (tx) => pruneRealtimeEvents(tx, { keepHours: 24 })))).toBe("42501");
    await withOrganization(tdb.db, a.organizationId, (tx) => pruneRealtimeEvents(tx, { keepHours: 24 }), { role: "cloudsync_worker" });
    await withOrganization(tdb.db, a.organizationId, (tx) => pruneRealtimeEvents(tx, { keepHours: 24 }), { role: "cloudsync_realtime" });
  });
});
