/**
 * Scenario 1 of docs/reliability.md: the worker SIGKILLed mid-job. test/worker-crash.test.ts
 * proves it on a first sync into empty tables (and SIGTERM's drain); this compact version kills
 * a re-sync of a changed estate after some of its scopes already completed — terminations and
 * all — and checks that the retry neither loses nor repeats any of it.
 */
import { type GcpEmulator, startGcpEmulator } from "@cloudsync/cloud-emulators";
import { queryRows } from "@cloudsync/db";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { gcpEmulatorCredentials } from "../../src/demo/emulated-credentials.ts";
import { syncResources } from "../../src/jobs/sync-resources.ts";
import { type Queues, createQueues } from "../../src/queues/index.ts";
import { generateKey, parseKeyring } from "../../src/secrets/keyring.ts";
import { type WorkerHandle, resourceSyncProcessor, startWorker } from "../../src/worker/index.ts";
import { deletePrefix, redisUrl, testPrefix, waitFor } from "../fixtures/redis.ts";
import { addEmulatedProvider, createTenant, expectEstate, expectNoRunLeftRunning, liveOf, runsOfJob } from "./fixtures/estate.ts";
import { type WorkerProcess, spawnWorkerProcess, syncDeps, testLogger } from "./fixtures/worker.ts";

const keyringSpec = `faults:${generateKey()}`;
const keyring = parseKeyring(keyringSpec);
const prefix = testPrefix();
let tdb: TestDatabase;
let em: GcpEmulator;
let queues: Queues;
let providerId: string;
let child: WorkerProcess | undefined;
let survivor: WorkerHandle | undefined;

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: "cloudsync_faults_kill" });
  em = await startGcpEmulator({ seed: "kill", size: 120 });
  const tenant = await createTenant(tdb.db, "kill-co");
  providerId = await addEmulatedProvider(tdb.db, keyring, tenant, gcpEmulatorCredentials(em));
  queues = await createQueues({ connection: redisUrl, prefix, logger: testLogger });
});

afterAll(async () => {
  await child?.kill();
  await survivor?.close();
  await queues?.close();
  await deletePrefix(prefix);
  await em?.close();
  await tdb?.drop();
});

it("a re-sync killed after some scopes completed is finished by the next worker: nothing lost, nothing repeated", async () => {
  expect(await syncResources(syncDeps(tdb.db, keyring, { pageSize: 10 }), { providerId })).toMatchObject({ status: "succeeded" });

  // The estate changes: resources removed from several lists, one retagged, two added.
  const live = liveOf(em.expected());
  const removed = [live[0]!, live[30]!, live[60]!, live[90]!].map((e) => e.resourceId);
  for (const id of removed) em.mutate.remove(id);
  // Only kinds whose API has labels can be retagged (not firewalls, subnetworks, backend services…).
  expect(live.slice(45).some((e) => em.mutate.retag(e.resourceId, { ...e.tags, owner: "bridal-party" }))).toBe(true);
  em.mutate.add({ project: em.projects[0]!, kind: "instance", name: "kill-newcomer-1", location: "us-east1-b" });
  em.mutate.add({ project: em.projects[1]!, kind: "network", name: "kill-newcomer-2" });

  // Slow pages, so the sync is surely mid-flight when it dies: at least one scope done.
  em.faults.set({ delayMs: 150 });
  child = await spawnWorkerProcess({ databaseUrl: tdb.url, redisUrl, prefix, keyringSpec, lockDurationMs: 4_000 });
  const { jobId } = await queues.enqueue("resources", { providerId }, { cloud: "gcp" });
  const resources = queues.queue("resources", "gcp");
  await waitFor(`a scope of the job to complete (worker stderr: ${child.stderr()})`, async () => {
    const progress = (await resources.getJob(jobId))?.progress as { scopesDone?: number } | undefined;
    return (progress?.scopesDone ?? 0) >= 1;
  });
  expect(await child.kill()).toBe("SIGKILL");
  child = undefined;
  expect(await resources.getJobState(jobId)).toBe("active"); // nobody told BullMQ
  expect((await runsOfJob(tdb.db, jobId)).map((r) => r.status)).toEqual(["running"]);
  em.faults.clear();

  // The next worker finds the dead one's lock expired and runs the job again.
  survivor = await startWorker({
    connection: redisUrl,
    prefix,
    logger: testLogger,
    processors: { resources: resourceSyncProcessor(syncDeps(tdb.db, keyring, { pageSize: 10, maxAttempts: 2, timeoutMs: 10_000 })) },
    locks: { stalledInterval: 500 },
  });
  await waitFor("the job to complete on the next worker", async () => (await resources.getJobState(jobId)) === "completed");
  expect((await resources.getJob(jobId))!.stalledCounter).toBe(1);

  await expectEstate(tdb.db, providerId, { expected: em.expected(), removed });
  const runs = await runsOfJob(tdb.db, jobId);
  expect(runs.map((r) => r.status)).toEqual(["failed", "succeeded"]);
  expect(runs[0]!.error).toMatch(/worker running this job stopped/);
  // Across the killed run and its retry, each change of the estate is recorded exactly once
  // (additions are not history rows: a second insert would show as a second row above).
  const changes = await queryRows<{ change_type: string; n: number }>(
    tdb.db,
    sql`select change_type, count(*)::int as n from resource_changes
         where sync_run_id in (${runs[0]!.id}::uuid, ${runs[1]!.id}::uuid) group by change_type order by change_type`,
  );
  expect(changes).toEqual([
    { change_type: "terminated", n: removed.length },
    { change_type: "updated", n: 1 },
  ]);
  await expectNoRunLeftRunning(tdb.db, providerId);

  await survivor.close();
  survivor = undefined;
});
