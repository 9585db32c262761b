import type { SyncKind } from "@cloudsync/db";
import { type ResourceSyncSummary, type SyncDeps, syncResources } from "../jobs/sync-resources.ts";
import type { ProviderSummary } from "../providers/registry.ts";
import { type Progress, formatDuration, renderTable } from "./output.ts";

export type SyncSummary = ResourceSyncSummary & { kind: SyncKind };

/**
 * Runs syncs one provider and kind after another, without Redis, with a progress line on a
 * terminal. A provider that fails is reported and the others still run.
 */
export async function runSyncs(
  deps: SyncDeps,
  providers: readonly ProviderSummary[],
  kinds: readonly SyncKind[],
  progress: Progress,
  trigger: "cli" | "demo" = "cli",
): Promise<{ summaries: SyncSummary[]; failures: { provider: string; kind: string; error: string }[] }> {
  const summaries: SyncSummary[] = [];
  const failures: { provider: string; kind: string; error: string }[] = [];
  for (const provider of providers) {
    for (const kind of kinds) {
      const label = `${provider.providerName} ${kind}`;
      try {
        if (kind !== "resources") throw new Error(`${kind} syncs are not available in this build yet`);
        const summary = await syncResources(deps, { providerId: provider.id, trigger }, (p) =>
          progress.update(`${label}: ${p.resourcesSeen} resources, ${p.scopesDone} scopes done${p.scopesFailed ? `, ${p.scopesFailed} failed` : ""}`),
        );
        summaries.push({ ...summary, kind });
        progress.done(`${label}: ${summary.status} in ${formatDuration(summary.durationMs)}`);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        failures.push({ provider: provider.providerName, kind, error: message });
        progress.done(`${label}: failed: ${message}`);
      }
    }
  }
  return { summaries, failures };
}

export function summaryTable(summaries: readonly SyncSummary[]): string {
  return renderTable(
    ["provider", "kind", "status", "inserted", "updated", "unchanged", "terminated", "skipped", "scopes ok", "scopes failed", "time"],
    summaries.map((s) => [
      s.providerName,
      s.kind,
      s.status,
      s.inserted,
      s.updated,
      s.unchanged,
      s.terminated,
      s.skipped,
      s.scopesCompleted,
      s.scopesFailed,
      formatDuration(s.durationMs),
    ]),
  );
}
