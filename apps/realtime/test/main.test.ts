import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { exportSPKI, generateKeyPair } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EnvError, loadEnv } from "../src/env.ts";
import { SECRET, connect, createTenant, isType, waitFor } from "./helpers.ts";

const appDir = fileURLToPath(new URL("..", import.meta.url));

describe("loadEnv", () => {
  const base = { DATABASE_URL: "postgres://u@h:5432/d" };
  it("applies defaults and builds an HS256 key", () => {
    const env = loadEnv({ ...base, CLOUDSYNC_REALTIME_JWT_SECRET: SECRET });
    expect(env).toMatchObject({ PORT: 8080, HOST: "127.0.0.1", verifyKey: { algorithm: "HS256" } });
  });
  it("picks ES256 for an EC public key, accepting \\n-escaped PEM", async () => {
    const { publicKey } = await generateKeyPair("ES256", { extractable: true });
    const pem = (await exportSPKI(publicKey)).replace(/\n/g, "\\n");
    expect(loadEnv({ ...base, CLOUDSYNC_REALTIME_JWT_PUBLIC_KEY: pem }).verifyKey.algorithm).toBe("ES256");
  });
  it("validates the connection caps: whole numbers, per token ≤ per organization ≤ in all", () => {
    const env = loadEnv({ ...base, CLOUDSYNC_REALTIME_JWT_SECRET: SECRET });
    expect(env).toMatchObject({ CLOUDSYNC_REALTIME_MAX_CONNECTIONS_PER_ORGANIZATION: 1000, CLOUDSYNC_REALTIME_MAX_CONNECTIONS_PER_TOKEN: 20, CLOUDSYNC_REALTIME_DATABASE_ROLE: "cloudsync_realtime" });
    const tooWide = () =>
      loadEnv({ ...base, CLOUDSYNC_REALTIME_JWT_SECRET: SECRET, CLOUDSYNC_REALTIME_MAX_CONNECTIONS: "100", CLOUDSYNC_REALTIME_MAX_CONNECTIONS_PER_ORGANIZATION: "200", CLOUDSYNC_REALTIME_MAX_CONNECTIONS_PER_TOKEN: "300" });
    expect(tooWide).toThrow(/MAX_CONNECTIONS_PER_ORGANIZATION: must not exceed CLOUDSYNC_REALTIME_MAX_CONNECTIONS \(100\)/);
    expect(tooWide).toThrow(/MAX_CONNECTIONS_PER_TOKEN: must not exceed CLOUDSYNC_REALTIME_MAX_CONNECTIONS_PER_ORGANIZATION \(200\)/);
    expect(() => loadEnv({ ...base, CLOUDSYNC_REALTIME_JWT_SECRET: SECRET, CLOUDSYNC_REALTIME_MAX_CONNECTIONS_PER_TOKEN: "0" })).toThrow(/PER_TOKEN: must be at least 1/);
    expect(() => loadEnv({ ...base, CLOUDSYNC_REALTIME_JWT_SECRET: SECRET, CLOUDSYNC_REALTIME_DATABASE_ROLE: "Robert'); drop" })).toThrow(/DATABASE_ROLE: must be a lower-case PostgreSQL role name/);
  });
  it("names every wrong variable without printing a value", () => {
    const attempt = () => loadEnv({ DATABASE_URL: "mysql://secret-password@h/d", PORT: "http" });
    expect(attempt).toThrow(EnvError);
    expect(attempt).toThrow(/DATABASE_URL: must be a PostgreSQL URL/);
    expect(attempt).toThrow(/PORT/);
    expect(attempt).toThrow(/set exactly one of CLOUDSYNC_REALTIME_JWT_SECRET .* neither is set/);
    expect(attempt).not.toThrow(/secret-password/);
  });
});

describe("src/main.ts", () => {
  let tdb: TestDatabase;
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    tdb = await createTestDatabase();
  });
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill("SIGKILL");
    await tdb?.drop();
  });

  it("starts from the environment and closes clients with 1001 on SIGTERM, exiting 0", async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const proc = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: appDir,
      env: { ...process.env, DATABASE_URL: tdb.url, CLOUDSYNC_REALTIME_JWT_SECRET: SECRET, PORT: String(port), LOG_LEVEL: "warn" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    child = proc;
    let stderr = "";
    proc.stderr!.on("data", (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => proc.on("exit", (code) => resolve(code)));

    await waitFor("/healthz 200 from the process", async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.status === 200, 20_000);
    const t = await createTenant(tdb.db, "main");
    const socket = await connect(`ws://127.0.0.1:${port}/v1/stream`, t.organizationId);
    expect(socket.messages.find(isType("ready"))).toBeDefined();

    proc.kill("SIGTERM");
    expect(await socket.closed).toEqual({ code: 1001, reason: "server shutting down" });
    expect(await exited).toBe(0);
    expect(stderr).not.toMatch(/error/i);
  });
});
