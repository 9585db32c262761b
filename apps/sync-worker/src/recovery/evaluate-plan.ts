/**
 * A DR plan against what the clouds' backups say (docs/disaster-recovery.md, "Evaluating a DR
 * plan from the clouds' backups"). Pure: the `dr plan evaluate` command gathers the facts, this
 * judges them, so every rule is tested on hand-computed fixtures.
 */

export interface PlanObjectives {
  rpoMinutes: number;
  /** The plan's backup strategy asks for a copy in a recovery region. */
  crossRegion: boolean;
  /** Region codes the plan recovers into. */
  recoveryRegionCodes: readonly string[];
}

/** What the database knows about one resource the plan covers. */
export interface PlanResourceFacts {
  id: string;
  name: string;
  /** Its backup configurations that are not disabled, of any origin (a cloud's or hand-written). */
  configurations: readonly { status: "active" | "paused" | "failed"; regions: readonly string[] }[];
  /** The end of its newest completed backup run, of any configuration. */
  lastCompletedAt: Date | null;
  /** Its newest finished run (completed or failed). */
  lastFinished: { status: "completed" | "failed"; error: string | null } | null;
}

export const resourceVerdicts = ["met", "at_risk", "missed"] as const;
export type ResourceVerdict = (typeof resourceVerdicts)[number];

export interface ResourceEvaluation {
  id: string;
  name: string;
  verdict: ResourceVerdict;
  /** Minutes since the newest completed backup ended (the data a restore would lose now); null without one. */
  achievedRpoMinutes: number | null;
  /** Why the verdict is not `met`, one sentence each; empty when met. */
  reasons: string[];
  covered: boolean;
}

/**
 * One resource, by these rules in order:
 * 1. no backup configuration → missed (not covered);
 * 2. every configuration paused → missed;
 * 3. no completed run → missed;
 * 4. the newest completed run ended more than the RPO ago → missed (achieved RPO = its age in
 *    whole minutes, rounded down);
 * 5. otherwise met, but at risk when the newest finished run failed (the next good recovery
 *    point is late) or when the plan asks for cross-region copies and no configuration writes
 *    into one of the plan's recovery regions.
 */
export function evaluateResource(facts: PlanResourceFacts, plan: PlanObjectives, now: Date): ResourceEvaluation {
  const base = { id: facts.id, name: facts.name };
  const achieved = facts.lastCompletedAt ? Math.floor((now.getTime() - facts.lastCompletedAt.getTime()) / 60_000) : null;
  if (facts.configurations.length === 0) {
    return { ...base, verdict: "missed", achievedRpoMinutes: achieved, covered: false, reasons: ["no backup configuration covers it"] };
  }
  if (facts.configurations.every((c) => c.status === "paused")) {
    return { ...base, verdict: "missed", achievedRpoMinutes: achieved, covered: true, reasons: ["every backup configuration of it is paused"] };
  }
  if (achieved === null) {
    const why = facts.lastFinished?.status === "failed" ? `; the latest run failed: ${facts.lastFinished.error ?? "no message"}` : "";
    return { ...base, verdict: "missed", achievedRpoMinutes: null, covered: true, reasons: [`no completed backup${why}`] };
  }
  if (achieved > plan.rpoMinutes) {
    const reasons = [`newest completed backup is ${achieved} min old, over the ${plan.rpoMinutes} min RPO`];
    if (facts.lastFinished?.status === "failed") reasons.push(`the latest run failed: ${facts.lastFinished.error ?? "no message"}`);
    return { ...base, verdict: "missed", achievedRpoMinutes: achieved, covered: true, reasons };
  }
  const reasons: string[] = [];
  if (facts.lastFinished?.status === "failed") reasons.push(`the latest run failed (${facts.lastFinished.error ?? "no message"}); the backup from ${achieved} min ago still meets the RPO`);
  if (plan.crossRegion) {
    const wanted = new Set(plan.recoveryRegionCodes);
    if (!facts.configurations.some((c) => c.regions.some((r) => wanted.has(r)))) {
      reasons.push(`no backup is copied into a recovery region (${plan.recoveryRegionCodes.join(", ") || "none named"})`);
    }
  }
  return { ...base, verdict: reasons.length > 0 ? "at_risk" : "met", achievedRpoMinutes: achieved, covered: true, reasons };
}

export interface Finding {
  check: string;
  result: "ok" | "warn" | "fail";
  detail: string;
}

const names = (rows: readonly ResourceEvaluation[]) => `${rows.slice(0, 5).map((r) => r.name).join(", ")}${rows.length > 5 ? ", …" : ""}`;

/**
 * The plan-level findings the resources add up to: `backups within RPO` fails when a covered
 * resource misses the RPO (or no resource is covered at all); `critical resources covered`
 * warns for resources without any configuration; `latest backup runs` warns when a resource's
 * newest run failed; `cross-region copies` (only when the plan asks for them) warns for
 * resources with no copy in a recovery region.
 */
export function backupFindings(evaluations: readonly ResourceEvaluation[], plan: PlanObjectives): Finding[] {
  const covered = evaluations.filter((e) => e.covered);
  const late = covered.filter((e) => e.verdict === "missed");
  const uncovered = evaluations.filter((e) => !e.covered);
  const failedRuns = covered.filter((e) => e.reasons.some((r) => r.startsWith("the latest run failed")));
  const noCopy = covered.filter((e) => e.reasons.some((r) => r.startsWith("no backup is copied")));
  const findings: Finding[] = [
    covered.length === 0
      ? { check: "backups within RPO", result: "fail", detail: "no resource of this plan has a backup configuration" }
      : {
          check: "backups within RPO",
          result: late.length > 0 ? "fail" : "ok",
          detail: late.length > 0 ? `${late.length} of ${covered.length} without a completed backup in the last ${plan.rpoMinutes} min: ${names(late)}` : `all ${covered.length} completed a backup in the last ${plan.rpoMinutes} min`,
        },
    {
      check: "critical resources covered",
      result: uncovered.length > 0 ? "warn" : "ok",
      detail:
        uncovered.length > 0
          ? `${uncovered.length} production or wedding-critical resources in the primary region have no backup configuration: ${names(uncovered)}`
          : "every production and wedding-critical resource of the primary region has a backup configuration",
    },
    {
      check: "latest backup runs",
      result: failedRuns.length > 0 ? "warn" : "ok",
      detail: failedRuns.length > 0 ? `the newest run failed for ${failedRuns.length}: ${names(failedRuns)}` : "no resource's newest run failed",
    },
  ];
  if (plan.crossRegion) {
    findings.push({
      check: "cross-region copies",
      result: noCopy.length > 0 ? "warn" : "ok",
      detail: noCopy.length > 0 ? `${noCopy.length} of ${covered.length} have no copy in ${plan.recoveryRegionCodes.join(", ")}: ${names(noCopy)}` : "every covered resource has a copy in a recovery region",
    });
  }
  return findings;
}

/** Days between tests for each `testing_schedule.frequency`; a later test is overdue. */
export const testIntervalDays: Readonly<Record<string, number>> = { weekly: 7, monthly: 31, quarterly: 92, semiannually: 183, annually: 366 };

/** Never tested, or last tested more than the frequency's interval ago (unknown frequencies: quarterly). */
export function testFinding(frequency: string, lastTestedAt: Date | null, now: Date): Finding {
  const interval = testIntervalDays[frequency] ?? 92;
  if (!lastTestedAt) return { check: "tested on schedule", result: "fail", detail: `never tested (schedule: ${frequency}); record one with \`cloudsync dr plan test\`` };
  const days = Math.floor((now.getTime() - lastTestedAt.getTime()) / 86_400_000);
  return { check: "tested on schedule", result: days > interval ? "warn" : "ok", detail: `last tested ${days} days ago (schedule: ${frequency}, every ${interval} days)${days > interval ? `: overdue by ${days - interval} days` : ""}` };
}
