import { type IncomingMessage, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { createDb } from "@cloudsync/db";
import { Registry } from "prom-client";
import { type WebSocket, WebSocketServer } from "ws";
import type { BackoffOptions } from "../backoff.ts";
import { CloseCode, CloseReason, PROTOCOL, STREAM_PATH } from "../protocol.ts";
import { type AuthOptions, type VerifyKey, createTokenVerifier, extractToken } from "./auth.ts";
import { type ParsedEvent, parseNotification } from "./events.ts";
import { Hub } from "./hub.ts";
import { startListener } from "./listener.ts";
import { type Logger, silentLogger } from "./logger.ts";
import { type Metrics, createMetrics } from "./metrics.ts";
import { createWeddingCriticalLookup } from "./wedding-critical.ts";

export interface RealtimeServerOptions {
  /** The PostgreSQL the notifications come from (the role needs CONNECT and, for weddingCriticalOnly, SELECT on cloud_resources). */
  databaseUrl: string;
  /** How client tokens are verified. */
  verifyKey: VerifyKey;
  /** Optional `iss` / `aud` checks and clock tolerance. */
  auth?: AuthOptions;
  /** Default 8080; 0 picks a free port (tests). */
  port?: number;
  /** Default 127.0.0.1; the container passes 0.0.0.0. */
  host?: string;
  logger?: Logger;
  /** Default: a registry of its own, with Node's process metrics. */
  registry?: Registry;
  collectDefaultMetrics?: boolean;
  /** WebSocket ping interval; a client that misses one ping is dropped at the next (default 30 s). */
  pingIntervalMs?: number;
  /** Unsent bytes per client before it is disconnected as a slow consumer (default 1 MiB). */
  maxBufferedBytes?: number;
  /** How long a client being closed by the server may take before its socket is destroyed (default 5 s). */
  closeGraceMs?: number;
  /** Authenticated connections at once; more are closed with 1013 (default 10 000). */
  maxConnections?: number;
  maxSubscriptionsPerConnection?: number;
  /** Notifications read from PostgreSQL but not yet fanned out; past this they are dropped and the organizations get a `server_overloaded` gap (default 50 000). */
  maxQueuedEvents?: number;
  /** Largest client message in bytes (default 16 KiB); larger ones close the connection with 1009. */
  maxMessageBytes?: number;
  /** The PostgreSQL listener's heartbeat and reconnect timing. */
  listener?: { heartbeatIntervalMs?: number; heartbeatTimeoutMs?: number; backoff?: BackoffOptions };
  /** The is_wedding_critical cache. */
  weddingCritical?: { ttlMs?: number; maxEntries?: number; timeoutMs?: number };
}

export interface RealtimeServer {
  /** The WebSocket endpoint, `ws://host:port/v1/stream`. */
  readonly url: string;
  /** `http://host:port`, for /healthz and /metrics. */
  readonly httpUrl: string;
  readonly port: number;
  /** Resolves once the PostgreSQL LISTEN connection is first up. */
  readonly ready: Promise<void>;
  readonly registry: Registry;
  /** Closes every client with 1001, then the listener, the database and the HTTP server. */
  close(): Promise<void>;
}

/**
 * The realtime server: one HTTP server carrying the WebSocket endpoint, /healthz and /metrics,
 * one PostgreSQL LISTEN connection, and the hub that fans events out per organization. It starts
 * serving even while PostgreSQL is down (/healthz says 503) and never exits on a database error.
 */
export async function startRealtimeServer(options: RealtimeServerOptions): Promise<RealtimeServer> {
  const logger = options.logger ?? silentLogger();
  const log = logger.child({ component: "server" });
  const registry = options.registry ?? new Registry();
  const metrics = createMetrics(registry, { defaultMetrics: options.collectDefaultMetrics ?? true });
  const verify = createTokenVerifier(options.verifyKey, options.auth);
  const maxConnections = options.maxConnections ?? 10_000;
  metrics.maxConnections.set(maxConnections);

  // Lookups only (is_wedding_critical); postgres-js reconnects this pool by itself on next use.
  const queries = await createDb({ url: options.databaseUrl, maxConnections: 2 });
  const lookup = createWeddingCriticalLookup({ db: queries.db, ...options.weddingCritical });
  const hub = new Hub({
    logger,
    metrics,
    lookup,
    maxBufferedBytes: options.maxBufferedBytes ?? 1024 * 1024,
    closeGraceMs: options.closeGraceMs ?? 5_000,
    maxSubscriptionsPerConnection: options.maxSubscriptionsPerConnection ?? 100,
    maxQueuedEvents: options.maxQueuedEvents ?? 50_000,
  });

  const listener = startListener({
    databaseUrl: options.databaseUrl,
    logger,
    ...options.listener,
    onNotification(channel, payload) {
      metrics.eventsReceived.inc({ channel });
      const parsed = parseNotification(channel, payload);
      if (!parsed.ok) {
        metrics.eventsDropped.inc({ reason: "unreadable_payload" });
        log.warn({ channel, error: parsed.error }, "notification payload ignored");
        return;
      }
      observeLag(metrics, parsed.value);
      hub.enqueue(parsed.value);
    },
    onUp(window) {
      metrics.listenerUp.set(1);
      if (!window.first) metrics.listenerReconnects.inc();
      hub.broadcastGap({ from: window.from.toISOString(), to: window.to.toISOString(), reason: window.first ? "listener_started" : "listener_reconnected" });
    },
    onDown() {
      metrics.listenerUp.set(0);
    },
  });

  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    maxPayload: options.maxMessageBytes ?? 16 * 1024,
    // Never echo the token entry back; a client that offered cloudsync.v1 gets it.
    handleProtocols: (protocols) => (protocols.has(PROTOCOL) ? PROTOCOL : false),
  });
  wss.on("error", (error) => log.error({ err: error.message }, "WebSocket server error"));

  let closing = false;
  const http = createServer((request, response) => {
    void handleHttp(request, response);
  });
  http.on("clientError", (_error, socket) => socket.destroy());
  http.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    void handleUpgrade(request, socket, head);
  });

  async function handleHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    try {
      if (request.method === "GET" && path === "/healthz") {
        const up = listener.state === "up" && !closing;
        return json(response, up ? 200 : 503, { status: up ? "ok" : "fail", listener: closing ? "closing" : listener.state, clients: hub.size });
      }
      if (request.method === "GET" && path === "/metrics") {
        const body = await registry.metrics();
        response.writeHead(200, { "content-type": registry.contentType });
        response.end(body);
        return;
      }
      json(response, 404, { error: `no route ${request.method} ${path}; the WebSocket endpoint is ${STREAM_PATH}, also GET /healthz and /metrics` });
    } catch (error) {
      log.error({ err: error instanceof Error ? error.message : String(error) }, "HTTP request failed");
      if (!response.headersSent) json(response, 500, { error: "internal error" });
      else response.destroy();
    }
  }

  async function handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on("error", (error) => log.debug({ err: error.message }, "socket error during upgrade"));
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    if (path !== STREAM_PATH) return refuseUpgrade(socket, 404, `no WebSocket endpoint at ${path}; use ${STREAM_PATH}`);
    if (closing) return refuseUpgrade(socket, 503, CloseReason.shuttingDown);
    const { token } = extractToken(request);
    const auth = await verify(token);
    if (socket.destroyed) return;
    wss.handleUpgrade(request, socket, head, (ws) => {
      // Refusals happen after the handshake, as close codes: a browser's WebSocket cannot read
      // an HTTP 401, but it does see a close code and reason.
      if (!auth.ok) {
        metrics.connectionsRejected.inc({ reason: auth.reason });
        return closeSoon(ws, auth.code, auth.reason);
      }
      if (hub.size >= maxConnections) {
        metrics.connectionsRejected.inc({ reason: "server_full" });
        return closeSoon(ws, CloseCode.tryAgainLater, CloseReason.serverFull);
      }
      if (closing) return closeSoon(ws, CloseCode.goingAway, CloseReason.shuttingDown);
      hub.add(ws, auth.principal);
    });
  }

  function closeSoon(ws: WebSocket, code: number, reason: string): void {
    ws.on("error", () => undefined);
    ws.close(code, reason);
    const timer = setTimeout(() => ws.terminate(), 5_000);
    ws.once("close", () => clearTimeout(timer));
  }

  const pingTimer = setInterval(() => hub.sweep(), options.pingIntervalMs ?? 30_000);

  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(options.port ?? 8080, options.host ?? "127.0.0.1", () => {
      http.off("error", reject);
      resolve();
    });
  });
  http.on("error", (error) => log.error({ err: error.message }, "HTTP server error"));
  const address = http.address() as AddressInfo;
  const host = address.address === "0.0.0.0" || address.address === "::" ? "127.0.0.1" : address.family === "IPv6" ? `[${address.address}]` : address.address;
  const httpUrl = `http://${host}:${address.port}`;
  log.info({ port: address.port, host: address.address, path: STREAM_PATH }, "realtime server listening");

  return {
    url: `ws://${host}:${address.port}${STREAM_PATH}`,
    httpUrl,
    port: address.port,
    ready: listener.ready,
    registry,
    async close() {
      if (closing) return;
      closing = true;
      clearInterval(pingTimer);
      const httpClosed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeIdleConnections();
      await hub.closeAll(CloseCode.goingAway, CloseReason.shuttingDown, 2_000);
      await listener.close();
      await queries.close().catch(() => undefined);
      http.closeAllConnections();
      await httpClosed;
      log.info({}, "realtime server closed");
    },
  };
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  response.end(JSON.stringify(body));
}

function refuseUpgrade(socket: Duplex, status: number, message: string): void {
  const body = JSON.stringify({ error: message });
  const text = status === 404 ? "Not Found" : "Service Unavailable";
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

/**
 * Seconds from the change (the database's clock) to now (ours): it covers the transaction that
 * made the change, the NOTIFY queue and the LISTEN connection. Skew between the clocks shows as
 * lag, or is cut at zero.
 */
function observeLag(metrics: Metrics, parsed: ParsedEvent): void {
  const at = Date.parse("changed_at" in parsed.event ? parsed.event.changed_at : parsed.event.triggered_at);
  if (Number.isFinite(at)) metrics.eventLag.observe({ channel: parsed.channel }, Math.max(0, (Date.now() - at) / 1000));
}
