import type { MetricKey, MetricSample } from "../types.ts";

/**
 * Vultr's only per-resource usage signal is bandwidth: `GET /v2/instances/{id}/bandwidth` (and
 * `/v2/bare-metals/{id}/bandwidth`) answers whole bytes in and out per UTC day for the last 30
 * days. A day becomes one sample at its midnight: the day's average rate in Mbit/s
 * (bytes × 8 / 86,400 s / 10^6). Today's partial day is left out (its average would read low).
 * CPU, memory and disk are not in the API: those keys stay absent, so health says `unknown`.
 */
export const bandwidthMetricKeys: readonly MetricKey[] = ["network_in_mbps", "network_out_mbps"];

export type BandwidthAnswer = Record<string, { incoming_bytes?: unknown; outgoing_bytes?: unknown }>;

const mbps = (bytes: number) => (bytes * 8) / 86_400 / 1_000_000;

/** Pure: one bandwidth answer → the samples of complete days in [start, end). */
export function bandwidthSamples(
  answer: BandwidthAnswer,
  target: { account: string; resourceId: string },
  window: { start: Date; end: Date; today: string },
): MetricSample[] {
  const out: MetricSample[] = [];
  for (const [day, v] of Object.entries(answer)) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || day >= window.today) continue;
    const at = Date.parse(`${day}T00:00:00Z`);
    if (at < window.start.getTime() || at >= window.end.getTime()) continue;
    const metrics: MetricSample["metrics"] = {};
    if (typeof v.incoming_bytes === "number" && Number.isFinite(v.incoming_bytes)) metrics.network_in_mbps = mbps(v.incoming_bytes);
    if (typeof v.outgoing_bytes === "number" && Number.isFinite(v.outgoing_bytes)) metrics.network_out_mbps = mbps(v.outgoing_bytes);
    if (Object.keys(metrics).length === 0) continue;
    out.push({ cloud: "vultr", account: target.account, resourceId: target.resourceId, timestamp: new Date(at).toISOString(), metrics });
  }
  return out.sort((a, b) => a.timestamp.localeCompare(b.timestamp));
}
