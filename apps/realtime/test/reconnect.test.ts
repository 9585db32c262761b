import { type DbHandle, type ResourceStatus, cloudResources, createDb, migrate } from "@cloudsync/db";
import { type PostgresCluster as Cluster, type TestDatabase, createTestDatabase, startPostgresCluster as startCluster } from "@cloudsync/db/testing";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { type Gap, type RealtimeClient, createRealtimeClient } from "../src/client/client.ts";
import type { ResourceStatusChangeEvent } from "../src/protocol.ts";
import type { RealtimeServer } from "../src/server/server.ts";
import { type TestSocket, connect, isGap, createResource, createTenant, isType, signToken, startTestServer, subscribe, waitFor } from "./helpers.ts";

async function healthStatus(server: RealtimeServer): Promise<number> {
  return (await fetch(`${server.httpUrl}/healthz`)).status;
}

async function setStatus(db: DbHandle["db"], id: string, status: ResourceStatus): Promise<void> {
  await db.update(cloudResources).set({ resourceStatus: status }).where(eq(cloudResources.id, id));
}

describe("the LISTEN connection is terminated by PostgreSQL (pg_terminate_backend)", () => {
  let tdb: TestDatabase;
  let server: RealtimeServer;
  let socket: TestSocket;
  beforeAll(async () => {
    tdb = await createTestDatabase();
    server = await startTestServer(tdb.url);
    await server.ready;
  });
  afterAll(async () => {
    socket?.ws.terminate();
    await server?.close();
    await tdb?.drop();
  });

  it("reconnects and delivers what was committed while LISTEN was down, without a gap", async () => {
    const t = await createTenant(tdb.db, "terminate");
    const resource = await createResource(tdb.db, t, 1);
    socket = await connect(server.url, t.organizationId);
    await subscribe(socket, "changes", "infrastructure_change");
    await setStatus(tdb.db, resource.id, "stopped");
    await waitFor("the event before the outage", () => socket.events("changes").length >= 1);

    await tdb.db.execute(sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`);
    // Committed while the server's LISTEN connection is gone: no NOTIFY reaches it.
    await setStatus(tdb.db, resource.id, "starting");
    await waitFor("the listener to be back", async () => (await healthStatus(server)) === 200 && /^cloudsync_realtime_listener_reconnects_total [1-9]/m.test(await (await fetch(`${server.httpUrl}/metrics`)).text()));
    await setStatus(tdb.db, resource.id, "running");
    await waitFor("the events during and after the outage", () => socket.events("changes").length >= 3);
    expect(socket.events("changes").map((m) => (m.event as ResourceStatusChangeEvent).new_status)).toEqual(["stopped", "starting", "running"]);
    expect(socket.messages.filter((m) => m.type === "gap")).toEqual([]);
  });
});

/** Any organization id will do for a client that only waits for a gap. */
const ANY_ORGANIZATION = "00000000-0000-4000-8000-00000000beef";

describe("the PostgreSQL server is stopped and started under the realtime server", () => {
  let cluster: Cluster;
  let handle: DbHandle;
  let server: RealtimeServer;
  let socket: TestSocket;
  let client: RealtimeClient;
  beforeAll(async () => {
    cluster = await startCluster();
    handle = await createDb({ url: cluster.url, maxConnections: 2 });
    await migrate(handle);
    server = await startTestServer(cluster.url);
    await server.ready;
  }, 90_000);
  afterAll(async () => {
    client?.close();
    socket?.ws.terminate();
    await server?.close();
    await handle?.close();
    await cluster?.destroy();
  });

  it("reports 503 while down, reconnects with backoff, and delivers everything committed since, without a gap", async () => {
    const t = await createTenant(handle.db, "restart");
    const resource = await createResource(handle.db, t, 1);
    socket = await connect(server.url, t.organizationId);
    await subscribe(socket, "changes", "infrastructure_change");
    // The typed client sees the same thing through onGap and its subscription.
    const clientEvents: ResourceStatusChangeEvent[] = [];
    const clientGaps: Gap[] = [];
    client = createRealtimeClient({ url: server.url, token: () => signToken({ org: t.organizationId }), WebSocket });
    client.onGap((gap) => clientGaps.push(gap));
    await client.subscribe("infrastructure_change", { resourceId: resource.id }, (event) => clientEvents.push(event)).ready;

    await setStatus(handle.db, resource.id, "stopped");
    await waitFor("the event before the restart", () => socket.events("changes").length >= 1 && clientEvents.length >= 1);

    await cluster.stop();
    await waitFor("/healthz to say 503", async () => (await healthStatus(server)) === 503);
    await cluster.start();
    // Committed as soon as PostgreSQL is back, before the realtime server listens again.
    await waitFor("a write to succeed", async () => {
      try {
        await setStatus(handle.db, resource.id, "starting");
        return true;
      } catch {
        return false;
      }
    }, 30_000);
    await waitFor("/healthz to say 200 again", async () => (await healthStatus(server)) === 200, 30_000);
    await setStatus(handle.db, resource.id, "running");
    await waitFor("the events after the restart", () => socket.events("changes").length >= 3 && clientEvents.length >= 3);
    expect(clientEvents.map((e) => e.new_status)).toEqual(["stopped", "starting", "running"]);
    expect(socket.events("changes").map((m) => (m.event as ResourceStatusChangeEvent).new_status)).toEqual(["stopped", "starting", "running"]);
    // Read from the outbox, so nothing to refetch; the WebSocket itself never dropped.
    expect(socket.messages.filter((m) => m.type === "gap")).toEqual([]);
    expect(clientGaps).toEqual([]);
    expect(socket.ws.readyState).toBe(WebSocket.OPEN);
    expect(socket.messages.filter(isType("ready"))).toHaveLength(1);
    const metrics = await (await fetch(`${server.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/^cloudsync_realtime_listener_reconnects_total [1-9]/m);
    expect(metrics).toMatch(/^cloudsync_realtime_listener_up 1$/m);
  });

  it("starts while PostgreSQL is down, answers 503, and sends a listener_started gap once it can listen", async () => {
    await cluster.stop();
    const early = await startTestServer(cluster.url);
    let earlyReady = false;
    void early.ready.then(() => (earlyReady = true));
    try {
      expect(await healthStatus(early)).toBe(503);
      const waiting = await connect(early.url, ANY_ORGANIZATION);
      expect(earlyReady).toBe(false);
      await cluster.start();
      const gap = await waiting.next("a listener_started gap", isGap("listener_started"), 30_000);
      expect(Date.parse(gap.to)).toBeGreaterThanOrEqual(Date.parse(gap.from));
      expect(await healthStatus(early)).toBe(200);
      waiting.ws.terminate();
    } finally {
      await early.close();
    }
  });
});
