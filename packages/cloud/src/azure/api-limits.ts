import { type ApiLimit, createRateLimiter, type RateLimiter } from "../common/rate-limiter.ts";

/**
 * Azure Resource Manager's documented read limit ("Request limits and throttling", regional
 * throttling and token bucket algorithm, in force since 2024): per subscription, per security
 * principal and per operation type, a bucket of 250 read tokens refilled at 25 per second
 * (writes and deletes: 200 refilled at 10). A throttled request answers 429 with `Retry-After`
 * (seconds); every answer carries `x-ms-ratelimit-remaining-subscription-reads` (and the
 * `-global-reads` of all principals together, 15 times the per-principal bucket).
 * The adapter only reads, so reads are the limit it keeps.
 */
export const armSubscriptionReads: ApiLimit = { requestsPerSecond: 25, burst: 250 };

/**
 * The bucket a limiter key (`<subscription>:<family>`, see ./arm-pipeline.ts) is charged to.
 * Resource listings and Azure Monitor's `metrics.list` are both GETs under
 * `management.azure.com/subscriptions/<id>/…`, so ARM counts them against the same subscription
 * read bucket (Microsoft names metrics reads the most common cause of subscription throttling).
 * Cost Management's query is a POST that the service meters on its own (query processing units,
 * answered with `x-ms-ratelimit-microsoft.costmanagement-*-retry-after`): it keeps its own bucket.
 */
export function azureBucketOf(key: string): string {
  const at = key.lastIndexOf(":");
  if (at < 0) return key;
  const family = key.slice(at + 1);
  return family === "metrics" ? `${key.slice(0, at)}:arm` : key;
}

export interface AzureLimiterOptions {
  /** The bucket of each subscription; default the documented read limit. */
  limit?: ApiLimit;
  /** Injected for tests. */
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * The adapter's default limiter: one documented bucket per subscription (and one for its Cost
 * Management queries), paused by a 429's `Retry-After` so the subscription's other reads wait
 * with the throttled one instead of being throttled too.
 */
export function createAzureRateLimiter(options: AzureLimiterOptions = {}): RateLimiter & Required<Pick<RateLimiter, "pause">> {
  const limit = options.limit ?? armSubscriptionReads;
  const inner = createRateLimiter({
    requestsPerSecond: limit.requestsPerSecond,
    ...(limit.burst !== undefined ? { burst: limit.burst } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });
  return {
    acquire: (key, signal) => inner.acquire(azureBucketOf(key), signal),
    pause: (key, ms) => inner.pause?.(azureBucketOf(key), ms),
  };
}
