import { EventEmitter } from "node:events";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import type { WebSocket } from "ws";
import type { ServerMessage } from "../src/protocol.ts";
import type { ParsedEvent } from "../src/server/events.ts";
import { Hub } from "../src/server/hub.ts";
import { silentLogger } from "../src/server/logger.ts";
import { createMetrics } from "../src/server/metrics.ts";
import type { WeddingCriticalLookup } from "../src/server/wedding-critical.ts";

// The hub on its own, with sockets that record what they are sent: the failure paths that a
// real database will not produce on demand (a failed lookup, a queue that overflows).

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

function change(n: number, organizationId = ORG): ParsedEvent {
  return {
    channel: "infrastructure_change",
    event: { type: "resource_status_change", resource_id: RESOURCE, provider_id: RESOURCE, old_status: "running", new_status: "stopped", organization_id: organizationId, changed_at: `2026-01-01T00:00:0${n}Z` },
  };
}

function setup(lookup: WeddingCriticalLookup, overrides: { maxQueuedEvents?: number; maxBufferedBytes?: number } = {}) {
  const registry = new Registry();
  const metrics = createMetrics(registry, { defaultMetrics: false });
  const hub = new Hub({ logger: silentLogger(), metrics, lookup, maxBufferedBytes: overrides.maxBufferedBytes ?? 1 << 20, closeGraceMs: 10, maxSubscriptionsPerConnection: 10, maxQueuedEvents: overrides.maxQueuedEvents ?? 100 });
  const open = (organizationId = ORG) => {
    const socket = new FakeSocket();
    hub.add(socket as unknown as WebSocket, { organizationId, expiresAt: Math.floor(Date.now() / 1000) + 600 });
    return socket;
  };
  return { hub, open, registry };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));
const events = (socket: FakeSocket, id: string) => socket.sent.filter((m) => m.type === "event" && m.subscription === id);

describe("Hub", () => {
  it("withholds an event from weddingCriticalOnly subscribers when the lookup fails, with a gap naming the subscription", async () => {
    const failing: WeddingCriticalLookup = { peek: () => undefined, get: () => Promise.reject(new Error("database down")) };
    const { hub, open } = setup(failing);
    const socket = open();
    socket.message({ type: "subscribe", id: "critical", channel: "infrastructure_change", filter: { weddingCriticalOnly: true } });
    socket.message({ type: "subscribe", id: "all", channel: "infrastructure_change" });
    hub.enqueue(change(1));
    await settle();
    expect(events(socket, "critical")).toEqual([]);
    expect(events(socket, "all")).toHaveLength(1);
    expect(socket.sent).toContainEqual({ type: "gap", from: "2026-01-01T00:00:01Z", to: "2026-01-01T00:00:01Z", reason: "filter_lookup_failed", subscription: "critical" });
  });

  it("drops events past the queue bound and tells that organization with a server_overloaded gap", async () => {
    let release!: (value: boolean) => void;
    const gate = new Promise<boolean>((resolve) => (release = resolve));
    const slow: WeddingCriticalLookup = { peek: () => undefined, get: () => gate };
    const { hub, open, registry } = setup(slow, { maxQueuedEvents: 2 });
    const socket = open();
    const bystander = open(OTHER);
    socket.message({ type: "subscribe", id: "critical", channel: "infrastructure_change", filter: { weddingCriticalOnly: true } });
    bystander.message({ type: "subscribe", id: "all", channel: "infrastructure_change" });
    // The first event waits for its lookup; two more fill the queue; the last two overflow.
    for (let n = 1; n <= 5; n++) hub.enqueue(change(n));
    release(true);
    await settle();
    expect(events(socket, "critical").map((m) => (m.type === "event" ? m.event : null))).toHaveLength(3);
    const gap = socket.sent.find((m) => m.type === "gap");
    expect(gap).toMatchObject({ type: "gap", reason: "server_overloaded" });
    expect(bystander.sent.some((m) => m.type === "gap")).toBe(false);
    expect(await registry.getSingleMetricAsString("cloudsync_realtime_events_dropped_total")).toMatch(/reason="server_overloaded"} 2/);
  });

  it("never matches an event against another organization's subscriptions", async () => {
    const { hub, open } = setup({ peek: () => false, get: async () => false });
    const mine = open(ORG);
    const theirs = open(OTHER);
    for (const s of [mine, theirs]) s.message({ type: "subscribe", id: "all", channel: "infrastructure_change" });
    hub.enqueue(change(1, OTHER));
    hub.enqueue(change(2, ORG));
    await settle();
    expect(events(mine, "all").map((m) => (m.type === "event" ? m.event.organization_id : null))).toEqual([ORG]);
    expect(events(theirs, "all").map((m) => (m.type === "event" ? m.event.organization_id : null))).toEqual([OTHER]);
  });

  it("closes a client with 4008 when its unsent bytes pass the bound", async () => {
    const { hub, open } = setup({ peek: () => false, get: async () => false }, { maxBufferedBytes: 1000 });
    const socket = open();
    socket.message({ type: "subscribe", id: "all", channel: "infrastructure_change" });
    socket.bufferedAmount = 5000;
    hub.enqueue(change(1));
    await settle();
    expect(socket.closedWith).toEqual({ code: 4008, reason: "slow consumer: more than 1000 bytes unread" });
    expect(events(socket, "all")).toEqual([]);
  });
});
