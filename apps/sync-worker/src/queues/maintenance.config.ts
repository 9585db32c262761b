import { type QueueConfig, keepCompleted, keepFailed } from "./types.ts";

/**
 * Database housekeeping (partitions, materialized view refreshes, retention), once an hour for
 * the whole deployment. It belongs to no provider, so no per-provider limit; one at a time.
 */
export const maintenanceQueue = {
  kind: "maintenance",
  name: "maintenance",
  jobOptions: {
    attempts: 3,
    backoff: { type: "exponential", delay: 60_000 },
    removeOnComplete: keepCompleted(100),
    removeOnFail: keepFailed,
  },
  concurrency: 1,
  providerRateLimit: null,
  defaultIntervalMinutes: 60,
} as const satisfies QueueConfig;
