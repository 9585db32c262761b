import { type QueueConfig, keepCompleted, keepFailed } from "./types.ts";

/**
 * Billing imports. Cost APIs are slow, tightly throttled and (AWS Cost Explorer) billed per
 * request, and yesterday's costs do not change by the minute: daily, few retries spaced far
 * apart, and at most four starts per provider a day.
 */
export const costsQueue = {
  kind: "costs",
  name: "costs",
  jobOptions: {
    attempts: 4,
    backoff: { type: "exponential", delay: 5 * 60_000 },
    removeOnComplete: keepCompleted(200),
    removeOnFail: keepFailed,
  },
  concurrency: 2,
  providerRateLimit: { max: 4, duration: 24 * 60 * 60_000 },
  defaultIntervalMinutes: 24 * 60,
} as const satisfies QueueConfig;
