/**
 * How one send ended. `retryable` failures (the network, a 5xx, a 429, an SMTP 4xx) are tried
 * again with backoff; the others (the receiver refused this message itself) are not.
 */
export type SendResult = { ok: true; code: number | null } | { ok: false; retryable: boolean; code: number | null; error: string };

/** An HTTP status as a send result: 2xx delivered; 408, 429 and 5xx worth retrying; other codes final. */
export function httpResult(status: number, body: string): SendResult {
  if (status >= 200 && status < 300) return { ok: true, code: status };
  const retryable = status === 408 || status === 429 || status >= 500;
  return { ok: false, retryable, code: status, error: `the receiver answered HTTP ${status}${body ? `: ${body.slice(0, 200)}` : ""}` };
}

/** A failure before any answer (refused, reset, timed out): always worth retrying. */
export function networkFailure(error: unknown): SendResult {
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return { ok: false, retryable: true, code: null, error: `${error instanceof Error ? error.message : String(error)}${cause}` };
}
