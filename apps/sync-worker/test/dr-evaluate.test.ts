import { describe, expect, it } from "vitest";
import { backupFindings, evaluateResource, type PlanObjectives, type PlanResourceFacts, testFinding } from "../src/recovery/evaluate-plan.ts";

// Hand-computed fixtures: now is 12:00 UTC, the RPO 60 minutes, the recovery region eu-central-1.
const now = new Date("2026-12-06T12:00:00Z");
const plan: PlanObjectives = { rpoMinutes: 60, crossRegion: true, recoveryRegionCodes: ["eu-central-1"] };
const at = (hhmm: string) => new Date(`2026-12-06T${hhmm}:00Z`);
const active = (...regions: string[]) => ({ status: "active" as const, regions });
const facts = (over: Partial<PlanResourceFacts>): PlanResourceFacts => ({
  id: "r1",
  name: "guests-db",
  configurations: [active("eu-west-1", "eu-central-1")],
  lastCompletedAt: at("11:30"),
  lastFinished: { status: "completed", error: null },
  ...over,
});

describe("evaluateResource", () => {
  it.each([
    ["backed up 30 min ago, copied to the recovery region: met", {}, "met", 30, []],
    ["exactly at the RPO (60 min) still meets it", { lastCompletedAt: at("11:00") }, "met", 60, []],
    ["61 min and 59 s is 61 whole minutes: missed", { lastCompletedAt: new Date("2026-12-06T10:58:01Z") }, "missed", 61, ["newest completed backup is 61 min old, over the 60 min RPO"]],
    [
      "over the RPO because the latest run failed: both said",
      { lastCompletedAt: at("10:00"), lastFinished: { status: "failed" as const, error: "volume busy" } },
      "missed",
      120,
      ["newest completed backup is 120 min old, over the 60 min RPO", "the latest run failed: volume busy"],
    ],
    ["no configuration: missed and not covered", { configurations: [], lastCompletedAt: null, lastFinished: null }, "missed", null, ["no backup configuration covers it"]],
    ["every configuration paused: missed", { configurations: [{ status: "paused" as const, regions: ["eu-central-1"] }] }, "missed", 30, ["every backup configuration of it is paused"]],
    ["configured, never completed, last run failed", { lastCompletedAt: null, lastFinished: { status: "failed" as const, error: "snapshot quota" } }, "missed", null, ["no completed backup; the latest run failed: snapshot quota"]],
    [
      "the latest run failed but the 11:30 backup still meets the RPO: at risk",
      { lastFinished: { status: "failed" as const, error: "volume busy" } },
      "at_risk",
      30,
      ["the latest run failed (volume busy); the backup from 30 min ago still meets the RPO"],
    ],
    ["no copy in the recovery region: at risk", { configurations: [active("eu-west-1")] }, "at_risk", 30, ["no backup is copied into a recovery region (eu-central-1)"]],
    ["a failed configuration with a recent good run counts as configured", { configurations: [{ status: "failed" as const, regions: ["eu-central-1"] }] }, "met", 30, []],
  ] as const)("%s", (_name, over, verdict, achieved, reasons) => {
    const out = evaluateResource(facts(over as Partial<PlanResourceFacts>), plan, now);
    expect([out.verdict, out.achievedRpoMinutes, out.reasons]).toEqual([verdict, achieved, reasons]);
  });

  it("a plan without cross-region copies does not ask for them", () => {
    expect(evaluateResource(facts({ configurations: [active("eu-west-1")] }), { ...plan, crossRegion: false }, now).verdict).toBe("met");
  });
});

describe("backupFindings", () => {
  const evaluate = (list: Partial<PlanResourceFacts>[]) => list.map((f, i) => evaluateResource(facts({ id: `r${i}`, ...f }), plan, now));

  it("adds the resources up: one late, one uncovered, one with a failed latest run, one without a copy", () => {
    const findings = backupFindings(
      evaluate([
        { name: "ok-db" },
        { name: "late-db", lastCompletedAt: at("09:00") },
        { name: "bare-vm", configurations: [], lastCompletedAt: null, lastFinished: null },
        { name: "flaky-disk", lastFinished: { status: "failed", error: "busy" } },
        { name: "local-disk", configurations: [active("eu-west-1")] },
      ]),
      plan,
    );
    expect(findings).toEqual([
      { check: "backups within RPO", result: "fail", detail: "1 of 4 without a completed backup in the last 60 min: late-db" },
      { check: "critical resources covered", result: "warn", detail: "1 production or wedding-critical resources in the primary region have no backup configuration: bare-vm" },
      { check: "latest backup runs", result: "warn", detail: "the newest run failed for 1: flaky-disk" },
      { check: "cross-region copies", result: "warn", detail: "1 of 4 have no copy in eu-central-1: local-disk" },
    ]);
  });

  it("a plan covering nothing fails its RPO check", () => {
    expect(backupFindings([], plan)[0]).toEqual({ check: "backups within RPO", result: "fail", detail: "no resource of this plan has a backup configuration" });
  });

  it("all good", () => {
    expect(backupFindings(evaluate([{ name: "a" }, { name: "b" }]), { ...plan, crossRegion: false }).map((f) => f.result)).toEqual(["ok", "ok", "ok"]);
  });
});

describe("testFinding", () => {
  it.each([
    ["never tested", null, "fail", "never tested (schedule: quarterly); record one with `cloudsync dr plan test`"],
    ["tested 92 days ago is on a quarterly schedule", new Date(now.getTime() - 92 * 86_400_000), "ok", "last tested 92 days ago (schedule: quarterly, every 92 days)"],
    ["tested 100 days ago is 8 days overdue", new Date(now.getTime() - 100 * 86_400_000), "warn", "last tested 100 days ago (schedule: quarterly, every 92 days): overdue by 8 days"],
  ])("%s", (_name, last, result, detail) => expect(testFinding("quarterly", last, now)).toEqual({ check: "tested on schedule", result, detail }));
});
