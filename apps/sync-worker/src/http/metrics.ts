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
  rowsWrittenTo(table: string, operation: RowOperation, count: number): void;
  apiError(provider: string, count?: number): void;
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
  const rowsWrittenTo = (table: string, operation: RowOperation, count: number) => {
    if (count > 0) rowsWritten.inc({ table, operation }, count);
  };
  return {
    registry,
    jobs,
    jobDuration,
    rowsWritten,
    apiErrors,
    observeJob(queue: QueueKind, outcome: JobOutcome, durationSeconds?: number) {
      jobs.inc({ queue, status: outcome });
      if (durationSeconds !== undefined) jobDuration.observe({ queue }, durationSeconds);
    },
    recordSync(summary: SyncOutcome, table: string) {
      rowsWrittenTo(table, "insert", summary.inserted);
      rowsWrittenTo(table, "update", summary.updated);
      rowsWrittenTo(table, "terminate", summary.terminated);
      if (summary.scopesFailed > 0) apiErrors.inc({ provider: summary.providerName }, summary.scopesFailed);
    },
    rowsWrittenTo,
    apiError(provider: string, count = 1) {
      apiErrors.inc({ provider }, count);
    },
  };
}
