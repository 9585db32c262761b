import type { Agent } from "node:https";
import type { TokenCredential } from "@azure/core-auth";
import { ClientSecretCredential } from "@azure/identity";

/** A service principal's client secret, as `az ad sp create-for-rbac` prints it. */
export interface AzureClientSecretCredentials {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** Entra ID authority host; default: the public cloud's `https://login.microsoftonline.com`. */
  authorityHost?: string;
}

export type AzureCredentials = AzureClientSecretCredentials | TokenCredential;

export function isTokenCredential(credentials: AzureCredentials): credentials is TokenCredential {
  return typeof (credentials as TokenCredential).getToken === "function";
}

/**
 * The TokenCredential the ARM clients use. A custom authority host (sovereign cloud, emulator)
 * is not in MSAL's list of known instances, so instance discovery is turned off for it.
 */
export function toTokenCredential(
  credentials: AzureCredentials,
  transport: { agent?: Agent; maxAttempts: number; retryDelayInMs: number; maxRetryDelayInMs: number },
): TokenCredential {
  if (isTokenCredential(credentials)) return credentials;
  const { tenantId, clientId, clientSecret, authorityHost } = credentials;
  for (const [field, value] of Object.entries({ tenantId, clientId, clientSecret })) {
    if (typeof value !== "string" || !value.trim()) {
      throw new TypeError(`Azure credentials need a non-empty ${field}; pass a service principal's values or a TokenCredential.`);
    }
  }
  return new ClientSecretCredential(tenantId, clientId, clientSecret, {
    ...(authorityHost ? { authorityHost, disableInstanceDiscovery: true } : {}),
    ...(transport.agent ? { agent: transport.agent } : {}),
    retryOptions: {
      maxRetries: Math.max(0, transport.maxAttempts - 1),
      retryDelayInMs: transport.retryDelayInMs,
      maxRetryDelayInMs: transport.maxRetryDelayInMs,
    },
  });
}

/** Strings that must never appear in an error or log line. */
export function secretsOf(credentials: AzureCredentials): string[] {
  return isTokenCredential(credentials) ? [] : [credentials.clientSecret];
}
