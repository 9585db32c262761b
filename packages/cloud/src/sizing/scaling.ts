import { HOURS_PER_MONTH, volumeTypes } from "./size-table.ts";
import type { ResourceSizing } from "./sizing.ts";

/** Mirrors `scaling_action` and `scaling_trigger` of @cloudsync/db (checked in the worker). */
export const scalingActions = ["scale_up", "scale_down", "scale_out", "scale_in"] as const;
export type ScalingAction = (typeof scalingActions)[number];
export const scalingTriggers = ["manual", "auto_cpu", "auto_memory", "auto_requests", "scheduled"] as const;
export type ScalingTrigger = (typeof scalingTriggers)[number];

export interface ScalingChange {
  action: ScalingAction;
  /** What decided the action, in words, for `scaling_reason`. */
  reason: string;
  /** Change of the monthly cost in USD (positive: dearer), or null when neither rule can tell. */
  monthlyCostImpact: number | null;
  /** How the cost impact was found. */
  costBasis: "price_table" | "daily_cost" | null;
}

/** The fields that make a size; a change of anything else (the price alone) is no resize. */
const sizeFields = ["size", "vcpus", "memoryGib", "storageGib", "volumeType", "desiredCapacity"] as const;

/** Days in the month the price tables use, so both cost rules agree on what a month is. */
const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;

/**
 * What a change of sizing was (docs/coverage.md, "Scaling history"), or null when the size did
 * not change. In order:
 * 1. a group's desired capacity grew or shrank: `scale_out` / `scale_in`;
 * 2. otherwise the first of vCPUs, memory, storage, volume type rank that both sizes know and
 *    that differs decides `scale_up` / `scale_down` (m5.large → c5.large keeps 2 vCPUs and
 *    halves memory: down);
 * 3. otherwise the list price decides; a change none of these can order (sizes the table does
 *    not know) is still recorded, as `scale_up`, and its reason says the direction is unknown.
 * The cost impact is the difference of the monthly list prices when both are known; otherwise
 * the resource's daily cost before, times the capacity ratio minus one, over a month; otherwise
 * null.
 */
export function scalingChangeOf(
  before: ResourceSizing | null,
  after: ResourceSizing | null,
  dailyCostBefore?: number | null,
): ScalingChange | null {
  if (!before || !after) return null;
  if (sizeFields.every((f) => before[f] === after[f])) return null;
  const cost = (ratio: number | undefined): Pick<ScalingChange, "monthlyCostImpact" | "costBasis"> => {
    if (before.monthlyUsd !== undefined && after.monthlyUsd !== undefined) {
      return { monthlyCostImpact: round(after.monthlyUsd - before.monthlyUsd), costBasis: "price_table" };
    }
    if (ratio !== undefined && Number.isFinite(ratio) && dailyCostBefore && dailyCostBefore > 0) {
      return { monthlyCostImpact: round(dailyCostBefore * DAYS_PER_MONTH * (ratio - 1)), costBasis: "daily_cost" };
    }
    return { monthlyCostImpact: null, costBasis: null };
  };

  if (before.desiredCapacity !== undefined && after.desiredCapacity !== undefined && before.desiredCapacity !== after.desiredCapacity) {
    const out = after.desiredCapacity > before.desiredCapacity;
    return {
      action: out ? "scale_out" : "scale_in",
      reason: `desired capacity ${before.desiredCapacity} → ${after.desiredCapacity}`,
      ...cost(before.desiredCapacity > 0 ? after.desiredCapacity / before.desiredCapacity : undefined),
    };
  }

  const label = (s: ResourceSizing) =>
    [s.size, s.storageGib !== undefined ? `${s.storageGib} GiB` : undefined, s.volumeType].filter(Boolean).join(" ") || "unknown size";
  const what = `${label(before)} → ${label(after)}`;
  const rank = (s: ResourceSizing) => (s.volumeType ? volumeTypes[s.volumeType]?.rank : undefined);
  const measures: [string, number | undefined, number | undefined][] = [
    ["vCPUs", before.vcpus, after.vcpus],
    ["memory", before.memoryGib, after.memoryGib],
    ["storage", before.storageGib, after.storageGib],
    ["volume type", rank(before), rank(after)],
    ["list price", before.monthlyUsd, after.monthlyUsd],
  ];
  for (const [name, b, a] of measures) {
    if (b === undefined || a === undefined || a === b) continue;
    const ratio = name === "volume type" || name === "list price" ? undefined : a / b;
    return { action: a > b ? "scale_up" : "scale_down", reason: `${what}: ${name} ${b} → ${a}`, ...cost(ratio) };
  }
  return { action: "scale_up", reason: `${what}: sizes the size table does not know, direction unknown`, ...cost(undefined) };
}

/**
 * The trigger a scaling activity's cause names (AWS Auto Scaling's `Cause`: "… a user request
 * …", "… an alarm … CPUUtilization …", "… scheduled action …"). No cause, or one that names
 * none of these: `manual`.
 */
export function scalingTriggerOf(cause: string | null | undefined): ScalingTrigger {
  if (!cause) return "manual";
  if (/scheduled action/i.test(cause)) return "scheduled";
  if (/user request/i.test(cause)) return "manual";
  if (/memory/i.test(cause)) return "auto_memory";
  if (/request ?count|requests/i.test(cause)) return "auto_requests";
  if (/cpu/i.test(cause)) return "auto_cpu";
  return "manual";
}

/** The newest scaling activity a configuration carries (`Activities`, as DescribeScalingActivities returns them), if any. */
export function latestScalingActivity(configuration: Record<string, unknown>): { cause: string | null; startedAt: string | null; endedAt: string | null } | null {
  const list = configuration.Activities;
  if (!Array.isArray(list)) return null;
  let best: { cause: string | null; startedAt: string | null; endedAt: string | null } | null = null;
  for (const item of list) {
    if (!item || typeof item !== "object") continue;
    const a = item as Record<string, unknown>;
    const startedAt = typeof a.StartTime === "string" ? a.StartTime : null;
    if (best && (startedAt ?? "") <= (best.startedAt ?? "")) continue;
    best = { cause: typeof a.Cause === "string" ? a.Cause : null, startedAt, endedAt: typeof a.EndTime === "string" ? a.EndTime : null };
  }
  return best;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
