import { generateKeyPairSync, randomBytes, verify } from "node:crypto";

/** The fields of a service-account key file that clients read. */
export interface GcpServiceAccountKey {
  type: "service_account";
  project_id: string;
  private_key_id: string;
  private_key: string;
  client_email: string;
  client_id: string;
  token_uri: string;
}

export type GcpApi = "compute" | "bigquery" | "monitoring" | "sqladmin" | "storage" | "container" | "cloudfunctions" | "cloudasset" | "run" | "resourcemanager" | "cloudbilling" | "config";

const AUTH = "https://www.googleapis.com/auth/";
const CLOUD_PLATFORM = [`${AUTH}cloud-platform`, `${AUTH}cloud-platform.read-only`];
/** The OAuth scopes each API accepts for the reads the emulator serves. */
export const apiScopes: Record<GcpApi, readonly string[]> = {
  compute: [`${AUTH}compute.readonly`, `${AUTH}compute`, ...CLOUD_PLATFORM],
  bigquery: [`${AUTH}bigquery.readonly`, `${AUTH}bigquery`, ...CLOUD_PLATFORM],
  monitoring: [`${AUTH}monitoring.read`, `${AUTH}monitoring`, ...CLOUD_PLATFORM],
  // Cloud SQL Admin has no read-only scope.
  sqladmin: [`${AUTH}sqlservice.admin`, ...CLOUD_PLATFORM],
  storage: [`${AUTH}devstorage.read_only`, `${AUTH}devstorage.read_write`, `${AUTH}devstorage.full_control`, ...CLOUD_PLATFORM],
  // GKE, Cloud Functions and Cloud Asset Inventory accept only the cloud-platform scopes.
  container: CLOUD_PLATFORM,
  cloudfunctions: CLOUD_PLATFORM,
  cloudasset: CLOUD_PLATFORM,
  // Cloud Run Admin accepts only the cloud-platform scope.
  run: [`${AUTH}cloud-platform`],
  // projects.list and folders.list accept only the cloud-platform scopes.
  resourcemanager: [...CLOUD_PLATFORM],
  // The Catalog API's list methods accept the Cloud Billing scopes or cloud-platform.
  cloudbilling: [`${AUTH}cloud-billing.readonly`, `${AUTH}cloud-billing`, ...CLOUD_PLATFORM],
  // Infrastructure Manager accepts only the cloud-platform scope.
  config: [`${AUTH}cloud-platform`],
};

const GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token";
export const JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";

export type TokenGrant = { ok: true; accessToken: string; expiresIn: number } | { ok: false; description: string };

/**
 * The OAuth2 side of the emulator: one service account whose key pair is made for this run.
 * Assertions are verified with the public key like Google does, and the access tokens it
 * issues are the only ones the API accepts.
 */
export class TokenAuthority {
  readonly key: GcpServiceAccountKey;
  private readonly publicKeyPem: string;
  /** Issued access tokens and the OAuth scopes each was granted. */
  private readonly issued = new Map<string, readonly string[]>();

  constructor(projectId: string, tokenUri: string) {
    const { publicKey, privateKey } = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      publicKeyEncoding: { type: "spki", format: "pem" },
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
    });
    this.publicKeyPem = publicKey;
    this.key = {
      type: "service_account",
      project_id: projectId,
      private_key_id: randomBytes(20).toString("hex"),
      private_key: privateKey,
      client_email: `cloudsync-reader@${projectId}.iam.gserviceaccount.com`,
      client_id: String(100000000000000000000n + BigInt(`0x${randomBytes(6).toString("hex")}`)),
      token_uri: tokenUri,
    };
  }

  /** Exchanges a signed JWT assertion for an access token, or says why not. */
  grant(grantType: string | null, assertion: string | null, nowSeconds: number): TokenGrant {
    if (grantType !== JWT_BEARER_GRANT) return { ok: false, description: "Invalid grant_type." };
    const parts = assertion?.split(".") ?? [];
    if (parts.length !== 3) return { ok: false, description: "Invalid JWT: Token must be a short-lived token." };
    const [headerB64, payloadB64, signatureB64] = parts as [string, string, string];
    let header: { alg?: string };
    let payload: { iss?: string; aud?: string; exp?: number; iat?: number; scope?: string };
    try {
      header = JSON.parse(Buffer.from(headerB64, "base64url").toString("utf8"));
      payload = JSON.parse(Buffer.from(payloadB64, "base64url").toString("utf8"));
    } catch {
      return { ok: false, description: "Invalid JWT Signature." };
    }
    if (header.alg !== "RS256" || payload.iss !== this.key.client_email) {
      return { ok: false, description: "Invalid JWT Signature." };
    }
    const signed = verify(
      "RSA-SHA256",
      Buffer.from(`${headerB64}.${payloadB64}`),
      this.publicKeyPem,
      Buffer.from(signatureB64, "base64url"),
    );
    if (!signed) return { ok: false, description: "Invalid JWT Signature." };
    if (payload.aud !== GOOGLE_TOKEN_AUDIENCE && payload.aud !== this.key.token_uri) {
      return { ok: false, description: "Invalid JWT: Failed audience check." };
    }
    if (typeof payload.exp !== "number" || payload.exp < nowSeconds) {
      return { ok: false, description: "Invalid JWT: Token must be a short-lived token and in a reasonable timeframe." };
    }
    const accessToken = `ya29.emu-${randomBytes(24).toString("base64url")}`;
    this.issued.set(accessToken, typeof payload.scope === "string" ? payload.scope.split(/\s+/).filter(Boolean) : []);
    return { ok: true, accessToken, expiresIn: 3599 };
  }

  accepts(authorization: string | undefined): boolean {
    const match = /^Bearer (.+)$/.exec(authorization ?? "");
    return match?.[1] !== undefined && this.issued.has(match[1]);
  }

  /** Whether an accepted token was granted a scope that lets it call the API. */
  allows(authorization: string | undefined, api: GcpApi): boolean {
    const match = /^Bearer (.+)$/.exec(authorization ?? "");
    const scopes = match?.[1] === undefined ? undefined : this.issued.get(match[1]);
    return scopes?.some((scope) => apiScopes[api].includes(scope)) ?? false;
  }
}
