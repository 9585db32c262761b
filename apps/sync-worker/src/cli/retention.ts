import { type DbOrTx, type Database, dropMonitoringPartitions, queryRows, refreshMonthlyCostSummary } from "@cloudsync/db";
import { type SQL, sql } from "drizzle-orm";
import type { Env } from "../env.ts";
import { openDatabase } from "./context.ts";
import { CommandFailedError } from "./errors.ts";
import { renderTable } from "./output.ts";

/** How long each kind of data is kept; the defaults are the policy table of docs/retention.md. */
export interface RetentionSettings {
  changesDays: number;
  runsDays: number;
  alertsDays: number;
  costMonths: number;
  monitoringMonths: number;
}

export const defaultRetention: RetentionSettings = { changesDays: 180, runsDays: 90, alertsDays: 365, costMonths: 25, monitoringMonths: 13 };

interface RowPolicy {
  data: string;
  table: string;
  kept: string;
  /** The rows past retention; the same predicate counts them (dry run) and deletes them. */
  expired: SQL;
}

/**
 * The row policies, in the order they run: resource changes before sync runs, because a change
 * points at the run that saw it and a run is kept as long as one of its changes is.
 */
function rowPolicies(s: RetentionSettings): RowPolicy[] {
  const changesCutoff = sql`now() - make_interval(days => ${s.changesDays}::int)`;
  return [
    { data: "resource changes", table: "resource_changes", kept: `${s.changesDays} days`, expired: sql`changed_at < ${changesCutoff}` },
    {
      data: "sync runs (finished)",
      table: "sync_runs",
      kept: `${s.runsDays} days, or while a kept change points at it`,
      expired: sql`status <> 'running' and started_at < now() - make_interval(days => ${s.runsDays}::int)
                   and not exists (select 1 from resource_changes c where c.sync_run_id = sync_runs.id and c.changed_at >= ${changesCutoff})`,
    },
    {
      data: "alerts (resolved or expired)",
      table: "infrastructure_alerts",
      kept: `${s.alertsDays} days after resolution`,
      expired: sql`alert_status in ('resolved', 'expired') and coalesce(resolved_at, triggered_at) < now() - make_interval(days => ${s.alertsDays}::int)`,
    },
    {
      data: "cost lines",
      table: "cloud_costs",
      kept: `${s.costMonths} months`,
      expired: sql`cost_period_end < (date_trunc('month', now()) - make_interval(months => ${s.costMonths}::int))::date`,
    },
  ];
}

/** Rows deleted per statement: short transactions, so syncs writing the same tables never wait long. */
const BATCH = 5000;

/**
 * Runs as the tables' owner only: it deletes across every organization, which `cloudsync_app`
 * (one organization per transaction) cannot, and `cloudsync_worker` has no DELETE on these tables
 * (only on cloud_costs, which its cost sync replaces). Checked before anything is read.
 */
async function assertMayApply(db: DbOrTx, tables: string[]): Promise<void> {
  const rows = await queryRows<{ role: string; table: string; may_delete: boolean; rls: boolean; may_drop: boolean }>(
    db,
    sql`select current_user::text as role, t as table, has_table_privilege(t, 'DELETE') as may_delete, row_security_active(t) as rls,
               has_function_privilege('drop_monitoring_partitions(interval, boolean)', 'EXECUTE') as may_drop
          from unnest(${`{${tables.join(",")}}`}::text[]) as t`,
  );
  const refused = rows.filter((r) => !r.may_delete || r.rls || !r.may_drop);
  if (refused.length > 0) {
    throw new CommandFailedError(
      `retention deletes across every organization and runs as the tables' owner (the login that runs \`cloudsync migrate\`); role ${refused[0]!.role} ` +
        `${refused.some((r) => r.rls) ? "is filtered by row-level security" : "may not delete from or retire partitions of"} ${refused.map((r) => r.table).join(", ")}. ` +
        "Run it without CLOUDSYNC_DB_ROLE, with DATABASE_URL naming the owner. Nothing was deleted.",
    );
  }
}

export interface RetentionOutcome {
  dryRun: boolean;
  policies: { data: string; table: string; kept: string; removed: number }[];
  monitoringPartitions: string[];
}

export async function applyRetention(db: DbOrTx, settings: RetentionSettings, dryRun: boolean): Promise<RetentionOutcome> {
  const policies = rowPolicies(settings);
  await assertMayApply(db, policies.map((p) => p.table));
  const outcome: RetentionOutcome = { dryRun, policies: [], monitoringPartitions: [] };
  for (const p of policies) {
    const table = sql.identifier(p.table);
    let removed = 0;
    if (dryRun) {
      const [row] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from ${table} where ${p.expired}`);
      removed = row?.n ?? 0;
    } else {
      for (;;) {
        const [row] = await queryRows<{ n: number }>(
          db,
          sql`with gone as (delete from ${table} where id in (select id from ${table} where ${p.expired} limit ${BATCH}) returning 1)
              select count(*)::int as n from gone`,
        );
        removed += row?.n ?? 0;
        if ((row?.n ?? 0) < BATCH) break;
      }
    }
    outcome.policies.push({ data: p.data, table: p.table, kept: p.kept, removed });
  }
  // Monthly samples go a whole partition at a time (a DROP, not millions of deletes). The dry
  // run applies drop_monitoring_partitions()'s own rule: a month goes once all of it is older
  // than the retention.
  outcome.monitoringPartitions = dryRun
    ? (
        await queryRows<{ name: string }>(
          db,
          sql`select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
               where i.inhparent = 'public.infrastructure_monitoring'::regclass and c.relname ~ '^infrastructure_monitoring_p[0-9]{6}$'
                 and ((to_date(substring(c.relname from 'infrastructure_monitoring_p([0-9]{6})$'), 'YYYYMM') + interval '1 month')::timestamp at time zone 'UTC')
                     <= now() - make_interval(months => ${settings.monitoringMonths}::int)
               order by 1`,
        )
      ).map((r) => r.name)
    : await dropMonitoringPartitions(db, { retentionMonths: settings.monitoringMonths });
  // The monthly summary is built from the cost lines: without a refresh it would still show
  // the months just removed until the next maintenance run.
  if (!dryRun && outcome.policies.some((p) => p.table === "cloud_costs" && p.removed > 0)) await refreshMonthlyCostSummary(db);
  return outcome;
}

/** `retention apply [--dry-run]`. */
export async function retentionApply(env: Env, opts: RetentionSettings & { dryRun: boolean; json: boolean }): Promise<number> {
  const handle = await openDatabase(env);
  try {
    const outcome = await applyRetention(handle.db, opts, opts.dryRun);
    if (opts.json) {
      console.log(JSON.stringify(outcome, null, 2));
      return 0;
    }
    const verb = opts.dryRun ? "would remove" : "removed";
    console.log(
      renderTable(
        ["data", "table", "kept", verb],
        [
          ...outcome.policies.map((p) => [p.data, p.table, p.kept, p.removed]),
          ["metric samples", "infrastructure_monitoring", `${opts.monitoringMonths} months`, `${outcome.monitoringPartitions.length} partition(s)${outcome.monitoringPartitions.length ? `: ${outcome.monitoringPartitions.join(", ")}` : ""}`],
        ],
      ),
    );
    console.log(opts.dryRun ? "dry run: nothing was deleted" : "retention applied");
    return 0;
  } finally {
    await handle.close();
  }
}
