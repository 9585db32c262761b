import { type NormalizedCostLine, type ScopeRef, scopeKey } from "@cloudsync/cloud";
import { type Database, queryRows } from "@cloudsync/db";
import { sql } from "drizzle-orm";
import { type ScopeTransaction, openScopeTransaction } from "./scope-transaction.ts";

export interface CostWindow {
  /** First and last day, inclusive, `YYYY-MM-DD`. */
  start: string;
  end: string;
}

export interface CostWriteContext {
  organizationId: string;
  providerId: string;
  syncRunId: string;
}

/**
 * Replaces a provider's cost lines window by window, per account: the first page of an
 * account's scope opens a transaction that deletes the account's lines in the window, every
 * page inserts, and the scope's completion commits. A failed scope rolls back, leaving the
 * previous lines. Re-syncing a period therefore leaves the same totals, however often.
 */
export class CostWriter {
  readonly counts = { inserted: 0, replaced: 0 };
  readonly #open = new Map<string, ScopeTransaction>();

  constructor(
    private readonly db: Database,
    private readonly window: CostWindow,
    private readonly ctx: CostWriteContext,
  ) {}

  async writePage(scope: ScopeRef, lines: readonly NormalizedCostLine[]): Promise<void> {
    const scopeTx = await this.#scopeTx(scope);
    const rows = lines.map((l) => ({
      start: l.periodStart,
      end: l.periodEnd,
      amount: l.amount,
      currency: l.currency,
      category: l.category,
      resource_id: l.resourceId,
      billing: { ...l.billingDetails, account: l.account, service: l.service, sync_run_id: this.ctx.syncRunId },
      usage: l.usage,
      tags: l.tags,
    }));
    const [result] = await queryRows<{ n: number }>(
      scopeTx.tx,
      sql`with incoming as (
            select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(
              start date, "end" date, amount numeric, currency text, category text, resource_id text,
              billing jsonb, usage jsonb, tags jsonb)
          ), inserted as (
            insert into cloud_costs (organization_id, provider_id, resource_id, cost_period_start, cost_period_end,
                                     cost_amount, cost_currency, cost_category, billing_details, usage_metrics,
                                     cost_allocation_tags)
            select ${this.ctx.organizationId}::uuid, ${this.ctx.providerId}::uuid, r.id, i.start, i."end", i.amount,
                   i.currency, i.category, i.billing, i.usage, i.tags
              from incoming i
              left join cloud_resources r
                on r.organization_id = ${this.ctx.organizationId}::uuid and r.provider_id = ${this.ctx.providerId}::uuid
               and lower(r.resource_id) = lower(i.resource_id)
            returning 1
          )
          select count(*)::int as n from inserted`,
    );
    this.counts.inserted += result?.n ?? 0;
  }

  async completeScope(scope: ScopeRef): Promise<void> {
    // An account with no lines in the window still replaces what was stored for it.
    const scopeTx = await this.#scopeTx(scope);
    this.#open.delete(scopeKey(scope));
    await scopeTx.commit();
  }

  async failScope(scope: ScopeRef): Promise<void> {
    const scopeTx = this.#open.get(scopeKey(scope));
    this.#open.delete(scopeKey(scope));
    await scopeTx?.rollback();
  }

  /** Rolls back whatever is still open (the stream ended abnormally). */
  async abandon(): Promise<void> {
    for (const t of this.#open.values()) await t.rollback();
    this.#open.clear();
  }

  async #scopeTx(scope: ScopeRef): Promise<ScopeTransaction> {
    const key = scopeKey(scope);
    const existing = this.#open.get(key);
    if (existing) return existing;
    const scopeTx = await openScopeTransaction(this.db);
    this.#open.set(key, scopeTx);
    const [deleted] = await queryRows<{ n: number }>(
      scopeTx.tx,
      sql`with gone as (
            delete from cloud_costs
             where organization_id = ${this.ctx.organizationId}::uuid
               and provider_id = ${this.ctx.providerId}::uuid
               and billing_details ->> 'account' = ${scope.account}
               and cost_period_start between ${this.window.start}::date and ${this.window.end}::date
            returning 1)
          select count(*)::int as n from gone`,
    );
    this.counts.replaced += deleted?.n ?? 0;
    return scopeTx;
  }
}

/**
 * After a cost sync: each resource's `cost_tracking` from its lines, in one statement for the
 * provider (formulas: docs/health-and-costs.md). `today` is the sync's UTC day; the last
 * complete day is the one before it. `daily_cost` is that day's cost and `hourly_cost` a 24th of
 * it; `monthly_cost` is the run rate, `daily_cost` × days in today's month; `month_to_date_cost`
 * sums the 1st through today; `total_cost` everything stored since `first_billed_on`. All in the
 * currency of the resource's newest line, as billed: lines in another currency are left out of
 * the sums rather than added to them.
 */
export async function refreshCostTracking(
  db: Database,
  provider: { organizationId: string; providerId: string },
  today: string,
): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`with bounds as (
          select ${today}::date - 1 as cost_day,
                 date_trunc('month', ${today}::date)::date as month_start,
                 extract(day from date_trunc('month', ${today}::date) + interval '1 month - 1 day')::int as days_in_month
        ), per_currency as (
          -- One pass over the lines, no self-join: joining the costs back to each resource (the
          -- planner estimating one row for a fresh aggregate) looped over every line per
          -- resource, minutes at 30,000 resources.
          select c.resource_id, c.cost_currency as currency,
                 max(c.cost_period_start) as newest,
                 min(c.cost_period_start) as first_day,
                 sum(c.cost_amount) filter (where c.cost_period_start = b.cost_day) as last_day,
                 sum(c.cost_amount) filter (where c.cost_period_start between b.month_start and ${today}::date) as month_to_date,
                 sum(c.cost_amount) as total
            from cloud_costs c cross join bounds b
           where c.organization_id = ${provider.organizationId}::uuid and c.provider_id = ${provider.providerId}::uuid
             and c.resource_id is not null
           group by c.resource_id, c.cost_currency
        ), per_resource as (
          -- The currency of the newest line is the resource's; ties go to the first code.
          select distinct on (resource_id) * from per_currency order by resource_id, newest desc, currency
        ), updated as (
          update cloud_resources r
             set cost_tracking = jsonb_build_object(
                   'hourly_cost', round(coalesce(p.last_day, 0) / 24, 4),
                   'daily_cost', round(coalesce(p.last_day, 0), 4),
                   'monthly_cost', round(coalesce(p.last_day, 0) * b.days_in_month, 4),
                   'monthly_cost_basis', 'last_complete_day_x_days_in_month',
                   'month_to_date_cost', round(coalesce(p.month_to_date, 0), 4),
                   'total_cost', round(coalesce(p.total, 0), 4),
                   'cost_day', b.cost_day,
                   'first_billed_on', p.first_day,
                   'currency', p.currency,
                   'last_updated', now())
            from per_resource p cross join bounds b
           where r.organization_id = ${provider.organizationId}::uuid and r.id = p.resource_id
          returning 1)
        select count(*)::int as n from updated`,
  );
  return row?.n ?? 0;
}
