import type { DBSnapshot, RDSClient } from "@aws-sdk/client-rds";
import type { ReadState, ReadStep, ScopeRead } from "../core/scope-runner.ts";
import type { BackupRecord, ScopeRef } from "../types.ts";
import { automatedBackupConfiguration, rdsSnapshotRecords } from "./normalize-rds-backups.ts";
import { awsSdk } from "./sdk.ts";

/**
 * RDS's own backups of one account and region: each DB instance's automated-backup settings
 * (DescribeDBInstances → a configuration per instance), then the region's DB snapshots
 * (DescribeDBSnapshots, automated and manual, paged by MaxRecords 20–100 and Marker → an
 * execution per snapshot). Both in one scope `aws:<account>:<region>:rds_snapshots`, in that
 * order, so a page of automated snapshots always finds its configuration already written;
 * completing the scope vouches that the snapshot list was read whole, which lets the writer
 * mark the snapshots it no longer lists as deleted. Manual snapshots are grouped by instance
 * before they are emitted, so they are held in memory (a few hundred bytes each).
 * Aurora cluster snapshots (DescribeDBClusterSnapshots) are not read: the cluster they belong to
 * is not in the inventory.
 */
export interface RdsBackupScopeContext {
  scope: ScopeRef;
  client: () => RDSClient;
  /** The read's clock, for the next backup window. */
  now: () => Date;
  /** Items per page asked of the API (clamped to 20–100; 100 when omitted). */
  pageSize?: number | undefined;
}

export function rdsBackupRead(ctx: RdsBackupScopeContext): ScopeRead<BackupRecord> {
  return { scopes: [ctx.scope], operation: "DescribeDBInstances", read: (state) => steps(ctx, state) };
}

async function* steps(ctx: RdsBackupScopeContext, state: ReadState): AsyncGenerator<ReadStep<BackupRecord>> {
  const client = ctx.client();
  const pageSize = Math.min(Math.max(ctx.pageSize ?? 100, 20), 100);
  const where = { account: ctx.scope.account, region: ctx.scope.region };
  const now = ctx.now();
  for await (const page of awsSdk("@aws-sdk/client-rds").paginateDescribeDBInstances({ client, pageSize }, {}, { abortSignal: state.signal })) {
    const records: BackupRecord[] = [];
    for (const db of page.DBInstances ?? []) {
      const out = automatedBackupConfiguration(db, where, now);
      if ("reason" in out) yield { type: "skipped", itemId: out.itemId, reason: out.reason };
      else records.push(out);
    }
    if (records.length > 0) yield { type: "items", items: records };
  }
  state.operation = "DescribeDBSnapshots";
  const all: DBSnapshot[] = [];
  for await (const page of awsSdk("@aws-sdk/client-rds").paginateDescribeDBSnapshots({ client, pageSize }, {}, { abortSignal: state.signal })) {
    all.push(...(page.DBSnapshots ?? []));
  }
  const { records, skipped } = rdsSnapshotRecords(all, where);
  for (const s of skipped) yield { type: "skipped", itemId: s.itemId, reason: s.reason };
  state.resourceCount = records.filter((r) => r.record === "execution").length;
  if (records.length > 0) yield { type: "items", items: records };
}
