import { cloudResources, deploymentStatuses, type deploymentTypes, infrastructureDeployments, infrastructureTemplates } from "@cloudsync/db";
import { and, count, desc, eq, isNull } from "drizzle-orm";
import type { Env } from "../env.ts";
import { printRows } from "./output.ts";
import { type OrgOptions, inOrganization } from "./tenant.ts";

export const deploymentListStatuses = ["all", ...deploymentStatuses] as const;

/**
 * `deployment list`: the organization's deployments, newest first, with their template, how far
 * they got and how many live (not terminated) resources point at them.
 */
export async function deploymentList(
  env: Env,
  opts: OrgOptions & { json: boolean; status: (typeof deploymentListStatuses)[number]; type?: (typeof deploymentTypes)[number] | undefined },
): Promise<number> {
  const d = infrastructureDeployments;
  const rows = await inOrganization(env, opts, (tx) =>
    tx
      .select({
        id: d.id,
        name: d.deploymentName,
        type: d.deploymentType,
        status: d.deploymentStatus,
        template: infrastructureTemplates.templateName,
        templateVersion: infrastructureTemplates.templateVersion,
        progress: d.deploymentProgress,
        weddingDayReady: d.weddingDayReady,
        healthCheckPassed: d.healthCheckPassed,
        deployedAt: d.deployedAt,
        createdAt: d.createdAt,
        liveResources: count(cloudResources.id),
      })
      .from(d)
      .innerJoin(infrastructureTemplates, eq(infrastructureTemplates.id, d.templateId))
      .leftJoin(cloudResources, and(eq(cloudResources.deploymentId, d.id), isNull(cloudResources.terminatedAt)))
      .where(and(opts.status === "all" ? undefined : eq(d.deploymentStatus, opts.status), opts.type ? eq(d.deploymentType, opts.type) : undefined))
      .groupBy(d.id, infrastructureTemplates.id)
      .orderBy(desc(d.createdAt)),
  );
  printRows(opts.json, rows, {
    headers: ["id", "name", "type", "status", "stages", "template", "resources", "wedding-ready", "deployed"],
    cells: (r) => [
      r.id,
      r.name,
      r.type,
      r.status ?? "",
      r.progress?.total_stages ? `${r.progress.completed_stages}/${r.progress.total_stages}` : "",
      `${r.template} ${r.templateVersion ?? ""}`.trim(),
      r.liveResources,
      r.weddingDayReady ? "yes" : "no",
      r.deployedAt?.toISOString() ?? "",
    ],
    empty: `no ${opts.status === "all" ? "" : `${opts.status} `}deployments`,
  });
  return 0;
}
