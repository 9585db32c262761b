import { type QueueConfig, keepCompleted, keepFailed } from "./types.ts";

/**
 * Deployment reads (CloudFormation stacks, ARM resource-group deployments, Infrastructure
 * Manager). Deployments change when someone deploys, a few times a day; hourly keeps the links
 * from resources to their stacks fresh without reading templates every 15 minutes.
 */
export const deploymentsQueue = {
  kind: "deployments",
  name: "deployments",
  jobOptions: {
    attempts: 3,
    backoff: { type: "exponential", delay: 2 * 60_000 },
    removeOnComplete: keepCompleted(200),
    removeOnFail: keepFailed,
  },
  concurrency: 2,
  providerRateLimit: { max: 4, duration: 60 * 60_000 },
  defaultIntervalMinutes: 60,
} as const satisfies QueueConfig;
