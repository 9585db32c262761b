import { z } from "zod";
import { type VerifyKey, verifyKeyFromPem } from "./server/auth.ts";

/** The environment, validated once at the entry point; nothing else reads `process.env`. */
const schema = z.object({
  DATABASE_URL: z.string({ error: "is required: the PostgreSQL whose notifications are served, like postgres://user:password@host:5432/db" }).regex(/^postgres(ql)?:\/\//, "must be a PostgreSQL URL like postgres://user:password@host:5432/db"),
  CLOUDSYNC_REALTIME_JWT_SECRET: z.string().min(32, "must be at least 32 characters (openssl rand -base64 48)").optional(),
  CLOUDSYNC_REALTIME_JWT_PUBLIC_KEY: z
    .string()
    .includes("-----BEGIN PUBLIC KEY-----", { error: "must be a PEM public key (-----BEGIN PUBLIC KEY-----): P-256 EC for ES256 or RSA for RS256" })
    .optional(),
  CLOUDSYNC_REALTIME_JWT_ISSUER: z.string().min(1).optional(),
  CLOUDSYNC_REALTIME_JWT_AUDIENCE: z.string().min(1).optional(),
  PORT: z.coerce.number({ error: "must be a port number from 0 to 65535" }).int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default("127.0.0.1"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  CLOUDSYNC_REALTIME_MAX_CONNECTIONS: z.coerce.number({ error: "must be a whole number" }).int().min(1).default(10_000),
  CLOUDSYNC_REALTIME_MAX_CONNECTIONS_PER_ORGANIZATION: z.coerce.number({ error: "must be a whole number" }).int().min(1, "must be at least 1").default(1_000),
  CLOUDSYNC_REALTIME_MAX_CONNECTIONS_PER_TOKEN: z.coerce.number({ error: "must be a whole number" }).int().min(1, "must be at least 1").default(20),
  CLOUDSYNC_REALTIME_DATABASE_ROLE: z
    .string()
    .regex(/^([a-z_][a-z0-9_]{0,62}|-)$/, "must be a lower-case PostgreSQL role name, or - to keep the login's own role")
    .default("cloudsync_realtime"),
  CLOUDSYNC_REALTIME_MAX_BUFFERED_BYTES: z.coerce.number({ error: "must be a number of bytes" }).int().min(1024).default(1024 * 1024),
});

export type Env = z.infer<typeof schema> & { verifyKey: VerifyKey };

export class EnvError extends Error {
  override name = "EnvError";
}

/**
 * Parses the environment. Exactly one of the secret (HS256) and the public key (ES256/RS256)
 * must be set. An error lists every wrong variable with what it should look like, never a value.
 */
export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = schema.safeParse(cleaned);
  const lines = result.success ? [] : result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
  const keys = Number(cleaned.CLOUDSYNC_REALTIME_JWT_SECRET !== undefined) + Number(cleaned.CLOUDSYNC_REALTIME_JWT_PUBLIC_KEY !== undefined);
  if (keys !== 1) {
    lines.push(
      `  CLOUDSYNC_REALTIME_JWT_SECRET / _PUBLIC_KEY: set exactly one of CLOUDSYNC_REALTIME_JWT_SECRET (HS256) and CLOUDSYNC_REALTIME_JWT_PUBLIC_KEY (ES256/RS256); ${keys === 0 ? "neither is set" : "both are set"}`,
    );
  }
  if (result.success) {
    // A per-organization cap above the global one, or a per-token cap above the organization's,
    // would silently not apply: say so instead.
    const d = result.data;
    if (d.CLOUDSYNC_REALTIME_MAX_CONNECTIONS_PER_ORGANIZATION > d.CLOUDSYNC_REALTIME_MAX_CONNECTIONS) {
      lines.push(`  CLOUDSYNC_REALTIME_MAX_CONNECTIONS_PER_ORGANIZATION: must not exceed CLOUDSYNC_REALTIME_MAX_CONNECTIONS (${d.CLOUDSYNC_REALTIME_MAX_CONNECTIONS})`);
    }
    if (d.CLOUDSYNC_REALTIME_MAX_CONNECTIONS_PER_TOKEN > d.CLOUDSYNC_REALTIME_MAX_CONNECTIONS_PER_ORGANIZATION) {
      lines.push(`  CLOUDSYNC_REALTIME_MAX_CONNECTIONS_PER_TOKEN: must not exceed CLOUDSYNC_REALTIME_MAX_CONNECTIONS_PER_ORGANIZATION (${d.CLOUDSYNC_REALTIME_MAX_CONNECTIONS_PER_ORGANIZATION})`);
    }
  }
  if (!result.success || lines.length > 0) throw new EnvError(`the environment is not valid:\n${lines.join("\n")}`);
  const env = result.data;
  let verifyKey: VerifyKey;
  if (env.CLOUDSYNC_REALTIME_JWT_SECRET !== undefined) verifyKey = { algorithm: "HS256", secret: env.CLOUDSYNC_REALTIME_JWT_SECRET };
  else {
    try {
      // Keys often arrive with literal \n from env files and compose.
      verifyKey = verifyKeyFromPem(env.CLOUDSYNC_REALTIME_JWT_PUBLIC_KEY!.replace(/\\n/g, "\n"));
    } catch (error) {
      throw new EnvError(`the environment is not valid:\n  CLOUDSYNC_REALTIME_JWT_PUBLIC_KEY: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { ...env, verifyKey };
}
