import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { is, sql } from "drizzle-orm";
import { PgTable } from "drizzle-orm/pg-core";
import { afterAll, expect, it } from "vitest";
import {
  analyzeCostOptimization,
  createDb,
  getInfrastructureHealthScore,
  listMonitoringPartitions,
  migrate,
  queryRows,
  refreshResourceUtilization,
  withOrganization,
} from "../src/index.ts";
import * as schema from "../src/schema/index.ts";
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
    // Every table of the Drizzle schema, and nothing else (partitions left out).
    expect(tables!.n).toBe(Object.values(schema).filter((v) => is(v, PgTable)).length);
    expect((await listMonitoringPartitions(handle.db)).length).toBeGreaterThanOrEqual(6);
    const t = await createTenant(handle.db, "embedded");
    await createResource(handle.db, t, 1, { healthStatus: "healthy" });
    const score = await withOrganization(handle.db, t.organizationId, (tx) => getInfrastructureHealthScore(tx, { organizationId: t.organizationId }));
    expect(score).toMatchObject({ total_resources: 1, healthy_resources: 1, overall_status: "healthy" });
    // The demo's metrics jobs refresh the utilization snapshot here too.
    const found = await withOrganization(handle.db, t.organizationId, async (tx) => {
      await refreshResourceUtilization(tx, { organizationId: t.organizationId });
      return analyzeCostOptimization(tx, { organizationId: t.organizationId });
    });
    expect(found).toMatchObject([{ optimization_type: "unused_resources", affected_resources: 1 }]);
  } finally {
    await handle.close();
  }
});
