import { type DbOrTx, type Database, cloudProviders, cloudRegions, cloudResources, queryRows } from "@cloudsync/db";
import { asc, eq, or, sql } from "drizzle-orm";
import type { Env } from "../env.ts";
import { CommandFailedError } from "./errors.ts";
import { renderTable } from "./output.ts";
import { type OrgOptions, inOrganization, isUuid } from "./tenant.ts";

/** How many recent changes `resource show` prints. */
const RECENT_CHANGES = 10;

export interface ResourceDetail {
  resource: {
    id: string;
    name: string;
    providerResourceId: string;
    type: string;
    subtype: string | null;
    provider: string;
    region: string | null;
    status: string | null;
    environment: string | null;
    weddingCritical: boolean | null;
    createdAt: Date | null;
    lastUpdated: Date | null;
    terminatedAt: Date | null;
    tags: Record<string, string> | null;
  };
  health: { status: string | null; latestSample: { at: string; healthScore: number | null; metrics: Record<string, number> } | null };
  costs: { tracking: Record<string, unknown> | null; billedByMonth: { month: string; currency: string; amount: string }[] };
  recentChanges: { at: string; changeType: string; changedFields: string[] }[];
  dependsOn: { id: string; name: string; type: string; strength: string | null }[];
  dependents: { id: string; name: string; type: string; strength: string | null }[];
}

/**
 * Finds one resource of the organization by our id (uuid), the provider's id (an ARN, an Azure
 * resource id, a GCP self link) or its name. A name two resources share is refused with their
 * ids, since showing either would be a guess.
 */
async function findResource(tx: DbOrTx, ref: string, slug: string) {
  const r = cloudResources;
  const matches = await tx
    .select({ id: r.id, name: r.resourceName, providerResourceId: r.resourceId })
    .from(r)
    .where(isUuid(ref) ? or(eq(r.id, ref), eq(r.resourceId, ref)) : or(eq(r.resourceId, ref), eq(r.resourceName, ref)))
    // A stable list for a name several resources share: by the provider's id, as people know them.
    .orderBy(asc(r.resourceId), asc(r.id))
    .limit(11);
  if (matches.length === 0) throw new CommandFailedError(`${slug} has no resource with id or name ${JSON.stringify(ref)}; check the spelling, or find it with SQL on cloud_resources.resource_name`);
  if (matches.length > 1) {
    const listed = matches.slice(0, 10).map((m) => `  ${m.id}  ${m.providerResourceId}`).join("\n");
    throw new CommandFailedError(`${matches.length > 10 ? "more than 10" : matches.length} resources match ${JSON.stringify(ref)}; show one by its id:\n${listed}`);
  }
  return matches[0]!.id;
}

export async function loadResourceDetail(tx: DbOrTx, id: string): Promise<ResourceDetail> {
  const r = cloudResources;
  const [row] = await tx
    .select({ r, provider: cloudProviders.displayName, cloud: cloudProviders.providerName, region: cloudRegions.regionCode })
    .from(r)
    .innerJoin(cloudProviders, eq(cloudProviders.id, r.providerId))
    .leftJoin(cloudRegions, eq(cloudRegions.id, r.regionId))
    .where(eq(r.id, id));
  const res = row!.r;
  // The latest sample of the last 7 days: the partitions prune to this month and the last.
  const [sample] = await queryRows<{ at: string; health_score: number | null; metrics: Record<string, number> }>(
    tx,
    sql`select monitoring_timestamp as at, health_score, metrics from infrastructure_monitoring
         where resource_id = ${id} and monitoring_timestamp > now() - interval '7 days'
         order by monitoring_timestamp desc limit 1`,
  );
  const billed = await queryRows<{ month: string; currency: string; amount: string }>(
    tx,
    sql`select to_char(date_trunc('month', cost_period_start), 'YYYY-MM') as month, coalesce(cost_currency, 'USD') as currency,
               round(sum(cost_amount), 2)::text as amount
          from cloud_costs where resource_id = ${id} and cost_period_start >= date_trunc('month', now()) - interval '2 months'
         group by 1, 2 order by 1 desc, 2`,
  );
  const changes = await queryRows<{ at: string; change_type: string; changed_fields: string[] }>(
    tx,
    sql`select changed_at as at, change_type, changed_fields from resource_changes where resource_id = ${id}
         order by changed_at desc limit ${RECENT_CHANGES}`,
  );
  const deps = await queryRows<{ direction: "on" | "of"; id: string; name: string; type: string; strength: string | null }>(
    tx,
    sql`select 'on' as direction, c.id, c.resource_name as name, d.dependency_type as type, d.dependency_strength as strength
          from resource_dependencies d join cloud_resources c on c.id = d.parent_resource_id where d.dependent_resource_id = ${id}
        union all
        select 'of', c.id, c.resource_name, d.dependency_type, d.dependency_strength
          from resource_dependencies d join cloud_resources c on c.id = d.dependent_resource_id where d.parent_resource_id = ${id}
        order by 1, 3`,
  );
  const iso = (v: string | Date) => new Date(v).toISOString();
  const dep = ({ id: depId, name, type, strength }: (typeof deps)[number]) => ({ id: depId, name, type, strength });
  return {
    resource: {
      id: res.id,
      name: res.resourceName,
      providerResourceId: res.resourceId,
      type: res.resourceType,
      subtype: res.resourceSubtype,
      provider: `${row!.cloud} "${row!.provider}"`,
      region: row!.region,
      status: res.resourceStatus,
      environment: res.environment,
      weddingCritical: res.isWeddingCritical,
      createdAt: res.createdAt,
      lastUpdated: res.lastUpdated,
      terminatedAt: res.terminatedAt,
      tags: res.tags,
    },
    health: { status: res.healthStatus, latestSample: sample ? { at: iso(sample.at), healthScore: sample.health_score, metrics: sample.metrics } : null },
    costs: { tracking: res.costTracking as Record<string, unknown> | null, billedByMonth: billed },
    recentChanges: changes.map((c) => ({ at: iso(c.at), changeType: c.change_type, changedFields: c.changed_fields })),
    dependsOn: deps.filter((d) => d.direction === "on").map(dep),
    dependents: deps.filter((d) => d.direction === "of").map(dep),
  };
}

function formatDetail(d: ResourceDetail): string {
  const r = d.resource;
  const lines = [
    `${r.name} (${r.id})`,
    `  provider id   ${r.providerResourceId}`,
    `  kind          ${r.type}${r.subtype ? ` / ${r.subtype}` : ""} on ${r.provider}${r.region ? ` in ${r.region}` : ""}`,
    `  status        ${r.status ?? "unknown"}${r.terminatedAt ? ` since ${r.terminatedAt.toISOString()}` : ""}; environment ${r.environment ?? "unknown"}${r.weddingCritical ? "; wedding-critical" : ""}`,
    `  health        ${d.health.status ?? "unknown"}${d.health.latestSample ? `; last sample ${d.health.latestSample.at}, score ${d.health.latestSample.healthScore ?? "n/a"}, ${Object.entries(d.health.latestSample.metrics).map(([k, v]) => `${k} ${v}`).join(", ")}` : "; no sample in the last 7 days"}`,
  ];
  const t = d.costs.tracking;
  // monthly_cost is the run rate (last complete day × days in the month), month_to_date_cost what
  // was billed so far; rows not refreshed since 0026 carry no month to date.
  if (t?.last_updated) {
    const mtd = t.month_to_date_cost === undefined ? "" : `; ${t.month_to_date_cost} month to date`;
    lines.push(`  cost          ${t.monthly_cost ?? 0} ${t.currency ?? ""}/month run rate${mtd}`);
  } else if (t) lines.push("  cost          nothing billed yet");
  lines.push("", "Billed (this month and the two before):", d.costs.billedByMonth.length ? renderTable(["month", "currency", "amount"], d.costs.billedByMonth.map((b) => [b.month, b.currency, b.amount])) : "  no cost lines");
  lines.push("", `Recent changes (last ${RECENT_CHANGES}):`, d.recentChanges.length ? renderTable(["at", "change", "fields"], d.recentChanges.map((c) => [c.at, c.changeType, c.changedFields.join(", ")])) : "  none recorded");
  const deps = [...d.dependsOn.map((x) => ["depends on", x] as const), ...d.dependents.map((x) => ["needed by", x] as const)];
  if (deps.length) lines.push("", "Dependencies:", renderTable(["relation", "resource", "id", "type", "strength"], deps.map(([rel, x]) => [rel, x.name, x.id, x.type, x.strength ?? ""])));
  return lines.join("\n");
}

/** `resource show <id|name>`: one resource with its health, costs, recent changes and dependencies. */
export async function resourceShow(env: Env, ref: string, opts: OrgOptions & { json: boolean }): Promise<number> {
  const detail = await inOrganization(env, opts, async (tx, org) => loadResourceDetail(tx, await findResource(tx, ref, org.slug)));
  console.log(opts.json ? JSON.stringify(detail, null, 2) : formatDetail(detail));
  return 0;
}
