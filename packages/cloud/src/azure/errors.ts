import { CloudError, CredentialsRejectedError, redactSecrets, ThrottledError } from "../errors.ts";

/**
 * Turns what the Azure SDK threw into one of cloudsync's errors. The SDK has already spent its
 * retries by the time an error reaches here, so a 429 means throttling outlasted them.
 */
export interface ErrorContext {
  subscriptionId: string;
  operation: string;
  maxAttempts: number;
  timeoutMs: number;
  /** Aborted when the caller stopped the stream, which is not a timeout. */
  callerSignal?: AbortSignal;
  secrets: readonly (string | undefined)[];
}

/** @azure/identity's error names for a token that could not be had. */
const credentialErrorNames = new Set(["AuthenticationError", "AuthenticationRequiredError", "CredentialUnavailableError"]);

export function toAzureError(error: unknown, context: ErrorContext): CloudError {
  if (error instanceof CloudError) return error;
  const { subscriptionId: account, operation } = context;
  const clean = (text: string) => redactSecrets(text, context.secrets);
  const e = (error ?? {}) as { name?: string; message?: string; statusCode?: number; code?: string };
  const message = clean(firstLine(e.message ?? String(error)));

  if (e.name && credentialErrorNames.has(e.name)) {
    return new CredentialsRejectedError("azure", account, `Microsoft Entra ID refused a token (${message})`);
  }
  if (e.statusCode === 401 || e.statusCode === 403) {
    return new CredentialsRejectedError("azure", account, `ARM answered ${e.statusCode} ${e.code ?? ""} to ${operation}: ${message}`.trim());
  }
  if (e.statusCode === 404 && e.code === "SubscriptionNotFound") {
    return new CredentialsRejectedError("azure", account, "the subscription does not exist or this principal cannot see it");
  }
  if (e.statusCode === 429) {
    return new ThrottledError("azure", account, operation, context.maxAttempts);
  }
  if (e.name === "AbortError") {
    if (context.callerSignal?.aborted) {
      return new CloudError("azure", `azure ${operation} for subscription ${account} was stopped by the caller.`, { account });
    }
    return new CloudError(
      "azure",
      `azure ${operation} for subscription ${account} got no answer within ${context.timeoutMs} ms. ` +
        "Raise timeoutMs, or check the network path to management.azure.com.",
      { account },
    );
  }
  if (typeof e.statusCode === "number" && e.statusCode >= 500) {
    return new CloudError(
      "azure",
      `azure ${operation} for subscription ${account} kept failing with HTTP ${e.statusCode} ${e.code ?? ""} after ${context.maxAttempts} attempts: ${message}. ` +
        "Azure is having trouble; the next sync will try again.",
      { account },
    );
  }
  if (typeof e.statusCode === "number") {
    return new CloudError(
      "azure",
      `azure ${operation} for subscription ${account} was refused with HTTP ${e.statusCode} ${e.code ?? ""}: ${message}.`,
      { account },
    );
  }
  return new CloudError("azure", `azure ${operation} for subscription ${account} failed: ${message}`, { account });
}

function firstLine(text: string): string {
  // Sentences are appended after it, so its own final period goes.
  const line = (text.split("\n")[0] ?? "").trim().replace(/\.+$/, "");
  return line.length > 400 ? `${line.slice(0, 400)}…` : line;
}
