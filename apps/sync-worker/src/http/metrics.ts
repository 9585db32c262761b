import { Counter, Histogram, type Registry, collectDefaultMetrics } from "prom-client";
import type { QueueKind } from "../queues/index.ts";
import type { JobObserver, JobOutcome } from "../worker/start-worker.ts";
import type { SyncObserver, SyncOutcome } from "../worker/processors.ts";

export type RowOperation = "insert" | "update" | "terminate" | "delete";

export interface Metrics extends JobObserver, SyncObserver {
  readonly registry: Registry;
  readonly jobs: Counter<"queue" | "status">;
  readonly jobDuration: Histogram<"queue">;
  readonly rowsWritten: Counter<"table" | "operation">;
  readonly apiErrors: Counter<"provider">;
  readonly syncs: Counter<"cloud" | "kind" | "status">;
  readonly syncResources: Histogram<"cloud" | "kind">;
  readonly syncFailedScopes: Histogram<"cloud" | "kind">;
  readonly apiThrottles: Counter<"cloud">;
  rowsWrittenTo(table: string, operation: RowOperation, count: number): void;
  apiError(provider: string, count?: number): void;
  /** One answer of a cloud API that said "slow down" (429, Throttling…), retried or not. */
  apiThrottled(cloud: string): void;
}

/**
 * The worker's metrics on a registry the caller owns (one per process; tests make their own),
 * with Node's default process metrics. Label values stay few: queue kinds, job outcomes, table
 * names and the cloud (`aws`, `azure`, `gcp`) rather than provider ids.
 */
export function createMetrics(registry: Registry): Metrics {
  collectDefaultMetrics({ register: registry });
  const jobs = new Counter({
    name: "cloudsync_jobs_total",
    help: "Job attempts by queue and outcome (completed, failed, retried, rate_limited, provider_busy).",
    labelNames: ["queue", "status"] as const,
    registers: [registry],
  });
  const jobDuration = new Histogram({
    name: "cloudsync_job_duration_seconds",
    help: "Time a job attempt ran, by queue, whatever its outcome.",
    labelNames: ["queue"] as const,
    buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600],
    registers: [registry],
  });
  const rowsWritten = new Counter({
    name: "cloudsync_rows_written_total",
    help: "Rows written by syncs, by table and operation.",
    labelNames: ["table", "operation"] as const,
    registers: [registry],
  });
  const apiErrors = new Counter({
    name: "cloudsync_api_errors_total",
    help: "Cloud API reads that failed after the SDK's retries (failed scopes), by cloud.",
    labelNames: ["provider"] as const,
    registers: [registry],
  });
  const syncs = new Counter({
    name: "cloudsync_syncs_total",
    help: "Syncs that ran to the end, by cloud, kind and status (succeeded, partial, failed: every scope failed). A sync that threw counts as a failed job instead.",
    labelNames: ["cloud", "kind", "status"] as const,
    registers: [registry],
  });
  const syncResources = new Histogram({
    name: "cloudsync_sync_resources",
    help: "Items one sync read (resources, cost lines or metric samples: inserted + updated + unchanged), by cloud and kind.",
    labelNames: ["cloud", "kind"] as const,
    buckets: [0, 10, 100, 1_000, 10_000, 100_000, 1_000_000],
    registers: [registry],
  });
  const syncFailedScopes = new Histogram({
    name: "cloudsync_sync_failed_scopes",
    help: "Scopes (account x region, subscription, project) that one sync could not read, by cloud and kind.",
    labelNames: ["cloud", "kind"] as const,
    buckets: [0, 1, 2, 5, 10, 25, 50],
    registers: [registry],
  });
  const apiThrottles = new Counter({
    name: "cloudsync_api_throttles_total",
    help: "Cloud API answers that asked us to slow down (HTTP 429, AWS Throttling*, GCP RESOURCE_EXHAUSTED), each attempt counted, whether the retry then succeeded or not, by cloud.",
    labelNames: ["cloud"] as const,
    registers: [registry],
  });
  const rowsWrittenTo = (table: string, operation: RowOperation, count: number) => {
    if (count > 0) rowsWritten.inc({ table, operation }, count);
  };
  return {
    registry,
    jobs,
    jobDuration,
    rowsWritten,
    apiErrors,
    syncs,
    syncResources,
    syncFailedScopes,
    apiThrottles,
    observeJob(queue: QueueKind, outcome: JobOutcome, durationSeconds?: number) {
      jobs.inc({ queue, status: outcome });
      if (durationSeconds !== undefined) jobDuration.observe({ queue }, durationSeconds);
    },
    recordSync(summary: SyncOutcome, table: string) {
      rowsWrittenTo(table, "insert", summary.inserted);
      rowsWrittenTo(table, "update", summary.updated);
      rowsWrittenTo(table, "terminate", summary.terminated);
      if (summary.scopesFailed > 0) apiErrors.inc({ provider: summary.providerName }, summary.scopesFailed);
      const labels = { cloud: summary.providerName, kind: summary.kind };
      syncs.inc({ ...labels, status: summary.status });
      syncResources.observe(labels, summary.inserted + summary.updated + summary.unchanged);
      syncFailedScopes.observe(labels, summary.scopesFailed);
    },
    rowsWrittenTo,
    apiError(provider: string, count = 1) {
      apiErrors.inc({ provider }, count);
    },
    apiThrottled(cloud: string) {
      apiThrottles.inc({ cloud });
    },
  };
}
