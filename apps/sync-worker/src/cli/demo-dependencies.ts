import { type Database, getWeddingCriticalDependencies, queryRows, withOrganization } from "@cloudsync/db";
import { sql } from "drizzle-orm";
import type { SyncDeps } from "../jobs/sync-resources.ts";
import type { ProviderSummary } from "../providers/registry.ts";
import type { Progress } from "./output.ts";
import { renderTable } from "./output.ts";
import { runSyncs } from "./run-syncs.ts";

/** What this section needs of the AWS emulator: its mutations. */
export interface ResizableEmulator {
  mutate: {
    resize(id: string, change: { size?: string; extra?: Record<string, string> }): boolean;
    retag(id: string, tags: Record<string, string>): boolean;
  };
}

export interface DependencyDemoContext {
  db: Database;
  deps: SyncDeps;
  /** The provider the emulator serves: the only one this section changes and syncs again. */
  provider: ProviderSummary;
  emulator: ResizableEmulator;
  organizationId: string;
  progress: Progress;
  out: (line: string) => void;
}

/**
 * Resizes that stay in one `size_category` bucket, which were invisible before every size change
 * was recorded: one size up and one sideways move that halves the memory.
 */
const sameBucketResizes: Readonly<Record<string, string>> = {
  "m5.xlarge": "m5.2xlarge",
  "m5.large": "c5.large",
  "c5.4xlarge": "c5.2xlarge",
  "r6g.2xlarge": "r6g.xlarge",
  "c6i.large": "m5.large",
};

/**
 * The demo's dependencies and scaling section: in the cloud, an instance with dependencies is
 * tagged wedding-critical and resized within its size bucket, and a scaling group (when the
 * estate has one) scales out by two; one more inventory sync; then what the wedding-critical
 * resources depend on and what depends on them, and the scaling rows with their cost impact.
 * Returns the failures of its sync, for the demo's exit code.
 */
export async function showDependenciesAndScaling(ctx: DependencyDemoContext): Promise<{ provider: string; kind: string; error: string }[]> {
  const { db, organizationId, out } = ctx;
  const sizes = Object.keys(sameBucketResizes);
  // Read by configuration field, not kind: the section works for whatever the provider calls them.
  const [instance] = await queryRows<{ resource_id: string; size: string; tags: Record<string, string> }>(
    db,
    sql`select r.resource_id, r.configuration ->> 'InstanceType' as size, r.tags
          from cloud_resources r
         where r.organization_id = ${organizationId}::uuid and r.provider_id = ${ctx.provider.id}::uuid
           and r.resource_status = 'running' and r.configuration ->> 'InstanceType' = any(${`{${sizes.join(",")}}`}::text[])
         order by exists (select 1 from resource_dependencies d where d.dependent_resource_id = r.id) desc, r.resource_name
         limit 1`,
  );
  const [group] = await queryRows<{ resource_id: string; desired: string }>(
    db,
    sql`select resource_id, configuration ->> 'DesiredCapacity' as desired from cloud_resources
         where organization_id = ${organizationId}::uuid and provider_id = ${ctx.provider.id}::uuid
           and resource_status <> 'terminated' and configuration ? 'DesiredCapacity'
         order by resource_name limit 1`,
  );
  const did: string[] = [];
  if (instance) {
    ctx.emulator.mutate.retag(instance.resource_id, { ...instance.tags, "wedding-critical": "true" });
    ctx.emulator.mutate.resize(instance.resource_id, { size: sameBucketResizes[instance.size]! });
    did.push(`${instance.resource_id} tagged wedding-critical and resized ${instance.size} → ${sameBucketResizes[instance.size]}`);
  }
  if (group && Number.isFinite(Number(group.desired))) {
    ctx.emulator.mutate.resize(group.resource_id, { extra: { desired: String(Number(group.desired) + 2) } });
    did.push(`${group.resource_id} scaled out ${group.desired} → ${Number(group.desired) + 2}`);
  } else {
    did.push("no scaling group in this estate to scale out");
  }
  const third = await runSyncs(ctx.deps, [ctx.provider], ["resources"], ctx.progress, "demo");
  out(`Third sync, after ${did.join("; ")}`);

  const critical = await withOrganization(db, organizationId, async (tx) => {
    const up = await getWeddingCriticalDependencies(tx, { organizationId, direction: "upstream", maxDepth: 3 });
    const down = await getWeddingCriticalDependencies(tx, { organizationId, direction: "downstream", maxDepth: 3 });
    return { up, down };
  }, { role: null });
  const rows: (string | number)[][] = [];
  for (const [direction, list] of [["depends on", critical.up], ["needed by", critical.down]] as const) {
    for (const c of list) {
      for (const n of c.nodes) rows.push([c.resourceName, direction, n.depth, n.resourceName, n.resourceSubtype ?? n.resourceType, n.dependencyType, n.dependencyStrength]);
    }
  }
  const withEdges = new Set(rows.map((r) => r[0]));
  out(
    `Dependencies of wedding-critical resources (${critical.up.length} of them, ${withEdges.size} with dependencies; first 12)\n${renderTable(
      ["wedding-critical", "", "depth", "resource", "kind", "type", "strength"],
      rows.slice(0, 12),
    )}\n`,
  );
  const scalings = await queryRows<{ resource_name: string; scaling_action: string; scaling_trigger: string; cost_impact: string | null; reason: string }>(
    db,
    sql`select r.resource_name, h.scaling_action, h.scaling_trigger, h.cost_impact::text as cost_impact,
               split_part(h.scaling_reason, ';', 1) as reason
          from resource_scaling_history h join cloud_resources r on r.id = h.resource_id
         where h.organization_id = ${organizationId}::uuid
         order by h.triggered_at desc limit 6`,
  );
  out(
    `Scaling history (resource_scaling_history; cost impact in USD per month)\n${renderTable(
      ["resource", "action", "trigger", "cost impact", "what changed"],
      scalings.map((s) => [s.resource_name, s.scaling_action, s.scaling_trigger, s.cost_impact ?? "unknown", s.reason]),
    )}\n`,
  );
  return third.failures;
}
