import { sql } from "drizzle-orm";
import type { DbOrTx } from "../client.ts";
import type { CostCategory } from "../schema/costs.ts";
import { InvalidInputError } from "../errors.ts";
import { requireDate, requireIntegerInRange, requireUuid } from "../validate.ts";
import { queryRows } from "./rows.ts";

export interface CostOptimizationRow {
  optimization_type: "unused_resources" | "rightsizing";
  /** Exact decimal as a string, e.g. "1234.50". */
  potential_monthly_savings: string;
  affected_resources: number;
  recommendation_details: {
    resources: string[];
    description: string;
    /**
     * When the answer was true (ISO 8601): the refresh of the organization's
     * `resource_utilization` snapshot it was read from, or the call itself when computed live.
     */
    as_of: string;
  };
}

/**
 * Unused and under-used resources with their potential savings. Call inside `withOrganization`.
 * Answered from the organization's `resource_utilization` snapshot when `lookbackDays` is its
 * window (as of its last refresh), otherwise from the samples.
 */
export async function analyzeCostOptimization(
  db: DbOrTx,
  params: { organizationId: string; lookbackDays?: number },
): Promise<CostOptimizationRow[]> {
  const orgId = requireUuid("organizationId", params.organizationId);
  const days = requireIntegerInRange("lookbackDays", params.lookbackDays ?? 30, 1, 3650);
  const rows = await queryRows<CostOptimizationRow>(
    db,
    sql`select * from analyze_cost_optimization(${orgId}::uuid, ${days}::integer)`,
  );
  return rows.map((r) => ({
    ...r,
    potential_monthly_savings: String(r.potential_monthly_savings),
    affected_resources: Number(r.affected_resources),
    recommendation_details:
      typeof r.recommendation_details === "string" ? JSON.parse(r.recommendation_details) : r.recommendation_details,
  }));
}

/**
 * Recomputes the organization's `resource_utilization` snapshot over the last `windowDays` days
 * (default 30) and returns the rows written (one per resource of the organization). Call inside
 * `withOrganization` for that organization; the worker role may refresh any organization.
 */
export async function refreshResourceUtilization(
  db: DbOrTx,
  params: { organizationId: string; windowDays?: number },
): Promise<number> {
  const orgId = requireUuid("organizationId", params.organizationId);
  const days = requireIntegerInRange("windowDays", params.windowDays ?? 30, 1, 3650);
  const [row] = await queryRows<{ written: number }>(
    db,
    sql`select refresh_resource_utilization(${orgId}::uuid, ${days}::integer) as written`,
  );
  return Number(row?.written ?? 0);
}

export interface MonthlyCostSummaryRow {
  organizationId: string;
  providerId: string | null;
  /** First day of the month, YYYY-MM-DD. */
  month: string;
  costCategory: CostCategory;
  costCurrency: string | null;
  /** Exact decimal as a string. */
  totalCost: string;
  avgCost: string;
  costEntries: number;
}

/**
 * One organization's rows of the `monthly_cost_summary` materialized view, between two months
 * (inclusive). Call inside `withOrganization` for that organization.
 */
export async function getMonthlyCostSummary(
  db: DbOrTx,
  params: { organizationId: string; fromMonth?: string | Date; toMonth?: string | Date },
): Promise<MonthlyCostSummaryRow[]> {
  const orgId = requireUuid("organizationId", params.organizationId);
  const from = params.fromMonth === undefined ? null : requireDate("fromMonth", params.fromMonth);
  const to = params.toMonth === undefined ? null : requireDate("toMonth", params.toMonth);
  if (from && to && to < from) throw new InvalidInputError("toMonth", `${to} is before fromMonth ${from}`);
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`select * from get_monthly_cost_summary(${orgId}::uuid, ${from}::date, ${to}::date)`,
  );
  return rows.map((r) => ({
    organizationId: String(r.organization_id),
    providerId: r.provider_id === null ? null : String(r.provider_id),
    month: toDateString(r.month),
    costCategory: r.cost_category as CostCategory,
    costCurrency: r.cost_currency === null ? null : String(r.cost_currency),
    totalCost: String(r.total_cost),
    avgCost: String(r.avg_cost),
    costEntries: Number(r.cost_entries),
  }));
}

/** Recomputes the summary without blocking its readers (REFRESH … CONCURRENTLY). */
export async function refreshMonthlyCostSummary(db: DbOrTx): Promise<void> {
  await db.execute(sql`select refresh_monthly_cost_summary()`);
}

function toDateString(value: unknown): string {
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return String(value).slice(0, 10);
}
