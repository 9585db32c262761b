import { normalizeDecimal, sumDecimals } from "@cloudsync/cloud";
import { type DoEmulator, startDigitalOceanEmulator } from "@cloudsync/cloud-emulators";
import { cloudResources, organizations, queryRows, userProfiles } from "@cloudsync/db";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { digitaloceanEmulatorCredentials } from "../src/demo/emulated-credentials.ts";
import { syncCosts } from "../src/jobs/sync-costs.ts";
import { syncMetrics } from "../src/jobs/sync-metrics.ts";
import { syncResources } from "../src/jobs/sync-resources.ts";
import type { SyncDeps } from "../src/jobs/sync-run.ts";
import { silentLogger } from "../src/logger.ts";
import { createAdapter } from "../src/providers/adapters.ts";
import { addProvider, loadProviderForSync } from "../src/providers/registry.ts";
import { generateKey, parseKeyring } from "../src/secrets/keyring.ts";

/**
 * A DigitalOcean provider's bill and droplet metrics through the worker into `cloud_costs` and
 * the metric tables: the month-to-date lines equal the emulator's invoice preview plus the
 * unitemized rest of its balance, to the cent, joined to the droplets they bill; re-reading the
 * month replaces, never doubles; running droplets get samples, stopped ones none.
 */
const keyring = parseKeyring(`test:${generateKey()}`);
let tdb: TestDatabase;
let em: DoEmulator;
let deps: SyncDeps;
let providerId: string;

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: "cloudsync_do_costs" });
  em = await startDigitalOceanEmulator({ seed: "do-bill", size: 60, teams: 2 });
  const [org] = await tdb.db.insert(organizations).values({ name: "Ocean Co", slug: "ocean-co" }).returning();
  const [user] = await tdb.db.insert(userProfiles).values({ organizationId: org!.id, email: "finance@ocean.example" }).returning();
  providerId = (await addProvider(tdb.db, keyring, { organizationId: org!.id, createdBy: user!.id, credentials: digitaloceanEmulatorCredentials(em) })).id;
  deps = {
    db: tdb.db,
    loadProvider: (id) => loadProviderForSync(tdb.db, keyring, id),
    adapterFor: (provider, settings) => createAdapter(provider.credentials, { ...settings, maxAttempts: 2, timeoutMs: 10_000 }),
    clock: () => new Date(),
    logger: silentLogger(),
  };
  expect((await syncResources(deps, { providerId })).status).toBe("succeeded");
});
afterAll(async () => {
  await em?.close();
  await tdb?.drop();
});

it("the month to date's lines equal the invoice preview and the balance's unitemized rest, exactly, and a re-read replaces them", async () => {
  const today = new Date().toISOString().slice(0, 10);
  const monthStart = `${today.slice(0, 7)}-01`;
  const expected = em.teams.flatMap((t) => em.expectedCosts(t.teamId, monthStart, today));
  expect(expected.length).toBeGreaterThan(0);
  for (let run = 0; run < 2; run++) {
    const summary = await syncCosts(deps, { providerId, window: { start: monthStart, end: today } });
    expect(summary.status).toBe("succeeded");
    const [row] = await queryRows<{ total: string; n: number; linked: number }>(
      tdb.db,
      sql`select coalesce(sum(cost_amount), 0)::text as total, count(*)::int as n, count(resource_id)::int as linked
            from cloud_costs where provider_id = ${providerId}::uuid`,
    );
    expect(row!.n).toBe(expected.length);
    expect(normalizeDecimal(row!.total)).toBe(normalizeDecimal(sumDecimals(expected.map((e) => e.amount))));
    // Every item names a resource of the inventory; the unitemized lines (one per team) name none.
    expect(row!.linked).toBe(expected.filter((e) => e.resourceId !== null).length);
  }
});

it("running droplets get CPU, memory and bandwidth samples; stopped ones none", async () => {
  const summary = await syncMetrics(deps, { providerId, lookbackMinutes: 60 });
  expect(summary.status).toBe("succeeded");
  expect(summary.samplesStored).toBeGreaterThan(0);
  const droplets = await tdb.db
    .select({ id: cloudResources.id, status: cloudResources.resourceStatus, metrics: cloudResources.performanceMetrics })
    .from(cloudResources)
    .where(and(eq(cloudResources.providerId, providerId), eq(cloudResources.resourceSubtype, "do_droplet")));
  const running = droplets.filter((d) => d.status === "running");
  const stopped = droplets.filter((d) => d.status !== "running");
  expect(running.length).toBeGreaterThan(0);
  // performance_metrics is `{ as_of, window_hours, metrics: { <key>: … } }` (docs/coverage.md).
  const keysOf = (m: Record<string, unknown> | null) => Object.keys((m?.metrics as Record<string, unknown> | undefined) ?? {});
  for (const d of running) expect(keysOf(d.metrics), d.id).toEqual(expect.arrayContaining(["cpu_utilization", "memory_utilization", "network_in_mbps", "network_out_mbps"]));
  for (const d of stopped) expect(keysOf(d.metrics), d.id).toEqual([]);
});
