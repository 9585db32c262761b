import { cloudProviders, type Database } from "@cloudsync/db";
import { eq } from "drizzle-orm";
import { digitaloceanEmulatorCredentials } from "../demo/emulated-credentials.ts";
import type { Emulators } from "../demo/load-emulators.ts";
import type { SyncDeps } from "../jobs/sync-resources.ts";
import { addProvider, listProviders } from "../providers/registry.ts";
import type { Keyring } from "../secrets/keyring.ts";
import type { Progress } from "./output.ts";
import { runSyncs, summaryTable } from "./run-syncs.ts";

export interface DigitalOceanDemoContext {
  db: Database;
  keyring: Keyring;
  deps: SyncDeps;
  organizationId: string;
  ownerId: string;
  progress: Progress;
  emulators: Pick<Emulators, "startDigitalOceanEmulator">;
  seed: number;
  size: number;
  out: (line: string) => void;
}

/**
 * The demo's DigitalOcean section: an emulated estate of two teams (one token each) registered
 * as the organization's DigitalOcean provider and synced like the others — inventory, the
 * month's invoice preview and balance, the last hour of droplet Monitoring — so the estate
 * table that follows lists it beside the big three. Returns the syncs that failed.
 */
export async function demoDigitalOcean(ctx: DigitalOceanDemoContext): Promise<{ provider: string; kind: string; error: string }[]> {
  ctx.progress.update("starting the DigitalOcean emulator on 127.0.0.1 …");
  // At most 100 resources: Monitoring costs five requests per droplet, and the adapter keeps to
  // DigitalOcean's 250 requests per minute (the emulator enforces them), so a larger estate's
  // metrics would take minutes of the demo, as they would on DigitalOcean.
  const em = await ctx.emulators.startDigitalOceanEmulator({ seed: ctx.seed, size: Math.min(ctx.size, 100), teams: 2 });
  try {
    const credentials = digitaloceanEmulatorCredentials(em);
    const added = await addProvider(ctx.db, ctx.keyring, { organizationId: ctx.organizationId, createdBy: ctx.ownerId, credentials });
    const provider = (await listProviders(ctx.db, { activeOnly: true })).filter((p) => p.id === added.id);
    const run = await runSyncs(ctx.deps, provider, ["resources", "costs", "metrics"], ctx.progress, "demo");
    // Every demo run seals credentials with a key of its own and lists the organization's active
    // providers before this section re-registers DigitalOcean: left active, this run's sealed
    // token would be handed to the next run's syncs, which cannot open it. Its rows stay.
    await ctx.db.update(cloudProviders).set({ isActive: false }).where(eq(cloudProviders.id, added.id));
    ctx.out(`DigitalOcean: ${em.teams.length} teams, ${[...em.expected()].length} resources (droplets, volumes, databases, VPCs, firewalls, reserved IPs, load balancers, CDN endpoints, Kubernetes)\n${summaryTable(run.summaries)}\n`);
    return run.failures;
  } finally {
    await em.close();
  }
}
