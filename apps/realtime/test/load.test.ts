import { cloudResources } from "@cloudsync/db";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { WebSocket } from "ws";
import { type RealtimeClient, createRealtimeClient } from "../src/client/client.ts";
import type { RealtimeServer } from "../src/server/server.ts";
import { type Tenant, createResource, createTenant, signToken, startTestServer, waitFor } from "./helpers.ts";

// A bounded load test: it reports numbers and asserts only that every event reached every client.
const CLIENTS = Number(process.env.REALTIME_LOAD_CLIENTS ?? 1_000);
const EVENTS = Number(process.env.REALTIME_LOAD_EVENTS ?? 200);
const CONNECT_BATCH = 100;

let tdb: TestDatabase;
let server: RealtimeServer;
let t: Tenant;
const clients: RealtimeClient[] = [];

beforeAll(async () => {
  tdb = await createTestDatabase();
  t = await createTenant(tdb.db, "load");
  const values = Array.from({ length: EVENTS }, (_, i) => i);
  for (const i of values) await createResource(tdb.db, t, i);
  // One organization and one token for every client: the per-organization and per-token caps are raised with the global one.
  server = await startTestServer(tdb.url, { maxConnections: CLIENTS + 10, maxConnectionsPerOrganization: CLIENTS + 10, maxConnectionsPerToken: CLIENTS + 10 });
  await server.ready;
});
afterAll(async () => {
  for (const c of clients) c.close();
  await server?.close();
  await tdb?.drop();
});

it(`${CLIENTS} clients each receive a burst of ${EVENTS} status changes`, async () => {
  const token = await signToken({ org: t.organizationId }, { expiresIn: "30m" });
  const received = new Array<number>(CLIENTS).fill(0);
  const distinct = Array.from({ length: CLIENTS }, () => new Set<string>());

  const connectStarted = performance.now();
  for (let start = 0; start < CLIENTS; start += CONNECT_BATCH) {
    const batch: Promise<void>[] = [];
    for (let i = start; i < Math.min(CLIENTS, start + CONNECT_BATCH); i++) {
      const client = createRealtimeClient({ url: server.url, token, WebSocket, backoff: { initialMs: 100, maxMs: 1_000 } });
      clients.push(client);
      const subscription = client.subscribe("infrastructure_change", undefined, (event) => {
        received[i]!++;
        distinct[i]!.add(event.resource_id);
      });
      batch.push(subscription.ready);
    }
    await Promise.all(batch);
  }
  const connectMs = performance.now() - connectStarted;

  const burstStarted = performance.now();
  // One statement, one notification per resource, all committed together.
  await tdb.db
    .update(cloudResources)
    .set({ resourceStatus: sql`case when ${cloudResources.resourceStatus} = 'running' then 'stopped' else 'running' end` })
    .where(eq(cloudResources.organizationId, t.organizationId));
  await waitFor(
    `${CLIENTS * EVENTS} deliveries`,
    () => received.every((n) => n >= EVENTS),
    45_000,
  );
  const burstMs = performance.now() - burstStarted;
  const delivered = received.reduce((a, b) => a + b, 0);

  const metrics = await (await fetch(`${server.httpUrl}/metrics`)).text();
  const value = (name: string) => Number(metrics.split("\n").find((l) => l.startsWith(`${name} `))?.split(" ")[1] ?? Number.NaN);
  console.log(
    `[load] ${CLIENTS} clients connected+subscribed in ${connectMs.toFixed(0)} ms; ` +
      `burst of ${EVENTS} events → ${delivered} deliveries in ${burstMs.toFixed(0)} ms ` +
      `(${Math.round(delivered / (burstMs / 1000))} msg/s); server counted ${value('cloudsync_realtime_events_delivered_total{channel="infrastructure_change"}')} delivered, ` +
      `${value('cloudsync_realtime_events_dropped_total{reason="slow_consumer"}') || 0} dropped`,
  );

  expect(delivered).toBe(CLIENTS * EVENTS);
  expect(value("cloudsync_realtime_connected_clients")).toBe(CLIENTS);
  // Each client got each resource's change exactly once.
  expect(distinct.every((ids) => ids.size === EVENTS)).toBe(true);
});
