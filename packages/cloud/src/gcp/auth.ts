import { type AuthClient, JWT } from "google-auth-library";

/** The fields of a service-account key file the adapter needs (the rest are ignored). */
export interface GcpServiceAccountKey {
  type?: string;
  project_id?: string;
  private_key_id?: string;
  private_key: string;
  client_email: string;
  token_uri?: string;
}

export type GcpCredentials =
  /** A service-account key (the parsed JSON key file). */
  | { serviceAccountKey: GcpServiceAccountKey }
  /** Any google-auth-library client (workload identity, impersonation, ADC via `GoogleAuth.getClient()`). */
  | { authClient: AuthClient };

export const COMPUTE_READONLY_SCOPE = "https://www.googleapis.com/auth/compute.readonly";
/**
 * Scopes of every API the adapter calls: Compute, Cloud Storage and BigQuery (inventory, billing
 * export), Monitoring (metrics) with their read-only scopes; Cloud SQL Admin, GKE, Cloud
 * Functions and Cloud Asset Inventory accept only broad scopes (`sqlservice.admin`,
 * `cloud-platform`), so what the service account may do is bounded by its viewer roles, not
 * by the token (docs/coverage.md lists the roles).
 */
export const GCP_READ_SCOPES: readonly string[] = [
  COMPUTE_READONLY_SCOPE,
  "https://www.googleapis.com/auth/bigquery.readonly",
  "https://www.googleapis.com/auth/monitoring.read",
  "https://www.googleapis.com/auth/devstorage.read_only",
  "https://www.googleapis.com/auth/sqlservice.admin",
  "https://www.googleapis.com/auth/cloud-platform",
];
/** Resource Manager v3's projects.list and folders.list accept no narrower read scope; asked for only when an organization is discovered. */
export const RESOURCE_MANAGER_READ_SCOPE = "https://www.googleapis.com/auth/cloud-platform.read-only";
/** google-auth-library 10 always posts JWT assertions here, whatever the key's `token_uri` says. */
export const GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token";

/**
 * Builds the auth client. For a key whose `token_uri` is not Google's (an emulator, a private
 * endpoint), the token request is redirected with a gaxios request interceptor on the client's
 * own transporter: the library has no token-URL option, and the interceptor keeps its real JWT
 * signing and caching in play.
 */
export function createAuthClient(credentials: GcpCredentials, tokenUriOverride?: string, extraScopes: readonly string[] = []): AuthClient {
  if ("authClient" in credentials) return credentials.authClient;
  const key = credentials.serviceAccountKey;
  if (!key?.client_email || !key.private_key) {
    throw new Error(
      "The GCP service-account key lacks client_email or private_key. Pass the parsed JSON key file downloaded from IAM.",
    );
  }
  const jwt = new JWT({
    email: key.client_email,
    key: key.private_key,
    keyId: key.private_key_id,
    scopes: [...GCP_READ_SCOPES, ...extraScopes],
  });
  const tokenUri = tokenUriOverride ?? key.token_uri;
  if (tokenUri && tokenUri !== GOOGLE_TOKEN_URL) {
    const target = new URL(tokenUri);
    jwt.transporter.interceptors.request.add({
      resolved: async (options) => {
        if (options.url !== undefined && String(options.url) === GOOGLE_TOKEN_URL) options.url = target;
        return options;
      },
    });
  }
  return jwt;
}

/** Strings that must never appear in an error or a log line. */
export function secretsOf(credentials: GcpCredentials): string[] {
  if ("authClient" in credentials) return [];
  const key = credentials.serviceAccountKey;
  const pem = key?.private_key ?? "";
  // The PEM body lines too, in case a message carries a fragment of it.
  const lines = pem.split("\n").filter((line) => line.length >= 16 && !line.startsWith("-----"));
  return [pem, key?.private_key_id ?? "", ...lines];
}
