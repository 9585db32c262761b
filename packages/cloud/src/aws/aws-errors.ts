import { CloudError, CredentialsRejectedError, redactSecrets, ThrottledError } from "../errors.ts";

/**
 * Turns whatever the SDK threw into one of the integration layer's errors. The SDK has already
 * retried what deserved retrying; this only decides what the failure means and what to tell
 * the operator, with every known secret removed from the SDK's text.
 */

/** Codes that mean "these credentials (or this role) do not get in"; retrying cannot help. */
const credentialCodes = new Set([
  "AuthFailure",
  "InvalidClientTokenId",
  "UnrecognizedClientException",
  "SignatureDoesNotMatch",
  "IncompleteSignature",
  "InvalidAccessKeyId",
  "InvalidToken",
  "ExpiredToken",
  "ExpiredTokenException",
  "RequestExpired",
  "MissingAuthenticationToken",
  "AccessDenied",
  "AccessDeniedException",
  "UnauthorizedOperation",
  "OptInRequired",
]);

const throttleCodes = new Set([
  "RequestLimitExceeded",
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "RequestThrottled",
  "RequestThrottledException",
  "TooManyRequestsException",
  "SlowDown",
  "EC2ThrottledException",
  "BandwidthLimitExceeded",
  "PriorRequestNotComplete",
  // Cost Explorer's throttle (the SDK's retryer treats it as one too).
  "LimitExceededException",
]);

export interface ErrorContext {
  account: string;
  region: string;
  /** Used when the SDK error does not name its command. */
  operation: string;
  secrets: readonly (string | undefined)[];
  maxAttempts: number;
  timeoutMs: number;
}

interface SdkErrorShape {
  name?: string;
  message?: string;
  Code?: string;
  code?: string;
  cloudsyncOperation?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
}

export function errorCode(error: unknown): string | undefined {
  if (!error || typeof error !== "object") return undefined;
  const e = error as SdkErrorShape;
  return e.Code ?? (e.name && e.name !== "Error" ? e.name : undefined) ?? e.code;
}

/** An answer that asks to slow down, as the SDK's retryer classifies it too. */
export function isThrottle(error: unknown): boolean {
  const code = errorCode(error);
  return (code !== undefined && throttleCodes.has(code)) || (error as SdkErrorShape | undefined)?.$metadata?.httpStatusCode === 429;
}

export function toAwsError(error: unknown, ctx: ErrorContext): CloudError {
  if (error instanceof CloudError) return error;
  const e = (error && typeof error === "object" ? error : { message: String(error) }) as SdkErrorShape;
  const code = errorCode(error) ?? "UnknownError";
  const status = e.$metadata?.httpStatusCode;
  const attempts = e.$metadata?.attempts ?? ctx.maxAttempts;
  const operation = `${e.cloudsyncOperation?.replace(/Command$/, "") ?? ctx.operation} in ${ctx.region}`;
  const message = redactSecrets(e.message ?? "", ctx.secrets);

  if (credentialCodes.has(code) || status === 401) {
    return new CredentialsRejectedError("aws", ctx.account, `${operation} answered ${code}: ${message}`, error);
  }
  if (throttleCodes.has(code) || status === 429) {
    return new ThrottledError("aws", ctx.account, operation, attempts, error);
  }
  if (code === "AbortError" || e.name === "AbortError") {
    return new CloudError("aws", `aws ${operation} for account ${ctx.account} was aborted before it finished.`, {
      account: ctx.account,
      cause: error,
    });
  }
  if (code === "TimeoutError" || e.code === "ETIMEDOUT" || code === "RequestTimeout") {
    return new CloudError(
      "aws",
      `aws ${operation} for account ${ctx.account} got no answer within ${ctx.timeoutMs} ms, ${attempts} attempt(s). ` +
        "Raise timeoutMs if the API is just slow, or check the network path to the endpoint.",
      { account: ctx.account, cause: error },
    );
  }
  const hint =
    status !== undefined && status >= 500
      ? "AWS kept failing after every retry; check the AWS Health Dashboard and run the sync again later."
      : "Check the request settings (endpoint, region, page size) and the account's permissions.";
  return new CloudError("aws", `aws ${operation} failed for account ${ctx.account}: ${code}${status ? ` (HTTP ${status})` : ""}: ${message}. ${hint}`, {
    account: ctx.account,
    cause: error,
  });
}
