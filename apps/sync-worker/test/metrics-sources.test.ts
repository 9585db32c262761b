import { type DbHandle, cloudProviders, createDb, organizations, userProfiles } from "@cloudsync/db";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { sql } from "drizzle-orm";
import { Registry } from "prom-client";
import { afterAll, beforeAll, expect, it } from "vitest";
import { registerStateMetrics } from "../src/http/state-metrics.ts";
import { type Queues, createQueues, providerQueueKinds } from "../src/queues/index.ts";
import { type Sample, parseSamples, sampleValue, samplesOf } from "./fixtures/prometheus-text.ts";
import { deferred, deletePrefix, redisUrl, testPrefix } from "./fixtures/redis.ts";

// When PostgreSQL or Redis does not answer, /metrics still answers: the gauges read from it are
// left out and cloudsync_metrics_source_up says which source is missing.

const prefix = testPrefix();
let tdb: TestDatabase;
let locker: DbHandle;
let queues: Queues;
let providerId: string;

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: "cloudsync_metricsrc" });
  locker = await createDb({ url: tdb.url, maxConnections: 1 });
  queues = await createQueues({ connection: redisUrl, prefix });
  const [org] = await tdb.db.insert(organizations).values({ name: "Src", slug: "src" }).returning();
  const [user] = await tdb.db.insert(userProfiles).values({ organizationId: org!.id, email: "src@src.example" }).returning();
  // Only the row matters here: nothing syncs it.
  const [provider] = await tdb.db
    .insert(cloudProviders)
    .values({ organizationId: org!.id, providerName: "gcp", providerType: "primary", displayName: "GCP", credentialsConfig: { encrypted: "test-only" }, createdBy: user!.id })
    .returning();
  providerId = provider!.id;
});
afterAll(async () => {
  await queues?.close().catch(() => undefined);
  await locker?.close();
  await tdb?.drop();
  await deletePrefix(prefix);
});

async function scrape(registry: Registry): Promise<Sample[]> {
  return parseSamples(await registry.metrics());
}

it("reports both sources up, with the provider's freshness and the queue counts", async () => {
  const registry = new Registry();
  registerStateMetrics(registry, { db: tdb.db, queues, clouds: ["gcp"] });
  const samples = await scrape(registry);
  expect(sampleValue(samples, "cloudsync_metrics_source_up", { source: "postgres" })).toBe(1);
  expect(sampleValue(samples, "cloudsync_metrics_source_up", { source: "redis" })).toBe(1);
  // Never synced: its age counts from when it was added; no last success to report.
  expect(sampleValue(samples, "cloudsync_sync_last_success_age_seconds", { provider_id: providerId, kind: "resources" })).toBeGreaterThanOrEqual(0);
  expect(samplesOf(samples, "cloudsync_sync_last_success_timestamp_seconds")).toEqual([]);
  expect(samplesOf(samples, "cloudsync_sync_last_run_resources")).toEqual([]);
  expect(sampleValue(samples, "cloudsync_queue_jobs", { queue: "resources", cloud: "gcp", state: "waiting" })).toBe(0);
  expect(sampleValue(samples, "cloudsync_queue_jobs", { queue: "maintenance", cloud: "", state: "failed" })).toBe(0);
});

it("leaves out the freshness gauges while PostgreSQL hangs, with one query in flight, and brings them back after", async () => {
  const registry = new Registry();
  registerStateMetrics(registry, { db: tdb.db, queues, clouds: ["gcp"], timeoutMs: 300 });
  // A transaction holding sync_runs exclusively: the freshness query waits on it.
  const release = deferred();
  const locked = deferred();
  const holder = locker.db.transaction(async (tx) => {
    await tx.execute(sql`lock table sync_runs in access exclusive mode`);
    locked.resolve();
    await release.promise;
  });
  await locked.promise;
  try {
    for (let i = 0; i < 3; i++) {
      const samples = await scrape(registry);
      expect(sampleValue(samples, "cloudsync_metrics_source_up", { source: "postgres" })).toBe(0);
      expect(sampleValue(samples, "cloudsync_metrics_source_up", { source: "redis" })).toBe(1);
      expect(samplesOf(samples, "cloudsync_sync_last_success_age_seconds")).toEqual([]);
      expect(samplesOf(samples, "cloudsync_queue_jobs", { queue: "resources", cloud: "gcp" })).not.toEqual([]);
    }
    const waiting = await tdb.db.execute(sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like '%from cloud_providers p%'`);
    const rows = (Array.isArray(waiting) ? waiting : (waiting as unknown as { rows: { n: number }[] }).rows) as { n: number }[];
    // Three scrapes timed out, but they waited on one query rather than starting one each.
    expect(rows[0]?.n).toBe(1);
  } finally {
    release.resolve();
    await holder;
  }
  const samples = await scrape(registry);
  expect(sampleValue(samples, "cloudsync_metrics_source_up", { source: "postgres" })).toBe(1);
  // One per kind scheduled for a GCP provider (its adapter reads backups and deployments too).
  expect(samplesOf(samples, "cloudsync_sync_last_success_age_seconds", { provider_id: providerId })).toHaveLength(providerQueueKinds.length);
});

it("leaves out the queue gauges when Redis cannot be read, and still answers", async () => {
  const registry = new Registry();
  registerStateMetrics(registry, { db: tdb.db, queues, clouds: ["gcp"], timeoutMs: 2_000 });
  await queues.close();
  const samples = await scrape(registry);
  expect(sampleValue(samples, "cloudsync_metrics_source_up", { source: "redis" })).toBe(0);
  expect(sampleValue(samples, "cloudsync_metrics_source_up", { source: "postgres" })).toBe(1);
  expect(samplesOf(samples, "cloudsync_queue_jobs")).toEqual([]);
  expect(samplesOf(samples, "cloudsync_sync_interval_seconds", { provider_id: providerId })).toHaveLength(providerQueueKinds.length);
});
