import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { Registry } from "prom-client";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createMetrics } from "../src/http/metrics.ts";
import { registerStateMetrics } from "../src/http/state-metrics.ts";
import { type Queues, createQueues } from "../src/queues/index.ts";
import { deletePrefix, redisUrl, testPrefix } from "./fixtures/redis.ts";

// The alert rules, the dashboard and docs/operations.md name worker metrics by hand: a rename in
// the code would leave an alert that can never fire. This test ties them to what the worker
// registers. (apps/realtime has the same test for cloudsync_realtime_*.)

const root = fileURLToPath(new URL("../../../", import.meta.url));
const prefix = testPrefix();
let tdb: TestDatabase;
let queues: Queues;

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: "cloudsync_metricnames" });
  queues = await createQueues({ connection: redisUrl, prefix });
});
afterAll(async () => {
  await queues?.close();
  await tdb?.drop();
  await deletePrefix(prefix);
});

/** The worker's metric names, as the running worker registers them. */
function registeredNames(): Map<string, string> {
  const registry = new Registry();
  createMetrics(registry);
  registerStateMetrics(registry, { db: tdb.db, queues, clouds: ["aws", "azure", "gcp"] });
  return new Map(registry.getMetricsAsArray().map((m) => [m.name, String(m.type)]));
}

/** `cloudsync_*` names in a file, without the realtime server's; histogram series to their metric. */
function namesIn(file: string, registered: Map<string, string>): Set<string> {
  const names = new Set<string>();
  for (const [name] of readFileSync(path.join(root, file), "utf8").matchAll(/\bcloudsync_[a-z0-9_]+/g)) {
    if (name.startsWith("cloudsync_realtime_")) continue;
    const base = name.replace(/_(bucket|sum|count)$/, "");
    names.add(base !== name && registered.get(base) === "histogram" ? base : name);
  }
  return names;
}

const deployFiles = [
  ...readdirSync(path.join(root, "deploy/prometheus/rules")).map((f) => `deploy/prometheus/rules/${f}`),
  "deploy/grafana/cloudsync.json",
  "docs/operations.md",
];

it("the alert rules, the dashboard and docs/operations.md name only metrics the worker exports", () => {
  const registered = registeredNames();
  for (const file of deployFiles) {
    const unknown = [...namesIn(file, registered)].filter((name) => !registered.has(name));
    expect(unknown, `${file} names metrics the worker does not export`).toEqual([]);
  }
});

it("docs/operations.md lists every cloudsync metric the worker exports", () => {
  const registered = registeredNames();
  const documented = namesIn("docs/operations.md", registered);
  const cloudsync = [...registered.keys()].filter((name) => name.startsWith("cloudsync_"));
  expect(cloudsync.length).toBeGreaterThan(10);
  expect(cloudsync.filter((name) => !documented.has(name))).toEqual([]);
});

it("the rules and the dashboard use the freshness, throttle and queue metrics the operator pages on", () => {
  const registered = registeredNames();
  const used = new Set([...deployFiles.slice(0, -1)].flatMap((file) => [...namesIn(file, registered)]));
  for (const name of ["cloudsync_sync_last_success_age_seconds", "cloudsync_api_throttles_total", "cloudsync_queue_jobs", "cloudsync_job_duration_seconds", "cloudsync_jobs_total"]) {
    expect(used.has(name), name).toBe(true);
  }
});
