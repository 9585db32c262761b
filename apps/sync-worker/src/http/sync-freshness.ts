import type { CloudName } from "@cloudsync/cloud";
import { type Database, queryRows } from "@cloudsync/db";
import { sql } from "drizzle-orm";
import { Gauge, type Registry } from "prom-client";
import { type ProviderQueueKind, kindRunsFor, providerQueueKinds, syncIntervalMinutes } from "../queues/index.ts";
import type { ScrapeSource } from "./scrape-source.ts";

/** One active provider and sync kind, as the database says at scrape time. */
export interface SyncFreshness {
  providerId: string;
  cloud: string;
  kind: ProviderQueueKind;
  /** Seconds since the epoch of the last `succeeded` run's end; null if it never had one. */
  lastSuccessAt: number | null;
  /** Seconds since the last success, or since the provider was added if it never had one. */
  ageSeconds: number;
  intervalSeconds: number;
  /** The latest finished run (any status): what it read and how many scopes it could not. */
  lastRun: { status: string; items: number; failedScopes: number } | null;
}

interface FreshnessRow {
  provider_id: string;
  cloud: string;
  kind: ProviderQueueKind;
  settings: Record<string, unknown> | null;
  created_at: number;
  last_success_at: number | null;
  now: number;
  last_status: string | null;
  last_items: number | null;
  last_failed_scopes: number | null;
}

/**
 * Reads, per active provider of `clouds` and per scheduled kind, the last successful sync and the
 * latest finished one from `sync_runs`. Computed from the table at every scrape rather than kept
 * in memory, so the values are right at once after a restart and agree between the worker
 * processes (one per cloud), which each report only their own clouds' providers. Walks
 * `idx_sync_runs_provider_kind_started` newest first, so old runs cost nothing.
 */
export async function readSyncFreshness(db: Database, clouds: readonly CloudName[]): Promise<SyncFreshness[]> {
  if (clouds.length === 0) return [];
  const kinds = sql.join(
    providerQueueKinds.map((k) => sql`(${k}::text)`),
    sql`, `,
  );
  const cloudList = sql.join(
    clouds.map((c) => sql`${c}`),
    sql`, `,
  );
  const rows = await queryRows<FreshnessRow>(
    db,
    sql`select p.id as provider_id, p.provider_name as cloud, k.kind, p.quota_limits as settings,
               extract(epoch from p.created_at)::float8 as created_at,
               extract(epoch from s.finished_at)::float8 as last_success_at,
               extract(epoch from now())::float8 as now,
               l.status as last_status, l.items as last_items, l.failed_scopes as last_failed_scopes
          from cloud_providers p
         cross join (values ${kinds}) as k(kind)
          left join lateral (
                select r.finished_at from sync_runs r
                 where r.provider_id = p.id and r.kind = k.kind and r.status = 'succeeded'
                 order by r.started_at desc limit 1) s on true
          left join lateral (
                select r.status,
                       coalesce(r.inserted_count + r.updated_count + r.unchanged_count,
                                r.cost_lines_inserted,
                                r.samples_stored + r.samples_already_present,
                                r.backup_configurations_written + r.backup_executions_written,
                                r.deployments_inserted + r.deployments_updated)::float8 as items,
                       (select count(*) from jsonb_array_elements(r.scopes) e where e->>'status' = 'failed')::float8 as failed_scopes
                  from sync_runs r
                 where r.provider_id = p.id and r.kind = k.kind and r.status <> 'running'
                 order by r.started_at desc limit 1) l on true
         where p.is_active and p.provider_name in (${cloudList})
         order by p.id, k.kind`,
  );
  // Only the kinds scheduled for the provider's cloud: the others would read as forever stale.
  const scheduled = rows.filter((r) => kindRunsFor(r.cloud, r.kind));
  return scheduled.map((r) => ({
    providerId: r.provider_id,
    cloud: r.cloud,
    kind: r.kind,
    lastSuccessAt: r.last_success_at,
    ageSeconds: Math.max(0, r.now - (r.last_success_at ?? r.created_at)),
    intervalSeconds: syncIntervalMinutes(r.settings, r.kind) * 60,
    lastRun: r.last_status === null ? null : { status: r.last_status, items: Number(r.last_items), failedScopes: Number(r.last_failed_scopes) },
  }));
}

type Labels = "provider_id" | "cloud" | "kind";

/** Registers the freshness gauges; each scrape fills them from `source` (see readSyncFreshness). */
export function registerSyncFreshnessMetrics(registry: Registry, source: ScrapeSource<SyncFreshness[]>): void {
  const labelNames = ["provider_id", "cloud", "kind"] as const;
  const gauge = (name: string, help: string, fill: (g: Gauge<Labels>, row: SyncFreshness, labels: Record<Labels, string>) => void) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        const rows = await source();
        // Providers removed or deactivated since the last scrape must disappear, not linger.
        this.reset();
        for (const row of rows ?? []) fill(this, row, { provider_id: row.providerId, cloud: row.cloud, kind: row.kind });
      },
    });
  gauge(
    "cloudsync_sync_last_success_age_seconds",
    "Seconds since the provider's last succeeded sync of this kind (since the provider was added if none), from sync_runs at scrape time.",
    (g, row, labels) => g.set(labels, row.ageSeconds),
  );
  gauge("cloudsync_sync_last_success_timestamp_seconds", "End of the provider's last succeeded sync of this kind (absent if none).", (g, row, labels) => {
    if (row.lastSuccessAt !== null) g.set(labels, row.lastSuccessAt);
  });
  gauge("cloudsync_sync_interval_seconds", "How often the provider's sync of this kind is scheduled (settings.intervals, else the queue default).", (g, row, labels) =>
    g.set(labels, row.intervalSeconds),
  );
  gauge("cloudsync_sync_last_run_resources", "Items the provider's latest finished sync of this kind read: resources inserted + updated + unchanged, cost lines inserted, or samples stored + already present.", (g, row, labels) => {
    if (row.lastRun) g.set(labels, row.lastRun.items);
  });
  gauge("cloudsync_sync_last_run_failed_scopes", "Scopes the provider's latest finished sync of this kind could not read.", (g, row, labels) => {
    if (row.lastRun) g.set(labels, row.lastRun.failedScopes);
  });
}
