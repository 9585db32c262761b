/**
 * Scenario 5 of docs/reliability.md: an API that answers slower than the request timeout.
 * Every attempt times out, the scopes it serves fail after their attempts, and nothing in them
 * is terminated; the run is partial (or failed when every scope timed out). Once the API
 * answers in time again, a sync converges.
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
const projects = ["slow-api-alpha", "slow-api-beta", "slow-api-gamma"];
let tdb: TestDatabase;
let em: GcpEmulator;
let providerId: string;

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: "cloudsync_faults_slow" });
  em = await startGcpEmulator({ seed: "slow", size: 120, projects });
  const tenant = await createTenant(tdb.db, "slow-co");
  providerId = await addEmulatedProvider(tdb.db, keyring, tenant, gcpEmulatorCredentials(em));
});

afterAll(async () => {
  await em?.close();
  await tdb?.drop();
});

// A request that has not answered in 800 ms is abandoned and retried once; then its scope fails.
// (Well above what a healthy request takes even on a loaded machine; every list read at once.)
const impatient = () => syncDeps(tdb.db, keyring, { pageSize: 10, maxAttempts: 2, timeoutMs: 800, retryDelayMs: 10, concurrency: 16 });
const patient = () => syncDeps(tdb.db, keyring, { pageSize: 10, maxAttempts: 2, timeoutMs: 10_000 });

/** Removes the first live resource of every (project, kind) list and returns them by project. */
function removeOnePerList(): Map<string, string[]> {
  const lists = new Map<string, ExpectedResource & { account: string }>();
  for (const e of liveOf(em.expected()) as (ExpectedResource & { account: string; kind: string })[]) {
    if (!lists.has(`${e.account}/${e.kind}`)) lists.set(`${e.account}/${e.kind}`, e);
  }
  const byProject = new Map<string, string[]>();
  for (const e of lists.values()) {
    em.mutate.remove(e.resourceId);
    byProject.set(e.account, [...(byProject.get(e.account) ?? []), e.resourceId]);
  }
  return byProject;
}

async function statuses(ids: readonly string[]) {
  return tdb.db
    .select({ resourceId: cloudResources.resourceId, status: cloudResources.resourceStatus })
    .from(cloudResources)
    .where(and(eq(cloudResources.providerId, providerId), inArray(cloudResources.resourceId, [...ids])));
}

it("scopes whose API answers too late fail and terminate nothing; the others complete; a later sync converges", async () => {
  expect(await syncResources(patient(), { providerId })).toMatchObject({ status: "succeeded" });
  const removed = removeOnePerList();
  const slow = removed.get("slow-api-alpha")!;
  const healthy = [...removed.get("slow-api-beta")!, ...removed.get("slow-api-gamma")!];
  expect(slow.length).toBeGreaterThan(0);

  // One project's API answers after three seconds: longer than the 800 ms timeout.
  em.faults.set({ delayMs: 3_000, match: "slow-api-alpha/" });
  const summary = await syncResources(impatient(), { providerId });
  expect(summary.status).toBe("partial");
  const [run] = await tdb.db.select().from(syncRuns).where(eq(syncRuns.id, summary.runId));
  const scopes = run!.scopes as ScopeOutcome[];
  const failed = scopes.filter((s) => s.status === "failed");
  expect(failed.length).toBeGreaterThan(0);
  expect(failed.every((s) => s.scope.includes("slow-api-alpha")), "only the slow project's scopes failed").toBe(true);
  expect(failed.map((s) => s.error).join("\n")).toMatch(/did not answer within 800 ms/);
  // Nothing of the slow project was terminated; what was removed elsewhere was.
  expect((await statuses(slow)).map((r) => r.status)).not.toContain("terminated");
  expect((await statuses(healthy)).every((r) => r.status === "terminated")).toBe(true);
  expect(summary.terminated).toBe(healthy.length);

  // Every project slow: every scope fails, the run is failed, and still nothing is terminated.
  em.faults.set({ delayMs: 3_000 });
  const allSlow = await syncResources(impatient(), { providerId });
  expect(allSlow).toMatchObject({ status: "failed", scopesCompleted: 0, terminated: 0, inserted: 0, updated: 0 });
  expect((await statuses(slow)).map((r) => r.status)).not.toContain("terminated");

  // The API answers in time again: the tables equal the estate.
  em.faults.clear();
  const healed = await syncResources(patient(), { providerId });
  expect(healed).toMatchObject({ status: "succeeded", terminated: slow.length, inserted: 0 });
  await expectEstate(tdb.db, providerId, { expected: em.expected(), removed: [...slow, ...healthy] });
});
