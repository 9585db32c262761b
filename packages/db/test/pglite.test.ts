import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, expect, it } from "vitest";
import { createDb, getInfrastructureHealthScore, listMonitoringPartitions, migrate, queryRows, withOrganization } from "../src/index.ts";
import { createResource, createTenant } from "./fixtures.ts";

const dir = mkdtempSync(path.join(tmpdir(), "cloudsync-pglite-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("the same migrations apply on the embedded PGlite default, and the schema works there", async () => {
  const handle = await createDb({ dataDir: dir });
  try {
    expect(handle.driver).toBe("pglite");
    await migrate(handle);
    await migrate(handle); // idempotent
    const [tables] = await queryRows<{ n: number }>(
      handle.db,
      sql`select count(*)::int as n from pg_tables where schemaname = 'public' and tablename not like 'infrastructure_monitoring_%'`,
    );
    expect(tables!.n).toBe(20);
    expect((await listMonitoringPartitions(handle.db)).length).toBeGreaterThanOrEqual(6);
    const t = await createTenant(handle.db, "embedded");
    await createResource(handle.db, t, 1, { healthStatus: "healthy" });
    const score = await withOrganization(handle.db, t.organizationId, (tx) => getInfrastructureHealthScore(tx, { organizationId: t.organizationId }));
    expect(score).toMatchObject({ total_resources: 1, healthy_resources: 1, overall_status: "healthy" });
  } finally {
    await handle.close();
  }
});
