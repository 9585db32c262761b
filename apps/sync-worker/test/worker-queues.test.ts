import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { type GcpEmulator, startGcpEmulator } from "@cloudsync/cloud-emulators";
import { cloudResources, organizations, syncRuns, userProfiles } from "@cloudsync/db";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { eq } from "drizzle-orm";
import { Registry } from "prom-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { gcpEmulatorCredentials } from "../src/demo/emulated-credentials.ts";
import { createMetrics } from "../src/http/metrics.ts";
import type { SyncDeps } from "../src/jobs/sync-resources.ts";
import { silentLogger } from "../src/logger.ts";
import { createAdapter } from "../src/providers/adapters.ts";
import { addProvider, loadProviderForSync } from "../src/providers/registry.ts";
import { type CreateQueuesOptions, type Queues, RedisUnavailableError, createQueues, queueConfigs } from "../src/queues/index.ts";
import { generateKey, parseKeyring } from "../src/secrets/keyring.ts";
import { installShutdown } from "../src/worker/shutdown.ts";
import { type StartWorkerOptions, type WorkerHandle, resourceSyncProcessor, startWorker } from "../src/worker/index.ts";
import { deferred, deletePrefix, redisUrl, testPrefix, waitFor } from "./fixtures/redis.ts";

const logger = silentLogger();
const keyring = parseKeyring(`test:${generateKey()}`);
let tdb: TestDatabase;
let deps: SyncDeps;
let em: GcpEmulator;
let providerId: string;

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: "cloudsync_worker_queues" });
  const [org] = await tdb.db.insert(organizations).values({ name: "Queue Co", slug: "queue-co" }).returning();
  const [user] = await tdb.db.insert(userProfiles).values({ organizationId: org!.id, email: "ops@queue.example" }).returning();
  em = await startGcpEmulator({ seed: 11, size: 60 });
  providerId = (await addProvider(tdb.db, keyring, { organizationId: org!.id, createdBy: user!.id, credentials: gcpEmulatorCredentials(em) })).id;
  deps = {
    db: tdb.db,
    loadProvider: (id) => loadProviderForSync(tdb.db, keyring, id),
    adapterFor: (provider, settings) => createAdapter(provider.credentials, { ...settings, pageSize: 50, maxAttempts: 2, timeoutMs: 5_000 }),
    clock: () => new Date(),
    logger,
  };
});

afterAll(async () => {
  await em?.close();
  await tdb?.drop();
});

// Each test owns a key prefix, its queues and its workers; all are closed and deleted after it.
const open: { close(): Promise<void> }[] = [];
const prefixes: string[] = [];
afterEach(async () => {
  for (const handle of open.splice(0).reverse()) await handle.close();
  for (const prefix of prefixes.splice(0)) await deletePrefix(prefix);
  em.faults.clear();
});

async function setup(options: { queues?: Partial<CreateQueuesOptions>; worker?: Partial<StartWorkerOptions> } = {}) {
  const prefix = testPrefix();
  prefixes.push(prefix);
  const queues = await createQueues({ connection: redisUrl, prefix, logger, ...options.queues });
  open.push(queues);
  const start = async (extra: Partial<StartWorkerOptions> = {}): Promise<WorkerHandle> => {
    const handle = await startWorker({
      connection: redisUrl,
      prefix,
      logger,
      processors: { resources: resourceSyncProcessor(deps) },
      ...options.worker,
      ...extra,
    });
    open.push(handle); // closed before the queues (the list is closed in reverse)
    return handle;
  };
  return { prefix, queues, start };
}

const runsOf = (id: string) => tdb.db.select().from(syncRuns).where(eq(syncRuns.providerId, id)).orderBy(syncRuns.startedAt);
/** The runs that started after `before` was taken. */
const newRuns = async (id: string, before: { id: string }[]) => (await runsOf(id)).filter((r) => !before.some((b) => b.id === r.id));
const stateOf = (queues: Queues, kind: "resources" | "metrics" | "maintenance", jobId: string) =>
  (kind === "maintenance" ? queues.queue(kind) : queues.queue(kind, "gcp")).getJobState(jobId);

describe("requests for the same provider and kind", () => {
  it("two at once make one job and one run, and a request after it completed runs again", async () => {
    const registry = new Registry();
    const metrics = createMetrics(registry);
    const { queues, start } = await setup({ worker: { processors: { resources: resourceSyncProcessor(deps, metrics) }, metrics } });
    const before = await runsOf(providerId);

    const [a, b] = await Promise.all([queues.enqueue("resources", { providerId }, { cloud: "gcp" }), queues.enqueue("resources", { providerId, trigger: "manual" }, { cloud: "gcp" })]);
    expect(b.jobId).toBe(a.jobId);
    expect([a.deduplicated, b.deduplicated].sort()).toEqual([false, true]);
    expect(a.dedupeId).toBe(`resources:${providerId}`);

    await start();
    await waitFor("the first job to complete", async () => (await stateOf(queues, "resources", a.jobId)) === "completed");
    const runs = await newRuns(providerId, before);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: "succeeded", jobId: a.jobId, kind: "resources" });
    const job = await queues.queue("resources", "gcp").getJob(a.jobId);
    expect(job!.returnvalue).toMatchObject({ status: "succeeded", runId: runs[0]!.id });

    const again = await queues.enqueue("resources", { providerId }, { cloud: "gcp" });
    expect(again.deduplicated).toBe(false);
    expect(again.jobId).not.toBe(a.jobId);
    await waitFor("the second job to complete", async () => (await stateOf(queues, "resources", again.jobId)) === "completed");
    expect((await newRuns(providerId, before)).map((r) => r.jobId).sort()).toEqual([a.jobId, again.jobId].sort());

    const jobsMetric = await registry.getSingleMetricAsString("cloudsync_jobs_total");
    expect(jobsMetric).toContain('cloudsync_jobs_total{queue="resources",status="completed"} 2');
    // The first run inserted every row, the second changed nothing.
    const rows = await tdb.db.select({ id: cloudResources.id }).from(cloudResources).where(eq(cloudResources.providerId, providerId));
    expect(rows.length).toBeGreaterThan(0);
    expect(await registry.getSingleMetricAsString("cloudsync_rows_written_total")).toContain(
      `cloudsync_rows_written_total{table="cloud_resources",operation="insert"} ${rows.length}`,
    );
  });

  it("a request while the job is running is a no-op", async () => {
    const { queues, start } = await setup();
    em.faults.set({ delayMs: 150 }); // slow enough that the run is still going when the second request comes
    const before = await runsOf(providerId);
    await start();
    const first = await queues.enqueue("resources", { providerId }, { cloud: "gcp" });
    await waitFor("the run to start", async () => (await runsOf(providerId)).some((r) => r.jobId === first.jobId && r.status === "running"));
    expect(await stateOf(queues, "resources", first.jobId)).toBe("active");

    const second = await queues.enqueue("resources", { providerId }, { cloud: "gcp" });
    expect(second).toMatchObject({ jobId: first.jobId, deduplicated: true });
    em.faults.clear();
    await waitFor("the job to complete", async () => (await stateOf(queues, "resources", first.jobId)) === "completed");
    const runs = await newRuns(providerId, before);
    expect(runs.map((r) => [r.jobId, r.status])).toEqual([[first.jobId, "succeeded"]]);
    expect(await queues.queue("resources", "gcp").getJobCounts("waiting", "delayed", "active")).toEqual({ waiting: 0, delayed: 0, active: 0 });
  });

  it("requests with different options (some resource kinds, a cost window) are different requests", async () => {
    const { queues } = await setup();
    const full = await queues.enqueue("resources", { providerId }, { cloud: "gcp" });
    const partial = await queues.enqueue("resources", { providerId, kinds: ["disks", "instances"] }, { cloud: "gcp" });
    const sameKindsOtherOrder = await queues.enqueue("resources", { providerId, kinds: ["instances", "disks"], trigger: "cli" }, { cloud: "gcp" });
    expect(partial.deduplicated).toBe(false);
    expect(partial.jobId).not.toBe(full.jobId);
    expect(sameKindsOtherOrder).toMatchObject({ jobId: partial.jobId, deduplicated: true });

    const daily = await queues.enqueue("costs", { providerId, trailingDays: 3 }, { cloud: "gcp" });
    const backfill = await queues.enqueue("costs", { providerId, window: { start: "2026-01-01", end: "2026-01-31" } }, { cloud: "gcp" });
    const backfillAgain = await queues.enqueue("costs", { providerId, window: { end: "2026-01-31", start: "2026-01-01" } }, { cloud: "gcp" });
    expect(backfill.jobId).not.toBe(daily.jobId);
    expect(backfillAgain).toMatchObject({ jobId: backfill.jobId, deduplicated: true });
    // The options travel with the job (validation keeps them).
    expect((await queues.queue("costs", "gcp").getJob(daily.jobId))!.data).toEqual({ providerId, trailingDays: 3 });
    await expect(queues.enqueue("costs", { providerId, window: { start: "2026-02-01", end: "2026-01-01" } }, { cloud: "gcp" })).rejects.toThrow(/window/);
  });
});

describe("producers", () => {
  it("fail fast, with what to do, when Redis is unreachable", async () => {
    const attempt = createQueues({ connection: "redis://127.0.0.1:1", prefix: testPrefix(), logger });
    await expect(attempt).rejects.toBeInstanceOf(RedisUnavailableError);
    await expect(attempt).rejects.toThrow(/cannot reach Redis at 127\.0\.0\.1:1 \(connect ECONNREFUSED.*REDIS_URL/);
  });
});

describe("failures", () => {
  it("a failing job is retried with exponential backoff and kept in the failed set after its last attempt", async () => {
    const delay = 100;
    const { queues, start } = await setup({ queues: { jobOptions: { maintenance: { attempts: 3, backoff: { type: "exponential", delay } } } } });
    const attemptsStartedAt: number[] = [];
    await start({
      processors: {
        resources: async () => undefined,
        maintenance: async () => {
          attemptsStartedAt.push(Date.now());
          throw new Error(`partition maintenance failed (attempt ${attemptsStartedAt.length})`);
        },
      },
    });
    const { jobId } = await queues.enqueue("maintenance", {});
    await waitFor("the job to fail for good", async () => (await stateOf(queues, "maintenance", jobId)) === "failed");

    const job = (await queues.queue("maintenance").getJob(jobId))!;
    expect(job.attemptsMade).toBe(3);
    expect(job.failedReason).toBe("partition maintenance failed (attempt 3)");
    expect(job.stacktrace).toHaveLength(3);
    expect(job.opts.removeOnFail).toEqual(queueConfigs.maintenance.jobOptions.removeOnFail);
    expect((await queues.queue("maintenance").getFailed()).map((j) => j.id)).toEqual([jobId]);
    // BullMQ waits at least delay·2^(n-1) before attempt n+1; the gaps can only be longer.
    expect(attemptsStartedAt).toHaveLength(3);
    expect(attemptsStartedAt[1]! - attemptsStartedAt[0]!).toBeGreaterThanOrEqual(delay);
    expect(attemptsStartedAt[2]! - attemptsStartedAt[1]!).toBeGreaterThanOrEqual(2 * delay);

    // Once it has failed for good, the same request may be made again.
    const again = await queues.enqueue("maintenance", {});
    expect(again.deduplicated).toBe(false);
  });

  it("a malformed payload is refused by the producer, and fails a job at once without retries", async () => {
    const { queues, start } = await setup();
    await expect(queues.enqueue("resources", { providerId: "not-a-uuid" }, { cloud: "gcp" })).rejects.toThrow(/providerId/);
    // Written by something other than createQueues (an older release, a hand-made job).
    const job = await queues.queue("resources", "gcp").add("resources", { providerId: 42 }, { jobId: "resources-handmade" });
    await start();
    await waitFor("the job to fail", async () => (await stateOf(queues, "resources", job.id!)) === "failed");
    const failed = (await queues.queue("resources", "gcp").getJob(job.id!))!;
    expect(failed.attemptsMade).toBe(1);
    expect(failed.failedReason).toMatch(/providerId/);
  });
});

describe("one worker process per cloud", () => {
  it("a worker for other clouds leaves a provider's jobs waiting for the worker of its cloud", async () => {
    const { queues, start } = await setup();
    const before = await runsOf(providerId);
    const gcpJob = await queues.enqueue("resources", { providerId }, { cloud: "gcp" });
    // @ts-expect-error A provider's job without its cloud is refused by the compiler, and at run time.
    await expect(queues.enqueue("resources", { providerId })).rejects.toThrow(/name the provider's cloud/);
    const others = await start({ clouds: ["aws", "azure"], processors: { resources: resourceSyncProcessor(deps), maintenance: async () => "done" } });
    expect(Object.keys(others.workers).sort()).toEqual(["maintenance", "resources-aws", "resources-azure"]);
    // The worker is taking jobs (maintenance belongs to every process), yet not the GCP one.
    const maintenance = await queues.enqueue("maintenance", {});
    await waitFor("the maintenance job to complete", async () => (await stateOf(queues, "maintenance", maintenance.jobId)) === "completed");
    expect(await stateOf(queues, "resources", gcpJob.jobId)).toBe("waiting");
    expect(await newRuns(providerId, before)).toEqual([]);

    await start({ clouds: ["gcp"] });
    await waitFor("the GCP worker to complete the job", async () => (await stateOf(queues, "resources", gcpJob.jobId)) === "completed");
    expect((await newRuns(providerId, before)).map((r) => r.jobId)).toEqual([gcpJob.jobId]);
  });
});

describe("per-provider pacing", () => {
  it("a provider over its rate limit waits, delayed, while other providers' jobs run", async () => {
    const registry = new Registry();
    const metrics = createMetrics(registry);
    const { queues, start } = await setup();
    const ran: string[] = [];
    await start({
      processors: { resources: async () => undefined, metrics: async (payload) => void ran.push(payload.providerId) },
      rateLimit: { metrics: { max: 1, duration: 10 * 60_000 } },
      metrics,
    });
    const [p1, p2] = [randomUUID(), randomUUID()];
    const first = await queues.enqueue("metrics", { providerId: p1 }, { cloud: "gcp" });
    await waitFor("p1's first job", async () => (await stateOf(queues, "metrics", first.jobId)) === "completed");
    const second = await queues.enqueue("metrics", { providerId: p1 }, { cloud: "gcp" });
    const other = await queues.enqueue("metrics", { providerId: p2 }, { cloud: "gcp" });
    await waitFor("p2's job", async () => (await stateOf(queues, "metrics", other.jobId)) === "completed");
    await waitFor("p1's second job to be put back", async () => (await stateOf(queues, "metrics", second.jobId)) === "delayed");

    expect(ran).toEqual([p1, p2]);
    const delayedJob = (await queues.queue("metrics", "gcp").getJob(second.jobId))!;
    // Put back by the limiter, not failed: no attempt was spent.
    expect(delayedJob.attemptsMade).toBe(0);
    expect(delayedJob.delay).toBeGreaterThan(60_000); // until the 10-minute window ends
    expect(await registry.getSingleMetricAsString("cloudsync_jobs_total")).toContain('cloudsync_jobs_total{queue="metrics",status="rate_limited"} 1');
  });

  it("two jobs of one provider and kind never run at once, even when both were queued", async () => {
    const { queues, start } = await setup();
    const started = deferred();
    const release = deferred();
    let running = 0;
    let maxRunning = 0;
    const calls: string[] = [];
    await start({
      processors: {
        resources: async () => undefined,
        metrics: async (_payload, job) => {
          calls.push(job.id!);
          running++;
          maxRunning = Math.max(maxRunning, running);
          started.resolve();
          await release.promise;
          running--;
        },
      },
      rateLimit: { metrics: null },
    });
    const providerA = randomUUID();
    const first = await queues.enqueue("metrics", { providerId: providerA }, { cloud: "gcp" });
    await started.promise;
    // What a scheduler's job looks like: same provider and kind, no deduplication.
    const scheduled = await queues.queue("metrics", "gcp").add("metrics", { providerId: providerA, trigger: "schedule" }, { jobId: "metrics-scheduled-1" });
    await waitFor("the second job to be put back", async () => (await stateOf(queues, "metrics", scheduled.id!)) === "delayed");
    expect(calls).toEqual([first.jobId]);

    release.resolve();
    await waitFor("the first job to complete", async () => (await stateOf(queues, "metrics", first.jobId)) === "completed");
    await scheduled.promote(); // instead of waiting out the recheck delay
    await waitFor("the second job to complete", async () => (await stateOf(queues, "metrics", scheduled.id!)) === "completed");
    expect(calls).toEqual([first.jobId, scheduled.id]);
    expect(maxRunning).toBe(1);
  });
});

describe("graceful shutdown", () => {
  it("on SIGTERM the running job finishes, no new job starts, and only then does the process exit", async () => {
    const { queues, start } = await setup();
    const started = deferred();
    const release = deferred();
    const order: string[] = [];
    const handle = await start({
      processors: {
        resources: async () => undefined,
        maintenance: async () => {
          started.resolve();
          await release.promise;
          order.push("job finished");
          return "done";
        },
      },
    });
    const running = await queues.enqueue("maintenance", {});
    await started.promise;

    const signals = new EventEmitter();
    const shutdown = installShutdown(
      [handle, { close: async () => void order.push("database closed") }],
      logger,
      { source: signals, exit: (code) => void order.push(`exit ${code}`) },
    );
    signals.emit("SIGTERM", "SIGTERM");
    // Added after the signal: a stopping worker must leave it for the next one.
    const next = await queues.queue("maintenance").add("maintenance", {}, { jobId: "maintenance-next" });
    signals.emit("SIGTERM", "SIGTERM"); // a second signal does not cut it short
    await queues.queue("maintenance").getJobCounts(); // a Redis round trip later, still nothing closed
    expect(order).toEqual([]);
    release.resolve();
    expect(await shutdown.shutdown("test")).toBe(0);
    shutdown.dispose();

    expect(order).toEqual(["job finished", "database closed", "exit 0"]);
    expect(await stateOf(queues, "maintenance", running.jobId)).toBe("completed");
    expect(await stateOf(queues, "maintenance", next.id!)).toBe("waiting");
  });

  it("close() resolves only after the running job has finished", async () => {
    const { queues, start } = await setup();
    const started = deferred();
    const release = deferred();
    const order: string[] = [];
    const handle = await start({
      processors: {
        resources: async (_payload, job) => {
          started.resolve();
          await release.promise;
          order.push(`job ${job.id} finished`);
        },
      },
    });
    const { jobId } = await queues.enqueue("resources", { providerId: randomUUID() }, { cloud: "gcp" });
    await started.promise;
    const closed = handle.close().then(() => order.push("closed"));
    await queues.queue("resources", "gcp").getJobCounts(); // a Redis round trip later, close() is still waiting
    expect(order).toEqual([]);
    release.resolve();
    await closed;
    expect(order).toEqual([`job ${jobId} finished`, "closed"]);
    expect(await stateOf(queues, "resources", jobId)).toBe("completed");
  });
});
