import { hashString } from "../rng.ts";

/**
 * DigitalOcean Monitoring's droplet series (`/v2/monitoring/metrics/droplet/*`), as the API
 * renders them: a Prometheus range-query answer, `{status: "success", data: {resultType:
 * "matrix", result: [{metric: {...labels}, values: [[unix seconds, "value"], ...]}]}}`.
 * - `cpu`: cumulative CPU seconds per `mode` (idle, user, system…), one series per mode;
 * - `memory_total`, `memory_available`: bytes;
 * - `bandwidth` (`interface` public|private, `direction` inbound|outbound): megabits per second.
 * Points fall every STEP seconds; each droplet's busy share and memory use are functions of
 * (droplet, instant), so the expected samples are computed here without the adapter's formulas.
 */
export const STEP_SECONDS = 300;

export interface DoMetricSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

/** Whole percent of CPU busy in the STEP before instant `t` (0–100). */
export function busyPercent(dropletId: string, t: number): number {
  return hashString(`${dropletId}/cpu/${t}`) % 101;
}

export function memoryUsedPercent(dropletId: string, t: number): number {
  return 10 + (hashString(`${dropletId}/mem/${t}`) % 81);
}

export function bandwidthMbps(dropletId: string, direction: string, t: number): string {
  const thousandths = hashString(`${dropletId}/bw/${direction}/${t}`) % 50_000;
  return (thousandths / 1000).toFixed(3);
}

/** Instants in [start, end] on the STEP grid. */
export function instants(start: number, end: number): number[] {
  const out: number[] = [];
  for (let t = Math.ceil(start / STEP_SECONDS) * STEP_SECONDS; t <= end; t += STEP_SECONDS) out.push(t);
  return out;
}

/** Cumulative seconds per mode since the epoch grid's origin, so any window's differences hold. */
export function cpuSeries(dropletId: string, vcpus: number, start: number, end: number): DoMetricSeries[] {
  const points = instants(start, end);
  const modes = { idle: [] as [number, string][], user: [] as [number, string][], system: [] as [number, string][] };
  // Counters start from a value that depends only on the droplet, then grow by each step's use.
  let idle = hashString(`${dropletId}/base`) % 100_000;
  let user = idle / 2;
  let system = idle / 4;
  for (const t of points) {
    const total = vcpus * STEP_SECONDS;
    const busy = (total * busyPercent(dropletId, t)) / 100;
    idle += total - busy;
    user += (busy * 7) / 10;
    system += (busy * 3) / 10;
    modes.idle.push([t, idle.toFixed(2)]);
    modes.user.push([t, user.toFixed(2)]);
    modes.system.push([t, system.toFixed(2)]);
  }
  return Object.entries(modes).map(([mode, values]) => ({ metric: { host_id: dropletId, mode }, values }));
}
