import type { ReadState, ReadStep, ScopeRead } from "../core/scope-runner.ts";
import type { BackupRecord, ScopeRef } from "../types.ts";
import type { GcpReadContext } from "./kinds/kind.ts";
import { gceSnapshotRecords } from "./normalize-snapshots.ts";
import { completeAggregatedPages, listEntries } from "./paging.ts";

/**
 * Compute Engine snapshot schedules and disk snapshots of one project, as backup configurations
 * and executions of the disks: `resourcePolicies.aggregatedList` (every region), the disks'
 * attached policies from `disks.aggregatedList`, and `snapshots.list` (snapshots are global),
 * each paged by `maxResults`/`pageToken`. Scope `gcp:<project>:*:gce_snapshots`: completing it
 * vouches that the project's snapshot list was read whole, which lets the writer mark the
 * snapshots it no longer lists as deleted; an aggregated list some region did not answer fails
 * the scope instead. Everything is held until the three lists are read, since a snapshot is
 * filed under the schedule its disk has (a few hundred bytes per item). The three Compute
 * clients are imported by path on the first backup read, like the kinds'; their requests go
 * through the connection's gated transport, so the project's rate limiter paces them.
 */
export function gceSnapshotRead(project: string, now: Date, contextOf: (signal: AbortSignal | undefined) => GcpReadContext): ScopeRead<BackupRecord> {
  const scope: ScopeRef = { cloud: "gcp", account: project, region: "*", kind: "gce_snapshots" };
  return { scopes: [scope], operation: "aggregated/resourcePolicies", read: (state) => steps(contextOf(state.signal), now, state) };
}

async function* steps(ctx: GcpReadContext, now: Date, state: ReadState): AsyncGenerator<ReadStep<BackupRecord>> {
  const [{ ResourcePoliciesClient }, { DisksClient }, { SnapshotsClient }] = await Promise.all([
    import("@google-cloud/compute/build/src/v1/resource_policies_client.js"),
    import("@google-cloud/compute/build/src/v1/disks_client.js"),
    import("@google-cloud/compute/build/src/v1/snapshots_client.js"),
  ]);
  const request = { project: ctx.project, pageSize: ctx.pageSize, callOptions: ctx.callOptions };
  const policies: Record<string, unknown>[] = [];
  state.operation = "aggregated/resourcePolicies";
  for await (const entries of completeAggregatedPages(ctx.clients.get(ResourcePoliciesClient), "resourcePolicies", request)) {
    for (const e of entries) policies.push(e.item as Record<string, unknown>);
  }
  const disks: Record<string, unknown>[] = [];
  // Only what the records need of each disk: its attached policies, and its id and URL (a snapshot without sourceDiskId is matched by URL).
  state.operation = "aggregated/disks";
  for await (const entries of completeAggregatedPages(ctx.clients.get(DisksClient), "disks", request)) {
    for (const e of entries) {
      const d = e.item as Record<string, unknown>;
      disks.push({ id: d.id, name: d.name, selfLink: d.selfLink, zone: d.zone, region: d.region, resourcePolicies: d.resourcePolicies });
    }
  }
  const snapshots: Record<string, unknown>[] = [];
  state.operation = "global/snapshots";
  for await (const entries of listEntries(ctx.clients.get(SnapshotsClient), request)) {
    for (const e of entries) snapshots.push(e.item as Record<string, unknown>);
  }
  const { records, skipped } = gceSnapshotRecords({ project: ctx.project, now, policies, disks, snapshots });
  for (const s of skipped) yield { type: "skipped", itemId: s.itemId, reason: s.reason };
  state.resourceCount = records.filter((r) => r.record === "execution").length;
  if (records.length > 0) yield { type: "items", items: records };
}
