/** A call that did not settle within its deadline; the call itself is abandoned, not cancelled. */
export class DeadlineExceededError extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = "DeadlineExceededError";
  }
}

/**
 * Settles with `promise`, or rejects with DeadlineExceededError after `ms`, or with the signal's
 * reason when it aborts first. For SDK calls that accept neither a timeout nor a signal.
 */
export function within<T>(promise: Promise<T>, ms: number, signal?: AbortSignal): Promise<T> {
  // An abandoned call may still reject later: that must not become an unhandled rejection.
  promise.catch(() => undefined);
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => finish(() => reject(new DeadlineExceededError(ms))), ms);
    const onAbort = () => finish(() => reject(signal?.reason));
    signal?.addEventListener("abort", onAbort, { once: true });
    function finish(settle: () => void) {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      settle();
    }
    promise.then(
      (value) => finish(() => resolve(value)),
      (err: unknown) => finish(() => reject(err)),
    );
  });
}

/** Settles with `promise` unless the signal aborts first (the call is then abandoned). */
export function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return within(promise, 2 ** 31 - 1, signal);
}
