import type { MetricKey } from "../types.ts";

/** One Prometheus series of a range answer: labels and `[unix seconds, "value"]` points. */
export interface DoSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

/** The `data.result` of a Monitoring answer; anything else is an answer the reader cannot use. */
export function seriesOf(body: unknown): DoSeries[] {
  const data = (body as { data?: { resultType?: unknown; result?: unknown } } | null)?.data;
  if (data?.resultType !== "matrix" || !Array.isArray(data.result)) {
    throw new Error('the Monitoring answer is not a Prometheus "matrix" result');
  }
  return data.result.filter((s): s is DoSeries => typeof s === "object" && s !== null && Array.isArray((s as DoSeries).values));
}

function pointsOf(series: DoSeries | undefined): Map<number, number> {
  const out = new Map<number, number>();
  for (const [t, v] of series?.values ?? []) {
    const n = Number(v);
    if (Number.isFinite(t) && Number.isFinite(n)) out.set(t, n);
  }
  return out;
}

/**
 * CPU busy percent per period from cumulative per-mode counters: for consecutive instants
 * t0 < t1 present in every mode, 100 × (1 − Δidle / ΣΔ) reported at t0. A period where a
 * counter went down (the droplet rebooted) or nothing was counted is left out, not guessed.
 */
export function cpuUtilization(series: readonly DoSeries[]): Map<number, number> {
  const byMode = new Map(series.map((s) => [s.metric.mode ?? "", pointsOf(s)]));
  const idle = byMode.get("idle");
  const out = new Map<number, number>();
  if (!idle) return out;
  const instants = [...idle.keys()].sort((a, b) => a - b);
  for (let i = 1; i < instants.length; i++) {
    const t0 = instants[i - 1] as number;
    const t1 = instants[i] as number;
    let total = 0;
    let ok = true;
    for (const points of byMode.values()) {
      const a = points.get(t0);
      const b = points.get(t1);
      if (a === undefined || b === undefined || b < a) {
        ok = false;
        break;
      }
      total += b - a;
    }
    if (!ok || total <= 0) continue;
    const idleDelta = (idle.get(t1) as number) - (idle.get(t0) as number);
    out.set(t0, Math.min(100, Math.max(0, 100 * (1 - idleDelta / total))));
  }
  return out;
}

/** Memory used percent at each instant both series have, where the total is positive. */
export function memoryUtilization(total: DoSeries | undefined, available: DoSeries | undefined): Map<number, number> {
  const t = pointsOf(total);
  const a = pointsOf(available);
  const out = new Map<number, number>();
  for (const [instant, bytes] of t) {
    const free = a.get(instant);
    if (free === undefined || bytes <= 0) continue;
    out.set(instant, Math.min(100, Math.max(0, (100 * (bytes - free)) / bytes)));
  }
  return out;
}

/** A gauge series as instant → value (bandwidth is already in Mbit/s). */
export function gauge(series: DoSeries | undefined): Map<number, number> {
  return pointsOf(series);
}

/**
 * Joins the keys' values into one sample per instant inside [start, end), timestamps in ISO
 * 8601; a key without a value at an instant is absent from that sample, never zero-filled.
 */
export function joinSamples(
  byKey: Partial<Record<MetricKey, Map<number, number>>>,
  startSeconds: number,
  endSeconds: number,
): { timestamp: string; metrics: Partial<Record<MetricKey, number>> }[] {
  const instants = new Set<number>();
  for (const m of Object.values(byKey)) for (const t of m?.keys() ?? []) if (t >= startSeconds && t < endSeconds) instants.add(t);
  return [...instants]
    .sort((a, b) => a - b)
    .map((t) => {
      const metrics: Partial<Record<MetricKey, number>> = {};
      for (const [key, m] of Object.entries(byKey) as [MetricKey, Map<number, number>][]) {
        const v = m.get(t);
        if (v !== undefined) metrics[key] = v;
      }
      return { timestamp: new Date(t * 1000).toISOString(), metrics };
    });
}
