import { cloudResources } from "@cloudsync/db";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { eq } from "drizzle-orm";
import { SignJWT, exportSPKI, generateKeyPair } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { createTokenVerifier, verifyKeyFromPem } from "../src/server/auth.ts";
import type { RealtimeServer } from "../src/server/server.ts";
import { SECRET, type Tenant, type TestSocket, connect, createResource, createTenant, isType, openSocket, signToken, startTestServer, subscribe, waitFor } from "./helpers.ts";

let tdb: TestDatabase;
let server: RealtimeServer;
let t: Tenant;
let bystander: TestSocket;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  tdb = await createTestDatabase();
  t = await createTenant(tdb.db, "auth");
  server = await startTestServer(tdb.url);
  await server.ready;
  // A well-behaved client of the same organization: every refusal below must leave it served.
  bystander = await connect(server.url, t.organizationId);
  await subscribe(bystander, "watch", "infrastructure_change");
});
afterAll(async () => {
  for (const s of [bystander, ...sockets]) s?.ws.terminate();
  await server?.close();
  await tdb?.drop();
});

function track(socket: TestSocket): TestSocket {
  sockets.push(socket);
  return socket;
}

async function expectServed(): Promise<void> {
  const resource = await createResource(tdb.db, t, Math.floor(Math.random() * 1e9));
  await tdb.db.update(cloudResources).set({ resourceStatus: "stopped" }).where(eq(cloudResources.id, resource.id));
  await waitFor("the bystander's event", () => bystander.events("watch").some((m) => m.event.resource_id === resource.id));
}

describe("refused connections: the handshake completes, then a close code and reason", () => {
  it.each([
    ["no token", async () => undefined, 4401, "missing token"],
    ["a token signed with another secret", () => signToken({ org: t.organizationId }, { secret: "x".repeat(40) }), 4401, "invalid token"],
    ["a token that is not a JWT", async () => "not-a-jwt", 4401, "invalid token"],
    [
      "a token signed with another algorithm",
      () => new SignJWT({ org: t.organizationId }).setProtectedHeader({ alg: "HS512" }).setExpirationTime("5m").sign(new TextEncoder().encode(SECRET)),
      4401,
      "invalid token",
    ],
    ["an expired token", () => signToken({ org: t.organizationId }, { expiresIn: Math.floor(Date.now() / 1000) - 60 }), 4401, "token expired"],
    ["a token without exp", () => new SignJWT({ org: t.organizationId }).setProtectedHeader({ alg: "HS256" }).sign(new TextEncoder().encode(SECRET)), 4401, "invalid token"],
    ["a token without org", () => signToken({ sub: "someone" }), 4403, "token has no org claim that is a UUID"],
    ["a token whose org is not a UUID", () => signToken({ org: "acme" }), 4403, "token has no org claim that is a UUID"],
  ])("%s → %i %s", async (_name, token, code, reason) => {
    const socket = track(openSocket(server.url, await token()));
    expect(await socket.closed).toEqual({ code, reason });
    expect(socket.messages).toEqual([]);
    await expectServed();
  });

  it("a refused token in the query string gets the same answer", async () => {
    const socket = track(openSocket(server.url, await signToken({ org: t.organizationId }, { expiresIn: Math.floor(Date.now() / 1000) - 60 }), { transport: "query" }));
    expect(await socket.closed).toEqual({ code: 4401, reason: "token expired" });
  });

  it("a connection is closed with 4401 'token expired' when its token expires", async () => {
    const socket = track(openSocket(server.url, await signToken({ org: t.organizationId }, { expiresIn: Math.floor(Date.now() / 1000) + 1 })));
    await socket.next("ready", isType("ready"));
    expect(await socket.closed).toEqual({ code: 4401, reason: "token expired" });
    await expectServed();
  });

  it("another path is a 404 before any upgrade", async () => {
    const ws = new WebSocket(server.url.replace("/v1/stream", "/nope"));
    const status = await new Promise<number>((resolve, reject) => {
      ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.on("open", () => reject(new Error("opened")));
      ws.on("error", () => undefined);
    });
    expect(status).toBe(404);
  });
});

describe("accepted connections", () => {
  it("accept the token from the subprotocol (and select cloudsync.v1) or from ?access_token", async () => {
    const viaProtocol = track(openSocket(server.url, await signToken({ org: t.organizationId })));
    expect(await viaProtocol.next("ready", isType("ready"))).toEqual({ type: "ready", organization: t.organizationId });
    expect(viaProtocol.ws.protocol).toBe("cloudsync.v1");
    const viaQuery = track(openSocket(server.url, await signToken({ org: t.organizationId.toUpperCase() }), { transport: "query" }));
    expect(await viaQuery.next("ready", isType("ready"))).toEqual({ type: "ready", organization: t.organizationId });
  });

  it("answer malformed messages with typed errors, keep the connection open, and leave others alone", async () => {
    const socket = track(await connect(server.url, t.organizationId));
    const errors = () => socket.messages.filter(isType("error"));
    const bad: Array<[unknown, string, RegExp]> = [
      ["{not json", "invalid_json", /not JSON/],
      [{ type: "dance" }, "invalid_message", /type must be/],
      [{ type: "subscribe", id: "x", channel: "payments" }, "invalid_message", /channel must be one of/],
      [{ type: "subscribe", id: "x", channel: "infrastructure_change", filter: { severity: ["critical"] } }, "invalid_message", /applies to infrastructure_alert only/],
      [{ type: "subscribe", id: "x", channel: "infrastructure_alert", filter: { severity: ["loud"] } }, "invalid_message", /severity/],
      [{ type: "subscribe", id: "x", channel: "infrastructure_alert", filter: { resourceId: "i-123" } }, "invalid_message", /resourceId must be a UUID/],
      [{ type: "subscribe", id: "x", channel: "infrastructure_alert", filter: { colour: "red" } }, "invalid_message", /colour/],
      [{ type: "subscribe", id: "", channel: "infrastructure_alert" }, "invalid_message", /id must not be empty/],
      [{ type: "unsubscribe", id: "never" }, "unknown_subscription", /no subscription "never"/],
    ];
    for (const [message, code, text] of bad) {
      const before = errors().length;
      socket.send(message);
      const error = await waitFor(`error for ${JSON.stringify(message)}`, () => errors()[before]);
      expect(error.code).toBe(code);
      expect(error.message).toMatch(text);
    }
    expect(errors().find((e) => e.message.includes("filter.resourceId"))?.id).toBe("x");

    await subscribe(socket, "dup", "infrastructure_change");
    socket.send({ type: "subscribe", id: "dup", channel: "infrastructure_alert" });
    await waitFor("duplicate error", () => errors().find((e) => e.code === "duplicate_subscription"));

    socket.send({ type: "ping" });
    await socket.next("pong", isType("pong"));
    // Still open, still subscribed, and the bystander still served.
    await expectServed();
    await waitFor("the event on the socket that sent garbage", () => socket.events("dup").length >= 1);
    expect(socket.ws.readyState).toBe(WebSocket.OPEN);
  });

  it("close a connection that sends an oversized frame with 1009, without affecting others", async () => {
    const socket = track(await connect(server.url, t.organizationId));
    socket.send({ type: "ping", padding: "x".repeat(64 * 1024) });
    expect((await socket.closed).code).toBe(1009);
    await expectServed();
  });
});

describe("verification keys", () => {
  it.each(["ES256", "RS256"] as const)("%s public keys from PEM verify tokens signed by the private half", async (alg) => {
    const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
    const verify = createTokenVerifier(verifyKeyFromPem(await exportSPKI(publicKey)));
    const org = t.organizationId;
    const good = await new SignJWT({ org }).setProtectedHeader({ alg }).setExpirationTime("5m").sign(privateKey);
    expect(await verify(good)).toMatchObject({ ok: true, principal: { organizationId: org } });
    const forged = await signToken({ org });
    expect(await verify(forged)).toEqual({ ok: false, code: 4401, reason: "invalid token" });
  });

  it("refuses a short HS256 secret at startup", () => {
    expect(() => createTokenVerifier({ algorithm: "HS256", secret: "short" })).toThrow(/at least 32/);
  });
});
