import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { cloudProviders, cloudRegions, cloudResources, organizations, queryRows, userProfiles } from "../src/index.ts";
import { type TestDatabase, createTestDatabase } from "../src/testing.ts";

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(async () => tdb?.drop());

it("a multi-table transaction that fails halfway leaves nothing behind", async () => {
  const attempt = tdb.db.transaction(async (tx) => {
    const [org] = await tx.insert(organizations).values({ name: "Halfway", slug: "halfway" }).returning();
    const [user] = await tx.insert(userProfiles).values({ organizationId: org!.id, email: "a@halfway.example" }).returning();
    const [provider] = await tx
      .insert(cloudProviders)
      .values({ organizationId: org!.id, providerName: "gcp", providerType: "primary", displayName: "GCP", credentialsConfig: {}, createdBy: user!.id })
      .returning();
    await tx.insert(cloudRegions).values({ organizationId: org!.id, providerId: provider!.id, regionCode: "us-central1", regionName: "Iowa" });
    // Fails: the region id does not exist.
    await tx.insert(cloudResources).values({
      organizationId: org!.id,
      providerId: provider!.id,
      regionId: "00000000-0000-4000-8000-000000000000",
      resourceId: "vm-1",
      resourceName: "vm",
      resourceType: "compute",
      configuration: {},
      createdBy: user!.id,
    });
  });
  await expect(attempt).rejects.toThrow();
  expect(await tdb.db.select().from(organizations).where(eq(organizations.slug, "halfway"))).toEqual([]);
  const [counts] = await queryRows<Record<string, number>>(
    tdb.db,
    sql`select (select count(*)::int from user_profiles) as users, (select count(*)::int from cloud_providers) as providers,
               (select count(*)::int from cloud_regions) as regions, (select count(*)::int from cloud_resources) as resources`,
  );
  expect(counts).toEqual({ users: 0, providers: 0, regions: 0, resources: 0 });
});

it("updated_at and last_updated follow every update", async () => {
  const [org] = await tdb.db.insert(organizations).values({ name: "Clock", slug: "clock", updatedAt: new Date("2020-01-01T00:00:00Z") }).returning();
  const [after] = await tdb.db.update(organizations).set({ name: "Clock 2" }).where(eq(organizations.id, org!.id)).returning();
  expect(after!.updatedAt.getTime()).toBeGreaterThan(new Date("2020-01-02").getTime());
});
