import { type Database, queryRows } from "@cloudsync/db";
import { sql } from "drizzle-orm";
import { syncDeployments } from "../jobs/sync-deployments.ts";
import type { SyncDeps } from "../jobs/sync-run.ts";
import type { ProviderSummary } from "../providers/registry.ts";
import { kindRunsFor } from "../queues/configs.ts";
import { renderTable } from "./output.ts";

export interface DeploymentDemoContext {
  db: Database;
  deps: SyncDeps;
  providers: readonly ProviderSummary[];
  organizationId: string;
  out: (line: string) => void;
}

/**
 * The demo's deployments section: each provider's deployments read from its cloud's deployment
 * service (CloudFormation, ARM, Infrastructure Manager) and written with their templates; then
 * the deployments with what they created, and for one deployment of each cloud the resources of
 * the inventory linked to it. Returns the failures, for the demo's exit code.
 */
export async function showDeployments(ctx: DeploymentDemoContext): Promise<{ provider: string; kind: string; error: string }[]> {
  const { db, organizationId, out } = ctx;
  const failures: { provider: string; kind: string; error: string }[] = [];
  const lines: (string | number)[][] = [];
  for (const provider of ctx.providers.filter((p) => kindRunsFor(p.providerName, "deployments"))) {
    const s = await syncDeployments(ctx.deps, { providerId: provider.id, trigger: "demo" });
    for (const error of s.errors) failures.push({ provider: provider.providerName, kind: "deployments", error });
    lines.push([provider.providerName, s.written.inserted + s.written.updated, s.written.templatesCreated, s.written.linked, s.written.notInventoried, s.scopesFailed]);
  }
  out(`Deployments sync (infrastructure_deployments, infrastructure_templates)\n${renderTable(["provider", "deployments", "new templates", "linked resources", "not inventoried", "scopes failed"], lines)}\n`);

  const deployments = await queryRows<{ id: string; provider: string; name: string; status: string; cloud_status: string; type: string; template: string; linked: number; listed: number }>(
    db,
    sql`select d.id, p.provider_name as provider, d.deployment_name as name, d.deployment_status as status, d.cloud_status,
               d.deployment_type as type, t.template_format || ' ' || t.template_version as template,
               (select count(*)::int from cloud_resources r where r.deployment_id = d.id) as linked,
               jsonb_array_length(d.resource_inventory)::int as listed
          from infrastructure_deployments d
          join cloud_providers p on p.id = d.provider_id
          join infrastructure_templates t on t.id = d.template_id
         where d.organization_id = ${organizationId}::uuid
         order by p.provider_name, linked desc, d.deployment_name`,
  );
  // The first three of each provider, so every cloud shows.
  const shown = deployments.filter((d, i) => deployments.slice(0, i).filter((x) => x.provider === d.provider).length < 3);
  out(
    `Deployments from the clouds (${deployments.length}; the first three of each provider, most resources linked first)\n${renderTable(
      ["provider", "deployment", "status", "cloud says", "type", "template", "linked", "listed"],
      shown.map((d) => [d.provider, d.name, d.status, d.cloud_status, d.type, d.template, d.linked, d.listed]),
    )}\n`,
  );
  // Per cloud, the deployment with most resources linked (rows are ordered so): a stack, a resource-group deployment, …
  for (const providerName of new Set(deployments.map((d) => d.provider))) {
    const best = deployments.find((d) => d.provider === providerName && d.linked > 0);
    if (!best) continue;
    const resources = await queryRows<{ resource_name: string; kind: string; status: string }>(
      db,
      sql`select resource_name, coalesce(resource_subtype, resource_type) as kind, resource_status as status
            from cloud_resources where deployment_id = ${best.id}::uuid order by resource_name`,
    );
    out(`${best.provider} deployment ${best.name} (${best.cloud_status}) created\n${renderTable(["resource", "kind", "status"], resources.map((r) => [r.resource_name, r.kind, r.status]))}\n`);
  }
  return failures;
}
