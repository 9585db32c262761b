import { type LinodeEmulator, startLinodeEmulator } from "@cloudsync/cloud-emulators";
import { cloudCosts, cloudRegions, cloudResources, organizations, queryRows, resourceDependencies, syncRuns, userProfiles } from "@cloudsync/db";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sumDecimals } from "@cloudsync/cloud";
import { linodeEmulatorCredentials } from "../src/demo/emulated-linode-credentials.ts";
import { syncCosts } from "../src/jobs/sync-costs.ts";
import { syncMetrics } from "../src/jobs/sync-metrics.ts";
import { type SyncDeps, syncResources } from "../src/jobs/sync-resources.ts";
import { silentLogger } from "../src/logger.ts";
import { createAdapter } from "../src/providers/adapters.ts";
import { parseProviderCredentials } from "../src/providers/credentials.ts";
import { addProvider, loadProviderForSync } from "../src/providers/registry.ts";
import { generateKey, parseKeyring } from "../src/secrets/keyring.ts";

const NOW = new Date("2026-12-06T10:00:00Z");
let tdb: TestDatabase;
let deps: SyncDeps;
let em: LinodeEmulator;
let providerId: string;
const keyring = parseKeyring(`test:${generateKey()}`);

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: "cloudsync_linode" });
  em = await startLinodeEmulator({ seed: 7, size: 120, now: () => NOW });
  const [org] = await tdb.db.insert(organizations).values({ name: "Linode Weddings", slug: "linode-weddings" }).returning();
  const [user] = await tdb.db.insert(userProfiles).values({ organizationId: org!.id, email: "ops@linode-weddings.example" }).returning();
  deps = {
    db: tdb.db,
    loadProvider: (id) => loadProviderForSync(tdb.db, keyring, id),
    adapterFor: (provider, settings) => createAdapter(provider.credentials, { ...settings, pageSize: 25, maxAttempts: 2, timeoutMs: 5_000, requestsPerSecond: 1000 }),
    clock: () => NOW,
    logger: silentLogger(),
  };
  providerId = (await addProvider(tdb.db, keyring, { organizationId: org!.id, createdBy: user!.id, credentials: linodeEmulatorCredentials(em) })).id;
});
afterAll(async () => {
  await em?.close();
  await tdb?.drop();
});

async function liveRows() {
  return tdb.db
    .select({ resourceId: cloudResources.resourceId, status: cloudResources.resourceStatus, tags: cloudResources.tags, subtype: cloudResources.resourceSubtype, environment: cloudResources.environment, critical: cloudResources.isWeddingCritical })
    .from(cloudResources)
    .where(and(eq(cloudResources.providerId, providerId), sql`${cloudResources.resourceStatus} <> 'terminated'`));
}

describe("Linode credentials", () => {
  it("`provider add` accepts a Linode document and names what is wrong in one that is not", () => {
    expect(parseProviderCredentials(linodeEmulatorCredentials(em)).cloud).toBe("linode");
    expect(() => parseProviderCredentials({ cloud: "linode", accounts: [{ account: "not-an-euuid", token: "secret-token-value-123" }] })).toThrow(/accounts\.0\.account: the account's euuid/);
    expect(() => parseProviderCredentials({ cloud: "linode", accounts: [] })).toThrow(/accounts: list at least one account/);
  });
});

describe("Linode: resources from the emulator into the tables", () => {
  it("a first sync makes the tables equal the estate, tags deciding environment and wedding-criticality", async () => {
    const summary = await syncResources(deps, { providerId });
    expect(summary.status).toBe("succeeded");
    const expected = em.expected();
    expect(summary.inserted).toBe(expected.length);
    const rows = await liveRows();
    expect(rows.map((r) => r.resourceId).sort()).toEqual(expected.map((e) => e.resourceId).sort());
    const byId = new Map(rows.map((r) => [r.resourceId, r]));
    for (const e of expected) {
      const row = byId.get(e.resourceId)!;
      expect({ status: row.status, tags: row.tags, subtype: row.subtype }, e.resourceId).toEqual({ status: e.status, tags: e.tags, subtype: e.kind });
      const env = { prod: "production", staging: "staging", dev: "development" }[e.tags.env ?? "dev"];
      expect(row.environment, e.resourceId).toBe(env);
      expect(row.critical, e.resourceId).toBe(e.tags["wedding-critical"] === "true");
    }
    const regions = await tdb.db.select().from(cloudRegions).where(eq(cloudRegions.providerId, providerId));
    expect(regions.map((r) => r.regionCode).sort()).toEqual(expect.arrayContaining(["ap-south", "eu-west", "us-east", "us-ord"]));
    // Relations land as dependency rows between stored resources.
    const edges = await tdb.db.select().from(resourceDependencies).where(eq(resourceDependencies.organizationId, regions[0]!.organizationId));
    expect(edges.length).toBeGreaterThan(0);
  });

  it("a second sync with nothing changed writes nothing", async () => {
    const summary = await syncResources(deps, { providerId });
    expect(summary).toMatchObject({ status: "succeeded", inserted: 0, updated: 0, terminated: 0 });
  });

  it("a removed resource becomes terminated and a retag is an update", async () => {
    const [gone, retagged] = em.expected().filter((e) => e.kind === "linode_instance");
    em.mutate.remove(gone!.resourceId);
    em.mutate.retag(retagged!.resourceId, { ...retagged!.tags, owner: "florist-team" });
    const summary = await syncResources(deps, { providerId });
    expect(summary).toMatchObject({ status: "succeeded", inserted: 0, updated: 1, terminated: 1 });
    const [row] = await tdb.db.select().from(cloudResources).where(and(eq(cloudResources.providerId, providerId), eq(cloudResources.resourceId, gone!.resourceId)));
    expect(row!.resourceStatus).toBe("terminated");
  });

  it("a sync whose scopes fail terminates nothing", async () => {
    const victim = em.expected().find((e) => e.kind === "linode_volume")!;
    em.mutate.remove(victim.resourceId);
    em.faults.set({ serverErrors: 10_000, match: "GET /volumes" });
    try {
      const summary = await syncResources(deps, { providerId });
      expect(summary.status === "failed" || summary.status === "partial").toBe(true);
      expect(summary.terminated).toBe(0);
    } finally {
      em.faults.clear();
    }
    const healed = await syncResources(deps, { providerId });
    expect(healed).toMatchObject({ status: "succeeded", terminated: 1 });
  });
});

describe("Linode: the bill into cloud_costs", () => {
  it("writes the emulator's lines for the window, exactly, and a re-sync of the same window leaves the same totals", async () => {
    const window = { start: "2026-10-01", end: "2026-12-06" };
    const total = async () =>
      (await queryRows<{ n: number; total: string }>(tdb.db, sql`select count(*)::int as n, coalesce(sum(cost_amount), 0)::text as total from cloud_costs where provider_id = ${providerId}::uuid`))[0]!;
    const first = await syncCosts(deps, { providerId, window });
    expect(first.status).toBe("succeeded");
    const expected = em.accounts.flatMap((a) => em.expectedCosts(a.euuid, window.start, window.end));
    const after = await total();
    expect(after.n).toBe(expected.length);
    expect(sumDecimals([after.total])).toBe(sumDecimals(expected.map((e) => e.amount)));
    await syncCosts(deps, { providerId, window });
    expect(await total()).toEqual(after);
    const runs = await tdb.db.select().from(syncRuns).where(and(eq(syncRuns.providerId, providerId), eq(syncRuns.kind, "costs")));
    expect(runs.every((r) => r.status === "succeeded")).toBe(true);
    const [usd] = await tdb.db.select({ currency: cloudCosts.costCurrency }).from(cloudCosts).where(eq(cloudCosts.providerId, providerId)).limit(1);
    expect(usd?.currency).toBe("USD");
  });
});

describe("Linode: statistics into resource metrics", () => {
  it("stores one sample per running Linode and 5-minute point of the lookback, as the emulator computes them", async () => {
    const summary = await syncMetrics(deps, { providerId, lookbackMinutes: 30 });
    expect(summary.status).toBe("succeeded");
    const running = (await liveRows()).filter((r) => r.subtype === "linode_instance").map((r) => r.resourceId);
    const expected = em.expectedMetrics(running, new Date(NOW.getTime() - 30 * 60_000), NOW);
    expect(expected.length).toBeGreaterThan(0);
    expect(summary.samplesStored).toBe(expected.length);
  });
});
