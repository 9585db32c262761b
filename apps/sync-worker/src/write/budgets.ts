import { type Database, queryRows } from "@cloudsync/db";
import { sql } from "drizzle-orm";

/** The current period of a budget containing `today`: [start, end] inclusive, as dates. */
export function budgetPeriod(period: string, today: string): { start: string; end: string } {
  const d = new Date(`${today}T00:00:00Z`);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const iso = (x: Date) => x.toISOString().slice(0, 10);
  switch (period) {
    case "daily":
      return { start: today, end: today };
    case "weekly": {
      const monday = new Date(d);
      monday.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
      const sunday = new Date(monday);
      sunday.setUTCDate(monday.getUTCDate() + 6);
      return { start: iso(monday), end: iso(sunday) };
    }
    case "quarterly": {
      const q = Math.floor(m / 3) * 3;
      return { start: iso(new Date(Date.UTC(y, q, 1))), end: iso(new Date(Date.UTC(y, q + 3, 0))) };
    }
    case "annually":
      return { start: `${y}-01-01`, end: `${y}-12-31` };
    default:
      return { start: iso(new Date(Date.UTC(y, m, 1))), end: iso(new Date(Date.UTC(y, m + 1, 0))) };
  }
}

interface BudgetRow {
  id: string;
  budget_name: string;
  budget_scope: string;
  scope_filters: Record<string, unknown>;
  budget_amount: string;
  budget_currency: string | null;
  budget_period: string;
  alert_thresholds: number[];
  notification_channels: string[];
}

/**
 * Recomputes `current_spend` and `forecasted_spend` of an organization's active budgets for
 * their current period, and raises a `cost_threshold` alert the first time each threshold is
 * crossed in a period (the alert's conditions name budget, period and threshold, so a second
 * sync finds it and raises nothing). Threshold alerts of a period that has ended, or of a
 * budget no longer active, are resolved automatically: spend starts again from zero. Returns
 * the alerts raised.
 */
export async function refreshBudgets(db: Database, organizationId: string, today: string): Promise<number> {
  const budgets = await queryRows<BudgetRow>(
    db,
    sql`select id, budget_name, budget_scope, scope_filters, budget_amount::text, budget_currency, budget_period,
               alert_thresholds, notification_channels
          from cost_budgets where organization_id = ${organizationId}::uuid and is_active`,
  );
  let raised = 0;
  const periods: { budget_id: string; period_start: string }[] = [];
  for (const b of budgets) {
    const { start, end } = budgetPeriod(b.budget_period, today);
    periods.push({ budget_id: b.id, period_start: start });
    const filter = scopeFilter(b);
    const [spend] = await queryRows<{ spend: string; days_with_data: number }>(
      db,
      sql`select coalesce(sum(c.cost_amount), 0)::numeric(14,2)::text as spend
            from cloud_costs c
            left join cloud_resources r on r.id = c.resource_id
            left join cloud_providers p on p.id = c.provider_id
           where c.organization_id = ${organizationId}::uuid
             and c.cost_period_start between ${start}::date and ${end}::date
             and coalesce(c.cost_currency, 'USD') = coalesce(${b.budget_currency}, 'USD')
             and ${filter}`,
    );
    const current = spend?.spend ?? "0";
    const elapsed = Math.max(1, daysBetween(start, minDate(today, end)) + 1);
    const total = daysBetween(start, end) + 1;
    const forecast = ((Number(current) / elapsed) * total).toFixed(2);
    await db.execute(
      sql`update cost_budgets set current_spend = ${current}::numeric, forecasted_spend = ${forecast}::numeric where id = ${b.id}::uuid`,
    );
    for (const threshold of [...(b.alert_thresholds ?? [])].sort((x, y) => x - y)) {
      if (Number(current) < (Number(b.budget_amount) * threshold) / 100) continue;
      const [inserted] = await queryRows<{ n: number }>(
        db,
        sql`with conditions as (
              select jsonb_build_object('budget_id', ${b.id}::text, 'period_start', ${start}::text, 'threshold_percent', ${threshold}::int) as c
            ), raised as (
              insert into infrastructure_alerts (organization_id, alert_name, alert_type, severity_level, alert_conditions,
                                                 current_values, notification_channels, recipient_list)
              select ${organizationId}::uuid,
                     ${`Budget "${b.budget_name}" reached ${threshold}%`},
                     'cost_threshold',
                     ${threshold >= 100 ? "critical" : "warning"},
                     conditions.c,
                     jsonb_build_object('current_spend', ${current}::text, 'budget_amount', ${b.budget_amount}::text, 'forecasted_spend', ${forecast}::text),
                     ${JSON.stringify(b.notification_channels ?? ["email"])}::jsonb,
                     '[]'::jsonb
                from conditions
               where not exists (
                       select 1 from infrastructure_alerts a
                        where a.organization_id = ${organizationId}::uuid and a.alert_type = 'cost_threshold'
                          and a.alert_conditions @> conditions.c)
              returning 1)
            select count(*)::int as n from raised`,
      );
      raised += inserted?.n ?? 0;
    }
  }
  await db.execute(
    sql`update infrastructure_alerts a
           set alert_status = 'resolved', resolved_at = now(),
               resolution_notes = 'Resolved automatically at ' || to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
                                  || ': the budget period starting ' || (a.alert_conditions ->> 'period_start')
                                  || ' has ended, or the budget is no longer active.'
         where a.organization_id = ${organizationId}::uuid and a.alert_type = 'cost_threshold' and a.resource_id is null
           and a.alert_status in ('active', 'acknowledged') and a.alert_conditions ? 'budget_id'
           and not exists (select 1 from jsonb_to_recordset(${JSON.stringify(periods)}::jsonb) as c(budget_id text, period_start text)
                            where c.budget_id = a.alert_conditions ->> 'budget_id' and c.period_start = a.alert_conditions ->> 'period_start')`,
  );
  return raised;
}

/** The budget's scope as a condition on the cost lines (`c`), their resources (`r`) and providers (`p`). */
function scopeFilter(b: BudgetRow) {
  const f = b.scope_filters ?? {};
  switch (b.budget_scope) {
    case "provider":
      if (typeof f.provider_id === "string") return sql`c.provider_id = ${f.provider_id}::uuid`;
      if (typeof f.provider_name === "string") return sql`p.provider_name = ${f.provider_name}`;
      return sql`true`;
    case "environment":
      return typeof f.environment === "string" ? sql`r.environment = ${f.environment}` : sql`true`;
    case "resource_type":
      return typeof f.resource_type === "string" ? sql`r.resource_type = ${f.resource_type}` : sql`true`;
    case "project":
      return typeof f.project === "string" ? sql`c.cost_allocation_tags ->> 'project' = ${f.project}` : sql`true`;
    default:
      return sql`true`;
  }
}

function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

function minDate(a: string, b: string): string {
  return a < b ? a : b;
}
