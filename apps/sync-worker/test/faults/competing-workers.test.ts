/**
 * Scenario 7 of docs/reliability.md: two workers competing for the same jobs. Two worker
 * instances on one queue prefix, four providers in three organizations, job schedulers firing
 * every second on top of manual requests, and each estate changed while this goes on. Every
 * provider is synced, never by two runs at once (the per-provider lease), and its tables equal
 * its estate.
 */
import type { CloudName } from "@cloudsync/cloud";
import { type AwsEmulator, type GcpEmulator, startAwsEmulator, startGcpEmulator } from "@cloudsync/cloud-emulators";
import { type Database, syncRuns } from "@cloudsync/db";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { awsEmulatorCredentials, gcpEmulatorCredentials } from "../../src/demo/emulated-credentials.ts";
import { type Queues, createQueues, schedulerId } from "../../src/queues/index.ts";
import { createLogger } from "../../src/logger.ts";
import { generateKey, parseKeyring } from "../../src/secrets/keyring.ts";
import { type JobOutcome, type WorkerHandle, resourceSyncProcessor, startWorker } from "../../src/worker/index.ts";
import { deletePrefix, redisUrl, testPrefix, waitFor } from "../fixtures/redis.ts";
import { type ExpectedResource, addEmulatedProvider, createTenant, expectEstate, liveOf } from "./fixtures/estate.ts";
import { syncDeps, testLogger } from "./fixtures/worker.ts";

const keyring = parseKeyring(`faults:${generateKey()}`);
const prefix = testPrefix();

interface Estate {
  name: string;
  cloud: CloudName;
  providerId: string;
  em: GcpEmulator | AwsEmulator;
  removed: string[];
}

let tdb: TestDatabase;
let queues: Queues;
const estates: Estate[] = [];
const workers: WorkerHandle[] = [];

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: "cloudsync_faults_compete" });
  queues = await createQueues({ connection: redisUrl, prefix, logger: testLogger });
  const [a, b, c] = await Promise.all(["compete-a", "compete-b", "compete-c"].map((slug) => createTenant(tdb.db, slug)));
  const gcp = (seed: string) => startGcpEmulator({ seed, size: 80 });
  const emulators: [string, typeof a, GcpEmulator | AwsEmulator, { cloud: CloudName }][] = [];
  for (const [name, tenant, seed] of [["gcp-a", a, "compete-a"], ["gcp-b", b, "compete-b"], ["gcp-c", c, "compete-c"]] as const) {
    const em = await gcp(seed);
    emulators.push([name, tenant, em, gcpEmulatorCredentials(em)]);
  }
  // One region: with twenty AWS kinds, 3 accounts × 21 scopes already make each sync as long as
  // the GCP ones, so two syncs and a third after the change fit the waits below.
  const aws = await startAwsEmulator({ seed: "compete-aws", size: 60, regions: ["us-east-1"] });
  emulators.push(["aws-a", a, aws, awsEmulatorCredentials(aws)]);
  for (const [name, tenant, em, credentials] of emulators) {
    // Every page a little slow, so runs last long enough for jobs of one provider to collide.
    em.faults.set({ delayMs: 20 });
    estates.push({ name, cloud: credentials.cloud, em, removed: [], providerId: await addEmulatedProvider(tdb.db, keyring, tenant!, credentials) });
  }
});

afterAll(async () => {
  for (const worker of workers) await worker.close();
  await queues?.close();
  await deletePrefix(prefix);
  for (const { em } of estates) await em.close();
  await tdb?.drop();
});

const runsOf = (db: Database, providerId: string) =>
  db.select().from(syncRuns).where(and(eq(syncRuns.providerId, providerId), eq(syncRuns.kind, "resources"))).orderBy(asc(syncRuns.startedAt));

it("two workers, schedulers and manual requests: every provider synced, one run at a time per provider, every estate exact", async () => {
  // Two worker instances on the same prefix, as two containers would be. The hourly start limit
  // is lifted (the schedulers here fire every second); the per-provider lease stays, at 15 s
  // (renewed every 5 s) instead of 60 s. Both workers share this process, so a long pause of
  // its event loop (loading an SDK on a busy machine) delays both workers' lease renewals: a
  // lease much shorter than that pause would expire under a running job (see
  // docs/reliability.md), which is what the warnings recorded here would show.
  const warnings: string[] = [];
  const logger = createLogger({ level: "warn", destination: { write: (line: string) => void warnings.push(line) } });
  const outcomes = [new Map<JobOutcome, number>(), new Map<JobOutcome, number>()];
  for (const seen of outcomes) {
    workers.push(
      await startWorker({
        connection: redisUrl,
        prefix,
        logger,
        processors: { resources: resourceSyncProcessor(syncDeps(tdb.db, keyring, { pageSize: 10, maxAttempts: 3, timeoutMs: 10_000 })) },
        concurrency: { resources: 3 },
        rateLimit: { resources: null },
        leaseMs: 15_000,
        metrics: { observeJob: (_queue, outcome) => seen.set(outcome, (seen.get(outcome) ?? 0) + 1) },
      }),
    );
  }

  // Each provider: a scheduler that fires every second, and a manual request on top, sent twice.
  for (const { providerId, cloud } of estates) {
    await queues
      .queue("resources", cloud)
      .upsertJobScheduler(schedulerId("resources", providerId), { every: 1_000 }, { name: "resources", data: { providerId, trigger: "schedule" } });
    const manual = await queues.enqueue("resources", { providerId }, { cloud });
    expect(manual.deduplicated).toBe(false);
    expect((await queues.enqueue("resources", { providerId }, { cloud })).deduplicated).toBe(true);
  }
  const succeededSince = async (providerId: string, since: Date) =>
    (await runsOf(tdb.db, providerId)).filter((r) => r.status === "succeeded" && r.startedAt >= since).length;
  const start = new Date(0);
  // Budgets for a busy machine: a GCP sync reads 16 lists per project and loads its SDKs on its first run.
  await waitFor("two syncs of every provider", async () => (await Promise.all(estates.map((e) => succeededSince(e.providerId, start)))).every((n) => n >= 2), 150_000);

  // The estates change while the schedulers keep firing.
  for (const estate of estates) {
    const live = liveOf(estate.em.expected() as Iterable<ExpectedResource>);
    estate.removed.push(live[3]!.resourceId, live[11]!.resourceId);
    for (const id of estate.removed) estate.em.mutate.remove(id);
    // Only kinds whose API has labels can be retagged (not firewalls, subnetworks, backend services…).
    expect(live.slice(7).some((e) => estate.em.mutate.retag(e.resourceId, { ...e.tags, owner: "seating-plan" }))).toBe(true);
  }
  const changed = new Date();
  await waitFor("a sync of every provider after the change", async () => (await Promise.all(estates.map((e) => succeededSince(e.providerId, changed)))).every((n) => n >= 1), 120_000);

  // Stop the schedulers, then the workers (they finish the jobs in hand).
  for (const { providerId, cloud } of estates) await queues.queue("resources", cloud).removeJobScheduler(schedulerId("resources", providerId));
  for (const worker of workers.splice(0)) await worker.close();

  expect(warnings.filter((line) => line.includes("lease was lost")), "provider leases lost under a running job").toEqual([]);
  for (const estate of estates) {
    await expectEstate(tdb.db, estate.providerId, { expected: estate.em.expected() as Iterable<ExpectedResource>, removed: estate.removed });
    const runs = await runsOf(tdb.db, estate.providerId);
    expect(runs.map((r) => r.status).filter((s) => s !== "succeeded"), `${estate.name}: runs that did not succeed`).toEqual([]);
    // One run at a time: each run finished before the next one of the provider started.
    for (let i = 1; i < runs.length; i++) {
      expect(runs[i - 1]!.finishedAt!.getTime(), `${estate.name}: run ${i} started before run ${i - 1} finished`).toBeLessThanOrEqual(runs[i]!.startedAt.getTime());
    }
  }
  const total = (outcome: JobOutcome) => outcomes.reduce((n, seen) => n + (seen.get(outcome) ?? 0), 0);
  const runs = (await Promise.all(estates.map((e) => runsOf(tdb.db, e.providerId)))).flat();
  // Every run was a job completed by one of the two workers, and both took jobs.
  expect(total("completed")).toBe(runs.length);
  expect(outcomes.map((seen) => seen.get("completed") ?? 0).every((n) => n > 0)).toBe(true);
  // Jobs of one provider did collide, and the lease turned them away rather than run them together.
  expect(total("provider_busy")).toBeGreaterThan(0);
  expect(total("failed") + total("retried")).toBe(0);
}, 360_000);
