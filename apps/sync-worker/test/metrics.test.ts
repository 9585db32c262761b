import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type GcpEmulator, startGcpEmulator } from "@cloudsync/cloud-emulators";
import { cloudProviders, organizations, syncRuns, userProfiles } from "@cloudsync/db";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { Queue } from "bullmq";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gcpEmulatorCredentials } from "../src/demo/emulated-credentials.ts";
import { addProvider } from "../src/providers/registry.ts";
import { providerQueueKinds, queueConfigs } from "../src/queues/index.ts";
import { generateKey, parseKeyring } from "../src/secrets/keyring.ts";
import { type Sample, parseSamples, samplesOf, sampleValue } from "./fixtures/prometheus-text.ts";
import { deletePrefix, redisUrl, testPrefix, waitFor } from "./fixtures/redis.ts";

// The operator's metrics, read from a real `cloudsync worker` process that syncs a provider from
// the GCP emulator through PostgreSQL and Redis, then from a second process started afterwards.

const appDir = fileURLToPath(new URL("..", import.meta.url));
const keys = `k1:${generateKey()}`;
const prefix = testPrefix();
/** Every kind the worker schedules for a GCP provider (its adapter reads backups and deployments too). */
const kinds = providerQueueKinds;
const throttles = 3;
let tdb: TestDatabase;
let em: GcpEmulator;
let queue: Queue;
let awsQueue: Queue;
let child: ChildProcess | undefined;
let port = 0;
let providerId: string;

/** Starts `cloudsync worker`; resolves once it takes jobs (and so handles SIGTERM). */
async function startWorkerProcess(): Promise<ChildProcess> {
  port = 20000 + Math.floor(Math.random() * 20000);
  const proc = spawn(process.execPath, ["--import", import.meta.resolve("tsx"), path.join(appDir, "src/cli/main.ts"), "worker"], {
    env: {
      PATH: process.env.PATH ?? "",
      DATABASE_URL: tdb.url,
      REDIS_URL: redisUrl,
      CLOUDSYNC_ENCRYPTION_KEYS: keys,
      CLOUDSYNC_QUEUE_PREFIX: prefix,
      CLOUDSYNC_DB_ROLE: "cloudsync_worker",
      CLOUDSYNC_HTTP_PORT: String(port),
      CLOUDSYNC_WORKER_CLOUDS: "gcp",
      LOG_LEVEL: "info",
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  proc.stderr!.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  await waitFor("the worker to start", () => stderr.includes('"msg":"worker started"') || proc.exitCode !== null, 60_000);
  if (proc.exitCode !== null) throw new Error(`cloudsync worker exited with ${proc.exitCode}: ${stderr.slice(-2000)}`);
  return proc;
}

async function stopWorkerProcess(): Promise<void> {
  if (!child) return;
  const proc = child;
  child = undefined;
  proc.kill("SIGTERM");
  const [code] = await once(proc, "exit");
  expect(code).toBe(0);
}

async function scrape(): Promise<Sample[]> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  expect(res.status).toBe(200);
  return parseSamples(await res.text());
}

async function succeededRuns(kind: string) {
  return tdb.db
    .select()
    .from(syncRuns)
    .where(and(eq(syncRuns.providerId, providerId), eq(syncRuns.kind, kind as "resources"), eq(syncRuns.status, "succeeded")));
}

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: "cloudsync_metrics" });
  em = await startGcpEmulator({ seed: 19, size: 30 });
  const [org] = await tdb.db.insert(organizations).values({ name: "Ops", slug: "ops" }).returning();
  const [user] = await tdb.db.insert(userProfiles).values({ organizationId: org!.id, email: "ops@ops.example" }).returning();
  providerId = (await addProvider(tdb.db, parseKeyring(keys), { organizationId: org!.id, createdBy: user!.id, credentials: gcpEmulatorCredentials(em) })).id;
  // An AWS provider too, whose jobs no process of this test takes (it runs the GCP worker only).
  await tdb.db
    .insert(cloudProviders)
    .values({ organizationId: org!.id, providerName: "aws", providerType: "primary", displayName: "AWS", credentialsConfig: { encrypted: "never-read" }, createdBy: user!.id });
  // The first instance listings are throttled; gax retries them, so the sync still succeeds.
  em.faults.set({ throttle: throttles, match: `${em.projects[0]}/aggregated/instances` });
  queue = new Queue("resources-gcp", { connection: { url: redisUrl }, prefix });
  awsQueue = new Queue("resources-aws", { connection: { url: redisUrl }, prefix });
  child = await startWorkerProcess();
});

afterAll(async () => {
  child?.kill("SIGKILL");
  await queue?.close();
  await awsQueue?.close();
  await em?.close();
  await tdb?.drop();
  await deletePrefix(prefix);
});

describe("the worker's /metrics", () => {
  it("reports each sync's freshness, size, failures, throttles and duration with the values in sync_runs", async () => {
    // The first run of each scheduler starts at once.
    await waitFor("the scheduled syncs to succeed", async () => (await Promise.all(kinds.map(succeededRuns))).every((runs) => runs.length > 0), 90_000);
    // Counters are bumped just after the run is recorded: wait until all three are in.
    let samples = await waitFor("the completed jobs to be counted", async () => {
      const s = await scrape();
      return kinds.every((kind) => samplesOf(s, "cloudsync_jobs_total", { queue: kind, status: "completed" }).length === 1) ? s : null;
    });
    const before = Date.now() / 1000;
    samples = await scrape();
    const after = Date.now() / 1000;

    for (const kind of kinds) {
      const runs = await succeededRuns(kind);
      const run = runs[0]!;
      const labels = { provider_id: providerId, cloud: "gcp", kind };
      const finished = run.finishedAt!.getTime() / 1000;
      // PostgreSQL keeps microseconds, the Date milliseconds.
      expect(sampleValue(samples, "cloudsync_sync_last_success_timestamp_seconds", labels)).toBeCloseTo(finished, 2);
      // Age plus the last success is the scrape's time (PostgreSQL's clock, on this machine).
      const age = sampleValue(samples, "cloudsync_sync_last_success_age_seconds", labels);
      expect(age).toBeGreaterThanOrEqual(0);
      expect(finished + age).toBeGreaterThanOrEqual(before - 1);
      expect(finished + age).toBeLessThanOrEqual(after + 1);
      expect(sampleValue(samples, "cloudsync_sync_interval_seconds", labels)).toBe(queueConfigs[kind].defaultIntervalMinutes * 60);
      // Each kind's own counts (sync_runs keeps the others null).
      const items =
        kind === "resources"
          ? run.insertedCount! + run.updatedCount! + run.unchangedCount!
          : kind === "costs"
            ? run.costLinesInserted!
            : kind === "metrics"
              ? run.samplesStored! + run.samplesAlreadyPresent!
              : kind === "backups"
                ? run.backupConfigurationsWritten! + run.backupExecutionsWritten!
                : run.deploymentsInserted! + run.deploymentsUpdated!;
      // The first metric, backup or deployment sync may start before the inventory it links to is written.
      if (kind === "resources" || kind === "costs") expect(items).toBeGreaterThan(0);
      expect(sampleValue(samples, "cloudsync_sync_last_run_resources", labels)).toBe(items);
      expect(sampleValue(samples, "cloudsync_sync_last_run_failed_scopes", labels)).toBe(0);

      const perCloud = { cloud: "gcp", kind };
      expect(sampleValue(samples, "cloudsync_syncs_total", { ...perCloud, status: "succeeded" })).toBe(runs.length);
      expect(sampleValue(samples, "cloudsync_sync_resources_sum", perCloud)).toBe(items);
      expect(sampleValue(samples, "cloudsync_sync_resources_count", perCloud)).toBe(1);
      expect(sampleValue(samples, "cloudsync_sync_failed_scopes_sum", perCloud)).toBe(0);
      const completed = sampleValue(samples, "cloudsync_jobs_total", { queue: kind, status: "completed" });
      expect(completed).toBe(1);
      expect(sampleValue(samples, "cloudsync_job_duration_seconds_count", { queue: kind })).toBe(completed);
      expect(sampleValue(samples, "cloudsync_job_duration_seconds_sum", { queue: kind })).toBeGreaterThan(0);
    }

    // Every 429 the emulator sent was counted, though gax's retries got past each one.
    expect(em.requestCount(`${em.projects[0]}/aggregated/instances`)).toBeGreaterThan(throttles);
    expect(sampleValue(samples, "cloudsync_api_throttles_total", { cloud: "gcp" })).toBe(throttles);

    // Queue depth is Redis' own count: each scheduler's next run waits, delayed.
    const counts = await queue.getJobCounts("waiting", "active", "delayed", "failed");
    expect(counts.delayed).toBeGreaterThan(0);
    for (const state of ["waiting", "active", "delayed", "failed"] as const) {
      expect(sampleValue(samples, "cloudsync_queue_jobs", { queue: "resources", cloud: "gcp", state })).toBe(counts[state]);
    }
    // This process takes GCP's jobs only, but reports every queue: the AWS provider's first
    // scheduled job waits for a worker that is not running, and shows.
    const awsWaiting = (await awsQueue.getJobCounts("waiting")).waiting;
    expect(awsWaiting).toBeGreaterThan(0);
    expect(sampleValue(samples, "cloudsync_queue_jobs", { queue: "resources", cloud: "aws", state: "waiting" })).toBe(awsWaiting);
    expect(sampleValue(samples, "cloudsync_queue_jobs", { queue: "resources", cloud: "aws", state: "active" })).toBe(0);
    // Freshness, by contrast, only for its own cloud's providers (the AWS worker reports those).
    expect(samplesOf(samples, "cloudsync_sync_interval_seconds", { cloud: "aws" })).toEqual([]);
    expect(samplesOf(samples, "cloudsync_sync_interval_seconds", { cloud: "gcp" })).toHaveLength(kinds.length);
    expect(sampleValue(samples, "cloudsync_metrics_source_up", { source: "postgres" })).toBe(1);
    expect(sampleValue(samples, "cloudsync_metrics_source_up", { source: "redis" })).toBe(1);
  });

  it("counts a job that fails for good, in its queue's failed set and in the failed jobs", async () => {
    // A payload no processor accepts fails at once, without retries.
    await queue.add("resources", { providerId: "not-a-uuid" }, { attempts: 3 });
    await waitFor("the job to fail", async () => (await queue.getJobCounts("failed")).failed === 1);
    const samples = await waitFor("the failed job to be counted", async () => {
      const s = await scrape();
      return samplesOf(s, "cloudsync_jobs_total", { queue: "resources", status: "failed" }).length === 1 ? s : null;
    });
    expect(sampleValue(samples, "cloudsync_jobs_total", { queue: "resources", status: "failed" })).toBe(1);
    expect(sampleValue(samples, "cloudsync_queue_jobs", { queue: "resources", cloud: "gcp", state: "failed" })).toBe(1);
  });

  it("reports the same freshness and queue depth from a restarted worker, before it runs any job", async () => {
    const first = await scrape();
    await stopWorkerProcess();
    child = await startWorkerProcess();
    const samples = await scrape();
    // The schedulers' next runs are a quarter of an hour away: this process has run nothing.
    expect(samplesOf(samples, "cloudsync_jobs_total")).toEqual([]);
    expect(samplesOf(samples, "cloudsync_syncs_total")).toEqual([]);
    for (const kind of kinds) {
      const labels = { provider_id: providerId, cloud: "gcp", kind };
      expect(sampleValue(samples, "cloudsync_sync_last_success_timestamp_seconds", labels)).toBe(sampleValue(first, "cloudsync_sync_last_success_timestamp_seconds", labels));
      expect(sampleValue(samples, "cloudsync_sync_last_success_age_seconds", labels)).toBeGreaterThanOrEqual(sampleValue(first, "cloudsync_sync_last_success_age_seconds", labels));
      expect(sampleValue(samples, "cloudsync_sync_last_run_resources", labels)).toBe(sampleValue(first, "cloudsync_sync_last_run_resources", labels));
    }
    expect(sampleValue(samples, "cloudsync_queue_jobs", { queue: "resources", cloud: "gcp", state: "failed" })).toBe(1);
    await stopWorkerProcess();
  });
});
