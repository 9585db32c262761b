import { type CloudName, cloudNames } from "@cloudsync/cloud";
import { Registry } from "prom-client";
import type { Env } from "../env.ts";
import { postgresCheck, createRedisCheck } from "../http/checks.ts";
import { createMetrics } from "../http/metrics.ts";
import { type BoardServer, startBoard } from "../http/board.ts";
import { startHttpServer } from "../http/server.ts";
import { registerStateMetrics } from "../http/state-metrics.ts";
import { runMaintenance } from "../jobs/maintenance.ts";
import type { SyncDeps } from "../jobs/sync-run.ts";
import type { Logger } from "../logger.ts";
import type { DeliveryDeps } from "../notifications/deliver.ts";
import { createMailer } from "../notifications/email.ts";
import { type NotificationQueue, createNotificationQueue, enqueuePendingNotifications, startNotificationWorker } from "../notifications/queue.ts";
import { createAdapterPool } from "../providers/adapter-pool.ts";
import { createAdapter } from "../providers/adapters.ts";
import { loadProviderForSync } from "../providers/registry.ts";
import { parseRedisConnection, waitForRedis } from "../queues/connection.ts";
import { type Queues, createQueues, queueConfigs, syncSchedules } from "../queues/index.ts";
import {
  backupSyncProcessor,
  costSyncProcessor,
  deploymentSyncProcessor,
  installShutdown,
  metricSyncProcessor,
  resourceSyncProcessor,
  startWorker,
} from "../worker/index.ts";
import { UsageError, openDatabase, requireKeyring } from "./context.ts";

/** New providers get their schedulers within this long, without a restart. */
const RESCHEDULE_EVERY_MS = 5 * 60_000;

/** `--clouds aws,gcp` (or CLOUDSYNC_WORKER_CLOUDS) as a list; every cloud when not given. */
export function workerClouds(list: string | undefined): CloudName[] {
  if (list === undefined) return [...cloudNames];
  const names = [...new Set(list.split(",").map((c) => c.trim()).filter(Boolean))];
  const unknown = names.filter((c) => !(cloudNames as readonly string[]).includes(c));
  if (names.length === 0 || unknown.length > 0) {
    throw new UsageError(`--clouds takes a comma-separated list of ${cloudNames.join(", ")}, got ${JSON.stringify(list)}`);
  }
  return names as CloudName[];
}

/**
 * `cloudsync worker`: the long-running process. Health and metrics first (so /healthz can say
 * what is missing while Redis comes up), then the queues and their schedulers, then the workers.
 * SIGTERM stops taking jobs, lets running ones finish, and closes everything in order.
 * It takes the jobs of `clouds`' providers only (and maintenance): run one process per cloud
 * and each loads only its own cloud's SDKs, while the other clouds' jobs wait in their queues.
 */
export async function runWorker(env: Env, logger: Logger, clouds: readonly CloudName[] = cloudNames): Promise<number> {
  const keyring = requireKeyring(env);
  const handle = await openDatabase(env);
  const registry = new Registry();
  // createMetrics adds Node's process metrics once, unprefixed, as dashboards expect them.
  const metrics = createMetrics(registry);
  const redis = parseRedisConnection(env.REDIS_URL, { cluster: env.CLOUDSYNC_REDIS_CLUSTER });
  const redisCheck = createRedisCheck(redis);
  const http = await startHttpServer({
    host: env.CLOUDSYNC_HTTP_HOST,
    port: env.CLOUDSYNC_HTTP_PORT,
    checks: { postgres: postgresCheck(handle.db), redis: redisCheck.check },
    registry,
    logger,
  });
  logger.info({ url: http.url }, "health and metrics listening");
  let queues: Queues;
  let notifications: NotificationQueue;
  try {
    // Bounded: a Redis that never comes up ends the start with a message and a non-zero exit.
    const probe = await waitForRedis(redis, {
      timeoutMs: env.CLOUDSYNC_REDIS_STARTUP_TIMEOUT_SECONDS * 1000,
      variableName: "CLOUDSYNC_REDIS_STARTUP_TIMEOUT_SECONDS",
      onRetry: (reason) => logger.warn({ err: reason }, "waiting for Redis"),
    });
    await probe.quit().catch(() => probe.disconnect());
    queues = await createQueues({ connection: redis, prefix: env.CLOUDSYNC_QUEUE_PREFIX, logger });
    notifications = await createNotificationQueue({ connection: redis, prefix: env.CLOUDSYNC_QUEUE_PREFIX, logger });
  } catch (error) {
    for (const part of [http, redisCheck, handle]) await part.close().catch(() => undefined);
    throw error;
  }
  registerStateMetrics(registry, { db: handle.db, queues, clouds, logger });
  const schedule = async () => {
    try {
      const summary = await syncSchedules({ db: handle.db, queues, logger });
      logger.info({ schedulers: summary.upserted.length, removed: summary.removed.length }, "schedules in step with providers");
    } catch (error) {
      logger.error({ err: error instanceof Error ? error.message : String(error) }, "could not update schedules; will try again");
    }
  };
  await schedule();
  const timer = setInterval(schedule, RESCHEDULE_EVERY_MS);
  // Alert delivery: every process takes notification jobs (they belong to no cloud).
  const delivery: DeliveryDeps = {
    db: handle.db,
    mailer: env.CLOUDSYNC_SMTP_URL ? createMailer({ url: env.CLOUDSYNC_SMTP_URL, from: env.CLOUDSYNC_ALERT_EMAIL_FROM }) : undefined,
    http: { allowPrivateDestinations: env.CLOUDSYNC_ALERT_ALLOW_PRIVATE_DESTINATIONS },
  };
  const notify = (organizationId: string) => enqueuePendingNotifications(delivery, notifications, organizationId, { now: new Date() });
  const adapterFor: SyncDeps["adapterFor"] = (provider, settings) =>
    createAdapter(provider.credentials, { ...settings, onThrottle: () => metrics.apiThrottled(provider.providerName) });
  // Shards of one provider that land on this process share one adapter (adapter-pool.ts).
  const adapters = createAdapterPool({ build: adapterFor, logger });
  const deps: SyncDeps = {
    notify,
    db: handle.db,
    loadProvider: (id) => loadProviderForSync(handle.db, keyring, id),
    adapterFor,
    shardAdapterFor: adapters.adapterFor,
    clock: () => new Date(),
    logger,
  };
  const worker = await startWorker({
    connection: redis,
    prefix: env.CLOUDSYNC_QUEUE_PREFIX,
    clouds,
    logger,
    metrics,
    processors: {
      resources: resourceSyncProcessor(deps, metrics, {
        accountsPerShard: env.CLOUDSYNC_ACCOUNTS_PER_SHARD,
        jobSlots: env.CLOUDSYNC_SHARD_JOB_SLOTS || queueConfigs.resources.concurrency,
      }),
      costs: costSyncProcessor(deps, metrics),
      metrics: metricSyncProcessor(deps, metrics),
      backups: backupSyncProcessor(deps, metrics),
      deployments: deploymentSyncProcessor(deps, metrics),
      maintenance: async (payload, job) => runMaintenance({ db: handle.db, logger, notify }, { trigger: payload.trigger, jobId: job.id }),
    },
  });
  const notifier = await startNotificationWorker({ connection: redis, prefix: env.CLOUDSYNC_QUEUE_PREFIX, deps: delivery, logger });
  logger.info({ prefix: env.CLOUDSYNC_QUEUE_PREFIX, clouds, smtp: Boolean(env.CLOUDSYNC_SMTP_URL) }, "worker started");
  let board: BoardServer | undefined;
  if (env.CLOUDSYNC_BOARD_PORT) {
    board = await startBoard({ queues: [...queues.all(), notifications.queue], port: env.CLOUDSYNC_BOARD_PORT, host: env.CLOUDSYNC_BOARD_HOST });
    logger.info({ url: board.url }, "queue dashboard (bull-board) listening");
  }
  const stopTimer = { close: async () => clearInterval(timer) };
  const stopBoard = { close: async () => board?.close() };
  // Resolves once a signal has drained the workers and closed everything; main sets the exit code.
  return new Promise<number>((resolve) => {
    installShutdown([stopTimer, worker, adapters, notifier, stopBoard, http, redisCheck, queues, notifications, handle], logger, { exit: resolve });
  });
}
