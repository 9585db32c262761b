// Shared by the server's PostgreSQL listener and the client: no Node imports.

export interface BackoffOptions {
  /** First delay in ms (default 250). */
  initialMs?: number;
  /** Ceiling in ms (default 15 000). */
  maxMs?: number;
}

/**
 * Exponential backoff with "equal jitter": half the step is fixed, half random, so a fleet of
 * clients that lost the same server does not come back in lock-step, yet none retries at once.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const initial = options.initialMs ?? 250;
  const max = options.maxMs ?? 15_000;
  const step = Math.min(max, initial * 2 ** Math.min(attempt, 30));
  return Math.round(step / 2 + Math.random() * (step / 2));
}
