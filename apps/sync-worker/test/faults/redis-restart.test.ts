/**
 * Scenario 3 of docs/reliability.md: Redis restarted mid-sync. Each test starts a redis-server
 * of its own and restarts it while a worker is running a job.
 *
 * - With the append-only file (docker-compose.yml's configuration) the restart loses nothing:
 *   the running job keeps its lock, the worker reconnects and completes it — once — and a job
 *   that was waiting its turn runs afterwards.
 * - Without persistence (`--save "" --appendonly no`) Redis comes back empty. The running sync
 *   still finishes its writes (they go to PostgreSQL), but the job, the jobs waiting behind it
 *   and the schedulers are gone; a new request, or a worker start (which re-creates the
 *   schedulers), brings the tables back in step. That is why production runs Redis persistent.
 */
import { type GcpEmulator, startGcpEmulator } from "@cloudsync/cloud-emulators";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { gcpEmulatorCredentials } from "../../src/demo/emulated-credentials.ts";
import { type Queues, createQueues } from "../../src/queues/index.ts";
import { generateKey, parseKeyring } from "../../src/secrets/keyring.ts";
import { type WorkerHandle, resourceSyncProcessor, startWorker } from "../../src/worker/index.ts";
import { deletePrefix, testPrefix, waitFor } from "../fixtures/redis.ts";
import { addEmulatedProvider, createTenant, expectEstate, expectNoRunLeftRunning, runsOfJob } from "./fixtures/estate.ts";
import { type RedisServer, startRedisServer } from "./fixtures/redis-server.ts";
import { syncDeps, testLogger } from "./fixtures/worker.ts";

const keyring = parseKeyring(`faults:${generateKey()}`);
let tdb: TestDatabase;
const emulators: GcpEmulator[] = [];
let open: { close(): Promise<void> }[] = [];
const prefixes: string[] = [];
let redis: RedisServer | undefined;

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: "cloudsync_faults_redis" });
});

afterEach(async () => {
  // Bounded: after a failed assertion a handle may wait on a job that cannot finish.
  for (const handle of open.reverse()) await Promise.race([handle.close().catch(() => undefined), new Promise((r) => setTimeout(r, 15_000))]);
  open = [];
  await redis?.destroy();
  redis = undefined;
  // Everything, the provider gate's lease and window keys included, lived on the test's own
  // server: none of its keys may land on the shared one (the gate once ignored REDIS_URL).
  for (const prefix of prefixes.splice(0)) expect(await deletePrefix(prefix)).toBe(0);
});

afterAll(async () => {
  for (const em of emulators) await em.close();
  await tdb?.drop();
});

async function provider(slug: string, seed: string): Promise<{ em: GcpEmulator; providerId: string }> {
  const em = await startGcpEmulator({ seed, size: 100 });
  emulators.push(em);
  const tenant = await createTenant(tdb.db, slug);
  return { em, providerId: await addEmulatedProvider(tdb.db, keyring, tenant, gcpEmulatorCredentials(em)) };
}

/** Queues and a worker on the test's own redis-server, under a fresh prefix. */
async function workerOn(server: RedisServer): Promise<{ queues: Queues; worker: WorkerHandle }> {
  const prefix = testPrefix();
  prefixes.push(prefix);
  const queues = await createQueues({ connection: server.url, prefix, logger: testLogger });
  const worker = await startWorker({
    connection: server.url,
    prefix,
    logger: testLogger,
    processors: { resources: resourceSyncProcessor(syncDeps(tdb.db, keyring, { pageSize: 10, maxAttempts: 2, timeoutMs: 10_000 })) },
  });
  open.push(queues, worker);
  return { queues, worker };
}

/** A probe that reads Redis counts "not yet" while the producer's fail-fast connection reconnects. */
function meanwhileRedis<T>(probe: () => Promise<T>): () => Promise<T | false> {
  return () => probe().catch(() => false as const);
}

/** Waits until the producer's connection (which fails fast while Redis is down) answers again. */
async function producerReconnected(queues: Queues): Promise<void> {
  await waitFor("the producer to reconnect", meanwhileRedis(async () => ({ counts: await queues.queue("resources", "gcp").getJobCounts() })));
}

async function scopesDone(queues: Queues, jobId: string): Promise<number> {
  const progress = (await queues.queue("resources", "gcp").getJob(jobId))?.progress as { scopesDone?: number } | undefined;
  return progress?.scopesDone ?? 0;
}

it("with the append-only file (as in docker-compose.yml), a restart mid-job loses nothing: the job completes once, and the one queued behind it runs", async () => {
  redis = await startRedisServer({ persistent: true });
  const { queues } = await workerOn(redis);
  const first = await provider("redis-aof-1", "redis-aof-1");
  const second = await provider("redis-aof-2", "redis-aof-2");
  first.em.faults.set({ delayMs: 100 });

  const running = await queues.enqueue("resources", { providerId: first.providerId }, { cloud: "gcp" });
  // Queued behind, as a job waiting for its time: delayed far beyond the restart, promoted after it.
  const queued = await queues.enqueue("resources", { providerId: second.providerId }, { cloud: "gcp", delay: 10 * 60_000 });
  await waitFor("the first sync to be under way", async () => (await scopesDone(queues, running.jobId)) >= 1);

  await redis.restart({ downMs: 500 });
  first.em.faults.clear();

  await producerReconnected(queues);
  const resources = queues.queue("resources", "gcp");
  expect(await resources.getJobState(queued.jobId)).toBe("delayed");
  await (await resources.getJob(queued.jobId))!.promote();
  await waitFor(
    "both jobs to complete after the restart",
    meanwhileRedis(async () => {
      const states = await Promise.all([resources.getJobState(running.jobId), resources.getJobState(queued.jobId)]);
      return states.every((s) => s === "completed");
    }),
  );
  // The running job kept its lock across the restart: it was neither stalled nor run twice.
  const job = (await resources.getJob(running.jobId))!;
  expect({ attemptsMade: job.attemptsMade, stalledCounter: job.stalledCounter }).toEqual({ attemptsMade: 1, stalledCounter: 0 });
  expect((await runsOfJob(tdb.db, running.jobId)).map((r) => r.status)).toEqual(["succeeded"]);
  expect((await runsOfJob(tdb.db, queued.jobId)).map((r) => r.status)).toEqual(["succeeded"]);
  for (const { em, providerId } of [first, second]) {
    await expectEstate(tdb.db, providerId, { expected: em.expected() });
    await expectNoRunLeftRunning(tdb.db, providerId);
  }
});

it("without persistence, a restart empties the queue: the running sync still writes the estate, the queued job is lost, and a new request converges", async () => {
  redis = await startRedisServer({ persistent: false });
  const { queues } = await workerOn(redis);
  const first = await provider("redis-volatile-1", "redis-volatile-1");
  const second = await provider("redis-volatile-2", "redis-volatile-2");
  first.em.faults.set({ delayMs: 100 });

  const running = await queues.enqueue("resources", { providerId: first.providerId }, { cloud: "gcp" });
  const queued = await queues.enqueue("resources", { providerId: second.providerId }, { cloud: "gcp", delay: 10 * 60_000 });
  await waitFor("the first sync to be under way", async () => (await scopesDone(queues, running.jobId)) >= 1);

  await redis.restart({ downMs: 500 });
  first.em.faults.clear();

  // The processor did not need Redis to finish: its run succeeded and the tables are right.
  await waitFor("the interrupted sync to finish its run", async () => (await runsOfJob(tdb.db, running.jobId))[0]?.status === "succeeded");
  await expectEstate(tdb.db, first.providerId, { expected: first.em.expected() });
  // But Redis forgot both jobs: the queued one never runs.
  await producerReconnected(queues);
  const resources = queues.queue("resources", "gcp");
  expect(await resources.getJob(running.jobId)).toBeUndefined();
  expect(await resources.getJob(queued.jobId)).toBeUndefined();
  expect(await runsOfJob(tdb.db, queued.jobId)).toEqual([]);

  // The same worker, reconnected, takes the next request: the second estate converges.
  const again = await queues.enqueue("resources", { providerId: second.providerId }, { cloud: "gcp" });
  await waitFor("the new request to complete", async () => (await resources.getJobState(again.jobId)) === "completed");
  await expectEstate(tdb.db, second.providerId, { expected: second.em.expected() });
  for (const { providerId } of [first, second]) await expectNoRunLeftRunning(tdb.db, providerId);
});
