import { Cluster, type ClusterOptions, Redis, type RedisOptions } from "ioredis";

/**
 * A Redis Cluster: seed nodes (any few of its masters; the client learns the rest) and the
 * options every node connection takes (password, TLS).
 */
export interface ClusterConnection {
  cluster: { nodes: { host: string; port: number }[]; redisOptions?: RedisOptions };
}

/** A Redis URL (`redis://…`, `rediss://…`), ioredis options, or a Redis Cluster. */
export type RedisConnection = string | RedisOptions | ClusterConnection;

export function isClusterConnection(connection: RedisConnection): connection is ClusterConnection {
  return typeof connection === "object" && connection !== null && "cluster" in connection;
}

/**
 * The connection REDIS_URL names: one server, or with `cluster` a Redis Cluster whose seed nodes
 * are the comma-separated URLs (user, password and `rediss:` of the first apply to every node).
 */
export function parseRedisConnection(urls: string, options: { cluster?: boolean } = {}): RedisConnection {
  const list = urls.split(",").map((u) => u.trim()).filter(Boolean);
  if (!options.cluster) {
    if (list.length !== 1) throw new TypeError("REDIS_URL names several servers; set CLOUDSYNC_REDIS_CLUSTER=true for a Redis Cluster, or name one server");
    return list[0] as string;
  }
  const parsed = list.map((u) => new URL(u));
  const first = parsed[0];
  if (!first) throw new TypeError("REDIS_URL names no node of the Redis Cluster");
  const redisOptions: RedisOptions = {
    ...(first.username ? { username: decodeURIComponent(first.username) } : {}),
    ...(first.password ? { password: decodeURIComponent(first.password) } : {}),
    ...(first.protocol === "rediss:" ? { tls: {} } : {}),
  };
  return { cluster: { nodes: parsed.map((u) => ({ host: u.hostname, port: Number(u.port || "6379") })), redisOptions } };
}

/**
 * A client of the connection with these options: a Redis, or a Cluster whose node connections
 * take them (a cluster's own queueing options go on the Cluster itself).
 */
export function newRedisClient(connection: RedisConnection, options: RedisOptions): Redis | Cluster {
  if (isClusterConnection(connection)) {
    const { enableOfflineQueue, lazyConnect, ...perNode } = options;
    const clusterOptions: ClusterOptions = {
      ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
      ...(lazyConnect === undefined ? {} : { lazyConnect }),
      redisOptions: { ...connection.cluster.redisOptions, ...perNode },
    };
    return new Cluster(connection.cluster.nodes, clusterOptions);
  }
  // ioredis takes a URL only as its first argument (a `url` option is ignored).
  return typeof connection === "string" ? new Redis(connection, options) : new Redis({ ...connection, ...options });
}

/**
 * The key prefix of one queue. On a Redis Cluster every key a BullMQ script touches must hash to
 * one slot, so each queue's prefix is a hash tag of its own (`{cloudsync-resources-aws}`): one
 * queue's keys live together, and different queues spread over the masters. On one server the
 * prefix is the deployment's, as it always was.
 */
export function queuePrefix(prefix: string, queue: string, connection: RedisConnection): string {
  return isClusterConnection(connection) ? `{${prefix}-${queue}}` : prefix;
}

/** `host:port` of a connection, for messages: a URL may carry a password, this never does. */
export function describeRedis(connection: RedisConnection): string {
  if (isClusterConnection(connection)) {
    return `the Redis Cluster of ${connection.cluster.nodes.map((n) => `${n.host}:${n.port}`).join(", ")}`;
  }
  if (typeof connection === "string") {
    try {
      const url = new URL(connection);
      return `${url.hostname}:${url.port || "6379"}`;
    } catch {
      return "(unparseable Redis URL)";
    }
  }
  return connection.path ?? `${connection.host ?? "127.0.0.1"}:${connection.port ?? 6379}`;
}

/** ioredis options a BullMQ worker needs: blocking commands must wait for Redis, never give up. */
export function workerConnectionOptions(connection: string | RedisOptions): RedisOptions & { url?: string } {
  const base = typeof connection === "string" ? { url: connection } : { ...connection };
  return { ...base, maxRetriesPerRequest: null };
}

export class RedisUnavailableError extends Error {
  override name = "RedisUnavailableError";
}

/**
 * A connection for producers and other request/response callers: when Redis is down a command
 * fails at once (no offline queue, one retry) instead of hanging the caller. The first connect
 * is awaited, so a wrong REDIS_URL is reported at start-up rather than on the first request.
 */
export async function connectFailFast(connection: RedisConnection, name: string): Promise<Redis | Cluster> {
  const options: RedisOptions = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    lazyConnect: true,
    connectionName: name,
  };
  const client = newRedisClient(connection, options);
  // ioredis reports why a connect failed as an `error` event (and would print it if unheard).
  let lastError = "";
  const remember = (err: Error) => {
    lastError = err.message;
  };
  client.on("error", remember);
  try {
    await client.connect();
    client.off("error", remember);
  } catch (error) {
    client.disconnect();
    const reason = lastError || (error instanceof Error ? error.message : String(error));
    throw new RedisUnavailableError(`cannot reach Redis at ${describeRedis(connection)} (${reason}); start it or point REDIS_URL at a running one`);
  }
  return client;
}

/**
 * Waits for Redis at start-up, trying again every `intervalMs`, for at most about `timeoutMs`
 * (one connect attempt may run past it by its own timeout): containers started together come up
 * in any order, but a Redis that never answers must end the start with a message, not hang it.
 * Resolves with a connected fail-fast client, which the caller closes.
 */
export async function waitForRedis(
  connection: RedisConnection,
  options: { timeoutMs: number; intervalMs?: number; onRetry?: (reason: string) => void; variableName?: string },
): Promise<Redis | Cluster> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    try {
      return await connectFailFast(connection, `cloudsync-startup-${process.pid}`);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (Date.now() + (options.intervalMs ?? 1000) > deadline) {
        throw new RedisUnavailableError(
          `${reason}. Gave up after ${Math.round(options.timeoutMs / 1000)} s; ${options.variableName ?? "the start-up timeout"} sets how long to wait.`,
        );
      }
      options.onRetry?.(reason);
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 1000));
    }
  }
}
