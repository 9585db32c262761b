import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cloudResources, infrastructureMonitoring, refreshPerformanceMetrics, withOrganization } from "../src/index.ts";
import { type TestDatabase, createTestDatabase } from "../src/testing.ts";
import { type Tenant, createResource, createTenant } from "./fixtures.ts";

let tdb: TestDatabase;
let a: Tenant;
let b: Tenant;
const HOUR = 3_600_000;
/** The latest sample's instant: two hours ago, on a whole minute. */
const T = new Date(Math.floor((Date.now() - 2 * HOUR) / 60_000) * 60_000);
const hoursBefore = (h: number) => new Date(T.getTime() - h * HOUR);
const ids: Record<string, string> = {};

const sample = (t: Tenant, resourceId: string, at: Date, metrics: Record<string, number>) => ({
  organizationId: t.organizationId,
  resourceId,
  monitoringTimestamp: at,
  monitoringType: "performance" as const,
  metrics,
});

async function performanceOf(id: string): Promise<unknown> {
  const [row] = await tdb.db.select({ pm: cloudResources.performanceMetrics }).from(cloudResources).where(eq(cloudResources.id, id));
  return row?.pm;
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  a = await createTenant(tdb.db, "perf-a");
  b = await createTenant(tdb.db, "perf-b");
  ids.db = (await createResource(tdb.db, a, 1, { resourceSubtype: "rds_postgres", resourceType: "database" })).id;
  ids.stale = (await createResource(tdb.db, a, 2)).id;
  ids.bucket = (await createResource(tdb.db, a, 3, { resourceSubtype: "s3_bucket", resourceType: "storage" })).id;
  ids.other = (await createResource(tdb.db, b, 4)).id;
  await tdb.db.insert(infrastructureMonitoring).values([
    // Outside the 24 hours that end at the latest sample: counted in no average.
    sample(a, ids.db, hoursBefore(30), { cpu_utilization: 90, connections: 100 }),
    sample(a, ids.db, hoursBefore(20), { cpu_utilization: 10, connections: 4 }),
    sample(a, ids.db, hoursBefore(10), { cpu_utilization: 20, connections: 8 }),
    // The latest sample carries no `connections`: its latest value is the one of 10 hours before.
    sample(a, ids.db, T, { cpu_utilization: 30, read_latency_ms: 2.5 }),
    // Ten days ago: beyond the seven days looked back, so the row keeps what it had.
    sample(a, ids.stale, hoursBefore(240), { cpu_utilization: 50 }),
    // Daily storage samples: one a day, so each average is over the one sample of its window.
    sample(a, ids.bucket, hoursBefore(48), { storage_bytes: 1_000, object_count: 10 }),
    sample(a, ids.bucket, hoursBefore(24), { storage_bytes: 3_000, object_count: 30 }),
    sample(b, ids.other, T, { cpu_utilization: 77 }),
  ]);
});
afterAll(async () => tdb?.drop());

describe("cloud_resources.performance_metrics from stored samples", () => {
  it("holds the latest value and the 24-hour average of each key, as of the latest sample (hand-computed)", async () => {
    const updated = await withOrganization(tdb.db, a.organizationId, (tx) =>
      refreshPerformanceMetrics(tx, { organizationId: a.organizationId, resourceIds: [ids.db, ids.stale, ids.bucket] as string[] }),
    );
    expect(updated).toBe(2);
    expect(await performanceOf(ids.db as string)).toEqual({
      as_of: T.toISOString(),
      window_hours: 24,
      metrics: {
        // (10 + 20 + 30) / 3; the 90 of 30 hours before is outside the window.
        cpu_utilization: { latest: 30, avg_24h: 20, samples: 3 },
        // (4 + 8) / 2, latest from 10 hours before.
        connections: { latest: 8, avg_24h: 6, samples: 2 },
        read_latency_ms: { latest: 2.5, avg_24h: 2.5, samples: 1 },
      },
    });
    // The window is (as_of − 24 h, as_of]: the sample exactly 24 hours earlier is out.
    expect(await performanceOf(ids.bucket as string)).toEqual({
      as_of: hoursBefore(24).toISOString(),
      window_hours: 24,
      metrics: { storage_bytes: { latest: 3_000, avg_24h: 3_000, samples: 1 }, object_count: { latest: 30, avg_24h: 30, samples: 1 } },
    });
    expect(await performanceOf(ids.stale as string)).toEqual({});
  });

  it("writes nothing again when nothing changed", async () => {
    const again = await withOrganization(tdb.db, a.organizationId, (tx) =>
      refreshPerformanceMetrics(tx, { organizationId: a.organizationId, resourceIds: [ids.db as string] }),
    );
    expect(again).toBe(0);
  });

  it("never touches another organization's resources, even when named", async () => {
    const updated = await withOrganization(tdb.db, a.organizationId, (tx) =>
      refreshPerformanceMetrics(tx, { organizationId: a.organizationId, resourceIds: [ids.other as string] }),
    );
    expect(updated).toBe(0);
    expect(await performanceOf(ids.other as string)).toEqual({});
    // Its own organization does update it.
    await withOrganization(tdb.db, b.organizationId, (tx) => refreshPerformanceMetrics(tx, { organizationId: b.organizationId, resourceIds: [ids.other as string] }));
    expect(await performanceOf(ids.other as string)).toMatchObject({ metrics: { cpu_utilization: { latest: 77, avg_24h: 77, samples: 1 } } });
  });

  it("rejects ids that are not uuids before reaching the database", async () => {
    await expect(refreshPerformanceMetrics(tdb.db, { organizationId: a.organizationId, resourceIds: ["i-123"] })).rejects.toThrow(/resourceIds\[0\]/);
  });
});
