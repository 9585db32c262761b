import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RealtimeServer } from "../src/server/server.ts";
import { type Tenant, type TestSocket, connect, createTenant, isType, openSocket, signToken, startTestServer, subscribe, waitFor } from "./helpers.ts";

let tdb: TestDatabase;
let t: Tenant;
const servers: RealtimeServer[] = [];
const sockets: TestSocket[] = [];

beforeAll(async () => {
  tdb = await createTestDatabase();
  t = await createTenant(tdb.db, "operations");
});
afterAll(async () => {
  for (const s of sockets) s.ws.terminate();
  for (const s of servers) await s.close();
  await tdb?.drop();
});

async function start(overrides: Parameters<typeof startTestServer>[1] = {}) {
  const server = await startTestServer(tdb.url, overrides);
  servers.push(server);
  await server.ready;
  return server;
}

async function metric(server: RealtimeServer, line: string): Promise<number | undefined> {
  const text = await (await fetch(`${server.httpUrl}/metrics`)).text();
  const found = text.split("\n").find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

/** `count` real status changes for the tenant in one statement: `count` resources stopped at once. */
async function burst(count: number, tag: string): Promise<void> {
  await tdb.db.execute(sql`
    insert into cloud_resources (organization_id, provider_id, region_id, resource_id, resource_name, resource_type, configuration, resource_status, created_by)
    select ${t.organizationId}::uuid, ${t.providerId}::uuid, ${t.regionId}::uuid, ${tag}::text || '-' || i, 'burst', 'compute', '{}'::jsonb, 'running', ${t.userId}::uuid
      from generate_series(1, ${count}) as i`);
  await tdb.db.execute(sql`update cloud_resources set resource_status = 'stopped' where resource_id like ${`${tag}-%`}`);
}

describe("health and metrics", () => {
  it("GET /healthz is 200 while listening and /metrics reports clients, events and the listener", async () => {
    const server = await start();
    const health = await fetch(`${server.httpUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "ok", listener: "up" });

    const socket = await connect(server.url, t.organizationId);
    sockets.push(socket);
    await subscribe(socket, "all", "infrastructure_change");
    await burst(3, "metrics");
    await waitFor("3 events", () => socket.events("all").length >= 3);
    expect(await metric(server, "cloudsync_realtime_connected_clients")).toBe(1);
    expect(await metric(server, "cloudsync_realtime_subscriptions")).toBe(1);
    expect(await metric(server, 'cloudsync_realtime_events_delivered_total{channel="infrastructure_change"}')).toBe(3);
    expect(await metric(server, "cloudsync_realtime_listener_up")).toBe(1);
    expect((await fetch(`${server.httpUrl}/nothing`)).status).toBe(404);
  });
});

describe("dead and slow clients", () => {
  it("a client that stops answering pings is dropped", async () => {
    const server = await start({ pingIntervalMs: 100 });
    const deaf = openSocket(server.url, await signToken({ org: t.organizationId }), { autoPong: false });
    const healthy = openSocket(server.url, await signToken({ org: t.organizationId }));
    sockets.push(deaf, healthy);
    await deaf.next("ready", isType("ready"));
    expect((await deaf.closed).code).toBe(1006);
    await waitFor("the heartbeat_timeout disconnect", async () => (await metric(server, 'cloudsync_realtime_disconnects_total{reason="heartbeat_timeout"}')) === 1);
    // The client that answers pings stays.
    await healthy.next("ready", isType("ready"));
    expect(healthy.ws.readyState).toBe(healthy.ws.OPEN);
  });

  it("a client that stops reading is disconnected with 4008 once its buffer passes the bound; others keep receiving", async () => {
    const server = await start({ maxBufferedBytes: 64 * 1024, closeGraceMs: 30_000 });
    const slow = await connect(server.url, t.organizationId);
    const fast = await connect(server.url, t.organizationId);
    sockets.push(slow, fast);
    await subscribe(slow, "all", "infrastructure_change");
    await subscribe(fast, "all", "infrastructure_change");
    slow.ws.pause();

    // Enough to fill the loopback socket buffers (a few MB) and then the 64 KiB bound.
    const events = 30_000;
    await burst(events, "flood");
    // The server gives up on the slow client (and stops queueing for it) while it still is not reading.
    await waitFor("events dropped for the slow consumer", async () => ((await metric(server, 'cloudsync_realtime_events_dropped_total{reason="slow_consumer"}')) ?? 0) > 0, 30_000);
    await waitFor("every event at the fast client", () => fast.events("all").length >= events, 30_000);
    // When it reads again it finds what was already sent, then the close frame.
    slow.ws.resume();
    expect(await slow.closed).toEqual({ code: 4008, reason: "slow consumer: more than 65536 bytes unread" });
    const received = slow.events("all").length;
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThan(events);
    await waitFor("the slow_consumer disconnect", async () => (await metric(server, 'cloudsync_realtime_disconnects_total{reason="slow_consumer"}')) === 1);
  });
});
