import type { Group, ResultByTime } from "@aws-sdk/client-cost-explorer";
import { isDecimal, normalizeDecimal } from "../common/decimal.ts";
import type { CostCategory, NormalizedCostLine } from "../types.ts";

/**
 * Pure mappings from Cost Explorer's answers onto NormalizedCostLine, and the calendar logic of
 * the cost window. Nothing here touches the network; every function is table-tested.
 */

/** Where a service neither the table nor the patterns know lands (EC2-like spend is the bulk of most bills). */
export const defaultCostCategory: CostCategory = "compute";

/** Cost Explorer's RESOURCE_ID for costs that belong to no resource (tax, support, data transfer …). */
export const noResourceId = "NoResourceId";

/** Exact SERVICE dimension values, as Cost Explorer spells them. */
const serviceCategories: Readonly<Record<string, CostCategory>> = {
  "Amazon Elastic Compute Cloud - Compute": "compute",
  "EC2 - Other": "compute",
  "Amazon EC2 Container Service": "compute",
  "Amazon Elastic Container Service": "compute",
  "Amazon Elastic Container Service for Kubernetes": "compute",
  "AWS Lambda": "compute",
  "Amazon Lightsail": "compute",
  "Savings Plans for AWS Compute usage": "compute",
  "Amazon Simple Storage Service": "storage",
  "Amazon Elastic Block Store": "storage",
  "Amazon Elastic File System": "storage",
  "Amazon S3 Glacier": "storage",
  "Amazon S3 Glacier Deep Archive": "storage",
  "AWS Backup": "storage",
  "Amazon FSx": "storage",
  "Amazon Relational Database Service": "database",
  "Amazon DynamoDB": "database",
  "Amazon ElastiCache": "database",
  "Amazon Redshift": "database",
  "Amazon DocumentDB (with MongoDB compatibility)": "database",
  "Amazon Neptune": "database",
  "Amazon Virtual Private Cloud": "network",
  "AWS Data Transfer": "network",
  "Elastic Load Balancing": "network",
  "Amazon CloudFront": "network",
  "Amazon Route 53": "network",
  "AWS Direct Connect": "network",
  "AWS Global Accelerator": "network",
  "Amazon API Gateway": "network",
  AmazonCloudWatch: "monitoring",
  "AWS CloudTrail": "monitoring",
  "AWS X-Ray": "monitoring",
  "AWS Config": "monitoring",
  Tax: "tax",
};

/** Families the exact table does not list yet (new support plans, renamed services). */
const servicePatterns: readonly (readonly [RegExp, CostCategory])[] = [
  [/^AWS Support\b/i, "support"],
  [/^AWS (Enterprise|Business|Developer) Support/i, "support"],
  [/^Tax\b/i, "tax"],
  [/CloudWatch|CloudTrail|X-Ray|Managed (Service for )?Prometheus|Managed Grafana/i, "monitoring"],
  [/Data Transfer|Virtual Private Cloud|Load Balanc|CloudFront|Route ?53|Direct Connect|Global Accelerator|API Gateway|VPN|NAT Gateway|Transit Gateway/i, "network"],
  [/Database|RDS|DynamoDB|ElastiCache|Redshift|Aurora|DocumentDB|Neptune|Keyspaces|Timestream|MemoryDB/i, "database"],
  [/Storage|S3|Glacier|Block Store|File System|FSx|Backup|Storage Gateway/i, "storage"],
];

/**
 * The cost category of a Cost Explorer line. `EC2 - Other` is a bag (EBS volumes and snapshots,
 * NAT gateways, Elastic IPs): with a resource id the line is refined by the id's prefix, without
 * one it stays compute. Unknown services fall back to `defaultCostCategory`.
 */
export function costCategoryOf(service: string, resourceId: string | null = null): CostCategory {
  if (service === "EC2 - Other" && resourceId) {
    if (/^(vol|snap)-/.test(resourceId)) return "storage";
    if (/^(nat|eipalloc|eni|tgw-attach|vpce)-/.test(resourceId)) return "network";
  }
  const exact = Object.hasOwn(serviceCategories, service) ? serviceCategories[service] : undefined;
  if (exact) return exact;
  for (const [pattern, category] of servicePatterns) if (pattern.test(service)) return category;
  return defaultCostCategory;
}

// ----- calendar -----

const DAY_MS = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isIsoDate(text: unknown): text is string {
  if (typeof text !== "string" || !DATE.test(text)) return false;
  const ms = Date.parse(`${text}T00:00:00Z`);
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === text;
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** A stretch of days read with one API: inclusive `start`/`end`. */
export interface CostWindowSegment {
  start: string;
  end: string;
  byResource: boolean;
}

/**
 * How many days back GetCostAndUsageWithResources reaches. AWS says "the start date cannot be
 * earlier than 14 days ago"; one day is kept in hand so a request made around midnight UTC, or
 * by a clock a little ahead of AWS's, is not refused.
 */
export const resourceLevelDays = 13;

/**
 * Splits [start, end] (inclusive) into a service-level part and, when resource-level data is
 * wanted, a resource-level part covering the days from `today - resourceLevelDays` on. Days after
 * `today` are dropped: Cost Explorer has nothing for them yet.
 */
export function costWindowSegments(start: string, end: string, today: string, byResource: boolean): CostWindowSegment[] {
  const last = end < today ? end : today;
  if (start > last) return [];
  if (!byResource) return [{ start, end: last, byResource: false }];
  const earliest = addDays(today, -resourceLevelDays);
  if (last < earliest) return [{ start, end: last, byResource: false }];
  if (start >= earliest) return [{ start, end: last, byResource: true }];
  return [
    { start, end: addDays(earliest, -1), byResource: false },
    { start: earliest, end: last, byResource: true },
  ];
}

// ----- lines -----

export interface CostResultContext {
  account: string;
  /** The dimensions the request grouped by, in order: they name `Group.Keys`. */
  groupBy: readonly ("SERVICE" | "RESOURCE_ID")[];
  /** The operation that answered, kept in billingDetails. */
  source: "GetCostAndUsage" | "GetCostAndUsageWithResources";
}

export interface CostResultOutcome {
  lines: NormalizedCostLine[];
  skipped: { itemId: string | null; reason: string }[];
}

/** The id a skipped row is reported under: `day/service[/resource]`, as the keys say. */
export function costItemId(date: string | undefined, keys: readonly (string | undefined)[] | undefined): string | null {
  const parts = (keys ?? []).filter((k): k is string => typeof k === "string" && k !== "");
  if (!date && parts.length === 0) return null;
  return [date ?? "?", ...parts].join("/");
}

/**
 * One day of Cost Explorer's answer (a ResultByTime) as lines: one per group. A group that
 * cannot be trusted is skipped with a reason, the rest of the day is kept; a day whose period
 * is unreadable skips all its groups.
 */
export function normalizeCostResult(result: ResultByTime, ctx: CostResultContext): CostResultOutcome {
  const outcome: CostResultOutcome = { lines: [], skipped: [] };
  const start = result.TimePeriod?.Start;
  const endExclusive = result.TimePeriod?.End;
  const groups = result.Groups ?? [];
  if (!isIsoDate(start) || !isIsoDate(endExclusive) || addDays(start, 1) !== endExclusive) {
    const reason = `unreadable daily period ${JSON.stringify(result.TimePeriod ?? null)}`;
    for (const g of groups) outcome.skipped.push({ itemId: costItemId(isIsoDate(start) ? start : undefined, g.Keys), reason });
    return outcome;
  }
  for (const group of groups) {
    const line = normalizeCostGroup(group, start, result.Estimated === true, ctx);
    if ("reason" in line) outcome.skipped.push(line);
    else outcome.lines.push(line);
  }
  return outcome;
}

export function normalizeCostGroup(
  group: Group,
  date: string,
  estimated: boolean,
  ctx: CostResultContext,
): NormalizedCostLine | { itemId: string | null; reason: string } {
  const itemId = costItemId(date, group.Keys);
  const fail = (reason: string) => ({ itemId, reason });
  const keys = group.Keys ?? [];
  if (keys.length !== ctx.groupBy.length) return fail(`expected ${ctx.groupBy.length} group keys, got ${keys.length}`);
  const keyOf = (dimension: "SERVICE" | "RESOURCE_ID") => {
    const i = ctx.groupBy.indexOf(dimension);
    return i < 0 ? undefined : keys[i];
  };
  const service = keyOf("SERVICE");
  if (!service) return fail("line without a SERVICE key");
  const rawResource = keyOf("RESOURCE_ID");
  const resourceId = rawResource && rawResource !== noResourceId ? rawResource : null;

  const cost = group.Metrics?.UnblendedCost;
  if (!cost || typeof cost.Amount !== "string" || !isDecimal(cost.Amount)) {
    return fail(`UnblendedCost has no decimal amount (${JSON.stringify(cost?.Amount ?? null)})`);
  }
  const currency = cost.Unit;
  if (!currency || !/^[A-Z]{3}$/.test(currency)) return fail(`UnblendedCost has no ISO 4217 unit (${JSON.stringify(currency ?? null)})`);

  const usage: Record<string, unknown> = {};
  const quantity = group.Metrics?.UsageQuantity;
  if (quantity && typeof quantity.Amount === "string" && isDecimal(quantity.Amount)) {
    usage.quantity = normalizeDecimal(quantity.Amount);
    // "N/A" is what Cost Explorer says when a service's usage types mix units.
    if (quantity.Unit && quantity.Unit !== "N/A") usage.unit = quantity.Unit;
  }

  return {
    cloud: "aws",
    account: ctx.account,
    periodStart: date,
    periodEnd: date,
    amount: normalizeDecimal(cost.Amount),
    currency,
    category: costCategoryOf(service, resourceId),
    service,
    resourceId,
    billingDetails: {
      source: ctx.source,
      metric: "UnblendedCost",
      granularity: "DAILY",
      linkedAccount: ctx.account,
      estimated,
    },
    usage,
    tags: {},
  };
}
