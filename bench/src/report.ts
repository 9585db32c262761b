import type { Spread } from "./stats.ts";
import { round } from "./stats.ts";

/**
 * One measured number: its unit, how it was summarised, its spread, and its ratio to the figure
 * it is judged against (raw COPY for write throughput, the first sync for re-syncs, the latency
 * budget or the design document's function for queries, the memory budget for RSS).
 */
export interface Figure {
  id: string;
  label: string;
  unit: string;
  /** The headline number: the median of the runs, a query's p95, a peak. */
  value: number;
  statistic: "median of runs" | "p95" | "p50" | "max of runs";
  min: number;
  max: number;
  /** Every run's (or execution's) value; latencies are kept in full for re-analysis. */
  runs: number[];
  baseline: { id: string; label: string; value: number; unit: string } | null;
  /** value / baseline.value. */
  ratio: number | null;
  /** How to read the ratio. */
  ratioMeaning: string;
  /** Anything else worth keeping (durations, counts, row sizes). */
  detail?: Record<string, unknown>;
}

export interface Target {
  id: string;
  description: string;
  figure: string;
  /** The ratio (or value, for latency and memory) compared with the threshold. */
  measured: number;
  comparator: ">=" | "<";
  threshold: number;
  unit: string;
  pass: boolean;
  /** The scale the target is defined at, and whether this run was at that scale. */
  definedAt: string;
  atDefinedScale: boolean;
}

export interface PlanCheck {
  /** Indexes the plan used (partition indexes reported as their parent's name). */
  indexesUsed: string[];
  /** Tables a sequential scan read rows from, with how many (partitions by name; empty ones left out). */
  seqScans: string[];
  intended: string[];
  intendedUsed: boolean;
  /** Every statement's plan: a function's nested statements too (captured with auto_explain). */
  plans: unknown[];
}

export interface QueryResult {
  id: string;
  label: string;
  sql: string;
  /** For the design document's versions: the query of ours it is compared with. */
  counterpartOf?: string;
  /** Reported, not judged against the latency budget: why. */
  informational?: string;
  executions: number;
  p50Ms: number;
  p95Ms: number;
  minMs: number;
  maxMs: number;
  meanMs: number;
  rowsReturned: number;
  /** Every timed execution, in order. */
  latenciesMs: number[];
  plan: PlanCheck;
}

export function throughputFigure(input: {
  id: string;
  label: string;
  unit: string;
  perRun: Spread;
  /** What the ratio is taken against; "self" for the baselines themselves. */
  baseline: Figure | "self" | null;
  ratioMeaning: string;
  detail?: Record<string, unknown>;
}): Figure {
  const base = input.baseline === "self" ? null : input.baseline;
  return {
    id: input.id,
    label: input.label,
    unit: input.unit,
    value: round(input.perRun.median),
    statistic: "median of runs",
    min: round(input.perRun.min),
    max: round(input.perRun.max),
    runs: input.perRun.runs.map((v) => round(v)),
    baseline: base ? { id: base.id, label: base.label, value: base.value, unit: base.unit } : null,
    ratio: base ? round(input.perRun.median / base.value) : input.baseline === "self" ? 1 : null,
    ratioMeaning: input.ratioMeaning,
    ...(input.detail ? { detail: input.detail } : {}),
  };
}

export function target(input: Omit<Target, "pass">): Target {
  const pass = input.comparator === ">=" ? input.measured >= input.threshold : input.measured < input.threshold;
  return { ...input, measured: round(input.measured), pass };
}
