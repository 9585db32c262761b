import type { RateLimiter } from "../common/rate-limiter.ts";
import type { VultrEndpoint, VultrSend } from "./clients.ts";
import { classifySdkError, isRetryable, VultrCallError } from "./errors.ts";

/** How each call of one account is paced, bounded and retried. */
export interface VultrCallSettings {
  limiter: RateLimiter;
  /** The limiter's key: one bucket per API key (Vultr counts requests per caller). */
  limitKey: string;
  timeoutMs: number;
  maxAttempts: number;
  /** First backoff delay; it doubles per attempt, with full jitter, up to 16 s. */
  retryDelayMs: number;
  signal?: AbortSignal | undefined;
  onThrottle?: (() => void) | undefined;
}

/**
 * One Vultr call: waits for the rate limiter, sends through the SDK, and retries throttles,
 * server errors and network failures with exponential backoff. The SDK neither throws nor
 * takes a timeout or signal, so a failure is recognised by the Error it resolves to and a slow
 * answer is abandoned (its socket left to node-fetch) after `timeoutMs`.
 */
export async function callVultr(
  send: VultrSend,
  endpoint: VultrEndpoint,
  parameters: Record<string, string> | undefined,
  operation: string,
  s: VultrCallSettings,
): Promise<Record<string, unknown>> {
  for (let attempt = 1; ; attempt++) {
    await s.limiter.acquire(s.limitKey, s.signal);
    let result: unknown;
    try {
      result = await withTimeout(send(endpoint, parameters), s.timeoutMs);
    } catch (err) {
      result = err instanceof Error ? err : new Error(String(err));
    }
    if (!(result instanceof Error)) {
      // A 2xx without a JSON body is a broken answer for a GET that lists or reads.
      if (result === undefined || result === null || typeof result !== "object") {
        throw new VultrCallError(operation, 200, "the answer had no JSON body", attempt);
      }
      return result as Record<string, unknown>;
    }
    const { status, detail } = result instanceof TimeoutError ? { status: null, detail: result.message } : classifySdkError(result);
    if (status === 429) s.onThrottle?.();
    if (!isRetryable(status) || attempt >= s.maxAttempts) throw new VultrCallError(operation, status, detail, attempt);
    await sleep(Math.random() * Math.min(16_000, s.retryDelayMs * 2 ** (attempt - 1)), s.signal);
  }
}

class TimeoutError extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => { clearTimeout(timer); reject(signal.reason); }, { once: true });
  });
}

/**
 * Every page of a cursor-paged list (`per_page`, `cursor`; the next cursor in
 * `meta.links.next`, empty on the last page), items under `key`.
 */
export async function* listPages<T>(
  call: (parameters: Record<string, string>) => Promise<Record<string, unknown>>,
  key: string,
  perPage: number,
): AsyncGenerator<T[]> {
  let cursor = "";
  const seen = new Set<string>();
  do {
    const body = await call({ per_page: String(perPage), ...(cursor ? { cursor } : {}) });
    const items = body[key];
    if (!Array.isArray(items)) throw new Error(`the answer has no "${key}" list; the API's shape changed`);
    yield items as T[];
    const meta = body.meta as { links?: { next?: string } } | undefined;
    cursor = meta?.links?.next ?? "";
    // A cursor seen twice would loop forever: the list is not trustworthy, fail the scope.
    if (cursor && seen.has(cursor)) throw new Error(`the cursor ${cursor} came back twice; the listing would never end`);
    seen.add(cursor);
  } while (cursor);
}
