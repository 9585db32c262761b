import { type CloudName, cloudNames } from "@cloudsync/cloud";
import { type Database, cloudProviders } from "@cloudsync/db";
import type { Queue } from "bullmq";
import { z } from "zod";
import type { Logger } from "../logger.ts";
import { allQueues, isProviderQueueKind, kindRunsFor, providerQueueKinds, queueConfigs, queueKinds, queueName } from "./configs.ts";
import type { Queues } from "./index.ts";
import type { QueueKind } from "./types.ts";

/** The kinds that run per provider on a schedule, in the provider's cloud's queue; maintenance runs once per deployment. */
const providerKinds = providerQueueKinds;

const intervalMinutes = z.number().int().min(1).max(31 * 24 * 60);

export interface ScheduleSummary {
  /** Scheduler ids created or updated, e.g. `resources-<providerId>`, `maintenance`. */
  upserted: string[];
  /** Scheduler ids removed: their provider is gone or inactive, or their kind is not run. */
  removed: string[];
  /** Scheduler ids removed from the queues of before the per-cloud split (now in their cloud's queue). */
  retired: string[];
}

export interface SyncSchedulesOptions {
  db: Database;
  queues: Queues;
  logger?: Logger;
  /**
   * The kinds this deployment runs (default all). Schedulers of other kinds are removed, so that
   * no queue fills with jobs that no worker will take.
   */
  kinds?: readonly QueueKind[];
}

/** `resources-<providerId>`: a scheduler's id, and so the middle of its jobs' ids. */
export function schedulerId(kind: QueueKind, providerId?: string): string {
  return providerId ? `${kind}-${providerId}` : kind;
}

/**
 * Makes the queues' job schedulers match the providers table: one scheduler per active provider
 * and kind, in that kind's queue for the provider's cloud, every `settings.intervals[kind]`
 * minutes (else the queue's default), plus one hourly maintenance scheduler for the whole
 * deployment. Idempotent: BullMQ's `upsertJobScheduler` keeps an unchanged scheduler and its next
 * job as they are, so every worker process, whichever clouds it takes, may call this at start-up.
 * Schedulers of providers that are gone or inactive (or of kinds not run), and any left in the
 * queues of before the per-cloud split, are removed with the jobs they had queued.
 */
export async function syncSchedules(options: SyncSchedulesOptions): Promise<ScheduleSummary> {
  const log = options.logger?.child({ component: "schedules" });
  const providers = await options.db
    .select({ id: cloudProviders.id, cloud: cloudProviders.providerName, isActive: cloudProviders.isActive, settings: cloudProviders.quotaLimits })
    .from(cloudProviders);
  const wanted = new Map<string, { kind: QueueKind; queue: Queue; schedulers: Map<string, { every: number; data: Record<string, unknown> }> }>(
    allQueues().map(([kind, cloud]) => [
      queueName(kind, cloud),
      {
        kind,
        queue: isProviderQueueKind(kind) && cloud ? options.queues.queue(kind, cloud) : options.queues.queue("maintenance"),
        schedulers: new Map(),
      },
    ]),
  );
  const enabled = new Set(options.kinds ?? queueKinds);
  for (const provider of providers.filter((p) => p.isActive)) {
    if (!(cloudNames as readonly string[]).includes(provider.cloud)) {
      log?.warn({ providerId: provider.id, cloud: provider.cloud }, "no adapter reads this provider's cloud; it is not scheduled");
      continue;
    }
    for (const kind of providerKinds.filter((k) => enabled.has(k) && kindRunsFor(provider.cloud, k))) {
      const minutes = syncIntervalMinutes(provider.settings, kind, log, provider.id);
      wanted
        .get(queueName(kind, provider.cloud as CloudName))!
        .schedulers.set(schedulerId(kind, provider.id), { every: minutes * 60_000, data: { providerId: provider.id, trigger: "schedule" } });
    }
  }
  if (enabled.has("maintenance")) {
    wanted.get(queueName("maintenance"))!.schedulers.set(schedulerId("maintenance"), { every: queueConfigs.maintenance.defaultIntervalMinutes * 60_000, data: { trigger: "schedule" } });
  }

  const summary: ScheduleSummary = { upserted: [], removed: [], retired: [] };
  for (const { kind, queue, schedulers } of wanted.values()) {
    for (const [id, { every, data }] of schedulers) {
      await queue.upsertJobScheduler(id, { every }, { name: kind, data });
      summary.upserted.push(id);
    }
    for (const existing of await queue.getJobSchedulers(0, -1)) {
      if (schedulers.has(existing.key)) continue;
      await queue.removeJobScheduler(existing.key);
      await removeQueuedJobs(queue, existing.key);
      summary.removed.push(existing.key);
    }
  }
  // A release before the per-cloud split scheduled into queues no worker takes any more.
  for (const queue of options.queues.retired()) {
    for (const existing of await queue.getJobSchedulers(0, -1)) {
      await queue.removeJobScheduler(existing.key);
      await removeQueuedJobs(queue, existing.key);
      summary.retired.push(existing.key);
    }
  }
  log?.info({ upserted: summary.upserted.length, removed: summary.removed, retired: summary.retired.length }, "job schedulers match the providers");
  return summary;
}

/**
 * Minutes between a provider's scheduled runs of `kind`: its `settings.intervals[kind]`, else the
 * queue's default. Also read by the freshness metrics, so that "stale" means "late for its schedule".
 */
export function syncIntervalMinutes(settings: Record<string, unknown> | null, kind: (typeof providerKinds)[number], log?: Logger, providerId?: string): number {
  const fallback = queueConfigs[kind].defaultIntervalMinutes;
  const intervals = settings?.intervals;
  const raw = intervals && typeof intervals === "object" ? (intervals as Record<string, unknown>)[kind] : undefined;
  if (raw === undefined) return fallback;
  const parsed = intervalMinutes.safeParse(raw);
  if (parsed.success) return parsed.data;
  log?.warn({ providerId, kind, fallback }, "settings.intervals is not a whole number of minutes from 1 to 44640; using the default");
  return fallback;
}

/** A removed scheduler leaves its next job behind (waiting or delayed); nobody wants it now. */
async function removeQueuedJobs(queue: Queue, id: string): Promise<void> {
  for (const job of await queue.getJobs(["waiting", "delayed", "prioritized"])) {
    if (job.repeatJobKey === id || job.id?.startsWith(`repeat:${id}:`)) await job.remove().catch(() => undefined);
  }
}
