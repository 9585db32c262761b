import { type Database, queryRows } from "@cloudsync/db";
import { sql } from "drizzle-orm";
import { awsEmulatorCredentials, azureEmulatorCredentials, gcpEmulatorCredentials } from "../demo/emulated-credentials.ts";
import { loadEmulators } from "../demo/load-emulators.ts";
import type { Env } from "../env.ts";
import type { SyncDeps } from "../jobs/sync-resources.ts";
import type { Logger } from "../logger.ts";
import { createAdapter } from "../providers/adapters.ts";
import { addProvider, listProviders, loadProviderForSync } from "../providers/registry.ts";
import { generateKey, parseKeyring } from "../secrets/keyring.ts";
import { openDatabase } from "./context.ts";
import { printMetricsByCategory } from "./demo-metrics.ts";
import { printHealthAndCosts } from "./demo-health-costs.ts";
import { printRecommendations } from "./demo-recommendations.ts";
import { demoAlerts } from "./demo-alerts.ts";
import { showDependenciesAndScaling } from "./demo-dependencies.ts";
import { showDeployments } from "./demo-deployments.ts";
import { showBackupsAndDrPlan } from "./demo-backups.ts";
import { demoVultr } from "./demo-vultr.ts";
import { ensureOrganization } from "./org.ts";
import { createProgress, renderTable } from "./output.ts";
import { runSyncs, summaryTable } from "./run-syncs.ts";

export interface DemoOptions {
  /** Resources per cloud. */
  size: number;
  seed: number;
}

/**
 * The newcomer's main job: start the three cloud emulators, register one provider per cloud,
 * sync everything into the database (the embedded PGlite default without DATABASE_URL), change
 * the estate and sync again, and print what was found and what changed.
 */
export async function runDemo(env: Env, logger: Logger, options: DemoOptions, out: (line: string) => void): Promise<number> {
  const { startAwsEmulator, startAzureEmulator, startGcpEmulator } = await loadEmulators();
  const progress = createProgress();
  // Filling a database is the demo's job, so it migrates one that is not (the embedded one too).
  // Opened before the emulators start, so an unreachable database leaves no server running.
  const handle = await openDatabase(env, { migrate: true });
  progress.update("starting the AWS, Azure and GCP emulators on 127.0.0.1 …");
  const [aws, azure, gcp] = await Promise.all([
    startAwsEmulator({ seed: options.seed, size: options.size }),
    startAzureEmulator({ seed: options.seed, size: options.size }),
    startGcpEmulator({ seed: options.seed, size: options.size }),
  ]).catch(async (error: unknown) => {
    await handle.close();
    throw error;
  });
  try {
    const db = handle.db;
    const where = handle.driver === "pglite" ? "the embedded PostgreSQL (PGlite) under .data/" : "DATABASE_URL";
    out(`cloudsync demo: ${options.size} emulated resources per cloud, synced into ${where}\n`);
    // The demo's key lives only for this run: every run registers the providers afresh.
    const keyring = parseKeyring(`demo:${generateKey()}`);
    const org = await ensureOrganization(db, { name: "Demo Wedding Co", slug: "demo-wedding-co", ownerEmail: "owner@demo.cloudsync.local" });
    for (const credentials of [awsEmulatorCredentials(aws), azureEmulatorCredentials(azure), gcpEmulatorCredentials(gcp)]) {
      await addProvider(db, keyring, { organizationId: org.organizationId, createdBy: org.ownerId, credentials });
    }
    const providers = (await listProviders(db, { activeOnly: true })).filter((p) => p.organizationId === org.organizationId);
    const deps: SyncDeps = {
      db,
      loadProvider: (id) => loadProviderForSync(db, keyring, id),
      adapterFor: (provider, settings) => createAdapter(provider.credentials, settings),
      clock: () => new Date(),
      logger,
      serialScopes: handle.driver === "pglite",
    };

    const first = await runSyncs(deps, providers, ["resources", "costs", "metrics", "backups"], progress, "demo");
    out(`\nFirst sync: inventory, this month's bill, the last hour of metrics, the backups\n${summaryTable(first.summaries)}\n`);

    // Change the estate the way clouds do between two syncs, then sync again.
    const removed = [[...aws.expected()][0]!.resourceId, [...gcp.expected()][0]!.resourceId];
    aws.mutate.remove(removed[0]!);
    gcp.mutate.remove(removed[1]!);
    const retag = [...azure.expected()][0]!;
    azure.mutate.retag(retag.resourceId, { ...retag.tags, env: "production", "wedding-critical": "true" });
    const second = await runSyncs(deps, providers, ["resources"], progress, "demo");
    out(`Second sync, after 2 resources vanished and 1 was retagged (unchanged rows are not rewritten)\n${summaryTable(second.summaries)}\n`);
    second.failures.push(...(await (await import("./demo-digitalocean.ts")).demoDigitalOcean({ db, keyring, deps, organizationId: org.organizationId, ownerId: org.ownerId, progress, emulators: await loadEmulators(), seed: options.seed, size: options.size, out })));

    const linodeFailures = await (await import("./demo-linode.ts")).demoLinode({ db, keyring, deps, emulators: await loadEmulators(), organizationId: org.organizationId, ownerId: org.ownerId, progress, seed: options.seed, size: options.size, out });
    const vultrFailures = await demoVultr({ db, keyring, organizationId: org.organizationId, ownerId: org.ownerId, deps, progress, seed: options.seed, size: options.size }, out);
    await printEstate(db, org.organizationId, out);
    await printMetricsByCategory(db, org.organizationId, out);
    await printHealthAndCosts(db, org.organizationId, deps.clock().toISOString().slice(0, 10), out);
    await (await import("./demo-status-checks.ts")).printGroupAndBackendHealth(db, org.organizationId, out);
    await (await import("./demo-backend-metrics.ts")).printBackendServiceMetrics(db, org.organizationId, out);
    await printRecommendations(db, org.organizationId, out);
    await (await import("./demo-lifecycle.ts")).showLifecycleAndDiskTiers(db, org.organizationId, out);
    await demoAlerts({ db, organizationId: org.organizationId, ownerId: org.ownerId, deps, providers, progress, removeFromCloud: { aws: (id) => aws.mutate.remove(id), gcp: (id) => gcp.mutate.remove(id) } }, out);
    const failures = [...first.failures, ...second.failures, ...linodeFailures, ...vultrFailures];
    failures.push(...(await showDependenciesAndScaling({ db, deps, provider: providers.find((p) => p.providerName === "aws")!, emulator: aws, organizationId: org.organizationId, progress, out })));
    failures.push(...(await showDeployments({ db, deps, providers, organizationId: org.organizationId, out })));
    await showBackupsAndDrPlan({ db, organizationId: org.organizationId, ownerId: org.ownerId, out });
    await (await import("./demo-snapshots.ts")).showSnapshots({ db, organizationId: org.organizationId, out });
    await (await import("./demo-rds-backups.ts")).showRdsBackups({ db, organizationId: org.organizationId, out });
    await (await import("./demo-wedding-backups.ts")).showWeddingBackupAlerts({ db, organizationId: org.organizationId, clock: deps.clock, out });
    const orgErrors = await (await import("./demo-organizations.ts")).demoWholeOrganizations({ db, keyring, deps, emulators: { startAwsEmulator, startGcpEmulator, startAzureEmulator }, seed: options.seed, out });
    failures.push(...orgErrors.map((error) => ({ provider: "aws-organization", kind: "resources", error })));
    for (const f of failures) out(`! ${f.provider} ${f.kind}: ${f.error}`);
    out("Explore it: `pnpm db:studio` (with the same DATABASE_URL), or query resource_changes to see what changed.");
    return failures.length > 0 ? 1 : 0;
  } finally {
    await handle.close();
    await Promise.all([aws.close(), azure.close(), gcp.close()]);
  }
}

async function printEstate(db: Database, organizationId: string, out: (line: string) => void): Promise<void> {
  const byType = await queryRows<{ provider: string; resource_type: string; running: number; stopped: number; other: number; terminated: number }>(
    db,
    sql`select p.provider_name as provider, r.resource_type,
               count(*) filter (where r.resource_status = 'running')::int as running,
               count(*) filter (where r.resource_status = 'stopped')::int as stopped,
               count(*) filter (where r.resource_status not in ('running', 'stopped', 'terminated'))::int as other,
               count(*) filter (where r.resource_status = 'terminated')::int as terminated
          from cloud_resources r join cloud_providers p on p.id = r.provider_id
         where r.organization_id = ${organizationId}::uuid
         group by 1, 2 order by 1, 2`,
  );
  out(`The estate\n${renderTable(["provider", "type", "running", "stopped", "other", "terminated"], byType.map((r) => [r.provider, r.resource_type, r.running, r.stopped, r.other, r.terminated]))}\n`);
  const changes = await queryRows<{ provider: string; change_type: string; resource_name: string; changed_fields: string[] }>(
    db,
    sql`select p.provider_name as provider, c.change_type, r.resource_name, c.changed_fields
          from resource_changes c join cloud_resources r on r.id = c.resource_id join cloud_providers p on p.id = c.provider_id
         where c.organization_id = ${organizationId}::uuid and c.change_type <> 'inserted'
         order by c.changed_at desc limit 10`,
  );
  out(`What changed (resource_changes)\n${renderTable(["provider", "change", "resource", "fields"], changes.map((c) => [c.provider, c.change_type, c.resource_name, c.changed_fields.join(", ")]))}\n`);
  const costs = await queryRows<{ provider: string; month: string; category: string; currency: string; total: string }>(
    db,
    sql`select p.provider_name as provider, to_char(s.month, 'YYYY-MM') as month, s.cost_category as category,
               coalesce(s.cost_currency, '') as currency, s.total_cost::text as total
          from monthly_cost_summary s join cloud_providers p on p.id = s.provider_id
         where s.organization_id = ${organizationId}::uuid
         order by s.month desc, s.total_cost desc limit 8`,
  );
  out(`Top costs (monthly_cost_summary)\n${renderTable(["provider", "month", "category", "currency", "total"], costs.map((c) => [c.provider, c.month, c.category, c.currency, c.total]))}\n`);
}
