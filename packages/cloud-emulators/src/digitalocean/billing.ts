import { hashString } from "../rng.ts";
import type { DoEstate, DoItem } from "./estate.ts";

/**
 * The bill as `/v2/customers/my/balance`, `/v2/customers/my/invoices` and
 * `/v2/customers/my/invoices/{invoice_uuid}` render it: one invoice per closed month, the
 * running month as `invoice_preview`, each with one item per billed resource. Amounts are
 * decimal strings with two places, as DigitalOcean writes them; all in USD, its only billing
 * currency. Items cover whole hours of the month, so they are a function of (team, month).
 */

export interface DoInvoiceItem {
  product: string;
  resource_uuid: string;
  resource_id: string;
  group_description: string;
  description: string;
  amount: string;
  duration: string;
  duration_unit: string;
  start_time: string;
  end_time: string;
  project_name: string;
  category: string;
}

export interface DoInvoice {
  invoice_uuid: string;
  amount: string;
  invoice_period: string;
  updated_at: string;
}

/** What the adapter should report for one item, independently computed. */
export interface DoExpectedCost {
  account: string;
  periodStart: string;
  periodEnd: string;
  amount: string;
  resourceId: string | null;
  service: string;
}

const productOf: Partial<Record<DoItem["kind"], string>> = {
  do_droplet: "Droplets",
  do_volume: "Volumes",
  do_database: "Managed Databases",
  do_load_balancer: "Load Balancers",
  do_kubernetes_cluster: "Kubernetes Clusters",
};

/** Cents → "12.34". */
export function centsToDecimal(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

function monthStart(period: string): Date {
  const [y, m] = period.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1, 1));
}

function periodOf(d: Date): string {
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

export class DoBilling {
  constructor(
    private readonly estate: DoEstate,
    private readonly now: () => Date,
    /** Closed months served as invoices (before the running one). */
    private readonly closedMonths: number,
  ) {}

  /** `YYYY-MM` of the running month. */
  currentPeriod(): string {
    return periodOf(this.now());
  }

  /** Invoice periods, newest first (as the API lists them). */
  closedPeriods(): string[] {
    const n = this.now();
    return Array.from({ length: this.closedMonths }, (_, i) => periodOf(new Date(Date.UTC(n.getUTCFullYear(), n.getUTCMonth() - 1 - i, 1))));
  }

  invoiceUuid(teamId: string, period: string): string {
    const h = hashString(`${teamId}/${period}`).toString(16).padStart(8, "0");
    return `${h}-aaaa-4bbb-8ccc-${String(period).replace("-", "").padStart(12, "0")}`;
  }

  /** Items of one team's month; the running month's cover the 1st up to today's midnight. */
  items(teamId: string, period: string): DoInvoiceItem[] {
    const start = monthStart(period);
    const running = period === this.currentPeriod();
    const nextMonth = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
    const todayMidnight = new Date(Date.UTC(this.now().getUTCFullYear(), this.now().getUTCMonth(), this.now().getUTCDate()));
    const end = running ? todayMidnight : nextMonth;
    const hours = Math.round((end.getTime() - start.getTime()) / 3_600_000);
    if (hours <= 0) return [];
    const out: DoInvoiceItem[] = [];
    for (const kind of Object.keys(productOf) as DoItem["kind"][]) {
      for (const item of this.estate.list(teamId, kind)) {
        // A resource's hourly rate in tenths of a cent, from its id: stable across runs.
        const milliPerHour = 5 + (hashString(item.id) % 400);
        const cents = Math.round((milliPerHour * hours) / 10);
        out.push({
          product: productOf[kind] as string,
          resource_uuid: kind === "do_droplet" ? `droplet-${item.id}` : item.id,
          resource_id: item.id,
          group_description: "",
          description: `${item.expected.name} (${String(item.raw.size_slug ?? item.raw.size ?? "")})`,
          amount: centsToDecimal(cents),
          duration: String(hours),
          duration_unit: "Hours",
          start_time: start.toISOString().replace(".000Z", "Z"),
          end_time: end.toISOString().replace(".000Z", "Z"),
          project_name: "Wedding platform",
          category: "iaas",
        });
      }
    }
    return out;
  }

  invoice(teamId: string, period: string): DoInvoice {
    const cents = this.items(teamId, period).reduce((s, i) => s + Math.round(Number(i.amount) * 100), 0);
    const next = new Date(Date.UTC(monthStart(period).getUTCFullYear(), monthStart(period).getUTCMonth() + 1, 1));
    return { invoice_uuid: this.invoiceUuid(teamId, period), amount: centsToDecimal(cents), invoice_period: period, updated_at: next.toISOString().replace(".000Z", "Z") };
  }

  /** Usage not yet on the preview's items (DigitalOcean itemizes some products with a delay). */
  unitemizedCents(teamId: string): number {
    return 100 + (hashString(`${teamId}/${this.currentPeriod()}/unitemized`) % 900);
  }

  balance(teamId: string): Record<string, string> {
    const preview = this.invoice(teamId, this.currentPeriod());
    const usage = Math.round(Number(preview.amount) * 100) + this.unitemizedCents(teamId);
    return {
      month_to_date_balance: centsToDecimal(usage),
      account_balance: "0.00",
      month_to_date_usage: centsToDecimal(usage),
      generated_at: this.now().toISOString().replace(/\.\d{3}Z$/, "Z"),
    };
  }

  /**
   * Expected lines for a window: every item of a month whose period starts inside it (the
   * adapter reports a line under its first day), and for the running month the unitemized rest.
   */
  expected(teamId: string, start: string, end: string): DoExpectedCost[] {
    const out: DoExpectedCost[] = [];
    for (const period of [this.currentPeriod(), ...this.closedPeriods()]) {
      const first = day(monthStart(period));
      if (first < start || first > end) continue;
      for (const item of this.items(teamId, period)) {
        const last = day(new Date(new Date(item.end_time).getTime() - 86_400_000));
        out.push({ account: teamId, periodStart: first, periodEnd: last, amount: item.amount, resourceId: item.resource_id, service: item.product });
      }
      if (period === this.currentPeriod()) {
        const today = day(this.now());
        out.push({ account: teamId, periodStart: first, periodEnd: today, amount: centsToDecimal(this.unitemizedCents(teamId)), resourceId: null, service: "Month-to-date usage not yet itemized" });
      }
    }
    return out;
  }
}
