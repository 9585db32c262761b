import { CloudError, CredentialsRejectedError, redactSecrets, ThrottledError } from "../errors.ts";
import { type CallOutcome, httpStatusOf } from "./session.ts";

export interface LinodeFailureContext {
  account: string;
  /** What was being read, e.g. `GET /linode/instances`. */
  operation: string;
  outcome: CallOutcome | undefined;
  maxAttempts: number;
  timeoutMs: number;
  secrets: readonly string[];
  aborted: boolean;
}

/**
 * Linode answers errors as `{"errors": [{"reason": "...", "field": "..."}]}` with the HTTP status
 * saying what kind: 401 (token invalid or expired), 403 (the token lacks the OAuth scope, or the
 * user the grant), 404, 429 (rate limit; `Retry-After`), 5xx. Each becomes one of the layer's
 * errors with what to do next; the API's reasons are quoted, redacted, never the token.
 */
export function toLinodeError(err: unknown, ctx: LinodeFailureContext): Error {
  if (err instanceof CloudError) return err;
  const where = `${ctx.operation} for Linode account ${ctx.account}`;
  const clean = (text: string) => redactSecrets(text, ctx.secrets);
  if (ctx.aborted) return new CloudError("linode", `stopped reading ${where}: the stream was aborted`, { account: ctx.account });
  const status = httpStatusOf(err);
  const reasons = clean(reasonsOf(err));
  const attempts = ctx.outcome?.attempts ?? ctx.maxAttempts;
  if (status === 401) {
    return new CredentialsRejectedError("linode", ctx.account, `the API answered 401${reasons ? ` (${reasons})` : ""}; create a new personal access token`);
  }
  if (status === 403) {
    return new CredentialsRejectedError(
      "linode",
      ctx.account,
      `the API answered 403 to ${ctx.operation}${reasons ? ` (${reasons})` : ""}; give the token read-only scopes for account, linodes, volumes, object_storage, databases, vpc, firewall, ips, nodebalancers and lke`,
    );
  }
  if (status === 429) return new ThrottledError("linode", ctx.account, ctx.operation, attempts);
  if (status === 404) {
    return new CloudError("linode", `${where} was not found${reasons ? ` (${reasons})` : ""}: check the endpoint and that the account has this product`, { account: ctx.account });
  }
  if (status === 0) {
    return new CloudError("linode", `${where} got no answer within ${ctx.timeoutMs} ms after ${attempts} attempts; raise timeoutMs or try again later`, {
      account: ctx.account,
    });
  }
  if (status !== undefined && status >= 500) {
    return new CloudError("linode", `${where} kept failing (last answer: HTTP ${status}${reasons ? `, ${reasons}` : ""}) after ${attempts} attempts; try again later`, {
      account: ctx.account,
    });
  }
  if (status !== undefined) {
    return new CloudError("linode", `${where} was refused with HTTP ${status}${reasons ? ` (${reasons})` : ""}`, { account: ctx.account });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new CloudError("linode", clean(`reading ${where} failed: ${message.slice(0, 500)}`), { account: ctx.account });
}

/** The `reason`s (with their `field`) of a Linode error body, joined. */
export function reasonsOf(err: unknown): string {
  const body = (err as { response?: { data?: unknown } })?.response?.data as { errors?: unknown } | undefined;
  if (!body || !Array.isArray(body.errors)) return "";
  return body.errors
    .map((e: { reason?: unknown; field?: unknown }) => (typeof e?.reason === "string" ? (typeof e.field === "string" ? `${e.field}: ${e.reason}` : e.reason) : ""))
    .filter(Boolean)
    .join("; ")
    .slice(0, 300);
}
