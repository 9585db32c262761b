import { normalizeDecimal, sumDecimals } from "@cloudsync/cloud";
import { startVultrEmulator, type VultrEmulator } from "@cloudsync/cloud-emulators";
import { cloudRegions, cloudResources, organizations, queryRows, userProfiles } from "@cloudsync/db";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { vultrEmulatorCredentials } from "../src/demo/emulated-credentials.ts";
import { syncCosts } from "../src/jobs/sync-costs.ts";
import { syncMetrics } from "../src/jobs/sync-metrics.ts";
import { syncResources } from "../src/jobs/sync-resources.ts";
import type { SyncDeps } from "../src/jobs/sync-run.ts";
import { silentLogger } from "../src/logger.ts";
import { createAdapter } from "../src/providers/adapters.ts";
import { parseProviderCredentials } from "../src/providers/credentials.ts";
import { addProvider, loadProviderForSync } from "../src/providers/registry.ts";
import { generateKey, parseKeyring } from "../src/secrets/keyring.ts";

const keyring = parseKeyring(`test:${generateKey()}`);
let tdb: TestDatabase;
let deps: SyncDeps;
let em: VultrEmulator;
let providerId: string;

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: "cloudsync_vultr" });
  const [org] = await tdb.db.insert(organizations).values({ name: "Vultr Weddings", slug: "vultr-weddings" }).returning();
  const [user] = await tdb.db.insert(userProfiles).values({ organizationId: org!.id, email: "ops@vultr-weddings.example" }).returning();
  em = await startVultrEmulator({ seed: 21, size: 100 });
  deps = {
    db: tdb.db,
    loadProvider: (id) => loadProviderForSync(tdb.db, keyring, id),
    adapterFor: (provider, settings) => createAdapter(provider.credentials, { ...settings, pageSize: 7, maxAttempts: 2, timeoutMs: 5_000 }),
    clock: () => new Date(),
    logger: silentLogger(),
  };
  providerId = (await addProvider(tdb.db, keyring, { organizationId: org!.id, createdBy: user!.id, credentials: vultrEmulatorCredentials(em) })).id;
});
afterAll(async () => {
  await em?.close();
  await tdb?.drop();
});

const live = () =>
  tdb.db
    .select({ resourceId: cloudResources.resourceId, status: cloudResources.resourceStatus, tags: cloudResources.tags, environment: cloudResources.environment, critical: cloudResources.isWeddingCritical })
    .from(cloudResources)
    .where(and(eq(cloudResources.providerId, providerId), sql`${cloudResources.resourceStatus} <> 'terminated'`));

// The tag vocabulary the big three use, spelled as the emulator tags Vultr resources.
const environmentOf: Record<string, string> = { prod: "production", staging: "staging", dev: "development" };

describe("Vultr: credentials", () => {
  it("provider add accepts a Vultr document and refuses a malformed key without echoing it", () => {
    expect(parseProviderCredentials(vultrEmulatorCredentials(em)).cloud).toBe("vultr");
    expect(() => parseProviderCredentials({ cloud: "vultr", accounts: [{ account: "main", apiKey: "not-a-key-secret" }] })).toThrow(/accounts\.0\.apiKey: a Vultr API key is 36/);
    expect(() => parseProviderCredentials({ cloud: "vultr", accounts: [{ account: "main", apiKey: "not-a-key-secret" }] })).not.toThrow(/not-a-key-secret/);
    expect(() => parseProviderCredentials({ cloud: "vultr", accounts: [] })).toThrow(/at least one account/);
  });
});

describe("Vultr: resources from the emulator into the tables", () => {
  it("a first sync makes the tables equal the estate, with environment and wedding-critical from tags", async () => {
    const summary = await syncResources(deps, { providerId });
    expect(summary.status).toBe("succeeded");
    const expected = [...em.expected()];
    expect(summary.inserted).toBe(expected.length);
    const rows = await live();
    expect(rows.map((r) => r.resourceId).sort()).toEqual(expected.map((e) => e.resourceId).sort());
    const byId = new Map(rows.map((r) => [r.resourceId, r]));
    for (const e of expected) {
      const row = byId.get(e.resourceId)!;
      expect({ status: row.status, tags: row.tags }, e.resourceId).toEqual({ status: e.status, tags: e.tags });
      expect(row.environment, e.resourceId).toBe(environmentOf[e.tags.env ?? ""] ?? "development");
      expect(row.critical, e.resourceId).toBe(e.tags["wedding-critical"] === "true");
    }
    expect(rows.some((r) => r.critical)).toBe(true);
    const regions = await tdb.db.select().from(cloudRegions).where(eq(cloudRegions.providerId, providerId));
    // The eight of `/v2/regions`, and `global` where the account-wide firewall groups sit.
    expect(regions.map((r) => r.regionCode).sort()).toEqual(["ams", "ewr", "fra", "global", "lax", "lhr", "nrt", "ord", "syd"]);
    // Edges the API names arrive as dependencies between the rows.
    const [edges] = await queryRows<{ n: number }>(tdb.db, sql`select count(*)::int as n from resource_dependencies d join cloud_resources r on r.id = d.dependent_resource_id where r.provider_id = ${providerId}::uuid`);
    expect(edges!.n).toBeGreaterThan(0);
  });

  it("a second sync writes nothing; a removal terminates, a retag updates; a failing scope terminates nothing", async () => {
    expect(await syncResources(deps, { providerId })).toMatchObject({ status: "succeeded", inserted: 0, updated: 0, terminated: 0 });
    const instances = [...em.expected()].filter((e) => e.kind === "vultr_instance");
    em.mutate.remove(instances[0]!.resourceId);
    em.mutate.retag(instances[1]!.resourceId, { ...instances[1]!.tags, owner: "florist-team" });
    expect(await syncResources(deps, { providerId })).toMatchObject({ status: "succeeded", inserted: 0, updated: 1, terminated: 1 });
    em.mutate.remove(instances[2]!.resourceId);
    em.faults.set({ serverErrors: 10_000, match: "instances" });
    try {
      const failed = await syncResources(deps, { providerId });
      expect(failed.status === "partial" || failed.status === "failed").toBe(true);
      expect(failed.terminated).toBe(0);
    } finally {
      em.faults.clear();
    }
    expect(await syncResources(deps, { providerId })).toMatchObject({ status: "succeeded", terminated: 1 });
  });
});

describe("Vultr: costs and metrics", () => {
  it("invoice items and pending charges sum to the bill exactly, and a re-sync leaves the same totals", async () => {
    const today = new Date().toISOString().slice(0, 10);
    const window = { start: `${today.slice(0, 7)}-01`, end: today };
    const first = await syncCosts(deps, { providerId, window });
    expect(first.status).toBe("succeeded");
    const total = async () =>
      (await queryRows<{ total: string; n: number }>(tdb.db, sql`select coalesce(sum(cost_amount), 0)::text as total, count(*)::int as n from cloud_costs where provider_id = ${providerId}::uuid`))[0]!;
    const once = await total();
    const expected = sumDecimals(em.accounts.map((a) => em.expectedCostTotal(a.account, window.start, window.end)));
    expect(normalizeDecimal(once.total)).toBe(normalizeDecimal(expected));
    await syncCosts(deps, { providerId, window });
    expect(await total()).toEqual(once);
  });

  it("daily bandwidth of instances and bare metal is stored as network samples", async () => {
    const summary = await syncMetrics(deps, { providerId, lookbackMinutes: 3 * 24 * 60 });
    expect(summary.status).toBe("succeeded");
    expect(summary.samplesStored).toBeGreaterThan(0);
    const kinds = await queryRows<{ kind: string }>(
      tdb.db,
      sql`select distinct r.resource_subtype as kind from infrastructure_monitoring m join cloud_resources r on r.id = m.resource_id where r.provider_id = ${providerId}::uuid order by 1`,
    );
    expect(kinds.map((k) => k.kind)).toEqual(["vultr_bare_metal", "vultr_instance"]);
  });
});

describe("Vultr: a refused key", () => {
  it("fails every scope, says what to do, and no API key is stored in plain text anywhere", async () => {
    em.faults.set({ rejectCredentials: true });
    try {
      const summary = await syncResources(deps, { providerId });
      expect(summary.status).toBe("failed");
      expect(summary.terminated).toBe(0);
    } finally {
      em.faults.clear();
    }
    const [run] = await queryRows<{ scopes: { error?: string }[] }>(tdb.db, sql`select scopes from sync_runs where provider_id = ${providerId}::uuid order by started_at desc limit 1`);
    expect(run!.scopes.map((s) => s.error).join("\n")).toMatch(/vultr rejected the credentials for account (main|events).*Check the key/);
    for (const table of ["cloud_providers", "cloud_resources", "sync_runs", "cloud_costs", "infrastructure_monitoring"]) {
      const rows = await queryRows<{ text: string }>(tdb.db, sql`select row_to_json(t)::text as text from ${sql.identifier(table)} t`);
      const text = rows.map((r) => r.text).join("\n");
      for (const { apiKey } of em.accounts) expect(text.includes(apiKey), `${table} holds an API key`).toBe(false);
    }
  });
});
