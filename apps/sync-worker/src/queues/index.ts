import { randomBytes } from "node:crypto";
import type { CloudName } from "@cloudsync/cloud";
import { type JobsOptions, Queue } from "bullmq";
import type { Cluster, Redis } from "ioredis";
import type { Logger } from "../logger.ts";
import { type ProviderQueueKind, allQueues, providerQueueKinds, queueConfigs, queueName } from "./configs.ts";
import { type RedisConnection, connectFailFast, queuePrefix } from "./connection.ts";
import { type Payload, type PayloadInput, parsePayload, providerOf } from "./payloads.ts";
import type { QueueKind } from "./types.ts";

export type { ClusterConnection, RedisConnection } from "./connection.ts";
export { describeRedis, isClusterConnection, parseRedisConnection, queuePrefix, RedisUnavailableError } from "./connection.ts";
export { InvalidPayloadError, type Payload, type PayloadInput, parsePayload, payloadSchemas } from "./payloads.ts";
export type { ProviderRateLimit, QueueConfig, QueueKind } from "./types.ts";
export { type ProviderQueueKind, allQueues, isProviderQueueKind, kindRunsFor, providerQueueKinds, queueConfigs, queueKinds, queueName } from "./configs.ts";
export { type ScheduleSummary, type SyncSchedulesOptions, schedulerId, syncIntervalMinutes, syncSchedules } from "./schedules.ts";

/** The Redis key prefix when none is given (the CLI passes CLOUDSYNC_QUEUE_PREFIX). */
export const defaultPrefix = "cloudsync";

/**
 * The identity of a request: its kind, provider and options (a partial inventory, a cost
 * window), not who asked (`trigger`). While a job with this id is waiting, delayed, retrying or
 * running, adding another is a no-op; once it completes or finally fails, the next one runs.
 */
export function dedupeId<K extends QueueKind>(kind: K, payload: Payload<K>): string {
  const { providerId, trigger: _trigger, ...options } = payload as Record<string, unknown>;
  const base = typeof providerId === "string" ? `${kind}:${providerId}` : kind;
  const variant = canonical(options);
  return variant === "{}" ? base : `${base}:${variant}`;
}

/** JSON with sorted keys and sorted, de-duplicated string lists: equal requests, equal text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) {
    const items = value.every((v) => typeof v === "string") ? [...new Set(value as string[])].sort() : value;
    return `[${items.map(canonical).join(",")}]`;
  }
  if (value && typeof value === "object") {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export interface EnqueueResult {
  /** The job that will do the work: the new one, or the one already waiting or running. */
  jobId: string;
  /** True when an equivalent job was already waiting or running, so nothing was added. */
  deduplicated: boolean;
  dedupeId: string;
}

/** A provider's jobs go to its cloud's queue; maintenance belongs to no cloud. */
export type EnqueueOptions<K extends QueueKind> = { delay?: number } & (K extends ProviderQueueKind ? { cloud: CloudName } : { cloud?: never });

export interface Queues {
  readonly prefix: string;
  /** Adds a job unless an equivalent one is already waiting or running (see `dedupeId`). */
  enqueue<K extends QueueKind>(
    kind: K,
    payload: PayloadInput<K>,
    ...options: K extends ProviderQueueKind ? [options: EnqueueOptions<K>] : [options?: EnqueueOptions<K>]
  ): Promise<EnqueueResult>;
  queue(kind: "maintenance"): Queue;
  queue(kind: ProviderQueueKind, cloud: CloudName): Queue;
  /** Every queue: each provider kind per cloud, and maintenance. */
  all(): Queue[];
  /**
   * The provider-kind queues from before they were split per cloud (`resources`, `costs`,
   * `metrics`): no worker takes their jobs any more; `syncSchedules` empties them.
   */
  retired(): Queue[];
  /** Closes the queues and their connection (jobs already added stay in Redis). */
  close(): Promise<void>;
}

export interface CreateQueuesOptions {
  connection: RedisConnection;
  prefix?: string;
  logger?: Logger;
  /** Per-queue changes to the configured job options (tests shorten backoffs with it). */
  jobOptions?: Partial<Record<QueueKind, Partial<JobsOptions>>>;
}

/**
 * Producers for every queue over one fail-fast connection: with Redis down, `enqueue` rejects
 * at once instead of queueing commands in memory. Resolves once Redis answered.
 */
export async function createQueues(options: CreateQueuesOptions): Promise<Queues> {
  const prefix = options.prefix ?? defaultPrefix;
  const client: Redis | Cluster = await connectFailFast(options.connection, `cloudsync-producer-${process.pid}`);
  const log = options.logger?.child({ component: "queues" });
  client.on("error", (err: Error) => log?.warn({ err: err.message }, "producer connection to Redis failed; enqueue fails until it is back"));
  const open = (name: string, kind: QueueKind) => {
    const queue = new Queue(name, {
      connection: client,
      prefix: queuePrefix(prefix, name, options.connection),
      defaultJobOptions: { ...queueConfigs[kind].jobOptions, ...options.jobOptions?.[kind] },
    });
    queue.on("error", (err) => log?.warn({ queue: name, err: err.message }, "queue error"));
    return queue;
  };
  const queues = new Map<string, Queue>(allQueues().map(([kind, cloud]) => [queueName(kind, cloud), open(queueName(kind, cloud), kind)]));
  // The kinds that had a queue of their own before the split; backups and deployments came after it.
  const retired = (["resources", "costs", "metrics"] as const).map((kind) => open(queueConfigs[kind].name, kind));
  const queueOf = (kind: QueueKind, cloud?: CloudName): Queue => queues.get(queueName(kind, cloud)) as Queue;

  return {
    prefix,
    queue: queueOf,
    all: () => [...queues.values()],
    retired: () => [...retired],
    async enqueue(kind, input, ...[opts]) {
      const { delay, cloud } = (opts ?? {}) as { delay?: number; cloud?: CloudName };
      const queue = queueOf(kind, cloud);
      const payload = parsePayload(kind, input);
      const id = dedupeId(kind, payload);
      // Our own id, so that a returned job with another id means "deduplicated". Readable in
      // logs and in sync_runs.job_id (at most 200 characters); `:` is reserved by BullMQ.
      const jobId = [kind, providerOf(payload), `${Date.now().toString(36)}${randomBytes(3).toString("hex")}`].filter(Boolean).join("-");
      const job = await queue.add(kind, payload, { jobId, deduplication: { id }, ...(delay ? { delay } : {}) });
      return { jobId: job.id ?? jobId, deduplicated: job.id !== jobId, dedupeId: id };
    },
    async close() {
      await Promise.all([...queues.values(), ...retired].map((q) => q.close()));
      await client.quit().catch(() => client.disconnect());
    },
  };
}
