import { isDecimal, normalizeDecimal } from "../common/decimal.ts";
import { MalformedItemError } from "../errors.ts";
import type { CostCategory, NormalizedCostLine } from "../types.ts";

/**
 * Vultr bills each account by the month, in US dollars (the API states no currency; Vultr
 * invoices only in USD). What a cost read reports:
 * - invoiced months: `GET /v2/billing/history` lists the account's invoices (`type: "invoice"`,
 *   besides payments and credits, which settle or fund the balance and are not costs), and
 *   `GET /v2/billing/invoices/{id}/items` the invoice's items, each one line;
 * - the month in progress: `GET /v2/billing/pending-charges`, items of the same shape, restated
 *   on every read until the month is invoiced.
 * A line's period is the item's `start_date`..`end_date`; only items whose period starts in the
 * query's window are reported, because the worker replaces the lines whose period starts there.
 * Items name no resource id, only a description, so `resourceId` is null.
 */

export interface VultrInvoiceItem {
  description?: unknown;
  product?: unknown;
  start_date?: unknown;
  end_date?: unknown;
  units?: unknown;
  unit_type?: unknown;
  unit_price?: unknown;
  total?: unknown;
}

/**
 * The API's product names → cost category: compute for servers and clusters, storage for block,
 * object storage, snapshots and backups, network for load balancers, IPs, bandwidth and DDoS
 * protection, database for managed databases, tax for tax lines; anything else (credits,
 * marketplace apps) → compute, where most of a Vultr bill is.
 */
export function vultrCostCategory(product: string): CostCategory {
  const p = product.toLowerCase();
  if (/\btax\b|\bvat\b|\bgst\b/.test(p)) return "tax";
  if (/database/.test(p)) return "database";
  if (/block|object storage|snapshot|backup|storage/.test(p)) return "storage";
  if (/load balancer|reserved ip|bandwidth|ddos|ip address|network/.test(p)) return "network";
  return "compute";
}

/**
 * JSON numbers → exact decimal strings. JavaScript's shortest round-trip form of a parsed number
 * is the decimal the API wrote as long as it had at most 15 significant digits, which dollar
 * amounts with cents (or unit prices with 4 decimals) always do.
 */
export function amountOf(value: unknown): string | null {
  if (typeof value === "string") return isDecimal(value) ? value : null;
  if (typeof value !== "number" || !Number.isFinite(value)) return null;
  return normalizeDecimal(value);
}

const dateOf = (v: unknown): string | null => {
  if (typeof v !== "string") return null;
  const m = /^(\d{4}-\d{2}-\d{2})/.exec(v);
  return m ? (m[1] as string) : null;
};

/** Pure: one invoice or pending item → one cost line; an item without dates or total is malformed. */
export function normalizeInvoiceItem(raw: VultrInvoiceItem, account: string, source: { invoiceId: string | null }): NormalizedCostLine {
  const start = dateOf(raw.start_date);
  const end = dateOf(raw.end_date) ?? start;
  const amount = amountOf(raw.total);
  const product = typeof raw.product === "string" && raw.product ? raw.product : "Vultr";
  const itemId = `${source.invoiceId ?? "pending"}:${String(raw.description ?? product)}`;
  if (!start || !end) throw new MalformedItemError("vultr", account, itemId, "invoice item without start_date");
  if (amount === null) throw new MalformedItemError("vultr", account, itemId, `invoice item total ${JSON.stringify(raw.total ?? null)} is not a decimal`);
  const units = amountOf(raw.units);
  return {
    cloud: "vultr",
    account,
    periodStart: start,
    // An end before the start (never seen) is read as a one-day item rather than trusted.
    periodEnd: [start, end].sort()[1] as string,
    amount,
    currency: "USD",
    category: vultrCostCategory(product),
    service: product,
    resourceId: null,
    billingDetails: {
      source: source.invoiceId ? "invoice" : "pending_charges",
      ...(source.invoiceId ? { invoiceId: source.invoiceId } : {}),
      description: typeof raw.description === "string" ? raw.description : null,
      unitPrice: amountOf(raw.unit_price),
    },
    usage: units !== null ? { quantity: units, unit: typeof raw.unit_type === "string" ? raw.unit_type : null } : {},
    tags: {},
  };
}

/** An invoice whose items can start in [start, end]: dated from start's month to a month after end (items precede their invoice). */
export function invoiceMayCover(invoiceDate: unknown, start: string, end: string): boolean {
  const d = dateOf(invoiceDate);
  if (!d) return false;
  const after = new Date(`${end}T00:00:00Z`);
  after.setUTCMonth(after.getUTCMonth() + 2);
  return d >= `${start.slice(0, 7)}-01` && d < after.toISOString().slice(0, 10);
}
