import { relations, sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  date,
  decimal,
  index,
  jsonb,
  pgMaterializedView,
  primaryKey,
  pgTable,
  text,
  uniqueIndex,
  uuid,
  varchar,
} from "drizzle-orm/pg-core";
import { oneOf, primaryId, sameOrganization, tenantPolicy, timestampNow, timestampTz } from "./columns.ts";
import { cloudProviders } from "./providers.ts";
import { cloudResources } from "./resources.ts";
import { organizations, userProfiles } from "./tenancy.ts";

export const costCategories = ["compute", "storage", "network", "database", "monitoring", "support", "tax"] as const;
export type CostCategory = (typeof costCategories)[number];

export const recommendationTypes = [
  "unused_resources",
  "rightsizing",
  "reserved_instances",
  "spot_instances",
  "storage_optimization",
  "region_optimization",
] as const;
export type RecommendationType = (typeof recommendationTypes)[number];

export const levels = ["low", "medium", "high"] as const;
export type Level = (typeof levels)[number];

export const recommendationStatuses = [
  "identified",
  "approved",
  "implementing",
  "completed",
  "rejected",
  "expired",
] as const;
export type RecommendationStatus = (typeof recommendationStatuses)[number];

export const budgetScopes = ["organization", "provider", "environment", "project", "resource_type"] as const;
export type BudgetScope = (typeof budgetScopes)[number];

export const budgetPeriods = ["daily", "weekly", "monthly", "quarterly", "annually"] as const;
export type BudgetPeriod = (typeof budgetPeriods)[number];

export interface EstimatedSavings {
  monthly_savings: number;
  annual_savings: number;
  percentage_savings: number;
  currency: string;
}

/** An ISO 4217 code: three capital letters. */
const currencyCheck = (name: string, column: Parameters<typeof oneOf>[0]) =>
  check(name, sql`${column} ~ '^[A-Z]{3}$'`);

/**
 * Billed cost lines. `cost_amount` may be negative: credits and refunds are real lines of a
 * bill, and sums must match the provider's totals to the cent.
 */
export const cloudCosts = pgTable(
  "cloud_costs",
  {
    id: primaryId(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    providerId: uuid(),
    resourceId: uuid(),
    costPeriodStart: date({ mode: "string" }).notNull(),
    costPeriodEnd: date({ mode: "string" }).notNull(),
    // Unconstrained numeric instead of the design document's DECIMAL(12,2): clouds bill in
    // fractions of a cent per line (Azure to 15+ digits), and rounding each line would make a
    // month's sum drift from the provider's total. Totals are rounded where they are shown.
    costAmount: decimal().notNull(),
    costCurrency: varchar({ length: 3 }).default("USD"),
    costCategory: varchar({ length: 50, enum: costCategories }).notNull(),
    billingDetails: jsonb().$type<Record<string, unknown>>().default({}),
    usageMetrics: jsonb().$type<Record<string, unknown>>().default({}),
    costAllocationTags: jsonb().$type<Record<string, string>>().default({}),
    createdAt: timestampNow(),
  },
  (t) => [
    index("idx_cloud_costs_org_period").on(t.organizationId, t.costPeriodStart, t.costPeriodEnd),
    index("idx_cloud_costs_provider_period").on(t.providerId, t.costPeriodStart, t.costPeriodEnd),
    index("idx_cloud_costs_resource").on(t.resourceId, t.costPeriodStart),
    index("idx_cloud_costs_monthly_summary").on(
      t.organizationId,
      sql`(extract(year from ${t.costPeriodStart}))`,
      sql`(extract(month from ${t.costPeriodStart}))`,
    ),
    check("cloud_costs_cost_category_check", oneOf(t.costCategory, costCategories)),
    sameOrganization("cloud_costs", t.organizationId, t.providerId, cloudProviders),
    sameOrganization("cloud_costs", t.organizationId, t.resourceId, cloudResources),
    check("cloud_costs_period_check", sql`${t.costPeriodEnd} >= ${t.costPeriodStart}`),
    currencyCheck("cloud_costs_cost_currency_check", t.costCurrency),
    tenantPolicy("cloud_costs_tenant_isolation", t.organizationId),
  ],
).enableRLS();

/** Savings the analysis found, and what became of them. */
export const costOptimizationRecommendations = pgTable(
  "cost_optimization_recommendations",
  {
    id: primaryId(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    recommendationType: varchar({ length: 50, enum: recommendationTypes }).notNull(),
    targetResources: jsonb().$type<unknown>().notNull(),
    optimizationRules: jsonb().$type<Record<string, unknown>>().notNull(),
    estimatedSavings: jsonb()
      .$type<EstimatedSavings>()
      .default({ monthly_savings: 0, annual_savings: 0, percentage_savings: 0, currency: "USD" }),
    implementationComplexity: varchar({ length: 20, enum: levels }).default("medium"),
    implementationRisk: varchar({ length: 20, enum: levels }).default("low"),
    businessImpact: varchar({ length: 20, enum: levels }).default("low"),
    recommendationStatus: varchar({ length: 20, enum: recommendationStatuses }).default("identified"),
    recommendationDetails: text(),
    /**
     * Added: what the advice is about, stable across refreshes (`rightsizing:<resource id>:m5.large`),
     * so a refresh updates the open recommendation, or leaves a decided one alone, instead of
     * adding another. Null for recommendations people write by hand.
     */
    findingKey: varchar({ length: 300 }),
    implementationSteps: jsonb().$type<unknown[]>().default([]),
    automatedExecution: boolean().default(false),
    scheduledExecution: timestampTz(),
    executedAt: timestampTz(),
    actualSavings: jsonb().$type<Record<string, unknown>>().default({}),
    expiresAt: timestampTz(),
    createdBy: uuid(),
    createdAt: timestampNow(),
    updatedAt: timestampNow(),
  },
  (t) => [
    index("idx_cost_opt_org_status").on(t.organizationId, t.recommendationStatus),
    sameOrganization("cost_optimization_recommendations", t.organizationId, t.createdBy, userProfiles),
    index("idx_cost_opt_type").on(t.recommendationType, t.recommendationStatus),
    check("cost_optimization_recommendations_recommendation_type_check", oneOf(t.recommendationType, recommendationTypes)),
    check("cost_optimization_recommendations_implementation_complexity_check", oneOf(t.implementationComplexity, levels)),
    check("cost_optimization_recommendations_implementation_risk_check", oneOf(t.implementationRisk, levels)),
    check("cost_optimization_recommendations_business_impact_check", oneOf(t.businessImpact, levels)),
    check(
      "cost_optimization_recommendations_recommendation_status_check",
      oneOf(t.recommendationStatus, recommendationStatuses),
    ),
    // One live recommendation per finding: expired and completed ones are history, and the
    // same finding may come back after them.
    uniqueIndex("cost_optimization_recommendations_finding_key")
      .on(t.organizationId, t.findingKey)
      .where(sql`${t.findingKey} is not null and ${t.recommendationStatus} not in ('expired', 'completed')`),
    tenantPolicy("cost_optimization_recommendations_tenant_isolation", t.organizationId),
  ],
).enableRLS();

/** `object_storage`: a bucket storage class (sku `STANDARD`, `STANDARD_IA`, `NEARLINE`), per GB-month (migration 0035). */
export const pricedProducts = ["compute", "volume", "public_ip", "load_balancer", "object_storage"] as const;
export const priceTerms = ["on_demand", "reserved_1y", "spot"] as const;
/** `month`: a fixed amount per resource and month, as Azure bills a managed disk's tier (migration 0035). */
export const priceUnits = ["hour", "gb_month", "month"] as const;

/**
 * List prices read from each cloud's pricing API (AWS Price List, Azure Retail Prices, GCP
 * Cloud Billing Catalog), cached so recommendation refreshes need no API call. The same for
 * every organization, so no organization column and no RLS; tenants may read, only the
 * worker writes (grant_cloudsync_roles).
 */
export const cloudPrices = pgTable(
  "cloud_prices",
  {
    cloud: varchar({ length: 10 }).notNull(),
    region: varchar({ length: 64 }).notNull(),
    product: varchar({ length: 20, enum: pricedProducts }).notNull(),
    /** Size or type priced: `m5.large`, `gp3`, `Standard_D2s_v3`; `standard` for IPs and LBs. */
    sku: varchar({ length: 100 }).notNull(),
    term: varchar({ length: 20, enum: priceTerms }).notNull(),
    currency: varchar({ length: 3 }).notNull(),
    /** Exact, per `unit`, as the API said it. */
    unitPrice: decimal().notNull(),
    unit: varchar({ length: 10, enum: priceUnits }).notNull(),
    /** The provider's SKU / meter / rate code. */
    sourceId: varchar({ length: 300 }).notNull(),
    fetchedAt: timestampNow(),
  },
  (t) => [
    primaryKey({ name: "cloud_prices_pkey", columns: [t.cloud, t.product, t.sku, t.region, t.term, t.currency] }),
    check("cloud_prices_product_check", oneOf(t.product, pricedProducts)),
    check("cloud_prices_term_check", oneOf(t.term, priceTerms)),
    check("cloud_prices_unit_check", oneOf(t.unit, priceUnits)),
    check("cloud_prices_unit_price_check", sql`${t.unitPrice} >= 0`),
    currencyCheck("cloud_prices_currency_check", t.currency),
  ],
);

/** Spending limits over a scope and period, with the thresholds that raise alerts. */
export const costBudgets = pgTable(
  "cost_budgets",
  {
    id: primaryId(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    budgetName: varchar({ length: 200 }).notNull(),
    budgetScope: varchar({ length: 30, enum: budgetScopes }).notNull(),
    scopeFilters: jsonb().$type<Record<string, unknown>>().default({}),
    budgetAmount: decimal({ precision: 12, scale: 2 }).notNull(),
    budgetCurrency: varchar({ length: 3 }).default("USD"),
    budgetPeriod: varchar({ length: 20, enum: budgetPeriods }).notNull(),
    alertThresholds: jsonb().$type<number[]>().default([50, 75, 90, 100]),
    notificationChannels: jsonb().$type<string[]>().default(["email"]),
    currentSpend: decimal({ precision: 12, scale: 2 }).default("0"),
    forecastedSpend: decimal({ precision: 12, scale: 2 }),
    isActive: boolean().default(true),
    createdBy: uuid().notNull(),
    createdAt: timestampNow(),
    updatedAt: timestampNow(),
  },
  (t) => [
    index("idx_cost_budgets_org").on(t.organizationId),
    sameOrganization("cost_budgets", t.organizationId, t.createdBy, userProfiles),
    check("cost_budgets_budget_scope_check", oneOf(t.budgetScope, budgetScopes)),
    check("cost_budgets_budget_period_check", oneOf(t.budgetPeriod, budgetPeriods)),
    check("cost_budgets_budget_amount_check", sql`${t.budgetAmount} >= 0`),
    currencyCheck("cost_budgets_budget_currency_check", t.budgetCurrency),
    tenantPolicy("cost_budgets_tenant_isolation", t.organizationId),
  ],
).enableRLS();

/**
 * Monthly totals per organization, provider, category and currency. Owned by a SQL migration
 * (Drizzle cannot create materialized views with their unique index); typed here.
 */
export const monthlyCostSummary = pgMaterializedView("monthly_cost_summary", {
  organizationId: uuid().notNull(),
  providerId: uuid(),
  month: date({ mode: "string" }).notNull(),
  costCategory: varchar({ length: 50, enum: costCategories }).notNull(),
  costCurrency: varchar({ length: 3 }),
  totalCost: decimal({ precision: 14, scale: 2 }).notNull(),
  avgCost: decimal().notNull(),
  costEntries: bigint({ mode: "number" }).notNull(),
}).existing();

export const cloudCostsRelations = relations(cloudCosts, ({ one }) => ({
  organization: one(organizations, { fields: [cloudCosts.organizationId], references: [organizations.id] }),
  provider: one(cloudProviders, { fields: [cloudCosts.providerId], references: [cloudProviders.id] }),
  resource: one(cloudResources, { fields: [cloudCosts.resourceId], references: [cloudResources.id] }),
}));

export const costOptimizationRecommendationsRelations = relations(costOptimizationRecommendations, ({ one }) => ({
  organization: one(organizations, {
    fields: [costOptimizationRecommendations.organizationId],
    references: [organizations.id],
  }),
}));

export const costBudgetsRelations = relations(costBudgets, ({ one }) => ({
  organization: one(organizations, { fields: [costBudgets.organizationId], references: [organizations.id] }),
}));
