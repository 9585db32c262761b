/**
 * Scenario 4 of docs/reliability.md: a throttling storm. Every request the API receives is
 * throttled until hundreds have been; with enough attempts the SDK's retryer (jittered
 * exponential backoff) rides it out and the sync completes; with few, the scopes whose requests
 * run out of attempts fail, terminate nothing, and the run is partial; a later sync converges.
 */
import { type GcpEmulator, startGcpEmulator } from "@cloudsync/cloud-emulators";
import { type ScopeOutcome, cloudResources, syncRuns } from "@cloudsync/db";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { gcpEmulatorCredentials } from "../../src/demo/emulated-credentials.ts";
import { syncResources } from "../../src/jobs/sync-resources.ts";
import { generateKey, parseKeyring } from "../../src/secrets/keyring.ts";
import { type ExpectedResource, addEmulatedProvider, createTenant, expectEstate, liveOf } from "./fixtures/estate.ts";
import { syncDeps } from "./fixtures/worker.ts";

const keyring = parseKeyring(`faults:${generateKey()}`);
// Eight projects × five kinds: forty lists, read all at once in the first test.
const projects = Array.from({ length: 8 }, (_, i) => `storm-project-${i + 1}`);
const storm = 300;
let tdb: TestDatabase;
let em: GcpEmulator;
let providerId: string;
const removed: string[] = [];

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: "cloudsync_faults_throttle" });
  em = await startGcpEmulator({ seed: "storm", size: 240, projects });
  const tenant = await createTenant(tdb.db, "storm-co");
  providerId = await addEmulatedProvider(tdb.db, keyring, tenant, gcpEmulatorCredentials(em));
});

afterAll(async () => {
  await em?.close();
  await tdb?.drop();
});

it(`rides out ${storm} throttled requests when the retryer has attempts enough, and the tables equal the estate`, async () => {
  const before = em.requestCount();
  // Short first backoff (doubling, jittered) so the storm passes in seconds, not minutes.
  const deps = syncDeps(tdb.db, keyring, { pageSize: 10, maxAttempts: 25, retryDelayMs: 10, concurrency: 40, requestsPerSecond: 1_000 });
  // The storm breaks once the sync has listed the regions, so that it falls on the forty
  // inventory lists read together. (A regions listing alone would take the whole storm on one
  // request, backing off for minutes; when it fails the sync only logs it.)
  const adapterFor = deps.adapterFor;
  deps.adapterFor = async (provider, settings) => {
    const adapter = await adapterFor(provider, settings);
    const listRegions = adapter.listRegions.bind(adapter);
    adapter.listRegions = () => listRegions().finally(() => em.faults.set({ throttle: storm }));
    return adapter;
  };
  const summary = await syncResources(deps, { providerId });

  expect(em.faults.plan.throttle, "the whole storm was served").toBe(0);
  expect(em.requestCount() - before).toBeGreaterThan(storm);
  expect(summary).toMatchObject({ status: "succeeded", scopesFailed: 0, terminated: 0 });
  expect(summary.inserted).toBe([...em.expected()].length);
  await expectEstate(tdb.db, providerId, { expected: em.expected() });
});

it("with few attempts the storm fails some scopes: they terminate nothing, the run is partial, and a later sync converges", async () => {
  // One resource removed from every (project, kind) list that has two or more, so that whichever
  // scopes fail, some removed resource sits in a failed scope and some in a completed one.
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

  // The storm outlasts two attempts for the first lists read (four at a time), then stops.
  em.faults.set({ throttle: 30 });
  const deps = syncDeps(tdb.db, keyring, { pageSize: 10, maxAttempts: 2, retryDelayMs: 10, concurrency: 4, requestsPerSecond: 1_000 });
  const summary = await syncResources(deps, { providerId });
  expect(summary.status).toBe("partial");
  const [run] = await tdb.db.select().from(syncRuns).where(eq(syncRuns.id, summary.runId));
  const outcome = new Map((run!.scopes as ScopeOutcome[]).map((s) => [s.scope, s.status]));
  expect([...outcome.values()]).toContain("failed");
  expect([...outcome.values()]).toContain("completed");

  // A removed resource is terminated exactly when its scope was read completely.
  const rows = await tdb.db
    .select({ resourceId: cloudResources.resourceId, scope: cloudResources.syncScope, status: cloudResources.resourceStatus })
    .from(cloudResources)
    .where(and(eq(cloudResources.providerId, providerId), inArray(cloudResources.resourceId, removed)));
  expect(rows).toHaveLength(removed.length);
  const inFailed = rows.filter((r) => outcome.get(r.scope!) === "failed");
  const inCompleted = rows.filter((r) => outcome.get(r.scope!) === "completed");
  expect(inFailed.length + inCompleted.length).toBe(removed.length);
  expect(inFailed.length, "some removed resource sits in a failed scope").toBeGreaterThan(0);
  expect(inFailed.filter((r) => r.status === "terminated"), "terminated in a failed scope").toEqual([]);
  expect(inCompleted.filter((r) => r.status !== "terminated"), "left live in a completed scope").toEqual([]);
  expect(summary.terminated).toBe(inCompleted.length);

  // The API recovers; the next sync finishes the job.
  em.faults.clear();
  const healed = await syncResources(syncDeps(tdb.db, keyring, { pageSize: 10, maxAttempts: 3 }), { providerId });
  expect(healed).toMatchObject({ status: "succeeded", terminated: inFailed.length, inserted: 0, updated: 0 });
  await expectEstate(tdb.db, providerId, { expected: em.expected(), removed });
});
