import { createHash } from "node:crypto";
import { type IncomingMessage, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { createDb, readOrganizationEvents } from "@cloudsync/db";
import { Registry } from "prom-client";
import { type WebSocket, WebSocketServer } from "ws";
import type { BackoffOptions } from "../backoff.ts";
import { CloseCode, CloseReason, PROTOCOL, STREAM_PATH } from "../protocol.ts";
import { type AuthOptions, type VerifyKey, createTokenVerifier, extractToken } from "./auth.ts";
import { createFeed } from "./feed.ts";
import { Hub } from "./hub.ts";
import { startListener } from "./listener.ts";
import { type Logger, silentLogger } from "./logger.ts";
import { createMetrics } from "./metrics.ts";

export interface RealtimeServerOptions {
  /** The PostgreSQL whose `realtime_events` are served (any login that may CONNECT and SET ROLE to `databaseRole`). */
  databaseUrl: string;
  /**
   * The role the reads of `realtime_events` run as (default `cloudsync_realtime`, which reads
   * every organization's events and nothing else); null keeps the login's own role.
   */
  databaseRole?: string | null;
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
  /** Connections of one organization at once; more are closed with 1013 (default 1 000). */
  maxConnectionsPerOrganization?: number;
  /** Connections presenting one token at once; more are closed with 1013 (default 20). */
  maxConnectionsPerToken?: number;
  maxSubscriptionsPerConnection?: number;
  /** Events read from the outbox per read; the next read waits until the hub is below it (default 1 000). */
  feedBatchSize?: number;
  /** Reads of the outbox without a NOTIFY, in case one was missed (default every 5 s). */
  feedPollIntervalMs?: number;
  /** Most events one subscription's replay (`after`) sends; with more, it gets a `replay_unavailable` gap instead (default 10 000). */
  maxReplayEvents?: number;
  /** Largest client message in bytes (default 16 KiB); larger ones close the connection with 1009. */
  maxMessageBytes?: number;
  /** The PostgreSQL listener's heartbeat and reconnect timing. */
  listener?: { heartbeatIntervalMs?: number; heartbeatTimeoutMs?: number; backoff?: BackoffOptions };
}

export interface RealtimeServer {
  /** The WebSocket endpoint, `ws://host:port/v1/stream`. */
  readonly url: string;
  /** `http://host:port`, for /healthz and /metrics. */
  readonly httpUrl: string;
  readonly port: number;
  /** Resolves once LISTEN is first up and the feed has its position in `realtime_events`. */
  readonly ready: Promise<void>;
  readonly registry: Registry;
  /** Closes every client with 1001, then the listener, the database and the HTTP server. */
  close(): Promise<void>;
}

/**
 * The realtime server: one HTTP server carrying the WebSocket endpoint, /healthz and /metrics,
 * one PostgreSQL LISTEN connection whose notifications only wake the feed, the feed that reads
 * `realtime_events` with the server's own role, and the hub that fans events out per
 * organization. It starts serving even while PostgreSQL is down (/healthz says 503) and never
 * exits on a database error.
 */
export async function startRealtimeServer(options: RealtimeServerOptions): Promise<RealtimeServer> {
  const logger = options.logger ?? silentLogger();
  const log = logger.child({ component: "server" });
  const registry = options.registry ?? new Registry();
  const metrics = createMetrics(registry, { defaultMetrics: options.collectDefaultMetrics ?? true });
  const verify = createTokenVerifier(options.verifyKey, options.auth);
  const maxConnections = options.maxConnections ?? 10_000;
  metrics.maxConnections.set(maxConnections);
  const startedAt = new Date();

  // Outbox reads and replays; postgres-js reconnects this pool by itself on next use.
  const databaseRole = options.databaseRole === undefined ? "cloudsync_realtime" : options.databaseRole;
  const queries = await createDb({ url: options.databaseUrl, maxConnections: 2, ...(databaseRole ? { role: databaseRole } : {}) });
  const maxReplayEvents = options.maxReplayEvents ?? 10_000;
  let feed: ReturnType<typeof createFeed> | undefined;
  const hub = new Hub({
    logger,
    metrics,
    maxBufferedBytes: options.maxBufferedBytes ?? 1024 * 1024,
    closeGraceMs: options.closeGraceMs ?? 5_000,
    maxSubscriptionsPerConnection: options.maxSubscriptionsPerConnection ?? 100,
    maxConnections: options.maxConnections ?? 10_000,
    maxConnectionsPerOrganization: options.maxConnectionsPerOrganization ?? 1_000,
    maxConnectionsPerToken: options.maxConnectionsPerToken ?? 20,
    replay: (organizationId, channel, after) => readOrganizationEvents(queries.db, { organizationId, channel, after, limit: maxReplayEvents }),
    position: () => feed?.position,
  });

  let resolveReady!: () => void;
  const ready = new Promise<void>((resolve) => {
    resolveReady = resolve;
  });
  feed = createFeed({
    db: queries.db,
    hub,
    logger,
    metrics,
    ...(options.feedBatchSize !== undefined ? { batchSize: options.feedBatchSize } : {}),
    ...(options.feedPollIntervalMs !== undefined ? { pollIntervalMs: options.feedPollIntervalMs } : {}),
    onPositioned() {
      // Clients that connected before the feed had a position may have missed what happened meanwhile.
      hub.positioned({ from: startedAt.toISOString(), to: new Date().toISOString(), reason: "listener_started" });
      resolveReady();
    },
  });
  const listener = startListener({
    databaseUrl: options.databaseUrl,
    logger,
    ...options.listener,
    onNotification() {
      feed?.wake();
    },
    onUp(window) {
      metrics.listenerUp.set(1);
      if (!window.first) metrics.listenerReconnects.inc();
      // Whatever was written while LISTEN was down is in the outbox: reading it is the replay.
      feed?.wake();
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
        const up = listener.state === "up" && feed?.position !== undefined && !closing;
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
    // Connections are counted per token by a digest: the token itself is never kept.
    const tokenKey = createHash("sha256").update(token ?? "").digest("base64url");
    const auth = await verify(token);
    if (socket.destroyed) return;
    wss.handleUpgrade(request, socket, head, (ws) => {
      // Refusals happen after the handshake, as close codes: a browser's WebSocket cannot read
      // an HTTP 401, but it does see a close code and reason.
      if (!auth.ok) {
        metrics.connectionsRejected.inc({ reason: auth.reason });
        return closeSoon(ws, auth.code, auth.reason);
      }
      const admission = hub.admission(auth.principal, tokenKey);
      if (!admission.ok) {
        metrics.connectionsRejected.inc({ reason: admission.metric });
        return closeSoon(ws, CloseCode.tryAgainLater, admission.reason);
      }
      if (closing) return closeSoon(ws, CloseCode.goingAway, CloseReason.shuttingDown);
      hub.add(ws, auth.principal, tokenKey);
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
    ready,
    registry,
    async close() {
      if (closing) return;
      closing = true;
      clearInterval(pingTimer);
      const httpClosed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeIdleConnections();
      await hub.closeAll(CloseCode.goingAway, CloseReason.shuttingDown, 2_000);
      feed?.close();
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
