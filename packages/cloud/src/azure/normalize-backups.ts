import type { BackupExecutionStatus, BackupFrequency, NormalizedBackupConfiguration, NormalizedBackupExecution } from "../types.ts";

/**
 * Azure Backup (Recovery Services vaults) onto cloudsync's backup vocabulary (docs/coverage.md,
 * "Backups"). Pure: the reader (backups.ts) hands in what the SDK returned, with ARM's
 * `properties` kept as the SDK gives them.
 */

type Props = Record<string, unknown>;
const obj = (v: unknown): Props => (v && typeof v === "object" ? (v as Props) : {});
const text = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);
const iso = (v: unknown): string | null => (v instanceof Date ? v.toISOString() : typeof v === "string" && !Number.isNaN(Date.parse(v)) ? new Date(v).toISOString() : null);

export interface PolicyFacts {
  frequency: BackupFrequency;
  schedule: string | null;
  retentionDays: number | null;
}

const durationDays: Readonly<Record<string, number>> = { Days: 1, Weeks: 7, Months: 30, Years: 365 };

/**
 * A policy's schedule and how long its most frequent recovery points are kept:
 * `scheduleRunFrequency` Hourly/Daily/Weekly (SimpleSchedulePolicy and V2); retention from a
 * LongTermRetentionPolicy's daily schedule, else its weekly one (count × 7 days), or a
 * SimpleRetentionPolicy's duration (Days 1, Weeks 7, Months 30, Years 365 days per unit).
 * Null for a policy without a schedule it can read (the items under it are skipped).
 */
export function policyFacts(properties: unknown): PolicyFacts | null {
  const p = obj(properties);
  const schedule = obj(p.schedulePolicy);
  const run = text(schedule.scheduleRunFrequency);
  const frequency: BackupFrequency | null = run === "Hourly" ? "hourly" : run === "Daily" ? "daily" : run === "Weekly" ? "weekly" : null;
  if (!frequency) return null;
  const retention = obj(p.retentionPolicy);
  const term = (d: unknown): number | null => {
    const r = obj(obj(d).retentionDuration);
    const unit = durationDays[text(r.durationType) ?? ""];
    return typeof r.count === "number" && unit ? r.count * unit : null;
  };
  const retentionDays = term(retention.dailySchedule) ?? term(retention.weeklySchedule) ?? term(retention);
  const times = Array.isArray(schedule.scheduleRunTimes) ? schedule.scheduleRunTimes.map(iso).filter((t): t is string => t !== null) : [];
  return { frequency, schedule: `${run}${times.length ? ` at ${times.map((t) => t.slice(11, 16)).join(", ")} UTC` : ""}`, retentionDays };
}

/** Protection states that still take backups; ProtectionStopped, ProtectionPaused and BackupsSuspended do not. */
const takingBackups = new Set(["Protected", "IRPending", "ProtectionError"]);

export interface VaultWhere {
  subscriptionId: string;
  vaultId: string;
  location: string | null;
}

export function configurationOfProtectedItem(item: { id?: string; properties?: unknown }, policies: ReadonlyMap<string, PolicyFacts>, where: VaultWhere): NormalizedBackupConfiguration | { skip: string } {
  if (!item.id) return { skip: "a protected item without id" };
  const p = obj(item.properties);
  const resourceId = text(p.sourceResourceId) ?? text(p.virtualMachineId);
  if (!resourceId) return { skip: `protected item ${item.id} names no sourceResourceId` };
  const policyId = text(p.policyId);
  const policy = policyId ? policies.get(policyId.toLowerCase()) : undefined;
  if (!policy) return { skip: `protected item ${item.id}: its policy ${policyId ?? "(none)"} was not listed or has no readable schedule` };
  return {
    record: "configuration",
    cloud: "azure",
    account: where.subscriptionId,
    sourceId: item.id,
    resourceId,
    backupType: "snapshot",
    frequency: policy.frequency,
    schedule: policy.schedule,
    retentionDays: policy.retentionDays,
    destination: { vault: where.vaultId, region: where.location },
    enabled: takingBackups.has(text(p.protectionState) ?? ""),
    details: {
      policy_id: policyId,
      policy_name: text(p.policyName),
      protection_state: text(p.protectionState),
      workload_type: text(p.workloadType),
      friendly_name: text(p.friendlyName),
    },
  };
}

/**
 * A job's status: Completed and CompletedWithWarnings completed (a recovery point was made);
 * Failed failed; InProgress under way; Cancelled and Cancelling cancelled. Only `Backup`
 * operations are runs of a backup (restores, configure-backup jobs are not).
 */
export const jobStatuses: Readonly<Record<string, BackupExecutionStatus>> = {
  Completed: "completed",
  CompletedWithWarnings: "completed",
  Failed: "failed",
  InProgress: "in_progress",
  Cancelled: "cancelled",
  Cancelling: "cancelled",
};

/** A protected item a job may belong to: a vault's job names its item only by friendly name. */
export interface ProtectedItemRef {
  itemId: string;
  resourceId: string;
  friendlyName: string;
}

export function executionOfJob(job: { id?: string; name?: string; properties?: unknown }, items: readonly ProtectedItemRef[], where: VaultWhere): NormalizedBackupExecution | { skip: string } | null {
  const p = obj(job.properties);
  if (text(p.operation) !== "Backup") return null;
  const id = job.name ?? job.id;
  if (!id) return { skip: "a backup job without name" };
  const status = jobStatuses[text(p.status) ?? ""];
  if (!status) return { skip: `backup job ${id} has an unknown status ${JSON.stringify(p.status ?? null)}` };
  const startedAt = iso(p.startTime);
  if (!startedAt) return { skip: `backup job ${id} has no startTime` };
  const name = (text(p.entityFriendlyName) ?? "").toLowerCase();
  const matches = items.filter((i) => i.friendlyName.toLowerCase() === name);
  if (matches.length !== 1) {
    return { skip: `backup job ${id} names ${JSON.stringify(p.entityFriendlyName ?? null)}, which ${matches.length === 0 ? "no" : "more than one"} protected item of the vault is called` };
  }
  const item = matches[0] as ProtectedItemRef;
  const errors = Array.isArray(p.errorDetails) ? p.errorDetails.map(obj) : [];
  return {
    record: "execution",
    cloud: "azure",
    account: where.subscriptionId,
    sourceId: id,
    configurationSourceId: item.itemId,
    resourceId: item.resourceId,
    status,
    startedAt,
    completedAt: status === "in_progress" ? null : iso(p.endTime),
    sizeBytes: null,
    recoveryPoint: status === "completed" ? `${where.vaultId}/backupJobs/${id}` : null,
    location: where.location,
    error: status === "failed" || status === "cancelled" ? (errors.map((e) => text(e.errorString) ?? text(e.errorCode)).filter(Boolean).join("; ") || `job ${String(p.status).toLowerCase()}`) : null,
    details: { status: text(p.status), duration: text(p.duration), error_codes: errors.map((e) => text(e.errorCode)).filter(Boolean) },
  };
}
