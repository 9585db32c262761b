import { createServer } from "node:net";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HealthCheck, createRedisCheck, postgresCheck } from "../src/http/checks.ts";
import { createMetrics } from "../src/http/metrics.ts";
import { type HttpServer, startHttpServer } from "../src/http/server.ts";
import { redisUrl } from "./fixtures/redis.ts";

let tdb: TestDatabase;
const registry = new Registry();
const metrics = createMetrics(registry);
const closers: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: "cloudsync_http" });
});

afterAll(async () => {
  for (const c of closers.reverse()) await c.close();
  await tdb?.drop();
});

async function serve(checks: { postgres: HealthCheck; redis: HealthCheck }, checkTimeoutMs?: number): Promise<HttpServer> {
  const server = await startHttpServer({ port: 0, checks, registry, ...(checkTimeoutMs ? { checkTimeoutMs } : {}) });
  closers.push(server);
  return server;
}

/** A port on which nothing listens: bound, then released. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe("GET /healthz", () => {
  it("is 200 with every check ok when PostgreSQL and Redis answer, on 127.0.0.1 by default", async () => {
    const redis = createRedisCheck(redisUrl);
    closers.push(redis);
    const server = await serve({ postgres: postgresCheck(tdb.db), redis: redis.check });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(await res.json()).toEqual({ status: "ok", checks: { postgres: "ok", redis: "ok" } });
  });

  it("is 503 naming redis when Redis is unreachable, and keeps answering", async () => {
    const redis = createRedisCheck(`redis://127.0.0.1:${await closedPort()}`);
    closers.push(redis);
    const server = await serve({ postgres: postgresCheck(tdb.db), redis: redis.check });
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${server.url}/healthz`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as { status: string; checks: Record<string, string>; errors: Record<string, string> };
      expect(body.status).toBe("fail");
      expect(body.checks).toEqual({ postgres: "ok", redis: "fail" });
      expect(Object.keys(body.errors)).toEqual(["redis"]);
      expect(body.errors.redis).toMatch(/ECONNREFUSED/);
    }
  });

  it("counts a check that hangs as failed once its time limit passes", async () => {
    const redis = createRedisCheck(redisUrl);
    closers.push(redis);
    const server = await serve({ postgres: () => new Promise<void>(() => {}), redis: redis.check }, 100);
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      status: "fail",
      checks: { postgres: "fail", redis: "ok" },
      errors: { postgres: "postgres did not answer within 100 ms" },
    });
  });
});

describe("GET /metrics", () => {
  it("serves the registry as Prometheus text with the cloudsync metrics and the process defaults", async () => {
    metrics.observeJob("resources", "completed", 1.5);
    metrics.recordSync({ providerName: "gcp", kind: "resources", status: "partial", inserted: 7, updated: 2, unchanged: 0, terminated: 1, scopesFailed: 3, errors: [] }, "cloud_resources");
    const server = await serve({ postgres: async () => undefined, redis: async () => undefined });
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(registry.contentType);
    const text = await res.text();
    for (const name of ["cloudsync_jobs_total", "cloudsync_job_duration_seconds", "cloudsync_rows_written_total", "cloudsync_api_errors_total", "process_cpu_user_seconds_total", "nodejs_eventloop_lag_seconds"]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    expect(text).toContain('cloudsync_jobs_total{queue="resources",status="completed"} 1');
    expect(text).toContain('cloudsync_job_duration_seconds_count{queue="resources"} 1');
    expect(text).toContain('cloudsync_rows_written_total{table="cloud_resources",operation="insert"} 7');
    expect(text).toContain('cloudsync_rows_written_total{table="cloud_resources",operation="terminate"} 1');
    expect(text).toContain('cloudsync_api_errors_total{provider="gcp"} 3');
  });

  it("answers 404 elsewhere and 405 to anything but GET and HEAD", async () => {
    const server = await serve({ postgres: async () => undefined, redis: async () => undefined });
    expect((await fetch(`${server.url}/`)).status).toBe(404);
    const post = await fetch(`${server.url}/healthz`, { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
    const head = await fetch(`${server.url}/healthz`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
  });
});
