import { type DbOrTx, type DrPlanFinding, type DrPlanType, cloudProviders, cloudRegions, disasterRecoveryPlans, drPlanTypes, evaluateDrPlan } from "@cloudsync/db";
import { asc, eq } from "drizzle-orm";
import type { Env } from "../env.ts";
import { CommandFailedError, UsageError } from "./errors.ts";
import { printResult, printRows, renderTable } from "./output.ts";
import { type OrgOptions, inOrganization, isUuid } from "./tenant.ts";

type Plan = typeof disasterRecoveryPlans.$inferSelect;


/** A region of this organization by id or code; a code two providers share is refused with their ids. */
async function findRegion(tx: DbOrTx, ref: string, option: string): Promise<{ id: string; code: string }> {
  const rows = await tx
    .select({ id: cloudRegions.id, code: cloudRegions.regionCode, cloud: cloudProviders.providerName })
    .from(cloudRegions)
    .innerJoin(cloudProviders, eq(cloudProviders.id, cloudRegions.providerId))
    .where(isUuid(ref) ? eq(cloudRegions.id, ref) : eq(cloudRegions.regionCode, ref));
  if (rows.length === 0) throw new CommandFailedError(`${option} ${JSON.stringify(ref)} is not a region of this organization's providers (regions appear after a sync). Nothing was written.`);
  if (rows.length > 1) throw new CommandFailedError(`${option} ${ref} is a region of ${rows.length} providers; pass its id: ${rows.map((r) => `${r.id} (${r.cloud})`).join(", ")}. Nothing was written.`);
  return rows[0]!;
}

async function findPlan(tx: DbOrTx, ref: string, slug: string): Promise<Plan> {
  const t = disasterRecoveryPlans;
  const rows = await tx.select().from(t).where(isUuid(ref) ? eq(t.id, ref) : eq(t.planName, ref));
  if (rows.length === 0) throw new CommandFailedError(`${slug} has no DR plan ${isUuid(ref) ? "with id" : "named"} ${JSON.stringify(ref)}; \`cloudsync dr plan list\` shows them`);
  if (rows.length > 1) throw new CommandFailedError(`${rows.length} DR plans are named ${JSON.stringify(ref)} (${rows.map((r) => r.id).join(", ")}); name one by its id`);
  return rows[0]!;
}

function minutes(option: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 525_600) throw new UsageError(`${option} must be whole minutes from 1 to 525600 (a year), got ${JSON.stringify(value)}`);
  return n;
}

export interface DrPlanAddOptions extends OrgOptions {
  name: string;
  type: string;
  primaryRegion: string;
  drRegions: string;
  failoverSteps: string;
  rtoMinutes?: string | undefined;
  rpoMinutes?: string | undefined;
  testFrequency: string;
  automatedFailover: boolean;
  weddingDayPriority: boolean;
  json: boolean;
}

export async function drPlanAdd(env: Env, opts: DrPlanAddOptions): Promise<number> {
  const name = opts.name.trim();
  if (name.length === 0 || name.length > 200) throw new UsageError(`--name must be 1 to 200 characters, got ${name.length}`);
  if (!drPlanTypes.includes(opts.type as DrPlanType)) throw new UsageError(`--type must be one of ${drPlanTypes.join(", ")}`);
  const rto = minutes("--rto-minutes", opts.rtoMinutes, 240);
  const rpo = minutes("--rpo-minutes", opts.rpoMinutes, 60);
  const drRegionRefs = opts.drRegions.split(",").map((s) => s.trim()).filter(Boolean);
  if (drRegionRefs.length === 0) throw new UsageError("--dr-regions names no region: give one or more region codes or ids, comma-separated");
  const steps = opts.failoverSteps.split(";").map((s) => s.trim()).filter(Boolean);
  if (steps.length === 0) throw new UsageError('--failover-steps names no step: give the steps separated by ";", e.g. "promote replica; switch DNS"');
  const plan = await inOrganization(env, opts, async (tx, org) => {
    const [same] = await tx.select({ id: disasterRecoveryPlans.id }).from(disasterRecoveryPlans).where(eq(disasterRecoveryPlans.planName, name));
    if (same) throw new CommandFailedError(`${org.slug} already has a DR plan named "${name}" (${same.id}); choose another --name. Nothing was written.`);
    const primary = await findRegion(tx, opts.primaryRegion, "--primary-region");
    const drRegions = [];
    for (const ref of drRegionRefs) {
      const region = await findRegion(tx, ref, "--dr-regions");
      if (region.id === primary.id) throw new UsageError(`--dr-regions includes the primary region ${region.code}: a plan recovers into another region`);
      drRegions.push({ region_id: region.id, region_code: region.code });
    }
    const [row] = await tx
      .insert(disasterRecoveryPlans)
      .values({
        organizationId: org.organizationId,
        planName: name,
        planType: opts.type as DrPlanType,
        primaryRegionId: primary.id,
        disasterRecoveryRegions: drRegions,
        recoveryObjectives: { rto_minutes: rto, rpo_minutes: rpo, availability_target: 99.99, data_retention_days: 30 },
        failoverProcedures: { steps },
        testingSchedule: { frequency: opts.testFrequency, last_test: null, next_test: null, test_type: "partial" },
        automatedFailover: opts.automatedFailover,
        weddingDayPriority: opts.weddingDayPriority,
        createdBy: org.ownerId,
      })
      .returning();
    return row!;
  });
  printResult(opts.json, plan, `created DR plan "${plan.planName}" (${plan.id}): ${plan.planType}, RTO ${rto} min, RPO ${rpo} min, tested ${opts.testFrequency}`);
  return 0;
}

export async function drPlanList(env: Env, opts: OrgOptions & { json: boolean }): Promise<number> {
  const t = disasterRecoveryPlans;
  const rows = await inOrganization(env, opts, (tx) =>
    tx.select({ plan: t, primaryRegion: cloudRegions.regionCode }).from(t).innerJoin(cloudRegions, eq(cloudRegions.id, t.primaryRegionId)).orderBy(asc(t.planName)),
  );
  const plans = rows.map((r) => ({ ...r.plan, primaryRegionCode: r.primaryRegion }));
  printRows(opts.json, plans, {
    headers: ["id", "name", "type", "status", "primary", "RTO min", "RPO min", "last tested", "success %"],
    cells: (p) => [p.id, p.planName, p.planType, p.planStatus ?? "", p.primaryRegionCode, p.recoveryObjectives.rto_minutes, p.recoveryObjectives.rpo_minutes, p.lastTestedAt?.toISOString() ?? "never", p.testSuccessRate ?? ""],
    empty: "no DR plans yet: `cloudsync dr plan add --help`",
  });
  return 0;
}

/** One row of `dr plan evaluate`: a check of the plan, its result and why. */
export type Finding = DrPlanFinding;

/**
 * `dr plan evaluate`: the database judges the plan (`evaluate_dr_plan`, rules in
 * docs/disaster-recovery.md) under the organization's row-level security; this prints it.
 */
export async function drPlanEvaluate(env: Env, ref: string, opts: OrgOptions & { json: boolean }): Promise<number> {
  const { plan, evaluation } = await inOrganization(env, opts, async (tx, org) => {
    const found = await findPlan(tx, ref, org.slug);
    return { plan: found, evaluation: await evaluateDrPlan(tx, found.id) };
  });
  const { verdict, findings, resources } = evaluation;
  if (opts.json) console.log(JSON.stringify({ plan: evaluation.plan, verdict, findings, test: evaluation.test, resources }, null, 2));
  else {
    const perResource = resources.length
      ? `\n${renderTable(["resource", "verdict", "achieved RPO min", "why"], resources.map((r) => [r.name, r.verdict, r.achievedRpoMinutes ?? "none", r.reasons.join("; ")]))}`
      : "";
    console.log(`DR plan "${plan.planName}" (${plan.id}): ${verdict}\n${renderTable(["check", "result", "detail"], findings.map((f) => [f.check, f.result, f.detail]))}${perResource}`);
  }
  return 0;
}

/**
 * `dr plan test`: records one DR test. The success rate is passed / recorded tests; the counts
 * live in `testing_schedule` (tests_run, tests_passed) next to last_test and next_test, since the
 * schema keeps no table of tests.
 */
export async function drPlanTest(env: Env, ref: string, opts: OrgOptions & { json: boolean; result: "passed" | "failed"; at?: string | undefined; notes?: string | undefined }): Promise<number> {
  const at = opts.at === undefined ? new Date() : new Date(opts.at);
  if (Number.isNaN(at.getTime()) || (opts.at !== undefined && !/^\d{4}-\d{2}-\d{2}/.test(opts.at))) throw new UsageError(`--at must be an ISO date or time, e.g. 2026-03-01T10:00:00Z, got ${JSON.stringify(opts.at)}`);
  if (at.getTime() > Date.now() + 60_000) throw new UsageError("--at is in the future: record a test once it has run");
  const plan = await inOrganization(env, opts, async (tx, org) => {
    const found = await findPlan(tx, ref, org.slug);
    const schedule = (found.testingSchedule ?? {}) as Record<string, unknown>;
    const run = Number(schedule.tests_run ?? 0) + 1;
    const passed = Number(schedule.tests_passed ?? 0) + (opts.result === "passed" ? 1 : 0);
    const frequency = String(schedule.frequency ?? "quarterly");
    // The interval between tests is the evaluation's (one table of intervals, in evaluate_dr_plan).
    const { intervalDays } = (await evaluateDrPlan(tx, found.id)).test;
    const latest = !found.lastTestedAt || at >= found.lastTestedAt;
    const [row] = await tx
      .update(disasterRecoveryPlans)
      .set({
        testingSchedule: {
          ...(schedule as object),
          frequency,
          test_type: String(schedule.test_type ?? "partial"),
          last_test: latest ? at.toISOString() : (schedule.last_test as string | null),
          next_test: latest ? new Date(at.getTime() + intervalDays * 86_400_000).toISOString() : (schedule.next_test as string | null),
          tests_run: run,
          tests_passed: passed,
          ...(latest ? { last_result: opts.result, last_notes: opts.notes ?? null } : {}),
        } as Plan["testingSchedule"],
        ...(latest ? { lastTestedAt: at } : {}),
        testSuccessRate: ((passed / run) * 100).toFixed(2),
        updatedAt: new Date(),
      })
      .where(eq(disasterRecoveryPlans.id, found.id))
      .returning();
    return row!;
  });
  printResult(opts.json, plan, `recorded a ${opts.result} test of DR plan "${plan.planName}" at ${at.toISOString()}; success rate ${plan.testSuccessRate} %`);
  return 0;
}
