import { CloudError, CredentialsRejectedError, redactSecrets, ThrottledError } from "../errors.ts";
import { DeadlineExceededError } from "./deadline.ts";
import { tokenRefusal } from "./transport.ts";

export interface BillingFailureContext {
  project: string;
  /** `project.dataset.table`, for messages. */
  table: string;
  jobProject: string;
  maxAttempts: number;
  secrets: readonly string[];
  aborted: boolean;
}

/** BigQuery's error (`ApiError` of @google-cloud/common): the HTTP status and Google's reasons. */
interface ApiErrorLike {
  code?: unknown;
  errors?: { reason?: unknown; message?: unknown }[];
  message?: unknown;
}

const THROTTLE_REASONS = new Set(["rateLimitExceeded", "userRateLimitExceeded", "quotaExceeded", "jobRateLimitExceeded"]);

export function billingReasons(err: unknown): string[] {
  const errors = (err as ApiErrorLike)?.errors;
  return Array.isArray(errors) ? errors.map((e) => (typeof e?.reason === "string" ? e.reason : "")).filter(Boolean) : [];
}

export function httpStatusOf(err: unknown): number | undefined {
  const code = (err as ApiErrorLike)?.code;
  return typeof code === "number" && code >= 100 && code < 600 ? code : undefined;
}

/** BigQuery says the query names a column the table lacks: the standard export has no `resource`. */
export function isMissingResourceColumn(err: unknown): boolean {
  if (httpStatusOf(err) !== 400) return false;
  const message = String((err as ApiErrorLike)?.message ?? "");
  return billingReasons(err).includes("invalidQuery") && /\bresource\b|global_name/.test(message);
}

/**
 * Turns what the BigQuery client threw into the integration layer's errors. Messages are
 * rebuilt (the SDK's error carries the HTTP response, and a token error the signed assertion),
 * never passed on as a cause, and redacted.
 */
export function toBillingError(err: unknown, ctx: BillingFailureContext): Error {
  const where = `the billing export ${ctx.table} for GCP project ${ctx.project}`;
  const clean = (text: string) => redactSecrets(text, ctx.secrets);
  const status = httpStatusOf(err);
  const reasons = billingReasons(err);
  const apiMessage = clean(String((err as ApiErrorLike)?.message ?? "").slice(0, 300));

  if (ctx.aborted) return new CloudError("gcp", `stopped reading ${where}: the stream was aborted`, { account: ctx.project });
  const refusal = tokenRefusal(err);
  if (refusal) return new CredentialsRejectedError("gcp", ctx.project, clean(`the token endpoint refused the service account (${refusal})`));
  if (err instanceof DeadlineExceededError) {
    return new CloudError(
      "gcp",
      `${where} did not answer within ${err.ms} ms (${ctx.maxAttempts} attempts and their backoff); raise timeoutMs or try again later`,
      { account: ctx.project },
    );
  }
  if (status === 429 || reasons.some((r) => THROTTLE_REASONS.has(r))) {
    // 429s are retried by the SDK; a 403 rateLimitExceeded is not (its retryer reads only the status).
    return new ThrottledError("gcp", ctx.project, `BigQuery jobs.query on ${ctx.table}`, status === 429 ? ctx.maxAttempts : 1);
  }
  if (status === 401) return new CredentialsRejectedError("gcp", ctx.project, "the BigQuery API answered 401 UNAUTHENTICATED");
  if (status === 403) {
    return new CredentialsRejectedError(
      "gcp",
      ctx.project,
      `the BigQuery API answered 403 (${reasons[0] ?? "accessDenied"}): grant the service account roles/bigquery.jobUser on project ` +
        `${ctx.jobProject} and roles/bigquery.dataViewer on the billing export dataset`,
    );
  }
  if (status === 404) {
    return new CloudError(
      "gcp",
      `${where} was not found (${apiMessage}): check billingExportTable, and billingExportLocation when the dataset is not in the US multi-region`,
      { account: ctx.project },
    );
  }
  if (status === 400) {
    return new CloudError("gcp", `BigQuery rejected the cost query on ${where}: ${apiMessage}`, { account: ctx.project });
  }
  if (status !== undefined && status >= 500) {
    return new CloudError("gcp", `${where} kept failing (last answer: HTTP ${status}) after ${ctx.maxAttempts} attempts; try again later`, {
      account: ctx.project,
    });
  }
  const code = (err as { code?: unknown })?.code;
  if (typeof code === "string") {
    return new CloudError("gcp", `${where} could not be reached (network error ${code}) after ${ctx.maxAttempts} attempts; try again later`, {
      account: ctx.project,
    });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new CloudError("gcp", clean(`reading ${where} failed: ${message.slice(0, 300)}`), { account: ctx.project });
}
