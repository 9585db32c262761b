import { type Database, type NewCloudResource, cloudProviders, cloudRegions, cloudResources, infrastructureAlerts, organizations, userProfiles } from "@cloudsync/db";
import { SignJWT } from "jose";
import { WebSocket } from "ws";
import { PROTOCOL, type ServerMessage } from "../src/protocol.ts";
import { createLogger } from "../src/server/logger.ts";
import { type RealtimeServerOptions, startRealtimeServer } from "../src/server/server.ts";

export const SECRET = "test-secret-for-the-realtime-server-0123456789abcdef";

export interface Tenant {
  organizationId: string;
  userId: string;
  providerId: string;
  regionId: string;
}

/** An organization with one user, one AWS provider and one region (the idea of packages/db/test/fixtures.ts). */
export async function createTenant(db: Database, slug: string): Promise<Tenant> {
  const [org] = await db.insert(organizations).values({ name: `Org ${slug}`, slug }).returning();
  const [user] = await db.insert(userProfiles).values({ organizationId: org!.id, email: `owner@${slug}.example`, role: "owner" }).returning();
  const [provider] = await db
    .insert(cloudProviders)
    .values({
      organizationId: org!.id,
      providerName: "aws",
      providerType: "primary",
      displayName: `AWS of ${slug}`,
      credentialsConfig: { encrypted: "test-only" },
      createdBy: user!.id,
    })
    .returning();
  const [region] = await db.insert(cloudRegions).values({ organizationId: org!.id, providerId: provider!.id, regionCode: "us-east-1", regionName: "US East (N. Virginia)" }).returning();
  return { organizationId: org!.id, userId: user!.id, providerId: provider!.id, regionId: region!.id };
}

export async function createResource(db: Database, t: Tenant, n: number, overrides: Partial<NewCloudResource> = {}) {
  const [row] = await db
    .insert(cloudResources)
    .values({
      organizationId: t.organizationId,
      providerId: t.providerId,
      regionId: t.regionId,
      resourceId: `i-${String(n).padStart(8, "0")}`,
      resourceName: `server-${n}`,
      resourceType: "compute",
      resourceSubtype: "ec2_instance",
      configuration: { instanceType: "t3.micro" },
      resourceStatus: "running",
      createdBy: t.userId,
      ...overrides,
    })
    .returning();
  return row!;
}

/**
 * A resource has at most one open alert per type (migration 0028), so each severity gets a type of
 * its own and a test may raise one of each on the same resource.
 */
const alertTypeOf = { info: "capacity_planning", warning: "performance_degradation", critical: "resource_health", emergency: "security_incident" } as const;

export async function createAlert(db: Database, t: Tenant, severity: "info" | "warning" | "critical" | "emergency", resourceId: string | null = null) {
  const [row] = await db
    .insert(infrastructureAlerts)
    .values({
      organizationId: t.organizationId,
      alertName: `${severity} alert`,
      alertType: alertTypeOf[severity],
      severityLevel: severity,
      resourceId,
      alertConditions: {},
      recipientList: ["ops@example.com"],
    })
    .returning();
  return row!;
}

export async function signToken(claims: { org?: unknown; [claim: string]: unknown }, options: { expiresIn?: string | number; secret?: string } = {}): Promise<string> {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).setIssuedAt();
  jwt.setExpirationTime(options.expiresIn ?? "10m");
  return jwt.sign(new TextEncoder().encode(options.secret ?? SECRET));
}

export function startTestServer(databaseUrl: string, overrides: Partial<RealtimeServerOptions> = {}) {
  return startRealtimeServer({
    databaseUrl,
    verifyKey: { algorithm: "HS256", secret: SECRET },
    port: 0,
    collectDefaultMetrics: false,
    // REALTIME_TEST_LOG=debug shows the server's logs while a test runs.
    ...(process.env.REALTIME_TEST_LOG ? { logger: createLogger({ level: process.env.REALTIME_TEST_LOG, destination: process.stderr }) } : {}),
    listener: { heartbeatIntervalMs: 200, heartbeatTimeoutMs: 1_000, backoff: { initialMs: 100, maxMs: 1_000 } },
    ...overrides,
  });
}

/** Polls until `check` returns a value other than undefined/false; fails after `timeoutMs` with `what`. */
export async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A raw `ws` client that records what the server sends. */
export interface TestSocket {
  ws: WebSocket;
  messages: ServerMessage[];
  closed: Promise<{ code: number; reason: string }>;
  send(message: unknown): void;
  /** The first recorded message matching `match` (waiting for it). */
  next<M extends ServerMessage>(what: string, match: (m: ServerMessage) => m is M, timeoutMs?: number): Promise<M>;
  next(what: string, match: (m: ServerMessage) => boolean, timeoutMs?: number): Promise<ServerMessage>;
  events(subscription?: string): Extract<ServerMessage, { type: "event" }>[];
}

export function openSocket(url: string, token: string | undefined, options: { transport?: "protocol" | "query"; autoPong?: boolean } = {}): TestSocket {
  const transport = options.transport ?? "protocol";
  const target = token !== undefined && transport === "query" ? `${url}?access_token=${encodeURIComponent(token)}` : url;
  const protocols = token !== undefined && transport === "protocol" ? [PROTOCOL, `token.${token}`] : [PROTOCOL];
  const ws = new WebSocket(target, protocols, { autoPong: options.autoPong ?? true });
  const messages: ServerMessage[] = [];
  ws.on("message", (data) => messages.push(JSON.parse(data.toString()) as ServerMessage));
  ws.on("error", () => undefined);
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() })));
  return {
    ws,
    messages,
    closed,
    send(message) {
      ws.send(typeof message === "string" ? message : JSON.stringify(message));
    },
    next(what: string, match: (m: ServerMessage) => boolean, timeoutMs?: number) {
      return waitFor(what, () => messages.find(match), timeoutMs);
    },
    events(subscription) {
      return messages.filter((m): m is Extract<ServerMessage, { type: "event" }> => m.type === "event" && (subscription === undefined || m.subscription === subscription));
    },
  };
}

/** A gap with this reason. */
export const isGap =
  (reason: string) =>
  (m: ServerMessage): m is Extract<ServerMessage, { type: "gap" }> =>
    m.type === "gap" && m.reason === reason;

export const isType =
  <T extends ServerMessage["type"]>(type: T, id?: string) =>
  (m: ServerMessage): m is Extract<ServerMessage, { type: T }> =>
    m.type === type && (id === undefined || (m as { id?: string }).id === id);

/** Opens an authenticated socket and waits for `ready`. */
export async function connect(url: string, organizationId: string): Promise<TestSocket> {
  const socket = openSocket(url, await signToken({ org: organizationId }));
  await socket.next("ready", isType("ready"));
  return socket;
}

/** Subscribes and waits for the confirmation. */
export async function subscribe(socket: TestSocket, id: string, channel: "infrastructure_change" | "infrastructure_alert", filter?: object): Promise<void> {
  socket.send({ type: "subscribe", id, channel, ...(filter ? { filter } : {}) });
  await socket.next(`subscribed ${id}`, isType("subscribed", id));
}
