import { type DbOrTx, type Database, type DrPlanType, cloudProviders, cloudRegions, disasterRecoveryPlans, drPlanTypes, queryRows } from "@cloudsync/db";
import { asc, eq, sql } from "drizzle-orm";
import type { Env } from "../env.ts";
import { CommandFailedError, UsageError } from "./errors.ts";
import { printResult, printRows, renderTable } from "./output.ts";
import { type OrgOptions, inOrganization, isUuid } from "./tenant.ts";
import { backupFindings, evaluateResource, type Finding, type PlanResourceFacts, type ResourceEvaluation, testFinding, testIntervalDays } from "../recovery/evaluate-plan.ts";

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

export type { Finding } from "../recovery/evaluate-plan.ts";

/**
 * The resources a plan covers, with what their backups say: the production and wedding-critical
 * resources of its primary region that hold data (compute, storage, databases: a security group
 * or an address has nothing to restore), and any resource a configuration names the plan for. Every
 * configuration of a resource counts (a cloud's and a hand-written one alike), disabled ones not.
 */
async function planResources(tx: DbOrTx, plan: Plan): Promise<PlanResourceFacts[]> {
  const rows = await queryRows<{
    id: string;
    resource_name: string;
    configurations: { status: "active" | "paused" | "failed"; regions: string[] }[] | null;
    last_ok: string | null;
    last_status: "completed" | "failed" | null;
    last_error: string | null;
  }>(
    tx,
    sql`select r.id, r.resource_name,
               (select jsonb_agg(jsonb_build_object('status', b.backup_status, 'regions',
                         (select coalesce(jsonb_agg(x), '[]'::jsonb) from (
                            select b.backup_destination ->> 'region' as x
                            union all select c ->> 'region' from jsonb_array_elements(coalesce(b.backup_destination -> 'copies', '[]'::jsonb)) c) y
                           where x is not null)))
                  from backup_configurations b where b.resource_id = r.id and b.backup_status <> 'disabled') as configurations,
               (select max(e.completed_at) from backup_executions e join backup_configurations b on b.id = e.backup_config_id
                 where b.resource_id = r.id and b.backup_status <> 'disabled' and e.execution_status = 'completed'
                   -- A snapshot its cloud no longer lists was deleted: no recovery point any more.
                   and not (e.performance_metrics ? 'deleted_at')) as last_ok,
               f.execution_status as last_status, f.error_message as last_error
          from cloud_resources r
          left join lateral (
            select e.execution_status, e.error_message from backup_executions e join backup_configurations b on b.id = e.backup_config_id
             where b.resource_id = r.id and b.backup_status <> 'disabled' and e.execution_status in ('completed', 'failed')
             order by e.started_at desc limit 1) f on true
         where r.terminated_at is null
           and ((r.region_id = ${plan.primaryRegionId} and (r.is_wedding_critical or r.environment = 'production')
                 and r.resource_type in ('compute', 'storage', 'database'))
                or exists (select 1 from backup_configurations b where b.resource_id = r.id and b.dr_plan_id = ${plan.id} and b.backup_status <> 'disabled'))
         order by r.resource_name`,
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.resource_name,
    configurations: r.configurations ?? [],
    lastCompletedAt: r.last_ok ? new Date(r.last_ok) : null,
    lastFinished: r.last_status ? { status: r.last_status, error: r.last_error } : null,
  }));
}

/**
 * What a plan promises against what the database shows: each covered resource's newest good
 * recovery point against the RPO, its coverage and latest run, copies in a recovery region when
 * the plan asks for them (docs/disaster-recovery.md), tests on schedule and passing, recovery
 * regions apart from the primary. Read-only.
 */
export async function evaluatePlan(tx: DbOrTx, plan: Plan, now = new Date()): Promise<{ findings: Finding[]; resources: ResourceEvaluation[] }> {
  const regions = (plan.disasterRecoveryRegions as { region_id?: string; region_code?: string }[]) ?? [];
  const objectives = {
    rpoMinutes: plan.recoveryObjectives.rpo_minutes,
    crossRegion: plan.backupStrategy?.cross_region ?? false,
    recoveryRegionCodes: regions.map((r) => r.region_code).filter((c): c is string => !!c),
  };
  const resources = (await planResources(tx, plan)).map((f) => evaluateResource(f, objectives, now));
  const findings = backupFindings(resources, objectives);
  findings.push(testFinding(plan.testingSchedule?.frequency ?? "quarterly", plan.lastTestedAt, now));
  const rate = Number(plan.testSuccessRate ?? 100);
  findings.push({ check: "test success rate", result: plan.lastTestedAt && rate < 90 ? "warn" : "ok", detail: plan.lastTestedAt ? `${rate} % of recorded tests passed` : "no tests recorded" });
  const apart = regions.filter((r) => r.region_id && r.region_id !== plan.primaryRegionId);
  findings.push({ check: "recovery regions", result: apart.length ? "ok" : "fail", detail: apart.length ? `${apart.length} region(s) apart from the primary` : "no recovery region apart from the primary" });
  return { findings, resources };
}

/** The worst finding's result. */
export function planVerdict(findings: readonly Finding[]): Finding["result"] {
  return findings.some((f) => f.result === "fail") ? "fail" : findings.some((f) => f.result === "warn") ? "warn" : "ok";
}

export async function drPlanEvaluate(env: Env, ref: string, opts: OrgOptions & { json: boolean }): Promise<number> {
  const { plan, findings, resources } = await inOrganization(env, opts, async (tx, org) => {
    const found = await findPlan(tx, ref, org.slug);
    return { plan: found, ...(await evaluatePlan(tx, found)) };
  });
  const verdict = planVerdict(findings);
  if (opts.json) console.log(JSON.stringify({ plan: { id: plan.id, name: plan.planName }, verdict, findings, resources }, null, 2));
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
    const latest = !found.lastTestedAt || at >= found.lastTestedAt;
    const [row] = await tx
      .update(disasterRecoveryPlans)
      .set({
        testingSchedule: {
          ...(schedule as object),
          frequency,
          test_type: String(schedule.test_type ?? "partial"),
          last_test: latest ? at.toISOString() : (schedule.last_test as string | null),
          next_test: latest ? new Date(at.getTime() + (testIntervalDays[frequency] ?? 92) * 86_400_000).toISOString() : (schedule.next_test as string | null),
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
