import type { MetricKey, MetricSample } from "../types.ts";

/** The keys Linode statistics give (docs/coverage.md, "Metrics per kind"). */
export const linodeStatsKeys = ["cpu_utilization", "network_in_mbps", "network_out_mbps"] as const satisfies readonly MetricKey[];

type Series = readonly (readonly [number, number])[] | undefined;
interface NetStats {
  in?: Series;
  out?: Series;
  private_in?: Series;
  private_out?: Series;
}

/** `/linode/instances/{id}/stats`: the SDK's shape (`data` around the series); a bare body is read the same. */
export interface LinodeStatsAnswer {
  data?: { cpu?: Series; netv4?: NetStats; netv6?: NetStats };
  cpu?: Series;
  netv4?: NetStats;
  netv6?: NetStats;
}

/**
 * A Linode's statistics → samples, one per `periodSeconds` bucket (aligned to the epoch) that
 * has points in [start, end). The rules:
 * - `cpu` is a percentage of ONE core (a 4-vCPU Linode reaches 400): divided by `vcpus` so
 *   `cpu_utilization` is 0–100 like every cloud's; without a known vCPU count no CPU is reported;
 * - `network_in_mbps` / `network_out_mbps`: the sum of IPv4 and IPv6, public and private, `in` /
 *   `out` (bits per second) ÷ 1,000,000 — every interface, as CloudWatch's NetworkIn counts;
 * - several points in one bucket are averaged; a key with no point in a bucket is absent (never 0);
 * - `io` (blocks per second of unknown block size) is not mapped: disk keys stay unknown.
 */
export function normalizeLinodeStats(
  answer: LinodeStatsAnswer,
  target: { account: string; resourceId: string; vcpus: number | null },
  window: { start: Date; end: Date; periodSeconds: number },
): MetricSample[] {
  const body = answer.data ?? answer;
  const periodMs = window.periodSeconds * 1000;
  const from = window.start.getTime();
  const to = window.end.getTime();
  const buckets = new Map<number, Map<MetricKey, { sum: number; n: number }>>();
  // One series (or several summed at each instant, e.g. IPv4 + IPv6), within [start, end).
  const pointsOf = (...series: Series[]) => {
    const total = new Map<number, number>();
    for (const s of series) {
      for (const [t, v] of s ?? []) {
        if (!Number.isFinite(t) || !Number.isFinite(v) || t < from || t >= to) continue;
        total.set(t, (total.get(t) ?? 0) + v);
      }
    }
    return total;
  };
  const collect = (key: MetricKey, points: Map<number, number>, scale: (v: number) => number) => {
    for (const [t, v] of points) {
      const bucket = Math.floor(t / periodMs) * periodMs;
      let keys = buckets.get(bucket);
      if (!keys) {
        keys = new Map();
        buckets.set(bucket, keys);
      }
      const acc = keys.get(key) ?? { sum: 0, n: 0 };
      acc.sum += scale(v);
      acc.n += 1;
      keys.set(key, acc);
    }
  };
  const vcpus = target.vcpus;
  if (vcpus && vcpus > 0) collect("cpu_utilization", pointsOf(body.cpu), (v) => v / vcpus);
  const v4 = body.netv4 ?? {};
  const v6 = body.netv6 ?? {};
  collect("network_in_mbps", pointsOf(v4.in, v4.private_in, v6.in, v6.private_in), (v) => v / 1e6);
  collect("network_out_mbps", pointsOf(v4.out, v4.private_out, v6.out, v6.private_out), (v) => v / 1e6);
  return [...buckets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([bucket, keys]) => ({
      cloud: "linode" as const,
      account: target.account,
      resourceId: target.resourceId,
      timestamp: new Date(bucket).toISOString(),
      metrics: Object.fromEntries([...keys].map(([k, { sum, n }]) => [k, sum / n])),
    }));
}
