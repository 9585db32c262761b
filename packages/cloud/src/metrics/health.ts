import type { MetricKey } from "../types.ts";

/**
 * The metric keys health is judged on. Includes keys the metric readers add in this wave
 * (`read_latency_ms`, `write_latency_ms`) so their rules apply as soon as samples carry them.
 */
export type HealthKey = MetricKey | "read_latency_ms" | "write_latency_ms";

export type Thresholds = Partial<Record<HealthKey, number>>;

/**
 * Lines per key. `warning` and `critical` are "higher is worse" (a sample breaches at or above a
 * line); `lowerIsWorse` holds the keys that are bad when they fall (a sample breaches at or
 * below a line), kept apart so that code reading only the first two (the performance alert
 * rule) never takes a falling key for a rising one.
 */
export interface HealthThresholds {
  warning: Thresholds;
  critical: Thresholds;
  lowerIsWorse?: { warning: Thresholds; critical: Thresholds };
}

const GiB = 1024 ** 3;

/**
 * Default warning and critical thresholds (docs/health-and-costs.md says why each). Every key in
 * `warning`/`critical` is "higher is worse" (a sample breaches at or above a line); the keys of
 * `lowerIsWorse` (EFS burst credits) breach at or below theirs. Keys that
 * are volumes rather than symptoms (network, IOPS, throughput, invocations, storage, object
 * counts) and keys whose limit lives in the resource's configuration (connections against
 * max_connections, duration against a function's timeout) have no threshold: they are stored,
 * never judged.
 */
export const defaultThresholds: HealthThresholds & { lowerIsWorse: { warning: Thresholds; critical: Thresholds } } = {
  warning: {
    cpu_utilization: 80,
    memory_utilization: 85,
    disk_utilization: 85,
    response_time_ms: 1000,
    error_rate: 1,
    read_latency_ms: 20,
    write_latency_ms: 20,
    io_limit_utilization: 80,
  },
  critical: {
    cpu_utilization: 95,
    memory_utilization: 95,
    disk_utilization: 95,
    response_time_ms: 5000,
    error_rate: 5,
    read_latency_ms: 100,
    write_latency_ms: 100,
    io_limit_utilization: 95,
  },
  lowerIsWorse: {
    // An EFS file system in Bursting mode drops to its baseline throughput when its credits
    // reach zero. 100 GiB of credits is about 17 minutes of bursting at 100 MiB/s (the least a
    // file system bursts to), so about one metrics sync before throttling; 1 GiB is spent.
    warning: { burst_credit_bytes: 100 * GiB },
    critical: { burst_credit_bytes: 1 * GiB },
  },
};

/** Keys that have a threshold, so a sample carrying one of them is a health signal. */
export function judgedKeys(thresholds: HealthThresholds = defaultThresholds): HealthKey[] {
  const low = thresholds.lowerIsWorse;
  return [
    ...new Set([...Object.keys(thresholds.warning), ...Object.keys(thresholds.critical), ...Object.keys(low?.warning ?? {}), ...Object.keys(low?.critical ?? {})]),
  ] as HealthKey[];
}

/** A key's lines and which way is worse: a falling key's lines are its `lowerIsWorse` ones. */
interface KeyLines {
  warn: number | undefined;
  crit: number | undefined;
  low: boolean;
}

function linesOf(key: HealthKey, thresholds: HealthThresholds): KeyLines {
  const low = thresholds.lowerIsWorse;
  if (low && (low.warning[key] !== undefined || low.critical[key] !== undefined)) {
    return { warn: low.warning[key], crit: low.critical[key], low: true };
  }
  return { warn: thresholds.warning[key], crit: thresholds.critical[key], low: false };
}

/** Whether a value is at or beyond a line, in the key's bad direction. */
function beyond(value: number, line: number | undefined, low: boolean): boolean {
  if (line === undefined) return false;
  return low ? value <= line : value >= line;
}

export type HealthLevel = "healthy" | "warning" | "critical";

export interface HealthEvaluation {
  /** 0–100: 100 when nothing is near a threshold. */
  healthScore: number;
  status: HealthLevel;
  /** The keys at or above their warning / critical threshold. */
  warnings: HealthKey[];
  criticals: HealthKey[];
}

/**
 * Scores one sample against thresholds. Each reported key with a warning threshold costs up to
 * 40 points as it climbs from 0 to its warning line, and 60 more from warning to critical, so a
 * sample at a critical line scores 0 for that key; the score is the worst key's. Keys the sample
 * does not carry are not judged (absent is not zero).
 *
 * One sample is a reading, not a verdict: a resource's status comes from `judgeResource`.
 */
export function evaluateHealth(
  metrics: Partial<Record<HealthKey, number>>,
  thresholds: HealthThresholds = defaultThresholds,
): HealthEvaluation {
  let score = 100;
  const warnings: HealthKey[] = [];
  const criticals: HealthKey[] = [];
  for (const [key, value] of Object.entries(metrics) as [HealthKey, number][]) {
    if (typeof value !== "number" || !Number.isFinite(value)) continue;
    const lines = linesOf(key, thresholds);
    const level = sampleLevel(value, lines);
    if (level === "critical") criticals.push(key);
    else if (level === "warning") warnings.push(key);
    score = Math.min(score, lines.low ? lowKeyScore(value, lines.warn, lines.crit) : keyScore(value, lines.warn, lines.crit));
  }
  const healthScore = Math.max(0, Math.min(100, Math.round(score)));
  const status: HealthLevel = criticals.length > 0 ? "critical" : warnings.length > 0 ? "warning" : "healthy";
  return { healthScore, status, warnings, criticals };
}

function sampleLevel(value: number, lines: KeyLines): HealthLevel {
  if (beyond(value, lines.crit, lines.low)) return "critical";
  if (beyond(value, lines.warn, lines.low)) return "warning";
  return "healthy";
}

/**
 * The score of a falling key, the mirror of `keyScore`: 100 at twice the warning line or more,
 * 40 points lost as it falls to the warning line (60 there), the other 60 as it falls on to the
 * critical line (0 there and below). Without a warning line: 0 at or below critical, else 100.
 */
function lowKeyScore(value: number, warn: number | undefined, crit: number | undefined): number {
  if (warn === undefined) return crit !== undefined && value <= crit ? 0 : 100;
  if (value >= 2 * warn) return 100;
  if (value > warn) return 60 + 40 * ((value - warn) / warn);
  if (crit === undefined || crit >= warn) return 60;
  if (value <= crit) return 0;
  return 60 * ((value - crit) / (warn - crit));
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

// ---------------------------------------------------------------------------------------------
// A resource's status: sustained breaches and the cloud's own status checks.

/** A key is in breach when at least `breaches` of its last `window` samples are (5-minute samples: 2 of the last 15 minutes). */
export interface SustainedRule {
  window: number;
  breaches: number;
}

export const defaultSustained: SustainedRule = { window: 3, breaches: 2 };

/**
 * What a cloud's own status check says about one resource, normalized: EC2 instance/system
 * status checks, Azure Resource Health, GCP instance status and backend health.
 * `no_data` (initializing, insufficient data, Azure `Unknown`) is no signal at all.
 */
export type StatusCheckState = "ok" | "degraded" | "impaired" | "no_data";

export interface StatusCheckSignal {
  /** Which check, e.g. `ec2_system_status`, `azure_resource_health`. */
  source: string;
  state: StatusCheckState;
  /** The cloud's own words (`impaired: reachability failed`), for people. */
  detail?: string;
}

export type ResourceHealth = HealthLevel | "unknown";

export interface ResourceJudgement {
  status: ResourceHealth;
  /** Why, one line per finding: `cpu_utilization ≥ 95 in 2 of the last 3 samples`, `ec2_system_status impaired`. */
  reasons: string[];
  /** Keys with at least one sample, and checks with data: what the verdict rests on. */
  signals: string[];
}

const rank: Record<HealthLevel, number> = { healthy: 0, warning: 1, critical: 2 };
const checkLevel: Record<Exclude<StatusCheckState, "no_data">, HealthLevel> = { ok: "healthy", degraded: "warning", impaired: "critical" };

/**
 * One resource's health from its recent samples and the cloud's status checks:
 * - per judged key, the last `window` samples carrying it (newest first by timestamp); the key
 *   is critical when `breaches` of them are at or above its critical line, warning when
 *   `breaches` are at or above its warning line (at or below, for a `lowerIsWorse` key), healthy
 *   otherwise — one spike is not a verdict;
 * - a status check maps ok → healthy, degraded → warning, impaired → critical (no_data: nothing);
 * - the resource takes the worst of these; with no judged key sampled and no check with data it
 *   is `unknown` — never healthy, never critical, for lack of data.
 */
export function judgeResource(
  samples: readonly { timestamp: string; metrics: Partial<Record<HealthKey, number>> }[],
  checks: readonly StatusCheckSignal[] = [],
  thresholds: HealthThresholds = defaultThresholds,
  sustained: SustainedRule = defaultSustained,
): ResourceJudgement {
  const reasons: string[] = [];
  const signals: string[] = [];
  let worst: HealthLevel | null = null;
  const raise = (level: HealthLevel) => {
    if (worst === null || rank[level] > rank[worst]) worst = level;
  };
  const newestFirst = [...samples].sort((a, b) => (a.timestamp < b.timestamp ? 1 : a.timestamp > b.timestamp ? -1 : 0));
  for (const key of judgedKeys(thresholds)) {
    const values = newestFirst
      .map((s) => s.metrics[key])
      .filter((v): v is number => typeof v === "number" && Number.isFinite(v))
      .slice(0, sustained.window);
    if (values.length === 0) continue;
    signals.push(key);
    const { warn, crit, low } = linesOf(key, thresholds);
    const atCritical = crit === undefined ? 0 : values.filter((v) => beyond(v, crit, low)).length;
    const atWarning = warn === undefined ? atCritical : values.filter((v) => beyond(v, warn, low)).length;
    const sign = low ? "≤" : "≥";
    if (atCritical >= sustained.breaches) {
      raise("critical");
      reasons.push(`${key} ${sign} ${crit} in ${atCritical} of the last ${values.length} samples`);
    } else if (atWarning >= sustained.breaches) {
      raise("warning");
      reasons.push(`${key} ${sign} ${warn ?? crit} in ${atWarning} of the last ${values.length} samples`);
    } else {
      raise("healthy");
    }
  }
  for (const check of checks) {
    if (check.state === "no_data") continue;
    signals.push(check.source);
    const level = checkLevel[check.state];
    raise(level);
    if (level !== "healthy") reasons.push(`${check.source} ${check.state}${check.detail ? `: ${check.detail}` : ""}`);
  }
  return { status: worst ?? "unknown", reasons, signals };
}

// ---------------------------------------------------------------------------------------------

/** Bytes over a period to megabits per second. */
export function bytesToMbps(bytes: number, periodSeconds: number): number {
  if (!(periodSeconds > 0)) throw new RangeError(`periodSeconds must be positive, got ${periodSeconds}`);
  return (bytes * 8) / 1_000_000 / periodSeconds;
}

/** A fraction (0–1) to a percentage (0–100). */
export function fractionToPercent(fraction: number): number {
  return fraction * 100;
}
