import type { SyncKind } from "@cloudsync/db";
import type { DefaultJobOptions } from "bullmq";

/**
 * One queue per sync kind plus one for maintenance; the kind is also the BullMQ queue name and
 * the job name.
 */
export type QueueKind = SyncKind | "maintenance";

/** At most `max` jobs of one provider start in any `duration` milliseconds (fixed window, per queue). */
export interface ProviderRateLimit {
  max: number;
  duration: number;
}

/** Everything about one queue that is a decision rather than code: retries, retention, pace. */
export interface QueueConfig {
  kind: QueueKind;
  /** BullMQ queue name (no `:`; the Redis prefix tells deployments apart). */
  name: string;
  jobOptions: DefaultJobOptions;
  /** Jobs one worker process runs at once; jobs of the same provider never overlap anyway. */
  concurrency: number;
  /** Protects a cloud account's API quota; `null` for jobs that belong to no provider. */
  providerRateLimit: ProviderRateLimit | null;
  /** Minutes between scheduled runs unless a provider's `settings.intervals` says otherwise. */
  defaultIntervalMinutes: number;
}

const day = 24 * 60 * 60;

/** Failed jobs stay a week (at most 1000) so that someone can read why; successes are pruned sooner. */
export const keepFailed = { age: 7 * day, count: 1000 } as const;
export const keepCompleted = (count: number) => ({ age: day, count }) as const;
