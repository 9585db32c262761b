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
    /**
     * At most {@link COST_OPTIMIZATION_LIST_LIMIT} resource ids, largest monthly saving first
     * (ties by id). When `resources_truncated`, page the whole list with
     * {@link costOptimizationResources}; the totals above always count every resource.
     */
    resources: string[];
    /** How many resources the row covers (= `affected_resources`). */
    resources_total: number;
    /** True when `resources` lists only the first of `resources_total`. */
    resources_truncated: boolean;
    description: string;
    /**
     * When the answer was true (ISO 8601): the refresh of the organization's
     * `resource_utilization` snapshot it was read from, or the call itself when computed live.
     */
    as_of: string;
  };
}

/** The most resource ids a row of analyze_cost_optimization lists (its largest savings). */
export const COST_OPTIMIZATION_LIST_LIMIT = 100;

/**
 * Unused and under-used resources with their potential savings. Call inside `withOrganization`.
 * Answered from the organization's `resource_utilization` snapshot when `lookbackDays` is its
 * window (as of its last refresh), otherwise from the samples. Each row lists at most 100
 * resources (`resources_truncated` says when there are more); {@link costOptimizationResources}
 * pages all of them.
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

export type CostOptimizationType = CostOptimizationRow["optimization_type"];

export interface CostOptimizationResource {
  /** `cloud_resources.id`. */
  resourceId: string;
  /** `cost_tracking.monthly_cost` (exact decimal string), null when the resource has none. */
  monthlyCost: string | null;
  /** What acting on it saves a month (exact, unrounded): the whole cost if unused, 30 % if rightsized; "0" without a cost. */
  monthlySavings: string;
}

export interface CostOptimizationResourcesParams {
  organizationId: string;
  optimizationType: CostOptimizationType;
  /** The window analyze_cost_optimization was asked for (default 30). */
  lookbackDays?: number;
  /** 1–1,000, default 100. */
  pageSize?: number;
  /** The page after this resource: `next` of the previous page. */
  after?: { monthlySavings: string; resourceId: string };
}

export interface CostOptimizationResourcesPage {
  resources: CostOptimizationResource[];
  /** Pass as `after` for the next page; null when this page was not full (the list is done). A full last page is followed by an empty one. */
  next: { monthlySavings: string; resourceId: string } | null;
}

/**
 * One page of the full list behind an analyze_cost_optimization row: largest monthly saving
 * first, ties by id, the same order as the row's first 100. Call inside `withOrganization`.
 * For the snapshot's window each page is read from its cursor in the snapshot's index, so
 * it costs the same at any depth and estate size; for another window each page recomputes
 * the window's criteria from the samples (what analyze_cost_optimization costs).
 */
export async function costOptimizationResources(
  db: DbOrTx,
  params: CostOptimizationResourcesParams,
): Promise<CostOptimizationResourcesPage> {
  const orgId = requireUuid("organizationId", params.organizationId);
  const type = params.optimizationType;
  if (type !== "unused_resources" && type !== "rightsizing") {
    throw new InvalidInputError("optimizationType", `expected "unused_resources" or "rightsizing", got ${JSON.stringify(type)}`);
  }
  const days = requireIntegerInRange("lookbackDays", params.lookbackDays ?? 30, 1, 3650);
  const pageSize = requireIntegerInRange("pageSize", params.pageSize ?? 100, 1, 1000);
  const afterSavings = params.after ? requireDecimal("after.monthlySavings", params.after.monthlySavings) : null;
  const afterId = params.after ? requireUuid("after.resourceId", params.after.resourceId) : null;
  const rows = await queryRows<{ resource_id: string; monthly_cost: string | null; monthly_savings: string }>(
    db,
    sql`select * from cost_optimization_resources(${orgId}::uuid, ${type}::varchar, ${days}::integer, ${pageSize}::integer,
                                                  ${afterSavings}::numeric, ${afterId}::uuid)`,
  );
  const resources = rows.map((r) => ({
    resourceId: String(r.resource_id),
    monthlyCost: r.monthly_cost === null ? null : String(r.monthly_cost),
    monthlySavings: String(r.monthly_savings),
  }));
  const last = resources.at(-1);
  return {
    resources,
    next: last && resources.length === pageSize ? { monthlySavings: last.monthlySavings, resourceId: last.resourceId } : null,
  };
}

function requireDecimal(field: string, value: unknown): string {
  if (typeof value !== "string" || !/^-?\d+(\.\d+)?$/.test(value)) {
    throw new InvalidInputError(field, `expected a decimal string such as "12.50" (the monthlySavings of the last row of the previous page), got ${JSON.stringify(value)}`);
  }
  return value;
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
