import type { EC2Client, Snapshot } from "@aws-sdk/client-ec2";
import type { ReadState, ReadStep, ScopeRead } from "../core/scope-runner.ts";
import type { BackupRecord, ScopeRef } from "../types.ts";
import { ebsSnapshotRecords } from "./normalize-snapshots.ts";
import { awsSdk } from "./sdk.ts";

/**
 * The EBS snapshots an account owns in one region (DescribeSnapshots with OwnerIds=self, paged
 * by MaxResults 5–1000 and NextToken), as backup configurations and executions of the volumes
 * they were taken of. Scope `aws:<account>:<region>:ebs_snapshots`: completing it vouches that
 * the region's list was read whole, which is what lets the writer mark the snapshots it no
 * longer lists as deleted. A region's snapshots are grouped by volume before they are emitted,
 * so they are held in memory (a few hundred bytes each).
 */
export interface SnapshotScopeContext {
  scope: ScopeRef;
  client: () => EC2Client;
  /** Items per page asked of the API (its maximum, 1000, when omitted). */
  pageSize?: number | undefined;
}

export function ebsSnapshotRead(ctx: SnapshotScopeContext): ScopeRead<BackupRecord> {
  return { scopes: [ctx.scope], operation: "DescribeSnapshots", read: (state) => steps(ctx, state) };
}

async function* steps(ctx: SnapshotScopeContext, state: ReadState): AsyncGenerator<ReadStep<BackupRecord>> {
  const pageSize = Math.min(Math.max(ctx.pageSize ?? 1000, 5), 1000);
  const all: Snapshot[] = [];
  for await (const page of awsSdk("@aws-sdk/client-ec2").paginateDescribeSnapshots({ client: ctx.client(), pageSize }, { OwnerIds: ["self"] }, { abortSignal: state.signal })) {
    all.push(...(page.Snapshots ?? []));
  }
  const { records, skipped } = ebsSnapshotRecords(all, { account: ctx.scope.account, region: ctx.scope.region });
  for (const s of skipped) yield { type: "skipped", itemId: s.itemId, reason: s.reason };
  state.resourceCount = records.filter((r) => r.record === "execution").length;
  if (records.length > 0) yield { type: "items", items: records };
}
