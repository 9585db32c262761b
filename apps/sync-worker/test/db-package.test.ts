// Uses @cloudsync/db the way another team's app does: through its package name and exports
// map, from the built ESM + .d.ts, never from its source files.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import {
  type CloudResource,
  type NewCloudResource,
  cloudResources,
  getInfrastructureHealthScore,
  resourceStatuses,
  withOrganization,
} from "@cloudsync/db";
import { organizations } from "@cloudsync/db/schema";
import { createTestDatabase } from "@cloudsync/db/testing";
import { eq } from "drizzle-orm";
import { expect, it } from "vitest";

it("resolves to the built package through its exports map", () => {
  const resolved = fileURLToPath(import.meta.resolve("@cloudsync/db"));
  expect(resolved).toMatch(/packages\/db\/dist\/index\.js$/);
  const pkg = createRequire(import.meta.url)("@cloudsync/db/package.json") as { exports: Record<string, unknown> };
  expect(Object.keys(pkg.exports)).toEqual(expect.arrayContaining([".", "./schema", "./testing"]));
  expect(() => import.meta.resolve("@cloudsync/db/src/client.ts")).toThrow();
});

it("creates, migrates and queries a database with the published API and types", async () => {
  const tdb = await createTestDatabase({ prefix: "cloudsync_consumer" });
  try {
    const [org] = await tdb.db.insert(organizations).values({ name: "Consumer", slug: "consumer" }).returning();
    const score = await withOrganization(tdb.db, org!.id, (tx) => getInfrastructureHealthScore(tx, { organizationId: org!.id }));
    expect(score.total_resources).toBe(0);
    // Row types come with the package: a status outside the list would not compile.
    const status: NewCloudResource["resourceStatus"] = resourceStatuses[1];
    expect(status).toBe("running");
    const rows: CloudResource[] = await tdb.db.select().from(cloudResources).where(eq(cloudResources.organizationId, org!.id));
    expect(rows).toEqual([]);
  } finally {
    await tdb.drop();
  }
});
