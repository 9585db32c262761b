import { type KeyObject, createPublicKey, createSecretKey } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { errors, jwtVerify } from "jose";
import { CloseCode, CloseReason, TOKEN_PROTOCOL_PREFIX, TOKEN_QUERY_PARAMETER } from "../protocol.ts";

/**
 * How tokens are verified: an HS256 shared secret, or the public half of an ES256 (P-256) or
 * RS256 key pair whose private half stays with the service that issues the tokens.
 */
export type VerifyKey =
  | { algorithm: "HS256"; secret: string | Uint8Array }
  | { algorithm: "ES256" | "RS256"; publicKey: string | KeyObject };

export interface AuthOptions {
  /** Checked when set (`iss` claim). */
  issuer?: string;
  /** Checked when set (`aud` claim). */
  audience?: string;
  /** Allowed clock skew in seconds (default 5). */
  clockToleranceSeconds?: number;
}

export interface Principal {
  /** The token's `org` claim, lower-cased. */
  organizationId: string;
  /** Expiry, epoch seconds. */
  expiresAt: number;
  subject?: string;
}

export type AuthResult = { ok: true; principal: Principal } | { ok: false; code: number; reason: string };

export type TokenSource = "protocol" | "query";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MIN_SECRET_BYTES = 32;

/** Builds the verifier once; a wrong key fails here, at startup, not on the first client. */
export function createTokenVerifier(key: VerifyKey, options: AuthOptions = {}): (token: string | undefined) => Promise<AuthResult> {
  const { keyObject, algorithm } = resolveKey(key);
  const verifyOptions = {
    algorithms: [algorithm],
    requiredClaims: ["exp", "org"],
    clockTolerance: options.clockToleranceSeconds ?? 5,
    ...(options.issuer ? { issuer: options.issuer } : {}),
    ...(options.audience ? { audience: options.audience } : {}),
  };
  return async (token) => {
    if (!token) return { ok: false, code: CloseCode.unauthorized, reason: CloseReason.missingToken };
    try {
      const { payload } = await jwtVerify(token, keyObject, verifyOptions);
      const org = payload.org;
      if (typeof org !== "string" || !UUID.test(org)) return { ok: false, code: CloseCode.forbidden, reason: CloseReason.noOrganization };
      return {
        ok: true,
        principal: { organizationId: org.toLowerCase(), expiresAt: payload.exp!, ...(payload.sub ? { subject: payload.sub } : {}) },
      };
    } catch (error) {
      // jose checks the signature before the claims, so "expired" is only said of a genuine token.
      if (error instanceof errors.JWTExpired) return { ok: false, code: CloseCode.unauthorized, reason: CloseReason.tokenExpired };
      if (error instanceof errors.JWTClaimValidationFailed && error.claim === "org") {
        return { ok: false, code: CloseCode.forbidden, reason: CloseReason.noOrganization };
      }
      return { ok: false, code: CloseCode.unauthorized, reason: CloseReason.invalidToken };
    }
  };
}

function resolveKey(key: VerifyKey): { keyObject: KeyObject; algorithm: VerifyKey["algorithm"] } {
  if (key.algorithm === "HS256") {
    const bytes = typeof key.secret === "string" ? Buffer.from(key.secret, "utf8") : Buffer.from(key.secret);
    if (bytes.length < MIN_SECRET_BYTES) {
      throw new TypeError(`the HS256 secret is ${bytes.length} bytes; use at least ${MIN_SECRET_BYTES} (openssl rand -base64 48)`);
    }
    return { keyObject: createSecretKey(bytes), algorithm: "HS256" };
  }
  const keyObject = typeof key.publicKey === "string" ? createPublicKey(key.publicKey) : key.publicKey;
  const expected = key.algorithm === "ES256" ? "ec" : "rsa";
  if (keyObject.type !== "public" || keyObject.asymmetricKeyType !== expected) {
    throw new TypeError(`${key.algorithm} needs an ${expected.toUpperCase()} public key, got a ${keyObject.type} ${keyObject.asymmetricKeyType ?? "secret"} key`);
  }
  if (key.algorithm === "ES256" && keyObject.asymmetricKeyDetails?.namedCurve !== "prime256v1") {
    throw new TypeError(`ES256 needs a P-256 key, got curve ${keyObject.asymmetricKeyDetails?.namedCurve ?? "unknown"}`);
  }
  return { keyObject, algorithm: key.algorithm };
}

/** A PEM public key from the environment: ES256 for a P-256 EC key, RS256 for RSA. */
export function verifyKeyFromPem(pem: string): VerifyKey {
  const keyObject = createPublicKey(pem);
  if (keyObject.asymmetricKeyType === "ec") return { algorithm: "ES256", publicKey: keyObject };
  if (keyObject.asymmetricKeyType === "rsa") return { algorithm: "RS256", publicKey: keyObject };
  throw new TypeError(`the public key is ${keyObject.asymmetricKeyType}; use a P-256 EC key (ES256) or an RSA key (RS256)`);
}

/**
 * The token of an upgrade request: from `Sec-WebSocket-Protocol: cloudsync.v1, token.<jwt>`
 * (preferred: it stays out of URLs and access logs) or from `?access_token=<jwt>`.
 */
export function extractToken(request: IncomingMessage): { token: string | undefined; source?: TokenSource } {
  const header = request.headers["sec-websocket-protocol"];
  if (header) {
    for (const entry of header.split(",")) {
      const value = entry.trim();
      if (value.startsWith(TOKEN_PROTOCOL_PREFIX)) return { token: value.slice(TOKEN_PROTOCOL_PREFIX.length), source: "protocol" };
    }
  }
  const query = new URL(request.url ?? "/", "http://localhost").searchParams.get(TOKEN_QUERY_PARAMETER);
  if (query) return { token: query, source: "query" };
  return { token: undefined };
}
