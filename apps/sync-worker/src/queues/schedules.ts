import { type Database, cloudProviders } from "@cloudsync/db";
import { z } from "zod";
import type { Logger } from "../logger.ts";
import { queueConfigs, queueKinds } from "./configs.ts";
import type { Queues } from "./index.ts";
import type { QueueKind } from "./types.ts";

/** The kinds that run per provider on a schedule; maintenance runs once per deployment. */
const providerKinds = ["resources", "costs", "metrics"] as const satisfies readonly QueueKind[];

const intervalMinutes = z.number().int().min(1).max(31 * 24 * 60);

export interface ScheduleSummary {
  /** Scheduler ids created or updated, e.g. `resources-<providerId>`, `maintenance`. */
  upserted: string[];
  /** Scheduler ids removed: their provider is gone or inactive, or their kind is not run. */
  removed: string[];
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
 * and kind, every `settings.intervals[kind]` minutes (else the queue's default), plus one hourly
 * maintenance scheduler for the whole deployment. Idempotent: BullMQ's `upsertJobScheduler`
 * keeps an unchanged scheduler and its next job as they are, so every worker may call this at
 * start-up. Schedulers of providers that are gone or inactive (or of kinds not run) are
 * removed, with the jobs they had queued.
 */
export async function syncSchedules(options: SyncSchedulesOptions): Promise<ScheduleSummary> {
  const log = options.logger?.child({ component: "schedules" });
  const providers = await options.db
    .select({ id: cloudProviders.id, isActive: cloudProviders.isActive, settings: cloudProviders.quotaLimits })
    .from(cloudProviders);
  const wanted = new Map<QueueKind, Map<string, { every: number; data: Record<string, unknown> }>>(
    queueKinds.map((k) => [k, new Map()]),
  );
  const enabled = new Set(options.kinds ?? queueKinds);
  for (const provider of providers.filter((p) => p.isActive)) {
    for (const kind of providerKinds.filter((k) => enabled.has(k))) {
      const minutes = intervalFor(provider.settings, kind, log, provider.id);
      wanted.get(kind)!.set(schedulerId(kind, provider.id), { every: minutes * 60_000, data: { providerId: provider.id, trigger: "schedule" } });
    }
  }
  if (enabled.has("maintenance")) {
    wanted.get("maintenance")!.set(schedulerId("maintenance"), { every: queueConfigs.maintenance.defaultIntervalMinutes * 60_000, data: { trigger: "schedule" } });
  }

  const summary: ScheduleSummary = { upserted: [], removed: [] };
  for (const [kind, schedulers] of wanted) {
    const queue = options.queues.queue(kind);
    for (const [id, { every, data }] of schedulers) {
      await queue.upsertJobScheduler(id, { every }, { name: kind, data });
      summary.upserted.push(id);
    }
    for (const existing of await queue.getJobSchedulers(0, -1)) {
      if (schedulers.has(existing.key)) continue;
      await queue.removeJobScheduler(existing.key);
      await removeQueuedJobs(options.queues, kind, existing.key);
      summary.removed.push(existing.key);
    }
  }
  log?.info({ upserted: summary.upserted.length, removed: summary.removed }, "job schedulers match the providers");
  return summary;
}

function intervalFor(settings: Record<string, unknown> | null, kind: (typeof providerKinds)[number], log: Logger | undefined, providerId: string): number {
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
async function removeQueuedJobs(queues: Queues, kind: QueueKind, id: string): Promise<void> {
  const queue = queues.queue(kind);
  for (const job of await queue.getJobs(["waiting", "delayed", "prioritized"])) {
    if (job.repeatJobKey === id || job.id?.startsWith(`repeat:${id}:`)) await job.remove().catch(() => undefined);
  }
}
