import { randomBytes } from "node:crypto";

/**
 * Microsoft Entra ID as far as a confidential client using client credentials needs it: the
 * OpenID discovery document MSAL reads before the first token, and the v2.0 token endpoint.
 * Error bodies copy AAD's shape (`error`, `error_description` with the AADSTS code, `error_codes`).
 */
export interface IdentityConfig {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  tokenLifetimeSeconds: number;
}

export interface HttpAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export class EmulatedIdentity {
  private readonly issued = new Map<string, number>();

  constructor(private readonly config: IdentityConfig) {}

  openIdConfiguration(baseUrl: string, tenant: string): HttpAnswer {
    if (!this.knowsTenant(tenant)) return this.tenantNotFound(tenant);
    const root = `${baseUrl}/${this.config.tenantId}`;
    return {
      status: 200,
      body: {
        token_endpoint: `${root}/oauth2/v2.0/token`,
        token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        jwks_uri: `${root}/discovery/v2.0/keys`,
        response_modes_supported: ["query", "fragment", "form_post"],
        subject_types_supported: ["pairwise"],
        id_token_signing_alg_values_supported: ["RS256"],
        response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
        scopes_supported: ["openid", "profile", "email", "offline_access"],
        issuer: `${root}/v2.0`,
        request_uri_parameter_supported: false,
        userinfo_endpoint: "https://graph.microsoft.com/oidc/userinfo",
        authorization_endpoint: `${root}/oauth2/v2.0/authorize`,
        device_authorization_endpoint: `${root}/oauth2/v2.0/devicecode`,
        http_logout_supported: true,
        frontchannel_logout_supported: true,
        end_session_endpoint: `${root}/oauth2/v2.0/logout`,
        claims_supported: ["sub", "iss", "aud", "exp", "iat", "tid"],
        kerberos_endpoint: `${root}/kerberos`,
        tenant_region_scope: "EU",
        cloud_instance_name: "microsoftonline.com",
        cloud_graph_host_name: "graph.windows.net",
        msgraph_host: "graph.microsoft.com",
        rbac_url: "https://pas.windows.net",
      },
    };
  }

  /** Instance discovery, answered in case a client does not disable it. */
  instanceDiscovery(baseUrl: string): HttpAnswer {
    const host = new URL(baseUrl).host;
    return {
      status: 200,
      body: {
        tenant_discovery_endpoint: `${baseUrl}/${this.config.tenantId}/v2.0/.well-known/openid-configuration`,
        "api-version": "1.1",
        metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
      },
    };
  }

  token(tenant: string, form: URLSearchParams, rejectAll: boolean): HttpAnswer {
    if (!this.knowsTenant(tenant)) return this.tenantNotFound(tenant);
    const grantType = form.get("grant_type");
    if (grantType !== "client_credentials") {
      return aadError(400, "unsupported_grant_type", 70003, `The app requested an unsupported grant type '${grantType ?? ""}'.`);
    }
    if (form.get("client_id") !== this.config.clientId) {
      return aadError(
        400,
        "unauthorized_client",
        700016,
        `Application with identifier '${form.get("client_id") ?? ""}' was not found in the directory '${this.config.tenantId}'.`,
      );
    }
    if (rejectAll || form.get("client_secret") !== this.config.clientSecret) {
      return aadError(
        401,
        "invalid_client",
        7000215,
        `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${this.config.clientId}'.`,
      );
    }
    const token = `emu.${randomBytes(24).toString("base64url")}`;
    const expiresAt = Date.now() + this.config.tokenLifetimeSeconds * 1000;
    this.forgetExpired();
    this.issued.set(token, expiresAt);
    return {
      status: 200,
      body: {
        token_type: "Bearer",
        expires_in: this.config.tokenLifetimeSeconds,
        ext_expires_in: this.config.tokenLifetimeSeconds,
        access_token: token,
      },
    };
  }

  /** True when the Authorization header carries a live token this emulator issued. */
  accepts(authorization: string | undefined): boolean {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
    if (!match) return false;
    const expiresAt = this.issued.get(match[1] as string);
    return expiresAt !== undefined && expiresAt > Date.now();
  }

  private knowsTenant(tenant: string): boolean {
    return tenant.toLowerCase() === this.config.tenantId.toLowerCase() || tenant === "organizations";
  }

  private tenantNotFound(tenant: string): HttpAnswer {
    return aadError(
      400,
      "invalid_request",
      90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
    );
  }

  private forgetExpired(): void {
    const now = Date.now();
    for (const [token, expiresAt] of this.issued) if (expiresAt <= now) this.issued.delete(token);
  }
}

function aadError(status: number, error: string, code: number, text: string): HttpAnswer {
  const traceId = randomBytes(16).toString("hex");
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${code}: ${text} Trace ID: ${traceId} Timestamp: ${new Date().toISOString()}`,
      error_codes: [code],
      timestamp: new Date().toISOString(),
      trace_id: traceId,
      correlation_id: randomBytes(16).toString("hex"),
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
  };
}
