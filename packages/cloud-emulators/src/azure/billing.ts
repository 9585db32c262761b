import { createRng } from "../rng.ts";
import type { AzureEstate, EstateItem } from "./estate.ts";

/**
 * The emulated bill. Every amount is derived from (seed, resource id, day, meter category), so
 * the same estate always costs the same, and nothing is stored: the query endpoint and the
 * test oracle walk the same lazy generator with a resumable cursor.
 *
 * Per live resource and day (from its creation day): one line per meter category its type
 * bills (VMs and storage accounts some Bandwidth too, NSGs nothing). Per subscription and day:
 * one Log Analytics line for a workspace the inventory does not list. Per subscription and
 * month, on its first day: a Tax line and an Azure Support line without resource id. About
 * 1.5 % of resource lines are refunds (negative). Amounts have 2 to 18 decimals, and a few tiny
 * Bandwidth amounts are written in exponent form, as .NET serializers do.
 */
export interface CostLine {
  /** `YYYY-MM-DD`. */
  date: string;
  /** The ARM id as the inventory lists it; for lines of unlisted resources the id as billed; null without resource. */
  resourceId: string | null;
  /** What Cost Management answers: the lower-cased id, or "". */
  billedResourceId: string;
  meterCategory: string;
  /** The amount exactly as the wire carries it (JSON number text). */
  amount: string;
  currency: string;
}

/** ARM type (lower case) → the meter categories it is billed under. */
const metersByType: Readonly<Record<string, readonly string[]>> = {
  "microsoft.compute/virtualmachines": ["Virtual Machines", "Bandwidth"],
  "microsoft.compute/disks": ["Storage"],
  "microsoft.storage/storageaccounts": ["Storage", "Bandwidth"],
  "microsoft.network/virtualnetworks": ["Virtual Network"],
  "microsoft.network/networksecuritygroups": [],
  "microsoft.network/publicipaddresses": ["Virtual Network"],
  "microsoft.network/loadbalancers": ["Load Balancer"],
  "microsoft.network/applicationgateways": ["Application Gateway"],
  "microsoft.sql/servers/databases": ["SQL Database"],
  "microsoft.dbforpostgresql/flexibleservers": ["Azure Database for PostgreSQL"],
  "microsoft.cdn/profiles": ["Content Delivery Network"],
  "microsoft.web/sites": ["Azure App Service"],
  "microsoft.synapse/workspaces": ["Azure Synapse Analytics"],
  "microsoft.containerservice/managedclusters": ["Azure Kubernetes Service"],
};

/** Daily whole-currency range per meter category. */
const dailyRange: Readonly<Record<string, [number, number]>> = {
  "Virtual Machines": [0, 60],
  Storage: [0, 9],
  Bandwidth: [0, 3],
  "Virtual Network": [0, 2],
  "Load Balancer": [0, 5],
  "Application Gateway": [4, 12],
  "SQL Database": [0, 40],
  "Azure Database for PostgreSQL": [0, 30],
  "Content Delivery Network": [0, 6],
  "Azure App Service": [0, 15],
  "Azure Synapse Analytics": [5, 120],
  "Azure Kubernetes Service": [2, 10],
  "Log Analytics": [1, 25],
  Tax: [20, 400],
  "Azure Support": [29, 30],
};

const decimalChoices = [2, 2, 2, 4, 6, 8, 10, 12, 14, 16, 18] as const;

export function metersFor(seed: string, item: EstateItem): readonly string[] {
  const meters = metersByType[item.type.toLowerCase()] ?? [];
  if (!meters.includes("Bandwidth")) return meters;
  // Only some VMs and storage accounts move enough data to be billed for it.
  return createRng(`${seed}:bandwidth:${item.id.toLowerCase()}`).next() < 0.5 ? meters : meters.filter((m) => m !== "Bandwidth");
}

export function currencyOf(estate: AzureEstate, subscriptionId: string): string {
  const k = estate.subscriptions.findIndex((s) => s.toLowerCase() === subscriptionId.toLowerCase());
  return k % 3 === 2 ? "EUR" : "USD";
}

/** One amount, as the wire writes it. */
export function amountFor(seed: string, key: string, meterCategory: string, allowRefund: boolean): string {
  const rng = createRng(`${seed}:cost:${key}:${meterCategory}`);
  const [min, max] = dailyRange[meterCategory] ?? [0, 10];
  const decimals = rng.pick(decimalChoices);
  if (meterCategory === "Bandwidth" && rng.next() < 0.05) {
    // A tiny amount in exponent form: 4.25E-07.
    return `${rng.int(1, 10)}.${rng.int(10, 100)}E-0${rng.int(5, 8)}`;
  }
  const refund = allowRefund && rng.next() < 0.015;
  const whole = refund ? rng.int(0, 3) : rng.int(min, max);
  let frac = "";
  for (let i = 0; i < decimals; i++) frac += String(rng.int(0, 10));
  // The last digit is never 0, so the text is already the shortest form of its value.
  frac = `${frac.slice(0, -1)}${rng.int(1, 10)}`;
  return `${refund ? "-" : ""}${whole}.${frac}`;
}

/** Resumable position in a subscription's bill: item position `p` (−1: account lines), day `d`, line `m`. */
export interface BillCursor {
  p: number;
  d: number;
  m: number;
}

export const billStart: BillCursor = { p: 0, d: 0, m: 0 };

export function encodeBillCursor(c: BillCursor): string {
  return Buffer.from(`b:${c.p}:${c.d}:${c.m}`, "utf8").toString("base64url");
}

export function decodeBillCursor(token: string): BillCursor | null {
  const m = /^b:(-?\d+):(\d+):(\d+)$/.exec(Buffer.from(token, "base64url").toString("utf8"));
  return m ? { p: Number(m[1]), d: Number(m[2]), m: Number(m[3]) } : null;
}

/** Every day from `from` to `to`, both inclusive, as `YYYY-MM-DD`. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}

function workspaceId(subscriptionId: string): string {
  return `/subscriptions/${subscriptionId}/resourcegroups/rg-monitoring/providers/microsoft.operationalinsights/workspaces/log-${subscriptionId.slice(0, 8)}`.toLowerCase();
}

function accountLines(seed: string, subscriptionId: string, day: string, currency: string): CostLine[] {
  const lines: CostLine[] = [];
  const ws = workspaceId(subscriptionId);
  lines.push({
    date: day,
    resourceId: ws,
    billedResourceId: ws,
    meterCategory: "Log Analytics",
    amount: amountFor(seed, `${ws}:${day}`, "Log Analytics", false),
    currency,
  });
  if (day.endsWith("-01")) {
    for (const meterCategory of ["Tax", "Azure Support"]) {
      lines.push({
        date: day,
        resourceId: null,
        billedResourceId: "",
        meterCategory,
        amount: amountFor(seed, `${subscriptionId.toLowerCase()}:${day}`, meterCategory, false),
        currency,
      });
    }
  }
  return lines;
}

/** The bill of one subscription over [from, to], from a cursor; each line comes with the cursor after it. */
export function* billLines(
  estate: AzureEstate,
  subscriptionId: string,
  days: readonly string[],
  from: BillCursor = billStart,
): Generator<{ line: CostLine; next: BillCursor }> {
  const seed = estate.seed;
  const currency = currencyOf(estate, subscriptionId);
  let { p, d, m } = from;
  if (p >= 0) {
    for (;;) {
      const item = estate.slot(subscriptionId, p);
      if (item === undefined) break;
      if (item) {
        const meters = metersFor(seed, item);
        const created = item.createdTime.slice(0, 10);
        const billed = item.id.toLowerCase();
        for (; d < days.length; d++, m = 0) {
          const day = days[d] as string;
          if (day < created) continue;
          for (; m < meters.length; m++) {
            const meterCategory = meters[m] as string;
            yield {
              line: {
                date: day,
                resourceId: item.id,
                billedResourceId: billed,
                meterCategory,
                amount: amountFor(seed, `${billed}:${day}`, meterCategory, true),
                currency,
              },
              next: { p, d, m: m + 1 },
            };
          }
        }
      }
      p += 1;
      d = 0;
      m = 0;
    }
    p = -1;
    d = 0;
    m = 0;
  }
  for (; d < days.length; d++, m = 0) {
    const lines = accountLines(seed, subscriptionId, days[d] as string, currency);
    for (; m < lines.length; m++) yield { line: lines[m] as CostLine, next: { p: -1, d, m: m + 1 } };
  }
}
