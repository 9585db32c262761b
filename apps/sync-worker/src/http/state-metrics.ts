import type { CloudName } from "@cloudsync/cloud";
import type { Database } from "@cloudsync/db";
import { Gauge, type Registry } from "prom-client";
import type { Logger } from "../logger.ts";
import type { Queues } from "../queues/index.ts";
import { readQueueDepths, registerQueueDepthMetrics } from "./queue-depth.ts";
import { createScrapeSource } from "./scrape-source.ts";
import { readSyncFreshness, registerSyncFreshnessMetrics } from "./sync-freshness.ts";

export interface StateMetricsOptions {
  db: Database;
  queues: Queues;
  /** The clouds this process takes: it reports their providers' freshness (every queue's depth). */
  clouds: readonly CloudName[];
  logger?: Logger;
  /** Per source and scrape (default 5 s). */
  timeoutMs?: number;
}

/**
 * The gauges read from PostgreSQL (sync freshness) and Redis (queue depth) at scrape time, next to
 * the counters the worker keeps in memory (createMetrics), plus `cloudsync_metrics_source_up`
 * saying whether each source answered this scrape.
 */
export function registerStateMetrics(registry: Registry, options: StateMetricsOptions): void {
  const up = new Gauge({
    name: "cloudsync_metrics_source_up",
    help: "1 when this scrape could read the source (postgres: sync freshness; redis: queue depth), else 0 and its gauges are missing.",
    labelNames: ["source"] as const,
    registers: [registry],
    async collect() {
      // Awaits this scrape's reads (shared with the gauges), so the value is this scrape's.
      await Promise.all([freshness(), depths()]);
    },
  });
  const common = { up, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}), ...(options.logger ? { logger: options.logger.child({ component: "metrics" }) } : {}) };
  const freshness = createScrapeSource({ ...common, name: "postgres", read: () => readSyncFreshness(options.db, options.clouds) });
  const depths = createScrapeSource({ ...common, name: "redis", read: () => readQueueDepths(options.queues) });
  registerSyncFreshnessMetrics(registry, freshness);
  registerQueueDepthMetrics(registry, depths);
}
