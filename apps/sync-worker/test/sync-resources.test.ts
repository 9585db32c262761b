import { type AwsEmulator, type AzureEmulator, type DoEmulator, type GcpEmulator, startAwsEmulator, startAzureEmulator, startDigitalOceanEmulator, startGcpEmulator } from "@cloudsync/cloud-emulators";
import { cloudRegions, cloudResources, cloudServices, organizations, queryRows, resourceChanges, syncRuns, userProfiles } from "@cloudsync/db";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsEmulatorCredentials, azureEmulatorCredentials, digitaloceanEmulatorCredentials, gcpEmulatorCredentials } from "../src/demo/emulated-credentials.ts";
import { type SyncDeps, syncResources } from "../src/jobs/sync-resources.ts";
import { silentLogger } from "../src/logger.ts";
import { createAdapter } from "../src/providers/adapters.ts";
import { addProvider, loadProviderForSync } from "../src/providers/registry.ts";
import { generateKey, parseKeyring } from "../src/secrets/keyring.ts";

let tdb: TestDatabase;
let deps: SyncDeps;
let orgId: string;
let userId: string;
const keyring = parseKeyring(`test:${generateKey()}`);

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: "cloudsync_worker" });
  const [org] = await tdb.db.insert(organizations).values({ name: "Wedding Co", slug: "wedding-co" }).returning();
  const [user] = await tdb.db.insert(userProfiles).values({ organizationId: org!.id, email: "ops@wedding.example" }).returning();
  orgId = org!.id;
  userId = user!.id;
  deps = {
    db: tdb.db,
    loadProvider: (id) => loadProviderForSync(tdb.db, keyring, id),
    adapterFor: (provider, settings) => createAdapter(provider.credentials, { ...settings, pageSize: 50, maxAttempts: 2, timeoutMs: 5_000 }),
    clock: () => new Date(),
    logger: silentLogger(),
  };
});
afterAll(async () => tdb?.drop());

async function liveRows(providerId: string) {
  return tdb.db
    .select({ resourceId: cloudResources.resourceId, name: cloudResources.resourceName, status: cloudResources.resourceStatus, tags: cloudResources.tags, subtype: cloudResources.resourceSubtype })
    .from(cloudResources)
    .where(and(eq(cloudResources.providerId, providerId), sql`${cloudResources.resourceStatus} <> 'terminated'`));
}

interface Expected {
  resourceId: string;
  status: string;
  tags: Record<string, string>;
  kind: string;
}

/** The same scenario for each cloud: first sync, no-op re-sync, a removal, a retag, a failed scope. */
function scenario(
  name: string,
  start: () => Promise<{ credentials: unknown; expected: () => Iterable<Expected>; remove: (id: string) => void; retag: (id: string, tags: Record<string, string>) => void; failAll: () => void; heal: () => void; close: () => Promise<void> }>,
) {
  describe(`${name}: resources from the emulator into the tables`, () => {
    let em: Awaited<ReturnType<typeof start>>;
    let providerId: string;
    beforeAll(async () => {
      em = await start();
      providerId = (await addProvider(tdb.db, keyring, { organizationId: orgId, createdBy: userId, credentials: em.credentials })).id;
    });
    afterAll(async () => em?.close());

    it("a first sync makes the tables equal the estate", async () => {
      const summary = await syncResources(deps, { providerId });
      const expected = [...em.expected()].filter((e) => e.status !== "terminated");
      expect(summary.status).toBe("succeeded");
      expect(summary.inserted).toBe([...em.expected()].length);
      const rows = await liveRows(providerId);
      expect(rows.map((r) => r.resourceId).sort()).toEqual(expected.map((e) => e.resourceId).sort());
      const byId = new Map(rows.map((r) => [r.resourceId, r]));
      for (const e of expected) {
        expect(byId.get(e.resourceId)!.status, e.resourceId).toBe(e.status);
        expect(byId.get(e.resourceId)!.tags, e.resourceId).toEqual(e.tags);
      }
      const [run] = await tdb.db.select().from(syncRuns).where(eq(syncRuns.id, summary.runId));
      expect(run).toMatchObject({ status: "succeeded", insertedCount: summary.inserted, kind: "resources" });
      const services = await tdb.db.select().from(cloudServices).where(eq(cloudServices.providerId, providerId));
      expect(services.length).toBeGreaterThan(0);
      const regions = await tdb.db.select().from(cloudRegions).where(eq(cloudRegions.providerId, providerId));
      expect(regions.length).toBeGreaterThan(0);
    });

    it("a second sync with nothing changed writes nothing", async () => {
      const before = await queryRows<{ xmin: string }>(tdb.db, sql`select xmin::text from cloud_resources where provider_id = ${providerId}::uuid order by id`);
      const summary = await syncResources(deps, { providerId });
      expect(summary).toMatchObject({ status: "succeeded", inserted: 0, updated: 0, terminated: 0 });
      expect(summary.unchanged).toBe([...em.expected()].length);
      const after = await queryRows<{ xmin: string }>(tdb.db, sql`select xmin::text from cloud_resources where provider_id = ${providerId}::uuid order by id`);
      expect(after).toEqual(before); // no row was rewritten
    });

    it("a resource removed from the estate becomes terminated, not deleted, and a retag is an update", async () => {
      const live = [...em.expected()].filter((e) => e.status !== "terminated");
      const gone = live[0]!;
      const retagged = live[1]!;
      em.remove(gone.resourceId);
      em.retag(retagged.resourceId, { ...retagged.tags, owner: "florist-team" });
      const summary = await syncResources(deps, { providerId });
      expect(summary).toMatchObject({ status: "succeeded", inserted: 0, updated: 1, terminated: 1 });
      const [row] = await tdb.db.select().from(cloudResources).where(and(eq(cloudResources.providerId, providerId), eq(cloudResources.resourceId, gone.resourceId)));
      expect(row!.resourceStatus).toBe("terminated");
      expect(row!.terminatedAt).toBeInstanceOf(Date);
      const all = await tdb.db.select().from(resourceChanges).where(eq(resourceChanges.syncRunId, summary.runId));
      // Edges to or from the terminated resource went with it, each recorded on its dependent.
      const edgesGone = all.filter((c) => c.changedFields.join() === "dependencies");
      for (const c of edgesGone) {
        const parent = (c.oldValues as { dependency: { parent_resource_id: string } }).dependency.parent_resource_id;
        expect(c.resourceId === row!.id || parent === gone.resourceId).toBe(true);
      }
      const changes = all.filter((c) => !edgesGone.includes(c));
      expect(changes.map((c) => c.changeType).sort()).toEqual(["terminated", "updated"]);
      const update = changes.find((c) => c.changeType === "updated")!;
      // The raw item in `configuration` carries the tags too, so it changes with them.
      expect(update.changedFields).toContain("tags");
      expect(update.changedFields).not.toContain("resource_status");
      expect((update.newValues as { tags: Record<string, string> }).tags.owner).toBe("florist-team");
    });

    it("a sync whose scopes fail terminates nothing and is recorded as not succeeded", async () => {
      const live = [...em.expected()].filter((e) => e.status !== "terminated");
      em.remove(live[2]!.resourceId);
      em.failAll();
      try {
        const summary = await syncResources(deps, { providerId });
        expect(summary.status === "failed" || summary.status === "partial").toBe(true);
        expect(summary.terminated).toBe(0);
        const [row] = await tdb.db.select().from(cloudResources).where(and(eq(cloudResources.providerId, providerId), eq(cloudResources.resourceId, live[2]!.resourceId)));
        expect(row!.resourceStatus).not.toBe("terminated");
      } finally {
        em.heal();
      }
      const healed = await syncResources(deps, { providerId });
      expect(healed).toMatchObject({ status: "succeeded", terminated: 1 });
    });
  });
}

scenario("GCP", async () => {
  const em: GcpEmulator = await startGcpEmulator({ seed: 7, size: 120 });
  return {
    credentials: gcpEmulatorCredentials(em),
    expected: () => em.expected(),
    remove: (id) => em.mutate.remove(id),
    retag: (id, tags) => em.mutate.retag(id, tags),
    failAll: () => em.faults.set({ serverErrors: 10_000 }),
    heal: () => em.faults.clear(),
    close: () => em.close(),
  };
});

scenario("Azure", async () => {
  const em: AzureEmulator = await startAzureEmulator({ seed: 7, size: 120, subscriptions: 2 });
  return {
    credentials: azureEmulatorCredentials(em),
    expected: () => em.expected(),
    remove: (id) => em.mutate.remove(id),
    retag: (id, tags) => em.mutate.retag(id, tags),
    failAll: () => em.faults.set({ serverErrors: 10_000, match: "resources" }),
    heal: () => em.faults.clear(),
    close: () => em.close(),
  };
});

scenario("AWS", async () => {
  const em: AwsEmulator = await startAwsEmulator({ seed: 7, size: 120, regions: ["us-east-1", "eu-west-1"] });
  return {
    credentials: awsEmulatorCredentials(em),
    expected: () => em.expected(),
    remove: (id) => em.mutate.remove(id),
    retag: (id, tags) => em.mutate.retag(id, tags),
    failAll: () => em.faults.set({ serverErrors: 10_000, match: "Describe" }),
    heal: () => em.faults.clear(),
    close: () => em.close(),
  };
});

describe("a provider whose adapter cannot be built", () => {
  it("fails its run and says why, instead of leaving the run `running`", async () => {
    const credentials = { cloud: "aws", accessKeyId: "AKIAEXAMPLEEXAMPLE00", secretAccessKey: "not-a-secret-not-a-secret", accounts: [{ accountId: "123456789012" }], endpoint: "http://127.0.0.1:9" };
    // An organization of its own: each organization has one provider per cloud.
    const [org] = await tdb.db.insert(organizations).values({ name: "Unbuildable Co", slug: "unbuildable-co" }).returning();
    // Its own user too: a provider's creator belongs to the provider's organization.
    const [owner] = await tdb.db.insert(userProfiles).values({ organizationId: org!.id, email: "owner@unbuildable.example" }).returning();
    const { id: providerId } = await addProvider(tdb.db, keyring, { organizationId: org!.id, createdBy: owner!.id, credentials });
    const failing: SyncDeps = { ...deps, adapterFor: async () => Promise.reject(new Error("the AWS SDK could not be loaded")) };
    await expect(syncResources(failing, { providerId })).rejects.toThrow(/could not be loaded/);
    const runs = await tdb.db.select().from(syncRuns).where(eq(syncRuns.providerId, providerId));
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: "failed", error: "the AWS SDK could not be loaded" });
  });
});

scenario("DigitalOcean", async () => {
  const em: DoEmulator = await startDigitalOceanEmulator({ seed: 7, size: 120, teams: 2 });
  return {
    credentials: digitaloceanEmulatorCredentials(em),
    expected: () => em.expected(),
    remove: (id) => em.mutate.remove(id),
    // The API's tags are flat strings: a key → value map goes back as `key:value`.
    retag: (id, tags) => em.mutate.retag(id, Object.entries(tags).map(([k, v]) => `${k}:${v}`)),
    failAll: () => em.faults.set({ serverErrors: 10_000, match: "/droplets" }),
    heal: () => em.faults.clear(),
    close: () => em.close(),
  };
});
