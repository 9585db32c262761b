import { type NormalizedDeployment, templateTypeOf } from "@cloudsync/cloud";
import { type DbOrTx, type DeploymentType, queryRows, withOrganization } from "@cloudsync/db";
import { sql } from "drizzle-orm";
import { environmentFromTags } from "../resources/tag-flags.ts";

/**
 * Writes what the clouds' deployment services report (docs/coverage.md, "Deployments"):
 * templates deduplicated by content hash, deployments upserted by the cloud's id (never
 * deleted: a stack gone from the cloud keeps its last known row), and each resource a deployment
 * created linked through `cloud_resources.deployment_id` when the inventory has it. All inside
 * the organization (`withOrganization`, the connection's own role, as the other writers).
 */

export interface DeploymentWriteContext {
  organizationId: string;
  providerId: string;
  /** Who synced rows are attributed to: the provider's creator. */
  createdBy: string;
  now: Date;
}

export interface DeploymentWriteCounts {
  inserted: number;
  updated: number;
  templatesCreated: number;
  /** Resources of the inventory now pointing at a deployment they were listed by. */
  linked: number;
  /** Resources a deployment lists that the inventory does not have (types no reader covers, not synced yet). */
  notInventoried: number;
  /** Resources that pointed at a deployment which no longer lists them, unlinked. */
  unlinked: number;
}

export const emptyDeploymentCounts = (): DeploymentWriteCounts => ({ inserted: 0, updated: 0, templatesCreated: 0, linked: 0, notInventoried: 0, unlinked: 0 });

const drSpellings = new Set(["dr", "disaster-recovery", "disaster_recovery", "disasterrecovery", "recovery"]);

/**
 * `deployment_type` from the deployment's tags: the environment tag rule the resources use
 * (`environment`, `env` or `stage`; prod/staging/test/dev spellings), plus `disaster_recovery`
 * for an environment tag naming DR; `development` when the tags say nothing, the same default
 * as `cloud_resources.environment`.
 */
export function deploymentTypeOf(tags: Readonly<Record<string, string>>): DeploymentType {
  for (const [key, value] of Object.entries(tags)) {
    if (["environment", "env", "stage"].includes(key.toLowerCase()) && drSpellings.has(value.trim().toLowerCase())) return "disaster_recovery";
  }
  return (environmentFromTags(tags) as DeploymentType | null) ?? "development";
}

/**
 * When the version that stands was deployed: the last change of a deployed or rolled-back
 * deployment, the first creation of one being updated (its previous version still stands), and
 * nothing for one that is pending, provisioning, failed or being destroyed.
 */
export function deployedAtOf(d: Pick<NormalizedDeployment, "status" | "createdAt" | "updatedAt">): string | null {
  if (d.status === "deployed" || d.status === "rolled_back") return d.updatedAt ?? d.createdAt;
  if (d.status === "updating") return d.createdAt;
  return null;
}

/** The template row's version: the content hash's first twelve hex digits, so a changed template is a new version. */
export function templateVersionOf(contentHash: string): string {
  return `sha256:${contentHash.slice(0, 12)}`;
}

/** Writes one page of deployments of one provider, in one transaction of the organization. */
export async function writeDeployments(db: DbOrTx, ctx: DeploymentWriteContext, deployments: readonly NormalizedDeployment[]): Promise<DeploymentWriteCounts> {
  const counts = emptyDeploymentCounts();
  if (deployments.length === 0) return counts;
  const org = ctx.organizationId;
  await withOrganization(
    db,
    org,
    async (tx) => {
      for (const d of deployments) {
        const templateId = await ensureTemplate(tx, ctx, d, counts);
        const [region] = await queryRows<{ id: string }>(
          tx,
          sql`select id from cloud_regions where organization_id = ${org}::uuid and provider_id = ${ctx.providerId}::uuid and region_code = ${d.regionCode}`,
        );
        const target = [{ provider_id: ctx.providerId, region_id: region?.id ?? null, configuration: { cloud: d.cloud, account: d.account, region: d.regionCode } }];
        const progress = { current_stage: d.cloudStatus, total_stages: 0, completed_stages: 0, estimated_completion: null, stage_details: [] };
        const logs = d.statusReason ? [{ at: d.updatedAt ?? d.createdAt, status: d.cloudStatus, message: d.statusReason }] : [];
        const deployedAt = deployedAtOf(d);
        const [row] = await queryRows<{ id: string; inserted: boolean }>(
          tx,
          sql`insert into infrastructure_deployments as x
                (organization_id, deployment_name, deployment_type, template_id, target_providers, deployment_parameters,
                 deployment_status, deployment_progress, resource_inventory, deployment_logs, deployed_at,
                 deployment_duration_seconds, created_by, provider_id, cloud_deployment_id, cloud_status, last_synced_at)
              values (${org}::uuid, ${d.name.slice(0, 200)}, ${deploymentTypeOf(d.tags)}, ${templateId}::uuid, ${JSON.stringify(target)}::jsonb,
                      ${JSON.stringify(d.parameters)}::jsonb, ${d.status}, ${JSON.stringify(progress)}::jsonb,
                      ${JSON.stringify(d.resources.map((r) => r.resourceId))}::jsonb, ${JSON.stringify(logs)}::jsonb,
                      ${deployedAt}::timestamptz, ${d.durationSeconds}::int, ${ctx.createdBy}::uuid, ${ctx.providerId}::uuid,
                      ${d.deploymentId}, ${d.cloudStatus.slice(0, 60)}, ${ctx.now.toISOString()}::timestamptz)
              on conflict (organization_id, provider_id, cloud_deployment_id) do update set
                deployment_name = excluded.deployment_name, deployment_type = excluded.deployment_type,
                template_id = excluded.template_id, target_providers = excluded.target_providers,
                deployment_parameters = excluded.deployment_parameters, deployment_status = excluded.deployment_status,
                deployment_progress = excluded.deployment_progress, resource_inventory = excluded.resource_inventory,
                deployment_logs = excluded.deployment_logs, deployed_at = excluded.deployed_at,
                deployment_duration_seconds = excluded.deployment_duration_seconds, cloud_status = excluded.cloud_status,
                last_synced_at = excluded.last_synced_at
              returning x.id, (x.xmax = 0) as inserted`,
        );
        if (!row) throw new Error(`writing deployment ${d.deploymentId} returned no row`);
        if (row.inserted) counts.inserted += 1;
        else counts.updated += 1;
        await linkResources(tx, ctx, row.id, d, counts);
      }
    },
    { role: null },
  );
  return counts;
}

async function ensureTemplate(tx: DbOrTx, ctx: DeploymentWriteContext, d: NormalizedDeployment, counts: DeploymentWriteCounts): Promise<string> {
  const org = ctx.organizationId;
  const t = d.template;
  const [existing] = await queryRows<{ id: string }>(
    tx,
    sql`select id from infrastructure_templates where organization_id = ${org}::uuid and content_hash = ${t.contentHash}`,
  );
  if (existing) return existing.id;
  // Named after the first deployment seen running it; a changed template of the same
  // deployment is the next version of that name.
  const name = `${d.name}`.slice(0, 200);
  const [created] = await queryRows<{ id: string }>(
    tx,
    sql`insert into infrastructure_templates
          (organization_id, template_name, template_version, template_type, description, infrastructure_code, template_format,
           supported_providers, version_number, created_by, content_hash)
        values (${org}::uuid, ${name}, ${templateVersionOf(t.contentHash)}, ${templateTypeOf(d.resources.map((r) => r.type))}, ${t.description},
                ${t.body}, ${t.format}, ${JSON.stringify([d.cloud])}::jsonb,
                (select coalesce(max(version_number), 0) + 1 from infrastructure_templates where organization_id = ${org}::uuid and template_name = ${name}),
                ${ctx.createdBy}::uuid, ${t.contentHash})
        on conflict (organization_id, content_hash) where content_hash is not null do nothing
        returning id`,
  );
  if (created) {
    counts.templatesCreated += 1;
    return created.id;
  }
  // Another sync of the organization stored the same template meanwhile.
  const [raced] = await queryRows<{ id: string }>(tx, sql`select id from infrastructure_templates where organization_id = ${org}::uuid and content_hash = ${t.contentHash}`);
  if (!raced) throw new Error(`template ${t.contentHash} is neither insertable nor stored`);
  return raced.id;
}

/**
 * Points the provider's resources a deployment lists at it, and unlinks resources that point at
 * it but that it no longer lists. A resource is named by its provider id or, where the
 * deployment service does not know that id (GCP Compute's numeric ids), by its self link in
 * the configuration; both compared case-insensitively (ARM ids are, and a deployment does not
 * always keep the case `resources.list` reports).
 */
async function linkResources(tx: DbOrTx, ctx: DeploymentWriteContext, deploymentRowId: string, d: NormalizedDeployment, counts: DeploymentWriteCounts): Promise<void> {
  const org = ctx.organizationId;
  const keyOf = (r: { resourceId: string; targetKey?: string }) => `${r.targetKey ?? ""}|${r.resourceId.toLowerCase()}`;
  const wanted = [...new Set(d.resources.map(keyOf))];
  const ids = wanted.filter((k) => k.startsWith("|")).map((k) => k.slice(1));
  const selfLinks = wanted.filter((k) => k.startsWith("selfLink|")).map((k) => k.slice("selfLink|".length));
  // As JSON parameters: drizzle spreads an array into a parameter list.
  const list = (values: string[]) => sql`(select jsonb_array_elements_text(${JSON.stringify(values)}::jsonb))`;
  const matched = await queryRows<{ id: string; key: string }>(
    tx,
    sql`with matched as (
          select id, '|' || lower(resource_id) as key, deployment_id from cloud_resources
           where organization_id = ${org}::uuid and provider_id = ${ctx.providerId}::uuid and lower(resource_id) in ${list(ids)}
          union all
          select id, 'selfLink|' || lower(configuration ->> 'selfLink') as key, deployment_id from cloud_resources
           where organization_id = ${org}::uuid and provider_id = ${ctx.providerId}::uuid and lower(configuration ->> 'selfLink') in ${list(selfLinks)}
        ), linked as (
          update cloud_resources r set deployment_id = ${deploymentRowId}::uuid
            from matched m where r.id = m.id and m.deployment_id is distinct from ${deploymentRowId}::uuid
        )
        select distinct id, key from matched`,
  );
  const found = new Set(matched.map((m) => m.key));
  counts.linked += found.size;
  counts.notInventoried += wanted.length - found.size;
  const unlinked = await queryRows<{ id: string }>(
    tx,
    sql`update cloud_resources set deployment_id = null
         where organization_id = ${org}::uuid and deployment_id = ${deploymentRowId}::uuid
           and not (id::text in ${list(matched.map((m) => m.id))})
        returning id`,
  );
  counts.unlinked += unlinked.length;
}
