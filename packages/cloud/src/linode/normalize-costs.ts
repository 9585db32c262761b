import type { InvoiceItemRaw, InvoiceRaw } from "./wire.ts";
import { normalizeDecimal } from "../common/decimal.ts";
import type { CostCategory, NormalizedCostLine } from "../types.ts";
import { malformed } from "./normalize.ts";

/** Linode bills in US dollars; neither invoices nor the account name a currency. */
export const LINODE_CURRENCY = "USD";

/**
 * An invoice item's product, from its label (Linode's items name the product, the plan and the
 * resource's label, e.g. "Linode 4GB - web-1 (hourly)"; they carry no category or resource id).
 * First match wins, so "Backup Service - Linode 4GB" is a backup, not a Linode.
 */
const productRules: readonly (readonly [RegExp, CostCategory, string])[] = [
  [/backup/i, "storage", "Backups"],
  [/object storage/i, "storage", "Object Storage"],
  [/volume|block storage/i, "storage", "Block Storage"],
  [/image/i, "storage", "Images"],
  [/database/i, "database", "Managed Databases"],
  [/nodebalancer/i, "network", "NodeBalancers"],
  [/transfer|bandwidth/i, "network", "Network Transfer"],
  [/\bip\b|ipv4|ipv6|address/i, "network", "IP Addresses"],
  [/kubernetes|\blke\b/i, "compute", "Kubernetes (LKE)"],
  [/longview|monitor/i, "monitoring", "Longview"],
  [/managed/i, "support", "Linode Managed"],
  [/support/i, "support", "Support"],
  [/linode|nanode|dedicated|shared|high memory|gpu|premium/i, "compute", "Linodes"],
];

/**
 * The product of an item: its label up to the first " - " (what follows is the resource's own
 * label, which may say anything, e.g. "db-backup"). A label no rule knows is billed as compute
 * (what most of a Linode bill is), and says so.
 */
export function linodeCostProduct(label: string): { category: CostCategory; service: string; matched: boolean } {
  const product = label.split(" - ")[0] ?? label;
  for (const [pattern, category, service] of productRules) if (pattern.test(product)) return { category, service, matched: true };
  return { category: "compute", service: "Other", matched: false };
}

/** `2024-11-01T00:00:00` (UTC, no zone) → `2024-11-01`; null when absent or unreadable. */
function dayOf(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const m = /^(\d{4}-\d{2}-\d{2})/.exec(value);
  return m ? (m[1] as string) : null;
}

/**
 * One invoice item → one cost line of its pre-tax `amount` (the invoice's tax is a line of its
 * own). The period is the item's `from`–`to` days; an item without them (a one-off charge) is
 * the invoice's day. Amounts arrive as JSON numbers with at most cents; the shortest decimal
 * that reads back as the same double is the amount Linode wrote, so it is exact.
 */
export function normalizeInvoiceItem(item: InvoiceItemRaw, invoice: Pick<InvoiceRaw, "id" | "date" | "label">, account: string, index: number): NormalizedCostLine {
  const itemId = `${invoice.id}#${index}`;
  const invoiceDay = dayOf(invoice.date);
  if (!invoiceDay) throw malformed(account, itemId, "invoice without a date");
  if (typeof item.amount !== "number" || !Number.isFinite(item.amount)) throw malformed(account, itemId, "invoice item without a numeric amount");
  const start = dayOf(item.from) ?? invoiceDay;
  const end = dayOf(item.to) ?? start;
  const label = typeof item.label === "string" ? item.label : "";
  const product = linodeCostProduct(label);
  return {
    cloud: "linode",
    account,
    periodStart: start,
    periodEnd: end < start ? start : end, // a reversed range is read as one day
    amount: normalizeDecimal(item.amount),
    currency: LINODE_CURRENCY,
    category: product.category,
    service: product.service,
    resourceId: null,
    billingDetails: {
      invoiceId: invoice.id,
      invoiceLabel: invoice.label,
      invoiceDate: invoiceDay,
      label,
      type: item.type,
      region: item.region ?? null,
      tax: typeof item.tax === "number" ? normalizeDecimal(item.tax) : null,
      ...(product.matched ? {} : { category: "no rule matched the label; billed as compute" }),
    },
    usage: {
      ...(typeof item.quantity === "number" ? { quantity: normalizeDecimal(item.quantity) } : {}),
      ...(item.unit_price !== null && item.unit_price !== undefined ? { unitPrice: String(item.unit_price) } : {}),
    },
    tags: {},
  };
}

/** The invoice's tax, one `tax` line on the invoice's day; null when there is none. */
export function invoiceTaxLine(invoice: InvoiceRaw, account: string): NormalizedCostLine | null {
  const day = dayOf(invoice.date);
  if (!day || typeof invoice.tax !== "number" || invoice.tax === 0) return null;
  return {
    cloud: "linode",
    account,
    periodStart: day,
    periodEnd: day,
    amount: normalizeDecimal(invoice.tax),
    currency: LINODE_CURRENCY,
    category: "tax",
    service: "Tax",
    resourceId: null,
    billingDetails: { invoiceId: invoice.id, invoiceLabel: invoice.label, invoiceDate: day, taxSummary: invoice.tax_summary ?? [] },
    usage: {},
    tags: {},
  };
}

/**
 * What the account has accrued this month and not yet invoiced (`balance_uninvoiced`), as one
 * line from the first day of `asOf`'s month to `asOf`. Linode gives no breakdown, so it is
 * billed as compute and marked `uninvoiced`; the month's invoice replaces it once a cost sync's
 * window covers that first day again (the month-to-date sync of the next month's first days).
 */
export function uninvoicedLine(balanceUninvoiced: unknown, asOf: string, account: string): NormalizedCostLine | null {
  if (typeof balanceUninvoiced !== "number" || !Number.isFinite(balanceUninvoiced) || balanceUninvoiced === 0) return null;
  return {
    cloud: "linode",
    account,
    periodStart: `${asOf.slice(0, 7)}-01`,
    periodEnd: asOf,
    amount: normalizeDecimal(balanceUninvoiced),
    currency: LINODE_CURRENCY,
    category: "compute",
    service: "Uninvoiced charges",
    resourceId: null,
    billingDetails: { uninvoiced: true, asOf },
    usage: {},
    tags: {},
  };
}
