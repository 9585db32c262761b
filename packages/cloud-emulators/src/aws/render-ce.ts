import { hashString } from "../rng.ts";
import {
  addDays,
  type AwsCostBook,
  type CostGroup,
  type CostGroupKey,
  daysBetween,
  type EmulatedCostLine,
  groupLines,
  isDate,
  NO_RESOURCE_ID,
} from "./costs.ts";
import type { AwsErrorReply } from "./errors.ts";
import { decodeJsonToken, encodeJsonToken, type JsonReply, jsonErrorReply, jsonOk } from "./json.ts";
import { formatFixed, formatPlain } from "./money.ts";

/**
 * Cost Explorer's GetCostAndUsage and GetCostAndUsageWithResources over the emulated bill.
 * DAILY granularity; GroupBy DIMENSION SERVICE / RESOURCE_ID / LINKED_ACCOUNT (RESOURCE_ID only
 * with resources); Filter by LINKED_ACCOUNT. Pages hold at most `pageSize` groups and may split
 * a day, as Cost Explorer's own pages do.
 */

export interface CostRequestContext {
  caller: string;
  /** Accounts whose bills the caller may see: a management account sees its members. */
  visible: readonly string[];
  book: AwsCostBook;
  today: string;
  pageSize: number;
  /** Whether resource-level data is enabled (Cost Explorer settings) for the caller. */
  resourceLevel: boolean;
  malformed: ReadonlySet<string>;
}

const knownMetrics = new Set(["UnblendedCost", "BlendedCost", "AmortizedCost", "NetUnblendedCost", "NetAmortizedCost", "UsageQuantity", "NormalizedUsageAmount"]);
const costMetrics = new Set(["UnblendedCost", "BlendedCost", "AmortizedCost", "NetUnblendedCost", "NetAmortizedCost"]);

interface CostInput {
  TimePeriod?: { Start?: unknown; End?: unknown };
  Granularity?: unknown;
  Metrics?: unknown;
  GroupBy?: unknown;
  Filter?: unknown;
  NextPageToken?: unknown;
}

/** The linked accounts a request's filter names, for fault matching; undefined without a filter. */
export function linkedAccountsOf(input: unknown): string[] | undefined {
  const filter = (input as CostInput | undefined)?.Filter as { Dimensions?: { Key?: unknown; Values?: unknown } } | undefined;
  const d = filter?.Dimensions;
  return d?.Key === "LINKED_ACCOUNT" && Array.isArray(d.Values) ? d.Values.filter((v): v is string => typeof v === "string") : undefined;
}

export function getCostAndUsage(raw: unknown, ctx: CostRequestContext, withResources: boolean): JsonReply | AwsErrorReply {
  const bad = (message: string) => jsonErrorReply("ce", "invalid_parameter", message);
  const input = (raw ?? {}) as CostInput;
  const start = input.TimePeriod?.Start;
  const end = input.TimePeriod?.End;
  if (!isDate(start) || !isDate(end)) return bad("TimePeriod.Start and TimePeriod.End must be dates of the form YYYY-MM-DD");
  if (start >= end) return bad("Start date (and hour) should be before end date (and hour)");
  if (input.Granularity !== "DAILY") return bad("the emulator serves DAILY granularity only");
  if (!Array.isArray(input.Metrics) || input.Metrics.length === 0) return bad("Metrics must name at least one metric");
  const metrics = input.Metrics as unknown[];
  if (!metrics.every((m): m is string => typeof m === "string" && knownMetrics.has(m))) return bad(`Invalid metrics: ${JSON.stringify(metrics)}`);

  const groupBy = Array.isArray(input.GroupBy) ? (input.GroupBy as { Type?: unknown; Key?: unknown }[]) : [];
  if (groupBy.length > 2) return bad("You can group by up to two dimensions");
  const keys: CostGroupKey[] = [];
  for (const g of groupBy) {
    if (g.Type !== "DIMENSION" || (g.Key !== "SERVICE" && g.Key !== "RESOURCE_ID" && g.Key !== "LINKED_ACCOUNT")) {
      return bad(`the emulator groups by DIMENSION SERVICE, RESOURCE_ID or LINKED_ACCOUNT, not ${JSON.stringify(g)}`);
    }
    if (g.Key === "RESOURCE_ID" && !withResources) return bad("RESOURCE_ID is only supported by GetCostAndUsageWithResources");
    keys.push(g.Key);
  }

  if (input.Filter !== undefined && linkedAccountsOf(input) === undefined) return bad("the emulator filters by DIMENSION LINKED_ACCOUNT only");
  if (withResources) {
    if (input.Filter === undefined) return bad("Filter is required");
    if (!keys.includes("RESOURCE_ID")) return bad("GetCostAndUsageWithResources requires that you either group by or filter by a ResourceId");
    if (!ctx.resourceLevel) {
      return jsonErrorReply("ce", "data_unavailable", "Resource-level data is not enabled for this account. Opt in from the Cost Explorer settings page.");
    }
    if (start < addDays(ctx.today, -14)) return bad("Resource-level data is only available for the last 14 days: the start date cannot be earlier than 14 days ago");
  }
  const named = linkedAccountsOf(input);
  const accounts = named ? ctx.visible.filter((a) => named.includes(a)) : [...ctx.visible];

  const days = daysBetween(start, end);
  const fingerprint = hashString(JSON.stringify({ start, end, metrics, keys, accounts, withResources }));
  let position = [0, 0];
  if (input.NextPageToken !== undefined) {
    const decoded = decodeJsonToken("ce1", input.NextPageToken, 2, fingerprint);
    if (!decoded) return jsonErrorReply("ce", "invalid_token", "The pagination token is invalid or belongs to another request.");
    position = decoded;
  }

  const results: unknown[] = [];
  let [day, index] = position as [number, number];
  let served = 0;
  let next: [number, number] | undefined;
  const currentMonth = ctx.today.slice(0, 8);
  while (day < days) {
    const date = addDays(start, day);
    const lines: EmulatedCostLine[] = accounts.flatMap((a) => [...ctx.book.linesOf(a, date)]);
    const groups = keys.length > 0 ? groupLines(lines, keys) : [];
    const entry = {
      TimePeriod: { Start: date, End: addDays(date, 1) },
      Total: keys.length > 0 ? {} : totalOf(groupLines(lines, []), metrics),
      Groups: [] as unknown[],
      Estimated: date >= `${currentMonth}01`,
    };
    while (index < groups.length && served < ctx.pageSize) {
      const group = groups[index] as CostGroup;
      const id = `${date}/${group.keys.join("/")}`;
      const broken = ctx.malformed.has(id) || group.keys.some((k) => k !== NO_RESOURCE_ID && ctx.malformed.has(k));
      entry.Groups.push({ Keys: group.keys, Metrics: metricsOf(group, metrics, broken) });
      index += 1;
      served += 1;
    }
    results.push(entry);
    if (keys.length === 0) served += 1;
    if (index < groups.length) {
      next = [day, index];
      break;
    }
    day += 1;
    index = 0;
    if (served >= ctx.pageSize && day < days) {
      next = [day, 0];
      break;
    }
  }

  return jsonOk("ce", {
    ...(next ? { NextPageToken: encodeJsonToken("ce1", next, fingerprint) } : {}),
    GroupDefinitions: keys.map((k) => ({ Type: "DIMENSION", Key: k })),
    ResultsByTime: results,
    DimensionValueAttributes: [],
  });
}

function metricsOf(group: CostGroup, metrics: readonly string[], broken: boolean): Record<string, { Amount?: string; Unit: string }> {
  const out: Record<string, { Amount?: string; Unit: string }> = {};
  for (const m of metrics) {
    if (costMetrics.has(m)) {
      // A broken row loses its amount, the way a truncated answer would.
      out[m] = broken ? { Unit: "USD" } : { Amount: group.invoiceStyle ? formatPlain(group.amount) : formatFixed(group.amount), Unit: "USD" };
    } else {
      out[m] = { Amount: formatPlain(group.quantity), Unit: group.unit };
    }
  }
  return out;
}

function totalOf(groups: CostGroup[], metrics: readonly string[]): Record<string, { Amount?: string; Unit: string }> {
  const only = groups[0];
  if (!only) return Object.fromEntries(metrics.map((m) => [m, { Amount: "0", Unit: costMetrics.has(m) ? "USD" : "N/A" }]));
  return metricsOf(only, metrics, false);
}
