/**
 * A DigitalOcean throttling storm (docs/reliability.md, scenario 4, for this cloud): the API
 * answers 429 `{"id": "too_many_requests", ...}` with `ratelimit-remaining: 0` to every request
 * until the storm is spent. The adapter retries each with jittered exponential backoff (its own
 * retryer: the SDK's is switched off so every 429 is counted), the sync completes and the
 * tables equal the estate. With too few attempts the throttled scopes fail, terminate nothing,
 * and a later sync converges.
 */
import { type DoEmulator, startDigitalOceanEmulator } from "@cloudsync/cloud-emulators";
import { createTestDatabase, type TestDatabase } from "@cloudsync/db/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { digitaloceanEmulatorCredentials } from "../../src/demo/emulated-credentials.ts";
import type { SyncDeps } from "../../src/jobs/sync-run.ts";
import { syncResources } from "../../src/jobs/sync-resources.ts";
import { loadProviderForSync } from "../../src/providers/registry.ts";
import { generateKey, parseKeyring } from "../../src/secrets/keyring.ts";
import { addEmulatedProvider, createTenant, expectEstate, liveOf } from "./fixtures/estate.ts";
import { testLogger } from "./fixtures/worker.ts";

const keyring = parseKeyring(`faults:${generateKey()}`);
const storm = 120;
let tdb: TestDatabase;
let em: DoEmulator;
let providerId: string;

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: "cloudsync_faults_do_throttle" });
  em = await startDigitalOceanEmulator({ seed: "do-storm", size: 200, teams: 3 });
  const tenant = await createTenant(tdb.db, "do-storm-co");
  providerId = await addEmulatedProvider(tdb.db, keyring, tenant, digitaloceanEmulatorCredentials(em));
});

afterAll(async () => {
  await em?.close();
  await tdb?.drop();
});

/** The real adapter over the stored credentials, with a short first backoff so the storm passes in seconds. */
function deps(maxAttempts: number, throttles: { count: number }, onRegionsListed: () => void = () => undefined): SyncDeps {
  return {
    db: tdb.db,
    loadProvider: (id) => loadProviderForSync(tdb.db, keyring, id),
    adapterFor: async (provider, settings) => {
      const c = provider.credentials;
      if (c.cloud !== "digitalocean") throw new Error(`expected the DigitalOcean provider, got ${c.cloud}`);
      const { createDigitalOceanAdapter } = await import("@cloudsync/cloud/digitalocean");
      const adapter = createDigitalOceanAdapter({
        teams: c.teams,
        ...(c.endpoint ? { endpoint: c.endpoint } : {}),
        ...(settings.logger ? { logger: settings.logger } : {}),
        onThrottle: () => throttles.count++,
        pageSize: 10,
        concurrency: 9,
        requestsPerSecond: 1_000,
        retryDelayMs: 10,
        maxRetryDelayMs: 200,
        maxAttempts,
      });
      // The storm breaks once the regions are listed, so that it falls on the inventory's reads
      // (a regions listing alone would take the whole storm on one request).
      const listRegions = adapter.listRegions.bind(adapter);
      adapter.listRegions = () => listRegions().finally(() => onRegionsListed());
      return adapter;
    },
    clock: () => new Date(),
    logger: testLogger,
  };
}

it(`rides out ${storm} 429s carrying the ratelimit headers, and the tables equal the estate`, async () => {
  const throttles = { count: 0 };
  const before = em.requestCount();
  const summary = await syncResources(
    deps(80, throttles, () => em.faults.set({ throttle: storm })),
    { providerId },
  );

  expect(em.faults.plan.throttle, "the whole storm was served").toBe(0);
  expect(throttles.count, "every 429 reached the worker's throttle counter").toBe(storm);
  expect(em.requestCount() - before).toBeGreaterThan(storm);
  expect(summary).toMatchObject({ status: "succeeded", scopesFailed: 0, terminated: 0 });
  expect(summary.inserted).toBe([...em.expected()].length);
  await expectEstate(tdb.db, providerId, { expected: em.expected() });
});

it("with one attempt the storm fails scopes: they terminate nothing, and a later sync converges", async () => {
  const victim = liveOf(em.expected()).find((e) => (e as { kind?: string }).kind === "do_droplet")!;
  em.mutate.remove(victim.resourceId);
  em.faults.set({ throttle: 10_000, match: "/droplets" });
  const throttled = await syncResources(deps(1, { count: 0 }), { providerId });
  expect(throttled.status).toBe("partial");
  expect(throttled.terminated).toBe(0);
  em.faults.clear();

  const healed = await syncResources(deps(5, { count: 0 }), { providerId });
  expect(healed).toMatchObject({ status: "succeeded", scopesFailed: 0, terminated: 1 });
  await expectEstate(tdb.db, providerId, { expected: em.expected(), removed: [victim.resourceId] });
});
