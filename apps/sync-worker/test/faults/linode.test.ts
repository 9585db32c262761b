/**
 * The fault suite's Linode case: Linode's own throttling (per-token limits per minute, 429 with
 * `Retry-After`), an outage of one product's API, and malformed items, each against the real
 * `@linode/api-v4` and the emulator. The tables must come out equal to the estate, and a scope
 * that could not be read completely must terminate nothing.
 */
import { type LinodeEmulator, startLinodeEmulator } from "@cloudsync/cloud-emulators";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { linodeEmulatorCredentials } from "../../src/demo/emulated-linode-credentials.ts";
import { syncResources } from "../../src/jobs/sync-resources.ts";
import { generateKey, parseKeyring } from "../../src/secrets/keyring.ts";
import { addEmulatedProvider, createTenant, expectEstate } from "./fixtures/estate.ts";
import { syncDeps } from "./fixtures/worker.ts";

const keyring = parseKeyring(`faults:${generateKey()}`);
let tdb: TestDatabase;
let em: LinodeEmulator;
let providerId: string;
const removed: string[] = [];

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: "cloudsync_faults_linode" });
  // Six collection requests per one-second window and token: every sync runs into the limit.
  em = await startLinodeEmulator({ seed: "linode-storm", size: 120, accounts: 2, enforceRateLimits: { collection: 6 }, rateWindowSeconds: 1 });
  const tenant = await createTenant(tdb.db, "linode-storm-co");
  providerId = await addEmulatedProvider(tdb.db, keyring, tenant, linodeEmulatorCredentials(em));
});

afterAll(async () => {
  await em?.close();
  await tdb?.drop();
});

it("waits out Linode's per-token limit (429 + Retry-After) and the tables equal the estate", async () => {
  const deps = syncDeps(tdb.db, keyring, { pageSize: 25, maxAttempts: 10, concurrency: 8, requestsPerSecond: 1_000 });
  const summary = await syncResources(deps, { providerId });
  expect(summary).toMatchObject({ status: "succeeded", scopesFailed: 0, terminated: 0 });
  expect(summary.inserted).toBe(em.expected().length);
  await expectEstate(tdb.db, providerId, { expected: em.expected() });
});

it("an outage of one product's API fails only its scopes, which terminate nothing; a later sync converges", async () => {
  const volume = em.expected().find((e) => e.kind === "linode_volume")!;
  const vpc = em.expected().find((e) => e.kind === "linode_vpc")!;
  em.mutate.remove(volume.resourceId);
  em.mutate.remove(vpc.resourceId);
  removed.push(volume.resourceId, vpc.resourceId);
  // The limit lifted, so that only the outage fails scopes; three attempts, then the scope fails.
  em.enforceRateLimits(false);
  em.faults.set({ serverErrors: 10_000, match: "GET /volumes" });
  const deps = syncDeps(tdb.db, keyring, { pageSize: 25, maxAttempts: 3, concurrency: 8, requestsPerSecond: 1_000 });
  try {
    const summary = await syncResources(deps, { providerId });
    expect(summary.status).toBe("partial");
    // The VPC's scope completed: it is terminated; the volume's failed: it is not, yet.
    expect(summary.terminated).toBe(1);
  } finally {
    em.faults.clear();
  }
  const healed = await syncResources(deps, { providerId });
  expect(healed).toMatchObject({ status: "succeeded", terminated: 1 });
  await expectEstate(tdb.db, providerId, { expected: em.expected(), removed });
});

it("a malformed item is skipped and kept, never taken for gone", async () => {
  const victim = em.expected().find((e) => e.kind === "linode_instance")!;
  em.faults.set({ malformedItemIds: [victim.resourceId] });
  const deps = syncDeps(tdb.db, keyring, { pageSize: 25, maxAttempts: 10, concurrency: 8, requestsPerSecond: 1_000 });
  try {
    const summary = await syncResources(deps, { providerId });
    expect(summary).toMatchObject({ status: "succeeded", terminated: 0, skipped: 1 });
  } finally {
    em.faults.clear();
  }
  await expectEstate(tdb.db, providerId, { expected: em.expected(), removed });
});
