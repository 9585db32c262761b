import { Redis, type RedisOptions } from "ioredis";

/** A Redis URL (`redis://…`, `rediss://…`) or ioredis options. */
export type RedisConnection = string | RedisOptions;

/** `host:port` of a connection, for messages: a URL may carry a password, this never does. */
export function describeRedis(connection: RedisConnection): string {
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
export function workerConnectionOptions(connection: RedisConnection): RedisOptions & { url?: string } {
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
export async function connectFailFast(connection: RedisConnection, name: string): Promise<Redis> {
  const options: RedisOptions = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    lazyConnect: true,
    connectionName: name,
  };
  const client = typeof connection === "string" ? new Redis(connection, options) : new Redis({ ...connection, ...options });
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
): Promise<Redis> {
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
