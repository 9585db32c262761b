import type { DBInstance, DBSnapshot } from "@aws-sdk/client-rds";
import type { BackupExecutionStatus, BackupRecord, NormalizedBackupConfiguration, NormalizedBackupExecution } from "../types.ts";
import { regionOfArn } from "./normalize-backups.ts";
import { frequencyOfStarts } from "./normalize-snapshots.ts";

/**
 * RDS automated backups (DescribeDBInstances) and DB snapshots (DescribeDBSnapshots) onto
 * cloudsync's backup vocabulary. Pure: the reader (rds-backups.ts) hands in one region's
 * instances and snapshots and the read's clock; the rules are in docs/coverage.md, "Backups" →
 * "RDS automated backups and DB snapshots".
 */

const gib = 1024 ** 3;
const day = 86_400_000;

/**
 * Configuration ids: one for RDS's own daily backups of an instance, one for its manual
 * snapshots in its region, and one per other region holding copies of them (each region's
 * listing is its own scope, so each says alone what it holds).
 */
export const automatedSourceId = (instanceArn: string) => `rds-automated/${instanceArn}`;
export const manualSourceId = (instanceArn: string) => `rds-snapshots/${instanceArn}`;
export const copySourceId = (instanceArn: string, region: string) => `rds-snapshot-copies/${region}/${instanceArn}`;

/**
 * When RDS next starts an instance's automated backup, from its PreferredBackupWindow
 * (`hh24:mi-hh24:mi`, UTC; RDS backs up once a day inside it): the window's next start strictly
 * after `now`, today's when it is still ahead, else tomorrow's. A backup under way inside
 * today's window is not the next one. Null for a window that is not in that form (the caller
 * then leaves the estimate to the runs).
 */
export function nextWindowStart(window: string | undefined, now: Date): Date | null {
  const m = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/.exec(window ?? "");
  if (!m) return null;
  const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), Number(m[1]), Number(m[2]));
  return new Date(start > now.getTime() ? start : start + day);
}

/**
 * The ARN of the DB instance a snapshot was taken of. DescribeDBSnapshots names the instance by
 * its identifier only; the inventory knows it by ARN, which is the snapshot's own ARN with the
 * instance's region (SourceRegion for a copy from another region) and `db:<identifier>`. The
 * partition and account come from the snapshot's ARN.
 */
export function instanceArnOfSnapshot(s: DBSnapshot): string | null {
  const m = /^arn:(aws[a-z-]*):rds:([^:]+):(\d{12}):snapshot:/.exec(s.DBSnapshotArn ?? "");
  if (!m || !s.DBInstanceIdentifier) return null;
  return `arn:${m[1]}:rds:${s.SourceRegion ?? m[2]}:${m[3]}:db:${s.DBInstanceIdentifier}`;
}

/**
 * A DB snapshot's Status as an execution status: `available` is a usable recovery point;
 * `creating`, `copying` and `backing-up` are under way; `failed` failed. `deleting` and
 * `deleted` are no recovery point anyone counts on: the reader skips them, as it skips a
 * status it does not know.
 */
export const dbSnapshotStates: Readonly<Record<string, BackupExecutionStatus>> = {
  available: "completed",
  creating: "in_progress",
  copying: "in_progress",
  "backing-up": "in_progress",
  failed: "failed",
};

export interface RdsWhere {
  account: string;
  region: string;
}

export type RdsSkip = { itemId: string | null; reason: string };

/**
 * One configuration per DB instance for RDS's automated backups:
 * - BackupRetentionPeriod > 0: type `snapshot`, frequency daily (a daily snapshot inside the
 *   preferred window, plus transaction logs for point-in-time recovery up to
 *   LatestRestorableTime), retention that many days, enabled, next backup at the window's next
 *   start (`nextWindowStart`);
 * - BackupRetentionPeriod 0: backups are disabled (no automated snapshot, no point-in-time
 *   recovery): retention 0, not enabled, no next backup, and `details.disabled_reason` says so.
 * Copies to other regions (automated backup replication) are listed in the destination.
 * Aurora instances report their cluster's setting: the configuration names the cluster.
 */
export function automatedBackupConfiguration(db: DBInstance, where: RdsWhere, now: Date): NormalizedBackupConfiguration | RdsSkip {
  const arn = db.DBInstanceArn;
  if (!arn) return { itemId: db.DBInstanceIdentifier ?? null, reason: "a DB instance without DBInstanceArn" };
  if (db.BackupRetentionPeriod === undefined) return { itemId: arn, reason: `DB instance ${arn} reports no BackupRetentionPeriod` };
  const days = db.BackupRetentionPeriod;
  const enabled = days > 0;
  const next = enabled ? nextWindowStart(db.PreferredBackupWindow, now) : null;
  const copies = (db.DBInstanceAutomatedBackupsReplications ?? []).flatMap((r) =>
    r.DBInstanceAutomatedBackupsArn ? [{ arn: r.DBInstanceAutomatedBackupsArn, region: regionOfArn(r.DBInstanceAutomatedBackupsArn) }] : [],
  );
  return {
    record: "configuration",
    cloud: "aws",
    account: where.account,
    sourceId: automatedSourceId(arn),
    resourceId: arn,
    backupType: "snapshot",
    frequency: "daily",
    schedule: db.PreferredBackupWindow ?? null,
    retentionDays: days,
    destination: { region: where.region, service: "rds", copies },
    enabled,
    // A window we cannot read leaves the estimate to the runs (undefined), a disabled one has none.
    ...(enabled ? (next ? { nextBackupAt: next.toISOString() } : {}) : { nextBackupAt: null }),
    details: {
      automated: true,
      preferred_window_utc: db.PreferredBackupWindow ?? null,
      point_in_time_recovery: enabled,
      // LatestRestorableTime is left out: it moves every few minutes, so keeping it would rewrite
      // every instance's configuration on every sync for a figure that is stale once written.
      ...(db.DBClusterIdentifier ? { db_cluster: db.DBClusterIdentifier } : {}),
      ...(enabled ? {} : { disabled_reason: "BackupRetentionPeriod is 0: RDS takes no automated backups of this instance and it cannot be restored to a point in time" }),
    },
  };
}

/**
 * One region's DB snapshots as records:
 * - an `automated` snapshot is an execution of its instance's automated-backup configuration
 *   (read from DescribeDBInstances in the same scope);
 * - a `manual` one is an execution of the instance's on-demand configuration
 *   `rds-snapshots/<instance ARN>`, a copy from another region one of
 *   `rds-snapshot-copies/<region>/<instance ARN>` (the region it is kept in): type `snapshot`,
 *   frequency from the spacing of its snapshots (as for EBS), no declared retention (kept until
 *   deleted), not enabled since nothing in the cloud schedules them.
 * Each run starts at SnapshotCreateTime; RDS reports no end, and the snapshot holds the data as
 * of its creation time, so a completed run ends when it started (duration unknown, 0). Its
 * size is AllocatedStorage (the instance's provisioned GiB: an upper bound, RDS bills snapshot
 * storage incrementally and does not report it per snapshot).
 * Skipped, with the reason: snapshots AWS Backup made (`awsbackup`: its job is the execution),
 * shared and public ones (another account's), those being deleted or in a status not known, and
 * those naming no ARN, instance or creation time.
 */
export function rdsSnapshotRecords(snapshots: readonly DBSnapshot[], where: RdsWhere): { records: BackupRecord[]; skipped: RdsSkip[] } {
  const skipped: RdsSkip[] = [];
  const manual = new Map<string, { instanceArn: string; copy: boolean; list: { snapshot: DBSnapshot; status: BackupExecutionStatus }[] }>();
  const automated: { snapshot: DBSnapshot; status: BackupExecutionStatus; instanceArn: string }[] = [];
  for (const s of snapshots) {
    const id = s.DBSnapshotArn ?? null;
    if (!id) {
      skipped.push({ itemId: s.DBSnapshotIdentifier ?? null, reason: "a DB snapshot without DBSnapshotArn" });
      continue;
    }
    if (s.SnapshotType === "awsbackup") {
      skipped.push({ itemId: id, reason: `DB snapshot ${id} is an AWS Backup recovery point; its backup job is read with its plan` });
      continue;
    }
    if (s.SnapshotType !== "automated" && s.SnapshotType !== "manual") {
      skipped.push({ itemId: id, reason: `DB snapshot ${id} is of type ${JSON.stringify(s.SnapshotType ?? null)}, not one this account took (automated or manual)` });
      continue;
    }
    const status = dbSnapshotStates[s.Status ?? ""];
    if (!status) {
      skipped.push({ itemId: id, reason: `DB snapshot ${id} has status ${JSON.stringify(s.Status ?? null)}, which is no recovery point` });
      continue;
    }
    const instanceArn = instanceArnOfSnapshot(s);
    if (!instanceArn) {
      skipped.push({ itemId: id, reason: `DB snapshot ${id} names no DB instance; it cannot be linked to a resource` });
      continue;
    }
    if (!s.SnapshotCreateTime) {
      skipped.push({ itemId: id, reason: `DB snapshot ${id} has no SnapshotCreateTime` });
      continue;
    }
    if (s.SnapshotType === "automated") automated.push({ snapshot: s, status, instanceArn });
    else {
      const copy = s.SourceRegion !== undefined && s.SourceRegion !== where.region;
      const key = copy ? copySourceId(instanceArn, where.region) : manualSourceId(instanceArn);
      const group = manual.get(key) ?? { instanceArn, copy, list: [] };
      group.list.push({ snapshot: s, status });
      manual.set(key, group);
    }
  }
  const records: BackupRecord[] = [];
  for (const [sourceId, { instanceArn, copy, list }] of manual) {
    records.push({
      record: "configuration",
      cloud: "aws",
      account: where.account,
      sourceId,
      resourceId: instanceArn,
      backupType: "snapshot",
      frequency: frequencyOfStarts(list.map((x) => x.snapshot.SnapshotCreateTime as Date)),
      schedule: null,
      retentionDays: null,
      destination: { region: where.region, service: "rds" },
      enabled: false,
      details: { on_demand: true, snapshot_count: list.length, ...(copy ? { copies_from_another_region: true } : {}) },
    });
    for (const x of list) records.push(executionOf(x.snapshot, x.status, instanceArn, sourceId, where));
  }
  for (const x of automated) records.push(executionOf(x.snapshot, x.status, x.instanceArn, automatedSourceId(x.instanceArn), where));
  return { records, skipped };
}

function executionOf(s: DBSnapshot, status: BackupExecutionStatus, instanceArn: string, configurationSourceId: string, where: RdsWhere): NormalizedBackupExecution {
  const arn = s.DBSnapshotArn as string;
  const started = (s.SnapshotCreateTime as Date).toISOString();
  return {
    record: "execution",
    cloud: "aws",
    account: where.account,
    // The ARN: a snapshot's identifier is unique only within its account and region.
    sourceId: arn,
    configurationSourceId,
    resourceId: instanceArn,
    status,
    startedAt: started,
    completedAt: status === "completed" ? started : null,
    sizeBytes: s.AllocatedStorage !== undefined ? s.AllocatedStorage * gib : null,
    recoveryPoint: status === "completed" ? arn : null,
    location: where.region,
    error: status === "failed" ? `DB snapshot ${s.DBSnapshotIdentifier ?? arn} failed (RDS gives no reason; see the instance's RDS events)` : null,
    details: {
      snapshot: "rds",
      snapshot_id: s.DBSnapshotIdentifier ?? null,
      snapshot_type: s.SnapshotType ?? null,
      account: where.account,
      region: where.region,
      engine: s.Engine ?? null,
      allocated_storage_gib: s.AllocatedStorage ?? null,
      storage_type: s.StorageType ?? null,
      encrypted: s.Encrypted ?? null,
      percent_progress: s.PercentProgress ?? null,
      // A copy from another region: where the original is, and when it was taken.
      copied_from_region: s.SourceRegion ?? null,
      ...(s.SourceRegion ? { original_create_time: s.OriginalSnapshotCreateTime?.toISOString() ?? null } : {}),
    },
  };
}
