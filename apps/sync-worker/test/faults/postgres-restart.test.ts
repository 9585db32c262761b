/**
 * Scenario 2 of docs/reliability.md: PostgreSQL goes away mid-sync and comes back. The test
 * starts a cluster of its own (the shared server on 5432 is never touched), runs a worker
 * against it, and while a sync is writing, stops it with `pg_ctl stop -m fast` (sessions
 * terminated, as in `pg_ctl restart -m fast`), waits until BullMQ has seen the attempt fail,
 * then starts it again. A later attempt, after BullMQ's backoff, completes, and the tables equal
 * the estate.
 */
import { type GcpEmulator, startGcpEmulator } from "@cloudsync/cloud-emulators";
import { type DbHandle, createDb } from "@cloudsync/db";
import { type PostgresCluster as Cluster, type TestDatabase, createTestDatabase, startPostgresCluster as startCluster } from "@cloudsync/db/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { gcpEmulatorCredentials } from "../../src/demo/emulated-credentials.ts";
import { type Queues, createQueues } from "../../src/queues/index.ts";
import { generateKey, parseKeyring } from "../../src/secrets/keyring.ts";
import { type WorkerHandle, resourceSyncProcessor, startWorker } from "../../src/worker/index.ts";
import { deletePrefix, redisUrl, testPrefix, waitFor } from "../fixtures/redis.ts";
import { addEmulatedProvider, createTenant, expectEstate, expectNoRunLeftRunning, runsOfJob } from "./fixtures/estate.ts";
import { syncDeps, testLogger } from "./fixtures/worker.ts";

const keyring = parseKeyring(`faults:${generateKey()}`);
const prefix = testPrefix();
let cluster: Cluster;
let tdb: TestDatabase;
let workerDb: DbHandle;
let em: GcpEmulator;
let queues: Queues;
let worker: WorkerHandle | undefined;
let providerId: string;

beforeAll(async () => {
  cluster = await startCluster();
  // Migrated on the test's own cluster (its template is built there on first use).
  tdb = await createTestDatabase({ adminUrl: cluster.url, prefix: "cloudsync_faults_pg" });
  // The worker's own pool, as in production: it sees its connections cut and reconnects.
  workerDb = await createDb({ url: tdb.url, maxConnections: 4 });
  em = await startGcpEmulator({ seed: "pg-restart", size: 150 });
  const tenant = await createTenant(tdb.db, "pg-restart-co");
  providerId = await addEmulatedProvider(tdb.db, keyring, tenant, gcpEmulatorCredentials(em));
  // Retries a few hundred milliseconds apart, doubling, instead of the configured minutes.
  queues = await createQueues({
    connection: redisUrl,
    prefix,
    logger: testLogger,
    jobOptions: { resources: { attempts: 8, backoff: { type: "exponential", delay: 300 } } },
  });
});

afterAll(async () => {
  await worker?.close();
  await queues?.close();
  await deletePrefix(prefix);
  await em?.close();
  await workerDb?.close();
  await tdb?.drop().catch(() => undefined);
  await cluster?.destroy();
});

it("a sync cut off by a PostgreSQL restart fails its attempt, and BullMQ's retry completes it with the tables equal to the estate", async () => {
  worker = await startWorker({
    connection: redisUrl,
    prefix,
    logger: testLogger,
    processors: { resources: resourceSyncProcessor(syncDeps(workerDb.db, keyring, { pageSize: 10, maxAttempts: 2, timeoutMs: 10_000 })) },
  });
  // Slow pages: the sync is still writing when the server goes away.
  em.faults.set({ delayMs: 100 });
  const { jobId } = await queues.enqueue("resources", { providerId }, { cloud: "gcp" });
  const resources = queues.queue("resources", "gcp");
  await waitFor("the sync to be writing", async () => {
    const progress = (await resources.getJob(jobId))?.progress as { scopesDone?: number } | undefined;
    return (progress?.scopesDone ?? 0) >= 1;
  });

  await cluster.stop();
  // The next write finds no server: the attempt fails, and BullMQ schedules a retry.
  await waitFor("the attempt to fail", async () => ((await resources.getJob(jobId))?.attemptsMade ?? 0) >= 1);
  expect(["delayed", "waiting", "active"]).toContain(await resources.getJobState(jobId));
  await cluster.start();
  em.faults.clear();

  await waitFor("a retry to complete the job", async () => (await resources.getJobState(jobId)) === "completed", 60_000);
  const job = (await resources.getJob(jobId))!;
  expect(job.attemptsMade).toBeGreaterThanOrEqual(2);

  await expectEstate(tdb.db, providerId, { expected: em.expected() });
  // The run the outage cut short is closed as failed (by the retry, as the worker could not
  // write to a stopped server); exactly one run succeeded; none is left running.
  const runs = await runsOfJob(tdb.db, jobId);
  expect(runs.filter((r) => r.status === "succeeded")).toHaveLength(1);
  expect(runs.at(-1)!.status).toBe("succeeded");
  expect(runs[0]!.status).toBe("failed");
  await expectNoRunLeftRunning(tdb.db, providerId);
});
