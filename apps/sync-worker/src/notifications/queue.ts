import { withOrganization } from "@cloudsync/db";
import { type DefaultJobOptions, type Job, Queue, UnrecoverableError, Worker } from "bullmq";
import { z } from "zod";
import type { Logger } from "../logger.ts";
import { type RedisConnection, connectFailFast, isClusterConnection, newRedisClient, queuePrefix, workerConnectionOptions } from "../queues/connection.ts";
import { notificationsQueue } from "../queues/notifications.config.ts";
import { channelName } from "./channels.ts";
import { type DeliveryDeps, type DeliveryOutcome, deliverNotification } from "./deliver.ts";
import { type DeliveryRequest, idempotencyKey } from "./message.ts";
import { pendingDeliveries } from "./pending.ts";

const requestSchema = z.object({
  organizationId: z.uuid(),
  alertId: z.uuid(),
  event: z.enum(["raised", "resolved"]),
  channel: z.string().regex(channelName),
});

export interface NotificationQueue {
  readonly queue: Queue;
  /** Queues each delivery under its idempotency key; one already queued (or kept after it ran) is not added again. */
  enqueue(requests: readonly DeliveryRequest[]): Promise<number>;
  close(): Promise<void>;
}

/** The producer side, over a fail-fast connection: with Redis down, enqueue rejects at once. */
export async function createNotificationQueue(options: { connection: RedisConnection; prefix: string; jobOptions?: Partial<DefaultJobOptions>; logger?: Logger }): Promise<NotificationQueue> {
  const client = await connectFailFast(options.connection, `cloudsync-notify-${process.pid}`);
  client.on("error", (err: Error) => options.logger?.warn({ err: err.message }, "notifications producer lost Redis; enqueue fails until it is back"));
  const queue = new Queue(notificationsQueue.name, {
    connection: client,
    prefix: queuePrefix(options.prefix, notificationsQueue.name, options.connection),
    defaultJobOptions: { ...notificationsQueue.jobOptions, ...options.jobOptions },
  });
  queue.on("error", (err) => options.logger?.warn({ err: err.message }, "notifications queue error"));
  return {
    queue,
    async enqueue(requests) {
      if (requests.length === 0) return 0;
      await queue.addBulk(requests.map((r) => ({ name: "deliver", data: requestSchema.parse(r), opts: { jobId: idempotencyKey(r) } })));
      return requests.length;
    },
    async close() {
      await queue.close();
      await client.quit().catch(() => client.disconnect());
    },
  };
}

/**
 * Hands an organization's owed deliveries to the queue (see `pendingDeliveries`). A channel name
 * that cannot be a job id is never configured, so it is delivered here at once, which records it
 * as undeliverable with the reason. Returns how many were handed over.
 */
export async function enqueuePendingNotifications(
  deps: DeliveryDeps,
  queue: Pick<NotificationQueue, "enqueue">,
  organizationId: string,
  options: { now: Date; sweepHours?: number },
): Promise<number> {
  const since = new Date(options.now.getTime() - (options.sweepHours ?? notificationsQueue.sweepHours) * 3_600_000);
  const owed = await withOrganization(deps.db, organizationId, (tx) => pendingDeliveries(tx, organizationId, since), { role: null });
  const queueable = owed.filter((r) => channelName.test(r.channel));
  for (const r of owed.filter((x) => !channelName.test(x.channel))) await deliverNotification(deps, r, { number: 1 });
  return queue.enqueue(queueable);
}

/** The queue's processor: one attempt per run; a retryable failure throws so BullMQ backs off and runs it again. */
export function notificationProcessor(deps: DeliveryDeps, logger?: Logger) {
  return async (job: Job): Promise<DeliveryOutcome> => {
    const parsed = requestSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`a notifications job payload is not valid: ${parsed.error.issues.map((i) => i.path.join(".")).join(", ")}`);
    const outcome = await deliverNotification(deps, parsed.data, { number: job.attemptsMade + 1, jobId: job.id });
    if (outcome.status === "failed") {
      logger?.warn({ key: outcome.key, attempt: job.attemptsMade + 1, err: outcome.error }, "notification not delivered; will retry");
      throw new Error(outcome.error ?? "delivery failed");
    }
    return outcome;
  };
}

export interface NotificationWorker {
  worker: Worker;
  close(): Promise<void>;
}

/** The consumer side. Redis errors are logged, never thrown: BullMQ reconnects and carries on. */
export async function startNotificationWorker(options: {
  connection: RedisConnection;
  prefix: string;
  deps: DeliveryDeps;
  logger: Logger;
  concurrency?: number;
}): Promise<NotificationWorker> {
  const log = options.logger.child({ component: "notifications" });
  // On a Redis Cluster the worker takes a Cluster client (BullMQ duplicates it for blocking reads).
  const shared = isClusterConnection(options.connection)
    ? newRedisClient(options.connection, { maxRetriesPerRequest: null, connectionName: `cloudsync-notify-worker-${process.pid}` })
    : null;
  const worker = new Worker(notificationsQueue.name, notificationProcessor(options.deps, log), {
    connection: shared ?? workerConnectionOptions(options.connection as Exclude<RedisConnection, { cluster: unknown }>),
    prefix: queuePrefix(options.prefix, notificationsQueue.name, options.connection),
    concurrency: options.concurrency ?? notificationsQueue.concurrency,
  });
  worker.on("error", (err) => log.error({ err: err.message }, "notifications worker error; retrying"));
  worker.on("failed", (job, err) => {
    if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) log.error({ key: job.id, attempts: job.attemptsMade, err: err.message }, "notification given up after its last attempt");
  });
  await worker.waitUntilReady();
  return {
    worker,
    async close() {
      await worker.close();
      if (shared) await shared.quit().catch(() => shared.disconnect());
      options.deps.mailer?.close();
    },
  };
}
