import type { ResourceFacts, RuleResult, SampleFacts } from "./types.ts";
import { isRunning } from "./types.ts";

export interface CapacityRuleOptions {
  /** The metrics whose trend is projected (default disk and memory utilization). */
  metrics?: readonly string[];
  /** The line not to reach, in percent (default 90). */
  limitPercent?: number;
  /** How far ahead to look, in days (default 7). */
  horizonDays?: number;
  /** Fewest samples a trend must be fitted on (default 6). */
  minSamples?: number;
  /** Shortest time the samples must span, in hours (default 1). */
  minSpanHours?: number;
  /** The moment of the projection (epoch ms). */
  now: number;
}

const hour = 3_600_000;

/**
 * A metric's least-squares trend over a resource's samples: the fitted value now and the slope.
 * Computed by PostgreSQL (`regr_slope`, `regr_intercept`) over a week of samples, so only two
 * rows per resource leave the database; `trendsFromSamples` computes the same from samples.
 */
export interface TrendFacts {
  resourceId: string;
  metric: string;
  /** The fitted line's value at `now`, in percent. */
  valueNow: number;
  slopePerHour: number;
  samples: number;
  /** Hours between the first and last sample. */
  spanHours: number;
}

/**
 * `capacity_planning`: the least-squares line through a running resource's samples of a metric
 * (disk or memory utilization) reaches `limitPercent` within `horizonDays` of `now`. `critical`
 * when within a day (or already there), else `warning`. One alert per resource, for the metric
 * that gets there first. Judged only with enough samples over a long enough span; a resource
 * no longer running is judged, and its alert clears.
 */
export function capacityRule(resources: readonly ResourceFacts[], trends: readonly TrendFacts[], options: CapacityRuleOptions): RuleResult {
  const metrics = options.metrics ?? ["disk_utilization", "memory_utilization"];
  const limit = options.limitPercent ?? 90;
  const horizonHours = (options.horizonDays ?? 7) * 24;
  const minSamples = options.minSamples ?? 6;
  const minSpanHours = options.minSpanHours ?? 1;
  const byResource = new Map<string, TrendFacts[]>();
  for (const t of trends) byResource.set(t.resourceId, [...(byResource.get(t.resourceId) ?? []), t]);
  const judged = new Set<string>();
  const candidates: RuleResult["candidates"] = [];
  for (const r of resources) {
    if (!isRunning(r)) {
      judged.add(r.id);
      continue;
    }
    const projections = [];
    for (const t of byResource.get(r.id) ?? []) {
      if (!metrics.includes(t.metric) || t.samples < minSamples || t.spanHours < minSpanHours) continue;
      judged.add(r.id);
      const hoursToLimit = t.valueNow >= limit ? 0 : t.slopePerHour > 0 ? (limit - t.valueNow) / t.slopePerHour : Number.POSITIVE_INFINITY;
      if (hoursToLimit <= horizonHours) projections.push({ ...t, hoursToLimit });
    }
    const first = projections.sort((a, b) => a.hoursToLimit - b.hoursToLimit)[0];
    if (!first) continue;
    candidates.push({
      alertType: "capacity_planning",
      resourceId: r.id,
      providerId: r.providerId,
      severity: first.hoursToLimit <= 24 ? "critical" : "warning",
      name: `${r.name}: ${first.metric} reaches ${limit} % in ${describeHours(first.hoursToLimit)}`,
      conditions: { metric: first.metric, limit_percent: limit, horizon_days: horizonHours / 24, method: "least-squares trend" },
      currentValues: {
        metric: first.metric,
        trend_value_now: round(first.valueNow, 2),
        slope_per_day: round(first.slopePerHour * 24, 3),
        hours_to_limit: round(first.hoursToLimit, 1),
        reaches_limit_at: new Date(options.now + first.hoursToLimit * hour).toISOString(),
        samples: first.samples,
      },
      weddingDayEscalation: false,
    });
  }
  return {
    alertType: "capacity_planning",
    candidates,
    judged,
    clearedNote: `the disk and memory trends no longer reach ${limit} % within ${horizonHours / 24} days (or the resource is no longer running)`,
  };
}

/** The trends of `metrics` in each resource's samples, as of `now`: what the SQL computes, in TypeScript. */
export function trendsFromSamples(samples: readonly SampleFacts[], metrics: readonly string[], now: number): TrendFacts[] {
  const out: TrendFacts[] = [];
  const byResource = new Map<string, SampleFacts[]>();
  for (const s of samples) byResource.set(s.resourceId, [...(byResource.get(s.resourceId) ?? []), s]);
  for (const [resourceId, list] of byResource) {
    for (const metric of metrics) {
      const points = list
        .map((s) => ({ x: s.at, y: s.metrics[metric] }))
        .filter((p): p is { x: number; y: number } => typeof p.y === "number" && Number.isFinite(p.y));
      if (points.length < 2) continue;
      const fit = leastSquares(points);
      const xs = points.map((p) => p.x);
      out.push({
        resourceId,
        metric,
        valueNow: fit.intercept + fit.slope * now,
        slopePerHour: fit.slope * hour,
        samples: points.length,
        spanHours: (Math.max(...xs) - Math.min(...xs)) / hour,
      });
    }
  }
  return out;
}

/** y = intercept + slope·x through the points, by ordinary least squares. */
export function leastSquares(points: readonly { x: number; y: number }[]): { slope: number; intercept: number } {
  const n = points.length;
  // Centred on the first x, so epoch milliseconds squared do not lose the slope to rounding.
  const x0 = points[0]!.x;
  const mx = points.reduce((s, p) => s + (p.x - x0), 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of points) {
    sxy += (p.x - x0 - mx) * (p.y - my);
    sxx += (p.x - x0 - mx) ** 2;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  return { slope, intercept: my - slope * (mx + x0) };
}

function describeHours(h: number): string {
  if (h === 0) return "no time (already there)";
  return h < 48 ? `${Math.max(1, Math.round(h))} h` : `${Math.round(h / 24)} days`;
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;
