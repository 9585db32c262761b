import type { Database } from "@cloudsync/db";
import { sql } from "drizzle-orm";
import { newRedisClient } from "../queues/connection.ts";
import { type RedisConnection, describeRedis } from "../queues/index.ts";

/** A health check: resolves when the dependency answers, rejects (with why) when it does not. */
export type HealthCheck = () => Promise<void>;

export function postgresCheck(db: Database): HealthCheck {
  return async () => {
    await db.execute(sql`select 1`);
  };
}

/**
 * A Redis check over its own connection that never queues commands: while Redis is down, PING
 * fails at once instead of waiting for a reconnect. Connects on first use, so a worker can start
 * (and report unhealthy) before Redis is up.
 */
export function createRedisCheck(connection: RedisConnection): { check: HealthCheck; close(): Promise<void> } {
  const options = { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true, connectionName: `cloudsync-health-${process.pid}` };
  const client = newRedisClient(connection, options);
  // Failures are reported through the check; the events would only repeat them.
  let lastError = "";
  client.on("error", (err: Error) => {
    lastError = err.message;
  });
  return {
    async check() {
      const where = `Redis at ${describeRedis(connection)}`;
      if (client.status === "wait") {
        // ioredis rejects a failed first connect with "Connection is closed."; the event says why.
        await client.connect().catch((error: unknown) => {
          throw new Error(`${where}: ${lastError || (error instanceof Error ? error.message : String(error))}`);
        });
      } else if (client.status !== "ready") {
        throw new Error(`${where} is not connected (${client.status}${lastError ? `: ${lastError}` : ""})`);
      }
      const reply = await client.ping();
      if (reply !== "PONG") throw new Error(`${where} answered PING with ${JSON.stringify(reply)}`);
    },
    async close() {
      await client.quit().catch(() => client.disconnect());
    },
  };
}
