import type { GcpCallOptions } from "./clients.ts";
import { GrpcCode } from "./transport.ts";

export interface RetrySettings {
  maxAttempts: number;
  /** First backoff delay; gax sleeps a random time up to it (full jitter), doubling each retry. */
  retryDelayMs: number;
  timeoutMs: number;
}

/** List calls are idempotent reads, so throttles, 5xx, network errors and timeouts are retried. */
export const retryableCodes: readonly number[] = [
  GrpcCode.RESOURCE_EXHAUSTED,
  GrpcCode.UNAVAILABLE,
  GrpcCode.INTERNAL,
  GrpcCode.DEADLINE_EXCEEDED,
];

/**
 * gax's own retryer, configured: `maxRetries` counts attempts including the first (gax checks
 * it before every retry), and no total timeout (gax refuses both at once).
 */
export function listCallOptions(settings: RetrySettings): GcpCallOptions {
  return {
    autoPaginate: false,
    maxRetries: settings.maxAttempts,
    retry: {
      retryCodes: [...retryableCodes],
      backoffSettings: {
        initialRetryDelayMillis: settings.retryDelayMs,
        retryDelayMultiplier: 2,
        maxRetryDelayMillis: Math.max(settings.retryDelayMs, 32_000),
        initialRpcTimeoutMillis: settings.timeoutMs,
        rpcTimeoutMultiplier: 1,
        maxRpcTimeoutMillis: settings.timeoutMs,
      },
    },
  };
}
