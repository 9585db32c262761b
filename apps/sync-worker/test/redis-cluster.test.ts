import { type GcpEmulator, startGcpEmulator } from "@cloudsync/cloud-emulators";
import { cloudResources, organizations, syncRuns, userProfiles } from "@cloudsync/db";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gcpEmulatorCredentials } from "../src/demo/emulated-credentials.ts";
import type { SyncDeps } from "../src/jobs/sync-resources.ts";
import { silentLogger } from "../src/logger.ts";
import { createAdapter } from "../src/providers/adapters.ts";
import { addProvider, loadProviderForSync } from "../src/providers/registry.ts";
import { type Queues, type RedisConnection, createQueues, parseRedisConnection, queuePrefix } from "../src/queues/index.ts";
import { generateKey, parseKeyring } from "../src/secrets/keyring.ts";
import { type WorkerHandle, resourceSyncProcessor, startWorker } from "../src/worker/index.ts";
import { type LocalCluster, clusterToolsMissing, startLocalCluster } from "./fixtures/redis-cluster.ts";
import { testPrefix, waitFor } from "./fixtures/redis.ts";

/**
 * The queues on a Redis Cluster (three masters, three replicas, started here): every queue's keys
 * share its own hash tag, a sync runs through it end to end, and it carries on after a master
 * fails over to its replica.
 */
const missing = await clusterToolsMissing();
const logger = silentLogger();
const keyring = parseKeyring(`test:${generateKey()}`);
const prefix = testPrefix();

let cluster: LocalCluster;
let connection: RedisConnection;
let tdb: TestDatabase;
let em: GcpEmulator;
let providerId: string;
let queues: Queues;
let worker: WorkerHandle;

describe.skipIf(missing !== null)(`BullMQ on a Redis Cluster${missing ? ` (skipped: ${missing})` : ""}`, () => {
  beforeAll(async () => {
    cluster = await startLocalCluster();
    connection = parseRedisConnection(cluster.ports.slice(0, 3).map((p) => `redis://127.0.0.1:${p}`).join(","), { cluster: true });
    tdb = await createTestDatabase({ prefix: "cloudsync_redis_cluster" });
    const [org] = await tdb.db.insert(organizations).values({ name: "Cluster Co", slug: "cluster-co" }).returning();
    const [user] = await tdb.db.insert(userProfiles).values({ organizationId: org!.id, email: "ops@cluster.example" }).returning();
    em = await startGcpEmulator({ seed: 12, size: 40 });
    providerId = (await addProvider(tdb.db, keyring, { organizationId: org!.id, createdBy: user!.id, credentials: gcpEmulatorCredentials(em) })).id;
    const deps: SyncDeps = {
      db: tdb.db,
      loadProvider: (id) => loadProviderForSync(tdb.db, keyring, id),
      adapterFor: (provider, settings) => createAdapter(provider.credentials, { ...settings, pageSize: 20, maxAttempts: 2, timeoutMs: 5_000 }),
      clock: () => new Date(),
      logger,
    };
    queues = await createQueues({ connection, prefix, logger });
    worker = await startWorker({ connection, prefix, logger, clouds: ["gcp"], processors: { resources: resourceSyncProcessor(deps) } });
  }, 120_000);

  afterAll(async () => {
    await worker?.close();
    await queues?.close();
    await em?.close();
    await tdb?.drop();
    await cluster?.close();
  });

  const succeededRuns = async () =>
    (await tdb.db.select().from(syncRuns).where(and(eq(syncRuns.providerId, providerId), eq(syncRuns.status, "succeeded")))).length;

  it("gives each queue a hash tag of its own, so a queue's keys live on one master and queues spread", async () => {
    const tag = queuePrefix(prefix, "resources-gcp", connection);
    expect(tag).toBe(`{${prefix}-resources-gcp}`);
    expect(queuePrefix(prefix, "resources-gcp", "redis://127.0.0.1:6379")).toBe(prefix);
    const slots = new Set(
      await Promise.all(["resources-aws", "resources-azure", "resources-gcp", "costs-gcp", "metrics-gcp", "maintenance"].map((q) => cluster.cli(cluster.ports[0]!, "cluster", "keyslot", queuePrefix(prefix, q, connection)))),
    );
    expect(slots.size).toBeGreaterThan(1);
  });

  it("runs a sync through the cluster: the job's keys sit on the master that owns its queue's tag", async () => {
    const { jobId } = await queues.enqueue("resources", { providerId, trigger: "manual" }, { cloud: "gcp" });
    await waitFor("the first sync to succeed", async () => (await succeededRuns()) >= 1, 60_000);
    const stored = await tdb.db.select().from(cloudResources).where(eq(cloudResources.providerId, providerId));
    expect(stored.length).toBeGreaterThan(0);
    const key = `{${prefix}-resources-gcp}:resources-gcp:${jobId}`;
    const { master } = await cluster.ownerOf(key);
    expect(await cluster.cli(master, "exists", key)).toBe("1");
  });

  it("carries on after the queue's master fails over to its replica", async () => {
    const before = await succeededRuns();
    const { master, replica } = await cluster.ownerOf(`{${prefix}-resources-gcp}`);
    expect(replica, "every master has a replica").toBeDefined();
    await cluster.cli(replica!, "cluster", "failover");
    await waitFor("the replica to take over", async () => (await cluster.cli(replica!, "role")).startsWith("master"), 30_000);
    await waitFor("the old master to follow it", async () => (await cluster.cli(master, "role")).startsWith("slave"), 30_000);
    await waitFor(
      "a sync enqueued after the failover to succeed",
      async () => {
        // The producer may see the move a moment late; a failed enqueue is simply tried again.
        await queues.enqueue("resources", { providerId, trigger: "manual" }, { cloud: "gcp" }).catch(() => undefined);
        return (await succeededRuns()) > before;
      },
      90_000,
    );
  }, 120_000);
});
