import { type GcpEmulator, startGcpEmulator } from "@cloudsync/cloud-emulators";
import { type DbHandle, analyzeCostOptimization, createDb, organizations, queryRows, userProfiles, withOrganization } from "@cloudsync/db";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { gcpEmulatorCredentials } from "../src/demo/emulated-credentials.ts";
import { syncMetrics } from "../src/jobs/sync-metrics.ts";
import { syncResources } from "../src/jobs/sync-resources.ts";
import type { SyncDeps } from "../src/jobs/sync-run.ts";
import { silentLogger } from "../src/logger.ts";
import { createAdapter } from "../src/providers/adapters.ts";
import { addProvider, loadProviderForSync } from "../src/providers/registry.ts";
import { generateKey, parseKeyring } from "../src/secrets/keyring.ts";

const keyring = parseKeyring(`test:${generateKey()}`);
let tdb: TestDatabase;
let worker: DbHandle;
let em: GcpEmulator;
let deps: SyncDeps;
let orgId: string;
let providerId: string;

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: "cloudsync_metrics_util" });
  // The worker's own role, as in production: every organization's rows, no organization set.
  worker = await createDb({ url: tdb.url, role: "cloudsync_worker", maxConnections: 2 });
  em = await startGcpEmulator({ seed: 21, size: 40 });
  const [org] = await tdb.db.insert(organizations).values({ name: "Snapshot Co", slug: "snapshot-co" }).returning();
  const [user] = await tdb.db.insert(userProfiles).values({ organizationId: org!.id, email: "ops@snapshot.example" }).returning();
  orgId = org!.id;
  deps = {
    db: worker.db,
    loadProvider: (id) => loadProviderForSync(worker.db, keyring, id),
    adapterFor: (provider, settings) => createAdapter(provider.credentials, { ...settings, maxAttempts: 2, timeoutMs: 10_000 }),
    clock: () => new Date(),
    logger: silentLogger(),
  };
  providerId = (await addProvider(tdb.db, keyring, { organizationId: orgId, createdBy: user!.id, credentials: gcpEmulatorCredentials(em) })).id;
  await syncResources(deps, { providerId });
});
afterAll(async () => {
  await em?.close();
  await worker?.close();
  await tdb?.drop();
});

interface SnapshotState {
  rows: number;
  resources: number;
  refreshes: number;
  /** As the driver returns it (a string from a raw query). */
  refreshed_at: string | Date;
  window_days: number;
  /** Rows whose sample count is not the count of the window's samples as of the refresh. */
  wrong_counts: number;
  with_samples: number;
}

const snapshotState = async () => {
  const [state] = await queryRows<SnapshotState>(
    tdb.db,
    sql`select count(*)::int as rows,
               (select count(*)::int from cloud_resources where organization_id = ${orgId}::uuid) as resources,
               count(distinct u.refreshed_at)::int as refreshes,
               max(u.refreshed_at) as refreshed_at,
               max(u.window_days)::int as window_days,
               count(*) filter (where u.sample_count <> (
                 select count(*) from infrastructure_monitoring m
                  where m.resource_id = u.resource_id and m.organization_id = u.organization_id
                    and m.monitoring_timestamp > u.refreshed_at - make_interval(days => u.window_days)))::int as wrong_counts,
               count(*) filter (where u.sample_count > 0)::int as with_samples
          from resource_utilization u where u.organization_id = ${orgId}::uuid`,
  );
  return state!;
};

it("each metrics ingest refreshes the organization's utilization snapshot once, with its new samples", async () => {
  const first = await syncMetrics(deps, { providerId, lookbackMinutes: 60 });
  expect(first.status).toBe("succeeded");
  expect(first.samplesStored).toBeGreaterThan(0);
  const afterFirst = await snapshotState();
  expect(afterFirst).toMatchObject({ refreshes: 1, window_days: 30, wrong_counts: 0 });
  expect(afterFirst.rows).toBe(afterFirst.resources);
  expect(afterFirst.with_samples).toBeGreaterThan(0);

  // What the application reads is that snapshot, and says so.
  const findings = await withOrganization(tdb.db, orgId, (tx) => analyzeCostOptimization(tx, { organizationId: orgId }));
  expect(findings.length).toBeGreaterThan(0);
  for (const f of findings) expect(new Date(f.recommendation_details.as_of)).toEqual(new Date(afterFirst.refreshed_at));

  // A later window: more samples, and a newer snapshot that counts them.
  const later = new Date(Date.now() + 30 * 60_000);
  const second = await syncMetrics({ ...deps, clock: () => later }, { providerId, lookbackMinutes: 60 });
  expect(second.samplesStored).toBeGreaterThan(0);
  const afterSecond = await snapshotState();
  expect(afterSecond).toMatchObject({ refreshes: 1, wrong_counts: 0, rows: afterFirst.rows });
  expect(new Date(afterSecond.refreshed_at).getTime()).toBeGreaterThan(new Date(afterFirst.refreshed_at).getTime());
});
