import { type BillingExportTable, tableReference } from "./billing-table.ts";

/**
 * The SQL the cost scopes run. Pure text built from a validated table name; the window and the
 * project travel as named query parameters (`@start`, `@end` DATE, `@project` STRING).
 *
 * - One row per day (Pacific time, the day boundary of Cloud Billing reports and invoices) ×
 *   project × service × SKU × cost type × resource × currency × pricing unit × labels.
 * - Money is summed as NUMERIC (the export's FLOAT64 `cost` cast first, so the sum is exact to
 *   NUMERIC's 9 decimals) and returned as STRING so no float ever carries it. The amount is
 *   cost plus every credit (credits are negative).
 * - `detailed` reads `resource.name` / `resource.global_name` (the detailed, resource-level
 *   export, `gcp_billing_export_resource_v1_…`); `standard` is the same query for the standard
 *   export, which has no `resource` column: its lines are service × SKU level with no resource id.
 */
export type BillingExportVariant = "detailed" | "standard";

export const billingColumns = [
  "usage_date",
  "project_id",
  "service_id",
  "service_description",
  "sku_id",
  "sku_description",
  "cost_type",
  "resource_name",
  "resource_global_name",
  "location_region",
  "currency",
  "pricing_unit",
  "usage_amount",
  "gross_cost",
  "credits",
  "amount",
  "labels_json",
] as const;
export type BillingColumn = (typeof billingColumns)[number];
/** One result row: every column is a STRING (or NULL). */
export type BillingRow = Partial<Record<BillingColumn, string | null>>;

export const BILLING_DAY_TIME_ZONE = "America/Los_Angeles";

export function billingQuerySql(table: BillingExportTable, variant: BillingExportVariant): string {
  const resource =
    variant === "detailed"
      ? ["resource.name AS resource_name", "resource.global_name AS resource_global_name"]
      : ["CAST(NULL AS STRING) AS resource_name", "CAST(NULL AS STRING) AS resource_global_name"];
  const credits = "IFNULL((SELECT SUM(CAST(c.amount AS NUMERIC)) FROM UNNEST(credits) AS c), 0)";
  return [
    "SELECT",
    `  FORMAT_DATE('%F', DATE(usage_start_time, '${BILLING_DAY_TIME_ZONE}')) AS usage_date,`,
    "  project.id AS project_id,",
    "  service.id AS service_id,",
    "  service.description AS service_description,",
    "  sku.id AS sku_id,",
    "  sku.description AS sku_description,",
    "  cost_type,",
    `  ${resource[0]},`,
    `  ${resource[1]},`,
    "  location.region AS location_region,",
    "  currency,",
    "  usage.pricing_unit AS pricing_unit,",
    "  CAST(SUM(CAST(usage.amount_in_pricing_units AS NUMERIC)) AS STRING) AS usage_amount,",
    "  CAST(SUM(CAST(cost AS NUMERIC)) AS STRING) AS gross_cost,",
    `  CAST(SUM(${credits}) AS STRING) AS credits,`,
    `  CAST(SUM(CAST(cost AS NUMERIC)) + SUM(${credits}) AS STRING) AS amount,`,
    "  TO_JSON_STRING(labels) AS labels_json",
    `FROM ${tableReference(table)}`,
    `WHERE project.id = @project`,
    `  AND DATE(usage_start_time, '${BILLING_DAY_TIME_ZONE}') BETWEEN @start AND @end`,
    "GROUP BY usage_date, project_id, service_id, service_description, sku_id, sku_description, cost_type,",
    "  resource_name, resource_global_name, location_region, currency, pricing_unit, labels_json",
    "ORDER BY usage_date",
  ].join("\n");
}
