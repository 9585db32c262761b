import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type GcpEmulator, startGcpEmulator } from "@cloudsync/cloud-emulators";
import { cloudResources, organizations, queryRows, syncRuns, userProfiles } from "@cloudsync/db";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { gcpEmulatorCredentials } from "../src/demo/emulated-credentials.ts";
import { createLogger, silentLogger } from "../src/logger.ts";
import { createAdapter } from "../src/providers/adapters.ts";
import { addProvider, loadProviderForSync } from "../src/providers/registry.ts";
import { type Queues, createQueues } from "../src/queues/index.ts";
import { generateKey, parseKeyring } from "../src/secrets/keyring.ts";
import { type WorkerHandle, resourceSyncProcessor, startWorker } from "../src/worker/index.ts";
import { deletePrefix, redisUrl, testPrefix, waitFor } from "./fixtures/redis.ts";

const logger = process.env.DEBUG_TEST ? createLogger({ level: "debug", destination: process.stderr }) : silentLogger();
const keyringSpec = `test:${generateKey()}`;
const keyring = parseKeyring(keyringSpec);
const prefix = testPrefix();
// The doomed worker's lock is short, so that its job is noticed in seconds rather than BullMQ's
// 30 s; long enough to outlast the event-loop pause of loading the cloud SDK's protos.
const lockDuration = 4_000;

let tdb: TestDatabase;
let em: GcpEmulator;
let queues: Queues;
let providerId: string;
let child: ChildProcess | undefined;
let survivor: WorkerHandle | undefined;

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: "cloudsync_worker_crash" });
  const [org] = await tdb.db.insert(organizations).values({ name: "Crash Co", slug: "crash-co" }).returning();
  const [user] = await tdb.db.insert(userProfiles).values({ organizationId: org!.id, email: "ops@crash.example" }).returning();
  em = await startGcpEmulator({ seed: 23, size: 150 });
  providerId = (await addProvider(tdb.db, keyring, { organizationId: org!.id, createdBy: user!.id, credentials: gcpEmulatorCredentials(em) })).id;
  queues = await createQueues({ connection: redisUrl, prefix, logger });
});

afterAll(async () => {
  child?.kill("SIGKILL");
  await survivor?.close();
  await queues?.close();
  await deletePrefix(prefix);
  await em?.close();
  await tdb?.drop();
});

/** tsx's loader, from this package or, until it lists tsx itself, from @cloudsync/db's. */
function tsxLoader(): string {
  const here = createRequire(import.meta.url);
  for (const from of [import.meta.url, () => here.resolve("@cloudsync/db/package.json")]) {
    try {
      return pathToFileURL(createRequire(typeof from === "string" ? from : from()).resolve("tsx")).href;
    } catch {
      // try the next place
    }
  }
  throw new Error("tsx is not installed: add it to @cloudsync/sync-worker's devDependencies");
}

/** Starts the fixture worker in its own process and resolves once it takes jobs. */
async function spawnWorker(): Promise<{ process: ChildProcess; stderr: () => string }> {
  const script = fileURLToPath(new URL("./fixtures/worker-process.ts", import.meta.url));
  const proc = spawn(process.execPath, ["--import", tsxLoader(), script], {
    env: {
      ...process.env,
      DATABASE_URL: tdb.url,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
      CLOUDSYNC_ENCRYPTION_KEYS: keyringSpec,
      LOCK_DURATION_MS: String(lockDuration),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  proc.stderr!.on("data", (chunk: Buffer) => {
    err += chunk.toString();
  });
  let out = "";
  await new Promise<void>((resolve, reject) => {
    proc.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("ready\n")) resolve();
    });
    proc.once("exit", (code, signal) => reject(new Error(`the worker process exited before it was ready (${code ?? signal}):\n${err}`)));
  });
  return { process: proc, stderr: () => err };
}

async function rowCount(): Promise<number> {
  const [row] = await queryRows<{ n: number }>(tdb.db, sql`select count(*)::int as n from cloud_resources where provider_id = ${providerId}::uuid`);
  return row!.n;
}

const runsOfJob = (jobId: string) => tdb.db.select().from(syncRuns).where(and(eq(syncRuns.providerId, providerId), eq(syncRuns.jobId, jobId)));

it("a job whose worker was SIGKILLed mid-sync is finished by the next worker, and the tables come out exactly right", async () => {
  // Every API page takes a while, so that the sync is surely mid-flight when the worker dies.
  em.faults.set({ delayMs: 150 });
  const spawned = await spawnWorker();
  child = spawned.process;
  const { jobId } = await queues.enqueue("resources", { providerId }, { cloud: "gcp" });

  // Mid-flight: its run is recorded as running and some, not all, rows are written.
  await waitFor(`the run to be under way (worker stderr: ${spawned.stderr()})`, async () => {
    const [run] = await runsOfJob(jobId);
    return run?.status === "running" && (await rowCount()) > 0;
  });
  const exited = once(child, "exit");
  child.kill("SIGKILL");
  const [, signal] = await exited;
  expect(signal).toBe("SIGKILL");
  expect(await queues.queue("resources", "gcp").getJobState(jobId)).toBe("active"); // nobody told BullMQ
  const writtenBeforeKill = await rowCount();
  const expected = [...em.expected()];
  expect(writtenBeforeKill).toBeLessThan(expected.length);
  em.faults.clear();

  // A new worker notices the dead one's expired lock and runs the job again.
  survivor = await startWorker({
    connection: redisUrl,
    prefix,
    logger,
    processors: {
      resources: resourceSyncProcessor({
        db: tdb.db,
        loadProvider: (id) => loadProviderForSync(tdb.db, keyring, id),
        adapterFor: (provider, settings) => createAdapter(provider.credentials, { ...settings, pageSize: 10, maxAttempts: 2, timeoutMs: 10_000 }),
        clock: () => new Date(),
        logger,
      }),
    },
    // Its own lock stays at BullMQ's default; it looks for stalled jobs often.
    locks: { stalledInterval: 500 },
  });
  await waitFor("the job to complete on the new worker", async () => (await queues.queue("resources", "gcp").getJobState(jobId)) === "completed");

  const job = (await queues.queue("resources", "gcp").getJob(jobId))!;
  expect(job.stalledCounter).toBe(1);
  expect(job.attemptsMade).toBe(1); // the run the crash cut short did not use up an attempt

  // The estate, exactly: every resource once, live ones as the emulator has them.
  const rows = await tdb.db
    .select({ resourceId: cloudResources.resourceId, status: cloudResources.resourceStatus, tags: cloudResources.tags })
    .from(cloudResources)
    .where(eq(cloudResources.providerId, providerId));
  expect(rows).toHaveLength(expected.length);
  expect(new Set(rows.map((r) => r.resourceId)).size).toBe(rows.length);
  const byId = new Map(rows.map((r) => [r.resourceId, r]));
  for (const e of expected) {
    expect(byId.get(e.resourceId), e.resourceId).toMatchObject({ status: e.status, tags: e.tags });
  }

  // Two runs for the job: the killed one, closed as failed by the retry (its own process could
  // not close it), and one that succeeded, which found the rows the first had written in place.
  const runs = await runsOfJob(jobId);
  expect(runs.map((r) => r.status).sort()).toEqual(["failed", "succeeded"]);
  expect(runs.find((r) => r.status === "failed")!.error).toMatch(/worker running this job stopped/);
  const succeeded = runs.find((r) => r.status === "succeeded")!;
  expect(succeeded.unchangedCount).toBeGreaterThanOrEqual(writtenBeforeKill);
  expect(succeeded.insertedCount! + succeeded.unchangedCount!).toBe(expected.length);
  // The killed run never counted: null, not a zero that would claim it wrote nothing.
  expect(runs.find((r) => r.status === "failed")!.insertedCount).toBeNull();

  await survivor.close();
  survivor = undefined;
});

it("SIGTERM to a worker process lets its running sync finish, then the process exits 0", async () => {
  em.faults.set({ delayMs: 150 });
  const spawned = await spawnWorker();
  child = spawned.process;
  const { jobId } = await queues.enqueue("resources", { providerId }, { cloud: "gcp" });
  await waitFor(`the run to be under way (worker stderr: ${spawned.stderr()})`, async () => (await runsOfJob(jobId))[0]?.status === "running");

  const exited = once(child, "exit");
  child.kill("SIGTERM");
  em.faults.clear();
  const [code, signal] = await exited;
  expect({ code, signal, stderr: spawned.stderr() }).toMatchObject({ code: 0, signal: null });
  expect(await queues.queue("resources", "gcp").getJobState(jobId)).toBe("completed");
  expect((await runsOfJob(jobId)).map((r) => r.status)).toEqual(["succeeded"]);
});
