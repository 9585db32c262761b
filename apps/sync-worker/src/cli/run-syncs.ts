import type { SyncKind } from "@cloudsync/db";
import { syncCosts } from "../jobs/sync-costs.ts";
import { syncMetrics } from "../jobs/sync-metrics.ts";
import { syncResources } from "../jobs/sync-resources.ts";
import type { SyncDeps, SyncProgress, SyncSummaryBase } from "../jobs/sync-run.ts";
import type { ProviderSummary } from "../providers/registry.ts";
import type { SyncRunCounts } from "../write/sync-runs.ts";
import { type Progress, formatDuration, renderTable } from "./output.ts";

export type SyncSummary = SyncSummaryBase;

const processors: Record<SyncKind, (deps: SyncDeps, payload: { providerId: string; trigger: "cli" | "demo" }, onProgress: (p: SyncProgress) => void) => Promise<SyncSummaryBase>> = {
  resources: syncResources,
  costs: (deps, payload, onProgress) => syncCosts(deps, { ...payload, monthToDate: true }, onProgress),
  metrics: (deps, payload, onProgress) => syncMetrics(deps, { ...payload, lookbackMinutes: 60 }, onProgress),
};

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
        const summary = await processors[kind](deps, { providerId: provider.id, trigger }, (p) =>
          progress.update(`${label}: ${p.itemsSeen} items, ${p.scopesDone} scopes done${p.scopesFailed ? `, ${p.scopesFailed} failed` : ""}`),
        );
        summaries.push(summary);
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
    ["provider", "kind", "status", "counts", "skipped", "scopes ok", "scopes failed", "time"],
    summaries.map((s) => [s.providerName, s.kind, s.status, describeCounts(s.counts), s.skipped, s.scopesCompleted, s.scopesFailed, formatDuration(s.durationMs)]),
  );
}

/** A run's counts in its kind's own words, as `sync_runs` records them. */
export function describeCounts(counts: SyncRunCounts): string {
  switch (counts.kind) {
    case "resources":
      return `${counts.inserted} inserted, ${counts.updated} updated, ${counts.unchanged} unchanged, ${counts.terminated} terminated`;
    case "costs":
      return `${counts.costLinesInserted} cost lines inserted, ${counts.costLinesReplaced} replaced`;
    case "metrics":
      return `${counts.samplesStored} samples stored, ${counts.samplesAlreadyPresent} already present`;
  }
}
