import { type ResourceStatus, cloudResources, pruneRealtimeEvents } from "@cloudsync/db";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { eq, sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import { type ClientState, type Gap, type RealtimeClient, RealtimeClientError, createRealtimeClient } from "../src/client/client.ts";
import type { NewAlertEvent, ResourceStatusChangeEvent } from "../src/protocol.ts";
import type { RealtimeServer } from "../src/server/server.ts";
import { type Tenant, createAlert, createResource, createTenant, signToken, startTestServer, waitFor } from "./helpers.ts";

let tdb: TestDatabase;
let t: Tenant;
const clients: RealtimeClient[] = [];
const servers: RealtimeServer[] = [];

beforeAll(async () => {
  tdb = await createTestDatabase();
  t = await createTenant(tdb.db, "client");
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const s of servers.splice(0)) await s.close();
});
afterAll(async () => tdb?.drop());

async function server(port = 0): Promise<RealtimeServer> {
  const s = await startTestServer(tdb.url, { port });
  servers.push(s);
  await s.ready;
  return s;
}

function client(options: Partial<Parameters<typeof createRealtimeClient>[0]> & { url: string }): RealtimeClient {
  const c = createRealtimeClient({ token: () => signToken({ org: t.organizationId }), WebSocket, backoff: { initialMs: 50, maxMs: 500 }, ...options });
  clients.push(c);
  return c;
}

async function setStatus(id: string, status: ResourceStatus): Promise<void> {
  await tdb.db.update(cloudResources).set({ resourceStatus: status }).where(eq(cloudResources.id, id));
}

describe("createRealtimeClient", () => {
  it("delivers typed events per subscription, with either token transport", async () => {
    const s = await server();
    for (const tokenTransport of ["protocol", "query"] as const) {
      // A resource of its own per transport: a resource has one open alert per type.
      const resource = await createResource(tdb.db, t, tokenTransport === "protocol" ? 1 : 11);
      const c = client({ url: s.url, tokenTransport });
      const alerts: NewAlertEvent[] = [];
      const changes: ResourceStatusChangeEvent[] = [];
      await Promise.all([
        c.subscribe("infrastructure_alert", { severity: ["critical"] }, (e) => alerts.push(e)).ready,
        c.subscribe("infrastructure_change", undefined, (e) => changes.push(e)).ready,
      ]);
      expect(c.state).toBe("open");
      await createAlert(tdb.db, t, "info", resource.id);
      const critical = await createAlert(tdb.db, t, "critical", resource.id);
      await setStatus(resource.id, "stopped");
      await waitFor("a critical alert and a change", () => alerts.length >= 1 && changes.length >= 1);
      expect(alerts.map((a) => a.alert_id)).toEqual([critical.id]);
      expect(changes[0]!.resource_id).toBe(resource.id);
    }
  });

  it("reconnects after the server goes away, replays what happened meanwhile without a gap, and keeps delivering", async () => {
    const first = await server();
    const resource = await createResource(tdb.db, t, 2);
    let tokens = 0;
    const states: ClientState[] = [];
    const gaps: Gap[] = [];
    const changes: ResourceStatusChangeEvent[] = [];
    const c = client({
      url: first.url,
      token: () => {
        tokens++;
        return signToken({ org: t.organizationId });
      },
      onStateChange: (state) => states.push(state),
    });
    c.onGap((gap) => gaps.push(gap));
    await c.subscribe("infrastructure_change", { resourceId: resource.id }, (e) => changes.push(e)).ready;
    await setStatus(resource.id, "stopped");
    await waitFor("the first event", () => changes.length >= 1);

    await first.close();
    servers.splice(servers.indexOf(first), 1);
    await waitFor("the client to notice", () => c.state === "reconnecting");
    // Happens while no server runs: a new server process knows nothing of it, the client's
    // position (after) brings it back from realtime_events.
    await setStatus(resource.id, "starting");
    const second = await server(first.port);
    await waitFor("the event missed while away, replayed", () => changes.length >= 2);
    expect(c.state).toBe("open");
    expect(tokens).toBeGreaterThanOrEqual(2);
    expect(states).toContain("reconnecting");

    await setStatus(resource.id, "running");
    await waitFor("the event through the new server", () => changes.length >= 3);
    expect(changes.map((e) => e.new_status)).toEqual(["stopped", "starting", "running"]);
    // Replayed, so nothing to refetch.
    expect(gaps).toEqual([]);
    expect(second.url).toBe(first.url);
  });

  it("fetches a new token when the server closes with 'token expired'", async () => {
    const s = await server();
    const resource = await createResource(tdb.db, t, 3);
    const issued: string[] = [];
    const changes: ResourceStatusChangeEvent[] = [];
    const gaps: Gap[] = [];
    const c = client({
      url: s.url,
      token: async () => {
        // The first token expires a second from now; the next ones last.
        const token = await signToken({ org: t.organizationId }, { expiresIn: issued.length === 0 ? Math.floor(Date.now() / 1000) + 1 : "10m" });
        issued.push(token);
        return token;
      },
    });
    c.onGap((gap) => gaps.push(gap));
    await c.subscribe("infrastructure_change", undefined, (e) => changes.push(e)).ready;
    await waitFor("a second token", () => issued.length >= 2 && c.state === "open");
    await setStatus(resource.id, "stopped");
    await waitFor("an event on the refreshed connection", () => changes.some((e) => e.resource_id === resource.id));
    expect(c.state).toBe("open");
    // The subscription resumed from its position: no gap to report.
    expect(gaps).toEqual([]);
  });

  it("stops and reports when the token is refused", async () => {
    const s = await server();
    const errors: RealtimeClientError[] = [];
    const c = client({ url: s.url, token: "not-a-jwt", onError: (e) => errors.push(e) });
    const subscription = c.subscribe("infrastructure_alert", undefined, () => undefined);
    await expect(subscription.ready).rejects.toThrow(/4401 invalid token/);
    expect(c.state).toBe("closed");
    expect(errors[0]).toBeInstanceOf(RealtimeClientError);
    expect(errors[0]!.code).toBe(4401);
  });

  it("rejects a subscription the server refuses and keeps the others", async () => {
    const s = await server();
    const errors: RealtimeClientError[] = [];
    const c = client({ url: s.url, onError: (e) => errors.push(e) });
    const good = c.subscribe("infrastructure_alert", { severity: ["emergency"] }, () => undefined);
    const bad = c.subscribe("infrastructure_change", { severity: ["critical"] }, () => undefined);
    await expect(bad.ready).rejects.toMatchObject({ code: "invalid_message", subscription: bad.id });
    await good.ready;
    expect(errors.map((e) => e.code)).toEqual(["invalid_message"]);
  });

  it("gives up on a connection that stops answering and reconnects", async () => {
    // A server that says ready and then ignores everything: a half-open connection, as the client sees it.
    const mute = new WebSocketServer({ port: 0, host: "127.0.0.1", handleProtocols: () => "cloudsync.v1" });
    let connections = 0;
    mute.on("connection", (ws) => {
      connections++;
      ws.send(JSON.stringify({ type: "ready", organization: t.organizationId }));
    });
    await new Promise((resolve) => mute.once("listening", resolve));
    try {
      const { port } = mute.address() as { port: number };
      client({ url: `ws://127.0.0.1:${port}/v1/stream`, pingIntervalMs: 50, pongTimeoutMs: 100 });
      await waitFor("a second connection", () => connections >= 2);
    } finally {
      for (const ws of mute.clients) ws.terminate();
      await new Promise((resolve) => mute.close(resolve));
    }
  });

  it("reports a replay_unavailable gap when what it missed was pruned, and resumes live", async () => {
    const first = await server();
    const resource = await createResource(tdb.db, t, 4);
    const gaps: Gap[] = [];
    const changes: ResourceStatusChangeEvent[] = [];
    const c = client({ url: first.url });
    c.onGap((gap) => gaps.push(gap));
    await c.subscribe("infrastructure_change", { resourceId: resource.id }, (e) => changes.push(e)).ready;
    await setStatus(resource.id, "stopped");
    await waitFor("the first event", () => changes.length >= 1);

    await first.close();
    servers.splice(servers.indexOf(first), 1);
    await waitFor("the client to notice", () => c.state === "reconnecting");
    // Missed while away, and pruned before the client is back. (Last in this file: it prunes every
    // event, and later positions could lag behind that while other transactions run.)
    await setStatus(resource.id, "starting");
    await tdb.db.execute(sql`update realtime_events set created_at = created_at - interval '2 days'`);
    await pruneRealtimeEvents(tdb.db, { keepHours: 24 });
    const second = await server(first.port);
    const gap = await waitFor("the replay_unavailable gap", () => gaps.find((g) => g.reason === "replay_unavailable"));
    expect(gap.subscription).toBeDefined();
    expect(changes.map((e) => e.new_status)).toEqual(["stopped"]);
    await setStatus(resource.id, "running");
    await waitFor("live events again", () => changes.length >= 2);
    expect(changes.map((e) => e.new_status)).toEqual(["stopped", "running"]);
    expect(second.url).toBe(first.url);
  });
});
