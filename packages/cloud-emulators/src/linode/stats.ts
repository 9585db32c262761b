import { hashString } from "../rng.ts";
import type { EstateItem } from "./estate.ts";

const FIVE_MINUTES = 300_000;

/** One expected sample: per 5-minute point, in cloudsync's units. */
export interface LinodeExpectedMetricSample {
  resourceId: string;
  timestamp: string;
  metrics: { cpu_utilization?: number; network_in_mbps: number; network_out_mbps: number };
}

interface Point {
  t: number;
  cpu: number;
  v4: { in: number; out: number; private_in: number; private_out: number };
  v6: { in: number; out: number; private_in: number; private_out: number };
}

/** The last 24 hours of 5-minute points that end at or before `now`; none for a Linode that is not running. */
function points(item: EstateItem, now: Date): Point[] {
  if (item.providerStatus !== "running") return [];
  const last = Math.floor(now.getTime() / FIVE_MINUTES) * FIVE_MINUTES;
  const vcpus = item.vcpus ?? 1;
  const out: Point[] = [];
  for (let t = last - 287 * FIVE_MINUTES; t <= last; t += FIVE_MINUTES) {
    const h = (salt: string, mod: number) => hashString(`${item.resourceId}:${t}:${salt}`) % mod;
    out.push({
      t,
      // Percent of one core, as Linode reports it: up to 100 × vCPUs.
      cpu: (vcpus * (500 + h("cpu", 6000))) / 100,
      v4: { in: 10_000 + h("4i", 2_000_000), out: 20_000 + h("4o", 4_000_000), private_in: h("4pi", 500_000), private_out: h("4po", 500_000) },
      v6: { in: h("6i", 100_000), out: h("6o", 100_000), private_in: 0, private_out: 0 },
    });
  }
  return out;
}

/** `/linode/instances/{id}/stats` as the SDK reads it: `data` holds `[epoch ms, value]` series. */
export function statsBody(item: EstateItem, now: Date): Record<string, unknown> {
  const ps = points(item, now);
  const series = (f: (p: Point) => number) => ps.map((p) => [p.t, f(p)]);
  const net = (f: (p: Point) => Point["v4"]) => ({
    in: series((p) => f(p).in),
    out: series((p) => f(p).out),
    private_in: series((p) => f(p).private_in),
    private_out: series((p) => f(p).private_out),
  });
  return {
    data: {
      cpu: series((p) => p.cpu),
      io: { io: series((p) => (hashString(`${item.resourceId}:${p.t}:io`) % 400) / 10), swap: series(() => 0) },
      netv4: net((p) => p.v4),
      netv6: net((p) => p.v6),
    },
    title: `linode.com - ${item.name} (${item.resourceId.split("/")[1]}) - day (5 min avg)`,
  };
}

/** Samples a correct reader produces at the 5-minute period for points in [start, end). */
export function expectedStats(item: EstateItem, now: Date, start: Date, end: Date): LinodeExpectedMetricSample[] {
  const vcpus = item.vcpus ?? 1;
  return points(item, now)
    .filter((p) => p.t >= start.getTime() && p.t < end.getTime())
    .map((p) => ({
      resourceId: item.resourceId,
      timestamp: new Date(p.t).toISOString(),
      metrics: {
        cpu_utilization: p.cpu / vcpus,
        network_in_mbps: (p.v4.in + p.v4.private_in + p.v6.in + p.v6.private_in) / 1e6,
        network_out_mbps: (p.v4.out + p.v4.private_out + p.v6.out + p.v6.private_out) / 1e6,
      },
    }));
}
