import type { GcpCallOptions } from "./clients.ts";
import { retryableCodes } from "./call-options.ts";

/** HTTP answers worth another attempt of an idempotent read: throttles, timeouts, server errors. */
function retryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Whether a failed attempt may be retried: a retryable HTTP answer, or a transport error gax would retry. */
export function isRetryable(err: unknown): boolean {
  const status = (err as { response?: { status?: unknown } })?.response?.status;
  if (typeof status === "number") return retryableStatus(status);
  const code = (err as { code?: unknown })?.code;
  return typeof code === "number" && retryableCodes.includes(code);
}

/**
 * Retries a read the way gax does for the gax-based kinds, for SDKs without gax (the
 * googleapis-style Cloud Storage client): the same attempts (`maxRetries` counts the first),
 * full-jitter backoff from the same first delay, doubling up to the same cap.
 */
export async function withRetries<T>(
  call: () => Promise<T>,
  options: GcpCallOptions,
  signal?: AbortSignal,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<T> {
  const attempts = Math.max(1, options.maxRetries ?? 1);
  const backoff = options.retry?.backoffSettings;
  let delay = backoff?.initialRetryDelayMillis ?? 500;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (attempt >= attempts || signal?.aborted || !isRetryable(err)) throw err;
      await sleep(Math.random() * delay);
      delay = Math.min(delay * (backoff?.retryDelayMultiplier ?? 2), backoff?.maxRetryDelayMillis ?? 32_000);
    }
  }
}
