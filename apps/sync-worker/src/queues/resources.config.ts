import { type QueueConfig, keepCompleted, keepFailed } from "./types.ts";

/**
 * Inventory syncs. A run reads every scope of a provider, so a retry repeats real API work:
 * three attempts, a minute apart and then two. Six starts per provider an hour leaves room for
 * the schedule (every 15 minutes) and a few manual requests, not for a loop of them.
 */
export const resourcesQueue = {
  kind: "resources",
  name: "resources",
  jobOptions: {
    attempts: 3,
    backoff: { type: "exponential", delay: 60_000 },
    removeOnComplete: keepCompleted(500),
    removeOnFail: keepFailed,
  },
  concurrency: 4,
  providerRateLimit: { max: 6, duration: 60 * 60_000 },
  defaultIntervalMinutes: 15,
} as const satisfies QueueConfig;
