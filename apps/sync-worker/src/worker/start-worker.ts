import { type CloudName, cloudNames } from "@cloudsync/cloud";
import { DelayedError, type Job, Queue, UnrecoverableError, Worker } from "bullmq";
import type { Cluster, Redis, RedisOptions } from "ioredis";
import type { Logger } from "../logger.ts";
import {
  InvalidPayloadError,
  type Payload,
  type ProviderRateLimit,
  type QueueKind,
  type RedisConnection,
  allQueues,
  defaultPrefix,
  parsePayload,
  queueConfigs,
  queueName,
} from "../queues/index.ts";
import { isClusterConnection, newRedisClient, queuePrefix, workerConnectionOptions } from "../queues/connection.ts";
import { isContinuation, providerOf } from "../queues/payloads.ts";
import { type ProviderGate, createProviderGate } from "./provider-gate.ts";

/** A job's work: a plain function of its payload (and the job, for its id and progress). */
export type JobProcessor<K extends QueueKind> = (payload: Payload<K>, job: Job, context?: JobContext) => Promise<unknown>;

/** What a processor may do beyond its own job: split its work into child jobs and wait for them. */
export interface JobContext {
  /** The job's lock token (for `job.moveToWaitingChildren`). */
  token: string | undefined;
  /**
   * Adds jobs to this job's queue as its children (a job id already present adds nothing). A
   * child that fails for good is set aside rather than failing this job, which then sees it in
   * `job.getIgnoredChildrenFailures()`.
   */
  addChildren(children: readonly { name: string; jobId: string; data: object }[]): Promise<void>;
}

/** Resources are required; a queue without a processor gets no worker (its jobs wait). */
export type Processors = { resources: JobProcessor<"resources"> } & { [K in Exclude<QueueKind, "resources">]?: JobProcessor<K> };

/** How a job attempt ended, for metrics. `rate_limited`/`provider_busy`: put back, not run. */
export type JobOutcome = "completed" | "failed" | "retried" | "rate_limited" | "provider_busy";

/** What the worker reports to; `createMetrics` (src/http/metrics.ts) implements it. */
export interface JobObserver {
  observeJob(queue: QueueKind, outcome: JobOutcome, durationSeconds?: number): void;
}

export interface StartWorkerOptions {
  connection: RedisConnection;
  prefix?: string;
  processors: Processors;
  /**
   * The clouds whose providers' jobs this process takes (default all three). Each cloud has its
   * own queues, so the other clouds' jobs wait for the process that handles them.
   */
  clouds?: readonly CloudName[];
  logger: Logger;
  /** Overrides each queue's configured concurrency. */
  concurrency?: Partial<Record<QueueKind, number>>;
  /** Overrides each queue's per-provider rate limit; `null` removes it (the lease stays). */
  rateLimit?: Partial<Record<QueueKind, ProviderRateLimit | null>>;
  metrics?: JobObserver;
  /**
   * BullMQ lock and stall settings. A worker that dies holding a job loses its lock after
   * `lockDuration`; a stall check (every `stalledInterval`) then puts the job back in the queue.
   * Defaults: BullMQ's (30 s each).
   */
  locks?: { lockDuration?: number; stalledInterval?: number; maxStalledCount?: number };
  /** Per-provider lease: see provider-gate.ts (default 60 s). */
  leaseMs?: number;
}

export interface WorkerHandle {
  /** By queue name (`resources-aws`, `maintenance`…). */
  workers: Record<string, Worker>;
  /** Stops taking jobs, waits for running ones to finish, then closes every connection. */
  close(): Promise<void>;
}

/**
 * One BullMQ worker per queue that has a processor. The worker only turns a job into a validated
 * payload, paces it per provider, and reports; the processors are plain functions of their
 * dependencies. Redis errors are logged, never thrown: BullMQ reconnects and carries on.
 * Resolves once every worker is connected (it waits for Redis rather than failing).
 */
export async function startWorker(options: StartWorkerOptions): Promise<WorkerHandle> {
  const prefix = options.prefix ?? defaultPrefix;
  const log = options.logger.child({ component: "worker" });
  const gateClient = newRedisClient(options.connection, { maxRetriesPerRequest: null, connectionName: `cloudsync-gate-${process.pid}` });
  gateClient.on("error", (err: Error) => log.error({ err: err.message }, "Redis connection for provider limits failed; retrying"));
  const gate = createProviderGate({
    client: gateClient,
    prefixOf: (queue) => queuePrefix(prefix, queue, options.connection),
    ...(options.leaseMs ? { leaseMs: options.leaseMs } : {}),
  });
  // On a cluster the workers share one Cluster client (BullMQ duplicates it for each blocking
  // connection); on one server each worker opens its own from the options, as before.
  const shared: Cluster | Redis | null = isClusterConnection(options.connection)
    ? newRedisClient(options.connection, { maxRetriesPerRequest: null, connectionName: `cloudsync-worker-${process.pid}` })
    : null;
  shared?.on("error", (err: Error) => log.error({ err: err.message }, "Redis Cluster connection of the workers failed; retrying"));

  const clouds = options.clouds ?? cloudNames;
  if (clouds.length === 0) throw new TypeError("startWorker: name at least one cloud whose jobs to take");
  const workers: Record<string, Worker> = {};
  // Producers for child jobs, opened on first use (only a fanned-out inventory adds any).
  const producers = new Map<string, Queue>();
  const producerOf = (name: string, kind: QueueKind): Queue => {
    let queue = producers.get(name);
    if (!queue) {
      queue = new Queue(name, {
        connection: shared ?? workerConnectionOptions(options.connection as string | RedisOptions),
        prefix: queuePrefix(prefix, name, options.connection),
        defaultJobOptions: queueConfigs[kind].jobOptions,
      });
      queue.on("error", (err) => log.warn({ queue: name, err: err.message }, "queue error (child jobs)"));
      producers.set(name, queue);
    }
    return queue;
  };
  for (const [kind, cloud] of allQueues(clouds)) {
    const processor = options.processors[kind] as JobProcessor<typeof kind> | undefined;
    if (!processor) continue;
    const config = queueConfigs[kind];
    const name = queueName(kind, cloud);
    const limit = options.rateLimit && kind in options.rateLimit ? (options.rateLimit[kind] ?? null) : config.providerRateLimit;
    const context = (job: Job, token: string | undefined): JobContext => ({
      token,
      async addChildren(children) {
        await producerOf(name, kind).addBulk(
          children.map((c) => ({
            name: c.name,
            data: c.data,
            opts: { jobId: c.jobId, parent: { id: job.id ?? "", queue: job.queueQualifiedName }, ignoreDependencyOnFailure: true },
          })),
        );
      },
    });
    const worker = new Worker(name, (job, token) => runJob({ kind, job, token, processor, context: context(job, token), limit, gate, metrics: options.metrics, log }), {
      connection: shared ?? workerConnectionOptions(options.connection as string | RedisOptions),
      prefix: queuePrefix(prefix, name, options.connection),
      concurrency: options.concurrency?.[kind] ?? config.concurrency,
      ...options.locks,
    });
    watch(worker, name, log);
    workers[name] = worker;
  }
  await Promise.all(Object.values(workers).map((w) => w.waitUntilReady()));
  log.info({ queues: Object.keys(workers), clouds, prefix }, "worker started");

  let closing: Promise<void> | undefined;
  return {
    workers,
    close() {
      closing ??= (async () => {
        // Worker.close() stops fetching, then waits for the jobs in hand to finish.
        await Promise.all(Object.values(workers).map((w) => w.close()));
        await Promise.all([...producers.values()].map((q) => q.close()));
        await gateClient.quit().catch(() => gateClient.disconnect());
        if (shared) await shared.quit().catch(() => shared.disconnect());
        log.info({}, "worker stopped");
      })();
      return closing;
    },
  };
}

interface RunJob<K extends QueueKind> {
  kind: K;
  job: Job;
  token: string | undefined;
  processor: JobProcessor<K>;
  context: JobContext;
  limit: ProviderRateLimit | null;
  gate: ProviderGate;
  metrics: JobObserver | undefined;
  log: Logger;
}

async function runJob<K extends QueueKind>({ kind, job, token, processor, context, limit, gate, metrics, log }: RunJob<K>): Promise<unknown> {
  let payload: Payload<K>;
  try {
    payload = parsePayload(kind, job.data);
  } catch (error) {
    // Retrying cannot fix a malformed payload: fail at once, keep the job for inspection.
    if (error instanceof InvalidPayloadError) {
      metrics?.observeJob(kind, "failed");
      throw new UnrecoverableError(error.message);
    }
    throw error;
  }
  const providerId = providerOf(payload);
  const jobId = job.id ?? "";
  // A shard of a provider's fanned-out inventory has a lease of its own (provider + shard), so
  // shards run at once while two shards of one number never do; it keeps its parent's lease
  // alive while it runs. Neither a shard nor a parent resumed after its shards is a new start
  // of the provider: the rate window counted the parent once.
  const shard = "shard" in payload && payload.shard ? (payload.shard as { index: number }).index : undefined;
  const leaseName = providerId && shard !== undefined ? `${providerId}:shard:${shard}` : providerId;
  const parentId = shard !== undefined ? job.parent?.id : undefined;
  const windowLimit = shard !== undefined || isContinuation(job.data) ? null : limit;
  if (providerId && leaseName) {
    const decision = await gate.acquire(queueConfigs[kind].name, leaseName, jobId, windowLimit);
    if (!decision.granted) {
      metrics?.observeJob(kind, decision.reason);
      log.info({ queue: kind, jobId, providerId, reason: decision.reason, retryInMs: decision.retryInMs }, "job put back until the provider is free");
      // Only this job waits; other providers' jobs keep flowing (Worker.rateLimit would stop the queue).
      await job.moveToDelayed(Date.now() + decision.retryInMs, token);
      throw new DelayedError();
    }
  }
  const renewal = leaseName
    ? setInterval(() => {
        gate.renew(queueConfigs[kind].name, leaseName, jobId).then(
          (held) => held || log.warn({ queue: kind, jobId, providerId }, "provider lease was lost; another job of this provider may start"),
          (err: unknown) => log.warn({ queue: kind, jobId, err: message(err) }, "could not renew the provider lease"),
        );
        if (providerId && parentId) gate.renew(queueConfigs[kind].name, providerId, parentId).catch(() => undefined);
      }, Math.max(1_000, Math.floor(gate.leaseMs / 3)))
    : undefined;
  renewal?.unref();
  const started = performance.now();
  let waitingForChildren = false;
  try {
    const result = await processor(payload, job, context);
    metrics?.observeJob(kind, "completed", (performance.now() - started) / 1000);
    return result;
  } catch (error) {
    if (error instanceof Error && error.name === "WaitingChildrenError") {
      // Not an attempt that ended: the job runs again once its children have.
      waitingForChildren = true;
      throw error;
    }
    const final = error instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    metrics?.observeJob(kind, final ? "failed" : "retried", (performance.now() - started) / 1000);
    throw error;
  } finally {
    clearInterval(renewal);
    // A parent waiting for its shards keeps the provider's lease: the shards renew it, so no
    // other inventory of the provider starts in between; it expires if they all stop.
    if (leaseName && !waitingForChildren) {
      await gate.release(queueConfigs[kind].name, leaseName, jobId).catch((err: unknown) => log.warn({ queue: kind, jobId, err: message(err) }, "could not release the provider lease; it expires by itself"));
    }
  }
}

function watch(worker: Worker, name: string, log: Logger): void {
  const fields = (job: Job) => ({ queue: name, jobId: job.id, providerId: providerOf(job.data ?? {}), attempts: job.attemptsMade, maxAttempts: job.opts.attempts ?? 1 });
  // Without an `error` listener a Redis hiccup would be an unhandled 'error' event and crash the process.
  worker.on("error", (err) => log.error({ queue: name, err: err.message }, "worker error; BullMQ reconnects and carries on"));
  worker.on("completed", (job) => log.info(fields(job), "job completed"));
  worker.on("failed", (job, err) => {
    if (!job) return log.error({ queue: name, err: err.message }, "job failed");
    const final = err instanceof UnrecoverableError || err.name === "UnrecoverableError" || job.attemptsMade >= (job.opts.attempts ?? 1);
    if (final) log.error({ ...fields(job), err: err.message }, "job failed for good; kept in the failed set for inspection");
    else log.warn({ ...fields(job), err: err.message }, "job failed; it will be retried after a backoff");
  });
  worker.on("stalled", (jobId) => log.warn({ queue: name, jobId }, "job stalled (its worker stopped renewing the lock); it goes back to the queue"));
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
