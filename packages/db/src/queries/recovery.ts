import { sql } from "drizzle-orm";
import type { DbOrTx } from "../client.ts";
import { CloudsyncDbError } from "../errors.ts";
import { requireUuid } from "../validate.ts";
import { queryRows } from "./rows.ts";

/** The plan is not one of the transaction's organization (or does not exist: the two are not told apart). */
export class DrPlanNotFoundError extends CloudsyncDbError {
  constructor(
    readonly planId: string,
    options?: { cause?: unknown },
  ) {
    super(`no DR plan ${planId} in this organization; \`cloudsync dr plan list\` shows its plans (call inside withOrganization() for the organization that owns it)`, options);
  }
}

export const drResourceVerdicts = ["met", "at_risk", "missed"] as const;
export type DrResourceVerdict = (typeof drResourceVerdicts)[number];
export type DrFindingResult = "ok" | "warn" | "fail";

/** One plan-level check: what `cloudsync dr plan evaluate` prints as a row. */
export interface DrPlanFinding {
  check: string;
  result: DrFindingResult;
  detail: string;
}

/** One resource the plan covers (rules: docs/disaster-recovery.md). */
export interface DrResourceEvaluation {
  id: string;
  name: string;
  verdict: DrResourceVerdict;
  /** It has a backup configuration that is not disabled. */
  covered: boolean;
  /** End of its newest completed backup run; null without one. */
  lastSuccessfulBackupAt: Date | null;
  /** Whole minutes since `lastSuccessfulBackupAt` (the data a restore would lose now); null without one. */
  achievedRpoMinutes: number | null;
  /** `achievedRpoMinutes` ≤ the plan's RPO. */
  withinRpo: boolean;
  /** Its newest finished (completed or failed) run failed. */
  latestRunFailed: boolean;
  /** A configuration's destination or copy is in one of the plan's recovery regions. */
  copyInRecoveryRegion: boolean;
  /** Why the verdict is not `met`, one sentence each; empty when met. */
  reasons: string[];
}

export interface DrPlanEvaluation {
  plan: { id: string; name: string; rpoMinutes: number; crossRegion: boolean; recoveryRegionCodes: string[] };
  asOf: Date;
  /** The worst finding's result. */
  verdict: DrFindingResult;
  findings: DrPlanFinding[];
  test: { frequency: string; intervalDays: number; lastTestedAt: Date | null; daysSince: number | null; overdue: boolean; nextDueAt: Date | null };
  /** By resource name. */
  resources: DrResourceEvaluation[];
}

interface Raw {
  plan: { id: string; name: string; rpo_minutes: number; cross_region: boolean; recovery_region_codes: string[] };
  as_of: string;
  verdict: DrFindingResult;
  findings: DrPlanFinding[];
  test: { frequency: string; interval_days: number; last_tested_at: string | null; days_since: number | null; overdue: boolean; next_due_at: string | null };
  resources: {
    id: string;
    name: string;
    verdict: DrResourceVerdict;
    covered: boolean;
    last_successful_backup_at: string | null;
    achieved_rpo_minutes: number | null;
    within_rpo: boolean;
    latest_run_failed: boolean;
    copy_in_recovery_region: boolean;
    reasons: string[];
  }[];
}

const date = (v: string | null) => (v === null ? null : new Date(v));

function sqlStateOf(error: unknown): string | undefined {
  for (let e: unknown = error; e && typeof e === "object"; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/**
 * `evaluate_dr_plan(plan, as_of)`: a DR plan against what the backup tables say, as of `asOf`
 * (default the database's `now()`). Runs with the caller's rights: call it inside
 * `withOrganization()` for the plan's organization. Throws `DrPlanNotFoundError` for a plan the
 * organization does not have, another organization's included.
 */
export async function evaluateDrPlan(db: DbOrTx, planId: string, options: { asOf?: Date | undefined } = {}): Promise<DrPlanEvaluation> {
  const id = requireUuid("planId", planId);
  const asOf = options.asOf ? sql`${options.asOf.toISOString()}::timestamptz` : sql`now()`;
  let rows: { evaluation: Raw | string }[];
  try {
    rows = await queryRows<{ evaluation: Raw | string }>(db, sql`select evaluate_dr_plan(${id}::uuid, ${asOf}) as evaluation`);
  } catch (error) {
    if (sqlStateOf(error) === "P0002") throw new DrPlanNotFoundError(id, { cause: error });
    throw error;
  }
  const raw = typeof rows[0]?.evaluation === "string" ? (JSON.parse(rows[0].evaluation) as Raw) : rows[0]?.evaluation;
  if (!raw) throw new Error("evaluate_dr_plan returned no row");
  return {
    plan: { id: raw.plan.id, name: raw.plan.name, rpoMinutes: raw.plan.rpo_minutes, crossRegion: raw.plan.cross_region, recoveryRegionCodes: raw.plan.recovery_region_codes },
    asOf: new Date(raw.as_of),
    verdict: raw.verdict,
    findings: raw.findings,
    test: {
      frequency: raw.test.frequency,
      intervalDays: raw.test.interval_days,
      lastTestedAt: date(raw.test.last_tested_at),
      daysSince: raw.test.days_since,
      overdue: raw.test.overdue,
      nextDueAt: date(raw.test.next_due_at),
    },
    resources: raw.resources.map((r) => ({
      id: r.id,
      name: r.name,
      verdict: r.verdict,
      covered: r.covered,
      lastSuccessfulBackupAt: date(r.last_successful_backup_at),
      achievedRpoMinutes: r.achieved_rpo_minutes,
      withinRpo: r.within_rpo,
      latestRunFailed: r.latest_run_failed,
      copyInRecoveryRegion: r.copy_in_recovery_region,
      reasons: r.reasons,
    })),
  };
}
