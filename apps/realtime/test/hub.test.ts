import type { OrganizationEvents, RealtimeEvent } from "@cloudsync/db";
import { EventEmitter } from "node:events";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import type { WebSocket } from "ws";
import type { ServerMessage } from "../src/protocol.ts";
import { Hub, type HubOptions } from "../src/server/hub.ts";
import { silentLogger } from "../src/server/logger.ts";
import { createMetrics } from "../src/server/metrics.ts";

// The hub on its own, with sockets that record what they are sent: orderings a real database
// and network will not produce on demand (a live event arriving while a replay is being read).

class FakeSocket extends EventEmitter {
  readyState = 1;
  bufferedAmount = 0;
  sent: ServerMessage[] = [];
  closedWith?: { code: number; reason: string };
  send(text: string) {
    this.sent.push(JSON.parse(text) as ServerMessage);
  }
  close(code: number, reason: string) {
    this.closedWith = { code, reason };
  }
  terminate() {}
  ping() {}
  message(value: unknown) {
    this.emit("message", Buffer.from(JSON.stringify(value)), false);
  }
}

const ORG = "00000000-0000-4000-8000-000000000001";
const OTHER = "00000000-0000-4000-8000-000000000002";
const RESOURCE = "00000000-0000-4000-8000-0000000000aa";

function change(seq: number, organizationId = ORG, isWeddingCritical = false): RealtimeEvent {
  return {
    seq,
    resume: seq,
    organizationId,
    channel: "infrastructure_change",
    resourceId: RESOURCE,
    isWeddingCritical,
    createdAt: new Date(`2026-01-01T00:00:0${seq % 10}Z`),
    payload: { type: "resource_status_change", resource_id: RESOURCE, provider_id: RESOURCE, old_status: "running", new_status: "stopped", organization_id: organizationId, changed_at: "2026-01-01T00:00:00Z" },
  };
}

function setup(overrides: Partial<HubOptions> = {}) {
  const registry = new Registry();
  const metrics = createMetrics(registry, { defaultMetrics: false });
  const hub = new Hub({
    logger: silentLogger(),
    metrics,
    maxBufferedBytes: 1 << 20,
    closeGraceMs: 10,
    maxSubscriptionsPerConnection: 10,
    maxConnections: 100,
    maxConnectionsPerOrganization: 100,
    maxConnectionsPerToken: 100,
    replay: async () => ({ events: [], complete: true, truncated: false }),
    position: () => 0,
    ...overrides,
  });
  const principal = (organizationId: string) => ({ organizationId, expiresAt: Math.floor(Date.now() / 1000) + 600 });
  const open = (organizationId = ORG, tokenKey = "token") => {
    const socket = new FakeSocket();
    hub.add(socket as unknown as WebSocket, principal(organizationId), tokenKey);
    return socket;
  };
  return { hub, open, registry, principal };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));
const events = (socket: FakeSocket, id: string) => socket.sent.filter((m): m is Extract<ServerMessage, { type: "event" }> => m.type === "event" && m.subscription === id);

describe("Hub", () => {
  it("filters weddingCriticalOnly by the flag the event carries, with no lookup", async () => {
    const { hub, open } = setup();
    const socket = open();
    socket.message({ type: "subscribe", id: "critical", channel: "infrastructure_change", filter: { weddingCriticalOnly: true } });
    socket.message({ type: "subscribe", id: "all", channel: "infrastructure_change" });
    hub.enqueue(change(1, ORG, false));
    hub.enqueue(change(2, ORG, true));
    await hub.idle();
    expect(events(socket, "critical").map((m) => m.seq)).toEqual([2]);
    expect(events(socket, "all").map((m) => m.seq)).toEqual([1, 2]);
  });

  it("never matches an event against another organization's subscriptions", async () => {
    const { hub, open } = setup();
    const mine = open(ORG);
    const theirs = open(OTHER);
    for (const s of [mine, theirs]) s.message({ type: "subscribe", id: "all", channel: "infrastructure_change" });
    hub.enqueue(change(1, OTHER));
    hub.enqueue(change(2, ORG));
    await hub.idle();
    expect(events(mine, "all").map((m) => m.event.organization_id)).toEqual([ORG]);
    expect(events(theirs, "all").map((m) => m.event.organization_id)).toEqual([OTHER]);
  });

  it("sends a replay first, then what arrived live meanwhile, each event once", async () => {
    let release!: (value: OrganizationEvents) => void;
    const gate = new Promise<OrganizationEvents>((resolve) => (release = resolve));
    const { hub, open } = setup({ replay: () => gate, position: () => 3 });
    const socket = open();
    socket.message({ type: "subscribe", id: "s", channel: "infrastructure_change", after: 1 });
    expect(socket.sent.find((m) => m.type === "subscribed")).toEqual({ type: "subscribed", id: "s", resume: 3 });
    // Live events while the replay is read: 3 is also in the replay, 4 is not.
    hub.enqueue(change(3));
    hub.enqueue(change(4));
    await hub.idle();
    expect(events(socket, "s")).toEqual([]);
    release({ events: [change(2), change(3)], complete: true, truncated: false });
    await settle();
    expect(events(socket, "s").map((m) => m.seq)).toEqual([2, 3, 4]);
    // Replayed events resume at most from the feed's position when the replay began.
    expect(events(socket, "s").map((m) => m.resume)).toEqual([2, 3, 4]);
  });

  it("says when a replay is unavailable, and continues live", async () => {
    const { hub, open, registry } = setup({ replay: async () => ({ events: [], complete: false, truncated: false }) });
    const socket = open();
    socket.message({ type: "subscribe", id: "s", channel: "infrastructure_change", after: 1 });
    await settle();
    expect(socket.sent.find((m) => m.type === "gap")).toMatchObject({ type: "gap", reason: "replay_unavailable", subscription: "s", from: new Date(0).toISOString() });
    hub.enqueue(change(9));
    await hub.idle();
    expect(events(socket, "s").map((m) => m.seq)).toEqual([9]);
    expect(await registry.getSingleMetricAsString("cloudsync_realtime_replays_total")).toMatch(/outcome="unavailable"} 1/);
  });

  it("admits by the global, then the organization's, then the token's cap", () => {
    const { hub, open, principal } = setup({ maxConnections: 5, maxConnectionsPerOrganization: 3, maxConnectionsPerToken: 2 });
    open(ORG, "t1");
    open(ORG, "t1");
    expect(hub.admission(principal(ORG), "t1")).toMatchObject({ ok: false, metric: "token_full" });
    expect(hub.admission(principal(ORG), "t2")).toEqual({ ok: true });
    open(ORG, "t2");
    expect(hub.admission(principal(ORG), "t3")).toMatchObject({ ok: false, metric: "organization_full" });
    expect(hub.admission(principal(OTHER), "t4")).toEqual({ ok: true });
    open(OTHER, "t4");
    open(OTHER, "t5");
    expect(hub.admission(principal(OTHER), "t6")).toMatchObject({ ok: false, metric: "server_full" });
  });

  it("closes a client with 4008 when its unsent bytes pass the bound", async () => {
    const { hub, open } = setup({ maxBufferedBytes: 1000 });
    const socket = open();
    socket.message({ type: "subscribe", id: "all", channel: "infrastructure_change" });
    socket.bufferedAmount = 5000;
    hub.enqueue(change(1));
    await hub.idle();
    expect(socket.closedWith).toEqual({ code: 4008, reason: "slow consumer: more than 1000 bytes unread" });
    expect(events(socket, "all")).toEqual([]);
  });
});
