import type { DefaultJobOptions } from "bullmq";
import { keepCompleted, keepFailed } from "./types.ts";

/**
 * Alert notifications: one job per alert event and channel, its id the delivery's idempotency
 * key (so queueing it again while it exists adds nothing). Receivers go down for minutes, so
 * retries are many and spaced out: ten attempts, exponential from 10 s, about three hours in
 * all; every attempt is recorded in `alert_deliveries`. It belongs to no provider and is not
 * scheduled, so it is not one of the sync `QueueKind`s (their schedules, payloads and per-cloud
 * queues do not apply).
 */
export const notificationsQueue = {
  name: "notifications",
  jobOptions: {
    attempts: 10,
    backoff: { type: "exponential", delay: 10_000 },
    removeOnComplete: keepCompleted(1000),
    removeOnFail: keepFailed,
  } satisfies DefaultJobOptions,
  /** Sends are network waits, not work: several at once. */
  concurrency: 5,
  /** How far back the sweep looks for alerts that still owe a delivery. */
  sweepHours: 48,
} as const;
