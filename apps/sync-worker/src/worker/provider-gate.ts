import type { Cluster, Redis } from "ioredis";
import type { ProviderRateLimit } from "../queues/index.ts";

/**
 * Per-provider pacing that open-source BullMQ lacks (its `limiter` counts a whole queue; groups
 * are a Pro feature). Before a job of provider P runs on queue Q, one Lua script, atomically:
 *
 * 1. the lease `Q:provider:P:lease` must be free or already held by this job id (a job that
 *    comes back after its worker died holds it still) — so one provider's jobs of one kind never
 *    overlap, whether they came from the schedule or a manual request;
 * 2. the fixed window `Q:provider:P:window` must have counted fewer than `max` starts in the
 *    last `duration` ms — so a flood of requests cannot exhaust the cloud account's API quota.
 *
 * A refused job is moved back to `delayed` until the lease or window frees (see start-worker);
 * other providers' jobs keep running. The lease expires by itself if its holder dies, and its
 * holder renews it while it runs.
 */
const acquireScript = `
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then
  return {0, redis.call('PTTL', KEYS[1])}
end
local max = tonumber(ARGV[3])
if not holder and max > 0 then
  local used = tonumber(redis.call('GET', KEYS[2]) or '0')
  if used >= max then
    return {1, redis.call('PTTL', KEYS[2])}
  end
  if redis.call('INCR', KEYS[2]) == 1 then
    redis.call('PEXPIRE', KEYS[2], ARGV[4])
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return {2, 0}
`;

const renewScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`;

const releaseScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`;

export type GateDecision = { granted: true } | { granted: false; reason: "provider_busy" | "rate_limited"; retryInMs: number };

export interface ProviderGate {
  acquire(queue: string, providerId: string, jobId: string, limit: ProviderRateLimit | null): Promise<GateDecision>;
  /** Extends the lease of a running job; false if it was lost (expired and taken). */
  renew(queue: string, providerId: string, jobId: string): Promise<boolean>;
  release(queue: string, providerId: string, jobId: string): Promise<void>;
  readonly leaseMs: number;
}

export interface ProviderGateOptions {
  client: Redis | Cluster;
  /**
   * The BullMQ prefix of a queue, so the keys live and die with the deployment's queues (and, on
   * a Redis Cluster, share the queue's hash tag: a script's two keys must hash to one slot).
   */
  prefixOf: (queue: string) => string;
  /** How long a lease outlives a dead holder (default 60 s; renewed every third of it). */
  leaseMs?: number;
  /** Longest wait before a refused job looks again while another job holds the lease (default 15 s). */
  busyRecheckMs?: number;
}

export function createProviderGate(options: ProviderGateOptions): ProviderGate {
  const { client, prefixOf } = options;
  const leaseMs = options.leaseMs ?? 60_000;
  const busyRecheckMs = options.busyRecheckMs ?? 15_000;
  const key = (queue: string, providerId: string, what: "lease" | "window") => `${prefixOf(queue)}:${queue}:provider:${providerId}:${what}`;
  // A little jitter so that jobs refused together do not all come back at the same instant.
  const jitter = () => Math.floor(Math.random() * 250);
  return {
    leaseMs,
    async acquire(queue, providerId, jobId, limit) {
      const [code, ttl] = (await client.eval(
        acquireScript,
        2,
        key(queue, providerId, "lease"),
        key(queue, providerId, "window"),
        jobId,
        leaseMs,
        limit?.max ?? 0,
        limit?.duration ?? 0,
      )) as [number, number];
      if (code === 2) return { granted: true };
      const remaining = Math.max(ttl, 0);
      return code === 0
        ? { granted: false, reason: "provider_busy", retryInMs: Math.min(remaining, busyRecheckMs) + jitter() }
        : { granted: false, reason: "rate_limited", retryInMs: remaining + jitter() };
    },
    async renew(queue, providerId, jobId) {
      return (await client.eval(renewScript, 1, key(queue, providerId, "lease"), jobId, leaseMs)) === 1;
    },
    async release(queue, providerId, jobId) {
      await client.eval(releaseScript, 1, key(queue, providerId, "lease"), jobId);
    },
  };
}
