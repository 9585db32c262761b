import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dropMonitoringPartitions, ensureMonitoringPartitions, infrastructureMonitoring, listMonitoringPartitions, queryRows } from "../src/index.ts";
import { type TestDatabase, createTestDatabase } from "../src/testing.ts";
import { type Tenant, createResource, createTenant } from "./fixtures.ts";

let tdb: TestDatabase;
let t: Tenant;
let resourceId: string;

beforeAll(async () => {
  tdb = await createTestDatabase();
  t = await createTenant(tdb.db, "parts");
  resourceId = (await createResource(tdb.db, t, 1)).id;
});
afterAll(async () => tdb?.drop());

const partitionOf = async (at: string) => {
  const [row] = await queryRows<{ part: string }>(
    tdb.db,
    sql`insert into infrastructure_monitoring (organization_id, resource_id, monitoring_type, monitoring_timestamp)
        values (${t.organizationId}, ${resourceId}, 'performance', ${at}::timestamptz) returning tableoid::regclass::text as part`,
  );
  return row!.part;
};

const monthName = (d: Date) => `infrastructure_monitoring_p${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
const addMonths = (d: Date, n: number) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1));

describe("monthly partitions of infrastructure_monitoring", () => {
  it("the first migration creates last month through three months ahead, plus a default", async () => {
    const names = (await listMonitoringPartitions(tdb.db)).map((p) => p.name);
    const now = new Date();
    for (let i = -1; i <= 3; i++) expect(names).toContain(monthName(addMonths(now, i)));
    expect(names).toContain("infrastructure_monitoring_default");
  });

  it("rows of 2024, 2025, 2026 and 2027 land in their month's partition", async () => {
    const created = await ensureMonitoringPartitions(tdb.db, { fromMonth: "2024-01-01", monthsAhead: 14 });
    expect(created).toContain("infrastructure_monitoring_p202401");
    expect(created).not.toContain(monthName(new Date())); // existed already: not created twice
    expect(await partitionOf("2024-03-15T12:00:00Z")).toBe("infrastructure_monitoring_p202403");
    expect(await partitionOf("2025-07-01T00:00:00Z")).toBe("infrastructure_monitoring_p202507");
    expect(await partitionOf("2026-11-25T08:30:00Z")).toBe("infrastructure_monitoring_p202611");
    expect(await partitionOf("2027-06-30T23:59:59Z")).toBe("infrastructure_monitoring_p202706");
    // Month bounds are UTC whatever the session's time zone says.
    expect(await partitionOf("2026-12-01T00:30:00+01:00")).toBe("infrastructure_monitoring_p202611");
  });

  it("a row with no partition yet never fails: it waits in the default and moves when its month is created", async () => {
    expect(await partitionOf("2031-05-10T00:00:00Z")).toBe("infrastructure_monitoring_default");
    expect(await ensureMonitoringPartitions(tdb.db, { fromMonth: "2031-05-01", monthsAhead: 0 })).toContain("infrastructure_monitoring_p203105");
    const rows = await queryRows<{ part: string; n: number }>(
      tdb.db,
      sql`select tableoid::regclass::text as part, count(*)::int as n from infrastructure_monitoring
           where monitoring_timestamp >= '2031-05-01' and monitoring_timestamp < '2031-06-01' group by 1`,
    );
    expect(rows).toEqual([{ part: "infrastructure_monitoring_p203105", n: 1 }]);
  });

  it("is idempotent", async () => {
    expect(await ensureMonitoringPartitions(tdb.db, { fromMonth: "2024-01-01", monthsAhead: 14 })).toEqual([]);
  });

  it("retires partitions past the retention: detached and kept, or dropped", async () => {
    const now = new Date();
    // Detach-only with 20 months: every month that ended 20+ months ago leaves the table but stays.
    const detached = await dropMonitoringPartitions(tdb.db, { retentionMonths: 20, detachOnly: true });
    expect(detached).toContain("infrastructure_monitoring_p202403");
    const [kept] = await queryRows<{ n: number }>(tdb.db, sql`select count(*)::int as n from infrastructure_monitoring_p202403`);
    expect(kept!.n).toBe(1);
    const [stillChild] = await queryRows<{ n: number }>(
      tdb.db,
      sql`select count(*)::int as n from infrastructure_monitoring where monitoring_timestamp < '2024-04-01'`,
    );
    expect(stillChild!.n).toBe(0);

    // Detached, the month has no policy of its own (issue 13, hole 4): no tenant role may reach
    // it, not even after grant_cloudsync_roles() re-applies every grant.
    for (const round of ["as detached", "after grant_cloudsync_roles()"]) {
      if (round !== "as detached") await tdb.db.execute(sql`select grant_cloudsync_roles()`);
      const privileges = await queryRows<{ role: string; privilege: string }>(
        tdb.db,
        sql`select r.role, p.privilege
              from unnest(array['cloudsync_app', 'cloudsync_worker', 'public']) r(role),
                   unnest(array['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) p(privilege)
             where has_table_privilege(r.role, 'infrastructure_monitoring_p202403', p.privilege)`,
      );
      expect(privileges, round).toEqual([]);
      for (const role of ["cloudsync_app", "cloudsync_worker"]) {
        const read = tdb.db.transaction(async (tx) => {
          await tx.execute(sql.raw(`set local role ${role}`));
          await tx.execute(sql`select set_config('app.organization_id', ${t.organizationId}, true)`);
          await tx.execute(sql`select * from infrastructure_monitoring_p202403`);
        });
        await expect(read, `${role} ${round}`).rejects.toMatchObject({ cause: { code: "42501" } });
      }
    }

    // Drop with 13 months: the cutoff month and everything before it is gone.
    const dropped = await dropMonitoringPartitions(tdb.db, { retentionMonths: 13 });
    expect(dropped).toContain("infrastructure_monitoring_p202507");
    const remaining = (await listMonitoringPartitions(tdb.db)).map((p) => p.name);
    const cutoff = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 13, now.getUTCDate()));
    for (const name of remaining.filter((n) => /_p\d{6}$/.test(n))) {
      const y = Number(name.slice(-6, -2));
      const m = Number(name.slice(-2));
      expect(Date.UTC(y, m, 1), `${name} should have been retired`).toBeGreaterThan(cutoff.getTime());
    }
    expect(remaining).toContain(monthName(now));
    expect(remaining).toContain("infrastructure_monitoring_default");
  });

  it("the typed table writes through the parent", async () => {
    const [row] = await tdb.db
      .insert(infrastructureMonitoring)
      .values({ organizationId: t.organizationId, resourceId, monitoringType: "availability", metrics: { cpu_utilization: 12.5 } })
      .returning();
    expect(row!.metrics).toEqual({ cpu_utilization: 12.5 });
  });
});
