/**
 * A provider of many accounts read by many workers at once (issue #20): the provider's resource
 * job discovers the organization and splits its accounts into shard jobs, which two Worker
 * instances on one queue prefix take between them (two processes would share the same Redis
 * keys; test/faults/competing-workers.test.ts runs instances the same way). Real Redis,
 * PostgreSQL, SDKs and AWS emulator; nothing mocked.
 */
import { type AwsEmulator, startAwsEmulator } from "@cloudsync/cloud-emulators";
import { type ScopeOutcome, cloudResources, syncRuns } from "@cloudsync/db";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { UnrecoverableError } from "bullmq";
import { and, eq, inArray } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { type AdapterPool, createAdapterPool } from "../src/providers/adapter-pool.ts";
import { type Queues, createQueues } from "../src/queues/index.ts";
import { generateKey, parseKeyring } from "../src/secrets/keyring.ts";
import { type WorkerHandle, resourceSyncProcessor, startWorker } from "../src/worker/index.ts";
import { type ExpectedResource, addEmulatedProvider, createTenant, expectEstate, liveOf } from "./faults/fixtures/estate.ts";
import { syncDeps, testLogger } from "./faults/fixtures/worker.ts";
import { deletePrefix, redisUrl, testPrefix, waitFor } from "./fixtures/redis.ts";

const keyring = parseKeyring(`shards:${generateKey()}`);
const prefix = testPrefix();
/** 12 members: with 3 accounts a shard, 4 shards. */
const accounts = Array.from({ length: 12 }, (_, i) => String(200_000_000_000 + i));
const kinds = ["vpc", "subnet", "s3_bucket"];
const accountsPerShard = 3;

let tdb: TestDatabase;
let em: AwsEmulator;
let queues: Queues;
let providerId: string;
const workers: WorkerHandle[] = [];
/** Each worker's adapter pool, as each process has its own. */
const pools: AdapterPool[] = [];

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: "cloudsync_shards" });
  queues = await createQueues({ connection: redisUrl, prefix, logger: testLogger });
  em = await startAwsEmulator({
    seed: "shards",
    size: 240,
    regions: ["us-east-1"],
    accounts: accounts.map((accountId) => ({ accountId })),
    organization: { members: accounts.map((accountId) => ({ accountId })) },
  });
  // Every request a little slow, so that a shard lasts long enough for the other worker to take the next.
  em.faults.set({ delayMs: 40 });
  const tenant = await createTenant(tdb.db, "shards-co");
  providerId = await addEmulatedProvider(tdb.db, keyring, tenant, {
    cloud: "aws",
    accessKeyId: em.baseCredentials.accessKeyId,
    secretAccessKey: em.baseCredentials.secretAccessKey,
    accounts: [{ accountId: accounts[0]! }],
    organization: { roleName: "OrganizationAccountAccessRole" },
    endpoint: em.endpoint,
  });
  // One region, so the plan needs no DescribeRegions per member.
  await tdb.db.execute(`update cloud_providers set regions = '["us-east-1"]' where id = '${providerId}'`);
});

afterEach(async () => {
  for (const worker of workers.splice(0)) await worker.close();
  for (const pool of pools.splice(0)) await pool.close();
});

afterAll(async () => {
  await queues?.close();
  await deletePrefix(prefix);
  await em?.close();
  await tdb?.drop();
});

/** Which worker ran which shard, and the shards that fail (by number) in this test. */
interface Recorder {
  shardsBy: number[][];
  failing: Set<number>;
}

async function startTwoWorkers(recorder: Recorder): Promise<void> {
  for (let w = 0; w < 2; w++) {
    const deps = syncDeps(tdb.db, keyring, { maxAttempts: 3, concurrency: 4 });
    const pool = createAdapterPool({ build: deps.adapterFor, logger: testLogger });
    pools.push(pool);
    // Two workers of one job slot each: 12 accounts in shards of at most 3 are 4 shards (two full waves).
    const processor = resourceSyncProcessor({ ...deps, shardAdapterFor: pool.adapterFor }, undefined, { accountsPerShard, jobSlots: 2 });
    workers.push(
      await startWorker({
        connection: redisUrl,
        prefix,
        logger: testLogger,
        clouds: ["aws"],
        processors: {
          resources: async (payload, job, context) => {
            if (payload.shard) {
              recorder.shardsBy[w]!.push(payload.shard.index);
              // A shard whose job dies for good (as an out-of-memory kill after its last retry
              // would leave it), before it reads anything.
              if (recorder.failing.has(payload.shard.index)) throw new UnrecoverableError(`shard ${payload.shard.index} stopped`);
            }
            return processor(payload, job, context);
          },
        },
        concurrency: { resources: 1 },
        rateLimit: { resources: null },
      }),
    );
  }
}

const runOf = async (jobId: string) => (await tdb.db.select().from(syncRuns).where(eq(syncRuns.jobId, jobId)))[0];

async function syncThroughQueue(): Promise<NonNullable<Awaited<ReturnType<typeof runOf>>>> {
  // The previous sync's job records its run before BullMQ marks it completed, and until then an
  // equal request is deduplicated into it (a loaded machine widens that gap): ask until a new job is added.
  const { jobId } = await waitFor("a new resource job (not the previous one)", async () => {
    const added = await queues.enqueue("resources", { providerId, kinds }, { cloud: "aws" });
    return added.deduplicated ? undefined : added;
  });
  return waitFor("the fanned-out run to finish", async () => {
    const run = await runOf(jobId);
    return run && run.status !== "running" ? run : undefined;
  }, 90_000);
}

it("two workers share the shards of a 12-account provider: every scope read once, one run, the estate exact", async () => {
  const recorder: Recorder = { shardsBy: [[], []], failing: new Set() };
  await startTwoWorkers(recorder);
  const listsBefore = em.requests.get("ec2:DescribeVpcs") ?? 0;
  const run = await syncThroughQueue();

  expect(run.status, String(run.error)).toBe("succeeded");
  const scopes = (run.scopes as ScopeOutcome[]).map((s) => s.scope);
  expect(new Set(scopes).size, "no scope read twice").toBe(scopes.length);
  // 12 accounts × 3 kinds, plus the discovery's own scope.
  expect(scopes).toHaveLength(accounts.length * kinds.length + 1);
  // One DescribeVpcs per account (the emulator's pages hold every VPC of an account here).
  expect((em.requests.get("ec2:DescribeVpcs") ?? 0) - listsBefore, "each account's VPCs listed once").toBe(accounts.length);
  expect([...recorder.shardsBy.flat()].sort(), "each shard ran once").toEqual([0, 1, 2, 3]);
  expect(recorder.shardsBy.every((taken) => taken.length > 0), `both workers took shards: ${JSON.stringify(recorder.shardsBy)}`).toBe(true);
  // Each worker built one adapter for all the shards it took, not one per shard.
  expect(pools.map((p) => p.built), "one adapter per worker for its shards").toEqual([1, 1]);
  const runs = await tdb.db.select().from(syncRuns).where(eq(syncRuns.providerId, providerId));
  expect(runs, "one sync_runs row for the provider sync, none per shard").toHaveLength(1);
  await expectEstate(tdb.db, providerId, { expected: estateOf(kinds) });
}, 120_000);

it("a shard that fails for good makes the run partial and terminates nothing of its accounts; the other shards' removals are terminated", async () => {
  const recorder: Recorder = { shardsBy: [[], []], failing: new Set([1]) };
  // Shard 1 holds accounts 3–5 (the accounts' order is the adapter's: configured, then discovered).
  const failedAccounts = accounts.slice(3, 6);
  const removedIn = (account: string) => liveOf(estateOf(kinds).filter((e) => e.account === account)).slice(0, 2).map((e) => e.resourceId);
  const keptRemoved = removedIn(failedAccounts[0]!);
  const terminatedRemoved = removedIn(accounts[7]!);
  expect(keptRemoved.length + terminatedRemoved.length).toBe(4);
  for (const id of [...keptRemoved, ...terminatedRemoved]) em.mutate.remove(id);
  await startTwoWorkers(recorder);
  const run = await syncThroughQueue();

  expect(run.status).toBe("partial");
  const failed = (run.scopes as ScopeOutcome[]).filter((s) => s.status === "failed").map((s) => s.scope);
  expect(failed.sort(), "the failed shard's accounts, each one failed scope").toEqual(failedAccounts.map((a) => `aws:${a}:*:*`).sort());
  expect(run.error).toContain("shard 1 stopped");
  // The resources removed from the failed shard's account are still there, as they were stored.
  const statusOf = async (ids: readonly string[]) =>
    new Map(
      (
        await tdb.db
          .select({ resourceId: cloudResources.resourceId, status: cloudResources.resourceStatus })
          .from(cloudResources)
          .where(and(eq(cloudResources.providerId, providerId), inArray(cloudResources.resourceId, [...ids])))
      ).map((r) => [r.resourceId, r.status]),
    );
  const kept = await statusOf(keptRemoved);
  expect(kept.size).toBe(keptRemoved.length);
  for (const [id, status] of kept) expect(status, `${id}: its account's shard failed`).not.toBe("terminated");
  // The removed ones of account 7, whose shard completed, are terminated.
  for (const [id, status] of await statusOf(terminatedRemoved)) expect(status, `${id} was removed from a shard that completed`).toBe("terminated");

  // The next sync, with every shard healthy, terminates them too.
  recorder.failing.clear();
  const healed = await syncThroughQueue();
  expect(healed.status, String(healed.error)).toBe("succeeded");
  await expectEstate(tdb.db, providerId, { expected: estateOf(kinds), removed: [...keptRemoved, ...terminatedRemoved] });
}, 180_000);

type Emulated = ExpectedResource & { account: string; kind: string };
function estateOf(wanted: readonly string[]): Emulated[] {
  return ([...em.expected()] as Emulated[]).filter((e) => wanted.includes(e.kind));
}
