import { type QueueConfig, keepCompleted, keepFailed } from "./types.ts";

/**
 * Monitoring samples every five minutes. A missed run is covered by the next one, so retries
 * are few and quick; keep fewer completed jobs because there are many of them.
 */
export const metricsQueue = {
  kind: "metrics",
  name: "metrics",
  jobOptions: {
    attempts: 2,
    backoff: { type: "exponential", delay: 30_000 },
    removeOnComplete: keepCompleted(200),
    removeOnFail: keepFailed,
  },
  concurrency: 4,
  providerRateLimit: { max: 30, duration: 60 * 60_000 },
  defaultIntervalMinutes: 5,
} as const satisfies QueueConfig;
