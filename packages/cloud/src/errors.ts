import type { CloudName } from "./types.ts";

/** Base of every error the integration layer throws. Messages never contain credentials. */
export class CloudError extends Error {
  readonly cloud: CloudName;
  readonly account: string | undefined;
  constructor(cloud: CloudName, message: string, options?: { account?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.cloud = cloud;
    this.account = options?.account;
  }
}

/** The cloud refused the credentials (or the role/subscription/project they should reach). */
export class CredentialsRejectedError extends CloudError {
  constructor(cloud: CloudName, account: string, detail: string, cause?: unknown) {
    super(
      cloud,
      `${cloud} rejected the credentials for ${describeAccount(cloud)} ${account}: ${detail}. ` +
        "Check the key or secret, its expiry, and that it may read this account; then run the sync again.",
      { account, cause },
    );
  }
}

/** The cloud kept throttling after every retry was spent. */
export class ThrottledError extends CloudError {
  constructor(cloud: CloudName, account: string, operation: string, attempts: number, cause?: unknown) {
    super(
      cloud,
      `${cloud} throttled ${operation} for ${describeAccount(cloud)} ${account} after ${attempts} attempts. ` +
        "Lower requestsPerSecond or concurrency for this provider, or raise the account's API quota.",
      { account, cause },
    );
  }
}

/** One item of a page could not be normalized; it is skipped and reported, the page is kept. */
export class MalformedItemError extends CloudError {
  readonly itemId: string | null;
  constructor(cloud: CloudName, account: string, itemId: string | null, reason: string) {
    super(cloud, `malformed ${cloud} item ${itemId ?? "(no id)"} in ${account}: ${reason}`, { account });
    this.itemId = itemId;
  }
}

function describeAccount(cloud: CloudName): string {
  if (cloud === "vultr") return "account";
  return cloud === "aws" ? "account" : cloud === "azure" ? "subscription" : "project";
}

/**
 * Removes every given secret from a message, so errors that wrap an SDK's text can be logged.
 * Secrets shorter than 4 characters are left alone: masking them would mangle ordinary words.
 */
export function redactSecrets(message: string, secrets: readonly (string | undefined)[]): string {
  let out = message;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join("[REDACTED]");
  }
  return out;
}
