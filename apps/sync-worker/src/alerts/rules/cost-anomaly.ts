import type { DailyCostFacts, ResourceFacts, RuleResult } from "./types.ts";

export interface CostAnomalyOptions {
  /** Days before the latest whose median is the baseline (default 14). */
  trailingDays?: number;
  /** Fewest of those days with a cost for the resource to be judged (default 7). */
  minHistoryDays?: number;
  /** The latest day must cost more than this many times the median (default 3). */
  factor?: number;
  /** …and at least this much more than the median, in the lines' currency (default 5), so cents do not page anyone. */
  minIncrease?: number;
}

/**
 * `cost_threshold` (per resource): the latest day with a cost costs more than `factor` times
 * the median of the resource's daily costs over the `trailingDays` days before it, and at
 * least `minIncrease` more. `critical` at twice the factor. Days without a cost line are
 * absent, not zero. A resource with too few days before its latest is not judged.
 */
export function costAnomalyRule(resources: readonly ResourceFacts[], costs: readonly DailyCostFacts[], options: CostAnomalyOptions = {}): RuleResult {
  const trailing = options.trailingDays ?? 14;
  const minHistory = options.minHistoryDays ?? 7;
  const factor = options.factor ?? 3;
  const minIncrease = options.minIncrease ?? 5;
  const byResource = new Map<string, DailyCostFacts[]>();
  for (const c of costs) byResource.set(c.resourceId, [...(byResource.get(c.resourceId) ?? []), c]);
  const judged = new Set<string>();
  const candidates: RuleResult["candidates"] = [];
  for (const r of resources) {
    const days = (byResource.get(r.id) ?? []).sort((a, b) => (a.day < b.day ? 1 : -1));
    const latest = days[0];
    if (!latest) continue;
    const from = addDays(latest.day, -trailing);
    const history = days.slice(1).filter((d) => d.day >= from && d.currency === latest.currency);
    if (history.length < minHistory) continue;
    judged.add(r.id);
    const baseline = median(history.map((d) => d.amount));
    if (!(latest.amount > factor * baseline && latest.amount - baseline >= minIncrease)) continue;
    candidates.push({
      alertType: "cost_threshold",
      resourceId: r.id,
      providerId: r.providerId,
      severity: latest.amount > 2 * factor * baseline ? "critical" : "warning",
      name: `${r.name} cost ${latest.amount.toFixed(2)} ${latest.currency} on ${latest.day}, ${baseline > 0 ? `${(latest.amount / baseline).toFixed(1)}×` : "far above"} its median`,
      conditions: { rule: "daily_cost_above_trailing_median", trailing_days: trailing, factor, min_increase: minIncrease },
      currentValues: { day: latest.day, cost: latest.amount, currency: latest.currency, trailing_median: baseline, days_in_baseline: history.length },
      weddingDayEscalation: false,
    });
  }
  return {
    alertType: "cost_threshold",
    candidates,
    judged,
    clearedNote: `the resource's latest daily cost is no longer more than ${factor}× its trailing ${trailing}-day median`,
  };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
