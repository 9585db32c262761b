/**
 * Scenario 6 of docs/reliability.md: a page with malformed items. They are skipped and counted
 * (`sync_runs.skipped_count`), their neighbours are written, and a malformed item that was
 * stored before is kept as it was — not taken for vanished when its scope completes.
 */
import { type GcpEmulator, startGcpEmulator } from "@cloudsync/cloud-emulators";
import { cloudResources, queryRows, syncRuns } from "@cloudsync/db";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { gcpEmulatorCredentials } from "../../src/demo/emulated-credentials.ts";
import { syncResources } from "../../src/jobs/sync-resources.ts";
import { generateKey, parseKeyring } from "../../src/secrets/keyring.ts";
import { type ExpectedResource, addEmulatedProvider, createTenant, expectEstate, liveOf } from "./fixtures/estate.ts";
import { syncDeps } from "./fixtures/worker.ts";

const keyring = parseKeyring(`faults:${generateKey()}`);
let tdb: TestDatabase;
let em: GcpEmulator;
let providerId: string;

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: "cloudsync_faults_malformed" });
  em = await startGcpEmulator({ seed: "malformed", size: 90 });
  const tenant = await createTenant(tdb.db, "malformed-co");
  providerId = await addEmulatedProvider(tdb.db, keyring, tenant, gcpEmulatorCredentials(em));
});

afterAll(async () => {
  await em?.close();
  await tdb?.drop();
});

const deps = () => syncDeps(tdb.db, keyring, { pageSize: 10, maxAttempts: 2, timeoutMs: 10_000 });

async function stored(resourceId: string) {
  const [row] = await queryRows<{ status: string; hash: string | null; version: string }>(
    tdb.db,
    sql`select resource_status as status, content_hash as hash, xmin::text as version
          from cloud_resources where provider_id = ${providerId}::uuid and resource_id = ${resourceId}`,
  );
  return row;
}

it("skips malformed items, writes their neighbours, keeps what was stored of them, and converges once they are readable", async () => {
  expect(await syncResources(deps(), { providerId })).toMatchObject({ status: "succeeded", skipped: 0 });

  // One (project, kind) list with enough live items for a malformed one, a retagged neighbour
  // and a removed one; a second malformed item in another project; a new resource, malformed
  // from the start.
  const live = liveOf(em.expected()) as (ExpectedResource & { account: string; kind: string })[];
  const groups = new Map<string, typeof live>();
  for (const e of live) groups.set(`${e.account}/${e.kind}`, [...(groups.get(`${e.account}/${e.kind}`) ?? []), e]);
  const [busiest] = [...groups.values()].sort((a, b) => b.length - a.length);
  const [broken, neighbour, gone] = busiest!;
  const elsewhere = live.find((e) => e.account !== broken!.account)!;
  const newcomer = em.mutate.add({ project: broken!.account, kind: "instance", name: "malformed-newcomer", location: "us-central1-a" });
  const before = { broken: await stored(broken!.resourceId), elsewhere: await stored(elsewhere.resourceId) };
  expect(before.broken?.status).not.toBe("terminated");

  em.faults.set({ malformedItemIds: [broken!.resourceId, elsewhere.resourceId, newcomer.resourceId] });
  em.mutate.retag(neighbour!.resourceId, { ...neighbour!.tags, owner: "catering" });
  em.mutate.remove(gone!.resourceId);
  const summary = await syncResources(deps(), { providerId });

  // Every scope was read completely; the three unreadable items are counted, not written.
  expect(summary).toMatchObject({ status: "succeeded", skipped: 3, inserted: 0, updated: 1, terminated: 1, scopesFailed: 0 });
  const [run] = await tdb.db.select().from(syncRuns).where(eq(syncRuns.id, summary.runId));
  expect(run).toMatchObject({ status: "succeeded", skippedCount: 3, terminatedCount: 1, updatedCount: 1 });
  // The malformed resources that existed are still there, untouched (same row version).
  expect(await stored(broken!.resourceId)).toEqual(before.broken);
  expect(await stored(elsewhere.resourceId)).toEqual(before.elsewhere);
  // Their neighbours in the same page were written; the resource really gone is terminated.
  const [retagged] = await tdb.db
    .select({ tags: cloudResources.tags })
    .from(cloudResources)
    .where(and(eq(cloudResources.providerId, providerId), eq(cloudResources.resourceId, neighbour!.resourceId)));
  expect(retagged!.tags).toMatchObject({ owner: "catering" });
  expect((await stored(gone!.resourceId))?.status).toBe("terminated");
  // A resource that was never readable was never written.
  expect(await stored(newcomer.resourceId)).toBeUndefined();

  // Once the items are readable again, the tables equal the estate.
  em.faults.clear();
  const healed = await syncResources(deps(), { providerId });
  expect(healed).toMatchObject({ status: "succeeded", skipped: 0, inserted: 1, terminated: 0 });
  await expectEstate(tdb.db, providerId, { expected: em.expected(), removed: [gone!.resourceId] });
});
