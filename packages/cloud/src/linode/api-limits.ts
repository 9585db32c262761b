import type { ApiLimit } from "../common/rate-limiter.ts";

/**
 * Linode's documented request rates ("Rate limits", techdocs.akamai.com/linode-api/reference/rate-limits),
 * applied per user, i.e. per token, so the limiter's key is `account:group`:
 * - every GET of a paginated collection (`/linode/instances`, `/volumes`, `/account/invoices`…):
 *   200 requests per minute;
 * - the `/stats` operations (Linode statistics): 50 requests per minute;
 * - every other operation (`/account`, one object by id): 1,600 requests per minute.
 * A window is a minute, so the bucket refills at the per-second rate and holds a few seconds'
 * worth: a short burst at the start of a sync, then the documented pace. A 429 that happens
 * anyway is retried after its `Retry-After`.
 */
export const linodeApiLimits = {
  collection: { requestsPerSecond: 200 / 60, burst: 10 },
  stats: { requestsPerSecond: 50 / 60, burst: 3 },
  single: { requestsPerSecond: 1600 / 60, burst: 40 },
} as const satisfies Record<string, ApiLimit>;

export type LinodeLimitGroup = keyof typeof linodeApiLimits;

export function linodeLimitKey(account: string, group: LinodeLimitGroup): string {
  return `${account}:${group}`;
}

/** The documented limit for a limiter key `account:group`. */
export function linodeApiLimitOf(key: string): ApiLimit | undefined {
  const group = key.slice(key.lastIndexOf(":") + 1);
  return (linodeApiLimits as Record<string, ApiLimit>)[group];
}
