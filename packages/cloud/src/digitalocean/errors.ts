import { CloudError, CredentialsRejectedError, redactSecrets, ThrottledError } from "../errors.ts";
import { type DoApiError, DoRequestFailure, isDoApiError } from "./clients.ts";

export interface DoFailureContext {
  team: string;
  operation: string;
  maxAttempts: number;
  timeoutMs: number;
  aborted: boolean;
  /** Tokens, removed from any text an error repeats. */
  secrets: readonly string[];
}

/**
 * The error mapper: what a DigitalOcean read threw → a typed error saying what to do next.
 * DigitalOcean answers errors as `{id, message, request_id}` with the HTTP status:
 * 401 `unauthorized` (token wrong, expired or revoked) → CredentialsRejectedError;
 * 403 `forbidden` (a custom-scoped token without the read scope of this API) → CloudError
 * naming the scope, the team's other reads go on; 429 `too_many_requests` after every attempt →
 * ThrottledError; 404 → CloudError; 5xx → CloudError; no answer → CloudError naming the endpoint.
 */
export function toDoError(error: unknown, ctx: DoFailureContext): Error {
  if (error instanceof CloudError) return error;
  const attempts = error instanceof DoRequestFailure ? error.attempts : 1;
  const cause = error instanceof DoRequestFailure ? error.cause : error;
  const operation = error instanceof DoRequestFailure ? error.operation : ctx.operation;
  const clean = (text: string) => redactSecrets(text, ctx.secrets);
  if (ctx.aborted) {
    return new CloudError("digitalocean", `the DigitalOcean read ${operation} for team ${ctx.team} was stopped because the stream was aborted; run the sync again to read it.`, { account: ctx.team });
  }
  if (isDoApiError(cause)) {
    const status = cause.responseStatusCode as number;
    const detail = clean(`${status} ${describeBody(cause)}`);
    if (status === 401) return new CredentialsRejectedError("digitalocean", ctx.team, `the API token was refused (${detail})`, cause);
    if (status === 403) {
      return new CloudError(
        "digitalocean",
        `DigitalOcean refused ${operation} for team ${ctx.team} (${detail}): the token lacks the read scope of this API. Give the token read access to it (or use a full-access read token) and run the sync again.`,
        { account: ctx.team, cause },
      );
    }
    if (status === 429) return new ThrottledError("digitalocean", ctx.team, operation, attempts, cause);
    if (status === 404) {
      return new CloudError("digitalocean", `DigitalOcean answered ${detail} to ${operation} for team ${ctx.team}: the endpoint or the item is not there. Check the endpoint setting of this provider.`, { account: ctx.team, cause });
    }
    if (status >= 500) {
      return new CloudError(
        "digitalocean",
        `DigitalOcean answered ${detail} to ${operation} for team ${ctx.team} after ${attempts} attempts. Check https://status.digitalocean.com and run the sync again later.`,
        { account: ctx.team, cause },
      );
    }
    return new CloudError("digitalocean", `DigitalOcean refused ${operation} for team ${ctx.team}: ${detail}.`, { account: ctx.team, cause });
  }
  const message = clean(cause instanceof Error ? cause.message : String(cause));
  if (cause instanceof Error && cause.name === "DoTimeoutError") {
    return new CloudError("digitalocean", `DigitalOcean did not answer ${operation} for team ${ctx.team} within ${ctx.timeoutMs} ms after ${attempts} attempts. Raise timeoutMs or try again later.`, { account: ctx.team, cause });
  }
  return new CloudError(
    "digitalocean",
    `the DigitalOcean read ${operation} for team ${ctx.team} failed after ${attempts} attempts: ${message}. Check that the API endpoint is reachable from this host, then run the sync again.`,
    { account: ctx.team, cause },
  );
}

function describeBody(e: DoApiError): string {
  const id = e.id ?? "error";
  const message = e.messageEscaped ?? "";
  return message ? `${id}: ${message}` : id;
}
