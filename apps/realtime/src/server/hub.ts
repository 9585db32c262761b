import type { OrganizationEvents, RealtimeEvent } from "@cloudsync/db";
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
import { eventMessageHead, matches } from "./events.ts";
import type { Logger } from "./logger.ts";
import { parseClientMessage } from "./messages.ts";
import type { DisconnectReason, Metrics } from "./metrics.ts";

export interface HubOptions {
  logger: Logger;
  metrics: Metrics;
  /** A client whose unsent bytes pass this is disconnected with 4008 (default 1 MiB). */
  maxBufferedBytes: number;
  /** How long a client the server closes (slow, token expired) gets to read up to the close frame before its socket is destroyed. */
  closeGraceMs: number;
  maxSubscriptionsPerConnection: number;
  /** Connections at once: in all, per organization, per token. */
  maxConnections: number;
  maxConnectionsPerOrganization: number;
  maxConnectionsPerToken: number;
  /** One organization's events on a channel after a position: what a subscription with `after` is sent first. */
  replay(organizationId: string, channel: NotificationChannel, after: number): Promise<OrganizationEvents>;
  /** The feed's resume position now, or undefined while it has none (the database was never reached). */
  position(): number | undefined;
}

interface Replay {
  /** Live events that arrived while the replay was read, sent after it. */
  buffer: RealtimeEvent[];
  /** The feed's position when the replay started: replayed events after it resume from it. */
  ceiling: number | undefined;
}

interface Subscription {
  id: string;
  channel: NotificationChannel;
  filter: SubscriptionFilter;
  /** Set while its replay is being read and sent. */
  replay?: Replay;
}

interface Connection {
  ws: WebSocket;
  organizationId: string;
  /** A digest of the token the connection presented (never the token itself), for the per-token cap. */
  tokenKey: string;
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

/** Why a connection is refused at the door, with its close reason. */
export type Admission = { ok: true } | { ok: false; reason: string; metric: "server_full" | "organization_full" | "token_full" };

/**
 * Connections, their subscriptions, and the fan-out of events to them. Connections are indexed
 * by organization, so an event is only ever matched against its own organization's clients.
 * Events are handled strictly in the order the feed hands them over.
 */
export class Hub {
  private readonly byOrganization = new Map<string, Set<Connection>>();
  private readonly perToken = new Map<string, number>();
  private readonly queue: RealtimeEvent[] = [];
  private queueHead = 0;
  private draining = false;
  private idleWaiters: Array<() => void> = [];
  private positionedWaiters: Array<() => void> = [];
  private connectionCount = 0;
  private readonly log: Logger;

  constructor(private readonly options: HubOptions) {
    this.log = options.logger.child({ component: "hub" });
  }

  get size(): number {
    return this.connectionCount;
  }

  /** Events handed over and not yet fanned out. */
  get backlog(): number {
    return this.queue.length - this.queueHead;
  }

  /** Resolves once every event handed over so far has been fanned out. */
  idle(): Promise<void> {
    if (!this.draining && this.backlog === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Whether one more connection fits: the global cap, then the organization's (so one tenant
   * cannot fill the server and lock the others out), then the token's (so one leaked or looping
   * token cannot use up its organization's share).
   */
  admission(principal: Principal, tokenKey: string): Admission {
    if (this.connectionCount >= this.options.maxConnections) return { ok: false, reason: CloseReason.serverFull, metric: "server_full" };
    if ((this.byOrganization.get(principal.organizationId)?.size ?? 0) >= this.options.maxConnectionsPerOrganization) {
      return { ok: false, reason: CloseReason.organizationFull, metric: "organization_full" };
    }
    if ((this.perToken.get(tokenKey) ?? 0) >= this.options.maxConnectionsPerToken) return { ok: false, reason: CloseReason.tokenFull, metric: "token_full" };
    return { ok: true };
  }

  add(ws: WebSocket, principal: Principal, tokenKey: string): void {
    const connection: Connection = { ws, organizationId: principal.organizationId, tokenKey, subscriptions: new Map(), alive: true };
    const peers = this.byOrganization.get(principal.organizationId) ?? new Set<Connection>();
    this.byOrganization.set(principal.organizationId, peers);
    peers.add(connection);
    this.perToken.set(tokenKey, (this.perToken.get(tokenKey) ?? 0) + 1);
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

  /** Resolves once the feed has a position (at once when it already has one). */
  private whenPositioned(): Promise<void> {
    if (this.options.position() !== undefined) return Promise.resolve();
    return new Promise((resolve) => this.positionedWaiters.push(resolve));
  }

  /**
   * The feed has its first position. Clients connected before may have missed events, so they
   * get the gap, except those whose every subscription waits to replay from its own position
   * (they miss nothing); then the waiting replays run.
   */
  positioned(gap: Omit<GapMessage, "type">): void {
    const text = JSON.stringify({ type: "gap", ...gap } satisfies GapMessage);
    for (const peers of this.byOrganization.values()) {
      for (const connection of peers) {
        const subscriptions = [...connection.subscriptions.values()];
        if (subscriptions.length > 0 && subscriptions.every((s) => s.replay)) continue;
        if (this.sendText(connection, text)) this.options.metrics.gaps.inc({ reason: gap.reason });
      }
    }
    const waiters = this.positionedWaiters;
    this.positionedWaiters = [];
    for (const resolve of waiters) resolve();
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

  /** Hands over one event of the feed; events are fanned out in the order handed over. */
  enqueue(event: RealtimeEvent): void {
    if (!this.byOrganization.has(event.organizationId)) return;
    this.queue.push(event);
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
        const event = this.queue[this.queueHead]!;
        this.queue[this.queueHead++] = undefined as never;
        if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
          this.queue.splice(0, this.queueHead);
          this.queueHead = 0;
        }
        try {
          this.deliver(event);
        } catch (error) {
          this.log.error({ err: error instanceof Error ? error.message : String(error) }, "delivering an event failed");
        }
      }
    } finally {
      this.draining = false;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  private deliver(event: RealtimeEvent): void {
    const peers = this.byOrganization.get(event.organizationId);
    if (!peers) return;
    let head: string | undefined;
    for (const connection of peers) {
      for (const subscription of connection.subscriptions.values()) {
        if (!matches(event, subscription.channel, subscription.filter)) continue;
        if (subscription.replay) {
          subscription.replay.buffer.push(event);
          continue;
        }
        // Serialized once; only the subscription id differs between the messages.
        head ??= eventMessageHead(event, event.resume);
        this.sendEvent(connection, subscription, head, event.channel);
      }
    }
  }

  private sendEvent(connection: Connection, subscription: Subscription, head: string, channel: NotificationChannel): void {
    if (this.sendText(connection, `${head}${JSON.stringify(subscription.id)}}`)) this.options.metrics.eventsDelivered.inc({ channel });
    else this.options.metrics.eventsDropped.inc({ reason: "slow_consumer" });
  }

  /**
   * Sends the organization's matching events after `after`, then what arrived live meanwhile
   * (skipping what the replay already sent). A replayed event resumes at most from the feed's
   * position when the replay began: numbers after it may still be in flight.
   */
  private async runReplay(connection: Connection, subscription: Subscription, after: number): Promise<void> {
    const replay = subscription.replay!;
    const current = () => connection.subscriptions.get(subscription.id) === subscription && !connection.endReason;
    const sent = new Set<number>();
    try {
      // Before the feed has a position, live events are not flowing yet: a replay read now could
      // miss what commits between it and the feed's start. So it waits, and then starts at or
      // after the feed's position.
      await this.whenPositioned();
      if (!current()) return;
      replay.ceiling = this.options.position();
      const result = await this.options.replay(connection.organizationId, subscription.channel, after);
      if (!current()) return;
      if (!result.complete || result.truncated) {
        this.options.metrics.replays.inc({ outcome: "unavailable" });
        // Pruned: the first missed event's time is unknown, so the gap starts at the epoch
        // (refetch everything). Too many: it starts at the first event not replayed.
        const from = result.complete && result.events[0] ? result.events[0].createdAt.toISOString() : new Date(0).toISOString();
        this.gapFor(connection.organizationId, connection, { from, to: new Date().toISOString(), reason: "replay_unavailable", subscription: subscription.id });
      } else {
        this.options.metrics.replays.inc({ outcome: "replayed" });
        for (const event of result.events) {
          if (!matches(event, subscription.channel, subscription.filter)) continue;
          const resume = replay.ceiling === undefined ? after : Math.min(event.seq, replay.ceiling);
          this.sendEvent(connection, subscription, eventMessageHead(event, resume), event.channel);
          sent.add(event.seq);
        }
      }
    } catch (error) {
      if (!current()) return;
      this.options.metrics.replays.inc({ outcome: "unavailable" });
      this.log.warn({ err: error instanceof Error ? error.message : String(error) }, "replay failed; the subscription continues live with a gap");
      this.gapFor(connection.organizationId, connection, { from: new Date(0).toISOString(), to: new Date().toISOString(), reason: "replay_unavailable", subscription: subscription.id });
    } finally {
      if (current()) {
        for (const event of replay.buffer) if (!sent.has(event.seq)) this.sendEvent(connection, subscription, eventMessageHead(event, event.resume), event.channel);
      }
      subscription.replay = undefined;
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
        const position = this.options.position();
        const subscription: Subscription = { id: message.id, channel: message.channel, filter: message.filter ?? {} };
        if (message.after !== undefined) subscription.replay = { buffer: [], ceiling: position };
        connection.subscriptions.set(message.id, subscription);
        this.options.metrics.subscriptions.inc();
        this.send(connection, { type: "subscribed", id: message.id, ...(position !== undefined ? { resume: position } : {}) });
        if (message.after !== undefined) void this.runReplay(connection, subscription, message.after);
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
    const tokenConnections = (this.perToken.get(connection.tokenKey) ?? 1) - 1;
    if (tokenConnections > 0) this.perToken.set(connection.tokenKey, tokenConnections);
    else this.perToken.delete(connection.tokenKey);
    clearTimeout(connection.expiryTimer);
    clearTimeout(connection.graceTimer);
    this.connectionCount--;
    this.options.metrics.connectedClients.dec();
    if (connection.subscriptions.size > 0) this.options.metrics.subscriptions.dec(connection.subscriptions.size);
    this.options.metrics.disconnects.inc({ reason: connection.endReason ?? "client" });
  }
}
