import { type Database, getInfrastructureHealthScore, queryRows, withOrganization } from "@cloudsync/db";
import { sql } from "drizzle-orm";
import { renderTable } from "./output.ts";

/**
 * The demo's closing word on health and money, as docs/health-and-costs.md defines them: the
 * health score with its unknown share and coverage (no signal is neither healthy nor critical),
 * and per provider the bill's run rate beside its month to date.
 */
export async function printHealthAndCosts(db: Database, organizationId: string, today: string, out: (line: string) => void): Promise<void> {
  const h = await withOrganization(db, organizationId, (tx) => getInfrastructureHealthScore(tx, { organizationId }), { role: null });
  const pct = (v: number | null) => (v === null ? "n/a" : `${v} %`);
  out(
    `Health (get_infrastructure_health_score): ${h.total_resources} running resources, ${h.judged_resources} with a health signal ` +
      `(coverage ${pct(h.coverage_percentage)}), ${h.unknown_resources} unknown\n` +
      `  of the judged: ${h.healthy_resources} healthy (${pct(h.health_percentage)}), ${h.warning_resources} warning, ${h.critical_resources} critical; ` +
      `overall ${h.overall_status}\n`,
  );
  // The whole bill, lines without a resource included (AWS bills per service): the same
  // formulas as each resource's cost_tracking.
  const bills = await queryRows<{ provider: string; currency: string; cost_day: string; daily: string; run_rate: string; month_to_date: string; attributed: string }>(
    db,
    sql`with bounds as (
          select ${today}::date - 1 as cost_day, date_trunc('month', ${today}::date)::date as month_start,
                 extract(day from date_trunc('month', ${today}::date) + interval '1 month - 1 day')::int as days_in_month)
        select p.provider_name as provider, c.cost_currency as currency, to_char(b.cost_day, 'YYYY-MM-DD') as cost_day,
               round(coalesce(sum(c.cost_amount) filter (where c.cost_period_start = b.cost_day), 0), 2)::text as daily,
               round(coalesce(sum(c.cost_amount) filter (where c.cost_period_start = b.cost_day), 0) * b.days_in_month, 2)::text as run_rate,
               round(coalesce(sum(c.cost_amount) filter (where c.cost_period_start between b.month_start and ${today}::date), 0), 2)::text as month_to_date,
               round(coalesce(sum(c.cost_amount) filter (where c.cost_period_start between b.month_start and ${today}::date
                                                           and c.resource_id is not null), 0), 2)::text as attributed
          from cloud_costs c join cloud_providers p on p.id = c.provider_id cross join bounds b
         where c.organization_id = ${organizationId}::uuid
         group by p.provider_name, c.cost_currency, b.cost_day, b.days_in_month
         order by 1, 2`,
  );
  out(
    `Costs: run rate (last complete day × days in the month) and month to date\n${renderTable(
      ["provider", "currency", "last complete day", "that day", "run rate / month", "month to date", "of which by resource"],
      bills.map((b) => [b.provider, b.currency, b.cost_day, b.daily, b.run_rate, b.month_to_date, b.attributed]),
    )}\n`,
  );
}
