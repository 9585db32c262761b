/**
 * Vultr's documented limit (docs.vultr.com, "What rate limits apply to the Vultr API?"): 30
 * requests per second, counted per originating IP; above it the API answers 429. Every request
 * of one adapter (all its accounts: they leave from the same worker) shares one bucket of 25
 * per second, a margin under the limit, and every 429 that still comes is retried with backoff.
 */
export const vultrDefaultRequestsPerSecond = 25;
export const vultrDocumentedRequestsPerSecond = 30;
/** The limiter key every call of an adapter shares (the limit is per IP, not per key). */
export const vultrLimitKey = "vultr:api";
