/**
 * Scenario 4 of docs/reliability.md (a throttling storm) for Vultr, the fault suite's case of the
 * new providers. Vultr answers 429 with `{"error": …, "status": 429}`; the SDK turns that into a
 * resolved Error that keeps no status code, so what is tested here is the adapter's own reading
 * of it and its own backoff: with attempts enough the storm is ridden out and the tables equal
 * the estate; with few, the scopes that ran out fail, terminate nothing, and a later sync converges.
 */
import { startVultrEmulator, type VultrEmulator } from "@cloudsync/cloud-emulators";
import { type ScopeOutcome, cloudResources, syncRuns } from "@cloudsync/db";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { vultrEmulatorCredentials } from "../../src/demo/emulated-credentials.ts";
import type { SyncDeps } from "../../src/jobs/sync-run.ts";
import { syncResources } from "../../src/jobs/sync-resources.ts";
import { generateKey, parseKeyring } from "../../src/secrets/keyring.ts";
import { type ExpectedResource, addEmulatedProvider, createTenant, expectEstate, liveOf } from "./fixtures/estate.ts";
import { syncDeps } from "./fixtures/worker.ts";

const keyring = parseKeyring(`faults:${generateKey()}`);
const storm = 120;
let tdb: TestDatabase;
let em: VultrEmulator;
let providerId: string;
const removed: string[] = [];

/** The worker's dependencies with the Vultr adapter built directly, to shorten its first backoff. */
function vultrDeps(tuning: { maxAttempts: number; concurrency: number }, afterRegions?: () => void): SyncDeps {
  const deps = syncDeps(tdb.db, keyring);
  deps.adapterFor = async (provider, settings) => {
    const c = provider.credentials;
    if (c.cloud !== "vultr") throw new Error("this test reads only Vultr");
    const { createVultrAdapter } = await import("@cloudsync/cloud/vultr");
    const adapter = createVultrAdapter({ ...settings, accounts: c.accounts, ...(c.endpoint ? { endpoint: c.endpoint } : {}), pageSize: 5, retryDelayMs: 5, ...tuning } as Parameters<typeof createVultrAdapter>[0]);
    if (!afterRegions) return adapter;
    // The storm breaks once the regions are listed, so it falls on the lists read together
    // (one regions request alone would take it all, backing off for minutes).
    const listRegions = adapter.listRegions.bind(adapter);
    return { ...adapter, listRegions: () => listRegions().finally(afterRegions) };
  };
  return deps;
}

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: "cloudsync_faults_vultr" });
  em = await startVultrEmulator({ seed: "storm", size: 88, accounts: ["main", "events", "venues"] });
  const tenant = await createTenant(tdb.db, "vultr-storm-co");
  providerId = await addEmulatedProvider(tdb.db, keyring, tenant, vultrEmulatorCredentials(em));
});

afterAll(async () => {
  await em?.close();
  await tdb?.drop();
});

it(`rides out ${storm} throttled requests with attempts enough, and the tables equal the estate`, async () => {
  const before = em.requestCount();
  const summary = await syncResources(vultrDeps({ maxAttempts: 40, concurrency: 12 }, () => em.faults.set({ throttle: storm })), { providerId });
  expect(em.faults.plan.throttle, "the whole storm was served").toBe(0);
  expect(em.requestCount() - before).toBeGreaterThan(storm);
  expect(summary).toMatchObject({ status: "succeeded", scopesFailed: 0, terminated: 0 });
  expect(summary.inserted).toBe([...em.expected()].length);
  await expectEstate(tdb.db, providerId, { expected: em.expected() });
});

it("with few attempts the storm fails some scopes: they terminate nothing, the run is partial, and a later sync converges", async () => {
  // One resource removed from every (account, kind) list with two or more.
  const lists = new Map<string, ExpectedResource[]>();
  for (const e of liveOf(em.expected()) as (ExpectedResource & { account: string; kind: string })[]) {
    const key = `${e.account}/${e.kind}`;
    lists.set(key, [...(lists.get(key) ?? []), e]);
  }
  for (const list of lists.values()) {
    if (list.length < 2) continue;
    em.mutate.remove(list[0]!.resourceId);
    removed.push(list[0]!.resourceId);
  }
  em.faults.set({ throttle: 12 });
  const summary = await syncResources(vultrDeps({ maxAttempts: 2, concurrency: 4 }), { providerId });
  expect(summary.status).toBe("partial");
  const [run] = await tdb.db.select().from(syncRuns).where(eq(syncRuns.id, summary.runId));
  const outcome = new Map((run!.scopes as ScopeOutcome[]).map((s) => [s.scope, s.status]));
  expect([...outcome.values()]).toContain("failed");
  expect([...outcome.values()]).toContain("completed");

  const rows = await tdb.db
    .select({ resourceId: cloudResources.resourceId, scope: cloudResources.syncScope, status: cloudResources.resourceStatus })
    .from(cloudResources)
    .where(and(eq(cloudResources.providerId, providerId), inArray(cloudResources.resourceId, removed)));
  const inFailed = rows.filter((r) => outcome.get(r.scope!) === "failed");
  const inCompleted = rows.filter((r) => outcome.get(r.scope!) === "completed");
  expect(inFailed.length + inCompleted.length).toBe(removed.length);
  expect(inFailed.filter((r) => r.status === "terminated"), "terminated in a failed scope").toEqual([]);
  expect(inCompleted.filter((r) => r.status !== "terminated"), "left live in a completed scope").toEqual([]);
  expect(summary.terminated).toBe(inCompleted.length);

  em.faults.clear();
  const healed = await syncResources(vultrDeps({ maxAttempts: 3, concurrency: 4 }), { providerId });
  expect(healed).toMatchObject({ status: "succeeded", terminated: inFailed.length, inserted: 0, updated: 0 });
  await expectEstate(tdb.db, providerId, { expected: em.expected(), removed });
});
