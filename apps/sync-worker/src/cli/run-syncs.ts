import { type Database, type SyncKind, queryRows } from "@cloudsync/db";
import { sql } from "drizzle-orm";
import { syncBackups } from "../jobs/sync-backups.ts";
import { syncCosts } from "../jobs/sync-costs.ts";
import { syncDeployments } from "../jobs/sync-deployments.ts";
import { syncMetrics } from "../jobs/sync-metrics.ts";
import { syncResources } from "../jobs/sync-resources.ts";
import type { SyncDeps, SyncProgress, SyncSummaryBase } from "../jobs/sync-run.ts";
import type { ProviderSummary } from "../providers/registry.ts";
import { kindRunsFor } from "../queues/configs.ts";
import type { SyncRunCounts } from "../write/sync-runs.ts";
import { type Progress, formatDuration, renderTable } from "./output.ts";

export type SyncSummary = SyncSummaryBase;

const processors: Record<SyncKind, (deps: SyncDeps, payload: { providerId: string; trigger: "cli" | "demo" }, onProgress: (p: SyncProgress) => void) => Promise<SyncSummaryBase>> = {
  resources: syncResources,
  costs: (deps, payload, onProgress) => syncCosts(deps, { ...payload, monthToDate: true }, onProgress),
  metrics: (deps, payload, onProgress) => syncMetrics(deps, { ...payload, lookbackMinutes: 60 }, onProgress),
  backups: syncBackups,
  deployments: syncDeployments,
};

/** What a sync of each kind counts as it goes. */
const itemUnits: Record<SyncKind, string> = { resources: "resources", costs: "cost lines", metrics: "samples", backups: "backup records", deployments: "deployments" };

/**
 * How many scopes this sync will read: as many as the last finished run of the same provider
 * and kind did. The adapters discover scopes as they stream, so the last run is the best
 * estimate there is; without one (the first sync), progress shows scopes done only.
 */
export async function expectedScopes(db: Database, providerId: string, kind: SyncKind): Promise<number | null> {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`select jsonb_array_length(scopes) as n from sync_runs where provider_id = ${providerId} and kind = ${kind} and status <> 'running'
         order by started_at desc limit 1`,
  );
  return row && row.n > 0 ? row.n : null;
}

/** One progress line: `gcp resources: 3/12 scopes, 1200 resources, 850 resources/s`. */
export function syncProgressLine(label: string, p: SyncProgress, expected: number | null, elapsedMs: number, unit: string): string {
  const finished = p.scopesDone + p.scopesFailed;
  // More scopes than last time (a region or account added): the old total would read as >100 %.
  const scopes = expected !== null && finished <= expected ? `${finished}/${expected} scopes` : `${finished} scopes`;
  const rate = elapsedMs > 0 ? Math.round((p.itemsSeen * 1000) / elapsedMs) : 0;
  return `${label}: ${scopes}${p.scopesFailed ? ` (${p.scopesFailed} failed)` : ""}, ${p.itemsSeen} ${unit}, ${rate} ${unit}/s`;
}

/**
 * Runs syncs one provider and kind after another, without Redis, showing scopes done of the
 * expected total and items per second: one rewritten line on a terminal, a plain line per
 * finished scope otherwise. A provider that fails is reported and the others still run.
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
    // Backups and deployments only where the provider's cloud reads them (the worker schedules them so too).
    for (const kind of kinds.filter((k) => kindRunsFor(provider.providerName, k))) {
      const label = `${provider.providerName} ${kind}`;
      try {
        const expected = await expectedScopes(deps.db, provider.id, kind);
        const started = Date.now();
        let finishedScopes = 0;
        const summary = await processors[kind](deps, { providerId: provider.id, trigger }, (p) => {
          // A finished scope is a milestone: the one thing a piped log prints a line for.
          const milestone = p.scopesDone + p.scopesFailed !== finishedScopes;
          finishedScopes = p.scopesDone + p.scopesFailed;
          progress.update(syncProgressLine(label, p, expected, Date.now() - started, itemUnits[kind]), { milestone });
        });
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
    case "backups":
      return `${counts.configurationsWritten} backup configurations, ${counts.executionsWritten} runs written`;
    case "deployments":
      return `${counts.deploymentsInserted} deployments inserted, ${counts.deploymentsUpdated} updated, ${counts.resourcesLinked} resources linked`;
  }
}
