import { type QueueConfig, keepCompleted, keepFailed } from "./types.ts";

/**
 * Backup reads (AWS Backup, Recovery Services, Cloud SQL backup runs). Backups run daily or
 * hourly, and a read lists every protected item and the jobs of the last days — thousands of
 * requests for a large estate — so every six hours is fresh enough for an RPO of a day and
 * cheap enough for the APIs. Retries as the inventory's; at most eight starts a day.
 */
export const backupsQueue = {
  kind: "backups",
  name: "backups",
  jobOptions: {
    attempts: 3,
    backoff: { type: "exponential", delay: 5 * 60_000 },
    removeOnComplete: keepCompleted(200),
    removeOnFail: keepFailed,
  },
  concurrency: 2,
  providerRateLimit: { max: 8, duration: 24 * 60 * 60_000 },
  defaultIntervalMinutes: 6 * 60,
} as const satisfies QueueConfig;
