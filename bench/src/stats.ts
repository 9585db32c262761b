/** Median and spread of repeated measurements. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  /** Every run's value, in run order. */
  runs: number[];
}

export function spread(values: readonly number[]): Spread {
  if (values.length === 0) throw new RangeError("no measurements");
  return { median: quantile(values, 0.5), min: Math.min(...values), max: Math.max(...values), runs: [...values] };
}

/** Linear-interpolated quantile (the method of numpy's default and of PostgreSQL's percentile_cont). */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) throw new RangeError("no measurements");
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Wall-clock milliseconds of `fn`. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

/** Rounds for reports: enough digits to compare, few enough to read. */
export function round(value: number, digits = 3): number {
  if (!Number.isFinite(value)) return value;
  const magnitude = Math.abs(value) >= 100 ? 1 : Math.abs(value) >= 1 ? digits : digits + 2;
  const f = 10 ** magnitude;
  return Math.round(value * f) / f;
}
