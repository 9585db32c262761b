import type { BackupExecutionStatus, NormalizedBackupConfiguration, NormalizedBackupExecution } from "../types.ts";
import { str } from "./normalize.ts";

/**
 * Cloud SQL backups onto cloudsync's backup vocabulary (docs/coverage.md, "Backups"). Pure: the
 * reader (backups.ts) hands in what `instances.list` and `backupRuns.list` said.
 */

/** The id the inventory gives a Cloud SQL instance (see kinds/sql-instances.ts). */
export function sqlInstanceResourceId(project: string, name: string): string {
  return `//sqladmin.googleapis.com/projects/${project}/instances/${name}`;
}

const obj = (v: unknown): Record<string, unknown> => (v && typeof v === "object" ? (v as Record<string, unknown>) : {});

/**
 * The SDK decodes through protobuf: wrapper fields (`enabled`, `retainedBackups`, BoolValue and
 * Int32Value) arrive as `{ value }`, timestamps as `{ seconds, nanos }`; plain JSON (the REST
 * reference's own form) is accepted too.
 */
export function unwrap(v: unknown): unknown {
  return v && typeof v === "object" && "value" in v ? (v as { value: unknown }).value : v;
}

export function timeOf(v: unknown): string | null {
  if (typeof v === "string" && v !== "") {
    const ms = Date.parse(v);
    return Number.isNaN(ms) ? null : new Date(ms).toISOString();
  }
  if (v && typeof v === "object" && "seconds" in v) {
    const { seconds, nanos } = v as { seconds: unknown; nanos?: unknown };
    const ms = Number(seconds) * 1000 + Math.floor(Number(nanos ?? 0) / 1e6);
    return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
  }
  return null;
}

/**
 * An instance's automated backups, when `settings.backupConfiguration.enabled`: one daily
 * snapshot in the window starting at `startTime` (UTC), kept for `retainedBackups` backups (one
 * a day, so that many days) when the retention unit is COUNT (the only unit the API has; absent
 * settings mean its default, 7). Point-in-time recovery is recorded in the details. Null when
 * automated backups are off: such an instance has no configuration.
 */
export function configurationOfSqlInstance(item: Record<string, unknown>, project: string): NormalizedBackupConfiguration | null {
  const name = str(item, "name");
  if (!name) return null;
  const backup = obj(obj(item.settings).backupConfiguration);
  if (unwrap(backup.enabled) !== true) return null;
  const retention = obj(backup.backupRetentionSettings);
  const count = Number(unwrap(retention.retainedBackups) ?? 7);
  const region = str(item, "region");
  return {
    record: "configuration",
    cloud: "gcp",
    account: project,
    sourceId: `${name}/automated`,
    resourceId: sqlInstanceResourceId(str(item, "project") ?? project, name),
    backupType: "snapshot",
    frequency: "daily",
    schedule: typeof backup.startTime === "string" ? `daily at ${backup.startTime} UTC` : null,
    retentionDays: [undefined, null, "COUNT", "RETENTION_UNIT_UNSPECIFIED"].includes(retention.retentionUnit as string) && Number.isFinite(count) ? count : null,
    destination: { region: typeof backup.location === "string" ? backup.location : region, multi_region_default: typeof backup.location !== "string" },
    enabled: true,
    details: {
      start_time: backup.startTime ?? null,
      point_in_time_recovery: unwrap(backup.pointInTimeRecoveryEnabled) === true || unwrap(backup.binaryLogEnabled) === true,
      transaction_log_retention_days: unwrap(backup.transactionLogRetentionDays) ?? null,
    },
  };
}

/**
 * A run's status: SUCCESSFUL completed; FAILED, OVERDUE (the window passed without a backup)
 * and DELETION_FAILED failed; ENQUEUED and RUNNING under way; SKIPPED cancelled. DELETED and
 * DELETION_PENDING runs no longer hold a recovery point and are skipped.
 */
export const backupRunStatuses: Readonly<Record<string, BackupExecutionStatus>> = {
  SUCCESSFUL: "completed",
  FAILED: "failed",
  OVERDUE: "failed",
  DELETION_FAILED: "failed",
  ENQUEUED: "in_progress",
  RUNNING: "in_progress",
  SKIPPED: "cancelled",
};

export function executionOfBackupRun(run: Record<string, unknown>, project: string, instance: string): NormalizedBackupExecution | { skip: string } {
  const id = str(run, "id");
  if (!id) return { skip: `a backup run of ${instance} without id` };
  const raw = str(run, "status") ?? "";
  const status = backupRunStatuses[raw];
  if (!status) return { skip: raw === "DELETED" || raw === "DELETION_PENDING" ? `backup run ${id} of ${instance} was deleted` : `backup run ${id} of ${instance} has an unknown status ${JSON.stringify(raw)}` };
  const startedAt = timeOf(run.startTime) ?? timeOf(run.enqueuedTime) ?? timeOf(run.windowStartTime);
  if (!startedAt) return { skip: `backup run ${id} of ${instance} has no start time` };
  const error = obj(run.error);
  return {
    record: "execution",
    cloud: "gcp",
    account: project,
    sourceId: `${instance}/${id}`,
    configurationSourceId: str(run, "type") === "AUTOMATED" ? `${instance}/automated` : null,
    resourceId: sqlInstanceResourceId(project, instance),
    status,
    startedAt,
    completedAt: status === "in_progress" ? null : timeOf(run.endTime),
    sizeBytes: run.maxChargeableBytes === undefined || run.maxChargeableBytes === null ? null : Number(unwrap(run.maxChargeableBytes)),
    recoveryPoint: status === "completed" ? (str(run, "selfLink") ?? null) : null,
    location: str(run, "location") ?? null,
    error: status === "failed" || status === "cancelled" ? (str(error, "message") ?? `run ${raw.toLowerCase()}`) : null,
    details: { status: raw, type: str(run, "type") ?? null, backup_kind: str(run, "backupKind") ?? null },
  };
}
