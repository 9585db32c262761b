import { z } from "zod";

/**
 * The environment, validated once at the entry point. Nothing else in the app reads
 * `process.env`; every module gets what it needs as arguments.
 */
const schema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a PostgreSQL URL like postgres://user:password@host:5432/db (leave it unset for the embedded database)")
    .optional(),
  CLOUDSYNC_DATA_DIR: z.string().min(1).optional(),
  /** The role connections act as (`cloudsync_worker` in production: a login that is a member of it). */
  CLOUDSYNC_DB_ROLE: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, "a lower-case PostgreSQL role name, e.g. cloudsync_worker")
    .optional(),
  /** One server's URL; with CLOUDSYNC_REDIS_CLUSTER, comma-separated seed nodes of a Redis Cluster. */
  REDIS_URL: z
    .string()
    .regex(
      /^rediss?:\/\/[^,\s]+(,\s*rediss?:\/\/[^,\s]+)*$/,
      "must be a Redis URL like redis://127.0.0.1:6379 (for a Redis Cluster: several, comma-separated, with CLOUDSYNC_REDIS_CLUSTER=true)",
    )
    .default("redis://127.0.0.1:6379"),
  /** REDIS_URL names nodes of a Redis Cluster: queues get hash-tagged prefixes (docs/scaling.md). */
  CLOUDSYNC_REDIS_CLUSTER: z
    .enum(["true", "false", "1", "0"], { message: "must be true or false" })
    .default("false")
    .transform((v) => v === "true" || v === "1"),
  /**
   * How long `cloudsync worker` waits for Redis at start before it exits non-zero (0: one try).
   * Once started, a lost Redis is retried for ever and /healthz reports it.
   */
  CLOUDSYNC_REDIS_STARTUP_TIMEOUT_SECONDS: z.coerce
    .number({ message: "must be a whole number of seconds, e.g. 30" })
    .int("must be a whole number of seconds, e.g. 30")
    .min(0, "must be 0 (one try) to 3600")
    .max(3600, "must be 0 (one try) to 3600")
    .default(30),
  CLOUDSYNC_ENCRYPTION_KEYS: z.string().min(1).optional(),
  CLOUDSYNC_QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]{1,64}$/, "letters, digits, ':', '_' or '-' (at most 64)")
    .default("cloudsync"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  CLOUDSYNC_HTTP_HOST: z.string().min(1).default("127.0.0.1"),
  CLOUDSYNC_HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  /** Serve the bull-board queue dashboard on this port (off when unset). */
  CLOUDSYNC_BOARD_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  /** Where the dashboard listens; loopback unless you put it behind your own access control. */
  CLOUDSYNC_BOARD_HOST: z.string().min(1).default("127.0.0.1"),
  /**
   * The clouds whose providers' jobs `cloudsync worker` takes, comma-separated (default all).
   * One process per cloud loads one cloud's SDKs, which keeps each process's memory small.
   */
  CLOUDSYNC_WORKER_CLOUDS: z
    .string()
    .regex(
      /^\s*(aws|azure|gcp|digitalocean|linode|vultr)\s*(,\s*(aws|azure|gcp|digitalocean|linode|vultr)\s*)*$/,
      "a comma-separated list of aws, azure, gcp, digitalocean, linode and vultr, e.g. aws or azure,gcp",
    )
    .optional(),
  /**
   * A provider with more accounts than this (configured and discovered) has its inventory split
   * into shard jobs of this many accounts, so several worker processes read it at once; 0 reads
   * every provider in one job. See docs/scaling.md.
   */
  CLOUDSYNC_ACCOUNTS_PER_SHARD: z.coerce
    .number({ message: "must be a whole number of accounts, e.g. 10 (0: never split)" })
    .int("must be a whole number of accounts, e.g. 10 (0: never split)")
    .min(0, "must be 0 (never split) to 10000")
    .max(10_000, "must be 0 (never split) to 10000")
    .default(10),
  /**
   * The resource job slots across every worker process that reads a cloud's inventories
   * (processes × 4, the resource queue's concurrency): a fanned-out inventory's shard count is
   * rounded up to a multiple of it so every wave of shards is full. 0 (the default): this
   * process's own slots. See docs/scaling.md.
   */
  CLOUDSYNC_SHARD_JOB_SLOTS: z.coerce
    .number({ message: "must be a whole number of job slots, e.g. 16 for 4 processes (0: this process's)" })
    .int("must be a whole number of job slots, e.g. 16 for 4 processes (0: this process's)")
    .min(0, "must be 0 (this process's slots) to 10000")
    .max(10_000, "must be 0 (this process's slots) to 10000")
    .default(0),
  /**
   * The SMTP server alert mail goes out through (`smtp://user:pass@host:587`, `smtps://…`).
   * Unset: email channels' deliveries are recorded as undeliverable, saying to set it.
   */
  CLOUDSYNC_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^/\s]+/, "must be an SMTP URL like smtp://user:password@mail.example.com:587 or smtps://…:465")
    .optional(),
  /**
   * Let alert webhooks reach loopback, private, link-local and metadata addresses (docs/alerts.md).
   * Off: a tenant's URL could otherwise probe the worker's own network.
   */
  CLOUDSYNC_ALERT_ALLOW_PRIVATE_DESTINATIONS: z
    .enum(["true", "false", "1", "0"], { message: "must be true or false" })
    .default("false")
    .transform((v) => v === "true" || v === "1"),
  /** The From of alert mail. */
  CLOUDSYNC_ALERT_EMAIL_FROM: z.string().min(3).default("cloudsync <alerts@cloudsync.local>"),
  CLOUDSYNC_RUN_MIGRATIONS: z
    .enum(["true", "false", "1", "0"], { message: "must be true or false" })
    .default("false")
    .transform((v) => v === "true" || v === "1"),
}).superRefine((env, ctx) => {
  if (!env.CLOUDSYNC_REDIS_CLUSTER && env.REDIS_URL.includes(",")) {
    ctx.addIssue({
      code: "custom",
      path: ["REDIS_URL"],
      message: "names several servers: set CLOUDSYNC_REDIS_CLUSTER=true if they are nodes of a Redis Cluster, else name one",
    });
  }
});

export type Env = z.infer<typeof schema>;

export class EnvError extends Error {
  override name = "EnvError";
}

/** Parses the environment; an error lists every wrong variable with what it should look like. */
export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
  throw new EnvError(`the environment is not valid:\n${lines.join("\n")}`);
}
