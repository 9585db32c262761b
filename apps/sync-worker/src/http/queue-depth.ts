import { Gauge, type Registry } from "prom-client";
import { type QueueKind, type Queues, allQueues, isProviderQueueKind } from "../queues/index.ts";
import type { ScrapeSource } from "./scrape-source.ts";

/** The BullMQ job states worth watching: what waits, runs, waits for a retry, and failed for good. */
export const queueStates = ["waiting", "prioritized", "active", "delayed", "failed"] as const;
export type QueueState = (typeof queueStates)[number];

export interface QueueDepth {
  kind: QueueKind;
  /** Empty for the maintenance queue, which belongs to no cloud. */
  cloud: string;
  counts: Record<QueueState, number>;
}

/**
 * Job counts of every queue of the deployment, straight from Redis at scrape time: the counts are
 * the queue's, not this process's, so a restarted worker reports them right away. Every process
 * reports every cloud's queues (a few series each), so that jobs of a cloud no running process
 * takes still show, and page as CloudsyncQueueStuck.
 */
export async function readQueueDepths(queues: Queues): Promise<QueueDepth[]> {
  return Promise.all(
    allQueues().map(async ([kind, cloud]) => {
      const queue = isProviderQueueKind(kind) && cloud ? queues.queue(kind, cloud) : queues.queue("maintenance");
      const counts = await queue.getJobCounts(...queueStates);
      return {
        kind,
        cloud: cloud ?? "",
        counts: Object.fromEntries(queueStates.map((state) => [state, counts[state] ?? 0])) as Record<QueueState, number>,
      };
    }),
  );
}

export function registerQueueDepthMetrics(registry: Registry, source: ScrapeSource<QueueDepth[]>): void {
  new Gauge({
    name: "cloudsync_queue_jobs",
    help: "Jobs in each queue by state (waiting, prioritized, active, delayed, failed: kept a week for inspection), from Redis at scrape time.",
    labelNames: ["queue", "cloud", "state"] as const,
    registers: [registry],
    async collect() {
      const depths = await source();
      this.reset();
      for (const { kind, cloud, counts } of depths ?? []) {
        for (const state of queueStates) this.set({ queue: kind, cloud, state }, counts[state]);
      }
    },
  });
}
