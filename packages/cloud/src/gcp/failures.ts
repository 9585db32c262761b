import { CloudError, CredentialsRejectedError, redactSecrets, ThrottledError } from "../errors.ts";
import { GrpcCode, type RequestOutcome, TokenRefusedError } from "./transport.ts";

export interface FailureContext {
  project: string;
  /** What was being read, e.g. `aggregated/instances`. */
  operation: string;
  maxAttempts: number;
  timeoutMs: number;
  /** What the transport last saw for this scope's requests. */
  outcome: RequestOutcome | undefined;
  secrets: readonly string[];
  aborted: boolean;
  /** The API's name in messages (default `Compute`), and the role that grants reading it. */
  api?: string;
  role?: string;
}

/**
 * Turns whatever the SDK threw into one of the integration layer's errors. gax reports spent
 * retries as a generic DEADLINE_EXCEEDED, so the transport's record of the last HTTP answer
 * tells a throttle from an outage. Messages are rebuilt, never passed through raw, and redacted.
 */
export function toScopeError(err: unknown, ctx: FailureContext): Error {
  const code = grpcCodeOf(err);
  const last = ctx.outcome?.lastStatus;
  const where = `${ctx.operation} in GCP project ${ctx.project}`;
  const clean = (text: string) => redactSecrets(text, ctx.secrets);
  const api = ctx.api ?? "Compute";

  if (ctx.aborted) return new CloudError("gcp", `stopped reading ${where}: the stream was aborted`, { account: ctx.project });
  if (err instanceof TokenRefusedError) {
    return new CredentialsRejectedError("gcp", ctx.project, clean(err.message));
  }
  if (code === GrpcCode.UNAUTHENTICATED || last === 401) {
    return new CredentialsRejectedError("gcp", ctx.project, `the ${api} API answered 401 UNAUTHENTICATED`);
  }
  if (code === GrpcCode.PERMISSION_DENIED || last === 403) {
    return new CredentialsRejectedError(
      "gcp",
      ctx.project,
      `the ${api} API answered 403 PERMISSION_DENIED (grant the service account ${ctx.role ?? "roles/compute.viewer"} on the project)`,
    );
  }
  if (code === GrpcCode.RESOURCE_EXHAUSTED || last === 429) {
    return new ThrottledError("gcp", ctx.project, ctx.operation, ctx.outcome?.attempts ?? ctx.maxAttempts);
  }
  if (code === GrpcCode.NOT_FOUND || last === 404) {
    return new CloudError(
      "gcp",
      `${where} was not found: check the project id and that the ${api === "Compute" ? "Compute Engine" : api} API is enabled for it`,
      { account: ctx.project },
    );
  }
  if (last === -1) {
    return new CloudError(
      "gcp",
      `${where} did not answer within ${ctx.timeoutMs} ms after ${ctx.outcome?.attempts ?? ctx.maxAttempts} attempts; raise timeoutMs or try again later`,
      { account: ctx.project },
    );
  }
  if (last !== undefined && (last === 0 || last >= 500)) {
    return new CloudError(
      "gcp",
      `${where} kept failing (last answer: ${last === 0 ? "network error" : `HTTP ${last}`}) after ${ctx.outcome?.attempts ?? ctx.maxAttempts} attempts; try again later`,
      { account: ctx.project },
    );
  }
  const message = err instanceof Error ? err.message : String(err);
  return new CloudError("gcp", clean(`reading ${where} failed: ${message.slice(0, 500)}`), { account: ctx.project });
}

function grpcCodeOf(err: unknown): number | undefined {
  const code = (err as { code?: unknown })?.code;
  return typeof code === "number" ? code : undefined;
}
