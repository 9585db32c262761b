import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type DrPlanEvaluation,
  DrPlanNotFoundError,
  backupConfigurations,
  backupExecutions,
  cloudRegions,
  disasterRecoveryPlans,
  evaluateDrPlan,
  queryRows,
  withOrganization,
} from "../src/index.ts";
import { type TestDatabase, createTestDatabase } from "../src/testing.ts";
import { type Tenant, createResource, createTenant, sqlState } from "./fixtures.ts";

/**
 * `evaluate_dr_plan` (docs/disaster-recovery.md, "Evaluating a DR plan from the clouds'
 * backups") on hand-computed fixtures, called as `cloudsync_app` inside `withOrganization`, so
 * row-level security applies as it does for the CLI.
 *
 * Every fixture: now (as_of) is 2026-12-06 12:00 UTC, the plan's RPO 60 minutes, its recovery
 * region eu-central-1, cross-region copies asked for unless said otherwise.
 */

const asOf = new Date("2026-12-06T12:00:00Z");
const at = (hhmm: string) => new Date(`2026-12-06T${hhmm}:00Z`);
const minutes = 60_000;
const days = 86_400_000;

let tdb: TestDatabase;
let a: Tenant;
let b: Tenant;
let recoveryRegionId: string;
let serial = 0;

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: "cloudsync_dr_plan" });
  a = await createTenant(tdb.db, "dr-a");
  b = await createTenant(tdb.db, "dr-b");
  const [recovery] = await tdb.db.insert(cloudRegions).values({ organizationId: a.organizationId, providerId: a.providerId, regionCode: "eu-central-1", regionName: "Frankfurt" }).returning();
  recoveryRegionId = recovery!.id;
});
afterAll(async () => tdb?.drop());

interface Run {
  status: "completed" | "failed";
  /** When it ended (a failed run: when it started). */
  at: Date;
  error?: string;
}
interface ResourceSpec {
  name: string;
  /** Configurations; the first carries the runs. Region lists: destination first, then copies. */
  configurations?: { status: "active" | "paused" | "failed" | "disabled"; regions: string[] }[];
  runs?: Run[];
}
interface PlanSpec {
  crossRegion?: boolean;
  frequency?: string;
  lastTestedAt?: Date | null;
  testSuccessRate?: string;
  recoveryRegionIds?: string[];
}

/** The default resource: one active configuration into eu-west-1 copied to eu-central-1, backed up at 11:30. */
const healthy = (name: string): ResourceSpec => ({ name, configurations: [{ status: "active", regions: ["eu-west-1", "eu-central-1"] }], runs: [{ status: "completed", at: at("11:30") }] });

/** A plan of A over a primary region of its own holding `resources` (wedding-critical databases), written as the owner. */
async function scenario(resources: ResourceSpec[], spec: PlanSpec = {}): Promise<string> {
  serial++;
  const [primary] = await tdb.db.insert(cloudRegions).values({ organizationId: a.organizationId, providerId: a.providerId, regionCode: `primary-${serial}`, regionName: `Primary ${serial}` }).returning();
  const [plan] = await tdb.db
    .insert(disasterRecoveryPlans)
    .values({
      organizationId: a.organizationId,
      planName: `plan ${serial}`,
      planType: "backup_restore",
      primaryRegionId: primary!.id,
      disasterRecoveryRegions: (spec.recoveryRegionIds ?? [recoveryRegionId]).map((id) => ({ region_id: id, region_code: id === recoveryRegionId ? "eu-central-1" : `primary-${serial}` })),
      recoveryObjectives: { rto_minutes: 240, rpo_minutes: 60, availability_target: 99.9, data_retention_days: 30 },
      backupStrategy: { frequency: "hourly", retention_days: 30, cross_region: spec.crossRegion ?? true, encryption: true, compression: true },
      failoverProcedures: { steps: ["restore"] },
      testingSchedule: { frequency: spec.frequency ?? "quarterly", last_test: null, next_test: null, test_type: "partial" },
      lastTestedAt: spec.lastTestedAt === undefined ? new Date(asOf.getTime() - 10 * days) : spec.lastTestedAt,
      testSuccessRate: spec.testSuccessRate ?? "100.00",
      createdBy: a.userId,
    })
    .returning();
  for (const r of resources) {
    const resource = await createResource(tdb.db, { ...a, regionId: primary!.id }, serial * 100 + resources.indexOf(r), {
      resourceName: r.name,
      resourceType: "database",
      isWeddingCritical: true,
    });
    let first: string | undefined;
    for (const c of r.configurations ?? []) {
      const [config] = await tdb.db
        .insert(backupConfigurations)
        .values({
          organizationId: a.organizationId,
          resourceId: resource.id,
          backupType: "snapshot",
          backupFrequency: "hourly",
          backupStatus: c.status,
          backupDestination: { region: c.regions[0], copies: c.regions.slice(1).map((region) => ({ region })) },
        })
        .returning();
      first ??= config!.id;
    }
    for (const run of r.runs ?? []) {
      const startedAt = run.status === "completed" ? new Date(run.at.getTime() - minutes) : run.at;
      await tdb.db.insert(backupExecutions).values({
        organizationId: a.organizationId,
        backupConfigId: first!,
        executionStatus: run.status,
        startedAt,
        completedAt: run.status === "completed" ? run.at : null,
        errorMessage: run.error ?? null,
      });
    }
  }
  return plan!.id;
}

const evaluateAsA = (planId: string) => withOrganization(tdb.db, a.organizationId, (tx) => evaluateDrPlan(tx, planId, { asOf }));
const summary = (e: DrPlanEvaluation) => e.resources.map((r) => [r.name, r.verdict, r.achievedRpoMinutes, r.reasons]);

describe("evaluate_dr_plan: one resource, by the rules in order", () => {
  const failedRun = (hhmm: string, error: string): Run => ({ status: "failed", at: at(hhmm), error });
  it.each<[string, Omit<ResourceSpec, "name">, string, number | null, string[]]>([
    // 12:00 − 11:30 = 30 min ≤ 60; copied to eu-central-1.
    ["backed up 30 min ago, copied to the recovery region: met", {}, "met", 30, []],
    // 12:00 − 11:00 = 60 min, not over 60.
    ["exactly at the RPO (60 min) still meets it", { runs: [{ status: "completed", at: at("11:00") }] }, "met", 60, []],
    // 12:00 − 10:58:01 = 61 min 59 s → 61 whole minutes > 60.
    ["61 min and 59 s is 61 whole minutes: missed", { runs: [{ status: "completed", at: new Date("2026-12-06T10:58:01Z") }] }, "missed", 61, ["newest completed backup is 61 min old, over the 60 min RPO"]],
    // 12:00 − 10:00 = 120 min > 60, and the 11:00 run after it failed.
    [
      "over the RPO because the latest run failed: both said",
      { runs: [{ status: "completed", at: at("10:00") }, failedRun("11:00", "volume busy")] },
      "missed",
      120,
      ["newest completed backup is 120 min old, over the 60 min RPO", "the latest run failed: volume busy"],
    ],
    ["no configuration: missed and not covered", { configurations: [], runs: [] }, "missed", null, ["no backup configuration covers it"]],
    // Rule 2 comes before the age of the backup: 30 min old does not help.
    ["every configuration paused: missed", { configurations: [{ status: "paused", regions: ["eu-central-1"] }] }, "missed", 30, ["every backup configuration of it is paused"]],
    ["configured, never completed, last run failed", { runs: [failedRun("11:45", "snapshot quota")] }, "missed", null, ["no completed backup; the latest run failed: snapshot quota"]],
    // 11:30 is 30 min old (met), but the 11:45 run failed: the next recovery point is late.
    [
      "the latest run failed but the 11:30 backup still meets the RPO: at risk",
      { runs: [{ status: "completed", at: at("11:30") }, failedRun("11:45", "volume busy")] },
      "at_risk",
      30,
      ["the latest run failed (volume busy); the backup from 30 min ago still meets the RPO"],
    ],
    ["no copy in the recovery region: at risk", { configurations: [{ status: "active", regions: ["eu-west-1"] }] }, "at_risk", 30, ["no backup is copied into a recovery region (eu-central-1)"]],
    ["a failed configuration with a recent good run counts as configured", { configurations: [{ status: "failed", regions: ["eu-central-1"] }] }, "met", 30, []],
    // The disabled configuration and its 11:30 run do not count: nothing else covers it.
    ["a disabled configuration is no configuration", { configurations: [{ status: "disabled", regions: ["eu-central-1"] }] }, "missed", null, ["no backup configuration covers it"]],
  ])("%s", async (name, over, verdict, achieved, reasons) => {
    const planId = await scenario([{ ...healthy("guests-db"), ...over, name: "guests-db" }]);
    const evaluation = await evaluateAsA(planId);
    expect(summary(evaluation)).toEqual([["guests-db", verdict, achieved, reasons]]);
    const [r] = evaluation.resources;
    expect(r!.withinRpo, name).toBe(achieved !== null && achieved <= 60);
  });

  it("reports the last successful backup time, and a plan without cross-region copies does not ask for them", async () => {
    const planId = await scenario([{ ...healthy("guests-db"), configurations: [{ status: "active", regions: ["eu-west-1"] }] }], { crossRegion: false });
    const evaluation = await evaluateAsA(planId);
    expect(evaluation.resources).toEqual([
      expect.objectContaining({ verdict: "met", lastSuccessfulBackupAt: at("11:30"), achievedRpoMinutes: 30, withinRpo: true, copyInRecoveryRegion: false, latestRunFailed: false }),
    ]);
    expect(evaluation.findings.map((f) => f.check)).not.toContain("cross-region copies");
  });
});

describe("evaluate_dr_plan: the plan's findings", () => {
  it("adds the resources up: one late, one uncovered, one with a failed latest run, one without a copy", async () => {
    const planId = await scenario([
      healthy("ok-db"),
      { ...healthy("late-db"), runs: [{ status: "completed", at: at("09:00") }] }, // 180 min > 60
      { name: "bare-vm" },
      { ...healthy("flaky-disk"), runs: [{ status: "completed", at: at("11:30") }, { status: "failed", at: at("11:45"), error: "busy" }] },
      { ...healthy("local-disk"), configurations: [{ status: "active", regions: ["eu-west-1"] }] },
    ]);
    const evaluation = await evaluateAsA(planId);
    // Covered: ok-db, late-db, flaky-disk, local-disk (4); bare-vm has no configuration.
    expect(evaluation.findings.slice(0, 4)).toEqual([
      { check: "backups within RPO", result: "fail", detail: "1 of 4 without a completed backup in the last 60 min: late-db" },
      { check: "critical resources covered", result: "warn", detail: "1 production or wedding-critical resources in the primary region have no backup configuration: bare-vm" },
      { check: "latest backup runs", result: "warn", detail: "the newest run failed for 1: flaky-disk" },
      { check: "cross-region copies", result: "warn", detail: "1 of 4 have no copy in eu-central-1: local-disk" },
    ]);
    expect(evaluation.verdict).toBe("fail");
    // By name.
    expect(evaluation.resources.map((r) => r.name)).toEqual(["bare-vm", "flaky-disk", "late-db", "local-disk", "ok-db"]);
  });

  it("a failed newest run counts in `latest backup runs` whatever decided the verdict; six names are cut to five and …", async () => {
    const six = ["a", "b", "c", "d", "e", "f"].map((n) => ({ ...healthy(`${n}-db`), runs: [{ status: "failed" as const, at: at("11:45"), error: "quota" }] }));
    const evaluation = await evaluateAsA(await scenario(six));
    // Each: no completed run (rule 3), newest run failed.
    expect(evaluation.findings.slice(0, 3)).toEqual([
      { check: "backups within RPO", result: "fail", detail: "6 of 6 without a completed backup in the last 60 min: a-db, b-db, c-db, d-db, e-db, …" },
      { check: "critical resources covered", result: "ok", detail: "every production and wedding-critical resource of the primary region has a backup configuration" },
      { check: "latest backup runs", result: "warn", detail: "the newest run failed for 6: a-db, b-db, c-db, d-db, e-db, …" },
    ]);
  });

  it("a plan covering nothing fails its RPO check", async () => {
    const evaluation = await evaluateAsA(await scenario([]));
    expect(evaluation.findings[0]).toEqual({ check: "backups within RPO", result: "fail", detail: "no resource of this plan has a backup configuration" });
    expect(evaluation.resources).toEqual([]);
  });

  it("all good: every finding ok", async () => {
    const evaluation = await evaluateAsA(await scenario([healthy("a"), healthy("b")], { crossRegion: false }));
    expect(evaluation.findings).toEqual([
      { check: "backups within RPO", result: "ok", detail: "all 2 completed a backup in the last 60 min" },
      { check: "critical resources covered", result: "ok", detail: "every production and wedding-critical resource of the primary region has a backup configuration" },
      { check: "latest backup runs", result: "ok", detail: "no resource's newest run failed" },
      // Tested 10 days before 12:00 on a quarterly schedule (92 days).
      { check: "tested on schedule", result: "ok", detail: "last tested 10 days ago (schedule: quarterly, every 92 days)" },
      { check: "test success rate", result: "ok", detail: "100 % of recorded tests passed" },
      { check: "recovery regions", result: "ok", detail: "1 region(s) apart from the primary" },
    ]);
    expect(evaluation.verdict).toBe("ok");
  });

  it.each<[string, PlanSpec, string, string, boolean]>([
    ["never tested", { lastTestedAt: null }, "fail", "never tested (schedule: quarterly); record one with `cloudsync dr plan test`", true],
    ["tested 92 days ago is on a quarterly schedule", { lastTestedAt: new Date(asOf.getTime() - 92 * days) }, "ok", "last tested 92 days ago (schedule: quarterly, every 92 days)", false],
    // 100 − 92 = 8.
    ["tested 100 days ago is 8 days overdue", { lastTestedAt: new Date(asOf.getTime() - 100 * days) }, "warn", "last tested 100 days ago (schedule: quarterly, every 92 days): overdue by 8 days", true],
    // 7 days 23 h is 7 whole days: not over the weekly 7.
    ["7 days and 23 hours on a weekly schedule is on time", { frequency: "weekly", lastTestedAt: new Date(asOf.getTime() - 8 * days + 3_600_000) }, "ok", "last tested 7 days ago (schedule: weekly, every 7 days)", false],
    // Unknown frequencies count as quarterly: 93 − 92 = 1.
    ["an unknown frequency is quarterly", { frequency: "fortnightly", lastTestedAt: new Date(asOf.getTime() - 93 * days) }, "warn", "last tested 93 days ago (schedule: fortnightly, every 92 days): overdue by 1 days", true],
  ])("tests: %s", async (_name, spec, result, detail, overdue) => {
    const evaluation = await evaluateAsA(await scenario([healthy("a")], spec));
    expect(evaluation.findings.find((f) => f.check === "tested on schedule")).toEqual({ check: "tested on schedule", result, detail });
    expect(evaluation.test.overdue).toBe(overdue);
  });

  it("warns below 90 % of tests passed, and fails without a recovery region apart from the primary", async () => {
    const planId = await scenario([healthy("a")], { testSuccessRate: "66.67", recoveryRegionIds: [] });
    const evaluation = await evaluateAsA(planId);
    expect(evaluation.findings.slice(-2)).toEqual([
      { check: "test success rate", result: "warn", detail: "66.67 % of recorded tests passed" },
      { check: "recovery regions", result: "fail", detail: "no recovery region apart from the primary" },
    ]);
    // The next test is due 92 days after the last (10 days ago): 82 days from now.
    expect(evaluation.test).toMatchObject({ intervalDays: 92, daysSince: 10, nextDueAt: new Date(asOf.getTime() + 82 * days) });
  });
});

describe("evaluate_dr_plan under row-level security", () => {
  it("another organization's plan id is reported as not found, like an id that does not exist", async () => {
    const planId = await scenario([healthy("a")]);
    for (const id of [planId, randomUUID()]) {
      const attempt = withOrganization(tdb.db, b.organizationId, (tx) => evaluateDrPlan(tx, id, { asOf }));
      await expect(attempt).rejects.toBeInstanceOf(DrPlanNotFoundError);
      await expect(withOrganization(tdb.db, b.organizationId, (tx) => evaluateDrPlan(tx, id))).rejects.toThrow(`no DR plan ${id} in this organization`);
    }
    // The worker's policy shows every organization's rows; the function still keeps to the one set.
    const asWorker = withOrganization(tdb.db, b.organizationId, (tx) => evaluateDrPlan(tx, planId), { role: "cloudsync_worker" });
    await expect(asWorker).rejects.toBeInstanceOf(DrPlanNotFoundError);
    expect((await withOrganization(tdb.db, a.organizationId, (tx) => evaluateDrPlan(tx, planId, { asOf }), { role: "cloudsync_worker" })).resources).toHaveLength(1);
  });

  it("refuses to run with no organization set (42501) rather than answer that nothing exists", async () => {
    const planId = await scenario([]);
    const code = await sqlState(
      tdb.db.transaction(async (tx) => {
        await tx.execute(sql`set local role cloudsync_app`);
        await tx.execute(sql`select evaluate_dr_plan(${planId}::uuid)`);
      }),
    );
    expect(code).toBe("42501");
  });

  it("runs with the caller's rights, and only the application and the worker may run it", async () => {
    const [fn] = await queryRows<{ definer: boolean; grantees: string[] }>(
      tdb.db,
      sql`select p.prosecdef as definer,
                 array(select coalesce(nullif(acl.grantee, 0)::regrole::text, 'PUBLIC') from aclexplode(p.proacl) acl
                        where acl.privilege_type = 'EXECUTE' and acl.grantee <> p.proowner order by 1) as grantees
            from pg_proc p where p.oid = 'evaluate_dr_plan(uuid, timestamptz)'::regprocedure`,
    );
    expect(fn).toEqual({ definer: false, grantees: ["cloudsync_app", "cloudsync_worker"] });
  });
});
