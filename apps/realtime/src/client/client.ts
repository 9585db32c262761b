// A typed client for the realtime feed. Browser-safe: no Node imports, only type imports from
// the database package, and any WHATWG-style WebSocket (the browser's, Node 22's global, `ws`).
import { type BackoffOptions, backoffDelay } from "../backoff.ts";
import {
  CloseCode,
  CloseReason,
  type GapMessage,
  type NotificationChannel,
  type NotificationPayloads,
  PROTOCOL,
  type ServerMessage,
  type SubscriptionFilter,
  TOKEN_PROTOCOL_PREFIX,
  TOKEN_QUERY_PARAMETER,
} from "../protocol.ts";

/**
 * The part of a WebSocket the client uses. Handler parameters are `never` so that the browser's
 * WebSocket, Node's and `ws`'s all fit, whatever their event classes are called.
 */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: never) => void) | null;
  onmessage: ((event: never) => void) | null;
  onclose: ((event: never) => void) | null;
  onerror: ((event: never) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

export type ClientState = "connecting" | "open" | "reconnecting" | "closed";

/** A window in which events may have been missed: refetch what you show. */
export type Gap = Omit<GapMessage, "type">;

export class RealtimeClientError extends Error {
  override name = "RealtimeClientError";
  constructor(
    message: string,
    /** A WebSocket close code, or a protocol error code from the server. */
    readonly code?: number | string,
    /** The subscription concerned, if any. */
    readonly subscription?: string,
  ) {
    super(message);
  }
}

export interface RealtimeClientOptions {
  /** `ws(s)://host:port/v1/stream` */
  url: string;
  /** A JWT, or a function asked for a fresh one before every (re)connection. */
  token: string | (() => string | Promise<string>);
  /** Required where there is no global WebSocket (Node 20: `import { WebSocket } from "ws"`). */
  WebSocket?: WebSocketConstructor;
  /** `protocol` (default): `Sec-WebSocket-Protocol: cloudsync.v1, token.<jwt>`; `query`: `?access_token=<jwt>`. */
  tokenTransport?: "protocol" | "query";
  /** Reconnect delays (default 500 ms doubling to 30 s, jittered). */
  backoff?: BackoffOptions;
  /** An application-level ping this often (default 25 s)… */
  pingIntervalMs?: number;
  /** …and the connection counts as dead when nothing arrives this long after it (default 10 s). */
  pongTimeoutMs?: number;
  /** Errors that do not throw anywhere else: refused tokens, server error replies, token fetch failures. */
  onError?: (error: RealtimeClientError) => void;
  onStateChange?: (state: ClientState) => void;
}

export interface Subscription {
  readonly id: string;
  /** Resolves when the server confirmed the subscription; rejects if it refused it (bad filter). */
  readonly ready: Promise<void>;
  unsubscribe(): void;
}

export interface RealtimeClient {
  readonly state: ClientState;
  subscribe<C extends NotificationChannel>(channel: C, filter: SubscriptionFilter | undefined, onEvent: (event: NotificationPayloads[C]) => void): Subscription;
  /** Called for every gap: the server's (a replay it could not do, or it had no position yet) and the client's own (it reconnected without a position). */
  onGap(handler: (gap: Gap) => void): () => void;
  /** Closes for good; subscriptions end. */
  close(): void;
}

interface ActiveSubscription {
  id: string;
  channel: NotificationChannel;
  filter: SubscriptionFilter | undefined;
  onEvent: (event: never) => void;
  confirmed: boolean;
  resolve(): void;
  reject(error: Error): void;
  /** Where to resume after a disconnect (`after`), from the server; undefined until it gave one. */
  resume: number | undefined;
  /** Sequence numbers received above `resume`: a replay repeats them, and they are not delivered twice. */
  seen: Set<number>;
  /** Whether the subscription was away without a position to resume from (then a gap is due). */
  lostWithoutResume: boolean;
  /** The server's position when it last confirmed the subscription: where to resume after a replay it could not do. */
  confirmedAt: number | undefined;
}

const OPEN = 1;

/**
 * Connects, subscribes, and keeps the subscriptions alive: after a disconnect it reconnects with
 * exponential backoff (asking for a fresh token each time) and subscribes again under the same
 * ids with `after` set to the last position the server gave, so the server replays what was
 * missed (each event is delivered once: repeats are recognised by `seq`). A subscription without
 * a position (a server that does not replay) gets a `client_reconnected` gap covering the time it
 * was away, once every subscription is confirmed. A token refused as invalid (4401 other than "token expired") or forbidden (4403)
 * stops it: retrying the same credentials would not help.
 */
export function createRealtimeClient(options: RealtimeClientOptions): RealtimeClient {
  const WebSocketImpl: WebSocketConstructor | undefined = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (WebSocketImpl === undefined) throw new TypeError("no global WebSocket here (Node < 22): pass one, e.g. createRealtimeClient({ WebSocket, … }) with WebSocket from 'ws'");
  const backoff = { initialMs: 500, maxMs: 30_000, ...options.backoff };
  const pingIntervalMs = options.pingIntervalMs ?? 25_000;
  const pongTimeoutMs = options.pongTimeoutMs ?? 10_000;

  const subscriptions = new Map<string, ActiveSubscription>();
  const gapHandlers = new Set<(gap: Gap) => void>();
  let state: ClientState = "connecting";
  let socket: WebSocketLike | undefined;
  let ready = false;
  let attempt = 0;
  let nextId = 1;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let pingTimer: ReturnType<typeof setInterval> | undefined;
  let lastMessageAt = 0;
  /** Set while away from a server we were subscribed on: the start of the gap to report. */
  let disconnectedAt: Date | undefined;

  // A function, not an inline comparison: the state changes across awaits.
  const isClosed = () => state === "closed";
  const setState = (next: ClientState) => {
    if (state === next) return;
    state = next;
    options.onStateChange?.(next);
  };
  const report = (error: RealtimeClientError) => {
    if (options.onError) options.onError(error);
  };
  const send = (message: object) => {
    if (socket && ready && socket.readyState === OPEN) socket.send(JSON.stringify(message));
  };
  const emitGap = (gap: Gap) => {
    for (const handler of gapHandlers) {
      try {
        handler(gap);
      } catch (error) {
        report(new RealtimeClientError(`a gap handler threw: ${error instanceof Error ? error.message : String(error)}`));
      }
    }
  };

  async function connect(): Promise<void> {
    reconnectTimer = undefined;
    if (state === "closed") return;
    let token: string;
    try {
      token = typeof options.token === "function" ? await options.token() : options.token;
    } catch (error) {
      report(new RealtimeClientError(`could not get a token: ${error instanceof Error ? error.message : String(error)}`));
      scheduleReconnect();
      return;
    }
    if (isClosed()) return;
    const Impl = WebSocketImpl as WebSocketConstructor;
    let ws: WebSocketLike;
    try {
      ws =
        options.tokenTransport === "query"
          ? new Impl(`${options.url}${options.url.includes("?") ? "&" : "?"}${TOKEN_QUERY_PARAMETER}=${encodeURIComponent(token)}`, [PROTOCOL])
          : new Impl(options.url, [PROTOCOL, `${TOKEN_PROTOCOL_PREFIX}${token}`]);
    } catch (error) {
      report(new RealtimeClientError(`cannot open ${options.url}: ${error instanceof Error ? error.message : String(error)}`));
      scheduleReconnect();
      return;
    }
    socket = ws;
    ready = false;
    ws.onmessage = (event: { data: unknown }) => {
      if (socket !== ws) return;
      lastMessageAt = Date.now();
      onMessage(String(event.data));
    };
    ws.onclose = (event: { code: number; reason: string }) => {
      if (socket !== ws) return;
      onClosed(event.code, event.reason);
    };
    // Errors are followed by a close event, which is where recovery happens.
    ws.onerror = () => undefined;
  }

  function onMessage(text: string): void {
    let message: ServerMessage;
    try {
      message = JSON.parse(text) as ServerMessage;
    } catch {
      report(new RealtimeClientError("the server sent a message that is not JSON"));
      return;
    }
    switch (message.type) {
      case "ready": {
        ready = true;
        attempt = 0;
        setState("open");
        startPings();
        for (const subscription of subscriptions.values()) {
          if (disconnectedAt && subscription.confirmed && subscription.resume === undefined) subscription.lostWithoutResume = true;
          subscription.confirmed = false;
          sendSubscribe(subscription);
        }
        maybeReportReconnectGap();
        return;
      }
      case "subscribed": {
        const subscription = subscriptions.get(message.id);
        if (!subscription) return;
        subscription.confirmed = true;
        // Only the first position: after a reconnect the replay still has to arrive.
        if (typeof message.resume === "number") {
          subscription.confirmedAt = message.resume;
          if (subscription.resume === undefined) subscription.resume = message.resume;
        }
        subscription.resolve();
        maybeReportReconnectGap();
        return;
      }
      case "event": {
        const subscription = subscriptions.get(message.subscription);
        if (!subscription) return;
        if (typeof message.seq === "number") {
          if (subscription.seen.has(message.seq)) return;
          subscription.seen.add(message.seq);
          if (typeof message.resume === "number" && (subscription.resume === undefined || message.resume > subscription.resume)) {
            const resume = message.resume;
            subscription.resume = resume;
            for (const seq of subscription.seen) if (seq <= resume) subscription.seen.delete(seq);
          }
        }
        try {
          (subscription.onEvent as (event: unknown) => void)(message.event);
        } catch (error) {
          report(new RealtimeClientError(`an event handler threw: ${error instanceof Error ? error.message : String(error)}`, undefined, subscription.id));
        }
        return;
      }
      case "gap": {
        const { type: _type, ...gap } = message;
        // The replay from the old position was refused (pruned, too long): the application refetches,
        // and the next reconnect resumes from where the server confirmed the subscription instead.
        const concerned = gap.reason === "replay_unavailable" && gap.subscription !== undefined ? subscriptions.get(gap.subscription) : undefined;
        if (concerned && concerned.confirmedAt !== undefined) {
          concerned.resume = concerned.confirmedAt;
          concerned.seen.clear();
        }
        emitGap(gap);
        return;
      }
      case "error": {
        const subscription = message.id !== undefined ? subscriptions.get(message.id) : undefined;
        const error = new RealtimeClientError(`server refused a message: ${message.message}`, message.code, message.id);
        if (subscription && !subscription.confirmed) {
          subscriptions.delete(subscription.id);
          subscription.reject(error);
          maybeReportReconnectGap();
        }
        report(error);
        return;
      }
      default:
        return;
    }
  }

  function sendSubscribe(subscription: ActiveSubscription): void {
    send({
      type: "subscribe",
      id: subscription.id,
      channel: subscription.channel,
      ...(subscription.filter ? { filter: subscription.filter } : {}),
      ...(subscription.resume !== undefined ? { after: subscription.resume } : {}),
    });
  }

  /**
   * The reconnect gap ends when every subscription is back, so events after `to` are covered. It
   * is due only if a subscription had no position to replay from; the others were replayed.
   */
  function maybeReportReconnectGap(): void {
    if (!disconnectedAt || !ready) return;
    for (const subscription of subscriptions.values()) if (!subscription.confirmed) return;
    const from = disconnectedAt;
    disconnectedAt = undefined;
    let due = false;
    for (const subscription of subscriptions.values()) {
      due ||= subscription.lostWithoutResume;
      subscription.lostWithoutResume = false;
    }
    if (due) emitGap({ from: from.toISOString(), to: new Date().toISOString(), reason: "client_reconnected" });
  }

  function onClosed(code: number, reason: string): void {
    const wasReady = ready;
    socket = undefined;
    ready = false;
    stopPings();
    if (state === "closed") return;
    if (wasReady && subscriptions.size > 0) disconnectedAt ??= new Date();
    const fatal = (code === CloseCode.unauthorized && reason !== CloseReason.tokenExpired) || code === CloseCode.forbidden;
    if (fatal) {
      const error = new RealtimeClientError(`the server refused the token (${code} ${reason}); not reconnecting`, code);
      shutdown(error);
      report(error);
      return;
    }
    // An expired token is replaced at once; anything else waits its turn.
    if (code === CloseCode.unauthorized && wasReady) attempt = 0;
    scheduleReconnect();
  }

  function scheduleReconnect(): void {
    if (state === "closed" || reconnectTimer) return;
    setState("reconnecting");
    const delay = backoffDelay(attempt++, backoff);
    reconnectTimer = setTimeout(() => void connect(), delay);
  }

  function startPings(): void {
    stopPings();
    lastMessageAt = Date.now();
    pingTimer = setInterval(() => {
      if (!socket || !ready) return;
      if (Date.now() - lastMessageAt > pingIntervalMs + pongTimeoutMs) {
        // Half-open: the close handshake would never finish, so give up on this socket now.
        const dead = socket;
        dead.onclose = null;
        dead.close(CloseCode.normal, "no reply to ping");
        onClosed(1006, "no reply to ping");
        return;
      }
      send({ type: "ping" });
    }, pingIntervalMs);
  }

  function stopPings(): void {
    if (pingTimer) clearInterval(pingTimer);
    pingTimer = undefined;
  }

  function shutdown(error: Error): void {
    setState("closed");
    if (reconnectTimer) clearTimeout(reconnectTimer);
    reconnectTimer = undefined;
    stopPings();
    for (const subscription of subscriptions.values()) if (!subscription.confirmed) subscription.reject(error);
  }

  void connect();

  return {
    get state() {
      return state;
    },
    subscribe(channel, filter, onEvent) {
      if (state === "closed") throw new RealtimeClientError("the client is closed");
      const id = `s${nextId++}`;
      let resolve!: () => void;
      let reject!: (error: Error) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      // Nobody has to await `ready`; a refusal is also reported through onError.
      promise.catch(() => undefined);
      const subscription: ActiveSubscription = {
        id,
        channel,
        filter,
        onEvent: onEvent as (event: never) => void,
        confirmed: false,
        resolve,
        reject,
        resume: undefined,
        seen: new Set(),
        lostWithoutResume: false,
        confirmedAt: undefined,
      };
      subscriptions.set(id, subscription);
      sendSubscribe(subscription);
      return {
        id,
        ready: promise,
        unsubscribe() {
          if (!subscriptions.delete(id)) return;
          send({ type: "unsubscribe", id });
          if (!subscription.confirmed) reject(new RealtimeClientError("unsubscribed before the server confirmed", undefined, id));
        },
      };
    },
    onGap(handler) {
      gapHandlers.add(handler);
      return () => gapHandlers.delete(handler);
    },
    close() {
      if (state === "closed") return;
      shutdown(new RealtimeClientError("the client was closed"));
      const ws = socket;
      socket = undefined;
      if (ws) {
        ws.onclose = null;
        ws.close(CloseCode.normal, "client closed");
      }
    },
  };
}
