import { cloudProviders, type Database } from "@cloudsync/db";
import { eq } from "drizzle-orm";
import { linodeEmulatorCredentials } from "../demo/emulated-linode-credentials.ts";
import type { Emulators } from "../demo/load-emulators.ts";
import type { SyncDeps } from "../jobs/sync-resources.ts";
import { addProvider, listProviders } from "../providers/registry.ts";
import type { Keyring } from "../secrets/keyring.ts";
import type { Progress } from "./output.ts";
import { runSyncs, summaryTable } from "./run-syncs.ts";

export interface LinodeDemoInput {
  db: Database;
  keyring: Keyring;
  deps: SyncDeps;
  emulators: Pick<Emulators, "startLinodeEmulator">;
  organizationId: string;
  ownerId: string;
  progress: Progress;
  seed: number;
  size: number;
  out: (line: string) => void;
}

/**
 * The demo's Linode section: one emulated Linode estate (two accounts, each with its own token),
 * registered as the organization's Linode provider and synced like the big three — inventory,
 * invoices and the uninvoiced balance, Linode statistics — so the estate table that follows
 * lists it. The emulator is closed before returning and the provider retired (inactive): no
 * later step, nor the next demo's first sync over the same database (its providers are listed
 * before this section re-registers Linode under the new run's key), reaches for an emulator
 * that is gone. The rows stay; the next run's section re-activates it.
 */
export async function demoLinode(input: LinodeDemoInput): Promise<{ provider: string; kind: string; error: string }[]> {
  const { db, keyring, deps, progress, out } = input;
  progress.update("starting the Linode emulator on 127.0.0.1 …");
  // A smaller estate than the other clouds': statistics are read one Linode at a time within
  // Linode's documented 50 requests per minute per token, which the adapter keeps to.
  const linode = await input.emulators.startLinodeEmulator({ seed: input.seed, size: Math.min(input.size, 60) });
  let id: string | undefined;
  try {
    ({ id } = await addProvider(db, keyring, { organizationId: input.organizationId, createdBy: input.ownerId, credentials: linodeEmulatorCredentials(linode) }));
    const provider = (await listProviders(db, { activeOnly: true })).filter((p) => p.id === id);
    const run = await runSyncs(deps, provider, ["resources", "costs", "metrics"], progress, "demo");
    out(`Linode (@linode/api-v4 against the emulator): ${linode.accounts.length} accounts, one token each\n${summaryTable(run.summaries)}\n`);
    return run.failures;
  } finally {
    if (id) await db.update(cloudProviders).set({ isActive: false }).where(eq(cloudProviders.id, id));
    await linode.close();
  }
}
