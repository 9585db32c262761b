import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cloudProviders, cloudResources, getInfrastructureHealthScore, queryRows, resourceHealthCounts, withOrganization } from "../src/index.ts";
import { type TestDatabase, createTestDatabase } from "../src/testing.ts";
import type { ResourceHealthCount } from "../src/types.ts";
import { type Tenant, createTenant, resourceValues, sqlState } from "./fixtures.ts";

let tdb: TestDatabase;
let a: Tenant;
let b: Tenant;

beforeAll(async () => {
  tdb = await createTestDatabase();
  a = await createTenant(tdb.db, "counts-a");
  b = await createTenant(tdb.db, "counts-b");
});

afterAll(async () => {
  await tdb?.drop();
});

interface Group {
  organization_id: string;
  provider_id: string;
  resource_status: string | null;
  health_status: string | null;
  resources: number;
}

const order = sql.raw("order by organization_id, provider_id, resource_status nulls first, health_status nulls first");

/** The counts the triggers keep, and the same counted from cloud_resources. */
async function keptAndCounted(): Promise<{ kept: Group[]; counted: Group[] }> {
  const kept = await queryRows<Group>(
    tdb.db,
    sql`select organization_id, provider_id, resource_status, health_status, resources from resource_health_counts ${order}`,
  );
  const counted = await queryRows<Group>(
    tdb.db,
    sql`select organization_id, provider_id, resource_status, health_status, count(*)::int as resources
          from cloud_resources group by 1, 2, 3, 4 ${order}`,
  );
  return { kept, counted };
}

async function expectExact(): Promise<Group[]> {
  const { kept, counted } = await keptAndCounted();
  expect(kept).toEqual(counted);
  return kept;
}

describe("resource_health_counts", () => {
  it("follows inserts, updates of status, health, provider and organization, deletes and truncate", async () => {
    const rows = Array.from({ length: 12 }, (_, n) =>
      resourceValues(n < 8 ? a : b, n, {
        resourceStatus: n % 3 === 0 ? "stopped" : "running",
        healthStatus: n % 4 === 0 ? "critical" : "healthy",
      }),
    );
    // One row with neither status nor health: nulls are a group of their own.
    rows.push(resourceValues(a, 99, { resourceStatus: null, healthStatus: null }));
    const inserted = await tdb.db.insert(cloudResources).values(rows).returning({ id: cloudResources.id });
    const kept = await expectExact();
    expect(kept.reduce((sum, g) => sum + g.resources, 0)).toBe(13);

    // An update that changes neither status nor health leaves the counts as they are.
    await tdb.db.execute(sql`update cloud_resources set resource_name = resource_name || '-renamed'`);
    expect((await keptAndCounted()).kept).toEqual(kept);

    await tdb.db.execute(sql`update cloud_resources set health_status = 'warning' where resource_id in ('i-00000001', 'i-00000002')`);
    await tdb.db.execute(sql`update cloud_resources set resource_status = 'terminated' where resource_id = 'i-00000004'`);
    await tdb.db.execute(sql`update cloud_resources set resource_status = 'running', health_status = 'healthy' where resource_id = 'i-00000099'`);
    await expectExact();

    // A resource moved to another provider, and one given to the other organization.
    const [second] = await tdb.db
      .insert(cloudProviders)
      .values({
        organizationId: a.organizationId,
        providerName: "gcp",
        providerType: "secondary",
        displayName: "GCP of counts-a",
        credentialsConfig: { encrypted: "test-only" },
        createdBy: a.userId,
      })
      .returning();
    await tdb.db.execute(sql`update cloud_resources set provider_id = ${second!.id} where resource_id = 'i-00000005'`);
    await tdb.db.execute(
      // Region and creator go along: every reference stays inside the organization (migration 0021).
      sql`update cloud_resources set organization_id = ${b.organizationId}, provider_id = ${b.providerId}, region_id = ${b.regionId}, created_by = ${b.userId}
           where resource_id = 'i-00000006'`,
    );
    await expectExact();

    // Deleting every resource of a group removes the group's row.
    await tdb.db.execute(sql`delete from cloud_resources where resource_id = 'i-00000005'`);
    const afterDelete = await expectExact();
    expect(afterDelete.some((g) => g.provider_id === second!.id)).toBe(false);
    await tdb.db.execute(sql`delete from cloud_resources where id = ${inserted[0]!.id}`);
    await expectExact();

    await tdb.db.execute(sql`truncate cloud_resources cascade`);
    expect(await expectExact()).toEqual([]);
  });

  it("lets the application read its own organization's counts and write none", async () => {
    await tdb.db.insert(cloudResources).values([resourceValues(a, 1), resourceValues(b, 2)]);
    await withOrganization(tdb.db, a.organizationId, async (tx) => {
      const seen: ResourceHealthCount[] = await tx.select().from(resourceHealthCounts);
      expect(seen.map((g) => g.organizationId)).toEqual([a.organizationId]);
    });
    const forged = withOrganization(tdb.db, a.organizationId, (tx) =>
      tx.execute(sql`update resource_health_counts set resources = resources + 100`),
    );
    expect(await sqlState(forged)).toBe("42501");
    const inserted = withOrganization(tdb.db, a.organizationId, (tx) =>
      tx.insert(resourceHealthCounts).values({ organizationId: a.organizationId, providerId: a.providerId, resources: 5 }),
    );
    expect(await sqlState(inserted)).toBe("42501");
    // The application's own writes to cloud_resources still move its counts.
    await withOrganization(tdb.db, a.organizationId, (tx) => tx.insert(cloudResources).values(resourceValues(a, 3, { healthStatus: "warning" })));
    await expectExact();
    await tdb.db.execute(sql`truncate cloud_resources cascade`);
  });

  it("gives get_infrastructure_health_score the same counts as counting the resources", async () => {
    const health = ["healthy", "healthy", "warning", "critical", "unknown"] as const;
    await tdb.db
      .insert(cloudResources)
      .values(Array.from({ length: 20 }, (_, n) => resourceValues(a, n, { healthStatus: health[n % 5], resourceStatus: n < 15 ? "running" : "stopped" })));
    const score = await withOrganization(tdb.db, a.organizationId, (tx) => getInfrastructureHealthScore(tx, { organizationId: a.organizationId }));
    const [live] = await queryRows<{ total: number; healthy: number; warning: number; critical: number }>(
      tdb.db,
      sql`select count(*)::int as total,
                 (count(*) filter (where health_status = 'healthy'))::int as healthy,
                 (count(*) filter (where health_status = 'warning'))::int as warning,
                 (count(*) filter (where health_status = 'critical'))::int as critical
            from cloud_resources where organization_id = ${a.organizationId} and resource_status = 'running'`,
    );
    expect(score).toMatchObject({
      total_resources: live!.total,
      healthy_resources: live!.healthy,
      warning_resources: live!.warning,
      critical_resources: live!.critical,
      unknown_resources: live!.total - live!.healthy - live!.warning - live!.critical,
      overall_status: "critical",
    });
    expect(live!.total).toBe(15);
    const none = await withOrganization(tdb.db, b.organizationId, (tx) => getInfrastructureHealthScore(tx, { organizationId: b.organizationId }));
    expect(none).toMatchObject({ total_resources: 0, health_percentage: null, overall_status: "unknown" });
    await tdb.db.execute(sql`truncate cloud_resources cascade`);
  });

  it("stays exact, without deadlocks, when two transactions change one organization's health at once", async () => {
    await tdb.db
      .insert(cloudResources)
      .values(Array.from({ length: 40 }, (_, n) => resourceValues(a, n, { healthStatus: n < 20 ? "healthy" : "warning" })));
    const one = postgres(tdb.url, { max: 1, onnotice: () => {} });
    const two = postgres(tdb.url, { max: 1, onnotice: () => {} });
    try {
      let releaseFirst!: () => void;
      const firstMayCommit = new Promise<void>((resolve) => {
        releaseFirst = resolve;
      });
      // The first turns healthy resources to warning and holds its locks; the second turns
      // warning ones healthy (the same two groups, the other way) while the first is open.
      const first = one.begin(async (tx) => {
        await tx`update cloud_resources set health_status = 'warning' where resource_id < 'i-00000010'`;
        await firstMayCommit;
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const second = two.begin(async (tx) => {
        await tx`update cloud_resources set health_status = 'healthy' where resource_id >= 'i-00000030'`;
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      releaseFirst();
      await Promise.all([first, second]);
    } finally {
      await Promise.all([one.end(), two.end()]);
    }
    const kept = await expectExact();
    expect(kept.map((g) => [g.health_status, g.resources])).toEqual([
      ["healthy", 20],
      ["warning", 20],
    ]);
  });
});
