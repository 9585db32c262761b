import type { Snapshot } from "@aws-sdk/client-ec2";
import { frequencyOfStarts } from "../common/snapshot-frequency.ts";
import type { BackupExecutionStatus, BackupRecord, NormalizedBackupConfiguration, NormalizedBackupExecution } from "../types.ts";

/**
 * EBS snapshots (EC2 DescribeSnapshots, OwnerIds=self) onto cloudsync's backup vocabulary. Pure:
 * the reader (snapshots.ts) hands in one region's snapshots; the rules are in docs/coverage.md,
 * "Backups" → "EBS snapshots".
 */

/**
 * A snapshot's State as an execution status. `recoverable` and `recovering` are snapshots in
 * the Recycle Bin: deleted by their owner, restorable for a while; they are no recovery point
 * anyone counts on, so the reader skips them (see `ebsSnapshotRecords`).
 */
export const snapshotStates: Readonly<Record<string, BackupExecutionStatus>> = {
  pending: "in_progress",
  completed: "completed",
  error: "failed",
};

const gib = 1024 ** 3;

/** Shared with the other clouds' snapshot listings; re-exported where the EBS rules have always named it. */
export { frequencyOfStarts };

/**
 * Who deletes a snapshot when its time is up, from the tags AWS puts on the snapshots it makes:
 * AWS Backup tags its recovery points `aws:backup:source-resource`, Data Lifecycle Manager its
 * snapshots `aws:dlm:lifecycle-policy-id`. Null: nobody but its owner (an on-demand snapshot).
 */
export function snapshotManager(tags: Record<string, string>): { by: "aws_backup" | "dlm"; policy: string | null } | null {
  const policy = tags["aws:dlm:lifecycle-policy-id"];
  if (policy !== undefined) return { by: "dlm", policy };
  if (tags["aws:backup:source-resource"] !== undefined) return { by: "aws_backup", policy: null };
  return null;
}

function tagsOf(s: Snapshot): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of s.Tags ?? []) if (t.Key) out[t.Key] = t.Value ?? "";
  return out;
}

export interface SnapshotWhere {
  account: string;
  region: string;
}

export type SnapshotSkip = { itemId: string | null; reason: string };

/**
 * One region's snapshots as records:
 * - each volume with on-demand snapshots gets one configuration `ebs-snapshots/<volumeId>`:
 *   type `snapshot`, frequency from the spacing of its snapshots, no declared retention (kept
 *   until deleted), and not enabled, since nothing in the cloud schedules them;
 * - each snapshot is an execution of it, sized by `FullSnapshotSizeInBytes` when EC2 reports it
 *   and by the volume size otherwise (an upper bound: later snapshots of a volume bill only the
 *   blocks changed since the one before, which DescribeSnapshots does not report).
 * Skipped, with the reason: snapshots AWS Backup made (its job is the execution, read with the
 * plan, and its lifecycle deletes them), those of a Data Lifecycle Manager policy (the policy
 * deletes them by its own retention; DLM policies are not read yet), those in the Recycle Bin,
 * and those naming no volume or start time.
 */
export function ebsSnapshotRecords(snapshots: readonly Snapshot[], where: SnapshotWhere): { records: BackupRecord[]; skipped: SnapshotSkip[] } {
  const skipped: SnapshotSkip[] = [];
  const byVolume = new Map<string, { snapshot: Snapshot; status: BackupExecutionStatus; tags: Record<string, string> }[]>();
  for (const s of snapshots) {
    const id = s.SnapshotId ?? null;
    if (!id) {
      skipped.push({ itemId: null, reason: "a snapshot without SnapshotId" });
      continue;
    }
    const status = snapshotStates[s.State ?? ""];
    if (!status) {
      const bin = s.State === "recoverable" || s.State === "recovering";
      skipped.push({ itemId: id, reason: bin ? `snapshot ${id} is in the Recycle Bin (${s.State}); it was deleted` : `snapshot ${id} has an unknown State ${JSON.stringify(s.State ?? null)}` });
      continue;
    }
    // `vol-ffffffff` is the placeholder EC2 gives snapshots copied from another snapshot.
    if (!s.VolumeId || s.VolumeId === "vol-ffffffff") {
      skipped.push({ itemId: id, reason: `snapshot ${id} names no source volume (a copy); it cannot be linked to a resource` });
      continue;
    }
    if (!s.StartTime) {
      skipped.push({ itemId: id, reason: `snapshot ${id} has no StartTime` });
      continue;
    }
    const tags = tagsOf(s);
    const manager = snapshotManager(tags);
    if (manager?.by === "aws_backup") {
      skipped.push({ itemId: id, reason: `snapshot ${id} is an AWS Backup recovery point; its backup job is read with its plan` });
      continue;
    }
    if (manager?.by === "dlm") {
      skipped.push({ itemId: id, reason: `snapshot ${id} belongs to Data Lifecycle Manager policy ${manager.policy}, which deletes it by its own retention; DLM policies are not read yet` });
      continue;
    }
    const list = byVolume.get(s.VolumeId) ?? [];
    list.push({ snapshot: s, status, tags });
    byVolume.set(s.VolumeId, list);
  }
  const records: BackupRecord[] = [];
  for (const [volumeId, list] of byVolume) {
    const sourceId = `ebs-snapshots/${volumeId}`;
    const config: NormalizedBackupConfiguration = {
      record: "configuration",
      cloud: "aws",
      account: where.account,
      sourceId,
      resourceId: volumeId,
      backupType: "snapshot",
      frequency: frequencyOfStarts(list.map((x) => x.snapshot.StartTime as Date)),
      schedule: null,
      retentionDays: null,
      destination: { region: where.region, service: "ebs" },
      enabled: false,
      details: { on_demand: true, snapshot_count: list.length },
    };
    records.push(config);
    for (const { snapshot: s, status, tags } of list) {
      const size = s.FullSnapshotSizeInBytes ?? (s.VolumeSize !== undefined ? s.VolumeSize * gib : null);
      const execution: NormalizedBackupExecution = {
        record: "execution",
        cloud: "aws",
        account: where.account,
        sourceId: s.SnapshotId as string,
        configurationSourceId: sourceId,
        resourceId: volumeId,
        status,
        startedAt: (s.StartTime as Date).toISOString(),
        completedAt: status === "completed" ? (s.CompletionTime?.toISOString() ?? null) : null,
        sizeBytes: size,
        recoveryPoint: status === "completed" ? (s.SnapshotId as string) : null,
        location: where.region,
        error: status === "failed" ? (s.StateMessage ?? "snapshot error") : null,
        details: {
          snapshot: "ebs",
          snapshot_id: s.SnapshotId,
          account: where.account,
          region: where.region,
          volume_size_gib: s.VolumeSize ?? null,
          storage_tier: s.StorageTier ?? null,
          description: s.Description ?? null,
          encrypted: s.Encrypted ?? null,
          progress: s.Progress ?? null,
          ...(Object.keys(tags).length > 0 ? { tags } : {}),
        },
      };
      records.push(execution);
    }
  }
  return { records, skipped };
}
