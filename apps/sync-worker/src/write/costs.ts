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
 * After a cost sync: each resource's `cost_tracking` from its lines (month to date, the last
 * day, all time), in one statement for the provider.
 */
export async function refreshCostTracking(
  db: Database,
  provider: { organizationId: string; providerId: string },
  today: string,
): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`with per_day as (
          select resource_id, cost_period_start as day, sum(cost_amount) as amount, min(cost_currency) as currency
            from cloud_costs
           where organization_id = ${provider.organizationId}::uuid and provider_id = ${provider.providerId}::uuid
             and resource_id is not null
           group by resource_id, cost_period_start
        ), per_resource as (
          -- One pass, no self-join: joining the costs back to each resource's last day made the
          -- planner (estimating one row for a fresh aggregate) loop over every line per resource,
          -- minutes at 30,000 resources.
          select resource_id,
                 sum(amount) filter (where day >= date_trunc('month', ${today}::date)::date) as month_to_date,
                 sum(amount) as total,
                 (array_agg(amount order by day desc))[1] as daily,
                 min(currency) as currency
            from per_day
           group by resource_id
        ), updated as (
          update cloud_resources r
             set cost_tracking = jsonb_build_object(
                   'hourly_cost', round(coalesce(p.daily, 0) / 24, 4),
                   'daily_cost', round(coalesce(p.daily, 0), 4),
                   'monthly_cost', round(coalesce(p.month_to_date, 0), 4),
                   'total_cost', round(coalesce(p.total, 0), 4),
                   'currency', coalesce(p.currency, 'USD'),
                   'last_updated', now())
            from per_resource p
           where r.organization_id = ${provider.organizationId}::uuid and r.id = p.resource_id
          returning 1)
        select count(*)::int as n from updated`,
  );
  return row?.n ?? 0;
}
