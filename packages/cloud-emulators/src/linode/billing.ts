import { hashString } from "../rng.ts";
import type { LinodeEstate } from "./estate.ts";

/** One invoice item as the API renders it, with what a correct sync makes of it. */
export interface LinodeInvoiceItemWire {
  amount: number;
  tax: number;
  total: number;
  from: string | null;
  to: string | null;
  label: string;
  quantity: number | null;
  unit_price: string | null;
  type: "hourly" | "misc" | "prepay";
  region: string | null;
}

export interface LinodeInvoiceWire {
  id: number;
  date: string;
  label: string;
  subtotal: number;
  tax: number;
  total: number;
  tax_summary: { tax: number; name: string }[];
}

/** What `cloud_costs` should hold for one line: the emulator's own reckoning, not the normalizer's. */
export interface LinodeExpectedCost {
  account: string;
  periodStart: string;
  /** Exact decimal, trailing zeros dropped ("12.3"). */
  amount: string;
  category: string;
  invoiceId: number | null;
}

/** The emulator's product table: what an item's product is billed as. */
const productCategory: Record<string, string> = {
  "Nanode 1GB": "compute",
  "Linode 2GB": "compute",
  "Linode 4GB": "compute",
  "Linode 8GB": "compute",
  "Dedicated 16GB": "compute",
  "Backup Service": "storage",
  "Block Storage Volume": "storage",
  "Managed Database": "database",
  NodeBalancer: "network",
  "Reserved IP Address": "network",
  "LKE HA Control Plane": "compute",
  "Object Storage": "storage",
};

const TAX_RATE_PERMILLE = 80;

export function formatCents(cents: number): string {
  const negative = cents < 0;
  const abs = Math.abs(cents);
  const text = `${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`.replace(/\.?0+$/, "");
  return negative && text !== "0" ? `-${text}` : text;
}

interface BuiltInvoice {
  wire: LinodeInvoiceWire;
  items: LinodeInvoiceItemWire[];
  expected: LinodeExpectedCost[];
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/**
 * Monthly invoices for the last `months` closed months of each account (dated the 1st of the
 * next month, 00:00:00, covering the whole previous month), an item per billed resource (and a
 * backup item for Linodes with backups), 8 % tax per item, one Object Storage item; and the
 * current month's uninvoiced balance. Amounts are whole cents, served as JSON numbers.
 */
export class LinodeBilling {
  readonly #invoices = new Map<string, BuiltInvoice[]>();
  constructor(
    private readonly estate: LinodeEstate,
    private readonly seed: string,
    private readonly months: number,
  ) {}

  invoices(account: string, now: Date): BuiltInvoice[] {
    const key = `${account}@${day(now).slice(0, 7)}`;
    let built = this.#invoices.get(key);
    if (!built) {
      built = this.#build(account, now);
      this.#invoices.set(key, built);
    }
    return built;
  }

  #build(account: string, now: Date): BuiltInvoice[] {
    const out: BuiltInvoice[] = [];
    const resources = [...this.estate.items.values()].filter((i) => i.account === account);
    for (let back = this.months; back >= 1; back--) {
      const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1));
      const monthEnd = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back + 1, 0));
      const invoiceDate = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back + 1, 1));
      const id = 1_000_000 + (hashString(`${this.seed}:${account}`) % 100_000) * 100 + (this.months - back);
      const items: LinodeInvoiceItemWire[] = [];
      const expected: LinodeExpectedCost[] = [];
      const add = (product: string, name: string, cents: number, region: string | null, startDay: string) => {
        const tax = Math.round((cents * TAX_RATE_PERMILLE) / 1000);
        items.push({
          amount: cents / 100, tax: tax / 100, total: (cents + tax) / 100, from: `${startDay}T00:00:00`, to: `${day(monthEnd)}T23:59:59`,
          label: `${product} - ${name}`, quantity: 720, unit_price: (cents / 72000).toFixed(4), type: "hourly", region,
        });
        expected.push({ account, periodStart: startDay, amount: formatCents(cents), category: productCategory[product] ?? "compute", invoiceId: id });
        return tax;
      };
      let taxCents = 0;
      let subtotal = 0;
      for (const r of resources) {
        if (!r.product || r.monthlyCents <= 0) continue;
        // A stable per-month wobble, so months differ (usage, proration).
        const cents = r.monthlyCents + (hashString(`${r.resourceId}:${day(monthStart)}`) % 97);
        // Some resources started mid-month: their item starts on that day.
        const startDay = hashString(`${r.resourceId}:start`) % 5 === 0 ? day(new Date(monthStart.getTime() + 9 * 86_400_000)) : day(monthStart);
        taxCents += add(r.product, r.name, cents, r.region, startDay);
        subtotal += cents;
        if (r.kind === "linode_instance" && (r.wire.backups as { enabled?: boolean })?.enabled) {
          const backup = Math.round(r.monthlyCents / 4);
          taxCents += add("Backup Service", r.name, backup, r.region, day(monthStart));
          subtotal += backup;
        }
      }
      const storage = 500 + (hashString(`${account}:${day(monthStart)}:obj`) % 300);
      taxCents += add("Object Storage", "250 GB", storage, null, day(monthStart));
      subtotal += storage;
      const invoiceDay = day(invoiceDate);
      if (taxCents !== 0) expected.push({ account, periodStart: invoiceDay, amount: formatCents(taxCents), category: "tax", invoiceId: id });
      out.push({
        wire: {
          id, date: `${invoiceDay}T00:00:00`, label: "Invoice", subtotal: subtotal / 100, tax: taxCents / 100, total: (subtotal + taxCents) / 100,
          tax_summary: [{ tax: taxCents / 100, name: "Sales Tax" }],
        },
        items,
        expected,
      });
    }
    return out;
  }

  /** This month's accrued charges: each billed resource's share of the month so far, in cents. */
  uninvoicedCents(account: string, now: Date): number {
    const daysIn = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 0)).getUTCDate();
    let cents = 0;
    for (const r of this.estate.items.values()) {
      if (r.account === account && r.product && r.monthlyCents > 0) cents += Math.round((r.monthlyCents * now.getUTCDate()) / daysIn);
    }
    return cents;
  }

  /** Expected cost lines whose period starts in [start, end], as of `now`. */
  expectedCosts(account: string, start: string, end: string, now: Date): LinodeExpectedCost[] {
    const lines = this.invoices(account, now).flatMap((i) => i.expected);
    const uninvoiced = this.uninvoicedCents(account, now);
    if (uninvoiced !== 0) lines.push({ account, periodStart: `${end.slice(0, 7)}-01`, amount: formatCents(uninvoiced), category: "compute", invoiceId: null });
    return lines.filter((l) => l.periodStart >= start && l.periodStart <= end);
  }
}
