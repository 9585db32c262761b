import type { ApiLimit } from "../common/rate-limiter.ts";

/**
 * DigitalOcean's documented limits, per token (so per team here): 5,000 requests per hour and
 * 250 per minute (https://docs.digitalocean.com/reference/api/, "Rate Limit"). As a token
 * bucket: refilled at the hourly rate (5,000 / 3,600 s ≈ 1.39 per second) and holding at most
 * one minute's allowance (250), so a sync may burst to the per-minute limit and is then held
 * to what the hour allows.
 */
export const doApiLimit: ApiLimit = { requestsPerSecond: 5_000 / 3_600, burst: 250 };

/** Every key of the adapter's limiter is a team: one bucket per token. */
export function doApiLimitOf(_key: string): ApiLimit {
  return doApiLimit;
}
