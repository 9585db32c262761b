/**
 * A token bucket per key (account × region × API). Adapters call `acquire(key)` before each
 * request so a large estate spreads its calls instead of provoking a throttling storm; the
 * SDKs' own retryers still handle the throttles that happen anyway.
 */
export interface RateLimiter {
  acquire(key: string, signal?: AbortSignal): Promise<void>;
  /**
   * The API answered 429 with a wait (`Retry-After`): nobody of this key is served before `ms`
   * have passed, and the bucket starts refilling from empty then (the API says it is spent).
   * Optional, so a limiter shared by a caller need not implement it.
   */
  pause?(key: string, ms: number): void;
}

export interface RateLimiterOptions {
  requestsPerSecond: number;
  /** Requests allowed at once after a quiet period; default: one second's worth. */
  burst?: number;
  /**
   * The API's own documented limit for a key (e.g. EC2's 20 per second with a bucket of 100,
   * Organizations' lower one), when it has one: the key's bucket then refills at this rate and
   * holds this burst instead of `requestsPerSecond`'s. Asked once per key.
   */
  limitOf?: (key: string) => ApiLimit | undefined;
  /** Injected for tests. */
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** One API's documented request rate: a token bucket refilled at `requestsPerSecond`, holding `burst`. */
export interface ApiLimit {
  requestsPerSecond: number;
  burst?: number;
}

interface Bucket {
  rate: number;
  burst: number;
  tokens: number;
  updatedAt: number;
  /** Serializes waiters so they are served in arrival order. */
  queue: Promise<void>;
  /** Set by `pause`: no token before this instant. */
  pausedUntil: number;
}

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const rate = options.requestsPerSecond;
  if (!(rate > 0) || !Number.isFinite(rate)) {
    throw new RangeError(`requestsPerSecond must be a positive number, got ${rate}`);
  }
  const burst = Math.max(1, options.burst ?? Math.ceil(rate));
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? defaultSleep;
  const buckets = new Map<string, Bucket>();

  async function take(bucket: Bucket, signal?: AbortSignal): Promise<void> {
    for (;;) {
      const t = now();
      if (t < bucket.pausedUntil) {
        await sleep(bucket.pausedUntil - t, signal);
        continue;
      }
      bucket.tokens = Math.min(bucket.burst, bucket.tokens + ((t - bucket.updatedAt) / 1000) * bucket.rate);
      bucket.updatedAt = t;
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return;
      }
      await sleep(((1 - bucket.tokens) / bucket.rate) * 1000, signal);
    }
  }

  function newBucket(key: string): Bucket {
    const api = options.limitOf?.(key);
    if (!api) return { rate, burst, tokens: burst, updatedAt: now(), queue: Promise.resolve(), pausedUntil: 0 };
    const keyRate = api.requestsPerSecond;
    if (!(keyRate > 0) || !Number.isFinite(keyRate)) throw new RangeError(`the limit of ${key} must be a positive rate, got ${keyRate}`);
    const keyBurst = Math.max(1, api.burst ?? Math.ceil(keyRate));
    return { rate: keyRate, burst: keyBurst, tokens: keyBurst, updatedAt: now(), queue: Promise.resolve(), pausedUntil: 0 };
  }

  function bucketOf(key: string): Bucket {
    let bucket = buckets.get(key);
    if (!bucket) {
      bucket = newBucket(key);
      buckets.set(key, bucket);
    }
    return bucket;
  }

  return {
    pause(key, ms) {
      if (!(ms > 0) || !Number.isFinite(ms)) return;
      const b = bucketOf(key);
      const until = now() + ms;
      if (until <= b.pausedUntil) return;
      b.pausedUntil = until;
      // Refill from empty once the wait is over: the API just said the allowance is spent.
      b.tokens = 0;
      b.updatedAt = until;
    },
    acquire(key, signal) {
      const b = bucketOf(key);
      const turn = b.queue.then(() => take(b, signal));
      // A failed (aborted) waiter must not block the ones behind it.
      b.queue = turn.catch(() => undefined);
      return turn;
    },
  };
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
