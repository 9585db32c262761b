import type { MetricKey } from "../types.ts";

/**
 * DigitalOcean Monitoring, the one metric source of this cloud: droplets only (the agent runs
 * in droplets; the API has no series for volumes, databases, load balancers here). Each key,
 * the series it comes from and how (docs/coverage.md, "Metrics per kind"):
 * - `cpu_utilization`: `droplet/cpu`, cumulative seconds per mode; 100 × (1 − Δidle / Δall modes)
 *   between two consecutive points, reported at the earlier point (the start of its period);
 * - `memory_utilization`: 100 × (memory_total − memory_available) / memory_total at each point;
 * - `network_in_mbps` / `network_out_mbps`: `droplet/bandwidth` on the public interface,
 *   inbound / outbound, already in Mbit/s.
 */
export const dropletMetricKeys: readonly MetricKey[] = ["cpu_utilization", "memory_utilization", "network_in_mbps", "network_out_mbps"];
