/**
 * Vultr's documented limit (docs.vultr.com, "What rate limits apply to the Vultr API?"): 30
 * requests per second, counted per originating IP; above it the API answers 429. Every request
 * of every Vultr adapter of the process (all accounts, all syncs: they leave from the same
 * worker) shares one bucket of 25 per second, a margin under the limit, and every 429 that
 * still comes is retried with backoff.
 */
export const vultrDefaultRequestsPerSecond = 25;
export const vultrDocumentedRequestsPerSecond = 30;
/** The limiter key every call shares (the limit is per IP, not per key). */
export const vultrLimitKey = "vultr:api";
