import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { cloudCosts, infrastructureAlerts, listMonitoringPartitions, queryRows, resourceChanges, syncRuns } from "@cloudsync/db";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RetentionOutcome } from "../src/cli/retention.ts";
import { runCli } from "./fixtures/cli.ts";
import { addOrganization, addProviderAndRegion, addResource } from "./fixtures/org.ts";

const dir = mkdtempSync(path.join(tmpdir(), "cloudsync-retention-"));
let tdb: TestDatabase;
let env: Record<string, string>;
const cli = (args: string[], extra: Record<string, string> = {}) => runCli(args, { ...env, ...extra }, dir);
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000);
/** What each policy should and should not remove, by name. */
const ids: Record<string, string> = {};

async function remaining() {
  const [counts] = await queryRows<Record<string, number>>(
    tdb.db,
    sql`select (select count(*)::int from resource_changes) as changes, (select count(*)::int from sync_runs) as runs,
               (select count(*)::int from infrastructure_alerts) as alerts, (select count(*)::int from cloud_costs) as costs`,
  );
  return { ...counts, partitions: (await listMonitoringPartitions(tdb.db)).map((p) => p.name).filter((n) => n.endsWith("p202001")) };
}

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: "cloudsync_cli_retention" });
  env = { DATABASE_URL: tdb.url };
  const org = await addOrganization(tdb, env, dir, "acme", "ops@acme.example");
  const at = await addProviderAndRegion(tdb, org);
  const res = await addResource(tdb, org, at, "web-1");
  const run = async (name: string, startedAt: Date, status: "succeeded" | "running" = "succeeded") => {
    const [row] = await tdb.db.insert(syncRuns).values({ organizationId: org, providerId: at.providerId, kind: "resources", status, startedAt, finishedAt: status === "running" ? null : startedAt }).returning();
    ids[name] = row!.id;
  };
  await run("oldRun", daysAgo(400));
  await run("oldRunWithKeptChange", daysAgo(120));
  await run("oldRunStillRunning", daysAgo(400), "running");
  await run("newRun", daysAgo(1));
  const change = async (name: string, changedAt: Date, syncRunId: string) => {
    const [row] = await tdb.db.insert(resourceChanges).values({ organizationId: org, providerId: at.providerId, resourceId: res.id, syncRunId, changeType: "updated", changedAt }).returning();
    ids[name] = row!.id;
  };
  await change("oldChange", daysAgo(400), ids.oldRun!);
  await change("keptChange", daysAgo(100), ids.oldRunWithKeptChange!);
  const alert = async (alertStatus: "resolved" | "active", resolvedAt: Date | null, triggeredAt: Date) =>
    tdb.db.insert(infrastructureAlerts).values({ organizationId: org, alertName: "a", alertType: "resource_health", alertConditions: {}, recipientList: [], alertStatus, resolvedAt, triggeredAt });
  await alert("resolved", daysAgo(400), daysAgo(401)); // goes
  await alert("active", null, daysAgo(800)); // still open: stays
  await alert("resolved", daysAgo(10), daysAgo(500)); // resolved lately: stays
  await tdb.db.insert(cloudCosts).values([
    { organizationId: org, providerId: at.providerId, costPeriodStart: "2020-01-01", costPeriodEnd: "2020-01-31", costAmount: "1", costCategory: "compute" },
    { organizationId: org, providerId: at.providerId, costPeriodStart: daysAgo(3).toISOString().slice(0, 10), costPeriodEnd: daysAgo(3).toISOString().slice(0, 10), costAmount: "2", costCategory: "compute" },
  ]);
  await tdb.db.execute(sql`create table infrastructure_monitoring_p202001 partition of infrastructure_monitoring for values from ('2020-01-01') to ('2020-02-01')`);
});
afterAll(async () => {
  await tdb?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe("retention apply", () => {
  it("refuses (1) under a role row-level security filters or without DELETE, deleting nothing", async () => {
    const before = await remaining();
    for (const role of ["cloudsync_worker", "cloudsync_app"]) {
      const r = await cli(["retention", "apply"], { CLOUDSYNC_DB_ROLE: role });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`runs as the tables' owner .*role ${role} .*Nothing was deleted\\.`));
    }
    const bad = await cli(["retention", "apply", "--changes-days", "0"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--changes-days must be a whole number from 1 to 36500/);
    expect(await remaining()).toEqual(before);
  });

  it("--dry-run counts exactly what a real run then removes, and deletes nothing itself", async () => {
    const before = await remaining();
    expect(before).toEqual({ changes: 2, runs: 4, alerts: 3, costs: 2, partitions: ["infrastructure_monitoring_p202001"] });
    const dry = await cli(["retention", "apply", "--dry-run", "--json"]);
    expect(dry.stderr).toBe("");
    const planned = JSON.parse(dry.stdout) as RetentionOutcome;
    expect(planned.policies.map((p) => [p.table, p.removed])).toEqual([["resource_changes", 1], ["sync_runs", 1], ["infrastructure_alerts", 1], ["cloud_costs", 1]]);
    expect(planned.monitoringPartitions).toEqual(["infrastructure_monitoring_p202001"]);
    expect(await remaining()).toEqual(before);

    const real = await cli(["retention", "apply"]);
    expect(real.code).toBe(0);
    expect(real.stdout).toMatch(/resource changes\s+resource_changes\s+180 days\s+1/);
    expect(real.stdout).toMatch(/retention applied/);
    expect(await remaining()).toEqual({ changes: 1, runs: 3, alerts: 2, costs: 1, partitions: [] });
    const runs = (await tdb.db.select({ id: syncRuns.id }).from(syncRuns)).map((r) => r.id).sort();
    // The old run a kept change points at stays, as does one still running.
    expect(runs).toEqual([ids.oldRunWithKeptChange, ids.oldRunStillRunning, ids.newRun].sort());
    expect((await tdb.db.select({ id: resourceChanges.id }).from(resourceChanges)).map((c) => c.id)).toEqual([ids.keptChange]);

    const again = JSON.parse((await cli(["retention", "apply", "--json"])).stdout) as RetentionOutcome;
    expect(again.policies.every((p) => p.removed === 0)).toBe(true);
  });
});
