import { isDecimal, normalizeDecimal, sumDecimals } from "../common/decimal.ts";
import type { CostCategory, NormalizedCostLine } from "../types.ts";
import { malformed, str, type DoRaw } from "./normalize.ts";

/** DigitalOcean bills in US dollars only; its invoice API names no currency. */
export const DO_BILLING_CURRENCY = "USD";

/**
 * Invoice item `product` → cost category. Products not listed (App Platform, Functions, GenAI…)
 * run code and count as compute.
 */
const categoryOfProduct: Readonly<Record<string, CostCategory>> = {
  Droplets: "compute",
  "Droplet Backups": "storage",
  "Kubernetes Clusters": "compute",
  Volumes: "storage",
  "Volume Snapshots": "storage",
  Snapshots: "storage",
  Backups: "storage",
  Spaces: "storage",
  "Spaces Subscription": "storage",
  "Container Registry": "storage",
  "Managed Databases": "database",
  "Load Balancers": "network",
  "Reserved IPs": "network",
  "Floating IPs": "network",
  Bandwidth: "network",
  "Droplet Bandwidth": "network",
  "VPC NAT Gateways": "network",
  Monitoring: "monitoring",
  Uptime: "monitoring",
  Support: "support",
  Tax: "tax",
  Taxes: "tax",
};

export function doCostCategory(product: string | undefined): CostCategory {
  return (product && categoryOfProduct[product]) || "compute";
}

const day = (iso: string) => new Date(iso).toISOString().slice(0, 10);

/** The later of two `YYYY-MM-DD` days (they compare as strings). */
function laterDay(a: string, b: string): string {
  if (a > b) return a;
  return b;
}

/** What an item is billed under, for its line's details. */
export interface InvoiceContext {
  team: string;
  invoiceUuid: string;
  invoicePeriod: string;
  /** True for the running month's preview, whose items still grow. */
  preview: boolean;
}

/**
 * One invoice item → one cost line. The period is the item's own: from `start_time`'s day to the
 * day before `end_time` (which is exclusive, midnight UTC), never before the start. The amount
 * stays the API's decimal string. The resource is `resource_id` (a droplet's numeric id, a
 * volume's UUID: the ids the inventory reports), else `resource_uuid`.
 */
export function normalizeInvoiceItem(item: DoRaw, ctx: InvoiceContext): NormalizedCostLine {
  const amount = item.amount;
  const start = str(item, "start_time");
  const end = str(item, "end_time");
  const label = str(item, "resource_id") ?? str(item, "resource_uuid") ?? str(item, "description") ?? null;
  if (!isDecimal(amount) || typeof amount !== "string") throw malformed(ctx.team, label, `invoice item without a decimal amount (${JSON.stringify(amount)})`);
  if (!start || Number.isNaN(Date.parse(start))) throw malformed(ctx.team, label, "invoice item without start_time");
  const periodStart = day(start);
  const lastDay = end && !Number.isNaN(Date.parse(end)) ? new Date(Date.parse(end) - 1).toISOString().slice(0, 10) : periodStart;
  const product = str(item, "product") ?? "DigitalOcean";
  return {
    cloud: "digitalocean",
    account: ctx.team,
    periodStart,
    periodEnd: laterDay(lastDay, periodStart),
    amount,
    currency: DO_BILLING_CURRENCY,
    category: doCostCategory(product),
    service: product,
    resourceId: str(item, "resource_id") ?? str(item, "resource_uuid") ?? null,
    billingDetails: {
      invoice_uuid: ctx.invoiceUuid,
      invoice_period: ctx.invoicePeriod,
      preview: ctx.preview,
      description: item.description ?? null,
      group_description: item.group_description ?? null,
      project_name: item.project_name ?? null,
      category: item.category ?? null,
      resource_uuid: item.resource_uuid ?? null,
    },
    usage: item.duration !== undefined ? { quantity: String(item.duration), unit: String(item.duration_unit ?? "") } : {},
    tags: {},
  };
}

/**
 * The month-to-date usage the preview's items do not yet account for (DigitalOcean itemizes some
 * usage with a delay): `month_to_date_usage` − Σ preview item amounts, as one line without a
 * resource from the 1st to the balance's day, so the month's lines add up to the balance. Null
 * when nothing is left (or the items are ahead of the balance: then the items are the truth).
 */
export function unitemizedUsage(
  balance: DoRaw,
  previewAmounts: readonly string[],
  ctx: { team: string; monthStart: string },
): NormalizedCostLine | null {
  const usage = balance.month_to_date_usage;
  if (typeof usage !== "string" || !isDecimal(usage)) throw malformed(ctx.team, "balance", `balance without month_to_date_usage (${JSON.stringify(usage)})`);
  const rest = normalizeDecimal(sumDecimals([usage, ...previewAmounts.map((a) => (a.startsWith("-") ? a.slice(1) : `-${a}`))]));
  if (rest === "0" || rest.startsWith("-")) return null;
  const generated = str(balance, "generated_at");
  const asOf = generated && !Number.isNaN(Date.parse(generated)) ? day(generated) : ctx.monthStart;
  return {
    cloud: "digitalocean",
    account: ctx.team,
    periodStart: ctx.monthStart,
    periodEnd: laterDay(asOf, ctx.monthStart),
    amount: rest,
    currency: DO_BILLING_CURRENCY,
    category: "compute",
    service: "Month-to-date usage not yet itemized",
    resourceId: null,
    billingDetails: { source: "balance", month_to_date_usage: usage, generated_at: generated ?? null },
    usage: {},
    tags: {},
  };
}
