import { WebSocket } from "ws";
import {
  CloseCode,
  CloseReason,
  type GapMessage,
  type GapReason,
  type NotificationChannel,
  type ServerMessage,
  type SubscriptionFilter,
} from "../protocol.ts";
import type { Principal } from "./auth.ts";
import { type ParsedEvent, eventResourceId } from "./events.ts";
import type { Logger } from "./logger.ts";
import { parseClientMessage } from "./messages.ts";
import type { DisconnectReason, Metrics } from "./metrics.ts";
import type { WeddingCriticalLookup } from "./wedding-critical.ts";

export interface HubOptions {
  logger: Logger;
  metrics: Metrics;
  lookup: WeddingCriticalLookup;
  /** A client whose unsent bytes pass this is disconnected with 4008 (default 1 MiB). */
  maxBufferedBytes: number;
  /** How long a client the server closes (slow, token expired) gets to read up to the close frame before its socket is destroyed. */
  closeGraceMs: number;
  maxSubscriptionsPerConnection: number;
  /** Events waiting for a filter lookup; past this, events are dropped and a gap is sent (default 50 000). */
  maxQueuedEvents: number;
}

interface Subscription {
  id: string;
  channel: NotificationChannel;
  filter: SubscriptionFilter;
}

interface Connection {
  ws: WebSocket;
  organizationId: string;
  subscriptions: Map<string, Subscription>;
  alive: boolean;
  /** Set when the server decided to end it, so the close is counted under that reason. */
  endReason?: DisconnectReason;
  expiryTimer?: NodeJS.Timeout;
  graceTimer?: NodeJS.Timeout;
}

/** Events fanned out before the loop yields to I/O. */
const EVENTS_PER_SLICE = 32;

/** setTimeout's ceiling; a token valid for longer is not given an expiry timer (~24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Connections, their subscriptions, and the fan-out of events to them. Connections are indexed
 * by organization, so an event is only ever matched against its own organization's clients.
 * Events are handled strictly in arrival order; the loop only waits when a `weddingCriticalOnly`
 * filter needs a flag that is not cached.
 */
export class Hub {
  private readonly byOrganization = new Map<string, Set<Connection>>();
  private readonly queue: ParsedEvent[] = [];
  private queueHead = 0;
  private draining = false;
  /** Organizations whose events were dropped because the queue was full, since when. */
  private readonly overflow = new Map<string, Date>();
  private connectionCount = 0;
  private readonly log: Logger;

  constructor(private readonly options: HubOptions) {
    this.log = options.logger.child({ component: "hub" });
  }

  get size(): number {
    return this.connectionCount;
  }

  add(ws: WebSocket, principal: Principal): void {
    const connection: Connection = { ws, organizationId: principal.organizationId, subscriptions: new Map(), alive: true };
    const peers = this.byOrganization.get(principal.organizationId) ?? new Set<Connection>();
    this.byOrganization.set(principal.organizationId, peers);
    peers.add(connection);
    this.connectionCount++;
    this.options.metrics.connectedClients.inc();

    const untilExpiry = principal.expiresAt * 1000 - Date.now();
    if (untilExpiry < MAX_TIMER_MS) {
      connection.expiryTimer = setTimeout(() => this.end(connection, CloseCode.unauthorized, CloseReason.tokenExpired, "token_expired"), Math.max(0, untilExpiry));
    }
    ws.on("pong", () => {
      connection.alive = true;
    });
    ws.on("message", (data, isBinary) => {
      connection.alive = true;
      this.onMessage(connection, isBinary ? null : data.toString());
    });
    ws.on("error", (error) => this.log.debug({ err: error.message }, "client socket error"));
    ws.on("close", () => this.remove(connection));
    this.send(connection, { type: "ready", organization: principal.organizationId });
  }

  /** Every client gets the gap: whatever it subscribed to may have missed events. */
  broadcastGap(gap: Omit<GapMessage, "type">): void {
    const text = JSON.stringify({ type: "gap", ...gap } satisfies GapMessage);
    for (const peers of this.byOrganization.values()) {
      for (const connection of peers) if (this.sendText(connection, text)) this.options.metrics.gaps.inc({ reason: gap.reason });
    }
  }

  /** One ping round: a client that did not answer the previous ping is cut off. */
  sweep(): void {
    for (const peers of this.byOrganization.values()) {
      for (const connection of peers) {
        if (!connection.alive) {
          connection.endReason ??= "heartbeat_timeout";
          connection.ws.terminate();
          continue;
        }
        connection.alive = false;
        connection.ws.ping();
      }
    }
  }

  /** Sends a close to every client; resolves when all are gone or `graceMs` has passed (then destroys the rest). */
  async closeAll(code: number, reason: string, graceMs: number): Promise<void> {
    const all = [...this.byOrganization.values()].flatMap((peers) => [...peers]);
    const closed = all.map((c) => new Promise<void>((resolve) => (c.ws.readyState === WebSocket.CLOSED ? resolve() : c.ws.once("close", () => resolve()))));
    for (const connection of all) {
      connection.endReason ??= "shutdown";
      connection.ws.close(code, reason);
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(closed), new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    for (const connection of all) connection.ws.terminate();
  }

  enqueue(parsed: ParsedEvent): void {
    if (!this.byOrganization.has(parsed.event.organization_id)) return;
    if (this.queue.length - this.queueHead >= this.options.maxQueuedEvents) {
      this.options.metrics.eventsDropped.inc({ reason: "server_overloaded" });
      if (!this.overflow.has(parsed.event.organization_id)) this.overflow.set(parsed.event.organization_id, new Date());
      return;
    }
    this.queue.push(parsed);
    if (!this.draining) void this.drain();
  }

  private async drain(): Promise<void> {
    this.draining = true;
    let sinceYield = 0;
    try {
      while (this.queueHead < this.queue.length) {
        // A burst is sent in slices: between them sockets flush, pings and /healthz are answered,
        // and readers get a chance to read before anyone's buffer is judged.
        if (++sinceYield > EVENTS_PER_SLICE) {
          sinceYield = 0;
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
        const parsed = this.queue[this.queueHead]!;
        this.queue[this.queueHead++] = undefined as never;
        if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
          this.queue.splice(0, this.queueHead);
          this.queueHead = 0;
        }
        try {
          await this.deliver(parsed);
        } catch (error) {
          this.log.error({ err: error instanceof Error ? error.message : String(error) }, "delivering an event failed");
        }
      }
      for (const [organizationId, since] of this.overflow) {
        this.gapFor(organizationId, undefined, { from: since.toISOString(), to: new Date().toISOString(), reason: "server_overloaded" });
      }
      this.overflow.clear();
    } finally {
      this.draining = false;
    }
  }

  private async deliver(parsed: ParsedEvent): Promise<void> {
    const peers = this.byOrganization.get(parsed.event.organization_id);
    if (!peers) return;
    const resourceId = eventResourceId(parsed);
    const severity = parsed.channel === "infrastructure_alert" ? parsed.event.severity : null;

    const matches: Array<[Connection, Subscription]> = [];
    let needsCritical = false;
    for (const connection of peers) {
      for (const subscription of connection.subscriptions.values()) {
        if (subscription.channel !== parsed.channel) continue;
        const { filter } = subscription;
        if (filter.resourceId !== undefined && filter.resourceId.toLowerCase() !== resourceId?.toLowerCase()) continue;
        if (filter.severity !== undefined && (severity === null || !filter.severity.includes(severity))) continue;
        if (filter.weddingCriticalOnly) needsCritical = true;
        matches.push([connection, subscription]);
      }
    }
    if (matches.length === 0) return;

    let critical: boolean | "unknown" = false;
    if (needsCritical && resourceId !== null) {
      const cached = this.options.lookup.peek(parsed.event.organization_id, resourceId);
      if (cached !== undefined) critical = cached;
      else {
        try {
          critical = await this.options.lookup.get(parsed.event.organization_id, resourceId);
        } catch (error) {
          critical = "unknown";
          this.log.warn({ err: error instanceof Error ? error.message : String(error), resourceId }, "is_wedding_critical lookup failed; event withheld from weddingCriticalOnly subscribers");
        }
      }
    }

    // Serialized once; only the subscription id differs between the messages.
    const head = `{"type":"event","channel":${JSON.stringify(parsed.channel)},"event":${JSON.stringify(parsed.event)},"subscription":`;
    const at = "changed_at" in parsed.event ? parsed.event.changed_at : parsed.event.triggered_at;
    for (const [connection, subscription] of matches) {
      if (subscription.filter.weddingCriticalOnly) {
        if (critical === "unknown") {
          this.options.metrics.eventsDropped.inc({ reason: "filter_lookup_failed" });
          this.gapFor(connection.organizationId, connection, { from: at, to: at, reason: "filter_lookup_failed", subscription: subscription.id });
          continue;
        }
        if (!critical) continue;
      }
      // The connection may have ended, or been unsubscribed, while the lookup ran.
      if (connection.subscriptions.get(subscription.id) !== subscription) continue;
      if (this.sendText(connection, `${head}${JSON.stringify(subscription.id)}}`)) this.options.metrics.eventsDelivered.inc({ channel: parsed.channel });
      else this.options.metrics.eventsDropped.inc({ reason: "slow_consumer" });
    }
  }

  private gapFor(organizationId: string, only: Connection | undefined, gap: Omit<GapMessage, "type">): void {
    const targets = only ? [only] : [...(this.byOrganization.get(organizationId) ?? [])];
    const text = JSON.stringify({ type: "gap", ...gap } satisfies GapMessage);
    for (const connection of targets) if (this.sendText(connection, text)) this.options.metrics.gaps.inc({ reason: gap.reason as GapReason });
  }

  private onMessage(connection: Connection, text: string | null): void {
    if (text === null) {
      this.send(connection, { type: "error", code: "invalid_message", message: "binary frames are not supported; send JSON as text" });
      return;
    }
    const parsed = parseClientMessage(text);
    if (!parsed.ok) {
      this.send(connection, { type: "error", code: parsed.code, message: parsed.message, ...(parsed.id !== undefined ? { id: parsed.id } : {}) });
      return;
    }
    const message = parsed.message;
    switch (message.type) {
      case "ping":
        this.send(connection, { type: "pong" });
        return;
      case "subscribe": {
        if (connection.subscriptions.has(message.id)) {
          this.send(connection, { type: "error", code: "duplicate_subscription", message: `subscription ${JSON.stringify(message.id)} exists; unsubscribe first or pick another id`, id: message.id });
          return;
        }
        if (connection.subscriptions.size >= this.options.maxSubscriptionsPerConnection) {
          this.send(connection, { type: "error", code: "too_many_subscriptions", message: `at most ${this.options.maxSubscriptionsPerConnection} subscriptions per connection`, id: message.id });
          return;
        }
        connection.subscriptions.set(message.id, { id: message.id, channel: message.channel, filter: message.filter ?? {} });
        this.options.metrics.subscriptions.inc();
        this.send(connection, { type: "subscribed", id: message.id });
        return;
      }
      case "unsubscribe": {
        if (!connection.subscriptions.delete(message.id)) {
          this.send(connection, { type: "error", code: "unknown_subscription", message: `no subscription ${JSON.stringify(message.id)} on this connection`, id: message.id });
          return;
        }
        this.options.metrics.subscriptions.dec();
        this.send(connection, { type: "unsubscribed", id: message.id });
        return;
      }
    }
  }

  private send(connection: Connection, message: ServerMessage): boolean {
    return this.sendText(connection, JSON.stringify(message));
  }

  /** Sends unless the client is too far behind, in which case it is disconnected instead. */
  private sendText(connection: Connection, text: string): boolean {
    const { ws } = connection;
    if (ws.readyState !== WebSocket.OPEN || connection.endReason) return false;
    if (ws.bufferedAmount > this.options.maxBufferedBytes) {
      this.log.warn({ organizationId: connection.organizationId, bufferedBytes: ws.bufferedAmount }, "slow consumer disconnected");
      this.end(connection, CloseCode.slowConsumer, `slow consumer: more than ${this.options.maxBufferedBytes} bytes unread`, "slow_consumer");
      return false;
    }
    ws.send(text);
    return true;
  }

  /** Closes with a code; a client that does not complete the close within the grace period is destroyed. */
  private end(connection: Connection, code: number, reason: string, why: DisconnectReason): void {
    if (connection.endReason) return;
    connection.endReason = why;
    connection.ws.close(code, reason);
    connection.graceTimer = setTimeout(() => connection.ws.terminate(), this.options.closeGraceMs);
  }

  private remove(connection: Connection): void {
    const peers = this.byOrganization.get(connection.organizationId);
    if (!peers?.delete(connection)) return;
    if (peers.size === 0) this.byOrganization.delete(connection.organizationId);
    clearTimeout(connection.expiryTimer);
    clearTimeout(connection.graceTimer);
    this.connectionCount--;
    this.options.metrics.connectedClients.dec();
    if (connection.subscriptions.size > 0) this.options.metrics.subscriptions.dec(connection.subscriptions.size);
    this.options.metrics.disconnects.inc({ reason: connection.endReason ?? "client" });
  }
}
