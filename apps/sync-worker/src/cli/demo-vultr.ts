import type { Database } from "@cloudsync/db";
import { vultrEmulatorCredentials } from "../demo/emulated-credentials.ts";
import { loadEmulators } from "../demo/load-emulators.ts";
import { syncMetrics } from "../jobs/sync-metrics.ts";
import type { SyncDeps } from "../jobs/sync-run.ts";
import { addProvider, listProviders } from "../providers/registry.ts";
import type { Keyring } from "../secrets/keyring.ts";
import type { Progress } from "./output.ts";
import { runSyncs, summaryTable } from "./run-syncs.ts";

export interface VultrDemoInput {
  db: Database;
  keyring: Keyring;
  organizationId: string;
  ownerId: string;
  deps: SyncDeps;
  progress: Progress;
  seed: number;
  size: number;
}

/**
 * The demo's Vultr section: an emulated Vultr estate (two accounts, one API key each) is added
 * as the organization's Vultr provider and synced — inventory, the month's bill (invoices and
 * pending charges) and two days of daily bandwidth, Vultr's only usage signal, which the demo's
 * one-hour metric window would miss. Its rows then show in the demo's estate and cost tables.
 * Returns the failures, for the demo's exit code.
 */
export async function demoVultr(input: VultrDemoInput, out: (line: string) => void): Promise<{ provider: string; kind: string; error: string }[]> {
  const { startVultrEmulator } = await loadEmulators();
  input.progress.update("starting the Vultr emulator on 127.0.0.1 …");
  const em = await startVultrEmulator({ seed: input.seed, size: Math.max(22, Math.round(input.size / 2)) });
  try {
    await addProvider(input.db, input.keyring, { organizationId: input.organizationId, createdBy: input.ownerId, credentials: vultrEmulatorCredentials(em) });
    const providers = (await listProviders(input.db, { activeOnly: true })).filter((p) => p.organizationId === input.organizationId && p.providerName === "vultr");
    const run = await runSyncs(input.deps, providers, ["resources", "costs"], input.progress, "demo");
    const failures = [...run.failures];
    const summaries = [...run.summaries];
    for (const provider of providers) {
      const metrics = await syncMetrics(input.deps, { providerId: provider.id, trigger: "demo", lookbackMinutes: 2 * 24 * 60 });
      summaries.push(metrics);
      if (metrics.status !== "succeeded") failures.push({ provider: "vultr", kind: "metrics", error: `metrics sync ${metrics.status}` });
    }
    out(`Vultr: ${em.accounts.length} accounts through @vultr/vultr-node; inventory, this month's bill, two days of bandwidth\n${summaryTable(summaries)}\n`);
    return failures;
  } finally {
    await em.close();
  }
}
