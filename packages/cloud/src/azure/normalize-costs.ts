import { isDecimal, normalizeDecimal } from "../common/decimal.ts";
import type { CostCategory, NormalizedCostLine } from "../types.ts";
import { type ExactJson, JsonNumber } from "./exact-json.ts";

/**
 * Pure functions from Cost Management's query answer to cloudsync cost lines. Nothing here does
 * I/O; every rule is covered by the table tests in test/azure-costs-normalize.test.ts.
 */

/** Meter categories no table names (new services, marketplace, reservations) are billed as compute. */
export const defaultCostCategory: CostCategory = "compute";

/**
 * Cost Management's `MeterCategory` (lower case) → cloudsync's cost category. Tax and support
 * lines are recognised by their own rule first (`costCategoryOf`).
 */
export const meterCategoryTable: Readonly<Record<string, CostCategory>> = {
  "virtual machines": "compute",
  "virtual machines licenses": "compute",
  "azure app service": "compute",
  functions: "compute",
  "container instances": "compute",
  "azure container apps": "compute",
  "azure kubernetes service": "compute",
  "cloud services": "compute",
  batch: "compute",
  "azure spring apps": "compute",
  storage: "storage",
  backup: "storage",
  "azure netapp files": "storage",
  "container registry": "storage",
  "azure data box": "storage",
  "sql database": "database",
  "sql managed instance": "database",
  "azure database for postgresql": "database",
  "azure database for mysql": "database",
  "azure database for mariadb": "database",
  "azure cosmos db": "database",
  "redis cache": "database",
  "azure cache for redis": "database",
  // Synapse bills dedicated SQL pools and serverless SQL; cloudsync has no analytics cost category.
  "azure synapse analytics": "database",
  bandwidth: "network",
  "virtual network": "network",
  "load balancer": "network",
  "content delivery network": "network",
  "application gateway": "network",
  "azure front door service": "network",
  "azure dns": "network",
  "azure firewall": "network",
  "vpn gateway": "network",
  expressroute: "network",
  "nat gateway": "network",
  "network watcher": "network",
  "azure private link": "network",
  "ip addresses": "network",
  "azure bastion": "network",
  "azure monitor": "monitoring",
  "log analytics": "monitoring",
  "application insights": "monitoring",
  "insight and analytics": "monitoring",
  "azure sentinel": "monitoring",
};

/** The cost category of a meter category: tax and support first, then the table, then the default. */
export function costCategoryOf(meterCategory: string): CostCategory {
  const key = meterCategory.trim().replace(/\s+/g, " ").toLowerCase();
  if (/\btax(es)?\b/.test(key)) return "tax";
  if (/\bsupport\b/.test(key)) return "support";
  return meterCategoryTable[key] ?? defaultCostCategory;
}

/** Where each needed column is in a row; found by name in the answer's `columns`, never assumed. */
export interface CostColumnLayout {
  cost: number;
  usageDate: number;
  resourceId: number;
  meterCategory: number;
  currency: number;
  /** Length a row must at least have. */
  width: number;
}

/** The aggregated cost column's name depends on the query type and api-version. */
const costColumnNames = ["cost", "pretaxcost", "costusd", "pretaxcostusd", "totalcost"];

/** Finds the columns the adapter reads; an answer without one of them cannot be read at all. */
export function costColumnLayout(columns: ExactJson | undefined): CostColumnLayout | { error: string } {
  if (!Array.isArray(columns)) return { error: "the answer has no columns" };
  const names = columns.map((c) =>
    typeof c === "object" && c !== null && !Array.isArray(c) && !(c instanceof JsonNumber) && typeof c.name === "string"
      ? c.name.toLowerCase()
      : "",
  );
  const find = (...wanted: string[]) => {
    for (const w of wanted) {
      const at = names.indexOf(w);
      if (at >= 0) return at;
    }
    return -1;
  };
  const layout = {
    cost: find(...costColumnNames),
    usageDate: find("usagedate"),
    resourceId: find("resourceid"),
    meterCategory: find("metercategory"),
    currency: find("currency", "billingcurrency"),
  };
  const missing = Object.entries(layout)
    .filter(([, at]) => at < 0)
    .map(([name]) => name);
  if (missing.length > 0) {
    return { error: `the answer lacks the ${missing.join(", ")} column(s); it has ${names.filter(Boolean).join(", ") || "none"}` };
  }
  return { ...layout, width: Math.max(...Object.values(layout)) + 1 };
}

/** `20261001` (a JSON number or string) or an ISO date-time → `2026-10-01`, or null when it is not a real day. */
export function usageDateOf(cell: ExactJson | undefined): string | null {
  const text = cell instanceof JsonNumber ? cell.text : typeof cell === "string" ? cell.trim() : "";
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(text) ?? /^(\d{4})-(\d{2})-(\d{2})(?:T[\d:.]+Z?)?$/.exec(text);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return `${m[1]}-${m[2]}-${m[3]}`;
}

/** The amount exactly as written: a JSON number's source text, or a numeric string. */
export function amountOf(cell: ExactJson | undefined): string | null {
  if (cell instanceof JsonNumber) return normalizeDecimal(cell.text);
  if (typeof cell === "string" && cell.trim() && isDecimal(cell)) return normalizeDecimal(cell);
  return null;
}

/**
 * Cost Management lower-cases resource ids. The resolver gives back the ARM id as the resource
 * adapter emits it (the inventory's casing), comparing case-insensitively; an id the inventory
 * does not hold (a resource deleted since, a workspace in an unlisted namespace) stays as billed.
 */
export type ResourceIdResolver = (billedId: string) => string;

export function createResourceIdResolver(armIds: Iterable<string>): ResourceIdResolver {
  const byLower = new Map<string, string>();
  for (const id of armIds) byLower.set(id.toLowerCase(), id);
  return (billedId) => byLower.get(billedId.toLowerCase()) ?? billedId;
}

export type CostRowResult = { ok: true; line: NormalizedCostLine } | { ok: false; itemId: string | null; reason: string };

export interface CostRowContext {
  account: string;
  resolveResourceId: ResourceIdResolver;
}

/** One row of the answer → one daily cost line, or the reason it cannot be one. */
export function normalizeCostRow(row: ExactJson, layout: CostColumnLayout, context: CostRowContext): CostRowResult {
  if (!Array.isArray(row)) return { ok: false, itemId: null, reason: "the row is not an array" };
  const billedId = row[layout.resourceId];
  const resourceId = typeof billedId === "string" && billedId.trim() ? context.resolveResourceId(billedId.trim()) : null;
  const skip = (reason: string): CostRowResult => ({ ok: false, itemId: resourceId, reason });
  if (row.length < layout.width) return skip(`the row has ${row.length} cells, the columns name ${layout.width}`);

  const day = usageDateOf(row[layout.usageDate]);
  if (!day) return skip(`UsageDate ${describe(row[layout.usageDate])} is not a day`);
  const where = `on ${day}`;
  const amount = amountOf(row[layout.cost]);
  if (amount === null) return skip(`cost ${describe(row[layout.cost])} ${where} is not a decimal number`);
  const meterCategory = row[layout.meterCategory];
  if (typeof meterCategory !== "string") return skip(`MeterCategory ${describe(meterCategory)} ${where} is not a string`);
  const currency = row[layout.currency];
  if (typeof currency !== "string" || !/^[A-Za-z]{3}$/.test(currency.trim())) {
    return skip(`currency ${describe(currency)} ${where} is not an ISO 4217 code`);
  }
  if (billedId !== null && billedId !== undefined && typeof billedId !== "string") {
    return skip(`ResourceId ${describe(billedId)} ${where} is not a string`);
  }

  const billingDetails: Record<string, unknown> = { meterCategory, costType: "ActualCost" };
  if (typeof billedId === "string" && billedId.trim() && billedId.trim() !== resourceId) billingDetails.billedResourceId = billedId.trim();
  return {
    ok: true,
    line: {
      cloud: "azure",
      account: context.account,
      periodStart: day,
      periodEnd: day,
      amount,
      currency: currency.trim().toUpperCase(),
      category: costCategoryOf(meterCategory),
      service: meterCategory.trim(),
      resourceId,
      billingDetails,
      usage: {},
      tags: {},
    },
  };
}

function describe(cell: ExactJson | undefined): string {
  if (cell === undefined) return "(missing)";
  if (cell instanceof JsonNumber) return cell.text;
  const text = JSON.stringify(cell);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
