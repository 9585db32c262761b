import { createRng, hashString, type Rng } from "../rng.ts";
import type { AwsEstate } from "./estate.ts";
import type { AwsEmulatorKind, EmulatedResource } from "./model.ts";
import { formatPlain, ONE, scaled } from "./money.ts";

/**
 * The bill of the emulated estate, as Cost Explorer would report it: one line per billed
 * resource per day (instances, volumes, load balancers, databases, buckets), a few account-wide
 * lines without a resource (CloudWatch, data transfer with occasional credits, VPC public IPv4,
 * KMS), and on the first of each month the account's tax and support. Every amount is derived
 * from (seed, resource index, day) in exact 10^-10 dollar units; nothing is stored, a day's
 * lines are computed when asked (a small cache spares the pages of one day).
 */

/** Cost Explorer's RESOURCE_ID value for costs that belong to no resource. */
export const NO_RESOURCE_ID = "NoResourceId";

export const costServices = {
  ec2: "Amazon Elastic Compute Cloud - Compute",
  ec2Other: "EC2 - Other",
  elb: "Elastic Load Balancing",
  rds: "Amazon Relational Database Service",
  s3: "Amazon Simple Storage Service",
  cloudwatch: "AmazonCloudWatch",
  dataTransfer: "AWS Data Transfer",
  vpc: "Amazon Virtual Private Cloud",
  kms: "AWS Key Management Service",
  tax: "Tax",
  supportBusiness: "AWS Support (Business)",
  supportDeveloper: "AWS Support (Developer)",
} as const;

/** One resource-level line of one account and day. */
export interface EmulatedCostLine {
  account: string;
  /** YYYY-MM-DD. */
  date: string;
  service: string;
  /** The resource's id as the inventory reports it, or `NoResourceId`. */
  resourceId: string;
  /** 10^-10 dollars. */
  amount: bigint;
  /** Usage in 10^-10 of `unit`. */
  quantity: bigint;
  unit: string;
  /** Tax and support print like invoices ("29", "12.34"); usage prints all ten decimals. */
  invoiceStyle: boolean;
}

/** A line as a test should see it once grouped (by service, or by service and resource). */
export interface AwsExpectedCostLine {
  account: string;
  date: string;
  service: string;
  /** null for service-level lines and for `NoResourceId`. */
  resourceId: string | null;
  /** Exact decimal, without trailing zeros. */
  amount: string;
  quantity: string;
  /** "N/A" when a service-level line mixes units, as Cost Explorer says. */
  unit: string;
}

const billedKinds: ReadonlySet<AwsEmulatorKind> = new Set(["ec2_instance", "ebs_volume", "elb_load_balancer", "rds_instance", "s3_bucket"]);

const ec2Hourly: Record<string, string> = {
  "t3.nano": "0.0052",
  "t3.micro": "0.0104",
  "t4g.micro": "0.0084",
  "t3.small": "0.0208",
  "t3.medium": "0.0416",
  "m5.large": "0.096",
  "c6i.large": "0.085",
  "m5.xlarge": "0.192",
  "r6g.2xlarge": "0.4032",
  "c5.4xlarge": "0.68",
  "m7i.48xlarge": "9.6768",
  "mac1.metal": "1.083",
  "u-6tb1.112xlarge": "54.6",
};
const rdsHourly: Record<string, string> = {
  "db.t3.micro": "0.017",
  "db.t4g.small": "0.032",
  "db.t3.medium": "0.068",
  "db.m5.large": "0.171",
  "db.r6g.xlarge": "0.43",
  "db.r5.4xlarge": "1.92",
  "db.serverless": "0.12",
};
const ebsPerGbMonth: Record<string, string> = { gp3: "0.08", gp2: "0.1", io2: "0.125", st1: "0.045", sc1: "0.015" };
const billedInstanceStates = new Set(["running", "pending", "stopping", "shutting-down"]);

export interface CostBookOptions {
  seedHash: number;
  estate: AwsEstate;
  accounts: readonly string[];
  /** The emulator's today (YYYY-MM-DD): days from today on have no costs yet. */
  today: () => string;
}

export interface AwsCostBook {
  /** Every resource-level line of one account and day (none from today on). */
  linesOf(account: string, date: string): readonly EmulatedCostLine[];
  /** Lines grouped the way the adapter asks: by service, or by service and resource. */
  expected(account: string, start: string, end: string, options?: { byResource?: boolean }): Iterable<AwsExpectedCostLine>;
  /** The exact sum of the account's bill over [start, end] (inclusive days), normalized. */
  total(account: string, start: string, end: string): string;
}

export function createAwsCostBook(options: CostBookOptions): AwsCostBook {
  const { seedHash, estate } = options;
  const cache = new Map<string, readonly EmulatedCostLine[]>();

  function compute(account: string, date: string): EmulatedCostLine[] {
    if (date >= options.today()) return [];
    const lines: EmulatedCostLine[] = [];
    const days = daysInMonth(date);
    for (const scope of estate.scopes) {
      if (scope.account !== account || !billedKinds.has(scope.kind)) continue;
      let position: number | undefined = 0;
      while (position !== undefined) {
        const page: { items: EmulatedResource[]; next?: number } = estate.page(scope, position, 1000);
        for (const item of page.items) {
          const line = resourceLine(seedHash, item, date, days);
          if (line) lines.push(line);
        }
        position = page.next;
      }
    }
    lines.push(...accountLines(seedHash, account, date, account === options.accounts[0]));
    return lines;
  }

  function linesOf(account: string, date: string): readonly EmulatedCostLine[] {
    const key = `${account}|${date}|${options.today()}`;
    let lines = cache.get(key);
    if (!lines) {
      lines = compute(account, date);
      if (cache.size >= 16) cache.delete(cache.keys().next().value as string);
      cache.set(key, lines);
    }
    return lines;
  }

  return {
    linesOf,
    *expected(account, start, end, opts = {}) {
      for (const date of eachDay(start, end)) {
        for (const group of groupLines(linesOf(account, date), opts.byResource ? ["SERVICE", "RESOURCE_ID"] : ["SERVICE"])) {
          const service = group.keys[0] as string;
          const resource = opts.byResource ? (group.keys[1] as string) : NO_RESOURCE_ID;
          yield {
            account,
            date,
            service,
            resourceId: resource === NO_RESOURCE_ID ? null : resource,
            amount: formatPlain(group.amount),
            quantity: formatPlain(group.quantity),
            unit: group.unit,
          };
        }
      }
    },
    total(account, start, end) {
      let sum = 0n;
      for (const date of eachDay(start, end)) for (const line of linesOf(account, date)) sum += line.amount;
      return formatPlain(sum);
    },
  };
}

export type CostGroupKey = "SERVICE" | "RESOURCE_ID" | "LINKED_ACCOUNT";

export interface CostGroup {
  keys: string[];
  amount: bigint;
  quantity: bigint;
  unit: string;
  /** Every line of the group prints invoice-style (tax, support). */
  invoiceStyle: boolean;
}

/** Sums lines by the asked dimensions, in first-seen order (Cost Explorer's order is its own too). */
export function groupLines(lines: Iterable<EmulatedCostLine>, by: readonly CostGroupKey[]): CostGroup[] {
  const groups = new Map<string, CostGroup>();
  for (const line of lines) {
    const keys = by.map((k) => (k === "SERVICE" ? line.service : k === "RESOURCE_ID" ? line.resourceId : line.account));
    const id = keys.join("\u0000");
    const group = groups.get(id);
    if (!group) {
      groups.set(id, { keys, amount: line.amount, quantity: line.quantity, unit: line.unit, invoiceStyle: line.invoiceStyle });
      continue;
    }
    group.amount += line.amount;
    group.quantity += line.quantity;
    if (group.unit !== line.unit) group.unit = "N/A";
    group.invoiceStyle &&= line.invoiceStyle;
  }
  return [...groups.values()];
}

function lineRng(seedHash: number, index: number | string, date: string, salt: string): Rng {
  return createRng((seedHash ^ hashString(`${index}|${date}|${salt}`)) >>> 0);
}

/** Up to `max` units of 10^-10, so amounts carry many decimals. */
function jitter(rng: Rng, max: number): bigint {
  return BigInt(rng.int(0, max));
}

function resourceLine(seedHash: number, item: EmulatedResource, date: string, days: number): EmulatedCostLine | undefined {
  const rng = lineRng(seedHash, item.index, date, "resource");
  const base = { account: item.account, date, resourceId: item.id, invoiceStyle: false };
  switch (item.kind) {
    case "ec2_instance": {
      if (!billedInstanceStates.has(item.state)) return undefined;
      const hours = item.state === "running" ? 24 : rng.int(1, 24);
      const rate = scaled(ec2Hourly[item.size] ?? "0.05");
      return {
        ...base,
        service: costServices.ec2,
        amount: rate * BigInt(hours) + jitter(rng, 1_000_000),
        quantity: BigInt(hours) * ONE,
        unit: "Hrs",
      };
    }
    case "ebs_volume": {
      const gib = BigInt(Number(item.size) || 8);
      const rate = scaled(ebsPerGbMonth[item.extra.volumeType ?? ""] ?? "0.08");
      return {
        ...base,
        service: costServices.ec2Other,
        amount: (gib * rate) / BigInt(days) + jitter(rng, 10_000),
        quantity: (gib * ONE) / BigInt(days),
        unit: "GB-Mo",
      };
    }
    case "elb_load_balancer":
      return {
        ...base,
        service: costServices.elb,
        amount: scaled("0.0225") * 24n + jitter(rng, 5_000_000_000),
        quantity: 24n * ONE,
        unit: "Hrs",
      };
    case "rds_instance": {
      const storage = (BigInt(Number(item.extra.storageGb) || 20) * scaled("0.115")) / BigInt(days);
      const compute = item.state === "stopped" ? 0n : scaled(rdsHourly[item.size] ?? "0.1") * 24n;
      return {
        ...base,
        service: costServices.rds,
        amount: compute + storage + jitter(rng, 1_000_000),
        quantity: (item.state === "stopped" ? 0n : 24n) * ONE,
        unit: "Hrs",
      };
    }
    case "s3_bucket": {
      // The bucket's size is a property of the bucket, not of the day.
      const gb = BigInt(createRng((seedHash ^ Math.imul(item.index + 7, 0x85ebca6b)) >>> 0).int(1, 40_000));
      return {
        ...base,
        service: costServices.s3,
        amount: (gb * scaled("0.023")) / BigInt(days) + jitter(rng, 200_000_000),
        quantity: (gb * ONE) / BigInt(days),
        unit: "GB-Mo",
      };
    }
    default:
      return undefined;
  }
}

function accountLines(seedHash: number, account: string, date: string, management: boolean): EmulatedCostLine[] {
  const rng = lineRng(seedHash, account, date, "account");
  const line = (service: string, amount: bigint, quantity: bigint, unit: string, invoiceStyle = false): EmulatedCostLine => ({
    account,
    date,
    service,
    resourceId: NO_RESOURCE_ID,
    amount,
    quantity,
    unit,
    invoiceStyle,
  });
  const lines = [
    line(costServices.cloudwatch, BigInt(rng.int(5_000_000, 50_000_000)) * 1000n + jitter(rng, 1000), BigInt(rng.int(10, 400)) * ONE, "Metrics"),
  ];
  // Data transfer, with a credit on about one day in five that can outweigh it (a negative line).
  const transferGb = BigInt(rng.int(1, 2000));
  let transfer = (transferGb * scaled("0.09")) / 10n + jitter(rng, 100_000);
  if (rng.next() < 0.2) transfer -= BigInt(rng.int(1, 3000)) * (ONE / 100n);
  lines.push(line(costServices.dataTransfer, transfer, (transferGb * ONE) / 10n, "GB"));
  const addresses = BigInt(rng.int(1, 12));
  lines.push(line(costServices.vpc, addresses * 24n * scaled("0.005"), addresses * 24n * ONE, "Hrs"));
  // A service the adapter has no category for; it must fall back to its documented default.
  if (rng.next() < 0.3) lines.push(line(costServices.kms, BigInt(rng.int(1, 30_000)) * 100_000n, BigInt(rng.int(1, 10_000)) * ONE, "Requests"));
  if (date.endsWith("-01")) {
    const month = lineRng(seedHash, account, date.slice(0, 7), "invoice");
    lines.push(line(costServices.tax, BigInt(month.int(100, 90_000)) * (ONE / 100n), 0n, "N/A", true));
    lines.push(
      management
        ? line(costServices.supportBusiness, BigInt(month.int(10_000, 500_000)) * (ONE / 100n), 0n, "N/A", true)
        : line(costServices.supportDeveloper, 29n * ONE, 0n, "N/A", true),
    );
  }
  return lines;
}

// ----- calendar days as YYYY-MM-DD -----

const DAY_MS = 86_400_000;

export function isDate(text: unknown): text is string {
  if (typeof text !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const ms = Date.parse(`${text}T00:00:00Z`);
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === text;
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Inclusive range of days. */
export function* eachDay(start: string, end: string): Generator<string> {
  for (let d = start; d <= end; d = addDays(d, 1)) yield d;
}

export function daysBetween(start: string, end: string): number {
  return Math.round((Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / DAY_MS);
}

function daysInMonth(date: string): number {
  const [y, m] = date.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}
