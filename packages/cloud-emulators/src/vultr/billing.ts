import { type VultrEstate, unit } from "./estate.ts";

/**
 * Vultr bills by the month: an invoice dated the first of a month lists the previous month's
 * items (`/v2/billing/invoices/{id}/items`), `/v2/billing/history` lists invoices, payments and
 * credits with the running balance, and `/v2/billing/pending-charges` lists the current month's
 * items so far. Amounts are JSON numbers in USD with two decimals; they are generated here as
 * integer cents so the expected totals are exact without any decimal library.
 */

export interface VultrInvoiceItem {
  description: string;
  product: string;
  start_date: string;
  end_date: string;
  units: number;
  unit_type: string;
  unit_price: number;
  total: number;
}

export interface VultrExpectedCost {
  account: string;
  periodStart: string;
  periodEnd: string;
  /** Exact decimal string. */
  amount: string;
  product: string;
  /** `invoice` or `pending`. */
  source: string;
}

interface Line {
  product: string;
  description: string;
  cents: number;
  hours: number;
}

const products = ["Cloud Compute", "Block Storage", "Managed Database", "Load Balancer", "Object Storage", "Bandwidth"] as const;

const day = (d: Date) => d.toISOString().slice(0, 10);
const stamp = (d: string, end = false) => `${d}T${end ? "23:59:59" : "00:00:00"}+00:00`;
const cents = (c: number) => `${c < 0 ? "-" : ""}${Math.floor(Math.abs(c) / 100)}.${String(Math.abs(c) % 100).padStart(2, "0")}`;

export class VultrBilling {
  constructor(
    private readonly estate: VultrEstate,
    private readonly now: () => Date,
  ) {}

  /** The months billed: the three before the current one (invoiced) and the current one (pending). */
  private months(): { start: string; end: string; invoiceId: number | null; invoiceDate: string | null }[] {
    const now = this.now();
    const out = [];
    for (let back = 3; back >= 0; back--) {
      const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1));
      const last = back === 0 ? now : new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0));
      const next = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 1));
      out.push({
        start: day(first),
        end: day(last),
        invoiceId: back === 0 ? null : 1_000_000 + first.getUTCFullYear() * 100 + first.getUTCMonth() + 1,
        invoiceDate: back === 0 ? null : stamp(day(next)),
      });
    }
    return out;
  }

  private lines(account: string, month: string, days: number): Line[] {
    const out: Line[] = [];
    for (const product of products) {
      const c = Math.round(unit(`${this.estate.seed}:${account}:${month}:${product}`) * 4000 * days) + 1;
      out.push({ product, description: `${product} (${account})`, cents: c, hours: days * 24 });
    }
    // A promotional credit, as Vultr lists it: a negative item.
    out.push({ product: "Credit", description: "Promotional credit", cents: -500, hours: 0 });
    return out;
  }

  private render(l: Line, start: string, end: string): VultrInvoiceItem {
    return {
      description: l.description,
      product: l.product,
      start_date: stamp(start),
      end_date: stamp(end, true),
      units: l.hours,
      unit_type: l.hours > 0 ? "hours" : "credit",
      unit_price: l.hours > 0 ? Number((l.cents / 100 / l.hours).toFixed(4)) : Number(cents(l.cents)),
      total: Number(cents(l.cents)),
    };
  }

  private daysOf(start: string, end: string): number {
    return Math.round((Date.parse(end) - Date.parse(start)) / 86_400_000) + 1;
  }

  invoices(account: string): { id: number; date: string; description: string; amount: number; balance: number }[] {
    return this.months()
      .filter((m) => m.invoiceId !== null)
      .reverse()
      .map((m) => {
        const total = this.lines(account, m.start, this.daysOf(m.start, m.end)).reduce((s, l) => s + l.cents, 0);
        return { id: m.invoiceId as number, date: m.invoiceDate as string, description: `Invoice #${m.invoiceId}`, amount: Number(cents(total)), balance: 0 };
      });
  }

  invoiceItems(account: string, invoiceId: number): VultrInvoiceItem[] | null {
    const m = this.months().find((x) => x.invoiceId === invoiceId);
    if (!m) return null;
    return this.lines(account, m.start, this.daysOf(m.start, m.end)).map((l) => this.render(l, m.start, m.end));
  }

  pendingCharges(account: string): VultrInvoiceItem[] {
    const m = this.months().at(-1) as { start: string; end: string };
    return this.lines(account, m.start, this.daysOf(m.start, m.end)).map((l) => this.render(l, m.start, m.end));
  }

  /** Billing history: each invoice, then the payment that settled it; newest first. */
  history(account: string): { id: number; date: string; type: string; description: string; amount: number; balance: number }[] {
    const out = [];
    for (const inv of this.invoices(account)) {
      out.push({ id: inv.id * 10 + 1, date: inv.date.replace("00:00:00", "09:00:00"), type: "payment", description: "Payment (card)", amount: -inv.amount, balance: 0 });
      out.push({ id: inv.id, date: inv.date, type: "invoice", description: inv.description, amount: inv.amount, balance: inv.amount });
    }
    return out;
  }

  /** Lines a reader should report for days start..end: those whose period starts in the window. */
  expected(account: string, start: string, end: string): VultrExpectedCost[] {
    const out: VultrExpectedCost[] = [];
    for (const m of this.months()) {
      if (m.start < start || m.start > end) continue;
      for (const l of this.lines(account, m.start, this.daysOf(m.start, m.end))) {
        out.push({ account, periodStart: m.start, periodEnd: m.end, amount: cents(l.cents), product: l.product, source: m.invoiceId === null ? "pending" : "invoice" });
      }
    }
    return out;
  }

  expectedTotal(account: string, start: string, end: string): string {
    let total = 0;
    for (const m of this.months()) {
      if (m.start < start || m.start > end) continue;
      total += this.lines(account, m.start, this.daysOf(m.start, m.end)).reduce((s, l) => s + l.cents, 0);
    }
    return cents(total);
  }
}

/**
 * `GET /v2/instances/{id}/bandwidth`: one entry per day of the last 30 (today included), keyed by
 * `YYYY-MM-DD`, with whole bytes in and out.
 */
export function bandwidthOf(seed: string, id: string, now: Date): Record<string, { incoming_bytes: number; outgoing_bytes: number }> {
  const out: Record<string, { incoming_bytes: number; outgoing_bytes: number }> = {};
  for (let back = 29; back >= 0; back--) {
    const d = day(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - back)));
    out[d] = {
      incoming_bytes: Math.round(unit(`${seed}:${id}:${d}:in`) * 50_000_000_000),
      outgoing_bytes: Math.round(unit(`${seed}:${id}:${d}:out`) * 20_000_000_000),
    };
  }
  return out;
}
