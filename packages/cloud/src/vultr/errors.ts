import type { ReadFailure } from "../core/scope-runner.ts";
import { CloudError, CredentialsRejectedError, redactSecrets, ThrottledError } from "../errors.ts";

/**
 * What one Vultr call ended with. The SDK reports a failed answer as `<status text>: <error>`
 * (Vultr's documented error body is `{"error": "...", "status": 401}`), so the HTTP status is
 * recovered from its standard reason phrase.
 */
export class VultrCallError extends Error {
  override name = "VultrCallError";
  constructor(
    readonly operation: string,
    readonly status: number | null,
    readonly detail: string,
    readonly attempts: number,
  ) {
    super(`${operation}: ${status ?? "network"} ${detail}`);
  }
}

const reasonPhrases: Record<string, number> = {
  "Bad Request": 400,
  Unauthorized: 401,
  Forbidden: 403,
  "Not Found": 404,
  "Method Not Allowed": 405,
  "Request Timeout": 408,
  "Too Many Requests": 429,
  "Internal Server Error": 500,
  "Bad Gateway": 502,
  "Service Unavailable": 503,
  "Gateway Timeout": 504,
};

/** An SDK failure → its HTTP status (null for a network failure) and Vultr's own words. */
export function classifySdkError(error: Error): { status: number | null; detail: string } {
  const message = error.message ?? "";
  for (const [phrase, status] of Object.entries(reasonPhrases)) {
    if (message === phrase) return { status, detail: phrase };
    if (message.startsWith(`${phrase}: `)) return { status, detail: message.slice(phrase.length + 2) };
  }
  return { status: null, detail: message || error.name };
}

/** Retried: throttles, server errors and network failures. Never: auth, not found, bad request. */
export function isRetryable(status: number | null): boolean {
  return status === null || status === 429 || status === 408 || status >= 500;
}

/**
 * A failed read → the typed error the scope reports, saying what to do next. 401/403 are a
 * refused token (Vultr answers 401 "Invalid API token." and 403 when the key's ACLs or IP
 * allow-list do not permit the call); 429 after every retry is a throttle.
 */
export function toVultrError(error: unknown, failure: Pick<ReadFailure<unknown>, "account" | "operation" | "aborted">, secrets: readonly string[]): Error {
  if (error instanceof CloudError) return error;
  const account = failure.account;
  if (failure.aborted) {
    return new CloudError("vultr", `the vultr read ${failure.operation} for account ${account} was stopped before it finished; run the sync again`, { account });
  }
  if (error instanceof VultrCallError) {
    const detail = redactSecrets(error.detail, secrets);
    if (error.status === 401 || error.status === 403) {
      const why =
        error.status === 401
          ? `${error.operation} answered 401 (${detail})`
          : `${error.operation} answered 403 (${detail}); the key's access control list or its IP allow-list (Account → API) does not allow this call`;
      return new CredentialsRejectedError("vultr", account, why);
    }
    if (error.status === 429) return new ThrottledError("vultr", account, error.operation, error.attempts);
    if (error.status === null) {
      return new CloudError("vultr", `vultr ${error.operation} for account ${account} could not reach the API after ${error.attempts} attempts (${detail}). Check the network path to api.vultr.com (or the configured endpoint) and run the sync again.`, { account });
    }
    if (error.status >= 500) {
      return new CloudError("vultr", `vultr ${error.operation} for account ${account} failed with ${error.status} after ${error.attempts} attempts (${detail}). Vultr's side is failing: check status.vultr.com and run the sync again later.`, { account });
    }
    return new CloudError("vultr", `vultr ${error.operation} for account ${account} was refused with ${error.status} (${detail}). This is a request cloudsync should not make: report it with this message.`, { account });
  }
  const message = redactSecrets(error instanceof Error ? error.message : String(error), secrets);
  return new CloudError("vultr", `vultr ${failure.operation} for account ${account} failed: ${message}. Run the sync again; if it persists, report it with this message.`, { account, cause: error });
}
