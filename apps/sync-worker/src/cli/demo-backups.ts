import { type Database, disasterRecoveryPlans, evaluateDrPlan, queryRows, withOrganization } from "@cloudsync/db";
import { sql } from "drizzle-orm";
import { renderTable } from "./output.ts";

export interface BackupDemoContext {
  db: Database;
  organizationId: string;
  ownerId: string;
  out: (line: string) => void;
}

/**
 * The demo's backup section: what the resource syncs read from the clouds' backup services (per
 * cloud: configurations, protected resources, the newest run, failures), then one DR plan written
 * the way a user would (`dr plan add`: the AWS region with the most protected databases, a
 * 26-hour RPO for daily backups) and evaluated on those rows by `evaluate_dr_plan`, as `dr plan evaluate` does.
 */
export async function showBackupsAndDrPlan(ctx: BackupDemoContext): Promise<void> {
  const { db, organizationId, out } = ctx;
  const perCloud = await queryRows<{ provider: string; configurations: number; resources: number; runs: number; failed: number; last_run: string | null; last_status: string | null }>(
    db,
    sql`select p.provider_name as provider, count(distinct b.id)::int as configurations, count(distinct b.resource_id)::int as resources,
               count(e.id)::int as runs, count(e.id) filter (where e.execution_status = 'failed')::int as failed,
               to_char(max(e.started_at) at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as last_run,
               (array_agg(e.execution_status order by e.started_at desc) filter (where e.id is not null))[1] as last_status
          from cloud_providers p
          left join cloud_resources r on r.provider_id = p.id
          left join backup_configurations b on b.resource_id = r.id and b.source_id is not null
          left join backup_executions e on e.backup_config_id = b.id
         where p.organization_id = ${organizationId}::uuid
         group by 1 order by 1`,
  );
  out(
    `Backups read from the clouds (backup_configurations, backup_executions)\n${renderTable(
      ["provider", "configurations", "resources", "runs", "failed", "last run (UTC)", "its status"],
      perCloud.map((r) => [r.provider, r.configurations, r.resources, r.runs, r.failed, r.last_run ?? "none", r.last_status ?? (r.configurations ? "none" : "no backup reader yet")]),
    )}\n`,
  );

  // The region whose databases most backup configurations protect, and another of the same provider to recover into.
  const [region] = await queryRows<{ region_id: string; region_code: string; other_id: string | null; other_code: string | null }>(
    db,
    sql`select g.id as region_id, g.region_code, o.id as other_id, o.region_code as other_code
          from backup_configurations b join cloud_resources r on r.id = b.resource_id join cloud_regions g on g.id = r.region_id
          left join lateral (select o.id, o.region_code from cloud_regions o where o.provider_id = g.provider_id and o.id <> g.id
                              order by o.region_code limit 1) o on true
         where b.organization_id = ${organizationId}::uuid and r.resource_type = 'database'
         group by g.id, g.region_code, o.id, o.region_code order by count(*) desc, g.region_code limit 1`,
  );
  if (!region?.other_id) {
    out("No region with backed-up databases and a second region to recover into: no DR plan to evaluate.\n");
    return;
  }
  const evaluation = await withOrganization(
    db,
    organizationId,
    async (tx) => {
      const [plan] = await tx
        .insert(disasterRecoveryPlans)
        .values({
          organizationId,
          planName: `Demo databases ${region.region_code}`,
          planType: "backup_restore",
          primaryRegionId: region.region_id,
          disasterRecoveryRegions: [{ region_id: region.other_id, region_code: region.other_code }],
          recoveryObjectives: { rto_minutes: 240, rpo_minutes: 26 * 60, availability_target: 99.9, data_retention_days: 35 },
          backupStrategy: { frequency: "daily", retention_days: 35, cross_region: false, encryption: true, compression: true },
          failoverProcedures: { steps: ["restore the newest recovery point into the recovery region", "repoint the application"] },
          testingSchedule: { frequency: "quarterly", last_test: null, next_test: null, test_type: "partial" },
          createdBy: ctx.ownerId,
        })
        .returning();
      // The user puts the region's database backups under the plan (a sync never changes dr_plan_id).
      await tx.execute(sql`update backup_configurations b set dr_plan_id = ${plan!.id}
                             from cloud_resources r where r.id = b.resource_id and r.region_id = ${region.region_id}
                              and r.resource_type = 'database' and b.organization_id = ${organizationId}::uuid`);
      return evaluateDrPlan(tx, plan!.id);
    },
    { role: null },
  );
  const counts = { met: 0, at_risk: 0, missed: 0 };
  for (const r of evaluation.resources) counts[r.verdict]++;
  out(
    `DR plan "${evaluation.plan.name}" (RPO 26 h, recovery into ${region.other_code}) evaluated on those backups: ${evaluation.verdict}; ` +
      `${counts.met} met, ${counts.at_risk} at risk, ${counts.missed} missed\n${renderTable(["check", "result", "detail"], evaluation.findings.map((f) => [f.check, f.result, f.detail]))}`,
  );
  // The resources that are not fine first: they are why the plan is missed.
  const order = { missed: 0, at_risk: 1, met: 2 };
  const shown = [...evaluation.resources].sort((a, b) => order[a.verdict] - order[b.verdict]).slice(0, 8);
  out(`${renderTable(["resource", "verdict", "achieved RPO min", "why"], shown.map((r) => [r.name, r.verdict, r.achievedRpoMinutes ?? "none", r.reasons.join("; ") || "newest good backup within the RPO"]))}\n`);
}
