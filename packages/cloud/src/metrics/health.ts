import type { MetricKey } from "../types.ts";

export type Thresholds = Partial<Record<MetricKey, number>>;

/**
 * Default warning and critical thresholds. Every key is "higher is worse"; a sample breaches a
 * threshold when its value is at or above it.
 */
export const defaultThresholds: { warning: Thresholds; critical: Thresholds } = {
  warning: {
    cpu_utilization: 80,
    memory_utilization: 85,
    disk_utilization: 85,
    response_time_ms: 1000,
    error_rate: 1,
  },
  critical: {
    cpu_utilization: 95,
    memory_utilization: 95,
    disk_utilization: 95,
    response_time_ms: 5000,
    error_rate: 5,
  },
};

export type HealthLevel = "healthy" | "warning" | "critical";

export interface HealthEvaluation {
  /** 0–100: 100 when nothing is near a threshold. */
  healthScore: number;
  status: HealthLevel;
  /** The keys at or above their warning / critical threshold. */
  warnings: MetricKey[];
  criticals: MetricKey[];
}

/**
 * Scores one sample against thresholds. Each reported key with a warning threshold costs up to
 * 40 points as it climbs from 0 to its warning line, and 60 more from warning to critical, so a
 * sample at a critical line scores 0 for that key; the score is the worst key's. Keys the sample
 * does not carry are not judged (absent is not zero).
 */
export function evaluateHealth(
  metrics: Partial<Record<MetricKey, number>>,
  thresholds: { warning: Thresholds; critical: Thresholds } = defaultThresholds,
): HealthEvaluation {
  let score = 100;
  const warnings: MetricKey[] = [];
  const criticals: MetricKey[] = [];
  for (const [key, value] of Object.entries(metrics) as [MetricKey, number][]) {
    if (typeof value !== "number" || !Number.isFinite(value)) continue;
    const warn = thresholds.warning[key];
    const crit = thresholds.critical[key];
    if (crit !== undefined && value >= crit) criticals.push(key);
    else if (warn !== undefined && value >= warn) warnings.push(key);
    score = Math.min(score, keyScore(value, warn, crit));
  }
  const healthScore = Math.max(0, Math.min(100, Math.round(score)));
  const status: HealthLevel = criticals.length > 0 ? "critical" : warnings.length > 0 ? "warning" : "healthy";
  return { healthScore, status, warnings, criticals };
}

function keyScore(value: number, warn: number | undefined, crit: number | undefined): number {
  if (warn === undefined && crit === undefined) return 100;
  if (warn === undefined) return value >= crit! ? 0 : 100;
  if (value <= 0) return 100;
  if (value < warn) return 100 - 40 * (value / warn);
  if (crit === undefined || crit <= warn) return 60;
  if (value >= crit) return 0;
  return 60 - 60 * ((value - warn) / (crit - warn));
}

/** Bytes over a period to megabits per second. */
export function bytesToMbps(bytes: number, periodSeconds: number): number {
  if (!(periodSeconds > 0)) throw new RangeError(`periodSeconds must be positive, got ${periodSeconds}`);
  return (bytes * 8) / 1_000_000 / periodSeconds;
}

/** A fraction (0–1) to a percentage (0–100). */
export function fractionToPercent(fraction: number): number {
  return fraction * 100;
}
