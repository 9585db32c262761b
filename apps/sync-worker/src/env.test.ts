import { describe, expect, it } from "vitest";
import { EnvError, loadEnv } from "./env.ts";
import { parseRedisConnection } from "./queues/connection.ts";

describe("loadEnv", () => {
  it("has defaults that work on a developer machine", () => {
    const env = loadEnv({});
    expect(env).toMatchObject({ REDIS_URL: "redis://127.0.0.1:6379", CLOUDSYNC_QUEUE_PREFIX: "cloudsync", LOG_LEVEL: "info", CLOUDSYNC_HTTP_PORT: 9464, CLOUDSYNC_RUN_MIGRATIONS: false, CLOUDSYNC_REDIS_STARTUP_TIMEOUT_SECONDS: 30, CLOUDSYNC_ACCOUNTS_PER_SHARD: 10, CLOUDSYNC_SHARD_JOB_SLOTS: 0 });
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it.each([
    [{ DATABASE_URL: "mysql://x" }, /DATABASE_URL: must be a PostgreSQL URL/],
    [{ REDIS_URL: "127.0.0.1:6379" }, /REDIS_URL: must be a Redis URL/],
    [{ CLOUDSYNC_HTTP_PORT: "http" }, /CLOUDSYNC_HTTP_PORT/],
    [{ LOG_LEVEL: "loud" }, /LOG_LEVEL/],
    [{ CLOUDSYNC_RUN_MIGRATIONS: "yes" }, /CLOUDSYNC_RUN_MIGRATIONS: must be true or false/],
    [{ CLOUDSYNC_QUEUE_PREFIX: "a b" }, /CLOUDSYNC_QUEUE_PREFIX/],
    [{ CLOUDSYNC_WORKER_CLOUDS: "aws,mars" }, /CLOUDSYNC_WORKER_CLOUDS: a comma-separated list of aws, azure, gcp, digitalocean, linode and vultr/],
    [{ CLOUDSYNC_REDIS_STARTUP_TIMEOUT_SECONDS: "soon" }, /CLOUDSYNC_REDIS_STARTUP_TIMEOUT_SECONDS: must be a whole number of seconds/],
    [{ CLOUDSYNC_REDIS_STARTUP_TIMEOUT_SECONDS: "1.5" }, /CLOUDSYNC_REDIS_STARTUP_TIMEOUT_SECONDS: must be a whole number of seconds/],
    [{ REDIS_URL: "redis://a:7000,redis://b:7001" }, /REDIS_URL: names several servers: set CLOUDSYNC_REDIS_CLUSTER=true/],
    [{ REDIS_URL: "redis://a:7000,b:7001", CLOUDSYNC_REDIS_CLUSTER: "true" }, /REDIS_URL: must be a Redis URL/],
    [{ CLOUDSYNC_REDIS_CLUSTER: "cluster" }, /CLOUDSYNC_REDIS_CLUSTER: must be true or false/],
    [{ CLOUDSYNC_REDIS_STARTUP_TIMEOUT_SECONDS: "7200" }, /CLOUDSYNC_REDIS_STARTUP_TIMEOUT_SECONDS: must be 0 \(one try\) to 3600/],
    [{ CLOUDSYNC_ACCOUNTS_PER_SHARD: "many" }, /CLOUDSYNC_ACCOUNTS_PER_SHARD: must be a whole number of accounts/],
    [{ CLOUDSYNC_ACCOUNTS_PER_SHARD: "-1" }, /CLOUDSYNC_ACCOUNTS_PER_SHARD: must be 0 \(never split\) to 10000/],
    [{ CLOUDSYNC_SHARD_JOB_SLOTS: "four" }, /CLOUDSYNC_SHARD_JOB_SLOTS: must be a whole number of job slots/],
    [{ CLOUDSYNC_SHARD_JOB_SLOTS: "-4" }, /CLOUDSYNC_SHARD_JOB_SLOTS: must be 0 \(this process's slots\) to 10000/],
  ])("names the wrong variable in %j", (source, message) => {
    expect(() => loadEnv(source)).toThrow(EnvError);
    expect(() => loadEnv(source)).toThrow(message);
  });

  it("lists every wrong variable at once", () => {
    expect(() => loadEnv({ REDIS_URL: "x", LOG_LEVEL: "x" })).toThrow(/REDIS_URL[\s\S]*LOG_LEVEL/);
  });

  it("takes the seed nodes of a Redis Cluster, with the first URL's credentials for every node", () => {
    const env = loadEnv({ REDIS_URL: "rediss://worker:s%40cret@10.0.0.1:7000, rediss://10.0.0.2", CLOUDSYNC_REDIS_CLUSTER: "true" });
    expect(parseRedisConnection(env.REDIS_URL, { cluster: env.CLOUDSYNC_REDIS_CLUSTER })).toEqual({
      cluster: {
        nodes: [
          { host: "10.0.0.1", port: 7000 },
          { host: "10.0.0.2", port: 6379 },
        ],
        redisOptions: { username: "worker", password: "s@cret", tls: {} },
      },
    });
    expect(parseRedisConnection(loadEnv({}).REDIS_URL)).toBe("redis://127.0.0.1:6379");
  });

  it("treats empty values as unset", () => {
    expect(loadEnv({ DATABASE_URL: "" }).DATABASE_URL).toBeUndefined();
  });
});
